/* db_report_internal: what db_report.c and db_report_flow.c share: the
 * prepared statements of query_sql (db_report.c, where every report query
 * lives) and the helpers that bind a selection and read rows. Not for
 * callers outside the db_report modules. */
#ifndef TCPLADDER_DB_REPORT_INTERNAL_H
#define TCPLADDER_DB_REPORT_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "db_internal.h"
#include "db_report.h"

/* The statement, prepared on first use, reset and unbound for this one;
 * NULL on an error (db_error says it). */
sqlite3_stmt *rq_query(struct db *db, enum report_query_id id);
/* A selection as ?1 (flow ids), ?2 (capture ids), ?3 (only notable). */
int rq_bind_selection(struct db *db, sqlite3_stmt *st, const struct db_selection *sel);
const char *rq_text(sqlite3_stmt *st, int col);
bool rq_is_null(sqlite3_stmt *st, int col);
int rq_int_or(sqlite3_stmt *st, int col, int none);
/* Step through st, calling row(st) until it returns nonzero or the rows
 * end: returns that value, 0, or -1 on an SQLite error. */
int rq_each(struct db *db, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *ctx),
            void *ctx);

#endif
