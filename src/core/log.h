/* log.h: JSON-lines logs on stderr, one object a line.
 *
 * Every line carries the time, the level, the message and, when set on the
 * calling thread, the request id. Never pass secrets or personal data. */
#ifndef OB_LOG_H
#define OB_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Lines below level are dropped. Default LOG_INFO. */
void log_set_level(enum log_level level);

/* Parses "debug", "info", "warn" or "error"; returns -1 when unknown. */
int log_level_parse(const char *name);

/* Sets the request id for later lines of this thread (borrowed until reset
 * with NULL). */
void log_set_request_id(const char *request_id);

/* Writes one line: msg, then the NULL-terminated key, value string pairs.
 * Example: log_kv(LOG_INFO, "request", "method", "GET", "status", "200", NULL); */
void log_kv(enum log_level level, const char *msg, ...)
	__attribute__((sentinel));

#endif
