/* exports: what other tools join on (issue 19). flows.community_id
 * against the Community ID spec and against tshark's communityid field on
 * every corpus flow, and filled for an old database by the upgrade to
 * schema 8; flows_view.wireshark_filter, run through tshark on its source
 * capture (pcap and pcapng, IPv6, tunnels, port reuse, a joined ring),
 * selecting exactly the flow's frames; `export --format jsonl` read back
 * by Python's json module and compared with the views; `export conn-log`
 * parsed by its own #fields and #types headers and compared with
 * flows_view. The tshark and corpus tests are not registered (and say so)
 * without tshark or the corpus. */
#include <arpa/inet.h>
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "community_id.h"
#include "db.h"
#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"
#define CORPUS "../../shared/corpus"
#define TUNNELS "../../shared/corpus-tunnels"

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* --- Community ID ------------------------------------------------------ */

static void cid4(const char *a, int pa, const char *b, int pb, char out[COMMUNITY_ID_SIZE])
{
	uint8_t x[4], y[4];
	ck_assert_int_eq(inet_pton(AF_INET, a, x), 1);
	ck_assert_int_eq(inet_pton(AF_INET, b, y), 1);
	ck_assert_int_eq(community_id_v1(0, 6, 4, x, (uint16_t)pa, y, (uint16_t)pb, out), 0);
}

/* The spec's README example (community-id-spec: 128.232.110.120:34855 ->
 * 66.35.250.204:80, TCP, seed 0), from either end. */
