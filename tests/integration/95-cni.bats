#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tunown as a CNI plugin, driven exactly as a runtime drives it: CNI_*
# variables in the environment, the network configuration on stdin, the
# result or the spec's error object on stdout. The pod is $NS, the runtime
# is the sandbox's own namespace.

load ../lib/common

setup() {
	setup_ns
	POD=/run/netns/$NS
	CID=c1
	IFN=tap0
	# host-local keeps its leases under /var/lib/cni: a private tmpfs here.
	mkdir -p /var/lib/cni
	mount -t tmpfs -o mode=0755 tunown-cni /var/lib/cni
}

teardown() {
	umount /var/lib/cni 2>/dev/null || true
	teardown_ns
}

conf() {
	printf '{"cniVersion":"%s","name":"vms","type":"tunown"%s}' "${VER:-1.0.0}" "${1:+,$1}"
}

# cni COMMAND CONF [VAR=VALUE...]: one plugin run; $output is stdout, $stderr stderr.
cni() {
	local cmd=$1 c=$2
	shift 2
	echo "\$ CNI_COMMAND=$cmd $* tunown <<< $c"
	run --separate-stderr env -i PATH="$PATH" CNI_COMMAND="$cmd" CNI_CONTAINERID="$CID" \
		CNI_NETNS="$POD" CNI_IFNAME="$IFN" CNI_PATH=/usr/lib/cni "$@" "$TUNOWN" <<<"$c"
	echo "status $status: $output"
	[ -z "$stderr" ] || echo "stderr: $stderr"
}

# cni_error CODE TEXT: the last run failed with that code and a msg holding TEXT.
cni_error() {
	assert_failure
	assert_equal "$(jq -r .code <<<"$output")" "$1"
	assert_contains "$(jq -r .msg <<<"$output")" "$2"
}

@test "ADD makes an owned tap in the pod namespace and says so; CHECK passes; DEL removes it" {
	local c
	c=$(conf '"user":"alice","mtu":1400,"mac":"02:00:00:00:00:07","addresses":["10.7.0.1/24"]')
	cni ADD "$c"
	assert_success
	assert_equal "$(jq -r '.interfaces[0].name' <<<"$output")" tap0
	assert_equal "$(jq -r '.interfaces[0].mac' <<<"$output")" 02:00:00:00:00:07
	assert_equal "$(jq -r '.interfaces[0].sandbox' <<<"$output")" "$POD"
	assert_equal "$(jq -r '.ips[0].address' <<<"$output")" 10.7.0.1/24
	assert_equal "$(jq -r '.ips[0].interface' <<<"$output")" 0
	assert_equal "$(link_field tap0 .linkinfo.info_data.user)" alice
	assert_equal "$(link_field tap0 .ifalias)" tunown
	assert_equal "$(link_field tap0 .mtu)" 1400
	assert_equal "$(link_field tap0 .address)" 02:00:00:00:00:07
	local prev=$output
	cni CHECK "${c%\}},\"prevResult\":$prev}"
	assert_success
	assert_output ""
	cni DEL "$c"
	assert_success
	run ns_links
	assert_output lo
}

@test "an unprivileged uid attaches to the pod's tap inside the pod namespace, another uid is refused" {
	cni ADD "$(conf '"user":"alice","group":"kvm","vnetHdr":true')"
	assert_success
	run_attach alice tap0 --vnet-hdr
	assert_success
	assert_output ok
	run_attach carol tap0 --vnet-hdr
	assert_failure
	assert_output --partial EPERM
}

@test "DEL twice, DEL with an empty CNI_NETNS, DEL with a vanished namespace: all succeed" {
	local c
	c=$(conf '"anyUser":true')
	cni DEL "$c"
	assert_success
	cni ADD "$c"
	assert_success
	cni DEL "$c"
	assert_success
	cni DEL "$c"
	assert_success
	cni ADD "$c"
	assert_success
	cni DEL "$c" CNI_NETNS=
	assert_success
	cni ADD "$c"
	assert_success
	ip netns del "$NS"
	cni DEL "$c"
	assert_success
	ip netns add "$NS"
	cni DEL "$c" CNI_NETNS=
	assert_success
	run ls /run/tunown/cni/vms
	assert_output ""
}

