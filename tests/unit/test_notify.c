/* Notifications: e-mails and webhook events queued in the caller's
 * transaction and delivered by jobs to real peers started here: an SMTP
 * server (aiosmtpd) and a webhook receiver that checks the signatures on its
 * own (tests/integration/peers.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts.h"
#include "../integration/peers.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "domain/jobs.h"
#include "domain/notify.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define T0 1767225600          /* 2026-01-01T00:00:00Z */
#define SECRET "whsec-test-0123456789abcdef"

static struct {
	char dir[64];              /* everything of this run */
	char mailbox[96];          /* the SMTP server's messages */
	char hooklog[96];          /* the receiver's log */
	char smtp_url[64];
	char hook_base[64];        /* http://127.0.0.1:PORT */
	pid_t smtp_pid, hook_pid;
} peers;

static int group_setup(void **state)
{
	int port;

	(void)state;
	if (crypto_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	snprintf(peers.dir, sizeof(peers.dir), "/tmp/offboard-notify-XXXXXX");
	if (mkdtemp(peers.dir) == NULL)
		return -1;
	snprintf(peers.mailbox, sizeof(peers.mailbox), "%s/mailbox", peers.dir);
	snprintf(peers.hooklog, sizeof(peers.hooklog), "%s/hooks.jsonl", peers.dir);
	if (mkdir(peers.mailbox, 0700) < 0)
		return -1;
	peers.smtp_pid = peer_start("smtp_sink.py", peers.mailbox, NULL, &port);
	snprintf(peers.smtp_url, sizeof(peers.smtp_url), "smtp://127.0.0.1:%d", port);
	peers.hook_pid = peer_start("webhook_sink.py", peers.hooklog, SECRET, &port);
	snprintf(peers.hook_base, sizeof(peers.hook_base), "http://127.0.0.1:%d", port);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	peer_stop(peers.smtp_pid);
	peer_stop(peers.hook_pid);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", peers.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_notify: cannot remove %s\n", peers.dir);
	curl_global_cleanup();
	return 0;
}

/* Each test: a fresh database with one seller, the clock at T0. */
struct fixture {
	struct store *st;
	char seller[ID_MAX];
};

static int setup(void **state)
{
	static struct fixture fx;

	clock_pin(T0);
	fx.st = testdb_open();
	facts_seller(fx.st, "ann@shop.example", fx.seller);
	notify_init(&(struct notify_settings){ .smtp_url = peers.smtp_url });
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->st);
	clock_pin(0);
	return 0;
}

static int run_jobs(struct store *st, int64_t now)
{
	struct ob_err err;
	int ran = -1;

	assert_int_equal(jobs_run_due(st, now, "test", 0, 0, &ran, &err), OB_OK);
	return ran;
}

/* Reads a whole file into a malloc'ed string (NULL when missing). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return p;
}

/* The message's lines all end in CRLF and none is longer than max
 * characters (78 is RFC 5322's should), and it is 7-bit clean. */
static void assert_wire_format(const char *msg, size_t len, size_t max)
{
	size_t col = 0;

	assert_true(len > 2 && msg[len - 2] == '\r' && msg[len - 1] == '\n');
	for (size_t i = 0; i < len; i++) {
		if (msg[i] == '\n') {
			assert_true(i > 0 && msg[i - 1] == '\r');
			col = 0;
			continue;
		}
		if (msg[i] != '\r')
			assert_true(++col <= max);
		assert_true((unsigned char)msg[i] < 0x80);
	}
}

/* The receiver's log entries for path (all when NULL), as a JSON array. */
static json_t *hook_requests(const char *path)
{
	json_t *all = json_array();
	char *text = slurp(peers.hooklog, NULL), *line, *end;

	for (line = text; line && *line; line = end + 1) {
		json_t *e;
		if ((end = strchr(line, '\n')) == NULL)
			break;
		*end = '\0';
		e = json_loads(line, 0, NULL);
		assert_non_null(e);
		if (path == NULL || strcmp(json_string_value(json_object_get(e, "path")), path) == 0)
			json_array_append_new(all, e);
		else
			json_decref(e);
	}
	free(text);
	return all;
}

static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/* The newest e-mail to the seller. */
static void newest_email(struct fixture *fx, struct email *e)
{
	size_t n = 0;
	struct ob_err err;

	assert_int_equal(store_emails_list(fx->st, fx->seller, 0, NULL, e, 1, &n, &err), OB_OK);
	assert_int_equal(n, 1);
}

