/* vantage_checks: the checks of VANTAGE.md's "What the tests must show",
 * as SQL over a paired database that also holds the truth (tables truth
 * and clock, in the form tests/data/vantage/mktruth.py writes): shared by
 * the committed scenarios (test_vantage.c) and the programmatic captures
 * (test_vantage_sim.c). Check 6 reads the report's pair pages. */
#include "vantage_checks.h"

#include <check.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* The truth of dir/truth.csv and dir/clock.csv into db's tables truth and
 * clock. */
void vt_load_truth(const char *dir, const char *db)
{
	ck_assert_int_eq(tu_sh("sqlite3 %s \"CREATE TABLE truth (dir TEXT, frame_a INTEGER,"
	                       " frame_b INTEGER, owd_ns INTEGER, seen TEXT, whole TEXT, flow INTEGER,"
	                       " flags TEXT); CREATE TABLE clock (offset_ns INTEGER, skew_ppm REAL,"
	                       " lo INTEGER, hi INTEGER, symmetric INTEGER, min_rtt INTEGER,"
	                       " flows_both INTEGER, lost INTEGER, paired INTEGER)\""
	                       " '.mode csv' '.import %s/truth.csv truth' '.import %s/clock.csv clock'"
	                       " \"UPDATE truth SET frame_a = NULLIF(frame_a, ''),"
	                       " frame_b = NULLIF(frame_b, ''), owd_ns = NULLIF(owd_ns, ''),"
	                       " whole = NULLIF(whole, '')\"", db, dir, dir), 0);
}

void vt_paired(const char *name, char dir[64], char db[128])
{
	tu_scratch_dir(dir);
	snprintf(db, 128, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(VT_BIN " ingest -q -d %s --vantage client " VT_DATA
	                       "/%s-client.pcap.gz", db, name), 0);
	ck_assert_int_eq(tu_sh(VT_BIN " ingest -q -d %s --vantage server " VT_DATA
	                       "/%s-server.pcap.gz", db, name), 0);
	ck_assert_int_eq(tu_sh(VT_BIN " pair -q -d %s client server", db), 0);
}

void vt_self_paired(char dir[64], char db[128])
{
	tu_scratch_dir(dir);
	snprintf(db, 128, "%s/t.db", dir);
	/* One byte of the copy's header changed (its snap length), so that
	 * it is another capture. */
	ck_assert_int_eq(tu_sh("zcat " VT_DATA "/routed-client.pcap.gz > %s/a.pcap && cp %s/a.pcap"
	                       " %s/b.pcap && printf '\\377\\377\\000\\000' | dd of=%s/b.pcap bs=1"
	                       " seek=16 conv=notrunc 2>/dev/null", dir, dir, dir, dir), 0);
	ck_assert_int_eq(tu_sh(VT_BIN " ingest -q -d %s --vantage a %s/a.pcap", db, dir), 0);
	ck_assert_int_eq(tu_sh(VT_BIN " ingest -q -d %s --vantage b %s/b.pcap", db, dir), 0);
	ck_assert_int_eq(tu_sh(VT_BIN " pair -q -d %s a b", db), 0);
}

long long vt_q(const char *db, const char *sql)
{
	return tu_query_int(db, sql);
}

/* Checks 1 and 2: the pairs, the losses, the wholes; one flow pair per
 * connection seen at both, each with A on the client's side. */
