/* SPDX-License-Identifier: MIT */
/*
 * The attach rules, in the order TUNSETIFF applies them (see TUN-FACTS):
 * the clone device must open, the name must exist in the caller's network
 * namespace, be a tun/tap device of the asked type and multi-queue bit, and
 * the owner and group must admit the caller unless it holds CAP_NET_ADMIN in
 * the user namespace owning that network namespace; a single-queue device
 * takes one queue only. Every rule that fails is reported, the first one
 * decides the verdict. Before all that, for a program with file capabilities,
 * execve must give it the capability at all.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "diagnose.h"
#include "parse.h"
#include "tun.h"

struct ctx {
	const struct check_input *in;
	struct verdict *v;
	int attach_err;             /* the first error the attach itself meets */
	int exec_err;               /* the program cannot even start */
	bool cap_counts;            /* CAP_NET_ADMIN that the device's namespace honours */
};

static struct finding *add(struct ctx *x, const char *code, enum level level, int err)
{
	struct verdict *v = x->v;
	static struct finding spare;
	struct finding *f = v->n < MAX_FINDINGS ? &v->f[v->n++] : &spare;

	memset(f, 0, sizeof(*f));
	f->code = code;
	f->level = level;
	if (level == LEVEL_FAIL && err && !x->attach_err)
		x->attach_err = err;
	return f;
}

__attribute__((format(printf, 2, 3)))
static void say(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, FINDING_TEXT, fmt, ap);
	va_end(ap);
}

const char *errno_name(int err, char *buf, size_t len)
{
	static const struct { int e; const char *n; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ENODEV, "ENODEV" },
		{ EACCES, "EACCES" }, { EINVAL, "EINVAL" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENXIO, "ENXIO" }, { EBADFD, "EBADFD" },
		{ ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" }, { ENOTTY, "ENOTTY" },
	};

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			return names[i].n;
	snprintf(buf, len, "E%d", err);
	return buf;
}

/* ---- names ---------------------------------------------------------------- */

bool name_similar(const char *want, const char *have)
{
	size_t lw = strlen(want), lh = strlen(have);
	size_t shorter = lw < lh ? lw : lh;

	if (!strcmp(want, have) || shorter == 0)
		return false;
	if (shorter >= 3 && !strncasecmp(want, have, shorter))
		return true;
	return edit_distance(want, have) <= (shorter > 3 ? 2u : 1u);
}

/* ---- capabilities ----------------------------------------------------------- */

static bool tracer_blocks(const struct creds *c)
{
	return c->tracer > 0 && !c->tracer_can_ptrace;
}

bool filecaps_grant(const struct creds *c, const struct filecaps *b)
{
	bool limited = !c->prm_net_admin && (c->no_new_privs || tracer_blocks(c));

	return b && !b->err && !b->script && b->present && b->net_admin &&
	       b->effective && !b->nosuid && !limited && c->bset_net_admin;
}

/* Whether the program that attaches holds CAP_NET_ADMIN, wherever it counts. */
static bool program_cap(const struct check_input *in)
{
	const struct creds *c = in->creds;

	if (!in->binary || in->exe)
		return c->cap_net_admin;
	/* A program started by uid 0 gets the full set, bounding set permitting. */
	if (c->uid == 0 && !c->no_new_privs)
		return c->bset_net_admin;
	return filecaps_grant(c, in->binary);
}

/* execve refuses a program whose forced (permitted, effective) capability the bounding set lacks. */
static void check_exec(struct ctx *x)
{
	const struct check_input *in = x->in;
	const struct filecaps *b = in->binary;

	if (!b || in->exe || b->err || b->script || b->nosuid || !b->net_admin ||
	    !b->effective || in->creds->bset_net_admin)
		return;
	struct finding *f = add(x, "bounding-set", LEVEL_FAIL, 0);
	x->exec_err = -EPERM;
	say(f->message, "%s cannot start: its file capabilities force cap_net_admin "
	    "(effective bit set) and cap_net_admin is not in the bounding set of %s, "
	    "so execve fails with EPERM", b->path, in->subject);
	say(f->fix, "start it where the bounding set keeps cap_net_admin (systemd "
	    "CapabilityBoundingSet=, setpriv or capsh --bounding-set), or let the "
	    "device's owner or group admit %s instead of a capability", in->user);
}