static void queue_email(struct fixture *fx, const char *subject, const char *body)
{
	struct ob_err err;

	assert_int_equal(store_begin(fx->st, 1, &err), OB_OK);
	assert_int_equal(notify_email(fx->st, fx->seller, subject, body, &err), OB_OK);
	assert_int_equal(store_commit(fx->st, &err), OB_OK);
}

static const char subject_de[] = "Ihre Kontoschließung – bitte bestätigen Sie den Link in dieser Nachricht";
static const char body_de[] =
	"Hallo Ann Müller,\n"
	"\n"
	"bitte bestätigen Sie die Schließung Ihres Verkäuferkontos innerhalb von 24 Stunden über diesen "
	"Link, der länger ist als eine Zeile einer E-Mail sein darf: "
	"http://127.0.0.1:8080/close/confirm?token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGh\n"
	".\n"
	".a line that starts with a dot\n"
	"a line with = and a trailing space \n"
	"\tand a tab\n";

/* An e-mail goes out over SMTP, and a mail reader gets back exactly the
 * subject and text that were queued. */
static void email_over_smtp(void **state)
{
	struct fixture *fx = *state;
	struct email e;
	char path[160], want_id[64];
	json_t *info, *rcpt;
	char *raw;
	size_t len;

	queue_email(fx, subject_de, body_de);
	newest_email(fx, &e);
	assert_int_equal(e.status, EMAIL_PENDING);
	assert_string_equal(e.to_address, "ann@shop.example");

	assert_int_equal(run_jobs(fx->st, T0), 1);
	assert_int_equal(store_email_get(fx->st, e.id, &e, &(struct ob_err){ 0 }), OB_OK);
	assert_int_equal(e.status, EMAIL_SENT);
	assert_int_equal(e.sent_at, T0);
	assert_int_equal(e.attempts, 1);
	assert_int_equal(run_jobs(fx->st, T0 + 86400), 0);   /* sent once */

	snprintf(path, sizeof(path), "%s/0001.json", peers.mailbox);
	info = json_load_file(path, 0, NULL);
	assert_non_null(info);
	assert_string_equal(str(info, "mail_from"), "offboard@localhost");
	rcpt = json_object_get(info, "rcpt_tos");
	assert_int_equal(json_array_size(rcpt), 1);
	assert_string_equal(json_string_value(json_array_get(rcpt, 0)), "ann@shop.example");
	assert_string_equal(str(info, "from"), "offboard@localhost");
	assert_string_equal(str(info, "to"), "ann@shop.example");
	assert_string_equal(str(info, "subject"), subject_de);
	assert_string_equal(str(info, "body"), body_de);
	assert_string_equal(str(info, "date"), "Thu, 01 Jan 2026 00:00:00 +0000");
	snprintf(want_id, sizeof(want_id), "<%s@localhost>", e.id);
	assert_string_equal(str(info, "message_id"), want_id);
	assert_string_equal(str(info, "mime_version"), "1.0");
	assert_string_equal(str(info, "content_type"), "text/plain");
	assert_string_equal(str(info, "charset"), "utf-8");
	assert_string_equal(str(info, "transfer_encoding"), "quoted-printable");
	assert_int_equal(json_array_size(json_object_get(info, "defects")), 0);
	json_decref(info);

	snprintf(path, sizeof(path), "%s/0001.eml", peers.mailbox);
	raw = slurp(path, &len);
	assert_non_null(raw);
	assert_wire_format(raw, len, 78);
	assert_non_null(strstr(raw, "\r\nSubject: =?UTF-8?B?"));   /* RFC 2047 */
	free(raw);
}

static const char body_ascii[] =
	"Confirm the closure of your seller account within 24 hours:\n"
	"\n"
	"  http://127.0.0.1:8080/close/confirm#token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGh&x=1\n"
	".\n"
	"..two dots, and a line with = signs = fine\n";

/* Plain ASCII text goes as it is (7bit): links stay whole and greppable in
 * the message, and SMTP's dot-stuffing keeps lines that start with dots. */
