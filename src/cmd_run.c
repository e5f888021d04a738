/* cmd_run: `tcpladder run PATH... -o DIR`, the one-shot path: ingest into
 * DIR/tcpladder.db, then report into DIR. It is the two commands in a row,
 * called as the user would call them, so it behaves exactly as they do. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

#include "cmd.h"

const char cmd_run_usage[] =
	"usage: tcpladder run [-f FILTER] [-j N] [-q|-v] [--tunnel-port KIND=PORT]\n"
	"                     [--flow ID...] [--flow-file FILE] [--where SQL]\n"
	"                     [--capture ID...] [--notable] [--all] [--vantage NAME]\n"
	"                     PATH... -o DIR\n"
	"\n"
	"Ingests the captures into DIR/tcpladder.db, then writes the report into\n"
	"DIR (DIR/index.html). Running it again adds new captures and rewrites\n"
	"the report. With two vantages (--vantage A PATH... --vantage B PATH...),\n"
	"each group's captures are ingested under its name and the two are\n"
	"paired (tcpladder pair A B) before the report.\n"
	"\n"
	"  -o, --output DIR     the folder (required), created if needed\n"
	"  -f, --filter FILTER  tcpdump filter expression\n"
	"  -j, --jobs N         N processes ingesting, then writing pages\n"
	"  -q, --quiet          only errors\n"
	"  -v, --verbose        a line per capture\n"
	"  --tunnel-port KIND=PORT  a UDP port that carries a tunnel, as ingest's\n"
	"  --vantage NAME       the PATHs after it were captured at vantage NAME\n"
	"\n"
	"What the report draws, as report's options say:\n"
	"  --flow ID[,ID...]    only these flows (repeatable)\n"
	"  --flow-file FILE     only the flows whose ids FILE lists, one a line\n"
	"  --where SQL          only the flows of flows_view the condition holds for\n"
	"  --capture ID[,ID...] only the flows of these captures (repeatable)\n"
	"  --notable            only the flows worth a look\n"
	"  --all                a page for every flow, however many\n"
	"\n"
	"Exit status: 0 all read and written, 1 some inputs failed or were only\n"
	"partly read (the report shows the rest), 2 usage.\n";

/* Options handed on as given: to ingest (I), to report (R), or both. */
enum { TO_INGEST = 1, TO_REPORT = 2 };

