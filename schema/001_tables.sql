-- tcpladder's database, schema version 8 (PRAGMA user_version).
--
-- The tables that grow with the archive (segment_rows, transitions_extra)
-- hold small integers only; the names users read (states, flags, events, analysis
-- flags) come from the lookup tables below through the *_view views in
-- 002_views.sql. Times are integer nanoseconds since the Unix epoch.

-- One row per capture read. sha256 is of the capture's bytes as
-- libpcap reads them (after gunzip), so the same content ingested twice,
-- under any name or compression, adds nothing. A capture joined from a
-- ring of files (ingest --join) is one row too: its sha256 is that of its
-- files' digests, in order, one hex line each, and capture_files says
-- where each file's frames are. filter is the tcpdump expression it was
-- read with (ingest -f), NULL when none: the same content read with
-- another filter is not a duplicate but an error (ingest --replace).
CREATE TABLE captures (
	id          INTEGER PRIMARY KEY,
	path        TEXT NOT NULL,
	sha256      TEXT NOT NULL UNIQUE,
	linktype    INTEGER,            -- pcap DLT_* value
	linktype_name TEXT,             -- as libpcap names it ("EN10MB")
	packets     INTEGER NOT NULL DEFAULT 0,
	tcp_packets INTEGER NOT NULL DEFAULT 0,
	bad_packets INTEGER NOT NULL DEFAULT 0, -- malformed, counted and skipped
	-- IP datagrams rebuilt from fragments (their segment is at the frame
	-- that completed them), given up incomplete (timeout, memory, the
	-- capture's end), and with overlapping fragments (the first copy of
	-- each byte kept): src/defrag.h, docs/analysis.md.
	frag_reassembled INTEGER NOT NULL DEFAULT 0,
	frag_incomplete  INTEGER NOT NULL DEFAULT 0,
	frag_overlapping INTEGER NOT NULL DEFAULT 0,
	-- Every other packet, by why it is no TCP segment: not IP (ARP,
	-- LLDP, ...); IP but not TCP (UDP, ICMP, ...); inside an encapsulation
	-- tcpladder does not decode (capture_undecoded names them); a fragment
	-- that completed no TCP segment at its frame.
	not_ip_packets    INTEGER NOT NULL DEFAULT 0,
	not_tcp_packets   INTEGER NOT NULL DEFAULT 0,
	undecoded_packets INTEGER NOT NULL DEFAULT 0,
	fragment_packets  INTEGER NOT NULL DEFAULT 0,
	first_ts_ns INTEGER,
	last_ts_ns  INTEGER,
	status      TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
	error       TEXT,               -- why partial or failed; first bad packet
	ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	filter      TEXT
);

-- The files of a capture joined from a ring of files (ingest --join), in
-- the order read (by their first timestamp): frames count on from one
-- file to the next, as mergecap -a numbers them, so file_number's frames
-- are first_frame .. first_frame + packets - 1.
CREATE TABLE capture_files (
	capture_id  INTEGER NOT NULL REFERENCES captures(id),
	file_number INTEGER NOT NULL,   -- 1, 2, ...
	path        TEXT NOT NULL,
	sha256      TEXT NOT NULL,      -- of the file alone, as captures.sha256
	first_frame INTEGER NOT NULL,
	packets     INTEGER NOT NULL,
	first_ts_ns INTEGER,
	last_ts_ns  INTEGER,
	PRIMARY KEY (capture_id, file_number)
) WITHOUT ROWID;
CREATE INDEX capture_files_sha256 ON capture_files(sha256);

-- The encapsulations a capture held and tcpladder did not decode, by name
-- ('UDP port 8472', 'EtherType 0x88e7', 'link type 127'): how many packets
-- and the first one's frame.
CREATE TABLE capture_undecoded (
	capture_id    INTEGER NOT NULL REFERENCES captures(id),
	encapsulation TEXT NOT NULL,
	packets       INTEGER NOT NULL,
	first_frame   INTEGER NOT NULL,
	PRIMARY KEY (capture_id, encapsulation)
) WITHOUT ROWID;

