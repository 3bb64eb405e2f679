/* export.h: the seller's backup: one ZIP of every record of the account,
 * built by a job and downloaded by its owner until it expires.
 *
 *   pending -> running -> ready -> expired   (file deleted at expires_at)
 *                 |         \----> deleted   (file deleted on request)
 *                 \-> failed                 (gave up; a new export may start)
 *
 * A seller has at most one export pending or running: asking again answers
 * that one. The job builds the archive page by page from the store (keyset
 * queries, so memory stays flat whatever the size of the account), writes
 * it under a temporary name and renames it when complete, and records its
 * progress as it goes. A build that dies with its process is taken over by
 * the job queue when the lease runs out and starts again from the
 * beginning; a partial file is never named as the export's file. When it
 * is ready the seller is e-mailed; at expires_at (policy export_days) a job
 * deletes the file. What the archive holds: export_build() and
 * docs/internals/export.md. */
#ifndef OB_EXPORT_H
#define OB_EXPORT_H

#include "domain/jobs.h"
#include "store/store.h"

#include <stdint.h>

/* A closure checklist warns (no_recent_export) without an export
 * completed this many days before. */
#define EXPORT_RECENT_DAYS 30

/* Where export files go: DATA_DIR/exports/ (made 0700; files 0600). Copies
 * data_dir; NULL or empty means ./data. Call before threads start. */
void export_init(const char *data_dir);

/* Writes the path of the export's file (DATA_DIR/exports/<id>.zip) into out. */
void export_path(const char *id, char *out, size_t cap);

/* Removes the export's file and whatever a build of it left behind. */
void export_remove_files(const char *id);

/* Starts an export of the seller's data (status pending, its job due now),
 * or, when one is pending or running, answers that one: *created says
 * which. An export whose job died is marked failed and replaced. Audited
 * as export.requested. OB_ENOTFOUND when the seller does not exist or has
 * been erased. */
enum ob_rc export_request(struct store *st, const char *seller_id, struct export *out, int *created,
			  struct ob_err *err);

/* The seller's export id into out. OB_ENOTFOUND "not_found" for a missing
 * id, another seller's export, or an erased seller: all look the same. */
enum ob_rc export_get(struct store *st, const char *seller_id, const char *id, struct export *out,
		      struct ob_err *err);

/* Opens the ZIP of the seller's ready export for reading: *fd (owned by the
 * caller) and *size; out gets the export. Audited as export.downloaded.
 * OB_ENOTFOUND as export_get; OB_ECONFLICT "export_not_ready" while it is
 * built, "export_failed" when it failed; OB_EGONE "export_expired",
 * "export_deleted", or "export_unavailable" when its file is missing. */
enum ob_rc export_open(struct store *st, const char *seller_id, const char *id, int *fd,
		       int64_t *size, struct export *out, struct ob_err *err);

/* Deletes the seller's export on request: its file now, a build in
 * progress stops. Audited as export.deleted. OB_ENOTFOUND as export_get;
 * OB_EGONE "export_expired" or "export_deleted" when already gone. */
enum ob_rc export_delete(struct store *st, const char *seller_id, const char *id, struct export *out,
			 struct ob_err *err);

/* *recent = 1 when the seller has an export completed within
 * EXPORT_RECENT_DAYS before now. */
enum ob_rc export_recent(struct store *st, const char *seller_id, int64_t now, int *recent,
			 struct ob_err *err);

/* How far the export is, 0 to 100 (100 once ready). */
int export_percent(const struct export *e);

/* Called during a build, at most about four times a second and once at
 * the end, with the rows written and the rows to write (which may grow if
 * records arrive meanwhile). Returns 0 to go on, non-zero to stop the build. */
typedef int (*export_progress_fn)(void *arg, int64_t done, int64_t total);

/* Builds the archive of the seller's data at path (through a temporary
 * name; path appears complete or not at all), keeping compressed pieces in
 * unlinked files of tmp_dir meanwhile. Reads the store a page at a time,
 * outside any transaction. progress may be NULL. *rows gets the rows
 * written. The archive:
 *
 *   profile.json, settings.json          the account, its settings and balances
 *   <kind>.csv and <kind>.jsonl          listings, orders, order_items, disputes,
 *                                        ledger, fees, payouts, closures, audit
 *   README.txt                           every file and column explained
 *   manifest.json                        size, rows and SHA-256 of every entry
 *
 * OB_ENOTFOUND when the seller does not exist or has been erased;
 * OB_ECONFLICT "export_cancelled" when progress asked to stop. */
enum ob_rc export_build(struct store *st, const char *seller_id, const char *path,
			const char *tmp_dir, export_progress_fn progress, void *arg, int64_t *rows,
			struct ob_err *err);

/* Job handlers (job_kinds.c): "export_build" builds the export whose id is
 * the payload, "export_expire" deletes its file at expires_at. */
enum ob_rc export_job_build(struct store *st, const struct job *job, int64_t now, struct ob_err *err);
enum ob_rc export_job_expire(struct store *st, const struct job *job, int64_t now, struct ob_err *err);

#endif
