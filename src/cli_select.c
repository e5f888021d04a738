/* cli_select: see cli_select.h. */
#include "cli_select.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_where.h"

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

bool cli_select_add_file(int64_t **ids, size_t *n, const char *path, char *why,
                         size_t whylen)
{
	bool from_stdin = strcmp(path, "-") == 0;
	FILE *f = from_stdin ? stdin : fopen(path, "r");
	if (!f) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return false;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long number = 0;
	bool ok = true;
	while (ok && (len = getline(&line, &cap, f)) >= 0) {
		number++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
		                   line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		char *start = line + strspn(line, " \t");
		if (!*start || *start == '#')
			continue;
		if (strchr(start, ',') || !cli_select_add(ids, n, start)) {
			snprintf(why, whylen, "%s: line %lu: not a flow id: '%.60s'",
			         from_stdin ? "(stdin)" : path, number, start);
			ok = false;
		}
	}
	if (ok && ferror(f)) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		ok = false;
	}
	free(line);
	if (!from_stdin)
		fclose(f);
	return ok;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void cli_select_intersect(int64_t *ids, size_t *n, int64_t *keep, size_t nkeep)
{
	qsort(keep, nkeep, sizeof *keep, by_value);
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++)
		if (bsearch(&ids[i], keep, nkeep, sizeof *keep, by_value))
			ids[kept++] = ids[i];
	*n = kept;
}

int cli_select_where(struct db *db, const char *db_name, const char *where,
                     struct cli_selection *s, char *err, size_t errlen)
{
	int64_t *ids;
	size_t n;
	if (db_flows_where(db, where, &ids, &n)) {
		snprintf(err, errlen, "%s", db_error(db));
		return -1;
	}
	if (s->n_flows) {
		cli_select_intersect(s->flow_ids, &s->n_flows, ids, n);
		free(ids);
	} else {
		free(s->flow_ids);
		s->flow_ids = ids;
		s->n_flows = n;
	}
	if (s->n_flows == 0) {
		if (db_name)
			snprintf(err, errlen, "no flow of %s is selected by --where '%.200s'", db_name,
			         where);
		else
			snprintf(err, errlen, "no flow is selected by --where '%.200s'", where);
		return -1;
	}
	return 0;
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
