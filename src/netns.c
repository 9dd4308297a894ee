/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "files.h"
#include "netns.h"
#include "types.h"
#include "uapi.h"

int netns_spec_valid(const char *spec)
{
	if (!*spec)
		return -EINVAL;
	if (spec[0] == '/')
		return 0;
	if (strchr(spec, '/') || !strcmp(spec, ".") || !strcmp(spec, ".."))
		return -EINVAL;
	return 0;
}

int netns_spec_path(const char *spec, char *buf, size_t len)
{
	int n;

	if (netns_spec_valid(spec))
		return -EINVAL;
	n = spec[0] == '/' ? snprintf(buf, len, "%s", spec) : snprintf(buf, len, "/run/netns/%s", spec);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int netns_open(const char *spec)
{
	char path[4096];
	int fd, r;

	if ((r = netns_spec_path(spec, path, sizeof(path))))
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Another namespace (/proc/PID/ns/mnt) is refused here; any other file
	 * (ENOTTY, as on kernels before 4.11) is left to setns, which says EINVAL. */
	r = ioctl(fd, NS_GET_NSTYPE);
	if (r >= 0 && r != CLONE_NEWNET) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int netns_join(int fd)
{
	return setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
}

int netns_name_of(dev_t dev, ino_t ino, char *buf, size_t len)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	int r = -ENOENT;

	if (!d)
		return -ENOENT;
	while (r && (e = readdir(d))) {
		struct stat st;
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) < 0)
			continue;
		if (st.st_dev == dev && st.st_ino == ino) {
			snprintf(buf, len, "%s", e->d_name);
			r = 0;
		}
	}
	closedir(d);
	return r;
}

/* The sysfs of one network namespace: a descriptor of its class/net, and which namespace. */
static struct {
	int fd;
	dev_t dev;
	ino_t ino;
	bool own_mounts;            /* the process is in a mount namespace of its own */
} sysfs = { .fd = -1 };

/*
 * The mount keeps its namespace alive (sysfs holds a reference), so the
 * namespace's inode cannot go to another one while it is cached.
 */
static int sysfs_net(void)
{
	struct stat st;
	int fd, e;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	if (sysfs.fd >= 0 && sysfs.dev == st.st_dev && sysfs.ino == st.st_ino)
		return sysfs.fd;
	if (!sysfs.own_mounts) {
		/* As 'ip netns exec' does: nothing mounted here reaches the caller's namespace. */
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return -errno;
		sysfs.own_mounts = true;
	}
	/*
	 * EBUSY: /sys is already the root of this very sysfs (the kernel keeps
	 * one per namespace and will not mount it on its own root again), so the
	 * caller's /sys is the namespace's own.
	 */
	if (mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		if (errno != EBUSY)
			return -errno;
		fd = open("/sys/class/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	} else {
		fd = open("/sys/class/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		e = errno;
		umount2("/sys", MNT_DETACH);
		if (fd < 0)
			return -e;
	}
	if (sysfs.fd >= 0)
		close(sysfs.fd);
	sysfs.fd = fd;
	sysfs.dev = st.st_dev;
	sysfs.ino = st.st_ino;
	return fd;
}

int netns_sysfs_read(const char *dev, const char *attr, char *buf, size_t len)
{
	char path[IFNAMSIZ + 32];
	int dir = sysfs_net(), n;

	if (dir < 0)
		return dir;
	if (!*dev || strchr(dev, '/') || snprintf(path, sizeof(path), "%s/%s", dev, attr) >= (int)sizeof(path))
		return -EINVAL;
	n = file_read_at(dir, path, buf, len);
	if (n < 0)
		return n;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

int netns_check_name(const char *verb, const char *spec)
{
	if (netns_spec_valid(spec))
		return usage_error(verb, "network namespace '%s': not a name under /run/netns nor an absolute path "
				   "to a namespace file", spec);
	return 0;
}

int netns_enter(const char *verb, const char *spec)
{
	char path[4096];
	int fd, r;

	if ((r = netns_check_name(verb, spec)))
		return r;
	if (netns_spec_path(spec, path, sizeof(path)) < 0) {
		errorf(verb, "network namespace '%.64s...': path too long", spec);
		return EXIT_USAGE;
	}
	fd = netns_open(spec);
	r = fd < 0 ? fd : netns_join(fd);
	if (fd >= 0)
		close(fd);
	if (r == -EINVAL) {
		errorf(verb, "network namespace '%s': %s is not a network namespace file", spec, path);
		return EXIT_FAIL;
	}
	if (fd < 0) {
		if (spec[0] == '/')
			errorf(verb, "network namespace '%s': %s", spec, strerror(-fd));
		else
			errorf(verb, "network namespace '%s': %s (%s; 'ip netns list' shows the names)", spec,
			       strerror(-fd), path);
		return EXIT_FAIL;
	}
	if (r < 0) {
		errorf(verb, "cannot enter network namespace '%s': %s%s", spec, strerror(-r),
		       r == -EPERM ? " (needs CAP_SYS_ADMIN: run as root)" : "");
		return EXIT_FAIL;
	}
	return 0;
}
