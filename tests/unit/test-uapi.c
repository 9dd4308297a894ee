/* SPDX-License-Identifier: MIT */
/*
 * src/uapi.h's fallbacks against the build machine's headers: each value the
 * system defines is taken first, then uapi.h is read as the old-headers build
 * reads it (TUNOWN_OLD_UAPI), where every fallback replaces the system's. A
 * wrong number fails the build; the test checks that the fallbacks are the
 * definitions in force.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>

enum {
	SYS_MIN_MTU = IFLA_MIN_MTU,
	SYS_MAX_MTU = IFLA_MAX_MTU,
	SYS_PROP_LIST = IFLA_PROP_LIST,
	SYS_ALT_IFNAME = IFLA_ALT_IFNAME,
	SYS_TUN_OWNER = IFLA_TUN_OWNER,
	SYS_TUN_GROUP = IFLA_TUN_GROUP,
	SYS_TUN_TYPE = IFLA_TUN_TYPE,
	SYS_TUN_PI = IFLA_TUN_PI,
	SYS_TUN_VNET_HDR = IFLA_TUN_VNET_HDR,
	SYS_TUN_PERSIST = IFLA_TUN_PERSIST,
	SYS_TUN_MULTI_QUEUE = IFLA_TUN_MULTI_QUEUE,
	SYS_TUN_NUM_QUEUES = IFLA_TUN_NUM_QUEUES,
	SYS_TUN_NUM_DISABLED_QUEUES = IFLA_TUN_NUM_DISABLED_QUEUES,
	SYS_ERR_MSG = NLMSGERR_ATTR_MSG,
	SYS_EXT_ACK = NETLINK_EXT_ACK,
	SYS_CAP_ACK = NETLINK_CAP_ACK,
	SYS_STRICT = NETLINK_GET_STRICT_CHK,
	SYS_CAPPED = NLM_F_CAPPED,
	SYS_ACK_TLVS = NLM_F_ACK_TLVS,
	SYS_COOKIE = SO_NETNS_COOKIE,
	SYS_SKIP_STATS = RTEXT_FILTER_SKIP_STATS,
};
static const unsigned long sys_nstype = NS_GET_NSTYPE;

#ifndef TUNOWN_OLD_UAPI             /* make OLD_UAPI=1 gives it on the command line */
#define TUNOWN_OLD_UAPI
#endif
#include "uapi.h"

#define SAME(sys, fallback) _Static_assert((sys) == (fallback), #fallback " differs from the system's")
SAME(SYS_MIN_MTU, IFLA_MIN_MTU);
SAME(SYS_MAX_MTU, IFLA_MAX_MTU);
SAME(SYS_PROP_LIST, IFLA_PROP_LIST);
SAME(SYS_ALT_IFNAME, IFLA_ALT_IFNAME);
SAME(SYS_TUN_OWNER, IFLA_TUN_OWNER);
SAME(SYS_TUN_GROUP, IFLA_TUN_GROUP);
SAME(SYS_TUN_TYPE, IFLA_TUN_TYPE);
SAME(SYS_TUN_PI, IFLA_TUN_PI);
SAME(SYS_TUN_VNET_HDR, IFLA_TUN_VNET_HDR);
SAME(SYS_TUN_PERSIST, IFLA_TUN_PERSIST);
SAME(SYS_TUN_MULTI_QUEUE, IFLA_TUN_MULTI_QUEUE);
SAME(SYS_TUN_NUM_QUEUES, IFLA_TUN_NUM_QUEUES);
SAME(SYS_TUN_NUM_DISABLED_QUEUES, IFLA_TUN_NUM_DISABLED_QUEUES);
SAME(SYS_ERR_MSG, NLMSGERR_ATTR_MSG);
SAME(SYS_EXT_ACK, NETLINK_EXT_ACK);
SAME(SYS_CAP_ACK, NETLINK_CAP_ACK);
SAME(SYS_STRICT, NETLINK_GET_STRICT_CHK);
SAME(SYS_CAPPED, NLM_F_CAPPED);
SAME(SYS_ACK_TLVS, NLM_F_ACK_TLVS);
SAME(SYS_SKIP_STATS, RTEXT_FILTER_SKIP_STATS);
SAME(SYS_COOKIE, SO_NETNS_COOKIE);

/* The fallbacks are in force, and IFLA_MAX leaves room for every attribute parsed. */
static void fallbacks_used(void **state)
{
	assert_int_equal(sys_nstype, NS_GET_NSTYPE);
	assert_true(IFLA_MAX >= IFLA_ALT_IFNAME);
	assert_true(IFLA_TUN_MAX >= IFLA_TUN_NUM_DISABLED_QUEUES);
#ifndef IFLA_MIN_MTU
	fail_msg("IFLA_MIN_MTU is not uapi.h's");
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fallbacks_used),
	};

	return cmocka_run_group_tests_name("uapi", tests, NULL, NULL);
}
