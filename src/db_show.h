/* db_show: the reads of `tcpladder show` that db_report has not, part of
 * the db module (SQL lives in db modules only). A terminal ladder needs a
 * flow's row without its notability: db_get_flow ranks every flow of the
 * database first (temp.notability, about a second of CPU on an archive of
 * 200,000 flows) for a score that show never prints. */
#ifndef TCPLADDER_DB_SHOW_H
#define TCPLADDER_DB_SHOW_H

#include <stdint.h>

#include "db_report.h"

/* Flow flow_id through fn, as db_get_flow gives it but for what show
 * does not read: the capture's path and id, the addresses apart from
 * their ports, the per-side counts, ISNs and options (left 0 or NULL),
 * and the notability (score 0, reasons "", notable and reset false).
 * 1 found, 0 not found, -1 error (db_error says it). */
int db_show_flow(struct db *db, int64_t flow_id, db_flow_fn fn, void *user);

#endif
