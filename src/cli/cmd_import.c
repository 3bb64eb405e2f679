/* cmd_import.c: `offboard import FILE.jsonl`: the marketplace's records in
 * bulk, one JSON object a line with a "record" (its kind) and the fields of
 * the operator API. Lines are applied in batched transactions, each line atomically on
 * its own savepoint: a bad line is reported by number and reason and the
 * good ones go on. A line whose id is already stored counts as present, so
 * the same file can be imported again. */
#include "cli/cli.h"

#include "core/clock.h"
#include "http/decode.h"
#include "http/json_edge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINE_MAX_BYTES (1u << 20)
#define BATCH_LINES 2000

static const char usage[] =
	"usage: offboard import [--db URL] FILE.jsonl\n"
	"\n"
	"Imports marketplace records, one JSON object a line, each with \"record\":\n"
	"marketplace, seller, listing, order, dispute, ledger, payout, inventory or\n"
	"service, and the fields of the matching operator API request, for example\n"
	"  {\"record\":\"order\",\"id\":\"o-1\",\"seller_id\":\"s-1\",\"status\":\"shipped\",...}\n"
	"A line whose id is already stored counts as present. Reports each rejected\n"
	"line by number and reason; exits 1 when any line was rejected.\n";

typedef enum ob_rc (*import_fn)(struct store *st, const json_t *o, struct ob_err *err);

static enum ob_rc import_marketplace(struct store *st, const json_t *o, struct ob_err *err)
{
	struct marketplace_input in;
	struct marketplace m;
	enum ob_rc rc = decode_marketplace(o, &in, err);

	return rc != OB_OK ? rc : marketplace_create(st, &in, &m, err);
}

static enum ob_rc import_seller(struct store *st, const json_t *o, struct ob_err *err)
{
	struct seller_input in;
	struct seller s;
	enum ob_rc rc = decode_seller(o, &in, err);

	if (rc == OB_OK)
		rc = seller_create(st, &in, &s, err);
	crypto_wipe(&s, sizeof(s));
	return rc;
}

static enum ob_rc import_listing(struct store *st, const json_t *o, struct ob_err *err)
{
	struct listing_input in;
	struct listing l;
	enum ob_rc rc = decode_listing(o, &in, err);

	return rc != OB_OK ? rc : listing_create(st, &in, &l, err);
}

static enum ob_rc import_order(struct store *st, const json_t *o, struct ob_err *err)
{
	static struct order_input in;   /* large (items); one import at a time */
	struct order out;
	enum ob_rc rc = decode_order(o, &in, err);

	return rc != OB_OK ? rc : order_create(st, &in, &out, err);
}

static enum ob_rc import_dispute(struct store *st, const json_t *o, struct ob_err *err)
{
	struct dispute_input in;
	struct dispute d;
	enum ob_rc rc = decode_dispute(o, &in, err);

	return rc != OB_OK ? rc : dispute_create(st, &in, &d, err);
}

static enum ob_rc import_ledger(struct store *st, const json_t *o, struct ob_err *err)
{
	struct ledger_input in;
	struct ledger_txn t;
	enum ob_rc rc = decode_ledger(o, &in, err);

	return rc != OB_OK ? rc : ledger_post(st, &in, &t, err);
}

static enum ob_rc import_payout(struct store *st, const json_t *o, struct ob_err *err)
{
	struct payout_record in;
	struct payout p;
	enum ob_rc rc = decode_payout(o, &in, err);

	if (rc != OB_OK || (rc = payout_request(st, &in.in, &p, err)) != OB_OK)
		return rc;
	/* history: the payout went on to its recorded end */
	if (in.status && strcmp(in.status, "requested") != 0)
		rc = payout_transition(st, p.id, in.status, in.failure_reason, &p, err);
	return rc;
}

static enum ob_rc import_inventory(struct store *st, const json_t *o, struct ob_err *err)
{
	struct inventory_input in;
	struct inventory inv;
	enum ob_rc rc = decode_inventory(o, &in, err);

	return rc != OB_OK ? rc : inventory_set(st, &in, &inv, err);
}

static enum ob_rc import_service(struct store *st, const json_t *o, struct ob_err *err)
{
	struct service_input in;
	struct service sv;
	enum ob_rc rc = decode_service(o, &in, err);

	return rc != OB_OK ? rc : service_create(st, &in, &sv, err);
}

static const struct {
	const char *kind;
	import_fn fn;
} kinds[] = {
	{ "marketplace", import_marketplace }, { "seller", import_seller },
	{ "listing", import_listing },         { "order", import_order },
	{ "dispute", import_dispute },         { "ledger", import_ledger },
	{ "payout", import_payout },           { "inventory", import_inventory },
	{ "service", import_service },
};

struct stats {
	long lines, created, present, rejected;
};

static void reject(long line, const struct ob_err *err)
{
	if (err->field[0])
		fprintf(stderr, "line %ld: %s (%s): %s\n", line, err->code, err->field, err->message);
	else
		fprintf(stderr, "line %ld: %s: %s\n", line, err->code, err->message);
}

