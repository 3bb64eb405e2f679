/* pg_exec.c: statements of the PostgreSQL backend: bound parameters, the
 * per-connection cache of prepared statements, results into records, and
 * errors into the program's results. */
#include "store/pg/pg_internal.h"

#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type OIDs of the parameters (pg_type.h is a server header). */
#define INT8OID 20
#define TEXTOID 25

void pg_text(struct pg_args *a, const char *v)
{
	if (a->n >= PG_MAX_PARAMS)
		abort();   /* a statement of this backend has too many parameters */
	a->values[a->n] = v;
	a->lengths[a->n] = 0;
	a->formats[a->n] = 0;
	a->types[a->n] = TEXTOID;
	a->n++;
}

void pg_int(struct pg_args *a, int64_t v)
{
	uint64_t u = (uint64_t)v;

	if (a->n >= PG_MAX_PARAMS)
		abort();
	for (int i = 7; i >= 0; i--, u >>= 8)
		a->ints[a->n][i] = (char)(u & 0xff);
	a->values[a->n] = a->ints[a->n];
	a->lengths[a->n] = 8;
	a->formats[a->n] = 1;
	a->types[a->n] = INT8OID;
	a->n++;
}

/* SQLSTATEs that mean "try again": serialization failure, deadlock, lock
 * not available (lock_timeout), query cancelled (statement_timeout). */
static int busy_state(const char *state)
{
	static const char *const busy[] = { "40001", "40P01", "55P03", "57014" };

	for (size_t i = 0; i < sizeof(busy) / sizeof(busy[0]); i++)
		if (strcmp(state, busy[i]) == 0)
			return 1;
	return 0;
}

enum ob_rc pg_fail(struct pg_store *s, const PGresult *r, const char *sql, struct ob_err *err)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *constraint = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
	char stmt[80];

	if (PQstatus(s->conn) != CONNECTION_OK) {
		log_kv(LOG_ERROR, "postgres connection lost", "error", PQerrorMessage(s->conn), NULL);
		return ob_fail(err, OB_EDB, "database_unavailable", NULL,
			       "lost the connection to the database");
	}
	if (state && strcmp(state, "23505") == 0)
		return ob_fail(err, OB_ECONFLICT, "already_exists", NULL, "already exists");
	if (state && busy_state(state))
		return ob_fail(err, OB_EBUSY, "database_busy", NULL, "the database is busy, try again");
	/* The texts of data (22) and integrity (23) errors can quote values,
	 * which may be personal data: those are logged by code and name only. */
	if (state && (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0))
		primary = NULL;
	snprintf(stmt, sizeof(stmt), "%s", sql ? sql : "");
	log_kv(LOG_ERROR, "postgres error", "sqlstate", state ? state : "",
	       "error", primary ? primary : r ? "" : PQerrorMessage(s->conn),
	       "constraint", constraint ? constraint : "", "statement", stmt, NULL);
	return ob_fail(err, OB_EDB, "database_error", NULL, "database error");
}

enum ob_rc pg_simple(struct pg_store *s, const char *sql, struct ob_err *err)
{
	PGresult *r = PQexec(s->conn, sql);
	enum ob_rc rc = OB_OK;

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = pg_fail(s, r, sql, err);
	PQclear(r);
	return rc;
}

/* The cache slot of sql (found by address), or -1 when the cache is full. */
static int slot_of(struct pg_store *s, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 4) % PG_STMT_CACHE;

	for (size_t i = 0; i < PG_STMT_CACHE; i++) {
		size_t k = (h + i) % PG_STMT_CACHE;

		if (s->cache[k].sql == NULL)
			s->cache[k].sql = sql;
		if (s->cache[k].sql == sql)
			return (int)k;
	}
	return -1;
}

/* Runs the statement of slot k once, preparing it first when this
 * connection has not yet. Returns the result, whatever its status. */
static PGresult *run_once(struct pg_store *s, int k, const char *sql, const struct pg_args *a)
{
	char name[16];

	snprintf(name, sizeof(name), "s%d", k);
	if (!s->cache[k].prepared) {
		PGresult *r = PQprepare(s->conn, name, sql, a->n, a->types);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return r;
		PQclear(r);
		s->cache[k].prepared = 1;
	}
	return PQexecPrepared(s->conn, name, a->n, a->values, a->lengths, a->formats, 0);
}

