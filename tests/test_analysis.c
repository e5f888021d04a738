/* analysis: Wireshark's segment flags, Zeek's conn_state and history, and
 * the per-flow facts (handshake timings, counts, retransmitted bytes,
 * window scaling, who closed first) on small captures written here, each
 * named after what it shows.
 *
 * Each capture is a table of segments with absolute numbers, as tcpdump -S
 * prints them; write_capture() turns it into a raw-IP pcap (libpcap's
 * pcap_open_dead and pcap_dump), which is ingested as the command does.
 * Every flag test also asks tshark, when installed, for the same capture's
 * tcp.analysis.* fields and requires the same names on every frame: the
 * expectations written here are tshark's, not ours. */
#include <arpa/inet.h>
#include <check.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "suites.h"
#include "testutil.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };
enum { C, S }; /* client 10.1.0.1:40000, server 10.1.0.2:80 */

/* One segment: ms after the capture's start, sender, flags, absolute
 * numbers, window, payload length, a SYN's window scale (-1: none), and
 * the client's port when not 40000 (a second connection). */
struct pkt {
	uint32_t ms;
	int from;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win, len;
	int wscale;
	uint16_t client_port;
};

#define CI 1000u /* client ISN */
#define SI 5000u /* server ISN */
/* The handshake most captures start with: the first RTT is 20 ms. */
#define HANDSHAKE                                              \
	{0, C, SYN, CI, 0, 8000, 0, -1},                       \
	{10, S, SYN | ACK, SI, CI + 1, 8000, 0, -1},           \
	{20, C, ACK, CI + 1, SI + 1, 8000, 0, -1}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Raw IPv4 + TCP; checksums are left zero (neither tool checks them). */
static void write_capture(const char *path, const struct pkt *p, size_t n)
{
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	ck_assert_ptr_nonnull(dead);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	ck_assert_msg(d != NULL, "%s: %s", path, pcap_geterr(dead));
	for (size_t i = 0; i < n; i++) {
		uint8_t b[2048] = {0};
		uint8_t *ip = b, *tcp = b + 20;
		size_t optlen = p[i].wscale >= 0 ? 4 : 0; /* NOP + WS */
		size_t total = 20 + 20 + optlen + p[i].len;
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)total);
		ip[8] = 64;
		ip[9] = 6;
		put32(ip + 12, p[i].from == C ? 0x0a010001u : 0x0a010002u);
		put32(ip + 16, p[i].from == C ? 0x0a010002u : 0x0a010001u);
		uint16_t cport = p[i].client_port ? p[i].client_port : 40000;
		put16(tcp, p[i].from == C ? cport : 80);
		put16(tcp + 2, p[i].from == C ? 80 : cport);
		put32(tcp + 4, p[i].seq);
		put32(tcp + 8, p[i].ack);
		tcp[12] = (uint8_t)(((20 + optlen) / 4) << 4);
		tcp[13] = p[i].flags;
		put16(tcp + 14, p[i].win);
		if (optlen) {
			tcp[20] = 1; /* NOP */
			tcp[21] = 3;
			tcp[22] = 3;
			tcp[23] = (uint8_t)p[i].wscale;
		}
		struct pcap_pkthdr h = {
			.ts = {.tv_sec = 1700000000 + p[i].ms / 1000,
			       .tv_usec = (p[i].ms % 1000) * 1000},
			.caplen = (bpf_u_int32)total,
			.len = (bpf_u_int32)total,
		};
		pcap_dump((u_char *)d, &h, b);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

/* Write the table to a scratch capture and ingest it: *pcap and *db name
 * them. */
static void ingest_table(const struct pkt *p, size_t n, char pcap[128], char db[128])
{
	char dir[64];
	tu_scratch_dir(dir);
	snprintf(pcap, 128, "%s/t.pcap", dir);
	snprintf(db, 128, "%s/t.db", dir);
	write_capture(pcap, p, n);
	struct ingest_result r;
	tu_ingest(db, pcap, NULL, &r);
	ck_assert_msg(r.outcome == INGEST_OK, "%s", r.error);
}

/* Our flags, frame by frame: "frame names" lines for flagged frames. */
static char *our_flags(const char *db)
{
	return tu_query(db, "SELECT frame || ' ' || analysis_names FROM segments_view"
	                    " WHERE analysis != 0 ORDER BY frame");
}

/* tshark's, in the same form and the same name order (our bit order),
 * less tcpladder's own unexpected_in_state. */
static char *tshark_flags(const char *pcap)
{
	char cmd[4096];
	int len = snprintf(cmd, sizeof cmd, "tshark -n -r '%s' -T fields -E separator=/t"
	                   " -e frame.number", pcap);
	for (uint32_t bit = 1; bit < AN_UNEXPECTED_IN_STATE; bit <<= 1)
		len += snprintf(cmd + len, sizeof cmd - (size_t)len,
		                " -e tcp.analysis.%s", an_bit_name(bit));
	snprintf(cmd + len, sizeof cmd - (size_t)len, " 2>/dev/null");
	FILE *in = popen(cmd, "r");
	ck_assert_ptr_nonnull(in);
	size_t cap = 4096, used = 0;
	char *out = calloc(1, cap), line[2048];
	while (fgets(line, sizeof line, in)) {
		line[strcspn(line, "\n")] = '\0';
		char *field = line, names[512] = "";
		char *tab = strchr(field, '\t');
		long frame = atol(field);
		for (uint32_t bit = 1; tab && bit < AN_UNEXPECTED_IN_STATE; bit <<= 1) {
			field = tab + 1;
			tab = strchr(field, '\t');
			size_t flen = tab ? (size_t)(tab - field) : strlen(field);
			if (flen)
				snprintf(names + strlen(names), sizeof names - strlen(names),
				         "%s%s", names[0] ? "," : "", an_bit_name(bit));
		}
		if (!names[0])
			continue;
		if (used + strlen(names) + 32 > cap)
			out = realloc(out, cap *= 2);
		used += (size_t)sprintf(out + used, "%ld %s\n", frame, names);
	}
	pclose(in);
	return out;
}

