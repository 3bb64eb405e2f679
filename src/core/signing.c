#include "core/signing.h"

#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_TEXT_MAX 256   /* a key file is one short line; more is not a key file */

int signing_key_path(const struct config *cfg, char *out, size_t cap)
{
	int n;

	if (cfg->signing_key_file[0] != '\0') {
		n = snprintf(out, cap, "%s", cfg->signing_key_file);
		return n < 0 || (size_t)n >= cap ? -1 : 0;
	}
	n = snprintf(out, cap, "%s/signing.key", cfg->data_dir);
	return n < 0 || (size_t)n >= cap ? -1 : 1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Decodes base64 text of exactly 32 bytes, white space around it allowed,
 * into out. Returns 0 or -1. */
static int decode32(const char *text, size_t n, unsigned char out[32])
{
	size_t len;

	while (n > 0 && is_space(*text))
		text++, n--;
	while (n > 0 && is_space(text[n - 1]))
		n--;
	if (n != SIGNING_PK_B64_LEN)
		return -1;
	return sodium_base642bin(out, 32, text, n, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	       len == 32 ? 0 : -1;
}

/* Reads at most KEY_TEXT_MAX - 1 bytes of the file at path into text (NUL
 * ended), refusing what is not a regular file and, with private set, a file
 * that group or others may read. Returns the length, or -1 with err; errno
 * stays ENOENT for a missing file. */
static long read_small(const char *path, int private, const char *what, char text[KEY_TEXT_MAX],
		       char *err, size_t errcap)
{
	struct stat sb;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;

	if (fd < 0) {
		saved = errno;
		snprintf(err, errcap, "cannot read the %s %s: %s", what, path, strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		snprintf(err, errcap, "cannot read the %s %s: not a regular file", what, path);
		errno = EINVAL;
		return -1;
	}
	if (private && (sb.st_mode & 077) != 0) {
		close(fd);
		snprintf(err, errcap, "the %s %s is readable by group or others (mode %04o): chmod 600 it",
			 what, path, (unsigned)(sb.st_mode & 07777));
		errno = EACCES;
		return -1;
	}
	while (got < KEY_TEXT_MAX - 1) {
		n = read(fd, text + got, KEY_TEXT_MAX - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			close(fd);
			snprintf(err, errcap, "cannot read the %s %s: %s", what, path, strerror(saved));
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	text[got] = '\0';
	return (long)got;
}

void signing_key_from_seed(const unsigned char seed[crypto_sign_SEEDBYTES], struct signing_key *out)
{
	crypto_sign_seed_keypair(out->pk, out->sk, seed);
}

void signing_key_wipe(struct signing_key *k)
{
	if (k != NULL)
		sodium_memzero(k, sizeof(*k));
}

char *signing_public_b64(const unsigned char pk[SIGNING_PK_LEN], char *out)
{
	sodium_bin2base64(out, SIGNING_PK_B64_LEN + 1, pk, SIGNING_PK_LEN, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

static int load_file(const char *path, struct signing_key *out, char *err, size_t errcap)
{
	char text[KEY_TEXT_MAX];
	unsigned char seed[crypto_sign_SEEDBYTES];
	long n = read_small(path, 1, "signing key file", text, err, errcap);
	int rc = -1;

	if (n < 0)
		return -1;
	if (decode32(text, (size_t)n, seed) < 0) {
		snprintf(err, errcap, "the signing key file %s does not hold base64 of a 32-byte seed", path);
		errno = EINVAL;
		goto out;
	}
	signing_key_from_seed(seed, out);
	rc = 1;
out:
	sodium_memzero(text, sizeof(text));
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/* mkdir -p with mode 0700 for the folders it makes. */
static int make_dirs(const char *dir, char *err, size_t errcap)
{
	char p[1200];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p)) {
		snprintf(err, errcap, "cannot make the data folder '%s'", dir);
		return -1;
	}
	memcpy(p, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errcap, "cannot make the data folder %s: %s", p, strerror(errno));
			return -1;
		}
		p[i] = i < n ? '/' : '\0';
	}
	return 0;
}

/* Writes len bytes of text to a new file tmp (mode), synced. */
static int write_new(const char *tmp, mode_t mode, const char *text, size_t len)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done != len || fsync(fd) != 0) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	return close(fd);
}

/* Makes a new key at path (DATA_DIR/signing.key) and DATA_DIR/signing.pub.
 * The key file appears whole or not at all, and never over an existing one:
 * of two processes starting at once, the second loads the first one's key. */
static int generate(const struct config *cfg, const char *path, struct signing_key *out, char *err,
		    size_t errcap)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char text[SIGNING_PK_B64_LEN + 2], tmp[1300], pub[1200], pk64[SIGNING_PK_B64_LEN + 1];
	char pubtext[SIGNING_PK_B64_LEN + 2];
	unsigned rnd;
	int rc = -1, dfd;

	if (make_dirs(cfg->data_dir, err, errcap) < 0)
		return -1;
	randombytes_buf(&rnd, sizeof(rnd));
	snprintf(tmp, sizeof(tmp), "%s.%ld.%08x.tmp", path, (long)getpid(), rnd);
	randombytes_buf(seed, sizeof(seed));
	sodium_bin2base64(text, sizeof(text), seed, sizeof(seed), sodium_base64_VARIANT_ORIGINAL);
	text[SIGNING_PK_B64_LEN] = '\n';
	text[SIGNING_PK_B64_LEN + 1] = '\0';
	if (write_new(tmp, 0600, text, SIGNING_PK_B64_LEN + 1) < 0) {
		snprintf(err, errcap, "cannot write the signing key file %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (link(tmp, path) != 0) {
		int saved = errno;
		unlink(tmp);
		if (saved == EEXIST) {
			rc = load_file(path, out, err, errcap);
			goto out;
		}
		snprintf(err, errcap, "cannot make the signing key file %s: %s", path, strerror(saved));
		goto out;
	}
	unlink(tmp);
	if ((dfd = open(cfg->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	signing_key_from_seed(seed, out);

	/* the public half, for auditors; the key file stays the truth */
	snprintf(pub, sizeof(pub), "%s/signing.pub", cfg->data_dir);
	snprintf(tmp, sizeof(tmp), "%s.%ld.%08x.tmp", pub, (long)getpid(), rnd);
	snprintf(pubtext, sizeof(pubtext), "%s\n", signing_public_b64(out->pk, pk64));
	if (write_new(tmp, 0644, pubtext, SIGNING_PK_B64_LEN + 1) < 0 || rename(tmp, pub) != 0) {
		unlink(tmp);
		log_kv(LOG_WARN, "cannot write the signing public key file", "path", pub, NULL);
	}
	log_kv(LOG_WARN,
	       "generated an erasure-certificate signing key in the data folder; production supplies its own via OFFBOARD_SIGNING_KEY_FILE",
	       "path", path, "public_key", pk64, NULL);
	rc = 2;
out:
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(text, sizeof(text));
	return rc;
}

int signing_key_load(const struct config *cfg, int create, struct signing_key *out, char *err,
		     size_t errcap)
{
	char path[1200];
	int def = signing_key_path(cfg, path, sizeof(path));
	int rc;

	memset(out, 0, sizeof(*out));
	if (def < 0) {
		snprintf(err, errcap, "the signing key file's path is too long");
		return -1;
	}
	rc = load_file(path, out, err, errcap);
	if (rc < 0 && errno == ENOENT) {
		if (!def) {
			snprintf(err, errcap, "the signing key file %s (--signing-key-file) does not exist", path);
			return -1;
		}
		if (!create) {
			snprintf(err, errcap,
				 "no signing key: %s does not exist (set --signing-key-file or OFFBOARD_SIGNING_KEY_FILE)",
				 path);
			return -1;
		}
		rc = generate(cfg, path, out, err, errcap);
	}
	if (rc < 0)
		signing_key_wipe(out);
	return rc;
}

int signing_public_parse(const char *text, unsigned char pk[SIGNING_PK_LEN], char *err, size_t errcap)
{
	char buf[KEY_TEXT_MAX];
	long n;

	if (text == NULL || text[0] == '\0') {
		snprintf(err, errcap, "the public key is empty");
		return -1;
	}
	if (decode32(text, strlen(text), pk) == 0)
		return 0;
	if ((n = read_small(text, 0, "public key file", buf, err, errcap)) < 0) {
		if (errno == ENOENT)
			snprintf(err, errcap,
				 "the public key '%s' is neither base64 of 32 bytes nor a readable file", text);
		return -1;
	}
	if (decode32(buf, (size_t)n, pk) < 0) {
		snprintf(err, errcap, "the public key file %s does not hold base64 of 32 bytes", text);
		return -1;
	}
	return 0;
}
