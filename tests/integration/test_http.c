/* The real server over real HTTP: service endpoints, operator keys,
 * sign-in, CSRF, throttling, session expiry, TOTP, idempotency and every
 * kind of bad input, each answered with the contract's JSON error and
 * changing nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#include "core/crypto.h"
#include "core/totp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct server srv;

static const char seller_json[] =
	"{\"email\":\"%s\",\"password\":\"correct horse\",\"display_name\":\"Shop\","
	"\"marketplace\":\"us\",\"bank_account\":{\"holder\":\"Ann\",\"iban\":\"DE89 3704 0044 0532 0130 00\"}}";

static void create_seller(const struct server *s, const char *email)
{
	char body[512];
	struct response r;

	snprintf(body, sizeof(body), seller_json, email);
	ops_post(s, "/api/v1/ops/sellers", body, &r);
	assert_int_equal(r.status, 201);
	response_free(&r);
}

static void create_marketplace(const struct server *s)
{
	struct response r;

	ops_post(s, "/api/v1/ops/marketplaces", "{\"id\":\"us\",\"name\":\"US\",\"currency\":\"USD\"}", &r);
	assert_int_equal(r.status, 201);
	response_free(&r);
}

static int group_setup(void **state)
{
	(void)state;
	server_start(&srv, NULL);
	create_marketplace(&srv);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return server_stop(&srv);
}

/* Every error is the contract's JSON with a code and a message. */
static void assert_error(const struct response *r, long status, const char *code)
{
	char ctype[64];

	if (r->status != status)
		fprintf(stderr, "expected %ld, got %ld: %s\n", status, r->status, r->body);
	assert_int_equal(r->status, status);
	assert_non_null(r->json);
	assert_string_equal(error_code(r), code);
	assert_true(json_is_string(json_object_get(json_object_get(r->json, "error"), "message")));
	assert_non_null(response_header(r, "Content-Type", ctype, sizeof(ctype)));
	assert_string_equal(ctype, "application/json");
}

