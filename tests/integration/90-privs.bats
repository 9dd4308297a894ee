#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Least privilege: tunown is never a privilege helper (setuid, setgid and
# setcap'd copies refuse to run), each command runs with only the
# capabilities it needs (TUNOWN_DEBUG_CAPS=1 prints them from
# /proc/self/status just before the command runs), and interfaces that are
# not tun/tap, or tun/tap devices tunown did not make, are left alone by
# every command.

load ../lib/common

# The real executable, also when $TUNOWN is a wrapper (make check-valgrind).
BIN=${TUNOWN_BIN:-$TUNOWN}

setup() {
	setup_ns
	COPIES=
}

teardown() {
	[ -z "$COPIES" ] || rm -rf "$COPIES"
	teardown_ns
}

# copy_bin: a copy of the binary in a directory every user can reach, on a
# mount without nosuid; its path in $COPY.
copy_bin() {
	[ -n "$COPIES" ] || {
		COPIES=$(mktemp -d /tmp/tunown-privs.XXXXXX)
		chmod 0755 "$COPIES"
	}
	COPY=$COPIES/tunown-$1
	cp "$BIN" "$COPY"
	chmod 0755 "$COPY"
	run findmnt -n -o OPTIONS -T "$COPIES"
	[[ ",$output," != *,nosuid,* ]] || skip "$COPIES is on a nosuid mount"
}

# as_plain USER CMD...: CMD as USER, bounding set and no_new_privs as they
# are, so that setuid bits and file capabilities take effect at execve.
as_plain() {
	local user=$1
	shift
	in_ns setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- "$@"
}

refuses() {
	assert_failure 1
	assert_output --partial "refusing to run: started setuid, setgid or with file capabilities"
	assert_output --partial "not a privilege helper"
}

@test "a setuid-root copy refuses to run, whatever the command" {
	copy_bin setuid
	chmod 4755 "$COPY"
	run as_plain alice "$COPY" add tap0 --user alice
	refuses
	run as_plain alice "$COPY" list
	refuses
	run as_plain alice "$COPY" --version
	refuses
	run ns_links
	assert_output lo
}

@test "a setgid copy refuses to run" {
	copy_bin setgid
	chmod 2755 "$COPY"
	run as_plain alice "$COPY" list
	refuses
}

@test "a setcap'd copy (cap_net_admin+ep) refuses to run" {
	command -v setcap >/dev/null || skip "setcap (libcap2-bin) is not installed"
	copy_bin setcap
	setcap cap_net_admin+ep "$COPY"
	run as_plain alice "$COPY" add tap0 --user alice
	refuses
	run as_plain bob "$COPY" show lo
	refuses
	run ns_links
	assert_output lo
}

@test "a copy with cap_net_admin only permitted (+p) refuses too" {
	command -v setcap >/dev/null || skip "setcap (libcap2-bin) is not installed"
	copy_bin setcap-p
	setcap cap_net_admin+p "$COPY"
	run as_plain alice "$COPY" list
	refuses
}

@test "the plain copy, run by root, works" {
	copy_bin plain
	run in_ns "$COPY" add tap0 --user alice
	assert_success
	assert_output "tap0: created"
}

# caps_of ARGS...: the debug-caps line of tunown ARGS run as root in $NS.
caps_of() {
	run --separate-stderr in_ns env TUNOWN_DEBUG_CAPS=1 "$TUNOWN" "$@"
	echo "# tunown $*: $status"
	echo "# $stderr"
	CAPS=$(grep -o 'debug-caps: .*' <<<"$stderr")
}

# held CAPS: what a command keeps. Before Linux 4.16 every command that reads
# links keeps cap_sys_admin too, to mount its namespace's sysfs (privs.c).
held() {
	local want=$1
	if old_kernel && [ -n "$want" ] && [[ "$want" != *cap_sys_admin* ]]; then
		want=$want,cap_sys_admin
	fi
	[ "$CAPS" = "debug-caps: effective=$want permitted=$want inheritable= ambient= bounding= no_new_privs=1" ] ||
		fail "held: '$CAPS', expected effective and permitted '$want'"
}

