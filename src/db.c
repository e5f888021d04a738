/* db: see db.h. Statements are prepared once at open and reset after each
 * use; every capture is written in one transaction by the caller, so a
 * crash leaves whole captures only. WAL with synchronous=NORMAL: a commit
 * is atomic against a crash of the program, which is the guarantee
 * DESIGN.md asks for, without an fsync per capture. Transactions and the
 * journal they use are db_journal.c's; lookups of whole captures,
 * db_capture.c's. */
#include "db.h"
#include "community_id.h"
#include "db_report.h"
#include "flow_state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_internal.h"

#define INSERT_SEGMENTS \
	"INSERT INTO segment_rows (flow_id, frame, ts_offset_ns, packed," \
	" rel_seq, rel_ack, len, win, dupack_num, changes, seq_stored," \
	" ack_stored) VALUES "
#define VALUES_SEGMENT "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
enum { SEGMENT_COLUMNS = 12 };

static const char *const stmt_sql[ST_COUNT] = {
	[ST_CAPTURE_KNOWN] = "SELECT id, status FROM captures WHERE sha256 = ?1",
	[ST_CAPTURE_FORGET] = "DELETE FROM captures WHERE id = ?1",
	/* Loading an empty database (db_begin_load). */
	[ST_FLOWS_EMPTY] = "SELECT NOT EXISTS (SELECT 1 FROM main.flows)",
	[ST_FLOW_INDEXES] =
		"SELECT name, sql FROM main.sqlite_schema WHERE type = 'index'"
		" AND tbl_name = 'flows' AND sql IS NOT NULL",
	[ST_JOURNAL_DELETE] = "PRAGMA main.journal_mode = DELETE",
	[ST_NEXT_IDS] = "SELECT (SELECT IFNULL(MAX(id), 0) + 1 FROM captures),"
	                " (SELECT IFNULL(MAX(id), 0) + 1 FROM flows)",
	[ST_INSERT_CAPTURE] =
		"INSERT INTO captures (id, path, sha256, linktype, linktype_name,"
		" packets, tcp_packets, bad_packets, first_ts_ns, last_ts_ns, status,"
		" error, frag_reassembled, frag_incomplete, frag_overlapping,"
		" not_ip_packets, not_tcp_packets, undecoded_packets, fragment_packets,"
		" filter)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		" ?16, ?17, ?18, ?19, ?20)",
	[ST_INSERT_FLOW] =
		"INSERT INTO flows (id, capture_id, ip_version, client_ip, client_port,"
		" server_ip, server_port, first_ts_ns, last_ts_ns, first_frame,"
		" last_frame, packets, client_packets, server_packets, client_bytes,"
		" server_bytes, client_isn, server_isn, client_state, server_state,"
		" handshake_rtt_ns, mid_stream, analysis, client_mss, server_mss,"
		" client_wscale, server_wscale, client_sack_ok, server_sack_ok,"
		" conn_state, history, syn_synack_ns, synack_ack_ns, win_scaled,"
		" close_initiator, client_seq_base, server_seq_base, tunnel,"
		" tunnel_changes, community_id)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		" ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27,"
		" ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40)",
	[ST_INSERT_FLOW_ANALYSIS] =
		"INSERT INTO flow_analysis (flow_id, client_retrans_bytes,"
		" server_retrans_bytes, retransmission_count, fast_retransmission_count,"
		" spurious_retransmission_count, out_of_order_count,"
		" lost_segment_count, duplicate_ack_count, ack_lost_segment_count,"
		" zero_window_count, zero_window_probe_count, window_full_count,"
		" window_update_count, keep_alive_count, keep_alive_ack_count,"
		" reused_ports_count, zero_window_probe_ack_count,"
		" unexpected_in_state_count)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		" ?15, ?16, ?17, ?18, ?19)",
	[ST_INSERT_SEGMENT] = INSERT_SEGMENTS VALUES_SEGMENT,
	[ST_INSERT_TRANSITION_EXTRA] =
		"INSERT INTO transitions_extra (flow_id, seen_frame, slot, endpoint,"
		" frame, from_state, to_state, event) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		" ?7, ?8)",
	[ST_MARK_SERVER_CLOSED] =
		/* SQLite's bit operators share one precedence. */
		"UPDATE segment_rows SET packed = (packed & ~(15 << 13)) | (1 << 13)"
		" WHERE flow_id = ?1 AND frame < ?2", /* 1: TCPS_CLOSED */
	[ST_INSERT_OPTIONS] =
		"INSERT INTO segment_options (flow_id, frame, options) VALUES (?1, ?2, ?3)",
	[ST_INSERT_UNDECODED] =
		"INSERT INTO capture_undecoded (capture_id, encapsulation, packets,"
		" first_frame) VALUES (?1, ?2, ?3, ?4)",
	[ST_INSERT_SEGMENT_KEYS] =
		"INSERT INTO segment_keys (flow_id, frame, ip_id, ttl, tsval, tsecr,"
		" payload_hash, payload_hashed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
};


