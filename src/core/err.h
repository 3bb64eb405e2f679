/* err.h: the one result type of the program and the caller-owned error detail.
 *
 * Every fallible function returns enum ob_rc and, when it fails, fills the
 * caller's struct ob_err with a stable snake_case code, a message for people
 * and, when one input field is at fault, its name. Only http/ maps the result
 * to a status code. */
#ifndef OB_ERR_H
#define OB_ERR_H

enum ob_rc {
	OB_OK = 0,
	OB_EBADREQ,     /* the request itself cannot be read (malformed JSON) */
	OB_EINVAL,      /* well-formed but invalid input */
	OB_EAUTH,       /* not authenticated, or wrong credentials */
	OB_EFORBIDDEN,  /* authenticated but not allowed */
	OB_ENOTFOUND,
	OB_EMETHOD,     /* the path exists, the method does not */
	OB_ECONFLICT,   /* the current state does not allow it */
	OB_EGONE,
	OB_ETOOBIG,
	OB_EMEDIA,      /* unsupported media type */
	OB_ETHROTTLED,
	OB_EDB,         /* the database failed */
	OB_EBUSY,       /* the database is busy; retrying may succeed */
	OB_ENOMEM,
	OB_EINTERNAL,
};

struct ob_err {
	enum ob_rc rc;
	char code[48];
	char message[256];
	char field[64];
	long retry_after;  /* seconds, with OB_ETHROTTLED */
};

/* Fills err (which may be NULL) and returns rc, so that callers can write
 * `return ob_fail(err, OB_EINVAL, "missing_field", "email", "email is required");`.
 * field may be NULL. */
enum ob_rc ob_fail(struct ob_err *err, enum ob_rc rc, const char *code,
		   const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Clears err to OB_OK with empty strings. */
void ob_err_clear(struct ob_err *err);

/* A fixed name for rc, for logs ("db", "not_found"...). */
const char *ob_rc_name(enum ob_rc rc);

#endif