static const char *owner_fix(const struct check_input *in, char *buf, size_t len)
{
	snprintf(buf, len, "make %s the owner: tunown add %s --user %s", in->user,
		 in->name, in->login);
	return buf;
}

/* Why the program's file capabilities do not give it CAP_NET_ADMIN here. */
static void explain_filecaps(struct ctx *x, enum level level)
{
	const struct check_input *in = x->in;
	const struct creds *c = in->creds;
	const struct filecaps *b = in->binary;
	char other[FINDING_TEXT];
	struct finding *f;

	if (!b)
		return;
	owner_fix(in, other, sizeof(other));
	if (b->err) {
		f = add(x, "no-file-caps", level, -EPERM);
		say(f->message, "cannot read %s: %s", b->path, strerror(-b->err));
		say(f->fix, "name the program's file with --binary PATH");
		return;
	}
	if (b->script) {
		f = add(x, "no-file-caps", level, -EPERM);
		say(f->message, "%s is a script: the kernel ignores file capabilities "
		    "on scripts (they would have to be on the interpreter)", b->path);
		say(f->fix, "%s; a capability on the interpreter would reach every script", other);
		return;
	}
	if (!b->present || !b->net_admin) {
		f = add(x, "no-file-caps", level, -EPERM);
		if (!b->present)
			say(f->message, "%s has no file capabilities (never set, or the "
			    "security.capability xattr was lost in a copy, chown or upgrade)",
			    b->path);
		else if (b->net_admin_inh)
			say(f->message, "%s has cap_net_admin only in its inheritable set: "
			    "it needs the capability in the inheritable set of whoever "
			    "starts it", b->path);
		else
			say(f->message, "%s has file capabilities, but not cap_net_admin",
			    b->path);
		say(f->fix, "%s (no capability needed), or setcap cap_net_admin+ep %s",
		    other, b->path);
		return;
	}
	if (!b->effective) {
		f = add(x, "file-caps-not-effective", level, -EPERM);
		say(f->message, "%s has cap_net_admin=p without e: it lands in the "
		    "permitted set only, and a program that does not raise it itself "
		    "runs without it", b->path);
		say(f->fix, "setcap cap_net_admin+ep %s, or %s", b->path, other);
	}
	if (b->nosuid) {
		f = add(x, "nosuid", level, -EPERM);
		say(f->message, "%s lives on %s, which is mounted nosuid: the kernel "
		    "ignores file capabilities there, like setuid bits", b->path,
		    b->mountpoint ? b->mountpoint : "a mount");
		say(f->fix, "install the program on a mount without nosuid "
		    "(e.g. /usr/local/bin), or %s", other);
	}
	if (tracer_blocks(c) && !c->prm_net_admin) {
		f = add(x, "ptraced", level, -EPERM);
		say(f->message, "%s is traced by process %d, which lacks CAP_SYS_PTRACE: "
		    "at execve the kernel withholds file capabilities from a traced "
		    "program (so under strace it gets EPERM while a plain run works)",
		    in->subject, (int)c->tracer);
		say(f->fix, "run it untraced, or trace it with CAP_SYS_PTRACE "
		    "(as root: strace -u USER PROGRAM)");
	}
	if (c->no_new_privs && !c->prm_net_admin) {
		f = add(x, "no-new-privs", level, -EPERM);
		say(f->message, "%s has no_new_privs set: execve grants no file "
		    "capabilities to what it starts", in->subject);
		say(f->fix, "start the program from a context without no_new_privs "
		    "(systemd NoNewPrivileges=, container defaults, setpriv "
		    "--no-new-privs), or %s", other);
	}
	if (!in->exe && !c->bset_net_admin && !b->effective) {
		f = add(x, "bounding-set", level, -EPERM);
		say(f->message, "cap_net_admin is not in the bounding set of %s: the "
		    "file capability cannot reach the program", in->subject);
		say(f->fix, "keep cap_net_admin in the bounding set, or %s", other);
	}
}

