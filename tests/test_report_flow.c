/* report_flow: flow pages written from ingested example captures, parsed
 * back with libxml2's HTML parser and checked through XPath on the hooks
 * DESIGN.md fixes (g.seg[data-frame], text.state[data-endpoint]
 * [data-frame], g.gap[data-segments]): the seed's 13 arrows labelled as
 * tcpdump prints them, its ten state changes on the right rails in order,
 * crossing FINs drawn crossing, and a 100 000-segment flow (written here
 * with libpcap) collapsed to its first and last segments with a counted
 * gap, under 2 MB. */
#include <arpa/inet.h>
#include <check.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"
#include "suites.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

/* A segment group, by its class word. */
#define SEG_XPATH "//g[contains(concat(' ', @class, ' '), ' seg ')]"

struct page {
	char dir[64];
	char db[128], html[128];
	int64_t flow_id;
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
};

/* Ingest capture into a scratch database and write flow `flow_id`'s page
 * (0: the capture's first flow) keeping max_segments at each end. */
static void page_open(struct page *pg, const char *capture, int64_t flow_id,
                      int64_t max_segments)
{
	struct ingest_result res;
	tu_scratch_dir(pg->dir);
	snprintf(pg->db, sizeof pg->db, "%s/t.db", pg->dir);
	snprintf(pg->html, sizeof pg->html, "%s/flow.html", pg->dir);
	tu_ingest(pg->db, capture, NULL, &res);
	ck_assert_msg(res.outcome == INGEST_OK, "%s: %s", capture, res.error);
	pg->flow_id =
	        flow_id ? flow_id : tu_query_int(pg->db, "SELECT min(id) FROM flows");

	char err[512] = "";
	struct db *db = db_open_readonly(pg->db, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	struct report_options opt = {max_segments, REPORT_DEFAULT_FLOWS_PER_PAGE};
	int rc = report_flow_page(db, pg->flow_id, &opt, pg->html, err, sizeof err);
	ck_assert_msg(rc == 0, "report_flow_page: %s", err);
	db_close(db);

	pg->doc = htmlReadFile(pg->html, "UTF-8",
	                       HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	                               HTML_PARSE_NOWARNING);
	ck_assert_ptr_nonnull(pg->doc);
	pg->xp = xmlXPathNewContext(pg->doc);
	ck_assert_ptr_nonnull(pg->xp);
}

static void page_close(struct page *pg)
{
	xmlXPathFreeContext(pg->xp);
	xmlFreeDoc(pg->doc);
	tu_sh("rm -rf '%s'", pg->dir);
}

/* The nodes an expression selects (never NULL; free with
 * xmlXPathFreeObject). */
static xmlXPathObjectPtr nodes(struct page *pg, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, pg->xp);
	ck_assert_msg(o && o->type == XPATH_NODESET, "%s: not a node set", expr);
	return o;
}

static int count(struct page *pg, const char *expr)
{
	xmlXPathObjectPtr o = nodes(pg, expr);
	int n = xmlXPathNodeSetGetLength(o->nodesetval);
	xmlXPathFreeObject(o);
	return n;
}

/* A node's text content, or an attribute's value, into buf. */
static const char *text_of(xmlNodePtr node, char *buf, size_t len)
{
	xmlChar *t = xmlNodeGetContent(node);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
	xmlFree(t);
	return buf;
}

static const char *attr(xmlNodePtr node, const char *name, char *buf, size_t len)
{
	xmlChar *v = xmlGetProp(node, BAD_CAST name);
	snprintf(buf, len, "%s", v ? (const char *)v : "");
	xmlFree(v);
	return buf;
}

static double num_attr(xmlNodePtr node, const char *name)
{
	char buf[64];
	return atof(attr(node, name, buf, sizeof buf));
}

static bool has_class(xmlNodePtr node, const char *cls)
{
	char buf[256], word[64];
	snprintf(word, sizeof word, " %s ", cls);
	char padded[260];
	snprintf(padded, sizeof padded, " %s ", attr(node, "class", buf, sizeof buf));
	return strstr(padded, word) != NULL;
}

/* The arrow of frame N: its path's end points ("Mx1 y1Lx2 y2"). */
struct arrow {
	double x1, y1, x2, y2;
};

static struct arrow arrow_of(struct page *pg, int frame)
{
	char expr[160];
	snprintf(expr, sizeof expr, SEG_XPATH "[@data-frame='%d']/path", frame);
	xmlXPathObjectPtr o = nodes(pg, expr);
	ck_assert_int_eq(xmlXPathNodeSetGetLength(o->nodesetval), 1);
	char d[128];
	attr(o->nodesetval->nodeTab[0], "d", d, sizeof d);
	struct arrow a;
	ck_assert_msg(sscanf(d, "M%lf %lfL%lf %lf", &a.x1, &a.y1, &a.x2, &a.y2) == 4,
	              "frame %d: arrow d=\"%s\"", frame, d);
	xmlXPathFreeObject(o);
	return a;
}

