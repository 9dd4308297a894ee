/* SPDX-License-Identifier: MIT */
/* tunown add: create a persistent, owned tun/tap device, or bring one to what is asked. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "netns.h"
#include "cmd-add.h"
#include "commands.h"
#include "device.h"
#include "holders.h"
#include "journal.h"
#include "lock.h"
#include "kprobe.h"
#include "ids.h"
#include "parse.h"
#include "routes.h"

const char add_help[] =
	"Usage: tunown add NAME [--tun|--tap] [--user USER] [--group GROUP]\n"
	"                  [--address CIDR[,nodad][,noprefixroute]]... [--peer ADDR]\n"
	"                  [--route DEST[/LEN][,via=GW][,metric=N]]... [--mtu N] [--mac MAC]\n"
	"                  [--multi-queue] [--vnet-hdr] [--pi] [--up|--down] [--any-user]\n"
	"                  [--adopt] [--netns NAME]\n"
	"\n"
	"Create the persistent tun/tap device NAME, owned by USER and/or GROUP, and\n"
	"configure it; on an existing device, change what is asked and leave the rest.\n"
	"\n"
	"  --tun, --tap        mode (default: tun when NAME starts with \"tun\", else tap)\n"
	"  --user USER         owner, a name or uid: it may attach without capabilities\n"
	"  --group GROUP       group, a name or gid: its members may attach\n"
	"  --any-user          no owner or group: every user who can open /dev/net/tun may\n"
	"                      attach, or, on kernels that ask for it, CAP_NET_ADMIN only\n"
	"                      (add tests this kernel and warns)\n"
	"  --address CIDR      an IPv4 or IPv6 address with prefix (repeatable); after a\n"
	"                      comma, nodad (IPv6: usable at once, no duplicate detection)\n"
	"                      and noprefixroute (no route for the prefix)\n"
	"  --peer ADDR         the point-to-point peer of the --address before it\n"
	"  --route DEST[/LEN]  a route through the device (repeatable); after a comma,\n"
	"                      via=GW (a gateway of the same family) and metric=N\n"
	"  --mtu N             MTU, within the device's bounds\n"
	"  --mac MAC           MAC address (tap only)\n"
	"  --multi-queue       a multi-queue device (IFF_MULTI_QUEUE)\n"
	"  --vnet-hdr          created with a virtio-net header (IFF_VNET_HDR)\n"
	"  --pi                created with packet information (without IFF_NO_PI)\n"
	"  --up, --down        bring the link up or down (a new device: up)\n"
	"  --adopt             take over a tun/tap device tunown did not create\n"
	"  --netns NAME        act in the network namespace /run/netns/NAME, or in the\n"
	"                      one whose file NAME is, when an absolute path (/proc/PID/ns/net)\n"
	"  -h, --help          show this help\n";

enum { O_TUN = 256, O_TAP, O_USER, O_GROUP, O_ADDRESS, O_PEER, O_MTU, O_MAC, O_MQ,
       O_VNET, O_PI, O_DOWN, O_ANY, O_NETNS, O_UP, O_ADOPT, O_ROUTE };

static const struct option add_options[] = {
	{ "tun", no_argument, NULL, O_TUN },
	{ "tap", no_argument, NULL, O_TAP },
	{ "user", required_argument, NULL, O_USER },
	{ "group", required_argument, NULL, O_GROUP },
	{ "address", required_argument, NULL, O_ADDRESS },
	{ "peer", required_argument, NULL, O_PEER },
	{ "mtu", required_argument, NULL, O_MTU },
	{ "mac", required_argument, NULL, O_MAC },
	{ "multi-queue", no_argument, NULL, O_MQ },
	{ "vnet-hdr", no_argument, NULL, O_VNET },
	{ "pi", no_argument, NULL, O_PI },
	{ "down", no_argument, NULL, O_DOWN },
	{ "any-user", no_argument, NULL, O_ANY },
	{ "netns", required_argument, NULL, O_NETNS },
	{ "up", no_argument, NULL, O_UP },
	{ "adopt", no_argument, NULL, O_ADOPT },
	{ "route", required_argument, NULL, O_ROUTE },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

int spec_add_address(struct devspec *s, const struct ipaddr *a)
{
	size_t len = a->family == AF_INET ? 4 : 16;

	/* The same local address given again replaces the earlier one, as it
	 * replaces the device's: the last prefix (and --peer after it) wins. */
	for (size_t i = 0; i < s->naddrs; i++) {
		if (s->addrs[i].family == a->family && !memcmp(s->addrs[i].addr, a->addr, len)) {
			memmove(&s->addrs[i], &s->addrs[i + 1], (s->naddrs - i - 1) * sizeof(*s->addrs));
			s->addrs[s->naddrs - 1] = *a;
			return 0;
		}
	}
	struct ipaddr *v = realloc(s->addrs, (s->naddrs + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->addrs = v;
	s->addrs[s->naddrs++] = *a;
	return 0;
}

int spec_add_route(struct devspec *s, const struct route *r)
{
	for (size_t i = 0; i < s->nroutes; i++)
		if (route_equal(&s->routes[i], r))
			return 0;
	struct route *v = realloc(s->routes, (s->nroutes + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->routes = v;
	s->routes[s->nroutes++] = *r;
	return 0;
}

int spec_set_peer(struct devspec *s, const char *value, const char **why)
{
	int family;
	uint8_t peer[16];

	if (!s->naddrs) {
		*why = "no address before it to pair with";
		return -EINVAL;
	}
	struct ipaddr *a = &s->addrs[s->naddrs - 1];
	if (a->has_peer) {
		*why = "the address before it has a peer already";
		return -EINVAL;
	}
	if (parse_addr(value, &family, peer, why) < 0)
		return -EINVAL;
	if (family != a->family) {
		*why = family == AF_INET ? "an IPv4 peer for an IPv6 address" : "an IPv6 peer for an IPv4 address";
		return -EINVAL;
	}
	a->has_peer = true;
	memcpy(a->peer, peer, 16);
	return 0;
}

int spec_finish(struct devspec *s, const char **why)
{
	if (s->any_user && (s->uid != ID_NONE || s->gid != ID_NONE)) {
		*why = "--any-user means no owner and no group: drop it or drop --user/--group";
		return -EINVAL;
	}
	if (s->has_mac && devspec_mode(s) == MODE_TUN) {
		*why = "a tun device has no MAC address (--mac is for tap)";
		return -EINVAL;
	}
	if (s->nroutes && s->up == 0) {
		*why = "has routes and is to stay down: the kernel keeps no route through a link that is down; drop the routes or the down";
		return -EINVAL;
	}
	return 0;
}

/*
 * What the kernel would refuse of --mtu, found before it is asked: over the
 * mode's bound when --tun or --tap says the mode (without them an existing
 * device keeps its own, whose bounds are checked against it), and below 1280
 * with an IPv6 address, which the kernel then refuses.
 */
static int add_check_mtu(const struct devspec *s)
{
	char buf[IPADDR_STRLEN];
	const char *why;

	if (!s->mtu)
		return 0;
	if (s->mode && mtu_for_mode(s->mtu, s->mode, &why) < 0)
		return usage_error("add", "MTU '%u': %s", s->mtu, why);
	for (size_t i = 0; s->mtu < IPV6_MIN_MTU && i < s->naddrs; i++)
		if (s->addrs[i].family == AF_INET6)
			return usage_error("add", "MTU '%u' with the IPv6 address '%s': IPv6 needs an MTU of 1280 or more, "
					   "so the kernel would refuse the address; raise the MTU or drop the IPv6 addresses",
					   s->mtu, format_ipaddr(&s->addrs[i], buf, sizeof(buf)));
	return 0;
}

/* Refuses a single-valued option given twice: the second would silently win. */
static int once(bool *seen, const char *opt)
{
	if (*seen)
		return usage_error("add", "option '--%s' given twice", opt);
	*seen = true;
	return 0;
}

int add_parse(int argc, char **argv, struct devspec *s)
{
	bool seen[O_ROUTE - O_TUN + 1] = { 0 };
	const char *why;
	struct ipaddr a;
	struct route rte;
	int opt, r;

	devspec_init(s);
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", add_options, NULL)) != -1) {
		if (opt >= O_TUN && opt != O_ADDRESS && opt != O_PEER && opt != O_ROUTE && opt != O_TUN && opt != O_TAP &&
		    (r = once(&seen[opt - O_TUN], add_options[opt - O_TUN].name)))
			return r;
		switch (opt) {
		case 'h':
			return -1;
		case O_TUN:
		case O_TAP:
			if (s->mode)
				return usage_error("add", "give --tun or --tap, not both");
			s->mode = opt == O_TUN ? MODE_TUN : MODE_TAP;
			break;
		case O_USER:
			if (resolve_user(optarg, &s->uid, &why) < 0)
				return usage_error("add", "user '%s': %s", optarg, why);
			break;
		case O_GROUP:
			if (resolve_group(optarg, &s->gid, &why) < 0)
				return usage_error("add", "group '%s': %s", optarg, why);
			break;
		case O_ADDRESS:
			if (parse_address(optarg, &a, &why) < 0)
				return usage_error("add", "address '%s': %s", optarg, why);
			if (spec_add_address(s, &a) < 0)
				return usage_error("add", "address '%s': %s", optarg, strerror(ENOMEM));
			break;
		case O_ROUTE:
			if (parse_route(optarg, &rte, &why) < 0)
				return usage_error("add", "route '%s': %s", optarg, why);
			if (spec_add_route(s, &rte) < 0)
				return usage_error("add", "route '%s': %s", optarg, strerror(ENOMEM));
			break;
		case O_PEER:
			if (spec_set_peer(s, optarg, &why) < 0)
				return usage_error("add", "peer '%s': %s", optarg, why);
			break;
		case O_MTU:
			if (parse_mtu(optarg, &s->mtu, &why) < 0)
				return usage_error("add", "MTU '%s': %s", optarg, why);
			break;
		case O_MAC:
			if (parse_mac(optarg, s->mac, &why) < 0)
				return usage_error("add", "MAC '%s': %s", optarg, why);
			s->has_mac = true;
			break;
		case O_MQ:
			s->multi_queue = 1;
			break;
		case O_VNET:
			s->vnet_hdr = 1;
			break;
		case O_PI:
			s->pi = 1;
			break;
		case O_UP:
		case O_DOWN:
			if (s->up != -1)
				return usage_error("add", "give --up or --down, not both");
			s->up = opt == O_UP;
			break;
		case O_ADOPT:
			s->adopt = true;
			break;
		case O_ANY:
			s->any_user = true;
			break;
		case O_NETNS:
			if ((r = netns_check_name("add", optarg)))
				return r;
			free(s->netns);
			s->netns = strdup(optarg);
			break;
		default:
			return bad_option("add", argc, argv, opt);
		}
	}
	if (optind >= argc)
		return usage_error("add", "missing the device NAME");
	if (optind + 1 < argc)
		return usage_error("add", "one device at a time: unexpected '%s'", argv[optind + 1]);
	if (parse_ifname(argv[optind], s->name, &why) < 0)
		return usage_error("add", "device name '%s': %s", argv[optind], why);
	if (s->has_mac && devspec_mode(s) == MODE_TUN) {
		char mac[MAC_STRLEN];
		return usage_error("add", "MAC '%s': '%s' is a tun device, which has no MAC address (--mac is for tap)",
				   format_mac(s->mac, mac, sizeof(mac)), s->name);
	}
	if (spec_finish(s, &why) < 0)
		return usage_error("add", "'%s' %s", s->name, why);
	return add_check_mtu(s);
}

int add_main(int argc, char **argv)
{
	struct devspec s;
	struct addrlist have = { 0 };
	struct routelist routes = { 0 };
	struct journal j = { .fd = -1 };
	struct holders holders = { 0 };
	struct rt *rt = NULL;
	struct link cur;
	struct outcome out;
	struct failure f;
	char text[300];
	int r, lock = -1;

	r = add_parse(argc, argv, &s);
	if (r) {
		devspec_free(&s);
		return r < 0 ? print_help("add") : r;
	}
	if (s.netns && (r = netns_enter("add", s.netns)))
		goto out;
	if ((r = rt_connect("add", &rt)))
		goto out;
	if ((lock = lock_take("add")) < 0) {
		r = EXIT_FAIL;
		goto out;
	}
	if ((r = journal_open(&j, rt)) < 0) {
		errorf("add", "cannot read the journal '%s': %s", j.path, strerror(-r));
		r = EXIT_FAIL;
		goto out;
	}
	/* Every device a killed run left unmarked, not only this one: the journal goes when add ends. */
	bool adopted = false;
	if ((r = journal_adopt_all(&j, rt, s.name, &adopted)) < 0) {
		errorf("add", "cannot mark a device a killed run left (journal '%s'): %s", j.path, strerror(-r));
		r = EXIT_FAIL;
		goto out;
	}
	r = rt_link_by_name(rt, s.name, &cur);
	if (r < 0 && r != -ENODEV) {
		errorf("add", "cannot read '%s': %s", s.name, strerror(-r));
		r = EXIT_FAIL;
		goto out;
	}
	bool exists = r == 0;
	if (exists && strcmp(cur.name, s.name)) {
		errorf("add", "%s", altname_conflict(text, sizeof(text), s.name, cur.name));
		r = EXIT_FAIL;
		goto out;
	}
	/* Such a device was being created: it comes up as a new one would. */
	if (exists && adopted && s.up == -1)
		s.up = 1;
	if (exists && (r = addrlist_load(rt, cur.ifindex, &have)) < 0) {
		errorf("add", "cannot read the addresses of '%s': %s", s.name, strerror(-r));
		r = EXIT_FAIL;
		goto out;
	}
	/* add only adds routes: the ones there now are read only when some are asked. */
	if (exists && s.nroutes && (r = routelist_load(rt, cur.ifindex, &routes)) < 0) {
		errorf("add", "cannot read the routes of '%s': %s", s.name, strerror(-r));
		r = EXIT_FAIL;
		goto out;
	}
	if (device_converge(rt, &s, exists ? &cur : NULL, &have,
			    &(struct converge_opts){ .journal = &j, .holders = &holders, .routes = &routes }, &out, &f) < 0) {
		errorf("add", "%s", f.text);
		r = f.status;
		goto out;
	}
	printf("%s: %s\n", s.name, outcome_text(&out, false, text, sizeof(text)));
	if (out.kind == DEV_CREATED && s.uid != ID_NONE && s.gid != ID_NONE)
		errorf("add", "note: '%s' has both an owner and a group; the kernel then lets a program attach only when it matches both", s.name);
	if (out.kind == DEV_CREATED && s.any_user && kprobe_ownerless_warning(s.name, text, sizeof(text)))
		errorf("add", "%s", text);
	r = EXIT_DONE;
out:
	journal_close(&j, false);
	holders_free(&holders);
	if (lock >= 0)
		close(lock);
	addrlist_free(&have);
	routelist_free(&routes);
	rt_close(rt);
	devspec_free(&s);
	return r;
}
