/* SPDX-License-Identifier: MIT */
/*
 * Types shared by every layer of tunown: what the user asked for (struct devspec)
 * and what the kernel reports (struct link).
 */
#ifndef TUNOWN_TYPES_H
#define TUNOWN_TYPES_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TUNOWN_VERSION_STRING TUNOWN_VERSION

/* Copies an interface name into IFNAMSIZ bytes, cut short if need be (a tenth of snprintf's cost). */
static inline void ifname_copy(char *dst, const char *src)
{
	size_t n = strnlen(src, IFNAMSIZ - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* An owner or group that is not set, as IFLA_TUN_OWNER/GROUP leave it. */
#define ID_NONE ((uint32_t)-1)

/*
 * The netdev groups tunown borrows for a batch delete ("tun\0" and up): a
 * device is in one only between the move and the group delete, unless a
 * SIGKILL came in between; apply puts a managed device found there back.
 */
#define SPARE_GROUP_BASE 0x74756e00u
static inline bool spare_group(uint32_t group)
{
	return group >= SPARE_GROUP_BASE && group < SPARE_GROUP_BASE + 256;
}

/* The marker tunown puts in IFLA_IFALIAS of the devices it creates. */
#define TUNOWN_ALIAS "tunown"
/* The marker of a device being created where there is no journal (journal.h). */
#define TUNOWN_ALIAS_CREATING "tunown:creating"

/* Values match IFLA_TUN_TYPE. */
enum tun_mode { MODE_UNSET = 0, MODE_TUN = 1, MODE_TAP = 2 };

/* Exit statuses, one meaning each. */
enum { EXIT_DONE = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct ipaddr {
	int family;                 /* AF_INET or AF_INET6 */
	uint8_t prefixlen;
	bool has_peer;
	uint8_t addr[16];
	uint8_t peer[16];
	uint32_t read_flags;        /* IFA_F_* as the kernel reports them; 0 in a spec, never compared */
	uint8_t opts;               /* ADDR_NODAD | ADDR_NOPREFIXROUTE: only when adding */
};

/* Options of an address (",nodad", ",noprefixroute"), sent as IFA_FLAGS. */
#define ADDR_NODAD          0x1 /* IFA_F_NODAD: usable at once, no duplicate detection */
#define ADDR_NOPREFIXROUTE  0x2 /* IFA_F_NOPREFIXROUTE: no route for the prefix */

/*
 * A route through a device: DEST/LEN, with a gateway or on-link, and a metric.
 * The metric is always set: the kernel's default (0 for IPv4, 1024 for IPv6)
 * when not given, so that a route compares equal to what the kernel reports.
 */
struct route {
	int family;                 /* AF_INET or AF_INET6 */
	uint8_t dst_len;
	uint8_t dst[16];
	bool has_gw;
	uint8_t gw[16];
	uint32_t metric;
};

/* The routing protocol number tunown's routes carry (rtm_protocol), so that only those are managed. */
#define RTPROT_TUNOWN 116

/*
 * A device as the user wants it. Tri-state ints are -1 for "not said":
 * on a new device that means the default, on an existing one "leave it".
 */
struct devspec {
	char name[IFNAMSIZ];
	enum tun_mode mode;
	uint32_t uid;               /* ID_NONE: not asked */
	uint32_t gid;               /* ID_NONE: not asked */
	bool any_user;
	bool adopt;                 /* take over a tun/tap device tunown did not create */
	int multi_queue;            /* -1, 0, 1; -1 is treated as 0 */
	int vnet_hdr;               /* -1, 0, 1 */
	int pi;                     /* -1, 0, 1 */
	int up;                     /* -1 (up on a new device; add leaves it, apply: up), 0, 1 */
	uint32_t mtu;               /* 0: not asked */
	bool has_mac;
	uint8_t mac[6];
	size_t naddrs;
	struct ipaddr *addrs;       /* malloc'd */
	size_t nroutes;
	struct route *routes;       /* malloc'd */
	char *netns;                /* malloc'd, NULL: the current one */
	const char *file;           /* where it was said, for messages (config) */
	unsigned line;
};

/* One network interface as rtnetlink reports it. */
struct link {
	char name[IFNAMSIZ];
	char kind[32];              /* IFLA_INFO_KIND, "" when none */
	int ifindex;
	bool is_tun;                /* kind "tun", its attributes read (IFLA_TUN_* or sysfs) */
	bool tun_unread;            /* kind "tun", but neither IFLA_TUN_* (Linux 4.16) nor its sysfs
	                               could be read: mode, owner, group and flags are unknown */
	bool queues_unknown;        /* no IFLA_TUN_*: the kernel's queue counts are unknown */
	enum tun_mode mode;
	uint32_t owner;             /* ID_NONE when unset */
	uint32_t group;             /* ID_NONE when unset */
	bool persist, multi_queue, vnet_hdr, pi;
	bool up, carrier;
	bool loopback;              /* IFF_LOOPBACK: lo, which has no link kind */
	bool has_alias;             /* any IFLA_IFALIAS */
	bool managed;               /* IFLA_IFALIAS is TUNOWN_ALIAS */
	bool creating;              /* IFLA_IFALIAS is TUNOWN_ALIAS_CREATING */
	uint32_t mtu, min_mtu, max_mtu;
	uint32_t queues, disabled_queues;   /* the kernel's counts: multi-queue devices only (holders.h) */
	uint32_t netdev_group;      /* IFLA_GROUP */
	int master;                 /* IFLA_MASTER: the bridge it is a port of, 0 when none */
	bool has_mac;
	uint8_t mac[6];
};

/* What an interface is, for messages: its link kind, "loopback", or "none" (a physical device). */
static inline const char *link_kind(const struct link *l)
{
	return l->kind[0] ? l->kind : l->loopback ? "loopback" : "none";
}

void devspec_init(struct devspec *s);
void devspec_free(struct devspec *s);

#endif
