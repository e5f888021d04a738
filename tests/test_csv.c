/* csv: the RFC 4180 writer byte for byte, DIR/transitions.csv for the
 * seed against DESIGN.md's table, and `tcpladder export` as scripts meet
 * it: exit statuses, stdout or -o FILE, selections, a header of the view's
 * column names, and hostile text that must come back from a CSV reader
 * exactly as the database holds it. The CSV is read back by a strict
 * reader here and, when python3 is installed, by Python's csv module, so
 * that the writer is not only checked against its own idea of RFC 4180. */
#include <check.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "db_report.h"
#include "report.h"
#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"
#define SEED "../examples/seed.pcap"

/* --- helpers ----------------------------------------------------------- */

/* What fn writes to a stream, as a malloc'd string. */
static char *written(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(out);
	fn(out, arg);
	ck_assert_int_eq(fclose(out), 0);
	return buf;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *in = fopen(path, "rb");
	ck_assert_msg(in != NULL, "cannot open %s", path);
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, in)) > 0) {
		n += got;
		if (cap - n < 2)
			buf = realloc(buf, cap *= 2);
	}
	fclose(in);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* A strict RFC 4180 reader: CSV text into tu_query's shape (fields joined
 * by '|', each record ended by '\n'). Every record must end with CRLF; a
 * quote inside an unquoted field, a bare CR or LF outside quotes, text
 * after a closing quote or an unclosed quote fails the test. */
static char *csv_as_rows(const char *csv, size_t len)
{
	char *out = malloc(len + 2);
	size_t o = 0, i = 0;
	while (i < len) {
		for (int field = 0;; field++) {
			if (field)
				out[o++] = '|';
			if (i < len && csv[i] == '"') {
				for (i++;; i++) {
					ck_assert_msg(i < len, "unclosed quote");
					if (csv[i] == '"') {
						if (i + 1 < len && csv[i + 1] == '"')
							i++;
						else
							break;
					}
					out[o++] = csv[i];
				}
				i++;
			} else {
				while (i < len && csv[i] != ',' && csv[i] != '\r') {
					ck_assert_msg(csv[i] != '"' && csv[i] != '\n',
					              "unquoted '%c' at byte %zu", csv[i], i);
					out[o++] = csv[i++];
				}
			}
			if (i < len && csv[i] == ',') {
				i++;
				continue;
			}
			ck_assert_msg(i + 1 < len && csv[i] == '\r' && csv[i + 1] == '\n',
			              "record not ended by CRLF at byte %zu", i);
			i += 2;
			out[o++] = '\n';
			break;
		}
	}
	out[o] = '\0';
	return out;
}

/* The column names of a view, '|'-joined and '\n'-ended like a row. */
static char *view_header(const char *db_path, const char *view)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT * FROM %s", view);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	char *out = calloc(1, 4096);
	for (int i = 0; i < sqlite3_column_count(st); i++) {
		if (i)
			strcat(out, "|");
		strcat(out, sqlite3_column_name(st, i));
	}
	strcat(out, "\n");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* A fixture change no ingest makes: hostile text in a database. */
static void set_flow_text(const char *db_path, const char *column,
                          int64_t flow_id, const char *text)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE flows SET %s = ? WHERE id = ?", column);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, flow_id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	ck_assert_int_eq(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void ingest_ok(const char *db_path, const char *capture)
{
	struct ingest_result r;
	tu_ingest(db_path, capture, NULL, &r);
	ck_assert_msg(r.outcome == INGEST_OK, "%s: %s", capture, r.error);
}

static char *hex(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(2 * n + 1);
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", (unsigned char)s[i]);
	out[2 * n] = '\0';
	return out;
}

/* Text a careless writer gets wrong, and some it might "fix" wrongly. */
static const char *const hostile[] = {
	"plain",
	"a,b",
	"say \"hi\"",
	"\"",
	"\"\"",
	"line\r\nbreak",
	"lf\nonly",
	"cr\ronly",
	",\n\r\"",
	" leading and trailing ",
	"x \"q\", &<script>alert(1)</script>",
	"Größe → ✓ 日本",
	"",
	"'single' ; tab\there",
	"trailing quote\"",
	"\"leading quote",
};
#define N_HOSTILE (sizeof hostile / sizeof hostile[0])

/* --- the writer -------------------------------------------------------- */

