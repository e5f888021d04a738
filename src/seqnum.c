/* seqnum: see seqnum.h. RFC 9293 section 3.4 compares sequence numbers
 * modulo 2^32; we keep the modular difference to the last offset placed and
 * add it in 64 bits, which is exact as long as consecutive numbers of one
 * space are less than 2^31 apart (a TCP window is at most 2^30). */
#include "seqnum.h"

#include <assert.h>

void seq_set_base(struct seq_space *space, uint32_t base)
{
	if (space->has_base)
		return;
	space->has_base = true;
	space->base = base;
	space->last = 0;
}

int64_t seq_unwrap(struct seq_space *space, uint32_t n)
{
	assert(space->has_base);
	uint32_t offset32 = n - space->base;
	/* Signed distance, modulo 2^32, from the last offset placed. */
	int32_t delta = (int32_t)(offset32 - (uint32_t)space->last);
	space->last += delta;
	return space->last;
}
