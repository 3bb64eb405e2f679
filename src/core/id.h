/* id.h: identifiers of stored objects: a short type prefix and 20 random
 * characters ("sel_3k9...") so ids never reveal counts or order. */
#ifndef OB_ID_H
#define OB_ID_H

#include <stddef.h>

#define ID_MAX 32  /* buffer size that holds any id and its NUL */

/* Writes prefix, '_' and 20 random [a-z0-9] characters into out (ID_MAX). */
void id_new(const char *prefix, char *out);

/* Returns 1 when s looks like an id (1..ID_MAX-1 characters of
 * [A-Za-z0-9_-]); ids from outside are checked before any look-up. */
int id_valid(const char *s);

#endif
