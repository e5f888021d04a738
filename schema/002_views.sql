-- The views scripts and people read: every column of their table under the
-- same name, with small integers turned into the names DESIGN.md fixes,
-- plus time (ISO 8601 UTC, nanoseconds), flags_text (as tcpdump prints
-- flags), analysis_names and ip:port endpoints.

-- DESIGN.md's segments: segment_rows with what it leaves to its flow put
-- back (schema/001_tables.sql): the time, and seq and ack where they are
-- not stored. The flow is read by subqueries, not a join, so the view
-- stays one table: SQLite can then flatten it anywhere, even on the right
-- of a LEFT JOIN (a join there would be materialized whole), and a query
-- that does not ask for these three columns does not read flows.
-- segments_view below computes the same three with a join instead (one
-- reading of the flow for all its segments, half the time); the two must
-- agree (tests/test_analysis.c checks them against the capture).
CREATE VIEW segments AS
SELECT s.flow_id, s.frame,
	s.ts_offset_ns + (SELECT first_ts_ns FROM flows WHERE id = s.flow_id)
		AS ts_ns,
	(s.packed >> 8) & 1 AS from_client, s.packed & 255 AS flags,
	IFNULL(s.seq_stored, (s.rel_seq + (SELECT CASE WHEN (s.packed >> 8) & 1
		THEN IFNULL(client_seq_base, client_isn)
		ELSE IFNULL(server_seq_base, server_isn) END
		FROM flows WHERE id = s.flow_id)) & 4294967295) AS seq,
	IFNULL(s.ack_stored, CASE WHEN s.rel_ack IS NULL THEN 0 ELSE
		(s.rel_ack + (SELECT CASE WHEN (s.packed >> 8) & 1
			THEN IFNULL(server_seq_base, server_isn)
			ELSE IFNULL(client_seq_base, client_isn) END
			FROM flows WHERE id = s.flow_id)) & 4294967295 END) AS ack,
	s.rel_seq, s.rel_ack, s.len, s.win,
	(s.packed >> 9) & 15 AS client_state, (s.packed >> 13) & 15 AS server_state,
	s.packed >> 17 AS analysis, s.dupack_num, s.changes
FROM segment_rows s;

CREATE VIEW segments_view AS
WITH numbered AS (
	SELECT s.flow_id, s.frame, f.first_ts_ns + s.ts_offset_ns AS ts_ns,
		(s.packed >> 8) & 1 AS from_client, s.packed & 255 AS flags,
		IFNULL(s.seq_stored, (s.rel_seq + CASE WHEN (s.packed >> 8) & 1
			THEN IFNULL(f.client_seq_base, f.client_isn)
			ELSE IFNULL(f.server_seq_base, f.server_isn) END) & 4294967295)
			AS seq,
		IFNULL(s.ack_stored, CASE WHEN s.rel_ack IS NULL THEN 0 ELSE
			(s.rel_ack + CASE WHEN (s.packed >> 8) & 1
				THEN IFNULL(f.server_seq_base, f.server_isn)
				ELSE IFNULL(f.client_seq_base, f.client_isn) END)
			& 4294967295 END) AS ack,
		s.rel_seq, s.rel_ack, s.len, s.win,
		(s.packed >> 9) & 15 AS client_state,
		(s.packed >> 13) & 15 AS server_state,
		s.packed >> 17 AS analysis, s.dupack_num, s.changes
	FROM segment_rows s JOIN flows f ON f.id = s.flow_id
)
-- time: SQLite's / and % truncate toward zero; seconds and nanoseconds are
-- taken with floor division, so a time before 1970 reads as the second it
-- falls in and a fraction from 0 (1969-12-31T23:51:35.608578000Z, not the
-- second after with a negative fraction). flows_view and transitions_view
-- write it the same way.
SELECT s.flow_id, s.frame, s.ts_ns,
	strftime('%Y-%m-%dT%H:%M:%S',
		s.ts_ns / 1000000000 - (s.ts_ns % 1000000000 < 0), 'unixepoch')
		|| printf('.%09dZ', (s.ts_ns % 1000000000 + 1000000000) % 1000000000) AS time,
	s.from_client, s.flags,
	-- tcpdump's order (print-tcp.c tcp_flag_values): F S R P . U E W
	CASE WHEN s.flags & 255 = 0 THEN 'none' ELSE
		(CASE WHEN s.flags & 1 THEN 'F' ELSE '' END) ||
		(CASE WHEN s.flags & 2 THEN 'S' ELSE '' END) ||
		(CASE WHEN s.flags & 4 THEN 'R' ELSE '' END) ||
		(CASE WHEN s.flags & 8 THEN 'P' ELSE '' END) ||
		(CASE WHEN s.flags & 16 THEN '.' ELSE '' END) ||
		(CASE WHEN s.flags & 32 THEN 'U' ELSE '' END) ||
		(CASE WHEN s.flags & 64 THEN 'E' ELSE '' END) ||
		(CASE WHEN s.flags & 128 THEN 'W' ELSE '' END)
	END AS flags_text,
	s.seq, s.ack, s.rel_seq, s.rel_ack, s.len, s.win,
	cs.name AS client_state, ss.name AS server_state,
	s.analysis,
	(SELECT group_concat(a.name, ',') FROM analysis_flags a
	  WHERE s.analysis & a.bit ORDER BY a.bit) AS analysis_names,
	CASE WHEN s.from_client THEN 'client' ELSE 'server' END AS sender,
	o.options, s.dupack_num, s.changes
