# SPDX-License-Identifier: MIT
# Loaded by every bats file: `load ../lib/common`.
#   $TUNOWN   the binary under test (env, default build/tunown)
#   $TESTBIN  test helpers such as attach (env TUNOWN_TESTBIN, default build/tests)
# Integration helpers (tests/integration, root, inside tests/lib/sandbox):
#   setup_ns / teardown_ns   a fresh network namespace per test, named in $NS;
#                            teardown ends the processes left in it
#   in_ns CMD...             CMD inside $NS (ip netns exec: its own /sys too)
#   run_tunown [-N|!] [--separate-stderr] ARGS...
#                            echo the command, then `run [flags] in_ns $TUNOWN ARGS`
#   as_user USER CMD...      CMD inside $NS as USER with USER's groups, no capabilities
#   link_json DEV            ip -d -j link show DEV, inside $NS
#   link_field DEV JQ        one value of it, e.g. link_field tap0 .mtu
#   show_field DEV KEY       one key of `tunown show DEV --json`
#   ns_links, ns_state       the interfaces of $NS; a snapshot of their state
#   add_plain_link NAME      a link of another kind (dummy, else ifb, else bridge)
#   add_altname DEV NAME     give DEV the alternative name NAME (skips the test
#                            when the kernel or ip cannot)
#   ownerless_rule           this kernel's rule for a device without owner and
#                            group, from a real attach by bob: anyone, capability
#   run_attach USER NAME [attach options]   `run` the attach helper as USER
#   readme_block MARKER      the README's ```json block after <!-- MARKER -->
#   hold_device USER NAME [attach options]   keep NAME attached as USER (with
#                            $ATTACH_BIN, a copy of attach, when set)
#   release_device           let go of it again

bats_require_minimum_version 1.5.0

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

TESTS_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
SRC_ROOT=$(cd "$TESTS_ROOT/.." && pwd)
TUNOWN=${TUNOWN:-$SRC_ROOT/build/tunown}
TESTBIN=${TUNOWN_TESTBIN:-$SRC_ROOT/build/tests}
NS=

in_sandbox() {
	[ "${TUNOWN_SANDBOX:-}" = 1 ]
}

setup_ns() {
	in_sandbox || {
		echo "# integration tests run through tests/lib/runtest (make check)" >&2
		return 1
	}
	NS=tunown-t${BATS_TEST_NUMBER:-0}-$$-$RANDOM
	ip netns add "$NS"
	ip -n "$NS" link set lo up
}

# setup for a file whose tests write configuration files: a fresh namespace
# as setup_ns makes it, and $CONF, a directory of this test's own for them.
setup_conf_ns() {
	setup_ns || return
	CONF=$BATS_TEST_TMPDIR
}

# Ends whatever the test left running in $NS (by pid: only processes of this
# test can be in it), so no stray process keeps bats' output pipe open.
teardown_ns() {
	local pids

	release_device
	if [ -n "$NS" ]; then
		pids=$(ip netns pids "$NS" 2>/dev/null) || true
		[ -z "$pids" ] || kill $pids 2>/dev/null || true
		ip netns del "$NS" 2>/dev/null || true
		NS=
	fi
}

in_ns() {
	ip netns exec "$NS" "$@"
}

run_tunown() {
	local flags=()

	while :; do
		case "${1:-}" in
		-[0-9]* | '!' | --separate-stderr)
			flags+=("$1")
			shift
			;;
		*) break ;;
		esac
	done
	echo "\$ tunown $*"
	unset stderr stderr_lines
	run "${flags[@]}" in_ns "$TUNOWN" "$@"
	echo "$output"
	[ -z "${stderr:-}" ] || echo "stderr: $stderr"
}

# setpriv from root to USER: real, effective and saved ids all change, so the
# kernel clears the permitted and effective sets; the bounding and inheritable
# sets are emptied as well, so nothing can come back through execve.
as_user() {
	local user=$1
	shift
	in_ns setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
		--inh-caps=-all --bounding-set=-all -- "$@"
}

run_attach() {
	local user=$1
	shift
	echo "\$ ($user) attach $*"
	run as_user "$user" "$TESTBIN/attach" "$@"
	echo "$output"
}

link_json() {
	in_ns ip -d -j link show "$1"
}

# One value of ip's view of DEV, by a jq path below the link object.
link_field() {
	link_json "$1" | jq -r ".[0]$2"
}

# One tun attribute of DEV as ip names it (type, pi, vnet_hdr, multi_queue, persist, user, group).
tun_data() {
	link_field "$1" ".linkinfo.info_data.$2"
}

# One field of `tunown show NAME --json`, with jq's -r output.
show_field() {
	in_ns "$TUNOWN" show "$1" --json | jq -r ".$2"
}

# The names of every interface in $NS, one a line, sorted.
ns_links() {
	in_ns ip -j link show | jq -r '.[].ifname' | sort
}

add_plain_link() {
	local kind
	for kind in dummy ifb bridge; do
		in_ns ip link add "$1" type "$kind" 2>/dev/null && return 0
	done
	echo "# cannot create a dummy, ifb or bridge link" >&2
	return 1
}

