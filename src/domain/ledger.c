#include "domain/ledger.h"

#include "core/clock.h"
#include "core/money.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "domain/seller.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

/* Room for every account of a seller's sub-ledger (seven today) in every
 * currency it could hold; reaching it is a bug, reported as such. */
#define LEDGER_ACCOUNTS_MAX 64

struct rule {
	const char *type;
	int external;            /* the operator may post it */
	int signed_amount;
	const char *from, *to;   /* the amount moves from -> to */
};

static const struct rule rules[] = {
	{ "sale", 1, 0, "bank_clearing", "seller_pending" },
	{ "release", 1, 0, "seller_pending", "seller_available" },
	{ "fee", 1, 0, "seller_available", "marketplace_fees" },
	{ "refund", 1, 0, "seller_available", "bank_clearing" },
	{ "claim", 1, 0, "seller_available", "bank_clearing" },
	{ "adjustment", 1, 1, "marketplace_adjustments", "seller_available" },
	{ "payout", 0, 0, "seller_available", "payouts_in_flight" },
	{ "reserve_hold", 0, 0, "seller_available", "seller_reserve" },
	{ "reserve_release", 0, 0, "seller_reserve", "seller_available" },
	{ "payout_settled", 0, 0, "payouts_in_flight", "bank_clearing" },
	{ "payout_failed", 0, 0, "payouts_in_flight", "seller_available" },
};

static int external_type(const char *type)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].type, type) == 0)
			return rules[i].external;
	return 0;
}

/* Accounts whose balance may never go below zero. */
static int must_stay_positive(const char *account)
{
	return strcmp(account, "seller_pending") == 0 || strcmp(account, "seller_reserve") == 0 ||
	       strcmp(account, "payouts_in_flight") == 0;
}

int64_t ledger_effect(const struct ledger_txn *t, const char *account)
{
	int64_t sum = 0;

	for (int i = 0; i < t->npostings; i++)
		if (strcmp(t->postings[i].account, account) == 0)
			sum += t->postings[i].amount_minor;
	return sum;
}

/* Stores t and moves the balances of its accounts, refusing any that would
 * overflow or go below zero where it must not. Inside a transaction. */
static enum ob_rc apply(struct store *st, const struct ledger_txn *t, struct ob_err *err)
{
	struct balance have[LEDGER_ACCOUNTS_MAX];
	size_t n = 0;
	int64_t sum = 0;
	enum ob_rc rc;

	for (int i = 0; i < t->npostings; i++)
		if (money_add(&sum, t->postings[i].amount_minor) < 0)
			return ob_fail(err, OB_EINVAL, "invalid_amount", "amount_minor", "amount too large");
	/* Double entry: a transaction that does not balance is a bug, not input. */
	if (sum != 0)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "ledger transaction does not balance");
	/* The transaction first: a repeat (an id taken, a second reversal) is
	 * told as such rather than as whatever its balances would do. */
	if ((rc = store_ledger_insert(st, t, err)) != OB_OK ||
	    (rc = store_balances_get(st, t->seller_id, have, LEDGER_ACCOUNTS_MAX, &n, err)) != OB_OK)
		return rc;
	if (n == LEDGER_ACCOUNTS_MAX)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "a seller has more ledger accounts than known");
	for (int i = 0; i < t->npostings; i++) {
		struct balance b;
		const struct posting *p = &t->postings[i];
		memset(&b, 0, sizeof(b));
		snprintf(b.seller_id, sizeof(b.seller_id), "%s", t->seller_id);
		snprintf(b.account, sizeof(b.account), "%s", p->account);
		snprintf(b.currency, sizeof(b.currency), "%s", t->currency);
		for (size_t j = 0; j < n; j++)
			if (strcmp(have[j].account, p->account) == 0 && strcmp(have[j].currency, t->currency) == 0)
				b.amount_minor = have[j].amount_minor;
		if (money_add(&b.amount_minor, p->amount_minor) < 0 || b.amount_minor > MONEY_MAX * 1000 ||
		    b.amount_minor < -MONEY_MAX * 1000)
			return ob_fail(err, OB_EINVAL, "invalid_amount", "amount_minor",
				       "the balance would overflow");
		if (b.amount_minor < 0 && must_stay_positive(p->account))
			return ob_fail(err, OB_ECONFLICT, "insufficient_funds", "amount_minor",
				       "%s holds less than this amount", p->account);
		if ((rc = store_balance_put(st, &b, err)) != OB_OK)
			return rc;
	}
	return OB_OK;
}

/* After closure the reserve stands in for available: proceeds released
 * later go into it, and refunds, claims and fees are paid from it first;
 * what it cannot cover is taken from available, which then shows the
 * shortfall as a debt. */
static enum ob_rc after_closure(struct store *st, struct ledger_txn *t, struct ob_err *err)
{
	struct balance have[LEDGER_ACCOUNTS_MAX];
	int64_t reserve = 0, from_reserve;
	size_t n = 0;
	enum ob_rc rc;

