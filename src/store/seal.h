/* seal.h: personal data sealed with its seller's data key.
 *
 * Every seller has a random 256-bit data key, kept in the keystore wrapped
 * by the master key (core/keyring.h). A sealed text is "s1:" and the
 * base64url of a random 24-byte nonce and the XChaCha20-Poly1305
 * ciphertext of the text, with the seller's id as associated data (a sealed
 * value moved to another seller does not open). Empty text stays empty.
 * Destroying the data key (the first step of a purge) makes every sealed
 * value of the seller unreadable, in the database and in every backup.
 *
 * The store functions seal and open the fields that store.h marks (see
 * store_sealed.c); nothing above the store sees a sealed value. */
#ifndef OB_SEAL_H
#define OB_SEAL_H

#include "store/store.h"

/* Makes the seller's data key when it has none (a key left by an insert
 * that rolled back is reused). */
enum ob_rc seal_new_key(struct store *st, const char *seller_id, int64_t now, struct ob_err *err);

/* Seals the text in field (cap bytes, room for SEALED_CAP of it) in place.
 * OB_EGONE "data_key_destroyed" when the seller has no key. */
enum ob_rc seal_field(struct store *st, const char *seller_id, char *field, size_t cap,
		      struct ob_err *err);

/* Opens a sealed field in place. Text without the "s1:" mark is left as it
 * is. OB_EGONE "data_key_destroyed" when the seller's key is gone,
 * OB_EINTERNAL "unsealable" when the value does not open. */
enum ob_rc seal_open_field(struct store *st, const char *seller_id, char *field, size_t cap,
			   struct ob_err *err);

/* Destroys the seller's data key (committed at once on SQLite) and forgets
 * the copy this connection holds. */
enum ob_rc seal_destroy_key(struct store *st, const char *seller_id, struct ob_err *err);

/* Forgets the data key this connection holds (at the end of each
 * transaction). */
void seal_forget(struct store *st);

/* Checks the master key against the keystore's check value, writing it
 * when the keystore has none. *fresh (may be NULL) is set when the
 * keystore had none. OB_EAUTH "wrong_master_key" on a mismatch. */
enum ob_rc seal_check_master(struct store *st, int *fresh, struct ob_err *err);

/* Whether the keystore has a check value yet (a master key was used). */
enum ob_rc seal_keystore_used(struct store *st, int *used, struct ob_err *err);

#endif
