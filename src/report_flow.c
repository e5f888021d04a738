/* report_flow: one flow's page (DIR/flows/ID.html): a header with the
 * connection's facts, the ladder diagram as inline SVG, the time/sequence
 * graph (report_plot.c) and the state transitions as a table.
 *
 * The ladder puts the client's rail on the left and the server's on the
 * right, one row per segment in frame order, time downward. A segment's
 * arrow leaves its sender's rail at its own row. A state change is written
 * on its endpoint's rail where the capture proves it (DESIGN.md, "TCP
 * states"): at the row of its seen_frame. A received SYN or FIN is proven
 * only by a later segment, so its arrow is drawn arriving there; that is
 * what makes crossing FINs cross. A long flow keeps its first and last
 * max_segments segments with a counted gap between them, which bounds the
 * page whatever the flow.
 *
 * Everything comes through db_report.h and goes out through html.h: no SQL
 * here, and no markup built from strings, so every text from a capture or
 * the database is escaped by construction. Geometry is computed in two
 * passes (rows first, then arrows that may end on a later row), so the
 * kept segments are copied out of their rows; there are at most
 * 2 * max_segments of them. Colours and fonts live in templates/flow.xhtml,
 * keyed by the classes set here. */
#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "report_plot.h"

/* TCP flag bits as the segments table stores them. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04

/* analysis_flags bit 1 (DESIGN.md, "Analysis flags"). */
#define AN_RETRANSMISSION 1

/* U+202F NARROW NO-BREAK SPACE groups digits, as on the index pages. */
#define DIGIT_GROUP "\xe2\x80\xaf"
#define ARROW       " \xe2\x86\x92 "
#define MIDDOT      " \xc2\xb7 "
#define EN_DASH     "\xe2\x80\x93"

/* Ladder geometry, in SVG user units. Rows are PITCH apart; an arrow that
 * arrives at once drops SLOPE over the width between the rails. */
#define PITCH         46.0
#define SLOPE         26.0
#define TOP           108.0 /* first row */
#define GAP_H         92.0  /* extra height of a collapsed flow's gap band */
#define FRAME_X       50.0  /* frame numbers end here */
#define TIME_X        62.0  /* times and deltas start here */
#define CLIENT_X      280.0 /* client rail */
#define STATE_COL     104.0 /* room outside each rail for state labels */
#define MIN_RAILS     440.0 /* least distance between the rails */
#define LABEL_CH      7.23  /* advance of a 12px monospace character */
#define SMALL_CH      6.03  /* the same at 10px */
#define STATE_SPACING 13.0  /* least distance between two state labels */

/* The table lists this many transitions at most: a flow has a handful,
 * but the page must stay small whatever the capture holds. */
#define MAX_TABLE_ROWS 2000

/* A kept segment, copied out of its row. */
struct seg {
	int64_t frame, ts_ns;
	bool from_client;
	int flags;
	char flags_text[16];
	int64_t seq, ack, rel_seq, rel_ack, len, win;
	bool has_ack;
	int64_t analysis;
	char client_state[16], server_state[16];
	char *analysis_names; /* NULL when none */
	char *options;        /* NULL when none */
	/* The arrow's label as tcpdump prints the segment, and the width of
	 * it and of it with the anomaly names: made once, since laying out
	 * the labels measures each several times. */
	char label[160];
	double text_w, label_w;
	/* Layout: the arrow runs from y0 on the sender's rail to y1 on the
	 * receiver's; `extended` when it ends at a later row's proof. */
	double y0, y1;
	bool extended;
	double label_x, label_y; /* centre of label and anomaly names; baseline */
};

/* A transition of the flow, copied out of its row. */
struct trans {
	int64_t frame, seen_frame;
	bool client;
	char *from, *to, *event;
	bool has_rel_seq, has_rel_ack;
	int64_t rel_seq, rel_ack;
};

/* The facts the ladder and graph need beyond the header. */
struct facts {
	char *client, *server;
	int64_t first_ts_ns;
	bool mid_stream;
	int client_wscale, server_wscale;
};

/* Where a flow page puts its content, in the writer's one document. */
struct slots {
	xmlNodePtr heading, title, back; /* replaced on each page */
	/* appended to; rebuilt over the last page's content */
	struct html_slot facts, ladder, plot, transitions;
};

/* A second as strftime writes it, kept for the next segment: a flow's
 * segments mostly share their second, and gmtime_r and strftime were
 * most of what a segment's title cost. */
struct utc_second {
	bool valid;
	int64_t s;
	char day[32];
};

struct page {
	xmlDocPtr doc;
	const struct slots *sl;
	struct report_csv *csv; /* the flow's transitions go here too, or NULL */
	bool csv_failed;
	struct facts f;
	struct seg *segs;
	size_t n_segs, cap_segs;
	struct trans *trans;
	size_t n_trans, cap_trans;
	struct utc_second utc; /* the last segment's, for the next */
	bool oom;
};

/* ---- formatting -------------------------------------------------------- */

/* Append to a fixed buffer; what does not fit is cut (titles only). */
static void cat(char *buf, size_t len, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void fmt_count(char *buf, size_t len, int64_t v)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%" PRId64, v);
	const char *d = digits;
	size_t o = 0, n;
	if (*d == '-')
		buf[o++] = *d++;
	n = strlen(d);
	for (size_t i = 0; i < n && o + sizeof DIGIT_GROUP < len; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			memcpy(buf + o, DIGIT_GROUP, sizeof DIGIT_GROUP - 1);
			o += sizeof DIGIT_GROUP - 1;
		}
		buf[o++] = d[i];
	}
	buf[o] = '\0';
}

/* A span of time: seconds from one second up, else milliseconds (to the
 * microsecond, as RTTs are usually read). */
static void fmt_span(char *buf, size_t len, int64_t ns)
{
	char num[HTML_NUM_LEN];
	bool s = ns >= 1000000000;
	snprintf(buf, len, "%s %s", html_fixed(num, s ? (double)ns / 1e9 : (double)ns / 1e6, 3),
	         s ? "s" : "ms");
}

/* Text built piece by piece in a fixed buffer, without printf (a page
 * writes hundreds of these numbers); what does not fit is cut. */
struct line {
	char *p;
	size_t len, cap;
};

static struct line line_in(char *buf, size_t cap)
{
	buf[0] = '\0';
	return (struct line){buf, 0, cap};
}

static void line_str(struct line *l, const char *s)
{
	size_t n = strlen(s);
	if (n > l->cap - 1 - l->len)
		n = l->cap - 1 - l->len;
	memcpy(l->p + l->len, s, n);
	l->len += n;
	l->p[l->len] = '\0';
}

static void line_int(struct line *l, int64_t v)
{
	char digits[HTML_INT_LEN];
	line_str(l, html_int(digits, v));
}

