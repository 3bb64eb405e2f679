/* sqlite_erasure.c: erasures, the batches of a purge and compaction, for
 * the SQLite backend (migration 9). The rules are domain/purge.c's. */
#include "store/purge_sql.h"
#include "store/sqlite/sqlite_internal.h"

#include <stdio.h>
#include <string.h>

#define ERASURE_COLS "id, seller_id, subject_sha256, pseudonym, marketplace_id, status, step," \
		     " started_at, key_destroyed_at, purged_at, retention_ends_at, certificate"

static void erasure_row(sqlite3_stmt *q, void *row)
{
	struct erasure *e = row;
	char status[24];
	int s;

	sq_col_text(q, 0, e->id, sizeof(e->id));
	sq_col_text(q, 1, e->seller_id, sizeof(e->seller_id));
	sq_col_text(q, 2, e->subject_sha256, sizeof(e->subject_sha256));
	sq_col_text(q, 3, e->pseudonym, sizeof(e->pseudonym));
	sq_col_text(q, 4, e->marketplace_id, sizeof(e->marketplace_id));
	sq_col_text(q, 5, status, sizeof(status));
	s = store_enum_parse(erasure_status_names, status);
	e->status = s < 0 ? ERASURE_RUNNING : (enum erasure_status)s;
	e->step = sqlite3_column_int(q, 6);
	e->started_at = sqlite3_column_int64(q, 7);
	e->key_destroyed_at = sqlite3_column_int64(q, 8);
	e->purged_at = sqlite3_column_int64(q, 9);
	e->retention_ends_at = sqlite3_column_int64(q, 10);
	sq_col_text(q, 11, e->certificate, sizeof(e->certificate));
}

static void bind_erasure(sqlite3_stmt *q, const struct erasure *e)
{
	sq_bind_text(q, 1, e->id);
	sq_bind_text(q, 2, e->seller_id);
	sq_bind_text(q, 3, e->subject_sha256);
	sq_bind_text(q, 4, e->pseudonym);
	sq_bind_text(q, 5, e->marketplace_id);
	sq_bind_text(q, 6, erasure_status_names[e->status]);
	sqlite3_bind_int(q, 7, e->step);
	sqlite3_bind_int64(q, 8, e->started_at);
	sqlite3_bind_int64(q, 9, e->key_destroyed_at);
	sqlite3_bind_int64(q, 10, e->purged_at);
	sqlite3_bind_int64(q, 11, e->retention_ends_at);
	sq_bind_text(q, 12, e->certificate);
}

