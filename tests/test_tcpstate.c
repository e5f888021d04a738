/* tcpstate: DESIGN.md's state table, row by row, plus the evidence rule's
 * cases (crossing FINs, refused connection, mid-stream, one-sided proof).
 * Each case is a conversation; the assertions are on the changes the last
 * segment proves, in order. */
#include <check.h>
#include <stdio.h>

#include "decode.h"
#include "suites.h"
#include "tcpstate.h"

enum { C = TCPST_CLIENT, S = TCPST_SERVER };
#define SYN TCP_SYN
#define ACK TCP_ACK
#define FIN TCP_FIN
#define RST TCP_RST
#define PSH TCP_PSH

struct step {
	int from;
	uint8_t flags;
	int64_t seq, ack;
	uint32_t len;
	bool new_isn;      /* a SYN,ACK with an ISN of its own (seqnum.h) */
};

struct expect {
	int endpoint;
	enum tcp_state from, to;
	enum tcp_event event;
	uint64_t frame;
};

struct state_case {
	const char *name;
	int nsteps;
	struct step steps[10];
	int nchanges;            /* changes proven by the last step */
	struct expect changes[4];
	bool refused;
};

/* The seed's handshake, relative numbers. */
#define HANDSHAKE {C, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1, 0}, {C, ACK, 1, 1, 0}

