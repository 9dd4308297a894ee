#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# No half-made devices: every ioctl on /dev/net/tun and every netlink request
# of a command is made to fail in turn (build/tests/faultshim.so, see
# tests/helpers/faultshim.c), and after each run every interface of the
# namespace is as it was before or as the command meant it to be; a failed
# add or del leaves everything as it was. After each failure a plain run
# converges to the intended state.

load ../lib/common
load ../lib/faults


setup() {
	faults_setup
}

teardown() {
	teardown_ns
}

# A namespace of its own for each run.
renew_ns() {
	teardown_ns
	setup_ns
}

# fault_every STRICT PREPARE ARGS...: runs PREPARE then tunown ARGS once to
# count its requests, then once for every N in a fresh namespace with the
# Nth request failing. STRICT=1: a failed run must leave the namespace
# exactly as before (add, del); 0: each device as before or as intended (apply,
# which goes on with the other devices). Sets POINTS to the count.
fault_every() {
	local strict=$1 prepare=$2
	shift 2
	local n before intended after mixed

	renew_ns
	$prepare
	faulted 0 "$@"
	assert_success
	intended=$(state)
	POINTS=$(wc -l <"$FLOG")
	[ "$POINTS" -gt 0 ]
	echo "# $POINTS requests:"
	sed 's/^/#   /' "$FLOG"

	for ((n = 1; n <= POINTS; n++)); do
		renew_ns
		$prepare
		before=$(state)
		faulted "$n" "$@"
		local out=$output st=$status
		grep -q "^$n .* FAULT\$" "$FLOG" || {
			cat "$FLOG"
			fail "request $n was not the one that failed"
		}
		after=$(state)
		if [ "$st" -eq 0 ]; then
			[ "$after" = "$intended" ] || {
				show_state after "$after"
				fail "request $(sed -n "${n}p" "$FLOG") failed, the command said it succeeded, but the state is not the intended one"
			}
		else
			[ "$st" -eq 1 ] || fail "exit status $st after request $n failed, not 1"
			if [ "$strict" = 1 ]; then
				assert_contains "$out" "Input/output error"
				[ "$after" = "$before" ] || {
					echo "# $out"
					show_diff before after "$before" "$after"
					fail "request $(sed -n "${n}p" "$FLOG") failed and the namespace was not put back"
				}
			else
				mixed=$(mixed_devices "$before" "$intended" "$after")
				[ -z "$mixed" ] || {
					echo "# $out"
					show_diff before after "$before" "$after"
					show_diff intended after "$intended" "$after"
					fail "request $(sed -n "${n}p" "$FLOG") failed and left $mixed half-done"
				}
			fi
		fi
		# Whatever the failure left, a plain run gets to the intended state.
		run in_ns "$TUNOWN" "$@"
		assert_success
		[ "$(state)" = "$intended" ] || {
			echo "# $output"
			show_diff intended "the plain run" "$intended" "$(state)"
			fail "after request $n failed, a plain run did not converge"
		}
	done
	echo "# $POINTS fault points, every one rolled back or completed" >&3
}

nothing() {
	:
}

@test "faultshim: counts, fails the Nth request only, with the errno asked" {
	faulted 0 add tap0 --user alice
	assert_success
	run grep -c . "$FLOG"
	[ "$output" -ge 3 ]
	run grep -c FAULT "$FLOG"
	assert_output 0
	in_ns "$TUNOWN" del tap0

	rm -f "$FLOG"
	run in_ns env LD_PRELOAD="$SHIM" TUNOWN_FAULT_AT=2 TUNOWN_FAULT_ERRNO=ENOSPC \
		TUNOWN_FAULT_LOG="$FLOG" ASAN_OPTIONS=verify_asan_link_order=0 \
		"$TUNOWN" add tap0 --user alice
	assert_failure
	assert_output --partial "No space left on device"
	run grep FAULT "$FLOG"
	# Without the namespace cookie add first reads the journal from a dump (journal.h).
	if old_kernel; then
		assert_output "2 netlink RTM_GETLINK FAULT"
	else
		assert_output "2 ioctl TUNSETIFF FAULT"
	fi
	run ns_links
	assert_output lo
}

@test "add, create path: owner, group, two addresses, MTU, MAC; every request failed in turn" {
	fault_every 1 nothing add tap0 --user alice --group kvm --address 10.9.0.1/24 \
		--address fd00:9::1/64 --mtu 1400 --mac 02:00:00:00:00:01
	[ "$POINTS" -ge 7 ]
}

@test "add, create path: a tun device, down, with a point-to-point peer" {
	fault_every 1 nothing add tun0 --user bob --address 10.9.1.1/32 --peer 10.9.1.2 --down --pi
}

changed_tap() {
	in_ns "$TUNOWN" add tap0 --user alice --mac 02:00:00:00:00:02 --address 10.9.0.1/24 >/dev/null
}

@test "add, change path: owner, MTU and an address; every request failed in turn" {
	fault_every 1 changed_tap add tap0 --user bob --mtu 1300 --address 10.9.0.2/24
	[ "$POINTS" -ge 5 ]
}

grouped_tap() {
	in_ns "$TUNOWN" add tap0 --user alice --group kvm --mac 02:00:00:00:00:03 \
		--address fd00:9::1/64 >/dev/null
}

@test "add, change path: owner, group, MAC, MTU, link down (vnet-hdr left as is); every request failed in turn" {
	fault_every 1 grouped_tap add tap0 --user bob --group netdev --vnet-hdr \
		--mac 02:00:00:00:00:04 --mtu 1300 --down --address fd00:9::2/64
}

@test "del: every request failed in turn" {
	fault_every 1 changed_tap del tap0
}

apply_world() {
	in_ns "$TUNOWN" add tap0 --user alice --mac 02:00:00:00:00:05 >/dev/null
	in_ns "$TUNOWN" add tap1 --user bob --mac 02:00:00:00:00:06 --address 10.9.2.1/24 >/dev/null
	in_ns ip link add veth0 address 02:00:00:00:01:00 type veth peer name veth1 address 02:00:00:00:01:01
	cat >"$CONF/apply.conf" <<-'EOF'
		[tap0]
		user = bob
		mtu = 1400
		mac = 02:00:00:00:00:05
		[tap1]
		user = bob
		mac = 02:00:00:00:00:06
		address = 10.9.2.2/24
		address = fd00:9:2::1/64
		[tap2]
		user = alice
		group = kvm
		mac = 02:00:00:00:00:07
		address = 10.9.3.1/24
		mtu = 9000
		[tun0]
		user = carol
		address = 10.9.4.1/32
		peer = 10.9.4.2
	EOF
}

@test "apply: two changes and two creations; every request failed in turn" {
	in_ns "$TUNOWN" apply --help >/dev/null 2>&1 || skip "apply is not built yet"
	fault_every 0 apply_world apply "$CONF/apply.conf"
	[ "$POINTS" -ge 15 ]
}