-- One row per TCP connection (port reuse splits a 4-tuple into several).
CREATE TABLE flows (
	id            INTEGER PRIMARY KEY,
	capture_id    INTEGER NOT NULL REFERENCES captures(id),
	ip_version    INTEGER NOT NULL,
	client_ip     TEXT NOT NULL,
	client_port   INTEGER NOT NULL,
	server_ip     TEXT NOT NULL,
	server_port   INTEGER NOT NULL,
	first_ts_ns   INTEGER NOT NULL,
	last_ts_ns    INTEGER NOT NULL,
	first_frame   INTEGER NOT NULL,
	last_frame    INTEGER NOT NULL,
	packets       INTEGER NOT NULL,
	client_packets INTEGER NOT NULL,
	server_packets INTEGER NOT NULL,
	client_bytes  INTEGER NOT NULL, -- payload
	server_bytes  INTEGER NOT NULL,
	client_isn    INTEGER,          -- NULL when that side's SYN was not seen
	server_isn    INTEGER,
	client_state  INTEGER NOT NULL REFERENCES tcp_states(id), -- final
	server_state  INTEGER NOT NULL REFERENCES tcp_states(id),
	-- Zeek's conn.log conn_state, as Zeek's TCP analyzer and
	-- base/protocols/conn/main.zeek compute it, Zeek's originator being
	-- the client (src/zeek.c):
	--   S0     connection attempt seen, no reply
	--   S1     established, not terminated
	--   SF     normal establishment and termination (both sides' FINs)
	--   REJ    connection attempt rejected (RST answering the SYN)
	--   S2     established, the client's close attempt seen, no reply
	--   S3     established, the server's close attempt seen, no reply
	--   RSTO   established, the client aborted (sent a RST)
	--   RSTR   the server sent a RST
	--   RSTOS0 the client sent a SYN then a RST; no SYN,ACK seen
	--   RSTRH  the server sent a SYN,ACK then a RST; no SYN seen
	--   SH     the client sent a SYN then a FIN; no SYN,ACK seen
	--   SHR    the server sent a SYN,ACK then a FIN; no SYN seen
	--   OTH    no SYN seen, just mid-stream traffic
	conn_state    TEXT,
	-- Zeek's conn.log history: one letter per event, upper case from the
	-- client, lower case from the server:
	--   s  a SYN without ACK         h  a SYN,ACK
	--   a  a pure ACK                d  a segment with payload
	--   f  a FIN                     r  a RST
	--   t  retransmitted payload     w  a zero window advertised
	--   g  a content gap (the ACK covers bytes never seen; tcpladder's
	--      approximation of Zeek's reassembler, docs/analysis.md)
	--   i  FIN and RST together      q  SYN with FIN or RST
	--   ^  the client did not send the first segment (Zeek flips roles)
	-- a, d, i and q appear at most once per side; s, h, f and r again
	-- only when their sequence number differs from the last one of the
	-- kind; t, w and g at the 1st, 10th, 100th, ... occurrence. Zeek's c
	-- (bad checksum) is never recorded: checksums are not verified.
	history       TEXT,
	handshake_rtt_ns INTEGER,       -- the client's SYN to its ACK of the SYN,ACK
	syn_synack_ns INTEGER,          -- the SYN to the SYN,ACK answering it
	synack_ack_ns INTEGER,          -- that SYN,ACK to the client's ACK of it
	mid_stream    INTEGER NOT NULL, -- 1: no SYN seen, roles by port rule
	client_mss    INTEGER,          -- options of each side's SYN; NULL when
	server_mss    INTEGER,          -- the SYN was not seen or lacked it
	client_wscale INTEGER,
	server_wscale INTEGER,
	win_scaled    INTEGER NOT NULL DEFAULT 0, -- 1: both SYNs carried a window
	                                -- scale, so later windows are scaled
	                                -- (RFC 7323 section 2.2)
	client_sack_ok INTEGER,         -- SACK-permitted: 0/1
	server_sack_ok INTEGER,
	-- Who closed first: 'client' or 'server' (the first FIN sent from
	-- ESTABLISHED, an active close in RFC 9293 section 3.6, or else the
	-- first RST), 'both' (both FINs sent before either was received:
	-- simultaneous close), 'none' (neither FIN nor RST seen).
	close_initiator TEXT NOT NULL DEFAULT 'none',
	analysis      INTEGER NOT NULL DEFAULT 0, -- OR of its segments' bits
	-- The absolute number each direction's stored offsets count from,
	-- where segment_rows' seq and ack come from; NULL when it is that
	-- side's ISN (or the side sent nothing and nothing acknowledged it).
	-- It differs from the ISN when the SYN was missed (tshark's base: one
	-- less than the first number seen) or came after other segments.
	client_seq_base INTEGER,
	server_seq_base INTEGER,
	-- The tunnels its first segment came through, outermost first, as
	-- text ('VXLAN 10.0.0.1>10.0.0.2 vni 42; GRE 192.0.2.1>192.0.2.9');
	-- NULL when none. A connection is keyed by its inner endpoints
	-- whatever carries it; tunnel_changes counts its segments that came
	-- another way (other tunnels or outer addresses; keys, VNIs and TEIDs,
	-- which differ by direction, aside), as Zeek's tunnel_changed.
	tunnel        TEXT,
	tunnel_changes INTEGER NOT NULL DEFAULT 0,
	-- Corelight's Community ID v1 of its endpoints (seed 0: "1:" and the
	-- base64 of a SHA-1; src/community_id.c) as Zeek's conn.log and
	-- Suricata's eve.json and Wireshark's communityid field carry it: the
	-- key to join this flow with their records. Of the inner endpoints for
	-- a tunnelled flow as those tools compute it for the inner connection.
	-- (No comma in this comment: SQLite's DROP COLUMN of the last column
	-- cuts the text at the comma before it.)
	community_id  TEXT
);
-- flows' indexes are in 003_indexes.sql.

-- A flow's analysis counts, for the flows that have any (a flagged segment
-- or retransmitted bytes): most flows have none, and 18 zero columns in
-- every flows row would cost more than the rest of its numbers. flows_view
-- shows them for every flow, 0 where this table has no row.
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

