/* cmd_report: `tcpladder report` (being written). */
#include <stdio.h>

#include "cmd.h"

const char cmd_report_usage[] = "usage: tcpladder report (not yet available)\n";

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs(cmd_report_usage, stderr);
	return EXIT_USAGE;
}
