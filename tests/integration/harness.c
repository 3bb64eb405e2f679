#include "harness.h"
#include "../testpg.h"

#include "core/keyring.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <sodium.h>
#include <unistd.h>

static const char *bin(void)
{
	const char *b = getenv("OFFBOARD_BIN");

	if (b == NULL) {
		fprintf(stderr, "harness: OFFBOARD_BIN is not set\n");
		abort();
	}
	return b;
}

static void make_ops_key(struct server *s)
{
	char cmd[1024];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' ops-key create --name tests --db '%s' 2>>'%s/server.log'",
		 bin(), s->db, s->dir);
	p = popen(cmd, "r");
	if (p == NULL || fgets(s->ops_key, sizeof(s->ops_key), p) == NULL)
		abort();
	s->ops_key[strcspn(s->ops_key, "\n")] = '\0';
	if (pclose(p) != 0)
		abort();
}

void harness_master_key(void)
{
	unsigned char key[KEYRING_KEY_LEN];
	char text[KEYRING_B64_LEN + 1];
	const char *env = getenv("OFFBOARD_MASTER_KEY");
	char err[256];

	if (env == NULL) {
		if (sodium_init() < 0)
			abort();
		randombytes_buf(key, sizeof(key));
		sodium_bin2base64(text, sizeof(text), key, sizeof(key), sodium_base64_VARIANT_ORIGINAL);
		setenv("OFFBOARD_MASTER_KEY", text, 1);
		env = text;
	}
	if (!keyring_ready() &&
	    keyring_load(&(struct keyring_source){ .env_value = env, .data_dir = "." }, err, sizeof(err)) != 1) {
		fprintf(stderr, "harness: %s\n", err);
		abort();
	}
}

void server_start(struct server *s, const char *const *extra)
{
	server_start_on(s, NULL, extra);
}

void server_start_on(struct server *s, const char *db, const char *const *extra)
{
	int out[2];
	char line[256], log[128];
	const char *argv[32];
	int n = 0;
	FILE *f;

	harness_master_key();
	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/offboard-it-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		abort();
	if (db)
		snprintf(s->db, sizeof(s->db), "%s", db);
	else if (testpg_on())
		testpg_new_db(s->db, sizeof(s->db));
	else
		snprintf(s->db, sizeof(s->db), "sqlite:%s/offboard.db", s->dir);
	snprintf(log, sizeof(log), "%s/server.log", s->dir);
	make_ops_key(s);

	argv[n++] = bin();
	argv[n++] = "serve";
	argv[n++] = "--db";
	argv[n++] = s->db;
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = "--threads";
	argv[n++] = "2";
	for (; extra && *extra && n < 30; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;

	if (pipe(out) < 0)
		abort();
	s->pid = fork();
	if (s->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(out[1], 1);
		if (fd >= 0)
			dup2(fd, 2);
		close(out[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	f = fdopen(out[0], "r");
	if (f == NULL || fgets(line, sizeof(line), f) == NULL ||
	    sscanf(line, "listening on %63s", s->base) != 1) {
		fprintf(stderr, "harness: the server did not start; see %s\n", log);
		abort();
	}
	fclose(f);
}

int server_stop(struct server *s)
{
	int status = 0;
	char cmd[1024];

	kill(s->pid, SIGTERM);
	waitpid(s->pid, &status, 0);
	/* whatever the tests did, the database's invariants hold */
	snprintf(cmd, sizeof(cmd), "'%s' check --db '%s' >&2", bin(), s->db);
	if (system(cmd) != 0) {
		fprintf(stderr, "harness: offboard check found violations in %s\n", s->db);
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(cmd, sizeof(cmd), "tail -n 40 '%s/server.log' >&2", s->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "harness: no server log\n");
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "harness: cannot remove %s\n", s->dir);
	return 0;
}

struct sink {
	char *p;
	size_t len;
};

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	char *grown = realloc(s->p, s->len + size * n + 1);

	if (grown == NULL)
		return 0;
	memcpy(grown + s->len, data, size * n);
	s->len += size * n;
	grown[s->len] = '\0';
	s->p = grown;
	return size * n;
}

void http(const struct server *s, const char *method, const char *path,
	  const char *const *headers, const char *body, size_t body_len, struct response *r)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct sink b = { calloc(1, 1), 0 }, hd = { calloc(1, 1), 0 };
	char url[4096];

	memset(r, 0, sizeof(*r));
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &hd);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	h = curl_slist_append(h, "Expect:");
	for (; headers && *headers; headers++)
		h = curl_slist_append(h, *headers);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	if (curl_easy_perform(c) != CURLE_OK) {
		fprintf(stderr, "harness: %s %s failed\n", method, path);
		abort();
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = b.p;
	r->len = b.len;
	r->headers = hd.p;
	r->json = json_loadb(b.p, b.len, 0, NULL);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

void http_json(const struct server *s, const char *method, const char *path,
	       const char *const *headers, const char *json, struct response *r)
{
	const char *all[16];
	int n = 0;

	all[n++] = "Content-Type: application/json";
	for (; headers && *headers && n < 15; headers++)
		all[n++] = *headers;
	all[n] = NULL;
	http(s, method, path, all, json, json ? strlen(json) : 0, r);
}

void response_free(struct response *r)
{
	free(r->body);
	free(r->headers);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

const char *response_header(const struct response *r, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);

	for (const char *p = r->headers; p && *p;) {
		const char *end = strstr(p, "\r\n");
		if (end == NULL)
			break;
		if ((size_t)(end - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			snprintf(out, cap, "%.*s", (int)(end - v), v);
			return out;
		}
		p = end + 2;
	}
	return NULL;
}

const char *error_code(const struct response *r)
{
	json_t *code = json_object_get(json_object_get(r->json, "error"), "code");

	return json_is_string(code) ? json_string_value(code) : "";
}

void ops_post(const struct server *s, const char *path, const char *json, struct response *r)
{
	char auth[160];
	const char *h[] = { auth, NULL };

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", s->ops_key);
	http_json(s, "POST", path, h, json, r);
}

long seller_sign_in(const struct server *s, const char *email, const char *password,
		    const char *totp, struct seller_login *login)
{
	struct response r;
	json_t *body = json_pack("{s:s, s:s}", "email", email, "password", password);
	char *text, cookie[160];
	long status;

	if (totp)
		json_object_set_new(body, "totp", json_string(totp));
	text = json_dumps(body, 0);
	http_json(s, "POST", "/api/v1/session", NULL, text, &r);
	status = r.status;
	if (status == 201 && response_header(&r, "Set-Cookie", cookie, sizeof(cookie))) {
		snprintf(login->cookie, sizeof(login->cookie), "Cookie: %.*s",
			 (int)strcspn(cookie, ";"), cookie);
		snprintf(login->csrf, sizeof(login->csrf), "X-CSRF-Token: %s",
			 json_string_value(json_object_get(r.json, "csrf_token")));
		snprintf(login->seller_id, sizeof(login->seller_id), "%s",
			 json_string_value(json_object_get(r.json, "seller_id")));
	}
	response_free(&r);
	free(text);
	json_decref(body);
	return status;
}
