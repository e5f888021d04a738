/* db_report: see db_report.h. The reading half of the db module: the
 * queries behind reports and exports, over the views of schema/, prepared
 * once per connection and reused (a report of many flows runs the
 * per-flow ones once per flow, so those bind the flow's id with = and
 * read only its rows: nothing here scans segments). The per-flow readers
 * (segments, the plot's, transitions) are in db_report_flow.c; the SQL of
 * both is query_sql below.
 *
 * A selection is three parameters of every query: ?1 a JSON array of flow
 * ids or NULL, ?2 a JSON array of capture ids or NULL, ?3 only-notable;
 * json_each turns the arrays into rows, so any number of ids binds as one
 * value. SEL_WHERE is the selection as conditions on a flows row f; SEL is
 * the set of selected ids, one branch per kind of selection so that each
 * is found through the key or flows_capture (an OR of them all would make
 * SQLite scan flows whatever was asked). */
#include "db_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_internal.h"
#include "db_report_internal.h"

/* A reset (flag 4) sent in the flow. */
#define RESET "EXISTS (SELECT 1 FROM segments s WHERE s.flow_id = f.id AND s.flags & 4)"

/* A flow: the table's row f for the conditions, flows_view's v for the
 * names. Flag names are looked up only for a flow that has some. */
#define FLOW_COLUMNS                                                           \
	"f.id, f.capture_id, c.path, f.ip_version, v.client, v.server,"        \
	" f.client_ip, f.server_ip, f.client_port, f.server_port,"             \
	" f.first_ts_ns, f.last_ts_ns, f.first_frame, f.last_frame, f.packets," \
	" f.client_packets, f.server_packets, f.client_bytes, f.server_bytes,"  \
	" f.client_isn, f.server_isn, v.client_state, v.server_state,"         \
	" f.conn_state, f.history, f.handshake_rtt_ns, f.mid_stream,"          \
	" f.client_mss, f.server_mss, f.client_wscale, f.server_wscale,"       \
	" f.client_sack_ok, f.server_sack_ok, f.analysis,"                     \
	" CASE WHEN f.analysis = 0 THEN '' ELSE IFNULL(v.analysis_names, '') END," \
	" " RESET ", n.flow_id IS NOT NULL, f.tunnel, f.tunnel_changes,"        \
	" IFNULL(n.score, 0), IFNULL(n.reasons, ''), v.wireshark_filter"        \
	" FROM flows f JOIN flows_view v ON v.id = f.id"                       \
	" JOIN captures c ON c.id = f.capture_id"                              \
	" LEFT JOIN temp.notability n ON n.flow_id = f.id"

/* A transition with the flags and length of the segment that caused it,
 * joined by that segment's key (a correlated subquery through
 * segments_view would cost three lookups a row). Its time and flags_text
 * are written in C (transition_row), as the views write them. */
#define TRANSITION_COLUMNS                                                     \
	"t.flow_id, t.step, t.frame, t.seen_frame, t.ts_ns, t.endpoint,"       \
	" CASE t.endpoint WHEN 'client' THEN f.client ELSE f.server END,"      \
	" t.from_state, t.to_state, t.event, s.flags, t.rel_seq, t.rel_ack, s.len" \
	" FROM transitions_view t JOIN flows_view f ON f.id = t.flow_id"       \
	" LEFT JOIN segments s ON s.flow_id = t.flow_id AND s.frame = t.frame"

/* flags_text is written in C (segment_row), as the view writes it: eight
 * CASEs and concatenations a row cost more in SQLite. */
#define SEGMENT_COLUMNS                                                        \
	"frame, ts_ns, from_client, flags, seq, ack, rel_seq,"                 \
	" rel_ack, len, win, client_state, server_state, analysis,"            \
	" CASE WHEN analysis = 0 THEN '' ELSE IFNULL(analysis_names, '') END," \
	" options FROM segments_view"

/* The flows as the index's script reads them (db_flows_json_*), a
 * column at a time (an array of columns: no brackets per flow, and a page
 * parses arrays of numbers much faster than one array per flow), every
 * value a number and most of them short: ids and captures as runs (gap
 * from the last run's end, length; capture, length), a client IPv4
 * address as its 32-bit number (another address as -1 - its place in the
 * head's clients6), the server and what the flow came to (conn_state,
 * final states, anomaly flags, the score's reasons) as places in the
 * head's tables of them (temp.index_servers, temp.index_kinds, most
 * frequent first), times in microseconds, each start from the one before
 * (the first from ?4). The score comes from temp.notability (NOTABLE
 * above), which holds the notable flows only: listed for those alone
 * (their kind says which). */
