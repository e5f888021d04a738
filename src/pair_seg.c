/* pair_seg: one connection's segments paired across the two taps
 * (pair.h; VANTAGE.md "Pairing segments"). Linear: each direction's keys
 * go into one open-addressing table, B's copies queued per key in frame
 * order, and A's copies take them k-th to k-th. What is left is tried as
 * the pieces of a TSO/GRO whole, grouped by what a whole and its pieces
 * share (ack and timestamps); what is still left was lost between the
 * taps (seen at the sender's) or appeared between them (the receiver's). */
#include "pair.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

const char *pair_fate_name(enum pair_fate f)
{
	switch (f) {
	case PAIR_PAIRED: return "paired";
	case PAIR_LOST_BETWEEN: return "lost_between";
	case PAIR_APPEARED_BETWEEN: return "appeared_between";
	}
	return "?";
}

/* A table of keys, each with a queue of B's segments (indices) and how
 * many copies each side holds. */
struct slot {
	uint64_t key;
	long head, tail;        /* B's queue, through next[] */
	uint32_t count_a, count_b;
	bool used;
};
struct table {
	struct slot *slot;
	size_t mask;
	long *next;             /* per B segment */
};

static int table_init(struct table *t, size_t entries, size_t nb)
{
	size_t cap = 16;
	while (cap < entries * 2)
		cap *= 2;
	t->slot = calloc(cap, sizeof *t->slot);
	t->next = malloc((nb ? nb : 1) * sizeof *t->next);
	t->mask = cap - 1;
	return t->slot && t->next ? 0 : -1;
}

static void table_free(struct table *t)
{
	free(t->slot);
	free(t->next);
}

static struct slot *table_get(struct table *t, uint64_t key)
{
	size_t i = (size_t)key & t->mask;
	while (t->slot[i].used && t->slot[i].key != key)
		i = (i + 1) & t->mask;
	struct slot *s = &t->slot[i];
	if (!s->used) {
		s->used = true;
		s->key = key;
		s->head = s->tail = -1;
	}
	return s;
}

struct ctx {
	const struct pair_seg *a, *b;
	size_t na, nb;
	uint32_t delta[2];      /* [0] c2s, [1] s2c: B's seq less A's */
	long *match_a;          /* A index -> B index, or -1 */
	long *match_b;
	bool *amb_a;
	struct pair_flow_result *r;
	/* With a fit: equal keys only where the receive is not before the
	 * send less the error bound (bound_ns). */
	const struct pair_fit *fit;
	int64_t bound_ns;
};

static int dir_of(const struct pair_seg *s)
{
	return s->from_client ? 0 : 1;
}

/* seq and ack in A's numbers. */
static uint32_t seq_n(const struct ctx *c, const struct pair_seg *s, bool side_b)
{
	return side_b ? s->seq - c->delta[dir_of(s)] : s->seq;
}

static uint32_t ack_n(const struct ctx *c, const struct pair_seg *s, bool side_b)
{
	if (!(s->flags & TCP_ACK))
		return 0;
	return side_b ? s->ack - c->delta[!dir_of(s)] : s->ack;
}

static uint64_t seg_key(const struct ctx *c, const struct pair_seg *s, bool side_b,
                        bool use_ip_id)
{
	uint64_t h = pair_mix(0x5e9, (uint64_t)dir_of(s));
	h = pair_mix(h, seq_n(c, s, side_b));
	h = pair_mix(h, ack_n(c, s, side_b));
	h = pair_mix(h, s->flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_PSH | TCP_ACK | TCP_URG));
	h = pair_mix(h, s->len);
	h = pair_mix(h, s->has_ts);
	h = pair_mix(h, s->has_ts ? ((uint64_t)s->tsval << 32 | s->tsecr) : 0);
	if (use_ip_id)
		h = pair_mix(h, s->has_ip_id ? 0x10000u | s->ip_id : 0);
	return h;
}

/* Could A's segment i and B's j be one, by the clock? (Only asked of
 * equal keys with several copies, with a fit.) */
static bool in_time(const struct ctx *c, size_t i, long j)
{
	int64_t ta = c->a[i].ts_ns, tb = pair_clock_to_a(c->fit, c->b[j].ts_ns);
	bool a_sends = c->a[i].from_client == c->r->a_is_client;
	return a_sends ? tb >= ta - c->bound_ns : ta >= tb - c->bound_ns;
}

/* Do two copies' payloads differ where both captures kept them? Only
 * when both hashed the same number of bytes (the same snap length past
 * them) can their hashes be compared. */
static bool payload_differs(const struct pair_seg *x, const struct pair_seg *y)
{
	return x->hashed && x->hashed == y->hashed && x->hash != y->hash;
}

