/* cli: the command line as users and scripts meet it: exit statuses
 * (0 all read, 1 some failed or partly read, 2 usage), stdin, help. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	char *caps = tu_query(db, "SELECT path, packets FROM captures ORDER BY id");
	ck_assert_str_eq(caps, "-|13\n-|10\n");
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

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("exit_status");
	tcase_add_test(tc, usage_errors_exit_2);
	tcase_add_test(tc, help_and_version_exit_0);
	tcase_add_test(tc, all_read_exits_0_some_failed_exits_1);
	tcase_add_test(tc, stdin_plain_and_gzip);
	tcase_add_test(tc, verbose_says_what_it_did);
	suite_add_tcase(s, tc);
	return s;
}