static const struct {
	const char *text;
	int first;
	const char *bytes;
} field_cases[] = {
	{"plain", 1, "plain"},
	{"plain", 0, ",plain"},
	{"a,b", 1, "\"a,b\""},
	{"say \"hi\"", 1, "\"say \"\"hi\"\"\""},
	{"\"", 1, "\"\"\"\""},
	{"a\r\nb", 1, "\"a\r\nb\""},
	{"a\nb", 1, "\"a\nb\""},
	{"a\rb", 1, "\"a\rb\""},
	{"", 1, ""},
	{"", 0, ","},
	{NULL, 1, ""},
	{NULL, 0, ","},
	{"  lead", 1, "  lead"},
	{"trail ", 0, ",trail "},
	{"Größe ✓", 1, "Größe ✓"},
	{"é,ü", 0, ",\"é,ü\""},
	{"tab\there", 1, "tab\there"},
	{"semi;colon", 1, "semi;colon"},
	{"&<script>", 1, "&<script>"},
	{"'apostrophe'", 1, "'apostrophe'"},
};

struct field_arg {
	const char *text;
	int first;
};

static void write_field(FILE *out, const void *p)
{
	const struct field_arg *a = p;
	csv_field(out, a->text, a->first);
}

START_TEST(field_is_quoted_only_when_rfc4180_says)
{
	struct field_arg a = {field_cases[_i].text, field_cases[_i].first};
	char *got = written(write_field, &a);
	ck_assert_msg(strcmp(got, field_cases[_i].bytes) == 0,
	              "case %d: wrote [%s], want [%s]", _i, got,
	              field_cases[_i].bytes);
	free(got);
}
END_TEST

static const struct {
	int64_t value;
	int first;
	const char *bytes;
} int_cases[] = {
	{0, 1, "0"},
	{42, 1, "42"},
	{42, 0, ",42"},
	{-7, 1, "-7"},
	{-7, 0, ",-7"},
	{INT64_MAX, 1, "9223372036854775807"},
	{INT64_MIN, 1, "-9223372036854775808"},
	{INT64_MIN, 0, ",-9223372036854775808"},
	{4294967296LL, 1, "4294967296"},
};

struct int_arg {
	int64_t value;
	int first;
};

static void write_int(FILE *out, const void *p)
{
	const struct int_arg *a = p;
	csv_int(out, a->value, a->first);
}

START_TEST(integer_is_written_in_decimal)
{
	struct int_arg a = {int_cases[_i].value, int_cases[_i].first};
	char *got = written(write_int, &a);
	ck_assert_str_eq(got, int_cases[_i].bytes);
	free(got);
}
END_TEST

static void write_two_records(FILE *out, const void *p)
{
	(void)p;
	csv_field(out, "a", 1);
	csv_int(out, -1, 0);
	csv_field(out, NULL, 0);
	csv_field(out, "x,y", 0);
	csv_end(out);
	csv_field(out, NULL, 1);
	csv_field(out, "", 0);
	csv_end(out);
}

START_TEST(records_end_with_crlf)
{
	char *got = written(write_two_records, NULL);
	ck_assert_str_eq(got, "a,-1,,\"x,y\"\r\n,\r\n");
	free(got);
}
END_TEST

static void write_hostile(FILE *out, const void *p)
{
	(void)p;
	for (size_t i = 0; i < N_HOSTILE; i++) {
		csv_int(out, (int64_t)i, 1);
		csv_field(out, hostile[i], 0);
		csv_field(out, "tail", 0);
		csv_end(out);
	}
}

START_TEST(hostile_fields_read_back_exactly)
{
	char *csv = written(write_hostile, NULL);
	char *rows = csv_as_rows(csv, strlen(csv));
	char want[4096] = "";
	for (size_t i = 0; i < N_HOSTILE; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want),
		         "%zu|%s|tail\n", i, hostile[i]);
	ck_assert_str_eq(rows, want);
	free(rows);
	free(csv);
}
END_TEST

/* Python's csv module in strict mode: another reader's opinion. */
#define PY_FIELDS_AS_HEX                                                   \
	"python3 -c 'import csv, sys\n"                                        \
	"for r in csv.reader(open(sys.argv[1], newline=\"\", encoding=\"utf-8\"),"\
	" strict=True):\n"                                                     \
	"    print(\",\".join(f.encode(\"utf-8\").hex() for f in r))'"

