/* report_plot_bins: a flow's segments reduced to the pixel columns of its
 * time/sequence graph, so that the graph covers every segment and still
 * costs O(columns), whatever the flow's length.
 *
 * Each direction's panel (its data, and the other side's ACKs of it) gets
 * `cols` columns over the flow's time span. A column keeps one mark per
 * kind: the sequence range its new data covered, the range its
 * retransmissions covered, whether a SYN, FIN or RST was sent in it (and
 * where), the last ACK and window edge seen in it (the step lines), and up
 * to PLOT_SACK_SLOTS SACK ranges. Pure: no I/O, no drawing. */
#ifndef TCPLADDER_REPORT_PLOT_BINS_H
#define TCPLADDER_REPORT_PLOT_BINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLOT_TH_FIN 0x01
#define PLOT_TH_SYN 0x02
#define PLOT_TH_RST 0x04

/* A segment carries at most 4 SACK blocks (RFC 2018). */
#define PLOT_MAX_SACK   4
/* SACK ranges a column keeps; more are merged into their nearest. */
#define PLOT_SACK_SLOTS 3

/* One segment as the graph needs it. Sequence numbers are relative, as
 * segments.rel_seq and rel_ack; SACK edges relative as rel_ack (they
 * number the other side's bytes). win is the advertised window in bytes,
 * already scaled. */
struct plot_seg {
	int64_t ts_ns;
	bool from_client;
	int flags;
	int64_t rel_seq, len;
	bool has_ack;
	int64_t rel_ack, win;
	bool retrans; /* any retransmission flag of the analysis */
	int n_sack;
	int64_t sack[PLOT_MAX_SACK][2]; /* [left, right) */
};

/* A value range in sequence bytes; empty when lo > hi. */
struct plot_range {
	int64_t lo, hi;
};

/* One pixel column of one panel. */
struct plot_col {
	int x; /* 0 .. cols - 1 */
	struct plot_range data, retx;
	bool syn, fin, rst, ack;
	int64_t syn_at, fin_at, rst_at;
	int64_t ack_at, win_at; /* the column's last ACK and its window edge */
	int n_sack;
	struct plot_range sack[PLOT_SACK_SLOTS];
};

/* One direction's panel: [0] the client's data, [1] the server's. */
struct plot_panel_bins {
	struct plot_col *col;     /* n of them, by x */
	size_t n, cap;
	size_t segments;          /* sent in this direction */
	size_t acks;              /* ACKs of it from the other side */
	struct plot_range extent; /* data, SYN/FIN/RST, ACKs and SACKs */
	int64_t win_hi;           /* the highest window edge (when acks) */
};

struct plot_bins {
	int cols;
	int64_t t0_ns, t1_ns; /* column 0 and column cols - 1 */
	struct plot_panel_bins dir[2];
};

/* Columns for a flow spanning [t0_ns, t1_ns] (none allocated yet). */
void plot_bins_init(struct plot_bins *b, int cols, int64_t t0_ns, int64_t t1_ns);
void plot_bins_free(struct plot_bins *b);

/* The column a time falls in (clamped to the span). */
int plot_bins_column(const struct plot_bins *b, int64_t ts_ns);

/* Adds one segment: its data to its sender's panel, its ACK, window edge
 * and SACK blocks to the other one. Segments come in frame order (the
 * step lines keep a column's last value). 0, or -1 out of memory. */
int plot_bins_add(struct plot_bins *b, const struct plot_seg *s);

/* SACK blocks from a segment's options as segment_options stores them
 * ("...,sack 2 {L:R}{L:R}"; absolute sequence numbers), made relative
 * through the segment's absolute ack and its rel_ack (32-bit wrap taken
 * into account). Returns how many (0 when none; at most PLOT_MAX_SACK). */
int plot_parse_sack(const char *options, int64_t ack, int64_t rel_ack,
                    int64_t out[PLOT_MAX_SACK][2]);

#endif
