/* db_journal: the transactions of the db module and the journal they go
 * through: WAL while ingests and readers share a database, a rollback
 * journal for a load (and, left when a writer finishes, for readers who
 * cannot write beside the file), flows' indexes dropped and rebuilt around
 * a load into an empty database, and scratch shards. Part of db.h's
 * module; db.c opens the connection and writes the rows. */
#include "db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

int db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

/* After a load (db_begin_load), back to WAL, so that readers and a writer
 * work side by side again. Failing leaves a rollback journal, which is
 * still correct; the next open asks for WAL again. */
static void end_load(struct db *db)
{
	sqlite3_free(db->deferred_indexes);
	db->deferred_indexes = NULL;
	if (db->journal_switched)
		db_exec(db, "PRAGMA main.journal_mode = WAL");
	db->journal_switched = false;
}

int db_commit(struct db *db)
{
	if (db->deferred_indexes && db_exec(db, db->deferred_indexes))
		return -1; /* the caller rolls back */
	int rc = db_exec(db, "COMMIT");
	if (rc == 0)
		end_load(db);
	return rc;
}

int db_rollback(struct db *db)
{
	/* The rollback brings dropped indexes back by itself. */
	int rc = 0;
	if (!sqlite3_get_autocommit(db->conn))
		rc = db_exec(db, "ROLLBACK");
	/* else nothing was open (SQLite may have rolled back itself) */
	end_load(db);
	return rc;
}

/* Drops flows' secondary indexes, keeping their SQL for db_commit. */
static int defer_indexes(struct db *db)
{
	sqlite3_stmt *st = db->stmt[ST_FLOW_INDEXES];
	char *create = NULL, *drop = NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *sql = (const char *)sqlite3_column_text(st, 1);
		char *c = sqlite3_mprintf("%z%s;\n", create, sql);
		char *d = sqlite3_mprintf("%zDROP INDEX main.\"%w\";\n", drop, name);
		create = c;
		drop = d;
		if (!c || !d)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		sqlite3_free(create);
		sqlite3_free(drop);
		return rc == SQLITE_ROW ? db_fail(db, "out of memory")
		                        : db_fail(db, "listing indexes");
	}
	if (drop && db_exec(db, drop)) {
		sqlite3_free(create);
		sqlite3_free(drop);
		return -1;
	}
	sqlite3_free(drop);
	db->deferred_indexes = create;
	return 0;
}

/* Run a statement that returns one integer. */
static int query_int(struct db *db, enum stmt_id id, int64_t *value)
{
	sqlite3_stmt *st = db->stmt[id];
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "reading the database");
}

/* Switches the journal from WAL to a rollback journal. The mode cannot
 * change inside a transaction, nor while another connection has the
 * database open: false then. */
static bool leave_wal(struct db *db)
{
	sqlite3_stmt *st = db->stmt[ST_JOURNAL_DELETE];
	bool left = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(st, 0);
		left = mode && strcmp(mode, "delete") == 0;
	}
	sqlite3_reset(st);
	return left;
}

bool db_leave_readable(struct db *db)
{
	/* Without waiting: a wait could only be for another ingest, which
	 * will try this itself when it leaves. */
	sqlite3_busy_timeout(db->conn, 0);
	bool left = leave_wal(db);
	sqlite3_busy_timeout(db->conn, 60000);
	return left;
}

int db_begin_bulk(struct db *db, bool bulk)
{
	/* Should the journal stay WAL, the load is slower, never wrong. */
	if (!db->scratch)
		db->journal_switched = leave_wal(db);
	if (db_begin(db)) {
		end_load(db);
		return -1;
	}
	if (bulk && defer_indexes(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int db_begin_load(struct db *db)
{
	int64_t empty = 0;
	if (query_int(db, ST_FLOWS_EMPTY, &empty))
		return -1;
	/* Should another writer come first, the indexes are rebuilt over
	 * its rows too: slower, never wrong. */
	return db_begin_bulk(db, empty);
}

int db_make_scratch(struct db *db)
{
	if (!leave_wal(db))
		return db_fail(db, "leaving WAL");
	if (db_begin(db) || defer_indexes(db)) {
		db_rollback(db);
		return -1;
	}
	/* Dropped for good: the merge writes the rows into indexed tables. */
	sqlite3_free(db->deferred_indexes);
	db->deferred_indexes = NULL;
	if (db_commit(db))
		return -1;
	db->scratch = true;
	return 0;
}

int db_finish_scratch(struct db *db)
{
	/* A rollback journal first: the index pages go straight into the
	 * file, not through the WAL and a checkpoint; and the file alone is
	 * the database (no -wal beside it) when the caller renames it. */
	if (!leave_wal(db))
		return db_fail(db, "leaving WAL");
	if (db_begin(db) || db_exec(db, db_indexes_sql)) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db))
		return -1;
	db->scratch = false;
	return 0;
}
