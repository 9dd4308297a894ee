#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The sandbox and helpers the other integration tests stand on.

load ../lib/common

setup() {
	setup_ns
}

teardown() {
	teardown_ns
}

@test "sandbox: a network namespace without the host's interfaces" {
	run ns_links
	assert_success
	assert_output lo
}

@test "sandbox: the fixture users and groups are in place" {
	run id alice
	assert_output "uid=1001(alice) gid=1001(alice) groups=1001(alice),1100(kvm)"
	run id carol
	assert_output "uid=1003(carol) gid=1003(carol) groups=1003(carol),1100(kvm),1200(netdev)"
	run getent group netdev
	assert_output "netdev:x:1200:carol"
}

@test "sandbox: its own /dev/net/tun, mode 0666" {
	run stat -c '%F %t:%T %a' /dev/net/tun
	assert_output "character special file a:c8 666"
}

@test "sandbox: /dev is private: changing a node there leaves the host's alone" {
	run bash -c 'findmnt -n -o SOURCE /dev | tail -n 1'
	assert_output tunown-dev
	# Another inode than the host's node (runtest passes its dev:inode), so a
	# chmod here cannot reach the host.
	[ -n "${TUNOWN_HOST_DEVNULL:-}" ]
	[ "$(stat -c %d:%i /dev/null)" != "$TUNOWN_HOST_DEVNULL" ]
	run stat -c '%F %t:%T %a' /dev/null /dev/zero /dev/urandom
	assert_line --index 0 "character special file 1:3 666"
	assert_line --index 1 "character special file 1:5 666"
	assert_line --index 2 "character special file 1:9 666"
	run bash -c 'echo x >/dev/full'
	assert_failure
	assert_output --partial "No space left on device"
}

@test "sandbox: /run is private" {
	# The sandbox's tmpfs is the last mount on /run: where the host has one
	# there already, findmnt lists both, the host's first.
	run bash -c 'findmnt -n -o SOURCE /run | tail -n 1'
	assert_output tunown-run
	# Nothing of the host's /run shows through: only what the sandbox and tunown make.
	run bash -c "ls -A /run | grep -v -x -E 'netns|mount|tunown-etc\\.[A-Za-z0-9]+|tunown\\.lock|tunown'"
	assert_output ""
}

@test "as_user: the user's ids and groups, no capabilities" {
	run as_user carol sh -c 'id -u; id -g; id -G; grep -E "^Cap(Prm|Eff|Bnd|Amb|Inh)" /proc/self/status'
	assert_success
	assert_line --index 0 1003
	assert_line --index 1 1003
	assert_line --index 2 "1003 1100 1200"
	assert_line --partial "CapEff:	0000000000000000"
	assert_line --partial "CapPrm:	0000000000000000"
	assert_line --partial "CapBnd:	0000000000000000"
}

@test "attach: a device owned by alice attaches for alice, not for bob" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	run as_user alice "$TESTBIN/attach" tap0
	assert_success
	assert_output ok
	run as_user bob "$TESTBIN/attach" tap0
	assert_failure 1
	assert_output EPERM
}

@test "attach: an unknown name is EPERM for a user (a create request)" {
	run as_user alice "$TESTBIN/attach" tap9
	assert_failure 1
	assert_output EPERM
}

@test "hold_device: a held single-queue device is busy, free after release" {
	in_ns ip tuntap add dev tap0 mode tap group kvm
	hold_device alice tap0
	run as_user carol "$TESTBIN/attach" tap0
	assert_output EBUSY
	release_device
	run as_user carol "$TESTBIN/attach" tap0
	assert_output ok
}

@test "runtest: without root the integration tests skip with a reason" {
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all --bounding-set=-all -- \
		"$TESTS_ROOT/lib/runtest" "$BATS_TEST_FILENAME"
	assert_success
	assert_output --regexp '^1\.\.0 # SKIP .*root'
	assert_equal "${#lines[@]}" 1
}

@test "teardown_ns: a process left in the namespace (1/2: leave one)" {
	in_ns sleep 600 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/left.pid"
	for ((i = 0; i < 500; i++)); do
		[ -n "$(ip netns pids "$NS")" ] && break
		sleep 0.02
	done
	assert [ -n "$(ip netns pids "$NS")" ]
}

@test "teardown_ns: a process left in the namespace (2/2: it was ended)" {
	local pid
	pid=$(cat "$BATS_FILE_TMPDIR/left.pid")
	wait "$pid" 2>/dev/null || true
	refute kill -0 "$pid"
}