#define FLOWS_JSON_NAMES                                                       \
	"'ids', 'captures', 'client', 'client_port', 'server', 'start_us',"    \
	" 'duration_us', 'packets', 'bytes_cs', 'bytes_sc', 'kind', 'score'"
/* The dotted quad's later octets: the text after its first, second and
 * third dot (CAST reads the leading digits of each). */
#define IP_R1 "substr(f.client_ip, instr(f.client_ip, '.') + 1)"
#define IP_R2 "substr(" IP_R1 ", instr(" IP_R1 ", '.') + 1)"
#define IP_R3 "substr(" IP_R2 ", instr(" IP_R2 ", '.') + 1)"
#define CLIENT_V4                                                              \
	"(CAST(f.client_ip AS INTEGER) << 24) + (CAST(" IP_R1 " AS INTEGER) << 16)" \
	" + (CAST(" IP_R2 " AS INTEGER) << 8) + CAST(" IP_R3 " AS INTEGER)"
#define FLOWS_JSON_VALUES                                                      \
	"f.id AS id, f.capture_id AS cap, CASE WHEN f.ip_version = 4 THEN "    \
	CLIENT_V4 " ELSE -1 - c6.n END AS client, f.client_port AS cport,"     \
	" s.n AS server, (f.first_ts_ns - ?4) / 1000 AS s_us,"                 \
	" (f.last_ts_ns - f.first_ts_ns) / 1000 AS duration_us,"               \
	" f.packets AS packets, f.client_bytes AS bytes_cs,"                   \
	" f.server_bytes AS bytes_sc, k.n AS kind, n.score AS score"
#define FLOWS_JSON_JOINS                                                       \
	" FROM flows f LEFT JOIN temp.notability n ON n.flow_id = f.id"        \
	" JOIN temp.index_servers s ON s.ip = f.server_ip AND s.port = f.server_port" \
	" JOIN temp.index_kinds k ON k.conn = IFNULL(f.conn_state, '')"        \
	" AND k.cs = f.client_state AND k.ss = f.server_state"                 \
	" AND k.analysis = f.analysis AND k.reasons = IFNULL(n.reasons, '')"   \
	" AND k.notable = (n.flow_id IS NOT NULL)"                             \
	" LEFT JOIN temp.index_clients6 c6 ON f.ip_version <> 4 AND c6.ip = f.client_ip"
/* Runs (first id a, length n) flattened to gap, length, gap, length ...;
 * and of the captures, capture, length ... */
#define FLOWS_JSON_RUNS                                                        \
	"(SELECT json_group_array(v) FROM (SELECT v FROM (SELECT a, 0 AS w,"   \
	" a - IFNULL(lag(a + n) OVER (ORDER BY a), 0) AS v FROM ir"            \
	" UNION ALL SELECT a, 1, n FROM ir) ORDER BY a, w)),"                  \
	" (SELECT json_group_array(v) FROM (SELECT v FROM (SELECT a, 0 AS w,"  \
	" cap AS v FROM cr UNION ALL SELECT a, 1, n FROM cr) ORDER BY a, w))"
#define FLOWS_JSON_COLUMNS                                                     \
	"json_array(" FLOWS_JSON_RUNS ", json_group_array(client),"            \
	" json_group_array(cport), json_group_array(server),"                  \
	" json_group_array(start_us), json_group_array(duration_us),"          \
	" json_group_array(packets), json_group_array(bytes_cs),"              \
	" json_group_array(bytes_sc), json_group_array(kind),"                 \
	" json_group_array(score) FILTER (WHERE score IS NOT NULL))"

