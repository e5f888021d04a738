/* flow_state: a connection's analysis state (sequence spaces, RFC 9293
 * states, Wireshark's and Zeek's bookkeeping, handshake times), out of
 * line from its struct flow, and the one segment step that drives it.
 *
 * Why out of line: the state is about 900 bytes and a flood of lone SYNs
 * would hold one per SYN. A connection that is one client SYN and nothing
 * else (no ACK, FIN or RST, no payload) keeps none: what the state
 * machines made of that SYN is a function of the SYN, whose fields the
 * core keeps, so it is run through them again (flow_state_begin,
 * flow_state_view) when the connection needs its state: at its next
 * segment, or for its row. The step is deterministic and the same code
 * runs both times, so the state comes back bit for bit.
 *
 * Pure apart from the allocation of f's state: no I/O, no SQL.
 * Ownership: f owns its state; flow_free frees it. */
#ifndef TCPLADDER_FLOW_STATE_H
#define TCPLADDER_FLOW_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis.h"
#include "decode.h"
#include "flow.h"
#include "seqnum.h"
#include "tcpstate.h"
#include "zeek.h"

struct flow_state {
	struct seq_space space[2]; /* each direction's sequence numbers */
	struct tcpst_conn tcp;
	struct an_conn an;         /* Wireshark's analysis state, by direction */
	struct zeek_conn zeek;     /* Zeek's endpoint states and history */
	int64_t synack_ts_ns;      /* the server's first SYN,ACK of the client's
	                              first SYN, -1 if none */
	int64_t syn_synack_ns;     /* SYN to SYN,ACK, -1 until seen */
	int64_t synack_ack_ns;     /* SYN,ACK to the client's ACK of it, -1 */
	int64_t handshake_rtt_ns;  /* SYN to that ACK, -1 until seen */
};

/* What one segment did to a connection's state. */
struct flow_step {
	struct tcpst_segment ts;   /* its numbers, relative (seqnum.h) */
	struct tcpst_result res;   /* the state changes it proves */
	uint32_t analysis;         /* AN_UNEXPECTED_IN_STATE and an_segment's */
	uint32_t dupack_num;       /* an_segment's */
};

void flow_state_init(struct flow_state *st);

/* The state to apply a segment of f to: f's own; for a connection with no
 * segment yet, *scratch, initialised; for a lone SYN, a new one with the
 * SYN applied again, now f's. NULL when out of memory. */
struct flow_state *flow_state_begin(struct flow *f, struct flow_state *scratch);

/* After the segment seg (flow_record done): a first segment's state, in
 * *scratch, is copied out of line, unless seg leaves f a lone SYN, which
 * keeps none. Returns -1 when out of memory. */
int flow_state_end(struct flow *f, struct flow_state *st,
                   const struct tcp_segment *seg);

/* f's state to read: its own, or a lone SYN's rebuilt in *scratch. */
const struct flow_state *flow_state_view(const struct flow *f,
                                         struct flow_state *scratch);

/* Run seg, sent by the client (from_client) or the server at ts_ns as
 * frame, through st: offsets from each direction's ISN, the state
 * machine, Wireshark's flags, Zeek's letters. f gives the window scales
 * of its SYNs. */
void flow_step(const struct flow *f, struct flow_state *st,
               const struct tcp_segment *seg, bool from_client, uint64_t frame,
               int64_t ts_ns, struct flow_step *out);

/* The bytes f holds now: its core, its out-of-line parts and its bucket
 * (FLOW_LONE_SYN_BYTES's accounting). */
size_t flow_bytes(const struct flow *f);

#endif
