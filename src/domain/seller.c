#include "domain/seller.h"

#include "core/clock.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

enum ob_rc seller_create(struct store *st, const struct seller_input *in,
			 struct seller *out, struct ob_err *err)
{
	struct marketplace m;
	enum ob_rc rc;
	size_t pwlen = in->password ? strlen(in->password) : 0;

	memset(out, 0, sizeof(*out));
	if ((rc = text_record_id(out->id, in->id, "sel", err)) != OB_OK ||
	    (rc = text_email(out->email, SELLER_EMAIL_MAX + 1, in->email, "email", err)) != OB_OK ||
	    (rc = text_copy(out->display_name, SELLER_NAME_MAX + 1, in->display_name, 1,
			    "display_name", err)) != OB_OK ||
	    (rc = text_copy(out->legal_name, SELLER_NAME_MAX + 1, in->legal_name, 0,
			    "legal_name", err)) != OB_OK ||
	    (rc = text_copy(out->phone, SELLER_PHONE_MAX + 1, in->phone, 0, "phone", err)) != OB_OK ||
	    (rc = text_copy_lines(out->address, SELLER_ADDRESS_MAX + 1, in->address, 0, "address", err)) != OB_OK ||
	    (rc = text_copy(out->tax_id, SELLER_TAX_ID_MAX + 1, in->tax_id, 0, "tax_id", err)) != OB_OK)
		return rc;
	if (pwlen < SELLER_PASSWORD_MIN || pwlen > SELLER_PASSWORD_MAX)
		return ob_fail(err, OB_EINVAL, "weak_password", "password",
			       "password must be %d to %d bytes long", SELLER_PASSWORD_MIN,
			       SELLER_PASSWORD_MAX);
	if (in->bank_iban || in->bank_holder) {
		if ((rc = text_copy(out->bank_holder, SELLER_NAME_MAX + 1, in->bank_holder, 1,
				    "bank_account.holder", err)) != OB_OK)
			return rc;
		if (in->bank_iban == NULL)
			return ob_fail(err, OB_EINVAL, "missing_field", "bank_account.iban",
				       "bank_account.iban is required");
		if ((rc = text_iban(out->bank_iban, SELLER_IBAN_MAX + 1, in->bank_iban,
				    "bank_account.iban", err)) != OB_OK)
			return rc;
	}
	if (in->marketplace == NULL || !id_valid(in->marketplace))
		return ob_fail(err, OB_EINVAL, "unknown_marketplace", "marketplace",
			       "marketplace must name an existing marketplace");

	/* Hash before this function's transaction: Argon2id takes tens of
	 * milliseconds. (Behind the operator API the dispatcher's transaction,
	 * which also holds the audit record, is already open: creating sellers
	 * is rare enough that its write lock may wait that long.) */
	if (crypto_password_hash(in->password, out->password_hash) < 0)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "cannot hash password: out of memory");
	out->status = SELLER_ACTIVE;
	out->created_at = out->updated_at = clock_now();

	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	rc = store_marketplace_get(st, in->marketplace, &m, err);
	if (rc == OB_ENOTFOUND) {
		rc = ob_fail(err, OB_EINVAL, "unknown_marketplace", "marketplace",
			     "marketplace must name an existing marketplace");
		goto fail;
	}
	if (rc != OB_OK)
		goto fail;
	snprintf(out->marketplace_id, sizeof(out->marketplace_id), "%s", m.id);
	if (in->id) {
		struct seller prev;
		rc = store_seller_get(st, out->id, &prev, err);
		crypto_wipe(&prev, sizeof(prev));
		if (rc == OB_OK) {
			rc = ob_fail(err, OB_ECONFLICT, "duplicate_id", "id", "a seller with this id exists");
			goto fail;
		}
		if (rc != OB_ENOTFOUND)
			goto fail;
	}
	rc = store_seller_insert(st, out, err);
	if (rc == OB_ECONFLICT)
		rc = ob_fail(err, OB_ECONFLICT, "email_taken", "email",
			     "a seller with this e-mail address already exists");
	if (rc != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

enum ob_rc seller_for_record_in(struct store *st, const char *seller_id, const char *currency,
				struct seller *out, struct marketplace *m, struct ob_err *err)
{
	struct seller s;
	enum ob_rc rc;

	if (seller_id == NULL || !id_valid(seller_id))
		return ob_fail(err, OB_EINVAL, "unknown_seller", "seller_id", "no seller has this id");
	rc = store_seller_get(st, seller_id, &s, err);
	if (rc == OB_ENOTFOUND || (rc == OB_OK && s.status == SELLER_PURGED))
		return ob_fail(err, OB_EINVAL, "unknown_seller", "seller_id", "no seller has this id");
	if (rc != OB_OK)
		return rc;
	if ((rc = store_marketplace_get(st, s.marketplace_id, m, err)) != OB_OK)
		goto out;
	if (currency && strcmp(m->currency, currency) != 0) {
		rc = ob_fail(err, OB_EINVAL, "currency_mismatch", "currency",
			     "the seller's marketplace trades in %s, not %.3s", m->currency, currency);
		goto out;
	}
	if (out)
		*out = s;
out:
	crypto_wipe(&s, sizeof(s));
	return rc;
}

enum ob_rc seller_for_record(struct store *st, const char *seller_id, const char *currency,
			     struct seller *out, struct ob_err *err)
{
	struct marketplace m;

	return seller_for_record_in(st, seller_id, currency, out, &m, err);
}

void seller_iban_masked(const struct seller *s, char *out, size_t cap)
{
	size_t n = strlen(s->bank_iban), o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = (i < 2 || i + 4 >= n) ? s->bank_iban[i] : '*';
	}
	out[o] = '\0';
}