static const char *const query_sql[RQ_COUNT] = {
	[RQ_CAPTURES] =
		"SELECT c.id, c.path, c.sha256, c.status, c.error, c.linktype_name,"
		" c.packets, c.tcp_packets, c.bad_packets,"
		" (SELECT count(*) FROM flows WHERE capture_id = c.id),"
		" c.first_ts_ns, c.last_ts_ns, c.not_ip_packets, c.not_tcp_packets,"
		" c.undecoded_packets, c.fragment_packets FROM captures c"
		" WHERE (?1 IS NULL AND ?2 IS NULL AND ?3 = 0)"
		" OR c.id IN (SELECT capture_id FROM flows WHERE id IN " SEL ")"
		" ORDER BY c.id",
	[RQ_UNDECODED] =
		"SELECT capture_id, encapsulation, packets, first_frame"
		" FROM capture_undecoded WHERE capture_id = ?1"
		" ORDER BY packets DESC, encapsulation",
	/* The range first: a report's worker reads its own part of the ids
	 * through the key. */
	[RQ_FLOWS] = "SELECT " FLOW_COLUMNS " WHERE f.id BETWEEN ?6 AND ?7 AND " SEL_WHERE
	             " ORDER BY f.id LIMIT ?4 OFFSET ?5",
	[RQ_COUNT_FLOWS] = "SELECT count(*) FROM " SEL,
	/* Stops at the first tunnelled flow; a report of plain captures
	 * reads the selection once, as db_selected_ids does. */
	[RQ_ANY_TUNNEL] = "SELECT EXISTS (SELECT 1 FROM flows f WHERE f.id IN " SEL
	                  " AND f.tunnel IS NOT NULL)",
	[RQ_FLOW] = "SELECT " FLOW_COLUMNS " WHERE f.id = ?1",
	[RQ_SEGMENTS_ALL] = "SELECT " SEGMENT_COLUMNS " WHERE flow_id = ?1 ORDER BY frame",
	[RQ_SEGMENTS_HEAD] = "SELECT " SEGMENT_COLUMNS
	                     " WHERE flow_id = ?1 ORDER BY frame LIMIT ?2",
	/* The last ?2 after frame ?3, in frame order. */
	[RQ_SEGMENTS_TAIL] =
		"SELECT * FROM (SELECT " SEGMENT_COLUMNS " WHERE flow_id = ?1"
		" AND frame > ?3 ORDER BY frame DESC LIMIT ?2) ORDER BY frame",
	[RQ_SEGMENT_GAP] =
		"WITH numbered AS (SELECT frame, ts_ns, len,"
		" row_number() OVER (ORDER BY frame) AS n, count(*) OVER () AS total"
		" FROM segments WHERE flow_id = ?1)"
		" SELECT count(*), IFNULL(sum(len), 0), min(frame), max(frame),"
		" min(ts_ns), max(ts_ns) FROM numbered WHERE n > ?2 AND n <= total - ?3",
	/* Every segment of one flow, for its time/sequence graph: only the
	 * columns it draws, from segment_rows itself (segments_view would
	 * also join the state names for every row). */
	[RQ_PLOT_SEGMENTS] =
		"SELECT frame, ts_offset_ns, packed & 511, rel_seq, rel_ack, len, win,"
		" packed >> 17 FROM segment_rows WHERE flow_id = ?1 ORDER BY frame",
	/* The same flow's kept options, read beside it in frame order (a
	 * LEFT JOIN would search segment_options once per segment, most of
	 * which have none), with the absolute ack their SACK edges are read
	 * against, computed as segments_view computes it. */
	[RQ_PLOT_OPTIONS] =
		"SELECT o.frame, o.options, CASE WHEN s.rel_ack IS NULL THEN NULL"
		" ELSE IFNULL(s.ack_stored, (s.rel_ack + CASE WHEN (s.packed >> 8) & 1"
		" THEN IFNULL(f.server_seq_base, f.server_isn)"
		" ELSE IFNULL(f.client_seq_base, f.client_isn) END) & 4294967295) END"
		" FROM segment_options o JOIN segment_rows s"
		" ON s.flow_id = o.flow_id AND s.frame = o.frame"
		" JOIN flows f ON f.id = o.flow_id WHERE o.flow_id = ?1 ORDER BY o.frame",
	[RQ_TRANSITIONS] =
		"SELECT " TRANSITION_COLUMNS
		" WHERE t.flow_id IN " SEL " ORDER BY t.flow_id, t.step",
	/* One flow's, as each flow page asks: bound with =, so that SQLite
	 * pushes the flow into the transitions view and reads that flow's
	 * segments only (an IN over a subquery would unpack every flow).
	 * Sorted by step in C, the address taken from the flow's row
	 * (db_each_flow_transition): no flows_view join for every row. */
	[RQ_TRANSITIONS_FLOW] =
		"SELECT t.flow_id, t.step, t.frame, t.seen_frame, t.ts_ns, t.endpoint,"
		" NULL, t.from_state, t.to_state, t.event, s.flags, t.rel_seq, t.rel_ack,"
		" s.len FROM transitions_view t LEFT JOIN segments s"
		" ON s.flow_id = t.flow_id AND s.frame = t.frame WHERE t.flow_id = ?1",
	[RQ_SELECTED_IDS] = "SELECT id FROM " SEL " ORDER BY id",
	[RQ_TOTALS] =
		"SELECT count(DISTINCT f.capture_id), count(*), IFNULL(sum(f.packets), 0),"
		" IFNULL(sum(f.client_bytes), 0), IFNULL(sum(f.server_bytes), 0),"
		" IFNULL(sum(" NOTABLE "), 0) FROM flows f WHERE f.id IN " SEL,
	[RQ_GROUP_FINAL] =
		"SELECT cs.name || ' / ' || ss.name, count(*) FROM flows f"
		" JOIN tcp_states cs ON cs.id = f.client_state"
		" JOIN tcp_states ss ON ss.id = f.server_state"
		" WHERE f.id IN " SEL " GROUP BY 1 ORDER BY 2 DESC, 1",
	[RQ_GROUP_CONN_STATE] =
		"SELECT IFNULL(f.conn_state, 'not computed'), count(*) FROM flows f"
		" WHERE f.id IN " SEL " GROUP BY 1 ORDER BY 2 DESC, 1",
	[RQ_GROUP_ANALYSIS] =
		"SELECT a.name, count(*) FROM flows f JOIN analysis_flags a"
		" ON f.analysis & a.bit WHERE f.id IN " SEL
		" GROUP BY a.bit ORDER BY 2 DESC, a.bit",
	[RQ_VIEW_FLOWS] = "SELECT * FROM flows_view WHERE id IN " SEL " ORDER BY id",
	[RQ_VIEW_SEGMENTS] = "SELECT * FROM segments_view WHERE flow_id IN " SEL
	                     " ORDER BY flow_id, frame",
	[RQ_VIEW_TRANSITIONS] = "SELECT * FROM transitions_view WHERE flow_id IN " SEL
	                        " ORDER BY flow_id, step",
	/* The index's data (db_flows_json): its tables (the selection's
	 * servers, kinds of ending and IPv6 clients, most flows first, filled
	 * before the head reads them), and the second (?4 of RQ_FLOWS_JSON)
	 * its start times count from. */
	[RQ_INDEX_SERVERS] =
		"INSERT INTO temp.index_servers (n, ip, port)"
		" SELECT row_number() OVER (ORDER BY count(*) DESC, f.server_ip, f.server_port) - 1,"
		" f.server_ip, f.server_port FROM flows f WHERE f.id IN " SEL
		" GROUP BY f.server_ip, f.server_port",
	[RQ_INDEX_KINDS] =
		"INSERT INTO temp.index_kinds (n, conn, cs, ss, analysis, reasons, notable)"
		" SELECT row_number() OVER (ORDER BY count(*) DESC, conn, cs, ss, analysis, reasons,"
		" notable) - 1, conn, cs, ss, analysis, reasons, notable"
		" FROM (SELECT IFNULL(f.conn_state, '') AS conn, f.client_state AS cs,"
		" f.server_state AS ss, f.analysis AS analysis, IFNULL(n.reasons, '') AS reasons,"
		" n.flow_id IS NOT NULL AS notable FROM flows f"
		" LEFT JOIN temp.notability n ON n.flow_id = f.id WHERE f.id IN " SEL ")"
		" GROUP BY conn, cs, ss, analysis, reasons, notable",
	[RQ_INDEX_CLIENTS6] =
		"INSERT INTO temp.index_clients6 (n, ip)"
		" SELECT row_number() OVER (ORDER BY count(*) DESC, f.client_ip) - 1, f.client_ip"
		" FROM flows f WHERE f.id IN " SEL " AND f.ip_version <> 4 GROUP BY f.client_ip",
	[RQ_FLOWS_JSON_HEAD] =
		"WITH base AS (SELECT IFNULL(min(f.first_ts_ns), 0) AS ns FROM flows f"
		" WHERE f.id IN " SEL "),"
		" second AS (SELECT ns / 1000000000 - (ns % 1000000000 < 0) AS s FROM base)"
		" SELECT json_object('columns', json_array(" FLOWS_JSON_NAMES "),"
		" 'base_s', s,"
		" 'captures', (SELECT json_group_array(json_array(c.id, c.path)) FROM captures c"
		" WHERE (?1 IS NULL AND ?2 IS NULL AND ?3 = 0)"
		" OR c.id IN (SELECT capture_id FROM flows WHERE id IN " SEL ")),"
		" 'states', (SELECT json_group_array(json_array(id, name)) FROM tcp_states),"
		" 'flags', (SELECT json_group_array(json_array(bit, name)) FROM analysis_flags),"
		" 'servers', (SELECT json_group_array(json_array(ip, port))"
		" FROM (SELECT ip, port FROM temp.index_servers ORDER BY n)),"
		" 'clients6', (SELECT json_group_array(ip)"
		" FROM (SELECT ip FROM temp.index_clients6 ORDER BY n)),"
		" 'kinds', (SELECT json_group_array(json_array(conn, cs, ss, analysis, reasons, notable))"
		" FROM (SELECT * FROM temp.index_kinds ORDER BY n)),"
		" 'pages', CASE WHEN ?4 THEN 'notable' ELSE 'all' END),"
		" s * 1000000000 FROM second",
	/* The columns of flows ?5..?6 as one JSON string literal of their
	 * array, which a page reads with JSON.parse (V8 parses that several
	 * times faster than the same values as a literal of the script);
	 * '' || makes it text, which json_quote quotes (JSON it would pass
	 * through as it is). In id order: the subquery's, which the
	 * aggregates read in turn; ir and cr are the runs of ids and of
	 * captures (gaps and islands: a run keeps id - its row number). */
	[RQ_FLOWS_JSON] =
		"WITH c AS MATERIALIZED (SELECT id, cap, client, cport, server,"
		" s_us - lag(s_us, 1, 0) OVER (ORDER BY id) AS start_us, duration_us, packets,"
		" bytes_cs, bytes_sc, kind, score FROM (SELECT " FLOWS_JSON_VALUES FLOWS_JSON_JOINS
		" WHERE f.id BETWEEN ?5 AND ?6 AND " SEL_WHERE ")),"
		" ir AS (SELECT min(id) AS a, count(*) AS n FROM (SELECT id,"
		" id - row_number() OVER (ORDER BY id) AS g FROM c) GROUP BY g),"
		" cr AS (SELECT min(id) AS a, cap, count(*) AS n FROM (SELECT id, cap,"
		" row_number() OVER (ORDER BY id) - row_number() OVER (PARTITION BY cap ORDER BY id)"
		" AS g FROM c) GROUP BY cap, g)"
		" SELECT json_quote('' || " FLOWS_JSON_COLUMNS ") FROM (SELECT * FROM c ORDER BY id)",
	[RQ_NOTABILITY] = "SELECT flow_id, score, reasons FROM temp.notability ORDER BY flow_id",
};

