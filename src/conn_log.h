/* conn_log: Zeek's conn.log as its ASCII writer makes it (TSV with
 * #separator, #set_separator, #empty_field, #unset_field, #path, #open,
 * #fields, #types headers and a #close trailer; '-' unset, '(empty)' an
 * empty string), one line per flow, so that zeek-cut and every tool that
 * reads Zeek's logs read ours. Formatting only: the rows come from
 * db_export.h; writes go to a FILE whose errors the caller checks.
 *
 * Fields: Zeek's Conn::Info in its order, then community_id as Zeek's
 * policy/frameworks/conn/community-id-logging.zeek appends it. tcpladder
 * has no protocol detection (service), no local networks (local_orig,
 * local_resp), no count of bytes missed in gaps (missed_bytes) nor of IP
 * header bytes (orig_ip_bytes, resp_ip_bytes), no tunnel connections
 * (tunnel_parents): those are unset ('-'). */
#ifndef TCPLADDER_CONN_LOG_H
#define TCPLADDER_CONN_LOG_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "db_export.h"

/* "C" and at most 17 base62 digits, NUL. */
#define CONN_LOG_UID_SIZE 19

/* A Zeek-like uid ("C" and base62 of 96 bits, as Zeek writes its own),
 * the same for a flow in every database: from the SHA-1 of its capture's
 * sha256 and its first frame. 0, or -1 when libcrypto fails. */
int conn_log_uid(const char *capture_sha256, int64_t first_frame,
                 char uid[CONN_LOG_UID_SIZE]);

/* The header lines; opened as Zeek writes it (local time). */
void conn_log_head(FILE *out, time_t opened);
/* One flow's line; -1 when its uid cannot be made. */
int conn_log_row(FILE *out, const struct db_conn_row *row);
/* The #close line. */
void conn_log_close(FILE *out, time_t closed);

#endif