START_TEST(python_csv_reads_hostile_fields_back)
{
	char dir[64], path[128], outp[128];
	tu_scratch_dir(dir);
	snprintf(path, sizeof path, "%s/hostile.csv", dir);
	snprintf(outp, sizeof outp, "%s/hex.txt", dir);
	FILE *out = fopen(path, "wb");
	ck_assert_ptr_nonnull(out);
	write_hostile(out, NULL);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_int_eq(tu_sh(PY_FIELDS_AS_HEX " %s > %s", path, outp), 0);

	char want[8192] = "";
	char *tail = hex("tail");
	for (size_t i = 0; i < N_HOSTILE; i++) {
		char num[32];
		snprintf(num, sizeof num, "%zu", i);
		char *n = hex(num), *h = hex(hostile[i]);
		snprintf(want + strlen(want), sizeof want - strlen(want), "%s,%s,%s\n",
		         n, h, tail);
		free(n);
		free(h);
	}
	free(tail);
	char *got = read_file(outp, NULL);
	ck_assert_str_eq(got, want);
	free(got);
}
END_TEST

/* --- transitions.csv ----------------------------------------------------- */

#define TRANSITIONS_HEADER                                                 \
	"flow_id,frame,time,endpoint,address,from_state,to_state,event,flags," \
	"rel_seq,rel_ack,len\r\n"

/* DESIGN.md's seed table, one row per change; the time is seen_frame's
 * (when the capture proves the change), flags/rel_seq/rel_ack/len are the
 * segment's at frame, as examples/seed.tcpdump.txt prints it. */
static const char seed_csv[] =
	TRANSITIONS_HEADER
	"1,1,2016-11-07T23:59:20.542060Z,client,192.168.1.103:59850,CLOSED,SYN_SENT,send SYN,S,0,,0\r\n"
	"1,1,2016-11-07T23:59:20.542277Z,server,192.168.1.104:9999,LISTEN,SYN_RECEIVED,recv SYN,S,0,,0\r\n"
	"1,2,2016-11-07T23:59:20.542315Z,client,192.168.1.103:59850,SYN_SENT,ESTABLISHED,\"recv SYN,ACK\",S.,0,1,0\r\n"
	"1,3,2016-11-07T23:59:20.542315Z,server,192.168.1.104:9999,SYN_RECEIVED,ESTABLISHED,recv ACK,.,1,1,0\r\n"
	"1,10,2016-11-07T23:59:27.469414Z,server,192.168.1.104:9999,ESTABLISHED,FIN_WAIT_1,send FIN,F.,6,14,0\r\n"
	"1,10,2016-11-07T23:59:27.469473Z,client,192.168.1.103:59850,ESTABLISHED,CLOSE_WAIT,recv FIN,F.,6,14,0\r\n"
	"1,11,2016-11-07T23:59:27.469473Z,server,192.168.1.104:9999,FIN_WAIT_1,FIN_WAIT_2,recv ACK,.,14,7,0\r\n"
	"1,12,2016-11-07T23:59:27.469603Z,client,192.168.1.103:59850,CLOSE_WAIT,LAST_ACK,send FIN,F.,14,7,0\r\n"
	"1,12,2016-11-07T23:59:27.470063Z,server,192.168.1.104:9999,FIN_WAIT_2,TIME_WAIT,recv FIN,F.,14,7,0\r\n"
	"1,13,2016-11-07T23:59:27.470063Z,client,192.168.1.103:59850,LAST_ACK,CLOSED,recv ACK,.,7,15,0\r\n";

/* report_transitions_csv over db_path into csv_path; its err on failure. */
static int transitions_csv(const char *db_path, const struct db_selection *sel,
                           const char *csv_path, char *err, size_t errlen)
{
	char open_err[256];
	struct db *db = db_open_readonly(db_path, open_err, sizeof open_err);
	ck_assert_msg(db != NULL, "%s: %s", db_path, open_err);
	int rc = report_transitions_csv(db, sel, csv_path, err, errlen);
	db_close(db);
	return rc;
}

START_TEST(seed_transitions_csv_is_designs_table)
{
	char dir[64], db[128], csv[128], err[256] = "";
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(csv, sizeof csv, "%s/transitions.csv", dir);
	ingest_ok(db, SEED);
	struct db_selection all = {0};
	ck_assert_msg(transitions_csv(db, &all, csv, err, sizeof err) == 0, "%s", err);
	char *got = read_file(csv, NULL);
	ck_assert_str_eq(got, seed_csv);
	free(got);
}
END_TEST

