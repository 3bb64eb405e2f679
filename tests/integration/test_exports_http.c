/* The seller's data export over HTTP, end to end, on SQLite and (suite
 * 'pg') PostgreSQL: a seller with tricky data (quotes, commas, line
 * breaks, emoji, right-to-left text, formula-looking cells) exports, and
 * the archive is checked by readers that are not offboard's (unzip -t and
 * Python's zipfile, csv and json, against the database: verify_export.py);
 * the CLI writes the same archive; a second request answers the running
 * export; another seller's export is 404, a deleted or expired one 410, one
 * not ready 409, an erased seller's 404; a closed account exports from its
 * history session; and a server killed in the middle of an export comes
 * back and finishes it, never having named a partial file. */
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
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"

static struct server srv;
static char data_dir[128], policy[] = "/tmp/offboard-export-policy-XXXXXX";
static const char *flags[] = { "--data-dir", data_dir, "--policy", policy, "--job-lease", "5", NULL };
static char first_export[40], first_seller[40];
static int seq;

static int group_setup(void **state)
{
	struct response r;
	int fd = mkstemp(policy);
	FILE *f = fdopen(fd, "w");

	(void)state;
	/* brief: no grace period, so a closed account is one job away */
	fprintf(f, "[default]\nexport_days = 7\n[brief]\ngrace_days = 0\nreserve_days = 0\nhistory_days = 30\n");
	fclose(f);
	snprintf(data_dir, sizeof(data_dir), "/tmp/offboard-exports-%d", (int)getpid());
	server_start(&srv, flags);
	ops_post(&srv, "/api/v1/ops/marketplaces", "{\"id\":\"us\",\"name\":\"US\",\"currency\":\"USD\"}", &r);
	assert_int_equal(r.status, 201);
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
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", data_dir, policy);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", data_dir);
	return server_stop(&srv);
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* A seller of marketplace m, signed in (display name and address given). */
static void seller_in(const char *m, const char *body_extra, char *id, char *email, struct seller_login *l)
{
	char body[1024];
	struct response r;

	snprintf(email, 96, "exp-%d-%d@shop.example", (int)getpid(), ++seq);
	snprintf(body, sizeof(body),
		 "{\"email\":\"%s\",\"password\":\"correct horse\",\"marketplace\":\"%s\","
		 "\"bank_account\":{\"holder\":\"Ann\",\"iban\":\"DE89370400440532013000\"}%s}", email, m,
		 body_extra ? body_extra : ",\"display_name\":\"Shop\"");
	ops_post(&srv, "/api/v1/ops/sellers", body, &r);
	assert_int_equal(r.status, 201);
	snprintf(id, 40, "%s", str(r.json, "id"));
	response_free(&r);
	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, l), 201);
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

/* POSTs an operator record and expects it made; the new id into id (may be NULL). */
static void ops_make(const char *path, const char *json, char *id)
{
	struct response r;

	ops_post(&srv, path, json, &r);
	if (r.status != 201)
		fprintf(stderr, "%s %s: %ld %s\n", path, json, r.status, r.body);
	assert_int_equal(r.status, 201);
	if (id)
		snprintf(id, 40, "%s", str(r.json, "id"));
	response_free(&r);
}

static void export_path_of(const char *id, char *out, size_t cap)
{
	snprintf(out, cap, "%s/exports/%s.zip", data_dir, id);
}

/* Polls the export until its status is want (60 s at most); returns it. */
static json_t *wait_status(const struct seller_login *l, const char *id, const char *want)
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/account/exports/%s", id);
	for (int i = 0; i < 2400; i++) {
		struct response r;
		json_t *v;
		as_seller(l, "GET", path, NULL, &r);
		assert_int_equal(r.status, 200);
		if (strcmp(str(r.json, "status"), want) == 0) {
			v = json_incref(r.json);
			response_free(&r);
			return v;
		}
		assert_string_not_equal(str(r.json, "status"), "failed");
		response_free(&r);
		usleep(25000);
	}
	fail_msg("export %s never became %s", id, want);
	return NULL;
}

/* Downloads the export into file; returns the HTTP status (200: saved). */
static long download(const struct seller_login *l, const char *id, const char *file, struct response *r)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/api/v1/account/exports/%s/download", id);
	as_seller(l, "GET", path, NULL, r);
	if (r->status == 200 && file) {
		f = fopen(file, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
		fclose(f);
	}
	return r->status;
}

