/* db_report_index: the index's data (db_flows_json_*, db_report.h): the
 * head's tables of servers, kinds of ending and IPv6 clients, made as
 * temporary tables for the selection, then the head and the chunks of
 * flows that refer to them. The SQL is query_sql's, in db_report.c, with
 * every other report query; this file only runs it. */
#include "db_report.h"

#include <sqlite3.h>

#include "db_internal.h"
#include "db_report_internal.h"

struct json_ctx {
	db_json_fn fn;
	void *user;
	int64_t base_ns;
};

static int json_head_row(sqlite3_stmt *st, void *p)
{
	struct json_ctx *ctx = p;
	ctx->base_ns = sqlite3_column_int64(st, 1);
	return ctx->fn((const char *)sqlite3_column_text(st, 0),
	               (size_t)sqlite3_column_bytes(st, 0), ctx->user);
}

static int json_row(sqlite3_stmt *st, void *p)
{
	struct json_ctx *ctx = p;
	return ctx->fn((const char *)sqlite3_column_text(st, 0),
	               (size_t)sqlite3_column_bytes(st, 0), ctx->user);
}

/* The head's tables, this connection's own (temporary, as
 * temp.notability), made anew for this selection. */
static int fill_index_tables(struct db *db, const struct db_selection *sel)
{
	if (sqlite3_exec(db->conn,
	                 "CREATE TEMP TABLE IF NOT EXISTS index_servers (n INTEGER PRIMARY KEY,"
	                 " ip TEXT NOT NULL, port INTEGER NOT NULL, UNIQUE (ip, port));"
	                 " CREATE TEMP TABLE IF NOT EXISTS index_kinds (n INTEGER PRIMARY KEY,"
	                 " conn TEXT NOT NULL, cs INTEGER NOT NULL, ss INTEGER NOT NULL,"
	                 " analysis INTEGER NOT NULL, reasons TEXT NOT NULL, notable INTEGER NOT NULL,"
	                 " UNIQUE (conn, cs, ss, analysis, reasons, notable));"
	                 " CREATE TEMP TABLE IF NOT EXISTS index_clients6 (n INTEGER PRIMARY KEY,"
	                 " ip TEXT NOT NULL UNIQUE);"
	                 " DELETE FROM temp.index_servers; DELETE FROM temp.index_kinds;"
	                 " DELETE FROM temp.index_clients6;",
	                 NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "the index's tables");
	static const enum report_query_id fill[] = {RQ_INDEX_SERVERS, RQ_INDEX_KINDS,
	                                            RQ_INDEX_CLIENTS6};
	for (size_t i = 0; i < sizeof fill / sizeof fill[0]; i++) {
		sqlite3_stmt *st = rq_query(db, fill[i]);
		if (!st || rq_bind_selection(db, st, sel) || rq_each(db, st, NULL, NULL) != 0)
			return -1;
	}
	return 0;
}

int db_flows_json_head(struct db *db, const struct db_selection *sel, bool notable_pages,
                       db_json_fn fn, void *user, int64_t *base_ns)
{
	if (fill_index_tables(db, sel) != 0)
		return -1;
	sqlite3_stmt *st = rq_query(db, RQ_FLOWS_JSON_HEAD);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	sqlite3_bind_int(st, 4, notable_pages);
	struct json_ctx ctx = {fn, user, 0};
	int rc = rq_each(db, st, json_head_row, &ctx);
	*base_ns = ctx.base_ns;
	return rc;
}

int db_flows_json_rows(struct db *db, const struct db_selection *sel, int64_t base_ns,
                       int64_t first_id, int64_t last_id, db_json_fn fn, void *user)
{
	sqlite3_stmt *st = rq_query(db, RQ_FLOWS_JSON);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	sqlite3_bind_int64(st, 4, base_ns);
	sqlite3_bind_int64(st, 5, first_id);
	sqlite3_bind_int64(st, 6, last_id);
	struct json_ctx ctx = {fn, user, 0};
	return rq_each(db, st, json_row, &ctx);
}