const char *db_error(const struct db *db)
{
	return db->error;
}

int db_fail(struct db *db, const char *what)
{
	snprintf(db->error, sizeof db->error, "%s: %s", what,
	         sqlite3_errmsg(db->conn));
	return -1;
}

sqlite3_stmt *db_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, "preparing a query");
		return NULL;
	}
	return st;
}

int db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(db->error, sizeof db->error, "%s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* community_id(ip_version, client_ip, client_port, server_ip, server_port):
 * the flow's Community ID from its row, for the upgrade to schema 8
 * (schema/upgrade/8.sql) to fill flows.community_id of the flows stored
 * before it; NULL for addresses that do not parse. Ingest computes the
 * same from the flow itself (db_insert_flow). */
static void sql_community_id(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int ip_version = sqlite3_value_int(argv[0]);
	const char *client = (const char *)sqlite3_value_text(argv[1]);
	const char *server = (const char *)sqlite3_value_text(argv[3]);
	uint8_t a[16], b[16];
	int af = ip_version == 6 ? AF_INET6 : AF_INET;
	char cid[COMMUNITY_ID_SIZE];
	if (client && server && inet_pton(af, client, a) == 1 &&
	    inet_pton(af, server, b) == 1 &&
	    community_id_v1(0, 6, ip_version, a, (uint16_t)sqlite3_value_int(argv[2]), b,
	                    (uint16_t)sqlite3_value_int(argv[4]), cid) == 0)
		sqlite3_result_text(ctx, cid, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

static int user_version(struct db *db, int *version)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_fail(db, "reading schema version");
	int rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "reading schema version");
}

/* The SQL that brings a database from version to DB_SCHEMA_VERSION: the
 * whole schema for an empty one (version 0), else each upgrade step
 * (schema/upgrade/N.sql) and the views made anew. NULL when a step is
 * missing; sqlite3_free it. */
static char *upgrade_sql(int version)
{
	if (version == 0)
		return sqlite3_mprintf("%s", db_schema_sql);
	char *sql = sqlite3_mprintf("%s", "");
	for (int v = version + 1; sql && v <= DB_SCHEMA_VERSION; v++) {
		if ((unsigned)v >= db_upgrade_count || !db_upgrade_sql[v]) {
			sqlite3_free(sql);
			return NULL;
		}
		sql = sqlite3_mprintf("%z%s", sql, db_upgrade_sql[v]);
	}
	return sql ? sqlite3_mprintf("%z%s", sql, db_views_sql) : NULL;
}

/* Brings the database to this program's schema version, in one
 * transaction. */
static int migrate(struct db *db)
{
	int version;
	if (user_version(db, &version))
		return -1;
	if (version > DB_SCHEMA_VERSION) {
		snprintf(db->error, sizeof db->error,
		         "database schema version %d is newer than this tcpladder's (%d)",
		         version, DB_SCHEMA_VERSION);
		return -1;
	}
	db->upgraded_from = version;
	if (version == DB_SCHEMA_VERSION)
		return 0;
	char *sql = upgrade_sql(version);
	if (!sql) {
		snprintf(db->error, sizeof db->error,
		         "no upgrade from database schema version %d", version);
		return -1;
	}
	if (db_exec(db, "BEGIN IMMEDIATE")) {
		sqlite3_free(sql);
		return -1;
	}
	char set_version[64];
	snprintf(set_version, sizeof set_version, "PRAGMA user_version = %d",
	         DB_SCHEMA_VERSION);
	/* A writer that upgraded first leaves nothing to do. */
	int now;
	int rc = user_version(db, &now);
	if (rc == 0 && now == version)
		rc = db_exec(db, sql) || db_exec(db, set_version) ? -1 : 0;
	else if (rc == 0)
		db->upgraded_from = DB_SCHEMA_VERSION;
	sqlite3_free(sql);
	if (rc) {
		/* Keep SQLite's reason across the rollback (which may set its own). */
		char keep[sizeof db->error];
		memcpy(keep, db->error, sizeof keep);
		db_exec(db, "ROLLBACK");
		snprintf(db->error, sizeof db->error, "applying schema: %.400s", keep);
		return -1;
	}
	return db_exec(db, "COMMIT");
}

static int prepare_segment_batch(struct db *db)
{
	char sql[sizeof INSERT_SEGMENTS + DB_SEGMENT_BATCH * sizeof VALUES_SEGMENT];
	size_t at = (size_t)snprintf(sql, sizeof sql, "%s", INSERT_SEGMENTS);
	for (int r = 0; r < DB_SEGMENT_BATCH; r++)
		at += (size_t)snprintf(sql + at, sizeof sql - at, "%s%s",
		                       r ? "," : "", VALUES_SEGMENT);
	if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT,
	                       &db->insert_segments, NULL) != SQLITE_OK)
		return db_fail(db, "preparing statements");
	return 0;
}

