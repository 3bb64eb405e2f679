/* cmd_gen.c: `offboard gen`: synthetic sellers with years of orders, for
 * benchmarks, and the small lists of made-up people, places and products
 * that `demo` draws from too.
 *
 * Speed matters more than the per-record checks of the domain here: orders,
 * their items, listings and disputes go to the store directly, in large
 * transactions. Money still goes through ledger_post and payout_request, so
 * balances stay consistent with their postings, but as one sale, release,
 * fee and claim transaction per day rather than per order. */
#include "cli/cli.h"

#include "core/clock.h"
#include "core/policy.h"
#include "domain/ledger.h"
#include "domain/marketplace.h"
#include "domain/payout.h"
#include "domain/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DAY 86400
#define GEN_DAYS 730                 /* orders are placed over the past two years */
#define GEN_COMMIT_ORDERS 50000      /* orders per transaction */
#define GEN_COMMIT_SELLERS 2000      /* sellers per transaction (and printed lines) */
#define GEN_LISTINGS 6               /* products each seller lists */
#define GEN_PAYOUT_DAYS 14           /* a payout every two weeks */
#define GEN_FEE_PERCENT 15
#define GEN_MAX_SELLERS 1000000
#define GEN_MAX_ORDERS 10000000

static const char usage[] =
	"usage: offboard gen [--db URL] --sellers N --orders-per-seller M [--marketplace ID]\n"
	"\n"
	"Generates synthetic data for benchmarks: N sellers (1 to 1000000) with M orders\n"
	"each (0 to 10000000), placed over the past two years, with items, disputes, a\n"
	"daily ledger and payouts, in marketplace ID (\"gen\", created in USD when missing).\n"
	"Prints one line per seller: id<TAB>email<TAB>password<TAB>orders.\n";

/* --- made-up people, places and products --- */

static const char *const first_names[] = {
	"Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah", "Isabella",
	"James", "Mia", "William", "Amelia", "Benjamin", "Harper", "Lucas", "Evelyn", "Henry",
	"Aisha", "Mateo", "Priya", "Kenji", "Fatima", "Diego", "Chloe", "Omar", "Grace", "Ravi",
	"Lena", "Samuel", "Nora", "Jonas", "Zoe", "Daniel", "Lucia", "Ethan",
};

static const char *const last_names[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
	"Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor",
	"Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Clark",
	"Lewis", "Nguyen", "Patel", "Kim", "Walker", "Young", "Allen", "King", "Wright", "Scott",
	"Okafor", "Schmidt", "Rossi",
};

static const char *const streets[] = {
	"Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Elm Street", "Pine Road",
	"Washington Avenue", "Lake Shore Drive", "Hillcrest Road", "Park Place", "River Road",
	"Sunset Boulevard", "Church Street", "Highland Avenue", "Mill Lane", "Willow Way",
	"Meadow Court", "Harbor View", "Franklin Street", "Spring Street",
};

static const struct {
	const char *city, *state;
	int zip;
} cities[] = {
	{ "Portland", "OR", 97205 }, { "Austin", "TX", 78701 }, { "Denver", "CO", 80202 },
	{ "Columbus", "OH", 43215 }, { "Raleigh", "NC", 27601 }, { "Madison", "WI", 53703 },
	{ "Boise", "ID", 83702 }, { "Savannah", "GA", 31401 }, { "Tucson", "AZ", 85701 },
	{ "Burlington", "VT", 5401 }, { "Omaha", "NE", 68102 }, { "Richmond", "VA", 23219 },
	{ "Spokane", "WA", 99201 }, { "Albany", "NY", 12207 }, { "Fresno", "CA", 93721 },
	{ "Duluth", "MN", 55802 },
};

static const char *const shop_words[] = {
	"Home Goods", "Outdoor Supply", "Kitchenware", "Trading", "Gifts", "Crafts",
	"Electronics", "Essentials", "Garden", "Pet Supply", "Apparel", "Books & Paper",
};