FROM numbered s
JOIN tcp_states cs ON cs.id = s.client_state
JOIN tcp_states ss ON ss.id = s.server_state
LEFT JOIN segment_options o ON o.flow_id = s.flow_id AND o.frame = s.frame;

CREATE VIEW flows_view AS
SELECT f.id, f.capture_id, f.ip_version,
	f.client_ip, f.client_port, f.server_ip, f.server_port,
	CASE f.ip_version WHEN 6 THEN '[' || f.client_ip || ']:' || f.client_port
		ELSE f.client_ip || ':' || f.client_port END AS client,
	CASE f.ip_version WHEN 6 THEN '[' || f.server_ip || ']:' || f.server_port
		ELSE f.server_ip || ':' || f.server_port END AS server,
	f.first_ts_ns, f.last_ts_ns,
	strftime('%Y-%m-%dT%H:%M:%S',
		f.first_ts_ns / 1000000000 - (f.first_ts_ns % 1000000000 < 0), 'unixepoch')
		|| printf('.%09dZ', (f.first_ts_ns % 1000000000 + 1000000000) % 1000000000) AS time,
	f.last_ts_ns - f.first_ts_ns AS duration_ns,
	f.first_frame, f.last_frame,
	f.packets, f.client_packets, f.server_packets,
	f.client_bytes, f.server_bytes, f.client_isn, f.server_isn,
	cs.name AS client_state, ss.name AS server_state,
	f.conn_state, f.history, f.handshake_rtt_ns, f.mid_stream,
	f.client_mss, f.server_mss, f.client_wscale, f.server_wscale,
	f.client_sack_ok, f.server_sack_ok, f.analysis,
	(SELECT group_concat(a.name, ',') FROM analysis_flags a
	  WHERE f.analysis & a.bit ORDER BY a.bit) AS analysis_names,
	f.syn_synack_ns, f.synack_ack_ns, f.win_scaled, f.close_initiator,
	f.client_seq_base, f.server_seq_base, f.tunnel, f.tunnel_changes,
	IFNULL(fa.client_retrans_bytes, 0) AS client_retrans_bytes,
	IFNULL(fa.server_retrans_bytes, 0) AS server_retrans_bytes,
	IFNULL(fa.retransmission_count, 0) AS retransmission_count,
	IFNULL(fa.fast_retransmission_count, 0) AS fast_retransmission_count,
	IFNULL(fa.spurious_retransmission_count, 0) AS spurious_retransmission_count,
	IFNULL(fa.out_of_order_count, 0) AS out_of_order_count,
	IFNULL(fa.lost_segment_count, 0) AS lost_segment_count,
	IFNULL(fa.duplicate_ack_count, 0) AS duplicate_ack_count,
	IFNULL(fa.ack_lost_segment_count, 0) AS ack_lost_segment_count,
	IFNULL(fa.zero_window_count, 0) AS zero_window_count,
	IFNULL(fa.zero_window_probe_count, 0) AS zero_window_probe_count,
	IFNULL(fa.window_full_count, 0) AS window_full_count,
	IFNULL(fa.window_update_count, 0) AS window_update_count,
	IFNULL(fa.keep_alive_count, 0) AS keep_alive_count,
	IFNULL(fa.keep_alive_ack_count, 0) AS keep_alive_ack_count,
	IFNULL(fa.reused_ports_count, 0) AS reused_ports_count,
	IFNULL(fa.zero_window_probe_ack_count, 0) AS zero_window_probe_ack_count,
	IFNULL(fa.unexpected_in_state_count, 0) AS unexpected_in_state_count,
	f.community_id,
	-- Wireshark's display filter for exactly this connection in its
	-- capture: its endpoints (ip.addr or ipv6.addr and tcp.port, each
	-- matching either direction) within its first and last frame, which
	-- sets port reuse's connections apart. A tunnelled flow's endpoints
	-- are its inner ones; Wireshark's ip.addr matches an address in any
	-- IP header of a frame, the outer ones too, so the inner pair selects
	-- the flow's frames all the same. Frames are numbered in the file
	-- Wireshark opens: for a capture joined from a ring (capture_files),
	-- the file that holds the whole flow; a flow whose frames span two
	-- files has the numbers of the ring read as one (mergecap -a of its
	-- files in order), as tcpladder counts them.
	printf('%s.addr==%s && tcp.port==%d && %s.addr==%s && tcp.port==%d'
		|| ' && frame.number >= %d && frame.number <= %d',
		CASE f.ip_version WHEN 6 THEN 'ipv6' ELSE 'ip' END, f.client_ip, f.client_port,
		CASE f.ip_version WHEN 6 THEN 'ipv6' ELSE 'ip' END, f.server_ip, f.server_port,
		f.first_frame - IFNULL((SELECT cf.first_frame - 1 FROM capture_files cf
			WHERE cf.capture_id = f.capture_id AND cf.first_frame <= f.first_frame
			AND f.last_frame < cf.first_frame + cf.packets), 0),
		f.last_frame - IFNULL((SELECT cf.first_frame - 1 FROM capture_files cf
			WHERE cf.capture_id = f.capture_id AND cf.first_frame <= f.first_frame
			AND f.last_frame < cf.first_frame + cf.packets), 0)) AS wireshark_filter
