/* The data-class registry (store/data_classes.h) against the schema the
 * migrations make, on the backend under test: every table and column that
 * exists is classified and every one the registry names exists; the
 * registry's own rules hold; every purge statement built from it
 * (store/purge_sql.h) prepares; and a pseudonymised order keeps its
 * figures and loses its buyer. The schema is read behind the store's back,
 * with sqlite3 or libpq on the database testdb.h made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts.h"

#include "core/crypto.h"
#include "domain/order.h"
#include "store/data_classes.h"
#include "store/purge_sql.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <stdlib.h>
#include <string.h>

#define NAMES_MAX 1024
#define NAME_LEN 128
#define PROBLEMS_LEN 4096

/* A connection of its own to the database testdb_open() made last. */
struct raw {
	sqlite3 *db;
	PGconn *pg;
};

/* Names read from the schema: "table" or "table.column". */
struct names {
	char (*v)[NAME_LEN];
	size_t n;
};

/* What a comparison found wrong, one line each. */
struct problems {
	size_t n;
	char text[PROBLEMS_LEN];
};

static int setup(void **state)
{
	*state = testdb_open();
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

static void raw_open(struct raw *r)
{
	memset(r, 0, sizeof(*r));
	if (testpg_on()) {
		r->pg = PQconnectdb(testdb_url);
		if (PQstatus(r->pg) != CONNECTION_OK)
			fail_msg("cannot connect to %s: %s", testdb_url, PQerrorMessage(r->pg));
		return;
	}
	assert_int_equal(strncmp(testdb_url, "sqlite:", 7), 0);
	if (sqlite3_open_v2(testdb_url + 7, &r->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("cannot open %s: %s", testdb_url, sqlite3_errmsg(r->db));
	sqlite3_busy_timeout(r->db, 5000);
}

static void raw_close(struct raw *r)
{
	sqlite3_close(r->db);
	PQfinish(r->pg);
	memset(r, 0, sizeof(*r));
}

/* Runs sql, a statement without result; fails the test when it fails. */
static void raw_exec(struct raw *r, const char *sql)
{
	if (r->pg) {
		PGresult *res = PQexec(r->pg, sql);

		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(r->pg));
		PQclear(res);
		return;
	}
	if (sqlite3_exec(r->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(r->db));
}

/* Appends every row of sql (one or two text columns, parameter $1 / ?1
 * bound to param when set) to out as "a" or "a.b". */
static void raw_names(struct raw *r, const char *sql, const char *param, struct names *out)
{
	char name[NAME_LEN];

	if (r->pg) {
		const char *values[1] = { param };
		PGresult *res = PQexecParams(r->pg, sql, param ? 1 : 0, NULL, values, NULL, NULL, 0);

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(r->pg));
		for (int i = 0; i < PQntuples(res); i++) {
			if (PQnfields(res) == 2)
				snprintf(name, sizeof(name), "%s.%s", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
			else
				snprintf(name, sizeof(name), "%s", PQgetvalue(res, i, 0));
			assert_true(out->n < NAMES_MAX);
			memcpy(out->v[out->n++], name, sizeof(name));
		}
		PQclear(res);
		return;
	}
	sqlite3_stmt *q = NULL;

	if (sqlite3_prepare_v2(r->db, sql, -1, &q, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(r->db));
	if (param)
		sqlite3_bind_text(q, 1, param, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (sqlite3_column_count(q) == 2)
			snprintf(name, sizeof(name), "%s.%s", (const char *)sqlite3_column_text(q, 0),
				 (const char *)sqlite3_column_text(q, 1));
		else
			snprintf(name, sizeof(name), "%s", (const char *)sqlite3_column_text(q, 0));
		assert_true(out->n < NAMES_MAX);
		memcpy(out->v[out->n++], name, sizeof(name));
	}
	if (sqlite3_finalize(q) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(r->db));
}

/* The one text value of sql with param bound ("" for NULL); the test
 * fails when there is not exactly one row. */
static void raw_text(struct raw *r, const char *sql, const char *param, char *out, size_t cap)
{
	struct names v = { calloc(NAMES_MAX, NAME_LEN), 0 };

	assert_non_null(v.v);
	raw_names(r, sql, param, &v);
	if (v.n != 1)
		fail_msg("%s (%s): %zu rows, not 1", sql, param, v.n);
	snprintf(out, cap, "%s", v.v[0]);
	free(v.v);
}

static int names_has(const struct names *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], name) == 0)
			return 1;
	return 0;
}

__attribute__((format(printf, 2, 3)))
static void problem(struct problems *p, const char *fmt, ...)
{
	size_t len = strlen(p->text);
	va_list ap;

	p->n++;
	va_start(ap, fmt);
	vsnprintf(p->text + len, sizeof(p->text) - len, fmt, ap);
	va_end(ap);
	len = strlen(p->text);
	snprintf(p->text + len, sizeof(p->text) - len, "\n");
}

static void fail_on(const struct problems *p, const char *what)
{
	if (p->n > 0) {
		print_error("%s", p->text);
		fail_msg("%zu %s (listed above)", p->n, what);
	}
}

/* The tables and columns of the seller's data as the database has them. */
static void schema_read(struct raw *r, struct names *tables, struct names *columns)
{
	if (r->pg) {
		raw_names(r,
			  "SELECT table_name FROM information_schema.tables"
			  " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
			  NULL, tables);
		raw_names(r,
			  "SELECT c.table_name, c.column_name FROM information_schema.columns c"
			  " JOIN information_schema.tables t"
			  " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
			  " WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'",
			  NULL, columns);
		return;
	}
	raw_names(r,
		  "SELECT name FROM sqlite_master"
		  " WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
		  NULL, tables);
	raw_names(r,
		  "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p"
		  " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
		  NULL, columns);
}

/* Compares the schema of the database with the registry both ways. */
static void schema_compare(struct raw *r, struct problems *p)
{
	struct names tables = { calloc(NAMES_MAX, NAME_LEN), 0 };
	struct names columns = { calloc(NAMES_MAX, NAME_LEN), 0 };
	char name[NAME_LEN];

	assert_non_null(tables.v);
	assert_non_null(columns.v);
	schema_read(r, &tables, &columns);
	assert_true(tables.n > 0);
	assert_true(columns.n > tables.n);
	for (size_t i = 0; i < tables.n; i++)
		if (data_table_find(tables.v[i]) == NULL)
			problem(p, "table %s exists but data_tables[] does not list it", tables.v[i]);
	for (size_t i = 0; i < data_tables_count; i++)
		if (!names_has(&tables, data_tables[i].name))
			problem(p, "table %s is in data_tables[] but not in the database", data_tables[i].name);
	for (size_t i = 0; i < columns.n; i++) {
		size_t c;

		for (c = 0; c < data_columns_count; c++) {
			snprintf(name, sizeof(name), "%s.%s", data_columns[c].table, data_columns[c].column);
			if (strcmp(name, columns.v[i]) == 0)
				break;
		}
		if (c == data_columns_count)
			problem(p, "column %s exists but data_columns[] does not classify it", columns.v[i]);
	}
	for (size_t c = 0; c < data_columns_count; c++) {
		snprintf(name, sizeof(name), "%s.%s", data_columns[c].table, data_columns[c].column);
		if (!names_has(&columns, name))
			problem(p, "column %s is in data_columns[] but not in the database", name);
	}
	free(tables.v);
	free(columns.v);
}

/* 1. The registry and the migrated schema name the same tables and columns. */
static void every_column_is_classified(void **state)
{
	struct problems p = { 0 };
	struct raw r;

	(void)state;
	raw_open(&r);
	schema_compare(&r, &p);
	fail_on(&p, "differences between the schema and store/data_classes.c");
	if (r.pg) {
		/* the keystore's own schema holds keys only, outside the registry */
		struct names keystore = { calloc(NAMES_MAX, NAME_LEN), 0 };

		assert_non_null(keystore.v);
		raw_names(&r, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'keystore'",
			  NULL, &keystore);
		assert_true(names_has(&keystore, "data_keys"));
		for (size_t i = 0; i < keystore.n; i++)
			if (data_table_find(keystore.v[i]) != NULL)
				fail_msg("keystore.%s is listed in data_tables[]", keystore.v[i]);
		free(keystore.v);
	}
	raw_close(&r);
}

/* The comparison above can fail: a column or a table added without a
 * decision about its data is named. */
static void an_unclassified_column_is_named(void **state)
{
	struct problems before = { 0 }, p = { 0 };
	struct raw r;

	(void)state;
	raw_open(&r);
	schema_compare(&r, &before);
	raw_exec(&r, "ALTER TABLE orders ADD COLUMN buyer_phone TEXT");
	raw_exec(&r, "CREATE TABLE gift_notes (id TEXT PRIMARY KEY, note TEXT)");
	schema_compare(&r, &p);
	raw_close(&r);
	assert_int_equal(p.n, before.n + 4);
	assert_non_null(strstr(p.text, "column orders.buyer_phone exists but data_columns[] does not"));
	assert_non_null(strstr(p.text, "table gift_notes exists but data_tables[] does not"));
	assert_non_null(strstr(p.text, "column gift_notes.id exists"));
	assert_non_null(strstr(p.text, "column gift_notes.note exists"));
}

static const struct data_column *column_find(const char *table, const char *column)
{
	for (size_t c = 0; c < data_columns_count; c++)
		if (strcmp(data_columns[c].table, table) == 0 && strcmp(data_columns[c].column, column) == 0)
			return &data_columns[c];
	return NULL;
}

/* Every column of a comma-separated list ("seller_id, sku") is one of the
 * table's. */
static void key_columns_exist(const struct data_table *t, const char *list, struct problems *p)
{
	char column[NAME_LEN];

	while (*list != '\0') {
		size_t len = strcspn(list, ", ");

		snprintf(column, sizeof(column), "%.*s", (int)len, list);
		if (column_find(t->name, column) == NULL)
			problem(p, "%s: key column %s is not in data_columns[]", t->name, column);
		list += len;
		list += strspn(list, ", ");
	}
}

/* 2. The registry's own rules. */
static void registry_rules_hold(void **state)
{
	struct problems p = { 0 };

	(void)state;
	for (size_t i = 0; i < data_tables_count; i++) {
		const struct data_table *t = &data_tables[i];
		int columns = 0;

		if (data_table_find(t->name) != t)
			problem(&p, "%s is listed twice in data_tables[]", t->name);
		for (size_t c = 0; c < data_columns_count; c++)
			if (strcmp(data_columns[c].table, t->name) == 0)
				columns++;
		if (columns == 0)
			problem(&p, "%s has no column in data_columns[]", t->name);
		if (t->action == PURGE_NONE)
			continue;
		if (t->owner == NULL || strstr(t->owner, "%s") == NULL)
			problem(&p, "%s: a purged table needs owner SQL with one %%s", t->name);
		if (t->key == NULL)
			problem(&p, "%s: a purged table needs its key", t->name);
		else
			key_columns_exist(t, t->key, &p);
		if (t->action == PURGE_PSEUDONYMISE) {
			const struct data_column *oc = t->owner_column ? column_find(t->name, t->owner_column) : NULL;

			if (oc == NULL)
				problem(&p, "%s: a pseudonymised table needs an owner_column of its own", t->name);
			else if (data_class_erased(oc->cls))
				problem(&p, "%s: owner_column %s would be emptied", t->name, t->owner_column);
		}
		if ((t->action == PURGE_PSEUDONYMISE || t->action == PURGE_RETAIN) &&
		    (t->legal_basis == NULL || t->legal_basis[0] == '\0'))
			problem(&p, "%s: rows kept after the purge need a legal_basis", t->name);
	}
	for (size_t c = 0; c < data_columns_count; c++) {
		const struct data_column *dc = &data_columns[c];
		const struct data_table *t = data_table_find(dc->table);

		if (column_find(dc->table, dc->column) != dc)
			problem(&p, "%s.%s is listed twice in data_columns[]", dc->table, dc->column);
		if (t == NULL) {
			problem(&p, "%s.%s: its table is not in data_tables[]", dc->table, dc->column);
			continue;
		}
		if (dc->sealed && dc->cls != DC_SELLER_PERSONAL && dc->cls != DC_BUYER_PERSONAL &&
		    dc->cls != DC_FREE_TEXT)
			problem(&p, "%s.%s is sealed but of class %s", dc->table, dc->column,
				data_class_name(dc->cls));
		/* kept as they are: nothing in them may name anyone */
		if (t->action == PURGE_RETAIN && data_class_erased(dc->cls))
			problem(&p, "%s.%s is %s in a table the purge keeps as it is", dc->table, dc->column,
				data_class_name(dc->cls));
		/* not the seller's: no personal data of the seller or the buyers */
		if (t->action == PURGE_NONE && dc->cls != DC_OPERATIONAL && dc->cls != DC_SECRET)
			problem(&p, "%s.%s is %s in a table the purge does not touch", dc->table, dc->column,
				data_class_name(dc->cls));
	}
	fail_on(&p, "broken rules in store/data_classes.c");
}

static const char *const kind_names[] = { "delete", "pseudonymise", "count", "ids" };

/* The parameters each kind takes (purge_sql.h). */
static const int kind_params[] = { 2, 3, 1, 3 };

/* Whether purge_sql() is to have a statement of kind for t. */
static int kind_expected(const struct data_table *t, enum purge_sql_kind kind)
{
	if (t->action == PURGE_NONE)
		return 0;
	if (kind == PURGE_SQL_PSEUDONYMISE)
		return t->action == PURGE_PSEUDONYMISE;
	if (kind == PURGE_SQL_IDS)
		return strcmp(t->key, "id") == 0;
	return 1;
}

/* Prepares sql on the backend under test; the number of its parameters,
 * or -1 with the reason in why. */
static int raw_prepare(struct raw *r, const char *sql, char *why, size_t cap)
{
	int n;

	if (r->pg) {
		PGresult *res = PQprepare(r->pg, "", sql, 0, NULL);

		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			snprintf(why, cap, "%s", PQerrorMessage(r->pg));
			PQclear(res);
			return -1;
		}
		PQclear(res);
		res = PQdescribePrepared(r->pg, "");
		n = PQresultStatus(res) == PGRES_COMMAND_OK ? PQnparams(res) : -1;
		snprintf(why, cap, "%s", PQerrorMessage(r->pg));
		PQclear(res);
		return n;
	}
	sqlite3_stmt *q = NULL;

	if (sqlite3_prepare_v2(r->db, sql, -1, &q, NULL) != SQLITE_OK) {
		snprintf(why, cap, "%s", sqlite3_errmsg(r->db));
		return -1;
	}
	n = sqlite3_bind_parameter_count(q);
	sqlite3_finalize(q);
	return n;
}

