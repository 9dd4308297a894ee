/* SPDX-License-Identifier: MIT */
/*
 * tunown check: whether a program could attach to a device, and why not.
 * Gathers the facts (creds.c), lets the rules decide (diagnose.c), then,
 * unless --no-probe, tries for real in a child that takes on exactly the
 * checked credentials, and says when the kernel saw it otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "netns.h"
#include "commands.h"
#include "creds.h"
#include "diagnose.h"
#include "escape.h"
#include "ids.h"
#include "kprobe.h"
#include "output.h"
#include "parse.h"
#include "privs.h"
#include "tun.h"

const char check_help[] =
	"Usage: tunown check NAME [--as USER | --pid PID] [--tun|--tap] [--multi-queue]\n"
	"                    [--binary PATH] [--no-probe] [--json] [--netns NAME]\n"
	"       tunown check --all [FILE...] [--json] [--netns NAME]\n"
	"\n"
	"Say whether a program could attach to the tun/tap device NAME (TUNSETIFF),\n"
	"every reason why not, and what to do. Exit status 0: it could; 1: it could\n"
	"not; 2: bad usage.\n"
	"\n"
	"  --all               audit every tun/tap device: who may attach, and warnings\n"
	"                      (no owner, unknown ids, owner not in the group, a managed\n"
	"                      device whose owner, group or persistence differs from\n"
	"                      the FILEs, default apply's); exit 1 on any error\n"
	"  --as USER           for a fresh login of USER (root only)\n"
	"  --pid PID           for the running process PID\n"
	"                      (default: for the calling process itself)\n"
	"  --tun, --tap        the type the program asks for (default: the device's)\n"
	"  --multi-queue       the program passes IFF_MULTI_QUEUE (default: as the device)\n"
	"  --binary PATH       the program file: whether its file capabilities would\n"
	"                      give it CAP_NET_ADMIN when the checked user starts it\n"
	"  --no-probe          only predict; do not confirm with a real attempt\n"
	"  --json              one JSON object\n"
	"  --netns NAME        the device is in the network namespace /run/netns/NAME, or\n"
	"                      in the one whose file NAME is, when an absolute path\n"
	"  -h, --help          show this help\n";

#define VERB "check"
#define MAX_SIMILAR 8

enum { O_AS = 256, O_PID, O_TUN, O_TAP, O_MQ, O_BINARY, O_NOPROBE, O_JSON, O_NETNS };

static const struct option check_options[] = {
	{ "as", required_argument, NULL, O_AS },
	{ "pid", required_argument, NULL, O_PID },
	{ "tun", no_argument, NULL, O_TUN },
	{ "tap", no_argument, NULL, O_TAP },
	{ "multi-queue", no_argument, NULL, O_MQ },
	{ "binary", required_argument, NULL, O_BINARY },
	{ "no-probe", no_argument, NULL, O_NOPROBE },
	{ "json", no_argument, NULL, O_JSON },
	{ "netns", required_argument, NULL, O_NETNS },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

struct opts {
	char name[IFNAMSIZ];
	bool as_set;
	uint32_t as_uid;
	pid_t pid;
	enum tun_mode mode;
	bool mq, flags_given;
	const char *binary;
	bool no_probe, json;
	const char *netns;
};

struct probe {
	bool run;
	int err;                    /* what TUNSETIFF (or open) said */
	bool agrees;
	char skipped[160];          /* why it did not run */
};

