/* report_flow_page: what the parts of a flow page share. report_flow.c
 * reads the flow's rows and writes the page (header, facts, transitions
 * table); report_ladder.c lays out and draws the ladder; report_text.c
 * writes the numbers and times both show. Internal to the report: no
 * other module includes it. */
#ifndef TCPLADDER_REPORT_FLOW_PAGE_H
#define TCPLADDER_REPORT_FLOW_PAGE_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_report.h"
#include "text_line.h"

/* TCP flag bits as the segments table stores them. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04

/* analysis_flags bit 1 (DESIGN.md, "Analysis flags"). */
#define AN_RETRANSMISSION 1

/* U+202F NARROW NO-BREAK SPACE groups digits, as on the index pages. */
#define DIGIT_GROUP "\xe2\x80\xaf"
#define ARROW       " \xe2\x86\x92 "
#define MIDDOT      " \xc2\xb7 "
#define EN_DASH     "\xe2\x80\x93"

/* A kept segment, copied out of its row. */
struct seg {
	int64_t frame, ts_ns;
	bool from_client;
	int flags;
	char flags_text[16];
	int64_t seq, ack, rel_seq, rel_ack, len, win;
	bool has_ack;
	int64_t analysis;
	char client_state[16], server_state[16];
	char *analysis_names; /* NULL when none */
	char *options;        /* NULL when none */
	/* The arrow's label as tcpdump prints the segment, and the width of
	 * it and of it with the anomaly names: made once, since laying out
	 * the labels measures each several times (ladder_measure). */
	char label[160];
	double text_w, label_w;
	/* Layout: the arrow runs from y0 on the sender's rail to y1 on the
	 * receiver's; `extended` when it ends at a later row's proof. */
	double y0, y1;
	bool extended;
	double label_x, label_y; /* centre of label and anomaly names; baseline */
};

/* A transition of the flow, copied out of its row. */
struct trans {
	int64_t frame, seen_frame;
	bool client;
	char *from, *to, *event;
	bool has_rel_seq, has_rel_ack;
	int64_t rel_seq, rel_ack;
};

/* The facts the ladder and graph need beyond the header. */
struct facts {
	char *client, *server;
	int64_t first_ts_ns;
	bool mid_stream;
	int client_wscale, server_wscale;
};

/* A second as strftime writes it, kept for the next segment: a flow's
 * segments mostly share their second, and gmtime_r and strftime were
 * most of what a segment's title cost. */
struct utc_second {
	bool valid;
	int64_t s;
	char day[32];
};

/* A flow's rows as the page draws them: its kept segments in frame
 * order, its transitions in order. */
struct flow_rows {
	struct facts f;
	struct seg *segs;
	size_t n_segs;
	struct trans *trans;
	size_t n_trans;
	struct utc_second utc; /* the last segment's, for the next */
};

/* ---- report_ladder.c ---- */

/* The ladder's <svg> with what every ladder holds (its arrowheads and
 * column heads), made once for all pages; NULL when out of memory. */
xmlNodePtr ladder_frame(xmlNodePtr parent);

/* The flow's ladder, drawn into svg (made by ladder_frame) after what it
 * held. split: the first row after a collapsed flow's gap (0: none).
 * 0, or -1 when out of memory. */
int ladder_draw(struct flow_rows *rows, xmlNodePtr svg, size_t split,
                const struct db_segment_gap *gap);

/* A segment's label and its widths, from its numbers (once per row). */
void ladder_measure(struct seg *s);

/* The kept row of a frame, or -1 (in the gap, or not a segment). */
long ladder_row_of(const struct flow_rows *rows, int64_t frame);

/* ---- report_text.c ---- */

/* Append to a fixed buffer; what does not fit is cut (titles only). */
void text_cat(char *buf, size_t len, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* A count with its digits grouped. */
void text_count(char *buf, size_t len, int64_t v);
/* A span of time: seconds from one second up, else milliseconds. */
void text_span(char *buf, size_t len, int64_t ns);
/* Seconds since the flow's first segment, to the microsecond. */
void text_rel(char *buf, size_t len, int64_t ns);
/* The gap to the previous row: ms up to a second, then seconds. */
void text_delta(char *buf, size_t len, int64_t ns);
/* Absolute UTC time, with nanoseconds only when the capture has them;
 * without its date when `date` is false. */
void text_utc(char *buf, size_t len, int64_t ns, bool date, struct utc_second *last);

/* "label <b>value</b>" appended to a line of a page's facts (a flow's or a
 * flow pair's), after a separator unless it is the first; label NULL:
 * the value alone. */
void page_fact(xmlNodePtr line, const char *label, const char *value);

#endif
