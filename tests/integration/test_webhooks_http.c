/* Webhooks over HTTP, with the real binary: the operator subscribes and
 * lists subscriptions and deliveries; a seller's closure request becomes a
 * signed event at a receiver that checks the signature on its own and an
 * e-mail in a real SMTP server's mailbox, both sent by
 * `offboard jobs run-due`; a receiver that keeps failing ends as a dead
 * delivery the operator can see and send again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "peers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>

#define SECRET "whsec-http-test-0123456789"
#define PUBLIC_URL "http://shop.test:9999"

static struct server srv;
static struct {
	char dir[64], mailbox[96], hooklog[96];
	char smtp_flag[64];      /* smtp://127.0.0.1:PORT */
	char hook_base[64];
	pid_t smtp_pid, hook_pid;
} peers;
static char seller_id[40];
static struct seller_login login;

static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static void ops(const char *method, const char *path, const char *body, const char *key,
		struct response *r)
{
	char auth[200];
	const char *h[] = { auth, NULL };

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key ? key : srv.ops_key);
	http_json(&srv, method, path, h, body, r);
}

static int group_setup(void **state)
{
	static const char *const extra[] = { "--public-url", PUBLIC_URL, NULL };
	struct response r;
	int port;

	(void)state;
	snprintf(peers.dir, sizeof(peers.dir), "/tmp/offboard-hooks-XXXXXX");
	if (mkdtemp(peers.dir) == NULL)
		return -1;
	snprintf(peers.mailbox, sizeof(peers.mailbox), "%s/mailbox", peers.dir);
	snprintf(peers.hooklog, sizeof(peers.hooklog), "%s/hooks.jsonl", peers.dir);
	if (mkdir(peers.mailbox, 0700) < 0)
		return -1;
	peers.smtp_pid = peer_start("smtp_sink.py", peers.mailbox, NULL, &port);
	snprintf(peers.smtp_flag, sizeof(peers.smtp_flag), "smtp://127.0.0.1:%d", port);
	peers.hook_pid = peer_start("webhook_sink.py", peers.hooklog, SECRET, &port);
	snprintf(peers.hook_base, sizeof(peers.hook_base), "http://127.0.0.1:%d", port);

	server_start(&srv, extra);
	ops_post(&srv, "/api/v1/ops/marketplaces", "{\"id\":\"us\",\"name\":\"US\",\"currency\":\"USD\"}", &r);
	response_free(&r);
	ops_post(&srv, "/api/v1/ops/sellers",
		 "{\"email\":\"ann@shop.example\",\"password\":\"correct horse\",\"display_name\":\"Shop\","
		 "\"marketplace\":\"us\",\"bank_account\":{\"holder\":\"Ann\",\"iban\":\"GB82WEST12345698765432\"}}",
		 &r);
	if (r.status != 201)
		return -1;
	snprintf(seller_id, sizeof(seller_id), "%s", str(r.json, "id"));
	response_free(&r);
	return seller_sign_in(&srv, "ann@shop.example", "correct horse", NULL, &login) == 201 ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];
	int rc;

	(void)state;
	rc = server_stop(&srv);
	peer_stop(peers.smtp_pid);
	peer_stop(peers.hook_pid);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", peers.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_webhooks_http: cannot remove %s\n", peers.dir);
	return rc;
}

/* Runs `offboard jobs run-due` on the server's database with args; returns
 * its exit status and its first line of output in out. */
