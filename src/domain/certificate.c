#include "domain/certificate.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "core/textbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The fixed framing of the text: how it starts, and how its signed part and
 * the whole file end. */
static const char head[] = "{\n  \"format\": \"" CERTIFICATE_FORMAT "\",\n";
static const char key_open[] = ",\n  \"signature_algorithm\": \"Ed25519\",\n  \"public_key\": \"";
static const char doc_end[] = "\"\n}\n";
static const char sig_open[] = ",\n  \"signature\": \"";
#define LIT(s) (sizeof(s) - 1)

#define TIME_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */

/* A JSON string (RFC 8259) of valid UTF-8 s: quotes, backslashes and
 * control characters escaped, the rest as it is. */
static void put_str(struct textbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	textbuf_add(b, "\"", 1);
	while (*p) {
		const unsigned char *run = p;
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		textbuf_add(b, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p == '"' || *p == '\\') {
			char esc[2] = { '\\', (char)*p };
			textbuf_add(b, esc, 2);
		} else if (*p == '\n' || *p == '\r' || *p == '\t') {
			char esc[2] = { '\\', *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't' };
			textbuf_add(b, esc, 2);
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
			textbuf_add(b, esc, 6);
		}
		p++;
	}
	textbuf_add(b, "\"", 1);
}

/* A time, or null for 0. */
static void put_time(struct textbuf *b, int64_t t)
{
	char iso[32];

	if (t == 0)
		textbuf_str(b, "null");
	else
		textbuf_fmt(b, "\"%s\"", clock_format(t, iso, sizeof(iso)));
}

/* --- checks of what the purge hands in --- */

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

static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static int id_field(const char *s, size_t cap)
{
	return terminated(s, cap) && id_valid(s);
}

