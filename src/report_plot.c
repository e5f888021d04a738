/* report_plot: the time/sequence graph of a flow page (see report_plot.h).
 *
 * The graph is a grid of panels: one column per direction (client's data
 * on the left, server's on the right), one row for a whole flow or two for
 * a collapsed one (its first and its last segments). The panels of a row
 * share their time axis, so a segment and the ACK that answers it line up
 * across the two columns. Each panel draws few elements: all ticks of one
 * kind are one <path>, so a panel costs about as much as its segments'
 * numbers, and the graph stays small whatever the flow.
 *
 * Colours are presentation attributes rather than classes of the page's
 * stylesheet, so that the <svg> reads the same saved on its own. */
#include "report_plot.h"

#include <math.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

/* Geometry, in SVG user units (CSS pixels at 100%). */
#define PANEL_W  360.0 /* plot area */
#define PANEL_H  210.0
#define MARGIN_L 62.0 /* y tick labels */
#define MARGIN_R 18.0
#define MARGIN_T 30.0 /* panel title */
#define MARGIN_B 40.0 /* x tick labels and axis title */
#define LEGEND_H 30.0
#define CELL_W   (MARGIN_L + PANEL_W + MARGIN_R)
#define CELL_H   (MARGIN_T + PANEL_H + MARGIN_B)

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04

#define C_DATA    "#1565c0"
#define C_RETRANS "#e65100"
#define C_ACK     "#78909c"
#define C_SYN     "#2e7d32"
#define C_FIN     "#c62828"
#define C_RST     "#6a1b9a"
#define C_AXIS    "#78909c"
#define C_GRID    "#eceff1"
#define C_TEXT    "#455a64"

/* A growing string for path data, which can be longer than html_setf's
 * buffer. An allocation failure sticks, so callers check once at the end. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

/* Path data: fmt with each '#' replaced by the next double (varargs) as
 * "%.1f" writes it, through html_num: a graph's paths are mostly such
 * numbers, and printf's float formatting was a tenth of a page's cost. */
static void sb_path(struct sbuf *b, const char *fmt, ...)
{
	char out[2048], num[HTML_NUM_LEN];
	size_t o = 0;
	va_list ap;
	va_start(ap, fmt);
	for (const char *f = fmt; *f && o < sizeof out - HTML_NUM_LEN; f++) {
		if (*f != '#') {
			out[o++] = *f;
			continue;
		}
		const char *n = html_num(num, va_arg(ap, double));
		size_t len = strlen(n);
		memcpy(out + o, n, len);
		o += len;
	}
	va_end(ap);
	if (b->oom)
		return;
	if (b->len + o + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + o + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, out, o);
	b->len += o;
	b->p[b->len] = '\0';
}

/* An attribute holding one "%.1f" number. */
static void set_num(xmlNodePtr node, const char *attr, double v)
{
	char buf[HTML_NUM_LEN];
	html_set(node, attr, html_num(buf, v));
}

