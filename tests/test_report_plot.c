/* report_plot: the time/sequence graph counted against the flow's
 * segments. The binning alone (report_plot_bins.h) on made-up segments:
 * a mark per segment while each has a column, at most a column's worth
 * for a million, SACK edges read from the options' text. Then pages
 * written from captures and parsed back: every data, retransmission, SYN
 * and FIN segment of the database has its mark in its own column, for
 * the seed's 13 segments and for a 200 000-segment bulk transfer with
 * losses (written here: it stands for a long download over a lossy path,
 * with SACK), where marks stay within the plot's columns, the window
 * edge runs above the ACK line and no panel is empty. */
#include <check.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "capwrite.h"
#include "report.h"
#include "report_plot.h"
#include "suites.h"
#include "testutil.h"

#define CORPUS "../../shared/corpus"

/* ---- the binning alone ---------------------------------------------------- */

static struct plot_seg data_seg(int64_t ts_ns, bool client, int64_t seq, int64_t len)
{
	return (struct plot_seg){.ts_ns = ts_ns, .from_client = client, .rel_seq = seq,
	                         .len = len};
}

START_TEST(bins_give_each_segment_its_mark)
{
	struct plot_bins b;
	plot_bins_init(&b, 100, 0, 99000000);
	/* Ten segments, one per column 0, 11, 22, ... (1 ms a column). */
	for (int i = 0; i < 10; i++) {
		struct plot_seg s = data_seg(i * 11000000, true, i * 100, 100);
		s.retrans = i == 4;
		ck_assert_int_eq(plot_bins_add(&b, &s), 0);
	}
	ck_assert_uint_eq(b.dir[0].n, 10);
	ck_assert_uint_eq(b.dir[1].n, 0);
	for (int i = 0; i < 10; i++) {
		const struct plot_col *c = &b.dir[0].col[i];
		ck_assert_int_eq(c->x, i * 11);
		const struct plot_range *r = i == 4 ? &c->retx : &c->data;
		const struct plot_range *other = i == 4 ? &c->data : &c->retx;
		ck_assert_int_eq(r->lo, i * 100);
		ck_assert_int_eq(r->hi, i * 100 + 100);
		ck_assert_int_gt(other->lo, other->hi);
	}
	ck_assert_int_eq(b.dir[0].extent.lo, 0);
	ck_assert_int_eq(b.dir[0].extent.hi, 1000);
	plot_bins_free(&b);
}
END_TEST

/* A million segments: the columns hold them all, each column the range
 * of its segments, and memory stays the columns'. */
START_TEST(bins_of_a_million_segments_stay_within_the_columns)
{
	enum { N = 1000000, COLS = 1000 };
	struct plot_bins b;
	plot_bins_init(&b, COLS, 0, (int64_t)(N - 1) * 1000);
	for (int64_t i = 0; i < N; i++) {
		struct plot_seg s = data_seg(i * 1000, true, i * 1448, 1448);
		struct plot_seg a = {.ts_ns = i * 1000 + 500, .from_client = false,
		                     .has_ack = true, .rel_ack = (i + 1) * 1448, .win = 65535};
		ck_assert_int_eq(plot_bins_add(&b, &s), 0);
		ck_assert_int_eq(plot_bins_add(&b, &a), 0);
	}
	ck_assert_uint_eq(b.dir[0].n, COLS);
	ck_assert_uint_le(b.dir[0].cap, COLS);
	ck_assert_uint_eq(b.dir[0].segments, N);
	ck_assert_uint_eq(b.dir[0].acks, N);
	/* Every segment lies in its column's tick. */
	for (int64_t i = 0; i < N; i += 997) {
		int x = plot_bins_column(&b, i * 1000);
		const struct plot_col *c = &b.dir[0].col[x];
		ck_assert_int_eq(c->x, x);
		ck_assert_int_le(c->data.lo, i * 1448);
		ck_assert_int_ge(c->data.hi, (i + 1) * 1448);
	}
	/* The window edge above the ACK, in every column. */
	for (size_t k = 0; k < b.dir[0].n; k++) {
		ck_assert(b.dir[0].col[k].ack);
		ck_assert_int_eq(b.dir[0].col[k].win_at - b.dir[0].col[k].ack_at, 65535);
	}
	plot_bins_free(&b);
}
END_TEST

