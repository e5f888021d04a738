/* cmd_extract: `tcpladder extract`. Parses options, chooses the flows as
 * report does (--flow, --flow-file, --where) and has extract.c write
 * their packets; decides only what the user sees. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_db.h"
#include "cli_select.h"
#include "cmd.h"
#include "db_report.h"
#include "extract.h"
#include "savefile.h"

const char cmd_extract_usage[] =
	"usage: tcpladder extract [-d DB] --flow ID... [--flow-file FILE] [--where SQL]\n"
	"                         -o FILE [--search DIR] [-q]\n"
	"\n"
	"Writes the flows' packets, cut by frame number from the captures they\n"
	"were read from, to FILE: pcap or pcapng by its name (.pcap, .pcapng, or\n"
	"either with .gz), with the link type, bytes and timestamps of the source\n"
	"(Wireshark shows them as in it). pcapng keeps each packet's interface and\n"
	"names its flow in a comment; pcap holds one link type. Each capture is\n"
	"read from its stored path (each file of a joined one) and must still be\n"
	"the content ingested (its sha256).\n"
	"\n"
	"  -d, --db DB           database (default tcpladder.db)\n"
	"  --flow ID[,ID...]     these flows (repeatable)\n"
	"  --flow-file FILE      the flows whose ids FILE lists, one a line\n"
	"                        (- for stdin)\n"
	"  --where SQL           the flows of flows_view for which the SQL condition\n"
	"                        holds (with --flow or --flow-file: those of them)\n"
	"  -o, --output FILE     the capture file to write (replaced)\n"
	"  --search DIR          look under DIR (recursively) for a capture moved or\n"
	"                        changed since ingest, by its content\n"
	"  -q, --quiet           say nothing unless something fails\n"
	"\n"
	"Exit status: 0 written, 1 failed (a capture missing, changed or damaged;\n"
	"no file is written), 2 usage.\n";

static int usage_error(struct cli_selection *sel, const char *fmt, const char *arg)
{
	fprintf(stderr, "tcpladder extract: ");
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'tcpladder extract --help' for its options.\n", stderr);
	cli_select_free(sel);
	return EXIT_USAGE;
}

int cmd_extract(int argc, char **argv)
{
	enum { OPT_FLOW = 256, OPT_FLOW_FILE, OPT_WHERE, OPT_SEARCH };
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{"flow", required_argument, NULL, OPT_FLOW},
		{"flow-file", required_argument, NULL, OPT_FLOW_FILE},
		{"where", required_argument, NULL, OPT_WHERE},
		{"search", required_argument, NULL, OPT_SEARCH},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db_path = "tcpladder.db", *out = NULL, *where = NULL, *flow_file = NULL;
	struct extract_options opt = {0};
	struct cli_selection sel = {0};
	bool quiet = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:o:qh", longopts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case 'd': db_path = optarg; break;
		case 'o': out = optarg; break;
		case 'q': quiet = true; break;
		case 'h': fputs(cmd_extract_usage, stdout); cli_select_free(&sel); return EXIT_OK;
		case OPT_FLOW: ok = cli_select_add(&sel.flow_ids, &sel.n_flows, optarg); break;
		case OPT_FLOW_FILE: flow_file = optarg; break;
		case OPT_WHERE: where = optarg; break;
		case OPT_SEARCH: opt.search_dir = optarg; break;
		default: ok = false; optarg = NULL; break;
		}
		if (!ok) {
			if (optarg)
				fprintf(stderr, "tcpladder extract: bad value '%s'\n", optarg);
			fputs("Try 'tcpladder extract --help' for its options.\n", stderr);
			cli_select_free(&sel);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_error(&sel, "unexpected '%s' (flows are chosen by --flow or --where)",
		                   argv[optind]);
	if (!out)
		return usage_error(&sel, "%sneeds -o FILE.pcap or -o FILE.pcapng", "");
	enum savefile_format format;
	bool gz;
	if (!savefile_format_of(out, &format, &gz))
		return usage_error(&sel,
		                   "-o %s: the name says the format: end it in .pcap or .pcapng"
		                   " (or either with .gz)",
		                   out);
	char why[512];
	if (flow_file && !cli_select_add_file(&sel.flow_ids, &sel.n_flows, flow_file, why,
	                                      sizeof why))
		return usage_error(&sel, "--flow-file %s", why);
	if (!sel.n_flows && !where && !flow_file)
		return usage_error(&sel, "%swhich flows? give --flow ID, --flow-file FILE or --where SQL",
		                   "");
	if (!sel.n_flows && !where)
		return usage_error(&sel, "--flow-file %s lists no flow", flow_file);
	if (!cli_db_readable("tcpladder extract", db_path, stderr)) {
		cli_select_free(&sel);
		return EXIT_SOME_FAILED;
	}
	char err[2048];
	struct db *db = db_open_readonly(db_path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "tcpladder extract: %s: %s\n", db_path, err);
		cli_select_free(&sel);
		return EXIT_SOME_FAILED;
	}
	int status = EXIT_OK;
	struct extract_stats stats;
	if (where && cli_select_where(db, NULL, where, &sel, err, sizeof err) != 0) {
		fprintf(stderr, "tcpladder extract: %s\n", err);
		status = EXIT_SOME_FAILED;
	} else if (extract_write(db, sel.flow_ids, sel.n_flows, out, &opt, &stats, err,
	                         sizeof err) != 0) {
		fprintf(stderr, "tcpladder extract: %s\n", err);
		status = EXIT_SOME_FAILED;
	} else if (!quiet) {
		fprintf(stderr, "tcpladder: %" PRIu64 " packet%s of %zu flow%s from %zu capture%s"
		        " written to %s\n",
		        stats.packets, stats.packets == 1 ? "" : "s", sel.n_flows,
		        sel.n_flows == 1 ? "" : "s", stats.captures, stats.captures == 1 ? "" : "s",
		        out);
	}
	db_close(db);
	cli_select_free(&sel);
	return status;
}
