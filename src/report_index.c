/* report_index: the report's front pages. index.html holds the summary (the
 * captures read, totals, final state pairs and conn_state counts as small
 * SVG bar charts, anomalies per flag) and a table of the selected flows,
 * each linking to its flow page; past opt->flows_per_page flows the table
 * goes on in index-2.html, index-3.html ..., whose header is short, and
 * every page carries prev/next/page links. The table has a tunnel column
 * only when a flow of the report came through one, so that a report of
 * plain captures looks as it did before tunnels were decoded; the
 * captures table counts every packet that was no TCP segment by why, and
 * names the encapsulations not decoded under the capture's path.
 *
 * Everything comes through db_report.h and goes out through html.h: no SQL
 * and no markup built from strings here, so a capture path or any other
 * text from the database is escaped by construction. The table reads fine
 * as it is; templates/index.js, inlined, adds sorting and a filter box.
 * Numbers a script sorts carry their raw value in data-sort, since their
 * text is grouped and unit-scaled for people. */
#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "html.h"
#include "report_index.h"

/* ---- formatting ---------------------------------------------------------- */

void ri_fmt_count(char *buf, size_t len, int64_t v)
{
	char digits[HTML_INT_LEN];
	const char *d = html_int(digits, v);
	size_t o = 0;
	if (*d == '-' && o + 1 < len)
		buf[o++] = *d++;
	size_t n = strlen(d);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			if (o + sizeof DIGIT_GROUP >= len)
				break;
			memcpy(buf + o, DIGIT_GROUP, sizeof DIGIT_GROUP - 1);
			o += sizeof DIGIT_GROUP - 1;
		}
		if (o + 1 >= len)
			break;
		buf[o++] = d[i];
	}
	buf[o] = '\0';
}

#define NS_US INT64_C(1000)
#define NS_MS INT64_C(1000000)
#define NS_S INT64_C(1000000000)
#define NS_MIN (60 * NS_S)
#define NS_H (60 * NS_MIN)
#define NS_DAY (24 * NS_H)

/* A duration in the unit that keeps three or four significant digits:
 * handshake RTTs are microseconds, flows can last hours. */
void ri_fmt_duration(char *buf, size_t len, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	if (ns < NS_US)
		snprintf(buf, len, "%" PRId64 " ns", ns);
	else if (ns < NS_MS)
		snprintf(buf, len, "%.1f \xc2\xb5s", (double)ns / (double)NS_US);
	else if (ns < NS_S)
		snprintf(buf, len, "%.2f ms", (double)ns / (double)NS_MS);
	else if (ns < NS_MIN)
		snprintf(buf, len, "%.3f s", (double)ns / (double)NS_S);
	else if (ns < NS_H)
		snprintf(buf, len, "%" PRId64 " min %02" PRId64 " s", ns / NS_MIN,
		         ns / NS_S % 60);
	else if (ns < 2 * NS_DAY)
		snprintf(buf, len, "%" PRId64 " h %02" PRId64 " min", ns / NS_H,
		         ns / NS_MIN % 60);
	else
		snprintf(buf, len, "%" PRId64 " d %02" PRId64 " h", ns / NS_DAY,
		         ns / NS_H % 24);
}

/* ISO 8601 UTC as DESIGN.md writes times: microseconds, or nanoseconds when
 * the capture has them. */
void ri_fmt_time(char *buf, size_t len, int64_t ns)
{
	/* Floor division, so that times before 1970 do not come out as the
	 * second after. */
	int64_t sec = ns / NS_S, frac = ns % NS_S;
	if (frac < 0) {
		frac += NS_S;
		sec--;
	}
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "%" PRId64 " ns", ns);
		return;
	}
	char day[32];
	strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac % 1000 == 0)
		snprintf(buf, len, "%s.%06" PRId64 "Z", day, frac / 1000);
	else
		snprintf(buf, len, "%s.%09" PRId64 "Z", day, frac);
}

/* The time of day to the millisecond, "22:13:20.037": a flow's start in
 * a column that must stay narrow (the full time goes in its title). */
