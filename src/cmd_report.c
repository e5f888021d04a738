/* cmd_report: `tcpladder report`. Parses options and writes the report
 * folder from the database, read only (report.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_db.h"
#include "cli_select.h"
#include "cmd.h"
#include "db_report.h"
#include "report.h"
#include "report_pcap.h"

const char cmd_report_usage[] =
	"usage: tcpladder report [-d DB] [-o DIR] [--flow ID...] [--flow-file FILE]\n"
	"                        [--where SQL] [--capture ID...] [--notable] [--all]\n"
	"                        [--max-segments N] [--flows-per-page N] [-j N] [--pcap]\n"
	"                        [-q]\n"
	"       tcpladder report --standalone --flow ID -o FILE.html [-d DB]\n"
	"\n"
	"Writes DIR/index.html (every flow, linked), DIR/flows/ID.html (a ladder\n"
	"diagram per flow), DIR/flows/pair-N.html (one per flow pair, when two\n"
	"vantages were paired), DIR/transitions.csv and DIR/style.css (which every\n"
	"page links) from the database. The pages open from disk in any browser.\n"
	"\n"
	"  -d, --db DB           database (default tcpladder.db)\n"
	"  -o, --output DIR      report folder (default report), created if needed\n"
	"  --flow ID[,ID...]     only these flows (repeatable)\n"
	"  --flow-file FILE      only the flows whose ids FILE lists, one a line\n"
	"                        (- for stdin; any number of them)\n"
	"  --where SQL           only the flows of flows_view for which the SQL\n"
	"                        condition holds, e.g. \"conn_state = 'REJ' OR\n"
	"                        retransmission_count > 10\" (with --flow or\n"
	"                        --flow-file: those of them it holds for)\n"
	"  --capture ID[,ID...]  only the flows of these captures (repeatable)\n"
	"  --notable             only the flows worth a look (a notability score\n"
	"                        above 0: refused, reset, losses, stalls; see\n"
	"                        docs/analysis.md)\n"
	"  --all                 a page for every flow: past 20,000 flows and no\n"
	"                        selection, pages are written for the notable\n"
	"                        ones only (the index lists them all)\n"
	"  --max-segments N      a long flow shows its first and last N segments\n"
	"                        and the count between (default 200)\n"
	"  --flows-per-page N    flows per index page (default 500)\n"
	"  -j, --jobs N          N processes writing pages (default: one per CPU)\n"
	"  --pcap                beside each flow's page, its packets cut from its\n"
	"                        capture as flows/ID.pcap (as tcpladder extract)\n"
	"  --standalone          one flow's page as FILE (-o), its style inside,\n"
	"                        needing no other file (to attach to a ticket)\n"
	"  -q, --quiet           say nothing unless something fails\n"
	"\n"
	"Exit status: 0 written, 1 failed, 2 usage.\n";

/* One worker per CPU: rendering pages is CPU work that parts cleanly. */
static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static bool parse_positive(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end || v < 1)
		return false;
	*out = v;
	return true;
}

/* --where, over the database opened for it alone. */
static int narrow_by_where(const char *db_path, const char *where, struct cli_selection *sel,
                           char *err, size_t errlen)
{
	struct db *db = db_open_readonly(db_path, err, errlen);
	if (!db)
		return -1;
	int rc = cli_select_where(db, db_path, where, sel, err, errlen);
	db_close(db);
	return rc;
}

/* Is path one a page can be written to as a file: given, not a folder,
 * not ending in a slash? why gets the reason it is not. */
static bool file_path(const char *path, char *why, size_t len)
{
	struct stat st;
	size_t n = path ? strlen(path) : 0;
	if (!path)
		snprintf(why, len, "needs -o FILE.html, the page to write");
	else if (n == 0 || path[n - 1] == '/')
		snprintf(why, len, "-o '%s' names a folder; it needs a file such as flow.html",
		         path);
	else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(why, len, "-o %s is a folder; it needs a file such as %s/flow.html",
		         path, path);
	else
		return true;
	return false;
}