@test "ADD on a taken name fails with code 101 and leaves that interface alone, also through the DEL that follows" {
	in_ns ip tuntap add dev tap0 mode tap user bob
	in_ns ip link set tap0 mtu 1300
	local before
	before=$(ns_state)
	cni ADD "$(conf '"user":"alice"')"
	cni_error 101 "'tap0' exists already"
	cni DEL "$(conf '"user":"alice"')"
	assert_success
	assert_equal "$(ns_state)" "$before"
	# Nor is a device tunown made itself taken over.
	in_ns "$TUNOWN" add tap1 --user alice >/dev/null
	IFN=tap1 cni ADD "$(conf '"user":"alice"')"
	cni_error 101 "'tap1' exists already"
	IFN=tap1 cni DEL "$(conf '"user":"alice"')"
	assert_success
	run ns_links
	assert_output "$(printf 'lo\ntap0\ntap1')"
}

@test "CHECK after drift: the code is 104 and the message names what differs" {
	local c prev
	c=$(conf '"user":"alice","mtu":1400,"addresses":["10.8.0.1/24"]')
	cni ADD "$c"
	assert_success
	prev=$output
	in_ns ip link set tap0 mtu 1300
	cni CHECK "${c%\}},\"prevResult\":$prev}"
	cni_error 104 "MTU is 1300, configured 1400"
	in_ns ip link set tap0 mtu 1400
	in_ns "$TUNOWN" add tap0 --user bob
	cni CHECK "${c%\}},\"prevResult\":$prev}"
	cni_error 104 "owner is bob (1002), configured alice (1001)"
	in_ns "$TUNOWN" add tap0 --user alice
	in_ns ip addr del 10.8.0.1/24 dev tap0
	in_ns ip link set tap0 down
	cni CHECK "${c%\}},\"prevResult\":$prev}"
	cni_error 104 "the link is down; address 10.8.0.1/24 is missing"
	in_ns ip link del tap0
	cni CHECK "${c%\}},\"prevResult\":$prev}"
	cni_error 104 "no such interface"
	# CHECK without prevResult is a bad configuration.
	cni CHECK "$c"
	cni_error 7 "prevResult"
}

@test "chained: prevResult passes through with our interface appended, the name from ifName" {
	local prev='{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","mac":"02:11:11:11:11:11","sandbox":"'$POD'"}],"ips":[{"address":"10.9.0.2/24","interface":0}],"routes":[{"dst":"0.0.0.0/0","gw":"10.9.0.1"}],"dns":{"nameservers":["10.9.0.1"]}}'
	local c
	c=$(conf '"user":"alice","ifName":"vm0","addresses":["10.10.0.1/30"],"prevResult":'"$prev")
	IFN=eth0 cni ADD "$c"
	assert_success
	assert_equal "$(jq -c '[.interfaces[].name]' <<<"$output")" '["eth0","vm0"]'
	assert_equal "$(jq -c '[.ips[] | [.address, .interface]]' <<<"$output")" '[["10.9.0.2/24",0],["10.10.0.1/30",1]]'
	assert_equal "$(jq -r '.dns.nameservers[0]' <<<"$output")" 10.9.0.1
	assert_equal "$(jq -r '.routes[0].gw' <<<"$output")" 10.9.0.1
	local res=$output
	IFN=eth0 cni CHECK "$(conf '"user":"alice","ifName":"vm0","addresses":["10.10.0.1/30"],"prevResult":'"$res")"
	assert_success
	IFN=eth0 cni DEL "$c"
	assert_success
	run ns_links
	assert_output lo
}

