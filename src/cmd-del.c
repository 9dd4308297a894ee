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
#include "holders.h"
#include "linkset.h"
#include "lock.h"
#include "parse.h"
#include "tun.h"

const char del_help[] =
	"Usage: tunown del NAME... [--force] [--if-exists] [--netns NAME]\n"
	"\n"
	"Remove the tun/tap devices NAME... Every name is checked first: if one is\n"
	"unknown, not a tun/tap device, or held by a program, nothing is removed.\n"
	"Many devices are removed in one kernel batch.\n"
	"\n"
	"  --force             remove devices that programs hold, too\n"
	"  --if-exists         a name with no device is not an error\n"
	"  --netns NAME        act in the network namespace /run/netns/NAME, or in the\n"
	"                      one whose file NAME is, when an absolute path (/proc/PID/ns/net)\n"
	"  -h, --help          show this help\n";

enum { O_FORCE = 256, O_IF_EXISTS };

/* Refuses the devices programs hold, naming them; one pass over /proc for all. Returns how many. */
static size_t refuse_held(const struct link *const *v, size_t n)
{
	struct holders hs = { 0 };
	struct netns_id here;
	char who[512];
	size_t held = 0;

	if (netns_id_self(&here) < 0)
		return 0;
	holders_only(&hs, &here);
	for (size_t i = 0; i < n; i++) {
		if (!link_held(v[i], &here, &hs))
			continue;
		errorf("del", "'%s' is in use by %s: stop the program first, or give --force",
		       v[i]->name, holders_describe(v[i], &here, &hs, who, sizeof(who)));
		held++;
	}
	holders_free(&hs);
	return held;
}

int del_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "force", no_argument, NULL, O_FORCE },
		{ "if-exists", no_argument, NULL, O_IF_EXISTS },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct linkset links = { 0 };
	const struct link **victims = NULL;
	bool *taken = NULL, force = false, if_exists = false;
	struct rt *rt = NULL;
	const char *netns = NULL, *why;
	char name[IFNAMSIZ];
	size_t n, nv = 0;
	int opt, r, lock = -1;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return print_help("del");
		case O_FORCE:
			force = true;
			break;
		case O_IF_EXISTS:
			if_exists = true;
			break;
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
		} else if (!l && if_exists) {
			continue;
		} else if (!l) {
			errorf("del", "no device '%s' in this network namespace%s", arg,
			       i == 0 && n == 1 ? " (with --if-exists a missing name is no error)" : "");
			r = EXIT_FAIL;
		} else if (l->tun_unread) {
			char text[300];
			errorf("del", "%s; nothing deleted", tun_unread_text(text, sizeof(text), arg));
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
			victims[nv++] = l;
		}
	}
	if (r == EXIT_DONE && !force && refuse_held(victims, nv))
		r = EXIT_FAIL;
	if (r != EXIT_DONE) {
		errorf("del", "nothing deleted");
		goto out;
	}
	r = nv ? links_delete(rt, &links, victims, nv) : 0;
	if (r < 0) {
		const char *kernel = rt_message(rt);
		if (nv == 1)
			errorf("del", "cannot delete '%s': %s", victims[0]->name, kernel ? kernel : strerror(-r));
		else
			errorf("del", "cannot delete %zu devices: %s; nothing deleted", nv, kernel ? kernel : strerror(-r));
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
