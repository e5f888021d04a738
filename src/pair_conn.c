/* pair_conn: connections paired across two taps by what a NAT leaves
 * alone (pair.h, VANTAGE.md "Pairing connections"): the client's SYN (ISN
 * and TSval), else the server's SYN,ACK, else a run of PAIR_CONN_RUN data
 * segments of one direction agreeing on length and payload hash. B's keys
 * are sorted once and looked up by bisection; each kind of key is tried
 * for every flow before the next kind, so a flow pairs by its best key. */
#include "pair.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"

const char *pair_match_name(enum pair_match m)
{
	switch (m) {
	case PAIR_BY_SYN: return "syn";
	case PAIR_BY_SYNACK: return "synack";
	case PAIR_BY_PAYLOAD: return "payload";
	}
	return "?";
}

void pair_conn_init(struct pair_conn *c, int64_t flow_id, int64_t first_ts_ns)
{
	memset(c, 0, sizeof *c);
	c->flow_id = flow_id;
	c->first_ts_ns = first_ts_ns;
}

void pair_conn_note(struct pair_conn *c, const struct pair_seg *s)
{
	uint8_t syn = s->flags & (TCP_SYN | TCP_ACK | TCP_RST);
	if (syn == TCP_SYN && s->from_client && c->nsyn < 4) {
		c->syn_ts[c->nsyn] = s->has_ts;
		c->syn_tsval[c->nsyn] = s->has_ts ? s->tsval : 0;
		c->syn_isn[c->nsyn++] = s->seq;
	} else if (syn == (TCP_SYN | TCP_ACK) && !s->from_client && c->nsynack < 4) {
		c->synack_ts[c->nsynack] = s->has_ts;
		c->synack_tsval[c->nsynack] = s->has_ts ? s->tsval : 0;
		c->synack_ack[c->nsynack] = s->ack;
		c->synack_isn[c->nsynack++] = s->seq;
	}
	int d = s->from_client ? 0 : 1;
	if (s->len > 0 && !(s->flags & (TCP_SYN | TCP_RST)) && c->ndata[d] < PAIR_CONN_DATA) {
		int i = c->ndata[d]++;
		c->data_item[d][i] = s->hashed ? pair_mix(pair_mix(pair_mix(7, s->len), s->hashed), s->hash) | 1 : 0;
		c->data_seq[d][i] = s->seq;
		c->data_ack[d][i] = s->ack;
	}
}

struct key {
	uint64_t key;
	size_t flow;
};

static int key_cmp(const void *x, const void *y)
{
	const struct key *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->flow < b->flow ? -1 : a->flow > b->flow;
}

/* The keys of one kind of flow c, into k (at most 16); how many. */
static int keys_of(const struct pair_conn *c, enum pair_match kind, uint64_t *k)
{
	int n = 0;
	switch (kind) {
	case PAIR_BY_SYN:
		for (int i = 0; i < c->nsyn; i++)
			k[n++] = pair_mix(pair_mix(pair_mix(1, c->syn_isn[i]), c->syn_ts[i]), c->syn_tsval[i]);
		break;
	case PAIR_BY_SYNACK:
		for (int i = 0; i < c->nsynack; i++)
			k[n++] = pair_mix(pair_mix(pair_mix(2, c->synack_isn[i]), c->synack_ts[i]),
			             c->synack_tsval[i]);
		break;
	case PAIR_BY_PAYLOAD:
		for (int d = 0; d < 2; d++)
			for (int i = 0; i + PAIR_CONN_RUN <= c->ndata[d]; i++) {
				uint64_t h = pair_mix(3, (uint64_t)d);
				bool ok = true;
				for (int j = i; j < i + PAIR_CONN_RUN; j++) {
					ok = ok && c->data_item[d][j] != 0;
					h = pair_mix(h, c->data_item[d][j]);
				}
				if (ok)
					k[n++] = h;
			}
		break;
	}
	return n;
}

static int64_t distance(int64_t x, int64_t y)
{
	return x > y ? x - y : y - x;
}

/* One direction's delta from the first data segment both saw alike:
 * that direction's seq and the other's ack. */
