/* report_flow: one flow's page (DIR/flows/ID.html, or a page that stands
 * alone): it reads the flow's rows, writes the header with the
 * connection's facts and the state transitions as a table, and has the
 * ladder (report_ladder.c) and the time/sequence graph (report_plot.c)
 * drawn between them. A long flow keeps its first and last max_segments
 * segments with a counted gap between them, which bounds the page
 * whatever the flow.
 *
 * Everything comes through db_report.h and goes out through html.h: no SQL
 * here, and no markup built from strings, so every text from a capture or
 * the database is escaped by construction. The kept segments are copied
 * out of their rows (the ladder is laid out in two passes); there are at
 * most 2 * max_segments of them. Colours and fonts live in
 * templates/style.css, keyed by the classes set here. */
#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_flow_page.h"
#include "db_report_pair.h"
#include "report_plot.h"

/* The table lists this many transitions at most: a flow has a handful,
 * but the page must stay small whatever the capture holds. */
#define MAX_TABLE_ROWS 2000

/* Where a flow page puts its content, in the writer's one document. */
struct slots {
	xmlNodePtr heading, title, back, pcap; /* replaced on each page */
	/* appended to; rebuilt over the last page's content */
	struct html_slot facts, ladder, plot, plot_key, transitions;
};

struct page {
	xmlDocPtr doc;
	const struct slots *sl;
	struct report_csv *csv; /* the flow's transitions go here too, or NULL */
	bool csv_failed;
	struct flow_rows r;
	size_t cap_segs, cap_trans;
	bool oom;
};

/* ---- small tree helpers ------------------------------------------------ */

/* Replace an element's content with text (xmlNodeSetContent would read
 * entities in it). */