/* The first of B's copies left in slot s (its predecessor in *prev) that
 * the clock allows for A's segment i and, with by_payload, whose kept
 * payload agrees with it; -1 when none. */
static long first_copy(const struct ctx *c, const struct table *t, const struct slot *s,
                       size_t i, bool by_payload, long *prev)
{
	*prev = -1;
	for (long j = s->head; j >= 0; *prev = j, j = t->next[j]) {
		if (c->fit && !in_time(c, i, j))
			continue;
		if (by_payload && payload_differs(&c->a[i], &c->b[j]))
			continue;
		return j;
	}
	return -1;
}

/* Equal keys, k-th copy to k-th (VANTAGE.md: the payload bytes both
 * captures kept break ties). */
static int pair_exact(struct ctx *c, bool use_ip_id)
{
	struct table t;
	if (table_init(&t, c->na + c->nb, c->nb)) {
		table_free(&t);
		return -1;
	}
	for (size_t j = 0; j < c->nb; j++) {
		struct slot *s = table_get(&t, seg_key(c, &c->b[j], true, use_ip_id));
		t.next[j] = -1;
		if (s->tail >= 0)
			t.next[s->tail] = (long)j;
		else
			s->head = (long)j;
		s->tail = (long)j;
		s->count_b++;
		c->match_b[j] = -1;
	}
	uint64_t *keys = malloc((c->na ? c->na : 1) * sizeof *keys);
	if (!keys) {
		table_free(&t);
		return -1;
	}
	for (size_t i = 0; i < c->na; i++) {
		keys[i] = seg_key(c, &c->a[i], false, use_ip_id);
		table_get(&t, keys[i])->count_a++;
	}
	for (size_t i = 0; i < c->na; i++) {
		struct slot *s = table_get(&t, keys[i]);
		c->match_a[i] = -1;
		c->amb_a[i] = false;
		if (s->head < 0)
			continue;
		bool ambiguous = s->count_a > 1 || s->count_b > 1;
		long prev = -1, j = s->head;
		/* The first copy left that the clock allows, one whose kept
		 * payload bytes agree before any other. */
		if (ambiguous) {
			j = first_copy(c, &t, s, i, true, &prev);
			if (j < 0)
				j = first_copy(c, &t, s, i, false, &prev);
		}
		if (j < 0)
			continue;
		if (prev < 0)
			s->head = t.next[j];
		else
			t.next[prev] = t.next[j];
		c->match_a[i] = j;
		c->match_b[j] = (long)i;
		c->amb_a[i] = ambiguous;
	}
	free(keys);
	table_free(&t);
	return 0;
}

/* VANTAGE.md: the IP ID counts only where at least 90% of otherwise-equal
 * pairs agree on it. */
static bool ip_id_agrees(const struct ctx *c)
{
	size_t both = 0, agree = 0;
	for (size_t i = 0; i < c->na; i++) {
		long j = c->match_a[i];
		if (j < 0 || c->amb_a[i] || !c->a[i].has_ip_id || !c->b[j].has_ip_id)
			continue;
		both++;
		agree += c->a[i].ip_id == c->b[j].ip_id;
	}
	return both > 0 && agree * 10 >= both * 9;
}

/* Which tap is the client's, by the round trip between the taps (the
 * clock cancels), else by TTL, else A. */
static void choose_side(struct ctx *c)
{
	bool have[2] = {false, false};
	int64_t min[2] = {0, 0};
	int ttl_vote = 0;
	for (size_t i = 0; i < c->na; i++) {
		long j = c->match_a[i];
		if (j < 0 || c->amb_a[i])
			continue;
		int d = dir_of(&c->a[i]);
		int64_t v = d == 0 ? c->b[j].ts_ns - c->a[i].ts_ns : c->a[i].ts_ns - c->b[j].ts_ns;
		if (!have[d] || v < min[d])
			min[d] = v;
		have[d] = true;
		if (!ttl_vote && c->a[i].ttl != c->b[j].ttl)
			/* +1: A saw the client's packets nearer their sender. */
			ttl_vote = ((c->a[i].ttl > c->b[j].ttl) == (d == 0)) ? 1 : -1;
	}
	c->r->has_m = have[0] && have[1];
	if (c->r->has_m) {
		c->r->m = min[0] + min[1];
		c->r->a_is_client = c->r->m >= 0; /* 0: one file paired with itself */
	} else {
		c->r->a_is_client = ttl_vote >= 0;
	}
}

static int push(struct pair_flow_result *r, const struct pair_sighting *s)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct pair_sighting *grown = realloc(r->s, cap * sizeof *grown);
		if (!grown)
			return -1;
		r->s = grown;
		r->cap = cap;
	}
	r->s[r->n++] = *s;
	return 0;
}

