-- The views scripts and people read: every column of their table under the
-- same name, with small integers turned into the names DESIGN.md fixes,
-- plus time (ISO 8601 UTC, nanoseconds), flags_text (as tcpdump prints
-- flags), analysis_names and ip:port endpoints.

CREATE VIEW segments_view AS
SELECT s.flow_id, s.frame, s.ts_ns,
	strftime('%Y-%m-%dT%H:%M:%S', s.ts_ns / 1000000000, 'unixepoch')
		|| printf('.%09dZ', s.ts_ns % 1000000000) AS time,
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
	o.options, s.dupack_num
FROM segments s
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
	strftime('%Y-%m-%dT%H:%M:%S', f.first_ts_ns / 1000000000, 'unixepoch')
		|| printf('.%09dZ', f.first_ts_ns % 1000000000) AS time,
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
	f.client_retrans_bytes, f.server_retrans_bytes,
	f.retransmission_count, f.fast_retransmission_count,
	f.spurious_retransmission_count, f.out_of_order_count,
	f.lost_segment_count, f.duplicate_ack_count, f.ack_lost_segment_count,
	f.zero_window_count, f.zero_window_probe_count, f.window_full_count,
	f.window_update_count, f.keep_alive_count, f.keep_alive_ack_count,
	f.reused_ports_count, f.zero_window_probe_ack_count,
	f.unexpected_in_state_count
FROM flows f
JOIN tcp_states cs ON cs.id = f.client_state
JOIN tcp_states ss ON ss.id = f.server_state;

CREATE VIEW transitions_view AS
SELECT t.flow_id, t.step, t.frame, t.seen_frame, t.ts_ns,
	strftime('%Y-%m-%dT%H:%M:%S', t.ts_ns / 1000000000, 'unixepoch')
		|| printf('.%09dZ', t.ts_ns % 1000000000) AS time,
	CASE t.endpoint WHEN 0 THEN 'client' ELSE 'server' END AS endpoint,
	fs.name AS from_state, ts.name AS to_state, e.name AS event,
	t.rel_seq, t.rel_ack
FROM transitions t
JOIN tcp_states fs ON fs.id = t.from_state
JOIN tcp_states ts ON ts.id = t.to_state
JOIN tcp_events e ON e.id = t.event;
