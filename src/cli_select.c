/* cli_select: see cli_select.h. */
#include "cli_select.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool cli_select_add(int64_t **ids, size_t *n, const char *arg)
{
	const char *p = arg;
	do {
		/* Digits only: strtoll would also take " 7" and "+7". */
		if (!isdigit((unsigned char)*p))
			return false;
		char *end;
		errno = 0;
		long long v = strtoll(p, &end, 10);
		if (errno || v < 1 || (*end && *end != ',') ||
		    (*end == ',' && end[1] == '\0'))
			return false;
		int64_t *grown = realloc(*ids, (*n + 1) * sizeof **ids);
		if (!grown)
			return false;
		*ids = grown;
		(*ids)[(*n)++] = v;
		p = *end ? end + 1 : end;
	} while (*p);
	return true;
}

struct db_selection cli_select_view(const struct cli_selection *s)
{
	return (struct db_selection){
		.flow_ids = s->flow_ids,
		.n_flow_ids = s->n_flows,
		.capture_ids = s->capture_ids,
		.n_capture_ids = s->n_captures,
		.only_notable = s->only_notable,
	};
}

void cli_select_free(struct cli_selection *s)
{
	free(s->flow_ids);
	free(s->capture_ids);
	memset(s, 0, sizeof *s);
}
