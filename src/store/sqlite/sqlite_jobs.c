/* sqlite_jobs.c: the job queue. A claim is one UPDATE ... RETURNING under
 * the write lock, so two processes never take the same job. */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

static const char *const job_status_names[] = { "pending", "running", "done", "dead", NULL };

#define JOB_COLS "id, kind, COALESCE(key, ''), payload, run_at, status, attempts, lease_owner," \
		 " lease_until, last_error, created_at, updated_at"

static void job_row(sqlite3_stmt *q, void *row)
{
	struct job *j = row;
	char v[16];
	int e;

	j->id = sqlite3_column_int64(q, 0);
	sq_col_text(q, 1, j->kind, sizeof(j->kind));
	sq_col_text(q, 2, j->key, sizeof(j->key));
	sq_col_text(q, 3, j->payload, sizeof(j->payload));
	j->run_at = sqlite3_column_int64(q, 4);
	sq_col_text(q, 5, v, sizeof(v));
	e = store_enum_parse(job_status_names, v);
	j->status = e < 0 ? JOB_PENDING : (enum job_status)e;
	j->attempts = sqlite3_column_int(q, 6);
	sq_col_text(q, 7, j->lease_owner, sizeof(j->lease_owner));
	j->lease_until = sqlite3_column_int64(q, 8);
	sq_col_text(q, 9, j->last_error, sizeof(j->last_error));
	j->created_at = sqlite3_column_int64(q, 10);
	j->updated_at = sqlite3_column_int64(q, 11);
}

enum ob_rc sq_job_insert(struct store *st, const struct job *j, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO jobs (kind, key, payload, run_at, status, created_at,"
				  " updated_at) VALUES (?1, NULLIF(?2, ''), ?3, ?4, 'pending', ?5, ?5)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, j->kind);
	sq_bind_text(q, 2, j->key);
	sq_bind_text(q, 3, j->payload);
	sqlite3_bind_int64(q, 4, j->run_at);
	sqlite3_bind_int64(q, 5, j->created_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_job_claim(struct store *st, int64_t now, const char *owner, int64_t lease_until,
			struct job *out, struct ob_err *err)
{
	static const char sql[] =
		"UPDATE jobs SET status = 'running', lease_owner = ?2, lease_until = ?3,"
		" attempts = attempts + 1, updated_at = ?1 WHERE id = (SELECT id FROM jobs"
		" WHERE (status = 'pending' AND run_at <= ?1) OR (status = 'running' AND lease_until < ?1)"
		" ORDER BY run_at, id LIMIT 1) RETURNING " JOB_COLS;
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sqlite3_bind_int64(q, 1, now);
	sq_bind_text(q, 2, owner);
	sqlite3_bind_int64(q, 3, lease_until);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	job_row(q, out);
	/* RETURNING: the statement must run to its end for the change to stay */
	while (sqlite3_step(q) == SQLITE_ROW)
		;
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_job_finish(struct store *st, const struct job *j, struct ob_err *err)
{
	static const char sql[] = "UPDATE jobs SET status = ?3, run_at = ?4, last_error = ?5,"
				  " lease_owner = '', lease_until = 0, updated_at = ?6"
				  " WHERE id = ?1 AND lease_owner = ?2 AND status = 'running'";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sqlite3_bind_int64(q, 1, j->id);
	sq_bind_text(q, 2, j->lease_owner);
	sq_bind_text(q, 3, job_status_names[j->status]);
	sqlite3_bind_int64(q, 4, j->run_at);
	sq_bind_text(q, 5, j->last_error);
	sqlite3_bind_int64(q, 6, j->updated_at);
	if ((rc = sq_exec_done(s, q, err)) != OB_OK)
		return rc;
	if (sqlite3_changes64(s->db) == 0)
		return ob_fail(err, OB_ECONFLICT, "lease_lost", NULL, "another worker took this job over");
	return OB_OK;
}

enum ob_rc sq_job_get(struct store *st, const char *key, struct job *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " JOB_COLS " FROM jobs WHERE key = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, key);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	job_row(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_job_cancel(struct store *st, const char *key, struct ob_err *err)
{
	static const char sql[] = "UPDATE jobs SET status = 'done', last_error = 'cancelled'"
				  " WHERE key = ?1 AND status = 'pending'";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, key);
	return sq_exec_done(s, q, err);
}
