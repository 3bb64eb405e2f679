/* cmd_demo.c: `offboard demo`: loads the demo marketplace, whose sellers
 * each show one situation a seller can be in when closing the account, and
 * prints how to sign in as each of them.
 *
 * Everything goes through the domain functions, as the operator API would
 * send it, in one transaction: the demo is loaded whole or not at all. The
 * data is the same every time (a fixed seed), dated back from now; where
 * the domain stamps a record with "now" (sellers, listings, payout
 * transitions) the clock is pinned to the moment in the past it happened. */
#include "cli/cli.h"

#include "core/clock.h"
#include "core/totp.h"
#include "domain/auth.h"
#include "domain/dispute.h"
#include "domain/inventory.h"
#include "domain/ledger.h"
#include "domain/listing.h"
#include "domain/marketplace.h"
#include "domain/order.h"
#include "domain/payout.h"
#include "domain/seller.h"
#include "domain/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_ID "demo"
#define DEMO_NAME "Demo Marketplace"
#define DEMO_CURRENCY "USD"
#define DEMO_PASSWORD "demo-password"
#define DEMO_SEED UINT64_C(0x6f6666626f617264)   /* "offboard" */
#define DAY 86400
#define FEE_PERCENT 15                          /* the marketplace's referral fee */
#define MAX_LISTINGS 12
#define LARGE_ORDERS 20000
#define LARGE_DAYS (3 * 365)

static const char usage[] =
	"usage: offboard demo [--db URL]\n"
	"\n"
	"Loads the demo marketplace (id demo): one seller for each situation a seller\n"
	"can be in when closing the account, from ready to close to a large seller with\n"
	"years of history. Prints each seller's e-mail, password and what it shows.\n"
	"When the demo is already loaded, only prints the table.\n";

struct demo {
	struct store *st;
	int64_t now;
	uint64_t rng;
	struct seller s;                 /* the seller being loaded */
	size_t products[MAX_LISTINGS];   /* what it lists, indexes of gen_products */
	size_t nproducts;
	struct order last;               /* the last order made */
	char totp_secret[TOTP_SECRET_B32_MAX];
};

struct who {
	const char *email;
	const char *display_name;
	const char *legal_name;
	const char *iban;
	int joined_days;                 /* selling since, days ago */
	int listings;
	int plan;                        /* pays for a selling plan */
	const char *shows;
	enum ob_rc (*load)(struct demo *d, struct ob_err *err);
};

/* --- building blocks --- */

/* Makes an order of the seller: delivered at delivered (0 when not), of
 * one item worth total, or one or two of its products when total is 0. */
static enum ob_rc add_order(struct demo *d, const char *status, int64_t placed, int64_t delivered,
			    int64_t total, struct ob_err *err)
{
	struct order_input in;
	char placed_s[32], delivered_s[32], buyer[96], address[256];
	const char *first, *last;

	memset(&in, 0, sizeof(in));
	gen_name(&d->rng, &first, &last);
	snprintf(buyer, sizeof(buyer), "%s %s", first, last);
	gen_address(&d->rng, address, sizeof(address));
	in.seller_id = d->s.id;
	in.status = status;
	in.currency = DEMO_CURRENCY;
	in.buyer_name = buyer;
	in.ship_address = address;
	in.placed_at = clock_format(placed, placed_s, sizeof(placed_s));
	in.delivered_at = delivered ? clock_format(delivered, delivered_s, sizeof(delivered_s)) : NULL;
	in.nitems = total || gen_rand(&d->rng) % 4 ? 1 : 2;
	for (size_t i = 0; i < in.nitems; i++) {
		const struct gen_product *p = &gen_products[d->products[gen_rand(&d->rng) % d->nproducts]];
		in.items[i].sku = p->sku;
		in.items[i].title = p->title;
		in.items[i].quantity = total || gen_rand(&d->rng) % 5 ? 1 : 2;
		in.items[i].unit_price_minor = total ? total : p->price_minor;
		in.total_minor += in.items[i].quantity * in.items[i].unit_price_minor;
	}
	return order_create(d->st, &in, &d->last, err);
}

