#include "cli/cli.h"

#include "core/clock.h"
#include "domain/jobs.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: offboard jobs run-due [--db URL] [--now RFC3339] [settings]\n"
	"\n"
	"Runs every background job due at the time given (now by default): e-mails,\n"
	"webhook deliveries and scheduled steps of closures, one after another, then\n"
	"exits, printing how many ran. A failed job is retried later with back-off.\n"
	"--now moves the program's clock, so that tests and operators can jump ahead\n"
	"(2026-03-01T00:00:00Z). Safe to run beside servers on the same database.\n";

int cmd_jobs(int argc, char **argv)
{
	struct config cfg;
	struct store *st;
	struct ob_err err;
	const char *now_text = NULL;
	const struct config_flag flags[] = {
		{ "now", "run as if it were this RFC 3339 time (default: the real time)", &now_text },
	};
	char owner[32];
	int64_t now;
	int ran = 0, rc;

	if (argc < 1 || strcmp(argv[0], "run-due") != 0) {
		if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
			fputs(usage, stdout);
			return 0;
		}
		fprintf(stderr, "offboard: jobs needs a subcommand: run-due (see --help)\n");
		return 2;
	}
	rc = cli_settings(&cfg, CFG_DB, argc - 1, argv + 1, flags, 1, usage);
	if (rc >= 0)
		return rc;
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
	snprintf(owner, sizeof(owner), "cli-%ld", (long)getpid());
	ob_err_clear(&err);
	rc = jobs_run_due(st, clock_now(), owner, cfg.job_lease, 0, &ran, &err);
	store_close(st);
	if (rc != OB_OK) {
		fprintf(stderr, "offboard: cannot run jobs: %s (after %d)\n", err.message, ran);
		return 1;
	}
	printf("ran %d job%s\n", ran, ran == 1 ? "" : "s");
	return 0;
}
