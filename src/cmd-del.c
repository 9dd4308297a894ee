/* SPDX-License-Identifier: MIT */
/* tunown del: remove tun/tap devices, all named ones or none. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "netns.h"
#include "commands.h"
#include "linkset.h"
#include "parse.h"

const char del_help[] =
	"Usage: tunown del NAME... [--netns NAME]\n"
	"\n"
	"Remove the tun/tap devices NAME... Every name is checked first: if one is\n"
	"unknown or not a tun/tap device, nothing is removed. Many devices are\n"
	"removed in one kernel batch.\n"
	"\n"
	"  --netns NAME        act in the network namespace /run/netns/NAME, or in the\n"
	"                      one whose file NAME is, when an absolute path (/proc/PID/ns/net)\n"
	"  -h, --help          show this help\n";

int del_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct linkset links = { 0 };
	const struct link **victims = NULL;
	bool *taken = NULL;
	struct rt *rt = NULL;
	const char *netns = NULL, *why;
	char name[IFNAMSIZ];
	size_t n;
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
	n = (size_t)(argc - optind);
	for (size_t i = 0; i < n; i++)
		if (parse_ifname(argv[optind + (int)i], name, &why) < 0)
			return usage_error("del", "device name '%s': %s", argv[optind + (int)i], why);
	victims = calloc(n, sizeof(*victims));
	if (!victims) {
		errorf("del", "%s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	if (netns && (r = netns_enter("del", netns)))
		goto out;
	if ((r = rt_connect("del", &rt)))
		goto out;
	if ((lock = lock_take("del")) < 0) {
		r = EXIT_FAIL;
		goto out;
	}
	if ((r = linkset_load(rt, &links)) < 0) {
		errorf("del", "cannot list the interfaces: %s", strerror(-r));
		r = EXIT_FAIL;
		goto out;
	}
	/* Every name is checked before anything is deleted. */
	taken = calloc(links.n ? links.n : 1, sizeof(*taken));
	if (!taken) {
		errorf("del", "%s", strerror(ENOMEM));
		r = EXIT_FAIL;
		goto out;
	}
	r = EXIT_DONE;
	for (size_t i = 0; i < n; i++) {
		const char *arg = argv[optind + (int)i];
		const struct link *l = linkset_find(&links, arg);
		const char *real = l ? NULL : linkset_altname_of(&links, arg);
		if (real) {
			char text[300];
			errorf("del", "%s", altname_conflict(text, sizeof(text), arg, real));
			r = EXIT_FAIL;
		} else if (!l) {
			errorf("del", "no device '%s' in this network namespace", arg);
			r = EXIT_FAIL;
		} else if (!l->is_tun) {
			errorf("del", "'%s' is not a tun/tap device (kind: %s): tunown deletes only tun/tap devices",
			       arg, link_kind(l));
			r = EXIT_FAIL;
		} else if (taken[l - links.v]) {
			errorf("del", "device name '%s': given twice", arg);
			r = r == EXIT_DONE ? EXIT_USAGE : r;
		} else {
			taken[l - links.v] = true;
		}
		victims[i] = l;
	}
	if (r != EXIT_DONE) {
		errorf("del", "nothing deleted");
		goto out;
	}
	r = links_delete(rt, &links, victims, n);
	if (r < 0) {
		const char *kernel = rt_message(rt);
		if (n == 1)
			errorf("del", "cannot delete '%s': %s", victims[0]->name, kernel ? kernel : strerror(-r));
		else
			errorf("del", "cannot delete %zu devices: %s; nothing deleted", n, kernel ? kernel : strerror(-r));
		r = EXIT_FAIL;
		goto out;
	}
	r = EXIT_DONE;
out:
	if (lock >= 0)
		close(lock);
	rt_close(rt);
	linkset_free(&links);
	free(victims);
	free(taken);
	return r;
}
