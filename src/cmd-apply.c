/* SPDX-License-Identifier: MIT */
/*
 * tunown apply: make the devices of the configuration files exist exactly as
 * written. Everything is parsed and validated before anything changes; then
 * each network namespace named by the files is entered once, its links and
 * addresses are read once, and each device converges on its own: a failure
 * rolls that device back and the run goes on with the others.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "device.h"
#include "output.h"
#include "parse.h"

const char apply_help[] =
	"Usage: tunown apply [FILE...] [--dry-run] [--prune] [--json]\n"
	"\n"
	"Create or converge every device of the configuration files (default\n"
	"/etc/tunown.conf and /etc/tunown.d/*.conf; '-' is standard input).\n"
	"On devices tunown created, the address list becomes exactly the file's.\n"
	"\n"
	"  --dry-run           print what would be done and change nothing\n"
	"  --prune             delete devices tunown created that no file names\n"
	"  --json              print the results as a JSON array\n"
	"  -h, --help          show this help\n";

struct opts {
	bool dry_run, prune, json;
};

/* One network namespace's links, sorted by name, read once. */
struct linkset {
	size_t n, cap;
	struct link *v;
};

struct addrset {
	size_t n, cap;
	struct { int ifindex; struct ipaddr a; } *v;
};

static int push_link(const struct link *l, void *data)
{
	struct linkset *s = data;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct link *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *l;
	return 0;
}

