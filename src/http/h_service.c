/* h_service.c: health and metrics, for load balancers and Prometheus. */
#include "http/handlers.h"

#include "http/metrics.h"

enum ob_rc h_healthz(struct req *r, struct ob_err *err)
{
	enum ob_rc rc = store_ping(r->st, err);

	if (rc != OB_OK)
		return ob_fail(err, OB_EBUSY, "database_unavailable", NULL, "the database does not answer");
	return req_json(r, 200, json_pack("{s:s}", "status", "ok"), err);
}

enum ob_rc h_metrics(struct req *r, struct ob_err *err)
{
	r->text = metrics_render();
	if (r->text == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	r->content_type = "text/plain; version=0.0.4";
	r->status = 200;
	return OB_OK;
}
