/* h_funds.c: the seller's money: withdrawals to the bank account on file. */
#include "http/handlers.h"

#include "domain/payout.h"
#include "http/views.h"

#include <stddef.h>

/* {"amount": {"amount_minor": 5000, "currency": "USD"}}, or {} for all */
struct withdraw_body {
	int64_t amount_minor;
	const char *currency;
};

static const struct json_field money_fields[] = {
	{ .name = "amount_minor", .type = JF_INT, .required = 1, .min = 1, .max = INT64_MAX,
	  .offset = offsetof(struct withdraw_body, amount_minor) },
	{ .name = "currency", .type = JF_STRING, .required = 1, .max = 3,
	  .offset = offsetof(struct withdraw_body, currency) },
};

static const struct json_field withdraw_fields[] = {
	{ .name = "amount", .type = JF_OBJECT, .nested = money_fields, .nnested = 2 },
};

enum ob_rc h_payout_create(struct req *r, struct ob_err *err)
{
	struct withdraw_body in = { 0 };
	struct payout_input pi;
	struct payout p;
	enum ob_rc rc;

	if ((rc = req_decode(r, withdraw_fields, 1, &in, err)) != OB_OK)
		return rc;
	pi = (struct payout_input){ .seller_id = r->session.seller_id, .amount_minor = in.amount_minor,
				    .currency = in.currency };
	if ((rc = payout_request(r->st, &pi, &p, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_payout(&p), err);
}
