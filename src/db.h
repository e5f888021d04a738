/* db: the only C module that speaks SQL. It opens the database, applies
 * the embedded schema (schema/NNN_*.sql files, versioned with PRAGMA user_version),
 * prepares every statement once per run and writes rows. It never decides
 * what a row holds: callers hand it finished values.
 *
 * Every function that can fail returns 0 on success and -1 on failure,
 * with SQLite's message in db_error(). */
#ifndef TCPLADDER_DB_H
#define TCPLADDER_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"

/* The schema version this program writes; older databases are upgraded on
 * open, newer ones refused. */
#define DB_SCHEMA_VERSION 9

struct db;

/* Opens (creating if needed) the database at path. On failure returns NULL
 * and writes the reason into err. */
struct db *db_open(const char *path, char *err, size_t errlen);
void db_close(struct db *db);

/* The schema version the database had before this open upgraded it (0: it
 * was created now); equal to DB_SCHEMA_VERSION when nothing changed. */
int db_upgraded_from(const struct db *db);

/* Makes the database readable by anyone who can read its file: a rollback
 * journal (no -wal and -shm beside it to create or write), which a reader
 * in a folder it cannot write needs. Tried without waiting: while another
 * connection has the database open it stays WAL, and the last writer to
 * leave does it. Returns whether the journal is a rollback journal now. */
bool db_leave_readable(struct db *db);
const char *db_error(const struct db *db);

int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* Begins the transaction that writes one capture (db_begin otherwise).
 * Two shortcuts that change nothing a reader sees of the last commit:
 *  - the transaction goes through a rollback journal instead of the WAL,
 *    whose every page the checkpoint would copy once more into the
 *    database, while the journal keeps only the pages a load changes
 *    (few: rows go to new pages at the end). The journal is WAL again
 *    after the commit or rollback. The price: a reader that comes during
 *    the load waits for it (busy timeout), and when one is there already
 *    the journal cannot switch, and the load goes through the WAL;
 *  - loading an empty database (flows has no rows), flows' secondary
 *    indexes are dropped, and db_commit builds them again: sorting the
 *    keys once costs a third of row-by-row upkeep. */
int db_begin_load(struct db *db);

/* Makes a new database a scratch shard, which only db_merge reads: a
 * rollback journal (nobody reads it while it is written), and flows keeps
 * no secondary index (the merge writes the rows into a database that has
 * them, so keeping them here is work thrown away). */
int db_make_scratch(struct db *db);
/* Builds flows' indexes (schema/003_indexes.sql) in a database that has
 * none, and leaves it with a rollback journal, the file alone on disk: a
 * scratch shard, once every other shard is merged into it, becomes a
 * database of its own, which may then be renamed. */
int db_finish_scratch(struct db *db);

enum db_capture_known { DB_CAPTURE_NEW, DB_CAPTURE_PRESENT, DB_CAPTURE_FAILED };

/* Is a capture with this content (hex SHA-256) in the database? A capture
 * recorded as failed is reported as such, so that it can be tried again. */
int db_capture_known(struct db *db, const char *sha256_hex,
                     enum db_capture_known *known, int64_t *id);
/* Removes a failed capture's row (it has no flows). */
int db_capture_forget(struct db *db, int64_t id);

/* The next free capture and flow ids. Inside a transaction, since the ids
 * are used before their rows are written. */
int db_next_ids(struct db *db, int64_t *capture_id, int64_t *flow_id);

/* Packets in one kind of encapsulation tcpladder does not decode: a
 * capture_undecoded row. */
struct db_undecoded {
	uint8_t encap;          /* enum decode_encap */
	uint32_t value;         /* its port, EtherType, ... */
	uint64_t packets, first_frame;
};

struct db_capture_row {
	int64_t id;
	const char *path;
	const char *sha256_hex;
	int linktype;           /* -1: unknown (file never opened) */
	const char *linktype_name;
	uint64_t packets, tcp_packets, bad_packets;
	uint64_t frag_reassembled, frag_incomplete, frag_overlapping;
	uint64_t not_ip_packets, not_tcp_packets, undecoded_packets, fragment_packets;
	const struct db_undecoded *undecoded; /* capture_undecoded's rows */
	unsigned undecoded_kinds;
	bool has_ts;
	int64_t first_ts_ns, last_ts_ns;
	const char *status;     /* "ok", "partial", "failed" */
	const char *error;      /* NULL when none */
	const char *filter;     /* its -f expression; NULL when none */
};
int db_insert_capture(struct db *db, const struct db_capture_row *row);

/* The flow's final row. */
int db_insert_flow(struct db *db, int64_t capture_id, const struct flow *f);

struct db_segment_row {
	int64_t flow_id;
	uint64_t frame;
	int64_t ts_ns;
	int64_t flow_first_ts_ns; /* the time is stored as an offset from it */
	bool from_client;
	uint8_t flags;
	uint32_t seq, ack;
	int64_t rel_seq, rel_ack;
	bool has_ack;           /* rel_ack is NULL without the ACK flag */
	/* The flow's bases (flows.client_seq_base, server_seq_base): the
	 * sender's for seq, the receiver's for ack (with has_ack). seq and ack
	 * are stored only when they do not follow from these. */
	uint32_t seq_base, ack_base;
	uint32_t len, win;
	enum tcp_state client_state, server_state;
	uint32_t analysis;
	uint32_t dupack_num;    /* Wireshark's duplicate ACK #; 0: NULL */
	/* The state changes this segment proves, in order. */
	const struct tcpst_change *changes;
	int nchanges;
};
/* Segments and the state changes they prove (stored with them: see
 * segments.changes in schema/001_tables.sql), in the order given. */
int db_insert_segments(struct db *db, const struct db_segment_row *rows, int n);

/* A segment's notable TCP options, as tcpdump prints them. */
int db_insert_segment_options(struct db *db, int64_t flow_id, uint64_t frame,
                              const char *options);

/* A refused connection: its server was CLOSED throughout, so the rows
 * already written before frame say so too. */
int db_mark_server_closed(struct db *db, int64_t flow_id, uint64_t before_frame);

#endif