/* The folder path is in ("." for a bare name). */
static void folder_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, len, ".");
	else
		snprintf(dir, len, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

/* SQLite's "unable to open database file" does not say why. The usual
 * reasons are the database's directory: missing, not a directory, or
 * unwritable (a read-only filesystem, where SQLite's last errno is that of
 * its read-only retry, ENOENT for a -shm file it could not create), where
 * WAL needs to create files beside the database. Checked in that order;
 * else SQLite's errno, if any. */
static void explain_failed_open(const struct db *db, const char *path, char *err,
                                size_t errlen)
{
	char dir[4096];
	folder_of(path, dir, sizeof dir);
	struct stat st;
	const char *why = NULL;
	if (stat(dir, &st) != 0)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = strerror(ENOTDIR);
	else if (access(dir, W_OK) != 0)
		why = strerror(errno);
	if (why)
		snprintf(err, errlen, "%s (directory %s: %s)", db->error, dir, why);
	else if (db->conn && sqlite3_system_errno(db->conn))
		snprintf(err, errlen, "%s (%s)", db->error, strerror(sqlite3_system_errno(db->conn)));
	else
		snprintf(err, errlen, "%s", db->error);
}

struct db *db_open(const char *path, char *err, size_t errlen)
{
	struct db *db = calloc(1, sizeof *db);
	if (!db) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* URIs on, for db_merge's ATTACH of a shard that must not be created
	 * when missing (mode=rw); a path of the user's that happens to start
	 * with "file:" is still that file, as "./file:...". */
	char plain[4200];
	snprintf(plain, sizeof plain, "%s%.4096s", strncmp(path, "file:", 5) ? "" : "./", path);
	if (sqlite3_open_v2(plain, &db->conn,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI |
	                            SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		snprintf(db->error, sizeof db->error, "%s",
		         db->conn ? sqlite3_errmsg(db->conn) : "cannot open");
		goto failed;
	}
	/* Several ingests may share a database: wait for the writer. */
	sqlite3_busy_timeout(db->conn, 60000);
	/* WAL, so that readers and a writer work side by side. While another
	 * process loads a capture through a rollback journal (db_begin_load),
	 * asking for WAL fails at once with SQLITE_BUSY, busy timeout or not;
	 * that load puts WAL back at its commit, and this connection waits for
	 * its lock wherever it needs one, so the open goes on. */
	int rc = sqlite3_exec(db->conn, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
		snprintf(db->error, sizeof db->error, "%s", sqlite3_errmsg(db->conn));
		goto failed;
	}
	if (sqlite3_create_function(db->conn, "community_id", 5,
	                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                            NULL, sql_community_id, NULL, NULL) != SQLITE_OK) {
		db_fail(db, "registering community_id()");
		goto failed;
	}
	if (db_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384") ||
	    migrate(db))
		goto failed;
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(db->conn, stmt_sql[i], -1,
		                       SQLITE_PREPARE_PERSISTENT, &db->stmt[i],
		                       NULL) != SQLITE_OK) {
			db_fail(db, "preparing statements");
			goto failed;
		}
	}
	if (prepare_segment_batch(db))
		goto failed;
	return db;
failed:
	explain_failed_open(db, path, err, errlen);
	db_close(db);
	return NULL;
}

