/* report_index.h: what the index's two files share (internal to
 * report_index.c, the pages and the flow table, and report_index_summary.c,
 * the summary above the table): the run's context, the symbols and the
 * small builders both use. Nothing else includes it. */
#ifndef TCPLADDER_REPORT_INDEX_H
#define TCPLADDER_REPORT_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "db_report.h"
#include "html.h"

/* U+202F NARROW NO-BREAK SPACE groups digits: it never wraps and is thin
 * enough that 1 234 567 still reads as one number. */
#define DIGIT_GROUP "\xe2\x80\xaf"
#define EN_DASH "\xe2\x80\x93"
#define ABSENT EN_DASH /* shown where a value is absent */
#define ARROW "\xe2\x86\x92"
#define MIDDOT " \xc2\xb7 "

/* Beside the index pages, written once by report_index_data.c: the
 * index's script (templates/index.js), which every index page links. */
#define RI_SCRIPT_FILE "index.js"

/* One run of report_index_pages: what it was asked, what it counted, and
 * the page being filled. */
struct index_ctx {
	struct db *db;
	const struct db_selection *sel;
	const char *dir;
	int64_t flows, per_page, pages;
	bool tunnels;              /* a selected flow has a tunnel: its column */
	bool notable_pages_only;   /* only notable flows have a page to link */
	xmlDocPtr tmpl;            /* index.xhtml, parsed once; pages copy it */
	xmlDocPtr doc;             /* the page being written */
	xmlNodePtr tbody;          /* its flow rows */
	int64_t page, rows;
	/* The pages after the first are one document, made once, each page
	 * rebuilt over the last in these slots: subheading, rows, pagers. */
	xmlDocPtr later;
	xmlNodePtr later_title;
	struct html_slot later_slots[4];
	struct html_out *out;      /* kept from page to page */
	char *err;
	size_t errlen;
};

/* Counts and times as the pages write them: digits grouped, durations in
 * the unit that reads best, times as ISO 8601 UTC. */
void ri_fmt_count(char *buf, size_t len, int64_t v);
void ri_fmt_duration(char *buf, size_t len, int64_t ns);
void ri_fmt_time(char *buf, size_t len, int64_t ns);
void ri_fmt_time_of_day(char *buf, size_t len, int64_t ns);

/* Where a connection ends when both sides finished it. */
bool ri_state_is_final(const char *state);
/* Zeek's conn_state: SF is a normal open and close; REJ and RST* end with a
 * reset; S0..S3, SH, SHR and OTH did not finish. Anything else (a chart's
 * label for flows not yet analysed) is none of these. */
enum conn_kind { CONN_NORMAL, CONN_RESET, CONN_OPEN, CONN_OTHER };
enum conn_kind ri_conn_kind(const char *conn_state);
/* A final state pair "CLIENT / SERVER" that leaves an endpoint mid-way. */
bool ri_pair_is_open(const char *label);

/* A number cell, sorting by its value. */
xmlNodePtr ri_add_num_cell(xmlNodePtr tr, int64_t v);
/* A column header: right-aligned over numbers; data-type tells index.js
 * whether the column sorts by number (times sort so too, by data-sort). A
 * '\n' in text breaks the line, so that a two-word header over a narrow
 * column does not widen it. */
enum column { COL_TEXT, COL_NUM, COL_TIME };
xmlNodePtr ri_add_th(xmlNodePtr tr, const char *text, enum column col);

/* report_index_summary.c: the first page's summary: totals, the captures
 * table and the bar charts. 0, or -1 with cx->err filled. */
int ri_write_summary(struct index_ctx *cx, xmlNodePtr summary);

#endif
