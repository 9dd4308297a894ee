/* SPDX-License-Identifier: MIT */
/* tunown list and show: every tun/tap device, or one, read from rtnetlink alone. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "holders.h"
#include "netns.h"
#include "commands.h"
#include "ids.h"
#include "linkset.h"
#include "output.h"
#include "parse.h"
#include "table.h"
#include "tun.h"

const char list_help[] =
	"Usage: tunown list [--json] [--netns NAME]\n"
	"\n"
	"Show every tun/tap device of the network namespace, one a line: name, mode\n"
	"(-mq: multi-queue), owner, group, state (down, no-carrier: up and no program\n"
	"attached, up), attached queues, the processes holding it and addresses.\n"
	"--json prints every field, as show does.\n"
	"\n"
	"  --json              print a JSON array\n"
	"  --netns NAME        act in the network namespace /run/netns/NAME, or in the\n"
	"                      one whose file NAME is, when an absolute path (/proc/PID/ns/net)\n"
	"  -h, --help          show this help\n";

const char show_help[] =
	"Usage: tunown show NAME [--json] [--netns NAME]\n"
	"\n"
	"Show one tun/tap device, one field per line.\n"
	"\n"
	"  --json              print a JSON object\n"
	"  --netns NAME        act in the network namespace /run/netns/NAME, or in the\n"
	"                      one whose file NAME is, when an absolute path (/proc/PID/ns/net)\n"
	"  -h, --help          show this help\n";

/* tunown's routes: JSON objects {dst, via, metric}; in text the syntax --route takes. */
static void print_routes(const struct link *l, const struct routeset *rs)
{
	char buf[ROUTE_STRLEN], gw[INET6_ADDRSTRLEN];
	const struct route_entry *e;
	size_t n = routeset_of(rs, l->ifindex, &e);

	if (!out_json()) {
		out_strs_begin("routes", "routes");
		for (size_t i = 0; i < n; i++)
			out_strs_item(format_route(&e[i].r, buf, sizeof(buf)));
		out_strs_end();
		return;
	}
	out_objs_begin("routes", "routes");
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &e[i].r;
		struct ipaddr dst = { .family = r->family, .prefixlen = r->dst_len };
		memcpy(dst.addr, r->dst, sizeof(dst.addr));
		out_obj_begin(NULL);
		out_str("dst", "dst", format_ipaddr(&dst, buf, sizeof(buf)));
		out_str("via", "via", r->has_gw && inet_ntop(r->family, r->gw, gw, sizeof(gw)) ? gw : NULL);
		out_uint("metric", "metric", r->metric);
		out_obj_end();
	}
	out_objs_end();
}

/* What printing a device needs besides the link: its addresses, routes, and who holds what. */
struct view {
	const struct addrset *addrs;
	const struct routeset *routes;
	struct holders holders;     /* loaded at the first single-queue device */
	struct netns_id here;
	bool hidden_used;           /* a single-queue device was judged while some processes were unreadable */
	size_t unread;              /* tun links whose attributes could not be read (tun.h) */
};

/* "1234(qemu,alice)", as list's table and show's text name a holder: no space in it. */
static const char *holder_word(const struct holder *h, bool queues, char *buf, size_t len)
{
	char comm[sizeof(h->comm) * 4], who[32];
	const char *user = h->uid != ID_NONE ? user_name(h->uid) : NULL;

	for (char *c = escape(h->comm, comm, sizeof(comm), 0); *c; c++)
		if (*c == ' ' || *c == ',' || *c == '(' || *c == ')')
			*c = '_';
	if (user)
		snprintf(who, sizeof(who), "%s", user);
	else
		snprintf(who, sizeof(who), "%u", h->uid);
	if (queues)
		snprintf(buf, len, "%d(%s,%s,queues=%u)", (int)h->pid, comm, who, h->fds);
	else
		snprintf(buf, len, "%d(%s,%s)", (int)h->pid, comm, who);
	return buf;
}

