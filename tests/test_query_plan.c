/* query_plan: the queries users run most go through indexes, whatever the
 * archive's size: EXPLAIN QUERY PLAN shows no full scan of segments or
 * transitions, and flows are found by index. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

struct user_query {
	const char *what;
	const char *sql;
	const char *must_use; /* a fragment the plan must show */
};

static const struct user_query queries[] = {
	{"a flow by its client endpoint",
	 "SELECT * FROM flows_view WHERE client_ip = '10.0.0.1' AND client_port = 40000",
	 "INDEX flows_client"},
	{"a flow by its server endpoint",
	 "SELECT * FROM flows_view WHERE server_ip = '10.0.0.2' AND server_port = 80",
	 "INDEX flows_server"},
	{"the segments of one flow",
	 "SELECT * FROM segments_view WHERE flow_id = 9 ORDER BY frame",
	 "SEARCH s USING PRIMARY KEY (flow_id=?)"},
	{"the transitions of one flow",
	 "SELECT * FROM transitions_view WHERE flow_id = 9 ORDER BY step",
	 "SEARCH s USING PRIMARY KEY (flow_id=?)"},
	{"flows by final state",
	 "SELECT id FROM flows WHERE client_state = 5 AND server_state = 5",
	 "INDEX flows_final"},
	{"flows by final state names",
	 "SELECT id FROM flows_view WHERE client_state = 'ESTABLISHED'",
	 "INDEX flows_final"},
	{"the flows of one capture",
	 "SELECT id FROM flows WHERE capture_id = 3", "INDEX flows_capture"},
};

enum { QUERY_COUNT = sizeof queries / sizeof queries[0] };

START_TEST(user_query_uses_an_index)
{
	const struct user_query *q = &queries[_i];
	char dir[64], path[128];
	tu_scratch_dir(dir);
	snprintf(path, sizeof path, "%s/q.db", dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s ../examples", path), 0);
	/* The plan SQLite would choose on a big archive: give it statistics. */
	ck_assert_int_eq(tu_sh("sqlite3 %s ANALYZE", path), 0);
	char sql[1024];
	snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", q->sql);
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s",
	              q->what, sqlite3_errmsg(db));
	char plan[4096] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof plan - strlen(plan) - 2);
		strcat(plan, "\n");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	ck_assert_msg(!strstr(plan, "SCAN s\n") && !strstr(plan, "SCAN segment") &&
	                      !strstr(plan, "SCAN t\n") && !strstr(plan, "SCAN transitions"),
	              "%s scans a whole table:\n%s", q->what, plan);
	ck_assert_msg(strstr(plan, q->must_use) != NULL, "%s does not use %s:\n%s", q->what,
	              q->must_use, plan);
}
END_TEST

Suite *query_plan_suite(void)
{
	Suite *s = suite_create("query_plan");
	TCase *tc = tcase_create("indexes");
	tcase_add_loop_test(tc, user_query_uses_an_index, 0, QUERY_COUNT);
	suite_add_tcase(s, tc);
	return s;
}
