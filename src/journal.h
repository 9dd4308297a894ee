/* SPDX-License-Identifier: MIT */
/*
 * The creation journal. A new device is made persistent before the request
 * that configures it, brings it up and marks it with the alias "tunown" (one
 * netlink round trip a device instead of two). A SIGKILL between the two
 * would leave a persistent device without the mark, which apply refuses as
 * not its own. So before making a device persistent, tunown appends
 * "IFINDEX NAME" to a journal of the network namespace it works in
 * (/run/tunown/journal-COOKIE, by the namespace's cookie, which the kernel
 * never hands out twice). The next add or apply there, under the lock, marks
 * every listed device that still has that ifindex and name, is tun/tap and
 * has no alias at all; a run that ends removes its journal. Without a cookie
 * (before Linux 5.14) there is no file: each device is marked "tunown:creating"
 * (TUNOWN_ALIAS_CREATING) before it is made persistent, one round trip more a
 * device, and the configuring request puts the real mark on; the journal is
 * then the devices that still carry that mark, read from a dump of the links
 * (journal_active is false: nothing to note).
 *
 * The file is written through a shared mapping: a note is a store into the
 * page cache, which outlives the process, not a write(2) per device.
 */
#ifndef TUNOWN_JOURNAL_H
#define TUNOWN_JOURNAL_H

#include "netlink.h"

#define JOURNAL_DIR "/run/tunown"

struct journal {
	int fd;                     /* this run's journal, -1 until its first note */
	char path[64];
	char *map;                  /* the last part of the file, mapped */
	size_t used;                /* how much of it is written */
	size_t end;                 /* the file's size */
	size_t n;                   /* what a run killed earlier left */
	struct journal_entry { int ifindex; char name[IFNAMSIZ]; } *v;
	bool keep;                  /* an entry could not be handled: the file stays for the next run */
};

/* Reads what an earlier run left for the namespace of rt (without a cookie: one dump). 0 or -errno. */
int journal_open(struct journal *j, struct rt *rt);
/*
 * If l is a device an earlier run left unmarked, marks it (unless dry_run)
 * and sets l->managed. 1 when it did, 0 when l is not one, -errno.
 */
int journal_adopt(struct journal *j, struct rt *rt, struct link *l, bool dry_run);
/*
 * Adopts every device the journal lists that is still there, one lookup an
 * entry (none when the journal is empty): for a command that handles one
 * device (add), so that the entries of the others are not lost. *adopted
 * says whether the device name was one of them. 0 or -errno.
 */
int journal_adopt_all(struct journal *j, struct rt *rt, const char *name, bool *adopted);
/* Whether this namespace has a journal (a cookie to name it by). */
static inline bool journal_active(const struct journal *j)
{
	return j && j->path[0];
}
/* Notes a device about to be made persistent (journal_active only). 0 or -errno. */
int journal_note(struct journal *j, int ifindex, const char *name);
/* Ends the run: removes the journal (kept when dry_run, nothing was adopted, or
 * when an entry could not be handled: every entry outlives the run until its
 * device is finished or gone). */
void journal_close(struct journal *j, bool dry_run);

#endif
