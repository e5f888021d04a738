/* flow: the table of TCP connections being tracked during one ingest.
 *
 * It owns keys, roles (who is client), port reuse and eviction, and nothing
 * else: no SQL, no I/O. A connection is keyed by its two (address, port)
 * endpoints; the table finds it in constant time and keeps the connections
 * in order of last activity, so that those done with (closed, reset or in
 * TIME_WAIT for the close delay; idle for the idle timeout; the least
 * recently active past max_flows) leave memory as the capture goes on.
 * Memory follows the connections open, not the capture's size.
 *
 * Ownership: the table owns its flows. flow_table_take_expired() and
 * flow_table_take_any() hand one over to the caller, who writes its row and
 * frees it with flow_free(). */
#ifndef TCPLADDER_FLOW_H
#define TCPLADDER_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "decode.h"
#include "seqnum.h"
#include "tcpstate.h"
#include "zeek.h"

struct flow_state;
struct flow_rare;

/* The core every tracked connection has, kept small because a flood of
 * lone SYNs multiplies it by --max-flows (tests/test_flow.c holds it to
 * FLOW_BYTES_MAX with its share of the table). What only a conversation
 * needs (the state machines, flow_state.h) and counts that are usually
 * zero (struct flow_rare) live out of line. Fields widest first: padding
 * is memory a flood multiplies too. */
struct flow {
	/* Table links: hash chain and activity list. Private to flow.c. */
	struct flow *hash_next;
	struct flow *prev, *next;
	uint64_t hash;

	int64_t id;
	int64_t first_ts_ns, last_ts_ns;
	/* Capture time (the latest stamp of the capture so far) at its last
	 * segment: what eviction measures, because it only moves forward even
	 * when a file's stamps do not (unsorted merges, interfaces whose
	 * clocks disagree). */
	int64_t active_ns;
	uint64_t first_frame, last_frame;
	uint64_t packets[2];   /* sent by client, by server */
	uint64_t bytes[2];     /* payload sent */
	int64_t syn_ts_ns;     /* the client's first SYN, -1 if none */
	/* Owned, freed by flow_free. state is NULL while the connection is
	 * one lone SYN (flow_state.h says how it comes back); rare is NULL
	 * until it has an analysis bit, a tunnel or a tunnel change. */
	struct flow_state *state;
	struct flow_rare *rare;
	uint32_t isn[2];
	uint32_t analysis;     /* OR of its segments' analysis bits */
	int32_t mss[2];        /* from each SYN, -1 without the option */
	/* A lone SYN's header fields that the core does not hold otherwise:
	 * with them, flow_state.c can run it through the state machines
	 * again. Meaningless once state is set. */
	uint32_t syn_ack;
	uint16_t syn_win;
	uint8_t syn_flags;
	uint8_t ip_version;
	uint16_t port[2];
	int16_t wscale[2];     /* from each SYN, -1 without the option */
	uint8_t addr[2][16];   /* [TCPST_CLIENT], [TCPST_SERVER] */
	int8_t sack_ok[2];     /* SACK-permitted on each SYN: 0/1, -1 no SYN */
	uint8_t closers;       /* who closed first: bit 0 client, 1 server */
	bool has_isn[2];
	bool mid_stream;
	bool only_client_syns; /* nothing seen yet but the client's SYNs */
	bool in_finished_list; /* which activity list it is on (flow.c's) */
};

/* Out of line, allocated at the first need, freed with the flow. */
struct flow_rare {
	uint64_t an_count[AN_BITS]; /* segments with each bit (analysis.h) */
	uint64_t retrans_bytes[2];  /* payload of retransmissions, by sender */
	/* The tunnels its first segment came through, as text (NULL: none;
	 * owned), and how many later segments came another way (Zeek's
	 * tunnel_changed). */
	char *tunnel;
	/* decode_tunnel_path_hash of that path: 0 for none, so that a
	 * connection outside tunnels needs no struct flow_rare for it. */
	uint64_t tunnel_hash;
	uint32_t tunnel_changes;
};

/* The most a lone SYN may cost: its struct flow, malloc's chunk header and
 * rounding (16 bytes on glibc, 64-bit) and its bucket in the table (one
 * pointer, two just after the table doubles). */
