/* pg_exports.c: data exports on PostgreSQL, and the reads an export makes
 * that the record lists do not offer. Queries and their semantics are
 * those of sqlite/sqlite_exports.c. */
#include "store/pg/pg_internal.h"

#include <string.h>

#define EXPORT_COLS "id, seller_id, status, requested_by, done, total, attempts, size_bytes, error," \
		    " created_at, started_at, updated_at, completed_at, expires_at, deleted_at"

static void export_row(const PGresult *r, int i, void *row)
{
	struct export *e = row;
	int st = store_enum_parse(export_status_names, PQgetvalue(r, i, 2));

	pg_col_text(r, i, 0, e->id, sizeof(e->id));
	pg_col_text(r, i, 1, e->seller_id, sizeof(e->seller_id));
	e->status = st < 0 ? EXPORT_FAILED : (enum export_status)st;
	pg_col_text(r, i, 3, e->requested_by, sizeof(e->requested_by));
	e->done = pg_col_int(r, i, 4);
	e->total = pg_col_int(r, i, 5);
	e->attempts = (int)pg_col_int(r, i, 6);
	e->size_bytes = pg_col_int(r, i, 7);
	pg_col_text(r, i, 8, e->error, sizeof(e->error));
	e->created_at = pg_col_int(r, i, 9);
	e->started_at = pg_col_int(r, i, 10);
	e->updated_at = pg_col_int(r, i, 11);
	e->completed_at = pg_col_int(r, i, 12);
	e->expires_at = pg_col_int(r, i, 13);
	e->deleted_at = pg_col_int(r, i, 14);
}

enum ob_rc pg_export_insert(struct store *st, const struct export *e, struct ob_err *err)
{
	/* ON CONFLICT without a target: the id and the one-active-export
	 * index alike answer "already exists" */
	static const char sql[] = "INSERT INTO exports (" EXPORT_COLS ") VALUES ($1, $2, $3, $4, $5,"
				  " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, e->id);
	pg_text(&a, e->seller_id);
	pg_text(&a, export_status_names[e->status]);
	pg_text(&a, e->requested_by);
	pg_int(&a, e->done);
	pg_int(&a, e->total);
	pg_int(&a, e->attempts);
	pg_int(&a, e->size_bytes);
	pg_text(&a, e->error);
	pg_int(&a, e->created_at);
	pg_int(&a, e->started_at);
	pg_int(&a, e->updated_at);
	pg_int(&a, e->completed_at);
	pg_int(&a, e->expires_at);
	pg_int(&a, e->deleted_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_export_get(struct store *st, const char *id, struct export *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " EXPORT_COLS " FROM exports WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, id);
	return pg_one(P(st), sql, &a, out, sizeof(*out), export_row, err);
}

enum ob_rc pg_export_update(struct store *st, const struct export *e, enum export_status expect,
			    struct ob_err *err)
{
	static const char sql[] = "UPDATE exports SET status = $3, done = $4, total = $5, attempts = $6,"
				  " size_bytes = $7, error = $8, started_at = $9, updated_at = $10,"
				  " completed_at = $11, expires_at = $12, deleted_at = $13"
				  " WHERE id = $1 AND status = $2";
	struct pg_args a = { 0 };
	struct export cur;
	int64_t n = 0;
	enum ob_rc rc;

