/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "holders.h"
#include "ids.h"
#include "journal.h"
#include "parse.h"
#include "routes.h"
#include "tun.h"
#include "uapi.h"

int addrlist_push(struct addrlist *l, const struct ipaddr *a)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct ipaddr *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *a;
	return 0;
}

void addrlist_free(struct addrlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

enum tun_mode devspec_mode(const struct devspec *s)
{
	return s->mode ? s->mode : mode_for_name(s->name);
}

static int failf(struct failure *f, int status, const char *fmt, ...)
{
	va_list ap;

	f->status = status;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	return -1;
}

/* A failed step: names the step and gives the kernel's reason, its own words first. */
static int step_failed(struct failure *f, struct rt *rt, int err, const char *step, const char *name)
{
	const char *kernel = rt ? rt_message(rt) : NULL;

	if (kernel)
		return failf(f, EXIT_FAIL, "%s '%s': %s (%s)", step, name, kernel, strerror(-err));
	if (rt && !rt_ext_ack(rt))
		return failf(f, EXIT_FAIL, "%s '%s': %s (this kernel gives no reason: that needs Linux 4.12)",
			     step, name, strerror(-err));
	return failf(f, EXIT_FAIL, "%s '%s': %s", step, name, strerror(-err));
}

static void add_change(struct outcome *out, const char *what)
{
	size_t n = strlen(out->changes);

	if (strstr(out->changes, what))
		return;
	snprintf(out->changes + n, sizeof(out->changes) - n, "%s%s", n ? ", " : "", what);
}

static bool has_addr(const struct ipaddr *v, size_t n, const struct ipaddr *a)
{
	for (size_t i = 0; i < n; i++)
		if (ipaddr_equal(&v[i], a))
			return true;
	return false;
}

/* An address of v with the same local address as a, whatever its prefix or peer. */
static bool has_local(const struct ipaddr *v, size_t n, const struct ipaddr *a)
{
	size_t len = a->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < n; i++)
		if (v[i].family == a->family && !memcmp(v[i].addr, a->addr, len))
			return true;
	return false;
}

/*
 * The link-local address the kernel makes itself (addrgenmode) belongs to the
 * kernel: an fe80::/64 address flagged stable-privacy (the stable-privacy and
 * random modes, and every tun device), or one with an EUI-64 interface
 * identifier, ff:fe in its middle (eui64 mode on a tap, from the MAC it had).
 * Every other address, link-local or not, is the spec's to keep or remove.
 */
static bool kernel_addr(const struct ipaddr *a)
{
	static const uint8_t link_local[8] = { 0xfe, 0x80 };

	if (a->family != AF_INET6 || a->prefixlen != 64 || a->has_peer || memcmp(a->addr, link_local, 8))
		return false;
	return (a->read_flags & IFA_F_STABLE_PRIVACY) || (a->addr[11] == 0xff && a->addr[12] == 0xfe);
}

/*
 * Whether convergence to want[0..n) removes a, an address the device has:
 * with exact (apply) every one want lacks; otherwise (add) only one whose
 * local address want gives again with another prefix or peer, which it
 * replaces. Never the kernel's own.
 */
static bool drops(const struct ipaddr *want, size_t n, bool exact, const struct ipaddr *a)
{
	if (kernel_addr(a) || has_addr(want, n, a))
		return false;
	return exact || has_local(want, n, a);
}

/* The MTU of a new tun or tap device; for a device tunown manages, what a section without 'mtu' asks. */
#define DEFAULT_MTU 1500

static int mtu_in_bounds(const struct devspec *s, enum tun_mode m, uint32_t min, uint32_t max, struct failure *f)
{
	if (s->mtu && (s->mtu < min || s->mtu > max))
		return failf(f, EXIT_USAGE, "MTU '%u' of '%s': outside the %s device's range %u..%u",
			     s->mtu, s->name, mode_name(m), min, max);
	return 0;
}

/*
 * The kernel's bounds when it reports them (IFLA_MIN_MTU/IFLA_MAX_MTU, Linux
 * 4.19); before, the tun driver's, which are the same fixed numbers on every
 * kernel (its own MTU check before 4.10 used them too).
 */