static void explain_userns(struct ctx *x, enum level level)
{
	const struct check_input *in = x->in;
	struct finding *f;

	if (in->creds->userns != USERNS_OTHER || !program_cap(in))
		return;
	f = add(x, "userns", level, -EPERM);
	say(f->message, "%s holds CAP_NET_ADMIN only in a user namespace that does "
	    "not own the device's network namespace; the kernel asks for it in the "
	    "one that does", in->subject);
	say(f->fix, "let the owner or group admit the namespace's ids (tunown add %s "
	    "--user ID as seen from outside), or create the device inside the "
	    "program's namespaces", in->name);
}

/* ---- the device --------------------------------------------------------------- */

static bool has_group(const uint32_t *v, size_t n, uint32_t gid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == gid)
			return true;
	return false;
}

static bool node_allows(const struct tun_node *n, const struct creds *c)
{
	unsigned bits;

	if (c->uid == n->uid)
		bits = (n->mode >> 6) & 7;
	else if (c->gid == n->gid || has_group(c->groups, c->ngroups, n->gid))
		bits = (n->mode >> 3) & 7;
	else
		bits = n->mode & 7;
	return (bits & 6) == 6;
}

static void check_node(struct ctx *x)
{
	const struct check_input *in = x->in;
	const struct tun_node *n = in->node;
	struct finding *f;

	if (!n)
		return;
	if (n->open_err == -ENOENT || n->open_err == -ENODEV) {
		f = add(x, "no-tun-node", LEVEL_FAIL, n->open_err);
		if (n->open_err == -ENOENT)
			say(f->message, "%s does not exist (ENOENT)", n->path);
		else
			say(f->message, "%s exists but no driver answers it (ENODEV): "
			    "the tun module is missing or the node has the wrong numbers",
			    n->path);
		say(f->fix, "load the driver (modprobe tun) and create the node: "
		    "mknod %s c 10 200; chmod 0666 %s", n->path, n->path);
		return;
	}
	if (!n->stat_ok)
		return;
	if (n->nodev) {
		f = add(x, "tun-node-access", LEVEL_FAIL, -EACCES);
		say(f->message, "%s is on a mount with nodev: device nodes there "
		    "cannot be opened (EACCES)", n->path);
		say(f->fix, "use a node on a mount without nodev (/dev/net/tun)");
		return;
	}
	if (in->creds->cap_dac_override || n->acl || node_allows(n, in->creds))
		return;
	f = add(x, "tun-node-access", LEVEL_FAIL, -EACCES);
	say(f->message, "%s cannot open %s: mode %04o, owner uid %u, group gid %u (EACCES)",
	    in->user, n->path, (unsigned)(n->mode & 07777), n->uid, n->gid);
	say(f->fix, "chmod 0666 %s (the device's owner and group still decide who "
	    "attaches)", n->path);
}

/*
 * QEMU's vhost=on opens /dev/vhost-net as the user who runs it: a note (the
 * attach itself works without it), with how to grant it.
 */
static void check_vhost(struct ctx *x, enum tun_mode mode)
{
	const struct check_input *in = x->in;
	const struct tun_node *n = in->vhost;
	struct finding *f;

	if (!n || mode != MODE_TAP)
		return;
	/* Only worth saying once the attach itself works. */
	for (size_t i = 0; i < x->v->n; i++)
		if (x->v->f[i].level == LEVEL_FAIL)
			return;
	if (!n->stat_ok) {
		f = add(x, "vhost-net-missing", LEVEL_INFO, 0);
		say(f->message, "%s does not exist: a VM on this tap with QEMU's vhost=on fails; "
		    "with vhost=off QEMU moves the packets itself, slower", n->path);
		say(f->fix, "modprobe vhost_net (it makes %s, c 10 238)", n->path);
		return;
	}
	if (in->creds->cap_dac_override || n->acl || node_allows(n, in->creds))
		return;
	f = add(x, "vhost-net-access", LEVEL_INFO, 0);
	say(f->message, "%s cannot open %s (mode %04o, owner uid %u, group gid %u): QEMU with "
	    "vhost=on then fails (EACCES); vhost=off works, slower", in->user, n->path,
	    (unsigned)(n->mode & 07777), n->uid, n->gid);
	say(f->fix, "let the group kvm open it (udev rule KERNEL==\"vhost-net\", GROUP=\"kvm\", "
	    "MODE=\"0660\", and %s in kvm), or chmod 0666 %s as many distributions do",
	    in->login ? in->login : "the user", n->path);
}