/* --standalone: the one flow the selection holds, as one page with its
 * stylesheet inside. A selection of several flows (or of none given by
 * id) is a usage error: which one the page should show is not ours to
 * guess. */
static int write_standalone(const char *db_path, const struct cli_selection *sel,
                            const struct report_options *opt, const char *file, bool quiet)
{
	char why[512];
	if (sel->n_flows != 1 || sel->n_captures || sel->only_notable) {
		fprintf(stderr,
		        "tcpladder report: --standalone writes one flow's page: give one flow "
		        "(--flow ID)%s\n",
		        sel->n_flows > 1 ? ", not several; without --standalone a report of "
		                           "them all is written to a folder"
		                         : "");
		return EXIT_USAGE;
	}
	if (!file_path(file, why, sizeof why)) {
		fprintf(stderr, "tcpladder report: --standalone %s\n", why);
		return EXIT_USAGE;
	}
	char err[1024];
	struct db *db = db_open_readonly(db_path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "tcpladder report: %s: %s\n", db_path, err);
		return EXIT_SOME_FAILED;
	}
	int rc = report_flow_page(db, sel->flow_ids[0], opt, file, err, sizeof err);
	db_close(db);
	if (rc != 0) {
		fprintf(stderr, "tcpladder report: %s\n", err);
		return EXIT_SOME_FAILED;
	}
	if (!quiet)
		fprintf(stderr, "tcpladder: flow %lld written to %s; it needs no other file\n",
		        (long long)sel->flow_ids[0], file);
	return EXIT_OK;
}