	if (strcmp(t->type, "release") == 0) {
		snprintf(t->postings[1].account, sizeof(t->postings[1].account), "seller_reserve");
		return OB_OK;
	}
	if (strcmp(t->type, "refund") != 0 && strcmp(t->type, "claim") != 0 && strcmp(t->type, "fee") != 0)
		return OB_OK;
	if ((rc = store_balances_get(st, t->seller_id, have, LEDGER_ACCOUNTS_MAX, &n, err)) != OB_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(have[i].account, "seller_reserve") == 0 && strcmp(have[i].currency, t->currency) == 0)
			reserve = have[i].amount_minor;
	from_reserve = reserve < t->amount_minor ? reserve : t->amount_minor;
	if (from_reserve <= 0)
		return OB_OK;
	/* postings: reserve -r, available -(amount - r) when any, other side +amount */
	t->postings[2] = t->postings[1];
	snprintf(t->postings[1].account, sizeof(t->postings[1].account), "seller_reserve");
	t->postings[1].amount_minor = -from_reserve;
	t->postings[0].amount_minor = -(t->amount_minor - from_reserve);
	t->npostings = 3;
	if (t->postings[0].amount_minor == 0) {
		t->postings[0] = t->postings[1];
		t->postings[1] = t->postings[2];
		t->npostings = 2;
	}
	return OB_OK;
}

/* A refund or claim after closure that the reserve could not cover: the
 * seller owes the rest. They get a statement; the operator sees the debt
 * in the closures list and the audit log. */
static enum ob_rc tell_shortfall(struct store *st, const struct ledger_txn *t, struct ob_err *err)
{
	struct balance_view b;
	char body[768], owed[40], amount[40], detail[200], actor[64];
	enum ob_rc rc;

	if ((rc = ledger_balances(st, t->seller_id, &b, err)) != OB_OK)
		return rc;
	money_decimal(b.debt, b.currency, owed, sizeof(owed));
	money_decimal(t->amount_minor, t->currency, amount, sizeof(amount));
	snprintf(body, sizeof(body),
		 "A %s of %s %s arrived after your account closed. Your reserve did not cover all of\n"
		 "it, so you now owe %s %s. Your statement, with every movement since you asked to\n"
		 "close, is in Seller Center (history) under Statement.\n", t->type, amount, t->currency,
		 owed, b.currency);
	snprintf(detail, sizeof(detail), "{\"txn_id\":\"%s\",\"type\":\"%s\",\"debt_minor\":%lld}", t->id,
		 t->type, (long long)b.debt);
	snprintf(actor, sizeof(actor), "system");
	if ((rc = audit_record(st, actor, t->seller_id, "reserve.shortfall", detail, err)) != OB_OK)
		return rc;
	return notify_email(st, t->seller_id, "Your reserve did not cover a claim: your statement", body, err);
}