static void check_missing(struct ctx *x)
{
	const struct check_input *in = x->in;
	char names[FINDING_TEXT] = "";
	size_t off = 0;
	struct finding *f;

	for (size_t i = 0; i < in->nsimilar && off < sizeof(names); i++) {
		int k = snprintf(names + off, sizeof(names) - off, "%s%s", i ? ", " : "",
				 in->similar[i]);
		if (k < 0)
			break;
		off += (size_t)k;
	}
	f = add(x, "no-device", LEVEL_FAIL, x->cap_counts ? 0 : -EPERM);
	if (x->cap_counts)
		say(f->message, "there is no interface '%s' in this network namespace: "
		    "with CAP_NET_ADMIN, TUNSETIFF would quietly create a new one that "
		    "vanishes when the program exits%s%s", in->name,
		    *names ? "; similar names: " : "", names);
	else
		say(f->message, "there is no interface '%s' in this network namespace; "
		    "the kernel takes an unknown name as a request to create it, which "
		    "needs CAP_NET_ADMIN, so it answers EPERM, not ENOENT%s%s", in->name,
		    *names ? "; similar names: " : "", names);
	say(f->fix, "check the name (tunown list) and the namespace (--netns), or "
	    "create it: tunown add %s --user %s", in->name, in->login);
}

static void check_kind(struct ctx *x)
{
	const struct check_input *in = x->in;
	const struct link *l = in->link;
	struct finding *f = add(x, "not-tun", LEVEL_FAIL, -EINVAL);

	say(f->message, "'%s' is not a tun/tap device (kind: %s): TUNSETIFF answers EINVAL",
	    in->name, link_kind(l));
	say(f->fix, "pick a TUN/TAP device (tunown list), or create one under "
	    "another name: tunown add NAME --user %s", in->login);
}

static void check_type(struct ctx *x, enum tun_mode mode, bool mq)
{
	const struct check_input *in = x->in;
	const struct link *l = in->link;
	struct finding *f;

	if (mode != l->mode) {
		f = add(x, "mode-mismatch", LEVEL_FAIL, -EINVAL);
		say(f->message, "'%s' is a %s device and the program asks for %s "
		    "(IFF_%s): EINVAL", in->name, mode_name(l->mode), mode_name(mode),
		    mode == MODE_TUN ? "TUN" : "TAP");
		say(f->fix, "pass IFF_%s, or recreate the device: tunown del %s; "
		    "tunown add %s --%s", l->mode == MODE_TUN ? "TUN" : "TAP",
		    in->name, in->name, mode_name(mode));
	}
	if (mq != l->multi_queue) {
		f = add(x, "multi-queue-mismatch", LEVEL_FAIL, -EINVAL);
		if (l->multi_queue)
			say(f->message, "'%s' is multi-queue and the program does not pass "
			    "IFF_MULTI_QUEUE: EINVAL", in->name);
		else
			say(f->message, "'%s' is single-queue and the program passes "
			    "IFF_MULTI_QUEUE: EINVAL", in->name);
		say(f->fix, "%s IFF_MULTI_QUEUE, or recreate the device%s",
		    l->multi_queue ? "pass" : "drop",
		    l->multi_queue ? " without --multi-queue" : " with --multi-queue");
	}
}

/* A device without owner and group on a kernel that opens such devices to CAP_NET_ADMIN only. */
static bool ownerless_closed(const struct check_input *in)
{
	const struct link *l = in->link;

	return l->owner == ID_NONE && l->group == ID_NONE && in->ownerless == OWNERLESS_CAPABILITY;
}

