/* progress: the line report and ingest keep rewriting on a terminal.
 * progress_format on a table (shares, time left, unknown totals, counts
 * grouped, a narrow terminal); then the binary under a pseudo-terminal:
 * the line appears, says "of" and "left", and is cleared before the
 * summary, which is the last line; with stderr a pipe only the summary is
 * written, and -q writes nothing. */
#include <check.h>
#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capwrite.h"
#include "progress.h"
#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"

/* ---- the line, from numbers ------------------------------------------- */

static const struct {
	struct progress_view v;
	const char *line;
} lines[] = {
	/* 12,345 of 200,000 in 10 s: 187,655 more at 1,234.5 a second is
	 * 152.01 s, said as the next whole second. */
	{{"report", PROGRESS_COUNT, "pages", 12345, 200000, 10.0, NULL, 0},
	 "report: 12,345 of 200,000 pages (6%), 2:33 left"},
	/* Too soon (half a second, 1%): no time left yet. */
	{{"report", PROGRESS_COUNT, "pages", 2000, 200000, 0.5, NULL, 0},
	 "report: 2,000 of 200,000 pages (1%)"},
	/* Half a second but a quarter done: the rate is worth a guess. */
	{{"report", PROGRESS_COUNT, "pages", 50000, 200000, 0.5, NULL, 0},
	 "report: 50,000 of 200,000 pages (25%), 0:02 left"},
	/* All done. */
	{{"report", PROGRESS_COUNT, "pages", 7, 7, 3.0, NULL, 0},
	 "report: 7 of 7 pages (100%), 0:00 left"},
	/* Unknown total: the count alone. */
	{{"report", PROGRESS_COUNT, "pages", 1234567, 0, 30.0, NULL, 0},
	 "report: 1,234,567 pages"},
	/* Hours: 1 of 10,000 in 2 s leaves 19,998 s. */
	{{"report", PROGRESS_COUNT, "pages", 1, 10000, 2.0, NULL, 0},
	 "report: 1 of 10,000 pages (0%), 5:33:18 left"},
	/* Bytes: 412 MB of 1.1 GB in 8 s; 688 MB more at 51.5 MB/s: 13.4 s. */
	{{"ingest", PROGRESS_BYTES, NULL, 412000000, 1100000000, 8.0, "3 captures", 0},
	 "ingest: 412 MB of 1.1 GB (37%), 0:14 left; 3 captures"},
	{{"ingest", PROGRESS_BYTES, NULL, 999, 5300000000000ULL, 0.5, NULL, 0},
	 "ingest: 999 B of 5.3 TB (0%)"},
	/* Bytes of an unknown total (stdin): only what else there is. */
	{{"ingest", PROGRESS_BYTES, NULL, 5000, 0, 4.0, "2 captures; (stdin)", 0},
	 "ingest: 2 captures; (stdin)"},
	/* A terminal of 30 columns: 29 characters, never a wrapped line. */
	{{"ingest", PROGRESS_BYTES, NULL, 412000000, 1100000000, 8.0, "3 captures", 30},
	 "ingest: 412 MB of 1.1 GB (37%"},
};

START_TEST(line_from_numbers)
{
	char buf[256];
	size_t n = progress_format(buf, sizeof buf, &lines[_i].v);
	ck_assert_str_eq(buf, lines[_i].line);
	ck_assert_uint_eq(n, strlen(lines[_i].line));
}
END_TEST

START_TEST(line_cut_to_its_buffer)
{
	char buf[12];
	size_t n = progress_format(buf, sizeof buf, &lines[0].v);
	ck_assert_str_eq(buf, "report: 12,");
	ck_assert_uint_eq(n, 11);
}
END_TEST

START_TEST(seconds_left)
{
	ck_assert(progress_seconds_left(0, 100, 5.0) < 0);    /* nothing done */
	ck_assert(progress_seconds_left(10, 0, 5.0) < 0);     /* total unknown */
	ck_assert(progress_seconds_left(1, 100, 0.9) < 0);    /* too soon */
	ck_assert_double_eq_tol(progress_seconds_left(1, 100, 1.0), 99.0, 1e-9);
	ck_assert_double_eq_tol(progress_seconds_left(5, 100, 0.1), 1.9, 1e-9); /* a twentieth */
	ck_assert(progress_seconds_left(100, 100, 0.1) == 0);
	ck_assert(progress_seconds_left(120, 100, 9.0) == 0); /* past: none left */
}
END_TEST

