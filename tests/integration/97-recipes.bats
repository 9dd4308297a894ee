#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The recipes of README and tunown(8), tried as written: real programs attach
# to an owned device as an unprivileged second user, and show names them.

load ../lib/common

setup() {
	setup_ns
	OUT=$BATS_TEST_TMPDIR/prog.out
	PROG=
	NS2=
}

teardown() {
	[ -z "$PROG" ] || kill "$PROG" 2>/dev/null || true
	[ -z "${PASSWD_MOUNT:-}" ] || umount /etc/passwd
	if [ -n "$NS2" ]; then
		local pids
		pids=$(ip netns pids "$NS2" 2>/dev/null) || true
		[ -z "$pids" ] || kill $pids 2>/dev/null || true
		ip netns del "$NS2" 2>/dev/null || true
	fi
	teardown_ns
}

# A second namespace, $NS2, linked to $NS by a veth: 192.168.77.1 here, .2 there.
second_ns() {
	NS2=$NS-b
	ip netns add "$NS2"
	ip -n "$NS2" link set lo up
	ip -n "$NS" link add ve0 type veth peer name ve1 netns "$NS2"
	ip -n "$NS" addr add 192.168.77.1/24 dev ve0
	ip -n "$NS2" addr add 192.168.77.2/24 dev ve1
	ip -n "$NS" link set ve0 up
	ip -n "$NS2" link set ve1 up
}

# as_user_in NS USER CMD...: as as_user, in namespace NS.
as_user_in() {
	local ns=$1 user=$2
	shift 2
	ip netns exec "$ns" setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
		--inh-caps=-all --bounding-set=-all -- "$@"
}

# A directory the test users can read (bats' own is root's alone), in the sandbox's /run.
shared_dir() {
	local d
	d=$(mktemp -d /run/tunown-recipe.XXXXXX)
	chmod 0755 "$d"
	echo "$d"
}