START_TEST(community_id_is_the_specs_example)
{
	char one[COMMUNITY_ID_SIZE], other[COMMUNITY_ID_SIZE];
	cid4("128.232.110.120", 34855, "66.35.250.204", 80, one);
	cid4("66.35.250.204", 80, "128.232.110.120", 34855, other);
	ck_assert_str_eq(one, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	ck_assert_str_eq(other, one);
	/* Equal addresses: the ports decide the order, either way round. */
	cid4("10.0.0.1", 5000, "10.0.0.1", 80, one);
	cid4("10.0.0.1", 80, "10.0.0.1", 5000, other);
	ck_assert_str_eq(one, other);
	uint8_t addr[16] = {0};
	ck_assert_int_eq(community_id_v1(0, 6, 5, addr, 1, addr, 2, one), -1);
	ck_assert_str_eq(one, "");
}
END_TEST

/* tshark's view of a capture: the innermost endpoints of each TCP packet
 * (ICMP errors quoting a segment left out) and its communityid. */
struct theirs {
	char a[64], b[64];
	int pa, pb;
	char cid[COMMUNITY_ID_SIZE + 8];
	struct theirs *next;
};

/* Reads tshark's lines: ip.src ipv6.src tcp.srcport ip.dst ipv6.dst
 * tcp.dstport communityid (the last occurrence of each: the innermost
 * header), keyed for a flow of ip_version by the family's fields. */
static struct theirs *read_tshark(const char *cmd, struct theirs *list)
{
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char line[1024];
	while (fgets(line, sizeof line, p)) {
		line[strcspn(line, "\n")] = '\0';
		char *f[7] = {0};
		char *tok = line;
		for (int i = 0; i < 7 && tok; i++) {
			f[i] = tok;
			char *tab = strchr(tok, '\t');
			if (tab)
				*tab = '\0';
			tok = tab ? tab + 1 : NULL;
		}
		if (!f[6] || !*f[6] || !*f[2] || !*f[5])
			continue;
		/* Both families in one packet (a tunnel): two entries, the
		 * flow's family picks. */
		for (int fam = 0; fam < 2; fam++) {
			const char *src = f[fam == 0 ? 0 : 1], *dst = f[fam == 0 ? 3 : 4];
			if (!*src || !*dst)
				continue;
			struct theirs *t = calloc(1, sizeof *t);
			snprintf(t->a, sizeof t->a, "%s", src);
			snprintf(t->b, sizeof t->b, "%s", dst);
			t->pa = atoi(f[2]);
			t->pb = atoi(f[5]);
			snprintf(t->cid, sizeof t->cid, "%s", f[6]);
			t->next = list;
			list = t;
		}
	}
	pclose(p);
	return list;
}

#define TSHARK_CID                                                             \
	"tshark -r '%s' --enable-protocol communityid -Y 'tcp && !icmp && !icmpv6'" \
	" -T fields -E occurrence=l -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst" \
	" -e ipv6.dst -e tcp.dstport -e communityid 2>/dev/null | sort -u"

/* Every flow of the corpus (and the tunnels' corpus) has tshark's
 * Community ID, its packets found by their endpoints. tshark reads the
 * whole captures joined into one pcapng (mergecap -a: one start-up
 * instead of a hundred); a capture mergecap calls damaged (ingested as
 * partial) is read alone. */
START_TEST(community_id_equals_tsharks_on_every_corpus_flow)
{
	char dir[64], db[128], merged[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/corpus.db", dir);
	snprintf(merged, sizeof merged, "%s/all.pcapng", dir);
	int rc = tu_sh(BIN " ingest -q -d %s " CORPUS " %s 2>/dev/null", db,
	               exists(TUNNELS "/MANIFEST.tsv") ? TUNNELS : "");
	ck_assert_msg(rc == 0 || rc == 1, "ingest exited %d", rc);
	ck_assert_int_eq(tu_sh("sqlite3 %s \"SELECT path FROM captures WHERE status = 'ok'"
	                       " AND id IN (SELECT capture_id FROM flows)\" | tr '\\n' '\\0'"
	                       " | xargs -0 mergecap -a -F pcapng -w %s", db, merged), 0);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, TSHARK_CID, merged);
	struct theirs *list = read_tshark(cmd, NULL);
	char *partial = tu_query(db, "SELECT path FROM captures WHERE status != 'ok'"
	                             " AND id IN (SELECT capture_id FROM flows)");
	for (char *path = strtok(partial, "\n"); path; path = strtok(NULL, "\n")) {
		snprintf(cmd, sizeof cmd, TSHARK_CID, path);
		list = read_tshark(cmd, list);
	}
	free(partial);

	sqlite3 *conn;
	ck_assert_int_eq(sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(conn, "SELECT id, ip_version, client_ip, client_port,"
	                                    " server_ip, server_port, community_id FROM flows",
	                                    -1, &st, NULL), SQLITE_OK);
	long long flows = 0, equal = 0;
	char first_bad[512] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		int v = sqlite3_column_int(st, 1);
		const char *c = (const char *)sqlite3_column_text(st, 2);
		const char *s = (const char *)sqlite3_column_text(st, 4);
		int cp = sqlite3_column_int(st, 3), sp = sqlite3_column_int(st, 5);
		const char *ours = (const char *)sqlite3_column_text(st, 6);
		flows++;
		const char *found = NULL;
		for (struct theirs *t = list; t && !found; t = t->next) {
			bool fam = (strchr(t->a, ':') != NULL) == (v == 6);
			if (fam && ((strcmp(t->a, c) == 0 && t->pa == cp && strcmp(t->b, s) == 0 &&
			             t->pb == sp) ||
			            (strcmp(t->a, s) == 0 && t->pa == sp && strcmp(t->b, c) == 0 &&
			             t->pb == cp)))
				found = t->cid;
		}
		if (found && ours && strcmp(found, ours) == 0)
			equal++;
		else if (!*first_bad)
			snprintf(first_bad, sizeof first_bad, "flow %lld (%s:%d %s:%d): ours %s, tshark's %s",
			         (long long)sqlite3_column_int64(st, 0), c, cp, s, sp,
			         ours ? ours : "NULL", found ? found : "none");
	}
	sqlite3_finalize(st);
	sqlite3_close(conn);
	while (list) {
		struct theirs *next = list->next;
		free(list);
		list = next;
	}
	fprintf(stderr, "exports: Community ID equal to tshark's on %lld of %lld corpus flows\n",
	        equal, flows);
	ck_assert_int_gt(flows, 1000);
	ck_assert_msg(equal == flows, "%lld of %lld differ; first: %s", flows - equal, flows,
	              first_bad);
	tu_sh("rm -rf %s", dir);
}
END_TEST

/* A database of schema 7 (the column and views of 8 taken away from a new
 * one) gets every flow's Community ID on open, equal to what ingest
 * writes; its views come back with the new columns. */
