/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "escape.h"
#include "types.h"

static void vsay(const char *verb, const char *fmt, va_list ap, const char *tail)
{
	char text[1024];

	vsnprintf(text, sizeof(text), fmt, ap);
	fputs("tunown: ", stderr);
	if (verb)
		fprintf(stderr, "%s: ", verb);
	/* A name holding a newline or an escape sequence: one line still, nothing that drives the terminal. */
	escape_put(stderr, text, 0);
	if (tail)
		fputs(tail, stderr);
	fputc('\n', stderr);
}

void errorf(const char *verb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(verb, fmt, ap, NULL);
	va_end(ap);
}

int usage_error(const char *verb, const char *fmt, ...)
{
	char tail[64];
	va_list ap;

	snprintf(tail, sizeof(tail), " (see 'tunown %s%s--help')", verb ? verb : "", verb ? " " : "");
	va_start(ap, fmt);
	vsay(verb, fmt, ap, tail);
	va_end(ap);
	return EXIT_USAGE;
}

int bad_option(const char *verb, int argc, char **argv, int opt)
{
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	if (opt == ':')
		return usage_error(verb, "option '%s' needs a value", word);
	return usage_error(verb, "unknown option '%s'", word);
}

const char *altname_conflict(char *buf, size_t len, const char *name, const char *real)
{
	snprintf(buf, len, "'%s' is an alternative name of '%s': tunown takes a device's own name; "
		 "use '%s', or remove the altname (ip link property del dev %s altname %s)",
		 name, real, real, real, name);
	return buf;
}

int print_help(const char *verb)
{
	const struct command *c = command_find(verb);

	if (c)
		fputs(c->help, stdout);
	return EXIT_DONE;
}

int rt_connect(const char *verb, struct rt **rt)
{
	int r = rt_open(rt);

	if (r < 0) {
		errorf(verb, "cannot open a netlink socket: %s", strerror(-r));
		return EXIT_FAIL;
	}
	return 0;
}

static int write_err;

void result_done(void)
{
	if (fflush(stdout) == EOF && !write_err)
		write_err = errno;
}

int output_status(const char *verb)
{
	if (fflush(stdout) == EOF && !write_err)
		write_err = errno;
	if (!write_err && !ferror(stdout))
		return 0;
	errorf(command_find(verb ? verb : "") ? verb : NULL, "cannot write the output: %s",
	       strerror(write_err ? write_err : EIO));
	return EXIT_FAIL;
}
