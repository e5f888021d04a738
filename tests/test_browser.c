/* browser: a real browser opens the report from disk. Headless Chromium
 * loads index.html and the seed's flow page, writes screenshots, dumps the
 * DOM it built (which must hold the table of flows, and the ladder SVG
 * with every arrow) and logs no console error. Registered only when
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
	suite_add_tcase(s, tc);
	return s;
}
