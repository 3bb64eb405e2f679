#include "cli/cli.h"

#include "core/keyring.h"
#include "core/log.h"
#include "core/signing.h"
#include "core/policy.h"
#include "domain/export.h"
#include "domain/notify.h"
#include "domain/purge.h"
#include "store/seal.h"

#include <stdio.h>
#include <stdlib.h>

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
	store_set_keystore(cfg->keystore);
	return -1;
}

/* The master key: loaded, or made into the data folder on the first start
 * of an empty keystore (with a warning). A keystore whose key is missing or
 * another stops the command: it never writes personal data it could not
 * read back. */
static int cli_master_key(const struct config *cfg, struct store *st)
{
	struct keyring_source src = { getenv("OFFBOARD_MASTER_KEY"), cfg->master_key_file, cfg->data_dir };
	struct ob_err err;
	char msg[512];
	int r = keyring_ready() ? 1 : keyring_load(&src, msg, sizeof(msg)), used = 0;

	ob_err_clear(&err);
	if (r < 0) {
		fprintf(stderr, "offboard: %s\n", msg);
		return -1;
	}
	if (r == 0) {
		if (seal_keystore_used(st, &used, &err) != OB_OK) {
			fprintf(stderr, "offboard: cannot read the keystore: %s\n", err.message);
			return -1;
		}
		if (used) {
			fprintf(stderr, "offboard: the keystore was made with a master key that is not given"
				" (%s/master.key, --master-key-file or OFFBOARD_MASTER_KEY); refusing to go on"
				" without it\n", cfg->data_dir);
			return -1;
		}
		/* a process starting at the same moment may have made it first */
		if (keyring_generate(cfg->data_dir, msg, sizeof(msg)) < 0 &&
		    keyring_load(&src, msg, sizeof(msg)) != 1) {
			fprintf(stderr, "offboard: %s\n", msg);
			return -1;
		}
		log_kv(LOG_WARN, "made a new master key in the data folder; production supplies its own"
		       " (--master-key-file or OFFBOARD_MASTER_KEY) and keeps it apart from the database"
		       " and its backups", "data_dir", cfg->data_dir, NULL);
	}
	if (seal_check_master(st, NULL, &err) != OB_OK) {
		fprintf(stderr, "offboard: %s\n", err.message);
		return -1;
	}
	return 0;
}

/* The key that signs erasure certificates, for the life of the program. */
static struct signing_key signing;

static int cli_signing_key(const struct config *cfg)
{
	char msg[512];

	if (signing_key_load(cfg, 1, &signing, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "offboard: %s\n", msg);
		return -1;
	}
	purge_init(cfg->data_dir, &signing);
	return 0;
}

struct store *cli_open_store(const struct config *cfg)
{
	struct store *st = cli_open_store_no_keys(cfg);

	if (st != NULL && (cli_master_key(cfg, st) < 0 || cli_signing_key(cfg) < 0)) {
		store_close(st);
		return NULL;
	}
	return st;
}

struct store *cli_open_store_no_keys(const struct config *cfg)
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
