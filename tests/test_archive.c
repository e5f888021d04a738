/* archive: an archive as people keep it (issue 17). Filters recorded with
 * what they read; a database any reader can read, from a folder they
 * cannot write; a ring of files read as one capture; captures replaced and
 * forgotten; stdin named; the notes ingest leaves on stderr.
 *
 * The rings are cut here from real captures (examples/, and a corpus
 * capture when ../shared is beside the checkout) with libpcap, as
 * editcap -c cuts them: the same packets, the same stamps, in files. */
#include <check.h>
#include <pcap/pcap.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"
#define SEED "../examples/seed.pcap"
#define CORPUS_CAPTURE "../../shared/corpus/pcapplusplus__example2.pcap"

/* Writes packets [from, to) of src (1-based frames; to 0: to the end)
 * whose frame number is 1 modulo every (every 1: all) into dst, with
 * src's link type, or DLT_RAW with each Ethernet header cut off. */
static void cut(const char *src, const char *dst, unsigned from, unsigned to,
                unsigned every, bool raw)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline_with_tstamp_precision(src, PCAP_TSTAMP_PRECISION_NANO, err);
	ck_assert_msg(in != NULL, "%s: %s", src, err);
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(
		raw ? DLT_RAW : pcap_datalink(in), 262144, PCAP_TSTAMP_PRECISION_NANO);
	pcap_dumper_t *out = pcap_dump_open(dead, dst);
	ck_assert_msg(out != NULL, "%s: %s", dst, pcap_geterr(dead));
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned frame = 0;
	while (pcap_next_ex(in, &h, &data) == 1) {
		frame++;
		if (frame < from || (to && frame >= to) || (frame - from) % every)
			continue;
		if (raw) {
			struct pcap_pkthdr cut_h = *h;
			cut_h.caplen -= 14;
			cut_h.len -= 14;
			pcap_dump((u_char *)out, &cut_h, data + 14);
		} else {
			pcap_dump((u_char *)out, h, data);
		}
	}
	pcap_dump_close(out);
	pcap_close(dead);
	pcap_close(in);
}

/* src cut into files of `size` packets each, ring/part-NN.pcap under dir,
 * named so that name order is not time order (the ring is put in time
 * order by ingest, not by its names). Returns how many. */
static unsigned cut_ring(const char *src, const char *dir, unsigned size)
{
	ck_assert_int_eq(tu_sh("mkdir -p %s/ring", dir), 0);
	unsigned total = 0;
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline(src, err);
	ck_assert_msg(in != NULL, "%s", err);
	struct pcap_pkthdr *h;
	const u_char *data;
	while (pcap_next_ex(in, &h, &data) == 1)
		total++;
	pcap_close(in);
	unsigned files = (total + size - 1) / size;
	for (unsigned k = 0; k < files; k++) {
		char dst[256];
		snprintf(dst, sizeof dst, "%s/ring/part-%02u.pcap", dir, files - 1 - k);
		cut(src, dst, k * size + 1, (k + 1) * size + 1, 1, false);
	}
	return files;
}

/* What a reading of src says of its connections and segments, without
 * ids: equal for a capture read whole and read as a ring. */
static char *connections(const char *db)
{
	return tu_query(db, "SELECT client_port, server_port, packets, first_frame, last_frame,"
	                    " mid_stream, client_state, server_state, conn_state, history"
	                    " FROM flows_view ORDER BY first_frame, client_port");
}

static char *segments(const char *db)
{
	return tu_query(db, "SELECT frame, time, flags_text, rel_seq, rel_ack, client_state,"
	                    " server_state FROM segments_view ORDER BY frame");
}

static void ingest_cli(const char *db, const char *args, int want_status)
{
	int rc = tu_sh(BIN " ingest -q -d %s %s 2>/dev/null", db, args);
	ck_assert_msg(rc == want_status, "ingest %s: exit %d, not %d", args, rc, want_status);
}

/* A ring of files is one capture: the connection of the seed carries
 * across the files' boundaries, frames count on, capture_files says where
 * each file's frames are. */
