/* Money at closure, end to end: withdraw, close, the reserve takes what
 * arrives after closure and pays refunds and claims, a claim still open on
 * the release date postpones the final payout (saying until when), the
 * final payout goes out on the date, and the statement lists it all. Time
 * moves with `offboard jobs run-due --now`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#include "core/clock.h"
#include "core/crypto.h"

#include <curl/curl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct server srv;
static char data_dir[160];
static char policy_file[] = "/tmp/offboard-funds-policy-XXXXXX";

static int group_setup(void **state)
{
	const char *flags[] = { "--data-dir", data_dir, "--policy", policy_file, NULL };
	struct response r;
	FILE *f;

	(void)state;
	snprintf(data_dir, sizeof(data_dir), "/tmp/offboard-funds-%d", (int)getpid());
	/* "share": money available may stay at closure; the reserve keeps 10 %
	 * of the last 90 days' sales and the rest is paid out at once */
	f = fdopen(mkstemp(policy_file), "w");
	fprintf(f, "[default]\n[share]\nblocks = open_orders, open_disputes, payouts_in_flight,"
		   " negative_balance, fulfilment_inventory, return_window\ngrace_days = 0\n"
		   "reserve_share_percent = 10\nfee_proration_daily = 0\n");
	fclose(f);
	server_start(&srv, flags);
	ops_post(&srv, "/api/v1/ops/marketplaces", "{\"id\":\"us\",\"name\":\"US\",\"currency\":\"USD\"}", &r);
	response_free(&r);
	ops_post(&srv, "/api/v1/ops/marketplaces",
		 "{\"id\":\"share\",\"name\":\"Share\",\"currency\":\"USD\",\"policy\":\"share\"}", &r);
	response_free(&r);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", data_dir);
	unlink(policy_file);
	return server_stop(&srv);
}

static void run_jobs_at(int64_t t)
{
	char cmd[512], when[32];

	clock_format(t, when, sizeof(when));
	snprintf(cmd, sizeof(cmd), "'%s' jobs run-due --db '%s' --data-dir '%s' --policy '%s' --now %s >/dev/null 2>&1",
		 getenv("OFFBOARD_BIN"), srv.db, data_dir, policy_file, when);
	assert_int_equal(system(cmd), 0);
}

/* 1 when some e-mail in the data folder to `to` has subject text. */
static int mail_has(const char *to, const char *subject)
{
	char dir[256], path[512], line[1024];
	DIR *d;
	struct dirent *e;
	int found = 0;

	snprintf(dir, sizeof(dir), "%s/mail", data_dir);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		FILE *f;
		int for_us = 0, subj = 0;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "To:", 3) == 0 && strstr(line, to))
				for_us = 1;
			if (strncmp(line, "Subject:", 8) == 0 && strstr(line, subject))
				subj = 1;
		}
		fclose(f);
		found = for_us && subj;
	}
	closedir(d);
	return found;
}

static int mail_token(const char *to, char *token, size_t cap)
{
	char dir[256], path[512], line[1024];

	snprintf(dir, sizeof(dir), "%s/mail", data_dir);
	for (int tries = 0; tries < 100; tries++) {
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			FILE *f;
			int for_us = 0;
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if ((f = fopen(path, "r")) == NULL)
				continue;
			while (fgets(line, sizeof(line), f)) {
				char *t;
				if (strncmp(line, "To:", 3) == 0 && strstr(line, to))
					for_us = 1;
				if (for_us && (t = strstr(line, "#token=")) != NULL) {
					snprintf(token, cap, "%.*s", CRYPTO_TOKEN_LEN, t + 7);
					fclose(f);
					closedir(d);
					return 0;
				}
			}
			fclose(f);
		}
		if (d)
			closedir(d);
		usleep(100000);
	}
	return -1;
}

static json_int_t minor(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(json_object_get(o, k), "amount_minor"));
}

static void post_ledger(const char *seller, const char *type, long amount)
{
	char body[256];
	struct response r;

	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"type\":\"%s\",\"amount_minor\":%ld,\"currency\":\"USD\"}",
		 seller, type, amount);
	ops_post(&srv, "/api/v1/ops/ledger", body, &r);
	assert_int_equal(r.status, 201);
	response_free(&r);
}

