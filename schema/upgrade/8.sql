-- Schema 7 -> 8: flows.community_id (issue 19), computed here for the
-- flows already stored by community_id(), a function tcpladder registers
-- on its own connection (src/db.c; the sqlite3 shell has none, which is
-- why no view calls it), and flows_view's community_id and
-- wireshark_filter. The views are dropped here and made again from
-- 002_views.sql (src/db.c).
DROP VIEW IF EXISTS flow_notability;
DROP VIEW IF EXISTS transitions_view;
DROP VIEW IF EXISTS transitions;
DROP VIEW IF EXISTS segments_view;
DROP VIEW IF EXISTS segments;
DROP VIEW IF EXISTS flows_view;

ALTER TABLE flows ADD COLUMN community_id TEXT;
UPDATE flows SET community_id =
	community_id(ip_version, client_ip, client_port, server_ip, server_port);
