/* analysis: see analysis.h. The checks run in the order of Wireshark's
 * tcp_analyze_sequence_number (epan/dissectors/packet-tcp.c, as released in
 * 4.0), because the order decides the answer: a keep-alive is never a
 * retransmission, a keep-alive ACK or zero-window-probe ACK is never a
 * duplicate ACK, a zero-window probe is nothing else, and a spurious
 * retransmission is tested before fast retransmission, which is tested
 * before out-of-order (the default of the tcp.fastrt_supersedes_ooo
 * preference). After the checks, the segment updates its direction's
 * numbers; then come what Wireshark learns from the header outside the
 * analysis: the window scale option, the SYN's timestamp for the initial
 * RTT and the "window of a SYN is never scaled" rule (RFC 7323 section
 * 2.2). */
#include "analysis.h"

#include <string.h>

/* Modulo-2^32 comparisons (RFC 9293 section 3.4), Wireshark's GT_SEQ and
 * friends. */
static bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

/* Fast retransmission: within 20 ms of the duplicate ACKs that asked for
 * it (RFC 5681 section 3.2 sends it at once on the third). */
#define FAST_RETRANS_WINDOW_NS 20000000LL
/* Out-of-order: within the initial RTT of the highest segment sent, or
 * 3 ms when the handshake was not seen. */
#define OOO_DEFAULT_NS 3000000LL

void an_init(struct an_conn *conn)
{
	memset(conn, 0, sizeof *conn);
	conn->dir[0].win_scale = conn->dir[1].win_scale = -1;
}

/* Wireshark measures these delays in unsigned 64-bit nanoseconds, so a
 * capture whose clock goes backwards gives a huge delay: never "soon". */
static bool within(int64_t now_ns, int64_t then_ns, int64_t limit_ns)
{
	uint64_t d = (uint64_t)now_ns - (uint64_t)then_ns;
	return d < (uint64_t)limit_ns;
}

/* Retransmission, fast retransmission, spurious retransmission or
 * out-of-order: a segment that carries data (or SYN or FIN) and does not
 * advance its direction's sequence space. */
static uint32_t classify_resent(const struct an_conn *c, const struct an_dir *fwd,
                                const struct an_dir *rev,
                                const struct tcp_segment *seg, int64_t now)
{
	uint32_t seq = seg->seq, len = seg->payload_len;
	bool synfin = seg->flags & (TCP_SYN | TCP_FIN);
	bool not_advanced = fwd->nextseq && seq_lt(seq, fwd->nextseq);

	/* More than one byte starting one before nextseq: new data after
	 * what may have been a zero-window probe, not a repeat. */
	if (len > 1 && fwd->nextseq - 1 == seq)
		not_advanced = false;

	/* Everything in it was already acknowledged: the receiver had it. */
	if (len > 0 && rev->lastack && seq_le(seq + len, rev->lastack))
		return AN_RETRANSMISSION | AN_SPURIOUS_RETRANSMISSION;

	if (not_advanced && rev->dupacknum >= 2 && rev->lastack == seq &&
	    within(now, rev->lastack_ns, FAST_RETRANS_WINDOW_NS))
		return AN_RETRANSMISSION | AN_FAST_RETRANSMISSION;

	int64_t ooo = c->first_rtt_ns ? c->first_rtt_ns : OOO_DEFAULT_NS;
	/* Soon after the highest segment, and not a copy of it. */
	if (not_advanced && within(now, fwd->nextseq_ns, ooo) &&
	    fwd->nextseq != seq + len + (synfin ? 1 : 0))
		return AN_OUT_OF_ORDER;
	return not_advanced ? AN_RETRANSMISSION : 0;
}

