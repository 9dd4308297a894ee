#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# A real container runtime: podman with its CNI backend runs the README's
# tap-only conflist as written. The container's network namespace gets the
# tap, a member of its group really attaches there and another user is
# refused, and podman's DEL on removal gives the IPAM lease back.
# Everything podman writes is private: its storage and run state under the
# test's directory (vfs, no cgroups), /run and /var/lib/cni as tmpfs, the
# rootfs a directory with busybox, so no image and no registry are involved.

load ../lib/common

PLUGINS=/usr/lib/cni

setup() {
	command -v podman >/dev/null || skip "podman is not installed (make deps)"
	command -v crun >/dev/null || skip "crun is not installed (make deps)"
	[ -x /bin/busybox ] || skip "busybox-static is not installed (make deps)"
	[ -x $PLUGINS/host-local ] || skip "containernetworking-plugins is not installed (make deps)"
	in_sandbox || skip "integration tests run through tests/lib/runtest (make check)"
	mkdir -p /var/lib/cni
	mount -t tmpfs -o mode=0755 tunown-cni /var/lib/cni
	# The sandbox's fresh sysfs has no cgroup mounts: crun wants the unified
	# hierarchy, and with cgroups disabled nothing is created in it.
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || mount -t cgroup2 cgroup2 /sys/fs/cgroup
	P=$BATS_TEST_TMPDIR/podman
	mkdir -p "$P/net.d" "$P/bin" "$P/rootfs/bin" "$P/root" "$P/runroot" "$P/tmp"
	ln -s "$TUNOWN" "$P/bin/tunown"
	ln -s $PLUGINS/host-local "$P/bin/host-local"
	cp /bin/busybox "$P/rootfs/bin/busybox"
	# The sandbox lacks CAP_SYS_RESOURCE: limits no higher than its own.
	cat >"$P/containers.conf" <<-EOF
	[containers]
	cgroups = "disabled"
	default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
	[network]
	network_backend = "cni"
	cni_plugin_dirs = ["$P/bin"]
	network_config_dir = "$P/net.d"
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "none"
	tmp_dir = "$P/tmp"
	EOF
	export CONTAINERS_CONF=$P/containers.conf
}

teardown() {
	[ -z "${P:-}" ] || pm rm -f -t 0 c1 >/dev/null 2>&1 || true
	umount /var/lib/cni 2>/dev/null || true
}

pm() {
	podman --root "$P/root" --runroot "$P/runroot" --storage-driver vfs "$@"
}

@test "podman: the README's tap-only conflist as written; a group member attaches in the container's namespace, others are refused; removal releases the lease" {
	readme_block podman-example >"$P/net.d/taponly.conflist"
	[ -s "$P/net.d/taponly.conflist" ]
	local net
	net=$(jq -r .name "$P/net.d/taponly.conflist")
	run pm run -d --name c1 --network "$net" --rootfs "$P/rootfs" /bin/busybox sleep 300
	echo "$output"
	assert_success
	run pm inspect --format '{{.NetworkSettings.SandboxKey}}' c1
	assert_success
	local sbx=$output
	[ -e "$sbx" ]
	# The device podman's container sees: eth0, group kvm, multi-queue, the lease's address.
	run nsenter --net="$sbx" ip -d -j link show eth0
	assert_success
	assert_equal "$(jq -r '.[0].linkinfo.info_kind' <<<"$output")" tun
	assert_equal "$(jq -r '.[0].linkinfo.info_data.group' <<<"$output")" kvm
	assert_equal "$(jq -r '.[0].linkinfo.info_data.multi_queue' <<<"$output")" true
	run nsenter --net="$sbx" ip -j addr show eth0
	assert_output --partial 10.89.0.2
	ls /var/lib/cni/networks/"$net" | grep -qx 10.89.0.2
	# carol is in kvm: she attaches without any capability; bob is not.
	run nsenter --net="$sbx" setpriv --reuid=carol --regid=carol --init-groups \
		--inh-caps=-all --bounding-set=-all -- "$TESTBIN/attach" eth0 --multi-queue
	assert_output ok
	run nsenter --net="$sbx" setpriv --reuid=bob --regid=bob --init-groups \
		--inh-caps=-all --bounding-set=-all -- "$TESTBIN/attach" eth0 --multi-queue
	assert_output EPERM
	# Removal: podman's DEL through tunown gives the address back.
	run pm rm -f -t 0 c1
	assert_success
	run ls /var/lib/cni/networks/"$net"
	refute_output --partial 10.89.0.2
}