/* The frames' flags are `want`, and tshark (when installed) says so too. */
static void assert_flags(const char *pcap, const char *db, const char *want)
{
	char *ours = our_flags(db);
	ck_assert_str_eq(ours, want);
	free(ours);
	if (!tu_have("tshark"))
		return;
	char *theirs = tshark_flags(pcap);
	ck_assert_msg(strcmp(theirs, want) == 0, "tshark says:\n%s", theirs);
	free(theirs);
}

/* Where tcpladder parts from tshark 4.0 on purpose (docs/analysis.md):
 * our flags are `want`, and tshark's (when installed) are `tshark_want`,
 * so that the difference is pinned both ways. */
static void assert_flags_unlike_tshark(const char *pcap, const char *db, const char *want,
                                       const char *tshark_want)
{
	char *ours = our_flags(db);
	ck_assert_str_eq(ours, want);
	free(ours);
	if (!tu_have("tshark"))
		return;
	char *theirs = tshark_flags(pcap);
	ck_assert_msg(strcmp(theirs, tshark_want) == 0, "tshark says:\n%s", theirs);
	free(theirs);
}

/* tshark's relative numbers, "frame|tcp.seq|tcp.ack" per line, or NULL
 * without tshark. */
static char *tshark_numbers(const char *pcap)
{
	if (!tu_have("tshark"))
		return NULL;
	char cmd[512];
	snprintf(cmd, sizeof cmd, "tshark -n -r '%s' -o tcp.relative_sequence_numbers:TRUE"
	         " -T fields -E separator='|' -e frame.number -e tcp.seq -e tcp.ack 2>/dev/null",
	         pcap);
	FILE *in = popen(cmd, "r");
	ck_assert_ptr_nonnull(in);
	char *out = calloc(1, 8192);
	size_t used = fread(out, 1, 8191, in);
	out[used] = '\0';
	pclose(in);
	return out;
}

#define FLAGS_TEST(name, table, want)                          \
	START_TEST(name)                                       \
	{                                                      \
		char pcap[128], db[128];                       \
		ingest_table(table, ARRAY_LEN(table), pcap, db); \
		assert_flags(pcap, db, want);                  \
	}                                                      \
	END_TEST

/* ---- Wireshark's flags ------------------------------------------------ */

/* Data sent again 200 ms later, long after the 20 ms first RTT: an
 * ordinary (timeout) retransmission. */
static const struct pkt retransmission[] = {
	HANDSHAKE,
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 100, -1},
	{230, C, PSH | ACK, CI + 1, SI + 1, 8000, 100, -1},
	{240, S, ACK, SI + 1, CI + 101, 8000, 0, -1},
};
FLAGS_TEST(retransmission_after_timeout, retransmission, "5 retransmission\n")

/* A segment not captured (1101), two duplicate ACKs asking for it, and
 * its resending 3 ms later: a fast retransmission (RFC 5681 section 3.2),
 * which tshark also calls a retransmission. */
static const struct pkt fast[] = {
	HANDSHAKE,
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 100, -1},
	{31, C, PSH | ACK, CI + 201, SI + 1, 8000, 100, -1},
	{32, C, PSH | ACK, CI + 301, SI + 1, 8000, 100, -1},
	{40, S, ACK, SI + 1, CI + 101, 8000, 0, -1},
	{41, S, ACK, SI + 1, CI + 101, 8000, 0, -1},
	{42, S, ACK, SI + 1, CI + 101, 8000, 0, -1},
	{45, C, PSH | ACK, CI + 101, SI + 1, 8000, 100, -1},
	{50, S, ACK, SI + 1, CI + 401, 8000, 0, -1},
};
FLAGS_TEST(fast_retransmission_after_two_duplicate_acks, fast,
           "5 lost_segment\n"
           "8 duplicate_ack\n"
           "9 duplicate_ack\n"
           "10 retransmission,fast_retransmission\n")

START_TEST(duplicate_acks_are_numbered)
{
	char pcap[128], db[128];
	ingest_table(fast, ARRAY_LEN(fast), pcap, db);
	char *nums = tu_query(db, "SELECT frame, dupack_num FROM segments_view"
	                          " WHERE dupack_num IS NOT NULL ORDER BY frame");
	ck_assert_str_eq(nums, "8|1\n9|2\n");
	free(nums);
	char *counts = tu_query(db, "SELECT retransmission_count, fast_retransmission_count,"
	                            " duplicate_ack_count, lost_segment_count,"
	                            " client_retrans_bytes, server_retrans_bytes,"
	                            " analysis_names FROM flows_view");
	ck_assert_str_eq(counts, "1|1|2|1|100|0|retransmission,fast_retransmission,"
	                         "lost_segment,duplicate_ack\n");
	free(counts);
}
END_TEST

/* Data sent again after it was acknowledged: spurious. */
static const struct pkt spurious[] = {
	HANDSHAKE,
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 100, -1},
	{40, S, ACK, SI + 1, CI + 101, 8000, 0, -1},
	{300, C, PSH | ACK, CI + 1, SI + 1, 8000, 100, -1},
};
FLAGS_TEST(spurious_retransmission_of_acknowledged_data, spurious,
           "6 retransmission,spurious_retransmission\n")

/* 1101 arrives before 1001 (the segment before it not yet captured), 2 ms
 * apart, within the 20 ms first RTT: out of order. */
static const struct pkt out_of_order[] = {
	HANDSHAKE,
	{30, C, PSH | ACK, CI + 101, SI + 1, 8000, 100, -1},
	{32, C, PSH | ACK, CI + 1, SI + 1, 8000, 100, -1},
	{40, S, ACK, SI + 1, CI + 201, 8000, 0, -1},
};
FLAGS_TEST(out_of_order_within_the_first_rtt, out_of_order,
           "4 lost_segment\n"
           "5 out_of_order\n")