static enum ob_rc post(struct demo *d, const char *type, int64_t amount, int64_t at,
		       const char *order_id, const char *memo, struct ob_err *err)
{
	char when[32];
	struct ledger_txn t;
	struct ledger_input in = { .seller_id = d->s.id, .type = type, .amount_minor = amount,
				   .currency = DEMO_CURRENCY, .order_id = order_id, .memo = memo,
				   .created_at = clock_format(at, when, sizeof(when)) };

	return ledger_post(d->st, &in, &t, err);
}

/* Books the money of the last order, delivered: the sale when delivered,
 * then, once its return window has ended, the release to available and the
 * marketplace's fee. *net (may be NULL) gets what became available. */
static enum ob_rc book_sale(struct demo *d, int64_t *net, struct ob_err *err)
{
	const struct order *o = &d->last;
	int64_t fee = o->total_minor * FEE_PERCENT / 100;
	enum ob_rc rc;

	if (net)
		*net = 0;
	if ((rc = post(d, "sale", o->total_minor, o->delivered_at, o->id, "order delivered", err)) != OB_OK ||
	    o->return_window_ends_at > d->now)
		return rc;
	if ((rc = post(d, "release", o->total_minor, o->return_window_ends_at, o->id,
		       "return window ended", err)) != OB_OK ||
	    (rc = post(d, "fee", fee, o->return_window_ends_at, o->id, "referral fee", err)) != OB_OK)
		return rc;
	if (net)
		*net = o->total_minor - fee;
	return OB_OK;
}

/* Pays out amount (0: everything available) requested at at; the payout
 * becomes status ("sent" a day later, "settled" two days later). */
static enum ob_rc withdraw(struct demo *d, int64_t amount, int64_t at, const char *status,
			   struct ob_err *err)
{
	char when[32];
	struct payout p;
	struct payout_input in = { .seller_id = d->s.id, .amount_minor = amount,
				   .requested_at = clock_format(at, when, sizeof(when)) };
	enum ob_rc rc;

	if ((rc = payout_request(d->st, &in, &p, err)) != OB_OK)
		return rc;
	clock_pin(at + (strcmp(status, "sent") == 0 ? 1 : 2) * DAY);
	rc = payout_transition(d->st, p.id, status, NULL, &p, err);
	clock_pin(d->now);
	return rc;
}

/* Gives the seller a past: n orders delivered between from and to days
 * ago, their money released and then paid out, so none of it is left. */
static enum ob_rc history(struct demo *d, int n, int from_days, int to_days, struct ob_err *err)
{
	int64_t first = d->now - (int64_t)from_days * DAY, step = (int64_t)(from_days - to_days) * DAY / n;
	enum ob_rc rc;

	for (int i = 0; i < n; i++) {
		int64_t placed = first + i * step + gen_range(&d->rng, 0, 12 * 3600);
		if ((rc = add_order(d, "delivered", placed, placed + gen_range(&d->rng, 2 * DAY, 4 * DAY),
				    0, err)) != OB_OK ||
		    (rc = book_sale(d, NULL, err)) != OB_OK)
			return rc;
	}
	return withdraw(d, 0, d->last.return_window_ends_at + DAY, "settled", err);
}

/* --- the situations --- */

static enum ob_rc load_ready(struct demo *d, struct ob_err *err)
{
	return history(d, 12, 700, 70, err);
}

static enum ob_rc load_open_orders(struct demo *d, struct ob_err *err)
{
	enum ob_rc rc;

	if ((rc = history(d, 10, 600, 60, err)) != OB_OK ||
	    (rc = add_order(d, "unshipped", d->now - DAY - 3 * 3600, 0, 0, err)) != OB_OK ||
	    (rc = add_order(d, "unshipped", d->now - 2 * DAY, 0, 0, err)) != OB_OK)
		return rc;
	return add_order(d, "shipped", d->now - 3 * DAY - 5 * 3600, 0, 0, err);
}