/* --pcap: a pass after the pages (report_pcap.h). */
static int write_pcaps(const char *db_path, const char *dir, bool quiet)
{
	char err[2048];
	uint64_t files, packets;
	if (report_pcap_write(db_path, dir, &files, &packets, err, sizeof err) != 0) {
		fprintf(stderr, "tcpladder report: --pcap: %s\n", err);
		return EXIT_SOME_FAILED;
	}
	if (!quiet)
		fprintf(stderr, "tcpladder: %llu packets of %llu flows written beside their pages"
		        " (%s/flows/ID.pcap)\n",
		        (unsigned long long)packets, (unsigned long long)files, dir);
	return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	enum { OPT_FLOW = 256, OPT_CAPTURE, OPT_NOTABLE, OPT_MAX_SEGMENTS, OPT_PER_PAGE,
	       OPT_FLOW_FILE, OPT_WHERE, OPT_ALL, OPT_STANDALONE, OPT_PCAP };
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{"flow", required_argument, NULL, OPT_FLOW},
		{"flow-file", required_argument, NULL, OPT_FLOW_FILE},
		{"where", required_argument, NULL, OPT_WHERE},
		{"capture", required_argument, NULL, OPT_CAPTURE},
		{"notable", no_argument, NULL, OPT_NOTABLE},
		{"all", no_argument, NULL, OPT_ALL},
		{"max-segments", required_argument, NULL, OPT_MAX_SEGMENTS},
		{"flows-per-page", required_argument, NULL, OPT_PER_PAGE},
		{"jobs", required_argument, NULL, 'j'},
		{"standalone", no_argument, NULL, OPT_STANDALONE},
		{"pcap", no_argument, NULL, OPT_PCAP},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db_path = "tcpladder.db", *dir = "report";
	struct cli_selection sel = {0};
	struct report_options opt = {.max_segments = REPORT_DEFAULT_MAX_SEGMENTS,
	                             .flows_per_page = REPORT_DEFAULT_FLOWS_PER_PAGE,
	                             .jobs = default_jobs()};
	bool dir_given = false;
	int64_t jobs = 0;
	bool quiet = false, all = false, pcap = false;
	const char *where = NULL, *flow_file = NULL;
	int c, status = EXIT_OK;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:o:j:qh", longopts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case 'd': db_path = optarg; break;
		case 'o': dir = optarg; dir_given = true; break;
		case 'q': quiet = true; break;
		case 'h': fputs(cmd_report_usage, stdout); cli_select_free(&sel); return EXIT_OK;
		case OPT_FLOW: ok = cli_select_add(&sel.flow_ids, &sel.n_flows, optarg); break;
		case OPT_FLOW_FILE: flow_file = optarg; break;
		case OPT_WHERE: where = optarg; break;
		case OPT_CAPTURE:
			ok = cli_select_add(&sel.capture_ids, &sel.n_captures, optarg);
			break;
		case OPT_NOTABLE: sel.only_notable = true; break;
		case OPT_ALL: all = true; break;
		case OPT_STANDALONE: opt.standalone = true; break;
		case OPT_PCAP: pcap = opt.pcap_links = true; break;
		case OPT_MAX_SEGMENTS: ok = parse_positive(optarg, &opt.max_segments); break;
		case OPT_PER_PAGE: ok = parse_positive(optarg, &opt.flows_per_page); break;
		case 'j':
			ok = parse_positive(optarg, &jobs) && jobs <= 64;
			opt.jobs = (int)jobs;
			break;
		default: ok = false; optarg = NULL; break;
		}
		if (!ok) {
			if (optarg)
				fprintf(stderr, "tcpladder report: bad value '%s'\n", optarg);
			fputs("Try 'tcpladder report --help' for its options.\n", stderr);
			cli_select_free(&sel);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tcpladder report: unexpected '%s' (captures go to ingest or run)\n",
		        argv[optind]);
		cli_select_free(&sel);
		return EXIT_USAGE;
	}
	char why[512];
	if (flow_file && !cli_select_add_file(&sel.flow_ids, &sel.n_flows, flow_file, why,
	                                      sizeof why)) {
		fprintf(stderr, "tcpladder report: --flow-file %s\n", why);
		cli_select_free(&sel);
		return EXIT_USAGE;
	}
	/* Before report_write, which makes DIR first: a wrong -d leaves no
	 * empty report folder behind. */
	if (!cli_db_readable("tcpladder report", db_path, stderr)) {
		cli_select_free(&sel);
		return EXIT_SOME_FAILED;
	}
	char err[1024];
	if (where && narrow_by_where(db_path, where, &sel, err, sizeof err)) {
		fprintf(stderr, "tcpladder report: %s\n", err);
		cli_select_free(&sel);
		return EXIT_SOME_FAILED;
	}
	if (opt.standalone && pcap) {
		fprintf(stderr, "tcpladder report: --pcap writes files beside a report's pages;"
		                " for one flow's packets use tcpladder extract --flow ID -o FILE.pcap\n");
		cli_select_free(&sel);
		return EXIT_USAGE;
	}
	if (opt.standalone) {
		status = write_standalone(db_path, &sel, &opt, dir_given ? dir : NULL, quiet);
		cli_select_free(&sel);
		return status;
	}
	struct db_selection view = cli_select_view(&sel);
	bool selected = sel.n_flows || sel.n_captures || sel.only_notable || where || flow_file;
	if (!all && !selected)
		opt.notable_pages_past = REPORT_NOTABLE_PAGES_PAST;
	opt.progress = !quiet && isatty(STDERR_FILENO);
	int64_t flows = 0, pages = 0;
	int rc = report_write(db_path, &view, &opt, dir, &flows, &pages, err, sizeof err);
	if (rc != 0) {
		fprintf(stderr, "tcpladder report: %s\n", err);
		status = EXIT_SOME_FAILED;
	}
	if (rc >= 0 && !quiet && pages < flows) {
		fprintf(stderr, "tcpladder: report of %lld flows written, with pages for the %lld"
		        " notable; --all writes a page for every flow; open %s/index.html\n",
		        (long long)flows, (long long)pages, dir);
	} else if (rc >= 0 && !quiet) {
		fprintf(stderr, "tcpladder: report of %lld flow%s written; open %s/index.html\n",
		        (long long)flows, flows == 1 ? "" : "s", dir);
	}
	if (rc == 0 && pcap)
		status = write_pcaps(db_path, dir, quiet);
	cli_select_free(&sel);
	return status;
}
