/* notify.c: the e-mail and webhook outboxes and the jobs that empty them.
 * See notify.h, and docs/internals/notify.md for the formats. */
#include "domain/notify.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "core/id.h"
#include "core/log.h"
#include "core/textbuf.h"
#include "domain/text.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CONNECT_TIMEOUT_S 5L
#define TOTAL_TIMEOUT_S 10L
#define MESSAGE_MAX (128u << 10)   /* an e-mail as sent: headers and encoded body */
#define WEBHOOK_BATCH 16

const char *const notify_events[] = {
	"closure.requested", "closure.confirmed", "closure.cancelled", "account.closed",
	"payout.requested", "reserve.released", "account.purged", NULL,
};

/* --- settings --- */

static struct {
	char smtp_url[1024];
	char mail_from[255];
	char data_dir[1024];
	char public_url[1024];
	struct notify_settings pub;
} g = {
	.mail_from = "offboard@localhost",
	.data_dir = "./data",
	.public_url = "http://127.0.0.1:8080",
	.pub = { NULL, g.mail_from, g.data_dir, g.public_url },
};

static void set(char *dst, size_t cap, const char *src, const char *def)
{
	snprintf(dst, cap, "%s", src && src[0] ? src : def);
}

void notify_init(const struct notify_settings *s)
{
	set(g.smtp_url, sizeof(g.smtp_url), s->smtp_url, "");
	set(g.mail_from, sizeof(g.mail_from), s->mail_from, "offboard@localhost");
	set(g.data_dir, sizeof(g.data_dir), s->data_dir, "./data");
	set(g.public_url, sizeof(g.public_url), s->public_url, "http://127.0.0.1:8080");
	/* links are made by appending paths: no trailing slash */
	for (size_t n = strlen(g.public_url); n > 0 && g.public_url[n - 1] == '/'; n--)
		g.public_url[n - 1] = '\0';
	g.pub.smtp_url = g.smtp_url[0] ? g.smtp_url : NULL;
	g.pub.mail_from = g.mail_from;
	g.pub.data_dir = g.data_dir;
	g.pub.public_url = g.public_url;
}

const struct notify_settings *notify_settings(void)
{
	return &g.pub;
}

/* --- small helpers --- */

/* Returns 1 when s is valid UTF-8 (no overlong forms, no surrogates). */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p;
		int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
		unsigned cp = n == 0 ? c : n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
		if (n < 0)
			return 0;
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* --- e-mail: queueing --- */

enum ob_rc notify_email(struct store *st, const char *seller_id, const char *subject,
			const char *body, struct ob_err *err)
{
	struct seller s;
	struct email e;
	char key[64];
	enum ob_rc rc;

	memset(&e, 0, sizeof(e));
	if ((rc = text_copy(e.subject, EMAIL_SUBJECT_MAX + 1, subject, 1, "subject", err)) != OB_OK ||
	    (rc = text_copy_lines(e.body, EMAIL_BODY_MAX + 1, body, 1, "body", err)) != OB_OK)
		return rc;
	if (!utf8_valid(e.subject) || !utf8_valid(e.body))
		return ob_fail(err, OB_EINVAL, "invalid_utf8", utf8_valid(e.subject) ? "body" : "subject",
			       "e-mail text must be UTF-8");
	if (seller_id == NULL || !id_valid(seller_id))
		return ob_fail(err, OB_ENOTFOUND, "unknown_seller", "seller_id", "no such seller");
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_seller_get(st, seller_id, &s, err)) != OB_OK) {
		if (rc == OB_ENOTFOUND)
			ob_fail(err, OB_ENOTFOUND, "unknown_seller", "seller_id", "no such seller");
		goto fail;
	}
	id_new("eml", e.id);
	snprintf(e.seller_id, sizeof(e.seller_id), "%s", s.id);
	snprintf(e.to_address, sizeof(e.to_address), "%s", s.email);
	e.status = EMAIL_PENDING;
	e.created_at = clock_now();
	snprintf(key, sizeof(key), "email:%s", e.id);
	if ((rc = store_email_insert(st, &e, err)) != OB_OK ||
	    (rc = jobs_schedule(st, "email_send", key, e.id, e.created_at, err)) != OB_OK)
		goto fail;
	crypto_wipe(&s, sizeof(s));
	return store_commit(st, err);