static void deltas_from_data(const struct pair_conn *a, const struct pair_conn *b,
                             struct pair_conn_match *m)
{
	for (int d = 0; d < 2; d++) {
		bool *mine = d ? &m->has_delta_s2c : &m->has_delta_c2s;
		bool *other = d ? &m->has_delta_c2s : &m->has_delta_s2c;
		uint32_t *dm = d ? &m->delta_s2c : &m->delta_c2s;
		uint32_t *dother = d ? &m->delta_c2s : &m->delta_s2c;
		for (int i = 0; i < a->ndata[d] && !(*mine && *other); i++)
			for (int j = 0; j < b->ndata[d]; j++) {
				if (a->data_item[d][i] == 0 || a->data_item[d][i] != b->data_item[d][j])
					continue;
				if (!*mine) {
					*mine = true;
					*dm = b->data_seq[d][j] - a->data_seq[d][i];
				}
				if (!*other) {
					*other = true;
					*dother = b->data_ack[d][j] - a->data_ack[d][i];
				}
				break;
			}
	}
}

static void set_deltas(const struct pair_conn *a, const struct pair_conn *b,
                       struct pair_conn_match *m)
{
	if (a->nsyn && b->nsyn) {
		m->has_delta_c2s = true;
		m->delta_c2s = b->syn_isn[0] - a->syn_isn[0];
	} else if (a->nsynack && b->nsynack) {
		m->has_delta_c2s = true;
		m->delta_c2s = b->synack_ack[0] - a->synack_ack[0];
	}
	if (a->nsynack && b->nsynack) {
		m->has_delta_s2c = true;
		m->delta_s2c = b->synack_isn[0] - a->synack_isn[0];
	}
	if (!m->has_delta_c2s || !m->has_delta_s2c)
		deltas_from_data(a, b, m);
}

long pair_connections(const struct pair_conn *a, size_t na, const struct pair_conn *b,
                      size_t nb, struct pair_conn_match **out)
{
	*out = NULL;
	size_t cap = na < nb ? na : nb;
	if (cap == 0)
		return 0;
	struct pair_conn_match *m = malloc(cap * sizeof *m);
	size_t *a_to = malloc(na * sizeof *a_to);
	bool *b_taken = calloc(nb, sizeof *b_taken);
	struct key *keys = NULL;
	long count = -1;
	if (!m || !a_to || !b_taken)
		goto done;
	for (size_t i = 0; i < na; i++)
		a_to[i] = SIZE_MAX;
	size_t found = 0;
	for (int kind = PAIR_BY_SYN; kind <= PAIR_BY_PAYLOAD; kind++) {
		/* B's keys of this kind, sorted. */
		size_t nk = 0, kcap = 0;
		free(keys);
		keys = NULL;
		for (size_t j = 0; j < nb; j++) {
			uint64_t k[16];
			int n = b_taken[j] ? 0 : keys_of(&b[j], (enum pair_match)kind, k);
			if (nk + (size_t)n > kcap) {
				kcap = (kcap + (size_t)n) * 2;
				struct key *grown = realloc(keys, kcap * sizeof *keys);
				if (!grown)
					goto done;
				keys = grown;
			}
			for (int i = 0; i < n; i++)
				keys[nk++] = (struct key){k[i], j};
		}
		if (nk == 0)
			continue;
		qsort(keys, nk, sizeof *keys, key_cmp);
		for (size_t i = 0; i < na; i++) {
			if (a_to[i] != SIZE_MAX)
				continue;
			uint64_t k[16];
			int n = keys_of(&a[i], (enum pair_match)kind, k);
			size_t best = SIZE_MAX;
			for (int q = 0; q < n; q++) {
				/* The first entry with this key. */
				size_t lo = 0, hi = nk;
				while (lo < hi) {
					size_t mid = lo + (hi - lo) / 2;
					if (keys[mid].key < k[q])
						lo = mid + 1;
					else
						hi = mid;
				}
				for (size_t e = lo; e < nk && keys[e].key == k[q]; e++) {
					size_t j = keys[e].flow;
					if (b_taken[j])
						continue;
					if (best == SIZE_MAX ||
					    distance(a[i].first_ts_ns, b[j].first_ts_ns) <
					    distance(a[i].first_ts_ns, b[best].first_ts_ns))
						best = j;
				}
			}
			if (best == SIZE_MAX)
				continue;
			a_to[i] = best;
			b_taken[best] = true;
			struct pair_conn_match *p = &m[found++];
			memset(p, 0, sizeof *p);
			p->ia = i;
			p->ib = best;
			p->by = (enum pair_match)kind;
			set_deltas(&a[i], &b[best], p);
		}
	}
	count = (long)found;
	if (found == 0) {
		free(m);
		m = NULL;
	}
	*out = m;
	m = NULL;
done:
	free(m);
	free(a_to);
	free(b_taken);
	free(keys);
	return count;
}
