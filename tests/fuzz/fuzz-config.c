/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the apply file parser: the input is one file. Besides
 * the sanitizers it checks what the parser promises: an error list exactly
 * when the result is not 0, one-line "fuzz.conf:LINE: ..." messages free of
 * control bytes, and only valid, rule-abiding devices when it accepts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-add.h"
#include "config.h"
#include "fuzz.h"
#include "parse.h"

static void check_errors(const struct config_errors *e)
{
	for (size_t i = 0; i < e->n; i++) {
		const char *t = e->v[i].text;
		if (strncmp(t, "fuzz.conf:", 10))
			fuzz_fail("error without the file name: %s", t);
		for (const unsigned char *p = (const unsigned char *)t; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				fuzz_fail("control byte 0x%02x in an error: %s", *p, t);
	}
}

static void check_device(struct devspec *d)
{
	char name[IFNAMSIZ];
	const char *why;

	if (parse_ifname(d->name, name, &why) < 0)
		fuzz_fail("accepted a bad name '%s': %s", d->name, why);
	if (d->mode != MODE_TUN && d->mode != MODE_TAP)
		fuzz_fail("device '%s' without a mode", d->name);
	if (spec_finish(d, &why) < 0)
		fuzz_fail("accepted device '%s' that add refuses: %s", d->name, why);
	if (!d->file || strcmp(d->file, "fuzz.conf") || !d->line)
		fuzz_fail("device '%s' does not say where it came from", d->name);
	for (size_t i = 0; i < d->naddrs; i++) {
		const struct ipaddr *a = &d->addrs[i];
		if ((a->family != AF_INET || a->prefixlen > 32) &&
		    (a->family != AF_INET6 || a->prefixlen > 128))
			fuzz_fail("device '%s': a bad address", d->name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct config_errors e;

	fuzz_quiet();
	config_init(&c);
	config_errors_init(&e);
	/* fmemopen refuses an empty buffer; an empty file is one with no bytes to read. */
	FILE *f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "re");
	if (!f)
		fuzz_fail("cannot open the input: %s", strerror(errno));
	int r = config_load_stream(&c, f, "fuzz.conf", &e);
	fclose(f);

	if (r == -ENOMEM)
		fuzz_fail("out of memory");
	if ((r == 0) != (e.n == 0 && e.dropped == 0))
		fuzz_fail("result %d with %zu errors", r, e.n + e.dropped);
	if (e.n > CONFIG_MAX_ERRORS)
		fuzz_fail("%zu errors kept", e.n);
	check_errors(&e);
	if (r == 0)
		for (size_t i = 0; i < c.ndevs; i++)
			check_device(&c.devs[i]);
	config_errors_free(&e);
	config_free(&c);
	return 0;
}