/* The seed again with nanosecond timestamps, each 123 ns later: a pcap's
 * own header says nanoseconds (magic a1b23c4d), so no rounding hides them. */
static void write_nanosecond_seed(const char *path)
{
	size_t len;
	char *buf = read_file(SEED, &len);
	uint32_t magic;
	ck_assert_uint_ge(len, 24);
	memcpy(&magic, buf, 4);
	ck_assert_msg(magic == 0xa1b2c3d4, "seed.pcap is not a native-order microsecond pcap");
	magic = 0xa1b23c4d;
	memcpy(buf, &magic, 4);
	for (size_t off = 24; off + 16 <= len;) {
		uint32_t frac, incl;
		memcpy(&frac, buf + off + 4, 4);
		memcpy(&incl, buf + off + 8, 4);
		frac = frac * 1000 + 123;
		memcpy(buf + off + 4, &frac, 4);
		off += 16 + incl;
	}
	FILE *out = fopen(path, "wb");
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(fwrite(buf, 1, len, out), len);
	ck_assert_int_eq(fclose(out), 0);
	free(buf);
}

START_TEST(nanosecond_capture_keeps_nine_digits)
{
	char dir[64], pcap[128], db[128], csv[128], err[256] = "";
	tu_scratch_dir(dir);
	snprintf(pcap, sizeof pcap, "%s/seed-ns.pcap", dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(csv, sizeof csv, "%s/transitions.csv", dir);
	write_nanosecond_seed(pcap);
	ingest_ok(db, pcap);
	struct db_selection all = {0};
	ck_assert_msg(transitions_csv(db, &all, csv, err, sizeof err) == 0, "%s", err);

	/* The seed's rows with "Z," (only ever a time's end) as "123Z,". */
	char want[sizeof seed_csv + 64], *w = want;
	for (const char *p = seed_csv; *p; p++) {
		if (p[0] == 'Z' && p[1] == ',')
			w += sprintf(w, "123");
		*w++ = *p;
	}
	*w = '\0';
	char *got = read_file(csv, NULL);
	ck_assert_str_eq(got, want);
	free(got);
}
END_TEST

START_TEST(selection_without_flows_writes_the_header_only)
{
	char dir[64], db[128], csv[128], err[256] = "";
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(csv, sizeof csv, "%s/transitions.csv", dir);
	ingest_ok(db, SEED);
	int64_t absent[] = {99};
	struct db_selection sel = {.flow_ids = absent, .n_flow_ids = 1};
	ck_assert_msg(transitions_csv(db, &sel, csv, err, sizeof err) == 0, "%s", err);
	char *got = read_file(csv, NULL);
	ck_assert_str_eq(got, TRANSITIONS_HEADER);
	free(got);
}
END_TEST

START_TEST(unwritable_csv_fails_naming_the_file)
{
	char dir[64], db[128], csv[160], err[256] = "";
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(csv, sizeof csv, "%s/no-such-dir/transitions.csv", dir);
	ingest_ok(db, SEED);
	struct db_selection all = {0};
	ck_assert_int_eq(transitions_csv(db, &all, csv, err, sizeof err), -1);
	ck_assert_msg(strstr(err, csv) != NULL, "err [%s] does not name %s", err, csv);

	/* Writes that fail (a full disk) fail the call; the device stays. */
	if (access("/dev/full", W_OK) == 0) {
		ck_assert_int_eq(transitions_csv(db, &all, "/dev/full", err, sizeof err), -1);
		ck_assert_msg(strstr(err, "/dev/full") != NULL, "err [%s]", err);
		ck_assert_int_eq(access("/dev/full", F_OK), 0);
	}
}
END_TEST

START_TEST(hostile_output_path_is_just_a_name)
{
	char dir[64], db[128], csv[192], err[256] = "";
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(csv, sizeof csv, "%s/x \"q\", &<script>\nalert(1).csv", dir);
	ingest_ok(db, SEED);
	struct db_selection all = {0};
	ck_assert_msg(transitions_csv(db, &all, csv, err, sizeof err) == 0, "%s", err);
	char *got = read_file(csv, NULL);
	ck_assert_str_eq(got, seed_csv);
	free(got);
}
END_TEST

/* --- tcpladder export ---------------------------------------------------- */

/* A database of several example captures: flows 1.. in ingest order. */
static const char *const several[] = {
	"../examples/seed.pcap", "../examples/refused.pcap",
	"../examples/port-reuse.pcap", "../examples/ipv6.pcap",
};

static void several_db(char dir[64], char db[128])
{
	tu_scratch_dir(dir);
	snprintf(db, 128, "%s/x.db", dir);
	for (size_t i = 0; i < sizeof several / sizeof several[0]; i++)
		ingest_ok(db, several[i]);
}

/* An exported file read back, checked against the view itself. */
static void assert_export_equals(const char *csv_path, const char *db,
                                 const char *view, const char *where_order)
{
	size_t len;
	char *csv = read_file(csv_path, &len);
	char *rows = csv_as_rows(csv, len);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT * FROM %s %s", view, where_order);
	char *header = view_header(db, view), *body = tu_query(db, sql);
	char *want = malloc(strlen(header) + strlen(body) + 1);
	strcpy(want, header);
	strcat(want, body);
	ck_assert_str_eq(rows, want);
	free(want);
	free(body);
	free(header);
	free(rows);
	free(csv);
}

START_TEST(export_usage_errors_exit_2)
{
	char dir[64], db[128];
	several_db(dir, db);
	ck_assert_int_eq(tu_sh(BIN " export -d %s 2>/dev/null", db), 2);
	ck_assert_int_eq(tu_sh(BIN " export bogus -d %s 2>%s/err", db, dir), 2);
	ck_assert_int_eq(tu_sh("grep -q \"no table 'bogus'\" %s/err", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " export flows segments -d %s 2>/dev/null", db), 2);
	ck_assert_int_eq(tu_sh(BIN " export flows --no-such-option -d %s 2>/dev/null", db), 2);
	static const char *const bad_ids[] = {"x", "0", "-1", "1,,2", ",1", "1.5",
	                                      "2x", "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
		ck_assert_msg(tu_sh(BIN " export flows -d %s --flow '%s' 2>/dev/null", db,
		                    bad_ids[i]) == 2, "--flow '%s'", bad_ids[i]);
		ck_assert_msg(tu_sh(BIN " export flows -d %s --capture '%s' 2>/dev/null", db,
		                    bad_ids[i]) == 2, "--capture '%s'", bad_ids[i]);
	}
}
END_TEST

START_TEST(export_help_exits_0)
{
	ck_assert_int_eq(tu_sh(BIN " export --help | grep -q -- '--flow ID'"), 0);
	ck_assert_int_eq(tu_sh(BIN " help export | grep -q 'flows|segments|transitions'"), 0);
}
END_TEST

START_TEST(missing_database_exits_1_and_writes_nothing)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh(BIN " export flows -d %s/absent.db -o %s/out.csv 2>%s/err",
	                       dir, dir, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'absent.db' %s/err", dir), 0);
	char path[128];
	snprintf(path, sizeof path, "%s/out.csv", dir);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* Nor does a read-only open create the database. */
	snprintf(path, sizeof path, "%s/absent.db", dir);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* The default database is ./tcpladder.db: none in a fresh directory. */
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(tu_sh("cd %s && %s/" BIN " export flows 2>err", dir, cwd), 1);
	ck_assert_int_eq(tu_sh("grep -q 'tcpladder.db' %s/err", dir), 0);
}
END_TEST

START_TEST(unwritable_output_exits_1)
{
	char dir[64], db[128];
	several_db(dir, db);
	ck_assert_int_eq(tu_sh(BIN " export flows -d %s -o %s/no/such/dir.csv 2>%s/err",
	                       db, dir, dir), 1);
	ck_assert_int_eq(tu_sh("grep -q 'no/such/dir.csv' %s/err", dir), 0);
	if (access("/dev/full", W_OK) == 0) {
		ck_assert_int_eq(tu_sh(BIN " export segments -d %s -o /dev/full 2>/dev/null", db), 1);
		ck_assert_int_eq(tu_sh(BIN " export segments -d %s >/dev/full 2>/dev/null", db), 1);
		ck_assert_int_eq(access("/dev/full", F_OK), 0);
	}
}
END_TEST

START_TEST(every_view_exports_with_its_column_names)
{
	char dir[64], db[128], csv[128];
	several_db(dir, db);
	static const struct {
		const char *table, *view, *order;
	} views[] = {
		{"flows", "flows_view", "ORDER BY id"},
		{"segments", "segments_view", "ORDER BY flow_id, frame"},
		{"transitions", "transitions_view", "ORDER BY flow_id, step"},
	};
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
		snprintf(csv, sizeof csv, "%s/%s.csv", dir, views[i].table);
		ck_assert_int_eq(tu_sh(BIN " export %s -d %s -o %s", views[i].table, db, csv), 0);
		assert_export_equals(csv, db, views[i].view, views[i].order);
	}
}
END_TEST

