/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for add's command line: the input is the arguments after
 * "add", separated by NUL bytes. add_parse() must return 0 with a device add
 * would accept, -1 for --help, or EXIT_USAGE; never crash or leak.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-add.h"
#include "fuzz.h"
#include "parse.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	struct devspec s;
	const char *why;
	char name[IFNAMSIZ];

	fuzz_quiet();
	/* A private, NUL-terminated copy: getopt permutes argv and may keep pointers. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = "add";
	for (size_t i = 0; i <= size && argc <= MAX_ARGS; i += strlen(text + i) + 1)
		argv[argc++] = text + i;
	argv[argc] = NULL;

	int r = add_parse(argc, argv, &s);
	if (r != 0 && r != -1 && r != EXIT_USAGE)
		fuzz_fail("add_parse returned %d", r);
	if (r == 0) {
		if (parse_ifname(s.name, name, &why) < 0)
			fuzz_fail("accepted a bad name '%s': %s", s.name, why);
		if (spec_finish(&s, &why) < 0)
			fuzz_fail("accepted '%s' that spec_finish refuses: %s", s.name, why);
	}
	devspec_free(&s);
	free(text);
	return 0;
}