void ri_fmt_time_of_day(char *buf, size_t len, int64_t ns)
{
	char full[64];
	ri_fmt_time(full, sizeof full, ns);
	const char *t = strchr(full, 'T');
	/* "HH:MM:SS.mmm" is the 12 characters after the T. */
	if (t && strlen(t + 1) >= 12)
		snprintf(buf, len, "%.12s", t + 1);
	else
		snprintf(buf, len, "%s", full);
}

static void index_file_name(char *buf, size_t len, int64_t page)
{
	if (page <= 1)
		snprintf(buf, len, "index.html");
	else
		snprintf(buf, len, "index-%" PRId64 ".html", page);
}

/* ---- what a state or conn_state means ------------------------------------ */

/* Where a connection ends when both sides finished it. */
bool ri_state_is_final(const char *state)
{
	return state && (strcmp(state, "CLOSED") == 0 || strcmp(state, "TIME_WAIT") == 0);
}


enum conn_kind ri_conn_kind(const char *conn_state)
{
	static const char *const open[] = {"S0", "S1", "S2", "S3", "SH", "SHR", "OTH"};
	if (!conn_state)
		return CONN_OTHER;
	if (strcmp(conn_state, "SF") == 0)
		return CONN_NORMAL;
	if (strcmp(conn_state, "REJ") == 0 || strncmp(conn_state, "RST", 3) == 0)
		return CONN_RESET;
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++) {
		if (strcmp(conn_state, open[i]) == 0)
			return CONN_OPEN;
	}
	return CONN_OTHER;
}

/* A final state pair "CLIENT / SERVER" that leaves an endpoint mid-way. */
bool ri_pair_is_open(const char *label)
{
	const char *sep = strstr(label, " / ");
	if (!sep)
		return false;
	char client[64];
	size_t n = (size_t)(sep - label);
	if (n >= sizeof client)
		return true;
	memcpy(client, label, n);
	client[n] = '\0';
	return !ri_state_is_final(client) || !ri_state_is_final(sep + 3);
}

/* ---- small building blocks ----------------------------------------------- */

xmlNodePtr ri_add_num_cell(xmlNodePtr tr, int64_t v)
{
	char text[64];
	ri_fmt_count(text, sizeof text, v);
	xmlNodePtr td = html_add(tr, "td", "num", text);
	char sort[HTML_INT_LEN];
	html_set(td, "data-sort", html_int(sort, v));
	return td;
}

/* A column header (report_index.h says how). */

xmlNodePtr ri_add_th(xmlNodePtr tr, const char *text, enum column col)
{
	xmlNodePtr th = html_add(tr, "th", col == COL_NUM ? "num" : NULL, NULL);
	html_set(th, "scope", "col");
	html_set(th, "data-type", col == COL_TEXT ? "text" : "num");
	const char *nl = strchr(text, '\n');
	if (!nl) {
		html_text(th, text);
		return th;
	}
	char first[64];
	size_t n = (size_t)(nl - text) < sizeof first ? (size_t)(nl - text) : sizeof first - 1;
	memcpy(first, text, n);
	first[n] = '\0';
	html_text(th, first);
	html_add(th, "br", NULL, NULL);
	html_text(th, nl + 1);
	return th;
}

/* ---- the flow table ------------------------------------------------------ */

/* A final state; "open" when it leaves the endpoint mid-way. */
static void add_state_cell(xmlNodePtr tr, const char *state)
{
	html_add(tr, "td", ri_state_is_final(state) ? NULL : "open", state ? state : ABSENT);
}

/* The tunnel a flow came through (its first segment's path), and how
 * many of its segments came another way; a dash when it came through
 * none. */
static void add_tunnel_cell(xmlNodePtr tr, const struct db_flow_info *f)
{
	if (!f->tunnel) {
		html_add(tr, "td", "tunnel muted", ABSENT);
		return;
	}
	xmlNodePtr td = html_add(tr, "td", "tunnel", f->tunnel);
	if (f->tunnel_changes > 0) {
		char n[64];
		ri_fmt_count(n, sizeof n, f->tunnel_changes);
		xmlNodePtr span = html_addf(td, "span", "changes", "%s segment%s another way", n,
		                            f->tunnel_changes == 1 ? "" : "s");
		html_set(span, "title", "segments that came through another tunnel or outer"
		                        " addresses than the first");
	}
}

