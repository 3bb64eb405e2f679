/* pg_store.c: the connection, transactions and migrations of the
 * PostgreSQL backend, and its table of operations. */
#include "store/pg/pg_store.h"

#include "store/pg/migrations.h"
#include "store/pg/pg_internal.h"
#include "core/clock.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Advisory lock keys (class, object): "offb", then which lock. */
#define LOCK_WRITER "pg_advisory_xact_lock(1868981858, 1)"
#define LOCK_MIGRATE "pg_advisory_xact_lock(1868981858, 2)"

static const char session_sql[] =
	"SET lock_timeout = '5s'; SET idle_in_transaction_session_timeout = '60s';"
	" SET client_encoding = 'UTF8'; SET client_min_messages = 'warning';"
	" SET application_name = 'offboard'";

/* Server notices and warnings go to the log as lines of their own. */
static void notice(void *arg, const PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	(void)arg;
	log_kv(LOG_WARN, "postgres notice", "sqlstate", state ? state : "", NULL);
}

enum ob_rc pg_reconnect(struct pg_store *s, struct ob_err *err)
{
	PQreset(s->conn);
	for (size_t i = 0; i < PG_STMT_CACHE; i++)
		s->cache[i].prepared = 0;
	if (PQstatus(s->conn) != CONNECTION_OK)
		return pg_fail(s, NULL, NULL, err);
	return pg_simple(s, session_sql, err);
}

static void pg_close(struct store *st)
{
	PQfinish(P(st)->conn);
	free(st);
}

enum ob_rc pg_begin(struct store *st, int write, struct ob_err *err)
{
	struct pg_store *s = P(st);
	const char *sql = write ? "BEGIN; SELECT " LOCK_WRITER : "BEGIN ISOLATION LEVEL REPEATABLE READ";
	enum ob_rc rc;

	for (int again = 1;; again = 0) {
		PGresult *r;

		/* nothing has run yet: a lost connection is opened again */
		if (PQstatus(s->conn) != CONNECTION_OK && (rc = pg_reconnect(s, err)) != OB_OK)
			return rc;
		r = PQexec(s->conn, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK) {
			PQclear(r);
			s->in_tx = 1;
			return OB_OK;
		}
		if (again && PQstatus(s->conn) == CONNECTION_BAD) {
			log_kv(LOG_WARN, "postgres connection lost, opening it again", NULL);
			PQclear(r);
			continue;
		}
		rc = pg_fail(s, r, sql, err);
		PQclear(r);
		PQclear(PQexec(s->conn, "ROLLBACK"));
		return rc;
	}
}

static enum ob_rc pg_exec(struct store *st, const char *sql, struct ob_err *err)
{
	return pg_simple(P(st), sql, err);
}

enum ob_rc pg_commit(struct store *st, struct ob_err *err)
{
	struct pg_store *s = P(st);
	PGresult *r = PQexec(s->conn, "COMMIT");
	enum ob_rc rc = OB_OK;

	s->in_tx = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = pg_fail(s, r, "COMMIT", err);
		PQclear(PQexec(s->conn, "ROLLBACK"));
	} else if (strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		/* A statement failed and aborted the transaction, and the
		 * caller went on: COMMIT then rolls back. */
		log_kv(LOG_ERROR, "postgres transaction rolled back at commit", NULL);
		rc = ob_fail(err, OB_EDB, "database_error", NULL, "database error");
	}
	PQclear(r);
	return rc;
}

void pg_rollback(struct store *st)
{
	struct pg_store *s = P(st);

	s->in_tx = 0;
	PQclear(PQexec(s->conn, "ROLLBACK"));
}

static enum ob_rc pg_ping(struct store *st, struct ob_err *err)
{
	static const char sql[] = "SELECT 1";
	PGresult *r;
	enum ob_rc rc = pg_query(P(st), sql, NULL, &r, err);

	PQclear(r);
	return rc;
}

