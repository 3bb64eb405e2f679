/* sqlite_internal.h: what the SQLite backend's files share: the
 * connection struct and small helpers around prepared statements. Not for
 * use outside src/store/sqlite/. */
#ifndef OB_SQLITE_INTERNAL_H
#define OB_SQLITE_INTERNAL_H

#include "store/store.h"

#include <sqlite3.h>
#include <stdint.h>

#define STMT_CACHE 256
#define BUSY_TIMEOUT_MS 5000

/* Prepared statements are cached by the address of their (static) SQL text. */
struct stmt_slot {
	const char *sql;
	sqlite3_stmt *stmt;
};

#define KEYS_STMTS 5

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	struct stmt_slot cache[STMT_CACHE];
	sqlite3 *keys;                      /* the keystore (sqlite_keystore.c) */
	sqlite3_stmt *keys_stmt[KEYS_STMTS];
};

static inline struct sqlite_store *S(struct store *st)
{
	return (struct sqlite_store *)st;
}

/* Maps a SQLite failure to the program's result and fills err. */
enum ob_rc sq_fail(struct sqlite_store *s, int rc, struct ob_err *err);

/* Returns the cached statement for sql (a static string), reset and
 * unbound, or NULL with err filled. */
sqlite3_stmt *sq_prep(struct sqlite_store *s, const char *sql, struct ob_err *err);

/* Binds a borrowed string; it must live until the statement is reset. */
void sq_bind_text(sqlite3_stmt *q, int i, const char *v);

/* Copies a text column into out (cap bytes, truncating). */
void sq_col_text(sqlite3_stmt *q, int i, char *out, size_t cap);

/* Runs a statement that returns no row. */
enum ob_rc sq_exec_done(struct sqlite_store *s, sqlite3_stmt *q, struct ob_err *err);

/* Steps a query expected to return at most one row: OB_OK with the row
 * ready to read (reset it after), OB_ENOTFOUND, or a failure. */
enum ob_rc sq_step_row(struct sqlite_store *s, sqlite3_stmt *q, struct ob_err *err);

/* Runs every row of q (bound already) through fn into out[i], at most cap
 * rows; *n receives the count. */
enum ob_rc sq_rows(struct sqlite_store *s, sqlite3_stmt *q, void *out, size_t size, size_t cap,
		   size_t *n, void (*fn)(sqlite3_stmt *q, void *row), struct ob_err *err);

/* The keystore (sqlite_keystore.c), opened and closed with the store. */
enum ob_rc sq_keystore_open(struct sqlite_store *s, const char *db_path, struct ob_err *err);
void sq_keystore_close(struct sqlite_store *s);
enum ob_rc sq_data_key_get(struct store *st, const char *seller_id, char *wrapped, size_t cap, struct ob_err *err);
enum ob_rc sq_data_key_put(struct store *st, const char *seller_id, const char *wrapped, int64_t now, struct ob_err *err);
enum ob_rc sq_data_key_destroy(struct store *st, const char *seller_id, struct ob_err *err);
enum ob_rc sq_keystore_meta_get(struct store *st, const char *name, char *value, size_t cap, struct ob_err *err);
enum ob_rc sq_keystore_meta_put(struct store *st, const char *name, const char *value, struct ob_err *err);

