#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The completions, driven through the real shells: bash with bash-completion,
# zsh's completion system in a pseudo-terminal, fish's complete -C. Device
# names from a real namespace are in tests/integration/60-completions.bats;
# here a stand-in tunown prints the JSON, to test the parsing of it.

load ../lib/common
load ../lib/complete

COMMANDS="add del list show check apply help"

setup() {
	completion_path
}

# A "tunown" first in $PATH that answers `list --json` with canned JSON
# (names in compact and pretty-printed objects, and decoy *_name keys), and
# an "ip" that lists two namespaces. Both log their arguments.
fake_tools() {
	local dir=$BATS_TEST_TMPDIR/fake

	mkdir -p "$dir"
	cat >"$dir/tunown" <<-'FAKE'
	#!/bin/sh
	echo "$*" >>"$(dirname "$0")/tunown.log"
	case "$*" in
	"list --json")
		printf '%s\n' '[{"name":"tap0","owner_name":"alice","group_name":"kvm"},'
		printf '%s\n' '  {' '    "name": "tun-vpn",' '    "owner_name": "bob"' '  }]'
		;;
	"list --json --netns blue")
		echo '[{"name":"bluetap","owner_name":"carol"}]'
		;;
	*)	exit 2 ;;
	esac
	FAKE
	cat >"$dir/ip" <<-'FAKE'
	#!/bin/sh
	[ "$*" = "netns list" ] || exit 1
	printf 'blue (id: 0)\nred\n'
	FAKE
	chmod +x "$dir/tunown" "$dir/ip"
	PATH=$dir:$PATH
}

# The long options `tunown CMD --help` prints (`tunown --help` without CMD).
# `tunown help --help` prints the general usage, so "help" is left out of
# the walks below: "" covers it.
help_options() {
	"$TUNOWN" $1 --help | grep -o -- '--[a-z][a-z-]*' | sort -u
}

# Fails naming every line of $1 (a list) missing from $2.
assert_subset() {
	local missing

	missing=$(comm -23 <(sort -u <<<"$1") <(sort -u <<<"$2"))
	if [ -n "$missing" ]; then
		echo "missing: $missing" >&2
		echo "offered: $2" >&2
		return 1
	fi
}

@test "bash: commands, and help's argument" {
	run complete_bash tunown ""
	assert_success
	assert_output "$(tr ' ' '\n' <<<"$COMMANDS" | sort)"
	run complete_bash tunown de
	assert_output del
	run complete_bash tunown help ch
	assert_output check
}

@test "bash: every option of every command's --help is offered after --" {
	local cmd
	for cmd in "" ${COMMANDS% help}; do
		echo "# tunown $cmd --"
		run complete_bash tunown $cmd --
		assert_success
		assert_subset "$(help_options "$cmd")" "$output"
	done
}

@test "bash: only the options of that command" {
	run complete_bash tunown list --
	refute_line --user
	refute_line --prune
	run complete_bash tunown apply --
	refute_line --netns
	assert_line --dry-run
}

@test "bash: users, groups, files, namespaces" {
	fake_tools
	run complete_bash tunown add tap0 --user roo
	assert_output root
	run complete_bash tunown check tap0 --as roo
	assert_output root
	run complete_bash tunown add tap0 --group roo
	assert_output root
	run complete_bash tunown add tap0 --address ""
	assert_output ""
	touch "$BATS_TEST_TMPDIR/a.conf" "$BATS_TEST_TMPDIR/b.conf"
	run complete_bash tunown apply "$BATS_TEST_TMPDIR/"
	assert_line "$BATS_TEST_TMPDIR/a.conf"
	assert_line "$BATS_TEST_TMPDIR/b.conf"
	run complete_bash tunown list --netns ""
	assert_output "$(printf 'blue\nred')"
}

@test "bash: device names from 'tunown list --json', in the --netns given" {
	fake_tools
	run complete_bash tunown del ""
	assert_output "$(printf 'tap0\ntun-vpn')"
	run complete_bash tunown show t
	assert_output "$(printf 'tap0\ntun-vpn')"
	run complete_bash tunown check tun
	assert_output tun-vpn
	run complete_bash tunown del tap0 ""
	assert_line tun-vpn
	run complete_bash tunown show tap0 ""
	assert_output ""
	run complete_bash tunown show --netns blue ""
	assert_output bluetap
	run complete_bash tunown add ""
	assert_output ""
}

@test "zsh: commands, options and arguments" {
	fake_tools
	run complete_zsh "tunown "
	assert_success
	assert_output "$(tr ' ' '\n' <<<"$COMMANDS" | sort)"
	run complete_zsh "tunown de"
	assert_output del
	run complete_zsh "tunown add tap0 --user roo"
	assert_output root
	run complete_zsh "tunown add tap0 --group roo"
	assert_output root
	run complete_zsh "tunown list --netns "
	assert_output "$(printf 'blue\nred')"
	run complete_zsh "tunown help "
	assert_output "$(tr ' ' '\n' <<<"$COMMANDS" | sort)"
}

@test "zsh: every option of every command's --help is offered after --" {
	local cmd
	for cmd in "" ${COMMANDS% help}; do
		echo "# tunown $cmd --"
		run complete_zsh "tunown $cmd --"
		assert_success
		assert_subset "$(help_options "$cmd")" "$output"
	done
}

@test "zsh: device names from 'tunown list --json', in the --netns given" {
	fake_tools
	run complete_zsh "tunown del "
	assert_output "$(printf 'tap0\ntun-vpn')"
	run complete_zsh "tunown show tu"
	assert_output tun-vpn
	run complete_zsh "tunown show --netns blue "
	assert_output bluetap
}

@test "fish: commands, options and arguments" {
	fake_tools
	run complete_fish "tunown de"
	assert_success
	assert_output del
	run complete_fish "tunown "
	assert_output "$(tr ' ' '\n' <<<"$COMMANDS" | sort)"
	run complete_fish "tunown add tap0 --user roo"
	assert_output root
	run complete_fish "tunown add tap0 --group roo"
	assert_output root
	run complete_fish "tunown list --netns "
	assert_output "$(printf 'blue\nred')"
	touch "$BATS_TEST_TMPDIR/a.conf"
	run complete_fish "tunown apply $BATS_TEST_TMPDIR/a"
	assert_output "$BATS_TEST_TMPDIR/a.conf"
}

@test "fish: every option of every command's --help is offered after --" {
	local cmd
	for cmd in "" ${COMMANDS% help}; do
		echo "# tunown $cmd --"
		run complete_fish "tunown $cmd --"
		assert_success
		assert_subset "$(help_options "$cmd")" "$output"
	done
}

@test "fish: device names from 'tunown list --json', in the --netns given" {
	fake_tools
	run complete_fish "tunown del "
	assert_output "$(printf 'tap0\ntun-vpn')"
	run complete_fish "tunown show --netns blue "
	assert_output bluetap
	run complete_fish "tunown show tap0 "
	assert_output ""
}
