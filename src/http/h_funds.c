/* h_funds.c: the seller's money: withdrawals to the bank account on file,
 * and the statement of every movement since the closure request. */
#include "http/handlers.h"

#include "core/clock.h"
#include "core/money.h"
#include "domain/closure.h"
#include "domain/ledger.h"
#include "domain/payout.h"
#include "http/views.h"

#include <event2/buffer.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

/* A CSV cell: quoted when it must be (RFC 4180), and a text that a
 * spreadsheet would run as a formula neutralised with a leading quote. */
static void csv_cell(struct evbuffer *b, const char *v)
{
	int formula = v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r';

	evbuffer_add(b, "\"", 1);
	if (formula)
		evbuffer_add(b, "'", 1);
	for (; *v; v++) {
		if (*v == '"')
			evbuffer_add(b, "\"", 1);
		evbuffer_add(b, v, 1);
	}
	evbuffer_add(b, "\"", 1);
}

#define STATEMENT_MAX_ROWS 20000

enum ob_rc h_statement(struct req *r, struct ob_err *err)
{
	struct closure c;
	struct page_query q;
	struct ledger_txn *rows;
	struct balance_view bal;
	const char *accept = req_header(r, "Accept");
	int csv = accept && strstr(accept, "text/csv") != NULL;
	int64_t from, to = clock_now();
	size_t n = 0, total = 0;
	json_t *entries = json_array();
	struct evbuffer *out = csv ? evbuffer_new() : NULL;
	enum ob_rc rc;

	/* from the closure request on; without one, the last 90 days */
	rc = store_closure_current(r->st, r->session.seller_id, &c, err);
	if (rc != OB_OK && rc != OB_ENOTFOUND)
		goto out;
	from = rc == OB_OK && c.method == CLOSURE_METHOD_CLOSE ? c.requested_at : to - 90 * 86400;
	if ((rc = ledger_balances(r->st, r->session.seller_id, &bal, err)) != OB_OK)
		goto out;
	if ((rows = arena_alloc(&r->arena, sizeof(*rows) * 200)) == NULL) {
		rc = ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if (out)
		evbuffer_add_printf(out, "created_at,type,amount,currency,available_change,pending_change,"
					 "reserved_change,in_flight_change,memo,order_id,payout_id\r\n");
	q = (struct page_query){ .seller_id = r->session.seller_id, .status = -1, .from = from, .limit = 200 };
	do {
		if ((rc = store_ledger_list(r->st, &q, rows, &n, err)) != OB_OK)
			goto out;
		for (size_t i = 0; i < n && total < STATEMENT_MAX_ROWS; i++, total++) {
			if (out) {
				static const char *const acc[] = { "seller_available", "seller_pending",
								   "seller_reserve", "payouts_in_flight" };
				char when[32], dec[40];
				evbuffer_add_printf(out, "%s,%s,%s,%s", clock_format(rows[i].created_at, when, sizeof(when)),
						    rows[i].type, money_decimal(rows[i].amount_minor, rows[i].currency, dec, sizeof(dec)),
						    rows[i].currency);
				for (size_t k = 0; k < 4; k++)
					evbuffer_add_printf(out, ",%s", money_decimal(ledger_effect(&rows[i], acc[k]),
										     rows[i].currency, dec, sizeof(dec)));
				evbuffer_add(out, ",", 1);
				csv_cell(out, rows[i].memo);
				evbuffer_add_printf(out, ",%s,%s\r\n", rows[i].order_id, rows[i].payout_id);
			} else {
				json_array_append_new(entries, view_ledger(&rows[i]));
			}
		}
		if (n == q.limit) {
			q.after_time = rows[n - 1].created_at;
			q.after_id = arena_strdup(&r->arena, rows[n - 1].id);
		}
	} while (n == q.limit && total < STATEMENT_MAX_ROWS);

	if (out) {
		size_t len = evbuffer_get_length(out);
		r->text = malloc(len + 1);
		if (r->text == NULL) {
			rc = ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
			goto out;
		}
		evbuffer_remove(out, r->text, len);
		r->text[len] = '\0';
		r->content_type = "text/csv; charset=utf-8";
		r->status = 200;
		rc = OB_OK;
		goto out;
	}
	rc = req_json(r, 200, json_pack("{s:o, s:o, s:s, s:O, s:o, s:b}", "from", req_time(from), "to", req_time(to),
					"currency", bal.currency, "entries", entries, "balances", view_balance(&bal),
					"complete", total < STATEMENT_MAX_ROWS), err);
out:
	json_decref(entries);
	if (out)
		evbuffer_free(out);
	return rc;
}
