/* report_pair: the page of each flow pair (report_pair.h): its facts, the
 * two clocks' relation in words, the ladder (report_pair_ladder.c), the
 * one-way delays (report_pair_plot.c) and both endpoints' transitions.
 * A long pair keeps its first and last max_segments sightings with a
 * counted gap between them, as a flow page does. A report holds a few
 * pairs, so each page is made from the template anew. */
#include "report_pair.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_flow_page.h"

#define MINUS "\xe2\x88\x92"
#define PLUS_MINUS "\xc2\xb1"

const char *pair_side_vantage(const struct db_pair_info *p, bool client)
{
	const char *v = client == p->a_is_client ? p->vantage_a : p->vantage_b;
	return v ? v : "?";
}

/* "+ 37.605 ms" or MINUS " 21.559 ms". */
static void signed_ms(char *buf, size_t len, int64_t ns)
{
	snprintf(buf, len, "%s %.3f ms", ns < 0 ? MINUS : "+", (double)(ns < 0 ? -ns : ns) / 1e6);
}

void pair_clock_words(char *buf, size_t len, const struct db_pair_info *p)
{
	const char *a = p->vantage_a ? p->vantage_a : "A", *b = p->vantage_b ? p->vantage_b : "B";
	char off[64];
	signed_ms(off, sizeof off, p->offset_ns);
	buf[0] = '\0';
	const char *q = p->quality ? p->quality : "";
	if (strcmp(q, "given") == 0) {
		snprintf(buf, len, "%s = %s %s, skew %.1f ppm (given, not estimated)", b, a, off,
		         p->skew_ppm);
		return;
	}
	if (strcmp(q, "inconsistent") == 0) {
		snprintf(buf, len, "the two clocks could not be fitted: the smallest delays each way"
		         " add up to less than zero (a connection paired wrongly, or a clock that"
		         " stepped); no one-way delay is given");
		return;
	}
	if (strcmp(q, "one-direction") == 0) {
		/* One direction bounds the offset on one side only. */
		snprintf(buf, len, "%s = %s + an offset of %s %.3f ms (segments were seen at both"
		         " taps one way only; no one-way delay is given)", b, a,
		         p->has_lo ? "at least" : "at most",
		         (double)(p->has_lo ? p->offset_lo_ns : p->offset_hi_ns) / 1e6);
		return;
	}
	text_cat(buf, len, "%s = %s %s", b, a, off);
	if (p->has_min_rtt)
		text_cat(buf, len, " " PLUS_MINUS " %.3f ms", (double)p->min_rtt_between_ns / 2e6);
	bool err = p->has_skew_err;
	if (p->skew_fitted)
		text_cat(buf, len, ", skew %.1f", p->skew_ppm);
	else
		text_cat(buf, len, ", skew not resolved");
	if (p->skew_fitted && err)
		text_cat(buf, len, " " PLUS_MINUS " %.1f ppm", p->skew_err_ppm);
	else if (p->skew_fitted)
		text_cat(buf, len, " ppm");
	else if (p->has_skew_estimate && err)
		text_cat(buf, len, " (%.1f " PLUS_MINUS " %.1f ppm)", p->skew_estimate_ppm,
		         p->skew_err_ppm);
	text_cat(buf, len, " (smallest delays taken as equal both ways; %" PRId64 "/%" PRId64
	         " samples)", p->samples_fwd, p->samples_rev);
}

/* ---- reading the pair ---------------------------------------------------- */

struct rows_ctx {
	struct pair_rows *r;
	size_t cap, cap_t;
	bool oom;
};

static int keep_sighting(const struct db_sighting_info *s, void *user)
{
	struct rows_ctx *c = user;
	if (c->r->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct sight *p = realloc(c->r->s, cap * sizeof *p);
		if (!p) {
			c->oom = true;
			return 1;
		}
		c->r->s = p;
		c->cap = cap;
	}
	struct sight *g = &c->r->s[c->r->n++];
	*g = (struct sight){
	        .seq_no = s->seq_no,
	        .frame_a = s->frame_a,
	        .frame_b = s->frame_b,
	        .send_ts_ns = s->send_ts_ns,
	        .recv_ts_ns = s->recv_ts_ns,
	        .owd_ns = s->owd_ns,
	        .has_frame_a = s->has_frame_a,
	        .has_frame_b = s->has_frame_b,
	        .has_send = s->has_send,
	        .has_recv = s->has_recv,
	        .has_owd = s->has_owd,
	        .from_client = s->from_client,
	        .ambiguous = s->ambiguous,
	        .flags = s->flags,
	        .whole = s->whole,
	        .fate = s->fate && strcmp(s->fate, "lost_between") == 0       ? SIGHT_LOST
	                : s->fate && strcmp(s->fate, "appeared_between") == 0 ? SIGHT_APPEARED
	                                                                      : SIGHT_PAIRED,
	};
	/* A row with neither time cannot be placed; the schema never makes one. */
	if (!g->has_send && !g->has_recv) {
		c->r->n--;
		return 0;
	}
	pair_ladder_measure(g, s->flags_text, s->rel_seq, s->len, s->has_ack, s->rel_ack, s->win);
	return 0;
}