/* Who holds the device: JSON objects {pid, command, uid, user, queues}; text words. */
static void print_holders(const struct link *l, const struct view *v)
{
	const struct holder *h = NULL;
	size_t n = v->holders.loaded ? holders_of(&v->holders, &v->here, l->name, &h) : 0;
	char buf[160];

	if (!out_json()) {
		out_strs_begin("holders", "holders");
		for (size_t i = 0; i < n; i++)
			out_strs_item(holder_word(&h[i], true, buf, sizeof(buf)));
		if (v->holders.hidden)
			out_strs_item("(others-may-be-hidden)");
		out_strs_end();
		return;
	}
	out_objs_begin("holders", "holders");
	for (size_t i = 0; i < n; i++) {
		out_obj_begin(NULL);
		out_uint("pid", "pid", (uint64_t)h[i].pid);
		out_str("command", "command", h[i].comm);
		out_id("uid", "user", "user", h[i].uid != ID_NONE, h[i].uid, h[i].uid != ID_NONE ? user_name(h[i].uid) : NULL);
		out_uint("queues", "queues", h[i].fds);
		out_obj_end();
	}
	out_objs_end();
	/* Not root: other users' processes cannot be read, and may hold it too. */
	out_bool("holders_complete", "holders-complete", v->holders.loaded && !v->holders.hidden);
}

static void print_link(const struct link *l, const struct view *v)
{
	char buf[2 * IPADDR_STRLEN + 8];
	const struct addrset *ix = v->addrs;

	out_obj_begin(l->name);
	if (out_json())         /* text has it as the title */
		out_str("name", "name", l->name);
	out_uint("ifindex", "ifindex", (uint64_t)l->ifindex);
	out_str("mode", "mode", mode_name(l->mode));
	out_id("owner", "owner_name", "owner", l->owner != ID_NONE, l->owner,
	       l->owner != ID_NONE ? user_name(l->owner) : NULL);
	out_id("group", "group_name", "group", l->group != ID_NONE, l->group,
	       l->group != ID_NONE ? group_name(l->group) : NULL);
	out_bool("persist", "persist", l->persist);
	out_bool("multi_queue", "multi-queue", l->multi_queue);
	out_bool("vnet_hdr", "vnet-hdr", l->vnet_hdr);
	out_bool("pi", "pi", l->pi);
	out_uint("mtu", "mtu", l->mtu);
	out_str("mac", "mac", l->has_mac ? format_mac(l->mac, buf, sizeof(buf)) : NULL);
	out_bool("up", "up", l->up);
	out_bool("carrier", "carrier", l->carrier);
	/* Before Linux 4.16 the kernel does not count a multi-queue device's queues. */
	out_uint_or_unknown("queues", "queues", !(l->queues_unknown && l->multi_queue), l->queues);
	out_uint("netdev_group", "netdev-group", l->netdev_group);
	out_strs_begin("addresses", "addresses");
	const struct addr_entry *e;
	size_t n = addrset_of(ix, l->ifindex, &e);
	for (size_t i = 0; i < n; i++)
		out_strs_item(format_ipaddr_peer(&e[i].a, buf, sizeof(buf)));
	out_strs_end();
	print_routes(l, v->routes);
	print_holders(l, v);
	out_str("flags", "flags", tun_flags_string(tun_flags_of(l), buf, sizeof(buf)));
	/* What every program must pass; IFF_NO_PI and IFF_VNET_HDR are each attacher's own. */
	out_str("required_flags", "required-flags",
		tun_flags_string(tun_flags(l->mode, l->multi_queue, false, true), buf, sizeof(buf)));
	out_bool("managed", "managed", l->managed);
	out_obj_end();
}

/* A single-queue device's queue is known from its holders only (holders.h). */
static void fill_queues(struct link *l, struct view *v)
{
	if (!l->is_tun)
		return;
	/* One pass over /proc for every device: the holders are shown for each. */
	if (!v->holders.loaded) {
		if (netns_id_self(&v->here) < 0)
			return;
		holders_only(&v->holders, &v->here);
		if (holders_load(&v->holders) < 0)
			return;
	}
	v->hidden_used |= v->holders.hidden > 0;
	link_fill_queues(l, &v->here, &v->holders);
}

/* Holders of other users are hidden from a user who is not root: said once, on stderr. */
static void note_hidden(const char *verb, const struct view *v)
{
	if (v->hidden_used)
		errorf(verb, "note: %zu processes could not be read (not yours; run as root to see them): the queues they hold are not counted",
		       v->holders.hidden);
}

/* The brief table of list: one device a line. */
enum { C_NAME, C_MODE, C_OWNER, C_GROUP, C_STATE, C_QUEUES, C_HOLDERS, C_ADDRS, C_COUNT };

struct brief {
	struct table t;
	struct view *v;
};

/* "alice", or the number when the database has no name, "-" when unset. */
static const char *id_cell(bool user, uint32_t id, char *buf, size_t len)
{
	const char *name;

	if (id == ID_NONE)
		return "-";
	name = user ? user_name(id) : group_name(id);
	if (name)
		return name;
	snprintf(buf, len, "%u", id);
	return buf;
}

