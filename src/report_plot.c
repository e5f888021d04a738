/* report_plot: the time/sequence graph of a flow page (see report_plot.h):
 * reading the flow's segments into bins (report_plot_bins.c) and drawing
 * the bins as SVG.
 *
 * Each kind of mark of a panel is one <path> whose class says what it is;
 * coordinates are integers or one decimal, written by num1, which drops a
 * ".0" (a graph is mostly its numbers). x is a pixel column exactly, so
 * a mark per column is a mark per pixel at the page's scale. */
#include "report_plot.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

/* Geometry, in SVG user units (CSS pixels at 100%). */
#define PAD_X    8.0  /* inside the frame, left and right of the columns */
#define PLOT_W   (PLOT_COLUMNS - 1 + 2 * PAD_X)
#define MARGIN_L 58.0 /* y tick labels and the y axis title */
#define MARGIN_R 10.0
#define TITLE_H  22.0 /* above each panel */
#define PANEL_H  200.0
#define AXIS_H   36.0 /* x tick labels and the axis title, at the bottom */
#define NOTE_H   18.0 /* a line saying why a direction is left out */
#define SVG_W    (MARGIN_L + PLOT_W + MARGIN_R)

/* A panel's y range keeps the window edge when that at most doubles it;
 * past that the edge runs along the top and the title says so. */
#define WIN_ROOM 1.0

/* The analysis flags that make a segment a retransmission (DESIGN.md,
 * "Analysis flags"): retransmission, fast and spurious. */
#define AN_ANY_RETRANSMISSION 7

/* ---- text ---------------------------------------------------------------- */

/* A growing string for path data; an allocation failure sticks, checked
 * once at the end. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* v rounded to a tenth, without a trailing ".0": "12", "12.5", "-3". */
static const char *num1(char buf[32], double v)
{
	long long t = llround(v * 10);
	bool neg = t < 0;
	unsigned long long a = neg ? 0ULL - (unsigned long long)t : (unsigned long long)t;
	char *p = buf + 31;
	*p = '\0';
	if (a % 10) {
		*--p = (char)('0' + a % 10);
		*--p = '.';
	}
	a /= 10;
	do
		*--p = (char)('0' + a % 10);
	while (a /= 10);
	if (neg)
		*--p = '-';
	return p;
}

/* Path data: fmt with each '#' replaced by the next double of v, as num1
 * writes it. */
static void sb_path(struct sbuf *b, const char *fmt, const double *v)
{
	char buf[32];
	for (const char *f = fmt; *f; f++) {
		const char *run = f;
		while (*f && *f != '#')
			f++;
		sb_put(b, run, (size_t)(f - run));
		if (!*f)
			break;
		const char *n = num1(buf, *v++);
		sb_put(b, n, strlen(n));
	}
}

#define PATH(b, fmt, ...) sb_path((b), (fmt), (const double[]){__VA_ARGS__})

/* A <text>; x or y NAN when the stylesheet places it (a column's x,
 * the labels' row under the panels). */
static xmlNodePtr add_text(xmlNodePtr parent, const char *cls, double x, double y,
                           const char *text)
{
	char buf[32];
	xmlNodePtr t = html_add(parent, "text", cls, text);
	if (!isnan(x))
		html_set(t, "x", num1(buf, x));
	if (!isnan(y))
		html_set(t, "y", num1(buf, y));
	return t;
}

/* ---- axes ---------------------------------------------------------------- */

/* A value range mapped onto a pixel range. */
struct axis {
	double lo, hi; /* values at the ends */
	double p0, p1; /* pixels at lo and hi */
};

static double axis_px(const struct axis *a, double v)
{
	return a->p0 + (v - a->lo) / (a->hi - a->lo) * (a->p1 - a->p0);
}

/* 1, 2 or 5 times a power of ten, giving about `want` ticks over range. */
static double nice_step(double range, int want)
{
	double raw = range / want;
	double mag = pow(10, floor(log10(raw)));
	double norm = raw / mag;
	return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

/* Decimals that show a step exactly enough to tell ticks apart. */
static int step_decimals(double step)
{
	int d = 0;
	for (double p = 1; p > step * (1 + 1e-9) && d < 9; p /= 10)
		d++;
	return d;
}

/* The unit of a sequence axis reaching `top` with ticks `step` apart:
 * the largest of k, M and G the top reaches ten of (or a step one of), if
 * a step shows in it with two decimals at most (else plain digits: a mid-stream flow's 10-byte
 * steps at 4 GB read best whole). */
static double seq_unit(double top, double step)
{
	static const double units[] = {1e9, 1e6, 1e3};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if ((top >= 10 * units[i] || step >= units[i]) && step >= units[i] / 100)
			return units[i];
	return 1;
}

/* A sequence number tick label in unit (seq_unit): 1500, 12k, 1.5M. */
static void seq_label(char *buf, size_t len, double v, double step, double unit)
{
	const char *suffix = unit == 1e9 ? "G" : unit == 1e6 ? "M" : unit == 1e3 ? "k" : "";
	if (fabs(v) < step / 2)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "%.*f%s", step_decimals(step / unit), v / unit, suffix);
}

