#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tunown apply: converging files, re-running, editing, dry runs, file errors,
# the default files, rollback of one device, prune, the lock, a run killed
# half-way, JSON, 200 devices and standard input.

load ../lib/common

setup() {
	setup_conf_ns
}

teardown() {
	[ -z "${LOCK_FD:-}" ] || exec {LOCK_FD}>&-
	LOCK_FD=
	teardown_ns
}

# conf NAME: standard input becomes $CONF/NAME.
conf() {
	cat >"$CONF/$1"
}

tun_attr() {
	link_field "$1" ".linkinfo.info_data.$2"
}

# Global addresses of DEV, "ADDR/PREFIX" one a line, sorted.
addrs_of() {
	in_ns ip -j addr show dev "$1" |
		jq -r '.[0].addr_info[] | select(.scope != "link") | "\(.local)/\(.prefixlen)"' |
		sort
}

# Everything apply may change in $NS, plus each interface's ifindex, so that
# a device deleted and made again does not pass for untouched.
snapshot() {
	ns_state
	in_ns ip -d -j link show | jq -S -c '[.[] | {ifname, ifindex, ifalias}]'
}

# The names of the tun/tap devices of $NS, sorted.
tun_links() {
	in_ns ip -d -j link show | jq -r '.[] | select(.linkinfo.info_kind == "tun") | .ifname' | sort
}

# How many lines of $output match the regular expression $1.
count_lines() {
	grep -c -E -- "$1" <<<"$output" || true
}

two_devices() {
	conf a.conf <<-'EOF'
		# two devices
		[tap0]
		user = alice
		group = kvm
		mtu = 9000
		mac = 02:00:00:00:00:01
		address = 10.0.0.1/24
		address = fd00::1/64

		[tun0]
		user = bob
		address = 10.8.0.1/32
		peer = 10.8.0.2
	EOF
}

# ---- from nothing, again, edited ----

@test "apply: from nothing, every device as the file says, marked as tunown's" {
	two_devices
	run_tunown -0 --separate-stderr apply "$CONF/a.conf"
	assert_output "tap0: created
tun0: created"
	assert_equal "$stderr" ""

	assert_equal "$(tun_attr tap0 type)" tap
	assert_equal "$(tun_attr tap0 user)" alice
	assert_equal "$(tun_attr tap0 group)" kvm
	assert_equal "$(tun_attr tap0 persist)" true
	assert_equal "$(link_field tap0 .mtu)" 9000
	assert_equal "$(link_field tap0 .address)" 02:00:00:00:00:01
	assert_equal "$(link_field tap0 .ifalias)" tunown
	run addrs_of tap0
	assert_output "10.0.0.1/24
fd00::1/64"

	assert_equal "$(tun_attr tun0 type)" tun
	assert_equal "$(tun_attr tun0 user)" bob
	assert_equal "$(tun_attr tun0 group)" null
	assert_equal "$(link_field tun0 .ifalias)" tunown
	assert_equal "$(in_ns ip -j addr show dev tun0 | jq -r '.[0].addr_info[] | select(.family == "inet") | "\(.local) \(.address)"')" \
		"10.8.0.1 10.8.0.2"
	# The mark is what ip -d link shows.
	in_ns ip -d link show tap0 | grep -q 'alias tunown'
}

@test "apply: an unchanged file again changes nothing and says so, exit 0" {
	two_devices
	run_tunown -0 apply "$CONF/a.conf"
	local before
	before=$(snapshot)
	run_tunown -0 --separate-stderr apply "$CONF/a.conf"
	assert_output "tap0: unchanged
tun0: unchanged"
	assert_equal "$stderr" ""
	assert_equal "$(snapshot)" "$before"
}

@test "apply: owner, group, MTU, MAC and addresses edited: changed, and says what" {
	two_devices
	run_tunown -0 apply "$CONF/a.conf"
	local tun_before
	tun_before=$(link_json tun0 | jq -c '.[0] | {ifindex, mtu, linkinfo}')
	conf a.conf <<-'EOF'
		[tap0]
		user = bob
		group = netdev
		mtu = 1400
		mac = 02:00:00:00:00:02
		address = 10.0.0.1/24
		address = 10.0.1.1/24

		[tun0]
		user = bob
		address = 10.8.0.1/32
		peer = 10.8.0.2
	EOF
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: changed (owner, group, mtu, mac, addresses)
tun0: unchanged"
	assert_equal "$(tun_attr tap0 user)" bob
	assert_equal "$(tun_attr tap0 group)" netdev
	assert_equal "$(link_field tap0 .mtu)" 1400
	assert_equal "$(link_field tap0 .address)" 02:00:00:00:00:02
	# Exactly the file's list: fd00::1 is gone, 10.0.1.1 is new.
	run addrs_of tap0
	assert_output "10.0.0.1/24
10.0.1.1/24"
	assert_equal "$(link_json tun0 | jq -c '.[0] | {ifindex, mtu, linkinfo}')" "$tun_before"

	# And that is now the steady state.
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: unchanged
tun0: unchanged"
}

@test "apply: one change at a time names just that change" {
	printf '[tap0]\nuser = alice\naddress = 10.0.0.1/24\n' | conf a.conf
	run_tunown -0 apply "$CONF/a.conf"
	local ifindex
	ifindex=$(link_field tap0 .ifindex)

	printf '[tap0]\nuser = carol\naddress = 10.0.0.1/24\n' | conf a.conf
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: changed (owner)"
	assert_equal "$(tun_attr tap0 user)" carol

	printf '[tap0]\nuser = carol\nmtu = 1280\naddress = 10.0.0.1/24\n' | conf a.conf
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: changed (mtu)"

	printf '[tap0]\nuser = carol\nmtu = 1280\n' | conf a.conf
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: changed (addresses)"
	run addrs_of tap0
	assert_output ""

	printf '[tap0]\nuser = carol\nmtu = 1280\nup = no\n' | conf a.conf
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: changed (link state)"
	run link_field tap0 '.flags | index("UP")'
	assert_output null

	# All of it on the same device, never made again.
	assert_equal "$(link_field tap0 .ifindex)" "$ifindex"
}

