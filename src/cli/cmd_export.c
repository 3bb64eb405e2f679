#include "cli/cli.h"

#include "core/clock.h"
#include "domain/audit.h"
#include "domain/export.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"usage: offboard export [--db URL] --seller ID --out FILE.zip [settings]\n"
	"\n"
	"Writes the ZIP archive of one seller's data to FILE.zip, as the seller's own\n"
	"export from Seller Center would: profile and settings as JSON; listings,\n"
	"orders, order items, disputes, ledger, fees, payouts, closures and audit\n"
	"records as CSV and JSON Lines; a README describing every file and column; a\n"
	"manifest with each file's size, rows and SHA-256. The file appears complete\n"
	"or not at all (it is written under a temporary name beside it). Shows a\n"
	"progress bar when standard error is a terminal. Audited as export.written.\n";

struct bar {
	int tty;
	int shown;         /* percent last drawn */
	uint64_t started;
};

static int draw(void *arg, int64_t done, int64_t total)
{
	struct bar *b = arg;
	int pct = total > 0 ? (int)(done * 100 / total) : 0;
	char fill[41];
	int n = pct * 40 / 100;

	if (!b->tty || pct == b->shown)
		return 0;
	b->shown = pct;
	memset(fill, '#', (size_t)n);
	memset(fill + n, '-', (size_t)(40 - n));
	fill[40] = '\0';
	fprintf(stderr, "\rexporting [%s] %3d%%  %lld of %lld rows  %.0fs", fill, pct, (long long)done,
		(long long)total, (double)(clock_mono_ns() - b->started) / 1e9);
	fflush(stderr);
	return 0;
}

int cmd_export(int argc, char **argv)
{
	struct config cfg;
	struct store *st;
	struct ob_err err;
	const char *seller = NULL, *out = NULL;
	const struct config_flag flags[] = {
		{ "seller", "the seller's id", &seller },
		{ "out", "the archive to write (FILE.zip)", &out },
	};
	struct bar bar = { .tty = isatty(2), .shown = -1, .started = clock_mono_ns() };
	char dir[PATH_MAX], detail[128], *slash;
	int64_t rows = 0;
	struct stat sb;
	int rc = cli_settings(&cfg, CFG_DB, argc, argv, flags, 2, usage);

	if (rc >= 0)
		return rc;
	if (seller == NULL || out == NULL) {
		fprintf(stderr, "offboard: export needs --seller ID and --out FILE.zip (see --help)\n");
		return 2;
	}
	if (!id_valid(seller)) {
		fprintf(stderr, "offboard: invalid --seller '%s': not an id\n", seller);
		return 2;
	}
	if (strlen(out) >= sizeof(dir) - 16) {
		fprintf(stderr, "offboard: invalid --out: the path is too long\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", out);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		*(slash == dir ? slash + 1 : slash) = '\0';
	if ((st = cli_open_store(&cfg)) == NULL)
		return 1;
	ob_err_clear(&err);
	rc = export_build(st, seller, out, dir, draw, &bar, &rows, &err);
	if (bar.tty && bar.shown >= 0)
		fputc('\n', stderr);
	if (rc == OB_OK && stat(out, &sb) < 0)
		rc = ob_fail(&err, OB_EINTERNAL, NULL, NULL, "%s vanished", out);
	if (rc == OB_OK) {
		snprintf(detail, sizeof(detail), "{\"rows\":%lld,\"size_bytes\":%lld}", (long long)rows,
			 (long long)sb.st_size);
		rc = audit_record(st, "cli", seller, "export.written", detail, &err);
		if (rc != OB_OK)
			unlink(out);   /* no disclosure without its audit record */
	}
	store_close(st);
	if (rc != OB_OK) {
		fprintf(stderr, "offboard: cannot export: %s\n", err.message);
		return 1;
	}
	printf("wrote %s: %lld rows, %lld bytes\n", out, (long long)rows, (long long)sb.st_size);
	return 0;
}
