/* sqlite_holds.c: legal holds of the SQLite backend (migration 9): an
 * operator's order to keep a seller's data, which stops the purge while it
 * is in force. The rules are domain/legal_hold.c's. */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

#define HOLD_COLS "id, seller_id, reason, until, created_by, created_at, released_at, released_by"

static void hold_row(sqlite3_stmt *q, void *row)
{
	struct legal_hold *h = row;

	sq_col_text(q, 0, h->id, sizeof(h->id));
	sq_col_text(q, 1, h->seller_id, sizeof(h->seller_id));
	sq_col_text(q, 2, h->reason, sizeof(h->reason));
	h->until = sqlite3_column_int64(q, 3);
	sq_col_text(q, 4, h->created_by, sizeof(h->created_by));
	h->created_at = sqlite3_column_int64(q, 5);
	h->released_at = sqlite3_column_int64(q, 6);
	sq_col_text(q, 7, h->released_by, sizeof(h->released_by));
}

enum ob_rc sq_legal_hold_insert(struct store *st, const struct legal_hold *h, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO legal_holds (" HOLD_COLS ")"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, h->id);
	sq_bind_text(q, 2, h->seller_id);
	sq_bind_text(q, 3, h->reason);
	sqlite3_bind_int64(q, 4, h->until);
	sq_bind_text(q, 5, h->created_by);
	sqlite3_bind_int64(q, 6, h->created_at);
	sqlite3_bind_int64(q, 7, h->released_at);
	sq_bind_text(q, 8, h->released_by);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_legal_hold_get(struct store *st, const char *id, struct legal_hold *out,
			     struct ob_err *err)
{
	static const char sql[] = "SELECT " HOLD_COLS " FROM legal_holds WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	hold_row(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_legal_hold_release(struct store *st, const char *id, const char *by, int64_t now,
				 struct ob_err *err)
{
	static const char sql[] = "UPDATE legal_holds SET released_at = ?3, released_by = ?2"
				  " WHERE id = ?1 AND released_at = 0";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	struct legal_hold cur;
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	sq_bind_text(q, 2, by);
	sqlite3_bind_int64(q, 3, now);
	if ((rc = sq_exec_done(s, q, err)) != OB_OK)
		return rc;
	if (sqlite3_changes64(s->db) > 0)
		return OB_OK;
	if ((rc = sq_legal_hold_get(st, id, &cur, err)) != OB_OK)
		return rc;
	return ob_fail(err, OB_ECONFLICT, "legal_hold_released", NULL, "the legal hold was released already");
}

enum ob_rc sq_legal_holds_list(struct store *st, const char *seller_id, int64_t after_time,
			       const char *after_id, struct legal_hold *out, size_t cap, size_t *n,
			       struct ob_err *err)
{
	/* one statement per filter, so that a seller's list walks its index */
	static const char sql_seller[] =
		"SELECT " HOLD_COLS " FROM legal_holds WHERE seller_id = ?1"
		" AND (created_at, id) < (?2, ?3) ORDER BY created_at DESC, id DESC LIMIT ?4";
	static const char sql_all[] =
		"SELECT " HOLD_COLS " FROM legal_holds"
		" WHERE (created_at, id) < (?2, ?3) ORDER BY created_at DESC, id DESC LIMIT ?4";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, seller_id ? sql_seller : sql_all, err);

	if (q == NULL)
		return err->rc;
	if (seller_id)
		sq_bind_text(q, 1, seller_id);
	sqlite3_bind_int64(q, 2, after_id ? after_time : INT64_MAX);
	sq_bind_text(q, 3, after_id ? after_id : "");
	sqlite3_bind_int64(q, 4, (sqlite3_int64)cap);
	return sq_rows(s, q, out, sizeof(*out), cap, n, hold_row, err);
}

enum ob_rc sq_legal_hold_until(struct store *st, const char *seller_id, int64_t now, int64_t *until,
			       struct ob_err *err)
{
	static const char sql[] = "SELECT COALESCE(MAX(until), 0) FROM legal_holds WHERE seller_id = ?1"
				  " AND released_at = 0 AND until > ?2";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	sqlite3_bind_int64(q, 2, now);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	*until = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return OB_OK;
}