static enum ob_rc load_claim(struct demo *d, struct ob_err *err)
{
	char opened[32];
	struct dispute dsp;
	struct dispute_input in = { .seller_id = NULL, .kind = "a_to_z_claim", .currency = DEMO_CURRENCY };
	enum ob_rc rc;

	if ((rc = history(d, 10, 500, 65, err)) != OB_OK)
		return rc;
	in.seller_id = d->s.id;
	in.order_id = d->last.id;
	in.amount_minor = d->last.total_minor;
	in.opened_at = clock_format(d->now - 4 * DAY, opened, sizeof(opened));
	return dispute_create(d->st, &in, &dsp, err);
}

static enum ob_rc load_balance(struct demo *d, struct ob_err *err)
{
	/* less 15% fees: 408.00 + 442.00 + 384.56 = 1,234.56 available */
	static const int64_t totals[] = { 48000, 52000, 45242 };
	enum ob_rc rc;

	if ((rc = history(d, 6, 500, 120, err)) != OB_OK)
		return rc;
	for (int i = 0; i < 3; i++) {
		int64_t delivered = d->now - (45 - 5 * i) * DAY;
		if ((rc = add_order(d, "delivered", delivered - 3 * DAY, delivered, totals[i], err)) != OB_OK ||
		    (rc = book_sale(d, NULL, err)) != OB_OK)
			return rc;
	}
	return OB_OK;
}

static enum ob_rc load_payout(struct demo *d, struct ob_err *err)
{
	/* less 15% fees: 425.00 + 297.50 = 722.50 on its way */
	static const int64_t totals[] = { 50000, 35000 };
	enum ob_rc rc;

	if ((rc = history(d, 6, 500, 120, err)) != OB_OK)
		return rc;
	for (int i = 0; i < 2; i++) {
		int64_t delivered = d->now - (50 - 6 * i) * DAY;
		if ((rc = add_order(d, "delivered", delivered - 3 * DAY, delivered, totals[i], err)) != OB_OK ||
		    (rc = book_sale(d, NULL, err)) != OB_OK)
			return rc;
	}
	return withdraw(d, 0, d->now - 3 * DAY, "sent", err);
}

static enum ob_rc load_debt(struct demo *d, struct ob_err *err)
{
	char opened[32], closed[32];
	struct dispute dsp;
	struct dispute_input in = { .kind = "a_to_z_claim", .currency = DEMO_CURRENCY, .status = "closed" };
	int64_t delivered = d->now - 75 * DAY;
	enum ob_rc rc;

	/* an order of 189.99 paid out, then granted to the buyer on an A-to-z
	 * claim: the claim takes 189.99 from an available balance of zero */
	if ((rc = history(d, 8, 500, 120, err)) != OB_OK ||
	    (rc = add_order(d, "delivered", delivered - 4 * DAY, delivered, 18999, err)) != OB_OK ||
	    (rc = book_sale(d, NULL, err)) != OB_OK ||
	    (rc = withdraw(d, 0, d->now - 40 * DAY, "settled", err)) != OB_OK)
		return rc;
	in.seller_id = d->s.id;
	in.order_id = d->last.id;
	in.amount_minor = d->last.total_minor;
	in.opened_at = clock_format(d->now - 20 * DAY, opened, sizeof(opened));
	in.closed_at = clock_format(d->now - 12 * DAY, closed, sizeof(closed));
	if ((rc = dispute_create(d->st, &in, &dsp, err)) != OB_OK)
		return rc;
	return post(d, "claim", d->last.total_minor, d->now - 12 * DAY, d->last.id,
		    "A-to-z claim granted to the buyer", err);
}

