/* Two `offboard serve` processes on one database, as behind a load
 * balancer: requests of one seller land on either, sessions work on both,
 * and both run background jobs.
 *
 *  - 1,000 e-mail jobs while one process is killed with SIGKILL halfway,
 *    in the middle of a job: every job ends done once, the job the dead
 *    process held is taken over when its lease (--job-lease 5) ends, and
 *    the SMTP server receives every message once (the held one at most
 *    twice: a crash between sending and recording is the one repeat the
 *    design allows, at-least-once).
 *  - The order-versus-confirmation race with the two sides in different
 *    processes: exactly one wins, every round.
 *  - Parallel withdrawals split across both processes, each Idempotency-Key
 *    sent to both: never more paid out than was available, one payout per
 *    key.
 *
 * Each test starts its own pair (and SMTP server); stopping the survivors
 * runs `offboard check` on the database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "peers.h"
#include "../testpg.h"

#include "core/crypto.h"
#include "domain/jobs.h"
#include "domain/notify.h"
#include "store/store.h"

#include <curl/curl.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define JOBS 1000
#define RACE_ROUNDS 20
#define WITHDRAW_ROUNDS 20
#define WITHDRAW_KEYS 8          /* each sent to both processes */
#define LEASE "5"                /* seconds: --job-lease of both processes */

/* The pair: a and b on a's database, one SMTP server for both; each
 * process sends from its own address, so every received message says
 * which process sent it. */
static struct server a, b;
static char mailbox[64], smtp_url[64];
static pid_t smtp_pid;
static int seq;

static int pair_setup(void **state)
{
	const char *fa[] = { "--smtp", smtp_url, "--mail-from", "a@a.test", "--job-lease", LEASE, NULL };
	const char *fb[] = { "--smtp", smtp_url, "--mail-from", "b@b.test", "--job-lease", LEASE, NULL };
	struct response r;
	int port = 0;

	(void)state;
	snprintf(mailbox, sizeof(mailbox), "/tmp/offboard-mp-XXXXXX");
	if (mkdtemp(mailbox) == NULL)
		return -1;
	smtp_pid = peer_start("smtp_sink.py", mailbox, NULL, &port);
	snprintf(smtp_url, sizeof(smtp_url), "smtp://127.0.0.1:%d", port);
	server_start(&a, fa);
	server_start_on(&b, a.db, fb);
	ops_post(&a, "/api/v1/ops/marketplaces", "{\"id\":\"us\",\"name\":\"US\",\"currency\":\"USD\"}", &r);
	port = r.status == 201 ? 0 : -1;
	response_free(&r);
	return port;
}

static int pair_teardown(void **state)
{
	char cmd[160];
	int rc = 0;

	(void)state;
	if (b.pid > 0) {
		kill(b.pid, SIGCONT);   /* a failed test may leave it stopped */
		rc |= server_stop(&b);
	} else {
		/* killed: its folder (log) is left to remove */
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", b.dir);
	}
	rc |= server_stop(&a);
	peer_stop(smtp_pid);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", mailbox);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", mailbox);
	return rc;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t minor(const json_t *money)
{
	return json_integer_value(json_object_get(money, "amount_minor"));
}

static void as_seller(const struct server *s, const struct seller_login *l, const char *method,
		      const char *path, const char *json, const char *extra, struct response *r)
{
	const char *h[] = { l->cookie, l->csrf, extra, NULL };

	if (json)
		http_json(s, method, path, h, json, r);
	else
		http(s, method, path, h, NULL, 0, r);
}

/* A seller made through process s, with a bank account, signed in on
 * process t (its session then works on both). */
static void new_seller(const struct server *s, const struct server *t, char *id, char *email,
		       struct seller_login *l)
{
	char body[512];
	struct response r;

	snprintf(email, 96, "mp-%d-%d@shop.example", (int)getpid(), ++seq);
	snprintf(body, sizeof(body),
		 "{\"email\":\"%s\",\"password\":\"correct horse\",\"display_name\":\"Shop\",\"marketplace\":\"us\","
		 "\"bank_account\":{\"holder\":\"Ann\",\"iban\":\"DE89370400440532013000\"}}", email);
	ops_post(s, "/api/v1/ops/sellers", body, &r);
	assert_int_equal(r.status, 201);
	snprintf(id, 40, "%s", str(r.json, "id"));
	response_free(&r);
	assert_int_equal(seller_sign_in(t, email, "correct horse", NULL, l), 201);
}

