/* merge: shards ingested apart combine into exactly the rows of one
 * ingest of the same files (ids aside); captures already present are
 * skipped; GNU parallel's scale-out script does the same on local cores. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
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
	/* The shards kept no index of flows (db_make_scratch); the database
	 * they went into has them, and is left with a rollback journal, as
	 * every ingest leaves it: readable from a folder one cannot write. */
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
	                                   " AND tbl_name = 'flows' AND sql IS NOT NULL"), 5);
	char *mode = tu_query(all, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "delete\n");
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

/* Runs `tcpladder ARGS` in dir; its exit status, and its stderr in *err
 * (malloc'd). */
static int run_in(const char *dir, char **err, const char *args)
{
	char cwd[4096], path[128];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	int status = tu_sh("cd %s && %s/" BIN " %s 2> err", dir, cwd, args);
	snprintf(path, sizeof path, "%s/err", dir);
	*err = tu_slurp(path);
	return status;
}

/* A shard that is not there is named, fails the run (exit 1, DESIGN.md),
 * is not created (SQLite's ATTACH would make an empty one), and the
 * shards that are there still merge. */
START_TEST(a_missing_shard_is_an_error_and_never_created)
{
	char dir[64], all[128], *err;
	tu_scratch_dir(dir);
	snprintf(all, sizeof all, "%s/all.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s/a.db ../examples/seed.pcap", dir), 0);
	ck_assert_int_eq(run_in(dir, &err, "merge -q -d all.db no-such.db a.db"), 1);
	ck_assert_str_eq(err, "tcpladder: no-such.db: No such file or directory: no such shard"
	                      " (nothing was created)\n");
	free(err);
	ck_assert_int_eq(tu_sh("test ! -e %s/no-such.db && test ! -e %s/no-such.db-wal", dir, dir),
	                 0);
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM transitions"), 10);
}
END_TEST

/* -d DB named again as a shard, by any name that reaches the same file
 * (as given, ./DB, through a folder and back, a symbolic link), is
 * refused: it would double every row. */
