-- Two vantage points (VANTAGE.md): captures of the same connections taken
-- at two points of their path, paired by `tcpladder pair`. Kept in one file
-- of its own, and the same statements in schema/upgrade/8.sql, so that the
-- whole feature is one step of the schema. Times are ns on A's clock (A the
-- reference vantage of a pairing); frames are each capture's own.

-- The vantage a capture was taken at (ingest --vantage NAME), NULL when
-- untagged.
ALTER TABLE captures ADD COLUMN vantage TEXT;

-- What pairing compares of a segment and the segments table does not
-- keep: the IP ID (NULL for IPv6), the TTL or hop limit, the timestamp
-- option (NULL without it), and an FNV-1a hash of the first
-- payload_hashed bytes of the payload the capture kept (at most 64:
-- two captures with snap lengths past that hash the same bytes). Written
-- only for captures ingested with --vantage.
CREATE TABLE segment_keys (
	flow_id        INTEGER NOT NULL,
	frame          INTEGER NOT NULL,
	ip_id          INTEGER,
	ttl            INTEGER NOT NULL,
	tsval          INTEGER,
	tsecr          INTEGER,
	payload_hash   INTEGER,           -- NULL when no payload byte was kept
	payload_hashed INTEGER NOT NULL,  -- bytes hashed
	PRIMARY KEY (flow_id, frame)
) WITHOUT ROWID;

-- One clock fit per pair of captures paired: B's clock reads
-- t_B = t_A + offset_ns + skew_ppm * 1e-6 * (t_A - ref_ts_ns).
-- offset_lo_ns .. offset_hi_ns holds the true offset for certain (one-way
-- delays are never negative); NULL where a direction had no sample.
-- quality: ok, one-direction, inconsistent, given (--offset, --synced).
CREATE TABLE clock_fits (
	id           INTEGER PRIMARY KEY,
	capture_a    INTEGER NOT NULL REFERENCES captures(id),
	capture_b    INTEGER NOT NULL REFERENCES captures(id),
	ref_ts_ns    INTEGER NOT NULL,  -- the first stamp of A's capture
	offset_ns    INTEGER,
	offset_lo_ns INTEGER,
	offset_hi_ns INTEGER,
	skew_ppm     REAL NOT NULL DEFAULT 0,
	skew_err_ppm REAL,              -- |slope_f + slope_r|: the directions' disagreement
	-- (slope_f - slope_r) / 2, applied (skew_ppm) only when fitted
	skew_estimate_ppm REAL,
	skew_fitted  INTEGER NOT NULL DEFAULT 0,
	method       TEXT NOT NULL CHECK (method IN ('symmetric-min', 'given')),
	quality      TEXT NOT NULL
	             CHECK (quality IN ('ok', 'one-direction', 'inconsistent', 'given')),
	samples_fwd  INTEGER NOT NULL DEFAULT 0,
	samples_rev  INTEGER NOT NULL DEFAULT 0,
	min_rtt_between_ns INTEGER,     -- m_f + m_r: the smallest round trip between the taps
	UNIQUE (capture_a, capture_b)
);

-- A connection seen at both taps: flow_a in A's capture, flow_b in B's.
-- seq_delta_*: B's sequence number less A's, mod 2^32, per direction (a
-- firewall that rewrites ISNs makes them nonzero). paired counts sightings
-- seen at both taps (a piece of a coalesced whole counting one).
CREATE TABLE flow_pairs (
	id            INTEGER PRIMARY KEY,
	fit_id        INTEGER NOT NULL REFERENCES clock_fits(id),
	flow_a        INTEGER NOT NULL REFERENCES flows(id),
	flow_b        INTEGER NOT NULL REFERENCES flows(id),
	a_side        TEXT NOT NULL CHECK (a_side IN ('client', 'server')),
	matched_by    TEXT NOT NULL CHECK (matched_by IN ('syn', 'synack', 'payload')),
	nat           INTEGER NOT NULL,
	seq_delta_c2s INTEGER NOT NULL,
	seq_delta_s2c INTEGER NOT NULL,
	paired        INTEGER NOT NULL,
	lost_c2s      INTEGER NOT NULL,
	lost_s2c      INTEGER NOT NULL,
	appeared      INTEGER NOT NULL,
	owd_min_c2s_ns    INTEGER,
	owd_median_c2s_ns INTEGER,
	owd_max_c2s_ns    INTEGER,
	owd_min_s2c_ns    INTEGER,
	owd_median_s2c_ns INTEGER,
	owd_max_s2c_ns    INTEGER
);
CREATE INDEX flow_pairs_fit ON flow_pairs(fit_id);
CREATE INDEX flow_pairs_a ON flow_pairs(flow_a);
CREATE INDEX flow_pairs_b ON flow_pairs(flow_b);

-- One row per segment of a flow pair (per piece of a coalesced whole),
-- in order of its send time. rel_seq counts from the sender's ISN as A's
-- capture numbers it. send_ts_ns is at the sender's tap, recv_ts_ns at the
-- receiver's, both on A's clock; owd_ns only when both and the clock fit
-- allows (quality ok or given). whole: the side ('a', 'b') whose tap saw
-- the coalesced whole this piece belongs to. ambiguous: one of several
-- copies with equal keys, paired k-th to k-th, left out of the clock fit.
CREATE TABLE sightings (
	pair_id     INTEGER NOT NULL REFERENCES flow_pairs(id),
	seq_no      INTEGER NOT NULL,   -- 0, 1, ...: the row's place in its pair
	frame_a     INTEGER,
	frame_b     INTEGER,
	from_client INTEGER NOT NULL,
	rel_seq     INTEGER NOT NULL,
	len         INTEGER NOT NULL,
	flags       INTEGER NOT NULL,
	send_ts_ns  INTEGER,
	recv_ts_ns  INTEGER,
	owd_ns      INTEGER,
	fate        TEXT NOT NULL CHECK (fate IN ('paired', 'lost_between', 'appeared_between')),
	whole       TEXT CHECK (whole IN ('a', 'b')),
	ambiguous   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (pair_id, seq_no)
) WITHOUT ROWID;

-- Both endpoints' state changes in a flow pair, each endpoint driven by
-- its own side's tap (the client's by the client-side capture), a segment
-- received counting at its receive sighting. endpoint, states and event
-- are the ids of tcp_states and tcp_events (pair_transitions_view names
-- them); appeared: caused by a segment that appeared between the taps.
CREATE TABLE pair_transitions (
	pair_id    INTEGER NOT NULL REFERENCES flow_pairs(id),
	step       INTEGER NOT NULL,    -- order within the pair and endpoint
	endpoint   INTEGER NOT NULL,    -- 0 client, 1 server
	frame_a    INTEGER,
	frame_b    INTEGER,
	ts_ns      INTEGER NOT NULL,
	from_state INTEGER NOT NULL,
	to_state   INTEGER NOT NULL,
	event      INTEGER NOT NULL,
	appeared   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (pair_id, endpoint, step)
) WITHOUT ROWID;
