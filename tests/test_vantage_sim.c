/* Two vantage points on captures the test writes (capwrite.h): one
 * connection through a path whose every delay, loss and clock error the
 * test chooses, as the client's tap (A) and the server's (B) see it, with
 * its truth in the form of the committed scenarios'; and one file paired
 * with itself. VANTAGE.md's checks (vantage_checks.h) hold on each. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capwrite.h"
#include "decode.h"
#include "testutil.h"
#include "vantage_checks.h"

#define BIN VT_BIN
#define VDATA VT_DATA

/* ---- Programmatic captures: one connection through a path whose every
 * delay, loss and clock error the test chooses, written as the client's
 * tap (A) and the server's (B) see it, with its truth in the form
 * mktruth.py gives the scenarios'. */

struct sim {
	bool v6;
	bool rewrite_isn;       /* a firewall between the taps adds K to the
	                           client's sequence numbers (Cisco ASA's ISN
	                           randomization) */
	bool inject_rst;        /* a middlebox's RST to the server, seen only at
	                           the server's tap, ends the connection */
	bool lose_rst;          /* the client's RST, lost between, ends it */
	int64_t offset_ns;      /* B's clock ahead of A's at A's first stamp */
	double skew_ppm;
	int64_t d_c2s, d_s2c;   /* smallest one-way delays */
	int64_t jitter_ns;      /* up to this much more, on 3 segments in 4 */
	int exchanges;          /* 100-byte requests, 300-byte responses */
	int64_t gap_ns;         /* between exchanges */
	int lose_every;         /* every k-th response lost between, resent */
	int late_start;         /* both captures start after this many segments */
	bool b_client_only;     /* B's capture keeps the client's segments only
	                           (a filter on one direction) */
};

struct sim_seg {
	struct cw_seg seg;
	bool c2s;
	int64_t t_send, t_recv; /* true times */
	bool at_a, at_b;        /* seen at the tap */
	char seen[12];
	int64_t stamp_a, stamp_b;
	int frame_a, frame_b;
};

enum { SIM_MAX = 4096 };

struct simulation {
	const struct sim *p;
	struct sim_seg seg[SIM_MAX];
	int n;
	int64_t t0;
	uint32_t cseq, sseq;    /* next sequence numbers */
	int count[2];           /* per direction, for the jitter pattern */
};

static int64_t sim_delay(struct simulation *s, bool c2s)
{
	int k = s->count[c2s ? 0 : 1]++;
	int64_t base = c2s ? s->p->d_c2s : s->p->d_s2c;
	if (k % 4 == 0)
		return base;
	return base + (int64_t)((uint64_t)k * 7919u % 1000u) * s->p->jitter_ns / 1000;
}

/* Sends a segment at time t; returns its arrival time. */
static int64_t sim_send(struct simulation *s, int64_t t, bool c2s, uint8_t flags, uint32_t len,
                        bool lost, bool appeared)
{
	ck_assert_int_lt(s->n, SIM_MAX);
	struct sim_seg *g = &s->seg[s->n++];
	memset(g, 0, sizeof *g);
	struct cw_seg *c = &g->seg;
	c->v6 = s->p->v6;
	uint8_t cl[16] = {10, 1, 0, 2}, sv[16] = {10, 2, 0, 2};
	if (c->v6) {
		uint8_t c6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2}, s6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 2};
		memcpy(cl, c6, 16);
		memcpy(sv, s6, 16);
	}
	memcpy(c->src, c2s ? cl : sv, 16);
	memcpy(c->dst, c2s ? sv : cl, 16);
	c->sport = c2s ? 40000 : 443;
	c->dport = c2s ? 443 : 40000;
	c->seq = c2s ? s->cseq : s->sseq;
	c->ack = (flags & TCP_ACK) ? (c2s ? s->sseq : s->cseq) : 0;
	c->flags = flags;
	c->win = 65000;
	c->ip_id = (uint16_t)(s->n * 7 + (c2s ? 0 : 30000));
	c->ttl = 64;
	c->ts = !(flags & TCP_RST);
	c->tsval = (uint32_t)((t - s->t0) / 1000000 + (c2s ? 1000 : 5000000));
	c->tsecr = (flags & TCP_ACK) ? 77 : 0;
	c->len = len;
	if (!(flags & TCP_RST)) {
		uint32_t used = len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
		if (c2s)
			s->cseq += used;
		else
			s->sseq += used;
	}
	g->c2s = c2s;
	g->t_send = t;
	g->t_recv = t + sim_delay(s, c2s);
	/* A is the client's tap, B the server's. */
	g->at_a = c2s ? !appeared : !lost;
	g->at_b = c2s ? !lost : !appeared;
	snprintf(g->seen, sizeof g->seen, "%s",
	         appeared ? "appeared" : lost ? (c2s ? "client" : "server") : "both");
	return g->t_recv;
}

