/* cli.h: the `offboard` subcommands. Each takes the arguments after its
 * name and returns the process exit code: 0 done, 1 failed, 2 bad usage. */
#ifndef OB_CLI_H
#define OB_CLI_H

#include "core/config.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_ops_key(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_certificate(int argc, char **argv);

/* Loads the settings of a command (see config_load), printing usage for
 * --help (returns 0 with *done set) or the one-line error (returns 2).
 * Returns -1 when the command should go on. */
int cli_settings(struct config *cfg, unsigned scope, int argc, char **argv,
		 const struct config_flag *flags, int nflags, const char *usage);

/* Opens the database of cfg and applies pending migrations, then loads the
 * master key (core/keyring.h; made on the first start of an empty
 * keystore); prints why and returns NULL on failure. The caller owns the
 * store. The _no_keys form is for commands that never read or write
 * personal data (operator keys, checks, the audit log). */
struct store *cli_open_store(const struct config *cfg);
struct store *cli_open_store_no_keys(const struct config *cfg);

/* Made-up people, places and products for `demo` and `gen` (cmd_gen.c),
 * drawn from small built-in lists with a generator the caller seeds
 * (*state not zero). Strings are static. */
struct gen_product {
	const char *sku;
	const char *title;
	int64_t price_minor;
};

extern const struct gen_product gen_products[];
extern const size_t gen_nproducts;

/* The next number of the xorshift64* generator at *state. */
uint64_t gen_rand(uint64_t *state);

/* A number from lo to hi, both included (lo <= hi). */
int64_t gen_range(uint64_t *state, int64_t lo, int64_t hi);

/* A first and a last name ("Maria", "Lopez"). */
void gen_name(uint64_t *state, const char **first, const char **last);

/* A US postal address ("1840 Cedar Lane, Portland, OR 97205, US") into out. */
void gen_address(uint64_t *state, char *out, size_t cap);

/* A US telephone number of the fictional 555-01xx range into out. */
void gen_phone(uint64_t *state, char *out, size_t cap);

/* A valid German IBAN (bank 37040044, a random account) into out (35 bytes). */
void gen_iban(uint64_t *state, char *out, size_t cap);

#endif
