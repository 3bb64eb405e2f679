/* The signed erasure certificate: written, verified, and refused after any
 * change of any byte; the signing key's file handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/crypto.h"
#include "core/signing.h"
#include "domain/certificate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void key_of(unsigned char byte, struct signing_key *k)
{
	unsigned char seed[crypto_sign_SEEDBYTES];

	memset(seed, byte, sizeof(seed));
	signing_key_from_seed(seed, k);
}

/* A certificate as a purge would fill it in. */
static void sample(struct certificate *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "cer_mi3k2p0qa7x9abcdefgh");
	snprintf(c->pseudonym, sizeof(c->pseudonym), "psn_mi3k2p0qa1b2c3d4e5f6");
	certificate_subject("s1", c->subject_sha256);
	snprintf(c->marketplace_id, sizeof(c->marketplace_id), "us");
	c->started_at = 1893456000;          /* 2030-01-01T00:00:00Z */
	c->key_destroyed_at = 1893456001;
	c->purged_at = 1893456042;
	c->retention_ends_at = 2208988800;   /* 2040-01-01T00:00:00Z */
	c->ntables = 3;
	snprintf(c->tables[0].table, sizeof(c->tables[0].table), "sellers");
	c->tables[0].erased = 1;
	snprintf(c->tables[1].table, sizeof(c->tables[1].table), "orders");
	c->tables[1].pseudonymised = 12;
	c->tables[1].retained = 12;
	snprintf(c->tables[1].legal_basis, sizeof(c->tables[1].legal_basis),
		 "HGB \xc2\xa7 257 \"commercial records\", 10 years");
	c->tables[1].retention_ends_at = 2208988800;
	snprintf(c->tables[2].table, sizeof(c->tables[2].table), "ledger_entries");
	c->tables[2].pseudonymised = 30;
	c->tables[2].retained = 30;
	snprintf(c->tables[2].legal_basis, sizeof(c->tables[2].legal_basis), "AO \xc2\xa7 147");
	c->tables[2].retention_ends_at = 2208988800;
}

static char *written(const struct signing_key *k, size_t *len)
{
	struct certificate c;
	struct ob_err err;
	char *text = NULL;

	sample(&c);
	assert_int_equal(certificate_write(&c, k, &text, len, &err), OB_OK);
	assert_non_null(text);
	assert_int_equal(strlen(text), *len);
	return text;
}

static void round_trip(void **state)
{
	struct signing_key k;
	struct ob_err err;
	size_t len;
	char *text, pk64[SIGNING_PK_B64_LEN + 1], want[128];

	(void)state;
	key_of(1, &k);
	text = written(&k, &len);
	assert_int_equal(certificate_verify(text, len, k.pk, &err), OB_OK);
	/* what a reader sees, field by field */
	{
		static const char start[] = "{\n  \"format\": \"offboard-erasure-certificate/1\",\n  \"id\": \"cer_";
		assert_memory_equal(text, start, sizeof(start) - 1);
	}
	assert_non_null(strstr(text, "\n  \"started_at\": \"2030-01-01T00:00:00Z\",\n"));
	assert_non_null(strstr(text, "\n  \"retention_ends_at\": \"2040-01-01T00:00:00Z\",\n"));
	assert_non_null(strstr(text, "\"legal_basis\": \"HGB \xc2\xa7 257 \\\"commercial records\\\", 10 years\""));
	assert_non_null(strstr(text, "\n      \"erased\": 1,\n      \"pseudonymised\": 0,\n      \"retained\": 0,\n"
				     "      \"legal_basis\": null,\n      \"retention_ends_at\": null\n"));
	assert_null(strstr(text, "\"s1\""));   /* the seller's id is not in it, only its hash */
	snprintf(want, sizeof(want), "\"signature_algorithm\": \"Ed25519\",\n  \"public_key\": \"%s\",\n"
		 "  \"signature\": \"", signing_public_b64(k.pk, pk64));
	assert_non_null(strstr(text, want));
	assert_memory_equal(text + len - 4, "\"\n}\n", 4);
	/* the same input and key write the same bytes */
	{
		size_t len2;
		char *again = written(&k, &len2);
		assert_int_equal(len2, len);
		assert_memory_equal(again, text, len);
		free(again);
	}
	free(text);
	signing_key_wipe(&k);
}

