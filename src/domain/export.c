/* export.c: the life of an export: request, progress, download, deletion
 * and expiry, and the jobs that build and expire it. What goes into the
 * archive is export_build.c's. */
#include "domain/export.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/policy.h"
#include "domain/audit.h"
#include "domain/notify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DAY 86400

static char data_dir[PATH_MAX - 64] = "./data";

void export_init(const char *dir)
{
	snprintf(data_dir, sizeof(data_dir), "%s", dir && dir[0] ? dir : "./data");
}

static void exports_dir(char *out, size_t cap)
{
	snprintf(out, cap, "%s/exports", data_dir);
}

void export_path(const char *id, char *out, size_t cap)
{
	snprintf(out, cap, "%s/exports/%s.zip", data_dir, id);
}

/* Makes DATA_DIR and DATA_DIR/exports, the latter private (0700). */
static enum ob_rc ensure_dir(struct ob_err *err)
{
	char dir[PATH_MAX];

	exports_dir(dir, sizeof(dir));
	if ((mkdir(data_dir, 0700) < 0 && errno != EEXIST) || (mkdir(dir, 0700) < 0 && errno != EEXIST) ||
	    chmod(dir, 0700) < 0)
		return ob_fail(err, OB_EINTERNAL, "export_write_failed", NULL, "cannot make %s: %s", dir,
			       strerror(errno));
	return OB_OK;
}

/* Removes the export's file and whatever a build of it left: the archive
 * under its temporary name, and libzip's temporary files beside it. */
void export_remove_files(const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX], prefix[ID_MAX + 8];
	DIR *d;
	struct dirent *e;

	export_path(id, path, sizeof(path));
	unlink(path);
	exports_dir(dir, sizeof(dir));
	snprintf(prefix, sizeof(prefix), "%s.zip.", id);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

static void job_key(const char *kind, const char *id, char *out, size_t cap)
{
	snprintf(out, cap, "%s:%s", kind, id);
}

static enum ob_rc audit_export(struct store *st, const char *actor, const struct export *e,
			       const char *action, struct ob_err *err)
{
	char detail[160];

	snprintf(detail, sizeof(detail), "{\"export_id\":\"%s\",\"status\":\"%s\",\"rows\":%lld}", e->id,
		 export_status_names[e->status], (long long)e->done);
	return audit_record(st, actor, e->seller_id, action, detail, err);
}

int export_percent(const struct export *e)
{
	if (e->status == EXPORT_READY || e->status == EXPORT_EXPIRED)
		return 100;
	if (e->total <= 0 || e->done <= 0)
		return 0;
	if (e->done >= e->total)
		return 99;   /* rows all written; the archive is being closed */
	return (int)(e->done * 100 / e->total);
}

/* The seller, unless unknown or erased (both OB_ENOTFOUND). */
static enum ob_rc live_seller(struct store *st, const char *seller_id, struct seller *s,
			      struct ob_err *err)
{
	enum ob_rc rc = store_seller_get(st, seller_id, s, err);

	if (rc == OB_OK && s->status == SELLER_PURGED)
		rc = OB_ENOTFOUND;
	if (rc == OB_ENOTFOUND)
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such account");
	return rc;
}

/* Marks e failed (from status `from`) with why; inside the caller's
 * transaction, or its own. */
static enum ob_rc fail_export(struct store *st, struct export *e, enum export_status from,
			      const char *why, struct ob_err *err)
{
	e->status = EXPORT_FAILED;
	e->updated_at = clock_now();
	snprintf(e->error, sizeof(e->error), "%s", why);
	return store_export_update(st, e, from, err);
}

enum ob_rc export_request(struct store *st, const char *seller_id, struct export *out, int *created,
			  struct ob_err *err)
{
	struct seller s;
	struct job j;
	char key[ID_MAX + 16], actor[64];
	int64_t now = clock_now();
	enum ob_rc rc;

