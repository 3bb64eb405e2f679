#include "domain/closure.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/money.h"
#include "domain/audit.h"
#include "domain/export.h"
#include "domain/jobs.h"
#include "domain/ledger.h"
#include "domain/legal_hold.h"
#include "domain/notify.h"
#include "domain/payout.h"
#include "domain/purge.h"
#include "domain/text.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400

const struct closure_reason closure_reasons[] = {
	{ "fees_too_high", "The fees are too high" },
	{ "not_enough_sales", "Not enough sales" },
	{ "moving_platform", "Moving to another platform or my own shop" },
	{ "closing_business", "Closing or selling my business" },
	{ "personal", "Personal reasons" },
	{ "policy_concerns", "Marketplace policies or account health" },
	{ "too_complex", "Selling here takes too much time" },
	{ "vacation", "Taking a break" },
	{ "other", "Something else" },
};
const size_t closure_reasons_count = sizeof(closure_reasons) / sizeof(closure_reasons[0]);

static int reason_known(const char *code)
{
	for (size_t i = 0; code && i < closure_reasons_count; i++)
		if (strcmp(closure_reasons[i].code, code) == 0)
			return 1;
	return 0;
}

static const char *money(int64_t amount, const char *currency, char *buf, size_t cap)
{
	char dec[40];

	money_decimal(amount, currency, dec, sizeof(dec));
	snprintf(buf, cap, "%s %s", dec, currency);
	return buf;
}

static const char *date(int64_t t, char *buf, size_t cap)
{
	char full[32];

	clock_format(t, full, sizeof(full));
	snprintf(buf, cap, "%.10s", full);
	return buf;
}

static struct readiness_item *add(struct readiness *r, const char *code, unsigned check)
{
	struct readiness_item *it;

	/* each code is added at most once, and there are fewer than the room */
	assert(r->nitems < READINESS_MAX_ITEMS);
	it = &r->items[r->nitems++];

	memset(it, 0, sizeof(*it));
	it->code = code;
	it->blocking = check && (r->policy->blocks & check);
	if (it->blocking)
		r->ready = 0;
	return it;
}

static void action(struct readiness_item *it, const char *method, const char *href, const char *label)
{
	it->action_method = method;
	it->action_href = href;
	it->action_label = label;
}

/* The dates that follow from a confirmation at t under policy p. */
static void plan(const struct policy *p, int64_t t, struct closure_timeline *tl)
{
	tl->closing_at = t;
	tl->closes_at = t + (int64_t)p->grace_days * DAY;
	tl->reserve_release_at = tl->closes_at + (int64_t)p->reserve_days * DAY;
	tl->history_ends_at = tl->closes_at + (int64_t)p->history_days * DAY;
	tl->erase_at = tl->history_ends_at > tl->reserve_release_at ? tl->history_ends_at
								    : tl->reserve_release_at;
	tl->financial_records_until = tl->erase_at + (int64_t)p->retention_financial_days * DAY;
}

enum ob_rc closure_readiness(struct store *st, const char *seller_id, int64_t now,
			     struct readiness *out, struct ob_err *err)
{
	struct seller_state s;   /* no personal data: the checklist shows none */
	struct marketplace m;
	struct readiness_counts c;
	struct balance_view b;
	struct readiness_item *it;
	char a[64], d[16];
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	out->ready = 1;
	if ((rc = store_begin(st, 0, err)) != OB_OK)
		return rc;
	if ((rc = store_seller_state(st, seller_id, &s, err)) != OB_OK ||
	    (rc = store_marketplace_get(st, s.marketplace_id, &m, err)) != OB_OK ||
	    (rc = store_readiness_counts(st, seller_id, now, &c, err)) != OB_OK ||
	    (rc = ledger_balances_in(st, seller_id, m.currency, &b, err)) != OB_OK)
		goto out;
	rc = store_closure_current(st, seller_id, &out->current, err);
	if (rc != OB_OK && rc != OB_ENOTFOUND)
		goto out;
	out->has_current = rc == OB_OK;
	rc = OB_OK;
	out->status = s.status;
	out->policy = policy_get(m.policy);
	snprintf(out->currency, sizeof(out->currency), "%s", m.currency);
	out->paused = out->has_current && out->current.status == CLOSURE_PAUSED;