sqlite3_stmt *rq_query_sql(struct db *db, enum report_query_id id, const char *sql)
{
	/* The table first: a statement naming it cannot be prepared before. */
	if (!db->report[id] && strstr(sql, "temp.notability") && rq_read_notability(db))
		return NULL;
	if (!db->report[id] &&
	    sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &db->report[id],
	                       NULL) != SQLITE_OK) {
		db_fail(db, "preparing a report query");
		return NULL;
	}
	sqlite3_reset(db->report[id]);
	sqlite3_clear_bindings(db->report[id]);
	return db->report[id];
}

/* The statement, prepared on first use, reset and unbound for this one. */
sqlite3_stmt *rq_query(struct db *db, enum report_query_id id)
{
	return rq_query_sql(db, id, query_sql[id]);
}

/* v in decimal at s (at most 20 bytes, no terminator); its length. */
static size_t put_id(char *s, int64_t v)
{
	char digits[20];
	size_t n = 0, len = 0;
	/* Through the unsigned magnitude: -INT64_MIN does not fit. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		digits[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		s[len++] = '-';
	while (n > 0)
		s[len++] = digits[--n];
	return len;
}

/* "[1,2,3]" for json_each, or NULL for an empty list. malloc'd. Bound to
 * every query of a selection of ids (a report's index pages and runs of
 * flow pages each run one), so written without printf: 20,000 ids by
 * snprintf took a millisecond a query. */
static char *json_ids(const int64_t *ids, size_t n)
{
	if (n == 0)
		return NULL;
	size_t cap = 2 + n * 21, len = 0;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	s[len++] = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			s[len++] = ',';
		len += put_id(s + len, ids[i]);
	}
	s[len++] = ']';
	s[len] = '\0';
	return s;
}

