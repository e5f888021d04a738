-- The views of two-vantage pairing (VANTAGE.md), named as DESIGN.md's
-- views name things: dir c2s/s2c, flags_text as tcpdump prints flags,
-- times as ISO 8601 UTC, and both vantages' names, files and endpoints as
-- each tap saw them (a NAT's two sides differ). Made again after every
-- upgrade with 002_views.sql (both match the Makefile's *_views.sql).

CREATE VIEW sightings_view AS
SELECT s.pair_id, s.seq_no, p.flow_a, p.flow_b, s.frame_a, s.frame_b,
	s.from_client, CASE WHEN s.from_client THEN 'c2s' ELSE 's2c' END AS dir,
	s.rel_seq, s.len, s.flags,
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
	s.send_ts_ns,
	strftime('%Y-%m-%dT%H:%M:%S',
		s.send_ts_ns / 1000000000 - (s.send_ts_ns % 1000000000 < 0), 'unixepoch')
		|| printf('.%09dZ', (s.send_ts_ns % 1000000000 + 1000000000) % 1000000000)
		AS send_time,
	s.recv_ts_ns,
	CASE WHEN s.recv_ts_ns IS NOT NULL THEN strftime('%Y-%m-%dT%H:%M:%S',
		s.recv_ts_ns / 1000000000 - (s.recv_ts_ns % 1000000000 < 0), 'unixepoch')
		|| printf('.%09dZ', (s.recv_ts_ns % 1000000000 + 1000000000) % 1000000000)
		END AS recv_time,
	s.owd_ns, s.owd_ns / 1e6 AS owd_ms, s.fate, s.whole, s.ambiguous,
	p.a_side, ca.vantage AS vantage_a, cb.vantage AS vantage_b,
	ca.path AS file_a, cb.path AS file_b,
	CASE fa.ip_version WHEN 6 THEN '[' || fa.client_ip || ']:' || fa.client_port
		ELSE fa.client_ip || ':' || fa.client_port END AS client_a,
	CASE fa.ip_version WHEN 6 THEN '[' || fa.server_ip || ']:' || fa.server_port
		ELSE fa.server_ip || ':' || fa.server_port END AS server_a,
	CASE fb.ip_version WHEN 6 THEN '[' || fb.client_ip || ']:' || fb.client_port
		ELSE fb.client_ip || ':' || fb.client_port END AS client_b,
	CASE fb.ip_version WHEN 6 THEN '[' || fb.server_ip || ']:' || fb.server_port
		ELSE fb.server_ip || ':' || fb.server_port END AS server_b
FROM sightings s
JOIN flow_pairs p ON p.id = s.pair_id
JOIN flows fa ON fa.id = p.flow_a
JOIN flows fb ON fb.id = p.flow_b
JOIN captures ca ON ca.id = fa.capture_id
JOIN captures cb ON cb.id = fb.capture_id;

-- vantage: the tap whose capture drove this endpoint (the client's by the
-- client-side capture).
CREATE VIEW pair_transitions_view AS
SELECT t.pair_id, t.step, p.flow_a, p.flow_b,
	CASE t.endpoint WHEN 0 THEN 'client' ELSE 'server' END AS endpoint,
	CASE WHEN (t.endpoint = 0) = (p.a_side = 'client') THEN ca.vantage
		ELSE cb.vantage END AS vantage,
	t.frame_a, t.frame_b, t.ts_ns,
	strftime('%Y-%m-%dT%H:%M:%S',
		t.ts_ns / 1000000000 - (t.ts_ns % 1000000000 < 0), 'unixepoch')
		|| printf('.%09dZ', (t.ts_ns % 1000000000 + 1000000000) % 1000000000) AS time,
	fs.name AS from_state, ts.name AS to_state, e.name AS event, t.appeared,
	ca.vantage AS vantage_a, cb.vantage AS vantage_b,
	ca.path AS file_a, cb.path AS file_b
FROM pair_transitions t
JOIN flow_pairs p ON p.id = t.pair_id
JOIN flows fa ON fa.id = p.flow_a
JOIN flows fb ON fb.id = p.flow_b
JOIN captures ca ON ca.id = fa.capture_id
JOIN captures cb ON cb.id = fb.capture_id
JOIN tcp_states fs ON fs.id = t.from_state
JOIN tcp_states ts ON ts.id = t.to_state
JOIN tcp_events e ON e.id = t.event;