/* Can this process create files in path's folder? */
static bool folder_writable(const char *path)
{
	char dir[4096];
	folder_of(path, dir, sizeof dir);
	return access(dir, W_OK) == 0;
}

/* Opens path for reading only: nothing a reader does can change the file
 * or need to write beside it. In a folder it cannot write (a read-only
 * share, a read-only mount, a colleague's folder), SQLite could neither
 * take its locks' files nor roll back a crashed writer's journal, so the
 * database is opened immutable: read as it is, without locks. A database
 * still in WAL needs its -shm, which only a writable folder gives. */
static int open_for_reading(struct db *db, const char *path)
{
	int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
	if (folder_writable(path))
		return sqlite3_open_v2(path, &db->conn, SQLITE_OPEN_READONLY, NULL);
	/* The path becomes a URI's: '?', '#' and '%' are escaped. */
	char *escaped = sqlite3_mprintf("%s", "");
	for (const char *c = path; escaped && *c; c++) {
		char *next = strchr("?#%", *c) ? sqlite3_mprintf("%s%%%02X", escaped, (unsigned char)*c)
		                               : sqlite3_mprintf("%s%c", escaped, *c);
		sqlite3_free(escaped);
		escaped = next;
	}
	char *uri = escaped ? sqlite3_mprintf("file:%s?immutable=1", escaped) : NULL;
	sqlite3_free(escaped);
	if (!uri)
		return SQLITE_NOMEM;
	int rc = sqlite3_open_v2(uri, &db->conn, flags, NULL);
	sqlite3_free(uri);
	return rc;
}

struct db *db_open_readonly(const char *path, char *err, size_t errlen)
{
	struct db *db = calloc(1, sizeof *db);
	if (!db) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	int rc = open_for_reading(db, path);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "no such database (%s)",
		         db->conn ? sqlite3_errmsg(db->conn) : "cannot open");
		db_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->conn, 60000);
	/* A report reads the file's pages many times over (each flow page
	 * runs a few short queries): mapped, they are read in place rather
	 * than copied by a pread each time SQLite's cache lets one go.
	 * SQLite caps the size at its SQLITE_MAX_MMAP_SIZE (2 GB), past which
	 * it reads as before. */
	sqlite3_exec(db->conn, "PRAGMA mmap_size = 4294967296", NULL, NULL, NULL);
	int version;
	if (user_version(db, &version)) {
		snprintf(err, errlen, "%s", db->error);
		db_close(db);
		return NULL;
	}
	if (version < 1 || version > DB_SCHEMA_VERSION) {
		snprintf(err, errlen, version ? "database schema version %d is not this tcpladder's (%d)"
		                              : "not a tcpladder database (schema version %d, expected %d)",
		         version, DB_SCHEMA_VERSION);
		db_close(db);
		return NULL;
	}
	if (version < DB_SCHEMA_VERSION) {
		db_close(db);
		/* Whoever may write the database brings it up to date, as ingest
		 * would (upgrades only add); then it is read as any other. */
		if (access(path, W_OK) == 0 && folder_writable(path)) {
			struct db *writer = db_open(path, err, errlen);
			if (!writer)
				return NULL;
			db_close(writer);
			return db_open_readonly(path, err, errlen);
		}
		snprintf(err, errlen, "database schema version %d is older than this tcpladder's (%d),"
		         " and only one who may write it and its folder can upgrade it: any"
		         " tcpladder command they run on it does", version, DB_SCHEMA_VERSION);
		return NULL;
	}
	return db;
}

