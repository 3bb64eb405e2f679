/* purge.h: the erasure of a closed seller's personal data, for good.
 *
 * When it is due (history access over, reserve released, no open claim,
 * payout in flight or debt, no legal hold in force), a purge:
 *   1. marks the seller purged and names a pseudonym (one transaction);
 *   2. destroys the seller's data key, so that every sealed value of the
 *      seller, here and in every backup, can no longer be read; then
 *      removes the export archives and e-mail files of the seller;
 *   3. goes through store/data_classes.h's tables in small transactions:
 *      deletes what the law does not require, and moves the financial
 *      records to the pseudonym with their personal columns emptied,
 *      counting every row for the certificate;
 *   4. writes the Ed25519-signed erasure certificate, records the purge in
 *      the audit log (without personal data), sends account.purged, and
 *      schedules the end of the records' retention;
 *   5. gives free pages back to the file system and empties the
 *      write-ahead log (SQLite).
 * Each step is recorded in the erasure row, so a purge that dies resumes
 * where it stopped (as a job, in any process), and a step run twice
 * changes nothing. When the retention of financial records ends, another
 * job deletes them and the pseudonym. */
#ifndef OB_PURGE_H
#define OB_PURGE_H

#include "core/signing.h"
#include "store/store.h"

/* Where certificates are written (DATA_DIR/certificates) and the key that
 * signs them (borrowed for the life of the program). */
void purge_init(const char *data_dir, const struct signing_key *key);

/* Runs (or resumes) the seller's purge to its end when it is due at now.
 * When it is not: OB_ECONFLICT with code "purge_not_due" (not closed,
 * history access or reserve not over), "legal_hold" or "open_liability"
 * (open claims, payouts in flight or a debt), and *due_at (may be NULL)
 * the time to try again; OB_EGONE "already_purged"; OB_ENOTFOUND. A purge
 * once started is always due. *erasure (may be NULL) receives the finished
 * erasure. */
enum ob_rc purge_run(struct store *st, const char *seller_id, int64_t now, struct erasure *erasure,
		     int64_t *due_at, struct ob_err *err);

/* Schedules the purge of a closed seller at erase_at (closure.c). */
enum ob_rc purge_schedule(struct store *st, const char *seller_id, int64_t erase_at, struct ob_err *err);

/* The jobs: "purge" (payload: the seller id) runs a due purge, or comes
 * back when it will be due; "retention_end" (payload: the erasure id)
 * deletes the retained records and the pseudonym. */
enum ob_rc purge_job(struct store *st, const struct job *job, int64_t now, struct ob_err *err);
enum ob_rc purge_job_retention(struct store *st, const struct job *job, int64_t now, struct ob_err *err);

#endif
