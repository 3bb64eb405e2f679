#include "core/zipw.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <zip.h>

#define BUF_SIZE (256u << 10)   /* one buffer of uncompressed bytes */
#define NBUF 3                  /* per entry: one filling, two queued or compressing */
#define OUT_SIZE (128u << 10)   /* compressed bytes before a write() */
/* ISA-L's igzip level 2 (of 0-3): several times zlib's level 1 speed, and
 * smaller output; see docs/internals/export.md */
#define LEVEL 2
#define LEVEL_BUF ISAL_DEF_LVL2_DEFAULT

struct zipw_entry {
	struct zipw *z;
	struct zipw_info info;
	int fd;                      /* the unlinked file of compressed bytes */

	pthread_t thread;
	int started;                 /* the thread runs (join it) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *bufs[NBUF];
	size_t lens[NBUF];
	int queue[NBUF];             /* full buffers, oldest first */
	int qhead, qlen;
	int free_bufs[NBUF];
	int nfree;
	int eof;                     /* the writer closed the entry */
	int failed;                  /* errno of a failed write, or EIO for the compressor */

	int cur;                     /* the writer's buffer, or -1 */
	int closed;

	zip_error_t zerr;            /* libzip's reads, at finish */
	uint64_t rpos;
};

struct zipw {
	char tmp_dir[PATH_MAX];
	int64_t mtime;
	struct zipw_entry *entries[ZIPW_MAX_ENTRIES];
	size_t n;
	struct zipw_info *closed[ZIPW_MAX_ENTRIES];
	size_t nclosed;
};

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Deflates n bytes at p (flush Z_NO_FLUSH or Z_FINISH) into e's file. */
/* Deflates n bytes at p (the stream's last when last) into e's file. */
static int deflate_out(struct zipw_entry *e, struct isal_zstream *zs, unsigned char *out,
		       const unsigned char *p, size_t n, int last)
{
	int werr;

	zs->next_in = (uint8_t *)p;
	zs->avail_in = (uint32_t)n;
	zs->end_of_stream = (uint16_t)last;
	do {
		zs->next_out = out;
		zs->avail_out = OUT_SIZE;
		if (isal_deflate(zs) != COMP_OK)
			return EIO;
		if ((werr = write_all(e->fd, out, OUT_SIZE - zs->avail_out)) != 0)
			return werr;
		e->info.compressed += OUT_SIZE - zs->avail_out;
	} while (zs->avail_in > 0 || zs->avail_out == 0 ||
		 (last && zs->internal_state.state != ZSTATE_END));
	return 0;
}

/* The compression thread of one entry: takes full buffers in order,
 * counts and deflates them, hands them back; finishes the stream at eof.
 * After a failure it keeps handing buffers back, so the writer never
 * waits for ever; the writer sees e->failed. */
static void *compress_main(void *arg)
{
	struct zipw_entry *e = arg;
	struct crypto_sha256 sha;
	struct isal_zstream *zs = malloc(sizeof(*zs));
	unsigned char *out = malloc(OUT_SIZE), *level_buf = malloc(LEVEL_BUF);
	uint32_t crc = 0;
	int failed = 0, hashing = crypto_sha256_init(&sha) == 0;

	if (zs == NULL || out == NULL || level_buf == NULL || !hashing) {
		failed = ENOMEM;
	} else {
		isal_deflate_init(zs);
		zs->level = LEVEL;
		zs->level_buf = level_buf;
		zs->level_buf_size = LEVEL_BUF;
		zs->gzip_flag = IGZIP_DEFLATE;   /* raw deflate, as ZIP stores it */
		zs->flush = NO_FLUSH;
	}
	for (;;) {
		int b;
		pthread_mutex_lock(&e->mu);
		if (failed && !e->failed)
			e->failed = failed;
		while (e->qlen == 0 && !e->eof)
			pthread_cond_wait(&e->cv, &e->mu);
		if (e->qlen == 0) {
			pthread_mutex_unlock(&e->mu);
			break;
		}
		b = e->queue[e->qhead];
		e->qhead = (e->qhead + 1) % NBUF;
		e->qlen--;
		pthread_mutex_unlock(&e->mu);

		if (!failed) {
			crc = crc32_gzip_refl(crc, e->bufs[b], e->lens[b]);
			crypto_sha256_update(&sha, e->bufs[b], e->lens[b]);
			e->info.size += e->lens[b];
			failed = deflate_out(e, zs, out, e->bufs[b], e->lens[b], 0);
		}
		pthread_mutex_lock(&e->mu);
		e->free_bufs[e->nfree++] = b;
		pthread_cond_broadcast(&e->cv);
		pthread_mutex_unlock(&e->mu);
	}
	if (!failed)
		failed = deflate_out(e, zs, out, NULL, 0, 1);
	free(zs);
	free(out);
	free(level_buf);
	pthread_mutex_lock(&e->mu);
	if (failed && !e->failed)
		e->failed = failed;
	pthread_mutex_unlock(&e->mu);
	e->info.crc = crc;
	if (hashing)
		crypto_sha256_final_hex(&sha, e->info.sha256);
	return NULL;
}

