#include "http/paging.h"

#include "core/clock.h"

#include <errno.h>
#include <sys/queue.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum ob_rc bad(struct ob_err *err, const char *name, const char *why)
{
	return ob_fail(err, OB_EINVAL, "invalid_parameter", name, "%s: %s", name, why);
}

static enum ob_rc parse_cursor(struct req *r, const char *text, struct page_query *q, struct ob_err *err)
{
	unsigned char raw[64];
	size_t len = 0;
	char buf[65], *dot, *end;
	long long t;

	if (sodium_base642bin(raw, sizeof(raw) - 1, text, strlen(text), NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return bad(err, "cursor", "not a cursor from this API");
	memcpy(buf, raw, len);
	buf[len] = '\0';
	dot = strchr(buf, '.');
	if (dot == NULL)
		return bad(err, "cursor", "not a cursor from this API");
	*dot = '\0';
	errno = 0;
	t = strtoll(buf, &end, 10);
	if (errno || *end != '\0' || end == buf || !id_valid(dot + 1))
		return bad(err, "cursor", "not a cursor from this API");
	q->after_time = t;
	q->after_id = arena_strdup(&r->arena, dot + 1);
	return q->after_id ? OB_OK : ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
}

enum ob_rc page_parse(struct req *r, const char *const *status_names, struct page_query *q,
		      struct ob_err *err)
{
	struct evkeyvalq params;
	struct evkeyval *kv;
	enum ob_rc rc = OB_OK;

	memset(q, 0, sizeof(*q));
	q->seller_id = r->session.seller_id;
	q->status = -1;
	q->limit = PAGE_LIMIT_DEFAULT + 1;
	TAILQ_INIT(&params);
	if (r->query && evhttp_parse_query_str(r->query, &params) != 0)
		return bad(err, "query", "cannot be read");
	TAILQ_FOREACH(kv, &params, next) {
		const char *k = kv->key, *v = kv->value;
		if (strcmp(k, "limit") == 0) {
			char *end;
			long n;
			errno = 0;
			n = strtol(v, &end, 10);
			if (errno || *end || end == v || n < 1 || n > PAGE_LIMIT_MAX) {
				rc = bad(err, "limit", "a whole number from 1 to 500");
				break;
			}
			q->limit = (size_t)n + 1;
		} else if (strcmp(k, "cursor") == 0) {
			if ((rc = parse_cursor(r, v, q, err)) != OB_OK)
				break;
		} else if (strcmp(k, "status") == 0 && status_names) {
			if ((q->status = store_enum_parse(status_names, v)) < 0) {
				rc = bad(err, "status", "not a status of these records");
				break;
			}
		} else if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0) {
			int64_t t;
			if (clock_parse(v, &t) < 0) {
				rc = bad(err, k, "an RFC 3339 time such as 2026-01-31T00:00:00Z");
				break;
			}
			if (k[0] == 'f')
				q->from = t;
			else
				q->to = t;
		} else {
			rc = ob_fail(err, OB_EINVAL, "unknown_parameter", k, "unknown query parameter");
			break;
		}
	}
	evhttp_clear_headers(&params);
	return rc;
}

enum ob_rc page_answer(struct req *r, json_t *items, int more, int64_t last_time,
		       const char *last_id, struct ob_err *err)
{
	json_t *next = json_null();

	if (more) {
		char raw[64], b64[128];
		int n = snprintf(raw, sizeof(raw), "%lld.%s", (long long)last_time, last_id);
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)raw, (size_t)n,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		next = json_string(b64);
	}
	return req_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next), err);
}
