/* Marketplace facts through the domain: orders and their transition table,
 * disputes, listings, payouts, inventory and services, and keyset pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "domain/dispute.h"
#include "domain/inventory.h"
#include "domain/ledger.h"
#include "domain/listing.h"
#include "domain/order.h"
#include "domain/payout.h"
#include "domain/service.h"

#include <string.h>

static int setup(void **state)
{
	*state = testdb_open();
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	clock_pin(0);
	return 0;
}

static enum ob_rc new_order(struct store *st, const char *seller, const char *id, const char *status,
			    const char *placed_at, struct order *o, struct ob_err *err)
{
	struct order_input in;

	memset(&in, 0, sizeof(in));
	in.id = id;
	in.seller_id = seller;
	in.status = status;
	in.total_minor = 2599;
	in.currency = "USD";
	in.buyer_name = "Bob \"the buyer\", Jr.";
	in.ship_address = "1 Main St\nSpringfield";
	in.placed_at = placed_at;
	in.items[0] = (struct order_item_input){ "MUG-1", "Mug", 2, 1299 };
	in.nitems = 1;
	return order_create(st, &in, o, err);
}

static void order_transitions_follow_the_table(void **state)
{
	/* expected[from][to], in the order of enum order_status */
	static const int expected[7][7] = {
		{ 1, 1, 1, 0, 1, 0, 0 },
		{ 0, 1, 1, 0, 1, 0, 0 },
		{ 0, 0, 1, 1, 0, 0, 1 },
		{ 0, 0, 0, 1, 0, 1, 1 },
		{ 0, 0, 0, 0, 1, 0, 0 },
		{ 0, 0, 0, 0, 0, 1, 0 },
		{ 0, 0, 0, 0, 0, 1, 1 },
	};
	struct store *st = *state;
	char s[ID_MAX], id[32];
	struct order o;
	struct ob_err err;

	facts_seller(st, "a@shop.example", s);
	for (int from = 0; from < 7; from++) {
		for (int to = 0; to < 7; to++) {
			snprintf(id, sizeof(id), "o-%d-%d", from, to);
			assert_int_equal(new_order(st, s, id, order_status_names[from], NULL, &o, &err), OB_OK);
			enum ob_rc rc = order_transition(st, id, order_status_names[to], NULL, &o, &err);
			if (expected[from][to]) {
				assert_int_equal(rc, OB_OK);
				assert_int_equal(o.status, to);
			} else {
				assert_int_equal(rc, OB_ECONFLICT);
				assert_string_equal(err.code, "invalid_transition");
				assert_int_equal(store_order_get(st, id, &o, &err), OB_OK);
				assert_int_equal(o.status, from);   /* unchanged */
			}
		}
	}
	assert_int_equal(order_transition(st, "nope", "shipped", NULL, &o, &err), OB_ENOTFOUND);
	assert_int_equal(order_transition(st, "o-0-0", "lost", NULL, &o, &err), OB_EINVAL);
}

static void delivery_opens_the_return_window(void **state)
{
	struct store *st = *state;
	char s[ID_MAX];
	struct order o;
	struct ob_err err;

	clock_pin(1800000000);
	facts_seller(st, "a@shop.example", s);
	assert_int_equal(new_order(st, s, "o1", "shipped", "2027-01-01T00:00:00Z", &o, &err), OB_OK);
	assert_int_equal(o.delivered_at, 0);
	assert_int_equal(order_transition(st, "o1", "delivered", "2027-01-05T00:00:00Z", &o, &err), OB_OK);
	assert_int_equal(o.delivered_at, 1799107200);
	assert_int_equal(o.return_window_ends_at, 1799107200 + 30 * 86400);
	/* delivered before it was placed, or in the future */
	assert_int_equal(new_order(st, s, "o2", "shipped", "2027-01-10T00:00:00Z", &o, &err), OB_OK);
	assert_int_equal(order_transition(st, "o2", "delivered", "2027-01-05T00:00:00Z", &o, &err), OB_EINVAL);
	assert_int_equal(order_transition(st, "o2", "delivered", "2030-01-05T00:00:00Z", &o, &err), OB_EINVAL);
	assert_string_equal(err.code, "time_in_future");
	assert_int_equal(order_transition(st, "o2", "shipped", "2027-01-12T00:00:00Z", &o, &err), OB_EINVAL);
}

