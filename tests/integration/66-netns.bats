#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# --netns NAME on add, del, list and show, and 'netns = NAME' in an apply
# file: the devices land in /run/netns/NAME, not where tunown runs.
# (check --netns is tested with check.)

load ../lib/common

setup() {
	setup_ns
	# A second namespace, made the way an admin would.
	OTHER=$NS-b
	ip netns add "$OTHER"
	CONF=$BATS_TEST_TMPDIR
}

teardown() {
	[ -z "${OTHER:-}" ] || ip netns del "$OTHER" 2>/dev/null || true
	OTHER=
	teardown_ns
}

# Interfaces of the other namespace, one a line, sorted.
other_links() {
	ip -n "$OTHER" -j link show | jq -r '.[].ifname' | sort
}

other_field() {
	ip -n "$OTHER" -d -j link show "$1" | jq -r ".[0]$2"
}

other_addrs() {
	ip -n "$OTHER" -j addr show dev "$1" |
		jq -r '.[0].addr_info[] | select(.scope != "link") | "\(.local)/\(.prefixlen)"' | sort
}

# ---- add, show, list, del ----

@test "add --netns: the device is made in that namespace, not here" {
	run_tunown -0 add tap0 --user alice --address 10.0.0.1/24 --netns "$OTHER"
	assert_output "tap0: created"
	run other_links
	assert_output "lo
tap0"
	assert_equal "$(other_field tap0 .linkinfo.info_data.user)" alice
	assert_equal "$(other_field tap0 .ifalias)" tunown
	run other_addrs tap0
	assert_output "10.0.0.1/24"
	run ns_links
	assert_output lo
	# Again: the same device, found there.
	run_tunown -0 add tap0 --user alice --address 10.0.0.1/24 --netns "$OTHER"
	assert_output "tap0: unchanged"
}

@test "show --netns and list --netns see that namespace's devices" {
	run_tunown -0 add tap0 --user alice --netns "$OTHER"
	run_tunown -0 add tap1 --user bob
	run_tunown -0 show tap0 --json --netns "$OTHER"
	assert_equal "$(jq -r '[.name, .owner_name, .ifindex] | @tsv' <<<"$output")" \
		"$(printf 'tap0\talice\t%s' "$(other_field tap0 .ifindex)")"
	run_tunown -0 list --json --netns "$OTHER"
	assert_equal "$(jq -c '[.[].name]' <<<"$output")" '["tap0"]'
	run_tunown -0 list --json
	assert_equal "$(jq -c '[.[].name]' <<<"$output")" '["tap1"]'
	# tap1 is not there, tap0 is not here.
	run_tunown -1 show tap1 --netns "$OTHER"
	run_tunown -1 show tap0
}

@test "del --netns deletes in that namespace only" {
	run_tunown -0 add tap0 --user alice --netns "$OTHER"
	run_tunown -0 add tap0 --user alice
	run_tunown -0 del tap0 --netns "$OTHER"
	run other_links
	assert_output lo
	run ns_links
	assert_output "lo
tap0"
}

@test "every command: a namespace that is not there is a clear error, exit 1, nothing made" {
	local cmd
	for cmd in "add tap0 --user alice" "del tap0" "list" "show tap0"; do
		# shellcheck disable=SC2086
		run_tunown -1 --separate-stderr $cmd --netns nosuchns
		assert_output ""
		assert_contains "$stderr" "network namespace 'nosuchns'"
		assert_contains "$stderr" "No such file or directory"
		assert_contains "$stderr" "/run/netns/nosuchns"
	done
	run ns_links
	assert_output lo
	run other_links
	assert_output lo
}

@test "--netns takes a name under /run/netns or an absolute path, nothing else: exit 2" {
	local bad
	for bad in ../x a/b . .. ''; do
		run_tunown -2 --separate-stderr add tap0 --user alice --netns "$bad"
		assert_contains "$stderr" "not a name under /run/netns nor an absolute path"
		run_tunown -2 list --netns "$bad"
	done
	run ns_links
	assert_output lo
}

# ---- --netns PATH: a namespace file, as runtimes pass CNI_NETNS ----

@test "--netns PATH: add, show, list, check and del by the namespace file's path" {
	local p=/run/netns/$OTHER
	run_tunown -0 add tap0 --user alice --netns "$p"
	run other_links
	assert_output "$(printf 'lo\ntap0')"
	run_tunown -0 show tap0 --json --netns "$p"
	assert_equal "$(jq -r .owner_name <<<"$output")" alice
	run_tunown -0 list --json --netns "$p"
	assert_equal "$(jq -r '.[].name' <<<"$output")" tap0
	run_tunown -0 check tap0 --netns "$p" --as alice --no-probe
	run_tunown -0 del tap0 --netns "$p"
	run other_links
	assert_output lo
}

