/* SPDX-License-Identifier: MIT */
/*
 * The apply file format: one [NAME] section per device, `key = value` lines
 * under it, '#' or ';' comments, blank lines. Keys are the long options of
 * `tunown add`: mode user group address peer mtu mac multi-queue vnet-hdr pi
 * up any-user netns. `address` repeats; a `peer` belongs to the `address`
 * just before it in the same section.
 *
 * Parsing reads line by line and keeps only the finished devspecs, so memory
 * grows with the devices, not with the text. It does not stop at the first
 * error: every problem is collected as "FILE:LINE: message", up to
 * CONFIG_MAX_ERRORS, and the result is not to be used when any was found. A
 * UTF-8 byte order mark at the start of a file is skipped. Nothing here touches the network or the
 * kernel (user and group names go through the C library's databases).
 */
#ifndef TUNOWN_CONFIG_H
#define TUNOWN_CONFIG_H

#include <stdio.h>

#include "types.h"

/* The default files: CONF, then DIR/ *.conf sorted by name. */
#ifndef TUNOWN_SYSCONFDIR
#define TUNOWN_SYSCONFDIR "/etc"
#endif
#define CONFIG_DEFAULT_FILE TUNOWN_SYSCONFDIR "/tunown.conf"
#define CONFIG_DEFAULT_DIR  TUNOWN_SYSCONFDIR "/tunown.d"

/* Longest line read, newline excluded; a longer one is an error. */
#define CONFIG_MAX_LINE 1024
/* The most bytes one file may have: a larger one (or /dev/zero) is an error, and reading stops. */
#define CONFIG_MAX_SIZE (16u << 20)
/* Errors kept with their text; at this many reading stops, and what a section's end finds is only counted. */
#define CONFIG_MAX_ERRORS 100

/* Private: an open-addressing index of positions in an array, at most half full. */
struct posindex {
	struct posindex_slot {
		uint32_t hash;          /* of the item, so that growing needs no item */
		uint32_t pos;           /* 0: empty, else the position + 1 */
	} *slot;
	size_t size, n;
};

struct config {
	struct devspec *devs;       /* in file order; devs[i].file/line say where */
	size_t ndevs;
	size_t nfiles;              /* files actually read (0: no config at all) */
	/* Private: file names the devspecs point into, and the duplicate index over devs. */
	char **files;
	struct posindex index;
	size_t devs_cap;
};

struct config_error {
	unsigned line;              /* 0 when about a whole file */
	char *text;                 /* "FILE:LINE: message", no newline */
};

struct config_errors {
	struct config_error *v;
	size_t n;                   /* kept, at most CONFIG_MAX_ERRORS */
	size_t dropped;             /* found beyond that */
	char *stopped;              /* "FILE:LINE: ..." where reading stopped at CONFIG_MAX_ERRORS, or NULL */
};

void config_init(struct config *c);
void config_free(struct config *c);
void config_errors_init(struct config_errors *e);
void config_errors_free(struct config_errors *e);

/*
 * Read PATHS in order ("-" is standard input) into C, or the default files
 * when PATHS is NULL. A device defined twice, in one file or across files,
 * is an error. Returns 0; -EINVAL when ERRS holds at least one error (then C
 * is incomplete and must only be freed); -ENOMEM.
 */
int config_load(struct config *c, char *const *paths, size_t npaths, struct config_errors *errs);

/*
 * The default set with other locations (tests): CONF, which may be missing
 * when DIR has files, then DIR/ *.conf in strcmp order, skipping names that
 * start with '.'. Neither existing gives an empty config and no error.
 */
int config_load_defaults(struct config *c, const char *conf, const char *dir,
			 struct config_errors *errs);

/* One already open stream, NAME for messages; appends to C (fuzzers, tests). */
int config_load_stream(struct config *c, FILE *f, const char *name, struct config_errors *errs);

/* The section of device NAME in namespace NETNS (NULL: the current one), or NULL; one hash lookup. */
const struct devspec *config_find(const struct config *c, const char *name, const char *netns);

/* Every error, one per line, plus a count of the dropped ones and where reading stopped. */
void config_errors_print(const struct config_errors *e, FILE *out);

#endif
