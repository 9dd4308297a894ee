/* SPDX-License-Identifier: MIT */
/*
 * The CNI commands. ADD makes the device with the engine that `tunown add`
 * uses (device_converge), all or nothing: an interface of that name is an
 * error and is not touched; a failure after the IPAM plugin ran releases
 * its addresses; a failure after the device exists deletes it. DEL deletes
 * only the device a recorded ADD made (same namespace file, same ifindex,
 * the alias "tunown"), so the DEL that follows a refused ADD leaves a
 * foreign interface alone. One lock (/run/tunown.lock, the CLI's) serialises
 * ADD, DEL and GC with each other and with tunown add/del/apply.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd-add.h"
#include "cni.h"
#include "device.h"
#include "holders.h"
#include "ids.h"
#include "journal.h"
#include "lock.h"
#include "netlink.h"
#include "netns.h"
#include "parse.h"
#include "routes.h"
#include "tun.h"

#define LOCK_WAIT_MS 5000

/* Everything one command holds, released by call_end. */
struct call {
	struct cni_req *r;
	int home;                   /* the runtime's network namespace */
	int lock;
	struct rt *rt;
	struct journal j;
};

static void call_end(struct call *c)
{
	if (c->rt)
		journal_close(&c->j, false);
	rt_close(c->rt);
	if (c->lock >= 0)
		close(c->lock);
	if (c->home >= 0)
		close(c->home);
}

static int lock_wait(struct call *c, struct cni_err *e)
{
	char who[128];
	const char *h;
	int r;

	if ((c->lock = lock_open()) < 0)
		return cni_fail(e, CNI_ERR_IO, "cannot open the lock '%s': %s", LOCK_PATH, strerror(-c->lock));
	if ((r = lock_get(c->lock, LOCK_WAIT_MS)) == -EWOULDBLOCK) {
		h = lock_holder(c->lock, who, sizeof(who));
		return cni_fail(e, CNI_ERR_AGAIN, "another tunown has held the lock '%s' for %d s%s%s%s: try again later",
				LOCK_PATH, LOCK_WAIT_MS / 1000, h ? " (" : "", h ? h : "", h ? ")" : "");
	}
	if (r < 0)
		return cni_fail(e, CNI_ERR_IO, "cannot lock '%s': %s", LOCK_PATH, strerror(-r));
	return 0;
}

/* Enters the namespace file path; *st gets its identity. -ENOENT and -EINVAL come back unsaid. */
static int enter(const char *path, struct stat *st, struct cni_err *e)
{
	int fd = netns_open(path), rc;

	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0) {
		rc = -errno;
	} else {
		rc = netns_join(fd);
	}
	close(fd);
	if (rc < 0 && rc != -EINVAL)
		cni_fail(e, CNI_ERR_FAILED, "cannot enter network namespace '%s': %s", path, strerror(-rc));
	return rc;
}

static int enter_sandbox(struct call *c, struct stat *st, struct cni_err *e)
{
	int rc = enter(c->r->netns, st, e);

	if (rc == -ENOENT)
		return cni_fail(e, CNI_ERR_UNKNOWN, "network namespace '%s' does not exist", c->r->netns);
	if (rc == -EINVAL)
		return cni_fail(e, CNI_ERR_UNKNOWN, "'%s' is not a network namespace file", c->r->netns);
	return rc < 0 ? -1 : 0;
}

static int connect_rt(struct call *c, struct cni_err *e)
{
	int rc = rt_open(&c->rt);

	if (rc < 0) {
		c->rt = NULL;
		return cni_fail(e, CNI_ERR_FAILED, "cannot open a netlink socket: %s", strerror(-rc));
	}
	if ((rc = journal_open(&c->j, c->rt)) < 0)
		return cni_fail(e, CNI_ERR_IO, "cannot read the journal '%s': %s", c->j.path, strerror(-rc));
	return 0;
}

