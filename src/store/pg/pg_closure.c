/* pg_closure.c: closures and pauses, the readiness counts, and the bulk
 * changes a closure makes (listings, services, sessions), on PostgreSQL.
 * Semantics are those of sqlite/sqlite_closure.c. */
#include "store/pg/pg_internal.h"

#include <string.h>

#define CLOSURE_COLS "id, seller_id, method, status, reason, reason_text, token_hash,"    \
		     " token_expires_at, requested_at, confirmed_at, ended_at, closes_at,"  \
		     " closed_at, reserve_release_at, history_ends_at, erase_at, policy"

static void closure_row(const PGresult *r, int i, void *row)
{
	struct closure *c = row;
	int e;

	pg_col_text(r, i, 0, c->id, sizeof(c->id));
	pg_col_text(r, i, 1, c->seller_id, sizeof(c->seller_id));
	c->method = strcmp(PQgetvalue(r, i, 2), "pause") == 0 ? CLOSURE_METHOD_PAUSE : CLOSURE_METHOD_CLOSE;
	e = store_enum_parse(closure_status_names, PQgetvalue(r, i, 3));
	c->status = e < 0 ? CLOSURE_REQUESTED : (enum closure_status)e;
	pg_col_text(r, i, 4, c->reason, sizeof(c->reason));
	pg_col_text(r, i, 5, c->reason_text, sizeof(c->reason_text));
	pg_col_text(r, i, 6, c->token_hash, sizeof(c->token_hash));
	c->token_expires_at = pg_col_int(r, i, 7);
	c->requested_at = pg_col_int(r, i, 8);
	c->confirmed_at = pg_col_int(r, i, 9);
	c->ended_at = pg_col_int(r, i, 10);
	c->closes_at = pg_col_int(r, i, 11);
	c->closed_at = pg_col_int(r, i, 12);
	c->reserve_release_at = pg_col_int(r, i, 13);
	c->history_ends_at = pg_col_int(r, i, 14);
	c->erase_at = pg_col_int(r, i, 15);
	pg_col_text(r, i, 16, c->policy, sizeof(c->policy));
}

/* Binds every column in CLOSURE_COLS order, $1..$17. */
static void bind_closure(struct pg_args *a, const struct closure *c)
{
	pg_text(a, c->id);
	pg_text(a, c->seller_id);
	pg_text(a, c->method == CLOSURE_METHOD_PAUSE ? "pause" : "close");
	pg_text(a, closure_status_names[c->status]);
	pg_text(a, c->reason);
	pg_text(a, c->reason_text);
	pg_text(a, c->token_hash);
	pg_int(a, c->token_expires_at);
	pg_int(a, c->requested_at);
	pg_int(a, c->confirmed_at);
	pg_int(a, c->ended_at);
	pg_int(a, c->closes_at);
	pg_int(a, c->closed_at);
	pg_int(a, c->reserve_release_at);
	pg_int(a, c->history_ends_at);
	pg_int(a, c->erase_at);
	pg_text(a, c->policy);
}

