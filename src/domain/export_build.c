/* export_build.c: what an export archive holds and how its files are
 * written: one table of columns per kind of record (which makes the CSV
 * header, the JSON keys and the README alike), rows read a page at a time
 * and formatted straight into core/zipw's compressing entries. */
#include "domain/export.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/money.h"
#include "core/policy.h"
#include "core/zipw.h"
#include "domain/ledger.h"
#include "domain/seller.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 500                      /* rows read per query */
#define LINE_CAP (64u << 10)          /* one formatted row; rows are bounded far below */
#define DOC_CAP (256u << 10)          /* profile, settings, README, manifest */
#define PROGRESS_NS 250000000ull      /* progress at most this often */
#define SERVICES_MAX 64

/* --- columns --- */

enum col_type {
	COL_TEXT,    /* any text: CSV neutralises formula-looking cells */
	COL_INT,     /* a whole number */
	COL_MONEY,   /* a decimal string in major units ("-12.34"), with a currency column */
	COL_TIME,    /* RFC 3339 UTC; empty (CSV) or null (JSON) when not set */
};

static const char *const col_type_names[] = { "text", "integer", "decimal", "time" };

struct col {
	const char *name;
	enum col_type type;
	const char *about;
};

struct table {
	const char *name;        /* the files are name.csv and name.jsonl */
	const char *about;
	const struct col *cols;
	size_t ncols;
};

#define TABLE(n, about, cols) { n, about, cols, sizeof(cols) / sizeof(cols[0]) }

static const struct col listing_cols[] = {
	{ "id", COL_TEXT, "the listing's id" },
	{ "sku", COL_TEXT, "your stock keeping unit" },
	{ "title", COL_TEXT, "the title shown to buyers" },
	{ "price", COL_MONEY, "the price" },
	{ "currency", COL_TEXT, "ISO 4217 currency of price" },
	{ "status", COL_TEXT, "active or inactive" },
	{ "created_at", COL_TIME, "when it was listed" },
	{ "updated_at", COL_TIME, "when it last changed" },
};

static const struct col order_cols[] = {
	{ "id", COL_TEXT, "the order's id" },
	{ "status", COL_TEXT, "pending, unshipped, shipped, delivered, cancelled, refunded or returned" },
	{ "total", COL_MONEY, "what the buyer paid" },
	{ "currency", COL_TEXT, "ISO 4217 currency of total" },
	{ "buyer_name", COL_TEXT, "the buyer's name" },
	{ "ship_address", COL_TEXT, "where it was shipped (may span lines)" },
	{ "placed_at", COL_TIME, "when the buyer placed it" },
	{ "delivered_at", COL_TIME, "when it was delivered" },
	{ "return_window_ends_at", COL_TIME, "the end of the buyer's right to return it" },
	{ "created_at", COL_TIME, "when offboard learnt of it" },
	{ "updated_at", COL_TIME, "when it last changed" },
};

static const struct col item_cols[] = {
	{ "order_id", COL_TEXT, "the order (orders.csv id)" },
	{ "line", COL_INT, "the line within the order, from 1" },
	{ "sku", COL_TEXT, "the product's stock keeping unit" },
	{ "title", COL_TEXT, "the product's title" },
	{ "quantity", COL_INT, "units ordered" },
	{ "unit_price", COL_MONEY, "the price of one unit" },
	{ "line_total", COL_MONEY, "quantity times unit_price" },
	{ "currency", COL_TEXT, "ISO 4217 currency of the amounts (the order's)" },
	{ "order_placed_at", COL_TIME, "when the order was placed" },
};

static const struct col dispute_cols[] = {
	{ "id", COL_TEXT, "the dispute's id" },
	{ "order_id", COL_TEXT, "the order it is about; empty when none" },
	{ "kind", COL_TEXT, "a_to_z_claim, chargeback, return_request or other" },
	{ "status", COL_TEXT, "open or closed" },
	{ "amount", COL_MONEY, "the money claimed" },
	{ "currency", COL_TEXT, "ISO 4217 currency of amount" },
	{ "opened_at", COL_TIME, "when it was opened" },
	{ "closed_at", COL_TIME, "when it was closed" },
};

/* ledger.csv and fees.csv */
static const struct col ledger_cols[] = {
	{ "id", COL_TEXT, "the transaction's id" },
	{ "type", COL_TEXT, "sale, release, fee, refund, claim, adjustment, payout, payout_settled, payout_failed or reversal" },
	{ "amount", COL_MONEY, "the amount of the event" },
	{ "currency", COL_TEXT, "ISO 4217 currency of every amount of the row" },
	{ "available", COL_MONEY, "its effect on your available balance (signed)" },
	{ "pending", COL_MONEY, "its effect on your pending balance (signed)" },
	{ "reserved", COL_MONEY, "its effect on your reserve (signed)" },
	{ "in_flight", COL_MONEY, "its effect on payouts on their way to your bank (signed)" },
	{ "order_id", COL_TEXT, "the order it concerns; empty when none" },
	{ "payout_id", COL_TEXT, "the payout it concerns; empty when none" },
	{ "reverses_id", COL_TEXT, "the transaction it reverses; empty when none" },
	{ "memo", COL_TEXT, "the marketplace's note" },
	{ "created_at", COL_TIME, "when it was booked" },
};

static const struct col payout_cols[] = {
	{ "id", COL_TEXT, "the payout's id" },
	{ "amount", COL_MONEY, "the amount withdrawn" },
	{ "currency", COL_TEXT, "ISO 4217 currency of amount" },
	{ "status", COL_TEXT, "requested, sent, settled or failed" },
	{ "bank_account", COL_TEXT, "the account it went to, all but the last characters hidden" },
	{ "failure_reason", COL_TEXT, "why the bank returned it, when it failed" },
	{ "requested_at", COL_TIME, "when it was requested" },
	{ "updated_at", COL_TIME, "when its status last changed" },
};

