/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "routes.h"

int routelist_push(struct routelist *l, const struct route *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct route *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *r;
	return 0;
}

void routelist_free(struct routelist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

bool routes_have(const struct route *v, size_t n, const struct route *r)
{
	for (size_t i = 0; i < n; i++)
		if (route_equal(&v[i], r))
			return true;
	return false;
}

static int push(int ifindex, const struct route *r, void *data)
{
	return routelist_push(data, r);
}

int routelist_load(struct rt *rt, int ifindex, struct routelist *out)
{
	out->n = 0;
	return rt_routes(rt, ifindex, push, out);
}

void routes_count(const struct route *want, size_t nwant, const struct routelist *have, bool exact,
		  size_t *add, size_t *del)
{
	*add = *del = 0;
	for (size_t i = 0; i < nwant; i++)
		if (!routes_have(have->v, have->n, &want[i]))
			(*add)++;
	for (size_t i = 0; exact && i < have->n; i++)
		if (!routes_have(want, nwant, &have->v[i]))
			(*del)++;
}

void routes_restore(struct rt *rt, int ifindex, const struct route *want, size_t nwant,
		    const struct routelist *have, bool exact)
{
	for (size_t i = 0; i < nwant; i++)
		if (!routes_have(have->v, have->n, &want[i]))
			rt_del_route(rt, ifindex, &want[i]);
	for (size_t i = 0; exact && i < have->n; i++)
		if (!routes_have(want, nwant, &have->v[i]))
			rt_add_route(rt, ifindex, &have->v[i]);
}

int routes_converge(struct rt *rt, int ifindex, const struct route *want, size_t nwant,
		    const struct routelist *have, bool exact, const struct route **bad, bool *adding)
{
	int r = 0;

	/* Removals first: a route whose gateway or metric changed goes out before its successor comes in. */
	for (size_t i = 0; exact && i < have->n && r == 0; i++)
		if (!routes_have(want, nwant, &have->v[i]) && (r = rt_del_route(rt, ifindex, &have->v[i])) < 0) {
			*bad = &have->v[i];
			*adding = false;
		}
	for (size_t i = 0; i < nwant && r == 0; i++)
		if (!routes_have(have->v, have->n, &want[i]) && (r = rt_add_route(rt, ifindex, &want[i])) < 0) {
			*bad = &want[i];
			*adding = true;
		}
	if (r < 0) {
		char keep[256];
		const char *m = rt_message(rt);
		snprintf(keep, sizeof(keep), "%s", m ? m : "");
		routes_restore(rt, ifindex, want, nwant, have, exact);
		rt_set_message(rt, keep);
	}
	return r;
}