static const struct state_case cases[] = {
	{"CLOSED send SYN -> SYN_SENT", 1, {{C, SYN, 0, 0, 0}},
	 1, {{C, TCPS_CLOSED, TCPS_SYN_SENT, TCPE_SEND_SYN, 1}}},
	{"LISTEN send SYN -> SYN_SENT", 2, {{C, SYN, 0, 0, 0}, {S, SYN, 0, 0, 0}},
	 1, {{S, TCPS_LISTEN, TCPS_SYN_SENT, TCPE_SEND_SYN, 2}}},
	{"LISTEN recv SYN -> SYN_RECEIVED, proven by the SYN,ACK", 2,
	 {{C, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1, 0}},
	 1, {{S, TCPS_LISTEN, TCPS_SYN_RECEIVED, TCPE_RECV_SYN, 1}}},
	{"SYN_SENT recv SYN,ACK -> ESTABLISHED at the client's ACK, then the server's ACK", 3,
	 {HANDSHAKE},
	 2, {{C, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPE_RECV_SYNACK, 2},
	     {S, TCPS_SYN_RECEIVED, TCPS_ESTABLISHED, TCPE_RECV_ACK, 3}}},
	{"SYN_SENT recv SYN (simultaneous open) -> SYN_RECEIVED", 3,
	 {{C, SYN, 0, 0, 0}, {S, SYN, 0, 0, 0}, {C, SYN | ACK, 0, 1, 0}},
	 1, {{C, TCPS_SYN_SENT, TCPS_SYN_RECEIVED, TCPE_RECV_SYN, 2}}},
	{"SYN_RECEIVED send FIN -> FIN_WAIT_1", 3,
	 {{C, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1, 0}, {S, FIN | ACK, 1, 1, 0}},
	 1, {{S, TCPS_SYN_RECEIVED, TCPS_FIN_WAIT_1, TCPE_SEND_FIN, 3}}},
	{"ESTABLISHED send FIN -> FIN_WAIT_1", 4, {HANDSHAKE, {C, FIN | ACK, 1, 1, 0}},
	 1, {{C, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPE_SEND_FIN, 4}}},
	{"ESTABLISHED recv FIN -> CLOSE_WAIT when acked; FIN_WAIT_1 recv ACK of its FIN -> FIN_WAIT_2", 5,
	 {HANDSHAKE, {C, FIN | ACK, 1, 1, 0}, {S, ACK, 1, 2, 0}},
	 2, {{S, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPE_RECV_FIN, 4},
	     {C, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPE_RECV_ACK, 5}}},
	{"CLOSE_WAIT send FIN -> LAST_ACK", 6,
	 {HANDSHAKE, {C, FIN | ACK, 1, 1, 0}, {S, ACK, 1, 2, 0}, {S, FIN | ACK, 1, 2, 0}},
	 1, {{S, TCPS_CLOSE_WAIT, TCPS_LAST_ACK, TCPE_SEND_FIN, 6}}},
	{"FIN_WAIT_1 recv FIN acking its FIN -> TIME_WAIT in one row", 6,
	 {HANDSHAKE, {C, FIN | ACK, 1, 1, 0}, {S, FIN | ACK, 1, 2, 0}, {C, ACK, 2, 2, 0}},
	 2, {{C, TCPS_FIN_WAIT_1, TCPS_TIME_WAIT, TCPE_RECV_FIN, 5},
	     {S, TCPS_LAST_ACK, TCPS_CLOSED, TCPE_RECV_ACK, 6}}},
	{"FIN_WAIT_1 recv FIN not acking its FIN -> CLOSING (crossing FINs)", 6,
	 {HANDSHAKE, {C, FIN | ACK, 1, 1, 0}, {S, FIN | ACK, 1, 1, 0}, {C, ACK, 2, 2, 0}},
	 3, {{C, TCPS_FIN_WAIT_1, TCPS_CLOSING, TCPE_RECV_FIN, 5},
	     {S, TCPS_FIN_WAIT_1, TCPS_CLOSING, TCPE_RECV_FIN, 4},
	     {S, TCPS_CLOSING, TCPS_TIME_WAIT, TCPE_RECV_ACK, 6}}},
	{"crossing FINs: the server's FIN was sent from ESTABLISHED", 5,
	 {HANDSHAKE, {C, FIN | ACK, 1, 1, 0}, {S, FIN | ACK, 1, 1, 0}},
	 1, {{S, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPE_SEND_FIN, 5}}},
	{"CLOSING recv ACK of its FIN -> TIME_WAIT", 7,
	 {HANDSHAKE, {C, FIN | ACK, 1, 1, 0}, {S, FIN | ACK, 1, 1, 0}, {C, ACK, 2, 2, 0},
	  {S, ACK, 2, 2, 0}},
	 1, {{C, TCPS_CLOSING, TCPS_TIME_WAIT, TCPE_RECV_ACK, 7}}},
	{"FIN_WAIT_2 recv FIN -> TIME_WAIT; LAST_ACK recv ACK of its FIN -> CLOSED", 7,
	 {HANDSHAKE, {S, FIN | ACK, 1, 1, 0}, {C, ACK, 1, 2, 0}, {C, FIN | ACK, 1, 2, 0},
	  {S, ACK, 2, 2, 0}},
	 2, {{S, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT, TCPE_RECV_FIN, 6},
	     {C, TCPS_LAST_ACK, TCPS_CLOSED, TCPE_RECV_ACK, 7}}},
	{"any send RST -> CLOSED; ESTABLISHED recv RST in window -> CLOSED", 4,
	 {HANDSHAKE, {C, RST | ACK, 1, 1, 0}},
	 2, {{C, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 4},
	     {S, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_RECV_RST, 4}}},
	{"recv RST far out of window changes nothing", 4,
	 {HANDSHAKE, {S, RST, 50000000, 0, 0}},
	 1, {{S, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 4}}},
	/* In window: RCV.NXT =< SEG.SEQ =< RCV.NXT + RCV.WND, the receiver's
	 * last ACK (101 here) and window (65535) standing for its own. */
	{"recv RST at the receiver's last ACK -> CLOSED", 6,
	 {HANDSHAKE, {S, PSH | ACK, 1, 1, 100}, {C, ACK, 1, 101, 0}, {S, RST, 101, 0, 0}},
	 2, {{S, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 6},
	     {C, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_RECV_RST, 6}}},
	{"recv RST at the window's far edge -> CLOSED", 6,
	 {HANDSHAKE, {S, PSH | ACK, 1, 1, 100}, {C, ACK, 1, 101, 0}, {S, RST, 101 + 65535, 0, 0}},
	 2, {{S, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 6},
	     {C, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_RECV_RST, 6}}},
	{"recv RST past the window changes nothing", 6,
	 {HANDSHAKE, {S, PSH | ACK, 1, 1, 100}, {C, ACK, 1, 101, 0}, {S, RST, 101 + 65536, 0, 0}},
	 1, {{S, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 6}}},
	{"recv RST below the receiver's last ACK changes nothing", 6,
	 {HANDSHAKE, {S, PSH | ACK, 1, 1, 100}, {C, ACK, 1, 101, 0}, {S, RST, 100, 0, 0}},
	 1, {{S, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 6}}},
	/* suricata-verify__tls_tls-subjectaltname_input.pcap port 59819,
	 * frames 152-159 and 3138: a challenge ACK and the client's RST of
	 * its number leave neither the client's sent mark nor the server's
	 * RCV.NXT there, so a RST after the handshake done again is in
	 * window. */
	{"a challenge ACK and the RST answering it do not move the window", 8,
	 {{C, SYN, 0, 0, 0}, {S, ACK, 1, 2497211857, 0}, {C, RST, 2497211857, 0, 0},
	  {C, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1, 0}, {C, ACK, 1, 1, 0},
	  {S, ACK, 1, 1, 0}, {C, RST | ACK, 1, 1, 0}},
	 2, {{C, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 8},
	     {S, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_RECV_RST, 8}}},
	{"refused: SYN_SENT recv RST acking its SYN -> CLOSED, server CLOSED throughout", 2,
	 {{C, SYN, 0, 0, 0}, {S, RST | ACK, 1, 1, 0}},
	 1, {{C, TCPS_SYN_SENT, TCPS_CLOSED, TCPE_RECV_RST, 2}}, true},
	{"SYN_SENT ignores a RST that does not ack its SYN", 2,
	 {{C, SYN, 0, 0, 0}, {S, RST | ACK, 1, 7, 0}},
	 0, {{0}}, true},
	{"LISTEN ignores a RST", 2, {{C, SYN, 0, 0, 0}, {C, RST, 1, 0, 0}},
	 1, {{C, TCPS_SYN_SENT, TCPS_CLOSED, TCPE_SEND_RST, 2}}},
	{"a retransmitted FIN changes nothing", 5,
	 {HANDSHAKE, {C, FIN | ACK, 1, 1, 0}, {C, FIN | ACK, 1, 1, 0}},
	 0, {{0}}},
	{"a retransmitted SYN changes nothing", 2, {{C, SYN, 0, 0, 0}, {C, SYN, 0, 0, 0}},
	 0, {{0}}},
	{"mid-stream: both UNKNOWN -> ESTABLISHED at the first segment", 1,
	 {{C, PSH | ACK, 1, 1, 10}},
	 2, {{C, TCPS_UNKNOWN, TCPS_ESTABLISHED, TCPE_MID_STREAM, 1},
	     {S, TCPS_UNKNOWN, TCPS_ESTABLISHED, TCPE_MID_STREAM, 1}}},
	{"mid-stream FIN first: UNKNOWN -> ESTABLISHED -> FIN_WAIT_1", 1,
	 {{C, FIN | ACK, 1, 1, 0}},
	 3, {{C, TCPS_UNKNOWN, TCPS_ESTABLISHED, TCPE_MID_STREAM, 1},
	     {S, TCPS_UNKNOWN, TCPS_ESTABLISHED, TCPE_MID_STREAM, 1},
	     {C, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPE_SEND_FIN, 1}}},
	{"SYN,ACK first: the client had sent a SYN", 1, {{S, SYN | ACK, 0, 1, 0}},
	 2, {{C, TCPS_UNKNOWN, TCPS_SYN_SENT, TCPE_INFERRED, 1},
	     {S, TCPS_UNKNOWN, TCPS_SYN_RECEIVED, TCPE_SEND_SYNACK, 1}}},
	/* The ACK acknowledges a SYN,ACK the capture never showed: nothing
	 * proves the server's SYN received (pcapplusplus__raw_ip.pcap, port
	 * 55469), so the server stays in SYN_RECEIVED. */
	{"one-sided: a later segment of the same direction proves the SYN, not an unseen SYN,ACK", 2,
	 {{C, SYN, 0, 0, 0}, {C, ACK, 1, 1, 0}},
	 1, {{S, TCPS_LISTEN, TCPS_SYN_RECEIVED, TCPE_RECV_SYN, 1}}},
	/* suricata-verify__tls_tls-subjectaltname_input.pcap, client port
	 * 59621, frames 10, 12, 14, 20, 21: a challenge ACK (RFC 5961 4) of
	 * another connection's number, the client's RST to it, the same SYN
	 * again, and this time the SYN,ACK. */
	{"a challenge ACK does not prove the SYN it passes over", 2,
	 {{C, SYN, 0, 0, 0}, {S, ACK, 1, 2497211857, 0}},
	 0, {{0}}},
	{"an ACK below the SYN's end does not prove it either", 2,
	 {{C, SYN, 0, 0, 0}, {S, ACK, 1, -1797755439, 0}},
	 0, {{0}}},
	{"the client's RST to a challenge ACK closes it; the server stays listening", 3,
	 {{C, SYN, 0, 0, 0}, {S, ACK, 1, 2497211857, 0}, {C, RST, 2497211857, 0, 0}},
	 1, {{C, TCPS_SYN_SENT, TCPS_CLOSED, TCPE_SEND_RST, 3}}},
	{"CLOSED | send SYN (the same ISN, after its own RST) -> SYN_SENT", 4,
	 {{C, SYN, 0, 0, 0}, {S, ACK, 1, 2497211857, 0}, {C, RST, 2497211857, 0, 0},
	  {C, SYN, 0, 0, 0}},
	 1, {{C, TCPS_CLOSED, TCPS_SYN_SENT, TCPE_SEND_SYN, 4}}},
	{"the SYN,ACK to the SYN sent again proves it", 5,
	 {{C, SYN, 0, 0, 0}, {S, ACK, 1, 2497211857, 0}, {C, RST, 2497211857, 0, 0},
	  {C, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1, 0}},
	 1, {{S, TCPS_LISTEN, TCPS_SYN_RECEIVED, TCPE_RECV_SYN, 4}}},
	{"a FIN never proven leaves the receiver as it was", 4,
	 {HANDSHAKE, {S, FIN | ACK, 1, 1, 0}},
	 1, {{S, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPE_SEND_FIN, 4}}},
	/* Issue 16. A simultaneous open (RFC 9293 figure 8) with both SYNs
	 * sent again as SYN,ACKs: each SYN,ACK is a retransmission of its
	 * SYN, whose ACK still counts, at its proof. The client's ACK of the
	 * server's SYN,ACK (frame 4) proves both the server's SYN and that
	 * SYN,ACK: SYN_SENT -> SYN_RECEIVED -> ESTABLISHED in one segment. */
	{"simultaneous open: a SYN,ACK sent after its SYN is received for its ACK", 4,
	 {{C, SYN, 0, 0, 0}, {S, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1, 0}, {C, SYN | ACK, 0, 1, 0}},
	 2, {{C, TCPS_SYN_SENT, TCPS_SYN_RECEIVED, TCPE_RECV_SYN, 2},
	     {C, TCPS_SYN_RECEIVED, TCPS_ESTABLISHED, TCPE_RECV_SYNACK, 3}}},
	{"simultaneous open: the server's SYN_RECEIVED ends at the client's ACK of its SYN,ACK", 5,
	 {{C, SYN, 0, 0, 0}, {S, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1, 0}, {C, SYN | ACK, 0, 1, 0},
	  {C, ACK, 1, 1, 0}},
	 1, {{S, TCPS_SYN_RECEIVED, TCPS_ESTABLISHED, TCPE_RECV_SYNACK, 4}}},
	/* Crossing FINs (4, 5), both proven at 6; the server sends its FIN
	 * again (7), now acknowledging the client's: the client, in CLOSING,
	 * takes that ACK when its receipt is proven (8). */
	{"a FIN,ACK sent again acknowledges the FIN: CLOSING -> TIME_WAIT at its proof", 8,
	 {HANDSHAKE, {C, FIN | ACK, 1, 1, 0}, {S, FIN | ACK, 1, 1, 0}, {C, ACK, 2, 2, 0},
	  {S, FIN | ACK, 1, 2, 0}, {C, ACK, 2, 2, 0}},
	 1, {{C, TCPS_CLOSING, TCPS_TIME_WAIT, TCPE_RECV_FIN, 7}}},
	/* A client that closes (4) and then aborts (5, a RST past the
	 * server's window, which the server does not take): its FIN is
	 * withdrawn, and the server's later ACK of it (6) proves nothing. */
	{"a RST withdraws its sender's unproven FIN", 6,
	 {HANDSHAKE, {C, FIN | ACK, 1, 1, 0}, {C, RST, 200000, 0, 0}, {S, ACK, 1, 2, 0}},
	 0, {{0}}},
	/* The same for a SYN: the SYN,ACK after the client's RST is not an
	 * answer to a SYN the server was proven to have... */
	{"a RST withdraws its sender's unproven SYN", 3,
	 {{C, SYN, 0, 0, 0}, {C, RST, 1, 0, 0}, {S, SYN | ACK, 0, 1, 0}},
	 1, {{S, TCPS_LISTEN, TCPS_SYN_RECEIVED, TCPE_SEND_SYNACK, 3}}},
	/* ... and, the SYN sent again, the copy proven received is the later
	 * one (frame 3, not 1). */
	{"a SYN sent again after its RST: the later copy is the one received", 4,
	 {{C, SYN, 0, 0, 0}, {C, RST, 1, 0, 0}, {C, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1, 0}},
	 1, {{S, TCPS_LISTEN, TCPS_SYN_RECEIVED, TCPE_RECV_SYN, 3}}},
	/* "No more than a window" includes the edge: the SYN's sender has
	 * sent up to 1, the window is 65535, so 64 KiB (65536) is the slack,
	 * and an ACK of 1 + 65536 still proves the SYN. */
	{"an ACK exactly 64 KiB past the sent mark proves the SYN", 2,
	 {{C, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1 + 65536, 0}},
	 1, {{S, TCPS_LISTEN, TCPS_SYN_RECEIVED, TCPE_RECV_SYN, 1}}},
	{"an ACK one past that proves nothing (the SYN,ACK's own SYN aside)", 2,
	 {{C, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1 + 65537, 0}},
	 1, {{S, TCPS_LISTEN, TCPS_SYN_RECEIVED, TCPE_SEND_SYNACK, 2}}},
	/* A RST judged without an ACK from its receiver: the server, seen
	 * mid-stream, never acknowledged anything, so the client's RST is
	 * judged against what the client sent (up to 101), 64 KiB either
	 * way, both edges included. */
	{"RST 64 KiB below its sender's mark, receiver never acked -> CLOSED", 2,
	 {{C, PSH, 1, 0, 100}, {C, RST, 101 - 65536, 0, 0}},
	 2, {{C, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 2},
	     {S, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_RECV_RST, 2}}},
	{"RST 64 KiB above its sender's mark, receiver never acked -> CLOSED", 2,
	 {{C, PSH, 1, 0, 100}, {C, RST, 101 + 65536, 0, 0}},
	 2, {{C, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 2},
	     {S, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_RECV_RST, 2}}},
	{"RST one below that changes nothing", 2,
	 {{C, PSH, 1, 0, 100}, {C, RST, 101 - 65537, 0, 0}},
	 1, {{C, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 2}}},
	{"RST one above that changes nothing", 2,
	 {{C, PSH, 1, 0, 100}, {C, RST, 101 + 65537, 0, 0}},
	 1, {{C, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 2}}},
	/* tcpdump__tcp_eight_lowest_weight_flags_set.pcap: one packet with
	 * all eight flags. A RST whatever else it carries: a mid-stream start
	 * and an abort, not a SYN,ACK seen first. */
	{"a first segment with all eight flags is a RST", 1,
	 {{C, 0xff, 0, 1, 0}},
	 4, {{C, TCPS_UNKNOWN, TCPS_ESTABLISHED, TCPE_MID_STREAM, 1},
	     {S, TCPS_UNKNOWN, TCPS_ESTABLISHED, TCPE_MID_STREAM, 1},
	     {C, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_SEND_RST, 1},
	     {S, TCPS_ESTABLISHED, TCPS_CLOSED, TCPE_RECV_RST, 1}}},
	/* Several SYN,ACKs with different ISNs (each numbered from its own,
	 * so the same offsets): the one the client acknowledges is the last
	 * sent, and its receipt is that copy's (frame 3), not the first's. */
	{"a SYN,ACK with a new ISN is a new SYN: the client receives the one it acks", 4,
	 {{C, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1, 0}, {S, SYN | ACK, 0, 1, 0, true},
	  {C, ACK, 1, 1, 0}},
	 2, {{C, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPE_RECV_SYNACK, 3},
	     {S, TCPS_SYN_RECEIVED, TCPS_ESTABLISHED, TCPE_RECV_ACK, 4}}},
	{"a FIN after data is proven only by an ACK past the FIN", 6,
	 {HANDSHAKE, {C, FIN | PSH | ACK, 1, 1, 100}, {S, ACK, 1, 101, 0}, {S, ACK, 1, 102, 0}},
	 2, {{S, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPE_RECV_FIN, 4},
	     {C, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPE_RECV_ACK, 6}}},
};

