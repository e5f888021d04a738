/* Two vantage points (VANTAGE.md), the schema and ingest --vantage: the
 * tables and views by their contract names, a capture tagged with its
 * vantage and what pairing compares of each segment kept, and the same
 * content under another name refused with nothing changed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "suites.h"
#include "testutil.h"
#include "vantage_checks.h"

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

/* The rows sql returns in db (tu_query's text), equal to want. */
static void query_is(const char *db, const char *sql, const char *want)
{
	char *got = tu_query(db, sql);
	ck_assert_str_eq(got, want);
	free(got);
}

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

#define VDATA VT_DATA

/* A scenario ingested at both vantages, paired, and its truth loaded into
 * the same database as tables truth and clock. */
static void scenario(const char *name, char dir[64], char db[128])
{
	vt_paired(name, dir, db);
	ck_assert_int_eq(tu_sh("zcat " VDATA "/%s-truth.csv.gz > %s/truth.csv && cp " VDATA
	                       "/%s-clock.csv %s/clock.csv", name, dir, name, dir), 0);
	vt_load_truth(dir, db);
}

START_TEST(routed_scenario)
{
	char dir[64], db[128];
	scenario("routed", dir, db);
	vt_check_pairing(db);
	vt_check_clock(db);
	vt_check_delays(db, true);
	vt_check_states(db);
	vt_check_ladder(db, dir);
	/* The server's first FIN was lost between: the client's CLOSE_WAIT
	 * comes with the copy that arrived. */
	vt_check_moved_at_retransmission(db, 1, 0, 8);
}
END_TEST

START_TEST(asym_scenario)
{
	char dir[64], db[128];
	scenario("asym", dir, db);
	vt_check_pairing(db);
	vt_check_clock(db);
	vt_check_states(db);
	vt_check_ladder(db, dir);
	vt_check_delays(db, false);
}
END_TEST

START_TEST(nat_scenario)
{
	char dir[64], db[128];
	scenario("nat", dir, db);
	vt_check_pairing(db);
	vt_check_clock(db);
	vt_check_delays(db, true);
	vt_check_states(db);
	vt_check_ladder(db, dir);
	/* The first SYN,ACK was lost between: the client reaches ESTABLISHED
	 * at the one that arrived. */
	vt_check_moved_at_retransmission(db, 18, 0, 5);
	/* Each side's endpoints as its tap saw them. */
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM flow_pairs WHERE nat = 1"),
	                 vt_q(db, "SELECT count(*) FROM flow_pairs"));
	/* run: each group under its name, paired, reported. */
	ck_assert_int_eq(tu_sh(BIN " run -q -o %s/run --vantage client " VDATA "/nat-client.pcap.gz"
	                       " --vantage server " VDATA "/nat-server.pcap.gz", dir), 0);
	char run_db[128];
	snprintf(run_db, sizeof run_db, "%s/run/tcpladder.db", dir);
	query_is(run_db, "SELECT vantage, count(*) FROM captures GROUP BY 1",
	                 "client|1\nserver|1\n");
	ck_assert_int_eq(vt_q(run_db, "SELECT count(*) FROM flow_pairs"), vt_q(db, "SELECT count(*) FROM flow_pairs"));
	ck_assert_int_eq(tu_sh("test -s %s/run/index.html", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " run -q -o %s/run2 --vantage client " VDATA "/nat-client.pcap.gz"
	                       " 2>/dev/null", dir), 2);
	ck_assert_int_eq(vt_q(db, "SELECT count(DISTINCT server_a) FROM sightings_view"
	                       " WHERE server_a LIKE '10.78.1.1:%'"), 2);
	ck_assert_int_eq(vt_q(db, "SELECT count(*) FROM sightings_view WHERE client_b NOT LIKE"
	                       " '10.78.2.1:%'"), 0);
}
END_TEST

START_TEST(offload_scenario)
{
	char dir[64], db[128];
	scenario("offload", dir, db);
	vt_check_pairing(db);
	vt_check_clock(db);
	vt_check_states(db);
	vt_check_ladder(db, dir);
	vt_check_delays(db, true);
	ck_assert_int_gt(vt_q(db, "SELECT count(*) FROM sightings WHERE whole = 'a'"), 0);
	ck_assert_int_gt(vt_q(db, "SELECT count(*) FROM sightings WHERE whole = 'b'"), 0);
}
END_TEST

START_TEST(drift_scenario)
{
	char dir[64], db[128];
	scenario("drift", dir, db);
	vt_check_pairing(db);
	vt_check_clock(db);
	vt_check_states(db);
	vt_check_ladder(db, dir);
	vt_check_delays(db, true);
	ck_assert_int_eq(vt_q(db, "SELECT skew_fitted FROM clock_fits"), 1);
	ck_assert_int_le(vt_q(db, "SELECT abs(skew_ppm - 60) * 1000 FROM clock_fits"), 5000);
	/* export sightings|clock: CSV of what pair wrote. */
	ck_assert_int_eq(tu_sh(BIN " export sightings -d %s -o %s/s.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh("test $(wc -l < %s/s.csv) = %lld", dir,
	                       vt_q(db, "SELECT count(*) + 1 FROM sightings")), 0);
	ck_assert_int_eq(tu_sh("head -1 %s/s.csv | grep -q '^pair_id,seq_no,flow_a,flow_b,frame_a,"
	                       "frame_b,from_client,dir,rel_seq,len,flags,flags_text,send_ts_ns,"
	                       "send_time,recv_ts_ns,recv_time,owd_ns,owd_ms,fate,whole,ambiguous,'",
	                       dir), 0);
	ck_assert_int_eq(tu_sh(BIN " export sightings -d %s --flow 2 -o %s/s2.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh("test $(wc -l < %s/s2.csv) = %lld", dir,
	                       vt_q(db, "SELECT count(*) + 1 FROM sightings s JOIN flow_pairs p"
	                             " ON p.id = s.pair_id WHERE p.flow_a = 2")), 0);
	ck_assert_int_eq(tu_sh(BIN " export clock -d %s -o %s/c.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh("sed -n 2p %s/c.csv | grep -q '^1,1,2,client,server,.*,1,symmetric-min,ok,'",
	                       dir), 0);
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
	vantage_sim_tests(tc);
	suite_add_tcase(s, tc);
	return s;
}