static const struct col closure_cols[] = {
	{ "id", COL_TEXT, "the closure's (or pause's) id" },
	{ "method", COL_TEXT, "close, or pause (vacation mode)" },
	{ "status", COL_TEXT, "requested, closing, closed, cancelled, expired, paused or resumed" },
	{ "reason", COL_TEXT, "the reason code you chose" },
	{ "reason_text", COL_TEXT, "the words you added" },
	{ "requested_at", COL_TIME, "when you asked" },
	{ "confirmed_at", COL_TIME, "when you confirmed from the e-mailed link" },
	{ "ended_at", COL_TIME, "when it was cancelled, expired or resumed" },
	{ "closes_at", COL_TIME, "the end of the grace period" },
	{ "closed_at", COL_TIME, "when the account closed" },
	{ "reserve_release_at", COL_TIME, "when the reserve is paid out" },
	{ "history_ends_at", COL_TIME, "when read-only access to your history ends" },
	{ "erase_at", COL_TIME, "when your personal data is erased" },
	{ "policy", COL_TEXT, "the marketplace policy that set the dates" },
};

static const struct col audit_cols[] = {
	{ "seq", COL_INT, "the record's place in offboard's audit log" },
	{ "at", COL_TIME, "when it happened" },
	{ "actor", COL_TEXT, "who did it: seller:<id> (you), ops:<key> (the marketplace), cli, system" },
	{ "action", COL_TEXT, "what happened (session.sign_in, closure.requested, export.requested ...)" },
	{ "detail", COL_TEXT, "ids and codes of the event, as a JSON object" },
	{ "prev_hash", COL_TEXT, "the hash of the log's previous record" },
	{ "hash", COL_TEXT, "this record's SHA-256, which covers prev_hash: the log is a chain" },
};

static const struct table t_listings = TABLE("listings", "Your listings.", listing_cols);
static const struct table t_orders = TABLE("orders", "Your orders, newest first.", order_cols);
static const struct table t_items = TABLE("order_items",
	"The lines of your orders, in the order of orders.csv.", item_cols);
static const struct table t_disputes = TABLE("disputes",
	"Claims, chargebacks and return requests about your orders.", dispute_cols);
static const struct table t_ledger = TABLE("ledger",
	"Every money event of your account, newest first: the amount, and what it did to each of"
	" your balances.", ledger_cols);
static const struct table t_fees = TABLE("fees",
	"The fees the marketplace charged you (the rows of ledger.csv of type fee).", ledger_cols);
static const struct table t_payouts = TABLE("payouts", "Your withdrawals to your bank account.",
	payout_cols);
static const struct table t_closures = TABLE("closures",
	"Every closure and pause (vacation mode) of your account.", closure_cols);
static const struct table t_audit = TABLE("audit",
	"offboard's audit records about your account: sign-ins, closure steps, exports, and the"
	" marketplace's changes.", audit_cols);

/* In the order of the archive. */
static const struct table *const tables[] = { &t_listings, &t_orders, &t_items, &t_disputes,
					      &t_ledger, &t_fees, &t_payouts, &t_closures, &t_audit };

/* --- bounded lines and their encodings --- */

struct line {
	char *p;
	size_t n, cap;
	int over;        /* something did not fit: the row is refused */
};

static void put(struct line *l, const void *s, size_t n)
{
	if (l->n + n > l->cap) {
		l->over = 1;
		return;
	}
	memcpy(l->p + l->n, s, n);
	l->n += n;
}

static void putc1(struct line *l, char c)
{
	if (l->n == l->cap) {
		l->over = 1;
		return;
	}
	l->p[l->n++] = c;
}

