#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# SIGTERM, SIGINT and SIGHUP wait while tunown has a device in hand: an
# interrupted add leaves the whole device or none of it, an interrupted apply
# leaves every device as it was or as its section says, and the next apply
# converges. The signal lands exactly before each request in turn
# (faultshim.so with TUNOWN_FAULT_SIGNAL), or, for a large apply, from
# outside once part of the devices exist.

load ../lib/common
load ../lib/faults

setup() {
	faults_setup
}

teardown() {
	[ -z "${BG_PID:-}" ] || { kill "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null; } || true
	BG_PID=
	teardown_ns
}

renew_ns() {
	teardown_ns
	setup_ns
}

nothing() {
	:
}

# signal_every SIG STRICT PREPARE ARGS...: counts the requests of tunown ARGS
# after PREPARE, then for every N raises SIG just before request N in a fresh
# namespace. tunown must die of SIG (143/130/129), every interface must be as
# before or as intended (STRICT=1: the namespace as a whole), and a plain run
# must converge. Sets DONE and NONE: how many runs finished the device in
# hand, and how many left the namespace as it was.
signal_every() {
	local sig=$1 strict=$2 prepare=$3
	shift 3
	local n total before intended after mixed want
	case $sig in
	TERM) want=143 ;;
	INT) want=130 ;;
	HUP) want=129 ;;
	esac

	renew_ns
	$prepare
	FAULT_SIGNAL= faulted 0 "$@"
	assert_success
	intended=$(state)
	total=$(wc -l <"$FLOG")
	[ "$total" -gt 0 ]
	DONE=0 NONE=0
	for ((n = 1; n <= total; n++)); do
		renew_ns
		$prepare
		before=$(state)
		FAULT_SIGNAL=$sig faulted "$n" "$@"
		[ "$status" -eq "$want" ] || {
			echo "# $output"
			fail "SIG$sig before request $(sed -n "${n}p" "$FLOG"): exit status $status, not $want"
		}
		after=$(state)
		if [ "$strict" = 1 ]; then
			if [ "$after" = "$intended" ]; then
				DONE=$((DONE + 1))
			elif [ "$after" = "$before" ]; then
				NONE=$((NONE + 1))
			else
				show_diff before after "$before" "$after"
				fail "SIG$sig before request $(sed -n "${n}p" "$FLOG") left a half-made device"
			fi
		else
			mixed=$(mixed_devices "$before" "$intended" "$after")
			[ -z "$mixed" ] || {
				show_diff intended after "$intended" "$after"
				fail "SIG$sig before request $(sed -n "${n}p" "$FLOG") left $mixed half-done"
			}
		fi
		run in_ns "$TUNOWN" "$@"
		assert_success
		[ "$(state)" = "$intended" ] || {
			show_diff intended "the next run" "$intended" "$(state)"
			fail "after SIG$sig before request $n, the next run did not converge"
		}
	done
	if [ "$strict" = 1 ]; then
		echo "# SIG$sig before each of $total requests: $DONE finished the device, $NONE left none" >&3
	else
		echo "# SIG$sig before each of $total requests: every device as before or as intended" >&3
	fi
}

@test "SIGTERM before each request of an add that creates: the whole device or none" {
	signal_every TERM 1 nothing add tap0 --user alice --group kvm --address 10.9.0.1/24 \
		--address fd00:9::1/64 --mtu 1400 --mac 02:00:00:00:00:01
	# The lookup comes before the device is in hand; from then on it is finished.
	[ "$NONE" -ge 1 ]
	[ "$DONE" -ge 1 ]
}

changed_tap() {
	in_ns "$TUNOWN" add tap0 --user alice --mac 02:00:00:00:00:02 --address 10.9.0.1/24 >/dev/null
}

@test "SIGINT before each request of an add that changes: every change or none" {
	signal_every INT 1 changed_tap add tap0 --user bob --vnet-hdr --mtu 1300 --address 10.9.0.2/24
	[ "$DONE" -ge 1 ]
}

