/* db_merge: see db_merge.h. The shard is ATTACHed and its rows copied with
 * INSERT ... SELECT, table by table, the id columns shifted by the largest
 * id already in the main database. The column lists are read from the
 * schema itself (PRAGMA table_info), so a column added to a table merges
 * without a change here. */
#include "db_merge.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	{"capture_files", "capture_id IN (SELECT id FROM temp.merge_captures)",
	 "capture_id", NULL},
	{"flows", "capture_id IN (SELECT id FROM temp.merge_captures)", "capture_id", "id"},
	{"flow_analysis", "flow_id IN " NEW_FLOWS, NULL, "flow_id"},
	{"segment_rows", "flow_id IN " NEW_FLOWS, NULL, "flow_id"},
	{"segment_options", "flow_id IN " NEW_FLOWS, NULL, "flow_id"},
	{"segment_keys", "flow_id IN " NEW_FLOWS, NULL, "flow_id"},
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

/* Before anything is attached: a shard that does not exist is an error
 * (SQLite would create an empty one), and so is the database itself named
 * as a shard, found by its inode, not its name (./a.db, a link to it). */
static int check_shard_file(struct db *db, const char *shard_path)
{
	struct stat shard, self;
	if (stat(shard_path, &shard) != 0) {
		snprintf(db->error, sizeof db->error, "%s%s", strerror(errno),
		         errno == ENOENT ? ": no such shard (nothing was created)" : "");
		return -1;
	}
	if (S_ISDIR(shard.st_mode)) {
		snprintf(db->error, sizeof db->error, "a folder, not a shard database");
		return -1;
	}
	const char *main_path = sqlite3_db_filename(db->conn, "main");
	if (main_path && *main_path && stat(main_path, &self) == 0 &&
	    self.st_dev == shard.st_dev && self.st_ino == shard.st_ino) {
		snprintf(db->error, sizeof db->error,
		         "this is the database being merged into (-d): a database cannot be"
		         " merged into itself");
		return -1;
	}
	return 0;
}

/* ATTACH path AS shard, never creating it: as a URI with mode=rw, which
 * fails on a missing file (the main connection has URIs on, db_open).
 * Read-write though nothing is written there (every INSERT names main),
 * for the reason db_open_readonly gives: the last connection to close a
 * WAL database removes its -wal and -shm files, a read-only one cannot and
 * would leave them beside the user's shard. mode=ro on read-only files. */
static int attach(struct db *db, const char *path)
{
	char uri[3 * 4096 + 32];
	size_t n = (size_t)snprintf(uri, sizeof uri, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p && n + 4 < sizeof uri; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-~", *p))
			uri[n++] = (char)*p;
		else
			n += (size_t)snprintf(uri + n, sizeof uri - n, "%%%02X", *p);
	}
	uri[n] = '\0';
	bool writable = access(path, W_OK) == 0;
	char *sql = sqlite3_mprintf("ATTACH '%q?mode=%s' AS shard", uri, writable ? "rw" : "ro");
	if (!sql)
		return db_fail(db, "attaching shard");
	int rc = db_exec(db, sql);
	sqlite3_free(sql);
	return rc;
}

static void remove_copy(const char *path)
{
	static const char *const sides[] = {"", "-wal", "-shm", "-journal"};
	char side[4200];
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		snprintf(side, sizeof side, "%.4096s%s", path, sides[i]);
		unlink(side);
	}
}

/* A shard of an older schema is upgraded in a copy (SQLite's backup of
 * it, then db_open's upgrade), beside the database merged into, which is
 * on a filesystem with room for the rows anyway. The user's shard is
 * never changed: it may be an archive's, or another tcpladder's. */
static int upgraded_copy(struct db *db, const char *shard_path, char *copy, size_t len)
{
	const char *main_path = sqlite3_db_filename(db->conn, "main");
	snprintf(copy, len, "%.4000s.upgrade-XXXXXX", main_path && *main_path ? main_path : "shard");
	int fd = mkstemp(copy);
	if (fd < 0) {
		snprintf(db->error, sizeof db->error, "cannot make a copy to upgrade: %s: %s", copy,
		         strerror(errno));
		return -1;
	}
	close(fd);
	sqlite3 *from = NULL, *to = NULL;
	int rc = sqlite3_open_v2(shard_path, &from, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(copy, &to, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
		rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(to);
		if (b)
			sqlite3_backup_finish(b);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	if (rc != SQLITE_OK)
		snprintf(db->error, sizeof db->error, "copying it to upgrade: %s",
		         sqlite3_errmsg(to ? to : from));
	sqlite3_close(from);
	sqlite3_close(to);
	char err[512];
	struct db *up = rc == SQLITE_OK ? db_open(copy, err, sizeof err) : NULL;
	if (rc == SQLITE_OK && !up)
		snprintf(db->error, sizeof db->error, "upgrading a copy of it: %.400s", err);
	db_close(up);
	if (!up) {
		remove_copy(copy);
		return -1;
	}
	return 0;
}

int db_merge(struct db *db, const char *shard_path, struct db_merge_result *r)
{
	memset(r, 0, sizeof *r);
	if (check_shard_file(db, shard_path) || attach(db, shard_path))
		return -1;

	int failed = 0;
	int64_t version = scalar(db, "PRAGMA shard.user_version", &failed);
	char copy[4200] = "";
	if (!failed && version >= 1 && version < DB_SCHEMA_VERSION) {
		sqlite3_exec(db->conn, "DETACH shard", NULL, NULL, NULL);
		if (upgraded_copy(db, shard_path, copy, sizeof copy))
			return -1;
		if (attach(db, copy)) {
			remove_copy(copy);
			return -1;
		}
		r->upgraded_from = (int)version;
		version = scalar(db, "PRAGMA shard.user_version", &failed);
	}
	if (!failed && version != DB_SCHEMA_VERSION) {
		if (version == 0)
			snprintf(db->error, sizeof db->error, "not a tcpladder database (schema version 0)");
		else
			snprintf(db->error, sizeof db->error,
			         "a database of a newer tcpladder (schema version %lld, this one's is"
			         " %d): merge it with that tcpladder", (long long)version,
			         DB_SCHEMA_VERSION);
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
		/* Found by name: counting by position once reported
		 * capture_undecoded's rows as flows. */
		for (size_t i = 0; i < sizeof copies / sizeof copies[0]; i++) {
			if (strcmp(copies[i].table, "captures") == 0)
				r->captures = copied[i];
			else if (strcmp(copies[i].table, "flows") == 0)
				r->flows = copied[i];
			else if (strcmp(copies[i].table, "segment_rows") == 0)
				r->segments = copied[i];
		}
		r->skipped = shard_captures - r->captures;
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
	if (*copy)
		remove_copy(copy);
	return failed ? -1 : 0;
}
