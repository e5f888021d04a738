/* report_pair: the pages of flow pairs (VANTAGE.md, "The ladder of a flow
 * pair"): DIR/flows/pair-N.html, one per pair of connections seen at two
 * taps. report_pair.c reads a pair's rows and writes the page (facts, the
 * clock in words, the transitions table); report_pair_ladder.c draws its
 * ladder, report_pair_plot.c its one-way delays; report_index_pairs.c
 * lists the pairs on the index. Internal to the report. */
#ifndef TCPLADDER_REPORT_PAIR_H
#define TCPLADDER_REPORT_PAIR_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_report_pair.h"
#include "report.h"

#define REPORT_PAIR_HREF_FMT "flows/pair-%lld.html" /* from index pages */

enum sight_fate { SIGHT_PAIRED, SIGHT_LOST, SIGHT_APPEARED };

/* A kept sighting, copied out of its row, and where the ladder puts it. */
struct sight {
	int64_t seq_no, frame_a, frame_b, send_ts_ns, recv_ts_ns, owd_ns;
	bool has_frame_a, has_frame_b, has_send, has_recv, has_owd;
	bool from_client, ambiguous;
	int flags;
	char whole;
	enum sight_fate fate;
	char label[200];
	double label_w;
	/* Layout: from (x0, y0) on or off the sender's rail to (x1, y1). */
	double row_y, x0, y0, x1, y1;
};

/* A transition of one endpoint at its own tap, copied out of its row. */
struct pair_trans {
	bool client, appeared, has_frame_a, has_frame_b;
	int64_t frame_a, frame_b, ts_ns;
	char vantage[64], from[16], to[16], event[32];
};

/* A pair's rows as its page draws them: the kept sightings in seq_no
 * order (the first and last max_segments of a long pair), its
 * transitions in time order. */
struct pair_rows {
	const struct db_pair_info *p;
	struct sight *s;
	size_t n;
	struct pair_trans *t;
	size_t nt;
	size_t split;                  /* first row after the gap; 0: none */
	struct db_sighting_gap gap;
};

/* The rail of the client's side is on the left: its tap is A when the
 * pair's a_side is client. These name each rail's tap. */
const char *pair_side_vantage(const struct db_pair_info *p, bool client);

/* ---- report_pair_ladder.c ---- */

/* The ladder's <svg> into parent; -1 when out of memory. */
int pair_ladder_draw(xmlNodePtr parent, struct pair_rows *r);
/* A sighting's label and its width, from its numbers. */
void pair_ladder_measure(struct sight *s, const char *flags_text, int64_t rel_seq,
                         int64_t len, bool has_ack, int64_t rel_ack, int64_t win);

/* ---- report_pair_plot.c ---- */

/* Each direction's one-way delay over the pair's time, into parent. */
int pair_plot_draw(xmlNodePtr parent, struct db *db, const struct db_pair_info *p,
                   char *err, size_t errlen);

/* ---- report_index_pairs.c ---- */

/* The index's table of flow pairs (none: nothing), into parent. */
int pair_index_table(xmlNodePtr parent, struct db *db, const struct db_selection *sel,
                     char *err, size_t errlen);

/* ---- report_pair.c ---- */

/* The clock of a pair in words, as its page writes it over the ladder:
 * `server = client + 37.605 ms ± 13.870 ms, skew not resolved (...)`. */
void pair_clock_words(char *buf, size_t len, const struct db_pair_info *p);

/* The pages of the flow pairs either of whose flows sel holds, into
 * dir/flows, for those with a flow among paged[0..n_paged) (ascending),
 * which they link; only those whose id % parts is part (the report's
 * processes share them out). *written gets how many. */
int report_pair_pages(struct db *db, const struct db_selection *sel,
                      const struct report_options *opt, const char *dir,
                      const int64_t *paged, size_t n_paged, int part, int parts,
                      int64_t *written, char *err, size_t errlen);

/* Removes the pair pages an earlier report left in dir/flows for pairs
 * this one gives none (same arguments); *pages gets how many it gives. */
int report_pair_prune(struct db *db, const struct db_selection *sel, const char *dir,
                      const int64_t *paged, size_t n_paged, int64_t *pages, char *err,
                      size_t errlen);

#endif