FROM flows f
JOIN tcp_states cs ON cs.id = f.client_state
JOIN tcp_states ss ON ss.id = f.server_state
LEFT JOIN flow_analysis fa ON fa.flow_id = f.id;

-- One row per state change of one endpoint, as DESIGN.md's transitions
-- table: frame caused it, seen_frame proves it (they differ for a received
-- SYN or FIN); step orders a flow's changes as the capture proves them (one
-- segment can prove several, even of one endpoint: a mid-stream FIN is
-- UNKNOWN -> ESTABLISHED -> FIN_WAIT_1). ts_ns is the time of seen_frame,
-- rel_seq and rel_ack those of the segment at frame. See segments.changes.
CREATE VIEW transitions AS
WITH packed (flow_id, seen_frame, slot, ts_ns, c) AS (
	SELECT s.flow_id, s.frame, 0, f.first_ts_ns + s.ts_offset_ns,
	       s.changes & 4294967295
	FROM segment_rows s JOIN flows f ON f.id = s.flow_id
	WHERE s.changes IS NOT NULL
	UNION ALL
	SELECT s.flow_id, s.frame, 1, f.first_ts_ns + s.ts_offset_ns,
	       (s.changes >> 32) & 4294967295
	FROM segment_rows s JOIN flows f ON f.id = s.flow_id
	WHERE s.changes >> 32 != 0
), unpacked (flow_id, seen_frame, slot, ts_ns, endpoint, frame, from_state,
             to_state, event) AS (
	SELECT flow_id, seen_frame, slot, ts_ns, c & 1, seen_frame - (c >> 13),
	       (c >> 1) & 15, (c >> 5) & 15, (c >> 9) & 15
	FROM packed
	UNION ALL
	SELECT x.flow_id, x.seen_frame, x.slot, f.first_ts_ns + s.ts_offset_ns,
	       x.endpoint, x.frame, x.from_state, x.to_state, x.event
	FROM transitions_extra x
	JOIN segment_rows s ON s.flow_id = x.flow_id AND s.frame = x.seen_frame
	JOIN flows f ON f.id = x.flow_id
)
-- rel_seq and rel_ack are stored as they are: segment_rows suffices.
SELECT u.flow_id, u.seen_frame * 16 + u.slot AS step, u.seen_frame,
	u.endpoint, u.frame, u.ts_ns, u.from_state, u.to_state, u.event,
	c.rel_seq, c.rel_ack
