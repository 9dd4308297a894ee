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
#include "netns.h"
#include "commands.h"
#include "config.h"
#include "device.h"
#include "escape.h"
#include "holders.h"
#include "journal.h"
#include "lock.h"
#include "kprobe.h"
#include "linkset.h"
#include "output.h"
#include "parse.h"

const char apply_help[] =
	"Usage: tunown apply [FILE...] [--dry-run] [--prune [--allow-empty]] [--json]\n"
	"\n"
	"Create or converge every device of the configuration files (default\n"
	"/etc/tunown.conf and /etc/tunown.d/*.conf; '-' is standard input).\n"
	"On devices tunown created, the address list becomes exactly the file's.\n"
	"\n"
	"  --dry-run           print what would be done and change nothing\n"
	"  --prune             delete devices tunown created that no file names, once\n"
	"                      every section is done; devices programs hold are kept\n"
	"  --allow-empty       with --prune: a configuration without any device\n"
	"                      means delete them all (else it is refused)\n"
	"  --json              print the results as a JSON array\n"
	"  -h, --help          show this help\n";

struct opts {
	bool dry_run, prune, json, allow_empty;
	struct holders *holders;    /* loaded once for the whole run, when first needed */
};

/* "NAME[@NETNS]: RESULT[ (CHANGES)]", one line a device: plain stdio, which at
 * thousands of devices costs a fifth of one printf with seven conversions. A
 * name prune found in the kernel may hold any byte: escaped. */
static void print_result(const char *name, const char *netns, const char *result, const char *changes)
{
	escape_put(stdout, name, 0);
	if (netns) {
		putchar('@');
		escape_put(stdout, netns, 0);
	}
	fputs(": ", stdout);
	fputs(result, stdout);
	if (changes) {
		fputs(" (", stdout);
		fputs(changes, stdout);
		putchar(')');
	}
	putchar('\n');
}

