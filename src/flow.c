/* flow: see flow.h. A chained hash table (chains through the flows
 * themselves, so a lookup allocates nothing) plus two activity lists, oldest
 * first: connections still open, and connections finished (closed, reset or
 * in TIME_WAIT), which leave after the short close delay instead of the
 * idle timeout. Capture time only moves forward here: a packet stamped
 * earlier than one before it expires nothing. */
#include "flow.h"
#include "flow_state.h"

#include <stdlib.h>
#include <string.h>

struct flow_list {
	struct flow *head, *tail; /* head: least recently active */
};

struct flow_table {
	struct flow_limits limits;
	uint64_t seed;
	struct flow **buckets;
	size_t mask;    /* bucket count - 1, a power of two minus one */
	size_t count;
	struct flow_list open, finished;
};

enum { INITIAL_BUCKETS = 1024 };

struct flow_table *flow_table_new(const struct flow_limits *limits,
                                  uint64_t hash_seed)
{
	struct flow_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->limits = *limits;
	t->seed = hash_seed;
	t->buckets = calloc(INITIAL_BUCKETS, sizeof *t->buckets);
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	t->mask = INITIAL_BUCKETS - 1;
	return t;
}

void flow_table_free(struct flow_table *table)
{
	if (!table)
		return;
	struct flow *f;
	while ((f = flow_table_take_any(table)))
		flow_free(f);
	free(table->buckets);
	free(table);
}

size_t flow_table_count(const struct flow_table *table)
{
	return table->count;
}

void flow_free(struct flow *f)
{
	if (!f)
		return;
	if (f->rare)
		free(f->rare->tunnel);
	free(f->rare);
	free(f->state);
	free(f);
}

/* f's rare parts, allocated zeroed at their first need; NULL when out of
 * memory. */
static struct flow_rare *rare_of(struct flow *f)
{
	if (!f->rare)
		f->rare = calloc(1, sizeof *f->rare);
	return f->rare;
}

int flow_note_tunnel(struct flow *f, const struct decode_tunnel *path, unsigned n)
{
	uint64_t hash = decode_tunnel_path_hash(path, n);
	if (f->packets[0] + f->packets[1] > 0) {
		if (hash != (f->rare ? f->rare->tunnel_hash : 0)) {
			if (!rare_of(f))
				return -1;
			f->rare->tunnel_changes++;
		}
		return 0;
	}
	if (n == 0)
		return 0; /* hash is 0 (decode.h): f->rare's, absent, says so */
	if (!rare_of(f))
		return -1;
	f->rare->tunnel_hash = hash;
	char probe[1];
	int need = decode_tunnel_path_text(path, n, probe, sizeof probe);
	f->rare->tunnel = malloc((size_t)need + 1);
	if (!f->rare->tunnel)
		return -1;
	decode_tunnel_path_text(path, n, f->rare->tunnel, (size_t)need + 1);
	return 0;
}

/* --- keys ------------------------------------------------------------ */

static size_t addr_len(uint8_t ip_version)
{
	return ip_version == 6 ? 16 : 4;
}

/* Order two endpoints so that a key hashes the same both ways. */
static int endpoint_cmp(const uint8_t *a, uint16_t a_port, const uint8_t *b,
                        uint16_t b_port, size_t len)
{
	int c = memcmp(a, b, len);
	if (c)
		return c;
	return (a_port > b_port) - (a_port < b_port);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	/* A multiply-xorshift round (as in splitmix64): cheap, and with a
	 * random seed a capture cannot choose its own collisions. */
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 31;
	return h;
}

static uint64_t hash_endpoints(uint64_t seed, uint8_t ip_version,
                               const uint8_t *a, uint16_t a_port,
                               const uint8_t *b, uint16_t b_port)
{
	size_t len = addr_len(ip_version);
	if (endpoint_cmp(a, a_port, b, b_port, len) > 0) {
		const uint8_t *t = a;
		uint16_t tp = a_port;
		a = b, a_port = b_port, b = t, b_port = tp;
	}
	uint64_t h = mix(seed, ip_version);
	for (size_t i = 0; i < len; i += 4) {
		uint32_t wa, wb;
		memcpy(&wa, a + i, 4);
		memcpy(&wb, b + i, 4);
		h = mix(h, ((uint64_t)wa << 32) | wb);
	}
	return mix(h, ((uint64_t)a_port << 16) | b_port);
}

static bool same_endpoint(const struct flow *f, int side, const uint8_t *addr,
                          uint16_t port)
{
	return f->port[side] == port &&
	       memcmp(f->addr[side], addr, addr_len(f->ip_version)) == 0;
}

/* --- activity lists --------------------------------------------------- */

static void list_unlink(struct flow_list *list, struct flow *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		list->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		list->tail = f->prev;
	f->prev = f->next = NULL;
}

static void list_append(struct flow_list *list, struct flow *f)
{
	f->prev = list->tail;
	f->next = NULL;
	if (list->tail)
		list->tail->next = f;
	else
		list->head = f;
	list->tail = f;
}

