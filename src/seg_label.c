/* seg_label: tcpdump's label of a segment (seg_label.h). Written without
 * printf: a report labels every kept segment of every page. */
#include "seg_label.h"

#include "text_line.h"

size_t seg_label(char *buf, size_t cap, const char *flags_text, int64_t rel_seq,
                 int64_t payload, bool has_ack, int64_t rel_ack, int64_t win)
{
	if (cap == 0)
		return 0;
	struct text_line l = text_line(buf, cap);
	text_str(&l, "[");
	text_str(&l, flags_text);
	text_str(&l, "] seq ");
	text_int(&l, rel_seq);
	if (payload > 0) {
		text_str(&l, ":");
		text_int(&l, rel_seq + payload);
	}
	if (has_ack) {
		text_str(&l, " ack ");
		text_int(&l, rel_ack);
	}
	text_str(&l, " win ");
	text_int(&l, win);
	if (payload > 0) {
		text_str(&l, " len ");
		text_int(&l, payload);
	}
	return l.len;
}
