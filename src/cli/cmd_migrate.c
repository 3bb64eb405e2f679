#include "cli/cli.h"

#include <stdio.h>

static const char usage[] =
	"usage: offboard migrate [--db URL]\n"
	"\n"
	"Applies the database migrations not yet applied and says how many.\n"
	"Safe to run while servers run, and from several processes at once.\n";

int cmd_migrate(int argc, char **argv)
{
	struct config cfg;
	struct store *st = NULL;
	struct ob_err err;
	int applied = 0;
	int rc = cli_settings(&cfg, CFG_DB, argc, argv, NULL, 0, usage);

	if (rc >= 0)
		return rc;
	ob_err_clear(&err);
	if (store_open(cfg.db, &st, &err) != OB_OK) {
		fprintf(stderr, "offboard: cannot open database: %s\n", err.message);
		return 1;
	}
	if (store_migrate(st, &applied, &err) != OB_OK) {
		fprintf(stderr, "offboard: cannot migrate database: %s\n", err.message);
		store_close(st);
		return 1;
	}
	printf("applied %d migration%s\n", applied, applied == 1 ? "" : "s");
	store_close(st);
	return 0;
}