static void health_metrics_and_headers(void **state)
{
	struct response r;
	char v[256];
	const char *rid[] = { "X-Request-Id: trace-123", NULL };

	(void)state;
	http(&srv, "GET", "/healthz", rid, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	assert_string_equal(response_header(&r, "X-Request-Id", v, sizeof(v)), "trace-123");
	assert_string_equal(response_header(&r, "X-Content-Type-Options", v, sizeof(v)), "nosniff");
	assert_string_equal(response_header(&r, "X-Frame-Options", v, sizeof(v)), "DENY");
	assert_non_null(strstr(response_header(&r, "Content-Security-Policy", v, sizeof(v)),
			       "default-src 'self'"));
	response_free(&r);

	http(&srv, "GET", "/metrics", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "offboard_http_requests_total{route=\"/healthz\",status=\"200\"}"));
	assert_non_null(strstr(r.body, "offboard_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"}"));
	assert_non_null(strstr(r.body, "offboard_db_errors_total 0"));
	response_free(&r);

	/* a generated request id when none is sent */
	http(&srv, "GET", "/healthz", NULL, NULL, 0, &r);
	assert_int_equal(strlen(response_header(&r, "X-Request-Id", v, sizeof(v))), 20);
	response_free(&r);
}

static void operator_key_required(void **state)
{
	static const char *const bad[] = {
		NULL, "Authorization: Bearer", "Authorization: Bearer obk_wrong",
		"Authorization: Basic dXNlcjpwYXNz", "Authorization: Bearer obk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	char first[512] = "";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *h[] = { bad[i], NULL };
		struct response r;
		http_json(&srv, "POST", "/api/v1/ops/marketplaces", bad[i] ? h : NULL,
			  "{\"id\":\"eu\",\"name\":\"EU\",\"currency\":\"EUR\"}", &r);
		assert_error(&r, 401, "unauthenticated");
		/* the same answer whatever part was wrong */
		if (i == 0)
			snprintf(first, sizeof(first), "%s", r.body);
		assert_string_equal(r.body, first);
		response_free(&r);
	}
}

static void sign_in_account_and_sign_out(void **state)
{
	struct seller_login l;
	struct response r;
	char cookie[256];
	const char *no_csrf[] = { NULL, NULL }, *bad_csrf[] = { NULL, "X-CSRF-Token: nope", NULL };
	const char *good[] = { NULL, NULL, NULL };

	(void)state;
	create_seller(&srv, "Ann@Shop.example");
	http_json(&srv, "POST", "/api/v1/session", NULL,
		  "{\"email\":\"ann@shop.example\",\"password\":\"correct horse\"}", &r);
	assert_int_equal(r.status, 201);
	assert_string_equal(json_string_value(json_object_get(r.json, "scope")), "seller");
	assert_non_null(response_header(&r, "Set-Cookie", cookie, sizeof(cookie)));
	assert_non_null(strstr(cookie, "HttpOnly"));
	assert_non_null(strstr(cookie, "SameSite=Strict"));
	assert_null(strstr(cookie, "Secure"));
	response_free(&r);

	assert_int_equal(seller_sign_in(&srv, "ANN@shop.example", "correct horse", NULL, &l), 201);
	no_csrf[0] = l.cookie;
	http(&srv, "GET", "/api/v1/account", no_csrf, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "email")), "ann@shop.example");
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "active");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "bank_account"),
							       "iban_masked")), "DE** **** **** **** **30 00");
	assert_null(strstr(r.body, "DE89370400440532013000"));
	assert_null(strstr(r.body, "password"));
	response_free(&r);

	/* unsafe requests need the CSRF token */
	http(&srv, "DELETE", "/api/v1/session", no_csrf, NULL, 0, &r);
	assert_error(&r, 403, "csrf_token_invalid");
	response_free(&r);
	bad_csrf[0] = l.cookie;
	http(&srv, "DELETE", "/api/v1/session", bad_csrf, NULL, 0, &r);
	assert_error(&r, 403, "csrf_token_invalid");
	response_free(&r);
	good[0] = l.cookie;
	good[1] = l.csrf;
	http(&srv, "DELETE", "/api/v1/session", good, NULL, 0, &r);
	assert_int_equal(r.status, 204);
	response_free(&r);
	http(&srv, "GET", "/api/v1/account", no_csrf, NULL, 0, &r);
	assert_error(&r, 401, "unauthenticated");
	response_free(&r);

	http(&srv, "GET", "/api/v1/account", NULL, NULL, 0, &r);
	assert_error(&r, 401, "unauthenticated");
	response_free(&r);
	http_json(&srv, "POST", "/api/v1/session", NULL,
		  "{\"email\":\"ann@shop.example\",\"password\":\"wrong horse\"}", &r);
	assert_error(&r, 401, "invalid_credentials");
	response_free(&r);
}