-- One row per TCP segment; the table that grows with the archive, so it is
-- clustered on its natural key and holds small integers only. Users read
-- it through the view segments (002_views.sql), which has DESIGN.md's
-- columns: what a row can take from its flow, it leaves there. A time is
-- an offset from the flow's first_ts_ns (4 bytes instead of 8), and seq and
-- ack follow from rel_seq and rel_ack and the flow's bases (see
-- flows.client_seq_base), so they are stored only when they do not. Five
-- small numbers share one integer (3 bytes where they took 3 bytes and 5
-- of the record header), which also spares ingest and merge a column each:
--   bits 0-7   flags: FIN 1 SYN 2 RST 4 PSH 8 ACK 16 URG 32 ECE 64 CWR 128
--   bit 8      from_client (0/1)
--   bits 9-12  client_state    bits 13-16  server_state (tcp_states ids):
--              the states proven by this segment
--   bits 17-   analysis: bits of analysis_flags
CREATE TABLE segment_rows (
	flow_id      INTEGER NOT NULL,
	frame        INTEGER NOT NULL,  -- 1-based packet number in its capture
	ts_offset_ns INTEGER NOT NULL,  -- ts_ns less the flow's first_ts_ns
	packed       INTEGER NOT NULL,  -- flags, sender, states, analysis
	rel_seq      INTEGER NOT NULL,  -- offset from that direction's ISN
	rel_ack      INTEGER,           -- NULL without the ACK flag
	len          INTEGER NOT NULL,  -- payload, from the IP header
	win          INTEGER NOT NULL,  -- raw, unscaled
	dupack_num   INTEGER,           -- a duplicate ACK's number, as Wireshark
	                                -- counts them (#1, #2, ...); else NULL
	changes      INTEGER,           -- the state changes this segment proves,
	                                -- packed; read them in transitions
	-- The absolute numbers, NULL when the view can compute them: seq from
	-- rel_seq and the sender's base; ack from rel_ack and the receiver's
	-- base, or 0 without the ACK flag. Stored only for the rare segment
	-- counted from an earlier, guessed base (a SYN seen after its
	-- connection's first segments) or a nonzero ack without the ACK flag.
	seq_stored   INTEGER,
	ack_stored   INTEGER,
	PRIMARY KEY (flow_id, frame)
) WITHOUT ROWID;

-- TCP options of the segments that carry news: a SYN's MSS, window scale
-- and SACK-permitted, SACK blocks, malformed or truncated options; written
-- as tcpdump prints them. Timestamps alone are not kept (nearly every
-- segment of a modern stack has them).
CREATE TABLE segment_options (
	flow_id INTEGER NOT NULL,
	frame   INTEGER NOT NULL,
	options TEXT NOT NULL,
	PRIMARY KEY (flow_id, frame)
) WITHOUT ROWID;

-- State changes are stored with the segment that proves them: most
-- segments prove none, a handshake or close segment one or two, and a
-- separate row per change would double what ingest writes. segment_rows.changes
-- packs up to two changes, 32 bits each (the first in the low half):
--   bit 0      endpoint (0 client, 1 server)
--   bits 1-4   from_state      bits 5-8  to_state      bits 9-12  event
--   bits 13-31 how many frames before this one the change was caused
--              (0: by this segment; more for a received SYN or FIN)
-- A change that does not fit (a third in one segment, or a cause further
-- back than 2^19 frames) is a row of transitions_extra instead. The view
-- transitions below unpacks both into one row per change.
CREATE TABLE transitions_extra (
	flow_id    INTEGER NOT NULL,
	seen_frame INTEGER NOT NULL,
	slot       INTEGER NOT NULL,   -- 2, 3, ...: after the packed ones
	endpoint   INTEGER NOT NULL,
	frame      INTEGER NOT NULL,
	from_state INTEGER NOT NULL,
	to_state   INTEGER NOT NULL,
	event      INTEGER NOT NULL,
	PRIMARY KEY (flow_id, seen_frame, slot)
) WITHOUT ROWID;

-- Lookup tables: the ids are the program's enum values (src/tcpstate.h,
-- src/analysis.h); the names are the contract users read.
CREATE TABLE tcp_states (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO tcp_states VALUES
	(0, 'UNKNOWN'), (1, 'CLOSED'), (2, 'LISTEN'), (3, 'SYN_SENT'),
	(4, 'SYN_RECEIVED'), (5, 'ESTABLISHED'), (6, 'FIN_WAIT_1'),
	(7, 'FIN_WAIT_2'), (8, 'CLOSE_WAIT'), (9, 'CLOSING'), (10, 'LAST_ACK'),
	(11, 'TIME_WAIT');

-- Events: bit 0 is 1 for a receipt; the rest say what was sent or received.
CREATE TABLE tcp_events (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO tcp_events VALUES
	(0, 'send SYN'), (1, 'recv SYN'), (2, 'send SYN,ACK'), (3, 'recv SYN,ACK'),
	(4, 'send FIN'), (5, 'recv FIN'), (6, 'send RST'), (7, 'recv RST'),
	(8, 'send ACK'), (9, 'recv ACK'), (10, 'mid-stream'), (12, 'inferred');

-- Per-segment analysis bits, named as Wireshark's tcp.analysis.* fields
-- less the prefix, each set where tshark 4.0 sets that field (src/analysis.c,
-- docs/analysis.md); the last is tcpladder's own.
--   retransmission           repeats sequence space already sent (also set
--                            with the next two, as tshark does)
--   fast_retransmission      a retransmission answering 2+ duplicate ACKs
--                            within 20 ms (RFC 5681 section 3.2)
--   spurious_retransmission  repeats data already acknowledged
--   out_of_order             behind the highest sequence sent, within the
--                            initial RTT (3 ms without a handshake) of it
--   lost_segment             starts past the highest sequence seen: the
--                            segment before it was not captured
--   duplicate_ack            same ACK, sequence and window as its sender's
--                            previous segment, no data (RFC 5681 section 2);
--                            segments.dupack_num numbers them
--   ack_lost_segment         acknowledges data that was not captured
--   zero_window              advertises a window of 0
--   zero_window_probe        one byte sent into a zero window
--                            (RFC 9293 section 3.8.6.1)
--   window_full              data up to the right edge of the receiver's
--                            window (only when its scale is known)
--   window_update            no data, same sequence and ACK, new window
--   keep_alive               0 or 1 byte at one before the next sequence
--                            number (RFC 9293 section 3.8.4)
--   keep_alive_ack           the ACK answering a keep-alive
--   reused_ports             a SYN that starts a new connection on the
--                            4-tuple of an earlier one
--   zero_window_probe_ack    the ACK answering a zero-window probe
--   unexpected_in_state      a SYN, FIN or RST no RFC 9293 rule covers
CREATE TABLE analysis_flags (bit INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO analysis_flags VALUES
	(1, 'retransmission'), (2, 'fast_retransmission'),
	(4, 'spurious_retransmission'), (8, 'out_of_order'),
	(16, 'lost_segment'), (32, 'duplicate_ack'), (64, 'ack_lost_segment'),
	(128, 'zero_window'), (256, 'zero_window_probe'), (512, 'window_full'),
	(1024, 'window_update'), (2048, 'keep_alive'), (4096, 'keep_alive_ack'),
	(8192, 'reused_ports'), (16384, 'zero_window_probe_ack'),
	(32768, 'unexpected_in_state');

