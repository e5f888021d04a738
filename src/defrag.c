/* defrag: see defrag.h. Each datagram being reassembled holds a buffer
 * for its payload (grown to the furthest byte seen, at most 64 KiB) with
 * room for a header in front, and two sets of byte ranges: the bytes its
 * fragments declared (which say when it is complete, and whether a
 * fragment overlaps another) and the bytes the capture holds (a fragment
 * cut by the snap length declares more than it brings). Datagrams are
 * found by a seeded hash of their key and kept in one list per IP version
 * in order of their first fragment, which, capture time only moving
 * forward, is also the order of their deadlines. */
#include "defrag.h"

#include <stdlib.h>
#include <string.h>

enum {
	/* Ranges a datagram may be in before it is given up: in-order
	 * fragments make one, and even a reordered datagram a few. */
	MAX_SPANS = 32,
	BUCKETS = 1024,      /* a power of two */
	HEADER_ROOM = 40,    /* IPv6's fixed header; IPv4's 20 fit too */
	IPV4_HEADER = 20,
	BUF_STEP = 2048,     /* buffers grow by this much at least */
};

struct span {
	uint32_t start, end; /* [start, end) */
};

struct span_set {
	uint32_t n;
	struct span s[MAX_SPANS]; /* sorted, disjoint, not touching */
};

struct datagram {
	struct datagram *hash_next;
	struct datagram *older, *newer; /* its version's list */
	uint64_t hash;
	uint8_t ip_version, proto;
	uint8_t src[16], dst[16];
	uint32_t id;
	int64_t first_ns;     /* capture time of its first fragment */
	bool has_end, overlapped;
	uint32_t end;         /* its payload's length, from the last fragment */
	uint8_t *buf;         /* HEADER_ROOM bytes, then the payload */
	uint32_t room;        /* payload bytes buf has room for */
	struct span_set declared, captured;
};

struct datagram_list {
	struct datagram *oldest, *newest;
};

struct defrag {
	struct defrag_limits limits;
	uint64_t seed;
	struct datagram *buckets[BUCKETS];
	struct datagram_list list[2]; /* IPv4, IPv6 */
	size_t count, bytes;
	struct datagram *done; /* the last one completed, freed at the next call */
	struct defrag_counts counts;
};

void defrag_default_limits(struct defrag_limits *limits)
{
	limits->max_bytes = DEFRAG_DEFAULT_MAX_BYTES;
	limits->max_datagrams = DEFRAG_DEFAULT_MAX_DATAGRAMS;
	limits->timeout_ns[0] = DEFRAG_IPV4_TIMEOUT_NS;
	limits->timeout_ns[1] = DEFRAG_IPV6_TIMEOUT_NS;
}

struct defrag *defrag_new(const struct defrag_limits *limits, uint64_t hash_seed)
{
	struct defrag *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->limits = *limits;
	d->seed = hash_seed;
	return d;
}

static void datagram_free(struct datagram *g)
{
	if (g) {
		free(g->buf);
		free(g);
	}
}

/* --- byte ranges ------------------------------------------------------ */

static bool spans_overlap(const struct span_set *set, uint32_t start, uint32_t end)
{
	for (uint32_t i = 0; i < set->n; i++)
		if (set->s[i].start < end && set->s[i].end > start)
			return true;
	return false;
}

/* Add [start, end), merging what it touches. False when the set is full. */
static bool spans_add(struct span_set *set, uint32_t start, uint32_t end)
{
	uint32_t i = 0;
	while (i < set->n && set->s[i].end < start)
		i++;
	uint32_t j = i;
	for (; j < set->n && set->s[j].start <= end; j++) {
		if (set->s[j].start < start)
			start = set->s[j].start;
		if (set->s[j].end > end)
			end = set->s[j].end;
	}
	if (i == j) {
		if (set->n == MAX_SPANS)
			return false;
		memmove(&set->s[i + 1], &set->s[i], (set->n - i) * sizeof set->s[0]);
		set->n++;
	} else {
		memmove(&set->s[i + 1], &set->s[j], (set->n - j) * sizeof set->s[0]);
		set->n -= j - i - 1;
	}
	set->s[i] = (struct span){start, end};
	return true;
}

/* Copy the bytes of [start, end) that set does not hold yet from src (which
 * starts at start) into dst (which starts at 0): the first copy wins. */