/* Do two segments cross (proper intersection)? */
static bool cross(struct arrow a, struct arrow b)
{
	double d1 = (b.x2 - b.x1) * (a.y1 - b.y1) - (b.y2 - b.y1) * (a.x1 - b.x1);
	double d2 = (b.x2 - b.x1) * (a.y2 - b.y1) - (b.y2 - b.y1) * (a.x2 - b.x1);
	double d3 = (a.x2 - a.x1) * (b.y1 - a.y1) - (a.y2 - a.y1) * (b.x1 - a.x1);
	double d4 = (a.x2 - a.x1) * (b.y2 - a.y1) - (a.y2 - a.y1) * (b.x2 - a.x1);
	return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0));
}

/* "endpoint|frame|STATE" per state label, in document order. */
static char *state_labels(struct page *pg)
{
	xmlXPathObjectPtr o =
	        nodes(pg, "//svg[contains(@class,'ladder')]//text[@class='state']");
	size_t cap = 4096, len = 0;
	char *out = calloc(1, cap);
	for (int i = 0; i < xmlXPathNodeSetGetLength(o->nodesetval); i++) {
		xmlNodePtr n = o->nodesetval->nodeTab[i];
		char ep[32], fr[32], st[64];
		len += (size_t)snprintf(out + len, cap - len, "%s|%s|%s\n",
		                        attr(n, "data-endpoint", ep, sizeof ep),
		                        attr(n, "data-frame", fr, sizeof fr),
		                        text_of(n, st, sizeof st));
		ck_assert_uint_lt(len, cap);
	}
	xmlXPathFreeObject(o);
	return out;
}

/* ---- the seed ------------------------------------------------------------ */

/* What `tcpdump -r seed.pcap` prints, relative numbers, one per frame;
 * `seq` always shown, as the mock does. */
static const char *const seed_labels[13] = {
        "[S] seq 0 win 65535",       "[S.] seq 0 ack 1 win 28960",
        "[.] seq 1 ack 1 win 4117",  "[P.] seq 1:6 ack 1 win 227 len 5",
        "[.] seq 1 ack 6 win 4117",  "[P.] seq 1:3 ack 6 win 4117 len 2",
        "[.] seq 6 ack 3 win 227",   "[P.] seq 3:14 ack 6 win 4117 len 11",
        "[.] seq 6 ack 14 win 227",  "[F.] seq 6 ack 14 win 227",
        "[.] seq 14 ack 7 win 4117", "[F.] seq 14 ack 7 win 4117",
        "[.] seq 7 ack 15 win 227",
};

START_TEST(seed_has_13_arrows_labelled_as_tcpdump_prints_them)
{
	struct page pg;
	page_open(&pg, "../examples/seed.pcap", 0, REPORT_DEFAULT_MAX_SEGMENTS);
	xmlXPathObjectPtr o = nodes(&pg, SEG_XPATH);
	ck_assert_int_eq(xmlXPathNodeSetGetLength(o->nodesetval), 13);
	for (int i = 0; i < 13; i++) {
		xmlNodePtr g = o->nodesetval->nodeTab[i];
		char buf[256], want[16];
		snprintf(want, sizeof want, "%d", i + 1);
		ck_assert_str_eq(attr(g, "data-frame", buf, sizeof buf), want);
		char expr[128];
		snprintf(expr, sizeof expr,
		         SEG_XPATH "[@data-frame='%d']/text[@class='label']", i + 1);
		xmlXPathObjectPtr l = nodes(&pg, expr);
		ck_assert_int_eq(xmlXPathNodeSetGetLength(l->nodesetval), 1);
		ck_assert_str_eq(text_of(l->nodesetval->nodeTab[0], buf, sizeof buf),
		                 seed_labels[i]);
		xmlXPathFreeObject(l);
	}
	xmlXPathFreeObject(o);
	page_close(&pg);
}
END_TEST

START_TEST(seed_marks_syn_and_fin_segments)
{
	struct page pg;
	page_open(&pg, "../examples/seed.pcap", 0, REPORT_DEFAULT_MAX_SEGMENTS);
	xmlXPathObjectPtr o = nodes(&pg, SEG_XPATH);
	for (int i = 0; i < xmlXPathNodeSetGetLength(o->nodesetval); i++) {
		xmlNodePtr g = o->nodesetval->nodeTab[i];
		int frame = i + 1;
		ck_assert_msg(has_class(g, "syn") == (frame <= 2), "frame %d syn", frame);
		ck_assert_msg(has_class(g, "fin") == (frame == 10 || frame == 12),
		              "frame %d fin", frame);
		ck_assert_msg(!has_class(g, "rst") && !has_class(g, "anomaly") &&
		                      !has_class(g, "retrans"),
		              "frame %d", frame);
	}
	xmlXPathFreeObject(o);
	page_close(&pg);
}
END_TEST

