#include "cli/cli.h"

#include "domain/audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: offboard audit verify [--db URL] [--head SEQ:HASH]\n"
	"\n"
	"Walks the whole audit log in order and recomputes every record's hash:\n"
	"reports each record that was edited, removed or inserted, and exits 1 when\n"
	"there is any. Otherwise prints \"N records, chain intact, head SEQ HASH\".\n"
	"Note the head each time and pass it as --head next time: removing the\n"
	"newest records leaves an intact but shorter chain, which only a noted\n"
	"head shows.\n";

/* Reads "SEQ:HASH" (as printed, a space also separates) into *out. */
static int parse_head(const char *s, struct audit_head *out)
{
	char *end;
	long long seq;
	size_t n;

	errno = 0;
	seq = strtoll(s, &end, 10);
	if (errno || end == s || seq < 1 || (*end != ':' && *end != ' '))
		return -1;
	end++;
	n = strlen(end);
	if (n != AUDIT_HASH_LEN || strspn(end, "0123456789abcdef") != n)
		return -1;
	out->seq = seq;
	memcpy(out->hash, end, n + 1);
	return 0;
}

static void print_problem(void *arg, int64_t seq, enum audit_problem what, const char *message)
{
	(void)arg;
	(void)seq;
	(void)what;
	printf("broken: %s\n", message);
}

int cmd_audit(int argc, char **argv)
{
	struct config cfg;
	struct store *st;
	struct ob_err err;
	struct audit_head head, noted;
	int64_t checked = 0, broken = 0;
	const char *noted_text = NULL;
	const struct config_flag flags[] = {
		{ "head", "a head noted earlier (SEQ:HASH): that record must still be there, unchanged",
		  &noted_text },
	};
	int rc;

	if (argc < 1 || strcmp(argv[0], "verify") != 0) {
		if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
			fputs(usage, stdout);
			return 0;
		}
		fprintf(stderr, "offboard: audit needs a subcommand: verify (see --help)\n");
		return 2;
	}
	rc = cli_settings(&cfg, CFG_DB, argc - 1, argv + 1, flags, 1, usage);
	if (rc >= 0)
		return rc;
	if (noted_text && parse_head(noted_text, &noted) < 0) {
		fprintf(stderr, "offboard: --head must be SEQ:HASH as verify printed it (64 hex digits)\n");
		return 2;
	}
	if ((st = cli_open_store_no_keys(&cfg)) == NULL)
		return 1;
	ob_err_clear(&err);
	if (audit_verify(st, noted_text ? &noted : NULL, print_problem, NULL, &checked, &broken,
			 &head, &err) != OB_OK) {
		fprintf(stderr, "offboard: cannot verify the audit log: %s\n", err.message);
		store_close(st);
		return 1;
	}
	store_close(st);
	if (broken) {
		printf("%lld record%s, %lld problem%s, head %lld %s\n", (long long)checked,
		       checked == 1 ? "" : "s", (long long)broken, broken == 1 ? "" : "s",
		       (long long)head.seq, head.hash);
		return 1;
	}
	printf("%lld record%s, chain intact, head %lld %s\n", (long long)checked,
	       checked == 1 ? "" : "s", (long long)head.seq, head.hash);
	return 0;
}