enum { CASE_COUNT = sizeof cases / sizeof cases[0] };

START_TEST(state_table_row)
{
	const struct state_case *tc = &cases[_i];
	struct tcpst_conn conn;
	struct tcpst_result res;
	tcpst_init(&conn);
	bool refused = false;
	for (int i = 0; i < tc->nsteps; i++) {
		const struct step *s = &tc->steps[i];
		struct tcpst_segment seg = {.frame = (uint64_t)i + 1, .from = s->from,
		                            .flags = s->flags, .rel_seq = s->seq,
		                            .rel_ack = s->ack, .len = s->len, .win = 65535,
		                            .new_isn = s->new_isn};
		tcpst_apply(&conn, &seg, &res);
		refused |= res.refused_now;
	}
	ck_assert_msg(res.count == tc->nchanges, "%s: %d changes, expected %d",
	              tc->name, res.count, tc->nchanges);
	for (int i = 0; i < tc->nchanges; i++) {
		const struct expect *e = &tc->changes[i];
		const struct tcpst_change *c = &res.change[i];
		ck_assert_msg(c->endpoint == e->endpoint && c->from == e->from &&
		                      c->to == e->to && c->event == e->event &&
		                      c->frame == e->frame,
		              "%s: change %d is %s %s -> %s (%s, frame %llu), expected "
		              "%s %s -> %s (%s, frame %llu)",
		              tc->name, i, c->endpoint ? "server" : "client",
		              tcpst_state_name(c->from), tcpst_state_name(c->to),
		              tcpst_event_name(c->event), (unsigned long long)c->frame,
		              e->endpoint ? "server" : "client", tcpst_state_name(e->from),
		              tcpst_state_name(e->to), tcpst_event_name(e->event),
		              (unsigned long long)e->frame);
	}
	ck_assert_msg(refused == tc->refused, "%s: refused %d", tc->name, refused);
	if (tc->refused)
		ck_assert_int_eq(conn.ep[S].state, TCPS_CLOSED);
}
END_TEST

