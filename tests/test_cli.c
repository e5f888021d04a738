/* cli: the command line as users and scripts meet it: exit statuses
 * (0 all read, 1 some failed or partly read, 2 usage), stdin, help. */
#include <check.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"

START_TEST(usage_errors_exit_2)
{
	ck_assert_int_eq(tu_sh(BIN " 2>/dev/null"), 2);
	ck_assert_int_eq(tu_sh(BIN " frobnicate 2>/dev/null"), 2);
	ck_assert_int_eq(tu_sh(BIN " ingest 2>/dev/null"), 2);
	ck_assert_int_eq(tu_sh(BIN " ingest --no-such-option x 2>/dev/null"), 2);
	ck_assert_int_eq(tu_sh(BIN " ingest -d /tmp/x.db -f 'port nonsense(' x 2>/dev/null"), 2);
	ck_assert_int_eq(tu_sh(BIN " ingest --idle-timeout -5 x 2>/dev/null"), 2);
}
END_TEST

START_TEST(help_and_version_exit_0)
{
	ck_assert_int_eq(tu_sh(BIN " --help | grep -q ingest"), 0);
	ck_assert_int_eq(tu_sh(BIN " --version | grep -q '^tcpladder [0-9]'"), 0);
	ck_assert_int_eq(tu_sh(BIN " help ingest | grep -q -- '-f FILTER'"), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest --help | grep -q 'Exit status'"), 0);
}
END_TEST

START_TEST(all_read_exits_0_some_failed_exits_1)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s/a.db ../examples/seed.pcap", dir), 0);
	ck_assert_int_eq(tu_sh("echo junk > %s/junk.pcap", dir), 0);
	/* The good file is still read; stderr names the bad one. */
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s/b.db %s/junk.pcap ../examples/refused.pcap"
	                       " 2> %s/err", dir, dir, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'junk.pcap' %s/err", dir), 0);
	char db[128];
	snprintf(db, sizeof db, "%s/b.db", dir);
	char *caps = tu_query(db, "SELECT status FROM captures ORDER BY id");
	ck_assert_str_eq(caps, "failed\nok\n");
	free(caps);
}
END_TEST

START_TEST(stdin_plain_and_gzip)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/s.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s - < ../examples/seed.pcap", db), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM transitions"), 10);
	/* The same content again through gzip on stdin: nothing added. */
	ck_assert_int_eq(tu_sh("gzip -c ../examples/seed.pcap | " BIN " ingest -q -d %s -", db), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 1);
	ck_assert_int_eq(tu_sh("gzip -c ../examples/ipv6.pcap | " BIN " ingest -q -d %s -", db), 0);
	/* Each named stdin- and the start of its sha256 (--name sets it). */
	char *caps = tu_query(db, "SELECT path = 'stdin-' || substr(sha256, 1, 12), packets"
	                          " FROM captures ORDER BY id");
	ck_assert_str_eq(caps, "1|13\n1|10\n");
	free(caps);
}
END_TEST

START_TEST(verbose_says_what_it_did)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -v -d %s/v.db ../examples/seed.pcap ../examples/seed.pcap"
	                       " 2> %s/err", dir, dir), 0);
	ck_assert_int_eq(tu_sh("grep -q '13 packets, 13 TCP, 1 connections' %s/err", dir), 0);
	ck_assert_int_eq(tu_sh("grep -q 'already in the database as capture 1' %s/err", dir), 0);
}
END_TEST

/* Captures committed so far, or -1 while the database is still being
 * created (no table yet) or locked. */
static long long captures_committed(const char *path)
{
	sqlite3 *db;
	long long n = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM captures", -1, &st, NULL) ==
		    SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				n = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
	}
	sqlite3_close(db);
	return n;
}

/* Starts `tcpladder ingest -q -d db [first] -` reading stdin from the FIFO
 * at fifo; returns the FIFO's writing end, the child's pid in *pid. */
static int ingest_from_fifo(const char *db, const char *fifo, const char *first, pid_t *pid)
{
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	*pid = fork();
	ck_assert_int_ge(*pid, 0);
	if (*pid == 0) {
		int in = open(fifo, O_RDONLY);
		dup2(in, STDIN_FILENO);
		if (first)
			execl(BIN, "tcpladder", "ingest", "-q", "-d", db, first, "-", (char *)NULL);
		else
			execl(BIN, "tcpladder", "ingest", "-q", "-d", db, "-", (char *)NULL);
		_exit(127);
	}
	int out = open(fifo, O_WRONLY);
	ck_assert_int_ge(out, 0);
	return out;
}

/* examples/seed.pcap, whole, into buf; its size. */
static size_t read_seed(char buf[4096])
{
	FILE *seed = fopen("../examples/seed.pcap", "rb");
	ck_assert_ptr_nonnull(seed);
	size_t n = fread(buf, 1, 4096, seed);
	fclose(seed);
	ck_assert_uint_gt(n, 24);
	return n;
}

/* kill -9 in the middle of a capture: the database holds the whole
 * captures committed before, nothing of the one being read, and the same
 * command run again finishes the job. The capture being read comes from a
 * FIFO kept open, so the kill lands inside its transaction for sure. */
