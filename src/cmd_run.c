/* cmd_run: `tcpladder run` (being written). */
#include <stdio.h>

#include "cmd.h"

const char cmd_run_usage[] = "usage: tcpladder run (not yet available)\n";

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs(cmd_run_usage, stderr);
	return EXIT_USAGE;
}