FROM unpacked u
LEFT JOIN segment_rows c ON c.flow_id = u.flow_id AND c.frame = u.frame;

CREATE VIEW transitions_view AS
SELECT t.flow_id, t.step, t.frame, t.seen_frame, t.ts_ns,
	strftime('%Y-%m-%dT%H:%M:%S',
		t.ts_ns / 1000000000 - (t.ts_ns % 1000000000 < 0), 'unixepoch')
		|| printf('.%09dZ', (t.ts_ns % 1000000000 + 1000000000) % 1000000000) AS time,
	CASE t.endpoint WHEN 0 THEN 'client' ELSE 'server' END AS endpoint,
	fs.name AS from_state, ts.name AS to_state, e.name AS event,
	t.rel_seq, t.rel_ack
FROM transitions t
JOIN tcp_states fs ON fs.id = t.from_state
JOIN tcp_states ts ON ts.id = t.to_state
JOIN tcp_events e ON e.id = t.event;

-- Why a flow is worth a look, and how much (docs/analysis.md, "Notability"
-- has each reason and its weight): one row per flow, score 0 for a flow
-- with nothing to see, reasons comma-separated, heaviest first. Keep-alives,
-- window updates and a normal close are not reasons. The handshake is
-- compared with the median of its server's (address and port) flows in the
-- whole database, so a flow's score can change as captures are added; the
-- segments are read only for the flows whose counts say they hold a
-- zero window or a retransmitted SYN. A report reads this view once into a
-- temporary table (src/db_report.c): it sorts every flow.
CREATE VIEW flow_notability AS
WITH server_rtt AS (
	SELECT server_ip, server_port, handshake_rtt_ns AS median_ns, total
	FROM (SELECT server_ip, server_port, handshake_rtt_ns,
		row_number() OVER w AS n, count(*) OVER w AS total
		FROM flows WHERE handshake_rtt_ns IS NOT NULL
		WINDOW w AS (PARTITION BY server_ip, server_port ORDER BY handshake_rtt_ns))
	WHERE n = (total + 1) / 2
), zero_window AS (
	SELECT flow_id, sum(CASE WHEN win = 0 THEN next_ns - ts_offset_ns END) AS ns
	FROM (SELECT s.flow_id, s.win, s.ts_offset_ns,
		IFNULL(lead(s.ts_offset_ns) OVER (PARTITION BY s.flow_id, (s.packed >> 8) & 1 ORDER BY s.frame),
			f.last_ts_ns - f.first_ts_ns) AS next_ns
		-- CROSS JOIN keeps this order: the few flows that saw a zero
		-- window, then their segments by index. Left to choose without
		-- statistics, SQLite scanned every segment and looked its flow
		-- up (1.6 s against 0.03 s for the bench's 2,000,000).
		FROM flow_analysis fa CROSS JOIN segment_rows s ON s.flow_id = fa.flow_id
		JOIN flows f ON f.id = fa.flow_id
		WHERE fa.zero_window_count > 0 AND s.packed & 6 = 0)
	GROUP BY flow_id
), lost_syn AS (
	SELECT fa.flow_id,
		max((s.packed & 18 = 2) AND (s.packed >> 8) & 1) AS syn,
		max((s.packed & 18 = 18) AND NOT (s.packed >> 8) & 1) AS synack
	FROM flow_analysis fa JOIN segment_rows s ON s.flow_id = fa.flow_id
	WHERE fa.retransmission_count > 0 AND s.packed & 2 AND (s.packed >> 17) & 1
	GROUP BY fa.flow_id
), parts AS (
	SELECT f.id AS flow_id,
		IFNULL(f.conn_state = 'REJ', 0) AS refused,
		IFNULL(f.conn_state IN ('RSTO', 'RSTR', 'RSTOS0', 'RSTRH'), 0) AS reset,
		IFNULL(f.conn_state = 'S0', 0) AS unanswered,
		IFNULL(f.conn_state IN ('S1', 'S2', 'S3', 'SH', 'SHR'), 0) AS unclosed,
		CAST(IFNULL(fa.client_retrans_bytes + fa.server_retrans_bytes, 0) AS REAL)
			/ max(f.client_bytes + f.server_bytes, 1) AS retrans_share,
		IFNULL(z.ns, 0) AS zero_window_ns,
		r.median_ns AS server_median_rtt_ns,
		IFNULL(r.total >= 5 AND f.handshake_rtt_ns > 4 * r.median_ns
			AND f.handshake_rtt_ns > r.median_ns + 50000000, 0) AS slow_handshake,
		IFNULL(l.syn, 0) AS lost_syn, IFNULL(l.synack, 0) AS lost_synack,
		IFNULL(fa.lost_segment_count + fa.ack_lost_segment_count, 0) > 0 AS capture_gap,
		IFNULL(fa.unexpected_in_state_count, 0) > 0 AS unexpected
	FROM flows f
	LEFT JOIN flow_analysis fa ON fa.flow_id = f.id
	LEFT JOIN server_rtt r ON r.server_ip = f.server_ip AND r.server_port = f.server_port
	LEFT JOIN zero_window z ON z.flow_id = f.id
	LEFT JOIN lost_syn l ON l.flow_id = f.id
), scored AS (
	SELECT *,
		CAST(round(30 * min(1.0, retrans_share / 0.1)) AS INTEGER) AS retrans_points,
		CAST(round(30 * min(1.0, zero_window_ns / 1e9)) AS INTEGER) AS zero_window_points
	FROM parts
)
SELECT flow_id,
	50 * refused + 40 * reset + 40 * unanswered + 10 * unclosed
	+ retrans_points + zero_window_points + 25 * slow_handshake
	+ 25 * lost_syn + 25 * lost_synack + 5 * capture_gap + 10 * unexpected AS score,
	substr((CASE WHEN refused THEN ',refused' ELSE '' END) ||
		(CASE WHEN reset THEN ',reset' ELSE '' END) ||
		(CASE WHEN unanswered THEN ',unanswered' ELSE '' END) ||
		(CASE WHEN lost_syn THEN ',lost_syn' ELSE '' END) ||
		(CASE WHEN lost_synack THEN ',lost_synack' ELSE '' END) ||
		(CASE WHEN retrans_points > 0 THEN ',retransmitted' ELSE '' END) ||
		(CASE WHEN zero_window_points > 0 THEN ',zero_window' ELSE '' END) ||
		(CASE WHEN slow_handshake THEN ',slow_handshake' ELSE '' END) ||
		(CASE WHEN unexpected THEN ',unexpected' ELSE '' END) ||
		(CASE WHEN unclosed THEN ',unclosed' ELSE '' END) ||
		(CASE WHEN capture_gap THEN ',capture_gap' ELSE '' END), 2) AS reasons,
	retrans_share, zero_window_ns, server_median_rtt_ns
FROM scored;