START_TEST(stdout_and_output_file_hold_the_same_bytes)
{
	char dir[64], db[128];
	several_db(dir, db);
	ck_assert_int_eq(tu_sh(BIN " export segments -d %s > %s/a.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " export segments -d %s -o %s/b.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " export -o - segments -d %s > %s/c.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh("cmp -s %s/a.csv %s/b.csv && cmp -s %s/a.csv %s/c.csv",
	                       dir, dir, dir, dir), 0);
	/* And they are the view, CRLF-ended (the reader insists). */
	char csv[128];
	snprintf(csv, sizeof csv, "%s/a.csv", dir);
	assert_export_equals(csv, db, "segments_view", "ORDER BY flow_id, frame");
	/* -o replaces what was there. */
	ck_assert_int_eq(tu_sh("echo old > %s/d.csv && " BIN " export segments -d %s -o %s/d.csv"
	                       " && cmp -s %s/a.csv %s/d.csv", dir, db, dir, dir, dir), 0);
}
END_TEST

START_TEST(flow_and_capture_select_rows)
{
	char dir[64], db[128], csv[128];
	several_db(dir, db);
	ck_assert_int_ge(tu_query_int(db, "SELECT count(*) FROM flows"), 4);

	snprintf(csv, sizeof csv, "%s/one.csv", dir);
	ck_assert_int_eq(tu_sh(BIN " export segments -d %s --flow 2 -o %s", db, csv), 0);
	assert_export_equals(csv, db, "segments_view",
	                     "WHERE flow_id = 2 ORDER BY flow_id, frame");

	/* Repeated and listed ids mean the same; order given does not matter. */
	snprintf(csv, sizeof csv, "%s/two.csv", dir);
	ck_assert_int_eq(tu_sh(BIN " export transitions -d %s --flow 3 --flow 1 -o %s",
	                       db, csv), 0);
	assert_export_equals(csv, db, "transitions_view",
	                     "WHERE flow_id IN (1, 3) ORDER BY flow_id, step");
	ck_assert_int_eq(tu_sh(BIN " export transitions -d %s --flow 1,3 | cmp -s - %s",
	                       db, csv), 0);

	snprintf(csv, sizeof csv, "%s/cap.csv", dir);
	ck_assert_int_eq(tu_sh(BIN " export flows -d %s --capture 3 -o %s", db, csv), 0);
	assert_export_equals(csv, db, "flows_view", "WHERE capture_id = 3 ORDER BY id");
	ck_assert_int_ge(tu_query_int(db, "SELECT count(*) FROM flows WHERE capture_id = 3"), 2);

	/* Both: flows in both lists. */
	ck_assert_int_eq(tu_sh(BIN " export flows -d %s --capture 1 --flow 1,2 -o %s", db, csv), 0);
	assert_export_equals(csv, db, "flows_view", "WHERE id = 1 ORDER BY id");
}
END_TEST

