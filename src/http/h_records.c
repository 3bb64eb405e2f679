/* h_records.c: the seller's own records: orders, disputes, ledger,
 * payouts, listings, inventory, services and balances. Every query is
 * bound to the signed-in seller; another seller's id is answered exactly
 * as a missing one. */
#include "http/handlers.h"

#include "domain/ledger.h"
#include "http/paging.h"
#include "http/views.h"

#include <string.h>

/* Rows for one page (q->limit of them), from the request's arena. */
static void *rows(struct req *r, size_t size, size_t n, struct ob_err *err)
{
	void *p = arena_alloc(&r->arena, size * n);

	if (p == NULL)
		ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	return p;
}

#define LIST_HANDLER(fn, type, store_list, names, view, time_field)                     \
	enum ob_rc fn(struct req *r, struct ob_err *err)                                  \
	{                                                                                 \
		struct page_query q;                                                      \
		struct type *out;                                                         \
		size_t n = 0, shown;                                                      \
		json_t *items;                                                            \
		enum ob_rc rc;                                                            \
                                                                                          \
		if ((rc = page_parse(r, names, &q, err)) != OB_OK)                        \
			return rc;                                                        \
		if ((out = rows(r, sizeof(*out), q.limit, err)) == NULL)                  \
			return err->rc;                                                   \
		if ((rc = store_list(r->st, &q, out, &n, err)) != OB_OK)                  \
			return rc;                                                        \
		shown = n < q.limit ? n : q.limit - 1;                                    \
		items = json_array();                                                     \
		for (size_t i = 0; i < shown; i++)                                        \
			json_array_append_new(items, view(&out[i]));                      \
		return page_answer(r, items, n == q.limit,                                \
				   shown ? out[shown - 1].time_field : 0,                 \
				   shown ? out[shown - 1].id : "", err);                  \
	}

static json_t *order_row_view(const struct order *o)
{
	return view_order(o, NULL, 0);
}

LIST_HANDLER(h_orders_list, order, store_orders_list, order_status_names, order_row_view, placed_at)
LIST_HANDLER(h_disputes_list, dispute, store_disputes_list, dispute_status_names, view_dispute, opened_at)
LIST_HANDLER(h_ledger_list, ledger_txn, store_ledger_list, NULL, view_ledger, created_at)
LIST_HANDLER(h_payouts_list, payout, store_payouts_list, payout_status_names, view_payout, requested_at)
LIST_HANDLER(h_listings_list, listing, store_listings_list, listing_status_names, view_listing, created_at)

enum ob_rc h_order_get(struct req *r, struct ob_err *err)
{
	struct order o;
	struct order_item *items;
	size_t n = 0;
	enum ob_rc rc;

	rc = id_valid(r->params[0]) ? store_order_get(r->st, r->params[0], &o, err) : OB_ENOTFOUND;
	if (rc == OB_ENOTFOUND || (rc == OB_OK && strcmp(o.seller_id, r->session.seller_id) != 0))
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "you have no order with this id");
	if (rc != OB_OK)
		return rc;
	if ((items = rows(r, sizeof(*items), 100, err)) == NULL)
		return err->rc;
	if ((rc = store_order_items(r->st, o.id, items, 100, &n, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_order(&o, items, n), err);
}

enum ob_rc h_balance_get(struct req *r, struct ob_err *err)
{
	struct balance_view b;
	enum ob_rc rc = ledger_balances(r->st, r->session.seller_id, &b, err);

	if (rc != OB_OK)
		return rc;
	return req_json(r, 200, view_balance(&b), err);
}

/* Inventory and services are short lists (a seller's SKUs in fulfilment,
 * a handful of services): answered whole, up to a cap that says when it
 * was reached, with no query parameters. */
#define SHORT_LIST_MAX 1000

static enum ob_rc no_parameters(struct req *r, struct ob_err *err)
{
	if (r->query && r->query[0])
		return ob_fail(err, OB_EINVAL, "unknown_parameter", NULL, "this list takes no query parameters");
	return OB_OK;
}

static enum ob_rc short_list(struct req *r, json_t *items, size_t n, struct ob_err *err)
{
	return req_json(r, 200, json_pack("{s:o, s:n, s:b}", "items", items, "next_cursor",
					  "truncated", n > SHORT_LIST_MAX), err);
}

enum ob_rc h_inventory_list(struct req *r, struct ob_err *err)
{
	struct inventory *out;
	size_t n = 0;
	json_t *items;
	enum ob_rc rc;

	if ((rc = no_parameters(r, err)) != OB_OK)
		return rc;
	if ((out = rows(r, sizeof(*out), SHORT_LIST_MAX + 1, err)) == NULL)
		return err->rc;
	if ((rc = store_inventory_list(r->st, r->session.seller_id, out, SHORT_LIST_MAX + 1, &n, err)) != OB_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n && i < SHORT_LIST_MAX; i++)
		json_array_append_new(items, view_inventory(&out[i]));
	return short_list(r, items, n, err);
}

enum ob_rc h_services_list(struct req *r, struct ob_err *err)
{
	struct service *out;
	size_t n = 0;
	json_t *items;
	enum ob_rc rc;

	if ((rc = no_parameters(r, err)) != OB_OK)
		return rc;
	if ((out = rows(r, sizeof(*out), SHORT_LIST_MAX + 1, err)) == NULL)
		return err->rc;
	if ((rc = store_services_list(r->st, r->session.seller_id, out, SHORT_LIST_MAX + 1, &n, err)) != OB_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n && i < SHORT_LIST_MAX; i++)
		json_array_append_new(items, view_service(&out[i]));
	return short_list(r, items, n, err);
}
