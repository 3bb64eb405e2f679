#include "store/store.h"

#include "store/sqlite/sqlite_store.h"

#include <string.h>

enum ob_rc store_open(const char *url, struct store **out, struct ob_err *err)
{
	*out = NULL;
	if (strncmp(url, "sqlite:", 7) == 0)
		return sqlite_store_open(url + 7, out, err);
	return ob_fail(err, OB_EINVAL, "unsupported_database", "db",
		       "unsupported database url: only sqlite:PATH is built in this version");
}

void store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}

enum ob_rc store_migrate(struct store *st, int *applied, struct ob_err *err)
{
	int n = 0;
	enum ob_rc rc = st->ops->migrate(st, &n, err);

	if (applied)
		*applied = n;
	return rc;
}

enum ob_rc store_ping(struct store *st, struct ob_err *err)
{
	return st->ops->ping(st, err);
}

enum ob_rc store_begin(struct store *st, int write, struct ob_err *err)
{
	if (st->depth == 0) {
		enum ob_rc rc = st->ops->begin(st, write, err);
		if (rc != OB_OK)
			return rc;
		st->failed = 0;
	}
	st->depth++;
	return OB_OK;
}

enum ob_rc store_commit(struct store *st, struct ob_err *err)
{
	if (st->depth == 0)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "commit without a transaction");
	if (--st->depth > 0)
		return OB_OK;
	if (st->failed) {
		st->ops->rollback(st);
		st->failed = 0;
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "transaction was rolled back");
	}
	return st->ops->commit(st, err);
}

void store_rollback(struct store *st)
{
	if (st->depth == 0)
		return;
	if (--st->depth > 0) {
		st->failed = 1;
		return;
	}
	st->ops->rollback(st);
	st->failed = 0;
}

#define FORWARD(name, params, args) \
	enum ob_rc store_##name params { return st->ops->name args; }

FORWARD(marketplace_insert, (struct store *st, const struct marketplace *m, struct ob_err *err), (st, m, err))
FORWARD(marketplace_get, (struct store *st, const char *id, struct marketplace *out, struct ob_err *err), (st, id, out, err))
FORWARD(seller_insert, (struct store *st, const struct seller *s, struct ob_err *err), (st, s, err))
FORWARD(seller_get, (struct store *st, const char *id, struct seller *out, struct ob_err *err), (st, id, out, err))
FORWARD(seller_get_by_email, (struct store *st, const char *email, struct seller *out, struct ob_err *err), (st, email, out, err))
FORWARD(seller_set_totp, (struct store *st, const struct seller *s, struct ob_err *err), (st, s, err))
FORWARD(session_insert, (struct store *st, const struct session *s, struct ob_err *err), (st, s, err))
FORWARD(session_get, (struct store *st, const char *token_hash, struct session *out, struct ob_err *err), (st, token_hash, out, err))
FORWARD(session_touch, (struct store *st, const char *token_hash, int64_t now, struct ob_err *err), (st, token_hash, now, err))
FORWARD(session_delete, (struct store *st, const char *token_hash, struct ob_err *err), (st, token_hash, err))
FORWARD(throttle_get, (struct store *st, const char *key, struct throttle *out, struct ob_err *err), (st, key, out, err))
FORWARD(throttle_put, (struct store *st, const struct throttle *t, struct ob_err *err), (st, t, err))
FORWARD(throttle_delete, (struct store *st, const char *key, struct ob_err *err), (st, key, err))
FORWARD(ops_key_insert, (struct store *st, const struct ops_key *k, struct ob_err *err), (st, k, err))
FORWARD(ops_key_get_by_hash, (struct store *st, const char *key_hash, struct ops_key *out, struct ob_err *err), (st, key_hash, out, err))
FORWARD(idempotency_get, (struct store *st, const char *scope, const char *key, struct idempotency *out, struct ob_err *err), (st, scope, key, out, err))
FORWARD(idempotency_put, (struct store *st, const struct idempotency *rec, struct ob_err *err), (st, rec, err))

static const char *const status_names[] = {
	[SELLER_ACTIVE] = "active",
	[SELLER_CLOSURE_REQUESTED] = "closure_requested",
	[SELLER_CLOSING] = "closing",
	[SELLER_CLOSED] = "closed",
	[SELLER_PURGED] = "purged",
};

const char *seller_status_name(enum seller_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "unknown";
}

int seller_status_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (strcmp(name, status_names[i]) == 0)
			return (int)i;
	return -1;
}
