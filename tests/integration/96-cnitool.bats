#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# A real CNI caller: cnitool, the reference CLI on libcni (built by
# tests/lib/build-cnitool from Debian's source package before the suite
# runs), with tunown in CNI_PATH beside Debian's containernetworking-plugins:
# alone with host-local IPAM, chained after ptp and after loopback, and the
# README's example conflist as written. libcni caches results in
# /var/lib/cni, host-local keeps leases there: a private tmpfs here.

load ../lib/common

PLUGINS=/usr/lib/cni

setup() {
	local dir=${TUNOWN_CNITOOL:-$SRC_ROOT/build/cnitool}
	CNITOOL=$dir/cnitool
	if [ ! -x "$CNITOOL" ]; then
		skip "no cnitool: $(cat "$dir/skip" 2>/dev/null || echo "run make check, which builds it")"
	fi
	[ -x $PLUGINS/ptp ] && [ -x $PLUGINS/host-local ] && [ -x $PLUGINS/loopback ] ||
		skip "containernetworking-plugins is not installed (make deps)"
	setup_ns
	POD=/run/netns/$NS
	mkdir -p /var/lib/cni
	mount -t tmpfs -o mode=0755 tunown-cni /var/lib/cni
	NETCONFPATH=$BATS_TEST_TMPDIR/net.d
	BIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$NETCONFPATH" "$BIN"
	ln -s "$TUNOWN" "$BIN/tunown"
	export NETCONFPATH CNI_PATH=$BIN:$PLUGINS
}

teardown() {
	umount /var/lib/cni 2>/dev/null || true
	teardown_ns
}

# cnitool add|check|del NETWORK, with the pod namespace.
cnitool() {
	echo "\$ cnitool $1 $2 $POD (CNI_IFNAME=${CNI_IFNAME:-eth0})"
	run --separate-stderr "$CNITOOL" "$1" "$2" "$POD"
	echo "status $status: $output"
	[ -z "$stderr" ] || echo "stderr: $stderr"
}

@test "cnitool: tunown alone with host-local IPAM, ADD, CHECK, DEL; runtimeConfig.mac from CAP_ARGS" {
	cat >"$NETCONFPATH/10-vms.conflist" <<-'EOF2'
	{ "cniVersion": "1.0.0", "name": "vms", "plugins": [
	  { "type": "tunown", "user": "alice", "mtu": 1400, "capabilities": { "mac": true },
	    "ipam": { "type": "host-local", "subnet": "10.40.0.0/24", "routes": [ { "dst": "10.41.0.0/16" } ] } } ] }
	EOF2
	export CNI_IFNAME=tap0 CAP_ARGS='{"mac":"02:00:00:00:40:01"}'
	cnitool add vms
	assert_success
	assert_equal "$(jq -r '.interfaces[0].name' <<<"$output")" tap0
	assert_equal "$(jq -r '.ips[0].address' <<<"$output")" 10.40.0.2/24
	assert_equal "$(link_field tap0 .linkinfo.info_data.user)" alice
	assert_equal "$(link_field tap0 .mtu)" 1400
	assert_equal "$(link_field tap0 .address)" 02:00:00:00:40:01
	run in_ns ip route show dev tap0
	assert_output --partial "10.41.0.0/16 via 10.40.0.1"
	run_attach alice tap0
	assert_success
	run_attach bob tap0
	assert_failure
	cnitool check vms
	assert_success
	in_ns ip link set tap0 mtu 1300
	cnitool check vms
	assert_failure
	assert_contains "$stderr$output" "MTU is 1300, configured 1400"
	cnitool del vms
	assert_success
	run ns_links
	assert_output lo
	run ls /var/lib/cni/networks/vms
	refute_output --partial 10.40.0.2
}

@test "cnitool: chained after ptp with host-local, the tap under its own name" {
	cat >"$NETCONFPATH/10-pod.conflist" <<-'EOF2'
	{ "cniVersion": "1.0.0", "name": "pod", "plugins": [
	  { "type": "ptp", "ipam": { "type": "host-local", "subnet": "10.50.0.0/24" } },
	  { "type": "tunown", "ifName": "tap0", "group": "carol" } ] }
	EOF2
	# (No addresses on the tap here: ptp's CHECK wants every container-side
	# address of the result on its own interface, which a chained plugin's are not.)
	export CNI_IFNAME=eth0
	cnitool add pod
	assert_success
	assert_equal "$(jq -c '[.interfaces[] | select(.sandbox) | .name]' <<<"$output")" '["eth0","tap0"]'
	assert_equal "$(jq -r '.ips[0].address' <<<"$output")" 10.50.0.2/24
	assert_equal "$(link_field tap0 .linkinfo.info_data.group)" carol
	assert_equal "$(link_field eth0 .linkinfo.info_kind)" veth
	cnitool check pod
	assert_success
	cnitool del pod
	assert_success
	run ns_links
	assert_output lo
}

@test "cnitool: chained after loopback" {
	cat >"$NETCONFPATH/10-lo.conflist" <<-'EOF2'
	{ "cniVersion": "1.0.0", "name": "lonet", "plugins": [
	  { "type": "loopback" },
	  { "type": "tunown", "anyUser": true, "mode": "tun" } ] }
	EOF2
	export CNI_IFNAME=tun0
	in_ns ip link set lo down
	cnitool add lonet
	assert_success
	assert_equal "$(link_field lo .operstate)" UNKNOWN
	assert_equal "$(link_field tun0 .linkinfo.info_data.type)" tun
	cnitool check lonet
	assert_success
	cnitool del lonet
	assert_success
	run ns_links
	assert_output lo
}

@test "cnitool: the README's example conflist works as written" {
	readme_block cni-example >"$NETCONFPATH/10-readme.conflist"
	[ -s "$NETCONFPATH/10-readme.conflist" ]
	local name
	name=$(jq -r .name "$NETCONFPATH/10-readme.conflist")
	export CNI_IFNAME=eth0
	cnitool add "$name"
	assert_success
	assert_equal "$(link_field tap0 .linkinfo.info_data.user)" 107
	assert_equal "$(link_field tap0 .linkinfo.info_data.vnet_hdr)" true
	cnitool check "$name"
	assert_success
	cnitool del "$name"
	assert_success
	run ns_links
	assert_output lo
}
