/* SPDX-License-Identifier: MIT */
/*
 * tunown check --all: every tun/tap device of the network namespace, who may
 * attach to it (its owner; its group and the group's members from the group
 * database), and what looks wrong: no owner at all, an owner or group the
 * databases do not know, an owner outside the device's group (the kernel
 * then wants both, which the owner's logins do not carry), and a device
 * tunown manages whose owner, group or persistence is not what the files
 * say. The kernel lets a program attached as the owner (or a group member)
 * change the owner or drop persistence with no capability at all;
 * `tunown apply` puts them back.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "escape.h"
#include "ids.h"
#include "kprobe.h"
#include "linkset.h"
#include "netns.h"
#include "output.h"
#include "parse.h"

#define VERB "check"
#define AUDIT_TEXT 320
#define AUDIT_MAX 8

enum alevel { A_ERROR, A_WARN, A_NOTE };

struct afinding {
	const char *code;
	enum alevel level;
	char message[AUDIT_TEXT];
	char fix[AUDIT_TEXT];
};

struct audit {
	size_t n;
	struct afinding f[AUDIT_MAX];
};

__attribute__((format(printf, 4, 5)))
static struct afinding *note(struct audit *a, const char *code, enum alevel level, const char *fmt, ...)
{
	static struct afinding spare;
	struct afinding *f = a->n < AUDIT_MAX ? &a->f[a->n++] : &spare;
	va_list ap;

	memset(f, 0, sizeof(*f));
	f->code = code;
	f->level = level;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	return f;
}

/*
 * The user and group databases as the audit asks them: each uid and gid
 * looked up once, the passwd database enumerated once, whatever the number
 * of devices (each lookup through NSS reads the files again).
 */
struct slot {                   /* the head of an entry of an open-addressing table */
	uint32_t id;
	bool used;
};

struct uent {
	struct slot h;              /* uid */
	bool found;
	uint32_t gid;               /* primary group */
	char *name;
};

struct gent {
	struct slot h;              /* gid */
	char *name;                 /* NULL: no entry in the group database */
	char **members;             /* listed members, then users with it as primary group; NULL-ended */
	size_t nlisted, n, cap;
};

struct pwent_copy {
	uint32_t gid;
	char *name;
};

struct table {
	char *v;                    /* cap entries of size bytes; cap a power of two */
	size_t n, cap, size;
};

struct iddb {
	struct table users, groups;
	struct pwent_copy *pw;      /* every passwd entry getpwent gives */
	size_t npw;
	bool pw_loaded;
};

#define IDDB_INIT { .users = { .size = sizeof(struct uent) }, .groups = { .size = sizeof(struct gent) } }
#define SLOT(t, i) ((struct slot *)((t)->v + (i) * (t)->size))

/* The entry of id, or the free one where it goes (then ->used is false); NULL when out of memory. */
static struct slot *table_slot(struct table *t, uint32_t id)
{
	if ((t->n + 1) * 2 > t->cap) {
		struct table g = { .cap = t->cap ? t->cap * 2 : 64, .size = t->size, .n = t->n };
		if (!(g.v = calloc(g.cap, g.size)))
			return NULL;
		for (size_t i = 0; i < t->cap; i++)
			if (SLOT(t, i)->used)
				memcpy(table_slot(&g, SLOT(t, i)->id), SLOT(t, i), t->size);
		free(t->v);
		*t = g;
	}
	size_t i = (size_t)(id * 2654435761u) & (t->cap - 1);
	while (SLOT(t, i)->used && SLOT(t, i)->id != id)
		i = (i + 1) & (t->cap - 1);
	return SLOT(t, i);
}

/* The user uid, looked up once; NULL only when out of memory. */
static const struct uent *user_of(struct iddb *db, uint32_t uid)
{
	struct uent *e = (struct uent *)table_slot(&db->users, uid);
	struct passwd *pw;

	if (!e || e->h.used)
		return e;
	e->h = (struct slot){ .id = uid, .used = true };
	db->users.n++;
	if ((pw = getpwuid(uid)) && (e->name = strdup(pw->pw_name))) {
		e->found = true;
		e->gid = pw->pw_gid;
	}
	return e;
}