	if (out->paused) {
		/* one state at a time: vacation mode ends before a closure starts */
		it = add(out, "account_paused", 0);
		it->blocking = 1;
		out->ready = 0;
		snprintf(it->message, sizeof(it->message), "Your account is paused (vacation mode): resume it"
			 " first. Confirming a closure turns your listings off anyway.");
		action(it, "DELETE", "/api/v1/account/pause", "Resume the account");
	}
	if (c.open_orders) {
		it = add(out, "open_orders", CHECK_OPEN_ORDERS);
		it->count = c.open_orders;
		snprintf(it->message, sizeof(it->message), "%lld open order%s not yet delivered or cancelled:"
			 " ship or cancel %s.", (long long)c.open_orders, c.open_orders == 1 ? " is" : "s are",
			 c.open_orders == 1 ? "it" : "them");
		action(it, "GET", "/api/v1/orders?status=unshipped", "Review open orders");
	}
	if (c.open_disputes) {
		it = add(out, "open_disputes", CHECK_OPEN_DISPUTES);
		it->count = c.open_disputes;
		it->amount_minor = c.open_disputes_minor;
		snprintf(it->message, sizeof(it->message), "%lld open dispute%s or claim%s (%s) must be resolved.",
			 (long long)c.open_disputes, c.open_disputes == 1 ? "" : "s",
			 c.open_disputes == 1 ? "" : "s", money(c.open_disputes_minor, m.currency, a, sizeof(a)));
		action(it, "GET", "/api/v1/disputes?status=open", "Resolve disputes");
	}
	if (b.available > 0) {
		it = add(out, "available_balance", CHECK_AVAILABLE_BALANCE);
		it->amount_minor = b.available;
		snprintf(it->message, sizeof(it->message), "%s is available: withdraw it to your bank account.",
			 money(b.available, m.currency, a, sizeof(a)));
		action(it, "POST", "/api/v1/payouts", "Withdraw everything");
	}
	if (c.payouts_in_flight) {
		it = add(out, "payouts_in_flight", CHECK_PAYOUTS_IN_FLIGHT);
		it->count = c.payouts_in_flight;
		it->amount_minor = c.payouts_in_flight_minor;
		snprintf(it->message, sizeof(it->message), "%s is on its way to your bank in %lld payout%s;"
			 " wait until it arrives.", money(c.payouts_in_flight_minor, m.currency, a, sizeof(a)),
			 (long long)c.payouts_in_flight, c.payouts_in_flight == 1 ? "" : "s");
		action(it, "GET", "/api/v1/payouts", "Track payouts");
	}
	if (b.debt > 0) {
		it = add(out, "negative_balance", CHECK_NEGATIVE_BALANCE);
		it->amount_minor = b.debt;
		snprintf(it->message, sizeof(it->message), "Your balance is negative: you owe %s.",
			 money(b.debt, m.currency, a, sizeof(a)));
		action(it, "GET", "/api/v1/account/balance", "See what you owe");
	}
	if (c.fulfilment_units) {
		it = add(out, "fulfilment_inventory", CHECK_FULFILMENT_INVENTORY);
		it->count = c.fulfilment_units;
		snprintf(it->message, sizeof(it->message), "%lld unit%s of %lld product%s %s in fulfilment"
			 " centres: have them removed or sold.", (long long)c.fulfilment_units,
			 c.fulfilment_units == 1 ? "" : "s", (long long)c.fulfilment_skus,
			 c.fulfilment_skus == 1 ? "" : "s", c.fulfilment_units == 1 ? "is" : "are");
		action(it, "GET", "/api/v1/inventory", "See inventory");
	}
	if (c.return_window_orders) {
		it = add(out, "return_window", CHECK_RETURN_WINDOW);
		it->count = c.return_window_orders;
		it->until = c.return_window_ends_at;
		snprintf(it->message, sizeof(it->message), "%lld delivered order%s can still be returned,"
			 " until %s%s.", (long long)c.return_window_orders,
			 c.return_window_orders == 1 ? "" : "s", date(c.return_window_ends_at, d, sizeof(d)),
			 it->blocking ? "" : "; the reserve covers returns after closure");
		action(it, "GET", "/api/v1/orders?status=delivered", "See these orders");
	}
	if (c.active_listings) {
		it = add(out, "active_listings", 0);
		it->count = c.active_listings;
		snprintf(it->message, sizeof(it->message), "%lld active listing%s will be turned off when you"
			 " confirm.", (long long)c.active_listings, c.active_listings == 1 ? "" : "s");
		action(it, "GET", "/api/v1/listings?status=active", "See listings");
	}
	if (c.active_services) {
		it = add(out, "active_services", 0);
		it->count = c.active_services;
		it->amount_minor = c.active_services_minor;
		snprintf(it->message, sizeof(it->message), "%lld paid service%s (%s a month) end%s when the"
			 " account closes, and %s fees stop then.", (long long)c.active_services,
			 c.active_services == 1 ? "" : "s", money(c.active_services_minor, m.currency, a, sizeof(a)),
			 c.active_services == 1 ? "s" : "", c.active_services == 1 ? "its" : "their");
		action(it, "GET", "/api/v1/services", "See services");
	}
	{
		int recent = 0;
		if ((rc = export_recent(st, seller_id, now, &recent, err)) != OB_OK)
			goto out;
		if (!recent) {
			it = add(out, "no_recent_export", 0);
			snprintf(it->message, sizeof(it->message), "You have no copy of your data from the"
				 " last %d days: export your orders and records before you go.",
				 EXPORT_RECENT_DAYS);
			action(it, "POST", "/api/v1/account/exports", "Export your data");
		}
	}

