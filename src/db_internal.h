/* db_internal: what db.c and db_report.c share, and nothing else sees: the
 * connection, the write statements, the error buffer. */
#ifndef TCPLADDER_DB_INTERNAL_H
#define TCPLADDER_DB_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>

enum stmt_id {
	ST_CAPTURE_KNOWN,
	ST_CAPTURE_FORGET,
	ST_FLOWS_EMPTY,
	ST_FLOW_INDEXES,
	ST_JOURNAL_DELETE,
	ST_NEXT_IDS,
	ST_INSERT_CAPTURE,
	ST_INSERT_FLOW,
	ST_INSERT_FLOW_ANALYSIS,
	ST_INSERT_SEGMENT,
	ST_INSERT_TRANSITION_EXTRA,
	ST_MARK_SERVER_CLOSED,
	ST_INSERT_OPTIONS,
	ST_INSERT_UNDECODED,
	ST_INSERT_SEGMENT_KEYS, /* db_pair.c */
	ST_COUNT
};

/* The report's queries (db_report.c), prepared on first use. */
enum report_query_id {
	RQ_CAPTURES,
	RQ_UNDECODED,
	RQ_FLOWS,
	RQ_COUNT_FLOWS,
	RQ_ANY_TUNNEL,
	RQ_FLOW,
	RQ_SEGMENTS_ALL,
	RQ_SEGMENTS_HEAD,
	RQ_SEGMENTS_TAIL,
	RQ_SEGMENT_GAP,
	RQ_PLOT_SEGMENTS,
	RQ_PLOT_OPTIONS,
	RQ_TRANSITIONS,
	RQ_TRANSITIONS_FLOW,
	RQ_SELECTED_IDS,
	RQ_TOTALS,
	RQ_GROUP_FINAL,
	RQ_GROUP_CONN_STATE,
	RQ_GROUP_ANALYSIS,
	RQ_VIEW_FLOWS,
	RQ_VIEW_SEGMENTS,
	RQ_VIEW_TRANSITIONS,
	RQ_INDEX_SERVERS,
	RQ_INDEX_KINDS,
	RQ_INDEX_CLIENTS6,
	RQ_FLOWS_JSON_HEAD,
	RQ_FLOWS_JSON,
	RQ_NOTABILITY,
	/* db_report_pair.c's, whose SQL lives there. */
	RQ_PAIRS,
	RQ_SIGHTINGS_ALL,
	RQ_SIGHTINGS_HEAD,
	RQ_SIGHTINGS_TAIL,
	RQ_SIGHTING_GAP,
	RQ_PAIR_TRANSITIONS,
	RQ_OWD_BINS,
	RQ_HAS_PAIRS,
	RQ_PAIR_OF_FLOW,
	RQ_PAIR_SPAN,
	RQ_COUNT
};

/* Generated from schema/NNN_*.sql files by the Makefile. */
extern const char db_schema_sql[];
extern const char db_views_sql[];
extern const char db_indexes_sql[];
extern const char *const db_upgrade_sql[]; /* [N]: from version N-1 to N */
extern const unsigned db_upgrade_count;

/* Segments are inserted DB_SEGMENT_BATCH rows to a statement when there
 * are that many (db_insert_segments). */
enum { DB_SEGMENT_BATCH = 32 };

struct db {
	sqlite3 *conn;
	sqlite3_stmt *stmt[ST_COUNT]; /* NULL in a read-only open */
	sqlite3_stmt *insert_segments; /* DB_SEGMENT_BATCH rows; NULL read-only */
	sqlite3_stmt *report[RQ_COUNT];
	/* A load (db_begin_load): CREATE INDEX statements to run again before
	 * the commit (NULL when none), and whether the journal left WAL. */
	char *deferred_indexes;
	bool journal_switched;
	bool scratch;          /* db_make_scratch: rollback journal, no indexes */
	int upgraded_from;     /* the schema version found at open */
	bool notability_read;  /* temp.notability holds the flows' scores */
	char error[512];
};

/* Begins a transaction through a rollback journal, as db_begin_load does;
 * when bulk, also as it does for an empty database: flows' indexes are
 * dropped and built again at db_commit. */
int db_begin_bulk(struct db *db, bool bulk);

/* Run SQL statements; 0, or -1 with SQLite's message in db->error. */
int db_exec(struct db *db, const char *sql);

/* Fill db->error with "what: SQLite's message"; returns -1. */
int db_fail(struct db *db, const char *what);

/* A statement prepared for one use (the caller finalizes it); NULL with
 * db->error filled. For the queries a command runs a few times; those
 * run per flow or page are kept prepared (db_report.c's rq_query). */
sqlite3_stmt *db_prepare(struct db *db, const char *sql);

#endif