/* --- the SMTP server's mailbox --- */

/* Calls fn for every message received so far (its .json, which the sink
 * writes last); returns how many there were. */
static int mailbox_scan(void (*fn)(const json_t *msg, void *arg), void *arg)
{
	DIR *d = opendir(mailbox);
	struct dirent *e;
	char path[128];
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		json_t *msg;
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		n++;
		if (fn == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", mailbox, e->d_name);
		msg = json_load_file(path, 0, NULL);
		assert_non_null(msg);
		fn(msg, arg);
		json_decref(msg);
	}
	closedir(d);
	return n;
}

struct token_search {
	const char *to;
	char token[64];
};

static void token_of(const json_t *msg, void *arg)
{
	struct token_search *t = arg;
	const char *to = str(msg, "to"), *body = str(msg, "body"), *p;

	if (to && strstr(to, t->to) && body && (p = strstr(body, "#token=")) != NULL)
		snprintf(t->token, sizeof(t->token), "%.*s", CRYPTO_TOKEN_LEN, p + 7);
}

/* The confirmation token e-mailed to `to` (whichever process sent it). */
static void mail_token(const char *to, char *token, size_t cap)
{
	struct token_search t = { .to = to };

	for (int tries = 0; tries < 300 && t.token[0] == '\0'; tries++) {
		mailbox_scan(token_of, &t);
		if (t.token[0] == '\0')
			usleep(100000);
	}
	assert_int_equal(strlen(t.token), CRYPTO_TOKEN_LEN);
	snprintf(token, cap, "%s", t.token);
}

/* --- 1,000 jobs, one process killed --- */

struct outbox {
	char (*ids)[ID_MAX];        /* the e-mails queued, sorted */
	int n;
	int copies[JOBS];           /* messages received per e-mail */
	int from_a, from_b, strangers;
};

static int id_cmp(const void *x, const void *y)
{
	return strcmp(x, y);
}

static int outbox_find(const struct outbox *o, const char *id)
{
	const char (*hit)[ID_MAX] = bsearch(id, o->ids, (size_t)o->n, ID_MAX, id_cmp);

	return hit ? (int)(hit - o->ids) : -1;
}

/* Counts a received message: Message-ID is <EMAIL_ID@sender domain>. */
static void count_message(const json_t *msg, void *arg)
{
	struct outbox *o = arg;
	const char *mid = str(msg, "message_id"), *from = str(msg, "mail_from");
	char id[ID_MAX] = "";
	int i;

	if (mid && mid[0] == '<')
		snprintf(id, sizeof(id), "%.*s", (int)strcspn(mid + 1, "@"), mid + 1);
	if ((i = outbox_find(o, id)) < 0) {
		o->strangers++;
		return;
	}
	o->copies[i]++;
	if (from && strcmp(from, "a@a.test") == 0)
		o->from_a++;
	else if (from && strcmp(from, "b@b.test") == 0)
		o->from_b++;
	else
		o->strangers++;
}

/* The ids of the seller's e-mails, newest first, into o (sorted after). */
static void outbox_load(struct store *st, const char *seller_id, struct outbox *o)
{
	struct email *page = calloc(100, sizeof(*page));
	struct ob_err err;
	size_t n = 0;

	assert_non_null(page);
	o->n = 0;
	do {
		const struct email *last = o->n ? &page[n - 1] : NULL;
		int64_t after_time = last ? last->created_at : 0;
		char after_id[ID_MAX] = "";
		if (last)
			snprintf(after_id, sizeof(after_id), "%s", last->id);
		assert_int_equal(store_emails_list(st, seller_id, after_time, last ? after_id : NULL, page,
						   100, &n, &err), OB_OK);
		for (size_t i = 0; i < n && o->n < JOBS; i++)
			snprintf(o->ids[o->n++], ID_MAX, "%s", page[i].id);
	} while (n == 100 && o->n < JOBS);
	free(page);
	qsort(o->ids, (size_t)o->n, ID_MAX, id_cmp);
}

/* The job of e-mail id. */
static void email_job(struct store *st, const char *id, struct job *j)
{
	struct ob_err err;
	char key[64];

	snprintf(key, sizeof(key), "email:%s", id);
	assert_int_equal(store_job_get(st, key, j, &err), OB_OK);
}

