/* merge: shards ingested apart combine into exactly the rows of one
 * ingest of the same files (ids aside); captures already present are
 * skipped; GNU parallel's scale-out script does the same on local cores. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"

/* Everything but ids, keyed by capture path and frames, as text. */
static char *content(const char *db)
{
	static const char *const queries[] = {
		"SELECT path, sha256, linktype, packets, tcp_packets, bad_packets,"
		" not_ip_packets, not_tcp_packets, undecoded_packets, fragment_packets,"
		" first_ts_ns, last_ts_ns, status, error FROM captures ORDER BY path",
		"SELECT c.path, u.encapsulation, u.packets, u.first_frame FROM capture_undecoded u"
		" JOIN captures c ON c.id = u.capture_id ORDER BY c.path, u.encapsulation",
		"SELECT c.path, f.first_frame, f.ip_version, f.client, f.server,"
		" f.first_ts_ns, f.last_ts_ns, f.last_frame, f.packets, f.client_bytes,"
		" f.server_bytes, f.client_isn, f.server_isn, f.client_state,"
		" f.server_state, f.conn_state, f.history, f.handshake_rtt_ns,"
		" f.mid_stream, f.analysis, f.tunnel, f.tunnel_changes FROM flows_view f JOIN captures c"
		" ON c.id = f.capture_id ORDER BY c.path, f.first_frame",
		"SELECT c.path, s.frame, s.ts_ns, s.from_client, s.flags, s.seq, s.ack,"
		" s.rel_seq, s.rel_ack, s.len, s.win, s.client_state, s.server_state,"
		" s.analysis, s.options FROM segments_view s JOIN flows f ON f.id = s.flow_id"
		" JOIN captures c ON c.id = f.capture_id ORDER BY c.path, s.frame",
		"SELECT c.path, f.first_frame, t.step, t.frame, t.seen_frame, t.endpoint,"
		" t.from_state, t.to_state, t.event, t.rel_seq, t.rel_ack"
		" FROM transitions_view t JOIN flows f ON f.id = t.flow_id"
		" JOIN captures c ON c.id = f.capture_id ORDER BY c.path, f.first_frame, t.step",
	};
	size_t cap = 1, len = 0;
	char *all = calloc(1, 1);
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		char *part = tu_query(db, queries[i]);
		size_t n = strlen(part);
		all = realloc(all, cap += n + 2);
		memcpy(all + len, part, n);
		len += n;
		all[len++] = '#';
		all[len] = '\0';
		free(part);
	}
	return all;
}

/* Paths relative to tests/, the same in every database compared. */
#define FILES_A "../examples/seed.pcap ../examples/refused.pcap ../examples/ipv6.pcap"
#define FILES_B "../examples/port-reuse.pcap ../examples/midstream.pcap"
#define FILES_C "../examples/seq-wrap.pcap ../examples/simultaneous-close.pcap" \
	" ../examples/rst-abort.pcap"

START_TEST(shards_merge_into_the_rows_of_one_ingest)
{
	char dir[64], one[128], all[128];
	tu_scratch_dir(dir);
	snprintf(one, sizeof one, "%s/one.db", dir);
	snprintf(all, sizeof all, "%s/all.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s " FILES_A " " FILES_B " " FILES_C, one), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s/a.db " FILES_A, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s/b.db " FILES_B, dir), 0);
	/* Shard c also holds the seed, which shard a brings first. */
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s/c.db " FILES_C " ../examples/seed.pcap", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " merge -q -d %s %s/c.db %s/a.db %s/b.db", all, dir, dir, dir), 0);
	char *want = content(one), *got = content(all);
	ck_assert_str_eq(got, want);
	free(got);
	/* Ids are all distinct and every row points at a row that exists. */
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM flows WHERE capture_id NOT IN"
	                                   " (SELECT id FROM captures)"), 0);
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM segments WHERE flow_id NOT IN"
	                                   " (SELECT id FROM flows)"), 0);
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM transitions WHERE flow_id NOT IN"
	                                   " (SELECT id FROM flows)"), 0);
	/* A shard merged again adds nothing. */
	ck_assert_int_eq(tu_sh(BIN " merge -q -d %s %s/a.db", all, dir), 0);
	got = content(all);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}
END_TEST

START_TEST(a_bad_shard_fails_and_the_rest_merge)
{
	char dir[64], all[128];
	tu_scratch_dir(dir);
	snprintf(all, sizeof all, "%s/all.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s/a.db ../examples/seed.pcap", dir), 0);
	ck_assert_int_eq(tu_sh("echo junk > %s/junk.db", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " merge -q -d %s %s/junk.db %s/a.db 2>/dev/null", all, dir, dir), 1);
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM transitions"), 10);
	ck_assert_int_eq(tu_sh(BIN " merge 2>/dev/null"), 2);
}
END_TEST