static int load_passwd(struct iddb *db)
{
	struct passwd *pw;
	size_t cap = 0;
	int r = 0;

	db->pw_loaded = true;
	setpwent();
	while (r == 0 && (pw = getpwent())) {
		if (db->npw == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct pwent_copy *v = realloc(db->pw, c * sizeof(*v));
			if (!v) {
				r = -ENOMEM;
				break;
			}
			db->pw = v;
			cap = c;
		}
		if (!(db->pw[db->npw].name = strdup(pw->pw_name)))
			r = -ENOMEM;
		else
			db->pw[db->npw++].gid = pw->pw_gid;
	}
	endpwent();
	return r;
}

static int push_member(struct gent *e, const char *name)
{
	if (e->n + 2 > e->cap) {
		size_t c = e->cap ? e->cap * 2 : 8;
		char **v = realloc(e->members, c * sizeof(*v));
		if (!v)
			return -ENOMEM;
		e->members = v;
		e->cap = c;
	}
	if (name && !(e->members[e->n++] = strdup(name)))
		return -ENOMEM;
	e->members[e->n] = NULL;
	return 0;
}

static bool listed(const struct gent *e, const char *name)
{
	for (size_t i = 0; i < e->nlisted; i++)
		if (!strcmp(e->members[i], name))
			return true;
	return false;
}

/* The group gid and who is in it, looked up once; NULL only when out of memory. */
static const struct gent *group_of(struct iddb *db, uint32_t gid)
{
	struct gent *e;
	struct group *gr;
	int r;

	if (!db->pw_loaded && load_passwd(db) < 0)
		return NULL;
	if (!(e = (struct gent *)table_slot(&db->groups, gid)) || e->h.used)
		return e;
	e->h = (struct slot){ .id = gid, .used = true };
	db->groups.n++;
	r = push_member(e, NULL);
	gr = getgrgid(gid);
	if (gr && !(e->name = strdup(gr->gr_name)))
		r = -ENOMEM;
	for (char **m = gr ? gr->gr_mem : NULL; r == 0 && m && *m; m++)
		r = push_member(e, *m);
	e->nlisted = e->n;
	/* Members by primary group, unless listed already. */
	for (size_t k = 0; r == 0 && k < db->npw; k++)
		if (db->pw[k].gid == gid && !listed(e, db->pw[k].name))
			r = push_member(e, db->pw[k].name);
	return r == 0 ? e : NULL;
}

static void iddb_free(struct iddb *db)
{
	for (size_t i = 0; i < db->users.cap; i++)
		free(((struct uent *)SLOT(&db->users, i))->name);
	for (size_t i = 0; i < db->groups.cap; i++) {
		struct gent *e = (struct gent *)SLOT(&db->groups, i);
		free(e->name);
		for (size_t k = 0; k < e->n; k++)
			free(e->members[k]);
		free(e->members);
	}
	for (size_t i = 0; i < db->npw; i++)
		free(db->pw[i].name);
	free(db->users.v);
	free(db->groups.v);
	free(db->pw);
	memset(db, 0, sizeof(*db));
}

/* The name of uid or gid, NULL when the database has none (or out of memory). */
static const char *uname_of(struct iddb *db, uint32_t uid)
{
	const struct uent *u = uid != ID_NONE ? user_of(db, uid) : NULL;

	return u ? u->name : NULL;
}

static const char *gname_of(struct iddb *db, uint32_t gid)
{
	const struct gent *g = gid != ID_NONE ? group_of(db, gid) : NULL;

	return g ? g->name : NULL;
}

/* Whether the user uid is in group gid: its primary group, or a member in the group database. */
static bool in_group(struct iddb *db, uint32_t uid, uint32_t gid)
{
	const struct uent *u = user_of(db, uid);
	const struct gent *g;

	if (!u || !u->found)
		return false;
	if (u->gid == gid)
		return true;
	g = group_of(db, gid);
	return g && listed(g, u->name);
}

/* "alice", "unset" or "uid 4242": the name copied out of ids.c's one static buffer. */
static const char *who(bool user, uint32_t id, char *buf, size_t len)
{
	const char *name = id == ID_NONE ? NULL : user ? user_name(id) : group_name(id);

	if (id == ID_NONE)
		snprintf(buf, len, "unset");
	else if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s %u", user ? "uid" : "gid", id);
	return buf;
}

