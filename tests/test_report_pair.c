/* report_pair: the report's pages of flow pairs and the index's table of
 * them (VANTAGE.md, "The ladder of a flow pair"), on the committed
 * mkvantage.sh scenarios (real Linux TCP through a delay line, captured at
 * both hosts): the clock in words, a long pair collapsed like a long
 * flow, each direction's delays plotted from every sighting, each rail
 * named by its tap with the endpoint as that tap saw it (NAT), each tap's
 * flow page linking the pair's, the selection, and a capture paired with
 * itself. VANTAGE.md's check 6 on
 * every scenario is in the vantage suite (vt_check_ladder). */
#include <check.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_pair.h"
#include "suites.h"
#include "testutil.h"
#include "vantage_checks.h"

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- the clock in words ---- */

static struct db_pair_info clock_of(const char *quality, int64_t offset_ns)
{
	return (struct db_pair_info){
	        .vantage_a = "client", .vantage_b = "server", .quality = quality,
	        .offset_ns = offset_ns, .has_min_rtt = true, .min_rtt_between_ns = 27740000,
	        .has_skew_err = true, .skew_err_ppm = 55.3, .has_skew_estimate = true,
	        .skew_estimate_ppm = 29.6, .samples_fwd = 1661, .samples_rev = 2233};
}

START_TEST(clock_in_words)
{
	char buf[1024];
	/* VANTAGE.md's own example. */
	struct db_pair_info p = clock_of("ok", 37605000);
	pair_clock_words(buf, sizeof buf, &p);
	ck_assert_str_eq(buf, "server = client + 37.605 ms \xc2\xb1 13.870 ms, skew not resolved"
	                      " (29.6 \xc2\xb1 55.3 ppm) (smallest delays taken as equal both ways;"
	                      " 1661/2233 samples)");
	/* Behind, and a skew fitted. */
	p = clock_of("ok", -21559000);
	p.skew_fitted = true;
	p.skew_ppm = 102.2;
	p.skew_err_ppm = 3.04;
	pair_clock_words(buf, sizeof buf, &p);
	ck_assert_str_eq(buf, "server = client \xe2\x88\x92 21.559 ms \xc2\xb1 13.870 ms, skew 102.2"
	                      " \xc2\xb1 3.0 ppm (smallest delays taken as equal both ways;"
	                      " 1661/2233 samples)");
	p = clock_of("given", 1000000);
	p.skew_ppm = 0;
	pair_clock_words(buf, sizeof buf, &p);
	ck_assert_str_eq(buf, "server = client + 1.000 ms, skew 0.0 ppm (given, not estimated)");
	p = clock_of("one-direction", 0);
	p.has_lo = true;
	p.offset_lo_ns = -4500000;
	pair_clock_words(buf, sizeof buf, &p);
	ck_assert_str_eq(buf, "server = client + an offset of at least -4.500 ms (segments were"
	                      " seen at both taps one way only; no one-way delay is given)");
	p = clock_of("inconsistent", 0);
	pair_clock_words(buf, sizeof buf, &p);
	ck_assert_msg(starts(buf, "the two clocks could not be fitted"), "%s", buf);
}
END_TEST

/* ---- pages of the committed scenarios ---- */

#define VDATA VT_DATA

static xmlDocPtr page(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return vt_read_page(path);
}

/* The text of the first node expr selects ("" when none), malloc'd. */
static char *text_of(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr xp = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, xp);
	char *out = NULL;
	if (o && o->type == XPATH_NODESET && xmlXPathNodeSetGetLength(o->nodesetval) > 0) {
		xmlChar *c = xmlNodeGetContent(xmlXPathNodeSetItem(o->nodesetval, 0));
		out = strdup(c ? (const char *)c : "");
		xmlFree(c);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(xp);
	return out ? out : strdup("");
}

#define SEG_PAIR "//*[local-name() = 'g'][contains(concat(@class, ' '), 'seg pair ')]"