START_TEST(gnu_parallel_shards_equal_one_ingest)
{
	char dir[64], one[128], all[128];
	tu_scratch_dir(dir);
	snprintf(one, sizeof one, "%s/one.db", dir);
	snprintf(all, sizeof all, "%s/all.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s " FILES_A " " FILES_B " " FILES_C, one), 0);
	ck_assert_int_eq(tu_sh("JOBS=3 TCPLADDER=" BIN " ../examples/scale-out/ingest-parallel.sh"
	                       " %s " FILES_A " " FILES_B " " FILES_C, all),
	                 0);
	char *want = content(one), *got = content(all);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}
END_TEST

/* ingest -j: workers into shards, merged at the end: the rows of one
 * ingest, no shard left behind, and the exit status of the worst. */
START_TEST(jobs_equal_one_ingest)
{
	char dir[64], one[128], all[128];
	tu_scratch_dir(dir);
	snprintf(one, sizeof one, "%s/one.db", dir);
	snprintf(all, sizeof all, "%s/all.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s " FILES_A " " FILES_B " " FILES_C, one), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -j 3 -d %s " FILES_A " " FILES_B " " FILES_C, all), 0);
	char *want = content(one), *got = content(all);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	ck_assert_int_eq(tu_sh("ls %s | grep -c '\\.j[0-9]'", dir), 1); /* grep finds none */
	/* The shards kept no index of flows and left WAL (db_make_scratch);
	 * the database they went into has both. */
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
	                                   " AND tbl_name = 'flows' AND sql IS NOT NULL"), 5);
	char *mode = tu_query(all, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal\n");
	free(mode);
	/* Again, with a bad file among them: the rest is read, exit 1. */
	ck_assert_int_eq(tu_sh("echo junk > %s/junk.pcap", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -j 2 -d %s %s/junk.pcap " FILES_A " 2>/dev/null",
	                       all, dir),
	                 1);
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM captures WHERE status = 'ok'"), 8);
	ck_assert_int_eq(tu_sh(BIN " ingest -j 0 -d %s " FILES_A " 2>/dev/null", all), 2);
}
END_TEST

/* Tunnels, and the packets that were not TCP, survive the shards: a
 * tunnelled connection (Geneve in GRE) and a capture with packets in an
 * encapsulation not decoded (Van Jacobson compressed TCP over PPP), from
 * ../shared/corpus-tunnels. */
#define TUNNELS "../../shared/corpus-tunnels"
#define FILES_T TUNNELS "/suricata-verify__bug-6402-01_input.pcap " \
	TUNNELS "/packetlife__PPP_TCP_compression.cap " TUNNELS "/pcapplusplus__Ftp.pcap"

START_TEST(jobs_keep_tunnels_and_what_was_not_tcp)
{
	char dir[64], one[128], all[128];
	tu_scratch_dir(dir);
	snprintf(one, sizeof one, "%s/one.db", dir);
	snprintf(all, sizeof all, "%s/all.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s " FILES_T " ../examples/seed.pcap", one), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -j 2 -d %s " FILES_T " ../examples/seed.pcap", all),
	                 0);
	char *want = content(one), *got = content(all);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	/* The comparison can fail: these rows are there to compare. */
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM capture_undecoded"), 1);
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM flows WHERE tunnel IS NOT NULL"),
	                 2);
	ck_assert_int_eq(tu_query_int(all, "SELECT sum(tunnel_changes) FROM flows"), 1);
}
END_TEST

Suite *merge_suite(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tcase_create("shards");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, shards_merge_into_the_rows_of_one_ingest);
	tcase_add_test(tc, a_bad_shard_fails_and_the_rest_merge);
	tcase_add_test(tc, jobs_equal_one_ingest);
	if (tu_have("parallel"))
		tcase_add_test(tc, gnu_parallel_shards_equal_one_ingest);
	else
		fprintf(stderr, "merge: GNU parallel not installed; its scale-out test is not run\n");
	if (access(TUNNELS "/MANIFEST.tsv", R_OK) == 0)
		tcase_add_test(tc, jobs_keep_tunnels_and_what_was_not_tcp);
	else
		fprintf(stderr, "merge: %s not found; the tunnels' merge test is not run\n", TUNNELS);
	suite_add_tcase(s, tc);
	return s;
}