/* ---- a panel ------------------------------------------------------------- */

struct panel {
	const struct plot_panel_bins *p;
	bool client;
	double top, bottom;   /* of the plot area */
	struct axis y;
};

static double col_x(int x)
{
	return MARGIN_L + PAD_X + x;
}

double report_plot_column_x(int col)
{
	return col_x(col);
}

/* y of value v, clamped into the frame, in tenths as the path writes it
 * (so that a step line sees the changes it can draw). */
static double val_y(const struct panel *pn, int64_t v)
{
	double y = axis_px(&pn->y, (double)v);
	y = y < pn->top ? pn->top : y > pn->bottom ? pn->bottom : y;
	return round(y * 10) / 10;
}

/* A vertical bar over [lo, hi] at column x, at least min_h pixels tall
 * (centred on its range when it must grow). */
static void bar(struct sbuf *b, const struct panel *pn, int x, int64_t lo, int64_t hi,
                double min_h)
{
	double y0 = val_y(pn, lo), y1 = val_y(pn, hi);
	if (y0 - y1 < min_h) {
		double mid = (y0 + y1) / 2;
		y0 = round((mid + min_h / 2) * 10) / 10;
		y1 = y0 - min_h;
	}
	PATH(b, "M# #V#", col_x(x), y0, y1);
}

/* The panel's y axis: its marks' extent, padded; the window edge kept in
 * view when it does not squash the rest. Sets *win_off when it does not. */
static void fit_y(struct panel *pn, bool *win_off)
{
	const struct plot_panel_bins *p = pn->p;
	double lo = (double)p->extent.lo, hi = (double)p->extent.hi;
	*win_off = false;
	if (p->acks && (double)p->win_hi > hi) {
		if ((double)p->win_hi - lo <= (1 + WIN_ROOM) * (hi - lo) || hi - lo < 1)
			hi = (double)p->win_hi;
		else
			*win_off = true;
	}
	if (hi - lo < 10)
		hi = lo + 10;
	double pad = (hi - lo) * 0.05;
	pn->y = (struct axis){lo - pad, hi + pad, pn->bottom, pn->top};
}

/* Horizontal grid lines (reaching out as the axis's ticks) and their
 * labels. */
static void draw_y_ticks(xmlNodePtr g, const struct panel *pn, struct sbuf *grid)
{
	double step = nice_step(pn->y.hi - pn->y.lo, 4);
	if (step < 1)
		step = 1;
	double unit = seq_unit(fmax(fabs(pn->y.hi), fabs(pn->y.lo)), step);
	xmlNodePtr labels = html_add(g, "g", "p-yl", NULL);
	double first = ceil(pn->y.lo / step) * step;
	/* Counted, not stepped: far from zero a step can be below a double's
	 * resolution, and v += step would never end. */
	for (int k = 0; k < 20 && first + k * step <= pn->y.hi; k++) {
		double v = first + k * step, y = round(axis_px(&pn->y, v));
		PATH(grid, "M# #H#", MARGIN_L - 4, y, MARGIN_L + PLOT_W);
		char label[48];
		seq_label(label, sizeof label, v, step, unit);
		add_text(labels, NULL, NAN, y + 4, label); /* at MARGIN_L - 6 */
	}
}

/* The step line through each column's last value, held to the flow's
 * last column. */
static void step_line(struct sbuf *b, const struct panel *pn, bool window, int last_x)
{
	bool started = false;
	double prev = 0;
	int x_drawn = 0; /* where the path's last segment ends */
	for (size_t i = 0; i < pn->p->n; i++) {
		const struct plot_col *c = &pn->p->col[i];
		if (!c->ack)
			continue;
		double y = val_y(pn, window ? c->win_at : c->ack_at);
		if (!started)
			PATH(b, "M# #", col_x(c->x), y);
		else if (y != prev)
			PATH(b, "H#V#", col_x(c->x), y);
		else
			continue;
		started = true;
		prev = y;
		x_drawn = c->x;
	}
	if (started && x_drawn != last_x)
		PATH(b, "H#", col_x(last_x));
}

