/* ingest: bulk behaviour. The same content twice adds nothing (also when
 * gzip-compressed); a damaged file keeps what was read and says where; a
 * file that is no capture fails with a reason and a row; a filter keeps
 * the file's frame numbers; a directory is walked for capture files only;
 * the schema's views and version are what scripts read. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "dedup.h"
#include "writer.h"

#include "suites.h"
#include "testutil.h"

static void scratch_db(char db[128], char dir[64])
{
	tu_scratch_dir(dir);
	snprintf(db, 128, "%s/t.db", dir);
}

static long long count(const char *db, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	return tu_query_int(db, sql);
}

/* Write the first `keep` bytes of src to dst (all when keep < 0),
 * gzip-compressed when gz. */
static void copy_file(const char *src, const char *dst, long keep, bool gz)
{
	FILE *in = fopen(src, "rb");
	ck_assert_ptr_nonnull(in);
	char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf, in);
	fclose(in);
	if (keep >= 0 && (size_t)keep < n)
		n = (size_t)keep;
	if (gz) {
		gzFile out = gzopen(dst, "wb");
		ck_assert_ptr_nonnull(out);
		ck_assert_int_eq(gzwrite(out, buf, (unsigned)n), (int)n);
		gzclose(out);
	} else {
		FILE *out = fopen(dst, "wb");
		ck_assert_ptr_nonnull(out);
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
		fclose(out);
	}
}

/* sha256sum's digest of path and a newline, as tu_query prints a row. */
static void sha256sum_line(const char *path, char want[80])
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "sha256sum %s", path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	want[0] = '\0';
	ck_assert_int_eq(fscanf(p, "%64s", want), 1);
	pclose(p);
	strcat(want, "\n");
}

START_TEST(same_content_twice_adds_nothing)
{
	char dir[64], db[128], gz[128];
	scratch_db(db, dir);
	struct ingest_result r;
	tu_ingest(db, "../examples/seed.pcap", NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_OK);
	ck_assert_int_eq(r.capture_id, 1);
	tu_ingest(db, "../examples/seed.pcap", NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_DUPLICATE);
	ck_assert_int_eq(r.capture_id, 1);
	/* The same packets gzip-compressed under another name: same content. */
	snprintf(gz, sizeof gz, "%s/renamed.pcap.gz", dir);
	copy_file("../examples/seed.pcap", gz, -1, true);
	tu_ingest(db, gz, NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_DUPLICATE);
	ck_assert_int_eq(count(db, "captures"), 1);
	ck_assert_int_eq(count(db, "flows"), 1);
	ck_assert_int_eq(count(db, "segments"), 13);
	ck_assert_int_eq(count(db, "transitions"), 10);
}
END_TEST

START_TEST(gzip_capture_reads_like_the_plain_one)
{
	char dir[64], db[128], gz[128];
	scratch_db(db, dir);
	snprintf(gz, sizeof gz, "%s/seed.pcap.gz", dir);
	copy_file("../examples/seed.pcap", gz, -1, true);
	struct ingest_result r;
	tu_ingest(db, gz, NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_OK);
	ck_assert_int_eq(r.packets, 13);
	ck_assert_int_eq(count(db, "transitions"), 10);
	char *sha = tu_query(db, "SELECT sha256 FROM captures");
	/* sha256sum of examples/seed.pcap itself: the hash is of the content. */
	char want[80];
	sha256sum_line("../examples/seed.pcap", want);
	ck_assert_str_eq(sha, want);
	free(sha);
}
END_TEST

/* seed.pcap cut in the middle of packet 7: packets 1-6 are kept, the file
 * is partial, and the reason names the packet. */
