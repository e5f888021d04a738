/* db_where: the flows a user's own SQL condition on flows_view chooses
 * (report --where). Part of the db module; the condition is the user's
 * SQL, run as one read-only statement on a read-only connection. */
#ifndef TCPLADDER_DB_WHERE_H
#define TCPLADDER_DB_WHERE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* The ids of flows_view's rows for which cond holds, ascending, into
 * *ids (malloc'd; the caller frees it) and *n. -1 with db_error() saying
 * why when cond is not one SQL expression over flows_view's columns. */
int db_flows_where(struct db *db, const char *cond, int64_t **ids, size_t *n);

#endif
