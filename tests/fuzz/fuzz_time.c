/* fuzz_time.c: libFuzzer target for clock_parse(), the RFC 3339 parser of
 * times that come from outside (query parameters, request bodies).
 *
 * The input is the text (cut at its first NUL, as a C string would be).
 * Besides memory errors, the target compares clock_parse() with a strict
 * reference written here: the exact shape "YYYY-MM-DDTHH:MM:SS", optional
 * ".digits", then "Z", "z" or "+HH:MM"/"-HH:MM", nothing else; fields in
 * range (year from 1970, second up to 60 for leap seconds). Whatever the
 * reference accepts clock_parse() must accept with the same value, and
 * whatever it refuses clock_parse() must refuse; a difference aborts. It
 * also runs clock_format() on accepted times and on arbitrary values. */
#include "core/clock.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* The strict reference: 0 and *t, or -1. */
static int reference_parse(const char *s, int64_t *t)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	size_t len = strlen(s);
	const char *p;

	if (len < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om))
			return -1;
		p += 6;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 ||
	    sec > 60 || oh > 23 || om > 59)
		return -1;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	     (int64_t)sign * (oh * 3600 + om * 60);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	int64_t t = 0, want = 0;
	char out[32];
	int rc, ref;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	rc = clock_parse(s, &t);
	ref = reference_parse(s, &want);
	if (rc != ref || (rc == 0 && t != want))
		abort();
	if (rc == 0)
		clock_format(t, out, sizeof(out));
	if (size >= sizeof(int64_t)) {
		int64_t any;
		memcpy(&any, data, sizeof(any));
		clock_format(any, out, sizeof(out));
	}
	free(s);
	return 0;
}
