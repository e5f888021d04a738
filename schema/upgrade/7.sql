-- Schema 6 -> 7: flow_notability, the score that ranks flows in a report
-- (issue 18). Only views change; they are dropped here and made again
-- from 002_views.sql (src/db.c).
DROP VIEW IF EXISTS flow_notability;
DROP VIEW IF EXISTS transitions_view;
DROP VIEW IF EXISTS transitions;
DROP VIEW IF EXISTS segments_view;
DROP VIEW IF EXISTS segments;
DROP VIEW IF EXISTS flows_view;
