/* policy.h: the rules that differ by marketplace and jurisdiction, as data.
 *
 * A policy is a named set of values; every marketplace names the policy it
 * follows ("default" unless the operator says otherwise). */
#ifndef OB_POLICY_H
#define OB_POLICY_H

struct policy {
	char name[65];
	int return_window_days;     /* after delivery, buyers may return */
};

/* The policy called name, or the default policy when none has that name.
 * The result is borrowed for the program's life. */
const struct policy *policy_get(const char *name);

#endif