static void ops_patch(const char *path, const char *body, long status)
{
	char auth[160];
	const char *h[] = { auth, NULL };
	struct response r;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", srv.ops_key);
	http_json(&srv, "PATCH", path, h, body, &r);
	assert_int_equal(r.status, status);
	response_free(&r);
}

static void withdraw_close_reserve_claims_and_final_payout(void **state)
{
	char id[40], email[96], body[512], path[128], token[64], dispute[40];
	struct seller_login l;
	struct response r;
	const char *h[] = { NULL, NULL, NULL, NULL };
	int64_t closes_at, release_at;

	(void)state;
	snprintf(email, sizeof(email), "funds-%d@shop.example", (int)getpid());
	snprintf(body, sizeof(body),
		 "{\"email\":\"%s\",\"password\":\"correct horse\",\"display_name\":\"Shop\",\"marketplace\":\"us\","
		 "\"bank_account\":{\"holder\":\"Ann\",\"iban\":\"DE89370400440532013000\"}}", email);
	ops_post(&srv, "/api/v1/ops/sellers", body, &r);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(r.json, "id")));
	response_free(&r);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"kind\":\"selling_plan\",\"monthly_fee_minor\":3100,\"currency\":\"USD\"}", id);
	ops_post(&srv, "/api/v1/ops/services", body, &r);
	response_free(&r);
	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, &l), 201);
	h[0] = l.cookie;
	h[1] = l.csrf;

	/* money in; bad withdrawals move nothing */
	post_ledger(id, "sale", 10000);
	post_ledger(id, "release", 10000);
	static const struct { const char *body; long status; const char *code; } bad[] = {
		{ "{\"amount\":{\"amount_minor\":20000,\"currency\":\"USD\"}}", 409, "insufficient_funds" },
		{ "{\"amount\":{\"amount_minor\":0,\"currency\":\"USD\"}}", 422, "out_of_range" },
		{ "{\"amount\":{\"amount_minor\":-5,\"currency\":\"USD\"}}", 422, "out_of_range" },
		{ "{\"amount\":{\"amount_minor\":5,\"currency\":\"EUR\"}}", 422, "currency_mismatch" },
		{ "{\"amount\":5}", 422, "invalid_type" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		http_json(&srv, "POST", "/api/v1/payouts", h, bad[i].body, &r);
		assert_int_equal(r.status, bad[i].status);
		assert_string_equal(error_code(&r), bad[i].code);
		response_free(&r);
	}
	/* the same key with another body is refused */
	h[2] = "Idempotency-Key: w-1";
	http_json(&srv, "POST", "/api/v1/payouts", h, "{}", &r);
	assert_int_equal(r.status, 201);
	assert_int_equal(minor(r.json, "amount"), 10000);
	snprintf(path, sizeof(path), "/api/v1/ops/payouts/%s", json_string_value(json_object_get(r.json, "id")));
	response_free(&r);
	http_json(&srv, "POST", "/api/v1/payouts", h, "{\"amount\":{\"amount_minor\":1,\"currency\":\"USD\"}}", &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "idempotency_key_reused");
	response_free(&r);
	h[2] = NULL;
	ops_patch(path, "{\"status\":\"settled\"}", 200);
	ops_patch("/api/v1/ops/payouts/pay_nope", "{\"status\":\"settled\"}", 404);

	/* proceeds still pending at closure come later */
	post_ledger(id, "sale", 5000);

	http_json(&srv, "POST", "/api/v1/account/closure", h,
		  "{\"reason\":\"fees_too_high\",\"acknowledge\":true,\"password\":\"correct horse\"}", &r);
	assert_int_equal(r.status, 202);
	response_free(&r);
	assert_int_equal(mail_token(email, token, sizeof(token)), 0);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", token);
	http_json(&srv, "POST", "/api/v1/account/closure/confirm", h, body, &r);
	assert_int_equal(r.status, 200);
	clock_parse(json_string_value(json_object_get(json_object_get(r.json, "timeline"), "closes_at")), &closes_at);
	clock_parse(json_string_value(json_object_get(json_object_get(r.json, "timeline"), "reserve_released_at")),
		    &release_at);
	assert_true(release_at > closes_at);
	response_free(&r);
	run_jobs_at(closes_at + 60);

	/* closed: a history session sees the reserve and the prorated last fee */
	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, &l), 201);
	h[0] = l.cookie;
	h[1] = l.csrf;
	http(&srv, "GET", "/api/v1/services", h, NULL, 0, &r);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "status")),
			    "terminated");
	response_free(&r);

	/* after closure: late proceeds go to the reserve; refunds and claims come out of it */
	post_ledger(id, "release", 5000);
	http(&srv, "GET", "/api/v1/account/balance", h, NULL, 0, &r);
	json_int_t reserved = minor(r.json, "reserved"), debt0 = minor(r.json, "debt");
	assert_true(reserved >= 5000 - 3100);   /* less the last fee, at most one month */
	assert_int_equal(minor(r.json, "available"), 0);
	response_free(&r);
	post_ledger(id, "claim", 1000);
	post_ledger(id, "refund", 500);
	http(&srv, "GET", "/api/v1/account/balance", h, NULL, 0, &r);
	assert_int_equal(minor(r.json, "reserved"), reserved - 1500);
	assert_int_equal(minor(r.json, "debt"), debt0);
	response_free(&r);

	/* a claim still open on the release date postpones the final payout */
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"kind\":\"chargeback\",\"amount_minor\":700,\"currency\":\"USD\"}", id);
	ops_post(&srv, "/api/v1/ops/disputes", body, &r);
	assert_int_equal(r.status, 201);
	snprintf(dispute, sizeof(dispute), "%s", json_string_value(json_object_get(r.json, "id")));
	response_free(&r);
	run_jobs_at(release_at + 60);
	assert_true(mail_has(email, "postponed"));
	http(&srv, "GET", "/api/v1/account/closure", h, NULL, 0, &r);
	int64_t later;
	clock_parse(json_string_value(json_object_get(json_object_get(r.json, "timeline"), "reserve_released_at")), &later);
	assert_true(later > release_at);
	response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/ops/disputes/%s", dispute);
	ops_patch(path, "{\"status\":\"closed\"}", 200);

	/* on the new date: the rest is paid out as the final payout */
	run_jobs_at(later + 60);
	http(&srv, "GET", "/api/v1/account/balance", h, NULL, 0, &r);
	assert_int_equal(minor(r.json, "reserved"), 0);
	/* what the last fee left owing was settled from the reserve first */
	assert_int_equal(minor(r.json, "in_flight"), reserved - 1500 - debt0);
	assert_int_equal(minor(r.json, "debt"), 0);
	response_free(&r);
	assert_true(mail_has(email, "Your final payout and statement"));

	/* the statement lists every movement since the request, as JSON and CSV */
	http(&srv, "GET", "/api/v1/account/statement", h, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	json_t *entries = json_object_get(r.json, "entries");
	int saw_claim = 0, saw_release = 0, saw_fee = 0;
	for (size_t i = 0; i < json_array_size(entries); i++) {
		const char *type = json_string_value(json_object_get(json_array_get(entries, i), "type"));
		saw_claim += strcmp(type, "claim") == 0;
		saw_release += strcmp(type, "reserve_release") == 0;
		saw_fee += strcmp(type, "fee") == 0;
	}
	assert_int_equal(saw_claim, 1);
	assert_int_equal(saw_release, 1);
	assert_true(saw_fee <= 1);
	response_free(&r);
	h[1] = "Accept: text/csv";
	http(&srv, "GET", "/api/v1/account/statement", h, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "created_at,type,amount,currency,available_change"));
	assert_non_null(strstr(r.body, ",claim,10.00,USD,"));
	response_free(&r);
}