static void email_ascii_as_is(void **state)
{
	struct fixture *fx = *state;
	char path[160], json[160];
	json_t *info;
	char *raw;
	size_t len;
	int n = 0;

	queue_email(fx, "Confirm your closure", body_ascii);
	assert_int_equal(run_jobs(fx->st, T0), 1);
	/* the newest message of the mailbox */
	for (;;) {
		snprintf(json, sizeof(json), "%s/%04d.json", peers.mailbox, n + 1);
		if (access(json, F_OK) != 0)
			break;
		n++;
	}
	assert_true(n >= 1);
	snprintf(json, sizeof(json), "%s/%04d.json", peers.mailbox, n);
	snprintf(path, sizeof(path), "%s/%04d.eml", peers.mailbox, n);
	info = json_load_file(json, 0, NULL);
	assert_non_null(info);
	assert_string_equal(str(info, "subject"), "Confirm your closure");
	assert_string_equal(str(info, "transfer_encoding"), "7bit");
	assert_string_equal(str(info, "body"), body_ascii);
	json_decref(info);
	raw = slurp(path, &len);
	assert_non_null(raw);
	assert_wire_format(raw, len, 998);
	assert_non_null(strstr(raw, "\r\n  http://127.0.0.1:8080/close/confirm#token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGh&x=1\r\n"));
	free(raw);
}

/* Without SMTP the message is written to DATA_DIR/mail/<id>.eml, in a
 * private folder made for it, in the same wire format. */
static void email_to_file(void **state)
{
	struct fixture *fx = *state;
	struct email e;
	struct stat sb;
	char data[128], path[256];
	char *raw;
	size_t len;

	snprintf(data, sizeof(data), "%s/data-%ld", peers.dir, (long)getpid());
	notify_init(&(struct notify_settings){ .smtp_url = NULL, .data_dir = data,
					       .mail_from = "closures@market.example" });
	queue_email(fx, "Your account is closed", "Goodbye.\n");
	newest_email(fx, &e);
	assert_int_equal(run_jobs(fx->st, T0), 1);

	snprintf(path, sizeof(path), "%s/mail", data);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/mail/%s.eml", data, e.id);
	raw = slurp(path, &len);
	assert_non_null(raw);
	assert_wire_format(raw, len, 998);
	assert_non_null(strstr(raw, "Subject: Your account is closed\r\n"));
	assert_non_null(strstr(raw, "Content-Transfer-Encoding: 7bit\r\n"));
	assert_non_null(strstr(raw, "From: closures@market.example\r\n"));
	assert_non_null(strstr(raw, "To: ann@shop.example\r\n"));
	assert_non_null(strstr(raw, "Content-Type: text/plain; charset=utf-8\r\n"));
	assert_non_null(strstr(raw, "\r\n\r\nGoodbye.\r\n"));
	free(raw);
	assert_int_equal(store_email_get(fx->st, e.id, &e, &(struct ob_err){ 0 }), OB_OK);
	assert_int_equal(e.status, EMAIL_SENT);
}

/* A free loopback port with nothing listening: connections are refused. */
static int closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t n = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &n), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* An SMTP server that cannot be reached: the job is retried with back-off
 * and the e-mail is dead after JOB_MAX_ATTEMPTS. */
static void email_retries_then_dead(void **state)
{
	struct fixture *fx = *state;
	struct email e;
	struct job j;
	struct ob_err err;
	char url[64], key[64];
	int64_t now = T0;

	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", closed_port());
	notify_init(&(struct notify_settings){ .smtp_url = url });
	queue_email(fx, "Closure requested", "We received your request.\n");
	newest_email(fx, &e);
	snprintf(key, sizeof(key), "email:%s", e.id);
	for (int attempt = 1; attempt <= JOB_MAX_ATTEMPTS; attempt++) {
		assert_int_equal(run_jobs(fx->st, now), 1);
		assert_int_equal(store_email_get(fx->st, e.id, &e, &err), OB_OK);
		assert_int_equal(store_job_get(fx->st, key, &j, &err), OB_OK);
		assert_int_equal(j.attempts, attempt);
		if (attempt < JOB_MAX_ATTEMPTS) {
			assert_int_equal(e.status, EMAIL_PENDING);
			assert_int_equal(j.status, JOB_PENDING);
			assert_true(j.run_at > now);                  /* back-off */
			assert_int_equal(run_jobs(fx->st, j.run_at - 1), 0);
			assert_non_null(strstr(j.last_error, "smtp_failed"));
			now = j.run_at;
		}
	}
	assert_int_equal(e.status, EMAIL_DEAD);
	assert_int_equal(e.attempts, JOB_MAX_ATTEMPTS);
	assert_non_null(strstr(e.last_error, "smtp_failed"));
	assert_int_equal(run_jobs(fx->st, now + 365 * 86400), 0);   /* never again */
}