static int check_mtu(const struct devspec *s, const struct link *l, struct failure *f)
{
	uint32_t min, max;

	if (l->max_mtu)
		return mtu_in_bounds(s, l->mode, l->min_mtu, l->max_mtu, f);
	if (!l->is_tun)
		return 0;
	tun_mtu_bounds(l->mode, &min, &max);
	return mtu_in_bounds(s, l->mode, min, max, f);
}

/*
 * SIGINT, SIGTERM and SIGHUP wait while a device is in hand: it is finished or
 * rolled back first, then the signal takes its default course. A handler
 * that notes the signal costs nothing per device, where blocking and
 * unblocking cost two system calls each time; outside a device it acts at
 * once, so a run waiting for the lock still stops on Ctrl-C.
 */
static volatile sig_atomic_t in_hand, pending;

static void on_signal(int sig)
{
	if (in_hand) {
		pending = sig;
		return;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void hold_signals(void)
{
	static bool installed;

	if (!installed) {
		struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		installed = true;
	}
	in_hand = 1;
}

static void release_signals(void)
{
	in_hand = 0;
	if (pending) {
		signal(pending, SIG_DFL);
		raise(pending);
	}
}

/* mtu: the device's MTU when the address went in. */
static int addr_failed(struct failure *f, struct rt *rt, int r, const char *name, const struct ipaddr *a, uint32_t mtu)
{
	char buf[2 * IPADDR_STRLEN + 8];
	const char *kernel = rt_message(rt);
	bool small = a->family == AF_INET6 && mtu < IPV6_MIN_MTU;

	return failf(f, EXIT_FAIL, "cannot add address '%s' to '%s': %s%s%s%s%s",
		     format_ipaddr_peer(a, buf, sizeof(buf)), name,
		     kernel ? kernel : strerror(-r), kernel ? " (" : "",
		     kernel ? strerror(-r) : "", kernel ? ")" : "",
		     small ? " (IPv6 needs an MTU of 1280 or more: the device has less)" : "");
}

static int route_failed(struct failure *f, struct rt *rt, int r, const char *name, const struct route *route, bool adding)
{
	char buf[ROUTE_STRLEN];
	const char *kernel = rt_message(rt);

	failf(f, EXIT_FAIL, "cannot %s route '%s' %s '%s': %s%s%s%s%s", adding ? "add" : "remove",
	      format_route(route, buf, sizeof(buf)), adding ? "to" : "from", name,
	      kernel ? kernel : strerror(-r), kernel ? " (" : "", kernel ? strerror(-r) : "", kernel ? ")" : "",
	      r == -EEXIST ? " (a route to that destination with that metric exists already: 'ip route show' names it; choose another metric)" : "");
	/* The kernel refused the value itself: a gateway it cannot reach, a prefix it does not take. */
	if (adding && (r == -EINVAL || r == -ENETUNREACH))
		f->status = EXIT_USAGE;
	return -1;
}

/*
 * A new device: attached and not yet persistent while its owner and group are
 * set, so that closing the fd removes it if a step fails. It is noted in the
 * journal, made persistent and closed; then one sendmsg marks it with the
 * alias and sets its MTU and MAC, adds its addresses and brings it up. The
 * alias goes in while the link is down: set on a link that is up, it is a
 * state change that every netdev notifier hears (IPv6 walks its whole routing
 * table for it), which made apply of 100 devices a tenth slower. The link comes up
 * only once the fd is closed: while attached the device has its carrier, and
 * bringing it up then starts IPv6 autoconfiguration that the close undoes at
 * once, which made creating a device twice as slow. A failure from then on is
 * rolled back by deleting the device; a SIGKILL leaves it to the journal.
 * IFF_VNET_HDR and IFF_NO_PI are set here once: every program that attaches
 * later sets its own.
 */
static int create(struct rt *rt, const struct devspec *s, const struct converge_opts *o,
		  struct outcome *out, struct failure *f)
{
	enum tun_mode mode = devspec_mode(s);
	int flags = tun_flags(mode, s->multi_queue == 1, s->vnet_hdr == 1, s->pi == 1) | IFF_TUN_EXCL;
	struct link l;
	int fd = -1, r, ifindex;

	r = tun_open(&fd);
	if (r < 0)
		return failf(f, EXIT_FAIL, "cannot open '%s': %s%s", tun_path(), strerror(-r), tun_open_hint(r));
	r = tun_attach(fd, s->name, flags);
	if (r < 0) {
		failf(f, EXIT_FAIL, "cannot create '%s': %s%s", s->name, strerror(-r),
		      r == -EPERM ? " (run as root or with CAP_NET_ADMIN)" :
		      r == -EBUSY ? " (another program created it just now)" : "");
		goto out;
	}
	if (s->uid != ID_NONE && (r = tun_set_owner(fd, s->uid)) < 0) {
		step_failed(f, NULL, r, "cannot set the owner of", s->name);
		goto out;
	}
	if (s->gid != ID_NONE && (r = tun_set_group(fd, s->gid)) < 0) {
		step_failed(f, NULL, r, "cannot set the group of", s->name);
		goto out;
	}
	/* The MTU bounds need the whole link; otherwise the ifindex is enough. */
	r = s->mtu ? rt_link_by_name(rt, s->name, &l) : rt_ifindex(rt, s->name);
	if (r < 0) {
		step_failed(f, s->mtu ? rt : NULL, r, "cannot read back", s->name);
		goto out;
	}
	ifindex = s->mtu ? l.ifindex : r;
	if (s->mtu && check_mtu(s, &l, f) < 0) {
		r = -EINVAL;
		goto out;
	}
	if (journal_active(o->journal) && (r = journal_note(o->journal, ifindex, s->name)) < 0) {
		failf(f, EXIT_FAIL, "cannot note '%s' in the journal (%s): %s", s->name, o->journal->path, strerror(-r));
		goto out;
	}
	/* No journal (journal.h): the mark goes on while closing the fd still removes the device. */
	if (!journal_active(o->journal) &&
	    (r = rt_change_link(rt, ifindex, &(struct linkchange){ .alias = TUNOWN_ALIAS_CREATING, .up = -1 })) < 0) {
		step_failed(f, rt, r, "cannot mark", s->name);
		goto out;
	}
	r = tun_set_persist(fd, true);
	if (r < 0) {
		step_failed(f, NULL, r, "cannot make persistent", s->name);
		goto out;
	}
	close(fd);
	fd = -1;
	/*
	 * One sendmsg: the alias, MTU and MAC first (an MTU below 1280 would drop
	 * IPv6 addresses added before it), the addresses, then the link up.
	 */
	struct linkchange before = { .mtu = s->mtu, .mac = s->has_mac ? s->mac : NULL, .alias = TUNOWN_ALIAS, .up = -1 };
	struct linkchange after = { .up = 1 };
	size_t failed;
	r = rt_setup_link(rt, ifindex, &before, s->addrs, s->naddrs, s->up != 0 ? &after : NULL,
			  s->routes, s->nroutes, &failed);
	if (r < 0) {
		if (failed == 0) {
			step_failed(f, rt, r, s->mtu || s->has_mac ? "cannot mark or set MTU/MAC of" : "cannot mark", s->name);
			if (r == -EINVAL && s->mtu)
				f->status = EXIT_USAGE;
		} else if (failed <= s->naddrs) {
			addr_failed(f, rt, r, s->name, &s->addrs[failed - 1], s->mtu ? s->mtu : DEFAULT_MTU);
		} else if (failed >= s->naddrs + 2 && failed - s->naddrs - 2 < s->nroutes) {
			route_failed(f, rt, r, s->name, &s->routes[failed - s->naddrs - 2], true);
		} else {
			step_failed(f, rt, r, "cannot bring up", s->name);
		}
		/* Persistent by now: the rollback is a delete. */
		rt_del_link(rt, ifindex);
		goto out;
	}
	out->kind = DEV_CREATED;
out:
	/* Closing the fd of a device that is not persistent removes it: the rollback. */
	if (fd >= 0)
		close(fd);
	return r < 0 ? -1 : 0;
}

/*
 * What an existing device lacks, and whether the kernel lets us change it.
 * IFF_VNET_HDR and IFF_NO_PI are not in it: the kernel hands them to each
 * program that attaches (TUNSETIFF overwrites them), so they are set when a
 * device is created and never converged.
 */
struct plan {
	bool owner, group, persist;          /* need a re-attach */
	bool mtu, mac, up, mark;
	bool netdev_group;                   /* left in tunown's spare group by a killed del or prune */
	size_t add, del;                     /* addresses */
	size_t radd, rdel;                   /* routes */
};

static const char *id_text(uint32_t id, const char *name, char *buf, size_t len)
{
	if (name)
		snprintf(buf, len, "'%s' (%u)", name, id);
	else
		snprintf(buf, len, "%u", id);
	return buf;
}

/* A tun/tap device tunown did not create, or whose mark is gone: left alone unless adopted. */
static int not_managed(struct rt *rt, const struct devspec *s, const struct link *cur,
		       const struct converge_opts *o, struct failure *f)
{
	const char *how = o->exact_addrs ? "set 'adopt = yes' in its section" : "give --adopt";
	char alias[256];

	if (cur->has_alias && rt_link_alias(rt, cur->ifindex, alias, sizeof(alias)) == 0 && alias[0])
		return failf(f, EXIT_FAIL, "'%s' has the interface alias '%s', not tunown's mark '%s': tunown leaves alone the devices it did not create; "
			     "if it did, the alias set since took the mark away (put it back: ip link set %s alias %s); to take the device over, %s",
			     s->name, alias, TUNOWN_ALIAS, s->name, TUNOWN_ALIAS, how);
	return failf(f, EXIT_FAIL, "'%s' was not created by tunown (no alias '%s'): tunown leaves it alone; to take it over, %s, or delete it (tunown del %s)",
		     s->name, TUNOWN_ALIAS, how, s->name);
}

static int conflicts(struct rt *rt, const struct devspec *s, const struct link *cur, const struct converge_opts *o,
		     struct failure *f)
{
	enum tun_mode mode = s->mode || o->exact_addrs ? devspec_mode(s) : cur->mode;
	char id[IFNAMSIZ + 64];

	if (cur->tun_unread) {
		char text[300];
		return failf(f, EXIT_FAIL, "%s; nothing changed", tun_unread_text(text, sizeof(text), s->name));
	}
	if (!cur->is_tun)
		return failf(f, EXIT_FAIL, "'%s' is not a tun/tap device (kind: %s): tunown changes only tun/tap devices; choose another name",
			     s->name, link_kind(cur));
	if (cur->mode != mode)
		return failf(f, EXIT_FAIL, "'%s' is a %s device, not %s: delete it first (tunown del %s) or ask for --%s",
			     s->name, mode_name(cur->mode), mode_name(mode), s->name, mode_name(cur->mode));
	/* add without --multi-queue leaves it as it is; apply's default is single-queue. */
	if ((s->multi_queue != -1 || o->exact_addrs) && cur->multi_queue != (s->multi_queue == 1))
		return failf(f, EXIT_FAIL, "'%s' is %s, the request is %s: the kernel cannot change that; delete it first (tunown del %s)",
			     s->name, cur->multi_queue ? "multi-queue" : "single-queue",
			     cur->multi_queue ? "single-queue" : "multi-queue", s->name);
	if (!cur->managed && !s->adopt)
		return not_managed(rt, s, cur, o, f);
	/* apply says the whole device and --any-user says "no owner": an id they lack would stay. */
	if (cur->owner != ID_NONE && s->uid == ID_NONE && (o->exact_addrs || s->any_user))
		return failf(f, EXIT_FAIL, "'%s' has owner %s and the kernel cannot clear an owner: delete it (tunown del %s) and add it again, or ask for that owner",
			     s->name, id_text(cur->owner, user_name(cur->owner), id, sizeof(id)), s->name);
	if (cur->group != ID_NONE && s->gid == ID_NONE && (o->exact_addrs || s->any_user))
		return failf(f, EXIT_FAIL, "'%s' has group %s and the kernel cannot clear a group: delete it (tunown del %s) and add it again, or ask for that group",
			     s->name, id_text(cur->group, group_name(cur->group), id, sizeof(id)), s->name);
	return 0;
}

static void make_plan(const struct devspec *s, const struct link *cur, const struct addrlist *have,
		      const struct converge_opts *o, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->owner = s->uid != ID_NONE && s->uid != cur->owner;
	p->group = s->gid != ID_NONE && s->gid != cur->group;
	p->persist = !cur->persist;
	p->mtu = s->mtu && s->mtu != cur->mtu;
	p->mac = s->has_mac && (!cur->has_mac || memcmp(s->mac, cur->mac, 6));
	p->up = s->up != -1 && (s->up != 0) != cur->up;
	p->mark = !cur->managed;
	p->netdev_group = spare_group(cur->netdev_group);
	for (size_t i = 0; i < s->naddrs; i++)
		if (!has_addr(have->v, have->n, &s->addrs[i]))
			p->add++;
	for (size_t i = 0; i < have->n; i++)
		if (drops(s->addrs, s->naddrs, o->exact_addrs, &have->v[i]))
			p->del++;
	static const struct routelist no_routes;
	routes_count(s->routes, s->nroutes, o->routes ? o->routes : &no_routes, o->exact_addrs, &p->radd, &p->rdel);
}

static void describe(const struct plan *p, struct outcome *out)
{
	if (p->mark)
		add_change(out, "adopted");
	if (p->owner)
		add_change(out, "owner");
	if (p->group)
		add_change(out, "group");
	if (p->persist)
		add_change(out, "persist");
	if (p->mtu)
		add_change(out, "mtu");
	if (p->mac)
		add_change(out, "mac");
	if (p->netdev_group)
		add_change(out, "netdev group");
	if (p->add || p->del)
		add_change(out, "addresses");
	if (p->radd || p->rdel)
		add_change(out, "routes");
	if (p->up)
		add_change(out, "link state");
}

/*
 * Below 1280 the kernel drops every IPv6 address of the device, for good:
 * refused while one that convergence keeps (not the kernel's own link-local
 * one) would go with it.
 */
static int ipv6_lost(const struct devspec *s, const struct addrlist *have, const struct converge_opts *o,
		     const struct plan *p, struct failure *f)
{
	char list[300] = "", buf[2 * IPADDR_STRLEN + 8];
	size_t n = 0, len = 0;

	if (!p->mtu || s->mtu >= IPV6_MIN_MTU)
		return 0;
	for (size_t i = 0; i < have->n; i++) {
		const struct ipaddr *a = &have->v[i];
		if (a->family != AF_INET6 || kernel_addr(a) || drops(s->addrs, s->naddrs, o->exact_addrs, a))
			continue;
		if (len < sizeof(list) - 1)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", n ? ", " : "",
						format_ipaddr_peer(a, buf, sizeof(buf)));
		n++;
	}
	if (!n)
		return 0;
	return failf(f, EXIT_FAIL, "cannot set the MTU of '%s' to %u: the kernel would drop its IPv6 address%s %s for good "
		     "(IPv6 needs an MTU of 1280 or more); keep the MTU at 1280 or more, or remove %s first",
		     s->name, s->mtu, n == 1 ? "" : "es", list, n == 1 ? "it" : "them");
}

/* Owner, group and persist: attach without IFF_TUN_EXCL, with the flags the device has, so they stay. */
static int reattach(const struct link *cur, uint32_t uid, uint32_t gid, bool persist)
{
	bool set_uid = uid != ID_NONE && uid != cur->owner, uid_done = false;
	bool set_gid = gid != ID_NONE && gid != cur->group, gid_done = false;
	/* An id that can be set back goes first; one set where there was none (the
	 * kernel cannot clear it) goes last. */
	bool gid_first = cur->owner == ID_NONE && cur->group != ID_NONE;
	int fd, r;

	r = tun_open(&fd);
	if (r < 0)
		return r;
	r = tun_attach(fd, cur->name, tun_flags_of(cur));
	if (r < 0) {
		close(fd);
		return r;
	}
	if (gid_first && set_gid && (r = tun_set_group(fd, gid)) == 0)
		gid_done = true;
	if (r == 0 && set_uid && (r = tun_set_owner(fd, uid)) == 0)
		uid_done = true;
	if (r == 0 && !gid_first && set_gid && (r = tun_set_group(fd, gid)) == 0)
		gid_done = true;
	if (r == 0 && persist)
		r = tun_set_persist(fd, true);
	if (r < 0) {
		/* Put back what this attach changed; the failure in hand is what counts. */
		if (uid_done && cur->owner != ID_NONE)
			tun_set_owner(fd, cur->owner);
		if (gid_done && cur->group != ID_NONE)
			tun_set_group(fd, cur->group);
	}
	close(fd);
	return r;
}

static int push_addr(int ifindex, const struct ipaddr *a, void *data)
{
	return addrlist_push(data, a);
}

int addrlist_load(struct rt *rt, int ifindex, struct addrlist *out)
{
	out->n = 0;
	return rt_addrs(rt, ifindex, push_addr, out);
}

/* Where sync_addrs stopped: the address (NULL: reading them again failed) and the step. */
struct addr_step {
	const struct ipaddr *bad;
	bool removing;
};

/*
 * Brings the addresses of ifindex from *at (as they are now) to want[0..n):
 * removes those drops() picks, secondaries first, then adds each one
 * missing. Removing an IPv4 primary takes the secondaries of its subnet with
 * it unless promote_secondaries is set; so after one the addresses are read
 * again (into *scratch). Then what the device had before the run (*had, or
 * NULL) and keeps goes back if the kernel took it, whatever the sysctl says:
 * add keeps every address it does not replace. 0, or -errno with *st filled.
 */
static int sync_addrs(struct rt *rt, int ifindex, const struct addrlist *had, const struct addrlist *at,
		      const struct ipaddr *want, size_t n, bool exact, struct addrlist *scratch, struct addr_step *st)
{
	bool primary_gone = false;
	int r;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < at->n; i++) {
			const struct ipaddr *a = &at->v[i];
			bool secondary = a->read_flags & IFA_F_SECONDARY;
			if (secondary != (pass == 0) || !drops(want, n, exact, a))
				continue;
			r = rt_del_addr(rt, ifindex, a);
			if (r == -EADDRNOTAVAIL)      /* gone already: what was asked */
				continue;
			if (r < 0) {
				*st = (struct addr_step){ .bad = a, .removing = true };
				return r;
			}
			primary_gone |= a->family == AF_INET && !secondary;
		}
	}
	if (primary_gone) {
		r = addrlist_load(rt, ifindex, scratch);
		if (r < 0) {
			*st = (struct addr_step){ 0 };
			return r;
		}
		at = scratch;
	}
	for (size_t i = 0; had && i < had->n; i++) {
		const struct ipaddr *a = &had->v[i];
		if (drops(want, n, exact, a) || kernel_addr(a) || has_addr(want, n, a) || has_addr(at->v, at->n, a))
			continue;
		r = rt_add_addr(rt, ifindex, a);
		if (r < 0) {
			*st = (struct addr_step){ .bad = a };
			return r;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (has_addr(at->v, at->n, &want[i]))
			continue;
		r = rt_add_addr(rt, ifindex, &want[i]);
		if (r < 0) {
			*st = (struct addr_step){ .bad = &want[i] };
			return r;
		}
	}
	return 0;
}