/* The seed conversation as the post prints it: the endpoints' states after
 * each of the 13 segments. */
START_TEST(seed_states_after_each_segment)
{
	static const struct step seed[13] = {
		{C, SYN, 0, 0, 0}, {S, SYN | ACK, 0, 1, 0}, {C, ACK, 1, 1, 0},
		{S, PSH | ACK, 1, 1, 5}, {C, ACK, 1, 6, 0}, {C, PSH | ACK, 1, 6, 2},
		{S, ACK, 6, 3, 0}, {C, PSH | ACK, 3, 6, 11}, {S, ACK, 6, 14, 0},
		{S, FIN | ACK, 6, 14, 0}, {C, ACK, 14, 7, 0}, {C, FIN | ACK, 14, 7, 0},
		{S, ACK, 7, 15, 0},
	};
	static const enum tcp_state after[13][2] = {
		{TCPS_SYN_SENT, TCPS_LISTEN}, {TCPS_SYN_SENT, TCPS_SYN_RECEIVED},
		{TCPS_ESTABLISHED, TCPS_ESTABLISHED}, {TCPS_ESTABLISHED, TCPS_ESTABLISHED},
		{TCPS_ESTABLISHED, TCPS_ESTABLISHED}, {TCPS_ESTABLISHED, TCPS_ESTABLISHED},
		{TCPS_ESTABLISHED, TCPS_ESTABLISHED}, {TCPS_ESTABLISHED, TCPS_ESTABLISHED},
		{TCPS_ESTABLISHED, TCPS_ESTABLISHED}, {TCPS_ESTABLISHED, TCPS_FIN_WAIT_1},
		{TCPS_CLOSE_WAIT, TCPS_FIN_WAIT_2}, {TCPS_LAST_ACK, TCPS_FIN_WAIT_2},
		{TCPS_CLOSED, TCPS_TIME_WAIT},
	};
	struct tcpst_conn conn;
	struct tcpst_result res;
	tcpst_init(&conn);
	int total = 0;
	for (int i = 0; i < 13; i++) {
		struct tcpst_segment seg = {.frame = (uint64_t)i + 1, .from = seed[i].from,
		                            .flags = seed[i].flags, .rel_seq = seed[i].seq,
		                            .rel_ack = seed[i].ack, .len = seed[i].len,
		                            .win = 65535};
		tcpst_apply(&conn, &seg, &res);
		total += res.count;
		ck_assert_msg(conn.ep[C].state == after[i][0] && conn.ep[S].state == after[i][1],
		              "after frame %d: %s/%s, expected %s/%s", i + 1,
		              tcpst_state_name(conn.ep[C].state), tcpst_state_name(conn.ep[S].state),
		              tcpst_state_name(after[i][0]), tcpst_state_name(after[i][1]));
	}
	ck_assert_int_eq(total, 10);
	ck_assert(tcpst_is_finished(&conn));
}
END_TEST

