#include "domain/purge.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "core/id.h"
#include "core/log.h"
#include "core/policy.h"
#include "domain/audit.h"
#include "domain/certificate.h"
#include "domain/export.h"
#include "domain/jobs.h"
#include "domain/ledger.h"
#include "domain/legal_hold.h"
#include "domain/notify.h"
#include "store/data_classes.h"
#include "store/seal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400
/* Rows per transaction: a batch holds the write lock for a few
 * milliseconds, so other sellers' writes wait no longer than that. */
#define PURGE_BATCH 500
/* Free pages given back per transaction. */
#define COMPACT_PAGES 2000
#define FILES_PAGE 100

static struct {
	char dir[1100];
	const struct signing_key *key;
} g;

void purge_init(const char *data_dir, const struct signing_key *key)
{
	snprintf(g.dir, sizeof(g.dir), "%s/certificates", data_dir && data_dir[0] ? data_dir : "./data");
	g.key = key;
}

static const struct policy *policy_of(const struct closure *c)
{
	return policy_get(c != NULL && c->policy[0] ? c->policy : "default");
}

static enum ob_rc not_due(struct ob_err *err, const char *code, int64_t at, int64_t *due_at,
			  const char *why)
{
	char when[32];

	*due_at = at;
	clock_format(at, when, sizeof(when));
	return ob_fail(err, OB_ECONFLICT, code, NULL, "the purge is not due: %s (until %s)", why, when);
}

/* Whether a seller not yet being purged may be: OB_OK, or OB_ECONFLICT
 * with *due_at the time to try again. */
static enum ob_rc due_checks(struct store *st, const struct seller *s, int64_t now, int64_t *due_at,
			     struct ob_err *err)
{
	struct closure c;
	struct readiness_counts counts;
	struct balance_view b;
	int64_t until = 0, at;
	enum ob_rc rc;

	if (s->status != SELLER_CLOSED)
		return not_due(err, "purge_not_due", now + DAY, due_at, "the account is not closed");
	if ((rc = store_closure_current(st, s->id, &c, err)) != OB_OK)
		return rc;
	at = c.erase_at > c.history_ends_at ? c.erase_at : c.history_ends_at;
	if (c.status != CLOSURE_CLOSED || now < at)
		return not_due(err, "purge_not_due", at > now ? at : now + DAY, due_at,
			       "history access or the reserve period has not ended");
	if (c.ended_at == 0)
		return not_due(err, "purge_not_due", c.reserve_release_at > now ? c.reserve_release_at : now + DAY,
			       due_at, "the reserve has not been released");
	if ((rc = legal_hold_until(st, s->id, now, &until, err)) != OB_OK)
		return rc;
	if (until > 0)
		return not_due(err, "legal_hold", until, due_at, "a legal hold is in force");
	if ((rc = store_readiness_counts(st, s->id, now, &counts, err)) != OB_OK ||
	    (rc = ledger_balances(st, s->id, &b, err)) != OB_OK)
		return rc;
	if (counts.open_disputes > 0 || counts.payouts_in_flight > 0 || b.debt > 0)
		return not_due(err, "open_liability", now + DAY, due_at,
			       "claims, payouts in flight or a debt are still open");
	return OB_OK;
}

/* Step 1, in one transaction: the erasure, the pseudonym's own seller row
 * (the kept records refer to it), and the seller marked purged. */
