/* SPDX-License-Identifier: MIT */
/* Users and groups through the C library's databases (NSS). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "parse.h"

static int resolve(const char *s, uint32_t *id, const char **why, bool user)
{
	if (*s == '\0') {
		*why = "empty";
		return -EINVAL;
	}
	/* Digits only are an id; anything else is a name, also one that starts with a
	 * digit ("1alice": useradd takes it). */
	if (s[strspn(s, "0123456789")] == '\0')
		return parse_id(s, id, why);
	if (user) {
		struct passwd *pw = getpwnam(s);
		if (pw) {
			*id = pw->pw_uid;
			return 0;
		}
		*why = "no such user";
	} else {
		struct group *gr = getgrnam(s);
		if (gr) {
			*id = gr->gr_gid;
			return 0;
		}
		*why = "no such group";
	}
	return -ENOENT;
}

int resolve_user(const char *s, uint32_t *uid, const char **why)
{
	return resolve(s, uid, why, true);
}

int resolve_group(const char *s, uint32_t *gid, const char **why)
{
	return resolve(s, gid, why, false);
}

/* A one-entry cache each: list output asks for the same few ids again and again. */
struct name_cache {
	bool valid, found;
	uint32_t id;
	char name[256];
};

static const char *cached(struct name_cache *c, uint32_t id, bool user)
{
	if (c->valid && c->id == id)
		return c->found ? c->name : NULL;
	c->valid = true;
	c->id = id;
	c->found = false;
	const char *n = NULL;
	if (user) {
		struct passwd *pw = getpwuid(id);
		n = pw ? pw->pw_name : NULL;
	} else {
		struct group *gr = getgrgid(id);
		n = gr ? gr->gr_name : NULL;
	}
	if (n && strlen(n) < sizeof(c->name)) {
		memcpy(c->name, n, strlen(n) + 1);
		c->found = true;
	}
	return c->found ? c->name : NULL;
}

const char *user_name(uint32_t uid)
{
	static struct name_cache c;
	return cached(&c, uid, true);
}

const char *group_name(uint32_t gid)
{
	static struct name_cache c;
	return cached(&c, gid, false);
}
