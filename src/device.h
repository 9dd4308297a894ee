/* SPDX-License-Identifier: MIT */
/*
 * Bringing one tun/tap device to what a devspec asks, all or nothing: a new
 * device is removed if any step fails, an existing one gets back what was
 * changed. Shared by add and apply. Prints nothing; the outcome and any
 * failure come back as text for the command layer to print.
 */
#ifndef TUNOWN_DEVICE_H
#define TUNOWN_DEVICE_H

#include "netlink.h"
#include "types.h"

enum outcome_kind { DEV_CREATED, DEV_CHANGED, DEV_UNCHANGED };

struct journal;
struct holders;
struct routelist;

struct outcome {
	enum outcome_kind kind;
	char changes[160];          /* "owner, mtu, addresses" */
};

struct failure {
	int status;                 /* EXIT_FAIL (failed, conflict) or EXIT_USAGE (bad value) */
	char text[512];             /* "cannot set MTU of 'tap0' to 9000: ..." */
};

struct converge_opts {
	/*
	 * The spec is the whole device (apply): addresses it does not name are
	 * removed, keys it does not say take their defaults (MTU 1500, up,
	 * single-queue), and an owner or group it lacks is a conflict. Without it
	 * (add) what the spec does not say is left as it is.
	 */
	bool exact_addrs;
	bool dry_run;               /* only say what would be done */
	struct journal *journal;    /* where new devices are noted (journal.h), or NULL */
	struct holders *holders;    /* who holds what (holders.h), loaded when a re-attach needs it; or NULL */
	/* An existing device's routes now (routes.h); NULL: taken as none. With
	 * exact_addrs the routes become exactly the spec's too. */
	const struct routelist *routes;
};

/* The current addresses of one device, for convergence. */
struct addrlist {
	size_t n, cap;
	struct ipaddr *v;
};
int addrlist_push(struct addrlist *l, const struct ipaddr *a);
/* Every address ifindex has now, in place of what out held. */
int addrlist_load(struct rt *rt, int ifindex, struct addrlist *out);
void addrlist_free(struct addrlist *l);

/*
 * cur is the device as it is (NULL when there is no interface of that name),
 * addrs its addresses. Returns 0 with *out filled, or -1 with *f filled.
 */
int device_converge(struct rt *rt, const struct devspec *s, const struct link *cur,
		    const struct addrlist *addrs, const struct converge_opts *o,
		    struct outcome *out, struct failure *f);

/* "created", "changed (owner, mtu)", "unchanged", with "would " for a dry run. */
const char *outcome_text(const struct outcome *o, bool dry_run, char *buf, size_t len);

/* Which request a spec needs: the mode it resolves to, and whether it is multi-queue. */
enum tun_mode devspec_mode(const struct devspec *s);

#endif
