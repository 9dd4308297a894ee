/* SPDX-License-Identifier: MIT */
/*
 * Network namespaces by name or by path: NAME is /run/netns/NAME (as 'ip -n'
 * takes it), an absolute path is any namespace file (/proc/PID/ns/net,
 * /var/run/netns/cni-..., a bind mount), as CNI runtimes pass CNI_NETNS.
 */
#ifndef TUNOWN_NETNS_H
#define TUNOWN_NETNS_H

#include <stddef.h>
#include <sys/types.h>

/* 0 when spec is a name under /run/netns or an absolute path, else -EINVAL. */
int netns_spec_valid(const char *spec);
/* The file spec stands for into buf; -EINVAL as above, -ENAMETOOLONG. */
int netns_spec_path(const char *spec, char *buf, size_t len);
/* Opens the namespace file (O_RDONLY|O_CLOEXEC): an fd, or -errno
 * (-EINVAL when the file is not a network namespace). */
int netns_open(const char *spec);
/* Makes the calling thread a member of the namespace fd stands for: 0 or -errno. */
int netns_join(int fd);

/*
 * The name under /run/netns of the namespace whose nsfs file is (dev, ino),
 * as /proc/PID/ns/net stats, into buf: 0, or -ENOENT when none names it.
 */
int netns_name_of(dev_t dev, ino_t ino, char *buf, size_t len);

/*
 * Reads /sys/class/net/DEV/ATTR of the calling thread's network namespace
 * into buf (NUL-terminated, the trailing newline cut): 0 or -errno. The sysfs
 * is this namespace's own, as 'ip -n' gives it: the first call in a namespace
 * moves the process into a mount namespace of its own (once), mounts a fresh
 * sysfs on /sys, keeps a descriptor of it and detaches the mount again, so
 * that the process's /sys is what it was. The caller's /sys may show another
 * namespace or none, and is never read. Needs CAP_SYS_ADMIN (-EPERM).
 */
int netns_sysfs_read(const char *dev, const char *attr, char *buf, size_t len);

/* Command layer: enters spec; 0, or an exit status after saying why. */
int netns_enter(const char *verb, const char *spec);
/* Command layer: checks a --netns value without entering: 0, or EXIT_USAGE after saying why. */
int netns_check_name(const char *verb, const char *spec);

#endif
