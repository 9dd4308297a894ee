/* SPDX-License-Identifier: MIT */
/* The pieces of 'add' that apply's config file and the fuzzers share. */
#ifndef TUNOWN_CMD_ADD_H
#define TUNOWN_CMD_ADD_H

#include "types.h"

/* Parses add's command line into s (devspec_init'ed here). 0; -1 for --help; EXIT_USAGE after saying why. */
int add_parse(int argc, char **argv, struct devspec *s);
/* Adds an address; one of the same local address given before is replaced (moved last). 0 or -ENOMEM. */
int spec_add_address(struct devspec *s, const struct ipaddr *a);
/* Adds a route (a duplicate is ignored); 0 or -ENOMEM. */
int spec_add_route(struct devspec *s, const struct route *r);
/* Pairs a peer with the last address; 0 or -EINVAL with *why. */
int spec_set_peer(struct devspec *s, const char *value, const char **why);
/* The rules between fields (an owner is needed, no MAC on tun, ...); 0 or -EINVAL with *why. */
int spec_finish(struct devspec *s, const char **why);

#endif
