#include "store/sqlite/sqlite_store.h"

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_internal.h"
#include "core/clock.h"
#include "core/log.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ob_rc sq_fail(struct sqlite_store *s, int rc, struct ob_err *err)
{
	int base = rc & 0xff;

	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return ob_fail(err, OB_ECONFLICT, "already_exists", NULL, "already exists");
	if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
		return ob_fail(err, OB_EBUSY, "database_busy", NULL, "the database is busy, try again");
	log_kv(LOG_ERROR, "sqlite error", "error", sqlite3_errstr(rc),
	       "detail", s->db ? sqlite3_errmsg(s->db) : "", NULL);
	return ob_fail(err, OB_EDB, "database_error", NULL, "database error");
}

sqlite3_stmt *sq_prep(struct sqlite_store *s, const char *sql, struct ob_err *err)
{
	size_t h = ((uintptr_t)sql >> 4) % STMT_CACHE;
	int rc;

	for (size_t i = 0; i < STMT_CACHE; i++) {
		struct stmt_slot *slot = &s->cache[(h + i) % STMT_CACHE];
		if (slot->sql == sql) {
			sqlite3_reset(slot->stmt);
			sqlite3_clear_bindings(slot->stmt);
			return slot->stmt;
		}
		if (slot->sql == NULL) {
			rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->stmt, NULL);
			if (rc != SQLITE_OK) {
				sq_fail(s, rc, err);
				return NULL;
			}
			slot->sql = sql;
			return slot->stmt;
		}
	}
	/* The cache holds more slots than the program has statements. */
	ob_fail(err, OB_EINTERNAL, NULL, NULL, "statement cache full");
	return NULL;
}

void sq_bind_text(sqlite3_stmt *q, int i, const char *v)
{
	sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
}

void sq_col_text(sqlite3_stmt *q, int i, char *out, size_t cap)
{
	const unsigned char *v = sqlite3_column_text(q, i);
	size_t n = v ? (size_t)sqlite3_column_bytes(q, i) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(out, v, n);
	out[n] = '\0';
}

enum ob_rc sq_exec_done(struct sqlite_store *s, sqlite3_stmt *q, struct ob_err *err)
{
	int rc = sqlite3_step(q);

	if (rc != SQLITE_DONE) {
		enum ob_rc r = sq_fail(s, sqlite3_extended_errcode(s->db), err);
		sqlite3_reset(q);
		return r;
	}
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_step_row(struct sqlite_store *s, sqlite3_stmt *q, struct ob_err *err)
{
	int rc = sqlite3_step(q);

	if (rc == SQLITE_ROW)
		return OB_OK;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(q);
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "not found");
	}
	sqlite3_reset(q);
	return sq_fail(s, sqlite3_extended_errcode(s->db), err);
}

enum ob_rc sq_rows(struct sqlite_store *s, sqlite3_stmt *q, void *out, size_t size, size_t cap,
		   size_t *n, void (*fn)(sqlite3_stmt *q, void *row), struct ob_err *err)
{
	int rc;

	*n = 0;
	while (*n < cap && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset((char *)out + *n * size, 0, size);
		fn(q, (char *)out + *n * size);
		(*n)++;
	}
	if (*n < cap && rc != SQLITE_DONE) {
		sqlite3_reset(q);
		return sq_fail(s, sqlite3_extended_errcode(s->db), err);
	}
	sqlite3_reset(q);
	return OB_OK;
}

static enum ob_rc exec_sql(struct sqlite_store *s, const char *sql, struct ob_err *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? OB_OK : sq_fail(s, sqlite3_extended_errcode(s->db), err);
}

