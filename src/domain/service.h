/* service.h: paid services the seller subscribes to (selling plan,
 * advertising, fulfilment), each with its monthly fee; terminated at
 * closure. */
#ifndef OB_SERVICE_H
#define OB_SERVICE_H

#include "store/store.h"

struct service_input {
	const char *id;          /* the operator's id, or NULL */
	const char *seller_id;
	const char *kind;        /* selling_plan, advertising, fulfilment */
	int64_t monthly_fee_minor;
	const char *currency;
};

/* Validates and stores an active service into *out. OB_EINVAL naming the
 * field; OB_ECONFLICT "duplicate_id". */
enum ob_rc service_create(struct store *st, const struct service_input *in, struct service *out,
			  struct ob_err *err);

#endif