static enum ob_rc entry_failure(struct zipw_entry *e, struct ob_err *err)
{
	return ob_fail(err, OB_EINTERNAL, "export_write_failed", NULL, "cannot write %s: %s", e->info.name,
		       e->failed == EIO ? "compression failed" : strerror(e->failed));
}

enum ob_rc zipw_new(const char *tmp_dir, struct zipw **out, struct ob_err *err)
{
	struct zipw *z = calloc(1, sizeof(*z));

	*out = NULL;
	if (z == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	if (strlen(tmp_dir) >= sizeof(z->tmp_dir) - 16) {
		free(z);
		return ob_fail(err, OB_EINVAL, "path_too_long", NULL, "folder name too long: %s", tmp_dir);
	}
	snprintf(z->tmp_dir, sizeof(z->tmp_dir), "%s", tmp_dir);
	*out = z;
	return OB_OK;
}

enum ob_rc zipw_entry_open(struct zipw *z, const char *name, struct zipw_entry **out,
			   struct ob_err *err)
{
	struct zipw_entry *e;
	char path[PATH_MAX];

	*out = NULL;
	if (z->n == ZIPW_MAX_ENTRIES || strlen(name) >= ZIPW_NAME_MAX)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "too many entries or name too long: %s", name);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	e->z = z;
	e->fd = -1;
	e->cur = -1;
	e->info.rows = -1;
	snprintf(e->info.name, sizeof(e->info.name), "%s", name);
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cv, NULL);
	zip_error_init(&e->zerr);
	z->entries[z->n++] = e;   /* zipw_free() cleans up whatever fails below */
	for (int i = 0; i < NBUF; i++) {
		if ((e->bufs[i] = malloc(BUF_SIZE)) == NULL)
			return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
		e->free_bufs[e->nfree++] = i;
	}
	snprintf(path, sizeof(path), "%s/.zipw-XXXXXX", z->tmp_dir);
	if ((e->fd = mkostemp(path, O_CLOEXEC)) < 0)
		return ob_fail(err, OB_EINTERNAL, "export_write_failed", NULL,
			       "cannot create a temporary file in %s: %s", z->tmp_dir, strerror(errno));
	unlink(path);   /* gone with the descriptor, even if the process dies */
	if (pthread_create(&e->thread, NULL, compress_main, e) != 0)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "cannot start a thread");
	e->started = 1;
	*out = e;
	return OB_OK;
}

