#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tunown check: every cause built for real. Each test asserts the code that
# decides, the exit status, and that the prediction matched a real attempt
# (the probe); where the probe cannot run, a real attach by build/tests/attach
# stands in for it.

load ../lib/common

SCRATCH=
NS2=
BG_PID=

setup() {
	setup_ns
	# Programs run as the test users must be reachable: a tmpfs of our own.
	SCRATCH=/run/check-$BATS_TEST_NUMBER-$$
	mkdir -m 0755 "$SCRATCH"
	mount -t tmpfs -o mode=0755 check-scratch "$SCRATCH"
	mkdir -m 1777 "$SCRATCH/tmp"
}

teardown() {
	if [ -n "$BG_PID" ]; then
		kill "$BG_PID" 2>/dev/null || true
		BG_PID=
	fi
	[ -n "$NS2" ] && ip netns del "$NS2" 2>/dev/null
	NS2=
	umount -R "$SCRATCH" 2>/dev/null || true
	rmdir "$SCRATCH" 2>/dev/null || true
	teardown_ns
}

# As USER with USER's groups and no capabilities, but, unlike as_user, the
# bounding set left whole: file capabilities must be able to work.
as_login() {
	local user=$1
	shift
	in_ns setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
		--inh-caps=-all -- "$@"
}

# check_json WHO ARGS...: tunown check ARGS --json as WHO (root: as is).
check_json() {
	local who=$1
	shift
	echo "\$ tunown check $* --json  # as $who"
	if [ "$who" = root ]; then
		run --separate-stderr in_ns "$TUNOWN" check "$@" --json
	else
		# Only a tun device's attributes need more than rtnetlink.
		[ "$(link_field "$1" .linkinfo.info_kind 2>/dev/null)" != tun ] || skip_unprivileged_tun_read
		run --separate-stderr as_login "$who" "$TUNOWN" check "$@" --json
	fi
	echo "$output"
	[ -z "$stderr" ] || echo "stderr: $stderr"
}

field() {
	jq -r "$1" <<<"$output"
}

# assert_verdict CODE STATUS: the deciding code, the exit status, and the
# probe ran and agreed with the prediction.
assert_verdict() {
	assert_equal "$status" "$2"
	assert_equal "$(field .cause)" "$1"
	assert_equal "$(field .ok)" "$([ "$2" = 0 ] && echo true || echo false)"
	assert_equal "$(field .probe_agrees)" true
}

assert_finding() {
	jq -e --arg c "$1" '[.findings[].code] | index($c) != null' <<<"$output" >/dev/null ||
		fail "no finding '$1' in: $(field '[.findings[].code] | join(",")')"
}

finding_message() {
	jq -r --arg c "$1" '.findings[] | select(.code == $c) | .message' <<<"$output"
}

# setcap_copy DIR CAPS: a copy of the attach helper with file capabilities.
setcap_copy() {
	cp "$TESTBIN/attach" "$1/attach"
	chmod 0755 "$1/attach"
	[ -z "$2" ] || setcap "$2" "$1/attach"
}

@test "check ok: the owner attaches, and the probe agrees" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	check_json alice tap0
	assert_verdict ok 0
	assert_equal "$(field .rule)" owner
	assert_equal "$(field .device)" tap0
	assert_equal "$(field .user)" alice
	assert_equal "$(field .flags)" "IFF_TAP|IFF_NO_PI"
	run as_user alice "$TESTBIN/attach" tap0
	assert_output ok
}

@test "check owner-mismatch: another uid, both users named" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	check_json bob tap0
	assert_verdict owner-mismatch 1
	assert_equal "$(field .error)" EPERM
	run finding_message owner-mismatch
	assert_output --partial "alice (uid 1001)"
	assert_output --partial "bob (uid 1002)"
	run as_user bob "$TESTBIN/attach" tap0
	assert_output EPERM
}