/* Seconds since the flow's first segment, to the microsecond as tcpdump's
 * -ttttt prints them. */
static void fmt_rel(char *buf, size_t len, int64_t ns)
{
	struct line l = line_in(buf, len);
	int64_t mag = ns < 0 ? -ns : ns, us = mag % 1000000000 / 1000;
	char six[8] = "000000";
	for (int i = 5; i >= 0; i--, us /= 10)
		six[i] = (char)('0' + us % 10);
	if (ns < 0)
		line_str(&l, "-");
	line_int(&l, mag / 1000000000);
	line_str(&l, ".");
	line_str(&l, six);
}

/* The gap to the previous row: ms up to a second, then seconds. */
static void fmt_delta(char *buf, size_t len, int64_t ns)
{
	bool s = ns >= 1000000000 || ns <= -1000000000;
	double v = s ? (double)ns / 1e9 : (double)ns / 1e6;
	char num[HTML_NUM_LEN];
	struct line l = line_in(buf, len);
	if (!signbit(v))
		line_str(&l, "+");
	line_str(&l, html_fixed(num, v, 3));
	line_str(&l, s ? " s" : " ms");
}

/* Absolute UTC time, with nanoseconds only when the capture has them. */
static void fmt_utc(char *buf, size_t len, int64_t ns, struct utc_second *last)
{
	int64_t s = ns / 1000000000, frac = ns % 1000000000;
	if (frac < 0) {
		s -= 1;
		frac += 1000000000;
	}
	if (!last->valid || last->s != s) {
		time_t t = (time_t)s;
		struct tm tm;
		snprintf(last->day, sizeof last->day, "?");
		if (gmtime_r(&t, &tm))
			strftime(last->day, sizeof last->day, "%Y-%m-%d %H:%M:%S", &tm);
		last->s = s;
		last->valid = true;
	}
	if (frac % 1000)
		snprintf(buf, len, "%s.%09" PRId64 " UTC", last->day, frac);
	else
		snprintf(buf, len, "%s.%06" PRId64 " UTC", last->day, frac / 1000);
}

/* The arrow's label, as tcpdump prints the segment with relative numbers:
 * `[P.] seq 1:6 ack 1 win 227 len 5`. */
static void seg_label(char *buf, size_t len, const struct seg *s)
{
	struct line l = line_in(buf, len);
	line_str(&l, "[");
	line_str(&l, s->flags_text);
	line_str(&l, "] seq ");
	line_int(&l, s->rel_seq);
	if (s->len > 0) {
		line_str(&l, ":");
		line_int(&l, s->rel_seq + s->len);
	}
	if (s->has_ack) {
		line_str(&l, " ack ");
		line_int(&l, s->rel_ack);
	}
	line_str(&l, " win ");
	line_int(&l, s->win);
	if (s->len > 0) {
		line_str(&l, " len ");
		line_int(&l, s->len);
	}
}

/* ---- small tree helpers ------------------------------------------------ */

/* Coordinates without a trailing ".0", which is most of them. */
static void set_num(xmlNodePtr node, const char *attr, double v)
{
	char buf[HTML_NUM_LEN];
	/* Most are whole: their digits without formatting a fraction. */
	if (fabs(v) < 1e15 && v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
		html_set(node, attr, html_int(buf, (int64_t)v));
		return;
	}
	html_num(buf, v);
	size_t n = strlen(buf);
	if (n > 2 && strcmp(buf + n - 2, ".0") == 0)
		buf[n - 2] = '\0';
	html_set(node, attr, buf);
}

static xmlNodePtr svg_text(xmlNodePtr parent, const char *cls, double x, double y,
                           const char *text)
{
	xmlNodePtr t = html_add(parent, "text", cls, text);
	set_num(t, "x", x);
	set_num(t, "y", y);
	return t;
}

static xmlNodePtr svg_line(xmlNodePtr parent, const char *cls, double x1, double y1,
                           double x2, double y2)
{
	xmlNodePtr l = html_add(parent, "line", cls, NULL);
	set_num(l, "x1", x1);
	set_num(l, "y1", y1);
	set_num(l, "x2", x2);
	set_num(l, "y2", y2);
	return l;
}

static xmlNodePtr svg_rect(xmlNodePtr parent, const char *cls, double x, double y,
                           double w, double h)
{
	xmlNodePtr r = html_add(parent, "rect", cls, NULL);
	set_num(r, "x", x);
	set_num(r, "y", y);
	set_num(r, "width", w);
	set_num(r, "height", h);
	return r;
}

/* Replace an element's content with text (xmlNodeSetContent would read
 * entities in it). */
static void set_text(xmlNodePtr node, const char *text)
{
	xmlNodeSetContent(node, NULL);
	html_text(node, text);
}

/* "label <b>value</b>" into a facts line, with a separator before all but
 * the first. */
static void fact(xmlNodePtr line, const char *label, const char *value)
{
	if (!html_empty(line))
		html_text(line, MIDDOT);
	if (label) {
		html_text(line, label);
		html_text(line, " ");
	}
	html_add(line, "b", NULL, value);
}

/* ---- reading the flow -------------------------------------------------- */

