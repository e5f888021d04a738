/* report_index_summary: the summary at the top of the index's first page:
 * the totals (captures, flows, segments, bytes, notable flows), the
 * captures table (each capture's packets by why they were or were not TCP,
 * and the encapsulations it held that were not decoded) and the bar charts
 * of final states, conn_state and anomalies. Everything comes through
 * db_report.h and goes out through html.h, as in report_index.c. */
#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_index.h"
#include "report_pair.h"

/* ---- summary: totals ----------------------------------------------------- */

static void add_total(xmlNodePtr list, const char *cls, const char *label,
                      int64_t v, const char *detail)
{
	char text[64];
	ri_fmt_count(text, sizeof text, v);
	xmlNodePtr li = html_add(list, "li", cls, NULL);
	html_add(li, "span", "label", label);
	xmlNodePtr fig = html_add(li, "span", "figure", text);
	html_setf(fig, "data-value", "%" PRId64, v);
	if (detail)
		html_add(li, "span", "detail", detail);
}

/* What the captures table counted, for the totals above it. */
struct capture_counts {
	struct db *db;
	xmlNodePtr tbody;
	xmlNodePtr table;          /* the first captures' table */
	xmlNodePtr folded;         /* the <details> of the rest, once there are more */
	int64_t read, partial, failed;
	int64_t undecoded; /* captures with packets not decoded */
};

static int write_totals(struct index_ctx *cx, xmlNodePtr summary,
                        const struct capture_counts *cc)
{
	struct db_totals t;
	if (db_get_totals(cx->db, cx->sel, &t) != 0) {
		snprintf(cx->err, cx->errlen, "totals: %s", db_error(cx->db));
		return -1;
	}
	/* First in the summary, though written after the captures table,
	 * whose rows it counts. */
	xmlNodePtr list = xmlNewDocNode(summary->doc, NULL, BAD_CAST "ul", NULL);
	if (!list) {
		snprintf(cx->err, cx->errlen, "totals: out of memory");
		return -1;
	}
	if (summary->children)
		xmlAddPrevSibling(summary->children, list);
	else
		xmlAddChild(summary, list);
	html_set(list, "class", "totals");
	html_set(list, "id", "totals");
	char a[64], b[64], c[64], detail[200];
	/* totals.captures counts those holding flows; a capture that failed
	 * or held no TCP was read all the same. */
	ri_fmt_count(a, sizeof a, t.captures);
	ri_fmt_count(b, sizeof b, cc->partial);
	ri_fmt_count(c, sizeof c, cc->failed);
	size_t o = (size_t)snprintf(detail, sizeof detail, "%s with flows", a);
	if (cc->partial)
		o += (size_t)snprintf(detail + o, sizeof detail - o, MIDDOT "%s partial", b);
	if (cc->failed)
		o += (size_t)snprintf(detail + o, sizeof detail - o, MIDDOT "%s failed", c);
	if (cc->undecoded && o < sizeof detail) {
		ri_fmt_count(c, sizeof c, cc->undecoded);
		snprintf(detail + o, sizeof detail - o, MIDDOT "%s with packets not decoded", c);
	}
	add_total(list, cc->partial || cc->failed ? "captures damaged" : "captures",
	          "Captures", cc->read, detail);
	add_total(list, "flows", "Flows", t.flows, NULL);
	add_total(list, "segments", "Segments", t.segments, NULL);
	ri_fmt_count(a, sizeof a, t.client_bytes);
	ri_fmt_count(b, sizeof b, t.server_bytes);
	snprintf(detail, sizeof detail, "%s c" ARROW "s" MIDDOT "%s s" ARROW "c", a, b);
	add_total(list, "bytes", "Payload bytes", t.client_bytes + t.server_bytes, detail);
	add_total(list, t.notable_flows ? "notable" : "notable-none", "Notable flows",
	          t.notable_flows, "worth a look: refused, reset, losses, stalls");
	if (cx->notable_pages_only) {
		ri_fmt_count(a, sizeof a, t.notable_flows);
		ri_fmt_count(b, sizeof b, t.flows);
		char notice[400];
		snprintf(notice, sizeof notice,
		         "Pages are written for the %s notable flows of these %s, the others"
		         " listed without a link (and without transitions in transitions.csv)."
		         " The same report command with --all writes a page for every flow.",
		         a, b);
		xmlNodePtr note = html_add(summary, "p", "notice pages-notable-only", notice);
		html_set(note, "id", "pages-notable-only");
		xmlUnlinkNode(note);
		xmlAddNextSibling(list, note);
	}
	return 0;
}

