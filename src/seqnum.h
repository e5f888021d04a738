/* seqnum: relative sequence offsets, unwrapped to 64 bits.
 *
 * One struct seq_space per direction of a connection: the sequence numbers
 * that direction sends, which the other direction acknowledges. Offsets
 * count from the base: the ISN, or, when the SYN was missed, one less than
 * the first number seen (tshark's rule), until a SYN shows the real ISN.
 * Offsets never wrap: a transfer across 2^32 keeps counting up. Pure
 * arithmetic, no I/O. */
#ifndef TCPLADDER_SEQNUM_H
#define TCPLADDER_SEQNUM_H

#include <stdbool.h>
#include <stdint.h>

enum { SEQ_OLD_ISNS = 3 };

struct seq_space {
	bool has_base;
	bool base_is_isn;  /* the base came from a SYN */
	uint32_t base;     /* absolute number of offset 0 */
	/* The base first set, kept when a SYN replaces it: the database stores
	 * numbers as offsets from it (flows.client_seq_base). */
	uint32_t first_base;
	int64_t front;     /* furthest offset reached by plausible steps */
	/* ISNs of earlier SYN,ACKs a later one replaced, the latest last:
	 * the peer may acknowledge one of them instead. */
	uint8_t old_isns;
	uint32_t old_isn[SEQ_OLD_ISNS];
};

/* The base from a SYN (is_isn) replaces a guessed one; otherwise the first
 * base set stays. */
void seq_set_base(struct seq_space *space, uint32_t base, bool is_isn);

/* A SYN,ACK's ISN. The first sets the base as seq_set_base does; one
 * that differs from the base's ISN restarts the space at it, as tshark
 * numbers a new SYN,ACK from its own ISN, and returns true (a new SYN,
 * not a copy), remembering the ISN it replaced. */
bool seq_synack(struct seq_space *space, uint32_t isn);

/* The peer acknowledges ack: when it is one past an ISN an earlier SYN,ACK
 * had (seq_synack), the peer took that one, and the space restarts at it. */
void seq_acked(struct seq_space *space, uint32_t ack);

/* The 64-bit offset of absolute number n: the one within 2^31 of the
 * front, but never before the base (a number "before" the base is taken a
 * lap ahead, as tshark shows it). The front moves only by forward steps
 * smaller than 2^30 (RFC 7323's largest window), so a stray number (a
 * challenge ACK, a forged RST) cannot drag the whole space away. The space
 * must have a base. */
int64_t seq_unwrap(struct seq_space *space, uint32_t n);

#endif