/* An owner or group that is not what the file says. */
static void id_drift(bool user, uint32_t is, uint32_t want, const struct devspec *s, struct audit *a)
{
	char b1[64], b2[64];
	struct afinding *f;

	if (is == want)
		return;
	f = note(a, user ? "owner-drift" : "group-drift", A_ERROR,
		 "the %s is %s, %s:%u says %s: a program attached to the device may change it (%s needs no capability)",
		 user ? "owner" : "group", who(user, is, b1, sizeof(b1)), s->file ? s->file : "-", s->line,
		 who(user, want, b2, sizeof(b2)), user ? "TUNSETOWNER" : "TUNSETGROUP");
	snprintf(f->fix, sizeof(f->fix), "tunown apply puts it back");
}

/* What the files say of a managed device, against what it is. */
static void drift(const struct link *l, const struct devspec *s, struct audit *a)
{
	struct afinding *f;

	id_drift(true, l->owner, s->any_user ? ID_NONE : s->uid, s, a);
	id_drift(false, l->group, s->any_user ? ID_NONE : s->gid, s, a);
	if (!l->persist) {
		f = note(a, "persist-drift", A_ERROR, "not persistent: it goes away when its last program closes it (a program attached to it dropped persistence with TUNSETPERSIST, which needs no capability)");
		snprintf(f->fix, sizeof(f->fix), "tunown apply makes it persistent again%s",
			 l->multi_queue || !l->queues ? "" : " once the program lets go (single-queue: it cannot re-attach while held)");
	}
}

static void audit_link(struct iddb *db, const struct link *l, const struct devspec *s, struct audit *a)
{
	const char *owner = uname_of(db, l->owner), *group = gname_of(db, l->group);
	struct afinding *f;

	memset(a, 0, sizeof(*a));
	if (l->owner == ID_NONE && l->group == ID_NONE) {
		if (kprobe_ownerless(false) == OWNERLESS_CAPABILITY)
			f = note(a, "ownerless", A_WARN, "no owner and no group: this kernel lets only CAP_NET_ADMIN attach to such a device (kernels differ here)");
		else
			f = note(a, "ownerless", A_WARN, "no owner and no group: every user who can open /dev/net/tun may attach");
		snprintf(f->fix, sizeof(f->fix), "tunown add %s --user USER (or --group GROUP)", l->name);
	}
	if (l->owner != ID_NONE && !owner) {
		f = note(a, "owner-unknown", A_WARN, "owner uid %u has no entry in the user database: a user deleted, or one from a directory not reachable now", l->owner);
		snprintf(f->fix, sizeof(f->fix), "give it an existing owner: tunown add %s --user USER", l->name);
	}
	if (l->group != ID_NONE && !group) {
		f = note(a, "group-unknown", A_WARN, "group gid %u has no entry in the group database", l->group);
		snprintf(f->fix, sizeof(f->fix), "give it an existing group: tunown add %s --group GROUP", l->name);
	}
	if (owner && l->group != ID_NONE && !in_group(db, l->owner, l->group)) {
		f = note(a, "owner-not-in-group", A_ERROR, "owner %s is not in group %s: the kernel wants both, so only %s running with that group added by hand (sg, newgrp) can attach; its logins and the group's other members cannot",
			 owner, group ? group : "(no name)", owner);
		snprintf(f->fix, sizeof(f->fix), "add the owner to the group (usermod -aG GROUP USER), or give the device one of the two");
	}
	if (s)
		drift(l, s, a);
	else if (l->managed) {
		f = note(a, "not-in-files", A_NOTE, "tunown created it and no configuration file names it");
		snprintf(f->fix, sizeof(f->fix), "tunown apply --prune removes it; tunown del %s too", l->name);
	}
}

/* Who may attach: the owner, and the group's members (by primary group or listed). */
static void print_who(struct iddb *db, const struct link *l)
{
	const struct gent *g = l->group != ID_NONE ? group_of(db, l->group) : NULL;

	out_strs_begin("members", "members");
	for (size_t i = 0; g && i < g->n; i++)
		out_strs_item(g->members[i]);
	out_strs_end();
}

