/* report_index: the index pages written from a database of the examples,
 * parsed back with libxml2's HTML parser and asserted through XPath: one
 * row per flow linking to its page, the seed's row, the captures table,
 * the bar charts against counts computed here with SQL, paging, an empty
 * database, and a hostile capture name that must come out as text; the
 * tunnel column (only when a flow has a tunnel) and the encapsulations a
 * capture held undecoded, from ../shared/corpus-tunnels when it is there. */
#include <check.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "suites.h"
#include "testutil.h"

static const char *const example_files[] = {
	"seed.pcap",     "simultaneous-close.pcap", "refused.pcap", "rst-abort.pcap",
	"midstream.pcap", "port-reuse.pcap",        "seq-wrap.pcap", "ipv6.pcap",
};
enum { EXAMPLES = sizeof example_files / sizeof example_files[0], EXAMPLE_FLOWS = 11 };

/* A scratch dir holding t.db with every example ingested, in the order
 * above (capture ids 1..8). */
static void ingest_examples(char dir[64], char db[128])
{
	tu_scratch_dir(dir);
	snprintf(db, 128, "%s/t.db", dir);
	for (size_t i = 0; i < EXAMPLES; i++) {
		char path[256];
		snprintf(path, sizeof path, "../examples/%s", example_files[i]);
		struct ingest_result r;
		tu_ingest(db, path, NULL, &r);
		ck_assert_msg(r.outcome == INGEST_OK, "%s: outcome %d: %s", path, r.outcome,
		              r.error);
	}
}

/* report_index_pages over db into dir, all flows. */
static void write_index(const char *db_path, const char *dir, int64_t per_page)
{
	char err[512] = "";
	struct db *db = db_open_readonly(db_path, err, sizeof err);
	ck_assert_msg(db != NULL, "%s: %s", db_path, err);
	struct db_selection sel = {0};
	struct report_options opt = {.max_segments = REPORT_DEFAULT_MAX_SEGMENTS,
	                             .flows_per_page = per_page};
	int rc = report_index_pages(db, &sel, &opt, dir, err, sizeof err);
	ck_assert_msg(rc == 0, "report_index_pages: %s", err);
	db_close(db);
}

static htmlDocPtr read_page(const char *dir, const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	htmlDocPtr doc = htmlReadFile(path, "UTF-8",
	                              HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	                                      HTML_PARSE_NOWARNING);
	ck_assert_msg(doc != NULL, "%s does not parse", path);
	return doc;
}

static xmlXPathObjectPtr xp_eval(htmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	xmlXPathFreeContext(ctx);
	ck_assert_msg(r != NULL, "bad XPath %s", expr);
	return r;
}