/* The payload of data segment i, distinct per segment. */
static void sim_payload(uint8_t *buf, uint32_t len, uint32_t i)
{
	for (uint32_t k = 0; k < len; k++)
		buf[k] = (uint8_t)(i * 31 + k * 7 + (i >> 8));
}

static int stamp_cmp_a(const void *x, const void *y)
{
	const struct sim_seg *p = *(struct sim_seg *const *)x, *q = *(struct sim_seg *const *)y;
	return p->stamp_a < q->stamp_a ? -1 : p->stamp_a > q->stamp_a;
}

static int stamp_cmp_b(const void *x, const void *y)
{
	const struct sim_seg *p = *(struct sim_seg *const *)x, *q = *(struct sim_seg *const *)y;
	return p->stamp_b < q->stamp_b ? -1 : p->stamp_b > q->stamp_b;
}

static void sim_write(struct simulation *s, bool side_b, const char *path)
{
	struct sim_seg **order = malloc((size_t)s->n * sizeof *order);
	int n = 0;
	for (int i = 0; i < s->n; i++)
		if (side_b ? s->seg[i].at_b : s->seg[i].at_a)
			order[n++] = &s->seg[i];
	qsort(order, (size_t)n, sizeof *order, side_b ? stamp_cmp_b : stamp_cmp_a);
	FILE *f = cw_pcap_create_ns(path, 1, 65535);
	uint8_t buf[2048], payload[1024];
	for (int i = 0; i < n; i++) {
		struct sim_seg *g = order[i];
		struct cw_seg c = g->seg;
		if (side_b && s->p->rewrite_isn) {
			if (g->c2s)
				c.seq += 0x5a5a0000u;
			else if (c.flags & TCP_ACK)
				c.ack += 0x5a5a0000u;
		}
		sim_payload(payload, c.len, (uint32_t)(g - s->seg));
		c.payload = payload;
		uint32_t len = cw_seg_frame(buf, &c);
		cw_pcap_record_ns(f, side_b ? g->stamp_b : g->stamp_a, buf, len, len);
		if (side_b)
			g->frame_b = i + 1;
		else
			g->frame_a = i + 1;
	}
	ck_assert_int_eq(fclose(f), 0);
	free(order);
}

