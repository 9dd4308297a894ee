#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Convergence that keeps its word: the addresses end as the file or the
# command line says whatever the kernel drops on its own (secondaries, IPv6
# below 1280), peers and prefixes count, the flags each attacher sets are
# left to it, a dry run refuses what the real run refuses, and add changes
# only what it names. Every check reads the kernel (ip -j).

load ../lib/common

setup() { setup_conf_ns; }
teardown() { teardown_ns; }

# Every address of DEV but the kernel's own link-local one, "ADDR/PREFIX"
# or "ADDR peer PEER/PREFIX", one a line, sorted.
addrs_of() {
	in_ns ip -j addr show dev "$1" |
		jq -r '.[0].addr_info[] | select((.["stable-privacy"] // false) | not)
			| if .address then "\(.local) peer \(.address)/\(.prefixlen)" else "\(.local)/\(.prefixlen)" end' |
		grep -v -E '^fe80::[0-9a-f]*:[0-9a-f]*ff:fe[0-9a-f]*:[0-9a-f]*/64$' | sort || true
}

promote() {
	in_ns sysctl -q -w "net.ipv4.conf.all.promote_secondaries=$1" "net.ipv4.conf.default.promote_secondaries=$1"
}

# ---- item 1: secondaries ----

secondary_case() {
	promote "$1"
	printf '[taps]\nuser = alice\naddress = 10.30.0.1/24\naddress = 10.30.0.2/24\naddress = 10.30.0.3/24\n' >"$CONF/s1.conf"
	printf '[taps]\nuser = alice\naddress = 10.30.0.2/24\naddress = 10.30.0.3/24\n' >"$CONF/s2.conf"
	run_tunown -0 apply "$CONF/s1.conf"
	[ "$(in_ns sysctl -n net.ipv4.conf.taps.promote_secondaries)" = "$1" ]
	run_tunown -0 apply "$CONF/s2.conf"
	assert_output "taps: changed (addresses)"
	run addrs_of taps
	assert_output "10.30.0.2/24
10.30.0.3/24"
	run_tunown -0 apply "$CONF/s2.conf"
	assert_output "taps: unchanged"
}

@test "apply: removing the primary keeps the secondaries the file lists (promote_secondaries 0)" {
	secondary_case 0
}

@test "apply: removing the primary keeps the secondaries the file lists (promote_secondaries 1)" {
	secondary_case 1
}

rollback_case() {
	promote "$1"
	run_tunown -0 add taps --user alice --address 10.30.0.1/24 --address 10.30.0.2/24
	local before
	before=$(addrs_of taps)
	# IPv6 off on the device: the last address fails, after the primary went.
	in_ns sysctl -q -w net.ipv6.conf.taps.disable_ipv6=1
	printf '[taps]\nuser = alice\naddress = 10.30.0.9/24\naddress = 10.30.0.2/24\naddress = fd00::9/64\n' >"$CONF/r.conf"
	run_tunown -1 apply "$CONF/r.conf"
	assert_output --partial "cannot add address 'fd00::9/64' to 'taps'"
	assert_equal "$(addrs_of taps)" "$before"
}

@test "apply: a rollback puts back primary and secondary (promote_secondaries 0)" {
	rollback_case 0
}

@test "apply: a rollback puts back primary and secondary (promote_secondaries 1)" {
	rollback_case 1
}

@test "add: an address given again with another prefix replaces it, secondaries kept" {
	promote 0
	run_tunown -0 add taps --user alice --address 10.30.0.1/24 --address 10.30.0.2/24
	run_tunown -0 add taps --address 10.30.0.1/16
	assert_output "taps: changed (addresses)"
	run addrs_of taps
	assert_output "10.30.0.1/16
10.30.0.2/24"
}

# ---- item 2: IPv6 below 1280 ----

@test "add --mtu below 1280 on a device with IPv6 addresses: refused, naming them, nothing changed" {
	run_tunown -0 add tap0 --user alice --address fd00::1/64 --address 10.0.0.1/24
	local before
	before=$(ns_state)
	run_tunown -1 add tap0 --mtu 1000
	assert_output --partial "cannot set the MTU of 'tap0' to 1000"
	assert_output --partial "fd00::1/64"
	assert_equal "$(ns_state)" "$before"
	assert_equal "$(link_field tap0 .mtu)" 1500
	# without IPv6 addresses it is fine
	run_tunown -0 add tap1 --user alice --address 10.1.0.1/24
	run_tunown -0 add tap1 --mtu 1000
	assert_output "tap1: changed (mtu)"
}

