/* Closing an account over HTTP, end to end: the checklist, step-up,
 * reason, the e-mailed single-use link, the grace period with cancel, the
 * closure job, read-only history, vacation mode, link expiry, and the race
 * between a new order and the confirmation. Time moves with
 * `offboard jobs run-due --now`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "peers.h"

#include "core/clock.h"
#include "core/crypto.h"

#include <curl/curl.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct server srv;
static char data_dir[128], smtp_url[64];
static pid_t smtp_pid;

static int group_setup(void **state)
{
	static char flag_dir[160], mailbox[200], policy[] = "/tmp/offboard-policy-XXXXXX";
	const char *flags[] = { "--data-dir", flag_dir, "--policy", policy, "--smtp", smtp_url, NULL };
	struct response r;
	int fd = mkstemp(policy), port = 0;
	FILE *f = fdopen(fd, "w");

	(void)state;
	/* a short confirmation link (1 hour) so expiry is quick to reach;
	 * "brief" ends history access at once, while the reserve (a day)
	 * still puts the erasure off */
	fprintf(f, "[default]\nconfirm_hours = 1\ngrace_days = 14\nhistory_days = 180\n"
		   "[brief]\ngrace_days = 0\nhistory_days = 0\nreserve_days = 1\n");
	fclose(f);
	snprintf(data_dir, sizeof(data_dir), "/tmp/offboard-mail-%d", (int)getpid());
	snprintf(flag_dir, sizeof(flag_dir), "%s", data_dir);
	/* a real SMTP server: the confirmation link is read from its mailbox */
	snprintf(mailbox, sizeof(mailbox), "%s/smtp", data_dir);
	mkdir(data_dir, 0700);
	mkdir(mailbox, 0700);
	smtp_pid = peer_start("smtp_sink.py", mailbox, NULL, &port);
	snprintf(smtp_url, sizeof(smtp_url), "smtp://127.0.0.1:%d", port);
	server_start(&srv, flags);
	ops_post(&srv, "/api/v1/ops/marketplaces", "{\"id\":\"us\",\"name\":\"US\",\"currency\":\"USD\"}", &r);
	response_free(&r);
	ops_post(&srv, "/api/v1/ops/marketplaces",
		 "{\"id\":\"brief\",\"name\":\"Brief\",\"currency\":\"USD\",\"policy\":\"brief\"}", &r);
	response_free(&r);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[256];

	(void)state;
	peer_stop(smtp_pid);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", data_dir);
	return server_stop(&srv);
}

static int seq;

/* A seller of marketplace m with a bank account, signed in. */
static void seller_in(const char *m, const char *name, char *id, char *email, struct seller_login *l)
{
	char body[512];
	struct response r;

	snprintf(email, 96, "%s-%d-%d@shop.example", name, (int)getpid(), ++seq);
	snprintf(body, sizeof(body),
		 "{\"email\":\"%s\",\"password\":\"correct horse\",\"display_name\":\"Shop\",\"marketplace\":\"%s\","
		 "\"bank_account\":{\"holder\":\"Ann\",\"iban\":\"DE89370400440532013000\"}}", email, m);
	ops_post(&srv, "/api/v1/ops/sellers", body, &r);
	assert_int_equal(r.status, 201);
	snprintf(id, 40, "%s", json_string_value(json_object_get(r.json, "id")));
	response_free(&r);
	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, l), 201);
}

static void new_seller(const char *name, char *id, char *email, struct seller_login *l)
{
	seller_in("us", name, id, email, l);
}

static void as_seller(const struct seller_login *l, const char *method, const char *path, const char *json,
		      struct response *r)
{
	const char *h[] = { l->cookie, l->csrf, NULL };

	if (json)
		http_json(&srv, method, path, h, json, r);
	else
		http(&srv, method, path, h, NULL, 0, r);
}

