/* cmd_export: `tcpladder export {flows|segments|transitions|conn-log|
 * sightings|clock}`.
 * Parses options, opens the database read-only and writes one view
 * (flows_view, segments_view, transitions_view) to a file or stdout, as
 * RFC 4180 CSV (a header row of the view's column names, then its rows as
 * the database holds them, NULL as an empty field) or as JSON Lines (one
 * object per row, made by SQLite: db_export.h); or the flows as Zeek's
 * conn.log (conn_log.h); or what `pair` wrote (db_pair.h), as CSV. The
 * rows come through db_report.h, db_export.h and db_pair.h; this file holds no SQL and decides only what the user
 * sees. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli_db.h"
#include "cli_select.h"
#include "cmd.h"
#include "conn_log.h"
#include "csv.h"
#include "db_export.h"
#include "db_pair.h"
#include "db_report.h"

const char cmd_export_usage[] =
	"usage: tcpladder export {flows|segments|transitions|conn-log|sightings|clock}\n"
	"                        [-d DB] [-o FILE] [--format csv|jsonl]\n"
	"                        [--flow ID...] [--capture ID...]\n"
	"\n"
	"Writes flows_view, segments_view or transitions_view as CSV (RFC 4180,\n"
	"CRLF line ends: a header row of the view's column names, then every\n"
	"row; an empty field is NULL) or as JSON Lines (one object per row, keyed\n"
	"by the view's column names; numbers as numbers, NULL as null). conn-log\n"
	"writes the flows as Zeek's conn.log (tab-separated, with its #fields and\n"
	"#types headers; '-' where tcpladder has no value), with uid and\n"
	"community_id to join it with Zeek's and Suricata's logs. sightings\n"
	"(sightings_view) and clock (clock_fits, with both vantages) are what\n"
	"tcpladder pair wrote, as CSV.\n"
	"\n"
	"  -d, --db DB        database file (default tcpladder.db)\n"
	"  -o, --output FILE  write to FILE instead of standard output\n"
	"  --format FORMAT    csv (the default) or jsonl, for a view\n"
	"  --flow ID          only this flow; repeat it or give a list: --flow 1,2\n"
	"  --capture ID       only flows of this capture; repeat it or give a list\n"
	"\n"
	"Exit status: 0 written, 1 the database or the file failed, 2 usage.\n";

enum export_format { FORMAT_CSV, FORMAT_JSONL, FORMAT_CONN_LOG, FORMAT_PAIR_CSV };

static const struct {
	const char *name;
	enum db_view view;
	enum export_format own;  /* FORMAT_CSV: a view, --format chooses */
	enum db_pair_table pair; /* with FORMAT_PAIR_CSV */
} tables[] = {
	{"flows", DB_VIEW_FLOWS, FORMAT_CSV, 0},
	{"segments", DB_VIEW_SEGMENTS, FORMAT_CSV, 0},
	{"transitions", DB_VIEW_TRANSITIONS, FORMAT_CSV, 0},
	{"conn-log", DB_VIEW_FLOWS, FORMAT_CONN_LOG, 0},
	{"sightings", DB_VIEW_FLOWS, FORMAT_PAIR_CSV, DB_PAIR_SIGHTINGS},
	{"clock", DB_VIEW_FLOWS, FORMAT_PAIR_CSV, DB_PAIR_CLOCK},
};

struct export_out {
	FILE *out;
	int write_errno;   /* the first write error's errno, 0 while none */
};

static int write_row(int ncols, const char *const *names,
                     const char *const *values, void *user)
{
	struct export_out *w = user;
	/* The header first (values NULL), then the rows. */
	for (int i = 0; i < ncols; i++)
		csv_field(w->out, values ? values[i] : names[i], i == 0);
	csv_end(w->out);
	/* A closed pipe or a full disk: stop now, and read errno before
	 * SQLite has a chance to change it. */
	if (ferror(w->out)) {
		w->write_errno = errno ? errno : EIO;
		return 1;
	}
	return 0;
}

static int write_json(const char *json, size_t len, void *user)
{
	struct export_out *w = user;
	fwrite(json, 1, len, w->out);
	fputc('\n', w->out);
	if (ferror(w->out)) {
		w->write_errno = errno ? errno : EIO;
		return 1;
	}
	return 0;
}

static int write_conn(const struct db_conn_row *row, void *user)
{
	struct export_out *w = user;
	if (conn_log_row(w->out, row)) {
		w->write_errno = EIO;
		return 1;
	}
	if (ferror(w->out)) {
		w->write_errno = errno ? errno : EIO;
		return 1;
	}
	return 0;
}

/* The rows in their format; db_* functions' return. */
static int write_rows(struct db *db, enum db_view view, enum export_format format,
                      enum db_pair_table pair, const struct db_selection *sel,
                      struct export_out *w)
{
	if (format == FORMAT_PAIR_CSV)
		return db_pair_each_row(db, pair, sel, write_row, w);
	if (format == FORMAT_JSONL)
		return db_each_view_json(db, view, sel, write_json, w);
	if (format == FORMAT_CSV)
		return db_each_view_row(db, view, sel, write_row, w);
	conn_log_head(w->out, time(NULL));
	int rc = db_each_conn_row(db, sel, write_conn, w);
	if (rc == 0 && !w->write_errno)
		conn_log_close(w->out, time(NULL));
	return rc;
}