/* 3. Every purge statement exists where it should, prepares on the backend,
 * and takes the parameters the store binds; a pseudonymising one empties
 * every column of an erased class. */
static void purge_statements_prepare(void **state)
{
	struct problems p = { 0 };
	char why[512], empty[NAME_LEN];
	struct raw r;

	(void)state;
	raw_open(&r);
	const char style = r.pg ? '$' : '?';

	for (size_t i = 0; i < data_tables_count; i++) {
		const struct data_table *t = &data_tables[i];

		for (int k = PURGE_SQL_DELETE; k <= PURGE_SQL_IDS; k++) {
			const char *sql = purge_sql(i, (enum purge_sql_kind)k, style);
			int n;

			if (!kind_expected(t, (enum purge_sql_kind)k)) {
				if (sql != NULL)
					problem(&p, "%s: an unexpected %s statement: %s", t->name, kind_names[k], sql);
				continue;
			}
			if (sql == NULL) {
				problem(&p, "%s: no %s statement", t->name, kind_names[k]);
				continue;
			}
			if ((n = raw_prepare(&r, sql, why, sizeof(why))) < 0)
				problem(&p, "%s: %s statement does not prepare: %s: %s", t->name, kind_names[k], sql,
					why);
			else if (n != kind_params[k])
				problem(&p, "%s: %s statement takes %d parameters, not %d: %s", t->name,
					kind_names[k], n, kind_params[k], sql);
			if (k != PURGE_SQL_PSEUDONYMISE)
				continue;
			for (size_t c = 0; c < data_columns_count; c++) {
				if (strcmp(data_columns[c].table, t->name) != 0 ||
				    !data_class_erased(data_columns[c].cls))
					continue;
				snprintf(empty, sizeof(empty), " %s = ''", data_columns[c].column);
				if (strstr(sql, empty) == NULL)
					problem(&p, "%s: the pseudonymisation keeps %s (%s)", t->name,
						data_columns[c].column, data_class_name(data_columns[c].cls));
			}
		}
	}
	assert_null(purge_sql(data_tables_count, PURGE_SQL_COUNT, style));
	raw_close(&r);
	fail_on(&p, "faults in the purge statements");
}