/* The server acknowledges 1201 when only up to 1101 was captured. */
static const struct pkt ack_lost[] = {
	HANDSHAKE,
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 100, -1},
	{40, S, ACK, SI + 1, CI + 201, 8000, 0, -1},
};
FLAGS_TEST(ack_of_a_segment_never_captured, ack_lost, "5 ack_lost_segment\n")

/* The server's window closes; the client probes with one byte; the
 * server answers with the window still shut; then opens it. */
static const struct pkt zero_window[] = {
	HANDSHAKE,
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 100, -1},
	{40, S, ACK, SI + 1, CI + 101, 0, 0, -1},
	{240, C, ACK, CI + 101, SI + 1, 8000, 1, -1},
	{250, S, ACK, SI + 1, CI + 101, 0, 0, -1},
	{450, S, ACK, SI + 1, CI + 101, 8000, 0, -1},
};
FLAGS_TEST(zero_window_probe_and_window_update, zero_window,
           "5 zero_window\n"
           "6 zero_window_probe\n"
           "7 zero_window,zero_window_probe_ack\n"
           "8 window_update\n")

/* A minute idle, then a keep-alive at one before the next sequence number
 * (RFC 9293 section 3.8.4), and its answer. */
static const struct pkt keep_alive[] = {
	HANDSHAKE,
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 100, -1},
	{40, S, ACK, SI + 1, CI + 101, 8000, 0, -1},
	{60040, C, ACK, CI + 100, SI + 1, 8000, 0, -1},
	{60050, S, ACK, SI + 1, CI + 101, 8000, 0, -1},
};
FLAGS_TEST(keep_alive_and_its_ack, keep_alive, "6 keep_alive\n7 keep_alive_ack\n")

/* The server offers 1000 bytes of window (no scaling agreed); the client
 * sends exactly that much. */
static const struct pkt window_full[] = {
	{0, C, SYN, CI, 0, 8000, 0, -1},
	{10, S, SYN | ACK, SI, CI + 1, 1000, 0, -1},
	{20, C, ACK, CI + 1, SI + 1, 8000, 0, -1},
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 1000, -1},
	{40, S, ACK, SI + 1, CI + 1001, 1000, 0, -1},
};
FLAGS_TEST(data_up_to_the_window_edge, window_full, "4 window_full\n")

/* A connection closed, then a SYN with a new ISN on the same ports: a new
 * connection; its server answers twice with different ISNs. */
static const struct pkt reuse[] = {
	HANDSHAKE,
	{30, C, FIN | ACK, CI + 1, SI + 1, 8000, 0, -1},
	{40, S, FIN | ACK, SI + 1, CI + 2, 8000, 0, -1},
	{50, C, ACK, CI + 2, SI + 2, 8000, 0, -1},
	{1000, C, SYN, 9000, 0, 8000, 0, -1},
	{1010, S, SYN | ACK, 7000, 9001, 8000, 0, -1},
	{1020, S, SYN | ACK, 7777, 9001, 8000, 0, -1},
};

/* The second SYN,ACK's number is a new ISN: no segment is missing before
 * it (tshark 4.0 says one is: lost_segment). */
START_TEST(reused_ports_on_a_new_syn_and_a_new_syn_ack)
{
	char pcap[128], db[128];
	ingest_table(reuse, ARRAY_LEN(reuse), pcap, db);
	assert_flags_unlike_tshark(pcap, db, "7 reused_ports\n9 reused_ports\n",
	                           "7 reused_ports\n9 lost_segment,reused_ports\n");
}
END_TEST

/* Issue 16. A server that answers one SYN three times, each time with a
 * new ISN (a SYN-cookie box, a load balancer retrying its backends), and
 * a client that acknowledges the last: the server's numbers restart at
 * each new ISN, so the client's ACK and the server's data are numbered
 * from the ISN the client took, as tshark numbers them; each SYN,ACK's
 * number is an ISN (no segment missing before it) and the client's ACK
 * is of a SYN,ACK that was captured (no ACKed unseen segment), where
 * tshark 4.0 flags both. */
static const struct pkt synacks[] = {
	{0, C, SYN, CI, 0, 8000, 0, -1},
	{10, S, SYN | ACK, SI, CI + 1, 8000, 0, -1},
	{20, S, SYN | ACK, 7000, CI + 1, 8000, 0, -1},
	{30, S, SYN | ACK, 9000, CI + 1, 8000, 0, -1},
	{40, C, ACK, CI + 1, 9001, 8000, 0, -1},
	{50, S, PSH | ACK, 9001, CI + 1, 8000, 10, -1},
	{60, C, ACK, CI + 1, 9011, 8000, 0, -1},
	{70, C, FIN | ACK, CI + 1, 9011, 8000, 0, -1},
	{80, S, FIN | ACK, 9011, CI + 2, 8000, 0, -1},
	{90, C, ACK, CI + 2, 9012, 8000, 0, -1},
};

