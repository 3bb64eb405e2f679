#include "store/purge_sql.h"

#include "store/data_classes.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define TABLES_MAX 64
#define SQL_MAX 1024
#define KINDS 4

static char texts[2][TABLES_MAX][KINDS][SQL_MAX];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Writes the owner predicate of t with placeholder 1 of the style. */
static void owner_sql(const struct data_table *t, char style, char *out, size_t cap)
{
	char ph[8];

	snprintf(ph, sizeof(ph), "%c1", style);
	/* t->owner is the registry's own text with one %s */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(out, cap, t->owner, ph);
#pragma GCC diagnostic pop
}

static void build(size_t i, int s, char style)
{
	const struct data_table *t = &data_tables[i];
	char owner[256], set[512];
	/* On SQLite every table keyed by id is a rowid table (a WITHOUT ROWID
	 * one would fail tests/unit/test_data_classes.c, which prepares every
	 * statement): a batch names its rows by rowid, which the owner index
	 * holds, rather than by id, which costs one more search of the id
	 * index per row (6 % of the CPU of purging 1M orders, bench/README.md) */
	const char *key = style == '?' && strcmp(t->key, "id") == 0 ? "rowid" : t->key;
	size_t n;

	owner_sql(t, style, owner, sizeof(owner));
	snprintf(texts[s][i][PURGE_SQL_COUNT], SQL_MAX, "SELECT COUNT(*) FROM %s WHERE %s", t->name, owner);
	/* a ledger transaction that reverses another goes first, so no batch
	 * deletes a transaction a remaining one refers to */
	snprintf(texts[s][i][PURGE_SQL_DELETE], SQL_MAX,
		 "DELETE FROM %s WHERE (%s) IN (SELECT %s FROM %s WHERE %s%s LIMIT %c2)", t->name, key, key,
		 t->name, owner,
		 strcmp(t->name, "ledger_txns") == 0 ? " ORDER BY reverses_id IS NULL" : "", style);
	if (strcmp(t->key, "id") == 0)
		snprintf(texts[s][i][PURGE_SQL_IDS], SQL_MAX,
			 "SELECT id FROM %s WHERE %s AND id > %c3 ORDER BY id LIMIT %c2", t->name, owner, style,
			 style);
	if (t->action != PURGE_PSEUDONYMISE)
		return;
	n = (size_t)snprintf(set, sizeof(set), "%s = %c3", t->owner_column, style);
	for (size_t c = 0; c < data_columns_count && n < sizeof(set); c++)
		if (strcmp(data_columns[c].table, t->name) == 0 && data_class_erased(data_columns[c].cls) &&
		    strcmp(data_columns[c].column, t->owner_column) != 0)
			n += (size_t)snprintf(set + n, sizeof(set) - n, ", %s = ''", data_columns[c].column);
	snprintf(texts[s][i][PURGE_SQL_PSEUDONYMISE], SQL_MAX,
		 "UPDATE %s SET %s WHERE (%s) IN (SELECT %s FROM %s WHERE %s LIMIT %c2)", t->name, set, key,
		 key, t->name, owner, style);
}

static void build_all(void)
{
	for (size_t i = 0; i < data_tables_count && i < TABLES_MAX; i++) {
		if (data_tables[i].action == PURGE_NONE)
			continue;
		build(i, 0, '?');
		build(i, 1, '$');
	}
}

const char *purge_sql(size_t table, enum purge_sql_kind kind, char style)
{
	const char *sql;

	pthread_once(&once, build_all);
	if (table >= data_tables_count || table >= TABLES_MAX || (unsigned)kind >= KINDS)
		return NULL;
	sql = texts[style == '$'][table][kind];
	return sql[0] ? sql : NULL;
}
