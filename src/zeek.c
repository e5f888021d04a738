/* zeek: see zeek.h. Per segment, in the order of Zeek's
 * TCPSessionAdapter::Process: the sender's sequence bookkeeping starts (or
 * restarts on a SYN), the flag letter is logged, then a zero window ('w'),
 * the ACK moves the peer's acknowledged mark, a repeat of data already
 * sent counts as a retransmission ('t'), the endpoint state machine runs,
 * and last the ACK may reveal a content gap in the peer's data ('g').
 *
 * Two parts are approximations, documented in docs/analysis.md: Zeek finds
 * content gaps in its reassembler, which we do not have, so 'g' is logged
 * when an ACK covers bytes never seen (after a SYN-started connection, not
 * at its FIN or RST, as Zeek refrains there); and 'c' (bad checksum) is
 * never logged, since tcpladder, like tshark by default, does not verify
 * checksums. Zeek's roles come from its likely_server_ports heuristic,
 * ours from DESIGN.md; when our client did not send the first segment the
 * history starts with '^', as Zeek's does after it flips a connection. */
#include "zeek.h"

#include <ctype.h>
#include <string.h>

/* Zeek's EndpointState values (TCP_Endpoint.h), in its order. */
enum {
	EP_INACTIVE,
	EP_SYN_SENT,
	EP_SYN_ACK_SENT,
	EP_PARTIAL,
	EP_ESTABLISHED,
	EP_CLOSED,
	EP_RESET,
};

/* Zeek's history masks (TCP_Endpoint.h); the responder's are shifted by
 * 16 so that one word holds both sides. */
enum {
	HIST_SYN = 0x1,
	HIST_FIN = 0x2,
	HIST_RST = 0x4,
	HIST_FIN_RST = 0x8,
	HIST_DATA = 0x10,
	HIST_ACK = 0x20,
	HIST_MULTI_FLAG = 0x40,
};

/* Zeek distrusts a SYN or RST whose number jumps further than this. */
#define TOO_LARGE_SEQ_DELTA 1048576

enum { ORIG = 0, RESP = 1 };

static void ep_reset(struct zeek_ep *e)
{
	memset(e, 0, sizeof *e);
	e->rxmt_thresh = e->win0_thresh = e->gap_thresh = 1;
}

void zeek_init(struct zeek_conn *z)
{
	memset(z, 0, sizeof *z);
	ep_reset(&z->ep[ORIG]);
	ep_reset(&z->ep[RESP]);
}

static void set_state(struct zeek_ep *e, uint8_t state)
{
	if (state != e->state) {
		e->prev_state = e->state;
		e->state = state;
	}
}

static void add_letter(struct zeek_conn *z, char c)
{
	if (z->hist_len < ZEEK_HISTORY_MAX) {
		z->history[z->hist_len++] = c;
		z->history[z->hist_len] = '\0';
	}
}

static char side_letter(int side, char code)
{
	return side == ORIG ? code : (char)tolower((unsigned char)code);
}

/* Log code once per side; true if it was logged before (Zeek's
 * Connection::CheckHistory). */
static bool check_history(struct zeek_conn *z, int side, uint32_t mask, char code)
{
	if (side == RESP)
		mask <<= 16;
	if (z->hist_seen & mask)
		return true;
	z->hist_seen |= mask;
	add_letter(z, side_letter(side, code));
	return false;
}

/* Count an event and log its letter at the 1st, 10th, 100th, ...
 * (Zeek's ScaledHistoryEntry, base 10). */
static void scaled(struct zeek_conn *z, int side, char code, uint32_t *count,
                   uint32_t *thresh)
{
	if (++*count != *thresh)
		return;
	add_letter(z, side_letter(side, code));
	*thresh = *thresh > UINT32_MAX / 10 ? UINT32_MAX : *thresh * 10;
}