/* One axis: a value range mapped onto a pixel range, with round ticks. */
struct axis {
	double lo, hi; /* values at the ends */
	double p0, p1; /* pixels at lo and hi */
	double step;   /* between ticks */
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

/* An axis over [lo, hi] padded a little, so that marks at the extremes do
 * not sit on the frame; `integral` axes (sequence numbers) never tick
 * between two integers. */
static void axis_fit(struct axis *a, double lo, double hi, double min_span, bool integral,
                     double p0, double p1)
{
	/* A range too small to tick grows upward: time and sequence numbers
	 * start at 0, and a negative tick would only puzzle. */
	if (hi - lo < min_span)
		hi = lo + min_span;
	double pad = (hi - lo) * 0.04;
	a->lo = lo - pad;
	a->hi = hi + pad;
	a->p0 = p0;
	a->p1 = p1;
	a->step = nice_step(a->hi - a->lo, 5);
	if (integral && a->step < 1)
		a->step = 1;
}

/* Decimals that show a step exactly enough to tell ticks apart. */
static int step_decimals(double step)
{
	int d = 0;
	for (double p = 1; p > step * (1 + 1e-9) && d < 9; p /= 10)
		d++;
	return d;
}

/* A sequence number tick label: 1500, 12k, 1.5M. */
static void seq_label(char *buf, size_t len, double v, double step)
{
	static const struct {
		double unit;
		const char *suffix;
	} units[] = {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
	if (fabs(v) < step / 2) {
		snprintf(buf, len, "0");
		return;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		/* Switch to a unit once plain digits get long. */
		if (fabs(v) >= units[i].unit * 10 || step >= units[i].unit) {
			snprintf(buf, len, "%.*f%s", step_decimals(step / units[i].unit),
			         v / units[i].unit, units[i].suffix);
			return;
		}
	}
	snprintf(buf, len, "%.0f", v);
}

static xmlNodePtr add_text(xmlNodePtr parent, double x, double y, const char *anchor,
                           const char *fill, const char *text)
{
	xmlNodePtr t = html_add(parent, "text", NULL, text);
	set_num(t, "x", x);
	set_num(t, "y", y);
	if (anchor)
		html_set(t, "text-anchor", anchor);
	if (fill)
		html_set(t, "fill", fill);
	return t;
}

static xmlNodePtr add_path(xmlNodePtr parent, const char *d, const char *stroke,
                           const char *width, const char *fill)
{
	xmlNodePtr p = html_add(parent, "path", NULL, NULL);
	html_set(p, "d", d);
	html_set(p, "stroke", stroke ? stroke : "none");
	if (width)
		html_set(p, "stroke-width", width);
	html_set(p, "fill", fill ? fill : "none");
	return p;
}

/* One panel: direction `client` of segs[a, b), in a cell whose top left
 * corner is (x0, y0). The time axis is shared by the row: [t_lo, t_hi]. */
struct panel {
	const struct plot_seg *segs;
	size_t a, b;
	bool client;
	double t_lo, t_hi; /* seconds since t0 */
	int64_t t0_ns;
	const char *title;
};

static double seconds(int64_t ts_ns, int64_t t0_ns)
{
	return (double)(ts_ns - t0_ns) / 1e9;
}

static int draw_panel(xmlNodePtr svg, const struct panel *pn, double x0, double y0)
{
	double left = x0 + MARGIN_L, top = y0 + MARGIN_T;
	double right = left + PANEL_W, bottom = top + PANEL_H;

	xmlNodePtr g = html_add(svg, "g", "plot-panel", NULL);
	html_set(g, "data-direction", pn->client ? "client" : "server");
	xmlNodePtr title = add_text(g, left, y0 + 18, NULL, "#222", pn->title);
	html_set(title, "font-weight", "bold");
	xmlNodePtr frame = html_add(g, "rect", NULL, NULL);
	set_num(frame, "x", left);
	set_num(frame, "y", top);
	set_num(frame, "width", PANEL_W);
	set_num(frame, "height", PANEL_H);
	html_set(frame, "fill", "#fcfdfe");
	html_set(frame, "stroke", C_AXIS);

	/* The sequence range: the sender's data and the receiver's ACKs of it. */
	bool any = false;
	double lo = 0, hi = 0;
	for (size_t i = pn->a; i < pn->b; i++) {
		const struct plot_seg *s = &pn->segs[i];
		double v0, v1;
		if (s->from_client == pn->client) {
			int64_t used = s->len + ((s->flags & (TH_SYN | TH_FIN)) ? 1 : 0);
			v0 = (double)s->rel_seq;
			v1 = (double)(s->rel_seq + used);
		} else if (s->has_ack) {
			v0 = v1 = (double)s->rel_ack;
		} else {
			continue;
		}
		if (!any || v0 < lo)
			lo = v0;
		if (!any || v1 > hi)
			hi = v1;
		any = true;
	}

	struct axis ax, ay;
	axis_fit(&ax, pn->t_lo, pn->t_hi, 1e-3, false, left, right);
	axis_fit(&ay, lo, hi, 10, true, bottom, top);

	/* Grid, ticks and their labels. */
	struct sbuf grid = {0}, ticks = {0};
	double first = ceil(ax.lo / ax.step) * ax.step;
	int xd = step_decimals(ax.step);
	/* Counted, not stepped: far from zero a step can be below a double's
	 * resolution, and v += step would never end. */
	for (int k = 0; k < 50 && first + k * ax.step <= ax.hi; k++) {
		double v = first + k * ax.step;
		double x = axis_px(&ax, v);
		sb_path(&grid, "M# #V#", x, top, bottom);
		sb_path(&ticks, "M# #v4", x, bottom);
		char label[HTML_NUM_LEN];
		/* -0.000 reads oddly: a tick within half a step of zero is 0. */
		html_fixed(label, fabs(v) < ax.step / 2 ? 0.0 : v, xd);
		add_text(g, x, bottom + 16, "middle", C_TEXT, label);
	}
	first = ceil(ay.lo / ay.step) * ay.step;
	for (int k = 0; k < 50 && first + k * ay.step <= ay.hi; k++) {
		double v = first + k * ay.step;
		double y = axis_px(&ay, v);
		sb_path(&grid, "M# #H#", left, y, right);
		sb_path(&ticks, "M# #h-4", left, y);
		char label[32];
		seq_label(label, sizeof label, v, ay.step);
		add_text(g, left - 7, y + 4, "end", C_TEXT, label);
	}
	add_text(g, (left + right) / 2, bottom + 34, "middle", C_TEXT, "time (s)");
	xmlNodePtr yt = add_text(g, 0, 0, "middle", C_TEXT, "relative seq");
	html_setf(yt, "transform", "translate(%.1f %.1f) rotate(-90)", x0 + 12,
	          (top + bottom) / 2);

	/* Marks: data ticks (I-beams), retransmitted ones, SYN/FIN/RST dots,
	 * and the ACK step line that holds until the panel's end. */
	struct sbuf data = {0}, retrans = {0}, syn = {0}, fin = {0}, rst = {0}, ack = {0};
	bool have_ack = false;
	double ack_y = 0;
	for (size_t i = pn->a; i < pn->b; i++) {
		const struct plot_seg *s = &pn->segs[i];
		double x = axis_px(&ax, seconds(s->ts_ns, pn->t0_ns));
		if (s->from_client != pn->client) {
			if (!s->has_ack)
				continue;
			double y = axis_px(&ay, (double)s->rel_ack);
			if (!have_ack)
				sb_path(&ack, "M# #", x, y);
			else if (y != ack_y)
				sb_path(&ack, "H#V#", x, y);
			have_ack = true;
			ack_y = y;
			continue;
		}
		double y0s = axis_px(&ay, (double)s->rel_seq);
		if (s->len > 0) {
			double y1s = axis_px(&ay, (double)(s->rel_seq + s->len));
			sb_path(s->retrans ? &retrans : &data,
			          "M# #V#M# #h5M# #h5", x, y0s, y1s,
			          x - 2.5, y0s, x - 2.5, y1s);
		}
		/* A SYN or FIN takes the number after the data it carries. */
		double yf = axis_px(&ay, (double)(s->rel_seq + s->len));
		if (s->flags & TH_SYN)
			sb_path(
			        &syn,
			        "M# #m-3.5 0a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0 -7 0",
			        x, y0s);
		if (s->flags & TH_FIN)
			sb_path(
			        &fin,
			        "M# #m-3.5 0a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0 -7 0",
			        x, yf);
		if (s->flags & TH_RST)
			sb_path(&rst, "M# #m-4 -4l8 8m0 -8l-8 8", x, yf);
	}
	if (have_ack)
		sb_path(&ack, "H#", right);

	struct sbuf *all[] = {&grid, &ticks, &data, &retrans, &syn, &fin, &rst, &ack};
	bool oom = false;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		oom |= all[i]->oom;
	if (!oom) {
		if (grid.len)
			add_path(g, grid.p, C_GRID, "1", NULL);
		if (ticks.len)
			add_path(g, ticks.p, C_AXIS, "1", NULL);
		if (ack.len)
			html_set(add_path(g, ack.p, C_ACK, "1.6", NULL), "class",
			         "plot-ack");
		if (data.len)
			html_set(add_path(g, data.p, C_DATA, "1.4", NULL), "class",
			         "plot-data");
		if (retrans.len)
			html_set(add_path(g, retrans.p, C_RETRANS, "2", NULL), "class",
			         "plot-retrans");
		if (syn.len)
			html_set(add_path(g, syn.p, C_SYN, "1.6", "#fff"), "class",
			         "plot-syn");
		if (fin.len)
			html_set(add_path(g, fin.p, C_FIN, "1.6", "#fff"), "class",
			         "plot-fin");
		if (rst.len)
			html_set(add_path(g, rst.p, C_RST, "2", NULL), "class",
			         "plot-rst");
		if (!any)
			add_text(g, (left + right) / 2, (top + bottom) / 2, "middle",
			         C_AXIS, "nothing sent");
	}
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		free(all[i]->p);
	return oom ? -1 : 0;
}

/* The key above the panels: what each mark means. */
static void draw_legend(xmlNodePtr svg)
{
	static const struct {
		const char *d, *stroke, *fill, *label;
	} keys[] = {
	        {"M6 4V16M3.5 4h5M3.5 16h5", C_DATA, NULL, "data (seq .. seq+len)"},
	        {"M6 4V16M3.5 4h5M3.5 16h5", C_RETRANS, NULL, "retransmission"},
	        {"M0 14H6V6H12", C_ACK, NULL, "ACK from the other side"},
	        {"M2.5 10a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0 -7 0", C_SYN, "#fff", "SYN"},
	        {"M2.5 10a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0 -7 0", C_FIN, "#fff", "FIN"},
	        {"M2 6l8 8m0 -8l-8 8", C_RST, NULL, "RST"},
	};
	static const double width[] = {190, 140, 200, 60, 60, 60};
	double x = MARGIN_L;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		xmlNodePtr g = html_add(svg, "g", NULL, NULL);
		html_setf(g, "transform", "translate(%.1f 4)", x);
		add_path(g, keys[i].d, keys[i].stroke, "1.8", keys[i].fill);
		add_text(g, 18, 14, NULL, C_TEXT, keys[i].label);
		x += width[i];
	}
}

xmlNodePtr report_plot_frame(xmlNodePtr parent)
{
	xmlNodePtr svg = html_svg(parent, "plot", 2 * CELL_W, LEGEND_H + CELL_H);
	if (!svg)
		return NULL;
	html_set(svg, "font-family", "DejaVu Sans Mono, Menlo, Consolas, monospace");
	html_set(svg, "font-size", "11");
	html_set(svg, "role", "img");
	html_set(svg, "aria-label", "time/sequence graph");
	draw_legend(svg);
	return svg;
}

int report_plot_draw(xmlNodePtr svg, const struct plot_seg *segs, size_t n,
                     size_t split, int64_t t0_ns, char *err, size_t errlen)
{
	size_t rows = split > 0 && split < n ? 2 : 1;
	html_svg_size(svg, 2 * CELL_W, LEGEND_H + rows * CELL_H);

	for (size_t r = 0; r < rows; r++) {
		size_t a = rows == 1 ? 0 : r == 0 ? 0 : split;
		size_t b = rows == 1 ? n : r == 0 ? split : n;
		double t_lo = 0, t_hi = 0;
		if (b > a) {
			t_lo = seconds(segs[a].ts_ns, t0_ns);
			t_hi = t_lo;
			for (size_t i = a; i < b; i++) {
				double t = seconds(segs[i].ts_ns, t0_ns);
				t_lo = t < t_lo ? t : t_lo;
				t_hi = t > t_hi ? t : t_hi;
			}
		}
		for (int c = 0; c < 2; c++) {
			char title[96];
			snprintf(title, sizeof title, "%s%s",
			         c == 0 ? "client → server" : "server → client",
			         rows == 1 ? ""
			         : r == 0  ? " · first segments"
			                   : " · last segments");
			struct panel pn = {segs, a, b, c == 0, t_lo, t_hi, t0_ns, title};
			if (draw_panel(svg, &pn, c * CELL_W, LEGEND_H + r * CELL_H) < 0) {
				snprintf(err, errlen,
				         "time/sequence graph: out of memory");
				return -1;
			}
		}
	}
	return 0;
}