static char *dup_or_null(const char *s, bool *oom)
{
	if (!s || !*s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static void side_options(xmlNodePtr line, const char *who, int mss, int wscale, int sack)
{
	char buf[128] = "";
	if (mss >= 0)
		cat(buf, sizeof buf, "MSS %d", mss);
	if (wscale >= 0)
		cat(buf, sizeof buf, "%swscale %d", *buf ? ", " : "", wscale);
	if (sack >= 0)
		cat(buf, sizeof buf, "%sSACK %s", *buf ? ", " : "",
		    sack ? "permitted" : "not permitted");
	if (*buf) {
		fact(line, who, buf);
		return;
	}
	if (!html_empty(line))
		html_text(line, MIDDOT);
	html_textf(line, "%s ", who);
	html_add(line, "span", "muted", "no SYN seen");
}

/* The heading, title and facts, straight from the row; copies what the
 * ladder needs later, since the row's strings end with the callback. */
static int write_facts(struct page *pg, const struct db_flow_info *f)
{
	char buf[256], a[64], b[64];

	pg->f.client = dup_or_null(f->client, &pg->oom);
	pg->f.server = dup_or_null(f->server, &pg->oom);
	pg->f.first_ts_ns = f->first_ts_ns;
	pg->f.mid_stream = f->mid_stream;
	pg->f.client_wscale = f->client_wscale;
	pg->f.server_wscale = f->server_wscale;

	char route[512];
	snprintf(route, sizeof route, "%s" ARROW "%s", f->client ? f->client : "?",
	         f->server ? f->server : "?");
	xmlNodePtr node = pg->sl->heading;
	if (node)
		set_text(node, route);
	if ((node = pg->sl->title)) {
		char title[600];
		snprintf(title, sizeof title,
		         "%s" MIDDOT "flow %" PRId64 MIDDOT "tcpladder", route, f->id);
		set_text(node, title);
	}
	if ((node = pg->sl->back))
		html_set(node, "href", REPORT_INDEX_HREF);

	xmlNodePtr facts = pg->sl->facts.node;
	if (!facts)
		return 0;
	xmlNodePtr line = html_add(facts, "div", "line", NULL);
	fact(line, "capture", f->capture_path ? f->capture_path : "?");
	fmt_count(a, sizeof a, f->packets);
	html_text(line, MIDDOT);
	html_add(line, "b", NULL, a);
	html_text(line, f->packets == 1 ? " segment" : " segments");
	fmt_span(buf, sizeof buf, f->last_ts_ns - f->first_ts_ns);
	fact(line, NULL, buf);
	fmt_count(a, sizeof a, f->client_bytes);
	fmt_count(b, sizeof b, f->server_bytes);
	snprintf(buf, sizeof buf, "%s B", a);
	fact(line, "client", buf);
	html_text(line, ", server ");
	snprintf(buf, sizeof buf, "%s B", b);
	html_add(line, "b", NULL, buf);
	snprintf(buf, sizeof buf, "%s / %s", f->client_state ? f->client_state : "?",
	         f->server_state ? f->server_state : "?");
	fact(line, "final", buf);
	if (f->conn_state)
		fact(line, "conn_state", f->conn_state);
	if (f->history)
		fact(line, "history", f->history);
	if (f->has_rtt) {
		fmt_span(buf, sizeof buf, f->handshake_rtt_ns);
		fact(line, "handshake RTT", buf);
	}

	/* The tunnel its first segment came through, when it came through
	 * one; a plain capture's page has no such line. */
	if (f->tunnel) {
		line = html_add(facts, "div", "line tunnel", NULL);
		html_text(line, "tunnel: ");
		html_add(line, "b", NULL, f->tunnel);
		if (f->tunnel_changes > 0) {
			fmt_count(a, sizeof a, f->tunnel_changes);
			html_text(line, MIDDOT);
			html_add(line, "b", NULL, a);
			html_text(line, f->tunnel_changes == 1 ? " segment came another way"
			                                       : " segments came another way");
		}
	}

	line = html_add(facts, "div", "line", NULL);
	side_options(line, "client", f->client_mss, f->client_wscale, f->client_sack_ok);
	side_options(line, "server", f->server_mss, f->server_wscale, f->server_sack_ok);
	snprintf(buf, sizeof buf, "%" PRId64, f->id);
	fact(line, "flow", buf);

	if (f->analysis_names && *f->analysis_names) {
		line = html_add(facts, "div", "line anomalies", NULL);
		html_text(line, "anomalies: ");
		html_add(line, "b", NULL, f->analysis_names);
	}
	if (f->mid_stream)
		html_add(facts, "div", "line note",
		         "The capture starts mid-stream: no handshake was seen, so both "
		         "endpoints start UNKNOWN and each direction counts from its "
		         "first byte seen, as if a SYN had gone before (offset 1).");
	return pg->oom ? 1 : 0;
}

static int transition_row(const struct db_transition_info *t, void *user)
{
	struct page *pg = user;
	if (pg->csv && report_csv_add(pg->csv, t) != 0) {
		pg->csv_failed = true;
		return 1;
	}
	if (pg->n_trans == pg->cap_trans) {
		size_t cap = pg->cap_trans ? pg->cap_trans * 2 : 16;
		struct trans *p = realloc(pg->trans, cap * sizeof *p);
		if (!p) {
			pg->oom = true;
			return 1;
		}
		pg->trans = p;
		pg->cap_trans = cap;
	}
	struct trans *tr = &pg->trans[pg->n_trans++];
	*tr = (struct trans){
	        .frame = t->frame,
	        .seen_frame = t->seen_frame,
	        .client = t->endpoint && strcmp(t->endpoint, "client") == 0,
	        .has_rel_seq = t->has_rel_seq,
	        .has_rel_ack = t->has_rel_ack,
	        .rel_seq = t->rel_seq,
	        .rel_ack = t->rel_ack,
	};
	tr->from = strdup(t->from_state ? t->from_state : "?");
	tr->to = strdup(t->to_state ? t->to_state : "?");
	tr->event = strdup(t->event ? t->event : "");
	if (!tr->from || !tr->to || !tr->event)
		pg->oom = true;
	return pg->oom ? 1 : 0;
}

static int segment_row(const struct db_segment_info *s, void *user)
{
	struct page *pg = user;
	if (pg->n_segs == pg->cap_segs) {
		size_t cap = pg->cap_segs ? pg->cap_segs * 2 : 64;
		struct seg *p = realloc(pg->segs, cap * sizeof *p);
		if (!p) {
			pg->oom = true;
			return 1;
		}
		pg->segs = p;
		pg->cap_segs = cap;
	}
	struct seg *g = &pg->segs[pg->n_segs++];
	*g = (struct seg){
	        .frame = s->frame,
	        .ts_ns = s->ts_ns,
	        .from_client = s->from_client,
	        .flags = s->flags,
	        .seq = s->seq,
	        .ack = s->ack,
	        .rel_seq = s->rel_seq,
	        .rel_ack = s->rel_ack,
	        .len = s->len,
	        .win = s->win,
	        .has_ack = s->has_ack,
	        .analysis = s->analysis,
	};
	snprintf(g->flags_text, sizeof g->flags_text, "%s",
	         s->flags_text ? s->flags_text : "?");
	snprintf(g->client_state, sizeof g->client_state, "%s",
	         s->client_state ? s->client_state : "?");
	snprintf(g->server_state, sizeof g->server_state, "%s",
	         s->server_state ? s->server_state : "?");
	/* Names read better with a space after each comma. */
	const char *names = s->analysis_names;
	if (names && *names) {
		size_t commas = 0;
		for (const char *c = names; *c; c++)
			commas += *c == ',';
		g->analysis_names = malloc(strlen(names) + commas + 1);
		if (!g->analysis_names) {
			pg->oom = true;
			return 1;
		}
		char *o = g->analysis_names;
		for (const char *c = names; *c; c++) {
			*o++ = *c;
			if (*c == ',')
				*o++ = ' ';
		}
		*o = '\0';
	}
	g->options = dup_or_null(s->options, &pg->oom);
	seg_label(g->label, sizeof g->label, g);
	g->text_w = (double)strlen(g->label) * LABEL_CH;
	g->label_w = g->text_w;
	if (g->analysis_names)
		g->label_w += 8 + (double)strlen(g->analysis_names) * SMALL_CH;
	return pg->oom ? 1 : 0;
}

/* ---- the ladder -------------------------------------------------------- */

struct ladder {
	struct page *pg;
	size_t split;   /* first row after the gap; 0: no gap */
	double rail[2]; /* x of the server's [0] and client's [1] rail */
	double width, height;
};

static double rail_x(const struct ladder *ld, bool client)
{
	return ld->rail[client ? 1 : 0];
}

static double row_y(const struct ladder *ld, size_t i)
{
	return TOP + PITCH * (double)i + (ld->split && i >= ld->split ? GAP_H : 0);
}

/* The kept row of a frame, or -1 (in the gap, or not a segment). */
static long row_of(const struct page *pg, int64_t frame)
{
	size_t lo = 0, hi = pg->n_segs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pg->segs[mid].frame < frame)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pg->n_segs && pg->segs[lo].frame == frame ? (long)lo : -1;
}

static bool same_block(const struct ladder *ld, size_t i, size_t k)
{
	return !ld->split || (i < ld->split) == (k < ld->split);
}

/* Where each arrow ends. A SYN or FIN counts as received only at its
 * seen_frame, so its arrow goes on to that row: to the start of the
 * receiver's next segment when that is the proof (it had the FIN before it
 * answered), or just above the arrival of the sender's next segment (TCP
 * delivers in order). Not when a segment of the same direction was sent in
 * between (a retransmitted SYN: which copy arrived is unknown, and arrows
 * of one direction never cross), nor across the gap. */
static void place_arrows(struct ladder *ld)
{
	struct page *pg = ld->pg;
	for (size_t i = 0; i < pg->n_segs; i++) {
		struct seg *s = &pg->segs[i];
		s->y0 = row_y(ld, i);
		s->y1 = s->y0 + SLOPE;
		s->extended = false;
	}
	for (size_t t = 0; t < pg->n_trans; t++) {
		const struct trans *tr = &pg->trans[t];
		if (tr->seen_frame <= tr->frame)
			continue;
		long i = row_of(pg, tr->frame), k = row_of(pg, tr->seen_frame);
		if (i < 0 || k < 0 || !same_block(ld, (size_t)i, (size_t)k))
			continue;
		struct seg *s = &pg->segs[i];
		if (s->extended || s->from_client == tr->client)
			continue; /* not the receipt of this segment */
		bool between = false;
		for (long j = i + 1; j < k; j++)
			between |= pg->segs[j].from_client == s->from_client;
		if (between)
			continue;
		const struct seg *proof = &pg->segs[k];
		s->y1 = proof->from_client == tr->client
		                ? proof->y0
		                : proof->y0 + SLOPE - STATE_SPACING;
		s->extended = true;
	}
}

/* The width an arrow's label takes: the tcpdump text, then (in smaller
 * type) its anomaly names. text_w, if given, gets the first part's. */
static double label_width(const struct seg *s, double *text_w)
{
	if (text_w)
		*text_w = s->text_w;
	return s->label_w;
}

/* Does the segment (x1,y1)-(x2,y2) cross the box [bx0,bx1] x [by0,by1]?
 * (Liang-Barsky clipping: the part of the segment inside each slab.) */
static bool line_hits_box(double x1, double y1, double x2, double y2, double bx0,
                          double by0, double bx1, double by1)
{
	double t0 = 0, t1 = 1;
	double p[4] = {-(x2 - x1), x2 - x1, -(y2 - y1), y2 - y1};
	double q[4] = {x1 - bx0, bx1 - x1, y1 - by0, by1 - y1};
	for (int k = 0; k < 4; k++) {
		if (p[k] == 0) {
			if (q[k] < 0)
				return false;
			continue;
		}
		double r = q[k] / p[k];
		if (p[k] < 0 && r > t0)
			t0 = r;
		else if (p[k] > 0 && r < t1)
			t1 = r;
	}
	return t0 <= t1;
}

/* Where each arrow's label goes: centred above its arrow, its baseline
 * clear of the line where the line is highest under it (the end nearer the
 * sender). When another arrow crosses that spot (crossing FINs) or it
 * touches an earlier label, the label moves toward the sender, then toward
 * the receiver. An arrow that arrives rows later tries the sender's end
 * first, so its label stays by its own row. If every place is taken, the
 * first one tried it is, and the white halo the stylesheet draws keeps it
 * readable. */
static void place_labels(struct ladder *ld, double rails)
{
	struct page *pg = ld->pg;
	for (size_t i = 0; i < pg->n_segs; i++) {
		struct seg *s = &pg->segs[i];
		double width = label_width(s, NULL);
		double xs = rail_x(ld, s->from_client), dir = s->from_client ? 1 : -1;
		double drop = (s->y1 - s->y0) / rails;
		double tries[] = {(rails - width) / 2, 28, rails - 28 - width};
		if (s->y1 - s->y0 > PITCH + 1) {
			tries[1] = tries[0];
			tries[0] = 28;
		}
		for (size_t c = 0; c < sizeof tries / sizeof tries[0]; c++) {
			double at = tries
			        [c]; /* distance of the text's start from the sender */
			double cx = xs + dir * (at + width / 2),
			       base = s->y0 + drop * at - 5;
			double bx0 = cx - width / 2, bx1 = cx + width / 2;
			double by0 = base - 10, by1 = base + 3;
			bool clear = true;
			size_t lo = i > 4 ? i - 4 : 0,
			       hi = i + 5 < pg->n_segs ? i + 5 : pg->n_segs;
			for (size_t j = lo; j < hi && clear; j++) {
				if (j == i)
					continue;
				const struct seg *o = &pg->segs[j];
				clear = !line_hits_box(rail_x(ld, o->from_client), o->y0,
				                       rail_x(ld, !o->from_client), o->y1,
				                       bx0, by0, bx1, by1);
				if (clear && j < i) {
					double ow = label_width(o, NULL) / 2;
					clear = o->label_x + ow < bx0 ||
					        o->label_x - ow > bx1 ||
					        o->label_y + 3 < by0 ||
					        o->label_y - 10 > by1;
				}
			}
			if (c == 0 || clear) {
				s->label_x = cx;
				s->label_y = base;
			}
			if (clear)
				break;
		}
	}
}

/* Where a state change is proven on its rail: at the row of its seen_frame,
 * where that segment leaves the endpoint (it sent it) or reaches it;
 * where the arrow ends for a SYN or FIN drawn arriving late. */
static bool state_y(const struct ladder *ld, const struct trans *tr, double *y)
{
	const struct page *pg = ld->pg;
	long k = row_of(pg, tr->seen_frame);
	if (k < 0)
		return false;
	long i = tr->frame < tr->seen_frame ? row_of(pg, tr->frame) : -1;
	if (i >= 0 && pg->segs[i].extended && pg->segs[i].from_client != tr->client) {
		*y = pg->segs[i].y1;
		return true;
	}
	const struct seg *s = &pg->segs[k];
	bool at_send = s->from_client == tr->client || strcmp(tr->from, "UNKNOWN") == 0;
	*y = s->y0 + (at_send ? 0 : SLOPE);
	return true;
}

/* Is a state change drawn on this rail at y? */
static bool dot_at(const struct ladder *ld, bool client, double y)
{
	for (size_t t = 0; t < ld->pg->n_trans; t++) {
		double ty;
		if (ld->pg->trans[t].client == client &&
		    state_y(ld, &ld->pg->trans[t], &ty) && ty > y - 1 && ty < y + 1)
			return true;
	}
	return false;
}

static const char *arrow_kind(const struct seg *s)
{
	if (s->flags & TH_RST)
		return "rst";
	if (s->flags & TH_FIN)
		return "fin";
	if (s->flags & TH_SYN)
		return "syn";
	if (s->analysis)
		return "anomaly";
	return "plain";
}

static void draw_defs(xmlNodePtr svg)
{
	static const char *const kinds[] = {"plain", "syn", "fin", "rst", "anomaly"};
	xmlNodePtr defs = html_add(svg, "defs", NULL, NULL);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		xmlNodePtr m = html_add(defs, "marker", NULL, NULL);
		html_setf(m, "id", "ah-%s", kinds[i]);
		html_set(m, "viewBox", "0 0 10 10");
		html_set(m, "refX", "10");
		html_set(m, "refY", "5");
		html_set(m, "markerUnits", "userSpaceOnUse");
		bool bold = i >= 1 && i <= 3;
		html_set(m, "markerWidth", bold ? "12" : "9");
		html_set(m, "markerHeight", bold ? "12" : "9");
		html_set(m, "orient", "auto");
		html_add(m, "path", kinds[i], NULL);
		html_set(m->last, "d", "M0 0L10 5L0 10z");
	}
}

