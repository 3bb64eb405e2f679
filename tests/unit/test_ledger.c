/* The ledger: every money event balances, balances always equal their
 * postings, accounts that cannot go negative never do, and `check` stays
 * clean, over long random streams of events (a property test with a fixed
 * seed, so that a failure can be replayed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts.h"

#include "core/crypto.h"
#include "domain/ledger.h"
#include "domain/payout.h"

#include <string.h>

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

static void count_violation(void *arg, const char *what)
{
	fprintf(stderr, "violation: %s\n", what);
	(*(int *)arg)++;
}

static int violations(struct store *st)
{
	int seen = 0, n = 0;
	struct ob_err err;

	assert_int_equal(store_check(st, count_violation, &seen, &n, &err), OB_OK);
	assert_int_equal(seen, n);
	return n;
}

static enum ob_rc post(struct store *st, const char *seller, const char *type, int64_t amount,
		       struct ledger_txn *t, struct ob_err *err)
{
	struct ledger_input in = { .seller_id = seller, .type = type, .amount_minor = amount, .currency = "USD" };

	return ledger_post(st, &in, t, err);
}

static void events_move_the_right_balances(void **state)
{
	struct store *st = *state;
	char s[ID_MAX];
	struct ledger_txn t;
	struct balance_view b;
	struct ob_err err;

	facts_seller(st, "a@shop.example", s);
	assert_int_equal(post(st, s, "sale", 10000, &t, &err), OB_OK);
	assert_int_equal(post(st, s, "release", 8000, &t, &err), OB_OK);
	assert_int_equal(post(st, s, "fee", 1500, &t, &err), OB_OK);
	assert_int_equal(post(st, s, "refund", 500, &t, &err), OB_OK);
	assert_int_equal(post(st, s, "adjustment", -250, &t, &err), OB_OK);
	assert_int_equal(ledger_balances(st, s, &b, &err), OB_OK);
	assert_int_equal(b.pending, 2000);
	assert_int_equal(b.available, 8000 - 1500 - 500 - 250);
	assert_int_equal(b.debt, 0);

	/* a claim larger than what is available leaves a debt, not a negative "available" */
	assert_int_equal(post(st, s, "claim", 10000, &t, &err), OB_OK);
	assert_int_equal(ledger_balances(st, s, &b, &err), OB_OK);
	assert_int_equal(b.available, 0);
	assert_int_equal(b.debt, 10000 - 5750);

	/* pending cannot go below zero */
	assert_int_equal(post(st, s, "release", 2001, &t, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "insufficient_funds");
	/* bad input */
	assert_int_equal(post(st, s, "gift", 1, &t, &err), OB_EINVAL);
	assert_string_equal(err.code, "unknown_type");
	assert_int_equal(post(st, s, "sale", 0, &t, &err), OB_EINVAL);
	assert_int_equal(post(st, s, "sale", -5, &t, &err), OB_EINVAL);
	assert_int_equal(post(st, s, "sale", INT64_MAX, &t, &err), OB_EINVAL);
	assert_int_equal(post(st, s, "payout", 5, &t, &err), OB_EINVAL);   /* internal only */
	struct ledger_input eur = { .seller_id = s, .type = "sale", .amount_minor = 1, .currency = "EUR" };
	assert_int_equal(ledger_post(st, &eur, &t, &err), OB_EINVAL);
	assert_string_equal(err.code, "currency_mismatch");
	assert_int_equal(violations(st), 0);
}

