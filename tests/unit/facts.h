/* facts.h: a marketplace and sellers for the tests of marketplace facts. */
#ifndef OB_TEST_FACTS_H
#define OB_TEST_FACTS_H

#include "testdb.h"

#include "domain/marketplace.h"
#include "domain/seller.h"

/* Creates marketplace "us" (USD) and a seller with a bank account; the
 * seller's id goes to seller_id (ID_MAX). */
static inline void facts_seller(struct store *st, const char *email, char *seller_id)
{
	static const struct marketplace_input mi = { .id = "us", .name = "US", .currency = "USD" };
	struct marketplace m;
	struct seller s;
	struct ob_err err;
	struct seller_input si = { .email = email, .password = "correct horse", .display_name = "Shop",
				   .marketplace = "us", .bank_holder = "Ann",
				   .bank_iban = "DE89370400440532013000" };

	marketplace_create(st, &mi, &m, &err);   /* the first call makes it */
	if (seller_create(st, &si, &s, &err) != OB_OK) {
		fprintf(stderr, "facts: %s\n", err.message);
		abort();
	}
	snprintf(seller_id, ID_MAX, "%s", s.id);
}

#endif