static int go_home(struct call *c)
{
	if (c->rt)
		journal_close(&c->j, false);
	rt_close(c->rt);
	c->rt = NULL;
	return c->home >= 0 ? netns_join(c->home) : 0;
}

/* ---- output ------------------------------------------------------------------ */

static int print_json(json_t *o)
{
	int rc = json_dumpf(o, stdout, JSON_COMPACT) < 0 || fputc('\n', stdout) == EOF ? -1 : 0;

	json_decref(o);
	return fflush(stdout) == EOF ? -1 : rc;
}

static int print_error(const char *version, const struct cni_err *e)
{
	json_t *o = json_pack("{s:s, s:i, s:s}", "cniVersion", version ? version : "1.1.0", "code", e->code, "msg", e->msg);

	if (o && e->details[0])
		json_object_set_new(o, "details", json_string(e->details));
	print_json(o);
	return 1;
}

static int version_cmd(void)
{
	json_t *v = json_array();

	for (size_t i = 0; cni_versions[i]; i++)
		json_array_append_new(v, json_string(cni_versions[i]));
	return print_json(json_pack("{s:s, s:o}", "cniVersion", "1.1.0", "supportedVersions", v)) ? 1 : 0;
}

/* An array of prevResult (copied), or a new one. */
static json_t *prev_array(const struct cni_req *r, const char *key)
{
	json_t *a = json_object_get(r->prev, key);

	return json_is_array(a) ? json_deep_copy(a) : json_array();
}

static void append_addr(json_t *ips, const struct cni_req *r, const struct ipaddr *a, size_t idx)
{
	char text[IPADDR_STRLEN];
	struct ipaddr plain = *a;

	plain.has_peer = false;
	json_t *o = json_pack("{s:s, s:I}", "address", format_ipaddr(&plain, text, sizeof(text)), "interface", (json_int_t)idx);
	if (o && !cni_version_at_least(r->version, 1, 0))
		json_object_set_new(o, "version", json_string(a->family == AF_INET ? "4" : "6"));
	json_array_append_new(ips, o);
}

/* The result: prevResult's, with our interface appended and its addresses and routes. */
static json_t *result(const struct cni_req *r, const struct link *l, size_t nconf, json_t *ipam)
{
	json_t *ifs = prev_array(r, "interfaces"), *ips = prev_array(r, "ips"), *routes = prev_array(r, "routes");
	json_t *dns = json_object_get(r->prev, "dns"), *x;
	size_t idx = json_array_size(ifs), i;
	char mac[MAC_STRLEN];

	json_t *me = json_pack("{s:s, s:s}", "name", l->name, "sandbox", r->netns);
	if (me && l->mode == MODE_TAP && l->has_mac)
		json_object_set_new(me, "mac", json_string(format_mac(l->mac, mac, sizeof(mac))));
	if (me && cni_version_at_least(r->version, 1, 1))
		json_object_set_new(me, "mtu", json_integer(l->mtu));
	json_array_append_new(ifs, me);
	json_array_foreach(json_object_get(ipam, "ips"), i, x) {
		json_t *ip = json_deep_copy(x);
		json_object_set_new(ip, "interface", json_integer((json_int_t)idx));
		json_array_append_new(ips, ip);
	}
	for (i = 0; i < nconf; i++)
		append_addr(ips, r, &r->spec.addrs[i], idx);
	if (json_is_array(json_object_get(ipam, "routes")))
		json_array_extend(routes, json_object_get(ipam, "routes"));
	if (json_is_array(json_object_get(r->conf, "routes")))
		json_array_extend(routes, json_object_get(r->conf, "routes"));
	if (!dns)
		dns = json_object_get(ipam, "dns");
	json_t *o = json_pack("{s:s, s:o, s:o, s:o}", "cniVersion", r->version, "interfaces", ifs, "ips", ips, "routes", routes);
	if (o && dns)
		json_object_set(o, "dns", dns);
	return o;
}

