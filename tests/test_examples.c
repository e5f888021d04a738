/* examples: every capture in examples/ (written by examples/mkexamples.c)
 * ingested, and its transitions equal to the ones written down here, row
 * for row (flow, frame, seen_frame, endpoint, from, to, event). The seed's
 * are DESIGN.md's table. The seed's relative numbers are also checked
 * against tcpdump's own output, when tcpdump is installed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

struct example {
	const char *file;
	const char *transitions; /* flow|frame|seen_frame|endpoint|from|to|event */
};

static const struct example examples[] = {
	{"seed.pcap",
	 "1|1|1|client|CLOSED|SYN_SENT|send SYN\n"
	 "1|1|2|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	 "1|2|3|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	 "1|3|3|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	 "1|10|10|server|ESTABLISHED|FIN_WAIT_1|send FIN\n"
	 "1|10|11|client|ESTABLISHED|CLOSE_WAIT|recv FIN\n"
	 "1|11|11|server|FIN_WAIT_1|FIN_WAIT_2|recv ACK\n"
	 "1|12|12|client|CLOSE_WAIT|LAST_ACK|send FIN\n"
	 "1|12|13|server|FIN_WAIT_2|TIME_WAIT|recv FIN\n"
	 "1|13|13|client|LAST_ACK|CLOSED|recv ACK\n"},
	/* Crossing FINs: each FIN is received from FIN_WAIT_1 (CLOSING), and
	 * each side's FIN was sent from ESTABLISHED. */
	{"simultaneous-close.pcap",
	 "1|1|1|client|CLOSED|SYN_SENT|send SYN\n"
	 "1|1|2|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	 "1|2|3|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	 "1|3|3|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	 "1|6|6|client|ESTABLISHED|FIN_WAIT_1|send FIN\n"
	 "1|7|7|server|ESTABLISHED|FIN_WAIT_1|send FIN\n"
	 "1|7|8|client|FIN_WAIT_1|CLOSING|recv FIN\n"
	 "1|6|8|server|FIN_WAIT_1|CLOSING|recv FIN\n"
	 "1|8|8|server|CLOSING|TIME_WAIT|recv ACK\n"
	 "1|9|9|client|CLOSING|TIME_WAIT|recv ACK\n"},
	/* The server was never listening: no row of its own. */
	{"refused.pcap",
	 "1|1|1|client|CLOSED|SYN_SENT|send SYN\n"
	 "1|2|2|client|SYN_SENT|CLOSED|recv RST\n"},
	{"rst-abort.pcap",
	 "1|1|1|client|CLOSED|SYN_SENT|send SYN\n"
	 "1|1|2|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	 "1|2|3|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	 "1|3|3|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	 "1|6|6|client|ESTABLISHED|CLOSED|send RST\n"
	 "1|6|6|server|ESTABLISHED|CLOSED|recv RST\n"},
	{"midstream.pcap",
	 "1|1|1|client|UNKNOWN|ESTABLISHED|mid-stream\n"
	 "1|1|1|server|UNKNOWN|ESTABLISHED|mid-stream\n"
	 "1|5|5|client|ESTABLISHED|FIN_WAIT_1|send FIN\n"
	 "1|5|6|server|ESTABLISHED|CLOSE_WAIT|recv FIN\n"
	 "1|6|6|server|CLOSE_WAIT|LAST_ACK|send FIN\n"
	 "1|6|7|client|FIN_WAIT_1|TIME_WAIT|recv FIN\n"
	 "1|7|7|server|LAST_ACK|CLOSED|recv ACK\n"},
	/* Four connections: a retransmitted SYN (frame 2) stays in the first,
	 * a new ISN after TIME_WAIT starts the second, and an unanswered
	 * client retrying with a new ISN starts the fourth. */
	{"port-reuse.pcap",
	 "1|1|1|client|CLOSED|SYN_SENT|send SYN\n"
	 "1|1|3|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	 "1|3|4|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	 "1|4|4|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	 "1|5|5|client|ESTABLISHED|FIN_WAIT_1|send FIN\n"
	 "1|5|6|server|ESTABLISHED|CLOSE_WAIT|recv FIN\n"
	 "1|6|6|server|CLOSE_WAIT|LAST_ACK|send FIN\n"
	 "1|6|7|client|FIN_WAIT_1|TIME_WAIT|recv FIN\n"
	 "1|7|7|server|LAST_ACK|CLOSED|recv ACK\n"
	 "2|8|8|client|CLOSED|SYN_SENT|send SYN\n"
	 "2|8|9|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	 "2|9|10|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	 "2|10|10|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	 "2|11|11|client|ESTABLISHED|CLOSED|send RST\n"
	 "2|11|11|server|ESTABLISHED|CLOSED|recv RST\n"
	 "3|12|12|client|CLOSED|SYN_SENT|send SYN\n"
	 "4|13|13|client|CLOSED|SYN_SENT|send SYN\n"},
	{"seq-wrap.pcap",
	 "1|1|1|client|CLOSED|SYN_SENT|send SYN\n"
	 "1|1|2|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	 "1|2|3|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	 "1|3|3|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	 "1|18|18|client|ESTABLISHED|FIN_WAIT_1|send FIN\n"
	 "1|18|19|server|ESTABLISHED|CLOSE_WAIT|recv FIN\n"
	 "1|19|19|server|CLOSE_WAIT|LAST_ACK|send FIN\n"
	 "1|19|20|client|FIN_WAIT_1|TIME_WAIT|recv FIN\n"
	 "1|20|20|server|LAST_ACK|CLOSED|recv ACK\n"},
	{"ipv6.pcap",
	 "1|1|1|client|CLOSED|SYN_SENT|send SYN\n"
	 "1|1|2|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	 "1|2|3|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	 "1|3|3|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	 "1|8|8|client|ESTABLISHED|FIN_WAIT_1|send FIN\n"
	 "1|8|9|server|ESTABLISHED|CLOSE_WAIT|recv FIN\n"
	 "1|9|9|server|CLOSE_WAIT|LAST_ACK|send FIN\n"
	 "1|9|10|client|FIN_WAIT_1|TIME_WAIT|recv FIN\n"
	 "1|10|10|server|LAST_ACK|CLOSED|recv ACK\n"},
	/* The server acknowledges the client's FIN and never sends its own:
	 * FIN_WAIT_2 and CLOSE_WAIT at the end. The second connection stays
	 * ESTABLISHED (its retransmission changes no state). */
	{"stalled.pcap",
	 "1|1|1|client|CLOSED|SYN_SENT|send SYN\n"
	 "1|1|2|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	 "1|2|3|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	 "1|3|3|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	 "1|9|9|client|ESTABLISHED|FIN_WAIT_1|send FIN\n"
	 "1|9|10|server|ESTABLISHED|CLOSE_WAIT|recv FIN\n"
	 "1|10|10|client|FIN_WAIT_1|FIN_WAIT_2|recv ACK\n"
	 "2|11|11|client|CLOSED|SYN_SENT|send SYN\n"
	 "2|11|12|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	 "2|12|13|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	 "2|13|13|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"},
};

