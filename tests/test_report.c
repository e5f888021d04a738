/* report: the commands end to end (run, report with selections, -j), and
 * hostile strings: a capture named like markup, a path with quotes and
 * ampersands, come out as text in every page, never as markup; the page
 * serializer writes libxml2's bytes, and its numbers printf's. */
#include <check.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "html.h"
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
	for (int id = 1; id <= 13; id++) {
		char name[32];
		snprintf(name, sizeof name, "flows/%d.html", id);
		ck_assert_msg(exists(r, name), "%s missing", name);
	}
	ck_assert(!exists(r, "flows/14.html"));
	/* Again: nothing new to ingest, the same report. */
	ck_assert_int_eq(tu_sh("../tcpladder run -q -o %s/r ../examples", dir), 0);
	char db[128];
	snprintf(db, sizeof db, "%s/tcpladder.db", r);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 9);
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

/* --flow ID of a flow the database does not hold is an input that failed
 * (exit 1), named on stderr; alone, nothing is written, not even the
 * folder; with flows that are there, those are written. */
START_TEST(report_of_a_missing_flow_names_it)
{
	char dir[64], db[128], path[160];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(path, sizeof path, "%s/err", dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s ../examples", db), 0);
	ck_assert_int_eq(tu_sh("../tcpladder report -d %s -o %s/none --flow 99 2> %s", db, dir, path),
	                 1);
	char *err = tu_slurp(path), want[512];
	snprintf(want, sizeof want, "tcpladder report: no flow 99 in %s: nothing written"
	         " (`tcpladder export flows -d %s` lists its flows)\n", db, db);
	ck_assert_str_eq(err, want);
	free(err);
	char none[96];
	snprintf(none, sizeof none, "%s/none", dir);
	ck_assert(!exists(none, "."));
	ck_assert_int_eq(tu_sh("../tcpladder report -q -d %s -o %s/some --flow 2,99 --flow 98"
	                       " 2> %s", db, dir, path), 1);
	err = tu_slurp(path);
	snprintf(want, sizeof want, "tcpladder report: no flows 99, 98 in %s\n", db);
	ck_assert_str_eq(err, want);
	free(err);
	char some[96];
	snprintf(some, sizeof some, "%s/some", dir);
	ck_assert(exists(some, "flows/2.html") && exists(some, "index.html"));
	ck_assert(!exists(some, "flows/99.html"));
}
END_TEST

/* A report into a folder that holds an older, bigger one: the flow pages
 * it does not write go (they would be read as part of it), its own stay,
 * and so does the stylesheet they link; no file of another name is
 * touched: the user's notes, a page of another pattern (0.html,
 * 7.html.bak), a folder. */
START_TEST(report_over_an_older_one_removes_its_stale_pages)
{
	char dir[64], db[128], r[96];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(r, sizeof r, "%s/r", dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s ../examples", db), 0);
	ck_assert_int_eq(tu_sh("../tcpladder report -q -d %s -o %s --flows-per-page 5", db, r), 0);
	ck_assert(exists(r, "flows/13.html") && exists(r, "index-3.html"));
	ck_assert_int_eq(tu_sh("cd %s && echo mine > notes.txt && echo x > flows/notes.html"
	                       " && echo x > flows/0.html && echo x > flows/7.html.bak"
	                       " && mkdir flows/12345.html", r), 0);
	ck_assert_int_eq(tu_sh("../tcpladder report -q -d %s -o %s --flow 2,3", db, r), 0);
	char *names = NULL;
	ck_assert_int_eq(tu_sh("cd %s && LC_ALL=C ls flows > ../ls.txt && LC_ALL=C ls >> ../ls.txt", r), 0);
	char ls[128];
	snprintf(ls, sizeof ls, "%s/ls.txt", dir);
	names = tu_slurp(ls);
	ck_assert_str_eq(names, "0.html\n12345.html\n2.html\n3.html\n7.html.bak\nnotes.html\n"
	                        "flows\nflows.js\nindex.html\nindex.js\nnotes.txt\nstyle.css\n"
	                        "transitions.csv\n");
	free(names);
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

/* -j N: the parts written by N processes, the pieces of transitions.csv
 * joined, are the report one process writes, byte for byte; paged and
 * collapsed, so that every part has index pages and flows of its own. */
START_TEST(workers_write_what_one_process_writes)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s ../examples", db), 0);
	for (int j = 1; j <= 4; j++)
		ck_assert_int_eq(tu_sh("../tcpladder report -q -j %d -d %s -o %s/j%d"
		                       " --flows-per-page 3 --max-segments 3",
		                       j, db, dir, j),
		                 0);
	for (int j = 2; j <= 4; j++)
		ck_assert_msg(tu_sh("diff -r %s/j1 %s/j%d >&2", dir, dir, j) == 0,
		              "-j %d writes another report than -j 1", j);
	char j1[96];
	snprintf(j1, sizeof j1, "%s/j1", dir);
	ck_assert(exists(j1, "index-5.html") && !exists(j1, "index-6.html"));
	/* Every flow's rows once, in flow order: the header, then 1, 2, ... */
	char csv[128];
	snprintf(csv, sizeof csv, "%s/j4/transitions.csv", dir);
	char *text = tu_slurp(csv);
	ck_assert(strncmp(text, "flow_id,", 8) == 0);
	long last = 0;
	for (char *line = strchr(text, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		long flow = strtol(line + 1, NULL, 10);
		ck_assert_msg(flow >= last, "flow %ld after %ld", flow, last);
		last = flow;
	}
	ck_assert_int_eq(last, 13);
	free(text);
	/* No piece is left behind, and a bad -j is usage. */
	ck_assert_int_eq(tu_sh("ls -A %s/j4 | grep -q '^\\.'", dir), 1);
	ck_assert_int_eq(tu_sh("../tcpladder report -q -j 0 -d %s -o %s/x 2>/dev/null", db, dir), 2);
	ck_assert_int_eq(tu_sh("../tcpladder report -q -j 65 -d %s -o %s/x 2>/dev/null", db, dir), 2);
}
END_TEST

/* A flow page is built over the page its writer wrote before it
 * (html_rebuild_begin): each page of the examples, of every shape and
 * after pages of other shapes, whole and collapsed, is byte for byte the
 * page a new writer writes for that flow alone. */
START_TEST(pages_built_over_others_are_pages_built_alone)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s ../examples", db), 0);
	long long flows = tu_query_int(db, "SELECT count(*) FROM flows");
	ck_assert_int_ge(flows, 8);
	static const char *const opts[] = {"", "--max-segments 3"};
	for (int o = 0; o < 2; o++) {
		ck_assert_int_eq(tu_sh("../tcpladder report -q -j 1 %s -d %s -o %s/all%d", opts[o],
		                       db, dir, o),
		                 0);
		for (long long id = 1; id <= flows; id++) {
			ck_assert_int_eq(tu_sh("../tcpladder report -q -j 1 %s --flow %lld -d %s"
			                       " -o %s/one%d-%lld",
			                       opts[o], id, db, dir, o, id),
			                 0);
			ck_assert_msg(tu_sh("cmp %s/all%d/flows/%lld.html %s/one%d-%lld/flows/%lld.html"
			                    " >&2",
			                    dir, o, id, dir, o, id, id) == 0,
			              "flow %lld (%s): the page differs when written after others",
			              id, opts[o]);
		}
	}
}
END_TEST

/* bytes as libxml2's HTML parser reads them, written back by libxml2's
 * serializer: what a parser makes of a page, as text; malloc'd. */
static char *as_parsed(const char *bytes, size_t len)
{
	htmlDocPtr doc = htmlReadMemory(bytes, (int)len, NULL, "UTF-8",
	                                HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ck_assert_ptr_nonnull(doc);
	struct html_out *out = html_out_new();
	const char *text;
	size_t n;
	ck_assert_int_eq(html_out_text(out, doc, true, &text, &n), 0);
	char *copy = strndup(text, n);
	html_out_free(out);
	xmlFreeDoc(doc);
	return copy;
}

/* Our serializer against libxml2's (html_out_text's two ways), on one
 * document: ours leaves out what HTML lets a parser imply (quotes, end
 * tags, SVG's empty elements' end tags), so both writings are read back
 * by libxml2's HTML parser, which must make the same tree of each; and
 * ours is no longer. */
static void assert_same_bytes(xmlDocPtr doc, const char *what)
{
	struct html_out *ours = html_out_new(), *theirs = html_out_new();
	const char *a, *b;
	size_t alen, blen;
	ck_assert_int_eq(html_out_text(ours, doc, false, &a, &alen), 0);
	ck_assert_int_eq(html_out_text(theirs, doc, true, &b, &blen), 0);
	ck_assert_msg(alen <= blen, "%s: ours %zu bytes, libxml2's %zu", what, alen, blen);
	char *pa = as_parsed(a, alen), *pb = as_parsed(b, blen);
	size_t at = 0;
	while (pa[at] && pa[at] == pb[at])
		at++;
	ck_assert_msg(strcmp(pa, pb) == 0,
	              "%s: read back, our page differs from libxml2's at %zu:\n ours   %.80s\n"
	              " theirs %.80s", what, at, pa + (at > 20 ? at - 20 : 0),
	              pb + (at > 20 ? at - 20 : 0));
	free(pa);
	free(pb);
	html_out_free(ours);
	html_out_free(theirs);
}

/* Every page of a report of the examples, read back, means the same tree
 * written both ways; so does a page holding every kind of text and
 * attribute libxml2 escapes its own way, and every element whose end tag
 * ours leaves out. */
START_TEST(pages_serialize_as_libxml2_does)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh("../tcpladder run -q -o %s/r ../examples", dir), 0);
	for (int id = 0; id <= 11; id++) {
		char path[128];
		if (id == 0)
			snprintf(path, sizeof path, "%s/r/index.html", dir);
		else
			snprintf(path, sizeof path, "%s/r/flows/%d.html", dir, id);
		xmlDocPtr doc = htmlReadFile(path, "UTF-8",
		                             HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
		ck_assert_ptr_nonnull(doc);
		assert_same_bytes(doc, path);
		xmlFreeDoc(doc);
	}

	char err[256];
	xmlDocPtr doc = html_page("flow.xhtml", NULL, err, sizeof err);
	ck_assert_msg(doc != NULL, "%s", err);
	xmlNodePtr body = html_find(doc, "facts");
	static const char *const texts[] = {
		"plain", "<b>bold</b> & more", "a \"double\" and 'single' quote",
		"only \"double\"", "only 'single'", "tab\tnewline\ncr\rend",
		"controls \x01\x02\x1f\x7f gone", "&{entity} &{open", "caf\xc3\xa9 \xe2\x86\x92",
		"invalid \xff\xfe utf-8", "", "&amp; already", "]]> --> <!--",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		xmlNodePtr p = html_add(body, "p", texts[i], texts[i]);
		html_set(p, "title", texts[i]);
		html_set(p, "data-x", texts[i]);
		xmlNodePtr a = html_add(p, "a", NULL, texts[i]);
		html_set(a, "href", texts[i]);
		html_set(a, "name", texts[i]);
		xmlNodePtr img = html_add(p, "img", NULL, NULL);
		html_set(img, "src", texts[i]);
		html_set(img, "alt", texts[i]);
		xmlNodePtr in = html_add(p, "input", NULL, NULL);
		html_set(in, "checked", texts[i]);
		html_set(in, "value", texts[i]);
		html_add(p, "script", NULL, texts[i]);
		html_add(p, "style", NULL, texts[i]);
		xmlAddChild(p, xmlNewComment(BAD_CAST texts[i]));
	}
	/* Void and empty elements, a void one with a child, SVG ones. */
	html_add(body, "br", NULL, NULL);
	html_add(html_add(body, "br", NULL, NULL), "span", NULL, "lost");
	html_add(body, "td", NULL, NULL);
	html_add(body, "p", NULL, NULL);
	html_add(body, "div", NULL, NULL);
	xmlNodePtr svg = html_svg(body, "plot", 10.25, 3);
	html_add(html_add(svg, "g", "seg", NULL), "rect", NULL, NULL);
	html_add(svg, "text", "t", "a < b");
	/* An empty SVG element whose last value goes unquoted, one ending in
	 * '/', and tables and lists whose end tags are implied or not. */
	html_set(html_add(svg, "path", NULL, NULL), "d", "M0");
	html_set(html_add(svg, "path", "x", NULL), "d", "M0/");
	html_set(html_add(svg, "circle", NULL, NULL), "r", "");
	xmlNodePtr table = html_add(body, "table", NULL, NULL);
	xmlNodePtr head = html_add(html_add(table, "thead", NULL, NULL), "tr", NULL, NULL);
	html_add(head, "th", NULL, "a");
	html_add(head, "td", NULL, "b");
	for (int t = 0; t < 2; t++) {
		xmlNodePtr tbody = html_add(table, "tbody", NULL, NULL);
		for (int r = 0; r < 2; r++) {
			xmlNodePtr tr = html_add(tbody, "tr", r ? "odd" : NULL, NULL);
			html_add(tr, "td", NULL, r ? "" : "x");
			html_add(tr, "th", NULL, NULL);
			html_add(tr, "td", "last", "<y>");
		}
		html_text(tbody, "text after the rows");
	}
	xmlNodePtr ul = html_add(body, "ul", NULL, NULL);
	html_add(ul, "li", NULL, "one");
	html_add(html_add(ul, "li", NULL, NULL), "b", NULL, "two");
	html_add(ul, "li", NULL, NULL);
	html_add(body, "li", NULL, "a lone li, then a div");
	html_add(body, "div", "a b", "spaced class");
	assert_same_bytes(doc, "hostile text");
	xmlFreeDoc(doc);
}
END_TEST

/* html_num writes what printf's "%.1f" writes, ties and negative zero
 * included. */
START_TEST(numbers_as_printf_writes_them)
{
	char ours[HTML_NUM_LEN], theirs[HTML_NUM_LEN];
	static const double edges[] = {0.0, -0.0, 0.05, 0.15, 0.25, 0.35, -0.04, -0.05,
	                               -0.25, 2.5, 1e14 + 0.05, 999999.95, -1e15, 1e15,
	                               1e300, 1.0 / 3, 440.0, 107.99999999999999};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		snprintf(theirs, sizeof theirs, "%.1f", edges[i]);
		ck_assert_str_eq(html_num(ours, edges[i]), theirs);
	}
	unsigned long long x = 88172645463325252ULL;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		/* Coordinates: thousands of units, tenths, halves, noise. */
		double v = (double)(int64_t)(x % 4000000) / (i % 3 == 0 ? 20.0 : i % 3 == 1 ? 100.0 : 7.0) -
		           20000;
		snprintf(theirs, sizeof theirs, "%.1f", v);
		ck_assert_msg(strcmp(html_num(ours, v), theirs) == 0, "%.17g: %s, printf %s", v,
		              ours, theirs);
	}
}
END_TEST