add_altname() {
	in_ns ip link property add dev "$1" altname "$2" 2>/dev/null ||
		skip "cannot add an alternative name (Linux 5.5 and iproute2 5.5 or later)"
}

# What tunown may change, for every interface of $NS, as one JSON text:
# kind and tun attributes, flags, MTU, MAC and the global addresses. The
# carrier flags and link-local addresses are left out: the kernel changes
# them on its own, a moment after a device is created or attached. Compare
# a snapshot before and after a command that must change nothing.
ns_state() {
	in_ns ip -d -j addr show | jq -S -c '[.[] | {
		ifname, ifalias, mtu, address, linkinfo,
		flags: (.flags - ["NO-CARRIER", "LOWER_UP", "M-DOWN"] | sort),
		addrs: ([.addr_info[]? | select(.scope != "link")
			| "\(.local)/\(.prefixlen)"] | sort)
	}]'
}

# Kernels differ on a device with neither owner nor group: 6.1 lets anyone
# in, those with the fix "tun: Require CAP_NET_ADMIN to attach to an
# ownerless device" only CAP_NET_ADMIN. A real attach by bob to one that ip
# made (not tunown: this is what tunown is weighed against) says which.
ownerless_rule() {
	local out
	in_ns ip tuntap add dev taprule mode tap
	out=$(as_user bob "$TESTBIN/attach" taprule) || true
	in_ns ip link del taprule
	case "$out" in
	ok) echo anyone ;;
	EPERM) echo capability ;;
	*)
		echo "# ownerless_rule: bob's attach gave '$out'" >&2
		return 1
		;;
	esac
}

HOLD_PID=
HOLD_FD=

hold_device() {
	local user=$1
	shift
	local fifo=$BATS_TEST_TMPDIR/hold.in out=$BATS_TEST_TMPDIR/hold.out
	local i

	rm -f "$fifo" "$out"
	mkfifo "$fifo"
	as_user "$user" "${ATTACH_BIN:-$TESTBIN/attach}" "$@" --hold <"$fifo" >"$out" 2>&1 3>&- &
	HOLD_PID=$!
	exec {HOLD_FD}>"$fifo"
	for ((i = 0; i < 500; i++)); do
		[ -s "$out" ] && break
		kill -0 "$HOLD_PID" 2>/dev/null || break
		sleep 0.02
	done
	if [ "$(head -n1 "$out")" != ok ]; then
		echo "# hold_device $user $*: $(cat "$out")" >&2
		release_device
		return 1
	fi
}

release_device() {
	if [ -n "$HOLD_FD" ]; then
		exec {HOLD_FD}>&-
		HOLD_FD=
	fi
	if [ -n "$HOLD_PID" ]; then
		wait "$HOLD_PID" 2>/dev/null || true
		HOLD_PID=
	fi
}

# assert_contains TEXT PART: TEXT holds PART literally.
assert_contains() {
	[[ "$1" == *"$2"* ]] ||
		batslib_print_kv_single_or_multi 8 text "$1" part "$2" |
		batslib_decorate "text does not contain part" | fail
}

# The JSON block that follows "<!-- MARKER -->" in README.md, unchanged.
readme_block() {
	awk -v m="<!-- $1 -->" '$0 == m { on = 1; next } on && /^```json/ { inb = 1; next }
	     inb && /^```/ { exit } inb { print }' "$SRC_ROOT/README.md"
}

# flock_holder FILE: the pid that /proc/locks says holds a flock on FILE
# (named there MAJOR:MINOR:INODE, the device numbers in hex), or nothing.
flock_holder() {
	local d f
	d=$(stat -c %d "$1" 2>/dev/null) || return 0
	f=$(printf '%02x:%02x:%s' $(((d >> 8) & 0xfff)) $(((d & 0xff) | ((d >> 12) & 0xfff00))) "$(stat -c %i "$1")")
	awk -v f="$f" '$2 == "FLOCK" && $6 == f { print $5; exit }' /proc/locks
}

# wait_flock FILE: waits (ten seconds at most) until a process holds a flock on FILE; prints its pid.
wait_flock() {
	local i pid
	for ((i = 0; i < 2000; i++)); do
		pid=$(flock_holder "$1")
		[ -n "$pid" ] && echo "$pid" && return 0
		sleep 0.005
	done
	return 1
}

# Under make check-oldkernel every tunown run sees a kernel before 4.12
# (tests/helpers/oldkernel.c): no IFLA_TUN_*, MTU bounds, extended ack or
# namespace cookie.
old_kernel() {
	[ -n "${TUNOWN_OLDKERNEL:-}" ]
}

# What show --json says of a multi-queue device's queues: the kernel's count
# N, or null where the kernel does not count them (before Linux 4.16).
mq_queues() {
	if old_kernel; then echo null; else echo "$1"; fi
}

# The same in list's table: N, or "unknown".
mq_cell() {
	if old_kernel; then echo unknown; else echo "$1"; fi
}

# A test that needs tun attributes without root: before Linux 4.16 they are
# only in sysfs, and mounting the namespace's own takes CAP_SYS_ADMIN.
skip_unprivileged_tun_read() {
	! old_kernel || skip "without root a kernel before 4.16 shows no tun attributes (they are in sysfs only, and mounting the namespace's own needs CAP_SYS_ADMIN)"
}
