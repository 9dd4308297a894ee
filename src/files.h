/* SPDX-License-Identifier: MIT */
/*
 * The small files of /proc and sysfs (a process's status and comm, a
 * device's owner or tun_flags, a socket's fdinfo): read whole in one read,
 * as the kernel makes them.
 */
#ifndef TUNOWN_FILES_H
#define TUNOWN_FILES_H

#include <stddef.h>

/* Reads name (relative to dirfd, or AT_FDCWD) into buf, at most len - 1
 * bytes, NUL-terminated: the number of bytes read, or -errno. */
int file_read_at(int dirfd, const char *name, char *buf, size_t len);

#endif