/* ---- summary: captures --------------------------------------------------- */

/* One encapsulation a capture held and tcpladder did not decode, as an
 * item under the capture's path: its name, packets and first frame, also
 * as data attributes for scripts and tests. */
static int undecoded_item(const struct db_undecoded_info *u, void *user)
{
	xmlNodePtr list = user;
	char num[HTML_INT_LEN], a[64], b[64];
	xmlNodePtr li = html_add(list, "li", NULL, NULL);
	html_set(li, "data-encapsulation", u->encapsulation ? u->encapsulation : "");
	html_set(li, "data-packets", html_int(num, u->packets));
	html_set(li, "data-first-frame", html_int(num, u->first_frame));
	html_text(li, "not decoded: ");
	html_add(li, "b", NULL, u->encapsulation ? u->encapsulation : "?");
	ri_fmt_count(a, sizeof a, u->packets);
	ri_fmt_count(b, sizeof b, u->first_frame);
	html_textf(li, MIDDOT "%s packet%s, the first at frame %s", a,
	           u->packets == 1 ? "" : "s", b);
	return 0;
}

/* Captures shown before the rest are folded: with thousands of them, the
 * table would push the flows tens of thousands of pixels down. */
enum { CAPTURES_SHOWN = 10 };

/* The folded part: a <details> after the first table, holding a table
 * with the same header; its rows go there from now on. */
static int fold_captures(struct capture_counts *cc)
{
	xmlNodePtr wrap = cc->table->parent;
	xmlNodePtr details = xmlNewDocNode(wrap->doc, NULL, BAD_CAST "details", NULL);
	xmlNodePtr head = xmlDocCopyNode(xmlFirstElementChild(cc->table), wrap->doc, 1);
	if (!details || !head || !xmlAddNextSibling(wrap, details)) {
		xmlFreeNode(details);
		xmlFreeNode(head);
		return -1;
	}
	html_set(details, "class", "more-captures");
	html_add(details, "summary", NULL, NULL);
	xmlNodePtr table = html_add(html_add(details, "div", "table-wrap", NULL), "table",
	                            "data captures", NULL);
	html_set(table, "id", "capture-table-more");
	xmlAddChild(table, head);
	cc->tbody = html_add(table, "tbody", NULL, NULL);
	cc->folded = details;
	return 0;
}