/* Hostile text in the database (no capture makes these, so the fixture
 * writes them) comes back from the export exactly. */
START_TEST(hostile_text_round_trips_through_export)
{
	char dir[64], db[128], csv[128];
	several_db(dir, db);
	for (size_t i = 0; i < N_HOSTILE; i++) {
		set_flow_text(db, "history", 1, hostile[i]);
		set_flow_text(db, "conn_state", 2, hostile[N_HOSTILE - 1 - i]);
		snprintf(csv, sizeof csv, "%s/h%zu.csv", dir, i);
		ck_assert_int_eq(tu_sh(BIN " export flows -d %s -o %s", db, csv), 0);
		assert_export_equals(csv, db, "flows_view", "ORDER BY id");
	}
}
END_TEST

START_TEST(python_reads_hostile_export_back)
{
	char dir[64], db[128];
	several_db(dir, db);
	const char *text = hostile[10];   /* quotes, comma, &<script> */
	set_flow_text(db, "history", 1, "a,\"b\"\r\nc\n&<script>");
	set_flow_text(db, "conn_state", 1, text);
	ck_assert_int_eq(tu_sh(BIN " export flows -d %s --flow 1 -o %s/f.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh("python3 -c 'import csv, sys\n"
	                       "r = list(csv.reader(open(sys.argv[1], newline=\"\", encoding=\"utf-8\"), strict=True))\n"
	                       "assert len(r) == 2, r\n"
	                       "h = r[0]\n"
	                       "print(r[1][h.index(\"history\")].encode().hex())\n"
	                       "print(r[1][h.index(\"conn_state\")].encode().hex())'"
	                       " %s/f.csv > %s/hex.txt", dir, dir), 0);
	char *a = hex("a,\"b\"\r\nc\n&<script>"), *b = hex(text);
	char want[512];
	snprintf(want, sizeof want, "%s\n%s\n", a, b);
	char path[128];
	snprintf(path, sizeof path, "%s/hex.txt", dir);
	char *got = read_file(path, NULL);
	ck_assert_str_eq(got, want);
	free(got);
	free(a);
	free(b);
}
END_TEST

