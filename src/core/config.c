#include "core/config.h"

#include "core/log.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum cfg_type { CFG_T_STR, CFG_T_INT, CFG_T_BOOL, CFG_T_LISTEN, CFG_T_DB, CFG_T_LOGLEVEL,
	       CFG_T_SMTP, CFG_T_HTTP_URL, CFG_T_MAILBOX };

struct setting {
	const char *name;          /* flag without "--"; env is OFFBOARD_ + upper(name) */
	enum cfg_type type;
	size_t offset;
	size_t size;               /* for strings */
	const char *def;
	long min, max;             /* for integers */
	unsigned scope;
	const char *help;
};

#define F(field) offsetof(struct config, field), sizeof(((struct config *)0)->field)

static const struct setting settings[] = {
	{ "db", CFG_T_DB, F(db), "sqlite:./offboard.db", 0, 0, CFG_DB,
	  "database: sqlite:PATH or postgres://USER@HOST/DB" },
	{ "listen", CFG_T_LISTEN, F(listen_host), "127.0.0.1:8080", 0, 0, CFG_SERVE,
	  "address to listen on, HOST:PORT (port 0 picks a free one)" },
	{ "threads", CFG_T_INT, F(threads), "0", 0, 256, CFG_SERVE,
	  "event loops; 0 means one per core" },
	{ "max-body", CFG_T_INT, F(max_body), "1048576", 1024, 67108864, CFG_SERVE,
	  "largest request body in bytes (413 above)" },
	{ "max-header", CFG_T_INT, F(max_header), "16384", 1024, 1048576, CFG_SERVE,
	  "largest request header block in bytes" },
	{ "idle-timeout", CFG_T_INT, F(idle_timeout), "30", 1, 3600, CFG_SERVE,
	  "seconds an idle or slow connection is kept" },
	{ "session-idle", CFG_T_INT, F(session_idle), "1800", 1, 86400 * 30, CFG_SERVE,
	  "seconds a seller session lives without use" },
	{ "session-max", CFG_T_INT, F(session_max), "43200", 1, 86400 * 90, CFG_SERVE,
	  "seconds a seller session lives at most" },
	{ "cookie-secure", CFG_T_BOOL, F(cookie_secure), "false", 0, 0, CFG_SERVE,
	  "mark cookies Secure (set when clients reach the server over TLS)" },
	{ "login-max-failures", CFG_T_INT, F(login_max_failures), "5", 1, 1000, CFG_SERVE,
	  "failed sign-ins of one account before back-off starts" },
	{ "login-ip-max-failures", CFG_T_INT, F(login_ip_max_failures), "20", 1, 100000, CFG_SERVE,
	  "failed sign-ins from one address before back-off starts" },
	{ "login-lockout-base", CFG_T_INT, F(login_lockout_base), "30", 1, 3600, CFG_SERVE,
	  "seconds of the first sign-in back-off; each further failure doubles it" },
	{ "login-lockout-max", CFG_T_INT, F(login_lockout_max), "900", 1, 86400, CFG_SERVE,
	  "seconds, the longest sign-in back-off" },
	{ "job-lease", CFG_T_INT, F(job_lease), "300", 5, 86400, CFG_DB | CFG_SERVE,
	  "seconds a process holds a background job it took; a crashed process's job runs again after this long" },
	{ "policy", CFG_T_STR, F(policy), "", 0, 0, CFG_DB | CFG_SERVE,
	  "policy file (see etc/policy.conf); empty: the built-in defaults" },
	{ "smtp", CFG_T_SMTP, F(smtp), "", 0, 0, CFG_DB | CFG_SERVE,
	  "send e-mail through this server, smtp://HOST:PORT or smtps://...; empty: write .eml files to DATA_DIR/mail" },
	{ "mail-from", CFG_T_MAILBOX, F(mail_from), "offboard@localhost", 0, 0, CFG_DB | CFG_SERVE,
	  "sender address of the e-mails" },
	{ "data-dir", CFG_T_STR, F(data_dir), "./data", 0, 0, CFG_DB | CFG_SERVE,
	  "folder for the program's files (e-mails written without --smtp, data exports)" },
	{ "signing-key-file", CFG_T_STR, F(signing_key_file), "", 0, 0, CFG_DB | CFG_SERVE,
	  "file of the Ed25519 key that signs erasure certificates (base64 seed, mode 0600); empty: DATA_DIR/signing.key, generated on first use" },
	{ "public-url", CFG_T_HTTP_URL, F(public_url), "http://127.0.0.1:8080", 0, 0, CFG_DB | CFG_SERVE,
	  "the address sellers reach the server at, http:// or https://; used in links" },
	{ "web-dir", CFG_T_STR, F(web_dir), "web", 0, 0, CFG_SERVE,
	  "folder of the Seller Center pages; a relative one is looked for in the working directory, then beside the program and its parent" },
	{ "master-key-file", CFG_T_STR, F(master_key_file), "", 0, 0, CFG_DB | CFG_SERVE,
	  "file holding the master key (base64 of 32 bytes) that wraps the sellers' data keys; empty: DATA_DIR/master.key, made on first start. OFFBOARD_MASTER_KEY may hold the key itself" },
	{ "keystore", CFG_T_STR, F(keystore), "", 0, 0, CFG_DB | CFG_SERVE,
	  "SQLite file of the sellers' data keys; empty: beside the database (NAME.keys.db). PostgreSQL keeps them in its schema keystore" },
	{ "log-level", CFG_T_LOGLEVEL, F(log_level), "info", 0, 0, CFG_DB | CFG_SERVE,
	  "debug, info, warn or error" },
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static void env_name(const char *name, char *out, size_t cap)
{
	size_t i = 0, j;

	j = (size_t)snprintf(out, cap, "OFFBOARD_");
	for (; name[i] && j + 1 < cap; i++, j++)
		out[j] = name[i] == '-' ? '_' : (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	out[j] = '\0';
}

static int parse_long(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' ? 0 : -1;
}

/* Checks the text settings of a form: returns 0 when v fits type. */
static int check_text(enum cfg_type type, const char *v)
{
	const char *rest = NULL, *at;

	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return -1;
	switch (type) {
	case CFG_T_SMTP:
		if (v[0] == '\0')
			return 0;
		rest = strncmp(v, "smtp://", 7) == 0 ? v + 7 : strncmp(v, "smtps://", 8) == 0 ? v + 8 : NULL;
		break;
	case CFG_T_HTTP_URL:
		rest = strncmp(v, "http://", 7) == 0 ? v + 7 : strncmp(v, "https://", 8) == 0 ? v + 8 : NULL;
		break;
	case CFG_T_MAILBOX:
		/* local@domain, nothing that would break a header or an SMTP command */
		at = strchr(v, '@');
		if (at == NULL || at == v || at[1] == '\0' || strchr(at + 1, '@') || strpbrk(v, "<>()[],;:\\\"") != NULL)
			return -1;
		return 0;
	default:
		return 0;
	}
	return rest && rest[0] && rest[0] != '/' ? 0 : -1;
}

/* Applies one value; on failure writes why into err. */
static int apply(struct config *cfg, const struct setting *st, const char *v,
		 const char *source, char *err, size_t cap)
{
	char *field = (char *)cfg + st->offset;
	long n;

	switch (st->type) {
	case CFG_T_STR:
		if (strlen(v) >= st->size)
			goto toolong;
		memcpy(field, v, strlen(v) + 1);
		return 0;
	case CFG_T_DB:
		if (strlen(v) >= st->size)
			goto toolong;
		if (!(strncmp(v, "sqlite:", 7) == 0 && v[7] != '\0') &&
		    strncmp(v, "postgres://", 11) != 0 && strncmp(v, "postgresql://", 13) != 0) {
			snprintf(err, cap, "invalid %s '%s': expected sqlite:PATH or postgres://...", source, v);
			return -1;
		}
		memcpy(field, v, strlen(v) + 1);
		return 0;
	case CFG_T_INT:
		if (parse_long(v, &n) < 0 || n < st->min || n > st->max) {
			snprintf(err, cap, "invalid %s '%s': expected a whole number from %ld to %ld",
				 source, v, st->min, st->max);
			return -1;
		}
		if (st->size == sizeof(long))
			*(long *)(void *)field = n;
		else
			*(int *)(void *)field = (int)n;
		return 0;
	case CFG_T_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0)
			*(int *)(void *)field = 1;
		else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 || strcmp(v, "no") == 0)
			*(int *)(void *)field = 0;
		else {
			snprintf(err, cap, "invalid %s '%s': expected true or false", source, v);
			return -1;
		}
		return 0;
	case CFG_T_LOGLEVEL:
		if ((n = log_level_parse(v)) < 0) {
			snprintf(err, cap, "invalid %s '%s': expected debug, info, warn or error", source, v);
			return -1;
		}
		cfg->log_level = (int)n;
		return 0;
	case CFG_T_SMTP:
	case CFG_T_HTTP_URL:
	case CFG_T_MAILBOX:
		if (strlen(v) >= st->size)
			goto toolong;
		if (check_text(st->type, v) < 0) {
			snprintf(err, cap, "invalid %s '%s': expected %s", source, v,
				 st->type == CFG_T_SMTP ? "smtp://HOST:PORT or smtps://HOST:PORT (or empty)" :
				 st->type == CFG_T_HTTP_URL ? "an http:// or https:// URL" : "an e-mail address");
			return -1;
		}
		memcpy(field, v, strlen(v) + 1);
		return 0;
	case CFG_T_LISTEN: {
		const char *colon = strrchr(v, ':');
		size_t hl = colon ? (size_t)(colon - v) : 0;
		if (colon == NULL || hl == 0 || hl >= sizeof(cfg->listen_host) ||
		    parse_long(colon + 1, &n) < 0 || n < 0 || n > 65535) {
			snprintf(err, cap, "invalid %s '%s': expected HOST:PORT with a port from 0 to 65535",
				 source, v);
			return -1;
		}
		memcpy(cfg->listen_host, v, hl);
		cfg->listen_host[hl] = '\0';
		cfg->listen_port = (int)n;
		return 0;
	}
	}
	return 0;
toolong:
	snprintf(err, cap, "invalid %s: longer than %zu characters", source, st->size - 1);
	return -1;
}