/* count(expr) */
static int xp_count(htmlDocPtr doc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int xp_count(htmlDocPtr doc, const char *fmt, ...)
{
	char expr[1024], wrapped[1100];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(expr, sizeof expr, fmt, ap);
	va_end(ap);
	snprintf(wrapped, sizeof wrapped, "count(%s)", expr);
	xmlXPathObjectPtr r = xp_eval(doc, wrapped);
	int n = (int)r->floatval;
	xmlXPathFreeObject(r);
	return n;
}

/* string(expr), malloc'd. */
static char *xp_str(htmlDocPtr doc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static char *xp_str(htmlDocPtr doc, const char *fmt, ...)
{
	char expr[1024], wrapped[1100];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(expr, sizeof expr, fmt, ap);
	va_end(ap);
	snprintf(wrapped, sizeof wrapped, "string(%s)", expr);
	xmlXPathObjectPtr r = xp_eval(doc, wrapped);
	char *s = strdup((const char *)r->stringval);
	xmlXPathFreeObject(r);
	return s;
}

/* Each node of expr as "a|b|..." from the relative expressions given for
 * it, one line per node, like tu_query's rows. */
static char *xp_rows(htmlDocPtr doc, const char *expr, int ncols, const char *const *cols)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr set = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	ck_assert_msg(set && set->type == XPATH_NODESET, "bad XPath %s", expr);
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	out[0] = '\0';
	int n = set->nodesetval ? set->nodesetval->nodeNr : 0;
	for (int i = 0; i < n; i++) {
		for (int c = 0; c < ncols; c++) {
			char wrapped[512];
			snprintf(wrapped, sizeof wrapped, "string(%s)", cols[c]);
			xmlNodePtr node = set->nodesetval->nodeTab[i];
			xmlXPathObjectPtr v = xmlXPathNodeEval(node, BAD_CAST wrapped, ctx);
			ck_assert_ptr_nonnull(v);
			const char *s = (const char *)v->stringval;
			size_t need = len + strlen(s) + 3;
			if (need > cap) {
				cap = need * 2;
				out = realloc(out, cap);
			}
			len += (size_t)sprintf(out + len, "%s%s", c ? "|" : "", s);
			xmlXPathFreeObject(v);
		}
		out[len++] = '\n';
		out[len] = '\0';
	}
	xmlXPathFreeObject(set);
	xmlXPathFreeContext(ctx);
	return out;
}

static bool page_exists(const char *dir, const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Sorts the lines of a string in place: charts list ties in no promised
 * order. */
static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
static void sort_lines(char *s)
{
	char *lines[256];
	size_t n = 0, len = strlen(s);
	for (char *p = strtok(s, "\n"); p && n < 256; p = strtok(NULL, "\n"))
		lines[n++] = p;
	qsort(lines, n, sizeof *lines, cmp_line);
	char *out = malloc(len + 2), *o = out;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		o += sprintf(o, "%s\n", lines[i]);
	strcpy(s, out);
	free(out);
}

#define FLOW_ROWS "//table[@id='flow-table']/tbody/tr"
#define CAPTURE_ROWS "//table[@id='capture-table']/tbody/tr"
#define TOTAL(name)                                                            \
	"//ul[@id='totals']/li[contains(@class,'" name "')]/span[@class='figure']/@data-value"

START_TEST(index_has_one_row_per_flow_linking_its_page)
{
	char dir[64], db[128];
	ingest_examples(dir, db);
	write_index(db, dir, 0);
	ck_assert(page_exists(dir, "index.html"));
	ck_assert(!page_exists(dir, "index-2.html"));
	htmlDocPtr doc = read_page(dir, "index.html");
	ck_assert_int_eq(xp_count(doc, FLOW_ROWS), EXAMPLE_FLOWS);

	/* Every flow of the database, in id order, each linking to its page. */
	char *want = tu_query(db, "SELECT id, 'flows/' || id || '.html' FROM flows"
	                          " ORDER BY id");
	static const char *const cols[] = {"td[1]", "td[1]/a/@href"};
	char *got = xp_rows(doc, FLOW_ROWS, 2, cols);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);

	/* The summary is on the first page, with exact totals. */
	ck_assert_int_eq(xp_count(doc, "//*[@id='summary']"), 1);
	static const struct {
		const char *xpath, *sql;
	} totals[] = {
		{TOTAL("captures"), "SELECT count(*) FROM captures"},
		{TOTAL("flows"), "SELECT count(*) FROM flows"},
		{TOTAL("segments"), "SELECT sum(packets) FROM flows"},
		{TOTAL("bytes"), "SELECT sum(client_bytes + server_bytes) FROM flows"},
	};
	for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++) {
		char *v = xp_str(doc, "%s", totals[i].xpath);
		ck_assert_msg(atoll(v) == tu_query_int(db, totals[i].sql), "%s: %s",
		              totals[i].xpath, v);
		free(v);
	}
	char *flows = xp_str(doc, TOTAL("flows"));
	ck_assert_str_eq(flows, "11");
	free(flows);
	/* One page only: no pager. */
	ck_assert_int_eq(xp_count(doc, "//nav[contains(@class,'pager')]"), 0);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(seed_row_shows_endpoints_and_final_states)
{
	char dir[64], db[128];
	ingest_examples(dir, db);
	write_index(db, dir, 0);
	long long seed = tu_query_int(db, "SELECT id FROM flows WHERE capture_id = 1");
	htmlDocPtr doc = read_page(dir, "index.html");
	char row[128];
	snprintf(row, sizeof row, FLOW_ROWS "[@data-flow='%lld']", seed);
	/* id, link, client, server, start (the time of day, the full time in
	 * its title), packets, bytes each way, final states, RTT, the capture
	 * (its file's name, the path in its title): the row as people read
	 * it, no value twice (the script reads flows.js). */
	static const char *const cols[] = {
		"td[1]", "td[1]/a/@href", "td[2]", "td[3]", "td[4]", "td[4]/@title", "td[6]",
		"td[7]", "td[8]", "td[9]", "td[10]", "td[13]", "td[15]", "td[15]/@title",
		"count(td[@data-sort])",
	};
	char *got = xp_rows(doc, row, sizeof cols / sizeof cols[0], cols);
	char *path = tu_query(db, "SELECT path FROM captures WHERE id = 1");
	path[strcspn(path, "\n")] = '\0';
	char want[512];
	snprintf(want, sizeof want,
	         "%lld|flows/%lld.html|192.168.1.103:59850|192.168.1.104:9999|23:59:20.542|"
	         "2016-11-07T23:59:20.542060Z|13|13|5|CLOSED|TIME_WAIT|255.0 \xc2\xb5s|seed.pcap|%s|0\n",
	         seed, seed, path);
	ck_assert_str_eq(got, want);
	free(path);
	free(got);
	/* A normal close is not marked. */
	char *cls = xp_str(doc, "%s/@class", row);
	ck_assert_str_eq(cls, "");
	free(cls);
	xmlFreeDoc(doc);
}
END_TEST

/* Rows say why a flow is notable, as the database's only_notable does. */
START_TEST(notable_rows_are_marked)
{
	char dir[64], db[128];
	ingest_examples(dir, db);
	write_index(db, dir, 0);
	htmlDocPtr doc = read_page(dir, "index.html");

	/* Notable rows are exactly the flows the database calls notable: an
	 * RST segment, an endpoint left mid-way, or analysis flags. */
	static const char *const id_col[] = {"@data-flow"};
	char *got = xp_rows(doc, FLOW_ROWS "[contains(@class,'notable')]", 1, id_col);
	char *want = tu_query(db, "SELECT id FROM flows_view f WHERE analysis != 0"
	                          " OR client_state NOT IN ('CLOSED', 'TIME_WAIT')"
	                          " OR server_state NOT IN ('CLOSED', 'TIME_WAIT')"
	                          " OR EXISTS (SELECT 1 FROM segments s"
	                          "  WHERE s.flow_id = f.id AND s.flags & 4) ORDER BY id");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);

	/* Reset rows: the refused and the aborted connection, and port-reuse's
	 * second connection, which also reused its ports. */
	got = xp_rows(doc, FLOW_ROWS "[contains(concat(' ', @class, ' '), ' reset ')]", 1,
	              id_col);
	want = tu_query(db, "SELECT DISTINCT flow_id FROM segments WHERE flags & 4"
	                    " ORDER BY flow_id");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	ck_assert_int_eq(xp_count(doc, FLOW_ROWS "//span[@class='tag rst']"), 3);

	/* Unanswered SYNs leave SYN_SENT / LISTEN: abnormal, tagged OPEN. */
	got = xp_rows(doc, FLOW_ROWS "[contains(@class,'abnormal')]", 1, id_col);
	want = tu_query(db, "SELECT id FROM flows_view WHERE client_state NOT IN"
	                    " ('CLOSED', 'TIME_WAIT') OR server_state NOT IN"
	                    " ('CLOSED', 'TIME_WAIT') ORDER BY id");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);

	/* Anomalies: one badge per flag name. */
	static const char *const badge_cols[] = {"@data-flow", "td[14]/span[1]"};
	got = xp_rows(doc, FLOW_ROWS "[contains(@class,'anomalous')]", 2, badge_cols);
	want = tu_query(db, "SELECT id, analysis_names FROM flows_view WHERE analysis != 0"
	                    " ORDER BY id");
	ck_assert_str_eq(got, want);
	ck_assert_str_ne(got, "");
	free(got);
	free(want);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(captures_table_lists_paths_with_status)
{
	char dir[64], db[128];
	ingest_examples(dir, db);
	write_index(db, dir, 0);
	htmlDocPtr doc = read_page(dir, "index.html");
	/* id, path, status, packets, TCP packets, the others by why (not IP,
	 * not TCP, undecoded, fragments, bad), flows: every example packet is
	 * a TCP segment. */
	static const char *const cols[] = {
		"td[1]", "td[2]", "td[3]/span[1]", "td[5]/@data-sort", "td[6]/@data-sort",
		"td[7]/@data-sort", "td[8]/@data-sort", "td[9]/@data-sort", "td[10]/@data-sort",
		"td[11]/@data-sort", "td[12]/@data-sort",
	};
	char *got = xp_rows(doc, CAPTURE_ROWS, sizeof cols / sizeof cols[0], cols);
	char *want = tu_query(db, "SELECT c.id, c.path, 'ok', c.packets, c.tcp_packets,"
	                          " 0, 0, 0, 0, 0,"
	                          " (SELECT count(*) FROM flows f"
	                          "  WHERE f.capture_id = c.id)"
	                          " FROM captures c ORDER BY c.id");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	/* The headers over them. */
	static const char *const th_col[] = {"."};
	got = xp_rows(doc, "//table[@id='capture-table']/thead/tr/th", 1, th_col);
	ck_assert_str_eq(got, "ID\nPath\nStatus\nLink type\nPackets\nTCP\nNotIP\nNotTCP\n"
	                      "Notdecoded\nFragments\nBad\nFlows\nFirst packet (UTC)\nSpan\n");
	free(got);
	/* Nothing was left undecoded: no list of encapsulations. */
	ck_assert_int_eq(xp_count(doc, CAPTURE_ROWS "//ul[@class='undecoded']"), 0);
	/* The paths as given, in order, each with no error. */
	char paths[1024] = "";
	size_t o = 0;
	for (size_t i = 0; i < EXAMPLES; i++)
		o += (size_t)snprintf(paths + o, sizeof paths - o, "../examples/%s\n",
		                      example_files[i]);
	static const char *const path_col[] = {"td[2]"};
	got = xp_rows(doc, CAPTURE_ROWS, 1, path_col);
	ck_assert_str_eq(got, paths);
	free(got);
	ck_assert_int_eq(xp_count(doc, CAPTURE_ROWS "//span[@class='error']"), 0);
	xmlFreeDoc(doc);
}
END_TEST