/* A clock stepping back puts a segment in an earlier column: found or
 * inserted in order. */
START_TEST(bins_keep_columns_in_order_when_time_steps_back)
{
	struct plot_bins b;
	plot_bins_init(&b, 10, 0, 9000000);
	int64_t order[] = {5, 7, 2, 7, 0, 9, 2};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		struct plot_seg s = data_seg(order[i] * 1000000, false, (int64_t)i * 10, 10);
		ck_assert_int_eq(plot_bins_add(&b, &s), 0);
	}
	int want[] = {0, 2, 5, 7, 9};
	ck_assert_uint_eq(b.dir[1].n, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(b.dir[1].col[i].x, want[i]);
	/* Column 2 got segments 2 and 6: seq 20..30 and 60..70. */
	ck_assert_int_eq(b.dir[1].col[1].data.lo, 20);
	ck_assert_int_eq(b.dir[1].col[1].data.hi, 70);
	plot_bins_free(&b);
}
END_TEST

START_TEST(sack_edges_are_read_relative_to_the_ack)
{
	int64_t s[PLOT_MAX_SACK][2];
	ck_assert_int_eq(plot_parse_sack(NULL, 0, 0, s), 0);
	ck_assert_int_eq(plot_parse_sack("mss 1460,sackOK,TS val 1 ecr 2", 0, 0, s), 0);
	ck_assert_int_eq(plot_parse_sack("sack 2 {1100:1200}{1300:1400}", 1000, 1, s), 2);
	ck_assert_int_eq(s[0][0], 101);
	ck_assert_int_eq(s[0][1], 201);
	ck_assert_int_eq(s[1][0], 301);
	ck_assert_int_eq(s[1][1], 401);
	/* Past the 32-bit wrap: edge 4 is 10 after ack 4294967290. */
	ck_assert_int_eq(plot_parse_sack("TS val 5 ecr 6,sack 1 {4:9}", 4294967290, 70, s),
	                 1);
	ck_assert_int_eq(s[0][0], 80);
	ck_assert_int_eq(s[0][1], 85);
	/* A D-SACK below the ack reads below it. */
	ck_assert_int_eq(plot_parse_sack("sack 1 {990:1000}", 1000, 500, s), 1);
	ck_assert_int_eq(s[0][0], 490);
	/* Text cut short keeps the whole blocks before the cut. */
	ck_assert_int_eq(plot_parse_sack("sack 3 {10:20}{30:", 0, 0, s), 1);
}
END_TEST

/* A column keeps PLOT_SACK_SLOTS ranges: overlapping ones merge, and
 * one too many joins its nearest. */
START_TEST(sack_ranges_merge_within_a_column)
{
	struct plot_bins b;
	plot_bins_init(&b, 10, 0, 9000);
	struct plot_seg a = {.ts_ns = 0, .has_ack = true, .rel_ack = 100, .n_sack = 2,
	                     .sack = {{200, 300}, {400, 500}}};
	ck_assert_int_eq(plot_bins_add(&b, &a), 0);
	a.sack[0][0] = 250, a.sack[0][1] = 420; /* joins both */
	a.sack[1][0] = 600, a.sack[1][1] = 700;
	ck_assert_int_eq(plot_bins_add(&b, &a), 0);
	/* The server's ACKs: SACKs of the client's data, in its panel. */
	const struct plot_col *c = &b.dir[0].col[0];
	ck_assert_int_eq(c->n_sack, 2);
	a.n_sack = 2;
	a.sack[0][0] = 800, a.sack[0][1] = 900;
	a.sack[1][0] = 1000, a.sack[1][1] = 1100; /* a fourth: joins 800..900 */
	ck_assert_int_eq(plot_bins_add(&b, &a), 0);
	c = &b.dir[0].col[0];
	ck_assert_int_eq(c->n_sack, PLOT_SACK_SLOTS);
	bool whole = false, joined = false;
	for (int i = 0; i < c->n_sack; i++) {
		whole |= c->sack[i].lo == 200 && c->sack[i].hi == 500;
		joined |= c->sack[i].lo == 800 && c->sack[i].hi == 1100;
	}
	ck_assert(whole && joined);
	plot_bins_free(&b);
}
END_TEST

