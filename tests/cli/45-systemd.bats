#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# contrib/systemd/tunown.service, as make install puts it in place, passes
# systemd-analyze verify and is the boot unit issue 4 asks for.

load ../lib/common

setup() {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
	[ -e "$SRC_ROOT/contrib/systemd/tunown.service" ] || skip "no contrib/systemd/tunown.service"
	# A real prefix (no DESTDIR), so that ExecStart= names a binary that exists.
	ROOT=$BATS_TEST_TMPDIR/root
	make -C "$SRC_ROOT" --no-print-directory install PREFIX="$ROOT/usr" \
		BASHCOMPDIR="$ROOT/bash" FISHCOMPDIR="$ROOT/fish" SYSTEMDUNITDIR="$ROOT/units" >/dev/null
	UNITFILE=$ROOT/units/tunown.service
}

# systemd-analyze verify UNIT, finding the installed man pages when man(1)
# is there to look them up (Documentation=man:...), else without that check.
verify() {
	if command -v man >/dev/null; then
		MANPATH=$ROOT/usr/share/man systemd-analyze verify "$@"
	else
		systemd-analyze verify --man=no "$@"
	fi
}

@test "systemd unit: the installed unit passes systemd-analyze verify, without a warning" {
	run verify "$UNITFILE"
	assert_success
	assert_output ""
}

@test "systemd unit: verify does fail a unit whose tunown is not there" {
	sed 's%^\(Exec[A-Za-z]*=\)[^ ]*%\1/nonexistent/tunown%' "$UNITFILE" >"$BATS_TEST_TMPDIR/tunown.service"
	run verify "$BATS_TEST_TMPDIR/tunown.service"
	assert_failure
	assert_output --partial /nonexistent/tunown
}

@test "systemd unit: a oneshot that stays active, runs apply from BINDIR, before network-pre.target" {
	local unit
	unit=$(cat "$UNITFILE")
	key() {
		grep -E "^$1=" <<<"$unit" | sed "s/^$1=//"
	}
	assert_equal "$(key Type)" oneshot
	assert_equal "$(key RemainAfterExit)" yes
	assert_equal "$(key ExecStart)" "$ROOT/usr/sbin/tunown apply"
	assert_equal "$(key ExecReload)" "$ROOT/usr/sbin/tunown apply"
	assert_contains " $(key Before) " " network-pre.target "
	assert_contains " $(key Wants) " " network-pre.target "
	# Stopping leaves the devices: nothing runs on stop.
	assert_equal "$(key ExecStop)" ""
	assert_equal "$(key ExecStopPost)" ""
	# And the ExecStart it names is the binary install put there.
	run "$ROOT/usr/sbin/tunown" apply --help
	assert_success
}

@test "systemd unit: ordered after user lookup (LDAP/SSSD users), and says how to order after named namespaces" {
	local unit
	unit=$(cat "$UNITFILE")
	key() {
		grep -E "^$1=" <<<"$unit" | sed "s/^$1=//"
	}
	assert_contains " $(key After) " " nss-user-lookup.target "
	assert_contains " $(key Wants) " " nss-user-lookup.target "
	assert_contains "$unit" "After=netns@"
	# systemd agrees: the target is among the unit's After= and Wants= dependencies,
	# and ordering after it makes no cycle.
	run systemd-analyze verify --man=no "$UNITFILE"
	assert_success
	refute_output --partial cycle
}
