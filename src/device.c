/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/if_tun.h>
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
#include "tun.h"

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

/* fe80::/10 addresses belong to the kernel (IPv6 autoconfiguration), not to the spec. */
static bool kernel_addr(const struct ipaddr *a)
{
	return a->family == AF_INET6 && a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80;
}

static int check_mtu(const struct devspec *s, const struct link *l, struct failure *f)
{
	if (!s->mtu || !l->max_mtu)
		return 0;
	if (s->mtu < l->min_mtu || s->mtu > l->max_mtu)
		return failf(f, EXIT_USAGE, "MTU '%u' of '%s': outside the %s device's range %u..%u",
			     s->mtu, s->name, mode_name(l->mode), l->min_mtu, l->max_mtu);
	return 0;
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

/* Below this MTU the kernel turns IPv6 off on a device and refuses its addresses. */
#define IPV6_MIN_MTU 1280

static int addr_failed(struct failure *f, struct rt *rt, int r, const struct devspec *s, const struct ipaddr *a)
{
	char buf[IPADDR_STRLEN];
	const char *kernel = rt_message(rt);
	bool small = a->family == AF_INET6 && s->mtu && s->mtu < IPV6_MIN_MTU;

	return failf(f, EXIT_FAIL, "cannot add address '%s' to '%s': %s%s%s%s%s",
		     format_ipaddr(a, buf, sizeof(buf)), s->name,
		     kernel ? kernel : strerror(-r), kernel ? " (" : "",
		     kernel ? strerror(-r) : "", kernel ? ")" : "",
		     small ? " (IPv6 needs an MTU of 1280 or more)" : "");
}

static int add_addrs(struct rt *rt, const struct devspec *s, int ifindex, const struct addrlist *have,
		     size_t *added, struct failure *f)
{
	for (size_t i = 0; i < s->naddrs; i++) {
		if (have && has_addr(have->v, have->n, &s->addrs[i]))
			continue;
		int r = rt_add_addr(rt, ifindex, &s->addrs[i]);
		if (r < 0)
			return addr_failed(f, rt, r, s, &s->addrs[i]);
		if (added)
			(*added)++;
	}
	return 0;
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
	    (r = rt_change_link(rt, ifindex, &(struct linkchange){ .alias = TUNOWN_ALIAS, .up = -1 })) < 0) {
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
	r = rt_setup_link(rt, ifindex, &before, s->addrs, s->naddrs, s->up != 0 ? &after : NULL, &failed);
	if (r < 0) {
		if (failed == 0) {
			step_failed(f, rt, r, s->mtu || s->has_mac ? "cannot mark or set MTU/MAC of" : "cannot mark", s->name);
			if (r == -EINVAL && s->mtu)
				f->status = EXIT_USAGE;
		} else if (failed <= s->naddrs) {
			addr_failed(f, rt, r, s, &s->addrs[failed - 1]);
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

/* What an existing device lacks, and whether the kernel lets us change it. */
struct plan {
	bool owner, group, flags, persist;   /* need a re-attach */
	bool mtu, mac, up;
	size_t add, del;                     /* addresses */
	int vnet_hdr, pi;
};

static int conflicts(const struct devspec *s, const struct link *cur, const struct converge_opts *o,
		     struct failure *f)
{
	enum tun_mode mode = devspec_mode(s);
	bool mq = s->multi_queue == 1;

	if (!cur->is_tun)
		return failf(f, EXIT_FAIL, "'%s' is not a tun/tap device (kind: %s): tunown changes only tun/tap devices; choose another name",
			     s->name, link_kind(cur));
	if (cur->mode != mode)
		return failf(f, EXIT_FAIL, "'%s' is a %s device, not %s: delete it first (tunown del %s) or ask for --%s",
			     s->name, mode_name(cur->mode), mode_name(mode), s->name, mode_name(cur->mode));
	if (cur->multi_queue != mq)
		return failf(f, EXIT_FAIL, "'%s' is %s, the request is %s: the kernel cannot change that; delete it first (tunown del %s)",
			     s->name, cur->multi_queue ? "multi-queue" : "single-queue",
			     mq ? "multi-queue" : "single-queue", s->name);
	if (o->managed_only && !cur->managed)
		return failf(f, EXIT_FAIL, "'%s' was not created by tunown (no alias '%s'): apply leaves it alone; delete it or rename the section",
			     s->name, TUNOWN_ALIAS);
	if (cur->owner != ID_NONE && s->uid == ID_NONE)
		return failf(f, EXIT_FAIL, "'%s' has owner %u and the kernel cannot clear an owner: delete it (tunown del %s) and add it again, or ask for --user",
			     s->name, cur->owner, s->name);
	if (cur->group != ID_NONE && s->gid == ID_NONE)
		return failf(f, EXIT_FAIL, "'%s' has group %u and the kernel cannot clear a group: delete it (tunown del %s) and add it again, or ask for --group",
			     s->name, cur->group, s->name);
	return 0;
}

static void make_plan(const struct devspec *s, const struct link *cur, const struct addrlist *have,
		      const struct converge_opts *o, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->owner = s->uid != ID_NONE && s->uid != cur->owner;
	p->group = s->gid != ID_NONE && s->gid != cur->group;
	p->vnet_hdr = s->vnet_hdr == -1 ? cur->vnet_hdr : s->vnet_hdr;
	p->pi = s->pi == -1 ? cur->pi : s->pi;
	p->flags = p->vnet_hdr != cur->vnet_hdr || p->pi != cur->pi;
	p->persist = !cur->persist;
	p->mtu = s->mtu && s->mtu != cur->mtu;
	p->mac = s->has_mac && (!cur->has_mac || memcmp(s->mac, cur->mac, 6));
	p->up = (s->up != 0) != cur->up;
	for (size_t i = 0; i < s->naddrs; i++)
		if (!has_addr(have->v, have->n, &s->addrs[i]))
			p->add++;
	if (o->exact_addrs)
		for (size_t i = 0; i < have->n; i++)
			if (!kernel_addr(&have->v[i]) && !has_addr(s->addrs, s->naddrs, &have->v[i]))
				p->del++;
}

static void describe(const struct plan *p, struct outcome *out)
{
	if (p->owner)
		add_change(out, "owner");
	if (p->group)
		add_change(out, "group");
	if (p->flags)
		add_change(out, "flags");
	if (p->persist)
		add_change(out, "persist");
	if (p->mtu)
		add_change(out, "mtu");
	if (p->mac)
		add_change(out, "mac");
	if (p->add || p->del)
		add_change(out, "addresses");
	if (p->up)
		add_change(out, "link state");
}

/* Owner, group, feature flags and persist: attach without IFF_TUN_EXCL, with the flags it should keep. */
static int reattach(const struct link *cur, uint32_t uid, uint32_t gid, int vnet_hdr, int pi, bool persist)
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
	r = tun_attach(fd, cur->name, tun_flags(cur->mode, cur->multi_queue, vnet_hdr, pi));
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
	/* The attach itself set the feature flags: once more with the old ones. */
	if (r < 0 && (vnet_hdr != cur->vnet_hdr || pi != cur->pi) && tun_open(&fd) == 0) {
		tun_attach(fd, cur->name, tun_flags_of(cur));
		close(fd);
	}
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

/*
 * Puts back the addresses the device had before this run: removes the ones
 * the spec brought, adds again every one that is gone, whether this run
 * removed it or the kernel did (an MTU below 1280 drops every IPv6 address).
 * Best effort: the failure already in hand is what gets reported.
 */
static void restore_addrs(struct rt *rt, const struct devspec *s, int ifindex, const struct addrlist *had)
{
	struct addrlist now = { 0 };

	if (addrlist_load(rt, ifindex, &now) < 0)
		goto out;
	for (size_t i = 0; i < s->naddrs; i++)
		if (!has_addr(had->v, had->n, &s->addrs[i]) && has_addr(now.v, now.n, &s->addrs[i]))
			rt_del_addr(rt, ifindex, &s->addrs[i]);
	for (size_t i = 0; i < had->n; i++)
		if (!kernel_addr(&had->v[i]) && !has_addr(now.v, now.n, &had->v[i]))
			rt_add_addr(rt, ifindex, &had->v[i]);
out:
	addrlist_free(&now);
}

static int change(struct rt *rt, const struct devspec *s, const struct link *cur, const struct addrlist *have,
		  const struct converge_opts *o, const struct plan *p, struct failure *f)
{
	struct linkchange c = { .up = -1 }, undo = { .up = -1 };
	struct addrlist now = { 0 };
	const struct addrlist *at = have;   /* the addresses as they are at each step */
	int r = 0;

	if (p->mtu) {
		c.mtu = s->mtu;
		undo.mtu = cur->mtu;
	}
	if (p->mac) {
		c.mac = s->mac;
		undo.mac = cur->mac;
	}
	if (c.mtu || c.mac) {
		r = rt_change_link(rt, cur->ifindex, &c);
		if (r < 0) {
			step_failed(f, rt, r, p->mtu ? "cannot set MTU/MAC of" : "cannot set MAC of", s->name);
			if (r == -EINVAL && p->mtu)
				f->status = EXIT_USAGE;
			return -1;
		}
	}
	/* The kernel drops every IPv6 address of a device whose MTU goes below 1280. */
	if (p->mtu) {
		r = addrlist_load(rt, cur->ifindex, &now);
		if (r < 0) {
			step_failed(f, rt, r, "cannot read the addresses of", s->name);
			goto undo;
		}
		at = &now;
	}
	if (o->exact_addrs && p->del) {
		for (size_t i = 0; i < at->n; i++) {
			const struct ipaddr *a = &at->v[i];
			if (kernel_addr(a) || has_addr(s->addrs, s->naddrs, a))
				continue;
			r = rt_del_addr(rt, cur->ifindex, a);
			if (r < 0) {
				step_failed(f, rt, r, "cannot remove an address from", s->name);
				goto undo;
			}
		}
	}
	if (add_addrs(rt, s, cur->ifindex, at, NULL, f) < 0) {
		r = -1;
		goto undo;
	}
	if (p->up) {
		r = rt_change_link(rt, cur->ifindex, &(struct linkchange){ .up = s->up != 0 });
		if (r < 0) {
			step_failed(f, rt, r, s->up ? "cannot bring up" : "cannot bring down", s->name);
			goto undo;
		}
	}
	/* Last, since an owner set on an ownerless device cannot be taken back. */
	if (p->owner || p->group || p->flags || p->persist) {
		r = reattach(cur, s->uid, s->gid, p->vnet_hdr, p->pi, p->persist);
		if (r < 0) {
			failf(f, EXIT_FAIL, "cannot re-attach '%s' to change its %s: %s%s", s->name,
			      p->owner ? "owner" : p->group ? "group" : p->persist ? "persist flag" : "flags",
			      strerror(-r), r == -EBUSY ? " (a program holds it; stop it first)" : tun_open_hint(r));
			if (p->up)
				rt_change_link(rt, cur->ifindex, &(struct linkchange){ .up = cur->up });
			goto undo;
		}
	}
	addrlist_free(&now);
	return 0;
undo:
	/* Put back what this call changed; the original failure is what we report.
	 * The MTU first: IPv6 addresses cannot go back on below 1280. */
	if (undo.mtu || undo.mac)
		rt_change_link(rt, cur->ifindex, &undo);
	restore_addrs(rt, s, cur->ifindex, have);
	addrlist_free(&now);
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

int device_converge(struct rt *rt, const struct devspec *s, const struct link *cur,
		    const struct addrlist *addrs, const struct converge_opts *o,
		    struct outcome *out, struct failure *f)
{
	static const struct addrlist none;
	struct plan p;
	int r;

	memset(out, 0, sizeof(*out));
	if (!addrs)
		addrs = &none;
	if (!cur) {
		if (o->dry_run) {
			out->kind = DEV_CREATED;
			return 0;
		}
		hold_signals();
		r = create(rt, s, o, out, f);
		release_signals();
		return r;
	}
	if (conflicts(s, cur, o, f) < 0)
		return -1;
	if (check_mtu(s, cur, f) < 0)
		return -1;
	make_plan(s, cur, addrs, o, &p);
	describe(&p, out);
	out->kind = out->changes[0] ? DEV_CHANGED : DEV_UNCHANGED;
	if (out->kind == DEV_UNCHANGED || o->dry_run)
		return 0;
	if ((p.owner || p.group || p.flags || p.persist) && !cur->multi_queue && held(cur, o))
		return failf(f, EXIT_FAIL, "'%s' is attached by a program and changing its %s needs a re-attach: stop the program first ('tunown check %s' names it)",
			     s->name, p.owner ? "owner" : p.group ? "group" : p.persist ? "persist flag" : "flags", s->name);
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