/* Queues the writer's buffer for compression. */
static void submit(struct zipw_entry *e, size_t len)
{
	pthread_mutex_lock(&e->mu);
	e->lens[e->cur] = len;
	e->queue[(e->qhead + e->qlen) % NBUF] = e->cur;
	e->qlen++;
	e->cur = -1;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

enum ob_rc zipw_write(struct zipw_entry *e, const void *p, size_t n, struct ob_err *err)
{
	const unsigned char *s = p;

	while (n > 0) {
		size_t room, k;
		if (e->cur < 0) {
			pthread_mutex_lock(&e->mu);
			while (e->nfree == 0 && !e->failed)
				pthread_cond_wait(&e->cv, &e->mu);
			if (e->failed) {
				pthread_mutex_unlock(&e->mu);
				return entry_failure(e, err);
			}
			e->cur = e->free_bufs[--e->nfree];
			e->lens[e->cur] = 0;
			pthread_mutex_unlock(&e->mu);
		}
		room = BUF_SIZE - e->lens[e->cur];
		k = n < room ? n : room;
		memcpy(e->bufs[e->cur] + e->lens[e->cur], s, k);
		e->lens[e->cur] += k;
		s += k;
		n -= k;
		if (e->lens[e->cur] == BUF_SIZE)
			submit(e, BUF_SIZE);
	}
	return OB_OK;
}

/* Ends e's thread (after its queue) and waits for it. */
static void stop(struct zipw_entry *e)
{
	if (!e->started)
		return;
	pthread_mutex_lock(&e->mu);
	e->eof = 1;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
	pthread_join(e->thread, NULL);
	e->started = 0;
}

enum ob_rc zipw_entry_close(struct zipw_entry *e, int64_t rows, struct ob_err *err)
{
	struct zipw *z = e->z;

	if (e->cur >= 0 && e->lens[e->cur] > 0)
		submit(e, e->lens[e->cur]);
	stop(e);
	for (int i = 0; i < NBUF; i++) {
		free(e->bufs[i]);
		e->bufs[i] = NULL;
	}
	e->closed = 1;
	if (e->failed)
		return entry_failure(e, err);
	e->info.rows = rows;
	z->closed[z->nclosed++] = &e->info;
	return OB_OK;
}

size_t zipw_count(const struct zipw *z)
{
	return z->nclosed;
}

const struct zipw_info *zipw_info(const struct zipw *z, size_t i)
{
	return i < z->nclosed ? z->closed[i] : NULL;
}

/* libzip's view of an entry: data already deflated, with its sizes and
 * CRC known, so libzip copies it without compressing it again. */
static zip_int64_t entry_source(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct zipw_entry *e = ud;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		e->rpos = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		ssize_t n;
		do
			n = pread(e->fd, data, len, (off_t)e->rpos);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			zip_error_set(&e->zerr, ZIP_ER_READ, errno);
			return -1;
		}
		e->rpos += (uint64_t)n;
		return n;
	}
	case ZIP_SOURCE_CLOSE:
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		if (len < sizeof(*st)) {
			zip_error_set(&e->zerr, ZIP_ER_INVAL, 0);
			return -1;
		}
		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD |
			    ZIP_STAT_ENCRYPTION_METHOD | ZIP_STAT_MTIME;
		st->size = e->info.size;
		st->comp_size = e->info.compressed;
		st->crc = e->info.crc;
		st->comp_method = ZIP_CM_DEFLATE;
		st->encryption_method = ZIP_EM_NONE;
		st->mtime = (time_t)e->z->mtime;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&e->zerr, data, len);
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
						      ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		zip_error_set(&e->zerr, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

/* fsync()s the file or folder at path; 0 or an errno. */
static int sync_path(const char *path, int dir)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
	int rc = 0;

	if (fd < 0)
		return errno;
	if (fsync(fd) < 0)
		rc = errno;
	close(fd);
	return rc;
}

enum ob_rc zipw_finish(struct zipw *z, const char *path, int64_t mtime, struct ob_err *err)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	zip_t *za;
	int zerr = 0, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return ob_fail(err, OB_EINVAL, "path_too_long", NULL, "file name too long: %s", path);
	for (size_t i = 0; i < z->n; i++)
		if (!z->entries[i]->closed || z->entries[i]->failed)
			return ob_fail(err, OB_EINTERNAL, NULL, NULL, "entry %s not complete",
				       z->entries[i]->info.name);
	z->mtime = mtime;
	unlink(tmp);
	if ((za = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr)) == NULL) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		rc = ob_fail(err, OB_EINTERNAL, "export_write_failed", NULL, "cannot create %s: %s", tmp,
			     zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	for (size_t i = 0; i < z->n; i++) {
		struct zipw_entry *e = z->entries[i];
		zip_source_t *src = zip_source_function(za, entry_source, e);
		zip_int64_t idx = src ? zip_file_add(za, e->info.name, src, ZIP_FL_ENC_UTF_8) : -1;

		if (idx < 0) {
			zip_source_free(src);
			goto zip_failed;
		}
		if (zip_file_set_mtime(za, (zip_uint64_t)idx, (time_t)mtime, 0) < 0)
			goto zip_failed;
	}
	if (zip_close(za) < 0)
		goto zip_failed;
	if (chmod(tmp, 0600) < 0 || (rc = sync_path(tmp, 0)) != 0 || rename(tmp, path) < 0) {
		rc = errno;
		unlink(tmp);
		return ob_fail(err, OB_EINTERNAL, "export_write_failed", NULL, "cannot write %s: %s", path,
			       strerror(rc));
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	sync_path(slash ? dir : ".", 1);
	return OB_OK;
zip_failed:
	rc = ob_fail(err, OB_EINTERNAL, "export_write_failed", NULL, "cannot write %s: %s", tmp,
		     zip_strerror(za));
	zip_discard(za);
	unlink(tmp);
	return rc;
}

void zipw_free(struct zipw *z)
{
	if (z == NULL)
		return;
	for (size_t i = 0; i < z->n; i++) {
		struct zipw_entry *e = z->entries[i];
		stop(e);
		for (int b = 0; b < NBUF; b++)
			free(e->bufs[b]);
		if (e->fd >= 0)
			close(e->fd);
		zip_error_fini(&e->zerr);
		pthread_mutex_destroy(&e->mu);
		pthread_cond_destroy(&e->cv);
		free(e);
	}
	free(z);
}