START_TEST(truncated_file_keeps_what_was_read)
{
	char dir[64], db[128], cut[128];
	scratch_db(db, dir);
	/* pcap header 24 bytes; each seed packet is 16 + its frame. Find the
	 * offset of packet 7 from the file itself. */
	FILE *in = fopen("../examples/seed.pcap", "rb");
	ck_assert_ptr_nonnull(in);
	unsigned char buf[4096];
	size_t n = fread(buf, 1, sizeof buf, in);
	fclose(in);
	size_t off = 24;
	for (int i = 0; i < 6; i++) {
		ck_assert_uint_lt(off + 16, n);
		uint32_t caplen = buf[off + 8] | buf[off + 9] << 8 | buf[off + 10] << 16 |
		                  (uint32_t)buf[off + 11] << 24;
		off += 16 + caplen;
	}
	snprintf(cut, sizeof cut, "%s/cut.pcap", dir);
	copy_file("../examples/seed.pcap", cut, (long)off + 30, false);
	struct ingest_result r;
	tu_ingest(db, cut, NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_PARTIAL);
	ck_assert_int_eq(r.packets, 6);
	ck_assert_msg(strstr(r.error, "packet 7") != NULL, "error: %s", r.error);
	char *cap = tu_query(db, "SELECT status, packets, error LIKE '%packet 7%'"
	                         " FROM captures");
	ck_assert_str_eq(cap, "partial|6|1\n");
	free(cap);
	ck_assert_int_eq(count(db, "segments"), 6);
	ck_assert_int_eq(count(db, "flows"), 1);
}
END_TEST

START_TEST(not_a_capture_fails_with_a_reason_and_a_row)
{
	char dir[64], db[128], junk[128];
	scratch_db(db, dir);
	snprintf(junk, sizeof junk, "%s/notes.pcap", dir);
	FILE *f = fopen(junk, "w");
	fputs("this is not a capture, just some notes\n", f);
	fclose(f);
	struct ingest_result r;
	tu_ingest(db, junk, NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_FAILED);
	ck_assert_msg(r.error[0] != '\0', "no reason given");
	char *cap = tu_query(db, "SELECT status, error IS NOT NULL FROM captures");
	ck_assert_str_eq(cap, "failed|1\n");
	free(cap);
	/* Trying again does not trip over the failed row. */
	tu_ingest(db, junk, NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_FAILED);
	ck_assert_int_eq(count(db, "captures"), 1);
}
END_TEST

/* The hash computed alongside ingest is the file's, and the writer, asked
 * inside the load's transaction, finds content that is in already. */
START_TEST(dedup_hashes_and_writer_finds_known_content)
{
	char dir[64], db[128], hex[CAPTURE_SHA256_HEX], err[256];
	scratch_db(db, dir);
	struct ingest_result r;
	tu_ingest(db, "../examples/seed.pcap", NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_OK);
	char *want = tu_query(db, "SELECT sha256 FROM captures");

	struct dedup *d = dedup_start("../examples/seed.pcap");
	ck_assert_ptr_nonnull(d);
	char peeked[CAPTURE_SHA256_HEX];
	for (int i = 0; i < 1000 && !dedup_peek(d, peeked); i++)
		usleep(10000);
	ck_assert_int_eq(dedup_finish(d, hex, err, sizeof err), 0);
	ck_assert_str_eq(peeked, hex);
	char line[CAPTURE_SHA256_HEX + 1];
	snprintf(line, sizeof line, "%s\n", hex);
	ck_assert_str_eq(line, want);
	free(want);

	struct db *conn = db_open(db, err, sizeof err);
	ck_assert_msg(conn != NULL, "%s", err);
	ck_assert_int_eq(db_begin_load(conn), 0);
	struct writer *w = writer_start(conn);
	ck_assert_ptr_nonnull(w);
	ck_assert(!writer_content_known(w));
	writer_look_up(w, hex);
	for (int i = 0; i < 1000 && !writer_content_known(w); i++)
		usleep(10000);
	ck_assert(writer_content_known(w));
	ck_assert_int_eq(writer_finish(w, err, sizeof err), 0);
	ck_assert_int_eq(db_rollback(conn), 0);
	db_close(conn);

	/* No file: the reason is the system's, and no hash to peek at. */
	d = dedup_start("../examples/no-such-file.pcap");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(dedup_finish(d, hex, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "No such file") != NULL, "error: %s", err);
}
END_TEST

/* A database made by an older release's schema (tests/data, as released)
 * with rows, then closed: what the upgrade on open starts from. */