@test "check text: verdict line, finding with its fix, then the flags" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	skip_unprivileged_tun_read
	run as_login bob "$TUNOWN" check tap0
	assert_failure 1
	assert_line --index 0 "tap0: bob (uid 1002) cannot attach: owner-mismatch (EPERM)"
	assert_line --index 1 --regexp "^  owner-mismatch: 'tap0' is owned by alice"
	assert_line --index 2 --regexp "^    fix: run the program as alice"
	assert_line --index 3 "flags: IFF_TAP|IFF_NO_PI"
	assert_line --index 4 "probe: EPERM, as predicted"
	skip_unprivileged_tun_read
	run as_login alice "$TUNOWN" check tap0
	assert_success
	assert_line --index 0 "tap0: alice (uid 1001) can attach (owner)"
}

@test "check --as: root checks for a login of another user" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	check_json root tap0 --as bob
	assert_verdict owner-mismatch 1
	assert_equal "$(field .user)" bob
	check_json root tap0 --as alice
	assert_verdict ok 0
}

@test "check group: a member attaches, an outsider gets group-mismatch" {
	in_ns ip tuntap add dev tap0 mode tap group kvm
	check_json carol tap0
	assert_verdict ok 0
	assert_equal "$(field .rule)" "group member"
	check_json bob tap0
	assert_verdict group-mismatch 1
	run finding_message group-mismatch
	assert_output --partial "kvm (gid 1100)"
	run as_user bob "$TESTBIN/attach" tap0
	assert_output EPERM
}

@test "check owner and group: the kernel wants both, and says which fails" {
	in_ns ip tuntap add dev tap0 mode tap user alice group netdev
	check_json alice tap0
	assert_verdict group-mismatch 1
	run finding_message group-mismatch
	assert_output --partial "requires both"
	check_json carol tap0
	assert_verdict owner-mismatch 1
	run as_user alice "$TESTBIN/attach" tap0
	assert_output EPERM
}

@test "check groups-stale: a member whose session lacks the group" {
	in_ns ip tuntap add dev tap0 mode tap group kvm
	# alice is in kvm in the database; this session was started without it.
	stale=(in_ns setpriv --reuid=alice --regid=alice --groups=1001 --inh-caps=-all --)
	echo "\$ tunown check tap0 --json  # as alice without kvm"
	skip_unprivileged_tun_read
	run --separate-stderr "${stale[@]}" "$TUNOWN" check tap0 --json
	echo "$output"
	assert_verdict groups-stale 1
	jq -e '.findings[0].fix | test("newgrp kvm")' <<<"$output"
	run "${stale[@]}" "$TESTBIN/attach" tap0
	assert_output EPERM
}

@test "check mode-mismatch: tun asked of a tap device and the reverse" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	in_ns ip tuntap add dev tun0 mode tun user alice
	check_json alice tap0 --tun
	assert_verdict mode-mismatch 1
	assert_equal "$(field .error)" EINVAL
	assert_equal "$(field .flags)" "IFF_TAP|IFF_NO_PI"
	assert_equal "$(field .requested_flags)" "IFF_TUN|IFF_NO_PI"
	check_json alice tun0 --tap
	assert_verdict mode-mismatch 1
	run as_user alice "$TESTBIN/attach" tap0 --tun
	assert_output EINVAL
}

@test "check multi-queue-mismatch: IFF_MULTI_QUEUE must equal the device's" {
	in_ns ip tuntap add dev mq0 mode tap user alice multi_queue
	in_ns ip tuntap add dev tap0 mode tap user alice
	check_json alice mq0 --tap
	assert_verdict multi-queue-mismatch 1
	check_json alice tap0 --tap --multi-queue
	assert_verdict multi-queue-mismatch 1
	check_json alice mq0
	assert_verdict ok 0
	assert_equal "$(field .flags)" "IFF_TAP|IFF_NO_PI|IFF_MULTI_QUEUE"
	run as_user alice "$TESTBIN/attach" mq0 --tap
	assert_output EINVAL
}