/* The e-mail whose job process pid holds now, into held; 0 when none. */
static int held_by(struct store *st, const struct outbox *o, pid_t pid, char *held)
{
	char suffix[24];
	size_t sl = (size_t)snprintf(suffix, sizeof(suffix), ":%ld", (long)pid);

	for (int i = 0; i < o->n; i++) {
		struct job j;
		size_t ol;
		email_job(st, o->ids[i], &j);
		ol = strlen(j.lease_owner);
		if (j.status == JOB_RUNNING && ol > sl && strcmp(j.lease_owner + ol - sl, suffix) == 0) {
			snprintf(held, ID_MAX, "%s", o->ids[i]);
			return 1;
		}
	}
	return 0;
}

static void jobs_run_once_though_a_process_dies(void **state)
{
	struct outbox o = { 0 };
	struct store *st = NULL;
	struct ob_err err;
	struct seller_login l;
	char seller_id[40], email[96], held[ID_MAX] = "", subject[64], body[128];
	int sent_at_kill = 0, done = 0, status = 0, i, dup = -1;
	time_t deadline;

	(void)state;
	o.ids = calloc(JOBS, ID_MAX);
	assert_non_null(o.ids);
	new_seller(&a, &b, seller_id, email, &l);

	/* 1,000 e-mails queued the way the program queues them
	 * (notify_email), by this test on the same database, in one write
	 * transaction. It commits after both job runners have polled once
	 * more (each polls every second), so both are waiting for the write
	 * lock and start on the jobs together. */
	assert_int_equal(store_open(a.db, &st, &err), OB_OK);
	assert_int_equal(store_begin(st, 1, &err), OB_OK);
	for (i = 0; i < JOBS; i++) {
		snprintf(subject, sizeof(subject), "Message %d of %d", i + 1, JOBS);
		snprintf(body, sizeof(body), "This is message %d.\n", i + 1);
		assert_int_equal(notify_email(st, seller_id, subject, body, &err), OB_OK);
	}
	usleep(1200000);
	assert_int_equal(store_commit(st, &err), OB_OK);
	outbox_load(st, seller_id, &o);
	assert_int_equal(o.n, JOBS);

	/* Halfway, b is stopped until it holds a job, then killed: its job
	 * is left running under its lease. */
	for (deadline = time(NULL) + 120; mailbox_scan(NULL, NULL) < JOBS / 2; usleep(1000))
		assert_true(time(NULL) < deadline);
	for (int tries = 0; held[0] == '\0'; tries++) {
		assert_true(tries < 1000);
		assert_int_equal(kill(b.pid, SIGSTOP), 0);
		if (held_by(st, &o, b.pid, held))
			break;
		kill(b.pid, SIGCONT);
		usleep(2000);
	}
	assert_int_equal(kill(b.pid, SIGKILL), 0);
	assert_int_equal(waitpid(b.pid, &status, 0), b.pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	b.pid = 0;
	sent_at_kill = mailbox_scan(NULL, NULL);
	assert_true(sent_at_kill < JOBS);

	/* a alone finishes, the dead process's job included once its lease
	 * ends */
	for (deadline = time(NULL) + 120; done < JOBS; usleep(100000)) {
		assert_true(time(NULL) < deadline);
		done = 0;
		for (i = 0; i < o.n; i++) {
			struct job j;
			email_job(st, o.ids[i], &j);
			done += j.status == JOB_DONE;
		}
	}

	/* each job ran once, the held one twice (its first run died) */
	for (i = 0; i < o.n; i++) {
		struct job j;
		struct email e;
		int is_held = strcmp(o.ids[i], held) == 0;
		email_job(st, o.ids[i], &j);
		assert_int_equal(j.attempts, is_held ? 2 : 1);
		assert_string_equal(j.last_error, "");
		assert_int_equal(store_email_get(st, o.ids[i], &e, &err), OB_OK);
		assert_int_equal(e.status, EMAIL_SENT);
		if (!is_held)
			assert_int_equal(e.attempts, 1);
	}

	/* each message arrived once; the held one at most twice */
	mailbox_scan(count_message, &o);
	assert_int_equal(o.strangers, 0);
	for (i = 0; i < o.n; i++) {
		if (strcmp(o.ids[i], held) == 0) {
			assert_in_range(o.copies[i], 1, 2);
			dup = o.copies[i] - 1;
		} else {
			assert_int_equal(o.copies[i], 1);
		}
	}
	assert_int_equal(o.from_a + o.from_b, JOBS + dup);
	/* both did part of the work; b nothing after its death */
	assert_true(o.from_b > 0 && o.from_b <= sent_at_kill);
	assert_true(o.from_a > 0);
	fprintf(stderr, "jobs: %d e-mails; b killed after %d were sent (b sent %d), a sent %d;"
		" the job b held was taken over after the lease (message %s)\n",
		JOBS, sent_at_kill, o.from_b, o.from_a, dup ? "sent twice" : "sent once");
	store_close(st);
	free(o.ids);
}

/* --- the order-versus-confirmation race --- */

struct racer {
	const struct server *s;
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
	as_seller(x->s, x->l, "POST", "/api/v1/account/closure/confirm", body, NULL, &r);
	x->status = r.status;
	response_free(&r);
	return NULL;
}

static void *order_side(void *arg)
{
	struct racer *x = arg;
	char body[256];
	struct response r;

	snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"status\":\"unshipped\",\"total_minor\":100,"
		 "\"currency\":\"USD\",\"buyer_name\":\"B\",\"ship_address\":\"A\"}", x->seller_id);
	ops_post(x->s, "/api/v1/ops/orders", body, &r);
	x->status = r.status;
	response_free(&r);
	return NULL;
}

