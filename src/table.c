/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "parse.h"
#include "table.h"

/* Escapes s, and in every column but the last turns spaces into '_' too. */
static char *cell(const char *s, bool last)
{
	char buf[4096];

	if (!s || !*s)
		s = "-";
	escape(s, buf, sizeof(buf), 0);
	if (!last)
		for (char *p = buf; *p; p++)
			if (*p == ' ')
				*p = '_';
	return strdup(buf);
}

static int add(struct table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **v = realloc(t->cells, cap * t->ncols * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->cells = v;
		t->cap = cap;
	}
	char **row = t->cells + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		row[i] = cell(cells[i], i + 1 == t->ncols);
		if (!row[i]) {
			while (i--)
				free(row[i]);
			return -ENOMEM;
		}
		size_t n = strlen(row[i]);
		if (n > t->width[i])
			t->width[i] = n;
	}
	t->nrows++;
	return 0;
}

int table_init(struct table *t, size_t ncols, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols < TABLE_MAX_COLS ? ncols : TABLE_MAX_COLS;
	return add(t, header);
}

int table_add(struct table *t, const char *const *cells)
{
	return add(t, cells);
}

void table_print(const struct table *t, FILE *f)
{
	for (size_t r = 0; r < t->nrows; r++) {
		char *const *row = t->cells + r * t->ncols;
		for (size_t i = 0; i < t->ncols; i++) {
			if (i + 1 < t->ncols)
				fprintf(f, "%-*s  ", (int)t->width[i], row[i]);
			else
				fputs(row[i], f);
		}
		fputc('\n', f);
	}
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