int rq_bind_selection(struct db *db, sqlite3_stmt *st,
                          const struct db_selection *sel)
{
	static const struct db_selection all = {0};
	if (!sel)
		sel = &all;
	char *flows = json_ids(sel->flow_ids, sel->n_flow_ids);
	char *caps = json_ids(sel->capture_ids, sel->n_capture_ids);
	if ((sel->n_flow_ids && !flows) || (sel->n_capture_ids && !caps)) {
		free(flows);
		free(caps);
		snprintf(db->error, sizeof db->error, "out of memory");
		return -1;
	}
	if (flows)
		sqlite3_bind_text(st, 1, flows, -1, free);
	if (caps)
		sqlite3_bind_text(st, 2, caps, -1, free);
	sqlite3_bind_int(st, 3, sel->only_notable);
	return 0;
}

const char *rq_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

bool rq_is_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL;
}

int rq_int_or(sqlite3_stmt *st, int col, int none)
{
	return rq_is_null(st, col) ? none : sqlite3_column_int(st, col);
}

/* Step through st, calling row(st) until it returns nonzero or the rows
 * end: returns that value, 0, or -1 on an SQLite error. */
int rq_each(struct db *db, sqlite3_stmt *st,
                int (*row)(sqlite3_stmt *st, void *ctx), void *ctx)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int stop = row(st, ctx);
		if (stop) {
			sqlite3_reset(st);
			return stop;
		}
	}
	int result = rc == SQLITE_DONE ? 0 : db_fail(db, "reading the database");
	sqlite3_reset(st);
	return result;
}

