#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tunown del: tun/tap devices only, all names checked before any is deleted.

load ../lib/common

setup() {
	setup_ns
}

teardown() {
	teardown_ns
}

@test "del: removes a tap device" {
	run_tunown -0 add tap0 --user alice
	run_tunown -0 del tap0
	run ns_links
	assert_output lo
}

@test "del: removes several tun and tap devices at once" {
	run_tunown -0 add tap0 --user alice
	run_tunown -0 add tap1 --group kvm --multi-queue
	run_tunown -0 add tun0 --user bob --address 10.0.0.1/24
	add_plain_link dum0
	run_tunown -0 del tap0 tun0 tap1
	run ns_links
	assert_output "dum0
lo"
}

@test "del: removes a tun device that ip tuntap made" {
	in_ns ip tuntap add dev tun0 mode tun user alice
	run_tunown -0 del tun0
	run ns_links
	assert_output lo
}

@test "del: refuses a device a program holds, naming it; --force removes it" {
	run_tunown -0 add tap0 --user alice
	run_tunown -0 add tap1 --user alice
	hold_device alice tap0
	local pid
	# The attach helper of this test: the one process of $NS named attach.
	pid=$(for p in $(ip netns pids "$NS"); do [ "$(cat "/proc/$p/comm")" != attach ] || echo "$p"; done)
	run_tunown -1 del tap1 tap0
	assert_line "tunown: del: 'tap0' is in use by process $pid (attach, alice): stop the program first, or give --force"
	assert_line "tunown: del: nothing deleted"
	run ns_links
	assert_output "lo
tap0
tap1"
	run_tunown -0 del --force tap0 tap1
	run ns_links
	assert_output lo
}

# A holder may turn the carrier off: still held (the holders in /proc decide).
@test "del: refuses a held device whose holder turned the carrier off, and a held multi-queue one" {
	run_tunown -0 add tap0 --user alice
	hold_device alice tap0 --carrier-off
	run_tunown -1 del tap0
	assert_output --regexp "'tap0' is in use by process [0-9]+ \\(attach, alice\\)"
	release_device
	run_tunown -0 add tap1 --group kvm --multi-queue
	hold_device alice tap1 --multi-queue --queues 2
	run_tunown -1 del tap1
	assert_output --regexp "'tap1' is in use by process [0-9]+ \\(attach, alice\\)"
	run ns_links
	assert_output "lo
tap0
tap1"
	release_device
	run_tunown -0 del tap1 tap0
	run ns_links
	assert_output lo
}

@test "del --if-exists: a missing name is no error, the others are deleted" {
	run_tunown -0 add tap0 --user alice
	run_tunown -0 del --if-exists tap9 tap0
	assert_output ""
	run ns_links
	assert_output lo
	run_tunown -0 del --if-exists tap0
	# Other refusals stay errors.
	add_plain_link dum0
	run_tunown -1 del --if-exists dum0
}

# refused ARGS...: tunown del ARGS fails with 1, every line of its message
# a "tunown: del: " error line, and nothing is deleted.
refused() {
	local before line
	before=$(ns_state)
	run_tunown -1 "$@"
	assert [ "${#lines[@]}" -ge 1 ]
	for line in "${lines[@]}"; do
		assert_regex "$line" '^tunown: del: '
	done
	assert_equal "$(ns_state)" "$before"
}

@test "del: refuses a veth, a bridge, a plain link and lo" {
	in_ns ip link add veth0 type veth peer name veth1
	in_ns ip link add br0 type bridge
	add_plain_link dum0
	for dev in veth0 veth1 br0 dum0 lo; do
		refused del "$dev"
		assert_output --partial "$dev"
	done
	assert_output --partial "'lo' is not a tun/tap device (kind: loopback)"
	refused del veth0
	assert_output --partial "'veth0' is not a tun/tap device (kind: veth)"
}

@test "del: refuses an unknown name" {
	refused del tap9
	assert_output --partial tap9
}

@test "del: a non-tun name among tun names: nothing deleted" {
	run_tunown -0 add tap0 --user alice
	run_tunown -0 add tap1 --user alice
	add_plain_link dum0
	refused del tap0 dum0 tap1
	assert_output --partial dum0
	run ns_links
	assert_output "dum0
lo
tap0
tap1"
}

@test "del: an unknown name after a good one: nothing deleted" {
	run_tunown -0 add tap0 --user alice
	refused del tap0 nosuch0
	assert_output --partial nosuch0
	run ns_links
	assert_output "lo
tap0"
}

@test "del: no name is a usage error" {
	run_tunown -2 del
}

@test "del: a malformed name is bad input, nothing deleted" {
	run_tunown -0 add tap0 --user alice
	run_tunown -2 del tap0 "tap/0"
	run ns_links
	assert_output "lo
tap0"
}

@test "del: a name that is only an alternative name: refused, the device kept" {
	in_ns "$TUNOWN" add tap0 --user alice >/dev/null
	add_altname tap0 vmnet
	refused del vmnet
	assert_line "tunown: del: 'vmnet' is an alternative name of 'tap0': tunown takes a device's own name; use 'tap0', or remove the altname (ip link property del dev tap0 altname vmnet)"
	assert_line "tunown: del: nothing deleted"
	run ns_links
	assert_output "lo
tap0"
}