START_TEST(ring_of_files_is_one_capture)
{
	char dir[64], whole[128], joined[128], apart[128];
	tu_scratch_dir(dir);
	snprintf(whole, sizeof whole, "%s/whole.db", dir);
	snprintf(joined, sizeof joined, "%s/joined.db", dir);
	snprintf(apart, sizeof apart, "%s/apart.db", dir);
	ck_assert_uint_eq(cut_ring(SEED, dir, 5), 3);
	ingest_cli(whole, SEED, 0);
	char args[256];
	snprintf(args, sizeof args, "--join %s/ring", dir);
	ingest_cli(joined, args, 0);
	snprintf(args, sizeof args, "%s/ring", dir);
	ingest_cli(apart, args, 0);

	ck_assert_int_eq(tu_query_int(apart, "SELECT count(*) FROM flows"), 3);
	ck_assert_int_eq(tu_query_int(joined, "SELECT count(*) FROM flows"), 1);
	ck_assert_int_eq(tu_query_int(joined, "SELECT count(*) FROM captures"), 1);
	char *a = connections(whole), *b = connections(joined);
	ck_assert_str_eq(b, a);
	free(a), free(b);
	a = segments(whole), b = segments(joined);
	ck_assert_str_eq(b, a);
	free(a), free(b);
	char *files = tu_query(joined, "SELECT file_number, substr(path, -17), first_frame, packets"
	                               " FROM capture_files ORDER BY file_number");
	ck_assert_str_eq(files, "1|ring/part-02.pcap|1|5\n2|ring/part-01.pcap|6|5\n"
	                        "3|ring/part-00.pcap|11|3\n");
	free(files);
	char want[128];
	snprintf(want, sizeof want, "%s/ring|13|ok", dir);
	char *cap = tu_query(joined, "SELECT path, packets, status FROM captures");
	snprintf(want, sizeof want, "%s/ring|13|ok\n", dir);
	ck_assert_str_eq(cap, want);
	free(cap);

	/* The same set again adds nothing; one of its files alone, or a set
	 * sharing files with it, is refused and names the capture. */
	snprintf(args, sizeof args, "--join %s/ring", dir);
	ingest_cli(joined, args, 0);
	ck_assert_int_eq(tu_query_int(joined, "SELECT count(*) FROM captures"), 1);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s %s/ring/part-01.pcap 2>%s/err", joined, dir, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'is file 2 of capture 1' %s/err", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s --join %s/ring/part-01.pcap %s/ring/part-00.pcap"
	                       " 2>%s/err", joined, dir, dir, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'is file 2 of capture 1 already' %s/err", dir), 0);
	ck_assert_int_eq(tu_query_int(joined, "SELECT count(*) FROM captures"), 1);

	/* merge brings a joined capture's files with it, under its new id. */
	char merged[128];
	snprintf(merged, sizeof merged, "%s/merged.db", dir);
	ingest_cli(merged, "../examples/stalled.pcap", 0);
	ck_assert_int_eq(tu_sh(BIN " merge -q -d %s %s", merged, joined), 0);
	files = tu_query(merged, "SELECT capture_id, file_number, first_frame FROM capture_files");
	ck_assert_str_eq(files, "2|1|1\n2|2|6\n2|3|11\n");
	free(files);
}
END_TEST

/* Files that overlap in time, or whose link types differ, are no ring:
 * refused with the reason and the mergecap way out; nothing is stored. */