static int keep_transition(const struct db_pair_transition_info *t, void *user)
{
	struct rows_ctx *c = user;
	if (c->r->nt == c->cap_t) {
		size_t cap = c->cap_t ? c->cap_t * 2 : 16;
		struct pair_trans *p = realloc(c->r->t, cap * sizeof *p);
		if (!p) {
			c->oom = true;
			return 1;
		}
		c->r->t = p;
		c->cap_t = cap;
	}
	struct pair_trans *x = &c->r->t[c->r->nt++];
	*x = (struct pair_trans){
	        .client = t->client,
	        .appeared = t->appeared,
	        .has_frame_a = t->has_frame_a,
	        .has_frame_b = t->has_frame_b,
	        .frame_a = t->frame_a,
	        .frame_b = t->frame_b,
	        .ts_ns = t->ts_ns,
	};
	snprintf(x->vantage, sizeof x->vantage, "%s", t->vantage ? t->vantage : "?");
	snprintf(x->from, sizeof x->from, "%s", t->from_state ? t->from_state : "?");
	snprintf(x->to, sizeof x->to, "%s", t->to_state ? t->to_state : "?");
	snprintf(x->event, sizeof x->event, "%s", t->event ? t->event : "");
	return 0;
}

/* ---- the page ------------------------------------------------------------ */

struct pages {
	struct db *db;
	const struct report_options *opt;
	const char *dir;
	const int64_t *paged;
	size_t n_paged;
	int part, parts;   /* this process writes the pairs whose id % parts is part */
	int64_t written;
	int64_t *ids;      /* report_pair_prune's: the pairs with a page */
	size_t n_ids, cap_ids;
	char *err;
	size_t errlen;
};

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static bool has_page(const struct pages *pg, int64_t flow)
{
	return pg->paged && bsearch(&flow, pg->paged, pg->n_paged, sizeof flow, cmp_id);
}

/* A pair gets a page when one of its flows does: past
 * notable_pages_past, when one is notable. */
static bool pair_has_page(const struct pages *pg, const struct db_pair_info *p)
{
	return has_page(pg, p->flow_a) || has_page(pg, p->flow_b);
}


/* One tap's flow, linked to its page when the report wrote one. */
static void flow_fact(const struct pages *pg, xmlNodePtr line, const char *vantage,
                      const char *file, int64_t flow)
{
	if (!html_empty(line))
		html_text(line, MIDDOT);
	html_textf(line, "%s: ", vantage ? vantage : "?");
	char text[64], href[64];
	snprintf(text, sizeof text, "flow %" PRId64, flow);
	if (has_page(pg, flow)) {
		snprintf(href, sizeof href, "%" PRId64 ".html", flow);
		html_set(html_add(line, "a", NULL, text), "href", href);
	} else {
		html_add(line, "b", NULL, text);
	}
	html_textf(line, " in %s", file ? file : "?");
}

