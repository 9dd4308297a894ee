#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tunown list and show: every tun/tap device and its attributes, read from
# rtnetlink (not sysfs), as text and as JSON.

load ../lib/common

setup() {
	setup_ns
}

teardown() {
	teardown_ns
}

KEYS='["addresses","carrier","flags","group","group_name","holders","holders_complete","ifindex","mac","mode","mtu","multi_queue","name","netdev_group","owner","owner_name","persist","pi","queues","required_flags","routes","up","vnet_hdr"]'

# The flags text as a sorted list, whatever order tunown prints them in.
sorted_flags() {
	tr '|' '\n' <<<"$1" | sort | paste -sd' '
}

@test "list: no devices, an empty JSON array" {
	add_plain_link dum0
	run_tunown -0 list --json
	assert_equal "$(jq -c . <<<"$output")" "[]"
}

@test "list: every tun and tap device, nothing else" {
	run_tunown -0 add tap0 --user alice
	run_tunown -0 add tun0 --group kvm
	in_ns ip tuntap add dev tap7 mode tap
	in_ns ip link add veth0 type veth peer name veth1
	add_plain_link dum0
	run_tunown -0 list --json
	assert_equal "$(jq -r '[.[].name] | sort | join(" ")' <<<"$output")" "tap0 tap7 tun0"
	run_tunown -0 list
	assert_output --partial tap0
	assert_output --partial tun0
	assert_output --partial tap7
	refute_output --partial veth0
	refute_output --partial dum0
}

@test "show --json: every key, values of a fresh tap device" {
	run_tunown -0 add tap0 --user alice
	run_tunown -0 show tap0 --json
	local j=$output
	assert_equal "$(jq -c 'keys - ["managed"]' <<<"$j")" "$KEYS"
	assert_equal "$(jq -r .name <<<"$j")" tap0
	assert_equal "$(jq -r .ifindex <<<"$j")" "$(link_field tap0 .ifindex)"
	assert_equal "$(jq -r .mode <<<"$j")" tap
	assert_equal "$(jq -r .owner <<<"$j")" 1001
	assert_equal "$(jq -r .owner_name <<<"$j")" alice
	assert_equal "$(jq -r .group <<<"$j")" null
	assert_equal "$(jq -r .group_name <<<"$j")" null
	assert_equal "$(jq -r .persist <<<"$j")" true
	assert_equal "$(jq -r .multi_queue <<<"$j")" false
	assert_equal "$(jq -r .vnet_hdr <<<"$j")" false
	assert_equal "$(jq -r .pi <<<"$j")" false
	assert_equal "$(jq -r .mtu <<<"$j")" 1500
	assert_equal "$(jq -r .mac <<<"$j")" "$(link_field tap0 .address)"
	assert_equal "$(jq -r .up <<<"$j")" true
	assert_equal "$(jq -r .carrier <<<"$j")" false
	assert_equal "$(jq -r .queues <<<"$j")" 0
	# the kernel may have given it a link-local address of its own
	assert_equal "$(jq -c '[.addresses[] | select(startswith("fe80:") | not)]' <<<"$j")" "[]"
	assert_equal "$(sorted_flags "$(jq -r .flags <<<"$j")")" "IFF_NO_PI IFF_TAP"
}

