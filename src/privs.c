/* SPDX-License-Identifier: MIT */
/*
 * Least privilege. tunown is run by an administrator, once per device; the
 * device's owner and group then let programs attach without it. So it is
 * never a privilege helper: started setuid, setgid or with file capabilities
 * (AT_SECURE) it only says why it refuses. Otherwise, before a command runs,
 * it keeps the capabilities that command needs and gives up the rest for
 * good: effective, permitted and inheritable sets, the ambient set, the
 * bounding set, and no_new_privs so that nothing comes back through execve.
 *
 * What each command needs was measured, not guessed: the lock file
 * /run/tunown.lock is created by root in root's /run (no CAP_DAC_OVERRIDE),
 * /dev/net/tun is mode 0666, reading links and addresses over rtnetlink is
 * open to everyone; TUNSETIFF on a new or foreign device, TUNSETOWNER,
 * TUNSETGROUP, TUNSETPERSIST and rtnetlink changes need CAP_NET_ADMIN;
 * setns() into /run/netns/NAME needs CAP_SYS_ADMIN; opening /proc/PID/ns/net
 * of a process holding capabilities we gave up needs CAP_SYS_PTRACE (the
 * ptrace read check), so --netns with a path keeps that too. The holders of
 * a device (holders.h) are in other users' /proc/PID/fd and fdinfo, behind
 * that check and the directories' modes (0500, the process's uid): add, del,
 * apply, list and show keep CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, which
 * only read. Before Linux 4.16 a tun device's attributes are in sysfs only,
 * and the namespace's own sysfs is mounted for them (netns.h): there every
 * command keeps CAP_SYS_ADMIN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/utsname.h>

#include "cli.h"
#include "privs.h"
#include "types.h"

/* One capability a command keeps: always (when is ""), or when the long option
 * is given ("netns"), or given with a value that starts with a prefix ("netns=/"). */
struct grant {
	const char *when;
	cap_value_t cap;
};

struct policy {
	const char *verb;
	struct grant grants[10];    /* ends at when == NULL */
};

/*
 * apply keeps CAP_SYS_ADMIN even without --netns: its files, read after
 * this point, may put any device in a namespace (netns = NAME), and the only
 * other way to know would be a second reading of them here, before the
 * command's own parser has checked a line.
 *
 * check --as becomes the user in a child to probe the attach: CAP_SETUID and
 * CAP_SETGID for setgroups/setresgid/setresuid; the child loses them with
 * the change of uid. Without --as, check only reads.
 */
static const struct policy policies[] = {
	{ "add", { { "", CAP_NET_ADMIN }, { "", CAP_SYS_PTRACE }, { "", CAP_DAC_READ_SEARCH }, { "netns", CAP_SYS_ADMIN } } },
	{ "del", { { "", CAP_NET_ADMIN }, { "", CAP_SYS_PTRACE }, { "", CAP_DAC_READ_SEARCH }, { "netns", CAP_SYS_ADMIN } } },
	{ "apply", { { "", CAP_NET_ADMIN }, { "", CAP_SYS_PTRACE }, { "", CAP_DAC_READ_SEARCH }, { "", CAP_SYS_ADMIN } } },
	{ "list", { { "", CAP_SYS_PTRACE }, { "", CAP_DAC_READ_SEARCH }, { "netns", CAP_SYS_ADMIN } } },
	{ "show", { { "", CAP_SYS_PTRACE }, { "", CAP_DAC_READ_SEARCH }, { "netns", CAP_SYS_ADMIN } } },
	/* check describes the caller as it was started and its probe stands for
	 * it: the caller's own CAP_NET_ADMIN/CAP_DAC_OVERRIDE (when it had them)
	 * are kept, CAP_SYS_PTRACE reads other users' /proc/PID (ns, exe,
	 * fdinfo of holders); --as and --pid become another uid, --pid enters
	 * the process's network namespace. */
	{ "check", { { "", CAP_NET_ADMIN }, { "", CAP_DAC_OVERRIDE }, { "", CAP_SYS_PTRACE },
		     { "as", CAP_SETUID }, { "as", CAP_SETGID },
		     { "pid", CAP_SETUID }, { "pid", CAP_SETGID }, { "pid", CAP_SYS_ADMIN },
		     { "netns", CAP_SYS_ADMIN } } },
	/* A CNI plugin run (CNI_COMMAND, no arguments): devices in CNI_NETNS, which
	 * may be /proc/PID/ns/net. Delegated IPAM plugins inherit no more than this. */
	{ "cni", { { "", CAP_NET_ADMIN }, { "", CAP_SYS_ADMIN }, { "", CAP_SYS_PTRACE } } },
};

