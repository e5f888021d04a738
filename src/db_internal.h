/* db_internal: what db.c and db_report.c share, and nothing else sees: the
 * connection, the write statements, the error buffer. */
#ifndef TCPLADDER_DB_INTERNAL_H
#define TCPLADDER_DB_INTERNAL_H

#include <sqlite3.h>

enum stmt_id {
	ST_CAPTURE_KNOWN,
	ST_CAPTURE_FORGET,
	ST_NEXT_IDS,
	ST_INSERT_CAPTURE,
	ST_INSERT_FLOW,
	ST_INSERT_SEGMENT,
	ST_INSERT_TRANSITION,
	ST_MARK_SERVER_CLOSED,
	ST_INSERT_OPTIONS,
	ST_COUNT
};

struct db {
	sqlite3 *conn;
	sqlite3_stmt *stmt[ST_COUNT]; /* NULL in a read-only open */
	char error[512];
};

/* Fill db->error with "what: SQLite's message"; returns -1. */
int db_fail(struct db *db, const char *what);

#endif
