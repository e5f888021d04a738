/* fidelity: the real captures in ../shared/corpus where a state rule or
 * the ingest path once went wrong, each pinned to its frames (issue 11,
 * docs/analysis.md "Fidelity on real captures"). Every assertion is on
 * the exact rows a reader gets: connections, final states, transitions in
 * seen_frame order. Not registered (and says so) without the corpus. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "suites.h"
#include "testutil.h"

#define CORPUS "../../shared/corpus"
#define TUNNELS "../../shared/corpus-tunnels" /* read too when there */

/* One corpus capture ingested into a scratch database, named in db. */
static void ingest_one(const char *name, char db[128])
{
	char dir[64], path[256];
	tu_scratch_dir(dir);
	snprintf(db, 128, "%s/t.db", dir);
	snprintf(path, sizeof path, CORPUS "/%s", name);
	struct ingest_result r;
	tu_ingest(db, path, NULL, &r);
	ck_assert_msg(r.outcome == INGEST_OK, "%s: %s", name, r.error);
}

/* sql's rows are exactly want. */
static void assert_rows(const char *db, const char *sql, const char *want)
{
	char *got = tu_query(db, sql);
	ck_assert_msg(strcmp(got, want) == 0, "%s\ngot:\n%swant:\n%s", sql, got, want);
	free(got);
}

#define TRANSITIONS_OF(client)                                                  \
	"SELECT t.frame, t.seen_frame, t.endpoint, t.from_state, t.to_state, t.event" \
	" FROM transitions_view t JOIN flows_view f ON f.id = t.flow_id"           \
	" WHERE f.client = '" client "' ORDER BY t.step"
#define FLOWS_OF(client)                                                        \
	"SELECT first_frame, client_state, server_state, mid_stream FROM flows_view" \
	" WHERE client = '" client "' ORDER BY id"

/* Client port 59621: its SYN (10) is answered by a challenge ACK of
 * another connection's number (12), which proves nothing, so the server
 * stays in LISTEN; the client's RST to it (14) closes the client; the
 * same SYN again (20) opens it again, and the SYN,ACK (21) is proven at
 * 22. One connection, as tshark's stream 0, ending TIME_WAIT / CLOSED. */
START_TEST(syn_from_closed_restarts_and_a_challenge_ack_proves_nothing)
{
	char db[128];
	ingest_one("suricata-verify__tls_tls-subjectaltname_input.pcap", db);
	assert_rows(db, FLOWS_OF("192.168.100.206:59621"), "10|TIME_WAIT|CLOSED|0\n");
	assert_rows(db, TRANSITIONS_OF("192.168.100.206:59621"),
	            "10|10|client|CLOSED|SYN_SENT|send SYN\n"
	            "14|14|client|SYN_SENT|CLOSED|send RST\n"
	            "20|20|client|CLOSED|SYN_SENT|send SYN\n"
	            "20|21|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	            "21|22|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	            "22|22|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	            "244|244|client|ESTABLISHED|FIN_WAIT_1|send FIN\n"
	            "244|245|server|ESTABLISHED|CLOSE_WAIT|recv FIN\n"
	            "245|245|server|CLOSE_WAIT|LAST_ACK|send FIN\n"
	            "245|246|client|FIN_WAIT_1|TIME_WAIT|recv FIN\n"
	            "246|246|server|LAST_ACK|CLOSED|recv ACK\n");
	/* Frame 12 is the server's only segment before 21, and the server is
	 * in LISTEN after it. */
	assert_rows(db, "SELECT client_state, server_state FROM segments_view WHERE frame IN (12, 14, 20)"
	                " ORDER BY frame",
	            "SYN_SENT|LISTEN\nCLOSED|LISTEN\nSYN_SENT|LISTEN\n");
}
END_TEST

/* Issue 16. zeek__tcp_rst-inject-rae.pcap: the client's SYN (1) is
 * answered by an injected RST (2), then by the server's SYN,ACK (3). The
 * server that seemed to refuse was listening: CLOSED -> SYN_RECEIVED,
 * proven at the SYN,ACK, and the table goes on (until the server's RST
 * at 7). Zeek keeps it one connection with its responder reset: REJ, as
 * Zeek's core.tcp.rst-after-syn baseline has it. */