/* The connection, both captures and the truth into dir. */
static void simulate(const struct sim *p, const char *dir)
{
	struct simulation *s = calloc(1, sizeof *s);
	s->p = p;
	s->t0 = 1700000000LL * 1000000000LL;
	s->cseq = 1000000;
	s->sseq = 3000000000u;
	int64_t t = s->t0;
	int64_t at = sim_send(s, t, true, TCP_SYN, 0, false, false);
	at = sim_send(s, at + 100000, false, TCP_SYN | TCP_ACK, 0, false, false);
	t = sim_send(s, at + 50000, true, TCP_ACK, 0, false, false);
	for (int i = 0; i < p->exchanges; i++) {
		at = sim_send(s, t, true, TCP_PSH | TCP_ACK, 100, false, false);
		bool lose = p->lose_every && i % p->lose_every == 1;
		if (lose) {
			sim_send(s, at + 200000, false, TCP_PSH | TCP_ACK, 300, true, false);
			s->sseq -= 300; /* the same bytes again */
			at = sim_send(s, at + 40200000, false, TCP_PSH | TCP_ACK, 300, false, false);
		} else {
			at = sim_send(s, at + 200000, false, TCP_PSH | TCP_ACK, 300, false, false);
		}
		sim_send(s, at + 50000, true, TCP_ACK, 0, false, false);
		t = at + p->gap_ns;
	}
	if (p->inject_rst) {
		sim_send(s, t, true, TCP_RST | TCP_ACK, 0, false, true);
	} else if (p->lose_rst) {
		sim_send(s, t, true, TCP_RST | TCP_ACK, 0, true, false);
	} else {
		at = sim_send(s, t, true, TCP_FIN | TCP_ACK, 0, false, false);
		at = sim_send(s, at + 100000, false, TCP_FIN | TCP_ACK, 0, false, false);
		sim_send(s, at + 50000, true, TCP_ACK, 0, false, false);
	}
	for (int i = 0; p->b_client_only && i < s->n; i++)
		if (!s->seg[i].c2s && s->seg[i].at_b) {
			/* Seen at the receiver's tap only: to a capture, what
			 * appeared between (VANTAGE.md: the sender's tap may have
			 * dropped it, which it cannot tell apart). */
			s->seg[i].at_b = false;
			snprintf(s->seg[i].seen, sizeof s->seg[i].seen, "%s",
			         s->seg[i].at_a ? "appeared" : "none");
		}
	for (int i = 0; i < p->late_start && i < s->n; i++) {
		s->seg[i].at_a = s->seg[i].at_b = false;
		snprintf(s->seg[i].seen, sizeof s->seg[i].seen, "none");
	}
	/* Stamps: each tap sees a segment when it is sent from or arrives at
	 * its host; B's clock reads offset + skew ahead. */
	for (int i = 0; i < s->n; i++) {
		struct sim_seg *g = &s->seg[i];
		int64_t ta = g->c2s ? g->t_send : g->t_recv, tb = g->c2s ? g->t_recv : g->t_send;
		g->stamp_a = ta;
		g->stamp_b = tb + p->offset_ns + llround(p->skew_ppm * 1e-6 * (double)(tb - s->t0));
	}
	char path[128];
	snprintf(path, sizeof path, "%s/a.pcap", dir);
	sim_write(s, false, path);
	snprintf(path, sizeof path, "%s/b.pcap", dir);
	sim_write(s, true, path);
	snprintf(path, sizeof path, "%s/truth.csv", dir);
	FILE *f = fopen(path, "w");
	int lost = 0, paired = 0;
	for (int i = 0; i < s->n; i++) {
		struct sim_seg *g = &s->seg[i];
		char fa[16] = "", fb[16] = "", owd[24] = "";
		if (g->at_a)
			snprintf(fa, sizeof fa, "%d", g->frame_a);
		if (g->at_b)
			snprintf(fb, sizeof fb, "%d", g->frame_b);
		if (g->at_a && g->at_b)
			snprintf(owd, sizeof owd, "%lld", (long long)(g->t_recv - g->t_send));
		if (strcmp(g->seen, "none") == 0)
			continue;
		lost += strcmp(g->seen, "client") == 0 || strcmp(g->seen, "server") == 0;
		paired += strcmp(g->seen, "both") == 0;
		fprintf(f, "%s,%s,%s,%s,%s,,1,\n", g->c2s ? "c2s" : "s2c", fa, fb, owd, g->seen);
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/clock.csv", dir);
	f = fopen(path, "w");
	fprintf(f, "%lld,%g,%lld,%lld,%lld,%lld,1,%d,%d\n", (long long)p->offset_ns, p->skew_ppm,
	        (long long)(p->offset_ns - p->d_s2c), (long long)(p->offset_ns + p->d_c2s),
	        (long long)(p->offset_ns + (p->d_c2s - p->d_s2c) / 2),
	        (long long)(p->d_c2s + p->d_s2c), lost, paired);
	fclose(f);
	free(s);
}

/* Simulated, ingested (A client, B server), paired: the database. */
static void simulated(const struct sim *p, char dir[64], char db[128], const char *pair_args)
{
	tu_scratch_dir(dir);
	snprintf(db, 128, "%s/t.db", dir);
	simulate(p, dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage client %s/a.pcap", db, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage server %s/b.pcap", db, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s client server %s", db, pair_args), 0);
	vt_load_truth(dir, db);
}

/* The rows sql returns in db (tu_query's text), equal to want. */
static void query_is(const char *db, const char *sql, const char *want)
{
	char *got = tu_query(db, sql);
	ck_assert_str_eq(got, want);
	free(got);
}

/* Exact delays, a clock minutes off and drifting: every segment paired,
 * the skew found, each delay to the microsecond. */
START_TEST(exact_delays_minutes_off_and_skewed)
{
	struct sim p = {.offset_ns = -185LL * 1000000000, .skew_ppm = 50, .d_c2s = 7000000,
	                .d_s2c = 7000000, .jitter_ns = 3000000, .exchanges = 300,
	                .gap_ns = 200000000, .lose_every = 40};
	char dir[64], db[128];
	simulated(&p, dir, db, "");
	vt_check_pairing(db);
	vt_check_clock(db);
	vt_check_states(db);
	ck_assert_int_eq(vt_q(db, "SELECT skew_fitted FROM clock_fits"), 1);
	ck_assert_int_le(vt_q(db, "SELECT abs(skew_ppm - 50) * 1000 FROM clock_fits"), 100);
	ck_assert_int_le(vt_q(db, "SELECT abs(offset_ns + 185000000000) FROM clock_fits"), 2000);
	ck_assert_int_le(vt_q(db, "SELECT max(abs(s.owd_ns - t.owd_ns)) FROM sightings s JOIN truth t"
	                       " USING (frame_a, frame_b) WHERE s.fate = 'paired'"), 2000);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE fate = 'lost_between'"), 8);
}
END_TEST

/* Both captures started mid-stream and the firewall rewrote the ISNs: no
 * SYN to pair by, so the payloads pair the connection and fix the
 * deltas. */
START_TEST(mid_stream_pairs_by_payload)
{
	struct sim p = {.rewrite_isn = true, .offset_ns = 2000000, .d_c2s = 1000000,
	                .d_s2c = 1000000, .jitter_ns = 300000, .exchanges = 30,
	                .gap_ns = 10000000, .late_start = 10};
	char dir[64], db[128];
	simulated(&p, dir, db, "");
	vt_check_pairing(db);
	vt_check_clock(db);
	vt_check_delays(db, true);
	vt_check_states(db);
	query_is(db, "SELECT matched_by || ' ' || seq_delta_c2s || ' ' || seq_delta_s2c"
	                              " FROM flow_pairs", "payload 1515847680 0\n");
}
END_TEST

/* B kept one direction only: the offset is bounded on one side, the fit
 * says so, and no delay is stored; the pairs are still right. */
START_TEST(one_direction_stores_no_delays)
{
	struct sim p = {.b_client_only = true, .offset_ns = 5000000, .d_c2s = 1000000,
	                .d_s2c = 1000000, .exchanges = 10, .gap_ns = 10000000};
	char dir[64], db[128];
	simulated(&p, dir, db, "");
	vt_check_pairing(db);
	query_is(db, "SELECT quality || ' ' || (offset_lo_ns IS NULL) || ' '"
	                              " || offset_hi_ns || ' ' || samples_rev FROM clock_fits",
	                 "one-direction 1 6000000 0\n");
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE owd_ns IS NOT NULL"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM flow_pairs WHERE owd_min_c2s_ns IS NULL"), 1);
}
END_TEST

