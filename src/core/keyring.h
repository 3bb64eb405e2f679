/* keyring.h: the master key of the process and what is derived from it.
 *
 * Personal data is sealed with a data key of its seller (store/seal.h);
 * the data keys are kept in a keystore, wrapped by the master key. The
 * master key never reaches the database: it comes from OFFBOARD_MASTER_KEY
 * (base64 of 32 bytes), from --master-key-file, or from DATA_DIR/master.key,
 * which the first start of an empty keystore makes (keyring_generate).
 * From it are derived, with libsodium's KDF, the key that wraps data keys,
 * the key of the e-mail blind index and a check value that tells a wrong
 * master key from the right one. The keys live in locked memory. */
#ifndef OB_KEYRING_H
#define OB_KEYRING_H

#include <stddef.h>

#define KEYRING_KEY_LEN 32
#define KEYRING_B64_LEN 44          /* base64 (with padding) of 32 bytes */
#define KEYRING_HEX_LEN 64

/* Where the master key comes from, in this order: the environment value,
 * the configured file, the default file in data_dir. */
struct keyring_source {
	const char *env_value;          /* OFFBOARD_MASTER_KEY, or NULL */
	const char *file;               /* --master-key-file, or empty */
	const char *data_dir;           /* DATA_DIR for the default file */
};

/* Loads the master key. Returns 1 when loaded, 0 when there is none at the
 * default place (the caller may generate one), -1 with a message in err
 * when a given key is missing, unreadable, readable by others or not 32
 * bytes of base64. */
int keyring_load(const struct keyring_source *src, char *err, size_t errcap);

/* Makes a new master key, writes it to DATA_DIR/master.key (mode 0600,
 * never over an existing file) and uses it. Returns -1 with err on
 * failure. */
int keyring_generate(const char *data_dir, char *err, size_t errcap);

/* Uses key as the master key (tests). */
void keyring_use(const unsigned char key[KEYRING_KEY_LEN]);

/* 1 when a master key is loaded. */
int keyring_ready(void);

/* Forgets the master key and everything derived (tests). */
void keyring_forget(void);

/* The hex check value of the master key, stored in the keystore: another
 * master key gives another value. */
void keyring_check_value(char out[KEYRING_HEX_LEN + 1]);

/* Writes the keyed hash (BLAKE2b) of an already normalised e-mail address
 * in hex: sign-in finds a seller by it, and the address stays sealed. */
void keyring_blind_index(const char *email, char out[KEYRING_HEX_LEN + 1]);

/* Wraps a data key for the seller into base64 text (out: cap bytes, 128
 * are enough); unwrap undoes it, returning -1 when the text was not made
 * by this master key for this seller. */
int keyring_wrap(const unsigned char data_key[KEYRING_KEY_LEN], const char *seller_id, char *out,
		 size_t cap);
int keyring_unwrap(const char *wrapped, const char *seller_id,
		   unsigned char data_key[KEYRING_KEY_LEN]);

#endif
