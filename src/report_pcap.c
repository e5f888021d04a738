/* report_pcap: see report_pcap.h. */
#include "report_pcap.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "db_report.h"
#include "extract.h"

/* The ids of the pages DIR/flows holds (ID.html). */
static int drawn_flows(const char *flows_dir, int64_t **ids, size_t *n, char *err,
                       size_t errlen)
{
	*ids = NULL;
	*n = 0;
	DIR *d = opendir(flows_dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", flows_dir, strerror(errno));
		return -1;
	}
	size_t room = 0;
	struct dirent *ent;
	while ((ent = readdir(d)) != NULL) {
		char *end;
		long long id = strtoll(ent->d_name, &end, 10);
		if (end == ent->d_name || ent->d_name[0] == '-' || strcmp(end, ".html") != 0 || id < 1)
			continue;
		if (*n == room) {
			room = room ? 2 * room : 1024;
			int64_t *more = realloc(*ids, room * sizeof *more);
			if (!more) {
				closedir(d);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			*ids = more;
		}
		(*ids)[(*n)++] = id;
	}
	closedir(d);
	return 0;
}

int report_pcap_write(const char *db_path, const char *dir, uint64_t *files, uint64_t *packets,
                      char *err, size_t errlen)
{
	*files = *packets = 0;
	char flows_dir[4200];
	snprintf(flows_dir, sizeof flows_dir, "%s/flows", dir);
	int64_t *ids;
	size_t n;
	if (drawn_flows(flows_dir, &ids, &n, err, errlen) != 0)
		return -1;
	if (n == 0) {
		free(ids);
		return 0;
	}
	/* A file is open per flow in progress: as many as a capture has
	 * connections open at once, past the usual 1024 descriptors. */
	struct rlimit lim;
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
		lim.rlim_cur = lim.rlim_max;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
	struct db *db = db_open_readonly(db_path, err, errlen);
	if (!db) {
		free(ids);
		return -1;
	}
	struct extract_options opt = {0};
	struct extract_stats stats;
	int rc = extract_write_each(db, ids, n, flows_dir, &opt, &stats, err, errlen);
	db_close(db);
	free(ids);
	if (rc == 0) {
		*files = n;
		*packets = stats.packets;
	}
	return rc;
}
