/* sqlite_audit.c: the audit log of the SQLite backend. The chain itself
 * (seq, prev_hash, hash) is computed by domain/audit.c; this file only
 * stores and reads records, by seq. */
#include "store/sqlite/sqlite_internal.h"

#define AUDIT_COLS "seq, at, actor, seller_id, action, detail, prev_hash, hash"

static void audit_row(sqlite3_stmt *q, void *row)
{
	struct audit_record *a = row;

	a->seq = sqlite3_column_int64(q, 0);
	a->at = sqlite3_column_int64(q, 1);
	sq_col_text(q, 2, a->actor, sizeof(a->actor));
	sq_col_text(q, 3, a->seller_id, sizeof(a->seller_id));
	sq_col_text(q, 4, a->action, sizeof(a->action));
	sq_col_text(q, 5, a->detail, sizeof(a->detail));
	sq_col_text(q, 6, a->prev_hash, sizeof(a->prev_hash));
	sq_col_text(q, 7, a->hash, sizeof(a->hash));
}

enum ob_rc sq_audit_last(struct store *st, struct audit_record *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " AUDIT_COLS " FROM audit_log ORDER BY seq DESC LIMIT 1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	audit_row(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_audit_insert(struct store *st, const struct audit_record *a, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO audit_log (" AUDIT_COLS ")"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sqlite3_bind_int64(q, 1, a->seq);
	sqlite3_bind_int64(q, 2, a->at);
	sq_bind_text(q, 3, a->actor);
	sq_bind_text(q, 4, a->seller_id);
	sq_bind_text(q, 5, a->action);
	sq_bind_text(q, 6, a->detail);
	sq_bind_text(q, 7, a->prev_hash);
	sq_bind_text(q, 8, a->hash);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_audit_scan(struct store *st, int64_t after_seq, struct audit_record *out, size_t cap,
			 size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT " AUDIT_COLS " FROM audit_log WHERE seq > ?1"
				  " ORDER BY seq LIMIT ?2";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sqlite3_bind_int64(q, 1, after_seq);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)cap);
	return sq_rows(s, q, out, sizeof(*out), cap, n, audit_row, err);
}

enum ob_rc sq_audit_list_seller(struct store *st, const char *seller_id, int64_t before_seq,
				struct audit_record *out, size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT " AUDIT_COLS " FROM audit_log WHERE seller_id = ?1"
				  " AND seq < ?2 ORDER BY seq DESC LIMIT ?3";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	sqlite3_bind_int64(q, 2, before_seq > 0 ? before_seq : INT64_MAX);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)cap);
	return sq_rows(s, q, out, sizeof(*out), cap, n, audit_row, err);
}