/*
 * Puts back the addresses the device had before this run: removes the ones
 * it has now and had not, then adds again every one that is gone, whether
 * this run removed it or the kernel did (an MTU below 1280 drops every IPv6
 * address; a removed primary its secondaries). The kernel's own link-local
 * address is the kernel's to make again. Best effort: the failure already in
 * hand is what gets reported.
 */
static void restore_addrs(struct rt *rt, int ifindex, const struct addrlist *had)
{
	struct addrlist now = { 0 }, want = { 0 }, scratch = { 0 };
	struct addr_step st;

	if (addrlist_load(rt, ifindex, &now) < 0)
		goto out;
	for (size_t i = 0; i < had->n; i++)
		if (!kernel_addr(&had->v[i]) && addrlist_push(&want, &had->v[i]) < 0)
			goto out;
	sync_addrs(rt, ifindex, NULL, &now, want.v, want.n, true, &scratch, &st);
out:
	addrlist_free(&now);
	addrlist_free(&want);
	addrlist_free(&scratch);
}

static int addrs_failed(struct failure *f, struct rt *rt, int r, const char *name, const struct addr_step *st, uint32_t mtu)
{
	char buf[2 * IPADDR_STRLEN + 8], step[sizeof(buf) + 48];

	if (!st->bad)
		return step_failed(f, rt, r, "cannot read the addresses of", name);
	if (!st->removing)
		return addr_failed(f, rt, r, name, st->bad, mtu);
	snprintf(step, sizeof(step), "cannot remove address '%s' from", format_ipaddr_peer(st->bad, buf, sizeof(buf)));
	return step_failed(f, rt, r, step, name);
}

