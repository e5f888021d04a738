/* corpus: the real captures in ../shared/corpus (other projects' test
 * files, many of them hostile on purpose) and ../shared/corpus-tunnels
 * (TCP inside tunnels, encapsulations and uncommon link types; read when
 * it is there). Every one is ingested by the
 * binary without a crash, each gets a captures row, and per TCP segment
 * our rel_seq, rel_ack and len agree with tshark's tcp.seq, tcp.ack and
 * tcp.len (relative) for at least 99.9% of segments. The test prints the
 * agreement and the captures that disagree. It is not registered (and
 * says so) when the corpus or tshark is absent. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "suites.h"
#include "testutil.h"

#define CORPUS "../../shared/corpus"
#define TUNNELS "../../shared/corpus-tunnels"

struct ours {
	bool present;
	bool after_split; /* in a mid-stream flow that goes on after an
	                     earlier one of the same endpoints */
	bool has_ack;
	long long rel_seq, rel_ack, len;
};

static char corpus_db[128];

static bool have_tunnels(void)
{
	struct stat st;
	return stat(TUNNELS "/MANIFEST.tsv", &st) == 0;
}

/* Ingest the whole corpus once for both tests. */
static void ingest_corpus(void)
{
	char dir[64];
	tu_scratch_dir(dir);
	snprintf(corpus_db, sizeof corpus_db, "%s/corpus.db", dir);
	int rc = tu_sh("../tcpladder ingest -q -d %s " CORPUS " %s 2>/dev/null", corpus_db,
	               have_tunnels() ? TUNNELS : "");
	/* 1: some captures are broken on purpose; anything else is a crash
	 * or a usage error. */
	ck_assert_msg(rc == 0 || rc == 1, "ingest exited %d", rc);
}

static long long manifest_files(const char *manifest)
{
	FILE *m = fopen(manifest, "r");
	ck_assert_ptr_nonnull(m);
	char line[4096];
	long long n = -1; /* the header line */
	while (fgets(line, sizeof line, m))
		n++;
	fclose(m);
	return n;
}

START_TEST(every_capture_ingests_without_a_crash)
{
	ingest_corpus();
	long long rows = tu_query_int(corpus_db, "SELECT count(*) FROM captures");
	long long files = manifest_files(CORPUS "/MANIFEST.tsv");
	if (have_tunnels())
		files += manifest_files(TUNNELS "/MANIFEST.tsv");
	ck_assert_int_eq(rows, files);
	/* Each failed or partial capture says why. */
	ck_assert_int_eq(tu_query_int(corpus_db, "SELECT count(*) FROM captures WHERE"
	                                         " status != 'ok' AND error IS NULL"),
	                 0);
}
END_TEST

/* Our segments of one capture, indexed by frame. */
static struct ours *load_ours(sqlite3 *db, long long capture_id, long long *frames)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT packets FROM captures WHERE id = ?1",
	                                    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, capture_id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	*frames = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	struct ours *o = calloc((size_t)*frames + 1, sizeof *o);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	                 "SELECT s.frame, s.rel_seq, s.rel_ack, s.len,"
	                 " f.mid_stream AND EXISTS (SELECT 1 FROM flows g"
	                 "  WHERE g.capture_id = f.capture_id AND g.id < f.id"
	                 "  AND ((g.client_ip = f.client_ip AND g.client_port = f.client_port"
	                 "   AND g.server_ip = f.server_ip AND g.server_port = f.server_port)"
	                 "  OR (g.client_ip = f.server_ip AND g.client_port = f.server_port"
	                 "   AND g.server_ip = f.client_ip AND g.server_port = f.client_port)))"
	                 " FROM segments s"
	                 " JOIN flows f ON f.id = s.flow_id WHERE f.capture_id = ?1",
	                 -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, capture_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long frame = sqlite3_column_int64(st, 0);
		if (frame < 1 || frame > *frames)
			continue;
		struct ours *x = &o[frame];
		x->present = true;
		x->rel_seq = sqlite3_column_int64(st, 1);
		x->has_ack = sqlite3_column_type(st, 2) != SQLITE_NULL;
		x->rel_ack = sqlite3_column_int64(st, 2);
		x->len = sqlite3_column_int64(st, 3);
		x->after_split = sqlite3_column_int(st, 4) != 0;
	}
	sqlite3_finalize(st);
	return o;
}