#define NPOLICIES (sizeof(policies) / sizeof(policies[0]))
#define MAX_KEEP 16         /* more than any policy grants */

static struct privs_start start;

const struct privs_start *privs_at_start(void)
{
	return &start;
}

bool privs_effective(int cap)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;

	if (caps) {
		cap_get_flag(caps, (cap_value_t)cap, CAP_EFFECTIVE, &v);
		cap_free(caps);
	}
	return v == CAP_SET;
}

/*
 * Whether argv names the long option: "--NAME", "--NAME=VALUE", or an
 * abbreviation getopt_long would take for it ("--net"). An abbreviation that
 * is ambiguous makes the command fail on usage anyway, so counting it is safe.
 */
static bool given(const char *when, int argc, char **argv)
{
	size_t olen = strcspn(when, "=");
	const char *prefix = when[olen] ? when + olen + 1 : NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			break;
		if (strncmp(a, "--", 2) || !a[2])
			continue;
		size_t n = strcspn(a + 2, "=");
		if (n > olen || strncmp(a + 2, when, n))
			continue;
		if (!prefix)
			return true;
		const char *v = a[2 + n] ? a + 3 + n : i + 1 < argc ? argv[i + 1] : "";
		if (!strncmp(v, prefix, strlen(prefix)))
			return true;
	}
	return false;
}

static bool kept(const cap_value_t *keep, size_t n, cap_value_t cap)
{
	for (size_t i = 0; i < n; i++)
		if (keep[i] == cap)
			return true;
	return false;
}

/*
 * Before Linux 4.16 rtnetlink tells nothing of a tun device: its attributes
 * are read from a sysfs of its namespace that tunown mounts (netns.h), which
 * takes CAP_SYS_ADMIN. Only the version can say so before any link is read.
 */
static bool tun_attrs_from_sysfs(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major < 4 || (major == 4 && minor < 16);
}

static size_t wanted(const char *verb, int argc, char **argv, cap_value_t *keep)
{
	size_t n = 0;

	if (!verb)
		return 0;
	for (size_t i = 0; i < NPOLICIES; i++) {
		if (strcmp(policies[i].verb, verb))
			continue;
		for (const struct grant *g = policies[i].grants; g->when && n < MAX_KEEP; g++)
			if ((!*g->when || given(g->when, argc, argv)) && !kept(keep, n, g->cap))
				keep[n++] = g->cap;
		if (n < MAX_KEEP && !kept(keep, n, CAP_SYS_ADMIN) && tun_attrs_from_sysfs())
			keep[n++] = CAP_SYS_ADMIN;
	}
	return n;
}

/* The five capability masks and no_new_privs, as /proc/self/status shows them. */
static int read_status(struct privs_start *s)
{
	static const struct { const char *key; size_t off; } fields[] = {
		{ "CapInh:", offsetof(struct privs_start, inh) },
		{ "CapPrm:", offsetof(struct privs_start, prm) },
		{ "CapEff:", offsetof(struct privs_start, eff) },
		{ "CapBnd:", offsetof(struct privs_start, bnd) },
		{ "CapAmb:", offsetof(struct privs_start, amb) },
	};
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned nnp;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			size_t klen = strlen(fields[i].key);
			if (!strncmp(line, fields[i].key, klen))
				*(uint64_t *)((char *)s + fields[i].off) = strtoull(line + klen, NULL, 16);
		}
		if (!strncmp(line, "NoNewPrivs:", 11) && sscanf(line + 11, "%u", &nnp) == 1)
			s->no_new_privs = nnp;
	}
	fclose(f);
	s->known = true;
	return 0;
}