/* down; up with no program attached (no carrier); up. */
static const char *state_cell(const struct link *l)
{
	return !l->up ? "down" : l->carrier ? "up" : "no-carrier";
}

/* Addresses joined by spaces, each as add takes it: "10.0.0.1/32,peer=10.0.0.2". */
static const char *addrs_cell(const struct link *l, const struct addrset *ix, char *buf, size_t len)
{
	char one[2 * IPADDR_STRLEN + 8], peer[IPADDR_STRLEN];
	const struct addr_entry *e;
	size_t n = addrset_of(ix, l->ifindex, &e), off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++) {
		const struct ipaddr *a = &e[i].a;
		format_ipaddr(a, one, sizeof(one));
		if (a->has_peer) {
			struct ipaddr p = *a;
			memcpy(p.addr, a->peer, sizeof(p.addr));
			format_ipaddr(&p, peer, sizeof(peer));
			*strrchr(peer, '/') = '\0';
			size_t k = strlen(one);
			snprintf(one + k, sizeof(one) - k, ",peer=%s", peer);
		}
		int k = snprintf(buf + off, len - off, "%s%s", off ? " " : "", one);
		if (k < 0)
			break;
		off += (size_t)k;
	}
	return buf;
}

/* "1234(qemu,alice),1300(qemu,bob)"; "?" when queues are held by processes tunown cannot read. */
static const char *holders_cell(const struct link *l, const struct view *v, char *buf, size_t len)
{
	const struct holder *h = NULL;
	size_t n = v->holders.loaded ? holders_of(&v->holders, &v->here, l->name, &h) : 0, off = 0;
	char one[160];

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++) {
		int k = snprintf(buf + off, len - off, "%s%s", off ? "," : "", holder_word(&h[i], false, one, sizeof(one)));
		if (k < 0)
			break;
		off += (size_t)k;
	}
	if (!n && l->queues && v->holders.hidden)
		snprintf(buf, len, "?");
	return buf;
}

static int brief_row(const struct link *l, void *data)
{
	struct brief *b = data;
	char owner[16], group[16], queues[32], holders[512], addrs[2048];
	struct link copy;

	b->v->unread += l->tun_unread;
	if (!l->is_tun)
		return 0;
	copy = *l;
	fill_queues(&copy, b->v);
	l = &copy;
	if (l->multi_queue && l->queues_unknown)
		snprintf(queues, sizeof(queues), "unknown");
	else if (l->multi_queue && l->disabled_queues)
		snprintf(queues, sizeof(queues), "%u(%u-off)", l->queues, l->disabled_queues);
	else
		snprintf(queues, sizeof(queues), "%u", l->queues);
	const char *cells[C_COUNT] = {
		[C_NAME] = l->name,
		[C_MODE] = l->multi_queue ? (l->mode == MODE_TUN ? "tun-mq" : "tap-mq") : mode_name(l->mode),
		[C_OWNER] = id_cell(true, l->owner, owner, sizeof(owner)),
		[C_GROUP] = id_cell(false, l->group, group, sizeof(group)),
		[C_STATE] = state_cell(l),
		[C_QUEUES] = queues,
		[C_HOLDERS] = holders_cell(l, b->v, holders, sizeof(holders)),
		[C_ADDRS] = addrs_cell(l, b->v->addrs, addrs, sizeof(addrs)),
	};
	return table_add(&b->t, cells);
}

static int print_brief(struct rt *rt, struct view *v)
{
	static const char *const header[C_COUNT] = { "NAME", "MODE", "OWNER", "GROUP", "STATE", "QUEUES", "HOLDERS", "ADDRESSES" };
	struct brief b = { .v = v };
	int r = table_init(&b.t, C_COUNT, header);

	if (r == 0)
		r = rt_links(rt, brief_row, &b);
	if (r == 0)
		table_print(&b.t, stdout);
	table_free(&b.t);
	return r;
}

static int print_tun(const struct link *l, void *data)
{
	struct view *v = data;
	struct link copy;

	v->unread += l->tun_unread;
	if (!l->is_tun)
		return 0;
	copy = *l;
	fill_queues(&copy, v);
	print_link(&copy, v);
	return 0;
}

/* Addresses and tunown's routes of one interface, or of all (0): one dump each. */
static int read_sets(const char *verb, struct rt *rt, int ifindex, struct addrset *ix, struct routeset *rs)
{
	int r = addrset_load(rt, ifindex, ix);

	if (r < 0) {
		errorf(verb, "cannot read addresses: %s", strerror(-r));
		return EXIT_FAIL;
	}
	r = routeset_load(rt, rs);
	if (r < 0) {
		errorf(verb, "cannot read routes: %s", strerror(-r));
		return EXIT_FAIL;
	}
	return 0;
}

