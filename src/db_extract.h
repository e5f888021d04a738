/* db_extract: what extract reads from the database to cut flows out of
 * their captures: which capture each flow came from, the frames of its
 * segments, and where each capture's bytes were (its path and sha256, or
 * a joined capture's files and the frames each holds). Part of the db
 * module (the only C that speaks SQL); 0 on success, -1 with db_error(). */
#ifndef TCPLADDER_DB_EXTRACT_H
#define TCPLADDER_DB_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* One frame to copy: the capture it is in and the flow it belongs to. */
struct db_extract_frame {
	int64_t capture_id;
	uint64_t frame;
	int64_t flow_id;
};

/* The frames of the segments of flows ids[0 .. n), sorted by capture,
 * frame and flow, into *frames (malloc'd; the caller frees it) and *nframes.
 * A flow id the database does not have is -1 with db_error() naming it. */
int db_extract_frames(struct db *db, const int64_t *ids, size_t n,
                      struct db_extract_frame **frames, size_t *nframes);

/* One file a capture's frames were read from: the capture itself
 * (file_number 0, its frames from 1), or a file of a joined ring. */
struct db_extract_file {
	int64_t file_number;
	char *path;             /* malloc'd */
	char sha256[65];
	uint64_t first_frame;   /* the capture's number of the file's first frame */
	uint64_t packets;       /* frames in the file; 0 for file_number 0 (all) */
};

struct db_extract_capture {
	int64_t id;
	char *path;             /* captures.path, malloc'd */
	char sha256[65];
	struct db_extract_file *files; /* malloc'd; one unless joined */
	size_t nfiles;
};

/* The capture with this id and its files; -1 when there is none. Free
 * with db_extract_capture_free. */
int db_extract_capture(struct db *db, int64_t id, struct db_extract_capture *out);
void db_extract_capture_free(struct db_extract_capture *c);

#endif
