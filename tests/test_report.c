/* report: the commands end to end (run, report with selections) and
 * hostile strings: a capture named like markup, a path with quotes and
 * ampersands, come out as text in every page, never as markup. */
#include <check.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "suites.h"
#include "testutil.h"

static bool exists(const char *dir, const char *name)
{
	char path[256];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

/* Does some text node of the page equal (or contain) text? */
static bool page_has_text(const char *path, const char *text)
{
	htmlDocPtr doc = htmlReadFile(path, "UTF-8", HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ck_assert_ptr_nonnull(doc);
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr res = xmlXPathEvalExpression(BAD_CAST "//text()", ctx);
	bool found = false;
	for (int i = 0; res->nodesetval && i < res->nodesetval->nodeNr && !found; i++) {
		xmlChar *t = xmlNodeGetContent(res->nodesetval->nodeTab[i]);
		found = t && strstr((const char *)t, text);
		xmlFree(t);
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return found;
}

START_TEST(run_writes_index_flow_pages_and_csv)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh("../tcpladder run -q -o %s/r ../examples", dir), 0);
	char r[96];
	snprintf(r, sizeof r, "%s/r", dir);
	ck_assert(exists(r, "tcpladder.db"));
	ck_assert(exists(r, "index.html"));
	ck_assert(exists(r, "transitions.csv"));
	for (int id = 1; id <= 11; id++) {
		char name[32];
		snprintf(name, sizeof name, "flows/%d.html", id);
		ck_assert_msg(exists(r, name), "%s missing", name);
	}
	ck_assert(!exists(r, "flows/12.html"));
	/* Again: nothing new to ingest, the same report. */
	ck_assert_int_eq(tu_sh("../tcpladder run -q -o %s/r ../examples", dir), 0);
	char db[128];
	snprintf(db, sizeof db, "%s/tcpladder.db", r);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 8);
}
END_TEST

START_TEST(report_selects_flows)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s ../examples", db), 0);
	ck_assert_int_eq(tu_sh("../tcpladder report -q -d %s -o %s/one --flow 9", db, dir), 0);
	char one[96];
	snprintf(one, sizeof one, "%s/one", dir);
	ck_assert(exists(one, "flows/9.html"));
	ck_assert(!exists(one, "flows/1.html"));
	ck_assert_int_eq(tu_sh("../tcpladder report -q -d %s -o %s/cap --capture 3", db, dir), 0);
	char cap[96];
	snprintf(cap, sizeof cap, "%s/cap", dir);
	ck_assert(exists(cap, "flows/3.html") && exists(cap, "flows/6.html"));
	ck_assert(!exists(cap, "flows/2.html") && !exists(cap, "flows/7.html"));
	ck_assert_int_eq(tu_sh("../tcpladder report -q -d %s -o %s/n --notable", db, dir), 0);
	char n[96];
	snprintf(n, sizeof n, "%s/n", dir);
	ck_assert(exists(n, "flows/7.html") && !exists(n, "flows/9.html"));
	/* Usage and missing databases. */
	ck_assert_int_eq(tu_sh("../tcpladder report -d %s --flow x 2>/dev/null", db), 2);
	ck_assert_int_eq(tu_sh("../tcpladder report -d %s/none.db -o %s/x 2>/dev/null", dir, dir), 1);
	ck_assert_int_eq(tu_sh("../tcpladder run ../examples 2>/dev/null"), 2);
}
END_TEST

START_TEST(hostile_names_come_out_as_text)
{
	char dir[64];
	tu_scratch_dir(dir);
	/* The name holds a '/', so part of it is a folder: the path as a
	 * whole still reads <script>alert(1)</script>.pcap. */
	const char *name = "<script>alert(1)</script>.pcap";
	const char *sub = "a \"quoted\" & <b>bold</b> folder";
	ck_assert_int_eq(tu_sh("p='%s/%s/%s'; mkdir -p \"$(dirname \"$p\")\" &&"
	                       " cp ../examples/seed.pcap \"$p\"",
	                       dir, sub, name),
	                 0);
	ck_assert_int_eq(tu_sh("../tcpladder run -q -o %s/r '%s/%s'", dir, dir, sub), 0);
	char index[128], flow[128];
	snprintf(index, sizeof index, "%s/r/index.html", dir);
	snprintf(flow, sizeof flow, "%s/r/flows/1.html", dir);
	for (int i = 0; i < 2; i++) {
		const char *page = i ? flow : index;
		char *raw = tu_slurp(page);
		ck_assert_msg(strstr(raw, "<script>alert(1)") == NULL, "%s holds raw markup", page);
		ck_assert_msg(strstr(raw, "<b>bold") == NULL, "%s holds raw markup", page);
		ck_assert_msg(strstr(raw, "&lt;script&gt;alert(1)&lt;/script&gt;.pcap") != NULL,
		              "%s does not show the name escaped", page);
		free(raw);
		ck_assert_msg(page_has_text(page, name), "%s does not show the name", page);
		ck_assert_msg(page_has_text(page, sub), "%s does not show the folder", page);
	}
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("commands");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, run_writes_index_flow_pages_and_csv);
	tcase_add_test(tc, report_selects_flows);
	tcase_add_test(tc, hostile_names_come_out_as_text);
	suite_add_tcase(s, tc);
	return s;
}