enum ob_rc pg_closure_insert(struct store *st, const struct closure *c, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO closures (" CLOSURE_COLS ") VALUES ($1, $2, $3, $4, $5,"
				  " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
				  " ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	bind_closure(&a, c);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_closure_update(struct store *st, const struct closure *c, struct ob_err *err)
{
	static const char sql[] = "UPDATE closures SET method = $3, status = $4, reason = $5,"
				  " reason_text = $6, token_hash = $7, token_expires_at = $8,"
				  " requested_at = $9, confirmed_at = $10, ended_at = $11, closes_at = $12,"
				  " closed_at = $13, reserve_release_at = $14, history_ends_at = $15,"
				  " erase_at = $16, policy = $17 WHERE id = $1 AND seller_id = $2";
	struct pg_args a = { 0 };

	bind_closure(&a, c);
	return pg_write(P(st), sql, &a, NULL, err);
}

static enum ob_rc closure_one(struct store *st, const char *sql, const char *arg, struct closure *out,
			      struct ob_err *err)
{
	struct pg_args a = { 0 };

	pg_text(&a, arg);
	return pg_one(P(st), sql, &a, out, sizeof(*out), closure_row, err);
}

enum ob_rc pg_closure_get(struct store *st, const char *id, struct closure *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " CLOSURE_COLS " FROM closures WHERE id = $1";

	return closure_one(st, sql, id, out, err);
}

enum ob_rc pg_closure_by_token(struct store *st, const char *token_hash, struct closure *out,
			       struct ob_err *err)
{
	static const char sql[] = "SELECT " CLOSURE_COLS " FROM closures WHERE token_hash = $1"
				  " AND token_hash != ''";

	return closure_one(st, sql, token_hash, out, err);
}

enum ob_rc pg_closure_current(struct store *st, const char *seller_id, struct closure *out,
			      struct ob_err *err)
{
	static const char sql[] = "SELECT " CLOSURE_COLS " FROM closures WHERE seller_id = $1"
				  " ORDER BY requested_at DESC, id DESC LIMIT 1";

	return closure_one(st, sql, seller_id, out, err);
}

enum ob_rc pg_closures_list(struct store *st, int status, const char *reason, int64_t after_time,
			    const char *after_id, struct closure *out, size_t cap, size_t *n,
			    struct ob_err *err)
{
	static const char sql[] = "SELECT " CLOSURE_COLS " FROM closures WHERE method = 'close'"
				  " AND ($1 = '' OR status = $1) AND ($2 = '' OR reason = $2)"
				  " AND (requested_at, id) < ($3, $4)"
				  " ORDER BY requested_at DESC, id DESC LIMIT $5";
	struct pg_args a = { 0 };

	pg_text(&a, status >= 0 ? closure_status_names[status] : "");
	pg_text(&a, reason ? reason : "");
	pg_int(&a, after_id ? after_time : INT64_MAX);
	pg_text(&a, after_id ? after_id : "");
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, closure_row, err);
}

static void readiness_row(const PGresult *r, int i, void *row)
{
	struct readiness_counts *c = row;
	int64_t *fields[] = {
		&c->open_orders, &c->open_disputes, &c->open_disputes_minor, &c->payouts_in_flight,
		&c->payouts_in_flight_minor, &c->fulfilment_units, &c->fulfilment_skus,
		&c->return_window_orders, &c->return_window_ends_at, &c->active_listings,
		&c->active_services, &c->active_services_minor,
	};

	for (int k = 0; k < (int)(sizeof(fields) / sizeof(fields[0])); k++)
		*fields[k] = pg_col_int(r, i, k);
}

enum ob_rc pg_readiness_counts(struct store *st, const char *seller_id, int64_t now,
			       struct readiness_counts *out, struct ob_err *err)
{
	/* The counts of sqlite_closure.c in one round trip: the seller's
	 * counters row (migration 10, kept by triggers; none yet means nothing
	 * to count) and the return-window counters by day (migration 7), so a
	 * seller's history costs nothing. Sums stay BIGINT: one past its range
	 * fails, as SQLite's integer sum does. */
	static const char sql[] =
		"SELECT COALESCE(c.open_orders, 0), COALESCE(c.open_disputes, 0),"
		" COALESCE(c.open_disputes_minor, 0), COALESCE(c.payouts_in_flight, 0),"
		" COALESCE(c.payouts_in_flight_minor, 0), COALESCE(c.fulfilment_units, 0),"
		" COALESCE(c.fulfilment_skus, 0),"
		" (SELECT COALESCE(SUM(orders), 0)::bigint FROM return_window_days"
		"  WHERE seller_id = $1 AND day >= $2 / 86400),"
		" (SELECT COALESCE(MAX(return_window_ends_at), 0) FROM orders"
		"  WHERE seller_id = $1 AND status = 'delivered' AND return_window_ends_at > $2),"
		" COALESCE(c.active_listings, 0), COALESCE(c.active_services, 0),"
		" COALESCE(c.active_services_minor, 0)"
		" FROM (SELECT 1) k LEFT JOIN seller_counters c ON c.seller_id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	pg_int(&a, now);
	return pg_one(P(st), sql, &a, out, sizeof(*out), readiness_row, err);
}

/* A bulk change of one seller's rows ($1) at now ($2). */
static enum ob_rc change(struct store *st, const char *sql, const char *seller, int64_t now,
			 int64_t *changed, struct ob_err *err)
{
	struct pg_args a = { 0 };
	int64_t n = 0;
	enum ob_rc rc;

	pg_text(&a, seller);
	pg_int(&a, now);
	rc = pg_write(P(st), sql, &a, &n, err);
	if (changed)
		*changed = rc == OB_OK ? n : 0;
	return rc;
}

enum ob_rc pg_listings_deactivate(struct store *st, const char *seller_id, int64_t now,
				  int64_t *changed, struct ob_err *err)
{
	static const char sql[] = "UPDATE listings SET status = 'inactive', paused = 0, updated_at = $2"
				  " WHERE seller_id = $1 AND (status = 'active' OR paused = 1)";

	return change(st, sql, seller_id, now, changed, err);
}

enum ob_rc pg_listings_pause(struct store *st, const char *seller_id, int64_t now,
			     int64_t *changed, struct ob_err *err)
{
	static const char sql[] = "UPDATE listings SET status = 'inactive', paused = 1, updated_at = $2"
				  " WHERE seller_id = $1 AND status = 'active'";

	return change(st, sql, seller_id, now, changed, err);
}

enum ob_rc pg_listings_resume(struct store *st, const char *seller_id, int64_t now,
			      int64_t *changed, struct ob_err *err)
{
	static const char sql[] = "UPDATE listings SET status = 'active', paused = 0, updated_at = $2"
				  " WHERE seller_id = $1 AND paused = 1";

	return change(st, sql, seller_id, now, changed, err);
}

enum ob_rc pg_services_terminate(struct store *st, const char *seller_id, int64_t now,
				 int64_t *changed, struct ob_err *err)
{
	static const char sql[] = "UPDATE services SET active = 0, ended_at = $2"
				  " WHERE seller_id = $1 AND active = 1";

	return change(st, sql, seller_id, now, changed, err);
}

enum ob_rc pg_session_step_up(struct store *st, const char *token_hash, int64_t password_at,
			      int64_t totp_at, struct ob_err *err)
{
	static const char sql[] = "UPDATE sessions SET password_at = $2,"
				  " totp_at = CASE WHEN $3 > 0 THEN $3 ELSE totp_at END WHERE token_hash = $1";
	struct pg_args a = { 0 };

	pg_text(&a, token_hash);
	pg_int(&a, password_at);
	pg_int(&a, totp_at);
	return pg_write(P(st), sql, &a, NULL, err);
}

enum ob_rc pg_sessions_end(struct store *st, const char *seller_id, struct ob_err *err)
{
	static const char sql[] = "DELETE FROM sessions WHERE seller_id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	return pg_write(P(st), sql, &a, NULL, err);
}
