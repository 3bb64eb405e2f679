#include "cli/cli.h"

#include "http/server.h"

static const char usage[] =
	"usage: offboard serve [settings]\n"
	"\n"
	"Applies pending database migrations, then serves the seller and operator\n"
	"API on HOST:PORT until SIGINT or SIGTERM. Prints the address it listens on.\n";

int cmd_serve(int argc, char **argv)
{
	struct config cfg;
	struct store *st;
	int rc = cli_settings(&cfg, CFG_DB | CFG_SERVE, argc, argv, NULL, 0, usage);

	if (rc >= 0)
		return rc;
	if ((st = cli_open_store(&cfg)) == NULL)
		return 1;
	store_close(st);
	return server_run(&cfg);
}
