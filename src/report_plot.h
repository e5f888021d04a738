/* report_plot: the time/sequence graph (Stevens, tcptrace) of one flow as
 * inline SVG, drawn from every segment of the flow. One panel per
 * direction, stacked and sharing the time axis (seconds since the flow's
 * first segment); y is that direction's relative sequence number. As
 * tcptrace and Wireshark draw it: data as vertical ticks from seq to
 * seq + len, retransmissions in another colour, SYN, FIN and RST marked
 * where they take their number, the other side's ACKs as a step line, the
 * window edge it advertises (ack + win << wscale) as a step line above it,
 * and its SACK blocks as bars.
 *
 * The segments are read here (db_each_plot_segment) and reduced to the
 * plot's pixel columns as they stream (report_plot_bins.h): one mark per
 * column and kind, so a flow of a million segments draws a few thousand
 * elements, and memory is the columns', not the segments'. Marks carry
 * classes (p-data, p-retx, p-ack, p-win, p-sack, p-syn, p-fin, p-rst,
 * p-axis, p-grid, p-title) styled in templates/style.css: the graph holds
 * no presentation attribute and needs no script. */
#ifndef TCPLADDER_REPORT_PLOT_H
#define TCPLADDER_REPORT_PLOT_H

#include <libxml/tree.h>

#include "db_report.h"
#include "report_plot_bins.h"

/* The plot's resolution: pixel columns of its time axis. */
#define PLOT_COLUMNS 1000

/* The graph's key (a <p class="p-key">) and its <svg class="plot">,
 * appended to parent, the svg holding nothing yet; returns the svg, NULL
 * when out of memory. A page writer makes it once and draws each flow
 * into it. */
xmlNodePtr report_plot_frame(xmlNodePtr parent);

/* Draws flow f's segments into svg (made by report_plot_frame), sizing
 * it: segs[0..n) when the caller has every one of them in frame order
 * (a flow page that holds the whole flow), else read from the database.
 * Returns 0, or -1 with err filled. */
int report_plot_flow(xmlNodePtr svg, struct db *db, const struct db_flow_info *f,
                     const struct db_plot_segment *segs, size_t n, char *err, size_t errlen);

/* The x (SVG user units) of pixel column col's marks. */
double report_plot_column_x(int col);

/* Draws bins (filled by plot_bins_add) into svg, sizing it: what
 * report_plot_flow does once the segments are read. 0, or -1 out of
 * memory. */
int report_plot_draw(xmlNodePtr svg, const struct plot_bins *b);

#endif
