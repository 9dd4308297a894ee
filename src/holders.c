/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "files.h"
#include "holders.h"
#include "ids.h"

/* /dev/net/tun, whatever path it was opened by. */
#define TUN_MAJOR 10
#define TUN_MINOR 200

int netns_id_self(struct netns_id *out)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st) < 0)
		return -errno;
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	return 0;
}

static int push(struct holders *hs, const struct holder *h)
{
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? hs->cap * 2 : 16;
		struct holder *v = realloc(hs->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		hs->v = v;
		hs->cap = cap;
	}
	hs->v[hs->n++] = *h;
	return 0;
}

/* Who the process is: effective uid, comm and network namespace; only for holders. */
static void describe(int piddir, struct holder *h)
{
	char buf[4096];
	struct stat st;
	const char *p;

	h->uid = ID_NONE;
	if (file_read_at(piddir, "status", buf, sizeof(buf)) > 0 && (p = strstr(buf, "\nUid:"))) {
		unsigned long real, eff;
		if (sscanf(p + 5, "%lu %lu", &real, &eff) == 2)
			h->uid = (uint32_t)eff;
	}
	if (file_read_at(piddir, "comm", buf, sizeof(buf)) > 0) {
		size_t n = strcspn(buf, "\n");
		if (n >= sizeof(h->comm))
			n = sizeof(h->comm) - 1;
		memcpy(h->comm, buf, n);
		h->comm[n] = '\0';
	}
	if (fstatat(piddir, "ns/net", &st, 0) == 0) {
		h->netns.dev = st.st_dev;
		h->netns.ino = st.st_ino;
	}
}

/*
 * The scan's buffers, reused for every process: a directory's entries as
 * getdents64 gives them, and the path of the file being opened.
 */
struct scan {
	int proc;                   /* /proc */
	bool one_ns;                /* processes of other namespaces are skipped */
	char ns_link[32];           /* the namespace asked for, as ns/net links read */
	size_t ns_len;
	char dents[32768];
	char path[NAME_MAX + 32];
};

struct dent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* /proc/PID/fdinfo/FD names an attached device ("iff:\tNAME"); false when not attached. */
static bool fd_device(struct scan *s, const char *pid, const char *fd, char *dev)
{
	char buf[1024];
	const char *p;

	snprintf(s->path, sizeof(s->path), "%s/fdinfo/%s", pid, fd);
	if (file_read_at(s->proc, s->path, buf, sizeof(buf)) <= 0)
		return false;
	p = strstr(buf, "iff:\t");
	if (!p)
		return false;
	p += 5;
	size_t n = strcspn(p, "\n");
	if (n == 0 || n >= IFNAMSIZ)
		return false;
	memcpy(dev, p, n);
	dev[n] = '\0';
	return true;
}

/*
 * Whether the process is in the network namespace asked for: 1, 0, or -1
 * when its ns/net cannot be read. That link reads "net:[INODE]"; a readlink
 * costs less than a stat, which makes the kernel find the namespace's file.
 */
static int in_netns(struct scan *s, const char *pid)
{
	char link[64];
	ssize_t n;

	snprintf(s->path, sizeof(s->path), "%s/ns/net", pid);
	n = readlinkat(s->proc, s->path, link, sizeof(link));
	if (n <= 0)
		return -1;
	return (size_t)n == s->ns_len && !memcmp(link, s->ns_link, (size_t)n);
}

/* One process being scanned. */
struct proc_scan {
	const char *pid;            /* its /proc entry */
	int fddir;                  /* /proc/PID/fd */
	size_t first;               /* its first holder in hs->v */
	struct holder who;          /* pid, and uid and comm once described */
	bool described;
};

/* A tun fd attached to dev: a holder to add, or one more fd of one found. */
static int add_fd(struct holders *hs, struct scan *s, struct proc_scan *p, const char *dev)
{
	size_t i;

	for (i = p->first; i < hs->n && strcmp(hs->v[i].dev, dev); i++)
		;
	if (i < hs->n) {
		hs->v[i].fds++;
		return 0;
	}
	if (!p->described) {
		int piddir = openat(s->proc, p->pid, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (piddir >= 0) {
			describe(piddir, &p->who);
			close(piddir);
		}
		p->described = true;
	}
	struct holder h = p->who;
	memcpy(h.dev, dev, sizeof(h.dev));
	h.fds = 1;
	return push(hs, &h);
}

#define FDS_DENIED 1

/*
 * One fd, by one stat; only a tun fd's fdinfo is read. FDS_DENIED when the
 * process's fds are not ours to follow (it has capabilities we lack): then
 * none of them is. Else 0, or -errno.
 */
static int scan_fd(struct holders *hs, struct scan *s, struct proc_scan *p, const char *fd)
{
	struct stat st;
	char dev[IFNAMSIZ];

	if (fstatat(p->fddir, fd, &st, 0) < 0)
		return errno == EACCES || errno == EPERM ? FDS_DENIED : 0;
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(TUN_MAJOR, TUN_MINOR) || !fd_device(s, p->pid, fd, dev))
		return 0;
	return add_fd(hs, s, p, dev);
}