START_TEST(new_syn_acks_number_from_the_isn_acknowledged)
{
	char pcap[128], db[128];
	ingest_table(synacks, ARRAY_LEN(synacks), pcap, db);
	/* tshark 4.0.17's tcp.seq and tcp.ack on this capture. */
	static const char numbers[] = "1|0|0\n2|0|1\n3|0|1\n4|0|1\n5|1|1\n6|1|1\n"
	                              "7|1|11\n8|1|11\n9|11|2\n10|2|12\n";
	char *got = tu_query(db, "SELECT frame, rel_seq, IFNULL(rel_ack, 0) FROM segments_view"
	                         " ORDER BY frame");
	ck_assert_str_eq(got, numbers);
	free(got);
	char *theirs = tshark_numbers(pcap);
	if (theirs)
		ck_assert_str_eq(theirs, numbers);
	free(theirs);
	/* Absolute numbers are kept whatever the base. */
	got = tu_query(db, "SELECT seq, ack FROM segments_view WHERE frame IN (5, 6) ORDER BY frame");
	ck_assert_str_eq(got, "1001|9001\n9001|1001\n");
	free(got);
	/* The client takes the SYN,ACK it acknowledges, frame 4. */
	got = tu_query(db, "SELECT frame, seen_frame, endpoint, from_state, to_state, event"
	                   " FROM transitions_view WHERE frame <= 5 ORDER BY step");
	ck_assert_str_eq(got, "1|1|client|CLOSED|SYN_SENT|send SYN\n"
	                      "1|2|server|LISTEN|SYN_RECEIVED|recv SYN\n"
	                      "4|5|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	                      "5|5|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n");
	free(got);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows"), 1);
	/* The handshake ends at the ACK of the SYN,ACK the client took
	 * (frame 5, 40 ms after the SYN), not never. */
	ck_assert_int_eq(tu_query_int(db, "SELECT handshake_rtt_ns FROM flows"), 40000000);
	assert_flags_unlike_tshark(pcap, db, "3 reused_ports\n4 reused_ports\n",
	                           "3 lost_segment,reused_ports\n"
	                           "4 lost_segment,reused_ports\n"
	                           "5 ack_lost_segment\n");
}
END_TEST

/* The same, but the client acknowledges the second SYN,ACK (as a client
 * established by it answers a later one): the server's numbers go back
 * to that ISN. tshark keeps numbering from the last SYN,ACK's, and shows
 * the ACK as 4294965297. */
static const struct pkt synacks_middle[] = {
	{0, C, SYN, CI, 0, 8000, 0, -1},
	{10, S, SYN | ACK, SI, CI + 1, 8000, 0, -1},
	{20, S, SYN | ACK, 7000, CI + 1, 8000, 0, -1},
	{30, S, SYN | ACK, 9000, CI + 1, 8000, 0, -1},
	{40, C, ACK, CI + 1, 7001, 8000, 0, -1},
	{50, S, PSH | ACK, 7001, CI + 1, 8000, 10, -1},
	{60, C, ACK, CI + 1, 7011, 8000, 0, -1},
};

START_TEST(a_syn_ack_acknowledged_after_another_numbers_the_server)
{
	char pcap[128], db[128];
	ingest_table(synacks_middle, ARRAY_LEN(synacks_middle), pcap, db);
	char *got = tu_query(db, "SELECT frame, rel_seq, rel_ack, seq, ack FROM segments_view"
	                         " WHERE frame >= 5 ORDER BY frame");
	ck_assert_str_eq(got, "5|1|1|1001|7001\n6|1|1|7001|1001\n7|1|11|1001|7011\n");
	free(got);
	got = tu_query(db, "SELECT client_state, server_state FROM flows_view");
	ck_assert_str_eq(got, "ESTABLISHED|ESTABLISHED\n");
	free(got);
}
END_TEST

/* Issue 16. A simultaneous open (RFC 9293 figure 8), each SYN followed by
 * a SYN,ACK with the same ISN: the SYN,ACKs are retransmissions of the
 * SYNs (tshark says so too), and their ACKs count at their proof: the
 * client is ESTABLISHED at frame 4, the server at 5. */
static const struct pkt simultaneous_open[] = {
	{0, C, SYN, CI, 0, 8000, 0, -1},
	{1, S, SYN, SI, 0, 8000, 0, -1},
	{10, S, SYN | ACK, SI, CI + 1, 8000, 0, -1},
	{11, C, SYN | ACK, CI, SI + 1, 8000, 0, -1},
	{20, C, ACK, CI + 1, SI + 1, 8000, 0, -1},
};

START_TEST(simultaneous_open_reaches_established)
{
	char pcap[128], db[128];
	ingest_table(simultaneous_open, ARRAY_LEN(simultaneous_open), pcap, db);
	char *got = tu_query(db, "SELECT frame, client_state, server_state FROM segments_view"
	                         " ORDER BY frame");
	ck_assert_str_eq(got, "1|SYN_SENT|LISTEN\n2|SYN_SENT|SYN_SENT\n"
	                      "3|SYN_SENT|SYN_RECEIVED\n4|ESTABLISHED|SYN_RECEIVED\n"
	                      "5|ESTABLISHED|ESTABLISHED\n");
	free(got);
	got = tu_query(db, "SELECT frame, seen_frame, endpoint, from_state, to_state, event"
	                   " FROM transitions_view ORDER BY step");
	ck_assert_str_eq(got, "1|1|client|CLOSED|SYN_SENT|send SYN\n"
	                      "2|2|server|LISTEN|SYN_SENT|send SYN\n"
	                      "1|3|server|SYN_SENT|SYN_RECEIVED|recv SYN\n"
	                      "2|4|client|SYN_SENT|SYN_RECEIVED|recv SYN\n"
	                      "3|4|client|SYN_RECEIVED|ESTABLISHED|recv SYN,ACK\n"
	                      "4|5|server|SYN_RECEIVED|ESTABLISHED|recv SYN,ACK\n");
	free(got);
	/* The other half's SYN implies no gap; tshark agrees here. */
	assert_flags(pcap, db, "3 retransmission\n4 retransmission\n5 duplicate_ack\n");
}
END_TEST

/* Issue 16. A server refuses a SYN (RST,ACK, frame 2), and answers the
 * same SYN sent again a second later (3) with a SYN,ACK (4): it was
 * listening by then, CLOSED -> SYN_RECEIVED at the SYN,ACK, and the
 * connection runs on, with a 7 s pause (longer than the close delay) in
 * the middle, to a normal close: one connection, not a finished one
 * leaving memory 5 s after its last segment. Zeek takes the SYN sent
 * again for a new connection (IsReuse: its responder had reset), and
 * that one closes normally: SF. */
static const struct pkt refused_then_answered[] = {
	{0, C, SYN, CI, 0, 8000, 0, -1},
	{1, S, RST | ACK, 0, CI + 1, 0, 0, -1},
	{1000, C, SYN, CI, 0, 8000, 0, -1},
	{1001, S, SYN | ACK, SI, CI + 1, 8000, 0, -1},
	{1002, C, ACK, CI + 1, SI + 1, 8000, 0, -1},
	{1010, C, PSH | ACK, CI + 1, SI + 1, 8000, 10, -1},
	{1020, S, ACK, SI + 1, CI + 11, 8000, 0, -1},
	{8020, C, FIN | ACK, CI + 11, SI + 1, 8000, 0, -1},
	{8030, S, FIN | ACK, SI + 1, CI + 12, 8000, 0, -1},
	{8040, C, ACK, CI + 12, SI + 2, 8000, 0, -1},
};

START_TEST(refused_then_answered_is_one_connection)
{
	char pcap[128], db[128];
	ingest_table(refused_then_answered, ARRAY_LEN(refused_then_answered), pcap, db);
	char *got = tu_query(db, "SELECT count(*), min(client_state), min(server_state),"
	                         " min(conn_state), min(history) FROM flows_view");
	ck_assert_str_eq(got, "1|TIME_WAIT|CLOSED|SF|ShADaFf\n");
	free(got);
	got = tu_query(db, "SELECT frame, seen_frame, endpoint, from_state, to_state, event"
	                   " FROM transitions_view ORDER BY step");
	ck_assert_str_eq(got, "1|1|client|CLOSED|SYN_SENT|send SYN\n"
	                      "2|2|client|SYN_SENT|CLOSED|recv RST\n"
	                      "3|3|client|CLOSED|SYN_SENT|send SYN\n"
	                      "3|4|server|CLOSED|SYN_RECEIVED|recv SYN\n"
	                      "4|5|client|SYN_SENT|ESTABLISHED|recv SYN,ACK\n"
	                      "5|5|server|SYN_RECEIVED|ESTABLISHED|recv ACK\n"
	                      "8|8|client|ESTABLISHED|FIN_WAIT_1|send FIN\n"
	                      "8|9|server|ESTABLISHED|CLOSE_WAIT|recv FIN\n"
	                      "9|9|server|CLOSE_WAIT|LAST_ACK|send FIN\n"
	                      "9|10|client|FIN_WAIT_1|TIME_WAIT|recv FIN\n"
	                      "10|10|server|LAST_ACK|CLOSED|recv ACK\n");
	free(got);
	got = tu_query(db, "SELECT frame, server_state FROM segments_view WHERE frame <= 4"
	                   " ORDER BY frame");
	ck_assert_str_eq(got, "1|CLOSED\n2|CLOSED\n3|CLOSED\n4|SYN_RECEIVED\n");
	free(got);
	/* The SYN,ACK's number is new after the RST's: tshark's reused_ports,
	 * as tshark flags it. */
	assert_flags(pcap, db, "3 retransmission\n4 reused_ports\n");
}
END_TEST

/* tshark's tcp.stream count of a capture, or -1 without tshark. */
static int tshark_streams(const char *pcap)
{
	if (!tu_have("tshark"))
		return -1;
	char cmd[512];
	snprintf(cmd, sizeof cmd, "tshark -n -r '%s' -T fields -e tcp.stream 2>/dev/null"
	         " | sort -u | wc -l", pcap);
	FILE *in = popen(cmd, "r");
	ck_assert_ptr_nonnull(in);
	int n = -1;
	ck_assert_int_eq(fscanf(in, "%d", &n), 1);
	pclose(in);
	return n;
}

/* A SYN with a new ISN while the connection is open and answered: not a
 * new connection (DESIGN.md; RFC 9293 section 3.10.7.4 answers it with an
 * ACK), where tshark starts a new stream: docs/analysis.md's "new-ISN
 * split". Its number is an ISN: no lost_segment before it. */
static const struct pkt new_isn_open[] = {
	HANDSHAKE,
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 100, -1},
	{40, C, SYN, 9000, 0, 8000, 0, -1},
	{50, S, ACK, SI + 1, CI + 101, 8000, 0, -1},
};

