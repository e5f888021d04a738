/* dedup: is a capture file's content already in the database?
 *
 * The content hash (SHA-256, capture_hash_file) reads the whole file, a
 * tenth of the time ingesting it takes; done before ingest, it held every
 * ingest up by that much. So a thread of its own hashes while ingest reads
 * the file, then looks the hash up on a read-only connection of its own: a
 * capture already in the database is noticed a moment after ingest began,
 * and ingest abandons it. The lookup sees what was committed when it ran;
 * ingest decides for good inside its own transaction, with the hash from
 * dedup_finish. */
#ifndef TCPLADDER_DEDUP_H
#define TCPLADDER_DEDUP_H

#include <stdbool.h>
#include <stddef.h>

#include "capture.h"

struct dedup;

/* Starts hashing capture_path, then looking it up in the database at
 * db_path (NULL or "": hash only). NULL when no thread can start; then
 * hash with capture_hash_file. */
struct dedup *dedup_start(const char *capture_path, const char *db_path);

/* Has the lookup found this content in the database already? Never
 * blocks; false until it knows. */
bool dedup_known(struct dedup *d);

/* Waits for the hash and frees d: 0 with hex filled, or -1 with err (the
 * file could not be read). */
int dedup_finish(struct dedup *d, char hex[CAPTURE_SHA256_HEX], char *err,
                 size_t errlen);

#endif
