/* db_where: see db_where.h. */
#include "db_where.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

int db_flows_where(struct db *db, const char *cond, int64_t **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	char *sql = sqlite3_mprintf("SELECT id FROM flows_view WHERE (%s) ORDER BY id", cond);
	if (!sql) {
		snprintf(db->error, sizeof db->error, "out of memory");
		return -1;
	}
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc = sqlite3_prepare_v2(db->conn, sql, -1, &st, &tail);
	/* tail points into sql: read before sql is freed. */
	bool one_statement = !tail || !tail[strspn(tail, " \t\r\n")];
	sqlite3_free(sql);
	if (rc != SQLITE_OK) {
		snprintf(db->error, sizeof db->error, "--where '%.200s': %s", cond,
		         sqlite3_errmsg(db->conn));
		return -1;
	}
	/* One expression: a ';' that would start a statement of its own
	 * leaves a tail; and reading only. */
	if (!one_statement || !sqlite3_stmt_readonly(st)) {
		sqlite3_finalize(st);
		snprintf(db->error, sizeof db->error,
		         "--where '%.200s': not one condition on flows_view's columns", cond);
		return -1;
	}
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			int64_t *more = realloc(*ids, cap * sizeof *more);
			if (!more) {
				sqlite3_finalize(st);
				free(*ids);
				*ids = NULL;
				*n = 0;
				snprintf(db->error, sizeof db->error, "out of memory");
				return -1;
			}
			*ids = more;
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		snprintf(db->error, sizeof db->error, "--where '%.200s': %s", cond,
		         sqlite3_errmsg(db->conn));
		sqlite3_finalize(st);
		free(*ids);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}
