/* job_kinds.c: the table of every kind of job and its handler. */
#include "domain/closure.h"
#include "domain/export.h"
#include "domain/jobs.h"
#include "domain/notify.h"
#include "domain/purge.h"

const struct job_kind job_kinds[] = {
	{ "email_send", notify_job_email },
	{ "webhook_deliver", notify_job_webhook },
	{ "closure_expire", closure_job_expire },
	{ "closure_close", closure_job_close },
	{ "export_build", export_job_build },
	{ "export_expire", export_job_expire },
	{ "reserve_release", closure_job_release },
	{ "purge", purge_job },
	{ "retention_end", purge_job_retention },
};

const size_t job_kinds_count = sizeof(job_kinds) / sizeof(job_kinds[0]);