int db_upgraded_from(const struct db *db)
{
	return db->upgraded_from;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(db->stmt[i]);
	sqlite3_finalize(db->insert_segments);
	sqlite3_free(db->deferred_indexes);
	for (int i = 0; i < RQ_COUNT; i++)
		sqlite3_finalize(db->report[i]);
	sqlite3_close(db->conn);
	free(db);
}

/* Step a statement that returns no rows, and reset it for its next use. */
static int run(struct db *db, enum stmt_id id, const char *what)
{
	sqlite3_stmt *st = db->stmt[id];
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, what);
}

/* A captures row's status as db_capture_known reports it. */
static enum db_capture_known known_from_status(const unsigned char *status)
{
	return status && strcmp((const char *)status, "failed") == 0 ? DB_CAPTURE_FAILED
	                                                             : DB_CAPTURE_PRESENT;
}

int db_capture_known(struct db *db, const char *sha256_hex,
                     enum db_capture_known *known, int64_t *id)
{
	sqlite3_stmt *st = db->stmt[ST_CAPTURE_KNOWN];
	sqlite3_bind_text(st, 1, sha256_hex, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*known = DB_CAPTURE_NEW;
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*known = known_from_status(sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
	                                             : db_fail(db, "looking up capture");
}

int db_capture_forget(struct db *db, int64_t id)
{
	sqlite3_bind_int64(db->stmt[ST_CAPTURE_FORGET], 1, id);
	return run(db, ST_CAPTURE_FORGET, "removing failed capture");
}

int db_next_ids(struct db *db, int64_t *capture_id, int64_t *flow_id)
{
	sqlite3_stmt *st = db->stmt[ST_NEXT_IDS];
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*capture_id = sqlite3_column_int64(st, 0);
		*flow_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "reading next ids");
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *text)
{
	if (text)
		sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int db_insert_capture(struct db *db, const struct db_capture_row *row)
{
	sqlite3_stmt *st = db->stmt[ST_INSERT_CAPTURE];
	sqlite3_bind_int64(st, 1, row->id);
	sqlite3_bind_text(st, 2, row->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, row->sha256_hex, -1, SQLITE_TRANSIENT);
	if (row->linktype >= 0)
		sqlite3_bind_int(st, 4, row->linktype);
	bind_text_or_null(st, 5, row->linktype_name);
	sqlite3_bind_int64(st, 6, (int64_t)row->packets);
	sqlite3_bind_int64(st, 7, (int64_t)row->tcp_packets);
	sqlite3_bind_int64(st, 8, (int64_t)row->bad_packets);
	if (row->has_ts) {
		sqlite3_bind_int64(st, 9, row->first_ts_ns);
		sqlite3_bind_int64(st, 10, row->last_ts_ns);
	}
	sqlite3_bind_text(st, 11, row->status, -1, SQLITE_STATIC);
	bind_text_or_null(st, 12, row->error);
	sqlite3_bind_int64(st, 13, (int64_t)row->frag_reassembled);
	sqlite3_bind_int64(st, 14, (int64_t)row->frag_incomplete);
	sqlite3_bind_int64(st, 15, (int64_t)row->frag_overlapping);
	sqlite3_bind_int64(st, 16, (int64_t)row->not_ip_packets);
	sqlite3_bind_int64(st, 17, (int64_t)row->not_tcp_packets);
	sqlite3_bind_int64(st, 18, (int64_t)row->undecoded_packets);
	sqlite3_bind_int64(st, 19, (int64_t)row->fragment_packets);
	bind_text_or_null(st, 20, row->filter);
	if (run(db, ST_INSERT_CAPTURE, "writing capture"))
		return -1;
	for (unsigned i = 0; i < row->undecoded_kinds; i++) {
		const struct db_undecoded *u = &row->undecoded[i];
		char name[96];
		decode_encap_text(u->encap, u->value, name, sizeof name);
		st = db->stmt[ST_INSERT_UNDECODED];
		sqlite3_bind_int64(st, 1, row->id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, (int64_t)u->packets);
		sqlite3_bind_int64(st, 4, (int64_t)u->first_frame);
		if (run(db, ST_INSERT_UNDECODED, "writing undecoded counts"))
			return -1;
	}
	return 0;
}

static void bind_addr(sqlite3_stmt *st, int i, uint8_t ip_version,
                      const uint8_t *addr)
{
	char text[INET6_ADDRSTRLEN];
	inet_ntop(ip_version == 6 ? AF_INET6 : AF_INET, addr, text, sizeof text);
	sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
}

int db_insert_flow(struct db *db, int64_t capture_id, const struct flow *f)
{
	struct flow_state scratch; /* a lone SYN's, rebuilt (flow_state.h) */
	const struct flow_state *fs = flow_state_view(f, &scratch);
	const struct flow_rare *rare = f->rare;
	sqlite3_stmt *st = db->stmt[ST_INSERT_FLOW];
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, capture_id);
	sqlite3_bind_int(st, 3, f->ip_version);
	bind_addr(st, 4, f->ip_version, f->addr[TCPST_CLIENT]);
	sqlite3_bind_int(st, 5, f->port[TCPST_CLIENT]);
	bind_addr(st, 6, f->ip_version, f->addr[TCPST_SERVER]);
	sqlite3_bind_int(st, 7, f->port[TCPST_SERVER]);
	sqlite3_bind_int64(st, 8, f->first_ts_ns);
	sqlite3_bind_int64(st, 9, f->last_ts_ns);
	sqlite3_bind_int64(st, 10, (int64_t)f->first_frame);
	sqlite3_bind_int64(st, 11, (int64_t)f->last_frame);
	sqlite3_bind_int64(st, 12, (int64_t)(f->packets[0] + f->packets[1]));
	sqlite3_bind_int64(st, 13, (int64_t)f->packets[TCPST_CLIENT]);
	sqlite3_bind_int64(st, 14, (int64_t)f->packets[TCPST_SERVER]);
	sqlite3_bind_int64(st, 15, (int64_t)f->bytes[TCPST_CLIENT]);
	sqlite3_bind_int64(st, 16, (int64_t)f->bytes[TCPST_SERVER]);
	for (int side = 0; side < 2; side++) {
		if (f->has_isn[side])
			sqlite3_bind_int64(st, 17 + side, f->isn[side]);
	}
	sqlite3_bind_int(st, 19, fs->tcp.ep[TCPST_CLIENT].state);
	sqlite3_bind_int(st, 20, fs->tcp.ep[TCPST_SERVER].state);
	if (fs->handshake_rtt_ns >= 0)
		sqlite3_bind_int64(st, 21, fs->handshake_rtt_ns);
	sqlite3_bind_int(st, 22, f->mid_stream);
	sqlite3_bind_int64(st, 23, f->analysis);
	for (int side = 0; side < 2; side++) {
		if (f->mss[side] >= 0)
			sqlite3_bind_int(st, 24 + side, f->mss[side]);
		if (f->wscale[side] >= 0)
			sqlite3_bind_int(st, 26 + side, f->wscale[side]);
		if (f->sack_ok[side] >= 0)
			sqlite3_bind_int(st, 28 + side, f->sack_ok[side]);
	}
	sqlite3_bind_text(st, 30, zeek_conn_state(&fs->zeek), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 31, fs->zeek.history, -1, SQLITE_TRANSIENT);
	if (fs->syn_synack_ns >= 0)
		sqlite3_bind_int64(st, 32, fs->syn_synack_ns);
	if (fs->synack_ack_ns >= 0)
		sqlite3_bind_int64(st, 33, fs->synack_ack_ns);
	sqlite3_bind_int(st, 34, f->wscale[0] >= 0 && f->wscale[1] >= 0);
	sqlite3_bind_text(st, 35, flow_close_initiator(f), -1, SQLITE_STATIC);
	for (int side = 0; side < 2; side++) {
		uint32_t base;
		if (flow_seq_base_stored(f, fs, side, &base))
			sqlite3_bind_int64(st, 36 + side, base);
	}
	bind_text_or_null(st, 38, rare ? rare->tunnel : NULL);
	sqlite3_bind_int64(st, 39, rare ? (int64_t)rare->tunnel_changes : 0);
	char cid[COMMUNITY_ID_SIZE];
	if (community_id_v1(0, 6, f->ip_version, f->addr[TCPST_CLIENT],
	                    f->port[TCPST_CLIENT], f->addr[TCPST_SERVER],
	                    f->port[TCPST_SERVER], cid) == 0)
		sqlite3_bind_text(st, 40, cid, -1, SQLITE_TRANSIENT);
	if (run(db, ST_INSERT_FLOW, "writing flow"))
		return -1;
	/* Retransmitted bytes come with AN_RETRANSMISSION: no bit, nothing
	 * to count, no flow_analysis row. */
	if (!f->analysis || !rare)
		return 0;
	st = db->stmt[ST_INSERT_FLOW_ANALYSIS];
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, (int64_t)rare->retrans_bytes[TCPST_CLIENT]);
	sqlite3_bind_int64(st, 3, (int64_t)rare->retrans_bytes[TCPST_SERVER]);
	/* The counts, in bit order (analysis.h) as the columns above. */
	for (int i = 0; i < AN_BITS; i++)
		sqlite3_bind_int64(st, 4 + i, (int64_t)rare->an_count[i]);
	return run(db, ST_INSERT_FLOW_ANALYSIS, "writing flow analysis");
}

