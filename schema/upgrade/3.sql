-- Schema 2 -> 3: segments becomes a view over segment_rows, which leaves to
-- its flow what it can take from there: the time is an offset from the
-- flow's first_ts_ns, and seq and ack are stored only where rel_seq and
-- rel_ack with the flow's bases do not give them, and five small numbers
-- share one integer (schema/001_tables.sql).
-- The views are dropped here (2.sql may have done so already) and made
-- again from 002_views.sql (src/db.c).
DROP VIEW IF EXISTS transitions_view;
DROP VIEW IF EXISTS transitions;
DROP VIEW IF EXISTS segments_view;
DROP VIEW IF EXISTS flows_view;

ALTER TABLE flows ADD COLUMN client_seq_base INTEGER;
ALTER TABLE flows ADD COLUMN server_seq_base INTEGER;

-- Each direction's base, from its own first segment or else from the first
-- segment acknowledging it; NULL where it is the ISN. A row counted from
-- another base keeps its numbers below, so any base found here is exact.
UPDATE flows SET
	client_seq_base = NULLIF(COALESCE(
		(SELECT (seq - rel_seq) & 4294967295 FROM segments
		  WHERE flow_id = flows.id AND from_client = 1 ORDER BY frame LIMIT 1),
		(SELECT (ack - rel_ack) & 4294967295 FROM segments
		  WHERE flow_id = flows.id AND from_client = 0 AND rel_ack IS NOT NULL
		  ORDER BY frame LIMIT 1)), client_isn),
	server_seq_base = NULLIF(COALESCE(
		(SELECT (seq - rel_seq) & 4294967295 FROM segments
		  WHERE flow_id = flows.id AND from_client = 0 ORDER BY frame LIMIT 1),
		(SELECT (ack - rel_ack) & 4294967295 FROM segments
		  WHERE flow_id = flows.id AND from_client = 1 AND rel_ack IS NOT NULL
		  ORDER BY frame LIMIT 1)), server_isn);

CREATE TABLE segment_rows (
	flow_id      INTEGER NOT NULL,
	frame        INTEGER NOT NULL,
	ts_offset_ns INTEGER NOT NULL,
	packed       INTEGER NOT NULL,
	rel_seq      INTEGER NOT NULL,
	rel_ack      INTEGER,
	len          INTEGER NOT NULL,
	win          INTEGER NOT NULL,
	dupack_num   INTEGER,
	changes      INTEGER,
	seq_stored   INTEGER,
	ack_stored   INTEGER,
	PRIMARY KEY (flow_id, frame)
) WITHOUT ROWID;

INSERT INTO segment_rows (flow_id, frame, ts_offset_ns, packed, rel_seq,
	rel_ack, len, win, dupack_num, changes, seq_stored, ack_stored)
SELECT s.flow_id, s.frame, s.ts_ns - f.first_ts_ns,
	-- SQLite's bit operators share one precedence: hence the parentheses.
	s.flags | (s.from_client << 8) | (s.client_state << 9)
		| (s.server_state << 13) | (s.analysis << 17),
	s.rel_seq, s.rel_ack, s.len, s.win, s.dupack_num, s.changes,
	NULLIF(s.seq, (s.rel_seq + CASE WHEN s.from_client
		THEN IFNULL(f.client_seq_base, f.client_isn)
		ELSE IFNULL(f.server_seq_base, f.server_isn) END) & 4294967295),
	NULLIF(s.ack, CASE WHEN s.rel_ack IS NULL THEN 0 ELSE
		(s.rel_ack + CASE WHEN s.from_client
			THEN IFNULL(f.server_seq_base, f.server_isn)
			ELSE IFNULL(f.client_seq_base, f.client_isn) END) & 4294967295 END)
FROM segments s JOIN flows f ON f.id = s.flow_id
ORDER BY s.flow_id, s.frame;

DROP TABLE segments;