static void copy_new_bytes(const struct span_set *set, uint32_t start, uint32_t end,
                           uint8_t *dst, const uint8_t *src)
{
	uint32_t pos = start;
	for (uint32_t i = 0; i < set->n && pos < end; i++) {
		const struct span *s = &set->s[i];
		if (s->end <= pos)
			continue;
		if (s->start >= end)
			break;
		if (s->start > pos)
			memcpy(dst + pos, src + (pos - start), s->start - pos);
		pos = s->end;
	}
	if (pos < end)
		memcpy(dst + pos, src + (pos - start), end - pos);
}

/* --- the table -------------------------------------------------------- */

static size_t addr_len(uint8_t ip_version)
{
	return ip_version == 6 ? 16 : 4;
}

static uint64_t key_hash(uint64_t seed, const struct ip_fragment *f)
{
	/* FNV-1a over the key, from a random seed: a capture cannot choose
	 * which datagrams share a chain. */
	uint64_t h = seed ^ 0xcbf29ce484222325ULL;
	uint8_t head[6] = {f->ip_version, f->proto, (uint8_t)(f->id >> 24),
	                   (uint8_t)(f->id >> 16), (uint8_t)(f->id >> 8), (uint8_t)f->id};
	const uint8_t *parts[3] = {head, f->src_addr, f->dst_addr};
	size_t lens[3] = {sizeof head, addr_len(f->ip_version), addr_len(f->ip_version)};
	for (int p = 0; p < 3; p++)
		for (size_t i = 0; i < lens[p]; i++)
			h = (h ^ parts[p][i]) * 0x100000001b3ULL;
	return h;
}

static bool same_key(const struct datagram *g, const struct ip_fragment *f)
{
	size_t n = addr_len(f->ip_version);
	return g->ip_version == f->ip_version && g->proto == f->proto && g->id == f->id &&
	       memcmp(g->src, f->src_addr, n) == 0 && memcmp(g->dst, f->dst_addr, n) == 0;
}

static struct datagram_list *list_of(struct defrag *d, const struct datagram *g)
{
	return &d->list[g->ip_version == 6];
}

/* Unlink g from the table: the caller frees it or keeps it. */
static void unlink_datagram(struct defrag *d, struct datagram *g)
{
	struct datagram **p = &d->buckets[g->hash & (BUCKETS - 1)];
	while (*p != g)
		p = &(*p)->hash_next;
	*p = g->hash_next;
	struct datagram_list *l = list_of(d, g);
	if (g->older)
		g->older->newer = g->newer;
	else
		l->oldest = g->newer;
	if (g->newer)
		g->newer->older = g->older;
	else
		l->newest = g->older;
	d->count--;
	d->bytes -= g->room;
}

static void give_up(struct defrag *d, struct datagram *g)
{
	unlink_datagram(d, g);
	d->counts.incomplete++;
	if (g->overlapped)
		d->counts.overlapping++;
	datagram_free(g);
}

/* The datagram held longest, of either version, other than `keep`. */
static struct datagram *oldest(struct defrag *d, const struct datagram *keep)
{
	struct datagram *a = d->list[0].oldest, *b = d->list[1].oldest;
	if (a && a == keep)
		a = a->newer;
	if (b && b == keep)
		b = b->newer;
	if (!a || !b)
		return a ? a : b;
	return a->first_ns <= b->first_ns ? a : b;
}

static struct datagram *find_or_add(struct defrag *d, const struct ip_fragment *f,
                                    int64_t now_ns)
{
	uint64_t h = key_hash(d->seed, f);
	for (struct datagram *g = d->buckets[h & (BUCKETS - 1)]; g; g = g->hash_next)
		if (g->hash == h && same_key(g, f))
			return g;
	struct datagram *o;
	while (d->count >= d->limits.max_datagrams && (o = oldest(d, NULL)))
		give_up(d, o);
	struct datagram *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->hash = h;
	g->ip_version = f->ip_version;
	g->proto = f->proto;
	g->id = f->id;
	memcpy(g->src, f->src_addr, addr_len(f->ip_version));
	memcpy(g->dst, f->dst_addr, addr_len(f->ip_version));
	g->first_ns = now_ns;
	g->hash_next = d->buckets[h & (BUCKETS - 1)];
	d->buckets[h & (BUCKETS - 1)] = g;
	struct datagram_list *l = list_of(d, g);
	g->older = l->newest;
	if (l->newest)
		l->newest->newer = g;
	else
		l->oldest = g;
	l->newest = g;
	d->count++;
	return g;
}

/* Room in g's buffer for payload up to end, within the byte budget
 * (older datagrams give way). False when it cannot be had. */
