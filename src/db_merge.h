/* db_merge: shards into one database, part of the db module. The unit of
 * work of a big ingest is a capture file; shards ingested apart (cores,
 * hosts, a batch engine's array jobs) combine here: ids are remapped past
 * the ones already present, captures already present (by sha256) are
 * skipped with their flows, and each shard is one transaction. */
#ifndef TCPLADDER_DB_MERGE_H
#define TCPLADDER_DB_MERGE_H

#include <stdint.h>

#include "db.h"

struct db_merge_result {
	int64_t captures, skipped, flows, segments;
	int upgraded_from; /* the shard's older schema version, else 0 */
};

/* Merge the database at shard_path into db. The shard is never created nor
 * changed: one of an older schema version is upgraded in a temporary copy
 * beside db (upgraded_from says so). A missing shard, db itself, and a
 * shard that is not a tcpladder database of this or an older version are
 * errors. 0, or -1 with db_error() (which does not repeat the path). */
int db_merge(struct db *db, const char *shard_path, struct db_merge_result *r);

#endif