const struct gen_product gen_products[] = {
	{ "BTL-750-STL", "Stainless steel water bottle, 750 ml", 2499 },
	{ "BRD-BMB-L", "Bamboo cutting board, large", 3450 },
	{ "EAR-WL-02", "Wireless earbuds with charging case", 5999 },
	{ "BAG-TOTE-CT", "Organic cotton tote bag", 1295 },
	{ "LMP-LED-DSK", "LED desk lamp, dimmable", 3999 },
	{ "MAT-YOGA-6", "Yoga mat, 6 mm", 2899 },
	{ "MUG-CER-4", "Ceramic coffee mugs, set of 4", 3200 },
	{ "CBL-USBC-2M", "USB-C charging cable, 2 m", 999 },
	{ "PAN-CI-26", "Cast iron skillet, 26 cm", 4495 },
	{ "CND-SOY-LAV", "Scented soy candle, lavender", 1850 },
	{ "HAT-WOOL-GR", "Merino wool beanie, grey", 2200 },
	{ "CSE-PHN-CLR", "Clear phone case", 1499 },
	{ "PZL-500-MAP", "Jigsaw puzzle, 500 pieces, world map", 1999 },
	{ "GLV-GRDN-M", "Gardening gloves, medium", 1150 },
	{ "SCK-RUN-3P", "Running socks, 3 pairs", 1600 },
	{ "NTB-A5-DOT", "Notebook, A5 dotted", 1275 },
	{ "SPK-BT-MINI", "Portable Bluetooth speaker", 4999 },
	{ "FRP-1L-GLS", "French press coffee maker, 1 l", 2995 },
	{ "BLK-THR-KNT", "Knitted throw blanket", 3899 },
	{ "LSH-DOG-150", "Dog leash, 1.5 m", 1699 },
};

const size_t gen_nproducts = sizeof(gen_products) / sizeof(gen_products[0]);

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

uint64_t gen_rand(uint64_t *state)
{
	/* xorshift64* */
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * UINT64_C(2685821657736338717);
}

int64_t gen_range(uint64_t *state, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(gen_rand(state) % (uint64_t)(hi - lo + 1));
}

void gen_name(uint64_t *state, const char **first, const char **last)
{
	*first = first_names[gen_rand(state) % COUNT(first_names)];
	*last = last_names[gen_rand(state) % COUNT(last_names)];
}

void gen_address(uint64_t *state, char *out, size_t cap)
{
	size_t c = gen_rand(state) % COUNT(cities);

	snprintf(out, cap, "%d %s, %s, %s %05d, US", (int)gen_range(state, 1, 9899),
		 streets[gen_rand(state) % COUNT(streets)], cities[c].city, cities[c].state,
		 cities[c].zip + (int)gen_range(state, 0, 8));
}

void gen_phone(uint64_t *state, char *out, size_t cap)
{
	snprintf(out, cap, "+1 %03d 555 %04d", (int)gen_range(state, 201, 989),
		 (int)gen_range(state, 100, 199));
}

void gen_iban(uint64_t *state, char *out, size_t cap)
{
	char bban[19];
	unsigned rem = 0;

	/* Bank code 37040044, a ten-digit account; check digits by ISO 13616:
	 * the BBAN, then "DE00" as digits (D=13, E=14), modulo 97. */
	snprintf(bban, sizeof(bban), "37040044%010llu",
		 (unsigned long long)(gen_rand(state) % UINT64_C(10000000000)));
	for (const char *p = bban; *p; p++)
		rem = (rem * 10 + (unsigned)(*p - '0')) % 97;
	for (const char *p = "131400"; *p; p++)
		rem = (rem * 10 + (unsigned)(*p - '0')) % 97;
	snprintf(out, cap, "DE%02u%s", 98 - rem, bban);
}

/* --- generation --- */

/* One day of a seller's money, booked as one transaction of each type. */
struct gen_day {
	int64_t sales, releases, fees, claims;
	int nsales, nreleases, nclaims;
};

/* A generated seller whose line waits for its transaction to commit. */
struct gen_line {
	char id[ID_MAX];
	char email[255];
	long long orders;
};

