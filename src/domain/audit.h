/* audit.h: the audit log, an append-only hash chain.
 *
 * Every state change, sign-in, step-up and operator action appends one
 * record: who (actor), about which seller, what (action) and a JSON object
 * of ids and codes (detail, never personal data: no e-mail, name, address
 * or token). Each record carries the hash of the one before it, so
 * `offboard audit verify` finds a record that was edited, removed or
 * inserted anywhere but at the end; removing the newest records shows only
 * as an older head, which is why an auditor notes the head (seq and hash)
 * each time. See docs/internals/audit.md.
 *
 * The hash of a record is the lowercase hex SHA-256 of this encoding, where
 * u32 and u64 are big-endian and every text field is its byte length (u32)
 * followed by its bytes (no NUL):
 *
 *   text("offboard.audit.v1") u64(seq) u64(at, two's complement)
 *   text(actor) text(seller_id) text(action) text(detail) text(prev_hash)
 *
 * The encoding is fixed: changing it breaks every stored chain (the unit
 * test holds a known vector). */
#ifndef OB_AUDIT_H
#define OB_AUDIT_H

#include "store/store.h"

#include <stdint.h>

#define AUDIT_TAG "offboard.audit.v1"

/* The prev_hash of the first record: 64 zeros. */
extern const char audit_zero_hash[AUDIT_HASH_LEN + 1];

/* Appends one record: seq and prev_hash from the last record, at from the
 * clock, hash over the encoding above. actor ("seller:<id>", "ops:<key
 * id>", "cli", "anonymous", "system") and action are required; seller_id
 * may be NULL or ""; detail_json is a JSON object text ("{...}") built by
 * the caller, NULL meaning "{}". Call it inside the caller's write
 * transaction (store_begin(st, 1, ...)) so that the record commits or rolls
 * back with the change it describes and the write lock orders the chain;
 * outside one it opens its own. OB_EINVAL when a field is empty, too long
 * for its column or detail is not an object. */
enum ob_rc audit_record(struct store *st, const char *actor, const char *seller_id,
			const char *action, const char *detail_json, struct ob_err *err);

/* Writes the hash of a's content (every field but a->hash) into out
 * (AUDIT_HASH_LEN + 1). */
void audit_hash(const struct audit_record *a, char *out);

enum audit_problem {
	AUDIT_EDITED,       /* the hash does not match the record's content */
	AUDIT_LINK,         /* prev_hash is not the previous record's hash */
	AUDIT_GAP,          /* seq skips: records were removed */
	AUDIT_HEAD,         /* the head noted earlier is gone or changed */
};

/* Called once per problem found: the seq of the record where it shows and
 * a sentence saying what is wrong. */
typedef void (*audit_report_fn)(void *arg, int64_t seq, enum audit_problem what,
				const char *message);

/* The newest record as verify saw it: seq 0 and 64 zeros when empty. */
struct audit_head {
	int64_t seq;
	char hash[AUDIT_HASH_LEN + 1];
};

/* Walks the whole chain in seq order, a page at a time (constant memory),
 * recomputing every hash: report (may be NULL) gets each problem. noted
 * (may be NULL) is a head noted at an earlier verification: the record at
 * its seq must still exist with that hash, which catches the newest
 * records removed or the chain rewritten since. *checked gets the number
 * of records read, *broken the number of problems, *head (may be NULL)
 * the last record. Returns OB_OK when the walk completed, whatever it
 * found; a failure only when the database could not be read. */
enum ob_rc audit_verify(struct store *st, const struct audit_head *noted, audit_report_fn report,
			void *arg, int64_t *checked, int64_t *broken, struct audit_head *head,
			struct ob_err *err);

#endif
