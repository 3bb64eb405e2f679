/* textbuf.h: text that grows as it is written, up to a hard limit.
 *
 * Writing past the limit, or running out of memory, sets failed and drops
 * every later write, so a writer checks once at the end. The text is always
 * NUL-terminated; zero-initialise a textbuf (or call textbuf_init) before
 * use, and textbuf_free() or take p when done. */
#ifndef OB_TEXTBUF_H
#define OB_TEXTBUF_H

#include <stddef.h>

struct textbuf {
	char *p;            /* owned; NULL until the first write */
	size_t len, cap;
	size_t limit;       /* bytes of text at most (0: none) */
	int failed;
};

void textbuf_init(struct textbuf *b, size_t limit);
void textbuf_add(struct textbuf *b, const void *s, size_t n);
void textbuf_str(struct textbuf *b, const char *s);
void textbuf_fmt(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void textbuf_free(struct textbuf *b);

#endif
