/* SPDX-License-Identifier: MIT */
/*
 * Replays a fuzz corpus through one harness with the ordinary compiler, as
 * part of make check: every file of the directory (FUZZ_CORPUS, or argv[1])
 * is one TAP test. A crash or a broken promise aborts, and prove counts the
 * missing tests as failures.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "re");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			uint8_t *b = realloc(buf, cap = cap ? cap * 2 : 4096);
			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : FUZZ_CORPUS;
	struct dirent **names;
	int failed = 0;

	int n = scandir(dir, &names, visible, by_name);
	if (n < 0) {
		printf("1..0 # SKIP cannot read the corpus '%s': %s\n", dir, strerror(errno));
		return 0;
	}
	printf("1..%d\n", n);
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		char *path = NULL;
		size_t size = 0;
		uint8_t *data = NULL;

		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0)
			path = NULL;
		else
			data = slurp(path, &size);
		if (data) {
			LLVMFuzzerTestOneInput(data, size);
			printf("ok %d - %s\n", i + 1, names[i]->d_name);
		} else {
			printf("not ok %d - %s: cannot read it\n", i + 1, names[i]->d_name);
			failed = 1;
		}
		fflush(stdout);
		free(data);
		free(path);
		free(names[i]);
	}
	free(names);
	return failed;
}