struct gen {
	struct store *st;
	struct marketplace m;
	int window;                      /* return window, days */
	int64_t now;
	int64_t start;                   /* midnight UTC, GEN_DAYS days ago */
	uint64_t rng;
	const char *password;            /* borrowed */
	char password_hash[CRYPTO_PWHASH_LEN];
	long long orders;                /* per seller */
	int sellers;
	long long written;               /* orders written, for progress */
	long long in_txn;                /* orders in the open transaction */
	int tty;
	struct gen_day days[GEN_DAYS + 1];
	struct gen_line lines[GEN_COMMIT_SELLERS];
	size_t nlines;
};

static void progress(const struct gen *g, int seller, int last)
{
	if (!g->tty)
		return;
	fprintf(stderr, "\rgen: seller %d of %d, %lld of %lld orders%s", seller, g->sellers,
		g->written, g->orders * g->sellers, last ? "\n" : "");
}

/* Commits the open transaction, prints the lines of the sellers it held
 * and, unless last, opens the next one. */
static enum ob_rc checkpoint(struct gen *g, int last, struct ob_err *err)
{
	enum ob_rc rc = store_commit(g->st, err);

	if (rc != OB_OK)
		return rc;
	for (size_t i = 0; i < g->nlines; i++)
		printf("%s\t%s\t%s\t%lld\n", g->lines[i].id, g->lines[i].email, g->password,
		       g->lines[i].orders);
	fflush(stdout);
	g->nlines = 0;
	g->in_txn = 0;
	return last ? OB_OK : store_begin(g->st, 1, err);
}

static int64_t day_of(const struct gen *g, int64_t t)
{
	int64_t d = (t - g->start) / DAY;

	return d < 0 ? 0 : d > GEN_DAYS ? GEN_DAYS : d;
}

static enum ob_rc add_seller(struct gen *g, struct seller *s, size_t *products,
			     struct ob_err *err)
{
	const char *first, *last;
	char local[128];
	size_t order[COUNT(gen_products)];
	enum ob_rc rc;

	memset(s, 0, sizeof(*s));
	gen_name(&g->rng, &first, &last);
	id_new("sel", s->id);
	snprintf(s->marketplace_id, sizeof(s->marketplace_id), "%s", g->m.id);
	/* the random part of the id keeps the addresses apart */
	snprintf(local, sizeof(local), "%s.%s.%s", first, last, s->id + strlen(s->id) - 11);
	for (char *p = local; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(s->email, sizeof(s->email), "%s@gen.offboard.test", local);
	memcpy(s->password_hash, g->password_hash, sizeof(s->password_hash));
	snprintf(s->display_name, sizeof(s->display_name), "%s %s", last,
		 shop_words[gen_rand(&g->rng) % COUNT(shop_words)]);
	snprintf(s->legal_name, sizeof(s->legal_name), "%s %s %s", first, last,
		 gen_rand(&g->rng) % 3 ? "LLC" : "Inc.");
	gen_phone(&g->rng, s->phone, sizeof(s->phone));
	gen_address(&g->rng, s->address, sizeof(s->address));
	snprintf(s->tax_id, sizeof(s->tax_id), "%02d-%07d", (int)gen_range(&g->rng, 10, 99),
		 (int)gen_range(&g->rng, 0, 9999999));
	snprintf(s->bank_holder, sizeof(s->bank_holder), "%s", s->legal_name);
	gen_iban(&g->rng, s->bank_iban, sizeof(s->bank_iban));
	s->status = SELLER_ACTIVE;
	s->created_at = s->updated_at = g->start - gen_range(&g->rng, 1, 400) * DAY;
	if ((rc = store_seller_insert(g->st, s, err)) != OB_OK)
		return rc;

	/* GEN_LISTINGS different products, by a partial shuffle */
	for (size_t i = 0; i < COUNT(order); i++)
		order[i] = i;
	for (size_t i = 0; i < GEN_LISTINGS; i++) {
		size_t j = i + gen_rand(&g->rng) % (COUNT(order) - i), tmp = order[i];
		struct listing l;
		order[i] = order[j];
		order[j] = tmp;
		products[i] = order[i];
		memset(&l, 0, sizeof(l));
		id_new("lst", l.id);
		snprintf(l.seller_id, sizeof(l.seller_id), "%s", s->id);
		snprintf(l.sku, sizeof(l.sku), "%s", gen_products[order[i]].sku);
		snprintf(l.title, sizeof(l.title), "%s", gen_products[order[i]].title);
		l.price_minor = gen_products[order[i]].price_minor;
		snprintf(l.currency, sizeof(l.currency), "%s", g->m.currency);
		l.status = LISTING_ACTIVE;
		l.created_at = l.updated_at = s->created_at + gen_range(&g->rng, 1, 60) * DAY;
		if ((rc = store_listing_insert(g->st, &l, err)) != OB_OK)
			return rc;
	}
	if (gen_rand(&g->rng) % 100 < 85) {
		struct service sv;
		memset(&sv, 0, sizeof(sv));
		id_new("svc", sv.id);
		snprintf(sv.seller_id, sizeof(sv.seller_id), "%s", s->id);
		sv.kind = SERVICE_SELLING_PLAN;
		sv.monthly_fee_minor = 3999;
		snprintf(sv.currency, sizeof(sv.currency), "%s", g->m.currency);
		sv.active = 1;
		sv.started_at = s->created_at;
		if ((rc = store_service_insert(g->st, &sv, err)) != OB_OK)
			return rc;
	}
	return OB_OK;
}

/* The status of an order placed at placed, and when it was delivered (0
 * when it was not): most delivered, some cancelled, refunded or returned,
 * the last days' still on their way. */
static enum order_status order_fate(struct gen *g, int64_t placed, int64_t *delivered)
{
	int64_t transit = gen_range(&g->rng, 36 * 3600, 5 * DAY);
	unsigned r = (unsigned)(gen_rand(&g->rng) % 1000);

