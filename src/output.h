/* SPDX-License-Identifier: MIT */
/*
 * Text for people and JSON for programs from the same calls: each field is
 * described once (key for JSON, label for text) and printed in the format
 * chosen by out_init(). Text comes in two layouts: one field per line
 * (OUT_BLOCK, for show) or all fields of an object on one line (OUT_LINE).
 */
#ifndef TUNOWN_OUTPUT_H
#define TUNOWN_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum out_format { OUT_BLOCK, OUT_LINE, OUT_JSON };

void out_init(FILE *f, enum out_format fmt);
bool out_json(void);

/* A JSON array of objects; nothing in text. */
void out_list_begin(void);
void out_list_end(void);

/* An object; in text, title starts it ("tap0:"). */
void out_obj_begin(const char *title);
void out_obj_end(void);

/* A field. A NULL string prints null in JSON and "-" in text. */
void out_str(const char *key, const char *label, const char *val);
void out_uint(const char *key, const char *label, uint64_t val);
/* A number the kernel may not tell (an older one): null in JSON, "unknown" in text when !known. */
void out_uint_or_unknown(const char *key, const char *lbl, bool known, uint64_t val);
void out_bool(const char *key, const char *label, bool val);
/* A number that may be absent (JSON null, text "-"), with an optional name: "1000 (alice)". */
void out_id(const char *key, const char *name_key, const char *label, bool set, uint64_t val, const char *name);

/* A list of strings: JSON array, text joined by spaces ("-" when empty). */
void out_strs_begin(const char *key, const char *label);
void out_strs_item(const char *val);
void out_strs_end(void);

/* A nested array of objects (JSON), or indented lines (text). */
void out_objs_begin(const char *key, const char *label);
void out_objs_end(void);

/* JSON string escaping, for callers that print JSON of their own. */
void out_json_string(FILE *f, const char *s);

#endif
