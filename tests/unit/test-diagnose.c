/* SPDX-License-Identifier: MIT */
/* The attach rules of `tunown check`, without a kernel: facts in, findings out. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "diagnose.h"

static const uint32_t alice_groups[] = { 1100 };
static const uint32_t alice_db[] = { 1001, 1100 };

struct fixture {
	struct link link;
	struct creds creds;
	struct tun_node node;
	struct filecaps bin;
	struct check_input in;
	struct verdict v;
};

static struct fixture fx;

/* alice (1001, groups kvm 1100) and tap0 owned by alice, idle, single-queue. */
static int reset(void **state)
{
	memset(&fx, 0, sizeof(fx));
	strcpy(fx.link.name, "tap0");
	strcpy(fx.link.kind, "tun");
	fx.link.is_tun = true;
	fx.link.mode = MODE_TAP;
	fx.link.owner = 1001;
	fx.link.group = ID_NONE;
	fx.creds = (struct creds){
		.uid = 1001, .gid = 1001,
		.groups = alice_groups, .ngroups = 1,
		.db_groups = alice_db, .n_db_groups = 2,
		.bset_net_admin = true, .userns = USERNS_SAME,
	};
	fx.node = (struct tun_node){ .path = "/dev/net/tun", .stat_ok = true,
				     .mode = S_IFCHR | 0666 };
	fx.bin = (struct filecaps){ .path = "/opt/prog", .present = true, .net_admin = true,
				    .effective = true, .mountpoint = "/opt" };
	fx.in = (struct check_input){
		.name = "tap0", .link = &fx.link, .creds = &fx.creds,
		.user = "alice (uid 1001)", .login = "alice", .owner = "alice (uid 1001)",
		.group = "kvm (gid 1100)", .group_arg = "kvm", .subject = "this session",
		.node = &fx.node, .mode = MODE_UNSET, .multi_queue = -1,
	};
	(void)state;
	return 0;
}

static void run(void)
{
	diagnose(&fx.in, &fx.v);
}

static bool has(const char *code)
{
	for (size_t i = 0; i < fx.v.n; i++)
		if (!strcmp(fx.v.f[i].code, code))
			return true;
	return false;
}

static const struct finding *get(const char *code)
{
	for (size_t i = 0; i < fx.v.n; i++)
		if (!strcmp(fx.v.f[i].code, code))
			return &fx.v.f[i];
	fail_msg("no finding %s", code);
	return NULL;
}

static void test_owner_ok(void **state)
{
	run();
	assert_true(fx.v.ok);
	assert_string_equal(fx.v.cause, "ok");
	assert_string_equal(fx.v.rule, "owner");
	assert_int_equal(fx.v.err, 0);
	assert_int_equal(fx.v.probe_err, 0);
	assert_false(has("ownerless"));
}

static void test_owner_mismatch(void **state)
{
	fx.link.owner = 1002;
	fx.in.owner = "bob (uid 1002)";
	run();
	assert_false(fx.v.ok);
	assert_string_equal(fx.v.cause, "owner-mismatch");
	assert_int_equal(fx.v.err, -EPERM);
	assert_int_equal(fx.v.probe_err, -EPERM);
	assert_non_null(strstr(get("owner-mismatch")->message, "bob (uid 1002)"));
	assert_non_null(strstr(get("owner-mismatch")->message, "alice (uid 1001)"));
}

static void test_root_owner_needs_capability(void **state)
{
	fx.link.owner = 0;
	fx.in.owner = "root (uid 0)";
	run();
	assert_string_equal(fx.v.cause, "needs-capability");
	assert_false(has("owner-mismatch"));
}

static void test_capability_rescues(void **state)
{
	fx.link.owner = 1002;
	fx.creds.cap_net_admin = true;
	run();
	assert_true(fx.v.ok);
	assert_string_equal(fx.v.rule, "capability");
	assert_true(fx.v.probe_cap);
	/* The refusal the capability overrides is still said, as a note. */
	assert_int_equal(get("owner-mismatch")->level, LEVEL_INFO);
}

