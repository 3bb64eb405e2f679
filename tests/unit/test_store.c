/* The storage suite: written against store.h only, so that every backend
 * passes the same tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int setup(void **state)
{
	*state = testdb_open();
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

static void add_marketplace(struct store *st)
{
	struct marketplace m = { .id = "us", .name = "US", .currency = "USD", .policy = "default",
				 .created_at = 100 };
	struct ob_err err;

	assert_int_equal(store_marketplace_insert(st, &m, &err), OB_OK);
}

static struct seller make_seller(const char *id, const char *email)
{
	struct seller s;

	memset(&s, 0, sizeof(s));
	snprintf(s.id, sizeof(s.id), "%s", id);
	snprintf(s.marketplace_id, sizeof(s.marketplace_id), "us");
	snprintf(s.email, sizeof(s.email), "%s", email);
	snprintf(s.password_hash, sizeof(s.password_hash), "hash");
	snprintf(s.display_name, sizeof(s.display_name), "Shop \"quoted\" ünïcode");
	s.status = SELLER_ACTIVE;
	s.created_at = s.updated_at = 200;
	return s;
}

/* The backend under test implements every operation of store.h (an
 * operation added to the interface needs every backend). */
static void every_operation_implemented(void **state)
{
	const struct store *st = *state;
	const char *ops = (const char *)st->ops;
	void (*fn)(void);

	for (size_t at = offsetof(struct store_ops, close); at + sizeof(fn) <= sizeof(struct store_ops);
	     at += sizeof(fn)) {
		memcpy(&fn, ops + at, sizeof(fn));
		if (fn == NULL)
			fail_msg("%s: the operation at offset %zu of struct store_ops is missing",
				 st->ops->name, at);
	}
}