/* ---- ADD --------------------------------------------------------------------- */

/* The first gateway of each family a result's ips give: routes without one use it, as the spec's plugins do. */
struct gateways {
	uint8_t v4[16], v6[16];
	bool has4, has6;
};

static void gateways_note(struct gateways *g, json_t *ip)
{
	json_t *gw = json_object_get(ip, "gateway");
	const char *why;
	uint8_t a[16];
	int family;

	if (!json_is_string(gw) || parse_addr(json_string_value(gw), &family, a, &why) < 0)
		return;
	if (family == AF_INET && !g->has4)
		memcpy(g->v4, a, 16), g->has4 = true;
	else if (family == AF_INET6 && !g->has6)
		memcpy(g->v6, a, 16), g->has6 = true;
}

static void gateways_fill(const struct gateways *g, struct route *rt)
{
	if (!rt->has_gw && (rt->family == AF_INET ? g->has4 : g->has6)) {
		memcpy(rt->gw, rt->family == AF_INET ? g->v4 : g->v6, 16);
		rt->has_gw = true;
	}
}

/* The IPAM result's addresses go on the device, its routes out of it. */
static int take_ipam(struct cni_req *r, json_t *res, struct cni_err *e)
{
	struct gateways g = { 0 };
	const char *why;
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(res, "ips"), i, x) {
		json_t *addr = json_object_get(x, "address");
		struct ipaddr a;
		if (!json_is_string(addr) || parse_cidr(json_string_value(addr), &a, &why) < 0)
			return cni_fail(e, CNI_ERR_DECODE, "IPAM plugin '%s': ips[%zu] has no valid address", r->ipam_type, i);
		if (spec_add_address(&r->spec, &a) < 0)
			return cni_fail(e, CNI_ERR_FAILED, "%s", strerror(ENOMEM));
		gateways_note(&g, x);
	}
	json_t *routes = json_object_get(res, "routes");
	struct route *v = realloc(r->routes, (r->nroutes + json_array_size(routes) + 1) * sizeof(*v));
	if (!v)
		return cni_fail(e, CNI_ERR_FAILED, "%s", strerror(ENOMEM));
	r->routes = v;
	json_array_foreach(routes, i, x) {
		struct route *rt = &r->routes[r->nroutes];
		if (cni_parse_route(x, rt, "the IPAM result", e) < 0)
			return -1;
		gateways_fill(&g, rt);
		r->nroutes++;
	}
	return 0;
}

static int check_bridge(struct call *c, int *ifindex, struct cni_err *e)
{
	struct link br;
	int rc = rt_link_by_name(c->rt, c->r->bridge, &br);

	if (rc == -ENODEV)
		return cni_fail(e, CNI_ERR_FAILED, "bridge '%s': no such interface in network namespace '%s'",
				c->r->bridge, c->r->netns);
	if (rc < 0)
		return cni_fail(e, CNI_ERR_FAILED, "cannot read bridge '%s': %s", c->r->bridge, strerror(-rc));
	if (strcmp(br.kind, "bridge"))
		return cni_fail(e, CNI_ERR_CONFIG, "bridge '%s' is a %s interface, not a bridge", c->r->bridge,
				br.kind[0] ? br.kind : "plain");
	*ifindex = br.ifindex;
	return 0;
}