START_TEST(kill_9_leaves_whole_captures_and_a_rerun_finishes)
{
	char dir[64], db[128], fifo[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/k.db", dir);
	snprintf(fifo, sizeof fifo, "%s/in", dir);
	pid_t pid;
	int out = ingest_from_fifo(db, fifo, "../examples/refused.pcap", &pid);
	/* Half of the seed capture, then silence: ingest waits for more. */
	char buf[4096];
	size_t n = read_seed(buf);
	ck_assert_int_eq(write(out, buf, n / 2), (ssize_t)(n / 2));
	/* Wait for the first capture's commit. */
	struct timespec pause = {0, 20 * 1000 * 1000};
	long long committed = 0;
	for (int i = 0; i < 500 && committed < 1; i++) {
		nanosleep(&pause, NULL);
		struct stat st;
		if (stat(db, &st) == 0)
			committed = captures_committed(db);
	}
	ck_assert_int_eq(committed, 1);
	nanosleep(&pause, NULL);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	int status;
	waitpid(pid, &status, 0);
	close(out);
	ck_assert(WIFSIGNALED(status));

	char *rows = tu_query(db, "SELECT (SELECT group_concat(path) FROM captures),"
	                          " (SELECT count(*) FROM flows), (SELECT count(*) FROM segments),"
	                          " (SELECT count(*) FROM transitions)");
	ck_assert_str_eq(rows, "../examples/refused.pcap|1|2|2\n");
	free(rows);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/refused.pcap ../examples/seed.pcap",
	                       db), 0);
	rows = tu_query(db, "SELECT (SELECT count(*) FROM captures), (SELECT count(*) FROM flows),"
	                    " (SELECT count(*) FROM segments), (SELECT count(*) FROM transitions)");
	ck_assert_str_eq(rows, "2|2|15|12\n");
	free(rows);
}
END_TEST

/* The same while loading an empty database, whose transaction goes
 * through a rollback journal (db_begin_load): the kill leaves a hot
 * journal, the next reader rolls it back, and nothing of the capture, not
 * even its dropped indexes, is lost or half there. */
START_TEST(kill_9_while_loading_an_empty_database)
{
	char dir[64], db[128], fifo[128], journal[160];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/k.db", dir);
	snprintf(journal, sizeof journal, "%s-journal", db);
	snprintf(fifo, sizeof fifo, "%s/in", dir);
	pid_t pid;
	int out = ingest_from_fifo(db, fifo, NULL, &pid);
	/* The seed's packets over and over, 40 MB of them: more than the
	 * reader's buffers and SQLite's page cache (the transaction spills into
	 * the database file), then the reader waits. */
	char buf[4096];
	size_t n = read_seed(buf);
	ck_assert_int_eq(write(out, buf, 24), 24); /* the file header */
	for (size_t sent = 0; sent < 40u << 20; sent += n - 24)
		ck_assert_int_eq(write(out, buf + 24, n - 24), (ssize_t)(n - 24));
	/* The journal appears when the load's transaction first writes. */
	struct timespec pause = {0, 20 * 1000 * 1000};
	struct stat st;
	for (int i = 0; i < 500 && stat(journal, &st) != 0; i++)
		nanosleep(&pause, NULL);
	ck_assert_int_eq(stat(journal, &st), 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	int status;
	waitpid(pid, &status, 0);
	close(out);
	ck_assert(WIFSIGNALED(status));
	/* The load had outgrown SQLite's page cache: its pages were in the
	 * database file already, and only the journal can take them back. */
	ck_assert_int_eq(stat(db, &st), 0);
	ck_assert_int_gt(st.st_size, 4 << 20);

	/* A read-write connection rolls the hot journal back on first read (a
	 * read-only one cannot). */
	sqlite3 *conn;
	ck_assert_int_eq(sqlite3_open_v2(db, &conn, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(conn, "SELECT count(*) FROM sqlite_schema", NULL, NULL,
	                              NULL), SQLITE_OK);
	sqlite3_close(conn);
	char *rows = tu_query(db, "SELECT (SELECT count(*) FROM captures),"
	                          " (SELECT count(*) FROM flows), (SELECT count(*) FROM segments),"
	                          " (SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
	                          "  AND tbl_name = 'flows' AND sql IS NOT NULL)");
	ck_assert_str_eq(rows, "0|0|0|5\n");
	free(rows);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", db), 0);
	rows = tu_query(db, "SELECT (SELECT count(*) FROM captures), (SELECT count(*) FROM flows),"
	                    " (SELECT count(*) FROM segments), (SELECT count(*) FROM transitions)");
	ck_assert_str_eq(rows, "1|1|13|10\n");
	free(rows);
	/* Left as every ingest leaves it: a rollback journal, which a reader
	 * in a folder it cannot write needs. */
	rows = tu_query(db, "PRAGMA journal_mode");
	ck_assert_str_eq(rows, "delete\n");
	free(rows);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("exit_status");
	tcase_add_test(tc, usage_errors_exit_2);
	tcase_add_test(tc, help_and_version_exit_0);
	tcase_add_test(tc, all_read_exits_0_some_failed_exits_1);
	tcase_add_test(tc, stdin_plain_and_gzip);
	tcase_add_test(tc, verbose_says_what_it_did);
	tcase_add_test(tc, kill_9_leaves_whole_captures_and_a_rerun_finishes);
	tcase_add_test(tc, kill_9_while_loading_an_empty_database);
	suite_add_tcase(s, tc);
	return s;
}