enum { EXAMPLE_COUNT = sizeof examples / sizeof examples[0] };

/* Ingest one example into a fresh database; returns its path (static). */
static const char *ingest_example(const char *file, char db[128])
{
	char dir[64], path[256];
	tu_scratch_dir(dir);
	snprintf(db, 128, "%s/t.db", dir);
	snprintf(path, sizeof path, "../examples/%s", file);
	struct ingest_result r;
	tu_ingest(db, path, NULL, &r);
	ck_assert_msg(r.outcome == INGEST_OK, "%s: outcome %d: %s", file, r.outcome,
	              r.error);
	return db;
}

START_TEST(example_transitions_as_written_down)
{
	const struct example *ex = &examples[_i];
	char db[128];
	ingest_example(ex->file, db);
	char *got = tu_query(db, "SELECT flow_id, frame, seen_frame, endpoint,"
	                         " from_state, to_state, event FROM transitions_view"
	                         " ORDER BY flow_id, step");
	ck_assert_msg(strcmp(got, ex->transitions) == 0, "%s:\ngot:\n%s\nexpected:\n%s",
	              ex->file, got, ex->transitions);
	free(got);
}
END_TEST

/* Each endpoint's rows chain: from_state is the previous to_state. */
START_TEST(example_transitions_chain_per_endpoint)
{
	char db[128];
	ingest_example(examples[_i].file, db);
	long long breaks = tu_query_int(
		db, "SELECT count(*) FROM transitions t JOIN transitions p"
		    " ON p.flow_id = t.flow_id AND p.endpoint = t.endpoint"
		    " AND p.step = (SELECT max(step) FROM transitions q WHERE"
		    " q.flow_id = t.flow_id AND q.endpoint = t.endpoint AND q.step < t.step)"
		    " WHERE p.to_state != t.from_state");
	ck_assert_int_eq(breaks, 0);
}
END_TEST

