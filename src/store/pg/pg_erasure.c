/* pg_erasure.c: erasures and the batches of a purge on PostgreSQL
 * (migration 9). Queries and their semantics are those of
 * sqlite/sqlite_erasure.c. */
#include "store/pg/pg_internal.h"
#include "store/purge_sql.h"

#include <stdlib.h>
#include <string.h>

#define ERASURE_COLS "id, seller_id, subject_sha256, pseudonym, marketplace_id, status, step," \
		     " started_at, key_destroyed_at, purged_at, retention_ends_at, certificate"

static void erasure_row(const PGresult *r, int i, void *row)
{
	struct erasure *e = row;

	pg_col_text(r, i, 0, e->id, sizeof(e->id));
	pg_col_text(r, i, 1, e->seller_id, sizeof(e->seller_id));
	pg_col_text(r, i, 2, e->subject_sha256, sizeof(e->subject_sha256));
	pg_col_text(r, i, 3, e->pseudonym, sizeof(e->pseudonym));
	pg_col_text(r, i, 4, e->marketplace_id, sizeof(e->marketplace_id));
	e->status = (enum erasure_status)pg_col_enum(r, i, 5, erasure_status_names);
	e->step = (int)pg_col_int(r, i, 6);
	e->started_at = pg_col_int(r, i, 7);
	e->key_destroyed_at = pg_col_int(r, i, 8);
	e->purged_at = pg_col_int(r, i, 9);
	e->retention_ends_at = pg_col_int(r, i, 10);
	pg_col_text(r, i, 11, e->certificate, sizeof(e->certificate));
}

static void erasure_args(struct pg_args *a, const struct erasure *e)
{
	pg_text(a, e->id);
	pg_text(a, e->seller_id);
	pg_text(a, e->subject_sha256);
	pg_text(a, e->pseudonym);
	pg_text(a, e->marketplace_id);
	pg_text(a, erasure_status_names[e->status]);
	pg_int(a, e->step);
	pg_int(a, e->started_at);
	pg_int(a, e->key_destroyed_at);
	pg_int(a, e->purged_at);
	pg_int(a, e->retention_ends_at);
	pg_text(a, e->certificate);
}

enum ob_rc pg_erasure_insert(struct store *st, const struct erasure *e, struct ob_err *err)
{
	static const char sql[] = "INSERT INTO erasures (" ERASURE_COLS ") VALUES"
				  " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	erasure_args(&a, e);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_erasure_update(struct store *st, const struct erasure *e, struct ob_err *err)
{
	static const char sql[] = "UPDATE erasures SET seller_id = $2, subject_sha256 = $3,"
				  " marketplace_id = $5, status = $6, step = $7, started_at = $8,"
				  " key_destroyed_at = $9, purged_at = $10, retention_ends_at = $11,"
				  " certificate = $12 WHERE id = $1 AND pseudonym = $4";
	struct pg_args a = { 0 };
	int64_t n = 0;
	enum ob_rc rc;

	erasure_args(&a, e);
	if ((rc = pg_write(P(st), sql, &a, &n, err)) != OB_OK)
		return rc;
	return n ? OB_OK : ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such erasure");
}

enum ob_rc pg_erasure_get(struct store *st, const char *id, struct erasure *out, struct ob_err *err)
{
	static const char sql[] = "SELECT " ERASURE_COLS " FROM erasures WHERE id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, id);
	return pg_one(P(st), sql, &a, out, sizeof(*out), erasure_row, err);
}

enum ob_rc pg_erasure_of(struct store *st, const char *seller_id, const char *subject,
			 struct erasure *out, struct ob_err *err)
{
	static const char by_seller[] = "SELECT " ERASURE_COLS " FROM erasures WHERE seller_id = $1";
	static const char by_subject[] = "SELECT " ERASURE_COLS " FROM erasures WHERE subject_sha256 = $1"
					 " ORDER BY started_at DESC, id DESC LIMIT 1";
	struct pg_args a = { 0 };
	enum ob_rc rc;