/* ... and runs through the store: nothing to do on an empty database. */
static void purge_runs_on_an_empty_database(void **state)
{
	struct store *st = *state;
	char ids[4][ID_MAX];
	struct ob_err err;
	int64_t rows;
	size_t n;

	for (size_t i = 0; i < data_tables_count; i++) {
		const struct data_table *t = &data_tables[i];

		for (int k = PURGE_SQL_DELETE; k <= PURGE_SQL_COUNT; k++) {
			enum ob_rc rc;

			rows = -1;
			rc = store_purge_rows(st, i, (enum purge_sql_kind)k, "nobody", "psn_x", 10, &rows, &err);
			if (!kind_expected(t, (enum purge_sql_kind)k)) {
				assert_int_equal(rc, OB_EINTERNAL);
				continue;
			}
			if (rc != OB_OK)
				fail_msg("%s: %s: %s", t->name, kind_names[k], err.message);
			if (rows != 0)
				fail_msg("%s: %s: %lld rows on an empty database", t->name, kind_names[k],
					 (long long)rows);
		}
		n = 99;
		if (!kind_expected(t, PURGE_SQL_IDS)) {
			assert_int_equal(store_purge_ids(st, i, "nobody", "", 4, ids, &n, &err), OB_EINTERNAL);
			continue;
		}
		if (store_purge_ids(st, i, "nobody", "", 4, ids, &n, &err) != OB_OK)
			fail_msg("%s: ids: %s", t->name, err.message);
		assert_int_equal(n, 0);
	}
}