START_TEST(upgrade_to_8_computes_community_id)
{
	char dir[64], db[128], err[256];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/old.db", dir);
	tu_ingest(db, "../examples/ipv6.pcap", NULL, (struct ingest_result[1]){0});
	tu_ingest(db, "../examples/port-reuse.pcap", NULL, (struct ingest_result[1]){0});
	char *want = tu_query(db, "SELECT id, community_id FROM flows ORDER BY id");
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows WHERE community_id"
	                                  " LIKE '1:%='"), tu_query_int(db, "SELECT count(*) FROM flows"));
	ck_assert_int_eq(tu_sh("sqlite3 %s 'DROP VIEW flow_notability; DROP VIEW transitions_view;"
	                       " DROP VIEW transitions; DROP VIEW segments_view; DROP VIEW segments;"
	                       " DROP VIEW flows_view; ALTER TABLE flows DROP COLUMN community_id;"
	                       /* and schema 9's (two vantage points) */
	                       " DROP VIEW sightings_view; DROP VIEW pair_transitions_view;"
	                       " DROP TABLE pair_transitions; DROP TABLE sightings;"
	                       " DROP TABLE flow_pairs; DROP TABLE clock_fits;"
	                       " DROP TABLE segment_keys; ALTER TABLE captures DROP COLUMN vantage;"
	                       " PRAGMA user_version = 7'", db), 0);
	struct db *d = db_open(db, err, sizeof err);
	ck_assert_msg(d != NULL, "%s", err);
	ck_assert_int_eq(db_upgraded_from(d), 7);
	db_close(d);
	ck_assert_int_eq(tu_query_int(db, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	char *got = tu_query(db, "SELECT id, community_id FROM flows_view ORDER BY id");
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows_view WHERE"
	                                  " wireshark_filter LIKE 'ipv6.addr==%'"), 1);
	free(got);
	free(want);
	tu_sh("rm -rf %s", dir);
}
END_TEST

/* --- wireshark_filter ---------------------------------------------------- */

/* tshark with each flow's filter on the file it names selects the frames
 * of the flow's segments, no more and no fewer. path_sql gives each
 * flows_sql's rows: id|file|filter|frames (as the file numbers them).
 * Returns the flows checked. */
static int check_filters(const char *db, const char *flows_sql, const char *dir)
{
	char *rows = tu_query(db, flows_sql);
	int n = 0;
	for (char *save = NULL, *row = strtok_r(rows, "\n", &save); row;
	     row = strtok_r(NULL, "\n", &save)) {
		char *id = row, *file = strchr(id, '|');
		ck_assert_ptr_nonnull(file);
		*file++ = '\0';
		char *filter = strchr(file, '|');
		*filter++ = '\0';
		char *frames = strrchr(filter, '|');
		*frames++ = '\0';
		char out[128];
		snprintf(out, sizeof out, "%s/frames.txt", dir);
		ck_assert_int_eq(tu_sh("tshark -r '%s' -Y '%s' -T fields -e frame.number 2>/dev/null"
		                       " | paste -sd, > %s", file, filter, out), 0);
		char *got = tu_slurp(out);
		got[strcspn(got, "\n")] = '\0';
		ck_assert_msg(strcmp(got, frames) == 0, "flow %s in %s: '%s' selects %s, not %s",
		              id, file, filter, got, frames);
		free(got);
		n++;
	}
	free(rows);
	return n;
}

#define FLOW_FRAMES                                                            \
	"(SELECT group_concat(frame, ',') FROM (SELECT frame FROM segments"       \
	" WHERE flow_id = f.id ORDER BY frame))"

