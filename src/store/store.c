#include "store/store.h"

#include "store/pg/pg_store.h"
#include "store/seal.h"
#include "store/sqlite/sqlite_store.h"

#include <stdio.h>
#include <string.h>

enum ob_rc store_open(const char *url, struct store **out, struct ob_err *err)
{
	*out = NULL;
	if (strncmp(url, "sqlite:", 7) == 0)
		return sqlite_store_open(url + 7, out, err);
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
		return pg_store_open(url, out, err);
	return ob_fail(err, OB_EINVAL, "unsupported_database", "db",
		       "unsupported database url: expected sqlite:PATH or postgres://...");
}

void store_set_keystore(const char *path)
{
	sqlite_keystore_path(path);
}

void store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}

enum ob_rc store_migrate(struct store *st, int *applied, struct ob_err *err)
{
	int n = 0;
	enum ob_rc rc = st->ops->migrate(st, &n, err);

	if (applied)
		*applied = n;
	return rc;
}

enum ob_rc store_ping(struct store *st, struct ob_err *err)
{
	return st->ops->ping(st, err);
}

/* Savepoint statements by depth, as static strings: a backend may cache
 * them prepared (one per import line otherwise parses three statements). */
#define SAVEPOINTS_MAX 16
#define SP(n) "SAVEPOINT sp" #n
#define RL(n) "RELEASE sp" #n
#define RB(n) "ROLLBACK TO sp" #n
static const char *const savepoint_sql[SAVEPOINTS_MAX] = {
	SP(0), SP(1), SP(2), SP(3), SP(4), SP(5), SP(6), SP(7),
	SP(8), SP(9), SP(10), SP(11), SP(12), SP(13), SP(14), SP(15),
};
static const char *const release_sql[SAVEPOINTS_MAX] = {
	RL(0), RL(1), RL(2), RL(3), RL(4), RL(5), RL(6), RL(7),
	RL(8), RL(9), RL(10), RL(11), RL(12), RL(13), RL(14), RL(15),
};
static const char *const rollback_sql[SAVEPOINTS_MAX] = {
	RB(0), RB(1), RB(2), RB(3), RB(4), RB(5), RB(6), RB(7),
	RB(8), RB(9), RB(10), RB(11), RB(12), RB(13), RB(14), RB(15),
};

enum ob_rc store_begin(struct store *st, int write, struct ob_err *err)
{
	enum ob_rc rc;

	if (st->depth == 0)
		rc = st->ops->begin(st, write, err);
	else if (st->depth >= SAVEPOINTS_MAX)
		rc = ob_fail(err, OB_EINTERNAL, NULL, NULL, "transactions nested too deep");
	else
		rc = st->ops->exec(st, savepoint_sql[st->depth], err);
	if (rc == OB_OK && st->depth++ == 0)
		seal_forget(st);
	return rc;
}

enum ob_rc store_commit(struct store *st, struct ob_err *err)
{
	if (st->depth == 0)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "commit without a transaction");
	if (--st->depth > 0)
		return st->ops->exec(st, release_sql[st->depth], err);
	seal_forget(st);
	return st->ops->commit(st, err);
}

void store_rollback(struct store *st)
{
	if (st->depth == 0)
		return;
	if (--st->depth > 0) {
		st->ops->exec(st, rollback_sql[st->depth], NULL);
		st->ops->exec(st, release_sql[st->depth], NULL);
		return;
	}
	seal_forget(st);
	st->ops->rollback(st);
}

#define FORWARD(name, params, args) \
	enum ob_rc store_##name params { return st->ops->name args; }