	*delivered = 0;
	if (r < 35)
		return ORDER_CANCELLED;
	if (placed + transit > g->now - 3600) {
		if (g->now - placed < 18 * 3600)
			return r < 200 ? ORDER_PENDING : ORDER_UNSHIPPED;
		return ORDER_SHIPPED;
	}
	*delivered = placed + transit;
	if (r < 60)
		return ORDER_REFUNDED;
	if (r < 75)
		return *delivered > g->now - 45 * DAY ? ORDER_RETURNED : ORDER_REFUNDED;
	return ORDER_DELIVERED;
}

/* A dispute about order o, one in about seventy delivered orders; closed
 * ones older than a month, some granted to the buyer (a claim). */
static enum ob_rc maybe_dispute(struct gen *g, const struct order *o, struct ob_err *err)
{
	static const enum dispute_kind kinds[] = {
		DISPUTE_A_TO_Z, DISPUTE_A_TO_Z, DISPUTE_A_TO_Z, DISPUTE_A_TO_Z, DISPUTE_RETURN_REQUEST,
		DISPUTE_RETURN_REQUEST, DISPUTE_RETURN_REQUEST, DISPUTE_CHARGEBACK,
		DISPUTE_CHARGEBACK, DISPUTE_OTHER,
	};
	struct dispute d;