START_TEST(routed_pages_and_index)
{
	char dir[64], db[128], rep[128], q[512];
	vt_paired("routed", dir, db);
	snprintf(rep, sizeof rep, "%s/rep", dir);
	/* Two processes share the pair pages out. */
	ck_assert_int_eq(tu_sh(VT_BIN " report -q -j 2 -d %s -o %s", db, rep), 0);

	/* The index: a row per pair, each linking its page. */
	long long pairs = vt_q(db, "SELECT count(*) FROM flow_pairs");
	ck_assert_int_eq(pairs, 11);
	xmlDocPtr index = page(rep, "index.html");
	ck_assert_int_eq(vt_count(index, "//table[@id = 'pair-table']/tbody/tr"), pairs);
	for (long long id = 1; id <= pairs; id++) {
		snprintf(q, sizeof q, "//table[@id = 'pair-table']/tbody/tr/td[1]/a[. = '%lld']"
		         "[@href = 'flows/pair-%lld.html']", id, id);
		ck_assert_int_eq(vt_count(index, q), 1);
		ck_assert_int_eq(tu_sh("test -s %s/flows/pair-%lld.html", rep, id), 0);
	}
	xmlFreeDoc(index);

	/* The longest pair: 3,574 sightings, its first and last 200 drawn
	 * and the rest counted in the gap. */
	long long id = vt_q(db, "SELECT pair_id FROM sightings GROUP BY 1 ORDER BY count(*) DESC"
	                        " LIMIT 1");
	long long rows = vt_q(db, "SELECT count(*) FROM sightings GROUP BY pair_id ORDER BY 1 DESC"
	                          " LIMIT 1");
	ck_assert_int_eq(rows, 3574);
	snprintf(q, sizeof q, "flows/pair-%lld.html", id);
	xmlDocPtr doc = page(rep, q);
	ck_assert_int_eq(vt_count(doc, SEG_PAIR), 400);
	snprintf(q, sizeof q, "//*[local-name() = 'g'][@class = 'gap'][@data-segments = '%lld']",
	         rows - 400);
	ck_assert_int_eq(vt_count(doc, q), 1);

	/* The clock in words over the ladder, as clock_fits has it. */
	char *clock = text_of(doc, "//*[@id = 'clock']/b");
	ck_assert_msg(starts(clock, "server = client + 37.570 ms \xc2\xb1 "), "%s", clock);
	ck_assert_ptr_nonnull(strstr(clock, "1561/2232 samples"));
	free(clock);

	/* Each direction's delays, plotted from every sighting (not the 400
	 * drawn), and the losses between the taps where they were sent. */
	snprintf(q, sizeof q, "SELECT count(owd_ns) FROM sightings WHERE pair_id = %lld"
	         " AND from_client", id);
	long long c2s = vt_q(db, q);
	snprintf(q, sizeof q, "SELECT count(owd_ns) FROM sightings WHERE pair_id = %lld"
	         " AND NOT from_client", id);
	long long s2c = vt_q(db, q);
	ck_assert_int_gt(c2s + s2c, 400);
	snprintf(q, sizeof q, "//*[local-name() = 'path'][@class = 'o-c2s'][@data-samples = '%lld']",
	         c2s);
	ck_assert_int_eq(vt_count(doc, q), 1);
	snprintf(q, sizeof q, "//*[local-name() = 'path'][@class = 'o-s2c'][@data-samples = '%lld']",
	         s2c);
	ck_assert_int_eq(vt_count(doc, q), 1);
	snprintf(q, sizeof q, "SELECT lost_s2c FROM flow_pairs WHERE id = %lld", id);
	long long lost = vt_q(db, q);
	ck_assert_int_gt(lost, 0);
	snprintf(q, sizeof q, "//*[local-name() = 'path'][@class = 'o-lost'][@data-lost = '%lld']",
	         lost);
	ck_assert_int_eq(vt_count(doc, q), 1);

	/* Rails named by vantage, the client's side on the left. */
	ck_assert_int_eq(vt_count(doc, "//*[local-name() = 'text'][@class = 'role']"
	                               "[@data-vantage = 'client']"), 1);
	ck_assert_int_eq(vt_count(doc, "//*[local-name() = 'text'][@class = 'role']"
	                               "[@data-vantage = 'server']"), 1);
	/* Both flows linked, each a page of this report. */
	ck_assert_int_eq(vt_count(doc, "//*[@id = 'facts']//a[contains(@href, '.html')]"), 2);
	xmlFreeDoc(doc);

	/* Each tap's flow page links the pair's. */
	long long flow_b = vt_q(db, "SELECT flow_b FROM flow_pairs WHERE flow_a = 1");
	xmlDocPtr fp = page(rep, "flows/1.html");
	ck_assert_int_eq(vt_count(fp, "//div[@class = 'line pair']/a[@href = 'pair-1.html']"), 1);
	xmlFreeDoc(fp);
	snprintf(q, sizeof q, "flows/%lld.html", flow_b);
	fp = page(rep, q);
	ck_assert_int_eq(vt_count(fp, "//div[@class = 'line pair'][contains(., 'flow 1 at client')]"
	                              "/a[@href = 'pair-1.html']"), 1);
	xmlFreeDoc(fp);

	/* One flow selected: its pair alone, the others' pages removed. */
	ck_assert_int_eq(tu_sh(VT_BIN " report -q -j 1 -d %s --flow 1 -o %s", db, rep), 0);
	ck_assert_int_eq(tu_sh("test $(ls %s/flows | grep -c '^pair-') = 1 && test -s"
	                       " %s/flows/pair-1.html", rep, rep), 0);
	index = page(rep, "index.html");
	ck_assert_int_eq(vt_count(index, "//table[@id = 'pair-table']/tbody/tr"), 1);
	xmlFreeDoc(index);
}
END_TEST

