/* store.h: the one storage interface of offboard.
 *
 * A struct store is one database connection. It is not thread-safe: each
 * thread opens its own. Backends (sqlite/, pg/) implement struct
 * store_ops; nothing above this header knows which one runs.
 *
 * Records are plain structs with bounded, NUL-terminated strings, copied in
 * and out, so no pointer into the backend outlives a call. Times are unix
 * seconds (UTC).
 *
 * Transactions nest: store_begin() at depth 0 starts one (a write
 * transaction takes the write lock at once, so two writers never deadlock),
 * deeper calls open a savepoint. store_commit() at depth 1 commits, deeper
 * it releases the savepoint; store_rollback() undoes its own level only, so
 * a failed step inside a larger transaction (one bad line of an import)
 * leaves the rest intact. Every function returns OB_OK or fills err: OB_ENOTFOUND for a
 * missing row, OB_ECONFLICT for a unique key taken, OB_EBUSY when the
 * database stayed locked past its timeout, OB_EDB otherwise. */
#ifndef OB_STORE_H
#define OB_STORE_H

#include "core/err.h"
#include "core/crypto.h"
#include "core/id.h"

#include <stdint.h>

/* Personal data is stored sealed with its seller's data key (store/seal.h):
 * a field that holds it has room for the sealed form, SEALED_CAP(n) bytes
 * for n bytes of text, while the text itself may be at most the _MAX
 * beside it (validation uses that). Records in and out of the store
 * functions hold the text; the sealing happens inside (store.c). */
#define SEALED_CAP(n) (3 + (((n) + 40 + 2) / 3) * 4 + 1)

#define SELLER_EMAIL_MAX 254
#define SELLER_NAME_MAX 200      /* display_name, legal_name, bank_holder */
#define SELLER_PHONE_MAX 40
#define SELLER_ADDRESS_MAX 500
#define SELLER_TAX_ID_MAX 40
#define SELLER_IBAN_MAX 34
#define ORDER_BUYER_NAME_MAX 200
#define ORDER_ADDRESS_MAX 500
#define PAYOUT_IBAN_MASKED_MAX 47
#define CLOSURE_REASON_TEXT_MAX 1000

struct marketplace {
	char id[ID_MAX];
	char name[201];
	char currency[4];        /* ISO 4217 */
	char policy[65];         /* policy name; "default" */
	int64_t created_at;
};

enum seller_status {
	SELLER_ACTIVE,
	SELLER_CLOSURE_REQUESTED,
	SELLER_CLOSING,
	SELLER_CLOSED,
	SELLER_PURGED,
};

struct seller {
	char id[ID_MAX];
	char marketplace_id[ID_MAX];
	char email[SEALED_CAP(SELLER_EMAIL_MAX)];          /* lower case */
	char email_index[CRYPTO_HASH_HEX_LEN + 1];         /* its blind index, set by the store */
	char password_hash[CRYPTO_PWHASH_LEN];
	char display_name[SEALED_CAP(SELLER_NAME_MAX)];
	char legal_name[SEALED_CAP(SELLER_NAME_MAX)];
	char phone[SEALED_CAP(SELLER_PHONE_MAX)];
	char address[SEALED_CAP(SELLER_ADDRESS_MAX)];
	char tax_id[SEALED_CAP(SELLER_TAX_ID_MAX)];
	char bank_holder[SEALED_CAP(SELLER_NAME_MAX)];
	char bank_iban[SEALED_CAP(SELLER_IBAN_MAX)];      /* without spaces, upper case */
	enum seller_status status;
	char totp_secret[65];    /* base32; empty when not enrolled */
	char totp_pending[65];   /* base32; enrolment not yet verified */
	int64_t totp_last_step;  /* last accepted time step; no code replays */
	int64_t created_at;
	int64_t updated_at;
};

/* What a seller's pages need of the seller without personal data: nothing
 * in it is sealed, so reading it opens nothing (the closure checklist). */
struct seller_state {
	char marketplace_id[ID_MAX];
	enum seller_status status;
};

enum session_scope { SESSION_SELLER, SESSION_HISTORY };

struct session {
	char token_hash[CRYPTO_HASH_HEX_LEN + 1];
	char csrf_hash[CRYPTO_HASH_HEX_LEN + 1];
	char seller_id[ID_MAX];
	enum session_scope scope;
	int64_t created_at;
	int64_t last_seen_at;
	int64_t expires_at;      /* absolute end */
	int64_t password_at;     /* last successful password check */
	int64_t totp_at;         /* last successful TOTP check; 0 none */
};

/* Failed sign-ins of one key ("acct:<blind index of the e-mail>" or
 * "addr:<blind index of the IP address>"). */
struct throttle {
	char key[300];
	int failures;
	int64_t last_failure_at;
	int64_t locked_until;
};

struct ops_key {
	char id[ID_MAX];
	char name[101];
	char key_hash[CRYPTO_HASH_HEX_LEN + 1];
	int64_t created_at;
	int64_t revoked_at;      /* 0 while valid */
};

/* The stored first answer to a request with an Idempotency-Key. */
struct idempotency {
	char scope[ID_MAX];      /* the seller or operator key that sent it */
	char key[256];
	char request_hash[CRYPTO_HASH_HEX_LEN + 1];
	int status;
	char *body;              /* owned: free() it; NULL when out of a call */
	int64_t created_at;
};

/* --- marketplace facts --- */

/* Names of enum values as stored and shown; each array is indexed by its
 * enum and ends with NULL. store_enum_parse() answers -1 for unknown text. */
extern const char *const listing_status_names[];
extern const char *const order_status_names[];
extern const char *const dispute_kind_names[];
extern const char *const dispute_status_names[];
extern const char *const payout_status_names[];
extern const char *const service_kind_names[];
int store_enum_parse(const char *const *names, const char *s);

enum listing_status { LISTING_ACTIVE, LISTING_INACTIVE };