START_TEST(new_isn_syn_in_an_open_connection)
{
	char pcap[128], db[128];
	ingest_table(new_isn_open, ARRAY_LEN(new_isn_open), pcap, db);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows"), 1);
	char *flags = our_flags(db);
	ck_assert_str_eq(flags, "5 unexpected_in_state\n");
	free(flags);
	int streams = tshark_streams(pcap);
	ck_assert(streams == -1 || streams == 2);
}
END_TEST

/* ---- connections leave memory on their own time ---------------------- */

/* A connection idle past the idle timeout (300 s) is over before its next
 * packet is seen, as Zeek's timers fire on network time: the split must
 * not depend on whether other traffic (port 40001 here) moved the clock
 * first. Each table: a handshake on port 40000, then `other` (whatever
 * comes between), then the client's data at 301 s. */
#define IDLE_THEN_DATA(...)                                          \
	{HANDSHAKE, __VA_ARGS__ {301000, C, PSH | ACK, CI + 1, SI + 1, 8000, 10, -1, 0}}
static const struct pkt idle_alone[] = IDLE_THEN_DATA();
static const struct pkt idle_with_other[] =
	IDLE_THEN_DATA({300500, C, SYN, 77, 0, 8000, 0, -1, 40001},);
/* The handshake's last segment is at 20 ms: due at 300.020 s itself, as
 * Zeek's timers are (last activity + timeout <= network time). */
static const struct pkt idle_not_yet[] = {
	HANDSHAKE, {300019, C, PSH | ACK, CI + 1, SI + 1, 8000, 10, -1, 0}};
static const struct pkt idle_exactly[] = {
	HANDSHAKE, {300020, C, PSH | ACK, CI + 1, SI + 1, 8000, 10, -1, 0}};
/* A reset connection leaves 5 s (the close delay) after its last segment:
 * the same SYN 6 s later starts a new connection, 4 s later it does not. */
static const struct pkt reset_then_6s[] = {
	HANDSHAKE, {30, C, RST, CI + 1, 0, 0, 0, -1, 0},
	{6030, C, SYN, 3000, 0, 8000, 0, -1, 0}};
static const struct pkt reset_then_5s[] = {
	HANDSHAKE, {30, C, RST, CI + 1, 0, 0, 0, -1, 0},
	{5030, C, SYN, CI, 0, 8000, 0, -1, 0}};
