/* sqlite_facts.c: the marketplace facts of the SQLite backend: listings,
 * orders, disputes, ledger, balances, payouts, inventory, services, and
 * the invariant checks of `offboard check`. */
#include "store/sqlite/sqlite_internal.h"

#include "store/check_sql.h"

#include <stdio.h>
#include <string.h>

/* Binds the common part of a page query: ?1 seller, ?2..?3 time range,
 * ?4..?5 keyset cursor, ?6 limit, ?7 status (when filtered). A missing
 * cursor is (INT64_MAX, ''), after every row; a missing range is open. */
static void bind_page(sqlite3_stmt *q, const struct page_query *pq, const char *const *names)
{
	sq_bind_text(q, 1, pq->seller_id);
	sqlite3_bind_int64(q, 2, pq->from);
	sqlite3_bind_int64(q, 3, pq->to > 0 ? pq->to : INT64_MAX);
	sqlite3_bind_int64(q, 4, pq->after_id ? pq->after_time : INT64_MAX);
	sq_bind_text(q, 5, pq->after_id ? pq->after_id : "");
	sqlite3_bind_int64(q, 6, (sqlite3_int64)pq->limit);
	if (pq->status >= 0)
		sq_bind_text(q, 7, names[pq->status]);
}

static int enum_col(sqlite3_stmt *q, int i, const char *const *names)
{
	char v[32];
	int e;

	sq_col_text(q, i, v, sizeof(v));
	e = store_enum_parse(names, v);
	return e < 0 ? 0 : e;
}

/* The page query of table t ordered by time column c, with and without a
 * status filter. `c <= MIN(?3 - 1, ?4)` is the range's end (c < ?3) and
 * what the row comparison implies (c <= ?4) as one bound: SQLite bounds
 * the index range by one upper term only, the first it meets, so two
 * terms made a deep page scan from the newest row (c < INT64_MAX). With
 * one, a deep cursor is as fast as the first page. */
#define PAGE_SQL(cols, t, c)                                                              \
	"SELECT " cols " FROM " t " WHERE seller_id = ?1 AND " c " >= ?2"                 \
	" AND " c " <= MIN(?3 - 1, ?4) AND (" c ", id) < (?4, ?5) ORDER BY " c " DESC, id DESC LIMIT ?6"
#define PAGE_SQL_STATUS(cols, t, c)                                                       \
	"SELECT " cols " FROM " t " WHERE seller_id = ?1 AND status = ?7 AND " c " >= ?2"  \
	" AND " c " <= MIN(?3 - 1, ?4) AND (" c ", id) < (?4, ?5) ORDER BY " c " DESC, id DESC LIMIT ?6"

static enum ob_rc page(struct store *st, const char *sql_any, const char *sql_status,
		       const struct page_query *pq, const char *const *names, void *out,
		       size_t size, size_t *n, void (*fn)(sqlite3_stmt *, void *), struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, pq->status >= 0 ? sql_status : sql_any, err);

	if (q == NULL)
		return err->rc;
	bind_page(q, pq, names);
	return sq_rows(s, q, out, size, pq->limit, n, fn, err);
}