static const char *code(const struct response *r)
{
	return error_code(r);
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Runs the jobs due at t (unix seconds) against the server's database. */
static void run_jobs_at(int64_t t)
{
	char cmd[512], when[32];

	clock_format(t, when, sizeof(when));
	snprintf(cmd, sizeof(cmd), "'%s' jobs run-due --db '%s' --data-dir '%s' --smtp %s --now %s >/dev/null 2>&1",
		 getenv("OFFBOARD_BIN"), srv.db, data_dir, smtp_url, when);
	assert_int_equal(system(cmd), 0);
}

/* Finds the confirmation token in the e-mail to `to` that the SMTP server
 * received (waits for the server's job runner to send it). */
static int mail_token(const char *to, char *token, size_t cap)
{
	char dir[256], path[512], line[1024];

	snprintf(dir, sizeof(dir), "%s/smtp", data_dir);
	for (int tries = 0; tries < 100; tries++) {
		DIR *d = opendir(dir);
		struct dirent *e;
		int found = 0;
		while (d && (e = readdir(d)) != NULL) {
			FILE *f;
			int for_us = 0;
			if (e->d_name[0] == '.' || strstr(e->d_name, ".eml") == NULL)
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
					found = 1;
				}
			}
			fclose(f);
		}
		if (d)
			closedir(d);
		if (found)
			return 0;
		usleep(100000);
	}
	return -1;
}