@test "check busy: a held single-queue device names its holder, and the probe agrees" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	hold_device alice tap0
	check_json alice tap0
	assert_verdict busy 1
	assert_equal "$(field .error)" EBUSY
	assert_equal "$(field .probe)" EBUSY
	run finding_message busy
	assert_output --regexp "process [0-9]+ \(attach, uid 1001\)"
	run as_user alice "$TESTBIN/attach" tap0
	assert_output EBUSY
}

# A holder may turn the carrier off (TUNSETCARRIER 0): busy all the same,
# from the holders, and never "the probe disagrees".
@test "check busy: a holder that turned the carrier off is found all the same" {
	in_ns ip tuntap add dev tap0 mode tap group kvm
	hold_device alice tap0 --carrier-off
	run link_field tap0 '.flags | index("LOWER_UP")'
	assert_output null
	check_json alice tap0
	assert_verdict busy 1
	run finding_message busy
	assert_output --regexp "process [0-9]+ \(attach, uid 1001\)"
	# Another member of the group, checked by root: the holder is named, the probe agrees.
	check_json root tap0 --as carol
	assert_verdict busy 1
	assert_equal "$(field .probe)" EBUSY
	refute_output --partial "please report"
	run finding_message busy
	assert_output --regexp "process [0-9]+ \(attach, uid 1001\)"
	# carol herself cannot read alice's fdinfo: the rules miss the holder, the
	# attempt gets EBUSY, and that is busy, not a disagreement to report.
	check_json carol tap0
	assert_equal "$status" 1
	assert_equal "$(field .cause)" busy
	assert_equal "$(field .probe)" EBUSY
	refute_output --partial "probe-disagrees"
	run finding_message busy
	assert_output --partial "other users' /proc/PID/fdinfo cannot be read"
	run as_user carol "$TESTBIN/attach" tap0
	assert_output EBUSY
}

@test "check not-tun: a veth is not a tun device" {
	in_ns ip link add v0 type veth peer name v1
	check_json alice v0
	assert_verdict not-tun 1
	assert_equal "$(field .error)" EINVAL
	run finding_message not-tun
	assert_output --partial "veth"
	run as_user alice "$TESTBIN/attach" v0
	assert_output EINVAL
}

@test "check no-device: EPERM, not ENOENT, with similar names" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	in_ns ip tuntap add dev tap1 mode tap user alice
	in_ns ip tuntap add dev web0 mode tap user alice
	check_json alice tap2
	assert_verdict no-device 1
	assert_equal "$(field .error)" EPERM
	run finding_message no-device
	assert_output --partial "similar names: tap0, tap1"
	refute_output --partial web0
	run as_user alice "$TESTBIN/attach" tap2
	assert_output EPERM
}

@test "check no-tun-node: no clone device, or no driver behind it" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	export TUNOWN_TUN_PATH=$SCRATCH/missing
	check_json alice tap0
	assert_verdict no-tun-node 1
	assert_equal "$(field .probe)" ENOENT
	# Minor 3 of the misc major has no driver: open() gives ENODEV.
	mknod -m 0666 "$SCRATCH/nodriver" c 10 3
	export TUNOWN_TUN_PATH=$SCRATCH/nodriver
	check_json alice tap0
	assert_verdict no-tun-node 1
	assert_equal "$(field .probe)" ENODEV
	run as_user alice "$TESTBIN/attach" tap0
	assert_output ENODEV
	unset TUNOWN_TUN_PATH
}

@test "check tun-node-access: the node's mode, and a nodev mount" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	mknod -m 0600 "$SCRATCH/tun" c 10 200
	export TUNOWN_TUN_PATH=$SCRATCH/tun
	check_json alice tap0
	assert_verdict tun-node-access 1
	assert_equal "$(field .probe)" EACCES
	mkdir "$SCRATCH/nodev"
	mount -t tmpfs -o nodev,mode=0755 check-nodev "$SCRATCH/nodev"
	mknod -m 0666 "$SCRATCH/nodev/tun" c 10 200
	export TUNOWN_TUN_PATH=$SCRATCH/nodev/tun
	check_json alice tap0
	assert_verdict tun-node-access 1
	run finding_message tun-node-access
	assert_output --partial nodev
	run as_user alice "$TESTBIN/attach" tap0
	assert_output EACCES
	unset TUNOWN_TUN_PATH
}

