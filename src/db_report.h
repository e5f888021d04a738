/* db_report: the queries reports and exports run, part of the db module
 * (db.c opens and writes; this file reads). Every SQL statement a report
 * needs is here; callers get typed rows through a callback and never see
 * SQL. Strings in a row are valid only during the callback; a callback
 * returns 0 to go on, nonzero to stop (db_each_* then returns that value).
 * Errors return -1 with db_error(). */
#ifndef TCPLADDER_DB_REPORT_H
#define TCPLADDER_DB_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* Which flows a report or export covers. Empty lists mean all; both lists
 * given mean flows in both. only_notable keeps the flows with anomalies
 * (analysis bits) or an abnormal ending (an endpoint not CLOSED or
 * TIME_WAIT at the end, or a reset). */
struct db_selection {
	const int64_t *flow_ids;
	size_t n_flow_ids;
	const int64_t *capture_ids;
	size_t n_capture_ids;
	bool only_notable;
};

struct db_capture_info {
	int64_t id;
	const char *path, *sha256, *status, *error, *linktype_name;
	int64_t packets, tcp_packets, bad_packets, flows;
	/* The packets that are no TCP segment, by why (schema/001_tables.sql):
	 * not IP, IP but not TCP, in an encapsulation not decoded (named by
	 * db_each_undecoded), a fragment that completed no TCP segment. */
	int64_t not_ip_packets, not_tcp_packets, undecoded_packets, fragment_packets;
	bool has_ts;
	int64_t first_ts_ns, last_ts_ns;
};
typedef int (*db_capture_fn)(const struct db_capture_info *c, void *user);
/* The captures holding the selected flows (all captures when the
 * selection is empty, including those with no flows), by id. */
int db_each_capture(struct db *db, const struct db_selection *sel,
                    db_capture_fn fn, void *user);

/* An encapsulation a capture held and tcpladder did not decode, as
 * capture_undecoded names it ("UDP port 8472 (Linux VXLAN)"): how many
 * packets, and the first one's frame. */
struct db_undecoded_info {
	int64_t capture_id;
	const char *encapsulation;
	int64_t packets, first_frame;
};
typedef int (*db_undecoded_fn)(const struct db_undecoded_info *u, void *user);
/* Capture capture_id's undecoded encapsulations, most packets first (then
 * by name). */
int db_each_undecoded(struct db *db, int64_t capture_id, db_undecoded_fn fn,
                      void *user);

struct db_flow_info {
	int64_t id, capture_id;
	const char *capture_path;
	int ip_version;
	const char *client, *server;       /* "ip:port", "[ip]:port" for IPv6 */
	const char *client_ip, *server_ip;
	int client_port, server_port;
	int64_t first_ts_ns, last_ts_ns;
	int64_t first_frame, last_frame;
	int64_t packets, client_packets, server_packets;
	int64_t client_bytes, server_bytes;
	bool has_client_isn, has_server_isn;
	int64_t client_isn, server_isn;
	const char *client_state, *server_state; /* final, by name */
	const char *conn_state, *history;  /* NULL until computed */
	bool has_rtt;
	int64_t handshake_rtt_ns;
	bool mid_stream;
	int client_mss, server_mss, client_wscale, server_wscale; /* -1: none */
	int client_sack_ok, server_sack_ok;                       /* -1: none */
	int64_t analysis;
	const char *analysis_names;        /* "" when none */
	bool reset;                        /* a RST was sent in it */
	bool notable;                      /* as db_selection.only_notable */
	int64_t score;                     /* flow_notability.score, 0: none */
	const char *reasons;               /* flow_notability.reasons, "" */
	/* The tunnel path of its first segment, outermost first ("GRE
	 * 10.0.1.72>10.0.2.31"); NULL when none. tunnel_changes: its
	 * segments that came another way. */
	const char *tunnel;
	int64_t tunnel_changes;
	/* flows_view.wireshark_filter: the display filter of exactly this
	 * flow's frames in its capture. */
	const char *wireshark_filter;
};
typedef int (*db_flow_fn)(const struct db_flow_info *f, void *user);
/* Selected flows by id, `limit` of them (-1: all) from `offset`. */
int db_each_flow(struct db *db, const struct db_selection *sel, int64_t limit,
                 int64_t offset, db_flow_fn fn, void *user);
/* Selected flows with first_id <= id <= last_id, by id: a part of a report
 * found through the key. */