@test "an IPv6 address refused on a device whose real MTU is below 1280: the hint says so" {
	run_tunown -0 add tap0 --user alice --mtu 1200
	run_tunown -1 add tap0 --address fd00::1/64
	assert_output --partial "cannot add address 'fd00::1/64' to 'tap0'"
	assert_output --partial "IPv6 needs an MTU of 1280 or more"
}

# ---- item 3: peers ----

@test "apply: a peer added, changed or removed is a change, in the dry run too" {
	printf '[tun0]\nuser = alice\naddress = 10.8.0.1/32\npeer = 10.8.0.2\n' >"$CONF/p1.conf"
	printf '[tun0]\nuser = alice\naddress = 10.8.0.1/32\npeer = 10.8.0.3\n' >"$CONF/p2.conf"
	printf '[tun0]\nuser = alice\naddress = 10.8.0.1/32\n' >"$CONF/p3.conf"
	run_tunown -0 apply "$CONF/p1.conf"
	run_tunown -0 apply --dry-run "$CONF/p2.conf"
	assert_output "tun0: would change (addresses)"
	run_tunown -0 apply "$CONF/p2.conf"
	assert_output "tun0: changed (addresses)"
	assert_equal "$(addrs_of tun0)" "10.8.0.1 peer 10.8.0.3/32"
	run_tunown -0 apply "$CONF/p2.conf"
	assert_output "tun0: unchanged"
	run_tunown -0 apply "$CONF/p3.conf"
	assert_output "tun0: changed (addresses)"
	assert_equal "$(addrs_of tun0)" "10.8.0.1/32"
	run_tunown -0 apply "$CONF/p1.conf"
	assert_output "tun0: changed (addresses)"
	assert_equal "$(addrs_of tun0)" "10.8.0.1 peer 10.8.0.2/32"
}

@test "add: another peer for the same address replaces the peer" {
	run_tunown -0 add tun0 --group kvm --address 10.8.0.1/32 --peer 10.8.0.2
	run_tunown -0 add tun0 --group kvm --address 10.8.0.1/32 --peer 10.8.0.3
	assert_output "tun0: changed (addresses)"
	assert_equal "$(addrs_of tun0)" "10.8.0.1 peer 10.8.0.3/32"
	run_tunown -0 add tun0 --address fd08::1/64 --peer fd08::2
	run_tunown -0 add tun0 --address fd08::1/64 --peer fd08::3
	assert_output "tun0: changed (addresses)"
	run addrs_of tun0
	assert_output "10.8.0.1 peer 10.8.0.3/32
fd08::1 peer fd08::3/64"
}

# ---- item 4: the flags each attacher sets ----

@test "apply: vnet-hdr that a running program set otherwise neither blocks nor is reported" {
	printf '[tapv]\nuser = alice\naddress = 10.11.0.1/24\nvnet-hdr = no\n' >"$CONF/v1.conf"
	printf '[tapv]\nuser = alice\naddress = 10.11.0.1/24\nvnet-hdr = no\nmtu = 1400\n' >"$CONF/v2.conf"
	run_tunown -0 apply "$CONF/v1.conf"
	hold_device alice tapv --vnet-hdr
	assert_equal "$(tun_data tapv vnet_hdr)" true
	run_tunown -0 apply --dry-run "$CONF/v1.conf"
	assert_output "tapv: unchanged"
	run_tunown -0 apply "$CONF/v1.conf"
	assert_output "tapv: unchanged"
	run_tunown -0 apply "$CONF/v2.conf"
	assert_output "tapv: changed (mtu)"
	assert_equal "$(link_field tapv .mtu)" 1400
	assert_equal "$(tun_data tapv vnet_hdr)" true
}

@test "apply: a multi-queue device held with other flags is unchanged on every run" {
	printf '[tapmq]\nuser = alice\nmulti-queue = yes\nvnet-hdr = no\n' >"$CONF/mq.conf"
	run_tunown -0 apply "$CONF/mq.conf"
	hold_device alice tapmq --multi-queue --vnet-hdr
	for _ in 1 2; do
		run_tunown -0 apply "$CONF/mq.conf"
		assert_output "tapmq: unchanged"
	done
}

@test "show: required_flags are the mode and multi-queue; flags add the last attacher's" {
	run_tunown -0 add tapmq --user alice --multi-queue
	hold_device alice tapmq --multi-queue --vnet-hdr
	assert_equal "$(show_field tapmq required_flags)" "IFF_TAP|IFF_MULTI_QUEUE"
	assert_equal "$(show_field tapmq vnet_hdr)" true
	assert_contains "$(show_field tapmq flags)" "IFF_VNET_HDR"
}

# ---- item 5: the dry run refuses what the real run refuses ----

