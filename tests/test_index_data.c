/* index_data: what the index's script reads and what the index shows of
 * a long archive. flows.js, written beside the index from a database of
 * the examples, is read back with SQLite's JSON functions: its head (the
 * columns, captures, state and flag names), and every flow's values, in
 * id order, against flows_view and flow_notability. The captures
 * table of twelve captures shows ten and folds the rest in a <details>. */
#include <check.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "suites.h"
#include "testutil.h"

static const char *const example_files[] = {
	"seed.pcap",     "simultaneous-close.pcap", "refused.pcap", "rst-abort.pcap",
	"midstream.pcap", "port-reuse.pcap",        "seq-wrap.pcap", "ipv6.pcap",
};
enum { EXAMPLES = sizeof example_files / sizeof example_files[0] };

/* The index and flows.js of every flow of db into dir. */
static void write_index(const char *db_path, const char *dir)
{
	char err[512] = "";
	struct db *db = db_open_readonly(db_path, err, sizeof err);
	ck_assert_msg(db != NULL, "%s: %s", db_path, err);
	struct db_selection sel = {0};
	struct report_options opt = {.max_segments = REPORT_DEFAULT_MAX_SEGMENTS};
	int rc = report_index_pages(db, &sel, &opt, dir, err, sizeof err);
	ck_assert_msg(rc == 0, "report_index_pages: %s", err);
	db_close(db);
}

/* One text from sql over an in-memory database, ?1 bound to arg. */
static char *json_sql(const char *sql, const char *arg)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
	              sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	const char *v = (const char *)sqlite3_column_text(st, 0);
	char *out = strdup(v ? v : "");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* The values of a JSON array, read by SQLite: as texts (sql's one column
 * over json_each(?1, path)), n of them. */
struct texts {
	char **v;
	size_t n;
};

static struct texts json_list(const char *json, const char *sql)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
	              sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, json, -1, SQLITE_TRANSIENT);
	struct texts t = {NULL, 0};
	while (sqlite3_step(st) == SQLITE_ROW) {
		t.v = realloc(t.v, (t.n + 1) * sizeof *t.v);
		const char *v = (const char *)sqlite3_column_text(st, 0);
		t.v[t.n++] = strdup(v ? v : "");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return t;
}

static void texts_free(struct texts t)
{
	for (size_t i = 0; i < t.n; i++)
		free(t.v[i]);
	free(t.v);
}

/* Column k of a chunk (the JSON text of its array of columns). */
static struct texts column(const char *chunk, int k)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT value FROM json_each(?1, '$[%d]') ORDER BY key", k);
	return json_list(chunk, sql);
}

