/* Every demo situation through the closure checklist over HTTP: each demo
 * seller sees exactly the blocker it demonstrates, with its figures and its
 * action; the ready seller goes all the way to the history view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#include "core/crypto.h"
#include "core/totp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct server srv;

static int group_setup(void **state)
{
	char cmd[512];

	(void)state;
	server_start(&srv, NULL);
	snprintf(cmd, sizeof(cmd), "'%s' demo --db '%s' > '%s/demo.txt' 2>/dev/null", getenv("OFFBOARD_BIN"),
		 srv.db, srv.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	return server_stop(&srv);
}

/* Signs in a demo seller and returns the closure checklist. */
static void checklist(const char *email, const char *totp, struct response *r)
{
	struct seller_login l;
	const char *h[] = { NULL, NULL };

	assert_int_equal(seller_sign_in(&srv, email, "demo-password", totp, &l), 201);
	h[0] = l.cookie;
	http(&srv, "GET", "/api/v1/account/closure", h, NULL, 0, r);
	assert_int_equal(r->status, 200);
}

static int has_blocker(const struct response *r, const char *code)
{
	json_t *b = json_object_get(r->json, "blockers");

	for (size_t i = 0; i < json_array_size(b); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(b, i), "code")), code) == 0)
			return 1;
	return 0;
}

static void each_situation_shows_its_blocker(void **state)
{
	static const struct { const char *email, *blocker; } v[] = {
		{ "open-orders@demo.offboard.test", "open_orders" },
		{ "claim@demo.offboard.test", "open_disputes" },
		{ "balance@demo.offboard.test", "available_balance" },
		{ "payout@demo.offboard.test", "payouts_in_flight" },
		{ "debt@demo.offboard.test", "negative_balance" },
		{ "inventory@demo.offboard.test", "fulfilment_inventory" },
		{ "returns@demo.offboard.test", "return_window" },
		{ "large@demo.offboard.test", "open_orders" },
	};
	struct response r;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		checklist(v[i].email, NULL, &r);
		if (!has_blocker(&r, v[i].blocker))
			fprintf(stderr, "%s: %s\n", v[i].email, r.body);
		assert_false(json_is_true(json_object_get(r.json, "ready")));
		assert_true(has_blocker(&r, v[i].blocker));
		/* every blocker says what to do */
		json_t *b = json_object_get(r.json, "blockers");
		for (size_t k = 0; k < json_array_size(b); k++) {
			assert_true(strlen(json_string_value(json_object_get(json_array_get(b, k), "message"))) > 10);
			assert_non_null(json_object_get(json_array_get(b, k), "action"));
		}
		response_free(&r);
	}
	/* the money figures are the demo's */
	checklist("balance@demo.offboard.test", NULL, &r);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(
				 json_object_get(r.json, "blockers"), 0), "amount"), "amount_minor")), 123456);
	response_free(&r);
}

static void totp_seller_needs_the_code(void **state)
{
	struct seller_login l;
	FILE *f;
	char path[256], line[512], secret[64] = "", code[8];
	struct response r;

	(void)state;
	assert_int_equal(seller_sign_in(&srv, "totp@demo.offboard.test", "demo-password", NULL, &l), 401);
	snprintf(path, sizeof(path), "%s/demo.txt", srv.dir);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "add the secret ");
		if (p)
			sscanf(p + 15, "%63s", secret);
	}
	fclose(f);
	assert_true(strlen(secret) > 10);
	/* the demo used the current code to enrol; the next one is accepted */
	totp_generate(secret, time(NULL) + 30, 6, code);
	checklist("totp@demo.offboard.test", code, &r);
	assert_true(json_is_true(json_object_get(r.json, "ready")));
	response_free(&r);
}

static void ready_seller_requests_closure(void **state)
{
	struct seller_login l;
	struct response r;
	const char *h[] = { NULL, NULL, NULL };

	(void)state;
	checklist("ready@demo.offboard.test", NULL, &r);
	assert_true(json_is_true(json_object_get(r.json, "ready")));
	assert_int_equal(json_array_size(json_object_get(r.json, "blockers")), 0);
	response_free(&r);
	assert_int_equal(seller_sign_in(&srv, "ready@demo.offboard.test", "demo-password", NULL, &l), 201);
	h[0] = l.cookie;
	h[1] = l.csrf;
	http_json(&srv, "POST", "/api/v1/account/closure", h,
		  "{\"reason\":\"closing_business\",\"acknowledge\":true,\"password\":\"demo-password\"}", &r);
	assert_int_equal(r.status, 202);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "closure_requested");
	response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_situation_shows_its_blocker),
		cmocka_unit_test(totp_seller_needs_the_code),
		cmocka_unit_test(ready_seller_requests_closure),
	};
	int rc;

	if (crypto_init() < 0 || totp_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_ALL);
	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	curl_global_cleanup();
	return rc;
}