/* IPv6 has no IP ID: paired without it. */
START_TEST(ipv6_pairs_without_ip_id)
{
	struct sim p = {.v6 = true, .offset_ns = 4000000, .d_c2s = 2000000, .d_s2c = 2000000,
	                .jitter_ns = 500000, .exchanges = 40, .gap_ns = 20000000, .lose_every = 10};
	char dir[64], db[128];
	simulated(&p, dir, db, "");
	vt_check_pairing(db);
	vt_check_clock(db);
	vt_check_delays(db, true);
	vt_check_states(db);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM segment_keys WHERE ip_id IS NOT NULL"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings_view WHERE client_a LIKE '[2001:db8::2]:%'"),
	                 vt_q(db, "SELECT count(*) FROM sightings"));
}
END_TEST

/* A firewall between the taps rewrites the client's ISN: paired by the
 * server's SYN,ACK, the client's direction shifted by seq_delta_c2s. */
START_TEST(firewall_rewrites_isn)
{
	struct sim p = {.rewrite_isn = true, .offset_ns = -30000000, .d_c2s = 1000000,
	                .d_s2c = 3000000, .jitter_ns = 200000, .exchanges = 30, .gap_ns = 10000000,
	                .lose_every = 7};
	char dir[64], db[128];
	simulated(&p, dir, db, "");
	vt_check_pairing(db);
	vt_check_clock(db);
	vt_check_delays(db, false);
	vt_check_states(db);
	query_is(db, "SELECT matched_by || ' ' || seq_delta_c2s || ' ' || seq_delta_s2c"
	                              " FROM flow_pairs", "synack 1515847680 0\n");
}
END_TEST

/* A middlebox's RST to the server, seen only at the server's tap: it
 * appeared between, and it closes the server, marked so. */
