#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Completions with real devices: bash, zsh and fish, run inside a test
# namespace, offer exactly its tun/tap devices (from `tunown list --json`),
# those of another namespace after --netns, the namespaces of `ip netns list`
# and the users and groups of the test databases.

load ../lib/common
load ../lib/complete

NS2=

setup() {
	setup_ns
	completion_path
	COMPLETE_IN=in_ns
	run_tunown -0 add tap0 --user alice
	run_tunown -0 add tun-vpn --group kvm
	in_ns ip tuntap add dev tap7 mode tap
	in_ns ip link add veth0 type veth peer name veth1
	add_plain_link dum0
	NS2=$NS-b
	ip netns add "$NS2"
	run_tunown -0 add other0 --user bob --netns "$NS2"
}

teardown() {
	[ -z "$NS2" ] || ip netns del "$NS2" 2>/dev/null || true
	teardown_ns
}

DEVICES=$'tap0\ntap7\ntun-vpn'

@test "bash: the namespace's tun/tap devices, and no other interface" {
	run complete_bash tunown del ""
	assert_success
	assert_output "$DEVICES"
	run complete_bash tunown show tu
	assert_output tun-vpn
	run complete_bash tunown check ta
	assert_output $'tap0\ntap7'
	run complete_bash tunown show --netns "$NS2" ""
	assert_output other0
	run complete_bash tunown del other0 --netns "$NS2" ""
	assert_output other0
}

@test "bash: namespaces, and users and groups of the user database" {
	run complete_bash tunown list --netns tunown-t
	assert_line "$NS"
	assert_line "$NS2"
	run complete_bash tunown add x --user al
	assert_output alice
	run complete_bash tunown check tap0 --as ca
	assert_output carol
	run complete_bash tunown add x --group kv
	assert_output kvm
}

@test "bash: device names for a user without privileges" {
	skip_unprivileged_tun_read
	# The user must reach the stand-in for tunown and the completion file.
	local bin
	bin=$(mktemp -d /tmp/tunown-compl.XXXXXX)
	chmod 755 "$bin"
	ln -s "$TUNOWN" "$bin/tunown"
	PATH=$bin:$PATH COMPLETE_IN="as_user alice" run complete_bash tunown del ""
	rm -rf "$bin"
	assert_output "$DEVICES"
}

@test "zsh: the namespace's tun/tap devices, namespaces, users" {
	run complete_zsh "tunown del "
	assert_success
	assert_output "$DEVICES"
	run complete_zsh "tunown show --netns $NS2 "
	assert_output other0
	run complete_zsh "tunown add x --user al"
	assert_output alice
	run complete_zsh "tunown list --netns tunown-t"
	assert_line "$NS"
	assert_line "$NS2"
}

@test "fish: the namespace's tun/tap devices, namespaces, users" {
	run complete_fish "tunown del "
	assert_success
	assert_output "$DEVICES"
	run complete_fish "tunown de"
	assert_output del
	run complete_fish "tunown show --netns $NS2 "
	assert_output other0
	run complete_fish "tunown add x --user al"
	assert_output alice
	run complete_fish "tunown list --netns tunown-t"
	assert_line "$NS"
	assert_line "$NS2"
}
