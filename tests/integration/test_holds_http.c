/* Legal holds over HTTP, on SQLite and (suite 'pg') PostgreSQL: the
 * operator places a hold, lists, reads and releases it; a second release
 * is 409, an unknown hold 404; bad input is refused and changes nothing;
 * Idempotency-Key makes one hold of a repeated create; the held seller's
 * timeline says that erasure is delayed and until when, never why; and the
 * audit log never holds the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "store/store.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REASON "Court order 4 O 123/26: keep the records of Ann Example"

static struct server srv;
static int seq;

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void ops_json(const char *method, const char *path, const char *key, const char *body,
		     struct response *r)
{
	char auth[160], idem[160];
	const char *h[] = { auth, key ? idem : NULL, NULL };

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", srv.ops_key);
	snprintf(idem, sizeof(idem), "Idempotency-Key: %s", key ? key : "");
	if (body)
		http_json(&srv, method, path, h, body, r);
	else
		http(&srv, method, path, h, NULL, 0, r);
}

/* A new seller, signed in when l is given; the id into id (40 bytes). */
static void make_seller(char *id, struct seller_login *l)
{
	char body[512], email[96];
	struct response r;

	snprintf(email, sizeof(email), "held-%d-%d@shop.example", (int)getpid(), ++seq);
	snprintf(body, sizeof(body),
		 "{\"email\":\"%s\",\"password\":\"correct horse\",\"display_name\":\"Shop\",\"marketplace\":\"us\"}",
		 email);
	ops_post(&srv, "/api/v1/ops/sellers", body, &r);
	assert_int_equal(r.status, 201);
	snprintf(id, 40, "%s", str(r.json, "id"));
	response_free(&r);
	if (l)
		assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, l), 201);
}

/* RFC 3339 text of now + days. */
static void days_ahead(int days, char *out, size_t cap)
{
	clock_format((int64_t)time(NULL) + (int64_t)days * 86400, out, cap);
}

/* Places a hold and expects it made; the answer stays in r. */
static void place(const char *seller, const char *until, const char *key, struct response *r)
{
	char body[512];

	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"reason\":\"%s\",\"until\":\"%s\"}", seller,
		 REASON, until);
	ops_json("POST", "/api/v1/ops/legal-holds", key, body, r);
	if (r->status != 201)
		fprintf(stderr, "%s: %ld %s\n", body, r->status, r->body);
	assert_int_equal(r->status, 201);
}

