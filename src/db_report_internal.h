/* db_report_internal: what db_report.c, db_report_flow.c and db_export.c
 * share: the selection's SQL (see db_report.c's first paragraph), the
 * prepared statements of query_sql (db_report.c, where every report query
 * lives) and the helpers that bind a selection and read rows. Not for
 * callers outside the db_report and db_export modules. */
#ifndef TCPLADDER_DB_REPORT_INTERNAL_H
#define TCPLADDER_DB_REPORT_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "db_internal.h"
#include "db_report.h"

#define SEL_FLOW_IDS "f.id IN (SELECT value FROM json_each(?1))"
#define SEL_CAPTURES "f.capture_id IN (SELECT value FROM json_each(?2))"

/* Notable: worth a look, a score above 0 in the view flow_notability
 * (schema/002_views.sql), which ranks every flow of the database at once;
 * a connection reads it into temp.notability, the notable flows only, the
 * first time it prepares a query naming that table (rq_query below). A
 * flow row joins it once (n) for its score, reasons and notability. */
#define NOTABLE "f.id IN (SELECT flow_id FROM temp.notability)"

#define SEL_WHERE                                                              \
	"(?1 IS NULL OR " SEL_FLOW_IDS ") AND (?2 IS NULL OR " SEL_CAPTURES ")" \
	" AND (?3 = 0 OR " NOTABLE ")"

#define SEL                                                                    \
	"(SELECT f.id FROM flows f WHERE ?1 IS NOT NULL AND " SEL_FLOW_IDS      \
	" AND (?2 IS NULL OR " SEL_CAPTURES ") AND (?3 = 0 OR " NOTABLE ")"     \
	" UNION ALL SELECT f.id FROM flows f WHERE ?1 IS NULL AND " SEL_CAPTURES \
	" AND (?3 = 0 OR " NOTABLE ")"                                          \
	" UNION ALL SELECT f.id FROM flows f WHERE ?1 IS NULL AND ?2 IS NULL"   \
	" AND (?3 = 0 OR " NOTABLE "))"

/* Fills temp.notability (once per connection), which a statement naming
 * it needs before it can be prepared; 0 or -1. */
int rq_read_notability(struct db *db);

/* The statement, prepared on first use, reset and unbound for this one;
 * NULL on an error (db_error says it). */
sqlite3_stmt *rq_query(struct db *db, enum report_query_id id);
/* The same for a query whose SQL its own module keeps (id past
 * RQ_NOTABILITY): sql is read only the first time. */
sqlite3_stmt *rq_query_sql(struct db *db, enum report_query_id id, const char *sql);
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