START_TEST(injected_rst_appears_between)
{
	struct sim p = {.inject_rst = true, .d_c2s = 1000000, .d_s2c = 1000000,
	                .exchanges = 10, .gap_ns = 10000000};
	char dir[64], db[128];
	simulated(&p, dir, db, "");
	vt_check_pairing(db);
	vt_check_states(db);
	query_is(db, "SELECT dir || ' ' || flags_text || ' ' || ifnull(frame_a, '-')"
	                              " FROM sightings_view WHERE fate = 'appeared_between'",
	                 "c2s R. -\n");
	query_is(db, "SELECT endpoint || ' ' || to_state || ' ' || event || ' '"
	                              " || appeared FROM pair_transitions_view WHERE to_state = 'CLOSED'",
	                 "server CLOSED recv RST 1\n");
	ck_assert_int_eq(vt_q(db, "SELECT appeared FROM flow_pairs"), 1);
}
END_TEST

/* The client's RST lost between: the client closed, the server never
 * knew. */
START_TEST(rst_lost_between_closes_nothing)
{
	struct sim p = {.lose_rst = true, .d_c2s = 1000000, .d_s2c = 1000000,
	                .exchanges = 10, .gap_ns = 10000000};
	char dir[64], db[128];
	simulated(&p, dir, db, "");
	vt_check_pairing(db);
	vt_check_states(db);
	query_is(db, "SELECT endpoint || ' ' || event FROM pair_transitions_view"
	                              " WHERE to_state = 'CLOSED'", "client send RST\n");
	ck_assert_int_eq(vt_q(db, "SELECT lost_c2s FROM flow_pairs"), 1);
}
END_TEST

/* The clock given (--offset NS,PPM), not estimated; --synced on files
 * whose clocks agree. Pairing again replaces the pairing. */
/* Two copies of one data segment, alike in every key pairing compares
 * (seq, ack, flags, length, TSval, TSecr, IP ID) but not in their bytes,
 * overtake each other between the taps: the payload bytes both captures
 * kept break the tie (VANTAGE.md), where k-th to k-th would swap them.
 * Delays 10 ms each way, the first copy delayed 15 ms; clocks equal. */
struct tie_seg {
	bool c2s;
	uint32_t seq, ack;
	uint8_t flags;
	uint32_t len;
	char fill;
	int64_t at_a_ms, at_b_ms;
};

static void write_tie_side(const char *path, const struct tie_seg *s, const int *order, int n,
                           bool side_b)
{
	FILE *f = cw_pcap_create_ns(path, 1, 65535);
	uint8_t buf[2048], payload[200];
	for (int k = 0; k < n; k++) {
		const struct tie_seg *g = &s[order[k]];
		uint8_t cl[16] = {10, 1, 0, 2}, sv[16] = {10, 2, 0, 2};
		struct cw_seg c = {.sport = g->c2s ? 40000 : 443, .dport = g->c2s ? 443 : 40000,
		                   .seq = g->seq, .ack = g->ack, .flags = g->flags, .win = 65000,
		                   .ip_id = 7, .ttl = 64, .ts = true, .tsval = 500, .tsecr = 77,
		                   .len = g->len, .payload = payload};
		memcpy(c.src, g->c2s ? cl : sv, 16);
		memcpy(c.dst, g->c2s ? sv : cl, 16);
		memset(payload, g->fill, sizeof payload);
		uint32_t len = cw_seg_frame(buf, &c);
		int64_t ms = side_b ? g->at_b_ms : g->at_a_ms;
		cw_pcap_record_ns(f, 1700000000000000000LL + ms * 1000000, buf, len, len);
	}
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(payload_breaks_ties)
{
	enum { S = TCP_SYN, A = TCP_ACK, P = TCP_PSH | TCP_ACK };
	const uint32_t c = 1000, sv = 5000;
	const struct tie_seg segs[] = {
	        {true, c, 0, S, 0, 0, 0, 10},                 /* SYN */
	        {false, sv, c + 1, S | A, 0, 0, 21, 11},      /* SYN,ACK */
	        {true, c + 1, sv + 1, A, 0, 0, 22, 32},       /* ACK */
	        {true, c + 1, sv + 1, P, 100, 'X', 30, 45},   /* X: 15 ms */
	        {true, c + 1, sv + 1, P, 100, 'Y', 31, 41},   /* Y: 10 ms, first at B */
	        {false, sv + 1, c + 101, A, 0, 0, 56, 46},    /* the server's ACK */
	};
	const int order_a[] = {0, 1, 2, 3, 4, 5}, order_b[] = {0, 1, 2, 4, 3, 5};
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	char a[128], b[128];
	snprintf(a, sizeof a, "%s/a.pcap", dir);
	snprintf(b, sizeof b, "%s/b.pcap", dir);
	write_tie_side(a, segs, order_a, 6, false);
	write_tie_side(b, segs, order_b, 6, true);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage client %s", db, a), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage server %s", db, b), 0);
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s client server", db), 0);
	/* X (A's frame 4) arrived second (B's frame 5), 15 ms after it left;
	 * Y the other way round, 10 ms. */
	query_is(db, "SELECT frame_a, frame_b, owd_ns, ambiguous FROM sightings"
	             " WHERE frame_a IN (4, 5) ORDER BY frame_a",
	         "4|5|15000000|1\n5|4|10000000|1\n");
}
END_TEST