@test "apply --dry-run: an owner change on a held single-queue device fails as the real run does" {
	printf '[tap0]\nuser = alice\n' >"$CONF/o1.conf"
	printf '[tap0]\nuser = bob\n' >"$CONF/o2.conf"
	run_tunown -0 apply "$CONF/o1.conf"
	hold_device alice tap0
	run_tunown -1 --separate-stderr apply --dry-run "$CONF/o2.conf"
	local dry=$stderr
	assert_contains "$dry" "needs a re-attach"
	run_tunown -1 --separate-stderr apply "$CONF/o2.conf"
	assert_equal "$stderr" "$dry"
	assert_equal "$(tun_data tap0 user)" alice
}

@test "apply --dry-run: an MTU over a new tap's maximum fails as the real run does" {
	printf '[tapbig]\nuser = alice\nmtu = 65535\n' >"$CONF/big.conf"
	run_tunown -2 --separate-stderr apply --dry-run "$CONF/big.conf"
	assert_contains "$stderr" "$CONF/big.conf:3: mtu '65535': over 65521"
	local dry=$stderr
	run_tunown -2 --separate-stderr apply "$CONF/big.conf"
	assert_equal "$stderr" "$dry"
	run ns_links
	assert_output lo
	# a tun takes it
	printf '[tunbig]\nuser = alice\nmtu = 65535\n' >"$CONF/tbig.conf"
	run_tunown -0 apply --dry-run "$CONF/tbig.conf"
	run_tunown -0 apply "$CONF/tbig.conf"
	assert_equal "$(link_field tunbig .mtu)" 65535
}

# ---- item 6: link-local addresses, many addresses ----

@test "apply: a link-local address from the file is removed when the file drops it; the kernel's own stays" {
	printf '[tapf]\nuser = alice\naddress = fe80::99/64\naddress = 10.20.0.1/24\n' >"$CONF/f1.conf"
	printf '[tapf]\nuser = alice\naddress = 10.20.0.1/24\n' >"$CONF/f2.conf"
	run_tunown -0 apply "$CONF/f1.conf"
	# carrier: the kernel makes its own link-local address
	hold_device alice tapf
	local own i
	for ((i = 0; i < 100; i++)); do
		own=$(in_ns ip -j -6 addr show dev tapf | jq -r '.[0].addr_info[] | select(.local != "fe80::99") | .local')
		[ -n "$own" ] && break
		sleep 0.05
	done
	[ -n "$own" ]
	run_tunown -0 apply "$CONF/f1.conf"
	assert_output "tapf: unchanged"
	run_tunown -0 apply "$CONF/f2.conf"
	assert_output "tapf: changed (addresses)"
	run in_ns ip -j -6 addr show dev tapf
	refute_output --partial "fe80::99"
	assert_output --partial "$own"
	run_tunown -0 apply "$CONF/f2.conf"
	assert_output "tapf: unchanged"
}

@test "apply and add: a new device with 1500 addresses (more than one sendmsg carries)" {
	{
		printf '[tapmany]\nuser = alice\n'
		for ((i = 1; i <= 1500; i++)); do printf 'address = fd00::%x/128\n' "$i"; done
	} >"$CONF/many.conf"
	run_tunown -0 apply "$CONF/many.conf"
	assert_output "tapmany: created"
	assert_equal "$(addrs_of tapmany | wc -l)" 1500
	run_tunown -0 apply "$CONF/many.conf"
	assert_output "tapmany: unchanged"
	local args=()
	for ((i = 1; i <= 1100; i++)); do args+=(--address "10.9.$((i / 250)).$((i % 250 + 1))/32"); done
	run_tunown -0 add tapmore --user alice "${args[@]}"
	assert_output "tapmore: created"
	assert_equal "$(addrs_of tapmore | wc -l)" 1100
}

# ---- item 7: a prefix change ----

@test "apply: fd00::1/64 becoming fd00::1/48 converges" {
	printf '[tap0]\nuser = alice\naddress = fd00::1/64\n' >"$CONF/x1.conf"
	printf '[tap0]\nuser = alice\naddress = fd00::1/48\n' >"$CONF/x2.conf"
	run_tunown -0 apply "$CONF/x1.conf"
	run_tunown -0 apply "$CONF/x2.conf"
	assert_output "tap0: changed (addresses)"
	assert_equal "$(addrs_of tap0)" "fd00::1/48"
	run_tunown -0 add tap0 --address fd00::1/56
	assert_output "tap0: changed (addresses)"
	assert_equal "$(addrs_of tap0)" "fd00::1/56"
}

# ---- item 8: removed keys, partial add ----

