/* payout.h: money leaving for the seller's bank account.
 *
 *   requested -> sent | settled | failed
 *   sent -> settled | failed
 *
 * A request moves the amount from available to payouts in flight; settling
 * sends it out to the bank; a failure returns it to available, with the
 * reason kept for the seller. */
#ifndef OB_PAYOUT_H
#define OB_PAYOUT_H

#include "store/store.h"

struct payout_input {
	const char *id;           /* the operator's or importer's id, or NULL */
	const char *seller_id;
	int64_t amount_minor;     /* 0: everything available */
	const char *currency;     /* NULL, or the marketplace currency */
	const char *requested_at; /* RFC 3339 or NULL for now (imports of history) */
};

/* Requests a payout of the seller's available money to the bank account on
 * file into *out. OB_ECONFLICT "no_bank_account", "insufficient_funds"
 * (nothing or too little available), "duplicate_id"; OB_EINVAL
 * "invalid_amount", "currency_mismatch". */
enum ob_rc payout_request(struct store *st, const struct payout_input *in, struct payout *out,
			  struct ob_err *err);

/* Moves payout id to status ("sent", "settled", "failed"; reason for a
 * failure). The same status again changes nothing. OB_ENOTFOUND; OB_EINVAL
 * "invalid_status"; OB_ECONFLICT "invalid_transition". */
enum ob_rc payout_transition(struct store *st, const char *id, const char *status,
			     const char *reason, struct payout *out, struct ob_err *err);

#endif
