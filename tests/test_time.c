/* time: times before 1970 (a clock never set, a capture's stamps shifted
 * back) read as the second they fall in, with a fraction from 0, in every
 * view and every page and file that writes a time: floor division, where
 * C's and SQLite's truncate toward zero (1969-12-31T23:51:35.-391422000Z
 * before the fix). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capwrite.h"
#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"

/* A whole connection, handshake to FIN close, stamped -505 s + 608578 us
 * (1969-12-31T23:51:35.608578Z) on: the SYN,ACK 391421 us later, the last
 * microsecond of that second; the ACK at -504 s exactly. */
static void write_capture(const char *path)
{
	static const struct {
		int32_t sec;
		uint32_t usec;
		bool from_client;
		uint8_t flags;
		uint32_t seq, ack;
	} seg[] = {
		{-505, 608578, true, 0x02, 1000, 0},
		{-505, 999999, false, 0x12, 5000, 1001},
		{-504, 0, true, 0x10, 1001, 5001},
		{-504, 100, true, 0x11, 1001, 5001},
		{-504, 200, false, 0x11, 5001, 1002},
		{-504, 300, true, 0x10, 1002, 5002},
	};
	FILE *f = cw_pcap_create(path, 1, 65535);
	uint8_t buf[256];
	for (size_t i = 0; i < sizeof seg / sizeof seg[0]; i++) {
		struct cw_tcp t = {
			.src = seg[i].from_client ? 0x0a000001 : 0x0a000002,
			.dst = seg[i].from_client ? 0x0a000002 : 0x0a000001,
			.sport = seg[i].from_client ? 40000 : 80,
			.dport = seg[i].from_client ? 80 : 40000,
			.seq = seg[i].seq,
			.ack = seg[i].ack,
			.flags = seg[i].flags,
		};
		uint32_t len = cw_tcp_frame(buf, &t, 0);
		cw_pcap_record_at(f, seg[i].sec, seg[i].usec, buf, len);
	}
	ck_assert_int_eq(fclose(f), 0);
}

static void setup_db(char dir[64], char db[128])
{
	char cap[128];
	tu_scratch_dir(dir);
	snprintf(cap, sizeof cap, "%s/1969.pcap", dir);
	snprintf(db, 128, "%s/t.db", dir);
	write_capture(cap);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s", db, cap), 0);
}

START_TEST(views_write_times_before_1970)
{
	char dir[64], db[128];
	setup_db(dir, db);
	char *rows = tu_query(db, "SELECT frame, ts_ns, time FROM segments_view ORDER BY frame");
	ck_assert_str_eq(rows, "1|-504391422000|1969-12-31T23:51:35.608578000Z\n"
	                       "2|-504000001000|1969-12-31T23:51:35.999999000Z\n"
	                       "3|-504000000000|1969-12-31T23:51:36.000000000Z\n"
	                       "4|-503999900000|1969-12-31T23:51:36.000100000Z\n"
	                       "5|-503999800000|1969-12-31T23:51:36.000200000Z\n"
	                       "6|-503999700000|1969-12-31T23:51:36.000300000Z\n");
	free(rows);
	rows = tu_query(db, "SELECT first_ts_ns, time FROM flows_view");
	ck_assert_str_eq(rows, "-504391422000|1969-12-31T23:51:35.608578000Z\n");
	free(rows);
	rows = tu_query(db, "SELECT seen_frame, endpoint, to_state, time FROM transitions_view"
	                    " ORDER BY step");
	ck_assert_str_eq(rows, "1|client|SYN_SENT|1969-12-31T23:51:35.608578000Z\n"
	                       "2|server|SYN_RECEIVED|1969-12-31T23:51:35.999999000Z\n"
	                       "3|client|ESTABLISHED|1969-12-31T23:51:36.000000000Z\n"
	                       "3|server|ESTABLISHED|1969-12-31T23:51:36.000000000Z\n"
	                       "4|client|FIN_WAIT_1|1969-12-31T23:51:36.000100000Z\n"
	                       "5|server|CLOSE_WAIT|1969-12-31T23:51:36.000200000Z\n"
	                       "5|server|LAST_ACK|1969-12-31T23:51:36.000200000Z\n"
	                       "6|client|TIME_WAIT|1969-12-31T23:51:36.000300000Z\n"
	                       "6|server|CLOSED|1969-12-31T23:51:36.000300000Z\n");
	free(rows);
}
END_TEST

START_TEST(export_and_report_write_times_before_1970)
{
	char dir[64], db[128], path[160];
	setup_db(dir, db);
	ck_assert_int_eq(tu_sh(BIN " export segments -d %s -o %s/segments.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s/r", db, dir), 0);
	snprintf(path, sizeof path, "%s/segments.csv", dir);
	char *text = tu_slurp(path);
	/* The rows up to their flags (the rest is not about time). */
	static const char *const rows[] = {
		"\n1,1,-504391422000,1969-12-31T23:51:35.608578000Z,1,2,S,",
		"\n1,2,-504000001000,1969-12-31T23:51:35.999999000Z,0,18,S.,",
		"\n1,3,-504000000000,1969-12-31T23:51:36.000000000Z,1,16,.,",
		"\n1,6,-503999700000,1969-12-31T23:51:36.000300000Z,1,16,.,",
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		ck_assert_msg(strstr(text, rows[i]), "%s is not in\n%s", rows[i], text);
	const char *want;
	free(text);
	/* RFC 4180 rows; transitions.csv in microseconds, as the capture has. */
	snprintf(path, sizeof path, "%s/r/transitions.csv", dir);
	text = tu_slurp(path);
	want = "1,1,1969-12-31T23:51:35.608578Z,client,10.0.0.1:40000,CLOSED,SYN_SENT,send SYN,"
	       "S,0,,0\r\n"
	       "1,1,1969-12-31T23:51:35.999999Z,server,10.0.0.2:80,LISTEN,SYN_RECEIVED,recv SYN,"
	       "S,0,,0\r\n"
	       "1,2,1969-12-31T23:51:36.000000Z,client,10.0.0.1:40000,SYN_SENT,ESTABLISHED,"
	       "\"recv SYN,ACK\",S.,0,1,0\r\n";
	ck_assert_msg(strstr(text, want), "%s", text);
	free(text);
	snprintf(path, sizeof path, "%s/r/index.html", dir);
	text = tu_slurp(path);
	ck_assert_msg(strstr(text, ">1969-12-31T23:51:35.608578Z<"), "%s", text);
	free(text);
	/* The flow page: the day and time it starts in its facts, each
	 * segment's time of that day in its hover text, its time into the
	 * flow on its row. */
	snprintf(path, sizeof path, "%s/r/flows/1.html", dir);
	text = tu_slurp(path);
	static const char *const page[] = {
	        "started <b>1969-12-31 23:51:35.608578 UTC</b>",
	        "<title>23:51:35.999999 UTC\n",
	        "<title>23:51:36.000000 UTC\n",
	        ">0.391421<",
	        ">0.391422<",
	};
	for (size_t i = 0; i < sizeof page / sizeof page[0]; i++)
		ck_assert_msg(strstr(text, page[i]), "flows/1.html lacks %s", page[i]);
	ck_assert_msg(!strstr(text, ".-"), "flows/1.html has a negative fraction: %.60s",
	              strstr(text, ".-"));
	free(text);
}
END_TEST

Suite *time_suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("before_1970");
	tcase_add_test(tc, views_write_times_before_1970);
	tcase_add_test(tc, export_and_report_write_times_before_1970);
	suite_add_tcase(s, tc);
	return s;
}