START_TEST(seed_state_changes_sit_on_their_rails_in_order)
{
	struct page pg;
	page_open(&pg, "../examples/seed.pcap", 0, REPORT_DEFAULT_MAX_SEGMENTS);
	char *got = state_labels(&pg);
	/* The initial states, then DESIGN.md's seed table by seen_frame. */
	ck_assert_str_eq(got, "client|0|CLOSED\n"
	                      "server|0|LISTEN\n"
	                      "client|1|SYN_SENT\n"
	                      "server|2|SYN_RECEIVED\n"
	                      "client|3|ESTABLISHED\n"
	                      "server|3|ESTABLISHED\n"
	                      "server|10|FIN_WAIT_1\n"
	                      "client|11|CLOSE_WAIT\n"
	                      "server|11|FIN_WAIT_2\n"
	                      "client|12|LAST_ACK\n"
	                      "server|13|TIME_WAIT\n"
	                      "client|13|CLOSED\n");
	free(got);

	/* On the rail: a client's label left of the middle (left of the
	 * client's rail, which is always at 280: the stylesheet's x, none of
	 * its own), a server's right, and each one at or below the arrow row
	 * of its seen_frame. */
	struct arrow a1 = arrow_of(&pg, 1);
	double middle = (a1.x1 + a1.x2) / 2;
	xmlXPathObjectPtr o = nodes(&pg, "//text[@class='state'][@data-frame!='0']");
	for (int i = 0; i < xmlXPathNodeSetGetLength(o->nodesetval); i++) {
		xmlNodePtr t = o->nodesetval->nodeTab[i];
		char ep[16], fr[16];
		attr(t, "data-endpoint", ep, sizeof ep);
		bool client = strcmp(ep, "client") == 0;
		ck_assert_msg(client ? a1.x1 == 280 && !xmlHasProp(t, BAD_CAST "x")
		                     : num_attr(t, "x") > middle,
		              "%s label on the wrong side", ep);
		struct arrow row =
		        arrow_of(&pg, atoi(attr(t, "data-frame", fr, sizeof fr)));
		ck_assert_msg(num_attr(t, "y") >= row.y1,
		              "label of frame %s above its row", fr);
	}
	xmlXPathFreeObject(o);
	page_close(&pg);
}
END_TEST

START_TEST(seed_transitions_table_has_design_rows)
{
	struct page pg;
	page_open(&pg, "../examples/seed.pcap", 0, REPORT_DEFAULT_MAX_SEGMENTS);
	xmlXPathObjectPtr o = nodes(&pg, "//div[@id='transitions']//tbody/tr");
	char rows[2048] = "";
	for (int i = 0; i < xmlXPathNodeSetGetLength(o->nodesetval); i++) {
		size_t len = strlen(rows);
		int col = 0;
		for (xmlNodePtr td = o->nodesetval->nodeTab[i]->children; td;
		     td = td->next) {
			if (td->type != XML_ELEMENT_NODE)
				continue;
			char buf[64];
			len += (size_t)snprintf(rows + len, sizeof rows - len, "%s%s",
			                        col++ ? "|" : "",
			                        text_of(td, buf, sizeof buf));
		}
		snprintf(rows + len, sizeof rows - len, "\n");
	}
	xmlXPathFreeObject(o);
	/* frame|seen_frame|endpoint|from|to|event|rel_seq|rel_ack; a SYN
	 * carries no ACK, so its rel_ack is absent (an en dash). */
	ck_assert_str_eq(rows, "1|1|client|CLOSED|SYN_SENT|send SYN|0|\xe2\x80\x93\n"
	                       "1|2|server|LISTEN|SYN_RECEIVED|recv SYN|0|\xe2\x80\x93\n"
	                       "2|3|client|SYN_SENT|ESTABLISHED|recv SYN,ACK|0|1\n"
	                       "3|3|server|SYN_RECEIVED|ESTABLISHED|recv ACK|1|1\n"
	                       "10|10|server|ESTABLISHED|FIN_WAIT_1|send FIN|6|14\n"
	                       "10|11|client|ESTABLISHED|CLOSE_WAIT|recv FIN|6|14\n"
	                       "11|11|server|FIN_WAIT_1|FIN_WAIT_2|recv ACK|14|7\n"
	                       "12|12|client|CLOSE_WAIT|LAST_ACK|send FIN|14|7\n"
	                       "12|13|server|FIN_WAIT_2|TIME_WAIT|recv FIN|14|7\n"
	                       "13|13|client|LAST_ACK|CLOSED|recv ACK|7|15\n");
	page_close(&pg);
}
END_TEST

/* The facts name the Wireshark display filter of exactly this flow
 * (flows_view.wireshark_filter, which the exports suite runs through
 * tshark), IPv4's and IPv6's, beside a button that copies it. */
