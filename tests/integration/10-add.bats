#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tunown add: the device as created, re-running it, conflicts, rollback.

load ../lib/common

setup() {
	setup_ns
}

teardown() {
	teardown_ns
}

# The kernel's view of one tun attribute of DEV (ip names them type, pi,
# vnet_hdr, multi_queue, persist, user, group).
tun_attr() {
	link_field "$1" ".linkinfo.info_data.$2"
}

# attach_as USER DEV RESULT: a real TUNSETIFF by USER gives RESULT (ok, EPERM, ...).
attach_as() {
	run_attach "$1" "$2"
	assert_output "$3"
}

is_up() {
	link_json "$1" | jq -e '.[0].flags | index("UP")' >/dev/null
}

# Global addresses of DEV, "ADDR/PREFIX" one a line, sorted.
addrs_of() {
	in_ns ip -j addr show dev "$1" |
		jq -r '.[0].addr_info[] | select(.scope != "link") | "\(.local)/\(.prefixlen)"' |
		sort
}

# ---- creating ----

@test "add: a tap device owned by alice, persistent and up" {
	run_tunown add tap0 --user alice
	assert_success
	assert_output "tap0: created"

	assert_equal "$(link_field tap0 .linkinfo.info_kind)" tun
	assert_equal "$(tun_attr tap0 type)" tap
	assert_equal "$(tun_attr tap0 persist)" true
	assert_equal "$(tun_attr tap0 user)" alice
	assert_equal "$(tun_attr tap0 group)" null
	assert_equal "$(tun_attr tap0 pi)" false
	assert_equal "$(tun_attr tap0 vnet_hdr)" false
	assert_equal "$(tun_attr tap0 multi_queue)" false
	is_up tap0
	run ns_links
	assert_output "lo
tap0"
}

@test "add: the mode follows the name unless --tun or --tap says otherwise" {
	run_tunown -0 add tun0 --user alice
	run_tunown -0 add vpn0 --user alice
	run_tunown -0 add vpn1 --tun --user alice
	run_tunown -0 add tun9 --tap --user alice
	assert_equal "$(tun_attr tun0 type)" tun
	assert_equal "$(tun_attr vpn0 type)" tap
	assert_equal "$(tun_attr vpn1 type)" tun
	assert_equal "$(tun_attr tun9 type)" tap
	assert_equal "$(link_field tun0 .link_type)" none
	assert_equal "$(link_field vpn0 .link_type)" ether
}

@test "add: --group alone sets a group and no owner" {
	run_tunown -0 add tap0 --group kvm
	assert_output "tap0: created"
	assert_equal "$(tun_attr tap0 group)" kvm
	assert_equal "$(tun_attr tap0 user)" null
}

@test "add: --user and --group take numbers too" {
	run_tunown -0 add tap0 --user 1002 --group 1200
	assert_equal "$(tun_attr tap0 user)" bob
	assert_equal "$(tun_attr tap0 group)" netdev
}

@test "add: owner and group both: one note on stderr that both must match" {
	run_tunown -0 --separate-stderr add tap0 --user alice --group kvm
	assert_output "tap0: created"
	assert_equal "${#stderr_lines[@]}" 1
	assert_contains "$stderr" both
	assert_equal "$(tun_attr tap0 user)" alice
	assert_equal "$(tun_attr tap0 group)" kvm
}

@test "add: no note on stderr with an owner alone" {
	run_tunown -0 --separate-stderr add tap0 --user alice
	assert_equal "$stderr" ""
}

@test "add: --any-user makes a device without owner or group; warns where the kernel asks for CAP_NET_ADMIN" {
	local rule
	rule=$(ownerless_rule)
	run_tunown -0 --separate-stderr add tap0 --any-user
	assert_output "tap0: created"
	assert_equal "$(tun_attr tap0 user)" null
	assert_equal "$(tun_attr tap0 group)" null
	assert_equal "$(tun_attr tap0 persist)" true
	if [ "$rule" = anyone ]; then
		assert_equal "$stderr" ""
		attach_as bob tap0 ok
	else
		assert_contains "$stderr" "warning: 'tap0' has neither owner nor group, and this kernel lets only CAP_NET_ADMIN attach"
		assert_equal "${#stderr_lines[@]}" 1
		attach_as bob tap0 EPERM
	fi
}