	/* Dates: fixed once confirmed; otherwise what confirming now would mean. */
	if (out->has_current && out->current.confirmed_at &&
	    (out->current.status == CLOSURE_CLOSING || out->current.status == CLOSURE_CLOSED)) {
		struct closure_timeline *tl = &out->timeline;
		tl->closing_at = out->current.confirmed_at;
		tl->closes_at = out->current.closes_at;
		tl->reserve_release_at = out->current.reserve_release_at;
		tl->history_ends_at = out->current.history_ends_at;
		tl->erase_at = out->current.erase_at;
		tl->financial_records_until = out->current.erase_at +
					      (int64_t)policy_get(out->current.policy)->retention_financial_days * DAY;
	} else {
		plan(out->policy, now, &out->timeline);
		if (out->has_current && out->current.status == CLOSURE_REQUESTED)
			out->timeline.confirm_by = out->current.token_expires_at;
	}
	/* a legal hold may keep the data past the planned erasure */
	rc = legal_hold_delay(st, seller_id, now, out->timeline.erase_at,
			      &out->timeline.erasure_delayed_until, err);
out:
	if (rc == OB_OK)
		return store_commit(st, err);
	store_rollback(st);
	return rc;
}

/* --- what every transition does besides its own change --- */

static void actor_of(const char *seller_id, char *out, size_t cap)
{
	snprintf(out, cap, "seller:%s", seller_id);
}

/* Audit record, e-mail and webhook event of one transition. */
static enum ob_rc tell(struct store *st, const char *actor, const struct closure *c, const char *action_name,
		       const char *event, const char *subject, const char *body, struct ob_err *err)
{
	char detail[512], closes[32], history[32];
	enum ob_rc rc;

	snprintf(detail, sizeof(detail),
		 "{\"closure_id\":\"%s\",\"method\":\"%s\",\"status\":\"%s\",\"reason\":\"%s\","
		 "\"closes_at\":\"%s\",\"history_ends_at\":\"%s\"}",
		 c->id, c->method == CLOSURE_METHOD_PAUSE ? "pause" : "close", closure_status_names[c->status],
		 c->reason, c->closes_at ? clock_format(c->closes_at, closes, sizeof(closes)) : "",
		 c->history_ends_at ? clock_format(c->history_ends_at, history, sizeof(history)) : "");
	if ((rc = audit_record(st, actor, c->seller_id, action_name, detail, err)) != OB_OK)
		return rc;
	if (event && (rc = notify_event(st, event, c->seller_id, detail, err)) != OB_OK)
		return rc;
	if (subject && (rc = notify_email(st, c->seller_id, subject, body, err)) != OB_OK)
		return rc;
	return OB_OK;
}

static void timeline_text(const struct closure_timeline *tl, char *out, size_t cap)
{
	char a[16], b[16], c[16], d[16];

	snprintf(out, cap,
		 "What happens next:\n"
		 "  - %s: your account closes. Until then you can cancel in Seller Center.\n"
		 "  - %s: what remains of your reserve is paid out to your bank account.\n"
		 "  - %s: read-only access to your history and orders ends.\n"
		 "  - %s: your personal data is erased; financial records the law requires are kept\n"
		 "    without your name.\n",
		 date(tl->closes_at, a, sizeof(a)), date(tl->reserve_release_at, b, sizeof(b)),
		 date(tl->history_ends_at, c, sizeof(c)), date(tl->erase_at, d, sizeof(d)));
}

/* --- transitions --- */

enum ob_rc closure_request(struct store *st, const char *seller_id, const struct closure_input *in,
			   struct readiness *out, struct ob_err *err)
{
	struct seller s;
	struct closure c;
	char token[CRYPTO_TOKEN_LEN + 1], body[2048], plan_text[768], when[16], actor[64];
	const struct notify_settings *ns = notify_settings();
	int64_t now = clock_now();
	enum ob_rc rc;

