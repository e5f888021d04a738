/* browser: a real browser opens the report from disk. Headless Chromium
 * loads index.html and the seed's flow page, writes screenshots, dumps the
 * DOM it built (which must hold the table of flows, and the ladder SVG
 * with every arrow) and logs no console error. The index's script, over
 * flows.js, draws the flows a query in the URL's # selects, in the order
 * it names: the rows it drew are compared with the same query in SQL. Registered only when
 * Chromium is installed (.ci/run installs it). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

#define CHROMIUM                                                               \
	"timeout 120 chromium --headless --no-sandbox --disable-gpu"           \
	" --no-first-run --disable-background-networking"                      \
	" --disable-component-update --disable-sync --hide-scrollbars"         \
	" --enable-logging=stderr --v=0"

static char report_dir[64];

/* One report of all the examples, shared by the tests of this suite. */
static void make_report(void)
{
	if (report_dir[0])
		return;
	tu_scratch_dir(report_dir);
	ck_assert_int_eq(tu_sh("../tcpladder run -q -o %s ../examples", report_dir), 0);
}

static int count(const char *haystack, const char *needle)
{
	int n = 0;
	for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Load page in Chromium: its DOM into dom_out, a screenshot, the log. */
static void browse(const char *page, const char *name, int width, int height)
{
	char profile[64];
	tu_scratch_dir(profile);
	ck_assert_int_eq(tu_sh(CHROMIUM " --user-data-dir=%s --dump-dom 'file://%s/%s'"
	                       " > %s/%s.dom 2> %s/%s.log",
	                       profile, report_dir, page, report_dir, name, report_dir, name),
	                 0);
	ck_assert_int_eq(tu_sh(CHROMIUM " --user-data-dir=%s --window-size=%d,%d"
	                       " --screenshot=%s/%s.png 'file://%s/%s' > /dev/null 2>> %s/%s.log",
	                       profile, width, height, report_dir, name, report_dir, page,
	                       report_dir, name),
	                 0);
	fprintf(stderr, "browser: %s/%s.png\n", report_dir, name);
}

static void assert_no_console_error(const char *name)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s.log", report_dir, name);
	char *log = tu_slurp(path);
	/* Chromium logs page console messages as "...:CONSOLE(line)] msg". */
	for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
		if (strstr(line, "CONSOLE"))
			ck_assert_msg(!strstr(line, "Uncaught") && !strstr(line, "rror"),
			              "%s: console: %s", name, line);
	}
	free(log);
}

static void assert_screenshot(const char *name)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s.png", report_dir, name);
	char *png = tu_slurp(path);
	ck_assert_msg(memcmp(png, "\x89PNG", 4) == 0, "%s is not a PNG", path);
	free(png);
}

START_TEST(index_opens_with_every_flow)
{
	make_report();
	browse("index.html", "index", 1400, 1000);
	char path[128];
	snprintf(path, sizeof path, "%s/index.dom", report_dir);
	char *dom = tu_slurp(path);
	ck_assert_int_ge(count(dom, "<table"), 2);
	for (int id = 1; id <= 11; id++) {
		char href[64];
		snprintf(href, sizeof href, "href=\"flows/%d.html\"", id);
		ck_assert_msg(strstr(dom, href) != NULL, "no link %s", href);
	}
	ck_assert_int_ge(count(dom, "<svg"), 1);
	free(dom);
	assert_screenshot("index");
	assert_no_console_error("index");
}
END_TEST

START_TEST(seed_flow_page_shows_every_arrow)
{
	make_report();
	browse("flows/9.html", "seed-flow", 1100, 1500);
	char path[128];
	snprintf(path, sizeof path, "%s/seed-flow.dom", report_dir);
	char *dom = tu_slurp(path);
	ck_assert_int_ge(count(dom, "<svg"), 1);
	/* One group per segment; its class list starts with seg. */
	ck_assert_int_eq(count(dom, "class=\"seg"), 13);
	ck_assert_int_eq(count(dom, "<text class=\"state\""), 12); /* 2 initial + 10 changes */
	ck_assert(strstr(dom, "[S.] seq 0 ack 1 win 28960") != NULL);
	free(dom);
	assert_screenshot("seed-flow");
	assert_no_console_error("seed-flow");
}
END_TEST

/* ---- the index over every flow (templates/index.js, flows.js) ---------- */

/* The flow ids of the rows the script drew, in order, space-separated,
 * from a dumped DOM: each row of the flow table carries data-flow. */
static char *shown_ids(const char *dom)
{
	const char *table = strstr(dom, "id=\"flow-table\"");
	ck_assert_msg(table != NULL, "no flow table in the DOM");
	const char *end = strstr(table, "</table>");
	ck_assert_ptr_nonnull(end);
	char *out = calloc(1, (size_t)(end - table) + 1);
	size_t len = 0;
	for (const char *p = table; (p = strstr(p, "data-flow=\"")) && p < end;) {
		p += strlen("data-flow=\"");
		size_t n = strcspn(p, "\"");
		len += (size_t)sprintf(out + len, "%s%.*s", len ? " " : "", (int)n, p);
		p += n;
	}
	return out;
}

/* The ids an SQL query over the report's database lists, space-separated. */
static char *expected_ids(const char *sql)
{
	char db[128];
	snprintf(db, sizeof db, "%s/tcpladder.db", report_dir);
	char *rows = tu_query(db, sql);
	for (char *p = rows; *p; p++) {
		if (*p == '\n')
			*p = p[1] ? ' ' : '\0';
	}
	return rows;
}