static void write_facts(const struct pages *pg, xmlDocPtr doc, const struct db_pair_info *p)
{
	char buf[600], a[64], b[64], c[64];
	const char *client = p->a_is_client ? p->client_a : p->client_b;
	const char *server = p->a_is_client ? p->server_b : p->server_a;
	snprintf(buf, sizeof buf, "%s" ARROW "%s, seen at %s and %s", client ? client : "?",
	         server ? server : "?", pair_side_vantage(p, true), pair_side_vantage(p, false));
	xmlNodePtr node = html_find(doc, "heading");
	if (node)
		html_text(node, buf);
	if ((node = html_find(doc, "title"))) {
		xmlNodeSetContent(node, NULL);
		html_textf(node, "%s" MIDDOT "pair %" PRId64 MIDDOT "tcpladder", buf, p->id);
	}
	xmlNodePtr facts = html_find(doc, "facts");
	if (!facts)
		return;
	xmlNodePtr line = html_add(facts, "div", NULL, NULL);
	flow_fact(pg, line, p->vantage_a, p->file_a, p->flow_a);
	flow_fact(pg, line, p->vantage_b, p->file_b, p->flow_b);
	line = html_add(facts, "div", NULL, NULL);
	snprintf(buf, sizeof buf, "%" PRId64, p->id);
	page_fact(line, "pair", buf);
	page_fact(line, "matched by", p->matched_by ? p->matched_by : "?");
	if (p->nat)
		page_fact(line, NULL, "NAT: the taps saw different addresses");
	if (p->seq_delta[PAIR_C2S] || p->seq_delta[PAIR_S2C]) {
		snprintf(buf, sizeof buf, "%" PRId64 " c2s, %" PRId64 " s2c", p->seq_delta[PAIR_C2S],
		         p->seq_delta[PAIR_S2C]);
		page_fact(line, "sequence numbers rewritten between the taps by", buf);
	}
	line = html_add(facts, "div", NULL, NULL);
	text_count(a, sizeof a, p->paired);
	page_fact(line, "seen at both taps", a);
	snprintf(buf, sizeof buf, "%" PRId64 " client" ARROW "server, %" PRId64 " server" ARROW
	         "client", p->lost[PAIR_C2S], p->lost[PAIR_S2C]);
	page_fact(line, "lost between", buf);
	snprintf(buf, sizeof buf, "%" PRId64, p->appeared);
	page_fact(line, "appeared between", buf);
	static const char *const dirs[2] = {"client" ARROW "server", "server" ARROW "client"};
	for (int d = 0; d < 2; d++) {
		if (!p->has_owd[d])
			continue;
		line = html_add(facts, "div", "line owd", NULL);
		text_span(a, sizeof a, p->owd_min[d]);
		text_span(b, sizeof b, p->owd_median[d]);
		text_span(c, sizeof c, p->owd_max[d]);
		snprintf(buf, sizeof buf, "least %s, median %s, most %s", a, b, c);
		html_textf(line, "one-way delay %s: ", dirs[d]);
		html_add(line, "b", NULL, buf);
	}
}

static void write_clock(xmlDocPtr doc, const struct db_pair_info *p)
{
	xmlNodePtr node = html_find(doc, "clock");
	if (!node)
		return;
	char words[1024];
	pair_clock_words(words, sizeof words, p);
	html_text(node, "Clocks: ");
	html_add(node, "b", NULL, words);
	if (p->quality && strcmp(p->quality, "ok") == 0)
		html_add(node, "span", "note",
		         "Time runs down on the clock of the first; each arrow goes from its"
		         " send to its receive, so it slants by its one-way delay. A path whose"
		         " smallest delays differ each way by d shifts the offset by d/2 and every"
		         " one-way delay by d/2, within the \xc2\xb1 bound: no passive method can see"
		         " that asymmetry (Paxson 1998).");
}

static void add_frame_cell(xmlNodePtr tr, bool has, int64_t v)
{
	char buf[HTML_INT_LEN];
	html_add(tr, "td", has ? "num" : "num none", has ? html_int(buf, v) : EN_DASH);
}

static void write_transitions(xmlDocPtr doc, const struct pair_rows *r)
{
	xmlNodePtr parent = html_find(doc, "transitions");
	if (!parent)
		return;
	if (!r->nt) {
		html_add(parent, "p", "muted", "No state changed in this pair.");
		return;
	}
	const struct db_pair_info *p = r->p;
	xmlNodePtr table = html_add(parent, "table", "pair-transitions", NULL);
	xmlNodePtr tr = html_add(html_add(table, "thead", NULL, NULL), "tr", NULL, NULL);
	char head[96];
	html_add(tr, "th", "num", "time (s)");
	html_add(tr, "th", NULL, "endpoint");
	html_add(tr, "th", NULL, "at tap");
	snprintf(head, sizeof head, "frame at %s", p->vantage_a ? p->vantage_a : "A");
	html_add(tr, "th", "num", head);
	snprintf(head, sizeof head, "frame at %s", p->vantage_b ? p->vantage_b : "B");
	html_add(tr, "th", "num", head);
	html_add(tr, "th", NULL, "from");
	html_add(tr, "th", NULL, "to");
	html_add(tr, "th", NULL, "event");
	xmlNodePtr tbody = html_add(table, "tbody", NULL, NULL);
	for (size_t i = 0; i < r->nt; i++) {
		const struct pair_trans *t = &r->t[i];
		char when[64];
		text_rel(when, sizeof when, t->ts_ns - p->first_ts_ns);
		tr = html_add(tbody, "tr", t->appeared ? "appeared" : NULL, NULL);
		html_add(tr, "td", "num", when);
		html_add(tr, "td", t->client ? NULL : "server", t->client ? "client" : "server");
		html_add(tr, "td", NULL, t->vantage);
		add_frame_cell(tr, t->has_frame_a, t->frame_a);
		add_frame_cell(tr, t->has_frame_b, t->frame_b);
		html_add(tr, "td", "mono", t->from);
		html_add(tr, "td", "mono", t->to);
		html_textf(html_add(tr, "td", NULL, NULL), "%s%s", t->event,
		           t->appeared ? " (appeared between the taps)" : "");
	}
}

