#include "http/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int statuses[] = { 200, 201, 202, 204, 304, 400, 401, 403, 404, 405, 409,
				410, 413, 415, 422, 429, 500, 503 };
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

/* Upper bounds of the latency buckets, in seconds and in nanoseconds. */
static const char *const bucket_names[] = { "0.001", "0.0025", "0.005", "0.01", "0.025",
					    "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5" };
static const uint64_t bucket_ns[] = { 1000000, 2500000, 5000000, 10000000, 25000000,
				      50000000, 100000000, 250000000, 500000000,
				      1000000000, 2500000000u, 5000000000u };
#define NBUCKET (sizeof(bucket_ns) / sizeof(bucket_ns[0]))

struct route_metrics {
	atomic_uint_fast64_t by_status[NSTATUS + 1];   /* last: any other status */
	atomic_uint_fast64_t buckets[NBUCKET + 1];     /* last: +Inf */
	atomic_uint_fast64_t sum_ns;
};

static const char *const *names;
static size_t nroutes;
static struct route_metrics routes[METRICS_MAX_ROUTES + 1];
static atomic_uint_fast64_t db_errors;

void metrics_init(const char *const *route_names, size_t n)
{
	names = route_names;
	nroutes = n < METRICS_MAX_ROUTES ? n : METRICS_MAX_ROUTES;
}

void metrics_request(size_t route, int status, uint64_t elapsed_ns)
{
	struct route_metrics *m = &routes[route < nroutes ? route : nroutes];
	size_t s = 0, b = 0;

	while (s < NSTATUS && statuses[s] != status)
		s++;
	while (b < NBUCKET && elapsed_ns > bucket_ns[b])
		b++;
	atomic_fetch_add_explicit(&m->by_status[s], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_ns, elapsed_ns, memory_order_relaxed);
}

void metrics_db_error(void)
{
	atomic_fetch_add_explicit(&db_errors, 1, memory_order_relaxed);
}

/* A growing string for the rendering; fails closed (NULL) on exhaustion. */
struct out {
	char *p;
	size_t len, cap;
	int failed;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->failed = 1;
			return;
		}
		if ((size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		char *grown = realloc(o->p, o->cap * 2 + (size_t)n);
		if (grown == NULL) {
			o->failed = 1;
			return;
		}
		o->p = grown;
		o->cap = o->cap * 2 + (size_t)n;
	}
}

char *metrics_render(void)
{
	struct out o = { malloc(16384), 0, 16384, 0 };

	if (o.p == NULL)
		return NULL;
	o.p[0] = '\0';
	put(&o, "# HELP offboard_http_requests_total HTTP requests by route and status.\n"
		"# TYPE offboard_http_requests_total counter\n");
	for (size_t r = 0; r <= nroutes; r++) {
		const char *route = r < nroutes ? names[r] : "unmatched";
		for (size_t s = 0; s <= NSTATUS; s++) {
			uint64_t v = atomic_load_explicit(&routes[r].by_status[s], memory_order_relaxed);
			if (v == 0)
				continue;
			if (s < NSTATUS)
				put(&o, "offboard_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
				    route, statuses[s], (unsigned long long)v);
			else
				put(&o, "offboard_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
				    route, (unsigned long long)v);
		}
	}
	put(&o, "# HELP offboard_http_request_duration_seconds Time to answer, by route.\n"
		"# TYPE offboard_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r <= nroutes; r++) {
		const char *route = r < nroutes ? names[r] : "unmatched";
		uint64_t cumulative = 0;
		for (size_t b = 0; b <= NBUCKET; b++)
			cumulative += atomic_load_explicit(&routes[r].buckets[b], memory_order_relaxed);
		if (cumulative == 0)
			continue;
		cumulative = 0;
		for (size_t b = 0; b <= NBUCKET; b++) {
			cumulative += atomic_load_explicit(&routes[r].buckets[b], memory_order_relaxed);
			put(&o, "offboard_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %llu\n",
			    route, b < NBUCKET ? bucket_names[b] : "+Inf", (unsigned long long)cumulative);
		}
		put(&o, "offboard_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route,
		    (double)atomic_load_explicit(&routes[r].sum_ns, memory_order_relaxed) / 1e9);
		put(&o, "offboard_http_request_duration_seconds_count{route=\"%s\"} %llu\n", route,
		    (unsigned long long)cumulative);
	}
	put(&o, "# HELP offboard_db_errors_total Database failures.\n"
		"# TYPE offboard_db_errors_total counter\n"
		"offboard_db_errors_total %llu\n",
	    (unsigned long long)atomic_load_explicit(&db_errors, memory_order_relaxed));
	if (o.failed) {
		free(o.p);
		return NULL;
	}
	return o.p;
}