/* B's rel_seq in A's numbering, per direction: from a pair. */
static void rel_shift(const struct ctx *c, int64_t shift[2])
{
	bool have[2] = {false, false};
	shift[0] = shift[1] = 0;
	for (size_t i = 0; i < c->na && !(have[0] && have[1]); i++) {
		long j = c->match_a[i];
		int d = dir_of(&c->a[i]);
		if (j < 0 || have[d])
			continue;
		shift[d] = c->a[i].rel_seq - c->b[j].rel_seq;
		have[d] = true;
	}
}

struct piece {
	long idx;
	uint32_t off;
};

static int piece_cmp(const void *x, const void *y)
{
	const struct piece *p = x, *q = y;
	return p->off < q->off ? -1 : p->off > q->off;
}

static bool coalescible(const struct pair_seg *s)
{
	return s->len > 0 && !(s->flags & (TCP_SYN | TCP_RST));
}

static uint64_t group_key(const struct ctx *c, const struct pair_seg *s, bool side_b)
{
	uint64_t h = pair_mix(0xc0a1, (uint64_t)dir_of(s));
	h = pair_mix(h, ack_n(c, s, side_b));
	h = pair_mix(h, s->has_ts);
	return pair_mix(h, s->has_ts ? ((uint64_t)s->tsval << 32 | s->tsecr) : 0);
}

/* The leftovers of side x (A when !x_is_b) that are wholes of leftovers
 * of the other side, each piece a row; used[] marks both. */
static int coalesce(struct ctx *c, bool x_is_b, bool *used_x, bool *used_y,
                    const int64_t shift[2])
{
	const struct pair_seg *xs = x_is_b ? c->b : c->a, *ys = x_is_b ? c->a : c->b;
	size_t nx = x_is_b ? c->nb : c->na, ny = x_is_b ? c->na : c->nb;
	const long *mx = x_is_b ? c->match_b : c->match_a;
	const long *my = x_is_b ? c->match_a : c->match_b;
	struct table t;
	struct piece *pieces = NULL;
	size_t pcap = 0;
	int rc = -1;
	if (table_init(&t, ny, ny))
		goto done;
	for (size_t j = 0; j < ny; j++) {
		t.next[j] = -1;
		if (my[j] >= 0 || used_y[j] || !coalescible(&ys[j]))
			continue;
		struct slot *s = table_get(&t, group_key(c, &ys[j], !x_is_b));
		if (s->tail >= 0)
			t.next[s->tail] = (long)j;
		else
			s->head = (long)j;
		s->tail = (long)j;
	}
	for (size_t i = 0; i < nx; i++) {
		const struct pair_seg *w = &xs[i];
		if (mx[i] >= 0 || used_x[i] || !coalescible(w))
			continue;
		struct slot *s = table_get(&t, group_key(c, w, x_is_b));
		uint32_t w_seq = seq_n(c, w, x_is_b);
		size_t np = 0;
		for (long j = s->head; j >= 0; j = t.next[j]) {
			if (used_y[j])
				continue;
			uint32_t off = seq_n(c, &ys[j], !x_is_b) - w_seq;
			if (off >= w->len || ys[j].len > w->len - off)
				continue;
			if (np == pcap) {
				pcap = pcap ? pcap * 2 : 16;
				struct piece *grown = realloc(pieces, pcap * sizeof *grown);
				if (!grown)
					goto done;
				pieces = grown;
			}
			pieces[np++] = (struct piece){j, off};
		}
		if (np == 0)
			continue;
		qsort(pieces, np, sizeof *pieces, piece_cmp);
		/* Tiling: no overlap; gaps (pieces lost between) only when the
		 * whole is at the sender's tap. */
		bool x_sender = (x_is_b != c->r->a_is_client) == w->from_client;
		uint32_t at = 0;
		bool gaps = false, overlap = false;
		for (size_t k = 0; k < np; k++) {
			if (pieces[k].off < at)
				overlap = true;
			if (pieces[k].off > at)
				gaps = true;
			at = pieces[k].off + ys[pieces[k].idx].len;
		}
		gaps = gaps || at < w->len;
		if (overlap || (gaps && !x_sender) || (np < 2 && !gaps))
			continue;
		used_x[i] = true;
		int d = dir_of(w);
		at = 0;
		for (size_t k = 0; k <= np; k++) {
			uint32_t off = k < np ? pieces[k].off : w->len;
			if (off > at) { /* a piece lost between */
				struct pair_sighting g = {
					.ia = x_is_b ? -1 : (long)i, .ib = x_is_b ? (long)i : -1,
					.rel_seq = w->rel_seq + at + (x_is_b ? shift[d] : 0),
					.len = off - at, .flags = w->flags & TCP_ACK,
					.from_client = w->from_client, .fate = PAIR_LOST_BETWEEN,
					.whole = x_is_b ? 'b' : 'a',
				};
				if (push(c->r, &g))
					goto done;
			}
			if (k == np)
				break;
			long j = pieces[k].idx;
			used_y[j] = true;
			const struct pair_seg *p = &ys[j];
			struct pair_sighting row = {
				.ia = x_is_b ? j : (long)i, .ib = x_is_b ? (long)i : j,
				.rel_seq = p->rel_seq + (x_is_b ? 0 : shift[d]),
				.len = p->len, .flags = p->flags, .from_client = p->from_client,
				.fate = PAIR_PAIRED, .whole = x_is_b ? 'b' : 'a',
			};
			if (push(c->r, &row))
				goto done;
			at = pieces[k].off + p->len;
		}
	}
	rc = 0;
done:
	free(pieces);
	table_free(&t);
	return rc;
}