/* The value of attribute name on the element holding marker, or "". */
static char *attr_after(const char *dom, const char *marker, const char *name)
{
	const char *at = strstr(dom, marker);
	ck_assert_msg(at != NULL, "no %s in the DOM", marker);
	const char *tag = at;
	while (tag > dom && *tag != '<')
		tag--;
	const char *close = strchr(at, '>');
	char key[64];
	snprintf(key, sizeof key, " %s=\"", name);
	const char *v = strstr(tag, key);
	if (!v || v > close)
		return strdup("");
	v += strlen(key);
	return strndup(v, strcspn(v, "\""));
}

/* index.html#fragment in Chromium: the DOM it built. */
static char *index_view(const char *fragment, const char *name)
{
	char page[256];
	snprintf(page, sizeof page, "index.html#%s", fragment);
	char profile[64];
	tu_scratch_dir(profile);
	ck_assert_int_eq(tu_sh(CHROMIUM " --user-data-dir=%s --dump-dom 'file://%s/%s'"
	                       " > %s/%s.dom 2> %s/%s.log",
	                       profile, report_dir, page, report_dir, name, report_dir, name),
	                 0);
	assert_no_console_error(name);
	char path[128];
	snprintf(path, sizeof path, "%s/%s.dom", report_dir, name);
	return tu_slurp(path);
}

static void assert_view(const char *fragment, const char *query, const char *order,
                        const char *sql)
{
	char *dom = index_view(fragment, "view");
	char *got = shown_ids(dom), *want = expected_ids(sql);
	ck_assert_msg(strlen(want) > 0, "%s: the query selects no flow: %s", fragment, sql);
	ck_assert_msg(strcmp(got, want) == 0, "#%s: rows %s, expected %s", fragment, got, want);
	/* The view was read back from the URL: the table says which. */
	char *q = attr_after(dom, "id=\"flow-table\"", "data-query");
	char *o = attr_after(dom, "id=\"flow-table\"", "data-order");
	ck_assert_str_eq(q, query);
	ck_assert_str_eq(o, order);
	/* The script timed itself (bench/run.sh reads this). */
	ck_assert_ptr_nonnull(strstr(dom, "id=\"tl-timings\""));
	ck_assert_ptr_nonnull(strstr(dom, "load_ms="));
	free(q);
	free(o);
	free(got);
	free(want);
	free(dom);
}

/* With no # the rows come by notability score, highest first, ties by
 * id; every flow of the report, not a page. */
START_TEST(index_lists_every_flow_by_score)
{
	make_report();
	assert_view("", "", "-score",
	            "SELECT f.id FROM flows f LEFT JOIN flow_notability n ON n.flow_id = f.id"
	            " ORDER BY IFNULL(n.score, 0) DESC, f.id");
}
END_TEST

/* A field query from the URL, sorted by a column from the URL. */
START_TEST(index_filter_and_sort_come_from_the_url)
{
	make_report();
	assert_view("q=port:80&sort=-packets", "port:80", "-packets",
	            "SELECT id FROM flows WHERE client_port = 80 OR server_port = 80"
	            " ORDER BY packets DESC, id");
	assert_view("q=state:REJ", "state:REJ", "-score",
	            "SELECT f.id FROM flows f LEFT JOIN flow_notability n ON n.flow_id = f.id"
	            " WHERE f.conn_state = 'REJ' ORDER BY IFNULL(n.score, 0) DESC, f.id");
	assert_view("q=capture:3+-state:S0&sort=duration", "capture:3 -state:S0", "duration",
	            "SELECT id FROM flows WHERE capture_id = 3 AND conn_state != 'S0'"
	            " ORDER BY (last_ts_ns - first_ts_ns) / 1000, id");
}
END_TEST

/* Plain words match anywhere in a row: an address, a state by name, an
 * anomaly; and a notability reason by its field. */
START_TEST(index_words_match_anywhere)
{
	make_report();
	assert_view("q=10.0.0.3&sort=id", "10.0.0.3", "id",
	            "SELECT id FROM flows_view WHERE instr(client, '10.0.0.3')"
	            " OR instr(server, '10.0.0.3') ORDER BY id");
	assert_view("q=time_wait&sort=id", "time_wait", "id",
	            "SELECT id FROM flows_view WHERE client_state = 'TIME_WAIT'"
	            " OR server_state = 'TIME_WAIT' ORDER BY id");
	assert_view("q=anomaly:reused_ports&sort=id", "anomaly:reused_ports", "id",
	            "SELECT id FROM flows_view WHERE instr(analysis_names, 'reused_ports')"
	            " ORDER BY id");
	assert_view("q=reason:reset&sort=-id", "reason:reset", "-id",
	            "SELECT flow_id FROM flow_notability WHERE instr(reasons, 'reset')"
	            " ORDER BY flow_id DESC");
}
END_TEST

Suite *browser_suite(void)
{
	Suite *s = suite_create("browser");
	if (!tu_have("chromium")) {
		fprintf(stderr, "browser: chromium not installed; the browser tests are not run\n");
		return s;
	}
	TCase *tc = tcase_create("chromium");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, index_opens_with_every_flow);
	tcase_add_test(tc, seed_flow_page_shows_every_arrow);
	tcase_add_test(tc, index_lists_every_flow_by_score);
	tcase_add_test(tc, index_filter_and_sort_come_from_the_url);
	tcase_add_test(tc, index_words_match_anywhere);
	suite_add_tcase(s, tc);
	return s;
}