@test "show --json: a tun device with a group, flags, MTU and addresses" {
	run_tunown -0 --separate-stderr add tun0 --user carol --group netdev --vnet-hdr \
		--multi-queue --pi --mtu 1400 --address 10.1.0.1/24 --address fd00:1::1/64 --down
	run_tunown -0 show tun0 --json
	local j=$output
	assert_equal "$(jq -r .mode <<<"$j")" tun
	assert_equal "$(jq -r .owner <<<"$j")" 1003
	assert_equal "$(jq -r .owner_name <<<"$j")" carol
	assert_equal "$(jq -r .group <<<"$j")" 1200
	assert_equal "$(jq -r .group_name <<<"$j")" netdev
	assert_equal "$(jq -r .multi_queue <<<"$j")" true
	assert_equal "$(jq -r .vnet_hdr <<<"$j")" true
	assert_equal "$(jq -r .pi <<<"$j")" true
	assert_equal "$(jq -r .mtu <<<"$j")" 1400
	assert_equal "$(jq -r .up <<<"$j")" false
	assert_equal "$(jq -r '[.addresses[] | select(startswith("fe80:") | not)] | sort | join(" ")' <<<"$j")" \
		"10.1.0.1/24 fd00:1::1/64"
	assert_equal "$(sorted_flags "$(jq -r .flags <<<"$j")")" \
		"IFF_MULTI_QUEUE IFF_TUN IFF_VNET_HDR"
}

@test "show --json: an attached device has carrier and a queue" {
	run_tunown -0 add tap0 --user alice
	hold_device alice tap0
	run_tunown -0 show tap0 --json
	assert_equal "$(jq -r .carrier <<<"$output")" true
	assert_equal "$(jq -r .queues <<<"$output")" 1
}

@test "show --json: a multi-queue device counts its queues" {
	run_tunown -0 add tap0 --group kvm --multi-queue
	hold_device alice tap0 --multi-queue
	run_attach carol tap0 --multi-queue
	run_tunown -0 show tap0 --json
	assert_equal "$(jq -r .queues <<<"$output")" "$(mq_queues 1)"
	release_device
	run_tunown -0 show tap0 --json
	assert_equal "$(jq -r .queues <<<"$output")" "$(mq_queues 0)"
}

# Any holder may turn the carrier off (TUNSETCARRIER): the queue is known from
# the holders in /proc, not from the carrier.
@test "show, list --json: a holder that turned the carrier off still holds the queue" {
	run_tunown -0 add tap0 --user alice
	hold_device alice tap0 --carrier-off
	assert_equal "$(link_field tap0 '.flags | index("LOWER_UP")')" null
	run_tunown -0 show tap0 --json
	assert_equal "$(jq -r .carrier <<<"$output")" false
	assert_equal "$(jq -r .queues <<<"$output")" 1
	run_tunown -0 list --json
	assert_equal "$(jq -r '.[] | select(.name == "tap0") | .queues' <<<"$output")" 1
	release_device
	run_tunown -0 show tap0 --json
	assert_equal "$(jq -r .queues <<<"$output")" 0
}

@test "show --json: two queues of one process on a multi-queue device" {
	run_tunown -0 add tap0 --user alice --multi-queue
	hold_device alice tap0 --multi-queue --queues 2
	run_tunown -0 show tap0 --json
	assert_equal "$(jq -r .queues <<<"$output")" "$(mq_queues 2)"
}

# A process in another network namespace may hold a device of the same name:
# it is not a holder of this one.
@test "show --json: a holder of a same-named device in another namespace does not count" {
	local other=$NS-b
	ip netns add "$other"
	run_tunown -0 add tap0 --user alice
	ip netns exec "$other" "$TUNOWN" add tap0 --user alice
	local fifo=$BATS_TEST_TMPDIR/other.in
	mkfifo "$fifo"
	ip netns exec "$other" setpriv --reuid=alice --regid=alice --init-groups \
		"$TESTBIN/attach" tap0 --hold <"$fifo" >"$BATS_TEST_TMPDIR/other.out" &
	local pid=$! fd
	exec {fd}>"$fifo"
	for ((i = 0; i < 200; i++)); do
		[ -s "$BATS_TEST_TMPDIR/other.out" ] && break
		sleep 0.02
	done
	run ip netns exec "$other" "$TUNOWN" show tap0 --json
	assert_equal "$(jq -r .queues <<<"$output")" 1
	run_tunown -0 show tap0 --json
	assert_equal "$(jq -r .queues <<<"$output")" 0
	exec {fd}>&-
	wait "$pid" || true
	ip netns del "$other"
}