START_TEST(a_refusing_server_that_answers_was_listening)
{
	char db[128];
	ingest_one("zeek__tcp_rst-inject-rae.pcap", db);
	assert_rows(db, TRANSITIONS_OF("1.2.0.2:2527"),
	            "1|1|client|CLOSED|SYN_SENT|send SYN\n"
	            "1|3|server|CLOSED|SYN_RECEIVED|recv SYN\n"
	            "3|4|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	            "4|4|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	            "7|7|server|ESTABLISHED|CLOSED|send RST\n"
	            "7|7|client|ESTABLISHED|CLOSED|recv RST\n");
	assert_rows(db, "SELECT conn_state FROM flows_view", "REJ\n");
	assert_rows(db, "SELECT frame, server_state FROM segments_view WHERE frame <= 4 ORDER BY frame",
	            "1|CLOSED\n2|CLOSED\n3|SYN_RECEIVED\n4|ESTABLISHED\n");
}
END_TEST

/* Issue 16, on the connection of the first test: the SYN,ACK (21) has a
 * number other than the challenge ACK's (12), and it is an ISN: no
 * segment is missing before it, and the client's ACK of it (22) is of a
 * segment seen (tshark 4.0 flags lost_segment and ack_lost_segment).
 * Zeek takes the SYN sent again (20) for a new connection, the client
 * having reset: its codes are those of the conversation that followed. */
START_TEST(a_syn_ack_number_is_an_isn)
{
	char db[128];
	ingest_one("suricata-verify__tls_tls-subjectaltname_input.pcap", db);
	assert_rows(db, "SELECT s.frame, s.analysis_names FROM segments_view s JOIN flows_view f"
	                " ON f.id = s.flow_id WHERE f.client = '192.168.100.206:59621'"
	                " AND s.frame IN (20, 21, 22) ORDER BY s.frame",
	            "20|retransmission\n21|reused_ports\n22|\n");
	assert_rows(db, "SELECT conn_state, history FROM flows_view"
	                " WHERE client = '192.168.100.206:59621'", "SF|ShADadFf\n");
}
END_TEST

/* Issue 16. tcpdump__tcp_eight_lowest_weight_flags_set.pcap: one packet
 * with all eight flags. A RST, whatever else it carries: a mid-stream
 * connection (roles by the port rule: the server on port 80) that its
 * sender aborts, not a SYN,ACK seen first. */
START_TEST(a_segment_with_rst_is_a_rst)
{
	char db[128];
	ingest_one("tcpdump__tcp_eight_lowest_weight_flags_set.pcap", db);
	assert_rows(db, "SELECT client, server, mid_stream, client_state, server_state FROM flows_view",
	            "10.0.0.2:6260|10.128.0.2:80|1|CLOSED|CLOSED\n");
	assert_rows(db, TRANSITIONS_OF("10.0.0.2:6260"),
	            "1|1|client|UNKNOWN|ESTABLISHED|mid-stream\n"
	            "1|1|server|UNKNOWN|ESTABLISHED|mid-stream\n"
	            "1|1|client|ESTABLISHED|CLOSED|send RST\n"
	            "1|1|server|ESTABLISHED|CLOSED|recv RST\n");
}
END_TEST

/* A client's ACK of a SYN,ACK the capture never showed: the client's own
 * later segment proves the server had its SYN (SYN_RECEIVED), but nothing
 * proves the server's SYN received, so neither reaches ESTABLISHED. */
START_TEST(ack_of_a_syn_ack_never_captured_proves_nothing)
{
	char db[128];
	ingest_one("pcapplusplus__raw_ip.pcap", db);
	assert_rows(db, FLOWS_OF("10.0.0.1:55469"), "53|SYN_SENT|SYN_RECEIVED|0\n");
	assert_rows(db, TRANSITIONS_OF("10.0.0.1:55469"),
	            "53|53|client|CLOSED|SYN_SENT|send SYN\n"
	            "53|54|server|LISTEN|SYN_RECEIVED|recv SYN\n");

	ingest_one("pcapplusplus__unidirectional_tcp_stream_with_missing_packet.pcap", db);
	assert_rows(db, FLOWS_OF("10.0.0.1:61541"), "1|SYN_SENT|SYN_RECEIVED|0\n");
	assert_rows(db, TRANSITIONS_OF("10.0.0.1:61541"),
	            "1|1|client|CLOSED|SYN_SENT|send SYN\n"
	            "1|2|server|LISTEN|SYN_RECEIVED|recv SYN\n");
}
END_TEST

