/* report: the pages and files `tcpladder report` writes into a folder:
 *
 *   DIR/index.html            captures, totals, every flow (paged past
 *                             flows_per_page: index-2.html, index-3.html ...)
 *   DIR/flows/ID.html         one page per flow: ladder, plot, transitions
 *   DIR/transitions.csv       DESIGN.md's columns, RFC 4180
 *
 * Everything comes from the database through db_report.h; nothing here
 * reads a capture. Each function returns 0, or -1 with err filled. */
#ifndef TCPLADDER_REPORT_H
#define TCPLADDER_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "db_report.h"

struct report_options {
	/* A long flow keeps its first and last max_segments segments, with a
	 * counted gap between them. */
	int64_t max_segments;
	/* Flows per index page. */
	int64_t flows_per_page;
};

#define REPORT_DEFAULT_MAX_SEGMENTS 200
#define REPORT_DEFAULT_FLOWS_PER_PAGE 2000

/* Page file names, relative to DIR; used by pages that link to each other. */
#define REPORT_FLOW_HREF_FMT "flows/%lld.html"   /* from index pages */
#define REPORT_INDEX_HREF "../index.html"        /* from flow pages */

/* DIR/flows/ID.html for one flow. */
int report_flow_page(struct db *db, int64_t flow_id,
                     const struct report_options *opt, const char *path,
                     char *err, size_t errlen);

/* DIR/index.html (and its further pages) for the selected flows. */
int report_index_pages(struct db *db, const struct db_selection *sel,
                       const struct report_options *opt, const char *dir,
                       char *err, size_t errlen);

/* DIR/transitions.csv for the selected flows. */
int report_transitions_csv(struct db *db, const struct db_selection *sel,
                           const char *path, char *err, size_t errlen);

/* All of the above into dir (created if needed). */
int report_write(struct db *db, const struct db_selection *sel,
                 const struct report_options *opt, const char *dir, char *err,
                 size_t errlen);

#endif