/* The view into out; 0, or -1 after telling the user why. */
static int export_view(struct db *db, enum db_view view, enum export_format format,
                       enum db_pair_table pair, const struct db_selection *sel, FILE *out,
                       const char *db_path, const char *out_name)
{
	struct export_out w = {.out = out};
	int rc = write_rows(db, view, format, pair, sel, &w);
	if (w.write_errno) {
		fprintf(stderr, "tcpladder export: %s: %s\n", out_name,
		        strerror(w.write_errno));
		return -1;
	}
	if (rc != 0) {
		fprintf(stderr, "tcpladder export: %s: %s\n", db_path, db_error(db));
		return -1;
	}
	/* The buffer's last bytes are written here: a failure now is as much
	 * a failed export as one in the middle. */
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "tcpladder export: %s: %s\n", out_name,
		        strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* What the command line asked for. */
struct export_args {
	const char *db_path, *out_path;   /* out_path NULL or "-": stdout */
	enum db_view view;
	enum export_format format;
	enum db_pair_table pair; /* with FORMAT_PAIR_CSV */
	struct cli_selection sel;
};

/* Opens, writes, closes: the exit status of a well-formed command. */
static int run_export(const struct export_args *a)
{
	/* The database first: a missing one must not leave an empty FILE. */
	if (!cli_db_readable("tcpladder export", a->db_path, stderr))
		return EXIT_SOME_FAILED;
	char err[512];
	struct db *db = db_open_readonly(a->db_path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "tcpladder export: %s: %s\n", a->db_path, err);
		return EXIT_SOME_FAILED;
	}
	bool to_stdout = !a->out_path || strcmp(a->out_path, "-") == 0;
	FILE *out = to_stdout ? stdout : fopen(a->out_path, "wb");
	if (!out) {
		fprintf(stderr, "tcpladder export: %s: %s\n", a->out_path,
		        strerror(errno));
		db_close(db);
		return EXIT_SOME_FAILED;
	}
	struct stat st;
	bool regular = !to_stdout && fstat(fileno(out), &st) == 0 &&
	               S_ISREG(st.st_mode);
	struct db_selection sel = cli_select_view(&a->sel);
	int rc = export_view(db, a->view, a->format, a->pair, &sel, out, a->db_path,
	                     to_stdout ? "(stdout)" : a->out_path);
	db_close(db);
	if (!to_stdout) {
		if (fclose(out) != 0 && rc == 0) {
			fprintf(stderr, "tcpladder export: %s: %s\n", a->out_path,
			        strerror(errno));
			rc = -1;
		}
		/* Half a CSV looks whole to the script that reads it next; but
		 * a device or a pipe (-o /dev/full) is not ours to remove. */
		if (rc != 0 && regular)
			remove(a->out_path);
	}
	return rc == 0 ? EXIT_OK : EXIT_SOME_FAILED;
}

/* Fills a; returns -1 to go on, or the exit status to return now. */
static int parse_args(int argc, char **argv, struct export_args *a)
{
	enum { OPT_FLOW = 256, OPT_CAPTURE, OPT_FORMAT };
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"flow", required_argument, NULL, OPT_FLOW},
		{"capture", required_argument, NULL, OPT_CAPTURE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	const char *format = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:o:h", longopts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case 'd': a->db_path = optarg; break;
		case 'o': a->out_path = optarg; break;
		case 'h': fputs(cmd_export_usage, stdout); return EXIT_OK;
		case OPT_FORMAT: format = optarg; continue;
		case OPT_FLOW:
			ok = cli_select_add(&a->sel.flow_ids, &a->sel.n_flows, optarg);
			break;
		case OPT_CAPTURE:
			ok = cli_select_add(&a->sel.capture_ids, &a->sel.n_captures, optarg);
			break;
		default:
			fputs("Try 'tcpladder export --help' for its options.\n", stderr);
			return EXIT_USAGE;
		}
		if (!ok) {
			fprintf(stderr, "tcpladder export: --%s wants ids such as 7 or 1,2, not '%s'\n",
			        c == OPT_FLOW ? "flow" : "capture", optarg);
			return EXIT_USAGE;
		}
	}
	/* Checked after the loop: --help anywhere prints the help. */
	if (format && strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0) {
		fprintf(stderr, "tcpladder export: --format is csv or jsonl, not '%s'\n", format);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "tcpladder export: which table? flows, segments, transitions,"
		                " conn-log, sightings or clock\n");
		fputs("Try 'tcpladder export --help' for its options.\n", stderr);
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "tcpladder export: one table at a time, not '%s' too\n",
		        argv[optind + 1]);
		return EXIT_USAGE;
	}
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		if (strcmp(tables[t].name, argv[optind]) != 0)
			continue;
		a->view = tables[t].view;
		a->pair = tables[t].pair;
		if (tables[t].own != FORMAT_CSV && format) {
			fprintf(stderr, "tcpladder export: %s has its own format;"
			                " --format is for flows, segments and transitions\n",
			        tables[t].name);
			return EXIT_USAGE;
		}
		a->format = tables[t].own != FORMAT_CSV                ? tables[t].own
		            : format && strcmp(format, "jsonl") == 0 ? FORMAT_JSONL
		                                                     : FORMAT_CSV;
		return -1;
	}
	fprintf(stderr, "tcpladder export: no table '%s' (flows, segments, transitions,"
	                " conn-log, sightings or clock)\n",
	        argv[optind]);
	return EXIT_USAGE;
}

int cmd_export(int argc, char **argv)
{
	struct export_args a = {.db_path = "tcpladder.db"};
	int status = parse_args(argc, argv, &a);
	if (status < 0)
		status = run_export(&a);
	cli_select_free(&a.sel);
	return status;
}