/* The kinds of mark, as bits of what a graph drew (its key). */
enum {
	KEY_DATA = 1,
	KEY_RETX = 2,
	KEY_ACK = 4,
	KEY_WIN = 8,
	KEY_SACK = 16,
	KEY_SYN = 32,
	KEY_FIN = 64,
	KEY_RST = 128,
};

static void add_path(xmlNodePtr g, const char *cls, const struct sbuf *b)
{
	if (b->len)
		html_set(html_add(g, "path", cls, NULL), "d", b->p);
}

/* The marks: one path per kind. Few data ticks get I-beam caps, as
 * tcptrace draws them; many would only blur into each other. */
static bool draw_marks(xmlNodePtr g, const struct panel *pn, int last_x, unsigned *drawn)
{
	enum { WIN, ACK, SACK, DATA, RETX, SYN, FIN, RST, KINDS };
	static const char *const cls[KINDS] = {"p-win", "p-ack",  "p-sack", "p-data",
	                                       "p-retx", "p-syn", "p-fin",  "p-rst"};
	static const unsigned bit[KINDS] = {KEY_WIN, KEY_ACK, KEY_SACK, KEY_DATA,
	                                    KEY_RETX, KEY_SYN, KEY_FIN, KEY_RST};
	struct sbuf m[KINDS] = {0};
	step_line(&m[WIN], pn, true, last_x);
	step_line(&m[ACK], pn, false, last_x);
	size_t ticks = 0;
	for (size_t i = 0; i < pn->p->n; i++)
		ticks += pn->p->col[i].data.lo <= pn->p->col[i].data.hi;
	bool caps = ticks * 8 <= PLOT_COLUMNS;
	for (size_t i = 0; i < pn->p->n; i++) {
		const struct plot_col *c = &pn->p->col[i];
		double x = col_x(c->x);
		/* Retransmissions and SACK blocks stay in sight however far the
		 * flow is zoomed out: a few pixels at least. */
		for (int k = 0; k < c->n_sack; k++)
			bar(&m[SACK], pn, c->x, c->sack[k].lo, c->sack[k].hi, 4);
		const struct plot_range *r[2] = {&c->data, &c->retx};
		for (int k = 0; k < 2; k++) {
			if (r[k]->lo > r[k]->hi)
				continue;
			bar(&m[DATA + k], pn, c->x, r[k]->lo, r[k]->hi, k ? 4 : 1);
			if (caps)
				PATH(&m[DATA + k], "M# #h5M# #h5", x - 2.5, val_y(pn, r[k]->lo),
				     x - 2.5, val_y(pn, r[k]->hi));
		}
		if (c->syn)
			PATH(&m[SYN], "M# #l4 4-4 4-4-4z", x, val_y(pn, c->syn_at) - 4);
		/* Each mark's path starts at its column's x. */
		if (c->fin)
			PATH(&m[FIN], "M# #h3.5v7h-7v-7z", x, val_y(pn, c->fin_at) - 3.5);
		if (c->rst)
			PATH(&m[RST], "M# #m-4-4l8 8m0-8l-8 8", x, val_y(pn, c->rst_at));
	}
	bool oom = false;
	for (int k = 0; k < KINDS; k++) {
		oom |= m[k].oom;
		if (!oom)
			add_path(g, cls[k], &m[k]);
		if (m[k].len)
			*drawn |= bit[k];
		free(m[k].p);
	}
	return !oom;
}

/* Panel pn, its title at title_y; false out of memory. */
static bool draw_panel(xmlNodePtr svg, struct panel *pn, double title_y,
                       const double *x_ticks, size_t n_x_ticks, int last_x, unsigned *drawn)
{
	xmlNodePtr g = html_add(svg, "g", "p-panel", NULL);
	html_set(g, "data-direction", pn->client ? "client" : "server");
	bool win_off;
	fit_y(pn, &win_off);
	char title[160], hi[32];
	/* Three digits: 65.5k, 8.39M. */
	double w = (double)pn->p->win_hi;
	double unit = w >= 1e9 ? 1e9 : w >= 1e6 ? 1e6 : w >= 1e3 ? 1e3 : 1;
	snprintf(hi, sizeof hi, "%.3g%s", w / unit,
	         unit == 1e9 ? "G" : unit == 1e6 ? "M" : unit == 1e3 ? "k" : "");
	snprintf(title, sizeof title, "%s%s%s%s",
	         pn->client ? "client \xe2\x86\x92 server" : "server \xe2\x86\x92 client",
	         win_off ? " \xc2\xb7 window edge above the top (up to " : "",
	         win_off ? hi : "", win_off ? ")" : "");
	add_text(g, "p-title", NAN, title_y, title); /* at MARGIN_L */

	double left = MARGIN_L, right = MARGIN_L + PLOT_W;
	/* The grid first, under the labels, frame and marks. */
	xmlNodePtr grid_path = html_add(g, "path", "p-grid", NULL);
	struct sbuf grid = {0}, axis = {0};
	draw_y_ticks(g, pn, &grid);
	PATH(&axis, "M# #H#V#H#z", left, pn->top, right, pn->bottom, left);
	/* The time axis's ticks, under the lowest panel (which has its labels). */
	for (size_t i = 0; i < n_x_ticks; i++)
		PATH(&axis, "M# #v4", x_ticks[i], pn->bottom);
	bool ok = !grid.oom && !axis.oom;
	if (ok) {
		html_set(grid_path, "d", grid.p);
		add_path(g, "p-axis", &axis);
	}
	free(grid.p);
	free(axis.p);
	return ok && draw_marks(g, pn, last_x, drawn);
}

