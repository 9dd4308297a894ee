/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkset.h"


static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(*v, c * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

static int push_link(const struct link *l, void *data)
{
	struct linkset *s = data;

	if (grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v)) < 0)
		return -ENOMEM;
	s->v[s->n++] = *l;
	return 0;
}

static int push_altname(const struct link *l, const char *name, void *data)
{
	struct linkset *s = data;

	if (grow((void **)&s->alt, &s->capalt, s->nalt, sizeof(*s->alt)) < 0)
		return -ENOMEM;
	ifname_copy(s->alt[s->nalt].name, name);
	ifname_copy(s->alt[s->nalt].of, l->name);
	s->nalt++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct link *)a)->name, ((const struct link *)b)->name);
}

static int by_altname(const void *a, const void *b)
{
	return strcmp(((const struct altname *)a)->name, ((const struct altname *)b)->name);
}

int linkset_load(struct rt *rt, struct linkset *s)
{
	int r = rt_links_names(rt, push_link, push_altname, s);

	if (r < 0)
		return r;
	qsort(s->v, s->n, sizeof(*s->v), by_name);
	if (s->nalt)
		qsort(s->alt, s->nalt, sizeof(*s->alt), by_altname);
	return 0;
}

const char *linkset_altname_of(const struct linkset *s, const char *name)
{
	struct altname key = { 0 };
	const struct altname *a;

	if (!s->nalt)
		return NULL;
	ifname_copy(key.name, name);
	a = bsearch(&key, s->alt, s->nalt, sizeof(*s->alt), by_altname);
	return a ? a->of : NULL;
}

struct link *linkset_get(struct linkset *s, const char *name)
{
	struct link key = { 0 };

	if (!s->n)
		return NULL;
	ifname_copy(key.name, name);
	return bsearch(&key, s->v, s->n, sizeof(*s->v), by_name);
}

const struct link *linkset_find(const struct linkset *s, const char *name)
{
	return linkset_get((struct linkset *)s, name);
}

void linkset_free(struct linkset *s)
{
	free(s->v);
	free(s->alt);
	memset(s, 0, sizeof(*s));
}

static int push_addr(int ifindex, const struct ipaddr *a, void *data)
{
	struct addrset *s = data;

	if (grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v)) < 0)
		return -ENOMEM;
	s->v[s->n].ifindex = ifindex;
	s->v[s->n].a = *a;
	s->n++;
	return 0;
}

static int by_ifindex(const void *a, const void *b)
{
	int x = ((const struct addr_entry *)a)->ifindex, y = ((const struct addr_entry *)b)->ifindex;
	return (x > y) - (x < y);
}

int addrset_load(struct rt *rt, int ifindex, struct addrset *s)
{
	int r = rt_addrs(rt, ifindex, push_addr, s);

	if (r < 0)
		return r;
	/* Stable enough: entries of one interface keep the kernel's order within a family.
	 * A namespace may have no address at all (lo down): then s->v is NULL, which qsort must not get. */
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), by_ifindex);
	return 0;
}

/*
 * The run of entries of one ifindex in an array sorted by it, whose entries
 * start with their int ifindex (addr_entry, route_entry): the count, and the
 * first one's position in *lo.
 */
static size_t run_of(const void *v, size_t n, size_t size, int ifindex, size_t *lo)
{
	const char *base = v;
	size_t l = 0, h = n, end;

#define IFINDEX_AT(i) (*(const int *)(base + (i) * size))
	while (l < h) {
		size_t mid = l + (h - l) / 2;
		if (IFINDEX_AT(mid) < ifindex)
			l = mid + 1;
		else
			h = mid;
	}
	for (end = l; end < n && IFINDEX_AT(end) == ifindex; end++)
		;
#undef IFINDEX_AT
	*lo = l;
	return end - l;
}

size_t addrset_of(const struct addrset *s, int ifindex, const struct addr_entry **first)
{
	size_t lo = 0, n = run_of(s->v, s->n, sizeof(*s->v), ifindex, &lo);

	*first = s->v + lo;
	return n;
}

int addrset_copy(const struct addrset *s, int ifindex, struct addrlist *out)
{
	const struct addr_entry *e;
	size_t n = addrset_of(s, ifindex, &e);

	out->n = 0;
	for (size_t i = 0; i < n; i++)
		if (addrlist_push(out, &e[i].a) < 0)
			return -ENOMEM;
	return 0;
}

void addrset_free(struct addrset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int push_route(int ifindex, const struct route *r, void *data)
{
	struct routeset *s = data;

	if (grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v)) < 0)
		return -ENOMEM;
	s->v[s->n].ifindex = ifindex;
	s->v[s->n].r = *r;
	s->n++;
	return 0;
}

static int route_by_ifindex(const void *a, const void *b)
{
	int x = ((const struct route_entry *)a)->ifindex, y = ((const struct route_entry *)b)->ifindex;
	return (x > y) - (x < y);
}

int routeset_load(struct rt *rt, struct routeset *s)
{
	int r = rt_routes(rt, 0, push_route, s);

	if (r < 0)
		return r;
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), route_by_ifindex);
	return 0;
}

size_t routeset_of(const struct routeset *s, int ifindex, const struct route_entry **first)
{
	size_t lo = 0, n = run_of(s->v, s->n, sizeof(*s->v), ifindex, &lo);

	*first = s->v + lo;
	return n;
}

int routeset_copy(const struct routeset *s, int ifindex, struct routelist *out)
{
	const struct route_entry *e;
	size_t n = routeset_of(s, ifindex, &e);

	out->n = 0;
	for (size_t i = 0; i < n; i++)
		if (routelist_push(out, &e[i].r) < 0)
			return -ENOMEM;
	return 0;
}

void routeset_free(struct routeset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static uint32_t free_spare_group(const struct linkset *s)
{
	for (uint32_t g = SPARE_GROUP_BASE;; g++) {
		bool used = false;
		for (size_t i = 0; i < s->n && !used; i++)
			used = s->v[i].netdev_group == g;
		if (!used)
			return g;
	}
}

/*
 * SIGINT, SIGTERM and SIGHUP wait while devices are in the spare group: the
 * batch is deleted or rolled back first, then the signal takes its course.
 * Blocking costs two system calls a batch, not a device.
 */
static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
}

int links_delete(struct rt *rt, const struct linkset *s, const struct link *const *v, size_t n)
{
	struct linkchange c = { .up = -1, .set_group = true };
	sigset_t old;
	size_t moved;
	int r = 0;

	if (n == 1)
		return rt_del_link(rt, v[0]->ifindex);
	c.group = free_spare_group(s);
	block_signals(&old);
	for (moved = 0; moved < n; moved++) {
		r = rt_change_link(rt, v[moved]->ifindex, &c);
		if (r < 0)
			break;
	}
	if (r == 0 && n > 0)
		r = rt_del_group(rt, c.group);
	if (r < 0) {
		/* Back to their own groups; the kernel's words about the failure are kept. */
		char keep[256];
		snprintf(keep, sizeof(keep), "%s", rt_message(rt) ? rt_message(rt) : "");
		for (size_t i = 0; i < moved; i++) {
			struct linkchange back = { .up = -1, .set_group = true, .group = v[i]->netdev_group };
			rt_change_link(rt, v[i]->ifindex, &back);
		}
		rt_set_message(rt, keep);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
