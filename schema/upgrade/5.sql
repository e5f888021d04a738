-- Schema 4 -> 5: tunnels and the packets that are no TCP segment.
-- flows.tunnel and tunnel_changes (the tunnels a connection came through);
-- captures count every other packet by why, and capture_undecoded names
-- the encapsulations not decoded. Captures read before keep NULL tunnels
-- and zero counts: the packets were not counted then.
-- The views are dropped here and made again from 002_views.sql (src/db.c).
DROP VIEW IF EXISTS transitions_view;
DROP VIEW IF EXISTS transitions;
DROP VIEW IF EXISTS segments_view;
DROP VIEW IF EXISTS segments;
DROP VIEW IF EXISTS flows_view;

ALTER TABLE flows ADD COLUMN tunnel TEXT;
ALTER TABLE flows ADD COLUMN tunnel_changes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE captures ADD COLUMN not_ip_packets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE captures ADD COLUMN not_tcp_packets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE captures ADD COLUMN undecoded_packets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE captures ADD COLUMN fragment_packets INTEGER NOT NULL DEFAULT 0;
CREATE TABLE capture_undecoded (
	capture_id    INTEGER NOT NULL REFERENCES captures(id),
	encapsulation TEXT NOT NULL,
	packets       INTEGER NOT NULL,
	first_frame   INTEGER NOT NULL,
	PRIMARY KEY (capture_id, encapsulation)
) WITHOUT ROWID;