@test "check needs-capability: a device owned by root" {
	in_ns ip tuntap add dev tap0 mode tap user root
	check_json alice tap0
	assert_verdict needs-capability 1
	check_json root tap0
	assert_verdict ok 0
	run as_user alice "$TESTBIN/attach" tap0
	assert_output EPERM
}

@test "check capability: root attaches to another user's device" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	check_json root tap0
	assert_verdict ok 0
	assert_equal "$(field .rule)" capability
}

# Kernels differ here (ownerless_rule in tests/lib/common.bash): check's
# own test of the kernel, its prediction, its probe and bob's real attach agree.
@test "check ownerless: the kernel's rule, tested by check, decides; prediction, probe and a real attach agree" {
	local rule
	rule=$(ownerless_rule)
	in_ns ip tuntap add dev tap0 mode tap
	for probe in "" --no-probe; do
		check_json bob tap0 $probe
		assert_equal "$(field .ownerless_rule)" "$rule"
		if [ "$rule" = anyone ]; then
			assert_equal "$status" 0
			assert_equal "$(field .cause)" ok
			assert_equal "$(field .rule)" ownerless
			assert_finding ownerless
			assert_equal "$(field '.findings[] | select(.code == "ownerless") | .level')" warning
		else
			assert_equal "$status" 1
			assert_equal "$(field .cause)" ownerless-needs-capability
			assert_equal "$(field .error)" EPERM
			refute_output --partial lsm-denied
		fi
	done
	check_json bob tap0
	assert_equal "$(field .probe_agrees)" true
	run_attach bob tap0
	assert_output "$([ "$rule" = anyone ] && echo ok || echo EPERM)"
}

@test "check ownerless as root: CAP_NET_ADMIN gets in on every kernel" {
	local rule
	rule=$(ownerless_rule)
	in_ns ip tuntap add dev tap0 mode tap
	check_json root tap0 --as alice
	assert_equal "$(field .ownerless_rule)" "$rule"
	check_json root tap0
	assert_verdict ok 0
	assert_equal "$(field .rule)" "$([ "$rule" = anyone ] && echo ownerless || echo capability)"
}

@test "check --binary: a setcap copy on a normal mount gets in through the capability" {
	in_ns ip tuntap add dev tap0 mode tap user root
	setcap_copy "$SCRATCH" cap_net_admin+ep
	check_json root tap0 --as alice --binary "$SCRATCH/attach"
	assert_verdict ok 0
	assert_equal "$(field .rule)" capability
	run as_login alice "$SCRATCH/attach" tap0
	assert_output ok
}

@test "check --binary nosuid: file capabilities ignored on a nosuid mount" {
	in_ns ip tuntap add dev tap0 mode tap user root
	mkdir "$SCRATCH/ns"
	mount -t tmpfs -o nosuid,mode=0755 check-nosuid "$SCRATCH/ns"
	setcap_copy "$SCRATCH/ns" cap_net_admin+ep
	check_json root tap0 --as alice --binary "$SCRATCH/ns/attach"
	assert_verdict nosuid 1
	run finding_message nosuid
	assert_output --partial "$SCRATCH/ns,"
	check_json alice tap0 --binary "$SCRATCH/ns/attach"
	assert_verdict nosuid 1
	run as_login alice "$SCRATCH/ns/attach" tap0
	assert_output EPERM
}