int db_each_flow_between(struct db *db, const struct db_selection *sel,
                         int64_t first_id, int64_t last_id, db_flow_fn fn, void *user);
int db_count_flows(struct db *db, const struct db_selection *sel,
                   int64_t *count);
/* The ids of the selected flows, ascending, into *ids (malloc'd, the
 * caller frees it; NULL when there are none) and *n. */
int db_selected_ids(struct db *db, const struct db_selection *sel, int64_t **ids,
                    size_t *n);
/* Whether any selected flow came through a tunnel (flows.tunnel not NULL):
 * 0 with *any set, or -1. */
int db_any_tunnel(struct db *db, const struct db_selection *sel, bool *any);
/* One flow, through fn: 1 found, 0 not found, -1 error. */
int db_get_flow(struct db *db, int64_t flow_id, db_flow_fn fn, void *user);

struct db_segment_info {
	int64_t frame, ts_ns;
	bool from_client;
	int flags;
	const char *flags_text;            /* "S", "S.", "P.", "F.", "R.", "." */
	int64_t seq, ack;                  /* absolute */
	int64_t rel_seq;
	bool has_ack;
	int64_t rel_ack;
	int64_t len, win;
	const char *client_state, *server_state;
	int64_t analysis;
	const char *analysis_names;        /* "" when none */
	const char *options;               /* NULL when none kept */
};
typedef int (*db_segment_fn)(const struct db_segment_info *s, void *user);
/* A flow's segments in frame order: all of them when head < 0; otherwise
 * the first `head` and the last `tail` (each segment once). */
int db_each_segment(struct db *db, int64_t flow_id, int64_t head, int64_t tail,
                    db_segment_fn fn, void *user);

/* A segment as the time/sequence graph draws it: what db_segment_info
 * holds less what only the ladder shows. ack (absolute) is set only with
 * options, which SACK edges in them are read against. */
struct db_plot_segment {
	int64_t ts_ns;
	bool from_client;
	int flags;
	int64_t rel_seq;
	bool has_ack;
	int64_t rel_ack, ack;
	int64_t len, win;                  /* win raw, unscaled */
	int64_t analysis;
	const char *options;               /* NULL when none kept */
};
typedef int (*db_plot_segment_fn)(const struct db_plot_segment *s, void *user);
/* Every segment of flow f (a row of db_each_flow* or db_get_flow), in
 * frame order: its id bound with =, so only its own rows are read. */
int db_each_plot_segment(struct db *db, const struct db_flow_info *f,
                         db_plot_segment_fn fn, void *user);

/* What lies between a flow's first `head` and last `tail` segments. */
struct db_segment_gap {
	int64_t segments, bytes;           /* payload bytes */
	int64_t first_frame, last_frame;
	int64_t first_ts_ns, last_ts_ns;
};
int db_segment_gap(struct db *db, int64_t flow_id, int64_t head, int64_t tail,
                   struct db_segment_gap *gap);

struct db_transition_info {
	int64_t flow_id, step, frame, seen_frame, ts_ns;
	const char *time;                  /* ISO 8601 UTC, nanoseconds */
	const char *endpoint;              /* "client", "server" */
	const char *address;               /* that endpoint's "ip:port" */
	const char *from_state, *to_state, *event;
	const char *flags;                 /* flags_text of the segment at frame */
	bool has_rel_seq, has_rel_ack;
	int64_t rel_seq, rel_ack;
	int64_t len;                       /* payload of the segment at frame */
};
typedef int (*db_transition_fn)(const struct db_transition_info *t, void *user);
/* Transitions of the selected flows, by flow then step. */
int db_each_transition(struct db *db, const struct db_selection *sel,
                       db_transition_fn fn, void *user);
/* The transitions of flow f (a row of db_each_flow* or db_get_flow), by
 * step: its id bound with =, so only its own segments are read (what a
 * flow page asks, once per page); addresses from f. */
int db_each_flow_transition(struct db *db, const struct db_flow_info *f,
                            db_transition_fn fn, void *user);

/* Counts over the selected flows, for the index's summary. */
struct db_totals {
	int64_t captures, flows, segments, client_bytes, server_bytes;
	int64_t notable_flows;             /* as db_selection.only_notable */
};
int db_get_totals(struct db *db, const struct db_selection *sel,
                  struct db_totals *totals);

/* Groups of the selected flows with their counts, largest first: by final
 * state pair ("CLOSED / TIME_WAIT"), by conn_state, or by analysis flag
 * name (a flow counts once under each flag its segments carry). */