/* TCP in IP fragments: reassembled, the segment at the frame that
 * completes its datagram, with tshark's flags, numbers and length (tshark
 * 4.0: tcp.flags.str, tcp.seq_raw, tcp.seq, tcp.len on these files). */
static const struct {
	const char *file;
	const char *segment;  /* frame|flags_text|seq|rel_seq|len */
	const char *counts;   /* packets|tcp_packets|bad|reassembled|incomplete|overlapping */
} fragmented[] = {
	{"pcapplusplus__frag_http_req.pcap", "11|P.|2290951306|1|1460", "11|1|0|1|0|0"},
	{"zeek__ipv4_fragmented-syn.pcap", "2|S|1000|0|0", "2|1|0|1|0|0"},
	{"suricata-verify__defrag_bug-6887-defrag-eth-vlan-ipv6-tcp_frag-eth-vlan-ipv6-tcp.pcap",
	 "3|.|1|1|1000", "3|1|0|1|0|0"},
	{"suricata-verify__defrag_bug-6887-defrag-ipv4-tcp-syn_frag-ip-tcp-syn.pcap",
	 "3|S|1|0|0", "3|1|0|1|0|0"},
	/* Fragments 3 and 5 overlap (bytes 48-72 of the datagram): counted,
	 * the first copy kept; the TCP header is in fragment 2 either way. */
	{"zeek__ipv4_fragmented-4.pcap", "5|none|14715173|1|69", "6|3|0|1|0|1"},
};

START_TEST(tcp_in_ip_fragments_is_reassembled)
{
	char db[128];
	ingest_one(fragmented[_i].file, db);
	char want[128];
	snprintf(want, sizeof want, "%s\n", fragmented[_i].segment);
	const char *frame_end = strchr(fragmented[_i].segment, '|');
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT frame, flags_text, seq, rel_seq, len FROM segments_view"
	         " WHERE frame = %.*s", (int)(frame_end - fragmented[_i].segment),
	         fragmented[_i].segment);
	assert_rows(db, sql, want);
	snprintf(want, sizeof want, "%s\n", fragmented[_i].counts);
	assert_rows(db, "SELECT packets, tcp_packets, bad_packets, frag_reassembled,"
	                " frag_incomplete, frag_overlapping FROM captures", want);
}
END_TEST

/* What an independent reading of DESIGN.md's rules found on the corpus
 * (docs/analysis.md, "Fidelity on real captures"), each connection's
 * rows: first frame, final states, mid_stream. */
static const struct {
	const char *file, *client, *rows;
} independent[] = {
	/* A RST past the receiver's window (its last ACK, frame 1225, is
	 * 123,689 bytes behind, window 65535) is not received. */
	{"zeek__http_206_example_b.pcap", "192.168.72.14:3254", "1|ESTABLISHED|CLOSED|0\n"},
	/* Frame 3 comes 300.000000000 s after frame 2: due at the idle
	 * timeout itself, as Zeek's timer is. */
	{"zeek__tcp_retransmit-timeout.pcapng", "10.0.0.1:51889",
	 "1|ESTABLISHED|ESTABLISHED|1\n3|ESTABLISHED|ESTABLISHED|1\n"},
	/* The client's RST to a challenge ACK (155) moves no window mark: its
	 * RST at 3138, at the server's last ACK, is received. */
	{"suricata-verify__tls_tls-subjectaltname_input.pcap", "192.168.100.206:59819",
	 "152|CLOSED|CLOSED|0\n"},
};

START_TEST(independent_reading_agrees)
{
	char db[128], sql[256];
	ingest_one(independent[_i].file, db);
	snprintf(sql, sizeof sql, "SELECT first_frame, client_state, server_state, mid_stream"
	         " FROM flows_view WHERE client = '%s' ORDER BY id", independent[_i].client);
	assert_rows(db, sql, independent[_i].rows);
}
END_TEST

