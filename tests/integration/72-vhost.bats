#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# check notes when the user cannot open /dev/vhost-net (QEMU vhost=on fails),
# with a private node (c 10 238) named by TUNOWN_VHOST_PATH.

load ../lib/common

setup() {
	setup_ns
	VHOST=/dev/net/vhost-net-$$
	export TUNOWN_VHOST_PATH=$VHOST
	in_ns ip tuntap add dev tap0 mode tap user alice
	in_ns ip tuntap add dev tun0 mode tun user alice
}

teardown() {
	rm -f "$VHOST"
	teardown_ns
}

codes() {
	jq -r '[.findings[].code] | join(" ")' <<<"$output"
}

@test "check: a vhost-net node only root may open is a note with the fix; the verdict stays ok" {
	mknod -m 0600 "$VHOST" c 10 238
	chmod 0600 "$VHOST"
	run_tunown check tap0 --as alice --json
	assert_success
	[ "$(jq -r .ok <<<"$output")" = true ]
	[[ " $(codes) " == *" vhost-net-access "* ]]
	run jq -r '.findings[] | select(.code == "vhost-net-access") | "\(.level) \(.message) \(.fix)"' <<<"$output"
	assert_output --partial "note alice (uid 1001) cannot open $VHOST (mode 0600, owner uid 0, group gid 0)"
	assert_output --partial "vhost=on"
	assert_output --partial "chmod 0666 $VHOST"
	# Text too.
	run_tunown check tap0 --as alice
	assert_success
	assert_output --partial "vhost=on"
}

@test "check: a vhost-net node the user may open, or one of its group, gives no note" {
	mknod -m 0666 "$VHOST" c 10 238
	chmod 0666 "$VHOST"
	run_tunown check tap0 --as alice --json
	assert_success
	[[ " $(codes) " != *" vhost-net"* ]]
	chmod 0660 "$VHOST"
	chgrp kvm "$VHOST"
	run_tunown check tap0 --as alice --json
	[[ " $(codes) " != *" vhost-net"* ]]
	# bob is not in kvm.
	in_ns ip tuntap add dev tap1 mode tap user bob
	run_tunown check tap1 --as bob --json
	[[ " $(codes) " == *" vhost-net-access "* ]]
}

@test "check: no vhost-net node is a note (modprobe vhost_net); a tun device gets none" {
	run_tunown check tap0 --as alice --json
	assert_success
	run jq -r '.findings[] | select(.code == "vhost-net-missing") | .fix' <<<"$output"
	assert_output --partial "modprobe vhost_net"
	run_tunown check tun0 --as alice --json
	[[ " $(codes) " != *" vhost-net"* ]]
}
