/* vantage_checks: the checks of VANTAGE.md's "What the tests must show",
 * as SQL over a paired database that also holds the truth (tables truth
 * and clock, in the form tests/data/vantage/mktruth.py writes): shared by
 * the committed scenarios (test_vantage.c) and the programmatic captures
 * (test_vantage_sim.c). */
#include "vantage_checks.h"

#include <check.h>
#include <stdio.h>

#include "testutil.h"

/* The truth of dir/truth.csv and dir/clock.csv into db's tables truth and
 * clock. */
void vt_load_truth(const char *dir, const char *db)
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

long long vt_q(const char *db, const char *sql)
{
	return tu_query_int(db, sql);
}

/* Checks 1 and 2: the pairs, the losses, the wholes; one flow pair per
 * connection seen at both, each with A on the client's side. */
void vt_check_pairing(const char *db)
{
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM truth"
	                       " WHERE seen = 'both' EXCEPT SELECT frame_a, frame_b FROM sightings"
	                       " WHERE fate = 'paired')"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM sightings"
	                       " WHERE fate = 'paired' EXCEPT SELECT frame_a, frame_b FROM truth"
	                       " WHERE seen = 'both')"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE fate = 'paired'"),
	                 vt_q(db, "SELECT paired FROM clock"));
	/* Lost: seen at the sender's tap only, there. */
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM truth"
	                       " WHERE seen IN ('client', 'server') EXCEPT SELECT frame_a, frame_b"
	                       " FROM sightings WHERE fate = 'lost_between')"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE fate = 'lost_between'"),
	                 vt_q(db, "SELECT lost FROM clock"));
	/* Appeared between: only what a middlebox made (the programmatic
	 * cases' seen 'appeared'). */
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM (SELECT frame_a, frame_b FROM sightings"
	                       " WHERE fate = 'appeared_between' EXCEPT SELECT frame_a, frame_b"
	                       " FROM truth WHERE seen = 'appeared')"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE fate = 'appeared_between'"),
	                 vt_q(db, "SELECT count(*) FROM truth WHERE seen = 'appeared'"));
	/* A piece carries its whole's frame and names the side that saw it. */
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM truth t JOIN sightings s USING (frame_a, frame_b)"
	                       " WHERE t.whole IS NOT s.whole"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM flow_pairs"), vt_q(db, "SELECT flows_both FROM clock"));
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM flow_pairs WHERE a_side != 'client'"), 0);
}

/* Check 3: the true offset within the bounds, the estimate within 0.5 ms
 * of the offset that makes both smallest delays equal. */
void vt_check_clock(const char *db)
{
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM clock_fits"), 1);
	ck_assert_int_eq(vt_q(db, "SELECT quality = 'ok' FROM clock_fits"), 1);
	ck_assert_int_eq(vt_q(db, "SELECT offset_lo_ns <= (SELECT offset_ns FROM clock)"
	                       " AND (SELECT offset_ns FROM clock) <= offset_hi_ns FROM clock_fits"), 1);
	ck_assert_int_le(vt_q(db, "SELECT abs(offset_ns - (SELECT symmetric FROM clock)) FROM clock_fits"),
	                 500000);
}

/* Check 4: each paired segment's delay against the truth, as is or (an
 * asymmetric path) with each direction's smallest taken off both. */
void vt_check_delays(const char *db, bool symmetric)
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
	ck_assert_int_le(vt_q(db, err), 500000);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings WHERE fate = 'paired'"
	                       " AND owd_ns IS NULL"), 0);
	/* No receive before its send, less the clock's error bound. */
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings s, clock_fits c"
	                       " WHERE s.owd_ns < -c.min_rtt_between_ns / 2 - 1000"), 0);
}

/* Check 5: each endpoint's states at its own tap: a receipt at its
 * receive sighting (never one lost between), a send at its send sighting;
 * the server leaves LISTEN when the first SYN to arrive arrives. */
#define T_JOIN_S " FROM pair_transitions t JOIN sightings s ON s.pair_id = t.pair_id" \
	" AND s.frame_a IS t.frame_a AND s.frame_b IS t.frame_b"
void vt_check_states(const char *db)
{
	ck_assert_int_gt(vt_q(db, "SELECT count(*) FROM pair_transitions"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*)" T_JOIN_S " WHERE t.event & 1 AND"
	                       " (s.fate = 'lost_between' OR t.ts_ns IS NOT s.recv_ts_ns)"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*)" T_JOIN_S " WHERE NOT t.event & 1 AND t.event != 10"
	                       " AND t.ts_ns IS NOT s.send_ts_ns"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM pair_transitions t"
	                       " WHERE NOT EXISTS (SELECT 1 FROM sightings s WHERE s.pair_id = t.pair_id"
	                       " AND s.frame_a IS t.frame_a AND s.frame_b IS t.frame_b)"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*)" T_JOIN_S " WHERE t.endpoint = 1 AND t.from_state = 2"
	                       " AND (s.flags & 18 != 2 OR s.recv_ts_ns != (SELECT min(recv_ts_ns)"
	                       " FROM sightings x WHERE x.pair_id = t.pair_id AND x.flags & 18 = 2))"), 0);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM flow_pairs p WHERE EXISTS (SELECT 1 FROM sightings"
	                       " WHERE pair_id = p.id AND flags & 18 = 2 AND fate = 'paired')"
	                       " AND NOT EXISTS (SELECT 1 FROM pair_transitions WHERE pair_id = p.id"
	                       " AND endpoint = 1 AND from_state = 2 AND to_state = 4)"), 0);
}

/* A segment lost between whose retransmission arrived: its receiver
 * moves at the copy that arrived, after the one lost. flags: the
 * segment's (2+16 a SYN,ACK, 1 a FIN); to: the receiver's state then. */
void vt_check_moved_at_retransmission(const char *db, int flags, int endpoint, int to)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM sightings l JOIN pair_transitions t ON t.pair_id = l.pair_id"
	         " AND t.endpoint = %d AND t.to_state = %d JOIN sightings s ON s.pair_id = t.pair_id"
	         " AND s.frame_a IS t.frame_a AND s.frame_b IS t.frame_b"
	         " WHERE l.fate = 'lost_between' AND l.flags & %d = %d"
	         " AND s.fate = 'paired' AND s.flags & %d = %d AND s.send_ts_ns > l.send_ts_ns"
	         " AND t.ts_ns = s.recv_ts_ns", endpoint, to, flags | 4, flags, flags | 4, flags);
	ck_assert_int_ge(vt_q(db, sql), 1);
}

