/* SPDX-License-Identifier: MIT */
/*
 * Who holds which tun/tap device: the processes with a /dev/net/tun fd whose
 * /proc/PID/fdinfo names the device (`iff:\tNAME`). One pass over /proc finds
 * every holder of every device in every network namespace; a device is known
 * by its name and the namespace, since another namespace may have a device of
 * the same name. A holder belongs to the namespace its process is in
 * (/proc/PID/ns/net): a program that attached and then moved to another
 * namespace is counted there, which no interface can tell apart.
 *
 * The kernel counts the queues of multi-queue devices only
 * (IFLA_TUN_NUM_QUEUES is absent on a single-queue one) and carrier says
 * nothing (any holder may call TUNSETCARRIER): whether a single-queue device
 * is attached is known from its holders. Without the right to read another
 * user's /proc/PID/fd (not root), that user's holders are hidden: `hidden`
 * counts the processes that could not be read, and then a carrier that is on
 * counts as held (the kernel turns it off with the last queue).
 *
 * Functions return 0 or -errno and print nothing.
 */
#ifndef TUNOWN_HOLDERS_H
#define TUNOWN_HOLDERS_H

#include <sys/types.h>

#include "types.h"

/* A network namespace, as the nsfs inode of /proc/PID/ns/net identifies it while it lives. */
struct netns_id {
	dev_t dev;
	ino_t ino;
};

/* One process holding one device. */
struct holder {
	char dev[IFNAMSIZ];         /* the device's name */
	struct netns_id netns;      /* the process's network namespace */
	pid_t pid;
	uint32_t uid;               /* effective uid; ID_NONE when unreadable */
	unsigned fds;               /* its fds attached to the device (queues, or dup()s of one) */
	char comm[17];              /* /proc/PID/comm */
};

struct holders {
	bool loaded;
	bool one_ns;                /* set by holders_only: only processes in ns are read */
	struct netns_id ns;
	size_t n, cap;
	struct holder *v;           /* sorted by namespace, device name, pid */
	size_t hidden;              /* processes whose fds could not be read */
};

/* The network namespace this thread is in. 0 or -errno. */
int netns_id_self(struct netns_id *out);

/*
 * One pass over /proc: every holder of every tun/tap device. Loads once; a
 * later call keeps what the first found. -errno only when /proc itself
 * cannot be read.
 */
int holders_load(struct holders *hs);
/*
 * Before the load: only the holders in namespace ns are asked for (holders_of
 * then answers for ns alone). Outside the init process's namespace most
 * processes are elsewhere, and the load skips them for one readlink each.
 */
void holders_only(struct holders *hs, const struct netns_id *ns);
void holders_free(struct holders *hs);

/* The holders of device name in namespace ns: *first and their count (0: none seen). */
size_t holders_of(const struct holders *hs, const struct netns_id *ns, const char *name,
		  const struct holder **first);

/*
 * Whether a program holds l (of namespace ns): for a multi-queue device the
 * kernel's counts, attached or disabled; for a single-queue one its holders,
 * loaded on the first call that needs them (hs may be unloaded).
 */
bool link_held(const struct link *l, const struct netns_id *ns, struct holders *hs);

/*
 * For a single-queue device, whose queue the kernel does not count, sets
 * l->queues to 1 when it is held (as link_held), else 0. Multi-queue devices
 * keep the kernel's counts.
 */
void link_fill_queues(struct link *l, const struct netns_id *ns, const struct holders *hs);

/* "1234 (qemu, alice), 1300 (qemu, uid 4203)" into buf, cut short with "..." if need be. */
const char *holders_text(const struct holder *v, size_t n, char *buf, size_t len);
/* Who holds l, for a message: "process 1234 (qemu, alice)", or how many queues
 * processes tunown cannot see hold. hs is loaded if it was not. */
const char *holders_describe(const struct link *l, const struct netns_id *ns, struct holders *hs,
			     char *buf, size_t len);

/*
 * Who holds the flock on fd's file, from /proc/locks: "pid 1234, tunown
 * apply" into buf, or NULL when it cannot be told (no such lock, or the
 * process that took it is gone and left it to another).
 */
const char *lock_holder(int fd, char *buf, size_t len);

#endif
