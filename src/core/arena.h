/* arena.h: a bump allocator for memory that lives exactly as long as one
 * request (or one job step).
 *
 * Allocations are never freed one by one; arena_reset() frees them all. The
 * arena has a hard limit: past it, allocations return NULL. */
#ifndef OB_ARENA_H
#define OB_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t used;   /* bytes handed out in all chunks */
	size_t limit;  /* hard limit on used */
};

/* Starts an empty arena that will hand out at most limit bytes. */
void arena_init(struct arena *a, size_t limit);

/* Returns n bytes aligned for any type, zeroed, owned by the arena; NULL
 * when the limit is reached or memory is exhausted. */
void *arena_alloc(struct arena *a, size_t n);

/* Copies the n bytes at s plus a terminating NUL into the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* arena_strndup for a NUL-terminated s; NULL s gives NULL. */
char *arena_strdup(struct arena *a, const char *s);

/* printf into the arena; NULL on failure. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Frees every allocation; the arena can be used again. */
void arena_reset(struct arena *a);

#endif