static enum ob_rc load_inventory(struct demo *d, struct ob_err *err)
{
	static const int64_t units[] = { 140, 36 };
	struct inventory inv;
	struct service sv;
	struct service_input svc = { .seller_id = NULL, .kind = "fulfilment", .monthly_fee_minor = 2500,
				     .currency = DEMO_CURRENCY };
	enum ob_rc rc;

	if ((rc = history(d, 8, 500, 60, err)) != OB_OK)
		return rc;
	for (int i = 0; i < 2; i++) {
		struct inventory_input in = { .seller_id = d->s.id, .sku = gen_products[d->products[i]].sku,
					      .units = units[i] };
		clock_pin(d->now - (10 + i) * DAY);
		rc = inventory_set(d->st, &in, &inv, err);
		clock_pin(d->now);
		if (rc != OB_OK)
			return rc;
	}
	svc.seller_id = d->s.id;
	clock_pin(d->now - 300 * DAY);
	rc = service_create(d->st, &svc, &sv, err);
	clock_pin(d->now);
	return rc;
}

static enum ob_rc load_returns(struct demo *d, struct ob_err *err)
{
	static const int days_ago[] = { 9, 5, 2 };
	enum ob_rc rc;

	if ((rc = history(d, 8, 500, 60, err)) != OB_OK)
		return rc;
	/* sold, not yet released: the money waits in pending */
	for (int i = 0; i < 3; i++) {
		int64_t delivered = d->now - days_ago[i] * DAY - 4 * 3600;
		if ((rc = add_order(d, "delivered", delivered - 3 * DAY, delivered, 0, err)) != OB_OK ||
		    (rc = book_sale(d, NULL, err)) != OB_OK)
			return rc;
	}
	return OB_OK;
}

static enum ob_rc load_totp(struct demo *d, struct ob_err *err)
{
	char code[TOTP_DIGITS + 1];
	enum ob_rc rc;

	if ((rc = history(d, 6, 400, 60, err)) != OB_OK ||
	    (rc = auth_totp_enrol(d->st, d->s.id, d->totp_secret, err)) != OB_OK)
		return rc;
	if (totp_generate(d->totp_secret, clock_now(), TOTP_DIGITS, code) < 0)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "cannot make a TOTP code");
	return auth_totp_verify(d->st, d->s.id, code, err);
}

/* The status of an order of the large seller placed at placed, and when it
 * was delivered (0 when not). */
static const char *large_fate(struct demo *d, int64_t placed, int64_t *delivered)
{
	int64_t transit = gen_range(&d->rng, 36 * 3600, 5 * DAY);
	unsigned r = (unsigned)(gen_rand(&d->rng) % 1000);

	*delivered = 0;
	if (r < 40)
		return "cancelled";
	if (placed + transit > d->now - 3600)
		return d->now - placed < 18 * 3600 ? (r < 200 ? "pending" : "unshipped") : "shipped";
	*delivered = placed + transit;
	if (r < 60)
		return "refunded";
	if (r < 75)
		return *delivered > d->now - 45 * DAY ? "returned" : "refunded";
	return "delivered";
}

/* A closed dispute about the last order; every other one granted to the
 * buyer (a claim). *net gets what the claim took. */
static enum ob_rc large_dispute(struct demo *d, int n, int64_t *net, struct ob_err *err)
{
	static const char *const kinds[] = { "a_to_z_claim", "return_request", "chargeback" };
	char opened[32], closed[32];
	struct dispute dsp;
	int64_t opened_at = d->last.delivered_at + 5 * DAY, closed_at = opened_at + 9 * DAY;
	struct dispute_input in = { .seller_id = d->s.id, .order_id = d->last.id, .kind = kinds[n % 3],
				    .amount_minor = d->last.total_minor, .currency = DEMO_CURRENCY,
				    .opened_at = clock_format(opened_at, opened, sizeof(opened)),
				    .status = "closed",
				    .closed_at = clock_format(closed_at, closed, sizeof(closed)) };
	enum ob_rc rc;

