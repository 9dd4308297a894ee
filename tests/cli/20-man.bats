#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The manual pages: clean under mandoc -Tlint at every level, and in step
# with the program. Every long option that `tunown CMD --help` prints, every
# command, every cause code of `check` and every key of the apply file must
# be documented, and every option must be known to the three completions.

load ../lib/common

MAN8=$SRC_ROOT/man/tunown.8
MAN5=$SRC_ROOT/man/tunown.conf.5
MAN7=$SRC_ROOT/man/tunown-cni.7
COMMANDS="add del list show check apply help"

# mandoc -Tlint at the style level. Two kinds of message depend on the host,
# not on the page, and are left out: "referenced manual not found" for a page
# of another package that this host does not install (Debian ships no
# ip-tuntap(8); our own pages are only found once installed), and notes about
# the host's mandoc.db. Our own cross-references are checked separately.
lint() {
	local out
	out=$(mandoc -Tlint -Wstyle "$1" 2>&1)
	grep -v -e 'STYLE: referenced manual not found: Xr ' -e 'mandoc.db' <<<"$out" || true
}

# The page as a reader sees it.
render() {
	mandoc -Tascii "$1" | sed 's/.\x08//g'
}

# The long options `tunown CMD --help` prints (`tunown --help` without CMD).
help_options() {
	"$TUNOWN" $1 --help | grep -o -- '--[a-z][a-z-]*' | sort -u
}

all_help_options() {
	local cmd
	for cmd in "" ${COMMANDS% help}; do
		help_options "$cmd"
	done | sort -u
}

# Fails naming each word of $1 that the text $2 lacks as a whole word.
assert_all_words() {
	local missing="" w
	for w in $1; do
		grep -q -E -- "(^|[^a-z-])$w([^a-z-]|\$)" <<<"$2" || missing+=" $w"
	done
	[ -z "$missing" ] || fail "missing:$missing"
}

@test "tunown.8 is clean under mandoc -Tlint" {
	run lint "$MAN8"
	assert_output ""
}

@test "tunown.conf.5 is clean under mandoc -Tlint" {
	run lint "$MAN5"
	assert_output ""
}

@test "tunown-cni.7 is clean under mandoc -Tlint" {
	run lint "$MAN7"
	assert_output ""
}

@test "the pages refer to each other, and to nothing else of ours" {
	grep -q '^\.Xr tunown\.conf 5' "$MAN8"
	grep -q '^\.Xr tunown-cni 7' "$MAN8"
	grep -q '^\.Xr tunown 8' "$MAN5"
	grep -q '^\.Xr tunown 8' "$MAN7"
	run grep -h -o '^\.Xr tunown[^ ]* [0-9]' "$MAN8" "$MAN5" "$MAN7"
	refute_output --regexp 'tunown[^ .-]|tunown\.[^c]|tunown-[^c]'
}

@test "tunown-cni.7 documents every key of the plugin's configuration and every error code" {
	local keys k codes c text
	keys=$(sed -n 's/^#define OWN_KEYS "\(.*\)"/\1/p' "$SRC_ROOT/src/cni-conf.c" | tr -d ,)
	[ "$(wc -w <<<"$keys")" -ge 13 ]
	for k in $keys; do
		grep -q -E "^\.It Ic ([a-zA-Z]+ , )*$k( |\$)" "$MAN7" || fail "no key $k"
	done
	codes=$(sed -n 's/^\tCNI_ERR_[A-Z_]* = \([0-9]*\),.*/\1/p' "$SRC_ROOT/src/cni.h")
	[ "$(wc -w <<<"$codes")" -ge 14 ]
	text=$(sed -n '/^\.Sh DIAGNOSTICS/,/^\.Sh/p' "$MAN7")
	for c in $codes; do
		grep -q -x "\.It $c" <<<"$text" || fail "no code $c"
	done
}

@test "tunown.8 documents every option of every command's --help" {
	local opts
	opts=$(all_help_options)
	[ "$(wc -l <<<"$opts")" -gt 10 ]
	assert_all_words "$opts" "$(render "$MAN8")"
}

@test "tunown.8 documents each command's options under that command" {
	local synopsis cmd
	synopsis=$(render "$MAN8" | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p')
	for cmd in ${COMMANDS% help}; do
		echo "# $cmd"
		# The synopsis line(s) of cmd: from "tunown cmd" to the next "tunown".
		local lines
		lines=$(awk -v c="$cmd" '
			$1 == "tunown" { on = ($2 == c) }
			on { print }' <<<"$synopsis")
		[ -n "$lines" ]
		assert_all_words "$(help_options "$cmd" | grep -v -x -e --help)" "$lines"
	done
}

@test "tunown.8 names every command, exit status and SEE ALSO page" {
	local text cmd
	text=$(render "$MAN8")
	for cmd in $COMMANDS; do
		grep -q -E "^ +$cmd( |\$)" <<<"$text" || fail "no entry for $cmd"
	done
	for s in 'EXIT STATUS' EXAMPLES 'SEE ALSO' 'SECURITY CONSIDERATIONS' FILES; do
		grep -q "^$s\$" <<<"$text" || fail "no section $s"
	done
	for xr in 'ip-tuntap 8' 'capabilities 7' 'systemd.netdev 5' 'tunown.conf 5'; do
		grep -q "^\.Xr $xr" "$MAN8" || fail "no .Xr $xr"
	done
	for flag in IFF_TUN IFF_TAP IFF_NO_PI IFF_VNET_HDR IFF_MULTI_QUEUE IFF_TUN_EXCL EPERM; do
		grep -q -w "$flag" <<<"$text" || fail "no $flag"
	done
}

@test "tunown.8 lists every cause code that check can report" {
	local codes
	codes=$(grep -h -o -E '(add\([a-z&]+, |\.code = )"[a-z-]+"' "$SRC_ROOT"/src/*.c |
		grep -o -E '"[a-z-]+"' | tr -d '"' | sort -u)
	[ "$(wc -w <<<"$codes")" -gt 10 ] || skip "src/diagnose.c has no cause codes yet"
	local missing="" c
	for c in $codes; do
		grep -q -x -F ".It Cm ${c//-/\\-}" "$MAN8" || missing+=" $c"
	done
	[ -z "$missing" ] || fail "not in tunown.8:$missing"
}

@test "tunown.conf.5 documents every key of the apply file" {
	local keys k
	keys=$(sed -n 's/^[[:space:]]*\[K_[A-Z_]*\] = { "\([a-z-]*\)".*/\1/p' "$SRC_ROOT/src/config.c")
	[ "$(wc -w <<<"$keys")" -ge 13 ]
	for k in $keys; do
		grep -q -E "^\.It Ic $k No =" "$MAN5" || fail "no key $k"
	done
}

@test "every option of every command's --help is in each completion file" {
	local opts
	opts=$(all_help_options)
	assert_all_words "$opts" "$(cat "$SRC_ROOT/completions/tunown.bash")"
	assert_all_words "$opts" "$(cat "$SRC_ROOT/completions/_tunown")"
	# fish spells a long option "-l NAME".
	assert_all_words "$(sed 's/^--/-l /' <<<"$opts")" "$(cat "$SRC_ROOT/completions/tunown.fish")"
}

@test "every command is in each completion file" {
	local cmd f
	for f in tunown.bash _tunown tunown.fish; do
		for cmd in $COMMANDS; do
			grep -q -w -- "$cmd" "$SRC_ROOT/completions/$f" || fail "$f lacks $cmd"
		done
	done
}
