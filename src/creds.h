/* SPDX-License-Identifier: MIT */
/*
 * Gathering what diagnose.h reasons about: the credentials of this process,
 * of a login of some user, or of a running process; a program's file
 * capabilities and mount; the tun clone device. Functions return 0 or
 * -errno and print nothing.
 */
#ifndef TUNOWN_CREDS_H
#define TUNOWN_CREDS_H

#include <sys/types.h>

#include "diagnose.h"

/* struct creds and the storage it points into. */
struct creds_buf {
	struct creds c;
	uint32_t *groups;
	uint32_t *db_groups;
	char netns_name[272];       /* "lab" (its name under /run/netns), else "net:[4026531840]" */
	char comm[17];              /* --pid: the process's name */
};

/* This process. */
int creds_self(struct creds_buf *b);
/* A fresh login of uid: its primary group and groups from the database, no
 * capabilities unless uid 0. -ENOENT when the user database has no such uid. */
int creds_login(struct creds_buf *b, uint32_t uid);
/* A running process, from /proc/PID. */
int creds_pid(struct creds_buf *b, pid_t pid);
void creds_free(struct creds_buf *b);

/* Where the process (0: this one) stands against this process's network
 * namespace, where the device was looked up: sets c.userns and c.other_netns. */
int creds_place(struct creds_buf *b, pid_t pid);

/* The file capabilities of path; mnt receives its mount point. */
int filecaps_read(const char *path, struct filecaps *out, char *mnt, size_t mntlen);

/* The tun clone device at tun_path(). */
void tun_node_read(struct tun_node *n);
/* /dev/vhost-net (TUNOWN_VHOST_PATH in tests): stat only. */
void vhost_node_read(struct tun_node *n);

#endif