static void bad_input_changes_nothing(void **state)
{
	static const struct {
		const char *method, *path, *ctype, *body;
		long status;
		const char *code;
	} v[] = {
		{ "POST", "/api/v1/ops/sellers", "application/json", "{\"email\":", 400, "invalid_json" },
		{ "POST", "/api/v1/ops/sellers", "application/json", "[]", 400, "invalid_json" },
		{ "POST", "/api/v1/ops/sellers", "application/json", "{\"email\":\"bad\xff\"}", 400, "invalid_json" },
		{ "POST", "/api/v1/ops/sellers", "text/plain", "{}", 415, "unsupported_media_type" },
		{ "POST", "/api/v1/ops/sellers", "application/x-www-form-urlencoded", "email=x", 415, "unsupported_media_type" },
		{ "POST", "/api/v1/ops/sellers", "application/json", "{}", 422, "missing_field" },
		{ "POST", "/api/v1/ops/sellers", "application/json",
		  "{\"email\":5,\"password\":\"correct horse\",\"display_name\":\"S\",\"marketplace\":\"us\"}", 422, "invalid_type" },
		{ "POST", "/api/v1/ops/sellers", "application/json",
		  "{\"email\":\"new@shop.example\",\"password\":\"correct horse\",\"display_name\":\"S\",\"marketplace\":\"us\",\"role\":\"admin\"}",
		  422, "unknown_field" },
		{ "POST", "/api/v1/ops/sellers", "application/json",
		  "{\"email\":\"new@shop.example\",\"password\":\"short\",\"display_name\":\"S\",\"marketplace\":\"us\"}", 422, "weak_password" },
		{ "POST", "/api/v1/ops/sellers", "application/json",
		  "{\"email\":\"new@shop.example\",\"password\":\"correct horse\",\"display_name\":\"S\",\"marketplace\":\"nowhere\"}",
		  422, "unknown_marketplace" },
		{ "POST", "/api/v1/ops/sellers", "application/json",
		  "{\"email\":\"new@shop.example\",\"password\":\"correct horse\",\"display_name\":\"S\",\"marketplace\":\"us\","
		  "\"bank_account\":{\"holder\":\"A\",\"iban\":\"DE00 0000 0000 0000 0000 00\"}}", 422, "invalid_iban" },
		{ "POST", "/api/v1/ops/sellers", "application/json",
		  "{\"email\":\"not-an-email\",\"password\":\"correct horse\",\"display_name\":\"S\",\"marketplace\":\"us\"}", 422, "invalid_email" },
		{ "GET", "/api/v1/nothing-here", NULL, NULL, 404, "not_found" },
		{ "GET", "/api/v1/ops/sellers", NULL, NULL, 405, "method_not_allowed" },
		{ "BREW", "/api/v1/ops/sellers", NULL, NULL, 405, "method_not_allowed" },
	};
	char auth[160], ctype[96], allow[64];
	struct response r;

	(void)state;
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", srv.ops_key);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *h[] = { auth, ctype, NULL };
		snprintf(ctype, sizeof(ctype), "Content-Type: %s", v[i].ctype ? v[i].ctype : "application/json");
		http(&srv, v[i].method, v[i].path, h, v[i].body, v[i].body ? strlen(v[i].body) : 0, &r);
		assert_error(&r, v[i].status, v[i].code);
		if (v[i].status == 405 && strcmp(v[i].method, "GET") == 0)
			assert_string_equal(response_header(&r, "Allow", allow, sizeof(allow)), "POST");
		response_free(&r);
	}

	/* a field error names the field */
	ops_post(&srv, "/api/v1/ops/sellers", "{\"email\":\"new@shop.example\"}", &r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")), "password");
	response_free(&r);

	/* nothing above created the seller: it can be created now, once */
	create_seller(&srv, "new@shop.example");
	ops_post(&srv, "/api/v1/ops/sellers",
		 "{\"email\":\"NEW@shop.example\",\"password\":\"correct horse\",\"display_name\":\"S\",\"marketplace\":\"us\"}", &r);
	assert_error(&r, 409, "email_taken");
	response_free(&r);
}

