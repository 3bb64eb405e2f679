/* pg_audit.c: the audit log on PostgreSQL. The chain itself (seq,
 * prev_hash, hash) is computed by domain/audit.c; this file only stores
 * and reads records, by seq, as sqlite/sqlite_audit.c does. */
#include "store/pg/pg_internal.h"

#define AUDIT_COLS "seq, at, actor, seller_id, action, detail, prev_hash, hash"

static void audit_row(const PGresult *r, int i, void *row)
{
	struct audit_record *a = row;

	a->seq = pg_col_int(r, i, 0);
	a->at = pg_col_int(r, i, 1);
	pg_col_text(r, i, 2, a->actor, sizeof(a->actor));
	pg_col_text(r, i, 3, a->seller_id, sizeof(a->seller_id));
	pg_col_text(r, i, 4, a->action, sizeof(a->action));
	pg_col_text(r, i, 5, a->detail, sizeof(a->detail));
	pg_col_text(r, i, 6, a->prev_hash, sizeof(a->prev_hash));
	pg_col_text(r, i, 7, a->hash, sizeof(a->hash));
}

enum ob_rc pg_audit_last(struct store *st, struct audit_record *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " AUDIT_COLS " FROM audit_log ORDER BY seq DESC LIMIT 1";

	return pg_one(P(st), sql, NULL, out, sizeof(*out), audit_row, err);
}

enum ob_rc pg_audit_insert(struct store *st, const struct audit_record *v, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO audit_log (" AUDIT_COLS ")"
				  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_int(&a, v->seq);
	pg_int(&a, v->at);
	pg_text(&a, v->actor);
	pg_text(&a, v->seller_id);
	pg_text(&a, v->action);
	pg_text(&a, v->detail);
	pg_text(&a, v->prev_hash);
	pg_text(&a, v->hash);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_audit_scan(struct store *st, int64_t after_seq, struct audit_record *out, size_t cap,
			 size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT " AUDIT_COLS " FROM audit_log WHERE seq > $1"
				  " ORDER BY seq LIMIT $2";
	struct pg_args a = { 0 };

	pg_int(&a, after_seq);
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, audit_row, err);
}

enum ob_rc pg_audit_list_seller(struct store *st, const char *seller_id, int64_t before_seq,
				struct audit_record *out, size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT " AUDIT_COLS " FROM audit_log WHERE seller_id = $1"
				  " AND seq < $2 ORDER BY seq DESC LIMIT $3";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	pg_int(&a, before_seq > 0 ? before_seq : INT64_MAX);
	pg_int(&a, (int64_t)cap);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, audit_row, err);
}