fail:
	crypto_wipe(&s, sizeof(s));
	store_rollback(st);
	return rc;
}

/* --- e-mail: the message --- */

static void header_date(struct textbuf *b, int64_t t)
{
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL) {
		b->failed = 1;
		return;
	}
	textbuf_fmt(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", wday[tm.tm_wday], tm.tm_mday,
		mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Subject as is when it is plain ASCII, else as RFC 2047 encoded words
 * ("=?UTF-8?B?...?=") of at most 39 bytes each, never splitting a
 * character, folded onto continuation lines. */
static void header_subject(struct textbuf *b, const char *s)
{
	size_t n = strlen(s), i = 0;
	int plain = strstr(s, "=?") == NULL;

	for (size_t k = 0; k < n && plain; k++)
		plain = (unsigned char)s[k] >= 0x20 && (unsigned char)s[k] < 0x7f;
	textbuf_str(b, "Subject: ");
	if (plain) {
		textbuf_str(b, s);
		textbuf_str(b, "\r\n");
		return;
	}
	while (i < n) {
		char b64[sodium_base64_ENCODED_LEN(39, sodium_base64_VARIANT_ORIGINAL)];
		size_t take = n - i < 39 ? n - i : 39;
		while (take > 1 && i + take < n && ((unsigned char)s[i + take] & 0xc0) == 0x80)
			take--;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + i, take,
				  sodium_base64_VARIANT_ORIGINAL);
		textbuf_fmt(b, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
		i += take;
	}
	textbuf_str(b, "\r\n");
}

/* The body in quoted-printable (RFC 2045): lines of at most 76
 * characters ending in CRLF, '=' and bytes outside printable ASCII as =XX,
 * white space at a line's end encoded, and a '.' that starts a line
 * encoded too, so no line of the message is a lone "." to SMTP. */
static void body_qp(struct textbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t col = 0;

	for (; *p; p++) {
		unsigned c = *p;
		int eol, literal;
		char tok[4];

		if (c == '\r' && p[1] == '\n')
			continue;
		if (c == '\n') {
			textbuf_str(b, "\r\n");
			col = 0;
			continue;
		}
		eol = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !eol);
		if (col + (literal ? 1 : 3) > 75) {
			textbuf_str(b, "=\r\n");
			col = 0;
		}
		if (c == '.' && col == 0)
			literal = 0;
		if (literal) {
			tok[0] = (char)c;
			tok[1] = '\0';
		} else {
			snprintf(tok, sizeof(tok), "=%02X", c);
		}
		textbuf_str(b, tok);
		col += strlen(tok);
	}
	if (col > 0)
		textbuf_str(b, "\r\n");
}

/* Returns 1 when body can go as it is ("7bit"): ASCII only, no lone CR,
 * no line longer than RFC 5322's 998 characters. Such a message stays
 * readable in a .eml file, links included; anything else is sent
 * quoted-printable. */
static int body_7bit(const char *s)
{
	size_t col = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80 || (*p == '\r' && p[1] != '\n'))
			return 0;
		col = *p == '\n' ? 0 : *p == '\r' ? col : col + 1;
		if (col > 998)
			return 0;
	}
	return 1;
}

/* body_7bit()'s text with CRLF line ends, ending in one. */
static void body_plain(struct textbuf *b, const char *s)
{
	size_t col = 0;

	for (; *s; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n') {
			textbuf_str(b, "\r\n");
			col = 0;
		} else {
			textbuf_add(b, s, 1);
			col++;
		}
	}
	if (col > 0)
		textbuf_str(b, "\r\n");
}

/* The whole RFC 5322 message of e, malloc'ed into *out (NUL-terminated,
 * CRLF line ends). */
static enum ob_rc build_message(const struct email *e, char **out, size_t *len, struct ob_err *err)
{
	struct textbuf b = { .limit = MESSAGE_MAX };
	const char *at = strrchr(g.mail_from, '@');
	int plain = body_7bit(e->body);

	header_date(&b, e->created_at);
	textbuf_fmt(&b, "From: %s\r\nTo: %s\r\n", g.mail_from, e->to_address);
	header_subject(&b, e->subject);
	textbuf_fmt(&b, "Message-ID: <%s@%s>\r\n", e->id, at && at[1] ? at + 1 : "offboard.invalid");
	textbuf_fmt(&b, "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: %s\r\n"
		    "Auto-Submitted: auto-generated\r\n"
		    "\r\n", plain ? "7bit" : "quoted-printable");
	if (plain)
		body_plain(&b, e->body);
	else
		body_qp(&b, e->body);
	if (b.failed) {
		free(b.p);
		return ob_fail(err, OB_ENOMEM, "message_too_large", NULL, "cannot build the message");
	}
	*out = b.p;
	*len = b.len;
	return OB_OK;
}

