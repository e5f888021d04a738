/* show_ladder: a flow's ladder as text for a terminal (`tcpladder show`),
 * laid out as the seed post lists its packets and as the flow page draws
 * them: a line per segment in frame order with its frame and its time
 * since the flow's first segment, the client's rail left and the
 * server's right, an arrow between them labelled as tcpdump prints the
 * segment (seg_label.h), and each endpoint's new state beside its rail on
 * the line of the segment that proves it. A collapsed flow's middle is a
 * counted gap, worded as the page words it.
 *
 * Pure: rows in (db_report.h's types; what must outlive a callback is
 * copied), text out into a growing buffer the caller writes. No SQL, no
 * I/O, no terminal queries: the width and whether to colour are options.
 *
 * Use: show_ladder_new, every transition of the flow in step order, then
 * show_ladder_head, then the kept segments in frame order, with
 * show_ladder_gap once between the head and the tail of a collapsed flow.
 * The text of each call is appended to out. */
#ifndef TCPLADDER_SHOW_LADDER_H
#define TCPLADDER_SHOW_LADDER_H

#include <stdbool.h>
#include <stddef.h>

#include "db_report.h"

/* Text appended to p (malloc'd, NUL-terminated, the caller's to free with
 * show_text_free); oom set, and the text cut short, when out of memory. */
struct show_text {
	char *p;
	size_t len, cap;
	bool oom;
};
void show_text_free(struct show_text *t);

struct show_options {
	int width;  /* columns a line may take; arrows stretch to fill them */
	bool color; /* ANSI colours, as the page's: SYN green, FIN red, RST
	               magenta, anomalies yellow, states bold blue */
};

/* The least --width that still draws an arrow between the rails; a label
 * wider than the arrow room makes its own line wider than the width (a
 * label is never cut). */
#define SHOW_MIN_WIDTH 40

struct show_ladder;

/* A ladder for flow f (a row of db_get_flow), copying what it needs of
 * the row; NULL when out of memory. */
struct show_ladder *show_ladder_new(const struct db_flow_info *f,
                                    const struct show_options *opt);
void show_ladder_free(struct show_ladder *ld);

/* One of the flow's transitions, in step order, before the head. 0, or
 * -1 when out of memory. */
int show_ladder_add_transition(struct show_ladder *ld, const struct db_transition_info *t);

/* The flow's facts, the rails' heads and both endpoints' first states. */
void show_ladder_head(struct show_ladder *ld, struct show_text *out);

/* A segment's line (and more lines when an endpoint changes state twice
 * at it, or its anomaly names do not fit beside its label). */
void show_ladder_segment(struct show_ladder *ld, const struct db_segment_info *s,
                         struct show_text *out);

/* The collapsed middle of a long flow: its counts, and the states the
 * endpoints reached in it. */
void show_ladder_gap(struct show_ladder *ld, const struct db_segment_gap *gap,
                     struct show_text *out);

#endif