START_TEST(wireshark_filter_selects_exactly_the_flows_frames)
{
	static const char *const captures[] = {
		"../examples/port-reuse.pcap",         /* one 4-tuple, several flows */
		"../examples/ipv6.pcap",
		CORPUS "/zeek__ipv6-http-atomic-frag.pcap", /* IPv6 */
		CORPUS "/pcapplusplus__raw_ip.pcap",        /* raw IP, v4 and v6 */
		CORPUS "/pcapplusplus__many_interfaces-1.pcapng",
		CORPUS "/tcpdump__tfo-5c1fa7f9ae91.pcap",
		CORPUS "/zeek__ipv4_fragmented-4.pcap",     /* a segment in fragments */
		TUNNELS "/pcapplusplus__Ftp.pcap",          /* tunnelled, IPv6 too */
		TUNNELS "/suricata-verify__bug-4571-04_ipv6_over_ipv4.pcap",
		TUNNELS "/zeek__tunnels_vxlan-encapsulated-http.pcap",
	};
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/w.db", dir);
	int read = 0;
	for (size_t i = 0; i < sizeof captures / sizeof captures[0]; i++) {
		if (!exists(captures[i]))
			continue;
		struct ingest_result r = {0};
		tu_ingest(db, captures[i], NULL, &r);
		read++;
	}
	ck_assert_int_ge(read, 2);
	int n = check_filters(db, "SELECT f.id, c.path, f.wireshark_filter, " FLOW_FRAMES
	                          " FROM flows_view f JOIN captures c ON c.id = f.capture_id"
	                          " ORDER BY f.id", dir);
	ck_assert_int_ge(n, 8);
	if (exists(TUNNELS))
		ck_assert_int_ge(tu_query_int(db, "SELECT count(*) FROM flows WHERE tunnel IS NOT NULL"), 3);
	tu_sh("rm -rf %s", dir);
}
END_TEST

/* A ring of three files (editcap -c 5 of the port-reuse example) read as
 * one capture: a flow inside one file has that file's frame numbers, and
 * tshark on that file selects it; a flow across files has the numbers
 * of the ring read as one, which mergecap -a of its files gives. */
START_TEST(wireshark_filter_of_a_joined_ring)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/ring.db", dir);
	ck_assert_int_eq(tu_sh("mkdir %s/ring && editcap -c 5 ../examples/port-reuse.pcap"
	                       " %s/ring/part.pcap", dir, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q --join -d %s %s/ring", db, dir), 0);
	ck_assert_int_ge(tu_query_int(db, "SELECT count(*) FROM capture_files"), 3);
	int inside = check_filters(db,
		"SELECT f.id, cf.path, f.wireshark_filter, "
		"(SELECT group_concat(frame - cf.first_frame + 1, ',') FROM (SELECT frame FROM segments"
		" WHERE flow_id = f.id ORDER BY frame))"
		" FROM flows_view f JOIN capture_files cf ON cf.capture_id = f.capture_id"
		" AND f.first_frame >= cf.first_frame AND f.last_frame < cf.first_frame + cf.packets"
		" ORDER BY f.id", dir);
	ck_assert_int_ge(inside, 1);
	ck_assert_int_eq(tu_sh("mergecap -a -w %s/whole.pcap $(sqlite3 %s 'SELECT path FROM"
	                       " capture_files ORDER BY file_number')", dir, db), 0);
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT f.id, '%s/whole.pcap', f.wireshark_filter, " FLOW_FRAMES
	         " FROM flows_view f WHERE NOT EXISTS (SELECT 1 FROM capture_files cf"
	         " WHERE cf.capture_id = f.capture_id AND f.first_frame >= cf.first_frame"
	         " AND f.last_frame < cf.first_frame + cf.packets) ORDER BY f.id", dir);
	int across = check_filters(db, sql, dir);
	ck_assert_int_ge(across, 1);
	tu_sh("rm -rf %s", dir);
}
END_TEST

/* --- JSON Lines ---------------------------------------------------------- */

