/* report_pair_plot: a flow pair's one-way delays over time, one panel per
 * direction (report_pair.h). Every sighting counts, not only those the
 * ladder draws: the database bins them, one column per pixel, and each
 * column is drawn as a stroke from its least to its greatest delay. The
 * segments lost between the taps are crosses along the panel's top, in
 * the column they were sent in. Axes and text take the time/sequence
 * graph's p- classes; the marks have their own (o-). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_flow_page.h"
#include "report_pair.h"

#define COLUMNS  800
#define MARGIN_L 64.0
#define MARGIN_R 12.0
#define TITLE_H  22.0
#define PANEL_H  120.0
#define AXIS_H   34.0
#define SVG_W    (MARGIN_L + COLUMNS + MARGIN_R)

struct panel_marks {
	char *d, *lost;            /* path data: strokes, crosses */
	size_t d_len, d_cap, lost_len, lost_cap;
	int64_t samples, lost_n, hi_ns;
	bool oom;
};

struct bins {
	struct db_owd_bin *v;
	size_t n, cap;
	bool oom;
};

static int keep_bin(const struct db_owd_bin *b, void *user)
{
	struct bins *bs = user;
	if (bs->n == bs->cap) {
		size_t cap = bs->cap ? bs->cap * 2 : 256;
		struct db_owd_bin *p = realloc(bs->v, cap * sizeof *p);
		if (!p) {
			bs->oom = true;
			return 1;
		}
		bs->v = p;
		bs->cap = cap;
	}
	bs->v[bs->n++] = *b;
	return 0;
}

