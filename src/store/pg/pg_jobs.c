/* pg_jobs.c: the job queue on PostgreSQL. A claim is one UPDATE of the
 * row that a SELECT ... FOR UPDATE SKIP LOCKED picked, so two processes
 * never take the same job, and would not wait for each other's even if
 * writes ran in parallel. Semantics are those of sqlite/sqlite_jobs.c. */
#include "store/pg/pg_internal.h"

#include <string.h>

static const char *const job_status_names[] = { "pending", "running", "done", "dead", NULL };

#define JOB_COLS "id, kind, COALESCE(key, ''), payload, run_at, status, attempts, lease_owner," \
		 " lease_until, last_error, created_at, updated_at"

static void job_row(const PGresult *r, int i, void *row)
{
	struct job *j = row;

	j->id = pg_col_int(r, i, 0);
	pg_col_text(r, i, 1, j->kind, sizeof(j->kind));
	pg_col_text(r, i, 2, j->key, sizeof(j->key));
	pg_col_text(r, i, 3, j->payload, sizeof(j->payload));
	j->run_at = pg_col_int(r, i, 4);
	j->status = (enum job_status)pg_col_enum(r, i, 5, job_status_names);
	j->attempts = (int)pg_col_int(r, i, 6);
	pg_col_text(r, i, 7, j->lease_owner, sizeof(j->lease_owner));
	j->lease_until = pg_col_int(r, i, 8);
	pg_col_text(r, i, 9, j->last_error, sizeof(j->last_error));
	j->created_at = pg_col_int(r, i, 10);
	j->updated_at = pg_col_int(r, i, 11);
}

enum ob_rc pg_job_insert(struct store *st, const struct job *j, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO jobs (kind, key, payload, run_at, status, created_at,"
				  " updated_at) VALUES ($1, NULLIF($2, ''), $3, $4, 'pending', $5, $5)"
				  " ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, j->kind);
	pg_text(&a, j->key);
	pg_text(&a, j->payload);
	pg_int(&a, j->run_at);
	pg_int(&a, j->created_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_job_claim(struct store *st, int64_t now, const char *owner, int64_t lease_until,
			struct job *out, struct ob_err *err)
{
	static const char sql[] =
		"UPDATE jobs SET status = 'running', lease_owner = $2, lease_until = $3,"
		" attempts = attempts + 1, updated_at = $1 WHERE id = (SELECT id FROM jobs"
		" WHERE (status = 'pending' AND run_at <= $1) OR (status = 'running' AND lease_until < $1)"
		" ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING " JOB_COLS;
	struct pg_store *s = P(st);
	struct pg_args a = { 0 };
	int own;
	enum ob_rc rc;

	pg_int(&a, now);
	pg_text(&a, owner);
	pg_int(&a, lease_until);
	if ((rc = pg_write_begin(s, &own, err)) != OB_OK)
		return rc;
	return pg_write_end(s, own, pg_one(s, sql, &a, out, sizeof(*out), job_row, err), err);
}

enum ob_rc pg_job_finish(struct store *st, const struct job *j, struct ob_err *err)
{
	static const char sql[] = "UPDATE jobs SET status = $3, run_at = $4, last_error = $5,"
				  " lease_owner = '', lease_until = 0, updated_at = $6"
				  " WHERE id = $1 AND lease_owner = $2 AND status = 'running'";
	struct pg_args a = { 0 };
	int64_t n = 0;
	enum ob_rc rc;

	pg_int(&a, j->id);
	pg_text(&a, j->lease_owner);
	pg_text(&a, job_status_names[j->status]);
	pg_int(&a, j->run_at);
	pg_text(&a, j->last_error);
	pg_int(&a, j->updated_at);
	if ((rc = pg_write(P(st), sql, &a, &n, err)) != OB_OK)
		return rc;
	if (n == 0)
		return ob_fail(err, OB_ECONFLICT, "lease_lost", NULL, "another worker took this job over");
	return OB_OK;
}

enum ob_rc pg_job_get(struct store *st, const char *key, struct job *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " JOB_COLS " FROM jobs WHERE key = $1";
	struct pg_args a = { 0 };

	pg_text(&a, key);
	return pg_one(P(st), sql, &a, out, sizeof(*out), job_row, err);
}

enum ob_rc pg_job_cancel(struct store *st, const char *key, struct ob_err *err)
{
	static const char sql[] = "UPDATE jobs SET status = 'done', last_error = 'cancelled'"
				  " WHERE key = $1 AND status = 'pending'";
	struct pg_args a = { 0 };

	pg_text(&a, key);
	return pg_write(P(st), sql, &a, NULL, err);
}
