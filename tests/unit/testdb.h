/* testdb.h: a fresh, migrated database for each test. The storage suite
 * and the other tests of stored state are written against store.h only,
 * and run twice: on SQLite (a file in a new temporary directory) and, in
 * meson's suite 'pg', on a new database of the PostgreSQL server that
 * OFFBOARD_TEST_PG names (tests/testpg.h). */
#ifndef OB_TESTDB_H
#define OB_TESTDB_H

#include "core/keyring.h"
#include "store/store.h"
#include "../testpg.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The URL of the database testdb_open() made last. */
static char testdb_url[512];

/* Opens another connection to the database testdb_open() made last (as a
 * second thread or process would); aborts on failure. */
static inline struct store *testdb_connect(void)
{
	struct store *st = NULL;
	struct ob_err err;

	if (store_open(testdb_url, &st, &err) != OB_OK) {
		fprintf(stderr, "testdb: %s\n", err.message);
		abort();
	}
	return st;
}

/* Loads a random master key once per test program: personal data is sealed. */
static inline void testdb_master_key(void)
{
	unsigned char key[KEYRING_KEY_LEN];

	if (!keyring_ready()) {
		randombytes_buf(key, sizeof(key));
		keyring_use(key);
	}
}

/* Opens a new empty migrated database; aborts the test program on failure. */
static inline struct store *testdb_open(void)
{
	static int n;
	char dir[] = "/tmp/offboard-test-XXXXXX";
	struct store *st;
	struct ob_err err;

	testdb_master_key();
	if (testpg_on()) {
		testpg_new_db(testdb_url, sizeof(testdb_url));
	} else {
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(testdb_url, sizeof(testdb_url), "sqlite:%s/t%d.db", dir, n++);
	}
	st = testdb_connect();
	if (store_migrate(st, NULL, &err) != OB_OK) {
		fprintf(stderr, "testdb: %s\n", err.message);
		abort();
	}
	return st;
}

#endif
