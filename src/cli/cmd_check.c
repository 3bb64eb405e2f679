#include "cli/cli.h"

#include <stdio.h>

static const char usage[] =
	"usage: offboard check [--db URL]\n"
	"\n"
	"Checks the database's invariants: every ledger transaction balances, every\n"
	"balance equals the sum of its postings, payouts in flight match their payouts,\n"
	"statuses are consistent. Prints each violation; exits 1 when there is any.\n";

static void print_violation(void *arg, const char *what)
{
	(void)arg;
	printf("violation: %s\n", what);
}

int cmd_check(int argc, char **argv)
{
	struct config cfg;
	struct store *st;
	struct ob_err err;
	int violations = 0;
	int rc = cli_settings(&cfg, CFG_DB, argc, argv, NULL, 0, usage);

	if (rc >= 0)
		return rc;
	if ((st = cli_open_store_no_keys(&cfg)) == NULL)
		return 1;
	ob_err_clear(&err);
	if (store_check(st, print_violation, NULL, &violations, &err) != OB_OK) {
		fprintf(stderr, "offboard: cannot check: %s\n", err.message);
		store_close(st);
		return 1;
	}
	store_close(st);
	if (violations) {
		printf("%d violation%s\n", violations, violations == 1 ? "" : "s");
		return 1;
	}
	printf("ok: no violations\n");
	return 0;
}