/* A rail's heading: its role and its address, kept inside the drawing. */
static void draw_rail_head(struct ladder *ld, xmlNodePtr svg, bool client,
                           const char *addr)
{
	double x = rail_x(ld, client);
	double half = (double)strlen(addr) * 7.9 / 2 + 4;
	if (x - half < 8)
		x = 8 + half;
	if (x + half > ld->width - 8)
		x = ld->width - 8 - half;
	svg_text(svg, "role", x, 20, client ? "client" : "server");
	svg_text(svg, "addr", x, 38, addr);
}

/* The state an endpoint starts in: the from_state of its first change, or,
 * if it never changes (a refusing server), its state at the first
 * segment. */
static const char *initial_state(const struct page *pg, bool client)
{
	for (size_t t = 0; t < pg->n_trans; t++) {
		if (pg->trans[t].client == client)
			return pg->trans[t].from;
	}
	if (pg->n_segs)
		return client ? pg->segs[0].client_state : pg->segs[0].server_state;
	return client ? "CLOSED" : "LISTEN";
}

static void draw_initial(struct ladder *ld, xmlNodePtr svg, bool client)
{
	const char *state = initial_state(ld->pg, client);
	double x = rail_x(ld, client);
	double w = (double)strlen(state) * 6.7 + 22;
	xmlNodePtr r = svg_rect(svg, "initial", x - w / 2, 50, w, 22);
	html_set(r, "rx", "4");
	xmlNodePtr t = svg_text(svg, "state", x, 65, state);
	html_set(t, "data-endpoint", client ? "client" : "server");
	html_set(t, "data-frame", "0");
}