@test "add: --any-user warns only when it creates: not again, not when it refuses" {
	run_tunown -0 add tap0 --any-user
	run_tunown -0 --separate-stderr add tap0 --any-user
	assert_output "tap0: unchanged"
	assert_equal "$stderr" ""
	run_tunown -0 add tap1 --user alice
	run_tunown --separate-stderr add tap1 --any-user
	assert_failure
	refute [ -z "$stderr" ]
	[[ "$stderr" != *warning* ]] || fail "a warning with the refusal: $stderr"
}

@test "add: --multi-queue --vnet-hdr --pi are the device's flags" {
	run_tunown -0 add tap0 --user alice --multi-queue --vnet-hdr --pi
	assert_equal "$(tun_attr tap0 multi_queue)" true
	assert_equal "$(tun_attr tap0 vnet_hdr)" true
	assert_equal "$(tun_attr tap0 pi)" true
	run_attach alice tap0 --multi-queue --vnet-hdr --pi
	assert_output ok
	run_attach alice tap0
	assert_output EINVAL
}

@test "add: a tun device with --vnet-hdr only" {
	run_tunown -0 add tun0 --user alice --vnet-hdr
	assert_equal "$(tun_attr tun0 type)" tun
	assert_equal "$(tun_attr tun0 vnet_hdr)" true
	assert_equal "$(tun_attr tun0 pi)" false
	assert_equal "$(tun_attr tun0 multi_queue)" false
}

@test "add: --down leaves the link down" {
	run_tunown -0 add tap0 --user alice --down
	assert_output "tap0: created"
	run is_up tap0
	assert_failure
	# The mark goes in with the first request, not with the link up.
	assert_equal "$(link_field tap0 .ifalias)" tunown
}

@test "add: --mtu, --mac and IPv4 and IPv6 addresses" {
	run_tunown -0 add tap0 --user alice --mtu 1400 --mac 02:00:00:aa:bb:01 \
		--address 10.1.0.1/24 --address fd00:1::1/64
	assert_output "tap0: created"
	assert_equal "$(link_field tap0 .mtu)" 1400
	assert_equal "$(link_field tap0 .address)" 02:00:00:aa:bb:01
	assert_equal "$(link_field tap0 .ifalias)" tunown
	run addrs_of tap0
	assert_output "10.1.0.1/24
fd00:1::1/64"
	is_up tap0
}

@test "add: a bare address is a host address" {
	run_tunown -0 add tun0 --user alice --address 10.1.0.1
	run addrs_of tun0
	assert_output "10.1.0.1/32"
}

@test "add: --peer makes point-to-point addresses" {
	run_tunown -0 add tun0 --user alice --address 10.2.0.1/32 --peer 10.2.0.2 \
		--address fd00:2::1/128 --peer fd00:2::2
	run in_ns ip -j addr show dev tun0
	echo "$output"
	local a=$output
	assert_equal "$(jq -r '.[0].addr_info[] | select(.local == "10.2.0.1") | .address' <<<"$a")" 10.2.0.2
	assert_equal "$(jq -r '.[0].addr_info[] | select(.local == "fd00:2::1") | .address' <<<"$a")" fd00:2::2
}

@test "add: the device outlives its owner's attach and close" {
	run_tunown -0 add tap0 --user alice
	run_attach alice tap0
	assert_output ok
	assert_equal "$(tun_attr tap0 persist)" true
	run_attach alice tap0
	assert_output ok
}

# ---- running add again ----

@test "add again, same request: unchanged, nothing touched" {
	run_tunown -0 add tap0 --user alice
	local before
	before=$(ns_state)
	run_tunown -0 add tap0 --user alice
	assert_output "tap0: unchanged"
	assert_equal "$(ns_state)" "$before"
}

