/* SPDX-License-Identifier: MIT */
/*
 * A device's routes, converged like its addresses: tunown's own routes
 * (RTPROT_TUNOWN) are the only ones it adds, removes or compares; the
 * kernel's routes for addresses and link-local are never touched. Prints
 * nothing.
 */
#ifndef TUNOWN_ROUTES_H
#define TUNOWN_ROUTES_H

#include "netlink.h"
#include "types.h"

struct routelist {
	size_t n, cap;
	struct route *v;
};
int routelist_push(struct routelist *l, const struct route *r);
void routelist_free(struct routelist *l);
bool routes_have(const struct route *v, size_t n, const struct route *r);
/* tunown's routes through ifindex now, in place of what out held. */
int routelist_load(struct rt *rt, int ifindex, struct routelist *out);

/* How many routes of want are missing from have, and (exact) of have are not in want. */
void routes_count(const struct route *want, size_t nwant, const struct routelist *have, bool exact,
		  size_t *add, size_t *del);

/*
 * Removes (exact) the routes of have that want does not name, then adds the
 * missing ones. On failure what it did is put back and *bad is the route that
 * failed, *adding whether it was being added; rt_message() has the kernel's words.
 */
int routes_converge(struct rt *rt, int ifindex, const struct route *want, size_t nwant,
		    const struct routelist *have, bool exact, const struct route **bad, bool *adding);
/* Puts back the routes as have lists them after a later step failed; best effort. */
void routes_restore(struct rt *rt, int ifindex, const struct route *want, size_t nwant,
		    const struct routelist *have, bool exact);

#endif