START_TEST(relative_numbers_agree_with_tshark)
{
	ingest_corpus();
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open_v2(corpus_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *caps;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT id, path FROM captures ORDER BY id",
	                                    -1, &caps, NULL), SQLITE_OK);
	long long total = 0, agree = 0, tshark_malformed = 0, after_split = 0;
	char report[8192] = "";
	while (sqlite3_step(caps) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(caps, 0);
		const char *path = (const char *)sqlite3_column_text(caps, 1);
		long long frames;
		struct ours *o = load_ours(db, id, &frames);
		char cmd[1024];
		snprintf(cmd, sizeof cmd,
		         "tshark -r '%s' -o tcp.relative_sequence_numbers:TRUE -Y tcp"
		         " -T fields -E separator=/t -e frame.number -e tcp.seq -e tcp.ack"
		         " -e tcp.len -e tcp.flags.ack 2>/dev/null", path);
		FILE *p = popen(cmd, "r");
		ck_assert_ptr_nonnull(p);
		char line[512];
		long long n = 0, bad = 0, first_bad = 0;
		while (fgets(line, sizeof line, p)) {
			char *f[5] = {0};
			char *tok = line;
			for (int i = 0; i < 5; i++) {
				char *tab = strchr(tok, '\t');
				f[i] = tok;
				if (!tab)
					break;
				*tab = '\0';
				tok = tab + 1;
			}
			if (!f[1] || !*f[1])
				continue; /* not a TCP header tshark could read */
			if (!f[3] || !*f[3] || *f[3] == '\n') {
				tshark_malformed++;
				continue;
			}
			long long frame = atoll(f[0]);
			long long seq = atoll(f[1]), ack = atoll(f[2]), len = atoll(f[3]);
			bool ack_flag = f[4] && atoi(f[4]) == 1;
			const struct ours *x = frame >= 1 && frame <= frames ? &o[frame] : NULL;
			bool ok = x && x->present && x->rel_seq == seq && x->len == len &&
			          (!ack_flag || (x->has_ack && x->rel_ack == ack));
			/* A connection we split (close delay, idle timeout:
			 * docs/analysis.md) goes on mid-stream, numbered from
			 * its first segment; tshark numbers on from the old. */
			if (!ok && x && x->present && x->after_split) {
				after_split++;
				continue;
			}
			n++;
			if (!ok && bad++ == 0)
				first_bad = frame;
		}
		pclose(p);
		free(o);
		total += n;
		agree += n - bad;
		if (bad && strlen(report) < sizeof report - 256) {
			const char *base = strrchr(path, '/');
			snprintf(report + strlen(report), sizeof report - strlen(report),
			         "  %s: %lld of %lld segments differ (first: frame %lld)\n",
			         base ? base + 1 : path, bad, n, first_bad);
		}
	}
	sqlite3_finalize(caps);
	sqlite3_close(db);
	double pct = total ? 100.0 * (double)agree / (double)total : 0;
	fprintf(stderr, "corpus: rel_seq/rel_ack/len agree with tshark on %lld of %lld"
	                " TCP segments (%.3f%%); %lld segments tshark itself marks"
	                " malformed and %lld that differ in a connection we split are not counted\n%s",
	        agree, total, pct, tshark_malformed, after_split, report);
	ck_assert_int_gt(total, 10000);
	ck_assert_msg(agree * 1000 >= total * 999, "agreement %.3f%% is below 99.9%%", pct);
}
END_TEST

Suite *corpus_suite(void)
{
	Suite *s = suite_create("corpus");
	struct stat st;
	if (stat(CORPUS "/MANIFEST.tsv", &st) != 0) {
		fprintf(stderr, "corpus: %s not found; the corpus tests are not run\n", CORPUS);
		return s;
	}
	if (!have_tunnels())
		fprintf(stderr, "corpus: %s not found; only %s is read\n", TUNNELS, CORPUS);
	TCase *tc = tcase_create("real_captures");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, every_capture_ingests_without_a_crash);
	if (tu_have("tshark"))
		tcase_add_test(tc, relative_numbers_agree_with_tshark);
	else
		fprintf(stderr, "corpus: tshark not installed; the tshark comparison is not run\n");
	suite_add_tcase(s, tc);
	return s;
}
