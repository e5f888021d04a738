/* Two vantage points (VANTAGE.md), the schema and ingest --vantage: the
 * tables and views by their contract names, a capture tagged with its
 * vantage and what pairing compares of each segment kept, and the same
 * content under another name refused with nothing changed. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capwrite.h"
#include "db.h"
#include "decode.h"
#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"

/* Every column the contract names, in one query per table: the query fails
 * (and the test with it) when one is missing. */
static const char *const contract[] = {
	"SELECT vantage FROM captures",
	"SELECT id, capture_a, capture_b, ref_ts_ns, offset_ns, offset_lo_ns, offset_hi_ns,"
	" skew_ppm, skew_err_ppm, skew_fitted, method, quality, samples_fwd, samples_rev,"
	" min_rtt_between_ns FROM clock_fits",
	"SELECT id, fit_id, flow_a, flow_b, a_side, matched_by, nat, seq_delta_c2s,"
	" seq_delta_s2c, paired, lost_c2s, lost_s2c, appeared, owd_min_c2s_ns,"
	" owd_median_c2s_ns, owd_max_c2s_ns, owd_min_s2c_ns, owd_median_s2c_ns,"
	" owd_max_s2c_ns FROM flow_pairs",
	"SELECT pair_id, frame_a, frame_b, from_client, rel_seq, len, flags, send_ts_ns,"
	" recv_ts_ns, owd_ns, fate, whole, ambiguous FROM sightings",
	"SELECT pair_id, endpoint, frame_a, frame_b, ts_ns, from_state, to_state, event"
	" FROM pair_transitions",
	"SELECT pair_id, frame_a, frame_b, dir, flags_text, send_time, recv_time, owd_ms,"
	" fate, whole, ambiguous, vantage_a, vantage_b, file_a, file_b, client_a, server_a,"
	" client_b, server_b FROM sightings_view",
	"SELECT pair_id, endpoint, vantage, frame_a, frame_b, ts_ns, time, from_state,"
	" to_state, event, vantage_a, vantage_b FROM pair_transitions_view",
};

START_TEST(schema_has_the_contract_names)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s data/ten-segments.pcap", db), 0);
	ck_assert_int_eq(tu_query_int(db, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	for (size_t i = 0; i < sizeof contract / sizeof contract[0]; i++)
		ck_assert_int_eq(tu_sh("sqlite3 %s '%s' >/dev/null", db, contract[i]), 0);
	/* Untagged captures keep no pairing keys. */
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures WHERE vantage IS NULL"), 1);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM segment_keys"), 0);
}
END_TEST

START_TEST(ingest_tags_a_vantage)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage client data/ten-segments.pcap", db), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures WHERE vantage = 'client'"), 1);
	/* A key row per segment: IPv4's IP ID and TTL, the timestamps where
	 * the option was, a hash where payload was kept. */
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM segment_keys"),
	                 tu_query_int(db, "SELECT count(*) FROM segment_rows"));
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM segment_keys WHERE ip_id IS NULL"), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM segment_keys k JOIN segment_rows s"
	                                  " USING (flow_id, frame)"
	                                  " WHERE (k.payload_hash IS NULL) != (s.len = 0)"), 0);
	char *before = tu_query(db, "SELECT id, vantage, sha256 FROM captures");
	/* The same content under another name: exit 1, nothing changed. */
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s --vantage server data/ten-segments.pcap 2>%s/err",
	                       db, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q \"at vantage 'client'; this ingest names it 'server'\" %s/err",
	                       dir), 0);
	char *after = tu_query(db, "SELECT id, vantage, sha256 FROM captures");
	ck_assert_str_eq(before, after);
	free(after);
	/* Under the same name, or none: already there, as any content is. */
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage client data/ten-segments.pcap", db), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s data/ten-segments.pcap", db), 0);
	after = tu_query(db, "SELECT id, vantage, sha256 FROM captures");
	ck_assert_str_eq(before, after);
	free(after);
	free(before);
	/* Names are letters, digits and -_. only. */
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage 'a b' data/ten-segments.pcap"
	                       " 2>/dev/null", db), 2);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage '' data/ten-segments.pcap"
	                       " 2>/dev/null", db), 2);
	/* -j: the shards' keys and vantage merged in. */
	char jdb[128];
	snprintf(jdb, sizeof jdb, "%s/j.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -j 2 -d %s --vantage client data/ten-segments.pcap"
	                       " ../examples/seed.pcap", jdb), 0);
	ck_assert_int_eq(tu_query_int(jdb, "SELECT count(*) FROM captures WHERE vantage = 'client'"), 2);
	ck_assert_int_eq(tu_query_int(jdb, "SELECT count(*) FROM segment_keys"),
	                 tu_query_int(jdb, "SELECT count(*) FROM segment_rows"));
	/* forget takes the keys with the capture. */
	ck_assert_int_eq(tu_sh(BIN " forget -q -d %s 1 2>/dev/null", db), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM segment_keys"), 0);
}
END_TEST