	pg_text(&a, e->id);
	pg_text(&a, export_status_names[expect]);
	pg_text(&a, export_status_names[e->status]);
	pg_int(&a, e->done);
	pg_int(&a, e->total);
	pg_int(&a, e->attempts);
	pg_int(&a, e->size_bytes);
	pg_text(&a, e->error);
	pg_int(&a, e->started_at);
	pg_int(&a, e->updated_at);
	pg_int(&a, e->completed_at);
	pg_int(&a, e->expires_at);
	pg_int(&a, e->deleted_at);
	if ((rc = pg_write(P(st), sql, &a, &n, err)) != OB_OK)
		return rc;
	if (n > 0)
		return OB_OK;
	if ((rc = pg_export_get(st, e->id, &cur, err)) != OB_OK)
		return rc;
	return ob_fail(err, OB_ECONFLICT, "export_changed", NULL, "the export is %s now",
		       export_status_names[cur.status]);
}

enum ob_rc pg_export_active(struct store *st, const char *seller_id, struct export *out,
			    struct ob_err *err)
{
	static const char sql[] = "SELECT " EXPORT_COLS " FROM exports WHERE seller_id = $1"
				  " AND status IN ('pending','running')";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	return pg_one(P(st), sql, &a, out, sizeof(*out), export_row, err);
}

static void first_int(const PGresult *r, int i, void *row)
{
	*(int64_t *)row = pg_col_int(r, i, 0);
}

enum ob_rc pg_export_last_completed(struct store *st, const char *seller_id, int64_t *completed_at,
				    struct ob_err *err)
{
	static const char sql[] = "SELECT COALESCE(MAX(completed_at), 0) FROM exports WHERE seller_id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	return pg_one(P(st), sql, &a, completed_at, sizeof(*completed_at), first_int, err);
}

static void counts_row(const PGresult *r, int i, void *row)
{
	struct export_counts *c = row;
	int64_t *fields[] = { &c->listings, &c->orders, &c->order_items, &c->disputes, &c->ledger,
			      &c->payouts, &c->closures, &c->audit };

	for (int k = 0; k < (int)(sizeof(fields) / sizeof(fields[0])); k++)
		*fields[k] = pg_col_int(r, i, k);
}

enum ob_rc pg_export_counts(struct store *st, const char *seller_id, struct export_counts *out,
			    struct ob_err *err)
{
	static const char sql[] =
		"SELECT (SELECT COUNT(*) FROM listings WHERE seller_id = $1),"
		" (SELECT COUNT(*) FROM orders WHERE seller_id = $1),"
		" (SELECT COUNT(*) FROM orders o JOIN order_items i ON i.order_id = o.id"
		"  WHERE o.seller_id = $1),"
		" (SELECT COUNT(*) FROM disputes WHERE seller_id = $1),"
		" (SELECT COUNT(*) FROM ledger_txns WHERE seller_id = $1),"
		" (SELECT COUNT(*) FROM payouts WHERE seller_id = $1),"
		" (SELECT COUNT(*) FROM closures WHERE seller_id = $1),"
		" (SELECT COUNT(*) FROM audit_log WHERE seller_id = $1)";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	return pg_one(P(st), sql, &a, out, sizeof(*out), counts_row, err);
}

static void item_row(const PGresult *r, int i, void *row)
{
	struct order_item_row *x = row;

	x->placed_at = pg_col_int(r, i, 0);
	pg_col_text(r, i, 1, x->currency, sizeof(x->currency));
	pg_col_text(r, i, 2, x->item.order_id, sizeof(x->item.order_id));
	x->item.line = (int)pg_col_int(r, i, 3);
	pg_col_text(r, i, 4, x->item.sku, sizeof(x->item.sku));
	pg_col_text(r, i, 5, x->item.title, sizeof(x->item.title));
	x->item.quantity = pg_col_int(r, i, 6);
	x->item.unit_price_minor = pg_col_int(r, i, 7);
}

enum ob_rc pg_order_items_page(struct store *st, const char *seller_id, int64_t after_time,
			       const char *after_order, int after_line, struct order_item_row *out,
			       size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] =
		"SELECT o.placed_at, o.currency, i.order_id, i.line, i.sku, i.title, i.quantity,"
		" i.unit_price_minor FROM orders o JOIN order_items i ON i.order_id = o.id"
		" WHERE o.seller_id = $1 AND (o.placed_at, o.id) <= ($2, $3)"
		" AND ((o.placed_at, o.id) < ($2, $3) OR i.line > $4)"
		" ORDER BY o.placed_at DESC, o.id DESC, i.line LIMIT $5";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	pg_int(&a, after_order ? after_time : INT64_MAX);
	pg_text(&a, after_order ? after_order : "");
	pg_int(&a, after_order ? after_line : 0);
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, item_row, err);
}

/* The columns of pg_closure.c's closures, without the token's hash. */
static void closure_row(const PGresult *r, int i, void *row)
{
	struct closure *c = row;

	pg_col_text(r, i, 0, c->id, sizeof(c->id));
	pg_col_text(r, i, 1, c->seller_id, sizeof(c->seller_id));
	c->method = strcmp(PQgetvalue(r, i, 2), "pause") == 0 ? CLOSURE_METHOD_PAUSE : CLOSURE_METHOD_CLOSE;
	c->status = (enum closure_status)pg_col_enum(r, i, 3, closure_status_names);
	pg_col_text(r, i, 4, c->reason, sizeof(c->reason));
	pg_col_text(r, i, 5, c->reason_text, sizeof(c->reason_text));
	c->token_expires_at = pg_col_int(r, i, 6);
	c->requested_at = pg_col_int(r, i, 7);
	c->confirmed_at = pg_col_int(r, i, 8);
	c->ended_at = pg_col_int(r, i, 9);
	c->closes_at = pg_col_int(r, i, 10);
	c->closed_at = pg_col_int(r, i, 11);
	c->reserve_release_at = pg_col_int(r, i, 12);
	c->history_ends_at = pg_col_int(r, i, 13);
	c->erase_at = pg_col_int(r, i, 14);
	pg_col_text(r, i, 15, c->policy, sizeof(c->policy));
}

enum ob_rc pg_closures_of_seller(struct store *st, const char *seller_id, int64_t after_time,
				 const char *after_id, struct closure *out, size_t cap, size_t *n,
				 struct ob_err *err)
{
	static const char sql[] =
		"SELECT id, seller_id, method, status, reason, reason_text, token_expires_at,"
		" requested_at, confirmed_at, ended_at, closes_at, closed_at, reserve_release_at,"
		" history_ends_at, erase_at, policy FROM closures WHERE seller_id = $1"
		" AND (requested_at, id) < ($2, $3) ORDER BY requested_at DESC, id DESC LIMIT $4";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	pg_int(&a, after_id ? after_time : INT64_MAX);
	pg_text(&a, after_id ? after_id : "");
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, closure_row, err);
}

enum ob_rc pg_job_renew(struct store *st, int64_t id, const char *owner, int64_t lease_until,
			struct ob_err *err)
{
	static const char sql[] = "UPDATE jobs SET lease_until = $3 WHERE id = $1 AND lease_owner = $2"
				  " AND status = 'running'";
	struct pg_args a = { 0 };
	int64_t n = 0;
	enum ob_rc rc;

	pg_int(&a, id);
	pg_text(&a, owner);
	pg_int(&a, lease_until);
	if ((rc = pg_write(P(st), sql, &a, &n, err)) != OB_OK)
		return rc;
	if (n == 0)
		return ob_fail(err, OB_ECONFLICT, "lease_lost", NULL, "another worker took this job over");
	return OB_OK;
}
