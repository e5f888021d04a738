/* text_line: see text_line.h. */
#include "text_line.h"

#include <string.h>

struct text_line text_line(char *buf, size_t cap)
{
	buf[0] = '\0';
	return (struct text_line){buf, 0, cap};
}

void text_str(struct text_line *l, const char *s)
{
	size_t n = strlen(s);
	if (n > l->cap - 1 - l->len)
		n = l->cap - 1 - l->len;
	memcpy(l->p + l->len, s, n);
	l->len += n;
	l->p[l->len] = '\0';
}

void text_int(struct text_line *l, int64_t v)
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
	text_str(l, d);
}
