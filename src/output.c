/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "output.h"

/* Nesting: an array or object at each level, and whether it has members yet. */
#define DEPTH 8

static struct {
	FILE *f;
	enum out_format fmt;
	int depth;
	bool first[DEPTH];
	int strs;                   /* items printed in the current string list */
	int objs;                   /* inside out_objs_begin/end (text) */
} o = { .fmt = OUT_BLOCK };

void out_init(FILE *f, enum out_format fmt)
{
	memset(&o, 0, sizeof(o));
	o.f = f;
	o.fmt = fmt;
	o.first[0] = true;          /* no comma before a top-level object */
}

bool out_json(void)
{
	return o.fmt == OUT_JSON;
}

void out_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void push(char open)
{
	fputc(open, o.f);
	if (o.depth < DEPTH - 1)
		o.depth++;
	o.first[o.depth] = true;
}

static void pop(char close)
{
	fputc(close, o.f);
	if (o.depth > 0)
		o.depth--;
}

/* JSON: the comma and the key of the next member. */
static void member(const char *key)
{
	if (!o.first[o.depth])
		fputc(',', o.f);
	o.first[o.depth] = false;
	if (key) {
		out_json_string(o.f, key);
		fputc(':', o.f);
	}
}

/* Text: the label of the next field. */
static void label(const char *l)
{
	if (o.fmt == OUT_LINE)
		fprintf(o.f, " %s ", l);
	else
		fprintf(o.f, "%s  %s: ", o.objs ? "  " : "", l);
}

static void end_field(void)
{
	if (o.fmt == OUT_BLOCK)
		fputc('\n', o.f);
}

void out_list_begin(void)
{
	if (out_json())
		push('[');
}

void out_list_end(void)
{
	if (out_json()) {
		pop(']');
		fputc('\n', o.f);
	}
}

void out_obj_begin(const char *title)
{
	if (out_json()) {
		member(NULL);
		push('{');
	} else if (title) {
		escape_put(o.f, title, 0);
		fputs(o.fmt == OUT_LINE ? ":" : "\n", o.f);
	}
}

void out_obj_end(void)
{
	if (out_json()) {
		pop('}');
		if (o.depth == 0)
			fputc('\n', o.f);
	} else if (o.fmt == OUT_LINE) {
		fputc('\n', o.f);
	}
}

void out_str(const char *key, const char *lbl, const char *val)
{
	if (out_json()) {
		member(key);
		if (val)
			out_json_string(o.f, val);
		else
			fputs("null", o.f);
		return;
	}
	label(lbl);
	escape_put(o.f, val ? val : "-", 0);
	end_field();
}

void out_uint(const char *key, const char *lbl, uint64_t val)
{
	if (out_json()) {
		member(key);
		fprintf(o.f, "%llu", (unsigned long long)val);
		return;
	}
	label(lbl);
	fprintf(o.f, "%llu", (unsigned long long)val);
	end_field();
}

void out_uint_or_unknown(const char *key, const char *lbl, bool known, uint64_t val)
{
	if (known)
		out_uint(key, lbl, val);
	else if (out_json()) {
		member(key);
		fputs("null", o.f);
	} else {
		label(lbl);
		fputs("unknown", o.f);
		end_field();
	}
}

void out_bool(const char *key, const char *lbl, bool val)
{
	if (out_json()) {
		member(key);
		fputs(val ? "true" : "false", o.f);
		return;
	}
	label(lbl);
	fputs(val ? "yes" : "no", o.f);
	end_field();
}

void out_id(const char *key, const char *name_key, const char *lbl, bool set, uint64_t val, const char *name)
{
	if (out_json()) {
		member(key);
		if (set)
			fprintf(o.f, "%llu", (unsigned long long)val);
		else
			fputs("null", o.f);
		member(name_key);
		if (set && name)
			out_json_string(o.f, name);
		else
			fputs("null", o.f);
		return;
	}
	label(lbl);
	if (!set)
		fputs("-", o.f);
	else if (name) {
		fprintf(o.f, "%llu(", (unsigned long long)val);
		escape_put(o.f, name, 0);
		fputc(')', o.f);
	}
	else
		fprintf(o.f, "%llu", (unsigned long long)val);
	end_field();
}

void out_strs_begin(const char *key, const char *lbl)
{
	o.strs = 0;
	if (out_json()) {
		member(key);
		push('[');
		return;
	}
	label(lbl);
}

void out_strs_item(const char *val)
{
	if (out_json()) {
		member(NULL);
		out_json_string(o.f, val);
		return;
	}
	fputs(o.strs ? (o.fmt == OUT_LINE ? "," : " ") : "", o.f);
	escape_put(o.f, val, 0);
	o.strs++;
}

void out_strs_end(void)
{
	if (out_json()) {
		pop(']');
		return;
	}
	if (!o.strs)
		fputs("-", o.f);
	end_field();
}

void out_objs_begin(const char *key, const char *lbl)
{
	if (out_json()) {
		member(key);
		push('[');
		return;
	}
	if (lbl)
		fprintf(o.f, "  %s:\n", lbl);
	o.objs++;
}

void out_objs_end(void)
{
	if (out_json()) {
		pop(']');
		return;
	}
	o.objs--;
}
