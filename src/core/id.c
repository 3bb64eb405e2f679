#include "core/id.h"

#include "core/crypto.h"

#include <stdio.h>
#include <string.h>

void id_new(const char *prefix, char *out)
{
	char rnd[21];

	crypto_random_alnum(rnd, 20);
	snprintf(out, ID_MAX, "%.8s_%s", prefix, rnd);
}

int id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}
