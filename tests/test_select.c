/* select: choosing what a report draws (issue 18): --where, a SQL
 * condition on flows_view; --flow-file, ids one a line; and both, which
 * keep the ids the condition holds for. Over examples/, whose flows have
 * the conn_states and states the conditions ask for. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"

/* The flow pages a report folder holds, as "ID ID ..." in id order. */
static char *pages(const char *dir)
{
	char cmd[512], *out = malloc(4096);
	snprintf(cmd, sizeof cmd, "ls %s/flows | sed 's/\\.html$//' | sort -n | tr '\\n' ' '", dir);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	size_t n = fread(out, 1, 4095, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

/* The same ids from SQL over the database. */
static char *ids_where(const char *db, const char *cond)
{
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT group_concat(id, ' ') || ' ' FROM (SELECT id FROM"
	                          " flows_view WHERE %s ORDER BY id)", cond);
	char *rows = tu_query(db, sql);
	rows[strcspn(rows, "\n")] = '\0';
	return rows;
}

START_TEST(where_draws_the_flows_its_condition_holds_for)
{
	char dir[64], db[128], out[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples", db), 0);
	const char *cond = "conn_state = 'REJ' OR client_state = 'TIME_WAIT'";
	snprintf(out, sizeof out, "%s/r", dir);
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s --where \"%s\"", db, out, cond), 0);
	char *want = ids_where(db, cond), *got = pages(out);
	ck_assert_int_gt(strlen(want), 2);
	ck_assert_int_lt(tu_query_int(db, "SELECT count(*) FROM flows_view WHERE conn_state = 'REJ'"
	                                  " OR client_state = 'TIME_WAIT'"),
	                 tu_query_int(db, "SELECT count(*) FROM flows"));
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	/* Mistakes are named; nothing is run but the one condition. */
	ck_assert_int_eq(tu_sh(BIN " report -d %s -o %s/x --where 'no_such = 1' 2>%s/err", db, dir,
	                       dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'no such column: no_such' %s/err", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " report -d %s -o %s/x --where '1); DELETE FROM captures;"
	                       " SELECT (1' 2>%s/err", db, dir, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'not one condition' %s/err", dir), 0);
	ck_assert_int_gt(tu_query_int(db, "SELECT count(*) FROM captures"), 0);
	ck_assert_int_eq(tu_sh(BIN " report -d %s -o %s/x --where 'packets < 0' 2>%s/err", db, dir,
	                       dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'no flow of .* is selected by --where' %s/err", dir), 0);
	ck_assert_int_eq(tu_sh("test ! -e %s/x", dir), 0);
}
END_TEST

START_TEST(flow_file_lists_any_number_of_flows)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples", db), 0);
	ck_assert_int_eq(tu_sh("printf '3\\n# the refused one\\n\\n  5 \\n2\\n' > %s/ids", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s/r --flow-file %s/ids", db, dir, dir), 0);
	char out[128];
	snprintf(out, sizeof out, "%s/r", dir);
	char *got = pages(out);
	ck_assert_str_eq(got, "2 3 5 ");
	free(got);
	/* From stdin, and narrowed by --where. */
	ck_assert_int_eq(tu_sh("seq 1 100 | " BIN " report -q -d %s -o %s/w --flow-file -"
	                       " --where 'client_packets > 3' 2>/dev/null", db, dir), 0);
	snprintf(out, sizeof out, "%s/w", dir);
	got = pages(out);
	char *want = ids_where(db, "client_packets > 3");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	/* A line that is no id is named by its number. */
	ck_assert_int_eq(tu_sh("printf '3\\nseven\\n' > %s/bad", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " report -d %s -o %s/b --flow-file %s/bad 2>%s/err", db, dir,
	                       dir, dir), 2);
	ck_assert_int_eq(tu_sh("grep -q \"line 2: not a flow id: 'seven'\" %s/err", dir), 0);
}
END_TEST

/* run hands report's selection on: the pages are those report draws
 * with the same options, and -j reaches both commands. */
START_TEST(run_takes_the_selection_options)
{
	char dir[64], out[128], db[160];
	tu_scratch_dir(dir);
	snprintf(out, sizeof out, "%s/run", dir);
	snprintf(db, sizeof db, "%s/tcpladder.db", out);
	const char *cond = "conn_state IN ('REJ', 'RSTO')";
	ck_assert_int_eq(tu_sh(BIN " run -q -j 2 --where \"%s\" ../examples -o %s", cond, out), 0);
	char *want = ids_where(db, cond), *got = pages(out);
	ck_assert_int_gt(strlen(want), 2);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	/* Run again with other options: the same database, other pages. The
	 * captures by name: -j 2 numbered them in the order they finished. */
	const char *named = "SELECT id FROM captures WHERE path LIKE '%/ipv6.pcap'"
	                    " OR path LIKE '%/port-reuse.pcap' OR path LIKE '%/refused.pcap'";
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT group_concat(id, ',') FROM (%s)", named);
	char *caps = tu_query(db, sql);
	caps[strcspn(caps, "\n")] = '\0';
	ck_assert_int_eq(tu_sh(BIN " run -q --notable --capture %s ../examples -o %s", caps, out), 0);
	snprintf(sql, sizeof sql, "capture_id IN (%s) AND id IN (SELECT flow_id FROM"
	                          " flow_notability WHERE score > 0)", named);
	want = ids_where(db, sql);
	got = pages(out);
	ck_assert_str_eq(got, want);
	/* Some, not all, of these captures' flows: ipv6.pcap's is not notable. */
	ck_assert_int_gt(strlen(want), 4);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM flows WHERE capture_id IN (%s)", named);
	long long drawn = 0;
	for (const char *c = want; *c; c++)
		drawn += *c == ' ';
	ck_assert_int_lt(drawn, tu_query_int(db, sql));
	free(caps);
	free(want);
	free(got);
	ck_assert_int_eq(tu_sh("printf '3\\n4\\n' > %s/ids && " BIN " run -q --flow-file %s/ids"
	                       " ../examples -o %s", dir, dir, out), 0);
	got = pages(out);
	ck_assert_str_eq(got, "3 4 ");
	free(got);
	/* A report option run does not take is a usage error, before any work. */
	ck_assert_int_eq(tu_sh(BIN " run --standalone-nope ../examples -o %s 2>/dev/null", out), 2);
}
END_TEST

Suite *select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("select");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, where_draws_the_flows_its_condition_holds_for);
	tcase_add_test(tc, flow_file_lists_any_number_of_flows);
	tcase_add_test(tc, run_takes_the_selection_options);
	suite_add_tcase(s, tc);
	return s;
}
