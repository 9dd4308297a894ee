/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* The escaped form of c into out (at most 4 bytes, not terminated); its length. */
static size_t one(unsigned char c, unsigned flags, char out[4])
{
	static const char hex[] = "0123456789abcdef";

	if (c < 0x20 || c == 0x7f || ((flags & ESCAPE_QUOTES) && (c == '\'' || c == '\\'))) {
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 15];
		return 4;
	}
	out[0] = (char)c;
	return 1;
}

char *escape(const char *s, char *buf, size_t len, unsigned flags)
{
	size_t o = 0, cut = 0;
	char e[4];

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t n = one(*p, flags, e);
		/* A cut goes before a byte that starts a character, with room for "...". */
		if ((*p & 0xc0) != 0x80 && o + 3 < len)
			cut = o;
		if (o + n >= len) {
			memcpy(buf + cut, "...", 3);
			buf[cut + 3] = '\0';
			return buf;
		}
		memcpy(buf + o, e, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

void escape_put(FILE *f, const char *s, unsigned flags)
{
	char e[4];

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t n = one(*p, flags, e);
		if (n == 1)
			putc(e[0], f);
		else
			fwrite(e, 1, n, f);
	}
}

void escape_line(FILE *f, const char *fmt, ...)
{
	char *text;
	va_list ap;

	va_start(ap, fmt);
	int r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r < 0) {
		fputs("(out of memory)\n", f);
		return;
	}
	escape_put(f, text, 0);
	putc('\n', f);
	free(text);
}