/* Issue 16: a server that refused a SYN (2), and answers the same SYN
 * sent again (3) with a SYN,ACK (4), was listening by then: the SYN,ACK
 * proves CLOSED -> SYN_RECEIVED (recv SYN, the SYN of frame 3), and the
 * table goes on to a normal close. It is no longer finished from then on,
 * so it does not leave memory after the close delay (5 s) mid-conversation;
 * a second refusal (frame 4 a RST,ACK instead) would have proven nothing. */
START_TEST(refused_then_answered_server_was_listening)
{
	static const struct step conv[] = {
		{C, SYN, 0, 0, 0}, {S, RST | ACK, 1, 1, 0}, {C, SYN, 0, 0, 0},
		{S, SYN | ACK, 0, 1, 0}, {C, ACK, 1, 1, 0}, {C, PSH | ACK, 1, 1, 10},
		{S, FIN | ACK, 1, 11, 0}, {C, FIN | ACK, 11, 2, 0}, {S, ACK, 2, 12, 0},
	};
	static const enum tcp_state after[][2] = {
		{TCPS_SYN_SENT, TCPS_LISTEN}, {TCPS_CLOSED, TCPS_CLOSED},
		{TCPS_SYN_SENT, TCPS_CLOSED}, {TCPS_SYN_SENT, TCPS_SYN_RECEIVED},
		{TCPS_ESTABLISHED, TCPS_ESTABLISHED}, {TCPS_ESTABLISHED, TCPS_ESTABLISHED},
		{TCPS_ESTABLISHED, TCPS_FIN_WAIT_1}, {TCPS_LAST_ACK, TCPS_FIN_WAIT_1},
		{TCPS_CLOSED, TCPS_TIME_WAIT},
	};
	static const bool finished[] = {false, true, true, false, false,
	                                false, false, true, true};
	struct tcpst_conn conn;
	struct tcpst_result res;
	tcpst_init(&conn);
	for (int i = 0; i < 9; i++) {
		struct tcpst_segment seg = {.frame = (uint64_t)i + 1, .from = conv[i].from,
		                            .flags = conv[i].flags, .rel_seq = conv[i].seq,
		                            .rel_ack = conv[i].ack, .len = conv[i].len,
		                            .win = 65535};
		tcpst_apply(&conn, &seg, &res);
		ck_assert_msg(res.refused_now == (i == 1), "frame %d refused_now %d", i + 1,
		              res.refused_now);
		if (i == 3) {
			ck_assert_int_eq(res.count, 1);
			ck_assert_int_eq(res.change[0].endpoint, S);
			ck_assert_int_eq(res.change[0].from, TCPS_CLOSED);
			ck_assert_int_eq(res.change[0].to, TCPS_SYN_RECEIVED);
			ck_assert_int_eq(res.change[0].event, TCPE_RECV_SYN);
			ck_assert_int_eq(res.change[0].frame, 3);
		}
		ck_assert_msg(conn.ep[C].state == after[i][0] && conn.ep[S].state == after[i][1],
		              "after frame %d: %s/%s, expected %s/%s", i + 1,
		              tcpst_state_name(conn.ep[C].state), tcpst_state_name(conn.ep[S].state),
		              tcpst_state_name(after[i][0]), tcpst_state_name(after[i][1]));
		ck_assert_msg(tcpst_is_finished(&conn) == finished[i], "after frame %d: finished %d",
		              i + 1, tcpst_is_finished(&conn));
	}

	/* Refused twice: the RST,ACK to the SYN sent again proves nothing. */
	tcpst_init(&conn);
	for (int i = 0; i < 4; i++) {
		struct tcpst_segment seg = {.frame = (uint64_t)i + 1, .from = conv[i].from,
		                            .flags = i == 3 ? RST | ACK : conv[i].flags,
		                            .rel_seq = i == 3 ? 1 : conv[i].seq,
		                            .rel_ack = conv[i].ack, .win = 65535};
		tcpst_apply(&conn, &seg, &res);
	}
	ck_assert_int_eq(conn.ep[S].state, TCPS_CLOSED);
	ck_assert_int_eq(conn.ep[C].state, TCPS_CLOSED);
	ck_assert_int_eq(res.count, 1);
	ck_assert_int_eq(res.change[0].endpoint, C);
	ck_assert_int_eq(res.change[0].event, TCPE_RECV_RST);
}
END_TEST

