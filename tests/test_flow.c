/* flow: roles, port reuse and eviction of the connection table. */
#include <check.h>
#include <string.h>

#include "flow.h"
#include "flow_state.h"
#include "suites.h"

static const struct flow_limits limits = {
	.close_delay_ns = FLOW_DEFAULT_CLOSE_DELAY_NS,
	.idle_timeout_ns = FLOW_DEFAULT_IDLE_TIMEOUT_NS,
	.max_flows = 1000,
};

static struct tcp_segment seg4(uint32_t src, uint16_t sport, uint32_t dst,
                               uint16_t dport, uint8_t flags, uint32_t seq)
{
	struct tcp_segment s;
	memset(&s, 0, sizeof s);
	s.ip_version = 4;
	for (int i = 0; i < 4; i++) {
		s.src_addr[i] = (uint8_t)(src >> (24 - 8 * i));
		s.dst_addr[i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	s.src_port = sport;
	s.dst_port = dport;
	s.flags = flags;
	s.seq = seq;
	return s;
}

#define A 0x0a000001u /* 10.0.0.1 */
#define B 0x0a000002u /* 10.0.0.2 */

/* Feed seg to the table as ingest does: find or add, state, record; the
 * state machine sees made-up offsets, enough for roles and reuse. */
static struct flow *feed(struct flow_table *t, const struct tcp_segment *seg,
                         uint64_t frame, int64_t ts, int64_t *next_id)
{
	bool from_client;
	struct flow *f = flow_table_find(t, seg, &from_client);
	if (f && flow_is_reused_by(f, seg, from_client)) {
		flow_table_remove(t, f);
		flow_free(f);
		f = NULL;
	}
	if (!f)
		f = flow_table_add(t, seg, (*next_id)++, &from_client);
	struct tcpst_segment ts_seg = {.frame = frame,
	                               .from = from_client ? TCPST_CLIENT : TCPST_SERVER,
	                               .flags = seg->flags, .rel_seq = 0,
	                               .rel_ack = 1, .win = 65535};
	if (!(seg->flags & TCP_SYN))
		ts_seg.rel_seq = 1;
	struct flow_state scratch;
	struct flow_state *st = flow_state_begin(f, &scratch);
	ck_assert_ptr_nonnull(st);
	struct tcpst_result res;
	tcpst_apply(&st->tcp, &ts_seg, &res);
	flow_record(t, f, st, seg, from_client, frame, ts, ts);
	ck_assert_int_eq(flow_state_end(f, st, seg), 0);
	return f;
}

START_TEST(syn_sender_is_client)
{
	struct flow_table *t = flow_table_new(&limits, 1);
	struct tcp_segment s = seg4(A, 40000, B, 80, TCP_SYN, 1);
	bool from_client;
	struct flow *f = flow_table_add(t, &s, 1, &from_client);
	ck_assert(from_client);
	ck_assert_int_eq(f->port[TCPST_CLIENT], 40000);
	ck_assert_int_eq(f->port[TCPST_SERVER], 80);
	ck_assert(!f->mid_stream);
	struct tcp_segment back = seg4(B, 80, A, 40000, TCP_SYN | TCP_ACK, 9);
	ck_assert_ptr_eq(flow_table_find(t, &back, &from_client), f);
	ck_assert(!from_client);
	flow_table_free(t);
}
END_TEST

START_TEST(synack_receiver_is_client)
{
	struct flow_table *t = flow_table_new(&limits, 1);
	struct tcp_segment s = seg4(B, 80, A, 40000, TCP_SYN | TCP_ACK, 9);
	bool from_client;
	struct flow *f = flow_table_add(t, &s, 1, &from_client);
	ck_assert(!from_client);
	ck_assert_int_eq(f->port[TCPST_CLIENT], 40000);
	flow_table_free(t);
}
END_TEST

struct role_case {
	uint16_t sport, dport;
	bool source_is_server;
};
static const struct role_case role_cases[] = {
	{443, 51000, true},   /* the port below 1024 */
	{51000, 443, false},
	{8080, 50000, true},  /* neither: the lower port */
	{50000, 8080, false},
	{22, 80, true},       /* both: the lower port */
	{7000, 7000, false},  /* a tie: the destination */
};

START_TEST(mid_stream_server_by_port)
{
	const struct role_case *rc = &role_cases[_i];
	struct flow_table *t = flow_table_new(&limits, 1);
	struct tcp_segment s = seg4(A, rc->sport, B, rc->dport, TCP_ACK, 5);
	bool from_client;
	struct flow *f = flow_table_add(t, &s, 1, &from_client);
	ck_assert(f->mid_stream);
	ck_assert_msg(from_client == !rc->source_is_server, "%u > %u", rc->sport,
	              rc->dport);
	flow_table_free(t);
}
END_TEST

START_TEST(retransmitted_syn_is_the_same_connection)
{
	struct flow_table *t = flow_table_new(&limits, 1);
	int64_t id = 1;
	struct tcp_segment syn = seg4(A, 40000, B, 80, TCP_SYN, 1000);
	struct flow *f1 = feed(t, &syn, 1, 0, &id);
	struct flow *f2 = feed(t, &syn, 2, 1000000000, &id);
	ck_assert_ptr_eq(f1, f2);
	ck_assert_int_eq(flow_table_count(t), 1);
	flow_table_free(t);
}
END_TEST

START_TEST(unanswered_client_new_isn_is_a_new_connection)
{
	struct flow_table *t = flow_table_new(&limits, 1);
	int64_t id = 1;
	struct tcp_segment syn = seg4(A, 40000, B, 80, TCP_SYN, 7000);
	struct flow *f1 = feed(t, &syn, 1, 0, &id);
	int64_t first_id = f1->id;
	syn.seq = 9000;
	struct flow *f2 = feed(t, &syn, 2, 1000000000, &id);
	ck_assert_int_ne(f2->id, first_id);
	ck_assert_int_eq(flow_table_count(t), 1);
	flow_table_free(t);
}
END_TEST

START_TEST(answered_open_connection_new_isn_is_not_reuse)
{
	struct flow_table *t = flow_table_new(&limits, 1);
	int64_t id = 1;
	struct tcp_segment syn = seg4(A, 40000, B, 80, TCP_SYN, 7000);
	feed(t, &syn, 1, 0, &id);
	struct tcp_segment synack = seg4(B, 80, A, 40000, TCP_SYN | TCP_ACK, 3);
	struct flow *f = feed(t, &synack, 2, 1, &id);
	syn.seq = 9000;
	bool from_client;
	ck_assert(!flow_is_reused_by(f, &syn, true));
	ck_assert_ptr_eq(flow_table_find(t, &syn, &from_client), f);
	flow_table_free(t);
}
END_TEST

START_TEST(reset_connection_new_isn_is_reuse)
{
	struct flow_table *t = flow_table_new(&limits, 1);
	int64_t id = 1;
	struct tcp_segment syn = seg4(A, 40000, B, 80, TCP_SYN, 7000);
	feed(t, &syn, 1, 0, &id);
	struct tcp_segment rst = seg4(B, 80, A, 40000, TCP_RST | TCP_ACK, 0);
	struct flow *f = feed(t, &rst, 2, 1, &id);
	struct flow_state scratch;
	ck_assert(tcpst_is_finished(&flow_state_view(f, &scratch)->tcp));
	syn.seq = 9000;
	ck_assert(flow_is_reused_by(f, &syn, true));
	syn.seq = 7000; /* the same ISN again: a retransmission, not reuse */
	ck_assert(!flow_is_reused_by(f, &syn, true));
	flow_table_free(t);
}
END_TEST

START_TEST(finished_leaves_after_close_delay_open_after_idle_timeout)
{
	struct flow_table *t = flow_table_new(&limits, 1);
	int64_t id = 1;
	const int64_t s = 1000000000;
	struct tcp_segment syn = seg4(A, 40000, B, 80, TCP_SYN, 7000);
	feed(t, &syn, 1, 0, &id);
	struct tcp_segment rst = seg4(B, 80, A, 40000, TCP_RST | TCP_ACK, 0);
	feed(t, &rst, 2, 1 * s, &id);
	struct tcp_segment other = seg4(A, 40001, B, 80, TCP_SYN, 1);
	feed(t, &other, 3, 2 * s, &id);
	/* Due 5 s after 1 s, at the deadline itself (Zeek's <=). */
	ck_assert_ptr_null(flow_table_take_expired(t, 6 * s - 1));
	struct flow *gone = flow_table_take_expired(t, 6 * s);
	ck_assert_ptr_nonnull(gone);
	ck_assert_int_eq(gone->port[TCPST_CLIENT], 40000);
	flow_free(gone);
	ck_assert_ptr_null(flow_table_take_expired(t, 302 * s - 1));
	gone = flow_table_take_expired(t, 302 * s);
	ck_assert_ptr_nonnull(gone);
	ck_assert_int_eq(gone->port[TCPST_CLIENT], 40001);
	flow_free(gone);
	ck_assert_int_eq(flow_table_count(t), 0);
	flow_table_free(t);
}
END_TEST

/* 100 000 connections, at most 1000 open at a time: the table never holds
 * more than max_flows, and the least recently active go first. */
START_TEST(table_is_bounded_by_max_flows)
{
	struct flow_table *t = flow_table_new(&limits, 7);
	int64_t id = 1;
	size_t most = 0;
	for (uint32_t i = 0; i < 100000; i++) {
		struct tcp_segment syn = seg4(A + i / 50000, (uint16_t)(1024 + i % 50000),
		                              B, 80, TCP_SYN, i);
		feed(t, &syn, i + 1, i, &id);
		struct flow *f;
		while ((f = flow_table_take_expired(t, i))) {
			ck_assert_int_lt(f->first_frame, i + 1);
			flow_free(f);
		}
		if (flow_table_count(t) > most)
			most = flow_table_count(t);
	}
	ck_assert_int_eq(most, 1000);
	ck_assert_int_eq(flow_table_count(t), 1000);
	flow_table_free(t);
}
END_TEST

/* --- memory -------------------------------------------------------- */

/* One segment through f as ingest.c runs it (flow_step between
 * flow_state_begin and flow_state_end), its step returned. */
static struct flow *step_as_ingest(struct flow_table *t, const struct tcp_segment *seg,
                                   uint64_t frame, int64_t ts, int64_t *next_id,
                                   struct flow_step *out)
{
	bool from_client;
	struct flow *f = flow_table_find(t, seg, &from_client);
	if (!f)
		f = flow_table_add(t, seg, (*next_id)++, &from_client);
	ck_assert_ptr_nonnull(f);
	struct flow_state scratch;
	struct flow_state *st = flow_state_begin(f, &scratch);
	ck_assert_ptr_nonnull(st);
	flow_step(f, st, seg, from_client, frame, ts, out);
	ck_assert_int_eq(flow_count_analysis(f, from_client, out->analysis,
	                                     seg->payload_len), 0);
	flow_record(t, f, st, seg, from_client, frame, ts, ts);
	ck_assert_int_eq(flow_state_end(f, st, seg), 0);
	return f;
}

/* A SYN with what a real one carries: options, ECN, a stray ack field. */
static struct tcp_segment rich_syn(void)
{
	struct tcp_segment s = seg4(A, 40000, B, 80, TCP_SYN | TCP_ECE | TCP_CWR, 7000);
	s.ack = 12345;
	s.win = 64240;
	s.opt.has_mss = true;
	s.opt.mss = 1460;
	s.opt.has_wscale = true;
	s.opt.wscale = 7;
	s.opt.sack_permitted = true;
	return s;
}

/* Issue 17: a lone SYN costs its core, its bucket and malloc's header,
 * at most FLOW_BYTES_MAX, and nothing out of line. */
START_TEST(lone_syn_keeps_only_the_core)
{
	ck_assert_msg(FLOW_LONE_SYN_BYTES <= FLOW_BYTES_MAX,
	              "a lone SYN takes %zu bytes (struct flow %zu), more than %d",
	              (size_t)FLOW_LONE_SYN_BYTES, sizeof(struct flow), FLOW_BYTES_MAX);
	struct flow_table *t = flow_table_new(&limits, 1);
	int64_t id = 1;
	struct tcp_segment syn = rich_syn();
	struct flow_step step;
	struct flow *f = step_as_ingest(t, &syn, 1, 5, &id, &step);
	ck_assert_ptr_null(f->state);
	ck_assert_ptr_null(f->rare);
	ck_assert_uint_eq(flow_bytes(f), FLOW_LONE_SYN_BYTES);
	/* A copy of it, the same ISN: a second segment of any kind brings
	 * the state back, and tshark calls the copy a retransmission. */
	f = step_as_ingest(t, &syn, 2, 6, &id, &step);
	ck_assert_ptr_nonnull(f->state);
	ck_assert_ptr_nonnull(f->rare); /* a retransmission, counted */
	ck_assert_uint_gt(flow_bytes(f), FLOW_LONE_SYN_BYTES);
	flow_table_free(t);
}
END_TEST

/* Neither a SYN,ACK, a SYN with data nor a first segment mid-stream is a
 * lone SYN: each keeps its state from the start. */
START_TEST(other_first_segments_keep_their_state)
{
	static const uint8_t flags[] = {TCP_SYN | TCP_ACK, TCP_SYN | TCP_FIN,
	                                TCP_SYN | TCP_RST, TCP_ACK, TCP_SYN};
	for (size_t i = 0; i < sizeof flags; i++) {
		struct flow_table *t = flow_table_new(&limits, 1);
		int64_t id = 1;
		struct tcp_segment s = seg4(A, 40000, B, 80, flags[i], 7000);
		if (flags[i] == TCP_SYN)
			s.payload_len = 10; /* TCP Fast Open's data */
		struct flow_step step;
		struct flow *f = step_as_ingest(t, &s, 1, 5, &id, &step);
		ck_assert_msg(f->state != NULL, "flags %#x", flags[i]);
		flow_table_free(t);
	}
}
END_TEST

static void assert_same_step(const struct flow_step *a, const struct flow_step *b, int n)
{
	ck_assert_int_eq(a->ts.rel_seq, b->ts.rel_seq);
	ck_assert_int_eq(a->ts.rel_ack, b->ts.rel_ack);
	ck_assert_uint_eq(a->ts.win, b->ts.win);
	ck_assert_uint_eq(a->analysis, b->analysis);
	ck_assert_uint_eq(a->dupack_num, b->dupack_num);
	ck_assert_msg(a->res.count == b->res.count, "segment %d: %d changes, not %d",
	              n, a->res.count, b->res.count);
	for (int i = 0; i < a->res.count; i++) {
		const struct tcpst_change *x = &a->res.change[i], *y = &b->res.change[i];
		ck_assert_int_eq(x->endpoint, y->endpoint);
		ck_assert_int_eq(x->from, y->from);
		ck_assert_int_eq(x->to, y->to);
		ck_assert_int_eq(x->event, y->event);
		ck_assert_uint_eq(x->frame, y->frame);
		ck_assert_int_eq(x->rel_seq, y->rel_seq);
		ck_assert_int_eq(x->rel_ack, y->rel_ack);
		ck_assert_int_eq(x->has_ack, y->has_ack);
	}
	ck_assert_int_eq(a->res.unexpected, b->res.unexpected);
	ck_assert_int_eq(a->res.refused_now, b->res.refused_now);
}

static void assert_same_state(const struct flow_state *a, const struct flow_state *b)
{
	for (int side = 0; side < 2; side++) {
		ck_assert_int_eq(a->tcp.ep[side].state, b->tcp.ep[side].state);
		ck_assert_uint_eq(a->space[side].first_base, b->space[side].first_base);
		ck_assert_int_eq(a->space[side].front, b->space[side].front);
		ck_assert_uint_eq(a->an.dir[side].nextseq, b->an.dir[side].nextseq);
		ck_assert_int_eq(a->an.dir[side].win_scale, b->an.dir[side].win_scale);
		ck_assert_uint_eq(a->an.dir[side].window, b->an.dir[side].window);
		ck_assert_uint_eq(a->an.dir[side].lastack, b->an.dir[side].lastack);
	}
	ck_assert_int_eq(a->an.mru_syn_ns, b->an.mru_syn_ns);
	ck_assert_str_eq(a->zeek.history, b->zeek.history);
	ck_assert_str_eq(zeek_conn_state(&a->zeek), zeek_conn_state(&b->zeek));
	ck_assert_int_eq(a->handshake_rtt_ns, b->handshake_rtt_ns);
	ck_assert_int_eq(a->syn_synack_ns, b->syn_synack_ns);
	ck_assert_int_eq(a->synack_ack_ns, b->synack_ack_ns);
}

/* A lone SYN's state, rebuilt for its row or its next segment, is the
 * state it had: a conversation run through a table (the SYN kept without
 * state, then brought back) gives the rows one state kept throughout
 * gives. */
START_TEST(lone_syn_state_comes_back_the_same)
{
	struct tcp_segment segs[5];
	segs[0] = rich_syn();
	segs[1] = seg4(B, 80, A, 40000, TCP_SYN | TCP_ACK, 300);
	segs[1].ack = 7001;
	segs[1].win = 65160;
	segs[1].opt.has_wscale = true;
	segs[1].opt.wscale = 8;
	segs[2] = seg4(A, 40000, B, 80, TCP_ACK, 7001);
	segs[2].ack = 301;
	segs[2].win = 502;
	segs[3] = seg4(A, 40000, B, 80, TCP_ACK | TCP_PSH, 7001);
	segs[3].ack = 301;
	segs[3].payload_len = 100;
	segs[4] = seg4(A, 40000, B, 80, TCP_ACK | TCP_PSH, 7001); /* again */
	segs[4].ack = 301;
	segs[4].payload_len = 100;

	struct flow_table *t = flow_table_new(&limits, 1);
	int64_t id = 1;
	struct flow ref_core; /* the window scales flow_step reads */
	memset(&ref_core, 0, sizeof ref_core);
	ref_core.wscale[0] = ref_core.wscale[1] = -1;
	struct flow_state ref;
	flow_state_init(&ref);
	struct flow *f = NULL;
	for (int n = 0; n < 5; n++) {
		bool from_client = segs[n].src_port == 40000;
		struct flow_step want, got;
		flow_step(&ref_core, &ref, &segs[n], from_client, (uint64_t)n + 1,
		          1000 * (n + 1), &want);
		if (segs[n].flags & TCP_SYN)
			ref_core.wscale[!from_client] = segs[n].opt.wscale;
		f = step_as_ingest(t, &segs[n], (uint64_t)n + 1, 1000 * (n + 1), &id, &got);
		assert_same_step(&want, &got, n);
		if (n == 0) {
			ck_assert_ptr_null(f->state);
			struct flow_state scratch;
			assert_same_state(flow_state_view(f, &scratch), &ref);
		}
	}
	ck_assert_ptr_nonnull(f->state);
	/* The handshake times live in the state: set by segments after the
	 * lone SYN left. */
	ck_assert_int_eq(ref.handshake_rtt_ns, -1); /* flow_record's, not flow_step's */
	ck_assert_int_eq(f->state->handshake_rtt_ns, 2000);
	ref.handshake_rtt_ns = f->state->handshake_rtt_ns;
	ref.syn_synack_ns = f->state->syn_synack_ns;
	ref.synack_ack_ns = f->state->synack_ack_ns;
	assert_same_state(f->state, &ref);
	flow_table_free(t);
}
END_TEST

/* The analysis counts stay out of the core until a segment has a bit. */
START_TEST(analysis_counts_out_of_line_until_needed)
{
	struct flow_table *t = flow_table_new(&limits, 1);
	struct tcp_segment s = seg4(A, 40000, B, 80, TCP_SYN, 1);
	bool from_client;
	struct flow *f = flow_table_add(t, &s, 1, &from_client);
	ck_assert_int_eq(flow_count_analysis(f, true, 0, 100), 0);
	ck_assert_ptr_null(f->rare);
	ck_assert_int_eq(flow_count_analysis(f, true, AN_RETRANSMISSION | AN_OUT_OF_ORDER, 100), 0);
	ck_assert_ptr_nonnull(f->rare);
	ck_assert_uint_eq(f->rare->an_count[0], 1);
	ck_assert_uint_eq(f->rare->an_count[3], 1);
	ck_assert_uint_eq(f->rare->retrans_bytes[TCPST_CLIENT], 100);
	ck_assert_uint_eq(f->analysis, AN_RETRANSMISSION | AN_OUT_OF_ORDER);
	flow_table_free(t);
}
END_TEST

Suite *flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tc = tcase_create("roles");
	tcase_add_test(tc, syn_sender_is_client);
	tcase_add_test(tc, synack_receiver_is_client);
	tcase_add_loop_test(tc, mid_stream_server_by_port, 0,
	                    sizeof role_cases / sizeof role_cases[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("port_reuse");
	tcase_add_test(tc, retransmitted_syn_is_the_same_connection);
	tcase_add_test(tc, unanswered_client_new_isn_is_a_new_connection);
	tcase_add_test(tc, answered_open_connection_new_isn_is_not_reuse);
	tcase_add_test(tc, reset_connection_new_isn_is_reuse);
	suite_add_tcase(s, tc);
	tc = tcase_create("eviction");
	tcase_add_test(tc, finished_leaves_after_close_delay_open_after_idle_timeout);
	tcase_add_test(tc, table_is_bounded_by_max_flows);
	suite_add_tcase(s, tc);
	tc = tcase_create("memory");
	tcase_add_test(tc, lone_syn_keeps_only_the_core);
	tcase_add_test(tc, other_first_segments_keep_their_state);
	tcase_add_test(tc, lone_syn_state_comes_back_the_same);
	tcase_add_test(tc, analysis_counts_out_of_line_until_needed);
	suite_add_tcase(s, tc);
	return s;
}
