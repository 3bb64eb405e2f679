/* notify.h: telling people and systems what happened: e-mails to the
 * seller and webhook events to the marketplace. Both go through outboxes
 * written in the caller's transaction and are delivered by jobs, so a
 * message is sent if and only if the change it reports committed, and a
 * failed delivery is retried. */
#ifndef OB_NOTIFY_H
#define OB_NOTIFY_H

#include "domain/jobs.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* Where messages go; set once at start (notify_init). */
struct notify_settings {
	const char *smtp_url;     /* smtp://host:port, or NULL: write .eml files */
	const char *mail_from;    /* the sender address */
	const char *data_dir;     /* .eml files go to DATA_DIR/mail/ without SMTP */
	const char *public_url;   /* base of links in messages, e.g. http://127.0.0.1:8080 */
};

/* Copies the settings; a NULL or empty string takes the default
 * (mail_from offboard@localhost, data_dir ./data, public_url
 * http://127.0.0.1:8080, smtp_url none). Call before threads start. */
void notify_init(const struct notify_settings *s);

/* The settings in force. */
const struct notify_settings *notify_settings(void);

/* Queues an e-mail with subject and plain-text body to the seller's
 * address. Call inside the transaction of the change it reports. */
/* Removes the .eml file written for the e-mail without --smtp, if any. */
void notify_remove_mail_file(const char *email_id);

enum ob_rc notify_email(struct store *st, const char *seller_id, const char *subject,
			const char *body, struct ob_err *err);

/* Queues webhook event (closure.requested, account.closed, ...) about the
 * seller for every subscription that wants it; data_json is a JSON object
 * text (ids, codes, dates and amounts only, never personal data). Call
 * inside the transaction of the change it reports. */
enum ob_rc notify_event(struct store *st, const char *event, const char *seller_id,
			const char *data_json, struct ob_err *err);

/* The webhook events of the contract, NULL-terminated. A subscription names
 * some of them, or "*" for all. */
extern const char *const notify_events[];

/* Returns 1 when name is one of notify_events. */
int notify_event_known(const char *name);

/* A new subscription as the operator sends it; strings borrowed. */
struct webhook_input {
	const char *url;              /* http:// or https:// */
	const char *const *events;    /* names of notify_events, or "*" */
	size_t nevents;
	const char *secret;           /* NULL: a new random one */
};

/* Subscribes in->url to in->events (duplicates collapse; "*" takes all)
 * and writes the new subscription, secret included, into out. OB_EINVAL
 * with code invalid_url (field url), missing_field or invalid_event (field
 * events or events[i]), invalid_secret (field secret: 16 to 128 printable
 * ASCII characters without spaces). */
enum ob_rc notify_webhook_create(struct store *st, const struct webhook_input *in,
				 struct webhook *out, struct ob_err *err);

/* A delivery as the operator sees it. While pending, d.attempts,
 * d.last_status and d.last_error include the failed attempts of its
 * current job, and next_attempt_at is when it runs next (0 otherwise). */
struct delivery_info {
	struct webhook_delivery d;
	int64_t next_attempt_at;
};

/* Up to cap deliveries, newest first; status -1 any; keyset after
 * (created_at, id) when after_id is set. */
enum ob_rc notify_deliveries_list(struct store *st, int status, int64_t after_time,
				  const char *after_id, struct delivery_info *out, size_t cap,
				  size_t *n, struct ob_err *err);

/* Puts a dead delivery back to pending with a new job due now, and writes
 * it into out. OB_ENOTFOUND for no such delivery; OB_ECONFLICT not_dead
 * when it is not dead, webhook_inactive when its subscription is off. */
enum ob_rc notify_delivery_retry(struct store *st, const char *id, struct delivery_info *out,
				 struct ob_err *err);

/* The job handlers (job_kinds.c): "email_send" sends or writes the e-mail
 * whose id is the payload, "webhook_deliver" posts the delivery whose id is
 * the payload. A failed attempt returns an error, so the job is retried;
 * the last one (JOB_MAX_ATTEMPTS) marks the message dead and returns OB_OK.
 * Network work is bounded by a 5 s connect and a 10 s total timeout. */
enum ob_rc notify_job_email(struct store *st, const struct job *job, int64_t now,
			    struct ob_err *err);
enum ob_rc notify_job_webhook(struct store *st, const struct job *job, int64_t now,
			      struct ob_err *err);

#endif