/* ingest -v says what reassembly did, capture by capture. */
START_TEST(verbose_ingest_names_reassembly)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -v -d %s/t.db " CORPUS
	                       "/zeek__ipv4_fragmented-4.pcap 2>%s/err", dir, dir), 0);
	char path[128];
	snprintf(path, sizeof path, "%s/err", dir);
	char *err = tu_slurp(path);
	ck_assert_msg(strstr(err, "zeek__ipv4_fragmented-4.pcap: capture 1, 6 packets, 3 TCP,"
	                          " 2 connections; IP datagrams from fragments: 1 reassembled,"
	                          " 0 incomplete, 1 overlapping\n"), "%s", err);
	free(err);
}
END_TEST

/* DESIGN.md's state table as edges (from_state, to_state): each row, a
 * mid-stream start (from UNKNOWN), a SYN,ACK seen first (its sender from
 * UNKNOWN, its receiver's inferred SYN), a refused server's SYN,ACK
 * (CLOSED -> SYN_RECEIVED) and "any | send RST -> CLOSED". */
#define STATE_TABLE_EDGES                                                            \
	"('CLOSED','SYN_SENT'), ('LISTEN','SYN_SENT'), ('LISTEN','SYN_RECEIVED'),"   \
	"('SYN_SENT','ESTABLISHED'), ('SYN_SENT','SYN_RECEIVED'),"                   \
	"('SYN_RECEIVED','ESTABLISHED'), ('SYN_RECEIVED','FIN_WAIT_1'),"             \
	"('ESTABLISHED','FIN_WAIT_1'), ('ESTABLISHED','CLOSE_WAIT'),"                \
	"('CLOSE_WAIT','LAST_ACK'), ('FIN_WAIT_1','FIN_WAIT_2'),"                    \
	"('FIN_WAIT_1','CLOSING'), ('FIN_WAIT_1','TIME_WAIT'),"                      \
	"('FIN_WAIT_2','TIME_WAIT'), ('CLOSING','TIME_WAIT'), ('LAST_ACK','CLOSED'),"\
	"('UNKNOWN','ESTABLISHED'), ('UNKNOWN','SYN_RECEIVED'), ('UNKNOWN','SYN_SENT'),"\
	"('CLOSED','SYN_RECEIVED'),"

/* Every way a connection's transitions can disagree with themselves or
 * with the table, one row per finding: the chain broken (a row's
 * from_state is not the to_state before it, in seen_frame order), an edge
 * the table has no row for, a first from_state no endpoint starts in (the
 * client CLOSED, the server LISTEN, either UNKNOWN mid-stream; a refused
 * server, whose first segment is a RST, is CLOSED from the start), a final
 * state that is not the last to_state. */
static const char chain_findings_sql[] =
	"WITH edges(from_state, to_state) AS (VALUES " STATE_TABLE_EDGES
	"  ('UNKNOWN','CLOSED'), ('LISTEN','CLOSED'), ('SYN_SENT','CLOSED'),"
	"  ('SYN_RECEIVED','CLOSED'), ('ESTABLISHED','CLOSED'), ('FIN_WAIT_1','CLOSED'),"
	"  ('FIN_WAIT_2','CLOSED'), ('CLOSE_WAIT','CLOSED'), ('CLOSING','CLOSED'),"
	"  ('TIME_WAIT','CLOSED')),"
	" initial AS (SELECT f.id AS flow_id, e.endpoint,"
	"   CASE WHEN e.endpoint = 'client' THEN 'CLOSED'"
	"        WHEN NOT f.mid_stream AND (SELECT s.flags & 4 FROM segments_view s"
	"          WHERE s.flow_id = f.id AND s.from_client = 0 ORDER BY s.frame LIMIT 1)"
	"          THEN 'CLOSED' ELSE 'LISTEN' END AS state,"
	"   CASE e.endpoint WHEN 'client' THEN f.client_state ELSE f.server_state END AS final"
	"   FROM flows_view f, (SELECT 'client' AS endpoint UNION ALL SELECT 'server') e),"
	" chained AS (SELECT t.*, LAG(t.to_state) OVER w AS before, ROW_NUMBER() OVER w AS n,"
	"   ROW_NUMBER() OVER (PARTITION BY t.flow_id, t.endpoint"
	"                      ORDER BY t.seen_frame DESC, t.step DESC) AS from_end"
	"   FROM transitions_view t"
	"   WINDOW w AS (PARTITION BY t.flow_id, t.endpoint ORDER BY t.seen_frame, t.step))"
	" SELECT 'chain broken', flow_id, endpoint, seen_frame, before || ' then ' || from_state"
	"   FROM chained WHERE n > 1 AND before != from_state"
	" UNION ALL SELECT 'no such edge', flow_id, endpoint, seen_frame,"
	"   from_state || ' -> ' || to_state FROM chained"
	"   WHERE (from_state, to_state) NOT IN (SELECT * FROM edges)"
	" UNION ALL SELECT 'first from_state', c.flow_id, c.endpoint, c.seen_frame, c.from_state"
	"   FROM chained c JOIN initial i USING (flow_id, endpoint)"
	"   WHERE c.n = 1 AND c.from_state NOT IN ('UNKNOWN', i.state)"
	" UNION ALL SELECT 'final state', i.flow_id, i.endpoint, NULL, i.final || ' after '"
	"   || COALESCE(c.to_state, i.state)"
	"   FROM initial i LEFT JOIN chained c"
	"     ON c.flow_id = i.flow_id AND c.endpoint = i.endpoint AND c.from_end = 1"
	"   WHERE i.final IS NOT COALESCE(c.to_state, i.state)";