#define FLOW_BYTES_MAX 320
#define FLOW_LONE_SYN_BYTES (sizeof(struct flow) + 16 + 2 * sizeof(struct flow *))

struct flow_limits {
	int64_t close_delay_ns;  /* after the last segment of a finished one */
	int64_t idle_timeout_ns; /* after the last segment of any other */
	size_t max_flows;        /* least recently active leaves first */
};

#define FLOW_DEFAULT_CLOSE_DELAY_NS (5 * 1000000000LL)    /* Zeek's */
#define FLOW_DEFAULT_IDLE_TIMEOUT_NS (300 * 1000000000LL) /* Zeek's */
#define FLOW_DEFAULT_MAX_FLOWS 1000000

struct flow_table;

/* NULL when out of memory. hash_seed varies the hash so that a hostile
 * capture cannot aim its connections at one chain. */
struct flow_table *flow_table_new(const struct flow_limits *limits,
                                  uint64_t hash_seed);
/* Frees the table and every flow still in it. */
void flow_table_free(struct flow_table *table);
size_t flow_table_count(const struct flow_table *table);

/* The connection seg belongs to, or NULL. *from_client says which way seg
 * goes. */
struct flow *flow_table_find(struct flow_table *table,
                             const struct tcp_segment *seg, bool *from_client);

/* Port reuse (DESIGN.md): does seg, on f's key, start a new connection? A
 * SYN without ACK whose ISN differs from its sender's earlier one does when
 * f is closed, reset or in TIME_WAIT, or when it comes from the client of a
 * connection never answered. */
bool flow_is_reused_by(const struct flow *f, const struct tcp_segment *seg,
                       bool from_client);

/* A new connection for seg, with roles decided from it, id `id`, in the
 * table. NULL when out of memory. The caller checked that seg's key is
 * not in the table (or removed the flow it reuses). */
struct flow *flow_table_add(struct flow_table *table,
                            const struct tcp_segment *seg, int64_t id,
                            bool *from_client);

/* Account seg, stamped ts_ns, to f (counters, ISNs, RTT) and move f to the
 * back of its activity list as active at capture time now_ns (the latest
 * stamp seen so far). Call after the state machine has seen seg, with the
 * state it applied seg to (flow_state.h: f's own, or a first segment's). */
void flow_record(struct flow_table *table, struct flow *f, struct flow_state *st,
                 const struct tcp_segment *seg, bool from_client,
                 uint64_t frame, int64_t ts_ns, int64_t now_ns);

/* Account the tunnels a segment of f came through (n of them, outermost
 * first): the first segment's path is f's, a later one on another path is
 * a change. Returns -1 when out of memory for the text. */
int flow_note_tunnel(struct flow *f, const struct decode_tunnel *path, unsigned n);

/* Account a segment's analysis bits (analysis.h) to f: the per-flow
 * counts and the bytes retransmitted by its sender. Returns -1 when out of
 * memory for them. */
int flow_count_analysis(struct flow *f, bool from_client, uint32_t bits,
                         uint32_t payload_len);

/* Who closed first: a FIN sent from ESTABLISHED or SYN_RECEIVED (an active
 * close, RFC 9293 section 3.6), or, before any close, a RST. Call with the
 * state machine's changes for each segment. */
void flow_note_close(struct flow *f, const struct tcpst_result *res);

/* "client", "server", "both" (FINs crossed: simultaneous close) or
 * "none". */
const char *flow_close_initiator(const struct flow *f);

/* Whether flows.client_seq_base (side TCPST_CLIENT) or server_seq_base
 * holds a number, and which: the first base of side's sequence space,
 * unless it is side's ISN (the column's NULL says that) or the space never
 * had one. st is f's state (flow_state_view). */
bool flow_seq_base_stored(const struct flow *f, const struct flow_state *st,
                          int side, uint32_t *base);

/* Unlink f from the table; the caller now owns it. */
void flow_table_remove(struct flow_table *table, struct flow *f);

/* One flow whose time is up at capture time now_ns (or past max_flows),
 * unlinked and handed to the caller; NULL when none. */
struct flow *flow_table_take_expired(struct flow_table *table, int64_t now_ns);

/* Any flow, unlinked and handed to the caller; NULL when empty. */
struct flow *flow_table_take_any(struct flow_table *table);

void flow_free(struct flow *f);

#endif