START_TEST(page_shows_the_wireshark_filter_with_a_copy_button)
{
	static const char *const captures[] = {"../examples/seed.pcap", "../examples/ipv6.pcap"};
	for (size_t i = 0; i < 2; i++) {
		struct page pg;
		page_open(&pg, captures[i], 0, REPORT_DEFAULT_MAX_SEGMENTS);
		char sql[128], buf[1024];
		snprintf(sql, sizeof sql, "SELECT wireshark_filter FROM flows_view WHERE id = %lld",
		         (long long)pg.flow_id);
		char *want = tu_query(pg.db, sql);
		want[strcspn(want, "\n")] = '\0';
		ck_assert_msg(strstr(want, i ? "ipv6.addr==" : "ip.addr==") != NULL, "%s", want);
		xmlXPathObjectPtr o = nodes(&pg, "//div[@class='line wireshark']/code");
		ck_assert_int_eq(xmlXPathNodeSetGetLength(o->nodesetval), 1);
		ck_assert_str_eq(text_of(o->nodesetval->nodeTab[0], buf, sizeof buf), want);
		xmlXPathFreeObject(o);
		o = nodes(&pg, "//div[@class='line wireshark']/code/following-sibling::button");
		ck_assert_int_eq(xmlXPathNodeSetGetLength(o->nodesetval), 1);
		ck_assert_msg(strstr(attr(o->nodesetval->nodeTab[0], "onclick", buf, sizeof buf),
		                     "navigator.clipboard.writeText(this.previousSibling.textContent)"),
		              "%s", buf);
		xmlXPathFreeObject(o);
		free(want);
		page_close(&pg);
	}
}
END_TEST

START_TEST(seed_header_and_hover_titles_hold_the_facts)
{
	struct page pg;
	page_open(&pg, "../examples/seed.pcap", 0, REPORT_DEFAULT_MAX_SEGMENTS);
	char buf[2048];
	xmlXPathObjectPtr o = nodes(&pg, "//h1[@id='heading']");
	ck_assert_str_eq(text_of(o->nodesetval->nodeTab[0], buf, sizeof buf),
	                 "192.168.1.103:59850 \xe2\x86\x92 192.168.1.104:9999");
	xmlXPathFreeObject(o);
	o = nodes(&pg, "//a[@id='back']");
	ck_assert_str_eq(attr(o->nodesetval->nodeTab[0], "href", buf, sizeof buf),
	                 REPORT_INDEX_HREF);
	xmlXPathFreeObject(o);
	o = nodes(&pg, "//div[@id='facts']");
	text_of(o->nodesetval->nodeTab[0], buf, sizeof buf);
	xmlXPathFreeObject(o);
	const char *facts[] = {"seed.pcap",
	                       "13 segments",
	                       "6.928 s",
	                       "client 13 B",
	                       "server 5 B",
	                       "final CLOSED / TIME_WAIT",
	                       "handshake RTT 0.255 ms",
	                       "MSS 1460, wscale 5"};
	for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
		ck_assert_msg(strstr(buf, facts[i]), "facts lack \"%s\": %s", facts[i],
		              buf);

	/* The absolute time and numbers and the options on hover; the day
	 * the times count from in the facts. */
	ck_assert_msg(strstr(buf, "started 2016-11-07 23:59:"), "facts lack the start: %s",
	              buf);
	o = nodes(&pg, SEG_XPATH "[@data-frame='4']/title");
	ck_assert_int_eq(xmlXPathNodeSetGetLength(o->nodesetval), 1);
	text_of(o->nodesetval->nodeTab[0], buf, sizeof buf);
	xmlXPathFreeObject(o);
	const char *title[] = {"23:59:20.542616 UTC",
	                       "seq 2963356420:2963356425",
	                       "ack 107490517",
	                       "win 227 \xc3\x97" "128 = 29\xe2\x80\xaf" "056 bytes"};
	for (size_t i = 0; i < sizeof title / sizeof title[0]; i++)
		ck_assert_msg(strstr(buf, title[i]), "title lacks \"%s\": %s", title[i],
		              buf);
	/* Its day is the flow's first, which the facts give. */
	ck_assert_msg(!strstr(buf, "2016-11-07"), "title repeats the day: %s", buf);
	/* The SYN's options as tcpdump prints them. */
	o = nodes(&pg, SEG_XPATH "[@data-frame='1']/title");
	text_of(o->nodesetval->nodeTab[0], buf, sizeof buf);
	xmlXPathFreeObject(o);
	ck_assert_msg(strstr(buf, "seq 107490516\noptions") &&
	                      strstr(buf, "options: mss 1460,wscale 5,sackOK,TS val "
	                                  "1508416415 ecr 0"),
	              "title of frame 1: %s", buf);

	/* The graph: one panel per direction, each side's data as ticks
	 * (tests/test_report_plot.c counts them). */
	ck_assert_int_eq(count(&pg, "//svg[@class='plot']//g[@class='p-panel']"), 2);
	ck_assert_int_eq(count(&pg, "//svg[@class='plot']//path[@class='p-data']"), 2);
	ck_assert_int_eq(count(&pg, "//g[@class='gap']"), 0);
	page_close(&pg);
}
END_TEST

/* With 2 segments kept at each end, frames 3 to 11 collapse: their state
 * changes stay in the table (greyed) but not on the ladder, and no arrow
 * is drawn arriving across the gap. */