static void test_child_userns_capability_does_not_count(void **state)
{
	fx.link.owner = 1002;
	fx.creds.cap_net_admin = true;
	fx.creds.userns = USERNS_OTHER;
	run();
	assert_false(fx.v.ok);
	assert_string_equal(fx.v.cause, "owner-mismatch");
	assert_true(has("userns"));
	/* The probe runs in the same namespaces: it keeps the capability and still fails. */
	assert_true(fx.v.probe_cap);
	assert_int_equal(fx.v.probe_err, -EPERM);
}

static void test_ancestor_userns_counts(void **state)
{
	fx.link.owner = 1002;
	fx.creds.cap_net_admin = true;
	fx.creds.userns = USERNS_ANCESTOR;
	run();
	assert_true(fx.v.ok);
}

static void test_group_member(void **state)
{
	fx.link.owner = ID_NONE;
	fx.link.group = 1100;
	run();
	assert_true(fx.v.ok);
	assert_string_equal(fx.v.rule, "group member");
}

static void test_group_mismatch_and_stale(void **state)
{
	fx.link.owner = ID_NONE;
	fx.link.group = 1200;
	fx.in.group = "netdev (gid 1200)";
	fx.in.group_arg = "netdev";
	run();
	assert_string_equal(fx.v.cause, "group-mismatch");

	/* In kvm in the database, but the session does not carry it. */
	fx.link.group = 1100;
	fx.in.group_arg = "kvm";
	fx.creds.ngroups = 0;
	run();
	assert_string_equal(fx.v.cause, "groups-stale");
	assert_non_null(strstr(get("groups-stale")->fix, "newgrp kvm"));
}

static void test_owner_and_group_both_needed(void **state)
{
	fx.link.group = 1200;
	run();
	assert_string_equal(fx.v.cause, "group-mismatch");
	assert_non_null(strstr(get("group-mismatch")->message, "requires both"));
	assert_false(has("owner-mismatch"));
}

static void test_ownerless_warns(void **state)
{
	fx.link.owner = ID_NONE;
	run();
	assert_true(fx.v.ok);
	assert_string_equal(fx.v.rule, "ownerless");
	assert_int_equal(get("ownerless")->level, LEVEL_WARN);
	assert_string_equal(fx.v.f[0].code, "ok");
}

/* A kernel with the fix: only CAP_NET_ADMIN attaches to a device without owner and group. */
static void test_ownerless_needs_capability(void **state)
{
	fx.link.owner = ID_NONE;
	fx.in.ownerless = OWNERLESS_CAPABILITY;
	run();
	assert_false(fx.v.ok);
	assert_string_equal(fx.v.cause, "ownerless-needs-capability");
	assert_int_equal(fx.v.err, -EPERM);
	assert_int_equal(fx.v.probe_err, -EPERM);
	assert_false(has("ownerless"));
	/* The real attempt agrees: EPERM, no LSM blamed. */
	assert_true(diagnose_probe(&fx.in, &fx.v, -EPERM));
	assert_string_equal(fx.v.cause, "ownerless-needs-capability");

	reset(state);
	fx.link.owner = ID_NONE;
	fx.in.ownerless = OWNERLESS_CAPABILITY;
	fx.creds.cap_net_admin = true;
	fx.in.self = false;
	run();
	assert_true(fx.v.ok);
	assert_string_equal(fx.v.rule, "capability");
}

/* A kernel that could not be tested: a real EPERM on such a device is the rule, not an LSM. */
static void test_ownerless_unknown_eperm(void **state)
{
	fx.link.owner = ID_NONE;
	run();
	assert_true(fx.v.ok);
	assert_non_null(strstr(get("ownerless")->message, "could not test"));
	assert_false(diagnose_probe(&fx.in, &fx.v, -EPERM));
	assert_string_equal(fx.v.cause, "ownerless-needs-capability");

	reset(state);
	fx.link.owner = ID_NONE;
	fx.in.ownerless = OWNERLESS_ANYONE;
	run();
	assert_null(strstr(get("ownerless")->message, "could not test"));
	assert_false(diagnose_probe(&fx.in, &fx.v, -EPERM));
	assert_string_equal(fx.v.cause, "lsm-denied");
}

