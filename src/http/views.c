#include "http/views.h"

#include "core/clock.h"
#include "core/money.h"
#include "http/request.h"

#include <string.h>

/* JSON null for an empty string, else the string. */
static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

json_t *view_money(int64_t amount, const char *currency)
{
	char dec[40];

	return json_pack("{s:I, s:s, s:s}", "amount_minor", (json_int_t)amount, "currency", currency,
			 "decimal", money_decimal(amount, currency, dec, sizeof(dec)));
}

void view_money_out(struct json_out *o, int64_t amount, const char *currency)
{
	char dec[40];

	json_out_object(o);
	json_out_key(o, "amount_minor");
	json_out_int(o, amount);
	json_out_key(o, "currency");
	json_out_string(o, currency);
	json_out_key(o, "decimal");
	json_out_string(o, money_decimal(amount, currency, dec, sizeof(dec)));
	json_out_end(o);
}

void view_time_out(struct json_out *o, int64_t t)
{
	char buf[32];

	if (t == 0)
		json_out_null(o);
	else
		json_out_string(o, clock_format(t, buf, sizeof(buf)));
}

json_t *view_listing(const struct listing *l)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o}", "id", l->id, "seller_id", l->seller_id,
			 "sku", l->sku, "title", l->title, "price", view_money(l->price_minor, l->currency),
			 "status", listing_status_names[l->status], "created_at", req_time(l->created_at),
			 "updated_at", req_time(l->updated_at));
}

json_t *view_order(const struct order *o, const struct order_item *items, size_t nitems)
{
	json_t *v = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id", o->id,
			      "seller_id", o->seller_id, "status", order_status_names[o->status],
			      "total", view_money(o->total_minor, o->currency), "buyer_name", o->buyer_name,
			      "ship_address", o->ship_address, "placed_at", req_time(o->placed_at),
			      "delivered_at", req_time(o->delivered_at),
			      "return_window_ends_at", req_time(o->return_window_ends_at),
			      "created_at", req_time(o->created_at), "updated_at", req_time(o->updated_at));

	if (v && items) {
		json_t *arr = json_array();
		for (size_t i = 0; i < nitems; i++)
			json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:I, s:o}", "line", items[i].line,
							     "sku", items[i].sku, "title", items[i].title,
							     "quantity", (json_int_t)items[i].quantity,
							     "unit_price", view_money(items[i].unit_price_minor, o->currency)));
		json_object_set_new(v, "items", arr);
	}
	return v;
}

json_t *view_dispute(const struct dispute *d)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o}", "id", d->id, "seller_id", d->seller_id,
			 "order_id", str_or_null(d->order_id), "kind", dispute_kind_names[d->kind],
			 "status", dispute_status_names[d->status],
			 "amount", view_money(d->amount_minor, d->currency),
			 "opened_at", req_time(d->opened_at), "closed_at", req_time(d->closed_at));
}

json_t *view_ledger(const struct ledger_txn *t)
{
	json_t *effect = json_object();
	static const char *const shown[] = { "seller_available", "seller_pending", "seller_reserve",
					     "payouts_in_flight" };
	static const char *const names[] = { "available", "pending", "reserved", "in_flight" };

	/* What the transaction did to the seller's own balances. */
	for (size_t i = 0; i < 4; i++) {
		int64_t e = ledger_effect(t, shown[i]);
		if (e)
			json_object_set_new(effect, names[i], view_money(e, t->currency));
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", t->id,
			 "seller_id", t->seller_id, "type", t->type,
			 "amount", view_money(t->amount_minor, t->currency),
			 "order_id", str_or_null(t->order_id), "payout_id", str_or_null(t->payout_id),
			 "memo", str_or_null(t->memo), "reverses_id", str_or_null(t->reverses_id), "effect", effect,
			 "created_at", req_time(t->created_at));
}

json_t *view_payout(const struct payout *p)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:{s:s}, s:o, s:o, s:o}", "id", p->id, "seller_id", p->seller_id,
			 "amount", view_money(p->amount_minor, p->currency),
			 "status", payout_status_names[p->status], "bank_account", "iban_masked", p->iban_masked,
			 "failure_reason", str_or_null(p->failure_reason),
			 "requested_at", req_time(p->requested_at), "updated_at", req_time(p->updated_at));
}

json_t *view_inventory(const struct inventory *inv)
{
	return json_pack("{s:s, s:s, s:I, s:o}", "seller_id", inv->seller_id, "sku", inv->sku,
			 "units", (json_int_t)inv->units, "updated_at", req_time(inv->updated_at));
}

json_t *view_service(const struct service *sv)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o}", "id", sv->id, "seller_id", sv->seller_id,
			 "kind", service_kind_names[sv->kind],
			 "monthly_fee", view_money(sv->monthly_fee_minor, sv->currency),
			 "status", sv->active ? "active" : "terminated",
			 "started_at", req_time(sv->started_at), "ended_at", req_time(sv->ended_at));
}

json_t *view_balance(const struct balance_view *b)
{
	/* every ledger entry says what it did to each of these ("effect") */
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:{s:s, s:s}}", "available", view_money(b->available, b->currency),
			 "pending", view_money(b->pending, b->currency),
			 "reserved", view_money(b->reserved, b->currency),
			 "debt", view_money(b->debt, b->currency),
			 "in_flight", view_money(b->in_flight, b->currency),
			 "explained_by", "ledger", "/api/v1/ledger", "statement", "/api/v1/account/statement");
}

json_t *view_webhook(const struct webhook *w, int with_secret)
{
	json_t *events = json_array(), *v;

	for (const char *p = w->events; events && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		json_array_append_new(events, json_stringn(p, len));
		p += len + (end ? 1 : 0);
	}
	v = json_pack("{s:s, s:s, s:o, s:b, s:o}", "id", w->id, "url", w->url, "events", events,
		      "active", w->active, "created_at", req_time(w->created_at));
	if (v && with_secret)
		json_object_set_new(v, "secret", json_string(w->secret));
	return v;
}

json_t *view_delivery(const struct delivery_info *info)
{
	const struct webhook_delivery *d = &info->d;
	/* the body as sent, as JSON again (it was built as JSON) */
	json_t *payload = json_loads(d->body, JSON_REJECT_DUPLICATES, NULL);

	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:o}", "id", d->id,
			 "webhook_id", d->webhook_id, "event", d->event,
			 "status", delivery_status_names[d->status], "attempts", d->attempts,
			 "last_status", d->last_status ? json_integer(d->last_status) : json_null(),
			 "last_error", str_or_null(d->last_error),
			 "payload", payload ? payload : json_string(d->body),
			 "created_at", req_time(d->created_at), "delivered_at", req_time(d->delivered_at),
			 "next_attempt_at", req_time(info->next_attempt_at));
}