START_TEST(jsonl_reads_back_as_the_views_rows)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/j.db", dir);
	tu_ingest(db, "../examples/seed.pcap", NULL, (struct ingest_result[1]){0});
	tu_ingest(db, "../examples/ipv6.pcap", NULL, (struct ingest_result[1]){0});
	tu_ingest(db, "../examples/port-reuse.pcap", NULL, (struct ingest_result[1]){0});
	/* Text JSON must escape, and a value that looks like JSON or a number
	 * stays a string. */
	ck_assert_int_eq(tu_sh("sqlite3 %s \"UPDATE flows SET history = 'a\\\"b'"
	                       " || char(10, 1, 9) || '\\\\ é ☃ 𝄞', tunnel = '[1,2]',"
	                       " conn_state = '42' WHERE id = 1\"", db), 0);
	static const struct {
		const char *table, *view, *order;
	} views[] = {
		{"flows", "flows_view", "id"},
		{"segments", "segments_view", "flow_id, frame"},
		{"transitions", "transitions_view", "flow_id, step"},
	};
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
		ck_assert_int_eq(tu_sh(BIN " export %s --format jsonl -d %s -o %s/%s.jsonl",
		                       views[i].table, db, dir, views[i].table), 0);
		char out[128];
		snprintf(out, sizeof out, "%s/checked.txt", dir);
		ck_assert_int_eq(tu_sh("python3 jsonl_check.py %s %s '%s' %s/%s.jsonl > %s", db,
		                       views[i].view, views[i].order, dir, views[i].table, out), 0);
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", views[i].view);
		char *checked = tu_slurp(out);
		ck_assert_int_eq(atoll(checked), tu_query_int(db, sql));
		free(checked);
	}
	/* A selection selects, and the CSV header is the JSON keys. */
	ck_assert_int_eq(tu_sh(BIN " export flows --format jsonl --flow 2 -d %s -o %s/two.jsonl",
	                       db, dir), 0);
	ck_assert_int_eq(tu_sh(BIN " export flows -d %s --flow 2 -o %s/two.csv", db, dir), 0);
	ck_assert_int_eq(tu_sh("python3 -c 'import csv, json, sys\n"
	                       "lines = open(sys.argv[1]).read().splitlines()\n"
	                       "assert len(lines) == 1, lines\n"
	                       "o = json.loads(lines[0])\n"
	                       "h, r = list(csv.reader(open(sys.argv[2], newline=\"\")))\n"
	                       "assert list(o) == h, (list(o), h)\n"
	                       "assert o[\"id\"] == 2\n"
	                       "for k, v in zip(h, r):\n"
	                       "    j = o[k]\n"
	                       "    assert (\"\" if j is None else str(j)) == v, (k, j, v)'"
	                       " %s/two.jsonl %s/two.csv", dir, dir), 0);
	tu_sh("rm -rf %s", dir);
}
END_TEST

/* --- conn.log ------------------------------------------------------------ */

/* A field of a conn.log line checked against its #types entry. */
static void check_typed(const char *type, const char *v, int line)
{
	if (strcmp(v, "-") == 0 || strcmp(v, "(empty)") == 0)
		return;
	char *end;
	if (strcmp(type, "time") == 0 || strcmp(type, "interval") == 0) {
		const char *dot = strchr(v, '.');
		ck_assert_msg(dot && strlen(dot + 1) == 6, "line %d: %s '%s'", line, type, v);
		strtod(v, &end);
		ck_assert_msg(*end == '\0', "line %d: %s '%s'", line, type, v);
	} else if (strcmp(type, "count") == 0 || strcmp(type, "port") == 0) {
		ck_assert_msg(v[0] >= '0' && v[0] <= '9', "line %d: %s '%s'", line, type, v);
		unsigned long long n = strtoull(v, &end, 10);
		ck_assert_msg(*end == '\0', "line %d: %s '%s'", line, type, v);
		if (strcmp(type, "port") == 0)
			ck_assert_uint_le(n, 65535);
	} else if (strcmp(type, "addr") == 0) {
		uint8_t a[16];
		ck_assert_msg(inet_pton(strchr(v, ':') ? AF_INET6 : AF_INET, v, a) == 1,
		              "line %d: addr '%s'", line, v);
	} else if (strcmp(type, "bool") == 0) {
		ck_assert_msg(strcmp(v, "T") == 0 || strcmp(v, "F") == 0, "line %d: '%s'", line, v);
	} else if (strcmp(type, "enum") == 0) {
		ck_assert_str_eq(v, "tcp");
	} else {
		ck_assert_msg(strcmp(type, "string") == 0 || strcmp(type, "set[string]") == 0,
		              "line %d: type '%s'", line, type);
	}
}

static int split_tabs(char *line, char **f, int max)
{
	int n = 0;
	for (char *tok = line; tok && n < max;) {
		f[n++] = tok;
		char *tab = strchr(tok, '\t');
		if (tab)
			*tab = '\0';
		tok = tab ? tab + 1 : NULL;
	}
	return n;
}

/* The headers in Zeek's order, every line as many fields as #fields, each
 * of its #types, and the values flows_view has: times to the
 * microsecond, endpoints, conn_state, history, packets, community_id,
 * bytes (duration above 0 only), uids distinct. */
