/* report: see report.h. report_write puts the pieces in a folder: the index
 * pages, one page per selected flow, transitions.csv, and the stylesheet
 * they all link.
 *
 * The selected flows' ids are read once, in id order, and cut into
 * opt->jobs parts of as many flows and as many index pages each; part k
 * writes its index pages, then its flow pages, each page's transitions
 * going to its own piece of transitions.csv (flow pages read them anyway).
 * One part runs here; several run in worker processes (report_workers.h),
 * after which the pieces, in flow order, are joined into one file. */
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "html.h"
#include "report_pair.h"
#include "report_workers.h"

static int make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return 0;
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

/* DIR/style.css, which every page links: written anew by each report,
 * since a newer tcpladder's pages may use classes an older one's
 * stylesheet lacks; the index pages' own rules after the shared ones. */
static int write_stylesheet(const char *dir, char *err, size_t errlen)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/" REPORT_STYLE_FILE, dir);
	const char *css = html_stylesheet();
	FILE *f = fopen(path, "w");
	size_t index_len = 0;
	const char *index_css = report_index_style(&index_len);
	bool ok = f && fwrite(css, 1, strlen(css), f) == strlen(css) &&
	          (!index_css || fwrite(index_css, 1, index_len, f) == index_len);
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* What every part needs; read-only once the parts start. */
struct plan {
	const char *db_path;
	const struct db_selection *sel;
	const struct report_options *opt;
	const char *dir;
	int64_t *ids; /* the selected flows, ascending */
	size_t n;
	int64_t pages;
	struct report_progress *progress; /* NULL: no line */
	/* The parent's ranking of the flows, which each worker takes rather
	 * than read again; NULL: each reads its own. */
	struct db_notability *notability;
	const int64_t *paged; /* the flows with a page, ascending */
	size_t n_paged;
};

/* Where part k of n writes its transitions: the file itself when it is
 * the only part, else a hidden piece beside it. */
static void csv_path(char *buf, size_t len, const char *dir, int k, int n)
{
	if (n == 1)
		snprintf(buf, len, "%s/transitions.csv", dir);
	else
		snprintf(buf, len, "%s/.transitions.csv.%d", dir, k);
}

struct flow_pages {
	bool notable_only; /* pages for the notable flows only */
	struct report_flow_writer *writer;
	struct db *db;
	const char *dir;
	struct report_csv *csv;
	char *err;
	size_t errlen;
	struct report_progress *progress;
};

static int write_flow_page(const struct db_flow_info *f, void *user)
{
	struct flow_pages *fp = user;
	if (fp->notable_only && !f->notable)
		return 0;
	char path[4200];
	snprintf(path, sizeof path, "%s/" REPORT_FLOW_HREF_FMT, fp->dir, (long long)f->id);
	if (report_flow_write(fp->writer, fp->db, f, path, fp->csv, fp->err, fp->errlen) != 0)
		return 1;
	report_progress_page(fp->progress);
	return 0;
}

/* Flow pages read in one read transaction: a few tenths of a second, for
 * which a writer may have to wait. */
#define PAGES_PER_READ 1024