static const struct pkt reset_then_4s[] = {
	HANDSHAKE, {30, C, RST, CI + 1, 0, 0, 0, -1, 0},
	{4030, C, SYN, CI, 0, 8000, 0, -1, 0}};

static const struct {
	const char *name;
	const struct pkt *p;
	size_t n;
	long long flows;   /* connections on port 40000 */
	const char *last;  /* the last one's first frame, mid_stream, states */
} expiry_cases[] = {
	{"idle past the timeout, nothing in between", idle_alone,
	 ARRAY_LEN(idle_alone), 2, "4|1|ESTABLISHED|ESTABLISHED"},
	{"idle past the timeout, other traffic in between", idle_with_other,
	 ARRAY_LEN(idle_with_other), 2, "5|1|ESTABLISHED|ESTABLISHED"},
	{"idle just under the timeout", idle_not_yet,
	 ARRAY_LEN(idle_not_yet), 1, "1|0|ESTABLISHED|ESTABLISHED"},
	{"idle for exactly the timeout", idle_exactly,
	 ARRAY_LEN(idle_exactly), 2, "4|1|ESTABLISHED|ESTABLISHED"},
	{"reset, then its SYN again exactly the close delay later", reset_then_5s,
	 ARRAY_LEN(reset_then_5s), 2, "5|0|SYN_SENT|LISTEN"},
	{"reset, then a SYN after the close delay", reset_then_6s,
	 ARRAY_LEN(reset_then_6s), 2, "5|0|SYN_SENT|LISTEN"},
	{"reset, then its SYN again within the close delay", reset_then_4s,
	 ARRAY_LEN(reset_then_4s), 1, "1|0|SYN_SENT|CLOSED"},
};

START_TEST(connection_expires_before_its_own_next_packet)
{
	char pcap[128], db[128];
	ingest_table(expiry_cases[_i].p, expiry_cases[_i].n, pcap, db);
	ck_assert_msg(tu_query_int(db, "SELECT count(*) FROM flows WHERE client_port = 40000")
	                      == expiry_cases[_i].flows,
	              "%s", expiry_cases[_i].name);
	char *last = tu_query(db, "SELECT min(frame), mid_stream, f.client_state, f.server_state"
	                          " FROM flows_view f JOIN segments s ON s.flow_id = f.id"
	                          " WHERE client_port = 40000 GROUP BY f.id"
	                          " ORDER BY f.id DESC LIMIT 1");
	char want[128];
	snprintf(want, sizeof want, "%s\n", expiry_cases[_i].last);
	ck_assert_msg(strcmp(last, want) == 0, "%s: %s", expiry_cases[_i].name, last);
	free(last);
}
END_TEST

/* ---- Zeek's conn_state and history ------------------------------------ */

struct zeek_case {
	const char *name;
	const struct pkt *p;
	size_t n;
	const char *conn_state, *history;
};

#define DATA_BOTH_WAYS                                          \
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 10, -1},       \
	{40, S, ACK, SI + 1, CI + 11, 8000, 0, -1},             \
	{50, S, PSH | ACK, SI + 1, CI + 11, 8000, 20, -1}

static const struct pkt z_s0[] = {{0, C, SYN, CI, 0, 8000, 0, -1}};
static const struct pkt z_s1[] = {HANDSHAKE, DATA_BOTH_WAYS};
static const struct pkt z_sf[] = {
	HANDSHAKE, DATA_BOTH_WAYS,
	{60, C, ACK, CI + 11, SI + 21, 8000, 0, -1},
	{70, C, FIN | ACK, CI + 11, SI + 21, 8000, 0, -1},
	{80, S, FIN | ACK, SI + 21, CI + 12, 8000, 0, -1},
	{90, C, ACK, CI + 12, SI + 22, 8000, 0, -1},
};
static const struct pkt z_rej[] = {
	{0, C, SYN, CI, 0, 8000, 0, -1},
	{1, S, RST | ACK, 0, CI + 1, 0, 0, -1},
};
static const struct pkt z_s2[] = {
	HANDSHAKE,
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 10, -1},
	{40, S, ACK, SI + 1, CI + 11, 8000, 0, -1},
	{50, C, FIN | ACK, CI + 11, SI + 1, 8000, 0, -1},
};
static const struct pkt z_s3[] = {HANDSHAKE, {30, S, FIN | ACK, SI + 1, CI + 1, 8000, 0, -1}};
static const struct pkt z_rsto[] = {HANDSHAKE, {30, C, RST, CI + 1, 0, 0, 0, -1}};
static const struct pkt z_rstr[] = {HANDSHAKE, {30, S, RST, SI + 1, 0, 0, 0, -1}};
static const struct pkt z_rstos0[] = {
	{0, C, SYN, CI, 0, 8000, 0, -1},
	{3000, C, RST, CI + 1, 0, 0, 0, -1},
};
static const struct pkt z_rstrh[] = {
	{0, S, SYN | ACK, SI, CI + 1, 8000, 0, -1},
	{10, S, RST, SI + 1, 0, 0, 0, -1},
};
static const struct pkt z_sh[] = {
	{0, C, SYN, CI, 0, 8000, 0, -1},
	{10, C, FIN, CI + 1, 0, 8000, 0, -1},
};
static const struct pkt z_shr[] = {
	{0, S, SYN | ACK, SI, CI + 1, 8000, 0, -1},
	{10, S, FIN | ACK, SI + 1, CI + 1, 8000, 0, -1},
};
static const struct pkt z_oth[] = {
	{0, C, PSH | ACK, CI + 1, SI + 1, 8000, 10, -1},
	{10, S, ACK, SI + 1, CI + 11, 8000, 0, -1},
};
/* Letters beyond the handshake's: a retransmission (t), a zero window
 * ten times (w at the 1st and the 10th), FIN+RST (i). */
