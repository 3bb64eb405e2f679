/* sqlite_notify.c: the notification outboxes: e-mails, webhook
 * subscriptions and their deliveries (tables of migration 5). */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

/* An UPDATE by id that touched no row: the record does not exist. */
static enum ob_rc updated_one(struct sqlite_store *s, sqlite3_stmt *q, struct ob_err *err)
{
	enum ob_rc rc = sq_exec_done(s, q, err);

	if (rc == OB_OK && sqlite3_changes64(s->db) == 0)
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "not found");
	return rc;
}

static int enum_col(sqlite3_stmt *q, int i, const char *const *names)
{
	char v[16];
	int e;

	sq_col_text(q, i, v, sizeof(v));
	e = store_enum_parse(names, v);
	return e < 0 ? 0 : e;
}

/* --- e-mails --- */

#define EMAIL_COLS "id, seller_id, to_address, subject, body, status, attempts, last_error," \
		   " created_at, sent_at"

static void email_row(sqlite3_stmt *q, void *row)
{
	struct email *e = row;

	sq_col_text(q, 0, e->id, sizeof(e->id));
	sq_col_text(q, 1, e->seller_id, sizeof(e->seller_id));
	sq_col_text(q, 2, e->to_address, sizeof(e->to_address));
	sq_col_text(q, 3, e->subject, sizeof(e->subject));
	sq_col_text(q, 4, e->body, sizeof(e->body));
	e->status = (enum email_status)enum_col(q, 5, email_status_names);
	e->attempts = sqlite3_column_int(q, 6);
	sq_col_text(q, 7, e->last_error, sizeof(e->last_error));
	e->created_at = sqlite3_column_int64(q, 8);
	e->sent_at = sqlite3_column_int64(q, 9);
}