static void subscribe(struct fixture *fx, const char *path, const char *const *events, size_t n,
		      const char *secret, struct webhook *w)
{
	char url[256];
	struct ob_err err;
	struct webhook_input in = { .url = url, .events = events, .nevents = n, .secret = secret };

	snprintf(url, sizeof(url), "%s%s", peers.hook_base, path);
	assert_int_equal(notify_webhook_create(fx->st, &in, w, &err), OB_OK);
}

static void emit(struct fixture *fx, const char *event, const char *data)
{
	struct ob_err err;

	assert_int_equal(store_begin(fx->st, 1, &err), OB_OK);
	assert_int_equal(notify_event(fx->st, event, fx->seller, data, &err), OB_OK);
	assert_int_equal(store_commit(fx->st, &err), OB_OK);
}

/* The newest delivery to webhook w, with its progress. */
static void delivery_of(struct fixture *fx, const struct webhook *w, struct delivery_info *out)
{
	struct delivery_info rows[16];
	size_t n = 0;
	struct ob_err err;

	assert_int_equal(notify_deliveries_list(fx->st, -1, 0, NULL, rows, 16, &n, &err), OB_OK);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].d.webhook_id, w->id) == 0) {
			*out = rows[i];
			return;
		}
	}
	fail_msg("no delivery for %s", w->id);
}

/* An event reaches every active subscription that wants it, signed with
 * its secret, as the contract's JSON body, and nothing else. */