/* One change in 32 bits as schema/001_tables.sql lays them out; false when
 * its cause is too far back to fit. */
static bool pack_change(const struct tcpst_change *c, uint64_t seen_frame,
                        uint64_t *packed)
{
	uint64_t back = seen_frame - c->frame;
	if (c->frame > seen_frame || back >= (1u << 19))
		return false;
	*packed = (uint64_t)(c->endpoint & 1) | (uint64_t)(c->from & 15) << 1 |
	          (uint64_t)(c->to & 15) << 5 | (uint64_t)(c->event & 15) << 9 |
	          back << 13;
	return true;
}

static int insert_extra(struct db *db, const struct db_segment_row *row, int slot,
                        const struct tcpst_change *c)
{
	sqlite3_stmt *st = db->stmt[ST_INSERT_TRANSITION_EXTRA];
	sqlite3_bind_int64(st, 1, row->flow_id);
	sqlite3_bind_int64(st, 2, (int64_t)row->frame);
	sqlite3_bind_int(st, 3, slot);
	sqlite3_bind_int(st, 4, c->endpoint);
	sqlite3_bind_int64(st, 5, (int64_t)c->frame);
	sqlite3_bind_int(st, 6, c->from);
	sqlite3_bind_int(st, 7, c->to);
	sqlite3_bind_int(st, 8, c->event);
	return run(db, ST_INSERT_TRANSITION_EXTRA, "writing a state change");
}

