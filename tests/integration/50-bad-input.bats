#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Every bad input of tunown add: exit 2, one line on stderr that names the
# value, and nothing created or changed.

load ../lib/common

setup() {
	setup_ns
}

teardown() {
	teardown_ns
}

# bad VALUE ARGS...: `tunown ARGS` exits 2 with one line on stderr that
# quotes VALUE (when it is printable) and shows no control character raw (a
# name holding a newline or an escape sequence must not break the line or
# drive the terminal), prints nothing on stdout, and $NS is as it was.
bad() {
	local value=$1
	shift
	local before
	before=$(ns_state)
	run_tunown -2 --separate-stderr "$@"
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" "^tunown: add: "
	refute_regex "$stderr" $'[\x01-\x08\x0a-\x1f\x7f]'
	if [ -n "$value" ]; then
		assert_contains "$stderr" "'$value'"
	fi
	assert_equal "$(ns_state)" "$before"
}

# ---- names ----

@test "bad name: empty" {
	bad "" add "" --user alice
	assert_contains "$stderr" "''"
}

@test "bad name: 16 bytes and more (the kernel would truncate)" {
	bad x123456789012345 add x123456789012345 --user alice
	bad a-very-long-device-name add a-very-long-device-name --user alice
}

@test "bad name: a 15-byte name is fine" {
	run_tunown -0 add x12345678901234 --user alice
	assert_output "x12345678901234: created"
}

@test "bad name: '/' and ':'" {
	bad tap/0 add tap/0 --user alice
	bad tap:0 add tap:0 --user alice
}

@test "bad name: white space" {
	bad "tap 0" add "tap 0" --user alice
	bad "" add $'tap\t0' --user alice
	bad "" add $'tap0\nx' --user alice
	bad "" add $'tap0\n' --user alice
}

@test "bad name: control characters" {
	bad "" add $'tap\001' --user alice
	bad "" add $'tap\033[0m' --user alice
	bad "" add $'tap\177' --user alice
}

@test "bad name: '.' and '..'" {
	bad . add . --user alice
	bad .. add .. --user alice
}

@test "bad name: a '%' template (the kernel would pick a name itself)" {
	bad tap%d add tap%d --user alice
}

# ---- users and groups ----

@test "bad user: an unknown name" {
	bad nosuchuser add tap0 --user nosuchuser
}

@test "bad group: an unknown name" {
	bad nosuchgroup add tap0 --group nosuchgroup
}

@test "bad user and group: numbers outside 0..4294967294" {
	bad 4294967295 add tap0 --user 4294967295
	bad 4294967295 add tap0 --group 4294967295
	bad 4294967296 add tap0 --user 4294967296
	bad -1 add tap0 --user -1
	bad -1 add tap0 --group -1
}

@test "bad user: neither --user nor --group nor --any-user" {
	bad "" add tap0
	bad "" add tap0 --mtu 1400
}

# ---- addresses ----

@test "bad address: not an address" {
	bad 10.0.0.256/24 add tap0 --user alice --address 10.0.0.256/24
	bad bogus add tap0 --user alice --address bogus
	bad fd00:::1/64 add tap0 --user alice --address fd00:::1/64
	bad 10.0.0/24 add tap0 --user alice --address 10.0.0/24
}

@test "bad address: a bad prefix" {
	bad 10.0.0.1/33 add tap0 --user alice --address 10.0.0.1/33
	bad fd00::1/129 add tap0 --user alice --address fd00::1/129
	bad 10.0.0.1/-1 add tap0 --user alice --address 10.0.0.1/-1
	bad 10.0.0.1/abc add tap0 --user alice --address 10.0.0.1/abc
	bad 10.0.0.1/ add tap0 --user alice --address 10.0.0.1/
}

@test "bad address: one bad address among good ones adds none" {
	bad 10.0.0.1/33 add tap0 --user alice --address 10.0.1.1/24 --address 10.0.0.1/33
}

@test "bad peer: --peer without --address" {
	bad 10.0.0.2 add tun0 --user alice --peer 10.0.0.2
}

@test "bad peer: of the other family" {
	bad fd00::2 add tun0 --user alice --address 10.0.0.1/32 --peer fd00::2
	bad 10.0.0.2 add tun0 --user alice --address fd00::1/128 --peer 10.0.0.2
}

@test "bad peer: not an address" {
	bad 10.0.0.300 add tun0 --user alice --address 10.0.0.1/32 --peer 10.0.0.300
}

# ---- MTU ----

@test "bad mtu: not a number, zero, over 65535" {
	bad abc add tap0 --user alice --mtu abc
	bad 1500x add tap0 --user alice --mtu 1500x
	bad 0 add tap0 --user alice --mtu 0
	bad -1 add tap0 --user alice --mtu -1
	bad 65536 add tap0 --user alice --mtu 65536
	bad "" add tap0 --user alice --mtu ""
}

@test "bad mtu: outside the device's bounds (68..65521 for tap)" {
	bad 67 add tap0 --user alice --mtu 67
	bad 65522 add tap0 --user alice --mtu 65522
	bad 65535 add tap0 --user alice --mtu 65535
	run_tunown -0 add tap0 --user alice --mtu 65521
	assert_equal "$(link_field tap0 .mtu)" 65521
}

@test "bad mtu: on an existing device, nothing changes" {
	run_tunown -0 add tap0 --user alice --mtu 1400
	bad 65530 add tap0 --user alice --mtu 65530
	assert_equal "$(link_field tap0 .mtu)" 1400
}

# ---- MAC ----

@test "bad mac: malformed" {
	bad 02:00:00:00:00 add tap0 --user alice --mac 02:00:00:00:00
	bad 02:00:00:00:00:01:02 add tap0 --user alice --mac 02:00:00:00:00:01:02
	bad 02-00-00-00-00-01 add tap0 --user alice --mac 02-00-00-00-00-01
	bad 02:00:00:00:00:0g add tap0 --user alice --mac 02:00:00:00:00:0g
	bad xyz add tap0 --user alice --mac xyz
}

@test "bad mac: multicast and broadcast" {
	bad 01:00:5e:00:00:01 add tap0 --user alice --mac 01:00:5e:00:00:01
	bad 03:00:00:00:00:01 add tap0 --user alice --mac 03:00:00:00:00:01
	bad ff:ff:ff:ff:ff:ff add tap0 --user alice --mac ff:ff:ff:ff:ff:ff
}

@test "bad mac: all zero" {
	bad 00:00:00:00:00:00 add tap0 --user alice --mac 00:00:00:00:00:00
}

@test "bad mac: --mac on a tun device" {
	# the value at fault is the tun device the MAC was asked for
	bad tun0 add tun0 --user alice --mac 02:00:00:00:00:01
	bad vpn0 add vpn0 --tun --user alice --mac 02:00:00:00:00:01
}

@test "bad mac: on an existing device, nothing changes" {
	run_tunown -0 add tap0 --user alice --mac 02:00:00:00:00:01
	bad 01:00:00:00:00:01 add tap0 --user alice --mac 01:00:00:00:00:01
	assert_equal "$(link_field tap0 .address)" 02:00:00:00:00:01
}

# ---- usage ----

@test "usage: no name, unknown option, option without its value" {
	local before
	before=$(ns_state)
	run_tunown -2 add
	run_tunown -2 add tap0 --user alice --bogus
	assert_output --partial -- --bogus
	run_tunown -2 add tap0 --user
	run_tunown -2 add tap0 --user alice --mtu
	run_tunown -2 add tap0 tap1 --user alice
	assert_equal "$(ns_state)" "$before"
}
