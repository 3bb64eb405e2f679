/* migrations.h: the SQLite schema, as numbered migrations. Migration N is
 * sqlite_migrations[N - 1]; an applied migration is never edited, only
 * followed by a new one. */
#ifndef OB_SQLITE_MIGRATIONS_H
#define OB_SQLITE_MIGRATIONS_H

#include <stddef.h>

extern const char *const sqlite_migrations[];
extern const size_t sqlite_migrations_count;

#endif