	memset(&c, 0, sizeof(c));
	if (!reason_known(in->reason))
		return ob_fail(err, OB_EINVAL, "invalid_reason", "reason", "choose one of the listed reasons");
	if ((rc = text_copy_lines(c.reason_text, CLOSURE_REASON_TEXT_MAX + 1, in->reason_text, 0, "reason_text",
				  err)) != OB_OK)
		return rc;
	if (!in->acknowledge)
		return ob_fail(err, OB_EINVAL, "acknowledgement_required", "acknowledge",
			       "confirm that you have read what will happen (acknowledge: true)");
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_seller_get(st, seller_id, &s, err)) != OB_OK ||
	    (rc = closure_readiness(st, seller_id, now, out, err)) != OB_OK)
		goto fail;
	if (s.status == SELLER_CLOSURE_REQUESTED || s.status == SELLER_CLOSING) {
		rc = ob_fail(err, OB_ECONFLICT, "closure_in_progress", NULL,
			     "a closure is already %s; cancel it first to start again",
			     s.status == SELLER_CLOSING ? "confirmed" : "waiting for confirmation");
		goto fail;
	}
	if (s.status != SELLER_ACTIVE) {
		rc = ob_fail(err, OB_ECONFLICT, "account_closed", NULL, "this account is closed");
		goto fail;
	}
	if (now - in->password_at > (int64_t)out->policy->step_up_minutes * 60 ||
	    (s.totp_secret[0] && now - in->totp_at > (int64_t)out->policy->step_up_minutes * 60)) {
		rc = ob_fail(err, OB_EAUTH, "step_up_required", "password",
			     s.totp_secret[0] ? "enter your password and authenticator code again"
					      : "enter your password again");
		goto fail;
	}
	if (!out->ready) {
		rc = ob_fail(err, OB_ECONFLICT, "not_ready", NULL,
			     "resolve the blockers first: they are listed with what to do");
		goto fail;
	}
	id_new("clo", c.id);
	snprintf(c.seller_id, sizeof(c.seller_id), "%s", seller_id);
	c.method = CLOSURE_METHOD_CLOSE;
	c.status = CLOSURE_REQUESTED;
	snprintf(c.reason, sizeof(c.reason), "%s", in->reason);
	snprintf(c.policy, sizeof(c.policy), "%s", out->policy->name);
	crypto_token_new(token);
	crypto_hash_hex(token, CRYPTO_TOKEN_LEN, c.token_hash);
	c.requested_at = now;
	c.token_expires_at = now + (int64_t)out->policy->confirm_hours * 3600;
	actor_of(seller_id, actor, sizeof(actor));
	timeline_text(&out->timeline, plan_text, sizeof(plan_text));
	snprintf(body, sizeof(body),
		 "You asked to close your seller account. To confirm, open this link by %s (UTC):\n\n"
		 "  %s/close/confirm#token=%s\n\n"
		 "If confirmed today:\n%s\n"
		 "If you did not ask for this, ignore this message and change your password.\n",
		 date(c.token_expires_at, when, sizeof(when)), ns->public_url ? ns->public_url : "", token,
		 plan_text);
	if ((rc = store_closure_insert(st, &c, err)) != OB_OK ||
	    (rc = store_seller_set_status(st, seller_id, SELLER_CLOSURE_REQUESTED, now, err)) != OB_OK ||
	    (rc = jobs_schedule(st, "closure_expire", NULL, c.id, c.token_expires_at, err)) != OB_OK ||
	    (rc = tell(st, actor, &c, "closure.requested", "closure.requested",
		       "Confirm the closure of your seller account", body, err)) != OB_OK)
		goto fail;
	if ((rc = store_commit(st, err)) != OB_OK)
		goto wipe;
	if (ns->smtp_url == NULL || ns->smtp_url[0] == '\0')
		log_kv(LOG_INFO, "closure confirmation link (no SMTP configured)", "seller_id", seller_id,
		       "link_token", token, NULL);
	rc = closure_readiness(st, seller_id, now, out, err);
	goto wipe;
fail:
	store_rollback(st);
wipe:
	crypto_wipe(token, sizeof(token));
	crypto_wipe(body, sizeof(body));
	crypto_wipe(&s, sizeof(s));
	return rc;
}

enum ob_rc closure_confirm(struct store *st, const char *seller_id, const char *token,
			   struct readiness *out, struct ob_err *err)
{
	struct closure c;
	struct closure_timeline tl;
	char hash[CRYPTO_HASH_HEX_LEN + 1], body[1024], plan_text[768], actor[64];
	int64_t now = clock_now(), changed = 0;
	enum ob_rc rc;

	if (token == NULL || strlen(token) != CRYPTO_TOKEN_LEN)
		return ob_fail(err, OB_ENOTFOUND, "invalid_token", "token", "this link is not valid");
	crypto_hash_hex(token, CRYPTO_TOKEN_LEN, hash);
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	rc = store_closure_by_token(st, hash, &c, err);
	if (rc == OB_ENOTFOUND || (rc == OB_OK && (strcmp(c.seller_id, seller_id) != 0 ||
						   c.status != CLOSURE_REQUESTED))) {
		rc = ob_fail(err, OB_ENOTFOUND, "invalid_token", "token",
			     "this link is not valid: it was used, cancelled, or belongs to another account");
		goto fail;
	}
	if (rc != OB_OK)
		goto fail;
	if (now >= c.token_expires_at) {
		rc = ob_fail(err, OB_EGONE, "token_expired", "token", "this link has expired; request closure again");
		goto fail;
	}
	/* Readiness again, under the write lock: an order that came in since
	 * the request blocks the confirmation, and none can come in after it. */
	if ((rc = closure_readiness(st, seller_id, now, out, err)) != OB_OK)
		goto fail;
	if (!out->ready) {
		rc = ob_fail(err, OB_ECONFLICT, "not_ready", NULL,
			     "something new stands in the way: resolve it, then open the link again");
		goto fail;
	}
	plan(policy_get(c.policy), now, &tl);
	c.status = CLOSURE_CLOSING;
	c.token_hash[0] = '\0';
	c.confirmed_at = now;
	c.closes_at = tl.closes_at;
	c.reserve_release_at = tl.reserve_release_at;
	c.history_ends_at = tl.history_ends_at;
	c.erase_at = tl.erase_at;
	actor_of(seller_id, actor, sizeof(actor));
	timeline_text(&tl, plan_text, sizeof(plan_text));
	snprintf(body, sizeof(body),
		 "Your seller account is closing. Your listings are now inactive and no new orders\n"
		 "can be placed.\n\n%s\nYou can cancel until your account closes, in Seller Center under\n"
		 "Account Information > Close Account.\n", plan_text);
	if ((rc = store_closure_update(st, &c, err)) != OB_OK ||
	    (rc = store_seller_set_status(st, seller_id, SELLER_CLOSING, now, err)) != OB_OK ||
	    (rc = store_listings_deactivate(st, seller_id, now, &changed, err)) != OB_OK ||
	    (rc = jobs_schedule(st, "closure_close", NULL, c.id, c.closes_at, err)) != OB_OK ||
	    (rc = tell(st, actor, &c, "closure.confirmed", "closure.confirmed",
		       "Your seller account is closing", body, err)) != OB_OK)
		goto fail;
	if ((rc = store_commit(st, err)) != OB_OK)
		return rc;
	return closure_readiness(st, seller_id, now, out, err);
fail:
	store_rollback(st);
	return rc;
}