START_TEST(counts_grouped)
{
	char buf[32];
	ck_assert_str_eq(progress_grouped(0, buf, sizeof buf), "0");
	ck_assert_str_eq(progress_grouped(999, buf, sizeof buf), "999");
	ck_assert_str_eq(progress_grouped(1000, buf, sizeof buf), "1,000");
	ck_assert_str_eq(progress_grouped(200401, buf, sizeof buf), "200,401");
	ck_assert_str_eq(progress_grouped(18446744073709551615ULL, buf, sizeof buf),
	                 "18,446,744,073,709,551,615");
}
END_TEST

/* ---- the binary, on a terminal and not ----------------------------------- */

/* Captures and a database made once for the cases below: a big capture
 * (ingest reads it for half a second or so), a small one, and a database
 * of the big one's flows. */
static char dir[64], big[128], small[128], db[160];

/* Enough packets that reading them takes a few of the line's 200 ms even
 * on a fast machine: 180,000 frames, 17 MB. */
#define BIG_CONNECTIONS 20000

static void setup(void)
{
	tu_scratch_dir(dir);
	snprintf(big, sizeof big, "%s/big.pcap", dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(small, sizeof small, "%s/small.pcap", dir);
	cw_write_connections(big, BIG_CONNECTIONS, 5);
	cw_write_connections(small, 20, 6);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s", db, big), 0);
}

static void teardown(void)
{
	tu_sh("rm -rf %s", dir);
}

/* cmd's output on a pseudo-terminal (stdout and stderr both), as a
 * malloc'd string; *status its exit status. */
static char *on_terminal(const char *cmd, int *status)
{
	int master;
	struct winsize ws = {.ws_row = 24, .ws_col = 200};
	pid_t pid = forkpty(&master, NULL, NULL, &ws);
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	for (;;) {
		if (len + 4096 > cap)
			ck_assert_ptr_nonnull(out = realloc(out, cap *= 2));
		ssize_t r = read(master, out + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* EIO: the child and its terminal are gone */
		len += (size_t)r;
	}
	out[len] = '\0';
	close(master);
	ck_assert_int_eq(waitpid(pid, status, 0), pid);
	*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
	return out;
}

/* The progress lines of out: how many start with "\r\033[K" + prefix and
 * say " of " and " left"; the text after the last clear is summary, and
 * nothing of a line is on the terminal after it. */
static void check_lines(const char *out, const char *prefix, const char *summary)
{
	char start[64];
	snprintf(start, sizeof start, "\r\033[K%s", prefix);
	int lines = 0, with_left = 0;
	for (const char *p = out; (p = strstr(p, start)); p++) {
		const char *end = strstr(p + 1, "\r");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char line[512];
		snprintf(line, sizeof line, "%.*s", (int)n, p + 4);
		ck_assert_msg(strstr(line, " of ") && strstr(line, "%)"),
		              "a line without its share: '%s'", line);
		lines++;
		with_left += strstr(line, " left") != NULL;
	}
	ck_assert_msg(lines >= 1, "no progress line in '%s'", out);
	ck_assert_msg(with_left >= 1, "no line says the time left in '%s'", out);
	const char *last = NULL;
	for (const char *p = out; (p = strstr(p, "\r\033[K")); p++)
		last = p;
	ck_assert_ptr_nonnull(last);
	/* The terminal ends lines with \r\n. */
	char want[512];
	snprintf(want, sizeof want, "\r\033[K%s\r\n", summary);
	ck_assert_msg(strcmp(last, want) == 0, "after the last clear: '%s', wanted '%s'",
	              last + 4, summary);
}

/* A report of the first `flows` flows, on a terminal; `total` is what the
 * line must give as the pages in all (flow pages and index pages). */
static void report_on_terminal(int jobs, int flows, const char *total)
{
	char cmd[512], summary[256];
	int status;
	snprintf(cmd, sizeof cmd, BIN " report -j %d -d %s -o %s/rep%d --where 'id <= %d'", jobs,
	         db, dir, jobs, flows);
	char *out = on_terminal(cmd, &status);
	ck_assert_msg(status == 0, "%s: %d: %s", cmd, status, out);
	snprintf(summary, sizeof summary,
	         "tcpladder: report of %d flows written; open %s/rep%d/index.html", flows, dir,
	         jobs);
	check_lines(out, "report: ", summary);
	char of[64];
	snprintf(of, sizeof of, " of %s pages (", total);
	ck_assert_msg(strstr(out, of), "no '%s' in '%s'", of, out);
	free(out);
}

/* About half a second's pages, in this process. */
START_TEST(report_line_in_process)
{
	report_on_terminal(1, 1000, "1,002"); /* and 2 index pages of 500 */
}
END_TEST

/* As many again for each worker. */
START_TEST(report_line_from_workers)
{
	report_on_terminal(2, 2000, "2,004");
}
END_TEST

static void ingest_on_terminal(int jobs)
{
	char cmd[512], summary[512];
	int status;
	snprintf(cmd, sizeof cmd, BIN " ingest -j %d -d %s/i%d.db %s", jobs, dir, jobs, big);
	char *out = on_terminal(cmd, &status);
	ck_assert_msg(status == 0, "%s: %d: %s", cmd, status, out);
	if (jobs == 1)
		snprintf(summary, sizeof summary, "tcpladder: 1 captures read into %s/i1.db"
		         " (%d packets, %d TCP, %d connections); 0 already there, 0 partly"
		         " read, 0 failed", dir, BIG_CONNECTIONS * 9, BIG_CONNECTIONS * 9,
		         BIG_CONNECTIONS);
	else
		snprintf(summary, sizeof summary, "tcpladder: 0 captures (0 connections) merged"
		         " into %s/i%d.db from %d workers' shards; 0 already there", dir, jobs,
		         jobs - 1);
	check_lines(out, "ingest: ", summary);
	/* The share is of the file's bytes: 17 MB or so, said in MB. */
	ck_assert_msg(strstr(out, " MB of "), "%s", out);
	free(out);
}

START_TEST(ingest_line_in_process)
{
	ingest_on_terminal(1);
}
END_TEST

START_TEST(ingest_line_from_workers)
{
	ingest_on_terminal(2);
}
END_TEST

/* stderr a pipe: the summary line alone, no control character. */
START_TEST(no_line_without_terminal)
{
	char cmd[512], errs[128];
	snprintf(errs, sizeof errs, "%s/errs", dir);
	ck_assert_int_eq(tu_sh(BIN " report -d %s -o %s/rp --where 'id <= 20' 2>%s", db, dir,
	                       errs), 0);
	char *got = tu_slurp(errs);
	snprintf(cmd, sizeof cmd, "tcpladder: report of 20 flows written; open %s/rp/index.html\n",
	         dir);
	ck_assert_str_eq(got, cmd);
	free(got);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s/p.db %s 2>%s", dir, small, errs), 0);
	got = tu_slurp(errs);
	ck_assert_msg(strncmp(got, "tcpladder: 1 captures read into ", 32) == 0 &&
	              !strchr(got, '\r') && !strchr(got, '\033') &&
	              strchr(got, '\n') == got + strlen(got) - 1, "'%s'", got);
	free(got);
}
END_TEST

/* -q on a terminal: nothing at all. */
START_TEST(quiet_on_terminal)
{
	char cmd[512];
	int status;
	snprintf(cmd, sizeof cmd, BIN " report -q -d %s -o %s/rq --where 'id <= 20'", db, dir);
	char *out = on_terminal(cmd, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(out, "");
	free(out);
	snprintf(cmd, sizeof cmd, BIN " ingest -q -d %s/q.db %s", dir, small);
	out = on_terminal(cmd, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

Suite *progress_suite(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("format");
	tcase_add_loop_test(tc, line_from_numbers, 0, sizeof lines / sizeof lines[0]);
	tcase_add_test(tc, line_cut_to_its_buffer);
	tcase_add_test(tc, seconds_left);
	tcase_add_test(tc, counts_grouped);
	suite_add_tcase(s, tc);
	tc = tcase_create("terminal");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, report_line_in_process);
	tcase_add_test(tc, report_line_from_workers);
	tcase_add_test(tc, ingest_line_in_process);
	tcase_add_test(tc, ingest_line_from_workers);
	tcase_add_test(tc, no_line_without_terminal);
	tcase_add_test(tc, quiet_on_terminal);
	suite_add_tcase(s, tc);
	return s;
}
