# SPDX-License-Identifier: MIT
# Helpers of the fault and signal tests (80-faults.bats, 85-signals.bats),
# loaded after common: `load ../lib/faults`.
#   faults_setup             the shim, $FLOG, $CONF and a namespace, for setup()
#   faulted N ARGS...        `run` tunown ARGS through faultshim.so, request N failing
#   state                    ns_state in name order
#   mixed_devices B I A      interfaces of snapshot A that are neither as in B nor as in I
#   show_diff NAME1 NAME2 A B   a diff of two snapshots, as TAP comments

SHIM=$TESTBIN/faultshim.so

# faults_setup: what every fault and signal test starts from: the shim built,
# a log for it, a directory for config files, and a namespace of its own.
faults_setup() {
	[ -f "$SHIM" ] || skip "$SHIM is not built (make check builds it)"
	FLOG=$BATS_TEST_TMPDIR/fault.log
	CONF=$BATS_TEST_TMPDIR
	setup_ns
}

# faulted N ARGS...: `run` tunown ARGS with its Nth request failing with EIO
# (0: none fails); every request is logged to $FLOG. With FAULT_SIGNAL=TERM
# (INT, HUP) the request is made, with that signal raised just before it.
faulted() {
	local n=$1
	shift
	rm -f "$FLOG"
	run in_ns env LD_PRELOAD="$SHIM" TUNOWN_FAULT_AT="$n" TUNOWN_FAULT_ERRNO=EIO \
		TUNOWN_FAULT_LOG="$FLOG" TUNOWN_FAULT_SIGNAL="${FAULT_SIGNAL:-}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$TUNOWN" "$@"
}

# The interfaces whose state in AFTER is neither the one in BEFORE nor the
# one in INTENDED (ns_state snapshots), one name a line.
mixed_devices() {
	jq -n -r --argjson b "$1" --argjson i "$2" --argjson a "$3" '
		def byname: map({key: .ifname, value: .}) | from_entries;
		($b | byname) as $B | ($i | byname) as $I | ($a | byname) as $A |
		($B + $I + $A) | keys[] | select($A[.] != $B[.] and $A[.] != $I[.])'
}

show_state() {
	echo "# $1:"
	jq . <<<"$2" | sed 's/^/#   /'
}

# What differs between two snapshots, as a diff of their pretty forms.
show_diff() {
	echo "# $1 -> $2:"
	diff <(jq . <<<"$3") <(jq . <<<"$4") | sed 's/^/#   /'
}

# ns_state in name order: a device made again after a failure gets a new ifindex.
state() {
	ns_state | jq -c 'sort_by(.ifname)'
}

