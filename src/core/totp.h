/* totp.h: time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second
 * steps, 6 digits), through liboath. Secrets travel as base32 text, the form
 * authenticator apps take. */
#ifndef OB_TOTP_H
#define OB_TOTP_H

#include <stddef.h>
#include <stdint.h>

#define TOTP_STEP_SECONDS 30
#define TOTP_DIGITS 6
#define TOTP_SECRET_B32_MAX 65

/* Initialises liboath; -1 on failure. Call once at start. */
int totp_init(void);

/* Writes a new random 160-bit secret as base32 (32 characters) into out
 * (TOTP_SECRET_B32_MAX). Returns -1 on failure. */
int totp_secret_new(char *out);

/* Writes the code for secret_b32 at time now into out (digits + 1 bytes).
 * digits is 6 to 8. Returns -1 when the secret is not base32. */
int totp_generate(const char *secret_b32, int64_t now, unsigned digits, char *out);

/* Checks a 6-digit code at time now, accepting window steps either side
 * for clock skew. Returns the time step the code belongs to (> 0), or -1
 * when it matches none. Callers reject steps at or below the last one
 * accepted, so that a code cannot be used twice. */
int64_t totp_match(const char *secret_b32, int64_t now, unsigned window, const char *code);

#endif
