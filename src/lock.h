/* SPDX-License-Identifier: MIT */
/*
 * The one lock that serialises every command that changes devices: tunown
 * add, del and apply, and the CNI plugin's ADD, DEL and GC. A flock on
 * /run/tunown.lock, taken on an fd that closes on exec and released by
 * closing it (or by the kernel when the process dies).
 */
#ifndef TUNOWN_LOCK_H
#define TUNOWN_LOCK_H

#define LOCK_PATH "/run/tunown.lock"

/* Opens (creating, 0600, never through a symlink) the lock file: an fd, or -errno. */
int lock_open(void);
/*
 * Takes the lock on fd: at once when wait_ms is 0, blocking when it is
 * negative, or trying every 10 ms for wait_ms. 0, -EWOULDBLOCK when it
 * stayed held, or -errno.
 */
int lock_get(int fd, int wait_ms);
/*
 * For the command line: needs CAP_NET_ADMIN, says when it waits for another
 * tunown (and which), and blocks until the lock is free. An fd, or -1 after
 * saying why.
 */
int lock_take(const char *verb);

#endif