static int keep_id(struct pages *pg, int64_t id)
{
	if (pg->n_ids == pg->cap_ids) {
		size_t cap = pg->cap_ids ? pg->cap_ids * 2 : 16;
		int64_t *v = realloc(pg->ids, cap * sizeof *v);
		if (!v)
			return -1;
		pg->ids = v;
		pg->cap_ids = cap;
	}
	pg->ids[pg->n_ids++] = id;
	return 0;
}

static int write_page(const struct db_pair_info *row, void *user)
{
	struct pages *pg = user;
	if (row->id % pg->parts != pg->part || !pair_has_page(pg, row))
		return 0;
	/* The row with its time span, which only a page needs. */
	struct db_pair_info span = *row;
	const struct db_pair_info *p = &span;
	struct pair_rows r = {.p = p};
	struct rows_ctx c = {.r = &r};
	int64_t keep = pg->opt && pg->opt->max_segments > 0 ? pg->opt->max_segments
	                                                    : REPORT_DEFAULT_MAX_SEGMENTS;
	int rc = 1;
	xmlDocPtr doc = NULL;
	int got = db_pair_span(pg->db, p->id, &span.first_ts_ns, &span.last_ts_ns);
	if (got == 0)
		got = db_each_sighting(pg->db, p->id, keep, keep, keep_sighting, &c);
	if (got == 0 && !c.oom)
		got = db_each_pair_transition(pg->db, p->id, keep_transition, &c);
	if (got == 0 && !c.oom && r.n >= (size_t)(2 * keep))
		got = db_sighting_gap(pg->db, p->id, keep, keep, &r.gap);
	if (got != 0 || c.oom) {
		snprintf(pg->err, pg->errlen, "pair %" PRId64 ": %s", p->id,
		         got < 0 ? db_error(pg->db) : "out of memory");
		goto out;
	}
	if (r.gap.rows > 0) {
		while (r.split < r.n && r.s[r.split].seq_no < r.gap.first_seq_no)
			r.split++;
		if (r.split == 0 || r.split == r.n)
			r.split = 0;
	}
	doc = html_page("pair.xhtml", REPORT_FLOW_STYLE_HREF, pg->err, pg->errlen);
	if (!doc)
		goto out;
	write_facts(pg, doc, p);
	write_clock(doc, p);
	xmlNodePtr node = html_find(doc, "ladder");
	if (node && pair_ladder_draw(node, &r) != 0) {
		snprintf(pg->err, pg->errlen, "pair %" PRId64 ": out of memory", p->id);
		goto out;
	}
	if ((node = html_find(doc, "owd")) &&
	    pair_plot_draw(node, pg->db, p, pg->err, pg->errlen) != 0)
		goto out;
	write_transitions(doc, &r);
	char path[4200];
	snprintf(path, sizeof path, "%s/" REPORT_PAIR_HREF_FMT, pg->dir, (long long)p->id);
	if (html_save(doc, path, pg->err, pg->errlen) != 0)
		goto out;
	pg->written++;
	if (pg->opt && pg->opt->page_written)
		pg->opt->page_written(pg->opt->page_user);
	rc = 0;
out:
	xmlFreeDoc(doc);
	free(r.s);
	free(r.t);
	return rc;
}

int report_pair_pages(struct db *db, const struct db_selection *sel,
                      const struct report_options *opt, const char *dir,
                      const int64_t *paged, size_t n_paged, int part, int parts,
                      int64_t *written, char *err, size_t errlen)
{
	struct pages pg = {.db = db, .opt = opt, .dir = dir, .paged = paged,
	                   .n_paged = n_paged, .part = part, .parts = parts > 1 ? parts : 1,
	                   .err = err, .errlen = errlen};
	err[0] = '\0';
	int rc = db_each_pair(db, sel, write_page, &pg);
	if (rc < 0)
		snprintf(err, errlen, "flow pairs: %s", db_error(db));
	*written = pg.written;
	return rc == 0 ? 0 : -1;
}

static int note_paged(const struct db_pair_info *p, void *user)
{
	struct pages *pg = user;
	return pair_has_page(pg, p) && keep_id(pg, p->id) != 0;
}

int report_pair_prune(struct db *db, const struct db_selection *sel, const char *dir,
                      const int64_t *paged, size_t n_paged, int64_t *pages, char *err,
                      size_t errlen)
{
	struct pages pg = {.db = db, .paged = paged, .n_paged = n_paged};
	int rc = db_each_pair(db, sel, note_paged, &pg);
	if (rc != 0)
		snprintf(err, errlen, "flow pairs: %s", rc < 0 ? db_error(db) : "out of memory");
	else
		report_prune_pages(dir, "pair-", pg.ids, pg.n_ids);
	*pages = (int64_t)pg.n_ids;
	free(pg.ids);
	return rc == 0 ? 0 : -1;
}