struct listing {
	char id[ID_MAX];
	char seller_id[ID_MAX];
	char sku[101];
	char title[501];
	int64_t price_minor;
	char currency[4];
	enum listing_status status;
	int64_t created_at;
	int64_t updated_at;
};

enum order_status {
	ORDER_PENDING, ORDER_UNSHIPPED, ORDER_SHIPPED, ORDER_DELIVERED,
	ORDER_CANCELLED, ORDER_REFUNDED, ORDER_RETURNED,
};

struct order {
	char id[ID_MAX];
	char seller_id[ID_MAX];
	enum order_status status;
	int64_t total_minor;
	char currency[4];
	char buyer_name[SEALED_CAP(ORDER_BUYER_NAME_MAX)];
	char ship_address[SEALED_CAP(ORDER_ADDRESS_MAX)];
	int64_t placed_at;
	int64_t delivered_at;           /* 0 until delivered */
	int64_t return_window_ends_at;  /* 0 until delivered */
	int64_t created_at;
	int64_t updated_at;
};

struct order_item {
	char order_id[ID_MAX];
	int line;                        /* 1, 2, ... within the order */
	char sku[101];
	char title[501];
	int64_t quantity;
	int64_t unit_price_minor;
};

enum dispute_kind { DISPUTE_A_TO_Z, DISPUTE_CHARGEBACK, DISPUTE_RETURN_REQUEST, DISPUTE_OTHER };
enum dispute_status { DISPUTE_OPEN, DISPUTE_CLOSED };

struct dispute {
	char id[ID_MAX];
	char seller_id[ID_MAX];
	char order_id[ID_MAX];          /* empty when not about one order */
	enum dispute_kind kind;
	enum dispute_status status;
	int64_t amount_minor;
	char currency[4];
	int64_t opened_at;
	int64_t closed_at;              /* 0 while open */
};

/* One balanced ledger transaction, as the seller sees it: the type, the
 * amount it was about and its postings (each to an account of the seller's
 * sub-ledger; they sum to zero). */
#define LEDGER_MAX_POSTINGS 4

struct posting {
	char account[24];
	int64_t amount_minor;
};

struct ledger_txn {
	char id[ID_MAX];
	char seller_id[ID_MAX];
	char type[24];
	int64_t amount_minor;
	char currency[4];
	char order_id[ID_MAX];
	char payout_id[ID_MAX];
	char memo[201];
	char reverses_id[ID_MAX];       /* the transaction this one reverses, or empty */
	int64_t created_at;
	struct posting postings[LEDGER_MAX_POSTINGS];
	int npostings;
};

/* The maintained balance of one account of a seller. */
struct balance {
	char seller_id[ID_MAX];
	char account[24];
	char currency[4];
	int64_t amount_minor;
};

enum payout_status { PAYOUT_REQUESTED, PAYOUT_SENT, PAYOUT_SETTLED, PAYOUT_FAILED };

struct payout {
	char id[ID_MAX];
	char seller_id[ID_MAX];
	int64_t amount_minor;
	char currency[4];
	enum payout_status status;
	char iban_masked[SEALED_CAP(PAYOUT_IBAN_MASKED_MAX)];  /* where it went, as shown */
	char failure_reason[201];
	int64_t requested_at;
	int64_t updated_at;
};

struct inventory {
	char seller_id[ID_MAX];
	char sku[101];
	int64_t units;
	int64_t updated_at;
};

enum service_kind { SERVICE_SELLING_PLAN, SERVICE_ADVERTISING, SERVICE_FULFILMENT };

struct service {
	char id[ID_MAX];
	char seller_id[ID_MAX];
	enum service_kind kind;
	int64_t monthly_fee_minor;
	char currency[4];
	int active;
	int64_t started_at;
	int64_t ended_at;               /* 0 while active */
};

/* One page of a seller's records, newest first, by keyset: rows strictly
 * older than (after_time, after_id) when after_id is set. */
struct page_query {
	const char *seller_id;
	int status;                     /* enum value, or -1 for any */
	int64_t from, to;               /* time range [from, to); 0: open */
	int64_t after_time;
	const char *after_id;           /* NULL: the first page */
	size_t limit;                   /* rows wanted; out has room for them */
};

/* --- closures and pauses (migration 3) --- */

extern const char *const closure_status_names[];

enum closure_method { CLOSURE_METHOD_CLOSE, CLOSURE_METHOD_PAUSE };

enum closure_status {
	CLOSURE_REQUESTED,   /* waiting for the e-mailed confirmation */
	CLOSURE_CLOSING,     /* confirmed: the grace period runs */
	CLOSURE_CLOSED,
	CLOSURE_CANCELLED,
	CLOSURE_EXPIRED,     /* never confirmed */
	CLOSURE_PAUSED,      /* vacation mode */
	CLOSURE_RESUMED,
};

/* One attempt to close (or pause) an account, with every date that follows
 * it, fixed when it is confirmed. */
struct closure {
	char id[ID_MAX];
	char seller_id[ID_MAX];
	enum closure_method method;
	enum closure_status status;
	char reason[32];
	char reason_text[SEALED_CAP(CLOSURE_REASON_TEXT_MAX)];
	char token_hash[CRYPTO_HASH_HEX_LEN + 1];  /* of the confirmation link; empty once used */
	int64_t token_expires_at;
	int64_t requested_at;
	int64_t confirmed_at;
	int64_t ended_at;              /* cancelled, expired or resumed; for a closed
					* closure, when its reserve was released */
	int64_t closes_at;             /* end of the grace period */
	int64_t closed_at;
	int64_t reserve_release_at;
	int64_t history_ends_at;
	int64_t erase_at;
	char policy[65];
};

/* What stands in the way of a closure, counted by indexes (never a scan). */
struct readiness_counts {
	int64_t open_orders;
	int64_t open_disputes;
	int64_t open_disputes_minor;
	int64_t payouts_in_flight;
	int64_t payouts_in_flight_minor;
	int64_t fulfilment_units;
	int64_t fulfilment_skus;
	int64_t return_window_orders;
	int64_t return_window_ends_at;   /* the latest end among them */
	int64_t active_listings;
	int64_t active_services;
	int64_t active_services_minor;   /* their monthly fees */
};

