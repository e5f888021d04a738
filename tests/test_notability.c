/* notability: which flows a report puts first and which get a page
 * (issue 18). The score's order on examples/, whose captures were made to
 * show each ending (refused, reset, stalled, simultaneous close ...); that
 * keep-alives, window updates and a normal close score nothing, on the
 * real captures of ../shared/corpus; that every reason is documented with
 * its weight; and that a report past 20,000 flows with no selection writes
 * the notable flows' pages only, says so, and writes them all with --all. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capwrite.h"
#include "suites.h"
#include "testutil.h"

#define BIN    "../tcpladder"
#define CORPUS "../../shared/corpus"

/* Every flow of examples/ by score, highest first: capture, conn_state,
 * score, reasons. The rules are docs/analysis.md's "Notability". */
START_TEST(score_orders_the_examples)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples", db), 0);
	char *got = tu_query(db,
		"SELECT replace(c.path, '../examples/', ''), f.conn_state, n.score, n.reasons"
		" FROM flow_notability n JOIN flows f ON f.id = n.flow_id"
		" JOIN captures c ON c.id = f.capture_id ORDER BY n.score DESC, f.id");
	ck_assert_str_eq(got,
		"port-reuse.pcap|SF|50|lost_syn,slow_handshake\n"
		"refused.pcap|REJ|50|refused\n"
		"port-reuse.pcap|RSTO|40|reset\n"
		"port-reuse.pcap|S0|40|unanswered\n"
		"port-reuse.pcap|S0|40|unanswered\n"
		"rst-abort.pcap|RSTO|40|reset\n"
		"stalled.pcap|S1|40|retransmitted,unclosed\n"
		"stalled.pcap|S2|19|zero_window,unclosed\n"
		"ipv6.pcap|SF|0|\n"
		"midstream.pcap|SF|0|\n"
		"seed.pcap|SF|0|\n"
		"seq-wrap.pcap|SF|0|\n"
		"simultaneous-close.pcap|SF|0|\n");
	free(got);
	/* The measures behind two of them: half of stalled.pcap's second
	 * flow's payload sent twice; 294 ms of zero window in its first. */
	ck_assert_int_eq(tu_query_int(db, "SELECT round(n.retrans_share * 100) FROM flow_notability n"
	                                  " JOIN flows f ON f.id = n.flow_id WHERE f.conn_state = 'S1'"),
	                 50);
	ck_assert_int_eq(tu_query_int(db, "SELECT n.zero_window_ns FROM flow_notability n"
	                                  " JOIN flows f ON f.id = n.flow_id WHERE f.conn_state = 'S2'"),
	                 294000000);
	/* --notable draws exactly the flows scoring above 0. */
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s/n --notable", db, dir), 0);
	ck_assert_int_eq(tu_sh("test $(ls %s/n/flows | wc -l) = 8", dir), 0);
	ck_assert_int_eq(tu_sh("test -e %s/n/flows/12.html && ! test -e %s/n/flows/9.html", dir,
	                       dir), 0);
	/* A flow's page says why it is worth a look; the seed's says nothing. */
	ck_assert_int_eq(tu_sh("grep -q 'worth a look: score <b>19</b> \xc2\xb7 <b>zero_window,unclosed"
	                       "</b>' %s/n/flows/12.html", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s/s --flow 9", db, dir), 0);
	ck_assert_int_ne(tu_sh("grep -q 'worth a look' %s/s/flows/9.html", dir), 0);
	ck_assert_int_eq(tu_sh("grep -q '192.168.1.103:59850' %s/s/flows/9.html", dir), 0);
}
END_TEST

/* Wireshark flags keep-alives and window updates; on their own they are
 * how TCP works, not a reason to look. On the corpus, flows that have them
 * and closed normally, with nothing else, score 0; every reason given is
 * in docs/analysis.md's table with its weight. */
START_TEST(keepalives_and_window_updates_score_nothing)
{
	if (access(CORPUS, R_OK) != 0) {
		fprintf(stderr, "notability: %s absent: corpus not tried\n", CORPUS);
		return;
	}
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	tu_sh(BIN " ingest -q -d %s " CORPUS " 2>/dev/null", db);
	const char *plain =
		" FROM flow_notability n JOIN flows_view v ON v.id = n.flow_id"
		" WHERE (v.keep_alive_count > 0 OR v.window_update_count > 0)"
		" AND v.conn_state = 'SF' AND v.retransmission_count = 0"
		" AND v.zero_window_count = 0 AND v.lost_segment_count = 0"
		" AND v.ack_lost_segment_count = 0 AND v.unexpected_in_state_count = 0";
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT count(*)%s", plain);
	long long flows = tu_query_int(db, sql);
	ck_assert_int_ge(flows, 5);
	snprintf(sql, sizeof sql, "SELECT count(*)%s AND n.score != 0", plain);
	ck_assert_int_eq(tu_query_int(db, sql), 0);
	/* A normal close with no flag at all scores 0 too. */
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flow_notability n JOIN flows f"
	                                  " ON f.id = n.flow_id WHERE f.conn_state = 'SF'"
	                                  " AND f.analysis = 0 AND n.score != 0"), 0);
	/* Fewer than the old rule kept (any analysis flag, an endpoint not
	 * CLOSED or TIME_WAIT at the end, a reset): it counted the flows
	 * above. */
	long long old = tu_query_int(db, "SELECT count(*) FROM flows f WHERE f.analysis != 0"
	                                 " OR f.client_state NOT IN (1, 11)"
	                                 " OR f.server_state NOT IN (1, 11) OR EXISTS (SELECT 1"
	                                 " FROM segments s WHERE s.flow_id = f.id AND s.flags & 4)");
	long long notable = tu_query_int(db, "SELECT count(*) FROM flow_notability WHERE score > 0");
	ck_assert_int_gt(notable, 0);
	ck_assert_int_le(notable + flows, old);

	/* Every reason the corpus gives is a row of the documented table. */
	char *docs = tu_slurp("../docs/analysis.md");
	char *reasons = tu_query(db, "WITH RECURSIVE r(rest, name) AS (SELECT reasons || ',', NULL"
	                             " FROM flow_notability WHERE score > 0 UNION ALL"
	                             " SELECT substr(rest, instr(rest, ',') + 1),"
	                             " substr(rest, 1, instr(rest, ',') - 1) FROM r WHERE rest != '')"
	                             " SELECT DISTINCT name FROM r WHERE name IS NOT NULL");
	int seen = 0;
	for (char *name = strtok(reasons, "\n"); name; name = strtok(NULL, "\n"), seen++) {
		char row[64];
		snprintf(row, sizeof row, "| `%s` |", name);
		ck_assert_msg(strstr(docs, row), "reason %s is not in docs/analysis.md", name);
	}
	ck_assert_int_ge(seen, 5);
	free(reasons);
	free(docs);
}
END_TEST

