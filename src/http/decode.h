/* decode.h: the JSON form of each record the marketplace sends, decoded
 * into the domain's input structs. One table per record kind, shared by the
 * operator API (h_ops_*.c) and `offboard import`, so a record reads the
 * same whichever way it arrives. Strings in the inputs are borrowed from
 * the json_t. Errors as json_edge_decode(). */
#ifndef OB_DECODE_H
#define OB_DECODE_H

#include "domain/dispute.h"
#include "domain/inventory.h"
#include "domain/ledger.h"
#include "domain/listing.h"
#include "domain/marketplace.h"
#include "domain/order.h"
#include "domain/payout.h"
#include "domain/seller.h"
#include "domain/service.h"

#include <jansson.h>

/* A payout from history: the request and where it ended. */
struct payout_record {
	struct payout_input in;
	const char *status;          /* NULL: requested */
	const char *failure_reason;
};

enum ob_rc decode_marketplace(const json_t *o, struct marketplace_input *in, struct ob_err *err);
enum ob_rc decode_seller(const json_t *o, struct seller_input *in, struct ob_err *err);
enum ob_rc decode_listing(const json_t *o, struct listing_input *in, struct ob_err *err);
enum ob_rc decode_order(const json_t *o, struct order_input *in, struct ob_err *err);
enum ob_rc decode_dispute(const json_t *o, struct dispute_input *in, struct ob_err *err);
enum ob_rc decode_ledger(const json_t *o, struct ledger_input *in, struct ob_err *err);
enum ob_rc decode_payout(const json_t *o, struct payout_record *in, struct ob_err *err);
enum ob_rc decode_inventory(const json_t *o, struct inventory_input *in, struct ob_err *err);
enum ob_rc decode_service(const json_t *o, struct service_input *in, struct ob_err *err);

#endif
