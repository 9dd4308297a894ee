/* SPDX-License-Identifier: MIT */
/* What every command does the same way: messages, options, help, the output's status, the netlink socket. */
#ifndef TUNOWN_CLI_H
#define TUNOWN_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "netlink.h"

/* "tunown: VERB: ..." on stderr, one line. */
void errorf(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, plus a pointer to --help; returns EXIT_USAGE. */
int usage_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports getopt's complaint about argv[optind - 1]; returns EXIT_USAGE. */
int bad_option(const char *verb, int argc, char **argv, int opt);
/*
 * A name that is only an alternative name of another device ('ip link
 * property add dev tap0 altname vmnet') is a conflict for every command: the
 * kernel would act on that device. The message, in buf.
 */
const char *altname_conflict(char *buf, size_t len, const char *name, const char *real);
/* Prints the command's help to stdout; returns EXIT_DONE. */
int print_help(const char *verb);

/*
 * After one result line: flushes stdout, so that it keeps its place among the
 * error lines of stderr (journald, 2>&1), and keeps the first write error.
 */
void result_done(void);
/* At the end: 0, or EXIT_FAIL after saying that stdout could not be written. */
int output_status(const char *verb);
/* Opens the rtnetlink socket; 0, or EXIT_FAIL after saying why. */
int rt_connect(const char *verb, struct rt **rt);

#endif