# wait_ping NS ADDR: ADDR answers a ping from NS within about ten seconds.
wait_ping() {
	local i
	for ((i = 0; i < 20; i++)); do
		ip netns exec "$1" ping -c1 -W1 "$2" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

# wait_holder DEV COMM: the pid of the process COMM once it holds DEV (show --json).
wait_holder() {
	local i pid
	for ((i = 0; i < 250; i++)); do
		pid=$(in_ns "$TUNOWN" show "$1" --json | jq -r --arg c "$2" '.holders[] | select(.command == $c) | .pid' | head -n1)
		[ -n "$pid" ] && echo "$pid" && return 0
		sleep 0.04
	done
	cat "$OUT" >&2
	return 1
}

qemu_on() {
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
	# Only the attach is tried: no machine to boot, the netdev opens its queues at start.
	as_user alice qemu-system-x86_64 -nographic -nodefaults -machine none -display none \
		-monitor none -serial none -netdev "tap,id=n0,ifname=$1,script=no,downscript=no$2" >"$OUT" 2>&1 &
}

@test "recipe QEMU: an unprivileged user's QEMU attaches to its tap (script=no,downscript=no)" {
	run_tunown add tap0 --user alice --address 10.0.2.1/24
	qemu_on tap0 ""
	PROG=$(wait_holder tap0 qemu-system-x86)
	run_tunown show tap0 --json
	assert_equal "$(jq -c '[.holders[] | {user, queues}]' <<<"$output")" '[{"user":"alice","queues":1}]'
	assert_equal "$(jq -r .queues <<<"$output")" 1
}

@test "recipe QEMU multi-queue: queues=2 on a --multi-queue tap, both queues held by alice's QEMU" {
	run_tunown add tap0 --user alice --multi-queue
	qemu_on tap0 ",queues=2"
	PROG=$(wait_holder tap0 qemu-system-x86)
	run_tunown show tap0 --json
	assert_equal "$(jq -c '[.holders[] | {pid, user, queues}]' <<<"$output")" '[{"pid":'"$PROG"',"user":"alice","queues":2}]'
	assert_equal "$(jq -r .queues <<<"$output")" "$(mq_queues 2)"
	run grep '^tap0 ' <<<"$(in_ns "$TUNOWN" list)"
	assert_output --partial "$PROG(qemu-system-x86,alice)"
}

@test "recipe QEMU: queues=2 on a single-queue tap fails, as the README says (queues must match)" {
	run_tunown add tap0 --user alice
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
	run as_user alice timeout 20 qemu-system-x86_64 -nographic -nodefaults -machine none -display none \
		-monitor none -serial none -netdev "tap,id=n0,ifname=tap0,script=no,downscript=no,queues=2"
	assert_failure
	assert_output --partial "tap0"
}

@test "recipe socat: TUN needs -s as an unprivileged owner (it tries SIOCSIFFLAGS), then attaches" {
	command -v socat >/dev/null || skip "socat is not installed (make deps)"
	run_tunown add tun0 --user alice --address 10.0.9.1/24
	run as_user alice timeout 10 socat TUN,tun-name=tun0,tun-type=tun,iff-no-pi - </dev/null
	assert_failure
	assert_output --partial "SIOCSIFFLAGS"
	(sleep 60 | as_user alice socat -s TUN,tun-name=tun0,tun-type=tun,iff-no-pi - >"$OUT" 2>&1) &
	PROG=$(wait_holder tun0 socat)
	run_tunown show tun0 --json
	assert_equal "$(jq -r '.holders[0].user' <<<"$output")" alice
}

# OpenVPN in static-key point-to-point mode, one end in each namespace, each
# as alice on a tun0 that tunown made with the addresses and a route.
@test "recipe OpenVPN: --ifconfig-noexec --route-noexec on tunown's tun0 at both ends, as alice; ping across" {
	command -v openvpn >/dev/null || skip "openvpn is not installed (make deps)"
	command -v ping >/dev/null || skip "ping is not installed"
	second_ns
	run_tunown add tun0 --tun --user alice --address 10.8.0.1/32 --peer 10.8.0.2 --route 10.9.0.0/16,via=10.8.0.2
	run "$TUNOWN" add tun0 --tun --user alice --address 10.8.0.2/32 --peer 10.8.0.1 --netns "$NS2"
	assert_success
	ip -n "$NS2" addr add 10.9.0.1/32 dev lo
	local key
	key=$(shared_dir)/static.key
	openvpn --genkey secret "$key" >/dev/null 2>&1
	chmod 0644 "$key"
	local end
	for end in 1 2; do
		local ns=$NS local=192.168.77.1 remote=192.168.77.2
		[ "$end" = 1 ] || { ns=$NS2; local=192.168.77.2; remote=192.168.77.1; }
		as_user_in "$ns" alice openvpn --dev tun0 --dev-type tun --ifconfig-noexec --route-noexec \
			--disable-dco --secret "$key" --cipher AES-256-CBC --proto udp --local "$local" --remote "$remote" \
			--port 1194 --verb 3 >"$OUT.$end" 2>&1 &
	done
	PROG=$(wait_holder tun0 openvpn) || { cat "$OUT.1" "$OUT.2"; false; }
	wait_ping "$NS" 10.8.0.2 || { cat "$OUT.1" "$OUT.2"; false; }
	# Through tunown's route: 10.9.0.1 is on the far end's loopback.
	run ip netns exec "$NS" ping -c1 -W2 10.9.0.1
	assert_success
	run_tunown show tun0 --json
	assert_equal "$(jq -c '[.holders[] | {command, user}]' <<<"$output")" '[{"command":"openvpn","user":"alice"}]'
	run "$TUNOWN" show tun0 --json --netns "$NS2"
	assert_equal "$(jq -c '[.holders[] | {command, user}]' <<<"$output")" '[{"command":"openvpn","user":"alice"}]'
}

# ssh -w as alice to an sshd as root in the second namespace, its host key
# and configuration in the test's own directory; the tunnel devices tun0 at
# both ends are alice's, with tunown's addresses.
@test "recipe ssh -w: tun0 at both ends owned by alice, PermitTunnel yes; ping across the tunnel" {
	local sshd
	sshd=$(PATH=$PATH:/usr/sbin command -v sshd) || skip "sshd is not installed (make deps: openssh-server)"
	command -v ssh >/dev/null || skip "ssh is not installed (make deps: openssh-server)"
	command -v ping >/dev/null || skip "ping is not installed (make deps: iputils-ping)"
	second_ns
	run_tunown add tun0 --tun --user alice --address 10.7.0.1/32 --peer 10.7.0.2
	run "$TUNOWN" add tun0 --tun --user alice --address 10.7.0.2/32 --peer 10.7.0.1 --netns "$NS2"
	assert_success
	local d
	d=$(shared_dir)
	# sshd's privilege separation wants its user and an empty root-owned directory.
	cp /etc/passwd "$d/passwd"
	echo 'sshd:x:100:65534::/run/sshd:/usr/sbin/nologin' >>"$d/passwd"
	mount --bind "$d/passwd" /etc/passwd
	PASSWD_MOUNT=1
	mkdir -p -m 0755 /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$d/alice_key"
	chown alice "$d/alice_key"
	cp "$d/alice_key.pub" "$d/authorized_keys"
	printf '%s\n' "ListenAddress 192.168.77.2:2222" "HostKey $d/host_key" "AuthorizedKeysFile $d/authorized_keys" \
		"StrictModes no" "UsePAM no" "PasswordAuthentication no" "KbdInteractiveAuthentication no" \
		"PermitTunnel yes" "PidFile none" >"$d/sshd_config"
	ip netns exec "$NS2" "$sshd" -D -e -f "$d/sshd_config" >"$OUT.sshd" 2>&1 &
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q 'listening on' "$OUT.sshd" && break
		sleep 0.05
	done
	as_user alice ssh -F /dev/null -i "$d/alice_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o BatchMode=yes -o Tunnel=point-to-point -w 0:0 -N -p 2222 alice@192.168.77.2 >"$OUT" 2>&1 &
	PROG=$(wait_holder tun0 ssh) || { cat "$OUT.sshd"; false; }
	wait_ping "$NS" 10.7.0.2 || { cat "$OUT" "$OUT.sshd"; false; }
	run "$TUNOWN" show tun0 --json --netns "$NS2"
	assert_equal "$(jq -r '[.holders[].user] | unique | join(",")' <<<"$output")" alice
}

# tinc 1.0 in switch mode between the two namespaces, both daemons as alice
# (a port above 1023: an unprivileged daemon cannot bind 655)
# on tunown's tap0 (Interface and DeviceType, no tinc-up: tunown's addresses).
@test "recipe tinc: Interface = tap0, DeviceType = tap, no tinc-up, as alice at both ends; ping across" {
	local tincd
	tincd=$(PATH=$PATH:/usr/sbin command -v tincd) || skip "tincd is not installed (make deps: tinc)"
	command -v ping >/dev/null || skip "ping is not installed (make deps: iputils-ping)"
	"$tincd" --version | grep -q '^tinc version 1\.0' || skip "the recipe is for tinc 1.0 ($("$tincd" --version | head -n1))"
	second_ns
	run_tunown add tap0 --tap --user alice --address 10.6.0.1/24
	run "$TUNOWN" add tap0 --tap --user alice --address 10.6.0.2/24 --netns "$NS2"
	assert_success
	local d n
	d=$(shared_dir)
	chown alice "$d"
	for n in a b; do
		mkdir -p "$d/$n/hosts"
		local other=b addr=192.168.77.1
		[ "$n" = a ] || { other=a; addr=192.168.77.2; }
		printf '%s\n' "Name = $n" "ConnectTo = $other" "Interface = tap0" "DeviceType = tap" "Mode = switch" \
			"AddressFamily = ipv4" "Port = 6655" >"$d/$n/tinc.conf"
		printf '%s\n' "Address = $addr" "Port = 6655" >"$d/$n/hosts/$n"
		chown -R alice "$d/$n"
		as_user alice "$tincd" -c "$d/$n" -K 2048 </dev/null >/dev/null 2>&1
	done
	cp "$d/a/hosts/a" "$d/b/hosts/a"
	cp "$d/b/hosts/b" "$d/a/hosts/b"
	chown -R alice "$d"
	as_user_in "$NS" alice "$tincd" -c "$d/a" -D -d1 --pidfile="$d/a.pid" --logfile="$d/a.log" >"$OUT.a" 2>&1 &
	as_user_in "$NS2" alice "$tincd" -c "$d/b" -D -d1 --pidfile="$d/b.pid" --logfile="$d/b.log" >"$OUT.b" 2>&1 &
	PROG=$(wait_holder tap0 tincd) || { cat "$d/a.log" "$d/b.log"; false; }
	wait_ping "$NS" 10.6.0.2 || { cat "$d/a.log" "$d/b.log"; false; }
	run "$TUNOWN" show tap0 --json --netns "$NS2"
	assert_equal "$(jq -c '[.holders[] | {command, user}]' <<<"$output")" '[{"command":"tincd","user":"alice"}]'
}

# User-mode Linux as alice on tunown's tap0 (eth0=tuntap,tap0): the guest
# kernel has no IP autoconfiguration, so a small init on the host's root
# (hostfs, read-only) sets eth0's address and sleeps; the guest answers.
# UML's guest dies before its init runs when the host's FPU state is larger
# than the buffer UML keeps for it (CPUs with AMX, for UML 6.1): that is the
# CPU's limit, not the recipe's, so the test says so and skips.
uml_unusable() {
	if grep -q 'ptrace set fp regs failed' "$OUT"; then
		skip "User-mode Linux cannot run its init on this CPU: $(grep -m1 'ptrace set fp regs failed' "$OUT") (the host's XSAVE state, e.g. AMX, is larger than UML's)"
	fi
	return 1
}

@test "recipe User-mode Linux: eth0=tuntap,tap0 as alice; the guest answers a ping" {
	command -v linux.uml >/dev/null || skip "linux.uml is not installed (make deps: user-mode-linux)"
	command -v ping >/dev/null || skip "ping is not installed (make deps: iputils-ping)"
	run_tunown add tap0 --tap --user alice --address 10.5.0.1/24
	local d
	d=$(shared_dir)
	chown alice "$d"
	printf '%s\n' '#!/bin/sh' "ip link set eth0 up" "ip addr add 10.5.0.2/24 dev eth0" "exec sleep 60" >"$d/init"
	chmod 0755 "$d/init"
	# HOME and TMPDIR: where UML keeps its ~/.uml and its memory file.
	as_user alice env HOME="$d" TMPDIR="$d" linux.uml mem=64M root=/dev/root rootfstype=hostfs rootflags=/ ro \
		init="$d/init" eth0=tuntap,tap0 con=null con0=null,fd:1 </dev/null >"$OUT" 2>&1 &
	PROG=$(wait_holder tap0 linux.uml) || uml_unusable
	wait_ping "$NS" 10.5.0.2 || { uml_unusable; grep -v '^<4>' "$OUT"; false; }
	run_tunown show tap0 --json
	assert_equal "$(jq -r '[.holders[] | .command + "," + .user] | unique | join(" ")' <<<"$output")" "linux.uml,alice"
}

# virsh as alice against qemu:///session: libvirtd starts as alice in the
# namespace (its sockets and state under the test's directory) and QEMU
# opens tunown's tap0 itself (managed='no'). The machine has no disk: only
# the attach is tried.
virsh_alice() {
	as_user alice env HOME="$VIRT" XDG_RUNTIME_DIR="$VIRT/run" virsh -q -c qemu:///session "$@"
}

libvirt_domain() {
	command -v virsh >/dev/null || skip "virsh is not installed (make deps: libvirt-clients)"
	PATH=$PATH:/usr/sbin command -v libvirtd >/dev/null || skip "libvirtd is not installed (make deps: libvirt-daemon)"
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
	VIRT=$(shared_dir)
	chown alice "$VIRT"
	install -d -m 0700 -o alice "$VIRT/run"
	printf '%s\n' "<domain type='qemu'><name>recipe</name><memory unit='MiB'>64</memory>" \
		"<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>" \
		"<emulator>$(command -v qemu-system-x86_64)</emulator>" \
		"<interface type='ethernet'><target dev='tap0' managed='no'/><model type='virtio'/>$1</interface>" \
		"</devices></domain>" >"$VIRT/domain.xml"
	chmod 0644 "$VIRT/domain.xml"
	run virsh_alice create "$VIRT/domain.xml"
	assert_success
}

@test "recipe libvirt session mode: <target dev='tap0' managed='no'/>, QEMU as alice holds tap0" {
	run_tunown add tap0 --tap --user alice --address 10.4.0.1/24
	libvirt_domain ""
	PROG=$(wait_holder tap0 qemu-system-x86)
	run_tunown show tap0 --json
	assert_equal "$(jq -c '[.holders[] | {user, queues}]' <<<"$output")" '[{"user":"alice","queues":1}]'
	run virsh_alice destroy recipe
	assert_success
}

@test "recipe libvirt session mode: <driver queues='2'/> on a --multi-queue tap, two queues" {
	run_tunown add tap0 --tap --user alice --multi-queue
	libvirt_domain "<driver queues='2'/>"
	PROG=$(wait_holder tap0 qemu-system-x86)
	run_tunown show tap0 --json
	assert_equal "$(jq -c '[.holders[] | {user, queues}]' <<<"$output")" '[{"user":"alice","queues":2}]'
	run virsh_alice destroy recipe
	assert_success
}