START_TEST(finished_only_when_closed_reset_or_both_fins)
{
	struct tcpst_conn conn;
	struct tcpst_result res;
	tcpst_init(&conn);
	struct tcpst_segment syn = {.frame = 1, .from = C, .flags = SYN};
	tcpst_apply(&conn, &syn, &res);
	ck_assert(!tcpst_is_finished(&conn));
	struct tcpst_segment rst = {.frame = 2, .from = C, .flags = RST, .rel_seq = 1};
	tcpst_apply(&conn, &rst, &res);
	ck_assert(tcpst_is_finished(&conn));
}
END_TEST

/* Random conversations (fixed seed): whatever the segments, every change
 * starts from the state its endpoint was in, and the changes one segment
 * proves fit the result. */
START_TEST(random_segments_keep_each_endpoint_chained)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (int conv = 0; conv < 20000; conv++) {
		struct tcpst_conn conn;
		struct tcpst_result res;
		tcpst_init(&conn);
		enum tcp_state last[2] = {TCPS_CLOSED, TCPS_LISTEN};
		for (int i = 0; i < 40; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			struct tcpst_segment seg = {
				.frame = (uint64_t)i + 1,
				.from = (int)(x & 1),
				.flags = (uint8_t)(x >> 8),
				.rel_seq = (int64_t)((x >> 16) % 8),
				.rel_ack = (int64_t)((x >> 24) % 8),
				.len = (uint32_t)((x >> 32) % 3),
				.win = (uint32_t)(x >> 40) % 70000,
			};
			/* The flow table's roles: a first SYN comes from the client,
			 * a first SYN,ACK from the server. */
			if (i == 0 && (seg.flags & SYN))
				seg.from = (seg.flags & ACK) ? S : C;
			tcpst_apply(&conn, &seg, &res);
			ck_assert_int_le(res.count, TCPST_MAX_CHANGES);
			for (int k = 0; k < res.count; k++) {
				const struct tcpst_change *c = &res.change[k];
				if (i == 0 && c->from == TCPS_UNKNOWN)
					last[c->endpoint] = TCPS_UNKNOWN;
				ck_assert_msg(c->from == last[c->endpoint],
				              "conversation %d frame %d: %s -> %s after %s", conv,
				              i + 1, tcpst_state_name(c->from), tcpst_state_name(c->to),
				              tcpst_state_name(last[c->endpoint]));
				ck_assert_int_ne(c->from, c->to);
				last[c->endpoint] = c->to;
			}
			if (!res.refused_now) {
				ck_assert_int_eq(conn.ep[C].state, last[C]);
				ck_assert_int_eq(conn.ep[S].state, last[S]);
			} else {
				last[S] = conn.ep[S].state; /* CLOSED throughout, no row */
			}
		}
	}
}
END_TEST