/*
 * The holders among one process's fds, merged by device. For most processes
 * this is an open of PID/fd, getdents64 till the end, a close and one stat an
 * fd; the process itself is opened only when it holds a tun fd.
 */
static int scan_pid(struct holders *hs, struct scan *s, const char *pid)
{
	struct proc_scan p = { .pid = pid, .first = hs->n, .who = { .pid = (pid_t)strtol(pid, NULL, 10), .uid = ID_NONE } };
	int r;
	ssize_t n;

	/* A process of another namespace holds nothing asked for; one it cannot tell is read in full. */
	if (s->one_ns && in_netns(s, pid) == 0)
		return 0;
	snprintf(s->path, sizeof(s->path), "%s/fd", pid);
	p.fddir = openat(s->proc, s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p.fddir < 0) {
		if (errno == EACCES || errno == EPERM)
			hs->hidden++;
		return 0;               /* gone already, or not ours to read */
	}
	/* fd 0 first: a process whose fds are denied costs one stat, not a listing of them all. */
	r = scan_fd(hs, s, &p, "0");
	while (r == 0 && (n = syscall(SYS_getdents64, p.fddir, s->dents, sizeof(s->dents))) > 0) {
		for (ssize_t off = 0; off < n && r == 0;) {
			const struct dent64 *e = (const struct dent64 *)(s->dents + off);
			off += e->reclen;
			if (isdigit((unsigned char)e->name[0]) && strcmp(e->name, "0"))
				r = scan_fd(hs, s, &p, e->name);
		}
	}
	close(p.fddir);
	return r == FDS_DENIED ? 0 : r;
}

static int netns_cmp(const struct netns_id *a, const struct netns_id *b)
{
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return 0;
}

static int by_key(const void *pa, const void *pb)
{
	const struct holder *a = pa, *b = pb;
	int c = netns_cmp(&a->netns, &b->netns);

	if (c)
		return c;
	if ((c = strcmp(a->dev, b->dev)))
		return c;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

void holders_only(struct holders *hs, const struct netns_id *ns)
{
	hs->one_ns = true;
	hs->ns = *ns;
}

/*
 * Whether to skip the processes of other namespaces than ns: not when it is
 * the init process's, where most processes are and the readlink of each
 * one's ns/net would cost more than it skips; elsewhere (a container's or a
 * VM's namespace) it skips nearly all of them, each for a fraction of what
 * reading its fds costs.
 */
static bool skip_others(struct scan *s, const struct netns_id *ns)
{
	int n = snprintf(s->ns_link, sizeof(s->ns_link), "net:[%llu]", (unsigned long long)ns->ino);

	s->ns_len = n > 0 ? (size_t)n : 0;
	return in_netns(s, "1") != 1;
}

int holders_load(struct holders *hs)
{
	pid_t self = getpid();
	struct scan *s;
	struct dirent *e;
	DIR *d;
	int r = 0;

	if (hs->loaded)
		return 0;
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	d = opendir("/proc");
	if (!d) {
		r = -errno;
		free(s);
		return r;
	}
	s->proc = dirfd(d);
	s->one_ns = hs->one_ns && skip_others(s, &hs->ns);
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]) || strtol(e->d_name, NULL, 10) == self)
			continue;
		if ((r = scan_pid(hs, s, e->d_name)) < 0)
			break;
	}
	closedir(d);
	free(s);
	if (r < 0)
		return r;
	if (hs->n > 1)
		qsort(hs->v, hs->n, sizeof(*hs->v), by_key);
	hs->loaded = true;
	return 0;
}

void holders_free(struct holders *hs)
{
	free(hs->v);
	memset(hs, 0, sizeof(*hs));
}

