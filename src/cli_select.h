/* cli_select: the --flow ID..., --flow-file FILE and --capture ID...
 * options that report and export share, into a struct db_selection. */
#ifndef TCPLADDER_CLI_SELECT_H
#define TCPLADDER_CLI_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "db_report.h"

struct cli_selection {
	int64_t *flow_ids, *capture_ids;
	size_t n_flows, n_captures;
	bool only_notable;
};

/* Add the ids of one option argument ("7", "7,9,12"). false on a bad id
 * or out of memory. */
bool cli_select_add(int64_t **ids, size_t *n, const char *arg);

/* Add the ids of a file (path; "-" for stdin): one a line, blank lines
 * and lines starting with '#' passed over. false with why filled (the
 * line number of a bad id, or the file's error). */
bool cli_select_add_file(int64_t **ids, size_t *n, const char *path, char *why,
                         size_t whylen);

/* Keep only the ids of *ids that are also in keep (both ascending or
 * not: keep is sorted here). */
void cli_select_intersect(int64_t *ids, size_t *n, int64_t *keep, size_t nkeep);

/* --where: the flows selected become those the condition holds for in db
 * (of the ids given, if any). None is an error, since an empty selection
 * would mean every flow: its message names the database as db_name
 * unless that is NULL. 0, or -1 with err filled. */
int cli_select_where(struct db *db, const char *db_name, const char *where,
                     struct cli_selection *s, char *err, size_t errlen);

/* The selection as db_report takes it (borrowing the arrays). */
struct db_selection cli_select_view(const struct cli_selection *s);

void cli_select_free(struct cli_selection *s);

#endif
