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

/* U+202F NARROW NO-BREAK SPACE groups digits: it never wraps and is thin
 * enough that 1 234 567 still reads as one number. */
#define DIGIT_GROUP "\xe2\x80\xaf"
#define EN_DASH "\xe2\x80\x93"
#define ABSENT EN_DASH /* shown where a value is absent */
#define ARROW "\xe2\x86\x92"
#define MIDDOT " \xc2\xb7 "

/* One run of report_index_pages: what it was asked, what it counted, and
 * the page being filled. */
struct index_ctx {
	struct db *db;
	const struct db_selection *sel;
	const char *dir;
	int64_t flows, per_page, pages;
	bool tunnels;              /* a selected flow has a tunnel: its column */
	xmlDocPtr tmpl;            /* index.xhtml, parsed once; pages copy it */
	xmlDocPtr doc;             /* the page being written */
	xmlNodePtr tbody;          /* its flow rows */
	int64_t page, rows;
	/* The pages after the first are one document, made once, each page
	 * rebuilt over the last in these slots: subheading, rows, pagers. */
	xmlDocPtr later;
	xmlNodePtr later_title;
	struct html_slot later_slots[4];
	struct html_out *out;      /* kept from page to page */
	char *err;
	size_t errlen;
};

/* ---- formatting ---------------------------------------------------------- */

static void fmt_count(char *buf, size_t len, int64_t v)
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
static void fmt_duration(char *buf, size_t len, int64_t ns)
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
static void fmt_time(char *buf, size_t len, int64_t ns)
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

static void index_file_name(char *buf, size_t len, int64_t page)
{
	if (page <= 1)
		snprintf(buf, len, "index.html");
	else
		snprintf(buf, len, "index-%" PRId64 ".html", page);
}

/* ---- what a state or conn_state means ------------------------------------ */

/* Where a connection ends when both sides finished it. */
static bool state_is_final(const char *state)
{
	return state && (strcmp(state, "CLOSED") == 0 || strcmp(state, "TIME_WAIT") == 0);
}

/* Zeek's conn_state: SF is a normal open and close; REJ and RST* end with a
 * reset; S0..S3, SH, SHR and OTH did not finish. Anything else (a chart's
 * label for flows not yet analysed) is none of these. */
enum conn_kind { CONN_NORMAL, CONN_RESET, CONN_OPEN, CONN_OTHER };

static enum conn_kind conn_kind(const char *conn_state)
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
static bool pair_is_open(const char *label)
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
	return !state_is_final(client) || !state_is_final(sep + 3);
}

/* ---- small building blocks ----------------------------------------------- */

static xmlNodePtr add_num_cell(xmlNodePtr tr, int64_t v)
{
	char text[64];
	fmt_count(text, sizeof text, v);
	xmlNodePtr td = html_add(tr, "td", "num", text);
	char sort[HTML_INT_LEN];
	html_set(td, "data-sort", html_int(sort, v));
	return td;
}

/* A column header: right-aligned over numbers; data-type tells index.js
 * whether the column sorts by number (times sort so too, by data-sort). A
 * '\n' in text breaks the line, so that a two-word header over a narrow
 * column does not widen it. */
enum column { COL_TEXT, COL_NUM, COL_TIME };

static xmlNodePtr add_th(xmlNodePtr tr, const char *text, enum column col)
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

/* ---- summary: totals ----------------------------------------------------- */