/* Owner and group; returns whether they admit the credentials. */
static bool check_ids(struct ctx *x, enum level level)
{
	const struct check_input *in = x->in;
	const struct creds *c = in->creds;
	const struct link *l = in->link;
	bool owner_set = l->owner != ID_NONE, group_set = l->group != ID_NONE;
	bool owner_ok = !owner_set || l->owner == c->uid;
	bool group_ok = !group_set || l->group == c->gid ||
			has_group(c->groups, c->ngroups, l->group);
	const char *both = owner_set && group_set ?
		" (with both an owner and a group set, the kernel requires both)" : "";
	char fix[FINDING_TEXT];
	struct finding *f;

	if (owner_ok && group_ok && !ownerless_closed(in))
		return true;
	if (level == LEVEL_FAIL && x->cap_counts)
		level = LEVEL_INFO;
	owner_fix(in, fix, sizeof(fix));
	if (ownerless_closed(in)) {
		f = add(x, "ownerless-needs-capability", level, -EPERM);
		say(f->message, "'%s' has neither owner nor group, and this kernel lets only "
		    "CAP_NET_ADMIN attach to such a device (a throwaway device without owner "
		    "showed it; kernels differ here): EPERM", in->name);
		say(f->fix, "%s, or give it a group: tunown add %s --group GROUP", fix, in->name);
		return false;
	}
	if (!owner_ok && l->owner == 0) {
		f = add(x, "needs-capability", level, -EPERM);
		say(f->message, "'%s' is owned by root: nothing but CAP_NET_ADMIN in the "
		    "device's user namespace lets %s in%s", in->name, in->user, both);
		say(f->fix, "%s, or run the program with CAP_NET_ADMIN", fix);
	} else if (!owner_ok) {
		f = add(x, "owner-mismatch", level, -EPERM);
		say(f->message, "'%s' is owned by %s, the program runs as %s: EPERM%s",
		    in->name, in->owner, in->user, both);
		say(f->fix, "run the program as %s, or %s", in->owner, fix);
	}
	if (group_ok)
		return false;
	if (has_group(c->db_groups, c->n_db_groups, l->group) && !in->pid_mode) {
		f = add(x, "groups-stale", level, -EPERM);
		say(f->message, "%s is a member of %s in the group database, but %s does "
		    "not carry that group (added after logging in): EPERM%s", in->user,
		    in->group, in->subject, both);
		say(f->fix, "log in again, or start the program under the group: "
		    "newgrp %s, or sg %s -c PROGRAM", in->group_arg, in->group_arg);
	} else if (has_group(c->db_groups, c->n_db_groups, l->group)) {
		f = add(x, "groups-stale", level, -EPERM);
		say(f->message, "%s is a member of %s in the group database, but %s was "
		    "started without it (added to the group after it logged in): EPERM%s",
		    in->user, in->group, in->subject, both);
		say(f->fix, "restart the program from a new login, or under sg %s",
		    in->group_arg);
	} else {
		f = add(x, "group-mismatch", level, -EPERM);
		say(f->message, "'%s' has the group %s and %s is not in it: EPERM%s",
		    in->name, in->group, in->user, both);
		say(f->fix, "add %s to the group (usermod -aG %s USER, then log in "
		    "again), or %s", in->user, in->group_arg, fix);
	}
	return false;
}

/*
 * The caller checks itself and holds CAP_NET_ADMIN, which lets it past any
 * owner and group: the owner and group findings would only describe the
 * caller, so it is told how to check the program's user instead.
 */
static void note_self_capability(struct ctx *x)
{
	const struct check_input *in = x->in;
	struct finding *f = add(x, "self-capability", LEVEL_INFO, 0);
	char ids[FINDING_TEXT] = "";

	if (!in->owner && !in->group)
		snprintf(ids, sizeof(ids), "without owner and group, which this kernel opens to "
			 "CAP_NET_ADMIN only");
	else if (in->owner && in->group)
		snprintf(ids, sizeof(ids), "owned by %s, group %s", in->owner, in->group);
	else
		snprintf(ids, sizeof(ids), "%s %s", in->owner ? "owned by" : "with the group",
			 in->owner ? in->owner : in->group ? in->group : "?");
	say(f->message, "%s, which attaches to any device whoever owns it; '%s' is %s, so "
	    "this says nothing about a program run by another user",
	    in->creds->uid == 0 ? "you are root (CAP_NET_ADMIN)" : "you hold CAP_NET_ADMIN",
	    in->name, ids);
	say(f->fix, "use --as USER or --pid PID to check a program's user: tunown check %s --as USER",
	    in->name);
}