/* ---- pages ------------------------------------------------------------------ */

struct page {
	char dir[64], db[128], html[128];
	int64_t flow_id;
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
};

static void page_write(struct page *pg, int64_t flow_id)
{
	pg->flow_id = flow_id;
	snprintf(pg->html, sizeof pg->html, "%s/flow%lld.html", pg->dir, (long long)flow_id);
	char err[512] = "";
	struct db *db = db_open_readonly(pg->db, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	struct report_options opt = {200, REPORT_DEFAULT_FLOWS_PER_PAGE};
	ck_assert_msg(report_flow_page(db, flow_id, &opt, pg->html, err, sizeof err) == 0,
	              "report_flow_page: %s", err);
	db_close(db);
	pg->doc = htmlReadFile(pg->html, "UTF-8",
	                       HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ck_assert_ptr_nonnull(pg->doc);
	pg->xp = xmlXPathNewContext(pg->doc);
	ck_assert_ptr_nonnull(pg->xp);
}

static void page_unload(struct page *pg)
{
	xmlXPathFreeContext(pg->xp);
	xmlFreeDoc(pg->doc);
	pg->xp = NULL;
	pg->doc = NULL;
}

/* Ingest capture into a scratch database (the directory kept for pages). */
static void page_db(struct page *pg, const char *capture)
{
	struct ingest_result res;
	tu_scratch_dir(pg->dir);
	snprintf(pg->db, sizeof pg->db, "%s/t.db", pg->dir);
	tu_ingest(pg->db, capture, NULL, &res);
	ck_assert_msg(res.outcome == INGEST_OK || res.outcome == INGEST_PARTIAL, "%s: %s",
	              capture, res.error);
}

static int count(struct page *pg, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, pg->xp);
	ck_assert_ptr_nonnull(o);
	int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	return n;
}

/* The d of panel dir's path of class cls (malloc'd), or NULL when the
 * panel has none. */
static char *path_d(struct page *pg, const char *dir, const char *cls)
{
	char expr[256];
	snprintf(expr, sizeof expr,
	         "//svg[@class='plot']/g[@class='p-panel'][@data-direction='%s']"
	         "/path[@class='%s']/@d",
	         dir, cls);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, pg->xp);
	ck_assert_ptr_nonnull(o);
	char *d = NULL;
	if (o->nodesetval && o->nodesetval->nodeNr == 1)
		d = (char *)xmlNodeGetContent(o->nodesetval->nodeTab[0]);
	else
		ck_assert_msg(!o->nodesetval || o->nodesetval->nodeNr == 0, "%s: %d paths",
		              expr, o->nodesetval->nodeNr);
	xmlXPathFreeObject(o);
	return d;
}

/* Marks of a path: each subpath "M x y" followed by V is a bar (a tick);
 * the x of each bar into xs (sorted as drawn), or, with bars false, the x
 * of every subpath. Returns how many. */
static int marks(const char *d, bool bars, double *xs, int max)
{
	int n = 0;
	for (const char *p = d; p && (p = strchr(p, 'M'));) {
		char *end;
		double x = strtod(p + 1, &end);
		strtod(end, &end);
		if (!bars || *end == 'V') {
			ck_assert_int_lt(n, max);
			xs[n++] = x;
		}
		p = end;
	}
	return n;
}

/* The columns (as x) a query's segments fall in, one each, ascending:
 * the query selects ts_ns of the flow's segments. */
static int columns_of(struct page *pg, const char *where, double *xs, int max)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT group_concat(ts_ns) FROM (SELECT ts_ns FROM segments_view"
	         " WHERE flow_id = %lld AND %s ORDER BY frame)",
	         (long long)pg->flow_id, where);
	char *list = tu_query(pg->db, sql);
	snprintf(sql, sizeof sql, "SELECT first_ts_ns || ',' || last_ts_ns FROM flows"
	                          " WHERE id = %lld", (long long)pg->flow_id);
	char *span = tu_query(pg->db, sql);
	long long t0, t1;
	ck_assert_int_eq(sscanf(span, "%lld,%lld", &t0, &t1), 2);
	struct plot_bins b;
	plot_bins_init(&b, PLOT_COLUMNS, t0, t1);
	char *seen = calloc(PLOT_COLUMNS, 1);
	ck_assert_ptr_nonnull(seen);
	/* tu_query's "1,2,3\n"; "\n" when none. */
	for (char *p = list; *p && *p != '\n';) {
		char *end;
		long long ts = strtoll(p, &end, 10);
		ck_assert_ptr_ne(end, p);
		seen[plot_bins_column(&b, ts)] = 1;
		p = *end == ',' ? end + 1 : end;
	}
	int n = 0;
	for (int c = 0; c < PLOT_COLUMNS; c++)
		if (seen[c]) {
			ck_assert_int_lt(n, max);
			xs[n++] = report_plot_column_x(c);
		}
	free(seen);
	free(list);
	free(span);
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The marks of kind cls in panel dir are the columns of the segments
 * `where` selects (sent in that direction): one mark per column. */