@test "--netns /proc/PID/ns/net: the namespace a process is in" {
	ip netns exec "$OTHER" sleep 60 &
	local pid=$!
	# The process is in $OTHER once its namespace differs from ours.
	for _ in $(seq 50); do
		[ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.02
	done
	run_tunown -0 add tap7 --user bob --netns /proc/$pid/ns/net
	run_tunown -0 list --netns /proc/$pid/ns/net
	assert_output --partial tap7
	kill $pid
	wait $pid 2>/dev/null || true
	assert_equal "$(other_field tap7 .linkinfo.info_data.user)" bob
	# The sandbox's own namespace, by a path: tap7 is not there.
	run_tunown -1 check tap7 --netns /proc/$$/ns/net --no-probe --as bob
	assert_output --partial "no-device"
}

@test "--netns PATH that is no network namespace, or is missing: exit 1, nothing made" {
	local p
	for p in /proc/self/ns/mnt /etc/passwd /run/netns; do
		run_tunown -1 --separate-stderr add tap0 --user alice --netns "$p"
		assert_contains "$stderr" "is not a network namespace file"
	done
	run_tunown -1 --separate-stderr list --netns /run/netns/nosuchns
	assert_contains "$stderr" "No such file or directory"
	run ns_links
	assert_output lo
	run other_links
	assert_output lo
}

# ---- apply ----

@test "apply: 'netns = NAME' puts each device in its namespace, and a re-run finds them" {
	conf_file() {
		cat >"$CONF/a.conf" <<-EOF
			[tap0]
			user = alice
			[tap1]
			netns = $OTHER
			user = bob
			address = 10.0.1.1/24
			[tap0]
			netns = $OTHER
			user = carol
		EOF
	}
	conf_file
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: created
tap1@$OTHER: created
tap0@$OTHER: created"
	run ns_links
	assert_output "lo
tap0"
	run other_links
	assert_output "lo
tap0
tap1"
	assert_equal "$(link_field tap0 .linkinfo.info_data.user)" alice
	assert_equal "$(other_field tap0 .linkinfo.info_data.user)" carol
	assert_equal "$(other_field tap1 .linkinfo.info_data.user)" bob
	run other_addrs tap1
	assert_output "10.0.1.1/24"

	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: unchanged
tap1@$OTHER: unchanged
tap0@$OTHER: unchanged"
}

@test "apply --dry-run with 'netns = NAME' changes nothing there" {
	printf '[tap1]\nnetns = %s\nuser = bob\n' "$OTHER" >"$CONF/a.conf"
	run_tunown -0 apply --dry-run "$CONF/a.conf"
	assert_output "tap1@$OTHER: would create"
	run other_links
	assert_output lo
}

@test "apply: a missing namespace fails its devices, FILE:LINE; the rest is applied, exit 1" {
	cat >"$CONF/a.conf" <<-EOF
		[tap0]
		user = alice
		[tap1]
		netns = nosuchns
		user = bob
		[tap2]
		netns = $OTHER
		user = bob
	EOF
	run_tunown -1 --separate-stderr apply "$CONF/a.conf"
	assert_output "tap0: created
tap2@$OTHER: created"
	assert_contains "$stderr" "$CONF/a.conf:3: 'tap1': network namespace 'nosuchns' is not there"
	assert_contains "$stderr" "1 device failed"
	run other_links
	assert_output "lo
tap2"
}

@test "apply --prune prunes in the namespaces the files name, and there only what they do not name" {
	run_tunown -0 add old0 --user alice --netns "$OTHER"
	run_tunown -0 add old1 --user alice
	ip -n "$OTHER" tuntap add mode tap name hand0
	printf '[tap0]\nnetns = %s\nuser = bob\n' "$OTHER" >"$CONF/a.conf"
	run_tunown -0 apply --prune "$CONF/a.conf"
	assert_line "tap0@$OTHER: created"
	assert_line "old0@$OTHER: deleted"
	assert_line "old1: deleted"
	assert_equal "${#lines[@]}" 3
	run other_links
	assert_output "hand0
lo
tap0"
}

@test "apply --json names each device's namespace" {
	printf '[tap0]\nuser = alice\n[tap1]\nnetns = %s\nuser = bob\n' "$OTHER" >"$CONF/a.conf"
	run_tunown -0 apply --json "$CONF/a.conf"
	assert_equal "$(jq -c '[.[] | [.device, .netns, .result]]' <<<"$output")" \
		"[[\"tap0\",null,\"created\"],[\"tap1\",\"$OTHER\",\"created\"]]"
}