@test "apply: a device made by 'tunown add' is tunown's: apply converges it" {
	run_tunown -0 add tap0 --user alice --address 10.0.0.9/24
	printf '[tap0]\nuser = bob\naddress = 10.0.0.1/24\n' | conf a.conf
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: changed (owner, addresses)"
	run addrs_of tap0
	assert_output "10.0.0.1/24"
}

# ---- dry run ----

@test "apply --dry-run from nothing: prints the plan, creates nothing" {
	two_devices
	local before
	before=$(snapshot)
	run_tunown -0 apply --dry-run "$CONF/a.conf"
	assert_output "tap0: would create
tun0: would create"
	assert_equal "$(snapshot)" "$before"
	run tun_links
	assert_output ""
}

@test "apply --dry-run on an edited file: says what would change, changes nothing" {
	two_devices
	run_tunown -0 apply "$CONF/a.conf"
	run_tunown -0 add tap9 --user alice
	local before
	before=$(snapshot)
	conf a.conf <<-'EOF'
		[tap0]
		user = bob
		group = kvm
		mtu = 1400
		mac = 02:00:00:00:00:01
		address = 10.0.0.1/24
		address = fd00::1/64
		[tun0]
		user = bob
		address = 10.8.0.1/32
		peer = 10.8.0.2
		[tap1]
		user = alice
	EOF
	run_tunown -0 apply --dry-run --prune "$CONF/a.conf"
	assert_line "tap0: would change (owner, mtu)"
	assert_line "tun0: unchanged"
	assert_line "tap1: would create"
	assert_line "tap9: would delete"
	assert_equal "${#lines[@]}" 4
	assert_equal "$(snapshot)" "$before"
}

# ---- file errors ----

# Devices in place before a bad file, to show that nothing is touched.
existing() {
	printf '[tap0]\nuser = alice\nmtu = 1400\naddress = 10.0.0.1/24\n' | conf good.conf
	run_tunown -0 apply "$CONF/good.conf"
	BEFORE=$(snapshot)
}

# bad_file: apply $CONF/bad.conf must fail with exit 2, print its errors
# (the expected lines, on standard input) on stderr, and change nothing.
bad_file() {
	local expected
	expected=$(cat)
	run_tunown -2 --separate-stderr apply "$CONF/good.conf" "$CONF/bad.conf"
	assert_output ""
	local line
	while IFS= read -r line; do
		assert_contains "$stderr" "$line"
	done <<<"$expected"
	assert_contains "$stderr" "nothing changed"
	assert_equal "$(snapshot)" "$BEFORE"
}

