/* seqnum: see seqnum.h. RFC 9293 section 3.4 compares sequence numbers
 * modulo 2^32; we take the signed modular distance from the front and add
 * it in 64 bits, which is exact for any number within 2^31 of the front. */
#include "seqnum.h"

#include <assert.h>
#include <string.h>

#define LAP (INT64_C(1) << 32)
#define MAX_STEP (INT64_C(1) << 30)

void seq_set_base(struct seq_space *space, uint32_t base, bool is_isn)
{
	if (space->has_base && (space->base_is_isn || !is_isn))
		return;
	if (!space->has_base)
		space->first_base = base;
	space->has_base = true;
	space->base_is_isn = is_isn;
	space->base = base;
	space->front = 0;
}

static void restart(struct seq_space *space, uint32_t isn)
{
	space->base = isn;
	space->front = 0;
}

bool seq_synack(struct seq_space *space, uint32_t isn)
{
	if (!space->has_base || !space->base_is_isn) {
		seq_set_base(space, isn, true);
		return false;
	}
	if (isn == space->base)
		return false;
	/* The oldest is forgotten: a peer acknowledges a SYN,ACK of the last
	 * few it was sent, not one long replaced. */
	if (space->old_isns == SEQ_OLD_ISNS) {
		memmove(space->old_isn, space->old_isn + 1,
		        (SEQ_OLD_ISNS - 1) * sizeof space->old_isn[0]);
		space->old_isns--;
	}
	space->old_isn[space->old_isns++] = space->base;
	restart(space, isn);
	return true;
}

void seq_acked(struct seq_space *space, uint32_t ack)
{
	uint32_t isn = ack - 1;
	if (!space->base_is_isn || isn == space->base)
		return;
	for (int i = 0; i < space->old_isns; i++) {
		if (space->old_isn[i] == isn) {
			space->old_isn[i] = space->base;
			restart(space, isn);
			return;
		}
	}
}

int64_t seq_unwrap(struct seq_space *space, uint32_t n)
{
	assert(space->has_base);
	uint32_t offset32 = n - space->base;
	/* Signed distance, modulo 2^32, from the front. */
	int32_t delta = (int32_t)(offset32 - (uint32_t)space->front);
	int64_t offset = space->front + delta;
	if (offset < 0)
		offset += LAP;
	if (offset > space->front && offset - space->front < MAX_STEP)
		space->front = offset;
	return offset;
}