START_TEST(nat_rails_show_each_taps_endpoints)
{
	char dir[64], db[128], rep[128];
	vt_paired("nat", dir, db);
	snprintf(rep, sizeof rep, "%s/rep", dir);
	ck_assert_int_eq(tu_sh(VT_BIN " report -q -d %s -o %s", db, rep), 0);
	xmlDocPtr doc = page(rep, "flows/pair-1.html");
	/* Left: the client as the client's tap saw it; right: the server as
	 * the server's tap saw it, behind the NAT. */
	char *left = text_of(doc, "(//*[local-name() = 'text'][@class = 'addr'])[1]");
	char *right = text_of(doc, "(//*[local-name() = 'text'][@class = 'addr'])[2]");
	char *client_a = tu_query(db, "SELECT client_a FROM sightings_view WHERE pair_id = 1 LIMIT 1");
	char *server_b = tu_query(db, "SELECT server_b FROM sightings_view WHERE pair_id = 1 LIMIT 1");
	char *server_a = tu_query(db, "SELECT server_a FROM sightings_view WHERE pair_id = 1 LIMIT 1");
	client_a[strcspn(client_a, "\n")] = server_b[strcspn(server_b, "\n")] = '\0';
	server_a[strcspn(server_a, "\n")] = '\0';
	ck_assert_str_eq(left, client_a);
	ck_assert_str_eq(right, server_b);
	ck_assert_str_ne(server_a, server_b);
	ck_assert_int_eq(vt_count(doc, "//*[@id = 'facts'][contains(., 'NAT')]"), 1);
	free(left);
	free(right);
	free(client_a);
	free(server_a);
	free(server_b);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(a_capture_paired_with_itself_draws_flat)
{
	char dir[64], db[128], rep[128];
	vt_self_paired(dir, db);
	snprintf(rep, sizeof rep, "%s/rep", dir);
	ck_assert_int_eq(tu_sh(VT_BIN " report -q -d %s -o %s", db, rep), 0);
	xmlDocPtr doc = page(rep, "flows/pair-1.html");
	long long n = vt_q(db, "SELECT count(*) FROM sightings WHERE pair_id = 1");
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(vt_count(doc, SEG_PAIR "[@data-owd-ns = '0']"), n);
	ck_assert_int_eq(vt_count(doc, SEG_PAIR "/*[local-name() = 'line'][@y1 = @y2]"), n);
	ck_assert_int_eq(vt_count(doc, SEG_PAIR "[contains(@class, '-between')]"), 0);
	char *clock = text_of(doc, "//*[@id = 'clock']/b");
	ck_assert_msg(starts(clock, "b = a + 0.000 ms \xc2\xb1 0.000 ms,"), "%s", clock);
	free(clock);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(no_pairing_no_pairs)
{
	char dir[64], db[128], rep[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(rep, sizeof rep, "%s/rep", dir);
	ck_assert_int_eq(tu_sh(VT_BIN " ingest -q -d %s " VDATA "/routed-client.pcap.gz", db), 0);
	ck_assert_int_eq(tu_sh(VT_BIN " report -q -d %s -o %s", db, rep), 0);
	xmlDocPtr index = page(rep, "index.html");
	ck_assert_int_eq(vt_count(index, "//*[@id = 'pairs']"), 0);
	ck_assert_int_eq(vt_count(index, "//*[@id = 'capture-table']"), 1);
	xmlFreeDoc(index);
	xmlDocPtr fp = page(rep, "flows/1.html");
	ck_assert_int_eq(vt_count(fp, "//*[contains(@class, 'pair')]"), 0);
	xmlFreeDoc(fp);
	ck_assert_int_eq(tu_sh("ls %s/flows | grep -q '^pair-'", rep), 1);
}
END_TEST

Suite *report_pair_suite(void)
{
	Suite *s = suite_create("report_pair");
	TCase *tc = tcase_create("report_pair");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, clock_in_words);
	tcase_add_test(tc, routed_pages_and_index);
	tcase_add_test(tc, nat_rails_show_each_taps_endpoints);
	tcase_add_test(tc, a_capture_paired_with_itself_draws_flat);
	tcase_add_test(tc, no_pairing_no_pairs);
	suite_add_tcase(s, tc);
	return s;
}