@test "apply: a syntax error is FILE:LINE, exit 2, nothing changed" {
	existing
	conf bad.conf <<-'EOF'
		[tap0-new
		user = alice
		[tap1]
		user alice
	EOF
	bad_file <<-EOF
		$CONF/bad.conf:1: section header '[tap0-new': expected '[NAME]', and after it nothing or a comment
		$CONF/bad.conf:4: 'user alice': expected 'key = value', '[NAME]' or a comment
	EOF
}

@test "apply: an unknown key is FILE:LINE with the nearest known key" {
	existing
	conf bad.conf <<-'EOF'
		[tap1]
		user = alice
		adress = 10.0.1.1/24
		mut = 1400
	EOF
	bad_file <<-EOF
		$CONF/bad.conf:3: unknown key 'adress' (did you mean 'address'?)
		$CONF/bad.conf:4: unknown key 'mut' (did you mean 'mtu'?)
	EOF
}

@test "apply: bad values are FILE:LINE, every one of them" {
	existing
	conf bad.conf <<-'EOF'
		[tap0]
		user = alice
		mtu = 1300
		address = 10.0.0.1/24
		[tap1]
		user = nosuchuser
		mtu = lots
		address = 10.0.0.300/24
		mac = 02:00:00:00:00
		up = maybe
		mode = tip
	EOF
	bad_file <<-EOF
		$CONF/bad.conf:6: user 'nosuchuser'
		$CONF/bad.conf:7: mtu 'lots'
		$CONF/bad.conf:8: address '10.0.0.300/24'
		$CONF/bad.conf:9: mac '02:00:00:00:00'
		$CONF/bad.conf:10: up 'maybe'
		$CONF/bad.conf:11: mode 'tip'
	EOF
	# The first file also names tap0; that is the duplicate across files.
	assert_contains "$stderr" "$CONF/bad.conf:1: device 'tap0' already defined at $CONF/good.conf:1"
	# tap0's MTU in bad.conf was not applied.
	assert_equal "$(link_field tap0 .mtu)" 1400
}

@test "apply: the same device twice in one file, and across two files" {
	existing
	conf bad.conf <<-'EOF'
		[tap1]
		user = alice

		[tap1]
		user = bob
	EOF
	conf other.conf <<-'EOF'
		[tap2]
		user = alice
		[tap1]
		user = carol
	EOF
	run_tunown -2 --separate-stderr apply "$CONF/bad.conf" "$CONF/other.conf"
	assert_contains "$stderr" "$CONF/bad.conf:4: device 'tap1' already defined at $CONF/bad.conf:1"
	assert_contains "$stderr" "$CONF/other.conf:3: device 'tap1' already defined at $CONF/bad.conf:1"
	assert_equal "$(snapshot)" "$BEFORE"
}

@test "apply: a key outside any section is FILE:LINE" {
	existing
	conf bad.conf <<-'EOF'
		# a comment first
		user = alice
		[tap1]
		user = alice
	EOF
	bad_file <<-EOF
		$CONF/bad.conf:2: 'user' before any section: start a device with '[NAME]'
	EOF
}

@test "apply: errors of every kind in one run, all reported, exit 2" {
	existing
	conf bad.conf <<-'EOF'
		mtu = 1400
		[tap1
		[tap2]
		user = alice
		colour = blue
		mtu = -5
		[tap2]
		group = kvm
		garbage
	EOF
	run_tunown -2 --separate-stderr apply "$CONF/good.conf" "$CONF/bad.conf"
	local l
	for l in 1 2 5 6 7 9; do
		assert_contains "$stderr" "$CONF/bad.conf:$l: "
	done
	# One line per error, the closing one and nothing else.
	assert_equal "$(grep -c "^$CONF/bad.conf:[0-9]*: " <<<"$stderr")" 6
	assert_equal "$(snapshot)" "$BEFORE"
	run tun_links
	assert_output tap0
}

@test "apply: a file that cannot be opened is an error naming it, exit 2" {
	existing
	run_tunown -2 --separate-stderr apply "$CONF/good.conf" "$CONF/missing.conf"
	assert_contains "$stderr" "$CONF/missing.conf"
	assert_contains "$stderr" "No such file or directory"
	assert_equal "$(snapshot)" "$BEFORE"
}

# ---- default files ----

# with_etc CMD...: CMD in a mount namespace of its own where /etc is an
# overlay whose changes go to $BATS_TEST_TMPDIR/etc (the host's /etc is
# never written); the fixture users are bound in again, since the overlay
# shows the files under the sandbox's bind mounts. Files to place in /etc
# are in $BATS_TEST_TMPDIR/etc-files, copied in first.
with_etc() {
	local upper=$BATS_TEST_TMPDIR/etc work=$BATS_TEST_TMPDIR/etc-work
	mkdir -p "$upper" "$work" "$BATS_TEST_TMPDIR/etc-files"
	unshare --mount --propagation private -- bash -c '
		set -e
		mount -t overlay tunown-etc -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc
		mount --bind "$3/passwd" /etc/passwd
		mount --bind "$3/group" /etc/group
		cp -r "$4/." /etc/
		shift 4
		exec "$@"' with_etc "$upper" "$work" "$TESTS_ROOT/fixtures" \
		"$BATS_TEST_TMPDIR/etc-files" "$@"
}

@test "apply: no FILE reads /etc/tunown.conf, then /etc/tunown.d/*.conf sorted" {
	[ ! -e /etc/tunown.conf ] && [ ! -e /etc/tunown.d ] ||
		skip "this host has its own /etc/tunown.conf or /etc/tunown.d"
	modprobe overlay 2>/dev/null || true
	grep -qw overlay /proc/filesystems || skip "no overlay file system for a private /etc"
	local files=$BATS_TEST_TMPDIR/etc-files
	mkdir -p "$files/tunown.d"
	printf '[tap0]\nuser = alice\n' >"$files/tunown.conf"
	printf '[tap2]\nuser = carol\n' >"$files/tunown.d/20-b.conf"
	printf '[tap1]\nuser = bob\n' >"$files/tunown.d/10-a.conf"
	printf '[tap8]\nuser = bob\n' >"$files/tunown.d/.hidden.conf"
	printf '[tap9]\nuser = bob\n' >"$files/tunown.d/notes.txt"
	echo "\$ tunown apply  (private /etc)"
	run with_etc ip netns exec "$NS" "$TUNOWN" apply
	echo "$output"
	assert_success
	assert_output "tap0: created
tap1: created
tap2: created"
	assert_equal "$(tun_attr tap2 user)" carol
	run tun_links
	assert_output "tap0
tap1
tap2"
	# An error in one of them is reported under its real path.
	printf '[tap3]\nusr = bob\n' >"$files/tunown.d/30-c.conf"
	run with_etc ip netns exec "$NS" "$TUNOWN" apply
	assert_failure 2
	assert_output --partial "/etc/tunown.d/30-c.conf:2: unknown key 'usr' (did you mean 'user'?)"
	# The host's /etc has none of it.
	[ ! -e /etc/tunown.conf ] && [ ! -e /etc/tunown.d ]
}

@test "apply: the directory alone, without /etc/tunown.conf, is enough" {
	[ ! -e /etc/tunown.conf ] && [ ! -e /etc/tunown.d ] ||
		skip "this host has its own /etc/tunown.conf or /etc/tunown.d"
	grep -qw overlay /proc/filesystems || skip "no overlay file system for a private /etc"
	mkdir -p "$BATS_TEST_TMPDIR/etc-files/tunown.d"
	printf '[tap1]\nuser = bob\n' >"$BATS_TEST_TMPDIR/etc-files/tunown.d/a.conf"
	run with_etc ip netns exec "$NS" "$TUNOWN" apply
	assert_success
	assert_output "tap1: created"
}

@test "apply: no configuration at all does nothing, and --prune refuses" {
	[ ! -e /etc/tunown.conf ] && [ ! -e /etc/tunown.d ] ||
		skip "this host has its own /etc/tunown.conf or /etc/tunown.d"
	grep -qw overlay /proc/filesystems || skip "no overlay file system for a private /etc"
	run_tunown -0 add tap0 --user alice
	local before
	before=$(ns_state)
	run --separate-stderr with_etc ip netns exec "$NS" "$TUNOWN" apply
	assert_success
	assert_output ""
	assert_regex "$stderr" "^tunown: apply: no configuration files .*: nothing to do$"
	run --separate-stderr with_etc ip netns exec "$NS" "$TUNOWN" apply --prune
	assert_failure 2
	assert_output ""
	assert_regex "$stderr" "refusing to prune every device"
	assert_equal "$(ns_state)" "$before"
	# An empty file with --allow-empty is the way to remove them all.
	: >"$BATS_TEST_TMPDIR/empty.conf"
	run_tunown -0 apply --prune --allow-empty "$BATS_TEST_TMPDIR/empty.conf"
	assert_output "tap0: deleted"
}

# A generator that fails prints nothing: `gen | tunown apply --prune -` must not
# then delete every device.
@test "apply --prune with an input naming no device refuses without --allow-empty" {
	run_tunown -0 add tap0 --user alice
	local before
	before=$(ns_state)
	: | conf empty.conf
	run_tunown -2 --separate-stderr apply --prune "$CONF/empty.conf"
	assert_output ""
	assert_regex "$stderr" "names no device, so --prune would delete every device tunown made: give --allow-empty"
	run --separate-stderr in_ns "$TUNOWN" apply --prune - </dev/null
	assert_failure 2
	run_tunown -2 --separate-stderr apply --dry-run --prune "$CONF/empty.conf"
	run_tunown -2 apply --allow-empty "$CONF/empty.conf"
	assert_equal "$(ns_state)" "$before"
	run --separate-stderr in_ns "$TUNOWN" apply --prune --allow-empty - </dev/null
	assert_success
	assert_output "tap0: deleted"
}

# ---- rollback of one device ----

@test "apply: a device the kernel refuses is rolled back, the others applied, exit 1" {
	# IPv6 off for new devices: the kernel refuses tap1's IPv6 address, which
	# no parser can foresee.
	in_ns sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
	conf a.conf <<-'EOF'
		[tap0]
		user = alice
		[tap1]
		user = alice
		mtu = 1400
		address = 10.0.1.1/24
		address = fd00::1/64
		[tap2]
		user = bob
		address = 10.0.2.1/24
	EOF
	run_tunown -1 --separate-stderr apply "$CONF/a.conf"
	assert_output "tap0: created
tap2: created"
	assert_contains "$stderr" "$CONF/a.conf:3: "
	assert_contains "$stderr" "cannot add address 'fd00::1/64' to 'tap1'"
	assert_contains "$stderr" "1 device failed"
	# Created by this run, so removed again: not left half made.
	run tun_links
	assert_output "tap0
tap2"
	run addrs_of tap2
	assert_output "10.0.2.1/24"
}

@test "apply: an existing device that fails gets back exactly what it had" {
	conf a.conf <<-'EOF'
		[tap0]
		user = alice
		[tap1]
		user = alice
		mac = 02:00:00:00:01:01
		address = 10.0.1.1/24
		address = fd00::5/64
		address = fd00:1::5/64
	EOF
	run_tunown -0 apply "$CONF/a.conf"
	local before
	before=$(link_json tap1 | jq -S -c '.[0] | {ifindex, mtu, address, linkinfo}')
	# A new MTU, a new MAC, one address dropped, one new, and a route whose
	# gateway no subnet of the device reaches: the kernel refuses the route
	# last, so none of the rest may stay.
	conf a.conf <<-'EOF'
		[tap0]
		user = bob
		[tap1]
		user = bob
		mtu = 1400
		mac = 02:00:00:00:01:02
		address = 10.0.1.1/24
		address = fd00::5/64
		address = fd00:2::5/64
		route = 10.99.0.0/16,via=192.0.2.1
	EOF
	run_tunown -1 --separate-stderr apply "$CONF/a.conf"
	assert_output "tap0: changed (owner)"
	assert_contains "$stderr" "$CONF/a.conf:3: "
	assert_contains "$stderr" "cannot add route '10.99.0.0/16,via=192.0.2.1' to 'tap1'"
	assert_equal "$(link_json tap1 | jq -S -c '.[0] | {ifindex, mtu, address, linkinfo}')" "$before"
	run addrs_of tap1
	assert_output "10.0.1.1/24
fd00:1::5/64
fd00::5/64"
	assert_equal "$(tun_attr tap0 user)" bob
}

@test "apply: an MTU below 1280 on a device keeping an IPv6 address is refused, not half done" {
	printf '[tap0]\nuser = alice\naddress = fd00::5/64\naddress = 10.0.0.1/24\n' | conf a.conf
	run_tunown -0 apply "$CONF/a.conf"
	printf '[tap0]\nuser = alice\nmtu = 1000\naddress = fd00::5/64\naddress = 10.0.0.1/24\n' | conf a.conf
	run_tunown -2 --separate-stderr apply "$CONF/a.conf"
	assert_contains "$stderr" "$CONF/a.conf:3: mtu '1000': below 1280"
	assert_contains "$stderr" "'fd00::5/64'"
	assert_equal "$(link_field tap0 .mtu)" 1500
	run addrs_of tap0
	assert_output "10.0.0.1/24
fd00::5/64"
}

@test "apply: an MTU below 1280 that drops the IPv6 addresses the file drops too" {
	printf '[tap0]\nuser = alice\naddress = fd00::5/64\naddress = 10.0.0.1/24\n' | conf a.conf
	run_tunown -0 apply "$CONF/a.conf"
	printf '[tap0]\nuser = alice\nmtu = 1000\naddress = 10.0.0.1/24\n' | conf a.conf
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: changed (mtu, addresses)"
	assert_equal "$(link_field tap0 .mtu)" 1000
	run addrs_of tap0
	assert_output "10.0.0.1/24"
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tap0: unchanged"
}

# ---- prune, and devices tunown did not make ----

@test "apply --prune removes only tunown's devices that no file names" {
	run_tunown -0 add tap-old --user alice
	in_ns ip tuntap add mode tap name hand0
	in_ns ip link add ve0 type veth peer name ve1
	add_plain_link other0
	printf '[tap0]\nuser = alice\n' | conf a.conf
	run_tunown -0 apply --prune "$CONF/a.conf"
	assert_output "tap0: created
tap-old: deleted"
	run ns_links
	assert_output "$(printf '%s\n' hand0 lo other0 tap0 ve0 ve1 | sort)"
	# Nothing left to prune.
	run_tunown -0 apply --prune "$CONF/a.conf"
	assert_output "tap0: unchanged"
}

@test "apply --prune leaves a device a program holds, says who, exit 1; the dry run says the same" {
	run_tunown -0 add tap0 --user alice
	run_tunown -0 add tap1 --user alice
	hold_device alice tap0 --carrier-off
	: | conf empty.conf
	run_tunown -1 --separate-stderr apply --dry-run --prune --allow-empty "$CONF/empty.conf"
	assert_output "tap1: would delete"
	assert_regex "$stderr" "'tap0' is in use by process [0-9]+ \\(attach, alice\\): not pruned"
	run_tunown -1 --separate-stderr apply --prune --allow-empty "$CONF/empty.conf"
	assert_output "tap1: deleted"
	assert_regex "$stderr" "'tap0' is in use by process [0-9]+ \\(attach, alice\\): not pruned; stop the program and apply again, or 'tunown del --force tap0'"
	run tun_links
	assert_output tap0
	release_device
	run_tunown -0 apply --prune --allow-empty "$CONF/empty.conf"
	assert_output "tap0: deleted"
}

# A section that fails in another namespace still claims its name: prune
# keeps the device of that name here, and prunes only after every section.
@test "apply --prune keeps a device whose name a failed section claims in another namespace" {
	printf '[tapp]\nuser = alice\naddress = 10.40.0.1/24\n' | conf p1.conf
	printf '[tapp]\nuser = alice\naddress = 10.40.0.1/24\nnetns = %s-nosuch\n[tapq]\nuser = alice\n' "$NS" | conf p2.conf
	run_tunown -0 apply "$CONF/p1.conf"
	run_tunown -0 add tapx --user alice
	run_tunown -1 --separate-stderr apply --prune "$CONF/p2.conf"
	assert_output "tapq: created
tapx: deleted"
	[[ "$stderr" == *"network namespace '$NS-nosuch' is not there"* ]]
	run tun_links
	assert_output "tapp
tapq"
}

# Each failed section of this namespace is kept twice (its namespace's name,
# and a failed name): the table of kept names has room for both (ASan).
@test "apply --prune: every section of the namespace failed, the others are still pruned" {
	in_ns ip link add tapv type veth peer name tapv-peer
	run_tunown -0 add tapx --user alice
	printf '[tapv]\nuser = alice\n' | conf v.conf
	run_tunown -1 --separate-stderr apply --prune "$CONF/v.conf"
	assert_output "tapx: deleted"
	assert_regex "$stderr" "'tapv' is not a tun/tap device"
}

@test "apply --prune with an empty file removes every tunown device, and only those" {
	run_tunown -0 add tap0 --user alice
	run_tunown -0 add tun0 --user bob
	in_ns ip tuntap add mode tun name hand0
	: | conf empty.conf
	run_tunown -0 apply --prune --allow-empty "$CONF/empty.conf"
	assert_line "tap0: deleted"
	assert_line "tun0: deleted"
	assert_equal "${#lines[@]}" 2
	run tun_links
	assert_output hand0
}

@test "apply never rewrites a device tunown did not create: conflict, exit 1" {
	in_ns ip tuntap add mode tap name hand0 user bob
	in_ns ip link add ve0 type veth peer name ve1
	local hand ve
	hand=$(link_json hand0 | jq -S -c .)
	ve=$(link_json ve0 | jq -S -c .)
	conf a.conf <<-'EOF'
		[hand0]
		user = alice
		mtu = 1400
		[ve0]
		mode = tap
		user = alice
		[tap0]
		user = alice
	EOF
	run_tunown -1 --separate-stderr apply "$CONF/a.conf"
	assert_output "tap0: created"
	assert_contains "$stderr" "$CONF/a.conf:1: 'hand0' was not created by tunown"
	assert_contains "$stderr" "$CONF/a.conf:4: 've0' is not a tun/tap device (kind: veth)"
	assert_contains "$stderr" "2 devices failed"
	assert_equal "$(link_json hand0 | jq -S -c .)" "$hand"
	assert_equal "$(link_json ve0 | jq -S -c .)" "$ve"
	# Not even on a dry run does it pretend otherwise.
	run_tunown -1 apply --dry-run "$CONF/a.conf"
}

# ---- the lock ----

@test "apply waits for the lock and says so; two at once end in the right state" {
	printf '[tap0]\nuser = alice\naddress = 10.0.0.1/24\n[tap1]\nuser = bob\n' | conf a.conf
	# Hold the lock, so both runs are certain to meet it.
	exec {LOCK_FD}>/run/tunown.lock
	flock -x "$LOCK_FD"
	local i
	for i in 1 2; do
		in_ns "$TUNOWN" apply "$CONF/a.conf" >"$CONF/out$i" 2>"$CONF/err$i" {LOCK_FD}>&- &
		eval "pid$i=$!"
	done
	for ((i = 0; i < 1000; i++)); do
		grep -q waiting "$CONF/err1" && grep -q waiting "$CONF/err2" && break
		sleep 0.01
	done
	cat "$CONF/err1" "$CONF/err2"
	assert_contains "$(cat "$CONF/err1")" "waiting for another tunown to finish (lock /run/tunown.lock)"
	assert_contains "$(cat "$CONF/err2")" "waiting for another tunown to finish (lock /run/tunown.lock)"
	# While they wait, nothing happens.
	run tun_links
	assert_output ""
	exec {LOCK_FD}>&-
	LOCK_FD=
	wait "$pid1"
	wait "$pid2"
	# One after the other: each device created by one run, found by the other.
	output=$(cat "$CONF/out1" "$CONF/out2")
	echo "$output"
	assert_equal "$(count_lines '^tap0: created$')" 1
	assert_equal "$(count_lines '^tap0: unchanged$')" 1
	assert_equal "$(count_lines '^tap1: created$')" 1
	assert_equal "$(count_lines '^tap1: unchanged$')" 1
	assert_equal "$(tun_attr tap0 user)" alice
	assert_equal "$(tun_attr tap1 user)" bob
	run addrs_of tap0
	assert_output "10.0.0.1/24"
}

@test "apply: two runs of a big file started together do not interleave" {
	local i
	for ((i = 0; i < 100; i++)); do
		printf '[tap%d]\nuser = alice\nmtu = 1400\naddress = 10.1.%d.1/24\n' "$i" "$i"
	done | conf big.conf
	in_ns "$TUNOWN" apply "$CONF/big.conf" >"$CONF/out1" 2>"$CONF/err1" &
	local p1=$!
	in_ns "$TUNOWN" apply "$CONF/big.conf" >"$CONF/out2" 2>"$CONF/err2" &
	local p2=$!
	wait "$p1"
	wait "$p2"
	output=$(cat "$CONF/out1" "$CONF/out2")
	# Every device created exactly once and found unchanged by the other run.
	assert_equal "$(count_lines ': created$')" 100
	assert_equal "$(count_lines ': unchanged$')" 100
	run bash -c "cat '$CONF/err1' '$CONF/err2' | grep -v 'waiting for another tunown'"
	assert_output ""
	run tun_links
	assert_equal "${#lines[@]}" 100
}

@test "a run that waits for the lock names the run holding it: its pid and command" {
	local i holder
	for ((i = 0; i < 400; i++)); do
		printf '[tap%d]\nuser = alice\n' "$i"
	done | conf big.conf
	[ -e /run/tunown.lock ] || install -m 0600 /dev/null /run/tunown.lock
	in_ns "$TUNOWN" apply "$CONF/big.conf" >"$CONF/out1" 2>"$CONF/err1" &
	local p1=$!
	# The holder as /proc/locks has it; stopped there, so that the second run must wait.
	holder=$(wait_flock /run/tunown.lock)
	kill -STOP "$holder"
	assert_equal "$(cat "/proc/$holder/comm")" tunown
	in_ns "$TUNOWN" add tapx --user alice >"$CONF/out2" 2>"$CONF/err2" &
	local p2=$!
	for ((i = 0; i < 1000; i++)); do
		grep -q waiting "$CONF/err2" && break
		sleep 0.01
	done
	kill -CONT "$holder"
	wait "$p1"
	wait "$p2"
	cat "$CONF/err2"
	assert_contains "$(cat "$CONF/err2")" "waiting for another tunown to finish (lock /run/tunown.lock, held by pid $holder, tunown apply)"
	assert_equal "$(cat "$CONF/out2")" "tapx: created"
}

@test "add waits for apply's lock too" {
	exec {LOCK_FD}>/run/tunown.lock
	flock -x "$LOCK_FD"
	in_ns "$TUNOWN" add tap0 --user alice >"$CONF/out" 2>"$CONF/err" {LOCK_FD}>&- &
	local pid=$! i
	for ((i = 0; i < 1000; i++)); do
		grep -q waiting "$CONF/err" && break
		sleep 0.01
	done
	assert_contains "$(cat "$CONF/err")" "waiting for another tunown"
	run tun_links
	assert_output ""
	exec {LOCK_FD}>&-
	LOCK_FD=
	wait "$pid"
	assert_equal "$(cat "$CONF/out")" "tap0: created"
}

# ---- killed half-way ----

# big_file N FILE [extra key lines]: N tap devices.
big_file() {
	local n=$1 file=$2 extra=${3:-} i
	for ((i = 0; i < n; i++)); do
		printf '[tap%d]\nuser = alice\ngroup = kvm\naddress = 10.2.%d.%d/16\n%b' \
			"$i" $((i / 250)) $((i % 250 + 1)) "$extra"
	done >"$file"
}

# Where apply's kill lands: sendmsg number of device K's configuring request
# (K from 1). With the namespace cookie: two dumps, then one sendmsg a device.
# Without it (before Linux 5.14) the journal is read from the devices (one dump
# more) and each device is marked "tunown:creating" before it is made persistent
# (one sendmsg more); a device killed there carries that mark instead of none.
# No journal file is left (none is made without a cookie).
assert_no_journal() {
	assert_equal "$(ls -A /run/tunown 2>/dev/null)" ""
}
configure_call() {
	if old_kernel; then echo $((3 + 2 * $1)); else echo $((2 + $1)); fi
}
killed_alias() {
	if old_kernel; then echo tunown:creating; else echo null; fi
}

# killed_at SYSCALL N ARGS...: tunown ARGS killed by SIGKILL as it enters its
# Nth SYSCALL (strace's fault injection: the same point on every run).
killed_at() {
	local call=$1 n=$2
	shift 2
	command -v strace >/dev/null || skip "strace is not installed"
	echo "\$ tunown $* (SIGKILL at $call #$n)"
	run in_ns strace -f -o /dev/null -e trace="$call" -e inject="$call:signal=KILL:when=$n" \
		"$TUNOWN" "$@"
	assert_equal "$status" 137
}

@test "apply killed with SIGKILL half-way through creating: the next run converges" {
	big_file 200 "$CONF/big.conf"
	# Four ioctls a device (TUNSETIFF, owner, group, persist): device 101 dies
	# with its owner and group set but before it is persistent.
	killed_at ioctl 403 apply "$CONF/big.conf"
	local made
	made=$(tun_links | wc -l)
	echo "# $made devices after the kill"
	((made > 0 && made < 200))
	# No half-made device: every one left is persistent and complete.
	run bash -c "ip netns exec '$NS' ip -d -j addr show | jq -r '.[] | select(.linkinfo.info_kind == \"tun\")
		| select(.linkinfo.info_data.persist != true or .linkinfo.info_data.group != \"kvm\"
			or ([.addr_info[] | select(.family == \"inet\")] | length) != 1) | .ifname'"
	assert_output ""

	run_tunown -0 apply "$CONF/big.conf"
	assert_equal "$(count_lines ': created$')" $((200 - made))
	assert_equal "$(count_lines ': unchanged$')" "$made"
	run_tunown -0 apply "$CONF/big.conf"
	assert_equal "$(count_lines ': unchanged$')" 200
}

@test "apply killed between making a device persistent and configuring it: the next run adopts it" {
	big_file 600 "$CONF/big.conf"
	# Two dumps, then one sendmsg a device once it is persistent: device 500
	# dies persistent, with its owner and group, not yet marked, configured or
	# up. Its note is on the journal's second page.
	killed_at sendmsg "$(configure_call 501)" apply "$CONF/big.conf"
	run tun_links
	assert_equal "${#lines[@]}" 501
	assert_equal "$(tun_attr tap500 persist)" true
	assert_equal "$(link_field tap500 .ifalias)" "$(killed_alias)"
	assert_equal "$(addrs_of tap500)" ""
	# The journal names it: the next run marks it as its own and finishes it.
	if old_kernel; then
		assert_no_journal       # the mark on the device is the journal
	else
		run ls /run/tunown
		assert_output --regexp '^journal-[0-9]+$'
		[ "$(stat -c %s /run/tunown/"$output")" -gt 4096 ]
	fi
	run_tunown -0 apply "$CONF/big.conf"
	assert_equal "$(count_lines ': created$')" 99
	assert_equal "$(count_lines ': unchanged$')" 500
	assert_line "tap500: changed (addresses, link state)"
	assert_equal "$(link_field tap500 .ifalias)" tunown
	assert_equal "$(addrs_of tap500)" 10.2.2.1/16
	assert_no_journal
	run_tunown -0 apply "$CONF/big.conf"
	assert_equal "$(count_lines ': unchanged$')" 600
}

@test "a device made by hand under a name the journal lists is not adopted" {
	big_file 3 "$CONF/small.conf"
	killed_at sendmsg "$(configure_call 2)" apply "$CONF/small.conf"
	assert_equal "$(link_field tap1 .ifalias)" "$(killed_alias)"
	# The journal does name tap1, with the ifindex it had (without a cookie, the device is its own note).
	if ! old_kernel; then
		run cat /run/tunown/journal-*
		assert_line "$(link_field tap1 .ifindex) tap1"
	fi
	# Same name, another device: its ifindex is not the one noted.
	in_ns ip link del tap1
	in_ns ip tuntap add dev tap1 mode tap user alice group kvm
	run_tunown -1 apply "$CONF/small.conf"
	assert_line --partial "'tap1' was not created by tunown"
	assert_equal "$(link_field tap1 .ifalias)" null
	assert_equal "$(link_field tap2 .ifalias)" tunown
}

# The journal outlives every command that does not handle all it lists: an add
# of another device, one that changes nothing or one that creates, adopts
# every device a killed run left, and the next apply finishes them.
@test "a killed apply's journal survives an add of another device: every device it names is adopted" {
	big_file 3 "$CONF/small.conf"
	# Two dumps, then one sendmsg a device: tap1 dies persistent, not marked.
	killed_at sendmsg "$(configure_call 2)" apply "$CONF/small.conf"
	assert_equal "$(link_field tap1 .ifalias)" "$(killed_alias)"
	run_tunown -0 add tap0 --user alice --group kvm --address 10.2.0.1/16
	assert_line "tap0: unchanged"
	assert_equal "$(link_field tap1 .ifalias)" tunown
	run_tunown -0 add tapz --user alice
	assert_output "tapz: created"
	run_tunown -0 apply "$CONF/small.conf"
	assert_line "tap1: changed (addresses, link state)"
	assert_line "tap2: created"
	assert_equal "$(addrs_of tap1)" 10.2.0.2/16
	assert_no_journal
}

@test "add killed between making the device persistent and configuring it: add again finishes it" {
	# One dump (the name), then the configuring sendmsg; without a cookie the
	# journal's dump first and the mark before the persist.
	killed_at sendmsg "$(old_kernel && echo 4 || echo 2)" add tap0 --user alice --address 10.3.0.1/24
	assert_equal "$(tun_attr tap0 persist)" true
	assert_equal "$(link_field tap0 .ifalias)" "$(killed_alias)"
	run_tunown -0 add tap0 --user alice --address 10.3.0.1/24
	assert_output "tap0: changed (addresses, link state)"
	assert_equal "$(link_field tap0 .ifalias)" tunown
	assert_equal "$(link_field tap0 '.flags | any(. == "UP")')" true
	assert_equal "$(addrs_of tap0)" 10.3.0.1/24
}

@test "apply killed with SIGKILL half-way through changing: the next run converges" {
	big_file 200 "$CONF/big.conf"
	run_tunown -0 apply "$CONF/big.conf"
	local i
	for ((i = 0; i < 200; i++)); do
		printf '[tap%d]\nuser = bob\ngroup = kvm\nmtu = 1400\naddress = 10.2.%d.%d/16\naddress = fd00::%x/64\n' \
			"$i" $((i / 250)) $((i % 250 + 1)) $((i + 1))
	done | conf big.conf
	# Each device: its MTU, then the new address (a netlink message each),
	# then the owner: the kill lands in the middle of the file.
	killed_at sendmsg 201 apply "$CONF/big.conf"
	run_tunown -0 apply "$CONF/big.conf"
	local finished todo
	finished=$(count_lines ': unchanged$')
	todo=$(count_lines ': changed \(owner, mtu, addresses\)$')
	echo "# $finished devices were done, $todo untouched"
	((finished > 0 && todo > 0))
	# At most the one device in hand was part done, and nothing else happened.
	(((200 - finished - todo) <= 1))
	assert_equal $((finished + todo + $(count_lines ': changed \((owner|owner, addresses)\)$'))) 200
	run_tunown -0 apply "$CONF/big.conf"
	assert_equal "$(count_lines ': unchanged$')" 200
	assert_equal "$(tun_attr tap199 user)" bob
	assert_equal "$(link_field tap199 .mtu)" 1400
}

@test "apply --prune killed with SIGKILL in the middle of its batch: the next prune finishes it" {
	local i
	for ((i = 0; i < 100; i++)); do
		printf '[tap%d]\nuser = alice\n' "$i"
	done | conf big.conf
	run_tunown -0 apply "$CONF/big.conf"
	: | conf empty.conf
	# Two dumps, then one message a device to gather them in a group, then
	# the delete of the group: the kill comes with half of them gathered.
	killed_at sendmsg 50 apply --prune --allow-empty "$CONF/empty.conf"
	run tun_links
	assert_equal "${#lines[@]}" 100
	run_tunown -0 apply --prune --allow-empty "$CONF/empty.conf"
	assert_equal "$(count_lines '^tap[0-9]+: deleted$')" 100
	run tun_links
	assert_output ""
}

# ---- JSON ----

@test "apply --json: a valid array with one object per device, failures included" {
	in_ns ip tuntap add mode tap name hand0
	run_tunown -0 add tap1 --user alice
	conf a.conf <<-'EOF'
		[tap0]
		user = alice
		[tap1]
		user = bob
		[tap2]
		user = alice
		[hand0]
		user = alice
	EOF
	run_tunown -1 --separate-stderr apply --json "$CONF/a.conf"
	jq -e 'type == "array" and length == 4' <<<"$output"
	assert_equal "$(jq -c '[.[] | [.device, .result]]' <<<"$output")" \
		'[["tap0","created"],["tap1","changed"],["tap2","created"],["hand0","failed"]]'
	assert_equal "$(jq -c '.[1].changes' <<<"$output")" '["owner"]'
	assert_equal "$(jq -r '.[3].error' <<<"$output")" \
		"$(grep -o "$CONF/a.conf:7: 'hand0' was not created by tunown.*" <<<"$stderr")"
	assert_equal "$(jq -c '[.[0].error, .[0].netns]' <<<"$output")" '[null,null]'

	run_tunown -1 --separate-stderr apply --json --dry-run --prune "$CONF/a.conf"
	jq -e 'type == "array" and length == 4' <<<"$output"
	assert_equal "$(jq -c '[.[] | .result]' <<<"$output")" '["unchanged","unchanged","unchanged","failed"]'
}

@test "apply --json with no devices is an empty array" {
	: | conf empty.conf
	run_tunown -0 apply --json "$CONF/empty.conf"
	assert_equal "$(jq -c . <<<"$output")" '[]'
}

# ---- 200 devices ----

@test "apply: a 200-device file is created, then unchanged, then pruned" {
	big_file 200 "$CONF/big.conf"
	run_tunown -0 apply "$CONF/big.conf"
	assert_equal "$(count_lines '^tap[0-9]+: created$')" 200
	assert_equal "${#lines[@]}" 200
	run tun_links
	assert_equal "${#lines[@]}" 200
	assert_equal "$(tun_attr tap137 group)" kvm
	run addrs_of tap137
	assert_output "10.2.0.138/16"

	run_tunown -0 apply "$CONF/big.conf"
	assert_equal "$(count_lines '^tap[0-9]+: unchanged$')" 200
	assert_equal "${#lines[@]}" 200

	# Keep the first 50, prune the other 150.
	big_file 50 "$CONF/big.conf"
	run_tunown -0 apply --prune "$CONF/big.conf"
	assert_equal "$(count_lines '^tap[0-9]+: unchanged$')" 50
	assert_equal "$(count_lines '^tap[0-9]+: deleted$')" 150
	run tun_links
	assert_equal "${#lines[@]}" 50
	run tun_links
	assert_line tap49
	refute_line tap50
}

# ---- standard input ----

@test "apply -: the file comes from standard input, errors say <stdin>" {
	echo "\$ printf ... | tunown apply -"
	run in_ns bash -c "printf '[tap0]\nuser = alice\n' | '$TUNOWN' apply -"
	assert_success
	assert_output "tap0: created"
	printf '[tap1]\nuser = bob\n' | conf a.conf
	run in_ns bash -c "printf '[tap0]\nuser = alice\n' | '$TUNOWN' apply '$CONF/a.conf' -"
	assert_success
	assert_output "tap1: created
tap0: unchanged"
	run in_ns bash -c "printf '[tap2]\nusr = bob\n' | '$TUNOWN' apply -"
	assert_failure 2
	assert_output --partial "<stdin>:2: unknown key 'usr' (did you mean 'user'?)"
	run tun_links
	assert_output "tap0
tap1"
}

@test "apply: a section named by an alternative name is a conflict; dry run and prune agree" {
	run_tunown -0 add tap0 --user alice
	add_altname tap0 vmnet
	conf v.conf <<-'EOF'
		[vmnet]
		user = bob
	EOF
	local before
	before=$(snapshot)
	run_tunown -1 --separate-stderr apply --dry-run "$CONF/v.conf"
	assert_contains "$stderr" "$CONF/v.conf:1: 'vmnet' is an alternative name of 'tap0': tunown takes a device's own name"
	run_tunown -1 --separate-stderr apply "$CONF/v.conf"
	assert_contains "$stderr" "$CONF/v.conf:1: 'vmnet' is an alternative name of 'tap0'"
	[[ "$stderr" != *"another program created it"* ]]
	# The failed section still claims tap0: prune leaves it.
	run_tunown -1 --separate-stderr apply --prune "$CONF/v.conf"
	refute_output --partial deleted
	assert_equal "$(snapshot)" "$before"
	assert_equal "$(tun_attr tap0 user)" alice
}

@test "apply any-user: a warning on creation where the kernel lets only CAP_NET_ADMIN in, not after" {
	local rule
	rule=$(ownerless_rule)
	conf free.conf <<-'EOF'
		[tap0]
		any-user = yes
	EOF
	for dry in --dry-run ""; do
		run_tunown -0 --separate-stderr apply $dry "$CONF/free.conf"
		if [ "$rule" = anyone ]; then
			assert_equal "$stderr" ""
		else
			assert_contains "$stderr" "free.conf:1: warning: 'tap0' has neither owner nor group, and this kernel lets only CAP_NET_ADMIN attach"
		fi
	done
	assert_output "tap0: created"
	run_tunown -0 --separate-stderr apply "$CONF/free.conf"
	assert_output "tap0: unchanged"
	assert_equal "$stderr" ""
	run_attach bob tap0
	assert_output "$([ "$rule" = anyone ] && echo ok || echo EPERM)"
}