enum ob_rc closure_cancel(struct store *st, const char *seller_id, struct readiness *out,
			  struct ob_err *err)
{
	struct seller s;
	struct closure c;
	char actor[64];
	int64_t now = clock_now();
	enum ob_rc rc;

	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_seller_get(st, seller_id, &s, err)) != OB_OK)
		goto fail;
	crypto_wipe(&s.password_hash, sizeof(s.password_hash));
	if (s.status == SELLER_CLOSED || s.status == SELLER_PURGED) {
		rc = ob_fail(err, OB_ECONFLICT, "account_closed", NULL, "the account is already closed");
		goto fail;
	}
	rc = store_closure_current(st, seller_id, &c, err);
	if (rc == OB_ENOTFOUND || (rc == OB_OK && c.status != CLOSURE_REQUESTED && c.status != CLOSURE_CLOSING)) {
		rc = ob_fail(err, OB_ECONFLICT, "no_closure", NULL, "there is no closure to cancel");
		goto fail;
	}
	if (rc != OB_OK)
		goto fail;
	c.status = CLOSURE_CANCELLED;
	c.token_hash[0] = '\0';
	c.ended_at = now;
	actor_of(seller_id, actor, sizeof(actor));
	if ((rc = store_closure_update(st, &c, err)) != OB_OK ||
	    (rc = store_seller_set_status(st, seller_id, SELLER_ACTIVE, now, err)) != OB_OK ||
	    (rc = tell(st, actor, &c, "closure.cancelled", "closure.cancelled",
		       "Your account closure is cancelled",
		       "You cancelled the closure of your seller account: it is active again.\n"
		       "Your listings stay inactive until you turn them back on in Seller Center.\n",
		       err)) != OB_OK)
		goto fail;
	if ((rc = store_commit(st, err)) != OB_OK)
		return rc;
	return closure_readiness(st, seller_id, now, out, err);
fail:
	store_rollback(st);
	return rc;
}

enum ob_rc closure_pause(struct store *st, const char *seller_id, const char *reason,
			 struct readiness *out, struct ob_err *err)
{
	struct seller s;
	struct closure c, cur;
	char actor[64];
	int64_t now = clock_now(), changed = 0;
	enum ob_rc rc;

	if (reason && !reason_known(reason))
		return ob_fail(err, OB_EINVAL, "invalid_reason", "reason", "choose one of the listed reasons");
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_seller_get(st, seller_id, &s, err)) != OB_OK)
		goto fail;
	crypto_wipe(&s.password_hash, sizeof(s.password_hash));
	if (s.status != SELLER_ACTIVE) {
		rc = ob_fail(err, OB_ECONFLICT, "closure_in_progress", NULL,
			     "the account is %s: pausing is for active accounts", seller_status_name(s.status));
		goto fail;
	}
	rc = store_closure_current(st, seller_id, &cur, err);
	if (rc == OB_OK && cur.status == CLOSURE_PAUSED) {
		rc = ob_fail(err, OB_ECONFLICT, "already_paused", NULL, "the account is already paused");
		goto fail;
	}
	if (rc != OB_OK && rc != OB_ENOTFOUND)
		goto fail;
	memset(&c, 0, sizeof(c));
	id_new("clo", c.id);
	snprintf(c.seller_id, sizeof(c.seller_id), "%s", seller_id);
	c.method = CLOSURE_METHOD_PAUSE;
	c.status = CLOSURE_PAUSED;
	snprintf(c.reason, sizeof(c.reason), "%s", reason ? reason : "vacation");
	snprintf(c.policy, sizeof(c.policy), "default");
	c.requested_at = now;
	actor_of(seller_id, actor, sizeof(actor));
	if ((rc = store_closure_insert(st, &c, err)) != OB_OK ||
	    (rc = store_listings_pause(st, seller_id, now, &changed, err)) != OB_OK ||
	    (rc = tell(st, actor, &c, "account.paused", NULL, NULL, NULL, err)) != OB_OK)
		goto fail;
	if ((rc = store_commit(st, err)) != OB_OK)
		return rc;
	return closure_readiness(st, seller_id, now, out, err);
