/* testdb.h: a fresh, migrated database for each test. SQLite files go to a
 * new temporary directory; the storage suite is written against store.h
 * only, so another backend runs the same tests. */
#ifndef OB_TESTDB_H
#define OB_TESTDB_H

#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Opens a new empty migrated database; aborts the test program on failure. */
static inline struct store *testdb_open(void)
{
	static int n;
	char dir[] = "/tmp/offboard-test-XXXXXX", url[256];
	struct store *st = NULL;
	struct ob_err err;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(url, sizeof(url), "sqlite:%s/t%d.db", dir, n++);
	if (store_open(url, &st, &err) != OB_OK || store_migrate(st, NULL, &err) != OB_OK) {
		fprintf(stderr, "testdb: %s\n", err.message);
		abort();
	}
	return st;
}

#endif
