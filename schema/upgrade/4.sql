-- Schema 3 -> 4: captures count what IP reassembly did (src/defrag.h):
-- datagrams reassembled from fragments, given up incomplete, and with
-- overlapping fragments. Captures read before reassembly keep 0, which is
-- what they had: their fragments were skipped.
-- The views are dropped here and made again from 002_views.sql (src/db.c).
DROP VIEW IF EXISTS transitions_view;
DROP VIEW IF EXISTS transitions;
DROP VIEW IF EXISTS segments_view;
DROP VIEW IF EXISTS segments;
DROP VIEW IF EXISTS flows_view;

ALTER TABLE captures ADD COLUMN frag_reassembled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE captures ADD COLUMN frag_incomplete INTEGER NOT NULL DEFAULT 0;
ALTER TABLE captures ADD COLUMN frag_overlapping INTEGER NOT NULL DEFAULT 0;
