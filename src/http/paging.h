/* paging.h: list endpoints: ?limit, ?cursor, ?status, ?from, ?to, and the
 * answer {"items": [...], "next_cursor": "..." or null}.
 *
 * The cursor is opaque to clients: base64url of the last row's time and id,
 * so the next page starts strictly after it (keyset pagination: stable and
 * as fast on the thousandth page as on the first). */
#ifndef OB_PAGING_H
#define OB_PAGING_H

#include "http/request.h"

#define PAGE_LIMIT_DEFAULT 50
#define PAGE_LIMIT_MAX 500

/* Reads the query of r into q for the signed-in seller: status names one of
 * status_names (NULL: no status filter allowed). q->limit is one more than
 * asked, to learn whether another page follows. OB_EINVAL
 * "invalid_parameter" or "unknown_parameter" naming the parameter. */
enum ob_rc page_parse(struct req *r, const char *const *status_names, struct page_query *q,
		      struct ob_err *err);

/* Answers 200 with items (taken); when more rows followed, next_cursor
 * points after (last_time, last_id). */
enum ob_rc page_answer(struct req *r, json_t *items, int more, int64_t last_time,
		       const char *last_id, struct ob_err *err);

#endif