static void oversized_body_and_headers(void **state)
{
	size_t n = 2u << 20;
	char *big = malloc(n), *hdr = malloc(20000);
	const char *h[] = { "Content-Type: application/json", NULL, NULL };
	struct response r;

	(void)state;
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	http(&srv, "POST", "/api/v1/session", h, big, n, &r);
	assert_error(&r, 413, "body_too_large");
	response_free(&r);

	snprintf(hdr, 20000, "X-Padding: ");
	memset(hdr + 11, 'a', 19000);
	hdr[19011] = '\0';
	h[1] = hdr;
	http(&srv, "GET", "/healthz", h, NULL, 0, &r);
	assert_error(&r, 400, "bad_request");
	response_free(&r);
	free(big);
	free(hdr);

	/* the server is still fine */
	http(&srv, "GET", "/healthz", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
}

static void idempotent_creates(void **state)
{
	char auth[160];
	const char *k1[] = { auth, "Idempotency-Key: mk-1", NULL };
	struct response a, b, c;

	(void)state;
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", srv.ops_key);
	http_json(&srv, "POST", "/api/v1/ops/marketplaces", k1,
		  "{\"id\":\"eu\",\"name\":\"EU\",\"currency\":\"EUR\"}", &a);
	http_json(&srv, "POST", "/api/v1/ops/marketplaces", k1,
		  "{\"id\":\"eu\",\"name\":\"EU\",\"currency\":\"EUR\"}", &b);
	assert_int_equal(a.status, 201);
	assert_int_equal(b.status, 201);
	assert_string_equal(a.body, b.body);
	/* the same key for something else is refused */
	http_json(&srv, "POST", "/api/v1/ops/marketplaces", k1,
		  "{\"id\":\"uk\",\"name\":\"UK\",\"currency\":\"GBP\"}", &c);
	assert_error(&c, 422, "idempotency_key_reused");
	response_free(&a);
	response_free(&b);
	response_free(&c);
	/* without a key, a second create is a conflict: only one was made */
	ops_post(&srv, "/api/v1/ops/marketplaces", "{\"id\":\"eu\",\"name\":\"EU\",\"currency\":\"EUR\"}", &a);
	assert_error(&a, 409, "marketplace_exists");
	response_free(&a);
}

struct racer {
	const struct server *s;
	struct response r;
};

static void *race(void *arg)
{
	struct racer *x = arg;
	char auth[160];
	const char *h[] = { auth, "Idempotency-Key: seller-race", NULL };

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", x->s->ops_key);
	http_json(x->s, "POST", "/api/v1/ops/sellers", h,
		  "{\"email\":\"race@shop.example\",\"password\":\"correct horse\",\"display_name\":\"R\",\"marketplace\":\"us\"}",
		  &x->r);
	return NULL;
}

static void concurrent_double_submit(void **state)
{
	struct racer x[4];
	pthread_t t[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		x[i].s = &srv;
		pthread_create(&t[i], NULL, race, &x[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(x[i].r.status, 201);
		assert_string_equal(json_string_value(json_object_get(x[i].r.json, "id")),
				    json_string_value(json_object_get(x[0].r.json, "id")));
	}
	for (int i = 0; i < 4; i++)
		response_free(&x[i].r);
}

static void totp_over_http(void **state)
{
	struct seller_login l;
	struct response r;
	char secret[TOTP_SECRET_B32_MAX], code[7], body[64];
	const char *h[] = { NULL, NULL, NULL };
	time_t now = time(NULL);

	(void)state;
	create_seller(&srv, "totp@shop.example");
	assert_int_equal(seller_sign_in(&srv, "totp@shop.example", "correct horse", NULL, &l), 201);
	h[0] = l.cookie;
	h[1] = l.csrf;
	http(&srv, "POST", "/api/v1/account/totp", h, NULL, 0, &r);
	assert_int_equal(r.status, 201);
	snprintf(secret, sizeof(secret), "%s", json_string_value(json_object_get(r.json, "secret")));
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "otpauth_uri")),
			       "otpauth://totp/offboard:totp%40shop.example?secret="));
	response_free(&r);

	snprintf(body, sizeof(body), "{\"code\":\"%s\"}", "000000");
	http_json(&srv, "POST", "/api/v1/account/totp/verify", h, body, &r);
	if (r.status != 422)   /* one chance in a million that 000000 is right */
		assert_int_equal(r.status, 200);
	response_free(&r);
	totp_generate(secret, now, 6, code);
	snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
	http_json(&srv, "POST", "/api/v1/account/totp/verify", h, body, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);

	http(&srv, "GET", "/api/v1/account", h, NULL, 0, &r);
	assert_true(json_is_true(json_object_get(r.json, "totp_enabled")));
	response_free(&r);

	/* the code that enrolled cannot sign in; the next one can, once */
	assert_int_equal(seller_sign_in(&srv, "totp@shop.example", "correct horse", NULL, &l), 401);
	assert_int_equal(seller_sign_in(&srv, "totp@shop.example", "correct horse", code, &l), 401);
	totp_generate(secret, now + 30, 6, code);
	assert_int_equal(seller_sign_in(&srv, "totp@shop.example", "correct horse", code, &l), 201);
	assert_int_equal(seller_sign_in(&srv, "totp@shop.example", "correct horse", code, &l), 401);
}

static void throttling_answers_429_with_retry_after(void **state)
{
	struct server s2;
	struct seller_login l;
	struct response r;
	const char *flags[] = { "--login-lockout-base", "2", NULL };
	char retry[16];

	(void)state;
	server_start(&s2, flags);
	create_marketplace(&s2);
	create_seller(&s2, "slow@shop.example");
	for (int i = 0; i < 5; i++)
		assert_int_equal(seller_sign_in(&s2, "slow@shop.example", "guess", NULL, &l), 401);
	http_json(&s2, "POST", "/api/v1/session", NULL,
		  "{\"email\":\"slow@shop.example\",\"password\":\"correct horse\"}", &r);
	assert_error(&r, 429, "too_many_attempts");
	assert_non_null(response_header(&r, "Retry-After", retry, sizeof(retry)));
	assert_true(atoi(retry) >= 1 && atoi(retry) <= 2);
	response_free(&r);
	sleep(3);
	assert_int_equal(seller_sign_in(&s2, "slow@shop.example", "correct horse", NULL, &l), 201);
	assert_int_equal(server_stop(&s2), 0);
}

