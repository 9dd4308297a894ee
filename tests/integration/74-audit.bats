#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tunown check --all: every device, who may attach, and each warning built
# for real; apply puts back what an attached owner changed without a capability.

load ../lib/common

setup() {
	setup_conf_ns
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	teardown_ns
}

# tamper USER DEV FLAGS OP [VALUE]: as USER, attach DEV (TUNSETIFF with FLAGS)
# and do OP (owner UID, or nopersist), then hold it until killed. Waits for "ok".
tamper() {
	local user=$1 dev=$2 flags=$3 op=$4 val=${5:-0} out=$BATS_TEST_TMPDIR/tamper.$RANDOM
	as_user "$user" /usr/bin/python3 -c '
import fcntl, struct, sys, time
dev, flags, op, val = sys.argv[1], int(sys.argv[2], 0), sys.argv[3], int(sys.argv[4])
fd = open("/dev/net/tun", "r+b", buffering=0)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", dev.encode(), flags))
if op == "owner":
    fcntl.ioctl(fd, 0x400454cc, val)      # TUNSETOWNER, no capability asked
else:
    fcntl.ioctl(fd, 0x400454cb, 0)        # TUNSETPERSIST(0)
import os
print("ok", os.getpid(), flush=True)
time.sleep(600)
' "$dev" "$flags" "$op" "$val" >"$out" 2>&1 &
	local i
	for ((i = 0; i < 250; i++)); do
		[ -s "$out" ] && break
		sleep 0.02
	done
	cat "$out"
	local word pid
	read -r word pid <"$out"
	[ "$word" = ok ]
	PIDS+=("$pid")
}

# untamper: the program lets go (it is killed), and is gone.
untamper() {
	local p=${PIDS[0]} i
	kill "$p"
	for ((i = 0; i < 250; i++)); do
		kill -0 "$p" 2>/dev/null || return 0
		sleep 0.02
	done
	return 1
}

# The findings of DEV in the JSON of check --all: "level code" one a line.
findings() {
	jq -r --arg d "$1" '.devices[] | select(.name == $d) | .findings[] | "\(.level) \(.code)"' <<<"$output"
}

@test "check --all: who may attach, and a clean namespace exits 0" {
	run_tunown add tap0 --user alice
	run_tunown add tap1 --group kvm
	run_tunown check --all --json /dev/null
	assert_success
	[ "$(jq -r .ok <<<"$output")" = true ]
	[ "$(jq -r '.devices[] | select(.name == "tap0") | .owner_name' <<<"$output")" = alice ]
	[ "$(jq -c '.devices[] | select(.name == "tap1") | .members' <<<"$output")" = '["alice","carol"]' ]
	run_tunown check --all /dev/null
	assert_success
	assert_output --partial "2 devices, 0 errors"
}

@test "check --all: ownerless, unknown owner and group are warnings; exit 0" {
	in_ns ip tuntap add dev tapfree mode tap
	in_ns ip tuntap add dev tapghost mode tap user 4242 group 4343
	run_tunown check --all --json /dev/null
	assert_success
	run findings tapfree
	assert_output "warning ownerless"
	run_tunown check --all --json /dev/null
	run findings tapghost
	assert_output --partial "warning owner-unknown"
	assert_output --partial "warning group-unknown"
}

@test "check --all: an owner outside the device's group is an error; exit 1, text and JSON" {
	run_tunown add tapbg --user bob --group kvm
	run_tunown -1 check --all --json /dev/null
	[ "$(jq -r .ok <<<"$output")" = false ]
	run findings tapbg
	assert_line "error owner-not-in-group"
	run_tunown -1 check --all /dev/null
	assert_output --partial "error owner-not-in-group: owner bob is not in group kvm"
	# alice is in kvm: no finding.
	run_tunown add tapag --user alice --group kvm
	run_tunown -1 check --all --json /dev/null
	run findings tapag
	refute_output --partial owner-not-in-group
}

@test "check --all: an attached owner changes the owner without a capability; check says so, apply puts it back" {
	printf '[tap0]\nuser = alice\n' >"$CONF/t.conf"
	run_tunown apply "$CONF/t.conf"
	assert_success
	tamper alice tap0 0x1002 owner 1002
	[ "$(link_field tap0 .linkinfo.info_data.user)" = bob ] || [ "$(link_field tap0 .linkinfo.info_data.user)" = 1002 ]
	run_tunown -1 check --all --json "$CONF/t.conf"
	run findings tap0
	assert_output "error owner-drift"
	untamper
	run_tunown apply "$CONF/t.conf"
	assert_output "tap0: changed (owner)"
	run_tunown check --all --json "$CONF/t.conf"
	assert_success
	run as_user alice "$TESTBIN/attach" tap0
	assert_output ok
}

@test "check --all: an attached owner drops persistence; apply makes a multi-queue device persistent again while it is held" {
	printf '[tapm]\nuser = alice\nmulti-queue = yes\n' >"$CONF/t.conf"
	run_tunown apply "$CONF/t.conf"
	tamper alice tapm 0x1102 nopersist
	[ "$(link_field tapm .linkinfo.info_data.persist)" = false ]
	run_tunown -1 check --all --json "$CONF/t.conf"
	run findings tapm
	assert_output "error persist-drift"
	run_tunown apply "$CONF/t.conf"
	assert_output "tapm: changed (persist)"
	[ "$(link_field tapm .linkinfo.info_data.persist)" = true ]
	untamper
	# The program is gone and so would the device be, had apply not run.
	run in_ns ip link show tapm
	assert_success
}

@test "check --all: a managed device no file names is a note; bad usage is exit 2" {
	run_tunown add tap0 --user alice
	run_tunown check --all --json /dev/null
	assert_success
	run findings tap0
	assert_output "note not-in-files"
	run_tunown -2 check --all --as alice
	run_tunown -2 check --all "$CONF/missing.conf"
}
