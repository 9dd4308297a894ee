/* SPDX-License-Identifier: MIT */
/*
 * The facts behind `tunown check`, read from the kernel and the databases:
 * credentials (getgroups, /proc/PID/status, the group database), namespaces
 * (/proc/PID/ns, NS_GET_USERNS/NS_GET_PARENT), file capabilities (libcap),
 * and mount flags (statvfs, /proc/self/mountinfo). The holders of a device
 * are holders.h's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "creds.h"
#include "netns.h"
#include "privs.h"
#include "tun.h"
#include "uapi.h"

#define BIT(cap) (1ULL << (cap))

void creds_free(struct creds_buf *b)
{
	free(b->groups);
	free(b->db_groups);
	b->groups = b->db_groups = NULL;
}

static void buf_init(struct creds_buf *b)
{
	memset(b, 0, sizeof(*b));
	b->c.bset_net_admin = true;
	b->c.userns = USERNS_SAME;
}

/* The groups uid belongs to in the database, its primary group included. */
static int db_groups(struct creds_buf *b, uint32_t uid, uint32_t *primary)
{
	struct passwd *pw = getpwuid(uid);
	int n = 32;

	if (!pw)
		return -ENOENT;
	if (primary)
		*primary = pw->pw_gid;
	for (;;) {
		gid_t *v = malloc((size_t)n * sizeof(*v));
		int want = n;

		if (!v)
			return -ENOMEM;
		if (getgrouplist(pw->pw_name, pw->pw_gid, v, &want) >= 0) {
			free(b->db_groups);
			b->db_groups = (uint32_t *)v;
			b->c.db_groups = b->db_groups;
			b->c.n_db_groups = (size_t)want;
			return 0;
		}
		free(v);
		if (want <= n)
			return -EIO;
		n = want;
	}
}

int creds_self(struct creds_buf *b)
{
	cap_t caps;
	int n;

	buf_init(b);
	b->c.uid = geteuid();
	b->c.gid = getegid();
	n = getgroups(0, NULL);
	if (n < 0)
		return -errno;
	b->groups = calloc((size_t)n + 1, sizeof(uint32_t));
	if (!b->groups)
		return -ENOMEM;
	n = getgroups(n, (gid_t *)b->groups);
	if (n < 0)
		return -errno;
	b->c.groups = b->groups;
	b->c.ngroups = (size_t)n;
	/* privs_init gave capabilities up before the command ran: describe the
	 * process as it was started, which is what the caller asks about. */
	const struct privs_start *st = privs_at_start();
	if (st->known) {
		b->c.cap_net_admin = st->eff & BIT(CAP_NET_ADMIN);
		b->c.prm_net_admin = st->prm & BIT(CAP_NET_ADMIN);
		b->c.cap_dac_override = st->eff & BIT(CAP_DAC_OVERRIDE);
		b->c.bset_net_admin = st->bnd & BIT(CAP_NET_ADMIN);
		b->c.no_new_privs = st->no_new_privs;
	} else {
		caps = cap_get_proc();
		if (caps) {
			cap_flag_value_t v = CAP_CLEAR;

			cap_get_flag(caps, CAP_NET_ADMIN, CAP_EFFECTIVE, &v);
			b->c.cap_net_admin = v == CAP_SET;
			v = CAP_CLEAR;
			cap_get_flag(caps, CAP_NET_ADMIN, CAP_PERMITTED, &v);
			b->c.prm_net_admin = v == CAP_SET;
			v = CAP_CLEAR;
			cap_get_flag(caps, CAP_DAC_OVERRIDE, CAP_EFFECTIVE, &v);
			b->c.cap_dac_override = v == CAP_SET;
			cap_free(caps);
		}
		b->c.bset_net_admin = cap_get_bound(CAP_NET_ADMIN) == 1;
		b->c.no_new_privs = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
	}
	db_groups(b, b->c.uid, NULL);
	/* TracerPid and the tracer's capabilities come from /proc like a --pid. */
	struct creds_buf p;
	if (creds_pid(&p, getpid()) == 0) {
		b->c.tracer = p.c.tracer;
		b->c.tracer_can_ptrace = p.c.tracer_can_ptrace;
	}
	creds_free(&p);
	return 0;
}

int creds_login(struct creds_buf *b, uint32_t uid)
{
	int r;

	buf_init(b);
	b->c.uid = uid;
	if ((r = db_groups(b, uid, &b->c.gid)) < 0)
		return r;
	b->groups = malloc((b->c.n_db_groups + 1) * sizeof(uint32_t));
	if (!b->groups)
		return -ENOMEM;
	/* A login carries its database groups; the primary one is the egid. */
	for (size_t i = 0; i < b->c.n_db_groups; i++)
		if (b->db_groups[i] != b->c.gid)
			b->groups[b->c.ngroups++] = b->db_groups[i];
	b->c.groups = b->groups;
	b->c.cap_net_admin = b->c.cap_dac_override = b->c.prm_net_admin = uid == 0;
	return 0;
}