/* --- e-mail: delivery --- */

struct upload {
	const char *p;
	size_t len, pos;
};

static size_t upload_read(char *dst, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t take = size * n;

	if (take > u->len - u->pos)
		take = u->len - u->pos;
	memcpy(dst, u->p + u->pos, take);
	u->pos += take;
	return take;
}

static enum ob_rc smtp_send(const struct email *e, const char *msg, size_t len, struct ob_err *err)
{
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	struct upload up = { msg, len, 0 };
	char from[300], to[300], errbuf[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode res;

	if (c == NULL)
		return ob_fail(err, OB_ENOMEM, "smtp_failed", NULL, "cannot start libcurl");
	snprintf(from, sizeof(from), "<%s>", g.mail_from);
	snprintf(to, sizeof(to), "<%s>", e->to_address);
	if ((rcpt = curl_slist_append(NULL, to)) == NULL) {
		curl_easy_cleanup(c);
		return ob_fail(err, OB_ENOMEM, "smtp_failed", NULL, "out of memory");
	}
	curl_easy_setopt(c, CURLOPT_URL, g.smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(strncmp(g.smtp_url, "smtps:", 6) == 0 ? CURLUSESSL_ALL
											  : CURLUSESSL_TRY));
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	res = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	if (res != CURLE_OK)
		return ob_fail(err, OB_EINTERNAL, "smtp_failed", NULL, "smtp: %s (%ld)",
			       errbuf[0] ? errbuf : curl_easy_strerror(res), code);
	return OB_OK;
}

/* Creates every missing folder of path with mode. */
static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[1200];
	size_t n = (size_t)snprintf(tmp, sizeof(tmp), "%s", path);

	if (n >= sizeof(tmp))
		return -1;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, mode) < 0 && errno != EEXIST ? -1 : 0;
}

void notify_remove_mail_file(const char *email_id)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/mail/%s.eml", g.data_dir, email_id);
	unlink(path);
	snprintf(path, sizeof(path), "%s/mail/%s.eml.tmp", g.data_dir, email_id);
	unlink(path);
}

/* Writes the message to DATA_DIR/mail/<id>.eml (mode 0600, in a folder of
 * mode 0700), through a temporary file so a reader never sees half. */
static enum ob_rc file_write(const struct email *e, const char *msg, size_t len, struct ob_err *err)
{
	char dir[1100], path[1200], tmp[1300];
	size_t done = 0;
	int fd;

	snprintf(dir, sizeof(dir), "%s/mail", g.data_dir);
	snprintf(path, sizeof(path), "%s/%s.eml", dir, e->id);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (mkdir_p(dir, 0700) < 0)
		return ob_fail(err, OB_EINTERNAL, "mail_dir_failed", NULL, "cannot create %s: %s", dir,
			       strerror(errno));
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return ob_fail(err, OB_EINTERNAL, "mail_write_failed", NULL, "cannot create %s: %s", tmp,
			       strerror(errno));
	while (done < len) {
		ssize_t w = write(fd, msg + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done < len || fsync(fd) < 0 || close(fd) < 0) {
		int e2 = errno;
		if (done < len)
			close(fd);
		unlink(tmp);
		return ob_fail(err, OB_EINTERNAL, "mail_write_failed", NULL, "cannot write %s: %s", tmp,
			       strerror(e2));
	}
	if (rename(tmp, path) < 0) {
		int e2 = errno;
		unlink(tmp);
		return ob_fail(err, OB_EINTERNAL, "mail_write_failed", NULL, "cannot write %s: %s", path,
			       strerror(e2));
	}
	log_kv(LOG_INFO, "email written", "path", path, NULL);
	return OB_OK;
}

enum ob_rc notify_job_email(struct store *st, const struct job *job, int64_t now,
			    struct ob_err *err)
{
	struct email e;
	struct ob_err serr;
	char *msg = NULL, attempts[12];
	size_t len = 0;
	enum ob_rc rc;

