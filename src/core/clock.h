/* clock.h: the program's one source of time, UTC seconds since the epoch.
 *
 * Tests and `jobs run-due --now` pin it; everything else reads it through
 * clock_now() so that a test can jump months ahead. */
#ifndef OB_CLOCK_H
#define OB_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* The current time: the pinned time when set, else the system clock. */
int64_t clock_now(void);

/* Pins the clock at t (unix seconds); 0 unpins it. Not thread-safe: call
 * before starting threads. */
void clock_pin(int64_t t);

/* Monotonic nanoseconds, for measuring durations. */
uint64_t clock_mono_ns(void);

/* Formats t as RFC 3339 UTC ("2026-11-26T03:00:00Z") into out (at least 21
 * bytes). Returns out. */
char *clock_format(int64_t t, char *out, size_t cap);

/* Parses an RFC 3339 time ("2026-11-26T03:00:00Z" or with "+01:00", optional
 * fractional seconds, which are dropped). Returns 0 and sets *t, or -1. */
int clock_parse(const char *s, int64_t *t);

#endif
