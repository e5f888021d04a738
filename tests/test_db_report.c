/* db_report: the report's queries over a database of all the examples:
 * selections, head and tail of a flow's segments with the gap between,
 * transitions with their segment's flags, totals and groups. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_report.h"
#include "suites.h"
#include "testutil.h"

static char examples_db[128];

/* All examples, in name order: ipv6 (flow 1), midstream (2), port-reuse
 * (3-6), refused (7), rst-abort (8), seed (9), seq-wrap (10),
 * simultaneous-close (11), stalled (12, 13). */
static struct db *open_examples(void)
{
	char dir[64], err[256];
	tu_scratch_dir(dir);
	snprintf(examples_db, sizeof examples_db, "%s/e.db", dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s ../examples", examples_db), 0);
	struct db *db = db_open_readonly(examples_db, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	return db;
}

static int collect_flow_id(const struct db_flow_info *f, void *user)
{
	char *out = user;
	sprintf(out + strlen(out), "%lld,", (long long)f->id);
	return 0;
}

START_TEST(selection_by_flow_capture_and_notable)
{
	struct db *db = open_examples();
	char ids[256] = "";
	ck_assert_int_eq(db_each_flow(db, NULL, -1, 0, collect_flow_id, ids), 0);
	ck_assert_str_eq(ids, "1,2,3,4,5,6,7,8,9,10,11,12,13,");
	int64_t flows[] = {9, 2};
	struct db_selection sel = {.flow_ids = flows, .n_flow_ids = 2};
	ids[0] = '\0';
	ck_assert_int_eq(db_each_flow(db, &sel, -1, 0, collect_flow_id, ids), 0);
	ck_assert_str_eq(ids, "2,9,");
	int64_t caps[] = {3};
	struct db_selection by_capture = {.capture_ids = caps, .n_capture_ids = 1};
	ids[0] = '\0';
	ck_assert_int_eq(db_each_flow(db, &by_capture, -1, 0, collect_flow_id, ids), 0);
	ck_assert_str_eq(ids, "3,4,5,6,");
	/* Notable: port-reuse's first connection (3: its SYN retransmitted),
	 * its second (4: reused ports, ended by a RST), its unanswered SYNs
	 * (5, 6: SYN_SENT / LISTEN; 6 reused ports), the refusal (7), the
	 * abort (8), and stalled's two: a zero window and CLOSE_WAIT (12), a
	 * retransmission and never closed (13). */
	struct db_selection notable = {.only_notable = true};
	ids[0] = '\0';
	ck_assert_int_eq(db_each_flow(db, &notable, -1, 0, collect_flow_id, ids), 0);
	ck_assert_str_eq(ids, "3,4,5,6,7,8,12,13,");
	int64_t count;
	ck_assert_int_eq(db_count_flows(db, &notable, &count), 0);
	ck_assert_int_eq(count, 8);
	ids[0] = '\0';
	ck_assert_int_eq(db_each_flow(db, NULL, 3, 4, collect_flow_id, ids), 0);
	ck_assert_str_eq(ids, "5,6,7,");
	db_close(db);
}
END_TEST

static int seed_flow(const struct db_flow_info *f, void *user)
{
	(void)user;
	ck_assert_str_eq(f->client, "192.168.1.103:59850");
	ck_assert_str_eq(f->server, "192.168.1.104:9999");
	ck_assert_str_eq(f->client_state, "CLOSED");
	ck_assert_str_eq(f->server_state, "TIME_WAIT");
	ck_assert_int_eq(f->packets, 13);
	ck_assert(f->has_rtt);
	ck_assert_int_eq(f->handshake_rtt_ns, 255000);
	ck_assert_int_eq(f->client_wscale, 5);
	ck_assert_str_eq(f->conn_state, "SF");
	ck_assert_str_eq(f->analysis_names, "");
	ck_assert(!f->reset);
	ck_assert(strstr(f->capture_path, "seed.pcap") != NULL);
	return 0;
}

START_TEST(one_flow_by_id)
{
	struct db *db = open_examples();
	ck_assert_int_eq(db_get_flow(db, 9, seed_flow, NULL), 1);
	ck_assert_int_eq(db_get_flow(db, 999, seed_flow, NULL), 0);
	db_close(db);
}
END_TEST

static int collect_frame(const struct db_segment_info *s, void *user)
{
	char *out = user;
	sprintf(out + strlen(out), "%lld%s%s,", (long long)s->frame, s->flags_text,
	        s->options ? "o" : "");
	return 0;
}

START_TEST(head_and_tail_of_segments_with_the_gap)
{
	struct db *db = open_examples();
	char frames[512] = "";
	ck_assert_int_eq(db_each_segment(db, 9, -1, -1, collect_frame, frames), 0);
	ck_assert_str_eq(frames, "1So,2S.o,3.,4P.,5.,6P.,7.,8P.,9.,10F.,11.,12F.,13.,");
	frames[0] = '\0';
	ck_assert_int_eq(db_each_segment(db, 9, 3, 2, collect_frame, frames), 0);
	ck_assert_str_eq(frames, "1So,2S.o,3.,12F.,13.,");
	struct db_segment_gap gap;
	ck_assert_int_eq(db_segment_gap(db, 9, 3, 2, &gap), 0);
	ck_assert_int_eq(gap.segments, 8);
	ck_assert_int_eq(gap.bytes, 18); /* 5 + 2 + 11 */
	ck_assert_int_eq(gap.first_frame, 4);
	ck_assert_int_eq(gap.last_frame, 11);
	/* Head and tail overlapping: each segment once, no gap. */
	frames[0] = '\0';
	ck_assert_int_eq(db_each_segment(db, 9, 10, 10, collect_frame, frames), 0);
	ck_assert_str_eq(frames, "1So,2S.o,3.,4P.,5.,6P.,7.,8P.,9.,10F.,11.,12F.,13.,");
	ck_assert_int_eq(db_segment_gap(db, 9, 10, 10, &gap), 0);
	ck_assert_int_eq(gap.segments, 0);
	db_close(db);
}
END_TEST

static int collect_transition(const struct db_transition_info *t, void *user)
{
	char *out = user;
	sprintf(out + strlen(out), "%lld/%lld %s %s %s>%s %s %s len %lld\n",
	        (long long)t->frame, (long long)t->seen_frame, t->endpoint, t->address,
	        t->from_state, t->to_state, t->event, t->flags, (long long)t->len);
	return 0;
}

START_TEST(transitions_carry_their_segment)
{
	struct db *db = open_examples();
	int64_t seed[] = {9};
	struct db_selection sel = {.flow_ids = seed, .n_flow_ids = 1};
	char out[4096] = "";
	ck_assert_int_eq(db_each_transition(db, &sel, collect_transition, out), 0);
	ck_assert_str_eq(out,
		"1/1 client 192.168.1.103:59850 CLOSED>SYN_SENT send SYN S len 0\n"
		"1/2 server 192.168.1.104:9999 LISTEN>SYN_RECEIVED recv SYN S len 0\n"
		"2/3 client 192.168.1.103:59850 SYN_SENT>ESTABLISHED recv SYN,ACK S. len 0\n"
		"3/3 server 192.168.1.104:9999 SYN_RECEIVED>ESTABLISHED recv ACK . len 0\n"
		"10/10 server 192.168.1.104:9999 ESTABLISHED>FIN_WAIT_1 send FIN F. len 0\n"
		"10/11 client 192.168.1.103:59850 ESTABLISHED>CLOSE_WAIT recv FIN F. len 0\n"
		"11/11 server 192.168.1.104:9999 FIN_WAIT_1>FIN_WAIT_2 recv ACK . len 0\n"
		"12/12 client 192.168.1.103:59850 CLOSE_WAIT>LAST_ACK send FIN F. len 0\n"
		"12/13 server 192.168.1.104:9999 FIN_WAIT_2>TIME_WAIT recv FIN F. len 0\n"
		"13/13 client 192.168.1.103:59850 LAST_ACK>CLOSED recv ACK . len 0\n");
	db_close(db);
}
END_TEST

static int collect_flags(const struct db_transition_info *t, void *user)
{
	char *out = user;
	sprintf(out + strlen(out), "%s%s", *out ? " " : "", t->flags);
	return 0;
}

static int collect_group(const char *label, int64_t count, void *user)
{
	char *out = user;
	sprintf(out + strlen(out), "%s=%lld;", label, (long long)count);
	return 0;
}

START_TEST(totals_and_groups)
{
	struct db *db = open_examples();
	struct db_totals t;
	ck_assert_int_eq(db_get_totals(db, NULL, &t), 0);
	ck_assert_int_eq(t.captures, 9);
	ck_assert_int_eq(t.flows, 13);
	ck_assert_int_eq(t.segments, 96);
	ck_assert_int_eq(t.notable_flows, 8);
	char out[1024] = "";
	ck_assert_int_eq(db_each_group(db, NULL, DB_GROUP_FINAL_STATES, collect_group, out), 0);
	ck_assert_str_eq(out, "TIME_WAIT / CLOSED=4;CLOSED / CLOSED=3;SYN_SENT / LISTEN=2;"
	                      "CLOSED / TIME_WAIT=1;ESTABLISHED / ESTABLISHED=1;"
	                      "FIN_WAIT_2 / CLOSE_WAIT=1;TIME_WAIT / TIME_WAIT=1;");
	out[0] = '\0';
	ck_assert_int_eq(db_each_group(db, NULL, DB_GROUP_ANALYSIS, collect_group, out), 0);
	ck_assert_str_eq(out, "retransmission=2;reused_ports=2;zero_window=1;window_update=1;");
	db_close(db);
}
END_TEST

static int count_rows(int ncols, const char *const *names, const char *const *values,
                      void *user)
{
	int *n = user;
	ck_assert_str_eq(names[0], "flow_id");
	ck_assert_int_gt(ncols, 10);
	if (!values) { /* the header call comes once, first */
		ck_assert_int_eq(*n, 0);
		*n = 1000;
		return 0;
	}
	ck_assert_ptr_nonnull(values[0]);
	(*n)++;
	return 0;
}

START_TEST(view_rows_for_export)
{
	struct db *db = open_examples();
	int n = 0;
	ck_assert_int_eq(db_each_view_row(db, DB_VIEW_SEGMENTS, NULL, count_rows, &n), 0);
	ck_assert_int_eq(n, 1096);
	db_close(db);
}
END_TEST

static int count_flow(const struct db_flow_info *f, void *user)
{
	(void)f;
	(*(int *)user)++;
	return 0;
}

static int count_segment(const struct db_segment_info *s, void *user)
{
	(void)s;
	(*(int *)user)++;
	return 0;
}

static int count_transition(const struct db_transition_info *t, void *user)
{
	(void)t;
	(*(int *)user)++;
	return 0;
}

/* What a report asks for each flow, and for a selection by flow or
 * capture, is found through keys: SQLite takes no full-scan step (a scan
 * of segments would cost a flow page the whole archive). */
START_TEST(per_flow_queries_scan_nothing)
{
	struct db *db = open_examples();
	db_report_full_scan_steps(db); /* from zero */
	int flows = 0, segments = 0, transitions = 0;
	ck_assert_int_eq(db_each_flow_between(db, NULL, 9, 9, count_flow, &flows), 0);
	ck_assert_int_eq(db_each_segment(db, 9, 200, 200, count_segment, &segments), 0);
	struct db_flow_info seed_row = {.id = 9, .client = "c", .server = "s"};
	ck_assert_int_eq(db_each_flow_transition(db, &seed_row, count_transition, &transitions),
	                 0);
	ck_assert_int_eq(flows, 1);
	ck_assert_int_eq(segments, 13);
	ck_assert_int_eq(transitions, 10);
	ck_assert_int_eq(db_report_full_scan_steps(db), 0);

	int64_t flow[] = {9, 2}, cap[] = {3};
	struct db_selection by_flow = {.flow_ids = flow, .n_flow_ids = 2};
	struct db_selection by_capture = {.capture_ids = cap, .n_capture_ids = 1};
	int64_t *ids;
	size_t n;
	ck_assert_int_eq(db_selected_ids(db, &by_flow, &ids, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert(ids[0] == 2 && ids[1] == 9);
	free(ids);
	ck_assert_int_eq(db_selected_ids(db, &by_capture, &ids, &n), 0);
	ck_assert_int_eq(n, 4);
	ck_assert(ids[0] == 3 && ids[3] == 6);
	free(ids);
	/* The seed's capture (6), in a range of ids holding others. (A flow
	 * with anomalies would also read the 16 rows of analysis_flags for
	 * their names.) */
	int64_t seed_capture[] = {6};
	struct db_selection seed = {.capture_ids = seed_capture, .n_capture_ids = 1};
	flows = 0;
	ck_assert_int_eq(db_each_flow_between(db, &seed, 7, 11, count_flow, &flows), 0);
	ck_assert_int_eq(flows, 1);
	ck_assert_int_eq(db_report_full_scan_steps(db), 0);
	db_close(db);
}
END_TEST

/* The times and flags a transition row gets in C are the views': every
 * transition of the examples, in the same order as transitions_view. */
struct view_times {
	char times[4096];
	int header;
};

static int view_time(int ncols, const char *const *names, const char *const *values,
                     void *user)
{
	struct view_times *v = user;
	if (!values)
		return 0;
	for (int i = 0; i < ncols; i++) {
		if (strcmp(names[i], "time") == 0)
			sprintf(v->times + strlen(v->times), "%s;", values[i]);
	}
	return 0;
}

static int row_time(const struct db_transition_info *t, void *user)
{
	char *out = user;
	sprintf(out + strlen(out), "%s;", t->time);
	return 0;
}

START_TEST(transition_times_are_the_views)
{
	struct db *db = open_examples();
	struct view_times v = {"", 0};
	char ours[4096] = "";
	ck_assert_int_eq(db_each_view_row(db, DB_VIEW_TRANSITIONS, NULL, view_time, &v), 0);
	ck_assert_int_eq(db_each_transition(db, NULL, row_time, ours), 0);
	ck_assert(strlen(ours) > 100);
	ck_assert_str_eq(ours, v.times);
	/* And the flags text of each, for every flag combination the
	 * examples hold, is segments_view's. */
	char list[160];
	snprintf(list, sizeof list, "%s.flags", examples_db);
	ck_assert_int_eq(tu_sh("sqlite3 %s \"SELECT s.flags_text FROM transitions t"
	                       " JOIN segments_view s ON s.flow_id = t.flow_id"
	                       " AND s.frame = t.frame ORDER BY t.flow_id, t.step\" > %s",
	                       examples_db, list),
	                 0);
	char *view_flags = tu_slurp(list);
	for (char *c = view_flags; *c; c++)
		*c = *c == '\n' ? ' ' : *c;
	view_flags[strlen(view_flags) - 1] = '\0'; /* the last newline */
	char flags[4096] = "";
	ck_assert_int_eq(db_each_transition(db, NULL, collect_flags, flags), 0);
	ck_assert_str_eq(flags, view_flags);
	free(view_flags);
	db_close(db);
}
END_TEST

static int collect_tunnel(const struct db_flow_info *f, void *user)
{
	char *out = user;
	sprintf(out + strlen(out), "%lld:%s:%lld;", (long long)f->id,
	        f->tunnel ? f->tunnel : "NULL", (long long)f->tunnel_changes);
	return 0;
}

static int collect_capture_counts(const struct db_capture_info *c, void *user)
{
	char *out = user;
	sprintf(out + strlen(out), "%lld:%lld,%lld,%lld,%lld,%lld,%lld;", (long long)c->id,
	        (long long)c->packets, (long long)c->tcp_packets, (long long)c->not_ip_packets,
	        (long long)c->not_tcp_packets, (long long)c->undecoded_packets,
	        (long long)c->fragment_packets);
	return 0;
}

static int collect_undecoded(const struct db_undecoded_info *u, void *user)
{
	char *out = user;
	sprintf(out + strlen(out), "%lld|%s|%lld|%lld;", (long long)u->capture_id,
	        u->encapsulation, (long long)u->packets, (long long)u->first_frame);
	return 0;
}

static bool any_tunnel(struct db *db, const struct db_selection *sel)
{
	bool any = true;
	ck_assert_int_eq(db_any_tunnel(db, sel, &any), 0);
	return any;
}

/* The tunnel of each flow and the counts of the packets that were no TCP
 * segment, as the report reads them: none in the examples, then the ones
 * written here (ingest's own are the corpus test's, in report_index). */
START_TEST(tunnels_and_undecoded_packets)
{
	struct db *db = open_examples();
	ck_assert(!any_tunnel(db, NULL));
	char out[1024] = "";
	int64_t seed_flow[] = {9};
	struct db_selection seed = {.flow_ids = seed_flow, .n_flow_ids = 1};
	ck_assert_int_eq(db_each_flow(db, &seed, -1, 0, collect_tunnel, out), 0);
	ck_assert_str_eq(out, "9:NULL:0;");
	int64_t seed_capture[] = {6};
	struct db_selection seed_cap = {.capture_ids = seed_capture, .n_capture_ids = 1};
	out[0] = '\0';
	ck_assert_int_eq(db_each_capture(db, &seed_cap, collect_capture_counts, out), 0);
	ck_assert_str_eq(out, "6:13,13,0,0,0,0;");
	out[0] = '\0';
	ck_assert_int_eq(db_each_undecoded(db, 6, collect_undecoded, out), 0);
	ck_assert_str_eq(out, "");
	db_close(db);

	/* Flow 9 (the seed, capture 6) came through GRE, two of its segments
	 * another way; capture 3 (port-reuse) held two encapsulations not
	 * decoded. */
	ck_assert_int_eq(tu_sh("sqlite3 %s \"UPDATE flows SET tunnel ="
	                       " 'GRE 10.0.1.72>10.0.2.31 key 7', tunnel_changes = 2"
	                       " WHERE id = 9;"
	                       " UPDATE captures SET not_ip_packets = 4, not_tcp_packets = 3,"
	                       " undecoded_packets = 7, fragment_packets = 2 WHERE id = 3;"
	                       " INSERT INTO capture_undecoded VALUES"
	                       " (3, 'UDP port 8472 (Linux VXLAN)', 2, 11),"
	                       " (3, 'EtherType 0x88e7', 5, 2)\"",
	                       examples_db),
	                 0);
	char err[256];
	db = db_open_readonly(examples_db, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	out[0] = '\0';
	ck_assert_int_eq(db_each_flow(db, NULL, 3, 7, collect_tunnel, out), 0);
	ck_assert_str_eq(out, "8:NULL:0;9:GRE 10.0.1.72>10.0.2.31 key 7:2;10:NULL:0;");
	out[0] = '\0';
	ck_assert_int_eq(db_get_flow(db, 9, collect_tunnel, out), 1);
	ck_assert_str_eq(out, "9:GRE 10.0.1.72>10.0.2.31 key 7:2;");
	/* Any tunnel: in all flows and the selections holding flow 9 only. */
	ck_assert(any_tunnel(db, NULL));
	ck_assert(any_tunnel(db, &seed));
	ck_assert(any_tunnel(db, &seed_cap));
	int64_t others[] = {2, 10};
	struct db_selection by_flow = {.flow_ids = others, .n_flow_ids = 2};
	ck_assert(!any_tunnel(db, &by_flow));
	int64_t reuse[] = {3};
	struct db_selection by_capture = {.capture_ids = reuse, .n_capture_ids = 1};
	ck_assert(!any_tunnel(db, &by_capture));
	struct db_selection notable = {.only_notable = true}; /* 9 closed cleanly */
	ck_assert(!any_tunnel(db, &notable));

	out[0] = '\0';
	ck_assert_int_eq(db_each_capture(db, &by_capture, collect_capture_counts, out), 0);
	ck_assert_str_eq(out, "3:13,13,4,3,7,2;");
	/* Most packets first. */
	out[0] = '\0';
	ck_assert_int_eq(db_each_undecoded(db, 3, collect_undecoded, out), 0);
	ck_assert_str_eq(out, "3|EtherType 0x88e7|5|2;3|UDP port 8472 (Linux VXLAN)|2|11;");
	out[0] = '\0';
	ck_assert_int_eq(db_each_undecoded(db, 6, collect_undecoded, out), 0);
	ck_assert_str_eq(out, "");
	db_close(db);
}
END_TEST

START_TEST(readonly_open_refuses_what_is_not_ours)
{
	char err[256], dir[64], path[128];
	ck_assert_ptr_null(db_open_readonly("/nonexistent/x.db", err, sizeof err));
	ck_assert(strstr(err, "no such database") != NULL);
	tu_scratch_dir(dir);
	snprintf(path, sizeof path, "%s/other.db", dir);
	ck_assert_int_eq(tu_sh("sqlite3 %s 'CREATE TABLE t(x)'", path), 0);
	ck_assert_ptr_null(db_open_readonly(path, err, sizeof err));
	ck_assert_msg(strstr(err, "not a tcpladder database") != NULL, "%s", err);
}
END_TEST

Suite *db_report_suite(void)
{
	Suite *s = suite_create("db_report");
	TCase *tc = tcase_create("queries");
	tcase_add_test(tc, selection_by_flow_capture_and_notable);
	tcase_add_test(tc, one_flow_by_id);
	tcase_add_test(tc, head_and_tail_of_segments_with_the_gap);
	tcase_add_test(tc, transitions_carry_their_segment);
	tcase_add_test(tc, totals_and_groups);
	tcase_add_test(tc, view_rows_for_export);
	tcase_add_test(tc, readonly_open_refuses_what_is_not_ours);
	tcase_add_test(tc, per_flow_queries_scan_nothing);
	tcase_add_test(tc, transition_times_are_the_views);
	tcase_add_test(tc, tunnels_and_undecoded_packets);
	suite_add_tcase(s, tc);
	return s;
}
