/* report_ladder: a flow page's ladder diagram (report_flow_page.h), laid
 * out and drawn as inline SVG. It owns the geometry (rows, rails, where
 * each arrow ends and each label and state goes) and the drawing; the
 * page around it (header, table, graph) is report_flow.c's.
 *
 * The ladder puts the client's rail on the left and the server's on the
 * right, one row per segment in frame order, time downward. A segment's
 * arrow leaves its sender's rail at its own row. A state change is written
 * on its endpoint's rail where the capture proves it (DESIGN.md, "TCP
 * states"): at the row of its seen_frame. A received SYN or FIN is proven
 * only by a later segment, so its arrow is drawn arriving there; that is
 * what makes crossing FINs cross. Geometry is computed in two passes (rows
 * first, then arrows that may end on a later row).
 *
 * The SVG is written lean, since it is most of a page and a report has a
 * page per flow: elements carry classes and the coordinates that differ
 * from row to row, nothing else. Colours, fonts, arrowheads and every
 * constant position (a column's x, a band's width) are rules of the
 * shared stylesheet (templates/style.css), keyed by the classes set here;
 * numbers are integers or one decimal, without a trailing ".0". */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_flow_page.h"
#include "seg_label.h"

/* Ladder geometry, in SVG user units. Rows are PITCH apart; an arrow that
 * arrives at once drops SLOPE over the width between the rails. */
#define PITCH         46.0
#define SLOPE         26.0
#define TOP           108.0 /* first row */
#define GAP_H         92.0  /* extra height of a collapsed flow's gap band */
/* Frame numbers end at x 50 (style.css), times and deltas start at 62,
 * as an x relative to the frame's <text>. */
#define TIME_DX       "12"
#define CLIENT_X      280.0 /* client rail; its state labels end at 268 (style.css) */
#define STATE_COL     104.0 /* room outside each rail for state labels */
#define MIN_RAILS     440.0 /* least distance between the rails */
#define LABEL_CH      7.23  /* advance of a 12px monospace character */
#define SMALL_CH      6.03  /* the same at 10px */
#define STATE_SPACING 13.0  /* least distance between two state labels */

/* ---- small tree helpers ------------------------------------------------ */

/* A <text>; x or y NAN when the stylesheet places it (a column's x). */
static xmlNodePtr svg_text(xmlNodePtr parent, const char *cls, double x, double y,
                           const char *text)
{
	xmlNodePtr t = html_add(parent, "text", cls, text);
	if (!isnan(x))
		html_set_coord(t, "x", x);
	if (!isnan(y))
		html_set_coord(t, "y", y);
	return t;
}

/* A <path> whose d is fmt with each '#' the next double (varargs) as
 * html_coord() writes it. */
static xmlNodePtr svg_path(xmlNodePtr parent, const char *cls, const char *fmt, ...)
{
	char d[512], n[HTML_NUM_LEN];
	struct text_line l = text_line(d, sizeof d);
	va_list ap;
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		if (*f == '#') {
			text_str(&l, html_coord(n, va_arg(ap, double)));
		} else {
			char c[2] = {*f, '\0'};
			text_str(&l, c);
		}
	}
	va_end(ap);
	xmlNodePtr p = html_add(parent, "path", cls, NULL);
	html_set(p, "d", d);
	return p;
}

/* ---- the ladder -------------------------------------------------------- */

struct ladder {
	struct flow_rows *pg;
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
long ladder_row_of(const struct flow_rows *pg, int64_t frame)
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
	struct flow_rows *pg = ld->pg;
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
		long i = ladder_row_of(pg, tr->frame), k = ladder_row_of(pg, tr->seen_frame);
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
	struct flow_rows *pg = ld->pg;
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
	const struct flow_rows *pg = ld->pg;
	long k = ladder_row_of(pg, tr->seen_frame);
	if (k < 0)
		return false;
	long i = tr->frame < tr->seen_frame ? ladder_row_of(pg, tr->frame) : -1;
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

/* The arrowheads: a thin and a bold one, each taking its arrow's colour
 * (fill: context-stroke in the stylesheet, which also picks which one an
 * arrow ends with); their size is the arrow's whatever its stroke. Each
 * is drawn with its tip at the origin, the point a marker puts on the
 * arrow's end, so that it needs no refX and refY. Then the dot of a state
 * change (its size and colours are the stylesheet's): one marker that the
 * states' one path puts on each of its points (draw_states), where a
 * <circle> each would repeat its element and coordinates' names. */
static void draw_defs(xmlNodePtr svg)
{
	static const struct {
		const char *id, *d;
	} heads[] = {{"ah", "M-9-4.5L0 0-9 4.5z"}, {"ahb", "M-12-6L0 0-12 6z"}};
	xmlNodePtr defs = html_add(svg, "defs", NULL, NULL);
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		xmlNodePtr m = html_add(defs, "marker", NULL, NULL);
		html_set(m, "id", heads[i].id);
		html_set(m, "markerUnits", "userSpaceOnUse");
		html_set(m, "orient", "auto");
		html_set(html_add(m, "path", NULL, NULL), "d", heads[i].d);
	}
	html_add(html_add(defs, "marker", NULL, NULL), "circle", NULL, NULL);
	html_set(defs->last, "id", "dot");
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
	svg_text(svg, "role", x, NAN, client ? "client" : "server");
	svg_text(svg, "addr", x, NAN, addr);
}