static int run_due(const char *args, char *out, size_t cap)
{
	char cmd[1024];
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' jobs run-due --db '%s' --smtp '%s' --public-url '%s' %s 2>>'%s/server.log'",
		 getenv("OFFBOARD_BIN"), srv.db, peers.smtp_flag, PUBLIC_URL, args, srv.dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	if (fgets(out, (int)cap, p) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The receiver's log entries for path, as a JSON array. */
static json_t *hook_requests(const char *path)
{
	json_t *all = json_array();
	FILE *f = fopen(peers.hooklog, "r");
	char line[8192];

	while (f && fgets(line, sizeof(line), f)) {
		json_t *e = json_loads(line, 0, NULL);
		if (e && strcmp(str(e, "path"), path) == 0)
			json_array_append(all, e);
		json_decref(e);
	}
	if (f)
		fclose(f);
	return all;
}

static void subscribe(const char *path, const char *events, char *id)
{
	char body[512];
	struct response r;

	snprintf(body, sizeof(body), "{\"url\":\"%s%s\",\"events\":%s,\"secret\":\"%s\"}", peers.hook_base,
		 path, events, SECRET);
	ops_post(&srv, "/api/v1/ops/webhooks", body, &r);
	assert_int_equal(r.status, 201);
	assert_string_equal(str(r.json, "secret"), SECRET);
	snprintf(id, 40, "%s", str(r.json, "id"));
	response_free(&r);
}

/* Subscribing answers 201 with the secret (once); lists never show it. */
static void create_and_list(void **state)
{
	struct response r, page2;
	json_t *items, *events;
	char first[40], second[40], path[256];

	(void)state;
	ops_post(&srv, "/api/v1/ops/webhooks",
		 "{\"url\":\"https://127.0.0.1:1/offboard\","
		 "\"events\":[\"account.closed\",\"closure.requested\",\"account.closed\"]}", &r);
	assert_int_equal(r.status, 201);
	assert_true(strncmp(str(r.json, "id"), "whk_", 4) == 0);
	assert_string_equal(str(r.json, "url"), "https://127.0.0.1:1/offboard");
	assert_int_equal(strlen(str(r.json, "secret")), 43);            /* generated */
	events = json_object_get(r.json, "events");
	assert_int_equal(json_array_size(events), 2);
	assert_string_equal(json_string_value(json_array_get(events, 0)), "closure.requested");
	assert_string_equal(json_string_value(json_array_get(events, 1)), "account.closed");
	assert_true(json_is_true(json_object_get(r.json, "active")));
	assert_true(json_is_string(json_object_get(r.json, "created_at")));
	snprintf(first, sizeof(first), "%s", str(r.json, "id"));
	response_free(&r);
	usleep(5000);   /* ids order by their millisecond; "newest first" needs two */

	ops_post(&srv, "/api/v1/ops/webhooks",
		 "{\"url\":\"http://127.0.0.1:1/all\",\"events\":[\"*\"],\"secret\":\"my-own-secret-of-24-chars\"}", &r);
	assert_int_equal(r.status, 201);
	assert_string_equal(str(r.json, "secret"), "my-own-secret-of-24-chars");
	snprintf(second, sizeof(second), "%s", str(r.json, "id"));
	response_free(&r);

	ops("GET", "/api/v1/ops/webhooks", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	items = json_object_get(r.json, "items");
	assert_true(json_array_size(items) >= 2);
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_null(json_object_get(json_array_get(items, i), "secret"));
	assert_string_equal(str(json_array_get(items, 0), "id"), second);   /* newest first */
	assert_true(json_is_null(json_object_get(r.json, "next_cursor")));
	response_free(&r);

	ops("GET", "/api/v1/ops/webhooks?limit=1", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_true(json_is_string(json_object_get(r.json, "next_cursor")));
	snprintf(path, sizeof(path), "/api/v1/ops/webhooks?limit=1&cursor=%s", str(r.json, "next_cursor"));
	ops("GET", path, NULL, NULL, &page2);
	assert_int_equal(page2.status, 200);
	assert_string_equal(str(json_array_get(json_object_get(page2.json, "items"), 0), "id"), first);
	response_free(&page2);
	response_free(&r);
}

/* Bad input: a precise 422 naming the field, and nothing made. */
static void bad_input(void **state)
{
	static const struct {
		const char *body, *code, *field;
	} cases[] = {
		{ "{\"url\":\"ftp://hooks.example/x\",\"events\":[\"*\"]}", "invalid_url", "url" },
		{ "{\"url\":\"javascript:alert(1)\",\"events\":[\"*\"]}", "invalid_url", "url" },
		{ "{\"url\":\"https://hooks.example/\",\"events\":[\"closure.requested\",\"closure.exploded\"]}",
		  "invalid_event", "events[1]" },
		{ "{\"url\":\"https://hooks.example/\",\"events\":[]}", "missing_field", "events" },
		{ "{\"url\":\"https://hooks.example/\"}", "missing_field", "events" },
		{ "{\"url\":\"https://hooks.example/\",\"events\":\"*\"}", "invalid_type", "events" },
		{ "{\"url\":\"https://hooks.example/\",\"events\":[7]}", "invalid_type", "events[0]" },
		{ "{\"events\":[\"*\"]}", "missing_field", "url" },
		{ "{\"url\":\"https://hooks.example/\",\"events\":[\"*\"],\"secret\":\"short\"}", "invalid_secret", "secret" },
		{ "{\"url\":\"https://hooks.example/\",\"events\":[\"*\"],\"active\":false}", "unknown_field", "active" },
	};
	struct response r;
	size_t before;

	(void)state;
	ops("GET", "/api/v1/ops/webhooks?limit=500", NULL, NULL, &r);
	before = json_array_size(json_object_get(r.json, "items"));
	response_free(&r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ops_post(&srv, "/api/v1/ops/webhooks", cases[i].body, &r);
		assert_int_equal(r.status, 422);
		assert_string_equal(error_code(&r), cases[i].code);
		assert_string_equal(str(json_object_get(r.json, "error"), "field"), cases[i].field);
		response_free(&r);
	}
	ops("GET", "/api/v1/ops/webhooks?limit=500", NULL, NULL, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), before);
	response_free(&r);

	ops("GET", "/api/v1/ops/webhooks/deliveries?status=lost", NULL, NULL, &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "invalid_parameter");
	response_free(&r);
	ops("GET", "/api/v1/ops/webhooks/deliveries?from=2026-01-01T00:00:00Z", NULL, NULL, &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "unknown_parameter");
	response_free(&r);
	ops("POST", "/api/v1/ops/webhooks/deliveries/whd_nope/retry", NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

/* Without an operator key (or with a wrong one, or a seller's session):
 * 401, for every route. */
static void unauthenticated(void **state)
{
	static const char *const routes[][2] = {
		{ "POST", "/api/v1/ops/webhooks" },
		{ "GET", "/api/v1/ops/webhooks" },
		{ "GET", "/api/v1/ops/webhooks/deliveries" },
		{ "POST", "/api/v1/ops/webhooks/deliveries/whd_x/retry" },
	};
	const char *seller[] = { login.cookie, login.csrf, NULL };
	struct response r;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		const char *body = routes[i][0][0] == 'P' ? "{\"url\":\"https://x.example/\",\"events\":[\"*\"]}" : NULL;
		http_json(&srv, routes[i][0], routes[i][1], NULL, body, &r);
		assert_int_equal(r.status, 401);
		response_free(&r);
		ops(routes[i][0], routes[i][1], body, "not-a-key", &r);
		assert_int_equal(r.status, 401);
		response_free(&r);
		http_json(&srv, routes[i][0], routes[i][1], seller, body, &r);
		assert_int_equal(r.status, 401);
		response_free(&r);
	}
}

/* `offboard jobs run-due`: its settings are checked, and it says how many
 * jobs ran. */
static void run_due_command(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(run_due("--now 2020-01-01T00:00:00Z", out, sizeof(out)), 0);
	assert_string_equal(out, "ran 0 jobs");           /* nothing is due in the past */
	assert_int_equal(run_due("--now yesterday", out, sizeof(out)), 2);
	assert_int_equal(run_due("--smtp-typo x", out, sizeof(out)), 2);
	assert_int_equal(run_due("--smtp ftp://mail.example", out, sizeof(out)), 2);
	assert_int_equal(run_due("--public-url shop.example", out, sizeof(out)), 2);
}

/* Polls the receiver until path got n requests (jobs run by a server's
 * worker may come a little later than our own run). */
static json_t *wait_requests(const char *path, size_t n)
{
	json_t *got = NULL;

	for (int i = 0; i < 100; i++) {
		json_decref(got);
		got = hook_requests(path);
		if (json_array_size(got) >= n)
			break;
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	}
	return got;
}

/* The seller asks to close: the marketplace's receiver gets a signed
 * closure.requested, the seller an e-mail with a link to this server. */
static void closure_request_reaches_receiver_and_mailbox(void **state)
{
	const char *seller[] = { login.cookie, login.csrf, NULL };
	char hook[40], out[128], path[256], body_path[64];
	struct response r;
	json_t *got, *event, *mail, *items;
	DIR *d;
	struct dirent *de;
	int mails = 0;

	(void)state;
	subscribe("/e2e", "[\"closure.requested\"]", hook);
	http_json(&srv, "POST", "/api/v1/account/closure", seller,
		  "{\"reason\":\"closing_business\",\"password\":\"correct horse\",\"acknowledge\":true}", &r);
	assert_int_equal(r.status, 202);
	response_free(&r);

	assert_int_equal(run_due("", out, sizeof(out)), 0);
	assert_true(strncmp(out, "ran ", 4) == 0);
	got = wait_requests("/e2e", 1);
	assert_int_equal(json_array_size(got), 1);
	assert_true(json_is_true(json_object_get(json_array_get(got, 0), "verified")));
	assert_string_equal(str(json_array_get(got, 0), "event"), "closure.requested");
	event = json_loads(str(json_array_get(got, 0), "body"), 0, NULL);
	assert_non_null(event);
	assert_string_equal(str(event, "event"), "closure.requested");
	assert_string_equal(str(event, "seller_id"), seller_id);
	assert_true(json_is_object(json_object_get(event, "data")));
	json_decref(event);
	json_decref(got);

	ops("GET", "/api/v1/ops/webhooks/deliveries?status=delivered", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	items = json_object_get(r.json, "items");
	assert_true(json_array_size(items) >= 1);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (strcmp(str(it, "webhook_id"), hook) != 0)
			continue;
		assert_string_equal(str(it, "status"), "delivered");
		assert_int_equal(json_integer_value(json_object_get(it, "last_status")), 200);
		assert_string_equal(str(json_object_get(it, "payload"), "event"), "closure.requested");
		mails = -1;
	}
	assert_int_equal(mails, -1);   /* our delivery was listed */
	response_free(&r);

	/* the e-mail, in the SMTP server's mailbox (it may take a moment) */
	mails = 0;
	for (int i = 0; i < 100 && mails == 0; i++) {
		if ((d = opendir(peers.mailbox)) != NULL) {
			while ((de = readdir(d)) != NULL)
				if (strstr(de->d_name, ".json") && !strstr(de->d_name, ".tmp")) {
					snprintf(body_path, sizeof(body_path), "%s", de->d_name);
					mails++;
				}
			closedir(d);
		}
		if (mails == 0)
			nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	}
	assert_true(mails >= 1);
	snprintf(path, sizeof(path), "%s/%s", peers.mailbox, body_path);
	mail = json_load_file(path, 0, NULL);
	assert_non_null(mail);
	assert_string_equal(str(mail, "to"), "ann@shop.example");
	assert_string_equal(str(mail, "charset"), "utf-8");
	assert_true(strlen(str(mail, "subject")) > 0);
	assert_non_null(strstr(str(mail, "body"), PUBLIC_URL "/"));   /* links use --public-url */
	json_decref(mail);
}

/* A receiver that keeps failing: after JOB_MAX_ATTEMPTS runs the delivery
 * is dead and listed so; the operator's retry sends it again. */
static void dead_delivery_listed_and_retried(void **state)
{
	const char *seller[] = { login.cookie, login.csrf, NULL };
	char hook[40], out[128], args[64], retry[128], id[40] = "";
	struct response r;
	json_t *got;
	time_t t = time(NULL);

	(void)state;
	subscribe("/down?fail=1000", "[\"closure.cancelled\"]", hook);
	http(&srv, "DELETE", "/api/v1/account/closure", seller, NULL, 0, &r);
	assert_int_equal(r.status / 100, 2);
	response_free(&r);

	/* each run a day later than the last: past any back-off */
	for (int run = 0; run < 12 && id[0] == '\0'; run++) {
		struct tm tm;
		char when[32];
		time_t at = t + (time_t)(run + 1) * 86400;
		gmtime_r(&at, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(args, sizeof(args), "--now %s", when);
		assert_int_equal(run_due(args, out, sizeof(out)), 0);
		ops("GET", "/api/v1/ops/webhooks/deliveries?status=dead", NULL, NULL, &r);
		assert_int_equal(r.status, 200);
		for (size_t i = 0; i < json_array_size(json_object_get(r.json, "items")); i++) {
			json_t *it = json_array_get(json_object_get(r.json, "items"), i);
			if (strcmp(str(it, "webhook_id"), hook) == 0) {
				snprintf(id, sizeof(id), "%s", str(it, "id"));
				assert_int_equal(json_integer_value(json_object_get(it, "attempts")), 8);
				assert_int_equal(json_integer_value(json_object_get(it, "last_status")), 500);
				assert_true(json_is_null(json_object_get(it, "next_attempt_at")));
			}
		}
		response_free(&r);
	}
	assert_true(id[0] != '\0');
	got = hook_requests("/down?fail=1000");
	assert_int_equal(json_array_size(got), 8);
	json_decref(got);

	snprintf(retry, sizeof(retry), "/api/v1/ops/webhooks/deliveries/%s/retry", id);
	ops("POST", retry, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str(r.json, "status"), "pending");
	assert_true(json_is_string(json_object_get(r.json, "next_attempt_at")));
	response_free(&r);
	ops("POST", retry, NULL, NULL, &r);
	assert_int_equal(r.status, 409);
	assert_string_equal(error_code(&r), "not_dead");
	response_free(&r);

	assert_int_equal(run_due("", out, sizeof(out)), 0);
	got = wait_requests("/down?fail=1000", 9);
	assert_int_equal(json_array_size(got), 9);
	assert_true(json_is_true(json_object_get(json_array_get(got, 8), "verified")));
	json_decref(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_and_list),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(unauthenticated),
		cmocka_unit_test(run_due_command),
		cmocka_unit_test(closure_request_reaches_receiver_and_mailbox),
		cmocka_unit_test(dead_delivery_listed_and_retried),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
