/* signing.h: the Ed25519 key that signs erasure certificates.
 *
 * The key file holds one line: the base64 (standard alphabet, padded) of
 * the key's 32-byte seed. It comes from --signing-key-file
 * (OFFBOARD_SIGNING_KEY_FILE); when that is empty, from
 * DATA_DIR/signing.key, which the first use makes (mode 0600, with the
 * public key beside it in DATA_DIR/signing.pub) so that a bare
 * `offboard serve` works; production supplies its own file. A key file
 * readable by group or others is refused.
 *
 * Public keys are written as base64 of their 32 bytes (44 characters). */
#ifndef OB_SIGNING_H
#define OB_SIGNING_H

#include "core/config.h"

#include <sodium.h>
#include <stddef.h>

#define SIGNING_PK_LEN crypto_sign_PUBLICKEYBYTES   /* 32 */
#define SIGNING_SIG_LEN crypto_sign_BYTES           /* 64 */
#define SIGNING_PK_B64_LEN 44                       /* base64 of 32 bytes, padded */
#define SIGNING_SIG_B64_LEN 88                      /* base64 of 64 bytes, padded */

struct signing_key {
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
};

/* Writes the key file's path for cfg into out (cap bytes): the configured
 * file, else DATA_DIR/signing.key. Returns 1 when the file is the default
 * one (which signing_key_load may make), 0 when configured, -1 when the
 * path does not fit. */
int signing_key_path(const struct config *cfg, char *out, size_t cap);

/* Loads the signing key of cfg into *out. When the default file
 * (DATA_DIR/signing.key) is missing and create is set, makes a new key
 * there (the folder too, when missing), writes DATA_DIR/signing.pub and
 * logs one warning; a configured file that is missing is an error whatever
 * create says. Returns 1 when loaded, 2 when made, or -1 with one line in
 * err (missing, unreadable, readable by group or others, not base64 of 32
 * bytes). Wipe *out with signing_key_wipe() when done. */
int signing_key_load(const struct config *cfg, int create, struct signing_key *out, char *err,
		     size_t errcap);

/* The key whose 32-byte seed is given (tests, tools). */
void signing_key_from_seed(const unsigned char seed[crypto_sign_SEEDBYTES], struct signing_key *out);

/* Wipes the secret half of k (and the rest). NULL does nothing. */
void signing_key_wipe(struct signing_key *k);

/* Writes the base64 of the public key pk and a NUL into out
 * (SIGNING_PK_B64_LEN + 1 bytes). Returns out. */
char *signing_public_b64(const unsigned char pk[SIGNING_PK_LEN], char *out);

/* Reads a public key given as base64 text of 32 bytes or, when text is not
 * that, as the path of a file holding it (surrounding white space allowed).
 * Returns 0, or -1 with one line in err. */
int signing_public_parse(const char *text, unsigned char pk[SIGNING_PK_LEN], char *err, size_t errcap);

#endif
