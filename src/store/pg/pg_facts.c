/* pg_facts.c: the marketplace facts of the PostgreSQL backend: listings,
 * orders, disputes, ledger, balances, payouts, inventory and services.
 * Queries and their semantics are those of sqlite/sqlite_facts.c. */
#include "store/pg/pg_internal.h"

#include <stdio.h>
#include <string.h>

/* Binds the common part of a page query: $1 seller, $2..$3 time range,
 * $4..$5 keyset cursor, $6 limit, $7 status (when filtered). A missing
 * cursor is (INT64_MAX, ''), after every row; a missing range is open. */
static void bind_page(struct pg_args *a, const struct page_query *pq, const char *const *names)
{
	pg_text(a, pq->seller_id);
	pg_int(a, pq->from);
	pg_int(a, pq->to > 0 ? pq->to : INT64_MAX);
	pg_int(a, pq->after_id ? pq->after_time : INT64_MAX);
	pg_text(a, pq->after_id ? pq->after_id : "");
	pg_int(a, (int64_t)pq->limit);
	if (pq->status >= 0)
		pg_text(a, names[pq->status]);
}

/* The page query of table t ordered by time column c, with and without a
 * status filter; ids compare bytewise (their columns are COLLATE "C"). */
#define PAGE_SQL(cols, t, c)                                                              \
	"SELECT " cols " FROM " t " WHERE seller_id = $1 AND " c " >= $2 AND " c " < $3"  \
	" AND (" c ", id) < ($4, $5) ORDER BY " c " DESC, id DESC LIMIT $6"
#define PAGE_SQL_STATUS(cols, t, c)                                                       \
	"SELECT " cols " FROM " t " WHERE seller_id = $1 AND status = $7 AND " c " >= $2"  \
	" AND " c " < $3 AND (" c ", id) < ($4, $5) ORDER BY " c " DESC, id DESC LIMIT $6"

static enum ob_rc page(struct store *st, const char *sql_any, const char *sql_status,
		       const struct page_query *pq, const char *const *names, void *out,
		       size_t size, size_t *n, pg_row_fn fn, struct ob_err *err)
{
	struct pg_args a = { 0 };

	bind_page(&a, pq, names);
	return pg_rows(P(st), pq->status >= 0 ? sql_status : sql_any, &a, out, size, pq->limit, n,
		       fn, err);
}

static enum ob_rc get_by_id(struct store *st, const char *sql, const char *id, void *out,
			    size_t size, pg_row_fn fn, struct ob_err *err)
{
	struct pg_args a = { 0 };

	pg_text(&a, id);
	return pg_one(P(st), sql, &a, out, size, fn, err);
}

/* --- listings --- */

#define LISTING_COLS "id, seller_id, sku, title, price_minor, currency, status, created_at, updated_at"

static void listing_row(const PGresult *r, int i, void *row)
{
	struct listing *l = row;

	pg_col_text(r, i, 0, l->id, sizeof(l->id));
	pg_col_text(r, i, 1, l->seller_id, sizeof(l->seller_id));
	pg_col_text(r, i, 2, l->sku, sizeof(l->sku));
	pg_col_text(r, i, 3, l->title, sizeof(l->title));
	l->price_minor = pg_col_int(r, i, 4);
	pg_col_text(r, i, 5, l->currency, sizeof(l->currency));
	l->status = (enum listing_status)pg_col_enum(r, i, 6, listing_status_names);
	l->created_at = pg_col_int(r, i, 7);
	l->updated_at = pg_col_int(r, i, 8);
}