static size_t list_count(const char *seller)
{
	char path[160];
	struct response r;
	size_t n;

	snprintf(path, sizeof(path), "/api/v1/ops/legal-holds?seller_id=%s", seller);
	ops_json("GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	n = json_array_size(json_object_get(r.json, "items"));
	response_free(&r);
	return n;
}

static int group_setup(void **state)
{
	struct response r;

	(void)state;
	server_start(&srv, NULL);
	ops_post(&srv, "/api/v1/ops/marketplaces", "{\"id\":\"us\",\"name\":\"US\",\"currency\":\"USD\"}", &r);
	assert_int_equal(r.status, 201);
	response_free(&r);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return server_stop(&srv);
}

static void create_list_get_release(void **state)
{
	char seller[40], other[40], until[32], hold[40], path[160], first[40];
	struct response r;
	json_t *items;

	(void)state;
	make_seller(seller, NULL);
	make_seller(other, NULL);
	days_ahead(400, until, sizeof(until));
	place(seller, until, NULL, &r);
	snprintf(hold, sizeof(hold), "%s", str(r.json, "id"));
	assert_non_null(strstr(hold, "hold_"));
	assert_string_equal(str(r.json, "seller_id"), seller);
	assert_string_equal(str(r.json, "reason"), REASON);
	assert_string_equal(str(r.json, "until"), until);
	assert_string_equal(str(r.json, "status"), "active");
	assert_non_null(str(r.json, "created_at"));
	assert_true(json_is_null(json_object_get(r.json, "released_at")));
	response_free(&r);

	/* one more for the same seller, one for another */
	place(seller, until, NULL, &r);
	snprintf(first, sizeof(first), "%s", str(r.json, "id"));
	response_free(&r);
	place(other, until, NULL, &r);
	response_free(&r);

	/* the seller's list, newest first, a page at a time */
	snprintf(path, sizeof(path), "/api/v1/ops/legal-holds?seller_id=%s&limit=1", seller);
	ops_json("GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(str(json_array_get(items, 0), "id"), first);
	assert_non_null(str(r.json, "next_cursor"));
	snprintf(path, sizeof(path), "/api/v1/ops/legal-holds?limit=1&seller_id=%s&cursor=%s", seller,
		 str(r.json, "next_cursor"));
	response_free(&r);
	ops_json("GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(str(json_array_get(items, 0), "id"), hold);
	assert_true(json_is_null(json_object_get(r.json, "next_cursor")));
	response_free(&r);
	assert_int_equal(list_count(seller), 2);
	assert_int_equal(list_count(other), 1);
	/* without a seller: every hold */
	ops_json("GET", "/api/v1/ops/legal-holds?limit=500", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 3);
	response_free(&r);

	/* one hold */
	snprintf(path, sizeof(path), "/api/v1/ops/legal-holds/%s", hold);
	ops_json("GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str(r.json, "id"), hold);
	assert_string_equal(str(r.json, "status"), "active");
	response_free(&r);

	/* released, once */
	ops_json("DELETE", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str(r.json, "id"), hold);
	assert_string_equal(str(r.json, "status"), "released");
	assert_non_null(str(r.json, "released_at"));
	response_free(&r);
	ops_json("DELETE", path, NULL, NULL, &r);
	assert_int_equal(r.status, 409);
	assert_string_equal(error_code(&r), "legal_hold_released");
	response_free(&r);
	ops_json("GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str(r.json, "status"), "released");
	response_free(&r);

	/* unknown holds */
	ops_json("DELETE", "/api/v1/ops/legal-holds/hold_nosuch", NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(error_code(&r), "not_found");
	response_free(&r);
	ops_json("GET", "/api/v1/ops/legal-holds/hold_nosuch", NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	response_free(&r);

	/* operators only */
	http(&srv, "GET", "/api/v1/ops/legal-holds", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 401);
	response_free(&r);
}

/* body with every SELLER and UNTIL replaced, into out. */
static void fill(const char *body, const char *seller, const char *until, char *out, size_t cap)
{
	size_t o = 0;

	while (*body && o + 1 < cap) {
		const char *with = strncmp(body, "SELLER", 6) == 0 ? seller :
				   strncmp(body, "UNTIL", 5) == 0 ? until : NULL;
		if (with) {
			o += (size_t)snprintf(out + o, cap - o, "%s", with);
			body += with == seller ? 6 : 5;
		} else {
			out[o++] = *body++;
		}
	}
	out[o < cap ? o : cap - 1] = '\0';
}

static void bad_input_changes_nothing(void **state)
{
	char seller[40], future[32], past[32], body[768];
	struct response r;
	struct {
		const char *body;
		long status;
		const char *code, *field;
	} cases[] = {
		{ "{\"seller_id\":\"SELLER\",\"until\":\"UNTIL\"}", 422, "missing_field", "reason" },
		{ "{\"seller_id\":\"SELLER\",\"reason\":\"\",\"until\":\"UNTIL\"}", 422, "missing_field", "reason" },
		{ "{\"seller_id\":\"SELLER\",\"reason\":\"a\\u0007b\",\"until\":\"UNTIL\"}", 422, "invalid_characters", "reason" },
		{ "{\"seller_id\":\"SELLER\",\"reason\":\"x\",\"until\":\"UNTIL\",\"extra\":1}", 422, "unknown_field", "extra" },
		{ "{\"seller_id\":\"SELLER\",\"reason\":17,\"until\":\"UNTIL\"}", 422, "invalid_type", "reason" },
		{ "{\"seller_id\":\"SELLER\",\"reason\":\"x\",\"until\":1893456000}", 422, "invalid_type", "until" },
		{ "{\"seller_id\":\"SELLER\",\"reason\":\"x\"}", 422, "missing_field", "until" },
		{ "{\"seller_id\":\"SELLER\",\"reason\":\"x\",\"until\":\"soon\"}", 422, "invalid_time", "until" },
		{ "{\"seller_id\":[\"SELLER\"],\"reason\":\"x\",\"until\":\"UNTIL\"}", 422, "invalid_type", "seller_id" },
		{ "{\"reason\":\"x\",\"until\":\"UNTIL\"}", 422, "missing_field", "seller_id" },
		{ "{\"seller_id\":\"sel_nosuch\",\"reason\":\"x\",\"until\":\"UNTIL\"}", 404, "unknown_seller", "seller_id" },
		{ "{\"seller_id\":\"SELLER\",\"reason\":\"x\",\"until\":\"UNTIL\"", 400, "invalid_json", "" },
		{ "seller_id=SELLER&reason=x", 400, "invalid_json", "" },
	};

	(void)state;
	make_seller(seller, NULL);
	days_ahead(30, future, sizeof(future));
	days_ahead(-1, past, sizeof(past));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fill(cases[i].body, seller, future, body, sizeof(body));
		ops_json("POST", "/api/v1/ops/legal-holds", NULL, body, &r);
		if (r.status != cases[i].status || strcmp(error_code(&r), cases[i].code) != 0)
			fail_msg("case %zu %s: %ld %s", i, body, r.status, r.body);
		if (cases[i].field[0])
			assert_string_equal(str(json_object_get(r.json, "error"), "field"), cases[i].field);
		response_free(&r);
	}
	/* an end in the past */
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"reason\":\"x\",\"until\":\"%s\"}", seller, past);
	ops_json("POST", "/api/v1/ops/legal-holds", NULL, body, &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "time_in_past");
	response_free(&r);
	/* a list filter that is no id, a parameter nobody knows */
	ops_json("GET", "/api/v1/ops/legal-holds?seller_id=a%20b", NULL, NULL, &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "invalid_parameter");
	response_free(&r);
	ops_json("GET", "/api/v1/ops/legal-holds?sort=asc", NULL, NULL, &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "unknown_parameter");
	response_free(&r);
	assert_int_equal(list_count(seller), 0);
}

static void idempotent_create(void **state)
{
	char seller[40], until[32], key[64], id[40], body[512];
	struct response r;
	char replayed[16];

	(void)state;
	make_seller(seller, NULL);
	days_ahead(90, until, sizeof(until));
	snprintf(key, sizeof(key), "hold-%d", (int)getpid());
	place(seller, until, key, &r);
	snprintf(id, sizeof(id), "%s", str(r.json, "id"));
	response_free(&r);
	place(seller, until, key, &r);
	assert_string_equal(str(r.json, "id"), id);
	assert_non_null(response_header(&r, "Idempotent-Replayed", replayed, sizeof(replayed)));
	response_free(&r);
	assert_int_equal(list_count(seller), 1);
	/* the same key with another request */
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"reason\":\"other\",\"until\":\"%s\"}", seller, until);
	ops_json("POST", "/api/v1/ops/legal-holds", key, body, &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "idempotency_key_reused");
	response_free(&r);
	assert_int_equal(list_count(seller), 1);
}

static void timeline_shows_the_delay(void **state)
{
	char seller[40], until[32], path[160], hold[40];
	struct seller_login l;
	struct response r;
	const char *h[2];
	json_t *tl;
	const char *msg;

	(void)state;
	make_seller(seller, &l);
	h[0] = l.cookie;
	h[1] = NULL;
	http(&srv, "GET", "/api/v1/account/closure", h, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	tl = json_object_get(r.json, "timeline");
	assert_non_null(str(tl, "erased_at"));
	assert_true(json_is_null(json_object_get(tl, "erasure_delayed_until")));
	assert_true(json_is_null(json_object_get(tl, "erasure_delay_message")));
	response_free(&r);

	/* ten years: well past the planned erasure */
	days_ahead(3650, until, sizeof(until));
	place(seller, until, NULL, &r);
	snprintf(hold, sizeof(hold), "%s", str(r.json, "id"));
	response_free(&r);
	http(&srv, "GET", "/api/v1/account/closure", h, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	tl = json_object_get(r.json, "timeline");
	assert_string_equal(str(tl, "erasure_delayed_until"), until);
	assert_non_null(str(tl, "erased_at"));
	msg = str(tl, "erasure_delay_message");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "Erasure is delayed by a legal obligation until "));
	assert_int_equal(strncmp(strstr(msg, "until ") + 6, until, 10), 0);
	/* never why */
	assert_null(strstr(r.body, "Court order"));
	assert_null(strstr(r.body, hold));
	response_free(&r);

	/* released: no delay */
	snprintf(path, sizeof(path), "/api/v1/ops/legal-holds/%s", hold);
	ops_json("DELETE", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	http(&srv, "GET", "/api/v1/account/closure", h, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_null(json_object_get(json_object_get(r.json, "timeline"), "erasure_delayed_until")));
	response_free(&r);
}

/* Every hold written so far is in the audit log, and no record holds the reason. */
static void audit_has_no_reason(void **state)
{
	struct store *st = NULL;
	struct audit_record a[64];
	struct ob_err err;
	int64_t after = 0;
	size_t n = 0, created = 0, released = 0;

	(void)state;
	assert_int_equal(store_open(srv.db, &st, &err), OB_OK);
	do {
		assert_int_equal(store_audit_scan(st, after, a, 64, &n, &err), OB_OK);
		for (size_t i = 0; i < n; i++) {
			assert_null(strstr(a[i].detail, "Court order"));
			assert_null(strstr(a[i].detail, "Ann Example"));
			created += strcmp(a[i].action, "legal_hold.created") == 0;
			released += strcmp(a[i].action, "legal_hold.released") == 0;
			after = a[i].seq;
		}
	} while (n == 64);
	store_close(st);
	assert_true(created >= 5);    /* 3 + 1 (idempotent, twice) + 1 */
	assert_true(released >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_list_get_release),
		cmocka_unit_test(bad_input_changes_nothing),
		cmocka_unit_test(idempotent_create),
		cmocka_unit_test(timeline_shows_the_delay),
		cmocka_unit_test(audit_has_no_reason),
	};
	int rc;

	if (crypto_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_ALL);
	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	curl_global_cleanup();
	return rc;
}
