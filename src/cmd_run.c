/* cmd_run: `tcpladder run PATH... -o DIR`, the one-shot path: ingest into
 * DIR/tcpladder.db, then report into DIR. It is the two commands in a row,
 * called as the user would call them, so it behaves exactly as they do. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

#include "cmd.h"

const char cmd_run_usage[] =
	"usage: tcpladder run [-f FILTER] [-q|-v] [--tunnel-port KIND=PORT] PATH... -o DIR\n"
	"\n"
	"Ingests the captures into DIR/tcpladder.db, then writes the report into\n"
	"DIR (DIR/index.html). Running it again adds new captures and rewrites\n"
	"the report.\n"
	"\n"
	"  -o, --output DIR     the folder (required), created if needed\n"
	"  -f, --filter FILTER  tcpdump filter expression\n"
	"  -q, --quiet          only errors\n"
	"  -v, --verbose        a line per capture\n"
	"  --tunnel-port KIND=PORT  a UDP port that carries a tunnel, as ingest's\n"
	"\n"
	"Exit status: 0 all read and written, 1 some inputs failed or were only\n"
	"partly read (the report shows the rest), 2 usage.\n";

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"filter", required_argument, NULL, 'f'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"tunnel-port", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *filter = NULL, *loudness = NULL;
	/* Each --tunnel-port is handed on to ingest as given. */
	const char **ports = calloc((size_t)argc + 1, sizeof *ports);
	int nports = 0;
	if (!ports) {
		fprintf(stderr, "tcpladder: out of memory\n");
		return EXIT_SOME_FAILED;
	}
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:f:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': dir = optarg; break;
		case 'f': filter = optarg; break;
		case 'q': loudness = "-q"; break;
		case 'v': loudness = "-v"; break;
		case 'T': ports[nports++] = optarg; break;
		case 'h': free(ports); fputs(cmd_run_usage, stdout); return EXIT_OK;
		default:
			free(ports);
			fputs("Try 'tcpladder run --help' for its options.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (!dir || optind >= argc) {
		free(ports);
		fprintf(stderr, "tcpladder run: %s\n", dir ? "no capture given" : "-o DIR is required");
		fputs("Try 'tcpladder run --help' for its options.\n", stderr);
		return EXIT_USAGE;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		free(ports);
		fprintf(stderr, "tcpladder: %s: %s\n", dir, strerror(errno));
		return EXIT_SOME_FAILED;
	}
	char db[4096];
	snprintf(db, sizeof db, "%s/tcpladder.db", dir);

	/* ingest -d DB [-f FILTER] [-q|-v] [--tunnel-port K=P]... PATH... */
	int npaths = argc - optind;
	char **args = calloc((size_t)npaths + 2 * (size_t)nports + 8, sizeof *args);
	if (!args) {
		free(ports);
		fprintf(stderr, "tcpladder: out of memory\n");
		return EXIT_SOME_FAILED;
	}
	int n = 0;
	args[n++] = "tcpladder ingest";
	args[n++] = "-d";
	args[n++] = db;
	if (filter) {
		args[n++] = "-f";
		args[n++] = (char *)filter;
	}
	if (loudness)
		args[n++] = (char *)loudness;
	for (int i = 0; i < nports; i++) {
		args[n++] = "--tunnel-port";
		args[n++] = (char *)ports[i];
	}
	args[n++] = "--";
	for (int i = optind; i < argc; i++)
		args[n++] = argv[i];
	int ingested = cmd_ingest(n, args);
	free(args);
	free(ports);
	if (ingested == EXIT_USAGE)
		return EXIT_USAGE;

	char *report_args[] = {"tcpladder report", "-d", db, "-o", (char *)dir,
	                       loudness && strcmp(loudness, "-q") == 0 ? "-q" : NULL, NULL};
	int reported = cmd_report(report_args[5] ? 6 : 5, report_args);
	return reported != EXIT_OK ? reported : ingested;
}