@test "check --binary: =p without e, and no file capabilities at all" {
	in_ns ip tuntap add dev tap0 mode tap user root
	mkdir "$SCRATCH/p" "$SCRATCH/none"
	setcap_copy "$SCRATCH/p" cap_net_admin+p
	setcap_copy "$SCRATCH/none" ""
	check_json root tap0 --as alice --binary "$SCRATCH/p/attach"
	assert_verdict file-caps-not-effective 1
	assert_finding needs-capability
	check_json root tap0 --as alice --binary "$SCRATCH/none/attach"
	assert_verdict no-file-caps 1
	run as_login alice "$SCRATCH/p/attach" tap0
	assert_output EPERM
	run as_login alice "$SCRATCH/none/attach" tap0
	assert_output EPERM
}

@test "check --binary ptraced: strace run by the user withholds file capabilities" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	in_ns ip tuntap add dev tap0 mode tap user root
	setcap_copy "$SCRATCH" cap_net_admin+ep
	echo "\$ strace -f tunown check tap0 --binary attach --json  # as alice"
	# LeakSanitizer cannot work under a tracer: a SANITIZE=1 build checks leaks elsewhere.
	skip_unprivileged_tun_read
	run --separate-stderr as_login alice env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null \
		"$TUNOWN" check tap0 --binary "$SCRATCH/attach" --json
	echo "$output"
	assert_verdict ptraced 1
	run as_login alice env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null "$SCRATCH/attach" tap0
	assert_output EPERM
	run as_login alice "$SCRATCH/attach" tap0
	assert_output ok
}

@test "check --binary no-new-privs: execve grants no file capabilities" {
	in_ns ip tuntap add dev tap0 mode tap user root
	setcap_copy "$SCRATCH" cap_net_admin+ep
	echo "\$ setpriv --no-new-privs tunown check tap0 --binary attach --json  # as alice"
	skip_unprivileged_tun_read
	run --separate-stderr as_login alice setpriv --no-new-privs -- \
		"$TUNOWN" check tap0 --binary "$SCRATCH/attach" --json
	echo "$output"
	assert_verdict no-new-privs 1
	run as_login alice setpriv --no-new-privs -- "$SCRATCH/attach" tap0
	assert_output EPERM
}

@test "check --binary bounding-set: without cap_net_admin there, execve fails" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	setcap_copy "$SCRATCH" cap_net_admin+ep
	nobound=(in_ns setpriv --reuid=alice --regid=alice --init-groups --inh-caps=-all
		 --bounding-set=-net_admin --)
	echo "\$ tunown check tap0 --binary attach --json  # as alice, bounding set without net_admin"
	skip_unprivileged_tun_read
	run --separate-stderr "${nobound[@]}" "$TUNOWN" check tap0 --binary "$SCRATCH/attach" --json
	echo "$output"
	# The program would not start, although alice owns the device; the
	# attach itself (the probe) would work.
	assert_verdict bounding-set 1
	assert_equal "$(field .probe)" ok
	run "${nobound[@]}" "$SCRATCH/attach" tap0
	assert_failure
	assert_output --partial "Operation not permitted"
}

# start_in_ns2 USER: a process of USER in $NS2, its pid in $BG_PID.
start_in_ns2() {
	rm -f "$SCRATCH/tmp/pid"
	ip netns exec "$NS2" setpriv --reuid="$1" --regid="$1" --init-groups --inh-caps=-all -- \
		sh -c 'echo $$ >"$1"; exec sleep 600' sh "$SCRATCH/tmp/pid" &
	for ((i = 0; i < 500; i++)); do
		[ -s "$SCRATCH/tmp/pid" ] && break
		sleep 0.02
	done
	BG_PID=$(cat "$SCRATCH/tmp/pid")
}

@test "check --pid: a process in another network namespace" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	NS2=tunown-t${BATS_TEST_NUMBER}b-$$-$RANDOM
	ip netns add "$NS2"
	start_in_ns2 alice
	check_json root tap0 --pid "$BG_PID"
	assert_verdict other-netns 1
	assert_equal "$(field .user)" alice
	# The namespace by its name under /run/netns, not as net:[inode].
	run finding_message other-netns
	assert_output --partial "runs in the network namespace $NS2, which has no interface 'tap0' (this namespace has one)"
	refute_output --partial "net:["
	run ip netns exec "$NS2" setpriv --reuid=alice --regid=alice --init-groups \
		--inh-caps=-all -- "$TESTBIN/attach" tap0
	assert_output EPERM
}

