/* testpg.h: fresh PostgreSQL databases for the tests that run a second
 * time against PostgreSQL (meson suite 'pg', which sets
 * OFFBOARD_TEST_DB=pg). OFFBOARD_TEST_PG is the URL of a database on the
 * server to use (scripts/pg.sh starts a private one; scripts/test.sh sets
 * it); each call makes a new empty database beside it, dropped at exit. */
#ifndef OB_TESTPG_H
#define OB_TESTPG_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TESTPG_MAX_DBS 256

static char testpg_dbs[TESTPG_MAX_DBS][24];
static int testpg_ndbs;

/* 1 when this run is against PostgreSQL. Without a server to use, the
 * test program exits as skipped (77), saying why. */
static inline int testpg_on(void)
{
	const char *which = getenv("OFFBOARD_TEST_DB");
	const char *base = getenv("OFFBOARD_TEST_PG");

	if (which == NULL || strcmp(which, "pg") != 0)
		return 0;
	if (base == NULL || base[0] == '\0') {
		fprintf(stderr, "testpg: OFFBOARD_TEST_PG is not set (scripts/pg.sh starts a server)\n");
		exit(77);
	}
	return 1;
}

/* The URL of database name on the server of OFFBOARD_TEST_PG: its path
 * replaced, its query (parameters) kept. */
static inline void testpg_url(const char *name, char *url, size_t cap)
{
	const char *base = getenv("OFFBOARD_TEST_PG");
	const char *auth = strstr(base, "://");
	const char *path = auth ? strchr(auth + 3, '/') : NULL;
	const char *query = strchr(base, '?');

	if (auth == NULL) {
		fprintf(stderr, "testpg: OFFBOARD_TEST_PG is not a postgres:// URL\n");
		abort();
	}
	if (path == NULL || (query && path > query))
		path = query ? query : base + strlen(base);
	snprintf(url, cap, "%.*s/%s%s", (int)(path - base), base, name, query ? query : "");
}

/* Runs one statement on the server's maintenance connection (the base
 * URL's database); aborts the test program when it fails. */
static inline void testpg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(getenv("OFFBOARD_TEST_PG"));
	PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;

	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "testpg: %s: %s", sql, PQerrorMessage(c));
		abort();
	}
	PQclear(r);
	PQfinish(c);
}

static inline void testpg_drop_all(void)
{
	char sql[96];

	for (int i = 0; i < testpg_ndbs; i++) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", testpg_dbs[i]);
		testpg_admin(sql);
	}
	testpg_ndbs = 0;
}

/* Creates a new empty database (not migrated) and writes its URL into
 * url; it is dropped when the program exits. Aborts on failure. */
static inline void testpg_new_db(char *url, size_t cap)
{
	unsigned char rnd[8];
	char sql[64], *name;
	FILE *f = fopen("/dev/urandom", "rb");

	if (f == NULL || fread(rnd, 1, sizeof(rnd), f) != sizeof(rnd) || testpg_ndbs >= TESTPG_MAX_DBS)
		abort();
	fclose(f);
	if (testpg_ndbs == 0)
		atexit(testpg_drop_all);
	name = testpg_dbs[testpg_ndbs++];
	snprintf(name, sizeof(testpg_dbs[0]), "t_");
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(name + 2 + 2 * i, 3, "%02x", rnd[i]);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	testpg_admin(sql);
	testpg_url(name, url, cap);
}

#endif