static void a_claim_beyond_the_reserve_leaves_a_debt(void **state)
{
	char id[40], email[96], body[512], token[64];
	struct seller_login l;
	struct response r;
	const char *h[] = { NULL, NULL, NULL };
	int64_t closes_at;

	(void)state;
	snprintf(email, sizeof(email), "short-%d@shop.example", (int)getpid());
	snprintf(body, sizeof(body),
		 "{\"email\":\"%s\",\"password\":\"correct horse\",\"display_name\":\"Shop\",\"marketplace\":\"us\","
		 "\"bank_account\":{\"holder\":\"Ann\",\"iban\":\"DE89370400440532013000\"}}", email);
	ops_post(&srv, "/api/v1/ops/sellers", body, &r);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(r.json, "id")));
	response_free(&r);
	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, &l), 201);
	h[0] = l.cookie;
	h[1] = l.csrf;
	post_ledger(id, "sale", 3000);
	http_json(&srv, "POST", "/api/v1/account/closure", h,
		  "{\"reason\":\"other\",\"acknowledge\":true,\"password\":\"correct horse\"}", &r);
	assert_int_equal(r.status, 202);
	response_free(&r);
	assert_int_equal(mail_token(email, token, sizeof(token)), 0);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", token);
	http_json(&srv, "POST", "/api/v1/account/closure/confirm", h, body, &r);
	clock_parse(json_string_value(json_object_get(json_object_get(r.json, "timeline"), "closes_at")), &closes_at);
	response_free(&r);
	run_jobs_at(closes_at + 60);
	post_ledger(id, "release", 3000);   /* into the reserve */
	post_ledger(id, "claim", 4200);     /* 1200 more than the reserve */
	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, &l), 201);
	h[0] = l.cookie;
	http(&srv, "GET", "/api/v1/account/balance", h, NULL, 0, &r);
	assert_int_equal(minor(r.json, "reserved"), 0);
	assert_int_equal(minor(r.json, "debt"), 1200);
	response_free(&r);
	run_jobs_at(time(NULL) + 5);   /* the e-mail job */
	assert_true(mail_has(email, "Your reserve did not cover a claim"));
}