static void puts0(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

/* The length of the valid UTF-8 sequence at p (1 to 4), 0 when invalid:
 * stored text should be valid, and what is not becomes U+FFFD rather than
 * a file a reader refuses. */
static int utf8_seq(const unsigned char *p)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (c == 0xe0 && p[1] < 0xa0) ||
		    (c == 0xed && p[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80 ||
		    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

static const char replacement[] = "\xef\xbf\xbd";

/* The first characters that make a spreadsheet read a cell as a formula
 * (OWASP's CSV injection list). */
static int formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* One CSV cell of text (RFC 4180): quoted when it holds a comma, quote or
 * line break, quotes doubled; a leading apostrophe when it would start
 * like a formula. */
static void csv_text(struct line *l, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		putc1(l, '"');
	if (formula_start(s[0]))
		putc1(l, '\'');
	while (*p) {
		const unsigned char *run = p;
		int k;
		while (*p >= 0x20 && *p < 0x80 && *p != '"')
			p++;
		put(l, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p == '"') {
			put(l, "\"\"", 2);
			p++;
		} else if ((k = utf8_seq(p)) > 0) {
			put(l, p, (size_t)k);
			p += k;
		} else {
			put(l, replacement, 3);
			p++;
		}
	}
	if (quote)
		putc1(l, '"');
}

/* A JSON string (RFC 8259), control characters escaped. */
static void json_str(struct line *l, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	putc1(l, '"');
	while (*p) {
		const unsigned char *run = p;
		int k;
		while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		put(l, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p == '"' || *p == '\\') {
			char esc[2] = { '\\', (char)*p };
			put(l, esc, 2);
			p++;
		} else if (*p < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
			if (*p == '\n' || *p == '\r' || *p == '\t') {
				esc[1] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
				put(l, esc, 2);
			} else {
				put(l, esc, 6);
			}
			p++;
		} else if ((k = utf8_seq(p)) > 0) {
			put(l, p, (size_t)k);
			p += k;
		} else {
			put(l, replacement, 3);
			p++;
		}
	}
	putc1(l, '"');
}

/* Decimal digits of v into the end of buf; returns where they start. */
static char *digits(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static void put_int(struct line *l, int64_t v)
{
	char buf[24], *s = digits(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, buf + sizeof(buf));

	if (v < 0)
		*--s = '-';
	put(l, s, (size_t)(buf + sizeof(buf) - s));
}

/* The minor-unit digits of currency, remembered across rows (an account
 * has one currency, looking it up per cell would show). */
struct exponent_cache {
	char currency[4];
	int exponent;
};

static void put_money(struct line *l, struct exponent_cache *c, int64_t minor, const char *currency)
{
	char buf[40], *end = buf + sizeof(buf), *s;
	uint64_t a = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	int e;

	if (strncmp(c->currency, currency, sizeof(c->currency)) != 0) {
		snprintf(c->currency, sizeof(c->currency), "%s", currency);
		c->exponent = money_exponent(currency);
		if (c->exponent < 0)
			c->exponent = 2;   /* as money_decimal() */
	}
	e = c->exponent;
	s = end;
	for (int i = 0; i < e; i++) {
		*--s = (char)('0' + a % 10);
		a /= 10;
	}
	if (e > 0)
		*--s = '.';
	s = digits(a, s);
	if (minor < 0)
		*--s = '-';
	put(l, s, (size_t)(end - s));
}

static void two(char *out, int v)
{
	out[0] = (char)('0' + v / 10);
	out[1] = (char)('0' + v % 10);
}

/* RFC 3339 UTC of t ("2026-11-26T03:00:00Z") into out[21], by the civil
 * calendar arithmetic of Howard Hinnant's days_from_civil inverse: the
 * same text as clock_format(), without gmtime_r() on every cell. */
static void iso_time(int64_t t, char out[21])
{
	int64_t days = t / 86400, secs = t % 86400, era, doe, yoe, doy, mp, y, m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999) {
		clock_format(t, out, 21);
		return;
	}
	two(out, (int)(y / 100));
	two(out + 2, (int)(y % 100));
	out[4] = '-';
	two(out + 5, (int)m);
	out[7] = '-';
	two(out + 8, (int)d);
	out[10] = 'T';
	two(out + 11, (int)(secs / 3600));
	out[13] = ':';
	two(out + 14, (int)(secs / 60 % 60));
	out[16] = ':';
	two(out + 17, (int)(secs % 60));
	out[19] = 'Z';
	out[20] = '\0';
}

/* --- one table's two files, row by row --- */

struct table_out {
	const struct table *t;
	struct zipw_entry *csv, *jsonl;
	struct line c, j;
	size_t col;
	int64_t rows;
	struct exponent_cache *money;
};

/* The start of each cell: separators, and the JSON key. */
static void cell(struct table_out *o, enum col_type type)
{
	const struct col *col = &o->t->cols[o->col];

	assert(o->col < o->t->ncols && col->type == type);
	(void)type;
	if (o->col > 0) {
		putc1(&o->c, ',');
		putc1(&o->j, ',');
	}
	putc1(&o->j, '"');
	puts0(&o->j, col->name);
	put(&o->j, "\":", 2);
	o->col++;
}

static void cell_text(struct table_out *o, const char *s)
{
	cell(o, COL_TEXT);
	csv_text(&o->c, s);
	json_str(&o->j, s);
}

static void cell_int(struct table_out *o, int64_t v)
{
	cell(o, COL_INT);
	put_int(&o->c, v);
	put_int(&o->j, v);
}

static void cell_money(struct table_out *o, int64_t minor, const char *currency)
{
	cell(o, COL_MONEY);
	put_money(&o->c, o->money, minor, currency);
	putc1(&o->j, '"');
	put_money(&o->j, o->money, minor, currency);
	putc1(&o->j, '"');
}

static void cell_time(struct table_out *o, int64_t t)
{
	char iso[21];

	cell(o, COL_TIME);
	if (t == 0) {
		put(&o->j, "null", 4);
		return;
	}
	iso_time(t, iso);
	put(&o->c, iso, 20);
	putc1(&o->j, '"');
	put(&o->j, iso, 20);
	putc1(&o->j, '"');
}

static void row_begin(struct table_out *o)
{
	o->c.n = o->j.n = 0;
	o->c.over = o->j.over = 0;
	o->col = 0;
	putc1(&o->j, '{');
}

static enum ob_rc row_end(struct table_out *o, struct ob_err *err)
{
	enum ob_rc rc;

	assert(o->col == o->t->ncols);
	put(&o->c, "\r\n", 2);
	put(&o->j, "}\n", 2);
	if (o->c.over || o->j.over)   /* records are bounded far below LINE_CAP */
		return ob_fail(err, OB_EINTERNAL, "row_too_long", NULL, "a row of %s is too long",
			       o->t->name);
	if ((rc = zipw_write(o->csv, o->c.p, o->c.n, err)) != OB_OK ||
	    (rc = zipw_write(o->jsonl, o->j.p, o->j.n, err)) != OB_OK)
		return rc;
	o->rows++;
	return OB_OK;
}

/* --- the build --- */

struct build {
	struct store *st;
	const char *seller_id;
	struct zipw *z;
	int64_t now;
	int64_t done, total;
	uint64_t reported_at;
	export_progress_fn progress;
	void *arg;
	void *page;                   /* PAGE records of any kind */
	struct exponent_cache money;
	struct line doc;              /* the JSON and text documents */
};

static enum ob_rc report(struct build *b, int force, struct ob_err *err)
{
	uint64_t t = clock_mono_ns();

	if (b->done > b->total)
		b->total = b->done;
	if (b->progress == NULL || (!force && t - b->reported_at < PROGRESS_NS))
		return OB_OK;
	b->reported_at = t;
	if (b->progress(b->arg, b->done, b->total) != 0)
		return ob_fail(err, OB_ECONFLICT, "export_cancelled", NULL, "the export was stopped");
	return OB_OK;
}

static enum ob_rc out_open(struct build *b, const struct table *t, struct table_out *o,
			   struct ob_err *err)
{
	char name[ZIPW_NAME_MAX];
	enum ob_rc rc;

	memset(o, 0, sizeof(*o));
	o->t = t;
	o->money = &b->money;
	o->c.cap = o->j.cap = LINE_CAP;
	if ((o->c.p = malloc(LINE_CAP)) == NULL || (o->j.p = malloc(LINE_CAP)) == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	snprintf(name, sizeof(name), "%s.csv", t->name);
	if ((rc = zipw_entry_open(b->z, name, &o->csv, err)) != OB_OK)
		return rc;
	snprintf(name, sizeof(name), "%s.jsonl", t->name);
	if ((rc = zipw_entry_open(b->z, name, &o->jsonl, err)) != OB_OK)
		return rc;
	/* a byte order mark, so that spreadsheets read the file as UTF-8 */
	put(&o->c, "\xef\xbb\xbf", 3);
	for (size_t i = 0; i < t->ncols; i++) {
		if (i > 0)
			putc1(&o->c, ',');
		puts0(&o->c, t->cols[i].name);
	}
	put(&o->c, "\r\n", 2);
	return zipw_write(o->csv, o->c.p, o->c.n, err);
}

/* Closes both files (when rc is OB_OK) and frees the lines. */
static enum ob_rc out_close(struct table_out *o, enum ob_rc rc, struct ob_err *err)
{
	if (rc == OB_OK && o->csv && o->jsonl)
		rc = zipw_entry_close(o->csv, o->rows, err);
	if (rc == OB_OK && o->jsonl)
		rc = zipw_entry_close(o->jsonl, o->rows, err);
	free(o->c.p);
	free(o->j.p);
	o->c.p = o->j.p = NULL;
	return rc;
}

static struct page_query page_of(struct build *b, int64_t after_time, const char *after_id)
{
	return (struct page_query){ .seller_id = b->seller_id, .status = -1,
				    .after_time = after_time, .after_id = after_id, .limit = PAGE };
}

/* The walks: every row of a kind, a page at a time, keyset after the last
 * row of the page before (copied: the page is overwritten by the next). */

static enum ob_rc walk_listings(struct build *b, struct ob_err *err)
{
	struct table_out o;
	struct listing *rows = b->page;
	char after[ID_MAX] = "";
	int64_t after_time = 0;
	size_t n = 0;
	enum ob_rc rc = out_open(b, &t_listings, &o, err);

	while (rc == OB_OK) {
		struct page_query q = page_of(b, after_time, after[0] ? after : NULL);
		if ((rc = store_listings_list(b->st, &q, rows, &n, err)) != OB_OK || n == 0)
			break;
		for (size_t i = 0; i < n && rc == OB_OK; i++) {
			const struct listing *r = &rows[i];
			row_begin(&o);
			cell_text(&o, r->id);
			cell_text(&o, r->sku);
			cell_text(&o, r->title);
			cell_money(&o, r->price_minor, r->currency);
			cell_text(&o, r->currency);
			cell_text(&o, listing_status_names[r->status]);
			cell_time(&o, r->created_at);
			cell_time(&o, r->updated_at);
			rc = row_end(&o, err);
		}
		after_time = rows[n - 1].created_at;
		snprintf(after, sizeof(after), "%s", rows[n - 1].id);
		b->done += (int64_t)n;
		if (rc == OB_OK)
			rc = report(b, 0, err);
	}
	return out_close(&o, rc, err);
}

static enum ob_rc walk_orders(struct build *b, struct ob_err *err)
{
	struct table_out o;
	struct order *rows = b->page;
	char after[ID_MAX] = "";
	int64_t after_time = 0;
	size_t n = 0;
	enum ob_rc rc = out_open(b, &t_orders, &o, err);

	while (rc == OB_OK) {
		struct page_query q = page_of(b, after_time, after[0] ? after : NULL);
		if ((rc = store_orders_list(b->st, &q, rows, &n, err)) != OB_OK || n == 0)
			break;
		for (size_t i = 0; i < n && rc == OB_OK; i++) {
			const struct order *r = &rows[i];
			row_begin(&o);
			cell_text(&o, r->id);
			cell_text(&o, order_status_names[r->status]);
			cell_money(&o, r->total_minor, r->currency);
			cell_text(&o, r->currency);
			cell_text(&o, r->buyer_name);
			cell_text(&o, r->ship_address);
			cell_time(&o, r->placed_at);
			cell_time(&o, r->delivered_at);
			cell_time(&o, r->return_window_ends_at);
			cell_time(&o, r->created_at);
			cell_time(&o, r->updated_at);
			rc = row_end(&o, err);
		}
		after_time = rows[n - 1].placed_at;
		snprintf(after, sizeof(after), "%s", rows[n - 1].id);
		b->done += (int64_t)n;
		if (rc == OB_OK)
			rc = report(b, 0, err);
	}
	return out_close(&o, rc, err);
}

static enum ob_rc walk_items(struct build *b, struct ob_err *err)
{
	struct table_out o;
	struct order_item_row *rows = b->page;
	char after[ID_MAX] = "";
	int64_t after_time = 0;
	int after_line = 0;
	size_t n = 0;
	enum ob_rc rc = out_open(b, &t_items, &o, err);

	while (rc == OB_OK) {
		if ((rc = store_order_items_page(b->st, b->seller_id, after_time, after[0] ? after : NULL,
						 after_line, rows, PAGE, &n, err)) != OB_OK || n == 0)
			break;
		for (size_t i = 0; i < n && rc == OB_OK; i++) {
			const struct order_item *it = &rows[i].item;
			int64_t line_total;
			row_begin(&o);
			cell_text(&o, it->order_id);
			cell_int(&o, it->line);
			cell_text(&o, it->sku);
			cell_text(&o, it->title);
			cell_int(&o, it->quantity);
			cell_money(&o, it->unit_price_minor, rows[i].currency);
			if (__builtin_mul_overflow(it->quantity, it->unit_price_minor, &line_total))
				line_total = 0;   /* the store bounds both far below this */
			cell_money(&o, line_total, rows[i].currency);
			cell_text(&o, rows[i].currency);
			cell_time(&o, rows[i].placed_at);
			rc = row_end(&o, err);
		}
		after_time = rows[n - 1].placed_at;
		after_line = rows[n - 1].item.line;
		snprintf(after, sizeof(after), "%s", rows[n - 1].item.order_id);
		b->done += (int64_t)n;
		if (rc == OB_OK)
			rc = report(b, 0, err);
	}
	return out_close(&o, rc, err);
}

static enum ob_rc walk_disputes(struct build *b, struct ob_err *err)
{
	struct table_out o;
	struct dispute *rows = b->page;
	char after[ID_MAX] = "";
	int64_t after_time = 0;
	size_t n = 0;
	enum ob_rc rc = out_open(b, &t_disputes, &o, err);

	while (rc == OB_OK) {
		struct page_query q = page_of(b, after_time, after[0] ? after : NULL);
		if ((rc = store_disputes_list(b->st, &q, rows, &n, err)) != OB_OK || n == 0)
			break;
		for (size_t i = 0; i < n && rc == OB_OK; i++) {
			const struct dispute *r = &rows[i];
			row_begin(&o);
			cell_text(&o, r->id);
			cell_text(&o, r->order_id);
			cell_text(&o, dispute_kind_names[r->kind]);
			cell_text(&o, dispute_status_names[r->status]);
			cell_money(&o, r->amount_minor, r->currency);
			cell_text(&o, r->currency);
			cell_time(&o, r->opened_at);
			cell_time(&o, r->closed_at);
			rc = row_end(&o, err);
		}
		after_time = rows[n - 1].opened_at;
		snprintf(after, sizeof(after), "%s", rows[n - 1].id);
		b->done += (int64_t)n;
		if (rc == OB_OK)
			rc = report(b, 0, err);
	}
	return out_close(&o, rc, err);
}

static void ledger_cells(struct table_out *o, const struct ledger_txn *t)
{
	row_begin(o);
	cell_text(o, t->id);
	cell_text(o, t->type);
	cell_money(o, t->amount_minor, t->currency);
	cell_text(o, t->currency);
	cell_money(o, ledger_effect(t, "seller_available"), t->currency);
	cell_money(o, ledger_effect(t, "seller_pending"), t->currency);
	cell_money(o, ledger_effect(t, "seller_reserve"), t->currency);
	cell_money(o, ledger_effect(t, "payouts_in_flight"), t->currency);
	cell_text(o, t->order_id);
	cell_text(o, t->payout_id);
	cell_text(o, t->reverses_id);
	cell_text(o, t->memo);
	cell_time(o, t->created_at);
}

/* ledger.csv and, from the same rows, fees.csv. */
static enum ob_rc walk_ledger(struct build *b, struct ob_err *err)
{
	struct table_out o, f;
	struct ledger_txn *rows = b->page;
	char after[ID_MAX] = "";
	int64_t after_time = 0;
	size_t n = 0;
	enum ob_rc rc = out_open(b, &t_ledger, &o, err);

	memset(&f, 0, sizeof(f));
	if (rc == OB_OK)
		rc = out_open(b, &t_fees, &f, err);
	while (rc == OB_OK) {
		struct page_query q = page_of(b, after_time, after[0] ? after : NULL);
		if ((rc = store_ledger_list(b->st, &q, rows, &n, err)) != OB_OK || n == 0)
			break;
		for (size_t i = 0; i < n && rc == OB_OK; i++) {
			ledger_cells(&o, &rows[i]);
			rc = row_end(&o, err);
			if (rc == OB_OK && strcmp(rows[i].type, "fee") == 0) {
				ledger_cells(&f, &rows[i]);
				rc = row_end(&f, err);
			}
		}
		after_time = rows[n - 1].created_at;
		snprintf(after, sizeof(after), "%s", rows[n - 1].id);
		b->done += (int64_t)n;
		if (rc == OB_OK)
			rc = report(b, 0, err);
	}
	rc = out_close(&o, rc, err);
	return out_close(&f, rc, err);
}

static enum ob_rc walk_payouts(struct build *b, struct ob_err *err)
{
	struct table_out o;
	struct payout *rows = b->page;
	char after[ID_MAX] = "";
	int64_t after_time = 0;
	size_t n = 0;
	enum ob_rc rc = out_open(b, &t_payouts, &o, err);

	while (rc == OB_OK) {
		struct page_query q = page_of(b, after_time, after[0] ? after : NULL);
		if ((rc = store_payouts_list(b->st, &q, rows, &n, err)) != OB_OK || n == 0)
			break;
		for (size_t i = 0; i < n && rc == OB_OK; i++) {
			const struct payout *r = &rows[i];
			row_begin(&o);
			cell_text(&o, r->id);
			cell_money(&o, r->amount_minor, r->currency);
			cell_text(&o, r->currency);
			cell_text(&o, payout_status_names[r->status]);
			cell_text(&o, r->iban_masked);
			cell_text(&o, r->failure_reason);
			cell_time(&o, r->requested_at);
			cell_time(&o, r->updated_at);
			rc = row_end(&o, err);
		}
		after_time = rows[n - 1].requested_at;
		snprintf(after, sizeof(after), "%s", rows[n - 1].id);
		b->done += (int64_t)n;
		if (rc == OB_OK)
			rc = report(b, 0, err);
	}
	return out_close(&o, rc, err);
}

static enum ob_rc walk_closures(struct build *b, struct ob_err *err)
{
	struct table_out o;
	struct closure *rows = b->page;
	char after[ID_MAX] = "";
	int64_t after_time = 0;
	size_t n = 0;
	enum ob_rc rc = out_open(b, &t_closures, &o, err);

	while (rc == OB_OK) {
		if ((rc = store_closures_of_seller(b->st, b->seller_id, after_time, after[0] ? after : NULL,
						   rows, PAGE, &n, err)) != OB_OK || n == 0)
			break;
		for (size_t i = 0; i < n && rc == OB_OK; i++) {
			const struct closure *r = &rows[i];
			row_begin(&o);
			cell_text(&o, r->id);
			cell_text(&o, r->method == CLOSURE_METHOD_PAUSE ? "pause" : "close");
			cell_text(&o, closure_status_names[r->status]);
			cell_text(&o, r->reason);
			cell_text(&o, r->reason_text);
			cell_time(&o, r->requested_at);
			cell_time(&o, r->confirmed_at);
			cell_time(&o, r->ended_at);
			cell_time(&o, r->closes_at);
			cell_time(&o, r->closed_at);
			cell_time(&o, r->reserve_release_at);
			cell_time(&o, r->history_ends_at);
			cell_time(&o, r->erase_at);
			cell_text(&o, r->policy);
			rc = row_end(&o, err);
		}
		after_time = rows[n - 1].requested_at;
		snprintf(after, sizeof(after), "%s", rows[n - 1].id);
		b->done += (int64_t)n;
		if (rc == OB_OK)
			rc = report(b, 0, err);
	}
	return out_close(&o, rc, err);
}

static enum ob_rc walk_audit(struct build *b, struct ob_err *err)
{
	struct table_out o;
	struct audit_record *rows = b->page;
	int64_t before = 0;
	size_t n = 0;
	enum ob_rc rc = out_open(b, &t_audit, &o, err);

	while (rc == OB_OK) {
		if ((rc = store_audit_list_seller(b->st, b->seller_id, before, rows, PAGE, &n, err)) != OB_OK ||
		    n == 0)
			break;
		for (size_t i = 0; i < n && rc == OB_OK; i++) {
			const struct audit_record *r = &rows[i];
			row_begin(&o);
			cell_int(&o, r->seq);
			cell_time(&o, r->at);
			cell_text(&o, r->actor);
			cell_text(&o, r->action);
			cell_text(&o, r->detail);
			cell_text(&o, r->prev_hash);
			cell_text(&o, r->hash);
			rc = row_end(&o, err);
		}
		before = rows[n - 1].seq;
		b->done += (int64_t)n;
		if (rc == OB_OK)
			rc = report(b, 0, err);
	}
	return out_close(&o, rc, err);
}

/* --- the documents: a small JSON writer over struct line --- */

/* An object being written: whether a member was written yet, and how deep
 * it is (for the indentation). */
struct jobj {
	int first;
	int depth;
};

static void indent(struct line *l, int depth)
{
	putc1(l, '\n');
	for (int i = 0; i < depth; i++)
		put(l, "  ", 2);
}

static void jkey(struct line *l, struct jobj *o, const char *key)
{
	if (!o->first)
		putc1(l, ',');
	o->first = 0;
	indent(l, o->depth + 1);
	if (key) {
		json_str(l, key);
		put(l, ": ", 2);
	}
}

/* Opens an object (or array, with '[') as member key of parent (key NULL:
 * an element of an array, or the document). */
static struct jobj jopen(struct line *l, struct jobj *parent, const char *key, char bracket)
{
	if (parent)
		jkey(l, parent, key);
	putc1(l, bracket);
	return (struct jobj){ .first = 1, .depth = parent ? parent->depth + 1 : 0 };
}

static void jclose(struct line *l, const struct jobj *o, char bracket)
{
	if (!o->first)
		indent(l, o->depth);
	putc1(l, bracket);
}

static void jstr(struct line *l, struct jobj *o, const char *key, const char *v)
{
	jkey(l, o, key);
	json_str(l, v);
}

static void jtime(struct line *l, struct jobj *o, const char *key, int64_t t)
{
	char iso[21];

	jkey(l, o, key);
	if (t == 0) {
		puts0(l, "null");
		return;
	}
	iso_time(t, iso);
	json_str(l, iso);
}

static void jint(struct line *l, struct jobj *o, const char *key, int64_t v)
{
	jkey(l, o, key);
	put_int(l, v);
}

static void jbool(struct line *l, struct jobj *o, const char *key, int v)
{
	jkey(l, o, key);
	puts0(l, v ? "true" : "false");
}

static void jmoney(struct build *b, struct line *l, struct jobj *o, const char *key, int64_t minor,
		   const char *currency)
{
	jkey(l, o, key);
	putc1(l, '"');
	put_money(l, &b->money, minor, currency);
	putc1(l, '"');
}

static enum ob_rc write_doc(struct build *b, const char *name, struct ob_err *err)
{
	struct zipw_entry *e;
	enum ob_rc rc;

	if (b->doc.over)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "%s is too long", name);
	if ((rc = zipw_entry_open(b->z, name, &e, err)) != OB_OK)
		return rc;
	if ((rc = zipw_write(e, b->doc.p, b->doc.n, err)) != OB_OK)
		return rc;
	return zipw_entry_close(e, -1, err);
}

static void doc_begin(struct build *b)
{
	b->doc.n = 0;
	b->doc.over = 0;
}

static enum ob_rc write_profile(struct build *b, const struct seller *s, struct ob_err *err)
{
	struct line *l = &b->doc;
	struct jobj top, bank;
	char iban[48];

	doc_begin(b);
	top = jopen(l, NULL, NULL, '{');
	jstr(l, &top, "id", s->id);
	jstr(l, &top, "email", s->email);
	jstr(l, &top, "display_name", s->display_name);
	jstr(l, &top, "legal_name", s->legal_name);
	jstr(l, &top, "phone", s->phone);
	jstr(l, &top, "address", s->address);
	jstr(l, &top, "tax_id", s->tax_id);
	if (s->bank_iban[0]) {
		seller_iban_masked(s, iban, sizeof(iban));
		bank = jopen(l, &top, "bank_account", '{');
		jstr(l, &bank, "holder", s->bank_holder);
		jstr(l, &bank, "iban_masked", iban);
		jclose(l, &bank, '}');
	} else {
		jkey(l, &top, "bank_account");
		puts0(l, "null");
	}
	jstr(l, &top, "marketplace", s->marketplace_id);
	jstr(l, &top, "status", seller_status_name(s->status));
	jbool(l, &top, "totp_enabled", s->totp_secret[0] != '\0');
	jtime(l, &top, "created_at", s->created_at);
	jtime(l, &top, "updated_at", s->updated_at);
	jclose(l, &top, '}');
	putc1(l, '\n');
	return write_doc(b, "profile.json", err);
}

static enum ob_rc write_settings(struct build *b, const struct seller *s, struct ob_err *err)
{
	struct line *l = &b->doc;
	struct marketplace m;
	struct balance_view bal;
	struct closure cur;
	struct service sv[SERVICES_MAX];
	struct jobj top, o, arr;
	const struct policy *p;
	size_t nsv = 0;
	int paused;
	enum ob_rc rc;

	if ((rc = store_marketplace_get(b->st, s->marketplace_id, &m, err)) != OB_OK ||
	    (rc = ledger_balances(b->st, s->id, &bal, err)) != OB_OK ||
	    (rc = store_services_list(b->st, s->id, sv, SERVICES_MAX, &nsv, err)) != OB_OK)
		return rc;
	rc = store_closure_current(b->st, s->id, &cur, err);
	if (rc != OB_OK && rc != OB_ENOTFOUND)
		return rc;
	paused = rc == OB_OK && cur.status == CLOSURE_PAUSED;
	p = policy_get(m.policy);
	doc_begin(b);
	top = jopen(l, NULL, NULL, '{');
	o = jopen(l, &top, "marketplace", '{');
	jstr(l, &o, "id", m.id);
	jstr(l, &o, "name", m.name);
	jstr(l, &o, "currency", m.currency);
	jstr(l, &o, "policy", m.policy);
	jclose(l, &o, '}');
	o = jopen(l, &top, "policy", '{');
	jint(l, &o, "grace_days", p->grace_days);
	jint(l, &o, "confirm_hours", p->confirm_hours);
	jint(l, &o, "return_window_days", p->return_window_days);
	jint(l, &o, "reserve_days", p->reserve_days);
	jint(l, &o, "history_days", p->history_days);
	jint(l, &o, "export_days", p->export_days);
	jint(l, &o, "retention_financial_days", p->retention_financial_days);
	jclose(l, &o, '}');
	jbool(l, &top, "vacation_mode", paused);
	jbool(l, &top, "totp_enabled", s->totp_secret[0] != '\0');
	o = jopen(l, &top, "balances", '{');
	jmoney(b, l, &o, "available", bal.available, bal.currency);
	jmoney(b, l, &o, "pending", bal.pending, bal.currency);
	jmoney(b, l, &o, "reserved", bal.reserved, bal.currency);
	jmoney(b, l, &o, "in_flight", bal.in_flight, bal.currency);
	jmoney(b, l, &o, "debt", bal.debt, bal.currency);
	jstr(l, &o, "currency", bal.currency);
	jtime(l, &o, "as_of", b->now);
	jclose(l, &o, '}');
	arr = jopen(l, &top, "services", '[');
	for (size_t i = 0; i < nsv; i++) {
		o = jopen(l, &arr, NULL, '{');
		jstr(l, &o, "id", sv[i].id);
		jstr(l, &o, "kind", service_kind_names[sv[i].kind]);
		jmoney(b, l, &o, "monthly_fee", sv[i].monthly_fee_minor, sv[i].currency);
		jstr(l, &o, "currency", sv[i].currency);
		jstr(l, &o, "status", sv[i].active ? "active" : "terminated");
		jtime(l, &o, "started_at", sv[i].started_at);
		jtime(l, &o, "ended_at", sv[i].ended_at);
		jclose(l, &o, '}');
	}
	jclose(l, &arr, ']');
	jclose(l, &top, '}');
	putc1(l, '\n');
	return write_doc(b, "settings.json", err);
}

static void readme_table(struct line *l, const struct table *t)
{
	char head[160];

	snprintf(head, sizeof(head), "\n%s.csv, %s.jsonl\n  ", t->name, t->name);
	puts0(l, head);
	puts0(l, t->about);
	puts0(l, "\n");
	for (size_t i = 0; i < t->ncols; i++) {
		char col[256];
		snprintf(col, sizeof(col), "    %-22s %-8s %s\n", t->cols[i].name,
			 col_type_names[t->cols[i].type], t->cols[i].about);
		puts0(l, col);
	}
}

static enum ob_rc write_readme(struct build *b, const struct seller *s, struct ob_err *err)
{
	struct line *l = &b->doc;
	char when[32], intro[512];

	doc_begin(b);
	clock_format(b->now, when, sizeof(when));
	snprintf(intro, sizeof(intro),
		 "Your data from offboard\n"
		 "=======================\n\n"
		 "Seller %s, as of %s (UTC).\n\n", s->id, when);
	puts0(l, intro);
	puts0(l,
	      "Every kind of record comes twice: as CSV for spreadsheets and as JSON Lines for\n"
	      "programs. Both hold the same rows and columns.\n\n"
	      "CSV files follow RFC 4180: UTF-8 (with a byte order mark, so spreadsheets read it\n"
	      "as UTF-8), a header row, commas between cells, CRLF between rows, cells with a\n"
	      "comma, quote or line break in double quotes (a quote doubled). A text cell that\n"
	      "starts with = + - @, a tab or a carriage return gets a leading apostrophe (')\n"
	      "so that no spreadsheet runs it as a formula; the JSON Lines files have the\n"
	      "exact text. Decimal columns are plain numbers (they may start with a minus).\n\n"
	      "JSON Lines files (.jsonl) hold one JSON object a line, with the columns of the\n"
	      "CSV file as keys: text and decimal amounts as strings, whole numbers as numbers,\n"
	      "times as strings, and null for a time that is not set.\n\n"
	      "Column types:\n"
	      "  text      any text\n"
	      "  integer   a whole number\n"
	      "  decimal   an amount of money in major units (\"12.34\" for 12 dollars 34 cents),\n"
	      "            exact; its currency is the row's currency column\n"
	      "  time      a date and time in UTC, RFC 3339 (\"2026-11-26T03:00:00Z\"); empty\n"
	      "            (CSV) or null (JSON) when it has not happened\n\n"
	      "Rows are newest first unless said otherwise.\n\n"
	      "Files\n"
	      "-----\n\n"
	      "profile.json\n"
	      "  Your account: names, e-mail, telephone, postal address, tax id, the bank\n"
	      "  account payouts go to (its number partly hidden), status and dates.\n\n"
	      "settings.json\n"
	      "  Your marketplace and the policy that applies to your account (days of grace,\n"
	      "  reserve, history access, how long this file is kept), vacation mode, two-step\n"
	      "  sign-in, your paid services, and your balances when this file was made.\n");
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		readme_table(l, tables[i]);
	puts0(l,
	      "\nREADME.txt\n"
	      "  This file.\n\n"
	      "manifest.json\n"
	      "  Every other file of the archive with its size in bytes, its rows (CSV rows\n"
	      "  without the header; JSON Lines lines) and its SHA-256 hash, and the columns\n"
	      "  and types of each table. To check a file: sha256sum FILE (Linux),\n"
	      "  shasum -a 256 FILE (macOS) or certutil -hashfile FILE SHA256 (Windows)\n"
	      "  must print the hash the manifest gives.\n");
	return write_doc(b, "README.txt", err);
}

static const struct table *table_of(const char *entry)
{
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		size_t n = strlen(tables[i]->name);
		if (strncmp(entry, tables[i]->name, n) == 0 &&
		    (strcmp(entry + n, ".csv") == 0 || strcmp(entry + n, ".jsonl") == 0))
			return tables[i];
	}
	return NULL;
}

static enum ob_rc write_manifest(struct build *b, const char *seller_id, struct ob_err *err)
{
	struct line *l = &b->doc;
	struct jobj top, files, f, cols, c;

	doc_begin(b);
	top = jopen(l, NULL, NULL, '{');
	jstr(l, &top, "format", "offboard-export/1");
	jstr(l, &top, "seller_id", seller_id);
	jtime(l, &top, "generated_at", b->now);
	files = jopen(l, &top, "files", '[');
	for (size_t i = 0; i < zipw_count(b->z); i++) {
		const struct zipw_info *info = zipw_info(b->z, i);
		const struct table *t = table_of(info->name);

		f = jopen(l, &files, NULL, '{');
		jstr(l, &f, "name", info->name);
		jint(l, &f, "size", (int64_t)info->size);
		jkey(l, &f, "rows");
		if (info->rows >= 0)
			put_int(l, info->rows);
		else
			puts0(l, "null");
		jstr(l, &f, "sha256", info->sha256);
		if (t) {
			cols = jopen(l, &f, "columns", '[');
			for (size_t k = 0; k < t->ncols; k++) {
				c = jopen(l, &cols, NULL, '{');
				jstr(l, &c, "name", t->cols[k].name);
				jstr(l, &c, "type", col_type_names[t->cols[k].type]);
				jclose(l, &c, '}');
			}
			jclose(l, &cols, ']');
		}
		jclose(l, &f, '}');
	}
	jclose(l, &files, ']');
	jclose(l, &top, '}');
	putc1(l, '\n');
	return write_doc(b, "manifest.json", err);
}

enum ob_rc export_build(struct store *st, const char *seller_id, const char *path,
			const char *tmp_dir, export_progress_fn progress, void *arg, int64_t *rows,
			struct ob_err *err)
{
	static const size_t sizes[] = { sizeof(struct listing), sizeof(struct order),
					sizeof(struct order_item_row), sizeof(struct dispute),
					sizeof(struct ledger_txn), sizeof(struct payout),
					sizeof(struct closure), sizeof(struct audit_record) };
	enum ob_rc (*const walks[])(struct build *, struct ob_err *) = {
		walk_listings, walk_orders, walk_items, walk_disputes, walk_ledger, walk_payouts,
		walk_closures, walk_audit,
	};
	struct build b;
	struct seller s;
	struct export_counts c;
	size_t row_size = 0;
	enum ob_rc rc;

	memset(&b, 0, sizeof(b));
	*rows = 0;
	b.st = st;
	b.seller_id = seller_id;
	b.now = clock_now();
	b.progress = progress;
	b.arg = arg;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		row_size = sizes[i] > row_size ? sizes[i] : row_size;
	if ((rc = store_seller_get(st, seller_id, &s, err)) != OB_OK)
		goto out;
	if (s.status == SELLER_PURGED) {
		rc = ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such seller");
		goto out;
	}
	if ((rc = store_export_counts(st, seller_id, &c, err)) != OB_OK)
		goto out;
	b.total = c.listings + c.orders + c.order_items + c.disputes + c.ledger + c.payouts +
		  c.closures + c.audit;
	b.doc.cap = DOC_CAP;
	if ((b.page = malloc(row_size * PAGE)) == NULL || (b.doc.p = malloc(DOC_CAP)) == NULL) {
		rc = ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if ((rc = report(&b, 1, err)) != OB_OK ||
	    (rc = zipw_new(tmp_dir, &b.z, err)) != OB_OK ||
	    (rc = write_profile(&b, &s, err)) != OB_OK ||
	    (rc = write_settings(&b, &s, err)) != OB_OK)
		goto out;
	for (size_t i = 0; i < sizeof(walks) / sizeof(walks[0]); i++)
		if ((rc = walks[i](&b, err)) != OB_OK)
			goto out;
	if ((rc = write_readme(&b, &s, err)) != OB_OK ||
	    (rc = write_manifest(&b, seller_id, err)) != OB_OK ||
	    (rc = zipw_finish(b.z, path, b.now, err)) != OB_OK)
		goto out;
	b.total = b.done;
	*rows = b.done;
	rc = report(&b, 1, err);
out:
	zipw_free(b.z);
	free(b.page);
	free(b.doc.p);
	crypto_wipe(&s, sizeof(s));
	return rc;
}
