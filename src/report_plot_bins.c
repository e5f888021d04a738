/* report_plot_bins: the pure half of the time/sequence graph (see
 * report_plot_bins.h): segments in, one mark per pixel column and kind
 * out. Memory is the columns', allocated once per graph. */
#include "report_plot_bins.h"

#include <stdlib.h>
#include <string.h>

/* A flow whose segments all share one instant still gets an axis. */
#define MIN_SPAN_NS 1000000

static const struct plot_range EMPTY = {1, 0};

static bool range_empty(struct plot_range r)
{
	return r.lo > r.hi;
}

static void range_add(struct plot_range *r, int64_t lo, int64_t hi)
{
	if (range_empty(*r)) {
		r->lo = lo;
		r->hi = hi;
		return;
	}
	if (lo < r->lo)
		r->lo = lo;
	if (hi > r->hi)
		r->hi = hi;
}

void plot_bins_init(struct plot_bins *b, int cols, int64_t t0_ns, int64_t t1_ns)
{
	memset(b, 0, sizeof *b);
	b->cols = cols < 2 ? 2 : cols;
	b->t0_ns = t0_ns;
	b->t1_ns = t1_ns - t0_ns < MIN_SPAN_NS ? t0_ns + MIN_SPAN_NS : t1_ns;
	for (int d = 0; d < 2; d++)
		b->dir[d].extent = EMPTY;
}

void plot_bins_free(struct plot_bins *b)
{
	for (int d = 0; d < 2; d++) {
		free(b->dir[d].col);
		b->dir[d].col = NULL;
		b->dir[d].n = b->dir[d].cap = 0;
	}
}

/* Column x of panel p, made empty when new; NULL out of memory. Time
 * mostly grows with the frame number, so x is mostly the last column or
 * one after it; an earlier x (a capture's clock stepping back) is found
 * by bisection and inserted in order. */
static struct plot_col *column(struct plot_panel_bins *p, int x, int cols)
{
	if (p->n && p->col[p->n - 1].x == x)
		return &p->col[p->n - 1];
	size_t at = p->n;
	if (p->n && p->col[p->n - 1].x > x) {
		size_t lo = 0, hi = p->n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (p->col[mid].x < x)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (p->col[lo].x == x)
			return &p->col[lo];
		at = lo;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		if (cap > (size_t)cols)
			cap = (size_t)cols;
		struct plot_col *c = realloc(p->col, cap * sizeof *c);
		if (!c)
			return NULL;
		p->col = c;
		p->cap = cap;
	}
	memmove(&p->col[at + 1], &p->col[at], (p->n - at) * sizeof *p->col);
	p->n++;
	p->col[at] = (struct plot_col){.x = x, .data = EMPTY, .retx = EMPTY};
	return &p->col[at];
}

int plot_bins_column(const struct plot_bins *b, int64_t ts_ns)
{
	if (ts_ns <= b->t0_ns)
		return 0;
	if (ts_ns >= b->t1_ns)
		return b->cols - 1;
	/* In double: (ts - t0) * cols can pass int64 for a long capture. */
	double f = (double)(ts_ns - b->t0_ns) / (double)(b->t1_ns - b->t0_ns);
	int c = (int)(f * (b->cols - 1) + 0.5);
	return c < 0 ? 0 : c >= b->cols ? b->cols - 1 : c;
}

/* A SACK range into a column's few slots: merged with those it overlaps
 * or touches, else a slot of its own, else merged into the nearest (the
 * column then hides the hole between those two). */
static void sack_add(struct plot_col *c, int64_t lo, int64_t hi)
{
	struct plot_range r = {lo, hi};
	for (int i = 0; i < c->n_sack;) {
		struct plot_range *s = &c->sack[i];
		if (r.lo <= s->hi && s->lo <= r.hi) {
			r.lo = s->lo < r.lo ? s->lo : r.lo;
			r.hi = s->hi > r.hi ? s->hi : r.hi;
			c->sack[i] = c->sack[--c->n_sack];
			i = 0;
			continue;
		}
		i++;
	}
	if (c->n_sack < PLOT_SACK_SLOTS) {
		c->sack[c->n_sack++] = r;
		return;
	}
	int best = 0;
	int64_t best_gap = INT64_MAX;
	for (int i = 0; i < c->n_sack; i++) {
		const struct plot_range *s = &c->sack[i];
		int64_t gap = s->lo > r.hi ? s->lo - r.hi : r.lo - s->hi;
		if (gap < best_gap) {
			best_gap = gap;
			best = i;
		}
	}
	range_add(&c->sack[best], r.lo, r.hi);
}

