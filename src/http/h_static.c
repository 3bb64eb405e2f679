/* h_static.c: the Seller Center's own files (the web folder) under /, for
 * GET and HEAD.
 *
 * The route table matches the API's exact paths; a GET or HEAD it does not
 * match and that is not under /api/ comes here (the fallback in
 * routes_dispatch). A URL path names a file of the web folder: "/" and
 * folders their index.html, a path without an extension the .html file of
 * that name (/close/confirm is close/confirm.html).
 *
 * Refused like a missing file (404 not_found): a segment that starts with a
 * dot (".", "..", dotfiles), an empty segment, a backslash, a control byte
 * or a broken %-escape (all checked after %-decoding, so %2e%2e is ".."),
 * anything whose real path, symbolic links followed, lies outside the web
 * folder, and a type not in the table below.
 *
 * The file goes into evhttp's output buffer (evbuffer_add_file: sent with
 * sendfile, never copied into memory); the router then adds the common
 * headers (the strict Content-Security-Policy among them) and sends it. */
#include "http/handlers.h"

#include "core/log.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "ico", "image/x-icon" },
	{ "txt", "text/plain; charset=utf-8" },
};

/* The web folder's real path, found once per process (the settings do not
 * change while it runs). */
static pthread_mutex_t root_lock = PTHREAD_MUTEX_INITIALIZER;
static char root[PATH_MAX];
static int root_state;   /* 0: not looked for yet, 1: found, -1: none */

static int try_root(const char *candidate)
{
	struct stat st;
	char real[PATH_MAX];

	if (stat(candidate, &st) != 0 || !S_ISDIR(st.st_mode) || realpath(candidate, real) == NULL)
		return 0;
	snprintf(root, sizeof(root), "%s", real);
	return 1;
}

/* dir as given; when relative and not in the working directory, beside
 * the program (build/web) and in its parent folder (the repository's web/
 * for build/offboard). NULL when there is none. */
static const char *web_root(const char *dir)
{
	char exe[PATH_MAX], candidate[PATH_MAX * 2];
	ssize_t n;
	int found;

	pthread_mutex_lock(&root_lock);
	if (root_state == 0) {
		found = dir[0] != '\0' && try_root(dir);
		if (!found && dir[0] != '\0' && dir[0] != '/' &&
		    (n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
			char *slash;
			exe[n] = '\0';
			if ((slash = strrchr(exe, '/')) != NULL) {
				*slash = '\0';
				snprintf(candidate, sizeof(candidate), "%s/%s", exe, dir);
				found = try_root(candidate);
				if (!found) {
					snprintf(candidate, sizeof(candidate), "%s/../%s", exe, dir);
					found = try_root(candidate);
				}
			}
		}
		root_state = found ? 1 : -1;
		if (found)
			log_kv(LOG_INFO, "serving pages", "web_dir", root, NULL);
		else
			log_kv(LOG_WARN, "no web folder: the pages are not served", "web_dir", dir, NULL);
	}
	pthread_mutex_unlock(&root_lock);
	return root_state == 1 ? root : NULL;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the URL path (with its leading "/") into out as a path relative
 * to the web folder, checking every segment. Returns 0, or -1 when refused. */
static int relative_path(const char *path, char *out, size_t cap)
{
	size_t n = 0;
	const char *seg;

	if (path[0] != '/')
		return -1;
	for (const char *p = path + 1; *p; p++) {
		int c = (unsigned char)*p;
		if (c == '%') {
			int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			p += 2;
		}
		if (c < 0x20 || c == 0x7f || c == '\\' || n + 1 >= cap)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	for (seg = out;;) {
		const char *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
		if ((len == 0 && slash) || (len > 0 && seg[0] == '.'))
			return -1;
		if (slash == NULL)
			return 0;
		seg = slash + 1;
	}
}

static const char *type_of(const char *file)
{
	const char *base = strrchr(file, '/'), *dot;

	dot = strrchr(base ? base : file, '.');
	if (dot == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot + 1, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

int h_static_serves(const char *method, const char *path)
{
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return 0;
	return strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0;
}

enum ob_rc h_static(struct req *r, struct ob_err *err)
{
	const char *dir = web_root(r->w->cfg->web_dir), *type;
	char rel[1024], file[PATH_MAX + 32], real[PATH_MAX], length[32];
	size_t root_len;
	struct stat st;
	int fd;

	if (dir == NULL || relative_path(r->path, rel, sizeof(rel)) < 0)
		goto missing;
	snprintf(file, sizeof(file), "%s/%s", dir, rel);
	if (rel[0] == '\0' || rel[strlen(rel) - 1] == '/') {
		strncat(file, "index.html", sizeof(file) - strlen(file) - 1);
	} else if (stat(file, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			strncat(file, "/index.html", sizeof(file) - strlen(file) - 1);
	} else if (errno == ENOENT && strchr(strrchr(file, '/'), '.') == NULL) {
		strncat(file, ".html", sizeof(file) - strlen(file) - 1);
	}
	if (realpath(file, real) == NULL)
		goto missing;
	/* inside the web folder, and no dot segment reached through a link */
	root_len = strlen(dir);
	if (strncmp(real, dir, root_len) != 0 || real[root_len] != '/' || strstr(real + root_len, "/.") ||
	    (type = type_of(real)) == NULL)
		goto missing;
	if ((fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		goto missing;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		goto missing;
	}
	if (evhttp_request_get_command(r->ev) != EVHTTP_REQ_HEAD && st.st_size > 0) {
		/* takes fd; HEAD sends the headers only */
		if (evbuffer_add_file(evhttp_request_get_output_buffer(r->ev), fd, 0, st.st_size) != 0)
			return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	} else {
		close(fd);
	}
	snprintf(length, sizeof(length), "%lld", (long long)st.st_size);
	req_add_header(r, "Content-Type", type);
	req_add_header(r, "Content-Length", length);
	r->status = 200;
	return OB_OK;
missing:
	return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such page");
}