static void put(char **buf, size_t *len, size_t *cap, bool *oom, const char *s)
{
	size_t n = strlen(s);
	if (*oom)
		return;
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		while (c < *len + n + 1)
			c *= 2;
		char *p = realloc(*buf, c);
		if (!p) {
			*oom = true;
			return;
		}
		*buf = p;
		*cap = c;
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* 1, 2 or 5 times a power of ten, about `want` steps over range. */
static double step_for(double range, int want)
{
	double raw = range / want, p = pow(10, floor(log10(raw))), f = raw / p;
	return p * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
}

static void draw_panel(xmlNodePtr svg, const struct db_pair_info *p, int dir,
                       const struct bins *bs, double top)
{
	static const char *const names[2] = {"client " ARROW " server", "server " ARROW " client"};
	double y0 = top + TITLE_H, y1 = y0 + PANEL_H;
	char buf[256], a[48], b[48], c[48];
	int64_t hi = 0, samples = 0, lost = 0;
	for (size_t i = 0; i < bs->n; i++) {
		if (bs->v[i].dir != dir)
			continue;
		samples += bs->v[i].samples;
		lost += bs->v[i].lost;
		if (bs->v[i].samples && bs->v[i].max_ns > hi)
			hi = bs->v[i].max_ns;
	}
	snprintf(buf, sizeof buf, "%s", names[dir]);
	if (p->has_owd[dir]) {
		text_span(a, sizeof a, p->owd_min[dir]);
		text_span(b, sizeof b, p->owd_median[dir]);
		text_span(c, sizeof c, p->owd_max[dir]);
		text_cat(buf, sizeof buf, ": least %s" MIDDOT "median %s" MIDDOT "most %s", a, b, c);
	}
	if (lost)
		text_cat(buf, sizeof buf, MIDDOT "%" PRId64 " lost between", lost);
	xmlNodePtr t = html_add(svg, "text", "p-title", buf);
	html_set_coord(t, "x", MARGIN_L);
	html_set_coord(t, "y", top + 15);

	double top_ms = hi > 0 ? (double)hi / 1e6 * 1.1 : 1;
	double step = step_for(top_ms, 4);
	struct panel_marks m = {0};
	for (double v = 0; v <= top_ms + 1e-9; v += step) {
		double y = y1 - v / top_ms * PANEL_H;
		char ys[HTML_NUM_LEN], xs[HTML_NUM_LEN], d[128];
		snprintf(d, sizeof d, "M%s %sh%d", html_coord(xs, MARGIN_L), html_coord(ys, round(y)),
		         COLUMNS);
		put(&m.d, &m.d_len, &m.d_cap, &m.oom, d);
		snprintf(buf, sizeof buf, "%g ms", v);
		xmlNodePtr yl = html_add(svg, "text", "p-yl", buf);
		html_set_coord(yl, "x", MARGIN_L - 6);
		html_set_coord(yl, "y", round(y) + 4);
	}
	if (m.d)
		html_set(html_add(svg, "path", "p-grid", NULL), "d", m.d);
	m.d_len = 0;
	for (size_t i = 0; i < bs->n; i++) {
		const struct db_owd_bin *bin = &bs->v[i];
		if (bin->dir != dir)
			continue;
		double x = MARGIN_L + (double)bin->column + 0.5;
		char xs[HTML_NUM_LEN], ya[HTML_NUM_LEN], yb[HTML_NUM_LEN], d[160];
		if (bin->samples) {
			double lo = y1 - (double)bin->min_ns / 1e6 / top_ms * PANEL_H;
			double up = y1 - (double)bin->max_ns / 1e6 / top_ms * PANEL_H;
			/* At least a pixel, so one sample shows. */
			if (lo - up < 1.5)
				up = lo - 1.5;
			snprintf(d, sizeof d, "M%s %sV%s", html_coord(xs, x), html_coord(ya, round(lo * 10) / 10),
			         html_coord(yb, round(up * 10) / 10));
			put(&m.d, &m.d_len, &m.d_cap, &m.oom, d);
		}
		if (bin->lost) {
			snprintf(d, sizeof d, "M%s %sl6 6m0-6l-6 6", html_coord(xs, x - 3),
			         html_coord(ya, y0 + 2));
			put(&m.lost, &m.lost_len, &m.lost_cap, &m.oom, d);
		}
	}
	if (m.d_len) {
		xmlNodePtr path = html_add(svg, "path", dir == PAIR_C2S ? "o-c2s" : "o-s2c", NULL);
		html_set(path, "d", m.d);
		html_setf(path, "data-samples", "%" PRId64, samples);
	} else {
		xmlNodePtr note = html_add(svg, "text", "p-note",
		                           p->has_owd[dir] || samples
		                                   ? "no delay in this direction"
		                                   : "no one-way delay: no segment of this direction"
		                                     " was seen at both taps with a fitted clock");
		html_set_coord(note, "x", MARGIN_L + 12);
		html_set_coord(note, "y", y0 + PANEL_H / 2);
	}
	if (m.lost_len) {
		xmlNodePtr path = html_add(svg, "path", "o-lost", NULL);
		html_set(path, "d", m.lost);
		html_setf(path, "data-lost", "%" PRId64, lost);
	}
	char d[160], xs[HTML_NUM_LEN], ya[HTML_NUM_LEN];
	snprintf(d, sizeof d, "M%s %sV%sh%d", html_coord(xs, MARGIN_L), html_coord(ya, y0),
	         html_coord(buf, y1), COLUMNS);
	html_set(html_add(svg, "path", "p-axis", NULL), "d", d);
	free(m.d);
	free(m.lost);
}

/* The time axis under the lower panel: seconds from the pair's start. */
static void draw_time_axis(xmlNodePtr svg, const struct db_pair_info *p, double y)
{
	double span_s = (double)(p->last_ts_ns - p->first_ts_ns) / 1e9;
	if (span_s <= 0)
		span_s = 1e-6;
	double step = step_for(span_s, 6);
	for (double v = 0; v <= span_s + 1e-12; v += step) {
		char buf[64];
		snprintf(buf, sizeof buf, "%g", v);
		xmlNodePtr t = html_add(svg, "text", "p-xl", buf);
		html_set_coord(t, "x", round(MARGIN_L + v / span_s * (COLUMNS - 1)));
		html_set_coord(t, "y", y + 14);
	}
	xmlNodePtr t = html_add(svg, "text", "p-xl", "time since the pair's first segment (s)");
	html_set_coord(t, "x", MARGIN_L + COLUMNS / 2);
	html_set_coord(t, "y", y + 30);
}

int pair_plot_draw(xmlNodePtr parent, struct db *db, const struct db_pair_info *p,
                   char *err, size_t errlen)
{
	struct bins bs = {0};
	int64_t span = p->last_ts_ns - p->first_ts_ns + 1;
	int rc = db_each_owd_bin(db, p->id, p->first_ts_ns, span, COLUMNS, keep_bin, &bs);
	if (rc != 0 || bs.oom) {
		snprintf(err, errlen, "one-way delays: %s", rc < 0 ? db_error(db) : "out of memory");
		free(bs.v);
		return -1;
	}
	double height = 2 * (TITLE_H + PANEL_H + 8) + AXIS_H;
	xmlNodePtr svg = html_svg(parent, "plot owd", SVG_W, height);
	if (!svg) {
		free(bs.v);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	html_set(svg, "role", "img");
	html_set(svg, "aria-label", "one-way delay over time, each direction");
	draw_panel(svg, p, PAIR_C2S, &bs, 0);
	draw_panel(svg, p, PAIR_S2C, &bs, TITLE_H + PANEL_H + 8);
	draw_time_axis(svg, p, 2 * (TITLE_H + PANEL_H + 8));
	free(bs.v);
	return 0;
}
