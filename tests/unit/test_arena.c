#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"

#include <string.h>

static void allocates_aligned_zeroed_and_bounded(void **state)
{
	struct arena a;
	char *p, *big;

	(void)state;
	arena_init(&a, 64 * 1024);
	p = arena_alloc(&a, 3);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
	assert_memory_equal(p, "\0\0\0", 3);
	assert_string_equal(arena_printf(&a, "%s-%d", "x", 42), "x-42");
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	assert_null(arena_strdup(&a, NULL));
	big = arena_alloc(&a, 20000);     /* larger than a chunk: its own chunk */
	assert_non_null(big);
	memset(big, 1, 20000);
	assert_null(arena_alloc(&a, 64 * 1024));   /* over the limit */
	assert_null(arena_alloc(&a, SIZE_MAX));    /* overflow */
	arena_reset(&a);
	assert_int_equal(a.used, 0);
	assert_non_null(arena_alloc(&a, 60 * 1024));
	arena_reset(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocates_aligned_zeroed_and_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