@test "VERSION answers whatever CNI_NETNS says, and lists the versions whose results tunown makes" {
	cni VERSION '{"cniVersion":"1.1.0"}' CNI_NETNS=bogus CNI_IFNAME= CNI_CONTAINERID=
	assert_success
	assert_equal "$(jq -c .supportedVersions <<<"$output")" '["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]'
	# A 0.4.0 result carries each address's version; 1.1.0 the interface's MTU.
	cni ADD "$(VER=0.4.0 conf '"anyUser":true,"addresses":["10.1.0.1/24","fd00::1/64"]')"
	assert_success
	assert_equal "$(jq -c '[.ips[].version]' <<<"$output")" '["4","6"]'
	cni DEL "$(conf '"anyUser":true')"
	cni ADD "$(VER=1.1.0 conf '"anyUser":true,"mode":"tun","mtu":1280')"
	assert_success
	assert_equal "$(jq -r '.interfaces[0].mtu' <<<"$output")" 1280
	assert_equal "$(jq -r '.interfaces[0].mac' <<<"$output")" null
	assert_equal "$(link_field tap0 .linkinfo.info_data.type)" tun
}

@test "GC removes the devices of attachments in neither list, and only tunown's" {
	local c
	c=$(VER=1.1.0 conf '"anyUser":true')
	CID=a VER=1.1.0 cni ADD "$c"
	CID=b IFN=tap1 VER=1.1.0 cni ADD "$c"
	CID=c IFN=tap2 VER=1.1.0 cni ADD "$c"
	in_ns ip tuntap add dev tap3 mode tap
	CID= IFN= VER=1.1.0 cni GC "$(VER=1.1.0 conf '"anyUser":true,"cni.dev/valid-attachments":[{"containerID":"a","ifname":"tap0"}],"cni.dev/attachments":[{"containerID":"c","ifname":"tap2"}]')"
	assert_success
	run ns_links
	assert_output "$(printf 'lo\ntap0\ntap2\ntap3')"
	CID= IFN= VER=1.1.0 cni GC "$(VER=1.1.0 conf '"anyUser":true,"cni.dev/valid-attachments":[]')"
	assert_success
	run ns_links
	assert_output "$(printf 'lo\ntap3')"
	# GC is a 1.1.0 command.
	CID= IFN= cni GC "$(conf '"anyUser":true')"
	cni_error 1 "has no GC"
}

@test "STATUS: ready while /dev/net/tun opens, code 50 otherwise" {
	CID= IFN= VER=1.1.0 cni STATUS "$(VER=1.1.0 conf '"anyUser":true')"
	assert_success
	CID= IFN= VER=1.1.0 cni STATUS "$(VER=1.1.0 conf '"anyUser":true')" TUNOWN_TUN_PATH=/nonexistent/tun
	cni_error 50 "/nonexistent/tun"
}

@test "bad input: the code, one clear message naming the value, and nothing left behind" {
	local before
	before=$(ns_state)
	cni ADD '{"cniVersion":"1.0.0",'
	cni_error 6 "not JSON"
	cni ADD "$(conf '"user":"alice","mtuu":1400')"
	cni_error 2 "unknown key 'mtuu'"
	cni ADD "$(conf '"user":"alice","mtu":"big"')"
	cni_error 7 "'mtu': must be a number"
	cni ADD "$(conf '"user":"nosuchuser"')"
	cni_error 102 "user 'nosuchuser': no such user"
	cni ADD "$(conf '"group":"nosuchgroup"')"
	cni_error 102 "group 'nosuchgroup': no such group"
	cni ADD "$(conf '"user":"alice","mtu":70000')"
	cni_error 103 "MTU '70000'"
	cni ADD "$(conf '"user":"alice","mtu":65535')"
	cni_error 103 "outside"
	cni ADD "$(conf '"user":"alice","mac":"01:00:00:00:00:01"')"
	cni_error 7 "MAC '01:00:00:00:00:01'"
	cni ADD "$(conf '"user":"alice","addresses":["10.0.0.1/33"]')"
	cni_error 7 "address '10.0.0.1/33'"
	cni ADD "$(conf)"
	cni_error 7 "needs an owner"
	cni ADD "$(VER=9.9.9 conf '"user":"alice"')"
	cni_error 1 "cniVersion '9.9.9'"
	cni ADD "$(conf '"user":"alice"')" CNI_IFNAME=
	cni_error 4 "CNI_IFNAME"
	cni ADD "$(conf '"user":"alice"')" CNI_CONTAINERID=../x
	cni_error 4 "CNI_CONTAINERID '../x'"
	cni ADD "$(conf '"user":"alice"')" CNI_NETNS=/run/netns/nosuchns
	cni_error 3 "does not exist"
	cni ADD "$(conf '"user":"alice"')" CNI_ARGS="FOO=bar"
	cni_error 4 "unknown key 'FOO'"
	cni ADD "$(conf '"user":"alice"')" CNI_COMMAND=FROB
	cni_error 4 "CNI_COMMAND 'FROB'"
	cni ADD "$(conf '"user":"alice","bridge":"nobr0"')"
	cni_error 100 "bridge 'nobr0': no such interface"
	assert_equal "$(ns_state)" "$before"
	run ls /run/tunown/cni/vms
	assert_output ""
}