/* ---- The committed mkvantage.sh scenarios (tests/data/vantage: the
 * captures of both taps, A the client's, and their truth compacted by
 * mktruth.py), checked as VANTAGE.md's "What the tests must show" says. */

#define VDATA "data/vantage"

/* The truth of dir/truth.csv and dir/clock.csv into db's tables truth and
 * clock. */
static void load_truth(const char *dir, const char *db)
{
	ck_assert_int_eq(tu_sh("sqlite3 %s \"CREATE TABLE truth (dir TEXT, frame_a INTEGER,"
	                       " frame_b INTEGER, owd_ns INTEGER, seen TEXT, whole TEXT, flow INTEGER,"
	                       " flags TEXT); CREATE TABLE clock (offset_ns INTEGER, skew_ppm REAL,"
	                       " lo INTEGER, hi INTEGER, symmetric INTEGER, min_rtt INTEGER,"
	                       " flows_both INTEGER, lost INTEGER, paired INTEGER)\""
	                       " '.mode csv' '.import %s/truth.csv truth' '.import %s/clock.csv clock'"
	                       " \"UPDATE truth SET frame_a = NULLIF(frame_a, ''),"
	                       " frame_b = NULLIF(frame_b, ''), owd_ns = NULLIF(owd_ns, ''),"
	                       " whole = NULLIF(whole, '')\"", db, dir, dir), 0);
}

/* A scenario ingested at both vantages, paired, and its truth loaded into
 * the same database as tables truth and clock. */
static void scenario(const char *name, char dir[64], char db[128])
{
	tu_scratch_dir(dir);
	snprintf(db, 128, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage client " VDATA "/%s-client.pcap.gz",
	                       db, name), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage server " VDATA "/%s-server.pcap.gz",
	                       db, name), 0);
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s client server", db), 0);
	ck_assert_int_eq(tu_sh("zcat " VDATA "/%s-truth.csv.gz > %s/truth.csv && cp " VDATA
	                       "/%s-clock.csv %s/clock.csv", name, dir, name, dir), 0);
	load_truth(dir, db);
}

static long long q(const char *db, const char *sql)
{
	return tu_query_int(db, sql);
}

/* Checks 1 and 2: the pairs, the losses, the wholes; one flow pair per
 * connection seen at both, each with A on the client's side. */
static void check_pairing(const char *db)
{
	ck_assert_int_eq(q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM truth"
	                       " WHERE seen = 'both' EXCEPT SELECT frame_a, frame_b FROM sightings"
	                       " WHERE fate = 'paired')"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM sightings"
	                       " WHERE fate = 'paired' EXCEPT SELECT frame_a, frame_b FROM truth"
	                       " WHERE seen = 'both')"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings WHERE fate = 'paired'"),
	                 q(db, "SELECT paired FROM clock"));
	/* Lost: seen at the sender's tap only, there. */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM truth"
	                       " WHERE seen IN ('client', 'server') EXCEPT SELECT frame_a, frame_b"
	                       " FROM sightings WHERE fate = 'lost_between')"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings WHERE fate = 'lost_between'"),
	                 q(db, "SELECT lost FROM clock"));
	/* Appeared between: only what a middlebox made (the programmatic
	 * cases' seen 'appeared'). */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM sightings"
	                       " WHERE fate = 'appeared_between' EXCEPT SELECT frame_a, frame_b"
	                       " FROM truth WHERE seen = 'appeared')"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings WHERE fate = 'appeared_between'"),
	                 q(db, "SELECT count(*) FROM truth WHERE seen = 'appeared'"));
	/* A piece carries its whole's frame and names the side that saw it. */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM truth t JOIN sightings s USING (frame_a, frame_b)"
	                       " WHERE t.whole IS NOT s.whole"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM flow_pairs"), q(db, "SELECT flows_both FROM clock"));
	ck_assert_int_eq(q(db, "SELECT count(*) FROM flow_pairs WHERE a_side != 'client'"), 0);
}