/* --- captures ---------------------------------------------------------- */

struct capture_ctx {
	db_capture_fn fn;
	void *user;
};

static int capture_row(sqlite3_stmt *st, void *p)
{
	struct capture_ctx *ctx = p;
	struct db_capture_info c = {
		.id = sqlite3_column_int64(st, 0),
		.path = rq_text(st, 1),
		.sha256 = rq_text(st, 2),
		.status = rq_text(st, 3),
		.error = rq_text(st, 4),
		.linktype_name = rq_text(st, 5),
		.packets = sqlite3_column_int64(st, 6),
		.tcp_packets = sqlite3_column_int64(st, 7),
		.bad_packets = sqlite3_column_int64(st, 8),
		.flows = sqlite3_column_int64(st, 9),
		.has_ts = !rq_is_null(st, 10),
		.first_ts_ns = sqlite3_column_int64(st, 10),
		.last_ts_ns = sqlite3_column_int64(st, 11),
		.not_ip_packets = sqlite3_column_int64(st, 12),
		.not_tcp_packets = sqlite3_column_int64(st, 13),
		.undecoded_packets = sqlite3_column_int64(st, 14),
		.fragment_packets = sqlite3_column_int64(st, 15),
	};
	return ctx->fn(&c, ctx->user);
}

int db_each_capture(struct db *db, const struct db_selection *sel,
                    db_capture_fn fn, void *user)
{
	sqlite3_stmt *st = rq_query(db, RQ_CAPTURES);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	struct capture_ctx ctx = {fn, user};
	return rq_each(db, st, capture_row, &ctx);
}

struct undecoded_ctx {
	db_undecoded_fn fn;
	void *user;
};

static int undecoded_row(sqlite3_stmt *st, void *p)
{
	struct undecoded_ctx *ctx = p;
	struct db_undecoded_info u = {
		.capture_id = sqlite3_column_int64(st, 0),
		.encapsulation = rq_text(st, 1),
		.packets = sqlite3_column_int64(st, 2),
		.first_frame = sqlite3_column_int64(st, 3),
	};
	return ctx->fn(&u, ctx->user);
}

int db_each_undecoded(struct db *db, int64_t capture_id, db_undecoded_fn fn,
                      void *user)
{
	sqlite3_stmt *st = rq_query(db, RQ_UNDECODED);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, capture_id);
	struct undecoded_ctx ctx = {fn, user};
	return rq_each(db, st, undecoded_row, &ctx);
}

/* --- flows ------------------------------------------------------------- */

struct flow_ctx {
	db_flow_fn fn;
	void *user;
};

