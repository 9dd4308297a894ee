/* SPDX-License-Identifier: MIT */
/* Least privilege: what tunown refuses to be, and the capabilities each command keeps. */
#ifndef TUNOWN_PRIVS_H
#define TUNOWN_PRIVS_H

/* Called before a command runs: 0, or an exit status after saying why. */
int privs_init(const char *verb, int argc, char **argv);

#endif
