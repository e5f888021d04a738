/* report_plot: the time/sequence graph (Stevens, tcptrace) of one flow as
 * inline SVG, one panel per direction: x is time since the flow's first
 * segment, y the sender's relative sequence number. Each data segment is a
 * vertical tick from rel_seq to rel_seq + len, retransmissions in another
 * colour; the receiver's acknowledgements are a step line; SYN and FIN are
 * marked where they take their one sequence number.
 *
 * It draws what the caller hands it and reads nothing else: the flow page
 * passes the same segments its ladder keeps (a long flow's first and last
 * ones), so the graph's size is bounded by theirs. A collapsed flow gets a
 * row of panels for its first segments and one for its last, each scaled
 * to its own range, since one axis over both would squash each to a line. */
#ifndef TCPLADDER_REPORT_PLOT_H
#define TCPLADDER_REPORT_PLOT_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One segment as the graph needs it (the caller's copy of a database row). */
struct plot_seg {
	int64_t ts_ns; /* absolute capture time */
	bool from_client;
	int flags; /* TCP flag bits: FIN 0x01, SYN 0x02, RST 0x04 */
	int64_t rel_seq, len;
	bool has_ack;
	int64_t rel_ack;
	bool retrans; /* analysis bit 1 (retransmission) */
};

/* The graph's <svg class="plot"> appended to parent, with what every
 * graph holds (its legend) and no panel yet; NULL when out of memory. A
 * page writer makes it once and draws each flow's panels into it. */
xmlNodePtr report_plot_frame(xmlNodePtr parent);

/* Sizes svg (made by report_plot_frame) and appends the panels after what
 * it held. segs are in frame order; when 0 < split < n, segs[0, split)
 * and segs[split, n) are a collapsed flow's first and last segments and
 * get panels of their own. t0_ns is the flow's first timestamp (time 0 on
 * the axes). Returns 0, or -1 with err filled (out of memory). */
int report_plot_draw(xmlNodePtr svg, const struct plot_seg *segs, size_t n,
                     size_t split, int64_t t0_ns, char *err, size_t errlen);

#endif