static void orders_reject_bad_input_and_closing_sellers(void **state)
{
	struct store *st = *state;
	char s[ID_MAX];
	struct order o;
	struct order_input in;
	struct ob_err err;

	facts_seller(st, "a@shop.example", s);
	assert_int_equal(new_order(st, s, "o1", "unshipped", NULL, &o, &err), OB_OK);
	assert_int_equal(new_order(st, s, "o1", "unshipped", NULL, &o, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "duplicate_id");
	assert_int_equal(new_order(st, "sel_nobody", "o2", "unshipped", NULL, &o, &err), OB_EINVAL);
	assert_string_equal(err.code, "unknown_seller");
	assert_int_equal(new_order(st, s, "o3", "unshipped", "yesterday", &o, &err), OB_EINVAL);
	assert_string_equal(err.field, "placed_at");

	memset(&in, 0, sizeof(in));
	in = (struct order_input){ .seller_id = s, .status = "unshipped", .total_minor = -1, .currency = "USD",
				   .buyer_name = "B", .ship_address = "A" };
	assert_int_equal(order_create(st, &in, &o, &err), OB_EINVAL);
	assert_string_equal(err.code, "invalid_amount");
	in.total_minor = 1;
	in.currency = "EUR";
	assert_int_equal(order_create(st, &in, &o, &err), OB_EINVAL);
	assert_string_equal(err.code, "currency_mismatch");
	in.currency = "USD";
	in.items[0] = (struct order_item_input){ "S", "T", 0, 1 };
	in.nitems = 1;
	assert_int_equal(order_create(st, &in, &o, &err), OB_EINVAL);
	assert_string_equal(err.code, "invalid_quantity");
	in.nitems = 0;
	in.delivered_at = "2026-01-01T00:00:00Z";
	assert_int_equal(order_create(st, &in, &o, &err), OB_EINVAL);
	assert_string_equal(err.code, "not_delivered");
	in.delivered_at = NULL;

	/* a closing account takes no new orders */
	assert_int_equal(store_seller_set_status(st, s, SELLER_CLOSING, 1, &err), OB_OK);
	assert_int_equal(order_create(st, &in, &o, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "seller_closing");
}

static void disputes_listings_inventory_services(void **state)
{
	struct store *st = *state;
	char a[ID_MAX], b[ID_MAX];
	struct order o;
	struct dispute d;
	struct listing l;
	struct inventory inv, list[4];
	struct service sv;
	size_t n;
	struct ob_err err;

	facts_seller(st, "a@shop.example", a);
	facts_seller(st, "b@shop.example", b);
	assert_int_equal(new_order(st, a, "oa", "delivered", NULL, &o, &err), OB_OK);

	struct dispute_input di = { .seller_id = a, .order_id = "oa", .kind = "a_to_z_claim",
				    .amount_minor = 2599, .currency = "USD" };
	assert_int_equal(dispute_create(st, &di, &d, &err), OB_OK);
	assert_int_equal(d.status, DISPUTE_OPEN);
	di.seller_id = b;   /* b cannot dispute a's order */
	assert_int_equal(dispute_create(st, &di, &d, &err), OB_EINVAL);
	assert_string_equal(err.code, "unknown_order");
	di.seller_id = a;
	di.kind = "complaint";
	assert_int_equal(dispute_create(st, &di, &d, &err), OB_EINVAL);
	assert_string_equal(err.code, "invalid_kind");
	di.kind = "chargeback";
	di.status = "closed";
	di.opened_at = "2026-01-01T00:00:00Z";
	di.closed_at = "2026-01-05T00:00:00Z";
	assert_int_equal(dispute_create(st, &di, &d, &err), OB_OK);
	assert_int_equal(d.status, DISPUTE_CLOSED);
	assert_int_equal(dispute_set_status(st, d.id, "open", &d, &err), OB_ECONFLICT);

	struct listing_input li = { .seller_id = a, .sku = "MUG-1", .title = "Mug", .price_minor = 1299,
				    .currency = "USD" };
	assert_int_equal(listing_create(st, &li, &l, &err), OB_OK);
	assert_int_equal(l.status, LISTING_ACTIVE);
	assert_int_equal(listing_create(st, &li, &l, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "duplicate_sku");
	li.seller_id = b;   /* another seller may use the same sku */
	assert_int_equal(listing_create(st, &li, &l, &err), OB_OK);
	assert_int_equal(listing_set_status(st, l.id, "inactive", &l, &err), OB_OK);
	assert_int_equal(l.status, LISTING_INACTIVE);
	assert_int_equal(listing_set_status(st, l.id, "paused", &l, &err), OB_EINVAL);

	struct inventory_input ii = { .seller_id = a, .sku = "MUG-1", .units = 12 };
	assert_int_equal(inventory_set(st, &ii, &inv, &err), OB_OK);
	ii.units = -1;
	assert_int_equal(inventory_set(st, &ii, &inv, &err), OB_EINVAL);
	assert_int_equal(store_inventory_list(st, a, list, 4, &n, &err), OB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].units, 12);
	ii.units = 0;   /* removed: no longer listed */
	assert_int_equal(inventory_set(st, &ii, &inv, &err), OB_OK);
	assert_int_equal(store_inventory_list(st, a, list, 4, &n, &err), OB_OK);
	assert_int_equal(n, 0);

	struct service_input si = { .seller_id = a, .kind = "selling_plan", .monthly_fee_minor = 3999,
				    .currency = "USD" };
	assert_int_equal(service_create(st, &si, &sv, &err), OB_OK);
	assert_true(sv.active);
	si.kind = "lunch";
	assert_int_equal(service_create(st, &si, &sv, &err), OB_EINVAL);
}

static void payouts_need_a_bank_account_and_funds(void **state)
{
	struct store *st = *state;
	char a[ID_MAX];
	struct payout p;
	struct ob_err err;
	struct payout_input in;

	facts_seller(st, "a@shop.example", a);
	in = (struct payout_input){ .seller_id = a };
	assert_int_equal(payout_request(st, &in, &p, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "insufficient_funds");

	/* a seller without a bank account */
	struct seller s;
	struct seller_input si = { .email = "nobank@shop.example", .password = "correct horse",
				   .display_name = "N", .marketplace = "us" };
	assert_int_equal(seller_create(st, &si, &s, &err), OB_OK);
	in.seller_id = s.id;
	assert_int_equal(payout_request(st, &in, &p, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "no_bank_account");
}

static void count_violation(void *arg, const char *what)
{
	fprintf(stderr, "violation: %s\n", what);
	(*(int *)arg)++;
}

static int violations(struct store *st)
{
	int seen = 0, n = 0;
	struct ob_err err;

	assert_int_equal(store_check(st, count_violation, &seen, &n, &err), OB_OK);
	return n;
}

/* The seller's readiness counters (migration 10, kept by triggers) as
 * {open orders, open disputes, their amount, payouts in flight, their
 * amount, fulfilment units, skus, active listings, services, their fees}. */
static void counters_are(struct store *st, const char *seller, const int64_t want[10])
{
	struct readiness_counts c;
	struct ob_err err;

	assert_int_equal(store_readiness_counts(st, seller, clock_now(), &c, &err), OB_OK);
	const int64_t got[10] = { c.open_orders, c.open_disputes, c.open_disputes_minor, c.payouts_in_flight,
				  c.payouts_in_flight_minor, c.fulfilment_units, c.fulfilment_skus,
				  c.active_listings, c.active_services, c.active_services_minor };
	for (int i = 0; i < 10; i++) {
		if (got[i] != want[i])
			fprintf(stderr, "counter %d: %lld, not %lld\n", i, (long long)got[i], (long long)want[i]);
		assert_int_equal(got[i], want[i]);
	}
	assert_int_equal(violations(st), 0);
}

static void readiness_counters_follow_every_write(void **state)
{
	struct store *st = *state;
	char a[ID_MAX], b[ID_MAX];
	struct order o;
	struct dispute d1, d2;
	struct listing l1, l2;
	struct inventory inv;
	struct service sv;
	struct payout p;
	struct ledger_txn t;
	int64_t changed;
	struct ob_err err;

	facts_seller(st, "a@shop.example", a);
	facts_seller(st, "b@shop.example", b);
	counters_are(st, a, (const int64_t[10]){ 0 });

	/* orders: pending and shipped are open, delivered and cancelled not */
	assert_int_equal(new_order(st, a, "o1", "pending", NULL, &o, &err), OB_OK);
	assert_int_equal(new_order(st, a, "o2", "unshipped", NULL, &o, &err), OB_OK);
	assert_int_equal(new_order(st, a, "o3", "delivered", NULL, &o, &err), OB_OK);
	assert_int_equal(new_order(st, b, "o4", "shipped", NULL, &o, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 2 });
	assert_int_equal(order_transition(st, "o1", "shipped", NULL, &o, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 2 });
	assert_int_equal(order_transition(st, "o1", "delivered", NULL, &o, &err), OB_OK);
	assert_int_equal(order_transition(st, "o2", "cancelled", NULL, &o, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0 });
	counters_are(st, b, (const int64_t[10]){ 1 });

	/* disputes: open ones and their amount */
	struct dispute_input di = { .seller_id = a, .kind = "other", .amount_minor = 700, .currency = "USD" };
	assert_int_equal(dispute_create(st, &di, &d1, &err), OB_OK);
	di.amount_minor = 50;
	assert_int_equal(dispute_create(st, &di, &d2, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 2, 750 });
	assert_int_equal(dispute_set_status(st, d1.id, "closed", &d1, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50 });

	/* listings: active ones, through closing and vacation mode */
	struct listing_input li = { .seller_id = a, .sku = "MUG-1", .title = "Mug", .price_minor = 1299,
				    .currency = "USD" };
	assert_int_equal(listing_create(st, &li, &l1, &err), OB_OK);
	li.sku = "MUG-2";
	assert_int_equal(listing_create(st, &li, &l2, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 0, 0, 2 });
	assert_int_equal(listing_set_status(st, l1.id, "inactive", &l1, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 0, 0, 1 });
	assert_int_equal(store_listings_pause(st, a, 1, &changed, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 0, 0, 0 });
	assert_int_equal(store_listings_resume(st, a, 2, &changed, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 0, 0, 1 });
	assert_int_equal(store_listings_deactivate(st, a, 3, &changed, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 0, 0, 0 });

	/* inventory: units and the skus holding any */
	struct inventory_input ii = { .seller_id = a, .sku = "MUG-1", .units = 12 };
	assert_int_equal(inventory_set(st, &ii, &inv, &err), OB_OK);
	ii.sku = "MUG-2";
	ii.units = 3;
	assert_int_equal(inventory_set(st, &ii, &inv, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 15, 2 });
	ii.units = 5;
	assert_int_equal(inventory_set(st, &ii, &inv, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 17, 2 });
	ii.sku = "MUG-1";
	ii.units = 0;
	assert_int_equal(inventory_set(st, &ii, &inv, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 5, 1 });

	/* services: active ones and their fees, until terminated */
	struct service_input si = { .seller_id = a, .kind = "selling_plan", .monthly_fee_minor = 3999,
				    .currency = "USD" };
	assert_int_equal(service_create(st, &si, &sv, &err), OB_OK);
	si.kind = "advertising";
	si.monthly_fee_minor = 1000;
	assert_int_equal(service_create(st, &si, &sv, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 5, 1, 0, 2, 4999 });
	assert_int_equal(store_services_terminate(st, a, 4, &changed, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 5, 1 });

	/* payouts: requested and sent are in flight, settled and failed not */
	struct ledger_input sale = { .seller_id = a, .type = "sale", .amount_minor = 10000, .currency = "USD" };
	assert_int_equal(ledger_post(st, &sale, &t, &err), OB_OK);
	sale.type = "release";
	assert_int_equal(ledger_post(st, &sale, &t, &err), OB_OK);
	struct payout_input pi = { .seller_id = a, .amount_minor = 4000 };
	assert_int_equal(payout_request(st, &pi, &p, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 1, 4000, 5, 1 });
	assert_int_equal(payout_transition(st, p.id, "sent", NULL, &p, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 1, 4000, 5, 1 });
	assert_int_equal(payout_transition(st, p.id, "failed", "closed account", &p, &err), OB_OK);
	counters_are(st, a, (const int64_t[10]){ 0, 1, 50, 0, 0, 5, 1 });
	counters_are(st, b, (const int64_t[10]){ 1 });

	/* a counter that drifts from the rows is reported by `check` */
	assert_int_equal(st->ops->exec(st, "UPDATE seller_counters SET open_disputes_minor = 51"
					   " WHERE open_disputes = 1", &err), OB_OK);
	assert_int_equal(violations(st), 1);
}

static void pages_are_stable_and_complete(void **state)
{
	struct store *st = *state;
	char a[ID_MAX], b[ID_MAX], id[32], when[32];
	struct order o, page[11];
	struct page_query q = { .status = -1, .limit = 11 };
	struct ob_err err;
	size_t n, seen = 0;
	int64_t last_time = INT64_MAX;

	facts_seller(st, "a@shop.example", a);
	facts_seller(st, "b@shop.example", b);
	/* 25 orders, several at the same second, and some of b's between */
	for (int i = 0; i < 25; i++) {
		snprintf(id, sizeof(id), "a-%02d", i);
		clock_format(1700000000 + (i / 3) * 60, when, sizeof(when));
		assert_int_equal(new_order(st, a, id, i % 5 == 0 ? "cancelled" : "unshipped", when, &o, &err), OB_OK);
		snprintf(id, sizeof(id), "b-%02d", i);
		assert_int_equal(new_order(st, b, id, "unshipped", when, &o, &err), OB_OK);
	}
	q.seller_id = a;
	for (int pages = 0; pages < 10; pages++) {
		assert_int_equal(store_orders_list(st, &q, page, &n, &err), OB_OK);
		size_t shown = n < 11 ? n : 10;
		for (size_t i = 0; i < shown; i++) {
			assert_string_equal(page[i].seller_id, a);
			assert_true(page[i].placed_at <= last_time);
			last_time = page[i].placed_at;
		}
		seen += shown;
		if (n < 11)
			break;
		q.after_time = page[9].placed_at;
		q.after_id = page[9].id;
	}
	assert_int_equal(seen, 25);

	/* a status filter and a time range */
	q = (struct page_query){ .seller_id = a, .status = ORDER_CANCELLED, .limit = 50 };
	assert_int_equal(store_orders_list(st, &q, page, &n, &err), OB_OK);
	assert_int_equal(n, 5);
	q = (struct page_query){ .seller_id = a, .status = -1, .from = 1700000060, .to = 1700000180, .limit = 11 };
	assert_int_equal(store_orders_list(st, &q, page, &n, &err), OB_OK);
	assert_int_equal(n, 6);   /* minutes 1 and 2, three orders each */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(order_transitions_follow_the_table, setup, teardown),
		cmocka_unit_test_setup_teardown(delivery_opens_the_return_window, setup, teardown),
		cmocka_unit_test_setup_teardown(orders_reject_bad_input_and_closing_sellers, setup, teardown),
		cmocka_unit_test_setup_teardown(disputes_listings_inventory_services, setup, teardown),
		cmocka_unit_test_setup_teardown(payouts_need_a_bank_account_and_funds, setup, teardown),
		cmocka_unit_test_setup_teardown(readiness_counters_follow_every_write, setup, teardown),
		cmocka_unit_test_setup_teardown(pages_are_stable_and_complete, setup, teardown),
	};

	if (crypto_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
