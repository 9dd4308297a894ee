#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tunown list: the brief table, one device a line, columns sized to content.

load ../lib/common

setup() {
	setup_ns
}

teardown() {
	release_device
	teardown_ns
}

# The pid of the attach helper that hold_device started in $NS.
holder_pid() {
	local p
	for p in $(ip netns pids "$NS"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = attach ] && echo "$p" && return 0
	done
	return 1
}

# The start of each column in the header line.
col() {
	local header=$1 name=$2
	awk -v h="$header" -v n="$name" 'BEGIN { print index(h, n) }'
}

@test "list: a header, one line a device, columns as wide as their widest cell" {
	run_tunown add tap0 --user alice --address 10.0.0.1/24
	run_tunown add tap-long-name15 --group kvm --user alice --multi-queue \
		--address 10.1.0.1/24 --address 10.1.1.1/24 --address fd00::1/64,nodad --address fd00:1::1/64,nodad
	run_tunown add tun7 --user 4242 --address 10.8.0.1/32 --peer 10.8.0.2 --down
	run_tunown list
	assert_success
	[ "${#lines[@]}" = 4 ]
	local h=${lines[0]}
	[[ $h == NAME* ]]
	# Every line starts each column where the header does: the long name widens NAME.
	local c_mode c_owner c_state c_addr
	c_mode=$(col "$h" MODE)
	c_owner=$(col "$h" OWNER)
	c_state=$(col "$h" STATE)
	c_addr=$(col "$h" ADDRESSES)
	[ "$c_mode" = $((15 + 3)) ]
	local line
	for line in "${lines[@]:1}"; do
		[ "${line:c_mode-3:2}" = "  " ]
		[ "${line:c_mode-1:1}" != " " ]
		[ "${line:c_owner-1:1}" != " " ]
		[ "${line:c_addr-1:1}" != " " ]
	done
	# One device a line, its cells in order; every address on it.
	run grep '^tap-long-name15 ' <<<"$output"
	read -r -a f <<<"$output"
	assert_equal "${f[*]:0:7}" "tap-long-name15 tap-mq alice kvm no-carrier $(mq_cell 0) -"
	# In the kernel's order (IPv6: newest first).
	assert_equal "$(printf '%s\n' "${f[@]:7}" | sort | tr '\n' ' ')" "10.1.0.1/24 10.1.1.1/24 fd00:1::1/64 fd00::1/64 "
	run grep '^tun7 ' <<<"$(in_ns "$TUNOWN" list)"
	read -r -a f <<<"$output"
	assert_equal "${f[*]}" "tun7 tun 4242 - down 0 - 10.8.0.1/32,peer=10.8.0.2"
}

@test "list: an attached device is up with its queue, and a name with a control character is escaped" {
	run_tunown add tap0 --user alice
	hold_device alice tap0
	run grep '^tap0 ' <<<"$(in_ns "$TUNOWN" list)"
	read -r -a f <<<"$output"
	assert_equal "${f[*]:4:2}" "up 1"
	assert_equal "${f[6]}" "$(holder_pid)(attach,alice)"
	release_device
	in_ns ip tuntap add dev "$(printf 'tap\033x')" mode tap user alice
	run_tunown list
	assert_success
	assert_output --partial 'tap\x1bx'
	[[ $output != *$'\033'* ]]
}

@test "list: no tun/tap device prints the header only" {
	run_tunown list
	assert_success
	assert_output "NAME  MODE  OWNER  GROUP  STATE  QUEUES  HOLDERS  ADDRESSES"
}

@test "show, list: the holders of a multi-queue device, a second uid's process with two queues" {
	run_tunown add tapmq --user alice --multi-queue
	hold_device alice tapmq --multi-queue --queues 2
	local pid
	pid=$(holder_pid)
	[ -n "$pid" ]
	run_tunown show tapmq --json
	assert_equal "$(jq -c .holders <<<"$output")" '[{"pid":'"$pid"',"command":"attach","uid":1001,"user":"alice","queues":2}]'
	assert_equal "$(jq -r .holders_complete <<<"$output")" true
	assert_equal "$(jq -r .queues <<<"$output")" "$(mq_queues 2)"
	run_tunown list --json
	assert_equal "$(jq -r '.[] | select(.name == "tapmq") | .holders[0].pid' <<<"$output")" "$pid"
	run_tunown show tapmq
	assert_output --partial "holders: $pid(attach,alice,queues=2)"
	run grep '^tapmq ' <<<"$(in_ns "$TUNOWN" list)"
	read -r -a f <<<"$output"
	assert_equal "${f[*]:5:2}" "$(mq_cell 2) $pid(attach,alice)"
}

@test "show, list without root: what can be read is shown, and that others may be hidden" {
	skip_unprivileged_tun_read
	run_tunown add tapmq --user alice --multi-queue
	hold_device alice tapmq --multi-queue --queues 2
	run --separate-stderr as_user bob "$TUNOWN" show tapmq --json
	assert_success
	assert_equal "$(jq -c .holders <<<"$output")" '[]'
	assert_equal "$(jq -r .holders_complete <<<"$output")" false
	# alice sees her own process.
	run --separate-stderr as_user alice "$TUNOWN" show tapmq --json
	assert_equal "$(jq -r '.holders[0].user' <<<"$output")" alice
	run as_user bob "$TUNOWN" show tapmq
	assert_output --partial "(others-may-be-hidden)"
}
