#include "domain/payout.h"

#include "core/clock.h"
#include "core/money.h"
#include "core/policy.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/notify.h"
#include "domain/seller.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

/* allowed[from][to] as in the header. */
static const unsigned char allowed[4][4] = {
	/*                    req sent sett fail */
	[PAYOUT_REQUESTED] = { 0,  1,   1,   1 },
	[PAYOUT_SENT]      = { 0,  0,   1,   1 },
	[PAYOUT_SETTLED]   = { 0 },
	[PAYOUT_FAILED]    = { 0 },
};

/* The marketplace's limits: the smallest withdrawal, and how many may be
 * on their way at once. */
static enum ob_rc within_policy(struct store *st, const struct seller *s, int64_t amount, struct ob_err *err)
{
	struct marketplace m;
	struct readiness_counts c;
	const struct policy *p;
	enum ob_rc rc;

	if ((rc = store_marketplace_get(st, s->marketplace_id, &m, err)) != OB_OK)
		return rc;
	p = policy_get(m.policy);
	if (amount < p->payout_minimum_minor)
		return ob_fail(err, OB_EINVAL, "below_minimum", "amount",
			       "the smallest withdrawal is %lld minor units", (long long)p->payout_minimum_minor);
	if (p->payouts_in_flight_max > 0) {
		if ((rc = store_readiness_counts(st, s->id, clock_now(), &c, err)) != OB_OK)
			return rc;
		if (c.payouts_in_flight >= p->payouts_in_flight_max)
			return ob_fail(err, OB_ECONFLICT, "payout_in_flight", "amount",
				       "wait until your withdrawal on its way arrives");
	}
	return OB_OK;
}

enum ob_rc payout_request(struct store *st, const struct payout_input *in, struct payout *out,
			  struct ob_err *err)
{
	struct seller s;
	struct balance_view bal;
	struct ledger_txn t;
	struct ledger_input li;
	char detail[256], actor[64];
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = text_record_id(out->id, in->id, "pay", err)) != OB_OK ||
	    (rc = text_amount(in->amount_minor, 0, "amount", err)) != OB_OK)
		return rc;
	if ((rc = text_time(in->requested_at, "requested_at", &out->requested_at, err)) != OB_OK)
		return rc;
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = seller_for_record(st, in->seller_id, in->currency, &s, err)) != OB_OK ||
	    (rc = ledger_balances(st, s.id, &bal, err)) != OB_OK)
		goto fail;
	if (in->id) {
		struct payout prev;
		rc = store_payout_get(st, out->id, &prev, err);
		if (rc == OB_OK)
			rc = ob_fail(err, OB_ECONFLICT, "duplicate_id", "id", "a payout with this id exists");
		if (rc != OB_ENOTFOUND)
			goto fail;
	}
	if (s.bank_iban[0] == '\0') {
		rc = ob_fail(err, OB_ECONFLICT, "no_bank_account", NULL,
			     "add a bank account before withdrawing");
		goto fail;
	}
	out->amount_minor = in->amount_minor ? in->amount_minor : bal.available;
	if (out->amount_minor <= 0 || out->amount_minor > bal.available) {
		rc = ob_fail(err, OB_ECONFLICT, "insufficient_funds", "amount",
			     "available to withdraw: %lld minor units", (long long)bal.available);
		goto fail;
	}
	if ((rc = within_policy(st, &s, out->amount_minor, err)) != OB_OK)
		goto fail;
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", s.id);
	snprintf(out->currency, sizeof(out->currency), "%s", bal.currency);
	seller_iban_masked(&s, out->iban_masked, PAYOUT_IBAN_MASKED_MAX + 1);
	out->status = PAYOUT_REQUESTED;
	out->updated_at = out->requested_at;
	rc = store_payout_insert(st, out, err);
	if (rc == OB_ECONFLICT)
		rc = ob_fail(err, OB_ECONFLICT, "duplicate_id", "id", "a payout with this id exists");
	if (rc != OB_OK)
		goto fail;
	li = (struct ledger_input){ .seller_id = s.id, .type = "payout", .amount_minor = out->amount_minor,
				    .currency = out->currency, .payout_id = out->id,
				    .memo = "withdrawal to the bank account on file",
				    .created_at = in->requested_at };
	if ((rc = ledger_post_internal(st, &li, &t, err)) != OB_OK)
		goto fail;
	snprintf(detail, sizeof(detail), "{\"payout_id\":\"%s\",\"amount_minor\":%lld,\"currency\":\"%s\"}",
		 out->id, (long long)out->amount_minor, out->currency);
	snprintf(actor, sizeof(actor), "seller:%s", s.id);
	if ((rc = audit_record(st, actor, s.id, "payout.requested", detail, err)) != OB_OK ||
	    (rc = notify_event(st, "payout.requested", s.id, detail, err)) != OB_OK)
		goto fail;
	crypto_wipe(&s, sizeof(s));
	return store_commit(st, err);
