/* sqlite_keystore.c: the sellers' data keys, in a SQLite file of their own
 * (NAME.keys.db beside NAME.db, or --keystore).
 *
 * A separate file, on a connection of its own: a copy of the database
 * alone holds no key, and destroying a key is committed on its own, before
 * the purge touches the database (so a crash after it leaves ciphertext
 * that nothing can open, never a key without its purge). Writes here are
 * not part of the caller's database transaction: a seller insert that
 * rolls back leaves an unused key behind, which the next insert of that id
 * reuses. */
#include "store/sqlite/sqlite_internal.h"
#include "store/sqlite/sqlite_store.h"

#include <stdio.h>
#include <string.h>

static char keystore_override[1024];

void sqlite_keystore_path(const char *path)
{
	snprintf(keystore_override, sizeof(keystore_override), "%s", path ? path : "");
}

/* NAME.db -> NAME.keys.db; anything else gets .keys.db appended. */
static void keystore_file(const char *db_path, char *out, size_t cap)
{
	size_t n = strlen(db_path);

	if (keystore_override[0])
		snprintf(out, cap, "%s", keystore_override);
	else if (strcmp(db_path, ":memory:") == 0)
		snprintf(out, cap, ":memory:");
	else if (n > 3 && strcmp(db_path + n - 3, ".db") == 0)
		snprintf(out, cap, "%.*s.keys.db", (int)(n - 3), db_path);
	else
		snprintf(out, cap, "%s.keys.db", db_path);
}

static enum ob_rc keys_fail(struct sqlite_store *s, struct ob_err *err)
{
	return ob_fail(err, OB_EDB, "keystore_failed", NULL, "keystore: %s", sqlite3_errmsg(s->keys));
}

enum ob_rc sq_keystore_open(struct sqlite_store *s, const char *db_path, struct ob_err *err)
{
	static const char schema[] =
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
		"CREATE TABLE IF NOT EXISTS data_keys ("
		"  seller_id TEXT PRIMARY KEY,"
		"  wrapped TEXT NOT NULL,"
		"  created_at INTEGER NOT NULL) WITHOUT ROWID;"
		"CREATE TABLE IF NOT EXISTS meta ("
		"  name TEXT PRIMARY KEY,"
		"  value TEXT NOT NULL) WITHOUT ROWID;";
	char path[1100];

	keystore_file(db_path, path, sizeof(path));
	if (sqlite3_open_v2(path, &s->keys, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		return ob_fail(err, OB_EDB, "keystore_unavailable", "keystore", "cannot open keystore %s: %s",
			       path, s->keys ? sqlite3_errmsg(s->keys) : "out of memory");
	sqlite3_busy_timeout(s->keys, BUSY_TIMEOUT_MS);
	if (sqlite3_exec(s->keys, schema, NULL, NULL, NULL) != SQLITE_OK)
		return ob_fail(err, OB_EDB, "keystore_unavailable", "keystore", "cannot open keystore %s: %s",
			       path, sqlite3_errmsg(s->keys));
	return OB_OK;
}

void sq_keystore_close(struct sqlite_store *s)
{
	for (size_t i = 0; i < KEYS_STMTS; i++)
		sqlite3_finalize(s->keys_stmt[i]);
	sqlite3_close(s->keys);
}

/* The statement of slot i, prepared on first use. */
static sqlite3_stmt *keys_prep(struct sqlite_store *s, size_t i, const char *sql, struct ob_err *err)
{
	if (s->keys_stmt[i] == NULL &&
	    sqlite3_prepare_v3(s->keys, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->keys_stmt[i], NULL) != SQLITE_OK) {
		keys_fail(s, err);
		return NULL;
	}
	sqlite3_reset(s->keys_stmt[i]);
	sqlite3_clear_bindings(s->keys_stmt[i]);
	return s->keys_stmt[i];
}

/* Runs q with one optional text result into out. */
static enum ob_rc keys_run(struct sqlite_store *s, sqlite3_stmt *q, char *out, size_t cap, struct ob_err *err)
{
	int rc = sqlite3_step(q);

	if (rc == SQLITE_ROW && out != NULL) {
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(q, 0));
		sqlite3_reset(q);
		return OB_OK;
	}
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return out != NULL ? ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such key") : OB_OK;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return ob_fail(err, OB_ECONFLICT, "conflict", NULL, "the key exists");
	if ((rc & 0xff) == SQLITE_BUSY)
		return ob_fail(err, OB_EBUSY, "busy", NULL, "the keystore is busy");
	return keys_fail(s, err);
}

enum ob_rc sq_data_key_get(struct store *st, const char *seller_id, char *wrapped, size_t cap,
			   struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = keys_prep(s, 0, "SELECT wrapped FROM data_keys WHERE seller_id = ?1", err);

	if (q == NULL)
		return err->rc;
	sqlite3_bind_text(q, 1, seller_id, -1, SQLITE_STATIC);
	return keys_run(s, q, wrapped, cap, err);
}

enum ob_rc sq_data_key_put(struct store *st, const char *seller_id, const char *wrapped, int64_t now,
			   struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = keys_prep(s, 1, "INSERT INTO data_keys (seller_id, wrapped, created_at)"
				    " VALUES (?1, ?2, ?3)", err);

	if (q == NULL)
		return err->rc;
	sqlite3_bind_text(q, 1, seller_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, wrapped, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, now);
	return keys_run(s, q, NULL, 0, err);
}

/* secure_delete zeroes the key's bytes in the page; the checkpoint with
 * TRUNCATE then empties the write-ahead log that still held the page. */
enum ob_rc sq_data_key_destroy(struct store *st, const char *seller_id, struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = keys_prep(s, 2, "DELETE FROM data_keys WHERE seller_id = ?1", err);
	enum ob_rc rc;

	if (q == NULL)
		return err->rc;
	sqlite3_bind_text(q, 1, seller_id, -1, SQLITE_STATIC);
	if ((rc = keys_run(s, q, NULL, 0, err)) != OB_OK)
		return rc;
	/* a reader may hold the log for a moment: the next destroy truncates it */
	sqlite3_wal_checkpoint_v2(s->keys, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return OB_OK;
}

enum ob_rc sq_keystore_meta_get(struct store *st, const char *name, char *value, size_t cap,
				struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = keys_prep(s, 3, "SELECT value FROM meta WHERE name = ?1", err);

	if (q == NULL)
		return err->rc;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	return keys_run(s, q, value, cap, err);
}

enum ob_rc sq_keystore_meta_put(struct store *st, const char *name, const char *value,
				struct ob_err *err)
{
	struct sqlite_store *s = S(st);
	sqlite3_stmt *q = keys_prep(s, 4, "INSERT INTO meta (name, value) VALUES (?1, ?2)", err);

	if (q == NULL)
		return err->rc;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
	return keys_run(s, q, NULL, 0, err);
}