static int flow_row(sqlite3_stmt *st, void *p)
{
	struct flow_ctx *ctx = p;
	struct db_flow_info f = {
		.id = sqlite3_column_int64(st, 0),
		.capture_id = sqlite3_column_int64(st, 1),
		.capture_path = rq_text(st, 2),
		.ip_version = sqlite3_column_int(st, 3),
		.client = rq_text(st, 4),
		.server = rq_text(st, 5),
		.client_ip = rq_text(st, 6),
		.server_ip = rq_text(st, 7),
		.client_port = sqlite3_column_int(st, 8),
		.server_port = sqlite3_column_int(st, 9),
		.first_ts_ns = sqlite3_column_int64(st, 10),
		.last_ts_ns = sqlite3_column_int64(st, 11),
		.first_frame = sqlite3_column_int64(st, 12),
		.last_frame = sqlite3_column_int64(st, 13),
		.packets = sqlite3_column_int64(st, 14),
		.client_packets = sqlite3_column_int64(st, 15),
		.server_packets = sqlite3_column_int64(st, 16),
		.client_bytes = sqlite3_column_int64(st, 17),
		.server_bytes = sqlite3_column_int64(st, 18),
		.has_client_isn = !rq_is_null(st, 19),
		.client_isn = sqlite3_column_int64(st, 19),
		.has_server_isn = !rq_is_null(st, 20),
		.server_isn = sqlite3_column_int64(st, 20),
		.client_state = rq_text(st, 21),
		.server_state = rq_text(st, 22),
		.conn_state = rq_text(st, 23),
		.history = rq_text(st, 24),
		.has_rtt = !rq_is_null(st, 25),
		.handshake_rtt_ns = sqlite3_column_int64(st, 25),
		.mid_stream = sqlite3_column_int(st, 26) != 0,
		.client_mss = rq_int_or(st, 27, -1),
		.server_mss = rq_int_or(st, 28, -1),
		.client_wscale = rq_int_or(st, 29, -1),
		.server_wscale = rq_int_or(st, 30, -1),
		.client_sack_ok = rq_int_or(st, 31, -1),
		.server_sack_ok = rq_int_or(st, 32, -1),
		.analysis = sqlite3_column_int64(st, 33),
		.analysis_names = rq_text(st, 34),
		.reset = sqlite3_column_int(st, 35) != 0,
		.notable = sqlite3_column_int(st, 36) != 0,
		.tunnel = rq_text(st, 37),
		.tunnel_changes = sqlite3_column_int64(st, 38),
		.score = sqlite3_column_int64(st, 39),
		.reasons = rq_text(st, 40),
		.wireshark_filter = rq_text(st, 41),
	};
	return ctx->fn(&f, ctx->user);
}

int db_each_flow_between(struct db *db, const struct db_selection *sel,
                         int64_t first_id, int64_t last_id, db_flow_fn fn, void *user)
{
	sqlite3_stmt *st = rq_query(db, RQ_FLOWS);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	sqlite3_bind_int64(st, 4, -1);
	sqlite3_bind_int64(st, 5, 0);
	sqlite3_bind_int64(st, 6, first_id);
	sqlite3_bind_int64(st, 7, last_id);
	struct flow_ctx ctx = {fn, user};
	return rq_each(db, st, flow_row, &ctx);
}

int db_each_flow(struct db *db, const struct db_selection *sel, int64_t limit,
                 int64_t offset, db_flow_fn fn, void *user)
{
	sqlite3_stmt *st = rq_query(db, RQ_FLOWS);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	sqlite3_bind_int64(st, 4, limit);
	sqlite3_bind_int64(st, 5, offset);
	sqlite3_bind_int64(st, 6, INT64_MIN);
	sqlite3_bind_int64(st, 7, INT64_MAX);
	struct flow_ctx ctx = {fn, user};
	return rq_each(db, st, flow_row, &ctx);
}

static int count_row(sqlite3_stmt *st, void *p)
{
	*(int64_t *)p = sqlite3_column_int64(st, 0);
	return 0;
}

int db_count_flows(struct db *db, const struct db_selection *sel, int64_t *count)
{
	sqlite3_stmt *st = rq_query(db, RQ_COUNT_FLOWS);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	*count = 0;
	return rq_each(db, st, count_row, count);
}

static int any_row(sqlite3_stmt *st, void *p)
{
	*(bool *)p = sqlite3_column_int(st, 0) != 0;
	return 0;
}

int db_any_tunnel(struct db *db, const struct db_selection *sel, bool *any)
{
	sqlite3_stmt *st = rq_query(db, RQ_ANY_TUNNEL);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	*any = false;
	return rq_each(db, st, any_row, any);
}

struct found_ctx {
	struct flow_ctx inner;
	bool found;
};

static int found_flow_row(sqlite3_stmt *st, void *p)
{
	struct found_ctx *ctx = p;
	ctx->found = true;
	flow_row(st, &ctx->inner);
	return 0;
}

int db_get_flow(struct db *db, int64_t flow_id, db_flow_fn fn, void *user)
{
	sqlite3_stmt *st = rq_query(db, RQ_FLOW);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, flow_id);
	struct found_ctx ctx = {{fn, user}, false};
	if (rq_each(db, st, found_flow_row, &ctx) < 0)
		return -1;
	return ctx.found;
}

struct id_list {
	int64_t *v;
	size_t n, cap;
};

static int collect_id(sqlite3_stmt *st, void *p)
{
	struct id_list *ids = p;
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 64;
		int64_t *v = realloc(ids->v, cap * sizeof *v);
		if (!v)
			return -2;
		ids->v = v;
		ids->cap = cap;
	}
	ids->v[ids->n++] = sqlite3_column_int64(st, 0);
	return 0;
}

