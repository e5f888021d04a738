/* tcpstate: see tcpstate.h. One segment is applied in four steps, in the
 * order the endpoints must have lived them:
 *
 *   1. the sender's pending receipts that this segment acknowledges (it
 *      cannot acknowledge what it has not received, so those came first);
 *   2. the receiver's pending receipts of the sender's earlier SYN or FIN,
 *      when this segment is neither SYN, FIN nor RST (TCP delivers in order,
 *      so its receipt implies theirs);
 *   3. the sender's own change for sending it;
 *   4. the receiver's change for receiving it, or a new pending receipt
 *      when it is a SYN or FIN (a copy sent again too: its ACK is news).
 *
 * The switches in send() and receive() are DESIGN.md's table, one case per
 * row. */
#include "tcpstate.h"

#include <assert.h>
#include <string.h>

#include "decode.h"

static const char *const state_names[TCPS_COUNT] = {
	"UNKNOWN",     "CLOSED",     "LISTEN",     "SYN_SENT",
	"SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
	"CLOSE_WAIT",  "CLOSING",    "LAST_ACK",   "TIME_WAIT",
};

const char *tcpst_state_name(enum tcp_state state)
{
	return (unsigned)state < TCPS_COUNT ? state_names[state] : "?";
}

const char *tcpst_event_name(enum tcp_event event)
{
	switch (event) {
	case TCPE_SEND_SYN: return "send SYN";
	case TCPE_RECV_SYN: return "recv SYN";
	case TCPE_SEND_SYNACK: return "send SYN,ACK";
	case TCPE_RECV_SYNACK: return "recv SYN,ACK";
	case TCPE_SEND_FIN: return "send FIN";
	case TCPE_RECV_FIN: return "recv FIN";
	case TCPE_SEND_RST: return "send RST";
	case TCPE_RECV_RST: return "recv RST";
	case TCPE_SEND_ACK: return "send ACK";
	case TCPE_RECV_ACK: return "recv ACK";
	case TCPE_MID_STREAM: return "mid-stream";
	case TCPE_INFERRED: return "inferred";
	}
	return "?";
}

void tcpst_init(struct tcpst_conn *conn)
{
	memset(conn, 0, sizeof *conn);
	conn->ep[TCPST_CLIENT].state = TCPS_CLOSED;
	conn->ep[TCPST_SERVER].state = TCPS_LISTEN;
}

bool tcpst_is_finished(const struct tcpst_conn *conn)
{
	if (conn->rst_seen)
		return true;
	for (int i = 0; i < 2; i++) {
		enum tcp_state s = conn->ep[i].state;
		if (s == TCPS_CLOSED || s == TCPS_TIME_WAIT)
			return true;
	}
	return conn->ep[0].fin_sent && conn->ep[1].fin_sent;
}

/* Record endpoint's move to `to` (nothing if it is there already). */
static void change(struct tcpst_conn *conn, int endpoint, enum tcp_state to,
                   enum tcp_event event, const struct tcpst_segment *cause,
                   struct tcpst_result *result)
{
	struct tcpst_endpoint *ep = &conn->ep[endpoint];
	if (ep->state == to)
		return;
	assert(result->count < TCPST_MAX_CHANGES);
	if (result->count == TCPST_MAX_CHANGES) {
		ep->state = to; /* unreachable (see the bound); never abort */
		return;
	}
	struct tcpst_change *c = &result->change[result->count++];
	c->endpoint = endpoint;
	c->from = ep->state;
	c->to = to;
	c->event = event;
	c->frame = cause->frame;
	c->rel_seq = cause->rel_seq;
	c->has_ack = (cause->flags & TCP_ACK) != 0;
	c->rel_ack = c->has_ack ? cause->rel_ack : 0;
	ep->state = to;
}

static enum tcp_event recv_event(uint8_t flags)
{
	if (flags & TCP_RST)
		return TCPE_RECV_RST;
	if (flags & TCP_SYN)
		return (flags & TCP_ACK) ? TCPE_RECV_SYNACK : TCPE_RECV_SYN;
	if (flags & TCP_FIN)
		return TCPE_RECV_FIN;
	return TCPE_RECV_ACK;
}

/* A window as slack for what the capture may have missed: at least 64 KiB
 * (65,536 numbers, DESIGN.md: "no more than a window" takes the edge), so
 * that a small or zero window does not make every estimate exact. */
static int64_t slack(uint32_t win)
{
	return win > 65536 ? win : 65536;
}

