/* The audit log: the chain verifies; an edited, removed or inserted record
 * is reported where it shows; removing the newest records only moves the
 * head back (the documented limit); the hash encoding is pinned by a known
 * vector; sign-in and TOTP steps leave records without personal data.
 * Tampering goes through the SQLite file directly, as an attacker with the
 * file would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/keyring.h"
#include "core/totp.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/marketplace.h"
#include "domain/seller.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1800000000

struct fixture {
	struct store *st;
	char path[256];          /* the SQLite file, for tampering */
};

static int setup(void **state)
{
	static int n;
	struct fixture *f = calloc(1, sizeof(*f));
	char dir[] = "/tmp/offboard-test-XXXXXX", url[300];
	struct ob_err err;

	if (f == NULL || mkdtemp(dir) == NULL)
		return -1;
	if (!keyring_ready()) {
		unsigned char key[KEYRING_KEY_LEN];

		crypto_random(key, sizeof(key));
		keyring_use(key);
	}
	snprintf(f->path, sizeof(f->path), "%s/audit%d.db", dir, n++);
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	if (store_open(url, &f->st, &err) != OB_OK || store_migrate(f->st, NULL, &err) != OB_OK) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	clock_pin(T0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	clock_pin(0);
	free(f);
	return 0;
}

/* Runs one statement on the database file behind the store's back. */
static void tamper(struct fixture *f, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("tamper: %s", msg ? msg : "?");
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_close(db);
}

/* Appends n records, some per transaction as a caller would, some alone. */
static void append(struct store *st, int n)
{
	struct ob_err err;
	char detail[64], seller[32];

	for (int i = 0; i < n; i++) {
		int in_tx = i % 3 == 0;
		snprintf(detail, sizeof(detail), "{\"i\":%d}", i);
		snprintf(seller, sizeof(seller), "sel_%d", i % 4);
		clock_pin(T0 + i);
		if (in_tx)
			assert_int_equal(store_begin(st, 1, &err), OB_OK);
		assert_int_equal(audit_record(st, "cli", seller, "test.append", detail, &err), OB_OK);
		if (in_tx)
			assert_int_equal(store_commit(st, &err), OB_OK);
	}
}

/* What audit_verify reported. */
#define MAX_PROBLEMS 16
struct findings {
	int n;
	int64_t seq[MAX_PROBLEMS];
	enum audit_problem what[MAX_PROBLEMS];
	char message[MAX_PROBLEMS][256];
	int64_t checked, broken;
	struct audit_head head;
};

static void collect(void *arg, int64_t seq, enum audit_problem what, const char *message)
{
	struct findings *f = arg;

	if (f->n == MAX_PROBLEMS)
		fail_msg("too many problems reported");
	f->seq[f->n] = seq;
	f->what[f->n] = what;
	snprintf(f->message[f->n], sizeof(f->message[0]), "%s", message);
	f->n++;
}

static void verify_noted(struct store *st, const struct audit_head *noted, struct findings *out)
{
	struct ob_err err;

	memset(out, 0, sizeof(*out));
	assert_int_equal(audit_verify(st, noted, collect, out, &out->checked, &out->broken, &out->head,
				      &err), OB_OK);
	assert_int_equal(out->broken, out->n);
}

static void verify(struct store *st, struct findings *out)
{
	verify_noted(st, NULL, out);
}

static void empty_log_verifies(void **state)
{
	struct fixture *f = *state;
	struct audit_record last;
	struct findings v;
	struct ob_err err;

	assert_int_equal(store_audit_last(f->st, &last, &err), OB_ENOTFOUND);
	verify(f->st, &v);
	assert_int_equal(v.checked, 0);
	assert_int_equal(v.broken, 0);
	assert_int_equal(v.head.seq, 0);
	assert_string_equal(v.head.hash, audit_zero_hash);
}

static void long_chain_verifies(void **state)
{
	struct fixture *f = *state;
	struct audit_record page[8], prev, last;
	struct findings v;
	struct ob_err err;
	size_t n;

	/* more than two pages of audit_verify */
	append(f->st, 600);
	verify(f->st, &v);
	assert_int_equal(v.checked, 600);
	assert_int_equal(v.broken, 0);
	assert_int_equal(store_audit_last(f->st, &last, &err), OB_OK);
	assert_int_equal(last.seq, 600);
	assert_int_equal(v.head.seq, 600);
	assert_string_equal(v.head.hash, last.hash);

	/* each record links to the one before, and its fields are as given */
	assert_int_equal(store_audit_scan(f->st, 0, page, 8, &n, &err), OB_OK);
	assert_int_equal(n, 8);
	assert_int_equal(page[0].seq, 1);
	assert_string_equal(page[0].prev_hash, audit_zero_hash);
	assert_int_equal(page[0].at, T0);
	assert_string_equal(page[0].actor, "cli");
	assert_string_equal(page[0].seller_id, "sel_0");
	assert_string_equal(page[0].action, "test.append");
	assert_string_equal(page[0].detail, "{\"i\":0}");
	for (size_t i = 1; i < n; i++) {
		assert_int_equal(page[i].seq, page[i - 1].seq + 1);
		assert_string_equal(page[i].prev_hash, page[i - 1].hash);
	}
	assert_int_equal(store_audit_scan(f->st, 598, page, 8, &n, &err), OB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(page[0].seq, 599);

	/* one seller's records, newest first, a page at a time */
	assert_int_equal(store_audit_list_seller(f->st, "sel_1", 0, page, 3, &n, &err), OB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(page[0].seq, 598);     /* i = 597, 597 % 4 == 1 */
	assert_int_equal(page[1].seq, 594);
	assert_int_equal(page[2].seq, 590);
	prev = page[2];
	assert_int_equal(store_audit_list_seller(f->st, "sel_1", prev.seq, page, 3, &n, &err), OB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(page[0].seq, 586);
	assert_int_equal(store_audit_list_seller(f->st, "sel_9", 0, page, 3, &n, &err), OB_OK);
	assert_int_equal(n, 0);
}

static void edited_record_is_reported_at_its_seq(void **state)
{
	struct fixture *f = *state;
	struct findings v;

	append(f->st, 10);
	tamper(f, "UPDATE audit_log SET detail = '{\"i\":40}' WHERE seq = 5");
	verify(f->st, &v);
	assert_int_equal(v.checked, 10);
	assert_int_equal(v.broken, 1);
	assert_int_equal(v.seq[0], 5);
	assert_int_equal(v.what[0], AUDIT_EDITED);
	assert_non_null(strstr(v.message[0], "record 5"));
	/* an edit does not hide the head */
	assert_int_equal(v.head.seq, 10);
}

static void edit_with_recomputed_hash_breaks_the_next_link(void **state)
{
	struct fixture *f = *state;
	struct audit_record page[10];
	struct findings v;
	struct ob_err err;
	char sql[512];
	size_t n;

	append(f->st, 10);
	/* the attacker knows the encoding and rehashes the edited record */
	assert_int_equal(store_audit_scan(f->st, 4, page, 1, &n, &err), OB_OK);
	assert_int_equal(page[0].seq, 5);
	snprintf(page[0].actor, sizeof(page[0].actor), "ops:key_someone_else");
	audit_hash(&page[0], page[0].hash);
	snprintf(sql, sizeof(sql), "UPDATE audit_log SET actor = '%s', hash = '%s' WHERE seq = 5",
		 page[0].actor, page[0].hash);
	tamper(f, sql);
	verify(f->st, &v);
	assert_int_equal(v.broken, 1);
	assert_int_equal(v.seq[0], 6);
	assert_int_equal(v.what[0], AUDIT_LINK);
}

static void removed_middle_record_is_reported(void **state)
{
	struct fixture *f = *state;
	struct findings v;

	append(f->st, 10);
	tamper(f, "DELETE FROM audit_log WHERE seq = 5");
	verify(f->st, &v);
	assert_int_equal(v.checked, 9);
	assert_int_equal(v.broken, 2);
	assert_int_equal(v.seq[0], 6);
	assert_int_equal(v.what[0], AUDIT_GAP);
	assert_non_null(strstr(v.message[0], "record 5 is missing"));
	assert_int_equal(v.seq[1], 6);
	assert_int_equal(v.what[1], AUDIT_LINK);
}

static void removed_first_record_is_reported(void **state)
{
	struct fixture *f = *state;
	struct findings v;

	append(f->st, 4);
	tamper(f, "DELETE FROM audit_log WHERE seq = 1");
	verify(f->st, &v);
	assert_int_equal(v.broken, 2);
	assert_int_equal(v.seq[0], 2);
	assert_int_equal(v.what[0], AUDIT_GAP);
	assert_int_equal(v.what[1], AUDIT_LINK);
}

static void renumbered_record_is_reported(void **state)
{
	struct fixture *f = *state;
	struct findings v;

	/* hiding a removal by closing the gap: seq is part of the hash */
	append(f->st, 6);
	tamper(f, "DELETE FROM audit_log WHERE seq = 3");
	tamper(f, "UPDATE audit_log SET seq = 3 WHERE seq = 4");
	verify(f->st, &v);
	assert_true(v.broken >= 1);
	assert_int_equal(v.seq[0], 3);
	assert_int_equal(v.what[0], AUDIT_EDITED);
}

/* The limit: a chain cut at the end is intact, only shorter. Noting the
 * head at each verification catches it. */
static void removed_newest_records_only_move_the_head(void **state)
{
	struct fixture *f = *state;
	struct findings before, after;

	append(f->st, 10);
	verify(f->st, &before);
	assert_int_equal(before.head.seq, 10);
	/* a noted head that is still there is no problem, later records or not */
	verify_noted(f->st, &before.head, &after);
	assert_int_equal(after.broken, 0);
	append(f->st, 1);
	verify_noted(f->st, &before.head, &after);
	assert_int_equal(after.broken, 0);
	tamper(f, "DELETE FROM audit_log WHERE seq = 11");

	tamper(f, "DELETE FROM audit_log WHERE seq = 10");
	tamper(f, "DELETE FROM audit_log WHERE seq = 9");
	verify(f->st, &after);
	assert_int_equal(after.broken, 0);
	assert_int_equal(after.checked, 8);
	assert_int_equal(after.head.seq, 8);
	assert_string_not_equal(after.head.hash, before.head.hash);
	/* the noted head shows it */
	verify_noted(f->st, &before.head, &after);
	assert_int_equal(after.broken, 1);
	assert_int_equal(after.what[0], AUDIT_HEAD);
	assert_non_null(strstr(after.message[0], "ends at record 8"));

	/* the next record continues from the new head, so the noted one
	 * (seq 10, its hash) never shows again */
	append(f->st, 2);
	verify(f->st, &after);
	assert_int_equal(after.broken, 0);
	assert_int_equal(after.head.seq, 10);
	assert_string_not_equal(after.head.hash, before.head.hash);
	verify_noted(f->st, &before.head, &after);
	assert_int_equal(after.broken, 1);
	assert_int_equal(after.seq[0], 10);
	assert_int_equal(after.what[0], AUDIT_HEAD);
}

/* The encoding of audit.h, written out byte by byte: if this test fails,
 * the code no longer computes the hashes of records already stored. */
static void hash_encoding_is_fixed(void **state)
{
	static const char bytes[] =
		"\x00\x00\x00\x11" "offboard.audit.v1"
		"\x00\x00\x00\x00\x00\x00\x00\x02"                  /* seq 2 */
		"\x00\x00\x00\x00\x6b\x49\xd2\x00"                  /* at 1800000000 */
		"\x00\x00\x00\x0e" "seller:sel_abc"
		"\x00\x00\x00\x07" "sel_abc"
		"\x00\x00\x00\x0f" "session.sign_in"
		"\x00\x00\x00\x14" "{\"result\":\"success\"}"
		"\x00\x00\x00\x40" "abababababababababababababababab"
		"abababababababababababababababab";
	static const char expected[] = "1d3e18a93746e359a323bcd312d9b91baee519b0695451716f4ae1f88e661846";
	struct audit_record a;
	char h[AUDIT_HASH_LEN + 1];

	(void)state;
	crypto_sha256_hex(bytes, sizeof(bytes) - 1, h);
	assert_string_equal(h, expected);

	memset(&a, 0, sizeof(a));
	a.seq = 2;
	a.at = 1800000000;
	snprintf(a.actor, sizeof(a.actor), "seller:sel_abc");
	snprintf(a.seller_id, sizeof(a.seller_id), "sel_abc");
	snprintf(a.action, sizeof(a.action), "session.sign_in");
	snprintf(a.detail, sizeof(a.detail), "{\"result\":\"success\"}");
	for (int i = 0; i < AUDIT_HASH_LEN; i++)
		a.prev_hash[i] = i % 2 ? 'b' : 'a';
	snprintf(a.hash, sizeof(a.hash), "not part of the hash");
	audit_hash(&a, h);
	assert_string_equal(h, expected);

	/* empty fields and a negative time encode as well */
	memset(&a, 0, sizeof(a));
	a.seq = 1;
	a.at = -1;
	snprintf(a.actor, sizeof(a.actor), "cli");
	snprintf(a.action, sizeof(a.action), "ops_key.create");
	snprintf(a.detail, sizeof(a.detail), "{}");
	memcpy(a.prev_hash, audit_zero_hash, sizeof(a.prev_hash));
	audit_hash(&a, h);
	assert_string_equal(h, "5db4da49866a2bda77863159683b3b0c68b630f97431567d5145ba6e6e578f3b");
}

static void bad_input_appends_nothing(void **state)
{
	struct fixture *f = *state;
	struct audit_record last;
	struct ob_err err;
	char big[1100];

	memset(big, 'x', sizeof(big));
	big[0] = '{';
	big[sizeof(big) - 2] = '}';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(audit_record(f->st, "", NULL, "a", "{}", &err), OB_EINVAL);
	assert_int_equal(audit_record(f->st, "cli", NULL, NULL, "{}", &err), OB_EINVAL);
	assert_int_equal(audit_record(f->st, "cli", NULL, "a", "[1]", &err), OB_EINVAL);
	assert_int_equal(audit_record(f->st, "cli", NULL, "a", "", &err), OB_EINVAL);
	assert_int_equal(audit_record(f->st, "cli", NULL, "a", big, &err), OB_EINVAL);
	assert_int_equal(audit_record(f->st, "cli", "sel_0123456789012345678901234567890", "a", "{}", &err),
			 OB_EINVAL);
	assert_int_equal(store_audit_last(f->st, &last, &err), OB_ENOTFOUND);
	/* NULL detail is an empty object */
	assert_int_equal(audit_record(f->st, "cli", NULL, "a", NULL, &err), OB_OK);
	assert_int_equal(store_audit_last(f->st, &last, &err), OB_OK);
	assert_string_equal(last.detail, "{}");
	assert_string_equal(last.seller_id, "");
}

static void rolled_back_with_its_transaction(void **state)
{
	struct fixture *f = *state;
	struct audit_record last;
	struct findings v;
	struct ob_err err;

	append(f->st, 2);
	assert_int_equal(store_begin(f->st, 1, &err), OB_OK);
	assert_int_equal(audit_record(f->st, "cli", NULL, "test.undone", "{}", &err), OB_OK);
	store_rollback(f->st);
	assert_int_equal(store_audit_last(f->st, &last, &err), OB_OK);
	assert_int_equal(last.seq, 2);
	append(f->st, 1);
	verify(f->st, &v);
	assert_int_equal(v.checked, 3);
	assert_int_equal(v.broken, 0);
}

static const struct auth_policy policy = {
	.session_idle = 600, .session_max = 3600, .max_failures = 5, .ip_max_failures = 8,
	.lockout_base = 30, .lockout_max = 900,
};

/* Reads the records from after_seq on into page; returns how many. */
static size_t records(struct store *st, int64_t after_seq, struct audit_record *page, size_t cap)
{
	struct ob_err err;
	size_t n = 0;

	assert_int_equal(store_audit_scan(st, after_seq, page, cap, &n, &err), OB_OK);
	for (size_t i = 0; i < n; i++) {
		/* no personal data in any record */
		assert_null(strstr(page[i].detail, "@"));
		assert_null(strstr(page[i].detail, "Ann"));
		assert_null(strstr(page[i].detail, "horse"));
	}
	return n;
}

static void sign_in_and_totp_leave_records(void **state)
{
	struct fixture *f = *state;
	struct store *st = f->st;
	struct marketplace m;
	struct seller s;
	struct sign_in in;
	struct audit_record page[8], last;
	struct findings v;
	struct ob_err err;
	struct marketplace_input mi = { .id = "us", .name = "US", .currency = "USD" };
	struct seller_input si = { .email = "ann@shop.example", .password = "correct horse",
				   .display_name = "Ann", .marketplace = "us" };
	char actor[64], secret[TOTP_SECRET_B32_MAX], other[TOTP_SECRET_B32_MAX], code[16];
	int64_t base;

	assert_int_equal(marketplace_create(st, &mi, &m, &err), OB_OK);
	assert_int_equal(seller_create(st, &si, &s, &err), OB_OK);
	snprintf(actor, sizeof(actor), "seller:%s", s.id);
	base = store_audit_last(st, &last, &err) == OB_OK ? last.seq : 0;

	/* an unknown account: anonymous, and the address tried is not kept */
	assert_int_equal(auth_sign_in(st, &policy, "nobody@shop.example", "x", NULL, "10.0.0.1", &in, &err),
			 OB_EAUTH);
	/* a known account with a wrong password */
	assert_int_equal(auth_sign_in(st, &policy, "ann@shop.example", "wrong", NULL, "10.0.0.1", &in, &err),
			 OB_EAUTH);
	assert_int_equal(auth_sign_in(st, &policy, "ann@shop.example", "correct horse", NULL, "10.0.0.1",
				      &in, &err), OB_OK);
	assert_int_equal(records(st, base, page, 8), 3);
	assert_string_equal(page[0].actor, "anonymous");
	assert_string_equal(page[0].seller_id, "");
	assert_string_equal(page[0].action, "session.sign_in");
	assert_string_equal(page[0].detail, "{\"result\":\"failure\",\"reason\":\"invalid_credentials\"}");
	assert_string_equal(page[1].actor, actor);
	assert_string_equal(page[1].seller_id, s.id);
	assert_string_equal(page[1].detail, "{\"result\":\"failure\",\"reason\":\"invalid_credentials\"}");
	assert_string_equal(page[2].actor, actor);
	assert_string_equal(page[2].detail, "{\"result\":\"success\",\"scope\":\"seller\",\"totp\":false}");
	base += 3;

	/* TOTP: a wrong first code, the right one, then sign-in steps */
	assert_int_equal(auth_totp_enrol(st, s.id, secret, &err), OB_OK);
	assert_int_equal(auth_totp_verify(st, s.id, "000000x", &err), OB_EINVAL);
	assert_int_equal(totp_generate(secret, T0, 6, code), 0);
	assert_int_equal(auth_totp_verify(st, s.id, code, &err), OB_OK);
	assert_int_equal(auth_totp_enrol(st, s.id, other, &err), OB_ECONFLICT);
	assert_int_equal(auth_sign_in(st, &policy, "ann@shop.example", "correct horse", NULL, "10.0.0.1",
				      &in, &err), OB_EAUTH);
	clock_pin(T0 + 60);
	assert_int_equal(totp_generate(secret, T0 + 60, 6, code), 0);
	assert_int_equal(auth_sign_in(st, &policy, "ann@shop.example", "correct horse", code, "10.0.0.1",
				      &in, &err), OB_OK);
	assert_int_equal(records(st, base, page, 8), 6);
	assert_string_equal(page[0].action, "totp.enrol");
	assert_string_equal(page[0].detail, "{\"result\":\"success\"}");
	assert_string_equal(page[1].action, "totp.verify");
	assert_string_equal(page[1].detail, "{\"result\":\"failure\",\"reason\":\"invalid_totp\"}");
	assert_string_equal(page[2].action, "totp.verify");
	assert_string_equal(page[2].detail, "{\"result\":\"success\"}");
	assert_string_equal(page[3].action, "totp.enrol");
	assert_string_equal(page[3].detail, "{\"result\":\"failure\",\"reason\":\"totp_already_enabled\"}");
	assert_string_equal(page[4].detail, "{\"result\":\"failure\",\"reason\":\"totp_required\"}");
	assert_string_equal(page[5].detail, "{\"result\":\"success\",\"scope\":\"seller\",\"totp\":true}");
	for (int i = 0; i < 6; i++) {
		assert_string_equal(page[i].actor, actor);
		assert_null(strstr(page[i].detail, secret));
		assert_null(strstr(page[i].detail, code));
	}
	verify(st, &v);
	assert_int_equal(v.broken, 0);
	crypto_wipe(&in, sizeof(in));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(empty_log_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(long_chain_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(edited_record_is_reported_at_its_seq, setup, teardown),
		cmocka_unit_test_setup_teardown(edit_with_recomputed_hash_breaks_the_next_link, setup, teardown),
		cmocka_unit_test_setup_teardown(removed_middle_record_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(removed_first_record_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(renumbered_record_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(removed_newest_records_only_move_the_head, setup, teardown),
		cmocka_unit_test(hash_encoding_is_fixed),
		cmocka_unit_test_setup_teardown(bad_input_appends_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(rolled_back_with_its_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(sign_in_and_totp_leave_records, setup, teardown),
	};

	if (crypto_init() < 0 || totp_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