enum ob_rc sq_email_insert(struct store *st, const struct email *e, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO emails (" EMAIL_COLS ") VALUES"
				  " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, e->id);
	sq_bind_text(q, 2, e->seller_id);
	sq_bind_text(q, 3, e->to_address);
	sq_bind_text(q, 4, e->subject);
	sq_bind_text(q, 5, e->body);
	sq_bind_text(q, 6, email_status_names[e->status]);
	sqlite3_bind_int(q, 7, e->attempts);
	sq_bind_text(q, 8, e->last_error);
	sqlite3_bind_int64(q, 9, e->created_at);
	sqlite3_bind_int64(q, 10, e->sent_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_email_get(struct store *st, const char *id, struct email *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " EMAIL_COLS " FROM emails WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	email_row(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_email_update(struct store *st, const struct email *e, struct ob_err *err)
{
	static const char sql[] = "UPDATE emails SET status = ?2, attempts = ?3, last_error = ?4,"
				  " sent_at = ?5 WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, e->id);
	sq_bind_text(q, 2, email_status_names[e->status]);
	sqlite3_bind_int(q, 3, e->attempts);
	sq_bind_text(q, 4, e->last_error);
	sqlite3_bind_int64(q, 5, e->sent_at);
	return updated_one(s, q, err);
}

enum ob_rc sq_emails_list(struct store *st, const char *seller_id, int64_t after_time, const char *after_id,
			  struct email *out, size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT " EMAIL_COLS " FROM emails WHERE seller_id = ?1"
				  " AND (created_at, id) < (?2, ?3) ORDER BY created_at DESC, id DESC LIMIT ?4";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, seller_id);
	sqlite3_bind_int64(q, 2, after_id ? after_time : INT64_MAX);
	sq_bind_text(q, 3, after_id ? after_id : "");
	sqlite3_bind_int64(q, 4, (sqlite3_int64)cap);
	return sq_rows(s, q, out, sizeof(*out), cap, n, email_row, err);
}

/* --- webhook subscriptions --- */

#define WEBHOOK_COLS "id, url, secret, events, active, created_at"

static void webhook_row(sqlite3_stmt *q, void *row)
{
	struct webhook *w = row;

	sq_col_text(q, 0, w->id, sizeof(w->id));
	sq_col_text(q, 1, w->url, sizeof(w->url));
	sq_col_text(q, 2, w->secret, sizeof(w->secret));
	sq_col_text(q, 3, w->events, sizeof(w->events));
	w->active = sqlite3_column_int(q, 4);
	w->created_at = sqlite3_column_int64(q, 5);
}

enum ob_rc sq_webhook_insert(struct store *st, const struct webhook *w, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO webhooks (" WEBHOOK_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, w->id);
	sq_bind_text(q, 2, w->url);
	sq_bind_text(q, 3, w->secret);
	sq_bind_text(q, 4, w->events);
	sqlite3_bind_int(q, 5, w->active ? 1 : 0);
	sqlite3_bind_int64(q, 6, w->created_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_webhook_get(struct store *st, const char *id, struct webhook *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " WEBHOOK_COLS " FROM webhooks WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	webhook_row(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_webhook_update(struct store *st, const struct webhook *w, struct ob_err *err)
{
	static const char sql[] = "UPDATE webhooks SET url = ?2, secret = ?3, events = ?4, active = ?5"
				  " WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, w->id);
	sq_bind_text(q, 2, w->url);
	sq_bind_text(q, 3, w->secret);
	sq_bind_text(q, 4, w->events);
	sqlite3_bind_int(q, 5, w->active ? 1 : 0);
	return updated_one(s, q, err);
}

enum ob_rc sq_webhooks_list(struct store *st, int64_t after_time, const char *after_id,
			    struct webhook *out, size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT " WEBHOOK_COLS " FROM webhooks WHERE (created_at, id) < (?1, ?2)"
				  " ORDER BY created_at DESC, id DESC LIMIT ?3";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sqlite3_bind_int64(q, 1, after_id ? after_time : INT64_MAX);
	sq_bind_text(q, 2, after_id ? after_id : "");
	sqlite3_bind_int64(q, 3, (sqlite3_int64)cap);
	return sq_rows(s, q, out, sizeof(*out), cap, n, webhook_row, err);
}

/* --- deliveries --- */

#define DELIVERY_COLS "id, webhook_id, event, body, status, attempts, last_status, last_error," \
		      " created_at, delivered_at"

static void delivery_row(sqlite3_stmt *q, void *row)
{
	struct webhook_delivery *d = row;

	sq_col_text(q, 0, d->id, sizeof(d->id));
	sq_col_text(q, 1, d->webhook_id, sizeof(d->webhook_id));
	sq_col_text(q, 2, d->event, sizeof(d->event));
	sq_col_text(q, 3, d->body, sizeof(d->body));
	d->status = (enum delivery_status)enum_col(q, 4, delivery_status_names);
	d->attempts = sqlite3_column_int(q, 5);
	d->last_status = sqlite3_column_int(q, 6);
	sq_col_text(q, 7, d->last_error, sizeof(d->last_error));
	d->created_at = sqlite3_column_int64(q, 8);
	d->delivered_at = sqlite3_column_int64(q, 9);
}

enum ob_rc sq_delivery_insert(struct store *st, const struct webhook_delivery *d, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO webhook_deliveries (" DELIVERY_COLS ") VALUES"
				  " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, d->id);
	sq_bind_text(q, 2, d->webhook_id);
	sq_bind_text(q, 3, d->event);
	sq_bind_text(q, 4, d->body);
	sq_bind_text(q, 5, delivery_status_names[d->status]);
	sqlite3_bind_int(q, 6, d->attempts);
	sqlite3_bind_int(q, 7, d->last_status);
	sq_bind_text(q, 8, d->last_error);
	sqlite3_bind_int64(q, 9, d->created_at);
	sqlite3_bind_int64(q, 10, d->delivered_at);
	return sq_exec_done(s, q, err);
}

enum ob_rc sq_delivery_get(struct store *st, const char *id, struct webhook_delivery *out,
			   struct ob_err *err)
{
	static const char sql[] = "SELECT " DELIVERY_COLS " FROM webhook_deliveries WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, id);
	if ((rc = sq_step_row(s, q, err)) != OB_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	delivery_row(q, out);
	sqlite3_reset(q);
	return OB_OK;
}

enum ob_rc sq_delivery_update(struct store *st, const struct webhook_delivery *d, struct ob_err *err)
{
	static const char sql[] = "UPDATE webhook_deliveries SET status = ?2, attempts = ?3,"
				  " last_status = ?4, last_error = ?5, delivered_at = ?6 WHERE id = ?1";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, sql, err);

	if (q == NULL)
		return err->rc;
	sq_bind_text(q, 1, d->id);
	sq_bind_text(q, 2, delivery_status_names[d->status]);
	sqlite3_bind_int(q, 3, d->attempts);
	sqlite3_bind_int(q, 4, d->last_status);
	sq_bind_text(q, 5, d->last_error);
	sqlite3_bind_int64(q, 6, d->delivered_at);
	return updated_one(s, q, err);
}

enum ob_rc sq_deliveries_list(struct store *st, int status, int64_t after_time, const char *after_id,
			      struct webhook_delivery *out, size_t cap, size_t *n, struct ob_err *err)
{
	/* two statements, so that a status filter walks the (status, created_at) index */
	static const char any[] = "SELECT " DELIVERY_COLS " FROM webhook_deliveries"
				  " WHERE (created_at, id) < (?1, ?2)"
				  " ORDER BY created_at DESC, id DESC LIMIT ?3";
	static const char one[] = "SELECT " DELIVERY_COLS " FROM webhook_deliveries"
				  " WHERE status = ?4 AND (created_at, id) < (?1, ?2)"
				  " ORDER BY created_at DESC, id DESC LIMIT ?3";
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = sq_prep(s, status >= 0 ? one : any, err);

	if (q == NULL)
		return err->rc;
	sqlite3_bind_int64(q, 1, after_id ? after_time : INT64_MAX);
	sq_bind_text(q, 2, after_id ? after_id : "");
	sqlite3_bind_int64(q, 3, (sqlite3_int64)cap);
	if (status >= 0)
		sq_bind_text(q, 4, delivery_status_names[status]);
	return sq_rows(s, q, out, sizeof(*out), cap, n, delivery_row, err);
}
