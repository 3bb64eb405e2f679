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

#endif
