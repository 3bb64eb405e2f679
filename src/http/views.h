/* views.h: the JSON shape of each record, one function per record kind,
 * shared by the seller and operator handlers so a record always looks the
 * same. Each returns a new reference (NULL when out of memory). */
#ifndef OB_VIEWS_H
#define OB_VIEWS_H

#include "domain/ledger.h"
#include "domain/notify.h"
#include "http/json_out.h"
#include "store/store.h"

#include <jansson.h>

/* {"amount_minor": 12345, "currency": "USD", "decimal": "123.45"} */
json_t *view_money(int64_t amount, const char *currency);
/* The same money and a time (RFC 3339, null when 0, as req_time) as text
 * for json_out.h. */
void view_money_out(struct json_out *o, int64_t amount, const char *currency);
void view_time_out(struct json_out *o, int64_t t);
json_t *view_listing(const struct listing *l);
/* items may be NULL (lists leave them out) */
json_t *view_order(const struct order *o, const struct order_item *items, size_t nitems);
json_t *view_dispute(const struct dispute *d);
json_t *view_ledger(const struct ledger_txn *t);
json_t *view_payout(const struct payout *p);
json_t *view_inventory(const struct inventory *inv);
json_t *view_service(const struct service *sv);
json_t *view_balance(const struct balance_view *b);
/* A webhook subscription; the secret only when with_secret (at creation). */
json_t *view_webhook(const struct webhook *w, int with_secret);
json_t *view_delivery(const struct delivery_info *info);

#endif
