/* sqlite_closure.c: closures and pauses, the readiness counts, and the
 * bulk changes a closure makes (listings, services, sessions). */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

#define CLOSURE_COLS "id, seller_id, method, status, reason, reason_text, token_hash,"    \
		     " token_expires_at, requested_at, confirmed_at, ended_at, closes_at,"  \
		     " closed_at, reserve_release_at, history_ends_at, erase_at, policy"

static void closure_row(sqlite3_stmt *q, void *row)
{
	struct closure *c = row;
	char v[32];
	int e;

	sq_col_text(q, 0, c->id, sizeof(c->id));
	sq_col_text(q, 1, c->seller_id, sizeof(c->seller_id));
	sq_col_text(q, 2, v, sizeof(v));
	c->method = strcmp(v, "pause") == 0 ? CLOSURE_METHOD_PAUSE : CLOSURE_METHOD_CLOSE;
	sq_col_text(q, 3, v, sizeof(v));
	e = store_enum_parse(closure_status_names, v);
	c->status = e < 0 ? CLOSURE_REQUESTED : (enum closure_status)e;
	sq_col_text(q, 4, c->reason, sizeof(c->reason));
	sq_col_text(q, 5, c->reason_text, sizeof(c->reason_text));
	sq_col_text(q, 6, c->token_hash, sizeof(c->token_hash));
	c->token_expires_at = sqlite3_column_int64(q, 7);
	c->requested_at = sqlite3_column_int64(q, 8);
	c->confirmed_at = sqlite3_column_int64(q, 9);
	c->ended_at = sqlite3_column_int64(q, 10);
	c->closes_at = sqlite3_column_int64(q, 11);
	c->closed_at = sqlite3_column_int64(q, 12);
	c->reserve_release_at = sqlite3_column_int64(q, 13);
	c->history_ends_at = sqlite3_column_int64(q, 14);
	c->erase_at = sqlite3_column_int64(q, 15);
	sq_col_text(q, 16, c->policy, sizeof(c->policy));
}

/* Binds every column in CLOSURE_COLS order, ?1..?17. */
static void bind_closure(sqlite3_stmt *q, const struct closure *c)
{
	sq_bind_text(q, 1, c->id);
	sq_bind_text(q, 2, c->seller_id);
	sq_bind_text(q, 3, c->method == CLOSURE_METHOD_PAUSE ? "pause" : "close");
	sq_bind_text(q, 4, closure_status_names[c->status]);
	sq_bind_text(q, 5, c->reason);
	sq_bind_text(q, 6, c->reason_text);
	sq_bind_text(q, 7, c->token_hash);
	sqlite3_bind_int64(q, 8, c->token_expires_at);
	sqlite3_bind_int64(q, 9, c->requested_at);
	sqlite3_bind_int64(q, 10, c->confirmed_at);
	sqlite3_bind_int64(q, 11, c->ended_at);
	sqlite3_bind_int64(q, 12, c->closes_at);
	sqlite3_bind_int64(q, 13, c->closed_at);
	sqlite3_bind_int64(q, 14, c->reserve_release_at);
	sqlite3_bind_int64(q, 15, c->history_ends_at);
	sqlite3_bind_int64(q, 16, c->erase_at);
	sq_bind_text(q, 17, c->policy);
}

