/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"

static int by_ifindex(const void *a, const void *b)
{
	int x = ((const struct journal_entry *)a)->ifindex, y = ((const struct journal_entry *)b)->ifindex;

	return (x > y) - (x < y);
}

/*
 * The journal's name, by the namespace's cookie. Without one (before Linux
 * 5.14: ENOPROTOOPT) there is no name that outlives the namespace safely: the
 * nsfs inode number of a namespace that is gone goes to the next one created
 * (seen within a second), whose devices restart at the same ifindexes, so a
 * journal keyed by it could mark someone else's device. Then j->path stays
 * empty, the caller marks each device "tunown:creating" before making it
 * persistent, and the journal is read from the devices themselves
 * (from_marks): the mark lives and dies with its device, in its namespace.
 */
static int journal_key(struct journal *j, struct rt *rt)
{
	uint64_t cookie;
	int r = rt_netns_cookie(rt, &cookie);

	if (r == -ENOPROTOOPT)
		return 0;
	if (r < 0)
		return r;
	snprintf(j->path, sizeof(j->path), JOURNAL_DIR "/journal-%" PRIu64, cookie);
	return 0;
}

static int add_entry(struct journal *j, int ifindex, const char *name)
{
	struct journal_entry *v = realloc(j->v, (j->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	j->v = v;
	j->v[j->n].ifindex = ifindex;
	ifname_copy(j->v[j->n].name, name);
	j->n++;
	return 0;
}

static int on_marked(const struct link *l, void *data)
{
	return l->is_tun && l->creating ? add_entry(data, l->ifindex, l->name) : 0;
}

/* Without a cookie: every tun/tap device still marked "tunown:creating" is an entry. */
static int from_marks(struct journal *j, struct rt *rt)
{
	int r = rt_links(rt, on_marked, j);

	if (r == 0 && j->n)
		qsort(j->v, j->n, sizeof(*j->v), by_ifindex);
	return r;
}

int journal_open(struct journal *j, struct rt *rt)
{
	char line[64];
	FILE *f;
	int r;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	if ((r = journal_key(j, rt)) < 0)
		return r;
	if (!j->path[0])
		return from_marks(j, rt);
	f = fopen(j->path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		struct journal_entry e = { 0 };
		char name[sizeof(line)];
		if (sscanf(line, "%d %63s", &e.ifindex, name) != 2 || e.ifindex <= 0 || strlen(name) >= sizeof(e.name))
			continue;
		if ((r = add_entry(j, e.ifindex, name)) < 0) {
			fclose(f);
			return r;
		}
	}
	fclose(f);
	if (j->n)
		qsort(j->v, j->n, sizeof(*j->v), by_ifindex);
	return 0;
}

int journal_adopt(struct journal *j, struct rt *rt, struct link *l, bool dry_run)
{
	struct journal_entry key = { .ifindex = l->ifindex }, *e;

	/* With a file the device has no alias yet; without one it carries the creating mark. */
	if (!l->is_tun || !j->n || (journal_active(j) ? l->has_alias : !l->creating))
		return 0;
	/* A device someone else made has another ifindex: the kernel does not reuse them. */
	e = bsearch(&key, j->v, j->n, sizeof(*j->v), by_ifindex);
	if (!e || strcmp(e->name, l->name))
		return 0;
	if (!dry_run) {
		int r = rt_change_link(rt, l->ifindex, &(struct linkchange){ .alias = TUNOWN_ALIAS, .up = -1 });
		if (r < 0) {
			j->keep = true;
			return r;
		}
		l->has_alias = true;
		l->creating = false;
	}
	l->managed = true;
	return 1;
}

int journal_adopt_all(struct journal *j, struct rt *rt, const char *name, bool *adopted)
{
	*adopted = false;
	for (size_t i = 0; i < j->n; i++) {
		struct link l;
		int r = rt_link_by_name(rt, j->v[i].name, &l);
		if (r == -ENODEV)
			continue;           /* gone: nothing left to finish */
		if (r == 0)
			r = journal_adopt(j, rt, &l, false);
		if (r < 0) {
			j->keep = true;
			return r;
		}
		if (r == 1 && !strcmp(l.name, name))
			*adopted = true;
	}
	return 0;
}

/* The file grows by a page at a time, about 300 notes. */
#define CHUNK 4096

/* Maps the next CHUNK bytes of the file, which it grows first. */
static int next_chunk(struct journal *j)
{
	if (j->map)
		munmap(j->map, CHUNK);
	j->map = NULL;
	if (ftruncate(j->fd, (off_t)(j->end + CHUNK)) < 0)
		return -errno;
	void *m = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_SHARED, j->fd, (off_t)j->end);
	if (m == MAP_FAILED)
		return -errno;
	j->map = m;
	j->end += CHUNK;
	j->used = 0;
	return 0;
}

/* "IFINDEX NAME\n" at p, which has room; returns its length. */
static size_t format_note(char *p, int ifindex, const char *name)
{
	char digits[12];
	size_t n = 0, len = 0;

	do
		digits[n++] = (char)('0' + ifindex % 10);
	while ((ifindex /= 10) > 0);
	while (n)
		p[len++] = digits[--n];
	p[len++] = ' ';
	n = strnlen(name, IFNAMSIZ - 1);
	memcpy(p + len, name, n);
	len += n;
	p[len++] = '\n';
	return len;
}

int journal_note(struct journal *j, int ifindex, const char *name)
{
	int r;

	if (ifindex <= 0 || !j->path[0])
		return -EINVAL;
	if (j->fd < 0) {
		if (mkdir(JOURNAL_DIR, 0700) < 0 && errno != EEXIST)
			return -errno;
		/* What an earlier run left is adopted by now: the file starts afresh. */
		j->fd = open(j->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (j->fd < 0)
			return -errno;
	}
	if ((!j->map || CHUNK - j->used < 12 + IFNAMSIZ) && (r = next_chunk(j)) < 0)
		return r;
	if (!j->map)                /* not after a next_chunk that worked; clang-analyzer cannot tell */
		return -ENOMEM;
	/* The unused rest of the file is zeros, which the reader skips. */
	j->used += format_note(j->map + j->used, ifindex, name);
	return 0;
}

void journal_close(struct journal *j, bool dry_run)
{
	if (j->path[0] && !dry_run && !j->keep && (j->fd >= 0 || j->n))
		unlink(j->path);
	if (j->map)
		munmap(j->map, CHUNK);
	if (j->fd >= 0)
		close(j->fd);
	free(j->v);
	memset(j, 0, sizeof(*j));
	j->fd = -1;
}