FORWARD(erasure_insert, (struct store *st, const struct erasure *e, struct ob_err *err), (st, e, err))
FORWARD(erasure_update, (struct store *st, const struct erasure *e, struct ob_err *err), (st, e, err))
FORWARD(erasure_get, (struct store *st, const char *id, struct erasure *out, struct ob_err *err), (st, id, out, err))
FORWARD(erasure_of, (struct store *st, const char *seller_id, const char *subject, struct erasure *out, struct ob_err *err), (st, seller_id, subject, out, err))
FORWARD(erasure_count_add, (struct store *st, const char *erasure_id, const struct erasure_count *c, struct ob_err *err), (st, erasure_id, c, err))
FORWARD(erasure_counts, (struct store *st, const char *erasure_id, struct erasure_count *out, size_t cap, size_t *n, struct ob_err *err), (st, erasure_id, out, cap, n, err))
FORWARD(purge_rows, (struct store *st, size_t table, enum purge_sql_kind kind, const char *owner, const char *pseudonym, int64_t limit, int64_t *rows, struct ob_err *err), (st, table, kind, owner, pseudonym, limit, rows, err))
FORWARD(purge_ids, (struct store *st, size_t table, const char *owner, const char *after, size_t cap, char (*ids)[ID_MAX], size_t *n, struct ob_err *err), (st, table, owner, after, cap, ids, n, err))
FORWARD(compact, (struct store *st, int64_t pages, int64_t *left, struct ob_err *err), (st, pages, left, err))

FORWARD(marketplace_insert, (struct store *st, const struct marketplace *m, struct ob_err *err), (st, m, err))
FORWARD(marketplace_get, (struct store *st, const char *id, struct marketplace *out, struct ob_err *err), (st, id, out, err))
FORWARD(seller_state, (struct store *st, const char *id, struct seller_state *out, struct ob_err *err), (st, id, out, err))
FORWARD(seller_set_totp, (struct store *st, const struct seller *s, struct ob_err *err), (st, s, err))
FORWARD(session_insert, (struct store *st, const struct session *s, struct ob_err *err), (st, s, err))
FORWARD(session_get, (struct store *st, const char *token_hash, struct session *out, struct ob_err *err), (st, token_hash, out, err))
FORWARD(session_touch, (struct store *st, const char *token_hash, int64_t now, struct ob_err *err), (st, token_hash, now, err))
FORWARD(session_delete, (struct store *st, const char *token_hash, struct ob_err *err), (st, token_hash, err))
FORWARD(throttle_get, (struct store *st, const char *key, struct throttle *out, struct ob_err *err), (st, key, out, err))
FORWARD(throttle_put, (struct store *st, const struct throttle *t, struct ob_err *err), (st, t, err))
FORWARD(throttle_delete, (struct store *st, const char *key, struct ob_err *err), (st, key, err))
FORWARD(ops_key_insert, (struct store *st, const struct ops_key *k, struct ob_err *err), (st, k, err))
FORWARD(ops_key_get_by_hash, (struct store *st, const char *key_hash, struct ops_key *out, struct ob_err *err), (st, key_hash, out, err))
FORWARD(idempotency_get, (struct store *st, const char *scope, const char *key, struct idempotency *out, struct ob_err *err), (st, scope, key, out, err))
FORWARD(idempotency_put, (struct store *st, const struct idempotency *rec, struct ob_err *err), (st, rec, err))

