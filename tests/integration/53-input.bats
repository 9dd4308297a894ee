#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Input that must not garble the output: control characters in names
# escaped in every text output; user names that start with a digit.

load ../lib/common

setup() {
	setup_ns
	CONF=$BATS_TEST_TMPDIR
}

teardown() {
	teardown_ns
}

# No raw control character (but the newlines between lines) in $1.
no_raw_control() {
	refute_regex "$1" $'[\x01-\x09\x0b-\x1f\x7f]'
}

# ---- control characters in every text output ----

@test "escaped: a device named with an escape sequence, in list, show, check and prune" {
	local esc=$'tap\e[7m'
	in_ns ip tuntap add dev "$esc" mode tap || skip "the kernel refuses the name"
	run_tunown -0 list
	assert_output --partial 'tap\x1b[7m'
	no_raw_control "$output"
	run_tunown -0 check --all
	assert_output --partial 'tap\x1b[7m'
	no_raw_control "$output"
	# a similar name in check's message
	run_tunown -1 check tap --as alice
	assert_output --partial 'similar names: tap\x1b[7m'
	no_raw_control "$output"
	# JSON keeps the real name
	run_tunown -0 list --json
	assert_equal "$(jq -r '.[0].name' <<<"$output")" "$esc"
	# a device tunown marks, pruned: its name in apply's result line
	in_ns ip link set dev "$esc" alias tunown
	: >"$CONF/empty.conf"
	run_tunown -0 apply --prune --allow-empty --dry-run "$CONF/empty.conf"
	assert_output 'tap\x1b[7m: would delete'
	run_tunown -0 apply --prune --allow-empty "$CONF/empty.conf"
	assert_output 'tap\x1b[7m: deleted'
	run ns_links
	assert_output lo
}

@test "escaped: a holder's command name in list, show and check" {
	local dir comm=$'at\e[1mx'
	run_tunown -0 add tap0 --user alice
	# the command name is the executable's: a copy of attach named with an escape
	dir=$(mktemp -d /tmp/tunown-comm.XXXXXX)
	chmod 0755 "$dir"
	cp "$TESTBIN/attach" "$dir/$comm"
	ATTACH_BIN=$dir/$comm hold_device alice tap0
	run_tunown -0 list
	assert_output --partial '(at\x1b[1mx,alice)'
	no_raw_control "$output"
	run_tunown -0 show tap0
	assert_output --partial 'at\x1b[1mx'
	no_raw_control "$output"
	run_tunown -1 check tap0 --as alice
	assert_output --partial 'at\x1b[1mx'
	no_raw_control "$output"
	release_device
	rm -rf "$dir"
}

@test "escaped: a file name with a newline and an escape, in every error line" {
	local name=$'x\ny\e[31m.conf'
	printf '[tap0]\nuser = alice\ncolour = red\n[tap0]\nuser = bob\n' >"$CONF/$name"
	run_tunown -2 --separate-stderr apply "$CONF/$name"
	no_raw_control "$stderr"
	assert_contains "$stderr" 'x\x0ay\x1b[31m.conf:3: unknown key'
	assert_contains "$stderr" 'x\x0ay\x1b[31m.conf:4: device '"'tap0'"' already defined at '"$CONF"'/x\x0ay\x1b[31m.conf:1'
	# one line per error, the closing one, nothing else
	assert_equal "${#stderr_lines[@]}" 3
	# a file that cannot be opened
	run_tunown -2 --separate-stderr apply "$CONF/$name.missing"
	no_raw_control "$stderr"
	assert_contains "$stderr" 'x\x0ay\x1b[31m.conf.missing: cannot open'
}

# ---- user names that start with a digit ----

# with_ids CMD...: CMD where the databases also have the user 1alice (uid
# 1004) and the group 7wheel (gid 1300), through bind mounts in a mount
# namespace of its own.
with_ids() {
	cp /etc/passwd "$BATS_TEST_TMPDIR/passwd"
	cp /etc/group "$BATS_TEST_TMPDIR/group"
	echo '1alice:x:1004:1004::/nonexistent:/usr/sbin/nologin' >>"$BATS_TEST_TMPDIR/passwd"
	echo '7wheel:x:1300:' >>"$BATS_TEST_TMPDIR/group"
	unshare --mount --propagation private -- bash -c '
		mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group || exit 99
		shift
		exec "$@"' with_ids "$BATS_TEST_TMPDIR" "$@"
}

@test "ids: a name that starts with a digit is a name; digits only are an id" {
	run with_ids ip netns exec "$NS" "$TUNOWN" add tap0 --user 1alice --group 7wheel
	assert_success
	assert_equal "$(link_field tap0 .linkinfo.info_data.user)" 1004
	assert_equal "$(link_field tap0 .linkinfo.info_data.group)" 1300
	run with_ids ip netns exec "$NS" "$TUNOWN" add tap1 --user 1001
	assert_success
	assert_equal "$(tun_data tap1 user)" alice
	printf '[tap2]\nuser = 1alice\n' >"$CONF/a.conf"
	run with_ids ip netns exec "$NS" "$TUNOWN" apply "$CONF/a.conf"
	assert_success
	assert_equal "$(link_field tap2 .linkinfo.info_data.user)" 1004
	# an unknown one is "no such user", not "not a number"
	run_tunown -2 add tap3 --user 1nosuch
	assert_output --partial "user '1nosuch': no such user"
	run_tunown -2 add tap3 --user 12345678901
	assert_output --partial "outside 0..4294967294"
}
