#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make install into a DESTDIR puts exactly the expected files in the
# expected places with the right modes, where the shells find them, and
# make uninstall takes every one of them away again.

load ../lib/common

setup() {
	DEST=$BATS_TEST_TMPDIR/dest
	mkdir -p "$DEST"
}

pkgvar() {
	pkg-config --variable="$1" "$2" 2>/dev/null || true
}

# The files install should create for PREFIX=$1 (relative to DESTDIR), with
# the directories that pkg-config reports where it knows them.
expected_files() {
	local prefix=$1 bashdir fishdir unitdir
	bashdir=$(pkgvar completionsdir bash-completion)
	fishdir=$(pkgvar completionsdir fish)
	unitdir=$(pkgvar systemdsystemunitdir systemd)
	echo "$prefix/sbin/tunown"
	echo /usr/lib/cni/tunown
	echo "$prefix/share/man/man8/tunown.8"
	echo "$prefix/share/man/man7/tunown-cni.7"
	echo "$prefix/share/man/man5/tunown.conf.5"
	echo "${bashdir:-$prefix/share/bash-completion/completions}/tunown"
	echo "$prefix/share/zsh/site-functions/_tunown"
	echo "${fishdir:-$prefix/share/fish/vendor_completions.d}/tunown.fish"
	[ -e "$SRC_ROOT/contrib/systemd/tunown.service" ] &&
		echo "${unitdir:-$prefix/lib/systemd/system}/tunown.service"
	[ -e "$SRC_ROOT/contrib/tunown.conf.example" ] &&
		echo "$prefix/share/doc/tunown/tunown.conf.example"
	true
}

installed_files() {
	(cd "$DEST" && find . \( -type f -o -type l \) | sed 's/^\.//' | sort)
}

mk() {
	make -C "$SRC_ROOT" --no-print-directory "$@"
}

@test "make install DESTDIR: exactly the expected files, with their modes" {
	run mk install DESTDIR="$DEST"
	assert_success
	run installed_files
	assert_output "$(expected_files /usr/local | sort)"

	[ "$(stat -c %a "$DEST/usr/local/sbin/tunown")" = 755 ]
	local f
	for f in $(expected_files /usr/local | grep -v -e /sbin/ -e /cni/); do
		[ "$(stat -c %a "$DEST$f")" = 644 ] || fail "$f: mode $(stat -c %a "$DEST$f")"
	done
	cmp "$SRC_ROOT/man/tunown.8" "$DEST/usr/local/share/man/man8/tunown.8"
	# The CNI plugin is the same binary, by a link where runtimes look.
	assert_equal "$(readlink "$DEST/usr/lib/cni/tunown")" /usr/local/sbin/tunown
	cmp "$SRC_ROOT/completions/tunown.bash" "$DEST$(expected_files /usr/local | grep bash-completion)"
	run "$DEST/usr/local/sbin/tunown" --version
	assert_success
}

@test "make uninstall removes everything install put there" {
	mk install DESTDIR="$DEST"
	[ -n "$(installed_files)" ]
	run mk uninstall DESTDIR="$DEST"
	assert_success
	run installed_files
	assert_output ""
	[ ! -e "$DEST/usr/local/share/doc/tunown" ]
	# And a second uninstall finds nothing to complain about.
	run mk uninstall DESTDIR="$DEST"
	assert_success
}

@test "PREFIX, BINDIR, MANDIR and the completion directories can be set" {
	run mk install DESTDIR="$DEST" PREFIX=/opt/t BINDIR=/opt/t/bin MANDIR=/opt/t/man \
		BASHCOMPDIR=/opt/t/bash ZSHCOMPDIR=/opt/t/zsh FISHCOMPDIR=/opt/t/fish \
		SYSTEMDUNITDIR=/opt/t/units CNI_BINDIR=/opt/cni/bin
	assert_success
	assert_equal "$(readlink "$DEST/opt/cni/bin/tunown")" /opt/t/bin/tunown
	run installed_files
	local expected="/opt/t/bin/tunown
/opt/cni/bin/tunown
/opt/t/man/man7/tunown-cni.7
/opt/t/man/man8/tunown.8
/opt/t/man/man5/tunown.conf.5
/opt/t/bash/tunown
/opt/t/zsh/_tunown
/opt/t/fish/tunown.fish"
	[ -e "$SRC_ROOT/contrib/systemd/tunown.service" ] &&
		expected+=$'\n/opt/t/units/tunown.service'
	[ -e "$SRC_ROOT/contrib/tunown.conf.example" ] &&
		expected+=$'\n/opt/t/share/doc/tunown/tunown.conf.example'
	assert_output "$(sort <<<"$expected")"
	run mk uninstall DESTDIR="$DEST" PREFIX=/opt/t BINDIR=/opt/t/bin MANDIR=/opt/t/man \
		BASHCOMPDIR=/opt/t/bash ZSHCOMPDIR=/opt/t/zsh FISHCOMPDIR=/opt/t/fish \
		SYSTEMDUNITDIR=/opt/t/units CNI_BINDIR=/opt/cni/bin
	assert_success
	run installed_files
	assert_output ""
}

@test "the installed unit runs the tunown of BINDIR" {
	[ -e "$SRC_ROOT/contrib/systemd/tunown.service" ] || skip "no contrib/systemd/tunown.service yet"
	local bindir unit execs
	for bindir in /usr/local/sbin /opt/t/bin; do
		rm -rf "$DEST"
		mk install DESTDIR="$DEST" BINDIR="$bindir" SYSTEMDUNITDIR=/units
		unit=$DEST/units/tunown.service
		execs=$(grep '^Exec' "$unit")
		[ -n "$execs" ]
		run grep -v -E "^Exec[A-Za-z]*=[-@:+!]*$bindir/tunown( |\$)" <<<"$execs"
		assert_output ""
		# Nothing else changed.
		diff <(grep -v '^Exec' "$SRC_ROOT/contrib/systemd/tunown.service") \
			<(grep -v '^Exec' "$unit")
	done
}

@test "the shells find the installed completions by the command's name" {
	mk install DESTDIR="$DEST" PREFIX=/usr BASHCOMPDIR=/usr/share/bash-completion/completions \
		FISHCOMPDIR=/usr/share/fish/vendor_completions.d
	# bash-completion loads completions/NAME on first use, from XDG_DATA_DIRS.
	run env XDG_DATA_DIRS="$DEST/usr/share" bash --norc --noprofile -c '
		. /usr/share/bash-completion/bash_completion
		__load_completion tunown && complete -p tunown'
	assert_output "complete -F _tunown tunown"
	run zsh -f -c "fpath=($DEST/usr/share/zsh/site-functions \$fpath)
		autoload -Uz compinit && compinit -u -D && print -r -- \$_comps[tunown]"
	assert_output _tunown
	# fish autoloads completions only for a command it finds, from
	# XDG_DATA_DIRS; a private HOME keeps the caller's fish setup out.
	run env HOME="$BATS_TEST_TMPDIR" XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config" \
		XDG_DATA_DIRS="$DEST/usr/share" PATH="$DEST/usr/sbin:$PATH" \
		fish -c 'complete -C "tunown apply --dr"'
	assert_output --partial --dry-run
}

@test "V=1 shows the full commands" {
	run mk install DESTDIR="$DEST" V=1
	assert_success
	assert_line --regexp '^ *install .*tunown'
	run mk install DESTDIR="$DEST"
	refute_line --regexp '^ *install '
}