fail:
	store_rollback(st);
	return rc;
}

enum ob_rc closure_resume(struct store *st, const char *seller_id, struct readiness *out,
			  struct ob_err *err)
{
	struct closure c;
	char actor[64];
	int64_t now = clock_now(), changed = 0;
	enum ob_rc rc;

	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	rc = store_closure_current(st, seller_id, &c, err);
	if (rc == OB_ENOTFOUND || (rc == OB_OK && c.status != CLOSURE_PAUSED)) {
		rc = ob_fail(err, OB_ECONFLICT, "not_paused", NULL, "the account is not paused");
		goto fail;
	}
	if (rc != OB_OK)
		goto fail;
	c.status = CLOSURE_RESUMED;
	c.ended_at = now;
	actor_of(seller_id, actor, sizeof(actor));
	if ((rc = store_closure_update(st, &c, err)) != OB_OK ||
	    (rc = store_listings_resume(st, seller_id, now, &changed, err)) != OB_OK ||
	    (rc = tell(st, actor, &c, "account.resumed", NULL, NULL, NULL, err)) != OB_OK)
		goto fail;
	if ((rc = store_commit(st, err)) != OB_OK)
		return rc;
	return closure_readiness(st, seller_id, now, out, err);
fail:
	store_rollback(st);
	return rc;
}

/* --- jobs: each re-reads its closure and changes it in one transaction --- */

static enum ob_rc expire(struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	struct closure c;
	enum ob_rc rc = store_closure_get(st, job->payload, &c, err);

	if (rc != OB_OK)
		return rc;
	/* confirmed or cancelled meanwhile: nothing to do */
	if (c.status != CLOSURE_REQUESTED || now < c.token_expires_at)
		return OB_OK;
	c.status = CLOSURE_EXPIRED;
	c.token_hash[0] = '\0';
	c.ended_at = now;
	if ((rc = store_closure_update(st, &c, err)) != OB_OK ||
	    (rc = store_seller_set_status(st, c.seller_id, SELLER_ACTIVE, now, err)) != OB_OK)
		return rc;
	return tell(st, "system", &c, "closure.expired", "closure.cancelled",
		    "Your account closure request expired",
		    "You asked to close your seller account but did not confirm it in time, so your\n"
		    "account stays open. You can ask again at any time.\n", err);
}

/* One release job per closure and date, however often it is scheduled. */
static enum ob_rc schedule_release(struct store *st, const struct closure *c, struct ob_err *err)
{
	char key[96];

	snprintf(key, sizeof(key), "reserve-release:%s:%lld", c->id, (long long)c->reserve_release_at);
	return jobs_schedule(st, "reserve_release", key, c->id, c->reserve_release_at, err);
}

/* More services than a seller can hold (the service API makes one per
 * subscription). */
#define SERVICES_MAX 1000

/* Fees stop at closure: each active service is charged for the days of
 * the current month it ran, rounded down (the seller never pays for a day
 * they did not have), and then ends. */
static enum ob_rc final_fees(struct store *st, const char *seller_id, const struct policy *p, int64_t now,
			     struct ob_err *err)
{
	struct service *sv = calloc(SERVICES_MAX, sizeof(*sv));
	struct ledger_txn t;
	char memo[200], when[32];
	size_t n = 0;
	enum ob_rc rc = sv ? store_services_list(st, seller_id, sv, SERVICES_MAX, &n, err)
			   : ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	time_t tt = (time_t)now;
	struct tm tm;
	int64_t month_start, days_in_month, days_used;

	if (rc != OB_OK)
		goto out;
	gmtime_r(&tt, &tm);
	days_in_month = tm.tm_mon == 1 ? ((tm.tm_year % 4 == 0 && (tm.tm_year + 1900) % 100 != 0) ||
					  (tm.tm_year + 1900) % 400 == 0 ? 29 : 28)
			: (tm.tm_mon == 3 || tm.tm_mon == 5 || tm.tm_mon == 8 || tm.tm_mon == 10) ? 30 : 31;
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	month_start = (int64_t)timegm(&tm);
	for (size_t i = 0; i < n && p->fee_proration_daily; i++) {
		int64_t since = sv[i].started_at > month_start ? sv[i].started_at : month_start;
		int64_t fee;
		struct ledger_input li;
		if (!sv[i].active)
			continue;
		days_used = (now - since) / DAY;
		fee = sv[i].monthly_fee_minor * days_used / days_in_month;
		if (fee <= 0)
			continue;
		snprintf(memo, sizeof(memo), "%s: %lld of %lld days of this month, until closure",
			 service_kind_names[sv[i].kind], (long long)days_used, (long long)days_in_month);
		li = (struct ledger_input){ .seller_id = seller_id, .type = "fee", .amount_minor = fee,
					    .currency = sv[i].currency, .memo = memo,
					    .created_at = clock_format(now, when, sizeof(when)) };
		if ((rc = ledger_post_internal(st, &li, &t, err)) != OB_OK)
			goto out;
	}
out:
	free(sv);
	return rc;
}