	*created = 0;
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = live_seller(st, seller_id, &s, err)) != OB_OK)
		goto fail;
	rc = store_export_active(st, seller_id, out, err);
	if (rc == OB_OK) {
		/* one in progress answers; one whose job is gone is stuck */
		job_key("export", out->id, key, sizeof(key));
		rc = store_job_get(st, key, &j, err);
		if (rc == OB_OK && (j.status == JOB_PENDING || j.status == JOB_RUNNING))
			goto done;
		if (rc != OB_OK && rc != OB_ENOTFOUND)
			goto fail;
		if ((rc = fail_export(st, out, out->status, "the export stopped; start a new one", err)) != OB_OK)
			goto fail;
	} else if (rc != OB_ENOTFOUND) {
		goto fail;
	}
	memset(out, 0, sizeof(*out));
	id_new("exp", out->id);
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", seller_id);
	snprintf(actor, sizeof(actor), "seller:%s", seller_id);
	snprintf(out->requested_by, sizeof(out->requested_by), "%s", actor);
	out->status = EXPORT_PENDING;
	out->created_at = out->updated_at = now;
	job_key("export", out->id, key, sizeof(key));
	if ((rc = store_export_insert(st, out, err)) != OB_OK ||
	    (rc = jobs_schedule(st, "export_build", key, out->id, now, err)) != OB_OK ||
	    (rc = audit_export(st, actor, out, "export.requested", err)) != OB_OK)
		goto fail;
	*created = 1;
done:
	crypto_wipe(&s, sizeof(s));
	return store_commit(st, err);
fail:
	crypto_wipe(&s, sizeof(s));
	store_rollback(st);
	/* two requests at once: the other one made it, and answers */
	if (rc == OB_ECONFLICT && *created == 0 && store_export_active(st, seller_id, out, err) == OB_OK)
		return OB_OK;
	return rc;
}

enum ob_rc export_get(struct store *st, const char *seller_id, const char *id, struct export *out,
		      struct ob_err *err)
{
	struct seller s;
	enum ob_rc rc = id_valid(id) ? live_seller(st, seller_id, &s, err) : OB_ENOTFOUND;

	crypto_wipe(&s, sizeof(s));
	if (rc == OB_OK)
		rc = store_export_get(st, id, out, err);
	if (rc == OB_ENOTFOUND || (rc == OB_OK && strcmp(out->seller_id, seller_id) != 0))
		return ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "you have no export with this id");
	return rc;
}

/* Why e cannot be downloaded at now, or OB_OK. */
static enum ob_rc downloadable(const struct export *e, int64_t now, struct ob_err *err)
{
	switch (e->status) {
	case EXPORT_PENDING:
	case EXPORT_RUNNING:
		return ob_fail(err, OB_ECONFLICT, "export_not_ready", NULL,
			       "the export is not ready yet (%d%% done): try again when it is",
			       export_percent(e));
	case EXPORT_FAILED:
		return ob_fail(err, OB_ECONFLICT, "export_failed", NULL,
			       "this export failed: start a new one");
	case EXPORT_EXPIRED:
		return ob_fail(err, OB_EGONE, "export_expired", NULL,
			       "this export has expired and its file was deleted: start a new one");
	case EXPORT_DELETED:
		return ob_fail(err, OB_EGONE, "export_deleted", NULL,
			       "this export was deleted: start a new one");
	case EXPORT_READY:
		break;
	}
	if (now >= e->expires_at)
		return ob_fail(err, OB_EGONE, "export_expired", NULL,
			       "this export has expired and its file was deleted: start a new one");
	return OB_OK;
}

enum ob_rc export_open(struct store *st, const char *seller_id, const char *id, int *fd,
		       int64_t *size, struct export *out, struct ob_err *err)
{
	char path[PATH_MAX], actor[64];
	struct stat sb;
	enum ob_rc rc;

	*fd = -1;
	if ((rc = export_get(st, seller_id, id, out, err)) != OB_OK ||
	    (rc = downloadable(out, clock_now(), err)) != OB_OK)
		return rc;
	export_path(out->id, path, sizeof(path));
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(*fd, &sb) < 0) {
		log_kv(LOG_ERROR, "export file missing", "export_id", out->id, "error", strerror(errno), NULL);
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return ob_fail(err, OB_EGONE, "export_unavailable", NULL,
			       "the file of this export is gone: start a new one");
	}
	*size = (int64_t)sb.st_size;
	snprintf(actor, sizeof(actor), "seller:%s", seller_id);
	if ((rc = audit_export(st, actor, out, "export.downloaded", err)) != OB_OK) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