/* --- the job queue (migration 3) --- */

enum job_status { JOB_PENDING, JOB_RUNNING, JOB_DONE, JOB_DEAD };

struct job {
	int64_t id;
	char kind[32];
	char key[128];                 /* unique when set: one job per key */
	char payload[256];             /* the job's argument, usually an id */
	int64_t run_at;
	enum job_status status;
	int attempts;
	char lease_owner[64];
	int64_t lease_until;
	char last_error[256];
	int64_t created_at;
	int64_t updated_at;
};

/* --- the audit log (migration 4) --- */

#define AUDIT_HASH_LEN 64            /* hex SHA-256 */

/* One record of the append-only audit log, a hash chain: seq counts from 1
 * without gaps, prev_hash is the previous record's hash (64 zeros for the
 * first) and hash covers every other field (domain/audit.h). */
struct audit_record {
	int64_t seq;
	int64_t at;
	char actor[64];                  /* "seller:<id>", "ops:<key id>", "cli", "anonymous" */
	char seller_id[ID_MAX];          /* the seller it concerns, or empty */
	char action[48];                 /* "session.sign_in", "ops.write", ... */
	char detail[1024];               /* a JSON object: ids and codes, no personal data */
	char prev_hash[AUDIT_HASH_LEN + 1];
	char hash[AUDIT_HASH_LEN + 1];
};

/* --- notifications (migration 5) --- */

/* Bounds of the outboxes' texts, in bytes without the NUL. */
#define EMAIL_SUBJECT_MAX 255
#define EMAIL_BODY_MAX 16383
#define WEBHOOK_URL_MAX 1024
#define WEBHOOK_SECRET_MAX 128
#define WEBHOOK_BODY_MAX 4095

extern const char *const email_status_names[];
extern const char *const delivery_status_names[];

enum email_status { EMAIL_PENDING, EMAIL_SENT, EMAIL_DEAD };

/* One message of the e-mail outbox, addressed when it was queued. */
struct email {
	char id[ID_MAX];
	char seller_id[ID_MAX];
	char to_address[SEALED_CAP(SELLER_EMAIL_MAX)];
	char subject[SEALED_CAP(EMAIL_SUBJECT_MAX)];   /* UTF-8, one line */
	char body[SEALED_CAP(EMAIL_BODY_MAX)];         /* UTF-8 plain text, lines end in \n */
	enum email_status status;
	int attempts;                          /* of the runs that ended it (sent or dead) */
	char last_error[256];
	int64_t created_at;
	int64_t sent_at;                       /* 0 until sent */
};

/* A subscription of the marketplace to webhook events. */
struct webhook {
	char id[ID_MAX];
	char url[WEBHOOK_URL_MAX + 1];         /* http:// or https:// */
	char secret[WEBHOOK_SECRET_MAX + 1];   /* the HMAC key, as given or generated */
	char events[256];                      /* comma-separated event names, or "*" */
	int active;
	int64_t created_at;
};

enum delivery_status { DELIVERY_PENDING, DELIVERY_DELIVERED, DELIVERY_DEAD };

/* One event on its way to one subscription: the body is fixed when the
 * event happens, so every attempt sends the same bytes. */
struct webhook_delivery {
	char id[ID_MAX];
	char webhook_id[ID_MAX];
	char event[48];
	char body[WEBHOOK_BODY_MAX + 1];       /* the JSON text sent */
	enum delivery_status status;
	int attempts;                          /* of the runs that ended (delivered or dead) */
	int last_status;                       /* HTTP status of the last answer; 0 none */
	char last_error[256];
	int64_t created_at;
	int64_t delivered_at;                  /* 0 until delivered */
};

/* --- exports (migration 8) --- */

extern const char *const export_status_names[];

enum export_status {
	EXPORT_PENDING,      /* waiting for its job */
	EXPORT_RUNNING,      /* being built (or to be built again after a crash) */
	EXPORT_READY,        /* the ZIP can be downloaded until expires_at */
	EXPORT_FAILED,       /* gave up after its attempts; a new one may start */
	EXPORT_EXPIRED,      /* its file was deleted at expires_at */
	EXPORT_DELETED,      /* its file was deleted on request */
};

/* A seller's data export (domain/export.h): one ZIP built by a job. At
 * most one export of a seller is pending or running at a time (the
 * database refuses a second). */
struct export {
	char id[ID_MAX];
	char seller_id[ID_MAX];
	enum export_status status;
	char requested_by[64];           /* the actor: "seller:<id>" */
	int64_t done;                    /* rows written so far */
	int64_t total;                   /* rows to write, counted at the start */
	int attempts;                    /* builds started */
	int64_t size_bytes;              /* of the finished ZIP */
	char error[256];                 /* why it failed, for people */
	int64_t created_at;
	int64_t started_at;              /* the latest build's start; 0 before */
	int64_t updated_at;
	int64_t completed_at;            /* 0 until ready */
	int64_t expires_at;              /* 0 until ready */
	int64_t deleted_at;              /* when its file went; 0 while it exists */
};

/* Rows of a seller's records, for an export's progress. */
struct export_counts {
	int64_t listings, orders, order_items, disputes, ledger, payouts, closures, audit;
};

/* One line of an order as an export lists it: with its order's currency
 * and placing time (the keyset). */
struct order_item_row {
	struct order_item item;
	char currency[4];
	int64_t placed_at;
};

/* --- legal holds (migration 9) --- */

/* An operator's order to keep a seller's data: while it is in force
 * (released_at 0 and until in the future) the seller is not purged. */
struct legal_hold {
	char id[ID_MAX];
	char seller_id[ID_MAX];
	char reason[501];                /* why, for the operator; never shown to the seller */
	int64_t until;                   /* the hold ends then unless released before */
	char created_by[64];             /* the actor: "ops:<key id>", "cli" */
	int64_t created_at;
	int64_t released_at;             /* 0 until released */
	char released_by[64];
};

