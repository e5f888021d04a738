/* pair_state: both endpoints' states in a flow pair, each driven by its
 * own tap (pair.h; VANTAGE.md "pair_transitions"). An endpoint's tap sees
 * what it sent and what reached it, so its segments in that capture's
 * order, fed to the state machine of tcpstate.c, give its states at their
 * real send and receive times. The machine waits for proof that a SYN or
 * FIN arrived; here the tap saw it arrive, so a proof is fed at once: a
 * bare segment of the same direction just past it, which TCP's in-order
 * delivery makes a proof (tcpstate.c, step 2) and which changes nothing
 * else of the endpoint followed. The other endpoint's changes in that run
 * are its view as seen from here, and are dropped. */
#include "pair.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "tcpstate.h"

struct step {
	long idx;               /* in that tap's segments */
	size_t sighting;
};

static int step_cmp(const void *x, const void *y)
{
	const struct step *p = x, *q = y;
	if (p->idx != q->idx)
		return p->idx < q->idx ? -1 : 1;
	return p->sighting < q->sighting ? -1 : p->sighting > q->sighting;
}

static int push(struct pair_transition **out, size_t *n, size_t *cap,
                const struct pair_transition *t)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct pair_transition *grown = realloc(*out, c * sizeof *grown);
		if (!grown)
			return -1;
		*out = grown;
		*cap = c;
	}
	(*out)[(*n)++] = *t;
	return 0;
}

static int keep(const struct tcpst_result *res, int endpoint, size_t sighting,
                bool appeared, struct pair_transition **out, size_t *n, size_t *cap)
{
	for (int k = 0; k < res->count; k++) {
		const struct tcpst_change *ch = &res->change[k];
		if (ch->endpoint != endpoint)
			continue;
		struct pair_transition t = {
			.endpoint = endpoint, .sighting = sighting, .from = ch->from,
			.to = ch->to, .event = ch->event, .appeared = appeared,
		};
		if (push(out, n, cap, &t))
			return -1;
	}
	return 0;
}

long pair_states(const struct pair_seg *a, size_t na, const struct pair_seg *b, size_t nb,
                 const struct pair_flow_result *r, struct pair_transition **out)
{
	*out = NULL;
	size_t n = 0, cap = 0;
	struct step *steps = malloc((r->n + 1) * sizeof *steps);
	if (!steps)
		return -1;
	for (int e = TCPST_CLIENT; e <= TCPST_SERVER; e++) {
		bool tap_a = (e == TCPST_CLIENT) == r->a_is_client;
		const struct pair_seg *segs = tap_a ? a : b;
		size_t nsegs = tap_a ? na : nb;
		size_t ns = 0;
		for (size_t i = 0; i < r->n; i++) {
			long idx = tap_a ? r->s[i].ia : r->s[i].ib;
			if (idx >= 0 && (size_t)idx < nsegs)
				steps[ns++] = (struct step){idx, i};
		}
		qsort(steps, ns, sizeof *steps, step_cmp);
		struct tcpst_conn conn;
		tcpst_init(&conn);
		struct tcpst_result res;
		for (size_t k = 0; k < ns; k++) {
			/* A whole's pieces share its frame: it went by once. */
			if (k > 0 && steps[k].idx == steps[k - 1].idx)
				continue;
			const struct pair_seg *s = &segs[steps[k].idx];
			size_t sighting = steps[k].sighting;
			bool appeared = r->s[sighting].fate == PAIR_APPEARED_BETWEEN;
			struct tcpst_segment ts = {
				.frame = s->frame, .rel_seq = s->rel_seq, .rel_ack = s->rel_ack,
				.len = s->len, .win = s->win,
				.from = s->from_client ? TCPST_CLIENT : TCPST_SERVER,
				.flags = s->flags,
			};
			tcpst_apply(&conn, &ts, &res);
			if (keep(&res, e, sighting, appeared, out, &n, &cap))
				goto failed;
			bool received = ts.from != e;
			if (received && (s->flags & (TCP_SYN | TCP_FIN)) && !(s->flags & TCP_RST)) {
				struct tcpst_segment proof = {
					.frame = s->frame,
					.rel_seq = s->rel_seq + s->len + 1,
					.win = s->win, .from = ts.from, .flags = 0,
				};
				tcpst_apply(&conn, &proof, &res);
				if (keep(&res, e, sighting, appeared, out, &n, &cap))
					goto failed;
			}
		}
	}
	free(steps);
	return (long)n;
failed:
	free(steps);
	free(*out);
	*out = NULL;
	return -1;
}
