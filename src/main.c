/* main.c: `offboard COMMAND ...`: one table of commands. */
#include "cli/cli.h"
#include "core/crypto.h"
#include "core/totp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "serve", cmd_serve, "serve the seller and operator API" },
	{ "migrate", cmd_migrate, "apply pending database migrations" },
	{ "ops-key", cmd_ops_key, "ops-key create --name NAME: make an operator API key" },
	{ "import", cmd_import, "import FILE.jsonl: load marketplace records in bulk" },
	{ "check", cmd_check, "check the database's invariants (ledger balanced, states valid)" },
	{ "demo", cmd_demo, "load the demo marketplace and print its sign-ins" },
	{ "gen", cmd_gen, "gen --sellers N --orders-per-seller M: synthetic data for benchmarks" },
	{ "audit", cmd_audit, "audit verify: check the audit log's hash chain" },
	{ "jobs", cmd_jobs, "jobs run-due [--now T]: run the background jobs due, then exit" },
	{ "export", cmd_export, "export --seller ID --out FILE.zip: write a seller's data archive" },
	{ "purge", cmd_purge, "purge --seller ID: erase a closed seller's personal data when it is due" },
	{ "certificate", cmd_certificate, "certificate verify FILE [--public-key KEY]: check an erasure certificate" },
	{ "version", cmd_version, "print the version" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: offboard COMMAND [options]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nEvery command has --help. Settings also come from OFFBOARD_* variables.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(0, NULL);
	if (crypto_init() < 0 || totp_init() < 0) {
		fprintf(stderr, "offboard: cannot initialise the crypto libraries\n");
		return 1;
	}
	/* libcurl (e-mail and webhooks) sets itself up once, before any thread */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "offboard: cannot initialise libcurl\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			int rc = commands[i].run(argc - 2, argv + 2);
			curl_global_cleanup();
			return rc;
		}
	}
	curl_global_cleanup();
	fprintf(stderr, "offboard: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