START_TEST(seed_collapsed_keeps_ends_and_counts_the_gap)
{
	struct page pg;
	page_open(&pg, "../examples/seed.pcap", 0, 2);
	xmlXPathObjectPtr o = nodes(&pg, SEG_XPATH);
	ck_assert_int_eq(xmlXPathNodeSetGetLength(o->nodesetval), 4);
	const char *frames[] = {"1", "2", "12", "13"};
	for (int i = 0; i < 4; i++) {
		char buf[16];
		ck_assert_str_eq(
		        attr(o->nodesetval->nodeTab[i], "data-frame", buf, sizeof buf),
		        frames[i]);
	}
	xmlXPathFreeObject(o);
	o = nodes(&pg, "//g[@class='gap']");
	ck_assert_int_eq(xmlXPathNodeSetGetLength(o->nodesetval), 1);
	char buf[512];
	ck_assert_str_eq(
	        attr(o->nodesetval->nodeTab[0], "data-segments", buf, sizeof buf), "9");
	text_of(o->nodesetval->nodeTab[0], buf, sizeof buf);
	ck_assert_msg(strstr(buf, "9 segments not drawn") && strstr(buf, "18 bytes") &&
	                      strstr(buf, "frames 3"),
	              "gap text: %s", buf);
	xmlXPathFreeObject(o);

	char *got = state_labels(&pg);
	ck_assert_str_eq(got, "client|0|CLOSED\n"
	                      "server|0|LISTEN\n"
	                      "client|1|SYN_SENT\n"
	                      "server|2|SYN_RECEIVED\n"
	                      "client|12|LAST_ACK\n"
	                      "server|13|TIME_WAIT\n"
	                      "client|13|CLOSED\n");
	free(got);
	ck_assert_int_eq(count(&pg, "//div[@id='transitions']//tbody/tr"), 10);
	ck_assert_int_eq(
	        count(&pg, "//div[@id='transitions']//tbody/tr[@class='in-gap']"), 5);

	/* The SYN,ACK's receipt is proven at frame 3, in the gap: its arrow
	 * ends at its own row, above the gap. */
	struct arrow a2 = arrow_of(&pg, 2), a12 = arrow_of(&pg, 12);
	ck_assert_double_lt(a2.y2, a12.y1);
	ck_assert_double_lt(a2.y2 - a2.y1, 40);
	/* The graph draws the whole flow, gap or not: a panel per direction. */
	ck_assert_int_eq(count(&pg, "//svg[@class='plot']//g[@class='p-panel']"), 2);
	page_close(&pg);
}
END_TEST

/* ---- other examples ------------------------------------------------------ */

/* Frames 6 and 7 are FINs sent before either arrived: each is proven
 * received at frame 8, so 6's arrow ends below where 7's starts, and the
 * two lines cross. */
START_TEST(simultaneous_close_draws_crossing_fins)
{
	struct page pg;
	page_open(&pg, "../examples/simultaneous-close.pcap", 0,
	          REPORT_DEFAULT_MAX_SEGMENTS);
	struct arrow a6 = arrow_of(&pg, 6), a7 = arrow_of(&pg, 7), a8 = arrow_of(&pg, 8);
	ck_assert_double_gt(a6.y2, a7.y1);
	ck_assert_msg(cross(a6, a7),
	              "FINs do not cross: 6 (%g,%g)-(%g,%g), 7 (%g,%g)-(%g,%g)", a6.x1,
	              a6.y1, a6.x2, a6.y2, a7.x1, a7.y1, a7.x2, a7.y2);
	/* Both arrive by the row of frame 8, their proof; 6 starts on the
	 * client's rail, 7 on the server's. */
	ck_assert_double_ge(a6.y2, a8.y1);
	ck_assert_double_ge(a7.y2, a8.y1);
	ck_assert_double_lt(a6.x1, a6.x2);
	ck_assert_double_gt(a7.x1, a7.x2);
	char *got = state_labels(&pg);
	ck_assert_str_eq(got, "client|0|CLOSED\n"
	                      "server|0|LISTEN\n"
	                      "client|1|SYN_SENT\n"
	                      "server|2|SYN_RECEIVED\n"
	                      "client|3|ESTABLISHED\n"
	                      "server|3|ESTABLISHED\n"
	                      "client|6|FIN_WAIT_1\n"
	                      "server|7|FIN_WAIT_1\n"
	                      "client|8|CLOSING\n"
	                      "server|8|CLOSING\n"
	                      "server|8|TIME_WAIT\n"
	                      "client|9|TIME_WAIT\n");
	free(got);
	page_close(&pg);
}
END_TEST

/* A refused connection: the server never listened, so its rail starts
 * CLOSED and has no change; the RST is marked. */
START_TEST(refused_page_renders_rst)
{
	struct page pg;
	page_open(&pg, "../examples/refused.pcap", 0, REPORT_DEFAULT_MAX_SEGMENTS);
	ck_assert_int_eq(count(&pg, SEG_XPATH), 2);
	ck_assert_int_eq(
	        count(&pg, SEG_XPATH "[@data-frame='2'][contains(@class,'rst')]"), 1);
	char *got = state_labels(&pg);
	ck_assert_str_eq(got, "client|0|CLOSED\n"
	                      "server|0|CLOSED\n"
	                      "client|1|SYN_SENT\n"
	                      "client|2|CLOSED\n");
	free(got);
	page_close(&pg);
}
END_TEST

