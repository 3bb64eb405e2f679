#include "domain/marketplace.h"

#include "core/clock.h"
#include "core/money.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

enum ob_rc marketplace_create(struct store *st, const struct marketplace_input *in,
			      struct marketplace *out, struct ob_err *err)
{
	enum ob_rc rc;
	const char *policy = in->policy ? in->policy : "default";

	memset(out, 0, sizeof(*out));
	if (!id_valid(in->id))
		return ob_fail(err, OB_EINVAL, "invalid_id", "id",
			       "id must be 1 to 31 letters, digits, '_' or '-'");
	if ((rc = text_copy(out->name, sizeof(out->name), in->name, 1, "name", err)) != OB_OK)
		return rc;
	if (money_exponent(in->currency) < 0)
		return ob_fail(err, OB_EINVAL, "invalid_currency", "currency",
			       "currency must be an ISO 4217 code such as USD");
	if (!id_valid(policy))
		return ob_fail(err, OB_EINVAL, "invalid_policy", "policy",
			       "policy must name a policy: letters, digits, '_' or '-'");
	snprintf(out->id, sizeof(out->id), "%s", in->id);
	snprintf(out->currency, sizeof(out->currency), "%s", in->currency);
	snprintf(out->policy, sizeof(out->policy), "%s", policy);
	out->created_at = clock_now();
	rc = store_marketplace_insert(st, out, err);
	if (rc == OB_ECONFLICT)
		return ob_fail(err, OB_ECONFLICT, "marketplace_exists", "id",
			       "a marketplace with this id already exists");
	return rc;
}