void vt_check_pairing(const char *db)
{
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM truth"
	                       " WHERE seen = 'both' EXCEPT SELECT frame_a, frame_b FROM sightings"
	                       " WHERE fate = 'paired')"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM sightings"
	                       " WHERE fate = 'paired' EXCEPT SELECT frame_a, frame_b FROM truth"
	                       " WHERE seen = 'both')"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE fate = 'paired'"),
	                 vt_q(db, "SELECT paired FROM clock"));
	/* Lost: seen at the sender's tap only, there. */
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM truth"
	                       " WHERE seen IN ('client', 'server') EXCEPT SELECT frame_a, frame_b"
	                       " FROM sightings WHERE fate = 'lost_between')"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE fate = 'lost_between'"),
	                 vt_q(db, "SELECT lost FROM clock"));
	/* Appeared between: only what a middlebox made (the programmatic
	 * cases' seen 'appeared'). */
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM sightings"
	                       " WHERE fate = 'appeared_between' EXCEPT SELECT frame_a, frame_b"
	                       " FROM truth WHERE seen = 'appeared')"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE fate = 'appeared_between'"),
	                 vt_q(db, "SELECT count(*) FROM truth WHERE seen = 'appeared'"));
	/* A piece carries its whole's frame and names the side that saw it. */
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM truth t JOIN sightings s USING (frame_a, frame_b)"
	                       " WHERE t.whole IS NOT s.whole"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM flow_pairs"), vt_q(db, "SELECT flows_both FROM clock"));
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM flow_pairs WHERE a_side != 'client'"), 0);
}

/* Check 3: the true offset within the bounds, the estimate within 0.5 ms
 * of the offset that makes both smallest delays equal. */
void vt_check_clock(const char *db)
{
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM clock_fits"), 1);
	ck_assert_int_eq(vt_q(db, "SELECT quality = 'ok' FROM clock_fits"), 1);
	ck_assert_int_eq(vt_q(db, "SELECT offset_lo_ns <= (SELECT offset_ns FROM clock)"
	                       " AND (SELECT offset_ns FROM clock) <= offset_hi_ns FROM clock_fits"), 1);
	ck_assert_int_le(vt_q(db, "SELECT abs(offset_ns - (SELECT symmetric FROM clock)) FROM clock_fits"),
	                 500000);
}

/* Check 4: each paired segment's delay against the truth, as is or (an
 * asymmetric path) with each direction's smallest taken off both. */
void vt_check_delays(const char *db, bool symmetric)
{
	const char *err = symmetric
		? "SELECT max(abs(s.owd_ns - t.owd_ns)) FROM sightings s JOIN truth t"
		  " USING (frame_a, frame_b) WHERE s.fate = 'paired'"
		: "WITH m AS (SELECT s.from_client, min(s.owd_ns) AS db_min, min(t.owd_ns) AS t_min"
		  " FROM sightings s JOIN truth t USING (frame_a, frame_b) WHERE s.fate = 'paired'"
		  " GROUP BY s.from_client)"
		  " SELECT max(abs((s.owd_ns - m.db_min) - (t.owd_ns - m.t_min))) FROM sightings s"
		  " JOIN truth t USING (frame_a, frame_b) JOIN m USING (from_client)"
		  " WHERE s.fate = 'paired'";
	ck_assert_int_le(vt_q(db, err), 500000);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE fate = 'paired'"
	                       " AND owd_ns IS NULL"), 0);
	/* No receive before its send, less the clock's error bound. */
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings s, clock_fits c"
	                       " WHERE s.owd_ns < -c.min_rtt_between_ns / 2 - 1000"), 0);
}

/* Check 5: each endpoint's states at its own tap: a receipt at its
 * receive sighting (never one lost between), a send at its send sighting;
 * the server leaves LISTEN when the first SYN to arrive arrives. */
#define T_JOIN_S " FROM pair_transitions t JOIN sightings s ON s.pair_id = t.pair_id" \
	" AND s.frame_a IS t.frame_a AND s.frame_b IS t.frame_b"