@test "show --json: ids without a name, and a device ip tuntap made with pi" {
	in_ns ip tuntap add dev tap5 mode tap user 5000 group 5001 pi
	run_tunown -0 show tap5 --json
	local j=$output
	assert_equal "$(jq -r .owner <<<"$j")" 5000
	assert_equal "$(jq -r .owner_name <<<"$j")" null
	assert_equal "$(jq -r .group <<<"$j")" 5001
	assert_equal "$(jq -r .group_name <<<"$j")" null
	assert_equal "$(jq -r .pi <<<"$j")" true
	assert_equal "$(jq -r .up <<<"$j")" false
	assert_equal "$(sorted_flags "$(jq -r .flags <<<"$j")")" "IFF_TAP"
}

@test "show: text names the owner, group and the flags to attach with" {
	run_tunown -0 --separate-stderr add tap0 --user alice --group kvm --vnet-hdr
	run_tunown -0 show tap0
	assert_output --partial tap0
	assert_output --partial alice
	assert_output --partial kvm
	assert_output --partial 1001
	assert_output --partial IFF_TAP
	assert_output --partial IFF_VNET_HDR
}

@test "show: an unknown name or a device of another kind fails" {
	add_plain_link dum0
	run_tunown -1 show tap9
	assert_output --partial tap9
	run_tunown -1 show dum0
	assert_output --partial dum0
}

@test "list and show need no sysfs of the namespace (rtnetlink only)" {
	run_tunown -0 add tap0 --user alice --group kvm
	# nsenter keeps the sandbox's /sys, which belongs to another network
	# namespace; then take /sys away altogether
	run nsenter --net="/run/netns/$NS" unshare --mount --propagation private \
		sh -c 'umount -l /sys && "$0" show tap0 --json' "$TUNOWN"
	echo "$output"
	assert_success
	assert_equal "$(jq -r .owner_name <<<"$output")" alice
	assert_equal "$(jq -r .group_name <<<"$output")" kvm
	assert_equal "$(jq -r .mode <<<"$output")" tap
	run nsenter --net="/run/netns/$NS" unshare --mount --propagation private \
		sh -c 'umount -l /sys && "$0" list --json' "$TUNOWN"
	assert_success
	assert_equal "$(jq -r '.[].name' <<<"$output")" tap0
}

# The caller's /sys may show a device of the same name in another namespace:
# before Linux 4.16 (make check-oldkernel) the attributes come from a sysfs of
# the device's own namespace, and the caller's /sys is never read.
@test "show and list read a device in its own namespace, not the caller's /sys" {
	run_tunown -0 add tap0 --user alice --group kvm
	ip tuntap add dev tap0 mode tun user bob
	[ "$(cat /sys/class/net/tap0/owner)" = "$(id -u bob)" ]
	run nsenter --net="/run/netns/$NS" "$TUNOWN" show tap0 --json
	ip link del tap0
	echo "$output"
	assert_success
	assert_equal "$(jq -r .owner_name <<<"$output")" alice
	assert_equal "$(jq -r .group_name <<<"$output")" kvm
	assert_equal "$(jq -r .mode <<<"$output")" tap
}

@test "show: another kind of interface is named with its kind" {
	run_tunown -1 show lo
	assert_output "tunown: show: 'lo' is not a tun/tap device (kind: loopback)"
	in_ns ip link add br0 type bridge
	run_tunown -1 show br0
	assert_output "tunown: show: 'br0' is not a tun/tap device (kind: bridge)"
}

@test "show: a name that is only an alternative name is refused with the real name" {
	in_ns "$TUNOWN" add tap0 --user alice >/dev/null
	add_altname tap0 vmnet
	run_tunown -1 show vmnet
	assert_output --partial "tunown: show: 'vmnet' is an alternative name of 'tap0'"
}
