/* ledger.h: the seller's money as a double-entry ledger.
 *
 * Every money event is one transaction whose postings sum to zero, to
 * accounts of the seller's sub-ledger:
 *
 *   seller_pending      proceeds not yet released
 *   seller_available    the seller's to withdraw; below zero it is a debt
 *   seller_reserve      held back after closure for late refunds and claims
 *   payouts_in_flight   withdrawn, on its way to the bank
 *   marketplace_fees, marketplace_adjustments, bank_clearing   the other side
 *
 * Balances are kept per account in the same database transaction as the
 * postings, so reading a balance never sums history. Transactions are
 * never changed or deleted; a mistake is reversed by a new transaction. */
#ifndef OB_LEDGER_H
#define OB_LEDGER_H

#include "store/store.h"

/* The types an operator may post, with the amount moving from one account
 * to another: sale (bank_clearing -> pending), release (pending ->
 * available), fee (available -> fees), refund and claim (available ->
 * bank_clearing), adjustment (signed: adjustments -> available). Internal
 * types (payout, payout_settled, payout_failed, reversal) come from their
 * own modules. */
struct ledger_input {
	const char *id;          /* the operator's id, or NULL */
	const char *seller_id;
	const char *type;
	int64_t amount_minor;    /* > 0; adjustments may be negative, not zero */
	const char *currency;
	const char *order_id;    /* NULL or the seller's order */
	const char *payout_id;   /* internal types only */
	const char *memo;
	const char *created_at;  /* RFC 3339 or NULL for now (imports of history) */
};

/* Books one money event as a balanced transaction into *out. OB_EINVAL
 * naming the field ("unknown_type", "invalid_amount", "currency_mismatch",
 * "unknown_seller", "unknown_order"); OB_ECONFLICT "duplicate_id", or
 * "insufficient_funds" when an account that cannot go below zero would
 * (pending, reserve, in flight). Available may go below zero: a debt. */
enum ob_rc ledger_post(struct store *st, const struct ledger_input *in, struct ledger_txn *out,
		       struct ob_err *err);

/* Books the same kind of event for internal types (payout, payout_settled,
 * payout_failed); called inside the caller's transaction. */
enum ob_rc ledger_post_internal(struct store *st, const struct ledger_input *in,
				struct ledger_txn *out, struct ob_err *err);

/* Reverses transaction id, one the operator posted, with a new one of
 * opposite postings (once). OB_ENOTFOUND; OB_ECONFLICT "already_reversed",
 * "not_reversible" (a reversal, or a payout's own entry) or
 * "insufficient_funds". */
enum ob_rc ledger_reverse(struct store *st, const char *id, const char *memo,
			  struct ledger_txn *out, struct ob_err *err);

/* The seller's balances, each in the marketplace currency. */
struct balance_view {
	char currency[4];
	int64_t available;       /* withdrawable, >= 0 */
	int64_t pending;
	int64_t reserved;
	int64_t debt;            /* what the seller owes, >= 0 */
	int64_t in_flight;       /* payouts on their way */
};

enum ob_rc ledger_balances(struct store *st, const char *seller_id, struct balance_view *out,
			   struct ob_err *err);

/* The same for a caller that knows the marketplace currency already (the
 * closure checklist): reads the balances only, no seller or marketplace. */
enum ob_rc ledger_balances_in(struct store *st, const char *seller_id, const char *currency,
			      struct balance_view *out, struct ob_err *err);

/* The signed effect of t on account (0 when it does not touch it). */
int64_t ledger_effect(const struct ledger_txn *t, const char *account);

#endif