static void test_type_rules_in_kernel_order(void **state)
{
	fx.link.owner = 1002;
	fx.in.mode = MODE_TUN;
	fx.in.multi_queue = 1;
	run();
	/* Type first, then the multi-queue bit, then the owner: all listed. */
	assert_string_equal(fx.v.f[0].code, "mode-mismatch");
	assert_string_equal(fx.v.f[1].code, "multi-queue-mismatch");
	assert_string_equal(fx.v.f[2].code, "owner-mismatch");
	assert_int_equal(fx.v.err, -EINVAL);
}

static void test_flags(void **state)
{
	fx.link.multi_queue = true;
	fx.link.vnet_hdr = true;
	run();
	assert_true(fx.v.ok);
	assert_int_equal(fx.v.flags, fx.v.req_flags);
	fx.in.mode = MODE_TAP;
	fx.in.multi_queue = 0;
	run();
	assert_string_equal(fx.v.cause, "multi-queue-mismatch");
	assert_int_not_equal(fx.v.flags, fx.v.req_flags);
}

static void test_no_device_lists_similar(void **state)
{
	static const char *const similar[] = { "tap0", "tap1" };

	fx.in.name = "tap2";
	fx.in.link = NULL;
	fx.in.similar = similar;
	fx.in.nsimilar = 2;
	run();
	assert_string_equal(fx.v.cause, "no-device");
	assert_int_equal(fx.v.err, -EPERM);
	assert_non_null(strstr(get("no-device")->message, "tap0, tap1"));
	/* With the capability the kernel would create it: the probe expects success. */
	fx.creds.cap_net_admin = true;
	run();
	assert_false(fx.v.ok);
	assert_int_equal(fx.v.probe_err, 0);
}

static void test_not_tun(void **state)
{
	strcpy(fx.link.kind, "veth");
	fx.link.is_tun = false;
	run();
	assert_string_equal(fx.v.cause, "not-tun");
	assert_int_equal(fx.v.err, -EINVAL);
	assert_non_null(strstr(get("not-tun")->message, "veth"));
}

static void test_busy_names_holders(void **state)
{
	static const struct holder h[] = { { .pid = 42, .comm = "qemu", .uid = 1001 } };

	fx.link.queues = 1;
	fx.in.holders = h;
	fx.in.nholders = 1;
	run();
	assert_string_equal(fx.v.cause, "busy");
	assert_true(fx.v.busy);
	assert_int_equal(fx.v.err, -EBUSY);
	assert_non_null(strstr(get("busy")->message, "42 (qemu, uid 1001)"));
	/* A multi-queue device takes more queues. */
	fx.link.multi_queue = true;
	run();
	assert_true(fx.v.ok);
}

static void test_node(void **state)
{
	fx.node.open_err = -ENOENT;
	run();
	assert_string_equal(fx.v.cause, "no-tun-node");
	assert_int_equal(fx.v.probe_err, -ENOENT);

	fx.node.open_err = 0;
	fx.node.mode = S_IFCHR | 0600;
	run();
	assert_string_equal(fx.v.cause, "tun-node-access");
	assert_int_equal(fx.v.err, -EACCES);

	fx.node.gid = 1100;
	fx.node.mode = S_IFCHR | 0660;
	run();
	assert_true(fx.v.ok);

	fx.node.mode = S_IFCHR | 0666;
	fx.node.nodev = true;
	run();
	assert_string_equal(fx.v.cause, "tun-node-access");
}

static void test_binary_grants(void **state)
{
	fx.link.owner = 0;
	fx.in.binary = &fx.bin;
	run();
	assert_true(fx.v.ok);
	assert_string_equal(fx.v.rule, "capability");
	assert_true(fx.v.probe_cap);
}

static void test_binary_reasons_come_first(void **state)
{
	fx.link.owner = 0;
	fx.in.binary = &fx.bin;
	fx.bin.nosuid = true;
	run();
	assert_string_equal(fx.v.cause, "nosuid");
	assert_string_equal(fx.v.f[1].code, "needs-capability");
	assert_false(fx.v.probe_cap);
	assert_non_null(strstr(get("nosuid")->message, "/opt"));

	fx.bin.nosuid = false;
	fx.bin.effective = false;
	run();
	assert_string_equal(fx.v.cause, "file-caps-not-effective");

	fx.bin.effective = true;
	fx.bin.present = false;
	fx.bin.net_admin = false;
	run();
	assert_string_equal(fx.v.cause, "no-file-caps");

	fx.bin.present = true;
	fx.bin.net_admin = true;
	fx.bin.script = true;
	run();
	assert_string_equal(fx.v.cause, "no-file-caps");
	assert_non_null(strstr(get("no-file-caps")->message, "script"));
}