static void make_old_database(const char *db, const char *fixture, const char *rows)
{
	char *schema = tu_slurp(fixture);
	ck_assert_ptr_nonnull(schema);
	sqlite3 *conn;
	ck_assert_int_eq(sqlite3_open(db, &conn), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(conn, schema, NULL, NULL, NULL), SQLITE_OK);
	free(schema);
	char *msg = NULL;
	int rc = sqlite3_exec(conn, rows, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s", msg ? msg : "?");
	sqlite3_close(conn);
}

/* A database of schema version 1 (tests/data/schema-v1.sql, as released)
 * is upgraded on open: the analysis counts move to flow_analysis, only for
 * the flow that has any, and flows_view shows the same numbers as before. */
START_TEST(version_1_database_is_upgraded)
{
	char dir[64], db[128], err[256];
	scratch_db(db, dir);
	make_old_database(db, "data/schema-v1.sql",
		"INSERT INTO captures (id, path, sha256, status) VALUES (1, 'a.pcap', 'x', 'ok');"
		"INSERT INTO flows (id, capture_id, ip_version, client_ip, client_port,"
		" server_ip, server_port, first_ts_ns, last_ts_ns, first_frame, last_frame,"
		" packets, client_packets, server_packets, client_bytes, server_bytes,"
		" client_state, server_state, mid_stream, analysis, retransmission_count,"
		" duplicate_ack_count, client_retrans_bytes)"
		" VALUES (1, 1, 4, '10.0.0.1', 1000, '10.0.0.2', 80, 0, 5, 1, 9, 9, 5, 4, 100,"
		" 200, 11, 1, 0, 33, 2, 1, 150),"
		" (2, 1, 4, '10.0.0.1', 1001, '10.0.0.2', 80, 0, 5, 10, 19, 9, 5, 4, 100,"
		" 200, 11, 1, 0, 0, 0, 0, 0);");

	struct db *d = db_open(db, err, sizeof err);
	ck_assert_msg(d != NULL, "%s", err);
	db_close(d);
	ck_assert_int_eq(tu_query_int(db, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	char *rows = tu_query(db, "SELECT * FROM flow_analysis");
	ck_assert_str_eq(rows, "1|150|0|2|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0\n");
	free(rows);
	rows = tu_query(db, "SELECT id, analysis, retransmission_count, duplicate_ack_count,"
	                    " client_retrans_bytes, client_state, conn_state IS NULL"
	                    " FROM flows_view ORDER BY id");
	ck_assert_str_eq(rows, "1|33|2|1|150|TIME_WAIT|1\n2|0|0|0|0|TIME_WAIT|1\n");
	free(rows);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM pragma_table_info('flows')"
	                                  " WHERE name LIKE '%_count' OR name LIKE '%retrans%'"), 0);
	rows = tu_query(db, "PRAGMA integrity_check");
	ck_assert_str_eq(rows, "ok\n");
	free(rows);
	/* And it takes captures as a new one does. */
	tu_ingest(db, "../examples/seed.pcap", NULL, (struct ingest_result[1]){0});
	ck_assert_int_eq(count(db, "segments"), 13);
}
END_TEST

/* A version 2 database (segments a table) upgrades to segment_rows under
 * the view segments, which reads back every row as it was: times, and
 * absolute numbers whether they follow from the offsets (flow 1), come
 * from two bases (flow 1's last row, counted from a guessed base before
 * the SYN moved it), or are an ack without the ACK flag (flow 2, no ISN);
 * and the small numbers packed into one integer, analysis's top bit too. */
START_TEST(version_2_database_is_upgraded)
{
	char dir[64], db[128], err[256];
	scratch_db(db, dir);
	const char *segments =
		"1|1|1700000000000000000|1|2|4000000000|0|0||0|100|3|2|0||\n"
		"1|2|1700000000001000000|0|18|123|4000000001|0|1|0|100|3|4|0||8837\n"
		"1|3|1700000000002000000|1|16|4000000001|124|1|1|0|100|5|5|0||\n"
		"1|4|1700000000009000000|1|24|4000000011|124|61|1|5|100|5|5|32769||\n"
		"2|5|1700000000010000000|1|2|77|99|0||0|100|3|1|0||\n";
	make_old_database(db, "data/schema-v2.sql",
		"INSERT INTO captures (id, path, sha256, status) VALUES (1, 'a.pcap', 'x', 'ok');"
		"INSERT INTO flows (id, capture_id, ip_version, client_ip, client_port,"
		" server_ip, server_port, first_ts_ns, last_ts_ns, first_frame, last_frame,"
		" packets, client_packets, server_packets, client_bytes, server_bytes,"
		" client_isn, server_isn, client_state, server_state, mid_stream)"
		" VALUES (1, 1, 4, '10.0.0.1', 1000, '10.0.0.2', 80, 1700000000000000000,"
		" 1700000000009000000, 1, 4, 4, 3, 1, 5, 0, 4000000000, 123, 5, 5, 0),"
		" (2, 1, 4, '10.0.0.1', 1001, '10.0.0.2', 80, 1700000000010000000,"
		" 1700000000010000000, 5, 5, 1, 1, 0, 0, 0, NULL, NULL, 3, 1, 1);"
		"INSERT INTO segments (flow_id, frame, ts_ns, from_client, flags, seq, ack,"
		" rel_seq, rel_ack, len, win, client_state, server_state, analysis,"
		" dupack_num, changes) VALUES"
		" (1, 1, 1700000000000000000, 1, 2, 4000000000, 0, 0, NULL, 0, 100, 3, 2, 0, NULL, NULL),"
		" (1, 2, 1700000000001000000, 0, 18, 123, 4000000001, 0, 1, 0, 100, 3, 4, 0, NULL, 8837),"
		" (1, 3, 1700000000002000000, 1, 16, 4000000001, 124, 1, 1, 0, 100, 5, 5, 0, NULL, NULL),"
		" (1, 4, 1700000000009000000, 1, 24, 4000000011, 124, 61, 1, 5, 100, 5, 5, 32769, NULL, NULL),"
		" (2, 5, 1700000000010000000, 1, 2, 77, 99, 0, NULL, 0, 100, 3, 1, 0, NULL, NULL);");

	struct db *d = db_open(db, err, sizeof err);
	ck_assert_msg(d != NULL, "%s", err);
	db_close(d);
	ck_assert_int_eq(tu_query_int(db, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	char *rows = tu_query(db, "SELECT * FROM segments ORDER BY flow_id, frame");
	ck_assert_str_eq(rows, segments);
	free(rows);
	/* Only what the offsets cannot give is stored. */
	rows = tu_query(db, "SELECT flow_id, frame, seq_stored, ack_stored FROM segment_rows"
	                    " WHERE seq_stored IS NOT NULL OR ack_stored IS NOT NULL");
	ck_assert_str_eq(rows, "1|4|4000000011|\n2|5||99\n");
	free(rows);
	rows = tu_query(db, "SELECT count(*) FROM transitions WHERE flow_id = 1");
	ck_assert_str_eq(rows, "1\n");
	free(rows);
	rows = tu_query(db, "PRAGMA integrity_check");
	ck_assert_str_eq(rows, "ok\n");
	free(rows);
	tu_ingest(db, "../examples/seed.pcap", NULL, (struct ingest_result[1]){0});
	ck_assert_int_eq(count(db, "segments"), 5 + 13);
}
END_TEST

/* A file of 4 MB or more is hashed on a thread beside ingest; it is
 * recorded under the same hash, and found when it comes again. */
START_TEST(big_file_is_hashed_alongside)
{
	char dir[64], db[128], big[128];
	scratch_db(db, dir);
	snprintf(big, sizeof big, "%s/big.pcap", dir);
	FILE *in = fopen("../examples/seed.pcap", "rb");
	ck_assert_ptr_nonnull(in);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf, in);
	fclose(in);
	FILE *out = fopen(big, "wb");
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	size_t size = n;
	while (size < (5u << 20)) { /* the seed's packets again and again */
		ck_assert_uint_eq(fwrite(buf + 24, 1, n - 24, out), n - 24);
		size += n - 24;
	}
	fclose(out);

	struct ingest_result r;
	tu_ingest(db, big, NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_OK);
	long long segments = count(db, "segments");
	ck_assert_int_eq(segments, (long long)(size - 24) / (long long)(n - 24) * 13);
	char *sha = tu_query(db, "SELECT sha256 FROM captures");
	char want[80];
	sha256sum_line(big, want);
	ck_assert_str_eq(sha, want);
	free(sha);
	tu_ingest(db, big, NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_DUPLICATE);
	ck_assert_int_eq(r.capture_id, 1);
	ck_assert_int_eq(count(db, "captures"), 1);
	ck_assert_int_eq(count(db, "segments"), segments);
}
END_TEST

START_TEST(missing_file_fails_without_a_row)
{
	char dir[64], db[128];
	scratch_db(db, dir);
	struct ingest_result r;
	tu_ingest(db, "../examples/no-such-file.pcap", NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_FAILED);
	ck_assert_msg(strstr(r.error, "No such file") != NULL, "error: %s", r.error);
	ck_assert_int_eq(count(db, "captures"), 0);
}
END_TEST

/* The secondary indexes of flows, as the schema creates them. */
static const char flow_indexes_sql[] =
	"SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema"
	" WHERE type = 'index' AND tbl_name = 'flows' AND sql IS NOT NULL"
	" ORDER BY name)";
static const char flow_indexes[] =
	"flows_capture flows_client flows_conn_state flows_final flows_server\n";

/* The database is in WAL mode, which readers beside a writer need. */
static void assert_wal(const char *db)
{
	char *mode = tu_query(db, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal\n");
	free(mode);
}

/* Loading into an empty flows table builds its indexes once at the end of
 * the transaction, through a rollback journal (db_begin_load); indexes and
 * WAL are back after a commit, after a rollback, and when a later capture
 * updates them row by row. */
START_TEST(flow_indexes_survive_bulk_loading)
{
	char dir[64], db[128];
	scratch_db(db, dir);
	struct ingest_result r;
	/* No flow passes the filter: the capture is in, flows still empty. */
	tu_ingest(db, "../examples/seed.pcap", "udp", &r);
	ck_assert_int_eq(r.outcome, INGEST_OK);
	ck_assert_int_eq(count(db, "flows"), 0);
	char *names = tu_query(db, flow_indexes_sql);
	ck_assert_str_eq(names, flow_indexes);
	free(names);
	assert_wal(db);
	/* The same content with the same filter again, flows empty: found
	 * only inside the transaction, which rolls back, indexes and all. */
	tu_ingest(db, "../examples/seed.pcap", "udp", &r);
	ck_assert_int_eq(r.outcome, INGEST_DUPLICATE);
	ck_assert_int_eq(count(db, "flows"), 0);
	names = tu_query(db, flow_indexes_sql);
	ck_assert_str_eq(names, flow_indexes);
	free(names);
	assert_wal(db);
	/* Rows into an empty table, then into a full one. */
	tu_ingest(db, "../examples/port-reuse.pcap", NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_OK);
	assert_wal(db);
	tu_ingest(db, "../examples/refused.pcap", NULL, &r);
	ck_assert_int_eq(r.outcome, INGEST_OK);
	names = tu_query(db, flow_indexes_sql);
	ck_assert_str_eq(names, flow_indexes);
	free(names);
	char *integrity = tu_query(db, "PRAGMA integrity_check");
	ck_assert_str_eq(integrity, "ok\n");
	free(integrity);
	/* Every flow is in every index. */
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows INDEXED BY"
	                                  " flows_client WHERE client_ip > ''"),
	                 count(db, "flows"));
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows INDEXED BY"
	                                  " flows_capture WHERE capture_id > 0"),
	                 count(db, "flows"));
}
END_TEST

