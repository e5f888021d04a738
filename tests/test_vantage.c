/* Two vantage points (VANTAGE.md), the schema and ingest --vantage: the
 * tables and views by their contract names, a capture tagged with its
 * vantage and what pairing compares of each segment kept, and the same
 * content under another name refused with nothing changed. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
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
	/* forget takes the keys with the capture. */
	ck_assert_int_eq(tu_sh(BIN " forget -q -d %s 1 2>/dev/null", db), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM segment_keys"), 0);
}
END_TEST

Suite *vantage_suite(void)
{
	Suite *s = suite_create("vantage");
	TCase *tc = tcase_create("vantage");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, schema_has_the_contract_names);
	tcase_add_test(tc, ingest_tags_a_vantage);
	suite_add_tcase(s, tc);
	return s;
}