START_TEST(seed_relative_numbers)
{
	char db[128];
	ingest_example("seed.pcap", db);
	char *got = tu_query(db, "SELECT frame, flags_text, rel_seq, rel_ack, len,"
	                         " client_state, server_state FROM segments_view"
	                         " ORDER BY frame");
	const char *want = "1|S|0||0|SYN_SENT|LISTEN\n"
	                   "2|S.|0|1|0|SYN_SENT|SYN_RECEIVED\n"
	                   "3|.|1|1|0|ESTABLISHED|ESTABLISHED\n"
	                   "4|P.|1|1|5|ESTABLISHED|ESTABLISHED\n"
	                   "5|.|1|6|0|ESTABLISHED|ESTABLISHED\n"
	                   "6|P.|1|6|2|ESTABLISHED|ESTABLISHED\n"
	                   "7|.|6|3|0|ESTABLISHED|ESTABLISHED\n"
	                   "8|P.|3|6|11|ESTABLISHED|ESTABLISHED\n"
	                   "9|.|6|14|0|ESTABLISHED|ESTABLISHED\n"
	                   "10|F.|6|14|0|ESTABLISHED|FIN_WAIT_1\n"
	                   "11|.|14|7|0|CLOSE_WAIT|FIN_WAIT_2\n"
	                   "12|F.|14|7|0|LAST_ACK|FIN_WAIT_2\n"
	                   "13|.|7|15|0|CLOSED|TIME_WAIT\n";
	ck_assert_msg(strcmp(got, want) == 0, "got:\n%s", got);
	free(got);
	char *flow = tu_query(db, "SELECT client, server, client_isn, server_isn,"
	                          " client_state, server_state, packets, client_bytes,"
	                          " server_bytes, handshake_rtt_ns, mid_stream, time"
	                          " FROM flows_view");
	ck_assert_str_eq(flow, "192.168.1.103:59850|192.168.1.104:9999|107490516|"
	                       "2963356419|CLOSED|TIME_WAIT|13|13|5|255000|0|"
	                       "2016-11-07T23:59:20.542060000Z\n");
	free(flow);
	/* The SYNs' options, as the post prints them. */
	char *opts = tu_query(db, "SELECT client_mss, server_mss, client_wscale,"
	                          " server_wscale, client_sack_ok, server_sack_ok"
	                          " FROM flows_view");
	ck_assert_str_eq(opts, "1460|1460|5|7|1|1\n");
	free(opts);
	char *seg_opts = tu_query(db, "SELECT frame, options FROM segments_view"
	                              " WHERE options IS NOT NULL ORDER BY frame");
	ck_assert_str_eq(seg_opts,
	                 "1|mss 1460,wscale 5,sackOK,TS val 1508416415 ecr 0\n"
	                 "2|mss 1460,wscale 7,sackOK,TS val 1833338 ecr 1508416415\n");
	free(seg_opts);
}
END_TEST

/* tcpdump without -S prints relative numbers: every seq, ack and length it
 * prints for the seed must be ours (absolute on the first two lines, where
 * tcpdump prints them absolute). */
START_TEST(seed_numbers_equal_tcpdump_without_S)
{
	char db[128];
	ingest_example("seed.pcap", db);
	FILE *p = popen("TZ=UTC tcpdump -n -r ../examples/seed.pcap 2>/dev/null", "r");
	ck_assert_ptr_nonnull(p);
	char line[1024];
	int frame = 0, compared = 0;
	while (fgets(line, sizeof line, p)) {
		frame++;
		char sql[256];
		snprintf(sql, sizeof sql,
		         "SELECT %s, %s, len FROM segments WHERE frame = %d",
		         frame <= 2 ? "seq" : "rel_seq", frame <= 2 ? "ack" : "rel_ack", frame);
		char *row = tu_query(db, sql);
		long long seq, ack, len;
		ck_assert_int_eq(sscanf(row, "%lld|%lld|%lld", &seq, &ack, &len), 3);
		free(row);
		const char *s = strstr(line, " seq ");
		if (s) {
			long long a, b;
			int n = sscanf(s, " seq %lld:%lld", &a, &b);
			ck_assert_int_eq(a, seq);
			if (n == 2)
				ck_assert_int_eq(b, seq + len);
			compared++;
		}
		const char *k = strstr(line, " ack ");
		if (k) {
			ck_assert_int_eq(atoll(k + 5), ack);
			compared++;
		}
		const char *l = strstr(line, " length ");
		ck_assert_ptr_nonnull(l);
		ck_assert_int_eq(atoll(l + 8), len);
	}
	pclose(p);
	ck_assert_int_eq(frame, 13);
	ck_assert_int_eq(compared, 19); /* 7 seq (SYN, data, FIN), 12 ack */
}
END_TEST

START_TEST(seed_capture_prints_the_posts_lines)
{
	ck_assert_int_eq(tu_sh("TZ=UTC tcpdump -S -n -r ../examples/seed.pcap 2>/dev/null"
	                       " | diff - ../examples/seed.tcpdump.txt"),
	                 0);
}
END_TEST

