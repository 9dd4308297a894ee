# SPDX-License-Identifier: MIT
# Drive the real shells' completion of tunown. Loaded after common.bash.
#   complete_bash WORD...   the words of a command line, the last one the word
#                           being completed ("" for a new one); prints COMPREPLY
#   complete_zsh LINE       zsh's matches for LINE (cursor at the end)
#   complete_fish LINE      fish's `complete -C LINE`, candidates only
# Each prints one candidate a line, sorted. The command word "tunown" is found
# through $PATH, which completion_path puts first: a directory holding a
# "tunown" that runs $TUNOWN. Set COMPLETE_IN=in_ns to run the shell inside $NS.

COMPLETE_IN=${COMPLETE_IN:-}

completion_path() {
	local dir=$BATS_TEST_TMPDIR/bin

	mkdir -p "$dir"
	ln -sf "$TUNOWN" "$dir/tunown"
	PATH=$dir:$PATH
	export PATH
}

complete_bash() {
	local -
	set -o pipefail
	$COMPLETE_IN env PATH="$PATH" bash --norc --noprofile -c '
		. /usr/share/bash-completion/bash_completion || exit 1
		. "$1" || exit 1
		shift
		[ "$(complete -p tunown)" = "complete -F _tunown tunown" ] || exit 1
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		_tunown tunown "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$SRC_ROOT/completions/tunown.bash" "$@" |
		sed '/^$/d' | sort -u
}

complete_zsh() {
	local -
	set -o pipefail
	$COMPLETE_IN env PATH="$PATH" timeout 60 zsh -f "$TESTS_ROOT/lib/zsh-complete" \
		"$SRC_ROOT/completions" "$1"
}

complete_fish() {
	local -
	set -o pipefail
	$COMPLETE_IN env PATH="$PATH" fish --no-config -c \
		'source $argv[1]; and complete -C $argv[2]' \
		"$SRC_ROOT/completions/tunown.fish" "$1" | cut -f1 | sort -u
}