static int change(struct rt *rt, const struct devspec *s, const struct link *cur, const struct addrlist *have,
		  const struct converge_opts *o, const struct plan *p, struct failure *f)
{
	struct linkchange c = { .up = -1 }, undo = { .up = -1 };
	struct addrlist now = { 0 }, scratch = { 0 };
	const struct addrlist *at = have;   /* the addresses as they are at each step */
	struct addr_step st;
	static const struct routelist no_routes;
	const struct routelist *routes = o->routes ? o->routes : &no_routes;
	bool routed = false;
	int r = 0;

	if (p->mtu) {
		c.mtu = s->mtu;
		undo.mtu = cur->mtu;
	}
	if (p->mac) {
		c.mac = s->mac;
		undo.mac = cur->mac;
	}
	if (p->netdev_group) {
		c.set_group = undo.set_group = true;
		c.group = 0;
		undo.group = cur->netdev_group;
	}
	if (c.mtu || c.mac || c.set_group) {
		r = rt_change_link(rt, cur->ifindex, &c);
		if (r < 0) {
			step_failed(f, rt, r, p->mtu ? "cannot set MTU/MAC of" : p->mac ? "cannot set MAC of" : "cannot set the netdev group of", s->name);
			if (r == -EINVAL && p->mtu)
				f->status = EXIT_USAGE;
			return -1;
		}
	}
	/*
	 * Down before the addresses: a link going down loses its IPv6 addresses
	 * (keep_addr_on_down is 0 by default), and ones added to a link that is
	 * down stay.
	 */
	bool down = p->up && s->up == 0;
	if (down) {
		r = rt_change_link(rt, cur->ifindex, &(struct linkchange){ .up = 0 });
		if (r < 0) {
			step_failed(f, rt, r, "cannot bring down", s->name);
			goto undo;
		}
	}
	/* The kernel drops every IPv6 address of a device whose MTU goes below 1280, or that goes down. */
	if (p->mtu || down) {
		r = addrlist_load(rt, cur->ifindex, &now);
		if (r < 0) {
			step_failed(f, rt, r, "cannot read the addresses of", s->name);
			goto undo_link;
		}
		at = &now;
	}
	if (p->add || p->del || at != have) {
		r = sync_addrs(rt, cur->ifindex, have, at, s->addrs, s->naddrs, o->exact_addrs, &scratch, &st);
		if (r < 0) {
			addrs_failed(f, rt, r, s->name, &st, p->mtu ? s->mtu : cur->mtu);
			goto undo_link;
		}
	}
	if (p->up && !down) {
		r = rt_change_link(rt, cur->ifindex, &(struct linkchange){ .up = 1 });
		if (r < 0) {
			step_failed(f, rt, r, "cannot bring up", s->name);
			goto undo;
		}
	}
	/* Routes need the link up: after it comes up, and before the re-attach that cannot be undone. */
	if (p->radd || p->rdel) {
		const struct route *bad = NULL;
		bool adding = false;
		r = routes_converge(rt, cur->ifindex, s->routes, s->nroutes, routes, o->exact_addrs, &bad, &adding);
		if (r < 0) {
			route_failed(f, rt, r, s->name, bad, adding);
			goto undo_link;
		}
		routed = true;
	}
	/* Last, since an owner set on an ownerless device cannot be taken back. */
	if (p->owner || p->group || p->persist) {
		r = reattach(cur, s->uid, s->gid, p->persist);
		if (r < 0) {
			failf(f, EXIT_FAIL, "cannot re-attach '%s' to change its %s: %s%s", s->name,
			      p->owner ? "owner" : p->group ? "group" : "persist flag",
			      strerror(-r), r == -EBUSY ? " (a program holds it; stop it first)" : tun_open_hint(r));
			goto undo_link;
		}
	}
	/* Adopted: the mark goes on once the rest holds (the alias it replaces cannot be put back). */
	if (p->mark) {
		r = rt_change_link(rt, cur->ifindex, &(struct linkchange){ .up = -1, .alias = TUNOWN_ALIAS });
		if (r < 0) {
			step_failed(f, rt, r, "cannot mark as tunown's", s->name);
			goto undo_link;
		}
	}
	addrlist_free(&now);
	addrlist_free(&scratch);
	return 0;
undo_link:
	if (routed)
		routes_restore(rt, cur->ifindex, s->routes, s->nroutes, routes, o->exact_addrs);
	if (p->up)
		rt_change_link(rt, cur->ifindex, &(struct linkchange){ .up = cur->up });
undo:
	/* Put back what this call changed; the original failure is what we report.
	 * The MTU first: IPv6 addresses cannot go back on below 1280. */
	if (undo.mtu || undo.mac || undo.set_group)
		rt_change_link(rt, cur->ifindex, &undo);
	restore_addrs(rt, cur->ifindex, have);
	addrlist_free(&now);
	addrlist_free(&scratch);
	return -1;
}