/* Does seg, sent by the peer of endpoint r, acknowledge r's numbers up to
 * end? Its ACK must reach end and must not pass what r has sent by more
 * than a window: RFC 9293 section 3.10.7.4 calls an ACK of something not
 * yet sent unacceptable, and a challenge ACK (RFC 5961 section 4) carries a
 * number of another connection's, which proves nothing here. The window (at
 * least 64 KiB, as in rst_acceptable) allows for r's segments the capture
 * missed. */
static bool acknowledges(const struct tcpst_endpoint *r,
                         const struct tcpst_segment *seg, int64_t end)
{
	if (!(seg->flags & TCP_ACK) || seg->rel_ack < end)
		return false;
	int64_t window = slack(seg->win);
	int64_t sent = r->has_next && r->next_seq > end ? r->next_seq : end;
	return seg->rel_ack <= sent + window;
}

/* Only an ACK proves a SYN received, and only one of a SYN that was seen:
 * when r's SYN was never captured (a one-sided capture, a SYN,ACK lost at
 * the tap), nothing shows that the ACK is of it (DESIGN.md's evidence
 * rule; docs/analysis.md, "An ACK of a SYN,ACK never captured"). */
static bool acks_syn(const struct tcpst_endpoint *r,
                     const struct tcpst_segment *seg)
{
	return r->syn_sent && acknowledges(r, seg, r->syn_end);
}

static bool acks_fin(const struct tcpst_endpoint *r,
                     const struct tcpst_segment *seg)
{
	return r->fin_sent && acknowledges(r, seg, r->fin_end);
}

/* RFC 9293 3.10.7: in SYN_SENT a RST is acceptable only if it acknowledges
 * the SYN; otherwise its sequence number must be in the receive window,
 * RCV.NXT =< SEG.SEQ < RCV.NXT + RCV.WND. The wire shows the receiver's
 * RCV.NXT and RCV.WND as its last acknowledgement and window;
 * the window's far edge is taken too, because what the receiver has
 * acknowledged lags what it has. A receiver that never acknowledged
 * anything the capture shows is judged from what the sender has sent,
 * with a window (at least 64 KiB) of slack either way. */
static bool rst_acceptable(const struct tcpst_conn *conn, int receiver,
                           const struct tcpst_segment *seg)
{
	const struct tcpst_endpoint *r = &conn->ep[receiver];
	const struct tcpst_endpoint *s = &conn->ep[!receiver];
	if (r->state == TCPS_SYN_SENT) /* SND.UNA < SEG.ACK =< SND.NXT */
		return (seg->flags & TCP_ACK) && seg->rel_ack >= r->syn_end &&
		       seg->rel_ack <= r->next_seq;
	if (r->has_acked)
		return seg->rel_seq >= r->acked &&
		       seg->rel_seq <= r->acked + (int64_t)r->last_win;
	if (!s->has_next)
		return true;
	int64_t window = slack(r->last_win);
	return seg->rel_seq >= s->next_seq - window &&
	       seg->rel_seq <= s->next_seq + window;
}

/* Endpoint r receives seg whole, its changes recorded as event ev. proof is
 * the segment that proved a SYN's or FIN's receipt, NULL for a segment
 * received at once. */
static void receive_as(struct tcpst_conn *conn, int r_idx,
                       const struct tcpst_segment *seg, enum tcp_event ev,
                       bool rst_ok, const struct tcpst_segment *proof,
                       struct tcpst_result *result)
{
	struct tcpst_endpoint *r = &conn->ep[r_idx];