/* list and show take the same options; show also takes one NAME. */
static int parse(const char *verb, int argc, char **argv, bool *json, const char **netns, const char **name)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int opt, r;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return -1;
		case 'j':
			*json = true;
			break;
		case 'n':
			if ((r = netns_check_name(verb, optarg)))
				return r;
			*netns = optarg;
			break;
		default:
			return bad_option(verb, argc, argv, opt);
		}
	}
	if (!name) {
		if (optind < argc)
			return usage_error(verb, "unexpected '%s'", argv[optind]);
		return 0;
	}
	if (optind >= argc)
		return usage_error(verb, "missing the device NAME");
	if (optind + 1 < argc)
		return usage_error(verb, "one device at a time: unexpected '%s'", argv[optind + 1]);
	*name = argv[optind];
	return 0;
}

int list_main(int argc, char **argv)
{
	struct addrset ix = { 0 };
	struct routeset rs = { 0 };
	struct rt *rt = NULL;
	const char *netns = NULL;
	bool json = false;
	int r;

	r = parse("list", argc, argv, &json, &netns, NULL);
	if (r)
		return r < 0 ? print_help("list") : r;
	if (netns && (r = netns_enter("list", netns)))
		return r;
	if ((r = rt_connect("list", &rt)))
		return r;
	if ((r = read_sets("list", rt, 0, &ix, &rs)))
		goto out;
	struct view v = { .addrs = &ix, .routes = &rs };
	if (json) {
		out_init(stdout, OUT_JSON);
		out_list_begin();
		r = rt_links(rt, print_tun, &v);
		out_list_end();
	} else {
		r = print_brief(rt, &v);
	}
	note_hidden("list", &v);
	holders_free(&v.holders);
	if (r == 0 && v.unread) {
		errorf("list", "%zu tun/tap devices not listed: this kernel gives their attributes only in sysfs "
		       "(before Linux 4.16), and a sysfs of this network namespace could not be mounted "
		       "(that needs CAP_SYS_ADMIN: run as root)", v.unread);
		r = EXIT_FAIL;
	}
	if (r < 0) {
		errorf("list", "cannot list the interfaces: %s", strerror(-r));
		r = EXIT_FAIL;
	}
out:
	addrset_free(&ix);
	routeset_free(&rs);
	rt_close(rt);
	return r;
}

int show_main(int argc, char **argv)
{
	struct addrset ix = { 0 };
	struct routeset rs = { 0 };
	struct rt *rt = NULL;
	const char *netns = NULL, *name = NULL, *why;
	char ifname[IFNAMSIZ];
	struct link l;
	bool json = false;
	int r;

	r = parse("show", argc, argv, &json, &netns, &name);
	if (r)
		return r < 0 ? print_help("show") : r;
	if (parse_ifname(name, ifname, &why) < 0)
		return usage_error("show", "device name '%s': %s", name, why);
	if (netns && (r = netns_enter("show", netns)))
		return r;
	if ((r = rt_connect("show", &rt)))
		return r;
	r = rt_link_by_name(rt, ifname, &l);
	if (r == -ENODEV) {
		errorf("show", "no device '%s' in this network namespace ('tunown list' shows them)", ifname);
		r = EXIT_FAIL;
		goto out;
	} else if (r < 0) {
		errorf("show", "cannot read '%s': %s", ifname, strerror(-r));
		r = EXIT_FAIL;
		goto out;
	}
	if (strcmp(l.name, ifname)) {
		char text[300];
		errorf("show", "%s", altname_conflict(text, sizeof(text), ifname, l.name));
		r = EXIT_FAIL;
		goto out;
	}
	if (l.tun_unread) {
		char text[300];
		errorf("show", "%s", tun_unread_text(text, sizeof(text), ifname));
		r = EXIT_FAIL;
		goto out;
	}
	if (!l.is_tun) {
		errorf("show", "'%s' is not a tun/tap device (kind: %s)", ifname, link_kind(&l));
		r = EXIT_FAIL;
		goto out;
	}
	if ((r = read_sets("show", rt, l.ifindex, &ix, &rs)))
		goto out;
	struct view v = { .addrs = &ix, .routes = &rs };
	fill_queues(&l, &v);
	out_init(stdout, json ? OUT_JSON : OUT_BLOCK);
	print_link(&l, &v);
	note_hidden("show", &v);
	holders_free(&v.holders);
	r = EXIT_DONE;
out:
	addrset_free(&ix);
	routeset_free(&rs);
	rt_close(rt);
	return r;
}