/* "Name:\tvalue" lines of /proc/PID/status. */
static char *status_field(char *text, const char *name)
{
	size_t n = strlen(name);

	/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Branch): read_small terminates text */
	for (char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == ':')
			return p + n + 1;
	return NULL;
}

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -errno;
	while (off + 1 < len) {
		ssize_t k = read(fd, buf + off, len - 1 - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	buf[off] = '\0';
	close(fd);
	return (int)off;
}

static uint64_t status_caps(char *st, const char *name)
{
	char *v = status_field(st, name);

	return v ? strtoull(v, NULL, 16) : 0;
}

/* The second number of "Uid:\tr\te\ts\tfs". */
static uint32_t status_second(char *st, const char *name)
{
	char *v = status_field(st, name);

	if (!v)
		return ID_NONE;
	strtoul(v, &v, 10);
	return (uint32_t)strtoul(v, NULL, 10);
}

static int status_groups(struct creds_buf *b, char *st)
{
	char *v = status_field(st, "Groups"), *end;
	size_t n = 0, cap = 16;

	b->groups = malloc(cap * sizeof(uint32_t));
	if (!b->groups)
		return -ENOMEM;
	while (v && *v && *v != '\n') {
		unsigned long g = strtoul(v, &end, 10);

		if (end == v)
			break;
		if (n == cap) {
			uint32_t *w = realloc(b->groups, (cap *= 2) * sizeof(uint32_t));
			if (!w)
				return -ENOMEM;
			b->groups = w;
		}
		b->groups[n++] = (uint32_t)g;
		v = end;
		while (*v == ' ' || *v == '\t')
			v++;
	}
	b->c.groups = b->groups;
	b->c.ngroups = n;
	return 0;
}

static bool tracer_has_ptrace(pid_t tracer)
{
	char path[64], st[4096];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tracer);
	if (read_small(path, st, sizeof(st)) <= 0)
		return false;
	return status_caps(st, "CapEff") & BIT(CAP_SYS_PTRACE);
}

int creds_pid(struct creds_buf *b, pid_t pid)
{
	char path[64], st[8192], comm[32];
	char *v;
	int r;

	buf_init(b);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((r = read_small(path, st, sizeof(st))) < 0)
		return r;
	b->c.uid = status_second(st, "Uid");
	b->c.gid = status_second(st, "Gid");
	if (b->c.uid == ID_NONE || b->c.gid == ID_NONE)
		return -EIO;
	if ((r = status_groups(b, st)) < 0)
		return r;
	uint64_t eff = status_caps(st, "CapEff");
	b->c.cap_net_admin = eff & BIT(CAP_NET_ADMIN);
	b->c.cap_dac_override = eff & BIT(CAP_DAC_OVERRIDE);
	b->c.prm_net_admin = status_caps(st, "CapPrm") & BIT(CAP_NET_ADMIN);
	b->c.bset_net_admin = status_caps(st, "CapBnd") & BIT(CAP_NET_ADMIN);
	v = status_field(st, "NoNewPrivs");
	b->c.no_new_privs = v && strtoul(v, NULL, 10) == 1;
	v = status_field(st, "TracerPid");
	b->c.tracer = v ? (pid_t)strtol(v, NULL, 10) : 0;
	if (b->c.tracer > 0)
		b->c.tracer_can_ptrace = tracer_has_ptrace(b->c.tracer);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (read_small(path, comm, sizeof(comm)) > 0) {
		comm[strcspn(comm, "\n")] = '\0';
		comm[sizeof(b->comm) - 1] = '\0';
		memcpy(b->comm, comm, sizeof(b->comm));
	}
	db_groups(b, b->c.uid, NULL);
	return 0;
}

/* ---- namespaces ----------------------------------------------------------- */

static int ns_stat(pid_t pid, const char *kind, struct stat *st)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, kind);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
	return stat(path, st) < 0 ? -errno : 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Is want the user namespace owning our network namespace, or one of its ancestors? */
static enum userns_rel userns_relation(const struct stat *want)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int ns = fd < 0 ? -1 : ioctl(fd, NS_GET_USERNS);
	enum userns_rel rel = USERNS_OTHER;
	bool first = true;

	if (fd >= 0)
		close(fd);
	/* EPERM: the owner lies outside our own user namespace, above it. */
	while (ns >= 0) {
		struct stat st;
		int parent;

		if (fstat(ns, &st) == 0 && same_file(&st, want)) {
			rel = first ? USERNS_SAME : USERNS_ANCESTOR;
			break;
		}
		first = false;
		parent = ioctl(ns, NS_GET_PARENT);
		close(ns);
		ns = parent;
	}
	if (ns >= 0)
		close(ns);
	return rel;
}

