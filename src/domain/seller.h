/* seller.h: seller accounts, as the marketplace creates them. */
#ifndef OB_SELLER_H
#define OB_SELLER_H

#include "store/store.h"

#define SELLER_PASSWORD_MIN 8
#define SELLER_PASSWORD_MAX 1024

/* What the operator sends; every string borrowed, NULL when absent. */
struct seller_input {
	const char *id;            /* the operator's id, or NULL for a new one */
	const char *email;
	const char *password;
	const char *display_name;
	const char *marketplace;
	const char *legal_name;
	const char *phone;
	const char *address;
	const char *tax_id;
	const char *bank_holder;
	const char *bank_iban;
};

/* Validates in, hashes the password (Argon2id) and stores an active seller
 * into *out. OB_EINVAL naming the field; OB_ECONFLICT "email_taken" or
 * "duplicate_id";
 * OB_EINVAL "unknown_marketplace". */
enum ob_rc seller_create(struct store *st, const struct seller_input *in,
			 struct seller *out, struct ob_err *err);

/* Finds the seller a record of the operator's belongs to, and checks that
 * currency (unless NULL) is the seller's marketplace currency. OB_EINVAL
 * "unknown_seller" (field seller_id) or "currency_mismatch" (field
 * currency); store failures as they come. *out may be NULL. */
enum ob_rc seller_for_record(struct store *st, const char *seller_id, const char *currency,
			     struct seller *out, struct ob_err *err);

/* seller_for_record() that also gives the seller's marketplace (m, never NULL). */
enum ob_rc seller_for_record_in(struct store *st, const char *seller_id, const char *currency,
				struct seller *out, struct marketplace *m, struct ob_err *err);

/* Writes the IBAN as shown to people, all but the last four characters
 * hidden ("DE** **** **** **** **30 00"), into out (48 bytes); empty when
 * there is none. */
void seller_iban_masked(const struct seller *s, char *out, size_t cap);

#endif
