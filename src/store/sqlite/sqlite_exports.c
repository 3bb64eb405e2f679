/* sqlite_exports.c: data exports of the SQLite backend, and the reads an
 * export makes that the record lists do not offer: counts, order items by
 * seller, a seller's closures, and the lease renewal of its long job. */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

#define EXPORT_COLS "id, seller_id, status, requested_by, done, total, attempts, size_bytes, error," \
		    " created_at, started_at, updated_at, completed_at, expires_at, deleted_at"

static void export_row(sqlite3_stmt *q, void *row)
{
	struct export *e = row;
	char v[16];
	int st;

	sq_col_text(q, 0, e->id, sizeof(e->id));
	sq_col_text(q, 1, e->seller_id, sizeof(e->seller_id));
	sq_col_text(q, 2, v, sizeof(v));
	st = store_enum_parse(export_status_names, v);
	e->status = st < 0 ? EXPORT_FAILED : (enum export_status)st;
	sq_col_text(q, 3, e->requested_by, sizeof(e->requested_by));
	e->done = sqlite3_column_int64(q, 4);
	e->total = sqlite3_column_int64(q, 5);
	e->attempts = sqlite3_column_int(q, 6);
	e->size_bytes = sqlite3_column_int64(q, 7);
	sq_col_text(q, 8, e->error, sizeof(e->error));
	e->created_at = sqlite3_column_int64(q, 9);
	e->started_at = sqlite3_column_int64(q, 10);
	e->updated_at = sqlite3_column_int64(q, 11);
	e->completed_at = sqlite3_column_int64(q, 12);
	e->expires_at = sqlite3_column_int64(q, 13);
	e->deleted_at = sqlite3_column_int64(q, 14);
}

static enum ob_rc export_one(struct sqlite_store *s, sqlite3_stmt *q, struct export *out,
			     struct ob_err *err)
{
	enum ob_rc rc = sq_step_row(s, q, err);

