/* pg_keystore.c: the sellers' data keys, in the schema keystore of the same
 * database (migration 9). A dump of the schema public alone holds no key;
 * an operator who wants the keys in another place grants the schema to
 * another role or replicates it apart. */
#include "store/pg/pg_internal.h"

#include <stdio.h>

static void text_row(const PGresult *r, int i, void *out)
{
	pg_col_text(r, i, 0, out, 256);
}

/* pg_one zeroes and fills a buffer of its own, then the text is copied
 * into the caller's (cap bytes). */
static enum ob_rc one_text(struct store *st, const char *sql, const char *arg, char *out, size_t cap,
			   struct ob_err *err)
{
	char buf[256];
	struct pg_args a = { 0 };
	enum ob_rc rc;

	pg_text(&a, arg);
	if ((rc = pg_one(P(st), sql, &a, buf, sizeof(buf), text_row, err)) != OB_OK)
		return rc;
	snprintf(out, cap, "%s", buf);
	return OB_OK;
}

enum ob_rc pg_data_key_get(struct store *st, const char *seller_id, char *wrapped, size_t cap,
			   struct ob_err *err)
{
	static const char sql[] = "SELECT wrapped FROM keystore.data_keys WHERE seller_id = $1";

	return one_text(st, sql, seller_id, wrapped, cap, err);
}

enum ob_rc pg_data_key_put(struct store *st, const char *seller_id, const char *wrapped, int64_t now,
			   struct ob_err *err)
{
	static const char sql[] = "INSERT INTO keystore.data_keys (seller_id, wrapped, created_at)"
				  " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	pg_text(&a, wrapped);
	pg_int(&a, now);
	return pg_insert(P(st), sql, &a, err);
}

enum ob_rc pg_data_key_destroy(struct store *st, const char *seller_id, struct ob_err *err)
{
	static const char sql[] = "DELETE FROM keystore.data_keys WHERE seller_id = $1";
	struct pg_args a = { 0 };

	pg_text(&a, seller_id);
	return pg_write(P(st), sql, &a, NULL, err);
}

enum ob_rc pg_keystore_meta_get(struct store *st, const char *name, char *value, size_t cap,
				struct ob_err *err)
{
	static const char sql[] = "SELECT value FROM keystore.meta WHERE name = $1";

	return one_text(st, sql, name, value, cap, err);
}

enum ob_rc pg_keystore_meta_put(struct store *st, const char *name, const char *value,
				struct ob_err *err)
{
	static const char sql[] = "INSERT INTO keystore.meta (name, value) VALUES ($1, $2)"
				  " ON CONFLICT DO NOTHING";
	struct pg_args a = { 0 };

	pg_text(&a, name);
	pg_text(&a, value);
	return pg_insert(P(st), sql, &a, err);
}