static int parse_pid(const char *s, pid_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s < '0' || *s > '9' || *end || v <= 0 || v > 4194304)
		return -EINVAL;
	*out = (pid_t)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	const char *why;
	int opt, r;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", check_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return -1;
		case O_AS:
			if (resolve_user(optarg, &o->as_uid, &why) < 0)
				return usage_error(VERB, "user '%s': %s", optarg, why);
			o->as_set = true;
			break;
		case O_PID:
			if (parse_pid(optarg, &o->pid) < 0)
				return usage_error(VERB, "PID '%s': not a process id", optarg);
			break;
		case O_TUN:
		case O_TAP:
			if (o->mode)
				return usage_error(VERB, "give --tun or --tap, not both");
			o->mode = opt == O_TUN ? MODE_TUN : MODE_TAP;
			o->flags_given = true;
			break;
		case O_MQ:
			o->mq = o->flags_given = true;
			break;
		case O_BINARY:
			o->binary = optarg;
			break;
		case O_NOPROBE:
			o->no_probe = true;
			break;
		case O_JSON:
			o->json = true;
			break;
		case O_NETNS:
			if ((r = netns_check_name(VERB, optarg)))
				return r;
			o->netns = optarg;
			break;
		default:
			return bad_option(VERB, argc, argv, opt);
		}
	}
	if (optind >= argc)
		return usage_error(VERB, "which device? give its NAME");
	if (argc - optind > 1)
		return usage_error(VERB, "one device at a time: unexpected '%s'", argv[optind + 1]);
	if (parse_ifname(argv[optind], o->name, &why) < 0)
		return usage_error(VERB, "name '%s': %s", argv[optind], why);
	if (o->as_set && o->pid)
		return usage_error(VERB, "give --as or --pid, not both");
	if (o->as_set && geteuid() != 0)
		return usage_error(VERB, "--as needs root (it takes on another user's "
				   "credentials); without it, check runs for yourself");
	if (o->pid && kill(o->pid, 0) < 0 && errno == ESRCH)
		return usage_error(VERB, "PID '%d': no such process", (int)o->pid);
	return 0;
}

/* ---- gathering ------------------------------------------------------------- */

struct similar {
	const char *want;
	char names[MAX_SIMILAR][IFNAMSIZ];
	const char *ptrs[MAX_SIMILAR];
	size_t n;
};

static int collect_similar(const struct link *l, void *data)
{
	struct similar *s = data;

	if (s->n < MAX_SIMILAR && name_similar(s->want, l->name)) {
		snprintf(s->names[s->n], IFNAMSIZ, "%s", l->name);
		s->ptrs[s->n] = s->names[s->n];
		s->n++;
	}
	return 0;
}

/* "alice (uid 1001)", or "uid 1001" when the database has no name. */
static const char *label_id(bool user, uint32_t id, char *buf, size_t len)
{
	const char *n = user ? user_name(id) : group_name(id);
	const char *kind = user ? "uid" : "gid";

	if (n)
		snprintf(buf, len, "%s (%s %u)", n, kind, id);
	else
		snprintf(buf, len, "%s %u", kind, id);
	return buf;
}

static int load_creds(const struct opts *o, struct creds_buf *b)
{
	int r;

	if (o->as_set)
		r = creds_login(b, o->as_uid);
	else if (o->pid)
		r = creds_pid(b, o->pid);
	else
		r = creds_self(b);
	if (r < 0) {
		if (o->as_set)
			errorf(VERB, "user %u: no entry in the user database", o->as_uid);
		else if (o->pid)
			errorf(VERB, "cannot read process %d: %s", (int)o->pid, strerror(-r));
		else
			errorf(VERB, "cannot read this process's credentials: %s", strerror(-r));
		return EXIT_FAIL;
	}
	if (!o->as_set && (r = creds_place(b, o->pid)) < 0) {
		errorf(VERB, "cannot read the namespaces of %s: %s",
		       o->pid ? "the process" : "this process", strerror(-r));
		return EXIT_FAIL;
	}
	return 0;
}

/* ---- the probe --------------------------------------------------------------- */

