-- Schema 1 -> 2: a flow's analysis counts leave flows for flow_analysis,
-- which has a row only for the flows that have any (18 zero columns cost
-- every ordinary flow 18 bytes). The views are dropped here and made again
-- from 002_views.sql (src/db.c).
DROP VIEW transitions_view;
DROP VIEW transitions;
DROP VIEW segments_view;
DROP VIEW flows_view;

CREATE TABLE flow_analysis (
	flow_id       INTEGER PRIMARY KEY, -- flows.id
	client_retrans_bytes INTEGER NOT NULL DEFAULT 0, -- payload of segments
	server_retrans_bytes INTEGER NOT NULL DEFAULT 0, -- flagged retransmission
	-- How many of its segments carry each analysis flag (analysis_flags).
	retransmission_count INTEGER NOT NULL DEFAULT 0,
	fast_retransmission_count INTEGER NOT NULL DEFAULT 0,
	spurious_retransmission_count INTEGER NOT NULL DEFAULT 0,
	out_of_order_count INTEGER NOT NULL DEFAULT 0,
	lost_segment_count INTEGER NOT NULL DEFAULT 0,
	duplicate_ack_count INTEGER NOT NULL DEFAULT 0,
	ack_lost_segment_count INTEGER NOT NULL DEFAULT 0,
	zero_window_count INTEGER NOT NULL DEFAULT 0,
	zero_window_probe_count INTEGER NOT NULL DEFAULT 0,
	window_full_count INTEGER NOT NULL DEFAULT 0,
	window_update_count INTEGER NOT NULL DEFAULT 0,
	keep_alive_count INTEGER NOT NULL DEFAULT 0,
	keep_alive_ack_count INTEGER NOT NULL DEFAULT 0,
	reused_ports_count INTEGER NOT NULL DEFAULT 0,
	zero_window_probe_ack_count INTEGER NOT NULL DEFAULT 0,
	unexpected_in_state_count INTEGER NOT NULL DEFAULT 0
);

INSERT INTO flow_analysis (flow_id, client_retrans_bytes, server_retrans_bytes, retransmission_count, fast_retransmission_count, spurious_retransmission_count, out_of_order_count, lost_segment_count, duplicate_ack_count, ack_lost_segment_count, zero_window_count, zero_window_probe_count, window_full_count, window_update_count, keep_alive_count, keep_alive_ack_count, reused_ports_count, zero_window_probe_ack_count, unexpected_in_state_count)
SELECT id, client_retrans_bytes, server_retrans_bytes, retransmission_count, fast_retransmission_count, spurious_retransmission_count, out_of_order_count, lost_segment_count, duplicate_ack_count, ack_lost_segment_count, zero_window_count, zero_window_probe_count, window_full_count, window_update_count, keep_alive_count, keep_alive_ack_count, reused_ports_count, zero_window_probe_ack_count, unexpected_in_state_count
FROM flows WHERE analysis != 0 OR client_retrans_bytes OR server_retrans_bytes;

ALTER TABLE flows DROP COLUMN client_retrans_bytes;
ALTER TABLE flows DROP COLUMN server_retrans_bytes;
ALTER TABLE flows DROP COLUMN retransmission_count;
ALTER TABLE flows DROP COLUMN fast_retransmission_count;
ALTER TABLE flows DROP COLUMN spurious_retransmission_count;
ALTER TABLE flows DROP COLUMN out_of_order_count;
ALTER TABLE flows DROP COLUMN lost_segment_count;
ALTER TABLE flows DROP COLUMN duplicate_ack_count;
ALTER TABLE flows DROP COLUMN ack_lost_segment_count;
ALTER TABLE flows DROP COLUMN zero_window_count;
ALTER TABLE flows DROP COLUMN zero_window_probe_count;
ALTER TABLE flows DROP COLUMN window_full_count;
ALTER TABLE flows DROP COLUMN window_update_count;
ALTER TABLE flows DROP COLUMN keep_alive_count;
ALTER TABLE flows DROP COLUMN keep_alive_ack_count;
ALTER TABLE flows DROP COLUMN reused_ports_count;
ALTER TABLE flows DROP COLUMN zero_window_probe_ack_count;
ALTER TABLE flows DROP COLUMN unexpected_in_state_count;
