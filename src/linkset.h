/* SPDX-License-Identifier: MIT */
/*
 * A network namespace's links and addresses read in one dump each and kept
 * sorted, for commands that touch many devices (apply, del): lookups cost a
 * binary search, not a netlink round trip.
 */
#ifndef TUNOWN_LINKSET_H
#define TUNOWN_LINKSET_H

#include "device.h"
#include "netlink.h"
#include "routes.h"

struct linkset {
	size_t n, cap;
	struct link *v;             /* sorted by name */
	size_t nalt, capalt;
	struct altname { char name[IFNAMSIZ], of[IFNAMSIZ]; } *alt;   /* sorted by name */
};

struct addrset {
	size_t n, cap;
	struct addr_entry { int ifindex; struct ipaddr a; } *v;   /* sorted by ifindex */
};

int linkset_load(struct rt *rt, struct linkset *s);
const struct link *linkset_find(const struct linkset *s, const char *name);
struct link *linkset_get(struct linkset *s, const char *name);
/* When name is only an alternative name of a link, that link's own name; else NULL. */
const char *linkset_altname_of(const struct linkset *s, const char *name);
void linkset_free(struct linkset *s);

/* ifindex 0: every interface's addresses. */
int addrset_load(struct rt *rt, int ifindex, struct addrset *s);
/* The entries of one interface: *first and the count, or 0. */
size_t addrset_of(const struct addrset *s, int ifindex, const struct addr_entry **first);
/* The same, copied into an addrlist for device_converge. */
int addrset_copy(const struct addrset *s, int ifindex, struct addrlist *out);
void addrset_free(struct addrset *s);

struct routeset {
	size_t n, cap;
	struct route_entry { int ifindex; struct route r; } *v;   /* sorted by ifindex */
};

/* tunown's routes of every interface, one dump (routes.h). */
int routeset_load(struct rt *rt, struct routeset *s);
size_t routeset_of(const struct routeset *s, int ifindex, const struct route_entry **first);
int routeset_copy(const struct routeset *s, int ifindex, struct routelist *out);
void routeset_free(struct routeset *s);

/*
 * Deletes the links v[0..n) in one kernel batch: moves them into a netdev
 * group no link of s uses, then deletes that group (one RCU grace period
 * instead of one per device). On failure every link goes back to its group
 * and nothing is deleted. 0 or -errno; rt_message() has the kernel's words.
 */
int links_delete(struct rt *rt, const struct linkset *s, const struct link *const *v, size_t n);

#endif
