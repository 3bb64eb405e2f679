/* jobs.h: background work as rows of a job table, claimed with leases, so
 * any number of `offboard serve` processes share one database and each job
 * runs once: a process that dies mid-job loses its lease and another takes
 * the job over. Handlers run outside any transaction (so a slow SMTP or
 * webhook peer holds no lock), make their changes in their own transaction,
 * and re-check their state first, so a job run again after a crash changes
 * nothing twice.
 *
 * Every kind of job has one handler in the table in jobs.c. */
#ifndef OB_JOBS_H
#define OB_JOBS_H

#include "store/store.h"

#define JOB_LEASE_SECONDS 300   /* the default lease (--job-lease) */
#define JOB_MAX_ATTEMPTS 8

/* Schedules a job of kind with payload (an id, usually) at run_at. With a
 * key, at most one job exists per key: scheduling it again changes nothing
 * (OB_OK). Call inside the transaction that makes the job necessary. */
enum ob_rc jobs_schedule(struct store *st, const char *kind, const char *key,
			 const char *payload, int64_t run_at, struct ob_err *err);

/* Cancels the pending job of key (it will not run); none is fine. */
enum ob_rc jobs_cancel(struct store *st, const char *key, struct ob_err *err);

/* Runs every job due at now, one at a time, as owner (a name unique to the
 * process). Each job is leased to owner for lease seconds (0 or less:
 * JOB_LEASE_SECONDS) from when it is taken: should the process die with
 * it, any process takes it over once the lease ends, so the lease must
 * exceed the longest run of a job. A failing job is retried with back-off
 * (1 min, 2, 4 ... ) and is dead after JOB_MAX_ATTEMPTS. *ran (may be
 * NULL) counts the jobs run, failures included. Stops early after max jobs
 * (0: no limit). */
enum ob_rc jobs_run_due(struct store *st, int64_t now, const char *owner, int lease, int max,
			int *ran, struct ob_err *err);

/* What a handler gets: the store (no transaction open), the job and the
 * time the run is for. A handler returns OB_OK to finish the job, or an
 * error to have it retried. */
typedef enum ob_rc (*job_handler)(struct store *st, const struct job *job, int64_t now,
				  struct ob_err *err);

/* The table of every kind of job (job_kinds.c). */
struct job_kind {
	const char *kind;
	job_handler run;
};
extern const struct job_kind job_kinds[];
extern const size_t job_kinds_count;

#endif
