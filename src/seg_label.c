/* seg_label: tcpdump's label of a segment (seg_label.h). Written without
 * printf: a report labels every kept segment of every page. */
#include "seg_label.h"

#include <string.h>

struct label {
	char *p;
	size_t len, cap;
};

static void put(struct label *l, const char *s)
{
	size_t n = strlen(s);
	if (n > l->cap - 1 - l->len)
		n = l->cap - 1 - l->len;
	memcpy(l->p + l->len, s, n);
	l->len += n;
	l->p[l->len] = '\0';
}

static void put_int(struct label *l, int64_t v)
{
	char digits[24], *d = digits + sizeof digits;
	/* Through the unsigned magnitude: -INT64_MIN does not fit. */
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	*--d = '\0';
	do {
		*--d = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (v < 0)
		*--d = '-';
	put(l, d);
}

size_t seg_label(char *buf, size_t cap, const char *flags_text, int64_t rel_seq,
                 int64_t payload, bool has_ack, int64_t rel_ack, int64_t win)
{
	if (cap == 0)
		return 0;
	struct label l = {buf, 0, cap};
	buf[0] = '\0';
	put(&l, "[");
	put(&l, flags_text);
	put(&l, "] seq ");
	put_int(&l, rel_seq);
	if (payload > 0) {
		put(&l, ":");
		put_int(&l, rel_seq + payload);
	}
	if (has_ack) {
		put(&l, " ack ");
		put_int(&l, rel_ack);
	}
	put(&l, " win ");
	put_int(&l, win);
	if (payload > 0) {
		put(&l, " len ");
		put_int(&l, payload);
	}
	return l.len;
}
