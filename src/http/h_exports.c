/* h_exports.c: Account Information -> Download your data: start an export,
 * follow its progress, download the ZIP, delete it. Readable and startable
 * by history sessions too (a closed account keeps its data until erasure);
 * every id is checked against the signed-in seller, and another seller's
 * export is answered exactly as a missing one. */
#include "http/handlers.h"

#include "domain/export.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <unistd.h>

static json_t *view_export(const struct export *e)
{
	char href[128];
	json_t *v;

	snprintf(href, sizeof(href), "/api/v1/account/exports/%s/download", e->id);
	v = json_pack("{s:s, s:s, s:I, s:I, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", e->id,
		      "status", export_status_names[e->status], "done", (json_int_t)e->done,
		      "total", (json_int_t)e->total, "percent", export_percent(e), "attempts", e->attempts,
		      "size_bytes", e->status == EXPORT_READY ? json_integer(e->size_bytes) : json_null(),
		      "error", e->status == EXPORT_FAILED && e->error[0] ? json_string(e->error) : json_null(),
		      "created_at", req_time(e->created_at), "started_at", req_time(e->started_at),
		      "completed_at", req_time(e->completed_at), "expires_at", req_time(e->expires_at),
		      "deleted_at", req_time(e->deleted_at));
	if (v)
		json_object_set_new(v, "download", e->status == EXPORT_READY
				    ? json_pack("{s:s, s:s}", "method", "GET", "href", href) : json_null());
	return v;
}

enum ob_rc h_export_create(struct req *r, struct ob_err *err)
{
	struct export e;
	char location[96];
	int created = 0;
	enum ob_rc rc = export_request(r->st, r->session.seller_id, &e, &created, err);

	if (rc != OB_OK)
		return rc;
	snprintf(location, sizeof(location), "/api/v1/account/exports/%s", e.id);
	req_add_header(r, "Location", location);
	return req_json(r, created ? 201 : 200, view_export(&e), err);
}

enum ob_rc h_export_get(struct req *r, struct ob_err *err)
{
	struct export e;
	enum ob_rc rc = export_get(r->st, r->session.seller_id, r->params[0], &e, err);

	return rc != OB_OK ? rc : req_json(r, 200, view_export(&e), err);
}

enum ob_rc h_export_delete(struct req *r, struct ob_err *err)
{
	struct export e;
	enum ob_rc rc = export_delete(r->st, r->session.seller_id, r->params[0], &e, err);

	return rc != OB_OK ? rc : req_json(r, 200, view_export(&e), err);
}

enum ob_rc h_export_download(struct req *r, struct ob_err *err)
{
	struct export e;
	char disposition[96];
	int64_t size = 0;
	int fd = -1;
	enum ob_rc rc = export_open(r->st, r->session.seller_id, r->params[0], &fd, &size, &e, err);

	if (rc != OB_OK)
		return rc;
	/* the file goes out by sendfile(2) from its descriptor, which the
	 * buffer owns (and closes) from here on: no copy in memory */
	if ((r->file = evbuffer_new()) == NULL) {
		close(fd);
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	}
	if (evbuffer_add_file(r->file, fd, 0, (ev_off_t)size) != 0)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "cannot send the file");
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"offboard-export-%s.zip\"", e.id);
	req_add_header(r, "Content-Disposition", disposition);
	r->content_type = "application/zip";
	r->status = 200;
	return OB_OK;
}
