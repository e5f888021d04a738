/* dedup: the content hash of a big capture, computed beside ingest.
 *
 * The content hash (SHA-256, capture_hash_file) reads the whole file, a
 * tenth of the time ingesting it takes; done before ingest, it held every
 * ingest up by that much. So a thread of its own hashes while ingest reads
 * the file. Once dedup_peek has the hash, ingest asks its writer to look it
 * up inside the load's transaction (writer_look_up): a capture already in
 * the database is noticed a moment after ingest began, and abandoned. */
#ifndef TCPLADDER_DEDUP_H
#define TCPLADDER_DEDUP_H

#include <stdbool.h>
#include <stddef.h>

#include "capture.h"

struct dedup;

/* Starts hashing capture_path. NULL when no thread can start; then hash
 * with capture_hash_file. */
struct dedup *dedup_start(const char *capture_path);

/* The hash, if the thread has finished it: true with hex filled. Never
 * blocks; false until then, and for a file that could not be read. */
bool dedup_peek(struct dedup *d, char hex[CAPTURE_SHA256_HEX]);

/* Waits for the hash and frees d: 0 with hex filled, or -1 with err (the
 * file could not be read). */
int dedup_finish(struct dedup *d, char hex[CAPTURE_SHA256_HEX], char *err,
                 size_t errlen);

#endif
