/* pg_notify.c: the notification outboxes on PostgreSQL: e-mails, webhook
 * subscriptions and their deliveries (tables of migration 5). Semantics
 * are those of sqlite/sqlite_notify.c. */
#include "store/pg/pg_internal.h"

/* An UPDATE by id that touched no row: the record does not exist. */
static enum ob_rc update_one(struct store *st, const char *sql, const struct pg_args *a,
			     struct ob_err *err)
{
	int64_t n = 0;
	enum ob_rc rc = pg_write(P(st), sql, a, &n, err);

	if (rc == OB_OK && n == 0)
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "not found");
	return rc;
}

static enum ob_rc get_one(struct store *st, const char *sql, const char *id, void *out,
			  size_t size, pg_row_fn fn, struct ob_err *err)
{
	struct pg_args a = { 0 };

	pg_text(&a, id);
	return pg_one(P(st), sql, &a, out, size, fn, err);
}

/* --- e-mails --- */

#define EMAIL_COLS "id, seller_id, to_address, subject, body, status, attempts, last_error," \
		   " created_at, sent_at"

static void email_row(const PGresult *r, int i, void *row)
{
	struct email *e = row;

	pg_col_text(r, i, 0, e->id, sizeof(e->id));
	pg_col_text(r, i, 1, e->seller_id, sizeof(e->seller_id));
	pg_col_text(r, i, 2, e->to_address, sizeof(e->to_address));
	pg_col_text(r, i, 3, e->subject, sizeof(e->subject));
	pg_col_text(r, i, 4, e->body, sizeof(e->body));
	e->status = (enum email_status)pg_col_enum(r, i, 5, email_status_names);
	e->attempts = (int)pg_col_int(r, i, 6);
	pg_col_text(r, i, 7, e->last_error, sizeof(e->last_error));
	e->created_at = pg_col_int(r, i, 8);
	e->sent_at = pg_col_int(r, i, 9);
}

