/* db_capture: what the database knows of whole captures, beyond writing
 * them: their filters, the files of a ring joined into one (capture_files),
 * finding them by id, path or content, and forgetting one with everything
 * that came from it. Part of the db module (the only C that speaks SQL);
 * the same conventions: 0 on success, -1 with db_error() filled. */
#ifndef TCPLADDER_DB_CAPTURE_H
#define TCPLADDER_DB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* A stored capture, as ingest and forget need to know it. */
struct db_stored_capture {
	int64_t id;
	char status[16];        /* "ok", "partial", "failed" */
	bool has_filter;
	char filter[1024];      /* its -f expression, when has_filter */
	char path[4096];
	int64_t files;          /* capture_files rows: 0 unless joined */
};

/* The capture with this id into *out; *found false when there is none. */
int db_capture_get(struct db *db, int64_t id, struct db_stored_capture *out,
                   bool *found);

/* A file (by its own sha256) stored as part of a joined capture: that
 * capture's id and the file's number in it, *found false when none. */
int db_capture_file_owner(struct db *db, const char *sha256_hex, int64_t *capture_id,
                          int64_t *file_number, bool *found);

/* Ids of the captures matching key, in id order, at most max of them
 * (*n says how many; more are not reported): key is an id (digits), a
 * path as stored (captures.path, or one of a joined capture's files), or
 * a sha256 (of a capture, or of one of a joined capture's files), whole or
 * its first 12 or more hex digits. */
int db_captures_matching(struct db *db, const char *key, int64_t *ids, size_t max,
                         size_t *n);

/* Ids of the captures stored under this path (captures.path), at most max. */
int db_captures_at_path(struct db *db, const char *path, int64_t *ids, size_t max,
                        size_t *n);

/* Removes a capture and every row that came from it: its flows and their
 * segments, options, state changes and analysis counts; its files and
 * undecoded counts. *flows says how many connections went. The caller
 * holds the transaction (db_begin ... db_commit). */
int db_capture_forget_all(struct db *db, int64_t id, int64_t *flows);

/* One file of a joined capture: a capture_files row. */
struct db_capture_file {
	int64_t file_number;
	const char *path;
	const char *sha256_hex;
	uint64_t first_frame, packets;
	bool has_ts;
	int64_t first_ts_ns, last_ts_ns;
};
int db_insert_capture_file(struct db *db, int64_t capture_id,
                           const struct db_capture_file *file);

#endif