static void assert_marks(struct page *pg, const char *dir, const char *cls, bool bars,
                         const char *where)
{
	static double got[4 * PLOT_COLUMNS], want[PLOT_COLUMNS];
	char sel[256];
	snprintf(sel, sizeof sel, "from_client = %d AND %s", strcmp(dir, "client") == 0,
	         where);
	int n_want = columns_of(pg, sel, want, PLOT_COLUMNS);
	char *d = path_d(pg, dir, cls);
	int n_got = marks(d, bars, got, 4 * PLOT_COLUMNS);
	xmlFree(d);
	qsort(got, (size_t)n_got, sizeof got[0], cmp_double);
	ck_assert_msg(n_got == n_want, "flow %lld %s %s: %d marks for %d columns of segments",
	              (long long)pg->flow_id, dir, cls, n_got, n_want);
	for (int i = 0; i < n_got; i++)
		ck_assert_msg(fabs(got[i] - want[i]) < 0.01, "%s %s: mark at x %g, segment at %g",
		              dir, cls, got[i], want[i]);
}

#define DATA  "len > 0 AND analysis & 7 = 0"
#define RETX  "len > 0 AND analysis & 7 != 0"
#define SYN   "flags & 2"
#define FIN   "flags & 1"
#define RST   "flags & 4"

/* The svg's own markup, for its size and attributes. */
static char *plot_markup(struct page *pg)
{
	char *html = tu_slurp(pg->html);
	char *a = strstr(html, "<p class=p-key");
	char *b = a ? strstr(a, "</svg>") : NULL;
	ck_assert_msg(a && b, "%s: no plot", pg->html);
	b[6] = '\0';
	char *svg = strdup(a);
	free(html);
	return svg;
}

START_TEST(seed_plot_marks_every_segment)
{
	struct page pg;
	page_db(&pg, "../examples/seed.pcap");
	page_write(&pg, 1);
	ck_assert_int_eq(count(&pg, "//svg[@class='plot']/g[@class='p-panel']"), 2);
	static const char *const dirs[] = {"client", "server"};
	for (int i = 0; i < 2; i++) {
		assert_marks(&pg, dirs[i], "p-data", true, DATA);
		assert_marks(&pg, dirs[i], "p-syn", false, SYN);
		assert_marks(&pg, dirs[i], "p-fin", false, FIN);
	}
	/* The key names what is drawn, nothing else: the seed has neither
	 * retransmission, SACK nor RST. */
	static const char *const kinds[] = {"p-data", "p-retx", "p-ack", "p-win",
	                                    "p-sack", "p-syn",  "p-fin", "p-rst"};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		char in_key[96], marks[96];
		snprintf(in_key, sizeof in_key, "//p[@class='p-key']/i[@class='%s']", kinds[k]);
		snprintf(marks, sizeof marks, "//svg[@class='plot']//path[@class='%s']", kinds[k]);
		bool absent = k == 1 || k == 4 || k == 7;
		ck_assert_int_eq(count(&pg, in_key), absent ? 0 : 1);
		ck_assert_int_eq(count(&pg, marks) > 0, !absent);
	}
	/* 13 segments: a tick each for the 3 carrying data, as the database
	 * says. */
	ck_assert_int_eq(tu_query_int(pg.db, "SELECT count(*) FROM segments WHERE len > 0"),
	                 3);

	/* Lean: classes, no presentation attributes, no script; about 2 KB. */
	char *svg = plot_markup(&pg);
	static const char *const banned[] = {" stroke=", " fill=", " font-", " style=",
	                                     "<script", " text-anchor="};
	for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
		ck_assert_msg(!strstr(svg, banned[i]), "plot holds %s", banned[i]);
	ck_assert_msg(strlen(svg) < 2600, "plot is %zu bytes", strlen(svg));
	free(svg);
	page_unload(&pg);
	tu_sh("rm -rf '%s'", pg.dir);
}
END_TEST