	if ((rc = store_email_get(st, job->payload, &e, err)) != OB_OK)
		return rc == OB_ENOTFOUND ? OB_OK : rc;   /* nothing left to send */
	if (e.status != EMAIL_PENDING)
		return OB_OK;
	ob_err_clear(&serr);
	rc = build_message(&e, &msg, &len, &serr);
	if (rc == OB_OK)
		rc = g.pub.smtp_url ? smtp_send(&e, msg, len, &serr) : file_write(&e, msg, len, &serr);
	free(msg);
	e.attempts += job->attempts;
	if (rc == OB_OK) {
		e.status = EMAIL_SENT;
		e.sent_at = now;
		e.last_error[0] = '\0';
		return store_email_update(st, &e, err);
	}
	if (job->attempts < JOB_MAX_ATTEMPTS) {
		*err = serr;
		return rc;   /* the job queue retries it, with back-off */
	}
	/* the last attempt: the e-mail is dead, the job done */
	e.status = EMAIL_DEAD;
	snprintf(e.last_error, sizeof(e.last_error), "%s: %s", serr.code, serr.message);
	snprintf(attempts, sizeof(attempts), "%d", e.attempts);
	log_kv(LOG_ERROR, "email dead", "email", e.id, "attempts", attempts, "error", serr.code, NULL);
	return store_email_update(st, &e, err);
}

/* --- webhooks: subscriptions --- */

int notify_event_known(const char *name)
{
	for (size_t i = 0; notify_events[i]; i++)
		if (strcmp(notify_events[i], name) == 0)
			return 1;
	return 0;
}

static enum ob_rc check_url(const char *url, struct ob_err *err)
{
	size_t n = url ? strlen(url) : 0, skip;

	if (n == 0)
		return ob_fail(err, OB_EINVAL, "missing_field", "url", "url is required");
	if (n > WEBHOOK_URL_MAX)
		return ob_fail(err, OB_EINVAL, "too_long", "url", "url is longer than %d bytes", WEBHOOK_URL_MAX);
	skip = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
	if (skip == 0 || url[skip] == '\0' || url[skip] == '/' || url[skip] == ':' || url[skip] == '?' ||
	    url[skip] == '#')
		return ob_fail(err, OB_EINVAL, "invalid_url", "url", "url must be an http:// or https:// URL with a host");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return ob_fail(err, OB_EINVAL, "invalid_url", "url",
				       "url must not contain spaces, control or non-ASCII characters");
	return OB_OK;
}

/* Returns 1 when the comma-separated list holds name or "*". */
static int events_match(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if ((len == 1 && p[0] == '*') || (len == n && strncmp(p, name, n) == 0))
			return 1;
		p += len + (end ? 1 : 0);
	}
	return 0;
}

enum ob_rc notify_webhook_create(struct store *st, const struct webhook_input *in,
				 struct webhook *out, struct ob_err *err)
{
	enum ob_rc rc;
	int all = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = check_url(in->url, err)) != OB_OK)
		return rc;
	if (in->nevents == 0)
		return ob_fail(err, OB_EINVAL, "missing_field", "events", "events needs at least one event");
	for (size_t i = 0; i < in->nevents; i++) {
		const char *ev = in->events[i];
		char field[32];
		snprintf(field, sizeof(field), "events[%zu]", i);
		if (ev == NULL || !(strcmp(ev, "*") == 0 || notify_event_known(ev)))
			return ob_fail(err, OB_EINVAL, "invalid_event", field,
				       "%s is not an event: closure.requested, closure.confirmed, closure.cancelled,"
				       " account.closed, payout.requested, reserve.released, account.purged or *",
				       field);
		all |= strcmp(ev, "*") == 0;
	}
	/* stored in the contract's order, each once; "*" alone stands for all */
	if (all) {
		snprintf(out->events, sizeof(out->events), "*");
	} else {
		for (size_t k = 0; notify_events[k]; k++) {
			for (size_t i = 0; i < in->nevents; i++) {
				if (strcmp(in->events[i], notify_events[k]) != 0)
					continue;
				size_t len = strlen(out->events);
				snprintf(out->events + len, sizeof(out->events) - len, "%s%s", len ? "," : "",
					 notify_events[k]);
				break;
			}
		}
	}
	if (in->secret) {
		size_t n = strlen(in->secret);
		if (n < 16 || n > WEBHOOK_SECRET_MAX)
			return ob_fail(err, OB_EINVAL, "invalid_secret", "secret",
				       "secret must be 16 to %d characters", WEBHOOK_SECRET_MAX);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)in->secret[i] <= 0x20 || (unsigned char)in->secret[i] >= 0x7f)
				return ob_fail(err, OB_EINVAL, "invalid_secret", "secret",
					       "secret must be printable ASCII without spaces");
		memcpy(out->secret, in->secret, n + 1);
	} else {
		crypto_token_new(out->secret);
	}
	id_new("whk", out->id);
	snprintf(out->url, sizeof(out->url), "%s", in->url);
	out->active = 1;
	out->created_at = clock_now();
	return store_webhook_insert(st, out, err);
}

