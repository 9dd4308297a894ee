/* SPDX-License-Identifier: MIT */
/* tunown: persistent TUN/TAP devices owned by a user or group. main() and the command table. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "cli.h"
#include "cni.h"
#include "commands.h"
#include "privs.h"
#include "types.h"

static void usage(FILE *f)
{
	fputs("Usage: tunown COMMAND [OPTIONS]\n"
	      "\n"
	      "Make TUN/TAP devices that a user or group can attach without capabilities.\n"
	      "\n"
	      "Commands:\n", f);
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fputs("  help     show the help of a command\n"
	      "\n"
	      "'tunown COMMAND --help' or 'tunown help COMMAND' shows a command's options.\n"
	      "  -h, --help          show this help\n"
	      "  --version           show the version\n", f);
}

static int help_main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_DONE;
	}
	if (argc > 2)
		return usage_error("help", "one command at a time: unexpected '%s'", argv[2]);
	const struct command *c = command_find(argv[1]);
	if (!c) {
		errorf("help", "unknown command '%s' (see 'tunown --help')", argv[1]);
		return EXIT_USAGE;
	}
	fputs(c->help, stdout);
	return EXIT_DONE;
}

/* The command's status, made a failure when its output could not be written. */
static int finish(const char *verb, int r)
{
	int w = output_status(verb);

	return w && r == EXIT_DONE ? w : r;
}

static int run(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_DONE;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tunown %s\n", TUNOWN_VERSION);
		return EXIT_DONE;
	}
	if (!strcmp(argv[1], "help"))
		return help_main(argc - 1, argv + 1);
	const struct command *c = command_find(argv[1]);
	if (!c) {
		errorf(NULL, "unknown command '%s' (see 'tunown --help')", argv[1]);
		return EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	int r;

	/* Run by a container runtime: CNI_COMMAND in the environment, no arguments. */
	if (argc == 1 && getenv("CNI_COMMAND")) {
		if ((r = privs_init("cni", 0, argv + 1)))
			return r;
		return cni_main();
	}
	/* First of all, even for --help: refuse to be a privilege helper, keep what the command needs. */
	if ((r = privs_init(argc > 1 && command_find(argv[1]) ? argv[1] : NULL, argc - 1, argv + 1)))
		return r;
	/*
	 * A reader that went away (| head) must not stop a run half-way: the
	 * work is finished, then the write error is said and the status is 1.
	 */
	signal(SIGPIPE, SIG_IGN);
	return finish(argc > 1 ? argv[1] : NULL, run(argc, argv));
}