uint32_t an_segment(struct an_conn *c, int dir, const struct tcp_segment *seg,
                    int64_t now, uint32_t *dupack_num)
{
	struct an_dir *fwd = &c->dir[dir], *rev = &c->dir[!dir];
	uint32_t seq = seg->seq, ack = seg->ack, len = seg->payload_len;
	uint32_t win = seg->win;
	uint8_t fl = seg->flags;
	bool ctl = fl & (TCP_SYN | TCP_FIN | TCP_RST);
	/* An ACK-only segment that repeats its direction's last position. */
	bool same_spot = len == 0 && !ctl && seq == fwd->nextseq && ack == fwd->lastack;
	uint32_t bits = 0;
	*dupack_num = 0;

	/* What Wireshark does on a SYN before the analysis. A SYN with the
	 * ISN already known is a retransmission that may follow a RST sent
	 * with the peer's ACK as its number (RFC 9293 section 3.10.7.3), so
	 * the direction's end goes back to what was sent contiguously
	 * (Wireshark issue 17616). A SYN,ACK with a new ISN is flagged, as
	 * Wireshark flags it, and its number becomes the base. Where we part
	 * from tshark 4.0: any SYN with a new ISN (a SYN,ACK answering again,
	 * or a SYN the flow table keeps in the connection) numbers its
	 * direction afresh, since an ISN implies no gap before it and an ACK
	 * of it acknowledges a segment that was seen; tshark carries the old
	 * numbers on and flags lost_segment and ack_lost_segment
	 * (docs/analysis.md, "A SYN's number is a fresh ISN"). */
	if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN && fwd->base_set && seq == fwd->base)
		fwd->nextseq = fwd->maxseqtobeacked;
	if ((fl & TCP_SYN) && fwd->base_set && seq != fwd->base) {
		if (fl & TCP_ACK)
			bits |= AN_REUSED_PORTS;
		fwd->base = seq;
		fwd->nextseq = fwd->maxseqtobeacked = 0;
	}
	if (!fwd->base_set) {
		fwd->base = (fl & TCP_SYN) ? seq : seq - 1;
		fwd->base_set = true;
	}
	if ((fl & TCP_ACK) && !rev->base_set) {
		rev->base = ack - 1;
		rev->base_set = true;
	}

	/* Zero-window probe: one byte at the next sequence number while the
	 * receiver advertises no room (RFC 9293 section 3.8.6.1). Nothing
	 * else is checked for it. */
	if (len == 1 && seq == fwd->nextseq && rev->window == 0) {
		bits |= AN_ZERO_WINDOW_PROBE;
		goto acks_checked;
	}
	if (win == 0 && !ctl)
		bits |= AN_ZERO_WINDOW;
	/* A hole before it: RST aside, whose number may be anything, and SYN
	 * aside, whose number is an ISN (tshark 4.0 flags a SYN too). */
	if (fwd->nextseq && seq_gt(seq, fwd->nextseq) && !(fl & (TCP_RST | TCP_SYN)))
		bits |= AN_LOST_SEGMENT;
	/* Keep-alive: zero or one byte at one before the next sequence
	 * number (RFC 9293 section 3.8.4). */
	if (len <= 1 && seq == fwd->nextseq - 1 && !ctl)
		bits |= AN_KEEP_ALIVE;
	if (same_spot && win != 0 && win != fwd->window)
		bits |= AN_WINDOW_UPDATE;
	/* Window full: data up to the right edge of the receiver's window,
	 * when its scale is known; a window carried by a SYN is unscaled. */
	if (len > 0 && !ctl && rev->win_scale != -1) {
		int shift = rev->is_first_ack || rev->win_scale < 0 ? 0 : rev->win_scale;
		if (seq + len == rev->lastack + (uint32_t)((uint64_t)rev->window << shift))
			bits |= AN_WINDOW_FULL;
	}
	if (same_spot && win != 0 && win == fwd->window &&
	    (rev->lastsegmentflags & AN_KEEP_ALIVE)) {
		bits |= AN_KEEP_ALIVE_ACK;
		goto acks_checked;
	}
	if (same_spot && win == 0 && fwd->window == 0 &&
	    (rev->lastsegmentflags & AN_ZERO_WINDOW_PROBE)) {
		bits |= AN_ZERO_WINDOW_PROBE_ACK;
		goto acks_checked;
	}
	/* Duplicate ACK: same position, same window (RFC 5681 section 2's
	 * definition, less its "outstanding data" clause, as Wireshark). */
	if (same_spot && win != 0 && win == fwd->window) {
		fwd->dupacknum = fwd->dupacknum == AN_ACK_SEEN_GAP ? 1 : fwd->dupacknum + 1;
		bits |= AN_DUPLICATE_ACK;
		*dupack_num = (uint32_t)fwd->dupacknum;
	}
