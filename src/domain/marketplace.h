/* marketplace.h: the marketplaces offboard serves. Each has its currency
 * and names the policy its closures follow. */
#ifndef OB_MARKETPLACE_H
#define OB_MARKETPLACE_H

#include "store/store.h"

struct marketplace_input {
	const char *id;        /* chosen by the operator: [A-Za-z0-9_-], up to 31 */
	const char *name;
	const char *currency;  /* ISO 4217, three capital letters */
	const char *policy;    /* NULL: "default" */
};

/* Validates in and stores a new marketplace into *out. OB_EINVAL with the
 * field at fault; OB_ECONFLICT ("marketplace_exists") when the id is taken. */
enum ob_rc marketplace_create(struct store *st, const struct marketplace_input *in,
			      struct marketplace *out, struct ob_err *err);

#endif
