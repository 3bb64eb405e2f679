/* zipw.h: a ZIP archive written entry by entry, for data too large to hold.
 *
 * Each entry is deflated (by ISA-L's igzip, at several times zlib's speed)
 * on a thread of its own while the caller writes it,
 * so the caller's work (reading and formatting rows) and the compression of
 * the entries open at once share the cores. Compressed bytes go to an
 * unlinked temporary file, and the entry's size, CRC-32 and SHA-256 are
 * counted on the way. zipw_finish() then has libzip copy the compressed
 * entries, as they are, into the archive: nothing is compressed twice and
 * nothing is held in memory but a few buffers per open entry, whatever the
 * size of the data. See docs/internals/export.md.
 *
 *   zipw_new -> (zipw_entry_open -> zipw_write... -> zipw_entry_close)...
 *            -> zipw_finish -> zipw_free
 *
 * A zipw and its entries are used by one thread (their own compression
 * threads aside). */
#ifndef OB_ZIPW_H
#define OB_ZIPW_H

#include "core/crypto.h"
#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

#define ZIPW_NAME_MAX 64
#define ZIPW_MAX_ENTRIES 64

struct zipw;
struct zipw_entry;

/* An entry as its manifest describes it, complete once it is closed. */
struct zipw_info {
	char name[ZIPW_NAME_MAX];
	uint64_t size;                          /* bytes before compression */
	uint64_t compressed;                    /* bytes in the archive */
	uint32_t crc;                           /* CRC-32 of the uncompressed bytes */
	int64_t rows;                           /* what the writer counted; -1 none */
	char sha256[CRYPTO_HASH_HEX_LEN + 1];   /* of the uncompressed bytes, hex */
};

/* Starts an archive whose entries wait, compressed, in unlinked files of
 * tmp_dir (which must exist). *out is owned by the caller (zipw_free). */
enum ob_rc zipw_new(const char *tmp_dir, struct zipw **out, struct ob_err *err);

/* Opens the next entry, called name (a relative path, UTF-8), and starts
 * its compression thread. Entries are stored in the order they are opened;
 * several may be open at once. *out belongs to z. */
enum ob_rc zipw_entry_open(struct zipw *z, const char *name, struct zipw_entry **out,
			   struct ob_err *err);

/* Appends n bytes to entry e. Blocks while e's compression is behind (so
 * memory stays bounded). Fails once a write of e failed (disk full). */
enum ob_rc zipw_write(struct zipw_entry *e, const void *p, size_t n, struct ob_err *err);

/* Finishes entry e, waiting for its compression, and records rows (-1:
 * not a table) for its info. e must not be used afterwards. */
enum ob_rc zipw_entry_close(struct zipw_entry *e, int64_t rows, struct ob_err *err);

/* The entries closed so far, in order. */
size_t zipw_count(const struct zipw *z);
const struct zipw_info *zipw_info(const struct zipw *z, size_t i);

/* Writes the archive of every entry (all must be closed) to path: through
 * path.tmp, synced, mode 0600, then renamed, so that path never names a
 * partial archive. mtime (unix seconds) is every entry's time. */
enum ob_rc zipw_finish(struct zipw *z, const char *path, int64_t mtime, struct ob_err *err);

/* Stops any open entry's thread and frees everything; NULL does nothing.
 * Leaves no temporary file behind. */
void zipw_free(struct zipw *z);

#endif
