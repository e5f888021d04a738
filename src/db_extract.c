/* db_extract: see db_extract.h. The frames statement runs once per flow
 * (a --where may choose thousands), so it is prepared once per call. */
#include "db_extract.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

static int by_capture_frame(const void *a, const void *b)
{
	const struct db_extract_frame *x = a, *y = b;
	if (x->capture_id != y->capture_id)
		return x->capture_id < y->capture_id ? -1 : 1;
	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return (x->flow_id > y->flow_id) - (x->flow_id < y->flow_id);
}

int db_extract_frames(struct db *db, const int64_t *ids, size_t n,
                      struct db_extract_frame **frames, size_t *nframes)
{
	*frames = NULL;
	*nframes = 0;
	sqlite3_stmt *cap = db_prepare(db, "SELECT capture_id FROM flows WHERE id = ?1");
	sqlite3_stmt *seg = cap ? db_prepare(db, "SELECT frame FROM segment_rows WHERE flow_id = ?1"
	                                      " ORDER BY frame")
	                        : NULL;
	struct db_extract_frame *out = NULL;
	size_t len = 0, room = 0;
	int rc = seg ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		sqlite3_reset(cap);
		sqlite3_bind_int64(cap, 1, ids[i]);
		int step = sqlite3_step(cap);
		if (step == SQLITE_DONE) {
			snprintf(db->error, sizeof db->error, "no flow %lld in the database",
			         (long long)ids[i]);
			rc = -1;
			break;
		}
		if (step != SQLITE_ROW) {
			rc = db_fail(db, "looking up flows");
			break;
		}
		int64_t capture_id = sqlite3_column_int64(cap, 0);
		sqlite3_reset(seg);
		sqlite3_bind_int64(seg, 1, ids[i]);
		while ((step = sqlite3_step(seg)) == SQLITE_ROW) {
			if (len == room) {
				room = room ? 2 * room : 4096;
				struct db_extract_frame *more = realloc(out, room * sizeof *out);
				if (!more) {
					snprintf(db->error, sizeof db->error, "out of memory");
					rc = -1;
					break;
				}
				out = more;
			}
			out[len++] = (struct db_extract_frame){
				.capture_id = capture_id,
				.frame = (uint64_t)sqlite3_column_int64(seg, 0),
				.flow_id = ids[i]};
		}
		if (rc == 0 && step != SQLITE_DONE)
			rc = db_fail(db, "reading segments");
	}
	sqlite3_finalize(cap);
	sqlite3_finalize(seg);
	if (rc != 0) {
		free(out);
		return -1;
	}
	qsort(out, len, sizeof *out, by_capture_frame);
	*frames = out;
	*nframes = len;
	return 0;
}

static void copy_hex(char dst[65], const unsigned char *text)
{
	snprintf(dst, 65, "%s", text ? (const char *)text : "");
}

static char *dup_text(const unsigned char *text)
{
	return strdup(text ? (const char *)text : "");
}

int db_extract_capture(struct db *db, int64_t id, struct db_extract_capture *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT path, sha256 FROM captures WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		out->id = id;
		out->path = dup_text(sqlite3_column_text(st, 0));
		copy_hex(out->sha256, sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW) {
		if (step == SQLITE_DONE)
			snprintf(db->error, sizeof db->error, "no capture %lld in the database",
			         (long long)id);
		else
			db_fail(db, "looking up a capture");
		return -1;
	}
	st = db_prepare(db, "SELECT file_number, path, sha256, first_frame, packets"
	                 " FROM capture_files WHERE capture_id = ?1 ORDER BY file_number");
	if (!st || !out->path) {
		db_extract_capture_free(out);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	size_t room = 0;
	int rc = 0;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->nfiles == room) {
			room = room ? 2 * room : 8;
			struct db_extract_file *more = realloc(out->files, room * sizeof *more);
			if (!more) {
				rc = -1;
				break;
			}
			out->files = more;
		}
		struct db_extract_file *f = &out->files[out->nfiles++];
		*f = (struct db_extract_file){
			.file_number = sqlite3_column_int64(st, 0),
			.path = dup_text(sqlite3_column_text(st, 1)),
			.first_frame = (uint64_t)sqlite3_column_int64(st, 3),
			.packets = (uint64_t)sqlite3_column_int64(st, 4)};
		copy_hex(f->sha256, sqlite3_column_text(st, 2));
		if (!f->path)
			rc = -1;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_fail(db, "reading capture files");
	else if (rc != 0)
		snprintf(db->error, sizeof db->error, "out of memory");
	sqlite3_finalize(st);
	if (rc == 0 && out->nfiles == 0) {
		/* Not joined: the capture is its own one file. */
		out->files = malloc(sizeof *out->files);
		if (out->files) {
			out->files[0] = (struct db_extract_file){.path = strdup(out->path),
			                                         .first_frame = 1};
			memcpy(out->files[0].sha256, out->sha256, sizeof out->sha256);
			out->nfiles = 1;
		}
		if (!out->files || !out->files[0].path) {
			snprintf(db->error, sizeof db->error, "out of memory");
			rc = -1;
		}
	}
	if (rc != 0)
		db_extract_capture_free(out);
	return rc;
}

void db_extract_capture_free(struct db_extract_capture *c)
{
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i].path);
	free(c->files);
	free(c->path);
	memset(c, 0, sizeof *c);
}