static void seg_title(char *buf, size_t len, const struct seg *s, const struct facts *f,
                      struct utc_second *utc)
{
	char when[64], rel[32];
	fmt_utc(when, sizeof when, s->ts_ns, utc);
	fmt_rel(rel, sizeof rel, s->ts_ns - f->first_ts_ns);
	struct line l = line_in(buf, len);
	line_str(&l, "frame ");
	line_int(&l, s->frame);
	line_str(&l, s->from_client ? ", client" ARROW "server\n" : ", server" ARROW "client\n");
	line_str(&l, when);
	line_str(&l, ", ");
	line_str(&l, rel);
	line_str(&l, " s into the flow\nflags [");
	line_str(&l, s->flags_text);
	line_str(&l, "]  seq ");
	line_int(&l, s->seq);
	if (s->len > 0) {
		line_str(&l, ":");
		line_int(&l, (s->seq + s->len) % 4294967296);
	}
	if (s->has_ack) {
		line_str(&l, "  ack ");
		line_int(&l, s->ack);
	}
	line_str(&l, "  win ");
	line_int(&l, s->win);
	/* The window in bytes, once both SYNs agreed on scaling (RFC 7323
	 * 2.2: never on the SYN itself; 2.3: a shift above 14 counts as 14). */
	int scale = s->from_client ? f->client_wscale : f->server_wscale;
	scale = scale > 14 ? 14 : scale;
	if (f->client_wscale >= 0 && f->server_wscale >= 0 && scale > 0 &&
	    !(s->flags & TH_SYN) && !f->mid_stream) {
		char bytes[48];
		fmt_count(bytes, sizeof bytes, s->win << scale);
		line_str(&l, " (\xc3\x97");
		line_int(&l, 1 << scale);
		line_str(&l, " = ");
		line_str(&l, bytes);
		line_str(&l, " bytes)");
	}
	line_str(&l, "  len ");
	line_int(&l, s->len);
	if (s->options) {
		line_str(&l, "\noptions: ");
		line_str(&l, s->options);
	}
	if (s->analysis_names) {
		line_str(&l, "\nanalysis: ");
		line_str(&l, s->analysis_names);
	}
	line_str(&l, "\nstates: client ");
	line_str(&l, s->client_state);
	line_str(&l, ", server ");
	line_str(&l, s->server_state);
}