/* A table name: a SQL identifier of [A-Za-z0-9_]. */
static int table_name(const char *s, size_t cap)
{
	size_t n;

	if (!terminated(s, cap) || (n = strlen(s)) == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int time_ok(int64_t t, int optional)
{
	return (optional && t == 0) || (t > 0 && t <= TIME_MAX);
}

static enum ob_rc bad(struct ob_err *err, const char *field, const char *why)
{
	return ob_fail(err, OB_EINVAL, "invalid_certificate", field, "invalid certificate: %s %s", field, why);
}

static enum ob_rc check(const struct certificate *c, struct ob_err *err)
{
	if (!id_field(c->id, sizeof(c->id)))
		return bad(err, "id", "is not an id");
	if (!id_field(c->pseudonym, sizeof(c->pseudonym)))
		return bad(err, "pseudonym", "is not an id");
	if (!terminated(c->subject_sha256, sizeof(c->subject_sha256)) || strlen(c->subject_sha256) != 64 ||
	    strspn(c->subject_sha256, "0123456789abcdef") != 64)
		return bad(err, "subject_sha256", "is not 64 lower-case hex digits");
	if (!id_field(c->marketplace_id, sizeof(c->marketplace_id)))
		return bad(err, "marketplace_id", "is not an id");
	if (!time_ok(c->started_at, 0))
		return bad(err, "started_at", "is not a time");
	if (!time_ok(c->purged_at, 0) || c->purged_at < c->started_at)
		return bad(err, "purged_at", "is not a time at or after started_at");
	if (!time_ok(c->key_destroyed_at, 1) ||
	    (c->key_destroyed_at && (c->key_destroyed_at < c->started_at || c->key_destroyed_at > c->purged_at)))
		return bad(err, "key_destroyed_at", "is not a time between started_at and purged_at");
	if (!time_ok(c->retention_ends_at, 1))
		return bad(err, "retention_ends_at", "is not a time");
	if (c->ntables > CERTIFICATE_TABLES_MAX)
		return bad(err, "tables", "are more than 40");
	for (size_t i = 0; i < c->ntables; i++) {
		const struct certificate_table *t = &c->tables[i];
		if (!table_name(t->table, sizeof(t->table)))
			return bad(err, "tables.table", "is not a table name");
		if (t->erased < 0 || t->pseudonymised < 0 || t->retained < 0)
			return bad(err, "tables.erased", "or pseudonymised or retained is below 0");
		if (!terminated(t->legal_basis, sizeof(t->legal_basis)) || !utf8_valid(t->legal_basis))
			return bad(err, "tables.legal_basis", "is not UTF-8 text");
		if (!time_ok(t->retention_ends_at, 1))
			return bad(err, "tables.retention_ends_at", "is not a time");
		/* a certificate that keeps rows says why and until when */
		if (t->retained > 0 && (t->legal_basis[0] == '\0' || t->retention_ends_at == 0))
			return bad(err, "tables.legal_basis", "and retention_ends_at are required for retained rows");
		if (t->retention_ends_at > c->retention_ends_at)
			return bad(err, "retention_ends_at", "is before a table's retention end");
	}
	return OB_OK;
}

/* --- writing --- */

void certificate_subject(const char *seller_id, char out[65])
{
	crypto_sha256_hex(seller_id, strlen(seller_id), out);
}

/* The document without its signature: everything up to and including the
 * public key, closed with "\n}\n". */
static void put_document(struct textbuf *b, const struct certificate *c, const char *pk64)
{
	textbuf_str(b, head);
	textbuf_str(b, "  \"id\": ");
	put_str(b, c->id);
	textbuf_str(b, ",\n  \"pseudonym\": ");
	put_str(b, c->pseudonym);
	textbuf_str(b, ",\n  \"subject_sha256\": ");
	put_str(b, c->subject_sha256);
	textbuf_str(b, ",\n  \"marketplace_id\": ");
	put_str(b, c->marketplace_id);
	textbuf_str(b, ",\n  \"started_at\": ");
	put_time(b, c->started_at);
	textbuf_str(b, ",\n  \"key_destroyed_at\": ");
	put_time(b, c->key_destroyed_at);
	textbuf_str(b, ",\n  \"purged_at\": ");
	put_time(b, c->purged_at);
	textbuf_str(b, ",\n  \"retention_ends_at\": ");
	put_time(b, c->retention_ends_at);
	textbuf_str(b, c->ntables ? ",\n  \"tables\": [\n" : ",\n  \"tables\": []");
	for (size_t i = 0; i < c->ntables; i++) {
		const struct certificate_table *t = &c->tables[i];
		textbuf_str(b, "    {\n      \"table\": ");
		put_str(b, t->table);
		textbuf_fmt(b, ",\n      \"erased\": %lld,\n      \"pseudonymised\": %lld,\n      \"retained\": %lld",
		     (long long)t->erased, (long long)t->pseudonymised, (long long)t->retained);
		textbuf_str(b, ",\n      \"legal_basis\": ");
		if (t->legal_basis[0])
			put_str(b, t->legal_basis);
		else
			textbuf_str(b, "null");
		textbuf_str(b, ",\n      \"retention_ends_at\": ");
		put_time(b, t->retention_ends_at);
		textbuf_str(b, i + 1 < c->ntables ? "\n    },\n" : "\n    }\n  ]");
	}
	textbuf_str(b, key_open);
	textbuf_str(b, pk64);
	textbuf_str(b, doc_end);
}

enum ob_rc certificate_write(const struct certificate *c, const struct signing_key *k, char **out,
			     size_t *len, struct ob_err *err)
{
	struct textbuf b = { .limit = CERTIFICATE_TEXT_MAX };
	unsigned char sig[SIGNING_SIG_LEN];
	char pk64[SIGNING_PK_B64_LEN + 1], sig64[SIGNING_SIG_B64_LEN + 1];
	enum ob_rc rc;

	*out = NULL;
	*len = 0;
	if ((rc = check(c, err)) != OB_OK)
		return rc;
	put_document(&b, c, signing_public_b64(k->pk, pk64));
	if (b.failed) {
		free(b.p);
		return ob_fail(err, OB_ENOMEM, "no_memory", NULL, "out of memory writing a certificate");
	}
	/* sign the exact bytes, then put the signature in place of the end */
	crypto_sign_detached(sig, NULL, (const unsigned char *)b.p, b.len, k->sk);
	sodium_bin2base64(sig64, sizeof(sig64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	b.len -= LIT(doc_end) - 1;   /* "\n}\n"; the quote that closes the public key stays */
	textbuf_str(&b, sig_open);
	textbuf_str(&b, sig64);
	textbuf_str(&b, doc_end);
	if (b.failed) {
		free(b.p);
		return ob_fail(err, OB_ENOMEM, "no_memory", NULL, "out of memory writing a certificate");
	}
	*out = b.p;
	*len = b.len;
	return OB_OK;
}

/* --- verifying --- */

/* Decodes exactly n base64 characters at s into out (cap bytes, all of
 * which must be filled), accepting only the one canonical spelling. */
static int decode_exact(const char *s, size_t n, unsigned char *out, size_t cap)
{
	char again[SIGNING_SIG_B64_LEN + 1];
	size_t got;

	if (n >= sizeof(again) || memchr(s, '\0', n) != NULL ||
	    sodium_base642bin(out, cap, s, n, NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != cap)
		return -1;
	sodium_bin2base64(again, sizeof(again), out, cap, sodium_base64_VARIANT_ORIGINAL);
	return strlen(again) == n && memcmp(again, s, n) == 0 ? 0 : -1;
}

enum ob_rc certificate_verify(const char *text, size_t len, const unsigned char public_key[SIGNING_PK_LEN],
			      struct ob_err *err)
{
	const size_t sig_tail = LIT(sig_open) + SIGNING_SIG_B64_LEN + LIT(doc_end);
	const size_t key_tail = LIT(key_open) + SIGNING_PK_B64_LEN + LIT(doc_end);
	unsigned char sig[SIGNING_SIG_LEN], pk[SIGNING_PK_LEN];
	char *msg = NULL;
	size_t body, mlen;
	enum ob_rc rc;

	if (text == NULL || len > CERTIFICATE_TEXT_MAX || len < LIT(head) + key_tail - 3 + sig_tail ||
	    memcmp(text, head, LIT(head)) != 0)
		return ob_fail(err, OB_EINVAL, "bad_format", NULL,
			       "not an erasure certificate of format %s", CERTIFICATE_FORMAT);
	/* the file ends in the signature member, then the document's end */
	body = len - sig_tail;
	if (memcmp(text + body, sig_open, LIT(sig_open)) != 0 ||
	    memcmp(text + len - LIT(doc_end), doc_end, LIT(doc_end)) != 0)
		return ob_fail(err, OB_EINVAL, "bad_format", NULL,
			       "the certificate does not end in its signature member (truncated, or bytes added)");
	if (decode_exact(text + body + LIT(sig_open), SIGNING_SIG_B64_LEN, sig, sizeof(sig)) < 0)
		return ob_fail(err, OB_EAUTH, "bad_signature", NULL,
			       "the certificate's signature is not base64 of 64 bytes");
	/* the signed part ends in the algorithm and the public key; "body"
	 * bytes end with the quote after the key */
	if (body < LIT(head) + key_tail - 3 ||
	    memcmp(text + body + 3 - key_tail, key_open, LIT(key_open)) != 0 || text[body - 1] != '"')
		return ob_fail(err, OB_EINVAL, "bad_format", NULL,
			       "the certificate does not name its algorithm (Ed25519) and public key before the signature");
	if (decode_exact(text + body + 3 - key_tail + LIT(key_open), SIGNING_PK_B64_LEN, pk, sizeof(pk)) < 0)
		return ob_fail(err, OB_EINVAL, "bad_format", NULL,
			       "the certificate's public_key is not base64 of 32 bytes");
	if (sodium_memcmp(pk, public_key, SIGNING_PK_LEN) != 0) {
		char want[SIGNING_PK_B64_LEN + 1], have[SIGNING_PK_B64_LEN + 1];
		return ob_fail(err, OB_EAUTH, "wrong_key", NULL,
			       "the certificate was signed by the key %s, not by %s",
			       signing_public_b64(pk, have), signing_public_b64(public_key, want));
	}
	/* the message: the bytes before the signature member, and "\n}\n" */
	mlen = body + LIT(doc_end) - 1;
	if ((msg = malloc(mlen)) == NULL)
		return ob_fail(err, OB_ENOMEM, "no_memory", NULL, "out of memory verifying a certificate");
	memcpy(msg, text, body);
	memcpy(msg + body, doc_end + 1, LIT(doc_end) - 1);
	if (crypto_sign_verify_detached(sig, (const unsigned char *)msg, mlen, pk) != 0)
		rc = ob_fail(err, OB_EAUTH, "bad_signature", NULL,
			     "the signature does not match the certificate: it was changed after signing");
	else
		rc = OB_OK;
	free(msg);
	return rc;
}

/* --- saving --- */

enum ob_rc certificate_save(const char *dir, const char *id, const char *text, size_t len, char *path,
			    size_t cap, struct ob_err *err)
{
	char final[1200], tmp[1300];
	size_t done = 0;
	int fd, n;

	if (!id_valid(id))
		return ob_fail(err, OB_EINVAL, "invalid_id", "id", "the certificate id is not an id");
	n = snprintf(final, sizeof(final), "%s/%s.json", dir, id);
	if (n < 0 || (size_t)n >= sizeof(final))
		return ob_fail(err, OB_EINTERNAL, "cannot_write", NULL, "the certificate folder's path is too long");
	/* one temporary name per certificate: a write killed midway leaves a
	 * file that the next write of that certificate (one purge at a time,
	 * under its job's lease) truncates and renames away */
	snprintf(tmp, sizeof(tmp), "%s/.%s.json.tmp", dir, id);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return ob_fail(err, OB_EINTERNAL, "cannot_write", NULL, "cannot make %s: %s", dir, strerror(errno));
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return ob_fail(err, OB_EINTERNAL, "cannot_write", NULL, "cannot write %s: %s", tmp, strerror(errno));
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done != len || fsync(fd) != 0) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		return ob_fail(err, OB_EINTERNAL, "cannot_write", NULL, "cannot write %s: %s", tmp, strerror(saved));
	}
	close(fd);
	if (rename(tmp, final) != 0) {
		int saved = errno;
		unlink(tmp);
		return ob_fail(err, OB_EINTERNAL, "cannot_write", NULL, "cannot write %s: %s", final, strerror(saved));
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	if (path != NULL)
		snprintf(path, cap, "%s", final);
	return OB_OK;
}
