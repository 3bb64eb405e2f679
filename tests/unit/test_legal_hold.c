/* Legal holds: the store's five operations (on SQLite and PostgreSQL
 * alike), then the rules of domain/legal_hold.c: bad input, the audit
 * records without the reason, release once only, what the purge and the
 * seller's timeline learn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts.h"

#include "core/clock.h"
#include "domain/audit.h"
#include "domain/closure.h"
#include "domain/legal_hold.h"

#include <stdlib.h>
#include <string.h>

#define T0 1800000000LL   /* 2027-01-15T08:00:00Z */
#define DAY 86400LL

static int setup(void **state)
{
	clock_pin(T0);
	*state = testdb_open();
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	clock_pin(0);
	return 0;
}

static struct legal_hold hold(const char *id, const char *seller, int64_t created_at, int64_t until)
{
	struct legal_hold h;

	memset(&h, 0, sizeof(h));
	snprintf(h.id, sizeof(h.id), "%s", id);
	snprintf(h.seller_id, sizeof(h.seller_id), "%s", seller);
	snprintf(h.reason, sizeof(h.reason), "court order 4 O 123/26 \"quoted\" ünïcode");
	snprintf(h.created_by, sizeof(h.created_by), "ops:key_1");
	h.created_at = created_at;
	h.until = until;
	return h;
}

/* ------------------------------------------------------------- the store */