	*net = 0;
	if ((rc = dispute_create(d->st, &in, &dsp, err)) != OB_OK || n % 3 == 1 || n % 2)
		return rc;
	*net = -d->last.total_minor;
	return post(d, "claim", d->last.total_minor, closed_at, d->last.id, "claim granted to the buyer",
		    err);
}

/* Commits what is loaded so far and opens the same transaction levels
 * again. The large seller's history goes in chunks: on PostgreSQL one
 * transaction that moves the same balance rows tens of thousands of times
 * slows down with every version it keeps until commit. */
static enum ob_rc checkpoint(struct demo *d, struct ob_err *err)
{
	int depth = d->st->depth;
	enum ob_rc rc;

	for (int i = 0; i < depth; i++)
		if ((rc = store_commit(d->st, err)) != OB_OK)
			return rc;
	for (int i = 0; i < depth; i++)
		if ((rc = store_begin(d->st, 1, err)) != OB_OK)
			return rc;
	return OB_OK;
}

static enum ob_rc load_large(struct demo *d, struct ob_err *err)
{
	int64_t start = d->now - (int64_t)LARGE_DAYS * DAY, span = (int64_t)LARGE_DAYS * DAY - 3 * 3600;
	int64_t *net = calloc(LARGE_DAYS + 1, sizeof(*net)), cum = 0, paid = 0;
	int disputes = 0;
	enum ob_rc rc = OB_OK;

	if (net == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	/* evenly over three years, in order of time; what becomes available
	 * (releases less fees, less claims) is kept by day for the payouts */
	for (int i = 0; i < LARGE_ORDERS && rc == OB_OK; i++) {
		int64_t placed = start + (span * i + gen_range(&d->rng, 0, span - 1)) / LARGE_ORDERS;
		int64_t delivered, got;
		const char *status = large_fate(d, placed, &delivered);
		if (i > 0 && i % 1000 == 0 && (rc = checkpoint(d, err)) != OB_OK)
			break;
		if ((rc = add_order(d, status, placed, delivered, 0, err)) != OB_OK)
			break;
		if (strcmp(status, "delivered") == 0) {
			if ((rc = book_sale(d, &got, err)) != OB_OK)
				break;
			if (got)
				net[(d->last.return_window_ends_at - start) / DAY] += got;
			if (i % 1500 == 700 && delivered < d->now - 90 * DAY) {
				rc = large_dispute(d, disputes++, &got, err);
				net[(delivered + 14 * DAY - start) / DAY] += got;
			}
		}
	}
	/* a monthly payout of what had become available, settled two days
	 * later; what became available in the last month is still there */
	for (int day = 29; day < LARGE_DAYS && rc == OB_OK; day += 30) {
		int64_t at = start + (int64_t)(day + 1) * DAY + 3600;
		for (int k = day - 29; k <= day; k++)
			cum += net[k];
		if (cum - paid <= 0 || at + 2 * DAY > d->now)
			continue;
		if ((rc = withdraw(d, cum - paid, at, "settled", err)) == OB_OK)
			paid = cum;
	}
	free(net);
	return rc;
}

static const struct who demo_sellers[] = {
	{ "ready@demo.offboard.test", "Maple & Oak Home", "Maple & Oak Home Goods LLC",
	  "DE89370400440532013000", 730, 4, 0,
	  "ready to close: all orders delivered long ago, balance zero", load_ready },
	{ "open-orders@demo.offboard.test", "Brightside Gadgets", "Brightside Gadgets Inc.",
	  "GB82WEST12345698765432", 640, 5, 1,
	  "open orders: 2 unshipped and 1 shipped", load_open_orders },
	{ "claim@demo.offboard.test", "Cedar Lane Crafts", "Cedar Lane Crafts LLC",
	  "NL91ABNA0417164300", 540, 4, 1,
	  "an open A-to-z claim", load_claim },
	{ "balance@demo.offboard.test", "Northwind Kitchen", "Northwind Kitchen Supply LLC",
	  "FR1420041010050500013M02606", 540, 5, 1,
	  "money to withdraw: $1,234.56 available", load_balance },
	{ "payout@demo.offboard.test", "Harbor Outdoor", "Harbor Outdoor Co.",
	  "ES9121000418450200051332", 540, 4, 1,
	  "a payout in flight: $722.50 sent, not yet settled", load_payout },
	{ "debt@demo.offboard.test", "Willow Pet Supply", "Willow Pet Supply LLC",
	  "BE68539007547034", 540, 4, 1,
	  "a negative balance: owes $189.99 after a granted claim", load_debt },
	{ "inventory@demo.offboard.test", "Summit Fitness", "Summit Fitness Goods Inc.",
	  "AT611904300234573201", 540, 5, 1,
	  "inventory in a fulfilment centre: 176 units", load_inventory },
	{ "returns@demo.offboard.test", "Juniper Books & Paper", "Juniper Paper Co.",
	  "CH9300762011623852957", 540, 4, 1,
	  "orders in their return window: 3 delivered in the last 9 days", load_returns },
	{ "totp@demo.offboard.test", "Atlas Electronics", "Atlas Electronics LLC",
	  "IT60X0542811101000000123456", 450, 4, 1,
	  "two-factor sign-in (TOTP) enrolled", load_totp },
	{ "large@demo.offboard.test", "Evergreen Emporium", "Evergreen Emporium Holdings Inc.",
	  "PL61109010140000071219812874", LARGE_DAYS + 30, 12, 1,
	  "a large seller: 20,000 orders over 3 years", load_large },
};

#define NSELLERS (sizeof(demo_sellers) / sizeof(demo_sellers[0]))

/* Creates the seller of w as it was when it joined, with its listings and
 * selling plan, then loads its situation. */
static enum ob_rc load_seller(struct demo *d, const struct who *w, struct ob_err *err)
{
	char phone[32], address[256];
	size_t pick[32];
	struct seller_input in = { .email = w->email, .password = DEMO_PASSWORD,
				   .display_name = w->display_name, .marketplace = DEMO_ID,
				   .legal_name = w->legal_name, .phone = phone, .address = address,
				   .bank_holder = w->legal_name, .bank_iban = w->iban };
	int64_t joined = d->now - (int64_t)w->joined_days * DAY;
	enum ob_rc rc;

