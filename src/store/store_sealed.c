/* store_sealed.c: the store functions whose records hold personal data.
 * They seal those fields with the seller's data key on the way in and open
 * them on the way out (store/seal.h), for both backends alike; the
 * backends store and return the sealed text as it is. The fields are the
 * ones data_classes.c marks sealed. */
#include "store/store.h"

#include "core/keyring.h"
#include "store/seal.h"

#include <stdlib.h>
#include <string.h>

#define SEAL(st, seller, f, err) seal_field(st, seller, f, sizeof(f), err)
#define OPEN(st, seller, f, err) seal_open_field(st, seller, f, sizeof(f), err)

/* --- sellers --- */

static enum ob_rc seller_seal(struct store *st, struct seller *s, struct ob_err *err)
{
	enum ob_rc rc;

	if ((rc = SEAL(st, s->id, s->email, err)) != OB_OK ||
	    (rc = SEAL(st, s->id, s->display_name, err)) != OB_OK ||
	    (rc = SEAL(st, s->id, s->legal_name, err)) != OB_OK ||
	    (rc = SEAL(st, s->id, s->phone, err)) != OB_OK ||
	    (rc = SEAL(st, s->id, s->address, err)) != OB_OK ||
	    (rc = SEAL(st, s->id, s->tax_id, err)) != OB_OK ||
	    (rc = SEAL(st, s->id, s->bank_holder, err)) != OB_OK)
		return rc;
	return SEAL(st, s->id, s->bank_iban, err);
}

static enum ob_rc seller_open(struct store *st, struct seller *s, struct ob_err *err)
{
	enum ob_rc rc;

	if ((rc = OPEN(st, s->id, s->email, err)) != OB_OK ||
	    (rc = OPEN(st, s->id, s->display_name, err)) != OB_OK ||
	    (rc = OPEN(st, s->id, s->legal_name, err)) != OB_OK ||
	    (rc = OPEN(st, s->id, s->phone, err)) != OB_OK ||
	    (rc = OPEN(st, s->id, s->address, err)) != OB_OK ||
	    (rc = OPEN(st, s->id, s->tax_id, err)) != OB_OK ||
	    (rc = OPEN(st, s->id, s->bank_holder, err)) != OB_OK)
		return rc;
	return OPEN(st, s->id, s->bank_iban, err);
}

enum ob_rc store_seller_insert(struct store *st, const struct seller *s, struct ob_err *err)
{
	struct seller *c = malloc(sizeof(*c));
	enum ob_rc rc;

	if (c == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	*c = *s;
	if (!keyring_ready()) {
		free(c);
		return ob_fail(err, OB_EINTERNAL, "no_master_key", NULL, "no master key is loaded");
	}
	keyring_blind_index(s->email, c->email_index);
	if ((rc = seal_new_key(st, s->id, s->created_at, err)) == OB_OK &&
	    (rc = seller_seal(st, c, err)) == OB_OK)
		rc = st->ops->seller_insert(st, c, err);
	free(c);
	return rc;
}

enum ob_rc store_seller_get(struct store *st, const char *id, struct seller *out, struct ob_err *err)
{
	enum ob_rc rc = st->ops->seller_get(st, id, out, err);

	return rc == OB_OK ? seller_open(st, out, err) : rc;
}

/* Sign-in knows the address; the database knows only its blind index. */
enum ob_rc store_seller_get_by_email(struct store *st, const char *email, struct seller *out,
				     struct ob_err *err)
{
	char index[KEYRING_HEX_LEN + 1];
	enum ob_rc rc;

	if (!keyring_ready())
		return ob_fail(err, OB_EINTERNAL, "no_master_key", NULL, "no master key is loaded");
	keyring_blind_index(email, index);
	if ((rc = st->ops->seller_get_by_email(st, index, out, err)) != OB_OK)
		return rc;
	return seller_open(st, out, err);
}

/* --- orders: the buyer's name and address --- */

enum ob_rc store_order_insert(struct store *st, const struct order *o, struct ob_err *err)
{
	struct order c = *o;
	enum ob_rc rc;

	if ((rc = SEAL(st, c.seller_id, c.buyer_name, err)) != OB_OK ||
	    (rc = SEAL(st, c.seller_id, c.ship_address, err)) != OB_OK)
		return rc;
	return st->ops->order_insert(st, &c, err);
}

static enum ob_rc order_open(struct store *st, struct order *o, struct ob_err *err)
{
	enum ob_rc rc = OPEN(st, o->seller_id, o->buyer_name, err);

	return rc == OB_OK ? OPEN(st, o->seller_id, o->ship_address, err) : rc;
}

enum ob_rc store_order_get(struct store *st, const char *id, struct order *out, struct ob_err *err)
{
	enum ob_rc rc = st->ops->order_get(st, id, out, err);

	return rc == OB_OK ? order_open(st, out, err) : rc;
}

enum ob_rc store_orders_list(struct store *st, const struct page_query *q, struct order *out,
			     size_t *n, struct ob_err *err)
{
	enum ob_rc rc = st->ops->orders_list(st, q, out, n, err);

	for (size_t i = 0; rc == OB_OK && i < *n; i++)
		rc = order_open(st, &out[i], err);
	return rc;
}

/* --- payouts: where the money went --- */

enum ob_rc store_payout_insert(struct store *st, const struct payout *p, struct ob_err *err)
{
	struct payout c = *p;
	enum ob_rc rc = SEAL(st, c.seller_id, c.iban_masked, err);

