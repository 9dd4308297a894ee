/* SPDX-License-Identifier: MIT */
/* The /dev/net/tun ioctls. Every function returns 0 or -errno and prints nothing. */
#ifndef TUNOWN_TUN_H
#define TUNOWN_TUN_H

#include <stddef.h>
#include "types.h"

/* The path of the clone device; TUNOWN_TUN_PATH overrides it for tests. */
const char *tun_path(void);
int tun_open(int *fd);
/* What to do about tun_open's error, " (modprobe tun; mknod ...)", or "". */
const char *tun_open_hint(int err);
int tun_attach(int fd, const char *name, int flags);
int tun_set_owner(int fd, uint32_t uid);
int tun_set_group(int fd, uint32_t gid);
int tun_set_persist(int fd, bool on);

/*
 * A tun link rtnetlink sent without IFLA_TUN_* (before Linux 4.16): its mode,
 * owner, group and flags from the sysfs of its own namespace (netns.h). The
 * kernel's queue counts stay unknown (l->queues_unknown). 0, or -errno and
 * l->tun_unread.
 */
int tun_read_sysfs(struct link *l);

/* Why a link with l->tun_unread cannot be handled, for messages, in buf. */
const char *tun_unread_text(char *buf, size_t len, const char *name);

/* The TUNSETIFF flags a program passes to attach to a device like this. */
int tun_flags(enum tun_mode mode, bool multi_queue, bool vnet_hdr, bool pi);
int tun_flags_of(const struct link *l);
/* "IFF_TAP|IFF_NO_PI" */
char *tun_flags_string(int flags, char *buf, size_t len);

#endif