/* Database and output paths with quotes, a comma, an ampersand, angle
 * brackets and a newline are names like any other. */
START_TEST(hostile_paths_work_for_export)
{
	char dir[64], sub[160], db[192], csv[192], quoted_db[256], quoted_csv[256];
	tu_scratch_dir(dir);
	snprintf(sub, sizeof sub, "%s/x \"q\", &<script>\nd", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(db, sizeof db, "%s/t \"db\", &.db", sub);
	snprintf(csv, sizeof csv, "%s/o \"u\"\nt, &<b>.csv", sub);
	snprintf(quoted_db, sizeof quoted_db, "'%s'", db);    /* no ' in them */
	snprintf(quoted_csv, sizeof quoted_csv, "'%s'", csv);
	ingest_ok(db, SEED);
	ck_assert_int_eq(tu_sh(BIN " export transitions -d %s -o %s", quoted_db, quoted_csv), 0);
	assert_export_equals(csv, db, "transitions_view", "ORDER BY flow_id, step");
	ck_assert_int_eq(tu_sh(BIN " export transitions -d %s | cmp -s - %s",
	                       quoted_db, quoted_csv), 0);
}
END_TEST

Suite *csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("writer");
	tcase_add_loop_test(tc, field_is_quoted_only_when_rfc4180_says, 0,
	                    sizeof field_cases / sizeof field_cases[0]);
	tcase_add_loop_test(tc, integer_is_written_in_decimal, 0,
	                    sizeof int_cases / sizeof int_cases[0]);
	tcase_add_test(tc, records_end_with_crlf);
	tcase_add_test(tc, hostile_fields_read_back_exactly);
	suite_add_tcase(s, tc);

	tc = tcase_create("transitions_csv");
	tcase_add_test(tc, seed_transitions_csv_is_designs_table);
	tcase_add_test(tc, nanosecond_capture_keeps_nine_digits);
	tcase_add_test(tc, selection_without_flows_writes_the_header_only);
	tcase_add_test(tc, unwritable_csv_fails_naming_the_file);
	tcase_add_test(tc, hostile_output_path_is_just_a_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("export");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, export_usage_errors_exit_2);
	tcase_add_test(tc, export_help_exits_0);
	tcase_add_test(tc, missing_database_exits_1_and_writes_nothing);
	tcase_add_test(tc, unwritable_output_exits_1);
	tcase_add_test(tc, every_view_exports_with_its_column_names);
	tcase_add_test(tc, stdout_and_output_file_hold_the_same_bytes);
	tcase_add_test(tc, flow_and_capture_select_rows);
	tcase_add_test(tc, hostile_text_round_trips_through_export);
	tcase_add_test(tc, hostile_paths_work_for_export);
	suite_add_tcase(s, tc);

	if (tu_have("python3")) {
		tc = tcase_create("python");
		tcase_add_test(tc, python_csv_reads_hostile_fields_back);
		tcase_add_test(tc, python_reads_hostile_export_back);
		suite_add_tcase(s, tc);
	} else {
		fprintf(stderr, "csv: python3 not installed; Python's csv reader is not run\n");
	}
	return s;
}