/* Whether a program holds a single-queue device, which a re-attach would then meet with EBUSY. */
static bool held(const struct link *cur, const struct converge_opts *o)
{
	struct holders none = { 0 };
	struct netns_id here;
	bool r;

	if (netns_id_self(&here) < 0)
		return false;
	r = link_held(cur, &here, o->holders ? o->holders : &none);
	holders_free(&none);
	return r;
}

/* What the re-attach needs: a single-queue device that a program holds refuses it (EBUSY). */
static int reattach_blocked(const struct devspec *s, const struct link *cur, const struct converge_opts *o,
			    const struct plan *p, struct failure *f)
{
	if (!(p->owner || p->group || p->persist) || cur->multi_queue || !held(cur, o))
		return 0;
	return failf(f, EXIT_FAIL, "'%s' is attached by a program and changing its %s needs a re-attach, which the kernel refuses while a single-queue device is held: stop the program first ('tunown check %s' names it)",
		     s->name, p->owner ? "owner" : p->group ? "group" : "persist flag", s->name);
}

/* What a new device needs before anything is made: an owner (or --any-user) and an MTU its driver takes. */
static int create_refused(const struct devspec *s, struct failure *f)
{
	uint32_t min, max;

	if (s->uid == ID_NONE && s->gid == ID_NONE && !s->any_user)
		return failf(f, EXIT_USAGE, "'%s' does not exist, and a new device needs an owner: give --user or --group (or --any-user for a device every user may attach)",
			     s->name);
	tun_mtu_bounds(devspec_mode(s), &min, &max);
	return mtu_in_bounds(s, devspec_mode(s), min, max, f);
}