static int capture_row(const struct db_capture_info *c, void *user)
{
	struct capture_counts *cc = user;
	char text[64];
	if (cc->read == CAPTURES_SHOWN && fold_captures(cc) != 0)
		return -1;
	xmlNodePtr tr = html_add(cc->tbody, "tr", NULL, NULL);
	cc->read++;
	if (c->status && strcmp(c->status, "partial") == 0)
		cc->partial++;
	if (c->status && strcmp(c->status, "failed") == 0)
		cc->failed++;
	html_setf(tr, "data-capture", "%" PRId64, c->id);
	ri_add_num_cell(tr, c->id);
	xmlNodePtr path = html_add(tr, "td", "path", c->path ? c->path : "");
	if (c->undecoded_packets > 0) {
		cc->undecoded++;
		xmlNodePtr list = html_add(path, "ul", "undecoded", NULL);
		if (db_each_undecoded(cc->db, c->id, undecoded_item, list) != 0)
			return -1; /* db_each_capture returns it; db_error says why */
	}
	const char *status = c->status ? c->status : "unknown";
	xmlNodePtr td = html_add(tr, "td", "status", NULL);
	char cls[64];
	snprintf(cls, sizeof cls, "status-%s", status);
	html_add(td, "span", cls, status);
	if (c->error && *c->error)
		html_add(td, "span", "error", c->error);
	html_add(tr, "td", "mono", c->linktype_name ? c->linktype_name : ABSENT);
	ri_add_num_cell(tr, c->packets);
	ri_add_num_cell(tr, c->tcp_packets);
	ri_add_num_cell(tr, c->not_ip_packets);
	ri_add_num_cell(tr, c->not_tcp_packets);
	td = ri_add_num_cell(tr, c->undecoded_packets);
	if (c->undecoded_packets > 0)
		html_set(td, "class", "num undecoded");
	ri_add_num_cell(tr, c->fragment_packets);
	ri_add_num_cell(tr, c->bad_packets);
	ri_add_num_cell(tr, c->flows);
	if (c->has_ts) {
		ri_fmt_time(text, sizeof text, c->first_ts_ns);
		td = html_add(tr, "td", "time", text);
		html_setf(td, "data-sort", "%" PRId64, c->first_ts_ns);
		ri_fmt_duration(text, sizeof text, c->last_ts_ns - c->first_ts_ns);
		td = html_add(tr, "td", "num", text);
		html_setf(td, "data-sort", "%" PRId64, c->last_ts_ns - c->first_ts_ns);
	} else {
		html_add(tr, "td", "time muted", ABSENT);
		html_add(tr, "td", "num muted", ABSENT);
	}
	return 0;
}

static int write_captures(struct index_ctx *cx, xmlNodePtr summary,
                          struct capture_counts *cc)
{
	xmlNodePtr section = html_add(summary, "section", "captures", NULL);
	html_set(section, "id", "captures");
	xmlNodePtr h = html_add(section, "h2", NULL, "Captures read");
	xmlNodePtr wrap = html_add(section, "div", "table-wrap", NULL);
	xmlNodePtr table = html_add(wrap, "table", "data captures", NULL);
	html_set(table, "id", "capture-table");
	xmlNodePtr tr = html_add(html_add(table, "thead", NULL, NULL), "tr", NULL, NULL);
	ri_add_th(tr, "ID", COL_NUM);
	ri_add_th(tr, "Path", COL_TEXT);
	ri_add_th(tr, "Status", COL_TEXT);
	ri_add_th(tr, "Link type", COL_TEXT);
	ri_add_th(tr, "Packets", COL_NUM);
	ri_add_th(tr, "TCP", COL_NUM);
	/* The packets that were no TCP segment, by why: with TCP and Bad,
	 * they add up to Packets. */
	html_set(ri_add_th(tr, "Not\nIP", COL_NUM), "title", "not IP: ARP, LLDP, STP ...");
	html_set(ri_add_th(tr, "Not\nTCP", COL_NUM), "title", "IP but not TCP: UDP, ICMP ...");
	html_set(ri_add_th(tr, "Not\ndecoded", COL_NUM), "title",
	         "in an encapsulation tcpladder does not decode (named under the path)");
	html_set(ri_add_th(tr, "Fragments", COL_NUM), "title",
	         "IP fragments that completed no TCP segment");
	html_set(ri_add_th(tr, "Bad", COL_NUM), "title", "malformed, counted and skipped");
	ri_add_th(tr, "Flows", COL_NUM);
	ri_add_th(tr, "First packet (UTC)", COL_TIME);
	ri_add_th(tr, "Span", COL_NUM);
	cc->tbody = html_add(table, "tbody", NULL, NULL);
	cc->table = table;
	cc->db = cx->db;
	if (db_each_capture(cx->db, cx->sel, capture_row, cc) != 0) {
		snprintf(cx->err, cx->errlen, "captures: %s",
		         cc->read == CAPTURES_SHOWN && !cc->folded ? "out of memory"
		                                                   : db_error(cx->db));
		return -1;
	}
	char count[32];
	ri_fmt_count(count, sizeof count, cc->read);
	html_add(h, "span", "count", count);
	if (cc->folded) {
		ri_fmt_count(count, sizeof count, cc->read - CAPTURES_SHOWN);
		html_textf(xmlFirstElementChild(cc->folded), "%s more capture%s", count,
		           cc->read - CAPTURES_SHOWN == 1 ? "" : "s");
	}
	if (cc->read == 0) {
		xmlUnlinkNode(wrap);
		xmlFreeNode(wrap);
		html_add(section, "p", "empty",
		         "No captures have been read into this database.");
	}
	return 0;
}

