/* db_show: see db_show.h. One statement, prepared for the one call a
 * show makes, through flows_view by its key. */
#include "db_show.h"

#include <sqlite3.h>

#include "db_internal.h"

static const char show_flow_sql[] =
	"SELECT id, client, server, first_ts_ns, last_ts_ns, first_frame, last_frame,"
	" packets, client_state, server_state, conn_state, history, handshake_rtt_ns,"
	" mid_stream, analysis, CASE WHEN analysis = 0 THEN '' ELSE"
	" IFNULL(analysis_names, '') END"
	" FROM flows_view WHERE id = ?1";

static const char *text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

int db_show_flow(struct db *db, int64_t flow_id, db_flow_fn fn, void *user)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, show_flow_sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "reading the flow");
	sqlite3_bind_int64(st, 1, flow_id);
	int rc = sqlite3_step(st), result;
	if (rc == SQLITE_ROW) {
		struct db_flow_info f = {
			.id = sqlite3_column_int64(st, 0),
			.client = text(st, 1),
			.server = text(st, 2),
			.first_ts_ns = sqlite3_column_int64(st, 3),
			.last_ts_ns = sqlite3_column_int64(st, 4),
			.first_frame = sqlite3_column_int64(st, 5),
			.last_frame = sqlite3_column_int64(st, 6),
			.packets = sqlite3_column_int64(st, 7),
			.client_state = text(st, 8),
			.server_state = text(st, 9),
			.conn_state = text(st, 10),
			.history = text(st, 11),
			.has_rtt = sqlite3_column_type(st, 12) != SQLITE_NULL,
			.handshake_rtt_ns = sqlite3_column_int64(st, 12),
			.mid_stream = sqlite3_column_int(st, 13) != 0,
			.client_mss = -1, .server_mss = -1,
			.client_wscale = -1, .server_wscale = -1,
			.client_sack_ok = -1, .server_sack_ok = -1,
			.analysis = sqlite3_column_int64(st, 14),
			.analysis_names = text(st, 15),
			.reasons = "",
		};
		fn(&f, user);
		result = 1;
	} else {
		result = rc == SQLITE_DONE ? 0 : db_fail(db, "reading the flow");
	}
	sqlite3_finalize(st);
	return result;
}