START_TEST(overlapping_or_mixed_files_are_refused)
{
	char dir[64], db[128], odd[128], even[128], raw[128], head[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(odd, sizeof odd, "%s/odd.pcap", dir);
	snprintf(even, sizeof even, "%s/even.pcap", dir);
	snprintf(raw, sizeof raw, "%s/raw.pcap", dir);
	snprintf(head, sizeof head, "%s/head.pcap", dir);
	cut(SEED, odd, 1, 0, 2, false);
	cut(SEED, even, 2, 0, 2, false);
	cut(SEED, head, 1, 7, 1, false);
	cut(SEED, raw, 7, 0, 1, true);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s --join %s %s 2>%s/err", db, odd, even, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'overlap in time' %s/err && grep -q 'mergecap' %s/err",
	                       dir, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s --join %s %s 2>%s/err", db, head, raw, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'link type EN10MB, .* has RAW' %s/err && grep -q 'mergecap' %s/err",
	                       dir, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s --join %s %s 2>%s/err", db, head, head, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'the same content' %s/err", dir), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows"), 0);
	/* The raw-IP half alone is a capture of its own, as DLT_RAW. */
	ingest_cli(db, raw, 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT linktype FROM captures"), DLT_RAW);
}
END_TEST

/* A real capture of 126 connections cut into 16 files of 300 packets:
 * read as a ring, the same connections as read whole; read file by file,
 * every connection alive at a boundary is cut in two. */
START_TEST(corpus_ring_matches_the_whole)
{
	if (access(CORPUS_CAPTURE, R_OK) != 0) {
		fprintf(stderr, "archive: %s absent (../shared is not beside the checkout):"
		                " corpus ring not tried\n", CORPUS_CAPTURE);
		return;
	}
	char dir[64], whole[128], joined[128], apart[128], args[256];
	tu_scratch_dir(dir);
	snprintf(whole, sizeof whole, "%s/whole.db", dir);
	snprintf(joined, sizeof joined, "%s/joined.db", dir);
	snprintf(apart, sizeof apart, "%s/apart.db", dir);
	ck_assert_uint_eq(cut_ring(CORPUS_CAPTURE, dir, 300), 16);
	ingest_cli(whole, CORPUS_CAPTURE, 0);
	snprintf(args, sizeof args, "--join %s/ring/*.pcap", dir);
	ingest_cli(joined, args, 0);
	snprintf(args, sizeof args, "%s/ring", dir);
	ingest_cli(apart, args, 0);
	ck_assert_int_eq(tu_query_int(whole, "SELECT count(*) FROM flows"), 126);
	ck_assert_int_gt(tu_query_int(apart, "SELECT count(*) FROM flows"), 126);
	char *a = connections(whole), *b = connections(joined);
	ck_assert_str_eq(b, a);
	free(a), free(b);
	a = segments(whole), b = segments(joined);
	ck_assert_str_eq(b, a);
	free(a), free(b);
	ck_assert_int_eq(tu_query_int(joined, "SELECT sum(packets) FROM capture_files"),
	                 tu_query_int(whole, "SELECT packets FROM captures"));
	ck_assert_int_eq(tu_query_int(joined, "SELECT count(*) FROM capture_files c JOIN"
	                                      " capture_files n ON n.file_number = c.file_number + 1"
	                                      " WHERE n.first_frame != c.first_frame + c.packets"), 0);
}
END_TEST

/* The filter is part of what was read: the same content with the same
 * filter is a duplicate, with another (or none) an error naming the
 * capture, its filter and --replace, which then reads it again. */
START_TEST(filter_is_part_of_what_was_read)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	const char *cap = "../examples/port-reuse.pcap";
	ingest_cli(db, "-f 'tcp[13] & 2 != 0' ../examples/port-reuse.pcap", 0);
	long long syns = tu_query_int(db, "SELECT tcp_packets FROM captures");
	char *f = tu_query(db, "SELECT id, filter FROM captures");
	ck_assert_str_eq(f, "1|tcp[13] & 2 != 0\n");
	free(f);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s %s 2>%s/err", db, cap, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q \"capture 1 already, read with the filter 'tcp\\[13\\] & 2"
	                       " != 0'; this ingest reads it without a filter; ingest --replace\""
	                       " %s/err", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s -f 'port 1' %s 2>/dev/null", db, cap), 1);
	/* The same filter: a duplicate, exit 0. */
	ck_assert_int_eq(tu_sh(BIN " ingest -v -d %s -f 'tcp[13] & 2 != 0' %s 2>%s/err", db, cap,
	                       dir), 0);
	ck_assert_int_eq(tu_sh("grep -q 'already in the database as capture 1' %s/err", dir), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 1);
	ck_assert_int_eq(tu_query_int(db, "SELECT tcp_packets FROM captures"), syns);
	/* --replace: read again without the filter, in its place. */
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s --replace %s 2>%s/err", db, cap, dir), 0);
	ck_assert_int_eq(tu_sh("grep -q 'capture 2 replaces capture 1' %s/err", dir), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 1);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures WHERE filter IS NULL"), 1);
	ck_assert_int_eq(tu_query_int(db, "SELECT tcp_packets FROM captures"), 13);
	ck_assert_int_gt(13, syns);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows WHERE capture_id != 2"), 0);
}
END_TEST