static void sq_close(struct store *st)
{
	struct sqlite_store *s = S(st);

	for (size_t i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(s->cache[i].stmt);
	sqlite3_close(s->db);
	sq_keystore_close(s);
	free(s);
}

/* Statements without parameters from static strings (savepoints): prepared
 * once per connection through the statement cache. */
static enum ob_rc sq_exec(struct store *st, const char *sql, struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err ? err->rc : OB_EDB;
	return sq_exec_done(s, q, err);
}

/* BEGIN and COMMIT go through the statement cache too: parsing them for
 * every transaction was a measurable part of a short read (the closure
 * checklist). */
static enum ob_rc sq_begin(struct store *st, int write, struct ob_err *err)
{
	return sq_exec(st, write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", err);
}

static enum ob_rc sq_commit(struct store *st, struct ob_err *err)
{
	enum ob_rc rc = sq_exec(st, "COMMIT", err);

	if (rc != OB_OK)
		sqlite3_exec(S(st)->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void sq_rollback(struct store *st)
{
	sqlite3_exec(S(st)->db, "ROLLBACK", NULL, NULL, NULL);
}

static enum ob_rc sq_ping(struct store *st, struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	static const char sql[] = "SELECT 1";
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	rc = sq_step_row(s, q, err);
	sqlite3_reset(q);
	return rc;
}

static enum ob_rc sq_migrate(struct store *st, int *applied, struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	enum ob_rc rc;

	*applied = 0;
	rc = exec_sql(s, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			 " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)", err);
	if (rc != OB_OK)
		return rc;
	for (;;) {
		sqlite3_stmt *q = NULL;
		sqlite3_int64 version = 0;
		char insert[128];

		/* Each step takes the write lock first, so that several processes
		 * migrating at once apply every migration exactly once. */
		if ((rc = exec_sql(s, "BEGIN IMMEDIATE", err)) != OB_OK)
			return rc;
		if (sqlite3_prepare_v2(s->db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
				       -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
			sqlite3_finalize(q);
			rc = sq_fail(s, sqlite3_extended_errcode(s->db), err);
			goto out;
		}
		version = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		if ((size_t)version > sqlite_migrations_count) {
			rc = ob_fail(err, OB_EDB, "schema_too_new", NULL,
				     "database schema version %lld is newer than this program knows (%zu)",
				     (long long)version, sqlite_migrations_count);
			goto out;
		}
		if ((size_t)version == sqlite_migrations_count) {
			rc = exec_sql(s, "COMMIT", err);
			return rc;
		}
		if ((rc = exec_sql(s, sqlite_migrations[version], err)) != OB_OK)
			goto out;
		snprintf(insert, sizeof(insert),
			 "INSERT INTO schema_migrations (version, applied_at) VALUES (%lld, %lld)",
			 (long long)version + 1, (long long)clock_now());
		if ((rc = exec_sql(s, insert, err)) != OB_OK || (rc = exec_sql(s, "COMMIT", err)) != OB_OK)
			goto out;
		(*applied)++;
		log_kv(LOG_INFO, "migration applied", "backend", "sqlite", NULL);
	}
out:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* --- marketplaces --- */

static enum ob_rc sq_marketplace_insert(struct store *st, const struct marketplace *m, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO marketplaces (id, name, currency, policy, created_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, m->id);
	sq_bind_text(q, 2, m->name);
	sq_bind_text(q, 3, m->currency);
	sq_bind_text(q, 4, m->policy);
	sqlite3_bind_int64(q, 5, m->created_at);
	return sq_exec_done(s, q, err);
}

static enum ob_rc sq_marketplace_get(struct store *st, const char *id, struct marketplace *out, struct ob_err *err)
{
	static const char sql[] = "SELECT id, name, currency, policy, created_at FROM marketplaces WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	sq_col_text(q, 0, out->id, sizeof(out->id));
	sq_col_text(q, 1, out->name, sizeof(out->name));
	sq_col_text(q, 2, out->currency, sizeof(out->currency));
	sq_col_text(q, 3, out->policy, sizeof(out->policy));
	out->created_at = sqlite3_column_int64(q, 4);
	sqlite3_reset(q);
	return OB_OK;
}

/* --- sellers --- */

#define SELLER_COLUMNS \
	"id, marketplace_id, email, password_hash, display_name, legal_name, phone, address," \
	" tax_id, bank_holder, bank_iban, status, totp_secret, totp_pending, totp_last_step," \
	" created_at, updated_at, email_index"

static void seller_from_row(sqlite3_stmt *q, struct seller *out)
{
	char status[32];
	int st;

	sq_col_text(q, 0, out->id, sizeof(out->id));
	sq_col_text(q, 1, out->marketplace_id, sizeof(out->marketplace_id));
	sq_col_text(q, 2, out->email, sizeof(out->email));
	sq_col_text(q, 3, out->password_hash, sizeof(out->password_hash));
	sq_col_text(q, 4, out->display_name, sizeof(out->display_name));
	sq_col_text(q, 5, out->legal_name, sizeof(out->legal_name));
	sq_col_text(q, 6, out->phone, sizeof(out->phone));
	sq_col_text(q, 7, out->address, sizeof(out->address));
	sq_col_text(q, 8, out->tax_id, sizeof(out->tax_id));
	sq_col_text(q, 9, out->bank_holder, sizeof(out->bank_holder));
	sq_col_text(q, 10, out->bank_iban, sizeof(out->bank_iban));
	sq_col_text(q, 11, status, sizeof(status));
	st = seller_status_parse(status);
	out->status = st < 0 ? SELLER_ACTIVE : (enum seller_status)st;
	sq_col_text(q, 12, out->totp_secret, sizeof(out->totp_secret));
	sq_col_text(q, 13, out->totp_pending, sizeof(out->totp_pending));
	out->totp_last_step = sqlite3_column_int64(q, 14);
	out->created_at = sqlite3_column_int64(q, 15);
	out->updated_at = sqlite3_column_int64(q, 16);
	sq_col_text(q, 17, out->email_index, sizeof(out->email_index));
}

static enum ob_rc sq_seller_insert(struct store *st, const struct seller *v, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO sellers (" SELLER_COLUMNS ") VALUES"
				  " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, v->id);
	sq_bind_text(q, 2, v->marketplace_id);
	sq_bind_text(q, 3, v->email);
	sq_bind_text(q, 4, v->password_hash);
	sq_bind_text(q, 5, v->display_name);
	sq_bind_text(q, 6, v->legal_name);
	sq_bind_text(q, 7, v->phone);
	sq_bind_text(q, 8, v->address);
	sq_bind_text(q, 9, v->tax_id);
	sq_bind_text(q, 10, v->bank_holder);
	sq_bind_text(q, 11, v->bank_iban);
	sq_bind_text(q, 12, seller_status_name(v->status));
	sq_bind_text(q, 13, v->totp_secret);
	sq_bind_text(q, 14, v->totp_pending);
	sqlite3_bind_int64(q, 15, v->totp_last_step);
	sqlite3_bind_int64(q, 16, v->created_at);
	sqlite3_bind_int64(q, 17, v->updated_at);
	sq_bind_text(q, 18, v->email_index);
	return sq_exec_done(s, q, err);
}

static enum ob_rc seller_select(struct sqlite_store *s, const char *sql, const char *arg,
				struct seller *out, struct ob_err *err)
{
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, arg);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	seller_from_row(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

static enum ob_rc sq_seller_get(struct store *st, const char *id, struct seller *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " SELLER_COLUMNS " FROM sellers WHERE id = ?1";

	return seller_select(S(st), sql, id, out, err);
}

static enum ob_rc sq_seller_state(struct store *st, const char *id, struct seller_state *out, struct ob_err *err)
{
	static const char sql[] = "SELECT marketplace_id, status FROM sellers WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	char status[32];
	enum ob_rc rc;
	int v;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	sq_col_text(q, 0, out->marketplace_id, sizeof(out->marketplace_id));
	sq_col_text(q, 1, status, sizeof(status));
	v = seller_status_parse(status);
	out->status = v < 0 ? SELLER_ACTIVE : (enum seller_status)v;
	sqlite3_reset(q);
	return OB_OK;
}

static enum ob_rc sq_seller_get_by_email(struct store *st, const char *email_index, struct seller *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " SELLER_COLUMNS " FROM sellers WHERE email_index = ?1";

	return seller_select(S(st), sql, email_index, out, err);
}

static enum ob_rc sq_seller_set_totp(struct store *st, const struct seller *v, struct ob_err *err)
{
	static const char sql[] = "UPDATE sellers SET totp_secret = ?2, totp_pending = ?3,"
				  " totp_last_step = ?4, updated_at = ?5 WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, v->id);
	sq_bind_text(q, 2, v->totp_secret);
	sq_bind_text(q, 3, v->totp_pending);
	sqlite3_bind_int64(q, 4, v->totp_last_step);
	sqlite3_bind_int64(q, 5, v->updated_at);
	return sq_exec_done(s, q, err);
}

/* --- sessions --- */

static enum ob_rc sq_session_insert(struct store *st, const struct session *v, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO sessions (token_hash, csrf_hash, seller_id, scope,"
				  " created_at, last_seen_at, expires_at, password_at, totp_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, v->token_hash);
	sq_bind_text(q, 2, v->csrf_hash);
	sq_bind_text(q, 3, v->seller_id);
	sq_bind_text(q, 4, v->scope == SESSION_HISTORY ? "history" : "seller");
	sqlite3_bind_int64(q, 5, v->created_at);
	sqlite3_bind_int64(q, 6, v->last_seen_at);
	sqlite3_bind_int64(q, 7, v->expires_at);
	sqlite3_bind_int64(q, 8, v->password_at);
	sqlite3_bind_int64(q, 9, v->totp_at);
	return sq_exec_done(s, q, err);
}

static enum ob_rc sq_session_get(struct store *st, const char *token_hash, struct session *out, struct ob_err *err)
{
	static const char sql[] = "SELECT token_hash, csrf_hash, seller_id, scope, created_at,"
				  " last_seen_at, expires_at, password_at, totp_at"
				  " FROM sessions WHERE token_hash = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;
	char scope[16];

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, token_hash);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	sq_col_text(q, 0, out->token_hash, sizeof(out->token_hash));
	sq_col_text(q, 1, out->csrf_hash, sizeof(out->csrf_hash));
	sq_col_text(q, 2, out->seller_id, sizeof(out->seller_id));
	sq_col_text(q, 3, scope, sizeof(scope));
	out->scope = strcmp(scope, "history") == 0 ? SESSION_HISTORY : SESSION_SELLER;
	out->created_at = sqlite3_column_int64(q, 4);
	out->last_seen_at = sqlite3_column_int64(q, 5);
	out->expires_at = sqlite3_column_int64(q, 6);
	out->password_at = sqlite3_column_int64(q, 7);
	out->totp_at = sqlite3_column_int64(q, 8);
	sqlite3_reset(q);
	return OB_OK;
}

static enum ob_rc sq_session_touch(struct store *st, const char *token_hash, int64_t now, struct ob_err *err)
{
	static const char sql[] = "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, token_hash);
	sqlite3_bind_int64(q, 2, now);
	return sq_exec_done(s, q, err);
}

static enum ob_rc sq_session_delete(struct store *st, const char *token_hash, struct ob_err *err)
{
	static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, token_hash);
	return sq_exec_done(s, q, err);
}

/* --- sign-in throttling --- */

static enum ob_rc sq_throttle_get(struct store *st, const char *key, struct throttle *out, struct ob_err *err)
{
	static const char sql[] = "SELECT key, failures, last_failure_at, locked_until"
				  " FROM login_throttle WHERE key = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, key);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	sq_col_text(q, 0, out->key, sizeof(out->key));
	out->failures = sqlite3_column_int(q, 1);
	out->last_failure_at = sqlite3_column_int64(q, 2);
	out->locked_until = sqlite3_column_int64(q, 3);
	sqlite3_reset(q);
	return OB_OK;
}

static enum ob_rc sq_throttle_put(struct store *st, const struct throttle *t, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO login_throttle (key, failures, last_failure_at, locked_until)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO UPDATE SET"
				  " failures = excluded.failures, last_failure_at = excluded.last_failure_at,"
				  " locked_until = excluded.locked_until";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, t->key);
	sqlite3_bind_int(q, 2, t->failures);
	sqlite3_bind_int64(q, 3, t->last_failure_at);
	sqlite3_bind_int64(q, 4, t->locked_until);
	return sq_exec_done(s, q, err);
}

static enum ob_rc sq_throttle_delete(struct store *st, const char *key, struct ob_err *err)
{
	static const char sql[] = "DELETE FROM login_throttle WHERE key = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, key);
	return sq_exec_done(s, q, err);
}

/* --- operator keys --- */

static enum ob_rc sq_ops_key_insert(struct store *st, const struct ops_key *k, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO ops_keys (id, name, key_hash, created_at, revoked_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, k->id);
	sq_bind_text(q, 2, k->name);
	sq_bind_text(q, 3, k->key_hash);
	sqlite3_bind_int64(q, 4, k->created_at);
	sqlite3_bind_int64(q, 5, k->revoked_at);
	return sq_exec_done(s, q, err);
}

static enum ob_rc sq_ops_key_get_by_hash(struct store *st, const char *key_hash, struct ops_key *out, struct ob_err *err)
{
	static const char sql[] = "SELECT id, name, key_hash, created_at, revoked_at"
				  " FROM ops_keys WHERE key_hash = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, key_hash);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	sq_col_text(q, 0, out->id, sizeof(out->id));
	sq_col_text(q, 1, out->name, sizeof(out->name));
	sq_col_text(q, 2, out->key_hash, sizeof(out->key_hash));
	out->created_at = sqlite3_column_int64(q, 3);
	out->revoked_at = sqlite3_column_int64(q, 4);
	sqlite3_reset(q);
	return OB_OK;
}

/* --- idempotency --- */

static enum ob_rc sq_idempotency_get(struct store *st, const char *scope, const char *key,
				     struct idempotency *out, struct ob_err *err)
{
	static const char sql[] = "SELECT request_hash, status, body, created_at FROM idempotency"
				  " WHERE scope = ?1 AND key = ?2";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;
	const unsigned char *body;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, scope);
	sq_bind_text(q, 2, key);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	snprintf(out->scope, sizeof(out->scope), "%s", scope);
	snprintf(out->key, sizeof(out->key), "%s", key);
	sq_col_text(q, 0, out->request_hash, sizeof(out->request_hash));
	out->status = sqlite3_column_int(q, 1);
	body = sqlite3_column_text(q, 2);
	out->body = strdup(body ? (const char *)body : "");
	out->created_at = sqlite3_column_int64(q, 3);
	sqlite3_reset(q);
	if (out->body == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	return OB_OK;
}

static enum ob_rc sq_idempotency_put(struct store *st, const struct idempotency *r, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO idempotency (scope, key, request_hash, status, body, created_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, r->scope);
	sq_bind_text(q, 2, r->key);
	sq_bind_text(q, 3, r->request_hash);
	sqlite3_bind_int(q, 4, r->status);
	sq_bind_text(q, 5, r->body);
	sqlite3_bind_int64(q, 6, r->created_at);
	return sq_exec_done(s, q, err);
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.migrate = sq_migrate,
	.ping = sq_ping,
	.begin = sq_begin,
	.exec = sq_exec,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.marketplace_insert = sq_marketplace_insert,
	.marketplace_get = sq_marketplace_get,
	.seller_insert = sq_seller_insert,
	.seller_get = sq_seller_get,
	.seller_state = sq_seller_state,
	.seller_get_by_email = sq_seller_get_by_email,
	.seller_set_totp = sq_seller_set_totp,
	.seller_set_status = sq_seller_set_status,
	.listing_insert = sq_listing_insert,
	.listing_get = sq_listing_get,
	.listing_set_status = sq_listing_set_status,
	.listings_list = sq_listings_list,
	.order_insert = sq_order_insert,
	.order_item_insert = sq_order_item_insert,
	.order_get = sq_order_get,
	.order_update = sq_order_update,
	.order_items = sq_order_items,
	.orders_list = sq_orders_list,
	.dispute_insert = sq_dispute_insert,
	.dispute_get = sq_dispute_get,
	.dispute_update = sq_dispute_update,
	.disputes_list = sq_disputes_list,
	.ledger_insert = sq_ledger_insert,
	.ledger_get = sq_ledger_get,
	.ledger_list = sq_ledger_list,
	.balances_get = sq_balances_get,
	.balance_put = sq_balance_put,
	.payout_insert = sq_payout_insert,
	.payout_get = sq_payout_get,
	.payout_update = sq_payout_update,
	.payouts_list = sq_payouts_list,
	.inventory_put = sq_inventory_put,
	.inventory_list = sq_inventory_list,
	.service_insert = sq_service_insert,
	.services_list = sq_services_list,
	.check = sq_check,
	.closure_insert = sq_closure_insert,
	.closure_update = sq_closure_update,
	.closure_get = sq_closure_get,
	.closure_by_token = sq_closure_by_token,
	.closure_current = sq_closure_current,
	.closures_list = sq_closures_list,
	.readiness_counts = sq_readiness_counts,
	.listings_deactivate = sq_listings_deactivate,
	.services_terminate = sq_services_terminate,
	.sessions_end = sq_sessions_end,
	.listings_pause = sq_listings_pause,
	.listings_resume = sq_listings_resume,
	.session_step_up = sq_session_step_up,
	.job_insert = sq_job_insert,
	.job_claim = sq_job_claim,
	.job_finish = sq_job_finish,
	.job_get = sq_job_get,
	.job_cancel = sq_job_cancel,
	.session_insert = sq_session_insert,
	.session_get = sq_session_get,
	.session_touch = sq_session_touch,
	.session_delete = sq_session_delete,
	.throttle_get = sq_throttle_get,
	.throttle_put = sq_throttle_put,
	.throttle_delete = sq_throttle_delete,
	.ops_key_insert = sq_ops_key_insert,
	.ops_key_get_by_hash = sq_ops_key_get_by_hash,
	.idempotency_get = sq_idempotency_get,
	.idempotency_put = sq_idempotency_put,
	.audit_last = sq_audit_last,
	.audit_insert = sq_audit_insert,
	.audit_scan = sq_audit_scan,
	.audit_list_seller = sq_audit_list_seller,
	.email_insert = sq_email_insert,
	.email_get = sq_email_get,
	.email_update = sq_email_update,
	.emails_list = sq_emails_list,
	.webhook_insert = sq_webhook_insert,
	.webhook_get = sq_webhook_get,
	.webhook_update = sq_webhook_update,
	.webhooks_list = sq_webhooks_list,
	.delivery_insert = sq_delivery_insert,
	.delivery_get = sq_delivery_get,
	.delivery_update = sq_delivery_update,
	.deliveries_list = sq_deliveries_list,
	.export_insert = sq_export_insert,
	.export_get = sq_export_get,
	.export_update = sq_export_update,
	.export_active = sq_export_active,
	.export_last_completed = sq_export_last_completed,
	.export_counts = sq_export_counts,
	.order_items_page = sq_order_items_page,
	.closures_of_seller = sq_closures_of_seller,
	.job_renew = sq_job_renew,
	.erasure_insert = sq_erasure_insert,
	.erasure_update = sq_erasure_update,
	.erasure_get = sq_erasure_get,
	.erasure_of = sq_erasure_of,
	.erasure_count_add = sq_erasure_count_add,
	.erasure_counts = sq_erasure_counts,
	.purge_rows = sq_purge_rows,
	.compact = sq_compact,
	.purge_ids = sq_purge_ids,
	.data_key_get = sq_data_key_get,
	.data_key_put = sq_data_key_put,
	.data_key_destroy = sq_data_key_destroy,
	.keystore_meta_get = sq_keystore_meta_get,
	.keystore_meta_put = sq_keystore_meta_put,
	.legal_hold_insert = sq_legal_hold_insert,
	.legal_hold_get = sq_legal_hold_get,
	.legal_hold_release = sq_legal_hold_release,
	.legal_holds_list = sq_legal_holds_list,
	.legal_hold_until = sq_legal_hold_until,
};

/* SQLite's allocation statistics take a global mutex on every allocation;
 * nothing here reads them. Must happen before the first connection. */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

enum ob_rc sqlite_store_open(const char *path, struct store **out, struct ob_err *err)
{
	struct sqlite_store *s = calloc(1, sizeof(*s));
	enum ob_rc rc;
	int src;

	pthread_once(&config_once, configure_sqlite);
	if (s == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	s->base.ops = &sqlite_ops;
	src = sqlite3_open_v2(path, &s->db,
			      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (src != SQLITE_OK) {
		rc = ob_fail(err, OB_EDB, "database_unavailable", "db", "cannot open database %s: %s",
			     path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(src));
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/* temp_store: savepoints (one per domain step of an import) journal
	 * in memory rather than in a temporary file. secure_delete zeroes
	 * what is deleted; auto_vacuum (which only a new database takes)
	 * lets a purge give free pages back to the file system. */
	if ((rc = exec_sql(s, "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL;"
			      " PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			      " PRAGMA temp_store=MEMORY; PRAGMA secure_delete=ON;", err)) != OB_OK)
		goto fail;
	if ((rc = sq_keystore_open(s, path, err)) != OB_OK)
		goto fail;
	*out = &s->base;
	return OB_OK;
fail:
	sqlite3_close(s->db);
	sq_keystore_close(s);
	free(s);
	return rc;
}
