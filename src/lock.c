/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "holders.h"
#include "lock.h"
#include "privs.h"

int lock_open(void)
{
	int fd = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	return fd < 0 ? -errno : fd;
}

int lock_get(int fd, int wait_ms)
{
	if (wait_ms < 0)
		return flock(fd, LOCK_EX) < 0 ? -errno : 0;
	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 10) {
		if (errno != EWOULDBLOCK || waited >= wait_ms)
			return -errno;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000L }, NULL);
	}
	return 0;
}

int lock_take(const char *verb)
{
	char who[128];
	int fd, r;

	/* Without the capability every change would fail; say so before the lock does. */
	if (!privs_effective(CAP_NET_ADMIN)) {
		errorf(verb, "needs CAP_NET_ADMIN: run it as root; nothing changed%s",
		       !strcmp(verb, "apply") ? " ('tunown apply --dry-run' works without it)" : "");
		return -1;
	}
	if ((fd = lock_open()) < 0) {
		errorf(verb, "cannot open the lock '%s': %s%s", LOCK_PATH, strerror(-fd),
		       fd == -EACCES ? " (run tunown as root)" : "");
		return -1;
	}
	if ((r = lock_get(fd, 0)) == -EWOULDBLOCK) {
		if (lock_holder(fd, who, sizeof(who)))
			errorf(verb, "waiting for another tunown to finish (lock %s, held by %s)", LOCK_PATH, who);
		else
			errorf(verb, "waiting for another tunown to finish (lock %s)", LOCK_PATH);
		r = lock_get(fd, -1);
	}
	if (r < 0) {
		errorf(verb, "cannot lock '%s': %s", LOCK_PATH, strerror(-r));
		close(fd);
		return -1;
	}
	return fd;
}