/* Check 3: the true offset within the bounds, the estimate within 0.5 ms
 * of the offset that makes both smallest delays equal. */
static void check_clock(const char *db)
{
	ck_assert_int_eq(q(db, "SELECT count(*) FROM clock_fits"), 1);
	ck_assert_int_eq(q(db, "SELECT quality = 'ok' FROM clock_fits"), 1);
	ck_assert_int_eq(q(db, "SELECT offset_lo_ns <= (SELECT offset_ns FROM clock)"
	                       " AND (SELECT offset_ns FROM clock) <= offset_hi_ns FROM clock_fits"), 1);
	ck_assert_int_le(q(db, "SELECT abs(offset_ns - (SELECT symmetric FROM clock)) FROM clock_fits"),
	                 500000);
}

/* Check 4: each paired segment's delay against the truth, as is or (an
 * asymmetric path) with each direction's smallest taken off both. */
static void check_delays(const char *db, bool symmetric)
{
	const char *err = symmetric
		? "SELECT max(abs(s.owd_ns - t.owd_ns)) FROM sightings s JOIN truth t"
		  " USING (frame_a, frame_b) WHERE s.fate = 'paired'"
		: "WITH m AS (SELECT s.from_client, min(s.owd_ns) AS db_min, min(t.owd_ns) AS t_min"
		  " FROM sightings s JOIN truth t USING (frame_a, frame_b) WHERE s.fate = 'paired'"
		  " GROUP BY s.from_client)"
		  " SELECT max(abs((s.owd_ns - m.db_min) - (t.owd_ns - m.t_min))) FROM sightings s"
		  " JOIN truth t USING (frame_a, frame_b) JOIN m USING (from_client)"
		  " WHERE s.fate = 'paired'";
	ck_assert_int_le(q(db, err), 500000);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings WHERE fate = 'paired'"
	                       " AND owd_ns IS NULL"), 0);
	/* No receive before its send, less the clock's error bound. */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings s, clock_fits c"
	                       " WHERE s.owd_ns < -c.min_rtt_between_ns / 2 - 1000"), 0);
}

/* Check 5: each endpoint's states at its own tap: a receipt at its
 * receive sighting (never one lost between), a send at its send sighting;
 * the server leaves LISTEN when the first SYN to arrive arrives. */
#define T_JOIN_S " FROM pair_transitions t JOIN sightings s ON s.pair_id = t.pair_id" \
	" AND s.frame_a IS t.frame_a AND s.frame_b IS t.frame_b"
static void check_states(const char *db)
{
	ck_assert_int_gt(q(db, "SELECT count(*) FROM pair_transitions"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*)" T_JOIN_S " WHERE t.event & 1 AND"
	                       " (s.fate = 'lost_between' OR t.ts_ns IS NOT s.recv_ts_ns)"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*)" T_JOIN_S " WHERE NOT t.event & 1 AND t.event != 10"
	                       " AND t.ts_ns IS NOT s.send_ts_ns"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM pair_transitions t"
	                       " WHERE NOT EXISTS (SELECT 1 FROM sightings s WHERE s.pair_id = t.pair_id"
	                       " AND s.frame_a IS t.frame_a AND s.frame_b IS t.frame_b)"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*)" T_JOIN_S " WHERE t.endpoint = 1 AND t.from_state = 2"
	                       " AND (s.flags & 18 != 2 OR s.recv_ts_ns != (SELECT min(recv_ts_ns)"
	                       " FROM sightings x WHERE x.pair_id = t.pair_id AND x.flags & 18 = 2))"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM flow_pairs p WHERE EXISTS (SELECT 1 FROM sightings"
	                       " WHERE pair_id = p.id AND flags & 18 = 2 AND fate = 'paired')"
	                       " AND NOT EXISTS (SELECT 1 FROM pair_transitions WHERE pair_id = p.id"
	                       " AND endpoint = 1 AND from_state = 2 AND to_state = 4)"), 0);
}

/* A segment lost between whose retransmission arrived: its receiver
 * moves at the copy that arrived, after the one lost. flags: the
 * segment's (2+16 a SYN,ACK, 1 a FIN); to: the receiver's state then. */
