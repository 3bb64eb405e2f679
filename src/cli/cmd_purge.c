#include "cli/cli.h"

#include "core/clock.h"
#include "domain/purge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: offboard purge --seller ID [--now RFC3339] [--db URL] [settings]\n"
	"\n"
	"Erases a closed seller's personal data now, when it is due: history access\n"
	"and the reserve period over, no open claim, payout in flight or debt, and no\n"
	"legal hold. The job the closure scheduled does the same on its own; this runs\n"
	"it at once (or resumes one that stopped). Prints the erasure certificate's id\n"
	"and file. Exits 1 with the reason when the purge is not due, held, or done\n"
	"already; --now runs it as if it were that time.\n";

int cmd_purge(int argc, char **argv)
{
	struct config cfg;
	struct store *st;
	struct ob_err err;
	struct erasure *e;
	const char *seller = NULL, *now_text = NULL;
	const struct config_flag flags[] = {
		{ "seller", "the seller whose data is erased", &seller },
		{ "now", "run as if it were this RFC 3339 time (default: the real time)", &now_text },
	};
	int64_t now;
	int rc = cli_settings(&cfg, CFG_DB, argc, argv, flags, 2, usage);

	if (rc >= 0)
		return rc;
	if (seller == NULL || seller[0] == '\0') {
		fprintf(stderr, "offboard: purge needs --seller ID (see --help)\n");
		return 2;
	}
	if (now_text) {
		if (clock_parse(now_text, &now) < 0 || now <= 0) {
			fprintf(stderr, "offboard: invalid --now '%s': expected an RFC 3339 time such as"
					" 2026-03-01T00:00:00Z\n", now_text);
			return 2;
		}
		clock_pin(now);
	}
	if ((st = cli_open_store(&cfg)) == NULL)
		return 1;
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		store_close(st);
		return 1;
	}
	ob_err_clear(&err);
	rc = purge_run(st, seller, clock_now(), e, NULL, &err) == OB_OK ? 0 : 1;
	store_close(st);
	if (rc == 0)
		printf("purged: certificate %s in %s/certificates/%s.json\n", e->id, cfg.data_dir, e->id);
	else
		fprintf(stderr, "offboard: %s: %s\n", err.code[0] ? err.code : "purge_failed", err.message);
	free(e);
	return rc;
}