/* Part k of n: its index pages, then its flows' pages and transitions. */
static int write_part(struct db *db, const struct plan *p, int k, int n, char *err,
                      size_t errlen)
{
	int64_t first_page = p->pages * k / n + 1, last_page = p->pages * (k + 1) / n;
	if (db_read_begin(db) != 0) {
		snprintf(err, errlen, "flows: %s", db_error(db));
		return -1;
	}
	int rc = report_index_range(db, p->sel, p->opt, p->dir, p->ids, p->n, first_page,
	                            last_page, err, errlen);
	db_read_end(db);
	if (rc != 0)
		return -1;
	size_t lo = p->n * (size_t)k / (size_t)n, hi = p->n * (size_t)(k + 1) / (size_t)n;
	char path[4200];
	csv_path(path, sizeof path, p->dir, k, n);
	/* The first part's piece starts the file, so it has the header. */
	struct flow_pages fp = {.db = db, .dir = p->dir, .err = err, .errlen = errlen,
	                        .notable_only = p->opt->notable_pages_only,
	                        .progress = p->progress};
	fp.csv = report_csv_open(path, k == 0, err, errlen);
	if (!fp.csv)
		return -1;
	fp.writer = report_flow_writer_new(p->opt, err, errlen);
	rc = fp.writer ? 0 : -1;
	/* A run of pages in one read transaction each (db_read_begin). */
	for (size_t a = lo; rc == 0 && a < hi; a += PAGES_PER_READ) {
		size_t b = hi - a > PAGES_PER_READ ? a + PAGES_PER_READ : hi;
		rc = db_read_begin(db);
		if (rc == 0)
			rc = db_each_flow_between(db, p->sel, p->ids[a], p->ids[b - 1],
			                          write_flow_page, &fp);
		if (rc < 0)
			snprintf(err, errlen, "flows: %s", db_error(db));
		db_read_end(db);
	}
	report_flow_writer_free(fp.writer);
	/* Its share of the flow pairs' pages. */
	int64_t pair_pages;
	if (rc == 0 && (rc = db_read_begin(db)) != 0)
		snprintf(err, errlen, "flow pairs: %s", db_error(db));
	if (rc == 0) {
		rc = report_pair_pages(db, p->sel, p->opt, p->dir, p->paged, p->n_paged, k, n,
		                       &pair_pages, err, errlen);
		db_read_end(db);
	}
	char close_err[512];
	if (report_csv_close(fp.csv, rc == 0, close_err, sizeof close_err) != 0 && rc == 0) {
		snprintf(err, errlen, "%s", close_err);
		rc = -1;
	}
	return rc == 0 ? 0 : -1;
}

/* A worker process: a connection of its own, its part. */
static int worker(int k, int n, void *arg, char *err, size_t errlen)
{
	const struct plan *p = arg;
	struct db *db = db_open_readonly(p->db_path, err, errlen);
	if (!db)
		return -1;
	if (p->notability && db_notability_give(db, p->notability) != 0) {
		snprintf(err, errlen, "flows: %s", db_error(db));
		db_close(db);
		return -1;
	}
	int rc = write_part(db, p, k, n, err, errlen);
	db_close(db);
	return rc;
}

/* Appends the file at from to the open file `to`, then removes it. */
static int append_piece(int to, const char *from, char *err, size_t errlen)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	int rc = 0;
	/* In the kernel where it can (no copy through user space), else
	 * through a buffer. */
	ssize_t r;
	while ((r = copy_file_range(in, NULL, to, NULL, 1 << 30, 0)) > 0)
		;
	if (r < 0) {
		char buf[1 << 16];
		while ((r = read(in, buf, sizeof buf)) > 0) {
			for (ssize_t done = 0, w; done < r; done += w) {
				if ((w = write(to, buf + done, (size_t)(r - done))) <= 0) {
					r = -1;
					break;
				}
			}
			if (r < 0)
				break;
		}
	}
	if (r < 0) {
		snprintf(err, errlen, "transitions.csv: %s", strerror(errno ? errno : EIO));
		rc = -1;
	}
	close(in);
	unlink(from);
	return rc;
}

/* The workers' pieces of transitions.csv, in part order, as one file: the
 * first renamed, the others appended to it. */
