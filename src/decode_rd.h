/* decode_rd: the bounds-checked byte readers every decode_*.c layer reads
 * packet memory through (STYLE.md, after tcpdump's GET_BE_U_2).
 *
 * A layer gets a window on packet memory, {p, len}, and never reads past it:
 * each reader checks the offset against the window's length and, on a short
 * read, returns 0 and clears the caller's `ok` flag; a layer does its reads
 * and then tests `ok` once. Packet memory is never cast to a struct. Internal
 * to the decoder: nothing outside src/decode*.c includes this. */
#ifndef TCPLADDER_DECODE_RD_H
#define TCPLADDER_DECODE_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A window on packet memory: p[0 .. len-1] may be read, nothing else. */
struct rd {
	const uint8_t *p;
	size_t len;
};

/* True if n bytes at off lie inside the window (written so that off + n
 * cannot overflow). */
static inline bool rd_has(const struct rd *r, size_t off, size_t n)
{
	return off <= r->len && n <= r->len - off;
}

static inline uint8_t rd_u8(const struct rd *r, size_t off, bool *ok)
{
	if (!rd_has(r, off, 1)) {
		*ok = false;
		return 0;
	}
	return r->p[off];
}

static inline uint16_t rd_be16(const struct rd *r, size_t off, bool *ok)
{
	if (!rd_has(r, off, 2)) {
		*ok = false;
		return 0;
	}
	return (uint16_t)(r->p[off] << 8 | r->p[off + 1]);
}

static inline uint16_t rd_le16(const struct rd *r, size_t off, bool *ok)
{
	if (!rd_has(r, off, 2)) {
		*ok = false;
		return 0;
	}
	return (uint16_t)(r->p[off + 1] << 8 | r->p[off]);
}

static inline uint32_t rd_be32(const struct rd *r, size_t off, bool *ok)
{
	if (!rd_has(r, off, 4)) {
		*ok = false;
		return 0;
	}
	return (uint32_t)r->p[off] << 24 | (uint32_t)r->p[off + 1] << 16 |
	       (uint32_t)r->p[off + 2] << 8 | (uint32_t)r->p[off + 3];
}

static inline uint32_t rd_le32(const struct rd *r, size_t off, bool *ok)
{
	if (!rd_has(r, off, 4)) {
		*ok = false;
		return 0;
	}
	return (uint32_t)r->p[off + 3] << 24 | (uint32_t)r->p[off + 2] << 16 |
	       (uint32_t)r->p[off + 1] << 8 | (uint32_t)r->p[off];
}

/* Copy n bytes at off into dst; on a short read dst is zeroed. */
static inline void rd_copy(const struct rd *r, size_t off, uint8_t *dst,
                           size_t n, bool *ok)
{
	if (!rd_has(r, off, n)) {
		memset(dst, 0, n);
		*ok = false;
		return;
	}
	memcpy(dst, r->p + off, n);
}

/* The window from off to its end (empty if off is past it). */
static inline struct rd rd_tail(const struct rd *r, size_t off)
{
	if (off >= r->len)
		return (struct rd){ .p = r->p, .len = 0 };
	return (struct rd){ .p = r->p + off, .len = r->len - off };
}

/* The same window, cut to at most n bytes. */
static inline struct rd rd_clamp(struct rd r, size_t n)
{
	if (r.len > n)
		r.len = n;
	return r;
}

/* The n bytes at off, as a window of their own (the caller has checked
 * rd_has; a short window is cut to what exists). */
static inline struct rd rd_sub(const struct rd *r, size_t off, size_t n)
{
	return rd_clamp(rd_tail(r, off), n);
}

#endif