/* Any bit of any byte changed fails, each with its reason. */
static void every_byte(void **state)
{
	struct signing_key k;
	struct ob_err err;
	size_t len;
	char *text;

	(void)state;
	key_of(2, &k);
	text = written(&k, &len);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			enum ob_rc rc;
			text[i] ^= (char)(1 << bit);
			rc = certificate_verify(text, len, k.pk, &err);
			if (rc == OB_OK)
				fail_msg("byte %zu bit %d changed and still verified", i, bit);
			assert_true(strcmp(err.code, "bad_format") == 0 || strcmp(err.code, "bad_signature") == 0 ||
				    strcmp(err.code, "wrong_key") == 0);
			text[i] ^= (char)(1 << bit);
		}
	}
	assert_int_equal(certificate_verify(text, len, k.pk, &err), OB_OK);
	free(text);
	signing_key_wipe(&k);
}

static void truncated_or_extended(void **state)
{
	struct signing_key k;
	struct ob_err err;
	size_t len;
	char *text, *longer;

	(void)state;
	key_of(3, &k);
	text = written(&k, &len);
	for (size_t n = 0; n < len; n++)
		assert_int_not_equal(certificate_verify(text, n, k.pk, &err), OB_OK);
	assert_int_equal(certificate_verify(text, len - 1, k.pk, &err), OB_EINVAL);
	assert_string_equal(err.code, "bad_format");
	longer = malloc(len + 2);
	memcpy(longer, text, len);
	memcpy(longer + len, "\n", 1);   /* one byte more at the end */
	assert_int_equal(certificate_verify(longer, len + 1, k.pk, &err), OB_EINVAL);
	assert_string_equal(err.code, "bad_format");
	longer[0] = ' ';                  /* one byte more at the start */
	memcpy(longer + 1, text, len);
	assert_int_equal(certificate_verify(longer, len + 1, k.pk, &err), OB_EINVAL);
	free(longer);
	assert_int_equal(certificate_verify(NULL, 0, k.pk, &err), OB_EINVAL);
	free(text);
	signing_key_wipe(&k);
}

/* Signed by another key: named as such when checked against ours; a
 * certificate that claims our key but carries another's signature fails. */
static void other_key(void **state)
{
	struct signing_key ours, theirs;
	struct ob_err err;
	size_t len, len2;
	char *text, *forged, pk_ours[SIGNING_PK_B64_LEN + 1], pk_theirs[SIGNING_PK_B64_LEN + 1], *at;

	(void)state;
	key_of(4, &ours);
	key_of(5, &theirs);
	text = written(&theirs, &len);
	assert_int_equal(certificate_verify(text, len, ours.pk, &err), OB_EAUTH);
	assert_string_equal(err.code, "wrong_key");
	assert_non_null(strstr(err.message, signing_public_b64(theirs.pk, pk_theirs)));

	/* their signature under our public key's name */
	forged = written(&ours, &len2);
	assert_int_equal(len2, len);
	signing_public_b64(ours.pk, pk_ours);
	at = strstr(text, pk_theirs);
	assert_non_null(at);
	memcpy(at, pk_ours, SIGNING_PK_B64_LEN);
	assert_int_equal(certificate_verify(text, len, ours.pk, &err), OB_EAUTH);
	assert_string_equal(err.code, "bad_signature");
	/* and our signature under theirs */
	assert_non_null(strstr(forged, "\"signature\": \""));
	memcpy(strstr(forged, "\"signature\": \"") + 14, strstr(text, "\"signature\": \"") + 14, SIGNING_SIG_B64_LEN);
	assert_int_equal(certificate_verify(forged, len, ours.pk, &err), OB_EAUTH);
	assert_string_equal(err.code, "bad_signature");
	free(text);
	free(forged);
	signing_key_wipe(&ours);
	signing_key_wipe(&theirs);
}