static const struct pkt z_letters[] = {
	HANDSHAKE,
	{30, C, PSH | ACK, CI + 1, SI + 1, 8000, 10, -1},
	{300, C, PSH | ACK, CI + 1, SI + 1, 8000, 10, -1},
	{310, S, ACK, SI + 1, CI + 11, 0, 0, -1},
	{320, S, ACK, SI + 1, CI + 11, 0, 0, -1},
	{330, S, ACK, SI + 1, CI + 11, 0, 0, -1},
	{340, S, ACK, SI + 1, CI + 11, 0, 0, -1},
	{350, S, ACK, SI + 1, CI + 11, 0, 0, -1},
	{360, S, ACK, SI + 1, CI + 11, 0, 0, -1},
	{370, S, ACK, SI + 1, CI + 11, 0, 0, -1},
	{380, S, ACK, SI + 1, CI + 11, 0, 0, -1},
	{390, S, ACK, SI + 1, CI + 11, 0, 0, -1},
	{400, S, ACK, SI + 1, CI + 11, 0, 0, -1},
	{410, C, FIN | RST | ACK, CI + 11, SI + 1, 8000, 0, -1},
};
/* A SYN with FIN (q), and a content gap: the server acknowledges data
 * never seen (g, the client's data: upper case). */
static const struct pkt z_syn_fin[] = {{0, C, SYN | FIN, CI, 0, 8000, 0, -1}};

static const struct zeek_case zeek_cases[] = {
	{"S0", z_s0, ARRAY_LEN(z_s0), "S0", "S"},
	{"S1", z_s1, ARRAY_LEN(z_s1), "S1", "ShADad"},
	{"SF", z_sf, ARRAY_LEN(z_sf), "SF", "ShADadFf"},
	{"REJ", z_rej, ARRAY_LEN(z_rej), "REJ", "Sr"},
	{"S2", z_s2, ARRAY_LEN(z_s2), "S2", "ShADaF"},
	{"S3", z_s3, ARRAY_LEN(z_s3), "S3", "ShAf"},
	{"RSTO", z_rsto, ARRAY_LEN(z_rsto), "RSTO", "ShAR"},
	{"RSTR", z_rstr, ARRAY_LEN(z_rstr), "RSTR", "ShAr"},
	{"RSTOS0", z_rstos0, ARRAY_LEN(z_rstos0), "RSTOS0", "SR"},
	{"RSTRH", z_rstrh, ARRAY_LEN(z_rstrh), "RSTRH", "^hr"},
	{"SH", z_sh, ARRAY_LEN(z_sh), "SH", "SF"},
	{"SHR", z_shr, ARRAY_LEN(z_shr), "SHR", "^hf"},
	{"OTH", z_oth, ARRAY_LEN(z_oth), "OTH", "Da"},
	{"letters t w i", z_letters, ARRAY_LEN(z_letters), "RSTO", "ShADTawwI"},
	{"letter q", z_syn_fin, ARRAY_LEN(z_syn_fin), "SH", "Q"},
	{"letter g", ack_lost, ARRAY_LEN(ack_lost), "S1", "ShADaG"},
};

START_TEST(zeek_conn_state_and_history)
{
	const struct zeek_case *z = &zeek_cases[_i];
	char pcap[128], db[128];
	ingest_table(z->p, z->n, pcap, db);
	char *got = tu_query(db, "SELECT conn_state, history FROM flows");
	char want[128];
	snprintf(want, sizeof want, "%s|%s\n", z->conn_state, z->history);
	ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", z->name, got, want);
	free(got);
}
END_TEST

/* ---- per-flow facts ---------------------------------------------------- */

START_TEST(handshake_timings_as_the_capture_point_sees_them)
{
	char pcap[128], db[128];
	ingest_table(z_sf, ARRAY_LEN(z_sf), pcap, db);
	char *got = tu_query(db, "SELECT syn_synack_ns, synack_ack_ns, handshake_rtt_ns,"
	                         " duration_ns, client_bytes, server_bytes FROM flows_view");
	ck_assert_str_eq(got, "10000000|10000000|20000000|90000000|10|20\n");
	free(got);
}
END_TEST