static void migrate_is_idempotent(void **state)
{
	struct store *st = *state;
	struct ob_err err;
	int applied = -1;

	assert_int_equal(store_migrate(st, &applied, &err), OB_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(store_ping(st, &err), OB_OK);
}

static void marketplaces_and_sellers(void **state)
{
	struct store *st = *state;
	struct seller s = make_seller("sel_1", "a@x.com"), got, dup = make_seller("sel_2", "a@x.com");
	struct marketplace m;
	struct ob_err err;

	add_marketplace(st);
	assert_int_equal(store_marketplace_get(st, "us", &m, &err), OB_OK);
	assert_string_equal(m.currency, "USD");
	assert_int_equal(store_marketplace_get(st, "eu", &m, &err), OB_ENOTFOUND);
	assert_int_equal(store_marketplace_insert(st, &m, &err), OB_ECONFLICT);

	assert_int_equal(store_seller_insert(st, &s, &err), OB_OK);
	assert_int_equal(store_seller_insert(st, &dup, &err), OB_ECONFLICT);
	assert_int_equal(store_seller_get(st, "sel_1", &got, &err), OB_OK);
	assert_string_equal(got.display_name, s.display_name);
	assert_int_equal(got.status, SELLER_ACTIVE);
	assert_int_equal(store_seller_get_by_email(st, "a@x.com", &got, &err), OB_OK);
	assert_string_equal(got.id, "sel_1");
	assert_int_equal(store_seller_get(st, "sel_9", &got, &err), OB_ENOTFOUND);

	snprintf(got.totp_secret, sizeof(got.totp_secret), "SECRET");
	got.totp_last_step = 42;
	assert_int_equal(store_seller_set_totp(st, &got, &err), OB_OK);
	assert_int_equal(store_seller_get(st, "sel_1", &got, &err), OB_OK);
	assert_string_equal(got.totp_secret, "SECRET");
	assert_int_equal(got.totp_last_step, 42);
}

static void sessions(void **state)
{
	struct store *st = *state;
	struct seller s = make_seller("sel_1", "a@x.com");
	struct session in, out;
	struct ob_err err;

	add_marketplace(st);
	assert_int_equal(store_seller_insert(st, &s, &err), OB_OK);
	memset(&in, 0, sizeof(in));
	snprintf(in.token_hash, sizeof(in.token_hash), "th");
	snprintf(in.csrf_hash, sizeof(in.csrf_hash), "ch");
	snprintf(in.seller_id, sizeof(in.seller_id), "sel_1");
	in.scope = SESSION_HISTORY;
	in.created_at = 1;
	in.last_seen_at = 2;
	in.expires_at = 3;
	in.password_at = 4;
	assert_int_equal(store_session_insert(st, &in, &err), OB_OK);
	assert_int_equal(store_session_get(st, "th", &out, &err), OB_OK);
	assert_int_equal(out.scope, SESSION_HISTORY);
	assert_int_equal(out.password_at, 4);
	assert_int_equal(store_session_touch(st, "th", 10, &err), OB_OK);
	assert_int_equal(store_session_get(st, "th", &out, &err), OB_OK);
	assert_int_equal(out.last_seen_at, 10);
	assert_int_equal(store_session_delete(st, "th", &err), OB_OK);
	assert_int_equal(store_session_get(st, "th", &out, &err), OB_ENOTFOUND);
}

static void throttle_and_keys(void **state)
{
	struct store *st = *state;
	struct throttle t = { .key = "acct:a", .failures = 1, .last_failure_at = 5 }, got;
	struct ops_key k = { .id = "key_1", .name = "ci", .key_hash = "kh", .created_at = 1 }, kout;
	struct ob_err err;

	assert_int_equal(store_throttle_get(st, "acct:a", &got, &err), OB_ENOTFOUND);
	assert_int_equal(store_throttle_put(st, &t, &err), OB_OK);
	t.failures = 2;
	t.locked_until = 99;
	assert_int_equal(store_throttle_put(st, &t, &err), OB_OK);
	assert_int_equal(store_throttle_get(st, "acct:a", &got, &err), OB_OK);
	assert_int_equal(got.failures, 2);
	assert_int_equal(got.locked_until, 99);
	assert_int_equal(store_throttle_delete(st, "acct:a", &err), OB_OK);
	assert_int_equal(store_throttle_get(st, "acct:a", &got, &err), OB_ENOTFOUND);

	assert_int_equal(store_ops_key_insert(st, &k, &err), OB_OK);
	assert_int_equal(store_ops_key_get_by_hash(st, "kh", &kout, &err), OB_OK);
	assert_string_equal(kout.name, "ci");
	assert_int_equal(store_ops_key_get_by_hash(st, "nope", &kout, &err), OB_ENOTFOUND);
}

static void idempotency_records(void **state)
{
	struct store *st = *state;
	struct idempotency rec = { .scope = "key_1", .key = "k1", .request_hash = "rh", .status = 201,
				   .body = "{\"id\":\"x\"}", .created_at = 7 }, got;
	struct ob_err err;

	assert_int_equal(store_idempotency_get(st, "key_1", "k1", &got, &err), OB_ENOTFOUND);
	assert_int_equal(store_idempotency_put(st, &rec, &err), OB_OK);
	assert_int_equal(store_idempotency_put(st, &rec, &err), OB_ECONFLICT);
	assert_int_equal(store_idempotency_get(st, "key_1", "k1", &got, &err), OB_OK);
	assert_int_equal(got.status, 201);
	assert_string_equal(got.body, "{\"id\":\"x\"}");
	free(got.body);
	/* keys are per caller */
	assert_int_equal(store_idempotency_get(st, "key_2", "k1", &got, &err), OB_ENOTFOUND);
}

static void nested_transactions(void **state)
{
	struct store *st = *state;
	struct marketplace m = { .id = "eu", .name = "EU", .currency = "EUR", .policy = "default" }, got;
	struct ob_err err;

	struct marketplace m2 = { .id = "uk", .name = "UK", .currency = "GBP", .policy = "default" };

	/* an inner rollback undoes its own level only */
	assert_int_equal(store_begin(st, 1, &err), OB_OK);
	assert_int_equal(store_marketplace_insert(st, &m2, &err), OB_OK);
	assert_int_equal(store_begin(st, 1, &err), OB_OK);
	assert_int_equal(store_marketplace_insert(st, &m, &err), OB_OK);
	store_rollback(st);
	assert_int_equal(store_commit(st, &err), OB_OK);
	assert_int_equal(store_marketplace_get(st, "eu", &got, &err), OB_ENOTFOUND);
	assert_int_equal(store_marketplace_get(st, "uk", &got, &err), OB_OK);

	/* an outer rollback undoes everything, inner commits included */
	assert_int_equal(store_begin(st, 1, &err), OB_OK);
	assert_int_equal(store_begin(st, 1, &err), OB_OK);
	assert_int_equal(store_marketplace_insert(st, &m, &err), OB_OK);
	assert_int_equal(store_commit(st, &err), OB_OK);
	store_rollback(st);
	assert_int_equal(store_marketplace_get(st, "eu", &got, &err), OB_ENOTFOUND);

	/* inner commits only count; the outer one commits */
	assert_int_equal(store_begin(st, 1, &err), OB_OK);
	assert_int_equal(store_begin(st, 1, &err), OB_OK);
	assert_int_equal(store_marketplace_insert(st, &m, &err), OB_OK);
	assert_int_equal(store_commit(st, &err), OB_OK);
	assert_int_equal(store_commit(st, &err), OB_OK);
	assert_int_equal(store_marketplace_get(st, "eu", &got, &err), OB_OK);
	assert_int_not_equal(store_commit(st, &err), OB_OK);   /* no transaction left */
}

/* A unique key taken inside a transaction fails that statement only: the
 * caller may look the row up and go on, as the domain does. */
static void conflict_keeps_the_transaction(void **state)
{
	struct store *st = *state;
	struct marketplace m = { .id = "eu", .name = "EU", .currency = "EUR", .policy = "default" }, got;
	struct ob_err err;

	assert_int_equal(store_begin(st, 1, &err), OB_OK);
	assert_int_equal(store_marketplace_insert(st, &m, &err), OB_OK);
	assert_int_equal(store_marketplace_insert(st, &m, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "already_exists");
	assert_int_equal(store_marketplace_get(st, "eu", &got, &err), OB_OK);
	snprintf(m.id, sizeof(m.id), "uk");
	assert_int_equal(store_marketplace_insert(st, &m, &err), OB_OK);
	assert_int_equal(store_commit(st, &err), OB_OK);
	assert_int_equal(store_marketplace_get(st, "uk", &got, &err), OB_OK);
}

struct second_writer {
	struct store *st;
	enum ob_rc begin, get;
};

static void *second_writer(void *arg)
{
	struct second_writer *w = arg;
	struct marketplace m;
	struct ob_err err;

	w->begin = store_begin(w->st, 1, &err);
	if (w->begin == OB_OK) {
		w->get = store_marketplace_get(w->st, "eu", &m, &err);
		store_rollback(w->st);
	}
	return NULL;
}

/* Writers queue: a second connection's write transaction starts only once
 * the first one committed, and then reads what it wrote, so a
 * read-check-write of the domain never acts on a stale read. */
static void writers_queue(void **state)
{
	struct store *st = *state;
	struct marketplace m = { .id = "eu", .name = "EU", .currency = "EUR", .policy = "default" };
	struct second_writer w = { .st = testdb_connect(), .begin = -1, .get = -1 };
	struct timespec pause = { 0, 300 * 1000 * 1000 };
	struct ob_err err;
	pthread_t t;

	assert_int_equal(store_begin(st, 1, &err), OB_OK);
	assert_int_equal(store_marketplace_insert(st, &m, &err), OB_OK);
	assert_int_equal(pthread_create(&t, NULL, second_writer, &w), 0);
	nanosleep(&pause, NULL);
	assert_int_equal(store_commit(st, &err), OB_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(w.begin, OB_OK);
	assert_int_equal(w.get, OB_OK);
	store_close(w.st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_operation_implemented, setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_is_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(marketplaces_and_sellers, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(throttle_and_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(idempotency_records, setup, teardown),
		cmocka_unit_test_setup_teardown(nested_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(conflict_keeps_the_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(writers_queue, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