static void add_total(xmlNodePtr list, const char *cls, const char *label,
                      int64_t v, const char *detail)
{
	char text[64];
	fmt_count(text, sizeof text, v);
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
	fmt_count(a, sizeof a, t.captures);
	fmt_count(b, sizeof b, cc->partial);
	fmt_count(c, sizeof c, cc->failed);
	size_t o = (size_t)snprintf(detail, sizeof detail, "%s with flows", a);
	if (cc->partial)
		o += (size_t)snprintf(detail + o, sizeof detail - o, MIDDOT "%s partial", b);
	if (cc->failed)
		o += (size_t)snprintf(detail + o, sizeof detail - o, MIDDOT "%s failed", c);
	if (cc->undecoded && o < sizeof detail) {
		fmt_count(c, sizeof c, cc->undecoded);
		snprintf(detail + o, sizeof detail - o, MIDDOT "%s with packets not decoded", c);
	}
	add_total(list, cc->partial || cc->failed ? "captures damaged" : "captures",
	          "Captures", cc->read, detail);
	add_total(list, "flows", "Flows", t.flows, NULL);
	add_total(list, "segments", "Segments", t.segments, NULL);
	fmt_count(a, sizeof a, t.client_bytes);
	fmt_count(b, sizeof b, t.server_bytes);
	snprintf(detail, sizeof detail, "%s c" ARROW "s" MIDDOT "%s s" ARROW "c", a, b);
	add_total(list, "bytes", "Payload bytes", t.client_bytes + t.server_bytes, detail);
	add_total(list, t.notable_flows ? "notable" : "notable-none", "Notable flows",
	          t.notable_flows, "reset, unfinished or with anomalies");
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
	fmt_count(a, sizeof a, u->packets);
	fmt_count(b, sizeof b, u->first_frame);
	html_textf(li, MIDDOT "%s packet%s, the first at frame %s", a,
	           u->packets == 1 ? "" : "s", b);
	return 0;
}

