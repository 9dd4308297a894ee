#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Routes through a device (add --route, apply's route =) and the IPv6
# address options nodad and noprefixroute, read back from the kernel.

load ../lib/common

setup() { setup_conf_ns; }
teardown() { teardown_ns; }

# tunown's routes through DEV: "DST via GW metric N" one a line, sorted (IPv4 and IPv6).
routes_of() {
	{
		in_ns ip -j -4 route show dev "$1" proto 116
		in_ns ip -j -6 route show dev "$1" proto 116
	} | jq -r '.[] | "\(.dst) via \(.gateway // "-") metric \(.metric // 0)"' | sort
}

# Every route through DEV that is not tunown's, to see they are left alone.
other_routes() {
	{
		in_ns ip -j -4 route show table all dev "$1"
		in_ns ip -j -6 route show table all dev "$1"
	} | jq -r '.[] | select(.protocol != "116") | "\(.dst) \(.protocol // "-") \(.table // "main")"' | sort
}

@test "add --route: IPv4 and IPv6 routes, on-link and via a gateway, with a metric" {
	run_tunown add tap0 --user alice --address 10.0.0.1/24 --address fd00::1/64,nodad \
		--route 10.1.0.0/16 --route 10.2.0.0/16,via=10.0.0.2,metric=100 \
		--route fd01::/64,via=fd00::2 --route 192.168.7.0/24,metric=5
	assert_success
	assert_output "tap0: created"
	run routes_of tap0
	assert_output "$(printf '%s\n' \
		'10.1.0.0/16 via - metric 0' \
		'10.2.0.0/16 via 10.0.0.2 metric 100' \
		'192.168.7.0/24 via - metric 5' \
		'fd01::/64 via fd00::2 metric 1024' | sort)"
	# The kernel's own routes for the addresses are there and not tunown's.
	run other_routes tap0
	assert_output --partial "10.0.0.0/24 kernel main"
	assert_output --partial "fd00::/64 kernel main"
}

@test "add --route on an existing device adds the route only, and once" {
	run_tunown add tap0 --user alice --address 10.0.0.1/24
	assert_success
	run_tunown add tap0 --user alice --route 10.9.0.0/16,via=10.0.0.7
	assert_success
	assert_output "tap0: changed (routes)"
	run_tunown add tap0 --user alice --route 10.9.0.0/16,via=10.0.0.7
	assert_output "tap0: unchanged"
	run routes_of tap0
	assert_output "10.9.0.0/16 via 10.0.0.7 metric 0"
	[ "$(link_field tap0 .linkinfo.info_data.user)" = alice ] || [ "$(link_field tap0 .linkinfo.info_data.user)" = 1001 ]
}

@test "add --route: an unreachable gateway is the kernel's word, exit 2, and no device is left" {
	run_tunown -2 add tap0 --user alice --address 10.0.0.1/24 --route 10.1.0.0/16,via=192.168.99.1
	assert_output --partial "cannot add route '10.1.0.0/16,via=192.168.99.1' to 'tap0'"
	# Before Linux 4.12 the kernel gives no text, only the errno.
	if old_kernel; then
		assert_output --partial "Network is unreachable"
	else
		assert_output --partial "Nexthop has invalid gateway"
	fi
	run in_ns ip link show tap0
	assert_failure
}

@test "add --route: an unreachable gateway on an existing device changes nothing" {
	run_tunown add tap0 --user alice --address 10.0.0.1/24 --route 10.1.0.0/16
	assert_success
	before=$(routes_of tap0)
	run_tunown -2 add tap0 --user alice --address 10.5.0.1/24 --route 10.3.0.0/16,via=172.16.0.1
	assert_output --partial "cannot add route '10.3.0.0/16,via=172.16.0.1' to 'tap0'"
	[ "$(routes_of tap0)" = "$before" ]
	run in_ns ip -j addr show dev tap0
	[[ $output != *10.5.0.1* ]]
}

@test "add --route: bad routes are refused with exit 2 and nothing made" {
	local bad
	for bad in 10.1.0.0/33 10.1.0.1/16 not-an-address 10.1.0.0/16,via=fd00::1 \
		fd00::/64,via=10.0.0.1 10.1.0.0/16,metric=-1 10.1.0.0/16,metric=4294967296 \
		10.1.0.0/16,via=10.0.0.1,via=10.0.0.2 10.1.0.0/16,proto=boot 10.1.0.0/16, ; do
		run_tunown -2 add tap0 --user alice --address 10.0.0.1/24 --route "$bad"
		assert_output --partial "route '$bad'"
	done
	run_tunown -2 add tap0 --user alice --route 10.1.0.0/16 --down
	assert_output --partial "routes"
	run in_ns ip link show tap0
	assert_failure
}

@test "add --address: bad options are refused with exit 2" {
	run_tunown -2 add tap0 --user alice --address 10.0.0.1/24,nodad
	assert_output --partial "nodad is for IPv6"
	run_tunown -2 add tap0 --user alice --address fd00::1/64,fast
	assert_output --partial "unknown option"
	run in_ns ip link show tap0
	assert_failure
}

@test "a nodad address is not tentative on a tap no program holds; without it, it is" {
	run_tunown add tap0 --user alice --address fd00::1/64,nodad --address fd00::2/64
	assert_success
	run in_ns ip -j -6 addr show dev tap0
	echo "$output" | jq -e '.[0].addr_info[] | select(.local == "fd00::1") | (.tentative // false) == false and (.nodad // false) == true'
	echo "$output" | jq -e '.[0].addr_info[] | select(.local == "fd00::2") | .tentative == true'
	# Usable at once: a daemon can bind to it.
	in_ns python3 -c 'import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("fd00::1", 5353))'
	run ! in_ns python3 -c 'import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("fd00::2", 5353))'
}

