/* seg_label: a segment's one-line label as tcpdump prints it with
 * relative numbers, `[P.] seq 1:6 ack 1 win 227 len 5`: the text on a
 * ladder's arrow, the HTML ladder's (report_ladder.c) and the terminal's
 * (show_ladder.c) alike, so both read the same. Pure: numbers in, text in
 * the caller's buffer out. */
#ifndef TCPLADDER_SEG_LABEL_H
#define TCPLADDER_SEG_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The label into buf (cap bytes, NUL-terminated; what does not fit is
 * cut): flags as segments_view's flags_text ("S.", "P."), the relative
 * seq (and its end when payload > 0), the relative ack when has_ack, the
 * raw window, and the payload length when there is one. Its length. */
size_t seg_label(char *buf, size_t cap, const char *flags_text, int64_t rel_seq,
                 int64_t payload, bool has_ack, int64_t rel_ack, int64_t win);

#endif
