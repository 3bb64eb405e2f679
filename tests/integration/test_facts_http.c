/* Marketplace facts over HTTP: the operator pushes listings, orders,
 * disputes, ledger events, payouts, inventory and services; each seller
 * reads their own, page by page, and never another's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#include "core/crypto.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct server srv;
static char seller_a[40], seller_b[40];
static struct seller_login login_a, login_b;

static const char *id_of(const struct response *r)
{
	return json_string_value(json_object_get(r->json, "id"));
}

static const char *str_at(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_int_t minor(const json_t *money)
{
	return json_integer_value(json_object_get(money, "amount_minor"));
}

static void make_seller(const char *email, char *id, struct seller_login *l)
{
	char body[512];
	struct response r;

	snprintf(body, sizeof(body),
		 "{\"email\":\"%s\",\"password\":\"correct horse\",\"display_name\":\"Shop\",\"marketplace\":\"us\","
		 "\"bank_account\":{\"holder\":\"Ann\",\"iban\":\"GB82WEST12345698765432\"}}", email);
	ops_post(&srv, "/api/v1/ops/sellers", body, &r);
	assert_int_equal(r.status, 201);
	snprintf(id, 40, "%s", id_of(&r));
	response_free(&r);
	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, l), 201);
}

static int group_setup(void **state)
{
	struct response r;

	(void)state;
	server_start(&srv, NULL);
	ops_post(&srv, "/api/v1/ops/marketplaces", "{\"id\":\"us\",\"name\":\"US\",\"currency\":\"USD\"}", &r);
	response_free(&r);
	make_seller("a@shop.example", seller_a, &login_a);
	make_seller("b@shop.example", seller_b, &login_b);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return server_stop(&srv);
}

static void seller_get(const struct seller_login *l, const char *path, struct response *r)
{
	const char *h[] = { l->cookie, NULL };

	http(&srv, "GET", path, h, NULL, 0, r);
}

static void ops_json(const char *method, const char *path, const char *body, struct response *r)
{
	char auth[160];
	const char *h[] = { auth, NULL };

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", srv.ops_key);
	http_json(&srv, method, path, h, body, r);
}

static void order(const char *seller, const char *id, const char *status, const char *placed_at)
{
	char body[1024];
	struct response r;

	snprintf(body, sizeof(body),
		 "{\"id\":\"%s\",\"seller_id\":\"%s\",\"status\":\"%s\",\"total_minor\":2599,\"currency\":\"USD\","
		 "\"buyer_name\":\"Bob, \\\"Jr.\\\"\",\"ship_address\":\"1 Main St\\nSpringfield\",\"placed_at\":\"%s\","
		 "\"items\":[{\"sku\":\"MUG-1\",\"title\":\"Mug\",\"quantity\":2,\"unit_price_minor\":1299}]}",
		 id, seller, status, placed_at);
	ops_post(&srv, "/api/v1/ops/orders", body, &r);
	if (r.status != 201)
		fprintf(stderr, "%s\n", r.body);
	assert_int_equal(r.status, 201);
	response_free(&r);
}

static void orders_and_their_transitions(void **state)
{
	struct response r;

	(void)state;
	order(seller_a, "a-1", "unshipped", "2026-01-01T10:00:00Z");
	ops_json("PATCH", "/api/v1/ops/orders/a-1", "{\"status\":\"shipped\"}", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str_at(r.json, "status"), "shipped");
	response_free(&r);
	ops_json("PATCH", "/api/v1/ops/orders/a-1", "{\"status\":\"unshipped\"}", &r);
	assert_int_equal(r.status, 409);
	assert_string_equal(error_code(&r), "invalid_transition");
	response_free(&r);
	ops_json("PATCH", "/api/v1/ops/orders/a-1", "{\"status\":\"delivered\",\"delivered_at\":\"2026-01-04T10:00:00Z\"}", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str_at(r.json, "return_window_ends_at"), "2026-02-03T10:00:00Z");
	response_free(&r);
	ops_json("PATCH", "/api/v1/ops/orders/nope", "{\"status\":\"shipped\"}", &r);
	assert_int_equal(r.status, 404);
	response_free(&r);
	ops_json("PATCH", "/api/v1/ops/orders/a-1", "{\"status\":\"lost\"}", &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "invalid_status");
	response_free(&r);

	/* the seller sees the order with its items; b does not */
	seller_get(&login_a, "/api/v1/orders/a-1", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str_at(r.json, "buyer_name"), "Bob, \"Jr.\"");
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);
	struct response missing;
	seller_get(&login_b, "/api/v1/orders/a-1", &r);
	seller_get(&login_b, "/api/v1/orders/no-such-order", &missing);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.body, missing.body);   /* another's is exactly a missing one */
	response_free(&r);
	response_free(&missing);

	/* bad order bodies */
	ops_post(&srv, "/api/v1/ops/orders",
		 "{\"seller_id\":\"nobody\",\"status\":\"unshipped\",\"total_minor\":1,\"currency\":\"USD\",\"buyer_name\":\"B\",\"ship_address\":\"A\"}", &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "unknown_seller");
	response_free(&r);
	ops_post(&srv, "/api/v1/ops/orders",
		 "{\"seller_id\":\"x\",\"status\":\"unshipped\",\"total_minor\":1,\"currency\":\"USD\",\"buyer_name\":\"B\",\"ship_address\":\"A\",\"items\":[1]}", &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")), "items[0]");
	response_free(&r);
	ops_post(&srv, "/api/v1/ops/orders",
		 "{\"seller_id\":\"x\",\"status\":\"unshipped\",\"total_minor\":99999999999999999999,\"currency\":\"USD\",\"buyer_name\":\"B\",\"ship_address\":\"A\"}", &r);
	assert_int_equal(r.status / 100, 4);
	response_free(&r);
	order(seller_a, "dup-1", "pending", "2026-01-02T10:00:00Z");
	ops_post(&srv, "/api/v1/ops/orders",
		 "{\"id\":\"dup-1\",\"seller_id\":\"x\",\"status\":\"pending\",\"total_minor\":1,\"currency\":\"USD\",\"buyer_name\":\"B\",\"ship_address\":\"A\"}", &r);
	assert_int_equal(r.status, 422);   /* unknown seller is found before the duplicate */
	response_free(&r);
}