/* Rows of every table that came from captures, as one count. */
static long long rows_everywhere(const char *db)
{
	return tu_query_int(db, "SELECT (SELECT count(*) FROM captures) + (SELECT count(*) FROM"
	                        " flows) + (SELECT count(*) FROM segment_rows) + (SELECT count(*)"
	                        " FROM segment_options) + (SELECT count(*) FROM transitions_extra)"
	                        " + (SELECT count(*) FROM flow_analysis) + (SELECT count(*) FROM"
	                        " capture_files) + (SELECT count(*) FROM capture_undecoded)");
}

/* forget removes a capture and all that came from it, by id, path or
 * sha256 prefix; a name that matches nothing removes nothing. */
START_TEST(forget_removes_everything_of_a_capture)
{
	char dir[64], db[128], lone[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(lone, sizeof lone, "%s/lone.db", dir);
	ingest_cli(lone, "../examples/stalled.pcap", 0);
	ingest_cli(db, "../examples/seed.pcap ../examples/port-reuse.pcap ../examples/stalled.pcap"
	               " ../examples/simultaneous-close.pcap", 0);
	long long before = rows_everywhere(db);
	ck_assert_int_gt(tu_query_int(db, "SELECT count(*) FROM segment_options"), 0);
	ck_assert_int_gt(tu_query_int(db, "SELECT count(*) FROM flow_analysis"), 0);
	/* One bad name: nothing goes. */
	ck_assert_int_eq(tu_sh(BIN " forget -d %s 1 no/such.pcap 2>%s/err", db, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'no/such.pcap: no such capture' %s/err", dir), 0);
	ck_assert_int_eq(rows_everywhere(db), before);
	char *sha = tu_query(db, "SELECT substr(sha256, 1, 12) FROM captures WHERE id = 4");
	sha[12] = '\0';
	ck_assert_int_eq(tu_sh(BIN " forget -q -d %s 1 ../examples/port-reuse.pcap %s", db, sha), 0);
	free(sha);
	char *left = tu_query(db, "SELECT id, path FROM captures");
	ck_assert_str_eq(left, "3|../examples/stalled.pcap\n");
	free(left);
	/* What is left is what stalled.pcap alone gives, row for row. */
	ck_assert_int_eq(rows_everywhere(db), rows_everywhere(lone));
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM segment_rows WHERE flow_id NOT IN"
	                                  " (SELECT id FROM flows)"), 0);
	ck_assert_int_eq(tu_sh(BIN " forget -d %s 2>/dev/null", db), 2);
	/* Forgotten, a capture can be read again. */
	ingest_cli(db, "../examples/seed.pcap", 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 2);
}
END_TEST

/* A capture copied in part (cut mid-packet), then whole at the same path:
 * the whole one replaces the partial one, and says so. */
START_TEST(partial_copy_is_replaced_when_whole)
{
	char dir[64], db[128], copy[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(copy, sizeof copy, "%s/copy.pcap", dir);
	ck_assert_int_eq(tu_sh("head -c 700 " SEED " > %s", copy), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s 2>/dev/null", db, copy), 1);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures WHERE status = 'partial'"), 1);
	ck_assert_int_eq(tu_sh("cp " SEED " %s", copy), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s %s 2>%s/err", db, copy, dir), 0);
	ck_assert_int_eq(tu_sh("grep -q 'capture 2 replaces capture 1 (1 connections), stored partial,"
	                       " now read whole' %s/err", dir), 0);
	char *rows = tu_query(db, "SELECT id, status, packets FROM captures");
	ck_assert_str_eq(rows, "2|ok|13\n");
	free(rows);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows"), 1);
	/* Another capture at another path is left alone. */
	ingest_cli(db, "../examples/stalled.pcap", 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 2);
}
END_TEST

/* stdin's captures are named: --name, else stdin- and the sha256's first
 * 12 hex digits; the name is what the report shows. */
START_TEST(stdin_captures_are_named)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh("cat " SEED " | " BIN " ingest -q -d %s --name edge-1 -", db), 0);
	ck_assert_int_eq(tu_sh("gzip -c ../examples/stalled.pcap | " BIN " ingest -q -d %s -", db), 0);
	char *rows = tu_query(db, "SELECT path = 'stdin-' || substr(sha256, 1, 12) FROM captures"
	                          " ORDER BY id");
	ck_assert_str_eq(rows, "0\n1\n");
	free(rows);
	rows = tu_query(db, "SELECT path FROM captures WHERE id = 1");
	ck_assert_str_eq(rows, "edge-1\n");
	free(rows);
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s/r", db, dir), 0);
	ck_assert_int_eq(tu_sh("grep -q 'edge-1' %s/r/index.html", dir), 0);
	/* --name labels one capture: not a list of files. */
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s --name x " SEED " 2>/dev/null", db), 2);
	/* --replace by that name. */
	ck_assert_int_eq(tu_sh("cat ../examples/refused.pcap | " BIN " ingest -q -d %s --replace"
	                       " --name edge-1 -", db), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures WHERE path = 'edge-1'"), 1);
	ck_assert_int_eq(tu_query_int(db, "SELECT packets FROM captures WHERE path = 'edge-1'"), 2);
}
END_TEST

/* A database ingest made is readable by someone who may read the file but
 * not write it or its folder: tcpladder's readers and SQLite's own. As
 * root, the reader is the unprivileged user nobody; as anyone else, it is
 * that user, with the folder and file made read-only. */
START_TEST(any_reader_can_read)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh("mkdir %s/share %s/out && chmod 777 %s/out", dir, dir, dir), 0);
	snprintf(db, sizeof db, "%s/share/t.db", dir);
	ingest_cli(db, "../examples", 0);
	char *mode = tu_query(db, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "delete\n");
	free(mode);
	ck_assert_int_eq(tu_sh("test ! -e %s-wal && test ! -e %s-shm", db, db), 0);
	long long flows = tu_query_int(db, "SELECT count(*) FROM flows");
	ck_assert_int_eq(tu_sh("chmod 555 %s/share && chmod 444 %s", dir, db), 0);

	char as[128] = "";
	if (geteuid() == 0) {
		ck_assert_int_eq(tu_sh("chmod 755 %s", dir), 0);
		snprintf(as, sizeof as, "setpriv --reuid=65534 --regid=65534 --clear-groups");
	}
	ck_assert_int_eq(tu_sh("%s sh -c 'test ! -w %s/share'", as, dir), 0);
	ck_assert_int_eq(tu_sh("%s " BIN " export flows -d %s -o %s/out/flows.csv", as, db, dir), 0);
	ck_assert_int_eq(tu_sh("test $(wc -l < %s/out/flows.csv) -eq %lld", dir, flows + 1), 0);
	ck_assert_int_eq(tu_sh("%s " BIN " report -q -d %s -o %s/out/r", as, db, dir), 0);
	ck_assert_int_eq(tu_sh("test -s %s/out/r/index.html", dir), 0);
	/* SQLite's own: Python's module opens read-write as the shell does,
	 * falling back to read-only. */
	ck_assert_int_eq(tu_sh("%s /usr/bin/python3 -c \"import sqlite3, sys; n = sqlite3.connect('%s')"
	                       ".execute('SELECT count(*) FROM flows_view').fetchone()[0];"
	                       " sys.exit(0 if n == %lld else 1)\"", as, db, flows), 0);
	if (tu_have("sqlite3"))
		ck_assert_int_eq(tu_sh("test $(%s sqlite3 %s 'SELECT count(*) FROM flows') -eq %lld",
		                       as, db, flows), 0);
	ck_assert_int_eq(tu_sh("test ! -e %s-wal && test ! -e %s-journal", db, db), 0);
	ck_assert_int_eq(tu_sh("chmod 755 %s/share && chmod 644 %s", dir, db), 0);
}
END_TEST