/* After the device exists: bridge port, routes, state. A failure deletes it. */
static int finish_add(struct call *c, int bridge, const struct stat *st, struct link *l, struct cni_err *e)
{
	const struct cni_req *r = c->r;
	char text[ROUTE_STRLEN];
	int rc;

	if ((rc = rt_link_by_name(c->rt, r->spec.name, l)) < 0)
		return cni_fail(e, CNI_ERR_FAILED, "cannot read back '%s': %s", r->spec.name, strerror(-rc));
	if (bridge && (rc = rt_change_link(c->rt, l->ifindex, &(struct linkchange){ .up = -1, .master = bridge })) < 0)
		return cni_fail(e, CNI_ERR_FAILED, "cannot make '%s' a port of bridge '%s': %s", r->spec.name, r->bridge,
				rt_message(c->rt) ? rt_message(c->rt) : strerror(-rc));
	for (size_t i = 0; i < r->nroutes; i++)
		if ((rc = rt_add_route(c->rt, l->ifindex, &r->routes[i])) < 0 && rc != -EEXIST)
			return cni_fail(e, CNI_ERR_FAILED, "cannot add the route to '%s' via '%s': %s",
					format_route(&r->routes[i], text, sizeof(text)), r->spec.name,
					rt_message(c->rt) ? rt_message(c->rt) : strerror(-rc));
	struct cni_state s = { .ifindex = l->ifindex, .ns_dev = st->st_dev, .ns_ino = st->st_ino };
	snprintf(s.netns, sizeof(s.netns), "%s", r->netns);
	ifname_copy(s.device, r->spec.name);
	if ((rc = cni_state_write(r, r->container_id, r->ifname, &s)) < 0)
		return cni_fail(e, CNI_ERR_IO, "cannot write the state of '%s' under /run/tunown/cni: %s", r->spec.name,
				strerror(-rc));
	return 0;
}

static int add_cmd(struct call *c, struct cni_err *e)
{
	struct cni_req *r = c->r;
	size_t nconf = r->spec.naddrs;
	json_t *ipam = NULL, *res;
	struct addrlist none = { 0 };
	struct outcome out;
	struct failure f;
	struct stat st;
	struct link l;
	int bridge = 0, rc = -1;

	if (lock_wait(c, e) || enter_sandbox(c, &st, e) || connect_rt(c, e))
		return -1;
	rc = rt_link_by_name(c->rt, r->spec.name, &l);
	if (rc == 0)
		return cni_fail(e, CNI_ERR_TAKEN, "'%s' exists already in network namespace '%s': ADD makes a new "
				"interface and leaves that one alone (give another CNI_IFNAME or \"ifName\")",
				r->spec.name, r->netns);
	if (rc != -ENODEV)
		return cni_fail(e, CNI_ERR_FAILED, "cannot read '%s': %s", r->spec.name, strerror(-rc));
	if (r->bridge && check_bridge(c, &bridge, e))
		return -1;
	if (r->ipam_type && (cni_ipam(r, "ADD", NULL, NULL, c->home, &ipam, e) || take_ipam(r, ipam, e)))
		goto fail;
	if (r->spec.up < 0)
		r->spec.up = 1;
	if (device_converge(c->rt, &r->spec, NULL, &none, &(struct converge_opts){ .journal = &c->j }, &out, &f) < 0) {
		cni_fail(e, f.status == EXIT_USAGE ? CNI_ERR_VALUE : CNI_ERR_FAILED, "%s", f.text);
		goto fail;
	}
	if (finish_add(c, bridge, &st, &l, e)) {
		int idx = rt_ifindex(c->rt, r->spec.name);
		if (idx > 0)
			rt_del_link(c->rt, idx);
		goto fail;
	}
	res = result(r, &l, nconf, ipam);
	json_decref(ipam);
	return print_json(res) ? cni_fail(e, CNI_ERR_IO, "cannot write the result: %s", strerror(errno)) : 0;
fail:
	json_decref(ipam);
	if (r->ipam_type) {
		struct cni_err ignored;
		cni_ipam(r, "DEL", NULL, NULL, c->home, NULL, &ignored);
	}
	return -1;
}

/* ---- DEL and GC -------------------------------------------------------------- */