@test "SIGHUP before each request of a del: the device is there or gone" {
	signal_every HUP 1 changed_tap del tap0
}

# conf_many N FILE: N tap devices for alice, each with a MAC and an address.
conf_many() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf '[tap%d]\nuser = alice\nmac = 02:00:00:00:%02x:%02x\naddress = 10.%d.%d.1/24\n' \
			"$i" $((i / 256)) $((i % 256)) $((i / 256 + 10)) $((i % 256))
	done >"$2"
}

apply_half_there() {
	conf_many 6 "$CONF/six.conf"
	# Half of them exist already, owned by bob, with another address.
	in_ns "$TUNOWN" add tap1 --user bob --mac 02:00:00:00:00:01 --address 10.99.1.1/24 >/dev/null
	in_ns "$TUNOWN" add tap3 --user bob --mac 02:00:00:00:00:03 --address 10.99.3.1/24 >/dev/null
	in_ns "$TUNOWN" add tap5 --user bob --mac 02:00:00:00:00:05 >/dev/null
}

@test "SIGTERM before each request of an apply of six devices: each as before or as its section says" {
	in_ns "$TUNOWN" apply --help >/dev/null 2>&1 || skip "apply is not built yet"
	signal_every TERM 0 apply_half_there apply "$CONF/six.conf"
}

@test "SIGTERM from outside in the middle of an apply of 300 devices: the next apply converges" {
	in_ns "$TUNOWN" apply --help >/dev/null 2>&1 || skip "apply is not built yet"
	local i n=0 after
	conf_many 300 "$CONF/big.conf"

	# What the file means, made in a namespace of its own.
	run in_ns "$TUNOWN" apply "$CONF/big.conf"
	assert_success
	local intended
	intended=$(state)
	renew_ns

	# exec, twice over (ip netns exec execs too): the signal goes to tunown itself.
	(exec ip netns exec "$NS" "$TUNOWN" apply "$CONF/big.conf" >"$CONF/out" 2>"$CONF/err") &
	BG_PID=$!
	# Wait for some of the devices to exist, then interrupt.
	for ((i = 0; i < 2000; i++)); do
		n=$(in_ns ip -o link show type tun 2>/dev/null | wc -l)
		[ "$n" -lt 20 ] || break
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.01
	done
	kill -TERM "$BG_PID" 2>/dev/null || true
	local st=0
	wait "$BG_PID" || st=$?
	BG_PID=
	echo "# exit status $st after $n devices were seen"
	[ "$st" -eq 143 ] || [ "$st" -eq 0 ]

	after=$(state)
	run mixed_devices "[]" "$intended" "$after"
	assert_output ""
	echo "# $(jq length <<<"$after") of 301 interfaces made when SIGTERM came" >&3

	run in_ns "$TUNOWN" apply "$CONF/big.conf"
	assert_success
	[ "$(state)" = "$intended" ]
}

# ---- a reader that goes away, and output that cannot be written ----

@test "apply | true: SIGPIPE does not stop the run; every device is done, the write error said, exit 1" {
	local i
	for ((i = 0; i < 300; i++)); do printf '[tb%d]\nuser = alice\nmtu = 1400\n' "$i"; done >"$CONF/a.conf"
	sed s/1400/1300/ "$CONF/a.conf" >"$CONF/b.conf"
	run in_ns "$TUNOWN" apply "$CONF/a.conf"
	assert_success
	run in_ns bash -c '"$1" apply "$2" | true; echo "rc=${PIPESTATUS[0]}"' - "$TUNOWN" "$CONF/b.conf"
	assert_line "rc=1"
	assert_line "tunown: apply: cannot write the output: Broken pipe"
	run bash -c "ip netns exec '$NS' '$TUNOWN' list --json | jq -r '.[].mtu' | sort | uniq -c"
	assert_output --regexp '^ +300 1300$'
}