/* One row of the table, as lean as it reads: a page holds hundreds and
 * a report of an archive thousands of pages, so no cell carries a class
 * its column gives (index.xhtml styles the columns by place) and no
 * value twice; the script that sorts and searches reads flows.js, not
 * the rows. The row's classes say why a flow is notable: the database's
 * rule (db_report.h), anomalies, an endpoint left neither CLOSED nor
 * TIME_WAIT, or a reset. With `tunnels`, the tunnel column after the
 * endpoints. */
static void write_flow_row(xmlNodePtr tbody, const struct db_flow_info *f, bool tunnels,
                           bool linked)
{
	bool open = !ri_state_is_final(f->client_state) || !ri_state_is_final(f->server_state);
	bool anomalous = f->analysis != 0;
	bool notable = f->notable;
	bool reset = f->reset;
	char text[128];
	snprintf(text, sizeof text, "%s%s%s%s", notable ? " notable" : "", reset ? " reset" : "",
	         open ? " abnormal" : "", anomalous ? " anomalous" : "");
	xmlNodePtr tr = html_add(tbody, "tr", *text ? text + 1 : NULL, NULL);
	/* Numbers through html_int: an index page writes thousands. */
	char id[HTML_INT_LEN];
	html_int(id, f->id);
	html_set(tr, "data-flow", id);

	xmlNodePtr td = html_add(tr, "td", NULL, NULL);
	/* Without a page (past the notable-only limit), the id is text. */
	if (linked) {
		snprintf(text, sizeof text, REPORT_FLOW_HREF_FMT, (long long)f->id);
		html_set(html_add(td, "a", NULL, id), "href", text);
	} else {
		html_text(td, id);
	}

	html_add(tr, "td", NULL, f->client ? f->client : "");
	html_add(tr, "td", NULL, f->server ? f->server : "");
	if (tunnels)
		add_tunnel_cell(tr, f);

	ri_fmt_time_of_day(text, sizeof text, f->first_ts_ns);
	td = html_add(tr, "td", NULL, text);
	ri_fmt_time(text, sizeof text, f->first_ts_ns);
	html_set(td, "title", text);

	ri_fmt_duration(text, sizeof text, f->last_ts_ns - f->first_ts_ns);
	html_add(tr, "td", NULL, text);
	const int64_t counts[] = {f->packets, f->client_bytes, f->server_bytes};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		ri_fmt_count(text, sizeof text, counts[i]);
		html_add(tr, "td", NULL, text);
	}
	add_state_cell(tr, f->client_state);
	add_state_cell(tr, f->server_state);

	/* conn_state, coloured by what it means. */
	static const char *const conn_cls[] = {
		[CONN_NORMAL] = "normal", [CONN_RESET] = "reset", [CONN_OPEN] = "open",
		[CONN_OTHER] = NULL};
	if (f->conn_state)
		td = html_add(tr, "td", conn_cls[ri_conn_kind(f->conn_state)], f->conn_state);
	else
		td = html_add(tr, "td", reset || open ? NULL : "muted", reset || open ? NULL : ABSENT);
	/* Tags say in words what the row's stripe says in colour. */
	if (reset)
		html_add(td, "span", "tag rst", "RST");
	if (open)
		html_add(td, "span", "tag open", "OPEN");

	html_add(tr, "td", NULL, f->history ? f->history : "");

	if (f->has_rtt) {
		ri_fmt_duration(text, sizeof text, f->handshake_rtt_ns);
		html_add(tr, "td", NULL, text);
	} else {
		html_add(tr, "td", "muted", ABSENT);
	}

	/* One badge per flag name: "retransmission,duplicate_ack". */
	td = html_add(tr, "td", NULL, NULL);
	const char *names = f->analysis_names ? f->analysis_names : "";
	while (*names) {
		size_t n = strcspn(names, ",");
		char name[96];
		size_t copy = n < sizeof name ? n : sizeof name - 1;
		memcpy(name, names, copy);
		name[copy] = '\0';
		if (*name)
			html_add(td, "span", "badge", name);
		names += n;
		if (*names == ',')
			names++;
	}

	/* Its capture by the file's name; the path in full on hover. */
	const char *path = f->capture_path ? f->capture_path : "";
	const char *slash = strrchr(path, '/');
	td = html_add(tr, "td", NULL, slash && slash[1] ? slash + 1 : path);
	html_set(td, "title", path);
}