enum ob_rc pg_query(struct pg_store *s, const char *sql, const struct pg_args *a, PGresult **out,
		    struct ob_err *err)
{
	static const struct pg_args none;
	enum ob_rc rc;
	int k = slot_of(s, sql);

	*out = NULL;
	if (k < 0)   /* the cache holds more slots than the program has statements */
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "statement cache full");
	for (int again = 1;; again = 0) {
		ExecStatusType status;

		/* Outside a transaction a lost connection (the server restarted,
		 * or ended the session) is opened again and the statement, a
		 * read, runs once more; inside one the transaction is gone, and
		 * the failure is the caller's. */
		if (PQstatus(s->conn) != CONNECTION_OK && !s->in_tx && (rc = pg_reconnect(s, err)) != OB_OK)
			return rc;
		*out = run_once(s, k, sql, a ? a : &none);
		status = PQresultStatus(*out);
		if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
			return OB_OK;
		if (again && !s->in_tx && PQstatus(s->conn) == CONNECTION_BAD) {
			log_kv(LOG_WARN, "postgres connection lost, opening it again", NULL);
			PQclear(*out);
			continue;
		}
		rc = pg_fail(s, *out, sql, err);
		PQclear(*out);
		*out = NULL;
		return rc;
	}
}

enum ob_rc pg_write_begin(struct pg_store *s, int *own, struct ob_err *err)
{
	enum ob_rc rc = OB_OK;

	*own = !s->in_tx;
	if (*own)
		rc = pg_begin(&s->base, 1, err);
	return rc;
}

enum ob_rc pg_write_end(struct pg_store *s, int own, enum ob_rc rc, struct ob_err *err)
{
	if (!own)
		return rc;
	if (rc == OB_OK)
		return pg_commit(&s->base, err);
	pg_rollback(&s->base);
	return rc;
}

enum ob_rc pg_write(struct pg_store *s, const char *sql, const struct pg_args *a, int64_t *changed,
		    struct ob_err *err)
{
	PGresult *r;
	enum ob_rc rc;
	int own;

	if ((rc = pg_write_begin(s, &own, err)) != OB_OK)
		return rc;
	if ((rc = pg_query(s, sql, a, &r, err)) == OB_OK && changed)
		*changed = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return pg_write_end(s, own, rc, err);
}

enum ob_rc pg_insert(struct pg_store *s, const char *sql, const struct pg_args *a, struct ob_err *err)
{
	int64_t n = 0;
	enum ob_rc rc = pg_write(s, sql, a, &n, err);

	if (rc == OB_OK && n == 0)
		return ob_fail(err, OB_ECONFLICT, "already_exists", NULL, "already exists");
	return rc;
}

enum ob_rc pg_one(struct pg_store *s, const char *sql, const struct pg_args *a, void *out,
		  size_t size, pg_row_fn fn, struct ob_err *err)
{
	PGresult *r;
	enum ob_rc rc = pg_query(s, sql, a, &r, err);

	if (rc != OB_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "not found");
	}
	memset(out, 0, size);
	fn(r, 0, out);
	PQclear(r);
	return OB_OK;
}

enum ob_rc pg_rows(struct pg_store *s, const char *sql, const struct pg_args *a, void *out,
		   size_t size, size_t cap, size_t *n, pg_row_fn fn, struct ob_err *err)
{
	PGresult *r;
	enum ob_rc rc = pg_query(s, sql, a, &r, err);
	size_t rows;

	*n = 0;
	if (rc != OB_OK)
		return rc;
	rows = (size_t)PQntuples(r);
	for (; *n < rows && *n < cap; (*n)++) {
		void *row = (char *)out + *n * size;
		memset(row, 0, size);
		fn(r, (int)*n, row);
	}
	PQclear(r);
	return OB_OK;
}

void pg_col_text(const PGresult *r, int row, int col, char *out, size_t cap)
{
	size_t n = (size_t)PQgetlength(r, row, col);

	if (n >= cap)
		n = cap - 1;
	memcpy(out, PQgetvalue(r, row, col), n);
	out[n] = '\0';
}

int64_t pg_col_int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int pg_col_enum(const PGresult *r, int row, int col, const char *const *names)
{
	int e = store_enum_parse(names, PQgetvalue(r, row, col));

	return e < 0 ? 0 : e;
}
