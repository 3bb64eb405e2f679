#include "cli/cli.h"

#include "domain/audit.h"
#include "domain/ops_key.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: offboard ops-key create --name NAME [--db URL]\n"
	"\n"
	"Makes an operator API key and prints it once; only its hash is stored.\n"
	"Send it as 'Authorization: Bearer KEY' to /api/v1/ops/*.\n";

int cmd_ops_key(int argc, char **argv)
{
	struct config cfg;
	struct store *st;
	struct ops_key k;
	struct ob_err err;
	char key[OPS_KEY_LEN + 1], detail[64];
	const char *name = NULL;
	const struct config_flag flags[] = {
		{ "name", "a name that says who or what uses the key", &name },
	};
	int rc;

	if (argc < 1 || strcmp(argv[0], "create") != 0) {
		if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
			fputs(usage, stdout);
			return 0;
		}
		fprintf(stderr, "offboard: ops-key needs a subcommand: create (see --help)\n");
		return 2;
	}
	rc = cli_settings(&cfg, CFG_DB, argc - 1, argv + 1, flags, 1, usage);
	if (rc >= 0)
		return rc;
	if (name == NULL) {
		fprintf(stderr, "offboard: ops-key create needs --name NAME\n");
		return 2;
	}
	if ((st = cli_open_store_no_keys(&cfg)) == NULL)
		return 1;
	ob_err_clear(&err);
	/* The key and its audit record commit together; the record names the
	 * key by id, not by its name, which may be a person's. */
	if (store_begin(st, 1, &err) != OB_OK)
		goto fail;
	if (ops_key_create(st, name, key, &k, &err) != OB_OK)
		goto rollback;
	snprintf(detail, sizeof(detail), "{\"key_id\":\"%s\"}", k.id);
	if (audit_record(st, "cli", NULL, "ops_key.create", detail, &err) != OB_OK ||
	    store_commit(st, &err) != OB_OK)
		goto rollback;
	printf("%s\n", key);
	crypto_wipe(key, sizeof(key));
	store_close(st);
	return 0;
rollback:
	store_rollback(st);
fail:
	crypto_wipe(key, sizeof(key));
	fprintf(stderr, "offboard: cannot create key: %s\n", err.message);
	store_close(st);
	return 1;
}
