# SPDX-License-Identifier: MIT
# bash completion for tunown(8). Works with bash-completion loaded and without it.

_tunown_commands="add del list show check apply help"

# The options of one command, as `tunown CMD --help` lists them.
_tunown_options()
{
	case $1 in
	add)	echo "--tun --tap --user --group --address --peer --route --mtu --mac" \
		     "--multi-queue --vnet-hdr --pi --up --down --any-user --adopt --netns --help" ;;
	del)	echo "--force --if-exists --netns --help" ;;
	list)	echo "--json --netns --help" ;;
	show)	echo "--json --netns --help" ;;
	check)	echo "--all --as --pid --tun --tap --multi-queue --binary --no-probe --json" \
		     "--netns --help" ;;
	apply)	echo "--dry-run --prune --allow-empty --json --help" ;;
	help)	echo "--help" ;;
	*)	echo "--help --version" ;;
	esac
}

# The tun/tap devices `tunown list --json` reports, in the namespace named
# by --netns on the command line if there is one. No jq: the names are the
# values of the "name" keys.
_tunown_devices()
{
	local prog=$1 netns=$2
	local args=(list --json)

	[[ -n $netns ]] && args+=(--netns "$netns")
	"$prog" "${args[@]}" 2>/dev/null |
		grep -o '"name"[[:space:]]*:[[:space:]]*"[^"]*"' |
		sed 's/.*"\([^"]*\)"$/\1/'
}

_tunown_netns()
{
	ip netns list 2>/dev/null | while read -r name _; do echo "$name"; done
}

_tunown()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion -n = || return
	else
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi

	# The command, how many arguments it has before the cursor, and --netns.
	local prog=${words[0]} cmd="" nargs=0 netns="" i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--netns)
			netns=${words[i + 1]}
			((i++))
			;;
		--user | --group | --address | --peer | --route | --mtu | --mac | --as | --pid | --binary)
			((i++))
			;;
		-*) ;;
		*)	if [[ -z $cmd ]]; then
				cmd=${words[i]}
			else
				((nargs++))
			fi
			;;
		esac
	done

	case $prev in
	--user | --as)
		COMPREPLY=($(compgen -u -- "$cur"))
		return
		;;
	--group)
		COMPREPLY=($(compgen -g -- "$cur"))
		return
		;;
	--netns)
		COMPREPLY=($(compgen -W "$(_tunown_netns)" -- "$cur"))
		return
		;;
	--binary)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null
		return
		;;
	--pid)
		COMPREPLY=($(compgen -W "$(cd /proc && echo [0-9]*)" -- "$cur"))
		return
		;;
	--address | --peer | --route | --mtu | --mac)
		COMPREPLY=()
		return
		;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_tunown_options "")" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_tunown_commands" -- "$cur"))
		fi
		return
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_tunown_options "$cmd")" -- "$cur"))
		return
	fi

	case $cmd,$nargs in
	del,* | show,0 | check,0)
		COMPREPLY=($(compgen -W "$(_tunown_devices "$prog" "$netns")" -- "$cur"))
		;;
	apply,*)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null
		;;
	help,0)
		COMPREPLY=($(compgen -W "$_tunown_commands" -- "$cur"))
		;;
	*)
		COMPREPLY=()
		;;
	esac
} &&
	complete -F _tunown tunown