enum ob_rc sq_closure_insert(struct store *st, const struct closure *c, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO closures (" CLOSURE_COLS ") VALUES (?1, ?2, ?3, ?4, ?5,"
				  " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	bind_closure(q, c);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_closure_update(struct store *st, const struct closure *c, struct ob_err *err)
{
	static const char sql[] = "UPDATE closures SET method = ?3, status = ?4, reason = ?5,"
				  " reason_text = ?6, token_hash = ?7, token_expires_at = ?8,"
				  " requested_at = ?9, confirmed_at = ?10, ended_at = ?11, closes_at = ?12,"
				  " closed_at = ?13, reserve_release_at = ?14, history_ends_at = ?15,"
				  " erase_at = ?16, policy = ?17 WHERE id = ?1 AND seller_id = ?2";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	bind_closure(q, c);
	return sq_exec_done(s, q, err);
}

static enum ob_rc closure_one(struct store *st, const char *sql, const char *arg, struct closure *out,
			      struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, arg);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	closure_row(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_closure_get(struct store *st, const char *id, struct closure *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " CLOSURE_COLS " FROM closures WHERE id = ?1";

	return closure_one(st, sql, id, out, err);
}

enum ob_rc sq_closure_by_token(struct store *st, const char *token_hash, struct closure *out,
			       struct ob_err *err)
{
	static const char sql[] = "SELECT " CLOSURE_COLS " FROM closures WHERE token_hash = ?1"
				  " AND token_hash != ''";

	return closure_one(st, sql, token_hash, out, err);
}

enum ob_rc sq_closure_current(struct store *st, const char *seller_id, struct closure *out,
			      struct ob_err *err)
{
	static const char sql[] = "SELECT " CLOSURE_COLS " FROM closures WHERE seller_id = ?1"
				  " ORDER BY requested_at DESC, id DESC LIMIT 1";

	return closure_one(st, sql, seller_id, out, err);
}

enum ob_rc sq_closures_list(struct store *st, int status, const char *reason, int64_t after_time,
			    const char *after_id, struct closure *out, size_t cap, size_t *n,
			    struct ob_err *err)
{
	static const char sql[] = "SELECT " CLOSURE_COLS " FROM closures WHERE method = 'close'"
				  " AND (?1 = '' OR status = ?1) AND (?2 = '' OR reason = ?2)"
				  " AND (requested_at, id) < (?3, ?4)"
				  " ORDER BY requested_at DESC, id DESC LIMIT ?5";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, status >= 0 ? closure_status_names[status] : "");
	sq_bind_text(q, 2, reason ? reason : "");
	sqlite3_bind_int64(q, 3, after_id ? after_time : INT64_MAX);
	sq_bind_text(q, 4, after_id ? after_id : "");
	sqlite3_bind_int64(q, 5, (sqlite3_int64)cap);
	return sq_rows(s, q, out, sizeof(*out), cap, n, closure_row, err);
}

enum ob_rc sq_readiness_counts(struct store *st, const char *seller_id, int64_t now,
			       struct readiness_counts *out, struct ob_err *err)
{
	/* One statement: the seller's counters row (migration 10, kept by
	 * triggers; none yet means nothing to count), the return-window
	 * counters by day (migration 7) for how many, and the index for the
	 * last end. A seller with a million orders costs the same as one with
	 * none. The day of now is counted whole: a window ending later today
	 * still blocks, one that ended earlier today blocks until midnight. */
	static const char sql[] =
		"SELECT COALESCE(c.open_orders, 0), COALESCE(c.open_disputes, 0),"
		" COALESCE(c.open_disputes_minor, 0), COALESCE(c.payouts_in_flight, 0),"
		" COALESCE(c.payouts_in_flight_minor, 0), COALESCE(c.fulfilment_units, 0),"
		" COALESCE(c.fulfilment_skus, 0),"
		" (SELECT COALESCE(SUM(orders), 0) FROM return_window_days"
		"  WHERE seller_id = ?1 AND day >= ?2 / 86400),"
		" (SELECT COALESCE(MAX(return_window_ends_at), 0) FROM orders"
		"  WHERE seller_id = ?1 AND status = 'delivered' AND return_window_ends_at > ?2),"
		" COALESCE(c.active_listings, 0), COALESCE(c.active_services, 0),"
		" COALESCE(c.active_services_minor, 0)"
		" FROM (SELECT 1) k LEFT JOIN seller_counters c ON c.seller_id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	int64_t *fields[] = {
		&out->open_orders, &out->open_disputes, &out->open_disputes_minor, &out->payouts_in_flight,
		&out->payouts_in_flight_minor, &out->fulfilment_units, &out->fulfilment_skus,
		&out->return_window_orders, &out->return_window_ends_at, &out->active_listings,
		&out->active_services, &out->active_services_minor,
	};
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	sqlite3_bind_int64(q, 2, now);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	for (int k = 0; k < (int)(sizeof(fields) / sizeof(fields[0])); k++)
		*fields[k] = sqlite3_column_int64(q, k);
	sqlite3_reset(q);
	return OB_OK;
}

static enum ob_rc change(struct store *st, const char *sql, const char *seller, int64_t now,
			 int64_t *changed, struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller);
	sqlite3_bind_int64(q, 2, now);
	rc = sq_exec_done(s, q, err);
	if (changed)
		*changed = rc == OB_OK ? sqlite3_changes64(s->db) : 0;
	return rc;
}

enum ob_rc sq_listings_deactivate(struct store *st, const char *seller_id, int64_t now,
				  int64_t *changed, struct ob_err *err)
{
	static const char sql[] = "UPDATE listings SET status = 'inactive', paused = 0, updated_at = ?2"
				  " WHERE seller_id = ?1 AND (status = 'active' OR paused = 1)";

	return change(st, sql, seller_id, now, changed, err);
}

enum ob_rc sq_listings_pause(struct store *st, const char *seller_id, int64_t now,
			     int64_t *changed, struct ob_err *err)
{
	static const char sql[] = "UPDATE listings SET status = 'inactive', paused = 1, updated_at = ?2"
				  " WHERE seller_id = ?1 AND status = 'active'";

	return change(st, sql, seller_id, now, changed, err);
}

enum ob_rc sq_listings_resume(struct store *st, const char *seller_id, int64_t now,
			      int64_t *changed, struct ob_err *err)
{
	static const char sql[] = "UPDATE listings SET status = 'active', paused = 0, updated_at = ?2"
				  " WHERE seller_id = ?1 AND paused = 1";

	return change(st, sql, seller_id, now, changed, err);
}

enum ob_rc sq_session_step_up(struct store *st, const char *token_hash, int64_t password_at,
			      int64_t totp_at, struct ob_err *err)
{
	static const char sql[] = "UPDATE sessions SET password_at = ?2,"
				  " totp_at = CASE WHEN ?3 > 0 THEN ?3 ELSE totp_at END WHERE token_hash = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, token_hash);
	sqlite3_bind_int64(q, 2, password_at);
	sqlite3_bind_int64(q, 3, totp_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_services_terminate(struct store *st, const char *seller_id, int64_t now,
				 int64_t *changed, struct ob_err *err)
{
	static const char sql[] = "UPDATE services SET active = 0, ended_at = ?2"
				  " WHERE seller_id = ?1 AND active = 1";

	return change(st, sql, seller_id, now, changed, err);
}

enum ob_rc sq_sessions_end(struct store *st, const char *seller_id, struct ob_err *err)
{
	static const char sql[] = "DELETE FROM sessions WHERE seller_id = ?1 AND ?2 = ?2";

	return change(st, sql, seller_id, 0, NULL, err);
}