@test "capabilities held: add and del keep cap_net_admin, and cap_sys_ptrace and cap_dac_read_search to read holders" {
	caps_of add tap0 --user alice --address 10.9.0.1/24 --mtu 1400
	assert_success
	held cap_dac_read_search,cap_net_admin,cap_sys_ptrace
	caps_of add tap0 --user bob
	assert_success
	held cap_dac_read_search,cap_net_admin,cap_sys_ptrace
	caps_of del tap0
	assert_success
	held cap_dac_read_search,cap_net_admin,cap_sys_ptrace
}

@test "capabilities held: --netns adds cap_sys_admin, only then" {
	run --separate-stderr env TUNOWN_DEBUG_CAPS=1 "$TUNOWN" add tap0 --user alice --netns "$NS"
	assert_success
	[[ "$stderr" == *"debug-caps: effective=cap_dac_read_search,cap_net_admin,cap_sys_ptrace,cap_sys_admin permitted=cap_dac_read_search,cap_net_admin,cap_sys_ptrace,cap_sys_admin inheritable= ambient= bounding= no_new_privs=1"* ]]
	run --separate-stderr env TUNOWN_DEBUG_CAPS=1 "$TUNOWN" list --netns "$NS"
	assert_success
	assert_output --partial tap0
	[[ "$stderr" == *"debug-caps: effective=cap_dac_read_search,cap_sys_ptrace,cap_sys_admin permitted=cap_dac_read_search,cap_sys_ptrace,cap_sys_admin inheritable="* ]]
	run --separate-stderr env TUNOWN_DEBUG_CAPS=1 "$TUNOWN" show tap0 --net="$NS"
	assert_success
	[[ "$stderr" == *"debug-caps: effective=cap_dac_read_search,cap_sys_ptrace,cap_sys_admin permitted=cap_dac_read_search,cap_sys_ptrace,cap_sys_admin inheritable="* ]]
}

@test "capabilities held: --netns PATH and --netns NAME keep the same" {
	run --separate-stderr env TUNOWN_DEBUG_CAPS=1 "$TUNOWN" list --netns "/run/netns/$NS"
	assert_success
	[[ "$stderr" == *"debug-caps: effective=cap_dac_read_search,cap_sys_ptrace,cap_sys_admin permitted=cap_dac_read_search,cap_sys_ptrace,cap_sys_admin inheritable="* ]]
	run --separate-stderr env TUNOWN_DEBUG_CAPS=1 "$TUNOWN" list --netns="/run/netns/$NS"
	[[ "$stderr" == *"debug-caps: effective=cap_dac_read_search,cap_sys_ptrace,cap_sys_admin permitted"* ]]
	run --separate-stderr env TUNOWN_DEBUG_CAPS=1 "$TUNOWN" add tap0 --user alice --netns "$NS"
	[[ "$stderr" == *"debug-caps: effective=cap_dac_read_search,cap_net_admin,cap_sys_ptrace,cap_sys_admin permitted"* ]]
}

@test "capabilities held: list and show keep cap_sys_ptrace and cap_dac_read_search (holders), help and --version none" {
	in_ns "$TUNOWN" add tap0 --user alice >/dev/null
	caps_of list
	assert_success
	held cap_dac_read_search,cap_sys_ptrace
	caps_of show tap0 --json
	assert_success
	held cap_dac_read_search,cap_sys_ptrace
	caps_of --version
	assert_success
	held ""
	caps_of help add
	assert_success
	held ""
	caps_of add --help
	assert_success
	held cap_dac_read_search,cap_net_admin,cap_sys_ptrace
}

# check describes its caller as started and its probe stands for it: root's
# cap_net_admin and cap_dac_override stay, cap_sys_ptrace reads other users'
# /proc/PID; --as adds what becoming the user takes. Nothing that changes a device
# beyond the probe's own attach, which the kernel undoes on close.
@test "capabilities held: check keeps only what its probe and /proc reading need" {
	in_ns "$TUNOWN" add tap0 --user alice >/dev/null
	caps_of check tap0 --no-probe
	held cap_dac_override,cap_net_admin,cap_sys_ptrace
	caps_of check tap0 --as alice
	assert_success
	held cap_dac_override,cap_setgid,cap_setuid,cap_net_admin,cap_sys_ptrace
	assert_output --partial alice
	run in_ns ip -o link show
	[ "$(grep -c tap0 <<<"$output")" -eq 1 ]
}