static enum ob_rc start(struct store *st, const char *seller_id, int64_t now, struct erasure *e,
			int64_t *due_at, struct ob_err *err)
{
	struct seller *s = calloc(2, sizeof(*s)), *p;
	struct closure c;
	char detail[160];
	enum ob_rc rc;

	if (s == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	p = s + 1;
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		goto out;
	certificate_subject(seller_id, e->subject_sha256);
	rc = store_erasure_of(st, seller_id, e->subject_sha256, e, err);
	if (rc == OB_OK) {
		rc = e->status == ERASURE_RUNNING ? OB_OK
						  : ob_fail(err, OB_EGONE, "already_purged", NULL,
							    "the seller's data was erased already");
		store_rollback(st);
		goto out;
	}
	if (rc != OB_ENOTFOUND || (rc = store_seller_get(st, seller_id, s, err)) != OB_OK ||
	    (rc = due_checks(st, s, now, due_at, err)) != OB_OK ||
	    (rc = store_closure_current(st, seller_id, &c, err)) != OB_OK) {
		store_rollback(st);
		goto out;
	}
	memset(e, 0, sizeof(*e));
	id_new("cer", e->id);
	id_new("psn", e->pseudonym);
	snprintf(e->seller_id, sizeof(e->seller_id), "%s", seller_id);
	certificate_subject(seller_id, e->subject_sha256);
	snprintf(e->marketplace_id, sizeof(e->marketplace_id), "%s", s->marketplace_id);
	e->status = ERASURE_RUNNING;
	e->started_at = now;
	e->retention_ends_at = now + (int64_t)policy_of(&c)->retention_financial_days * DAY;
	/* the pseudonym's row holds nothing but the marketplace */
	snprintf(p->id, sizeof(p->id), "%s", e->pseudonym);
	memcpy(p->marketplace_id, s->marketplace_id, sizeof(p->marketplace_id));
	snprintf(p->email, sizeof(p->email), "%s", e->pseudonym);
	snprintf(p->email_index, sizeof(p->email_index), "%s", e->pseudonym);
	p->status = SELLER_PURGED;
	p->created_at = p->updated_at = now;
	snprintf(detail, sizeof(detail), "{\"erasure_id\":\"%s\"}", e->id);
	if ((rc = store_erasure_insert(st, e, err)) != OB_OK ||
	    (rc = st->ops->seller_insert(st, p, err)) != OB_OK ||
	    (rc = store_seller_set_status(st, seller_id, SELLER_PURGED, now, err)) != OB_OK ||
	    (rc = store_sessions_end(st, seller_id, err)) != OB_OK ||
	    (rc = audit_record(st, "system", seller_id, "purge.started", detail, err)) != OB_OK) {
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, err);
out:
	crypto_wipe(s, 2 * sizeof(*s));
	free(s);
	return rc;
}

/* Removes the files of the seller's rows of the table: export archives,
 * e-mails written without SMTP. */
static enum ob_rc remove_files(struct store *st, const struct erasure *e, const char *table,
			       void (*remove)(const char *id), struct ob_err *err)
{
	const struct data_table *t = data_table_find(table);
	char(*ids)[ID_MAX] = calloc(FILES_PAGE, ID_MAX);
	char after[ID_MAX] = "";
	size_t n = 0;
	enum ob_rc rc;

	if (ids == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	do {
		rc = store_purge_ids(st, (size_t)(t - data_tables), e->seller_id, after, FILES_PAGE, ids, &n,
				     err);
		for (size_t i = 0; rc == OB_OK && i < n; i++)
			remove(ids[i]);
		if (n > 0)
			snprintf(after, sizeof(after), "%s", ids[n - 1]);
	} while (rc == OB_OK && n == FILES_PAGE);
	free(ids);
	return rc;
}

/* Step 2: the data key, then the files. Run again after a crash, both
 * find nothing left to do. */
static enum ob_rc shred(struct store *st, struct erasure *e, int64_t now, struct ob_err *err)
{
	enum ob_rc rc;

	if (e->key_destroyed_at != 0)
		return OB_OK;
	if ((rc = seal_destroy_key(st, e->seller_id, err)) != OB_OK ||
	    (rc = remove_files(st, e, "exports", export_remove_files, err)) != OB_OK ||
	    (rc = remove_files(st, e, "emails", notify_remove_mail_file, err)) != OB_OK)
		return rc;
	/* written on the erasure as it stands (another process may be at work) */
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_erasure_get(st, e->id, e, err)) == OB_OK && e->key_destroyed_at == 0) {
		e->key_destroyed_at = now;
		rc = store_erasure_update(st, e, err);
	}
	if (rc != OB_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

/* One transaction of step 3 on the table at the erasure's step: a batch,
 * its count, and the step moved on when the table is done. The erasure is
 * read again first: another process purging the same seller (a job beside
 * `offboard purge`) may have moved it on, and every table is counted once. */
static enum ob_rc purge_batch(struct store *st, struct erasure *e, struct ob_err *err)
{
	const struct data_table *t;
	struct erasure_count c;
	int64_t rows = 0;
	enum ob_rc rc;

	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_erasure_get(st, e->id, e, err)) != OB_OK)
		goto fail;
	if (e->status != ERASURE_RUNNING || (size_t)e->step >= data_tables_count) {
		store_rollback(st);
		return OB_OK;
	}
	t = &data_tables[e->step];
	memset(&c, 0, sizeof(c));
	snprintf(c.table, sizeof(c.table), "%s", t->name);
	if (t->action == PURGE_RETAIN) {
		rc = store_purge_rows(st, (size_t)e->step, PURGE_SQL_COUNT, e->seller_id, NULL, 0, &rows, err);
		c.retained = rows;
		rows = 0;
	} else if (t->action == PURGE_PSEUDONYMISE) {
		rc = store_purge_rows(st, (size_t)e->step, PURGE_SQL_PSEUDONYMISE, e->seller_id, e->pseudonym,
				      PURGE_BATCH, &rows, err);
		c.pseudonymised = c.retained = rows;
	} else if (t->action == PURGE_DELETE) {
		rc = store_purge_rows(st, (size_t)e->step, PURGE_SQL_DELETE, e->seller_id, NULL, PURGE_BATCH,
				      &rows, err);
		c.erased = rows;
	}
	if (rows < PURGE_BATCH)
		e->step++;
	if (rc == OB_OK && t->action != PURGE_NONE)
		rc = store_erasure_count_add(st, e->id, &c, err);
	if (rc == OB_OK)
		rc = store_erasure_update(st, e, err);
	if (rc != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

/* The certificate of the erasure's counts, signed, saved and kept. */
static enum ob_rc certify(struct store *st, struct erasure *e, int64_t retention_ends_at,
			  struct ob_err *err)
{
	struct certificate *c = calloc(1, sizeof(*c));
	struct erasure_count counts[CERTIFICATE_TABLES_MAX];
	size_t n = 0;
	char *text = NULL;
	size_t len = 0;
	enum ob_rc rc;

	if (c == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	if (g.key == NULL) {
		free(c);
		return ob_fail(err, OB_EINTERNAL, "no_signing_key", NULL, "no signing key is loaded");
	}
	if ((rc = store_erasure_counts(st, e->id, counts, CERTIFICATE_TABLES_MAX, &n, err)) != OB_OK)
		goto out;
	snprintf(c->id, sizeof(c->id), "%s", e->id);
	snprintf(c->pseudonym, sizeof(c->pseudonym), "%s", e->pseudonym);
	snprintf(c->subject_sha256, sizeof(c->subject_sha256), "%s", e->subject_sha256);
	snprintf(c->marketplace_id, sizeof(c->marketplace_id), "%s", e->marketplace_id);
	c->started_at = e->started_at;
	c->key_destroyed_at = e->key_destroyed_at;
	c->purged_at = e->purged_at;
	/* in the registry's order, every table the purge went through */
	for (size_t i = 0; i < data_tables_count && c->ntables < CERTIFICATE_TABLES_MAX; i++) {
		const struct data_table *t = &data_tables[i];
		struct certificate_table *ct;

		if (t->action == PURGE_NONE)
			continue;
		ct = &c->tables[c->ntables++];
		snprintf(ct->table, sizeof(ct->table), "%s", t->name);
		for (size_t k = 0; k < n; k++) {
			if (strcmp(counts[k].table, t->name) != 0)
				continue;
			ct->erased = counts[k].erased;
			ct->pseudonymised = counts[k].pseudonymised;
			ct->retained = counts[k].retained;
		}
		if (ct->retained > 0) {
			snprintf(ct->legal_basis, sizeof(ct->legal_basis), "%s", t->legal_basis);
			ct->retention_ends_at = retention_ends_at;
			c->retention_ends_at = retention_ends_at;
		}
	}
	if ((rc = certificate_write(c, g.key, &text, &len, err)) != OB_OK)
		goto out;
	if (len > CERTIFICATE_MAX) {
		rc = ob_fail(err, OB_EINTERNAL, NULL, NULL, "the certificate is too long");
		goto out;
	}
	memcpy(e->certificate, text, len + 1);
	e->retention_ends_at = c->retention_ends_at;
	rc = certificate_save(g.dir, c->id, text, len, NULL, 0, err);
out:
	free(text);
	free(c);
	return rc;
}

/* Step 4, in one transaction. */
static enum ob_rc finish(struct store *st, struct erasure *e, int64_t now, struct ob_err *err)
{
	char detail[512], when[32], ends[32], hash[CRYPTO_HASH_HEX_LEN + 1], seller_id[ID_MAX], key[96];
	enum ob_rc rc;

	snprintf(seller_id, sizeof(seller_id), "%s", e->seller_id);
	e->purged_at = now;
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	/* another process purging the same seller (a job beside `offboard
	 * purge`) got here first: its certificate and records stand */
	if ((rc = store_erasure_get(st, e->id, e, err)) != OB_OK)
		goto fail;
	if (e->status != ERASURE_RUNNING) {
		store_rollback(st);
		return OB_OK;
	}
	e->purged_at = now;
	if ((rc = certify(st, e, e->retention_ends_at, err)) != OB_OK)
		goto fail;
	crypto_sha256_hex(e->certificate, strlen(e->certificate), hash);
	clock_format(now, when, sizeof(when));
	clock_format(e->retention_ends_at, ends, sizeof(ends));
	snprintf(detail, sizeof(detail),
		 "{\"erasure_id\":\"%s\",\"certificate_sha256\":\"%s\",\"purged_at\":\"%s\","
		 "\"retention_ends_at\":\"%s\"}", e->id, hash, when, e->retention_ends_at ? ends : "");
	/* the link from the seller to the pseudonym goes with the purge */
	e->seller_id[0] = '\0';
	e->status = ERASURE_PURGED;
	snprintf(key, sizeof(key), "retention:%s", e->id);
	if ((rc = store_erasure_update(st, e, err)) != OB_OK ||
	    (rc = audit_record(st, "system", seller_id, "account.purged", detail, err)) != OB_OK ||
	    (rc = notify_event(st, "account.purged", seller_id, detail, err)) != OB_OK ||
	    (e->retention_ends_at &&
	     (rc = jobs_schedule(st, "retention_end", key, e->id, e->retention_ends_at, err)) != OB_OK))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	snprintf(e->seller_id, sizeof(e->seller_id), "%s", seller_id);
	return rc;
}

/* Step 5: free pages back to the file system, a few at a time. */
static void compact(struct store *st)
{
	struct ob_err err;
	int64_t left = 0, before = -1;

	for (int i = 0; i < 100000; i++) {
		if (store_compact(st, COMPACT_PAGES, &left, &err) != OB_OK || left == 0 || left == before)
			break;
		before = left;
	}
}

enum ob_rc purge_run(struct store *st, const char *seller_id, int64_t now, struct erasure *erasure,
		     int64_t *due_at, struct ob_err *err)
{
	struct erasure *e = calloc(1, sizeof(*e));
	int64_t when = 0;
	enum ob_rc rc;

	if (e == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	rc = start(st, seller_id, now, e, &when, err);
	if (due_at)
		*due_at = when;
	/* done, but a run killed while compacting left free pages behind */
	if (rc == OB_EGONE)
		compact(st);
	if (rc != OB_OK || (rc = shred(st, e, now, err)) != OB_OK)
		goto out;
	while (rc == OB_OK && e->status == ERASURE_RUNNING && (size_t)e->step < data_tables_count)
		rc = purge_batch(st, e, err);
	if (rc == OB_OK && (rc = finish(st, e, now, err)) == OB_OK) {
		compact(st);
		log_kv(LOG_INFO, "seller purged", "erasure_id", e->id, NULL);
		if (erasure)
			*erasure = *e;
	}
out:
	free(e);
	return rc;
}

enum ob_rc purge_schedule(struct store *st, const char *seller_id, int64_t erase_at, struct ob_err *err)
{
	char key[96];

	snprintf(key, sizeof(key), "purge:%s:%lld", seller_id, (long long)erase_at);
	return jobs_schedule(st, "purge", key, seller_id, erase_at, err);
}

enum ob_rc purge_job(struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	int64_t due_at = 0;
	enum ob_rc rc = purge_run(st, job->payload, now, NULL, &due_at, err);

	if (rc == OB_EGONE || rc == OB_ENOTFOUND)
		return OB_OK;
	if (rc != OB_ECONFLICT)
		return rc;
	/* not due yet: come back when it will be */
	return purge_schedule(st, job->payload, due_at > now ? due_at : now + DAY, err);
}

enum ob_rc purge_job_retention(struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	struct erasure *e = calloc(1, sizeof(*e));
	char detail[96];
	int64_t rows = 0;
	enum ob_rc rc;

	if (e == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	rc = store_erasure_get(st, job->payload, e, err);
	if (rc != OB_OK || e->status != ERASURE_PURGED || now < e->retention_ends_at)
		goto out;
	/* every kept row of the pseudonym, children first, then its own row */
	for (size_t i = 0; rc == OB_OK && i < data_tables_count; i++) {
		const struct data_table *t = &data_tables[i];

		/* the audit log is never cut: its records chain by hash */
		if (t->action == PURGE_NONE || strcmp(t->name, "audit_log") == 0)
			continue;
		do {
			if ((rc = store_begin(st, 1, err)) != OB_OK)
				break;
			rc = store_purge_rows(st, i, PURGE_SQL_DELETE, e->pseudonym, NULL, PURGE_BATCH, &rows, err);
			if (rc == OB_OK)
				rc = store_commit(st, err);
			else
				store_rollback(st);
		} while (rc == OB_OK && rows == PURGE_BATCH);
	}
	if (rc != OB_OK)
		goto out;
	e->status = ERASURE_RETENTION_ENDED;
	snprintf(detail, sizeof(detail), "{\"erasure_id\":\"%s\"}", e->id);
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		goto out;
	if ((rc = store_erasure_update(st, e, err)) != OB_OK ||
	    (rc = audit_record(st, "system", "", "retention.ended", detail, err)) != OB_OK) {
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, err);
	if (rc == OB_OK)
		compact(st);
out:
	free(e);
	return rc;
}
