/* text_line: text built piece by piece in a fixed buffer, without printf
 * (a page writes hundreds of numbers, and a label for every segment it
 * draws); what does not fit is cut, and the buffer always ends in NUL.
 * Pure; used by seg_label.c and the report's text (report_text.c). */
#ifndef TCPLADDER_TEXT_LINE_H
#define TCPLADDER_TEXT_LINE_H

#include <stddef.h>
#include <stdint.h>

struct text_line {
	char *p;
	size_t len, cap;
};
/* An empty line over buf (cap > 0 bytes). */
struct text_line text_line(char *buf, size_t cap);
void text_str(struct text_line *l, const char *s);
/* v in decimal, as printf's "%" PRId64 writes it. */
void text_int(struct text_line *l, int64_t v);

#endif