static void check_moved_at_retransmission(const char *db, int flags, int endpoint, int to)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM sightings l JOIN pair_transitions t ON t.pair_id = l.pair_id"
	         " AND t.endpoint = %d AND t.to_state = %d JOIN sightings s ON s.pair_id = t.pair_id"
	         " AND s.frame_a IS t.frame_a AND s.frame_b IS t.frame_b"
	         " WHERE l.fate = 'lost_between' AND l.flags & %d = %d"
	         " AND s.fate = 'paired' AND s.flags & %d = %d AND s.send_ts_ns > l.send_ts_ns"
	         " AND t.ts_ns = s.recv_ts_ns", endpoint, to, flags | 4, flags, flags | 4, flags);
	ck_assert_int_ge(q(db, sql), 1);
}

START_TEST(routed_scenario)
{
	char dir[64], db[128];
	scenario("routed", dir, db);
	check_pairing(db);
	check_clock(db);
	check_delays(db, true);
	check_states(db);
	/* The server's first FIN was lost between: the client's CLOSE_WAIT
	 * comes with the copy that arrived. */
	check_moved_at_retransmission(db, 1, 0, 8);
}
END_TEST

START_TEST(asym_scenario)
{
	char dir[64], db[128];
	scenario("asym", dir, db);
	check_pairing(db);
	check_clock(db);
	check_states(db);
	check_delays(db, false);
}
END_TEST

START_TEST(nat_scenario)
{
	char dir[64], db[128];
	scenario("nat", dir, db);
	check_pairing(db);
	check_clock(db);
	check_delays(db, true);
	check_states(db);
	/* The first SYN,ACK was lost between: the client reaches ESTABLISHED
	 * at the one that arrived. */
	check_moved_at_retransmission(db, 18, 0, 5);
	/* Each side's endpoints as its tap saw them. */
	ck_assert_int_eq(q(db, "SELECT count(*) FROM flow_pairs WHERE nat = 1"),
	                 q(db, "SELECT count(*) FROM flow_pairs"));
	/* run: each group under its name, paired, reported. */
	ck_assert_int_eq(tu_sh(BIN " run -q -o %s/run --vantage client " VDATA "/nat-client.pcap.gz"
	                       " --vantage server " VDATA "/nat-server.pcap.gz", dir), 0);
	char run_db[128];
	snprintf(run_db, sizeof run_db, "%s/run/tcpladder.db", dir);
	ck_assert_str_eq(tu_query(run_db, "SELECT vantage, count(*) FROM captures GROUP BY 1"),
	                 "client|1\nserver|1\n");
	ck_assert_int_eq(q(run_db, "SELECT count(*) FROM flow_pairs"), q(db, "SELECT count(*) FROM flow_pairs"));
	ck_assert_int_eq(tu_sh("test -s %s/run/index.html", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " run -q -o %s/run2 --vantage client " VDATA "/nat-client.pcap.gz"
	                       " 2>/dev/null", dir), 2);
	ck_assert_int_eq(q(db, "SELECT count(DISTINCT server_a) FROM sightings_view"
	                       " WHERE server_a LIKE '10.78.1.1:%'"), 2);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings_view WHERE client_b NOT LIKE"
	                       " '10.78.2.1:%'"), 0);
}
END_TEST

START_TEST(offload_scenario)
{
	char dir[64], db[128];
	scenario("offload", dir, db);
	check_pairing(db);
	check_clock(db);
	check_states(db);
	check_delays(db, true);
	ck_assert_int_gt(q(db, "SELECT count(*) FROM sightings WHERE whole = 'a'"), 0);
	ck_assert_int_gt(q(db, "SELECT count(*) FROM sightings WHERE whole = 'b'"), 0);
}
END_TEST

