/* pg_holds.c: legal holds on PostgreSQL (migration 9). Queries and their
 * semantics are those of sqlite/sqlite_holds.c. */
#include "store/pg/pg_internal.h"

#include <string.h>

#define HOLD_COLS "id, seller_id, reason, until, created_by, created_at, released_at, released_by"

static void hold_row(const PGresult *r, int i, void *row)
{
	struct legal_hold *h = row;

	pg_col_text(r, i, 0, h->id, sizeof(h->id));
	pg_col_text(r, i, 1, h->seller_id, sizeof(h->seller_id));
	pg_col_text(r, i, 2, h->reason, sizeof(h->reason));
	h->until = pg_col_int(r, i, 3);
	pg_col_text(r, i, 4, h->created_by, sizeof(h->created_by));
	h->created_at = pg_col_int(r, i, 5);
	h->released_at = pg_col_int(r, i, 6);
	pg_col_text(r, i, 7, h->released_by, sizeof(h->released_by));
}

enum ob_rc pg_legal_hold_insert(struct store *st, const struct legal_hold *h, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO legal_holds (" HOLD_COLS ")"
				  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, h->id);
	pg_text(&a, h->seller_id);
	pg_text(&a, h->reason);
	pg_int(&a, h->until);
	pg_text(&a, h->created_by);
	pg_int(&a, h->created_at);
	pg_int(&a, h->released_at);
	pg_text(&a, h->released_by);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_legal_hold_get(struct store *st, const char *id, struct legal_hold *out,
			     struct ob_err *err)
{
	static const char sql[] = "SELECT " HOLD_COLS " FROM legal_holds WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, id);
	return pg_one(P(st), sql, &a, out, sizeof(*out), hold_row, err);
}

enum ob_rc pg_legal_hold_release(struct store *st, const char *id, const char *by, int64_t now,
				 struct ob_err *err)
{
	static const char sql[] = "UPDATE legal_holds SET released_at = $3, released_by = $2"
				  " WHERE id = $1 AND released_at = 0";
	struct pg_args a = { 0 };
	struct legal_hold cur;
	int64_t n = 0;
	enum ob_rc rc;

	pg_text(&a, id);
	pg_text(&a, by);
	pg_int(&a, now);
	if ((rc = pg_write(P(st), sql, &a, &n, err)) != OB_OK)
		return rc;
	if (n > 0)
		return OB_OK;
	if ((rc = pg_legal_hold_get(st, id, &cur, err)) != OB_OK)
		return rc;
	return ob_fail(err, OB_ECONFLICT, "legal_hold_released", NULL, "the legal hold was released already");
}

enum ob_rc pg_legal_holds_list(struct store *st, const char *seller_id, int64_t after_time,
			       const char *after_id, struct legal_hold *out, size_t cap, size_t *n,
			       struct ob_err *err)
{
	static const char sql_seller[] =
		"SELECT " HOLD_COLS " FROM legal_holds WHERE seller_id = $1"
		" AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT $4";
	static const char sql_all[] =
		"SELECT " HOLD_COLS " FROM legal_holds"
		" WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT $3";
	struct pg_args a = { 0 };

	if (seller_id)
		pg_text(&a, seller_id);
	pg_int(&a, after_id ? after_time : INT64_MAX);
	pg_text(&a, after_id ? after_id : "");
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), seller_id ? sql_seller : sql_all, &a, out, sizeof(*out), cap, n,
		       hold_row, err);
}

static void first_int(const PGresult *r, int i, void *row)
{
	*(int64_t *)row = pg_col_int(r, i, 0);
}

enum ob_rc pg_legal_hold_until(struct store *st, const char *seller_id, int64_t now, int64_t *until,
			       struct ob_err *err)
{
	static const char sql[] = "SELECT COALESCE(MAX(until), 0) FROM legal_holds WHERE seller_id = $1"
				  " AND released_at = 0 AND until > $2";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	pg_int(&a, now);
	return pg_one(P(st), sql, &a, until, sizeof(*until), first_int, err);
}
