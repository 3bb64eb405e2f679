#include "domain/text.h"

#include "core/clock.h"
#include "core/id.h"
#include "core/money.h"

#include <stdio.h>
#include <string.h>

static enum ob_rc copy(char *out, size_t cap, const char *src, int required, int lines,
		       const char *field, struct ob_err *err)
{
	size_t n = src ? strlen(src) : 0;

	if (n == 0 && required)
		return ob_fail(err, OB_EINVAL, "missing_field", field, "%s is required", field);
	if (n >= cap)
		return ob_fail(err, OB_EINVAL, "too_long", field, "%s is longer than %zu bytes",
			       field, cap - 1);
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)src[i] < 0x20 && !(lines && (src[i] == '\n' || src[i] == '\t' ||
							       src[i] == '\r'))) || src[i] == 0x7f)
			return ob_fail(err, OB_EINVAL, "invalid_characters", field,
				       "%s contains control characters", field);
	if (n)
		memcpy(out, src, n);
	out[n] = '\0';
	return OB_OK;
}

enum ob_rc text_copy(char *out, size_t cap, const char *src, int required,
		     const char *field, struct ob_err *err)
{
	return copy(out, cap, src, required, 0, field, err);
}

enum ob_rc text_copy_lines(char *out, size_t cap, const char *src, int required,
			   const char *field, struct ob_err *err)
{
	return copy(out, cap, src, required, 1, field, err);
}

enum ob_rc text_email(char *out, size_t cap, const char *src, const char *field,
		      struct ob_err *err)
{
	enum ob_rc rc = text_copy(out, cap, src, 1, field, err);
	const char *at, *dot;

	if (rc != OB_OK)
		return rc;
	for (char *p = out; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
		if (*p == ' ' || *p == ',' || *p == '<' || *p == '>' || *p == '"')
			goto bad;
	}
	at = strchr(out, '@');
	if (at == NULL || at == out || strchr(at + 1, '@') != NULL)
		goto bad;
	dot = strrchr(at, '.');
	if (dot == NULL || dot == at + 1 || dot[1] == '\0')
		goto bad;
	return OB_OK;
bad:
	return ob_fail(err, OB_EINVAL, "invalid_email", field, "%s is not an e-mail address", field);
}

enum ob_rc text_iban(char *out, size_t cap, const char *src, const char *field,
		     struct ob_err *err)
{
	char iban[64];
	size_t n = 0;
	unsigned rem = 0;

	for (const char *p = src; *p; p++) {
		char c = *p;
		if (c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) || n + 1 >= sizeof(iban))
			goto bad;
		iban[n++] = c;
	}
	iban[n] = '\0';
	if (n < 15 || n > 34 || n >= cap || iban[0] < 'A' || iban[1] < 'A' ||
	    iban[2] > '9' || iban[3] > '9')
		goto bad;
	/* Move the first four characters to the end, letters become 10..35,
	 * and the number must leave remainder 1 modulo 97. */
	for (size_t i = 0; i < n; i++) {
		char c = iban[(i + 4) % n];
		if (c >= 'A')
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
	}
	if (rem != 1)
		goto bad;
	memcpy(out, iban, n + 1);
	return OB_OK;
bad:
	return ob_fail(err, OB_EINVAL, "invalid_iban", field, "%s is not a valid IBAN", field);
}

enum ob_rc text_record_id(char *out, const char *given, const char *prefix, struct ob_err *err)
{
	if (given == NULL) {
		id_new(prefix, out);
		return OB_OK;
	}
	if (!id_valid(given))
		return ob_fail(err, OB_EINVAL, "invalid_id", "id",
			       "id must be 1 to 31 letters, digits, '_' or '-'");
	snprintf(out, ID_MAX, "%s", given);
	return OB_OK;
}

enum ob_rc text_amount(int64_t amount, int allow_negative, const char *field, struct ob_err *err)
{
	if ((amount < 0 && !allow_negative) || amount > MONEY_MAX || amount < -MONEY_MAX)
		return ob_fail(err, OB_EINVAL, "invalid_amount", field,
			       allow_negative ? "%s must be at most %lld in size"
					      : "%s must be from 0 to %lld",
			       field, (long long)MONEY_MAX);
	return OB_OK;
}

enum ob_rc text_time(const char *text, const char *field, int64_t *out, struct ob_err *err)
{
	if (text == NULL) {
		*out = clock_now();
		return OB_OK;
	}
	if (clock_parse(text, out) < 0)
		return ob_fail(err, OB_EINVAL, "invalid_time", field,
			       "%s must be an RFC 3339 time such as 2026-11-26T09:30:00Z", field);
	if (*out > clock_now() + 86400)
		return ob_fail(err, OB_EINVAL, "time_in_future", field, "%s is in the future", field);
	return OB_OK;
}