START_TEST(conn_log_parses_by_its_own_header)
{
	char dir[64], db[128], log[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/z.db", dir);
	snprintf(log, sizeof log, "%s/conn.log", dir);
	tu_ingest(db, "../examples/seed.pcap", NULL, (struct ingest_result[1]){0});
	tu_ingest(db, "../examples/ipv6.pcap", NULL, (struct ingest_result[1]){0});
	tu_ingest(db, "../examples/port-reuse.pcap", NULL, (struct ingest_result[1]){0});
	tu_ingest(db, "../examples/refused.pcap", NULL, (struct ingest_result[1]){0});
	ck_assert_int_eq(tu_sh(BIN " export conn-log -d %s -o %s", db, log), 0);
	char *text = tu_slurp(log);
	static const char *const heads[] = {"#separator \\x09", "#set_separator\t,",
	                                    "#empty_field\t(empty)", "#unset_field\t-",
	                                    "#path\tconn", "#open\t"};
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		ck_assert_ptr_nonnull(line);
		ck_assert_msg(strncmp(line, heads[i], strlen(heads[i])) == 0, "'%s' not '%s'", line,
		              heads[i]);
		line = strtok_r(NULL, "\n", &save);
	}
	char *fields[40], *types[40];
	ck_assert_ptr_nonnull(line);
	ck_assert(strncmp(line, "#fields\t", 8) == 0);
	int nf = split_tabs(line + 8, fields, 40);
	line = strtok_r(NULL, "\n", &save);
	ck_assert(strncmp(line, "#types\t", 7) == 0);
	int nt = split_tabs(line + 7, types, 40);
	ck_assert_int_eq(nf, nt);
	ck_assert_int_eq(nf, 22);
	ck_assert_str_eq(fields[0], "ts");
	ck_assert_str_eq(fields[15], "history");
	ck_assert_str_eq(fields[21], "community_id");

	sqlite3 *conn;
	ck_assert_int_eq(sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(conn,
	                 "SELECT first_ts_ns, duration_ns, client_ip, client_port, server_ip,"
	                 " server_port, conn_state, history, client_packets, server_packets,"
	                 " client_bytes - client_retrans_bytes, server_bytes - server_retrans_bytes,"
	                 " community_id FROM flows_view ORDER BY first_ts_ns, id",
	                 -1, &st, NULL), SQLITE_OK);
	int rows = 0;
	char uids[64][24];
	bool closed = false;
	for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "#close\t", 7) == 0) {
			closed = true;
			ck_assert_ptr_null(strtok_r(NULL, "\n", &save));
			break;
		}
		char *f[40];
		int n = split_tabs(line, f, 40);
		ck_assert_int_eq(n, nf);
		for (int i = 0; i < n; i++)
			check_typed(types[i], f[i], rows + 1);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		long long ts_ns = sqlite3_column_int64(st, 0), dur = sqlite3_column_int64(st, 1);
		char want[64];
		snprintf(want, sizeof want, "%lld.%06lld", (ts_ns + 500) / 1000000000,
		         ((ts_ns + 500) / 1000) % 1000000);
		ck_assert_str_eq(f[0], want);
		ck_assert_msg(f[1][0] == 'C' && strlen(f[1]) >= 10 && strlen(f[1]) <= 18, "uid %s", f[1]);
		ck_assert_uint_eq(strspn(f[1], "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                               "abcdefghijklmnopqrstuvwxyz"), strlen(f[1]));
		for (int u = 0; u < rows; u++)
			ck_assert_str_ne(uids[u], f[1]);
		ck_assert_int_lt(rows, 64);
		snprintf(uids[rows], sizeof uids[rows], "%s", f[1]);
		ck_assert_str_eq(f[2], (const char *)sqlite3_column_text(st, 2));
		ck_assert_int_eq(atoi(f[3]), sqlite3_column_int(st, 3));
		ck_assert_str_eq(f[4], (const char *)sqlite3_column_text(st, 4));
		ck_assert_int_eq(atoi(f[5]), sqlite3_column_int(st, 5));
		ck_assert_str_eq(f[6], "tcp");
		if (dur > 0) {
			snprintf(want, sizeof want, "%lld.%06lld", (dur + 500) / 1000000000,
			         ((dur + 500) / 1000) % 1000000);
			ck_assert_str_eq(f[8], want);
			ck_assert_int_eq(atoll(f[9]), sqlite3_column_int64(st, 10));
			ck_assert_int_eq(atoll(f[10]), sqlite3_column_int64(st, 11));
		} else {
			ck_assert_str_eq(f[8], "-");
			ck_assert_str_eq(f[9], "-");
		}
		ck_assert_str_eq(f[11], (const char *)sqlite3_column_text(st, 6));
		ck_assert_str_eq(f[15], (const char *)sqlite3_column_text(st, 7));
		ck_assert_int_eq(atoll(f[16]), sqlite3_column_int64(st, 8));
		ck_assert_int_eq(atoll(f[18]), sqlite3_column_int64(st, 9));
		ck_assert_str_eq(f[21], (const char *)sqlite3_column_text(st, 12));
		rows++;
	}
	ck_assert(closed);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(conn);
	ck_assert_int_eq(rows, tu_query_int(db, "SELECT count(*) FROM flows"));
	free(text);

	/* The uid is the flow's own: the same from another database. */
	char other[128], again[128];
	snprintf(other, sizeof other, "%s/other.db", dir);
	snprintf(again, sizeof again, "%s/again.log", dir);
	tu_ingest(other, "../examples/refused.pcap", NULL, (struct ingest_result[1]){0});
	ck_assert_int_eq(tu_sh(BIN " export conn-log -d %s -o %s", other, again), 0);
	ck_assert_int_eq(tu_sh("grep -v '^#' %s | cut -f2 | while read u; do"
	                       " grep -q \"\t$u\t\" %s || exit 1; done", again, log), 0);
	if (tu_have("zeek-cut"))
		ck_assert_int_eq(tu_sh("zeek-cut uid conn_state < %s | grep -q .", log), 0);
	tu_sh("rm -rf %s", dir);
}
END_TEST