enum ob_rc export_delete(struct store *st, const char *seller_id, const char *id, struct export *out,
			 struct ob_err *err)
{
	enum export_status from;
	char key[ID_MAX + 16], actor[64];
	enum ob_rc rc;

	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = export_get(st, seller_id, id, out, err)) != OB_OK)
		goto fail;
	if (out->status == EXPORT_EXPIRED || out->status == EXPORT_DELETED) {
		rc = downloadable(out, clock_now(), err);
		goto fail;
	}
	/* the file goes first: a failure below leaves no file behind a "ready" */
	export_remove_files(out->id);
	from = out->status;
	out->status = EXPORT_DELETED;
	out->updated_at = out->deleted_at = clock_now();
	snprintf(actor, sizeof(actor), "seller:%s", seller_id);
	job_key("export_expire", out->id, key, sizeof(key));
	if ((rc = store_export_update(st, out, from, err)) != OB_OK ||
	    (rc = jobs_cancel(st, key, err)) != OB_OK ||
	    (rc = audit_export(st, actor, out, "export.deleted", err)) != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

enum ob_rc export_recent(struct store *st, const char *seller_id, int64_t now, int *recent,
			 struct ob_err *err)
{
	int64_t at = 0;
	enum ob_rc rc = store_export_last_completed(st, seller_id, &at, err);

	*recent = rc == OB_OK && at > 0 && at >= now - (int64_t)EXPORT_RECENT_DAYS * DAY;
	return rc;
}

/* --- the jobs --- */

struct build_state {
	struct store *st;
	const struct job *job;
	struct export *e;
	int64_t lease;               /* seconds of the job's lease (--job-lease) */
	int taken_over;              /* another process holds the job now */
};

/* Progress: written to the export (if it still runs: deleted means stop),
 * and the job's lease renewed for as long again as it was taken (lost
 * means another process took it over), so a build of any length keeps its
 * job, and one whose process died is taken over when its lease runs out. */
static int build_progress(void *arg, int64_t done, int64_t total)
{
	struct build_state *b = arg;
	struct ob_err err;
	int64_t now = clock_now();

	ob_err_clear(&err);
	b->e->done = done;
	b->e->total = total;
	b->e->updated_at = now;
	if (store_export_update(b->st, b->e, EXPORT_RUNNING, &err) == OB_ECONFLICT)
		return 1;
	if (store_job_renew(b->st, b->job->id, b->job->lease_owner, now + b->lease, &err) == OB_ECONFLICT) {
		b->taken_over = 1;
		return 1;
	}
	return 0;   /* a busy database now and then only delays the progress shown */
}

/* The export's files at completion: ready, the e-mail, the expiry job. */
static enum ob_rc complete(struct store *st, struct export *e, int64_t rows, struct ob_err *err)
{
	const struct notify_settings *ns = notify_settings();
	struct seller s;
	struct marketplace m;
	struct stat sb;
	char path[PATH_MAX], key[ID_MAX + 16], body[1024], until[32];
	int64_t now = clock_now();
	enum ob_rc rc;

	export_path(e->id, path, sizeof(path));
	if (stat(path, &sb) < 0)
		return ob_fail(err, OB_EINTERNAL, "export_write_failed", NULL, "the archive is missing");
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_seller_get(st, e->seller_id, &s, err)) != OB_OK ||
	    (rc = store_marketplace_get(st, s.marketplace_id, &m, err)) != OB_OK)
		goto fail;
	e->status = EXPORT_READY;
	e->done = e->total = rows;
	e->size_bytes = (int64_t)sb.st_size;
	e->error[0] = '\0';
	e->updated_at = e->completed_at = now;
	e->expires_at = now + (int64_t)policy_get(m.policy)->export_days * DAY;
	job_key("export_expire", e->id, key, sizeof(key));
	clock_format(e->expires_at, until, sizeof(until));
	snprintf(body, sizeof(body),
		 "The copy of your account data that you asked for is ready: %lld records in one\n"
		 "ZIP file of %lld bytes, with a README that explains every file.\n\n"
		 "Download it while signed in, from Seller Center or at:\n\n"
		 "  %s/api/v1/account/exports/%s/download\n\n"
		 "The file is kept until %.10s %.5s UTC, then deleted. You can start a new export\n"
		 "at any time.\n",
		 (long long)rows, (long long)e->size_bytes, ns->public_url ? ns->public_url : "", e->id,
		 until, until + 11);
	if ((rc = store_export_update(st, e, EXPORT_RUNNING, err)) != OB_OK ||
	    (rc = jobs_schedule(st, "export_expire", key, e->id, e->expires_at, err)) != OB_OK ||
	    (rc = notify_email(st, e->seller_id, "Your data export is ready", body, err)) != OB_OK ||
	    (rc = audit_export(st, "system", e, "export.completed", err)) != OB_OK)
		goto fail;
	crypto_wipe(&s, sizeof(s));
	return store_commit(st, err);
fail:
	crypto_wipe(&s, sizeof(s));
	store_rollback(st);
	return rc;
}

