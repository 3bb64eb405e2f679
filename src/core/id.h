/* id.h: identifiers of stored objects: a short type prefix, then 9
 * characters of the creation time in milliseconds (base 36) and 11 random
 * ones ("txn_mi3k2p0qa7x9..."). Ids of one kind sort by creation time, so
 * records made in the same second still list in the order they were made;
 * they reveal no counts. */
#ifndef OB_ID_H
#define OB_ID_H

#include <stddef.h>

#define ID_MAX 32  /* buffer size that holds any id and its NUL */

/* Writes prefix, '_', the time part and the random part into out (ID_MAX). */
void id_new(const char *prefix, char *out);

/* Returns 1 when s looks like an id (1..ID_MAX-1 characters of
 * [A-Za-z0-9_-]); ids from outside are checked before any look-up. */
int id_valid(const char *s);

#endif