static void event_delivered_and_signed(void **state)
{
	struct fixture *fx = *state;
	static const char *const requested[] = { "closure.requested" };
	static const char *const all[] = { "*" };
	static const char *const closed[] = { "account.closed" };
	struct webhook a, b, c, d;
	struct delivery_info da, db;
	struct webhook_delivery rows[8];
	size_t n = 0;
	struct ob_err err;
	json_t *got, *body_a, *body_b;
	char when[32];

	subscribe(fx, "/a", requested, 1, SECRET, &a);
	subscribe(fx, "/b", all, 1, SECRET, &b);
	subscribe(fx, "/c", closed, 1, SECRET, &c);
	subscribe(fx, "/d", requested, 1, SECRET, &d);
	d.active = 0;                                    /* switched off: gets nothing */
	assert_int_equal(store_webhook_update(fx->st, &d, &err), OB_OK);

	emit(fx, "closure.requested", "{\"closure_id\":\"clo_1\",\"closes_at\":\"2026-01-15T00:00:00Z\"}");
	assert_int_equal(store_deliveries_list(fx->st, -1, 0, NULL, rows, 8, &n, &err), OB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(run_jobs(fx->st, T0), 2);

	delivery_of(fx, &a, &da);
	delivery_of(fx, &b, &db);
	assert_int_equal(da.d.status, DELIVERY_DELIVERED);
	assert_int_equal(db.d.status, DELIVERY_DELIVERED);
	assert_int_equal(da.d.last_status, 200);
	assert_int_equal(da.d.attempts, 1);
	assert_int_equal(da.d.delivered_at, T0);

	got = hook_requests("/a");
	assert_int_equal(json_array_size(got), 1);
	assert_true(json_is_true(json_object_get(json_array_get(got, 0), "verified")));
	assert_string_equal(str(json_array_get(got, 0), "event"), "closure.requested");
	assert_string_equal(str(json_array_get(got, 0), "delivery"), da.d.id);
	assert_string_equal(str(json_array_get(got, 0), "content_type"), "application/json");
	body_a = json_loads(str(json_array_get(got, 0), "body"), 0, NULL);
	json_decref(got);
	got = hook_requests("/b");
	assert_int_equal(json_array_size(got), 1);
	assert_true(json_is_true(json_object_get(json_array_get(got, 0), "verified")));
	body_b = json_loads(str(json_array_get(got, 0), "body"), 0, NULL);
	json_decref(got);

	assert_non_null(body_a);
	assert_non_null(body_b);
	assert_true(strncmp(str(body_a, "id"), "evt_", 4) == 0);
	assert_string_equal(str(body_a, "id"), str(body_b, "id"));   /* one event, two deliveries */
	assert_string_equal(str(body_a, "event"), "closure.requested");
	assert_string_equal(str(body_a, "created_at"), clock_format(T0, when, sizeof(when)));
	assert_string_equal(str(body_a, "seller_id"), fx->seller);
	assert_string_equal(str(json_object_get(body_a, "data"), "closure_id"), "clo_1");
	assert_int_equal(json_object_size(body_a), 5);
	json_decref(body_a);
	json_decref(body_b);

	assert_int_equal(json_array_size((got = hook_requests("/c"))), 0);
	json_decref(got);
	assert_int_equal(json_array_size((got = hook_requests("/d"))), 0);
	json_decref(got);
}

/* The outbox is written in the caller's transaction: rolled back, nothing
 * is queued and nothing is sent. */
static void rolled_back_sends_nothing(void **state)
{
	struct fixture *fx = *state;
	static const char *const all[] = { "*" };
	struct webhook w;
	struct webhook_delivery rows[4];
	struct email e[1];
	size_t n = 9;
	struct ob_err err;

	subscribe(fx, "/rollback", all, 1, SECRET, &w);
	assert_int_equal(store_begin(fx->st, 1, &err), OB_OK);
	assert_int_equal(notify_event(fx->st, "closure.cancelled", fx->seller, "{}", &err), OB_OK);
	assert_int_equal(notify_email(fx->st, fx->seller, "Cancelled", "Your closure is cancelled.\n", &err), OB_OK);
	store_rollback(fx->st);
	assert_int_equal(store_deliveries_list(fx->st, -1, 0, NULL, rows, 4, &n, &err), OB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_emails_list(fx->st, fx->seller, 0, NULL, e, 1, &n, &err), OB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(run_jobs(fx->st, T0), 0);
}

/* A receiver that fails twice gets the same signed body a third time,
 * after the back-off, and the delivery is then delivered. */
static void event_retried_until_delivered(void **state)
{
	struct fixture *fx = *state;
	static const char *const all[] = { "*" };
	struct webhook w;
	struct delivery_info info;
	json_t *got;

	subscribe(fx, "/flaky?fail=2", all, 1, SECRET, &w);
	emit(fx, "payout.requested", "{\"payout_id\":\"pay_1\",\"amount\":{\"amount_minor\":1250,\"currency\":\"USD\"}}");

	assert_int_equal(run_jobs(fx->st, T0), 1);
	delivery_of(fx, &w, &info);
	assert_int_equal(info.d.status, DELIVERY_PENDING);
	assert_int_equal(info.d.attempts, 1);
	assert_int_equal(info.d.last_status, 500);
	assert_int_equal(info.next_attempt_at, T0 + 60);
	assert_int_equal(run_jobs(fx->st, T0 + 59), 0);        /* back-off */

	assert_int_equal(run_jobs(fx->st, T0 + 60), 1);
	delivery_of(fx, &w, &info);
	assert_int_equal(info.d.status, DELIVERY_PENDING);
	assert_int_equal(info.d.attempts, 2);
	assert_int_equal(info.next_attempt_at, T0 + 60 + 120);

	assert_int_equal(run_jobs(fx->st, T0 + 180), 1);
	delivery_of(fx, &w, &info);
	assert_int_equal(info.d.status, DELIVERY_DELIVERED);
	assert_int_equal(info.d.attempts, 3);
	assert_int_equal(info.d.last_status, 200);
	assert_int_equal(info.d.delivered_at, T0 + 180);
	assert_int_equal(info.next_attempt_at, 0);

	got = hook_requests("/flaky?fail=2");
	assert_int_equal(json_array_size(got), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *e = json_array_get(got, i);
		assert_int_equal(json_integer_value(json_object_get(e, "status")), i < 2 ? 500 : 200);
		assert_true(json_is_true(json_object_get(e, "verified")));
		assert_string_equal(str(e, "body"), str(json_array_get(got, 0), "body"));
	}
	json_decref(got);
	assert_int_equal(run_jobs(fx->st, T0 + 86400), 0);
}

/* A receiver that always fails: dead after JOB_MAX_ATTEMPTS, listed as
 * dead for the operator, and sent again when the operator retries. */
static void event_dead_then_retried(void **state)
{
	struct fixture *fx = *state;
	static const char *const all[] = { "*" };
	struct webhook w;
	struct delivery_info info, again;
	struct delivery_info dead[4];
	size_t n = 0;
	struct ob_err err;
	json_t *got;
	int64_t now = T0;
	int runs = 0;

	subscribe(fx, "/down?fail=1000", all, 1, SECRET, &w);
	emit(fx, "account.closed", "{\"closed_at\":\"2026-01-15T00:00:00Z\"}");
	for (;;) {
		assert_int_equal(run_jobs(fx->st, now), 1);
		runs++;
		delivery_of(fx, &w, &info);
		if (info.d.status != DELIVERY_PENDING)
			break;
		assert_true(runs < JOB_MAX_ATTEMPTS);
		assert_true(info.next_attempt_at > now);
		now = info.next_attempt_at;
	}
	assert_int_equal(runs, JOB_MAX_ATTEMPTS);
	assert_int_equal(info.d.status, DELIVERY_DEAD);
	assert_int_equal(info.d.attempts, JOB_MAX_ATTEMPTS);
	assert_int_equal(info.d.last_status, 500);
	assert_non_null(strstr(info.d.last_error, "http_500"));
	assert_int_equal(run_jobs(fx->st, now + 365 * 86400), 0);
	got = hook_requests("/down?fail=1000");
	assert_int_equal(json_array_size(got), JOB_MAX_ATTEMPTS);
	json_decref(got);

	assert_int_equal(notify_deliveries_list(fx->st, DELIVERY_DEAD, 0, NULL, dead, 4, &n, &err), OB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(dead[0].d.id, info.d.id);
	assert_int_equal(notify_deliveries_list(fx->st, DELIVERY_PENDING, 0, NULL, dead, 4, &n, &err), OB_OK);
	assert_int_equal(n, 0);

	/* the operator sends it again: one more attempt, counted on */
	clock_pin(now + 3600);
	assert_int_equal(notify_delivery_retry(fx->st, info.d.id, &again, &err), OB_OK);
	assert_int_equal(again.d.status, DELIVERY_PENDING);
	assert_int_equal(again.next_attempt_at, now + 3600);
	assert_int_equal(notify_delivery_retry(fx->st, info.d.id, &again, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "not_dead");
	assert_int_equal(notify_delivery_retry(fx->st, "whd_nope", &again, &err), OB_ENOTFOUND);
	assert_int_equal(run_jobs(fx->st, now + 3600), 1);
	delivery_of(fx, &w, &info);
	assert_int_equal(info.d.status, DELIVERY_PENDING);
	assert_int_equal(info.d.attempts, JOB_MAX_ATTEMPTS + 1);
	got = hook_requests("/down?fail=1000");
	assert_int_equal(json_array_size(got), JOB_MAX_ATTEMPTS + 1);
	json_decref(got);
}

/* Signed with another secret than the receiver's: the receiver's own
 * check refuses it, and the delivery is not counted as delivered. */
static void wrong_secret_fails_verification(void **state)
{
	struct fixture *fx = *state;
	static const char *const all[] = { "*" };
	struct webhook w;
	struct delivery_info info;
	json_t *got;

	subscribe(fx, "/wrong", all, 1, "not-the-receivers-secret-42", &w);
	emit(fx, "reserve.released", "{}");
	assert_int_equal(run_jobs(fx->st, T0), 1);
	got = hook_requests("/wrong");
	assert_int_equal(json_array_size(got), 1);
	assert_true(json_is_false(json_object_get(json_array_get(got, 0), "verified")));
	json_decref(got);
	delivery_of(fx, &w, &info);
	assert_int_equal(info.d.status, DELIVERY_PENDING);
	assert_int_equal(info.d.last_status, 401);
}

/* Bad input is refused with a precise code and changes nothing. */
static void bad_input(void **state)
{
	struct fixture *fx = *state;
	struct webhook w;
	struct email e[1];
	struct ob_err err;
	size_t n = 9;
	static const char *const ok[] = { "account.closed", "closure.requested", "account.closed" };
	static const char *const star[] = { "account.purged", "*" };
	static const char *const bad[] = { "closure.requested", "closure.exploded" };
	struct {
		const char *url;
		const char *const *events;
		size_t nevents;
		const char *secret;
		const char *code, *field;
	} cases[] = {
		{ "ftp://hooks.example/x", ok, 1, NULL, "invalid_url", "url" },
		{ "http://", ok, 1, NULL, "invalid_url", "url" },
		{ "https://hooks.example/a b", ok, 1, NULL, "invalid_url", "url" },
		{ "", ok, 1, NULL, "missing_field", "url" },
		{ "https://hooks.example/", ok, 0, NULL, "missing_field", "events" },
		{ "https://hooks.example/", bad, 2, NULL, "invalid_event", "events[1]" },
		{ "https://hooks.example/", ok, 1, "short", "invalid_secret", "secret" },
		{ "https://hooks.example/", ok, 1, "has a space in it, sadly", "invalid_secret", "secret" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct webhook_input in = { cases[i].url, cases[i].events, cases[i].nevents, cases[i].secret };
		assert_int_equal(notify_webhook_create(fx->st, &in, &w, &err), OB_EINVAL);
		assert_string_equal(err.code, cases[i].code);
		assert_string_equal(err.field, cases[i].field);
	}
	{
		struct webhook_input in = { "https://hooks.example/", ok, 3, NULL };
		assert_int_equal(notify_webhook_create(fx->st, &in, &w, &err), OB_OK);
		assert_string_equal(w.events, "closure.requested,account.closed");
		assert_int_equal(strlen(w.secret), CRYPTO_TOKEN_LEN);
		in.events = star;
		in.nevents = 2;
		assert_int_equal(notify_webhook_create(fx->st, &in, &w, &err), OB_OK);
		assert_string_equal(w.events, "*");
	}

	assert_int_equal(notify_event(fx->st, "closure.exploded", fx->seller, "{}", &err), OB_EINVAL);
	assert_string_equal(err.code, "invalid_event");
	assert_int_equal(notify_event(fx->st, "account.closed", fx->seller, "[1]", &err), OB_EINVAL);
	assert_string_equal(err.code, "invalid_data");
	assert_int_equal(notify_event(fx->st, "account.closed", "sel\"x", "{}", &err), OB_EINVAL);
	assert_int_equal(notify_email(fx->st, fx->seller, "Hi\r\nBcc: everyone@example.com", "x\n", &err), OB_EINVAL);
	assert_string_equal(err.code, "invalid_characters");
	assert_int_equal(notify_email(fx->st, fx->seller, "Hi", "\xff\xfe\n", &err), OB_EINVAL);
	assert_string_equal(err.code, "invalid_utf8");
	assert_int_equal(notify_email(fx->st, "sel_nobody", "Hi", "x\n", &err), OB_ENOTFOUND);
	assert_int_equal(store_emails_list(fx->st, fx->seller, 0, NULL, e, 1, &n, &err), OB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(run_jobs(fx->st, T0), 0);
}

/* Subscriptions list newest first, page by page. */
static void webhooks_page(void **state)
{
	struct fixture *fx = *state;
	static const char *const all[] = { "*" };
	struct webhook w[3], page[3];
	size_t n = 0;
	struct ob_err err;

	for (int i = 0; i < 3; i++) {
		clock_pin(T0 + i);
		subscribe(fx, "/page", all, 1, NULL, &w[i]);
	}
	assert_int_equal(store_webhooks_list(fx->st, 0, NULL, page, 2, &n, &err), OB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(page[0].id, w[2].id);
	assert_string_equal(page[1].id, w[1].id);
	assert_string_equal(page[0].secret, w[2].secret);
	assert_int_equal(store_webhooks_list(fx->st, page[1].created_at, page[1].id, page, 2, &n, &err), OB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(page[0].id, w[0].id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(email_over_smtp, setup, teardown),
		cmocka_unit_test_setup_teardown(email_ascii_as_is, setup, teardown),
		cmocka_unit_test_setup_teardown(email_to_file, setup, teardown),
		cmocka_unit_test_setup_teardown(email_retries_then_dead, setup, teardown),
		cmocka_unit_test_setup_teardown(event_delivered_and_signed, setup, teardown),
		cmocka_unit_test_setup_teardown(rolled_back_sends_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(event_retried_until_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(event_dead_then_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_secret_fails_verification, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(webhooks_page, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
