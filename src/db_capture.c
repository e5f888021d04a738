/* db_capture: see db_capture.h. Each statement here runs once per capture
 * (or per command), so it is prepared where it is used. */
#include "db_capture.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

static void copy_text(char *dst, size_t len, const unsigned char *text)
{
	snprintf(dst, len, "%s", text ? (const char *)text : "");
}

int db_capture_get(struct db *db, int64_t id, struct db_stored_capture *out,
                   bool *found)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id, status, filter, path,"
	                               " (SELECT count(*) FROM capture_files WHERE capture_id = ?1)"
	                               " FROM captures WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		copy_text(out->status, sizeof out->status, sqlite3_column_text(st, 1));
		out->has_filter = sqlite3_column_type(st, 2) != SQLITE_NULL;
		copy_text(out->filter, sizeof out->filter, sqlite3_column_text(st, 2));
		copy_text(out->path, sizeof out->path, sqlite3_column_text(st, 3));
		out->files = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(db, "looking up capture");
}

int db_capture_file_owner(struct db *db, const char *sha256_hex, int64_t *capture_id,
                          int64_t *file_number, bool *found)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT capture_id, file_number FROM capture_files"
	                               " WHERE sha256 = ?1 ORDER BY capture_id LIMIT 1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, sha256_hex, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found) {
		*capture_id = sqlite3_column_int64(st, 0);
		*file_number = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
	                                             : db_fail(db, "looking up capture files");
}

static int collect_ids(struct db *db, sqlite3_stmt *st, int64_t *ids, size_t max,
                       size_t *n)
{
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (*n < max)
			ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "looking up captures");
}

/* A sha256 or a prefix of one long enough to name a capture among
 * thousands: 12 to 64 hex digits. */
static bool looks_like_digest(const char *key)
{
	size_t len = strlen(key);
	if (len < 12 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)key[i]))
			return false;
	return true;
}

int db_captures_matching(struct db *db, const char *key, int64_t *ids, size_t max,
                         size_t *n)
{
	size_t len = strlen(key);
	bool digits = len > 0 && len < 19 && strspn(key, "0123456789") == len;
	/* A key of digits alone is an id; a digest that happens to be all
	 * digits is 12 or more of them, past any id an archive reaches. */
	if (digits && len < 12) {
		sqlite3_stmt *st = db_prepare(db, "SELECT id FROM captures WHERE id = ?1");
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, strtoll(key, NULL, 10));
		return collect_ids(db, st, ids, max, n);
	}
	sqlite3_stmt *st = db_prepare(db,
		"SELECT id FROM captures WHERE path = ?1"
		" OR id IN (SELECT capture_id FROM capture_files WHERE path = ?1)"
		" OR (?2 AND (substr(sha256, 1, length(?1)) = lower(?1)"
		"  OR id IN (SELECT capture_id FROM capture_files"
		"   WHERE substr(sha256, 1, length(?1)) = lower(?1))))"
		" ORDER BY id");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, looks_like_digest(key));
	return collect_ids(db, st, ids, max, n);
}

int db_captures_at_path(struct db *db, const char *path, int64_t *ids, size_t max,
                        size_t *n)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM captures WHERE path = ?1 ORDER BY id");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	return collect_ids(db, st, ids, max, n);
}

/* Children first, so that no row is ever left pointing at one gone. */
static const char *const forget_sql[] = {
	/* Its pairings with captures of another vantage (VANTAGE.md). */
	"DELETE FROM pair_transitions WHERE pair_id IN (SELECT p.id FROM flow_pairs p"
	" JOIN clock_fits c ON c.id = p.fit_id WHERE ?1 IN (c.capture_a, c.capture_b))",
	"DELETE FROM sightings WHERE pair_id IN (SELECT p.id FROM flow_pairs p"
	" JOIN clock_fits c ON c.id = p.fit_id WHERE ?1 IN (c.capture_a, c.capture_b))",
	"DELETE FROM flow_pairs WHERE fit_id IN (SELECT id FROM clock_fits"
	" WHERE ?1 IN (capture_a, capture_b))",
	"DELETE FROM clock_fits WHERE ?1 IN (capture_a, capture_b)",
	"DELETE FROM segment_keys WHERE flow_id IN (SELECT id FROM flows WHERE capture_id = ?1)",
	"DELETE FROM segment_rows WHERE flow_id IN (SELECT id FROM flows WHERE capture_id = ?1)",
	"DELETE FROM segment_options WHERE flow_id IN (SELECT id FROM flows WHERE capture_id = ?1)",
	"DELETE FROM transitions_extra WHERE flow_id IN (SELECT id FROM flows WHERE capture_id = ?1)",
	"DELETE FROM flow_analysis WHERE flow_id IN (SELECT id FROM flows WHERE capture_id = ?1)",
	"DELETE FROM flows WHERE capture_id = ?1",
	"DELETE FROM capture_undecoded WHERE capture_id = ?1",
	"DELETE FROM capture_files WHERE capture_id = ?1",
	"DELETE FROM captures WHERE id = ?1",
};

int db_capture_forget_all(struct db *db, int64_t id, int64_t *flows)
{
	*flows = 0;
	for (size_t i = 0; i < sizeof forget_sql / sizeof forget_sql[0]; i++) {
		sqlite3_stmt *st = db_prepare(db, forget_sql[i]);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		int rc = sqlite3_step(st);
		if (strncmp(forget_sql[i], "DELETE FROM flows ", 18) == 0)
			*flows = sqlite3_changes(db->conn);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, "forgetting a capture");
	}
	return 0;
}

int db_insert_capture_file(struct db *db, int64_t capture_id,
                           const struct db_capture_file *file)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO capture_files (capture_id, file_number,"
	                               " path, sha256, first_frame, packets, first_ts_ns,"
	                               " last_ts_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, capture_id);
	sqlite3_bind_int64(st, 2, file->file_number);
	sqlite3_bind_text(st, 3, file->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, file->sha256_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)file->first_frame);
	sqlite3_bind_int64(st, 6, (int64_t)file->packets);
	if (file->has_ts) {
		sqlite3_bind_int64(st, 7, file->first_ts_ns);
		sqlite3_bind_int64(st, 8, file->last_ts_ns);
	}
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "writing capture files");
}