/* The seller's sales (ledger "sale" entries) since from. */
static enum ob_rc sales_since(struct store *st, const char *seller_id, int64_t from, int64_t *sum,
			      struct ob_err *err)
{
	struct ledger_txn *rows = calloc(200, sizeof(*rows));
	struct page_query q = { .seller_id = seller_id, .status = -1, .from = from, .limit = 200 };
	char after[ID_MAX];
	size_t n = 0;
	enum ob_rc rc = OB_OK;

	*sum = 0;
	if (rows == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	do {
		if ((rc = store_ledger_list(st, &q, rows, &n, err)) != OB_OK)
			break;
		for (size_t i = 0; i < n; i++)
			if (strcmp(rows[i].type, "sale") == 0 && money_add(sum, rows[i].amount_minor) < 0)
				*sum = MONEY_MAX;
		if (n == q.limit) {
			q.after_time = rows[n - 1].created_at;
			snprintf(after, sizeof(after), "%s", rows[n - 1].id);
			q.after_id = after;
		}
	} while (n == q.limit);
	free(rows);
	return rc;
}

/* What is available at closure moves to the reserve, as much as the
 * policy holds back (everything by default, else the larger of a minimum
 * and a share of recent sales); the rest is paid out at once. */
static enum ob_rc hold_reserve(struct store *st, const struct closure *c, int64_t now, struct ob_err *err)
{
	const struct policy *p = policy_get(c->policy);
	struct balance_view b;
	struct ledger_txn t;
	struct ledger_input li;
	struct payout out;
	struct payout_input pi;
	int64_t hold, sales = 0;
	enum ob_rc rc = ledger_balances(st, c->seller_id, &b, err);