@test "check --pid: a process in another namespace with a device of that name is judged there" {
	NS2=tunown-t${BATS_TEST_NUMBER}b-$$-$RANDOM
	ip netns add "$NS2"
	in_ns ip tuntap add dev tap0 mode tap user alice
	ip netns exec "$NS2" ip tuntap add dev tap0 mode tap user bob
	start_in_ns2 alice
	# Here alice owns tap0; in the process's namespace bob does, and that one counts.
	check_json root tap0 --pid "$BG_PID"
	assert_verdict owner-mismatch 1
	local json=$output
	run finding_message owner-mismatch
	assert_output --partial "owned by bob (uid 1002)"
	output=$json
	run finding_message other-netns
	assert_output --partial "runs in the network namespace $NS2: this is the 'tap0' there, not the one of this namespace"
	refute_output --partial "please report"
	kill "$BG_PID"
	BG_PID=
	# Owned by alice there too: ok, and the probe (in that namespace) agrees.
	ip netns exec "$NS2" ip link del tap0
	ip netns exec "$NS2" ip tuntap add dev tap0 mode tap user alice
	start_in_ns2 alice
	check_json root tap0 --pid "$BG_PID"
	assert_verdict ok 0
	assert_equal "$(field '.findings[] | select(.code == "other-netns") | .level')" note
	run ip netns exec "$NS2" setpriv --reuid=alice --regid=alice --init-groups \
		--inh-caps=-all -- "$TESTBIN/attach" tap0
	assert_output ok
}

@test "check --pid: a process of another user in the same namespace" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	as_login bob sh -c 'echo $$ >"$1"; exec sleep 600' sh "$SCRATCH/tmp/pid" &
	for ((i = 0; i < 500; i++)); do
		[ -s "$SCRATCH/tmp/pid" ] && break
		sleep 0.02
	done
	BG_PID=$(cat "$SCRATCH/tmp/pid")
	check_json root tap0 --pid "$BG_PID"
	assert_verdict owner-mismatch 1
	assert_equal "$(field .user)" bob
	run finding_message owner-mismatch
	assert_output --partial "bob (uid 1002)"
}

@test "check userns: CAP_NET_ADMIN only in a child user namespace does not count" {
	in_ns ip tuntap add dev tap0 mode tap user bob
	echo "\$ unshare --user --map-root-user tunown check tap0 --json"
	skip_unprivileged_tun_read
	run --separate-stderr as_login alice unshare --user --map-root-user \
		"$TUNOWN" check tap0 --json
	echo "$output"
	assert_verdict owner-mismatch 1
	assert_finding userns
	run as_login alice unshare --user --map-root-user "$TESTBIN/attach" tap0
	assert_output EPERM
}

# Runs the rest of the command line under a Landlock domain that handles
# ioctl on device files (ABI 5) and allows it nowhere: an LSM that denies
# TUNSETIFF although every rule of tun says yes.
LANDLOCK='
	my $abi = syscall(444, 0, 0, 1);
	if ($abi < 5) { print STDERR "landlock ABI $abi\n"; exit 77 }
	my $attr = pack("Q", 1 << 15);
	my $fd = syscall(444, $attr, length($attr), 0);
	die "landlock_create_ruleset: $!\n" if $fd < 0;
	syscall(157, 38, 1, 0, 0, 0) == 0 or die "prctl: $!\n";
	syscall(446, $fd, 0) == 0 or die "landlock_restrict_self: $!\n";
	exec @ARGV or die "exec: $!\n";
'