static enum ob_rc post(struct store *st, const struct ledger_input *in, int external,
		       struct ledger_txn *out, struct ob_err *err)
{
	const struct rule *r = NULL;
	struct seller s;
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (in->type && strcmp(rules[i].type, in->type) == 0 && (rules[i].external || !external))
			r = &rules[i];
	if (r == NULL)
		return ob_fail(err, OB_EINVAL, "unknown_type", "type",
			       "type must be sale, release, fee, refund, claim or adjustment");
	if ((rc = text_record_id(out->id, in->id, "txn", err)) != OB_OK ||
	    (rc = text_amount(in->amount_minor, r->signed_amount, "amount_minor", err)) != OB_OK ||
	    (rc = text_copy(out->memo, sizeof(out->memo), in->memo, 0, "memo", err)) != OB_OK)
		return rc;
	if (in->amount_minor == 0)
		return ob_fail(err, OB_EINVAL, "invalid_amount", "amount_minor", "amount_minor must not be 0");
	if ((rc = text_time(in->created_at, "created_at", &out->created_at, err)) != OB_OK)
		return rc;
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = seller_for_record(st, in->seller_id, in->currency, &s, err)) != OB_OK)
		goto fail;
	crypto_wipe(s.password_hash, sizeof(s.password_hash));
	if (in->id) {
		/* a repeat of a stored event is recognised before its balances are checked */
		struct ledger_txn prev;
		rc = store_ledger_get(st, out->id, &prev, err);
		if (rc == OB_OK)
			rc = ob_fail(err, OB_ECONFLICT, "duplicate_id", "id", "a ledger transaction with this id exists");
		if (rc != OB_ENOTFOUND)
			goto fail;
	}
	if (in->order_id) {
		struct order o;
		rc = id_valid(in->order_id) ? store_order_get(st, in->order_id, &o, err) : OB_ENOTFOUND;
		if (rc == OB_ENOTFOUND || (rc == OB_OK && strcmp(o.seller_id, in->seller_id) != 0)) {
			rc = ob_fail(err, OB_EINVAL, "unknown_order", "order_id",
				     "the seller has no order with this id");
			goto fail;
		}
		if (rc != OB_OK)
			goto fail;
		snprintf(out->order_id, sizeof(out->order_id), "%s", in->order_id);
	}
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", in->seller_id);
	snprintf(out->currency, sizeof(out->currency), "%s", in->currency);
	snprintf(out->type, sizeof(out->type), "%s", r->type);
	if (in->payout_id)
		snprintf(out->payout_id, sizeof(out->payout_id), "%s", in->payout_id);
	out->amount_minor = in->amount_minor;
	out->npostings = 2;
	snprintf(out->postings[0].account, sizeof(out->postings[0].account), "%s", r->from);
	out->postings[0].amount_minor = -in->amount_minor;
	snprintf(out->postings[1].account, sizeof(out->postings[1].account), "%s", r->to);
	out->postings[1].amount_minor = in->amount_minor;
	if (external && s.status == SELLER_CLOSED &&
	    (rc = after_closure(st, out, err)) != OB_OK)
		goto fail;
	rc = apply(st, out, err);
	if (rc == OB_ECONFLICT && strcmp(err->code, "already_exists") == 0)
		rc = ob_fail(err, OB_ECONFLICT, "duplicate_id", "id", "a ledger transaction with this id exists");
	if (rc != OB_OK)
		goto fail;
	if (external && s.status == SELLER_CLOSED && ledger_effect(out, "seller_available") < 0 &&
	    (rc = tell_shortfall(st, out, err)) != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

enum ob_rc ledger_post(struct store *st, const struct ledger_input *in, struct ledger_txn *out,
		       struct ob_err *err)
{
	return post(st, in, 1, out, err);
}

enum ob_rc ledger_post_internal(struct store *st, const struct ledger_input *in,
				struct ledger_txn *out, struct ob_err *err)
{
	return post(st, in, 0, out, err);
}

enum ob_rc ledger_reverse(struct store *st, const char *id, const char *memo,
			  struct ledger_txn *out, struct ob_err *err)
{
	struct ledger_txn orig;
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = text_copy(out->memo, sizeof(out->memo), memo, 0, "memo", err)) != OB_OK)
		return rc;
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_ledger_get(st, id, &orig, err)) != OB_OK)
		goto fail;
	/* Only the operator's own events are reversed; a payout's entries
	 * follow the payout (a failed payout returns its money itself). */
	if (orig.reverses_id[0] || !external_type(orig.type)) {
		rc = ob_fail(err, OB_ECONFLICT, "not_reversible", NULL,
			     "a %s entry cannot be reversed", orig.reverses_id[0] ? "reversal" : orig.type);
		goto fail;
	}
	id_new("txn", out->id);
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", orig.seller_id);
	snprintf(out->type, sizeof(out->type), "reversal");
	snprintf(out->currency, sizeof(out->currency), "%s", orig.currency);
	snprintf(out->order_id, sizeof(out->order_id), "%s", orig.order_id);
	snprintf(out->reverses_id, sizeof(out->reverses_id), "%s", orig.id);
	out->amount_minor = orig.amount_minor;
	out->created_at = clock_now();
	out->npostings = orig.npostings;
	for (int i = 0; i < orig.npostings; i++) {
		out->postings[i] = orig.postings[i];
		out->postings[i].amount_minor = -orig.postings[i].amount_minor;
	}
	rc = apply(st, out, err);
	if (rc == OB_ECONFLICT && strcmp(err->code, "already_exists") == 0)
		rc = ob_fail(err, OB_ECONFLICT, "already_reversed", NULL, "this transaction was already reversed");
	if (rc != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

enum ob_rc ledger_balances(struct store *st, const char *seller_id, struct balance_view *out,
			   struct ob_err *err)
{
	struct seller_state s;
	struct marketplace m;
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_seller_state(st, seller_id, &s, err)) != OB_OK ||
	    (rc = store_marketplace_get(st, s.marketplace_id, &m, err)) != OB_OK)
		return rc;
	return ledger_balances_in(st, seller_id, m.currency, out, err);
}

enum ob_rc ledger_balances_in(struct store *st, const char *seller_id, const char *currency,
			      struct balance_view *out, struct ob_err *err)
{
	struct balance b[LEDGER_ACCOUNTS_MAX];
	size_t n = 0;
	int64_t available = 0;
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_balances_get(st, seller_id, b, LEDGER_ACCOUNTS_MAX, &n, err)) != OB_OK)
		return rc;
	snprintf(out->currency, sizeof(out->currency), "%s", currency);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(b[i].currency, currency) != 0)
			continue;
		if (strcmp(b[i].account, "seller_available") == 0)
			available = b[i].amount_minor;
		else if (strcmp(b[i].account, "seller_pending") == 0)
			out->pending = b[i].amount_minor;
		else if (strcmp(b[i].account, "seller_reserve") == 0)
			out->reserved = b[i].amount_minor;
		else if (strcmp(b[i].account, "payouts_in_flight") == 0)
			out->in_flight = b[i].amount_minor;
	}
	out->available = available > 0 ? available : 0;
	out->debt = available < 0 ? -available : 0;
	return OB_OK;
}
