/* legal_hold.h: an operator's order to keep a seller's data (a court
 * order, a tax audit, an investigation). While a hold is in force (not
 * released and its end date not reached) the seller's data is not purged;
 * the seller sees that erasure is delayed and until when, never why.
 *
 * Every placement and release writes an audit record with the hold's id
 * and end date, never its reason: the reason may name people, and the
 * audit log holds no personal data. */
#ifndef OB_LEGAL_HOLD_H
#define OB_LEGAL_HOLD_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

#define LEGAL_HOLD_REASON_MAX 500       /* bytes; struct legal_hold has room for them */
#define LEGAL_HOLD_YEARS_MAX 100        /* the latest end date, from now */

struct legal_hold_input {
	const char *seller_id;
	const char *reason;      /* required; one line, at most LEGAL_HOLD_REASON_MAX bytes */
	const char *until;       /* required; RFC 3339, in the future */
};

/* Places a hold on the seller's data for actor ("ops:<key id>", "cli")
 * into *out, in one write transaction with its audit record (a savepoint
 * inside the caller's). OB_ENOTFOUND "unknown_seller" (field seller_id);
 * OB_EINVAL "missing_field", "too_long", "invalid_characters" (reason),
 * "invalid_time", "time_in_past", "out_of_range" (until); OB_ECONFLICT
 * "account_purged" when the data is erased already. */
enum ob_rc legal_hold_create(struct store *st, const struct legal_hold_input *in, const char *actor,
			     struct legal_hold *out, struct ob_err *err);

/* Releases hold id for actor; *out gets the released hold. OB_ENOTFOUND
 * "not_found"; OB_ECONFLICT "legal_hold_released" when it was released
 * already. A hold whose end date passed may still be released (it changes
 * nothing but the record). */
enum ob_rc legal_hold_release(struct store *st, const char *id, const char *actor,
			      struct legal_hold *out, struct ob_err *err);

/* One hold; OB_ENOTFOUND "not_found" (also for a malformed id). */
enum ob_rc legal_hold_get(struct store *st, const char *id, struct legal_hold *out,
			  struct ob_err *err);

/* Holds newest first, of one seller or (seller_id NULL) of all, at most cap
 * into out, after (after_time, after_id) when after_id is set; see
 * store_legal_holds_list(). */
enum ob_rc legal_holds_list(struct store *st, const char *seller_id, int64_t after_time,
			    const char *after_id, struct legal_hold *out, size_t cap, size_t *n,
			    struct ob_err *err);

/* The status of h at now: "active", "released" or "ended" (the end date
 * passed). A static string. */
const char *legal_hold_status(const struct legal_hold *h, int64_t now);

/* *until gets the latest end among the seller's holds in force at now, 0
 * when none: the purge waits until then. */
enum ob_rc legal_hold_until(struct store *st, const char *seller_id, int64_t now, int64_t *until,
			    struct ob_err *err);

/* For the purge: OB_OK when no hold is in force for the seller at now,
 * else OB_ECONFLICT "legal_hold" with the end date in the message (not the
 * reason). */
enum ob_rc legal_hold_check_purge(struct store *st, const char *seller_id, int64_t now,
				  struct ob_err *err);

/* For the seller's timeline: *delayed_until gets the end of the holds in
 * force at now when it falls after erase_at (the planned erasure), else 0. */
enum ob_rc legal_hold_delay(struct store *st, const char *seller_id, int64_t now, int64_t erase_at,
			    int64_t *delayed_until, struct ob_err *err);

/* The plain sentence for the seller about a delay until `until` into out:
 * "Erasure is delayed by a legal obligation until 2027-01-31." */
void legal_hold_delay_message(int64_t until, char *out, size_t cap);

#endif
