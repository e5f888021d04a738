/* cmd_export: `tcpladder export` (being written). */
#include <stdio.h>

#include "cmd.h"

const char cmd_export_usage[] = "usage: tcpladder export (not yet available)\n";

int cmd_export(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs(cmd_export_usage, stderr);
	return EXIT_USAGE;
}