/* Mid-stream: both rails start UNKNOWN, both ESTABLISHED at frame 1,
 * numbers count from the first byte seen (offset 1). */
START_TEST(midstream_page_starts_unknown)
{
	struct page pg;
	page_open(&pg, "../examples/midstream.pcap", 0, REPORT_DEFAULT_MAX_SEGMENTS);
	ck_assert_int_eq(count(&pg, SEG_XPATH), 7);
	char *got = state_labels(&pg);
	ck_assert_str_eq(got, "client|0|UNKNOWN\n"
	                      "server|0|UNKNOWN\n"
	                      "client|1|ESTABLISHED\n"
	                      "server|1|ESTABLISHED\n"
	                      "client|5|FIN_WAIT_1\n"
	                      "server|6|CLOSE_WAIT\n"
	                      "server|6|LAST_ACK\n"
	                      "client|7|TIME_WAIT\n"
	                      "server|7|CLOSED\n");
	free(got);
	xmlXPathObjectPtr o =
	        nodes(&pg, SEG_XPATH "[@data-frame='1']/text[@class='label']");
	char buf[128];
	ck_assert_str_eq(text_of(o->nodesetval->nodeTab[0], buf, sizeof buf),
	                 "[P.] seq 1:51 ack 1 win 509 len 50");
	xmlXPathFreeObject(o);
	ck_assert_int_eq(count(&pg, "//div[@id='facts']/div[contains(@class,'note')]"),
	                 1);
	page_close(&pg);
}
END_TEST

/* A capture whose name is markup comes out as text. */
START_TEST(hostile_capture_path_is_escaped)
{
	char dir[64], path[256];
	tu_scratch_dir(dir);
	snprintf(path, sizeof path, "%s/<img src=x onerror=alert(1)>&\"q'.pcap", dir);
	ck_assert_int_eq(tu_sh("cp ../examples/seed.pcap '%s/<img src=x "
	                       "onerror=alert(1)>&\"q'\\''.pcap'",
	                       dir),
	                 0);
	struct page pg;
	page_open(&pg, path, 0, REPORT_DEFAULT_MAX_SEGMENTS);
	ck_assert_int_eq(count(&pg, "//img"), 0);
	xmlXPathObjectPtr o = nodes(&pg, "//div[@id='facts']/div[1]/b[1]");
	char buf[512];
	ck_assert_str_eq(text_of(o->nodesetval->nodeTab[0], buf, sizeof buf), path);
	xmlXPathFreeObject(o);
	page_close(&pg);
	tu_sh("rm -rf '%s'", dir);
}
END_TEST

/* ---- a long flow ---------------------------------------------------------- */

#define LONG_DATA  100000
#define LONG_TOTAL (3 + LONG_DATA + 3)

