#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# What the kernel would refuse or silently not keep, refused while parsing:
# names the kernel reserves, MTUs outside a mode's bounds, IPv6 with an MTU
# below 1280, addresses a device does not keep. Exit 2, FILE:LINE for a
# file, the same answer from a dry run, and nothing changed in the kernel.

load ../lib/common

setup() { setup_conf_ns; }
teardown() { teardown_ns; }

# Every address of DEV but the kernel's link-local ones, sorted.
addrs_of() {
	in_ns ip -j addr show dev "$1" |
		jq -r '.[0].addr_info[] | select(.scope != "link") | "\(.local)/\(.prefixlen)"' | sort
}

# refused_file LINE TEXT: $CONF/bad.conf is refused by apply and by
# apply --dry-run alike: exit 2, the error "$CONF/bad.conf:LINE: TEXT..." on
# stderr, nothing on stdout, and the namespace as it was.
refused_file() {
	local line=$1 text=$2 before mode
	before=$(ns_state)
	for mode in --dry-run ""; do
		run_tunown -2 --separate-stderr apply $mode "$CONF/bad.conf"
		assert_output ""
		assert_contains "$stderr" "$CONF/bad.conf:$line: $text"
		assert_contains "$stderr" "nothing changed"
		assert_equal "$(ns_state)" "$before"
	done
}

# refused_add VALUE TEXT ARGS...: tunown add ARGS exits 2 with one line that
# quotes VALUE and says TEXT, and the namespace is as it was.
refused_add() {
	local value=$1 text=$2 before
	shift 2
	before=$(ns_state)
	run_tunown -2 --separate-stderr add "$@"
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_contains "$stderr" "'$value'"
	assert_contains "$stderr" "$text"
	assert_equal "$(ns_state)" "$before"
}

# ---- names the kernel reserves ----

@test "names: 'all' and 'default' are refused by add, del and show, exit 2" {
	refused_add all "reserved by the kernel" all --user alice
	refused_add default "reserved by the kernel" default --user alice
	run_tunown -2 del all
	assert_output --partial "reserved by the kernel"
	run_tunown -2 show default
	assert_output --partial "reserved by the kernel"
	# what the kernel itself answers, for the record: a bare EINVAL
	run in_ns ip tuntap add dev all mode tap
	assert_failure
	# other words are names like any other
	run_tunown -0 add All --user alice
	run_tunown -0 add alls --user alice
}

@test "names: a section named 'all' or 'default' is a file error, in the dry run too" {
	printf '[tap0]\nuser = alice\n\n[all]\nuser = alice\n' >"$CONF/bad.conf"
	refused_file 4 "device name 'all': reserved by the kernel"
	printf '[default]\ngroup = kvm\n' >"$CONF/bad.conf"
	refused_file 1 "device name 'default': reserved by the kernel"
}

@test "names: what dev_valid_name refuses is a file error naming the value" {
	local name
	for name in . .. tap/0 tap:0 "tap 0" x123456789012345; do
		printf '[%s]\nuser = alice\n' "$name" >"$CONF/bad.conf"
		refused_file 1 "device name '$name': "
	done
}

# ---- MTU bounds by mode ----

@test "mtu: over 65521 for a tap section is a file error; a tun section takes 65535" {
	printf '[tap0]\nuser = alice\nmtu = 65535\n' >"$CONF/bad.conf"
	refused_file 3 "mtu '65535': over 65521, the most a tap device takes"
	printf '[vpn0]\nmode = tap\nuser = alice\nmtu = 65522\n' >"$CONF/bad.conf"
	refused_file 4 "mtu '65522': over 65521"
	printf '[tap0]\nuser = alice\nmtu = 65521\n[tun0]\nuser = alice\nmtu = 65535\n' >"$CONF/good.conf"
	run_tunown -0 apply --dry-run "$CONF/good.conf"
	run_tunown -0 apply "$CONF/good.conf"
	assert_equal "$(link_field tap0 .mtu)" 65521
	assert_equal "$(link_field tun0 .mtu)" 65535
}

@test "mtu: add --tap --mtu 65535 is refused before anything is made; --tun takes it" {
	refused_add 65535 "over 65521, the most a tap device takes" tap0 --tap --user alice --mtu 65535
	run_tunown -0 add tun0 --tun --user alice --mtu 65535
	assert_equal "$(link_field tun0 .mtu)" 65535
	# under 68 (what IPv4 needs) is refused for either mode
	refused_add 67 "outside 68..65535" tun1 --tun --user alice --mtu 67
}

# ---- IPv6 and an MTU below 1280 ----