/* Deletes the device an ADD recorded, if it is still that one. */
static int remove_device(struct call *c, const char *cid, const char *ifname, const char *netns, struct cni_err *e)
{
	struct cni_state s;
	struct stat st;
	struct link l;
	int rc = cni_state_read(c->r, cid, ifname, &s);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return cni_fail(e, CNI_ERR_IO, "cannot read the state of %s:%s: %s", cid, ifname, strerror(-rc));
	if (!netns || !*netns)
		netns = s.netns;
	rc = enter(netns, &st, e);
	if (rc == -ENOENT || rc == -EINVAL)
		return 0;
	if (rc < 0)
		return -1;
	if (st.st_dev != s.ns_dev || st.st_ino != s.ns_ino)
		return go_home(c), 0;
	if (connect_rt(c, e))
		return -1;
	rc = rt_link_by_name(c->rt, s.device, &l);
	if (rc == 0 && l.ifindex == s.ifindex && l.is_tun && l.managed && (rc = rt_del_link(c->rt, l.ifindex)) < 0 &&
	    rc != -ENODEV)
		return cni_fail(e, CNI_ERR_FAILED, "cannot delete '%s': %s", s.device,
				rt_message(c->rt) ? rt_message(c->rt) : strerror(-rc));
	if ((rc = go_home(c)) < 0)
		return cni_fail(e, CNI_ERR_FAILED, "cannot return to the runtime's network namespace: %s", strerror(-rc));
	return 0;
}

static int release(struct call *c, const char *cid, const char *ifname, struct cni_err *e)
{
	int rc;

	if (c->r->ipam_type && cni_ipam(c->r, "DEL", cid, ifname, c->home, NULL, e))
		return -1;
	if ((rc = cni_state_remove(c->r, cid, ifname)) < 0)
		return cni_fail(e, CNI_ERR_IO, "cannot remove the state of %s:%s: %s", cid, ifname, strerror(-rc));
	return 0;
}

static int del_cmd(struct call *c, struct cni_err *e)
{
	const struct cni_req *r = c->r;

	if (lock_wait(c, e) || remove_device(c, r->container_id, r->ifname, r->netns, e))
		return -1;
	return release(c, r->container_id, r->ifname, e);
}

struct attachment {
	char cid[256];
	char ifname[IFNAMSIZ];
};

struct stale {
	json_t *valid;              /* [[containerID, ifname], ...] */
	struct attachment *v;
	size_t n, cap;
};

static bool listed(json_t *list, const char *cid, const char *ifname)
{
	size_t i;
	json_t *a;

	json_array_foreach(list, i, a) {
		json_t *id = json_object_get(a, "containerID"), *ifn = json_object_get(a, "ifname");
		if (json_is_string(id) && json_is_string(ifn) && !strcmp(json_string_value(id), cid) &&
		    !strcmp(json_string_value(ifn), ifname))
			return true;
	}
	return false;
}

static int collect(const char *cid, const char *ifname, void *data)
{
	struct stale *s = data;

	if (listed(s->valid, cid, ifname))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct attachment *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	snprintf(s->v[s->n].cid, sizeof(s->v[s->n].cid), "%s", cid);
	ifname_copy(s->v[s->n].ifname, ifname);
	s->n++;
	return 0;
}

/* Every attachment of this network with state and in neither list goes. */
static int gc_cmd(struct call *c, struct cni_err *e)
{
	json_t *lists[2] = { json_object_get(c->r->conf, "cni.dev/valid-attachments"),
			     json_object_get(c->r->conf, "cni.dev/attachments") };
	struct stale s = { .valid = json_array() };
	int rc = 0;

	for (size_t i = 0; i < 2; i++) {
		if (lists[i] && !json_is_array(lists[i])) {
			json_decref(s.valid);
			return cni_fail(e, CNI_ERR_CONFIG, "'%s' must be an array of {\"containerID\", \"ifname\"}",
					i ? "cni.dev/attachments" : "cni.dev/valid-attachments");
		}
		if (lists[i])
			json_array_extend(s.valid, lists[i]);
	}
	if (lock_wait(c, e) == 0 && (rc = cni_state_walk(c->r, collect, &s)) < 0)
		cni_fail(e, CNI_ERR_IO, "cannot read the state under /run/tunown/cni: %s", strerror(-rc));
	else if (rc == 0 && c->lock >= 0)
		for (size_t i = 0; i < s.n && rc == 0; i++)
			rc = remove_device(c, s.v[i].cid, s.v[i].ifname, NULL, e) || release(c, s.v[i].cid, s.v[i].ifname, e);
	else
		rc = -1;
	json_decref(s.valid);
	free(s.v);
	return rc ? -1 : 0;
}