START_TEST(data_file_holds_every_flow)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	for (size_t i = 0; i < EXAMPLES; i++) {
		char path[256];
		snprintf(path, sizeof path, "../examples/%s", example_files[i]);
		struct ingest_result r;
		tu_ingest(db, path, NULL, &r);
		ck_assert_msg(r.outcome == INGEST_OK, "%s: %s", path, r.error);
	}
	write_index(db, dir);
	char path[128];
	snprintf(path, sizeof path, "%s/flows.js", dir);
	char *js = tu_slurp(path);

	/* tcpladder_flows(HEAD, [CHUNK,\nCHUNK\n]); */
	char *head = strstr(js, "tcpladder_flows(");
	ck_assert_ptr_nonnull(head);
	head += strlen("tcpladder_flows(");
	char *chunks = strstr(head, ", [\n");
	ck_assert_ptr_nonnull(chunks);
	*chunks = '\0';
	chunks += strlen(", [\n");
	char *end = strstr(chunks, "\n]);\n");
	ck_assert_ptr_nonnull(end);
	*end = '\0';

	char *got = json_sql("SELECT json_valid(?1) || '|' || json_extract(?1, '$.columns')"
	                     " || '|' || json_array_length(?1, '$.captures')"
	                     " || '|' || json_extract(?1, '$.pages')"
	                     " || '|' || json_extract(?1, '$.states[11][1]')"
	                     " || '|' || json_extract(?1, '$.flags[0][1]')",
	                     head);
	ck_assert_str_eq(got, "1|[\"ids\",\"captures\",\"client\",\"client_port\",\"server\","
	                      "\"start_us\",\"duration_us\",\"packets\",\"bytes_cs\",\"bytes_sc\","
	                      "\"kind\",\"score\"]|8|all|TIME_WAIT|retransmission");
	free(got);
	char *base = json_sql("SELECT json_extract(?1, '$.base_s')", head);
	long long base_s = atoll(base);
	free(base);
	/* The head's tables, as the rows below name them. */
	struct texts servers = json_list(
		head, "SELECT CASE WHEN instr(value ->> 0, ':') THEN '[' || (value ->> 0) || ']'"
		      " ELSE value ->> 0 END || ':' || (value ->> 1)"
		      " FROM json_each(?1, '$.servers') ORDER BY key");
	struct texts clients6 = json_list(head, "SELECT value FROM json_each(?1, '$.clients6')"
	                                        " ORDER BY key");
	struct texts kinds = json_list(
		head, "SELECT (value ->> 0) || '|' || (value ->> 1) || '|' || (value ->> 2) || '|'"
		      " || (value ->> 3) FROM json_each(?1, '$.kinds') ORDER BY key");
	struct texts reasons = json_list(head, "SELECT value ->> 4 FROM json_each(?1, '$.kinds')"
	                                       " ORDER BY key");
	struct texts notable = json_list(head, "SELECT value ->> 5 FROM json_each(?1, '$.kinds')"
	                                       " ORDER BY key");
	ck_assert_int_gt((int)servers.n, 0);
	ck_assert_int_eq((int)clients6.n, 1); /* ipv6.pcap's */

	/* Each chunk a JSON string (as the page hands it to JSON.parse)
	 * holding an array of 12 columns: decoded as the page does (runs,
	 * places in the head's tables, starts from the one before) into
	 * rows, as SQL writes them from the database below. */
	size_t cap = 1 << 16, len = 0;
	char *rows = calloc(1, cap);
	for (char *line = strtok(chunks, "\n"); line; line = strtok(NULL, "\n")) {
		size_t n = strlen(line);
		if (n && line[n - 1] == ',')
			line[n - 1] = '\0';
		char *chunk = json_sql("SELECT json_extract('[' || ?1 || ']', '$[0]')", line);
		char *columns = json_sql("SELECT json_array_length(?1)", chunk);
		ck_assert_int_eq(atoi(columns), 12);
		free(columns);
		struct texts c[12];
		for (int k = 0; k < 12; k++)
			c[k] = column(chunk, k);
		size_t flows = c[2].n;
		long long *ids = calloc(flows, sizeof *ids), *caps = calloc(flows, sizeof *caps);
		size_t at = 0;
		for (size_t k = 0, from = 0; k + 1 < c[0].n; k += 2) {
			long long first = (long long)from + atoll(c[0].v[k]);
			for (long long j = 0; j < atoll(c[0].v[k + 1]); j++)
				ids[at++] = first + j;
			from = (size_t)(first + atoll(c[0].v[k + 1]));
		}
		ck_assert_uint_eq(at, flows);
		at = 0;
		for (size_t k = 0; k + 1 < c[1].n; k += 2) {
			for (long long j = 0; j < atoll(c[1].v[k + 1]); j++)
				caps[at++] = atoll(c[1].v[k]);
		}
		ck_assert_uint_eq(at, flows);
		long long start = 0;
		size_t scored = 0;
		for (size_t i = 0; i < flows; i++) {
			long long client = atoll(c[2].v[i]);
			char addr[128];
			if (client >= 0)
				snprintf(addr, sizeof addr, "%lld.%lld.%lld.%lld", client >> 24,
				         (client >> 16) & 255, (client >> 8) & 255, client & 255);
			else
				snprintf(addr, sizeof addr, "[%s]", clients6.v[-1 - client]);
			start += atoll(c[5].v[i]);
			size_t kind = (size_t)atoll(c[10].v[i]);
			ck_assert_uint_lt(kind, kinds.n);
			const char *score = "0";
			if (strcmp(notable.v[kind], "1") == 0)
				score = c[11].v[scored++];
			char row[1024];
			int w = snprintf(row, sizeof row, "%s%lld|%lld|%s:%s|%s|%lld|%s|%s|%s|%s|%s|%s|%s",
			                 len ? ";" : "", ids[i], caps[i], addr, c[3].v[i],
			                 servers.v[atoll(c[4].v[i])], start, c[6].v[i], c[7].v[i],
			                 c[8].v[i], c[9].v[i], kinds.v[kind], score, reasons.v[kind]);
			ck_assert(len + (size_t)w + 2 < cap);
			memcpy(rows + len, row, (size_t)w + 1);
			len += (size_t)w;
		}
		ck_assert_uint_eq(scored, c[11].n);
		for (int k = 0; k < 12; k++)
			texts_free(c[k]);
		free(ids);
		free(caps);
		free(chunk);
	}
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT group_concat(f.id || '|' || f.capture_id || '|' || f.client || '|' ||"
	         " f.server || '|' || ((f.first_ts_ns - %lld * 1000000000) / 1000) || '|' ||"
	         " ((f.last_ts_ns - f.first_ts_ns) / 1000) || '|' || f.packets || '|' ||"
	         " f.client_bytes || '|' || f.server_bytes || '|' || IFNULL(f.conn_state, '')"
	         " || '|' || t.client_state || '|' || t.server_state || '|' || f.analysis || '|'"
	         " || n.score || '|' || n.reasons, ';') FROM (SELECT * FROM flows_view ORDER BY id) f"
	         " JOIN flows t ON t.id = f.id JOIN flow_notability n ON n.flow_id = f.id",
	         base_s);
	char *want = tu_query(db, sql);
	want[strcspn(want, "\n")] = '\0';
	ck_assert_str_eq(rows, want);
	/* Something worth a look is among them, with its reasons. */
	ck_assert_ptr_nonnull(strstr(rows, "|refused"));
	free(want);
	free(rows);
	texts_free(servers);
	texts_free(clients6);
	texts_free(kinds);
	texts_free(reasons);
	texts_free(notable);
	free(js);
}
END_TEST

