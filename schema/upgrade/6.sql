-- Schema 5 -> 6: an archive as people keep it (issue 17).
-- captures.filter (the -f expression a capture was read with; NULL for
-- captures read before, which were read with none or with one not
-- recorded) and capture_files (the files of a capture joined from a ring,
-- ingest --join). The views are dropped here and made again from
-- 002_views.sql (src/db.c), which now print times before 1970 right.
DROP VIEW IF EXISTS transitions_view;
DROP VIEW IF EXISTS transitions;
DROP VIEW IF EXISTS segments_view;
DROP VIEW IF EXISTS segments;
DROP VIEW IF EXISTS flows_view;

ALTER TABLE captures ADD COLUMN filter TEXT;
CREATE TABLE capture_files (
	capture_id  INTEGER NOT NULL REFERENCES captures(id),
	file_number INTEGER NOT NULL,
	path        TEXT NOT NULL,
	sha256      TEXT NOT NULL,
	first_frame INTEGER NOT NULL,
	packets     INTEGER NOT NULL,
	first_ts_ns INTEGER,
	last_ts_ns  INTEGER,
	PRIMARY KEY (capture_id, file_number)
) WITHOUT ROWID;
CREATE INDEX capture_files_sha256 ON capture_files(sha256);
