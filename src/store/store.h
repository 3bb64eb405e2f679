/* store.h: the one storage interface of offboard.
 *
 * A struct store is one database connection. It is not thread-safe: each
 * thread opens its own. Backends (sqlite/, later pg/) implement struct
 * store_ops; nothing above this header knows which one runs.
 *
 * Records are plain structs with bounded, NUL-terminated strings, copied in
 * and out, so no pointer into the backend outlives a call. Times are unix
 * seconds (UTC).
 *
 * Transactions nest: store_begin() at depth 0 starts one (a write
 * transaction takes the write lock at once, so two writers never deadlock),
 * deeper calls only count. store_commit() at depth 1 commits; a
 * store_rollback() anywhere makes the whole transaction roll back when it
 * ends. Every function returns OB_OK or fills err: OB_ENOTFOUND for a
 * missing row, OB_ECONFLICT for a unique key taken, OB_EBUSY when the
 * database stayed locked past its timeout, OB_EDB otherwise. */
#ifndef OB_STORE_H
#define OB_STORE_H

#include "core/err.h"
#include "core/crypto.h"
#include "core/id.h"

#include <stdint.h>

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
	char email[255];         /* lower case */
	char password_hash[CRYPTO_PWHASH_LEN];
	char display_name[201];
	char legal_name[201];
	char phone[41];
	char address[501];
	char tax_id[41];
	char bank_holder[201];
	char bank_iban[35];      /* without spaces, upper case */
	enum seller_status status;
	char totp_secret[65];    /* base32; empty when not enrolled */
	char totp_pending[65];   /* base32; enrolment not yet verified */
	int64_t totp_last_step;  /* last accepted time step; no code replays */
	int64_t created_at;
	int64_t updated_at;
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

/* Failed sign-ins of one key ("acct:<email>" or "addr:<ip>"). */
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

struct store;

struct store_ops {
	const char *name;
	void (*close)(struct store *st);
	enum ob_rc (*migrate)(struct store *st, int *applied, struct ob_err *err);
	enum ob_rc (*ping)(struct store *st, struct ob_err *err);
	enum ob_rc (*begin)(struct store *st, int write, struct ob_err *err);
	enum ob_rc (*commit)(struct store *st, struct ob_err *err);
	void (*rollback)(struct store *st);

	enum ob_rc (*marketplace_insert)(struct store *st, const struct marketplace *m, struct ob_err *err);
	enum ob_rc (*marketplace_get)(struct store *st, const char *id, struct marketplace *out, struct ob_err *err);

	enum ob_rc (*seller_insert)(struct store *st, const struct seller *s, struct ob_err *err);
	enum ob_rc (*seller_get)(struct store *st, const char *id, struct seller *out, struct ob_err *err);
	enum ob_rc (*seller_get_by_email)(struct store *st, const char *email, struct seller *out, struct ob_err *err);
	enum ob_rc (*seller_set_totp)(struct store *st, const struct seller *s, struct ob_err *err);

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
};

struct store {
	const struct store_ops *ops;
	int depth;       /* transaction nesting */
	int failed;      /* a nested rollback happened: the outer end rolls back */
};

/* Opens a connection for url ("sqlite:PATH" or "postgres://..."). On success
 * *out is owned by the caller (store_close). */
enum ob_rc store_open(const char *url, struct store **out, struct ob_err *err);

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
#undef STORE_FN

/* The name of a status as stored and shown ("active", "closure_requested"...);
 * the parse answers -1 for an unknown name. */
const char *seller_status_name(enum seller_status s);
int seller_status_parse(const char *name);

#endif
