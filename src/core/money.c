#include "core/money.h"

#include <stdio.h>
#include <string.h>

/* ISO 4217 codes in active use with their minor units; codes not listed
 * here are refused, so that a typo ("USS") never becomes a currency. */
static const struct { char code[4]; int exponent; } currencies[] = {
	{ "AED", 2 }, { "ARS", 2 }, { "AUD", 2 }, { "BGN", 2 }, { "BHD", 3 }, { "BRL", 2 },
	{ "CAD", 2 }, { "CHF", 2 }, { "CLP", 0 }, { "CNY", 2 }, { "COP", 2 }, { "CZK", 2 },
	{ "DKK", 2 }, { "EGP", 2 }, { "EUR", 2 }, { "GBP", 2 }, { "HKD", 2 }, { "HUF", 2 },
	{ "IDR", 2 }, { "ILS", 2 }, { "INR", 2 }, { "ISK", 0 }, { "JOD", 3 }, { "JPY", 0 },
	{ "KRW", 0 }, { "KWD", 3 }, { "MXN", 2 }, { "MYR", 2 }, { "NGN", 2 }, { "NOK", 2 },
	{ "NZD", 2 }, { "OMR", 3 }, { "PEN", 2 }, { "PHP", 2 }, { "PKR", 2 }, { "PLN", 2 },
	{ "QAR", 2 }, { "RON", 2 }, { "SAR", 2 }, { "SEK", 2 }, { "SGD", 2 }, { "THB", 2 },
	{ "TND", 3 }, { "TRY", 2 }, { "TWD", 2 }, { "UAH", 2 }, { "USD", 2 }, { "VND", 0 },
	{ "ZAR", 2 },
};

int money_exponent(const char *currency)
{
	if (currency == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++)
		if (strcmp(currencies[i].code, currency) == 0)
			return currencies[i].exponent;
	return -1;
}

int money_add(int64_t *a, int64_t b)
{
	int64_t sum;

	if (__builtin_add_overflow(*a, b, &sum))
		return -1;
	*a = sum;
	return 0;
}

char *money_decimal(int64_t amount, const char *currency, char *out, size_t cap)
{
	int e = money_exponent(currency);
	uint64_t abs = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
	uint64_t scale = 1;

	if (e < 0)
		e = 2;
	for (int i = 0; i < e; i++)
		scale *= 10;
	if (e == 0)
		snprintf(out, cap, "%s%llu", amount < 0 ? "-" : "", (unsigned long long)abs);
	else
		snprintf(out, cap, "%s%llu.%0*llu", amount < 0 ? "-" : "",
			 (unsigned long long)(abs / scale), e, (unsigned long long)(abs % scale));
	return out;
}