/* Erasures and purges (sqlite_erasure.c). */
enum ob_rc sq_erasure_insert(struct store *st, const struct erasure *e, struct ob_err *err);
enum ob_rc sq_erasure_update(struct store *st, const struct erasure *e, struct ob_err *err);
enum ob_rc sq_erasure_get(struct store *st, const char *id, struct erasure *out, struct ob_err *err);
enum ob_rc sq_erasure_of(struct store *st, const char *seller_id, const char *subject, struct erasure *out, struct ob_err *err);
enum ob_rc sq_erasure_count_add(struct store *st, const char *erasure_id, const struct erasure_count *c, struct ob_err *err);
enum ob_rc sq_erasure_counts(struct store *st, const char *erasure_id, struct erasure_count *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc sq_purge_rows(struct store *st, size_t table, enum purge_sql_kind kind, const char *owner, const char *pseudonym, int64_t limit, int64_t *rows, struct ob_err *err);
enum ob_rc sq_purge_ids(struct store *st, size_t table, const char *owner, const char *after, size_t cap, char (*ids)[ID_MAX], size_t *n, struct ob_err *err);
enum ob_rc sq_compact(struct store *st, int64_t pages, int64_t *left, struct ob_err *err);

/* Marketplace facts (sqlite_facts.c). */
enum ob_rc sq_seller_set_status(struct store *st, const char *id, enum seller_status status, int64_t now, struct ob_err *err);
enum ob_rc sq_listing_insert(struct store *st, const struct listing *l, struct ob_err *err);
enum ob_rc sq_listing_get(struct store *st, const char *id, struct listing *out, struct ob_err *err);
enum ob_rc sq_listing_set_status(struct store *st, const char *id, enum listing_status status, int64_t now, struct ob_err *err);
enum ob_rc sq_listings_list(struct store *st, const struct page_query *q, struct listing *out, size_t *n, struct ob_err *err);
enum ob_rc sq_order_insert(struct store *st, const struct order *o, struct ob_err *err);
enum ob_rc sq_order_item_insert(struct store *st, const struct order_item *it, struct ob_err *err);
enum ob_rc sq_order_get(struct store *st, const char *id, struct order *out, struct ob_err *err);
enum ob_rc sq_order_update(struct store *st, const struct order *o, struct ob_err *err);
enum ob_rc sq_order_items(struct store *st, const char *order_id, struct order_item *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc sq_orders_list(struct store *st, const struct page_query *q, struct order *out, size_t *n, struct ob_err *err);
enum ob_rc sq_dispute_insert(struct store *st, const struct dispute *d, struct ob_err *err);
enum ob_rc sq_dispute_get(struct store *st, const char *id, struct dispute *out, struct ob_err *err);
enum ob_rc sq_dispute_update(struct store *st, const struct dispute *d, struct ob_err *err);
enum ob_rc sq_disputes_list(struct store *st, const struct page_query *q, struct dispute *out, size_t *n, struct ob_err *err);
enum ob_rc sq_ledger_insert(struct store *st, const struct ledger_txn *t, struct ob_err *err);
enum ob_rc sq_ledger_get(struct store *st, const char *id, struct ledger_txn *out, struct ob_err *err);
enum ob_rc sq_ledger_list(struct store *st, const struct page_query *q, struct ledger_txn *out, size_t *n, struct ob_err *err);
enum ob_rc sq_balances_get(struct store *st, const char *seller_id, struct balance *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc sq_balance_put(struct store *st, const struct balance *b, struct ob_err *err);
enum ob_rc sq_payout_insert(struct store *st, const struct payout *p, struct ob_err *err);
enum ob_rc sq_payout_get(struct store *st, const char *id, struct payout *out, struct ob_err *err);
enum ob_rc sq_payout_update(struct store *st, const struct payout *p, struct ob_err *err);
enum ob_rc sq_payouts_list(struct store *st, const struct page_query *q, struct payout *out, size_t *n, struct ob_err *err);
enum ob_rc sq_inventory_put(struct store *st, const struct inventory *inv, struct ob_err *err);
enum ob_rc sq_inventory_list(struct store *st, const char *seller_id, struct inventory *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc sq_service_insert(struct store *st, const struct service *sv, struct ob_err *err);
enum ob_rc sq_services_list(struct store *st, const char *seller_id, struct service *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc sq_check(struct store *st, void (*report)(void *arg, const char *what), void *arg, int *violations, struct ob_err *err);

/* Closures (sqlite_closure.c). */
enum ob_rc sq_closure_insert(struct store *st, const struct closure *c, struct ob_err *err);
enum ob_rc sq_closure_update(struct store *st, const struct closure *c, struct ob_err *err);
enum ob_rc sq_closure_get(struct store *st, const char *id, struct closure *out, struct ob_err *err);
enum ob_rc sq_closure_by_token(struct store *st, const char *token_hash, struct closure *out, struct ob_err *err);
enum ob_rc sq_closure_current(struct store *st, const char *seller_id, struct closure *out, struct ob_err *err);
enum ob_rc sq_closures_list(struct store *st, int status, const char *reason, int64_t after_time, const char *after_id, struct closure *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc sq_readiness_counts(struct store *st, const char *seller_id, int64_t now, struct readiness_counts *out, struct ob_err *err);
enum ob_rc sq_listings_deactivate(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
enum ob_rc sq_services_terminate(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
enum ob_rc sq_sessions_end(struct store *st, const char *seller_id, struct ob_err *err);
enum ob_rc sq_listings_pause(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
enum ob_rc sq_listings_resume(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
enum ob_rc sq_session_step_up(struct store *st, const char *token_hash, int64_t password_at, int64_t totp_at, struct ob_err *err);

/* The job queue (sqlite_jobs.c). */
enum ob_rc sq_job_insert(struct store *st, const struct job *j, struct ob_err *err);
enum ob_rc sq_job_claim(struct store *st, int64_t now, const char *owner, int64_t lease_until, struct job *out, struct ob_err *err);
enum ob_rc sq_job_finish(struct store *st, const struct job *j, struct ob_err *err);
enum ob_rc sq_job_get(struct store *st, const char *key, struct job *out, struct ob_err *err);
enum ob_rc sq_job_cancel(struct store *st, const char *key, struct ob_err *err);

/* The audit log (sqlite_audit.c). */
enum ob_rc sq_audit_last(struct store *st, struct audit_record *out, struct ob_err *err);
enum ob_rc sq_audit_insert(struct store *st, const struct audit_record *a, struct ob_err *err);
enum ob_rc sq_audit_scan(struct store *st, int64_t after_seq, struct audit_record *out, size_t cap,
			 size_t *n, struct ob_err *err);
enum ob_rc sq_audit_list_seller(struct store *st, const char *seller_id, int64_t before_seq,
				struct audit_record *out, size_t cap, size_t *n, struct ob_err *err);

/* The notification outboxes (sqlite_notify.c). */
enum ob_rc sq_email_insert(struct store *st, const struct email *e, struct ob_err *err);
enum ob_rc sq_email_get(struct store *st, const char *id, struct email *out, struct ob_err *err);
enum ob_rc sq_email_update(struct store *st, const struct email *e, struct ob_err *err);
enum ob_rc sq_emails_list(struct store *st, const char *seller_id, int64_t after_time, const char *after_id,
			  struct email *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc sq_webhook_insert(struct store *st, const struct webhook *w, struct ob_err *err);
enum ob_rc sq_webhook_get(struct store *st, const char *id, struct webhook *out, struct ob_err *err);
enum ob_rc sq_webhook_update(struct store *st, const struct webhook *w, struct ob_err *err);
enum ob_rc sq_webhooks_list(struct store *st, int64_t after_time, const char *after_id,
			    struct webhook *out, size_t cap, size_t *n, struct ob_err *err);
enum ob_rc sq_delivery_insert(struct store *st, const struct webhook_delivery *d, struct ob_err *err);
enum ob_rc sq_delivery_get(struct store *st, const char *id, struct webhook_delivery *out,
			   struct ob_err *err);
enum ob_rc sq_delivery_update(struct store *st, const struct webhook_delivery *d, struct ob_err *err);
enum ob_rc sq_deliveries_list(struct store *st, int status, int64_t after_time, const char *after_id,
			      struct webhook_delivery *out, size_t cap, size_t *n, struct ob_err *err);

/* Exports and the reads of an export (sqlite_exports.c). */
enum ob_rc sq_export_insert(struct store *st, const struct export *e, struct ob_err *err);
enum ob_rc sq_export_get(struct store *st, const char *id, struct export *out, struct ob_err *err);
enum ob_rc sq_export_update(struct store *st, const struct export *e, enum export_status expect,
			    struct ob_err *err);
enum ob_rc sq_export_active(struct store *st, const char *seller_id, struct export *out,
			    struct ob_err *err);
enum ob_rc sq_export_last_completed(struct store *st, const char *seller_id, int64_t *completed_at,
				    struct ob_err *err);
enum ob_rc sq_export_counts(struct store *st, const char *seller_id, struct export_counts *out,
			    struct ob_err *err);
enum ob_rc sq_order_items_page(struct store *st, const char *seller_id, int64_t after_time,
			       const char *after_order, int after_line, struct order_item_row *out,
			       size_t cap, size_t *n, struct ob_err *err);
enum ob_rc sq_closures_of_seller(struct store *st, const char *seller_id, int64_t after_time,
				 const char *after_id, struct closure *out, size_t cap, size_t *n,
				 struct ob_err *err);
enum ob_rc sq_job_renew(struct store *st, int64_t id, const char *owner, int64_t lease_until,
			struct ob_err *err);

/* Legal holds (sqlite_holds.c). */
enum ob_rc sq_legal_hold_insert(struct store *st, const struct legal_hold *h, struct ob_err *err);
enum ob_rc sq_legal_hold_get(struct store *st, const char *id, struct legal_hold *out, struct ob_err *err);
enum ob_rc sq_legal_hold_release(struct store *st, const char *id, const char *by, int64_t now,
				 struct ob_err *err);
enum ob_rc sq_legal_holds_list(struct store *st, const char *seller_id, int64_t after_time,
			       const char *after_id, struct legal_hold *out, size_t cap, size_t *n,
			       struct ob_err *err);
enum ob_rc sq_legal_hold_until(struct store *st, const char *seller_id, int64_t now, int64_t *until,
			       struct ob_err *err);

#endif