	if (seg->flags & TCP_RST) {
		/* any but LISTEN | recv RST in window -> CLOSED */
		if (r->state != TCPS_LISTEN && rst_ok)
			change(conn, r_idx, TCPS_CLOSED, ev, seg, result);
		return;
	}
	if (seg->flags & TCP_SYN) {
		switch (r->state) {
		case TCPS_LISTEN: /* LISTEN | recv SYN -> SYN_RECEIVED */
			if (!(seg->flags & TCP_ACK))
				change(conn, r_idx, TCPS_SYN_RECEIVED, ev, seg, result);
			else
				result->unexpected = true;
			break;
		case TCPS_SYN_SENT:
			if (!(seg->flags & TCP_ACK)) /* simultaneous open */
				change(conn, r_idx, TCPS_SYN_RECEIVED, ev, seg, result);
			else if (acks_syn(r, seg)) /* recv SYN,ACK acking its SYN */
				change(conn, r_idx, TCPS_ESTABLISHED, ev, seg, result);
			break;
		case TCPS_SYN_RECEIVED: /* the SYN,ACK of a simultaneous open */
			if (acks_syn(r, seg))
				change(conn, r_idx, TCPS_ESTABLISHED, ev, seg, result);
			break;
		case TCPS_CLOSED:
			/* A server that refused a SYN and then answers one with a
			 * SYN,ACK was listening by then: the SYN,ACK proves it
			 * received that SYN (DESIGN.md), and only a SYN,ACK
			 * shows it; a RST of a refused server's own proves
			 * nothing of the kind. */
			if (!(seg->flags & TCP_ACK) && conn->server_refused &&
			    r_idx == TCPST_SERVER && proof && proof->from == TCPST_SERVER &&
			    (proof->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == (TCP_SYN | TCP_ACK)) {
				conn->server_refused = false;
				change(conn, r_idx, TCPS_SYN_RECEIVED, ev, seg, result);
			}
			break;
		default:
			break;
		}
		return;
	}
	if (seg->flags & TCP_ACK) {
		switch (r->state) {
		case TCPS_SYN_RECEIVED: /* recv ACK of its SYN */
			if (acks_syn(r, seg))
				change(conn, r_idx, TCPS_ESTABLISHED, ev, seg, result);
			break;
		case TCPS_FIN_WAIT_1:
			if (acks_fin(r, seg)) {
				if (seg->flags & TCP_FIN) { /* recv FIN acking its FIN */
					change(conn, r_idx, TCPS_TIME_WAIT, ev, seg, result);
					return;
				}
				change(conn, r_idx, TCPS_FIN_WAIT_2, ev, seg, result);
			}
			break;
		case TCPS_CLOSING: /* recv ACK of its FIN */
			if (acks_fin(r, seg))
				change(conn, r_idx, TCPS_TIME_WAIT, ev, seg, result);
			break;
		case TCPS_LAST_ACK: /* recv ACK of its FIN */
			if (acks_fin(r, seg))
				change(conn, r_idx, TCPS_CLOSED, ev, seg, result);
			break;
		default:
			break;
		}
	}
	if (seg->flags & TCP_FIN) {
		switch (r->state) {
		case TCPS_ESTABLISHED:
			change(conn, r_idx, TCPS_CLOSE_WAIT, ev, seg, result);
			break;
		case TCPS_FIN_WAIT_1: /* its own FIN not yet acked */
			change(conn, r_idx, TCPS_CLOSING, ev, seg, result);
			break;
		case TCPS_FIN_WAIT_2:
			change(conn, r_idx, TCPS_TIME_WAIT, ev, seg, result);
			break;
		default:
			result->unexpected = true;
			break;
		}
	}
}

static void receive(struct tcpst_conn *conn, int r_idx,
                    const struct tcpst_segment *seg, bool rst_ok,
                    struct tcpst_result *result)
{
	receive_as(conn, r_idx, seg, recv_event(seg->flags), rst_ok, NULL, result);
}

/* Endpoint s sends seg. Returns true when seg is a new SYN or FIN (not a
 * retransmission), whose receipt is then pending. */
static bool send(struct tcpst_conn *conn, int s_idx,
                 const struct tcpst_segment *seg, struct tcpst_result *result)
{
	struct tcpst_endpoint *s = &conn->ep[s_idx];

	if (seg->flags & TCP_RST) { /* any | send RST -> CLOSED */
		conn->rst_seen = true;
		change(conn, s_idx, TCPS_CLOSED, TCPE_SEND_RST, seg, result);
		return false;
	}
	if (seg->flags & TCP_SYN) {
		int64_t end = seg->rel_seq + 1;
		/* Retransmitted: changes no state, unless its sender closed in
		 * between (its own RST, say, to an ACK it could not accept):
		 * then the same SYN opens it again. */
		if (s->syn_sent && end == s->syn_end && s->state != TCPS_CLOSED &&
		    !seg->new_isn)
			return false;
		bool synack = (seg->flags & TCP_ACK) != 0;
		switch (s->state) {
		case TCPS_CLOSED: /* CLOSED, LISTEN | send SYN -> SYN_SENT */
		case TCPS_LISTEN:
			if (!synack) {
				change(conn, s_idx, TCPS_SYN_SENT, TCPE_SEND_SYN, seg, result);
				conn->rst_seen = false; /* open again: not finished */
			} else if (s->state == TCPS_LISTEN) /* its SYN was not seen */
				change(conn, s_idx, TCPS_SYN_RECEIVED, TCPE_SEND_SYNACK, seg,
				       result);
			else
				result->unexpected = true;
			break;
		case TCPS_UNKNOWN: /* first segment a SYN,ACK */
			change(conn, s_idx, TCPS_SYN_RECEIVED, TCPE_SEND_SYNACK, seg,
			       result);
			break;
		case TCPS_SYN_RECEIVED: /* the SYN,ACK after receiving a SYN */
			if (!synack)
				result->unexpected = true;
			break;
		default:
			result->unexpected = true;
			break;
		}
		s->syn_sent = true;
		s->syn_end = end;
		return true;
	}
	if (seg->flags & TCP_FIN) {
		int64_t end = seg->rel_seq + seg->len + 1;
		if (s->fin_sent) {
			/* A retransmission, or a FIN moved by data sent after it:
			 * either way no new state. */
			if (end > s->fin_end)
				s->fin_end = end;
			return false;
		}
		switch (s->state) {
		case TCPS_SYN_RECEIVED: /* SYN_RECEIVED, ESTABLISHED | send FIN */
		case TCPS_ESTABLISHED:
			change(conn, s_idx, TCPS_FIN_WAIT_1, TCPE_SEND_FIN, seg, result);
			break;
		case TCPS_CLOSE_WAIT:
			change(conn, s_idx, TCPS_LAST_ACK, TCPE_SEND_FIN, seg, result);
			break;
		default:
			result->unexpected = true;
			break;
		}
		s->fin_sent = true;
		s->fin_end = end;
		return true;
	}
	return false;
}

static int64_t pending_end(const struct tcpst_segment *seg)
{
	/* A SYN is proven by an ACK of the SYN itself, even if data rode on
	 * it (TCP Fast Open); a FIN only by an ACK past the FIN. */
	if (seg->flags & TCP_SYN)
		return seg->rel_seq + 1;
	return seg->rel_seq + seg->len + 1;
}

/* Endpoint r's pending receipt p is proven by proof (NULL: by in-order
 * delivery). The window check happened when it was sent; a SYN or FIN is
 * not a RST, so rst_ok does not matter here. A copy sent again is received
 * for its ACK only (its SYN or FIN was the first copy's), recorded as the
 * segment it is. */
static void prove(struct tcpst_conn *conn, int r_idx, struct tcpst_pending *p,
                  const struct tcpst_segment *proof, struct tcpst_result *result)
{
	p->active = false;
	struct tcpst_segment seg = p->seg;
	enum tcp_event ev = recv_event(seg.flags);
	if (p == &conn->ep[r_idx].pending_resent)
		seg.flags &= (uint8_t)~(TCP_SYN | TCP_FIN);
	receive_as(conn, r_idx, &seg, ev, true, proof, result);
}

/* Endpoint r's pending receipts that proof proves, in the order they were
 * sent: the SYN, a copy of it sent again, the FIN, a copy of that. With
 * proof NULL (in-order delivery) all of them; else those it acknowledges
 * of the other endpoint's numbers. */
static void prove_pending(struct tcpst_conn *conn, int r_idx,
                          const struct tcpst_segment *proof,
                          struct tcpst_result *result)
{
	struct tcpst_endpoint *r = &conn->ep[r_idx];
	const struct tcpst_endpoint *s = &conn->ep[!r_idx];
	bool resent_is_syn = (r->pending_resent.seg.flags & TCP_SYN) != 0;
	struct tcpst_pending *order[4] = {
		&r->pending_syn, resent_is_syn ? &r->pending_resent : NULL,
		&r->pending_fin, resent_is_syn ? NULL : &r->pending_resent,
	};
	for (int i = 0; i < 4; i++) {
		struct tcpst_pending *p = order[i];
		if (p && p->active &&
		    (!proof || acknowledges(s, proof, pending_end(&p->seg))))
			prove(conn, r_idx, p, proof, result);
	}
}

/* A server whose first segment is a RST to the client's SYN was not
 * listening: CLOSED from the start, with no transition, until a SYN,ACK of
 * its proves it was listening by then (receive_as). The SYN stays pending:
 * that SYN,ACK may answer it. */
static bool is_refusal(const struct tcpst_conn *conn,
                       const struct tcpst_segment *seg)
{
	const struct tcpst_endpoint *server = &conn->ep[TCPST_SERVER];
	return seg->from == TCPST_SERVER && (seg->flags & TCP_RST) &&
	       server->state == TCPS_LISTEN && !server->has_next &&
	       conn->ep[TCPST_CLIENT].state == TCPS_SYN_SENT;
}

static void start(struct tcpst_conn *conn, const struct tcpst_segment *seg,
                  struct tcpst_result *result)
{
	conn->started = true;
	/* A RST is a RST whatever else it carries (DESIGN.md): with SYN and
	 * ACK set too it is no SYN,ACK seen first. */
	if ((seg->flags & (TCP_SYN | TCP_RST)) != TCP_SYN) {
		/* Mid-stream: both were ESTABLISHED before the capture began. */
		for (int i = 0; i < 2; i++) {
			conn->ep[i].state = TCPS_UNKNOWN;
			change(conn, i, TCPS_ESTABLISHED, TCPE_MID_STREAM, seg, result);
		}
	} else if (seg->flags & TCP_ACK) {
		/* A SYN,ACK first: the client's SYN happened but was missed. Its
		 * end is what the SYN,ACK acknowledges. */
		struct tcpst_endpoint *client = &conn->ep[TCPST_CLIENT];
		client->state = TCPS_UNKNOWN;
		change(conn, TCPST_CLIENT, TCPS_SYN_SENT, TCPE_INFERRED, seg, result);
		client->syn_sent = true;
		client->syn_end = seg->rel_ack;
		conn->ep[TCPST_SERVER].state = TCPS_UNKNOWN;
	}
}

void tcpst_apply(struct tcpst_conn *conn, const struct tcpst_segment *seg,
                 struct tcpst_result *result)
{
	assert(seg->from == TCPST_CLIENT || seg->from == TCPST_SERVER);
	result->count = 0;
	result->unexpected = false;
	result->refused_now = false;

