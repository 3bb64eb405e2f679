/* request.h: what a handler sees of one HTTP request, and how it answers.
 *
 * A handler fills r->status and r->resp (or r->text) and returns OB_OK, or
 * returns a failure with err filled; the router turns either into the
 * response, so every error has the contract's shape
 * {"error": {"code", "message", "field"}}. Memory of a request comes from
 * r->arena and is freed when the response is sent. */
#ifndef OB_REQUEST_H
#define OB_REQUEST_H

#include "core/arena.h"
#include "core/config.h"
#include "domain/auth.h"
#include "http/json_edge.h"
#include "store/store.h"

#include <event2/http.h>
#include <jansson.h>

#define ROUTE_MAX_PARAMS 4

/* One event loop's own things: its database connection and settings. */
struct worker {
	int index;
	const struct config *cfg;
	struct auth_policy auth;
	struct store *store;
	struct event_base *base;
	struct evhttp *http;
};

struct route;

struct req {
	struct evhttp_request *ev;
	struct worker *w;
	struct store *st;              /* the worker's connection */
	struct arena arena;
	const struct route *route;
	const char *path;              /* decoded, without the query */
	const char *query;             /* raw query string or NULL */
	const char *params[ROUTE_MAX_PARAMS];  /* {name} segments of the path */
	char request_id[40];
	char client_addr[64];
	json_t *body;                  /* the decoded body (an object) */

	struct session session;        /* when signed in as a seller */
	const char *session_token;     /* borrowed from the Cookie header */
	struct ops_key ops;            /* when an operator key was sent */

	json_t *error_extra;           /* owned: more fields for an error answer */
	int status;                    /* the handler's answer */
	json_t *resp;                  /* owned: JSON answer */
	char *text;                    /* malloc'ed: other answers (with content_type) */
	const char *content_type;
	struct evbuffer *file;         /* owned: a body made elsewhere (a file, by
					* evbuffer_add_file), sent with content_type */
};

/* Decodes r->body by fields into out; see json_edge.h. */
enum ob_rc req_decode(struct req *r, const struct json_field *fields, size_t n, void *out,
		      struct ob_err *err);

/* Answers status with obj (taken). Returns OB_OK, or OB_ENOMEM when obj is NULL. */
enum ob_rc req_json(struct req *r, int status, json_t *obj, struct ob_err *err);

/* Answers status with JSON text (taken; written by json_out.h). Returns
 * OB_OK, or OB_ENOMEM when text is NULL. */
enum ob_rc req_json_text(struct req *r, int status, char *text, struct ob_err *err);

/* A request header, or NULL. */
const char *req_header(struct req *r, const char *name);

/* Adds a response header. */
void req_add_header(struct req *r, const char *name, const char *value);

/* The value of cookie name, in the arena, or NULL. */
const char *req_cookie(struct req *r, const char *name);

/* RFC 3339 text of t in the arena ("null" JSON when t is 0 is left to callers). */
json_t *req_time(int64_t t);

/* Maps a result to its HTTP status. */
int req_status_of(enum ob_rc rc);

/* Builds the contract's error body for err. Returns a new reference. */
json_t *req_error_body(const struct ob_err *err);

#endif