/* Runs verify_export.py on the archive; extra: NULL-ended --expect triples. */
static void verify(const char *zip, const char *seller, const char *const *extra)
{
	const char *argv[64];
	char script[512];
	int n = 0, status;
	pid_t pid;

	snprintf(script, sizeof(script), "%s/verify_export.py", getenv("OB_TEST_HELPERS"));
	argv[n++] = PYTHON;
	argv[n++] = script;
	argv[n++] = zip;
	argv[n++] = "--db";
	argv[n++] = srv.db;
	argv[n++] = "--seller";
	argv[n++] = seller;
	for (; extra && *extra && n < 60; extra += 3) {
		argv[n++] = "--expect";
		argv[n++] = extra[0];
		argv[n++] = extra[1];
		argv[n++] = extra[2];
	}
	argv[n] = NULL;
	if ((pid = fork()) == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void run_jobs_at(int64_t t)
{
	char cmd[1024], when[32];

	clock_format(t, when, sizeof(when));
	snprintf(cmd, sizeof(cmd), "'%s' jobs run-due --db '%s' --data-dir '%s' --policy '%s' --now %s >/dev/null 2>&1",
		 getenv("OFFBOARD_BIN"), srv.db, data_dir, policy, when);
	assert_int_equal(system(cmd), 0);
}

/* Waits (10 s at most) for an e-mail to `to` whose text has needle; the
 * e-mails are files in DATA_DIR/mail (no SMTP server is set). When token
 * is not NULL, the closure confirmation token it carries goes there. */
static int mail_with(const char *to, const char *needle, char *token)
{
	char dir[256], path[512], line[1024];

	snprintf(dir, sizeof(dir), "%s/mail", data_dir);
	for (int tries = 0; tries < 200; tries++) {
		DIR *d = opendir(dir);
		struct dirent *e;
		int found = 0;
		while (d && !found && (e = readdir(d)) != NULL) {
			FILE *f;
			int for_us = 0, has = 0;
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if ((f = fopen(path, "r")) == NULL)
				continue;
			while (fgets(line, sizeof(line), f)) {
				char *t;
				if (strncmp(line, "To:", 3) == 0 && strstr(line, to))
					for_us = 1;
				if (strstr(line, needle))
					has = 1;
				if (token && (t = strstr(line, "#token=")) != NULL)
					snprintf(token, CRYPTO_TOKEN_LEN + 1, "%.*s", CRYPTO_TOKEN_LEN, t + 7);
			}
			fclose(f);
			found = for_us && has;
		}
		if (d)
			closedir(d);
		if (found)
			return 1;
		usleep(50000);
	}
	return 0;
}

/* 1 when the closure checklist warns no_recent_export, with its action. */
static int warns_no_export(const struct seller_login *l)
{
	struct response r;
	json_t *w, *it;
	size_t i;
	int found = 0;

	as_seller(l, "GET", "/api/v1/account/closure", NULL, &r);
	assert_int_equal(r.status, 200);
	w = json_object_get(r.json, "warnings");
	json_array_foreach(w, i, it) {
		if (strcmp(str(it, "code"), "no_recent_export") == 0) {
			assert_string_equal(str(json_object_get(it, "action"), "method"), "POST");
			assert_string_equal(str(json_object_get(it, "action"), "href"), "/api/v1/account/exports");
			found = 1;
		}
	}
	response_free(&r);
	return found;
}

/* Starts an export; its id into id. */
static long start_export(const struct seller_login *l, char *id)
{
	struct response r;
	long status;

	as_seller(l, "POST", "/api/v1/account/exports", "{}", &r);
	status = r.status;
	if (status == 200 || status == 201)
		snprintf(id, 40, "%s", str(r.json, "id"));
	response_free(&r);
	return status;
}

static int run(const char *cmd)
{
	int status = system(cmd);

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void tricky_data_round_trips(void **state)
{
	char id[40], email[96], body[2048], order[40], eid[40], again[40], zip[256], cmd[1024], loc[128];
	struct seller_login l;
	struct response r;
	json_t *e;
	long status;

	(void)state;
	seller_in("us", ",\"display_name\":\"Shop \\\"Quotes\\\", Commas & Co\",\"legal_name\":\"=cmd|' /C calc'!A0\","
		  "\"address\":\"12 Rue de l'\xc3\x89glise\\nApt 3, \\\"B\xc3\xa2timent B\\\"\",\"phone\":\"+1 555 0100\"",
		  id, email, &l);
	snprintf(first_seller, sizeof(first_seller), "%s", id);
	static const char *const titles[] = { "=HYPERLINK(\\\"http://evil.example\\\",\\\"click\\\")", "+1 phone case",
					      "-10% sale", "@SUM(A1:A2)", "Ünïcødé ☕ mug, \\\"large\\\"" };
	for (int i = 0; i < 5; i++) {
		snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"sku\":\"SKU-%d\",\"title\":\"%s\","
			 "\"price_minor\":%d,\"currency\":\"USD\"}", id, i, titles[i], 1299 + i);
		ops_make("/api/v1/ops/listings", body, NULL);
	}
	snprintf(body, sizeof(body),
		 "{\"seller_id\":\"%s\",\"status\":\"delivered\",\"total_minor\":2598,\"currency\":\"USD\","
		 "\"buyer_name\":\"Zo\xc3\xab \xf0\x9f\x98\x80 M\xc3\xbcller\",\"ship_address\":\"1 Main St,\\nApt \\\"2\\\"\\r\\nSpringfield\","
		 "\"items\":[{\"sku\":\"SKU-4\",\"title\":\"Mug, \\\"large\\\"\",\"quantity\":2,\"unit_price_minor\":1299}]}", id);
	ops_make("/api/v1/ops/orders", body, order);
	snprintf(body, sizeof(body),
		 "{\"seller_id\":\"%s\",\"status\":\"unshipped\",\"total_minor\":100,\"currency\":\"USD\","
		 "\"buyer_name\":\"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd7\xa2\xd7\x95\xd7\x9c\xd7\x9d\",\"ship_address\":\"\\tTabbed Road 5\","
		 "\"items\":[{\"sku\":\"A\",\"title\":\"\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7\",\"quantity\":1,\"unit_price_minor\":60},"
		 "{\"sku\":\"B\",\"title\":\"-minus first\",\"quantity\":1,\"unit_price_minor\":40}]}", id);
	ops_make("/api/v1/ops/orders", body, NULL);
	snprintf(body, sizeof(body),
		 "{\"seller_id\":\"%s\",\"status\":\"pending\",\"total_minor\":5,\"currency\":\"USD\","
		 "\"buyer_name\":\"-5 dollars\",\"ship_address\":\"@home\"}", id);
	ops_make("/api/v1/ops/orders", body, NULL);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"order_id\":\"%s\",\"kind\":\"chargeback\","
		 "\"amount_minor\":500,\"currency\":\"USD\"}", id, order);
	ops_make("/api/v1/ops/disputes", body, NULL);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"type\":\"sale\",\"amount_minor\":2598,\"currency\":\"USD\","
		 "\"order_id\":\"%s\",\"memo\":\"sale, \\\"first\\\"\"}", id, order);
	ops_make("/api/v1/ops/ledger", body, NULL);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"type\":\"fee\",\"amount_minor\":300,\"currency\":\"USD\","
		 "\"memo\":\"=2+3\"}", id);
	ops_make("/api/v1/ops/ledger", body, NULL);
	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"type\":\"adjustment\",\"amount_minor\":-150,\"currency\":\"USD\","
		 "\"memo\":\"-1.50 correction\"}", id);
	ops_make("/api/v1/ops/ledger", body, NULL);

	/* the checklist asks for a backup first */
	assert_true(warns_no_export(&l));

	as_seller(&l, "POST", "/api/v1/account/exports", "{}", &r);
	assert_int_equal(r.status, 201);
	snprintf(eid, sizeof(eid), "%s", str(r.json, "id"));
	snprintf(first_export, sizeof(first_export), "%s", eid);
	snprintf(loc, sizeof(loc), "/api/v1/account/exports/%s", eid);
	assert_non_null(response_header(&r, "Location", body, sizeof(body)));
	assert_string_equal(body, loc);
	assert_true(json_is_integer(json_object_get(r.json, "percent")));
	assert_true(json_is_null(json_object_get(r.json, "download")));
	response_free(&r);
	/* asked again at once: the same export while it runs; a new one only
	 * if the first is already done */
	status = start_export(&l, again);
	if (status == 200) {
		assert_string_equal(again, eid);
	} else {
		assert_int_equal(status, 201);
		json_decref(wait_status(&l, eid, "ready"));
		snprintf(eid, sizeof(eid), "%s", again);
	}

	e = wait_status(&l, eid, "ready");
	assert_int_equal(num(e, "percent"), 100);
	assert_true(num(e, "done") > 0);
	assert_int_equal(num(e, "done"), num(e, "total"));
	assert_true(num(e, "size_bytes") > 0);
	assert_non_null(str(e, "expires_at"));
	assert_string_equal(str(json_object_get(e, "download"), "method"), "GET");

	snprintf(zip, sizeof(zip), "%s/api.zip", srv.dir);
	assert_int_equal(download(&l, eid, zip, &r), 200);
	assert_int_equal((json_int_t)r.len, num(e, "size_bytes"));
	assert_non_null(response_header(&r, "Content-Type", body, sizeof(body)));
	assert_string_equal(body, "application/zip");
	assert_non_null(response_header(&r, "Content-Disposition", body, sizeof(body)));
	assert_non_null(strstr(body, "attachment; filename=\"offboard-export-"));
	response_free(&r);
	json_decref(e);
	{
		const char *expect[] = {
			"orders.jsonl", "buyer_name", "Zo\xc3\xab \xf0\x9f\x98\x80 M\xc3\xbcller",
			"orders.csv", "buyer_name", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd7\xa2\xd7\x95\xd7\x9c\xd7\x9d",
			"orders.csv", "buyer_name", "-5 dollars",
			"orders.csv", "ship_address", "1 Main St,\nApt \"2\"\r\nSpringfield",
			"orders.csv", "ship_address", "\tTabbed Road 5",
			"orders.csv", "ship_address", "@home",
			"listings.csv", "title", "=HYPERLINK(\"http://evil.example\",\"click\")",
			"listings.csv", "title", "+1 phone case",
			"listings.jsonl", "title", "Ünïcødé ☕ mug, \"large\"",
			"order_items.csv", "title", "Mug, \"large\"",
			"order_items.csv", "title", "-minus first",
			"order_items.jsonl", "line_total", "25.98",
			"ledger.csv", "memo", "=2+3",
			"ledger.csv", "amount", "-1.50",
			"fees.csv", "memo", "=2+3",
			"disputes.jsonl", "kind", "chargeback",
			"audit.jsonl", "action", "export.requested",
			NULL,
		};
		verify(zip, id, expect);
	}
	/* the seller is told, and the checklist is satisfied */
	assert_true(mail_with(email, eid, NULL));
	assert_false(warns_no_export(&l));

	/* the operator's CLI writes the same kind of archive */
	snprintf(zip, sizeof(zip), "%s/cli.zip", srv.dir);
	snprintf(cmd, sizeof(cmd), "'%s' export --db '%s' --data-dir '%s' --seller %s --out '%s' >/dev/null 2>&1",
		 getenv("OFFBOARD_BIN"), srv.db, data_dir, id, zip);
	assert_int_equal(run(cmd), 0);
	verify(zip, id, NULL);
	snprintf(cmd, sizeof(cmd), "'%s' export --db '%s' --data-dir '%s' --seller sel_nobody --out '%s/x.zip' >/dev/null 2>&1",
		 getenv("OFFBOARD_BIN"), srv.db, data_dir, srv.dir);
	assert_int_equal(run(cmd), 1);
	snprintf(cmd, sizeof(cmd), "'%s' export --db '%s' --seller %s >/dev/null 2>&1", getenv("OFFBOARD_BIN"),
		 srv.db, id);
	assert_int_equal(run(cmd), 2);
	snprintf(zip, sizeof(zip), "%s/x.zip", srv.dir);
	assert_int_equal(access(zip, F_OK), -1);
}