static int join_csv(const char *dir, int n, char *err, size_t errlen)
{
	char final[4200], piece[4200];
	csv_path(final, sizeof final, dir, 0, 1);
	csv_path(piece, sizeof piece, dir, 0, n);
	if (rename(piece, final) != 0) {
		snprintf(err, errlen, "%s: %s", final, strerror(errno));
		return -1;
	}
	int out = open(final, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (out < 0) {
		snprintf(err, errlen, "%s: %s", final, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int k = 1; k < n && rc == 0; k++) {
		csv_path(piece, sizeof piece, dir, k, n);
		rc = append_piece(out, piece, err, errlen);
	}
	if (close(out) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", final, strerror(errno));
		rc = -1;
	}
	return rc;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void report_prune_pages(const char *dir, const char *prefix, const int64_t *ids, size_t n)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/flows", dir);
	DIR *d = opendir(path);
	if (!d)
		return;
	size_t skip = strlen(prefix);
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		if (strncmp(name, prefix, skip) != 0)
			continue;
		const char *num = name + skip;
		size_t digits = strspn(num, "0123456789");
		if (digits == 0 || digits > 18 || num[0] == '0' || strcmp(num + digits, ".html") != 0)
			continue;
		int64_t id = strtoll(num, NULL, 10);
		if (n && bsearch(&id, ids, n, sizeof *ids, cmp_id))
			continue;
		snprintf(path, sizeof path, "%s/flows/%s", dir, name);
		unlink(path);
	}
	closedir(d);
}

/* The flows asked for by id that the database does not hold, as "7" or
 * "7, 9" in missing; how many. -1 on an SQLite error (err filled). The
 * ids it holds are read in one query: one lookup per id given was a
 * statement, and a lock taken and dropped, per flow. */
static long missing_flows(struct db *db, const struct db_selection *sel, char *missing,
                          size_t len, char *err, size_t errlen)
{
	long count = 0;
	size_t used = 0;
	missing[0] = '\0';
	if (!sel || sel->n_flow_ids == 0)
		return 0;
	const struct db_selection given = {.flow_ids = sel->flow_ids,
	                                   .n_flow_ids = sel->n_flow_ids};
	int64_t *held;
	size_t n_held;
	if (db_selected_ids(db, &given, &held, &n_held) != 0) {
		snprintf(err, errlen, "flows: %s", db_error(db));
		return -1;
	}
	for (size_t i = 0; i < sel->n_flow_ids; i++) {
		bool found = n_held && bsearch(&sel->flow_ids[i], held, n_held, sizeof *held, cmp_id);
		if (!found && used < len) {
			used += (size_t)snprintf(missing + used, len - used, "%s%lld",
			                         count ? ", " : "", (long long)sel->flow_ids[i]);
			count++;
		}
	}
	free(held);
	return count;
}

int report_write(const char *db_path, const struct db_selection *sel,
                 const struct report_options *opt, const char *dir, int64_t *flows,
                 int64_t *pages, char *err, size_t errlen)
{
	static const struct db_selection all;
	if (!sel)
		sel = &all;
	char path[4200];
	err[0] = '\0';
	*flows = 0;
	*pages = 0;
	struct db *db = db_open_readonly(db_path, err, errlen);
	if (!db) {
		char why[1024];
		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen, "%s: %s", db_path, why);
		return -1;
	}
	/* What this process reads, one snapshot (the parts read their own). */
	if (db_read_begin(db) != 0) {
		snprintf(err, errlen, "%s: %s", db_path, db_error(db));
		db_close(db);
		return -1;
	}
	/* A --flow the database does not hold is an input that failed: named,
	 * and when it was all that was asked, nothing is written (not even
	 * DIR), rather than an empty report that looks like an answer. */
	char missing[512];
	long n_missing = missing_flows(db, sel, missing, sizeof missing, err, errlen);
	if (n_missing < 0) {
		db_close(db);
		return -1;
	}
	char missing_err[1024] = "";
	if (n_missing > 0)
		snprintf(missing_err, sizeof missing_err, "no flow%s %s in %.400s",
		         n_missing == 1 ? "" : "s", missing, db_path);
	if (n_missing > 0 && (size_t)n_missing == sel->n_flow_ids) {
		snprintf(err, errlen, "%s: nothing written (`tcpladder export flows -d %.400s` lists"
		         " its flows)", missing_err, db_path);
		db_close(db);
		return -1;
	}
	snprintf(path, sizeof path, "%s/flows", dir);
	if (make_dir(dir, err, errlen) || make_dir(path, err, errlen) ||
	    write_stylesheet(dir, err, errlen)) {
		db_close(db);
		return -1;
	}
	struct report_options o = opt ? *opt : (struct report_options){
		.max_segments = REPORT_DEFAULT_MAX_SEGMENTS,
		.flows_per_page = REPORT_DEFAULT_FLOWS_PER_PAGE, .jobs = 1};
	struct plan p = {db_path, sel, &o, dir, NULL, 0, 0, NULL, NULL, NULL, 0};
	if (db_selected_ids(db, sel, &p.ids, &p.n) != 0) {
		snprintf(err, errlen, "flows: %s", db_error(db));
		db_close(db);
		return -1;
	}
	/* The pages kept, when only the notable flows get one: what the
	 * pruning below leaves. */
	int64_t *paged = p.ids;
	size_t n_paged = p.n;
	struct db_selection notable = {0};
	if (o.notable_pages_past > 0 && (int64_t)p.n > o.notable_pages_past) {
		o.notable_pages_only = true;
		notable = *sel;
		notable.only_notable = true;
		if (db_selected_ids(db, &notable, &paged, &n_paged) != 0) {
			snprintf(err, errlen, "flows: %s", db_error(db));
			free(p.ids);
			db_close(db);
			return -1;
		}
	}
	p.pages = report_index_count(p.n, opt);
	*flows = (int64_t)p.n;
	*pages = (int64_t)n_paged;
	/* No more parts than flows: a part of none would be a process for
	 * nothing. */
	int jobs = opt && opt->jobs > 1 ? opt->jobs : 1;
	if ((size_t)jobs > p.n)
		jobs = p.n > 1 ? (int)p.n : 1;
	/* The index's data first, once, whatever the parts: each part's
	 * index pages load it. */
	int rc = report_index_data(db, sel, &o, p.ids, p.n, dir, err, errlen);
	if (rc == 0 && jobs > 1 && db_notability_copy(db, &p.notability) != 0) {
		snprintf(err, errlen, "flows: %s", db_error(db));
		rc = -1;
	}
	if (rc != 0) {
		if (paged != p.ids)
			free(paged);
		free(p.ids);
		db_close(db);
		return -1;
	}
	/* The flow pairs' pages are shared out among the parts; those an
	 * earlier report left for other pairs go first. */
	int64_t pair_pages = 0;
	p.paged = paged;
	p.n_paged = n_paged;
	if (report_pair_prune(db, sel, dir, paged, n_paged, &pair_pages, err, errlen) != 0) {
		if (paged != p.ids)
			free(paged);
		free(p.ids);
		db_close(db);
		return -1;
	}
	if (o.progress && (p.progress = report_progress_new((uint64_t)(p.pages + *pages + pair_pages),
	                                                     stderr))) {
		o.page_written = report_progress_page; /* index pages count too */
		o.page_user = p.progress;
	}
	db_read_end(db);
	if (jobs == 1) {
		rc = write_part(db, &p, 0, 1, err, errlen);
		db_close(db);
	} else {
		/* SQLite: no connection may be open across a fork. */
		db_close(db);
		rc = report_workers_run(jobs, worker, &p, p.progress ? report_progress_tick : NULL,
		                        p.progress, err, errlen);
		if (rc == 0)
			rc = join_csv(dir, jobs, err, errlen);
		for (int k = 0; k < jobs && rc != 0; k++) {
			csv_path(path, sizeof path, dir, k, jobs);
			unlink(path);
		}
	}
	report_progress_free(p.progress);
	db_notability_free(p.notability);
	if (rc == 0) {
		report_index_prune(dir, p.pages);
		report_prune_pages(dir, "", paged, n_paged);
	}
	if (paged != p.ids)
		free(paged);
	free(p.ids);
	if (rc == 0 && n_missing > 0) {
		snprintf(err, errlen, "%s", missing_err);
		return 1;
	}
	return rc;
}
