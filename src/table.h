/* SPDX-License-Identifier: MIT */
/*
 * A table for people, as `ip -br` prints one: a header, then one line a row,
 * each column as wide as its widest cell, two spaces between columns, the
 * last column not padded. Cells are escaped when added (no control
 * character reaches the terminal) and hold no space, so that the columns
 * stay apart; the last column may hold a space-separated list.
 */
#ifndef TUNOWN_TABLE_H
#define TUNOWN_TABLE_H

#include <stdio.h>

#define TABLE_MAX_COLS 8

struct table {
	size_t ncols, nrows, cap;
	char **cells;               /* nrows * ncols, malloc'd */
	size_t width[TABLE_MAX_COLS];
};

/* The header names the columns (ncols of them). 0 or -ENOMEM. */
int table_init(struct table *t, size_t ncols, const char *const *header);
/* One row of ncols cells, copied and escaped; NULL or "" prints as "-". 0 or -ENOMEM. */
int table_add(struct table *t, const char *const *cells);
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

#endif