static bool make_room(struct defrag *d, struct datagram *g, uint32_t end)
{
	if (end <= g->room)
		return true;
	uint32_t room = (end + BUF_STEP - 1) / BUF_STEP * BUF_STEP;
	struct datagram *o;
	while (d->bytes + (room - g->room) > d->limits.max_bytes && (o = oldest(d, g)))
		give_up(d, o);
	if (d->bytes + (room - g->room) > d->limits.max_bytes)
		return false;
	uint8_t *buf = realloc(g->buf, HEADER_ROOM + (size_t)room);
	if (!buf)
		return false;
	memset(buf + HEADER_ROOM + g->room, 0, room - g->room);
	d->bytes += room - g->room;
	g->buf = buf;
	g->room = room;
	return true;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The header in front of the payload; returns where the datagram starts. */
static uint8_t *write_header(struct datagram *g)
{
	uint8_t *payload = g->buf + HEADER_ROOM;
	if (g->ip_version == 4) {
		uint8_t *h = payload - IPV4_HEADER;
		memset(h, 0, IPV4_HEADER);
		h[0] = 0x45;
		put16(h + 2, IPV4_HEADER + g->end); /* fits: decode.c's limit */
		put16(h + 4, g->id);
		h[8] = 64;
		h[9] = g->proto;
		memcpy(h + 12, g->src, 4);
		memcpy(h + 16, g->dst, 4);
		return h;
	}
	uint8_t *h = g->buf;
	memset(h, 0, HEADER_ROOM);
	h[0] = 0x60;
	put16(h + 4, g->end);
	h[6] = g->proto;
	h[7] = 64;
	memcpy(h + 8, g->src, 16);
	memcpy(h + 24, g->dst, 16);
	return h;
}

bool defrag_add(struct defrag *d, const struct ip_fragment *f, int64_t now_ns,
                const uint8_t **datagram, uint32_t *captured, uint32_t *len)
{
	datagram_free(d->done);
	d->done = NULL;
	struct datagram *g = find_or_add(d, f, now_ns);
	if (!g)
		return false;

	uint32_t start = f->offset, end = f->offset + f->len;
	/* The first last fragment fixes the length; bytes past it, or
	 * another length claimed, are an overlap whose first version wins. */
	if (!f->more) {
		if (!g->has_end && !spans_overlap(&g->declared, end, UINT32_MAX)) {
			g->has_end = true;
			g->end = end;
		} else if (!g->has_end || g->end != end) {
			g->overlapped = true;
		}
	}
	if (g->has_end && end > g->end) {
		g->overlapped = true;
		end = g->end;
	}
	if (start < end) {
		if (spans_overlap(&g->declared, start, end))
			g->overlapped = true;
		uint32_t cap_end = f->offset + f->captured < end ? f->offset + f->captured : end;
		if (!make_room(d, g, end)) {
			give_up(d, g);
			return false;
		}
		/* The data before its range joins the set: only holes fill. */
		if (start < cap_end)
			copy_new_bytes(&g->captured, start, cap_end, g->buf + HEADER_ROOM, f->data);
		if (!spans_add(&g->declared, start, end) ||
		    (start < cap_end && !spans_add(&g->captured, start, cap_end))) {
			give_up(d, g);
			return false;
		}
	}
	if (!g->has_end || g->declared.n != 1 || g->declared.s[0].start != 0 ||
	    g->declared.s[0].end != g->end)
		return false;

	unlink_datagram(d, g);
	d->counts.reassembled++;
	if (g->overlapped)
		d->counts.overlapping++;
	d->done = g;
	uint8_t *h = write_header(g);
	uint32_t header = (uint32_t)(g->buf + HEADER_ROOM - h);
	uint32_t have = g->captured.n && g->captured.s[0].start == 0 ? g->captured.s[0].end : 0;
	*datagram = h;
	*len = header + g->end;
	*captured = header + have;
	return true;
}

void defrag_expire(struct defrag *d, int64_t now_ns)
{
	for (int v = 0; v < 2; v++) {
		struct datagram *g;
		while ((g = d->list[v].oldest) && now_ns - g->first_ns >= d->limits.timeout_ns[v])
			give_up(d, g);
	}
}

void defrag_counts(const struct defrag *d, struct defrag_counts *counts)
{
	*counts = d->counts;
	counts->incomplete += d->count;
	for (int v = 0; v < 2; v++)
		for (const struct datagram *g = d->list[v].oldest; g; g = g->newer)
			counts->overlapping += g->overlapped;
}

void defrag_free(struct defrag *d)
{
	if (!d)
		return;
	for (int v = 0; v < 2; v++) {
		struct datagram *g = d->list[v].oldest;
		while (g) {
			struct datagram *next = g->newer;
			datagram_free(g);
			g = next;
		}
	}
	datagram_free(d->done);
	free(d);
}