/* Every example flow: its retransmissions and RSTs too, and a panel only
 * for a direction with something to draw. */
START_TEST(example_plots_mark_every_segment)
{
	struct page pg;
	tu_scratch_dir(pg.dir);
	snprintf(pg.db, sizeof pg.db, "%s/t.db", pg.dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s ../examples", pg.db), 0);
	long long flows = tu_query_int(pg.db, "SELECT count(*) FROM flows");
	ck_assert_int_gt(flows, 8);
	bool retx_seen = false;
	for (long long id = 1; id <= flows; id++) {
		page_write(&pg, id);
		static const char *const dirs[] = {"client", "server"};
		for (int i = 0; i < 2; i++) {
			char expr[160];
			snprintf(expr, sizeof expr,
			         "//svg[@class='plot']/g[@class='p-panel'][@data-direction='%s']",
			         dirs[i]);
			if (count(&pg, expr) == 0) {
				/* Left out: said so, and nothing it sent had a mark. */
				ck_assert_int_eq(count(&pg, "//svg[@class='plot']/text[@class='p-note']"),
				                 1);
				char sql[256];
				snprintf(sql, sizeof sql,
				         "SELECT count(*) FROM segments WHERE flow_id = %lld AND"
				         " from_client = %d AND (len > 0 OR flags & 7)",
				         id, i == 0);
				ck_assert_int_eq(tu_query_int(pg.db, sql), 0);
				continue;
			}
			/* No empty panel: every panel has marks. */
			snprintf(expr, sizeof expr,
			         "//svg[@class='plot']/g[@class='p-panel'][@data-direction='%s']"
			         "/path[starts-with(@class, 'p-') and @class != 'p-grid'"
			         " and @class != 'p-axis']",
			         dirs[i]);
			ck_assert_int_gt(count(&pg, expr), 0);
			assert_marks(&pg, dirs[i], "p-data", true, DATA);
			assert_marks(&pg, dirs[i], "p-retx", true, RETX);
			assert_marks(&pg, dirs[i], "p-syn", false, SYN);
			assert_marks(&pg, dirs[i], "p-fin", false, FIN);
			assert_marks(&pg, dirs[i], "p-rst", false, RST);
			char *d = path_d(&pg, dirs[i], "p-retx");
			retx_seen |= d != NULL;
			xmlFree(d);
		}
		page_unload(&pg);
	}
	ck_assert_msg(retx_seen, "no example drew a retransmission");
	tu_sh("rm -rf '%s'", pg.dir);
}
END_TEST

/* A step path "M x y (H x V y)* [H x]" evaluated at x: the y it holds
 * there, or NAN before it starts. */
static double step_at(const char *d, double x)
{
	const char *p = d;
	ck_assert_int_eq(*p, 'M');
	char *end;
	double cx = strtod(p + 1, &end), cy = strtod(end, &end);
	if (x < cx)
		return NAN;
	double y = cy;
	for (p = end; *p;) {
		if (*p == 'H') {
			cx = strtod(p + 1, &end);
			if (cx > x)
				return y;
		} else if (*p == 'V') {
			y = strtod(p + 1, &end);
		} else {
			ck_abort_msg("step path: unexpected '%c'", *p);
		}
		p = end;
	}
	return y;
}

/* ---- a long flow ---------------------------------------------------------- */

#define BULK_SEGMENTS 100000
#define BULK_MSS      1000

static void frame(FILE *f, uint64_t us, bool client, uint8_t flags, uint32_t seq,
                  uint32_t ack, uint32_t len, const uint8_t *opts, uint32_t opts_len)
{
	uint8_t buf[14 + 20 + 60 + BULK_MSS];
	struct cw_tcp t = {.src = client ? 0x0a010001 : 0x0a010002,
	                   .dst = client ? 0x0a010002 : 0x0a010001,
	                   .sport = client ? 45000 : 80, .dport = client ? 80 : 45000,
	                   .seq = seq, .ack = ack, .flags = flags, .opts = opts,
	                   .opts_len = opts_len};
	uint32_t n = cw_tcp_frame(buf, &t, len);
	cw_pcap_record(f, us, buf, n, n);
}

/* A bulk upload over a lossy path: handshake with window scale 7 and
 * SACK permitted, BULK_SEGMENTS segments of BULK_MSS bytes 20 us apart,
 * each acknowledged; every 1000th is lost and sent again 20 segments
 * later, the receiver SACKing what came past the hole meanwhile; FIN
 * close. */
static void write_bulk(const char *path)
{
	static const uint8_t syn_opts[] = {2, 4, 0x05, 0xb4, 4, 2, 1, 1, 1, 3, 3, 7};
	const uint8_t S = 0x02, A = 0x10, F = 0x01, P = 0x08;
	FILE *f = cw_pcap_create(path, 1, 65535);
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	uint32_t c = 100000, s = 7000000;
	uint64_t t = 0;
	frame(f, t, true, S, c, 0, 0, syn_opts, sizeof syn_opts);
	frame(f, t += 100, false, S | A, s, c + 1, 0, syn_opts, sizeof syn_opts);
	frame(f, t += 100, true, A, c + 1, s + 1, 0, NULL, 0);
	int64_t hole = -1; /* the lost segment's index, until it is sent again */
	uint32_t highest = 0;
	for (int i = 0; i < BULK_SEGMENTS; i++) {
		uint32_t seq = c + 1 + (uint32_t)i * BULK_MSS;
		t += 20;
		if (i % 1000 == 500) {
			hole = i; /* lost: not in the capture */
			continue;
		}
		frame(f, t, true, P | A, seq, s + 1, BULK_MSS, NULL, 0);
		highest = seq + BULK_MSS;
		uint32_t hole_seq = c + 1 + (uint32_t)hole * BULK_MSS;
		if (hole >= 0 && i == hole + 20) {
			frame(f, t += 5, true, P | A, hole_seq, s + 1, BULK_MSS, NULL, 0);
			hole = -1;
		}
		if (hole >= 0) {
			uint8_t o[12] = {1, 1, 5, 10};
			uint32_t l = hole_seq + BULK_MSS, r = highest;
			for (int k = 0; k < 4; k++) {
				o[4 + k] = (uint8_t)(l >> (24 - 8 * k));
				o[8 + k] = (uint8_t)(r >> (24 - 8 * k));
			}
			frame(f, t += 5, false, A, s + 1, hole_seq, 0, o, sizeof o);
		} else {
			frame(f, t += 5, false, A, s + 1, highest, 0, NULL, 0);
		}
	}
	uint32_t end = c + 1 + BULK_SEGMENTS * BULK_MSS;
	frame(f, t += 100, true, F | A, end, s + 1, 0, NULL, 0);
	frame(f, t += 100, false, F | A, s + 1, end + 1, 0, NULL, 0);
	frame(f, t += 100, true, A, end + 1, s + 2, 0, NULL, 0);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(long_flow_plot_is_bounded_by_its_columns)
{
	struct page pg;
	char capture[160];
	tu_scratch_dir(pg.dir);
	snprintf(capture, sizeof capture, "%s/bulk.pcap", pg.dir);
	write_bulk(capture);
	char keep[64];
	memcpy(keep, pg.dir, sizeof keep);
	page_db(&pg, capture);
	tu_sh("rm -rf '%s'", keep);
	ck_assert_int_gt(tu_query_int(pg.db, "SELECT count(*) FROM segments"),
	                 2 * BULK_SEGMENTS - 300);
	ck_assert_int_gt(tu_query_int(pg.db, "SELECT count(*) FROM segments"
	                                     " WHERE analysis & 7"),
	                 50);
	page_write(&pg, 1);

	/* Both panels; every kind within the columns, and in every column a
	 * segment of its kind fell in. */
	ck_assert_int_eq(count(&pg, "//svg[@class='plot']/g[@class='p-panel']"), 2);
	assert_marks(&pg, "client", "p-data", true, DATA);
	assert_marks(&pg, "client", "p-retx", true, RETX);
	assert_marks(&pg, "client", "p-syn", false, SYN);
	assert_marks(&pg, "client", "p-fin", false, FIN);
	assert_marks(&pg, "server", "p-syn", false, SYN);
	assert_marks(&pg, "server", "p-fin", false, FIN);
	/* Its key names the retransmissions and SACK blocks the seed's has not. */
	ck_assert_int_eq(count(&pg, "//p[@class='p-key']/i[@class='p-retx']"), 1);
	ck_assert_int_eq(count(&pg, "//p[@class='p-key']/i[@class='p-sack']"), 1);
	static double xs[PLOT_SACK_SLOTS * PLOT_COLUMNS];
	char *d = path_d(&pg, "client", "p-sack");
	ck_assert_ptr_nonnull(d);
	int sacks = marks(d, true, xs, PLOT_SACK_SLOTS * PLOT_COLUMNS);
	ck_assert_int_gt(sacks, 0);
	xmlFree(d);

	/* The window edge above the ACK line (y grows downward), wherever
	 * the ACK line runs. */
	char *ack = path_d(&pg, "client", "p-ack"), *win = path_d(&pg, "client", "p-win");
	ck_assert_ptr_nonnull(ack);
	ck_assert_ptr_nonnull(win);
	int points = 0;
	for (int c = 0; c < PLOT_COLUMNS; c++) {
		double x = report_plot_column_x(c);
		double ya = step_at(ack, x), yw = step_at(win, x);
		if (isnan(ya))
			continue;
		ck_assert_msg(!isnan(yw) && yw <= ya, "column %d: window edge at %g, ACK at %g",
		              c, yw, ya);
		points++;
	}
	ck_assert_int_gt(points, PLOT_COLUMNS - 10);
	xmlFree(ack);
	xmlFree(win);

	/* The drawing stays small whatever the flow. */
	char *svg = plot_markup(&pg);
	ck_assert_msg(strlen(svg) < 64 * 1024, "plot is %zu bytes", strlen(svg));
	free(svg);
	page_unload(&pg);
	tu_sh("rm -rf '%s'", pg.dir);
}
END_TEST

/* A flow one side never answered: one panel, and a word for the other. */
START_TEST(unanswered_side_is_left_out_with_a_word)
{
	struct page pg;
	char capture[160];
	tu_scratch_dir(pg.dir);
	snprintf(capture, sizeof capture, "%s/syn.pcap", pg.dir);
	cw_write_syn_flood(capture, 1);
	char keep[64];
	memcpy(keep, pg.dir, sizeof keep);
	page_db(&pg, capture);
	tu_sh("rm -rf '%s'", keep);
	page_write(&pg, 1);
	ck_assert_int_eq(count(&pg, "//svg[@class='plot']/g[@class='p-panel']"), 1);
	ck_assert_int_eq(count(&pg, "//svg[@class='plot']/g[@class='p-panel']"
	                            "[@data-direction='client']/path[@class='p-syn']"),
	                 1);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(
	        BAD_CAST "//svg[@class='plot']/text[@class='p-note']", pg.xp);
	ck_assert_int_eq(o->nodesetval->nodeNr, 1);
	char *text = (char *)xmlNodeGetContent(o->nodesetval->nodeTab[0]);
	ck_assert_msg(strstr(text, "server \xe2\x86\x92 client") && strstr(text, "nothing"),
	              "note: %s", text);
	xmlFree(text);
	xmlXPathFreeObject(o);
	page_unload(&pg);
	tu_sh("rm -rf '%s'", pg.dir);
}
END_TEST

/* The corpus's longest flow (a real capture), when the corpus is here. */
START_TEST(corpus_longest_flow_marks_every_segment)
{
	struct page pg;
	page_db(&pg, CORPUS "/zeek__http_206_example_b.pcap");
	page_write(&pg, tu_query_int(pg.db, "SELECT id FROM flows ORDER BY packets DESC"
	                                    " LIMIT 1"));
	static const char *const dirs[] = {"client", "server"};
	for (int i = 0; i < 2; i++) {
		assert_marks(&pg, dirs[i], "p-data", true, DATA);
		assert_marks(&pg, dirs[i], "p-retx", true, RETX);
		assert_marks(&pg, dirs[i], "p-syn", false, SYN);
		assert_marks(&pg, dirs[i], "p-fin", false, FIN);
		assert_marks(&pg, dirs[i], "p-rst", false, RST);
	}
	/* Its SACK blocks (stored in segment_options) are drawn. */
	ck_assert_int_gt(tu_query_int(pg.db, "SELECT count(*) FROM segment_options"
	                                     " WHERE options LIKE '%sack %'"),
	                 0);
	ck_assert_int_gt(count(&pg, "//svg[@class='plot']//path[@class='p-sack']"), 0);
	page_unload(&pg);
	tu_sh("rm -rf '%s'", pg.dir);
}
END_TEST

/* A flow page draws the graph from the rows it holds when they are the
 * whole flow, and reads the flow again when it keeps only its ends: both
 * ways draw the same graph. The examples and (when here) a corpus capture
 * with SACK blocks, reported with every flow whole and with only each
 * flow's first and last segment kept. */
static char *plot_svg(const char *path)
{
	char *html = tu_slurp(path);
	ck_assert_msg(html != NULL, "%s: not written", path);
	char *a = strstr(html, "<svg class=plot");
	char *b = a ? strstr(a, "</svg>") : NULL;
	ck_assert_msg(a && b, "%s: no graph", path);
	char *svg = strndup(a, (size_t)(b - a));
	free(html);
	return svg;
}

START_TEST(plot_from_rows_equals_plot_from_database)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s ../examples", db), 0);
	if (access(CORPUS "/zeek__http_206_example_b.pcap", R_OK) == 0)
		ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s " CORPUS
		                       "/zeek__http_206_example_b.pcap", db), 0);
	ck_assert_int_eq(tu_sh("../tcpladder report -q --all -d %s -o %s/whole", db, dir), 0);
	ck_assert_int_eq(tu_sh("../tcpladder report -q --all --max-segments 1 -d %s -o %s/ends",
	                       db, dir), 0);
	long long flows = tu_query_int(db, "SELECT count(*) FROM flows");
	long long read_again = 0;
	for (long long id = 1; id <= flows; id++) {
		char a[160], b[160];
		snprintf(a, sizeof a, "%s/whole/flows/%lld.html", dir, id);
		snprintf(b, sizeof b, "%s/ends/flows/%lld.html", dir, id);
		char *from_rows = plot_svg(a), *from_db = plot_svg(b);
		ck_assert_msg(strcmp(from_rows, from_db) == 0, "flow %lld: the graphs differ", id);
		free(from_rows);
		free(from_db);
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT packets > 2 FROM flows WHERE id = %lld", id);
		read_again += tu_query_int(db, sql);
	}
	/* Most flows had more than their two ends: read again there. */
	ck_assert_int_gt(read_again, flows / 2);
	tu_sh("rm -rf '%s'", dir);
}
END_TEST