/* Why a direction has no panel. */
static void draw_left_out(xmlNodePtr svg, const struct plot_panel_bins *p, bool client,
                          double y)
{
	char line[200];
	const char *dir = client ? "client \xe2\x86\x92 server" : "server \xe2\x86\x92 client";
	if (p->segments)
		snprintf(line, sizeof line,
		         "%s: no panel: its %zu segment%s no data, SYN, FIN or RST, "
		         "and nothing it sent was acknowledged",
		         dir, p->segments, p->segments == 1 ? " carries" : "s carry");
	else
		snprintf(line, sizeof line,
		         "%s: no panel: nothing was sent this way, and nothing acknowledged",
		         dir);
	add_text(svg, "p-note", NAN, y, line); /* at MARGIN_L */
}

/* The key, in the <p> report_plot_frame put before the drawing: the
 * kinds this flow's graph draws, not all eight on every page (a key of
 * eight for a graph of three would say the others were looked for and
 * are absent, on every page, in bytes). */
static void draw_key(xmlNodePtr svg, unsigned drawn)
{
	static const struct {
		unsigned bit;
		const char *cls, *label;
	} keys[] = {
	        {KEY_DATA, "p-data", "data"},
	        {KEY_RETX, "p-retx", "retransmitted"},
	        {KEY_ACK, "p-ack", "ACK"},
	        {KEY_WIN, "p-win", "window edge"},
	        {KEY_SACK, "p-sack", "SACK"},
	        {KEY_SYN, "p-syn", "SYN"},
	        {KEY_FIN, "p-fin", "FIN"},
	        {KEY_RST, "p-rst", "RST"},
	};
	xmlNodePtr key = svg->prev;
	if (!key || key->type != XML_ELEMENT_NODE)
		return;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (drawn & keys[i].bit) {
			html_add(key, "i", keys[i].cls, NULL);
			html_text(key, keys[i].label);
		}
	}
}

int report_plot_draw(xmlNodePtr svg, const struct plot_bins *b)
{
	bool shown[2];
	int panels = 0;
	for (int d = 0; d < 2; d++) {
		shown[d] = b->dir[d].extent.lo <= b->dir[d].extent.hi;
		panels += shown[d];
	}
	double height = panels * (TITLE_H + PANEL_H) + (2 - panels) * NOTE_H + AXIS_H;
	html_svg_size(svg, SVG_W, height);

	/* The time axis, shared: seconds since the flow's first segment, or
	 * milliseconds for a flow shorter than a second. */
	double span_s = (double)(b->t1_ns - b->t0_ns) / 1e9;
	bool ms = span_s < 1;
	double scale = ms ? 1e3 : 1;
	struct axis ax = {0, span_s * scale, col_x(0), col_x(b->cols - 1)};
	double step = nice_step(ax.hi, 6);
	double x_ticks[32];
	size_t n_x = 0;
	for (int k = 0; k < 32 && k * step <= ax.hi * (1 + 1e-9); k++)
		x_ticks[n_x++] = round(axis_px(&ax, k * step));

	double y = 0;
	unsigned drawn = 0;
	for (int d = 0; d < 2; d++) {
		if (!shown[d])
			continue;
		struct panel pn = {&b->dir[d], d == 0, y + TITLE_H, y + TITLE_H + PANEL_H,
		                   {0, 0, 0, 0}};
		bool lowest = d == 1 || !shown[1];
		if (!draw_panel(svg, &pn, y + 15, x_ticks, lowest ? n_x : 0, b->cols - 1, &drawn))
			return -1;
		y += TITLE_H + PANEL_H;
	}

	/* The time axis's labels: their group moved down to their baseline,
	 * so that each gives only its x. */
	xmlNodePtr labels = html_add(svg, "g", "p-xl", NULL);
	char num[32], move[64];
	snprintf(move, sizeof move, "translate(0 %s)", num1(num, y + 15));
	html_set(labels, "transform", move);
	int dec = step_decimals(step);
	for (size_t i = 0; i < n_x; i++) {
		char label[HTML_NUM_LEN];
		html_fixed(label, (double)i * step, dec);
		add_text(labels, NULL, x_ticks[i], NAN, label);
	}
	add_text(labels, NULL, MARGIN_L + PLOT_W / 2, 16,
	         ms ? "time since the first segment (ms)"
	            : "time since the first segment (s)");
	/* Below the axis, a line for each direction left out. */
	double note_y = y + AXIS_H;
	for (int d = 0; d < 2; d++) {
		if (!shown[d]) {
			note_y += NOTE_H;
			draw_left_out(svg, &b->dir[d], d == 0, note_y - 5);
		}
	}
	/* The y axis's title, turned a quarter left by the stylesheet (about
	 * the origin): its x is minus the height it is centred on. */
	if (panels)
		add_text(svg, "p-yt", -y / 2, 14, "relative sequence (bytes)");
	draw_key(svg, drawn);
	return 0;
}

