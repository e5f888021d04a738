/* pair: two vantage points' captures of the same connections, paired
 * (VANTAGE.md). Pure functions, no I/O and no SQL: connections matched
 * by their SYN, SYN,ACK or first payload (pair_conn.c), one connection's
 * segments matched across the two taps by hashing their keys, with the
 * pieces of a TSO/GRO whole and the leftovers (pair_seg.c), the clock fit
 * (pair_clock.c), and both endpoints' states at their own taps
 * (pair_state.c). cmd_pair.c reads the database (db_pair.h) and drives
 * them; A's clock is the reference throughout. */
#ifndef TCPLADDER_PAIR_H
#define TCPLADDER_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One segment as one tap saw it: the segments table and segment_keys. */
struct pair_seg {
	uint64_t frame;
	int64_t ts_ns;          /* on its own tap's clock */
	int64_t rel_seq, rel_ack;
	uint64_t hash;          /* of its first hashed payload bytes */
	uint32_t seq, ack;      /* absolute */
	uint32_t len, win;
	uint32_t tsval, tsecr;
	uint16_t ip_id;
	uint8_t flags, ttl;
	uint8_t hashed;         /* bytes hashed (0: no payload kept) */
	bool from_client, has_ts, has_ip_id;
};

/* ---- connections (pair_conn.c) */

enum pair_match { PAIR_BY_SYN, PAIR_BY_SYNACK, PAIR_BY_PAYLOAD };
const char *pair_match_name(enum pair_match m);

enum { PAIR_CONN_DATA = 8, PAIR_CONN_RUN = 4 };

/* What connection pairing needs of one flow of one tap, gathered from its
 * segments in frame order by pair_conn_note. */
struct pair_conn {
	int64_t flow_id;
	int64_t first_ts_ns;
	/* Every SYN without ACK from the client, every SYN,ACK from the
	 * server: their ISN and TSval (up to a few copies each). */
	uint8_t nsyn, nsynack;
	bool syn_ts[4], synack_ts[4];
	uint32_t syn_isn[4], syn_tsval[4], synack_isn[4], synack_tsval[4], synack_ack[4];
	/* The first data segments of each direction [0 c2s, 1 s2c]: their
	 * length and payload hash as one number (0: no payload kept), seq,
	 * ack. */
	uint8_t ndata[2];
	uint64_t data_item[2][PAIR_CONN_DATA];
	uint32_t data_seq[2][PAIR_CONN_DATA], data_ack[2][PAIR_CONN_DATA];
};
void pair_conn_init(struct pair_conn *c, int64_t flow_id, int64_t first_ts_ns);
void pair_conn_note(struct pair_conn *c, const struct pair_seg *s);

/* A's flow a[ia] with B's b[ib]; seq_delta_*: B's seq less A's (mod
 * 2^32) per direction, known when has_delta_*. */
struct pair_conn_match {
	size_t ia, ib;
	enum pair_match by;
	bool has_delta_c2s, has_delta_s2c;
	uint32_t delta_c2s, delta_s2c;
};

/* Pairs a's flows with b's one to one by the first key that applies
 * (VANTAGE.md, "Pairing connections"); a key that fits several pairs the
 * one nearest in time. Fills out (at most min(na, nb) entries, malloc'd;
 * NULL when none) and returns how many, or -1 out of memory. */
long pair_connections(const struct pair_conn *a, size_t na, const struct pair_conn *b,
                      size_t nb, struct pair_conn_match **out);

/* ---- segments (pair_seg.c) */

enum pair_fate { PAIR_PAIRED, PAIR_LOST_BETWEEN, PAIR_APPEARED_BETWEEN };
const char *pair_fate_name(enum pair_fate f);

/* One row of sightings before the clock: ia, ib the segment's index in
 * a[] and b[] (-1 where unseen; a piece carries its whole's). rel_seq and
 * len are the piece's, in the numbering of the side that names it. */
struct pair_sighting {
	long ia, ib;
	int64_t rel_seq;
	uint32_t len;
	uint8_t flags;
	bool from_client;
	enum pair_fate fate;
	char whole;             /* 0, 'a' or 'b' */
	bool ambiguous;
};