static void order_versus_confirmation_across_processes(void **state)
{
	static struct seller_login l[RACE_ROUNDS];
	static char id[RACE_ROUNDS][40], email[RACE_ROUNDS][96], token[RACE_ROUNDS][64];
	int confirmed = 0, ordered = 0;

	(void)state;
	/* every seller asks to close (through either process); the links
	 * arrive by e-mail from either job runner */
	for (int i = 0; i < RACE_ROUNDS; i++) {
		struct response r;
		new_seller(i % 2 ? &b : &a, i % 2 ? &a : &b, id[i], email[i], &l[i]);
		as_seller(i % 2 ? &a : &b, &l[i], "POST", "/api/v1/account/closure",
			  "{\"reason\":\"other\",\"acknowledge\":true,\"password\":\"correct horse\"}", NULL, &r);
		assert_int_equal(r.status, 202);
		response_free(&r);
	}
	for (int i = 0; i < RACE_ROUNDS; i++)
		mail_token(email[i], token[i], sizeof(token[i]));

	for (int i = 0; i < RACE_ROUNDS; i++) {
		/* the confirmation to a and the order to b, then the other way */
		const struct server *cs = i % 2 ? &b : &a, *os = i % 2 ? &a : &b;
		struct racer c = { .s = cs, .l = &l[i], .token = token[i] };
		struct racer o = { .s = os, .seller_id = id[i] };
		struct response r;
		pthread_t tc, to;

		assert_int_equal(pthread_create(&tc, NULL, confirm_side, &c), 0);
		assert_int_equal(pthread_create(&to, NULL, order_side, &o), 0);
		pthread_join(tc, NULL);
		pthread_join(to, NULL);
		/* exactly one side wins, and both processes agree which */
		if (c.status == 200) {
			assert_int_equal(o.status, 409);
			confirmed++;
		} else {
			assert_int_equal(c.status, 409);
			assert_int_equal(o.status, 201);
			ordered++;
		}
		as_seller(os, &l[i], "GET", "/api/v1/account", NULL, NULL, &r);
		assert_string_equal(str(r.json, "status"), c.status == 200 ? "closing" : "closure_requested");
		response_free(&r);
		as_seller(cs, &l[i], "GET", "/api/v1/orders", NULL, NULL, &r);
		assert_int_equal(json_array_size(json_object_get(r.json, "items")), c.status == 200 ? 0 : 1);
		response_free(&r);
	}
	fprintf(stderr, "race across processes: %d rounds, %d confirmations won, %d orders won\n",
		RACE_ROUNDS, confirmed, ordered);
}

/* --- parallel withdrawals --- */

struct withdrawal {
	const struct server *s;
	const struct seller_login *l;
	char key[80];
	char body[128];
	long status;
	char code[40];
	char payout[40];
	int replayed;
};