/* What the purge hands in is checked before anything is signed. */
static void bad_input(void **state)
{
	static const struct { const char *field; int which; } v[] = {
		{ "id", 0 }, { "subject_sha256", 1 }, { "purged_at", 2 }, { "key_destroyed_at", 3 },
		{ "tables.erased", 4 }, { "tables.legal_basis", 5 }, { "tables.legal_basis", 6 },
		{ "tables.table", 7 }, { "tables", 8 }, { "retention_ends_at", 9 },
	};
	struct signing_key k;
	struct certificate c;
	struct ob_err err;
	size_t len = 7;
	char *text = (char *)"x";

	(void)state;
	key_of(6, &k);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sample(&c);
		switch (v[i].which) {
		case 0: snprintf(c.id, sizeof(c.id), "cer x"); break;
		case 1: c.subject_sha256[3] = 'G'; break;
		case 2: c.purged_at = c.started_at - 1; break;
		case 3: c.key_destroyed_at = c.purged_at + 1; break;
		case 4: c.tables[0].erased = -1; break;
		case 5: c.tables[1].legal_basis[0] = '\0'; break;
		case 6: c.tables[1].legal_basis[2] = (char)0xc3; c.tables[1].legal_basis[3] = '('; break;
		case 7: snprintf(c.tables[0].table, sizeof(c.tables[0].table), "sellers; drop"); break;
		case 8: c.ntables = CERTIFICATE_TABLES_MAX + 1; break;
		case 9: c.retention_ends_at = 0; break;
		}
		assert_int_equal(certificate_write(&c, &k, &text, &len, &err), OB_EINVAL);
		assert_string_equal(err.code, "invalid_certificate");
		assert_string_equal(err.field, v[i].field);
		assert_null(text);
		assert_int_equal(len, 0);
	}
	/* no tables, nothing retained, no data key: still a certificate */
	sample(&c);
	c.ntables = 0;
	c.retention_ends_at = 0;
	c.key_destroyed_at = 0;
	assert_int_equal(certificate_write(&c, &k, &text, &len, &err), OB_OK);
	assert_non_null(strstr(text, "\"key_destroyed_at\": null,"));
	assert_non_null(strstr(text, "\"tables\": [],\n"));
	assert_int_equal(certificate_verify(text, len, k.pk, &err), OB_OK);
	free(text);
	signing_key_wipe(&k);
}

/* --- the key file --- */

static char tmpdir[64];

static int make_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ob-cert-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void key_files(void **state)
{
	struct config cfg;
	struct signing_key k, again;
	struct stat sb;
	char err[512], path[256], pub[256], pk64[SIGNING_PK_B64_LEN + 1], text[128];
	unsigned char pk[SIGNING_PK_LEN];
	FILE *f;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s/data/sub", tmpdir);

	/* the default file: missing and not to be made */
	assert_int_equal(signing_key_load(&cfg, 0, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "signing.key does not exist"));
	/* made on first use, folder and all, 0600, with the public key beside it */
	assert_int_equal(signing_key_load(&cfg, 1, &k, err, sizeof(err)), 2);
	snprintf(path, sizeof(path), "%s/signing.key", cfg.data_dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(signing_key_load(&cfg, 1, &again, err, sizeof(err)), 1);
	assert_memory_equal(k.sk, again.sk, sizeof(k.sk));
	snprintf(pub, sizeof(pub), "%s/signing.pub", cfg.data_dir);
	f = fopen(pub, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	assert_int_equal(strncmp(text, signing_public_b64(k.pk, pk64), SIGNING_PK_B64_LEN), 0);
	/* the public key read back as text and as a file */
	assert_int_equal(signing_public_parse(pk64, pk, err, sizeof(err)), 0);
	assert_memory_equal(pk, k.pk, sizeof(pk));
	memset(pk, 0, sizeof(pk));
	assert_int_equal(signing_public_parse(pub, pk, err, sizeof(err)), 0);
	assert_memory_equal(pk, k.pk, sizeof(pk));
	assert_int_equal(signing_public_parse("c2hvcnQ=", pk, err, sizeof(err)), -1);

	/* readable by others: refused, whoever made it */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(signing_key_load(&cfg, 1, &again, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "readable by group or others"));
	assert_int_equal(chmod(path, 0600), 0);

	/* a configured file: used as it is; missing is an error even with create */
	snprintf(cfg.signing_key_file, sizeof(cfg.signing_key_file), "%s/prod.key", tmpdir);
	assert_int_equal(signing_key_load(&cfg, 1, &again, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not exist"));
	assert_int_equal(access(cfg.signing_key_file, F_OK), -1);
	write_text(cfg.signing_key_file, "  AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n", 0600);
	assert_int_equal(signing_key_load(&cfg, 0, &again, err, sizeof(err)), 1);
	key_of(1, &k);
	assert_memory_equal(k.sk, again.sk, sizeof(k.sk));
	write_text(cfg.signing_key_file, "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ==\n", 0600);
	assert_int_equal(signing_key_load(&cfg, 0, &again, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not hold base64"));
	write_text(cfg.signing_key_file, "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n", 0644);
	assert_int_equal(signing_key_load(&cfg, 0, &again, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "chmod 600"));
	signing_key_wipe(&k);
	signing_key_wipe(&again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(every_byte),
		cmocka_unit_test(truncated_or_extended),
		cmocka_unit_test(other_key),
		cmocka_unit_test(bad_input),
		cmocka_unit_test_setup_teardown(key_files, make_tmp, remove_tmp),
	};

	if (crypto_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