static void store_insert_get_release(void **state)
{
	struct store *st = *state;
	struct legal_hold h = hold("hold_1", "sel_a", 100, 5000), got;
	struct ob_err err;

	assert_int_equal(store_legal_hold_insert(st, &h, &err), OB_OK);
	assert_int_equal(store_legal_hold_insert(st, &h, &err), OB_ECONFLICT);
	assert_int_equal(store_legal_hold_get(st, "hold_1", &got, &err), OB_OK);
	assert_string_equal(got.seller_id, "sel_a");
	assert_string_equal(got.reason, h.reason);
	assert_string_equal(got.created_by, "ops:key_1");
	assert_int_equal(got.until, 5000);
	assert_int_equal(got.created_at, 100);
	assert_int_equal(got.released_at, 0);
	assert_string_equal(got.released_by, "");
	assert_int_equal(store_legal_hold_get(st, "hold_9", &got, &err), OB_ENOTFOUND);

	assert_int_equal(store_legal_hold_release(st, "hold_1", "ops:key_2", 200, &err), OB_OK);
	assert_int_equal(store_legal_hold_get(st, "hold_1", &got, &err), OB_OK);
	assert_int_equal(got.released_at, 200);
	assert_string_equal(got.released_by, "ops:key_2");
	/* once only: the first release stays */
	assert_int_equal(store_legal_hold_release(st, "hold_1", "ops:key_3", 300, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "legal_hold_released");
	assert_int_equal(store_legal_hold_get(st, "hold_1", &got, &err), OB_OK);
	assert_int_equal(got.released_at, 200);
	assert_string_equal(got.released_by, "ops:key_2");
	assert_int_equal(store_legal_hold_release(st, "hold_9", "ops:key_2", 300, &err), OB_ENOTFOUND);
}

static void store_list_pages_newest_first(void **state)
{
	struct store *st = *state;
	struct legal_hold out[8];
	struct ob_err err;
	size_t n = 99;
	/* two in the same second: the id breaks the tie */
	struct legal_hold rows[] = {
		hold("hold_1", "sel_a", 100, 9000), hold("hold_2", "sel_b", 200, 9000),
		hold("hold_3", "sel_a", 300, 9000), hold("hold_4", "sel_a", 300, 9000),
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(store_legal_hold_insert(st, &rows[i], &err), OB_OK);

	assert_int_equal(store_legal_holds_list(st, "sel_a", 0, NULL, out, 8, &n, &err), OB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(out[0].id, "hold_4");
	assert_string_equal(out[1].id, "hold_3");
	assert_string_equal(out[2].id, "hold_1");

	assert_int_equal(store_legal_holds_list(st, "sel_a", 0, NULL, out, 2, &n, &err), OB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_legal_holds_list(st, "sel_a", out[1].created_at, out[1].id, out, 2, &n,
						&err), OB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].id, "hold_1");

	assert_int_equal(store_legal_holds_list(st, NULL, 0, NULL, out, 8, &n, &err), OB_OK);
	assert_int_equal(n, 4);
	assert_string_equal(out[2].id, "hold_2");
	assert_int_equal(store_legal_holds_list(st, NULL, 300, "hold_3", out, 8, &n, &err), OB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].id, "hold_2");

	assert_int_equal(store_legal_holds_list(st, "sel_z", 0, NULL, out, 8, &n, &err), OB_OK);
	assert_int_equal(n, 0);
}

static void store_until_counts_holds_in_force(void **state)
{
	struct store *st = *state;
	struct legal_hold a = hold("hold_1", "sel_a", 100, 5000), b = hold("hold_2", "sel_a", 100, 8000),
			  c = hold("hold_3", "sel_b", 100, 9000);
	struct ob_err err;
	int64_t until = -1;

	assert_int_equal(store_legal_hold_until(st, "sel_a", 1000, &until, &err), OB_OK);
	assert_int_equal(until, 0);
	assert_int_equal(store_legal_hold_insert(st, &a, &err), OB_OK);
	assert_int_equal(store_legal_hold_insert(st, &b, &err), OB_OK);
	assert_int_equal(store_legal_hold_insert(st, &c, &err), OB_OK);
	/* the latest end of those in force; another seller's does not count */
	assert_int_equal(store_legal_hold_until(st, "sel_a", 1000, &until, &err), OB_OK);
	assert_int_equal(until, 8000);
	/* released: no longer */
	assert_int_equal(store_legal_hold_release(st, "hold_2", "ops:k", 1500, &err), OB_OK);
	assert_int_equal(store_legal_hold_until(st, "sel_a", 2000, &until, &err), OB_OK);
	assert_int_equal(until, 5000);
	/* ended: the end itself is no longer in force */
	assert_int_equal(store_legal_hold_until(st, "sel_a", 5000, &until, &err), OB_OK);
	assert_int_equal(until, 0);
	assert_int_equal(store_legal_hold_until(st, "sel_b", 5000, &until, &err), OB_OK);
	assert_int_equal(until, 9000);
}

/* ------------------------------------------------------------- the rules */

static void create_refuses_bad_input(void **state)
{
	struct store *st = *state;
	char seller[ID_MAX], long_reason[LEGAL_HOLD_REASON_MAX + 2];
	struct legal_hold h;
	struct ob_err err;
	size_t n = 9;
	struct legal_hold out[2];
	struct {
		const char *seller, *reason, *until;
		enum ob_rc rc;
		const char *code, *field;
	} cases[] = {
		{ seller, NULL, "2028-01-01T00:00:00Z", OB_EINVAL, "missing_field", "reason" },
		{ seller, "", "2028-01-01T00:00:00Z", OB_EINVAL, "missing_field", "reason" },
		{ seller, "   ", "2028-01-01T00:00:00Z", OB_EINVAL, "missing_field", "reason" },
		{ seller, "line\nbreak", "2028-01-01T00:00:00Z", OB_EINVAL, "invalid_characters", "reason" },
		{ seller, long_reason, "2028-01-01T00:00:00Z", OB_EINVAL, "too_long", "reason" },
		{ seller, "tax audit", NULL, OB_EINVAL, "missing_field", "until" },
		{ seller, "tax audit", "next year", OB_EINVAL, "invalid_time", "until" },
		{ seller, "tax audit", "2027-01-15T08:00:00Z", OB_EINVAL, "time_in_past", "until" },
		{ seller, "tax audit", "2026-01-01T00:00:00Z", OB_EINVAL, "time_in_past", "until" },
		{ seller, "tax audit", "2200-01-01T00:00:00Z", OB_EINVAL, "out_of_range", "until" },
		{ NULL, "tax audit", "2028-01-01T00:00:00Z", OB_EINVAL, "missing_field", "seller_id" },
		{ "sel_nobody", "tax audit", "2028-01-01T00:00:00Z", OB_ENOTFOUND, "unknown_seller", "seller_id" },
		{ "no such/seller", "tax audit", "2028-01-01T00:00:00Z", OB_ENOTFOUND, "unknown_seller", "seller_id" },
	};

	memset(long_reason, 'x', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	facts_seller(st, "held@shop.example", seller);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct legal_hold_input in = { cases[i].seller, cases[i].reason, cases[i].until };
		ob_err_clear(&err);
		if (legal_hold_create(st, &in, "ops:key_1", &h, &err) != cases[i].rc ||
		    strcmp(err.code, cases[i].code) != 0 || strcmp(err.field, cases[i].field) != 0)
			fail_msg("case %zu: got %s/%s, want %s/%s", i, err.code, err.field, cases[i].code,
				 cases[i].field);
	}
	/* nothing was stored */
	assert_int_equal(legal_holds_list(st, NULL, 0, NULL, out, 2, &n, &err), OB_OK);
	assert_int_equal(n, 0);
}

/* The seller's audit records of the hold: their count, and none holds the reason. */
static size_t hold_audits(struct store *st, const char *seller, const char *reason, const char *action)
{
	struct audit_record a[32];
	struct ob_err err;
	size_t n = 0, found = 0;

	assert_int_equal(store_audit_list_seller(st, seller, 0, a, 32, &n, &err), OB_OK);
	for (size_t i = 0; i < n; i++) {
		assert_null(strstr(a[i].detail, reason));
		if (strcmp(a[i].action, action) == 0)
			found++;
	}
	return found;
}

static void create_release_and_audit(void **state)
{
	struct store *st = *state;
	char seller[ID_MAX];
	const char *reason = "Investigation by the public prosecutor, case 77";
	struct legal_hold_input in = { NULL, reason, "2028-06-30T00:00:00Z" };
	struct legal_hold h, got, again;
	struct ob_err err;
	int64_t until = 0;
	int64_t verified = 0, broken = -1;

	facts_seller(st, "held@shop.example", seller);
	in.seller_id = seller;
	assert_int_equal(legal_hold_create(st, &in, "ops:key_1", &h, &err), OB_OK);
	assert_non_null(strstr(h.id, "hold_"));
	assert_string_equal(h.seller_id, seller);
	assert_string_equal(h.reason, reason);
	assert_string_equal(h.created_by, "ops:key_1");
	assert_int_equal(h.created_at, T0);
	assert_string_equal(legal_hold_status(&h, T0), "active");
	assert_int_equal(legal_hold_get(st, h.id, &got, &err), OB_OK);
	assert_string_equal(got.reason, reason);
	assert_int_equal(got.until, h.until);
	assert_int_equal(legal_hold_until(st, seller, T0, &until, &err), OB_OK);
	assert_int_equal(until, h.until);
	assert_int_equal(hold_audits(st, seller, reason, "legal_hold.created"), 1);

	/* the purge is refused, saying until when and not why */
	assert_int_equal(legal_hold_check_purge(st, seller, T0, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "legal_hold");
	assert_non_null(strstr(err.message, "2028-06-30"));
	assert_null(strstr(err.message, "prosecutor"));
	assert_int_equal(legal_hold_check_purge(st, seller, h.until, &err), OB_OK);

	clock_pin(T0 + 60);
	assert_int_equal(legal_hold_release(st, h.id, "ops:key_2", &got, &err), OB_OK);
	assert_int_equal(got.released_at, T0 + 60);
	assert_string_equal(got.released_by, "ops:key_2");
	assert_string_equal(legal_hold_status(&got, T0 + 60), "released");
	assert_int_equal(legal_hold_release(st, h.id, "ops:key_2", &again, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "legal_hold_released");
	assert_int_equal(legal_hold_release(st, "hold_unknown", "ops:key_2", &again, &err), OB_ENOTFOUND);
	assert_int_equal(legal_hold_release(st, "../x", "ops:key_2", &again, &err), OB_ENOTFOUND);
	assert_int_equal(legal_hold_get(st, "hold_unknown", &again, &err), OB_ENOTFOUND);
	assert_int_equal(hold_audits(st, seller, reason, "legal_hold.released"), 1);
	assert_int_equal(legal_hold_check_purge(st, seller, T0 + 60, &err), OB_OK);
	assert_int_equal(audit_verify(st, NULL, NULL, NULL, &verified, &broken, NULL, &err), OB_OK);
	assert_int_equal(broken, 0);
	/* a hold whose end passed is "ended" */
	got.released_at = 0;
	assert_string_equal(legal_hold_status(&got, got.until), "ended");
}

/* A failure inside the caller's transaction leaves neither the hold nor
 * its audit record. */
static void create_rolls_back_with_the_caller(void **state)
{
	struct store *st = *state;
	char seller[ID_MAX];
	struct legal_hold_input in = { NULL, "tax audit", "2028-01-01T00:00:00Z" };
	struct legal_hold h, out[2];
	struct ob_err err;
	size_t n = 9;

	facts_seller(st, "held@shop.example", seller);
	in.seller_id = seller;
	assert_int_equal(store_begin(st, 1, &err), OB_OK);
	assert_int_equal(legal_hold_create(st, &in, "ops:key_1", &h, &err), OB_OK);
	store_rollback(st);
	assert_int_equal(legal_holds_list(st, seller, 0, NULL, out, 2, &n, &err), OB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(hold_audits(st, seller, "tax audit", "legal_hold.created"), 0);
}

static void timeline_shows_the_delay(void **state)
{
	struct store *st = *state;
	char seller[ID_MAX], other[ID_MAX], until_text[32], msg[128];
	struct legal_hold_input in = { NULL, "tax audit of 2026", NULL };
	struct legal_hold h, short_hold;
	struct readiness rd;
	struct ob_err err;

	facts_seller(st, "held@shop.example", seller);
	facts_seller(st, "free@shop.example", other);
	assert_int_equal(closure_readiness(st, seller, T0, &rd, &err), OB_OK);
	assert_true(rd.timeline.erase_at > T0);
	assert_int_equal(rd.timeline.erasure_delayed_until, 0);

	/* a hold that ends before the planned erasure delays nothing */
	clock_format(rd.timeline.erase_at - DAY, until_text, sizeof(until_text));
	in.seller_id = seller;
	in.until = until_text;
	assert_int_equal(legal_hold_create(st, &in, "ops:key_1", &short_hold, &err), OB_OK);
	assert_int_equal(closure_readiness(st, seller, T0, &rd, &err), OB_OK);
	assert_int_equal(rd.timeline.erasure_delayed_until, 0);

	/* one past it does */
	clock_format(rd.timeline.erase_at + 400 * DAY, until_text, sizeof(until_text));
	assert_int_equal(legal_hold_create(st, &in, "ops:key_1", &h, &err), OB_OK);
	assert_int_equal(closure_readiness(st, seller, T0, &rd, &err), OB_OK);
	assert_int_equal(rd.timeline.erasure_delayed_until, h.until);
	legal_hold_delay_message(rd.timeline.erasure_delayed_until, msg, sizeof(msg));
	assert_non_null(strstr(msg, "Erasure is delayed by a legal obligation until "));
	assert_int_equal(strncmp(strstr(msg, "until ") + 6, until_text, 10), 0);
	assert_null(strstr(msg, "tax"));

	/* another seller is not held */
	assert_int_equal(closure_readiness(st, other, T0, &rd, &err), OB_OK);
	assert_int_equal(rd.timeline.erasure_delayed_until, 0);

	/* released: no delay any more */
	assert_int_equal(legal_hold_release(st, h.id, "ops:key_1", &h, &err), OB_OK);
	assert_int_equal(closure_readiness(st, seller, T0, &rd, &err), OB_OK);
	assert_int_equal(rd.timeline.erasure_delayed_until, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(store_insert_get_release, setup, teardown),
		cmocka_unit_test_setup_teardown(store_list_pages_newest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(store_until_counts_holds_in_force, setup, teardown),
		cmocka_unit_test_setup_teardown(create_refuses_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(create_release_and_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(create_rolls_back_with_the_caller, setup, teardown),
		cmocka_unit_test_setup_teardown(timeline_shows_the_delay, setup, teardown),
	};

	if (crypto_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