/* Bind one segment's 16 values from parameter first on; every parameter is
 * bound (NULL too), so the statement needs no sqlite3_clear_bindings. Its
 * changes that do not fit the row go to transitions_extra. */
static int bind_segment(struct db *db, sqlite3_stmt *st, int first,
                        const struct db_segment_row *row)
{
	/* The first two changes that fit go into the row, the rest (rare)
	 * into transitions_extra, numbered after them. */
	uint64_t packed = 0;
	int in_row = 0, slot = 2;
	for (int i = 0; i < row->nchanges; i++) {
		uint64_t one;
		if (in_row < 2 && pack_change(&row->changes[i], row->frame, &one))
			packed |= one << (32 * in_row++);
		else if (insert_extra(db, row, slot++, &row->changes[i]))
			return -1;
	}
	int i = first;
	sqlite3_bind_int64(st, i++, row->flow_id);
	sqlite3_bind_int64(st, i++, (int64_t)row->frame);
	sqlite3_bind_int64(st, i++, row->ts_ns - row->flow_first_ts_ns);
	/* segment_rows.packed, as schema/001_tables.sql lays it out. */
	sqlite3_bind_int64(st, i++,
	                   (int64_t)row->flags | (int64_t)row->from_client << 8 |
	                           (int64_t)(row->client_state & 15) << 9 |
	                           (int64_t)(row->server_state & 15) << 13 |
	                           (int64_t)row->analysis << 17);
	sqlite3_bind_int64(st, i++, row->rel_seq);
	if (row->has_ack)
		sqlite3_bind_int64(st, i++, row->rel_ack);
	else
		sqlite3_bind_null(st, i++);
	sqlite3_bind_int64(st, i++, row->len);
	sqlite3_bind_int64(st, i++, row->win);
	if (row->dupack_num)
		sqlite3_bind_int64(st, i++, row->dupack_num);
	else
		sqlite3_bind_null(st, i++);
	if (in_row)
		sqlite3_bind_int64(st, i++, (int64_t)packed);
	else
		sqlite3_bind_null(st, i++);
	/* What the segments view computes, checked here rather than assumed:
	 * a base that changed under a flow (a late SYN) leaves its number. */
	if ((uint32_t)(row->seq_base + (uint64_t)row->rel_seq) == row->seq)
		sqlite3_bind_null(st, i++);
	else
		sqlite3_bind_int64(st, i++, row->seq);
	uint32_t ack_view = row->has_ack
	                            ? (uint32_t)(row->ack_base + (uint64_t)row->rel_ack)
	                            : 0;
	if (ack_view == row->ack)
		sqlite3_bind_null(st, i++);
	else
		sqlite3_bind_int64(st, i++, row->ack);
	return 0;
}