acks_checked:
	if (ack != fwd->lastack)
		fwd->dupacknum = 0;

	/* ACKed unseen segment: it acknowledges beyond what the other
	 * direction was seen to send contiguously. Wireshark then moves the
	 * mark so one gap is reported once; when the mark cannot move, the
	 * other direction's duplicate-ACK counter remembers it (and so
	 * counts as two duplicate ACKs below: AN_ACK_SEEN_GAP). */
	if (rev->maxseqtobeacked && seq_gt(ack, rev->maxseqtobeacked) && (fl & TCP_ACK)) {
		if (seq_lt(rev->maxseqtobeacked, rev->nextseq)) {
			rev->maxseqtobeacked = rev->nextseq;
			bits |= AN_ACK_LOST_SEGMENT;
		} else {
			if (rev->dupacknum == 0)
				bits |= AN_ACK_LOST_SEGMENT;
			rev->dupacknum = AN_ACK_SEEN_GAP;
		}
	}

	if ((len > 0 || (fl & (TCP_SYN | TCP_FIN))) && !(bits & AN_KEEP_ALIVE))
		bits |= classify_resent(c, fwd, rev, seg, now);

	/* The segment's end; SYN and FIN take one number each. */
	uint32_t end = seq + len;
	if (fl & (TCP_SYN | TCP_FIN))
		end += 1;
	/* A probe's byte is not taken as sent until it is acknowledged. */
	bool probe = bits & AN_ZERO_WINDOW_PROBE;
	if ((!fwd->nextseq || seq_gt(end, fwd->nextseq)) && !probe) {
		fwd->nextseq = end;
		fwd->nextseq_ns = now;
	}
	if ((!fwd->maxseqtobeacked || seq == fwd->maxseqtobeacked) && !probe)
		fwd->maxseqtobeacked = fwd->nextseq;
	fwd->window = win;
	fwd->lastack = ack;
	fwd->lastack_ns = now;
	fwd->lastsegmentflags = bits;

	/* What Wireshark learns from the header after the analysis. A window
	 * scale option counts wherever it appears (capped at 14, RFC 7323
	 * section 2.3); a SYN without one means no scaling either way, and a
	 * SYN,ACK with one answering a SYN without does not turn it on. */
	if (seg->opt.has_wscale)
		fwd->win_scale = (int8_t)(seg->opt.wscale > 14 ? 14 : seg->opt.wscale);
	if (fl & TCP_SYN) {
		if (fwd->win_scale == -1)
			fwd->win_scale = rev->win_scale = -2;
		else if ((fl & TCP_ACK) && rev->win_scale == -2)
			fwd->win_scale = -2;
		if (!(fl & TCP_ACK))
			c->mru_syn_ns = now;
		fwd->is_first_ack = true;
	} else if (fl & TCP_ACK) {
		/* The initial RTT: from the latest SYN to the first ACK. */
		if (c->mru_syn_ns && !c->first_rtt_ns)
			c->first_rtt_ns = now - c->mru_syn_ns;
		fwd->is_first_ack = false;
	}
	return bits;
}

const char *an_bit_name(uint32_t bit)
{
	switch (bit) {
	case AN_RETRANSMISSION: return "retransmission";
	case AN_FAST_RETRANSMISSION: return "fast_retransmission";
	case AN_SPURIOUS_RETRANSMISSION: return "spurious_retransmission";
	case AN_OUT_OF_ORDER: return "out_of_order";
	case AN_LOST_SEGMENT: return "lost_segment";
	case AN_DUPLICATE_ACK: return "duplicate_ack";
	case AN_ACK_LOST_SEGMENT: return "ack_lost_segment";
	case AN_ZERO_WINDOW: return "zero_window";
	case AN_ZERO_WINDOW_PROBE: return "zero_window_probe";
	case AN_WINDOW_FULL: return "window_full";
	case AN_WINDOW_UPDATE: return "window_update";
	case AN_KEEP_ALIVE: return "keep_alive";
	case AN_KEEP_ALIVE_ACK: return "keep_alive_ack";
	case AN_REUSED_PORTS: return "reused_ports";
	case AN_ZERO_WINDOW_PROBE_ACK: return "zero_window_probe_ack";
	case AN_UNEXPECTED_IN_STATE: return "unexpected_in_state";
	default: return NULL;
	}
}