static void checklist_request_confirm_close_history(void **state)
{
	char id[40], email[96], token[64], body[256];
	struct seller_login l, h;
	struct response r;
	json_t *t;
	int64_t closes_at;

	(void)state;
	new_seller("ready", id, email, &l);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"sku\":\"MUG\",\"title\":\"Mug\",\"price_minor\":1299,\"currency\":\"USD\"}", id);
	ops_post(&srv, "/api/v1/ops/listings", body, &r);
	response_free(&r);

	as_seller(&l, "GET", "/api/v1/account/closure", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(r.json, "ready")));
	assert_int_equal(json_array_size(json_object_get(r.json, "blockers")), 0);
	assert_string_equal(str(json_array_get(json_object_get(r.json, "warnings"), 0), "code"), "active_listings");
	assert_true(json_array_size(json_object_get(r.json, "reasons")) >= 5);
	t = json_object_get(r.json, "timeline");
	assert_non_null(str(t, "closes_at"));
	assert_non_null(str(t, "history_ends_at"));
	assert_non_null(str(t, "erased_at"));
	response_free(&r);

	/* bad requests change nothing */
	as_seller(&l, "POST", "/api/v1/account/closure", "{\"reason\":\"fees_too_high\",\"acknowledge\":true,\"password\":\"wrong\"}", &r);
	assert_int_equal(r.status, 401);
	assert_string_equal(code(&r), "invalid_credentials");
	response_free(&r);
	as_seller(&l, "POST", "/api/v1/account/closure", "{\"reason\":\"because\",\"acknowledge\":true,\"password\":\"correct horse\"}", &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(code(&r), "invalid_reason");
	response_free(&r);
	as_seller(&l, "POST", "/api/v1/account/closure", "{\"reason\":\"fees_too_high\",\"acknowledge\":false,\"password\":\"correct horse\"}", &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(code(&r), "acknowledgement_required");
	response_free(&r);
	as_seller(&l, "POST", "/api/v1/account/closure", "{\"reason\":\"fees_too_high\",\"acknowledge\":true}", &r);
	assert_int_equal(r.status, 202);   /* the password a moment ago counts as a fresh check */
	assert_string_equal(str(r.json, "status"), "closure_requested");
	assert_non_null(str(json_object_get(r.json, "timeline"), "confirm_by"));
	response_free(&r);
	as_seller(&l, "POST", "/api/v1/account/closure", "{\"reason\":\"fees_too_high\",\"acknowledge\":true}", &r);
	assert_int_equal(r.status, 409);
	assert_string_equal(code(&r), "closure_in_progress");
	response_free(&r);

	as_seller(&l, "POST", "/api/v1/account/closure/confirm", "{\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(code(&r), "invalid_token");
	response_free(&r);
	assert_int_equal(mail_token(email, token, sizeof(token)), 0);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", token);
	as_seller(&l, "POST", "/api/v1/account/closure/confirm", body, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str(r.json, "status"), "closing");
	int64_t parsed;
	assert_int_equal(clock_parse(str(json_object_get(r.json, "timeline"), "closes_at"), &parsed), 0);
	closes_at = parsed;
	response_free(&r);
	/* single use */
	as_seller(&l, "POST", "/api/v1/account/closure/confirm", body, &r);
	assert_int_equal(r.status, 404);
	response_free(&r);

	/* closing: listings off, no new orders */
	as_seller(&l, "GET", "/api/v1/listings?status=active", NULL, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	response_free(&r);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"status\":\"pending\",\"total_minor\":100,\"currency\":\"USD\",\"buyer_name\":\"B\",\"ship_address\":\"A\"}", id);
	ops_post(&srv, "/api/v1/ops/orders", body, &r);
	assert_int_equal(r.status, 409);
	assert_string_equal(code(&r), "seller_closing");
	response_free(&r);

	/* the grace period ends: closed, Seller Center session over */
	run_jobs_at(closes_at - 60);
	as_seller(&l, "GET", "/api/v1/account", NULL, &r);
	assert_string_equal(str(r.json, "status"), "closing");
	response_free(&r);
	run_jobs_at(closes_at + 1);
	as_seller(&l, "GET", "/api/v1/account", NULL, &r);
	assert_int_equal(r.status, 401);
	response_free(&r);

	/* the same credentials open the history, read-only */
	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, &h), 201);
	as_seller(&h, "GET", "/api/v1/account", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str(r.json, "status"), "closed");
	response_free(&r);
	as_seller(&h, "GET", "/api/v1/orders", NULL, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	as_seller(&h, "POST", "/api/v1/payouts", "{}", &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(code(&r), "account_closed");
	response_free(&r);
	as_seller(&h, "DELETE", "/api/v1/account/closure", NULL, &r);
	assert_int_equal(r.status, 403);
	response_free(&r);
	as_seller(&h, "DELETE", "/api/v1/session", NULL, &r);
	assert_int_equal(r.status, 204);
	response_free(&r);
}

static void blockers_are_listed_and_resolved(void **state)
{
	char id[40], email[96], body[512], path[96];
	struct seller_login l;
	struct response r;
	json_t *b;

	(void)state;
	new_seller("blocked", id, email, &l);
	snprintf(body, sizeof(body), "{\"id\":\"blk-%d\",\"seller_id\":\"%s\",\"status\":\"unshipped\",\"total_minor\":2599,\"currency\":\"USD\",\"buyer_name\":\"B\",\"ship_address\":\"A\"}", seq, id);
	ops_post(&srv, "/api/v1/ops/orders", body, &r);
	response_free(&r);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"type\":\"adjustment\",\"amount_minor\":5000,\"currency\":\"USD\"}", id);
	ops_post(&srv, "/api/v1/ops/ledger", body, &r);
	response_free(&r);

	as_seller(&l, "GET", "/api/v1/account/closure", NULL, &r);
	assert_false(json_is_true(json_object_get(r.json, "ready")));
	b = json_object_get(r.json, "blockers");
	assert_int_equal(json_array_size(b), 2);
	assert_string_equal(str(json_array_get(b, 0), "code"), "open_orders");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 0), "count")), 1);
	assert_string_equal(str(json_object_get(json_array_get(b, 0), "action"), "href"), "/api/v1/orders?status=unshipped");
	assert_string_equal(str(json_array_get(b, 1), "code"), "available_balance");
	assert_string_equal(str(json_object_get(json_array_get(b, 1), "action"), "method"), "POST");
	response_free(&r);

	as_seller(&l, "POST", "/api/v1/account/closure", "{\"reason\":\"other\",\"acknowledge\":true,\"password\":\"correct horse\"}", &r);
	assert_int_equal(r.status, 409);
	assert_string_equal(code(&r), "not_ready");
	assert_int_equal(json_array_size(json_object_get(r.json, "blockers")), 2);
	response_free(&r);

	/* one click each: withdraw, and the order cancelled by the marketplace */
	as_seller(&l, "POST", "/api/v1/payouts", "{}", &r);
	assert_int_equal(r.status, 201);
	snprintf(path, sizeof(path), "/api/v1/ops/payouts/%s", str(r.json, "id"));
	response_free(&r);
	char auth[160];
	const char *oh[] = { auth, NULL };
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", srv.ops_key);
	http_json(&srv, "PATCH", path, oh, "{\"status\":\"settled\"}", &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/ops/orders/blk-%d", seq);
	http_json(&srv, "PATCH", path, oh, "{\"status\":\"cancelled\"}", &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	as_seller(&l, "GET", "/api/v1/account/closure", NULL, &r);
	assert_true(json_is_true(json_object_get(r.json, "ready")));
	response_free(&r);
}

static void cancel_in_grace_and_pause(void **state)
{
	char id[40], email[96], token[64], body[256];
	struct seller_login l;
	struct response r;
	int64_t closes_at;

	(void)state;
	new_seller("cancel", id, email, &l);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"sku\":\"HAT\",\"title\":\"Hat\",\"price_minor\":999,\"currency\":\"USD\"}", id);
	ops_post(&srv, "/api/v1/ops/listings", body, &r);
	response_free(&r);

	/* vacation mode first: listings off, then exactly those back on */
	as_seller(&l, "POST", "/api/v1/account/pause", "{\"reason\":\"vacation\"}", &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(r.json, "paused")));
	response_free(&r);
	as_seller(&l, "POST", "/api/v1/account/pause", "{}", &r);
	assert_int_equal(r.status, 409);
	response_free(&r);
	as_seller(&l, "GET", "/api/v1/listings?status=active", NULL, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	response_free(&r);
	as_seller(&l, "DELETE", "/api/v1/account/pause", NULL, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	as_seller(&l, "GET", "/api/v1/listings?status=active", NULL, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);

	as_seller(&l, "POST", "/api/v1/account/closure", "{\"reason\":\"personal\",\"reason_text\":\"Moving abroad.\",\"acknowledge\":true,\"password\":\"correct horse\"}", &r);
	assert_int_equal(r.status, 202);
	response_free(&r);
	assert_int_equal(mail_token(email, token, sizeof(token)), 0);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", token);
	as_seller(&l, "POST", "/api/v1/account/closure/confirm", body, &r);
	assert_int_equal(r.status, 200);
	int64_t parsed;
	clock_parse(str(json_object_get(r.json, "timeline"), "closes_at"), &parsed);
	closes_at = parsed;
	response_free(&r);
	as_seller(&l, "DELETE", "/api/v1/account/closure", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str(r.json, "status"), "active");
	response_free(&r);
	as_seller(&l, "DELETE", "/api/v1/account/closure", NULL, &r);
	assert_int_equal(r.status, 409);
	assert_string_equal(code(&r), "no_closure");
	response_free(&r);
	/* the closure job finds nothing to do */
	run_jobs_at(closes_at + 10);
	as_seller(&l, "GET", "/api/v1/account", NULL, &r);
	assert_string_equal(str(r.json, "status"), "active");
	response_free(&r);
	/* listings stayed off until the seller turns them on */
	as_seller(&l, "GET", "/api/v1/listings?status=active", NULL, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	response_free(&r);
}

static void unconfirmed_requests_expire(void **state)
{
	char id[40], email[96], token[64], body[256], hdr[16];
	struct seller_login l;
	struct response r;

	(void)state;
	new_seller("expire", id, email, &l);
	/* sent twice with one Idempotency-Key (a retry after a lost answer):
	 * the first answer again, not closure_in_progress */
	for (int i = 0; i < 2; i++) {
		const char *h[] = { l.cookie, l.csrf, "Idempotency-Key: expire-request", NULL };

		http_json(&srv, "POST", "/api/v1/account/closure", h,
			  "{\"reason\":\"other\",\"acknowledge\":true,\"password\":\"correct horse\"}", &r);
		assert_int_equal(r.status, 202);
		assert_string_equal(str(r.json, "status"), "closure_requested");
		assert_int_equal(response_header(&r, "Idempotent-Replayed", hdr, sizeof(hdr)) != NULL, i == 1);
		response_free(&r);
	}
	assert_int_equal(mail_token(email, token, sizeof(token)), 0);
	run_jobs_at(time(NULL) + 3601);
	as_seller(&l, "GET", "/api/v1/account", NULL, &r);
	assert_string_equal(str(r.json, "status"), "active");
	response_free(&r);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", token);
	as_seller(&l, "POST", "/api/v1/account/closure/confirm", body, &r);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

static void history_access_ends_on_its_date(void **state)
{
	char id[40], email[96], token[64], body[128];
	struct seller_login l;
	struct response r;

	(void)state;
	/* the "brief" policy: no grace period, no history access */
	seller_in("brief", "brief", id, email, &l);
	as_seller(&l, "POST", "/api/v1/account/closure", "{\"reason\":\"other\",\"acknowledge\":true,\"password\":\"correct horse\"}", &r);
	assert_int_equal(r.status, 202);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "policy"), "history_days")), 0);
	response_free(&r);
	assert_int_equal(mail_token(email, token, sizeof(token)), 0);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", token);
	as_seller(&l, "POST", "/api/v1/account/closure/confirm", body, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	run_jobs_at(time(NULL) + 5);
	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"correct horse\"}", email);
	http_json(&srv, "POST", "/api/v1/session", NULL, body, &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(code(&r), "history_access_ended");
	response_free(&r);
}