static void check_busy(struct ctx *x)
{
	const struct check_input *in = x->in;
	const struct link *l = in->link;
	char who[FINDING_TEXT] = "";
	size_t off = 0;
	struct finding *f;

	if (l->multi_queue || l->queues == 0)
		return;
	x->v->busy = true;
	for (size_t i = 0; i < in->nholders && off < sizeof(who); i++) {
		const struct holder *h = &in->holders[i];
		int k = snprintf(who + off, sizeof(who) - off, "%s%d (%s, uid %u)",
				 i ? ", " : "", (int)h->pid, h->comm, h->uid);
		if (k < 0)
			break;
		off += (size_t)k;
	}
	f = add(x, "busy", LEVEL_FAIL, -EBUSY);
	if (*who)
		say(f->message, "'%s' is single-queue and already attached by process %s: "
		    "EBUSY", in->name, who);
	else if (!in->sees_all_holders)
		say(f->message, "'%s' is single-queue and already attached by a process "
		    "tunown cannot see, most likely one of another user: without root, other "
		    "users' /proc/PID/fdinfo cannot be read (run 'tunown check' as root to name "
		    "it): EBUSY", in->name);
	else
		say(f->message, "'%s' is single-queue and already attached by a process "
		    "tunown cannot see (another PID namespace, or /proc hidden): EBUSY",
		    in->name);
	say(f->fix, "stop the holder first, or recreate the device with --multi-queue "
	    "so that several queues can attach");
}

static void put_first(struct verdict *v, const struct finding *f)
{
	if (v->n == MAX_FINDINGS)
		v->n--;
	memmove(&v->f[1], &v->f[0], v->n * sizeof(v->f[0]));
	v->f[0] = *f;
	v->n++;
}

static void conclude_ok(struct ctx *x, const char *rule)
{
	const struct check_input *in = x->in;
	const struct link *l = in->link;
	struct verdict *v = x->v;
	struct finding f = { .code = "ok", .level = LEVEL_INFO };

	v->rule = rule;
	if (!strcmp(rule, "capability"))
		say(f.message, "%s may attach to '%s' through CAP_NET_ADMIN%s", in->user,
		    in->name, in->binary && !in->exe ? " from the program's file capabilities" : "");
	else if (!strcmp(rule, "ownerless"))
		say(f.message, "%s may attach to '%s': it has no owner and no group",
		    in->user, in->name);
	else
		say(f.message, "%s may attach to '%s' as its %s", in->user, in->name, rule);
	put_first(v, &f);
	if (!strcmp(rule, "ownerless")) {
		struct finding *w = add(x, "ownerless", LEVEL_WARN, 0);
		const char *node = in->node ? in->node->path : "/dev/net/tun";

		if (in->ownerless == OWNERLESS_ANYONE)
			say(w->message, "'%s' has neither owner nor group: this kernel lets any "
			    "user who can open %s attach to it", in->name, node);
		else
			say(w->message, "'%s' has neither owner nor group: any user who can open "
			    "%s may attach to it, unless the kernel asks for CAP_NET_ADMIN there "
			    "(some do; tunown could not test this one)", in->name, node);
		say(w->fix, "give it an owner or a group: tunown add %s --user %s",
		    in->name, in->login);
	}
	(void)l;
}

/*
 * The process lives in another network namespace, where TUNSETIFF looks the
 * name up: either it has no such name there, or tunown could not look.
 */
