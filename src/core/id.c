#include "core/id.h"

#include "core/crypto.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void id_new(const char *prefix, char *out)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	struct timespec now;
	uint64_t ms;
	char t[10], rnd[12];

	clock_gettime(CLOCK_REALTIME, &now);
	ms = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
	for (int i = 8; i >= 0; i--) {
		t[i] = digits[ms % 36];
		ms /= 36;
	}
	t[9] = '\0';
	crypto_random_alnum(rnd, 11);
	snprintf(out, ID_MAX, "%.8s_%s%s", prefix, t, rnd);
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
