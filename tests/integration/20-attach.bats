#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Who may attach to a device tunown made: a real TUNSETIFF from another uid,
# with no capabilities (build/tests/attach under as_user).
#   alice 1001 (kvm)   bob 1002   carol 1003 (kvm, netdev)

load ../lib/common

setup() {
	setup_ns
}

teardown() {
	teardown_ns
}

# attach_is USER DEV RESULT [attach options]
attach_is() {
	local user=$1 dev=$2 want=$3
	shift 3
	run_attach "$user" "$dev" "$@"
	assert_output "$want"
	if [ "$want" = ok ]; then
		assert_success
	else
		assert_failure 1
	fi
}

@test "owner: alice attaches to her tap device, bob and carol get EPERM" {
	run_tunown -0 add tap0 --user alice
	attach_is alice tap0 ok
	attach_is bob tap0 EPERM
	attach_is carol tap0 EPERM
	attach_is nobody tap0 EPERM
}

@test "owner: alice attaches to her tun device, bob gets EPERM" {
	run_tunown -0 add tun0 --user alice
	attach_is alice tun0 ok
	attach_is bob tun0 EPERM
}

@test "owner by number: uid 1002 is bob" {
	run_tunown -0 add tap0 --user 1002
	attach_is bob tap0 ok
	attach_is alice tap0 EPERM
}

@test "group: members of kvm attach (primary group or not), others get EPERM" {
	run_tunown -0 add tap0 --group kvm
	attach_is alice tap0 ok
	attach_is carol tap0 ok
	attach_is bob tap0 EPERM
	attach_is nobody tap0 EPERM
}

@test "group: only carol is in netdev" {
	run_tunown -0 add tun0 --group netdev
	attach_is carol tun0 ok
	attach_is alice tun0 EPERM
}

@test "group by number: gid 1002 is bob's primary group" {
	run_tunown -0 add tap0 --group 1002
	attach_is bob tap0 ok
	attach_is alice tap0 EPERM
}

@test "owner and group: both must match" {
	run_tunown -0 add tap0 --user alice --group netdev
	attach_is alice tap0 EPERM      # owner, not in netdev
	attach_is carol tap0 EPERM      # in netdev, not the owner
	attach_is bob tap0 EPERM
	run_tunown -0 add tap1 --user carol --group netdev
	attach_is carol tap1 ok
	attach_is alice tap1 EPERM
}

@test "--any-user: everyone may attach, or, where the kernel asks for it, CAP_NET_ADMIN only" {
	local rule want
	rule=$(ownerless_rule)
	want=$([ "$rule" = anyone ] && echo ok || echo EPERM)
	run_tunown -0 add tap0 --any-user
	attach_is alice tap0 "$want"
	attach_is bob tap0 "$want"
	attach_is nobody tap0 "$want"
	# CAP_NET_ADMIN gets in on every kernel.
	run in_ns "$TESTBIN/attach" tap0
	assert_output ok
}

@test "the owner attaches again and again; the device stays" {
	run_tunown -0 add tap0 --user alice
	attach_is alice tap0 ok
	attach_is alice tap0 ok
	run ns_links
	assert_output "lo
tap0"
}

@test "a held single-queue device is EBUSY for the next one, even the owner" {
	run_tunown -0 add tap0 --group kvm
	hold_device alice tap0
	attach_is carol tap0 EBUSY
	attach_is alice tap0 EBUSY
	release_device
	attach_is carol tap0 ok
}

@test "multi-queue: members attach several queues at once" {
	run_tunown -0 add tap0 --group kvm --multi-queue
	hold_device alice tap0 --multi-queue
	attach_is carol tap0 ok --multi-queue
	attach_is bob tap0 EPERM --multi-queue
}

@test "attaching with the wrong mode or queue setting is EINVAL" {
	run_tunown -0 add tap0 --user alice
	attach_is alice tap0 EINVAL --tun
	attach_is alice tap0 EINVAL --multi-queue
	attach_is alice tap0 ok --tap
}

@test "a name tunown did not create is EPERM for a user, and nothing appears" {
	run_tunown -0 add tap0 --user alice
	attach_is alice tap1 EPERM
	run ns_links
	assert_output "lo
tap0"
}

@test "a device attaches with the flags show prints" {
	run_tunown -0 add tap0 --user alice --vnet-hdr --multi-queue
	run show_field tap0 flags
	assert_success
	local flags=$output opts=(--tap)
	assert_contains "|$flags|" "|IFF_TAP|"
	[[ "|$flags|" == *"|IFF_MULTI_QUEUE|"* ]] && opts+=(--multi-queue)
	[[ "|$flags|" == *"|IFF_VNET_HDR|"* ]] && opts+=(--vnet-hdr)
	[[ "|$flags|" == *"|IFF_NO_PI|"* ]] || opts+=(--pi)
	attach_is alice tap0 ok "${opts[@]}"
	assert_equal "$(link_field tap0 .linkinfo.info_data.vnet_hdr)" true
	assert_equal "$(link_field tap0 .linkinfo.info_data.pi)" false
}