FORWARD(seller_set_status, (struct store *st, const char *id, enum seller_status status, int64_t now, struct ob_err *err), (st, id, status, now, err))
FORWARD(listing_insert, (struct store *st, const struct listing *l, struct ob_err *err), (st, l, err))
FORWARD(listing_get, (struct store *st, const char *id, struct listing *out, struct ob_err *err), (st, id, out, err))
FORWARD(listing_set_status, (struct store *st, const char *id, enum listing_status status, int64_t now, struct ob_err *err), (st, id, status, now, err))
FORWARD(listings_list, (struct store *st, const struct page_query *q, struct listing *out, size_t *n, struct ob_err *err), (st, q, out, n, err))
FORWARD(order_item_insert, (struct store *st, const struct order_item *it, struct ob_err *err), (st, it, err))
FORWARD(order_update, (struct store *st, const struct order *o, struct ob_err *err), (st, o, err))
FORWARD(order_items, (struct store *st, const char *order_id, struct order_item *out, size_t cap, size_t *n, struct ob_err *err), (st, order_id, out, cap, n, err))
FORWARD(dispute_insert, (struct store *st, const struct dispute *d, struct ob_err *err), (st, d, err))
FORWARD(dispute_get, (struct store *st, const char *id, struct dispute *out, struct ob_err *err), (st, id, out, err))
FORWARD(dispute_update, (struct store *st, const struct dispute *d, struct ob_err *err), (st, d, err))
FORWARD(disputes_list, (struct store *st, const struct page_query *q, struct dispute *out, size_t *n, struct ob_err *err), (st, q, out, n, err))
FORWARD(ledger_insert, (struct store *st, const struct ledger_txn *t, struct ob_err *err), (st, t, err))
FORWARD(ledger_get, (struct store *st, const char *id, struct ledger_txn *out, struct ob_err *err), (st, id, out, err))
FORWARD(ledger_list, (struct store *st, const struct page_query *q, struct ledger_txn *out, size_t *n, struct ob_err *err), (st, q, out, n, err))
FORWARD(balances_get, (struct store *st, const char *seller_id, struct balance *out, size_t cap, size_t *n, struct ob_err *err), (st, seller_id, out, cap, n, err))
FORWARD(balance_put, (struct store *st, const struct balance *b, struct ob_err *err), (st, b, err))
FORWARD(payout_update, (struct store *st, const struct payout *p, struct ob_err *err), (st, p, err))
FORWARD(inventory_put, (struct store *st, const struct inventory *inv, struct ob_err *err), (st, inv, err))
FORWARD(inventory_list, (struct store *st, const char *seller_id, struct inventory *out, size_t cap, size_t *n, struct ob_err *err), (st, seller_id, out, cap, n, err))
FORWARD(service_insert, (struct store *st, const struct service *sv, struct ob_err *err), (st, sv, err))
FORWARD(services_list, (struct store *st, const char *seller_id, struct service *out, size_t cap, size_t *n, struct ob_err *err), (st, seller_id, out, cap, n, err))
FORWARD(readiness_counts, (struct store *st, const char *seller_id, int64_t now, struct readiness_counts *out, struct ob_err *err), (st, seller_id, now, out, err))
FORWARD(listings_deactivate, (struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err), (st, seller_id, now, changed, err))
FORWARD(services_terminate, (struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err), (st, seller_id, now, changed, err))
FORWARD(sessions_end, (struct store *st, const char *seller_id, struct ob_err *err), (st, seller_id, err))
FORWARD(listings_pause, (struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err), (st, seller_id, now, changed, err))
FORWARD(listings_resume, (struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err), (st, seller_id, now, changed, err))
FORWARD(session_step_up, (struct store *st, const char *token_hash, int64_t password_at, int64_t totp_at, struct ob_err *err), (st, token_hash, password_at, totp_at, err))
FORWARD(job_insert, (struct store *st, const struct job *j, struct ob_err *err), (st, j, err))
FORWARD(job_claim, (struct store *st, int64_t now, const char *owner, int64_t lease_until, struct job *out, struct ob_err *err), (st, now, owner, lease_until, out, err))
FORWARD(job_finish, (struct store *st, const struct job *j, struct ob_err *err), (st, j, err))
FORWARD(job_get, (struct store *st, const char *key, struct job *out, struct ob_err *err), (st, key, out, err))
FORWARD(job_cancel, (struct store *st, const char *key, struct ob_err *err), (st, key, err))
FORWARD(check, (struct store *st, void (*report)(void *arg, const char *what), void *arg, int *violations, struct ob_err *err), (st, report, arg, violations, err))
FORWARD(audit_last, (struct store *st, struct audit_record *out, struct ob_err *err), (st, out, err))
FORWARD(audit_insert, (struct store *st, const struct audit_record *a, struct ob_err *err), (st, a, err))
FORWARD(audit_scan, (struct store *st, int64_t after_seq, struct audit_record *out, size_t cap, size_t *n, struct ob_err *err), (st, after_seq, out, cap, n, err))
FORWARD(audit_list_seller, (struct store *st, const char *seller_id, int64_t before_seq, struct audit_record *out, size_t cap, size_t *n, struct ob_err *err), (st, seller_id, before_seq, out, cap, n, err))
FORWARD(email_update, (struct store *st, const struct email *e, struct ob_err *err), (st, e, err))
FORWARD(webhook_insert, (struct store *st, const struct webhook *w, struct ob_err *err), (st, w, err))
FORWARD(webhook_get, (struct store *st, const char *id, struct webhook *out, struct ob_err *err), (st, id, out, err))
FORWARD(webhook_update, (struct store *st, const struct webhook *w, struct ob_err *err), (st, w, err))
FORWARD(webhooks_list, (struct store *st, int64_t after_time, const char *after_id, struct webhook *out, size_t cap, size_t *n, struct ob_err *err), (st, after_time, after_id, out, cap, n, err))
FORWARD(delivery_insert, (struct store *st, const struct webhook_delivery *d, struct ob_err *err), (st, d, err))
FORWARD(delivery_get, (struct store *st, const char *id, struct webhook_delivery *out, struct ob_err *err), (st, id, out, err))
FORWARD(delivery_update, (struct store *st, const struct webhook_delivery *d, struct ob_err *err), (st, d, err))
FORWARD(deliveries_list, (struct store *st, int status, int64_t after_time, const char *after_id, struct webhook_delivery *out, size_t cap, size_t *n, struct ob_err *err), (st, status, after_time, after_id, out, cap, n, err))
FORWARD(export_insert, (struct store *st, const struct export *e, struct ob_err *err), (st, e, err))
FORWARD(export_get, (struct store *st, const char *id, struct export *out, struct ob_err *err), (st, id, out, err))
FORWARD(export_update, (struct store *st, const struct export *e, enum export_status expect, struct ob_err *err), (st, e, expect, err))
FORWARD(export_active, (struct store *st, const char *seller_id, struct export *out, struct ob_err *err), (st, seller_id, out, err))
FORWARD(export_last_completed, (struct store *st, const char *seller_id, int64_t *completed_at, struct ob_err *err), (st, seller_id, completed_at, err))
FORWARD(export_counts, (struct store *st, const char *seller_id, struct export_counts *out, struct ob_err *err), (st, seller_id, out, err))
FORWARD(order_items_page, (struct store *st, const char *seller_id, int64_t after_time, const char *after_order, int after_line, struct order_item_row *out, size_t cap, size_t *n, struct ob_err *err), (st, seller_id, after_time, after_order, after_line, out, cap, n, err))
FORWARD(job_renew, (struct store *st, int64_t id, const char *owner, int64_t lease_until, struct ob_err *err), (st, id, owner, lease_until, err))
FORWARD(legal_hold_insert, (struct store *st, const struct legal_hold *h, struct ob_err *err), (st, h, err))
FORWARD(legal_hold_get, (struct store *st, const char *id, struct legal_hold *out, struct ob_err *err), (st, id, out, err))
FORWARD(legal_hold_release, (struct store *st, const char *id, const char *by, int64_t now, struct ob_err *err), (st, id, by, now, err))
FORWARD(legal_holds_list, (struct store *st, const char *seller_id, int64_t after_time, const char *after_id, struct legal_hold *out, size_t cap, size_t *n, struct ob_err *err), (st, seller_id, after_time, after_id, out, cap, n, err))
FORWARD(legal_hold_until, (struct store *st, const char *seller_id, int64_t now, int64_t *until, struct ob_err *err), (st, seller_id, now, until, err))