fail:
	crypto_wipe(&s, sizeof(s));
	store_rollback(st);
	return rc;
}

/* The seller learns why their money came back. */
static enum ob_rc tell_failure(struct store *st, const struct payout *p, struct ob_err *err)
{
	char body[512], amount[40];

	money_decimal(p->amount_minor, p->currency, amount, sizeof(amount));
	snprintf(body, sizeof(body),
		 "Your withdrawal of %s %s to %s could not be paid: %s.\n"
		 "The money is available in your balance again. Check your bank details and withdraw again.\n",
		 amount, p->currency, p->iban_masked, p->failure_reason);
	return notify_email(st, p->seller_id, "Your withdrawal came back", body, err);
}

enum ob_rc payout_transition(struct store *st, const char *id, const char *status,
			     const char *reason, struct payout *out, struct ob_err *err)
{
	int to = store_enum_parse(payout_status_names, status);
	struct ledger_txn t;
	struct ledger_input li;
	enum ob_rc rc;
	char memo[201];

	if (to < 0 || to == PAYOUT_REQUESTED)
		return ob_fail(err, OB_EINVAL, "invalid_status", "status", "status must be sent, settled or failed");
	if (reason && to != PAYOUT_FAILED)
		return ob_fail(err, OB_EINVAL, "not_failed", "failure_reason",
			       "failure_reason goes with status failed");
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_payout_get(st, id, out, err)) != OB_OK)
		goto fail;
	if ((int)out->status == to) {
		store_rollback(st);
		return OB_OK;
	}
	if (!allowed[out->status][to]) {
		rc = ob_fail(err, OB_ECONFLICT, "invalid_transition", "status", "a %s payout cannot become %s",
			     payout_status_names[out->status], payout_status_names[to]);
		goto fail;
	}
	if ((rc = text_copy(out->failure_reason, sizeof(out->failure_reason),
			    to == PAYOUT_FAILED ? (reason ? reason : "the bank returned the payment") : NULL,
			    0, "failure_reason", err)) != OB_OK)
		goto fail;
	out->status = (enum payout_status)to;
	out->updated_at = clock_now();
	if ((rc = store_payout_update(st, out, err)) != OB_OK)
		goto fail;
	if (to != PAYOUT_SENT) {
		snprintf(memo, sizeof(memo), to == PAYOUT_SETTLED ? "payout settled" : "payout failed: %s",
			 out->failure_reason);
		li = (struct ledger_input){ .seller_id = out->seller_id,
					    .type = to == PAYOUT_SETTLED ? "payout_settled" : "payout_failed",
					    .amount_minor = out->amount_minor, .currency = out->currency,
					    .payout_id = out->id, .memo = memo };
		if ((rc = ledger_post_internal(st, &li, &t, err)) != OB_OK)
			goto fail;
	}
	if (to == PAYOUT_FAILED && (rc = tell_failure(st, out, err)) != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}