static void money_balance_and_payouts(void **state)
{
	struct response r;
	char body[512], path[96], payout[40];
	const char *h[] = { login_a.cookie, login_a.csrf, "Idempotency-Key: withdraw-1", NULL };

	(void)state;
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"type\":\"sale\",\"amount_minor\":10000,\"currency\":\"USD\",\"order_id\":\"a-1\"}", seller_a);
	ops_post(&srv, "/api/v1/ops/ledger", body, &r);
	assert_int_equal(r.status, 201);
	assert_int_equal(minor(json_object_get(json_object_get(r.json, "effect"), "pending")), 10000);
	response_free(&r);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"type\":\"release\",\"amount_minor\":10000,\"currency\":\"USD\"}", seller_a);
	ops_post(&srv, "/api/v1/ops/ledger", body, &r);
	assert_int_equal(r.status, 201);
	response_free(&r);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"type\":\"fee\",\"amount_minor\":1500,\"currency\":\"USD\"}", seller_a);
	ops_post(&srv, "/api/v1/ops/ledger", body, &r);
	assert_int_equal(r.status, 201);
	response_free(&r);
	/* an order of another seller cannot be named */
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"type\":\"sale\",\"amount_minor\":1,\"currency\":\"USD\",\"order_id\":\"a-1\"}", seller_b);
	ops_post(&srv, "/api/v1/ops/ledger", body, &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "unknown_order");
	response_free(&r);

	seller_get(&login_a, "/api/v1/account/balance", &r);
	assert_int_equal(minor(json_object_get(r.json, "available")), 8500);
	assert_int_equal(minor(json_object_get(r.json, "pending")), 0);
	assert_string_equal(str_at(json_object_get(r.json, "available"), "decimal"), "85.00");
	response_free(&r);

	/* withdraw all; the same key again changes nothing */
	http_json(&srv, "POST", "/api/v1/payouts", h, "{}", &r);
	assert_int_equal(r.status, 201);
	assert_int_equal(minor(json_object_get(r.json, "amount")), 8500);
	assert_string_equal(str_at(json_object_get(r.json, "bank_account"), "iban_masked"), "GB** **** **** **** **54 32");
	snprintf(payout, sizeof(payout), "%s", id_of(&r));
	response_free(&r);
	http_json(&srv, "POST", "/api/v1/payouts", h, "{}", &r);
	assert_int_equal(r.status, 201);
	assert_string_equal(id_of(&r), payout);
	response_free(&r);
	h[2] = "Idempotency-Key: withdraw-2";
	http_json(&srv, "POST", "/api/v1/payouts", h, "{\"amount\":{\"amount_minor\":1,\"currency\":\"EUR\"}}", &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "currency_mismatch");
	response_free(&r);
	http_json(&srv, "POST", "/api/v1/payouts", h, "{\"amount\":{\"amount_minor\":1,\"currency\":\"USD\"}}", &r);
	assert_int_equal(r.status, 409);
	assert_string_equal(error_code(&r), "insufficient_funds");
	response_free(&r);

	seller_get(&login_a, "/api/v1/account/balance", &r);
	assert_int_equal(minor(json_object_get(r.json, "available")), 0);
	assert_int_equal(minor(json_object_get(r.json, "in_flight")), 8500);
	response_free(&r);

	/* the bank returns it: the money is available again, with the reason */
	snprintf(path, sizeof(path), "/api/v1/ops/payouts/%s", payout);
	ops_json("PATCH", path, "{\"status\":\"failed\",\"failure_reason\":\"account closed at the bank\"}", &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	ops_json("PATCH", path, "{\"status\":\"settled\"}", &r);
	assert_int_equal(r.status, 409);
	response_free(&r);
	seller_get(&login_a, "/api/v1/payouts", &r);
	assert_string_equal(str_at(json_array_get(json_object_get(r.json, "items"), 0), "failure_reason"),
			    "account closed at the bank");
	response_free(&r);
	seller_get(&login_a, "/api/v1/account/balance", &r);
	assert_int_equal(minor(json_object_get(r.json, "available")), 8500);
	response_free(&r);
	seller_get(&login_b, "/api/v1/payouts", &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	response_free(&r);

	/* the ledger explains it, newest first */
	seller_get(&login_a, "/api/v1/ledger?limit=2", &r);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(str_at(json_array_get(items, 0), "type"), "payout_failed");
	assert_string_equal(str_at(json_array_get(items, 1), "type"), "payout");
	assert_true(json_is_string(json_object_get(r.json, "next_cursor")));
	response_free(&r);
}

static void pages_filters_and_bad_parameters(void **state)
{
	struct response r;
	char id[32], when[32], path[256];
	int seen = 0;

	(void)state;
	for (int i = 0; i < 23; i++) {
		snprintf(id, sizeof(id), "page-%02d", i);
		snprintf(when, sizeof(when), "2025-06-%02dT12:00:00Z", 1 + i);
		order(seller_b, id, i % 4 == 0 ? "cancelled" : "unshipped", when);
	}
	snprintf(path, sizeof(path), "/api/v1/orders?limit=10");
	for (int pages = 0; pages < 5; pages++) {
		seller_get(&login_b, path, &r);
		assert_int_equal(r.status, 200);
		json_t *items = json_object_get(r.json, "items"), *next = json_object_get(r.json, "next_cursor");
		seen += (int)json_array_size(items);
		for (size_t i = 0; i < json_array_size(items); i++)
			assert_string_equal(str_at(json_array_get(items, i), "seller_id"), seller_b);
		if (json_is_null(next)) {
			response_free(&r);
			break;
		}
		snprintf(path, sizeof(path), "/api/v1/orders?limit=10&cursor=%s", json_string_value(next));
		response_free(&r);
	}
	assert_int_equal(seen, 23);

	seller_get(&login_b, "/api/v1/orders?status=cancelled", &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 6);
	response_free(&r);
	seller_get(&login_b, "/api/v1/orders?from=2025-06-05T00:00:00Z&to=2025-06-08T00:00:00Z", &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
	response_free(&r);

	static const char *const bad[] = {
		"/api/v1/orders?limit=0", "/api/v1/orders?limit=501", "/api/v1/orders?limit=ten",
		"/api/v1/orders?cursor=garbage!", "/api/v1/orders?cursor=bm9wZQ", "/api/v1/orders?status=lost",
		"/api/v1/orders?from=yesterday", "/api/v1/orders?sort=asc", "/api/v1/ledger?status=open",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		seller_get(&login_b, bad[i], &r);
		assert_int_equal(r.status, 422);
		response_free(&r);
	}
	/* a's cursor does not open b's orders: the seller comes from the session */
	seller_get(&login_a, "/api/v1/orders?limit=1", &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
}

static void disputes_listings_inventory_services(void **state)
{
	struct response r;
	char body[512], path[96];

	(void)state;
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"order_id\":\"a-1\",\"kind\":\"a_to_z_claim\",\"amount_minor\":2599,\"currency\":\"USD\"}", seller_a);
	ops_post(&srv, "/api/v1/ops/disputes", body, &r);
	assert_int_equal(r.status, 201);
	snprintf(path, sizeof(path), "/api/v1/ops/disputes/%s", id_of(&r));
	response_free(&r);
	seller_get(&login_a, "/api/v1/disputes?status=open", &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);
	ops_json("PATCH", path, "{\"status\":\"closed\"}", &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_string(json_object_get(r.json, "closed_at")));
	response_free(&r);
	seller_get(&login_a, "/api/v1/disputes?status=open", &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	response_free(&r);

	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"sku\":\"MUG-1\",\"title\":\"Mug\",\"price_minor\":1299,\"currency\":\"USD\"}", seller_a);
	ops_post(&srv, "/api/v1/ops/listings", body, &r);
	assert_int_equal(r.status, 201);
	snprintf(path, sizeof(path), "/api/v1/ops/listings/%s", id_of(&r));
	response_free(&r);
	ops_post(&srv, "/api/v1/ops/listings", body, &r);
	assert_int_equal(r.status, 409);
	assert_string_equal(error_code(&r), "duplicate_sku");
	response_free(&r);
	ops_json("PATCH", path, "{\"status\":\"inactive\"}", &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	seller_get(&login_a, "/api/v1/listings?status=inactive", &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);

	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"sku\":\"MUG-1\",\"units\":40}", seller_a);
	ops_post(&srv, "/api/v1/ops/inventory", body, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	seller_get(&login_a, "/api/v1/inventory", &r);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "units")), 40);
	response_free(&r);

	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"kind\":\"advertising\",\"monthly_fee_minor\":5000,\"currency\":\"USD\"}", seller_a);
	ops_post(&srv, "/api/v1/ops/services", body, &r);
	assert_int_equal(r.status, 201);
	response_free(&r);
	seller_get(&login_a, "/api/v1/services", &r);
	assert_string_equal(str_at(json_array_get(json_object_get(r.json, "items"), 0), "status"), "active");
	response_free(&r);
	seller_get(&login_b, "/api/v1/services", &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	response_free(&r);

	/* seller reads need a session; operator writes need the key */
	http(&srv, "GET", "/api/v1/orders", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 401);
	response_free(&r);
	http_json(&srv, "POST", "/api/v1/ops/inventory", NULL, body, &r);
	assert_int_equal(r.status, 401);
	response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(orders_and_their_transitions),
		cmocka_unit_test(money_balance_and_payouts),
		cmocka_unit_test(pages_filters_and_bad_parameters),
		cmocka_unit_test(disputes_listings_inventory_services),
	};
	int rc;

	if (crypto_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_ALL);
	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	curl_global_cleanup();
	return rc;
}