/* ---- reading --------------------------------------------------------------- */

struct reading {
	struct plot_bins *b;
	int client_shift, server_shift; /* window scale, once both sides agreed */
	bool oom;
};

static int plot_row(const struct db_plot_segment *r, void *user)
{
	struct reading *rd = user;
	struct plot_seg s = {
	        .ts_ns = r->ts_ns,
	        .from_client = r->from_client,
	        .flags = r->flags,
	        .rel_seq = r->rel_seq,
	        .len = r->len,
	        .has_ack = r->has_ack,
	        .rel_ack = r->rel_ack,
	        .retrans = (r->analysis & AN_ANY_RETRANSMISSION) != 0,
	};
	/* A SYN's window is never scaled (RFC 7323 section 2.2). */
	int shift = (r->flags & PLOT_TH_SYN) ? 0
	            : r->from_client       ? rd->client_shift
	                                   : rd->server_shift;
	s.win = r->win << shift;
	if (r->options && r->has_ack)
		s.n_sack = plot_parse_sack(r->options, r->ack, r->rel_ack, s.sack);
	if (plot_bins_add(rd->b, &s) < 0) {
		rd->oom = true;
		return 1;
	}
	return 0;
}

int report_plot_flow(xmlNodePtr svg, struct db *db, const struct db_flow_info *f,
                     const struct db_plot_segment *segs, size_t n, char *err, size_t errlen)
{
	struct plot_bins b;
	plot_bins_init(&b, PLOT_COLUMNS, f->first_ts_ns, f->last_ts_ns);
	/* Scaling holds when both SYNs carried the option (RFC 7323). */
	bool scaled = f->client_wscale >= 0 && f->server_wscale >= 0;
	struct reading rd = {&b, scaled ? f->client_wscale : 0,
	                     scaled ? f->server_wscale : 0, false};
	int rc = 0;
	if (segs) {
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = plot_row(&segs[i], &rd);
	} else {
		rc = db_each_plot_segment(db, f, plot_row, &rd);
	}
	if (rc < 0)
		snprintf(err, errlen, "time/sequence graph: %s", db_error(db));
	else if (rd.oom || report_plot_draw(svg, &b) < 0) {
		snprintf(err, errlen, "time/sequence graph: out of memory");
		rc = -1;
	}
	plot_bins_free(&b);
	return rc < 0 ? -1 : 0;
}

/* ---- the frame ------------------------------------------------------------- */

xmlNodePtr report_plot_frame(xmlNodePtr parent)
{
	/* The key's entries are each page's (draw_key). */
	if (!html_add(parent, "p", "p-key", NULL))
		return NULL;
	/* Inline in HTML it needs no xmlns (html_svg's, for an SVG saved on
	 * its own): out of the page, without style.css, it would draw as
	 * black lines anyway. */
	xmlNodePtr svg = html_add(parent, "svg", "plot", NULL);
	if (!svg)
		return NULL;
	html_svg_size(svg, SVG_W, TITLE_H + PANEL_H + AXIS_H);
	html_set(svg, "role", "img");
	html_set(svg, "aria-label", "time/sequence graph");
	return svg;
}