/* In the child: become the checked credentials, then attach once. */
static int probe_child(const struct opts *o, const struct creds *c, const struct verdict *v,
		       bool become, int *stage)
{
	int fd, r;

	*stage = 0;
	if (o->pid && c->other_netns) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)o->pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			return -errno;
		close(fd);
	}
	*stage = 1;
	if (become) {
		cap_value_t keep[2];
		int nkeep = 0;
		cap_t caps;

		/* For this process itself only the capabilities change. */
		if ((o->as_set || o->pid) &&
		    (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
		     setgroups(c->ngroups, (const gid_t *)c->groups) < 0 ||
		     setresgid(c->gid, c->gid, c->gid) < 0 ||
		     setresuid(c->uid, c->uid, c->uid) < 0))
			return -errno;
		if (v->probe_cap)
			keep[nkeep++] = CAP_NET_ADMIN;
		if (c->cap_dac_override)
			keep[nkeep++] = CAP_DAC_OVERRIDE;
		caps = cap_init();
		if (!caps)
			return -ENOMEM;
		if (nkeep && (cap_set_flag(caps, CAP_PERMITTED, nkeep, keep, CAP_SET) < 0 ||
			      cap_set_flag(caps, CAP_EFFECTIVE, nkeep, keep, CAP_SET) < 0))
			r = -errno;
		else
			r = cap_set_proc(caps) < 0 ? -errno : 0;
		cap_free(caps);
		if (r < 0)
			return r;
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	}
	*stage = 2;
	if ((r = tun_open(&fd)) < 0)
		return r;
	r = tun_attach(fd, o->name, v->req_flags);
	close(fd);
	return r;
}

/* Whether the probe can be the checked credentials, and whether it must change to them. */
static bool probe_possible(const struct opts *o, const struct creds *c, const struct verdict *v,
			   const struct link *l, bool *become, struct probe *p)
{
	bool self_plain = !o->as_set && !o->pid && v->probe_cap == c->cap_net_admin;

	*become = !self_plain;
	if (o->no_probe)
		snprintf(p->skipped, sizeof(p->skipped), "--no-probe");
	else if (!l && !c->other_netns && v->probe_cap)
		snprintf(p->skipped, sizeof(p->skipped),
			 "with CAP_NET_ADMIN it would create a device of that name");
	else if (o->pid && c->userns != USERNS_SAME)
		snprintf(p->skipped, sizeof(p->skipped),
			 "the process lives in another user namespace");
	else if ((o->as_set || o->pid) && !(privs_effective(CAP_SETUID) && privs_effective(CAP_SETGID)))
		snprintf(p->skipped, sizeof(p->skipped), "taking on %s needs root",
			 o->as_set ? "another user's credentials" : "the process's credentials");
	else if (v->probe_cap && !privs_effective(CAP_NET_ADMIN))
		snprintf(p->skipped, sizeof(p->skipped),
			 "the program would hold CAP_NET_ADMIN, which this session lacks");
	else if (o->pid && c->other_netns && !privs_effective(CAP_SYS_ADMIN))
		snprintf(p->skipped, sizeof(p->skipped),
			 "entering the process's network namespace needs root");
	else
		return true;
	return false;
}

