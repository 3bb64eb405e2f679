/* cert_write: a test tool that writes a sample erasure certificate signed
 * with the configured signing key, as a purge would (certificate.sh).
 *
 *   cert_write [--data-dir DIR] [--signing-key-file FILE] OUTDIR
 *
 * The default key file DATA_DIR/signing.key is made when missing, as
 * `offboard serve` makes it. Saves OUTDIR/<id>.json with certificate_save()
 * and prints its path; exits 0, or 1 with a line. */
#include "core/config.h"
#include "core/crypto.h"
#include "core/signing.h"
#include "domain/certificate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct config cfg;
	struct signing_key k;
	struct certificate c;
	struct ob_err err;
	const char *out = NULL;
	const struct config_flag flags[] = { { NULL, "the folder to write the certificate to", &out } };
	char msg[512], path[1300], *text = NULL;
	size_t len = 0;

	if (crypto_init() < 0 || config_load(&cfg, CFG_DB, argc - 1, argv + 1, flags, 1, msg, sizeof(msg)) != 0 ||
	    out == NULL) {
		fprintf(stderr, "usage: cert_write [--data-dir DIR] [--signing-key-file FILE] OUTDIR\n");
		return 2;
	}
	if (signing_key_load(&cfg, 1, &k, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "cert_write: %s\n", msg);
		return 1;
	}
	memset(&c, 0, sizeof(c));
	id_new("cer", c.id);
	id_new("psn", c.pseudonym);
	certificate_subject("s1", c.subject_sha256);
	snprintf(c.marketplace_id, sizeof(c.marketplace_id), "us");
	c.started_at = 1893456000;
	c.key_destroyed_at = 1893456001;
	c.purged_at = 1893456042;
	c.retention_ends_at = 2208988800;
	c.ntables = 3;
	snprintf(c.tables[0].table, sizeof(c.tables[0].table), "sellers");
	c.tables[0].erased = 1;
	snprintf(c.tables[1].table, sizeof(c.tables[1].table), "orders");
	c.tables[1].erased = 0;
	c.tables[1].pseudonymised = 12;
	c.tables[1].retained = 12;
	snprintf(c.tables[1].legal_basis, sizeof(c.tables[1].legal_basis), "commercial records, 10 years");
	c.tables[1].retention_ends_at = 2208988800;
	snprintf(c.tables[2].table, sizeof(c.tables[2].table), "order_items");
	c.tables[2].erased = 40;
	ob_err_clear(&err);
	if (certificate_write(&c, &k, &text, &len, &err) != OB_OK) {
		signing_key_wipe(&k);
		fprintf(stderr, "cert_write: %s\n", err.message);
		return 1;
	}
	signing_key_wipe(&k);
	if (certificate_save(out, c.id, text, len, path, sizeof(path), &err) != OB_OK) {
		free(text);
		fprintf(stderr, "cert_write: %s\n", err.message);
		return 1;
	}
	free(text);
	printf("%s\n", path);
	return 0;
}
