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

/* Whether the user uid is in group gid: its primary group, or a member in the group database. */
static bool in_group(uint32_t uid, uint32_t gid)
{
	struct passwd *pw = getpwuid(uid);
	struct group *gr;

	if (!pw)
		return false;
	if (pw->pw_gid == gid)
		return true;
	gr = getgrgid(gid);
	for (char **m = gr ? gr->gr_mem : NULL; m && *m; m++)
		if (!strcmp(*m, pw->pw_name))
			return true;
	return false;
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

static void audit_link(const struct link *l, const struct devspec *s, struct audit *a)
{
	struct afinding *f;

	memset(a, 0, sizeof(*a));
	if (l->owner == ID_NONE && l->group == ID_NONE) {
		if (kprobe_ownerless(false) == OWNERLESS_CAPABILITY)
			f = note(a, "ownerless", A_WARN, "no owner and no group: this kernel lets only CAP_NET_ADMIN attach to such a device (kernels differ here)");
		else
			f = note(a, "ownerless", A_WARN, "no owner and no group: every user who can open /dev/net/tun may attach");
		snprintf(f->fix, sizeof(f->fix), "tunown add %s --user USER (or --group GROUP)", l->name);
	}
	if (l->owner != ID_NONE && !user_name(l->owner)) {
		f = note(a, "owner-unknown", A_WARN, "owner uid %u has no entry in the user database: a user deleted, or one from a directory not reachable now", l->owner);
		snprintf(f->fix, sizeof(f->fix), "give it an existing owner: tunown add %s --user USER", l->name);
	}
	if (l->group != ID_NONE && !group_name(l->group)) {
		f = note(a, "group-unknown", A_WARN, "group gid %u has no entry in the group database", l->group);
		snprintf(f->fix, sizeof(f->fix), "give it an existing group: tunown add %s --group GROUP", l->name);
	}
	if (l->owner != ID_NONE && l->group != ID_NONE && user_name(l->owner) && !in_group(l->owner, l->group)) {
		f = note(a, "owner-not-in-group", A_ERROR, "owner %s is not in group %s: the kernel wants both, so only %s running with that group added by hand (sg, newgrp) can attach; its logins and the group's other members cannot",
			 user_name(l->owner), group_name(l->group) ? group_name(l->group) : "(no name)", user_name(l->owner));
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
static void print_who(const struct link *l)
{
	out_strs_begin("members", "members");
	if (l->group != ID_NONE) {
		struct group *gr = getgrgid(l->group);
		for (char **m = gr ? gr->gr_mem : NULL; m && *m; m++)
			out_strs_item(*m);
		struct passwd *pw;
		setpwent();
		while ((pw = getpwent()))
			if (pw->pw_gid == l->group) {
				/* Listed above already when also a named member. */
				bool listed = false;
				for (char **m = gr ? gr->gr_mem : NULL; m && *m && !listed; m++)
					listed = !strcmp(*m, pw->pw_name);
				if (!listed)
					out_strs_item(pw->pw_name);
			}
		endpwent();
	}
	out_strs_end();
}

static const char *level_word(enum alevel l)
{
	return l == A_ERROR ? "error" : l == A_WARN ? "warning" : "note";
}

struct walk {
	const struct config *c;
	const char *netns;
	size_t errors, warnings, devices;
};

static const struct devspec *spec_for(const struct walk *w, const char *name)
{
	for (size_t i = 0; w->c && i < w->c->ndevs; i++) {
		const struct devspec *s = &w->c->devs[i];
		bool same_ns = (!s->netns && !w->netns) || (s->netns && w->netns && !strcmp(s->netns, w->netns));
		if (same_ns && !strcmp(s->name, name))
			return s;
	}
	return NULL;
}

static int audit_one(const struct link *l, void *data)
{
	struct walk *w = data;
	struct audit a;

	if (!l->is_tun)
		return 0;
	const struct devspec *s = l->managed ? spec_for(w, l->name) : NULL;
	audit_link(l, s, &a);
	w->devices++;
	out_obj_begin(l->name);
	if (out_json())
		out_str("name", "name", l->name);
	out_id("owner", "owner_name", "owner", l->owner != ID_NONE, l->owner, l->owner != ID_NONE ? user_name(l->owner) : NULL);
	out_id("group", "group_name", "group", l->group != ID_NONE, l->group, l->group != ID_NONE ? group_name(l->group) : NULL);
	print_who(l);
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
	struct walk w = { 0 };
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
	rt_close(rt);
	config_free(&c);
	config_errors_free(&errs);
	return r;
}
