/* cmd_show: `tcpladder show [-d DB] FLOW`, a flow's ladder in the
 * terminal. It parses the options, decides what the terminal gets (its
 * width, whether to colour), reads the flow's rows (its row through
 * db_show.h; then the flow page's own reads, db_report.h: its
 * transitions, its first and last --max-segments segments and the gap
 * between) and hands them to
 * show_ladder.c, writing its text out row by row: a long flow shown with
 * --all never sits whole in memory. No SQL and no layout here. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli_db.h"
#include "cmd.h"
#include "db_report.h"
#include "db_show.h"
#include "report.h"
#include "show_ladder.h"

const char cmd_show_usage[] =
	"usage: tcpladder show [-d DB] [--color WHEN] [--width N] [--max-segments N]\n"
	"                      [--all] FLOW\n"
	"\n"
	"Prints flow FLOW's ladder (FLOW is flows.id): a line per segment, client\n"
	"left and server right, an arrow labelled as tcpdump prints the segment\n"
	"with relative numbers, each endpoint's state beside its rail where the\n"
	"capture proves the change, and the time since the flow's first segment.\n"
	"A long flow shows its first and last segments with a counted gap, as its\n"
	"page does.\n"
	"\n"
	"  -d, --db DB           database file (default tcpladder.db)\n"
	"  --color WHEN          auto (default: on a terminal, unless NO_COLOR is set\n"
	"                        or TERM is dumb), always or never\n"
	"  --width N             columns a line takes (default the terminal's, else 100)\n"
	"  --max-segments N      a long flow shows its first and last N segments\n"
	"                        (default 200)\n"
	"  --all                 every segment, however long the flow\n"
	"\n"
	"Exit status: 0 shown, 1 no such flow or the database failed, 2 usage.\n";

struct show_args {
	const char *db_path, *color, *width, *max_segments, *flow;
	bool all, help;
};

/* A whole decimal number in [lo, hi], else false. */
static bool parse_range(const char *s, int64_t lo, int64_t hi, int64_t *v)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return false;
	*v = n;
	return true;
}

/* Colour by default only where someone reads it: a terminal that has
 * colours, and no NO_COLOR (no-color.org: set to anything non-empty). */
static bool auto_color(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
	return isatty(STDOUT_FILENO) && !(no && *no) && !(term && strcmp(term, "dumb") == 0);
}

static int terminal_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 100;
}

/* Fills a; -1 to go on, or the exit status to return now. */
static int parse_args(int argc, char **argv, struct show_args *a)
{
	enum { OPT_COLOR = 256, OPT_WIDTH, OPT_MAX_SEGMENTS, OPT_ALL };
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"color", required_argument, NULL, OPT_COLOR},
		{"width", required_argument, NULL, OPT_WIDTH},
		{"max-segments", required_argument, NULL, OPT_MAX_SEGMENTS},
		{"all", no_argument, NULL, OPT_ALL},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	/* Values are checked after the loop: --help wins over a bad one. */
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': a->db_path = optarg; break;
		case 'h': a->help = true; break;
		case OPT_COLOR: a->color = optarg; break;
		case OPT_WIDTH: a->width = optarg; break;
		case OPT_MAX_SEGMENTS: a->max_segments = optarg; break;
		case OPT_ALL: a->all = true; break;
		default:
			fputs("Try 'tcpladder show --help' for its options.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (a->help) {
		fputs(cmd_show_usage, stdout);
		return EXIT_OK;
	}
	if (optind >= argc) {
		fprintf(stderr, "tcpladder show: which flow? give its id (flows_view.id)\n");
		fputs("Try 'tcpladder show --help' for its options.\n", stderr);
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "tcpladder show: one flow at a time, not '%s' too\n",
		        argv[optind + 1]);
		return EXIT_USAGE;
	}
	a->flow = argv[optind];
	return -1;
}

/* What the ladder is drawn with, from the arguments; false after saying
 * which value is wrong. */
static bool options_from(const struct show_args *a, struct show_options *opt,
                         int64_t *flow_id, int64_t *keep)
{
	int64_t v;
	if (!parse_range(a->flow, 0, INT64_MAX, flow_id)) {
		fprintf(stderr, "tcpladder show: a flow is given by its id (a number such as 7), "
		                "not '%s'\n", a->flow);
		return false;
	}
	if (!a->color || strcmp(a->color, "auto") == 0) {
		opt->color = auto_color();
	} else if (strcmp(a->color, "always") == 0 || strcmp(a->color, "never") == 0) {
		opt->color = a->color[0] == 'a';
	} else {
		fprintf(stderr, "tcpladder show: --color is auto, always or never, not '%s'\n",
		        a->color);
		return false;
	}
	if (!a->width) {
		opt->width = terminal_width();
	} else if (parse_range(a->width, SHOW_MIN_WIDTH, 100000, &v)) {
		opt->width = (int)v;
	} else {
		fprintf(stderr, "tcpladder show: --width is a number of columns from %d up, not '%s'\n",
		        SHOW_MIN_WIDTH, a->width);
		return false;
	}
	*keep = REPORT_DEFAULT_MAX_SEGMENTS;
	if (a->max_segments && !parse_range(a->max_segments, 1, INT64_MAX / 4, keep)) {
		fprintf(stderr, "tcpladder show: --max-segments is a number from 1 up, not '%s'\n",
		        a->max_segments);
		return false;
	}
	if (a->all)
		*keep = -1;
	return true;
}