static void reversal_once(void **state)
{
	struct store *st = *state;
	char s[ID_MAX];
	struct ledger_txn t, r;
	struct balance_view b;
	struct ob_err err;

	facts_seller(st, "a@shop.example", s);
	assert_int_equal(post(st, s, "sale", 700, &t, &err), OB_OK);
	assert_int_equal(ledger_reverse(st, t.id, "entered twice", &r, &err), OB_OK);
	assert_string_equal(r.reverses_id, t.id);
	assert_int_equal(ledger_balances(st, s, &b, &err), OB_OK);
	assert_int_equal(b.pending, 0);
	struct ledger_txn again;
	assert_int_equal(ledger_reverse(st, t.id, NULL, &again, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "already_reversed");
	assert_int_equal(ledger_reverse(st, r.id, NULL, &again, &err), OB_ECONFLICT);   /* a reversal */
	assert_string_equal(err.code, "not_reversible");
	assert_int_equal(ledger_reverse(st, "txn_nope", NULL, &r, &err), OB_ENOTFOUND);

	/* a reversal that would make pending negative is refused */
	assert_int_equal(post(st, s, "sale", 100, &t, &err), OB_OK);
	assert_int_equal(post(st, s, "release", 100, &r, &err), OB_OK);
	assert_int_equal(ledger_reverse(st, t.id, NULL, &r, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "insufficient_funds");
	assert_int_equal(violations(st), 0);
}

/* xorshift64*: deterministic, so a failing stream can be replayed. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(uint64_t n)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (rnd_state * 0x2545f4914f6cdd1du) % n;
}

static void random_streams_keep_every_invariant(void **state)
{
	static const char *const types[] = { "sale", "release", "fee", "refund", "claim", "adjustment" };
	struct store *st = *state;
	char sellers[3][ID_MAX], payouts[64][ID_MAX], txns[256][ID_MAX];
	size_t npayouts = 0, ntxns = 0;
	struct ob_err err;
	int64_t model_pending[3] = { 0 }, model_available[3] = { 0 }, model_flight[3] = { 0 };

	facts_seller(st, "a@shop.example", sellers[0]);
	facts_seller(st, "b@shop.example", sellers[1]);
	facts_seller(st, "c@shop.example", sellers[2]);
	for (int step = 0; step < 1500; step++) {
		int who = (int)rnd(3), op = (int)rnd(10);
		const char *s = sellers[who];
		struct ledger_txn t;
		struct payout p;
		int64_t amount = (int64_t)rnd(50000) + 1;
		enum ob_rc rc;

		if (op < 6) {
			const char *type = types[op];
			if (op == 5 && rnd(2))
				amount = -amount;
			rc = post(st, s, type, amount, &t, &err);
			if (op == 1 && amount > model_pending[who]) {
				assert_int_equal(rc, OB_ECONFLICT);
				continue;
			}
			assert_int_equal(rc, OB_OK);
			if (ntxns < 256)
				snprintf(txns[ntxns++], ID_MAX, "%s", t.id);
			if (op == 0)
				model_pending[who] += amount;
			else if (op == 1)
				model_pending[who] -= amount, model_available[who] += amount;
			else if (op == 5)
				model_available[who] += amount;
			else
				model_available[who] -= amount;
		} else if (op == 6) {
			struct payout_input in = { .seller_id = s, .amount_minor = rnd(2) ? 0 : amount };
			rc = payout_request(st, &in, &p, &err);
			int64_t want = in.amount_minor ? in.amount_minor : model_available[who];
			if (want <= 0 || want > model_available[who]) {
				assert_int_equal(rc, OB_ECONFLICT);
				continue;
			}
			assert_int_equal(rc, OB_OK);
			assert_int_equal(p.amount_minor, want);
			model_available[who] -= want;
			model_flight[who] += want;
			if (npayouts < 64)
				snprintf(payouts[npayouts++], ID_MAX, "%s", p.id);
		} else if (op == 7 && npayouts > 0) {
			const char *to = rnd(3) == 0 ? "failed" : rnd(2) ? "settled" : "sent";
			const char *id = payouts[rnd(npayouts)];
			struct payout before;
			assert_int_equal(store_payout_get(st, id, &before, &err), OB_OK);
			rc = payout_transition(st, id, to, NULL, &p, &err);
			int from = before.status, target = store_enum_parse(payout_status_names, to);
			int ok = from == target || (from == PAYOUT_REQUESTED) || (from == PAYOUT_SENT && target != PAYOUT_SENT);
			if (from == PAYOUT_SETTLED || from == PAYOUT_FAILED)
				ok = from == target;
			assert_int_equal(rc, ok ? OB_OK : OB_ECONFLICT);
			if (rc == OB_OK && from != target && target != PAYOUT_SENT) {
				int w = strcmp(before.seller_id, sellers[0]) == 0 ? 0 :
					strcmp(before.seller_id, sellers[1]) == 0 ? 1 : 2;
				model_flight[w] -= before.amount_minor;
				if (target == PAYOUT_FAILED)
					model_available[w] += before.amount_minor;
			}
		} else if (op == 8 && ntxns > 0) {
			/* reversals: allowed once, and only when no account goes below zero */
			struct ledger_txn orig;
			const char *id = txns[rnd(ntxns)];
			assert_int_equal(store_ledger_get(st, id, &orig, &err), OB_OK);
			rc = ledger_reverse(st, id, NULL, &t, &err);
			if (rc == OB_OK) {
				int w = strcmp(orig.seller_id, sellers[0]) == 0 ? 0 :
					strcmp(orig.seller_id, sellers[1]) == 0 ? 1 : 2;
				model_available[w] -= ledger_effect(&orig, "seller_available");
				model_pending[w] -= ledger_effect(&orig, "seller_pending");
			} else {
				assert_int_equal(rc, OB_ECONFLICT);
			}
		}
		if (step % 100 == 99) {
			assert_int_equal(violations(st), 0);
			for (int i = 0; i < 3; i++) {
				struct balance_view b;
				assert_int_equal(ledger_balances(st, sellers[i], &b, &err), OB_OK);
				assert_int_equal(b.pending, model_pending[i]);
				assert_int_equal(b.available - b.debt, model_available[i]);
				assert_int_equal(b.in_flight, model_flight[i]);
				assert_true(b.pending >= 0 && b.in_flight >= 0);
			}
		}
	}
	assert_int_equal(violations(st), 0);
}

static void check_finds_a_corrupted_balance(void **state)
{
	struct store *st = *state;
	char s[ID_MAX];
	struct ledger_txn t;
	struct balance b = { .account = "seller_pending", .currency = "USD", .amount_minor = 999 };
	struct ob_err err;

	facts_seller(st, "a@shop.example", s);
	assert_int_equal(post(st, s, "sale", 100, &t, &err), OB_OK);
	assert_int_equal(violations(st), 0);
	snprintf(b.seller_id, sizeof(b.seller_id), "%s", s);
	assert_int_equal(store_balance_put(st, &b, &err), OB_OK);
	assert_int_equal(violations(st), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(events_move_the_right_balances, setup, teardown),
		cmocka_unit_test_setup_teardown(reversal_once, setup, teardown),
		cmocka_unit_test_setup_teardown(random_streams_keep_every_invariant, setup, teardown),
		cmocka_unit_test_setup_teardown(check_finds_a_corrupted_balance, setup, teardown),
	};

	if (crypto_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