static void *withdraw(void *arg)
{
	struct withdrawal *w = arg;
	struct response r;
	char replayed[16];

	as_seller(w->s, w->l, "POST", "/api/v1/payouts", w->body, w->key, &r);
	w->status = r.status;
	snprintf(w->code, sizeof(w->code), "%s", error_code(&r));
	if (r.status == 201)
		snprintf(w->payout, sizeof(w->payout), "%s", str(r.json, "id"));
	w->replayed = response_header(&r, "Idempotent-Replayed", replayed, sizeof(replayed)) != NULL;
	response_free(&r);
	return NULL;
}

static void withdrawals_across_processes(void **state)
{
	const int64_t funds = 10000;
	int64_t paid_total = 0;

	(void)state;
	for (int round = 0; round < WITHDRAW_ROUNDS; round++) {
		/* 1000 .. 2000: 8 keys may fit (1000, 1250: all of it), or not */
		const int64_t amount = 1000 + 250 * (round % 5);
		const int64_t fits = funds / amount < WITHDRAW_KEYS ? funds / amount : WITHDRAW_KEYS;
		struct withdrawal w[2 * WITHDRAW_KEYS];
		pthread_t t[2 * WITHDRAW_KEYS];
		struct seller_login l;
		struct response r;
		char id[40], email[96], body[256];
		int created = 0;

		new_seller(&a, &b, id, email, &l);
		snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",\"type\":\"adjustment\",\"amount_minor\":%lld,"
			 "\"currency\":\"USD\"}", id, (long long)funds);
		ops_post(&b, "/api/v1/ops/ledger", body, &r);
		assert_int_equal(r.status, 201);
		response_free(&r);

		/* each key once to a and once to b, all at the same time */
		for (int k = 0; k < 2 * WITHDRAW_KEYS; k++) {
			w[k] = (struct withdrawal){ .s = k % 2 ? &b : &a, .l = &l };
			snprintf(w[k].key, sizeof(w[k].key), "Idempotency-Key: w-%d-%d-%d", (int)getpid(), round,
				 k / 2);
			snprintf(w[k].body, sizeof(w[k].body),
				 "{\"amount\":{\"amount_minor\":%lld,\"currency\":\"USD\"}}", (long long)amount);
		}
		for (int k = 0; k < 2 * WITHDRAW_KEYS; k++)
			assert_int_equal(pthread_create(&t[k], NULL, withdraw, &w[k]), 0);
		for (int k = 0; k < 2 * WITHDRAW_KEYS; k++)
			pthread_join(t[k], NULL);

		/* a key has one outcome on both processes: one payout (the
		 * second answer a replay of the first), or too little left */
		for (int k = 0; k < 2 * WITHDRAW_KEYS; k += 2) {
			assert_int_equal(w[k].status, w[k + 1].status);
			if (w[k].status == 201) {
				assert_string_equal(w[k].payout, w[k + 1].payout);
				assert_int_equal(w[k].replayed + w[k + 1].replayed, 1);
				created++;
			} else {
				assert_int_equal(w[k].status, 409);
				assert_string_equal(w[k].code, "insufficient_funds");
				assert_string_equal(w[k + 1].code, "insufficient_funds");
			}
		}
		/* as many as fit were paid, never more */
		assert_int_equal(created, fits);
		as_seller(&b, &l, "GET", "/api/v1/account/balance", NULL, NULL, &r);
		assert_int_equal(r.status, 200);
		assert_int_equal(minor(json_object_get(r.json, "available")), funds - created * amount);
		assert_int_equal(minor(json_object_get(r.json, "in_flight")), created * amount);
		assert_true(minor(json_object_get(r.json, "available")) >= 0);
		response_free(&r);
		as_seller(&a, &l, "GET", "/api/v1/payouts", NULL, NULL, &r);
		assert_int_equal(json_array_size(json_object_get(r.json, "items")), created);
		response_free(&r);
		paid_total += created * amount;
	}
	fprintf(stderr, "withdrawals across processes: %d rounds of %d keys on both processes,"
		" %lld of %lld paid out\n", WITHDRAW_ROUNDS, WITHDRAW_KEYS, (long long)paid_total,
		(long long)funds * WITHDRAW_ROUNDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(order_versus_confirmation_across_processes, pair_setup,
						pair_teardown),
		cmocka_unit_test_setup_teardown(withdrawals_across_processes, pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(jobs_run_once_though_a_process_dies, pair_setup,
						pair_teardown),
	};
	int rc;

	/* skipped without a PostgreSQL server: before any helper starts */
	testpg_on();
	if (crypto_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_ALL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