	gen_phone(&d->rng, phone, sizeof(phone));
	gen_address(&d->rng, address, sizeof(address));
	clock_pin(joined);
	rc = seller_create(d->st, &in, &d->s, err);
	clock_pin(d->now);
	if (rc != OB_OK)
		return rc;
	/* w->listings different products, by a partial shuffle */
	for (size_t i = 0; i < gen_nproducts; i++)
		pick[i] = i;
	d->nproducts = (size_t)w->listings;
	for (size_t i = 0; i < d->nproducts; i++) {
		size_t j = i + gen_rand(&d->rng) % (gen_nproducts - i), tmp = pick[i];
		struct listing l;
		struct listing_input li = { .seller_id = d->s.id, .currency = DEMO_CURRENCY };
		pick[i] = pick[j];
		pick[j] = tmp;
		d->products[i] = pick[i];
		li.sku = gen_products[pick[i]].sku;
		li.title = gen_products[pick[i]].title;
		li.price_minor = gen_products[pick[i]].price_minor;
		clock_pin(joined + (int64_t)(i + 1) * DAY);
		rc = listing_create(d->st, &li, &l, err);
		clock_pin(d->now);
		if (rc != OB_OK)
			return rc;
	}
	if (w->plan) {
		struct service sv;
		struct service_input si = { .seller_id = d->s.id, .kind = "selling_plan",
					    .monthly_fee_minor = 3999, .currency = DEMO_CURRENCY };
		clock_pin(joined);
		rc = service_create(d->st, &si, &sv, err);
		clock_pin(d->now);
		if (rc != OB_OK)
			return rc;
	}
	return w->load(d, err);
}

static void print_table(const char *totp_secret)
{
	printf("%s (id %s, %s): every demo seller signs in with the password %s\n\n", DEMO_NAME,
	       DEMO_ID, DEMO_CURRENCY, DEMO_PASSWORD);
	printf("%-32s  %-14s  %s\n", "E-MAIL", "PASSWORD", "DEMONSTRATES");
	for (size_t i = 0; i < NSELLERS; i++) {
		const struct who *w = &demo_sellers[i];
		printf("%-32s  %-14s  %s", w->email, DEMO_PASSWORD, w->shows);
		if (w->load == load_totp && totp_secret[0])
			printf("; add the secret %s to an authenticator app", totp_secret);
		else if (w->load == load_totp)
			printf("; its secret is not in this database");
		printf("\n");
	}
}

/* Reads the TOTP secret of the demo's TOTP seller into out (empty when it
 * is not there). */
static void find_totp_secret(struct store *st, char *out, size_t cap)
{
	struct seller s;

	out[0] = '\0';
	for (size_t i = 0; i < NSELLERS; i++)
		if (demo_sellers[i].load == load_totp &&
		    store_seller_get_by_email(st, demo_sellers[i].email, &s, NULL) == OB_OK) {
			snprintf(out, cap, "%s", s.totp_secret);
			crypto_wipe(&s, sizeof(s));
		}
}

int cmd_demo(int argc, char **argv)
{
	struct config cfg;
	struct demo *d;
	struct marketplace m;
	struct marketplace_input mi = { .id = DEMO_ID, .name = DEMO_NAME, .currency = DEMO_CURRENCY };
	struct ob_err err;
	const struct who *w = NULL;
	enum ob_rc orc;
	int rc = cli_settings(&cfg, CFG_DB, argc, argv, NULL, 0, usage);

	if (rc >= 0)
		return rc;
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		fprintf(stderr, "offboard: out of memory\n");
		return 1;
	}
	if ((d->st = cli_open_store(&cfg)) == NULL) {
		free(d);
		return 1;
	}
	d->now = clock_now();
	d->rng = DEMO_SEED;
	clock_pin(d->now);
	ob_err_clear(&err);
	/* the check and the load in one write transaction, so two runs at once
	 * cannot both load (the large seller's history then commits in chunks,
	 * see checkpoint()) */
	if ((orc = store_begin(d->st, 1, &err)) != OB_OK)
		goto fail;
	orc = store_marketplace_get(d->st, DEMO_ID, &m, &err);
	if (orc == OB_OK) {
		store_rollback(d->st);
		find_totp_secret(d->st, d->totp_secret, sizeof(d->totp_secret));
		printf("the demo marketplace is already loaded\n\n");
		print_table(d->totp_secret);
		rc = 0;
		goto out;
	}
	if (orc != OB_ENOTFOUND)
		goto fail;
	ob_err_clear(&err);
	clock_pin(d->now - (int64_t)(LARGE_DAYS + 60) * DAY);
	orc = marketplace_create(d->st, &mi, &m, &err);
	clock_pin(d->now);
	if (orc != OB_OK)
		goto fail;
	for (size_t i = 0; i < NSELLERS; i++) {
		w = &demo_sellers[i];
		if ((orc = load_seller(d, w, &err)) != OB_OK)
			goto fail;
	}
	w = NULL;
	if ((orc = store_commit(d->st, &err)) != OB_OK)
		goto fail;
	print_table(d->totp_secret);
	rc = 0;
	goto out;
fail:
	store_rollback(d->st);
	fprintf(stderr, "offboard: cannot load the demo%s%s: %s%s%s\n", w ? " seller " : "",
		w ? w->email : "", err.message, err.field[0] ? ": " : "", err.field);
	rc = 1;
out:
	clock_pin(0);
	store_close(d->st);
	crypto_wipe(d, sizeof(*d));
	free(d);
	return rc;
}