@test "ipv6: an IPv6 address with an MTU below 1280 in one section is a file error" {
	printf '[tap0]\nuser = alice\nmtu = 1200\naddress = 10.0.0.1/24\naddress = fd00::1/64\n' >"$CONF/bad.conf"
	refused_file 3 "mtu '1200': below 1280, the least IPv6 takes, and the section has the IPv6 address 'fd00::1/64' (line 5)"
	# the same on a device that exists
	printf '[tap0]\nuser = alice\naddress = fd00::1/64\n' >"$CONF/good.conf"
	run_tunown -0 apply "$CONF/good.conf"
	refused_file 3 "mtu '1200': below 1280"
	assert_equal "$(addrs_of tap0)" "fd00::1/64"
	assert_equal "$(link_field tap0 .mtu)" 1500
}

@test "ipv6: add --mtu below 1280 with an IPv6 --address is exit 2, nothing made" {
	refused_add 1000 "IPv6 needs an MTU of 1280 or more" tap0 --user alice --mtu 1000 --address fd00::1/64
	run ns_links
	assert_output lo
	# the refusal on a device that already has one stays (exit 1, naming it)
	run_tunown -0 add tap0 --user alice --address fd00::1/64
	run_tunown -1 add tap0 --mtu 1000
	assert_output --partial "fd00::1/64"
	assert_equal "$(link_field tap0 .mtu)" 1500
	assert_equal "$(addrs_of tap0)" "fd00::1/64"
}

@test "ipv6: the kernel's refusal of an address is explained from the device's real MTU" {
	# The file says no MTU, the device has 1200 from 'ip': the hint tests 1200.
	run_tunown -0 add tap0 --user alice
	in_ns ip link set tap0 mtu 1200
	run_tunown -1 add tap0 --address fd00::1/64
	assert_output --partial "IPv6 needs an MTU of 1280 or more"
	# and not when the device's MTU is fine: IPv6 turned off is another cause
	run_tunown -0 add tap1 --user alice
	in_ns sysctl -q -w net.ipv6.conf.tap1.disable_ipv6=1
	run_tunown -1 add tap1 --address fd00::1/64
	assert_output --partial "cannot add address 'fd00::1/64' to 'tap1'"
	refute_output --partial "1280"
}

# ---- addresses the kernel does not keep ----

@test "addresses: unspecified, prefix 0, multicast and loopback are refused by add, naming why" {
	refused_add 0.0.0.0/24 "the unspecified address" tap0 --user alice --address 0.0.0.0/24
	refused_add ::/64 "the unspecified address" tap0 --user alice --address ::/64
	refused_add 10.9.9.9/0 "prefix length 0" tap0 --user alice --address 10.9.9.9/0
	refused_add fd00::1/0 "prefix length 0" tap0 --user alice --address fd00::1/0
	refused_add 224.0.0.5/24 "multicast" tap0 --user alice --address 224.0.0.5/24
	refused_add ff02::1/64 "multicast" tap0 --user alice --address ff02::1/64
	refused_add 127.0.0.2/8 "loopback" tap0 --user alice --address 127.0.0.2/8
	refused_add ::1/128 "loopback" tap0 --user alice --address ::1/128
}

@test "addresses: the same in a file is FILE:LINE, in the dry run too" {
	local a why
	for a in "0.0.0.0/24:unspecified" "::/64:unspecified" "10.9.9.9/0:prefix length 0" \
		"239.1.1.1/32:multicast" "ff05::2/64:multicast" "127.0.0.1/8:loopback" "::1/128:loopback"; do
		why=${a##*:}
		a=${a%:*}
		printf '[tap0]\nuser = alice\naddress = 10.0.0.1/24\naddress = %s\n' "$a" >"$CONF/bad.conf"
		refused_file 4 "address '$a': "
		assert_contains "$stderr" "$why"
	done
}

@test "routes: default routes 0.0.0.0/0 and ::/0 are still taken, by add and by a file" {
	run_tunown -0 add tun0 --user alice --address 10.8.0.1/24 --address fd08::1/64 \
		--route 0.0.0.0/0 --route ::/0
	run in_ns ip -j route show dev tun0 default
	assert_equal "$(jq length <<<"$output")" 1
	run in_ns ip -6 -j route show dev tun0 default
	assert_equal "$(jq length <<<"$output")" 1
	printf '[tun1]\nuser = alice\naddress = 10.9.0.1/24\nroute = 0.0.0.0/0,metric=50\n' >"$CONF/r.conf"
	run_tunown -0 apply --dry-run "$CONF/r.conf"
	assert_output "tun1: would create"
	run_tunown -0 apply "$CONF/r.conf"
	assert_output "tun1: created"
	run in_ns ip -j route show dev tun1 default
	assert_equal "$(jq -r '.[0].metric' <<<"$output")" 50
}