START_TEST(close_initiator_client_server_both_none)
{
	static const struct pkt both[] = {
		HANDSHAKE,
		{30, C, FIN | ACK, CI + 1, SI + 1, 8000, 0, -1},
		{31, S, FIN | ACK, SI + 1, CI + 1, 8000, 0, -1},
		{40, C, ACK, CI + 2, SI + 2, 8000, 0, -1},
		{41, S, ACK, SI + 2, CI + 2, 8000, 0, -1},
	};
	static const struct pkt server_rst[] = {HANDSHAKE, {30, S, RST, SI + 1, 0, 0, 0, -1}};
	static const struct {
		const struct pkt *p;
		size_t n;
		const char *want;
	} cases[] = {
		{z_sf, ARRAY_LEN(z_sf), "client\n"},
		{z_s3, ARRAY_LEN(z_s3), "server\n"},
		{server_rst, ARRAY_LEN(server_rst), "server\n"},
		{both, ARRAY_LEN(both), "both\n"},
		{z_s1, ARRAY_LEN(z_s1), "none\n"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char pcap[128], db[128];
		ingest_table(cases[i].p, cases[i].n, pcap, db);
		char *got = tu_query(db, "SELECT close_initiator FROM flows");
		ck_assert_msg(strcmp(got, cases[i].want) == 0, "case %zu: %s", i, got);
		free(got);
	}
}
END_TEST

/* Both SYNs carry a window scale: windows are scaled; only one: not. */
START_TEST(window_scaling_needs_both_syns)
{
	static const struct pkt scaled[] = {
		{0, C, SYN, CI, 0, 8000, 0, 7},
		{10, S, SYN | ACK, SI, CI + 1, 8000, 0, 8},
		{20, C, ACK, CI + 1, SI + 1, 100, 0, -1},
	};
	static const struct pkt one_side[] = {
		{0, C, SYN, CI, 0, 8000, 0, 7},
		{10, S, SYN | ACK, SI, CI + 1, 8000, 0, -1},
		{20, C, ACK, CI + 1, SI + 1, 100, 0, -1},
	};
	char pcap[128], db[128];
	ingest_table(scaled, ARRAY_LEN(scaled), pcap, db);
	char *got = tu_query(db, "SELECT win_scaled, client_wscale, server_wscale FROM flows");
	ck_assert_str_eq(got, "1|7|8\n");
	free(got);
	ingest_table(one_side, ARRAY_LEN(one_side), pcap, db);
	got = tu_query(db, "SELECT win_scaled, client_wscale, IFNULL(server_wscale, 'none')"
	                   " FROM flows");
	ck_assert_str_eq(got, "0|7|none\n");
	free(got);
}
END_TEST

/* The pure function: a fresh state flags nothing on a first SYN, and a
 * repeated ISN is a retransmission whatever the time. */
START_TEST(an_segment_is_pure_state_in_flags_out)
{
	struct an_conn c;
	an_init(&c);
	struct tcp_segment syn = {.seq = CI, .flags = SYN, .win = 8000};
	uint32_t num;
	ck_assert_uint_eq(an_segment(&c, 0, &syn, 1000, &num), 0);
	ck_assert_uint_eq(num, 0);
	ck_assert_uint_eq(an_segment(&c, 0, &syn, 1000 + 3000000000LL, &num),
	                  AN_RETRANSMISSION);
	ck_assert_str_eq(an_bit_name(AN_KEEP_ALIVE_ACK), "keep_alive_ack");
	ck_assert_ptr_null(an_bit_name(3));
}
END_TEST

/* ---- Numbers as the capture has them ---------------------------------- */

/* segments gives back every absolute number and time, though segment_rows
 * stores most of them as offsets from the flow: here the client's SYN
 * comes after its data (the guessed base, 50 below the first number, is
 * replaced by the ISN, so later rows keep their numbers) and carries an
 * ack without the ACK flag; the server's base is guessed from an ack. */
static const struct pkt late_syn[] = {
	{0, C, PSH | ACK, CI + 51, SI + 1, 8000, 10, -1},
	{5, C, SYN, CI, 777, 8000, 0, -1},
	{10, S, SYN | ACK, SI, CI + 1, 8000, 0, -1},
	{15, C, ACK, CI + 1, SI + 1, 8000, 0, -1},
	{3500, C, PSH | ACK, CI + 61, SI + 1, 8000, 20, -1},
	{3510, S, ACK, SI + 1, CI + 81, 8000, 0, -1},
};

START_TEST(segments_give_back_the_captured_numbers)
{
	char pcap[128], db[128];
	ingest_table(late_syn, ARRAY_LEN(late_syn), pcap, db);
	char want[1024] = "";
	for (size_t i = 0; i < ARRAY_LEN(late_syn); i++) {
		const struct pkt *p = &late_syn[i];
		snprintf(want + strlen(want), sizeof want - strlen(want),
		         "%zu|%lld|%u|%u\n", i + 1,
		         1700000000000000000LL + p->ms * 1000000LL, p->seq, p->ack);
	}
	char *got = tu_query(db, "SELECT frame, ts_ns, seq, ack FROM segments ORDER BY frame");
	ck_assert_str_eq(got, want);
	free(got);
	/* segments_view computes them its own way (a join): the same. */
	got = tu_query(db, "SELECT frame, ts_ns, seq, ack FROM segments_view ORDER BY frame");
	ck_assert_str_eq(got, want);
	free(got);
	/* What could not be computed was stored: the rows after the SYN moved
	 * the client's base, and the SYN's ack. Nothing else. */
	got = tu_query(db, "SELECT frame, seq_stored, ack_stored FROM segment_rows"
	                   " WHERE seq_stored IS NOT NULL OR ack_stored IS NOT NULL"
	                   " ORDER BY frame");
	ck_assert_str_eq(got, "2|1000|777\n3||1001\n4|1001|\n5|1061|\n6||1081\n");
	free(got);
	got = tu_query(db, "SELECT client_seq_base, server_seq_base FROM flows");
	ck_assert_str_eq(got, "1050|\n");
	free(got);
}
END_TEST

Suite *analysis_suite(void)
{
	Suite *s = suite_create("analysis");
	TCase *tc = tcase_create("wireshark_flags");
	tcase_add_test(tc, retransmission_after_timeout);
	tcase_add_test(tc, fast_retransmission_after_two_duplicate_acks);
	tcase_add_test(tc, duplicate_acks_are_numbered);
	tcase_add_test(tc, spurious_retransmission_of_acknowledged_data);
	tcase_add_test(tc, out_of_order_within_the_first_rtt);
	tcase_add_test(tc, ack_of_a_segment_never_captured);
	tcase_add_test(tc, zero_window_probe_and_window_update);
	tcase_add_test(tc, keep_alive_and_its_ack);
	tcase_add_test(tc, data_up_to_the_window_edge);
	tcase_add_test(tc, reused_ports_on_a_new_syn_and_a_new_syn_ack);
	tcase_add_test(tc, new_syn_acks_number_from_the_isn_acknowledged);
	tcase_add_test(tc, a_syn_ack_acknowledged_after_another_numbers_the_server);
	tcase_add_test(tc, simultaneous_open_reaches_established);
	tcase_add_test(tc, refused_then_answered_is_one_connection);
	tcase_add_test(tc, an_segment_is_pure_state_in_flags_out);
	tcase_add_test(tc, new_isn_syn_in_an_open_connection);
	tcase_add_test(tc, segments_give_back_the_captured_numbers);
	tcase_add_loop_test(tc, connection_expires_before_its_own_next_packet, 0,
	                    (int)ARRAY_LEN(expiry_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("zeek");
	tcase_add_loop_test(tc, zeek_conn_state_and_history, 0, (int)ARRAY_LEN(zeek_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("flow_facts");
	tcase_add_test(tc, handshake_timings_as_the_capture_point_sees_them);
	tcase_add_test(tc, close_initiator_client_server_both_none);
	tcase_add_test(tc, window_scaling_needs_both_syns);
	suite_add_tcase(s, tc);
	return s;
}