/* The differential that needs no held-out data: every capture of
 * examples/ and the corpus (both folders), every connection's transitions
 * consistent.
 * (Connection counts against tshark's tcp.stream are diff_tshark's, run
 * by make test: docs/analysis.md.) */
START_TEST(every_connection_chains_its_transitions)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/all.db", dir);
	struct stat st;
	bool tunnels = stat(TUNNELS "/MANIFEST.tsv", &st) == 0;
	int rc = tu_sh("../tcpladder ingest -q -d %s ../examples " CORPUS " %s 2>/dev/null", db,
	               tunnels ? TUNNELS : "");
	ck_assert_msg(rc == 0 || rc == 1, "ingest exited %d", rc); /* 1: broken on purpose */
	long long flows = tu_query_int(db, "SELECT count(*) FROM flows");
	ck_assert_msg(flows > 500, "%lld connections", flows);
	char *findings = tu_query(db, chain_findings_sql);
	ck_assert_msg(findings[0] == '\0', "transitions that do not chain:\n%s", findings);
	free(findings);
	/* The check can fail: a final state the transitions do not reach. */
	tu_sh("sqlite3 %s \"UPDATE flows SET client_state = (SELECT id FROM tcp_states"
	      " WHERE name = 'CLOSING') WHERE id = 1\"", db);
	findings = tu_query(db, chain_findings_sql);
	ck_assert_msg(strncmp(findings, "final state|1|client||CLOSING after ", 36) == 0, "%s",
	              findings);
	free(findings);
}
END_TEST

Suite *fidelity_suite(void)
{
	Suite *s = suite_create("fidelity");
	struct stat st;
	if (stat(CORPUS "/MANIFEST.tsv", &st) != 0) {
		fprintf(stderr, "fidelity: %s not found; the fidelity tests are not run\n", CORPUS);
		return s;
	}
	TCase *tc = tcase_create("named_captures");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, syn_from_closed_restarts_and_a_challenge_ack_proves_nothing);
	tcase_add_test(tc, ack_of_a_syn_ack_never_captured_proves_nothing);
	tcase_add_test(tc, a_refusing_server_that_answers_was_listening);
	tcase_add_test(tc, a_syn_ack_number_is_an_isn);
	tcase_add_test(tc, a_segment_with_rst_is_a_rst);
	tcase_add_test(tc, every_connection_chains_its_transitions);
	tcase_add_test(tc, verbose_ingest_names_reassembly);
	tcase_add_loop_test(tc, independent_reading_agrees, 0,
	                    (int)(sizeof independent / sizeof independent[0]));
	tcase_add_loop_test(tc, tcp_in_ip_fragments_is_reassembled, 0,
	                    (int)(sizeof fragmented / sizeof fragmented[0]));
	suite_add_tcase(s, tc);
	return s;
}