/* One Ethernet/IPv4/TCP frame, checksums right, payload 'x'. */
static void put_frame(pcap_dumper_t *out, int64_t usec, bool from_client, uint8_t flags,
                      uint32_t seq, uint32_t ack, uint32_t len, bool syn_options)
{
	uint8_t f[128] = {0};
	uint8_t opts[] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7}; /* mss 1460, nop, wscale 7 */
	size_t optlen = syn_options ? sizeof opts : 0;
	size_t tcp_len = 20 + optlen + len, ip_len = 20 + tcp_len;
	ck_assert_uint_le(14 + ip_len, sizeof f);
	uint8_t cmac[6] = {2, 0, 0, 0, 0, 1}, smac[6] = {2, 0, 0, 0, 0, 2};
	memcpy(f, from_client ? smac : cmac, 6);
	memcpy(f + 6, from_client ? cmac : smac, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14, *tcp = ip + 20;
	uint8_t caddr[4] = {10, 1, 0, 1}, saddr[4] = {10, 1, 0, 2};
	ip[0] = 0x45;
	ip[2] = (uint8_t)(ip_len >> 8);
	ip[3] = (uint8_t)ip_len;
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, from_client ? caddr : saddr, 4);
	memcpy(ip + 16, from_client ? saddr : caddr, 4);
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;

	uint16_t sport = from_client ? 45000 : 8080, dport = from_client ? 8080 : 45000;
	uint32_t nseq = htonl(seq), nack = htonl(ack);
	tcp[0] = (uint8_t)(sport >> 8);
	tcp[1] = (uint8_t)sport;
	tcp[2] = (uint8_t)(dport >> 8);
	tcp[3] = (uint8_t)dport;
	memcpy(tcp + 4, &nseq, 4);
	memcpy(tcp + 8, &nack, 4);
	tcp[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	tcp[13] = flags;
	tcp[14] = 0xff;
	tcp[15] = 0xff;
	memcpy(tcp + 20, opts, optlen);
	memset(tcp + 20 + optlen, 'x', len);
	/* The checksum over the pseudo-header and the segment. */
	sum = 0;
	for (int i = 12; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += 6 + (uint32_t)tcp_len;
	for (size_t i = 0; i < tcp_len; i += 2)
		sum += (uint32_t)(tcp[i] << 8 | (i + 1 < tcp_len ? tcp[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	tcp[16] = (uint8_t)(~sum >> 8);
	tcp[17] = (uint8_t)~sum;

	struct pcap_pkthdr h = {0};
	h.ts.tv_sec = 1704067200 + usec / 1000000;
	h.ts.tv_usec = usec % 1000000;
	h.caplen = h.len = (bpf_u_int32)(14 + ip_len);
	pcap_dump((u_char *)out, &h, f);
}

/* Handshake, LONG_DATA client segments of 10 bytes, 10 us apart, and a
 * close initiated by the client. */
static void write_long_capture(const char *path)
{
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
	ck_assert_ptr_nonnull(pd);
	pcap_dumper_t *out = pcap_dump_open(pd, path);
	ck_assert_msg(out != NULL, "%s: %s", path, pcap_geterr(pd));
	const uint8_t S = 0x02, A = 0x10, P = 0x08, F = 0x01;
	uint32_t c = 1000, s = 5000;
	int64_t t = 0;
	put_frame(out, t, true, S, c, 0, 0, true);
	put_frame(out, t += 100, false, S | A, s, c + 1, 0, true);
	put_frame(out, t += 100, true, A, c + 1, s + 1, 0, false);
	for (uint32_t i = 0; i < LONG_DATA; i++)
		put_frame(out, t += 10, true, P | A, c + 1 + 10 * i, s + 1, 10, false);
	uint32_t end = c + 1 + 10 * LONG_DATA;
	put_frame(out, t += 100, true, F | A, end, s + 1, 0, false);
	put_frame(out, t += 100, false, F | A, s + 1, end + 1, 0, false);
	put_frame(out, t += 100, true, A, end + 1, s + 2, 0, false);
	pcap_dump_close(out);
	pcap_close(pd);
}

START_TEST(long_flow_keeps_400_segments_and_counts_the_gap)
{
	char dir[64], capture[128];
	tu_scratch_dir(dir);
	snprintf(capture, sizeof capture, "%s/long.pcap", dir);
	write_long_capture(capture);

	struct page pg;
	page_open(&pg, capture, 0, REPORT_DEFAULT_MAX_SEGMENTS);
	ck_assert_int_eq(tu_query_int(pg.db, "SELECT count(*) FROM segments"),
	                 LONG_TOTAL);

	xmlXPathObjectPtr o = nodes(&pg, SEG_XPATH);
	ck_assert_int_eq(xmlXPathNodeSetGetLength(o->nodesetval), 400);
	char buf[512], want[32];
	for (int i = 0; i < 400; i++) {
		int frame = i < 200 ? i + 1 : LONG_TOTAL - 399 + i;
		snprintf(want, sizeof want, "%d", frame);
		ck_assert_str_eq(
		        attr(o->nodesetval->nodeTab[i], "data-frame", buf, sizeof buf),
		        want);
	}
	xmlXPathFreeObject(o);

	/* The gap sits between the 200th and the 201st segment drawn. */
	o = nodes(&pg, "//g[@class='gap']");
	ck_assert_int_eq(xmlXPathNodeSetGetLength(o->nodesetval), 1);
	xmlNodePtr gap = o->nodesetval->nodeTab[0];
	snprintf(want, sizeof want, "%d", LONG_TOTAL - 400);
	ck_assert_str_eq(attr(gap, "data-segments", buf, sizeof buf), want);
	xmlNodePtr prev = xmlPreviousElementSibling(gap),
	           next = xmlNextElementSibling(gap);
	ck_assert_str_eq(attr(prev, "data-frame", buf, sizeof buf), "200");
	ck_assert_str_eq(attr(next, "data-frame", buf, sizeof buf), "99807");
	text_of(gap, buf, sizeof buf);
	ck_assert_msg(strstr(buf, "99\xe2\x80\xaf"
	                          "606 segments not drawn"),
	              "gap: %s", buf);
	/* 99 606 data segments of 10 bytes: frames 201 to 99 806 are 197 to
	 * 99 802 of the data. */
	ck_assert_msg(strstr(buf, "996\xe2\x80\xaf"
	                          "060 bytes"),
	              "gap: %s", buf);
	xmlXPathFreeObject(o);

	/* The whole flow's state changes lie at its ends, so all are drawn. */
	ck_assert_int_eq(count(&pg, "//text[@class='state'][@data-frame!='0']"),
	                 (int)tu_query_int(pg.db, "SELECT count(*) FROM transitions"));
	ck_assert_int_eq(count(&pg, "//svg[@class='plot']//g[@class='p-panel']"), 2);

	struct stat st;
	ck_assert_int_eq(stat(pg.html, &st), 0);
	ck_assert_msg(st.st_size < 2 * 1024 * 1024, "page is %lld bytes",
	              (long long)st.st_size);
	page_close(&pg);
	tu_sh("rm -rf '%s'", dir);
}
END_TEST

/* A flow id that is not there is an error, not an empty page. */
START_TEST(missing_flow_is_an_error)
{
	char dir[64], dbp[128], html[128], err[256] = "";
	struct ingest_result res;
	tu_scratch_dir(dir);
	snprintf(dbp, sizeof dbp, "%s/t.db", dir);
	snprintf(html, sizeof html, "%s/x.html", dir);
	tu_ingest(dbp, "../examples/seed.pcap", NULL, &res);
	struct db *db = db_open_readonly(dbp, err, sizeof err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(report_flow_page(db, 999, NULL, html, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "999"), "err: %s", err);
	db_close(db);
	struct stat st;
	ck_assert_int_ne(stat(html, &st), 0);
	tu_sh("rm -rf '%s'", dir);
}
END_TEST

/* The seed's page, written from dbp into html, as text. */
static char *seed_page_text(const char *dbp, const char *html)
{
	char err[256] = "";
	struct db *db = db_open_readonly(dbp, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	int64_t id = tu_query_int(dbp, "SELECT min(id) FROM flows");
	ck_assert_msg(report_flow_page(db, id, NULL, html, err, sizeof err) == 0, "%s", err);
	db_close(db);
	return tu_slurp(html);
}

/* A flow that came through a tunnel says which in its facts, the text
 * escaped as every other; a plain flow's page has no such line. The
 * tunnel is written into the database here: the corpus test in
 * report_index reads one that ingest decoded. */
START_TEST(tunnel_line_names_the_path_escaped)
{
	char dir[64], dbp[128], html[128];
	struct ingest_result res;
	tu_scratch_dir(dir);
	snprintf(dbp, sizeof dbp, "%s/t.db", dir);
	snprintf(html, sizeof html, "%s/x.html", dir);
	tu_ingest(dbp, "../examples/seed.pcap", NULL, &res);
	ck_assert_msg(res.outcome == INGEST_OK, "%s", res.error);
	char *plain = seed_page_text(dbp, html);
	ck_assert_ptr_null(strstr(plain, "tunnel"));
	free(plain);

	ck_assert_int_eq(tu_sh("sqlite3 %s \"UPDATE flows SET tunnel ="
	                       " 'GRE 10.0.1.72>10.0.2.31; VXLAN <i>&x vni 7',"
	                       " tunnel_changes = 2\"",
	                       dbp),
	                 0);
	char *raw = seed_page_text(dbp, html);
	ck_assert_msg(strstr(raw, "<div class=\"line tunnel\">tunnel: <b>GRE"
	                          " 10.0.1.72&gt;10.0.2.31; VXLAN &lt;i&gt;&amp;x vni 7</b>"
	                          " \xc2\xb7 <b>2</b> segments came another way</div>"),
	              "no tunnel line, or not escaped: %s", strstr(raw, "facts"));
	free(raw);

	/* One segment, in the singular. */
	ck_assert_int_eq(tu_sh("sqlite3 %s 'UPDATE flows SET tunnel_changes = 1'", dbp), 0);
	raw = seed_page_text(dbp, html);
	ck_assert_msg(strstr(raw, " \xc2\xb7 <b>1</b> segment came another way</div>"),
	              "%s", strstr(raw, "facts"));
	free(raw);
	/* None: the path alone. */
	ck_assert_int_eq(tu_sh("sqlite3 %s 'UPDATE flows SET tunnel_changes = 0'", dbp), 0);
	raw = seed_page_text(dbp, html);
	ck_assert_msg(strstr(raw, "vni 7</b></div>"), "%s", strstr(raw, "facts"));
	ck_assert_ptr_null(strstr(raw, "another way"));
	free(raw);
	tu_sh("rm -rf '%s'", dir);
}
END_TEST

Suite *report_flow_suite(void)
{
	Suite *s = suite_create("report_flow");
	TCase *tc = tcase_create("seed");
	tcase_add_test(tc, seed_has_13_arrows_labelled_as_tcpdump_prints_them);
	tcase_add_test(tc, seed_marks_syn_and_fin_segments);
	tcase_add_test(tc, page_shows_the_wireshark_filter_with_a_copy_button);
	tcase_add_test(tc, seed_state_changes_sit_on_their_rails_in_order);
	tcase_add_test(tc, seed_transitions_table_has_design_rows);
	tcase_add_test(tc, seed_header_and_hover_titles_hold_the_facts);
	tcase_add_test(tc, seed_collapsed_keeps_ends_and_counts_the_gap);
	suite_add_tcase(s, tc);

	tc = tcase_create("examples");
	tcase_add_test(tc, simultaneous_close_draws_crossing_fins);
	tcase_add_test(tc, refused_page_renders_rst);
	tcase_add_test(tc, midstream_page_starts_unknown);
	tcase_add_test(tc, hostile_capture_path_is_escaped);
	tcase_add_test(tc, missing_flow_is_an_error);
	tcase_add_test(tc, tunnel_line_names_the_path_escaped);
	suite_add_tcase(s, tc);

	tc = tcase_create("long");
	/* 100 006 segments go through ingest first. */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, long_flow_keeps_400_segments_and_counts_the_gap);
	suite_add_tcase(s, tc);
	return s;
}
