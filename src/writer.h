/* writer: ingest's rows, written to SQLite on a second thread.
 *
 * Decoding and tracking a capture and inserting its rows take about the
 * same time, and SQLite has one writer per database; so ingest hands its
 * rows to this thread, in order, in batches, and both cores work. The
 * thread owns the database connection from writer_start to writer_finish;
 * nobody else may touch it in between. Rows are written in the order they
 * were handed over, inside the caller's transaction.
 *
 * Ownership: row contents are copied; a flow handed to writer_flow belongs
 * to the writer, which frees it (also when writing has failed). */
#ifndef TCPLADDER_WRITER_H
#define TCPLADDER_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "flow.h"

struct writer;

/* NULL when the thread cannot start (out of memory, no threads). */
struct writer *writer_start(struct db *db);

void writer_segment(struct writer *w, const struct db_segment_row *row);
void writer_options(struct writer *w, int64_t flow_id, uint64_t frame,
                    const char *options);
/* What pairing compares of a segment (ingest --vantage). */
struct db_segment_keys;
void writer_keys(struct writer *w, const struct db_segment_keys *keys);
void writer_server_closed(struct writer *w, int64_t flow_id,
                          uint64_t before_frame);
void writer_flow(struct writer *w, int64_t capture_id, struct flow *f);

/* Has a write failed? (Then later rows are dropped; stop reading.) */
bool writer_failed(struct writer *w);

/* Asks the thread whether content with this hash (hex SHA-256) is in the
 * database already, looked up inside the caller's transaction after the
 * rows handed over so far; writer_content_known says yes once it has found
 * it. Ingest may stop early on that; it decides for good after
 * writer_finish. */
void writer_look_up(struct writer *w, const char *sha256_hex);
bool writer_content_known(struct writer *w);

/* Write what is left, stop the thread, free the writer. 0, or -1 with the
 * database's reason in err. */
int writer_finish(struct writer *w, char *err, size_t errlen);

#endif