void vt_check_states(const char *db)
{
	ck_assert_int_gt(vt_q(db, "SELECT count(*) FROM pair_transitions"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*)" T_JOIN_S " WHERE t.event & 1 AND"
	                       " (s.fate = 'lost_between' OR t.ts_ns IS NOT s.recv_ts_ns)"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*)" T_JOIN_S " WHERE NOT t.event & 1 AND t.event != 10"
	                       " AND t.ts_ns IS NOT s.send_ts_ns"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM pair_transitions t"
	                       " WHERE NOT EXISTS (SELECT 1 FROM sightings s WHERE s.pair_id = t.pair_id"
	                       " AND s.frame_a IS t.frame_a AND s.frame_b IS t.frame_b)"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*)" T_JOIN_S " WHERE t.endpoint = 1 AND t.from_state = 2"
	                       " AND (s.flags & 18 != 2 OR s.recv_ts_ns != (SELECT min(recv_ts_ns)"
	                       " FROM sightings x WHERE x.pair_id = t.pair_id AND x.flags & 18 = 2))"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM flow_pairs p WHERE EXISTS (SELECT 1 FROM sightings"
	                       " WHERE pair_id = p.id AND flags & 18 = 2 AND fate = 'paired')"
	                       " AND NOT EXISTS (SELECT 1 FROM pair_transitions WHERE pair_id = p.id"
	                       " AND endpoint = 1 AND from_state = 2 AND to_state = 4)"), 0);
}

/* A segment lost between whose retransmission arrived: its receiver
 * moves at the copy that arrived, after the one lost. flags: the
 * segment's (2+16 a SYN,ACK, 1 a FIN); to: the receiver's state then. */
void vt_check_moved_at_retransmission(const char *db, int flags, int endpoint, int to)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM sightings l JOIN pair_transitions t ON t.pair_id = l.pair_id"
	         " AND t.endpoint = %d AND t.to_state = %d JOIN sightings s ON s.pair_id = t.pair_id"
	         " AND s.frame_a IS t.frame_a AND s.frame_b IS t.frame_b"
	         " WHERE l.fate = 'lost_between' AND l.flags & %d = %d"
	         " AND s.fate = 'paired' AND s.flags & %d = %d AND s.send_ts_ns > l.send_ts_ns"
	         " AND t.ts_ns = s.recv_ts_ns", endpoint, to, flags | 4, flags, flags | 4, flags);
	ck_assert_int_ge(vt_q(db, sql), 1);
}


/* ---- check 6: the ladder of each flow pair ---- */

#define SEG_PAIR "//*[local-name() = 'g'][contains(concat(@class, ' '), 'seg pair ')]"

static xmlXPathObjectPtr select_nodes(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr xp = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, xp);
	xmlXPathFreeContext(xp);
	ck_assert_msg(o && o->type == XPATH_NODESET, "%s: not a node set", expr);
	return o;
}

int vt_count(xmlDocPtr doc, const char *expr)
{
	xmlXPathObjectPtr o = select_nodes(doc, expr);
	int n = xmlXPathNodeSetGetLength(o->nodesetval);
	xmlXPathFreeObject(o);
	return n;
}

xmlDocPtr vt_read_page(const char *path)
{
	xmlDocPtr doc = htmlReadFile(path, "UTF-8",
	                             HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ck_assert_msg(doc != NULL, "%s: not written", path);
	return doc;
}

static double attr_num(xmlNodePtr node, const char *name)
{
	xmlChar *v = xmlGetProp(node, BAD_CAST name);
	ck_assert_msg(v != NULL, "a <%s> without %s", (const char *)node->name, name);
	double d = strtod((const char *)v, NULL);
	xmlFree(v);
	return d;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each g.seg.pair of a page as "frame_a|frame_b|owd_ns" (empty where an
 * attribute is absent), sorted and joined by commas. */
static char *page_sightings(xmlDocPtr doc)
{
	xmlXPathObjectPtr o = select_nodes(doc, SEG_PAIR);
	int n = xmlXPathNodeSetGetLength(o->nodesetval);
	char **v = calloc((size_t)n + 1, sizeof *v);
	size_t total = 1;
	for (int i = 0; i < n; i++) {
		xmlNodePtr g = xmlXPathNodeSetItem(o->nodesetval, i);
		xmlChar *a = xmlGetProp(g, BAD_CAST "data-frame-a");
		xmlChar *b = xmlGetProp(g, BAD_CAST "data-frame-b");
		xmlChar *d = xmlGetProp(g, BAD_CAST "data-owd-ns");
		ck_assert_int_ge(asprintf(&v[i], "%s|%s|%s", a ? (char *)a : "", b ? (char *)b : "",
		                          d ? (char *)d : ""), 0);
		total += strlen(v[i]) + 1;
		xmlFree(a);
		xmlFree(b);
		xmlFree(d);
	}
	xmlXPathFreeObject(o);
	qsort(v, (size_t)n, sizeof *v, by_text);
	char *out = calloc(total, 1);
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, v[i]);
		free(v[i]);
	}
	free(v);
	return out;
}

