/* handlers.h: every route's handler, one file per area (h_*.c). Each reads
 * its input through req_decode() and answers through req_json(). */
#ifndef OB_HANDLERS_H
#define OB_HANDLERS_H

#include "http/request.h"

/* h_service.c */
enum ob_rc h_healthz(struct req *r, struct ob_err *err);
enum ob_rc h_metrics(struct req *r, struct ob_err *err);

/* h_session.c */
enum ob_rc h_session_create(struct req *r, struct ob_err *err);
enum ob_rc h_session_delete(struct req *r, struct ob_err *err);

/* h_account.c */
enum ob_rc h_account_get(struct req *r, struct ob_err *err);
enum ob_rc h_totp_enrol(struct req *r, struct ob_err *err);
enum ob_rc h_totp_verify(struct req *r, struct ob_err *err);

/* h_ops_accounts.c */
enum ob_rc h_ops_marketplace_create(struct req *r, struct ob_err *err);
enum ob_rc h_ops_seller_create(struct req *r, struct ob_err *err);

/* h_ops_facts.c */
enum ob_rc h_ops_listing_create(struct req *r, struct ob_err *err);
enum ob_rc h_ops_listing_update(struct req *r, struct ob_err *err);
enum ob_rc h_ops_order_create(struct req *r, struct ob_err *err);
enum ob_rc h_ops_order_update(struct req *r, struct ob_err *err);
enum ob_rc h_ops_dispute_create(struct req *r, struct ob_err *err);
enum ob_rc h_ops_dispute_update(struct req *r, struct ob_err *err);
enum ob_rc h_ops_ledger_create(struct req *r, struct ob_err *err);
enum ob_rc h_ops_ledger_reverse(struct req *r, struct ob_err *err);
enum ob_rc h_ops_payout_update(struct req *r, struct ob_err *err);
enum ob_rc h_ops_inventory_set(struct req *r, struct ob_err *err);
enum ob_rc h_ops_service_create(struct req *r, struct ob_err *err);

/* h_closure.c */
enum ob_rc h_closure_get(struct req *r, struct ob_err *err);
enum ob_rc h_closure_request(struct req *r, struct ob_err *err);
enum ob_rc h_closure_confirm(struct req *r, struct ob_err *err);
enum ob_rc h_closure_cancel(struct req *r, struct ob_err *err);
enum ob_rc h_pause(struct req *r, struct ob_err *err);
enum ob_rc h_resume(struct req *r, struct ob_err *err);
enum ob_rc h_verify(struct req *r, struct ob_err *err);
enum ob_rc h_ops_closures(struct req *r, struct ob_err *err);

/* h_ops_holds.c */
enum ob_rc h_ops_hold_create(struct req *r, struct ob_err *err);
enum ob_rc h_ops_holds_list(struct req *r, struct ob_err *err);
enum ob_rc h_ops_hold_get(struct req *r, struct ob_err *err);
enum ob_rc h_ops_erasure_get(struct req *r, struct ob_err *err);
enum ob_rc h_ops_seller_erasure(struct req *r, struct ob_err *err);
enum ob_rc h_ops_hold_release(struct req *r, struct ob_err *err);

/* h_ops_webhooks.c */
enum ob_rc h_ops_webhook_create(struct req *r, struct ob_err *err);
enum ob_rc h_ops_webhooks_list(struct req *r, struct ob_err *err);
enum ob_rc h_ops_deliveries_list(struct req *r, struct ob_err *err);
enum ob_rc h_ops_delivery_retry(struct req *r, struct ob_err *err);

/* h_exports.c */
enum ob_rc h_export_create(struct req *r, struct ob_err *err);
enum ob_rc h_export_get(struct req *r, struct ob_err *err);
enum ob_rc h_export_delete(struct req *r, struct ob_err *err);
enum ob_rc h_export_download(struct req *r, struct ob_err *err);

/* h_funds.c */
enum ob_rc h_payout_create(struct req *r, struct ob_err *err);
enum ob_rc h_statement(struct req *r, struct ob_err *err);

/* h_static.c: the pages of the web folder under / (the router's fallback) */
/* 1 when a request the route table did not match goes to h_static: GET or
 * HEAD, outside /api/. */
int h_static_serves(const char *method, const char *path);
enum ob_rc h_static(struct req *r, struct ob_err *err);

/* h_records.c */
enum ob_rc h_orders_list(struct req *r, struct ob_err *err);
enum ob_rc h_order_get(struct req *r, struct ob_err *err);
enum ob_rc h_disputes_list(struct req *r, struct ob_err *err);
enum ob_rc h_ledger_list(struct req *r, struct ob_err *err);
enum ob_rc h_payouts_list(struct req *r, struct ob_err *err);
enum ob_rc h_listings_list(struct req *r, struct ob_err *err);
enum ob_rc h_inventory_list(struct req *r, struct ob_err *err);
enum ob_rc h_services_list(struct req *r, struct ob_err *err);
enum ob_rc h_balance_get(struct req *r, struct ob_err *err);

#endif