static void write_legend(xmlNodePtr parent)
{
	xmlNodePtr p = html_add(parent, "p", "legend", NULL);
	static const char *const keys[][2] = {
		{"reset", "ended by a reset"},
		{"abnormal", "an endpoint not CLOSED or TIME_WAIT at the end"},
		{"anomalous", "anomalies in its segments"},
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char cls[32];
		snprintf(cls, sizeof cls, "key %s", keys[i][0]);
		xmlNodePtr s = html_add(p, "span", NULL, NULL);
		html_add(s, "span", cls, NULL);
		html_text(s, keys[i][1]);
	}
}

/* The filter box matches a row's whole text: with a tunnel column, say
 * that tunnels are among what it finds. */
static void note_tunnel_filter(xmlDocPtr doc)
{
	xmlNodePtr input = html_find(doc, "flow-filter");
	if (input)
		html_set(input, "placeholder", "Filter flows: address, tunnel, state, anomaly");
}

/* The table with its header row (a tunnel column with `tunnels`, and the
 * filter box saying so); returns its (empty) body. */
static xmlNodePtr write_flow_table(xmlNodePtr parent, bool tunnels)
{
	write_legend(parent);
	/* No scrolling wrapper: the header row stays on screen (position:
	 * sticky) only while the page itself scrolls. */
	xmlNodePtr table = html_add(parent, "table", "data flows", NULL);
	html_set(table, "id", "flow-table");
	xmlNodePtr tr = html_add(html_add(table, "thead", NULL, NULL), "tr", NULL, NULL);
	ri_add_th(tr, "ID", COL_NUM);
	ri_add_th(tr, "Client", COL_TEXT);
	ri_add_th(tr, "Server", COL_TEXT);
	if (tunnels) {
		html_set(ri_add_th(tr, "Tunnel", COL_TEXT), "title",
		         "the tunnels its first segment came through, outermost first");
		note_tunnel_filter(parent->doc);
	}
	html_set(ri_add_th(tr, "Start (UTC)", COL_TIME), "title",
	         "time of day; the full time in each cell's title");
	ri_add_th(tr, "Duration", COL_NUM);
	ri_add_th(tr, "Packets", COL_NUM);
	ri_add_th(tr, "Bytes\nc" ARROW "s", COL_NUM);
	ri_add_th(tr, "Bytes\ns" ARROW "c", COL_NUM);
	ri_add_th(tr, "Client\nstate", COL_TEXT);
	ri_add_th(tr, "Server\nstate", COL_TEXT);
	html_set(ri_add_th(tr, "conn\nstate", COL_TEXT), "title", "Zeek's conn_state");
	ri_add_th(tr, "History", COL_TEXT);
	ri_add_th(tr, "RTT", COL_NUM);
	ri_add_th(tr, "Anomalies", COL_TEXT);
	ri_add_th(tr, "Capture", COL_TEXT);
	return html_add(table, "tbody", NULL, NULL);
}

/* ---- paging -------------------------------------------------------------- */

static void page_link(xmlNodePtr nav, int64_t target, const char *cls, const char *rel,
                      const char *text)
{
	char href[64];
	index_file_name(href, sizeof href, target);
	xmlNodePtr a = html_add(nav, "a", cls, text);
	html_set(a, "href", href);
	if (rel)
		html_set(a, "rel", rel);
}

/* The first and last flow numbers (1-based) a page holds. */
static void page_range(const struct index_ctx *cx, int64_t page, char *first, char *last,
                       size_t len)
{
	int64_t hi = page * cx->per_page < cx->flows ? page * cx->per_page : cx->flows;
	ri_fmt_count(first, len, (page - 1) * cx->per_page + 1);
	ri_fmt_count(last, len, hi);
}

/* prev, the page numbers (the first, the last and two either side of this
 * one, so a thousand pages still fit on a line), next, and which flows
 * this page holds. */