void vt_check_ladder(const char *db, const char *dir)
{
	ck_assert_int_eq(tu_sh(VT_BIN " report -q --max-segments 1000000 -d %s -o %s/ladders",
	                       db, dir), 0);
	long long pairs = vt_q(db, "SELECT count(*) FROM flow_pairs");
	ck_assert_int_gt(pairs, 0);
	long long checked = 0;
	for (long long id = 1; checked < pairs; id++) {
		char q[512], path[256];
		snprintf(q, sizeof q, "SELECT count(*) FROM flow_pairs WHERE id = %lld", id);
		if (vt_q(db, q) == 0)
			continue;
		checked++;
		snprintf(path, sizeof path, "%s/ladders/flows/pair-%lld.html", dir, id);
		xmlDocPtr doc = vt_read_page(path);
		/* One g.seg.lost-between per segment lost between the taps. */
		snprintf(q, sizeof q, "SELECT count(*) FROM sightings WHERE pair_id = %lld"
		         " AND fate = 'lost_between'", id);
		ck_assert_int_eq(vt_count(doc, SEG_PAIR "[contains(@class, ' lost-between')]"),
		                 vt_q(db, q));
		/* Every sighting drawn, with its frames and its delay as the table has them. */
		char *drawn = page_sightings(doc);
		snprintf(q, sizeof q, "SELECT IFNULL(group_concat(x, ','), '') FROM (SELECT"
		         " IFNULL(frame_a, '') || '|' || IFNULL(frame_b, '') || '|' ||"
		         " IFNULL(owd_ns, '') AS x FROM sightings WHERE pair_id = %lld ORDER BY x)", id);
		char *want = tu_query(db, q);
		want[strcspn(want, "\n")] = '\0';
		size_t k = 0;
		while (drawn[k] && drawn[k] == want[k])
			k++;
		ck_assert_msg(strcmp(drawn, want) == 0, "%s: from character %zu: drawn '%.60s',"
		              " sightings '%.60s'", path, k, drawn + k, want + k);
		free(drawn);
		free(want);
		/* Every paired arrow slants downward. */
		xmlXPathObjectPtr o = select_nodes(doc, SEG_PAIR "[not(contains(@class, '-between'))]"
		                                        "/*[local-name() = 'line'][@class = 'arrow']");
		int n = xmlXPathNodeSetGetLength(o->nodesetval);
		snprintf(q, sizeof q, "SELECT count(*) FROM sightings WHERE pair_id = %lld"
		         " AND fate = 'paired'", id);
		ck_assert_int_eq(n, vt_q(db, q));
		for (int i = 0; i < n; i++) {
			xmlNodePtr line = xmlXPathNodeSetItem(o->nodesetval, i);
			ck_assert_msg(attr_num(line, "y2") > attr_num(line, "y1"),
			              "%s: a paired arrow that does not slant down", path);
		}
		xmlXPathFreeObject(o);
		/* Each state label names the tap that drove it. */
		ck_assert_int_eq(vt_count(doc, "//*[local-name() = 'text'][@class = 'state']"
		                                  "[not(@data-vantage)]"), 0);
		snprintf(q, sizeof q, "SELECT count(*) FROM pair_transitions WHERE pair_id = %lld", id);
		ck_assert_int_eq(vt_count(doc, "//*[local-name() = 'text'][@class = 'state']"
		                                  "[@data-vantage][not(@data-frame = '0')]"),
		                 vt_q(db, q));
		xmlFreeDoc(doc);
	}
}
