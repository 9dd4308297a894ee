/* SPDX-License-Identifier: MIT */
/* tunown del: remove tun/tap devices, all named ones or none. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "parse.h"

const char del_help[] =
	"Usage: tunown del NAME... [--netns NAME]\n"
	"\n"
	"Remove the tun/tap devices NAME... Every name is checked first: if one is\n"
	"unknown or not a tun/tap device, nothing is removed. Many devices are\n"
	"removed in one kernel batch.\n"
	"\n"
	"  --netns NAME        act in the network namespace /run/netns/NAME\n"
	"  -h, --help          show this help\n";

/* Netdev groups tunown borrows for a batch delete start here ("tun\0"). */
#define BATCH_GROUP_BASE 0x74756e00u

struct victims {
	size_t n;
	char (*names)[IFNAMSIZ];
	struct link *links;         /* the link found for each name (ifindex 0: none) */
	uint32_t *used_groups;
	size_t nused, capused;
};

static int find(const struct link *l, void *data)
{
	struct victims *v = data;

	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->names[i], l->name))
			v->links[i] = *l;
	if (l->netdev_group >= BATCH_GROUP_BASE) {
		if (v->nused == v->capused) {
			size_t cap = v->capused ? v->capused * 2 : 16;
			uint32_t *g = realloc(v->used_groups, cap * sizeof(*g));
			if (!g)
				return -ENOMEM;
			v->used_groups = g;
			v->capused = cap;
		}
		v->used_groups[v->nused++] = l->netdev_group;
	}
	return 0;
}

static uint32_t free_group(const struct victims *v)
{
	for (uint32_t g = BATCH_GROUP_BASE;; g++) {
		bool used = false;
		for (size_t i = 0; i < v->nused && !used; i++)
			used = v->used_groups[i] == g;
		if (!used)
			return g;
	}
}

/* Moves every victim into one spare netdev group, then deletes the group: one RCU wait, not N. */
static int delete_batch(struct rt *rt, struct victims *v)
{
	uint32_t g = free_group(v);
	size_t moved;
	int r = 0;

	for (moved = 0; moved < v->n; moved++) {
		r = rt_change_link(rt, v->links[moved].ifindex, &(struct linkchange){ .up = -1, .set_group = true, .group = g });
		if (r < 0)
			break;
	}
	if (r == 0)
		r = rt_del_group(rt, g);
	if (r < 0) {
		const char *kernel = rt_message(rt);
		errorf("del", "cannot delete %zu devices: %s%s%s%s", v->n, kernel ? kernel : strerror(-r),
		       kernel ? " (" : "", kernel ? strerror(-r) : "", kernel ? ")" : "");
		/* Put every device back in its own group; nothing was deleted. */
		for (size_t i = 0; i < moved; i++)
			rt_change_link(rt, v->links[i].ifindex, &(struct linkchange){ .up = -1, .set_group = true, .group = v->links[i].netdev_group });
		return EXIT_FAIL;
	}
	return EXIT_DONE;
}

int del_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct victims v = { 0 };
	struct rt *rt = NULL;
	const char *netns = NULL, *why;
	int opt, r, lock = -1;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return print_help("del");
		case 'n':
			if ((r = netns_check_name("del", optarg)))
				return r;
			netns = optarg;
			break;
		default:
			return bad_option("del", argc, argv, opt);
		}
	}
	if (optind >= argc)
		return usage_error("del", "missing the device NAME");
	v.n = (size_t)(argc - optind);
	v.names = calloc(v.n, sizeof(*v.names));
	v.links = calloc(v.n, sizeof(*v.links));
	if (!v.names || !v.links) {
		errorf("del", "%s", strerror(ENOMEM));
		r = EXIT_FAIL;
		goto out;
	}
	for (size_t i = 0; i < v.n; i++) {
		const char *name = argv[optind + (int)i];
		if (parse_ifname(name, v.names[i], &why) < 0) {
			r = usage_error("del", "device name '%s': %s", name, why);
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v.names[j], name)) {
				r = usage_error("del", "device name '%s': given twice", name);
				goto out;
			}
	}
	if (netns && (r = netns_enter("del", netns)))
		goto out;
	if ((r = rt_connect("del", &rt)))
		goto out;
	if ((lock = lock_take("del")) < 0) {
		r = EXIT_FAIL;
		goto out;
	}
	r = rt_links(rt, find, &v);
	if (r < 0) {
		errorf("del", "cannot list the interfaces: %s", strerror(-r));
		r = EXIT_FAIL;
		goto out;
	}
	r = EXIT_DONE;
	for (size_t i = 0; i < v.n; i++) {
		if (!v.links[i].ifindex) {
			errorf("del", "no device '%s' in this network namespace", v.names[i]);
			r = EXIT_FAIL;
		} else if (!v.links[i].is_tun) {
			errorf("del", "'%s' is a %s interface, not tun/tap: tunown deletes only tun/tap devices",
			       v.names[i], v.links[i].kind[0] ? v.links[i].kind : "non-tun");
			r = EXIT_FAIL;
		}
	}
	if (r != EXIT_DONE) {
		errorf("del", "nothing deleted");
		goto out;
	}
	if (v.n == 1) {
		r = rt_del_link(rt, v.links[0].ifindex);
		if (r < 0) {
			const char *kernel = rt_message(rt);
			errorf("del", "cannot delete '%s': %s", v.names[0], kernel ? kernel : strerror(-r));
			r = EXIT_FAIL;
			goto out;
		}
		r = EXIT_DONE;
	} else {
		r = delete_batch(rt, &v);
	}
out:
	if (lock >= 0)
		close(lock);
	rt_close(rt);
	free(v.names);
	free(v.links);
	free(v.used_groups);
	return r;
}