static void write_pager(const struct index_ctx *cx, xmlNodePtr nav, int64_t page)
{
	if (page > 1)
		page_link(nav, page - 1, "prev", "prev", "\xe2\x80\xb9 prev");
	else
		html_add(nav, "span", "prev disabled", "\xe2\x80\xb9 prev");
	int64_t last_shown = 0;
	for (int64_t p = 1; p <= cx->pages; p++) {
		if (p != 1 && p != cx->pages && (p < page - 2 || p > page + 2))
			continue;
		if (last_shown && p > last_shown + 1)
			html_add(nav, "span", "gap", "\xe2\x80\xa6");
		char text[32];
		snprintf(text, sizeof text, "%" PRId64, p);
		if (p == page) {
			xmlNodePtr cur = html_add(nav, "span", "page current", text);
			html_set(cur, "aria-current", "page");
		} else {
			page_link(nav, p, "page", NULL, text);
		}
		last_shown = p;
	}
	if (page < cx->pages)
		page_link(nav, page + 1, "next", "next", "next \xe2\x80\xba");
	else
		html_add(nav, "span", "next disabled", "next \xe2\x80\xba");
	char first[32], last[32], total[32];
	page_range(cx, page, first, last, sizeof first);
	ri_fmt_count(total, sizeof total, cx->flows);
	html_addf(nav, "span", "range", "flows %s" EN_DASH "%s of %s", first, last, total);
}

static void drop(xmlNodePtr node)
{
	if (node) {
		xmlUnlinkNode(node);
		xmlFreeNode(node);
	}
}

/* ---- one page ------------------------------------------------------------ */

/* The elements of index.xhtml a page fills; the pagers may be missing. */
struct index_parts {
	xmlNodePtr summary, flows, sub, title, h_flows, script, top, bottom;
};

/* index.js and the flows.js it reads, both written beside the pages
 * (report_index_data.c); neither when there are no flows to show. */
static void write_scripts(xmlDocPtr doc, xmlNodePtr script, bool flows)
{
	if (flows)
		return;
	drop(script);
	drop(html_find(doc, "flows-data"));
	drop(html_find(doc, "flow-chips"));
}

/* A copy of the template with its parts found; NULL (with cx->err) when
 * the copy fails or a required element is missing. */
