/* text.h: checks of text that comes from outside, shared by the domain
 * modules: bounded copies, e-mail addresses, IBANs, operator-chosen ids. */
#ifndef OB_TEXT_H
#define OB_TEXT_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

/* Copies src into out (cap bytes). NULL src is an empty string; when
 * required, empty is OB_EINVAL "missing_field". Too long for out, or with
 * control characters, is OB_EINVAL naming field. */
enum ob_rc text_copy(char *out, size_t cap, const char *src, int required,
		     const char *field, struct ob_err *err);

/* text_copy() for text of several lines (postal addresses): line breaks
 * and tabs are allowed, other control characters are not. */
enum ob_rc text_copy_lines(char *out, size_t cap, const char *src, int required,
			   const char *field, struct ob_err *err);

/* Checks an e-mail address and writes it in lower case into out. */
enum ob_rc text_email(char *out, size_t cap, const char *src, const char *field,
		      struct ob_err *err);

/* Checks an IBAN (spaces allowed, ISO 13616 check digits) and writes it
 * without spaces, in capitals, into out (35 bytes). */
enum ob_rc text_iban(char *out, size_t cap, const char *src, const char *field,
		     struct ob_err *err);

/* Writes the id of a new record into out (ID_MAX): the operator's own id
 * when given (checked: OB_EINVAL "invalid_id" naming field "id"), else a
 * new random one with prefix. */
enum ob_rc text_record_id(char *out, const char *given, const char *prefix, struct ob_err *err);

/* Reads an RFC 3339 time from outside into *out; NULL is now. Times more
 * than a day ahead are refused ("time_in_future"): records tell what
 * happened. OB_EINVAL "invalid_time" naming field. */
enum ob_rc text_time(const char *text, const char *field, int64_t *out, struct ob_err *err);

/* Checks an amount of money from outside: 0 (or, with allow_negative, any
 * sign) up to MONEY_MAX in magnitude. OB_EINVAL "invalid_amount". */
enum ob_rc text_amount(int64_t amount, int allow_negative, const char *field, struct ob_err *err);

#endif
