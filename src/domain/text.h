/* text.h: checks of text that comes from outside, shared by the domain
 * modules: bounded copies, e-mail addresses, currencies, IBANs. */
#ifndef OB_TEXT_H
#define OB_TEXT_H

#include "core/err.h"

#include <stddef.h>

/* Copies src into out (cap bytes). NULL src is an empty string; when
 * required, empty is OB_EINVAL "missing_field". Too long for out, or with
 * control characters, is OB_EINVAL naming field. */
enum ob_rc text_copy(char *out, size_t cap, const char *src, int required,
		     const char *field, struct ob_err *err);

/* Checks an e-mail address and writes it in lower case into out. */
enum ob_rc text_email(char *out, size_t cap, const char *src, const char *field,
		      struct ob_err *err);

/* Returns 1 for three capital letters (ISO 4217 form). */
int text_is_currency(const char *s);

/* Checks an IBAN (spaces allowed, ISO 13616 check digits) and writes it
 * without spaces, in capitals, into out (35 bytes). */
enum ob_rc text_iban(char *out, size_t cap, const char *src, const char *field,
		     struct ob_err *err);

#endif