static void another_sellers_export_is_not_found(void **state)
{
	char id[40], email[96], path[128];
	struct seller_login l;
	struct response r;

	(void)state;
	assert_true(first_export[0] != '\0');
	seller_in("us", NULL, id, email, &l);
	snprintf(path, sizeof(path), "/api/v1/account/exports/%s", first_export);
	as_seller(&l, "GET", path, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(error_code(&r), "not_found");
	assert_null(strstr(r.body, first_seller));
	response_free(&r);
	assert_int_equal(download(&l, first_export, NULL, &r), 404);
	response_free(&r);
	as_seller(&l, "DELETE", path, NULL, &r);
	assert_int_equal(r.status, 404);
	response_free(&r);
	as_seller(&l, "GET", "/api/v1/account/exports/exp_nothere", NULL, &r);
	assert_int_equal(r.status, 404);
	response_free(&r);
	as_seller(&l, "GET", "/api/v1/account/exports/exp%2F..%2Fx/download", NULL, &r);
	assert_int_equal(r.status, 404);
	response_free(&r);
	/* no session, no export */
	http(&srv, "GET", path, NULL, NULL, 0, &r);
	assert_int_equal(r.status, 401);
	response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/account/exports/%s/download", first_export);
	http(&srv, "GET", path, NULL, NULL, 0, &r);
	assert_int_equal(r.status, 401);
	response_free(&r);
}

static void deleted_and_expired_exports_are_gone(void **state)
{
	char id[40], email[96], eid[40], path[256];
	struct seller_login l;
	struct response r;
	struct stat sb;
	json_t *e;
	int64_t expires;

	(void)state;
	seller_in("us", NULL, id, email, &l);
	assert_int_equal(start_export(&l, eid), 201);
	json_decref(wait_status(&l, eid, "ready"));
	export_path_of(eid, path, sizeof(path));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/exports", data_dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);

	snprintf(path, sizeof(path), "/api/v1/account/exports/%s", eid);
	as_seller(&l, "DELETE", path, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(str(r.json, "status"), "deleted");
	response_free(&r);
	assert_int_equal(download(&l, eid, NULL, &r), 410);
	assert_string_equal(error_code(&r), "export_deleted");
	response_free(&r);
	as_seller(&l, "DELETE", path, NULL, &r);
	assert_int_equal(r.status, 410);
	response_free(&r);
	export_path_of(eid, path, sizeof(path));
	assert_int_equal(stat(path, &sb), -1);

	/* a new one, left to expire */
	assert_int_equal(start_export(&l, eid), 201);
	e = wait_status(&l, eid, "ready");
	assert_int_equal(clock_parse(str(e, "expires_at"), &expires), 0);
	assert_true(expires >= time(NULL) + 7 * 86400 - 120);
	json_decref(e);
	run_jobs_at(expires - 60);
	assert_int_equal(download(&l, eid, NULL, &r), 200);
	response_free(&r);
	run_jobs_at(expires + 1);
	assert_int_equal(download(&l, eid, NULL, &r), 410);
	assert_string_equal(error_code(&r), "export_expired");
	response_free(&r);
	e = wait_status(&l, eid, "expired");
	assert_true(json_is_null(json_object_get(e, "download")));
	json_decref(e);
	export_path_of(eid, path, sizeof(path));
	assert_int_equal(stat(path, &sb), -1);
	/* and a new export may start */
	assert_int_equal(start_export(&l, eid), 201);
	json_decref(wait_status(&l, eid, "ready"));
}

static void closed_account_exports_until_erased(void **state)
{
	char id[40], email[96], token[CRYPTO_TOKEN_LEN + 1] = "", body[128], eid[40], zip[256], path[128];
	struct seller_login l, h;
	struct response r;
	struct store *st;
	struct ob_err err;

	(void)state;
	seller_in("brief", NULL, id, email, &l);
	as_seller(&l, "POST", "/api/v1/account/closure",
		  "{\"reason\":\"other\",\"acknowledge\":true,\"password\":\"correct horse\"}", &r);
	assert_int_equal(r.status, 202);
	response_free(&r);
	assert_true(mail_with(email, "#token=", token));
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", token);
	as_seller(&l, "POST", "/api/v1/account/closure/confirm", body, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	run_jobs_at(time(NULL) + 5);   /* no grace period: closed */

	assert_int_equal(seller_sign_in(&srv, email, "correct horse", NULL, &h), 201);
	as_seller(&h, "GET", "/api/v1/account", NULL, &r);
	assert_string_equal(str(r.json, "status"), "closed");
	response_free(&r);
	/* the history session may start and download an export, not delete it */
	assert_int_equal(start_export(&h, eid), 201);
	json_decref(wait_status(&h, eid, "ready"));
	snprintf(zip, sizeof(zip), "%s/closed.zip", srv.dir);
	assert_int_equal(download(&h, eid, zip, &r), 200);
	response_free(&r);
	{
		const char *expect[] = { "closures.csv", "status", "closed", "closures.jsonl", "reason", "other", NULL };
		verify(zip, id, expect);
	}
	snprintf(path, sizeof(path), "/api/v1/account/exports/%s", eid);
	as_seller(&h, "DELETE", path, NULL, &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(error_code(&r), "account_closed");
	response_free(&r);

	/* erased: as if it never existed */
	assert_int_equal(store_open(srv.db, &st, &err), OB_OK);
	assert_int_equal(store_seller_set_status(st, id, SELLER_PURGED, time(NULL), &err), OB_OK);
	store_close(st);
	as_seller(&h, "GET", path, NULL, &r);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(download(&h, eid, NULL, &r), 404);
	response_free(&r);
	as_seller(&h, "POST", "/api/v1/account/exports", "{}", &r);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

/* Starts the server of s again on its database, after a crash. */
static void respawn(struct server *s)
{
	const char *argv[32];
	char line[256], log[128];
	int out[2], n = 0;
	FILE *f;

	snprintf(log, sizeof(log), "%s/server.log", s->dir);
	argv[n++] = getenv("OFFBOARD_BIN");
	argv[n++] = "serve";
	argv[n++] = "--db";
	argv[n++] = s->db;
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = "--threads";
	argv[n++] = "2";
	for (const char *const *x = flags; *x; x++)
		argv[n++] = *x;
	argv[n] = NULL;
	assert_int_equal(pipe(out), 0);
	if ((s->pid = fork()) == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(out[1], 1);
		if (fd >= 0)
			dup2(fd, 2);
		close(out[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	f = fdopen(out[0], "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(sscanf(line, "listening on %63s", s->base), 1);
	fclose(f);
}

static void killed_mid_export_resumes_after_restart(void **state)
{
	char cmd[1024], line[512], id[40] = "", email[128] = "", password[64] = "", eid[40], zip[256], path[256];
	const char *which = getenv("OFFBOARD_TEST_DB");
	struct seller_login l;
	struct response r;
	struct stat sb;
	json_t *e;
	FILE *p;
	int seen = 0;

	(void)state;
	/* enough orders that the export runs for a while (PostgreSQL's gen is slower) */
	snprintf(cmd, sizeof(cmd), "'%s' gen --db '%s' --data-dir '%s' --sellers 1 --orders-per-seller %d 2>/dev/null",
		 getenv("OFFBOARD_BIN"), srv.db, data_dir, which && strcmp(which, "pg") == 0 ? 60000 : 200000);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	assert_int_equal(sscanf(line, "%39[^\t]\t%127[^\t]\t%63[^\t]", id, email, password), 3);
	assert_int_equal(seller_sign_in(&srv, email, password, NULL, &l), 201);

	assert_int_equal(start_export(&l, eid), 201);
	snprintf(path, sizeof(path), "/api/v1/account/exports/%s", eid);
	for (int i = 0; i < 20000 && !seen; i++) {
		as_seller(&l, "GET", path, NULL, &r);
		assert_int_equal(r.status, 200);
		assert_string_not_equal(str(r.json, "status"), "ready");   /* too quick to crash */
		seen = strcmp(str(r.json, "status"), "running") == 0 && num(r.json, "done") > 0;
		response_free(&r);
		if (!seen)
			usleep(3000);
	}
	assert_true(seen);
	/* not ready: nothing to download yet */
	assert_int_equal(download(&l, eid, NULL, &r), 409);
	assert_string_equal(error_code(&r), "export_not_ready");
	response_free(&r);

	/* the server dies in the middle of the export */
	kill(srv.pid, SIGKILL);
	waitpid(srv.pid, NULL, 0);
	export_path_of(eid, zip, sizeof(zip));
	assert_int_equal(stat(zip, &sb), -1);   /* no partial file under the export's name */

	respawn(&srv);
	assert_int_equal(download(&l, eid, NULL, &r), 409);
	response_free(&r);
	/* the restarted server takes the job over when the dead one's lease
	 * ends (--job-lease 5) and builds the export again */
	e = wait_status(&l, eid, "ready");
	assert_int_equal(num(e, "attempts"), 2);
	assert_int_equal(num(e, "done"), num(e, "total"));
	json_decref(e);
	snprintf(zip, sizeof(zip), "%s/crash.zip", srv.dir);
	assert_int_equal(download(&l, eid, zip, &r), 200);
	response_free(&r);
	verify(zip, id, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tricky_data_round_trips),
		cmocka_unit_test(another_sellers_export_is_not_found),
		cmocka_unit_test(deleted_and_expired_exports_are_gone),
		cmocka_unit_test(closed_account_exports_until_erased),
		cmocka_unit_test(killed_mid_export_resumes_after_restart),
	};
	int rc;

	if (crypto_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_ALL);
	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	curl_global_cleanup();
	return rc;
}
