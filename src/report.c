/* report: see report.h. report_write puts the pieces in a folder: the index
 * pages, one page per selected flow, transitions.csv. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return 0;
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

struct flow_pages {
	struct db *db;
	const struct report_options *opt;
	const char *dir;
	char *err;
	size_t errlen;
	int64_t written;
};

static int write_flow_page(const struct db_flow_info *f, void *user)
{
	struct flow_pages *fp = user;
	char path[4096];
	snprintf(path, sizeof path, "%s/" REPORT_FLOW_HREF_FMT, fp->dir, (long long)f->id);
	if (report_flow_page(fp->db, f->id, fp->opt, path, fp->err, fp->errlen))
		return -1;
	fp->written++;
	return 0;
}

int report_write(struct db *db, const struct db_selection *sel,
                 const struct report_options *opt, const char *dir, char *err,
                 size_t errlen)
{
	char path[4096];
	err[0] = '\0';
	snprintf(path, sizeof path, "%s/flows", dir);
	if (make_dir(dir, err, errlen) || make_dir(path, err, errlen))
		return -1;
	if (report_index_pages(db, sel, opt, dir, err, errlen))
		return -1;
	struct flow_pages fp = {db, opt, dir, err, errlen, 0};
	int rc = db_each_flow(db, sel, -1, 0, write_flow_page, &fp);
	if (rc) {
		if (rc != -1 || !err[0])
			snprintf(err, errlen, "%s", db_error(db));
		return -1;
	}
	snprintf(path, sizeof path, "%s/transitions.csv", dir);
	return report_transitions_csv(db, sel, path, err, errlen);
}
