/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include "cli.h"
#include "commands.h"
#include "tunown.h"

const char apply_help[] = "Usage: tunown apply [FILE...] [--dry-run] [--prune] [--json]\n";

int apply_main(int argc, char **argv)
{
	errorf("apply", "not built yet");
	return EXIT_FAIL;
}