@test "add again with every option: unchanged" {
	local args=(add tap0 --user alice --group kvm --mtu 1400 --mac 02:00:00:aa:bb:02
		--address 10.3.0.1/24 --address fd00:3::1/64 --vnet-hdr)
	run_tunown -0 --separate-stderr "${args[@]}"
	assert_output "tap0: created"
	local before
	before=$(ns_state)
	run_tunown -0 --separate-stderr "${args[@]}"
	assert_output "tap0: unchanged"
	assert_equal "$(ns_state)" "$before"
}

@test "add again on a tun device: unchanged" {
	run_tunown -0 add tun0 --user alice --address 10.3.0.1/24
	run_tunown -0 add tun0 --user alice --address 10.3.0.1/24
	assert_output "tun0: unchanged"
}

@test "add again with another owner: changed, the new owner attaches, flags kept" {
	run_tunown -0 add tap0 --user alice --vnet-hdr
	run_tunown -0 add tap0 --user bob --vnet-hdr
	assert_output --regexp '^tap0: changed \(.*owner.*\)$'
	assert_equal "$(tun_attr tap0 user)" bob
	# the re-attach that changed the owner passed the device's own flags
	assert_equal "$(tun_attr tap0 vnet_hdr)" true
	assert_equal "$(tun_attr tap0 pi)" false
	assert_equal "$(tun_attr tap0 persist)" true
	run_attach bob tap0 --vnet-hdr
	assert_output ok
	run_attach alice tap0 --vnet-hdr
	assert_output EPERM
}

@test "add again with another owner keeps --pi and multi-queue" {
	run_tunown -0 add tun0 --user alice --pi --multi-queue
	run_tunown -0 add tun0 --user carol --pi --multi-queue
	assert_output --regexp '^tun0: changed \(.*owner.*\)$'
	assert_equal "$(tun_attr tun0 user)" carol
	assert_equal "$(tun_attr tun0 pi)" true
	assert_equal "$(tun_attr tun0 multi_queue)" true
	assert_equal "$(tun_attr tun0 vnet_hdr)" false
}

@test "add again with a group added: changed, both must match now" {
	run_tunown -0 add tap0 --user carol
	run_tunown -0 --separate-stderr add tap0 --user carol --group netdev
	assert_output --regexp '^tap0: changed \(.*group.*\)$'
	assert_equal "$(tun_attr tap0 user)" carol
	assert_equal "$(tun_attr tap0 group)" netdev
	run_attach carol tap0
	assert_output ok
}

@test "add again with another group: changed" {
	run_tunown -0 add tap0 --group kvm
	run_tunown -0 add tap0 --group netdev
	assert_output --regexp '^tap0: changed \(.*group.*\)$'
	assert_equal "$(tun_attr tap0 group)" netdev
	run_attach alice tap0
	assert_output EPERM
	run_attach carol tap0
	assert_output ok
}

@test "add again with another MTU: changed" {
	run_tunown -0 add tap0 --user alice --mtu 1400
	run_tunown -0 add tap0 --user alice --mtu 9000
	assert_output --regexp '^tap0: changed \(.*mtu.*\)$'
	assert_equal "$(link_field tap0 .mtu)" 9000
	assert_equal "$(tun_attr tap0 user)" alice
}

@test "add again with another MAC: changed" {
	run_tunown -0 add tap0 --user alice --mac 02:00:00:00:00:01
	run_tunown -0 add tap0 --user alice --mac 02:00:00:00:00:02
	assert_output --regexp '^tap0: changed \(.*mac.*\)$'
	assert_equal "$(link_field tap0 .address)" 02:00:00:00:00:02
}

@test "add again with another address: added, the old one kept" {
	run_tunown -0 add tap0 --user alice --address 10.4.0.1/24
	run_tunown -0 add tap0 --user alice --address 10.5.0.1/24 --address fd00:5::1/64
	assert_output --regexp '^tap0: changed \(.*address.*\)$'
	run addrs_of tap0
	assert_output "10.4.0.1/24
10.5.0.1/24
fd00:5::1/64"
}

