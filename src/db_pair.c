/* db_pair: see db_pair.h. */
#include "db_pair.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

static sqlite3_stmt *prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, "preparing a query");
		return NULL;
	}
	return st;
}

int db_insert_segment_keys(struct db *db, const struct db_segment_keys *k)
{
	sqlite3_stmt *st = db->stmt[ST_INSERT_SEGMENT_KEYS];
	sqlite3_bind_int64(st, 1, k->flow_id);
	sqlite3_bind_int64(st, 2, (int64_t)k->frame);
	if (k->has_ip_id)
		sqlite3_bind_int(st, 3, k->ip_id);
	sqlite3_bind_int(st, 4, k->ttl);
	if (k->has_ts) {
		sqlite3_bind_int64(st, 5, k->tsval);
		sqlite3_bind_int64(st, 6, k->tsecr);
	}
	if (k->has_hash)
		sqlite3_bind_int64(st, 7, (int64_t)k->hash);
	sqlite3_bind_int64(st, 8, k->hashed);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "writing segment keys");
}

int db_capture_set_vantage(struct db *db, int64_t id, const char *vantage)
{
	sqlite3_stmt *st = prepare(db, "UPDATE captures SET vantage = ?2 WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (vantage)
		sqlite3_bind_text(st, 2, vantage, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "tagging a capture");
}

int db_capture_vantage(struct db *db, int64_t id, char *buf, size_t len, bool *tagged)
{
	sqlite3_stmt *st = prepare(db, "SELECT vantage FROM captures WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*tagged = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	snprintf(buf, len, "%s", *tagged ? (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(db, "reading a capture's vantage");
}
