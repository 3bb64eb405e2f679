/* pg_internal.h: what the PostgreSQL backend's files share: the connection
 * struct, bound parameters, and small helpers around prepared statements.
 * Not for use outside src/store/pg/. */
#ifndef OB_PG_INTERNAL_H
#define OB_PG_INTERNAL_H

#include "store/store.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#define PG_STMT_CACHE 256
#define PG_MAX_PARAMS 24

/* A statement is prepared once per connection, on first use, under the
 * name "s<slot>"; slots are found by the address of the (static) SQL text. */
struct pg_slot {
	const char *sql;
	int prepared;
};

struct pg_store {
	struct store base;
	PGconn *conn;
	int in_tx;                      /* a transaction of ours is open */
	struct pg_slot cache[PG_STMT_CACHE];
};

static inline struct pg_store *P(struct store *st)
{
	return (struct pg_store *)st;
}

/* The parameters of one statement, always bound, never spliced into SQL:
 * text as NUL-terminated strings (borrowed until the statement ran),
 * integers as binary int8. */
struct pg_args {
	int n;
	const char *values[PG_MAX_PARAMS];
	int lengths[PG_MAX_PARAMS];
	int formats[PG_MAX_PARAMS];
	Oid types[PG_MAX_PARAMS];
	char ints[PG_MAX_PARAMS][8];
};

void pg_text(struct pg_args *a, const char *v);
void pg_int(struct pg_args *a, int64_t v);

/* Maps a failed result (r may be NULL: no result at all) to the program's
 * result and fills err; logs what is useful and never the parameters. */
enum ob_rc pg_fail(struct pg_store *s, const PGresult *r, const char *sql, struct ob_err *err);

/* Runs a statement without parameters through the simple protocol (one or
 * more statements: transaction control, savepoints, migrations). */
enum ob_rc pg_simple(struct pg_store *s, const char *sql, struct ob_err *err);

/* Runs the prepared statement of sql (a static string) with a (NULL: no
 * parameters). On OB_OK *out is its result, owned by the caller (PQclear);
 * on failure *out is NULL and err is filled. */
enum ob_rc pg_query(struct pg_store *s, const char *sql, const struct pg_args *a, PGresult **out,
		    struct ob_err *err);

/* Writes. Outside a transaction a write runs in its own write transaction,
 * so that it too waits for the writer lock (pg_store.c). pg_write runs a
 * statement that returns no row; pg_insert one that inserts a row with
 * ON CONFLICT DO NOTHING, and answers OB_ECONFLICT "already_exists" when
 * it inserted none (a unique key taken: the transaction stays usable, as
 * SQLite's does after a failed statement). *changed (may be NULL) gets the
 * number of rows written. */
enum ob_rc pg_write(struct pg_store *s, const char *sql, const struct pg_args *a, int64_t *changed,
		    struct ob_err *err);
enum ob_rc pg_insert(struct pg_store *s, const char *sql, const struct pg_args *a, struct ob_err *err);

/* For writes of several statements: opens a write transaction when none is
 * open (*own set), and pg_write_end() commits it on OB_OK, rolls it back
 * otherwise, and returns rc (or the commit's failure). */
enum ob_rc pg_write_begin(struct pg_store *s, int *own, struct ob_err *err);
enum ob_rc pg_write_end(struct pg_store *s, int own, enum ob_rc rc, struct ob_err *err);

/* Reads a row of a result into a record. */
typedef void (*pg_row_fn)(const PGresult *r, int row, void *out);

/* Runs a query expected to return at most one row: OB_OK with it read by
 * fn into out (size bytes, zeroed first), OB_ENOTFOUND, or a failure.
 * Parameters may point into out: it is written only after the query ran. */
enum ob_rc pg_one(struct pg_store *s, const char *sql, const struct pg_args *a, void *out,
		  size_t size, pg_row_fn fn, struct ob_err *err);

/* Runs a query and reads at most cap rows through fn into out[i] (each
 * zeroed first; size bytes apart); *n receives the count. */
enum ob_rc pg_rows(struct pg_store *s, const char *sql, const struct pg_args *a, void *out,
		   size_t size, size_t cap, size_t *n, pg_row_fn fn, struct ob_err *err);

/* Columns of a text-format result: text copied into out (cap bytes,
 * truncating), integers parsed (0 for NULL). */
void pg_col_text(const PGresult *r, int row, int col, char *out, size_t cap);
int64_t pg_col_int(const PGresult *r, int row, int col);