static void sessions_expire_when_idle(void **state)
{
	struct server s2;
	struct seller_login l;
	struct response r;
	const char *flags[] = { "--session-idle", "2", "--cookie-secure", "true", NULL };
	const char *h[] = { NULL, NULL };
	char cookie[256];

	(void)state;
	server_start(&s2, flags);
	create_marketplace(&s2);
	create_seller(&s2, "idle@shop.example");
	http_json(&s2, "POST", "/api/v1/session", NULL,
		  "{\"email\":\"idle@shop.example\",\"password\":\"correct horse\"}", &r);
	assert_non_null(strstr(response_header(&r, "Set-Cookie", cookie, sizeof(cookie)), "; Secure"));
	response_free(&r);
	assert_int_equal(seller_sign_in(&s2, "idle@shop.example", "correct horse", NULL, &l), 201);
	h[0] = l.cookie;
	http(&s2, "GET", "/api/v1/account", h, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	sleep(3);
	http(&s2, "GET", "/api/v1/account", h, NULL, 0, &r);
	assert_error(&r, 401, "session_expired");
	response_free(&r);
	assert_int_equal(server_stop(&s2), 0);
}

/* Runs `offboard audit verify` on the server's database beside it:
 * returns the number of records, after checking it found the chain intact. */
static long long audit_verify_records(const struct server *s)
{
	char cmd[1024], line[512], hash[80];
	long long records = -1, head = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' audit verify --db '%s'", getenv("OFFBOARD_BIN"), s->db);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	assert_int_equal(sscanf(line, "%lld records, chain intact, head %lld %79s", &records, &head, hash), 3);
	assert_int_equal(head, records);
	assert_int_equal(strlen(hash), 64);
	return records;
}

/* One number from an SQLite database file (read beside the server). */
static long long sqlite_count(const struct server *s, const char *sql, const char *arg)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long long n = -1;

	assert_int_equal(sqlite3_open_v2(s->db + 7, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	if (arg)
		sqlite3_bind_text(q, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/* Operator writes and sign-ins leave audit records, a failed write does
 * not, no record holds personal data, and `offboard audit verify` finds the
 * chain intact beside the running server. */
static void writes_and_sign_ins_are_audited(void **state)
{
	struct response r;
	struct seller_login l;
	long long before;

	(void)state;
	/* at least the operator key and the marketplace of group_setup */
	before = audit_verify_records(&srv);
	assert_true(before >= 2);
	create_seller(&srv, "audited@shop.example");
	ops_post(&srv, "/api/v1/ops/sellers", "{\"email\":\"nope\"}", &r);
	assert_int_equal(r.status, 422);
	response_free(&r);
	assert_int_equal(audit_verify_records(&srv), before + 1);
	assert_int_equal(seller_sign_in(&srv, "audited@shop.example", "wrong password", NULL, &l), 401);
	assert_int_equal(seller_sign_in(&srv, "audited@shop.example", "correct horse", NULL, &l), 201);
	assert_int_equal(audit_verify_records(&srv), before + 3);

	if (strncmp(srv.db, "sqlite:", 7) != 0)
		return;
	/* created, one failed and one good sign-in, all filed under the seller */
	assert_int_equal(sqlite_count(&srv, "SELECT count(*) FROM audit_log WHERE seller_id = ?1",
				      l.seller_id), 3);
	assert_int_equal(sqlite_count(&srv, "SELECT count(*) FROM audit_log WHERE action = 'ops_key.create'"
				      " AND actor = 'cli'", NULL), 1);
	assert_int_equal(sqlite_count(&srv, "SELECT count(*) FROM audit_log WHERE instr(detail, '@') > 0"
				      " OR instr(detail, 'horse') > 0 OR instr(detail, 'Ann') > 0", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(health_metrics_and_headers),
		cmocka_unit_test(operator_key_required),
		cmocka_unit_test(sign_in_account_and_sign_out),
		cmocka_unit_test(bad_input_changes_nothing),
		cmocka_unit_test(oversized_body_and_headers),
		cmocka_unit_test(idempotent_creates),
		cmocka_unit_test(concurrent_double_submit),
		cmocka_unit_test(totp_over_http),
		cmocka_unit_test(throttling_answers_429_with_retry_after),
		cmocka_unit_test(sessions_expire_when_idle),
		cmocka_unit_test(writes_and_sign_ins_are_audited),
	};
	int rc;

	if (crypto_init() < 0 || totp_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_ALL);
	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	curl_global_cleanup();
	return rc;
}