size_t holders_of(const struct holders *hs, const struct netns_id *ns, const char *name,
		  const struct holder **first)
{
	struct holder key = { .netns = *ns, .pid = 0 };
	size_t lo = 0, hi = hs->n, end;

	ifname_copy(key.dev, name);
	/* The first entry not below (namespace, name, pid 0). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (by_key(&hs->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < hs->n && !netns_cmp(&hs->v[end].netns, ns) && !strcmp(hs->v[end].dev, key.dev); end++)
		;
	*first = hs->v ? hs->v + lo : NULL;
	return end - lo;
}

/*
 * A single-queue device: held when a holder is seen. When some processes
 * could not be read and none is seen, the carrier is the best guess left:
 * the kernel turns it off when the last queue goes, so it is on only while
 * attached, unless root set it on through rtnetlink (a holder can turn it
 * off, so off proves nothing).
 */
static bool single_held(const struct link *l, const struct netns_id *ns, const struct holders *hs)
{
	const struct holder *h;

	return holders_of(hs, ns, l->name, &h) > 0 || (hs->hidden > 0 && l->carrier);
}

bool link_held(const struct link *l, const struct netns_id *ns, struct holders *hs)
{
	if (!l->is_tun)
		return false;
	/* The kernel's counts, when it gives them (Linux 4.16); else the holders, as for one queue. */
	if (l->multi_queue && !l->queues_unknown)
		return l->queues + l->disabled_queues > 0;
	if (holders_load(hs) < 0)
		return l->carrier;
	return single_held(l, ns, hs);
}

void link_fill_queues(struct link *l, const struct netns_id *ns, const struct holders *hs)
{
	if (l->is_tun && !l->multi_queue)
		l->queues = single_held(l, ns, hs);
}

const char *holders_text(const struct holder *v, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *user = v[i].uid != ID_NONE ? user_name(v[i].uid) : NULL;
		char who[48];
		if (user)
			snprintf(who, sizeof(who), "%s", user);
		else if (v[i].uid != ID_NONE)
			snprintf(who, sizeof(who), "uid %u", v[i].uid);
		else
			snprintf(who, sizeof(who), "user unknown");
		int k = snprintf(buf + off, len - off, "%s%d (%s, %s)", i ? ", " : "", (int)v[i].pid,
				 v[i].comm[0] ? v[i].comm : "?", who);
		if (k < 0 || (size_t)k >= len - off) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			break;
		}
		off += (size_t)k;
	}
	return buf;
}

const char *holders_describe(const struct link *l, const struct netns_id *ns, struct holders *hs,
			     char *buf, size_t len)
{
	const struct holder *v = NULL;
	size_t n = holders_load(hs) == 0 ? holders_of(hs, ns, l->name, &v) : 0;
	char list[400];

	if (n) {
		snprintf(buf, len, "process%s %s", n == 1 ? "" : "es", holders_text(v, n, list, sizeof(list)));
		return buf;
	}
	if (l->multi_queue) {
		unsigned q = l->queues + l->disabled_queues;
		snprintf(buf, len, "%u queue%s of processes tunown cannot see%s", q, q == 1 ? "" : "s",
			 hs->hidden ? " (other users' processes: run as root to name them)" : "");
	} else {
		snprintf(buf, len, "a process tunown cannot see%s",
			 hs->hidden ? " (another user's: run as root to name it)" : "");
	}
	return buf;
}

/* "tunown apply" from /proc/PID/cmdline (the program's base name and its first argument). */
static bool command_line(pid_t pid, char *buf, size_t len)
{
	char path[32], raw[256];
	int n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = file_read_at(AT_FDCWD, path, raw, sizeof(raw));
	if (n <= 0)
		return false;
	const char *prog = strrchr(raw, '/') ? strrchr(raw, '/') + 1 : raw;
	size_t first = strlen(raw) + 1;
	const char *arg = first < (size_t)n ? raw + first : "";
	snprintf(buf, len, "%.40s%s%.40s", prog, *arg ? " " : "", arg);
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return true;
}

const char *lock_holder(int fd, char *buf, size_t len)
{
	struct stat st;
	char line[256], cmd[96];
	const char *found = NULL;
	FILE *f;

	if (fstat(fd, &st) < 0 || !(f = fopen("/proc/locks", "re")))
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		char type[16];
		unsigned maj, min;
		unsigned long long ino;
		int pid;
		/* "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF"; a waiter's line has "->" after the number. */
		if (strstr(line, "->") ||
		    sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%llu", type, &pid, &maj, &min, &ino) != 5)
			continue;
		if (strcmp(type, "FLOCK") || pid <= 0 || makedev(maj, min) != st.st_dev || ino != (unsigned long long)st.st_ino)
			continue;
		/* The pid is the locker's, which may have left the lock to a child and gone: then none is named. */
		if (command_line((pid_t)pid, cmd, sizeof(cmd))) {
			snprintf(buf, len, "pid %d, %s", pid, cmd);
			found = buf;
		}
	}
	fclose(f);
	return found;
}
