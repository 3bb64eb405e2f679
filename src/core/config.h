/* config.h: the program's settings, from defaults, OFFBOARD_* environment
 * variables and command-line flags, in that order of strength.
 *
 * Every setting is one row of a table (name, type, default, bounds, help) in
 * config.c. A bad value stops the program with one line naming the setting. */
#ifndef OB_CONFIG_H
#define OB_CONFIG_H

#include <stdio.h>

/* Which commands a setting applies to. */
#define CFG_DB     0x1u  /* every command that opens the database */
#define CFG_SERVE  0x2u  /* the HTTP server */

struct config {
	char db[1024];             /* sqlite:PATH or postgres://... */
	char listen_host[256];
	int listen_port;           /* 0: the system picks a free port */
	int threads;               /* event loops; 0: one per core */
	long max_body;             /* bytes of a request body */
	long max_header;           /* bytes of all request headers */
	int idle_timeout;          /* seconds an idle connection is kept */
	int session_idle;          /* seconds a session lives without use */
	int session_max;           /* seconds a session lives at most */
	int cookie_secure;         /* add Secure to cookies (behind TLS) */
	int login_max_failures;    /* per account before back-off */
	int login_ip_max_failures; /* per client address before back-off */
	int login_lockout_base;    /* seconds of the first back-off, doubling */
	int login_lockout_max;     /* seconds, the longest back-off */
	int job_lease;             /* seconds a taken job stays with its process */
	int log_level;             /* enum log_level */
	char policy[1024];         /* policy file; empty: built-in defaults */
	char smtp[1024];           /* smtp:// or smtps:// URL; empty: write .eml files */
	char mail_from[255];       /* sender address of e-mails */
	char data_dir[1024];       /* folder of the program's files (mail/ without SMTP) */
	char signing_key_file[1024]; /* Ed25519 seed of erasure certificates; empty: DATA_DIR/signing.key */
	char public_url[1024];     /* base of links in messages */
	char web_dir[1024];        /* folder of the Seller Center pages (web/) */
	char master_key_file[1024]; /* the key that wraps sellers' data keys; empty: DATA_DIR/master.key */
	char keystore[1024];       /* SQLite keystore file; empty: beside the database */
};

/* A flag of one command only (`ops-key create --name`): value is set to the
 * borrowed argv string, or stays NULL. A flag without a name takes the
 * command's one positional argument (`import FILE`). */
struct config_flag {
	const char *name;          /* without the leading "--"; NULL: positional */
	const char *help;
	const char **value;
};

/* Fills cfg from defaults, environment and argv[0..argc) for the settings
 * in scope, plus the command's own flags. A positional argument is accepted
 * only when flags has a nameless entry for it. Returns 0, 1 when --help was asked, or -1 with one line in err
 * naming the setting and what is wrong. */
int config_load(struct config *cfg, unsigned scope, int argc, char **argv,
		const struct config_flag *flags, int nflags, char *err, size_t errcap);

/* Prints the settings in scope and the command's own flags, with their
 * environment variables and defaults. */
void config_usage(FILE *out, unsigned scope, const struct config_flag *flags, int nflags);

#endif