/* html_fixed writes what printf's "%.*f" writes, for every precision. */
START_TEST(fixed_decimals_as_printf_writes_them)
{
	char ours[HTML_NUM_LEN], theirs[HTML_NUM_LEN];
	static const double edges[] = {0.0, -0.0, 0.0005, 0.0015, 0.0025, -0.0005, 2.5,
	                               0.5, 1.5, -2.5, 999.9995, 1e15, -1e15, 1e300,
	                               1.0 / 3, 123456789.0625, 3.0, -3.0, 440.0, 1e14,
	                               -99999.0, 999999999999999.0};
	for (int d = 0; d <= 5; d++) {
		for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
			snprintf(theirs, sizeof theirs, "%.*f", d, edges[i]);
			ck_assert_str_eq(html_fixed(ours, edges[i], d), theirs);
		}
	}
	unsigned long long x = 88172645463325252ULL;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		/* Times in ms and s from ns, and plain noise. */
		int64_t ns = (int64_t)(x % 4000000000000ULL) - 2000000000000LL;
		double v = i % 3 == 0 ? (double)ns / 1e6 : i % 3 == 1 ? (double)ns / 1e9
		                                                      : (double)ns / 7.0;
		int d = i % 4;
		snprintf(theirs, sizeof theirs, "%.*f", d, v);
		ck_assert_msg(strcmp(html_fixed(ours, v, d), theirs) == 0, "%.17g %d: %s, printf %s",
		              v, d, ours, theirs);
	}
}
END_TEST