START_TEST(drift_scenario)
{
	char dir[64], db[128];
	scenario("drift", dir, db);
	check_pairing(db);
	check_clock(db);
	check_states(db);
	check_delays(db, true);
	ck_assert_int_eq(q(db, "SELECT skew_fitted FROM clock_fits"), 1);
	ck_assert_int_le(q(db, "SELECT abs(skew_ppm - 60) * 1000 FROM clock_fits"), 5000);
	/* export sightings|clock: CSV of what pair wrote. */
	ck_assert_int_eq(tu_sh(BIN " export sightings -d %s -o %s/s.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh("test $(wc -l < %s/s.csv) = %lld", dir,
	                       q(db, "SELECT count(*) + 1 FROM sightings")), 0);
	ck_assert_int_eq(tu_sh("head -1 %s/s.csv | grep -q '^pair_id,seq_no,flow_a,flow_b,frame_a,"
	                       "frame_b,from_client,dir,rel_seq,len,flags,flags_text,send_ts_ns,"
	                       "send_time,recv_ts_ns,recv_time,owd_ns,owd_ms,fate,whole,ambiguous,'",
	                       dir), 0);
	ck_assert_int_eq(tu_sh(BIN " export sightings -d %s --flow 2 -o %s/s2.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh("test $(wc -l < %s/s2.csv) = %lld", dir,
	                       q(db, "SELECT count(*) + 1 FROM sightings s JOIN flow_pairs p"
	                             " ON p.id = s.pair_id WHERE p.flow_a = 2")), 0);
	ck_assert_int_eq(tu_sh(BIN " export clock -d %s -o %s/c.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh("sed -n 2p %s/c.csv | grep -q '^1,1,2,client,server,.*,1,symmetric-min,ok,'",
	                       dir), 0);
}
END_TEST


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
		if (!g->at_a && !g->at_b)
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
	load_truth(dir, db);
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
	check_pairing(db);
	check_clock(db);
	check_states(db);
	ck_assert_int_eq(q(db, "SELECT skew_fitted FROM clock_fits"), 1);
	ck_assert_int_le(q(db, "SELECT abs(skew_ppm - 50) * 1000 FROM clock_fits"), 100);
	ck_assert_int_le(q(db, "SELECT abs(offset_ns + 185000000000) FROM clock_fits"), 2000);
	ck_assert_int_le(q(db, "SELECT max(abs(s.owd_ns - t.owd_ns)) FROM sightings s JOIN truth t"
	                       " USING (frame_a, frame_b) WHERE s.fate = 'paired'"), 2000);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings WHERE fate = 'lost_between'"), 8);
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
	check_pairing(db);
	check_clock(db);
	check_delays(db, true);
	check_states(db);
	ck_assert_str_eq(tu_query(db, "SELECT matched_by || ' ' || seq_delta_c2s || ' ' || seq_delta_s2c"
	                              " FROM flow_pairs"), "payload 1515847680 0\n");
}
END_TEST

/* IPv6 has no IP ID: paired without it. */
START_TEST(ipv6_pairs_without_ip_id)
{
	struct sim p = {.v6 = true, .offset_ns = 4000000, .d_c2s = 2000000, .d_s2c = 2000000,
	                .jitter_ns = 500000, .exchanges = 40, .gap_ns = 20000000, .lose_every = 10};
	char dir[64], db[128];
	simulated(&p, dir, db, "");
	check_pairing(db);
	check_clock(db);
	check_delays(db, true);
	check_states(db);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM segment_keys WHERE ip_id IS NOT NULL"), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings_view WHERE client_a LIKE '[2001:db8::2]:%'"),
	                 q(db, "SELECT count(*) FROM sightings"));
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
	check_pairing(db);
	check_clock(db);
	check_delays(db, false);
	check_states(db);
	ck_assert_str_eq(tu_query(db, "SELECT matched_by || ' ' || seq_delta_c2s || ' ' || seq_delta_s2c"
	                              " FROM flow_pairs"), "synack 1515847680 0\n");
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
	check_pairing(db);
	check_states(db);
	ck_assert_str_eq(tu_query(db, "SELECT dir || ' ' || flags_text || ' ' || ifnull(frame_a, '-')"
	                              " FROM sightings_view WHERE fate = 'appeared_between'"),
	                 "c2s R. -\n");
	ck_assert_str_eq(tu_query(db, "SELECT endpoint || ' ' || to_state || ' ' || event || ' '"
	                              " || appeared FROM pair_transitions_view WHERE to_state = 'CLOSED'"),
	                 "server CLOSED recv RST 1\n");
	ck_assert_int_eq(q(db, "SELECT appeared FROM flow_pairs"), 1);
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
	check_pairing(db);
	check_states(db);
	ck_assert_str_eq(tu_query(db, "SELECT endpoint || ' ' || event FROM pair_transitions_view"
	                              " WHERE to_state = 'CLOSED'"), "client send RST\n");
	ck_assert_int_eq(q(db, "SELECT lost_c2s FROM flow_pairs"), 1);
}
END_TEST

