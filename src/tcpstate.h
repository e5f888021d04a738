/* tcpstate: both endpoints' TCP states (RFC 9293 section 3.3.2), as a
 * capture can prove them.
 *
 * Pure: a connection's state struct and one segment in, the changes out. The
 * caller owns the struct, computes relative numbers (seqnum.h) and writes
 * the changes; nothing here allocates, prints or knows about flows' keys.
 *
 * The capture shows when a segment was sent, not when it arrived. A sent
 * segment changes its sender at once. Its receipt changes the receiver at
 * once too, except a SYN or FIN: those stay pending until a later segment
 * proves the receiver has them (one from the receiver acknowledging them, or
 * a later segment of the same direction that is neither SYN, FIN nor RST),
 * and are then received whole, their ACK included. DESIGN.md has the table
 * this implements, row for row. */
#ifndef TCPLADDER_TCPSTATE_H
#define TCPLADDER_TCPSTATE_H

#include <stdbool.h>
#include <stdint.h>

/* Values are stored in the database: see schema/001_tables.sql tcp_states. */
enum tcp_state {
	TCPS_UNKNOWN = 0,
	TCPS_CLOSED,
	TCPS_LISTEN,
	TCPS_SYN_SENT,
	TCPS_SYN_RECEIVED,
	TCPS_ESTABLISHED,
	TCPS_FIN_WAIT_1,
	TCPS_FIN_WAIT_2,
	TCPS_CLOSE_WAIT,
	TCPS_CLOSING,
	TCPS_LAST_ACK,
	TCPS_TIME_WAIT,
	TCPS_COUNT
};

/* Values are stored in the database: schema/001_tables.sql tcp_events. The
 * low bit is 1 for a receipt. */
enum tcp_event {
	TCPE_SEND_SYN = 0,
	TCPE_RECV_SYN = 1,
	TCPE_SEND_SYNACK = 2,
	TCPE_RECV_SYNACK = 3,
	TCPE_SEND_FIN = 4,
	TCPE_RECV_FIN = 5,
	TCPE_SEND_RST = 6,
	TCPE_RECV_RST = 7,
	TCPE_SEND_ACK = 8,
	TCPE_RECV_ACK = 9,
	TCPE_MID_STREAM = 10, /* capture started after the handshake */
	TCPE_INFERRED = 12,   /* a SYN,ACK first: its receiver had sent a SYN */
};

enum { TCPST_CLIENT = 0, TCPST_SERVER = 1 };

const char *tcpst_state_name(enum tcp_state state);
const char *tcpst_event_name(enum tcp_event event);

/* What the state machine needs of one segment, in the connection's terms:
 * who sent it and its numbers relative to each direction's ISN. */
/* (Fields ordered widest first: every tracked connection holds six of
 * these, and padding is memory a flood multiplies.) */
struct tcpst_segment {
	uint64_t frame;
	int64_t rel_seq;   /* in the sender's sequence space */
	int64_t rel_ack;   /* in the receiver's space; used only with TCP_ACK */
	uint32_t len;      /* payload */
	uint32_t win;      /* window, scaled when both SYNs agreed a scale */
	int from;          /* TCPST_CLIENT or TCPST_SERVER */
	uint8_t flags;     /* TCP_SYN ... from decode.h */
	bool new_isn;      /* a SYN with an ISN its sender had not used: a new
	                      SYN, not a copy, though numbered from its own ISN
	                      its offsets are the same (seqnum.h) */
};

/* A SYN or FIN sent but not yet proven received. */
struct tcpst_pending {
	struct tcpst_segment seg;
	bool active;
};

struct tcpst_endpoint {
	int64_t syn_end;       /* offset just past its SYN */
	int64_t fin_end;       /* offset just past its FIN */
	int64_t next_seq;      /* highest offset it has sent up to */
	int64_t acked;         /* its last ACK (the peer's space): its RCV.NXT
	                          as the wire shows it */
	enum tcp_state state;
	uint32_t last_win;     /* last window it advertised (scaled) */
	bool syn_sent, fin_sent;
	bool has_next;
	bool has_acked;
	/* Its receipts of the other side's SYN and FIN, until proven; and of
	 * the latest copy of either sent again with an ACK, whose ACK counts
	 * at its proof as the first copy's would. */
	struct tcpst_pending pending_syn, pending_fin, pending_resent;
};

struct tcpst_conn {
	struct tcpst_endpoint ep[2]; /* TCPST_CLIENT, TCPST_SERVER */
	bool started;
	bool rst_seen;
	bool server_refused;  /* answered the SYN with a RST: not listening, until
	                         a SYN,ACK of its shows it was */
};

/* One state change of one endpoint. */
struct tcpst_change {
	int endpoint;
	enum tcp_state from, to;
	enum tcp_event event;
	uint64_t frame;        /* the segment that caused it */
	int64_t rel_seq;       /* that segment's numbers */
	int64_t rel_ack;
	bool has_ack;
};

/* The most one segment can prove: a mid-stream start (2), then up to two
 * changes per receipt (SYN_RECEIVED -> ESTABLISHED -> CLOSE_WAIT) for each
 * of three pending receipts on each side (12), its send (1) and its own
 * receipt (2). */
#define TCPST_MAX_CHANGES 17

struct tcpst_result {
	int count;
	struct tcpst_change change[TCPST_MAX_CHANGES];
	bool unexpected;       /* a SYN/FIN/RST no rule covers: flag it */
	bool refused_now;      /* this segment revealed a refused connection:
	                          earlier rows' server_state become CLOSED */
};

/* Start a connection: mid_stream when its first segment carries no SYN.
 * The client starts CLOSED and the server LISTEN; mid-stream both start
 * UNKNOWN and become ESTABLISHED at their first segment. */
void tcpst_init(struct tcpst_conn *conn);

/* Apply one segment: fills *result with the changes it proves, in the order
 * they happened, and leaves conn in the states after it. */
void tcpst_apply(struct tcpst_conn *conn, const struct tcpst_segment *seg,
                 struct tcpst_result *result);

/* Closed, reset or in TIME_WAIT: a new SYN on its key is a new connection,
 * and it may leave memory after the close delay. */
bool tcpst_is_finished(const struct tcpst_conn *conn);

#endif