static int push_addr(int ifindex, const struct ipaddr *a, void *data)
{
	struct addrset *s = data;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		void *v = realloc(s->v, cap * sizeof(*s->v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].ifindex = ifindex;
	s->v[s->n].a = *a;
	s->n++;
	return 0;
}

static int link_by_name(const void *a, const void *b)
{
	return strcmp(((const struct link *)a)->name, ((const struct link *)b)->name);
}

static int addr_by_ifindex(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static const struct link *find_link(const struct linkset *s, const char *name)
{
	struct link key;

	snprintf(key.name, sizeof(key.name), "%s", name);
	return bsearch(&key, s->v, s->n, sizeof(*s->v), link_by_name);
}

/* The addresses of one interface, copied out of the sorted set. */
static int addrs_of(const struct addrset *s, int ifindex, struct addrlist *out)
{
	size_t lo = 0, hi = s->n;

	out->n = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->v[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->n && s->v[lo].ifindex == ifindex; lo++)
		if (addrlist_push(out, &s->v[lo].a) < 0)
			return -ENOMEM;
	return 0;
}

static void report(const struct opts *o, const char *name, const char *netns, const char *result,
		   const char *changes, const char *error)
{
	if (!o->json) {
		if (error)
			errorf("apply", "%s", error);
		else
			printf("%s%s%s: %s%s%s%s\n", name, netns ? "@" : "", netns ? netns : "", result,
			       changes ? " (" : "", changes ? changes : "", changes ? ")" : "");
		return;
	}
	out_obj_begin(NULL);
	out_str("device", "device", name);
	out_str("netns", "netns", netns);
	out_str("result", "result", result);
	out_strs_begin("changes", "changes");
	if (changes) {
		char buf[sizeof(((struct outcome *)0)->changes)];
		snprintf(buf, sizeof(buf), "%s", changes);
		for (char *w = buf, *next; w; w = next) {
			next = strstr(w, ", ");
			if (next) {
				*next = '\0';
				next += 2;
			}
			out_strs_item(w);
		}
	}
	out_strs_end();
	out_str("error", "error", error);
	out_obj_end();
	if (error)
		errorf("apply", "%s", error);
}

static const char *result_word(const struct outcome *out, bool dry)
{
	switch (out->kind) {
	case DEV_CREATED:
		return dry ? "would create" : "created";
	case DEV_CHANGED:
		return dry ? "would change" : "changed";
	default:
		return "unchanged";
	}
}

static bool named(const struct config *c, size_t *idx, size_t nidx, const char *name)
{
	for (size_t i = 0; i < nidx; i++)
		if (!strcmp(c->devs[idx[i]].name, name))
			return true;
	return false;
}

/* Managed devices no file names: deleted in one netdev-group batch, as del does. */
static int prune(struct rt *rt, const struct config *c, size_t *idx, size_t nidx,
		 const struct linkset *links, const char *netns, const struct opts *o)
{
	int failed = 0;

	for (size_t i = 0; i < links->n; i++) {
		const struct link *l = &links->v[i];
		if (!l->is_tun || !l->managed || named(c, idx, nidx, l->name))
			continue;
		if (o->dry_run) {
			report(o, l->name, netns, "would delete", NULL, NULL);
			continue;
		}
		int r = rt_del_link(rt, l->ifindex);
		if (r < 0) {
			char text[300];
			snprintf(text, sizeof(text), "cannot delete '%s': %s", l->name,
				 rt_message(rt) ? rt_message(rt) : strerror(-r));
			report(o, l->name, netns, "failed", NULL, text);
			failed++;
			continue;
		}
		report(o, l->name, netns, "deleted", NULL, NULL);
	}
	return failed;
}

/* Every device of one network namespace (already entered). Returns the number that failed. */
static int apply_netns(const struct config *c, size_t *idx, size_t nidx, const char *netns, const struct opts *o)
{
	struct linkset links = { 0 };
	struct addrset addrs = { 0 };
	struct addrlist have = { 0 };
	struct rt *rt = NULL;
	int failed = 0, r;
	char text[600];

	if (rt_open(&rt) < 0 || (r = rt_links(rt, push_link, &links)) < 0 ||
	    (r = rt_addrs(rt, 0, push_addr, &addrs)) < 0) {
		for (size_t i = 0; i < nidx; i++) {
			snprintf(text, sizeof(text), "'%s': cannot read the interfaces of the network namespace", c->devs[idx[i]].name);
			report(o, c->devs[idx[i]].name, netns, "failed", NULL, text);
		}
		failed = (int)nidx;
		goto out;
	}
	qsort(links.v, links.n, sizeof(*links.v), link_by_name);
	qsort(addrs.v, addrs.n, sizeof(*addrs.v), addr_by_ifindex);
	for (size_t i = 0; i < nidx; i++) {
		const struct devspec *s = &c->devs[idx[i]];
		const struct link *cur = find_link(&links, s->name);
		struct outcome out;
		struct failure f;
		if (cur && addrs_of(&addrs, cur->ifindex, &have) < 0) {
			failed++;
			continue;
		}
		r = device_converge(rt, s, cur, cur ? &have : NULL,
				    &(struct converge_opts){ .exact_addrs = true, .managed_only = true, .dry_run = o->dry_run },
				    &out, &f);
		if (r < 0) {
			snprintf(text, sizeof(text), "%s:%u: %s", s->file ? s->file : "-", s->line, f.text);
			report(o, s->name, netns, "failed", NULL, text);
			failed++;
			continue;
		}
		report(o, s->name, netns, result_word(&out, o->dry_run),
		       out.kind == DEV_CHANGED ? out.changes : NULL, NULL);
	}
	if (o->prune)
		failed += prune(rt, c, idx, nidx, &links, netns, o);
out:
	addrlist_free(&have);
	free(links.v);
	free(addrs.v);
	rt_close(rt);
	return failed;
}

static bool same_netns(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int apply_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "prune", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct opts o = { 0 };
	struct config c;
	struct config_errors errs;
	size_t *idx = NULL;
	bool *done = NULL;
	int opt, r, lock = -1, home = -1, failed = 0;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return print_help("apply");
		case 'n':
			o.dry_run = true;
			break;
		case 'p':
			o.prune = true;
			break;
		case 'j':
			o.json = true;
			break;
		default:
			return bad_option("apply", argc, argv, opt);
		}
	}
	config_init(&c);
	config_errors_init(&errs);
	r = config_load(&c, optind < argc ? argv + optind : NULL, (size_t)(argc - optind), &errs);
	if (r < 0) {
		if (errs.n || errs.dropped)
			config_errors_print(&errs, stderr);
		else
			errorf("apply", "cannot read the configuration: %s", strerror(-r));
		errorf("apply", "nothing changed");
		r = r == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
		goto out;
	}
	idx = calloc(c.ndevs ? c.ndevs : 1, sizeof(*idx));
	done = calloc(c.ndevs ? c.ndevs : 1, sizeof(*done));
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!idx || !done || home < 0) {
		errorf("apply", "cannot start: %s", strerror(errno ? errno : ENOMEM));
		r = EXIT_FAIL;
		goto out;
	}
	if (!o.dry_run && (lock = lock_take("apply")) < 0) {
		r = EXIT_FAIL;
		goto out;
	}
	out_init(stdout, o.json ? OUT_JSON : OUT_LINE);
	if (o.json)
		out_list_begin();
	/* The current namespace first (also when no device names it, for --prune), then each other one. */
	for (size_t start = 0; start <= c.ndevs; start++) {
		const char *netns = start == 0 ? NULL : c.devs[start - 1].netns;
		if (start > 0 && (done[start - 1] || !netns))
			continue;
		size_t n = 0;
		for (size_t i = 0; i < c.ndevs; i++)
			if (!done[i] && same_netns(c.devs[i].netns, netns)) {
				idx[n++] = i;
				done[i] = true;
			}
		if (netns) {
			int e = netns_enter("apply", netns);
			if (e) {
				for (size_t i = 0; i < n; i++) {
					char text[300];
					const struct devspec *s = &c.devs[idx[i]];
					snprintf(text, sizeof(text), "%s:%u: '%s': network namespace '%s' is not there",
						 s->file ? s->file : "-", s->line, s->name, netns);
					report(&o, s->name, netns, "failed", NULL, text);
				}
				failed += (int)n;
				continue;
			}
		}
		failed += apply_netns(&c, idx, n, netns, &o);
		if (netns && setns(home, CLONE_NEWNET) < 0) {
			errorf("apply", "cannot return to the first network namespace: %s", strerror(errno));
			failed++;
			break;
		}
	}
	if (o.json)
		out_list_end();
	if (failed)
		errorf("apply", "%d device%s failed", failed, failed == 1 ? "" : "s");
	r = failed ? EXIT_FAIL : EXIT_DONE;
out:
	if (lock >= 0)
		close(lock);
	if (home >= 0)
		close(home);
	free(idx);
	free(done);
	config_free(&c);
	config_errors_free(&errs);
	return r;
}
