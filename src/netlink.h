/* SPDX-License-Identifier: MIT */
/*
 * Everything rtnetlink, through libnl-3 (socket, messages, attributes) and
 * libnl-route-3 (link and address requests). Functions return 0 or -errno and
 * print nothing; after a failure rt_message() gives the kernel's extended-ack
 * text, if it sent one.
 */
#ifndef TUNOWN_NETLINK_H
#define TUNOWN_NETLINK_H

#include "types.h"

struct rt;

int rt_open(struct rt **out);
void rt_close(struct rt *nl);
/* The kernel's own words about the last failed request, or NULL. */
const char *rt_message(const struct rt *nl);
/* Whether the kernel gives reasons at all (extended ack, Linux 4.12). */
bool rt_ext_ack(const struct rt *nl);
/* Puts back a message saved before later requests cleared it. */
void rt_set_message(struct rt *nl, const char *text);

/* Called for every link of a dump; a nonzero return stops the walk and is returned. */
typedef int (*link_fn)(const struct link *l, void *data);
int rt_links(struct rt *nl, link_fn fn, void *data);
/*
 * The same, and alt for each alternative name of a link ('ip link property
 * add dev tap0 altname vmnet', IFLA_ALT_IFNAME), after fn saw the link. Only
 * names that fit IFNAMSIZ are given: no longer one can be asked for by name.
 */
typedef int (*altname_fn)(const struct link *l, const char *altname, void *data);
int rt_links_names(struct rt *nl, link_fn fn, altname_fn alt, void *data);
/*
 * -ENODEV when there is no such interface. The kernel resolves alternative
 * names here (and in SIOCGIFINDEX and TUNSETIFF): out->name is then the
 * device's own name, not the one asked for.
 */
int rt_link_by_name(struct rt *nl, const char *name, struct link *out);
/* The interface alias (IFLA_IFALIAS) of one link, "" when none: struct link keeps only whether it has one. */
int rt_link_alias(struct rt *nl, int ifindex, char *buf, size_t len);
/* Only the ifindex of a name (one ioctl, no dump): > 0, or -ENODEV. */
int rt_ifindex(struct rt *nl, const char *name);

/* The cookie of the network namespace the socket lives in (never reused; Linux 5.14). */
int rt_netns_cookie(struct rt *nl, uint64_t *cookie);

/* Every address of one interface (ifindex > 0) or of all (0). */
typedef int (*addr_fn)(int ifindex, const struct ipaddr *a, void *data);
int rt_addrs(struct rt *nl, int ifindex, addr_fn fn, void *data);

/* Changes to one link, sent as a single RTM_NEWLINK. Unset fields are left alone. */
struct linkchange {
	uint32_t mtu;               /* 0: leave */
	const uint8_t *mac;         /* NULL: leave */
	const char *alias;          /* NULL: leave */
	int up;                     /* -1 leave, 0 down, 1 up */
	bool set_group;
	uint32_t group;
	int master;                 /* 0: leave; an ifindex: make the link its port (IFLA_MASTER) */
};
int rt_change_link(struct rt *nl, int ifindex, const struct linkchange *c);
/*
 * A new device's configuration in one sendmsg: the link change before, each
 * address, the link change after (or NULL), then each route. The kernel runs
 * them all; the first failure is returned, with *failed = 0 for before, 1 + i
 * for address i, naddrs + 1 for after, naddrs + 2 + i for route i. Addresses go to a device that is still
 * down: adding one to a device that is up costs the kernel a fifth more.
 */
int rt_setup_link(struct rt *nl, int ifindex, const struct linkchange *before,
		  const struct ipaddr *addrs, size_t naddrs, const struct linkchange *after,
		  const struct route *routes, size_t nroutes, size_t *failed);
int rt_add_addr(struct rt *nl, int ifindex, const struct ipaddr *a);
int rt_del_addr(struct rt *nl, int ifindex, const struct ipaddr *a);
int rt_del_link(struct rt *nl, int ifindex);

/* tunown's routes (RTPROT_TUNOWN, main table) through one interface (ifindex > 0) or all (0), one dump. */
typedef int (*route_fn)(int ifindex, const struct route *r, void *data);
int rt_routes(struct rt *nl, int ifindex, route_fn fn, void *data);
/* One route through ifindex, marked as tunown's; the kernel checks the gateway. */
int rt_add_route(struct rt *nl, int ifindex, const struct route *r);
int rt_del_route(struct rt *nl, int ifindex, const struct route *r);
/* Deletes every device of a netdev group in one kernel batch. */
int rt_del_group(struct rt *nl, uint32_t group);

#endif