static xmlDocPtr copy_template(struct index_ctx *cx, struct index_parts *p)
{
	xmlDocPtr doc = html_copy(cx->tmpl, cx->err, cx->errlen);
	if (!doc)
		return NULL;
	*p = (struct index_parts){
		.summary = html_find(doc, "summary"),
		.flows = html_find(doc, "flows"),
		.sub = html_find(doc, "subheading"),
		.title = html_find(doc, "title"),
		.h_flows = html_find(doc, "flows-heading"),
		.script = html_find(doc, "index-script"),
		.top = html_find(doc, "pager-top"),
		.bottom = html_find(doc, "pager-bottom"),
	};
	if (!p->summary || !p->flows || !p->sub || !p->title || !p->h_flows || !p->script) {
		snprintf(cx->err, cx->errlen, "template index.xhtml: an element id is missing");
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* The document of the pages after the first (cx->later): what they all
 * hold, the template without its summary, with the flows' count, the
 * table up to its body and the script; then their slots. */
static int make_later(struct index_ctx *cx)
{
	struct index_parts p;
	xmlDocPtr doc = copy_template(cx, &p);
	if (!doc)
		return -1;
	drop(p.summary);
	char total[32];
	ri_fmt_count(total, sizeof total, cx->flows);
	html_add(p.h_flows, "span", "count", total);
	/* A later page means flows (and more than one page). */
	xmlNodePtr tbody = write_flow_table(p.flows, cx->tunnels);
	write_scripts(doc, p.script, true);
	cx->later = doc;
	cx->later_title = p.title;
	cx->later_slots[0] = html_slot(doc, "subheading");
	cx->later_slots[1] = (struct html_slot){tbody, NULL};
	cx->later_slots[2] = (struct html_slot){p.top, p.top ? p.top->last : NULL};
	cx->later_slots[3] = (struct html_slot){p.bottom, p.bottom ? p.bottom->last : NULL};
	return 0;
}

/* A page after the first, rebuilt over the last one written. */
static int start_later_page(struct index_ctx *cx, int64_t page)
{
	if (!cx->later && make_later(cx) != 0)
		return -1;
	struct html_slot *sl = cx->later_slots;
	html_rebuild_begin(cx->later, sl, sizeof cx->later_slots / sizeof *sl);
	char first[32], last[32], total[32];
	ri_fmt_count(total, sizeof total, cx->flows);
	page_range(cx, page, first, last, sizeof first);
	xmlNodeSetContent(cx->later_title, NULL);
	html_textf(cx->later_title, "tcpladder report: flows %s" EN_DASH "%s", first, last);
	html_textf(sl[0].node,
	           "page %" PRId64 " of %" PRId64 ": flows %s" EN_DASH "%s of %s" MIDDOT, page,
	           cx->pages, first, last, total);
	xmlNodePtr a = html_add(sl[0].node, "a", "summary-link", "summary and captures");
	html_set(a, "href", "index.html");
	if (sl[2].node)
		write_pager(cx, sl[2].node, page);
	if (sl[3].node)
		write_pager(cx, sl[3].node, page);
	cx->doc = cx->later;
	cx->tbody = sl[1].node;
	cx->page = page;
	cx->rows = 0;
	return 0;
}

/* Page `page` up to its flow rows, as cx->doc; its table body (NULL when
 * there are no flows) in cx->tbody. Pages after the first exist only when
 * there are flows, and are rebuilt over one document (start_later_page);
 * the first, with the summary, is made anew. */
static int start_page(struct index_ctx *cx, int64_t page)
{
	if (page > 1)
		return start_later_page(cx, page);
	struct index_parts p;
	xmlDocPtr doc = copy_template(cx, &p);
	if (!doc)
		return -1;
	char total[32];
	ri_fmt_count(total, sizeof total, cx->flows);
	html_textf(p.sub, "%s flow%s", total, cx->flows == 1 ? "" : "s");
	if (ri_write_summary(cx, p.summary) != 0) {
		xmlFreeDoc(doc);
		return -1;
	}
	/* The total; which of them this page holds is the pager's to say. */
	html_add(p.h_flows, "span", "count", total);

	cx->tbody = NULL;
	if (cx->flows == 0) {
		bool everything = cx->sel->n_flow_ids == 0 && cx->sel->n_capture_ids == 0 &&
		                  !cx->sel->only_notable;
		html_add(p.flows, "p", "empty",
		         everything ? "No flows in this database: no TCP connection was seen."
		                    : "No flows match this selection.");
		drop(html_find(doc, "flow-tools"));
	} else {
		cx->tbody = write_flow_table(p.flows, cx->tunnels);
	}

	if (cx->pages > 1) {
		if (p.top)
			write_pager(cx, p.top, page);
		if (p.bottom)
			write_pager(cx, p.bottom, page);
	} else {
		drop(p.top);
		drop(p.bottom);
	}

	write_scripts(doc, p.script, cx->flows > 0);

	cx->doc = doc;
	cx->page = page;
	cx->rows = 0;
	return 0;
}

/* Save cx->doc as its page's file and free it. */
static int finish_page(struct index_ctx *cx)
{
	char name[64], path[4096];
	index_file_name(name, sizeof name, cx->page);
	int rc = -1;
	if (cx->doc == cx->later)
		html_rebuild_end(cx->doc);
	if ((size_t)snprintf(path, sizeof path, "%s/%s", cx->dir, name) >= sizeof path)
		snprintf(cx->err, cx->errlen, "%s: path too long", cx->dir);
	else
		rc = html_out_save(cx->out, cx->doc, path, cx->err, cx->errlen);
	if (cx->doc != cx->later)
		xmlFreeDoc(cx->doc);
	cx->doc = NULL;
	cx->tbody = NULL;
	return rc;
}

/* ---- the pages ----------------------------------------------------------- */

static int add_row(const struct db_flow_info *f, void *user)
{
	struct index_ctx *cx = user;
	write_flow_row(cx->tbody, f, cx->tunnels, !cx->notable_pages_only || f->notable);
	cx->rows++;
	return 0;
}

int64_t report_index_count(size_t flows, const struct report_options *opt)
{
	int64_t per_page = opt && opt->flows_per_page > 0 ? opt->flows_per_page
	                                                  : REPORT_DEFAULT_FLOWS_PER_PAGE;
	return flows == 0 ? 1 : ((int64_t)flows + per_page - 1) / per_page;
}

/* The template's own style goes into the folder's one stylesheet
 * (report_index_style): inline, it was 12 KB of every page. */
static int drop_index_style(xmlDocPtr tmpl, char *err, size_t errlen)
{
	xmlNodePtr style = html_find(tmpl, "index-style");
	if (!style) {
		snprintf(err, errlen, "template index.xhtml: no <style id=\"index-style\">");
		return -1;
	}
	drop(style);
	return 0;
}

/* Each page's flows in one query over its range of ids, found through the
 * key: a page costs its own rows, whichever it is and whoever writes it. */
int report_index_range(struct db *db, const struct db_selection *sel,
                       const struct report_options *opt, const char *dir,
                       const int64_t *ids, size_t n, int64_t first_page,
                       int64_t last_page, char *err, size_t errlen)
{
	static const struct db_selection all;
	struct index_ctx cx = {
		.db = db,
		.sel = sel ? sel : &all,
		.dir = dir,
		.flows = (int64_t)n,
		.per_page = opt && opt->flows_per_page > 0 ? opt->flows_per_page
		                                           : REPORT_DEFAULT_FLOWS_PER_PAGE,
		.pages = report_index_count(n, opt),
		.notable_pages_only = opt && opt->notable_pages_only,
		.err = err,
		.errlen = errlen,
	};
	if (last_page > cx.pages)
		last_page = cx.pages;
	if (first_page > last_page)
		return 0;
	/* Every part of a report asks, so that all its pages have the same
	 * columns. */
	if (cx.flows > 0 && db_any_tunnel(db, cx.sel, &cx.tunnels) != 0) {
		snprintf(err, errlen, "flows: %s", db_error(db));
		return -1;
	}
	cx.tmpl = html_page("index.xhtml", REPORT_INDEX_STYLE_HREF, err, errlen);
	if (cx.tmpl && drop_index_style(cx.tmpl, err, errlen) != 0) {
		xmlFreeDoc(cx.tmpl);
		cx.tmpl = NULL;
	}
	cx.out = cx.tmpl ? html_out_new() : NULL;
	if (!cx.out) {
		if (cx.tmpl)
			snprintf(err, errlen, "out of memory");
		xmlFreeDoc(cx.tmpl);
		return -1;
	}
	int rc = 0;
	for (int64_t page = first_page; page <= last_page && rc == 0; page++) {
		rc = start_page(&cx, page);
		if (rc == 0 && cx.flows > 0) {
			int64_t first = (page - 1) * cx.per_page;
			int64_t last = page * cx.per_page < cx.flows ? page * cx.per_page : cx.flows;
			rc = db_each_flow_between(db, cx.sel, ids[first], ids[last - 1], add_row, &cx);
			if (rc != 0)
				snprintf(err, errlen, "flows: %s", db_error(db));
		}
		if (rc == 0)
			rc = finish_page(&cx);
		if (rc == 0 && opt && opt->page_written)
			opt->page_written(opt->page_user);
	}
	if (cx.doc && cx.doc != cx.later)
		xmlFreeDoc(cx.doc);
	html_rebuild_free(cx.later);
	xmlFreeDoc(cx.later);
	html_out_free(cx.out);
	xmlFreeDoc(cx.tmpl);
	return rc == 0 ? 0 : -1;
}

void report_index_prune(const char *dir, int64_t pages)
{
	char name[64], path[4096];
	for (int64_t page = pages + 1;; page++) {
		index_file_name(name, sizeof name, page);
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (unlink(path) != 0)
			break;
	}
}

int report_index_pages(struct db *db, const struct db_selection *sel,
                       const struct report_options *opt, const char *dir,
                       char *err, size_t errlen)
{
	int64_t *ids;
	size_t n;
	if (db_selected_ids(db, sel, &ids, &n) != 0) {
		snprintf(err, errlen, "flows: %s", db_error(db));
		return -1;
	}
	int64_t pages = report_index_count(n, opt);
	int rc = report_index_data(db, sel, opt, ids, n, dir, err, errlen);
	if (rc == 0)
		rc = report_index_range(db, sel, opt, dir, ids, n, 1, pages, err, errlen);
	free(ids);
	/* Pages an earlier, longer report left behind would link to flows
	 * this one does not hold. */
	if (rc == 0)
		report_index_prune(dir, pages);
	return rc;
}