static void set_text(xmlNodePtr node, const char *text)
{
	xmlNodeSetContent(node, NULL);
	html_text(node, text);
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
		text_cat(buf, sizeof buf, "MSS %d", mss);
	if (wscale >= 0)
		text_cat(buf, sizeof buf, "%swscale %d", *buf ? ", " : "", wscale);
	if (sack >= 0)
		text_cat(buf, sizeof buf, "%sSACK %s", *buf ? ", " : "",
		    sack ? "permitted" : "not permitted");
	if (*buf) {
		page_fact(line, who, buf);
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

	pg->r.f.client = dup_or_null(f->client, &pg->oom);
	pg->r.f.server = dup_or_null(f->server, &pg->oom);
	pg->r.f.first_ts_ns = f->first_ts_ns;
	pg->r.f.mid_stream = f->mid_stream;
	pg->r.f.client_wscale = f->client_wscale;
	pg->r.f.server_wscale = f->server_wscale;

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
	if ((node = pg->sl->pcap)) {
		snprintf(buf, sizeof buf, "%" PRId64 ".pcap", f->id);
		html_set(node, "href", buf);
	}

	xmlNodePtr facts = pg->sl->facts.node;
	if (!facts)
		return 0;
	xmlNodePtr line = html_add(facts, "div", NULL, NULL);
	page_fact(line, "capture", f->capture_path ? f->capture_path : "?");
	/* The day and time the rows' hover titles count from. */
	text_utc(buf, sizeof buf, f->first_ts_ns, true, &pg->r.utc);
	page_fact(line, "started", buf);
	text_count(a, sizeof a, f->packets);
	html_text(line, MIDDOT);
	html_add(line, "b", NULL, a);
	html_text(line, f->packets == 1 ? " segment" : " segments");
	text_span(buf, sizeof buf, f->last_ts_ns - f->first_ts_ns);
	page_fact(line, NULL, buf);
	text_count(a, sizeof a, f->client_bytes);
	text_count(b, sizeof b, f->server_bytes);
	snprintf(buf, sizeof buf, "%s B", a);
	page_fact(line, "client", buf);
	html_text(line, ", server ");
	snprintf(buf, sizeof buf, "%s B", b);
	html_add(line, "b", NULL, buf);
	snprintf(buf, sizeof buf, "%s / %s", f->client_state ? f->client_state : "?",
	         f->server_state ? f->server_state : "?");
	page_fact(line, "final", buf);
	if (f->conn_state)
		page_fact(line, "conn_state", f->conn_state);
	if (f->history)
		page_fact(line, "history", f->history);
	if (f->has_rtt) {
		text_span(buf, sizeof buf, f->handshake_rtt_ns);
		page_fact(line, "handshake RTT", buf);
	}

	/* The tunnel its first segment came through, when it came through
	 * one; a plain capture's page has no such line. */
	if (f->tunnel) {
		line = html_add(facts, "div", "line tunnel", NULL);
		html_text(line, "tunnel: ");
		html_add(line, "b", NULL, f->tunnel);
		if (f->tunnel_changes > 0) {
			text_count(a, sizeof a, f->tunnel_changes);
			html_text(line, MIDDOT);
			html_add(line, "b", NULL, a);
			html_text(line, f->tunnel_changes == 1 ? " segment came another way"
			                                       : " segments came another way");
		}
	}

	line = html_add(facts, "div", NULL, NULL);
	side_options(line, "client", f->client_mss, f->client_wscale, f->client_sack_ok);
	side_options(line, "server", f->server_mss, f->server_wscale, f->server_sack_ok);
	snprintf(buf, sizeof buf, "%" PRId64, f->id);
	page_fact(line, "flow", buf);

	/* What selects this flow in Wireshark (its filter bar, or tshark -Y),
	 * with a button that copies it: the one script on a page, and the
	 * filter still reads and selects by hand without it. */
	if (f->wireshark_filter) {
		line = html_add(facts, "div", "line wireshark", NULL);
		html_text(line, "Wireshark: ");
		html_add(line, "code", NULL, f->wireshark_filter);
		/* No type="button": outside a form a button submits nothing. */
		xmlNodePtr copy = html_add(line, "button", NULL, "copy");
		html_set(copy, "onclick",
		         "navigator.clipboard.writeText(this.previousSibling.textContent)"
		         ".then(()=>this.textContent='copied')");
	}
	if (f->analysis_names && *f->analysis_names) {
		line = html_add(facts, "div", "line anomalies", NULL);
		html_text(line, "anomalies: ");
		html_add(line, "b", NULL, f->analysis_names);
	}
	/* Why the index ranks it where it does (flow_notability). */
	if (f->score > 0) {
		line = html_add(facts, "div", "line notable", NULL);
		html_text(line, "worth a look: score ");
		snprintf(buf, sizeof buf, "%" PRId64, f->score);
		html_add(line, "b", NULL, buf);
		html_text(line, MIDDOT);
		html_add(line, "b", NULL, f->reasons ? f->reasons : "");
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
	if (pg->r.n_trans == pg->cap_trans) {
		size_t cap = pg->cap_trans ? pg->cap_trans * 2 : 16;
		struct trans *p = realloc(pg->r.trans, cap * sizeof *p);
		if (!p) {
			pg->oom = true;
			return 1;
		}
		pg->r.trans = p;
		pg->cap_trans = cap;
	}
	struct trans *tr = &pg->r.trans[pg->r.n_trans++];
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
	if (pg->r.n_segs == pg->cap_segs) {
		size_t cap = pg->cap_segs ? pg->cap_segs * 2 : 64;
		struct seg *p = realloc(pg->r.segs, cap * sizeof *p);
		if (!p) {
			pg->oom = true;
			return 1;
		}
		pg->r.segs = p;
		pg->cap_segs = cap;
	}
	struct seg *g = &pg->r.segs[pg->r.n_segs++];
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
	ladder_measure(g);
	return pg->oom ? 1 : 0;
}

/* ---- the table and the graph ------------------------------------------- */

/* A number's cell; its alignment is its column's (style.css). */
static void add_cell_num(xmlNodePtr tr, bool has, int64_t v)
{
	char buf[HTML_INT_LEN];
	html_add(tr, "td", has ? NULL : "none", has ? html_int(buf, v) : EN_DASH);
}

static void draw_table(const struct page *pg, xmlNodePtr parent)
{
	if (!pg->r.n_trans) {
		html_add(parent, "p", "muted", "No state changed in this flow.");
		return;
	}
	static const char *const heads[] = {"frame", "seen_frame", "endpoint", "from",
	                                    "to",    "event",      "rel_seq",  "rel_ack"};
	xmlNodePtr table = html_add(parent, "table", "transitions", NULL);
	xmlNodePtr tr = html_add(html_add(table, "thead", NULL, NULL), "tr", NULL, NULL);
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
		html_add(tr, "th", NULL, heads[i]);
	xmlNodePtr tbody = html_add(table, "tbody", NULL, NULL);
	bool hidden = false;
	size_t rows = pg->r.n_trans < MAX_TABLE_ROWS ? pg->r.n_trans : MAX_TABLE_ROWS;
	for (size_t t = 0; t < rows; t++) {
		const struct trans *x = &pg->r.trans[t];
		bool drawn = ladder_row_of(&pg->r, x->seen_frame) >= 0;
		hidden |= !drawn;
		tr = html_add(tbody, "tr", drawn ? NULL : "in-gap", NULL);
		add_cell_num(tr, true, x->frame);
		add_cell_num(tr, true, x->seen_frame);
		html_add(tr, "td", x->client ? NULL : "server", x->client ? "client" : "server");
		html_add(tr, "td", NULL, x->from);
		html_add(tr, "td", NULL, x->to);
		html_add(tr, "td", NULL, x->event);
		add_cell_num(tr, x->has_rel_seq, x->rel_seq);
		add_cell_num(tr, x->has_rel_ack, x->rel_ack);
	}
	if (rows < pg->r.n_trans) {
		char n[32];
		text_count(n, sizeof n, (int64_t)(pg->r.n_trans - rows));
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
	for (size_t i = 0; i < pg->r.n_segs; i++) {
		free(pg->r.segs[i].analysis_names);
		free(pg->r.segs[i].options);
	}
	pg->r.n_segs = 0;
	for (size_t t = 0; t < pg->r.n_trans; t++) {
		free(pg->r.trans[t].from);
		free(pg->r.trans[t].to);
		free(pg->r.trans[t].event);
	}
	pg->r.n_trans = 0;
	free(pg->r.f.client);
	free(pg->r.f.server);
	pg->r.f = (struct facts){0};
	pg->r.utc.valid = false;
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
	int has_pairs;   /* the database holds flow pairs: 1, 0, or -1 not asked yet */
	struct db_plot_segment *plot; /* the rows as the graph takes them */
	size_t cap_plot;
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
	/* A page alone has no pair page beside it to link. */
	w->has_pairs = opt && opt->standalone ? 0 : -1;
	bool alone = opt && opt->standalone;
	w->doc = html_page("flow.xhtml", alone ? NULL : REPORT_FLOW_STYLE_HREF, err, errlen);
	/* A page on its own (a ticket's attachment) has no report to go back
	 * to: no link that would lead nowhere. */
	xmlNodePtr nav = alone && w->doc ? html_find(w->doc, "nav") : NULL;
	if (nav) {
		xmlUnlinkNode(nav);
		xmlFreeNode(nav);
	} else if (w->doc && (nav = html_find(w->doc, "nav"))) {
		xmlUnsetProp(nav, BAD_CAST "id"); /* found; not a hook of the page */
	}
	/* The packets' link, only where report --pcap writes them. */
	xmlNodePtr pcap = w->doc && !alone && !(opt && opt->pcap_links)
	                          ? html_find(w->doc, "pcap")
	                          : NULL;
	if (pcap) {
		xmlUnlinkNode(pcap);
		xmlFreeNode(pcap);
	}
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
	        .pcap = html_find(w->doc, "pcap"),
	        .facts = html_slot(w->doc, "facts"),
	        .ladder = html_slot(w->doc, "ladder"),
	        .plot = html_slot(w->doc, "plot"),
	        .transitions = html_slot(w->doc, "transitions"),
	};
	/* The title's id only finds it here; no page needs it. */
	if (w->sl.title)
		xmlUnsetProp(w->sl.title, BAD_CAST "id");
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
	if (plot) {
		w->sl.plot = (struct html_slot){plot, plot->last};
		w->sl.plot_key = (struct html_slot){plot->prev, NULL}; /* report_plot_frame's */
	}
	return w;
}

void report_flow_writer_free(struct report_flow_writer *w)
{
	if (w) {
		page_clear(&w->pg);
		free(w->pg.r.segs);
		free(w->pg.r.trans);
		free(w->plot);
		html_out_free(w->out);
		html_rebuild_free(w->doc);
		xmlFreeDoc(w->doc);
		free(w);
	}
}

/* The time/sequence graph, from the page's rows when `whole` (they are
 * every segment of the flow): the rows the graph would read again. */
static int draw_plot(struct report_flow_writer *w, xmlNodePtr svg, struct db *db,
                     const struct db_flow_info *f, bool whole, char *err, size_t errlen)
{
	const struct flow_rows *r = &w->pg.r;
	if (!whole || r->n_segs == 0)
		return report_plot_flow(svg, db, f, NULL, 0, err, errlen);
	if (w->cap_plot < r->n_segs) {
		struct db_plot_segment *p = realloc(w->plot, r->n_segs * sizeof *p);
		if (!p) {
			snprintf(err, errlen, "time/sequence graph: out of memory");
			return -1;
		}
		w->plot = p;
		w->cap_plot = r->n_segs;
	}
	for (size_t i = 0; i < r->n_segs; i++) {
		const struct seg *g = &r->segs[i];
		w->plot[i] = (struct db_plot_segment){
		        .ts_ns = g->ts_ns, .from_client = g->from_client, .flags = g->flags,
		        .rel_seq = g->rel_seq, .has_ack = g->has_ack, .rel_ack = g->rel_ack,
		        .ack = g->ack, .len = g->len, .win = g->win, .analysis = g->analysis,
		        .options = g->options};
	}
	return report_plot_flow(svg, db, f, w->plot, r->n_segs, err, errlen);
}

/* A flow seen at two taps links its pair's page (report_pair.h), which
 * the report writes whenever it writes this one. The database is asked
 * whether it holds pairs once, and for this flow's only then. */
static int write_pair_link(struct report_flow_writer *w, struct db *db, int64_t flow_id)
{
	if (w->has_pairs < 0 && (w->has_pairs = db_has_pairs(db)) < 0)
		return -1;
	int64_t pair_id, other;
	char vantage[64], buf[128];
	int found = w->has_pairs ? db_pair_of_flow(db, flow_id, &pair_id, &other, vantage,
	                                           sizeof vantage)
	                         : 0;
	if (found <= 0 || !w->sl.facts.node)
		return found < 0 ? -1 : 0;
	xmlNodePtr line = html_add(w->sl.facts.node, "div", "line pair", NULL);
	html_textf(line, "seen at two taps: flow %" PRId64 " at %s" MIDDOT, other, vantage);
	snprintf(buf, sizeof buf, "pair-%" PRId64 ".html", pair_id);
	xmlNodePtr a = html_add(line, "a", NULL, NULL);
	html_set(a, "href", buf);
	html_textf(a, "both taps' ladder (pair %" PRId64 ")", pair_id);
	return 0;
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
	                                  w->sl.plot_key, w->sl.transitions};
	html_rebuild_begin(w->doc, slots, sizeof slots / sizeof slots[0]);
	if (write_facts(pg, f) != 0) {
		snprintf(err, errlen, "flow: out of memory");
		goto out;
	}
	if (write_pair_link(w, db, f->id) != 0) {
		snprintf(err, errlen, "flow pairs: %s", db_error(db));
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
	if (pg->r.n_segs >= (size_t)(2 * keep) && db_segment_gap(db, f->id, keep, keep, &gap) < 0) {
		snprintf(err, errlen, "segments: %s", db_error(db));
		goto out;
	}

	/* The gap band goes before the first segment after it. */
	size_t split = 0;
	if (gap.segments > 0) {
		while (split < pg->r.n_segs && pg->r.segs[split].frame < gap.first_frame)
			split++;
		if (split == 0 || split == pg->r.n_segs)
			split = 0;
	}

	xmlNodePtr node = w->sl.ladder.node;
	if (node && ladder_draw(&pg->r, node, split, &gap) < 0) {
		snprintf(err, errlen, "ladder: out of memory");
		goto out;
	}
	/* The graph draws every segment of the flow: the kept ones when they
	 * are all of it, else it reads them itself. */
	if ((node = w->sl.plot.node) && draw_plot(w, node, db, f, gap.segments == 0, err,
	                                          errlen) < 0)
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