/* ---- summary: bar charts ------------------------------------------------- */

struct bar {
	char *label;
	int64_t count;
};

struct bars {
	struct bar *v;
	size_t n, cap;
	bool failed;
};

static int collect_bar(const char *label, int64_t count, void *user)
{
	struct bars *b = user;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct bar *v = realloc(b->v, cap * sizeof *v);
		if (!v) {
			b->failed = true;
			return 1;
		}
		b->v = v;
		b->cap = cap;
	}
	char *copy = strdup(label ? label : "");
	if (!copy) {
		b->failed = true;
		return 1;
	}
	b->v[b->n].label = copy;
	b->v[b->n].count = count;
	b->n++;
	return 0;
}

static void free_bars(struct bars *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].label);
	free(b->v);
}

/* The colour a bar gets, as a class: the same meanings as the flow rows. */
static const char *bar_class(enum db_group group, const char *label)
{
	switch (group) {
	case DB_GROUP_FINAL_STATES:
		return ri_pair_is_open(label) ? "bar open" : "bar";
	case DB_GROUP_CONN_STATE:
		switch (ri_conn_kind(label)) {
		case CONN_NORMAL:
			return "bar";
		case CONN_RESET:
			return "bar reset";
		case CONN_OPEN:
			return "bar open";
		case CONN_OTHER:
			return "bar other";
		}
		return "bar";
	case DB_GROUP_ANALYSIS:
		return "bar anomaly";
	}
	return "bar";
}

/* Chart geometry, in SVG user units (= CSS pixels at 1:1). Labels are set
 * in a monospace font so that their width can be known here. Past
 * MAX_BARS groups the smallest share one bar, so that a chart stays a
 * glance (its hover title lists them). */
enum { ROW_H = 18, BAR_H = 12, BAR_W = 180, COUNT_W = 64, MAX_BARS = 12 };
#define CHAR_W 7.3

static void draw_bar(xmlNodePtr svg, const char *cls, const char *label, int64_t count,
                     int64_t max, double label_w, size_t row)
{
	double y = 2 + (double)row * ROW_H;
	double w = (double)BAR_W * (double)count / (double)max;
	if (count > 0 && w < 2)
		w = 2; /* one flow among millions still shows */
	char text[64];
	ri_fmt_count(text, sizeof text, count);

	xmlNodePtr g = html_add(svg, "g", cls, NULL);
	html_set(g, "data-label", label);
	html_setf(g, "data-count", "%" PRId64, count);
	html_addf(g, "title", NULL, "%s: %s flow%s", label, text, count == 1 ? "" : "s");
	xmlNodePtr t = html_add(g, "text", "label", label);
	html_setf(t, "x", "%.1f", label_w - 8);
	html_setf(t, "y", "%.1f", y + ROW_H / 2.0 + 4);
	html_set(t, "text-anchor", "end");
	xmlNodePtr rect = html_add(g, "rect", "track", NULL);
	html_setf(rect, "x", "%.1f", label_w);
	html_setf(rect, "y", "%.1f", y + (ROW_H - BAR_H) / 2.0);
	html_setf(rect, "width", "%d", BAR_W);
	html_setf(rect, "height", "%d", BAR_H);
	html_set(rect, "rx", "2");
	rect = html_add(g, "rect", "fill", NULL);
	html_setf(rect, "x", "%.1f", label_w);
	html_setf(rect, "y", "%.1f", y + (ROW_H - BAR_H) / 2.0);
	html_setf(rect, "width", "%.1f", w);
	html_setf(rect, "height", "%d", BAR_H);
	html_set(rect, "rx", "2");
	t = html_add(g, "text", "count", text);
	html_setf(t, "x", "%.1f", label_w + BAR_W + 8);
	html_setf(t, "y", "%.1f", y + ROW_H / 2.0 + 4);
}

