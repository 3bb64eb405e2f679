/* check_sql.h: the invariant queries of `offboard check` (an unbalanced
 * transaction, a balance that disagrees with its postings, an impossible
 * status ...). Each query returns one text column, a sentence, per
 * violation. Shared by every backend. */
#ifndef OB_CHECK_SQL_H
#define OB_CHECK_SQL_H

#include <stddef.h>

extern const char *const store_check_sql[];
extern const size_t store_check_sql_count;

#endif