static void probe_run(const struct opts *o, const struct creds *c, const struct verdict *v,
		      const struct link *l, struct probe *p)
{
	static const char *stages[] = { "enter the network namespace", "take on the credentials" };
	int res[2] = { 0, 0 }, pfd[2];
	bool become;
	pid_t pid;

	if (!probe_possible(o, c, v, l, &become, p))
		return;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(p->skipped, sizeof(p->skipped), "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		res[0] = probe_child(o, c, v, become, &res[1]);
		if (write(pfd[1], res, sizeof(res)) != sizeof(res))
			_exit(2);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		snprintf(p->skipped, sizeof(p->skipped), "fork: %s", strerror(errno));
		return;
	}
	ssize_t n = read(pfd[0], res, sizeof(res));
	close(pfd[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(res))
		snprintf(p->skipped, sizeof(p->skipped), "the probe died");
	else if (res[1] < 2)
		snprintf(p->skipped, sizeof(p->skipped), "cannot %s: %s", stages[res[1]],
			 strerror(-res[0]));
	else {
		p->run = true;
		p->err = res[0];
	}
}

/* ---- output -------------------------------------------------------------------- */

static const char *level_name(enum level l)
{
	return l == LEVEL_FAIL ? "" : l == LEVEL_WARN ? " (warning)" : " (note)";
}

static void print_text(const struct check_input *in, const struct verdict *v,
		       const struct probe *p)
{
	char b1[128], b2[128], e[16];

	/* Names and messages carry what the kernel and /proc report (names, commands): escaped. */
	if (v->ok)
		escape_line(stdout, "%s: %s can attach (%s)", in->name, in->user,
			    v->rule ? v->rule : "the kernel says so");
	else
		escape_line(stdout, "%s: %s cannot attach: %s (%s)", in->name, in->user, v->cause,
			    errno_name(v->err, e, sizeof(e)));
	for (size_t i = 0; i < v->n; i++) {
		const struct finding *f = &v->f[i];

		if (!strcmp(f->code, "ok"))
			continue;
		escape_line(stdout, "  %s%s: %s", f->code, level_name(f->level), f->message);
		if (*f->fix)
			escape_line(stdout, "    fix: %s", f->fix);
	}
	tun_flags_string(v->flags, b1, sizeof(b1));
	tun_flags_string(v->req_flags, b2, sizeof(b2));
	if (v->flags != v->req_flags)
		printf("flags: %s (the program passes %s)\n", b1, b2);
	else
		printf("flags: %s\n", b1);
	if (!p->run)
		escape_line(stdout, "probe: not run: %s", p->skipped);
	else if (p->agrees)
		printf("probe: %s, as predicted\n", p->err ? errno_name(p->err, e, sizeof(e)) : "ok");
	else
		printf("probe: %s, NOT as predicted\n", p->err ? errno_name(p->err, e, sizeof(e)) : "ok");
}

static void print_json(const struct check_input *in, const char *user, const struct verdict *v,
		       const struct probe *p)
{
	char b[128], e[16];

	out_init(stdout, OUT_JSON);
	out_obj_begin(NULL);
	out_str("device", "device", in->name);
	out_str("user", "user", user);
	out_bool("ok", "ok", v->ok);
	out_str("cause", "cause", v->cause);
	out_str("rule", "rule", v->ok ? v->rule : NULL);
	out_str("error", "error", v->err ? errno_name(v->err, e, sizeof(e)) : NULL);
	out_objs_begin("findings", "findings");
	for (size_t i = 0; i < v->n; i++) {
		const struct finding *f = &v->f[i];

		out_obj_begin(NULL);
		out_str("code", "code", f->code);
		out_str("level", "level", f->level == LEVEL_FAIL ? "error" :
			f->level == LEVEL_WARN ? "warning" : "note");
		out_str("message", "message", f->message);
		out_str("fix", "fix", *f->fix ? f->fix : NULL);
		out_obj_end();
	}
	out_objs_end();
	out_str("ownerless_rule", "ownerless rule", in->link && in->link->is_tun &&
		in->link->owner == ID_NONE && in->link->group == ID_NONE ?
		ownerless_rule_name(in->ownerless) : NULL);
	out_str("flags", "flags", tun_flags_string(v->flags, b, sizeof(b)));
	out_str("requested_flags", "requested flags", tun_flags_string(v->req_flags, b, sizeof(b)));
	out_str("probe", "probe", !p->run ? NULL : p->err ? errno_name(p->err, b, sizeof(b)) : "ok");
	out_str("probe_expected", "probe expected",
		v->probe_err ? errno_name(v->probe_err, e, sizeof(e)) : "ok");
	if (p->run)
		out_bool("probe_agrees", "probe agrees", p->agrees);
	else
		out_str("probe_agrees", "probe agrees", NULL);
	out_str("probe_skipped", "probe skipped", p->run ? NULL : p->skipped);
	out_obj_end();
}

/* ---- the command ----------------------------------------------------------------- */

struct labels {
	char user[128], owner[128], group[128], subject[160], short_user[64], group_arg[64];
	char exe[4096], mnt[4096];
};

static void make_labels(const struct opts *o, const struct creds_buf *b, const struct link *l,
			struct labels *t)
{
	const char *n = user_name(b->c.uid);

	if (n)
		snprintf(t->short_user, sizeof(t->short_user), "%s", n);
	else
		snprintf(t->short_user, sizeof(t->short_user), "%u", b->c.uid);
	label_id(true, b->c.uid, t->user, sizeof(t->user));
	if (l && l->is_tun && l->owner != ID_NONE)
		label_id(true, l->owner, t->owner, sizeof(t->owner));
	if (l && l->is_tun && l->group != ID_NONE) {
		label_id(false, l->group, t->group, sizeof(t->group));
		n = group_name(l->group);
		if (n)
			snprintf(t->group_arg, sizeof(t->group_arg), "%s", n);
		else
			snprintf(t->group_arg, sizeof(t->group_arg), "%u", l->group);
	}
	if (o->pid)
		snprintf(t->subject, sizeof(t->subject), "process %d (%s)", (int)o->pid, b->comm);
	else if (o->as_set)
		snprintf(t->subject, sizeof(t->subject), "the login of %s", t->user);
	else
		snprintf(t->subject, sizeof(t->subject), "this session");
}

static int find_device(const struct opts *o, struct link *link, bool *found, struct similar *sim)
{
	struct rt *rt;
	int r;

	if ((r = rt_connect(VERB, &rt)))
		return r;
	r = rt_link_by_name(rt, o->name, link);
	*found = r == 0;
	if (r == -ENODEV) {
		sim->want = o->name;
		rt_links(rt, collect_similar, sim);
		r = 0;
	}
	rt_close(rt);
	if (r < 0) {
		errorf(VERB, "cannot read interface '%s': %s", o->name, strerror(-r));
		return EXIT_FAIL;
	}
	/* TUNSETIFF would attach to the device the altname belongs to; tunown does not judge by it. */
	if (*found && strcmp(link->name, o->name)) {
		char text[300];
		errorf(VERB, "%s; TUNSETIFF on '%s' acts on '%s'",
		       altname_conflict(text, sizeof(text), o->name, link->name), o->name, link->name);
		return EXIT_FAIL;
	}
	return 0;
}

/* Whether this namespace has an interface of that name (its own name). */
static bool name_here(const char *name)
{
	struct link l;
	struct rt *rt;
	bool here;

	if (rt_open(&rt) < 0)
		return false;
	here = rt_link_by_name(rt, name, &l) == 0 && !strcmp(l.name, name);
	rt_close(rt);
	return here;
}

/*
 * A process in another network namespace looks the name up there, so check
 * does too: it enters that namespace for the rest of the run (lookup,
 * holders, probe), and the process's user namespace is weighed against the
 * one owning it. Without the right to enter, the device there stays unseen
 * and the rules say other-netns.
 */
static int follow_process(const struct opts *o, struct creds_buf *b, bool *entered, bool *here_too)
{
	char path[64];
	int fd, r;

	*entered = *here_too = false;
	if (!o->pid || !b->c.other_netns)
		return 0;
	*here_too = name_here(o->name);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)o->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	r = netns_join(fd);
	close(fd);
	if (r < 0)
		return 0;
	*entered = true;
	if ((r = creds_place(b, o->pid)) < 0) {
		errorf(VERB, "cannot read the namespaces of the process: %s", strerror(-r));
		return EXIT_FAIL;
	}
	return 0;
}