@test "add again with --down, then without (left down), then --up" {
	run_tunown -0 add tap0 --user alice
	run_tunown -0 add tap0 --user alice --down
	assert_output 'tap0: changed (link state)'
	run is_up tap0
	assert_failure
	run_tunown -0 add tap0 --user alice
	assert_output 'tap0: unchanged'
	run is_up tap0
	assert_failure
	run_tunown -0 add tap0 --up
	assert_output 'tap0: changed (link state)'
	is_up tap0
	run_tunown -2 add tap0 --up --down
	assert_output --partial 'give --up or --down, not both'
}

@test "add on a device that ip tuntap made: refused unless --adopt, which marks it" {
	in_ns ip tuntap add dev tap0 mode tap user bob
	local before
	before=$(ns_state)
	run_tunown -1 add tap0 --user alice --address 10.6.0.1/24
	assert_output --partial "'tap0' was not created by tunown"
	assert_output --partial "--adopt"
	assert_equal "$(ns_state)" "$before"
	run_tunown -0 add tap0 --user alice --address 10.6.0.1/24 --adopt
	assert_output 'tap0: changed (adopted, owner, addresses)'
	assert_equal "$(tun_attr tap0 user)" alice
	assert_equal "$(link_field tap0 .ifalias)" tunown
	run_attach alice tap0
	assert_output ok
	# adopted: tunown's from now on, for add and apply alike
	run_tunown -0 add tap0 --mtu 1400
	assert_output 'tap0: changed (mtu)'
}

@test "add on a managed device whose alias an admin changed: the message names the alias and the way back" {
	run_tunown -0 add tap0 --user alice
	in_ns ip link set tap0 alias "VM of alice"
	run_tunown -1 add tap0 --mtu 1400
	assert_output --partial "'tap0' has the interface alias 'VM of alice', not tunown's mark 'tunown'"
	assert_output --partial "ip link set tap0 alias tunown"
	assert_equal "$(link_field tap0 .mtu)" 1500
	in_ns ip link set tap0 alias tunown
	run_tunown -0 add tap0 --mtu 1400
	assert_output 'tap0: changed (mtu)'
}

@test "add again while attached: an MTU change needs no re-attach" {
	run_tunown -0 add tap0 --user alice
	hold_device alice tap0
	run_tunown -0 add tap0 --user alice --mtu 1400
	assert_output --regexp '^tap0: changed \(.*mtu.*\)$'
	assert_equal "$(link_field tap0 .mtu)" 1400
}

# ---- conflicts: exit 1, nothing changed ----

# conflict ARGS...: tunown ARGS fails with 1 and one line, and $NS is as before.
conflict() {
	local before
	before=$(ns_state)
	run_tunown -1 "$@"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp '^tunown: add: '
	assert_equal "$(ns_state)" "$before"
}

@test "conflict: a veth of that name" {
	in_ns ip link add veth0 type veth peer name veth1
	conflict add veth0 --user alice
	assert_output --partial veth0
	assert_equal "$(link_field veth0 .linkinfo.info_kind)" veth
}

@test "conflict: a bridge of that name" {
	in_ns ip link add br0 type bridge
	conflict add br0 --user alice
	assert_output --partial br0
}

@test "conflict: a plain link (dummy) of that name" {
	add_plain_link tap0
	conflict add tap0 --user alice
	refute [ "$(link_field tap0 .linkinfo.info_kind)" = tun ]
}

@test "conflict: lo" {
	conflict add lo --user alice --tap
	assert_output --partial "'lo' is not a tun/tap device (kind: loopback)"
}

@test "conflict: a tap device asked to be tun" {
	run_tunown -0 add tap0 --user alice
	conflict add tap0 --tun --user alice
	assert_equal "$(tun_attr tap0 type)" tap
}

@test "conflict: a tun device asked to be tap" {
	in_ns ip tuntap add dev tun0 mode tun user alice
	conflict add tun0 --tap --user alice
	assert_equal "$(tun_attr tun0 type)" tun
}

