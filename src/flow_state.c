/* flow_state: see flow_state.h. */
#include "flow_state.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void flow_state_init(struct flow_state *st)
{
	memset(st->space, 0, sizeof st->space);
	tcpst_init(&st->tcp);
	an_init(&st->an);
	zeek_init(&st->zeek);
	st->synack_ts_ns = st->syn_synack_ns = -1;
	st->synack_ack_ns = st->handshake_rtt_ns = -1;
}

void flow_step(const struct flow *f, struct flow_state *st,
               const struct tcp_segment *seg, bool from_client, uint64_t frame,
               int64_t ts_ns, struct flow_step *out)
{
	/* Offsets from each direction's ISN; without its SYN, from one less
	 * than its first number seen (tshark's rule, packet-tcp.c). */
	int dir = from_client ? TCPST_CLIENT : TCPST_SERVER;
	bool syn = seg->flags & TCP_SYN, ack = seg->flags & TCP_ACK;
	struct seq_space *mine = &st->space[dir], *theirs = &st->space[!dir];
	bool new_isn = false;
	if (syn && ack)
		new_isn = seq_synack(mine, seg->seq);
	else
		seq_set_base(mine, syn ? seg->seq : seg->seq - 1, syn);
	if (ack) {
		seq_set_base(theirs, seg->ack - 1, false);
		seq_acked(theirs, seg->ack);
	}

	out->ts = (struct tcpst_segment){
		.frame = frame,
		.from = dir,
		.flags = seg->flags,
		.rel_seq = seq_unwrap(mine, seg->seq),
		.rel_ack = ack ? seq_unwrap(theirs, seg->ack) : 0,
		.len = seg->payload_len,
		.win = seg->win,
		.new_isn = new_isn,
	};
	/* RFC 7323 2.2: the scale applies to segments after the SYNs, only
	 * when both SYNs carried it; shifts above 14 are taken as 14. */
	if (!syn && f->wscale[0] >= 0 && f->wscale[1] >= 0)
		out->ts.win <<= f->wscale[dir] > 14 ? 14 : f->wscale[dir];

	tcpst_apply(&st->tcp, &out->ts, &out->res);
	out->analysis = out->res.unexpected ? AN_UNEXPECTED_IN_STATE : 0;

	/* Wireshark's flags and Zeek's letters see the segment as sent. */
	out->analysis |= an_segment(&st->an, dir, seg, ts_ns, &out->dupack_num);
	zeek_segment(&st->zeek, from_client, seg);
}

/* A lone SYN's segment as the state machines saw it, from what the core
 * kept of it: every field they read (seq, ack, flags, win, payload_len,
 * the window scale option) is the SYN's. */
static void lone_syn_segment(const struct flow *f, struct tcp_segment *seg)
{
	memset(seg, 0, sizeof *seg);
	seg->ip_version = f->ip_version;
	memcpy(seg->src_addr, f->addr[TCPST_CLIENT], sizeof seg->src_addr);
	memcpy(seg->dst_addr, f->addr[TCPST_SERVER], sizeof seg->dst_addr);
	seg->src_port = f->port[TCPST_CLIENT];
	seg->dst_port = f->port[TCPST_SERVER];
	seg->seq = f->isn[TCPST_CLIENT];
	seg->ack = f->syn_ack;
	seg->flags = f->syn_flags;
	seg->win = f->syn_win;
	seg->opt.has_mss = f->mss[TCPST_CLIENT] >= 0;
	seg->opt.mss = seg->opt.has_mss ? (uint16_t)f->mss[TCPST_CLIENT] : 0;
	seg->opt.has_wscale = f->wscale[TCPST_CLIENT] >= 0;
	seg->opt.wscale = seg->opt.has_wscale ? (uint8_t)f->wscale[TCPST_CLIENT] : 0;
	seg->opt.sack_permitted = f->sack_ok[TCPST_CLIENT] > 0;
}

/* st as f's segments so far left it: none, or its lone SYN. */
static void rebuild(const struct flow *f, struct flow_state *st)
{
	flow_state_init(st);
	if (f->packets[TCPST_CLIENT] + f->packets[TCPST_SERVER] == 0)
		return;
	assert(f->packets[TCPST_CLIENT] == 1 && f->packets[TCPST_SERVER] == 0);
	struct tcp_segment seg;
	lone_syn_segment(f, &seg);
	struct flow_step step;
	flow_step(f, st, &seg, true, f->first_frame, f->first_ts_ns, &step);
}

struct flow_state *flow_state_begin(struct flow *f, struct flow_state *scratch)
{
	if (f->state)
		return f->state;
	if (f->packets[TCPST_CLIENT] + f->packets[TCPST_SERVER] == 0) {
		flow_state_init(scratch);
		return scratch;
	}
	struct flow_state *st = malloc(sizeof *st);
	if (!st)
		return NULL;
	rebuild(f, st);
	f->state = st;
	return st;
}

int flow_state_end(struct flow *f, struct flow_state *st,
                   const struct tcp_segment *seg)
{
	if (st == f->state)
		return 0;
	/* The first segment. A lone SYN: one from the client, with none of
	 * ACK, FIN and RST, no payload; the core keeps the rest of it. */
	bool lone_syn = f->packets[TCPST_CLIENT] == 1 && f->packets[TCPST_SERVER] == 0 &&
	                (seg->flags & (TCP_SYN | TCP_ACK | TCP_FIN | TCP_RST)) == TCP_SYN &&
	                seg->payload_len == 0 && f->has_isn[TCPST_CLIENT] &&
	                f->isn[TCPST_CLIENT] == seg->seq;
	if (lone_syn) {
		f->syn_ack = seg->ack;
		f->syn_win = seg->win;
		f->syn_flags = seg->flags;
		return 0;
	}
	f->state = malloc(sizeof *f->state);
	if (!f->state)
		return -1;
	memcpy(f->state, st, sizeof *st);
	return 0;
}

const struct flow_state *flow_state_view(const struct flow *f,
                                         struct flow_state *scratch)
{
	if (f->state)
		return f->state;
	rebuild(f, scratch);
	return scratch;
}

/* glibc's chunk header and rounding, at most, on a 64-bit machine. */
enum { MALLOC_OVERHEAD = 16 };

size_t flow_bytes(const struct flow *f)
{
	size_t n = sizeof *f + MALLOC_OVERHEAD + 2 * sizeof(struct flow *);
	if (f->state)
		n += sizeof *f->state + MALLOC_OVERHEAD;
	if (f->rare) {
		n += sizeof *f->rare + MALLOC_OVERHEAD;
		if (f->rare->tunnel)
			n += strlen(f->rare->tunnel) + 1 + MALLOC_OVERHEAD;
	}
	return n;
}