int creds_place(struct creds_buf *b, pid_t pid)
{
	struct stat net, mynet, user;
	int r;

	if ((r = ns_stat(pid, "net", &net)) < 0 || (r = ns_stat(0, "net", &mynet)) < 0)
		return r;
	if (netns_name_of(net.st_dev, net.st_ino, b->netns_name, sizeof(b->netns_name)) < 0)
		snprintf(b->netns_name, sizeof(b->netns_name), "net:[%llu]",
			 (unsigned long long)net.st_ino);
	b->c.netns_name = b->netns_name;
	b->c.other_netns = !same_file(&net, &mynet);
	if ((r = ns_stat(pid, "user", &user)) < 0)
		return r;
	b->c.userns = userns_relation(&user);
	return 0;
}

/* ---- files ------------------------------------------------------------------ */

/* The mount point of the mount holding path, from /proc/self/mountinfo. */
static void mount_point(const char *path, char *out, size_t len)
{
	char real[4096], line[8192];
	struct stat st;
	size_t best = 0;
	FILE *f;

	*out = '\0';
	if (!realpath(path, real) || stat(real, &st) < 0)
		return;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		char mnt[4096];

		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, mnt) != 3)
			continue;
		if (makedev(maj, min) != st.st_dev)
			continue;
		size_t n = strlen(mnt);
		if (strncmp(real, mnt, n) || (real[n] && real[n] != '/' && n > 1))
			continue;
		if (n >= best) {
			best = n;
			snprintf(out, len, "%s", mnt);
		}
	}
	fclose(f);
}

static bool is_script(const char *path)
{
	char head[3] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	ssize_t n = read(fd, head, 2);
	close(fd);
	return n == 2 && head[0] == '#' && head[1] == '!';
}

static bool cap_flag(cap_t caps, cap_flag_t which)
{
	cap_flag_value_t v = CAP_CLEAR;

	return cap_get_flag(caps, CAP_NET_ADMIN, which, &v) == 0 && v == CAP_SET;
}

int filecaps_read(const char *path, struct filecaps *out, char *mnt, size_t mntlen)
{
	struct statvfs vfs;
	struct stat st;
	cap_t caps;

	memset(out, 0, sizeof(*out));
	out->path = path;
	if (stat(path, &st) < 0)
		return out->err = -errno;
	if (!S_ISREG(st.st_mode))
		return out->err = -EINVAL;
	out->script = is_script(path);
	if (statvfs(path, &vfs) == 0)
		out->nosuid = vfs.f_flag & ST_NOSUID;
	mount_point(path, mnt, mntlen);
	out->mountpoint = *mnt ? mnt : NULL;
	caps = cap_get_file(path);
	if (!caps)
		return errno == ENODATA || errno == ENOTSUP ? 0 : (out->err = -errno);
	out->present = true;
	out->net_admin = cap_flag(caps, CAP_PERMITTED);
	out->net_admin_inh = !out->net_admin && cap_flag(caps, CAP_INHERITABLE);
	/* The file's effective bit is one bit: libcap shows it on every permitted cap. */
	out->effective = cap_flag(caps, CAP_EFFECTIVE);
	cap_free(caps);
	return 0;
}

/* What stat says of a device node, into n (path set). */
static void node_stat(struct tun_node *n)
{
	struct statvfs vfs;
	struct stat st;

	if (stat(n->path, &st) < 0) {
		if (!n->open_err)
			n->open_err = -errno;
		return;
	}
	if (!S_ISCHR(st.st_mode) && !n->open_err)
		n->open_err = -ENODEV;
	n->stat_ok = true;
	n->mode = st.st_mode;
	n->uid = st.st_uid;
	n->gid = st.st_gid;
	n->nodev = statvfs(n->path, &vfs) == 0 && (vfs.f_flag & ST_NODEV);
	n->acl = getxattr(n->path, "system.posix_acl_access", NULL, 0) > 0;
}

void tun_node_read(struct tun_node *n)
{
	int fd;

	memset(n, 0, sizeof(*n));
	n->path = tun_path();
	int r = tun_open(&fd);
	if (r == 0)
		close(fd);
	else
		n->open_err = r;
	node_stat(n);
}

void vhost_node_read(struct tun_node *n)
{
	const char *p = getenv("TUNOWN_VHOST_PATH");

	memset(n, 0, sizeof(*n));
	n->path = p && *p ? p : "/dev/vhost-net";
	/* Not opened: each open makes a vhost instance; the mode bits say who may. */
	node_stat(n);
}
