#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The recipes of README and tunown(8), tried as written: real programs attach
# to an owned device as an unprivileged second user, and show names them.

load ../lib/common

setup() {
	setup_ns
	OUT=$BATS_TEST_TMPDIR/prog.out
	PROG=
}

teardown() {
	[ -z "$PROG" ] || kill "$PROG" 2>/dev/null || true
	teardown_ns
}

# wait_holder DEV COMM: the pid of the process COMM once it holds DEV (show --json).
wait_holder() {
	local i pid
	for ((i = 0; i < 250; i++)); do
		pid=$(in_ns "$TUNOWN" show "$1" --json | jq -r --arg c "$2" '.holders[] | select(.command == $c) | .pid' | head -n1)
		[ -n "$pid" ] && echo "$pid" && return 0
		sleep 0.04
	done
	cat "$OUT" >&2
	return 1
}

qemu_on() {
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
	# Only the attach is tried: no machine to boot, the netdev opens its queues at start.
	as_user alice qemu-system-x86_64 -nographic -nodefaults -machine none -display none \
		-monitor none -serial none -netdev "tap,id=n0,ifname=$1,script=no,downscript=no$2" >"$OUT" 2>&1 &
}

@test "recipe QEMU: an unprivileged user's QEMU attaches to its tap (script=no,downscript=no)" {
	run_tunown add tap0 --user alice --address 10.0.2.1/24
	qemu_on tap0 ""
	PROG=$(wait_holder tap0 qemu-system-x86)
	run_tunown show tap0 --json
	assert_equal "$(jq -c '[.holders[] | {user, queues}]' <<<"$output")" '[{"user":"alice","queues":1}]'
	assert_equal "$(jq -r .queues <<<"$output")" 1
}

@test "recipe QEMU multi-queue: queues=2 on a --multi-queue tap, both queues held by alice's QEMU" {
	run_tunown add tap0 --user alice --multi-queue
	qemu_on tap0 ",queues=2"
	PROG=$(wait_holder tap0 qemu-system-x86)
	run_tunown show tap0 --json
	assert_equal "$(jq -c '[.holders[] | {pid, user, queues}]' <<<"$output")" '[{"pid":'"$PROG"',"user":"alice","queues":2}]'
	assert_equal "$(jq -r .queues <<<"$output")" 2
	run grep '^tap0 ' <<<"$(in_ns "$TUNOWN" list)"
	assert_output --partial "$PROG(qemu-system-x86,alice)"
}

@test "recipe QEMU: queues=2 on a single-queue tap fails, as the README says (queues must match)" {
	run_tunown add tap0 --user alice
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
	run as_user alice timeout 20 qemu-system-x86_64 -nographic -nodefaults -machine none -display none \
		-monitor none -serial none -netdev "tap,id=n0,ifname=tap0,script=no,downscript=no,queues=2"
	assert_failure
	assert_output --partial "tap0"
}

@test "recipe socat: TUN needs -s as an unprivileged owner (it tries SIOCSIFFLAGS), then attaches" {
	command -v socat >/dev/null || skip "socat is not installed (make deps)"
	run_tunown add tun0 --user alice --address 10.0.9.1/24
	run as_user alice timeout 10 socat TUN,tun-name=tun0,tun-type=tun,iff-no-pi - </dev/null
	assert_failure
	assert_output --partial "SIOCSIFFLAGS"
	(sleep 60 | as_user alice socat -s TUN,tun-name=tun0,tun-type=tun,iff-no-pi - >"$OUT" 2>&1) &
	PROG=$(wait_holder tun0 socat)
	run_tunown show tun0 --json
	assert_equal "$(jq -r '.holders[0].user' <<<"$output")" alice
}
