/* report: the pages and files `tcpladder report` writes into a folder:
 *
 *   DIR/index.html            captures, totals, every flow (paged past
 *                             flows_per_page: index-2.html, index-3.html ...)
 *   DIR/flows/ID.html         one page per flow: ladder, plot, transitions
 *   DIR/flows.js              every flow's summary, for the index's script
 *   DIR/transitions.csv       DESIGN.md's columns, RFC 4180
 *   DIR/style.css             the one stylesheet every page links
 *
 * Everything comes from the database through db_report.h; nothing here
 * reads a capture. Each function returns 0, or -1 with err filled. */
#ifndef TCPLADDER_REPORT_H
#define TCPLADDER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_report.h"

struct report_options {
	/* A long flow keeps its first and last max_segments segments, with a
	 * counted gap between them. */
	int64_t max_segments;
	/* Flows per index page. */
	int64_t flows_per_page;
	/* Processes writing pages (report_write); 1 or less: this one. */
	int jobs;
	/* Past this many flows, pages are written for the notable ones only
	 * (the index still lists every flow and says so); 0: every page.
	 * cmd_report sets it when no selection is given and not --all. */
	int64_t notable_pages_past;
	/* Set by report_write when that happened: read by the index. */
	bool notable_pages_only;
	/* A line on stderr saying the pages written (a terminal's, and the
	 * user did not ask for quiet): cmd_report decides. */
	bool progress;
	/* Called after each page written, index or flow, in the process that
	 * wrote it (NULL: not); report_write sets it to count pages. */
	void (*page_written)(void *user);
	void *page_user;
	/* Flow pages with their stylesheet inside and no link out of the
	 * page (report_flow_page), rather than linking the folder's. */
	bool standalone;
	/* report --pcap: each flow page links its packets, flows/ID.pcap,
	 * which report_pcap writes after the pages. */
	bool pcap_links;
};

#define REPORT_DEFAULT_MAX_SEGMENTS 200
/* An index page of 500 flows opens in about half a second in Chromium;
 * one of 2000 took 1.2-2 s on the benchmark machine. */
#define REPORT_DEFAULT_FLOWS_PER_PAGE 500
/* A report of more flows than this, with no selection, draws the notable
 * ones: 20,000 pages are about a gigabyte's worth of a reader's disk and
 * more than anyone opens one by one. */
#define REPORT_NOTABLE_PAGES_PAST 20000

/* Page file names, relative to DIR; used by pages that link to each other. */
#define REPORT_FLOW_HREF_FMT "flows/%lld.html"   /* from index pages */
#define REPORT_INDEX_HREF "../index.html"        /* from flow pages */
#define REPORT_DATA_HREF "flows.js"              /* from index pages */
#define REPORT_STYLE_FILE "style.css"
#define REPORT_INDEX_STYLE_HREF "style.css"      /* from index pages */
#define REPORT_FLOW_STYLE_HREF "../style.css"    /* from flow pages */

/* --- flow pages (report_flow.c) --- */

/* Writes flow pages: the template parsed once, copied for each page. */
struct report_flow_writer;
struct report_csv;

struct report_flow_writer *report_flow_writer_new(const struct report_options *opt,
                                                  char *err, size_t errlen);
void report_flow_writer_free(struct report_flow_writer *w);

/* The page of flow f (a row of db_each_flow*) at path. The flow's
 * transitions, which the page reads, also go to csv unless it is NULL. */
int report_flow_write(struct report_flow_writer *w, struct db *db,
                      const struct db_flow_info *f, const char *path,
                      struct report_csv *csv, char *err, size_t errlen);

/* The page of one flow, by id, at path (DIR/flows/ID.html, or with
 * opt->standalone a page that needs no other file). */
int report_flow_page(struct db *db, int64_t flow_id,
                     const struct report_options *opt, const char *path,
                     char *err, size_t errlen);

/* --- index pages (report_index.c) --- */

/* How many index pages a report of n flows has (1 when n is 0). */
int64_t report_index_count(size_t n, const struct report_options *opt);

/* Index pages first_page..last_page (from 1) of a report of the selected
 * flows ids[0..n), ascending as db_selected_ids gives them. */
int report_index_range(struct db *db, const struct db_selection *sel,
                       const struct report_options *opt, const char *dir,
                       const int64_t *ids, size_t n, int64_t first_page,
                       int64_t last_page, char *err, size_t errlen);

/* Removes the index pages after the first `pages` that an earlier, longer
 * report left in dir (they would link to flows this one does not hold). */
void report_index_prune(const char *dir, int64_t pages);

/* DIR/flows.js (report_index_data.c): the selected flows' summary, which
 * the index's script searches and sorts (all of them, whatever page it is
 * on); ids[0..n) as db_selected_ids gives them. With
 * opt->notable_pages_only, it says that only the notable flows have a
 * page to link. Written whole or not at all. */
int report_index_data(struct db *db, const struct db_selection *sel,
                      const struct report_options *opt, const int64_t *ids, size_t n,
                      const char *dir, char *err, size_t errlen);
/* The index pages' own rules (index.xhtml's <style id="index-style">),
 * len bytes, for the folder's one stylesheet (the pages drop the element
 * itself); NULL when the template lacks them. */
const char *report_index_style(size_t *len);

/* DIR/index.html and its further pages for the selected flows, and
 * DIR/flows.js: all of the above at once. */
int report_index_pages(struct db *db, const struct db_selection *sel,
                       const struct report_options *opt, const char *dir,
                       char *err, size_t errlen);

/* --- transitions.csv (report_csv.c) --- */

/* A CSV of transitions being written: DESIGN.md's columns, with the
 * header row when `header`. */
struct report_csv *report_csv_open(const char *path, bool header, char *err,
                                   size_t errlen);
/* One row; -1 once a write has failed (report_csv_error says why). */
int report_csv_add(struct report_csv *csv, const struct db_transition_info *t);
const char *report_csv_error(struct report_csv *csv);
/* Flush and close; the file is removed when it failed or !keep (unless
 * it is not a regular file). 0, or -1 with err filled. */
int report_csv_close(struct report_csv *csv, bool keep, char *err, size_t errlen);

/* DIR/transitions.csv for the selected flows, in one pass. */
int report_transitions_csv(struct db *db, const struct db_selection *sel,
                           const char *path, char *err, size_t errlen);

/* --- the whole report (report.c) --- */

/* Pages an earlier report left in DIR/flows for what this one does not
 * hold: their index no longer links them, and a reader opening the folder
 * would take them for part of this report. Only the names this report
 * writes itself (prefix, digits, ".html": "12.html", "pair-3.html") whose
 * number is not among ids[0..n) (ascending) are removed; any other file of
 * the user's stays. */
void report_prune_pages(const char *dir, const char *prefix, const int64_t *ids, size_t n);

/* All of it into dir (created if needed) from the database at db_path,
 * in opt->jobs processes; *flows gets how many flows it holds, *pages how
 * many of them have a page (fewer past opt->notable_pages_past). Flow pages
 * an earlier report left in dir for other flows are removed. A selected
 * flow id the database does not hold: 1 with err naming it after the rest
 * is written, or -1 with nothing written when none of the ids is there. */
int report_write(const char *db_path, const struct db_selection *sel,
                 const struct report_options *opt, const char *dir,
                 int64_t *flows, int64_t *pages, char *err, size_t errlen);

#endif