struct racer {
	const struct seller_login *l;
	const char *seller_id;
	const char *token;
	long status;
};

static void *confirm_side(void *arg)
{
	struct racer *x = arg;
	char body[128];
	struct response r;

	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", x->token);
	as_seller(x->l, "POST", "/api/v1/account/closure/confirm", body, &r);
	x->status = r.status;
	response_free(&r);
	return NULL;
}

static void *order_side(void *arg)
{
	struct racer *x = arg;
	char body[256];
	struct response r;

	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"status\":\"unshipped\",\"total_minor\":100,\"currency\":\"USD\",\"buyer_name\":\"B\",\"ship_address\":\"A\"}", x->seller_id);
	ops_post(&srv, "/api/v1/ops/orders", body, &r);
	x->status = r.status;
	response_free(&r);
	return NULL;
}

static void order_versus_confirmation_never_both(void **state)
{
	int confirmed = 0, ordered = 0;

	(void)state;
	for (int round = 0; round < 12; round++) {
		char id[40], email[96], token[64];
		struct seller_login l;
		struct response r;
		struct racer a, b;
		pthread_t ta, tb;

		new_seller("race", id, email, &l);
		as_seller(&l, "POST", "/api/v1/account/closure", "{\"reason\":\"other\",\"acknowledge\":true,\"password\":\"correct horse\"}", &r);
		assert_int_equal(r.status, 202);
		response_free(&r);
		assert_int_equal(mail_token(email, token, sizeof(token)), 0);
		a = (struct racer){ .l = &l, .token = token };
		b = (struct racer){ .seller_id = id };
		pthread_create(&ta, NULL, confirm_side, &a);
		pthread_create(&tb, NULL, order_side, &b);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		/* exactly one side wins */
		if (a.status == 200) {
			assert_int_equal(b.status, 409);
			confirmed++;
		} else {
			assert_int_equal(a.status, 409);
			assert_int_equal(b.status, 201);
			ordered++;
		}
	}
	fprintf(stderr, "race: %d confirmations won, %d orders won\n", confirmed, ordered);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checklist_request_confirm_close_history),
		cmocka_unit_test(blockers_are_listed_and_resolved),
		cmocka_unit_test(cancel_in_grace_and_pause),
		cmocka_unit_test(unconfirmed_requests_expire),
		cmocka_unit_test(history_access_ends_on_its_date),
		cmocka_unit_test(order_versus_confirmation_never_both),
	};
	int rc;

	if (crypto_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_ALL);
	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	curl_global_cleanup();
	return rc;
}
