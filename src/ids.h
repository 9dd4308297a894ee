/* SPDX-License-Identifier: MIT */
/* Users and groups: names or numbers to ids, ids to names (the passwd/group databases). */
#ifndef TUNOWN_IDS_H
#define TUNOWN_IDS_H

#include <stdint.h>

/*
 * Digits only are an id, anything else a name (also "1alice", which useradd
 * takes): 0, or -EINVAL (a number out of range) / -ENOENT (no such name), with *why.
 */
int resolve_user(const char *s, uint32_t *uid, const char **why);
int resolve_group(const char *s, uint32_t *gid, const char **why);
/* The name, or NULL when the database has none; the buffer is static (cached). */
const char *user_name(uint32_t uid);
const char *group_name(uint32_t gid);

#endif
