#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Input that must not hang, flood or garble: files too big or endless,
# floods of errors, 200,000 addresses; what editors write (a BOM, a comment
# after a header, TAP); one error said once; control characters in names
# escaped in every text output; user names that start with a digit.

load ../lib/common

setup() { setup_conf_ns; }
teardown() { teardown_ns; }

# No raw control character (but the newlines between lines) in $1.
no_raw_control() {
	refute_regex "$1" $'[\x01-\x09\x0b-\x1f\x7f]'
}

# ---- bounds ----

@test "bounds: apply /dev/zero and /dev/urandom end with an error, exit 2" {
	local f
	for f in /dev/zero /dev/urandom; do
		run timeout 60 ip netns exec "$NS" "$TUNOWN" apply --dry-run "$f"
		assert_equal "$status" 2
		run timeout 60 ip netns exec "$NS" "$TUNOWN" apply "$f"
		assert_equal "$status" 2
		assert_output --partial "nothing changed"
		no_raw_control "$output"
	done
	run timeout 60 ip netns exec "$NS" "$TUNOWN" apply /dev/zero
	assert_output --partial "/dev/zero: larger than 16 MiB, the most a configuration file may have"
	run ns_links
	assert_output lo
}

@test "bounds: a file over 16 MiB is refused unread; 16 MiB of comments is fine" {
	truncate -s 17M "$CONF/big.conf"
	run_tunown -2 --separate-stderr apply "$CONF/big.conf"
	assert_contains "$stderr" "$CONF/big.conf: larger than 16 MiB"
	# from standard input the limit holds too
	run bash -c 'head -c 17M /dev/zero | tr "\0" "#" | ip netns exec "$1" "$2" apply -' _ "$NS" "$TUNOWN"
	assert_equal "$status" 2
	assert_output --partial "<stdin>: larger than 16 MiB"
	{ printf '[tap0]\nuser = alice\n'; yes '# padding padding padding padding padding padding padding' | head -c 16000000; } >"$CONF/ok.conf"
	run_tunown -0 apply --dry-run "$CONF/ok.conf"
	assert_output "tap0: would create"
}

@test "bounds: reading stops after 100 errors, with a line that says so" {
	yes 'not a key value line' | head -n 500 >"$CONF/bad.conf"
	run_tunown -2 --separate-stderr apply "$CONF/bad.conf" "$CONF/bad.conf"
	assert_equal "$(grep -c ": expected 'key = value'" <<<"$stderr")" 100
	assert_contains "$stderr" "$CONF/bad.conf:100: stopped after 100 errors: the rest is not read"
	assert_equal "${#stderr_lines[@]}" 102
}

@test "bounds: 200,000 addresses in a section: a dry run, and a repeat found by line" {
	awk 'BEGIN { print "[tap0]"; print "user = alice";
		for (i = 0; i < 200000; i++) printf "address = 10.%d.%d.%d/8\n", int(i / 65536), int(i / 256) % 256, i % 256 }' \
		>"$CONF/many.conf"
	run timeout 60 ip netns exec "$NS" "$TUNOWN" apply --dry-run "$CONF/many.conf"
	assert_success
	assert_output "tap0: would create"
	echo "address = 10.1.2.3/8" >>"$CONF/many.conf"
	run timeout 60 ip netns exec "$NS" "$TUNOWN" apply "$CONF/many.conf"
	assert_equal "$status" 2
	assert_output --partial "$CONF/many.conf:200003: address '10.1.2.3/8': listed twice in this section (first at line 66054)"
	run ns_links
	assert_output lo
}

# ---- what editors and people write ----

@test "lenient: a BOM, a comment after a header, mode = TAP, up = Yes" {
	printf '\xef\xbb\xbf# vms\n[tapa] # vm1\nmode = TAP\nuser = alice\nup = Yes\n\n[vpn0]\t; the vpn\nmode = Tun\nuser = bob\n' >"$CONF/a.conf"
	run_tunown -0 apply --dry-run "$CONF/a.conf"
	assert_output "tapa: would create
vpn0: would create"
	run_tunown -0 apply "$CONF/a.conf"
	assert_equal "$(tun_data tapa type)" tap
	assert_equal "$(tun_data vpn0 type)" tun
	assert_equal "$(tun_data tapa user)" alice
	run_tunown -0 apply "$CONF/a.conf"
	assert_output "tapa: unchanged
vpn0: unchanged"
}

@test "one error is said once: a faulty owner line is not followed by 'has no owner'" {
	local line
	for line in 'usr = alice' 'user alice' $'user = alice\x01' 'user = nosuchuser'; do
		printf '[tap0]\n%s\nmtu = 1400\n' "$line" >"$CONF/bad.conf"
		run_tunown -2 --separate-stderr apply "$CONF/bad.conf"
		assert_equal "$(grep -c "^$CONF/bad.conf:" <<<"$stderr")" 1
		assert_contains "$stderr" "$CONF/bad.conf:2: "
		[[ "$stderr" != *"no owner"* ]]
	done
	# a NUL byte in the owner's line
	printf '[tap0]\nuser = alice\0\n' >"$CONF/bad.conf"
	run_tunown -2 --separate-stderr apply "$CONF/bad.conf"
	assert_equal "$(grep -c "^$CONF/bad.conf:" <<<"$stderr")" 1
	assert_contains "$stderr" "$CONF/bad.conf:2: contains a NUL byte"
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
