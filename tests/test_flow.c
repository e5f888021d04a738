/* flow: roles, port reuse and eviction of the connection table. */
#include <check.h>
#include <string.h>

#include "flow.h"
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

/* Feed seg to the table as ingest does: find or add, state, record. */
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
	struct tcpst_result res;
	tcpst_apply(&f->tcp, &ts_seg, &res);
	flow_record(t, f, seg, from_client, frame, ts, ts);
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
	ck_assert(tcpst_is_finished(&f->tcp));
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
	return s;
}
