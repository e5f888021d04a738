/* analysis: Wireshark's per-segment TCP analysis flags (tcp.analysis.*),
 * computed as tshark 4.0 computes them, so that every flag a user sees here
 * can be checked against tshark on the same capture.
 *
 * Pure: a connection's analysis state and one segment in, the segment's
 * flags out. Constant time and no allocation per segment: where Wireshark
 * keeps a list of unacknowledged segments, nothing here needs one, because
 * the flags of tshark 4.0 depend only on the per-direction numbers below
 * (packet-tcp.c, tcp_analyze_sequence_number). The caller owns the struct,
 * finds the connection and says which way the segment goes; nothing here
 * knows flows, prints or writes.
 *
 * Numbers are the absolute 32-bit ones of the header and windows the raw
 * header values, as tshark's analysis sees them; comparisons are modulo
 * 2^32 (RFC 9293 section 3.4). */
#ifndef TCPLADDER_ANALYSIS_H
#define TCPLADDER_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

/* Bits of segments.analysis and flows.analysis; their names are in
 * schema/001_tables.sql analysis_flags, as Wireshark's field names less
 * the tcp.analysis. prefix. A fast or spurious retransmission also has
 * AN_RETRANSMISSION, since tshark sets tcp.analysis.retransmission on
 * both. */
enum analysis_bit {
	AN_RETRANSMISSION = 1 << 0,
	AN_FAST_RETRANSMISSION = 1 << 1,
	AN_SPURIOUS_RETRANSMISSION = 1 << 2,
	AN_OUT_OF_ORDER = 1 << 3,
	AN_LOST_SEGMENT = 1 << 4,          /* previous segment not captured */
	AN_DUPLICATE_ACK = 1 << 5,
	AN_ACK_LOST_SEGMENT = 1 << 6,      /* ACKed unseen segment */
	AN_ZERO_WINDOW = 1 << 7,
	AN_ZERO_WINDOW_PROBE = 1 << 8,
	AN_WINDOW_FULL = 1 << 9,
	AN_WINDOW_UPDATE = 1 << 10,
	AN_KEEP_ALIVE = 1 << 11,
	AN_KEEP_ALIVE_ACK = 1 << 12,
	AN_REUSED_PORTS = 1 << 13,         /* set by the caller: flow.h */
	AN_ZERO_WINDOW_PROBE_ACK = 1 << 14,
	AN_UNEXPECTED_IN_STATE = 1 << 15,  /* tcpladder's own: tcpstate.h */
};
enum { AN_BITS = 16 };

/* One direction's state: what Wireshark keeps per tcp_flow_t for the
 * analysis. Zero (as an_init leaves it) is "nothing seen yet"; as in
 * Wireshark, a nextseq, maxseqtobeacked or lastack of 0 also means "not
 * known", which only a sequence number of exactly 0 can confuse. */
struct an_dir {
	bool base_set;            /* Wireshark's base_seq: the ISN, or one */
	uint32_t base;            /* less than the first number seen */
	uint32_t nextseq;         /* highest seq + len (+1 for SYN/FIN) sent */
	int64_t nextseq_ns;       /* when nextseq last advanced */
	uint32_t maxseqtobeacked; /* highest contiguous end sent */
	uint32_t lastack;         /* ack field of its last segment */
	int64_t lastack_ns;
	uint32_t window;          /* raw window of its last segment */
	int8_t win_scale;         /* -1 unknown, -2 not used, else the shift */
	bool is_first_ack;        /* its SYN was its last word: window unscaled */
	uint32_t dupacknum;       /* duplicate ACKs in a row; see AN_ACK_SEEN_GAP */
	uint32_t lastsegmentflags; /* the flags of its last segment */
};

/* dupacknum's "an ACK of unseen data was reported" mark. Wireshark stores
 * -1 in an unsigned counter, so the mark also reads as "two or more
 * duplicate ACKs" to the fast retransmission test; we keep that. */
#define AN_ACK_SEEN_GAP UINT32_MAX

struct an_conn {
	struct an_dir dir[2];     /* indexed like the caller's directions */
	int64_t mru_syn_ns;       /* the latest SYN without ACK; 0: none */
	int64_t first_rtt_ns;     /* tshark's tcp.analysis.initial_rtt; 0: none */
};

void an_init(struct an_conn *conn);

/* The flags of seg, sent in direction dir (0 or 1) at ts_ns, and the state
 * after it. *dupack_num is the duplicate ACK's number, as Wireshark counts
 * them (#1, #2, ...), when the result has AN_DUPLICATE_ACK, else 0. */
uint32_t an_segment(struct an_conn *conn, int dir, const struct tcp_segment *seg,
                    int64_t ts_ns, uint32_t *dupack_num);

/* Wireshark's field name of one bit, less the prefix ("duplicate_ack"),
 * or NULL for a bit that has none. */
const char *an_bit_name(uint32_t bit);

#endif