/* The flow being shown, from inside db_get_flow's callback. */
struct showing {
	struct db *db;
	const struct show_options *opt;
	int64_t keep;          /* segments kept at each end; -1 all */
	struct show_ladder *ld;
	struct show_text out;
	struct db_segment_gap gap;
	bool gap_shown, oom, write_failed;
	int rc;                /* a db_each_* result */
};

/* The text so far onto stdout. */
static void flush_out(struct showing *sh)
{
	if (sh->out.oom)
		sh->oom = true;
	if (sh->out.len && fwrite(sh->out.p, 1, sh->out.len, stdout) != sh->out.len)
		sh->write_failed = true;
	sh->out.len = 0;
}

static int transition_row(const struct db_transition_info *t, void *user)
{
	struct showing *sh = user;
	if (show_ladder_add_transition(sh->ld, t) != 0) {
		sh->oom = true;
		return 1;
	}
	return 0;
}

static int segment_row(const struct db_segment_info *s, void *user)
{
	struct showing *sh = user;
	/* The gap goes before the first segment after it, as on the page. */
	if (sh->gap.segments > 0 && !sh->gap_shown && s->frame > sh->gap.last_frame) {
		show_ladder_gap(sh->ld, &sh->gap, &sh->out);
		sh->gap_shown = true;
	}
	show_ladder_segment(sh->ld, s, &sh->out);
	if (sh->out.len >= 1 << 16)
		flush_out(sh);
	/* A closed pipe (show 7 | head) ends the reading too. */
	return sh->oom || sh->write_failed || ferror(stdout) ? 1 : 0;
}

static int show_flow(const struct db_flow_info *f, void *user)
{
	struct showing *sh = user;
	sh->ld = show_ladder_new(f, sh->opt);
	if (!sh->ld) {
		sh->oom = true;
		return 1;
	}
	sh->rc = db_each_flow_transition(sh->db, f, transition_row, sh);
	if (sh->rc)
		return 1;
	/* A flow no longer than both ends' worth is whole: no gap to count. */
	if (sh->keep >= 0 && f->packets > 2 * sh->keep &&
	    (sh->rc = db_segment_gap(sh->db, f->id, sh->keep, sh->keep, &sh->gap)) != 0)
		return 1;
	show_ladder_head(sh->ld, &sh->out);
	sh->rc = db_each_segment(sh->db, f->id, sh->keep, sh->keep, segment_row, sh);
	flush_out(sh);
	return 0;
}

static int run_show(const struct show_args *a)
{
	struct show_options opt = {0};
	int64_t flow_id, keep;
	if (!options_from(a, &opt, &flow_id, &keep)) {
		fputs("Try 'tcpladder show --help' for its options.\n", stderr);
		return EXIT_USAGE;
	}
	if (!cli_db_readable("tcpladder show", a->db_path, stderr))
		return EXIT_SOME_FAILED;
	char err[512];
	struct db *db = db_open_readonly(a->db_path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "tcpladder show: %s: %s\n", a->db_path, err);
		return EXIT_SOME_FAILED;
	}
	struct showing sh = {.db = db, .opt = &opt, .keep = keep};
	int found = db_show_flow(db, flow_id, show_flow, &sh);
	int status = EXIT_OK;
	if (found == 0) {
		fprintf(stderr, "tcpladder show: no flow %" PRId64 " in %s (flows_view.id "
		                "numbers them)\n", flow_id, a->db_path);
		status = EXIT_SOME_FAILED;
	} else if (found < 0 || sh.rc < 0) {
		fprintf(stderr, "tcpladder show: %s: %s\n", a->db_path, db_error(db));
		status = EXIT_SOME_FAILED;
	} else if (sh.oom) {
		fprintf(stderr, "tcpladder show: out of memory\n");
		status = EXIT_SOME_FAILED;
	} else if (sh.write_failed || fflush(stdout) != 0 || ferror(stdout)) {
		/* A reader that stopped early (| head) is no failure of ours. */
		if (errno != EPIPE) {
			fprintf(stderr, "tcpladder show: (stdout): %s\n", strerror(errno ? errno : EIO));
			status = EXIT_SOME_FAILED;
		}
	}
	show_ladder_free(sh.ld);
	show_text_free(&sh.out);
	db_close(db);
	return status;
}

int cmd_show(int argc, char **argv)
{
	struct show_args a = {.db_path = "tcpladder.db"};
	int status = parse_args(argc, argv, &a);
	return status < 0 ? run_show(&a) : status;
}