@test "check lsm-denied: Landlock refuses the ioctl the rules allow" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	run as_login alice perl -e "$LANDLOCK" true
	[ "$status" != 77 ] || skip "Landlock without ioctl control (ABI < 5)"
	assert_success
	echo "\$ landlock tunown check tap0 --json  # as alice"
	skip_unprivileged_tun_read
	run --separate-stderr as_login alice perl -e "$LANDLOCK" "$TUNOWN" check tap0 --json
	echo "$output"
	assert_equal "$status" 1
	assert_equal "$(field .cause)" lsm-denied
	assert_equal "$(field .probe_expected)" ok
	assert_equal "$(field .probe)" EACCES
	assert_equal "$(field .probe_agrees)" false
	run as_login alice perl -e "$LANDLOCK" "$TESTBIN/attach" tap0
	assert_output EACCES
}

@test "check --netns: the device in a named namespace" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	run --separate-stderr "$TUNOWN" check tap0 --netns "$NS" --as alice --json
	echo "$output"
	assert_verdict ok 0
	run --separate-stderr "$TUNOWN" check tap0 --as alice --json
	assert_verdict no-device 1
}

@test "check usage: exit 2 on bad usage, nothing probed" {
	run in_ns "$TUNOWN" check
	assert_failure 2
	run in_ns "$TUNOWN" check tap0 tap1
	assert_failure 2
	run in_ns "$TUNOWN" check tap0 --as alice --pid 1
	assert_failure 2
	run in_ns "$TUNOWN" check tap0 --pid nope
	assert_failure 2
	run in_ns "$TUNOWN" check tap0 --as nosuchuser
	assert_failure 2
	run in_ns "$TUNOWN" check tap0 --tun --tap
	assert_failure 2
	run in_ns "$TUNOWN" check name-longer-than-15
	assert_failure 2
	skip_unprivileged_tun_read
	run as_login alice "$TUNOWN" check tap0 --as bob
	assert_failure 2
	assert_output --partial "--as needs root"
}

@test "check as root without --as: says root gets in anywhere and how to check a program's user" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	check_json root tap0
	assert_verdict ok 0
	assert_equal "$(field .rule)" capability
	assert_finding self-capability
	run finding_message self-capability
	assert_output --partial "you are root (CAP_NET_ADMIN)"
	assert_output --partial "alice (uid 1001)"
	check_json root tap0
	run jq -r '.findings[].fix' <<<"$output"
	assert_output --partial "use --as USER or --pid PID to check a program's user"
	refute_output --partial "--user root"
	# With --as the owner's rules are judged again.
	check_json root tap0 --as bob
	assert_verdict owner-mismatch 1
}

@test "check busy seen by a user: the likely cause is other users' fdinfo" {
	# A group both may attach by, on every kernel (not an ownerless device).
	in_ns ip tuntap add dev tap0 mode tap group kvm
	hold_device alice tap0
	check_json carol tap0 --no-probe
	assert_equal "$status" 1
	assert_equal "$(field .cause)" busy
	run finding_message busy
	assert_output --partial "other users' /proc/PID/fdinfo cannot be read"
	# Root reads every fdinfo: the holder is named.
	check_json root tap0 --as carol --no-probe
	run finding_message busy
	assert_output --regexp "process [0-9]+ \(attach, uid 1001\)"
}

@test "check: a name that is only an alternative name is refused with the real name" {
	in_ns ip tuntap add dev tap0 mode tap user alice
	add_altname tap0 vmnet
	echo "\$ tunown check vmnet --as alice"
	run --separate-stderr in_ns "$TUNOWN" check vmnet --as alice
	echo "$stderr"
	assert_failure 1
	assert_output ""
	assert_contains "$stderr" "'vmnet' is an alternative name of 'tap0'"
	assert_contains "$stderr" "TUNSETIFF on 'vmnet' acts on 'tap0'"
	# What the kernel does with the name: the attach lands on tap0.
	run as_user alice "$TESTBIN/attach" vmnet
	assert_output ok
}