static const struct setting *find_setting(const char *name, size_t len, unsigned scope)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if ((settings[i].scope & scope) && strlen(settings[i].name) == len &&
		    strncmp(settings[i].name, name, len) == 0)
			return &settings[i];
	return NULL;
}

int config_load(struct config *cfg, unsigned scope, int argc, char **argv,
		const struct config_flag *flags, int nflags, char *err, size_t errcap)
{
	char env[64], source[96];

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < NSETTINGS; i++) {
		const char *v;
		if (apply(cfg, &settings[i], settings[i].def, "default", err, errcap) < 0)
			return -1;
		if (!(settings[i].scope & scope))
			continue;
		env_name(settings[i].name, env, sizeof(env));
		if ((v = getenv(env)) != NULL) {
			snprintf(source, sizeof(source), "%s", env);
			if (apply(cfg, &settings[i], v, source, err, errcap) < 0)
				return -1;
		}
	}
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *name, *eq, *value;
		size_t len;
		const struct setting *st;
		int matched = 0;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
			return 1;
		if (strncmp(arg, "--", 2) != 0) {
			int f;
			for (f = 0; f < nflags; f++)
				if (flags[f].name == NULL && *flags[f].value == NULL)
					break;
			if (f == nflags) {
				snprintf(err, errcap, "unexpected argument '%s' (see --help)", arg);
				return -1;
			}
			*flags[f].value = arg;
			continue;
		}
		name = arg + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			snprintf(err, errcap, "missing value for --%.*s", (int)len, name);
			return -1;
		}
		for (int f = 0; f < nflags; f++) {
			if (flags[f].name && strlen(flags[f].name) == len && strncmp(flags[f].name, name, len) == 0) {
				*flags[f].value = value;
				matched = 1;
			}
		}
		if (matched)
			continue;
		if ((st = find_setting(name, len, scope)) == NULL) {
			snprintf(err, errcap, "unknown option '--%.*s' (see --help)", (int)len, name);
			return -1;
		}
		snprintf(source, sizeof(source), "--%s", st->name);
		if (apply(cfg, st, value, source, err, errcap) < 0)
			return -1;
	}
	return 0;
}

void config_usage(FILE *out, unsigned scope, const struct config_flag *flags, int nflags)
{
	char env[64];

	if (nflags > 0)
		fprintf(out, "\nOptions:\n");
	for (int f = 0; f < nflags; f++) {
		if (flags[f].name)
			fprintf(out, "  --%-22s %s\n", flags[f].name, flags[f].help);
		else
			fprintf(out, "  %-24s %s\n", "FILE", flags[f].help);
	}
	fprintf(out, "\nSettings (flag, or the environment variable):\n");
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (!(settings[i].scope & scope))
			continue;
		env_name(settings[i].name, env, sizeof(env));
		fprintf(out, "  --%-22s %s\n  %-24s [%s, default %s]\n", settings[i].name,
			settings[i].help, "", env, settings[i].def);
	}
}