/* html_int writes what printf's "%" PRId64 writes, both ends included. */
START_TEST(integers_as_printf_writes_them)
{
	char ours[HTML_INT_LEN], theirs[32];
	static const int64_t edges[] = {0, 1, -1, 9, 10, -10, 4294967296, INT64_MAX,
	                                INT64_MIN, INT64_MIN + 1};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		snprintf(theirs, sizeof theirs, "%" PRId64, edges[i]);
		ck_assert_str_eq(html_int(ours, edges[i]), theirs);
	}
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int64_t v = (int64_t)(x >> (i % 64));
		snprintf(theirs, sizeof theirs, "%" PRId64, v);
		ck_assert_msg(strcmp(html_int(ours, v), theirs) == 0, "%s, printf %s", ours,
		              theirs);
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
	tcase_add_test(tc, report_of_a_missing_flow_names_it);
	tcase_add_test(tc, report_over_an_older_one_removes_its_stale_pages);
	tcase_add_test(tc, hostile_names_come_out_as_text);
	tcase_add_test(tc, workers_write_what_one_process_writes);
	tcase_add_test(tc, pages_built_over_others_are_pages_built_alone);
	suite_add_tcase(s, tc);
	tc = tcase_create("html");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, pages_serialize_as_libxml2_does);
	tcase_add_test(tc, numbers_as_printf_writes_them);
	tcase_add_test(tc, integers_as_printf_writes_them);
	tcase_add_test(tc, fixed_decimals_as_printf_writes_them);
	suite_add_tcase(s, tc);
	return s;
}
