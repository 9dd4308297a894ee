/* SPDX-License-Identifier: MIT */
/* The verbs: one file each (src/cmd-VERB.c), each with its help text. */
#ifndef TUNOWN_COMMANDS_H
#define TUNOWN_COMMANDS_H

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;           /* usage line(s) and options, printed by --help */
	const char *summary;        /* one line for 'tunown --help' */
};

int add_main(int argc, char **argv);
int del_main(int argc, char **argv);
int list_main(int argc, char **argv);
int show_main(int argc, char **argv);
int check_main(int argc, char **argv);
/* check --all (cmd-audit.c). */
int audit_main(int argc, char **argv);
int apply_main(int argc, char **argv);

extern const char add_help[], del_help[], list_help[], show_help[], check_help[], apply_help[];

/* The table, ended by a row of zeroes. */
extern const struct command commands[];
const struct command *command_find(const char *name);

#endif
