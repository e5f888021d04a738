/* cli_select: the --flow ID... and --capture ID... options that report
 * and export share, into a struct db_selection. */
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

/* The selection as db_report takes it (borrowing the arrays). */
struct db_selection cli_select_view(const struct cli_selection *s);

void cli_select_free(struct cli_selection *s);

#endif