enum ob_rc export_job_build(struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	struct build_state bs;
	struct export e;
	struct seller s;
	struct ob_err ferr;
	char path[PATH_MAX], dir[PATH_MAX];
	enum export_status from;
	int64_t rows = 0;
	int purged;
	enum ob_rc rc;

	rc = store_export_get(st, job->payload, &e, err);
	if (rc == OB_ENOTFOUND)
		return OB_OK;
	if (rc != OB_OK)
		return rc;
	if (e.status != EXPORT_PENDING && e.status != EXPORT_RUNNING)
		return OB_OK;   /* done, failed or deleted meanwhile */
	rc = store_seller_get(st, e.seller_id, &s, err);
	purged = rc == OB_ENOTFOUND || (rc == OB_OK && s.status == SELLER_PURGED);
	crypto_wipe(&s, sizeof(s));
	if (rc != OB_OK && rc != OB_ENOTFOUND)
		return rc;
	ob_err_clear(&ferr);
	if (purged) {
		fail_export(st, &e, e.status, "the account was erased", &ferr);
		return OB_OK;
	}
	if (job->attempts > JOB_MAX_ATTEMPTS) {
		/* it died with its process on the last attempt: never again */
		export_remove_files(e.id);
		fail_export(st, &e, e.status, "the export could not be made", &ferr);
		return OB_OK;
	}

	/* (re)start from the beginning: a crashed build left nothing usable */
	from = e.status;
	e.status = EXPORT_RUNNING;
	e.done = 0;
	e.attempts++;
	e.error[0] = '\0';
	e.started_at = e.updated_at = clock_now();
	if ((rc = store_export_update(st, &e, from, err)) != OB_OK)
		return rc == OB_ECONFLICT ? OB_OK : rc;
	bs = (struct build_state){ .st = st, .job = job, .e = &e,
				   .lease = job->lease_until > now + 5 ? job->lease_until - now : 5 };
	if ((rc = ensure_dir(err)) != OB_OK)
		goto failed;
	export_remove_files(e.id);
	export_path(e.id, path, sizeof(path));
	exports_dir(dir, sizeof(dir));
	log_kv(LOG_INFO, "export started", "export_id", e.id, NULL);
	rc = export_build(st, e.seller_id, path, dir, build_progress, &bs, &rows, err);
	if (rc == OB_OK)
		rc = complete(st, &e, rows, err);
	if (rc == OB_OK) {
		log_kv(LOG_INFO, "export ready", "export_id", e.id, NULL);
		return OB_OK;
	}
failed:
	if (bs.taken_over)
		return OB_OK;   /* its files are the new owner's now */
	export_remove_files(e.id);
	if (rc == OB_ECONFLICT && (strcmp(err->code, "export_cancelled") == 0 ||
				   strcmp(err->code, "export_changed") == 0))
		return OB_OK;   /* deleted while it ran, or taken over: nothing of ours to finish */
	log_kv(LOG_WARN, "export failed", "export_id", e.id, "error", err->message, NULL);
	snprintf(e.error, sizeof(e.error), "%s", err->message);
	if (job->attempts >= JOB_MAX_ATTEMPTS) {
		fail_export(st, &e, EXPORT_RUNNING, "the export could not be made", &ferr);
		return OB_OK;
	}
	e.updated_at = clock_now();
	store_export_update(st, &e, EXPORT_RUNNING, &ferr);   /* the reason shows while it waits */
	return rc;
}

enum ob_rc export_job_expire(struct store *st, const struct job *job, int64_t now, struct ob_err *err)
{
	struct export e;
	enum ob_rc rc = store_export_get(st, job->payload, &e, err);

	if (rc == OB_ENOTFOUND)
		return OB_OK;
	if (rc != OB_OK)
		return rc;
	if (e.status != EXPORT_READY)
		return OB_OK;
	if (now < e.expires_at)
		return ob_fail(err, OB_ECONFLICT, "not_due", NULL, "the export expires later");
	/* the file first: once it is gone, a failure below is only retried */
	export_remove_files(e.id);
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	e.status = EXPORT_EXPIRED;
	e.updated_at = e.deleted_at = clock_now();
	if ((rc = store_export_update(st, &e, EXPORT_READY, err)) != OB_OK ||
	    (rc = audit_export(st, "system", &e, "export.expired", err)) != OB_OK) {
		store_rollback(st);
		return rc == OB_ECONFLICT ? OB_OK : rc;
	}
	return store_commit(st, err);
}
