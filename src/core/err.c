#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum ob_rc ob_fail(struct ob_err *err, enum ob_rc rc, const char *code,
		   const char *field, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return rc;
	err->rc = rc;
	snprintf(err->code, sizeof(err->code), "%s", code ? code : ob_rc_name(rc));
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return rc;
}

void ob_err_clear(struct ob_err *err)
{
	memset(err, 0, sizeof(*err));
}

const char *ob_rc_name(enum ob_rc rc)
{
	static const char *const names[] = {
		[OB_OK] = "ok",
		[OB_EBADREQ] = "bad_request",
		[OB_EINVAL] = "invalid",
		[OB_EAUTH] = "unauthenticated",
		[OB_EFORBIDDEN] = "forbidden",
		[OB_ENOTFOUND] = "not_found",
		[OB_EMETHOD] = "method_not_allowed",
		[OB_ECONFLICT] = "conflict",
		[OB_EGONE] = "gone",
		[OB_ETOOBIG] = "too_large",
		[OB_EMEDIA] = "unsupported_media_type",
		[OB_ETHROTTLED] = "too_many_requests",
		[OB_EDB] = "database_error",
		[OB_EBUSY] = "database_busy",
		[OB_ENOMEM] = "out_of_memory",
		[OB_EINTERNAL] = "internal_error",
	};

	if ((unsigned)rc < sizeof(names) / sizeof(names[0]) && names[rc])
		return names[rc];
	return "unknown";
}