/* --- webhooks: events --- */

/* The key of the job that delivers d now: deliveries retried by the
 * operator get a new job, named after the attempts made before it. */
static void delivery_key(const struct webhook_delivery *d, char *out, size_t cap)
{
	if (d->attempts == 0)
		snprintf(out, cap, "webhook:%s", d->id);
	else
		snprintf(out, cap, "webhook:%s:%d", d->id, d->attempts);
}

/* Returns 1 when s, less surrounding white space, is "{...}". */
static int json_object_text(const char *s)
{
	size_t a = 0, z = strlen(s);

	while (s[a] == ' ' || s[a] == '\n' || s[a] == '\t' || s[a] == '\r')
		a++;
	while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\n' || s[z - 1] == '\t' || s[z - 1] == '\r'))
		z--;
	return z - a >= 2 && s[a] == '{' && s[z - 1] == '}';
}

enum ob_rc notify_event(struct store *st, const char *event, const char *seller_id,
			const char *data_json, struct ob_err *err)
{
	struct webhook hooks[WEBHOOK_BATCH];
	struct webhook_delivery d;
	char evt_id[ID_MAX], when[32], key[96], after_id[ID_MAX] = "";
	int64_t now = clock_now(), after_time = 0;
	size_t n = 0;
	int len;
	enum ob_rc rc;

	if (event == NULL || !notify_event_known(event))
		return ob_fail(err, OB_EINVAL, "invalid_event", "event", "unknown webhook event");
	if (seller_id == NULL || !id_valid(seller_id))
		return ob_fail(err, OB_EINVAL, "invalid_id", "seller_id", "seller_id must be an id");
	if (data_json == NULL)
		data_json = "{}";
	if (!json_object_text(data_json) || !utf8_valid(data_json))
		return ob_fail(err, OB_EINVAL, "invalid_data", "data", "data must be a JSON object");

	/* one body for every subscription: receivers can tell repeats by id */
	memset(&d, 0, sizeof(d));
	id_new("evt", evt_id);
	clock_format(now, when, sizeof(when));
	len = snprintf(d.body, sizeof(d.body),
		       "{\"id\":\"%s\",\"event\":\"%s\",\"created_at\":\"%s\",\"seller_id\":\"%s\",\"data\":%s}",
		       evt_id, event, when, seller_id, data_json);
	if (len < 0 || (size_t)len >= sizeof(d.body))
		return ob_fail(err, OB_EINVAL, "too_long", "data", "the event is longer than %d bytes",
			       WEBHOOK_BODY_MAX);
	snprintf(d.event, sizeof(d.event), "%s", event);
	d.status = DELIVERY_PENDING;
	d.created_at = now;

	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	do {
		rc = store_webhooks_list(st, after_time, after_id[0] ? after_id : NULL, hooks, WEBHOOK_BATCH,
					 &n, err);
		for (size_t i = 0; rc == OB_OK && i < n; i++) {
			if (!hooks[i].active || !events_match(hooks[i].events, event))
				continue;
			id_new("whd", d.id);
			snprintf(d.webhook_id, sizeof(d.webhook_id), "%s", hooks[i].id);
			delivery_key(&d, key, sizeof(key));
			if ((rc = store_delivery_insert(st, &d, err)) == OB_OK)
				rc = jobs_schedule(st, "webhook_deliver", key, d.id, now, err);
		}
		if (n > 0) {
			after_time = hooks[n - 1].created_at;
			snprintf(after_id, sizeof(after_id), "%s", hooks[n - 1].id);
		}
		crypto_wipe(hooks, sizeof(hooks));
	} while (rc == OB_OK && n == WEBHOOK_BATCH);
	if (rc != OB_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

/* --- webhooks: delivery --- */

static size_t discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/* Writes "t=<t>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with secret>". */
static void signature(const char *secret, int64_t t, const char *body, char *out, size_t cap)
{
	crypto_auth_hmacsha256_state hs;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24], hex[2 * crypto_auth_hmacsha256_BYTES + 1];
	int n = snprintf(ts, sizeof(ts), "%lld.", (long long)t);

	crypto_auth_hmacsha256_init(&hs, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)ts, (unsigned long long)n);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)body, strlen(body));
	crypto_auth_hmacsha256_final(&hs, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(out, cap, "t=%lld,v1=%s", (long long)t, hex);
	sodium_memzero(&hs, sizeof(hs));
}