static struct flow_list *list_of(struct flow_table *t, const struct flow *f)
{
	return f->in_finished_list ? &t->finished : &t->open;
}

/* --- table ------------------------------------------------------------ */

static void grow(struct flow_table *t)
{
	size_t n = (t->mask + 1) * 2;
	struct flow **b = calloc(n, sizeof *b);
	if (!b)
		return; /* keep working with longer chains */
	for (size_t i = 0; i <= t->mask; i++) {
		struct flow *f = t->buckets[i];
		while (f) {
			struct flow *next = f->hash_next;
			f->hash_next = b[f->hash & (n - 1)];
			b[f->hash & (n - 1)] = f;
			f = next;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->mask = n - 1;
}

struct flow *flow_table_find(struct flow_table *t,
                             const struct tcp_segment *seg, bool *from_client)
{
	uint64_t h = hash_endpoints(t->seed, seg->ip_version, seg->src_addr,
	                            seg->src_port, seg->dst_addr, seg->dst_port);
	for (struct flow *f = t->buckets[h & t->mask]; f; f = f->hash_next) {
		if (f->hash != h || f->ip_version != seg->ip_version)
			continue;
		if (same_endpoint(f, TCPST_CLIENT, seg->src_addr, seg->src_port) &&
		    same_endpoint(f, TCPST_SERVER, seg->dst_addr, seg->dst_port)) {
			*from_client = true;
			return f;
		}
		if (same_endpoint(f, TCPST_SERVER, seg->src_addr, seg->src_port) &&
		    same_endpoint(f, TCPST_CLIENT, seg->dst_addr, seg->dst_port)) {
			*from_client = false;
			return f;
		}
	}
	return NULL;
}

bool flow_is_reused_by(const struct flow *f, const struct tcp_segment *seg,
                       bool from_client)
{
	if ((seg->flags & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
		return false; /* a RST is a RST whatever else it carries */
	int sender = from_client ? TCPST_CLIENT : TCPST_SERVER;
	if (f->has_isn[sender] && f->isn[sender] == seg->seq)
		return false; /* a retransmitted SYN */
	struct flow_state scratch;
	if (tcpst_is_finished(&flow_state_view(f, &scratch)->tcp))
		return true;
	return from_client && f->only_client_syns;
}

/* Who is the server of a connection first seen mid-stream: the endpoint on
 * a port below 1024, else the lower port; ties go to the destination. */
static bool source_is_server(const struct tcp_segment *seg)
{
	bool src_low = seg->src_port < 1024, dst_low = seg->dst_port < 1024;
	if (src_low != dst_low)
		return src_low;
	return seg->src_port < seg->dst_port;
}

struct flow *flow_table_add(struct flow_table *t, const struct tcp_segment *seg,
                            int64_t id, bool *from_client)
{
	struct flow *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	/* A RST is a RST whatever else it carries: no SYN to take roles from. */
	bool syn = (seg->flags & (TCP_SYN | TCP_RST)) == TCP_SYN;
	bool ack = seg->flags & TCP_ACK;
	if (syn)
		*from_client = !ack; /* a SYN,ACK's receiver is the client */
	else
		*from_client = !source_is_server(seg);
	int src = *from_client ? TCPST_CLIENT : TCPST_SERVER;
	f->id = id;
	f->ip_version = seg->ip_version;
	memcpy(f->addr[src], seg->src_addr, 16);
	memcpy(f->addr[!src], seg->dst_addr, 16);
	f->port[src] = seg->src_port;
	f->port[!src] = seg->dst_port;
	f->mid_stream = !syn;
	f->only_client_syns = true;
	f->syn_ts_ns = -1;
	for (int side = 0; side < 2; side++)
		f->wscale[side] = f->mss[side] = f->sack_ok[side] = -1;

	f->hash = hash_endpoints(t->seed, seg->ip_version, seg->src_addr,
	                         seg->src_port, seg->dst_addr, seg->dst_port);
	struct flow **bucket = &t->buckets[f->hash & t->mask];
	f->hash_next = *bucket;
	*bucket = f;
	list_append(&t->open, f);
	if (++t->count > t->mask + 1)
		grow(t);
	return f;
}

void flow_record(struct flow_table *t, struct flow *f, struct flow_state *st,
                 const struct tcp_segment *seg, bool from_client,
                 uint64_t frame, int64_t ts_ns, int64_t now_ns)
{
	int dir = from_client ? TCPST_CLIENT : TCPST_SERVER;
	if (f->packets[0] + f->packets[1] == 0) {
		f->first_ts_ns = f->last_ts_ns = ts_ns;
		f->first_frame = frame;
	}
	if (ts_ns > f->last_ts_ns)
		f->last_ts_ns = ts_ns;
	f->active_ns = now_ns;
	f->last_frame = frame;
	f->packets[dir]++;
	f->bytes[dir] += seg->payload_len;

	bool syn = seg->flags & TCP_SYN, ack = seg->flags & TCP_ACK;
	if (syn && !f->has_isn[dir]) {
		f->has_isn[dir] = true;
		f->isn[dir] = seg->seq;
		f->wscale[dir] = seg->opt.has_wscale ? seg->opt.wscale : -1;
		f->mss[dir] = seg->opt.has_mss ? seg->opt.mss : -1;
		f->sack_ok[dir] = seg->opt.sack_permitted;
	}
	if (!(from_client && syn && !ack))
		f->only_client_syns = false;
	if (from_client && syn && !ack && f->syn_ts_ns < 0)
		f->syn_ts_ns = ts_ns;
	/* The handshake as the capture point sees it: the client's first
	 * SYN, the first SYN,ACK answering it, and the client's first ACK of
	 * that SYN,ACK. Their sum is tshark's tcp.analysis.initial_rtt when
	 * nothing is retransmitted. */
	if (!from_client && syn && ack && st->synack_ts_ns < 0 && f->syn_ts_ns >= 0 &&
	    f->has_isn[TCPST_CLIENT] && seg->ack == f->isn[TCPST_CLIENT] + 1) {
		st->synack_ts_ns = ts_ns;
		st->syn_synack_ns = ts_ns - f->syn_ts_ns;
	}
	/* Of that SYN,ACK, or of a later one with its own ISN that the
	 * client took instead (the server's numbers now count from it). */
	const struct seq_space *server = &st->space[TCPST_SERVER];
	if (from_client && !syn && ack && st->handshake_rtt_ns < 0 &&
	    f->syn_ts_ns >= 0 && f->has_isn[TCPST_SERVER] &&
	    (seg->ack == f->isn[TCPST_SERVER] + 1 ||
	     (server->base_is_isn && seg->ack == server->base + 1))) {
		st->handshake_rtt_ns = ts_ns - f->syn_ts_ns;
		if (st->synack_ts_ns >= 0)
			st->synack_ack_ns = ts_ns - st->synack_ts_ns;
	}

	/* Move to the back of its list, which may now be the finished one. */
	list_unlink(list_of(t, f), f);
	f->in_finished_list = tcpst_is_finished(&st->tcp);
	list_append(list_of(t, f), f);
}

int flow_count_analysis(struct flow *f, bool from_client, uint32_t bits,
                        uint32_t payload_len)
{
	if (!bits)
		return 0;
	if (!rare_of(f))
		return -1;
	f->analysis |= bits;
	for (int i = 0; i < AN_BITS; i++)
		if (bits & (1u << i))
			f->rare->an_count[i]++;
	if (bits & AN_RETRANSMISSION)
		f->rare->retrans_bytes[from_client ? TCPST_CLIENT : TCPST_SERVER] += payload_len;
	return 0;
}

void flow_note_close(struct flow *f, const struct tcpst_result *res)
{
	for (int i = 0; i < res->count; i++) {
		const struct tcpst_change *c = &res->change[i];
		bool active_fin = c->event == TCPE_SEND_FIN &&
		                  (c->from == TCPS_ESTABLISHED || c->from == TCPS_SYN_RECEIVED);
		bool first_rst = c->event == TCPE_SEND_RST && f->closers == 0;
		if (active_fin || first_rst)
			f->closers |= (uint8_t)(1u << c->endpoint);
	}
}

const char *flow_close_initiator(const struct flow *f)
{
	static const char *const names[] = {"none", "client", "server", "both"};
	return names[f->closers & 3];
}

void flow_table_remove(struct flow_table *t, struct flow *f)
{
	struct flow **p = &t->buckets[f->hash & t->mask];
	while (*p && *p != f)
		p = &(*p)->hash_next;
	if (*p)
		*p = f->hash_next;
	f->hash_next = NULL;
	list_unlink(list_of(t, f), f);
	t->count--;
}

struct flow *flow_table_take_expired(struct flow_table *t, int64_t now_ns)
{
	/* Due at the deadline itself, as Zeek's timers fire (last activity +
	 * timeout <= network time). */
	struct flow *f = t->finished.head;
	if (f && now_ns - f->active_ns >= t->limits.close_delay_ns)
		goto take;
	f = t->open.head;
	if (f && now_ns - f->active_ns >= t->limits.idle_timeout_ns)
		goto take;
	if (t->count > t->limits.max_flows) {
		struct flow *a = t->open.head, *b = t->finished.head;
		f = !a ? b : !b ? a : (b->active_ns <= a->active_ns ? b : a);
		goto take;
	}
	return NULL;
take:
	flow_table_remove(t, f);
	return f;
}

struct flow *flow_table_take_any(struct flow_table *t)
{
	struct flow *f = t->finished.head ? t->finished.head : t->open.head;
	if (f)
		flow_table_remove(t, f);
	return f;
}

bool flow_seq_base_stored(const struct flow *f, const struct flow_state *st,
                          int side, uint32_t *base)
{
	const struct seq_space *space = &st->space[side];
	if (!space->has_base || (f->has_isn[side] && f->isn[side] == space->first_base))
		return false;
	*base = space->first_base;
	return true;
}
