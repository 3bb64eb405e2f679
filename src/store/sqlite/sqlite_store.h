/* sqlite_store.h: the SQLite backend of store.h (the embedded default).
 *
 * WAL mode, a busy timeout, foreign keys on, synchronous=FULL (a committed
 * payout survives a power cut), write transactions as BEGIN IMMEDIATE so
 * that two writers queue instead of deadlocking on a lock upgrade. */
#ifndef OB_SQLITE_STORE_H
#define OB_SQLITE_STORE_H

#include "store/store.h"

/* Opens (creating when missing) the database file at path. */
enum ob_rc sqlite_store_open(const char *path, struct store **out, struct ob_err *err);

/* Sets the keystore file of the connections opened after (empty: beside
 * the database, NAME.keys.db). Call before the first open. */
void sqlite_keystore_path(const char *path);

#endif