/* What segment s sent, into its column c of panel p. */
static void add_sent(struct plot_panel_bins *p, struct plot_col *c,
                     const struct plot_seg *s)
{
	/* A SYN takes rel_seq, so data it carries starts one later; a FIN
	 * takes the number after its data. */
	int64_t start = s->rel_seq + ((s->flags & PLOT_TH_SYN) ? 1 : 0);
	int64_t end = start + s->len;
	if (s->len > 0) {
		range_add(s->retrans ? &c->retx : &c->data, start, end);
		range_add(&p->extent, start, end);
	}
	if (s->flags & PLOT_TH_SYN) {
		c->syn = true;
		c->syn_at = s->rel_seq;
		range_add(&p->extent, s->rel_seq, s->rel_seq + 1);
	}
	if (s->flags & PLOT_TH_FIN) {
		c->fin = true;
		c->fin_at = end;
		range_add(&p->extent, end, end + 1);
	}
	if (s->flags & PLOT_TH_RST) {
		c->rst = true;
		c->rst_at = s->rel_seq;
		range_add(&p->extent, s->rel_seq, s->rel_seq);
	}
}

/* How segment s acknowledges the other side, into that side's column c
 * of panel p. */
static void add_ack(struct plot_panel_bins *p, struct plot_col *c,
                    const struct plot_seg *s)
{
	int64_t edge = s->rel_ack + (s->win > 0 ? s->win : 0);
	c->ack = true;
	c->ack_at = s->rel_ack;
	c->win_at = edge;
	if (p->acks++ == 0 || edge > p->win_hi)
		p->win_hi = edge;
	range_add(&p->extent, s->rel_ack, s->rel_ack);
	for (int i = 0; i < s->n_sack && i < PLOT_MAX_SACK; i++) {
		int64_t lo = s->sack[i][0], hi = s->sack[i][1];
		if (hi > lo) {
			sack_add(c, lo, hi);
			range_add(&p->extent, lo, hi);
		}
	}
}

int plot_bins_add(struct plot_bins *b, const struct plot_seg *s)
{
	int x = plot_bins_column(b, s->ts_ns);
	struct plot_panel_bins *sender = &b->dir[s->from_client ? 0 : 1];
	struct plot_panel_bins *acked = &b->dir[s->from_client ? 1 : 0];
	sender->segments++;
	/* A bare ACK has nothing of its own to draw. */
	if (s->len > 0 || (s->flags & (PLOT_TH_SYN | PLOT_TH_FIN | PLOT_TH_RST))) {
		struct plot_col *c = column(sender, x, b->cols);
		if (!c)
			return -1;
		add_sent(sender, c, s);
	}
	if (s->has_ack) {
		struct plot_col *c = column(acked, x, b->cols);
		if (!c)
			return -1;
		add_ack(acked, c, s);
	}
	return 0;
}

/* Digits of an unsigned decimal at *p, advancing it; false when none or
 * more than a sequence number can hold. */
static bool read_u32(const char **p, int64_t *out)
{
	int64_t v = 0;
	const char *q = *p;
	if (*q < '0' || *q > '9')
		return false;
	while (*q >= '0' && *q <= '9') {
		v = v * 10 + (*q++ - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*p = q;
	*out = v;
	return true;
}

/* An absolute edge as a distance from the segment's ack, -2^31 .. 2^31. */
static int64_t seq_diff(int64_t edge, int64_t ack)
{
	int64_t d = (edge - ack) & 0xffffffff;
	return d >= 0x80000000 ? d - 0x100000000 : d;
}

int plot_parse_sack(const char *options, int64_t ack, int64_t rel_ack,
                    int64_t out[PLOT_MAX_SACK][2])
{
	if (!options)
		return 0;
	/* decode_options_text's item: "sack N {L:R}..." ("sackOK" is not it). */
	const char *p = options;
	while ((p = strstr(p, "sack ")) && p != options && p[-1] != ',')
		p += 5;
	if (!p)
		return 0;
	p += 5;
	int64_t count;
	if (!read_u32(&p, &count) || *p != ' ')
		return 0;
	p++;
	int n = 0;
	while (n < PLOT_MAX_SACK && *p == '{') {
		int64_t l, r;
		p++;
		if (!read_u32(&p, &l) || *p++ != ':' || !read_u32(&p, &r) || *p++ != '}')
			break;
		out[n][0] = rel_ack + seq_diff(l, ack);
		out[n][1] = rel_ack + seq_diff(r, ack);
		n++;
	}
	return n;
}