/* The bars of one chart as "label|count" lines, with the label and count
 * drawn in the SVG equal to the data attributes. */
static char *chart_bars(htmlDocPtr doc, const char *chart_id)
{
	char expr[256];
	snprintf(expr, sizeof expr, "//*[@id='%s']//svg/g[contains(@class,'bar')]",
	         chart_id);
	static const char *const data[] = {"@data-label", "@data-count"};
	static const char *const drawn[] = {"text[@class='label']", "text[@class='count']"};
	char *a = xp_rows(doc, expr, 2, data);
	char *b = xp_rows(doc, expr, 2, drawn);
	ck_assert_str_eq(a, b); /* the counts here are all below 1000 */
	free(b);
	return a;
}

static void assert_chart(htmlDocPtr doc, const char *chart_id, const char *db,
                         const char *sql)
{
	char *got = chart_bars(doc, chart_id);
	char *want = tu_query(db, sql);
	sort_lines(got);
	sort_lines(want);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\ngot:\n%s\nwant:\n%s", chart_id, got,
	              want);
	free(got);
	free(want);
}

START_TEST(charts_have_a_bar_per_group_with_its_count)
{
	char dir[64], db[128];
	ingest_examples(dir, db);
	write_index(db, dir, 0);
	htmlDocPtr doc = read_page(dir, "index.html");

	assert_chart(doc, "chart-final-states", db,
	             "SELECT client_state || ' / ' || server_state, count(*)"
	             " FROM flows_view GROUP BY 1");
	assert_chart(doc, "chart-conn-state", db,
	             "SELECT IFNULL(conn_state, 'not computed'), count(*) FROM flows_view"
	             " GROUP BY 1");
	assert_chart(doc, "chart-anomalies", db,
	             "SELECT a.name, count(*) FROM flows f JOIN analysis_flags a"
	             " ON f.analysis & a.bit GROUP BY a.name");
	/* Largest first, and the longest bar is the largest count's. */
	char *first = xp_str(doc, "(//*[@id='chart-final-states']//svg/g)[1]/@data-count");
	long long largest = tu_query_int(db, "SELECT count(*) AS n FROM flows"
	                                     " GROUP BY client_state, server_state"
	                                     " ORDER BY n DESC LIMIT 1");
	ck_assert_int_eq(atoll(first), largest);
	free(first);
	ck_assert_int_eq(xp_count(doc, "//*[@id='chart-final-states']//svg/g[1]"
	                                "/rect[@class='fill'][@width='180.0']"),
	                 1);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(paging_splits_flows_and_links_the_pages)
{
	char dir[64], db[128];
	ingest_examples(dir, db);
	write_index(db, dir, 4);
	static const char *const names[] = {"index.html", "index-2.html", "index-3.html"};
	static const int rows[] = {4, 4, 3};
	static const char *const prev[] = {"", "index.html", "index-2.html"};
	static const char *const next[] = {"index-2.html", "index-3.html", ""};
	ck_assert(!page_exists(dir, "index-4.html"));

	size_t all_cap = 1024;
	char *all = calloc(1, all_cap);
	for (int p = 0; p < 3; p++) {
		htmlDocPtr doc = read_page(dir, names[p]);
		ck_assert_msg(xp_count(doc, FLOW_ROWS) == rows[p], "%s: %d rows", names[p],
		              xp_count(doc, FLOW_ROWS));
		/* prev/next in both pagers, each page number linked but this one. */
		char *s = xp_str(doc, "//nav[@id='pager-top']/a[@rel='prev']/@href");
		ck_assert_str_eq(s, prev[p]);
		free(s);
		s = xp_str(doc, "//nav[@id='pager-bottom']/a[@rel='next']/@href");
		ck_assert_str_eq(s, next[p]);
		free(s);
		ck_assert_int_eq(xp_count(doc, "//nav[@id='pager-top']/a[@class='page']"),
		                 2);
		s = xp_str(doc, "//nav[@id='pager-top']/*[@aria-current='page']");
		char num[16];
		snprintf(num, sizeof num, "%d", p + 1);
		ck_assert_str_eq(s, num);
		free(s);
		/* The summary on the first page only; later ones link back to it. */
		ck_assert_int_eq(xp_count(doc, "//*[@id='summary']"), p == 0 ? 1 : 0);
		ck_assert_int_eq(
			xp_count(doc, "//a[@class='summary-link'][@href='index.html']"),
			p == 0 ? 0 : 1);
		static const char *const id_col[] = {"td[1]"};
		char *ids = xp_rows(doc, FLOW_ROWS, 1, id_col);
		strcat(all, ids);
		free(ids);
		xmlFreeDoc(doc);
	}
	/* Together, every flow once, in id order. */
	char *want = tu_query(db, "SELECT id FROM flows ORDER BY id");
	ck_assert_str_eq(all, want);
	free(want);
	free(all);

	/* A second report with one page removes the pages of the first. */
	write_index(db, dir, 0);
	ck_assert(page_exists(dir, "index.html"));
	ck_assert(!page_exists(dir, "index-2.html"));
	ck_assert(!page_exists(dir, "index-3.html"));
}
END_TEST

START_TEST(empty_database_says_there_are_no_flows)
{
	char dir[64], db_path[128], err[512];
	tu_scratch_dir(dir);
	snprintf(db_path, sizeof db_path, "%s/empty.db", dir);
	struct db *db = db_open(db_path, err, sizeof err); /* creates the schema */
	ck_assert_msg(db != NULL, "%s", err);
	db_close(db);
	write_index(db_path, dir, 0);
	htmlDocPtr doc = read_page(dir, "index.html");
	ck_assert_int_eq(xp_count(doc, "//tr[contains(@class,'flow')]"), 0);
	ck_assert_int_eq(xp_count(doc, "//table[@id='flow-table']"), 0);
	char *text = xp_str(doc, "//*[@id='flows']/p[@class='empty']");
	ck_assert_str_eq(text, "No flows in this database: no TCP connection was seen.");
	free(text);
	char *flows = xp_str(doc, TOTAL("flows"));
	ck_assert_str_eq(flows, "0");
	free(flows);
	xmlFreeDoc(doc);
}
END_TEST

/* A report of plain captures has no tunnel column: the flows table is the
 * one it was before tunnels were decoded, 14 columns, and no flow page
 * has a tunnel line. */
START_TEST(plain_capture_has_no_tunnel_column)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/tcpladder.db", dir);
	ck_assert_int_eq(tu_sh("../tcpladder run -q -o %s ../examples/seed.pcap", dir), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows WHERE tunnel IS NOT NULL"),
	                 0);
	htmlDocPtr doc = read_page(dir, "index.html");
	static const char *const th_col[] = {"."};
	char *got = xp_rows(doc, "//table[@id='flow-table']/thead/tr/th", 1, th_col);
	ck_assert_str_eq(got, "ID\nClient\nServer\nStart (UTC)\nDuration\nPackets\n"
	                      "Bytesc\xe2\x86\x92s\nBytess\xe2\x86\x92" "c\nClientstate\n"
	                      "Serverstate\nconnstate\nHistory\nRTT\nAnomalies\nCapture\n");
	free(got);
	ck_assert_int_eq(xp_count(doc, FLOW_ROWS), 1);
	ck_assert_int_eq(xp_count(doc, FLOW_ROWS "[1]/td"), 15);
	ck_assert_int_eq(xp_count(doc, "//td[contains(@class,'tunnel')]"), 0);
	char *ph = xp_str(doc, "//input[@id='flow-filter']/@placeholder");
	ck_assert_str_eq(ph, "Filter flows: address, state, anomaly");
	free(ph);
	xmlFreeDoc(doc);
	char page[128];
	snprintf(page, sizeof page, "flows/%lld.html", tu_query_int(db, "SELECT id FROM flows"));
	doc = read_page(dir, page);
	ck_assert_int_eq(xp_count(doc, "//div[@id='facts']/div[contains(@class,'tunnel')]"), 0);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(hostile_capture_name_comes_out_as_text)
{
	char dir[64], db[128], sub[128], path[256];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	/* A '/' cannot be in a file name: the name is a directory and a file. */
	snprintf(sub, sizeof sub, "%s/<script>alert(1)<", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(path, sizeof path, "%s/script>&\"x\".pcap", sub);
	ck_assert_int_eq(tu_sh("cp ../examples/seed.pcap '%s'", path), 0);
	struct ingest_result r;
	tu_ingest(db, path, NULL, &r);
	ck_assert_msg(r.outcome == INGEST_OK, "%s", r.error);
	write_index(db, dir, 0);

	htmlDocPtr doc = read_page(dir, "index.html");
	char *text = xp_str(doc, CAPTURE_ROWS "[1]/td[2]");
	ck_assert_str_eq(text, path);
	free(text);
	/* The capture's cell: the file's name, the path in its title. */
	text = xp_str(doc, FLOW_ROWS "[1]/td[15]");
	ck_assert_str_eq(text, "script>&\"x\".pcap");
	free(text);
	char *title = xp_str(doc, FLOW_ROWS "[1]/td[15]/@title");
	ck_assert_str_eq(title, path);
	free(title);
	/* Only the page's own script elements: the line in its head that
	 * says scripts run, its script and the data, both beside it. */
	ck_assert_int_eq(xp_count(doc, "//script"), 3);
	ck_assert_int_eq(xp_count(doc, "//script[@id='index-script' and @src='index.js']"), 1);
	ck_assert_int_eq(xp_count(doc, "//script[@id='flows-data' and @src='flows.js']"), 1);
	xmlFreeDoc(doc);

	char file[256];
	snprintf(file, sizeof file, "%s/index.html", dir);
	FILE *f = fopen(file, "rb");
	ck_assert_ptr_nonnull(f);
	static char raw[1 << 20];
	size_t n = fread(raw, 1, sizeof raw - 1, f);
	fclose(f);
	raw[n] = '\0';
	ck_assert_msg(strstr(raw, "<script>alert") == NULL, "the name came out as markup");
	ck_assert_msg(strstr(raw, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;") != NULL,
	              "the name is not in the page escaped");
}
END_TEST

/* ---- tunnels and undecoded packets, from the tunnel corpus -------------- */

#define TUNNELS "../../shared/corpus-tunnels"
/* TCP in Geneve in GRE: one flow, 12 segments. */
#define GENEVE_IN_GRE TUNNELS "/suricata-verify__bug-6402-01_input.pcap"
#define GENEVE_PATH "Geneve 10.0.10.74>10.0.8.64 vni 0; GRE 10.0.1.72>10.0.2.31"
/* FTP: one IPv6 connection in IPv4 (6to4), a segment of it another way;
 * three plain IPv4 connections. */
#define IPIP_FTP TUNNELS "/pcapplusplus__Ftp.pcap"
#define IPIP_PATH "IP-in-IP 81.131.67.131>192.88.99.1"
/* PPP with Van Jacobson compressed TCP, which is not decoded. */
#define VJ_PPP TUNNELS "/packetlife__PPP_TCP_compression.cap"

static bool have_tunnels(void)
{
	struct stat st;
	return stat(TUNNELS "/MANIFEST.tsv", &st) == 0;
}

/* The tunnelled flows get a Tunnel column after the endpoints (and a dash
 * for a flow that came through none), on every index page, and a tunnel
 * line on their page. */
START_TEST(tunnelled_flow_shows_its_tunnel)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/tcpladder.db", dir);
	ck_assert_int_eq(tu_sh("../tcpladder run -q -o %s " GENEVE_IN_GRE " " IPIP_FTP
	                       " ../examples/seed.pcap",
	                       dir),
	                 0);
	/* What ingest stored, which the pages show: the FTP capture's
	 * IPv6 connection came through IP-in-IP, its three others through
	 * nothing. */
	char *rows = tu_query(db, "SELECT c.path, f.client, f.server, f.tunnel, f.tunnel_changes"
	                          " FROM flows_view f JOIN captures c ON c.id = f.capture_id"
	                          " WHERE f.tunnel IS NOT NULL ORDER BY f.id");
	ck_assert_str_eq(rows, GENEVE_IN_GRE "|10.2.0.1:39198|10.2.0.2:1234|" GENEVE_PATH "|0\n"
	                 IPIP_FTP "|[2002:5183:4383::5183:4383]:1026|"
	                 "[2001:638:902:1:201:2ff:fee2:7596]:21|" IPIP_PATH "|1\n");
	free(rows);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows"), 6);
	long long geneve = tu_query_int(db, "SELECT id FROM flows WHERE tunnel LIKE 'Geneve%'");
	long long ipip = tu_query_int(db, "SELECT id FROM flows WHERE tunnel LIKE 'IP-in-IP%'");
	long long seed = tu_query_int(db, "SELECT max(id) FROM flows");

	htmlDocPtr doc = read_page(dir, "index.html");
	char *th = xp_str(doc, "//table[@id='flow-table']/thead/tr/th[4]");
	ck_assert_str_eq(th, "Tunnel");
	free(th);
	/* Every row's cell: the path, or a dash; the changes under it. */
	static const char *const cols[] = {"@data-flow", "td[4]/@class", "td[4]/text()",
	                                   "td[4]/span[@class='changes']"};
	char *got = xp_rows(doc, FLOW_ROWS, sizeof cols / sizeof cols[0], cols);
	char *want = tu_query(db, "SELECT id, CASE WHEN tunnel IS NULL THEN 'tunnel muted'"
	                          " ELSE 'tunnel' END, IFNULL(tunnel, '\xe2\x80\x93'),"
	                          " CASE tunnel_changes WHEN 0 THEN ''"
	                          " WHEN 1 THEN '1 segment another way'"
	                          " ELSE tunnel_changes || ' segments another way' END"
	                          " FROM flows ORDER BY id");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	/* The Geneve flow's row, endpoints first, start after. */
	static const char *const geneve_cols[] = {"td[2]", "td[3]", "td[4]", "td[5]"};
	char row[128];
	snprintf(row, sizeof row, FLOW_ROWS "[@data-flow='%lld']", geneve);
	got = xp_rows(doc, row, 4, geneve_cols);
	ck_assert_str_eq(got, "10.2.0.1:39198|10.2.0.2:1234|" GENEVE_PATH "|14:20:52.914\n");
	free(got);
	snprintf(row, sizeof row, FLOW_ROWS "[@data-flow='%lld']/td[4]", ipip);
	got = xp_str(doc, "%s", row);
	ck_assert_str_eq(got, IPIP_PATH "1 segment another way");
	free(got);
	ck_assert_int_eq(xp_count(doc, FLOW_ROWS "[1]/td"), 16);
	char *ph = xp_str(doc, "//input[@id='flow-filter']/@placeholder");
	ck_assert_str_eq(ph, "Filter flows: address, tunnel, state, anomaly");
	free(ph);
	xmlFreeDoc(doc);

	/* The escaped text in the file, as a browser gets it. */
	char path[256];
	snprintf(path, sizeof path, "%s/index.html", dir);
	char *raw = tu_slurp(path);
	ck_assert_ptr_nonnull(strstr(raw, "<td class=tunnel>Geneve 10.0.10.74&gt;10.0.8.64"
	                                  " vni 0; GRE 10.0.1.72&gt;10.0.2.31"));
	free(raw);

	/* The flow pages: the Geneve flow's path, the IP-in-IP flow's change. */
	snprintf(path, sizeof path, "flows/%lld.html", geneve);
	doc = read_page(dir, path);
	char *line = xp_str(doc, "//div[@id='facts']/div[@class='line tunnel']");
	ck_assert_str_eq(line, "tunnel: " GENEVE_PATH);
	free(line);
	xmlFreeDoc(doc);
	snprintf(path, sizeof path, "flows/%lld.html", ipip);
	doc = read_page(dir, path);
	line = xp_str(doc, "//div[@id='facts']/div[@class='line tunnel']");
	ck_assert_str_eq(line, "tunnel: " IPIP_PATH " \xc2\xb7 1 segment came another way");
	free(line);
	xmlFreeDoc(doc);
	snprintf(path, sizeof path, "flows/%lld.html", seed);
	doc = read_page(dir, path);
	ck_assert_int_eq(xp_count(doc, "//div[@id='facts']/div[contains(@class,'tunnel')]"), 0);
	xmlFreeDoc(doc);

	/* One flow a page: every page has the column, the plain flows' too. */
	write_index(db, dir, 1);
	char *cells = tu_query(db, "SELECT IFNULL(tunnel, '\xe2\x80\x93') FROM flows ORDER BY id");
	char *cell = cells;
	for (int p = 1; p <= 6; p++) {
		char name[32];
		snprintf(name, sizeof name, p == 1 ? "index.html" : "index-%d.html", p);
		doc = read_page(dir, name);
		char *h = xp_str(doc, "//table[@id='flow-table']/thead/tr/th[4]");
		ck_assert_msg(strcmp(h, "Tunnel") == 0, "%s: th[4] %s", name, h);
		free(h);
		char *nl = strchr(cell, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		char *c = xp_str(doc, FLOW_ROWS "/td[4]/text()");
		ck_assert_msg(strcmp(c, cell) == 0, "%s: %s, not %s", name, c, cell);
		free(c);
		cell = nl + 1;
		xmlFreeDoc(doc);
	}
	free(cells);
	/* A selection of the seed's capture alone has no tunnel: no column. */
	char err[512] = "";
	struct db *d = db_open_readonly(db, err, sizeof err);
	ck_assert_msg(d != NULL, "%s", err);
	int64_t cap[] = {3};
	struct db_selection sel = {.capture_ids = cap, .n_capture_ids = 1};
	struct report_options opt = {.max_segments = REPORT_DEFAULT_MAX_SEGMENTS};
	ck_assert_msg(report_index_pages(d, &sel, &opt, dir, err, sizeof err) == 0, "%s", err);
	db_close(d);
	doc = read_page(dir, "index.html");
	ck_assert_int_eq(xp_count(doc, FLOW_ROWS), 1);
	ck_assert_int_eq(xp_count(doc, "//th[.='Tunnel']"), 0);
	ck_assert_int_eq(xp_count(doc, FLOW_ROWS "[1]/td"), 15);
	xmlFreeDoc(doc);
}
END_TEST

/* A capture with packets in an encapsulation tcpladder does not decode:
 * its row counts them (33 Van Jacobson compressed TCP segments over PPP),
 * the encapsulation is named under its path with the count and the first
 * frame, and the totals say a capture held such packets. */
START_TEST(undecoded_encapsulation_is_named_with_its_count)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/tcpladder.db", dir);
	ck_assert_int_eq(tu_sh("../tcpladder run -q -o %s " VJ_PPP " ../examples/seed.pcap 2>/dev/null",
	                       dir),
	                 0);
	htmlDocPtr doc = read_page(dir, "index.html");
	/* packets, TCP, not IP, not TCP, undecoded, fragments, bad, flows:
	 * the six after Packets add up to it. */
	static const char *const cols[] = {
		"td[1]", "td[5]/@data-sort", "td[6]/@data-sort", "td[7]/@data-sort",
		"td[8]/@data-sort", "td[9]/@data-sort", "td[9]/@class", "td[10]/@data-sort",
		"td[11]/@data-sort", "td[12]/@data-sort",
	};
	char *got = xp_rows(doc, CAPTURE_ROWS, sizeof cols / sizeof cols[0], cols);
	ck_assert_str_eq(got, "1|43|6|4|0|33|num undecoded|0|0|1\n"
	                      "2|13|13|0|0|0|num|0|0|1\n");
	free(got);
	char *want = tu_query(db, "SELECT id, packets, tcp_packets, not_ip_packets,"
	                          " not_tcp_packets, undecoded_packets, 'num' ||"
	                          " CASE WHEN undecoded_packets > 0 THEN ' undecoded' ELSE '' END,"
	                          " fragment_packets, bad_packets,"
	                          " (SELECT count(*) FROM flows f WHERE f.capture_id = c.id)"
	                          " FROM captures c ORDER BY id");
	got = xp_rows(doc, CAPTURE_ROWS, sizeof cols / sizeof cols[0], cols);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);

	static const char *const item[] = {"../../../td[1]", "@data-encapsulation",
	                                   "@data-packets", "@data-first-frame", "."};
	got = xp_rows(doc, CAPTURE_ROWS "/td[2]/ul[@class='undecoded']/li", 5, item);
	ck_assert_str_eq(got, "1|PPP protocol 0x002d (Van Jacobson compressed TCP)|33|4|"
	                      "not decoded: PPP protocol 0x002d (Van Jacobson compressed TCP)"
	                      " \xc2\xb7 33 packets, the first at frame 4\n");
	free(got);
	want = tu_query(db, "SELECT capture_id, encapsulation, packets, first_frame"
	                    " FROM capture_undecoded");
	ck_assert_str_eq(want, "1|PPP protocol 0x002d (Van Jacobson compressed TCP)|33|4\n");
	free(want);
	/* The path is still the cell's first text. */
	char *path = xp_str(doc, CAPTURE_ROWS "[1]/td[2]/text()");
	ck_assert_str_eq(path, VJ_PPP);
	free(path);
	char *detail = xp_str(doc, "//ul[@id='totals']/li[contains(@class,'captures')]"
	                           "/span[@class='detail']");
	ck_assert_str_eq(detail, "2 with flows \xc2\xb7 1 with packets not decoded");
	free(detail);
	/* Neither capture's flow came through a tunnel. */
	ck_assert_int_eq(xp_count(doc, "//th[.='Tunnel']"), 0);
	xmlFreeDoc(doc);
}
END_TEST

Suite *report_index_suite(void)
{
	Suite *s = suite_create("report_index");
	TCase *tc = tcase_create("index");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, index_has_one_row_per_flow_linking_its_page);
	tcase_add_test(tc, seed_row_shows_endpoints_and_final_states);
	tcase_add_test(tc, notable_rows_are_marked);
	tcase_add_test(tc, captures_table_lists_paths_with_status);
	tcase_add_test(tc, charts_have_a_bar_per_group_with_its_count);
	tcase_add_test(tc, paging_splits_flows_and_links_the_pages);
	tcase_add_test(tc, empty_database_says_there_are_no_flows);
	tcase_add_test(tc, hostile_capture_name_comes_out_as_text);
	tcase_add_test(tc, plain_capture_has_no_tunnel_column);
	suite_add_tcase(s, tc);
	if (!have_tunnels()) {
		fprintf(stderr, "report_index: %s not found; the tunnel tests are not run\n",
		        TUNNELS);
		return s;
	}
	tc = tcase_create("tunnels");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, tunnelled_flow_shows_its_tunnel);
	tcase_add_test(tc, undecoded_encapsulation_is_named_with_its_count);
	suite_add_tcase(s, tc);
	return s;
}