START_TEST(captures_past_ten_are_folded)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	/* Twelve captures of the seed, each its own file: the first packet's
	 * microseconds differ. */
	for (int i = 1; i <= 12; i++) {
		char path[128];
		snprintf(path, sizeof path, "%s/c%02d.pcap", dir, i);
		ck_assert_int_eq(tu_sh("cp ../examples/seed.pcap %s && printf '\\%03o' | dd of=%s"
		                       " bs=1 seek=28 conv=notrunc 2> /dev/null",
		                       path, i, path),
		                 0);
		struct ingest_result r;
		tu_ingest(db, path, NULL, &r);
		ck_assert_msg(r.outcome == INGEST_OK, "%s: %s", path, r.error);
	}
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 12);
	write_index(db, dir);
	char path[128];
	snprintf(path, sizeof path, "%s/index.html", dir);
	htmlDocPtr doc = htmlReadFile(path, "utf-8", HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ck_assert_ptr_nonnull(doc);
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	static const struct {
		const char *expr;
		double want;
	} counts[] = {
		{"count(//table[@id='capture-table']/tbody/tr)", 10},
		{"count(//details[@class='more-captures']//table[@id='capture-table-more']/tbody/tr)", 2},
		{"count(//table[@id='capture-table-more']/thead/tr/th)", 14},
		{"count(//table[@id='capture-table']/thead/tr/th)", 14},
		/* The folded ones are the last two by id. */
		{"number(//table[@id='capture-table-more']/tbody/tr[1]/@data-capture)", 11},
	};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST counts[i].expr, ctx);
		ck_assert_ptr_nonnull(o);
		ck_assert_msg(o->floatval == counts[i].want, "%s: %g, not %g", counts[i].expr,
		              o->floatval, counts[i].want);
		xmlXPathFreeObject(o);
	}
	xmlXPathObjectPtr o = xmlXPathEvalExpression(
		BAD_CAST "string(//details[@class='more-captures']/summary)", ctx);
	ck_assert_str_eq((const char *)o->stringval, "2 more captures");
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
}
END_TEST

Suite *index_data_suite(void)
{
	Suite *s = suite_create("index_data");
	TCase *tc = tcase_create("index_data");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, data_file_holds_every_flow);
	tcase_add_test(tc, captures_past_ten_are_folded);
	suite_add_tcase(s, tc);
	return s;
}