	return rc == OB_OK ? st->ops->payout_insert(st, &c, err) : rc;
}

enum ob_rc store_payout_get(struct store *st, const char *id, struct payout *out, struct ob_err *err)
{
	enum ob_rc rc = st->ops->payout_get(st, id, out, err);

	return rc == OB_OK ? OPEN(st, out->seller_id, out->iban_masked, err) : rc;
}

enum ob_rc store_payouts_list(struct store *st, const struct page_query *q, struct payout *out,
			      size_t *n, struct ob_err *err)
{
	enum ob_rc rc = st->ops->payouts_list(st, q, out, n, err);

	for (size_t i = 0; rc == OB_OK && i < *n; i++)
		rc = OPEN(st, out[i].seller_id, out[i].iban_masked, err);
	return rc;
}

/* --- closures: the seller's own words --- */

enum ob_rc store_closure_insert(struct store *st, const struct closure *c, struct ob_err *err)
{
	struct closure s = *c;
	enum ob_rc rc = SEAL(st, s.seller_id, s.reason_text, err);

	return rc == OB_OK ? st->ops->closure_insert(st, &s, err) : rc;
}

enum ob_rc store_closure_update(struct store *st, const struct closure *c, struct ob_err *err)
{
	struct closure s = *c;
	enum ob_rc rc = SEAL(st, s.seller_id, s.reason_text, err);

	return rc == OB_OK ? st->ops->closure_update(st, &s, err) : rc;
}

static enum ob_rc closures_open(struct store *st, struct closure *c, size_t n, struct ob_err *err)
{
	enum ob_rc rc = OB_OK;

	for (size_t i = 0; rc == OB_OK && i < n; i++)
		rc = OPEN(st, c[i].seller_id, c[i].reason_text, err);
	return rc;
}

enum ob_rc store_closure_get(struct store *st, const char *id, struct closure *out, struct ob_err *err)
{
	enum ob_rc rc = st->ops->closure_get(st, id, out, err);

	return rc == OB_OK ? closures_open(st, out, 1, err) : rc;
}

enum ob_rc store_closure_by_token(struct store *st, const char *token_hash, struct closure *out,
				  struct ob_err *err)
{
	enum ob_rc rc = st->ops->closure_by_token(st, token_hash, out, err);

	return rc == OB_OK ? closures_open(st, out, 1, err) : rc;
}

enum ob_rc store_closure_current(struct store *st, const char *seller_id, struct closure *out,
				 struct ob_err *err)
{
	enum ob_rc rc = st->ops->closure_current(st, seller_id, out, err);

	return rc == OB_OK ? closures_open(st, out, 1, err) : rc;
}

enum ob_rc store_closures_list(struct store *st, int status, const char *reason, int64_t after_time,
			       const char *after_id, struct closure *out, size_t cap, size_t *n,
			       struct ob_err *err)
{
	enum ob_rc rc = st->ops->closures_list(st, status, reason, after_time, after_id, out, cap, n, err);

	return rc == OB_OK ? closures_open(st, out, *n, err) : rc;
}

enum ob_rc store_closures_of_seller(struct store *st, const char *seller_id, int64_t after_time,
				    const char *after_id, struct closure *out, size_t cap, size_t *n,
				    struct ob_err *err)
{
	enum ob_rc rc = st->ops->closures_of_seller(st, seller_id, after_time, after_id, out, cap, n, err);

	return rc == OB_OK ? closures_open(st, out, *n, err) : rc;
}

/* --- e-mails to a seller: address, subject and body --- */

static enum ob_rc email_open(struct store *st, struct email *e, struct ob_err *err)
{
	enum ob_rc rc;

	if (e->seller_id[0] == '\0')
		return OB_OK;
	if ((rc = OPEN(st, e->seller_id, e->to_address, err)) != OB_OK ||
	    (rc = OPEN(st, e->seller_id, e->subject, err)) != OB_OK)
		return rc;
	return OPEN(st, e->seller_id, e->body, err);
}

enum ob_rc store_email_insert(struct store *st, const struct email *e, struct ob_err *err)
{
	struct email *c;
	enum ob_rc rc = OB_OK;

	if (e->seller_id[0] == '\0')
		return st->ops->email_insert(st, e, err);
	if ((c = malloc(sizeof(*c))) == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	*c = *e;
	if ((rc = SEAL(st, c->seller_id, c->to_address, err)) == OB_OK &&
	    (rc = SEAL(st, c->seller_id, c->subject, err)) == OB_OK &&
	    (rc = SEAL(st, c->seller_id, c->body, err)) == OB_OK)
		rc = st->ops->email_insert(st, c, err);
	free(c);
	return rc;
}

enum ob_rc store_email_get(struct store *st, const char *id, struct email *out, struct ob_err *err)
{
	enum ob_rc rc = st->ops->email_get(st, id, out, err);

	return rc == OB_OK ? email_open(st, out, err) : rc;
}

enum ob_rc store_emails_list(struct store *st, const char *seller_id, int64_t after_time,
			     const char *after_id, struct email *out, size_t cap, size_t *n,
			     struct ob_err *err)
{
	enum ob_rc rc = st->ops->emails_list(st, seller_id, after_time, after_id, out, cap, n, err);

	for (size_t i = 0; rc == OB_OK && i < *n; i++)
		rc = email_open(st, &out[i], err);
	return rc;
}
