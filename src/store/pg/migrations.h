/* migrations.h: the PostgreSQL schema, as numbered migrations. Migration N
 * is pg_migrations[N - 1]; an applied migration is never edited, only
 * followed by a new one. The tables, columns, constraints and indexes are
 * those of the SQLite schema (sqlite/migrations.c), in PostgreSQL types:
 * money and times are BIGINT, and every text column sorts bytewise
 * (COLLATE "C"), as SQLite's do. */
#ifndef OB_PG_MIGRATIONS_H
#define OB_PG_MIGRATIONS_H

#include <stddef.h>

extern const char *const pg_migrations[];
extern const size_t pg_migrations_count;

#endif
