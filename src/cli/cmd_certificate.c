/* `offboard certificate verify FILE` and `offboard certificate public-key`. */
#include "cli/cli.h"

#include "core/signing.h"
#include "domain/certificate.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: offboard certificate verify FILE [--public-key KEY] [settings]\n"
	"       offboard certificate public-key [settings]\n"
	"\n"
	"verify checks an erasure certificate that a purge wrote: that it is a\n"
	"certificate of format " CERTIFICATE_FORMAT ", that it was signed by\n"
	"KEY, and that not one byte of it changed since. KEY is the signer's\n"
	"Ed25519 public key in base64, or a file holding it (such as\n"
	"DATA_DIR/signing.pub); without --public-key the public half of the\n"
	"configured signing key is used (--signing-key-file, else\n"
	"DATA_DIR/signing.key). Prints \"certificate ID valid: signed by KEY; N\n"
	"tables\" and exits 0, or prints why not and exits 1.\n"
	"\n"
	"public-key prints the public half of the configured signing key in base64,\n"
	"the KEY an auditor verifies certificates with.\n";

/* Reads the whole file at path (at most CERTIFICATE_TEXT_MAX bytes) into a
 * malloc'ed, NUL-ended *out. Returns 0, -1 (errno) or -2 when too big. */
static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	size_t n;

	*out = NULL;
	if (f == NULL)
		return -1;
	if ((p = malloc(CERTIFICATE_TEXT_MAX + 2)) == NULL) {
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	n = fread(p, 1, CERTIFICATE_TEXT_MAX + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(p);
		errno = EIO;
		return -1;
	}
	fclose(f);
	if (n > CERTIFICATE_TEXT_MAX) {
		free(p);
		return -2;
	}
	p[n] = '\0';
	*out = p;
	*len = n;
	return 0;
}

/* The public key of the configured signing key into pk; prints why not. */
static int configured_public_key(const struct config *cfg, unsigned char pk[SIGNING_PK_LEN])
{
	struct signing_key k;
	char err[512];

	if (signing_key_load(cfg, 0, &k, err, sizeof(err)) < 0) {
		fprintf(stderr, "offboard: %s\n", err);
		return -1;
	}
	memcpy(pk, k.pk, SIGNING_PK_LEN);
	signing_key_wipe(&k);
	return 0;
}

/* The JSON of a certificate whose bytes verified: its id and tables. */
static int read_fields(const char *text, size_t len, char *id, size_t idcap, size_t *ntables,
		       char *why, size_t whycap)
{
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *v, *tables;
	int rc = -1;

	if (doc == NULL) {
		snprintf(why, whycap, "not JSON: %s (line %d)", jerr.text, jerr.line);
		return -1;
	}
	v = json_object_get(doc, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), CERTIFICATE_FORMAT) != 0) {
		snprintf(why, whycap, "its format is not %s", CERTIFICATE_FORMAT);
		goto out;
	}
	v = json_object_get(doc, "id");
	tables = json_object_get(doc, "tables");
	if (!json_is_string(v) || !json_is_array(tables)) {
		snprintf(why, whycap, "it has no id or no tables");
		goto out;
	}
	snprintf(id, idcap, "%s", json_string_value(v));
	*ntables = json_array_size(tables);
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

static int verify(int argc, char **argv)
{
	struct config cfg;
	struct ob_err err;
	const char *file = NULL, *key_text = NULL;
	const struct config_flag flags[] = {
		{ "public-key", "the signer's public key: base64 of 32 bytes, or a file holding it", &key_text },
		{ NULL, "the certificate to check", &file },
	};
	unsigned char pk[SIGNING_PK_LEN];
	char why[512], id[ID_MAX * 2], pk64[SIGNING_PK_B64_LEN + 1], *text = NULL;
	size_t len = 0, ntables = 0;
	int rc = cli_settings(&cfg, CFG_DB, argc, argv, flags, 2, usage);

	if (rc >= 0)
		return rc;
	if (file == NULL) {
		fprintf(stderr, "offboard: certificate verify needs the certificate FILE (see --help)\n");
		return 2;
	}
	if (key_text != NULL) {
		if (signing_public_parse(key_text, pk, why, sizeof(why)) < 0) {
			fprintf(stderr, "offboard: invalid --public-key: %s\n", why);
			return 2;
		}
	} else if (configured_public_key(&cfg, pk) < 0) {
		fprintf(stderr, "offboard: give the signer's key with --public-key KEY\n");
		return 1;
	}
	if ((rc = read_file(file, &text, &len)) < 0) {
		if (rc == -2)
			printf("invalid certificate %s: bad_format: larger than %d bytes\n", file,
			       CERTIFICATE_TEXT_MAX);
		else
			fprintf(stderr, "offboard: cannot read %s: %s\n", file, strerror(errno));
		return 1;
	}
	ob_err_clear(&err);
	if (certificate_verify(text, len, pk, &err) != OB_OK) {
		printf("invalid certificate %s: %s: %s\n", file, err.code, err.message);
		free(text);
		return 1;
	}
	/* the bytes are the signer's; check they are the JSON they claim to be */
	if (read_fields(text, len, id, sizeof(id), &ntables, why, sizeof(why)) < 0) {
		printf("invalid certificate %s: bad_format: %s\n", file, why);
		free(text);
		return 1;
	}
	free(text);
	printf("certificate %s valid: signed by %s; %zu table%s\n", id, signing_public_b64(pk, pk64), ntables,
	       ntables == 1 ? "" : "s");
	return 0;
}

static int public_key(int argc, char **argv)
{
	struct config cfg;
	unsigned char pk[SIGNING_PK_LEN];
	char pk64[SIGNING_PK_B64_LEN + 1];
	int rc = cli_settings(&cfg, CFG_DB, argc, argv, NULL, 0, usage);

	if (rc >= 0)
		return rc;
	if (configured_public_key(&cfg, pk) < 0)
		return 1;
	printf("%s\n", signing_public_b64(pk, pk64));
	return 0;
}

int cmd_certificate(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "verify") == 0)
		return verify(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "public-key") == 0)
		return public_key(argc - 1, argv + 1);
	if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	fprintf(stderr, "offboard: certificate needs a subcommand: verify or public-key (see --help)\n");
	return 2;
}