enum ob_rc pg_email_insert(struct store *st, const struct email *e, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO emails (" EMAIL_COLS ") VALUES"
				  " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, e->id);
	pg_text(&a, e->seller_id);
	pg_text(&a, e->to_address);
	pg_text(&a, e->subject);
	pg_text(&a, e->body);
	pg_text(&a, email_status_names[e->status]);
	pg_int(&a, e->attempts);
	pg_text(&a, e->last_error);
	pg_int(&a, e->created_at);
	pg_int(&a, e->sent_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_email_get(struct store *st, const char *id, struct email *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " EMAIL_COLS " FROM emails WHERE id = $1";

	return get_one(st, sql, id, out, sizeof(*out), email_row, err);
}

enum ob_rc pg_email_update(struct store *st, const struct email *e, struct ob_err *err)
{
	static const char sql[] = "UPDATE emails SET status = $2, attempts = $3, last_error = $4,"
				  " sent_at = $5 WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, e->id);
	pg_text(&a, email_status_names[e->status]);
	pg_int(&a, e->attempts);
	pg_text(&a, e->last_error);
	pg_int(&a, e->sent_at);
	return update_one(st, sql, &a, err);
}

enum ob_rc pg_emails_list(struct store *st, const char *seller_id, int64_t after_time,
			  const char *after_id, struct email *out, size_t cap, size_t *n,
			  struct ob_err *err)
{
	static const char sql[] = "SELECT " EMAIL_COLS " FROM emails WHERE seller_id = $1"
				  " AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT $4";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	pg_int(&a, after_id ? after_time : INT64_MAX);
	pg_text(&a, after_id ? after_id : "");
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, email_row, err);
}

/* --- webhook subscriptions --- */

#define WEBHOOK_COLS "id, url, secret, events, active, created_at"

static void webhook_row(const PGresult *r, int i, void *row)
{
	struct webhook *w = row;

	pg_col_text(r, i, 0, w->id, sizeof(w->id));
	pg_col_text(r, i, 1, w->url, sizeof(w->url));
	pg_col_text(r, i, 2, w->secret, sizeof(w->secret));
	pg_col_text(r, i, 3, w->events, sizeof(w->events));
	w->active = (int)pg_col_int(r, i, 4);
	w->created_at = pg_col_int(r, i, 5);
}

enum ob_rc pg_webhook_insert(struct store *st, const struct webhook *w, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO webhooks (" WEBHOOK_COLS ") VALUES"
				  " ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, w->id);
	pg_text(&a, w->url);
	pg_text(&a, w->secret);
	pg_text(&a, w->events);
	pg_int(&a, w->active ? 1 : 0);
	pg_int(&a, w->created_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_webhook_get(struct store *st, const char *id, struct webhook *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " WEBHOOK_COLS " FROM webhooks WHERE id = $1";

	return get_one(st, sql, id, out, sizeof(*out), webhook_row, err);
}

enum ob_rc pg_webhook_update(struct store *st, const struct webhook *w, struct ob_err *err)
{
	static const char sql[] = "UPDATE webhooks SET url = $2, secret = $3, events = $4, active = $5"
				  " WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, w->id);
	pg_text(&a, w->url);
	pg_text(&a, w->secret);
	pg_text(&a, w->events);
	pg_int(&a, w->active ? 1 : 0);
	return update_one(st, sql, &a, err);
}

enum ob_rc pg_webhooks_list(struct store *st, int64_t after_time, const char *after_id,
			    struct webhook *out, size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT " WEBHOOK_COLS " FROM webhooks WHERE (created_at, id) < ($1, $2)"
				  " ORDER BY created_at DESC, id DESC LIMIT $3";
	struct pg_args a = { 0 };

	pg_int(&a, after_id ? after_time : INT64_MAX);
	pg_text(&a, after_id ? after_id : "");
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, webhook_row, err);
}

/* --- deliveries --- */

#define DELIVERY_COLS "id, webhook_id, event, body, status, attempts, last_status, last_error," \
		      " created_at, delivered_at"

static void delivery_row(const PGresult *r, int i, void *row)
{
	struct webhook_delivery *d = row;

	pg_col_text(r, i, 0, d->id, sizeof(d->id));
	pg_col_text(r, i, 1, d->webhook_id, sizeof(d->webhook_id));
	pg_col_text(r, i, 2, d->event, sizeof(d->event));
	pg_col_text(r, i, 3, d->body, sizeof(d->body));
	d->status = (enum delivery_status)pg_col_enum(r, i, 4, delivery_status_names);
	d->attempts = (int)pg_col_int(r, i, 5);
	d->last_status = (int)pg_col_int(r, i, 6);
	pg_col_text(r, i, 7, d->last_error, sizeof(d->last_error));
	d->created_at = pg_col_int(r, i, 8);
	d->delivered_at = pg_col_int(r, i, 9);
}

enum ob_rc pg_delivery_insert(struct store *st, const struct webhook_delivery *d, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO webhook_deliveries (" DELIVERY_COLS ") VALUES"
				  " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, d->id);
	pg_text(&a, d->webhook_id);
	pg_text(&a, d->event);
	pg_text(&a, d->body);
	pg_text(&a, delivery_status_names[d->status]);
	pg_int(&a, d->attempts);
	pg_int(&a, d->last_status);
	pg_text(&a, d->last_error);
	pg_int(&a, d->created_at);
	pg_int(&a, d->delivered_at);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_delivery_get(struct store *st, const char *id, struct webhook_delivery *out,
			   struct ob_err *err)
{
	static const char sql[] = "SELECT " DELIVERY_COLS " FROM webhook_deliveries WHERE id = $1";

	return get_one(st, sql, id, out, sizeof(*out), delivery_row, err);
}

enum ob_rc pg_delivery_update(struct store *st, const struct webhook_delivery *d, struct ob_err *err)
{
	static const char sql[] = "UPDATE webhook_deliveries SET status = $2, attempts = $3,"
				  " last_status = $4, last_error = $5, delivered_at = $6 WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, d->id);
	pg_text(&a, delivery_status_names[d->status]);
	pg_int(&a, d->attempts);
	pg_int(&a, d->last_status);
	pg_text(&a, d->last_error);
	pg_int(&a, d->delivered_at);
	return update_one(st, sql, &a, err);
}

enum ob_rc pg_deliveries_list(struct store *st, int status, int64_t after_time, const char *after_id,
			      struct webhook_delivery *out, size_t cap, size_t *n, struct ob_err *err)
{
	/* two statements, so that a status filter walks the (status, created_at) index */
	static const char any[] = "SELECT " DELIVERY_COLS " FROM webhook_deliveries"
				  " WHERE (created_at, id) < ($1, $2)"
				  " ORDER BY created_at DESC, id DESC LIMIT $3";
	static const char one[] = "SELECT " DELIVERY_COLS " FROM webhook_deliveries"
				  " WHERE status = $4 AND (created_at, id) < ($1, $2)"
				  " ORDER BY created_at DESC, id DESC LIMIT $3";
	struct pg_args a = { 0 };

	pg_int(&a, after_id ? after_time : INT64_MAX);
	pg_text(&a, after_id ? after_id : "");
	pg_int(&a, (int64_t)cap);
	if (status >= 0)
		pg_text(&a, delivery_status_names[status]);
	return pg_rows(P(st), status >= 0 ? one : any, &a, out, sizeof(*out), cap, n, delivery_row, err);
}
