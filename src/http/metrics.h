/* metrics.h: Prometheus counters of the HTTP server, shared by all event
 * loops (atomic, no locks on the request path). */
#ifndef OB_METRICS_H
#define OB_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_MAX_ROUTES 128

/* Names the routes (borrowed for the program's life); route index n is
 * "unmatched". Call once before serving. */
void metrics_init(const char *const *route_names, size_t n);

/* Counts one request of route (index, or n for unmatched) answered with
 * status after elapsed_ns. */
void metrics_request(size_t route, int status, uint64_t elapsed_ns);

/* Counts one database failure. */
void metrics_db_error(void);

/* Renders every metric in the Prometheus text format. Returns a malloc'ed
 * string the caller frees, or NULL when out of memory. */
char *metrics_render(void);

#endif
