/* closure.h: closing a seller account, the heart of offboard.
 *
 *   active -> closure_requested   the seller asked, verified, gave a reason
 *          -> closing             confirmed from the e-mailed link; grace period
 *          -> closed              the grace period ended; history is read-only
 *   closure_requested, closing -> active   cancelled, or the link expired
 *
 * Every transition is one transaction that re-checks its preconditions and
 * writes an audit record, an e-mail and a webhook event. The dates of every
 * later step are fixed by the policy and shown before the seller confirms.
 * Pausing (vacation mode) is the gentler alternative: listings off,
 * everything kept, resumable at any time. */
#ifndef OB_CLOSURE_H
#define OB_CLOSURE_H

#include "core/policy.h"
#include "store/store.h"

/* The reasons a seller may give, in the order shown. */
struct closure_reason {
	const char *code;
	const char *label;
};
extern const struct closure_reason closure_reasons[];
extern const size_t closure_reasons_count;

#define READINESS_MAX_ITEMS 16  /* every code below once, with room to spare */

/* One line of the checklist: a blocker (blocking) or a warning. */
struct readiness_item {
	const char *code;          /* open_orders, available_balance, active_listings, ... */
	int blocking;
	int64_t count;             /* how many (orders, disputes, payouts, units, listings) */
	int64_t amount_minor;      /* the money involved, or 0 */
	int64_t until;             /* a date the item resolves by itself, or 0 */
	char message[256];         /* plain words for the seller */
	const char *action_method; /* what resolves it: GET a list, POST a withdrawal ... */
	const char *action_href;
	const char *action_label;
};

/* The dates that follow a confirmation at `confirmed_at`. */
struct closure_timeline {
	int64_t confirm_by;        /* the link's end, when a request waits */
	int64_t closing_at;        /* confirmation: listings off, no new orders */
	int64_t closes_at;         /* end of the grace period */
	int64_t reserve_release_at;
	int64_t history_ends_at;
	int64_t erase_at;
	int64_t financial_records_until;
	int64_t erasure_delayed_until;  /* a legal hold keeps the data until then; 0 none */
};

struct readiness {
	enum seller_status status;
	int ready;                 /* no blocker */
	char currency[4];
	struct readiness_item items[READINESS_MAX_ITEMS];
	size_t nitems;
	struct closure_timeline timeline;
	const struct policy *policy;
	struct closure current;    /* the latest closure or pause */
	int has_current;
	int paused;
};

/* Computes the checklist and the timeline for the seller at now, in one
 * read transaction. */
enum ob_rc closure_readiness(struct store *st, const char *seller_id, int64_t now,
			     struct readiness *out, struct ob_err *err);

struct closure_input {
	const char *reason;
	const char *reason_text;   /* optional, up to 1000 bytes */
	int acknowledge;
	int64_t password_at;       /* the session's last password check */
	int64_t totp_at;           /* ... and TOTP check (0 none) */
};

/* Requests closure: checks the step-up (a password check within the
 * policy's step_up_minutes, and TOTP too when enrolled), the reason, the
 * acknowledgement and readiness, then moves the account to
 * closure_requested and e-mails a single-use confirmation link. The link's
 * token goes to token_out (CRYPTO_TOKEN_LEN + 1) for the e-mail only.
 * OB_EAUTH "step_up_required"; OB_EINVAL "invalid_reason",
 * "acknowledgement_required", "too_long"; OB_ECONFLICT "not_ready" (out has
 * the blockers) or "closure_in_progress" / "account_closed". */
enum ob_rc closure_request(struct store *st, const char *seller_id, const struct closure_input *in,
			   struct readiness *out, struct ob_err *err);

/* Confirms with the token from the e-mail, for the signed-in seller: re-checks
 * readiness in the same transaction, moves the account to closing, turns
 * every listing off and schedules the closure. OB_ENOTFOUND
 * "invalid_token" (unknown, used, another seller's); OB_EGONE
 * "token_expired"; OB_ECONFLICT "not_ready" (out has the blockers). */
enum ob_rc closure_confirm(struct store *st, const char *seller_id, const char *token,
			   struct readiness *out, struct ob_err *err);

/* Cancels a requested or confirmed closure: the account is active again
 * (listings stay off until the seller turns them on). OB_ECONFLICT
 * "no_closure" or "account_closed". */
enum ob_rc closure_cancel(struct store *st, const char *seller_id, struct readiness *out,
			  struct ob_err *err);

/* Vacation mode on (with an optional reason code) and off. OB_ECONFLICT
 * "already_paused", "not_paused", "closure_in_progress". */
enum ob_rc closure_pause(struct store *st, const char *seller_id, const char *reason,
			 struct readiness *out, struct ob_err *err);
enum ob_rc closure_resume(struct store *st, const char *seller_id, struct readiness *out,
			  struct ob_err *err);

/* Job handlers: the end of a confirmation link's life, the end of the
 * grace period (prorated final fees, the reserve held, services ended). */
enum ob_rc closure_job_expire(struct store *st, const struct job *job, int64_t now, struct ob_err *err);
enum ob_rc closure_job_close(struct store *st, const struct job *job, int64_t now, struct ob_err *err);
/* The end of the reserve period: the final payout, or a postponement while
 * claims are open. */
enum ob_rc closure_job_release(struct store *st, const struct job *job, int64_t now, struct ob_err *err);

/* The history date of a closed seller's closure, for sign-in. */
enum ob_rc closure_history_ends(struct store *st, const char *seller_id, int64_t *ends_at,
				struct ob_err *err);

#endif