/* --- erasure (migration 9) --- */

extern const char *const erasure_status_names[];

enum erasure_status { ERASURE_RUNNING, ERASURE_PURGED, ERASURE_RETENTION_ENDED };

#define CERTIFICATE_MAX 16383

/* The purge of one seller (domain/purge.h): where it is, so that it
 * resumes after a crash, and its certificate once done. */
struct erasure {
	char id[ID_MAX];                 /* the certificate's id */
	char seller_id[ID_MAX];          /* while it runs; empty once purged */
	char subject_sha256[CRYPTO_HASH_HEX_LEN + 1];  /* of the seller id */
	char pseudonym[ID_MAX];          /* the owner of the records kept */
	char marketplace_id[ID_MAX];
	enum erasure_status status;
	int step;                        /* the data_tables entry it is at */
	int64_t started_at;
	int64_t key_destroyed_at;
	int64_t purged_at;
	int64_t retention_ends_at;
	char certificate[CERTIFICATE_MAX + 1];
};

/* What the purge did to one table. */
struct erasure_count {
	char table[40];
	int64_t erased, pseudonymised, retained;
};

/* The statements of a purge (store/purge_sql.h). */
enum purge_sql_kind { PURGE_SQL_DELETE, PURGE_SQL_PSEUDONYMISE, PURGE_SQL_COUNT, PURGE_SQL_IDS };

struct store;

struct store_ops {
	const char *name;
	void (*close)(struct store *st);
	enum ob_rc (*migrate)(struct store *st, int *applied, struct ob_err *err);
	enum ob_rc (*ping)(struct store *st, struct ob_err *err);
	enum ob_rc (*begin)(struct store *st, int write, struct ob_err *err);
	/* Runs a statement without parameters (savepoints). */
	enum ob_rc (*exec)(struct store *st, const char *sql, struct ob_err *err);
	enum ob_rc (*commit)(struct store *st, struct ob_err *err);
	void (*rollback)(struct store *st);

	enum ob_rc (*marketplace_insert)(struct store *st, const struct marketplace *m, struct ob_err *err);
	enum ob_rc (*marketplace_get)(struct store *st, const char *id, struct marketplace *out, struct ob_err *err);

	enum ob_rc (*seller_insert)(struct store *st, const struct seller *s, struct ob_err *err);
	enum ob_rc (*seller_get)(struct store *st, const char *id, struct seller *out, struct ob_err *err);
	enum ob_rc (*seller_state)(struct store *st, const char *id, struct seller_state *out, struct ob_err *err);
	enum ob_rc (*seller_get_by_email)(struct store *st, const char *email, struct seller *out, struct ob_err *err);
	enum ob_rc (*seller_set_totp)(struct store *st, const struct seller *s, struct ob_err *err);

	enum ob_rc (*seller_set_status)(struct store *st, const char *id, enum seller_status status, int64_t now, struct ob_err *err);

	enum ob_rc (*listing_insert)(struct store *st, const struct listing *l, struct ob_err *err);
	enum ob_rc (*listing_get)(struct store *st, const char *id, struct listing *out, struct ob_err *err);
	enum ob_rc (*listing_set_status)(struct store *st, const char *id, enum listing_status status, int64_t now, struct ob_err *err);
	enum ob_rc (*listings_list)(struct store *st, const struct page_query *q, struct listing *out, size_t *n, struct ob_err *err);

	enum ob_rc (*order_insert)(struct store *st, const struct order *o, struct ob_err *err);
	enum ob_rc (*order_item_insert)(struct store *st, const struct order_item *it, struct ob_err *err);
	enum ob_rc (*order_get)(struct store *st, const char *id, struct order *out, struct ob_err *err);
	enum ob_rc (*order_update)(struct store *st, const struct order *o, struct ob_err *err);
	enum ob_rc (*order_items)(struct store *st, const char *order_id, struct order_item *out, size_t cap, size_t *n, struct ob_err *err);
	enum ob_rc (*orders_list)(struct store *st, const struct page_query *q, struct order *out, size_t *n, struct ob_err *err);

	enum ob_rc (*dispute_insert)(struct store *st, const struct dispute *d, struct ob_err *err);
	enum ob_rc (*dispute_get)(struct store *st, const char *id, struct dispute *out, struct ob_err *err);
	enum ob_rc (*dispute_update)(struct store *st, const struct dispute *d, struct ob_err *err);
	enum ob_rc (*disputes_list)(struct store *st, const struct page_query *q, struct dispute *out, size_t *n, struct ob_err *err);

	enum ob_rc (*ledger_insert)(struct store *st, const struct ledger_txn *t, struct ob_err *err);
	enum ob_rc (*ledger_get)(struct store *st, const char *id, struct ledger_txn *out, struct ob_err *err);
	enum ob_rc (*ledger_list)(struct store *st, const struct page_query *q, struct ledger_txn *out, size_t *n, struct ob_err *err);
	enum ob_rc (*balances_get)(struct store *st, const char *seller_id, struct balance *out, size_t cap, size_t *n, struct ob_err *err);
	enum ob_rc (*balance_put)(struct store *st, const struct balance *b, struct ob_err *err);

	enum ob_rc (*payout_insert)(struct store *st, const struct payout *p, struct ob_err *err);
	enum ob_rc (*payout_get)(struct store *st, const char *id, struct payout *out, struct ob_err *err);
	enum ob_rc (*payout_update)(struct store *st, const struct payout *p, struct ob_err *err);
	enum ob_rc (*payouts_list)(struct store *st, const struct page_query *q, struct payout *out, size_t *n, struct ob_err *err);

	enum ob_rc (*inventory_put)(struct store *st, const struct inventory *inv, struct ob_err *err);
	enum ob_rc (*inventory_list)(struct store *st, const char *seller_id, struct inventory *out, size_t cap, size_t *n, struct ob_err *err);

	enum ob_rc (*service_insert)(struct store *st, const struct service *sv, struct ob_err *err);
	enum ob_rc (*services_list)(struct store *st, const char *seller_id, struct service *out, size_t cap, size_t *n, struct ob_err *err);