static int capture_row(const struct db_capture_info *c, void *user)
{
	struct capture_counts *cc = user;
	char text[64];
	xmlNodePtr tr = html_add(cc->tbody, "tr", NULL, NULL);
	cc->read++;
	if (c->status && strcmp(c->status, "partial") == 0)
		cc->partial++;
	if (c->status && strcmp(c->status, "failed") == 0)
		cc->failed++;
	html_setf(tr, "data-capture", "%" PRId64, c->id);
	add_num_cell(tr, c->id);
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
	add_num_cell(tr, c->packets);
	add_num_cell(tr, c->tcp_packets);
	add_num_cell(tr, c->not_ip_packets);
	add_num_cell(tr, c->not_tcp_packets);
	td = add_num_cell(tr, c->undecoded_packets);
	if (c->undecoded_packets > 0)
		html_set(td, "class", "num undecoded");
	add_num_cell(tr, c->fragment_packets);
	add_num_cell(tr, c->bad_packets);
	add_num_cell(tr, c->flows);
	if (c->has_ts) {
		fmt_time(text, sizeof text, c->first_ts_ns);
		td = html_add(tr, "td", "time", text);
		html_setf(td, "data-sort", "%" PRId64, c->first_ts_ns);
		fmt_duration(text, sizeof text, c->last_ts_ns - c->first_ts_ns);
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
	add_th(tr, "ID", COL_NUM);
	add_th(tr, "Path", COL_TEXT);
	add_th(tr, "Status", COL_TEXT);
	add_th(tr, "Link type", COL_TEXT);
	add_th(tr, "Packets", COL_NUM);
	add_th(tr, "TCP", COL_NUM);
	/* The packets that were no TCP segment, by why: with TCP and Bad,
	 * they add up to Packets. */
	html_set(add_th(tr, "Not\nIP", COL_NUM), "title", "not IP: ARP, LLDP, STP ...");
	html_set(add_th(tr, "Not\nTCP", COL_NUM), "title", "IP but not TCP: UDP, ICMP ...");
	html_set(add_th(tr, "Not\ndecoded", COL_NUM), "title",
	         "in an encapsulation tcpladder does not decode (named under the path)");
	html_set(add_th(tr, "Fragments", COL_NUM), "title",
	         "IP fragments that completed no TCP segment");
	html_set(add_th(tr, "Bad", COL_NUM), "title", "malformed, counted and skipped");
	add_th(tr, "Flows", COL_NUM);
	add_th(tr, "First packet (UTC)", COL_TIME);
	add_th(tr, "Span", COL_NUM);
	cc->tbody = html_add(table, "tbody", NULL, NULL);
	cc->db = cx->db;
	if (db_each_capture(cx->db, cx->sel, capture_row, cc) != 0) {
		snprintf(cx->err, cx->errlen, "captures: %s", db_error(cx->db));
		return -1;
	}
	char count[32];
	fmt_count(count, sizeof count, cc->read);
	html_add(h, "span", "count", count);
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
		return pair_is_open(label) ? "bar open" : "bar";
	case DB_GROUP_CONN_STATE:
		switch (conn_kind(label)) {
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
	fmt_count(text, sizeof text, count);

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

/* ---- the flow table ------------------------------------------------------ */

static void add_state_cell(xmlNodePtr tr, const char *state)
{
	html_add(tr, "td", state_is_final(state) ? "state" : "state open",
	         state ? state : ABSENT);
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
		fmt_count(n, sizeof n, f->tunnel_changes);
		xmlNodePtr span = html_addf(td, "span", "changes", "%s segment%s another way", n,
		                            f->tunnel_changes == 1 ? "" : "s");
		html_set(span, "title", "segments that came through another tunnel or outer"
		                        " addresses than the first");
	}
}

/* One row of the table; the row's classes say why a flow is notable: the
 * database's rule (db_report.h), anomalies, an endpoint left neither
 * CLOSED nor TIME_WAIT, or a reset. With `tunnels`, the tunnel column
 * after the endpoints. */
static void write_flow_row(xmlNodePtr tbody, const struct db_flow_info *f, bool tunnels)
{
	bool open = !state_is_final(f->client_state) || !state_is_final(f->server_state);
	bool anomalous = f->analysis != 0;
	bool notable = f->notable;
	bool reset = f->reset;
	char text[128];
	snprintf(text, sizeof text, "flow%s%s%s%s", notable ? " notable" : "",
	         reset ? " reset" : "", open ? " abnormal" : "",
	         anomalous ? " anomalous" : "");
	xmlNodePtr tr = html_add(tbody, "tr", text, NULL);
	/* Numbers through html_int: an index page writes thousands. */
	char id[HTML_INT_LEN], num[HTML_INT_LEN];
	html_int(id, f->id);
	snprintf(text, sizeof text, "flow-%s", id);
	html_set(tr, "id", text);
	html_set(tr, "data-flow", id);
	html_set(tr, "data-capture", html_int(num, f->capture_id));

	xmlNodePtr td = html_add(tr, "td", "num id", NULL);
	html_set(td, "data-sort", id);
	xmlNodePtr a = html_add(td, "a", NULL, id);
	snprintf(text, sizeof text, REPORT_FLOW_HREF_FMT, (long long)f->id);
	html_set(a, "href", text);
	if (f->capture_path)
		html_set(a, "title", f->capture_path);

	html_add(tr, "td", "addr client", f->client ? f->client : "");
	html_add(tr, "td", "addr server", f->server ? f->server : "");
	if (tunnels)
		add_tunnel_cell(tr, f);

	fmt_time(text, sizeof text, f->first_ts_ns);
	td = html_add(tr, "td", "time", text);
	html_set(td, "data-sort", html_int(num, f->first_ts_ns));

	int64_t dur = f->last_ts_ns - f->first_ts_ns;
	fmt_duration(text, sizeof text, dur);
	td = html_add(tr, "td", "num duration", text);
	html_set(td, "data-sort", html_int(num, dur));

	add_num_cell(tr, f->packets);
	add_num_cell(tr, f->client_bytes);
	add_num_cell(tr, f->server_bytes);
	add_state_cell(tr, f->client_state);
	add_state_cell(tr, f->server_state);

	td = html_add(tr, "td", "conn", NULL);
	if (f->conn_state) {
		static const char *const conn_cls[] = {
			[CONN_NORMAL] = "conn-normal", [CONN_RESET] = "conn-reset",
			[CONN_OPEN] = "conn-open", [CONN_OTHER] = NULL};
		html_add(td, "span", conn_cls[conn_kind(f->conn_state)], f->conn_state);
	} else if (!reset && !open) {
		html_add(td, "span", "muted", ABSENT);
	}
	/* Tags say in words what the row's stripe says in colour. */
	if (reset)
		html_add(td, "span", "tag rst", "RST");
	if (open)
		html_add(td, "span", "tag open", "OPEN");

	html_add(tr, "td", "history", f->history ? f->history : "");

	if (f->has_rtt) {
		fmt_duration(text, sizeof text, f->handshake_rtt_ns);
		td = html_add(tr, "td", "num rtt", text);
		html_set(td, "data-sort", html_int(num, f->handshake_rtt_ns));
	} else {
		td = html_add(tr, "td", "num rtt muted", ABSENT);
		html_set(td, "data-sort", "-1");
	}

	/* One badge per flag name: "retransmission,duplicate_ack". */
	td = html_add(tr, "td", "anomalies", NULL);
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

/* The table with its header row (a tunnel column with `tunnels`);
 * returns its (empty) body. */
static xmlNodePtr write_flow_table(xmlNodePtr parent, bool tunnels)
{
	write_legend(parent);
	/* No scrolling wrapper: the header row stays on screen (position:
	 * sticky) only while the page itself scrolls. */
	xmlNodePtr table = html_add(parent, "table", "data flows", NULL);
	html_set(table, "id", "flow-table");
	xmlNodePtr tr = html_add(html_add(table, "thead", NULL, NULL), "tr", NULL, NULL);
	add_th(tr, "ID", COL_NUM);
	add_th(tr, "Client", COL_TEXT);
	add_th(tr, "Server", COL_TEXT);
	if (tunnels)
		html_set(add_th(tr, "Tunnel", COL_TEXT), "title",
		         "the tunnels its first segment came through, outermost first");
	add_th(tr, "Start (UTC)", COL_TIME);
	add_th(tr, "Duration", COL_NUM);
	add_th(tr, "Packets", COL_NUM);
	add_th(tr, "Bytes\nc" ARROW "s", COL_NUM);
	add_th(tr, "Bytes\ns" ARROW "c", COL_NUM);
	add_th(tr, "Client\nstate", COL_TEXT);
	add_th(tr, "Server\nstate", COL_TEXT);
	html_set(add_th(tr, "conn\nstate", COL_TEXT), "title", "Zeek's conn_state");
	add_th(tr, "History", COL_TEXT);
	add_th(tr, "RTT", COL_NUM);
	add_th(tr, "Anomalies", COL_TEXT);
	return html_add(table, "tbody", NULL, NULL);
}

/* The filter box matches a row's whole text: with a tunnel column, say
 * that tunnels are among what it finds. */
static void note_tunnel_filter(xmlDocPtr doc)
{
	xmlNodePtr input = html_find(doc, "flow-filter");
	if (input)
		html_set(input, "placeholder", "Filter flows: address, tunnel, state, anomaly");
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
	fmt_count(first, len, (page - 1) * cx->per_page + 1);
	fmt_count(last, len, hi);
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
	fmt_count(total, sizeof total, cx->flows);
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
	fmt_count(total, sizeof total, cx->flows);
	html_add(p.h_flows, "span", "count", total);
	/* A later page means flows (and more than one page). */
	xmlNodePtr tbody = write_flow_table(p.flows, cx->tunnels);
	if (cx->tunnels)
		note_tunnel_filter(doc);
	const char *js = html_template_text("index.js");
	if (js)
		html_text(p.script, js);
	else
		drop(p.script);
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
	fmt_count(total, sizeof total, cx->flows);
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
	fmt_count(total, sizeof total, cx->flows);
	html_textf(p.sub, "%s flow%s", total, cx->flows == 1 ? "" : "s");
	struct capture_counts cc = {0};
	if (write_charts(cx, p.summary) != 0 || write_captures(cx, p.summary, &cc) != 0 ||
	    write_totals(cx, p.summary, &cc) != 0) {
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
		if (cx->tunnels)
			note_tunnel_filter(doc);
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

	const char *js = html_template_text("index.js");
	if (js && cx->flows > 0)
		html_text(p.script, js);
	else
		drop(p.script);

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
	write_flow_row(cx->tbody, f, cx->tunnels);
	cx->rows++;
	return 0;
}

int64_t report_index_count(size_t flows, const struct report_options *opt)
{
	int64_t per_page = opt && opt->flows_per_page > 0 ? opt->flows_per_page
	                                                  : REPORT_DEFAULT_FLOWS_PER_PAGE;
	return flows == 0 ? 1 : ((int64_t)flows + per_page - 1) / per_page;
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
	cx.tmpl = html_page("index.xhtml", err, errlen);
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
	int rc = report_index_range(db, sel, opt, dir, ids, n, 1, pages, err, errlen);
	free(ids);
	/* Pages an earlier, longer report left behind would link to flows
	 * this one does not hold. */
	if (rc == 0)
		report_index_prune(dir, pages);
	return rc;
}