enum ob_rc pg_listing_insert(struct store *st, const struct listing *l, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO listings (" LISTING_COLS ") VALUES"
				  " ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, l->id);
	pg_text(&a, l->seller_id);
	pg_text(&a, l->sku);
	pg_text(&a, l->title);
	pg_int(&a, l->price_minor);
	pg_text(&a, l->currency);
	pg_text(&a, listing_status_names[l->status]);
	pg_int(&a, l->created_at);
	pg_int(&a, l->updated_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_listing_get(struct store *st, const char *id, struct listing *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " LISTING_COLS " FROM listings WHERE id = $1";

	return get_by_id(st, sql, id, out, sizeof(*out), listing_row, err);
}

enum ob_rc pg_listing_set_status(struct store *st, const char *id, enum listing_status status,
				 int64_t now, struct ob_err *err)
{
	static const char sql[] = "UPDATE listings SET status = $2, updated_at = $3 WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, id);
	pg_text(&a, listing_status_names[status]);
	pg_int(&a, now);
	return pg_write(P(st), sql, &a, NULL, err);
}

enum ob_rc pg_listings_list(struct store *st, const struct page_query *pq, struct listing *out,
			    size_t *n, struct ob_err *err)
{
	static const char any[] = PAGE_SQL(LISTING_COLS, "listings", "created_at");
	static const char by_status[] = PAGE_SQL_STATUS(LISTING_COLS, "listings", "created_at");

	return page(st, any, by_status, pq, listing_status_names, out, sizeof(*out), n, listing_row, err);
}

/* --- orders --- */

#define ORDER_COLS "id, seller_id, status, total_minor, currency, buyer_name, ship_address," \
		   " placed_at, delivered_at, return_window_ends_at, created_at, updated_at"

static void order_row(const PGresult *r, int i, void *row)
{
	struct order *o = row;

	pg_col_text(r, i, 0, o->id, sizeof(o->id));
	pg_col_text(r, i, 1, o->seller_id, sizeof(o->seller_id));
	o->status = (enum order_status)pg_col_enum(r, i, 2, order_status_names);
	o->total_minor = pg_col_int(r, i, 3);
	pg_col_text(r, i, 4, o->currency, sizeof(o->currency));
	pg_col_text(r, i, 5, o->buyer_name, sizeof(o->buyer_name));
	pg_col_text(r, i, 6, o->ship_address, sizeof(o->ship_address));
	o->placed_at = pg_col_int(r, i, 7);
	o->delivered_at = pg_col_int(r, i, 8);
	o->return_window_ends_at = pg_col_int(r, i, 9);
	o->created_at = pg_col_int(r, i, 10);
	o->updated_at = pg_col_int(r, i, 11);
}

enum ob_rc pg_order_insert(struct store *st, const struct order *o, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO orders (" ORDER_COLS ") VALUES ($1, $2, $3, $4, $5,"
				  " $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, o->id);
	pg_text(&a, o->seller_id);
	pg_text(&a, order_status_names[o->status]);
	pg_int(&a, o->total_minor);
	pg_text(&a, o->currency);
	pg_text(&a, o->buyer_name);
	pg_text(&a, o->ship_address);
	pg_int(&a, o->placed_at);
	pg_int(&a, o->delivered_at);
	pg_int(&a, o->return_window_ends_at);
	pg_int(&a, o->created_at);
	pg_int(&a, o->updated_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_order_item_insert(struct store *st, const struct order_item *it, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO order_items (order_id, line, sku, title, quantity,"
				  " unit_price_minor) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, it->order_id);
	pg_int(&a, it->line);
	pg_text(&a, it->sku);
	pg_text(&a, it->title);
	pg_int(&a, it->quantity);
	pg_int(&a, it->unit_price_minor);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_order_get(struct store *st, const char *id, struct order *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " ORDER_COLS " FROM orders WHERE id = $1";

	return get_by_id(st, sql, id, out, sizeof(*out), order_row, err);
}

enum ob_rc pg_order_update(struct store *st, const struct order *o, struct ob_err *err)
{
	static const char sql[] = "UPDATE orders SET status = $2, delivered_at = $3,"
				  " return_window_ends_at = $4, updated_at = $5 WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, o->id);
	pg_text(&a, order_status_names[o->status]);
	pg_int(&a, o->delivered_at);
	pg_int(&a, o->return_window_ends_at);
	pg_int(&a, o->updated_at);
	return pg_write(P(st), sql, &a, NULL, err);
}

static void item_row(const PGresult *r, int i, void *row)
{
	struct order_item *it = row;

	pg_col_text(r, i, 0, it->order_id, sizeof(it->order_id));
	it->line = (int)pg_col_int(r, i, 1);
	pg_col_text(r, i, 2, it->sku, sizeof(it->sku));
	pg_col_text(r, i, 3, it->title, sizeof(it->title));
	it->quantity = pg_col_int(r, i, 4);
	it->unit_price_minor = pg_col_int(r, i, 5);
}

enum ob_rc pg_order_items(struct store *st, const char *order_id, struct order_item *out,
			  size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT order_id, line, sku, title, quantity, unit_price_minor"
				  " FROM order_items WHERE order_id = $1 ORDER BY line LIMIT $2";
	struct pg_args a = { 0 };

	pg_text(&a, order_id);
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, item_row, err);
}

enum ob_rc pg_orders_list(struct store *st, const struct page_query *pq, struct order *out,
			  size_t *n, struct ob_err *err)
{
	static const char any[] = PAGE_SQL(ORDER_COLS, "orders", "placed_at");
	static const char by_status[] = PAGE_SQL_STATUS(ORDER_COLS, "orders", "placed_at");

	return page(st, any, by_status, pq, order_status_names, out, sizeof(*out), n, order_row, err);
}

/* --- disputes --- */

#define DISPUTE_COLS "id, seller_id, COALESCE(order_id, ''), kind, status, amount_minor, currency," \
		     " opened_at, closed_at"

static void dispute_row(const PGresult *r, int i, void *row)
{
	struct dispute *d = row;

	pg_col_text(r, i, 0, d->id, sizeof(d->id));
	pg_col_text(r, i, 1, d->seller_id, sizeof(d->seller_id));
	pg_col_text(r, i, 2, d->order_id, sizeof(d->order_id));
	d->kind = (enum dispute_kind)pg_col_enum(r, i, 3, dispute_kind_names);
	d->status = (enum dispute_status)pg_col_enum(r, i, 4, dispute_status_names);
	d->amount_minor = pg_col_int(r, i, 5);
	pg_col_text(r, i, 6, d->currency, sizeof(d->currency));
	d->opened_at = pg_col_int(r, i, 7);
	d->closed_at = pg_col_int(r, i, 8);
}

enum ob_rc pg_dispute_insert(struct store *st, const struct dispute *d, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO disputes (id, seller_id, order_id, kind, status,"
				  " amount_minor, currency, opened_at, closed_at) VALUES"
				  " ($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, d->id);
	pg_text(&a, d->seller_id);
	pg_text(&a, d->order_id);
	pg_text(&a, dispute_kind_names[d->kind]);
	pg_text(&a, dispute_status_names[d->status]);
	pg_int(&a, d->amount_minor);
	pg_text(&a, d->currency);
	pg_int(&a, d->opened_at);
	pg_int(&a, d->closed_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_dispute_get(struct store *st, const char *id, struct dispute *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " DISPUTE_COLS " FROM disputes WHERE id = $1";

	return get_by_id(st, sql, id, out, sizeof(*out), dispute_row, err);
}

enum ob_rc pg_dispute_update(struct store *st, const struct dispute *d, struct ob_err *err)
{
	static const char sql[] = "UPDATE disputes SET status = $2, closed_at = $3 WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, d->id);
	pg_text(&a, dispute_status_names[d->status]);
	pg_int(&a, d->closed_at);
	return pg_write(P(st), sql, &a, NULL, err);
}

enum ob_rc pg_disputes_list(struct store *st, const struct page_query *pq, struct dispute *out,
			    size_t *n, struct ob_err *err)
{
	static const char any[] = PAGE_SQL(DISPUTE_COLS, "disputes", "opened_at");
	static const char by_status[] = PAGE_SQL_STATUS(DISPUTE_COLS, "disputes", "opened_at");

	return page(st, any, by_status, pq, dispute_status_names, out, sizeof(*out), n, dispute_row, err);
}

/* --- ledger --- */

#define LEDGER_COLS "id, seller_id, type, amount_minor, currency, order_id, payout_id, memo," \
		    " COALESCE(reverses_id, ''), created_at"

static void ledger_row(const PGresult *r, int i, void *row)
{
	struct ledger_txn *t = row;

	pg_col_text(r, i, 0, t->id, sizeof(t->id));
	pg_col_text(r, i, 1, t->seller_id, sizeof(t->seller_id));
	pg_col_text(r, i, 2, t->type, sizeof(t->type));
	t->amount_minor = pg_col_int(r, i, 3);
	pg_col_text(r, i, 4, t->currency, sizeof(t->currency));
	pg_col_text(r, i, 5, t->order_id, sizeof(t->order_id));
	pg_col_text(r, i, 6, t->payout_id, sizeof(t->payout_id));
	pg_col_text(r, i, 7, t->memo, sizeof(t->memo));
	pg_col_text(r, i, 8, t->reverses_id, sizeof(t->reverses_id));
	t->created_at = pg_col_int(r, i, 9);
}

static void posting_row(const PGresult *r, int i, void *row)
{
	struct posting *p = row;

	pg_col_text(r, i, 0, p->account, sizeof(p->account));
	p->amount_minor = pg_col_int(r, i, 1);
}

/* Reads the postings of t (in their order). */
static enum ob_rc ledger_postings(struct pg_store *s, struct ledger_txn *t, struct ob_err *err)
{
	static const char sql[] = "SELECT account, amount_minor FROM ledger_postings"
				  " WHERE txn_id = $1 ORDER BY n LIMIT $2";
	struct pg_args a = { 0 };
	size_t n = 0;
	enum ob_rc rc;

	pg_text(&a, t->id);
	pg_int(&a, LEDGER_MAX_POSTINGS);
	rc = pg_rows(s, sql, &a, t->postings, sizeof(t->postings[0]), LEDGER_MAX_POSTINGS, &n,
		     posting_row, err);
	t->npostings = (int)n;
	return rc;
}

/* The transaction and its postings, all or nothing. */
static enum ob_rc ledger_write(struct pg_store *s, const struct ledger_txn *t, struct ob_err *err)
{
	static const char txn_sql[] = "INSERT INTO ledger_txns (id, seller_id, type, amount_minor,"
				      " currency, order_id, payout_id, memo, reverses_id, created_at) VALUES"
				      " ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), $10) ON CONFLICT DO NOTHING";
	static const char post_sql[] = "INSERT INTO ledger_postings (txn_id, n, seller_id, account,"
				       " amount_minor, currency) VALUES ($1, $2, $3, $4, $5, $6)";
	struct pg_args a = { 0 };
	enum ob_rc rc;

	pg_text(&a, t->id);
	pg_text(&a, t->seller_id);
	pg_text(&a, t->type);
	pg_int(&a, t->amount_minor);
	pg_text(&a, t->currency);
	pg_text(&a, t->order_id);
	pg_text(&a, t->payout_id);
	pg_text(&a, t->memo);
	pg_text(&a, t->reverses_id);
	pg_int(&a, t->created_at);
	if ((rc = pg_insert(s, txn_sql, &a, err)) != OB_OK)
		return rc;
	for (int i = 0; i < t->npostings; i++) {
		struct pg_args p = { 0 };

		pg_text(&p, t->id);
		pg_int(&p, i);
		pg_text(&p, t->seller_id);
		pg_text(&p, t->postings[i].account);
		pg_int(&p, t->postings[i].amount_minor);
		pg_text(&p, t->currency);
		if ((rc = pg_write(s, post_sql, &p, NULL, err)) != OB_OK)
			return rc;
	}
	return OB_OK;
}

enum ob_rc pg_ledger_insert(struct store *st, const struct ledger_txn *t, struct ob_err *err)
{
	struct pg_store *s = P(st);
	int own;
	enum ob_rc rc = pg_write_begin(s, &own, err);

	if (rc != OB_OK)
		return rc;
	return pg_write_end(s, own, ledger_write(s, t, err), err);
}

enum ob_rc pg_ledger_get(struct store *st, const char *id, struct ledger_txn *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " LEDGER_COLS " FROM ledger_txns WHERE id = $1";
	enum ob_rc rc;

	if ((rc = get_by_id(st, sql, id, out, sizeof(*out), ledger_row, err)) != OB_OK)
		return rc;
	return ledger_postings(P(st), out, err);
}

enum ob_rc pg_ledger_list(struct store *st, const struct page_query *pq, struct ledger_txn *out,
			  size_t *n, struct ob_err *err)
{
	static const char any[] = PAGE_SQL(LEDGER_COLS, "ledger_txns", "created_at");
	struct page_query all = *pq;
	enum ob_rc rc;

	all.status = -1;   /* the ledger has types, not statuses */
	if ((rc = page(st, any, any, &all, NULL, out, sizeof(*out), n, ledger_row, err)) != OB_OK)
		return rc;
	for (size_t i = 0; i < *n; i++)
		if ((rc = ledger_postings(P(st), &out[i], err)) != OB_OK)
			return rc;
	return OB_OK;
}

static void balance_row(const PGresult *r, int i, void *row)
{
	struct balance *b = row;

	pg_col_text(r, i, 0, b->seller_id, sizeof(b->seller_id));
	pg_col_text(r, i, 1, b->account, sizeof(b->account));
	pg_col_text(r, i, 2, b->currency, sizeof(b->currency));
	b->amount_minor = pg_col_int(r, i, 3);
}

enum ob_rc pg_balances_get(struct store *st, const char *seller_id, struct balance *out,
			   size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT seller_id, account, currency, amount_minor FROM balances"
				  " WHERE seller_id = $1 ORDER BY account, currency LIMIT $2";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, balance_row, err);
}

enum ob_rc pg_balance_put(struct store *st, const struct balance *b, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO balances (seller_id, account, currency, amount_minor)"
				  " VALUES ($1, $2, $3, $4) ON CONFLICT (seller_id, account, currency)"
				  " DO UPDATE SET amount_minor = excluded.amount_minor";
	struct pg_args a = { 0 };

	pg_text(&a, b->seller_id);
	pg_text(&a, b->account);
	pg_text(&a, b->currency);
	pg_int(&a, b->amount_minor);
	return pg_write(P(st), sql, &a, NULL, err);
}

/* --- payouts --- */

#define PAYOUT_COLS "id, seller_id, amount_minor, currency, status, iban_masked, failure_reason," \
		    " requested_at, updated_at"

static void payout_row(const PGresult *r, int i, void *row)
{
	struct payout *p = row;

	pg_col_text(r, i, 0, p->id, sizeof(p->id));
	pg_col_text(r, i, 1, p->seller_id, sizeof(p->seller_id));
	p->amount_minor = pg_col_int(r, i, 2);
	pg_col_text(r, i, 3, p->currency, sizeof(p->currency));
	p->status = (enum payout_status)pg_col_enum(r, i, 4, payout_status_names);
	pg_col_text(r, i, 5, p->iban_masked, sizeof(p->iban_masked));
	pg_col_text(r, i, 6, p->failure_reason, sizeof(p->failure_reason));
	p->requested_at = pg_col_int(r, i, 7);
	p->updated_at = pg_col_int(r, i, 8);
}

enum ob_rc pg_payout_insert(struct store *st, const struct payout *p, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO payouts (" PAYOUT_COLS ") VALUES"
				  " ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, p->id);
	pg_text(&a, p->seller_id);
	pg_int(&a, p->amount_minor);
	pg_text(&a, p->currency);
	pg_text(&a, payout_status_names[p->status]);
	pg_text(&a, p->iban_masked);
	pg_text(&a, p->failure_reason);
	pg_int(&a, p->requested_at);
	pg_int(&a, p->updated_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_payout_get(struct store *st, const char *id, struct payout *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " PAYOUT_COLS " FROM payouts WHERE id = $1";

	return get_by_id(st, sql, id, out, sizeof(*out), payout_row, err);
}

enum ob_rc pg_payout_update(struct store *st, const struct payout *p, struct ob_err *err)
{
	static const char sql[] = "UPDATE payouts SET status = $2, failure_reason = $3, updated_at = $4"
				  " WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, p->id);
	pg_text(&a, payout_status_names[p->status]);
	pg_text(&a, p->failure_reason);
	pg_int(&a, p->updated_at);
	return pg_write(P(st), sql, &a, NULL, err);
}

enum ob_rc pg_payouts_list(struct store *st, const struct page_query *pq, struct payout *out,
			   size_t *n, struct ob_err *err)
{
	static const char any[] = PAGE_SQL(PAYOUT_COLS, "payouts", "requested_at");
	static const char by_status[] = PAGE_SQL_STATUS(PAYOUT_COLS, "payouts", "requested_at");

	return page(st, any, by_status, pq, payout_status_names, out, sizeof(*out), n, payout_row, err);
}

/* --- inventory and services --- */

enum ob_rc pg_inventory_put(struct store *st, const struct inventory *inv, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO inventory (seller_id, sku, units, updated_at)"
				  " VALUES ($1, $2, $3, $4) ON CONFLICT (seller_id, sku) DO UPDATE SET"
				  " units = excluded.units, updated_at = excluded.updated_at";
	struct pg_args a = { 0 };

	pg_text(&a, inv->seller_id);
	pg_text(&a, inv->sku);
	pg_int(&a, inv->units);
	pg_int(&a, inv->updated_at);
	return pg_write(P(st), sql, &a, NULL, err);
}

static void inventory_row(const PGresult *r, int i, void *row)
{
	struct inventory *inv = row;

	pg_col_text(r, i, 0, inv->seller_id, sizeof(inv->seller_id));
	pg_col_text(r, i, 1, inv->sku, sizeof(inv->sku));
	inv->units = pg_col_int(r, i, 2);
	inv->updated_at = pg_col_int(r, i, 3);
}

enum ob_rc pg_inventory_list(struct store *st, const char *seller_id, struct inventory *out,
			     size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT seller_id, sku, units, updated_at FROM inventory"
				  " WHERE seller_id = $1 AND units > 0 ORDER BY sku LIMIT $2";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, inventory_row, err);
}

enum ob_rc pg_service_insert(struct store *st, const struct service *sv, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO services (id, seller_id, kind, monthly_fee_minor,"
				  " currency, active, started_at, ended_at)"
				  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, sv->id);
	pg_text(&a, sv->seller_id);
	pg_text(&a, service_kind_names[sv->kind]);
	pg_int(&a, sv->monthly_fee_minor);
	pg_text(&a, sv->currency);
	pg_int(&a, sv->active);
	pg_int(&a, sv->started_at);
	pg_int(&a, sv->ended_at);
	return pg_insert(P(st), sql, &a, err);
}

static void service_row(const PGresult *r, int i, void *row)
{
	struct service *sv = row;

	pg_col_text(r, i, 0, sv->id, sizeof(sv->id));
	pg_col_text(r, i, 1, sv->seller_id, sizeof(sv->seller_id));
	sv->kind = (enum service_kind)pg_col_enum(r, i, 2, service_kind_names);
	sv->monthly_fee_minor = pg_col_int(r, i, 3);
	pg_col_text(r, i, 4, sv->currency, sizeof(sv->currency));
	sv->active = (int)pg_col_int(r, i, 5);
	sv->started_at = pg_col_int(r, i, 6);
	sv->ended_at = pg_col_int(r, i, 7);
}

enum ob_rc pg_services_list(struct store *st, const char *seller_id, struct service *out,
			    size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT id, seller_id, kind, monthly_fee_minor, currency, active,"
				  " started_at, ended_at FROM services WHERE seller_id = $1"
				  " ORDER BY started_at, id LIMIT $2";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, service_row, err);
}