/* Who holds the device, in one pass over /proc; a single-queue device's queue is known from them. */
static void find_holders(struct link *link, struct holders *hs, struct check_input *in)
{
	struct netns_id here;

	if (netns_id_self(&here) < 0)
		return;
	holders_only(hs, &here);
	if (holders_load(hs) < 0)
		return;
	link_fill_queues(link, &here, hs);
	in->nholders = holders_of(hs, &here, link->name, &in->holders);
	in->sees_all_holders = hs->hidden == 0;
}

int check_main(int argc, char **argv)
{
	struct creds_buf b = { 0 };
	struct holders holders = { 0 };
	struct similar sim = { 0 };
	struct filecaps fc;
	struct tun_node node, vhost;
	struct labels t = { 0 };
	struct verdict v;
	struct probe p = { 0 };
	struct link link;
	struct opts o;
	bool found, entered, here_too;
	int r;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--all"))
			return audit_main(argc, argv);
	if ((r = parse_opts(argc, argv, &o)))
		return r < 0 ? print_help(VERB) : r;
	if (o.netns && (r = netns_enter(VERB, o.netns)))
		return r;
	if ((r = load_creds(&o, &b)))
		goto out;
	if ((r = follow_process(&o, &b, &entered, &here_too)))
		goto out;
	if ((r = find_device(&o, &link, &found, &sim)))
		goto out;
	/* Without its mode, owner and group any verdict would be a guess. */
	if (found && link.tun_unread) {
		char text[300];
		errorf(VERB, "%s; no verdict", tun_unread_text(text, sizeof(text), link.name));
		r = EXIT_FAIL;
		goto out;
	}
	tun_node_read(&node);
	vhost_node_read(&vhost);

	struct check_input in = {
		.name = o.name,
		.link = found ? &link : NULL,
		.similar = sim.ptrs,
		.nsimilar = sim.n,
		.creds = &b.c,
		.pid_mode = o.pid != 0,
		.proc_netns = entered ? b.netns_name : NULL,
		.here_too = here_too,
		.self = !o.pid && !o.as_set,
		.sees_all_holders = privs_effective(CAP_SYS_PTRACE),
		.node = &node,
		.vhost = &vhost,
		.mode = o.mode,
		.multi_queue = o.flags_given ? o.mq : -1,
	};
	if (o.binary) {
		filecaps_read(o.binary, &fc, t.mnt, sizeof(t.mnt));
		in.binary = &fc;
	} else if (o.pid) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/exe", (int)o.pid);
		ssize_t n = readlink(path, t.exe, sizeof(t.exe) - 1);
		if (n > 0 && filecaps_read(path, &fc, t.mnt, sizeof(t.mnt)) == 0) {
			t.exe[n] = '\0';
			fc.path = t.exe;
			in.binary = &fc;
			in.exe = true;
		}
	}
	if (found && link.is_tun)
		find_holders(&link, &holders, &in);
	/* Kernels differ on who may attach to such a device: this one is asked. */
	if (found && link.is_tun && link.owner == ID_NONE && link.group == ID_NONE)
		in.ownerless = kprobe_ownerless(false);
	make_labels(&o, &b, in.link, &t);
	in.user = t.user;
	/* Root checking itself: a fix says "--user root" only when root is meant. */
	in.login = in.self && b.c.uid == 0 ? "USER" : t.short_user;
	in.owner = *t.owner ? t.owner : NULL;
	in.group = *t.group ? t.group : NULL;
	in.group_arg = t.group_arg;
	in.subject = t.subject;

	diagnose(&in, &v);
	probe_run(&o, &b.c, &v, in.link, &p);
	p.agrees = !p.run || diagnose_probe(&in, &v, p.err);
	if (o.json)
		print_json(&in, t.short_user, &v, &p);
	else
		print_text(&in, &v, &p);
	result_done();
	r = v.ok ? EXIT_DONE : EXIT_FAIL;
out:
	holders_free(&holders);
	creds_free(&b);
	return r;
}