/* Signed distance a - b modulo 2^32 (Zeek's seq_delta). */
static int32_t seq_delta(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* The absolute number at offset off from e's start. */
static uint32_t abs_at(const struct zeek_ep *e, int64_t off)
{
	return e->start + (uint32_t)off;
}

/* Offset of absolute number n, taken within 2^31 of the last one sent. */
static int64_t offset_of(const struct zeek_ep *e, uint32_t n)
{
	return e->last + seq_delta(n, abs_at(e, e->last));
}

static void start_seq(struct zeek_ep *e, uint32_t start, int64_t last)
{
	e->start = start;
	e->ack = 0;
	e->last = last;
	e->contig = 1; /* the first data byte's offset */
	e->gap_acked = 0;
}

/* init_endpoint: set up (or restart, on a SYN) the sender's numbers. */
static void init_endpoint(struct zeek_ep *e, uint8_t flags, uint32_t seq, int32_t seg_len)
{
	bool syn = flags & TCP_SYN;
	switch (e->state) {
	case EP_INACTIVE:
		if (syn)
			start_seq(e, seq, seg_len);
		else
			/* As if a SYN had gone before, and this first packet
			 * not a repeat. */
			start_seq(e, seq - 1, 1);
		break;
	case EP_SYN_SENT:
	case EP_SYN_ACK_SENT:
		if (syn && seq != e->start)
			start_seq(e, seq, seg_len);
		break;
	case EP_ESTABLISHED:
	case EP_PARTIAL:
		if (syn)
			start_seq(e, seq, seg_len);
		break;
	case EP_RESET:
		if (syn && e->prev_state == EP_INACTIVE)
			start_seq(e, seq, seg_len);
		break;
	default:
		break;
	}
}

static void update_history(struct zeek_conn *z, int side, uint8_t flags,
                           int64_t rel, uint32_t len)
{
	struct zeek_ep *e = &z->ep[side];
	bool syn = flags & TCP_SYN, fin = flags & TCP_FIN, rst = flags & TCP_RST;
	int bits = syn + fin + rst;
	if (bits > 1) {
		if (fin && rst)
			check_history(z, side, HIST_FIN_RST, 'I');
		else
			check_history(z, side, HIST_MULTI_FLAG, 'Q');
		return;
	}
	if (syn) {
		char code = (flags & TCP_ACK) ? 'H' : 'S';
		if (check_history(z, side, HIST_SYN, code) && rel != e->hist_syn)
			add_letter(z, side_letter(side, code));
		e->hist_syn = rel;
	} else if (fin) {
		/* A FIN's number is after its data. */
		if (check_history(z, side, HIST_FIN, 'F') && rel + len != e->hist_fin)
			add_letter(z, side_letter(side, 'F'));
		e->hist_fin = rel + len;
	} else if (rst) {
		if (check_history(z, side, HIST_RST, 'R') && rel != e->hist_rst)
			add_letter(z, side_letter(side, 'R'));
		e->hist_rst = rel;
	} else if (len) {
		check_history(z, side, HIST_DATA, 'D');
	} else if (flags & TCP_ACK) {
		check_history(z, side, HIST_ACK, 'A');
	}
}

/* update_last_seq: the furthest number sent, and retransmissions. */
static void update_last(struct zeek_conn *z, int side, uint8_t flags,
                        uint32_t seq_end, uint32_t len)
{
	struct zeek_ep *e = &z->ep[side];
	int32_t delta = seq_delta(seq_end, abs_at(e, e->last));
	if ((flags & (TCP_SYN | TCP_RST)) &&
	    (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA))
		return; /* a number Zeek does not trust */
	if ((flags & TCP_FIN) && e->last == 1)
		e->last += delta; /* only the SYN seen before: believe the FIN */
	else if (e->state == EP_RESET)
		return;
	else if (delta > 0)
		e->last += delta;
	else if (len > 0)
		scaled(z, side, 'T', &e->rxmt_cnt, &e->rxmt_thresh);
}

static void inactive_state(struct zeek_conn *z, int side, uint8_t flags, uint32_t len)
{
	struct zeek_ep *e = &z->ep[side], *p = &z->ep[!side];
	if (flags & TCP_SYN) {
		if (side == ORIG) {
			set_state(e, (flags & TCP_ACK) ? EP_SYN_ACK_SENT : EP_SYN_SENT);
		} else {
			/* The responder's SYN (with ACK, or crossing ours):
			 * the connection is up. Zeek would flip roles for a
			 * SYN answering the originator's SYN,ACK; our roles
			 * are fixed by DESIGN.md. */
			if (p->state == EP_SYN_SENT)
				set_state(p, EP_ESTABLISHED);
			set_state(e, EP_ESTABLISHED);
		}
	}
	if (flags & TCP_FIN)
		set_state(e, EP_CLOSED);
	if (flags & TCP_RST)
		set_state(e, EP_RESET);
	if (e->state != EP_INACTIVE)
		return;
	/* No control flag moved it. */
	if (side == RESP && len == 0 && z->ep[ORIG].state == EP_SYN_SENT)
		return; /* an ACK of the SYN before the SYN,ACK: not partial */
	if ((flags & TCP_ACK) && p->state == EP_ESTABLISHED) {
		/* The SYN was missed but the SYN,ACK seen. */
		set_state(e, EP_ESTABLISHED);
		z->partial = false;
	} else {
		set_state(e, EP_PARTIAL);
	}
}

static void update_state(struct zeek_conn *z, int side, uint8_t flags, uint32_t len)
{
	struct zeek_ep *e = &z->ep[side], *p = &z->ep[!side];
	switch (e->state) {
	case EP_INACTIVE:
		inactive_state(z, side, flags, len);
		break;
	case EP_SYN_SENT:
	case EP_SYN_ACK_SENT:
		if (flags & TCP_FIN)
			set_state(e, EP_CLOSED);
		if (flags & TCP_RST)
			set_state(e, EP_RESET);
		break;
	case EP_ESTABLISHED:
	case EP_PARTIAL:
		if ((flags & TCP_SYN) && e->state == EP_PARTIAL &&
		    p->state == EP_INACTIVE && !(flags & TCP_ACK))
			set_state(e, EP_SYN_SENT);
		if ((flags & TCP_FIN) && !(flags & TCP_RST)) {
			set_state(e, EP_CLOSED);
			/* The peer's FIN then RST was a normal close. */
			if (p->state == EP_RESET && p->prev_state == EP_CLOSED)
				set_state(p, EP_CLOSED);
		}
		if (flags & TCP_RST)
			set_state(e, EP_RESET);
		break;
	case EP_CLOSED:
		/* After a FIN exchange a RST changes nothing. */
		if ((flags & TCP_RST) && p->state != EP_CLOSED)
			set_state(e, EP_RESET);
		break;
	default:
		break;
	}
}

/* The ACK of the peer's data: acknowledged bytes never seen are a content
 * gap. Zeek trims an ACK of the FIN to the byte before it. */
static void ack_received(struct zeek_conn *z, int side, uint8_t flags, int64_t rel_ack)
{
	struct zeek_ep *p = &z->ep[!side];
	int64_t fin_end = p->hist_fin + 1;
	if (p->fin_cnt > 0 && rel_ack >= fin_end)
		rel_ack = fin_end - 1;
	if (rel_ack <= p->contig || rel_ack <= p->gap_acked)
		return;
	p->gap_acked = rel_ack;
	p->contig = rel_ack;
	if (z->partial || (flags & (TCP_FIN | TCP_RST)) ||
	    p->state == EP_CLOSED || p->state == EP_RESET)
		return;
	scaled(z, !side, 'G', &p->gap_cnt, &p->gap_thresh);
}

void zeek_segment(struct zeek_conn *z, bool from_orig, const struct tcp_segment *seg)
{
	int side = from_orig ? ORIG : RESP;
	struct zeek_ep *e = &z->ep[side], *p = &z->ep[!side];
	uint8_t flags = seg->flags;
	uint32_t len = seg->payload_len;
	bool syn = flags & TCP_SYN, fin = flags & TCP_FIN, rst = flags & TCP_RST;

	/* Zeek takes a SYN from the originator, once either endpoint has
	 * closed or reset, for a new connection, whatever its ISN
	 * (TCPSessionAdapter::IsReuse). DESIGN.md keeps a SYN with the same
	 * ISN in the connection, which then gets the codes of Zeek's last
	 * connection on its ports: the conversation it ended in (a refused
	 * SYN tried again and answered is REJ, then SF). */
	if (z->started && from_orig && (flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
	    (e->state == EP_CLOSED || e->state == EP_RESET || p->state == EP_CLOSED ||
	     p->state == EP_RESET))
		zeek_init(z);
	if (!z->started) {
		z->started = true;
		if (!from_orig)
			add_letter(z, '^');
	}
	/* Zeek's is_partial: the originator's first packet not a bare SYN,
	 * or the responder's not a SYN. */
	uint8_t bit = (uint8_t)(1u << side);
	if (!(z->first_seen & bit)) {
		if (side == ORIG)
			z->partial = !syn || (flags & TCP_ACK);
		else if (!z->partial)
			z->partial = !syn;
		z->first_seen |= bit;
	}

	/* Sequence space taken: SYN and FIN one each, a RST's data none. */
	int32_t seg_len = (int32_t)len + syn + fin - (rst ? (int32_t)len : 0);
	init_endpoint(e, flags, seg->seq, seg_len);
	int64_t rel = offset_of(e, seg->seq);
	update_history(z, side, flags, rel, len);

	/* A zero window is news unless it comes with or after a RST, or
	 * after the peer's FIN (then no window matters). */
	if (seg->win == 0 && !rst && p->state != EP_CLOSED && e->state != EP_RESET)
		scaled(z, side, 'W', &e->win0_cnt, &e->win0_thresh);
	if (fin)
		e->fin_cnt++;

	int64_t rel_ack = 0;
	if (flags & TCP_ACK) {
		if (p->state == EP_INACTIVE) {
			/* Number the peer as if its SYN were ack - 1. */
			start_seq(p, seg->ack - 1, 0);
			rel_ack = 1;
		} else {
			int32_t d = seq_delta(seg->ack, abs_at(p, p->ack));
			rel_ack = p->ack + d;
			if (rel_ack < 0)
				rel_ack = 0;
			/* Never trust a RST's ACK; a zero ACK far ahead is
			 * broken, not a wrap. */
			else if (!rst && !(seg->ack == 0 && d > TOO_LARGE_SEQ_DELTA) && d > 0)
				p->ack += d;
		}
	}

	/* Data seen without a hole since the start. */
	if (len > 0 && !rst) {
		int64_t from = rel + (syn ? 1 : 0), to = from + len;
		if (from <= e->contig && to > e->contig)
			e->contig = to;
	}
	update_last(z, side, flags, seg->seq + (uint32_t)seg_len, len);
	update_state(z, side, flags, len);
	if (flags & TCP_ACK)
		ack_received(z, side, flags, rel_ack);
}

uint64_t zeek_size(const struct zeek_conn *z, int side)
{
	const struct zeek_ep *e = &z->ep[side], *p = &z->ep[!side];
	/* A half-open connection found and aborted: its numbers mislead. */
	if (e->prev_state == EP_SYN_SENT && e->state == EP_RESET &&
	    p->state == EP_INACTIVE && !(e->ack == 0 || e->ack == 1))
		return 0;
	int64_t size = e->last > e->ack ? e->last : e->ack;
	if (size <= 0)
		return 0;
	size--; /* the SYN's number */
	if (e->fin_cnt > 0 && size > 0)
		size--;
	return (uint64_t)size;
}

/* The history matches /^?S[^HAFGIQ]*R.* / in full: the originator's SYN,
 * then its RST before any answer (Zeek's RSTOS0 test). */
static bool syn_then_rst(const char *h)
{
	if (*h == '^')
		h++;
	if (*h++ != 'S')
		return false;
	for (; *h; h++) {
		if (*h == 'R')
			return true;
		if (strchr("HAFGIQ", *h))
			return false;
	}
	return false;
}

const char *zeek_conn_state(const struct zeek_conn *z)
{
	int os = z->ep[ORIG].state, rs = z->ep[RESP].state;
	bool o_inactive = os == EP_INACTIVE || os == EP_PARTIAL;
	bool r_inactive = rs == EP_INACTIVE || rs == EP_PARTIAL;
	if (rs == EP_RESET) {
		if (os == EP_SYN_SENT || os == EP_SYN_ACK_SENT ||
		    (os == EP_RESET && zeek_size(z, ORIG) == 0 && zeek_size(z, RESP) == 0))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == EP_RESET) {
		if (r_inactive)
			return syn_then_rst(z->history) ? "RSTOS0" : "OTH";
		return "RSTO";
	}
	if (rs == EP_CLOSED && os == EP_CLOSED)
		return "SF";
	if (os == EP_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == EP_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == EP_SYN_SENT && rs == EP_INACTIVE)
		return "S0";
	if (os == EP_ESTABLISHED && rs == EP_ESTABLISHED)
		return "S1";
	return "OTH";
}