/* POSTs d's body to w's URL; *status gets the HTTP status (0 when none
 * came). OB_OK only for a 2xx answer. */
static enum ob_rc post(const struct webhook *w, const struct webhook_delivery *d, int64_t now,
		       long *status, struct ob_err *err)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char sig[160], line[256], errbuf[CURL_ERROR_SIZE] = "";
	CURLcode res;
	enum ob_rc rc = OB_OK;

	*status = 0;
	if (c == NULL)
		return ob_fail(err, OB_ENOMEM, "webhook_failed", NULL, "cannot start libcurl");
	signature(w->secret, now, d->body, sig, sizeof(sig));
	for (int i = 0; i < 6; i++) {
		struct curl_slist *more;
		switch (i) {
		case 0: snprintf(line, sizeof(line), "Content-Type: application/json"); break;
		case 1: snprintf(line, sizeof(line), "Offboard-Signature: %s", sig); break;
		case 2: snprintf(line, sizeof(line), "Offboard-Event: %s", d->event); break;
		case 3: snprintf(line, sizeof(line), "Offboard-Delivery: %s", d->id); break;
		case 4: snprintf(line, sizeof(line), "User-Agent: offboard-webhooks/%s", OFFBOARD_VERSION); break;
		default: snprintf(line, sizeof(line), "Expect:"); break;   /* no 100-continue round trip */
		}
		if ((more = curl_slist_append(h, line)) == NULL) {
			curl_slist_free_all(h);
			curl_easy_cleanup(c);
			return ob_fail(err, OB_ENOMEM, "webhook_failed", NULL, "out of memory");
		}
		h = more;
	}
	curl_easy_setopt(c, CURLOPT_URL, w->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(d->body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	res = curl_easy_perform(c);
	if (res == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (res != CURLE_OK)
		rc = ob_fail(err, OB_EINTERNAL, res == CURLE_OPERATION_TIMEDOUT ? "timeout" : "connect_failed",
			     NULL, "%s", errbuf[0] ? errbuf : curl_easy_strerror(res));
	else if (*status < 200 || *status > 299) {
		/* the code names the status, so the operator's view can show it */
		char code[16];
		snprintf(code, sizeof(code), "http_%03ld", *status % 1000);
		rc = ob_fail(err, OB_EINTERNAL, code, NULL, "the endpoint answered %ld", *status);
	}
	return rc;
}

enum ob_rc notify_job_webhook(struct store *st, const struct job *job, int64_t now,
			      struct ob_err *err)
{
	struct webhook_delivery d;
	struct webhook w;
	struct ob_err perr;
	long status = 0;
	char attempts[12];
	enum ob_rc rc;

	if ((rc = store_delivery_get(st, job->payload, &d, err)) != OB_OK)
		return rc == OB_ENOTFOUND ? OB_OK : rc;
	if (d.status != DELIVERY_PENDING)
		return OB_OK;
	ob_err_clear(&perr);
	rc = store_webhook_get(st, d.webhook_id, &w, err);
	if (rc != OB_OK && rc != OB_ENOTFOUND)
		return rc;
	if (rc == OB_ENOTFOUND || !w.active) {
		/* the subscription was switched off: nothing to retry for */
		d.attempts += job->attempts;
		d.status = DELIVERY_DEAD;
		snprintf(d.last_error, sizeof(d.last_error), "webhook_inactive: the subscription is off");
		crypto_wipe(&w, sizeof(w));
		return store_delivery_update(st, &d, err);
	}
	rc = post(&w, &d, now, &status, &perr);
	crypto_wipe(&w, sizeof(w));
	d.attempts += job->attempts;
	d.last_status = (int)status;
	if (rc == OB_OK) {
		d.status = DELIVERY_DELIVERED;
		d.delivered_at = now;
		d.last_error[0] = '\0';
		return store_delivery_update(st, &d, err);
	}
	if (job->attempts < JOB_MAX_ATTEMPTS) {
		*err = perr;
		return rc;
	}
	d.status = DELIVERY_DEAD;
	snprintf(d.last_error, sizeof(d.last_error), "%s: %s", perr.code, perr.message);
	snprintf(attempts, sizeof(attempts), "%d", d.attempts);
	log_kv(LOG_ERROR, "webhook delivery dead", "delivery", d.id, "webhook", d.webhook_id,
	       "attempts", attempts, "error", perr.code, NULL);
	return store_delivery_update(st, &d, err);
}

/* --- webhooks: the operator's view --- */

/* Adds the progress of a pending delivery's job to what is stored. */
static enum ob_rc with_progress(struct store *st, struct delivery_info *info, struct ob_err *err)
{
	struct job j;
	char key[96];
	enum ob_rc rc;

	info->next_attempt_at = 0;
	if (info->d.status != DELIVERY_PENDING)
		return OB_OK;
	delivery_key(&info->d, key, sizeof(key));
	if ((rc = store_job_get(st, key, &j, err)) == OB_ENOTFOUND)
		return OB_OK;
	if (rc != OB_OK)
		return rc;
	/* a running job has already counted its attempt */
	info->d.attempts += j.status == JOB_RUNNING ? j.attempts - 1 : j.attempts;
	if (j.last_error[0]) {
		snprintf(info->d.last_error, sizeof(info->d.last_error), "%s", j.last_error);
		if (strncmp(j.last_error, "http_", 5) == 0)
			info->d.last_status = (int)strtol(j.last_error + 5, NULL, 10);
	}
	if (j.status == JOB_PENDING)
		info->next_attempt_at = j.run_at;
	return OB_OK;
}

enum ob_rc notify_deliveries_list(struct store *st, int status, int64_t after_time,
				  const char *after_id, struct delivery_info *out, size_t cap,
				  size_t *n, struct ob_err *err)
{
	struct webhook_delivery *rows = cap ? calloc(cap, sizeof(*rows)) : NULL;
	enum ob_rc rc;

	*n = 0;
	if (cap && rows == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	rc = store_deliveries_list(st, status, after_time, after_id, rows, cap, n, err);
	for (size_t i = 0; rc == OB_OK && i < *n; i++) {
		out[i].d = rows[i];
		rc = with_progress(st, &out[i], err);
	}
	free(rows);
	if (rc != OB_OK)
		*n = 0;
	return rc;
}

enum ob_rc notify_delivery_retry(struct store *st, const char *id, struct delivery_info *out,
				 struct ob_err *err)
{
	struct webhook w;
	char key[96];
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if (id == NULL || !id_valid(id))
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such delivery");
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_delivery_get(st, id, &out->d, err)) != OB_OK) {
		if (rc == OB_ENOTFOUND)
			ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such delivery");
		goto fail;
	}
	if (out->d.status != DELIVERY_DEAD) {
		rc = ob_fail(err, OB_ECONFLICT, "not_dead", NULL, "only a dead delivery can be retried; this one is %s",
			     delivery_status_names[out->d.status]);
		goto fail;
	}
	if ((rc = store_webhook_get(st, out->d.webhook_id, &w, err)) != OB_OK && rc != OB_ENOTFOUND)
		goto fail;
	if (rc == OB_ENOTFOUND || !w.active) {
		rc = ob_fail(err, OB_ECONFLICT, "webhook_inactive", NULL, "the delivery's subscription is off");
		crypto_wipe(&w, sizeof(w));
		goto fail;
	}
	crypto_wipe(&w, sizeof(w));
	out->d.status = DELIVERY_PENDING;
	out->d.last_status = 0;
	out->d.last_error[0] = '\0';
	out->next_attempt_at = clock_now();
	delivery_key(&out->d, key, sizeof(key));
	if ((rc = store_delivery_update(st, &out->d, err)) != OB_OK ||
	    (rc = jobs_schedule(st, "webhook_deliver", key, out->d.id, out->next_attempt_at, err)) != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}
