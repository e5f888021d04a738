/* seqnum: relative sequence offsets, unwrapped to 64 bits.
 *
 * One struct seq_space per direction of a connection: the sequence numbers
 * that direction sends, which the other direction acknowledges. Offsets
 * count from the base (the ISN, or one less than the first number seen when
 * the SYN was missed: tshark's rule), and never wrap: a number is placed
 * within 2^31 of the last one placed, so a transfer across 2^32 keeps
 * counting up. Pure arithmetic, no I/O. */
#ifndef TCPLADDER_SEQNUM_H
#define TCPLADDER_SEQNUM_H

#include <stdbool.h>
#include <stdint.h>

struct seq_space {
	bool has_base;
	uint32_t base;   /* absolute number of offset 0 */
	int64_t last;    /* last offset placed: the reference for unwrapping */
};

/* Set the base once; later calls leave it as it was. */
void seq_set_base(struct seq_space *space, uint32_t base);

/* The 64-bit offset of absolute number n: the one nearest to the last offset
 * placed (ties go forward). The space must have a base. Moves the reference
 * to the result. */
int64_t seq_unwrap(struct seq_space *space, uint32_t n);

#endif