	if (o->delivered_at == 0 || gen_rand(&g->rng) % 1000 >= 15)
		return OB_OK;
	memset(&d, 0, sizeof(d));
	id_new("dsp", d.id);
	snprintf(d.seller_id, sizeof(d.seller_id), "%s", o->seller_id);
	snprintf(d.order_id, sizeof(d.order_id), "%s", o->id);
	snprintf(d.currency, sizeof(d.currency), "%s", o->currency);
	d.kind = kinds[gen_rand(&g->rng) % COUNT(kinds)];
	d.amount_minor = o->total_minor;
	d.opened_at = o->delivered_at + gen_range(&g->rng, DAY, 20 * DAY);
	if (d.opened_at > g->now - 60)
		d.opened_at = g->now - 60;
	d.status = DISPUTE_OPEN;
	if (d.opened_at + 30 * DAY < g->now) {
		d.status = DISPUTE_CLOSED;
		d.closed_at = d.opened_at + gen_range(&g->rng, 2 * DAY, 28 * DAY);
		if ((d.kind == DISPUTE_A_TO_Z || d.kind == DISPUTE_CHARGEBACK) && gen_rand(&g->rng) % 2) {
			struct gen_day *day = &g->days[day_of(g, d.closed_at)];
			day->claims += d.amount_minor;
			day->nclaims++;
		}
	}
	return store_dispute_insert(g->st, &d, err);
}

static enum ob_rc add_order(struct gen *g, const struct seller *s, const size_t *products,
			    int64_t placed, struct ob_err *err)
{
	struct order o;
	struct order_item items[3];
	const char *first, *last;
	int nitems = 1;
	unsigned r = (unsigned)(gen_rand(&g->rng) % 100);
	enum ob_rc rc;

	memset(&o, 0, sizeof(o));
	id_new("ord", o.id);
	snprintf(o.seller_id, sizeof(o.seller_id), "%s", s->id);
	snprintf(o.currency, sizeof(o.currency), "%s", g->m.currency);
	gen_name(&g->rng, &first, &last);
	snprintf(o.buyer_name, sizeof(o.buyer_name), "%s %s", first, last);
	gen_address(&g->rng, o.ship_address, sizeof(o.ship_address));
	o.placed_at = o.created_at = placed;
	o.status = order_fate(g, placed, &o.delivered_at);
	if (o.delivered_at)
		o.return_window_ends_at = o.delivered_at + (int64_t)g->window * DAY;
	o.updated_at = o.delivered_at ? o.delivered_at : placed;
	if (r >= 70)
		nitems = r >= 92 ? 3 : 2;

	memset(items, 0, sizeof(items));
	for (int i = 0; i < nitems; i++) {
		const struct gen_product *p = &gen_products[products[gen_rand(&g->rng) % GEN_LISTINGS]];
		unsigned q = (unsigned)(gen_rand(&g->rng) % 100);
		snprintf(items[i].order_id, sizeof(items[i].order_id), "%s", o.id);
		items[i].line = i + 1;
		snprintf(items[i].sku, sizeof(items[i].sku), "%s", p->sku);
		snprintf(items[i].title, sizeof(items[i].title), "%s", p->title);
		items[i].quantity = q < 85 ? 1 : q < 97 ? 2 : 3;
		items[i].unit_price_minor = p->price_minor;
		o.total_minor += items[i].quantity * items[i].unit_price_minor;
	}
	if ((rc = store_order_insert(g->st, &o, err)) != OB_OK)
		return rc;
	for (int i = 0; i < nitems; i++)
		if ((rc = store_order_item_insert(g->st, &items[i], err)) != OB_OK)
			return rc;
	if (o.status == ORDER_DELIVERED) {
		struct gen_day *day = &g->days[day_of(g, o.delivered_at)];
		day->sales += o.total_minor;
		day->nsales++;
		if (o.return_window_ends_at <= g->now) {
			day = &g->days[day_of(g, o.return_window_ends_at)];
			day->releases += o.total_minor;
			day->fees += o.total_minor * GEN_FEE_PERCENT / 100;
			day->nreleases++;
		}
	}
	return maybe_dispute(g, &o, err);
}

/* Books the seller's days: sales when delivered, releases and fees once
 * the return window has ended, claims when granted, and a payout of what
 * is available every GEN_PAYOUT_DAYS days (settled two days later, or
 * still on its way when that is in the future). */
static enum ob_rc book_days(struct gen *g, const struct seller *s, struct ob_err *err)
{
	int64_t available = 0;
	enum ob_rc rc;