/* ---- CHECK ------------------------------------------------------------------- */

struct diff {
	char text[512];
	size_t len;
};

static void differs(struct diff *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void differs(struct diff *d, const char *fmt, ...)
{
	va_list ap;

	if (d->len + 3 >= sizeof(d->text))
		return;
	if (d->len)
		d->len += (size_t)snprintf(d->text + d->len, sizeof(d->text) - d->len, "; ");
	va_start(ap, fmt);
	int n = vsnprintf(d->text + d->len, sizeof(d->text) - d->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		d->len = d->len + (size_t)n < sizeof(d->text) ? d->len + (size_t)n : sizeof(d->text) - 1;
}

static const char *id_text(uint32_t id, bool user, char *buf, size_t len)
{
	const char *name = id == ID_NONE ? NULL : user ? user_name(id) : group_name(id);

	if (id == ID_NONE)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%s (%u)", name ? name : "?", id);
	return buf;
}

static void check_ids(const struct devspec *s, const struct link *l, struct diff *d)
{
	char a[300], b[300];

	if (l->owner != s->uid)
		differs(d, "owner is %s, configured %s", id_text(l->owner, true, a, sizeof(a)),
			id_text(s->uid, true, b, sizeof(b)));
	if (l->group != s->gid)
		differs(d, "group is %s, configured %s", id_text(l->group, false, a, sizeof(a)),
			id_text(s->gid, false, b, sizeof(b)));
}

static void check_flags(const struct devspec *s, const struct link *l, struct diff *d)
{
	if (l->mode != devspec_mode(s))
		differs(d, "mode is %s, configured %s", mode_name(l->mode), mode_name(devspec_mode(s)));
	if (l->multi_queue != (s->multi_queue == 1))
		differs(d, "multi-queue is %s, configured %s", l->multi_queue ? "on" : "off", s->multi_queue == 1 ? "on" : "off");
	if (l->vnet_hdr != (s->vnet_hdr == 1))
		differs(d, "vnet-hdr is %s, configured %s", l->vnet_hdr ? "on" : "off", s->vnet_hdr == 1 ? "on" : "off");
	if (l->pi != (s->pi == 1))
		differs(d, "pi is %s, configured %s", l->pi ? "on" : "off", s->pi == 1 ? "on" : "off");
	if (!l->up)
		differs(d, "the link is down");
}

struct addr_seen {
	const struct ipaddr *want;
	bool found;
};

static int seen_addr(int ifindex, const struct ipaddr *a, void *data)
{
	struct addr_seen *s = data;

	if (a->family == s->want->family && a->prefixlen == s->want->prefixlen &&
	    !memcmp(a->addr, s->want->addr, a->family == AF_INET ? 4 : 16))
		s->found = true;
	return 0;
}

/* Our interface in prevResult: its index there, its MAC; the addresses prevResult gives it. */
static int check_prev(struct cni_req *r, const struct link *l, struct diff *d, struct cni_err *e)
{
	json_t *ifs = json_object_get(r->prev, "interfaces"), *x;
	const char *why;
	char mac[MAC_STRLEN];
	size_t i, idx = SIZE_MAX;

	json_array_foreach(ifs, i, x) {
		json_t *n = json_object_get(x, "name"), *sb = json_object_get(x, "sandbox");
		if (json_is_string(n) && !strcmp(json_string_value(n), l->name) &&
		    (!json_is_string(sb) || !strcmp(json_string_value(sb), r->netns)))
			idx = i;
	}
	if (idx == SIZE_MAX) {
		differs(d, "prevResult has no interface '%s' in '%s'", l->name, r->netns);
		return 0;
	}
	json_t *m = json_object_get(json_array_get(ifs, idx), "mac");
	uint8_t want[6];
	if (json_is_string(m) && parse_mac(json_string_value(m), want, &why) == 0 && l->has_mac &&
	    memcmp(want, l->mac, 6))
		differs(d, "MAC is %s, prevResult says %s", format_mac(l->mac, mac, sizeof(mac)), json_string_value(m));
	json_array_foreach(json_object_get(r->prev, "ips"), i, x) {
		json_t *in = json_object_get(x, "interface"), *a = json_object_get(x, "address");
		struct ipaddr ip;
		if (json_is_integer(in) && (size_t)json_integer_value(in) == idx && json_is_string(a) &&
		    parse_cidr(json_string_value(a), &ip, &why) == 0 && spec_add_address(&r->spec, &ip) < 0)
			return cni_fail(e, CNI_ERR_FAILED, "%s", strerror(ENOMEM));
	}
	return 0;
}

static int check_addrs(struct call *c, const struct link *l, struct diff *d, struct cni_err *e)
{
	char text[IPADDR_STRLEN];

	for (size_t i = 0; i < c->r->spec.naddrs; i++) {
		struct addr_seen s = { .want = &c->r->spec.addrs[i] };
		int rc = rt_addrs(c->rt, l->ifindex, seen_addr, &s);
		if (rc < 0)
			return cni_fail(e, CNI_ERR_FAILED, "cannot read the addresses of '%s': %s", l->name, strerror(-rc));
		if (!s.found)
			differs(d, "address %s is missing", format_ipaddr(s.want, text, sizeof(text)));
	}
	return 0;
}

/*
 * Every configured route goes through the device, and no route of tunown's
 * does that neither the configuration nor prevResult names (IPAM's routes are
 * in prevResult only). prevResult's other routes may belong to an interface
 * of an earlier plugin, so they are not required here.
 */
static int check_routes(struct call *c, const struct link *l, struct diff *d, struct cni_err *e)
{
	struct routelist have = { 0 };
	struct gateways g = { 0 };
	struct cni_err ignored;
	char text[ROUTE_STRLEN];
	size_t i, j;
	json_t *x;
	int rc;

	if ((rc = routelist_load(c->rt, l->ifindex, &have)) < 0)
		return cni_fail(e, CNI_ERR_FAILED, "cannot read the routes of '%s': %s", l->name, strerror(-rc));
	for (i = 0; i < c->r->nroutes; i++)
		if (!routes_have(have.v, have.n, &c->r->routes[i]))
			differs(d, "route %s is missing", format_route(&c->r->routes[i], text, sizeof(text)));
	json_array_foreach(json_object_get(c->r->prev, "ips"), j, x) {
		gateways_note(&g, x);
	}
	for (i = 0; i < have.n; i++) {
		bool known = routes_have(c->r->routes, c->r->nroutes, &have.v[i]);
		json_array_foreach(json_object_get(c->r->prev, "routes"), j, x) {
			struct route rt;
			if (known || cni_parse_route(x, &rt, "prevResult", &ignored) < 0)
				continue;
			gateways_fill(&g, &rt);
			known = routes_have(&rt, 1, &have.v[i]);
		}
		if (!known)
			differs(d, "route %s is not configured", format_route(&have.v[i], text, sizeof(text)));
	}
	routelist_free(&have);
	return 0;
}

static int check_cmd(struct call *c, struct cni_err *e)
{
	struct cni_req *r = c->r;
	const struct devspec *s = &r->spec;
	struct diff d = { 0 };
	struct stat st;
	struct link l;
	char a[MAC_STRLEN], b[MAC_STRLEN];
	int rc;

	if (!r->prev)
		return cni_fail(e, CNI_ERR_CONFIG, "CHECK needs the ADD's result as 'prevResult'");
	if (enter_sandbox(c, &st, e) || connect_rt(c, e))
		return -1;
	rc = rt_link_by_name(c->rt, s->name, &l);
	if (rc == -ENODEV)
		return cni_fail(e, CNI_ERR_DIFFERS, "'%s': no such interface in network namespace '%s'", s->name, r->netns);
	if (rc < 0)
		return cni_fail(e, CNI_ERR_FAILED, "cannot read '%s': %s", s->name, strerror(-rc));
	if (!l.is_tun)
		return cni_fail(e, CNI_ERR_DIFFERS, "'%s' is a %s interface, not tun/tap", s->name, l.kind[0] ? l.kind : "plain");
	check_flags(s, &l, &d);
	check_ids(s, &l, &d);
	if (s->mtu && l.mtu != s->mtu)
		differs(&d, "MTU is %u, configured %u", l.mtu, s->mtu);
	if (s->has_mac && l.has_mac && memcmp(l.mac, s->mac, 6))
		differs(&d, "MAC is %s, configured %s", format_mac(l.mac, a, sizeof(a)), format_mac(s->mac, b, sizeof(b)));
	if (r->bridge) {
		struct link br;
		if (rt_link_by_name(c->rt, r->bridge, &br) < 0 || l.master != br.ifindex)
			differs(&d, "not a port of bridge '%s'", r->bridge);
	}
	if (check_prev(r, &l, &d, e) || check_addrs(c, &l, &d, e) || check_routes(c, &l, &d, e))
		return -1;
	if (d.len)
		return cni_fail(e, CNI_ERR_DIFFERS, "'%s' in '%s' is not as configured: %s", s->name, r->netns, d.text);
	if (go_home(c) < 0)
		return cni_fail(e, CNI_ERR_FAILED, "cannot return to the runtime's network namespace");
	return r->ipam_type ? cni_ipam(r, "CHECK", NULL, NULL, c->home, NULL, e) : 0;
}

/* ---- STATUS ------------------------------------------------------------------ */

static int status_cmd(struct call *c, struct cni_err *e)
{
	int fd, rc = tun_open(&fd);

	if (rc < 0)
		return cni_fail(e, CNI_ERR_UNAVAILABLE, "cannot open '%s': %s", tun_path(), strerror(-rc));
	close(fd);
	if (!c->r->ipam_type)
		return 0;
	/* An IPAM plugin older than 1.1.0 knows no STATUS: it is as ready as it was. */
	if (cni_ipam(c->r, "STATUS", NULL, NULL, -1, NULL, e) && e->code != CNI_ERR_VERSION && e->code != CNI_ERR_ENV)
		return -1;
	return 0;
}

int cni_main(void)
{
	struct cni_req r;
	struct cni_err e = { 0 };
	struct call c = { .r = &r, .home = -1, .lock = -1, .j = { .fd = -1 } };
	int rc;

	if (cni_req_load(&r, &e)) {
		rc = print_error(r.version, &e);
		cni_req_free(&r);
		return rc;
	}
	if (r.cmd == CNI_VERSION) {
		cni_req_free(&r);
		return version_cmd();
	}
	c.home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	switch (r.cmd) {
	case CNI_ADD: rc = add_cmd(&c, &e); break;
	case CNI_DEL: rc = del_cmd(&c, &e); break;
	case CNI_CHECK: rc = check_cmd(&c, &e); break;
	case CNI_GC: rc = gc_cmd(&c, &e); break;
	case CNI_STATUS: rc = status_cmd(&c, &e); break;
	default: rc = 0; break;
	}
	call_end(&c);
	rc = rc ? print_error(r.version, &e) : 0;
	cni_req_free(&r);
	return rc;
}