/* The state an endpoint starts in: the from_state of its first change, or,
 * if it never changes (a refusing server), its state at the first
 * segment. */
static const char *initial_state(const struct flow_rows *pg, bool client)
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
	double w = round((double)strlen(state) * 6.7 + 22);
	xmlNodePtr r = html_add(svg, "rect", "initial", NULL);
	html_set_coord(r, "x", x - w / 2);
	html_set_coord(r, "width", w);
	xmlNodePtr t = svg_text(svg, "state", x, NAN, state);
	html_set(t, "data-endpoint", client ? "client" : "server");
	html_set(t, "data-frame", "0");
}

/* The UTC day of a time, counted from 1970-01-01: floored, so that the
 * day before it (a capture's clock before 1970) is -1, not 0. */
static int64_t utc_day(int64_t ns)
{
	int64_t s = ns / 1000000000 - (ns % 1000000000 < 0);
	return s / 86400 - (s % 86400 < 0);
}

/* What hovering a row tells beyond what the ladder draws: the absolute
 * time (its date when not the flow's first day, which the facts give),
 * the absolute sequence numbers, the window in bytes once scaled, and
 * the options. Not the frame, flags, lengths, anomalies or states: the
 * row and the rails show them, and every byte here is in every row. */
static void seg_title(char *buf, size_t len, const struct seg *s, const struct facts *f,
                      struct utc_second *utc)
{
	char when[64];
	bool other_day = utc_day(s->ts_ns) != utc_day(f->first_ts_ns);
	text_utc(when, sizeof when, s->ts_ns, other_day, utc);
	struct text_line l = text_line(buf, len);
	text_str(&l, when);
	text_str(&l, "\nseq ");
	text_int(&l, s->seq);
	if (s->len > 0) {
		text_str(&l, ":");
		text_int(&l, (s->seq + s->len) % 4294967296);
	}
	if (s->has_ack) {
		text_str(&l, " ack ");
		text_int(&l, s->ack);
	}
	/* The window in bytes, once both SYNs agreed on scaling (RFC 7323
	 * 2.2: never on the SYN itself; 2.3: a shift above 14 counts as 14). */
	int scale = s->from_client ? f->client_wscale : f->server_wscale;
	scale = scale > 14 ? 14 : scale;
	if (f->client_wscale >= 0 && f->server_wscale >= 0 && scale > 0 &&
	    !(s->flags & TH_SYN) && !f->mid_stream) {
		char bytes[48];
		text_count(bytes, sizeof bytes, s->win << scale);
		text_str(&l, " win ");
		text_int(&l, s->win);
		text_str(&l, " \xc3\x97");
		text_int(&l, 1 << scale);
		text_str(&l, " = ");
		text_str(&l, bytes);
		text_str(&l, " bytes");
	}
	if (s->options) {
		text_str(&l, "\noptions: ");
		text_str(&l, s->options);
	}
}