	for (int d = 0; d <= GEN_DAYS; d++) {
		const struct gen_day *day = &g->days[d];
		int64_t t = g->start + (int64_t)d * DAY + DAY - 1;   /* the day's end */
		char when[32], date[11], memo[128];
		struct ledger_txn txn;
		const struct {
			const char *type;
			int64_t amount;
			const char *what;
			int n;
		} posts[] = {
			{ "sale", day->sales, "orders delivered", day->nsales },
			{ "release", day->releases, "orders past their return window", day->nreleases },
			{ "fee", day->fees, "orders released, referral fees", day->nreleases },
			{ "claim", day->claims, "claims granted to buyers", day->nclaims },
		};

		if (t > g->now)
			t = g->now;
		clock_format(t, when, sizeof(when));
		snprintf(date, sizeof(date), "%s", when);
		for (size_t i = 0; i < COUNT(posts); i++) {
			struct ledger_input in = { .seller_id = s->id, .type = posts[i].type,
						   .amount_minor = posts[i].amount, .currency = g->m.currency,
						   .memo = memo, .created_at = when };
			if (posts[i].amount == 0)
				continue;
			snprintf(memo, sizeof(memo), "%d %s on %s", posts[i].n, posts[i].what, date);
			if ((rc = ledger_post(g->st, &in, &txn, err)) != OB_OK)
				return rc;
		}
		available += day->releases - day->fees - day->claims;
		if (d % GEN_PAYOUT_DAYS == GEN_PAYOUT_DAYS - 1 && available > 0) {
			struct payout_input pin = { .seller_id = s->id, .amount_minor = available };
			struct payout p;
			int64_t at = t + 3600;
			if (at > g->now)
				continue;
			pin.requested_at = clock_format(at, when, sizeof(when));
			if ((rc = payout_request(g->st, &pin, &p, err)) != OB_OK)
				return rc;
			available = 0;
			clock_pin(at + 2 * DAY <= g->now ? at + 2 * DAY : g->now);
			rc = payout_transition(g->st, p.id, at + 2 * DAY <= g->now ? "settled" : "sent", NULL,
					       &p, err);
			clock_pin(0);
			if (rc != OB_OK)
				return rc;
		}
	}
	return OB_OK;
}

static enum ob_rc gen_seller(struct gen *g, int index, struct ob_err *err)
{
	struct seller s;
	size_t products[GEN_LISTINGS];
	int64_t span = g->now - 3600 - g->start;
	enum ob_rc rc;

	memset(g->days, 0, sizeof(g->days));
	if ((rc = add_seller(g, &s, products, err)) != OB_OK)
		goto out;
	for (long long i = 0; i < g->orders; i++) {
		/* spread evenly with jitter, in order of time: the indexes on
		 * (seller, time) then grow at their end */
		int64_t placed = g->start + (span * i + (int64_t)(gen_rand(&g->rng) % (uint64_t)span)) /
						    g->orders;
		if ((rc = add_order(g, &s, products, placed, err)) != OB_OK)
			goto out;
		g->written++;
		if (++g->in_txn >= GEN_COMMIT_ORDERS && (rc = checkpoint(g, 0, err)) != OB_OK)
			goto out;
		if (g->written % 20000 == 0)
			progress(g, index + 1, 0);
	}
	if ((rc = book_days(g, &s, err)) != OB_OK)
		goto out;
	snprintf(g->lines[g->nlines].id, ID_MAX, "%s", s.id);
	snprintf(g->lines[g->nlines].email, sizeof(g->lines[0].email), "%s", s.email);
	g->lines[g->nlines++].orders = g->orders;
	if ((index + 1) % 1000 == 0)
		progress(g, index + 1, 0);
	if (g->nlines == GEN_COMMIT_SELLERS)
		rc = checkpoint(g, 0, err);
out:
	crypto_wipe(&s, sizeof(s));
	return rc;
}

/* Reads the value text of --flag (shown as "--flag name" when missing) as
 * a whole number from lo to hi into *out; prints why not and returns -1. */
static int parse_count(const char *flag, const char *name, const char *text, long long lo,
		       long long hi, long long *out)
{
	char *end;

	if (text == NULL) {
		fprintf(stderr, "offboard: gen needs --%s %s (see --help)\n", flag, name);
		return -1;
	}
	errno = 0;
	*out = strtoll(text, &end, 10);
	if (errno || end == text || *end != '\0' || text[0] == '-' || text[0] == '+' ||
	    text[0] == ' ' || *out < lo || *out > hi) {
		fprintf(stderr, "offboard: --%s must be a whole number from %lld to %lld, not '%s'\n",
			flag, lo, hi, text);
		return -1;
	}
	return 0;
}

/* Finds marketplace id, or creates it in USD. */
static enum ob_rc find_marketplace(struct store *st, const char *id, struct marketplace *m,
				   struct ob_err *err)
{
	char name[128];
	struct marketplace_input in = { .id = id, .name = name, .currency = "USD" };
	enum ob_rc rc = store_marketplace_get(st, id, m, err);

