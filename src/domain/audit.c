#include "domain/audit.h"

#include "core/clock.h"
#include "core/crypto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records read per page by audit_verify. */
#define VERIFY_PAGE 256

const char audit_zero_hash[AUDIT_HASH_LEN + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* The longest encoding: the tag, two integers and five text fields, each
 * at most its buffer's size less the NUL, with their length prefixes. */
#define ENCODING_MAX (4 + sizeof(AUDIT_TAG) + 8 + 8 + 5 * 4 +                          \
		      sizeof(((struct audit_record *)0)->actor) +                        \
		      sizeof(((struct audit_record *)0)->seller_id) +                    \
		      sizeof(((struct audit_record *)0)->action) +                       \
		      sizeof(((struct audit_record *)0)->detail) +                       \
		      sizeof(((struct audit_record *)0)->prev_hash))

static size_t put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

static size_t put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
	return 8;
}

/* Writes text(s) at p: the length, then the bytes of s up to cap - 1 (the
 * record's fields are NUL-terminated within their buffers). */
static size_t put_text(unsigned char *p, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap - 1);

	put_u32(p, (uint32_t)n);
	memcpy(p + 4, s, n);
	return 4 + n;
}

void audit_hash(const struct audit_record *a, char *out)
{
	unsigned char buf[ENCODING_MAX];
	size_t n = 0;

	n += put_text(buf + n, AUDIT_TAG, sizeof(AUDIT_TAG));
	n += put_u64(buf + n, (uint64_t)a->seq);
	n += put_u64(buf + n, (uint64_t)a->at);
	n += put_text(buf + n, a->actor, sizeof(a->actor));
	n += put_text(buf + n, a->seller_id, sizeof(a->seller_id));
	n += put_text(buf + n, a->action, sizeof(a->action));
	n += put_text(buf + n, a->detail, sizeof(a->detail));
	n += put_text(buf + n, a->prev_hash, sizeof(a->prev_hash));
	crypto_sha256_hex(buf, n, out);
}

/* Copies s into a record field, refusing what does not fit (a cut value
 * would be stored and hashed as something the caller did not say). */
static enum ob_rc field(char *out, size_t cap, const char *s, int required, const char *name,
			struct ob_err *err)
{
	size_t n = s ? strlen(s) : 0;

	if (required && n == 0)
		return ob_fail(err, OB_EINVAL, "missing_field", name, "audit %s is required", name);
	if (n >= cap)
		return ob_fail(err, OB_EINVAL, "too_long", name, "audit %s is longer than %zu bytes",
			       name, cap - 1);
	memcpy(out, s ? s : "", n + 1);
	return OB_OK;
}

enum ob_rc audit_record(struct store *st, const char *actor, const char *seller_id,
			const char *action, const char *detail_json, struct ob_err *err)
{
	struct audit_record a, last;
	enum ob_rc rc;
	size_t dn;

	memset(&a, 0, sizeof(a));
	if (detail_json == NULL)
		detail_json = "{}";
	if ((rc = field(a.actor, sizeof(a.actor), actor, 1, "actor", err)) != OB_OK ||
	    (rc = field(a.seller_id, sizeof(a.seller_id), seller_id, 0, "seller_id", err)) != OB_OK ||
	    (rc = field(a.action, sizeof(a.action), action, 1, "action", err)) != OB_OK ||
	    (rc = field(a.detail, sizeof(a.detail), detail_json, 1, "detail", err)) != OB_OK)
		return rc;
	dn = strlen(a.detail);
	if (a.detail[0] != '{' || a.detail[dn - 1] != '}')
		return ob_fail(err, OB_EINVAL, "invalid_detail", "detail",
			       "audit detail must be a JSON object");

	/* At depth 0 this takes the write lock; inside the caller's write
	 * transaction it is a savepoint under the lock already held. */
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	rc = store_audit_last(st, &last, err);
	if (rc == OB_ENOTFOUND) {
		a.seq = 1;
		memcpy(a.prev_hash, audit_zero_hash, sizeof(a.prev_hash));
	} else if (rc == OB_OK) {
		a.seq = last.seq + 1;
		memcpy(a.prev_hash, last.hash, sizeof(a.prev_hash));
	} else {
		goto fail;
	}
	a.at = clock_now();
	audit_hash(&a, a.hash);
	if ((rc = store_audit_insert(st, &a, err)) != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

static void problem(audit_report_fn report, void *arg, int64_t *broken, int64_t seq,
		    enum audit_problem what, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void problem(audit_report_fn report, void *arg, int64_t *broken, int64_t seq,
		    enum audit_problem what, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	(*broken)++;
	if (report == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report(arg, seq, what, msg);
}

enum ob_rc audit_verify(struct store *st, const struct audit_head *noted, audit_report_fn report,
			void *arg, int64_t *checked, int64_t *broken, struct audit_head *head,
			struct ob_err *err)
{
	struct audit_record *page = malloc(VERIFY_PAGE * sizeof(*page));
	char prev_hash[AUDIT_HASH_LEN + 1], computed[AUDIT_HASH_LEN + 1];
	int64_t prev_seq = 0;
	size_t n;
	enum ob_rc rc;

	*checked = 0;
	*broken = 0;
	memcpy(prev_hash, audit_zero_hash, sizeof(prev_hash));
	if (page == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	/* One read transaction: the walk sees one state of the log, however
	 * many records are appended meanwhile. */
	if ((rc = store_begin(st, 0, err)) != OB_OK)
		goto out;
	do {
		if ((rc = store_audit_scan(st, prev_seq, page, VERIFY_PAGE, &n, err)) != OB_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			const struct audit_record *a = &page[i];

			(*checked)++;
			audit_hash(a, computed);
			if (strcmp(computed, a->hash) != 0)
				problem(report, arg, broken, a->seq, AUDIT_EDITED,
					"record %lld: its hash does not match its content (edited)",
					(long long)a->seq);
			if (a->seq == prev_seq + 2)
				problem(report, arg, broken, a->seq, AUDIT_GAP,
					"record %lld is missing (removed)", (long long)prev_seq + 1);
			else if (a->seq != prev_seq + 1)
				problem(report, arg, broken, a->seq, AUDIT_GAP,
					"records %lld to %lld are missing (removed)",
					(long long)prev_seq + 1, (long long)a->seq - 1);
			if (strcmp(a->prev_hash, prev_hash) != 0)
				problem(report, arg, broken, a->seq, AUDIT_LINK,
					"record %lld: prev_hash is not the hash of record %lld"
					" (a record was removed, inserted or edited)",
					(long long)a->seq, (long long)prev_seq);
			if (noted && a->seq == noted->seq && strcmp(a->hash, noted->hash) != 0)
				problem(report, arg, broken, a->seq, AUDIT_HEAD,
					"record %lld: its hash is not the one noted (the chain was"
					" rewritten from here or earlier)", (long long)a->seq);
			/* The stored hash links on, so one edited record is reported
			 * once, not again at the next. */
			prev_seq = a->seq;
			memcpy(prev_hash, a->hash, sizeof(prev_hash));
		}
	} while (n == VERIFY_PAGE);
	if (rc == OB_OK && noted && prev_seq < noted->seq)
		problem(report, arg, broken, prev_seq, AUDIT_HEAD,
			"the log ends at record %lld, before the noted head %lld (the newest"
			" records were removed)", (long long)prev_seq, (long long)noted->seq);
	if (rc == OB_OK)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	if (rc == OB_OK && head) {
		head->seq = prev_seq;
		memcpy(head->hash, prev_hash, sizeof(head->hash));
	}
out:
	free(page);
	return rc;
}