@test "conflict: single-queue device asked for multi-queue" {
	run_tunown -0 add tap0 --user alice
	conflict add tap0 --user alice --multi-queue
	assert_equal "$(tun_attr tap0 multi_queue)" false
}

@test "add without --multi-queue on a multi-queue device leaves it multi-queue" {
	run_tunown -0 add tap0 --user alice --multi-queue
	run_tunown -0 add tap0 --user alice
	assert_output 'tap0: unchanged'
	assert_equal "$(tun_attr tap0 multi_queue)" true
}

@test "conflict: an attached device whose owner would need a re-attach" {
	run_tunown -0 add tap0 --user alice
	hold_device alice tap0
	conflict add tap0 --user bob
	assert_equal "$(tun_attr tap0 user)" alice
	release_device
	run_tunown -0 add tap0 --user bob
	assert_equal "$(tun_attr tap0 user)" bob
}

@test "conflict: an attached device whose group would need a re-attach" {
	run_tunown -0 add tap0 --group kvm
	hold_device carol tap0
	conflict add tap0 --group netdev
	assert_equal "$(tun_attr tap0 group)" kvm
}

@test "conflict: --any-user on a device with an owner (the kernel cannot clear it)" {
	run_tunown -0 add tap0 --user alice
	conflict add tap0 --any-user
	assert_equal "$(tun_attr tap0 user)" alice
}

@test "conflict: --any-user on a device with a group" {
	run_tunown -0 add tap0 --group kvm
	conflict add tap0 --any-user
	assert_equal "$(tun_attr tap0 group)" kvm
}

# ---- rollback: a step the kernel refuses leaves no device ----

@test "rollback: an IPv6 address the kernel refuses leaves nothing" {
	# IPv6 off for new devices: the address fails after the device is made.
	in_ns sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
	run_tunown -1 add tap0 --user alice --mtu 1400 --address fd00:7::1/64
	assert_equal "${#lines[@]}" 1
	assert_output --regexp '^tunown: add: .*fd00:7::1'
	run ns_links
	assert_output lo
}

@test "rollback: an MTU over the device's maximum is exit 2 and leaves nothing" {
	# tap devices stop at 65521 (IFLA_MAX_MTU); the parser lets 65535 pass
	run_tunown -2 add tap0 --user alice --mtu 65535
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "^tunown: add: .*65535"
	run ns_links
	assert_output lo
}

@test "rollback: an MTU under the device's minimum is exit 2 and leaves nothing" {
	run_tunown -2 add tap0 --user alice --mtu 67
	assert_equal "${#lines[@]}" 1
	assert_output --partial 67
	run ns_links
	assert_output lo
}

@test "rollback: a failed step on an existing device keeps the device" {
	run_tunown -0 add tap0 --user alice --address 10.8.0.1/24
	local before
	before=$(ns_state)
	run_tunown -2 add tap0 --user alice --mtu 65535 --address 10.8.0.1/24
	assert_equal "${#lines[@]}" 1
	assert_equal "$(ns_state)" "$before"
}

@test "add without a clone device: says how to load the driver and make the node" {
	export TUNOWN_TUN_PATH=/run/tunown-no-such-node
	run_tunown add tap0 --user alice
	unset TUNOWN_TUN_PATH
	assert_failure 1
	assert_output --partial "cannot open '/run/tunown-no-such-node': No such file or directory"
	assert_output --partial "modprobe tun; mknod /run/tunown-no-such-node c 10 200"
	run ns_links
	assert_output lo
}

@test "conflict: a name that is only an alternative name of another device" {
	run_tunown -0 add tap0 --user alice
	add_altname tap0 vmnet
	local before
	before=$(ns_state)
	run_tunown -1 add vmnet --user bob
	assert_output "tunown: add: 'vmnet' is an alternative name of 'tap0': tunown takes a device's own name; use 'tap0', or remove the altname (ip link property del dev tap0 altname vmnet)"
	assert_equal "$(ns_state)" "$before"
	assert_equal "$(tun_attr tap0 user)" alice
	run ns_links
	assert_output "lo
tap0"
}
