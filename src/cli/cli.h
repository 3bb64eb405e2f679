/* cli.h: the `offboard` subcommands. Each takes the arguments after its
 * name and returns the process exit code: 0 done, 1 failed, 2 bad usage. */
#ifndef OB_CLI_H
#define OB_CLI_H

#include "core/config.h"
#include "store/store.h"

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_ops_key(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_import(int argc, char **argv);

/* Loads the settings of a command (see config_load), printing usage for
 * --help (returns 0 with *done set) or the one-line error (returns 2).
 * Returns -1 when the command should go on. */
int cli_settings(struct config *cfg, unsigned scope, int argc, char **argv,
		 const struct config_flag *flags, int nflags, const char *usage);

/* Opens the database of cfg and applies pending migrations; prints why
 * and returns NULL on failure. The caller owns the store. */
struct store *cli_open_store(const struct config *cfg);

#endif