START_TEST(given_clock)
{
	struct sim p = {.offset_ns = 90000000, .skew_ppm = -20, .d_c2s = 3000000, .d_s2c = 9000000,
	                .jitter_ns = 1000000, .exchanges = 50, .gap_ns = 50000000};
	char dir[64], db[128];
	simulated(&p, dir, db, "--offset 90000000,-20");
	vt_check_pairing(db);
	query_is(db, "SELECT method || ' ' || quality || ' ' || offset_ns || ' '"
	                              " || skew_ppm FROM clock_fits", "given given 90000000 -20.0\n");
	/* The true clock given: every delay exact, the asymmetry seen. */
	ck_assert_int_le(vt_q(db, "SELECT max(abs(s.owd_ns - t.owd_ns)) FROM sightings s JOIN truth t"
	                       " USING (frame_a, frame_b) WHERE s.fate = 'paired'"), 2);
	ck_assert_int_le(vt_q(db, "SELECT abs(owd_min_c2s_ns - 3000000) FROM flow_pairs"), 2);
	ck_assert_int_le(vt_q(db, "SELECT abs(owd_min_s2c_ns - 9000000) FROM flow_pairs"), 2);
	long long rows = vt_q(db, "SELECT count(*) FROM sightings");
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s client server", db), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM clock_fits"), 1);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM flow_pairs"), 1);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings"), rows);
	ck_assert_int_eq(vt_q(db, "SELECT quality = 'ok' AND method = 'symmetric-min' FROM clock_fits"), 1);
	/* Usage, and nothing to pair. */
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s client server --offset 1 --synced 2>/dev/null", db), 2);
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s client 2>/dev/null", db), 2);
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s client client 2>/dev/null", db), 2);
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s client nowhere 2>/dev/null", db), 1);
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s client server --max-offset 1x 2>/dev/null", db), 2);
}
END_TEST

/* One file paired with itself (a copy whose header differs, as the same
 * content cannot be two vantages): every segment paired with itself, every
 * delay zero. */
START_TEST(file_paired_with_itself)
{
	char dir[64], db[128];
	vt_self_paired(dir, db);
	long long segs = vt_q(db, "SELECT count(*) FROM segment_rows s JOIN flows f ON f.id = s.flow_id"
	                       " WHERE f.capture_id = 1");
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE fate = 'paired'"
	                       " AND frame_a = frame_b AND owd_ns = 0"), segs);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings"), segs);
	query_is(db, "SELECT offset_ns || ' ' || offset_lo_ns || ' ' || offset_hi_ns"
	                              " || ' ' || quality FROM clock_fits", "0 0 0 ok\n");
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM flow_pairs"),
	                 vt_q(db, "SELECT count(*) FROM flows WHERE capture_id = 1"));
	/* Forgetting either capture forgets the pairing. */
	ck_assert_int_eq(tu_sh(BIN " forget -q -d %s 2", db), 0);
	ck_assert_int_eq(vt_q(db, "SELECT (SELECT count(*) FROM clock_fits) + (SELECT count(*) FROM"
	                       " flow_pairs) + (SELECT count(*) FROM sightings) + (SELECT count(*)"
	                       " FROM pair_transitions)"), 0);
}
END_TEST

void vantage_sim_tests(TCase *tc)
{
	tcase_add_test(tc, exact_delays_minutes_off_and_skewed);
	tcase_add_test(tc, ipv6_pairs_without_ip_id);
	tcase_add_test(tc, one_direction_stores_no_delays);
	tcase_add_test(tc, mid_stream_pairs_by_payload);
	tcase_add_test(tc, firewall_rewrites_isn);
	tcase_add_test(tc, injected_rst_appears_between);
	tcase_add_test(tc, rst_lost_between_closes_nothing);
	tcase_add_test(tc, given_clock);
	tcase_add_test(tc, file_paired_with_itself);
	tcase_add_test(tc, payload_breaks_ties);
}
