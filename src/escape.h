/* SPDX-License-Identifier: MIT */
/*
 * Text from outside as tunown prints it: interface names from the kernel,
 * file names, process names, values read from a file. Every control byte
 * (below 0x20, and DEL) becomes \xNN, so that no input can break a one-line
 * format or drive the terminal; with ESCAPE_QUOTES, ' and \ too, so that a
 * value shown between quotes stays unambiguous. Bytes from 0x80 up pass as
 * they are (UTF-8). JSON has its own escaping (output.h).
 */
#ifndef TUNOWN_ESCAPE_H
#define TUNOWN_ESCAPE_H

#include <stdio.h>

#define ESCAPE_QUOTES 0x1

/*
 * s escaped into buf (len bytes, at least 8). What does not fit is cut
 * before a whole character, and "..." marks the cut. Returns buf.
 */
char *escape(const char *s, char *buf, size_t len, unsigned flags);
/* s escaped onto f, whole. */
void escape_put(FILE *f, const char *s, unsigned flags);
/* One line onto f: the text fmt makes (without a newline), escaped, then a newline. */
void escape_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
