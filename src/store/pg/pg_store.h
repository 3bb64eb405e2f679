/* pg_store.h: the PostgreSQL backend of store.h (libpq), for several
 * `offboard serve` processes on one database.
 *
 * One connection per struct store (so per worker thread), opened from the
 * whole URL; statements are prepared once per connection, on first use, and
 * parameters are always bound. Sessions run with lock_timeout 5s (a wait
 * past it is OB_EBUSY, as SQLite's busy timeout) and a 60s limit on idling
 * inside a transaction.
 *
 * Writers are serialized, exactly as SQLite's BEGIN IMMEDIATE serializes
 * them: a write transaction is BEGIN (READ COMMITTED) followed by a
 * transaction-level advisory lock that is the same for the whole database,
 * and a write outside a transaction runs in one of its own. Every
 * read-check-write of the domain (balance then payout, status then
 * transition, look-up then insert) therefore sees the latest committed
 * state and nothing commits between its read and its write, without
 * serialization failures to retry. The price is that writes do not run in
 * parallel, as in SQLite; a later change can narrow the lock to one seller.
 * A read transaction is REPEATABLE READ, a snapshot, as SQLite's deferred
 * transaction is; reads outside a transaction run on their own.
 *
 * A unique key taken is OB_ECONFLICT without aborting the transaction
 * (inserts use ON CONFLICT DO NOTHING), so a caller may go on after it as
 * on SQLite. Other failed statements abort the transaction (PostgreSQL's
 * rule): the caller rolls back its level, which a savepoint recovers. */
#ifndef OB_PG_STORE_H
#define OB_PG_STORE_H

#include "store/store.h"

/* Connects to url ("postgres://..." or "postgresql://...", any libpq
 * connection URI). OB_EDB "database_unavailable" when it cannot; the
 * message never repeats the URL, which may hold a password. */
enum ob_rc pg_store_open(const char *url, struct store **out, struct ob_err *err);

#endif