static const char *level_word(enum alevel l)
{
	return l == A_ERROR ? "error" : l == A_WARN ? "warning" : "note";
}

struct walk {
	const struct config *c;
	const char *netns;
	struct iddb db;
	size_t errors, warnings, devices;
};

static int audit_one(const struct link *l, void *data)
{
	struct walk *w = data;
	struct audit a;

	if (!l->is_tun)
		return 0;
	const struct devspec *s = l->managed ? config_find(w->c, l->name, w->netns) : NULL;
	audit_link(&w->db, l, s, &a);
	w->devices++;
	out_obj_begin(l->name);
	if (out_json())
		out_str("name", "name", l->name);
	out_id("owner", "owner_name", "owner", l->owner != ID_NONE, l->owner, uname_of(&w->db, l->owner));
	out_id("group", "group_name", "group", l->group != ID_NONE, l->group, gname_of(&w->db, l->group));
	print_who(&w->db, l);
	out_bool("persist", "persist", l->persist);
	out_bool("managed", "managed", l->managed);
	out_objs_begin("findings", NULL);
	for (size_t i = 0; i < a.n; i++) {
		const struct afinding *f = &a.f[i];
		w->errors += f->level == A_ERROR;
		w->warnings += f->level == A_WARN;
		if (out_json()) {
			out_obj_begin(NULL);
			out_str("code", "code", f->code);
			out_str("level", "level", level_word(f->level));
			out_str("message", "message", f->message);
			out_str("fix", "fix", f->fix[0] ? f->fix : NULL);
			out_obj_end();
		} else {
			escape_line(stdout, "  %s %s: %s", level_word(f->level), f->code, f->message);
			if (f->fix[0])
				escape_line(stdout, "    fix: %s", f->fix);
		}
	}
	out_objs_end();
	out_obj_end();
	return 0;
}

/* check --all [FILE...] [--json] [--netns NAME]: FILEs (default: apply's) say what managed devices should be. */
int audit_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct walk w = { .db = IDDB_INIT };
	struct config c;
	struct config_errors errs;
	struct rt *rt = NULL;
	bool json = false;
	int opt, r;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return print_help(VERB);
		case 'a':
			break;
		case 'j':
			json = true;
			break;
		case 'n':
			if ((r = netns_check_name(VERB, optarg)))
				return r;
			w.netns = optarg;
			break;
		default:
			return usage_error(VERB, "with --all only --json, --netns and configuration FILEs: '%s'", argv[optind - 1]);
		}
	}
	config_init(&c);
	config_errors_init(&errs);
	r = config_load(&c, optind < argc ? argv + optind : NULL, (size_t)(argc - optind), &errs);
	if (r < 0) {
		config_errors_print(&errs, stderr);
		errorf(VERB, "the configuration has errors: fix them first");
		r = r == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
		goto out;
	}
	w.c = &c;
	if (w.netns && (r = netns_enter(VERB, w.netns)))
		goto out;
	if ((r = rt_connect(VERB, &rt)))
		goto out;
	out_init(stdout, json ? OUT_JSON : OUT_BLOCK);
	if (json) {
		printf("{\"devices\":");
		out_list_begin();
	}
	r = rt_links(rt, audit_one, &w);
	if (json) {
		out_list_end();
		printf(",\"errors\":%zu,\"warnings\":%zu,\"ok\":%s}\n", w.errors, w.warnings, w.errors ? "false" : "true");
	} else {
		printf("%zu device%s, %zu error%s, %zu warning%s\n", w.devices, w.devices == 1 ? "" : "s",
		       w.errors, w.errors == 1 ? "" : "s", w.warnings, w.warnings == 1 ? "" : "s");
	}
	if (r < 0) {
		errorf(VERB, "cannot list the interfaces: %s", strerror(-r));
		r = EXIT_FAIL;
		goto out;
	}
	r = w.errors ? EXIT_FAIL : EXIT_DONE;
out:
	iddb_free(&w.db);
	rt_close(rt);
	config_free(&c);
	config_errors_free(&errs);
	return r;
}