static void the_policy_can_keep_a_share_and_pay_the_rest(void **state)
{
	char id[40], email[96], body[512], token[64];
	struct seller_login l;
	struct response r;
	const char *h[] = { NULL, NULL, NULL };
	int64_t closes_at;

	(void)state;
	snprintf(email, sizeof(email), "share-%d@shop.example", (int)getpid());
	snprintf(body, sizeof(body),
		 "{\"email\":\"%s\",\"password\":\"correct horse\",\"display_name\":\"Shop\",\"marketplace\":\"share\","
		 "\"bank_account\":{\"holder\":\"Ann\",\"iban\":\"DE89370400440532013000\"}}", email);
	ops_post(&srv, "/api/v1/ops/sellers", body, &r);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(r.json, "id")));
	response_free(&r);
	post_ledger(id, "sale", 10000);
	post_ledger(id, "release", 10000);
	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, &l), 201);
	h[0] = l.cookie;
	h[1] = l.csrf;
	http_json(&srv, "POST", "/api/v1/account/closure", h,
		  "{\"reason\":\"other\",\"acknowledge\":true,\"password\":\"correct horse\"}", &r);
	assert_int_equal(r.status, 202);   /* money available does not block here */
	response_free(&r);
	assert_int_equal(mail_token(email, token, sizeof(token)), 0);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", token);
	http_json(&srv, "POST", "/api/v1/account/closure/confirm", h, body, &r);
	assert_int_equal(r.status, 200);
	clock_parse(json_string_value(json_object_get(json_object_get(r.json, "timeline"), "closes_at")), &closes_at);
	response_free(&r);
	run_jobs_at(closes_at + 60);
	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, &l), 201);
	h[0] = l.cookie;
	http(&srv, "GET", "/api/v1/account/balance", h, NULL, 0, &r);
	assert_int_equal(minor(r.json, "reserved"), 1000);
	assert_int_equal(minor(r.json, "in_flight"), 9000);
	assert_int_equal(minor(r.json, "available"), 0);
	response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(withdraw_close_reserve_claims_and_final_payout),
		cmocka_unit_test(a_claim_beyond_the_reserve_leaves_a_debt),
		cmocka_unit_test(the_policy_can_keep_a_share_and_pay_the_rest),
	};
	int rc;

	if (crypto_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_ALL);
	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	curl_global_cleanup();
	return rc;
}