START_TEST(export_format_usage)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/u.db", dir);
	tu_ingest(db, "../examples/seed.pcap", NULL, (struct ingest_result[1]){0});
	ck_assert_int_eq(tu_sh(BIN " export flows --format xml -d %s > /dev/null 2>&1", db), 2);
	ck_assert_int_eq(tu_sh(BIN " export conn-log --format jsonl -d %s > /dev/null 2>&1", db), 2);
	ck_assert_int_eq(tu_sh(BIN " export flows --format csv -d %s | head -1 | grep -q"
	                       " '^id,capture_id,'", db), 0);
	ck_assert_int_eq(tu_sh(BIN " export conn-log -d %s --flow 1 | grep -vc '^#' | grep -qx 1",
	                       db), 0);
	tu_sh("rm -rf %s", dir);
}
END_TEST

Suite *exports_suite(void)
{
	Suite *s = suite_create("exports");
	TCase *tc = tcase_create("community_id");
	tcase_add_test(tc, community_id_is_the_specs_example);
	tcase_add_test(tc, upgrade_to_8_computes_community_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("formats");
	tcase_add_test(tc, conn_log_parses_by_its_own_header);
	tcase_add_test(tc, export_format_usage);
	if (tu_have("python3"))
		tcase_add_test(tc, jsonl_reads_back_as_the_views_rows);
	else
		fprintf(stderr, "exports: python3 not installed; JSON Lines are not read back\n");
	suite_add_tcase(s, tc);

	if (!tu_have("tshark") || !tu_have("mergecap") || !tu_have("editcap")) {
		fprintf(stderr, "exports: tshark, mergecap or editcap not installed;"
		                " the tshark comparisons are not run\n");
		return s;
	}
	tc = tcase_create("tshark");
	tcase_add_test(tc, wireshark_filter_of_a_joined_ring);
	if (exists(CORPUS "/MANIFEST.tsv")) {
		tcase_add_test(tc, wireshark_filter_selects_exactly_the_flows_frames);
		tcase_add_test(tc, community_id_equals_tsharks_on_every_corpus_flow);
	} else {
		fprintf(stderr, "exports: %s not found; the corpus comparisons are not run\n", CORPUS);
	}
	suite_add_tcase(s, tc);
	return s;
}