/* "cap_net_admin,cap_sys_admin" for a mask; "" for none. */
static void mask_text(uint64_t mask, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < 64 && off < len; i++) {
		if (!(mask & (UINT64_C(1) << i)))
			continue;
		char *name = cap_to_name(i);
		int n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", name ? name : "?");
		cap_free(name);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/* For the tests (TUNOWN_DEBUG_CAPS=1): what the command is about to run with. */
static void debug_caps(const char *verb)
{
	struct privs_start now = { 0 };
	char eff[512], prm[512], inh[512], amb[512], bnd[1024];

	if (read_status(&now) < 0) {
		errorf(verb, "debug-caps: cannot read /proc/self/status: %s", strerror(errno));
		return;
	}
	mask_text(now.eff, eff, sizeof(eff));
	mask_text(now.prm, prm, sizeof(prm));
	mask_text(now.inh, inh, sizeof(inh));
	mask_text(now.amb, amb, sizeof(amb));
	mask_text(now.bnd, bnd, sizeof(bnd));
	errorf(verb, "debug-caps: effective=%s permitted=%s inheritable=%s ambient=%s bounding=%s no_new_privs=%d",
	       eff, prm, inh, amb, bnd, now.no_new_privs);
}

/*
 * Empties the bounding set; needs CAP_SETPCAP, which only a full root has.
 * The kernel drops one capability a call; the set read at start names which
 * are there, so the calls that would only ask are saved.
 */
static int drop_bounding(void)
{
	cap_value_t max = cap_max_bits();

	for (cap_value_t c = 0; c < max; c++) {
		bool in = start.known ? c < 64 && start.bnd & (UINT64_C(1) << c) : cap_get_bound(c) > 0;
		if (in && cap_drop_bound(c) < 0)
			return -errno;
	}
	return 0;
}

/* Empties the ambient set with one call (none at all when it is known empty). */
static int clear_ambient(void)
{
	if (start.known && !start.amb)
		return 0;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}

/* Effective and permitted: the kept capabilities this process has; inheritable: none. */
static int set_sets(const cap_value_t *keep, size_t n)
{
	cap_t now = cap_get_proc(), want = cap_init();
	cap_value_t have[MAX_KEEP];
	size_t m = 0;
	int r = 0;

	if (!now || !want) {
		r = -errno;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		cap_flag_value_t v = CAP_CLEAR;
		if (cap_get_flag(now, keep[i], CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			have[m++] = keep[i];
	}
	if (m && (cap_set_flag(want, CAP_PERMITTED, (int)m, have, CAP_SET) < 0 ||
		  cap_set_flag(want, CAP_EFFECTIVE, (int)m, have, CAP_SET) < 0)) {
		r = -errno;
		goto out;
	}
	if (cap_set_proc(want) < 0)
		r = -errno;
out:
	cap_free(now);
	cap_free(want);
	return r;
}

static int refuse_secure(const char *verb)
{
	errorf(verb, "refusing to run: started setuid, setgid or with file capabilities; "
	       "tunown is not a privilege helper (an administrator runs it once, then the device's "
	       "owner and group let programs attach without it): remove the bit (chmod u-s,g-s, setcap -r) "
	       "and run it as root");
	return EXIT_FAIL;
}

int privs_init(const char *verb, int argc, char **argv)
{
	cap_value_t keep[MAX_KEEP];
	size_t n;
	int r;

	if (getauxval(AT_SECURE))
		return refuse_secure(verb);
	read_status(&start);
	n = wanted(verb, argc, argv, keep);

	/* The bounding set goes first, while CAP_SETPCAP is still effective. */
	if ((r = clear_ambient()) < 0)
		goto fail;
	if (CAP_IS_SUPPORTED(CAP_SETPCAP) && start.eff & (UINT64_C(1) << CAP_SETPCAP) &&
	    (r = drop_bounding()) < 0)
		goto fail;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		r = -errno;
		goto fail;
	}
	if ((r = set_sets(keep, n)) < 0)
		goto fail;
	const char *debug = getenv("TUNOWN_DEBUG_CAPS");
	if (debug && !strcmp(debug, "1"))
		debug_caps(verb);
	return 0;
fail:
	errorf(verb, "cannot give up the capabilities this command does not need: %s", strerror(-r));
	return EXIT_FAIL;
}