@test "capabilities held: apply keeps cap_net_admin and cap_sys_admin (a file may name a netns), and what reads holders" {
	in_ns "$TUNOWN" apply --help >/dev/null 2>&1 || skip "apply is not built yet"
	printf '[tap0]\nuser = alice\n' >"$BATS_TEST_TMPDIR/a.conf"
	caps_of apply "$BATS_TEST_TMPDIR/a.conf"
	assert_success
	held cap_dac_read_search,cap_net_admin,cap_sys_ptrace,cap_sys_admin
}

@test "capabilities held: a root shell's bounding and ambient sets are emptied, no_new_privs set" {
	# Before: root with the full sets; the debug line shows what is left.
	run in_ns grep -E '^(CapBnd|NoNewPrivs)' /proc/self/status
	assert_output --partial "NoNewPrivs:	0"
	caps_of list
	[[ "$CAPS" == *" bounding= no_new_privs=1" ]]
}

# The state of every interface but the tun/tap devices tunown made, with ifindex.
others() {
	in_ns ip -d -j addr show | jq -S -c '[.[] | select(.ifalias != "tunown") | {
		ifname, ifindex, ifalias, mtu, address, linkinfo, flags: (.flags | sort),
		addrs: ([.addr_info[]? | select(.scope != "link") | "\(.local)/\(.prefixlen)"] | sort)
	}]'
}

# (add and del by name may take over or remove a tun device ip tuntap made:
# the administrator named it. apply and prune never do, see the next test.)
@test "non-tun interfaces are left alone by every command, and by apply a foreign tun device" {
	in_ns ip link add veth0 type veth peer name veth1
	in_ns ip link add br0 type bridge
	in_ns ip addr add 10.8.0.1/24 dev veth0
	in_ns ip link set veth0 mtu 1400 up
	in_ns ip tuntap add dev tapx mode tap user bob
	in_ns ip addr add 10.8.1.1/24 dev tapx
	in_ns "$TUNOWN" add tap0 --user alice >/dev/null
	local before conf=$BATS_TEST_TMPDIR
	before=$(others)

	local name
	for name in veth0 veth1 br0 lo; do
		run_tunown add "$name" --user alice --mtu 1300 --address 10.8.9.1/24
		assert_failure
		run_tunown del "$name"
		assert_failure
		run_tunown show "$name"
		run_tunown check "$name" --as alice
	done
	run_tunown list
	assert_success

	if in_ns "$TUNOWN" apply --help >/dev/null 2>&1; then
		printf '[veth0]\nuser = alice\nmtu = 1300\n[br0]\nuser = alice\n' >"$conf/bad.conf"
		run_tunown apply "$conf/bad.conf"
		assert_failure
		printf '[tapx]\nuser = alice\nmtu = 1300\naddress = 10.8.9.1/24\n' >"$conf/foreign.conf"
		run_tunown apply "$conf/foreign.conf"
		assert_failure
		printf '[tap0]\nuser = alice\n' >"$conf/one.conf"
		run_tunown apply --prune "$conf/one.conf"
		assert_success
		: >"$conf/empty.conf"
		run_tunown apply --prune --allow-empty "$conf/empty.conf"
		assert_success
	fi
	[ "$(others)" = "$before" ] || {
		diff <(jq . <<<"$before") <(others | jq .)
		fail "an interface tunown must not touch changed"
	}
}

@test "apply never rewrites nor prunes a tun device tunown did not make" {
	in_ns "$TUNOWN" apply --help >/dev/null 2>&1 || skip "apply is not built yet"
	in_ns ip tuntap add dev tapx mode tap user bob
	in_ns ip addr add 10.8.1.1/24 dev tapx
	local before conf=$BATS_TEST_TMPDIR
	before=$(others)
	printf '[tapx]\nuser = alice\nmtu = 1300\naddress = 10.8.9.1/24\n' >"$conf/foreign.conf"
	run_tunown apply "$conf/foreign.conf"
	assert_failure
	assert_output --partial "not created by tunown"
	: >"$conf/empty.conf"
	run_tunown apply --prune --allow-empty "$conf/empty.conf"
	assert_success
	[ "$(others)" = "$before" ]
}

