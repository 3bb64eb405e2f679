#include "cli/cli.h"

#include "core/log.h"
#include "core/policy.h"
#include "domain/export.h"
#include "domain/notify.h"

#include <stdio.h>

int cli_settings(struct config *cfg, unsigned scope, int argc, char **argv,
		 const struct config_flag *flags, int nflags, const char *usage)
{
	char err[512];
	int rc = config_load(cfg, scope, argc, argv, flags, nflags, err, sizeof(err));

	if (rc == 1) {
		fputs(usage, stdout);
		config_usage(stdout, scope, flags, nflags);
		return 0;
	}
	if (rc < 0) {
		fprintf(stderr, "offboard: %s\n", err);
		return 2;
	}
	log_set_level((enum log_level)cfg->log_level);
	if (cfg->policy[0] && policy_load(cfg->policy, err, sizeof(err)) < 0) {
		fprintf(stderr, "offboard: invalid --policy: %s\n", err);
		return 2;
	}
	/* every command that may run jobs sends mail and webhooks alike */
	notify_init(&(struct notify_settings){ .smtp_url = cfg->smtp, .mail_from = cfg->mail_from,
					       .data_dir = cfg->data_dir, .public_url = cfg->public_url });
	export_init(cfg->data_dir);
	return -1;
}

struct store *cli_open_store(const struct config *cfg)
{
	struct store *st = NULL;
	struct ob_err err;

	ob_err_clear(&err);
	if (store_open(cfg->db, &st, &err) != OB_OK) {
		fprintf(stderr, "offboard: cannot open database: %s\n", err.message);
		return NULL;
	}
	if (store_migrate(st, NULL, &err) != OB_OK) {
		fprintf(stderr, "offboard: cannot migrate database: %s\n", err.message);
		store_close(st);
		return NULL;
	}
	return st;
}