	if (rc != OB_OK || b.available <= 0)
		return rc;
	hold = b.available;
	if (p->reserve_share_percent < 100 || p->reserve_minimum_minor >= 0) {
		if ((rc = sales_since(st, c->seller_id, now - (int64_t)p->reserve_days * DAY, &sales, err)) != OB_OK)
			return rc;
		hold = sales / 100 * p->reserve_share_percent + sales % 100 * p->reserve_share_percent / 100;
		if (p->reserve_minimum_minor > hold)
			hold = p->reserve_minimum_minor;
		if (hold > b.available)
			hold = b.available;
	}
	if (hold < b.available) {
		/* the rest goes out now; when it cannot (no bank account, under the
		 * minimum), the reserve keeps it until its release */
		pi = (struct payout_input){ .seller_id = c->seller_id, .amount_minor = b.available - hold };
		rc = payout_request(st, &pi, &out, err);
		if (rc == OB_ECONFLICT || rc == OB_EINVAL)
			hold = b.available;
		else if (rc != OB_OK)
			return rc;
	}
	if (hold > 0) {
		li = (struct ledger_input){ .seller_id = c->seller_id, .type = "reserve_hold", .amount_minor = hold,
					    .currency = b.currency, .memo = "held at closure for refunds and claims" };
		if ((rc = ledger_post_internal(st, &li, &t, err)) != OB_OK)
			return rc;
	}
	return OB_OK;
}

static enum ob_rc close_now(struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	struct closure c;
	char body[512], until[16];
	int64_t changed = 0;
	enum ob_rc rc = store_closure_get(st, job->payload, &c, err);

	if (rc != OB_OK)
		return rc;
	/* cancelled meanwhile: nothing to do */
	if (c.status != CLOSURE_CLOSING || now < c.closes_at)
		return OB_OK;
	c.status = CLOSURE_CLOSED;
	c.closed_at = now;
	snprintf(body, sizeof(body),
		 "Your seller account is closed. You can no longer sell, and Seller Center sign-in\n"
		 "now opens your history read-only: orders, ledger, payouts, disputes and exports,\n"
		 "until %s.\n", date(c.history_ends_at, until, sizeof(until)));
	if ((rc = final_fees(st, c.seller_id, policy_get(c.policy), now, err)) != OB_OK ||
	    (rc = hold_reserve(st, &c, now, err)) != OB_OK ||
	    (rc = store_closure_update(st, &c, err)) != OB_OK ||
	    (rc = store_seller_set_status(st, c.seller_id, SELLER_CLOSED, now, err)) != OB_OK ||
	    (rc = store_listings_deactivate(st, c.seller_id, now, &changed, err)) != OB_OK ||
	    (rc = store_services_terminate(st, c.seller_id, now, &changed, err)) != OB_OK ||
	    (rc = store_sessions_end(st, c.seller_id, err)) != OB_OK ||
	    (rc = schedule_release(st, &c, err)) != OB_OK ||
	    (rc = purge_schedule(st, c.seller_id, c.erase_at, err)) != OB_OK)
		return rc;
	return tell(st, "system", &c, "account.closed", "account.closed", "Your seller account is closed",
		    body, err);
}

/* Days a release waits again when claims are still open on its date. */
#define RELEASE_RECHECK_DAYS 7

/* On the reserve's date: what is left of it is paid out as the final
 * payout; open claims postpone it, saying why and until when. */
static enum ob_rc release(struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	struct closure c;
	struct readiness_counts rc_counts;
	struct balance_view b;
	struct ledger_txn t;
	struct ledger_input li;
	struct payout p;
	struct payout_input pi;
	char body[1024], detail[256], until[16], amount[40];
	enum ob_rc rc = store_closure_get(st, job->payload, &c, err);

	if (rc != OB_OK)
		return rc;
	/* ended_at marks a closed closure's reserve as released: a run again
	 * after a crash between this commit and the job's record does nothing */
	if (c.status != CLOSURE_CLOSED || now < c.reserve_release_at || c.ended_at)
		return OB_OK;
	if ((rc = store_readiness_counts(st, c.seller_id, now, &rc_counts, err)) != OB_OK ||
	    (rc = ledger_balances(st, c.seller_id, &b, err)) != OB_OK)
		return rc;
	if (rc_counts.open_disputes > 0) {
		c.reserve_release_at = now + RELEASE_RECHECK_DAYS * DAY;
		if (c.erase_at < c.reserve_release_at)
			c.erase_at = c.reserve_release_at;
		snprintf(body, sizeof(body),
			 "Your final payout is postponed until %s: %lld claim%s against your account %s still\n"
			 "open, and the reserve covers them. Nothing is held longer than they need.\n",
			 date(c.reserve_release_at, until, sizeof(until)), (long long)rc_counts.open_disputes,
			 rc_counts.open_disputes == 1 ? "" : "s", rc_counts.open_disputes == 1 ? "is" : "are");
		if ((rc = store_closure_update(st, &c, err)) != OB_OK ||
		    (rc = schedule_release(st, &c, err)) != OB_OK)
			return rc;
		return tell(st, "system", &c, "reserve.postponed", NULL, "Your final payout is postponed", body, err);
	}
	if (b.reserved > 0) {
		li = (struct ledger_input){ .seller_id = c.seller_id, .type = "reserve_release",
					    .amount_minor = b.reserved, .currency = b.currency,
					    .memo = "reserve period ended" };
		if ((rc = ledger_post_internal(st, &li, &t, err)) != OB_OK)
			return rc;
	}
	if ((rc = ledger_balances(st, c.seller_id, &b, err)) != OB_OK)
		return rc;
	if (b.available > 0) {
		pi = (struct payout_input){ .seller_id = c.seller_id };
		if ((rc = payout_request(st, &pi, &p, err)) != OB_OK)
			return rc;
	}
	money_decimal(b.available, b.currency, amount, sizeof(amount));
	snprintf(body, sizeof(body),
		 "The reserve period of your closed account has ended. %s %s %s.\n%s"
		 "Your statement lists every movement since you asked to close.\n", amount, b.currency,
		 b.available > 0 ? "is on its way to your bank account as your final payout" : "was left to pay out",
		 b.debt > 0 ? "You still owe an amount shown in your statement.\n" : "");
	snprintf(detail, sizeof(detail), "{\"closure_id\":\"%s\",\"final_payout_minor\":%lld,\"currency\":\"%s\"}",
		 c.id, (long long)(b.available > 0 ? b.available : 0), b.currency);
	c.ended_at = now;
	if ((rc = store_closure_update(st, &c, err)) != OB_OK ||
	    (rc = audit_record(st, "system", c.seller_id, "reserve.released", detail, err)) != OB_OK ||
	    (rc = notify_event(st, "reserve.released", c.seller_id, detail, err)) != OB_OK)
		return rc;
	return notify_email(st, c.seller_id, "Your final payout and statement", body, err);
}

static enum ob_rc in_transaction(enum ob_rc (*fn)(struct store *, const struct job *, int64_t, struct ob_err *),
			     struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	enum ob_rc rc = store_begin(st, 1, err);

	if (rc != OB_OK)
		return rc;
	if ((rc = fn(st, job, now, err)) != OB_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

enum ob_rc closure_job_expire(struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	return in_transaction(expire, st, job, now, err);
}

enum ob_rc closure_job_close(struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	return in_transaction(close_now, st, job, now, err);
}

enum ob_rc closure_job_release(struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	return in_transaction(release, st, job, now, err);
}

enum ob_rc closure_history_ends(struct store *st, const char *seller_id, int64_t *ends_at,
				struct ob_err *err)
{
	struct closure c;
	enum ob_rc rc = store_closure_current(st, seller_id, &c, err);

	*ends_at = rc == OB_OK && c.status == CLOSURE_CLOSED ? c.history_ends_at : 0;
	return rc == OB_ENOTFOUND ? OB_OK : rc;
}
