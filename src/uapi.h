/* SPDX-License-Identifier: MIT */
/*
 * The kernel interface constants tunown uses that are newer than the headers
 * of older distributions (RHEL 8 ships 4.18's), with their fixed values. They
 * are only names for numbers: whether the running kernel knows them is found
 * out at run time (netlink.h says how each one degrades).
 *
 * Include this instead of the linux/ headers it covers, so that the fallbacks
 * come after the system's definitions. Built with TUNOWN_OLD_UAPI (make
 * OLD_UAPI=1) every fallback replaces the system's definition, as if the
 * headers were those of Linux 4.0: that build proves the fallbacks compile
 * and are right.
 */
#ifndef TUNOWN_UAPI_H
#define TUNOWN_UAPI_H

#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>
#include <linux/version.h>

/*
 * The attributes of struct ifinfomsg are an enum: no #ifdef can tell whether
 * the headers have one, their version can. A macro defined here shadows the
 * enum's member of the same name and value.
 */
#if defined(TUNOWN_OLD_UAPI) || LINUX_VERSION_CODE < KERNEL_VERSION(4, 19, 0)
#define IFLA_MIN_MTU 50             /* Linux 4.19 */
#define IFLA_MAX_MTU 51
#endif
#if defined(TUNOWN_OLD_UAPI) || LINUX_VERSION_CODE < KERNEL_VERSION(5, 5, 0)
#define IFLA_PROP_LIST 52           /* Linux 5.5: alternative names */
#define IFLA_ALT_IFNAME 53
#endif
/* tunown parses no attribute above IFLA_ALT_IFNAME; older headers' IFLA_MAX is below it. */
#if defined(TUNOWN_OLD_UAPI) || LINUX_VERSION_CODE < KERNEL_VERSION(5, 5, 0)
#undef IFLA_MAX
#define IFLA_MAX IFLA_ALT_IFNAME
#endif

/* IFLA_INFO_DATA of a tun or tap device: Linux 4.15's headers, sent from 4.16 on. */
#if defined(TUNOWN_OLD_UAPI) || !defined(IFLA_TUN_MAX)
#undef IFLA_TUN_MAX
#define IFLA_TUN_OWNER 1
#define IFLA_TUN_GROUP 2
#define IFLA_TUN_TYPE 3
#define IFLA_TUN_PI 4
#define IFLA_TUN_VNET_HDR 5
#define IFLA_TUN_PERSIST 6
#define IFLA_TUN_MULTI_QUEUE 7
#define IFLA_TUN_NUM_QUEUES 8
#define IFLA_TUN_NUM_DISABLED_QUEUES 9
#define IFLA_TUN_MAX IFLA_TUN_NUM_DISABLED_QUEUES
#endif

/* Extended acknowledgements, Linux 4.12: the kernel's reason for a refusal. */
#if defined(TUNOWN_OLD_UAPI) || !defined(NLMSGERR_ATTR_MAX)
#define NLMSGERR_ATTR_MSG 1
#endif
#if defined(TUNOWN_OLD_UAPI)
#undef NETLINK_EXT_ACK
#undef NETLINK_CAP_ACK
#undef NETLINK_GET_STRICT_CHK
#undef NLM_F_CAPPED
#undef NLM_F_ACK_TLVS
#undef SO_NETNS_COOKIE
#undef NS_GET_NSTYPE
#undef RTEXT_FILTER_SKIP_STATS
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10            /* Linux 4.3 */
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
/* Linux 4.20: a dump filtered by the kernel (netlink.c: rt_routes). */
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif
/* Linux 5.14: a network namespace's cookie (journal.h says what replaces it). */
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
/* Linux 4.11: what kind of namespace a file is (netns.c). */
#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE _IO(0xb7, 0x3)
#endif
/* A link dump without counters (netlink.c: getlink_msg); kernels before it ignore the bit. */
#ifndef RTEXT_FILTER_SKIP_STATS
#define RTEXT_FILTER_SKIP_STATS (1 << 3)
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

#endif
