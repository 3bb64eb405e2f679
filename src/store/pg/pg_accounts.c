/* pg_accounts.c: marketplaces, sellers, sessions, sign-in throttling,
 * operator keys and idempotency records of the PostgreSQL backend. */
#include "store/pg/pg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- marketplaces --- */

static void marketplace_row(const PGresult *r, int i, void *row)
{
	struct marketplace *m = row;

	pg_col_text(r, i, 0, m->id, sizeof(m->id));
	pg_col_text(r, i, 1, m->name, sizeof(m->name));
	pg_col_text(r, i, 2, m->currency, sizeof(m->currency));
	pg_col_text(r, i, 3, m->policy, sizeof(m->policy));
	m->created_at = pg_col_int(r, i, 4);
}

enum ob_rc pg_marketplace_insert(struct store *st, const struct marketplace *m, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO marketplaces (id, name, currency, policy, created_at)"
				  " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, m->id);
	pg_text(&a, m->name);
	pg_text(&a, m->currency);
	pg_text(&a, m->policy);
	pg_int(&a, m->created_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_marketplace_get(struct store *st, const char *id, struct marketplace *out, struct ob_err *err)
{
	static const char sql[] = "SELECT id, name, currency, policy, created_at FROM marketplaces WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, id);
	return pg_one(P(st), sql, &a, out, sizeof(*out), marketplace_row, err);
}

/* --- sellers --- */

#define SELLER_COLUMNS \
	"id, marketplace_id, email, password_hash, display_name, legal_name, phone, address," \
	" tax_id, bank_holder, bank_iban, status, totp_secret, totp_pending, totp_last_step," \
	" created_at, updated_at, email_index"

static void seller_row(const PGresult *r, int i, void *row)
{
	struct seller *out = row;
	int status = seller_status_parse(PQgetvalue(r, i, 11));

	pg_col_text(r, i, 0, out->id, sizeof(out->id));
	pg_col_text(r, i, 1, out->marketplace_id, sizeof(out->marketplace_id));
	pg_col_text(r, i, 2, out->email, sizeof(out->email));
	pg_col_text(r, i, 3, out->password_hash, sizeof(out->password_hash));
	pg_col_text(r, i, 4, out->display_name, sizeof(out->display_name));
	pg_col_text(r, i, 5, out->legal_name, sizeof(out->legal_name));
	pg_col_text(r, i, 6, out->phone, sizeof(out->phone));
	pg_col_text(r, i, 7, out->address, sizeof(out->address));
	pg_col_text(r, i, 8, out->tax_id, sizeof(out->tax_id));
	pg_col_text(r, i, 9, out->bank_holder, sizeof(out->bank_holder));
	pg_col_text(r, i, 10, out->bank_iban, sizeof(out->bank_iban));
	out->status = status < 0 ? SELLER_ACTIVE : (enum seller_status)status;
	pg_col_text(r, i, 12, out->totp_secret, sizeof(out->totp_secret));
	pg_col_text(r, i, 13, out->totp_pending, sizeof(out->totp_pending));
	out->totp_last_step = pg_col_int(r, i, 14);
	out->created_at = pg_col_int(r, i, 15);
	out->updated_at = pg_col_int(r, i, 16);
	pg_col_text(r, i, 17, out->email_index, sizeof(out->email_index));
}

enum ob_rc pg_seller_insert(struct store *st, const struct seller *v, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO sellers (" SELLER_COLUMNS ") VALUES ($1, $2, $3, $4,"
				  " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
				  " ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, v->id);
	pg_text(&a, v->marketplace_id);
	pg_text(&a, v->email);
	pg_text(&a, v->password_hash);
	pg_text(&a, v->display_name);
	pg_text(&a, v->legal_name);
	pg_text(&a, v->phone);
	pg_text(&a, v->address);
	pg_text(&a, v->tax_id);
	pg_text(&a, v->bank_holder);
	pg_text(&a, v->bank_iban);
	pg_text(&a, seller_status_name(v->status));
	pg_text(&a, v->totp_secret);
	pg_text(&a, v->totp_pending);
	pg_int(&a, v->totp_last_step);
	pg_int(&a, v->created_at);
	pg_int(&a, v->updated_at);
	pg_text(&a, v->email_index);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_seller_get(struct store *st, const char *id, struct seller *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " SELLER_COLUMNS " FROM sellers WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, id);
	return pg_one(P(st), sql, &a, out, sizeof(*out), seller_row, err);
}

static void seller_state_row(const PGresult *r, int i, void *row)
{
	struct seller_state *out = row;
	int status = seller_status_parse(PQgetvalue(r, i, 1));

	pg_col_text(r, i, 0, out->marketplace_id, sizeof(out->marketplace_id));
	out->status = status < 0 ? SELLER_ACTIVE : (enum seller_status)status;
}

enum ob_rc pg_seller_state(struct store *st, const char *id, struct seller_state *out, struct ob_err *err)
{
	static const char sql[] = "SELECT marketplace_id, status FROM sellers WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, id);
	return pg_one(P(st), sql, &a, out, sizeof(*out), seller_state_row, err);
}

enum ob_rc pg_seller_get_by_email(struct store *st, const char *email_index, struct seller *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " SELLER_COLUMNS " FROM sellers WHERE email_index = $1";
	struct pg_args a = { 0 };

	pg_text(&a, email_index);
	return pg_one(P(st), sql, &a, out, sizeof(*out), seller_row, err);
}

enum ob_rc pg_seller_set_totp(struct store *st, const struct seller *v, struct ob_err *err)
{
	static const char sql[] = "UPDATE sellers SET totp_secret = $2, totp_pending = $3,"
				  " totp_last_step = $4, updated_at = $5 WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, v->id);
	pg_text(&a, v->totp_secret);
	pg_text(&a, v->totp_pending);
	pg_int(&a, v->totp_last_step);
	pg_int(&a, v->updated_at);
	return pg_write(P(st), sql, &a, NULL, err);
}

enum ob_rc pg_seller_set_status(struct store *st, const char *id, enum seller_status status,
				int64_t now, struct ob_err *err)
{
	static const char sql[] = "UPDATE sellers SET status = $2, updated_at = $3 WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, id);
	pg_text(&a, seller_status_name(status));
	pg_int(&a, now);
	return pg_write(P(st), sql, &a, NULL, err);
}

/* --- sessions --- */

static void session_row(const PGresult *r, int i, void *row)
{
	struct session *out = row;

	pg_col_text(r, i, 0, out->token_hash, sizeof(out->token_hash));
	pg_col_text(r, i, 1, out->csrf_hash, sizeof(out->csrf_hash));
	pg_col_text(r, i, 2, out->seller_id, sizeof(out->seller_id));
	out->scope = strcmp(PQgetvalue(r, i, 3), "history") == 0 ? SESSION_HISTORY : SESSION_SELLER;
	out->created_at = pg_col_int(r, i, 4);
	out->last_seen_at = pg_col_int(r, i, 5);
	out->expires_at = pg_col_int(r, i, 6);
	out->password_at = pg_col_int(r, i, 7);
	out->totp_at = pg_col_int(r, i, 8);
}

enum ob_rc pg_session_insert(struct store *st, const struct session *v, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO sessions (token_hash, csrf_hash, seller_id, scope,"
				  " created_at, last_seen_at, expires_at, password_at, totp_at)"
				  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, v->token_hash);
	pg_text(&a, v->csrf_hash);
	pg_text(&a, v->seller_id);
	pg_text(&a, v->scope == SESSION_HISTORY ? "history" : "seller");
	pg_int(&a, v->created_at);
	pg_int(&a, v->last_seen_at);
	pg_int(&a, v->expires_at);
	pg_int(&a, v->password_at);
	pg_int(&a, v->totp_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_session_get(struct store *st, const char *token_hash, struct session *out, struct ob_err *err)
{
	static const char sql[] = "SELECT token_hash, csrf_hash, seller_id, scope, created_at,"
				  " last_seen_at, expires_at, password_at, totp_at"
				  " FROM sessions WHERE token_hash = $1";
	struct pg_args a = { 0 };

	pg_text(&a, token_hash);
	return pg_one(P(st), sql, &a, out, sizeof(*out), session_row, err);
}

enum ob_rc pg_session_touch(struct store *st, const char *token_hash, int64_t now, struct ob_err *err)
{
	static const char sql[] = "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1";
	struct pg_args a = { 0 };

	pg_text(&a, token_hash);
	pg_int(&a, now);
	return pg_write(P(st), sql, &a, NULL, err);
}

enum ob_rc pg_session_delete(struct store *st, const char *token_hash, struct ob_err *err)
{
	static const char sql[] = "DELETE FROM sessions WHERE token_hash = $1";
	struct pg_args a = { 0 };

	pg_text(&a, token_hash);
	return pg_write(P(st), sql, &a, NULL, err);
}

/* --- sign-in throttling --- */

static void throttle_row(const PGresult *r, int i, void *row)
{
	struct throttle *out = row;

	pg_col_text(r, i, 0, out->key, sizeof(out->key));
	out->failures = (int)pg_col_int(r, i, 1);
	out->last_failure_at = pg_col_int(r, i, 2);
	out->locked_until = pg_col_int(r, i, 3);
}

enum ob_rc pg_throttle_get(struct store *st, const char *key, struct throttle *out, struct ob_err *err)
{
	static const char sql[] = "SELECT key, failures, last_failure_at, locked_until"
				  " FROM login_throttle WHERE key = $1";
	struct pg_args a = { 0 };

	pg_text(&a, key);
	return pg_one(P(st), sql, &a, out, sizeof(*out), throttle_row, err);
}

enum ob_rc pg_throttle_put(struct store *st, const struct throttle *t, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO login_throttle (key, failures, last_failure_at, locked_until)"
				  " VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET"
				  " failures = excluded.failures, last_failure_at = excluded.last_failure_at,"
				  " locked_until = excluded.locked_until";
	struct pg_args a = { 0 };

	pg_text(&a, t->key);
	pg_int(&a, t->failures);
	pg_int(&a, t->last_failure_at);
	pg_int(&a, t->locked_until);
	return pg_write(P(st), sql, &a, NULL, err);
}

enum ob_rc pg_throttle_delete(struct store *st, const char *key, struct ob_err *err)
{
	static const char sql[] = "DELETE FROM login_throttle WHERE key = $1";
	struct pg_args a = { 0 };

	pg_text(&a, key);
	return pg_write(P(st), sql, &a, NULL, err);
}

/* --- operator keys --- */

static void ops_key_row(const PGresult *r, int i, void *row)
{
	struct ops_key *out = row;

	pg_col_text(r, i, 0, out->id, sizeof(out->id));
	pg_col_text(r, i, 1, out->name, sizeof(out->name));
	pg_col_text(r, i, 2, out->key_hash, sizeof(out->key_hash));
	out->created_at = pg_col_int(r, i, 3);
	out->revoked_at = pg_col_int(r, i, 4);
}

enum ob_rc pg_ops_key_insert(struct store *st, const struct ops_key *k, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO ops_keys (id, name, key_hash, created_at, revoked_at)"
				  " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, k->id);
	pg_text(&a, k->name);
	pg_text(&a, k->key_hash);
	pg_int(&a, k->created_at);
	pg_int(&a, k->revoked_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_ops_key_get_by_hash(struct store *st, const char *key_hash, struct ops_key *out,
				  struct ob_err *err)
{
	static const char sql[] = "SELECT id, name, key_hash, created_at, revoked_at"
				  " FROM ops_keys WHERE key_hash = $1";
	struct pg_args a = { 0 };

	pg_text(&a, key_hash);
	return pg_one(P(st), sql, &a, out, sizeof(*out), ops_key_row, err);
}

/* --- idempotency --- */

enum ob_rc pg_idempotency_get(struct store *st, const char *scope, const char *key,
			      struct idempotency *out, struct ob_err *err)
{
	static const char sql[] = "SELECT request_hash, status, body, created_at FROM idempotency"
				  " WHERE scope = $1 AND key = $2";
	struct pg_args a = { 0 };
	PGresult *r;
	enum ob_rc rc;

	pg_text(&a, scope);
	pg_text(&a, key);
	if ((rc = pg_query(P(st), sql, &a, &r, err)) != OB_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "not found");
	}
	snprintf(out->scope, sizeof(out->scope), "%s", scope);
	snprintf(out->key, sizeof(out->key), "%s", key);
	pg_col_text(r, 0, 0, out->request_hash, sizeof(out->request_hash));
	out->status = (int)pg_col_int(r, 0, 1);
	out->body = strdup(PQgetvalue(r, 0, 2));
	out->created_at = pg_col_int(r, 0, 3);
	PQclear(r);
	if (out->body == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	return OB_OK;
}

enum ob_rc pg_idempotency_put(struct store *st, const struct idempotency *v, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO idempotency (scope, key, request_hash, status, body,"
				  " created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, v->scope);
	pg_text(&a, v->key);
	pg_text(&a, v->request_hash);
	pg_int(&a, v->status);
	pg_text(&a, v->body);
	pg_int(&a, v->created_at);
	return pg_insert(P(st), sql, &a, err);
}
