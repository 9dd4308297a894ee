/* SPDX-License-Identifier: MIT */
/* The command table: one row per verb, exact names, no abbreviations. */
#include <string.h>

#include "commands.h"

const struct command commands[] = {
	{ "add", add_main, add_help, "create or converge an owned tun/tap device" },
	{ "del", del_main, del_help, "remove tun/tap devices" },
	{ "list", list_main, list_help, "show every tun/tap device" },
	{ "show", show_main, show_help, "show one tun/tap device" },
	{ "check", check_main, check_help, "explain whether and why a program can attach" },
	{ "apply", apply_main, apply_help, "converge devices to configuration files" },
	{ 0 }
};

const struct command *command_find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