/* Runs q expecting one row, read by fn into out. */
static enum ob_rc one(struct sqlite_store *s, sqlite3_stmt *q, void *out,
		      void (*fn)(sqlite3_stmt *, void *), struct ob_err *err)
{
	enum ob_rc rc = sq_step_row(s, q, err);

	if (rc != OB_OK)
		return rc;
	fn(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

static enum ob_rc get_by_id(struct store *st, const char *sql, const char *id, void *out,
			    void (*fn)(sqlite3_stmt *, void *), struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	return one(s, q, out, fn, err);
}

enum ob_rc sq_seller_set_status(struct store *st, const char *id, enum seller_status status,
				int64_t now, struct ob_err *err)
{
	static const char sql[] = "UPDATE sellers SET status = ?2, updated_at = ?3 WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	sq_bind_text(q, 2, seller_status_name(status));
	sqlite3_bind_int64(q, 3, now);
	return sq_exec_done(s, q, err);
}

/* --- listings --- */

#define LISTING_COLS "id, seller_id, sku, title, price_minor, currency, status, created_at, updated_at"

static void listing_row(sqlite3_stmt *q, void *row)
{
	struct listing *l = row;

	sq_col_text(q, 0, l->id, sizeof(l->id));
	sq_col_text(q, 1, l->seller_id, sizeof(l->seller_id));
	sq_col_text(q, 2, l->sku, sizeof(l->sku));
	sq_col_text(q, 3, l->title, sizeof(l->title));
	l->price_minor = sqlite3_column_int64(q, 4);
	sq_col_text(q, 5, l->currency, sizeof(l->currency));
	l->status = (enum listing_status)enum_col(q, 6, listing_status_names);
	l->created_at = sqlite3_column_int64(q, 7);
	l->updated_at = sqlite3_column_int64(q, 8);
}

enum ob_rc sq_listing_insert(struct store *st, const struct listing *l, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO listings (" LISTING_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, l->id);
	sq_bind_text(q, 2, l->seller_id);
	sq_bind_text(q, 3, l->sku);
	sq_bind_text(q, 4, l->title);
	sqlite3_bind_int64(q, 5, l->price_minor);
	sq_bind_text(q, 6, l->currency);
	sq_bind_text(q, 7, listing_status_names[l->status]);
	sqlite3_bind_int64(q, 8, l->created_at);
	sqlite3_bind_int64(q, 9, l->updated_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_listing_get(struct store *st, const char *id, struct listing *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " LISTING_COLS " FROM listings WHERE id = ?1";

	return get_by_id(st, sql, id, out, listing_row, err);
}

enum ob_rc sq_listing_set_status(struct store *st, const char *id, enum listing_status status,
				 int64_t now, struct ob_err *err)
{
	static const char sql[] = "UPDATE listings SET status = ?2, updated_at = ?3 WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	sq_bind_text(q, 2, listing_status_names[status]);
	sqlite3_bind_int64(q, 3, now);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_listings_list(struct store *st, const struct page_query *pq, struct listing *out,
			    size_t *n, struct ob_err *err)
{
	static const char any[] = PAGE_SQL(LISTING_COLS, "listings", "created_at");
	static const char by_status[] = PAGE_SQL_STATUS(LISTING_COLS, "listings", "created_at");

	return page(st, any, by_status, pq, listing_status_names, out, sizeof(*out), n, listing_row, err);
}

/* --- orders --- */

#define ORDER_COLS "id, seller_id, status, total_minor, currency, buyer_name, ship_address," \
		   " placed_at, delivered_at, return_window_ends_at, created_at, updated_at"

static void order_row(sqlite3_stmt *q, void *row)
{
	struct order *o = row;

	sq_col_text(q, 0, o->id, sizeof(o->id));
	sq_col_text(q, 1, o->seller_id, sizeof(o->seller_id));
	o->status = (enum order_status)enum_col(q, 2, order_status_names);
	o->total_minor = sqlite3_column_int64(q, 3);
	sq_col_text(q, 4, o->currency, sizeof(o->currency));
	sq_col_text(q, 5, o->buyer_name, sizeof(o->buyer_name));
	sq_col_text(q, 6, o->ship_address, sizeof(o->ship_address));
	o->placed_at = sqlite3_column_int64(q, 7);
	o->delivered_at = sqlite3_column_int64(q, 8);
	o->return_window_ends_at = sqlite3_column_int64(q, 9);
	o->created_at = sqlite3_column_int64(q, 10);
	o->updated_at = sqlite3_column_int64(q, 11);
}

enum ob_rc sq_order_insert(struct store *st, const struct order *o, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO orders (" ORDER_COLS ") VALUES"
				  " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, o->id);
	sq_bind_text(q, 2, o->seller_id);
	sq_bind_text(q, 3, order_status_names[o->status]);
	sqlite3_bind_int64(q, 4, o->total_minor);
	sq_bind_text(q, 5, o->currency);
	sq_bind_text(q, 6, o->buyer_name);
	sq_bind_text(q, 7, o->ship_address);
	sqlite3_bind_int64(q, 8, o->placed_at);
	sqlite3_bind_int64(q, 9, o->delivered_at);
	sqlite3_bind_int64(q, 10, o->return_window_ends_at);
	sqlite3_bind_int64(q, 11, o->created_at);
	sqlite3_bind_int64(q, 12, o->updated_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_order_item_insert(struct store *st, const struct order_item *it, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO order_items (order_id, line, sku, title, quantity,"
				  " unit_price_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, it->order_id);
	sqlite3_bind_int(q, 2, it->line);
	sq_bind_text(q, 3, it->sku);
	sq_bind_text(q, 4, it->title);
	sqlite3_bind_int64(q, 5, it->quantity);
	sqlite3_bind_int64(q, 6, it->unit_price_minor);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_order_get(struct store *st, const char *id, struct order *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " ORDER_COLS " FROM orders WHERE id = ?1";

	return get_by_id(st, sql, id, out, order_row, err);
}

enum ob_rc sq_order_update(struct store *st, const struct order *o, struct ob_err *err)
{
	static const char sql[] = "UPDATE orders SET status = ?2, delivered_at = ?3,"
				  " return_window_ends_at = ?4, updated_at = ?5 WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, o->id);
	sq_bind_text(q, 2, order_status_names[o->status]);
	sqlite3_bind_int64(q, 3, o->delivered_at);
	sqlite3_bind_int64(q, 4, o->return_window_ends_at);
	sqlite3_bind_int64(q, 5, o->updated_at);
	return sq_exec_done(s, q, err);
}

static void item_row(sqlite3_stmt *q, void *row)
{
	struct order_item *it = row;

	sq_col_text(q, 0, it->order_id, sizeof(it->order_id));
	it->line = sqlite3_column_int(q, 1);
	sq_col_text(q, 2, it->sku, sizeof(it->sku));
	sq_col_text(q, 3, it->title, sizeof(it->title));
	it->quantity = sqlite3_column_int64(q, 4);
	it->unit_price_minor = sqlite3_column_int64(q, 5);
}

enum ob_rc sq_order_items(struct store *st, const char *order_id, struct order_item *out,
			  size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT order_id, line, sku, title, quantity, unit_price_minor"
				  " FROM order_items WHERE order_id = ?1 ORDER BY line";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, order_id);
	return sq_rows(s, q, out, sizeof(*out), cap, n, item_row, err);
}

enum ob_rc sq_orders_list(struct store *st, const struct page_query *pq, struct order *out,
			  size_t *n, struct ob_err *err)
{
	static const char any[] = PAGE_SQL(ORDER_COLS, "orders", "placed_at");
	static const char by_status[] = PAGE_SQL_STATUS(ORDER_COLS, "orders", "placed_at");

	return page(st, any, by_status, pq, order_status_names, out, sizeof(*out), n, order_row, err);
}

/* --- disputes --- */

#define DISPUTE_COLS "id, seller_id, COALESCE(order_id, ''), kind, status, amount_minor, currency," \
		     " opened_at, closed_at"

static void dispute_row(sqlite3_stmt *q, void *row)
{
	struct dispute *d = row;

	sq_col_text(q, 0, d->id, sizeof(d->id));
	sq_col_text(q, 1, d->seller_id, sizeof(d->seller_id));
	sq_col_text(q, 2, d->order_id, sizeof(d->order_id));
	d->kind = (enum dispute_kind)enum_col(q, 3, dispute_kind_names);
	d->status = (enum dispute_status)enum_col(q, 4, dispute_status_names);
	d->amount_minor = sqlite3_column_int64(q, 5);
	sq_col_text(q, 6, d->currency, sizeof(d->currency));
	d->opened_at = sqlite3_column_int64(q, 7);
	d->closed_at = sqlite3_column_int64(q, 8);
}

enum ob_rc sq_dispute_insert(struct store *st, const struct dispute *d, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO disputes (id, seller_id, order_id, kind, status,"
				  " amount_minor, currency, opened_at, closed_at)"
				  " VALUES (?1, ?2, NULLIF(?3, ''), ?4, ?5, ?6, ?7, ?8, ?9)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, d->id);
	sq_bind_text(q, 2, d->seller_id);
	sq_bind_text(q, 3, d->order_id);
	sq_bind_text(q, 4, dispute_kind_names[d->kind]);
	sq_bind_text(q, 5, dispute_status_names[d->status]);
	sqlite3_bind_int64(q, 6, d->amount_minor);
	sq_bind_text(q, 7, d->currency);
	sqlite3_bind_int64(q, 8, d->opened_at);
	sqlite3_bind_int64(q, 9, d->closed_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_dispute_get(struct store *st, const char *id, struct dispute *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " DISPUTE_COLS " FROM disputes WHERE id = ?1";

	return get_by_id(st, sql, id, out, dispute_row, err);
}

enum ob_rc sq_dispute_update(struct store *st, const struct dispute *d, struct ob_err *err)
{
	static const char sql[] = "UPDATE disputes SET status = ?2, closed_at = ?3 WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, d->id);
	sq_bind_text(q, 2, dispute_status_names[d->status]);
	sqlite3_bind_int64(q, 3, d->closed_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_disputes_list(struct store *st, const struct page_query *pq, struct dispute *out,
			    size_t *n, struct ob_err *err)
{
	static const char any[] = PAGE_SQL(DISPUTE_COLS, "disputes", "opened_at");
	static const char by_status[] = PAGE_SQL_STATUS(DISPUTE_COLS, "disputes", "opened_at");

	return page(st, any, by_status, pq, dispute_status_names, out, sizeof(*out), n, dispute_row, err);
}

/* --- ledger --- */

#define LEDGER_COLS "id, seller_id, type, amount_minor, currency, order_id, payout_id, memo," \
		    " COALESCE(reverses_id, ''), created_at"

static void ledger_row(sqlite3_stmt *q, void *row)
{
	struct ledger_txn *t = row;

	sq_col_text(q, 0, t->id, sizeof(t->id));
	sq_col_text(q, 1, t->seller_id, sizeof(t->seller_id));
	sq_col_text(q, 2, t->type, sizeof(t->type));
	t->amount_minor = sqlite3_column_int64(q, 3);
	sq_col_text(q, 4, t->currency, sizeof(t->currency));
	sq_col_text(q, 5, t->order_id, sizeof(t->order_id));
	sq_col_text(q, 6, t->payout_id, sizeof(t->payout_id));
	sq_col_text(q, 7, t->memo, sizeof(t->memo));
	sq_col_text(q, 8, t->reverses_id, sizeof(t->reverses_id));
	t->created_at = sqlite3_column_int64(q, 9);
}

/* Reads the postings of t (in their order). */
static enum ob_rc ledger_postings(struct sqlite_store *s, struct ledger_txn *t, struct ob_err *err)
{
	static const char sql[] = "SELECT account, amount_minor FROM ledger_postings"
				  " WHERE txn_id = ?1 ORDER BY n";
	sqlite3_stmt *q = sq_prep(s, sql, err);
	int rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, t->id);
	t->npostings = 0;
	while (t->npostings < LEDGER_MAX_POSTINGS && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct posting *p = &t->postings[t->npostings++];
		sq_col_text(q, 0, p->account, sizeof(p->account));
		p->amount_minor = sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_ledger_insert(struct store *st, const struct ledger_txn *t, struct ob_err *err)
{
	static const char txn_sql[] = "INSERT INTO ledger_txns (id, seller_id, type, amount_minor,"
				      " currency, order_id, payout_id, memo, reverses_id, created_at)"
				      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULLIF(?9, ''), ?10)";
	static const char post_sql[] = "INSERT INTO ledger_postings (txn_id, n, seller_id, account,"
				       " amount_minor, currency) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, txn_sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, t->id);
	sq_bind_text(q, 2, t->seller_id);
	sq_bind_text(q, 3, t->type);
	sqlite3_bind_int64(q, 4, t->amount_minor);
	sq_bind_text(q, 5, t->currency);
	sq_bind_text(q, 6, t->order_id);
	sq_bind_text(q, 7, t->payout_id);
	sq_bind_text(q, 8, t->memo);
	sq_bind_text(q, 9, t->reverses_id);
	sqlite3_bind_int64(q, 10, t->created_at);
	if ((rc = sq_exec_done(s, q, err)) != OB_OK)
		return rc;
	for (int i = 0; i < t->npostings; i++) {
		if ((q = sq_prep(s, post_sql, err)) == NULL)
			return err->rc;
		sq_bind_text(q, 1, t->id);
		sqlite3_bind_int(q, 2, i);
		sq_bind_text(q, 3, t->seller_id);
		sq_bind_text(q, 4, t->postings[i].account);
		sqlite3_bind_int64(q, 5, t->postings[i].amount_minor);
		sq_bind_text(q, 6, t->currency);
		if ((rc = sq_exec_done(s, q, err)) != OB_OK)
			return rc;
	}
	return OB_OK;
}

enum ob_rc sq_ledger_get(struct store *st, const char *id, struct ledger_txn *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " LEDGER_COLS " FROM ledger_txns WHERE id = ?1";
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = get_by_id(st, sql, id, out, ledger_row, err)) != OB_OK)
		return rc;
	return ledger_postings(S(st), out, err);
}

enum ob_rc sq_ledger_list(struct store *st, const struct page_query *pq, struct ledger_txn *out,
			  size_t *n, struct ob_err *err)
{
	static const char any[] = PAGE_SQL(LEDGER_COLS, "ledger_txns", "created_at");
	struct page_query all = *pq;
	enum ob_rc rc;

	all.status = -1;   /* the ledger has types, not statuses */
	if ((rc = page(st, any, any, &all, NULL, out, sizeof(*out), n, ledger_row, err)) != OB_OK)
		return rc;
	for (size_t i = 0; i < *n; i++)
		if ((rc = ledger_postings(S(st), &out[i], err)) != OB_OK)
			return rc;
	return OB_OK;
}

static void balance_row(sqlite3_stmt *q, void *row)
{
	struct balance *b = row;

	sq_col_text(q, 0, b->seller_id, sizeof(b->seller_id));
	sq_col_text(q, 1, b->account, sizeof(b->account));
	sq_col_text(q, 2, b->currency, sizeof(b->currency));
	b->amount_minor = sqlite3_column_int64(q, 3);
}

enum ob_rc sq_balances_get(struct store *st, const char *seller_id, struct balance *out,
			   size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT seller_id, account, currency, amount_minor FROM balances"
				  " WHERE seller_id = ?1 ORDER BY account, currency";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	return sq_rows(s, q, out, sizeof(*out), cap, n, balance_row, err);
}

enum ob_rc sq_balance_put(struct store *st, const struct balance *b, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO balances (seller_id, account, currency, amount_minor)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (seller_id, account, currency)"
				  " DO UPDATE SET amount_minor = excluded.amount_minor";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, b->seller_id);
	sq_bind_text(q, 2, b->account);
	sq_bind_text(q, 3, b->currency);
	sqlite3_bind_int64(q, 4, b->amount_minor);
	return sq_exec_done(s, q, err);
}

/* --- payouts --- */

#define PAYOUT_COLS "id, seller_id, amount_minor, currency, status, iban_masked, failure_reason," \
		    " requested_at, updated_at"

static void payout_row(sqlite3_stmt *q, void *row)
{
	struct payout *p = row;

	sq_col_text(q, 0, p->id, sizeof(p->id));
	sq_col_text(q, 1, p->seller_id, sizeof(p->seller_id));
	p->amount_minor = sqlite3_column_int64(q, 2);
	sq_col_text(q, 3, p->currency, sizeof(p->currency));
	p->status = (enum payout_status)enum_col(q, 4, payout_status_names);
	sq_col_text(q, 5, p->iban_masked, sizeof(p->iban_masked));
	sq_col_text(q, 6, p->failure_reason, sizeof(p->failure_reason));
	p->requested_at = sqlite3_column_int64(q, 7);
	p->updated_at = sqlite3_column_int64(q, 8);
}

enum ob_rc sq_payout_insert(struct store *st, const struct payout *p, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO payouts (" PAYOUT_COLS ") VALUES"
				  " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, p->id);
	sq_bind_text(q, 2, p->seller_id);
	sqlite3_bind_int64(q, 3, p->amount_minor);
	sq_bind_text(q, 4, p->currency);
	sq_bind_text(q, 5, payout_status_names[p->status]);
	sq_bind_text(q, 6, p->iban_masked);
	sq_bind_text(q, 7, p->failure_reason);
	sqlite3_bind_int64(q, 8, p->requested_at);
	sqlite3_bind_int64(q, 9, p->updated_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_payout_get(struct store *st, const char *id, struct payout *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " PAYOUT_COLS " FROM payouts WHERE id = ?1";

	return get_by_id(st, sql, id, out, payout_row, err);
}

enum ob_rc sq_payout_update(struct store *st, const struct payout *p, struct ob_err *err)
{
	static const char sql[] = "UPDATE payouts SET status = ?2, failure_reason = ?3, updated_at = ?4"
				  " WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, p->id);
	sq_bind_text(q, 2, payout_status_names[p->status]);
	sq_bind_text(q, 3, p->failure_reason);
	sqlite3_bind_int64(q, 4, p->updated_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_payouts_list(struct store *st, const struct page_query *pq, struct payout *out,
			   size_t *n, struct ob_err *err)
{
	static const char any[] = PAGE_SQL(PAYOUT_COLS, "payouts", "requested_at");
	static const char by_status[] = PAGE_SQL_STATUS(PAYOUT_COLS, "payouts", "requested_at");

	return page(st, any, by_status, pq, payout_status_names, out, sizeof(*out), n, payout_row, err);
}

/* --- inventory and services --- */

enum ob_rc sq_inventory_put(struct store *st, const struct inventory *inv, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO inventory (seller_id, sku, units, updated_at)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (seller_id, sku) DO UPDATE SET"
				  " units = excluded.units, updated_at = excluded.updated_at";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, inv->seller_id);
	sq_bind_text(q, 2, inv->sku);
	sqlite3_bind_int64(q, 3, inv->units);
	sqlite3_bind_int64(q, 4, inv->updated_at);
	return sq_exec_done(s, q, err);
}

static void inventory_row(sqlite3_stmt *q, void *row)
{
	struct inventory *inv = row;

	sq_col_text(q, 0, inv->seller_id, sizeof(inv->seller_id));
	sq_col_text(q, 1, inv->sku, sizeof(inv->sku));
	inv->units = sqlite3_column_int64(q, 2);
	inv->updated_at = sqlite3_column_int64(q, 3);
}

enum ob_rc sq_inventory_list(struct store *st, const char *seller_id, struct inventory *out,
			     size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT seller_id, sku, units, updated_at FROM inventory"
				  " WHERE seller_id = ?1 AND units > 0 ORDER BY sku";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	return sq_rows(s, q, out, sizeof(*out), cap, n, inventory_row, err);
}

enum ob_rc sq_service_insert(struct store *st, const struct service *sv, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO services (id, seller_id, kind, monthly_fee_minor,"
				  " currency, active, started_at, ended_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, sv->id);
	sq_bind_text(q, 2, sv->seller_id);
	sq_bind_text(q, 3, service_kind_names[sv->kind]);
	sqlite3_bind_int64(q, 4, sv->monthly_fee_minor);
	sq_bind_text(q, 5, sv->currency);
	sqlite3_bind_int(q, 6, sv->active);
	sqlite3_bind_int64(q, 7, sv->started_at);
	sqlite3_bind_int64(q, 8, sv->ended_at);
	return sq_exec_done(s, q, err);
}

static void service_row(sqlite3_stmt *q, void *row)
{
	struct service *sv = row;

	sq_col_text(q, 0, sv->id, sizeof(sv->id));
	sq_col_text(q, 1, sv->seller_id, sizeof(sv->seller_id));
	sv->kind = (enum service_kind)enum_col(q, 2, service_kind_names);
	sv->monthly_fee_minor = sqlite3_column_int64(q, 3);
	sq_col_text(q, 4, sv->currency, sizeof(sv->currency));
	sv->active = sqlite3_column_int(q, 5);
	sv->started_at = sqlite3_column_int64(q, 6);
	sv->ended_at = sqlite3_column_int64(q, 7);
}

enum ob_rc sq_services_list(struct store *st, const char *seller_id, struct service *out,
			    size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT id, seller_id, kind, monthly_fee_minor, currency, active,"
				  " started_at, ended_at FROM services WHERE seller_id = ?1"
				  " ORDER BY started_at, id";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	return sq_rows(s, q, out, sizeof(*out), cap, n, service_row, err);
}

/* --- invariants --- */


enum ob_rc sq_check(struct store *st, void (*report)(void *arg, const char *what), void *arg,
		    int *violations, struct ob_err *err)
{
	struct sqlite_store *s = S(st);

	*violations = 0;
	for (size_t i = 0; i < store_check_sql_count; i++) {
		sqlite3_stmt *q = sq_prep(s, store_check_sql[i], err);
		int rc;

		if (q == NULL)
			return err->rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			report(arg, (const char *)sqlite3_column_text(q, 0));
			(*violations)++;
		}
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			return sq_fail(s, sqlite3_extended_errcode(s->db), err);
	}
	return OB_OK;
}