@test "the lock: ADD waits for another run, and after 5 s says try again later (code 11)" {
	flock /run/tunown.lock sleep 7 &
	local holder=$!
	# Not a fixed sleep: on a loaded machine flock(1) may take longer to start.
	assert_equal "$(wait_flock /run/tunown.lock)" "$holder"
	cni ADD "$(conf '"user":"alice"')"
	cni_error 11 "try again later"
	# The holder is named: flock(1), which took the lock.
	assert_output --partial "(pid $holder, flock /run/tunown.lock)"
	wait $holder
	run ns_links
	assert_output lo
}

@test "CNI_ARGS MAC and IP in any order with K8S_POD_* and IgnoreUnknown; runtimeConfig.mac wins" {
	cni ADD "$(conf '"user":"alice"')" CNI_ARGS="K8S_POD_NAMESPACE=default;IP=10.3.0.5/24,fd03::5/64;FOO=1;MAC=02:00:00:00:00:aa;IgnoreUnknown=1;K8S_POD_NAME=vm"
	assert_success
	assert_equal "$(link_field tap0 .address)" 02:00:00:00:00:aa
	assert_equal "$(jq -c '[.ips[].address]' <<<"$output")" '["10.3.0.5/24","fd03::5/64"]'
	run in_ns ip -j addr show dev tap0
	assert_output --partial 10.3.0.5
	IFN=tap1 cni ADD "$(conf '"user":"alice","mac":"02:00:00:00:00:01","runtimeConfig":{"mac":"02:00:00:00:00:bb"}')" CNI_ARGS="MAC=02:00:00:00:00:cc"
	assert_success
	assert_equal "$(link_field tap1 .address)" 02:00:00:00:00:bb
}

@test "ipam: host-local's address goes on the tap, its routes out of it; DEL releases the lease; a failed ADD does too" {
	[ -x /usr/lib/cni/host-local ] || skip "host-local is not installed (make deps: containernetworking-plugins)"
	local c
	c=$(conf '"user":"alice","ipam":{"type":"host-local","ranges":[[{"subnet":"10.20.0.0/24","gateway":"10.20.0.1"}]],"routes":[{"dst":"0.0.0.0/0"}]},"routes":[{"dst":"192.168.50.0/24"}]')
	cni ADD "$c"
	assert_success
	assert_equal "$(jq -r '.ips[0].address' <<<"$output")" 10.20.0.2/24
	assert_equal "$(jq -r '.ips[0].interface' <<<"$output")" 0
	local res=$output
	run in_ns ip -j addr show dev tap0
	assert_output --partial 10.20.0.2
	run in_ns ip route show dev tap0
	assert_output --partial "default via 10.20.0.1"
	assert_output --partial "192.168.50.0/24"
	ls /var/lib/cni/networks/vms | grep -qx 10.20.0.2
	cni CHECK "${c%\}},\"prevResult\":$res}"
	assert_success
	# Routes drift: a configured one taken away, one of tunown's added by hand.
	in_ns ip route del 192.168.50.0/24 dev tap0
	in_ns ip route add 192.168.60.0/24 dev tap0 proto 116
	cni CHECK "${c%\}},\"prevResult\":$res}"
	cni_error 104 "route 192.168.50.0/24 is missing"
	assert_contains "$(jq -r .msg <<<"$output")" "route 192.168.60.0/24 is not configured"
	in_ns ip route add 192.168.50.0/24 dev tap0 proto 116
	in_ns ip route del 192.168.60.0/24 dev tap0
	cni CHECK "${c%\}},\"prevResult\":$res}"
	assert_success
	cni DEL "$c"
	assert_success
	run ls /var/lib/cni/networks/vms
	refute_output --partial 10.20.0.2
	# MTU out of the device's range: the lease taken for it is given back.
	cni ADD "${c%\}},\"mtu\":65535}"
	cni_error 103 "outside"
	run ls /var/lib/cni/networks/vms
	refute_output --partial 10.20.0
	run ns_links
	assert_output lo
}