static void check_other_netns(struct ctx *x)
{
	const struct check_input *in = x->in;
	const char *ns = in->creds->netns_name ? in->creds->netns_name : "?";
	bool named = strncmp(ns, "net:[", 5) != 0;
	struct finding *f = add(x, "other-netns", LEVEL_FAIL, -EPERM);

	if (in->proc_netns)
		say(f->message, "%s runs in the network namespace %s, which has no interface "
		    "'%s'%s: it looks the name up there, and an unknown name is a create "
		    "request: EPERM", in->subject, ns, in->name,
		    in->here_too ? " (this namespace has one)" : "");
	else
		say(f->message, "%s runs in another network namespace (%s) than '%s', which "
		    "tunown cannot enter to look there (that needs root): it looks the name up "
		    "there, and an unknown name is a create request: EPERM", in->subject, ns,
		    in->name);
	say(f->fix, "start the program in the device's namespace (ip netns exec NS ...), or "
	    "create the device in the program's: tunown add %s --netns %s", in->name,
	    named ? ns : "NS");
}

/* Failures first, in the order found; the rest keep their order too. */
static void order(struct verdict *v)
{
	struct finding tmp[MAX_FINDINGS];
	size_t k = 0;

	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < v->n; i++)
			if ((v->f[i].level == LEVEL_FAIL) == (pass == 0))
				tmp[k++] = v->f[i];
	memcpy(v->f, tmp, v->n * sizeof(tmp[0]));
}

static const char *ids_rule(const struct link *l)
{
	bool o = l->owner != ID_NONE, g = l->group != ID_NONE;

	return o && g ? "owner and in its group" : o ? "owner" : g ? "group member" : "ownerless";
}

static void check_device(struct ctx *x, enum tun_mode mode, bool mq)
{
	const struct check_input *in = x->in;
	const struct link *l = in->link;
	bool explain_first = in->binary && !in->exe;
	bool ids_ok;

	check_type(x, mode, mq);
	/* Dry run of the ids to know whether a capability story belongs first. */
	ids_ok = (l->owner == ID_NONE || l->owner == in->creds->uid) &&
		 (l->group == ID_NONE || l->group == in->creds->gid ||
		  has_group(in->creds->groups, in->creds->ngroups, l->group)) &&
		 !ownerless_closed(in);
	if (!ids_ok && !x->cap_counts && explain_first) {
		explain_userns(x, LEVEL_FAIL);
		explain_filecaps(x, LEVEL_FAIL);
	}
	if (!ids_ok && x->cap_counts && in->self && !in->binary)
		note_self_capability(x);
	else
		check_ids(x, LEVEL_FAIL);
	if (!ids_ok && !x->cap_counts && !explain_first) {
		explain_userns(x, LEVEL_FAIL);
		if (in->binary && in->binary->net_admin)
			explain_filecaps(x, LEVEL_FAIL);
	}
	if (ids_ok && explain_first)
		explain_filecaps(x, LEVEL_INFO);
	check_busy(x);
	if (!x->attach_err && !x->exec_err)
		conclude_ok(x, ids_ok ? ids_rule(l) : "capability");
}

void diagnose(const struct check_input *in, struct verdict *v)
{
	const struct link *l = in->link;
	bool is_tun = l && l->is_tun;
	enum tun_mode mode = in->mode != MODE_UNSET ? in->mode :
			     is_tun ? l->mode : mode_for_name(in->name);
	bool mq = in->multi_queue >= 0 ? in->multi_queue : is_tun && l->multi_queue;
	struct ctx x = { .in = in, .v = v };

	memset(v, 0, sizeof(*v));
	v->probe_cap = program_cap(in);
	x.cap_counts = v->probe_cap && in->creds->userns != USERNS_OTHER;
	v->req_flags = tun_flags(mode, mq, is_tun && l->vnet_hdr, is_tun && l->pi);
	v->flags = is_tun ? tun_flags_of(l) : v->req_flags;

	check_exec(&x);
	check_node(&x);
	if (in->creds->other_netns || (!l && in->proc_netns)) {
		check_other_netns(&x);
	} else if (!l) {
		check_missing(&x);
	} else if (!is_tun) {
		check_kind(&x);
	} else {
		check_device(&x, mode, mq);
	}
	if (l && in->proc_netns) {
		struct finding *f = add(&x, "other-netns", LEVEL_INFO, 0);
		say(f->message, "%s runs in the network namespace %s: this is the '%s' there%s",
		    in->subject, in->proc_netns, in->name,
		    in->here_too ? ", not the one of this namespace" : "");
	}
	check_vhost(&x, is_tun ? l->mode : mode);
	order(v);
	v->probe_err = x.attach_err;
	v->err = x.exec_err ? x.exec_err : x.attach_err;
	v->exec_fails = x.exec_err != 0;
	v->ok = v->n && v->f[0].level != LEVEL_FAIL;
	v->cause = v->ok ? "ok" : v->n ? v->f[0].code : "ok";
	if (!v->ok && !v->err)
		v->err = -EPERM;
}

