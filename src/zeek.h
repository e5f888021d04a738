/* zeek: Zeek's conn.log conn_state and history for one TCP connection,
 * computed as Zeek's TCP analyzer computes them (TCPSessionAdapter.cc,
 * TCP_Endpoint.cc, base/protocols/conn/main.zeek), so that a connection
 * reads the same here as in a conn.log.
 *
 * Pure: a connection's struct and one segment in, the struct updated; at
 * the end, the two codes out. Zeek's originator is our client and its
 * responder our server (DESIGN.md's roles). Zeek keeps its own endpoint
 * states (INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED,
 * RESET), coarser than RFC 9293's and driven by flags alone, and its own
 * sequence bookkeeping; both are here, apart from tcpstate.h. Constant time
 * and no allocation per segment; the history has a fixed room
 * (ZEEK_HISTORY_MAX), past which letters are dropped. */
#ifndef TCPLADDER_ZEEK_H
#define TCPLADDER_ZEEK_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

#define ZEEK_HISTORY_MAX 48 /* letters kept, the terminating NUL aside */

struct zeek_ep {
	uint8_t state, prev_state;  /* Zeek's EndpointState, see zeek.c */
	uint32_t start;             /* Zeek's start_seq (absolute) */
	int64_t last, ack;          /* last_seq and ack_seq as offsets from start */
	int64_t contig;             /* end of the data seen without a hole */
	int64_t gap_acked;          /* highest ACK that revealed a gap */
	int64_t hist_syn, hist_fin, hist_rst; /* offsets of the last S/F/R */
	uint32_t fin_cnt;
	uint32_t rxmt_cnt, rxmt_thresh; /* 't': logged at 1, 10, 100, ... */
	uint32_t win0_cnt, win0_thresh; /* 'w' */
	uint32_t gap_cnt, gap_thresh;   /* 'g' */
};

struct zeek_conn {
	struct zeek_ep ep[2];       /* [0] originator (client), [1] responder */
	bool started;
	bool partial;               /* Zeek's is_partial: no clean SYN start */
	uint8_t first_seen;         /* bit 0: orig sent, bit 1: resp sent */
	uint32_t hist_seen;         /* letters logged once: Zeek's masks */
	uint8_t hist_len;
	char history[ZEEK_HISTORY_MAX + 1];
};

void zeek_init(struct zeek_conn *z);

/* Account seg, sent by the originator (from_orig) or the responder. */
void zeek_segment(struct zeek_conn *z, bool from_orig, const struct tcp_segment *seg);

/* conn.log's conn_state ("SF", "S0", ...): a static string. */
const char *zeek_conn_state(const struct zeek_conn *z);

/* Payload bytes of one side as Zeek's orig_bytes/resp_bytes count them:
 * from sequence numbers, SYN and FIN excluded. */
uint64_t zeek_size(const struct zeek_conn *z, int side);

#endif