	if (rc != OB_ENOTFOUND)
		return rc;
	ob_err_clear(err);
	snprintf(name, sizeof(name), "Generated marketplace %s", id);
	return marketplace_create(st, &in, m, err);
}

int cmd_gen(int argc, char **argv)
{
	struct config cfg;
	struct gen *g = NULL;
	struct ob_err err;
	const char *sellers = NULL, *orders = NULL, *market = NULL;
	const struct config_flag flags[] = {
		{ "sellers", "how many sellers to make (1 to 1000000)", &sellers },
		{ "orders-per-seller", "orders of each seller (0 to 10000000)", &orders },
		{ "marketplace", "the marketplace id (default gen; created when missing)", &market },
	};
	char password[17];
	long long nsellers, norders;
	int rc = cli_settings(&cfg, CFG_DB, argc, argv, flags, 3, usage), i;
	uint64_t t0;
	enum ob_rc orc;

	if (rc >= 0)
		return rc;
	if (parse_count("sellers", "N", sellers, 1, GEN_MAX_SELLERS, &nsellers) < 0 ||
	    parse_count("orders-per-seller", "M", orders, 0, GEN_MAX_ORDERS, &norders) < 0)
		return 2;
	if (market == NULL)
		market = "gen";
	if (!id_valid(market)) {
		fprintf(stderr, "offboard: --marketplace must be 1 to 31 letters, digits, '_' or '-'\n");
		return 2;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		fprintf(stderr, "offboard: out of memory\n");
		return 1;
	}
	if ((g->st = cli_open_store(&cfg)) == NULL) {
		free(g);
		return 1;
	}
	t0 = clock_mono_ns();
	/* one password for every generated seller, hashed once */
	crypto_random_alnum(password, sizeof(password) - 1);
	if (crypto_password_hash(password, g->password_hash) < 0) {
		fprintf(stderr, "offboard: cannot hash the password: out of memory\n");
		rc = 1;
		goto out;
	}
	g->password = password;
	g->orders = norders;
	g->sellers = (int)nsellers;
	g->tty = isatty(STDERR_FILENO);
	g->now = clock_now();
	g->start = (g->now / DAY - GEN_DAYS) * DAY;
	crypto_random(&g->rng, sizeof(g->rng));
	g->rng |= 1;
	ob_err_clear(&err);
	if ((orc = store_begin(g->st, 1, &err)) != OB_OK)
		goto fail;
	if ((orc = find_marketplace(g->st, market, &g->m, &err)) != OB_OK)
		goto fail;
	g->window = policy_get(g->m.policy)->return_window_days;
	for (i = 0; i < g->sellers; i++)
		if ((orc = gen_seller(g, i, &err)) != OB_OK)
			goto fail;
	if ((orc = checkpoint(g, 1, &err)) != OB_OK)
		goto fail;
	progress(g, g->sellers, 1);
	if (g->tty)
		fprintf(stderr, "gen: %d seller%s, %lld orders in %.1f s\n", g->sellers,
			g->sellers == 1 ? "" : "s", g->written, (double)(clock_mono_ns() - t0) / 1e9);
	rc = 0;
	goto out;
fail:
	store_rollback(g->st);
	if (g->tty)
		fputc('\n', stderr);
	fprintf(stderr, "offboard: cannot generate: %s%s%s\n", err.message,
		err.field[0] ? ": " : "", err.field);
	rc = 1;
out:
	crypto_wipe(password, sizeof(password));
	store_close(g->st);
	crypto_wipe(g, sizeof(*g));
	free(g);
	return rc;
}