int db_selected_ids(struct db *db, const struct db_selection *sel, int64_t **ids,
                    size_t *n)
{
	struct id_list list = {0};
	*ids = NULL;
	*n = 0;
	sqlite3_stmt *st = rq_query(db, RQ_SELECTED_IDS);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	int rc = rq_each(db, st, collect_id, &list);
	if (rc == -2)
		snprintf(db->error, sizeof db->error, "out of memory");
	if (rc) {
		free(list.v);
		return -1;
	}
	*ids = list.v;
	*n = list.n;
	return 0;
}

/* --- summaries --------------------------------------------------------- */

static int totals_row(sqlite3_stmt *st, void *p)
{
	struct db_totals *t = p;
	t->captures = sqlite3_column_int64(st, 0);
	t->flows = sqlite3_column_int64(st, 1);
	t->segments = sqlite3_column_int64(st, 2);
	t->client_bytes = sqlite3_column_int64(st, 3);
	t->server_bytes = sqlite3_column_int64(st, 4);
	t->notable_flows = sqlite3_column_int64(st, 5);
	return 0;
}

int db_get_totals(struct db *db, const struct db_selection *sel,
                  struct db_totals *totals)
{
	memset(totals, 0, sizeof *totals);
	sqlite3_stmt *st = rq_query(db, RQ_TOTALS);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	return rq_each(db, st, totals_row, totals);
}

struct group_ctx {
	db_group_fn fn;
	void *user;
};

static int group_row(sqlite3_stmt *st, void *p)
{
	struct group_ctx *ctx = p;
	return ctx->fn(rq_text(st, 0), sqlite3_column_int64(st, 1), ctx->user);
}

int db_each_group(struct db *db, const struct db_selection *sel,
                  enum db_group group, db_group_fn fn, void *user)
{
	enum report_query_id id = group == DB_GROUP_FINAL_STATES ? RQ_GROUP_FINAL
	                          : group == DB_GROUP_CONN_STATE ? RQ_GROUP_CONN_STATE
	                                                         : RQ_GROUP_ANALYSIS;
	sqlite3_stmt *st = rq_query(db, id);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	struct group_ctx ctx = {fn, user};
	return rq_each(db, st, group_row, &ctx);
}

/* --- exports ----------------------------------------------------------- */

struct view_ctx {
	db_row_fn fn;
	void *user;
	int ncols;
	const char **names;
	const char **values;
};

static int view_row(sqlite3_stmt *st, void *p)
{
	struct view_ctx *ctx = p;
	for (int i = 0; i < ctx->ncols; i++)
		ctx->values[i] = rq_text(st, i);
	return ctx->fn(ctx->ncols, ctx->names, ctx->values, ctx->user);
}

int db_each_view_row(struct db *db, enum db_view view,
                     const struct db_selection *sel, db_row_fn fn, void *user)
{
	enum report_query_id id = view == DB_VIEW_FLOWS      ? RQ_VIEW_FLOWS
	                          : view == DB_VIEW_SEGMENTS ? RQ_VIEW_SEGMENTS
	                                                     : RQ_VIEW_TRANSITIONS;
	sqlite3_stmt *st = rq_query(db, id);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	struct view_ctx ctx = {fn, user, sqlite3_column_count(st), NULL, NULL};
	ctx.names = calloc((size_t)ctx.ncols, sizeof *ctx.names);
	ctx.values = calloc((size_t)ctx.ncols, sizeof *ctx.values);
	if (!ctx.names || !ctx.values) {
		free(ctx.names);
		free(ctx.values);
		snprintf(db->error, sizeof db->error, "out of memory");
		return -1;
	}
	for (int i = 0; i < ctx.ncols; i++)
		ctx.names[i] = sqlite3_column_name(st, i);
	int rc = fn(ctx.ncols, ctx.names, NULL, user);
	if (rc == 0)
		rc = rq_each(db, st, view_row, &ctx);
	free(ctx.names);
	free(ctx.values);
	return rc;
}

/* --- transactions ---------------------------------------------------- */

int db_read_begin(struct db *db)
{
	return db_exec(db, "BEGIN DEFERRED");
}

int db_read_end(struct db *db)
{
	/* Nothing was written: ending it is only letting go of the lock. */
	return sqlite3_get_autocommit(db->conn) ? 0 : db_exec(db, "COMMIT");
}

/* --- plans ---------------------------------------------------- */

int64_t db_report_full_scan_steps(struct db *db)
{
	int64_t steps = 0;
	for (int id = 0; id < RQ_COUNT; id++) {
		if (db->report[id])
			steps += sqlite3_stmt_status(db->report[id], SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
	}
	return steps;
}