START_TEST(midstream_roles_and_offsets)
{
	char db[128];
	ingest_example("midstream.pcap", db);
	char *flow = tu_query(db, "SELECT client, server, mid_stream, client_isn,"
	                          " server_isn FROM flows_view");
	ck_assert_str_eq(flow, "10.0.0.1:51000|10.0.0.2:443|1||\n");
	free(flow);
	/* tshark's rule: the first byte seen is offset 1. */
	char *segs = tu_query(db, "SELECT frame, sender, rel_seq, rel_ack, len"
	                          " FROM segments_view ORDER BY frame");
	ck_assert_str_eq(segs, "1|server|1|1|50\n"
	                       "2|client|1|51|0\n"
	                       "3|client|1|51|100\n"
	                       "4|server|51|101|0\n"
	                       "5|client|101|51|0\n"
	                       "6|server|51|102|0\n"
	                       "7|client|102|52|0\n");
	free(segs);
}
END_TEST

START_TEST(refused_server_closed_throughout)
{
	char db[128];
	ingest_example("refused.pcap", db);
	char *segs = tu_query(db, "SELECT frame, client_state, server_state"
	                          " FROM segments_view ORDER BY frame");
	ck_assert_str_eq(segs, "1|SYN_SENT|CLOSED\n2|CLOSED|CLOSED\n");
	free(segs);
	char *flow = tu_query(db, "SELECT client_state, server_state FROM flows_view");
	ck_assert_str_eq(flow, "CLOSED|CLOSED\n");
	free(flow);
}
END_TEST

START_TEST(port_reuse_splits_and_flags)
{
	char db[128];
	ingest_example("port-reuse.pcap", db);
	char *flows = tu_query(db, "SELECT id, client, first_frame, last_frame,"
	                           " packets, client_isn FROM flows_view ORDER BY id");
	ck_assert_str_eq(flows, "1|10.0.0.1:40000|1|7|7|1000\n"
	                        "2|10.0.0.1:40000|8|11|4|500000\n"
	                        "3|10.0.0.3:40001|12|12|1|7000\n"
	                        "4|10.0.0.3:40001|13|13|1|9000\n");
	free(flows);
	char *flagged = tu_query(db, "SELECT frame FROM segments_view WHERE"
	                             " analysis_names LIKE '%reused_ports%' ORDER BY frame");
	ck_assert_str_eq(flagged, "8\n13\n");
	free(flagged);
}
END_TEST

START_TEST(seq_wrap_offsets_keep_counting)
{
	char db[128];
	ingest_example("seq-wrap.pcap", db);
	char *segs = tu_query(db, "SELECT group_concat(rel_seq, ',') FROM"
	                          " (SELECT rel_seq FROM segments WHERE from_client = 1"
	                          " AND len > 0 ORDER BY frame)");
	ck_assert_str_eq(segs, "1,101,201,301,401,501\n");
	free(segs);
	/* The absolute numbers did wrap: the client's FIN is past 2^32. */
	char *fin = tu_query(db, "SELECT seq < 4096, rel_seq FROM segments WHERE"
	                         " from_client = 1 AND flags & 1");
	ck_assert_str_eq(fin, "1|601\n");
	free(fin);
	long long fin_ack = tu_query_int(db, "SELECT max(rel_ack) FROM segments"
	                                     " WHERE from_client = 0");
	ck_assert_int_eq(fin_ack, 602);
}
END_TEST

START_TEST(ipv6_endpoints_in_brackets)
{
	char db[128];
	ingest_example("ipv6.pcap", db);
	char *flow = tu_query(db, "SELECT ip_version, client, server, client_bytes,"
	                          " server_bytes FROM flows_view");
	ck_assert_str_eq(flow, "6|[2001:db8::1]:40000|[2001:db8::2]:22|30|40\n");
	free(flow);
}
END_TEST

Suite *examples_suite(void)
{
	Suite *s = suite_create("examples");
	TCase *tc = tcase_create("transitions");
	tcase_add_loop_test(tc, example_transitions_as_written_down, 0, EXAMPLE_COUNT);
	tcase_add_loop_test(tc, example_transitions_chain_per_endpoint, 0, EXAMPLE_COUNT);
	suite_add_tcase(s, tc);
	tc = tcase_create("numbers_and_roles");
	tcase_add_test(tc, seed_relative_numbers);
	tcase_add_test(tc, midstream_roles_and_offsets);
	tcase_add_test(tc, refused_server_closed_throughout);
	tcase_add_test(tc, port_reuse_splits_and_flags);
	tcase_add_test(tc, seq_wrap_offsets_keep_counting);
	tcase_add_test(tc, ipv6_endpoints_in_brackets);
	suite_add_tcase(s, tc);
	if (tu_have("tcpdump")) {
		tc = tcase_create("tcpdump");
		tcase_add_test(tc, seed_numbers_equal_tcpdump_without_S);
		tcase_add_test(tc, seed_capture_prints_the_posts_lines);
		suite_add_tcase(s, tc);
	} else {
		fprintf(stderr, "examples: tcpdump not installed; the tcpdump comparisons are not run\n");
	}
	return s;
}
