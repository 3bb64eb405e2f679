/* certificate.h: the signed erasure certificate of a purged seller.
 *
 * A certificate is a JSON text (format "offboard-erasure-certificate/1")
 * that names no one: the seller appears as a random pseudonym and as the
 * SHA-256 of their id, which the marketplace, knowing the id, can match. It
 * says when the purge started, when the seller's data key was destroyed,
 * when the purge ended, and per table how many rows were erased,
 * pseudonymised and retained, on which legal basis and until when.
 *
 * It is signed with Ed25519 over its exact bytes, so any changed byte of
 * the file fails verification. The text is written pretty (two-space
 * indent, fields in a fixed order, "\n" line ends, a final "\n"); its last
 * member is the signature:
 *
 *     ...
 *       "signature_algorithm": "Ed25519",
 *       "public_key": "<base64 of 32 bytes>",
 *       "signature": "<base64 of 64 bytes>"
 *     }
 *
 * The signed message is the file without its signature member: every byte
 * up to the comma before "signature", followed by "\n}\n" (the document as
 * it stood before the signature was added). See docs/operator-guide.md. */
#ifndef OB_CERTIFICATE_H
#define OB_CERTIFICATE_H

#include "core/err.h"
#include "core/id.h"
#include "core/signing.h"

#include <stddef.h>
#include <stdint.h>

#define CERTIFICATE_FORMAT "offboard-erasure-certificate/1"
#define CERTIFICATE_TABLES_MAX 40
#define CERTIFICATE_TEXT_MAX (256 * 1024)   /* far above the longest possible text */

struct certificate_table {
	char table[40];
	int64_t erased, pseudonymised, retained;
	char legal_basis[160];          /* why retained rows are kept; empty when none are */
	int64_t retention_ends_at;      /* 0 when nothing retained */
};

struct certificate {
	char id[ID_MAX];                /* "cer_..." */
	char pseudonym[ID_MAX];         /* the seller's pseudonym in retained records */
	char subject_sha256[65];        /* hex SHA-256 of the seller id (certificate_subject) */
	char marketplace_id[ID_MAX];
	int64_t started_at, key_destroyed_at, purged_at;   /* key_destroyed_at 0: no data key */
	int64_t retention_ends_at;      /* when the last retained rows go; 0 when none */
	struct certificate_table tables[CERTIFICATE_TABLES_MAX];
	size_t ntables;
};

/* Writes the hex SHA-256 of seller_id and a NUL into out (65 bytes). */
void certificate_subject(const char *seller_id, char out[65]);

/* Writes the signed certificate of c, signed with k, as a NUL-ended JSON
 * text into *out (owned by the caller, free()) and its length without the
 * NUL into *len. The same c and k always give the same bytes. Times are
 * RFC 3339 UTC, null when 0 (key_destroyed_at, retention ends); an empty
 * legal_basis is null. OB_EINVAL "invalid_certificate" naming the field
 * when c is not well formed: ids, the hash, times (started_at <=
 * key_destroyed_at <= purged_at), table names ([A-Za-z0-9_]), counts below
 * 0, legal_basis not UTF-8, retained rows without legal_basis or
 * retention_ends_at, a table's retention end after c->retention_ends_at.
 * OB_ENOMEM. *out is NULL on failure. k is borrowed. */
enum ob_rc certificate_write(const struct certificate *c, const struct signing_key *k, char **out,
			     size_t *len, struct ob_err *err);

/* Checks that the len bytes at text are a certificate written by
 * certificate_write() and signed by public_key. OB_OK, or:
 *   OB_EINVAL "bad_format"     not a certificate of this format (truncated,
 *                              extra bytes, a malformed signature member)
 *   OB_EAUTH  "wrong_key"      well formed, but its public_key is another key
 *   OB_EAUTH  "bad_signature"  the signature does not match the bytes
 * Only the framing and the signature are checked here: the caller may also
 * parse the JSON (the CLI does). */
enum ob_rc certificate_verify(const char *text, size_t len, const unsigned char public_key[SIGNING_PK_LEN],
			      struct ob_err *err);

/* Writes text (len bytes) to DIR/<id>.json, mode 0600, atomically (a
 * temporary file renamed over; a certificate written again replaces the
 * earlier one whole), making DIR (0700) when missing. The path written goes
 * into path (cap bytes) when path is not NULL. OB_EINTERNAL
 * "cannot_write" with the reason. */
enum ob_rc certificate_save(const char *dir, const char *id, const char *text, size_t len, char *path,
			    size_t cap, struct ob_err *err);

#endif