START_TEST(filter_keeps_frame_numbers)
{
	char dir[64], db[128];
	scratch_db(db, dir);
	struct ingest_result r;
	tu_ingest(db, "../examples/port-reuse.pcap", "host 10.0.0.3", &r);
	ck_assert_int_eq(r.outcome, INGEST_OK);
	ck_assert_int_eq(r.packets, 13);
	ck_assert_int_eq(r.tcp_packets, 2);
	char *frames = tu_query(db, "SELECT flow_id, frame FROM segments ORDER BY frame");
	ck_assert_str_eq(frames, "1|12\n2|13\n");
	free(frames);
}
END_TEST

START_TEST(schema_version_and_lookup_names)
{
	char dir[64], db[128];
	scratch_db(db, dir);
	struct ingest_result r;
	tu_ingest(db, "../examples/seed.pcap", NULL, &r);
	ck_assert_int_eq(tu_query_int(db, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	/* The views carry every column of their table under the same name. */
	const char *pairs[][2] = {{"segments", "segments_view"},
	                          {"flows", "flows_view"},
	                          {"transitions", "transitions_view"}};
	for (int i = 0; i < 3; i++) {
		char sql[512];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM pragma_table_info('%s') t WHERE t.name NOT IN"
		         " (SELECT name FROM pragma_table_info('%s'))",
		         pairs[i][0], pairs[i][1]);
		ck_assert_msg(tu_query_int(db, sql) == 0, "%s misses columns of %s",
		              pairs[i][1], pairs[i][0]);
	}
	/* flows_view also shows each flow's counts from flow_analysis. */
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM pragma_table_info('flow_analysis')"
	                                  " t WHERE t.name != 'flow_id' AND t.name NOT IN"
	                                  " (SELECT name FROM pragma_table_info('flows_view'))"), 0);
	char *names = tu_query(db, "SELECT group_concat(name, ',') FROM"
	                           " (SELECT name FROM tcp_states ORDER BY id)");
	ck_assert_str_eq(names, "UNKNOWN,CLOSED,LISTEN,SYN_SENT,SYN_RECEIVED,"
	                        "ESTABLISHED,FIN_WAIT_1,FIN_WAIT_2,CLOSE_WAIT,CLOSING,"
	                        "LAST_ACK,TIME_WAIT\n");
	free(names);
}
END_TEST