static void draw_segment(struct ladder *ld, xmlNodePtr svg, size_t i, int64_t prev_ts)
{
	const struct page *pg = ld->pg;
	const struct seg *s = &pg->segs[i];
	char cls[64] = "seg", buf[1024];
	if (s->flags & TH_SYN)
		cat(cls, sizeof cls, " syn");
	if (s->flags & TH_FIN)
		cat(cls, sizeof cls, " fin");
	if (s->flags & TH_RST)
		cat(cls, sizeof cls, " rst");
	if (s->analysis & AN_RETRANSMISSION)
		cat(cls, sizeof cls, " retrans");
	if (s->analysis)
		cat(cls, sizeof cls, " anomaly");
	xmlNodePtr g = html_add(svg, "g", cls, NULL);
	char frame[HTML_INT_LEN];
	html_set(g, "data-frame", html_int(frame, s->frame));

	seg_title(buf, sizeof buf, s, &pg->f, &ld->pg->utc);
	html_add(g, "title", NULL, buf);
	/* A band across the whole row: hovering anywhere shows the title, and
	 * the stylesheet highlights the row. */
	svg_rect(g, "hit", 4, s->y0 - 15, ld->width - 8, PITCH - 2);

	svg_text(g, "fr", FRAME_X, s->y0 + 4, frame);
	fmt_rel(buf, sizeof buf, s->ts_ns - pg->f.first_ts_ns);
	svg_text(g, "t", TIME_X, s->y0 + 4, buf);
	fmt_delta(buf, sizeof buf, s->ts_ns - prev_ts);
	svg_text(g, "dt", TIME_X, s->y0 + 17, buf);

	double xs = rail_x(ld, s->from_client), xe = rail_x(ld, !s->from_client);
	const char *kind = arrow_kind(s);
	char lcls[32];
	snprintf(lcls, sizeof lcls, "arrow %s", kind);
	/* An arrow that ends on a state change stops at the dot's edge, so the
	 * head stays visible. */
	double stop = dot_at(ld, !s->from_client, s->y1) ? 6 : 0;
	xmlNodePtr line =
	        svg_line(g, lcls, xs, s->y0, xe + (s->from_client ? -stop : stop), s->y1);
	html_setf(line, "marker-end", "url(#ah-%s)", kind);

	/* The label, then the anomaly names on the same line: under the arrow
	 * they would run into the next row's label when the arrow is steep. */
	double text_w, width = label_width(s, &text_w);
	double left = s->label_x - width / 2;
	svg_text(g, "label", left + text_w / 2, s->label_y, s->label);
	if (s->analysis_names)
		svg_text(g, "an", left + text_w + 8, s->label_y, s->analysis_names);
}

/* The band that stands for a collapsed flow's middle. */
static void draw_gap(struct ladder *ld, xmlNodePtr svg, const struct db_segment_gap *gap)
{
	double top = row_y(ld, ld->split - 1) + PITCH - 8;
	double bottom = row_y(ld, ld->split) - 24;
	xmlNodePtr g = html_add(svg, "g", "gap", NULL);
	html_setf(g, "data-segments", "%" PRId64, gap->segments);
	char n[48], bytes[48], span[32], first[48], last[48], buf[512];
	fmt_count(n, sizeof n, gap->segments);
	fmt_count(bytes, sizeof bytes, gap->bytes);
	fmt_span(span, sizeof span, gap->last_ts_ns - gap->first_ts_ns);
	fmt_count(first, sizeof first, gap->first_frame);
	fmt_count(last, sizeof last, gap->last_frame);
	snprintf(buf, sizeof buf,
	         "%s segments not drawn: frames %s to %s, %s payload bytes over %s", n,
	         first, last, bytes, span);
	html_add(g, "title", NULL, buf);
	xmlNodePtr r = svg_rect(g, "band", 6, top, ld->width - 12, bottom - top);
	html_set(r, "rx", "6");
	double mid = (ld->rail[0] + ld->rail[1]) / 2;
	snprintf(buf, sizeof buf, "%s segments not drawn", n);
	svg_text(g, "gap-count", mid, top + (bottom - top) / 2 - 3, buf);
	snprintf(buf, sizeof buf, "frames %s" EN_DASH "%s" MIDDOT "%s bytes" MIDDOT "%s",
	         first, last, bytes, span);
	svg_text(g, "gap-detail", mid, top + (bottom - top) / 2 + 14, buf);
	/* The rails break off: a short zigzag where each leaves and resumes. */
	for (int c = 0; c < 2; c++) {
		double x = ld->rail[c];
		xmlNodePtr p = html_add(g, "path", "cut", NULL);
		html_setf(p, "d", "M%.1f %.1fl-6 4l12 4l-6 4M%.1f %.1fl-6 -4l12 -4l-6 -4",
		          x, top - 2, x, bottom + 2);
	}
	svg_text(g, "t", TIME_X, top + (bottom - top) / 2 + 4, "\xe2\x8b\xae");
}

struct state_mark {
	const struct trans *tr;
	double y, label_y;
};

static int by_y(const void *a, const void *b)
{
	const struct state_mark *x = a, *y = b;
	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	return x->tr < y->tr ? -1 : x->tr > y->tr;
}

/* The state changes, one dot and label each on its rail; labels that
 * would touch are pushed down the rail, keeping their order, and *bottom
 * moves down to the lowest. The marks (n) are the caller's to free; NULL
 * when out of memory. */
static struct state_mark *place_states(struct ladder *ld, size_t *count, double *bottom)
{
	struct page *pg = ld->pg;
	struct state_mark *marks = calloc(pg->n_trans + 1, sizeof *marks);
	if (!marks)
		return NULL;
	size_t n = 0;
	for (size_t t = 0; t < pg->n_trans; t++) {
		double y;
		if (state_y(ld, &pg->trans[t], &y))
			marks[n++] = (struct state_mark){&pg->trans[t], y, y};
	}
	qsort(marks, n, sizeof *marks, by_y);
	for (int c = 0; c < 2; c++) {
		double last = -1e9;
		for (size_t m = 0; m < n; m++) {
			if (marks[m].tr->client != (c == 1))
				continue;
			double y = marks[m].y;
			if (y < last + STATE_SPACING)
				y = last + STATE_SPACING;
			marks[m].label_y = y;
			last = y;
			if (y + 20 > *bottom)
				*bottom = y + 20;
		}
	}
	*count = n;
	return marks;
}

/* The marks drawn in transition order, so the document reads as the
 * table does. */
static void draw_states(struct ladder *ld, xmlNodePtr svg, const struct state_mark *marks,
                        size_t n)
{
	const struct page *pg = ld->pg;
	for (size_t t = 0; t < pg->n_trans; t++) {
		const struct state_mark *mk = NULL;
		for (size_t m = 0; m < n && !mk; m++)
			mk = marks[m].tr == &pg->trans[t] ? &marks[m] : NULL;
		if (!mk)
			continue;
		const struct trans *tr = mk->tr;
		xmlNodePtr g = html_add(
		        svg, "g", tr->client ? "change client" : "change server", NULL);
		char buf[256];
		snprintf(buf, sizeof buf,
		         "%s: %s" ARROW "%s\n%s at frame %" PRId64
		         ", proven at frame %" PRId64,
		         tr->client ? "client" : "server", tr->from, tr->to, tr->event,
		         tr->frame, tr->seen_frame);
		html_add(g, "title", NULL, buf);
		double x = rail_x(ld, tr->client);
		xmlNodePtr dot = html_add(g, "circle", "dot", NULL);
		set_num(dot, "cx", x);
		set_num(dot, "cy", mk->y);
		html_set(dot, "r", "4.5");
		xmlNodePtr label = svg_text(g, "state", x + (tr->client ? -12 : 12),
		                            mk->label_y + 4, tr->to);
		html_set(label, "data-endpoint", tr->client ? "client" : "server");
		char frame[HTML_INT_LEN];
		html_set(label, "data-frame", html_int(frame, tr->seen_frame));
	}
}