	int e = seg->from, o = !seg->from;
	struct tcpst_endpoint *sender = &conn->ep[e];
	struct tcpst_endpoint *receiver = &conn->ep[o];

	if (!conn->started)
		start(conn, seg, result);
	bool rst_ok = (seg->flags & TCP_RST) && rst_acceptable(conn, o, seg);

	if (is_refusal(conn, seg)) {
		conn->server_refused = true;
		conn->rst_seen = true;
		result->refused_now = true;
		sender->state = TCPS_CLOSED;
		receive(conn, o, seg, rst_ok, result);
	} else {
		/* 1. What this segment acknowledges, its sender had received. */
		prove_pending(conn, e, seg, result);
		/* 2. In-order delivery proves the receiver had the earlier ones. */
		if (!(seg->flags & (TCP_SYN | TCP_FIN | TCP_RST)))
			prove_pending(conn, o, NULL, result);
		/* 3. and 4. */
		bool fresh = send(conn, e, seg, result);
		if (seg->flags & TCP_RST) {
			/* A RST withdraws its sender's SYN or FIN not yet proven
			 * received (DESIGN.md): sent again, the later copy is
			 * the one that counts. */
			receiver->pending_syn.active = false;
			receiver->pending_fin.active = false;
			receiver->pending_resent.active = false;
			receive(conn, o, seg, rst_ok, result);
		} else if (seg->flags & (TCP_SYN | TCP_FIN)) {
			/* A copy sent again changes no state with its SYN or FIN,
			 * but its ACK may be news (a simultaneous open's SYN,ACK
			 * after its SYN; a FIN,ACK sent again once the peer's FIN
			 * came): received at its proof, as the first copy was. */
			struct tcpst_pending *p = NULL;
			if (fresh)
				p = (seg->flags & TCP_SYN) ? &receiver->pending_syn
				                           : &receiver->pending_fin;
			else if (seg->flags & TCP_ACK)
				p = &receiver->pending_resent;
			if (p) {
				p->active = true;
				p->seg = *seg;
			}
		} else {
			receive(conn, o, seg, rst_ok, result);
		}
	}

	/* A RST takes no sequence space, and its number may be another's
	 * (RFC 9293 3.10.7.3: the ACK it answers): it moves neither mark. */
	if (seg->flags & TCP_RST)
		return;
	int64_t next = seg->rel_seq + seg->len +
	               ((seg->flags & TCP_SYN) ? 1 : 0) + ((seg->flags & TCP_FIN) ? 1 : 0);
	if (!sender->has_next || next > sender->next_seq)
		sender->next_seq = next;
	sender->has_next = true;
	sender->last_win = seg->win;
	/* The last, not the highest: a challenge ACK of another connection's
	 * number (RFC 5961 4) must not stand for RCV.NXT ever after. */
	if (seg->flags & TCP_ACK) {
		sender->acked = seg->rel_ack;
		sender->has_acked = true;
	}
}
