/* db_merge: see db_merge.h. The shard is ATTACHed and its rows copied with
 * INSERT ... SELECT, table by table, the id columns shifted by the largest
 * id already in the main database. The column lists are read from the
 * schema itself (PRAGMA table_info), so a column added to a table merges
 * without a change here. */
#include "db_merge.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

/* Which rows of each table come over, and which columns are ids to shift.
 * shard.merge_captures holds the shard's new captures' ids. */
struct table_copy {
	const char *table;
	const char *where;
	const char *capture_id_col; /* shifted by the capture offset */
	const char *flow_id_col;    /* shifted by the flow offset */
};

#define NEW_FLOWS                                                              \
	"(SELECT id FROM shard.flows WHERE capture_id IN"                      \
	" (SELECT id FROM temp.merge_captures))"

static const struct table_copy copies[] = {
	{"captures", "id IN (SELECT id FROM temp.merge_captures)", "id", NULL},
	{"capture_undecoded", "capture_id IN (SELECT id FROM temp.merge_captures)",
	 "capture_id", NULL},
	{"flows", "capture_id IN (SELECT id FROM temp.merge_captures)", "capture_id", "id"},
	{"flow_analysis", "flow_id IN " NEW_FLOWS, NULL, "flow_id"},
	{"segment_rows", "flow_id IN " NEW_FLOWS, NULL, "flow_id"},
	{"segment_options", "flow_id IN " NEW_FLOWS, NULL, "flow_id"},
	{"transitions_extra", "flow_id IN " NEW_FLOWS, NULL, "flow_id"},
};

static int64_t scalar(struct db *db, const char *sql, int *failed)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK) {
		*failed = db_fail(db, "merging");
		return 0;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		*failed = db_fail(db, "merging");
	sqlite3_finalize(st);
	return v;
}

/* INSERT INTO main.T (cols) SELECT cols' FROM shard.T WHERE ..., where
 * cols' are the columns with the id ones shifted; no WHERE when all rows
 * come over. Returns rows copied. */
static int64_t copy_table(struct db *db, const struct table_copy *c, bool all,
                          int64_t capture_off, int64_t flow_off, int *failed)
{
	char sql[4096 * 2 + 1024], cols[4096] = "", exprs[4096] = "";
	snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s', 'main') ORDER BY cid",
	         c->table);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK) {
		*failed = db_fail(db, "merging");
		return 0;
	}
	size_t nc = 0, ne = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *sep = nc ? ", " : "";
		nc += (size_t)snprintf(cols + nc, sizeof cols - nc, "%s\"%s\"", sep, name);
		if (c->capture_id_col && strcmp(name, c->capture_id_col) == 0)
			ne += (size_t)snprintf(exprs + ne, sizeof exprs - ne, "%s\"%s\" + %lld",
			                       sep, name, (long long)capture_off);
		else if (c->flow_id_col && strcmp(name, c->flow_id_col) == 0)
			ne += (size_t)snprintf(exprs + ne, sizeof exprs - ne, "%s\"%s\" + %lld",
			                       sep, name, (long long)flow_off);
		else
			ne += (size_t)snprintf(exprs + ne, sizeof exprs - ne, "%s\"%s\"", sep, name);
	}
	sqlite3_finalize(st);
	if (nc >= sizeof cols || ne >= sizeof exprs) {
		snprintf(db->error, sizeof db->error, "merging: too many columns in %s", c->table);
		*failed = -1;
		return 0;
	}
	snprintf(sql, sizeof sql, "INSERT INTO main.\"%s\" (%s) SELECT %s FROM shard.\"%s\" WHERE %s",
	         c->table, cols, exprs, c->table, all ? "1" : c->where);
	if (db_exec(db, sql)) {
		*failed = -1;
		return 0;
	}
	return sqlite3_changes64(db->conn);
}

int db_merge(struct db *db, const char *shard_path, struct db_merge_result *r)
{
	memset(r, 0, sizeof *r);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, "ATTACH ?1 AS shard", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "attaching shard");
	sqlite3_bind_text(st, 1, shard_path, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "attaching shard");

	int failed = 0;
	int64_t version = scalar(db, "PRAGMA shard.user_version", &failed);
	if (!failed && version != DB_SCHEMA_VERSION) {
		snprintf(db->error, sizeof db->error,
		         "%s is not a tcpladder database of this version (schema %lld, expected %d)",
		         shard_path, (long long)version, DB_SCHEMA_VERSION);
		failed = -1;
	}
	/* A shard at least half as big as the database is loaded in bulk
	 * (db_begin_bulk): its indexes sorted once, through a rollback journal. */
	int64_t shard_flows = failed ? 0 : scalar(db, "SELECT count(*) FROM shard.flows", &failed);
	int64_t main_flows = failed ? 0 : scalar(db, "SELECT count(*) FROM main.flows", &failed);
	if (!failed && db_begin_bulk(db, shard_flows > 0 && shard_flows * 2 >= main_flows))
		failed = -1;
	if (!failed) {
		/* Captures new to main; a capture main holds as failed is
		 * replaced by the shard's reading of it. */
		failed = db_exec(db, "DELETE FROM main.captures WHERE status = 'failed' AND sha256 IN"
		                  " (SELECT sha256 FROM shard.captures WHERE status != 'failed');"
		                  "CREATE TEMP TABLE merge_captures AS SELECT id FROM shard.captures"
		                  " WHERE sha256 NOT IN (SELECT sha256 FROM main.captures)");
	}
	if (!failed) {
		int64_t shard_captures = scalar(db, "SELECT count(*) FROM shard.captures", &failed);
		int64_t capture_off = scalar(db, "SELECT IFNULL(max(id), 0) FROM main.captures", &failed);
		int64_t flow_off = scalar(db, "SELECT IFNULL(max(id), 0) FROM main.flows", &failed);
		int64_t new_captures = scalar(db, "SELECT count(*) FROM temp.merge_captures", &failed);
		/* Usually every capture is new: then no row needs its capture
		 * looked up. */
		bool all = !failed && new_captures == shard_captures;
		int64_t copied[sizeof copies / sizeof copies[0]] = {0};
		for (size_t i = 0; i < sizeof copies / sizeof copies[0] && !failed; i++)
			copied[i] = copy_table(db, &copies[i], all, capture_off, flow_off, &failed);
		r->captures = copied[0];
		r->skipped = shard_captures - copied[0];
		r->flows = copied[1];
		r->segments = copied[3];
	}
	if (!failed)
		failed = db_exec(db, "DROP TABLE temp.merge_captures") || db_commit(db);
	if (failed) {
		char keep[sizeof db->error];
		memcpy(keep, db->error, sizeof keep);
		db_rollback(db);
		sqlite3_exec(db->conn, "DROP TABLE IF EXISTS temp.merge_captures", NULL, NULL, NULL);
		memcpy(db->error, keep, sizeof keep);
	}
	sqlite3_exec(db->conn, "DETACH shard", NULL, NULL, NULL);
	return failed ? -1 : 0;
}