	if (rc != OB_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	export_row(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_export_insert(struct store *st, const struct export *e, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO exports (" EXPORT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5,"
				  " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, e->id);
	sq_bind_text(q, 2, e->seller_id);
	sq_bind_text(q, 3, export_status_names[e->status]);
	sq_bind_text(q, 4, e->requested_by);
	sqlite3_bind_int64(q, 5, e->done);
	sqlite3_bind_int64(q, 6, e->total);
	sqlite3_bind_int(q, 7, e->attempts);
	sqlite3_bind_int64(q, 8, e->size_bytes);
	sq_bind_text(q, 9, e->error);
	sqlite3_bind_int64(q, 10, e->created_at);
	sqlite3_bind_int64(q, 11, e->started_at);
	sqlite3_bind_int64(q, 12, e->updated_at);
	sqlite3_bind_int64(q, 13, e->completed_at);
	sqlite3_bind_int64(q, 14, e->expires_at);
	sqlite3_bind_int64(q, 15, e->deleted_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_export_get(struct store *st, const char *id, struct export *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " EXPORT_COLS " FROM exports WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	return export_one(s, q, out, err);
}

enum ob_rc sq_export_update(struct store *st, const struct export *e, enum export_status expect,
			    struct ob_err *err)
{
	static const char sql[] = "UPDATE exports SET status = ?3, done = ?4, total = ?5, attempts = ?6,"
				  " size_bytes = ?7, error = ?8, started_at = ?9, updated_at = ?10,"
				  " completed_at = ?11, expires_at = ?12, deleted_at = ?13"
				  " WHERE id = ?1 AND status = ?2";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	struct export cur;
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, e->id);
	sq_bind_text(q, 2, export_status_names[expect]);
	sq_bind_text(q, 3, export_status_names[e->status]);
	sqlite3_bind_int64(q, 4, e->done);
	sqlite3_bind_int64(q, 5, e->total);
	sqlite3_bind_int(q, 6, e->attempts);
	sqlite3_bind_int64(q, 7, e->size_bytes);
	sq_bind_text(q, 8, e->error);
	sqlite3_bind_int64(q, 9, e->started_at);
	sqlite3_bind_int64(q, 10, e->updated_at);
	sqlite3_bind_int64(q, 11, e->completed_at);
	sqlite3_bind_int64(q, 12, e->expires_at);
	sqlite3_bind_int64(q, 13, e->deleted_at);
	if ((rc = sq_exec_done(s, q, err)) != OB_OK)
		return rc;
	if (sqlite3_changes64(s->db) > 0)
		return OB_OK;
	if ((rc = sq_export_get(st, e->id, &cur, err)) != OB_OK)
		return rc;
	return ob_fail(err, OB_ECONFLICT, "export_changed", NULL, "the export is %s now",
		       export_status_names[cur.status]);
}

enum ob_rc sq_export_active(struct store *st, const char *seller_id, struct export *out,
			    struct ob_err *err)
{
	static const char sql[] = "SELECT " EXPORT_COLS " FROM exports WHERE seller_id = ?1"
				  " AND status IN ('pending','running')";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	return export_one(s, q, out, err);
}

enum ob_rc sq_export_last_completed(struct store *st, const char *seller_id, int64_t *completed_at,
				    struct ob_err *err)
{
	static const char sql[] = "SELECT COALESCE(MAX(completed_at), 0) FROM exports WHERE seller_id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	*completed_at = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_export_counts(struct store *st, const char *seller_id, struct export_counts *out,
			    struct ob_err *err)
{
	static const char sql[] =
		"SELECT (SELECT COUNT(*) FROM listings WHERE seller_id = ?1),"
		" (SELECT COUNT(*) FROM orders WHERE seller_id = ?1),"
		" (SELECT COUNT(*) FROM orders o JOIN order_items i ON i.order_id = o.id"
		"  WHERE o.seller_id = ?1),"
		" (SELECT COUNT(*) FROM disputes WHERE seller_id = ?1),"
		" (SELECT COUNT(*) FROM ledger_txns WHERE seller_id = ?1),"
		" (SELECT COUNT(*) FROM payouts WHERE seller_id = ?1),"
		" (SELECT COUNT(*) FROM closures WHERE seller_id = ?1),"
		" (SELECT COUNT(*) FROM audit_log WHERE seller_id = ?1)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	out->listings = sqlite3_column_int64(q, 0);
	out->orders = sqlite3_column_int64(q, 1);
	out->order_items = sqlite3_column_int64(q, 2);
	out->disputes = sqlite3_column_int64(q, 3);
	out->ledger = sqlite3_column_int64(q, 4);
	out->payouts = sqlite3_column_int64(q, 5);
	out->closures = sqlite3_column_int64(q, 6);
	out->audit = sqlite3_column_int64(q, 7);
	sqlite3_reset(q);
	return OB_OK;
}

static void item_row(sqlite3_stmt *q, void *row)
{
	struct order_item_row *r = row;

	r->placed_at = sqlite3_column_int64(q, 0);
	sq_col_text(q, 1, r->currency, sizeof(r->currency));
	sq_col_text(q, 2, r->item.order_id, sizeof(r->item.order_id));
	r->item.line = sqlite3_column_int(q, 3);
	sq_col_text(q, 4, r->item.sku, sizeof(r->item.sku));
	sq_col_text(q, 5, r->item.title, sizeof(r->item.title));
	r->item.quantity = sqlite3_column_int64(q, 6);
	r->item.unit_price_minor = sqlite3_column_int64(q, 7);
}

enum ob_rc sq_order_items_page(struct store *st, const char *seller_id, int64_t after_time,
			       const char *after_order, int after_line, struct order_item_row *out,
			       size_t cap, size_t *n, struct ob_err *err)
{
	/* The orders walk their (seller, placed_at, id) index backwards; the
	 * lines of each come in order from the items' primary key. */
	static const char sql[] =
		"SELECT o.placed_at, o.currency, i.order_id, i.line, i.sku, i.title, i.quantity,"
		" i.unit_price_minor FROM orders o JOIN order_items i ON i.order_id = o.id"
		" WHERE o.seller_id = ?1 AND (o.placed_at, o.id) <= (?2, ?3)"
		" AND ((o.placed_at, o.id) < (?2, ?3) OR i.line > ?4)"
		" ORDER BY o.placed_at DESC, o.id DESC, i.line LIMIT ?5";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	sqlite3_bind_int64(q, 2, after_order ? after_time : INT64_MAX);
	sq_bind_text(q, 3, after_order ? after_order : "");
	sqlite3_bind_int(q, 4, after_order ? after_line : 0);
	sqlite3_bind_int64(q, 5, (sqlite3_int64)cap);
	return sq_rows(s, q, out, sizeof(*out), cap, n, item_row, err);
}

/* The columns and reading of sqlite_closure.c's closures. */
static void closure_row(sqlite3_stmt *q, void *row)
{
	struct closure *c = row;
	char v[32];
	int e;

	sq_col_text(q, 0, c->id, sizeof(c->id));
	sq_col_text(q, 1, c->seller_id, sizeof(c->seller_id));
	sq_col_text(q, 2, v, sizeof(v));
	c->method = strcmp(v, "pause") == 0 ? CLOSURE_METHOD_PAUSE : CLOSURE_METHOD_CLOSE;
	sq_col_text(q, 3, v, sizeof(v));
	e = store_enum_parse(closure_status_names, v);
	c->status = e < 0 ? CLOSURE_REQUESTED : (enum closure_status)e;
	sq_col_text(q, 4, c->reason, sizeof(c->reason));
	sq_col_text(q, 5, c->reason_text, sizeof(c->reason_text));
	c->token_expires_at = sqlite3_column_int64(q, 6);
	c->requested_at = sqlite3_column_int64(q, 7);
	c->confirmed_at = sqlite3_column_int64(q, 8);
	c->ended_at = sqlite3_column_int64(q, 9);
	c->closes_at = sqlite3_column_int64(q, 10);
	c->closed_at = sqlite3_column_int64(q, 11);
	c->reserve_release_at = sqlite3_column_int64(q, 12);
	c->history_ends_at = sqlite3_column_int64(q, 13);
	c->erase_at = sqlite3_column_int64(q, 14);
	sq_col_text(q, 15, c->policy, sizeof(c->policy));
}

enum ob_rc sq_closures_of_seller(struct store *st, const char *seller_id, int64_t after_time,
				 const char *after_id, struct closure *out, size_t cap, size_t *n,
				 struct ob_err *err)
{
	/* never the confirmation token's hash: nobody needs it outside */
	static const char sql[] =
		"SELECT id, seller_id, method, status, reason, reason_text, token_expires_at,"
		" requested_at, confirmed_at, ended_at, closes_at, closed_at, reserve_release_at,"
		" history_ends_at, erase_at, policy FROM closures WHERE seller_id = ?1"
		" AND (requested_at, id) < (?2, ?3) ORDER BY requested_at DESC, id DESC LIMIT ?4";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	sqlite3_bind_int64(q, 2, after_id ? after_time : INT64_MAX);
	sq_bind_text(q, 3, after_id ? after_id : "");
	sqlite3_bind_int64(q, 4, (sqlite3_int64)cap);
	return sq_rows(s, q, out, sizeof(*out), cap, n, closure_row, err);
}

enum ob_rc sq_job_renew(struct store *st, int64_t id, const char *owner, int64_t lease_until,
			struct ob_err *err)
{
	static const char sql[] = "UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND lease_owner = ?2"
				  " AND status = 'running'";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sqlite3_bind_int64(q, 1, id);
	sq_bind_text(q, 2, owner);
	sqlite3_bind_int64(q, 3, lease_until);
	if ((rc = sq_exec_done(s, q, err)) != OB_OK)
		return rc;
	if (sqlite3_changes64(s->db) == 0)
		return ob_fail(err, OB_ECONFLICT, "lease_lost", NULL, "another worker took this job over");
	return OB_OK;
}