/* The ladder's <svg> with what every ladder holds (its arrowheads and
 * column heads), made once for all pages; NULL when out of memory. */
static xmlNodePtr ladder_frame(xmlNodePtr parent)
{
	xmlNodePtr svg = html_svg(parent, "ladder", 0, 0);
	if (!svg)
		return NULL;
	html_set(svg, "role", "img");
	html_set(svg, "aria-label", "ladder diagram");
	draw_defs(svg);
	svg_text(svg, "colhead", FRAME_X, 38, "frame");
	svg_text(svg, "colhead start", TIME_X, 38, "time (s)");
	return svg;
}

/* The flow's ladder, drawn into svg (made by ladder_frame) after what it
 * held. */
static int draw_ladder(struct page *pg, xmlNodePtr svg, size_t split,
                       const struct db_segment_gap *gap)
{
	struct ladder ld = {.pg = pg, .split = split};
	double widest = 0;
	for (size_t i = 0; i < pg->n_segs; i++) {
		double w = label_width(&pg->segs[i], NULL);
		widest = w > widest ? w : widest;
	}
	/* The rails sit as far apart as the widest label needs. */
	double rails = widest + 110;
	if (rails < MIN_RAILS)
		rails = MIN_RAILS;
	ld.rail[1] = CLIENT_X;
	ld.rail[0] = CLIENT_X + rails;
	ld.width = ld.rail[0] + STATE_COL + 8;
	place_arrows(&ld);
	place_labels(&ld, rails);
	double bottom = pg->n_segs ? row_y(&ld, pg->n_segs - 1) + PITCH : TOP;
	for (size_t i = 0; i < pg->n_segs; i++) {
		if (pg->segs[i].y1 + 20 > bottom)
			bottom = pg->segs[i].y1 + 20;
	}
	/* The height depends on the state labels, and the rails on it. */
	size_t n_marks;
	struct state_mark *marks = place_states(&ld, &n_marks, &bottom);
	if (!marks)
		return -1;
	ld.height = bottom + 12;

	html_svg_size(svg, ld.width, ld.height);
	draw_rail_head(&ld, svg, true, pg->f.client ? pg->f.client : "?");
	draw_rail_head(&ld, svg, false, pg->f.server ? pg->f.server : "?");
	for (int c = 1; c >= 0; c--) { /* client first */
		svg_line(svg, "rail", ld.rail[c], 72, ld.rail[c], ld.height - 8);
		draw_initial(&ld, svg, c == 1);
	}
	/* The rows come after the rails, so arrows and dots draw over them;
	 * the gap goes between the rows it separates, in the document too. */
	for (size_t i = 0; i < pg->n_segs; i++) {
		if (split && i == split)
			draw_gap(&ld, svg, gap);
		int64_t prev = i == 0                ? pg->segs[0].ts_ns
		               : split && i == split ? gap->last_ts_ns
		                                     : pg->segs[i - 1].ts_ns;
		draw_segment(&ld, svg, i, prev);
	}
	draw_states(&ld, svg, marks, n_marks);
	free(marks);
	return 0;
}

/* ---- the table and the graph ------------------------------------------- */

static void add_cell_num(xmlNodePtr tr, bool has, int64_t v)
{
	char buf[HTML_INT_LEN];
	html_add(tr, "td", has ? "num" : "num muted", has ? html_int(buf, v) : EN_DASH);
}

static void draw_table(const struct page *pg, xmlNodePtr parent)
{
	if (!pg->n_trans) {
		html_add(parent, "p", "muted", "No state changed in this flow.");
		return;
	}
	static const char *const heads[] = {"frame", "seen_frame", "endpoint", "from",
	                                    "to",    "event",      "rel_seq",  "rel_ack"};
	xmlNodePtr table = html_add(parent, "table", "transitions", NULL);
	xmlNodePtr tr = html_add(html_add(table, "thead", NULL, NULL), "tr", NULL, NULL);
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		xmlNodePtr th =
		        html_add(tr, "th", i < 2 || i > 5 ? "num" : NULL, heads[i]);
		html_set(th, "scope", "col");
	}
	xmlNodePtr tbody = html_add(table, "tbody", NULL, NULL);
	bool hidden = false;
	size_t rows = pg->n_trans < MAX_TABLE_ROWS ? pg->n_trans : MAX_TABLE_ROWS;
	for (size_t t = 0; t < rows; t++) {
		const struct trans *x = &pg->trans[t];
		bool drawn = row_of(pg, x->seen_frame) >= 0;
		hidden |= !drawn;
		tr = html_add(tbody, "tr", drawn ? NULL : "in-gap", NULL);
		add_cell_num(tr, true, x->frame);
		add_cell_num(tr, true, x->seen_frame);
		html_add(tr, "td", x->client ? "endpoint client" : "endpoint server",
		         x->client ? "client" : "server");
		html_add(tr, "td", "mono", x->from);
		html_add(tr, "td", "mono", x->to);
		html_add(tr, "td", NULL, x->event);
		add_cell_num(tr, x->has_rel_seq, x->rel_seq);
		add_cell_num(tr, x->has_rel_ack, x->rel_ack);
	}
	if (rows < pg->n_trans) {
		char n[32];
		fmt_count(n, sizeof n, (int64_t)(pg->n_trans - rows));
		html_addf(parent, "p", "muted", "%s more in transitions.csv.", n);
	}
	if (hidden)
		html_add(parent, "p", "muted",
		         "Greyed rows are proven in the collapsed middle of the flow, "
		         "so the ladder does not draw them.");
}

/* ---- the page ------------------------------------------------------------ */

/* Ready for the next flow: the rows' strings freed, the arrays kept (a
 * report writes thousands of pages, and glibc merges its free lists on
 * every large allocation). */
static void page_clear(struct page *pg)
{
	for (size_t i = 0; i < pg->n_segs; i++) {
		free(pg->segs[i].analysis_names);
		free(pg->segs[i].options);
	}
	pg->n_segs = 0;
	for (size_t t = 0; t < pg->n_trans; t++) {
		free(pg->trans[t].from);
		free(pg->trans[t].to);
		free(pg->trans[t].event);
	}
	pg->n_trans = 0;
	free(pg->f.client);
	free(pg->f.server);
	pg->f = (struct facts){0};
	pg->oom = pg->csv_failed = false;
	pg->csv = NULL;
}