/* The flow pages a report folder holds. */
static long long page_count(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "ls %s/flows | wc -l", dir);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	long long n = -1;
	ck_assert_int_eq(fscanf(p, "%lld", &n), 1);
	pclose(p);
	return n;
}

/* 20,001 whole connections (closed normally: nothing to see) and
 * examples/' 13 flows, 8 of them notable: past the limit with no
 * selection, the report draws those 8, lists the other flows without a
 * link and says how to get them; --all draws every flow; a report without
 * it again removes the pages --all wrote. */
START_TEST(past_20000_flows_only_notable_pages)
{
	char dir[64], db[128], cap[128], out[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(cap, sizeof cap, "%s/many.pcap", dir);
	snprintf(out, sizeof out, "%s/r", dir);
	cw_write_connections(cap, 20001, 3);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s ../examples", db, cap), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows"), 20014);

	ck_assert_int_eq(tu_sh(BIN " report -d %s -o %s -j 2 2>%s/err", db, out, dir), 0);
	ck_assert_int_eq(page_count(out), 8);
	char *pages = tu_query(db, "SELECT flow_id FROM flow_notability WHERE score > 0"
	                           " ORDER BY flow_id");
	char *listed = malloc(256);
	snprintf(listed, 256, "ls %s/flows | sed 's/\\.html$//' | sort -n > %s/pages", out, dir);
	ck_assert_int_eq(tu_sh("%s", listed), 0);
	snprintf(listed, 256, "%s/pages", dir);
	char *got = tu_slurp(listed);
	ck_assert_str_eq(got, pages);
	free(got);
	free(pages);
	free(listed);
	ck_assert_int_eq(tu_sh("grep -q 'pages for the 8 notable; --all writes' %s/err", dir), 0);
	/* The index says so, and links only the flows that have a page. */
	ck_assert_int_eq(tu_sh("grep -q 'id=pages-notable-only' %s/index.html", out), 0);
	ck_assert_int_eq(tu_sh("grep -q 'Pages are written for the 8 notable flows of these"
	                       " 20\xe2\x80\xaf" "014' %s/index.html", out), 0);
	ck_assert_int_eq(tu_sh("test $(cat %s/index*.html | grep -o 'href=\"flows/' | wc -l) = 8",
	                       out), 0);

	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s -j 2 --all", db, out), 0);
	ck_assert_int_eq(page_count(out), 20014);
	ck_assert_int_ne(tu_sh("grep -q 'pages-notable-only' %s/index.html", out), 0);
	/* A selection, even of every flow, is drawn whole. */
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s/w -j 2 --where 'id > 20000'", db, dir), 0);
	snprintf(out, sizeof out, "%s/w", dir);
	ck_assert_int_eq(page_count(out), 14);
	snprintf(out, sizeof out, "%s/r", dir);
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s -j 2", db, out), 0);
	ck_assert_int_eq(page_count(out), 8);
}
END_TEST

Suite *notability_suite(void)
{
	Suite *s = suite_create("notability");
	TCase *tc = tcase_create("notability");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, score_orders_the_examples);
	tcase_add_test(tc, keepalives_and_window_updates_score_nothing);
	tcase_add_test(tc, past_20000_flows_only_notable_pages);
	suite_add_tcase(s, tc);
	return s;
}