static void draw_segment(struct ladder *ld, xmlNodePtr svg, size_t i, int64_t prev_ts)
{
	struct flow_rows *pg = ld->pg;
	const struct seg *s = &pg->segs[i];
	char cls[64] = "seg", buf[1024];
	if (s->flags & TH_SYN)
		text_cat(cls, sizeof cls, " syn");
	if (s->flags & TH_FIN)
		text_cat(cls, sizeof cls, " fin");
	if (s->flags & TH_RST)
		text_cat(cls, sizeof cls, " rst");
	if (s->analysis & AN_RETRANSMISSION)
		text_cat(cls, sizeof cls, " retrans");
	if (s->analysis)
		text_cat(cls, sizeof cls, " anomaly");
	xmlNodePtr g = html_add(svg, "g", cls, NULL);
	char frame[HTML_INT_LEN];
	html_set(g, "data-frame", html_int(frame, s->frame));

	seg_title(buf, sizeof buf, s, &pg->f, &pg->utc);
	html_add(g, "title", NULL, buf);
	/* A band across the whole row (its x and size are the stylesheet's):
	 * hovering anywhere shows the title, and highlights the row. */
	html_set_coord(html_add(g, "rect", NULL, NULL), "y", s->y0 - 15);

	/* The frame number, then its time and, on the line below, the delta
	 * to the row above: one <text> placed at FRAME_X by the stylesheet,
	 * the times in tspans that start TIME_DX further on. */
	xmlNodePtr fr = svg_text(g, "fr", NAN, s->y0 + 4, frame);
	text_rel(buf, sizeof buf, s->ts_ns - pg->f.first_ts_ns);
	html_set(html_add(fr, "tspan", NULL, buf), "x", TIME_DX);
	text_delta(buf, sizeof buf, s->ts_ns - prev_ts);
	xmlNodePtr dt = html_add(fr, "tspan", NULL, buf);
	html_set(dt, "x", TIME_DX);
	html_set(dt, "dy", "13");

	/* An arrow that ends on a state change stops at the dot's edge, so the
	 * head stays visible. Its colour and head come from the row's
	 * classes. */
	double xs = rail_x(ld, s->from_client), xe = rail_x(ld, !s->from_client);
	double stop = dot_at(ld, !s->from_client, s->y1) ? 6 : 0;
	svg_path(g, NULL, "M# #L# #", xs, s->y0, xe + (s->from_client ? -stop : stop), s->y1);

	/* The label, then the anomaly names on the same line: under the arrow
	 * they would run into the next row's label when the arrow is steep. */
	double text_w, width = label_width(s, &text_w);
	double left = s->label_x - width / 2;
	svg_text(g, "label", round(left + text_w / 2), round(s->label_y), s->label);
	if (s->analysis_names)
		svg_text(g, "an", round(left + text_w + 8), round(s->label_y),
		         s->analysis_names);
}

