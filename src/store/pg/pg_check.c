/* pg_check.c: the invariant checks of `offboard check` on PostgreSQL: the
 * shared queries of store/check_sql.c, which run unchanged here (sums of
 * BIGINT money are exact NUMERIC in PostgreSQL). */
#include "store/pg/pg_internal.h"

#include "store/check_sql.h"


enum ob_rc pg_check(struct store *st, void (*report)(void *arg, const char *what), void *arg,
		    int *violations, struct ob_err *err)
{
	struct pg_store *s = P(st);

	*violations = 0;
	for (size_t i = 0; i < store_check_sql_count; i++) {
		PGresult *r;
		enum ob_rc rc = pg_query(s, store_check_sql[i], NULL, &r, err);

		if (rc != OB_OK)
			return rc;
		for (int row = 0; row < PQntuples(r); row++) {
			report(arg, PQgetvalue(r, row, 0));
			(*violations)++;
		}
		PQclear(r);
	}
	return OB_OK;
}
