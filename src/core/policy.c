#include "core/policy.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL_CHECKS 0x7fu

static const struct policy builtin = {
	.name = "default",
	.blocks = ALL_CHECKS,
	.grace_days = 14,
	.confirm_hours = 24,
	.step_up_minutes = 10,
	.return_window_days = 30,
	.reserve_days = 90,
	.history_days = 180,
	.export_days = 7,
	.retention_financial_days = 3653,
	.payout_minimum_minor = 1,
	.payouts_in_flight_max = 0,
	.reserve_minimum_minor = -1,
	.reserve_share_percent = 100,
	.fee_proration_daily = 1,
};

static struct policy loaded[POLICY_MAX];
static size_t nloaded;

static const char *const check_names[] = {
	"open_orders", "open_disputes", "available_balance", "payouts_in_flight",
	"negative_balance", "fulfilment_inventory", "return_window",
};

const char *policy_check_name(enum policy_check c)
{
	for (size_t i = 0; i < sizeof(check_names) / sizeof(check_names[0]); i++)
		if ((unsigned)c == 1u << i)
			return check_names[i];
	return "unknown";
}

unsigned policy_check_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(check_names) / sizeof(check_names[0]); i++)
		if (strcmp(check_names[i], name) == 0)
			return 1u << i;
	return 0;
}

enum key_type { K_INT, K_LLONG, K_CHECKS };

static const struct key {
	const char *name;
	enum key_type type;
	size_t offset;
	long long min, max;
} keys[] = {
	{ "blocks", K_CHECKS, offsetof(struct policy, blocks), 0, 0 },
	{ "grace_days", K_INT, offsetof(struct policy, grace_days), 0, 365 },
	{ "confirm_hours", K_INT, offsetof(struct policy, confirm_hours), 1, 720 },
	{ "step_up_minutes", K_INT, offsetof(struct policy, step_up_minutes), 1, 1440 },
	{ "return_window_days", K_INT, offsetof(struct policy, return_window_days), 0, 365 },
	{ "reserve_days", K_INT, offsetof(struct policy, reserve_days), 0, 730 },
	{ "history_days", K_INT, offsetof(struct policy, history_days), 0, 3650 },
	{ "export_days", K_INT, offsetof(struct policy, export_days), 1, 365 },
	{ "retention_financial_days", K_INT, offsetof(struct policy, retention_financial_days), 0, 36500 },
	{ "payout_minimum_minor", K_LLONG, offsetof(struct policy, payout_minimum_minor), 1, 1000000000000LL },
	{ "payouts_in_flight_max", K_INT, offsetof(struct policy, payouts_in_flight_max), 0, 100 },
	{ "reserve_minimum_minor", K_LLONG, offsetof(struct policy, reserve_minimum_minor), -1, 1000000000000LL },
	{ "reserve_share_percent", K_INT, offsetof(struct policy, reserve_share_percent), 0, 100 },
	{ "fee_proration_daily", K_INT, offsetof(struct policy, fee_proration_daily), 0, 1 },
};

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* Parses "a, b, c" (or "none") into check bits; -1 on an unknown name. */
static int parse_checks(char *v, unsigned *out, char *bad, size_t cap)
{
	char *save = NULL, *tok;

	*out = 0;
	if (strcmp(v, "none") == 0)
		return 0;
	for (tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned bit = policy_check_parse(trim(tok));
		if (bit == 0) {
			snprintf(bad, cap, "%s", trim(tok));
			return -1;
		}
		*out |= bit;
	}
	return 0;
}

static int set_key(struct policy *p, const char *name, char *value, char *err, size_t cap,
		   const char *where)
{
	const struct key *k = NULL;
	char *end, bad[64];
	long long n;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			k = &keys[i];
	if (k == NULL) {
		snprintf(err, cap, "%s: unknown key '%s'", where, name);
		return -1;
	}
	if (k->type == K_CHECKS) {
		if (parse_checks(value, (unsigned *)(void *)((char *)p + k->offset), bad, sizeof(bad)) < 0) {
			snprintf(err, cap, "%s: blocks: unknown check '%s' (known: open_orders, open_disputes,"
				 " available_balance, payouts_in_flight, negative_balance, fulfilment_inventory,"
				 " return_window, or none)", where, bad);
			return -1;
		}
		return 0;
	}
	errno = 0;
	n = strtoll(value, &end, 10);
	if (errno || end == value || *end || n < k->min || n > k->max) {
		snprintf(err, cap, "%s: %s: '%s' is not a whole number from %lld to %lld", where, name,
			 value, k->min, k->max);
		return -1;
	}
	if (k->type == K_INT)
		*(int *)(void *)((char *)p + k->offset) = (int)n;
	else
		*(long long *)(void *)((char *)p + k->offset) = n;
	return 0;
}

int policy_load(const char *path, char *err, size_t errcap)
{
	struct policy next[POLICY_MAX];
	size_t n = 0;
	char line[1024], where[300];
	int lineno = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(err, errcap, "cannot open policy file %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = trim(line), *eq;

		lineno++;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		if (*s == '\0' || *s == '#')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			if (close == NULL || close[1] != '\0' || close == s + 1 ||
			    (size_t)(close - s - 1) >= POLICY_NAME_MAX) {
				snprintf(err, errcap, "%s: a section is [name], up to 64 characters", where);
				goto fail;
			}
			if (n == POLICY_MAX) {
				snprintf(err, errcap, "%s: more than %d policies", where, POLICY_MAX);
				goto fail;
			}
			*close = '\0';
			for (size_t i = 0; i < n; i++)
				if (strcmp(next[i].name, s + 1) == 0) {
					snprintf(err, errcap, "%s: policy [%s] appears twice", where, s + 1);
					goto fail;
				}
			next[n] = builtin;
			snprintf(next[n].name, sizeof(next[n].name), "%s", s + 1);
			n++;
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			snprintf(err, errcap, "%s: expected key = value", where);
			goto fail;
		}
		if (n == 0) {
			snprintf(err, errcap, "%s: a key before the first [section]", where);
			goto fail;
		}
		*eq = '\0';
		if (set_key(&next[n - 1], trim(s), trim(eq + 1), err, errcap, where) < 0)
			goto fail;
	}
	fclose(f);
	memcpy(loaded, next, n * sizeof(next[0]));
	nloaded = n;
	return 0;
fail:
	fclose(f);
	return -1;
}

const struct policy *policy_get(const char *name)
{
	const struct policy *def = &builtin;

	for (size_t i = 0; i < nloaded; i++) {
		if (name && strcmp(loaded[i].name, name) == 0)
			return &loaded[i];
		if (strcmp(loaded[i].name, "default") == 0)
			def = &loaded[i];
	}
	return def;
}