int device_converge(struct rt *rt, const struct devspec *s, const struct link *cur,
		    const struct addrlist *addrs, const struct converge_opts *o,
		    struct outcome *out, struct failure *f)
{
	static const struct addrlist none;
	struct devspec whole;
	struct plan p;
	int r;

	memset(out, 0, sizeof(*out));
	if (!addrs)
		addrs = &none;
	if (!cur) {
		if (create_refused(s, f) < 0)
			return -1;
		if (o->dry_run) {
			out->kind = DEV_CREATED;
			return 0;
		}
		hold_signals();
		r = create(rt, s, o, out, f);
		release_signals();
		return r;
	}
	/* apply describes the whole device: a key it does not say is its default. */
	if (o->exact_addrs && (!s->mtu || s->up == -1)) {
		whole = *s;
		whole.mtu = s->mtu ? s->mtu : DEFAULT_MTU;
		whole.up = s->up == -1 ? 1 : s->up;
		s = &whole;
	}
	if (conflicts(rt, s, cur, o, f) < 0 || check_mtu(s, cur, f) < 0)
		return -1;
	make_plan(s, cur, addrs, o, &p);
	/* Every refusal comes before the dry run's answer: it says what the real run would. */
	if (ipv6_lost(s, addrs, o, &p, f) < 0 || reattach_blocked(s, cur, o, &p, f) < 0)
		return -1;
	describe(&p, out);
	out->kind = out->changes[0] ? DEV_CHANGED : DEV_UNCHANGED;
	if (out->kind == DEV_UNCHANGED || o->dry_run)
		return 0;
	hold_signals();
	r = change(rt, s, cur, addrs, o, &p, f);
	release_signals();
	return r;
}

const char *outcome_text(const struct outcome *o, bool dry_run, char *buf, size_t len)
{
	static const char *const words[][2] = {
		[DEV_CREATED] = { "created", "would create" },
		[DEV_CHANGED] = { "changed", "would change" },
		[DEV_UNCHANGED] = { "unchanged", "unchanged" },
	};

	if (o->kind == DEV_CHANGED)
		snprintf(buf, len, "%s (%s)", words[o->kind][dry_run], o->changes);
	else
		snprintf(buf, len, "%s", words[o->kind][dry_run]);
	return buf;
}