Suite *report_plot_suite(void)
{
	Suite *s = suite_create("report_plot");
	TCase *tc = tcase_create("bins");
	tcase_add_test(tc, bins_give_each_segment_its_mark);
	tcase_add_test(tc, bins_of_a_million_segments_stay_within_the_columns);
	tcase_add_test(tc, bins_keep_columns_in_order_when_time_steps_back);
	tcase_add_test(tc, sack_edges_are_read_relative_to_the_ack);
	tcase_add_test(tc, sack_ranges_merge_within_a_column);
	suite_add_tcase(s, tc);
	tc = tcase_create("pages");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, seed_plot_marks_every_segment);
	tcase_add_test(tc, example_plots_mark_every_segment);
	tcase_add_test(tc, unanswered_side_is_left_out_with_a_word);
	tcase_add_test(tc, long_flow_plot_is_bounded_by_its_columns);
	tcase_add_test(tc, plot_from_rows_equals_plot_from_database);
	/* Real captures: only where the shared corpus is (a checkout
	 * elsewhere has none, and says so rather than counting a pass). */
	struct stat st;
	if (stat(CORPUS "/MANIFEST.tsv", &st) == 0)
		tcase_add_test(tc, corpus_longest_flow_marks_every_segment);
	else
		fprintf(stderr, "report_plot: no %s, the corpus test is not run\n", CORPUS);
	suite_add_tcase(s, tc);
	return s;
}
