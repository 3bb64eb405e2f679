/* policy.h: the rules that differ by marketplace and jurisdiction, as data.
 *
 * A policy file holds named sections of `key = value` lines:
 *
 *     [default]
 *     grace_days = 14
 *     [eu]
 *     grace_days = 30
 *
 * Every section starts from the built-in defaults (etc/policy.conf says
 * them all, with what each means); a marketplace names the section it
 * follows. Every value is checked when the file loads, with an error that
 * names the file, line and key. */
#ifndef OB_POLICY_H
#define OB_POLICY_H

#include <stddef.h>

/* The closure checks, as bits of policy.blocks: a check that blocks stops a
 * closure request; the others are shown as warnings. */
enum policy_check {
	CHECK_OPEN_ORDERS = 1 << 0,
	CHECK_OPEN_DISPUTES = 1 << 1,
	CHECK_AVAILABLE_BALANCE = 1 << 2,
	CHECK_PAYOUTS_IN_FLIGHT = 1 << 3,
	CHECK_NEGATIVE_BALANCE = 1 << 4,
	CHECK_FULFILMENT_INVENTORY = 1 << 5,
	CHECK_RETURN_WINDOW = 1 << 6,
};

#define POLICY_NAME_MAX 65
#define POLICY_MAX 32

struct policy {
	char name[POLICY_NAME_MAX];
	unsigned blocks;               /* enum policy_check bits */
	int grace_days;                /* closing -> closed; the seller may cancel */
	int confirm_hours;             /* life of the e-mailed confirmation link */
	int step_up_minutes;           /* a password check counts this long */
	int return_window_days;        /* after delivery, buyers may return */
	int reserve_days;              /* after closure, held for late refunds and claims */
	int history_days;              /* after closure, read-only access */
	int export_days;               /* life of an export file */
	int retention_financial_days;  /* pseudonymous financial records are kept this long */
	long long payout_minimum_minor;/* smallest withdrawal */
	int payouts_in_flight_max;     /* withdrawals on their way at once; 0: no limit */
	long long reserve_minimum_minor; /* the reserve holds at most this much ... */
	int reserve_share_percent;     /* ... or this share of the sales of the last reserve_days */
	int fee_proration_daily;       /* 1: last month's fees by the day; 0: none for a partial month */
};

/* Loads the policy file at path (replacing the loaded policies). Returns 0,
 * or -1 with one line in err naming file, line and key. Not thread-safe:
 * call before starting threads. */
int policy_load(const char *path, char *err, size_t errcap);

/* The policy called name, else the "default" one (the built-in defaults
 * when no file says otherwise). Borrowed for the program's life. */
const struct policy *policy_get(const char *name);

/* The name of a check ("open_orders") and back (-1 when unknown: 0 bits). */
const char *policy_check_name(enum policy_check c);
unsigned policy_check_parse(const char *name);

#endif