enum ob_rc sq_erasure_insert(struct store *st, const struct erasure *e, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO erasures (" ERASURE_COLS ") VALUES"
				  " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	bind_erasure(q, e);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_erasure_update(struct store *st, const struct erasure *e, struct ob_err *err)
{
	static const char sql[] = "UPDATE erasures SET seller_id = ?2, subject_sha256 = ?3,"
				  " marketplace_id = ?5, status = ?6, step = ?7, started_at = ?8,"
				  " key_destroyed_at = ?9, purged_at = ?10, retention_ends_at = ?11,"
				  " certificate = ?12 WHERE id = ?1 AND pseudonym = ?4";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	bind_erasure(q, e);
	if ((rc = sq_exec_done(s, q, err)) != OB_OK)
		return rc;
	return sqlite3_changes(s->db) ? OB_OK : ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such erasure");
}

static enum ob_rc erasure_one(struct store *st, const char *sql, const char *arg, struct erasure *out,
			      struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, arg);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	erasure_row(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_erasure_get(struct store *st, const char *id, struct erasure *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " ERASURE_COLS " FROM erasures WHERE id = ?1";

	return erasure_one(st, sql, id, out, err);
}

enum ob_rc sq_erasure_of(struct store *st, const char *seller_id, const char *subject,
			 struct erasure *out, struct ob_err *err)
{
	static const char by_seller[] = "SELECT " ERASURE_COLS " FROM erasures WHERE seller_id = ?1";
	static const char by_subject[] = "SELECT " ERASURE_COLS " FROM erasures WHERE subject_sha256 = ?1"
					 " ORDER BY started_at DESC, id DESC LIMIT 1";
	enum ob_rc rc = OB_ENOTFOUND;

	if (seller_id != NULL && seller_id[0] != '\0' &&
	    (rc = erasure_one(st, by_seller, seller_id, out, err)) != OB_ENOTFOUND)
		return rc;
	if (subject == NULL)
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no erasure");
	return erasure_one(st, by_subject, subject, out, err);
}

enum ob_rc sq_erasure_count_add(struct store *st, const char *erasure_id, const struct erasure_count *c,
				struct ob_err *err)
{
	static const char sql[] = "INSERT INTO erasure_counts (erasure_id, tbl, erased, pseudonymised, retained)"
				  " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (erasure_id, tbl) DO UPDATE SET"
				  " erased = erased + excluded.erased,"
				  " pseudonymised = pseudonymised + excluded.pseudonymised,"
				  " retained = retained + excluded.retained";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, erasure_id);
	sq_bind_text(q, 2, c->table);
	sqlite3_bind_int64(q, 3, c->erased);
	sqlite3_bind_int64(q, 4, c->pseudonymised);
	sqlite3_bind_int64(q, 5, c->retained);
	return sq_exec_done(s, q, err);
}

static void count_row(sqlite3_stmt *q, void *row)
{
	struct erasure_count *c = row;

	sq_col_text(q, 0, c->table, sizeof(c->table));
	c->erased = sqlite3_column_int64(q, 1);
	c->pseudonymised = sqlite3_column_int64(q, 2);
	c->retained = sqlite3_column_int64(q, 3);
}

enum ob_rc sq_erasure_counts(struct store *st, const char *erasure_id, struct erasure_count *out,
			     size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT tbl, erased, pseudonymised, retained FROM erasure_counts"
				  " WHERE erasure_id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, erasure_id);
	return sq_rows(s, q, out, sizeof(*out), cap, n, count_row, err);
}

enum ob_rc sq_purge_rows(struct store *st, size_t table, enum purge_sql_kind kind, const char *owner,
			 const char *pseudonym, int64_t limit, int64_t *rows, struct ob_err *err)
{
	const char *sql = purge_sql(table, kind, '?');
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q;
	enum ob_rc rc;

	*rows = 0;
	if (sql == NULL)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "no purge statement for table %zu", table);
	if ((q = sq_prep(s, sql, err)) == NULL)
		return err->rc;
	sq_bind_text(q, 1, owner);
	if (kind == PURGE_SQL_COUNT) {
		if ((rc = sq_step_row(s, q, err)) != OB_OK)
			return rc;
		*rows = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
		return OB_OK;
	}
	sqlite3_bind_int64(q, 2, limit);
	if (kind == PURGE_SQL_PSEUDONYMISE)
		sq_bind_text(q, 3, pseudonym);
	if ((rc = sq_exec_done(s, q, err)) != OB_OK)
		return rc;
	*rows = sqlite3_changes64(s->db);
	return OB_OK;
}

static void id_row(sqlite3_stmt *q, void *row)
{
	sq_col_text(q, 0, row, ID_MAX);
}

enum ob_rc sq_purge_ids(struct store *st, size_t table, const char *owner, const char *after, size_t cap,
			char (*ids)[ID_MAX], size_t *n, struct ob_err *err)
{
	const char *sql = purge_sql(table, PURGE_SQL_IDS, '?');
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q;

	*n = 0;
	if (sql == NULL)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "table %zu is not keyed by id", table);
	if ((q = sq_prep(s, sql, err)) == NULL)
		return err->rc;
	sq_bind_text(q, 1, owner);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)cap);
	sq_bind_text(q, 3, after);
	return sq_rows(s, q, ids, ID_MAX, cap, n, id_row, err);
}

/* incremental_vacuum moves pages only in a database made with auto_vacuum
 * (every database this version makes); the checkpoint then rewrites the
 * file from the log and TRUNCATE leaves the log empty. Both may find the
 * database busy: the next call does the rest. */
enum ob_rc sq_compact(struct store *st, int64_t pages, int64_t *left, struct ob_err *err)
{
	static const char freelist[] = "PRAGMA freelist_count";
	struct sqlite_store *s = S(st);
	char sql[64];
	sqlite3_stmt *q;
	enum ob_rc rc;

	*left = 0;
	snprintf(sql, sizeof(sql), "PRAGMA incremental_vacuum(%lld)", (long long)pages);
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(s, sqlite3_extended_errcode(s->db), err);
	sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if ((q = sq_prep(s, freelist, err)) == NULL)
		return err->rc;
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	*left = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return OB_OK;
}
