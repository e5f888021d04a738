/* report_pair_ladder: the ladder of a flow pair (report_pair.h), as
 * inline SVG. Two rails, one per tap: the client's side on the left. Time
 * runs down on A's clock; each sighting's arrow goes from its sender's
 * rail at its send time to its receiver's at its receive time, so it
 * slants by its one-way delay. A lost one stops half-way at a cross; one
 * that appeared between the taps starts half-way at a diamond.
 *
 * Time is not drawn to one scale: a connection's seconds of idle would
 * push its next row off the screen, and its microseconds between
 * back-to-back segments would stack them. Each sighting gets a row (PITCH
 * apart) at the first time a tap saw it; any other time (a receive, a
 * state change) is placed between the rows around it, in proportion. The
 * map is monotonic, so every arrow with a positive delay slants downward
 * and arrows cross where segments really overtook each other.
 *
 * Classes and shapes follow the single ladder's (report_ladder.c), so
 * that the stylesheet's colours apply; the hooks VANTAGE.md fixes are
 * g.seg.pair[data-frame-a][data-frame-b][data-owd-ns], its line.arrow,
 * and data-vantage on state labels. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_flow_page.h"
#include "report_pair.h"
#include "seg_label.h"

#define PITCH       40.0
#define TOP         116.0  /* first row */
#define GAP_H       92.0   /* extra height of a collapsed pair's gap band */
#define CLIENT_X    300.0  /* client side's rail */
#define MIN_RAILS   480.0
#define STATE_COL   110.0  /* room right of the server's rail */
#define MIN_DROP    3.0    /* least slant of an arrow with a positive delay */
#define HALF_MARK   0.5    /* where a cross or diamond sits between the rails */
#define LABEL_CH    7.23   /* advance of a 12px monospace character */
#define LABEL_INSET 14.0   /* from the arrow's start to its label's */
#define STATE_SPACING 13.0
#define FRAME_A_X   44.0   /* frame columns end here */
#define FRAME_B_X   96.0
#define TIME_X      108.0  /* times start here */

struct layout {
	struct pair_rows *r;
	double rail[2];        /* x of the server's side [0], the client's [1] */
	double end_y;          /* below the last row: where the latest time maps */
	int64_t end_ts;        /* the latest time the ladder draws */
};

static double rail_x(const struct layout *l, bool client)
{
	return l->rail[client ? 1 : 0];
}

/* The time a sighting's row stands for: when the first tap saw it. */
static int64_t anchor_ts(const struct sight *s)
{
	return s->has_send ? s->send_ts_ns : s->recv_ts_ns;
}

/* Where time t falls: between the rows around it, in proportion; past the
 * last row, toward end_y. */