@test "every command exits 1 when its standard output cannot be written" {
	[ -w /dev/full ] || skip "no /dev/full"
	in_ns "$TUNOWN" add tap0 --user alice >/dev/null
	printf '[tap0]\nuser = alice\n' >"$CONF/a.conf"
	local args
	for args in "list" "list --json" "show tap0" "show tap0 --json" "apply $CONF/a.conf" \
		"apply --dry-run $CONF/a.conf" "apply --json $CONF/a.conf" "check tap0 --as alice" \
		"add tap0 --user alice" "--version" "help add"; do
		# shellcheck disable=SC2086
		run in_ns bash -c '"$@" >/dev/full' - "$TUNOWN" $args
		echo "# tunown $args >/dev/full: $status"
		assert_equal "$status" 1
		assert_output --partial "cannot write the output: No space left on device"
	done
}

# Under journald (or 2>&1 | logger) each result line is written when it is
# made, so an error comes out between the results around it.
@test "apply 2>&1 | cat: results and errors come out in the order they happen" {
	in_ns ip link add tapb type veth peer name tapb-peer
	printf '[tapa]\nuser = alice\n[tapb]\nuser = alice\n[tapc]\nuser = alice\n' >"$CONF/a.conf"
	run in_ns bash -c '"$1" apply "$2" 2>&1 | cat' - "$TUNOWN" "$CONF/a.conf"
	assert_line --index 0 "tapa: created"
	assert_line --index 1 --partial "tapb"
	assert_line --index 2 "tapc: created"
}

# ---- del and prune move devices into a spare netdev group, then delete it ----

three_taps() {
	local i
	for i in 0 1 2; do
		in_ns "$TUNOWN" add "tap$i" --user alice --address "10.9.$i.1/24" >/dev/null
	done
}

@test "SIGTERM before each request of a del of three: all deleted or none, none left in the spare group" {
	# --if-exists: the plain run after each must succeed when they are gone.
	signal_every TERM 1 three_taps del --if-exists tap0 tap1 tap2
	[ "$DONE" -ge 1 ]
}

@test "SIGINT before each request of apply --prune of three: all deleted or none" {
	: >"$CONF/empty.conf"
	signal_every INT 1 three_taps apply --prune --allow-empty "$CONF/empty.conf"
}

# SIGKILL cannot wait: a del killed between the move and the group delete
# leaves the devices in tunown's spare group; show says so, apply puts them back.
@test "del killed by SIGKILL in the spare group: show says the group, apply puts it back" {
	command -v strace >/dev/null || skip "strace is not installed"
	three_taps
	printf '[tap%d]\nuser = alice\naddress = 10.9.%d.1/24\n' 0 0 1 1 2 2 >"$CONF/three.conf"
	run in_ns "$TUNOWN" apply "$CONF/three.conf"
	assert_success
	# One dump, then one move a device: killed before the third move.
	run in_ns strace -f -o /dev/null -e trace=sendmsg -e inject=sendmsg:signal=KILL:when=4 \
		"$TUNOWN" del tap0 tap1 tap2
	assert_equal "$status" 137
	assert_equal "$(link_field tap0 .group)" 1953852928
	assert_equal "$(show_field tap0 netdev_group)" 1953852928
	run in_ns "$TUNOWN" apply --dry-run "$CONF/three.conf"
	assert_line "tap0: would change (netdev group)"
	assert_line "tap2: unchanged"
	run in_ns "$TUNOWN" apply "$CONF/three.conf"
	assert_success
	assert_line "tap0: changed (netdev group)"
	assert_line "tap1: changed (netdev group)"
	assert_line "tap2: unchanged"
	assert_equal "$(link_field tap0 .group)" default
	assert_equal "$(show_field tap1 netdev_group)" 0
	run in_ns "$TUNOWN" apply "$CONF/three.conf"
	refute_output --partial ": changed"
}