# ---- without root ----

# conf_dir: a directory every user can read, in $COPIES (removed by teardown).
conf_dir() {
	[ -n "$COPIES" ] || {
		COPIES=$(mktemp -d /run/tunown-privs.XXXXXX)
		chmod 0755 "$COPIES"
	}
}

@test "without root: add, del and apply say they need CAP_NET_ADMIN, exit 1, nothing changed" {
	conf_dir
	in_ns "$TUNOWN" add tap0 --user alice >/dev/null
	printf '[tap1]\nuser = alice\n' >"$COPIES/one.conf"
	chmod 0644 "$COPIES/one.conf"
	local before
	before=$(ns_state)
	local args
	for args in "add tap1 --user alice" "del tap0" "apply $COPIES/one.conf"; do
		echo "\$ (alice) tunown $args"
		# shellcheck disable=SC2086
		run --separate-stderr as_user alice "$TUNOWN" $args
		echo "$stderr"
		assert_failure 1
		[[ "$stderr" == *"needs CAP_NET_ADMIN: run it as root; nothing changed"* ]] ||
			fail "no word of CAP_NET_ADMIN: $stderr"
		[[ "$stderr" != *"lock"* ]] || fail "the lock is not the user's problem: $stderr"
	done
	[[ "$stderr" == *"'tunown apply --dry-run' works without it"* ]] || fail "apply: no dry-run hint"
	[ "$(ns_state)" = "$before" ]
}

@test "without root: apply --dry-run and check work after root made /run/tunown (0700)" {
	skip_unprivileged_tun_read
	conf_dir
	in_ns "$TUNOWN" add tap0 --user alice >/dev/null
	# What root's runs leave (the journal's directory), made here if this build does not.
	[ -d /run/tunown ] || mkdir -m 0700 /run/tunown
	run stat -c %a /run/tunown
	assert_output 700
	printf '[tap0]\nuser = alice\nmtu = 1400\n[tap1]\nuser = bob\n' >"$COPIES/two.conf"
	chmod 0644 "$COPIES/two.conf"
	echo "\$ (alice) tunown apply --dry-run two.conf"
	run --separate-stderr as_user alice "$TUNOWN" apply --dry-run "$COPIES/two.conf"
	echo "$output"; echo "stderr: $stderr"
	assert_success
	assert_output "tap0: would change (mtu)
tap1: would create"
	# Nothing in the namespace could be a killed run's device: no word about the journal.
	assert_equal "$stderr" ""
	echo "\$ (alice) tunown check tap0"
	run as_user alice "$TUNOWN" check tap0
	echo "$output"
	assert_success
	assert_line "tap0: alice (uid 1001) can attach (owner)"
	assert_line "probe: ok, as predicted"
}

@test "without root: a dry run that cannot read the journal says what that means for tun devices without an alias" {
	skip_unprivileged_tun_read
	conf_dir
	in_ns "$TUNOWN" add tap0 --user alice >/dev/null
	[ -d /run/tunown ] || mkdir -m 0700 /run/tunown
	in_ns ip tuntap add dev tapx mode tap user alice
	printf '[tapx]\nuser = alice\n' >"$COPIES/x.conf"
	chmod 0644 "$COPIES/x.conf"
	run --separate-stderr as_user alice "$TUNOWN" apply --dry-run "$COPIES/x.conf"
	echo "$output"; echo "stderr: $stderr"
	# The real run as root refuses it too (nothing in the journal): the same status.
	assert_failure 1
	[[ "$stderr" == *"cannot read the journal '/run/tunown/journal-"*"Permission denied"* ]] ||
		fail "no note about the journal"
	[[ "$stderr" == *"1 tun/tap device without an alias as not tunown's"* ]] || fail "no consequence named"
	run in_ns "$TUNOWN" apply --dry-run "$COPIES/x.conf"
	assert_failure 1
}
