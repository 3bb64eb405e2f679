#include "domain/jobs.h"

#include "core/clock.h"
#include "core/log.h"

#include <stdio.h>
#include <string.h>

enum ob_rc jobs_schedule(struct store *st, const char *kind, const char *key,
			 const char *payload, int64_t run_at, struct ob_err *err)
{
	struct job j;
	enum ob_rc rc;

	memset(&j, 0, sizeof(j));
	snprintf(j.kind, sizeof(j.kind), "%s", kind);
	snprintf(j.key, sizeof(j.key), "%s", key ? key : "");
	snprintf(j.payload, sizeof(j.payload), "%s", payload ? payload : "");
	j.run_at = run_at;
	j.created_at = j.updated_at = run_at;
	rc = store_job_insert(st, &j, err);
	return rc == OB_ECONFLICT && key ? OB_OK : rc;
}

enum ob_rc jobs_cancel(struct store *st, const char *key, struct ob_err *err)
{
	return store_job_cancel(st, key, err);
}

static job_handler handler_of(const char *kind)
{
	for (size_t i = 0; i < job_kinds_count; i++)
		if (strcmp(job_kinds[i].kind, kind) == 0)
			return job_kinds[i].run;
	return NULL;
}

/* Claims one due job (its own short transaction), runs it, and records the
 * outcome (another). The handler runs outside any transaction of ours: it
 * may talk to the network (SMTP, webhooks) without holding the write lock,
 * and opens its own transaction for changes that must be atomic. A process
 * that dies between the handler and the record leaves the lease to expire
 * and the job to run again, so handlers re-check their state first. */
static enum ob_rc run_one(struct store *st, int64_t now, int64_t lease_until, const char *owner,
			  struct ob_err *err)
{
	struct job j;
	struct ob_err jerr;
	job_handler run;
	enum ob_rc rc;
	char attempts[12];

	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	rc = store_job_claim(st, now, owner, lease_until, &j, err);
	if (rc != OB_OK) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st, err)) != OB_OK)
		return rc;

	ob_err_clear(&jerr);
	run = handler_of(j.kind);
	rc = run ? run(st, &j, now, &jerr)
		 : ob_fail(&jerr, OB_EINTERNAL, "unknown_job", NULL, "no handler for job kind %s", j.kind);
	while (st->depth > 0)   /* a handler that left a transaction open failed */
		store_rollback(st);
	if (rc != OB_OK) {
		snprintf(j.last_error, sizeof(j.last_error), "%s: %s", jerr.code, jerr.message);
		j.status = j.attempts >= JOB_MAX_ATTEMPTS || run == NULL ? JOB_DEAD : JOB_PENDING;
		j.run_at = now + (60 << (j.attempts < 10 ? j.attempts - 1 : 9));
		snprintf(attempts, sizeof(attempts), "%d", j.attempts);
		log_kv(j.status == JOB_DEAD ? LOG_ERROR : LOG_WARN, "job failed", "kind", j.kind,
		       "attempts", attempts, "error", jerr.code, NULL);
	} else {
		j.status = JOB_DONE;
		j.last_error[0] = '\0';
	}
	j.updated_at = now;
	snprintf(j.lease_owner, sizeof(j.lease_owner), "%s", owner);
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_job_finish(st, &j, err)) != OB_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

enum ob_rc jobs_run_due(struct store *st, int64_t now, const char *owner, int lease, int max,
			int *ran, struct ob_err *err)
{
	int n = 0;
	enum ob_rc rc = OB_OK;
	int64_t start = clock_now();

	if (lease <= 0)
		lease = JOB_LEASE_SECONDS;
	while (max == 0 || n < max) {
		/* a lease runs from when its job is taken, not from the start
		 * of the batch: now plus the time the batch has taken so far */
		rc = run_one(st, now, now + (clock_now() - start) + lease, owner, err);
		if (rc == OB_ENOTFOUND) {
			rc = OB_OK;
			break;
		}
		if (rc != OB_OK)
			break;
		n++;
	}
	if (ran)
		*ran = n;
	return rc;
}