START_TEST(names_are_the_contract)
{
	ck_assert_str_eq(tcpst_state_name(TCPS_SYN_RECEIVED), "SYN_RECEIVED");
	ck_assert_str_eq(tcpst_state_name(TCPS_TIME_WAIT), "TIME_WAIT");
	ck_assert_str_eq(tcpst_state_name(TCPS_UNKNOWN), "UNKNOWN");
	ck_assert_str_eq(tcpst_event_name(TCPE_RECV_SYNACK), "recv SYN,ACK");
	ck_assert_str_eq(tcpst_event_name(TCPE_SEND_FIN), "send FIN");
}
END_TEST

Suite *tcpstate_suite(void)
{
	Suite *s = suite_create("tcpstate");
	TCase *tc = tcase_create("design_table");
	tcase_add_loop_test(tc, state_table_row, 0, CASE_COUNT);
	suite_add_tcase(s, tc);
	tc = tcase_create("conversations");
	tcase_add_test(tc, seed_states_after_each_segment);
	tcase_add_test(tc, refused_then_answered_server_was_listening);
	tcase_add_test(tc, finished_only_when_closed_reset_or_both_fins);
	tcase_add_test(tc, names_are_the_contract);
	tcase_add_test(tc, random_segments_keep_each_endpoint_chained);
	suite_add_tcase(s, tc);
	return s;
}