static void new_order(struct store *st, const char *seller, const char *id, const char *buyer)
{
	struct order_input in;
	struct order o;
	struct ob_err err;

	memset(&in, 0, sizeof(in));
	in.id = id;
	in.seller_id = seller;
	in.status = "unshipped";
	in.total_minor = 2599;
	in.currency = "USD";
	in.buyer_name = buyer;
	in.ship_address = "1 Main St\nSpringfield";
	in.items[0] = (struct order_item_input){ "MUG-1", "Mug", 2, 1299 };
	in.nitems = 1;
	if (order_create(st, &in, &o, &err) != OB_OK)
		fail_msg("order_create: %s", err.message);
}

static size_t table_index(const char *name)
{
	const struct data_table *t = data_table_find(name);

	assert_non_null(t);
	return (size_t)(t - data_tables);
}

/* 4. An order moved to a pseudonym keeps its figures and its lines and
 * loses its buyer; another seller's order is untouched. */
static void a_pseudonymised_order_keeps_figures_not_the_buyer(void **state)
{
	struct store *st = *state;
	size_t orders = table_index("orders");
	char a[ID_MAX], b[ID_MAX], text[NAME_LEN];
	struct order_item items[4];
	struct seller psn;
	struct order o;
	struct ob_err err;
	struct raw r;
	int64_t rows;
	size_t n;

	facts_seller(st, "a@shop.example", a);
	facts_seller(st, "b@shop.example", b);
	new_order(st, a, "o-a", "Bob Buyer");
	new_order(st, b, "o-b", "Carol Buyer");

	raw_open(&r);
	const char *by_id = r.pg ? "SELECT buyer_name FROM orders WHERE id = $1"
				 : "SELECT buyer_name FROM orders WHERE id = ?1";
	const char *address_by_id = r.pg ? "SELECT ship_address FROM orders WHERE id = $1"
					 : "SELECT ship_address FROM orders WHERE id = ?1";

	/* at rest the buyer is sealed */
	raw_text(&r, by_id, "o-a", text, sizeof(text));
	assert_int_equal(strncmp(text, "s1:", 3), 0);
	assert_null(strstr(text, "Bob"));

	/* the pseudonym's own row, as the purge makes it (domain/purge.c) */
	memset(&psn, 0, sizeof(psn));
	snprintf(psn.id, sizeof(psn.id), "psn_x");
	snprintf(psn.marketplace_id, sizeof(psn.marketplace_id), "us");
	snprintf(psn.email, sizeof(psn.email), "psn_x");
	snprintf(psn.email_index, sizeof(psn.email_index), "psn_x");
	psn.status = SELLER_PURGED;
	psn.created_at = psn.updated_at = 1000;
	assert_int_equal(st->ops->seller_insert(st, &psn, &err), OB_OK);

	assert_int_equal(store_purge_rows(st, orders, PURGE_SQL_COUNT, a, NULL, 0, &rows, &err), OB_OK);
	assert_int_equal(rows, 1);
	assert_int_equal(store_purge_rows(st, orders, PURGE_SQL_PSEUDONYMISE, a, "psn_x", 10, &rows, &err),
			 OB_OK);
	assert_int_equal(rows, 1);
	/* resumable: a second batch finds nothing left */
	assert_int_equal(store_purge_rows(st, orders, PURGE_SQL_PSEUDONYMISE, a, "psn_x", 10, &rows, &err),
			 OB_OK);
	assert_int_equal(rows, 0);
	assert_int_equal(store_purge_rows(st, orders, PURGE_SQL_COUNT, a, NULL, 0, &rows, &err), OB_OK);
	assert_int_equal(rows, 0);
	assert_int_equal(store_purge_rows(st, orders, PURGE_SQL_COUNT, "psn_x", NULL, 0, &rows, &err), OB_OK);
	assert_int_equal(rows, 1);

	assert_int_equal(store_order_get(st, "o-a", &o, &err), OB_OK);
	assert_string_equal(o.seller_id, "psn_x");
	assert_string_equal(o.buyer_name, "");
	assert_string_equal(o.ship_address, "");
	assert_int_equal(o.status, ORDER_UNSHIPPED);
	assert_int_equal(o.total_minor, 2599);
	assert_string_equal(o.currency, "USD");
	assert_true(o.placed_at > 0);
	assert_int_equal(store_order_items(st, "o-a", items, 4, &n, &err), OB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].sku, "MUG-1");
	assert_int_equal(items[0].quantity, 2);
	assert_int_equal(items[0].unit_price_minor, 1299);

	/* the bytes are gone, not just unreadable */
	raw_text(&r, by_id, "o-a", text, sizeof(text));
	assert_string_equal(text, "");
	raw_text(&r, address_by_id, "o-a", text, sizeof(text));
	assert_string_equal(text, "");
	raw_close(&r);

	assert_int_equal(store_order_get(st, "o-b", &o, &err), OB_OK);
	assert_string_equal(o.seller_id, b);
	assert_string_equal(o.buyer_name, "Carol Buyer");
	assert_string_equal(o.ship_address, "1 Main St\nSpringfield");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_column_is_classified, setup, teardown),
		cmocka_unit_test_setup_teardown(an_unclassified_column_is_named, setup, teardown),
		cmocka_unit_test(registry_rules_hold),
		cmocka_unit_test_setup_teardown(purge_statements_prepare, setup, teardown),
		cmocka_unit_test_setup_teardown(purge_runs_on_an_empty_database, setup, teardown),
		cmocka_unit_test_setup_teardown(a_pseudonymised_order_keeps_figures_not_the_buyer, setup,
						teardown),
	};

	if (crypto_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