static double time_y(const struct layout *l, int64_t t)
{
	const struct pair_rows *r = l->r;
	if (r->n == 0)
		return TOP;
	/* The last row whose time is at or before t. */
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (anchor_ts(&r->s[mid]) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return r->s[0].row_y;
	const struct sight *a = &r->s[lo - 1];
	int64_t ta = anchor_ts(a), tb;
	double yb;
	if (lo < r->n) {
		tb = anchor_ts(&r->s[lo]);
		yb = r->s[lo].row_y;
	} else {
		tb = l->end_ts;
		yb = l->end_y;
	}
	if (tb <= ta)
		return a->row_y;
	double f = (double)(t - ta) / (double)(tb - ta);
	return a->row_y + (f > 1 ? 1 : f) * (yb - a->row_y);
}

/* Rows in order of their first time; a sighting's row keeps its place
 * when times tie (seq_no order). */
static int by_anchor(const void *x, const void *y)
{
	const struct sight *a = x, *b = y;
	int64_t ta = anchor_ts(a), tb = anchor_ts(b);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	return (a->seq_no > b->seq_no) - (a->seq_no < b->seq_no);
}

/* The sender's frame of a sighting, with the tap that has it. */
static bool sender_frame(const struct pair_rows *r, const struct sight *s, int64_t *frame)
{
	bool sender_is_a = s->from_client == r->p->a_is_client;
	*frame = sender_is_a ? s->frame_a : s->frame_b;
	return sender_is_a ? s->has_frame_a : s->has_frame_b;
}

static void place(struct layout *l)
{
	struct pair_rows *r = l->r;
	/* Each block of rows in time order (a gap's rows stay apart). */
	size_t split = r->split;
	qsort(r->s, split ? split : r->n, sizeof *r->s, by_anchor);
	if (split)
		qsort(r->s + split, r->n - split, sizeof *r->s, by_anchor);
	l->end_ts = INT64_MIN;
	for (size_t i = 0; i < r->n; i++) {
		struct sight *s = &r->s[i];
		s->row_y = TOP + PITCH * (double)i + (split && i >= split ? GAP_H : 0);
		int64_t last = s->has_recv ? s->recv_ts_ns : anchor_ts(s);
		l->end_ts = last > l->end_ts ? last : l->end_ts;
	}
	for (size_t t = 0; t < r->nt; t++)
		l->end_ts = r->t[t].ts_ns > l->end_ts ? r->t[t].ts_ns : l->end_ts;
	l->end_y = r->n ? r->s[r->n - 1].row_y + PITCH : TOP;

	double mid = (l->rail[0] + l->rail[1]) / 2;
	for (size_t i = 0; i < r->n; i++) {
		struct sight *s = &r->s[i];
		double xs = rail_x(l, s->from_client), xr = rail_x(l, !s->from_client);
		s->x0 = xs;
		s->x1 = xr;
		s->y0 = s->row_y;
		/* Pieces of one whole seen at the sender's tap leave together
		 * (not across the gap). */
		int64_t f, g;
		if (i > 0 && i != split && s->whole && sender_frame(r, s, &f) &&
		    sender_frame(r, &r->s[i - 1], &g) && f == g &&
		    r->s[i - 1].from_client == s->from_client)
			s->y0 = r->s[i - 1].y0;
		switch (s->fate) {
		case SIGHT_PAIRED:
			s->y1 = time_y(l, s->recv_ts_ns);
			if (s->recv_ts_ns > s->send_ts_ns && s->y1 < s->y0 + MIN_DROP)
				s->y1 = s->y0 + MIN_DROP;
			break;
		case SIGHT_LOST:
			s->x1 = xs + (xr - xs) * HALF_MARK;
			s->y1 = s->y0 + PITCH / 3;
			break;
		case SIGHT_APPEARED:
			s->x0 = mid;
			s->y1 = s->row_y;
			s->y0 = s->y1 - PITCH / 3;
			break;
		}
	}
}

/* ---- drawing ------------------------------------------------------------- */

static xmlNodePtr text_at(xmlNodePtr parent, const char *cls, double x, double y,
                          const char *text)
{
	xmlNodePtr t = html_add(parent, "text", cls, text);
	html_set_coord(t, "x", x);
	html_set_coord(t, "y", y);
	return t;
}

static void set_frame(xmlNodePtr node, const char *attr, bool has, int64_t frame)
{
	char buf[HTML_INT_LEN];
	if (has)
		html_set(node, attr, html_int(buf, frame));
}

/* A rail's heading: its tap's vantage and file, and the endpoint as that
 * tap saw it (a NAT's two sides differ). */
static void draw_rail_head(const struct layout *l, xmlNodePtr svg, bool client)
{
	const struct db_pair_info *p = l->r->p;
	bool is_a = client == p->a_is_client;
	const char *file = is_a ? p->file_a : p->file_b;
	const char *base = file ? strrchr(file, '/') : NULL;
	base = base ? base + 1 : file ? file : "?";
	const char *endpoint = client ? (is_a ? p->client_a : p->client_b)
	                              : (is_a ? p->server_a : p->server_b);
	double x = rail_x(l, client);
	char buf[400];
	snprintf(buf, sizeof buf, "%s" MIDDOT "%s", pair_side_vantage(p, client), base);
	xmlNodePtr role = text_at(svg, "role", x, 0, buf);
	html_set(role, "data-vantage", pair_side_vantage(p, client));
	html_add(role, "title", NULL, file ? file : "?");
	text_at(svg, "addr", x, 0, endpoint ? endpoint : "?");
}

static void draw_initial(const struct layout *l, xmlNodePtr svg, bool client)
{
	const struct pair_rows *r = l->r;
	const char *state = client ? "CLOSED" : "LISTEN";
	for (size_t t = 0; t < r->nt; t++) {
		if (r->t[t].client == client) {
			state = r->t[t].from;
			break;
		}
	}
	double x = rail_x(l, client);
	double w = round((double)strlen(state) * 6.7 + 22);
	xmlNodePtr rect = html_add(svg, "rect", "initial", NULL);
	html_set_coord(rect, "x", x - w / 2);
	html_set_coord(rect, "width", w);
	xmlNodePtr label = html_add(svg, "text", "state", state);
	html_set_coord(label, "x", x);
	html_set(label, "data-endpoint", client ? "client" : "server");
	html_set(label, "data-vantage", pair_side_vantage(r->p, client));
	html_set(label, "data-frame", "0");
}

/* What hovering a row tells: each tap's frame and time, and the delay. */
static void sight_title(char *buf, size_t len, const struct pair_rows *r, const struct sight *s)
{
	struct utc_second utc = {0};
	char when[64];
	buf[0] = '\0';
	if (s->has_send) {
		text_utc(when, sizeof when, s->send_ts_ns, true, &utc);
		text_cat(buf, len, "sent %s", when);
	}
	if (s->has_recv) {
		text_utc(when, sizeof when, s->recv_ts_ns, true, &utc);
		text_cat(buf, len, "%sreceived %s", *buf ? "\n" : "", when);
	}
	if (s->has_frame_a)
		text_cat(buf, len, "\n%s frame %" PRId64, r->p->vantage_a ? r->p->vantage_a : "A",
		         s->frame_a);
	if (s->has_frame_b)
		text_cat(buf, len, "\n%s frame %" PRId64, r->p->vantage_b ? r->p->vantage_b : "B",
		         s->frame_b);
	if (s->whole)
		text_cat(buf, len, "\na piece of the whole segment %s's tap saw",
		         s->whole == 'a' ? r->p->vantage_a : r->p->vantage_b);
	if (s->ambiguous)
		text_cat(buf, len, "\none of several copies alike: paired by order");
}

static void draw_sight(const struct layout *l, xmlNodePtr svg, const struct sight *s,
                       int64_t first_ts)
{
	const struct pair_rows *r = l->r;
	char cls[96] = "seg pair", buf[1024];
	text_cat(cls, sizeof cls, s->from_client ? " c2s" : " s2c");
	if (s->flags & TH_SYN)
		text_cat(cls, sizeof cls, " syn");
	if (s->flags & TH_FIN)
		text_cat(cls, sizeof cls, " fin");
	if (s->flags & TH_RST)
		text_cat(cls, sizeof cls, " rst");
	if (s->fate == SIGHT_LOST)
		text_cat(cls, sizeof cls, " lost-between");
	if (s->fate == SIGHT_APPEARED)
		text_cat(cls, sizeof cls, " appeared-between");
	if (s->whole)
		text_cat(cls, sizeof cls, " coalesced");
	if (s->ambiguous)
		text_cat(cls, sizeof cls, " ambiguous");
	xmlNodePtr g = html_add(svg, "g", cls, NULL);
	set_frame(g, "data-frame-a", s->has_frame_a, s->frame_a);
	set_frame(g, "data-frame-b", s->has_frame_b, s->frame_b);
	if (s->has_owd) {
		char owd[HTML_INT_LEN];
		html_set(g, "data-owd-ns", html_int(owd, s->owd_ns));
	}
	sight_title(buf, sizeof buf, r, s);
	html_add(g, "title", NULL, buf);

	char frame[HTML_INT_LEN];
	if (s->has_frame_a)
		text_at(g, "fr", FRAME_A_X, s->row_y + 4, html_int(frame, s->frame_a));
	if (s->has_frame_b)
		text_at(g, "fr", FRAME_B_X, s->row_y + 4, html_int(frame, s->frame_b));
	text_rel(buf, sizeof buf, (s->has_send ? s->send_ts_ns : s->recv_ts_ns) - first_ts);
	text_at(g, "t", TIME_X, s->row_y + 4, buf);

	xmlNodePtr line = html_add(g, "line", "arrow", NULL);
	html_set_coord(line, "x1", s->x0);
	html_set_coord(line, "y1", s->y0);
	html_set_coord(line, "x2", s->x1);
	html_set_coord(line, "y2", s->y1);
	if (s->fate == SIGHT_LOST) {
		/* A cross where it was lost. */
		char d[160], a[HTML_NUM_LEN], b[HTML_NUM_LEN];
		snprintf(d, sizeof d, "M%s %sl10 10m0-10l-10 10", html_coord(a, s->x1 - 5),
		         html_coord(b, s->y1 - 5));
		html_set(html_add(g, "path", "cross", NULL), "d", d);
	} else if (s->fate == SIGHT_APPEARED) {
		/* A diamond where it came from. */
		char d[160], a[HTML_NUM_LEN], b[HTML_NUM_LEN];
		snprintf(d, sizeof d, "M%s %sl6 6l-6 6l-6-6z", html_coord(a, s->x0),
		         html_coord(b, s->y0 - 6));
		html_set(html_add(g, "path", "diamond", NULL), "d", d);
	}
	/* The label above the arrow's start, reading away from the sender:
	 * an arrow that slants down leaves it, where one across its middle
	 * would run through it. */
	double toward = s->x1 > s->x0 ? 1 : -1;
	/* A piece leaving with its whole starts rows up: its label goes on its
	 * own row, where its arrow crosses it, not over the first piece's. */
	double x = s->x0;
	if (s->row_y > s->y0 && s->y1 > s->y0) {
		double f = (s->row_y - s->y0) / (s->y1 - s->y0);
		x += (s->x1 - s->x0) * (f > 1 ? 1 : f);
	}
	text_at(g, "label", round(x + toward * LABEL_INSET), round(s->row_y - 5), s->label);
}

/* The band that stands for a collapsed pair's middle. */
static void draw_gap(const struct layout *l, xmlNodePtr svg)
{
	const struct pair_rows *r = l->r;
	double top = r->s[r->split - 1].row_y + PITCH - 8;
	double bottom = r->s[r->split].row_y - 24;
	xmlNodePtr g = html_add(svg, "g", "gap", NULL);
	html_setf(g, "data-segments", "%" PRId64, r->gap.rows);
	char n[48], bytes[48], span[32], buf[256];
	text_count(n, sizeof n, r->gap.rows);
	text_count(bytes, sizeof bytes, r->gap.bytes);
	text_span(span, sizeof span, r->gap.last_ts_ns - r->gap.first_ts_ns);
	xmlNodePtr rect = html_add(g, "rect", NULL, NULL);
	html_set_coord(rect, "y", top);
	html_set_coord(rect, "height", bottom - top);
	double mid = (l->rail[0] + l->rail[1]) / 2;
	snprintf(buf, sizeof buf, "%s segments not drawn", n);
	text_at(g, "gap-count", mid, top + (bottom - top) / 2 - 3, buf);
	snprintf(buf, sizeof buf, "%s payload bytes" MIDDOT "%s", bytes, span);
	text_at(g, "gap-detail", mid, top + (bottom - top) / 2 + 14, buf);
}

struct mark {
	const struct pair_trans *tr;
	double y, label_y;
};

static int by_mark_y(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;
	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	return x->tr < y->tr ? -1 : x->tr > y->tr;
}

/* Is the transition caused by a sighting the ladder draws? (Not by one in
 * the collapsed middle.) */
static bool drawn(const struct pair_rows *r, const struct pair_trans *t)
{
	if (!r->split)
		return true;
	for (size_t i = 0; i < r->n; i++) {
		const struct sight *s = &r->s[i];
		if ((t->has_frame_a && s->has_frame_a && t->frame_a == s->frame_a) ||
		    (t->has_frame_b && s->has_frame_b && t->frame_b == s->frame_b))
			return true;
	}
	return false;
}

/* Each state change: a dot on its endpoint's rail at its own tap's time,
 * the new state beside it; labels that would touch are pushed down. The
 * lowest label's y into *bottom. */
static int draw_states(const struct layout *l, xmlNodePtr svg, double *bottom)
{
	const struct pair_rows *r = l->r;
	struct mark *m = calloc(r->nt + 1, sizeof *m);
	if (!m)
		return -1;
	size_t n = 0;
	for (size_t t = 0; t < r->nt; t++) {
		if (drawn(r, &r->t[t])) {
			double y = time_y(l, r->t[t].ts_ns);
			m[n++] = (struct mark){&r->t[t], y, y};
		}
	}
	qsort(m, n, sizeof *m, by_mark_y);
	for (int c = 0; c < 2; c++) {
		double last = -1e9;
		for (size_t k = 0; k < n; k++) {
			if (m[k].tr->client != (c == 1))
				continue;
			double y = m[k].y < last + STATE_SPACING ? last + STATE_SPACING : m[k].y;
			m[k].label_y = last = y;
			*bottom = y + 20 > *bottom ? y + 20 : *bottom;
		}
	}
	for (size_t k = 0; k < n; k++) {
		const struct pair_trans *tr = m[k].tr;
		double x = rail_x(l, tr->client);
		xmlNodePtr dot = html_add(svg, "circle", tr->appeared ? "appeared" : NULL, NULL);
		html_set_coord(dot, "cx", x);
		html_set_coord(dot, "cy", m[k].y);
		xmlNodePtr label = text_at(svg, "state", x + (tr->client ? -12 : 12),
		                           m[k].label_y + 4, tr->to);
		html_set(label, "data-endpoint", tr->client ? "client" : "server");
		html_set(label, "data-vantage", tr->vantage);
		set_frame(label, "data-frame-a", tr->has_frame_a, tr->frame_a);
		set_frame(label, "data-frame-b", tr->has_frame_b, tr->frame_b);
		char title[128];
		snprintf(title, sizeof title, "%s " ARROW " %s: %s%s", tr->from, tr->to, tr->event,
		         tr->appeared ? " (by a segment that appeared between the taps)" : "");
		html_add(label, "title", NULL, title);
	}
	free(m);
	return 0;
}

void pair_ladder_measure(struct sight *s, const char *flags_text, int64_t rel_seq,
                         int64_t len, bool has_ack, int64_t rel_ack, int64_t win)
{
	size_t n = seg_label(s->label, sizeof s->label, flags_text ? flags_text : "?", rel_seq,
	                     len, has_ack, rel_ack, win);
	const char *more = NULL;
	char owd[64];
	if (s->fate == SIGHT_LOST)
		more = "  lost between";
	else if (s->fate == SIGHT_APPEARED)
		more = "  appeared between";
	else if (s->has_owd) {
		snprintf(owd, sizeof owd, "  owd %.1f ms", (double)s->owd_ns / 1e6);
		more = owd;
	}
	if (more && n < sizeof s->label)
		snprintf(s->label + n, sizeof s->label - n, "%s", more);
	s->label_w = (double)strlen(s->label) * LABEL_CH;
}

int pair_ladder_draw(xmlNodePtr parent, struct pair_rows *r)
{
	struct layout l = {.r = r};
	double widest = 0;
	for (size_t i = 0; i < r->n; i++)
		widest = r->s[i].label_w > widest ? r->s[i].label_w : widest;
	double rails = ceil(widest + 60);
	rails = rails < MIN_RAILS ? MIN_RAILS : rails;
	l.rail[1] = CLIENT_X;
	l.rail[0] = CLIENT_X + rails;
	double width = l.rail[0] + STATE_COL + 8;
	place(&l);

	xmlNodePtr svg = html_add(parent, "svg", "ladder pair", NULL);
	if (!svg)
		return -1;
	html_set(svg, "role", "img");
	html_set(svg, "aria-label", "ladder diagram of both taps");
	/* The arrowheads, as the single ladder's. */
	xmlNodePtr defs = html_add(svg, "defs", NULL, NULL);
	xmlNodePtr marker = html_add(defs, "marker", NULL, NULL);
	html_set(marker, "id", "ah");
	html_set(marker, "refX", "9");
	html_set(marker, "refY", "4.5");
	html_set(marker, "markerUnits", "userSpaceOnUse");
	html_set(marker, "orient", "auto");
	html_set(html_add(marker, "path", NULL, NULL), "d", "M0 0L9 4.5L0 9z");

	text_at(svg, "colhead", FRAME_A_X, 38, r->p->vantage_a ? r->p->vantage_a : "A");
	text_at(svg, "colhead", FRAME_B_X, 38, r->p->vantage_b ? r->p->vantage_b : "B");
	text_at(svg, "colhead time", TIME_X, 38, "time (s)");

	double bottom = l.end_y;
	for (size_t i = 0; i < r->n; i++)
		bottom = r->s[i].y1 + 20 > bottom ? r->s[i].y1 + 20 : bottom;
	/* Rails and rows first: the states' dots go over them. */
	xmlNodePtr rails_g[2];
	for (int c = 1; c >= 0; c--) {
		draw_rail_head(&l, svg, c == 1);
		rails_g[c] = html_add(svg, "path", "rail", NULL);
		draw_initial(&l, svg, c == 1);
	}
	int64_t first = r->n ? (r->s[0].has_send ? r->s[0].send_ts_ns : r->s[0].recv_ts_ns) : 0;
	for (size_t i = 0; i < r->n; i++) {
		if (r->split && i == r->split)
			draw_gap(&l, svg);
		draw_sight(&l, svg, &r->s[i], first);
	}
	if (draw_states(&l, svg, &bottom) != 0)
		return -1;
	double height = ceil(bottom + 12);
	for (int c = 0; c < 2; c++) {
		char d[128], x[HTML_NUM_LEN], y[HTML_NUM_LEN];
		snprintf(d, sizeof d, "M%s 72V%s", html_coord(x, l.rail[c]),
		         html_coord(y, height - 8));
		html_set(rails_g[c], "d", d);
	}
	html_set_coord(svg, "width", width);
	html_set_coord(svg, "height", height);
	return 0;
}
