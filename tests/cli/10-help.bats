#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The command line's own answers: --help, -h and `help CMD` for every command,
# --version, and one-line usage errors with exit status 2 for unknown
# commands, unknown options and options missing their value. As root the
# binary runs in a fresh network namespace, so a regression that acts instead
# of refusing cannot touch the host.

load ../lib/common

COMMANDS="add del list show check apply help"

tunown() {
	if [ "$(id -u)" = 0 ]; then
		unshare --net -- "$TUNOWN" "$@"
	else
		"$TUNOWN" "$@"
	fi
}

# Status 2 and exactly one line on stderr, naming $1 and pointing to --help;
# nothing on stdout.
assert_usage_error() {
	local word=$1

	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == *"$word"* ]] || fail "stderr does not name '$word': $stderr"
	[[ $stderr == *--help* ]] || fail "stderr does not point to --help: $stderr"
	[[ $stderr == tunown:* ]] || fail "stderr does not start with 'tunown:': $stderr"
}

@test "tunown --help and -h: usage naming every command, exit 0" {
	local opt cmd
	for opt in --help -h; do
		run --separate-stderr tunown $opt
		assert_success
		assert_output --regexp '^Usage: tunown '
		for cmd in $COMMANDS; do
			assert_line --regexp "^ +$cmd "
		done
		assert_equal "$stderr" ""
	done
}

@test "tunown help: the same as tunown --help" {
	run --separate-stderr tunown --help
	local expected=$output
	run --separate-stderr tunown help
	assert_success
	assert_output "$expected"
}

@test "every command answers --help and -h with its own usage, exit 0" {
	local cmd opt
	for cmd in $COMMANDS; do
		for opt in --help -h; do
			echo "# tunown $cmd $opt"
			run --separate-stderr tunown $cmd $opt
			assert_success
			assert_equal "$stderr" ""
			if [ "$cmd" = help ]; then
				assert_output --regexp '^Usage: tunown '
			else
				assert_output --regexp "^Usage: tunown $cmd( |\$)"
			fi
		done
	done
}

@test "tunown help CMD says what tunown CMD --help says" {
	local cmd
	for cmd in ${COMMANDS% help}; do
		echo "# tunown help $cmd"
		run --separate-stderr tunown $cmd --help
		local expected=$output
		run --separate-stderr tunown help $cmd
		assert_success
		assert_output "$expected"
	done
}

@test "--help wins over anything else on the line" {
	local cmd
	for cmd in ${COMMANDS% help}; do
		echo "# tunown $cmd NAME --help"
		run --separate-stderr tunown $cmd tunown-h0 --help
		assert_success
		assert_output --regexp "^Usage: tunown $cmd( |\$)"
	done
}

@test "an unknown option: one line naming it, a pointer to --help, exit 2" {
	local cmd
	for cmd in $COMMANDS; do
		echo "# tunown $cmd --no-such-option"
		run --separate-stderr tunown $cmd --no-such-option
		assert_usage_error --no-such-option
	done
	for cmd in add del show check; do
		echo "# tunown $cmd tunown-h0 --no-such-option"
		run --separate-stderr tunown $cmd tunown-h0 --no-such-option
		assert_usage_error --no-such-option
	done
	run --separate-stderr tunown --no-such-option
	assert_usage_error --no-such-option
}

@test "an option without its value: one line naming it, exit 2" {
	local cmd opt
	for cmd_opt in add:--user add:--group add:--address add:--peer add:--mtu \
		add:--mac add:--netns del:--netns list:--netns show:--netns \
		check:--as check:--pid check:--binary check:--netns; do
		cmd=${cmd_opt%%:*} opt=${cmd_opt#*:}
		echo "# tunown $cmd tunown-h0 $opt"
		run --separate-stderr tunown $cmd tunown-h0 $opt
		assert_usage_error "$opt"
	done
}

@test "an unknown command: one line naming it, exit 2" {
	run --separate-stderr tunown frobnicate
	assert_usage_error frobnicate
	run --separate-stderr tunown help frobnicate
	assert_usage_error frobnicate
	# No abbreviations.
	run --separate-stderr tunown sh tap0
	assert_usage_error "'sh'"
}

@test "no command: the usage on stderr, exit 2" {
	run --separate-stderr tunown
	assert_failure 2
	assert_output ""
	[[ $stderr == *Usage:* ]]
}

@test "--version prints the Makefile's VERSION" {
	local version
	version=$(sed -n 's/^VERSION[[:space:]]*:\{0,1\}=[[:space:]]*//p' "$SRC_ROOT/Makefile")
	[ -n "$version" ]
	run --separate-stderr tunown --version
	assert_success
	assert_output "tunown $version"
}