static void draw_bars(xmlNodePtr box, enum db_group group, const char *title,
                      const struct bars *b)
{
	size_t shown = b->n > MAX_BARS ? MAX_BARS - 1 : b->n;
	int64_t rest = 0;
	for (size_t i = shown; i < b->n; i++)
		rest += b->v[i].count;
	char more[64] = "";
	if (shown < b->n)
		snprintf(more, sizeof more, "%zu more", b->n - shown);

	size_t longest = strlen(more);
	int64_t max = rest > 1 ? rest : 1;
	for (size_t i = 0; i < shown; i++) {
		size_t l = strlen(b->v[i].label);
		if (l > longest)
			longest = l;
		if (b->v[i].count > max)
			max = b->v[i].count;
	}
	if (longest < 4)
		longest = 4;
	if (longest > 40)
		longest = 40;
	double label_w = (double)longest * CHAR_W + 10;
	size_t rows = shown + (shown < b->n);
	xmlNodePtr svg = html_svg(box, "chart", label_w + BAR_W + COUNT_W,
	                          (double)rows * ROW_H + 4);
	html_set(svg, "role", "img");
	html_set(svg, "aria-label", title);
	for (size_t i = 0; i < shown; i++)
		draw_bar(svg, bar_class(group, b->v[i].label), b->v[i].label, b->v[i].count,
		         max, label_w, i);
	if (shown < b->n) {
		draw_bar(svg, "bar more", more, rest, max, label_w, shown);
		/* The hover title of the shared bar names each group in it. */
		xmlNodePtr hover = xmlLastElementChild(svg)->children;
		for (size_t i = shown; i < b->n; i++)
			html_textf(hover, "\n%s: %" PRId64, b->v[i].label, b->v[i].count);
	}
}

static int write_chart(struct index_ctx *cx, xmlNodePtr parent, enum db_group group,
                       const char *id, const char *title, const char *none)
{
	struct bars b = {0};
	int rc = db_each_group(cx->db, cx->sel, group, collect_bar, &b);
	if (rc != 0) {
		if (b.failed)
			snprintf(cx->err, cx->errlen, "%s: out of memory", title);
		else
			snprintf(cx->err, cx->errlen, "%s: %s", title, db_error(cx->db));
		free_bars(&b);
		return -1;
	}
	xmlNodePtr box = html_add(parent, "figure", "chart-box", NULL);
	html_set(box, "id", id);
	html_add(box, "h3", NULL, title);
	if (b.n == 0)
		html_add(box, "p", "none", none);
	else
		draw_bars(box, group, title, &b);
	free_bars(&b);
	return 0;
}

static int write_charts(struct index_ctx *cx, xmlNodePtr summary)
{
	html_add(summary, "h2", NULL, "States at the end");
	xmlNodePtr charts = html_add(summary, "div", "charts", NULL);
	if (write_chart(cx, charts, DB_GROUP_FINAL_STATES, "chart-final-states",
	                "Final states (client / server)", "No flows.") != 0 ||
	    write_chart(cx, charts, DB_GROUP_CONN_STATE, "chart-conn-state",
	                "conn_state (Zeek)", "No flows.") != 0 ||
	    write_chart(cx, charts, DB_GROUP_ANALYSIS, "chart-anomalies",
	                "Anomalies (flows per flag)", "No anomalies.") != 0)
		return -1;
	return 0;
}

int ri_write_summary(struct index_ctx *cx, xmlNodePtr summary)
{
	/* The totals come last: they count what the captures table read. */
	struct capture_counts cc = {0};
	if (write_charts(cx, summary) != 0 || write_captures(cx, summary, &cc) != 0 ||
	    pair_index_table(summary, cx->db, cx->sel, cx->err, cx->errlen) != 0 ||
	    write_totals(cx, summary, &cc) != 0)
		return -1;
	return 0;
}