/* A column holding one of names (store.h's enum tables); 0 when unknown. */
int pg_col_enum(const PGresult *r, int row, int col, const char *const *names);

/* Opens the lost connection of s again, with its session settings, and
 * forgets its prepared statements (pg_store.c). */
enum ob_rc pg_reconnect(struct pg_store *s, struct ob_err *err);

/* Transactions (pg_store.c), used by the write helpers. */
enum ob_rc pg_begin(struct store *st, int write, struct ob_err *err);
enum ob_rc pg_commit(struct store *st, struct ob_err *err);
void pg_rollback(struct store *st);

/* Erasures and purges (pg_erasure.c). */
enum ob_rc pg_erasure_insert(struct store *st, const struct erasure *e, struct ob_err *err);
enum ob_rc pg_erasure_update(struct store *st, const struct erasure *e, struct ob_err *err);
enum ob_rc pg_erasure_get(struct store *st, const char *id, struct erasure *out, struct ob_err *err);
enum ob_rc pg_erasure_of(struct store *st, const char *seller_id, const char *subject, struct erasure *out, struct ob_err *err);
enum ob_rc pg_erasure_count_add(struct store *st, const char *erasure_id, const struct erasure_count *c, struct ob_err *err);
enum ob_rc pg_erasure_counts(struct store *st, const char *erasure_id, struct erasure_count *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_purge_rows(struct store *st, size_t table, enum purge_sql_kind kind, const char *owner, const char *pseudonym, int64_t limit, int64_t *rows, struct ob_err *err);
enum ob_rc pg_purge_ids(struct store *st, size_t table, const char *owner, const char *after, size_t cap, char (*ids)[ID_MAX], size_t *n, struct ob_err *err);
enum ob_rc pg_compact(struct store *st, int64_t pages, int64_t *left, struct ob_err *err);

/* The sellers' data keys (pg_keystore.c). */
enum ob_rc pg_data_key_get(struct store *st, const char *seller_id, char *wrapped, size_t cap, struct ob_err *err);
enum ob_rc pg_data_key_put(struct store *st, const char *seller_id, const char *wrapped, int64_t now, struct ob_err *err);
enum ob_rc pg_data_key_destroy(struct store *st, const char *seller_id, struct ob_err *err);
enum ob_rc pg_keystore_meta_get(struct store *st, const char *name, char *value, size_t cap, struct ob_err *err);
enum ob_rc pg_keystore_meta_put(struct store *st, const char *name, const char *value, struct ob_err *err);

/* Marketplaces, sellers, sessions, throttling, operator keys, idempotency (pg_accounts.c). */
enum ob_rc pg_marketplace_insert(struct store *st, const struct marketplace *m, struct ob_err *err);
enum ob_rc pg_marketplace_get(struct store *st, const char *id, struct marketplace *out, struct ob_err *err);
enum ob_rc pg_seller_insert(struct store *st, const struct seller *v, struct ob_err *err);
enum ob_rc pg_seller_get(struct store *st, const char *id, struct seller *out, struct ob_err *err);
enum ob_rc pg_seller_state(struct store *st, const char *id, struct seller_state *out, struct ob_err *err);
enum ob_rc pg_seller_get_by_email(struct store *st, const char *email, struct seller *out, struct ob_err *err);
enum ob_rc pg_seller_set_totp(struct store *st, const struct seller *v, struct ob_err *err);
enum ob_rc pg_seller_set_status(struct store *st, const char *id, enum seller_status status, int64_t now, struct ob_err *err);
enum ob_rc pg_session_insert(struct store *st, const struct session *v, struct ob_err *err);
enum ob_rc pg_session_get(struct store *st, const char *token_hash, struct session *out, struct ob_err *err);
enum ob_rc pg_session_touch(struct store *st, const char *token_hash, int64_t now, struct ob_err *err);
enum ob_rc pg_session_delete(struct store *st, const char *token_hash, struct ob_err *err);
enum ob_rc pg_throttle_get(struct store *st, const char *key, struct throttle *out, struct ob_err *err);
enum ob_rc pg_throttle_put(struct store *st, const struct throttle *t, struct ob_err *err);
enum ob_rc pg_throttle_delete(struct store *st, const char *key, struct ob_err *err);
enum ob_rc pg_ops_key_insert(struct store *st, const struct ops_key *k, struct ob_err *err);
enum ob_rc pg_ops_key_get_by_hash(struct store *st, const char *key_hash, struct ops_key *out, struct ob_err *err);
enum ob_rc pg_idempotency_get(struct store *st, const char *scope, const char *key, struct idempotency *out, struct ob_err *err);
enum ob_rc pg_idempotency_put(struct store *st, const struct idempotency *v, struct ob_err *err);

/* Marketplace facts (pg_facts.c) and their invariant checks (pg_check.c). */
enum ob_rc pg_listing_insert(struct store *st, const struct listing *l, struct ob_err *err);
enum ob_rc pg_listing_get(struct store *st, const char *id, struct listing *out, struct ob_err *err);
enum ob_rc pg_listing_set_status(struct store *st, const char *id, enum listing_status status, int64_t now, struct ob_err *err);
enum ob_rc pg_listings_list(struct store *st, const struct page_query *pq, struct listing *out, size_t *n, struct ob_err *err);
enum ob_rc pg_order_insert(struct store *st, const struct order *o, struct ob_err *err);
enum ob_rc pg_order_item_insert(struct store *st, const struct order_item *it, struct ob_err *err);
enum ob_rc pg_order_get(struct store *st, const char *id, struct order *out, struct ob_err *err);
enum ob_rc pg_order_update(struct store *st, const struct order *o, struct ob_err *err);
enum ob_rc pg_order_items(struct store *st, const char *order_id, struct order_item *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_orders_list(struct store *st, const struct page_query *pq, struct order *out, size_t *n, struct ob_err *err);
enum ob_rc pg_dispute_insert(struct store *st, const struct dispute *d, struct ob_err *err);
enum ob_rc pg_dispute_get(struct store *st, const char *id, struct dispute *out, struct ob_err *err);
enum ob_rc pg_dispute_update(struct store *st, const struct dispute *d, struct ob_err *err);
enum ob_rc pg_disputes_list(struct store *st, const struct page_query *pq, struct dispute *out, size_t *n, struct ob_err *err);
enum ob_rc pg_ledger_insert(struct store *st, const struct ledger_txn *t, struct ob_err *err);
enum ob_rc pg_ledger_get(struct store *st, const char *id, struct ledger_txn *out, struct ob_err *err);
enum ob_rc pg_ledger_list(struct store *st, const struct page_query *pq, struct ledger_txn *out, size_t *n, struct ob_err *err);
enum ob_rc pg_balances_get(struct store *st, const char *seller_id, struct balance *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_balance_put(struct store *st, const struct balance *b, struct ob_err *err);
enum ob_rc pg_payout_insert(struct store *st, const struct payout *p, struct ob_err *err);
enum ob_rc pg_payout_get(struct store *st, const char *id, struct payout *out, struct ob_err *err);
enum ob_rc pg_payout_update(struct store *st, const struct payout *p, struct ob_err *err);
enum ob_rc pg_payouts_list(struct store *st, const struct page_query *pq, struct payout *out, size_t *n, struct ob_err *err);
enum ob_rc pg_inventory_put(struct store *st, const struct inventory *inv, struct ob_err *err);
enum ob_rc pg_inventory_list(struct store *st, const char *seller_id, struct inventory *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_service_insert(struct store *st, const struct service *sv, struct ob_err *err);
enum ob_rc pg_services_list(struct store *st, const char *seller_id, struct service *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_check(struct store *st, void (*report)(void *arg, const char *what), void *arg, int *violations, struct ob_err *err);

/* Closures, readiness and the bulk changes of a closure (pg_closure.c). */
enum ob_rc pg_closure_insert(struct store *st, const struct closure *c, struct ob_err *err);
enum ob_rc pg_closure_update(struct store *st, const struct closure *c, struct ob_err *err);
enum ob_rc pg_closure_get(struct store *st, const char *id, struct closure *out, struct ob_err *err);
enum ob_rc pg_closure_by_token(struct store *st, const char *token_hash, struct closure *out, struct ob_err *err);
enum ob_rc pg_closure_current(struct store *st, const char *seller_id, struct closure *out, struct ob_err *err);
enum ob_rc pg_closures_list(struct store *st, int status, const char *reason, int64_t after_time, const char *after_id, struct closure *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_readiness_counts(struct store *st, const char *seller_id, int64_t now, struct readiness_counts *out, struct ob_err *err);
enum ob_rc pg_listings_deactivate(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
enum ob_rc pg_listings_pause(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
enum ob_rc pg_listings_resume(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
enum ob_rc pg_services_terminate(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
enum ob_rc pg_session_step_up(struct store *st, const char *token_hash, int64_t password_at, int64_t totp_at, struct ob_err *err);
enum ob_rc pg_sessions_end(struct store *st, const char *seller_id, struct ob_err *err);

/* The job queue (pg_jobs.c). */
enum ob_rc pg_job_insert(struct store *st, const struct job *j, struct ob_err *err);
enum ob_rc pg_job_claim(struct store *st, int64_t now, const char *owner, int64_t lease_until, struct job *out, struct ob_err *err);
enum ob_rc pg_job_finish(struct store *st, const struct job *j, struct ob_err *err);
enum ob_rc pg_job_get(struct store *st, const char *key, struct job *out, struct ob_err *err);
enum ob_rc pg_job_cancel(struct store *st, const char *key, struct ob_err *err);

/* The audit log (pg_audit.c). */
enum ob_rc pg_audit_last(struct store *st, struct audit_record *out, struct ob_err *err);
enum ob_rc pg_audit_insert(struct store *st, const struct audit_record *v, struct ob_err *err);
enum ob_rc pg_audit_scan(struct store *st, int64_t after_seq, struct audit_record *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_audit_list_seller(struct store *st, const char *seller_id, int64_t before_seq, struct audit_record *out, size_t cap, size_t *n, struct ob_err *err);


/* The notification outboxes (pg_notify.c). */
enum ob_rc pg_email_insert(struct store *st, const struct email *e, struct ob_err *err);
enum ob_rc pg_email_get(struct store *st, const char *id, struct email *out, struct ob_err *err);
enum ob_rc pg_email_update(struct store *st, const struct email *e, struct ob_err *err);
enum ob_rc pg_emails_list(struct store *st, const char *seller_id, int64_t after_time, const char *after_id, struct email *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_webhook_insert(struct store *st, const struct webhook *w, struct ob_err *err);
enum ob_rc pg_webhook_get(struct store *st, const char *id, struct webhook *out, struct ob_err *err);
enum ob_rc pg_webhook_update(struct store *st, const struct webhook *w, struct ob_err *err);
enum ob_rc pg_webhooks_list(struct store *st, int64_t after_time, const char *after_id, struct webhook *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_delivery_insert(struct store *st, const struct webhook_delivery *d, struct ob_err *err);
enum ob_rc pg_delivery_get(struct store *st, const char *id, struct webhook_delivery *out, struct ob_err *err);
enum ob_rc pg_delivery_update(struct store *st, const struct webhook_delivery *d, struct ob_err *err);
enum ob_rc pg_deliveries_list(struct store *st, int status, int64_t after_time, const char *after_id, struct webhook_delivery *out, size_t cap, size_t *n, struct ob_err *err);

/* Exports and the reads of an export (pg_exports.c). */
enum ob_rc pg_export_insert(struct store *st, const struct export *e, struct ob_err *err);
enum ob_rc pg_export_get(struct store *st, const char *id, struct export *out, struct ob_err *err);
enum ob_rc pg_export_update(struct store *st, const struct export *e, enum export_status expect, struct ob_err *err);
enum ob_rc pg_export_active(struct store *st, const char *seller_id, struct export *out, struct ob_err *err);
enum ob_rc pg_export_last_completed(struct store *st, const char *seller_id, int64_t *completed_at, struct ob_err *err);
enum ob_rc pg_export_counts(struct store *st, const char *seller_id, struct export_counts *out, struct ob_err *err);
enum ob_rc pg_order_items_page(struct store *st, const char *seller_id, int64_t after_time, const char *after_order, int after_line, struct order_item_row *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_closures_of_seller(struct store *st, const char *seller_id, int64_t after_time, const char *after_id, struct closure *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_job_renew(struct store *st, int64_t id, const char *owner, int64_t lease_until, struct ob_err *err);

/* Legal holds (pg_holds.c). */
enum ob_rc pg_legal_hold_insert(struct store *st, const struct legal_hold *h, struct ob_err *err);
enum ob_rc pg_legal_hold_get(struct store *st, const char *id, struct legal_hold *out, struct ob_err *err);
enum ob_rc pg_legal_hold_release(struct store *st, const char *id, const char *by, int64_t now, struct ob_err *err);
enum ob_rc pg_legal_holds_list(struct store *st, const char *seller_id, int64_t after_time, const char *after_id, struct legal_hold *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc pg_legal_hold_until(struct store *st, const char *seller_id, int64_t now, int64_t *until, struct ob_err *err);

#endif