static void report(const struct opts *o, const char *name, const char *netns, const char *result,
		   const char *changes, const char *error)
{
	if (!o->json) {
		if (error)
			errorf("apply", "%s", error);
		else
			print_result(name, netns, result, changes);
		result_done();
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
	result_done();
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

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The device a section's name stands for here: its real name when it is an altname. */
static const char *claimed_name(const struct linkset *links, const char *name)
{
	const char *real = linkset_altname_of(links, name);

	return real ? real : name;
}

/*
 * Managed devices no file names: deleted in one kernel batch, as del does.
 * Kept: the names of this namespace's sections, and the name of every section
 * that failed, in any namespace (bad[i]: its device may be the one to keep).
 * A device a program holds is left, and said, as del refuses it.
 */
static int prune(struct rt *rt, const struct config *c, size_t *idx, size_t nidx, const bool *bad,
		 const struct linkset *links, const char *netns, const struct opts *o)
{
	const struct link **v = calloc(links->n ? links->n : 1, sizeof(*v));
	const char **names = calloc(nidx + c->ndevs + 1, sizeof(*names));   /* a failed section of here is named twice */
	struct netns_id here = { 0 };
	size_t n = 0, nn = 0;
	int r, held = 0;
	char text[700], who[512];

	if (!v || !names) {
		free(v);
		free(names);
		report(o, "-", netns, "failed", NULL, "cannot prune: out of memory");
		return 1;
	}
	/* A section naming a device by an alternative name claims the device. */
	for (size_t i = 0; i < nidx; i++)
		names[nn++] = claimed_name(links, c->devs[idx[i]].name);
	for (size_t i = 0; i < c->ndevs; i++)
		if (bad[i])
			names[nn++] = claimed_name(links, c->devs[i].name);
	if (nn)
		qsort(names, nn, sizeof(*names), cmp_name);
	netns_id_self(&here);
	for (size_t i = 0; i < links->n; i++) {
		const struct link *l = &links->v[i];
		const char *key = l->name;
		if (!l->is_tun || !l->managed || (nn && bsearch(&key, names, nn, sizeof(*names), cmp_name)))
			continue;
		if (link_held(l, &here, o->holders)) {
			snprintf(text, sizeof(text), "'%s' is in use by %s: not pruned; stop the program and apply again, or 'tunown del --force %s'",
				 l->name, holders_describe(l, &here, o->holders, who, sizeof(who)), l->name);
			report(o, l->name, netns, "failed", NULL, text);
			held++;
			continue;
		}
		v[n++] = l;
	}
	r = o->dry_run || !n ? 0 : links_delete(rt, links, v, n);
	for (size_t i = 0; i < n; i++) {
		if (r == 0) {
			report(o, v[i]->name, netns, o->dry_run ? "would delete" : "deleted", NULL, NULL);
			continue;
		}
		snprintf(text, sizeof(text), "cannot delete '%s' (with %zu other devices pruned in one batch): %s",
			 v[i]->name, n - 1, rt_message(rt) ? rt_message(rt) : strerror(-r));
		report(o, v[i]->name, netns, "failed", NULL, text);
	}
	free(v);
	free(names);
	return held + (r == 0 ? 0 : (int)n);
}

/* The pruning of one namespace (already entered), once every section has converged. */
static int prune_netns(const struct config *c, size_t *idx, size_t nidx, const bool *bad, const char *netns,
		       const struct opts *o)
{
	struct linkset links = { 0 };
	struct rt *rt = NULL;
	int r, failed;

	if ((r = rt_open(&rt)) < 0 || (r = linkset_load(rt, &links)) < 0) {
		char text[300];
		snprintf(text, sizeof(text), "cannot prune: cannot read the interfaces of the network namespace: %s",
			 strerror(-r));
		report(o, "-", netns, "failed", NULL, text);
		failed = 1;
	} else {
		failed = prune(rt, c, idx, nidx, bad, &links, netns, o);
	}
	linkset_free(&links);
	rt_close(rt);
	return failed;
}

/* Marks the devices a killed run made persistent but could not mark (journal.h). */
static int adopt(struct journal *j, struct rt *rt, struct linkset *links, bool dry_run)
{
	for (size_t i = 0; i < j->n; i++) {
		struct link *l = linkset_get(links, j->v[i].name);
		int r = l ? journal_adopt(j, rt, l, dry_run) : 0;
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The journal of the namespace. Only the real run needs it: a dry run by a
 * user who cannot read it (root's /run/tunown is 0700) goes on without, and
 * *unread says why.
 */
static int open_journal(struct journal *j, struct rt *rt, bool dry_run, int *unread)
{
	int r = journal_open(j, rt);

	if (r == -EACCES && dry_run) {
		*unread = r;
		return 0;
	}
	return r;
}

/* What an unread journal means for the prediction, said once, and only when it can matter. */
static void journal_unread_note(const struct journal *j, int err, const struct linkset *links, const char *netns)
{
	size_t n = 0;

	/* Only a tun/tap device without any alias can be one a killed run left (journal_adopt). */
	for (size_t i = 0; i < links->n; i++)
		n += links->v[i].is_tun && !links->v[i].has_alias;
	if (!n)
		return;
	errorf("apply", "note: cannot read the journal '%s'%s%s: %s; a device a killed run left unmarked "
	       "would be adopted and converged by the real run, while this dry run takes %zu tun/tap "
	       "device%s without an alias as not tunown's (run it as root to know)", j->path,
	       netns ? " of " : "", netns ? netns : "", strerror(-err), n, n == 1 ? "" : "s");
}

/*
 * Routes are read, in one dump, only when some section has routes or some
 * device of the files exists already and is tunown's (it may have routes
 * the file dropped): creating devices without routes costs nothing more.
 */
static bool needs_routes(const struct config *c, const size_t *idx, size_t nidx, const struct linkset *links)
{
	for (size_t i = 0; i < nidx; i++) {
		const struct devspec *s = &c->devs[idx[i]];
		const struct link *l;
		if (s->nroutes || ((l = linkset_find(links, s->name)) && l->managed))
			return true;
	}
	return false;
}

/* Every device of one network namespace (already entered). Returns the number that failed. */
static int apply_netns(const struct config *c, size_t *idx, size_t nidx, bool *bad, const char *netns,
		       const struct opts *o)
{
	struct linkset links = { 0 };
	struct addrset addrs = { 0 };
	struct addrlist have = { 0 };
	struct routeset routes = { 0 };
	struct routelist rhave = { 0 };
	bool with_routes = false;
	struct journal j = { .fd = -1 };
	struct rt *rt = NULL;
	int failed = 0, r, jerr = 0;
	char text[600];

	if ((r = rt_open(&rt)) < 0 || (r = open_journal(&j, rt, o->dry_run, &jerr)) < 0 ||
	    (r = linkset_load(rt, &links)) < 0 ||
	    (r = adopt(&j, rt, &links, o->dry_run)) < 0 || (r = addrset_load(rt, 0, &addrs)) < 0 ||
	    ((with_routes = needs_routes(c, idx, nidx, &links)) && (r = routeset_load(rt, &routes)) < 0)) {
		for (size_t i = 0; i < nidx; i++) {
			snprintf(text, sizeof(text), "'%s': cannot read the interfaces of the network namespace: %s",
				 c->devs[idx[i]].name, strerror(-r));
			report(o, c->devs[idx[i]].name, netns, "failed", NULL, text);
			bad[idx[i]] = true;
		}
		failed = (int)nidx;
		j.keep = true;          /* nothing it lists was handled */
		goto out;
	}
	if (jerr)
		journal_unread_note(&j, jerr, &links, netns);
	for (size_t i = 0; i < nidx; i++) {
		const struct devspec *s = &c->devs[idx[i]];
		const struct link *cur = linkset_find(&links, s->name);
		const char *real = cur ? NULL : linkset_altname_of(&links, s->name);
		struct outcome out;
		struct failure f;
		if (real) {
			char why[300];
			snprintf(text, sizeof(text), "%s:%u: %s", s->file ? s->file : "-", s->line,
				 altname_conflict(why, sizeof(why), s->name, real));
			report(o, s->name, netns, "failed", NULL, text);
			failed++;
			continue;
		}
		if (cur && (addrset_copy(&addrs, cur->ifindex, &have) < 0 ||
			    (with_routes && routeset_copy(&routes, cur->ifindex, &rhave) < 0))) {
			report(o, s->name, netns, "failed", NULL, "out of memory");
			bad[idx[i]] = true;
			failed++;
			continue;
		}
		r = device_converge(rt, s, cur, cur ? &have : NULL,
				    &(struct converge_opts){ .exact_addrs = true, .dry_run = o->dry_run, .journal = &j,
							     .holders = o->holders,
							     .routes = cur && with_routes ? &rhave : NULL },
				    &out, &f);
		if (r < 0) {
			snprintf(text, sizeof(text), "%s:%u: %s", s->file ? s->file : "-", s->line, f.text);
			report(o, s->name, netns, "failed", NULL, text);
			bad[idx[i]] = true;
			failed++;
			continue;
		}
		report(o, s->name, netns, result_word(&out, o->dry_run),
		       out.kind == DEV_CHANGED ? out.changes : NULL, NULL);
		if (out.kind == DEV_CREATED && s->any_user &&
		    kprobe_ownerless_warning(s->name, text, sizeof(text)))
			errorf("apply", "%s:%u: %s", s->file ? s->file : "-", s->line, text);
	}
out:
	journal_close(&j, o->dry_run);
	addrlist_free(&have);
	routelist_free(&rhave);
	routeset_free(&routes);
	linkset_free(&links);
	addrset_free(&addrs);
	rt_close(rt);
	return failed;
}

/* The second visit of a namespace: a failure was said in the first. */
static int enter_quietly(const char *netns)
{
	int fd = netns_open(netns), r;

	if (fd < 0)
		return fd;
	r = netns_join(fd);
	close(fd);
	return r;
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
		{ "allow-empty", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct holders holders = { 0 };
	struct opts o = { .holders = &holders };
	struct config c;
	struct config_errors errs;
	size_t *idx = NULL;
	bool *done = NULL, *bad = NULL;
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
		case 'e':
			o.allow_empty = true;
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
	if (c.nfiles == 0) {
		/* No file at all is not an empty file: pruning everything on a typo'd path would hurt. */
		if (o.prune) {
			errorf("apply", "no configuration files (%s, %s/*.conf): refusing to prune every device; name an empty file to remove them all",
			       CONFIG_DEFAULT_FILE, CONFIG_DEFAULT_DIR);
			r = EXIT_USAGE;
			goto out;
		}
		errorf("apply", "no configuration files (%s, %s/*.conf): nothing to do", CONFIG_DEFAULT_FILE, CONFIG_DEFAULT_DIR);
	}
	/* An empty input is more often a generator that failed than a wish to delete everything. */
	if (o.prune && c.nfiles > 0 && c.ndevs == 0 && !o.allow_empty) {
		r = usage_error("apply", "the configuration names no device, so --prune would delete every device tunown made: give --allow-empty if that is meant; nothing changed");
		goto out;
	}
	if (o.allow_empty && !o.prune) {
		r = usage_error("apply", "--allow-empty goes with --prune");
		goto out;
	}
	idx = calloc(c.ndevs ? c.ndevs : 1, sizeof(*idx));
	done = calloc(c.ndevs ? c.ndevs : 1, sizeof(*done));
	bad = calloc(c.ndevs ? c.ndevs : 1, sizeof(*bad));
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!idx || !done || !bad || home < 0) {
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
	/*
	 * Every section converges first, the current namespace first, then each
	 * other one; then, with --prune, each namespace is pruned (the current
	 * one also when no section names it), keeping every name a failed
	 * section claims.
	 */
	for (int phase = 0; phase < (o.prune ? 2 : 1); phase++) {
		memset(done, 0, c.ndevs * sizeof(*done));
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
			if (netns && (phase ? enter_quietly(netns) : netns_enter("apply", netns))) {
				/* Said in the first phase; nothing to prune where tunown cannot go. */
				for (size_t i = 0; i < n && phase == 0; i++) {
					char text[300];
					const struct devspec *s = &c.devs[idx[i]];
					snprintf(text, sizeof(text), "%s:%u: '%s': network namespace '%s' is not there",
						 s->file ? s->file : "-", s->line, s->name, netns);
					report(&o, s->name, netns, "failed", NULL, text);
					bad[idx[i]] = true;
				}
				failed += phase ? 0 : (int)n;
				continue;
			}
			if (phase == 0)
				failed += apply_netns(&c, idx, n, bad, netns, &o);
			else
				failed += prune_netns(&c, idx, n, bad, netns, &o);
			if (netns && setns(home, CLONE_NEWNET) < 0) {
				errorf("apply", "cannot return to the first network namespace: %s", strerror(errno));
				failed++;
				phase = 2;
				break;
			}
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
	free(bad);
	config_free(&c);
	config_errors_free(&errs);
	holders_free(&holders);
	return r;
}
