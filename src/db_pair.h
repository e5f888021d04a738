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
#include "pair.h"

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

/* Sets db_error() to why, for a failure outside SQL (out of memory). */
void db_pair_set_error(struct db *db, const char *why);

/* ---- pair: reading */

/* A capture of one vantage. */
struct db_pair_capture {
	int64_t id;
	int64_t first_ts_ns, last_ts_ns;
	bool has_ts;
	char path[1024];
};
/* The captures tagged vantage, in id order; *out malloc'd. */
int db_pair_captures(struct db *db, const char *vantage, struct db_pair_capture **out,
                     size_t *n);

/* A flow of a capture, as pairing needs it. */
struct db_pair_flow {
	int64_t id;
	int64_t first_ts_ns;
	/* The endpoints ("ip:port" of client and server) hashed: equal when
	 * no NAT stood between the taps. */
	uint64_t endpoints;
};
int db_pair_flows(struct db *db, int64_t capture_id, struct db_pair_flow **out, size_t *n);

/* Every segment of a capture, in (flow, frame) order, to fn; a nonzero
 * return from fn stops and is returned. */
int db_pair_capture_segments(struct db *db, int64_t capture_id,
                             int (*fn)(void *user, int64_t flow_id, const struct pair_seg *s),
                             void *user);

/* Statements prepared once for a whole pairing. */
struct db_pair_session;
struct db_pair_session *db_pair_session_open(struct db *db);
void db_pair_session_close(struct db_pair_session *s);

/* One flow's segments in frame order into *segs (grown as needed; *cap
 * its room), *n of them. */
int db_pair_flow_segments(struct db_pair_session *s, int64_t flow_id, struct pair_seg **segs,
                          size_t *n, size_t *cap);

/* ---- export sightings|clock */

/* sightings_view (in pair and row order) or clock_fits with both
 * captures' vantages and files (in id order), as db_each_view_row gives a
 * view: fn gets the column names (values NULL) and then each row, NULL
 * as a NULL value. A selection keeps the rows of a flow pair (or fit) one
 * of whose flows (captures) is selected. */
enum db_pair_table { DB_PAIR_SIGHTINGS, DB_PAIR_CLOCK };
struct db_selection;
int db_pair_each_row(struct db *db, enum db_pair_table table, const struct db_selection *sel,
                     int (*fn)(int ncols, const char *const *names,
                               const char *const *values, void *user),
                     void *user);

/* ---- pair: writing (in the caller's transaction) */

/* Removes an earlier pairing of these two captures (either way round). */
int db_pair_forget(struct db *db, int64_t capture_a, int64_t capture_b);

int db_pair_insert_fit(struct db *db, int64_t capture_a, int64_t capture_b,
                       const struct pair_fit *fit, int64_t *id);

struct db_flow_pair {
	int64_t fit_id, flow_a, flow_b;
	bool a_is_client, nat;
	enum pair_match by;
	uint32_t delta_c2s, delta_s2c;
	int64_t paired, lost_c2s, lost_s2c, appeared;
	bool has_owd[2];        /* [0] c2s, [1] s2c */
	int64_t owd_min[2], owd_median[2], owd_max[2];
};
int db_pair_insert_flow_pair(struct db_pair_session *s, const struct db_flow_pair *p,
                             int64_t *id);

struct db_sighting {
	int64_t pair_id, seq_no;
	bool has_frame_a, has_frame_b, has_send, has_recv, has_owd;
	uint64_t frame_a, frame_b;
	bool from_client;
	int64_t rel_seq;
	uint32_t len;
	uint8_t flags;
	int64_t send_ts_ns, recv_ts_ns, owd_ns;
	enum pair_fate fate;
	char whole;
	bool ambiguous;
};
int db_pair_insert_sighting(struct db_pair_session *s, const struct db_sighting *row);

struct db_pair_transition {
	int64_t pair_id, step;
	int endpoint;
	bool has_frame_a, has_frame_b;
	uint64_t frame_a, frame_b;
	int64_t ts_ns;
	int from, to, event;
	bool appeared;
};
int db_pair_insert_transition(struct db_pair_session *s, const struct db_pair_transition *t);

#endif