START_TEST(a_database_is_not_merged_into_itself)
{
	char dir[64], all[128], *err;
	tu_scratch_dir(dir);
	snprintf(all, sizeof all, "%s/all.db", dir);
	ck_assert_int_eq(tu_sh("mkdir %s/sub && ln -s all.db %s/link.db", dir, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", all), 0);
	static const char *const names[] = {"all.db", "./all.db", "sub/../all.db", "link.db"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char args[128], want[256];
		snprintf(args, sizeof args, "merge -d all.db %s", names[i]);
		ck_assert_int_eq(run_in(dir, &err, args), 1);
		snprintf(want, sizeof want, "tcpladder: %s: this is the database being merged into"
		         " (-d): a database cannot be merged into itself\n", names[i]);
		ck_assert_str_eq(err, want);
		free(err);
	}
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM captures"), 1);
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM segments"), 13);
}
END_TEST

/* A shard written by an older tcpladder (schema version 2, as released:
 * tests/data/schema-v2.sql) merges: it is upgraded in a temporary copy,
 * the user is told so, and the shard's file is left byte for byte as it
 * was, still version 2, with no copy left behind. A shard of a newer
 * tcpladder is refused, saying which. */
START_TEST(an_older_shard_is_merged_from_an_upgraded_copy)
{
	char dir[64], old[128], all[128], *err;
	tu_scratch_dir(dir);
	snprintf(old, sizeof old, "%s/old.db", dir);
	snprintf(all, sizeof all, "%s/all.db", dir);
	char *schema = tu_slurp("data/schema-v2.sql");
	sqlite3 *conn;
	ck_assert_int_eq(sqlite3_open(old, &conn), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(conn, schema, NULL, NULL, NULL), SQLITE_OK);
	free(schema);
	char *msg = NULL;
	int rc = sqlite3_exec(conn,
		"INSERT INTO captures (id, path, sha256, status) VALUES (1, 'a.pcap', 'x', 'ok');"
		"INSERT INTO flows (id, capture_id, ip_version, client_ip, client_port,"
		" server_ip, server_port, first_ts_ns, last_ts_ns, first_frame, last_frame,"
		" packets, client_packets, server_packets, client_bytes, server_bytes,"
		" client_isn, server_isn, client_state, server_state, mid_stream)"
		" VALUES (1, 1, 4, '10.0.0.1', 1000, '10.0.0.2', 80, 1700000000000000000,"
		" 1700000000002000000, 1, 3, 3, 2, 1, 0, 0, 4000000000, 123, 5, 5, 0);"
		"INSERT INTO segments (flow_id, frame, ts_ns, from_client, flags, seq, ack,"
		" rel_seq, rel_ack, len, win, client_state, server_state, analysis,"
		" dupack_num, changes) VALUES"
		" (1, 1, 1700000000000000000, 1, 2, 4000000000, 0, 0, NULL, 0, 100, 3, 2, 0, NULL, NULL),"
		" (1, 2, 1700000000001000000, 0, 18, 123, 4000000001, 0, 1, 0, 100, 3, 4, 0, NULL, 8837),"
		" (1, 3, 1700000000002000000, 1, 16, 4000000001, 124, 1, 1, 0, 100, 5, 5, 0, NULL, NULL);",
		NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s", msg ? msg : "?");
	sqlite3_close(conn);
	ck_assert_int_eq(tu_sh("cp %s %s/old.before", old, dir), 0);

	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", all), 0);
	ck_assert_int_eq(run_in(dir, &err, "merge -d all.db old.db"), 0);
	ck_assert_str_eq(err, "tcpladder: old.db: schema version 2, an older tcpladder's: merged"
	                      " from an upgraded temporary copy (the shard itself is unchanged)\n"
	                      "tcpladder: old.db: 1 captures (1 flows, 3 segments) merged,"
	                      " 0 already there\n");
	free(err);
	char *rows = tu_query(all, "SELECT c.path, s.frame, s.ts_ns, s.seq, s.ack, s.rel_seq,"
	                           " s.rel_ack, s.flags_text FROM segments_view s"
	                           " JOIN flows f ON f.id = s.flow_id JOIN captures c"
	                           " ON c.id = f.capture_id WHERE c.path = 'a.pcap' ORDER BY s.frame");
	ck_assert_str_eq(rows, "a.pcap|1|1700000000000000000|4000000000|0|0||S\n"
	                       "a.pcap|2|1700000000001000000|123|4000000001|0|1|S.\n"
	                       "a.pcap|3|1700000000002000000|4000000001|124|1|1|.\n");
	free(rows);
	ck_assert_int_eq(tu_query_int(all, "SELECT count(*) FROM captures"), 2);
	ck_assert_int_eq(tu_sh("cmp -s %s %s/old.before", old, dir), 0);
	ck_assert_int_eq(tu_query_int(old, "PRAGMA user_version"), 2);
	ck_assert_int_eq(tu_sh("ls %s | grep -q upgrade", dir), 1);

	ck_assert_int_eq(tu_sh("cp %s/all.db %s/new.db", dir, dir), 0);
	char newer[128];
	snprintf(newer, sizeof newer, "%s/new.db", dir);
	ck_assert_int_eq(sqlite3_open(newer, &conn), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(conn, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(conn);
	ck_assert_int_eq(run_in(dir, &err, "merge -d all.db new.db"), 1);
	char want[256];
	snprintf(want, sizeof want, "tcpladder: new.db: a database of a newer tcpladder (schema"
	         " version 99, this one's is %d): merge it with that tcpladder\n", DB_SCHEMA_VERSION);
	ck_assert_str_eq(err, want);
	free(err);
}
END_TEST

Suite *merge_suite(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tcase_create("shards");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, shards_merge_into_the_rows_of_one_ingest);
	tcase_add_test(tc, a_bad_shard_fails_and_the_rest_merge);
	tcase_add_test(tc, a_missing_shard_is_an_error_and_never_created);
	tcase_add_test(tc, a_database_is_not_merged_into_itself);
	tcase_add_test(tc, an_older_shard_is_merged_from_an_upgraded_copy);
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