	enum ob_rc (*closure_insert)(struct store *st, const struct closure *c, struct ob_err *err);
	enum ob_rc (*closure_update)(struct store *st, const struct closure *c, struct ob_err *err);
	enum ob_rc (*closure_get)(struct store *st, const char *id, struct closure *out, struct ob_err *err);
	enum ob_rc (*closure_by_token)(struct store *st, const char *token_hash, struct closure *out, struct ob_err *err);
	enum ob_rc (*closure_current)(struct store *st, const char *seller_id, struct closure *out, struct ob_err *err);
	enum ob_rc (*closures_list)(struct store *st, int status, const char *reason, int64_t after_time, const char *after_id, struct closure *out, size_t cap, size_t *n, struct ob_err *err);
	enum ob_rc (*readiness_counts)(struct store *st, const char *seller_id, int64_t now, struct readiness_counts *out, struct ob_err *err);
	enum ob_rc (*listings_deactivate)(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
	enum ob_rc (*services_terminate)(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
	enum ob_rc (*sessions_end)(struct store *st, const char *seller_id, struct ob_err *err);
	enum ob_rc (*listings_pause)(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
	enum ob_rc (*listings_resume)(struct store *st, const char *seller_id, int64_t now, int64_t *changed, struct ob_err *err);
	enum ob_rc (*session_step_up)(struct store *st, const char *token_hash, int64_t password_at, int64_t totp_at, struct ob_err *err);

	enum ob_rc (*job_insert)(struct store *st, const struct job *j, struct ob_err *err);
	enum ob_rc (*job_claim)(struct store *st, int64_t now, const char *owner, int64_t lease_until, struct job *out, struct ob_err *err);
	enum ob_rc (*job_finish)(struct store *st, const struct job *j, struct ob_err *err);
	enum ob_rc (*job_get)(struct store *st, const char *key, struct job *out, struct ob_err *err);
	enum ob_rc (*job_cancel)(struct store *st, const char *key, struct ob_err *err);

	/* Invariant checks for `offboard check`: each calls report once per
	 * violation with a description, and returns the count in *violations. */
	enum ob_rc (*check)(struct store *st, void (*report)(void *arg, const char *what), void *arg, int *violations, struct ob_err *err);

	enum ob_rc (*session_insert)(struct store *st, const struct session *s, struct ob_err *err);
	enum ob_rc (*session_get)(struct store *st, const char *token_hash, struct session *out, struct ob_err *err);
	enum ob_rc (*session_touch)(struct store *st, const char *token_hash, int64_t now, struct ob_err *err);
	enum ob_rc (*session_delete)(struct store *st, const char *token_hash, struct ob_err *err);

	enum ob_rc (*throttle_get)(struct store *st, const char *key, struct throttle *out, struct ob_err *err);
	enum ob_rc (*throttle_put)(struct store *st, const struct throttle *t, struct ob_err *err);
	enum ob_rc (*throttle_delete)(struct store *st, const char *key, struct ob_err *err);

	enum ob_rc (*ops_key_insert)(struct store *st, const struct ops_key *k, struct ob_err *err);
	enum ob_rc (*ops_key_get_by_hash)(struct store *st, const char *key_hash, struct ops_key *out, struct ob_err *err);

	enum ob_rc (*idempotency_get)(struct store *st, const char *scope, const char *key, struct idempotency *out, struct ob_err *err);
	enum ob_rc (*idempotency_put)(struct store *st, const struct idempotency *rec, struct ob_err *err);

	enum ob_rc (*audit_last)(struct store *st, struct audit_record *out, struct ob_err *err);
	enum ob_rc (*audit_insert)(struct store *st, const struct audit_record *a, struct ob_err *err);
	enum ob_rc (*audit_scan)(struct store *st, int64_t after_seq, struct audit_record *out, size_t cap, size_t *n, struct ob_err *err);
	enum ob_rc (*audit_list_seller)(struct store *st, const char *seller_id, int64_t before_seq, struct audit_record *out, size_t cap, size_t *n, struct ob_err *err);

	enum ob_rc (*email_insert)(struct store *st, const struct email *e, struct ob_err *err);
	enum ob_rc (*email_get)(struct store *st, const char *id, struct email *out, struct ob_err *err);
	enum ob_rc (*email_update)(struct store *st, const struct email *e, struct ob_err *err);
	enum ob_rc (*emails_list)(struct store *st, const char *seller_id, int64_t after_time, const char *after_id, struct email *out, size_t cap, size_t *n, struct ob_err *err);
	enum ob_rc (*webhook_insert)(struct store *st, const struct webhook *w, struct ob_err *err);
	enum ob_rc (*webhook_get)(struct store *st, const char *id, struct webhook *out, struct ob_err *err);
	enum ob_rc (*webhook_update)(struct store *st, const struct webhook *w, struct ob_err *err);
	enum ob_rc (*webhooks_list)(struct store *st, int64_t after_time, const char *after_id, struct webhook *out, size_t cap, size_t *n, struct ob_err *err);
	enum ob_rc (*delivery_insert)(struct store *st, const struct webhook_delivery *d, struct ob_err *err);
	enum ob_rc (*delivery_get)(struct store *st, const char *id, struct webhook_delivery *out, struct ob_err *err);
	enum ob_rc (*delivery_update)(struct store *st, const struct webhook_delivery *d, struct ob_err *err);
	enum ob_rc (*deliveries_list)(struct store *st, int status, int64_t after_time, const char *after_id, struct webhook_delivery *out, size_t cap, size_t *n, struct ob_err *err);

	enum ob_rc (*export_insert)(struct store *st, const struct export *e, struct ob_err *err);
	enum ob_rc (*export_get)(struct store *st, const char *id, struct export *out, struct ob_err *err);
	enum ob_rc (*export_update)(struct store *st, const struct export *e, enum export_status expect, struct ob_err *err);
	enum ob_rc (*export_active)(struct store *st, const char *seller_id, struct export *out, struct ob_err *err);
	enum ob_rc (*export_last_completed)(struct store *st, const char *seller_id, int64_t *completed_at, struct ob_err *err);
	enum ob_rc (*export_counts)(struct store *st, const char *seller_id, struct export_counts *out, struct ob_err *err);
	enum ob_rc (*order_items_page)(struct store *st, const char *seller_id, int64_t after_time, const char *after_order, int after_line, struct order_item_row *out, size_t cap, size_t *n, struct ob_err *err);
	enum ob_rc (*closures_of_seller)(struct store *st, const char *seller_id, int64_t after_time, const char *after_id, struct closure *out, size_t cap, size_t *n, struct ob_err *err);
	enum ob_rc (*job_renew)(struct store *st, int64_t id, const char *owner, int64_t lease_until, struct ob_err *err);

	enum ob_rc (*data_key_get)(struct store *st, const char *seller_id, char *wrapped, size_t cap, struct ob_err *err);
	enum ob_rc (*data_key_put)(struct store *st, const char *seller_id, const char *wrapped, int64_t now, struct ob_err *err);
	enum ob_rc (*data_key_destroy)(struct store *st, const char *seller_id, struct ob_err *err);
	enum ob_rc (*keystore_meta_get)(struct store *st, const char *name, char *value, size_t cap, struct ob_err *err);
	enum ob_rc (*keystore_meta_put)(struct store *st, const char *name, const char *value, struct ob_err *err);

	enum ob_rc (*erasure_insert)(struct store *st, const struct erasure *e, struct ob_err *err);
	enum ob_rc (*erasure_update)(struct store *st, const struct erasure *e, struct ob_err *err);
	enum ob_rc (*erasure_get)(struct store *st, const char *id, struct erasure *out, struct ob_err *err);
	enum ob_rc (*erasure_of)(struct store *st, const char *seller_id, const char *subject, struct erasure *out, struct ob_err *err);
	enum ob_rc (*erasure_count_add)(struct store *st, const char *erasure_id, const struct erasure_count *c, struct ob_err *err);
	enum ob_rc (*erasure_counts)(struct store *st, const char *erasure_id, struct erasure_count *out, size_t cap, size_t *n, struct ob_err *err);
	enum ob_rc (*purge_rows)(struct store *st, size_t table, enum purge_sql_kind kind, const char *owner, const char *pseudonym, int64_t limit, int64_t *rows, struct ob_err *err);
	enum ob_rc (*compact)(struct store *st, int64_t pages, int64_t *left, struct ob_err *err);
	enum ob_rc (*purge_ids)(struct store *st, size_t table, const char *owner, const char *after, size_t cap, char (*ids)[ID_MAX], size_t *n, struct ob_err *err);

	enum ob_rc (*legal_hold_insert)(struct store *st, const struct legal_hold *h, struct ob_err *err);
	enum ob_rc (*legal_hold_get)(struct store *st, const char *id, struct legal_hold *out, struct ob_err *err);
	enum ob_rc (*legal_hold_release)(struct store *st, const char *id, const char *by, int64_t now, struct ob_err *err);
	enum ob_rc (*legal_holds_list)(struct store *st, const char *seller_id, int64_t after_time, const char *after_id, struct legal_hold *out, size_t cap, size_t *n, struct ob_err *err);
	enum ob_rc (*legal_hold_until)(struct store *st, const char *seller_id, int64_t now, int64_t *until, struct ob_err *err);
};

struct store {
	const struct store_ops *ops;
	int depth;       /* transaction nesting: 1 is the transaction, more are savepoints */
	/* the data key used last, kept until the transaction ends (seal.c) */
	char key_seller[ID_MAX];
	unsigned char key[32];
};

/* Opens a connection for url ("sqlite:PATH" or "postgres://..."). On success
 * *out is owned by the caller (store_close). */
enum ob_rc store_open(const char *url, struct store **out, struct ob_err *err);

/* Sets the SQLite keystore file of connections opened later (empty:
 * beside the database, NAME.keys.db; see sqlite_keystore.c). */
void store_set_keystore(const char *path);

/* Closes st; NULL does nothing. */
void store_close(struct store *st);

/* Applies the migrations not yet applied, each in its own transaction;
 * *applied (may be NULL) receives how many. Safe to run from several
 * processes at once. */
enum ob_rc store_migrate(struct store *st, int *applied, struct ob_err *err);

/* Answers OB_OK when the database answers a trivial query. */
enum ob_rc store_ping(struct store *st, struct ob_err *err);

/* Transactions, as described at the top. */
enum ob_rc store_begin(struct store *st, int write, struct ob_err *err);
enum ob_rc store_commit(struct store *st, struct ob_err *err);
void store_rollback(struct store *st);

/* Record access; see the errors at the top. */
#define STORE_FN(name, ...) enum ob_rc store_##name(struct store *st, __VA_ARGS__, struct ob_err *err)
STORE_FN(marketplace_insert, const struct marketplace *m);
STORE_FN(marketplace_get, const char *id, struct marketplace *out);
STORE_FN(seller_insert, const struct seller *s);
STORE_FN(seller_get, const char *id, struct seller *out);
STORE_FN(seller_state, const char *id, struct seller_state *out);   /* OB_ENOTFOUND as seller_get */
STORE_FN(seller_get_by_email, const char *email, struct seller *out);
STORE_FN(seller_set_totp, const struct seller *s);     /* writes the three totp fields */
STORE_FN(session_insert, const struct session *s);
STORE_FN(session_get, const char *token_hash, struct session *out);
STORE_FN(session_touch, const char *token_hash, int64_t now);
STORE_FN(session_delete, const char *token_hash);
STORE_FN(throttle_get, const char *key, struct throttle *out);
STORE_FN(throttle_put, const struct throttle *t);      /* insert or replace */
STORE_FN(throttle_delete, const char *key);
STORE_FN(ops_key_insert, const struct ops_key *k);
STORE_FN(ops_key_get_by_hash, const char *key_hash, struct ops_key *out);
/* out->body is malloc'ed; the caller frees it. */
STORE_FN(idempotency_get, const char *scope, const char *key, struct idempotency *out);
STORE_FN(idempotency_put, const struct idempotency *rec);
STORE_FN(seller_set_status, const char *id, enum seller_status status, int64_t now);
STORE_FN(listing_insert, const struct listing *l);     /* OB_ECONFLICT: id or (seller, sku) taken */
STORE_FN(listing_get, const char *id, struct listing *out);
STORE_FN(listing_set_status, const char *id, enum listing_status status, int64_t now);
STORE_FN(listings_list, const struct page_query *q, struct listing *out, size_t *n);
STORE_FN(order_insert, const struct order *o);         /* OB_ECONFLICT: id taken */
STORE_FN(order_item_insert, const struct order_item *it);
STORE_FN(order_get, const char *id, struct order *out);
STORE_FN(order_update, const struct order *o);         /* status and times */
STORE_FN(order_items, const char *order_id, struct order_item *out, size_t cap, size_t *n);
STORE_FN(orders_list, const struct page_query *q, struct order *out, size_t *n);
STORE_FN(dispute_insert, const struct dispute *d);
STORE_FN(dispute_get, const char *id, struct dispute *out);
STORE_FN(dispute_update, const struct dispute *d);     /* status and closed_at */
STORE_FN(disputes_list, const struct page_query *q, struct dispute *out, size_t *n);
/* Stores a transaction and its postings; balances are the caller's
 * (domain/ledger.c), in the same database transaction. */
STORE_FN(ledger_insert, const struct ledger_txn *t);   /* OB_ECONFLICT: id taken, or already reversed */
STORE_FN(ledger_get, const char *id, struct ledger_txn *out);
STORE_FN(ledger_list, const struct page_query *q, struct ledger_txn *out, size_t *n);
STORE_FN(balances_get, const char *seller_id, struct balance *out, size_t cap, size_t *n);
STORE_FN(balance_put, const struct balance *b);       /* insert or replace */
STORE_FN(payout_insert, const struct payout *p);
STORE_FN(payout_get, const char *id, struct payout *out);
STORE_FN(payout_update, const struct payout *p);       /* status, reason, updated_at */
STORE_FN(payouts_list, const struct page_query *q, struct payout *out, size_t *n);
STORE_FN(inventory_put, const struct inventory *inv);  /* insert or replace */
STORE_FN(inventory_list, const char *seller_id, struct inventory *out, size_t cap, size_t *n);
STORE_FN(service_insert, const struct service *sv);
STORE_FN(services_list, const char *seller_id, struct service *out, size_t cap, size_t *n);
STORE_FN(closure_insert, const struct closure *c);
STORE_FN(closure_update, const struct closure *c);     /* every field but id and seller */
STORE_FN(closure_get, const char *id, struct closure *out);
STORE_FN(closure_by_token, const char *token_hash, struct closure *out);
/* The seller's latest closure or pause, OB_ENOTFOUND when none. */
STORE_FN(closure_current, const char *seller_id, struct closure *out);
/* Closures newest first; status -1 any, reason NULL any; keyset after (time, id). */
STORE_FN(closures_list, int status, const char *reason, int64_t after_time, const char *after_id,
	 struct closure *out, size_t cap, size_t *n);
STORE_FN(readiness_counts, const char *seller_id, int64_t now, struct readiness_counts *out);
/* Sets every active listing of the seller inactive; *changed how many. */
STORE_FN(listings_deactivate, const char *seller_id, int64_t now, int64_t *changed);
STORE_FN(services_terminate, const char *seller_id, int64_t now, int64_t *changed);
/* Deletes every session of the seller. */
STORE_FN(sessions_end, const char *seller_id);
/* Vacation mode: turns the active listings off, remembering them; resume
 * turns exactly those back on. listings_deactivate forgets them. */
STORE_FN(listings_pause, const char *seller_id, int64_t now, int64_t *changed);
STORE_FN(listings_resume, const char *seller_id, int64_t now, int64_t *changed);
/* Records a fresh password (and TOTP, when not 0) check on a session. */
STORE_FN(session_step_up, const char *token_hash, int64_t password_at, int64_t totp_at);
/* Adds a job; OB_ECONFLICT when its key is taken. */
STORE_FN(job_insert, const struct job *j);
/* Takes the earliest due job (pending and due, or running with an expired
 * lease) for owner until lease_until: status running, attempts + 1.
 * OB_ENOTFOUND when none is due. Safe against other processes claiming. */
STORE_FN(job_claim, int64_t now, const char *owner, int64_t lease_until, struct job *out);
/* Writes status, run_at, last_error of a claimed job, if owner still holds
 * its lease (OB_ECONFLICT when it lost it). */
STORE_FN(job_finish, const struct job *j);
STORE_FN(job_get, const char *key, struct job *out);
/* Marks the pending job of key done without running it (nothing when none). */
STORE_FN(job_cancel, const char *key);
STORE_FN(check, void (*report)(void *arg, const char *what), void *arg, int *violations);
/* The audit log. Append through domain/audit.h, never directly: it keeps
 * the chain. audit_last: the record with the highest seq, OB_ENOTFOUND
 * when the log is empty. audit_insert: OB_ECONFLICT when seq is taken. */
STORE_FN(audit_last, struct audit_record *out);
STORE_FN(audit_insert, const struct audit_record *a);
/* Up to cap records with seq > after_seq, in seq order (verification). */
STORE_FN(audit_scan, int64_t after_seq, struct audit_record *out, size_t cap, size_t *n);
/* Up to cap records of one seller, newest first, with seq < before_seq
 * (0: from the newest); the next page starts before the last seq read. */
STORE_FN(audit_list_seller, const char *seller_id, int64_t before_seq, struct audit_record *out,
	 size_t cap, size_t *n);
/* The notification outboxes (domain/notify.h queues and delivers). */
STORE_FN(email_insert, const struct email *e);
STORE_FN(email_get, const char *id, struct email *out);
STORE_FN(email_update, const struct email *e);         /* status, attempts, last_error, sent_at */
/* The e-mails to one seller, newest first; keyset after (created_at, id). */
STORE_FN(emails_list, const char *seller_id, int64_t after_time, const char *after_id,
	 struct email *out, size_t cap, size_t *n);
STORE_FN(webhook_insert, const struct webhook *w);
STORE_FN(webhook_get, const char *id, struct webhook *out);
STORE_FN(webhook_update, const struct webhook *w);     /* url, secret, events, active */
/* Subscriptions newest first, active or not; keyset after (created_at, id)
 * when after_id is set. */
STORE_FN(webhooks_list, int64_t after_time, const char *after_id, struct webhook *out, size_t cap,
	 size_t *n);
STORE_FN(delivery_insert, const struct webhook_delivery *d);
STORE_FN(delivery_get, const char *id, struct webhook_delivery *out);
/* status, attempts, last_status, last_error, delivered_at */
STORE_FN(delivery_update, const struct webhook_delivery *d);
/* Deliveries newest first; status -1 any; keyset after (created_at, id). */
STORE_FN(deliveries_list, int status, int64_t after_time, const char *after_id,
	 struct webhook_delivery *out, size_t cap, size_t *n);
/* Exports (domain/export.h keeps their rules). export_insert:
 * OB_ECONFLICT when the id is taken or the seller already has a pending or
 * running export. export_update writes every field but id, seller and
 * created_at, if the stored status is still expect (OB_ECONFLICT when it
 * is not, OB_ENOTFOUND when there is no such export). */
STORE_FN(export_insert, const struct export *e);
STORE_FN(export_get, const char *id, struct export *out);
STORE_FN(export_update, const struct export *e, enum export_status expect);
/* The seller's pending or running export; OB_ENOTFOUND when none. */
STORE_FN(export_active, const char *seller_id, struct export *out);
/* The completion time of the seller's latest finished export (ready,
 * expired or deleted since), 0 when none. */
STORE_FN(export_last_completed, const char *seller_id, int64_t *completed_at);
/* How many rows of each kind the seller has (counted by index). */
STORE_FN(export_counts, const char *seller_id, struct export_counts *out);
/* Up to cap items of the seller's orders in the order of the order list
 * (placed_at, order id descending; lines ascending), strictly after the
 * item (after_time, after_order, after_line) when after_order is set. */
STORE_FN(order_items_page, const char *seller_id, int64_t after_time, const char *after_order,
	 int after_line, struct order_item_row *out, size_t cap, size_t *n);
/* The seller's closures and pauses, newest first; keyset after
 * (requested_at, id) when after_id is set. */
STORE_FN(closures_of_seller, const char *seller_id, int64_t after_time, const char *after_id,
	 struct closure *out, size_t cap, size_t *n);
/* Extends the lease of a running job that owner still holds (OB_ECONFLICT
 * when it lost it), for a long job that reports progress. */
STORE_FN(job_renew, int64_t id, const char *owner, int64_t lease_until);
/* Erasures (domain/purge.h keeps their rules). erasure_insert:
 * OB_ECONFLICT when the seller has one running or the id or pseudonym is
 * taken. erasure_update writes every field but id and pseudonym.
 * erasure_of: the running erasure of seller_id when set, else the latest
 * of subject (a purged seller's); OB_ENOTFOUND when none. */
STORE_FN(erasure_insert, const struct erasure *e);
STORE_FN(erasure_update, const struct erasure *e);
STORE_FN(erasure_get, const char *id, struct erasure *out);
STORE_FN(erasure_of, const char *seller_id, const char *subject, struct erasure *out);
/* Adds c's figures to the erasure's counts of c->table. */
STORE_FN(erasure_count_add, const char *erasure_id, const struct erasure_count *c);
STORE_FN(erasure_counts, const char *erasure_id, struct erasure_count *out, size_t cap, size_t *n);
/* One batch of a purge on data_tables[table]: deletes, or moves to the
 * pseudonym and empties, at most limit rows that owner owns; or (COUNT)
 * counts them all. *rows: the rows done or counted. */
STORE_FN(purge_rows, size_t table, enum purge_sql_kind kind, const char *owner, const char *pseudonym,
	 int64_t limit, int64_t *rows);
/* Up to cap ids of the rows of data_tables[table] (a table keyed by id)
 * that owner owns, in id order, after the id after ("" for the first). */
STORE_FN(purge_ids, size_t table, const char *owner, const char *after, size_t cap, char (*ids)[ID_MAX],
	 size_t *n);
/* Gives at most pages free pages back to the file system and empties the
 * write-ahead log when it can (SQLite); *left: free pages still in the
 * file. PostgreSQL leaves this to its autovacuum: *left is 0. */
STORE_FN(compact, int64_t pages, int64_t *left);
/* Legal holds (domain/legal_hold.h keeps their rules). legal_hold_release
 * sets released_at and released_by of a hold not yet released
 * (OB_ENOTFOUND when there is no such hold, OB_ECONFLICT when it was
 * already released). legal_holds_list: newest first, seller_id NULL for
 * every seller, keyset after (created_at, id) when after_id is set.
 * legal_hold_until: the latest end among the seller's holds in force at
 * now (not released, until > now), 0 when none. */
STORE_FN(legal_hold_insert, const struct legal_hold *h);
STORE_FN(legal_hold_get, const char *id, struct legal_hold *out);
STORE_FN(legal_hold_release, const char *id, const char *by, int64_t now);
STORE_FN(legal_holds_list, const char *seller_id, int64_t after_time, const char *after_id,
	 struct legal_hold *out, size_t cap, size_t *n);
STORE_FN(legal_hold_until, const char *seller_id, int64_t now, int64_t *until);
#undef STORE_FN

/* The name of a status as stored and shown ("active", "closure_requested"...);
 * the parse answers -1 for an unknown name. */
const char *seller_status_name(enum seller_status s);
int seller_status_parse(const char *name);

#endif
