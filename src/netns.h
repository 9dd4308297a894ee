/* SPDX-License-Identifier: MIT */
/*
 * Network namespaces by name or by path: NAME is /run/netns/NAME (as 'ip -n'
 * takes it), an absolute path is any namespace file (/proc/PID/ns/net,
 * /var/run/netns/cni-..., a bind mount), as CNI runtimes pass CNI_NETNS.
 */
#ifndef TUNOWN_NETNS_H
#define TUNOWN_NETNS_H

#include <stddef.h>

/* 0 when spec is a name under /run/netns or an absolute path, else -EINVAL. */
int netns_spec_valid(const char *spec);
/* The file spec stands for into buf; -EINVAL as above, -ENAMETOOLONG. */
int netns_spec_path(const char *spec, char *buf, size_t len);
/* Opens the namespace file (O_RDONLY|O_CLOEXEC): an fd, or -errno
 * (-EINVAL when the file is not a network namespace). */
int netns_open(const char *spec);
/* Makes the calling thread a member of the namespace fd stands for: 0 or -errno. */
int netns_join(int fd);

/* Command layer: enters spec; 0, or an exit status after saying why. */
int netns_enter(const char *verb, const char *spec);
/* Command layer: checks a --netns value without entering: 0, or EXIT_USAGE after saying why. */
int netns_check_name(const char *verb, const char *spec);

#endif
