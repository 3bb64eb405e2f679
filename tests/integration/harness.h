/* harness.h: runs the real `offboard serve` on a free loopback port against
 * a fresh database, and speaks HTTP to it through libcurl. The database is
 * an SQLite file, or in meson's suite 'pg' a new database on the
 * PostgreSQL server of OFFBOARD_TEST_PG (tests/testpg.h). */
#ifndef OB_HARNESS_H
#define OB_HARNESS_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

struct server {
	pid_t pid;
	char dir[64];        /* temporary folder of the database */
	char db[512];        /* sqlite:DIR/offboard.db or postgres://... */
	char base[64];       /* http://127.0.0.1:PORT */
	char ops_key[128];
};

struct response {
	long status;
	char *body;          /* malloc'ed, NUL-terminated */
	size_t len;
	char *headers;       /* malloc'ed raw header block */
	json_t *json;        /* parsed body when JSON, else NULL */
};

/* Gives every process of the test program one master key: unless
 * OFFBOARD_MASTER_KEY is set already, a random one is put there (servers and
 * commands the test starts inherit it) and loaded into this process, for
 * a test that opens the database itself. server_start calls it. */
void harness_master_key(void);

/* Starts a server with extra flags (NULL-terminated list, may be NULL),
 * after making an operator key. Aborts the test program on failure. */
void server_start(struct server *s, const char *const *extra);

/* The same on database db of a running server (another process on the same
 * data: several `offboard serve` behind one load balancer), with a folder
 * and an operator key of its own. */
void server_start_on(struct server *s, const char *db, const char *const *extra);

/* Stops it with SIGTERM, runs `offboard check` on its database, and
 * returns 0 when it shut down cleanly (under the sanitizers, also without
 * leaks) and the check found no violation. */
int server_stop(struct server *s);

/* One request. headers is a NULL-terminated list of "Name: value" (may be
 * NULL); body may be NULL. The response is owned by the caller
 * (response_free). */
void http(const struct server *s, const char *method, const char *path,
	  const char *const *headers, const char *body, size_t body_len, struct response *r);

/* http() with JSON body text and Content-Type: application/json. */
void http_json(const struct server *s, const char *method, const char *path,
	       const char *const *headers, const char *json, struct response *r);

void response_free(struct response *r);

/* The value of a response header (case-insensitive name) copied into out,
 * or NULL. */
const char *response_header(const struct response *r, const char *name, char *out, size_t cap);

/* The error code of an error response, or "". */
const char *error_code(const struct response *r);

/* Runs the operator API: POST body to path with the server's key. */
void ops_post(const struct server *s, const char *path, const char *json, struct response *r);

/* A seller's sign-in: cookie header line and CSRF header line. */
struct seller_login {
	char cookie[128];    /* "Cookie: ob_session=..." */
	char csrf[128];      /* "X-CSRF-Token: ..." */
	char seller_id[40];
};

/* Signs in; returns the HTTP status, fills login on 201. */
long seller_sign_in(const struct server *s, const char *email, const char *password,
		    const char *totp, struct seller_login *login);

#endif