	if (seller_id != NULL && seller_id[0] != '\0') {
		pg_text(&a, seller_id);
		if ((rc = pg_one(P(st), by_seller, &a, out, sizeof(*out), erasure_row, err)) != OB_ENOTFOUND)
			return rc;
	}
	if (subject == NULL)
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no erasure");
	a = (struct pg_args){ 0 };
	pg_text(&a, subject);
	return pg_one(P(st), by_subject, &a, out, sizeof(*out), erasure_row, err);
}

enum ob_rc pg_erasure_count_add(struct store *st, const char *erasure_id, const struct erasure_count *c,
				struct ob_err *err)
{
	static const char sql[] = "INSERT INTO erasure_counts (erasure_id, tbl, erased, pseudonymised, retained)"
				  " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (erasure_id, tbl) DO UPDATE SET"
				  " erased = erasure_counts.erased + excluded.erased,"
				  " pseudonymised = erasure_counts.pseudonymised + excluded.pseudonymised,"
				  " retained = erasure_counts.retained + excluded.retained";
	struct pg_args a = { 0 };

	pg_text(&a, erasure_id);
	pg_text(&a, c->table);
	pg_int(&a, c->erased);
	pg_int(&a, c->pseudonymised);
	pg_int(&a, c->retained);
	return pg_write(P(st), sql, &a, NULL, err);
}

static void count_row(const PGresult *r, int i, void *row)
{
	struct erasure_count *c = row;

	pg_col_text(r, i, 0, c->table, sizeof(c->table));
	c->erased = pg_col_int(r, i, 1);
	c->pseudonymised = pg_col_int(r, i, 2);
	c->retained = pg_col_int(r, i, 3);
}

enum ob_rc pg_erasure_counts(struct store *st, const char *erasure_id, struct erasure_count *out,
			     size_t cap, size_t *n, struct ob_err *err)
{
	static const char sql[] = "SELECT tbl, erased, pseudonymised, retained FROM erasure_counts"
				  " WHERE erasure_id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, erasure_id);
	return pg_rows(P(st), sql, &a, out, sizeof(*out), cap, n, count_row, err);
}

static void int_row(const PGresult *r, int i, void *row)
{
	*(int64_t *)row = pg_col_int(r, i, 0);
}

enum ob_rc pg_purge_rows(struct store *st, size_t table, enum purge_sql_kind kind, const char *owner,
			 const char *pseudonym, int64_t limit, int64_t *rows, struct ob_err *err)
{
	const char *sql = purge_sql(table, kind, '$');
	struct pg_args a = { 0 };

	*rows = 0;
	if (sql == NULL)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "no purge statement for table %zu", table);
	pg_text(&a, owner);
	if (kind == PURGE_SQL_COUNT)
		return pg_one(P(st), sql, &a, rows, sizeof(*rows), int_row, err);
	pg_int(&a, limit);
	if (kind == PURGE_SQL_PSEUDONYMISE)
		pg_text(&a, pseudonym);
	return pg_write(P(st), sql, &a, rows, err);
}

static void id_row(const PGresult *r, int i, void *row)
{
	pg_col_text(r, i, 0, row, ID_MAX);
}

enum ob_rc pg_purge_ids(struct store *st, size_t table, const char *owner, const char *after, size_t cap,
			char (*ids)[ID_MAX], size_t *n, struct ob_err *err)
{
	const char *sql = purge_sql(table, PURGE_SQL_IDS, '$');
	struct pg_args a = { 0 };

	*n = 0;
	if (sql == NULL)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "table %zu is not keyed by id", table);
	pg_text(&a, owner);
	pg_int(&a, (int64_t)cap);
	pg_text(&a, after);
	return pg_rows(P(st), sql, &a, ids, ID_MAX, cap, n, id_row, err);
}

enum ob_rc pg_compact(struct store *st, int64_t pages, int64_t *left, struct ob_err *err)
{
	(void)st;
	(void)pages;
	(void)err;
	*left = 0;
	return OB_OK;
}