START_TEST(flags_text_as_tcpdump_prints)
{
	char dir[64], db[128];
	scratch_db(db, dir);
	struct ingest_result r;
	tu_ingest(db, "../examples/seed.pcap", NULL, &r);
	/* Every combination through the view's expression, tcpdump's order. */
	char *t = tu_query(db, "SELECT flags_text FROM segments_view WHERE frame IN"
	                       " (1, 2, 3, 4, 10) ORDER BY frame");
	ck_assert_str_eq(t, "S\nS.\n.\nP.\nF.\n");
	free(t);
}
END_TEST

START_TEST(directory_walk_takes_capture_files_only)
{
	char dir[64], db[128];
	scratch_db(db, dir);
	ck_assert_int_eq(tu_sh("mkdir -p %s/a/b && cp ../examples/seed.pcap %s/a/ &&"
	                       " cp ../examples/refused.pcap %s/a/b/ &&"
	                       " gzip -c ../examples/ipv6.pcap > %s/a/b/v6.pcap.gz &&"
	                       " echo notes > %s/a/README && cp ../examples/mkexamples.c %s/a/b/",
	                       dir, dir, dir, dir, dir, dir),
	                 0);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "../tcpladder ingest -q -d %s %s/a", db, dir);
	ck_assert_int_eq(tu_sh("%s", cmd), 0);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT substr(path, %zu) FROM captures ORDER BY id",
	         strlen(dir) + 1);
	char *paths = tu_query(db, sql);
	ck_assert_str_eq(paths, "/a/b/refused.pcap\n/a/b/v6.pcap.gz\n/a/seed.pcap\n");
	free(paths);
}
END_TEST

Suite *ingest_suite(void)
{
	Suite *s = suite_create("ingest");
	TCase *tc = tcase_create("bulk");
	tcase_add_test(tc, same_content_twice_adds_nothing);
	tcase_add_test(tc, gzip_capture_reads_like_the_plain_one);
	tcase_add_test(tc, truncated_file_keeps_what_was_read);
	tcase_add_test(tc, not_a_capture_fails_with_a_reason_and_a_row);
	tcase_add_test(tc, missing_file_fails_without_a_row);
	tcase_add_test(tc, filter_keeps_frame_numbers);
	tcase_add_test(tc, big_file_is_hashed_alongside);
	tcase_add_test(tc, version_1_database_is_upgraded);
	tcase_add_test(tc, version_2_database_is_upgraded);
	tcase_add_test(tc, dedup_hashes_and_writer_finds_known_content);
	tcase_add_test(tc, flow_indexes_survive_bulk_loading);
	tcase_add_test(tc, directory_walk_takes_capture_files_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("schema");
	tcase_add_test(tc, schema_version_and_lookup_names);
	tcase_add_test(tc, flags_text_as_tcpdump_prints);
	suite_add_tcase(s, tc);
	return s;
}