bool diagnose_probe(const struct check_input *in, struct verdict *v, int err)
{
	struct finding f = { .level = LEVEL_FAIL };
	char b1[16], b2[16];

	if (err == v->probe_err)
		return true;
	if (v->probe_err == 0 && err == -EBUSY && in->link && in->link->is_tun &&
	    !in->link->multi_queue) {
		/* A holder the rules did not see: unreadable fdinfo, and its carrier off. */
		f.code = "busy";
		say(f.message, "'%s' is single-queue and the real attempt got EBUSY: a program "
		    "holds it that tunown cannot see (%s), and its carrier is off (any holder "
		    "may turn it off)", in->name, in->sees_all_holders ?
		    "another PID namespace, or /proc hidden" :
		    "without root, other users' /proc/PID/fdinfo cannot be read; run 'tunown "
		    "check' as root to name it");
		say(f.fix, "stop the holder first, or recreate the device with --multi-queue "
		    "so that several queues can attach");
	} else if (v->probe_err == 0 && err == -EPERM && in->link && in->link->is_tun &&
		   in->link->owner == ID_NONE && in->link->group == ID_NONE &&
		   in->ownerless == OWNERLESS_UNKNOWN && !v->probe_cap) {
		/* What a kernel that opens ownerless devices to CAP_NET_ADMIN only does. */
		f.code = "ownerless-needs-capability";
		say(f.message, "'%s' has neither owner nor group, and the real attempt got "
		    "EPERM: this kernel lets only CAP_NET_ADMIN attach to such a device "
		    "(kernels differ here)", in->name);
		say(f.fix, "give it an owner or a group: tunown add %s --user %s", in->name,
		    in->login);
	} else if (v->probe_err == 0 && (err == -EACCES || err == -EPERM)) {
		f.code = "lsm-denied";
		say(f.message, "the rules let %s attach to '%s', but the real attempt got %s: "
		    "something outside them decided (an LSM such as SELinux, AppArmor or "
		    "Landlock, a device cgroup, a seccomp filter)", in->user, in->name,
		    errno_name(err, b1, sizeof(b1)));
		say(f.fix, "look for the denial in the audit log (ausearch -m avc, "
		    "journalctl -k) and in the program's sandboxing settings");
	} else {
		f.code = "probe-disagrees";
		f.level = err ? LEVEL_FAIL : LEVEL_WARN;
		say(f.message, "the rules predicted %s for '%s', the real attempt got %s: "
		    "something outside the rules decided", v->probe_err ?
		    errno_name(v->probe_err, b1, sizeof(b1)) : "success", in->name,
		    err ? errno_name(err, b2, sizeof(b2)) : "success");
		say(f.fix, "trust the real attempt; please report this to tunown with "
		    "the output of 'tunown check %s --json'", in->name);
	}
	if (err) {
		put_first(v, &f);
		v->ok = false;
		v->cause = f.code;
		v->err = err;
	} else if (!v->exec_fails) {
		/* The kernel let it in: the failures above did not hold. */
		for (size_t i = 0; i < v->n; i++)
			if (v->f[i].level == LEVEL_FAIL)
				v->f[i].level = LEVEL_INFO;
		put_first(v, &f);
		v->ok = true;
		v->cause = "ok";
		v->err = 0;
	} else {
		put_first(v, &f);
	}
	return false;
}