/* The band that stands for a collapsed flow's middle. */
static void draw_gap(struct ladder *ld, xmlNodePtr svg, const struct db_segment_gap *gap)
{
	double top = row_y(ld, ld->split - 1) + PITCH - 8;
	double bottom = row_y(ld, ld->split) - 24;
	xmlNodePtr g = html_add(svg, "g", "gap", NULL);
	html_setf(g, "data-segments", "%" PRId64, gap->segments);
	char n[48], bytes[48], span[32], first[48], last[48], buf[512];
	text_count(n, sizeof n, gap->segments);
	text_count(bytes, sizeof bytes, gap->bytes);
	text_span(span, sizeof span, gap->last_ts_ns - gap->first_ts_ns);
	text_count(first, sizeof first, gap->first_frame);
	text_count(last, sizeof last, gap->last_frame);
	snprintf(buf, sizeof buf,
	         "%s segments not drawn: frames %s to %s, %s payload bytes over %s", n,
	         first, last, bytes, span);
	html_add(g, "title", NULL, buf);
	xmlNodePtr r = html_add(g, "rect", NULL, NULL);
	html_set_coord(r, "y", top);
	html_set_coord(r, "height", bottom - top);
	double mid = (ld->rail[0] + ld->rail[1]) / 2;
	snprintf(buf, sizeof buf, "%s segments not drawn", n);
	svg_text(g, "gap-count", mid, top + (bottom - top) / 2 - 3, buf);
	snprintf(buf, sizeof buf, "frames %s" EN_DASH "%s" MIDDOT "%s bytes" MIDDOT "%s",
	         first, last, bytes, span);
	svg_text(g, "gap-detail", mid, top + (bottom - top) / 2 + 14, buf);
	/* The rails break off: a short zigzag where each leaves and resumes. */
	for (int c = 0; c < 2; c++) {
		double x = ld->rail[c];
		svg_path(g, NULL, "M# #l-6 4l12 4l-6 4M# #l-6-4l12-4l-6-4", x, top - 2, x,
		         bottom + 2);
	}
	svg_text(g, "t", NAN, top + (bottom - top) / 2 + 4, "\xe2\x8b\xae");
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
	struct flow_rows *pg = ld->pg;
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

/* The mark of transition t, or NULL when it is not drawn. */
static const struct state_mark *mark_of(const struct state_mark *marks, size_t n,
                                        const struct trans *t)
{
	for (size_t m = 0; m < n; m++)
		if (marks[m].tr == t)
			return &marks[m];
	return NULL;
}

/* The marks drawn in transition order, so the document reads as the
 * table does: a dot on the rail and the new state's name beside it (the
 * table below says what changed it and where). The dots are the points
 * of one path, each given its circle by the "dot" marker (draw_defs); the
 * path itself is neither stroked nor filled. -1 out of memory. */
static int draw_states(struct ladder *ld, xmlNodePtr svg, const struct state_mark *marks,
                       size_t n)
{
	const struct flow_rows *pg = ld->pg;
	if (!n)
		return 0;
	size_t cap = n * 2 * (HTML_NUM_LEN + 1) + 2;
	char *d = malloc(cap), num_buf[HTML_NUM_LEN];
	if (!d)
		return -1;
	struct text_line l = text_line(d, cap);
	for (size_t t = 0; t < pg->n_trans; t++) {
		const struct state_mark *mk = mark_of(marks, n, &pg->trans[t]);
		if (!mk)
			continue;
		text_str(&l, l.len ? " " : "M");
		text_str(&l, html_coord(num_buf, rail_x(ld, mk->tr->client)));
		text_str(&l, " ");
		text_str(&l, html_coord(num_buf, mk->y));
	}
	html_set(html_add(svg, "path", "dots", NULL), "d", d);
	free(d);
	for (size_t t = 0; t < pg->n_trans; t++) {
		const struct state_mark *mk = mark_of(marks, n, &pg->trans[t]);
		if (!mk)
			continue;
		/* Left of the client's rail, which is always at CLIENT_X: that x
		 * is the stylesheet's; right of the server's, where the widest
		 * label put it. */
		const struct trans *tr = mk->tr;
		xmlNodePtr label = svg_text(svg, "state", tr->client ? NAN : rail_x(ld, false) + 12,
		                            mk->label_y + 4, tr->to);
		html_set(label, "data-endpoint", tr->client ? "client" : "server");
		char frame[HTML_INT_LEN];
		html_set(label, "data-frame", html_int(frame, tr->seen_frame));
	}
	return 0;
}

xmlNodePtr ladder_frame(xmlNodePtr parent)
{
	/* Inline in HTML, it needs no xmlns, and no viewBox: drawn at its
	 * own size, its user units are pixels. */
	xmlNodePtr svg = html_add(parent, "svg", "ladder", NULL);
	if (!svg)
		return NULL;
	html_set(svg, "width", "0");
	html_set(svg, "height", "0");
	html_set(svg, "role", "img");
	html_set(svg, "aria-label", "ladder diagram");
	draw_defs(svg);
	svg_text(svg, "colhead", NAN, NAN, "frame");
	svg_text(svg, "colhead", NAN, NAN, "time (s)");
	return svg;
}

void ladder_measure(struct seg *g)
{
	seg_label(g->label, sizeof g->label, g->flags_text, g->rel_seq, g->len, g->has_ack,
	          g->rel_ack, g->win);
	g->text_w = (double)strlen(g->label) * LABEL_CH;
	g->label_w = g->text_w;
	if (g->analysis_names)
		g->label_w += 8 + (double)strlen(g->analysis_names) * SMALL_CH;
}

int ladder_draw(struct flow_rows *pg, xmlNodePtr svg, size_t split,
                const struct db_segment_gap *gap)
{
	struct ladder ld = {.pg = pg, .split = split};
	double widest = 0;
	for (size_t i = 0; i < pg->n_segs; i++) {
		double w = label_width(&pg->segs[i], NULL);
		widest = w > widest ? w : widest;
	}
	/* The rails sit as far apart as the widest label needs, a whole
	 * number of units (so that most coordinates are integers). */
	double rails = ceil(widest + 110);
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
	ld.height = ceil(bottom + 12);

	html_set_coord(svg, "width", ld.width);
	html_set_coord(svg, "height", ld.height);
	draw_rail_head(&ld, svg, true, pg->f.client ? pg->f.client : "?");
	draw_rail_head(&ld, svg, false, pg->f.server ? pg->f.server : "?");
	svg_path(svg, "rail", "M# 72V#M# 72V#", ld.rail[1], ld.height - 8, ld.rail[0],
	         ld.height - 8);
	draw_initial(&ld, svg, true); /* client first */
	draw_initial(&ld, svg, false);
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
	int rc = draw_states(&ld, svg, marks, n_marks);
	free(marks);
	return rc;
}
