/* SPDX-License-Identifier: MIT */
/* Least privilege: what tunown refuses to be, and the capabilities each command keeps. */
#ifndef TUNOWN_PRIVS_H
#define TUNOWN_PRIVS_H

#include <stdbool.h>
#include <stdint.h>

/* Called before a command runs: 0, or an exit status after saying why. */
int privs_init(const char *verb, int argc, char **argv);

/*
 * The capability sets the process had before privs_init gave any up, as
 * /proc/self/status masks (bit N is capability N): what `check` without
 * --as or --pid describes as "you". known is false before privs_init.
 */
struct privs_start {
	bool known;
	uint64_t eff, prm, inh, bnd, amb;
	bool no_new_privs;
};
const struct privs_start *privs_at_start(void);

/* Whether the effective set holds cap now (after privs_init: the caller had it and the command keeps it). */
bool privs_effective(int cap);

#endif