int cmd_run(int argc, char **argv)
{
	enum { OPT_TUNNEL_PORT = 256, OPT_FLOW, OPT_FLOW_FILE, OPT_WHERE, OPT_CAPTURE,
	       OPT_NOTABLE, OPT_ALL, OPT_VANTAGE };
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"filter", required_argument, NULL, 'f'},
		{"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"tunnel-port", required_argument, NULL, OPT_TUNNEL_PORT},
		{"flow", required_argument, NULL, OPT_FLOW},
		{"flow-file", required_argument, NULL, OPT_FLOW_FILE},
		{"where", required_argument, NULL, OPT_WHERE},
		{"capture", required_argument, NULL, OPT_CAPTURE},
		{"notable", no_argument, NULL, OPT_NOTABLE},
		{"all", no_argument, NULL, OPT_ALL},
		{"vantage", required_argument, NULL, OPT_VANTAGE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	/* The handed-on options, as "--name" and value pairs (value NULL for
	 * a flag), each marked for ingest, report or both. */
	const char **name = calloc((size_t)argc + 1, sizeof *name);
	const char **value = calloc((size_t)argc + 1, sizeof *value);
	int *to = calloc((size_t)argc + 1, sizeof *to);
	char **ingest_args = calloc(2 * (size_t)argc + 8, sizeof *ingest_args);
	char **report_args = calloc(2 * (size_t)argc + 8, sizeof *report_args);
	int nopts = 0, status = EXIT_SOME_FAILED;
	const char *dir = NULL;
	/* The PATHs in order, each with its group: 0 before any --vantage,
	 * g after the g-th. */
	const char **paths = calloc((size_t)argc + 1, sizeof *paths);
	int *group = calloc((size_t)argc + 1, sizeof *group);
	const char *vantage[3] = {NULL, NULL, NULL};
	int npaths = 0, ngroups = 0;
	if (!name || !value || !to || !ingest_args || !report_args || !paths || !group) {
		fprintf(stderr, "tcpladder: out of memory\n");
		goto done;
	}
	int c;
	optind = 1;
	/* "-": PATHs come back in place (as 1), so that each falls in the
	 * --vantage group it follows. */
	while ((c = getopt_long(argc, argv, "-o:f:j:qvh", longopts, NULL)) != -1) {
		const char *opt = NULL;
		int dest = 0;
		switch (c) {
		case 1:
			paths[npaths] = optarg;
			group[npaths++] = ngroups;
			continue;
		case OPT_VANTAGE:
			if (ngroups == 2) {
				fprintf(stderr, "tcpladder run: two vantages at most (--vantage A PATH..."
				                " --vantage B PATH...)\n");
				status = EXIT_USAGE;
				goto done;
			}
			vantage[++ngroups] = optarg;
			continue;
		case 'o': dir = optarg; continue;
		case 'f': opt = "-f", dest = TO_INGEST; break;
		case 'j': opt = "-j", dest = TO_INGEST | TO_REPORT; break;
		case 'q': opt = "-q", dest = TO_INGEST | TO_REPORT; break;
		case 'v': opt = "-v", dest = TO_INGEST; break;
		case OPT_TUNNEL_PORT: opt = "--tunnel-port", dest = TO_INGEST; break;
		case OPT_FLOW: opt = "--flow", dest = TO_REPORT; break;
		case OPT_FLOW_FILE: opt = "--flow-file", dest = TO_REPORT; break;
		case OPT_WHERE: opt = "--where", dest = TO_REPORT; break;
		case OPT_CAPTURE: opt = "--capture", dest = TO_REPORT; break;
		case OPT_NOTABLE: opt = "--notable", dest = TO_REPORT; break;
		case OPT_ALL: opt = "--all", dest = TO_REPORT; break;
		case 'h': fputs(cmd_run_usage, stdout); status = EXIT_OK; goto done;
		default:
			fputs("Try 'tcpladder run --help' for its options.\n", stderr);
			status = EXIT_USAGE;
			goto done;
		}
		name[nopts] = opt;
		value[nopts] = optarg;
		to[nopts++] = dest;
	}
	while (optind < argc) {
		paths[npaths] = argv[optind++];
		group[npaths++] = ngroups;
	}
	bool grouped_ok = ngroups == 0 || (ngroups == 2 && npaths > 0 && group[0] == 1 &&
	                                   group[npaths - 1] == 2);
	if (ngroups && !grouped_ok) {
		fprintf(stderr, "tcpladder run: two vantages, each with its captures: --vantage A"
		                " PATH... --vantage B PATH...\n");
		status = EXIT_USAGE;
		goto done;
	}
	if (!dir || npaths == 0) {
		fprintf(stderr, "tcpladder run: %s\n", dir ? "no capture given" : "-o DIR is required");
		fputs("Try 'tcpladder run --help' for its options.\n", stderr);
		status = EXIT_USAGE;
		goto done;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "tcpladder: %s: %s\n", dir, strerror(errno));
		goto done;
	}
	char db[4096];
	snprintf(db, sizeof db, "%s/tcpladder.db", dir);

	/* ingest -d DB [options] -- PATH...; report -d DB -o DIR [options] */
	int ni = 0, nr = 0;
	ingest_args[ni++] = "tcpladder ingest";
	ingest_args[ni++] = "-d";
	ingest_args[ni++] = db;
	report_args[nr++] = "tcpladder report";
	report_args[nr++] = "-d";
	report_args[nr++] = db;
	report_args[nr++] = "-o";
	report_args[nr++] = (char *)dir;
	for (int i = 0; i < nopts; i++) {
		if (to[i] & TO_INGEST) {
			ingest_args[ni++] = (char *)name[i];
			if (value[i])
				ingest_args[ni++] = (char *)value[i];
		}
		if (to[i] & TO_REPORT) {
			report_args[nr++] = (char *)name[i];
			if (value[i])
				report_args[nr++] = (char *)value[i];
		}
	}
	/* One ingest per group: its name, then its paths. */
	int ingested = EXIT_OK;
	int base = ni;
	for (int g = ngroups ? 1 : 0; g <= ngroups; g++) {
		ni = base;
		if (g) {
			ingest_args[ni++] = "--vantage";
			ingest_args[ni++] = (char *)vantage[g];
		}
		ingest_args[ni++] = "--";
		for (int i = 0; i < npaths; i++)
			if (group[i] == g)
				ingest_args[ni++] = (char *)paths[i];
		ingest_args[ni] = NULL;
		int rc = cmd_ingest(ni, ingest_args);
		if (rc == EXIT_USAGE) {
			status = EXIT_USAGE;
			goto done;
		}
		if (rc != EXIT_OK)
			ingested = rc;
	}
	if (ngroups) {
		char *pair_args[8] = {"tcpladder pair", "-d", db};
		int np = 3;
		for (int i = 0; i < nopts; i++)
			if (strcmp(name[i], "-q") == 0)
				pair_args[np++] = "-q";
		/* "--": getopt keeps this parse's in-order mode ("-") across the
		 * commands run here, which would take the names as options'
		 * arguments. */
		pair_args[np++] = "--";
		pair_args[np++] = (char *)vantage[1];
		pair_args[np++] = (char *)vantage[2];
		int rc = cmd_pair(np, pair_args);
		if (rc == EXIT_USAGE) {
			status = EXIT_USAGE;
			goto done;
		}
		if (rc != EXIT_OK)
			ingested = rc;
	}
	int reported = cmd_report(nr, report_args);
	status = reported != EXIT_OK ? reported : ingested;
done:
	free(paths);
	free(group);
	free(name);
	free(value);
	free(to);
	free(ingest_args);
	free(report_args);
	return status;
}