int pair_segments(const struct pair_seg *a, size_t na, const struct pair_seg *b, size_t nb,
                  uint32_t delta_c2s, uint32_t delta_s2c, const struct pair_fit *fit,
                  struct pair_flow_result *r)
{
	memset(r, 0, sizeof *r);
	struct ctx c = {.a = a, .b = b, .na = na, .nb = nb, .delta = {delta_c2s, delta_s2c}, .r = r};
	/* The bound: half the smallest round trip between the taps (or, the
	 * clock given, none beyond a microsecond of rounding). */
	int64_t bound = fit && fit->has_rtt && fit->min_rtt_between_ns > 0
	                ? fit->min_rtt_between_ns / 2 : 0;
	c.match_a = malloc((na + 1) * sizeof *c.match_a);
	c.match_b = malloc((nb + 1) * sizeof *c.match_b);
	c.amb_a = malloc(na + 1);
	bool *used_a = calloc(na + 1, 1), *used_b = calloc(nb + 1, 1);
	int rc = -1;
	if (!c.match_a || !c.match_b || !c.amb_a || !used_a || !used_b)
		goto done;
	if (pair_exact(&c, false))
		goto done;
	if (ip_id_agrees(&c)) {
		r->used_ip_id = true;
		if (pair_exact(&c, true))
			goto done;
	}
	choose_side(&c);
	if (fit && pair_clock_delays_ok(fit)) {
		/* Again, now that the side is known: equal keys within the
		 * clock's reach. */
		c.fit = fit;
		c.bound_ns = bound + 1000;
		if (pair_exact(&c, r->used_ip_id))
			goto done;
	}
	int64_t shift[2];
	rel_shift(&c, shift);
	for (size_t i = 0; i < na; i++) {
		long j = c.match_a[i];
		if (j < 0)
			continue;
		struct pair_sighting s = {
			.ia = (long)i, .ib = j, .rel_seq = a[i].rel_seq, .len = a[i].len,
			.flags = a[i].flags, .from_client = a[i].from_client,
			.fate = PAIR_PAIRED, .ambiguous = c.amb_a[i],
		};
		if (push(r, &s))
			goto done;
	}
	if (coalesce(&c, false, used_a, used_b, shift) || coalesce(&c, true, used_b, used_a, shift))
		goto done;
	for (int side = 0; side < 2; side++) {
		const struct pair_seg *xs = side ? b : a;
		size_t nx = side ? nb : na;
		const long *mx = side ? c.match_b : c.match_a;
		const bool *used = side ? used_b : used_a;
		for (size_t i = 0; i < nx; i++) {
			if (mx[i] >= 0 || used[i])
				continue;
			const struct pair_seg *s = &xs[i];
			bool at_sender = ((side == 1) != r->a_is_client) == s->from_client;
			struct pair_sighting row = {
				.ia = side ? -1 : (long)i, .ib = side ? (long)i : -1,
				.rel_seq = s->rel_seq + (side ? shift[dir_of(s)] : 0),
				.len = s->len, .flags = s->flags, .from_client = s->from_client,
				.fate = at_sender ? PAIR_LOST_BETWEEN : PAIR_APPEARED_BETWEEN,
			};
			if (push(r, &row))
				goto done;
		}
	}
	rc = 0;
done:
	free(c.match_a);
	free(c.match_b);
	free(c.amb_a);
	free(used_a);
	free(used_b);
	if (rc)
		pair_flow_result_free(r);
	return rc;
}

void pair_flow_result_free(struct pair_flow_result *r)
{
	free(r->s);
	memset(r, 0, sizeof *r);
}