/* The clock given (--offset NS,PPM), not estimated; --synced on files
 * whose clocks agree. Pairing again replaces the pairing. */
START_TEST(given_clock)
{
	struct sim p = {.offset_ns = 90000000, .skew_ppm = -20, .d_c2s = 3000000, .d_s2c = 9000000,
	                .jitter_ns = 1000000, .exchanges = 50, .gap_ns = 50000000};
	char dir[64], db[128];
	simulated(&p, dir, db, "--offset 90000000,-20");
	check_pairing(db);
	ck_assert_str_eq(tu_query(db, "SELECT method || ' ' || quality || ' ' || offset_ns || ' '"
	                              " || skew_ppm FROM clock_fits"), "given given 90000000 -20.0\n");
	/* The true clock given: every delay exact, the asymmetry seen. */
	ck_assert_int_le(q(db, "SELECT max(abs(s.owd_ns - t.owd_ns)) FROM sightings s JOIN truth t"
	                       " USING (frame_a, frame_b) WHERE s.fate = 'paired'"), 2);
	ck_assert_int_le(q(db, "SELECT abs(owd_min_c2s_ns - 3000000) FROM flow_pairs"), 2);
	ck_assert_int_le(q(db, "SELECT abs(owd_min_s2c_ns - 9000000) FROM flow_pairs"), 2);
	long long rows = q(db, "SELECT count(*) FROM sightings");
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s client server", db), 0);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM clock_fits"), 1);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM flow_pairs"), 1);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings"), rows);
	ck_assert_int_eq(q(db, "SELECT quality = 'ok' AND method = 'symmetric-min' FROM clock_fits"), 1);
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
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh("zcat " VDATA "/routed-client.pcap.gz > %s/a.pcap && cp %s/a.pcap"
	                       " %s/b.pcap && printf '\\377\\377\\000\\000' | dd of=%s/b.pcap bs=1"
	                       " seek=16 conv=notrunc 2>/dev/null", dir, dir, dir, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage a %s/a.pcap", db, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s --vantage b %s/b.pcap", db, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " pair -q -d %s a b", db), 0);
	long long segs = q(db, "SELECT count(*) FROM segment_rows s JOIN flows f ON f.id = s.flow_id"
	                       " WHERE f.capture_id = 1");
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings WHERE fate = 'paired'"
	                       " AND frame_a = frame_b AND owd_ns = 0"), segs);
	ck_assert_int_eq(q(db, "SELECT count(*) FROM sightings"), segs);
	ck_assert_str_eq(tu_query(db, "SELECT offset_ns || ' ' || offset_lo_ns || ' ' || offset_hi_ns"
	                              " || ' ' || quality FROM clock_fits"), "0 0 0 ok\n");
	ck_assert_int_eq(q(db, "SELECT count(*) FROM flow_pairs"),
	                 q(db, "SELECT count(*) FROM flows WHERE capture_id = 1"));
	/* Forgetting either capture forgets the pairing. */
	ck_assert_int_eq(tu_sh(BIN " forget -q -d %s 2", db), 0);
	ck_assert_int_eq(q(db, "SELECT (SELECT count(*) FROM clock_fits) + (SELECT count(*) FROM"
	                       " flow_pairs) + (SELECT count(*) FROM sightings) + (SELECT count(*)"
	                       " FROM pair_transitions)"), 0);
}
END_TEST

Suite *vantage_suite(void)
{
	Suite *s = suite_create("vantage");
	TCase *tc = tcase_create("vantage");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, schema_has_the_contract_names);
	tcase_add_test(tc, ingest_tags_a_vantage);
	tcase_add_test(tc, routed_scenario);
	tcase_add_test(tc, asym_scenario);
	tcase_add_test(tc, nat_scenario);
	tcase_add_test(tc, offload_scenario);
	tcase_add_test(tc, drift_scenario);
	tcase_add_test(tc, exact_delays_minutes_off_and_skewed);
	tcase_add_test(tc, ipv6_pairs_without_ip_id);
	tcase_add_test(tc, mid_stream_pairs_by_payload);
	tcase_add_test(tc, firewall_rewrites_isn);
	tcase_add_test(tc, injected_rst_appears_between);
	tcase_add_test(tc, rst_lost_between_closes_nothing);
	tcase_add_test(tc, given_clock);
	tcase_add_test(tc, file_paired_with_itself);
	suite_add_tcase(s, tc);
	return s;
}
