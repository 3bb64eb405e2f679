/* money.h: amounts of money are int64_t minor units plus an ISO 4217
 * currency, never floating point. This module knows each currency's minor
 * units, checks amounts and adds them without overflow. */
#ifndef OB_MONEY_H
#define OB_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* The largest amount accepted from outside, in minor units (10^15: ten
 * trillion dollars), so that sums of many amounts stay far from overflow. */
#define MONEY_MAX INT64_C(1000000000000000)

/* Returns the number of minor-unit digits of an ISO 4217 code (2 for USD,
 * 0 for JPY, 3 for KWD), or -1 when the code is unknown. */
int money_exponent(const char *currency);

/* Adds b to *a; returns -1 (leaving *a alone) on overflow. */
int money_add(int64_t *a, int64_t b);

/* Writes amount as a decimal string in major units ("-12.34", "500" for
 * JPY) into out (at least 32 bytes). Unknown currencies print two digits. */
char *money_decimal(int64_t amount, const char *currency, char *out, size_t cap);

#endif
