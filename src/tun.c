/* SPDX-License-Identifier: MIT */
/* The /dev/net/tun ioctls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "netns.h"
#include "tun.h"
#include "uapi.h"

/* Read once: apply opens it for every device it creates. */
const char *tun_path(void)
{
	static const char *path;

	if (!path) {
		const char *p = getenv("TUNOWN_TUN_PATH");
		path = p && *p ? p : "/dev/net/tun";
	}
	return path;
}

int tun_open(int *fd)
{
	int r = open(tun_path(), O_RDWR | O_CLOEXEC);
	if (r < 0)
		return -errno;
	*fd = r;
	return 0;
}

const char *tun_open_hint(int err)
{
	static char hint[200];

	if (err == -ENOENT || err == -ENODEV) {
		snprintf(hint, sizeof(hint), " (load the driver and create the node: modprobe tun; "
			 "mknod %s c 10 200; chmod 0666 %s)", tun_path(), tun_path());
		return hint;
	}
	return err == -EACCES || err == -EPERM ? " (run as root)" : "";
}

int tun_attach(int fd, const char *name, int flags)
{
	struct ifreq ifr = { .ifr_flags = (short)flags };

	ifname_copy(ifr.ifr_name, name);
	return ioctl(fd, TUNSETIFF, &ifr) < 0 ? -errno : 0;
}

static int tun_ioctl(int fd, unsigned long req, unsigned long arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

int tun_set_owner(int fd, uint32_t uid)
{
	return tun_ioctl(fd, TUNSETOWNER, uid);
}

int tun_set_group(int fd, uint32_t gid)
{
	return tun_ioctl(fd, TUNSETGROUP, gid);
}

int tun_set_persist(int fd, bool on)
{
	return tun_ioctl(fd, TUNSETPERSIST, on);
}

int tun_flags(enum tun_mode mode, bool multi_queue, bool vnet_hdr, bool pi)
{
	int f = mode == MODE_TUN ? IFF_TUN : IFF_TAP;

	if (!pi)
		f |= IFF_NO_PI;
	if (vnet_hdr)
		f |= IFF_VNET_HDR;
	if (multi_queue)
		f |= IFF_MULTI_QUEUE;
	return f;
}

int tun_flags_of(const struct link *l)
{
	return tun_flags(l->mode, l->multi_queue, l->vnet_hdr, l->pi);
}

char *tun_flags_string(int flags, char *buf, size_t len)
{
	static const struct { int bit; const char *name; } names[] = {
		{ IFF_TUN, "IFF_TUN" }, { IFF_TAP, "IFF_TAP" }, { IFF_NO_PI, "IFF_NO_PI" },
		{ IFF_VNET_HDR, "IFF_VNET_HDR" }, { IFF_MULTI_QUEUE, "IFF_MULTI_QUEUE" },
		{ IFF_TUN_EXCL, "IFF_TUN_EXCL" },
	};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		int n = snprintf(buf + off, len - off, "%s%s", off ? "|" : "", names[i].name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* owner and group: "-1" when unset (drivers/net/tun.c), else the id in decimal. */
static int sysfs_id(const char *dev, const char *attr, uint32_t *id)
{
	char buf[32], *end;
	int r = netns_sysfs_read(dev, attr, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (!strcmp(buf, "-1")) {
		*id = ID_NONE;
		return 0;
	}
	errno = 0;
	unsigned long v = strtoul(buf, &end, 10);
	if (errno || end == buf || *end || v >= ID_NONE)
		return -EPROTO;
	*id = (uint32_t)v;
	return 0;
}

int tun_read_sysfs(struct link *l)
{
	char buf[32], *end;
	unsigned long flags;
	uint32_t owner, group;
	int r = netns_sysfs_read(l->name, "tun_flags", buf, sizeof(buf));

	l->tun_unread = true;
	if (r < 0)
		return r;
	/* "0x%x": the TUNSETIFF flags, with IFF_PERSIST (Linux 3.19 on). */
	errno = 0;
	flags = strtoul(buf, &end, 16);
	if (errno || end == buf || *end || !(flags & (IFF_TUN | IFF_TAP)))
		return -EPROTO;
	if ((r = sysfs_id(l->name, "owner", &owner)) < 0 || (r = sysfs_id(l->name, "group", &group)) < 0)
		return r;
	l->tun_unread = false;
	l->is_tun = true;
	l->queues_unknown = true;
	l->mode = flags & IFF_TUN ? MODE_TUN : MODE_TAP;
	l->owner = owner;
	l->group = group;
	l->pi = !(flags & IFF_NO_PI);
	l->vnet_hdr = flags & IFF_VNET_HDR;
	l->multi_queue = flags & IFF_MULTI_QUEUE;
	l->persist = flags & IFF_PERSIST;
	return 0;
}

const char *tun_unread_text(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "cannot read the tun/tap attributes of '%s': this kernel gives them only in sysfs "
		 "(before Linux 4.16), and a sysfs of this network namespace could not be mounted "
		 "(that needs CAP_SYS_ADMIN: run as root)", name);
	return buf;
}