/* The schema version, in the migration transaction. */
static enum ob_rc schema_version(struct pg_store *s, int64_t *version, struct ob_err *err)
{
	static const char sql[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
	PGresult *r = PQexec(s->conn, sql);
	enum ob_rc rc = OB_OK;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		rc = pg_fail(s, r, sql, err);
	else
		*version = pg_col_int(r, 0, 0);
	PQclear(r);
	return rc;
}

static enum ob_rc record_version(struct pg_store *s, int64_t version, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)";
	struct pg_args a = { 0 };
	PGresult *r;
	enum ob_rc rc = OB_OK;

	pg_int(&a, version);
	pg_int(&a, clock_now());
	r = PQexecParams(s->conn, sql, a.n, a.types, a.values, a.lengths, a.formats, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_fail(s, r, sql, err);
	PQclear(r);
	return rc;
}

/* Each migration in a transaction of its own that first takes the
 * migration lock (without a time limit: a long migration is waited for),
 * so several processes migrating at once apply each exactly once. */
static enum ob_rc pg_migrate(struct store *st, int *applied, struct ob_err *err)
{
	struct pg_store *s = P(st);
	enum ob_rc rc;

	*applied = 0;
	for (;;) {
		int64_t version = 0;

		rc = pg_simple(s, "BEGIN; SET LOCAL lock_timeout = 0; SELECT " LOCK_MIGRATE ";"
				  " CREATE TABLE IF NOT EXISTS schema_migrations ("
				  " version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)", err);
		if (rc != OB_OK || (rc = schema_version(s, &version, err)) != OB_OK)
			goto out;
		if (version > (int64_t)pg_migrations_count) {
			rc = ob_fail(err, OB_EDB, "schema_too_new", NULL,
				     "database schema version %lld is newer than this program knows (%zu)",
				     (long long)version, pg_migrations_count);
			goto out;
		}
		if (version == (int64_t)pg_migrations_count)
			return pg_simple(s, "COMMIT", err);
		if ((rc = pg_simple(s, pg_migrations[version], err)) != OB_OK ||
		    (rc = record_version(s, version + 1, err)) != OB_OK ||
		    (rc = pg_simple(s, "COMMIT", err)) != OB_OK)
			goto out;
		(*applied)++;
		log_kv(LOG_INFO, "migration applied", "backend", "postgres", NULL);
	}
out:
	PQclear(PQexec(s->conn, "ROLLBACK"));
	return rc;
}

static const struct store_ops pg_ops = {
	.name = "postgres",
	.close = pg_close,
	.migrate = pg_migrate,
	.ping = pg_ping,
	.begin = pg_begin,
	.exec = pg_exec,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.marketplace_insert = pg_marketplace_insert,
	.marketplace_get = pg_marketplace_get,
	.seller_insert = pg_seller_insert,
	.seller_get = pg_seller_get,
	.seller_state = pg_seller_state,
	.seller_get_by_email = pg_seller_get_by_email,
	.seller_set_totp = pg_seller_set_totp,
	.seller_set_status = pg_seller_set_status,
	.listing_insert = pg_listing_insert,
	.listing_get = pg_listing_get,
	.listing_set_status = pg_listing_set_status,
	.listings_list = pg_listings_list,
	.order_insert = pg_order_insert,
	.order_item_insert = pg_order_item_insert,
	.order_get = pg_order_get,
	.order_update = pg_order_update,
	.order_items = pg_order_items,
	.orders_list = pg_orders_list,
	.dispute_insert = pg_dispute_insert,
	.dispute_get = pg_dispute_get,
	.dispute_update = pg_dispute_update,
	.disputes_list = pg_disputes_list,
	.ledger_insert = pg_ledger_insert,
	.ledger_get = pg_ledger_get,
	.ledger_list = pg_ledger_list,
	.balances_get = pg_balances_get,
	.balance_put = pg_balance_put,
	.payout_insert = pg_payout_insert,
	.payout_get = pg_payout_get,
	.payout_update = pg_payout_update,
	.payouts_list = pg_payouts_list,
	.inventory_put = pg_inventory_put,
	.inventory_list = pg_inventory_list,
	.service_insert = pg_service_insert,
	.services_list = pg_services_list,
	.closure_insert = pg_closure_insert,
	.closure_update = pg_closure_update,
	.closure_get = pg_closure_get,
	.closure_by_token = pg_closure_by_token,
	.closure_current = pg_closure_current,
	.closures_list = pg_closures_list,
	.readiness_counts = pg_readiness_counts,
	.listings_deactivate = pg_listings_deactivate,
	.services_terminate = pg_services_terminate,
	.sessions_end = pg_sessions_end,
	.listings_pause = pg_listings_pause,
	.listings_resume = pg_listings_resume,
	.session_step_up = pg_session_step_up,
	.job_insert = pg_job_insert,
	.job_claim = pg_job_claim,
	.job_finish = pg_job_finish,
	.job_get = pg_job_get,
	.job_cancel = pg_job_cancel,
	.check = pg_check,
	.session_insert = pg_session_insert,
	.session_get = pg_session_get,
	.session_touch = pg_session_touch,
	.session_delete = pg_session_delete,
	.throttle_get = pg_throttle_get,
	.throttle_put = pg_throttle_put,
	.throttle_delete = pg_throttle_delete,
	.ops_key_insert = pg_ops_key_insert,
	.ops_key_get_by_hash = pg_ops_key_get_by_hash,
	.idempotency_get = pg_idempotency_get,
	.idempotency_put = pg_idempotency_put,
	.audit_last = pg_audit_last,
	.audit_insert = pg_audit_insert,
	.audit_scan = pg_audit_scan,
	.audit_list_seller = pg_audit_list_seller,
	.email_insert = pg_email_insert,
	.email_get = pg_email_get,
	.email_update = pg_email_update,
	.emails_list = pg_emails_list,
	.webhook_insert = pg_webhook_insert,
	.webhook_get = pg_webhook_get,
	.webhook_update = pg_webhook_update,
	.webhooks_list = pg_webhooks_list,
	.delivery_insert = pg_delivery_insert,
	.delivery_get = pg_delivery_get,
	.delivery_update = pg_delivery_update,
	.deliveries_list = pg_deliveries_list,
	.export_insert = pg_export_insert,
	.export_get = pg_export_get,
	.export_update = pg_export_update,
	.export_active = pg_export_active,
	.export_last_completed = pg_export_last_completed,
	.export_counts = pg_export_counts,
	.order_items_page = pg_order_items_page,
	.closures_of_seller = pg_closures_of_seller,
	.job_renew = pg_job_renew,
	.erasure_insert = pg_erasure_insert,
	.erasure_update = pg_erasure_update,
	.erasure_get = pg_erasure_get,
	.erasure_of = pg_erasure_of,
	.erasure_count_add = pg_erasure_count_add,
	.erasure_counts = pg_erasure_counts,
	.purge_rows = pg_purge_rows,
	.compact = pg_compact,
	.purge_ids = pg_purge_ids,
	.data_key_get = pg_data_key_get,
	.data_key_put = pg_data_key_put,
	.data_key_destroy = pg_data_key_destroy,
	.keystore_meta_get = pg_keystore_meta_get,
	.keystore_meta_put = pg_keystore_meta_put,
	.legal_hold_insert = pg_legal_hold_insert,
	.legal_hold_get = pg_legal_hold_get,
	.legal_hold_release = pg_legal_hold_release,
	.legal_holds_list = pg_legal_holds_list,
	.legal_hold_until = pg_legal_hold_until,
};

enum ob_rc pg_store_open(const char *url, struct store **out, struct ob_err *err)
{
	struct pg_store *s = calloc(1, sizeof(*s));
	enum ob_rc rc;

	*out = NULL;
	if (s == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	s->base.ops = &pg_ops;
	s->conn = PQconnectdb(url);
	if (s->conn == NULL) {
		free(s);
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	}
	if (PQstatus(s->conn) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(s->conn);
		rc = ob_fail(err, OB_EDB, "database_unavailable", "db", "cannot connect to the database: %.*s",
			     (int)strcspn(msg, "\n"), msg);
		goto fail;
	}
	PQsetNoticeReceiver(s->conn, notice, NULL);
	if ((rc = pg_simple(s, session_sql, err)) != OB_OK)
		goto fail;
	*out = &s->base;
	return OB_OK;
fail:
	PQfinish(s->conn);
	free(s);
	return rc;
}