const char *const listing_status_names[] = { "active", "inactive", NULL };
const char *const order_status_names[] = { "pending", "unshipped", "shipped", "delivered",
					   "cancelled", "refunded", "returned", NULL };
const char *const dispute_kind_names[] = { "a_to_z_claim", "chargeback", "return_request", "other", NULL };
const char *const dispute_status_names[] = { "open", "closed", NULL };
const char *const payout_status_names[] = { "requested", "sent", "settled", "failed", NULL };
const char *const email_status_names[] = { "pending", "sent", "dead", NULL };
const char *const delivery_status_names[] = { "pending", "delivered", "dead", NULL };
const char *const closure_status_names[] = { "requested", "closing", "closed", "cancelled",
					     "expired", "paused", "resumed", NULL };
const char *const service_kind_names[] = { "selling_plan", "advertising", "fulfilment", NULL };
const char *const erasure_status_names[] = { "running", "purged", "retention_ended", NULL };
const char *const export_status_names[] = { "pending", "running", "ready", "failed", "expired",
					    "deleted", NULL };

int store_enum_parse(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static const char *const status_names[] = {
	[SELLER_ACTIVE] = "active",
	[SELLER_CLOSURE_REQUESTED] = "closure_requested",
	[SELLER_CLOSING] = "closing",
	[SELLER_CLOSED] = "closed",
	[SELLER_PURGED] = "purged",
};

const char *seller_status_name(enum seller_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "unknown";
}

int seller_status_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (strcmp(name, status_names[i]) == 0)
			return (int)i;
	return -1;
}
