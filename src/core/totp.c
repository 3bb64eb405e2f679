#include "core/totp.h"

#include "core/crypto.h"

#include <liboath/oath.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int totp_init(void)
{
	return oath_init() == OATH_OK ? 0 : -1;
}

int totp_secret_new(char *out)
{
	unsigned char raw[20];
	char *b32 = NULL;
	size_t len = 0;
	int rc = -1;

	crypto_random(raw, sizeof(raw));
	if (oath_base32_encode((const char *)raw, sizeof(raw), &b32, &len) == OATH_OK &&
	    len < TOTP_SECRET_B32_MAX) {
		memcpy(out, b32, len);
		out[len] = '\0';
		rc = 0;
	}
	crypto_wipe(raw, sizeof(raw));
	if (b32) {
		crypto_wipe(b32, len);
		free(b32);
	}
	return rc;
}

/* Decodes a base32 secret; *raw is malloc'ed and must be wiped and freed. */
static int decode(const char *secret_b32, char **raw, size_t *len)
{
	*raw = NULL;
	return oath_base32_decode(secret_b32, strlen(secret_b32), raw, len) == OATH_OK ? 0 : -1;
}

int totp_generate(const char *secret_b32, int64_t now, unsigned digits, char *out)
{
	char *raw;
	size_t len;
	int rc;

	if (decode(secret_b32, &raw, &len) < 0)
		return -1;
	rc = oath_totp_generate(raw, len, (time_t)now, TOTP_STEP_SECONDS,
				OATH_TOTP_DEFAULT_START_TIME, digits, out) == OATH_OK ? 0 : -1;
	crypto_wipe(raw, len);
	free(raw);
	return rc;
}

/* liboath's comparison hook, so that the code is compared in constant time. */
static int code_differs(void *handle, const char *candidate)
{
	const char *code = handle;

	return sodium_memcmp(code, candidate, TOTP_DIGITS) != 0;
}

int64_t totp_match(const char *secret_b32, int64_t now, unsigned window, const char *code)
{
	char *raw;
	size_t len;
	int pos = 0;
	uint64_t counter = 0;
	int rc;

	if (strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		return -1;
	if (decode(secret_b32, &raw, &len) < 0)
		return -1;
	rc = oath_totp_validate3_callback(raw, len, (time_t)now, TOTP_STEP_SECONDS,
					  OATH_TOTP_DEFAULT_START_TIME, TOTP_DIGITS, window,
					  &pos, &counter, code_differs, (void *)code);
	crypto_wipe(raw, len);
	free(raw);
	return rc >= 0 ? (int64_t)counter : -1;
}
