#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static _Thread_local const char *thread_request_id;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_set_level(enum log_level level)
{
	min_level = level;
}

int log_level_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

void log_set_request_id(const char *request_id)
{
	thread_request_id = request_id;
}

/* Appends s as a JSON string body (without quotes), escaping what JSON needs. */
static size_t put_escaped(char *out, size_t pos, size_t cap, const char *s)
{
	for (; *s && pos + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[pos++] = '\\';
			out[pos++] = (char)c;
		} else if (c < 0x20) {
			pos += (size_t)snprintf(out + pos, cap - pos, "\\u%04x", c);
		} else {
			out[pos++] = (char)c;
		}
	}
	return pos;
}

static size_t put_raw(char *out, size_t pos, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (pos + 1 >= cap)
		return pos;
	if (n > cap - 1 - pos)
		n = cap - 1 - pos;
	memcpy(out + pos, s, n);
	return pos + n;
}

void log_kv(enum log_level level, const char *msg, ...)
{
	char line[4096];
	char ts[32];
	struct timespec now;
	struct tm tm;
	size_t pos = 0, cap = sizeof(line) - 3;
	va_list ap;
	const char *key;

	if (level < min_level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);

	pos += (size_t)snprintf(line, cap, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"msg\":\"",
				ts, now.tv_nsec / 1000000, level_names[level]);
	pos = put_escaped(line, pos, cap, msg);
	pos = put_raw(line, pos, cap, "\"");
	if (thread_request_id) {
		pos = put_raw(line, pos, cap, ",\"request_id\":\"");
		pos = put_escaped(line, pos, cap, thread_request_id);
		pos = put_raw(line, pos, cap, "\"");
	}
	va_start(ap, msg);
	while ((key = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);
		pos = put_raw(line, pos, cap, ",\"");
		pos = put_escaped(line, pos, cap, key);
		pos = put_raw(line, pos, cap, "\":\"");
		pos = put_escaped(line, pos, cap, value ? value : "");
		pos = put_raw(line, pos, cap, "\"");
	}
	va_end(ap);
	line[pos++] = '}';
	line[pos++] = '\n';
	/* One write per line so that lines of several threads never interleave. */
	fwrite(line, 1, pos, stderr);
}
