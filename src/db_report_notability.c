/* db_report_notability: the report's ranking of the flows, temp.notability:
 * flow_notability's notable rows, read into a temporary table once per
 * connection (the view sorts every flow of the database to find its
 * servers' median handshakes), and handed from the parent's connection to
 * each report worker's as plain memory (db_notability_copy before the
 * fork, db_notability_give after), so that no worker computes it again.
 * The queries that join it are db_report.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_report.h"
#include "db_report_internal.h"

/* Temporary tables are this connection's own, so a read-only or immutable
 * database takes them too. */
#define NOTABILITY_TABLE                                                       \
	"CREATE TEMP TABLE IF NOT EXISTS notability (flow_id INTEGER PRIMARY KEY," \
	" score INTEGER NOT NULL, reasons TEXT NOT NULL);"                      \
	" DELETE FROM temp.notability;"

int rq_read_notability(struct db *db)
{
	if (db->notability_read)
		return 0;
	if (sqlite3_exec(db->conn,
	                 NOTABILITY_TABLE
	                 " INSERT INTO temp.notability SELECT flow_id, score, reasons"
	                 " FROM main.flow_notability WHERE score > 0;",
	                 NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "ranking the flows (flow_notability)");
	db->notability_read = true;
	return 0;
}

/* --- the ranking, from one connection to another ---------------------- */

struct notable_row {
	int64_t flow_id, score;
	size_t reasons; /* offset into text */
};

struct db_notability {
	struct notable_row *rows;
	size_t n, cap;
	char *text;
	size_t len, cap_text;
};

void db_notability_free(struct db_notability *n)
{
	if (n) {
		free(n->rows);
		free(n->text);
		free(n);
	}
}

static int copy_notable(sqlite3_stmt *st, void *p)
{
	struct db_notability *n = p;
	const char *reasons = rq_text(st, 2);
	size_t len = (size_t)sqlite3_column_bytes(st, 2) + 1;
	if (n->n == n->cap) {
		size_t cap = n->cap ? 2 * n->cap : 256;
		struct notable_row *rows = realloc(n->rows, cap * sizeof *rows);
		if (!rows)
			return -2;
		n->rows = rows;
		n->cap = cap;
	}
	if (n->len + len > n->cap_text) {
		size_t cap = n->cap_text ? 2 * n->cap_text : 4096;
		while (cap < n->len + len)
			cap *= 2;
		char *text = realloc(n->text, cap);
		if (!text)
			return -2;
		n->text = text;
		n->cap_text = cap;
	}
	memcpy(n->text + n->len, reasons ? reasons : "", len);
	n->rows[n->n++] = (struct notable_row){sqlite3_column_int64(st, 0),
	                                       sqlite3_column_int64(st, 1), n->len};
	n->len += len;
	return 0;
}

int db_notability_copy(struct db *db, struct db_notability **out)
{
	*out = NULL;
	struct db_notability *n = calloc(1, sizeof *n);
	sqlite3_stmt *st = n ? rq_query(db, RQ_NOTABILITY) : NULL;
	int rc = st ? rq_each(db, st, copy_notable, n) : -1;
	if (!n || rc == -2)
		snprintf(db->error, sizeof db->error, "out of memory");
	if (rc != 0) {
		db_notability_free(n);
		return -1;
	}
	*out = n;
	return 0;
}

int db_notability_give(struct db *db, const struct db_notability *n)
{
	sqlite3_stmt *st = NULL;
	if (db_exec(db, "BEGIN") || db_exec(db, NOTABILITY_TABLE))
		goto fail;
	if (sqlite3_prepare_v2(db->conn, "INSERT INTO temp.notability VALUES (?1, ?2, ?3)", -1,
	                       &st, NULL) != SQLITE_OK) {
		db_fail(db, "taking the flows' ranking");
		goto fail;
	}
	for (size_t i = 0; i < n->n; i++) {
		sqlite3_bind_int64(st, 1, n->rows[i].flow_id);
		sqlite3_bind_int64(st, 2, n->rows[i].score);
		sqlite3_bind_text(st, 3, n->text + n->rows[i].reasons, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			db_fail(db, "taking the flows' ranking");
			goto fail;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (db_exec(db, "COMMIT"))
		goto fail;
	db->notability_read = true;
	return 0;
fail:
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