enum db_group { DB_GROUP_FINAL_STATES, DB_GROUP_CONN_STATE, DB_GROUP_ANALYSIS };
typedef int (*db_group_fn)(const char *label, int64_t count, void *user);
int db_each_group(struct db *db, const struct db_selection *sel,
                  enum db_group group, db_group_fn fn, void *user);

/* Export: every row of flows_view, segments_view or transitions_view (in
 * key order), as text (NULL for SQL NULL), with the column names. fn is
 * called first with values NULL (the header: there are names even when no
 * row is selected), then once per row. */
enum db_view { DB_VIEW_FLOWS, DB_VIEW_SEGMENTS, DB_VIEW_TRANSITIONS };
typedef int (*db_row_fn)(int ncols, const char *const *names,
                         const char *const *values, void *user);
int db_each_view_row(struct db *db, enum db_view view,
                     const struct db_selection *sel, db_row_fn fn, void *user);

/* The selected flows as compact JSON, for the index's script. Every
 * text is made by SQLite's JSON functions; json is valid during the call
 * only. The head, one object through fn: {"columns": [names], "base_s":
 * the whole second before the first flow's start, "captures": [[id,
 * path]...], "states": [[code, name]...], "flags": [[bit, name]...],
 * "servers": [[ip, port]...], "clients6": [ip...] (the client addresses
 * that are not IPv4), "kinds": [[conn_state or "", client_state code,
 * server_state code, analysis bits, reasons or "", notable 0 or 1]...], "pages":
 * "notable" when only the notable flows (score above 0) have a page
 * (notable_pages), else "all"}; the rows refer to servers, clients6 and
 * kinds by place (from 0), the most frequent first.
 * *base_ns gets base_s in nanoseconds, for the rows. */
typedef int (*db_json_fn)(const char *json, size_t len, void *user);
int db_flows_json_head(struct db *db, const struct db_selection *sel, bool notable_pages,
                       db_json_fn fn, void *user, int64_t *base_ns);
/* The selected flows first_id <= id <= last_id (after db_flows_json_head),
 * through fn as one JSON string literal holding the JSON array of their
 * columns, in the order of the head's "columns", all numbers:
 *   ids          runs of consecutive ids: gap from the end of the run
 *                before (from 0 for the first), length; gap, length ...
 *   captures     runs of one capture in id order: capture id, length ...
 *   then one value per flow, by id:
 *   client       an IPv4 address as its 32-bit number, else -1 - its
 *                place in clients6
 *   client_port  server (place in servers)
 *   start_us     microseconds from the flow before (the first from base_ns)
 *   duration_us  packets  bytes_cs  bytes_sc
 *   kind         place in kinds
 *   score        as flow_notability has it, of the notable flows only
 *                (their kind's notable is 1), in id order */
int db_flows_json_rows(struct db *db, const struct db_selection *sel, int64_t base_ns,
                       int64_t first_id, int64_t last_id, db_json_fn fn, void *user);

/* The ranking a connection reads before its first query that needs it
 * (flow_notability's notable rows), copied out of one connection and
 * given to another of the same database: a report's workers take their
 * parent's rather than rank every flow of the database again each (the
 * view reads all of it, about a second for 200,000 flows). The copy is
 * plain memory, which a fork keeps. db_notability_copy: 0 with *out
 * (the caller frees it with db_notability_free), or -1. db_notability_give:
 * before db's first query; 0, or -1. */
struct db_notability;
int db_notability_copy(struct db *db, struct db_notability **out);
int db_notability_give(struct db *db, const struct db_notability *n);
void db_notability_free(struct db_notability *n);

/* Full-scan steps the report's statements have taken since the last call
 * (sqlite3_stmt_status): 0 when every row was found through a key. */
int64_t db_report_full_scan_steps(struct db *db);

/* A run of reads in one read transaction (db_read_end ends it): every
 * statement between reads one snapshot, and SQLite takes and checks its
 * lock once rather than for each statement (two fcntl and three stat
 * calls, and a read of the file's header, per statement: most of what a
 * flow page's few short queries cost). A writer waits for the end (busy
 * timeout), so a report holds one over a bounded run of pages, not over
 * the whole report. */
int db_read_begin(struct db *db);
int db_read_end(struct db *db);

/* Open an existing database for reading (no schema is applied, and a
 * missing file is NULL with "no such database"). */
struct db *db_open_readonly(const char *path, char *err, size_t errlen);

#endif
