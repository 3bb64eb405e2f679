/* The pages of the web folder over real HTTP (src/http/h_static.c): each
 * type with its Content-Type and the strict headers, "/" and folders to
 * index.html, /close/confirm to close/confirm.html, HEAD, bytes intact;
 * traversal (raw and %-encoded), dotfiles, links out of the folder and
 * unknown types refused with the API's JSON 404; /api/ paths keep theirs.
 * The server gets a web folder made here (--web-dir); one more server,
 * without the setting, finds the repository's web/ beside the program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static struct server srv;
static char top[64];        /* the test's folder: web/ and a file beside it */
static char web[128];

static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0, 'I', 'E', 'N', 'D' };

static void put(const char *rel, const void *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void put_text(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static void make_web_folder(void)
{
	char path[256];

	snprintf(top, sizeof(top), "/tmp/offboard-web-XXXXXX");
	assert_non_null(mkdtemp(top));
	snprintf(web, sizeof(web), "%s/web", top);
	assert_int_equal(mkdir(web, 0755), 0);
	snprintf(path, sizeof(path), "%s/close", web);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/ops", web);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/.git", web);
	assert_int_equal(mkdir(path, 0755), 0);
	put_text("web/index.html", "<!doctype html><title>home</title>");
	put_text("web/close/confirm.html", "<!doctype html><title>confirm</title>");
	put_text("web/ops/index.html", "<!doctype html><title>ops</title>");
	put_text("web/app.css", "body { color: black; }");
	put_text("web/app.js", "export const x = 1;");
	put_text("web/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
	put("web/logo.png", png, sizeof(png));
	put("web/favicon.ico", png, sizeof(png));
	put_text("web/data.json", "{\"a\":1}");
	put_text("web/notes.c", "int main(void) { return 0; }");
	put_text("web/.env", "SECRET=1");
	put_text("web/.git/config", "[core]");
	put_text("secret.txt", "outside the web folder");
	put_text("meson.build", "project('outside')");
	snprintf(path, sizeof(path), "%s/out.txt", web);
	assert_int_equal(symlink("../secret.txt", path), 0);
	snprintf(path, sizeof(path), "%s/passwd.txt", web);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/alias.css", web);
	assert_int_equal(symlink("app.css", path), 0);
}

static int group_setup(void **state)
{
	const char *extra[] = { "--web-dir", web, NULL };

	(void)state;
	make_web_folder();
	server_start(&srv, extra);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", top);
	return server_stop(&srv);
}

/* Sends request_line as it is (no client-side clean-up of "..", unlike
 * libcurl) and returns the status; the whole answer into out. */
static int raw(const struct server *s, const char *request_line, char *out, size_t cap)
{
	struct sockaddr_in a;
	char req[512];
	size_t got = 0;
	ssize_t n;
	int fd, port = atoi(strrchr(s->base, ':') + 1), status = 0;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	snprintf(req, sizeof(req), "%s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", request_line);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while (got + 1 < cap && (n = read(fd, out + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fd);
	assert_int_equal(sscanf(out, "HTTP/1.1 %d", &status), 1);
	return status;
}

static void assert_page(const char *path, const char *type, const void *body, size_t len)
{
	struct response r;
	char v[256];

	http(&srv, "GET", path, NULL, NULL, 0, &r);
	if (r.status != 200)
		fprintf(stderr, "GET %s: %ld %s\n", path, r.status, r.body);
	assert_int_equal(r.status, 200);
	assert_non_null(response_header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, type);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.body, body, len);
	assert_non_null(response_header(&r, "Content-Security-Policy", v, sizeof(v)));
	assert_string_equal(v, "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
	assert_non_null(response_header(&r, "X-Content-Type-Options", v, sizeof(v)));
	assert_string_equal(v, "nosniff");
	assert_non_null(response_header(&r, "X-Frame-Options", v, sizeof(v)));
	assert_string_equal(v, "DENY");
	response_free(&r);
}

static void assert_missing(const char *path)
{
	struct response r;
	char v[64];

	http(&srv, "GET", path, NULL, NULL, 0, &r);
	if (r.status != 404)
		fprintf(stderr, "GET %s: %ld %s\n", path, r.status, r.body);
	assert_int_equal(r.status, 404);
	assert_string_equal(error_code(&r), "not_found");
	assert_non_null(response_header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/json");
	response_free(&r);
}

static void types_and_paths(void **state)
{
	(void)state;
	assert_page("/", "text/html; charset=utf-8", "<!doctype html><title>home</title>", 34);
	assert_page("/index.html", "text/html; charset=utf-8", "<!doctype html><title>home</title>", 34);
	assert_page("/close/confirm", "text/html; charset=utf-8", "<!doctype html><title>confirm</title>", 37);
	assert_page("/close/confirm.html", "text/html; charset=utf-8", "<!doctype html><title>confirm</title>", 37);
	assert_page("/ops/", "text/html; charset=utf-8", "<!doctype html><title>ops</title>", 33);
	assert_page("/ops", "text/html; charset=utf-8", "<!doctype html><title>ops</title>", 33);
	assert_page("/app.css", "text/css; charset=utf-8", "body { color: black; }", 22);
	assert_page("/alias.css", "text/css; charset=utf-8", "body { color: black; }", 22);
	assert_page("/app.js", "text/javascript; charset=utf-8", "export const x = 1;", 19);
	assert_page("/logo.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 41);
	assert_page("/logo.png", "image/png", png, sizeof(png));          /* NUL bytes intact */
	assert_page("/favicon.ico", "image/x-icon", png, sizeof(png));
	assert_page("/data.json", "application/json", "{\"a\":1}", 7);
	assert_page("/app.css?v=2", "text/css; charset=utf-8", "body { color: black; }", 22);
	assert_page("/%61pp.css", "text/css; charset=utf-8", "body { color: black; }", 22);
}

static void head_sends_headers_only(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(raw(&srv, "HEAD /app.css", out, sizeof(out)), 200);
	assert_non_null(strstr(out, "Content-Length: 22\r\n"));
	assert_non_null(strstr(out, "Content-Type: text/css; charset=utf-8\r\n"));
	assert_null(strstr(out, "color"));
}

static void missing_and_refused(void **state)
{
	char out[8192];
	static const char *const refused[] = {
		"GET /../meson.build", "GET /../secret.txt", "GET /%2e%2e/meson.build",
		"GET /%2E%2E/secret.txt", "GET /ops/../../secret.txt", "GET /..%2fsecret.txt",
		"GET /%2e%2e%2fsecret.txt", "GET /ops/%2e%2e/%2e%2e/secret.txt",
		"GET /./index.html", "GET //etc/passwd", "GET /..\\secret.txt", "GET /%5c..%5csecret.txt",
		"GET /.env", "GET /.git/config", "GET /%2eenv", "GET /index.html%00.png",
		"GET /out.txt", "GET /passwd.txt", "GET /notes.c", "GET /nothing-here.html",
		"GET /nothing-here", "GET /close/", "GET /%zz", "HEAD /../secret.txt",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int status = raw(&srv, refused[i], out, sizeof(out));
		if (status != 404 || strstr(out, "outside") || strstr(out, "root:"))
			fprintf(stderr, "%s: %d\n%s\n", refused[i], status, out);
		assert_int_equal(status, 404);
		assert_null(strstr(out, "outside the web folder"));
		assert_null(strstr(out, "project('outside')"));
		assert_null(strstr(out, "root:"));
		assert_null(strstr(out, "SECRET"));
	}
	assert_missing("/nothing-here");
	assert_missing("/.env");
	assert_missing("/notes.c");
}

static void api_paths_keep_their_answers(void **state)
{
	struct response r;

	(void)state;
	/* an unknown API path is the API's 404, never a page */
	http(&srv, "GET", "/api/v1/nothing-here", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(error_code(&r), "not_found");
	response_free(&r);
	http(&srv, "GET", "/api/index.html", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 404);
	response_free(&r);
	/* pages are read-only */
	http_json(&srv, "POST", "/index.html", NULL, "{}", &r);
	assert_int_equal(r.status, 404);
	response_free(&r);
	/* the service endpoints are unchanged */
	http(&srv, "GET", "/healthz", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(r.json);
	response_free(&r);
	http(&srv, "GET", "/api/v1/account", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 401);
	response_free(&r);
}

/* Without --web-dir the program finds the repository's web/ from its own
 * place (build/offboard next to web/), whatever the working directory. */
static void default_web_folder(void **state)
{
	struct server s2;
	struct response r;
	char v[64];

	(void)state;
	server_start(&s2, NULL);
	http(&s2, "GET", "/", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(response_header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "Seller Center"));
	response_free(&r);
	http(&s2, "GET", "/close/confirm", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	http(&s2, "GET", "/ops/", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	assert_int_equal(server_stop(&s2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types_and_paths),
		cmocka_unit_test(head_sends_headers_only),
		cmocka_unit_test(missing_and_refused),
		cmocka_unit_test(api_paths_keep_their_answers),
		cmocka_unit_test(default_web_folder),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
