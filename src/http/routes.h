/* routes.h: the route table of the server and the dispatcher that runs a
 * request through it: match, body, authentication, CSRF, idempotency,
 * handler, response, log line and metrics. */
#ifndef OB_ROUTES_H
#define OB_ROUTES_H

#include "http/request.h"

enum route_auth {
	ROUTE_PUBLIC,
	ROUTE_SELLER,    /* a seller session with scope seller */
	ROUTE_READER,    /* a seller session of any scope, history included */
	ROUTE_OPS,       /* an operator key */
};

#define ROUTE_IDEMPOTENT 0x1u   /* honours Idempotency-Key */

typedef enum ob_rc (*route_fn)(struct req *r, struct ob_err *err);

struct route {
	const char *method;     /* "GET", "POST", ... */
	const char *pattern;    /* "/api/v1/ops/orders/{id}" */
	route_fn fn;
	enum route_auth auth;
	unsigned flags;
};

/* The table and its length, for the OpenAPI check and metrics. */
extern const struct route routes[];
extern const size_t routes_count;

/* Matches method and path: the route, with its {params} into params
 * (borrowed from path via arena copies). *method_allowed is 0 when the
 * path exists under other methods only. NULL when nothing matches. */
const struct route *routes_match(struct arena *a, const char *method, const char *path,
				 const char **params, int *path_exists);

/* evhttp's callback for every request; arg is the struct worker. */
void routes_dispatch(struct evhttp_request *ev, void *arg);

#endif