struct pair_flow_result {
	struct pair_sighting *s; /* malloc'd, in order of the sender's tap */
	size_t n, cap;
	bool a_is_client;       /* a_side: client */
	bool used_ip_id;
	/* m of VANTAGE.md's side rule, when both directions paired. */
	bool has_m;
	int64_t m;
};

struct pair_fit;

/* Pairs one connection's segments: a[] as A's tap saw them, b[] as B's,
 * each in frame order; delta_*: B's seq less A's per direction. With fit
 * (NULL before there is one), copies with equal keys are paired k-th to
 * k-th among those whose receive does not come before their send less
 * the fit's error bound. 0, or -1 out of memory (r then holds nothing to
 * free). */
int pair_segments(const struct pair_seg *a, size_t na, const struct pair_seg *b, size_t nb,
                  uint32_t delta_c2s, uint32_t delta_s2c, const struct pair_fit *fit,
                  struct pair_flow_result *r);
void pair_flow_result_free(struct pair_flow_result *r);

/* ---- the clock (pair_clock.c) */

/* The samples of a fit, kept as the lowest of each of PAIR_CLOCK_BUCKETS
 * spans of A's time, so that memory stays bounded whatever the captures'
 * size (the envelope moves by at most the skew times a span). */
enum { PAIR_CLOCK_BUCKETS = 1 << 16 };
struct pair_clock {
	int64_t ref_ts_ns, span_ns;
	uint64_t n[2];           /* samples: [0] forward (A's side to B's), [1] reverse */
	double sum_t[2];         /* of t - ref, for the mean time */
	int64_t *t[2], *d[2];    /* per bucket; d INT64_MAX when empty */
};
/* A fit over A's times from ref_ts_ns to last_ts_ns. -1 out of memory. */
int pair_clock_init(struct pair_clock *c, int64_t ref_ts_ns, int64_t last_ts_ns);
void pair_clock_free(struct pair_clock *c);
/* A sample: t_a A's stamp, t_b B's, forward when it went from A's side to
 * B's. */
void pair_clock_add(struct pair_clock *c, bool forward, int64_t t_a, int64_t t_b);

enum pair_quality { PAIR_OK, PAIR_ONE_DIRECTION, PAIR_INCONSISTENT, PAIR_GIVEN };
const char *pair_quality_name(enum pair_quality q);

struct pair_fit {
	int64_t ref_ts_ns;
	double offset_ns;        /* B's clock ahead of A's at ref_ts_ns */
	double skew_ppm;
	bool has_lo, has_hi;
	int64_t offset_lo_ns, offset_hi_ns;
	bool has_skew_err;
	double skew_err_ppm;
	double skew_estimate_ppm; /* with has_skew_err; applied when skew_fitted */
	bool skew_fitted;
	bool given;
	enum pair_quality quality;
	uint64_t samples_fwd, samples_rev;
	bool has_rtt;
	int64_t min_rtt_between_ns;
};

/* The fit (VANTAGE.md, "The clock"); with given, offset_ns and skew_ppm
 * as the caller set them in *fit (bounds still from the samples). */
void pair_clock_fit(const struct pair_clock *c, bool given, struct pair_fit *fit);

/* B's stamp on A's clock. */
int64_t pair_clock_to_a(const struct pair_fit *fit, int64_t t_b);
/* Whether one-way delays may be stored: the fit is ok or given. */
bool pair_clock_delays_ok(const struct pair_fit *fit);

/* ---- states at each endpoint's own tap (pair_state.c) */

struct pair_transition {
	int endpoint;           /* TCPST_CLIENT, TCPST_SERVER */
	size_t sighting;        /* the row of r->s that caused it */
	int from, to, event;    /* tcp_state, tcp_state, tcp_event */
	bool appeared;
};

/* Both endpoints' transitions, each driven by its own tap's segments (the
 * client's by the client-side capture), a segment received counting at
 * its receive sighting. *out malloc'd (NULL when none); the count, or -1
 * out of memory. */
long pair_states(const struct pair_seg *a, size_t na, const struct pair_seg *b, size_t nb,
                 const struct pair_flow_result *r, struct pair_transition **out);

/* h with v folded in: the keys pairing hashes (connections' in
 * pair_conn.c, segments' in pair_seg.c). */
static inline uint64_t pair_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h;
}

#endif
