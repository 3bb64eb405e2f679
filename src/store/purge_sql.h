/* purge_sql.h: the statements of a purge, written once from the registry
 * (store/data_classes.h) for each backend's placeholders, so that both
 * backends run the same SQL. Parameters: 1 the owner (a seller id or a
 * pseudonym), 2 the batch size, 3 the pseudonym (or, listing ids, the id to
 * start after). */
#ifndef OB_PURGE_SQL_H
#define OB_PURGE_SQL_H

#include "store/store.h"

#include <stddef.h>

/* The statement of kind for data_tables[table], with placeholders in the
 * style '?' (SQLite: ?1) or '$' (PostgreSQL: $1); static text that lives as
 * long as the program (the backends cache it prepared). NULL when the
 * table has none of that kind. */
const char *purge_sql(size_t table, enum purge_sql_kind kind, char style);

#endif