/* A db_each_* result: 0 done, -1 the database's error, >0 our own. */
static int db_result(int rc, struct db *db, const struct page *pg, const char *what,
                     char *err, size_t errlen)
{
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", what, db_error(db));
	else if (pg->csv_failed)
		snprintf(err, errlen, "%s", report_csv_error(pg->csv));
	else if (rc > 0 || pg->oom)
		snprintf(err, errlen, "%s: out of memory", what);
	else
		return 0;
	return -1;
}

/* One document for all pages: flow.xhtml parsed once, each page's
 * content added to its slots, saved, and removed before the next (copying
 * the template for every page cost more than drawing the ladder). */
struct report_flow_writer {
	xmlDocPtr doc;
	struct slots sl;
	struct page pg;  /* the rows of the page being written */
	struct html_out *out;
	int64_t keep;    /* segments kept at each end of a long flow */
};

struct report_flow_writer *report_flow_writer_new(const struct report_options *opt,
                                                  char *err, size_t errlen)
{
	struct report_flow_writer *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->keep = opt && opt->max_segments > 0 ? opt->max_segments
	                                       : REPORT_DEFAULT_MAX_SEGMENTS;
	w->doc = html_page("flow.xhtml", err, errlen);
	w->out = w->doc ? html_out_new() : NULL;
	if (!w->out) {
		if (w->doc)
			snprintf(err, errlen, "out of memory");
		html_out_free(w->out);
		xmlFreeDoc(w->doc);
		free(w);
		return NULL;
	}
	w->sl = (struct slots){
	        .heading = html_find(w->doc, "heading"),
	        .title = html_find(w->doc, "title"),
	        .back = html_find(w->doc, "back"),
	        .facts = html_slot(w->doc, "facts"),
	        .ladder = html_slot(w->doc, "ladder"),
	        .plot = html_slot(w->doc, "plot"),
	        .transitions = html_slot(w->doc, "transitions"),
	};
	/* The ladder and the graph are drawn into <svg> frames made here:
	 * what every page's drawing holds is built once, and each page empties
	 * the frames back to it. */
	xmlNodePtr ladder = w->sl.ladder.node ? ladder_frame(w->sl.ladder.node) : NULL;
	xmlNodePtr plot = w->sl.plot.node ? report_plot_frame(w->sl.plot.node) : NULL;
	if ((w->sl.ladder.node && !ladder) || (w->sl.plot.node && !plot)) {
		snprintf(err, errlen, "out of memory");
		report_flow_writer_free(w);
		return NULL;
	}
	if (ladder)
		w->sl.ladder = (struct html_slot){ladder, ladder->last};
	if (plot)
		w->sl.plot = (struct html_slot){plot, plot->last};
	return w;
}

void report_flow_writer_free(struct report_flow_writer *w)
{
	if (w) {
		page_clear(&w->pg);
		free(w->pg.segs);
		free(w->pg.trans);
		html_out_free(w->out);
		html_rebuild_free(w->doc);
		xmlFreeDoc(w->doc);
		free(w);
	}
}

int report_flow_write(struct report_flow_writer *w, struct db *db,
                      const struct db_flow_info *f, const char *path,
                      struct report_csv *csv, char *err, size_t errlen)
{
	int64_t keep = w->keep;
	struct page *pg = &w->pg;
	int rc = -1;
	page_clear(pg);
	pg->doc = w->doc;
	pg->sl = &w->sl;
	pg->csv = csv;
	/* Over what the last page added (even one that failed half-way):
	 * made anew, a page's nodes cost more than drawing it. When that
	 * cannot start (out of memory), the slots are empty and the page is
	 * built as new. */
	const struct html_slot slots[] = {w->sl.facts, w->sl.ladder, w->sl.plot,
	                                  w->sl.transitions};
	html_rebuild_begin(w->doc, slots, sizeof slots / sizeof slots[0]);
	if (write_facts(pg, f) != 0) {
		snprintf(err, errlen, "flow: out of memory");
		goto out;
	}
	if (db_result(db_each_flow_transition(db, f, transition_row, pg), db, pg,
	              "transitions", err, errlen) < 0)
		goto out;
	if (db_result(db_each_segment(db, f->id, keep, keep, segment_row, pg), db, pg,
	              "segments", err, errlen) < 0)
		goto out;
	/* Fewer than both ends' worth kept: the flow is whole, no gap. */
	struct db_segment_gap gap = {0};
	if (pg->n_segs >= (size_t)(2 * keep) && db_segment_gap(db, f->id, keep, keep, &gap) < 0) {
		snprintf(err, errlen, "segments: %s", db_error(db));
		goto out;
	}

	/* The gap band goes before the first segment after it. */
	size_t split = 0;
	if (gap.segments > 0) {
		while (split < pg->n_segs && pg->segs[split].frame < gap.first_frame)
			split++;
		if (split == 0 || split == pg->n_segs)
			split = 0;
	}

	xmlNodePtr node = w->sl.ladder.node;
	if (node && draw_ladder(pg, node, split, &gap) < 0) {
		snprintf(err, errlen, "ladder: out of memory");
		goto out;
	}
	/* The graph reads every segment of the flow itself, not the kept ones. */
	if ((node = w->sl.plot.node) && report_plot_flow(node, db, f, err, errlen) < 0)
		goto out;
	if ((node = w->sl.transitions.node))
		draw_table(pg, node);
	html_rebuild_end(w->doc);
	rc = html_out_save(w->out, pg->doc, path, err, errlen);
out:
	html_rebuild_end(w->doc);
	page_clear(pg);
	return rc;
}

struct one_page {
	struct report_flow_writer *w;
	struct db *db;
	const char *path;
	char *err;
	size_t errlen;
	int rc;
};

static int one_page_row(const struct db_flow_info *f, void *user)
{
	struct one_page *op = user;
	op->rc = report_flow_write(op->w, op->db, f, op->path, NULL, op->err, op->errlen);
	return 0;
}

int report_flow_page(struct db *db, int64_t flow_id, const struct report_options *opt,
                     const char *path, char *err, size_t errlen)
{
	struct report_flow_writer *w = report_flow_writer_new(opt, err, errlen);
	if (!w)
		return -1;
	struct one_page op = {w, db, path, err, errlen, -1};
	int found = db_get_flow(db, flow_id, one_page_row, &op);
	if (found == 0)
		snprintf(err, errlen, "flow %" PRId64 ": no such flow", flow_id);
	else if (found < 0)
		snprintf(err, errlen, "flow: %s", db_error(db));
	report_flow_writer_free(w);
	return found == 1 ? op.rc : -1;
}
