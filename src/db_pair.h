/* db_pair: the SQL of two-vantage pairing (VANTAGE.md): tagging a capture
 * with its vantage and keeping what pairing compares of each segment (at
 * ingest), reading two vantages' captures, flows and segments back (for
 * `pair`), and writing clock_fits, flow_pairs, sightings and
 * pair_transitions. Part of the db module (the only C that speaks SQL);
 * the same conventions: 0 on success, -1 with db_error() filled. */
#ifndef TCPLADDER_DB_PAIR_H
#define TCPLADDER_DB_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* What pairing compares of one segment beyond the segments table
 * (segment_keys in schema/004_vantage.sql). */
struct db_segment_keys {
	int64_t flow_id;
	uint64_t frame;
	bool has_ip_id, has_ts, has_hash;
	uint16_t ip_id;
	uint8_t ttl;
	uint32_t tsval, tsecr;
	uint64_t hash;          /* FNV-1a of the first hashed payload bytes */
	uint32_t hashed;
};
int db_insert_segment_keys(struct db *db, const struct db_segment_keys *k);

/* captures.vantage of capture id (NULL: untagged). */
int db_capture_set_vantage(struct db *db, int64_t id, const char *vantage);
/* The stored vantage of capture id into buf ("" and *tagged false when
 * untagged). */
int db_capture_vantage(struct db *db, int64_t id, char *buf, size_t len, bool *tagged);

#endif