/* Applies one line on its own savepoint: all of it or nothing. */
static void import_line(struct store *st, const char *text, size_t len, long line, struct stats *s)
{
	struct ob_err err;
	json_t *o = NULL, *kind;
	enum ob_rc rc;
	import_fn fn = NULL;

	ob_err_clear(&err);
	if ((rc = json_edge_parse(text, len, &o, &err)) != OB_OK)
		goto bad;
	kind = json_object_get(o, "record");
	for (size_t i = 0; json_is_string(kind) && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, json_string_value(kind)) == 0)
			fn = kinds[i].fn;
	if (fn == NULL) {
		ob_fail(&err, OB_EINVAL, "invalid_record", "record",
			"record must be marketplace, seller, listing, order, dispute, ledger, payout, inventory or service");
		goto bad;
	}
	json_object_del(o, "record");
	if ((rc = store_begin(st, 1, &err)) != OB_OK)
		goto bad;
	rc = fn(st, o, &err);
	if (rc == OB_OK)
		rc = store_commit(st, &err);
	else
		store_rollback(st);
	if (rc == OB_OK) {
		s->created++;
	} else if (rc == OB_ECONFLICT &&
		   (strcmp(err.code, "duplicate_id") == 0 || strcmp(err.code, "marketplace_exists") == 0)) {
		s->present++;
	} else {
		goto bad;
	}
	json_decref(o);
	return;
bad:
	s->rejected++;
	reject(line, &err);
	json_decref(o);
}

static void progress(const struct stats *s, off_t done, off_t total)
{
	fprintf(stderr, "\r%ld lines, %3d%% of %.1f MB: %ld imported, %ld present, %ld rejected ",
		s->lines, total > 0 ? (int)(done * 100 / total) : 100, (double)total / 1e6, s->created,
		s->present, s->rejected);
}

int cmd_import(int argc, char **argv)
{
	struct config cfg;
	struct store *st = NULL;
	struct stats s = { 0 };
	struct ob_err err;
	struct stat sb;
	const char *path = NULL;
	const struct config_flag flags[] = { { NULL, "a JSON Lines file of records", &path } };
	char *buf = NULL;
	FILE *f = NULL;
	int tty = isatty(2), rc = cli_settings(&cfg, CFG_DB, argc, argv, flags, 1, usage);
	long batch_start = 1;
	int in_tx = 0;

	if (rc >= 0)
		return rc;
	if (path == NULL) {
		fprintf(stderr, "offboard: import needs a FILE (see --help)\n");
		return 2;
	}
	rc = 1;
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "offboard: cannot open %s: %s\n", path, strerror(errno));
		goto out;
	}
	if ((buf = malloc(LINE_MAX_BYTES + 2)) == NULL || (st = cli_open_store(&cfg)) == NULL)
		goto out;
	if (fstat(fileno(f), &sb) < 0)
		sb.st_size = 0;
	ob_err_clear(&err);
	while (fgets(buf, LINE_MAX_BYTES + 2, f)) {
		size_t len = strlen(buf);
		int whole = len > 0 && buf[len - 1] == '\n';

		s.lines++;
		if (!whole && !feof(f)) {
			int c;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			ob_fail(&err, OB_EINVAL, "line_too_long", NULL, "a line may hold at most %u bytes",
				LINE_MAX_BYTES);
			reject(s.lines, &err);
			s.rejected++;
			continue;
		}
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		if (len == 0)
			continue;
		if (!in_tx) {
			if (store_begin(st, 1, &err) != OB_OK) {
				fprintf(stderr, "offboard: cannot start a transaction: %s\n", err.message);
				goto out;
			}
			in_tx = 1;
			batch_start = s.lines;
		}
		import_line(st, buf, len, s.lines, &s);
		if (s.lines - batch_start + 1 >= BATCH_LINES) {
			in_tx = 0;
			if (store_commit(st, &err) != OB_OK) {
				fprintf(stderr, "offboard: lines %ld to %ld were not imported: %s\n", batch_start,
					s.lines, err.message);
				goto out;
			}
			if (tty)
				progress(&s, ftello(f), sb.st_size);
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "offboard: cannot read %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (in_tx) {
		in_tx = 0;
		if (store_commit(st, &err) != OB_OK) {
			fprintf(stderr, "offboard: lines %ld to %ld were not imported: %s\n", batch_start,
				s.lines, err.message);
			goto out;
		}
	}
	if (tty)
		progress(&s, sb.st_size, sb.st_size), fputc('\n', stderr);
	printf("%ld lines: %ld imported, %ld already present, %ld rejected\n", s.lines, s.created,
	       s.present, s.rejected);
	rc = s.rejected ? 1 : 0;
out:
	if (in_tx)
		store_rollback(st);
	store_close(st);
	free(buf);
	if (f)
		fclose(f);
	return rc;
}