static void test_traced_and_nnp(void **state)
{
	fx.link.owner = 0;
	fx.in.binary = &fx.bin;
	fx.creds.tracer = 77;
	run();
	assert_string_equal(fx.v.cause, "ptraced");
	/* A tracer with CAP_SYS_PTRACE does not take the capabilities away. */
	fx.creds.tracer_can_ptrace = true;
	run();
	assert_true(fx.v.ok);

	fx.creds.tracer = 0;
	fx.creds.no_new_privs = true;
	run();
	assert_string_equal(fx.v.cause, "no-new-privs");
	/* Nor does no_new_privs when the starter holds the capability already. */
	fx.creds.prm_net_admin = true;
	run();
	assert_true(fx.v.ok);
}

static void test_bounding_set_stops_execve(void **state)
{
	fx.in.binary = &fx.bin;
	fx.creds.bset_net_admin = false;
	run();
	/* alice owns the device, but the program cannot start at all. */
	assert_false(fx.v.ok);
	assert_string_equal(fx.v.cause, "bounding-set");
	assert_true(fx.v.exec_fails);
	assert_int_equal(fx.v.probe_err, 0);
}

static void test_other_netns(void **state)
{
	fx.creds.other_netns = true;
	fx.creds.netns_name = "net:[4026532000]";
	run();
	assert_string_equal(fx.v.cause, "other-netns");
	assert_int_equal(fx.v.probe_err, -EPERM);
}

static void test_probe_lsm_denied(void **state)
{
	run();
	assert_true(fx.v.ok);
	assert_false(diagnose_probe(&fx.in, &fx.v, -EACCES));
	assert_false(fx.v.ok);
	assert_string_equal(fx.v.cause, "lsm-denied");
	assert_int_equal(fx.v.err, -EACCES);
}

static void test_probe_disagrees(void **state)
{
	fx.link.owner = 1002;
	run();
	assert_true(diagnose_probe(&fx.in, &fx.v, -EPERM));
	assert_string_equal(fx.v.cause, "owner-mismatch");
	/* The kernel let it in after all: it is right, the verdict follows it. */
	assert_false(diagnose_probe(&fx.in, &fx.v, 0));
	assert_true(fx.v.ok);
	assert_string_equal(fx.v.f[0].code, "probe-disagrees");
}

static void test_name_similar(void **state)
{
	assert_true(name_similar("tap2", "tap0"));
	assert_true(name_similar("tap0", "TAP0x"));
	assert_true(name_similar("vmtap", "vmtap-long"));
	assert_true(name_similar("tun0", "tnu0"));
	assert_false(name_similar("tap0", "tap0"));
	assert_false(name_similar("tap2", "web0"));
	assert_false(name_similar("a", "lo"));
}

static void test_errno_name(void **state)
{
	char buf[16];

	assert_string_equal(errno_name(-EPERM, buf, sizeof(buf)), "EPERM");
	assert_string_equal(errno_name(EBUSY, buf, sizeof(buf)), "EBUSY");
	assert_string_equal(errno_name(-9999, buf, sizeof(buf)), "E9999");
}

#define T(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_owner_ok), T(test_owner_mismatch), T(test_root_owner_needs_capability),
		T(test_capability_rescues), T(test_child_userns_capability_does_not_count),
		T(test_ancestor_userns_counts), T(test_group_member),
		T(test_group_mismatch_and_stale), T(test_owner_and_group_both_needed),
		T(test_ownerless_warns), T(test_ownerless_needs_capability),
		T(test_ownerless_unknown_eperm), T(test_type_rules_in_kernel_order), T(test_flags),
		T(test_no_device_lists_similar), T(test_not_tun), T(test_busy_names_holders),
		T(test_node), T(test_binary_grants), T(test_binary_reasons_come_first),
		T(test_traced_and_nnp), T(test_bounding_set_stops_execve), T(test_other_netns),
		T(test_probe_lsm_denied), T(test_probe_disagrees), T(test_name_similar),
		T(test_errno_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