static int step_once(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, what);
}

int db_insert_segments(struct db *db, const struct db_segment_row *rows, int n)
{
	/* One statement per DB_SEGMENT_BATCH rows: stepping, halting and
	 * resetting a statement costs as much as binding a row. */
	while (n >= DB_SEGMENT_BATCH) {
		sqlite3_stmt *st = db->insert_segments;
		for (int r = 0; r < DB_SEGMENT_BATCH; r++) {
			if (bind_segment(db, st, 1 + r * SEGMENT_COLUMNS, &rows[r]))
				return -1;
		}
		if (step_once(db, st, "writing segments"))
			return -1;
		rows += DB_SEGMENT_BATCH;
		n -= DB_SEGMENT_BATCH;
	}
	for (int r = 0; r < n; r++) {
		sqlite3_stmt *st = db->stmt[ST_INSERT_SEGMENT];
		if (bind_segment(db, st, 1, &rows[r]) ||
		    step_once(db, st, "writing segment"))
			return -1;
	}
	return 0;
}

int db_mark_server_closed(struct db *db, int64_t flow_id, uint64_t before_frame)
{
	sqlite3_bind_int64(db->stmt[ST_MARK_SERVER_CLOSED], 1, flow_id);
	sqlite3_bind_int64(db->stmt[ST_MARK_SERVER_CLOSED], 2,
	                   (int64_t)before_frame);
	return run(db, ST_MARK_SERVER_CLOSED, "marking refused connection");
}

int db_insert_segment_options(struct db *db, int64_t flow_id, uint64_t frame,
                              const char *options)
{
	sqlite3_stmt *st = db->stmt[ST_INSERT_OPTIONS];
	sqlite3_bind_int64(st, 1, flow_id);
	sqlite3_bind_int64(st, 2, (int64_t)frame);
	sqlite3_bind_text(st, 3, options, -1, SQLITE_STATIC);
	return run(db, ST_INSERT_OPTIONS, "writing segment options");
}
