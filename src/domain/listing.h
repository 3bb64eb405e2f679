/* listing.h: the seller's listings (offers in the catalogue), active until
 * deactivated. */
#ifndef OB_LISTING_H
#define OB_LISTING_H

#include "store/store.h"

struct listing_input {
	const char *id;          /* the operator's id, or NULL for a new one */
	const char *seller_id;
	const char *sku;
	const char *title;
	int64_t price_minor;
	const char *currency;
	const char *status;      /* NULL: active */
};

/* Validates and stores a listing into *out. OB_EINVAL naming the field;
 * OB_ECONFLICT "duplicate_id" or "duplicate_sku". */
enum ob_rc listing_create(struct store *st, const struct listing_input *in, struct listing *out,
			  struct ob_err *err);

/* Sets a listing active or inactive ("active"/"inactive"). OB_ENOTFOUND;
 * OB_EINVAL "invalid_status". */
enum ob_rc listing_set_status(struct store *st, const char *id, const char *status,
			      struct listing *out, struct ob_err *err);

#endif
