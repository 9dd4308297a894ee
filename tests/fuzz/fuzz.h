/* SPDX-License-Identifier: MIT */
/* What the fuzz harnesses share: a broken promise aborts, chatter goes nowhere. */
#ifndef TUNOWN_FUZZ_H
#define TUNOWN_FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reports on the real standard error (fd 2) and aborts: the fuzzer keeps the input. */
static inline void __attribute__((noreturn, format(printf, 1, 2))) fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dprintf(2, "fuzz: ");
	vdprintf(2, fmt, ap);
	dprintf(2, "\n");
	va_end(ap);
	abort();
}

/*
 * The command layer's messages ("tunown: add: ...") would flood the output at
 * thousands of runs a second: point stdio's stderr at /dev/null. Sanitizer
 * reports and fuzz_fail() write to fd 2 directly and still show.
 * TUNOWN_FUZZ_VERBOSE=1 keeps the messages.
 */
static inline void fuzz_quiet(void)
{
	static int done;
	FILE *null;

	if (done++ || getenv("TUNOWN_FUZZ_VERBOSE"))
		return;
	null = fopen("/dev/null", "we");
	if (null)
		stderr = null;
}

#endif