@test "noprefixroute: no kernel route for the address's prefix" {
	run_tunown add tap0 --user alice --address fd00::1/64,nodad,noprefixroute --address 10.0.0.1/24,noprefixroute \
		--route 10.0.0.0/24
	assert_success
	run other_routes tap0
	refute_output --partial "fd00::/64"
	refute_output --partial "10.0.0.0/24 kernel"
	run routes_of tap0
	assert_output "10.0.0.0/24 via - metric 0"
}

@test "apply: routes become exactly the file's, and other routes are left alone" {
	cat >"$CONF/t.conf" <<-'EOF2'
		[tap0]
		user = alice
		address = 10.0.0.1/24
		address = fd00::1/64,nodad
		route = 10.1.0.0/16
		route = 10.2.0.0/16,via=10.0.0.2,metric=10
		route = fd01::/48,via=fd00::9
	EOF2
	run_tunown apply "$CONF/t.conf"
	assert_success
	assert_output "tap0: created"
	run routes_of tap0
	assert_output "$(printf '%s\n' '10.1.0.0/16 via - metric 0' '10.2.0.0/16 via 10.0.0.2 metric 10' 'fd01::/48 via fd00::9 metric 1024' | sort)"
	# A route someone else put there (another protocol number) stays.
	in_ns ip route add 10.50.0.0/16 dev tap0 proto static
	run_tunown apply "$CONF/t.conf"
	assert_output "tap0: unchanged"
	# A changed gateway, a dropped route, a new one.
	cat >"$CONF/t.conf" <<-'EOF2'
		[tap0]
		user = alice
		address = 10.0.0.1/24
		address = fd00::1/64,nodad
		route = 10.2.0.0/16,via=10.0.0.3,metric=10
		route = 10.4.0.0/16
	EOF2
	run_tunown apply --dry-run "$CONF/t.conf"
	assert_output "tap0: would change (routes)"
	run_tunown apply "$CONF/t.conf"
	assert_output "tap0: changed (routes)"
	run routes_of tap0
	assert_output "$(printf '%s\n' '10.2.0.0/16 via 10.0.0.3 metric 10' '10.4.0.0/16 via - metric 0' | sort)"
	run in_ns ip -j route show 10.50.0.0/16
	[ "$(jq -r '.[0].protocol' <<<"$output")" = static ]
	# Every route dropped from the file goes.
	cat >"$CONF/t.conf" <<-'EOF2'
		[tap0]
		user = alice
		address = 10.0.0.1/24
		address = fd00::1/64,nodad
	EOF2
	run_tunown apply "$CONF/t.conf"
	assert_output "tap0: changed (routes)"
	run routes_of tap0
	assert_output ""
	run other_routes tap0
	assert_output --partial "10.0.0.0/24 kernel main"
	assert_output --partial "10.50.0.0/16 static main"
}

@test "apply: a route the kernel refuses rolls that device back, routes included" {
	cat >"$CONF/t.conf" <<-'EOF2'
		[tap0]
		user = alice
		address = 10.0.0.1/24
		route = 10.1.0.0/16
	EOF2
	run_tunown apply "$CONF/t.conf"
	assert_success
	cat >"$CONF/t.conf" <<-'EOF2'
		[tap0]
		user = alice
		address = 10.0.0.1/24
		route = 10.3.0.0/16
		route = 10.2.0.0/16,via=192.168.5.5
	EOF2
	run_tunown -1 apply "$CONF/t.conf"
	assert_output --partial "t.conf:1: cannot add route '10.2.0.0/16,via=192.168.5.5' to 'tap0'"
	run routes_of tap0
	assert_output "10.1.0.0/16 via - metric 0"
}

@test "the file: bad route and address values name the line" {
	cat >"$CONF/t.conf" <<-'EOF2'
		[tap0]
		user = alice
		route = 10.1.0.1/16
		route = fd00::/64,via=10.0.0.1
		address = 10.0.0.1/24,nodad
		route = 10.7.0.0/16
		route = 10.7.0.0/16
	EOF2
	run_tunown -2 apply "$CONF/t.conf"
	assert_output --partial "t.conf:3: route '10.1.0.1/16': has bits set past its prefix length"
	assert_output --partial "t.conf:4: route 'fd00::/64,via=10.0.0.1': via=: an IPv4 gateway for an IPv6 route"
	assert_output --partial "t.conf:5: address '10.0.0.1/24,nodad': nodad is for IPv6"
	assert_output --partial "t.conf:7: route '10.7.0.0/16': listed twice"
	run in_ns ip link show tap0
	assert_failure
}

@test "list, show and --json print tunown's routes" {
	run_tunown add tap0 --user alice --address 10.0.0.1/24 --address fd00::1/64,nodad \
		--route 10.1.0.0/16 --route fd01::/48,via=fd00::2,metric=7
	assert_success
	run_tunown show tap0
	assert_output --partial "routes: 10.1.0.0/16 fd01::/48,via=fd00::2,metric=7"
	run_tunown show tap0 --json
	[ "$(jq -c '.routes' <<<"$output")" = '[{"dst":"10.1.0.0/16","via":null,"metric":0},{"dst":"fd01::/48","via":"fd00::2","metric":7}]' ]
	run_tunown list --json
	[ "$(jq -c '.[] | select(.name == "tap0") | [.routes[].dst]' <<<"$output")" = '["10.1.0.0/16","fd01::/48"]' ]
	# The kernel's routes for the addresses are not tunown's and are not listed.
	[[ "$(jq -c '.[0].routes' <<<"$(in_ns "$TUNOWN" show tap0 --json | jq -s .)")" != *10.0.0.0/24* ]]
}