@test "apply: a removed mtu key puts the MTU back to 1500, and IPv6 then works" {
	printf '[tapm]\nuser = alice\nmtu = 1200\naddress = 10.9.9.1/24\n' >"$CONF/m3.conf"
	printf '[tapm]\nuser = alice\naddress = fd00::9/64\naddress = 10.9.9.1/24\n' >"$CONF/m1.conf"
	run_tunown -0 apply "$CONF/m3.conf"
	run_tunown -0 apply "$CONF/m1.conf"
	assert_output "tapm: changed (mtu, addresses)"
	assert_equal "$(link_field tapm .mtu)" 1500
	run addrs_of tapm
	assert_output "10.9.9.1/24
fd00::9/64"
}

@test "add on an existing device changes only what it names, owner and group included" {
	run_tunown -0 --separate-stderr add tapboth --user alice --group kvm --down
	assert_contains "$stderr" "both an owner and a group"
	run_tunown -0 --separate-stderr add tapboth --mtu 1400
	assert_output "tapboth: changed (mtu)"
	assert_equal "$stderr" ""
	assert_equal "$(tun_data tapboth user)" alice
	assert_equal "$(tun_data tapboth group)" kvm
	assert_equal "$(link_field tapboth .mtu)" 1400
	run link_field tapboth '.flags | index("UP")'
	assert_output null
	run_tunown -0 --separate-stderr add tapboth --user alice --group kvm
	assert_output "tapboth: unchanged"
	assert_equal "$stderr" ""
	# creating still needs an owner
	run_tunown -2 add tapnew --mtu 1400
	assert_output --partial "needs an owner"
	run ns_links
	refute_output --partial tapnew
}

@test "apply: an owner or group the section lacks is named by name" {
	run_tunown -0 add tapg --user alice --group kvm
	printf '[tapg]\nuser = alice\n' >"$CONF/g.conf"
	run_tunown -1 apply "$CONF/g.conf"
	assert_output --partial "has group 'kvm' (1100)"
}

# ---- item 9: foreign devices ----

@test "apply: a device ip tuntap made is refused unless 'adopt = yes', which marks it" {
	in_ns ip tuntap add dev tapx mode tap
	printf '[tapx]\nuser = alice\naddress = 10.1.0.1/24\n' >"$CONF/a1.conf"
	printf '[tapx]\nuser = alice\naddress = 10.1.0.1/24\nadopt = yes\n' >"$CONF/a2.conf"
	local before
	before=$(ns_state)
	run_tunown -1 apply --dry-run "$CONF/a1.conf"
	assert_output --partial "adopt = yes"
	run_tunown -1 apply "$CONF/a1.conf"
	assert_output --partial "adopt = yes"
	assert_equal "$(ns_state)" "$before"
	run_tunown -0 apply --dry-run "$CONF/a2.conf"
	assert_output "tapx: would change (adopted, owner, addresses, link state)"
	run_tunown -0 apply "$CONF/a2.conf"
	assert_output "tapx: changed (adopted, owner, addresses, link state)"
	assert_equal "$(link_field tapx .ifalias)" tunown
	assert_equal "$(tun_data tapx user)" alice
	run_tunown -0 apply "$CONF/a1.conf"
	assert_output "tapx: unchanged"
}

# ---- a link taken down loses its IPv6 addresses (keep_addr_on_down 0) ----

@test "apply: up = no with IPv6 addresses: down, and every address of the file there after one run" {
	printf '[tapk]\ngroup = kvm\naddress = 10.7.0.1/24\naddress = fd07::1/64\n' >"$CONF/k1.conf"
	printf '[tapk]\ngroup = kvm\naddress = fd07::2/64\naddress = fd07::1/64\nup = no\n' >"$CONF/k2.conf"
	run_tunown -0 apply "$CONF/k1.conf"
	run_tunown -0 apply "$CONF/k2.conf"
	assert_output "tapk: changed (addresses, link state)"
	run link_field tapk '.flags | index("UP")'
	assert_output null
	run addrs_of tapk
	assert_output "fd07::1/64
fd07::2/64"
	run_tunown -0 apply "$CONF/k2.conf"
	assert_output "tapk: unchanged"
}

@test "add --down on a device with IPv6 addresses keeps them" {
	run_tunown -0 add tapk --group kvm --address fd07::1/64 --address 10.7.0.1/24
	run_tunown -0 add tapk --down
	assert_output "tapk: changed (link state)"
	run addrs_of tapk
	assert_output "10.7.0.1/24
fd07::1/64"
}

@test "add: the same local address twice on one command line: the last prefix and peer win" {
	run_tunown -0 add tap0 --user alice --address fd06::1/48 --address fd06::1/64
	assert_equal "$(addrs_of tap0)" "fd06::1/64"
	run_tunown -0 add tun0 --user alice --address 10.8.0.1/32 --peer 10.8.0.2 --address 10.8.0.1/32 --peer 10.8.0.3
	assert_equal "$(addrs_of tun0)" "10.8.0.1 peer 10.8.0.3/32"
}
