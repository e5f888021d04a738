/* db_report_pair: what a report reads of the pairing of two vantages
 * (VANTAGE.md): the flow pairs with their clock fit, one pair's sightings
 * and both endpoints' transitions at their own taps, and its one-way
 * delays binned for a plot. Part of the db module, like db_report.h: rows
 * come through callbacks, their strings valid only during the call;
 * a callback's nonzero stops the walk and is returned; -1 with db_error()
 * on an SQLite error. Times are ns on A's clock. */
#ifndef TCPLADDER_DB_REPORT_PAIR_H
#define TCPLADDER_DB_REPORT_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "db_report.h"

/* Directions as the arrays below index them. */
enum { PAIR_C2S = 0, PAIR_S2C = 1 };

/* A flow pair, its two captures and the clock fit it was paired under. */
struct db_pair_info {
	int64_t id, flow_a, flow_b;
	bool a_is_client;            /* a_side = 'client' */
	const char *matched_by;      /* syn, synack, payload */
	bool nat;
	int64_t seq_delta[2], lost[2];
	int64_t paired, appeared;
	bool has_owd[2];
	int64_t owd_min[2], owd_median[2], owd_max[2];
	/* Each tap: its vantage name, its file, and the connection's
	 * endpoints as that tap saw them ("10.0.0.1:443", "[::1]:443"). */
	const char *vantage_a, *vantage_b, *file_a, *file_b;
	const char *client_a, *server_a, *client_b, *server_b;
	/* The clock fit (clock_fits): B's clock = A's + offset. */
	const char *method, *quality;
	bool has_offset, has_lo, has_hi, has_skew_err, has_skew_estimate, skew_fitted;
	int64_t offset_ns, offset_lo_ns, offset_hi_ns;
	double skew_ppm, skew_err_ppm, skew_estimate_ppm;
	int64_t samples_fwd, samples_rev;
	bool has_min_rtt;
	int64_t min_rtt_between_ns;
	/* The first and last time any sighting was seen at either tap: 0
	 * from db_each_pair, which does not read the sightings; a pair's page
	 * fills them (db_pair_span). */
	int64_t first_ts_ns, last_ts_ns;
};
typedef int (*db_pair_fn)(const struct db_pair_info *p, void *user);

/* The flow pairs either of whose flows the selection holds, by id. */
int db_each_pair(struct db *db, const struct db_selection *sel, db_pair_fn fn, void *user);

/* The first and last time any of a pair's sightings was seen. */
int db_pair_span(struct db *db, int64_t pair_id, int64_t *first_ts_ns, int64_t *last_ts_ns);

/* One row of sightings, with what the ladder's label needs of the
 * segment as its sender's tap saw it (ack and window: from A's row when A
 * saw it, else B's). */
struct db_sighting_info {
	int64_t seq_no;
	bool has_frame_a, has_frame_b, has_send, has_recv, has_owd, has_ack;
	int64_t frame_a, frame_b, send_ts_ns, recv_ts_ns, owd_ns;
	bool from_client, ambiguous;
	int64_t rel_seq, len, rel_ack, win;
	int flags;
	const char *flags_text;
	const char *fate;            /* paired, lost_between, appeared_between */
	char whole;                  /* 0, 'a' or 'b' */
};
typedef int (*db_sighting_fn)(const struct db_sighting_info *s, void *user);

/* A pair's sightings in seq_no order: with head >= 0, the first head
 * rows and the last tail, the rows between counted by db_sighting_gap. */
int db_each_sighting(struct db *db, int64_t pair_id, int64_t head, int64_t tail,
                     db_sighting_fn fn, void *user);

/* The sightings between a pair's first head and last tail rows. */
struct db_sighting_gap {
	int64_t rows, bytes, first_seq_no, last_seq_no, first_ts_ns, last_ts_ns;
};
int db_sighting_gap(struct db *db, int64_t pair_id, int64_t head, int64_t tail,
                    struct db_sighting_gap *gap);

/* One transition of pair_transitions_view. */
struct db_pair_transition_info {
	bool client;                 /* endpoint */
	const char *vantage;         /* the tap that drove it */
	bool has_frame_a, has_frame_b, appeared;
	int64_t frame_a, frame_b, ts_ns;
	const char *from_state, *to_state, *event;
};
typedef int (*db_pair_transition_fn)(const struct db_pair_transition_info *t, void *user);
/* Both endpoints' transitions, in time order (the client's first at equal
 * times). */
int db_each_pair_transition(struct db *db, int64_t pair_id, db_pair_transition_fn fn,
                            void *user);

/* A pair's one-way delays in one direction and one of `columns` equal
 * spans of its time (from first_ts_ns over span_ns): the least and
 * greatest delay sent in it, how many, and the segments of that
 * direction sent in it and lost between the taps. */
struct db_owd_bin {
	int dir;                     /* PAIR_C2S, PAIR_S2C */
	int64_t column, samples, lost;
	int64_t min_ns, max_ns;      /* with samples */
};
typedef int (*db_owd_bin_fn)(const struct db_owd_bin *b, void *user);
int db_each_owd_bin(struct db *db, int64_t pair_id, int64_t first_ts_ns, int64_t span_ns,
                    int columns, db_owd_bin_fn fn, void *user);

/* Whether the database holds any flow pair (a report asks once, and asks
 * db_pair_of_flow for each flow only then). 1, 0, or -1. */
int db_has_pairs(struct db *db);

/* The flow pair a flow belongs to, if any: its id, the other tap's flow
 * and that tap's vantage (into vantage, len bytes). 1 found, 0 none, -1. */
int db_pair_of_flow(struct db *db, int64_t flow_id, int64_t *pair_id, int64_t *other_flow,
                    char *vantage, size_t len);

#endif
