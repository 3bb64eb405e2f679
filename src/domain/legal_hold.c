#include "domain/legal_hold.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "domain/audit.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

#define YEAR (365LL * 86400)

/* The reason: required, one line, bounded, and more than blanks. */
static enum ob_rc check_reason(char *out, size_t cap, const char *reason, struct ob_err *err)
{
	enum ob_rc rc = text_copy(out, cap, reason, 1, "reason", err);

	if (rc != OB_OK)
		return rc;
	if (out[strspn(out, " ")] == '\0')
		return ob_fail(err, OB_EINVAL, "missing_field", "reason", "reason is required");
	return OB_OK;
}

static enum ob_rc check_until(const char *text, int64_t now, int64_t *until, struct ob_err *err)
{
	if (text == NULL || text[0] == '\0')
		return ob_fail(err, OB_EINVAL, "missing_field", "until", "until is required");
	if (clock_parse(text, until) < 0)
		return ob_fail(err, OB_EINVAL, "invalid_time", "until",
			       "until must be an RFC 3339 time such as 2027-01-31T00:00:00Z");
	if (*until <= now)
		return ob_fail(err, OB_EINVAL, "time_in_past", "until", "until must be in the future");
	if (*until > now + LEGAL_HOLD_YEARS_MAX * YEAR)
		return ob_fail(err, OB_EINVAL, "out_of_range", "until",
			       "until must be within %d years from now", LEGAL_HOLD_YEARS_MAX);
	return OB_OK;
}

/* The audit record of a change: ids and dates, never the reason. */
static enum ob_rc audit_hold(struct store *st, const char *actor, const struct legal_hold *h,
			     const char *action, struct ob_err *err)
{
	char detail[160], until[32];

	snprintf(detail, sizeof(detail), "{\"hold_id\":\"%s\",\"until\":\"%s\"}", h->id,
		 clock_format(h->until, until, sizeof(until)));
	return audit_record(st, actor, h->seller_id, action, detail, err);
}

enum ob_rc legal_hold_create(struct store *st, const struct legal_hold_input *in, const char *actor,
			     struct legal_hold *out, struct ob_err *err)
{
	struct seller s;
	int64_t now = clock_now();
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	if (in->seller_id == NULL || in->seller_id[0] == '\0')
		return ob_fail(err, OB_EINVAL, "missing_field", "seller_id", "seller_id is required");
	if (!id_valid(in->seller_id))
		return ob_fail(err, OB_ENOTFOUND, "unknown_seller", "seller_id", "no such seller");
	if ((rc = check_reason(out->reason, sizeof(out->reason), in->reason, err)) != OB_OK ||
	    (rc = check_until(in->until, now, &out->until, err)) != OB_OK)
		return rc;
	if ((rc = text_copy(out->created_by, sizeof(out->created_by), actor, 1, "actor", err)) != OB_OK ||
	    (rc = text_record_id(out->id, NULL, "hold", err)) != OB_OK)
		return rc;
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	rc = store_seller_get(st, in->seller_id, &s, err);
	if (rc == OB_ENOTFOUND)
		rc = ob_fail(err, OB_ENOTFOUND, "unknown_seller", "seller_id", "no such seller");
	else if (rc == OB_OK && s.status == SELLER_PURGED)
		rc = ob_fail(err, OB_ECONFLICT, "account_purged", "seller_id",
			     "the seller's data is erased already");
	if (rc != OB_OK)
		goto fail;
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", s.id);
	out->created_at = now;
	if ((rc = store_legal_hold_insert(st, out, err)) != OB_OK ||
	    (rc = audit_hold(st, actor, out, "legal_hold.created", err)) != OB_OK)
		goto fail;
	crypto_wipe(&s, sizeof(s));
	return store_commit(st, err);
fail:
	crypto_wipe(&s, sizeof(s));
	store_rollback(st);
	return rc;
}

enum ob_rc legal_hold_release(struct store *st, const char *id, const char *actor,
			      struct legal_hold *out, struct ob_err *err)
{
	char hold_id[ID_MAX];
	enum ob_rc rc;

	/* id may point into *out */
	if (id == NULL || !id_valid(id))
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such legal hold");
	snprintf(hold_id, sizeof(hold_id), "%s", id);
	memset(out, 0, sizeof(*out));
	if (actor == NULL || actor[0] == '\0' || strlen(actor) >= sizeof(out->released_by))
		return ob_fail(err, OB_EINVAL, "invalid_actor", NULL, "the actor is missing or too long");
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = legal_hold_get(st, hold_id, out, err)) != OB_OK)
		goto fail;
	if (out->released_at) {
		rc = ob_fail(err, OB_ECONFLICT, "legal_hold_released", NULL,
			     "the legal hold was released already");
		goto fail;
	}
	if ((rc = store_legal_hold_release(st, out->id, actor, clock_now(), err)) != OB_OK ||
	    (rc = store_legal_hold_get(st, out->id, out, err)) != OB_OK ||
	    (rc = audit_hold(st, actor, out, "legal_hold.released", err)) != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

enum ob_rc legal_hold_get(struct store *st, const char *id, struct legal_hold *out,
			  struct ob_err *err)
{
	enum ob_rc rc;

	if (id == NULL || !id_valid(id))
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such legal hold");
	rc = store_legal_hold_get(st, id, out, err);
	if (rc == OB_ENOTFOUND)
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such legal hold");
	return rc;
}

enum ob_rc legal_holds_list(struct store *st, const char *seller_id, int64_t after_time,
			    const char *after_id, struct legal_hold *out, size_t cap, size_t *n,
			    struct ob_err *err)
{
	*n = 0;
	if (seller_id && !id_valid(seller_id))
		return ob_fail(err, OB_EINVAL, "invalid_parameter", "seller_id", "seller_id: not an id");
	return store_legal_holds_list(st, seller_id, after_time, after_id, out, cap, n, err);
}

const char *legal_hold_status(const struct legal_hold *h, int64_t now)
{
	if (h->released_at)
		return "released";
	return h->until > now ? "active" : "ended";
}

enum ob_rc legal_hold_until(struct store *st, const char *seller_id, int64_t now, int64_t *until,
			    struct ob_err *err)
{
	*until = 0;
	return store_legal_hold_until(st, seller_id, now, until, err);
}

enum ob_rc legal_hold_check_purge(struct store *st, const char *seller_id, int64_t now,
				  struct ob_err *err)
{
	char when[32];
	int64_t until = 0;
	enum ob_rc rc = legal_hold_until(st, seller_id, now, &until, err);

	if (rc != OB_OK || until == 0)
		return rc;
	return ob_fail(err, OB_ECONFLICT, "legal_hold", NULL,
		       "a legal hold keeps this seller's data until %s",
		       clock_format(until, when, sizeof(when)));
}

enum ob_rc legal_hold_delay(struct store *st, const char *seller_id, int64_t now, int64_t erase_at,
			    int64_t *delayed_until, struct ob_err *err)
{
	int64_t until = 0;
	enum ob_rc rc = legal_hold_until(st, seller_id, now, &until, err);

	*delayed_until = rc == OB_OK && until > erase_at ? until : 0;
	return rc;
}

void legal_hold_delay_message(int64_t until, char *out, size_t cap)
{
	char when[32];

	clock_format(until, when, sizeof(when));
	snprintf(out, cap, "Erasure is delayed by a legal obligation until %.10s.", when);
}