/* Takes a database back to schema 5, as tcpladder 0.1 of issue 16 left
 * it: no capture_files, no captures.filter, no flows.community_id (schema
 * 8), its views dropped (upgrades make them anew). */
static void make_version_5(const char *db)
{
	sqlite3 *conn;
	ck_assert_int_eq(sqlite3_open(db, &conn), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(conn, "DROP VIEW flows_view; DROP VIEW segments_view;"
	                            " DROP VIEW segments; DROP VIEW transitions_view;"
	                            " DROP VIEW transitions; DROP TABLE capture_files;"
	                            " ALTER TABLE captures DROP COLUMN filter;"
	                            " ALTER TABLE flows DROP COLUMN community_id;"
	                            /* schema 9's (two vantage points) */
	                            " DROP VIEW sightings_view; DROP VIEW pair_transitions_view;"
	                            " DROP TABLE pair_transitions; DROP TABLE sightings;"
	                            " DROP TABLE flow_pairs; DROP TABLE clock_fits;"
	                            " DROP TABLE segment_keys;"
	                            " ALTER TABLE captures DROP COLUMN vantage;"
	                            " PRAGMA user_version = 5", NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s", msg ? msg : "?");
	sqlite3_close(conn);
}

/* The one-line summary goes to stderr when it is no terminal (cron, CI
 * logs); -q silences it; an upgrade of the schema is said. */
START_TEST(summary_on_any_stderr)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s " SEED " 2>%s/err", db, dir), 0);
	ck_assert_int_eq(tu_sh("grep -q '^tcpladder: 1 captures read into %s (13 packets, 13 TCP,"
	                       " 1 connections)' %s/err", db, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/stalled.pcap 2>%s/err", db, dir), 0);
	ck_assert_int_eq(tu_sh("test ! -s %s/err", dir), 0);
	/* A database of schema 5 is upgraded, and the user told. */
	make_version_5(db);
	ck_assert_int_eq(tu_query_int(db, "PRAGMA user_version"), 5);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s ../examples/refused.pcap 2>%s/err", db, dir), 0);
	ck_assert_int_eq(tu_sh("grep -q 'database schema upgraded from version 5 to %d' %s/err",
	                       DB_SCHEMA_VERSION, dir), 0);
	ck_assert_int_eq(tu_query_int(db, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 3);
	/* Said once: the next ingest finds it at this version. */
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s ../examples/ipv6.pcap 2>%s/err", db, dir), 0);
	ck_assert_int_eq(tu_sh("grep -q 'upgraded' %s/err", dir), 1);
}
END_TEST

/* A reader of an older database: one who may write it upgrades it on the
 * way (upgrades only add); one who may not is told why not and who can. */
START_TEST(readers_of_an_older_database)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh("mkdir %s/share %s/out && chmod 777 %s/out", dir, dir, dir), 0);
	snprintf(db, sizeof db, "%s/share/t.db", dir);
	ingest_cli(db, SEED, 0);
	make_version_5(db);
	ck_assert_int_eq(tu_sh("chmod 555 %s/share && chmod 444 %s", dir, db), 0);
	char as[128] = "";
	if (geteuid() == 0) {
		ck_assert_int_eq(tu_sh("chmod 755 %s", dir), 0);
		snprintf(as, sizeof as, "setpriv --reuid=65534 --regid=65534 --clear-groups");
	}
	ck_assert_int_eq(tu_sh("%s " BIN " export flows -d %s -o %s/out/f.csv 2>%s/out/err", as, db,
	                       dir, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'schema version 5 is older than this tcpladder.s (%d)'"
	                       " %s/out/err", DB_SCHEMA_VERSION, dir), 0);
	ck_assert_int_eq(tu_query_int(db, "PRAGMA user_version"), 5);
	ck_assert_int_eq(tu_sh("chmod 755 %s/share && chmod 644 %s", dir, db), 0);
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s/out/r", db, dir), 0);
	ck_assert_int_eq(tu_query_int(db, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	ck_assert_int_eq(tu_sh("test -s %s/out/r/flows/1.html", dir), 0);
}
END_TEST

Suite *archive_suite(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("archive");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ring_of_files_is_one_capture);
	tcase_add_test(tc, overlapping_or_mixed_files_are_refused);
	tcase_add_test(tc, corpus_ring_matches_the_whole);
	tcase_add_test(tc, filter_is_part_of_what_was_read);
	tcase_add_test(tc, forget_removes_everything_of_a_capture);
	tcase_add_test(tc, partial_copy_is_replaced_when_whole);
	tcase_add_test(tc, stdin_captures_are_named);
	tcase_add_test(tc, any_reader_can_read);
	tcase_add_test(tc, summary_on_any_stderr);
	tcase_add_test(tc, readers_of_an_older_database);
	suite_add_tcase(s, tc);
	return s;
}