@test "bridge: the tap becomes a port of an existing bridge; CHECK sees it leave" {
	in_ns ip link add br0 type bridge
	local c
	c=$(conf '"user":"alice","bridge":"br0"')
	cni ADD "$c"
	assert_success
	assert_equal "$(link_field tap0 .master)" br0
	local prev=$output
	in_ns ip link set tap0 nomaster
	cni CHECK "${c%\}},\"prevResult\":$prev}"
	cni_error 104 "not a port of bridge 'br0'"
	in_ns ip link add d0 type veth peer name d1
	IFN=tap1 cni ADD "$(conf '"user":"alice","bridge":"d0"')"
	cni_error 7 "not a bridge"
}

@test "concurrent ADD and DEL of different containers all succeed" {
	local i c
	c=$(conf '"anyUser":true')
	for i in 0 1 2 3 4 5 6 7; do
		(CID=k$i IFN=tap$i cni ADD "$c" >/dev/null; [ "$status" = 0 ] || echo "ADD $i failed" >>"$BATS_TEST_TMPDIR/fail") &
	done
	wait
	[ ! -e "$BATS_TEST_TMPDIR/fail" ] || { cat "$BATS_TEST_TMPDIR/fail"; false; }
	run ns_links
	assert_equal "${#lines[@]}" 9
	for i in 0 1 2 3 4 5 6 7; do
		(CID=k$i IFN=tap$i cni DEL "$c" >/dev/null; [ "$status" = 0 ] || echo "DEL $i failed" >>"$BATS_TEST_TMPDIR/fail") &
	done
	wait
	[ ! -e "$BATS_TEST_TMPDIR/fail" ]
	run ns_links
	assert_output lo
}

@test "state that cannot be written: code 5, and the device and the IPAM lease are taken back" {
	[ -x /usr/lib/cni/host-local ] || skip "host-local is not installed (make deps: containernetworking-plugins)"
	mkdir -p /run/tunown
	rm -rf /run/tunown/cni
	touch /run/tunown/cni
	cni ADD "$(conf '"user":"alice","ipam":{"type":"host-local","subnet":"10.21.0.0/24"}')"
	cni_error 5 "cannot write the state of 'tap0'"
	run ns_links
	assert_output lo
	run ls /var/lib/cni/networks/vms
	refute_output --partial 10.21.0
	rm /run/tunown/cni
}

@test "DEL leaves a device of the same name that is not the one its ADD made" {
	local c
	c=$(conf '"user":"alice"')
	cni ADD "$c"
	assert_success
	# Someone replaced it: same name, tunown's alias even, another ifindex.
	in_ns "$TUNOWN" del tap0 >/dev/null
	in_ns "$TUNOWN" add tap0 --user bob >/dev/null
	cni DEL "$c"
	assert_success
	assert_equal "$(link_field tap0 .linkinfo.info_data.user)" bob
	# And a DEL whose CNI_NETNS is another namespace than the ADD's touches nothing there.
	IFN=tap5 cni ADD "$c"
	assert_success
	ip netns add "$NS-x"
	IFN=tap5 cni DEL "$c" CNI_NETNS="/run/netns/$NS-x"
	assert_success
	ip netns del "$NS-x"
	assert_equal "$(link_field tap5 .linkinfo.info_data.user)" alice
}
