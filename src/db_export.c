/* db_export: see db_export.h. The JSON statement is built from the view's
 * own columns (as SQLite names them), so a column added to a view is
 * exported without a change here; it is prepared once per export and
 * finalized after it. SQLite takes at most 127 arguments to a function
 * (SQLITE_MAX_FUNCTION_ARG before 3.48), fewer than flows_view's names and
 * values, so the object is begun with json_object() for the first
 * JSON_CHUNK columns and json_insert() adds the rest, JSON_CHUNK at a
 * time, each after the ones before it. */
#include "db_export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_report_internal.h"

enum { JSON_CHUNK = 50 };

/* Each view with its flow key and its order (db_each_view_row's). */
static const struct {
	const char *name, *flow_key, *order;
} views[] = {
	[DB_VIEW_FLOWS] = {"flows_view", "id", "id"},
	[DB_VIEW_SEGMENTS] = {"segments_view", "flow_id", "flow_id, frame"},
	[DB_VIEW_TRANSITIONS] = {"transitions_view", "flow_id", "flow_id, step"},
};

/* The SELECT that makes view's rows into JSON objects; sqlite3_free it.
 * NULL on an error (db_error says it). */
static char *json_sql(struct db *db, enum db_view view)
{
	sqlite3_stmt *cols;
	char *probe = sqlite3_mprintf("SELECT * FROM \"%w\" LIMIT 0", views[view].name);
	if (!probe || sqlite3_prepare_v2(db->conn, probe, -1, &cols, NULL) != SQLITE_OK) {
		sqlite3_free(probe);
		db_fail(db, "reading the view's columns");
		return NULL;
	}
	sqlite3_free(probe);
	int n = sqlite3_column_count(cols);
	sqlite3_str *expr = sqlite3_str_new(db->conn);
	/* The innermost call first: json_insert(json_insert(json_object(..), ..), ..). */
	for (int at = JSON_CHUNK; at < n; at += JSON_CHUNK)
		sqlite3_str_appendall(expr, "json_insert(");
	for (int at = 0; at < n; at += JSON_CHUNK) {
		if (at == 0)
			sqlite3_str_appendall(expr, "json_object(");
		for (int i = at; i < n && i < at + JSON_CHUNK; i++) {
			const char *name = sqlite3_column_name(cols, i);
			if (at == 0)
				sqlite3_str_appendf(expr, "%s%Q, \"%w\"", i ? ", " : "", name, name);
			else
				sqlite3_str_appendf(expr, ", '$.\"%q\"', \"%w\"", name, name);
		}
		sqlite3_str_appendall(expr, ")");
	}
	sqlite3_finalize(cols);
	char *e = sqlite3_str_finish(expr);
	char *sql = e ? sqlite3_mprintf("SELECT %s FROM \"%w\" WHERE \"%w\" IN " SEL " ORDER BY %s",
	                                e, views[view].name, views[view].flow_key,
	                                views[view].order)
	              : NULL;
	sqlite3_free(e);
	if (!sql)
		snprintf(db->error, sizeof db->error, "out of memory");
	return sql;
}

/* Prepares sql (after temp.notability, which SEL names), binds the
 * selection; NULL on an error. */
static sqlite3_stmt *prepare_selected(struct db *db, const char *sql,
                                      const struct db_selection *sel)
{
	sqlite3_stmt *st = NULL;
	if (rq_read_notability(db))
		return NULL;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, "preparing an export query");
		return NULL;
	}
	if (rq_bind_selection(db, st, sel)) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

struct json_ctx {
	db_json_line_fn fn;
	void *user;
};

static int json_row(sqlite3_stmt *st, void *p)
{
	struct json_ctx *ctx = p;
	return ctx->fn((const char *)sqlite3_column_text(st, 0),
	               (size_t)sqlite3_column_bytes(st, 0), ctx->user);
}

int db_each_view_json(struct db *db, enum db_view view, const struct db_selection *sel,
                      db_json_line_fn fn, void *user)
{
	char *sql = json_sql(db, view);
	if (!sql)
		return -1;
	sqlite3_stmt *st = prepare_selected(db, sql, sel);
	sqlite3_free(sql);
	if (!st)
		return -1;
	struct json_ctx ctx = {fn, user};
	int rc = rq_each(db, st, json_row, &ctx);
	sqlite3_finalize(st);
	return rc;
}

/* conn.log's flows: the bytes as Zeek counts them from sequence numbers
 * are the payload less what was sent again (docs/queries.md says where
 * they differ). */
static const char conn_sql[] =
	"SELECT f.id, f.first_frame, c.sha256, f.first_ts_ns, f.last_ts_ns - f.first_ts_ns,"
	" f.client_ip, f.client_port, f.server_ip, f.server_port,"
	" f.client_bytes - IFNULL(fa.client_retrans_bytes, 0),"
	" f.server_bytes - IFNULL(fa.server_retrans_bytes, 0),"
	" f.client_packets, f.server_packets, f.conn_state, f.history, f.community_id"
	" FROM flows f JOIN captures c ON c.id = f.capture_id"
	" LEFT JOIN flow_analysis fa ON fa.flow_id = f.id"
	" WHERE f.id IN " SEL " ORDER BY f.first_ts_ns, f.id";

struct conn_ctx {
	db_conn_fn fn;
	void *user;
};

static int conn_row(sqlite3_stmt *st, void *p)
{
	struct conn_ctx *ctx = p;
	struct db_conn_row r = {
		.id = sqlite3_column_int64(st, 0),
		.first_frame = sqlite3_column_int64(st, 1),
		.capture_sha256 = rq_text(st, 2),
		.ts_ns = sqlite3_column_int64(st, 3),
		.duration_ns = sqlite3_column_int64(st, 4),
		.client_ip = rq_text(st, 5),
		.client_port = sqlite3_column_int(st, 6),
		.server_ip = rq_text(st, 7),
		.server_port = sqlite3_column_int(st, 8),
		.client_bytes = sqlite3_column_int64(st, 9),
		.server_bytes = sqlite3_column_int64(st, 10),
		.client_packets = sqlite3_column_int64(st, 11),
		.server_packets = sqlite3_column_int64(st, 12),
		.conn_state = rq_text(st, 13),
		.history = rq_text(st, 14),
		.community_id = rq_text(st, 15),
	};
	return ctx->fn(&r, ctx->user);
}

int db_each_conn_row(struct db *db, const struct db_selection *sel, db_conn_fn fn,
                     void *user)
{
	sqlite3_stmt *st = prepare_selected(db, conn_sql, sel);
	if (!st)
		return -1;
	struct conn_ctx ctx = {fn, user};
	int rc = rq_each(db, st, conn_row, &ctx);
	sqlite3_finalize(st);
	return rc;
}
