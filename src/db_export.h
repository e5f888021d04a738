/* db_export: the reading half of `tcpladder export` beyond CSV (which
 * db_each_view_row gives): a view's rows as JSON Lines, each object made
 * by SQLite's json_object(), and the flows' columns Zeek's conn.log is
 * written from (conn_log.h formats them). The SQL lives here; the caller
 * decides what the user sees. */
#ifndef TCPLADDER_DB_EXPORT_H
#define TCPLADDER_DB_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "db_report.h"

/* Every selected row of the view, in db_each_view_row's order, through fn
 * as one JSON object (no newline): the view's column names as keys in
 * its column order, integers and reals as JSON numbers, text as strings,
 * NULL as null. json is valid during the call only; fn returns nonzero
 * to stop (that value is returned). */
typedef int (*db_json_line_fn)(const char *json, size_t len, void *user);
int db_each_view_json(struct db *db, enum db_view view, const struct db_selection *sel,
                      db_json_line_fn fn, void *user);

/* One flow as conn.log needs it. Texts are valid during the call only;
 * NULL where the database has none (conn_state and history of a flow
 * stored before they were computed, community_id before schema 8 could
 * compute it from unreadable addresses). */
struct db_conn_row {
	int64_t id, first_frame;
	const char *capture_sha256;
	int64_t ts_ns, duration_ns;
	const char *client_ip, *server_ip;
	int client_port, server_port;
	/* Payload less what was sent again (client_retrans_bytes): the bytes
	 * of sequence space each side covered when nothing went missing. */
	int64_t client_bytes, server_bytes;
	int64_t client_packets, server_packets;
	const char *conn_state, *history, *community_id;
};
typedef int (*db_conn_fn)(const struct db_conn_row *row, void *user);
/* The selected flows by start time (then id), as conn.log lists them. */
int db_each_conn_row(struct db *db, const struct db_selection *sel, db_conn_fn fn,
                     void *user);

#endif
