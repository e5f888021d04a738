/* defrag: IP fragments back into whole datagrams (RFC 791 section 3.2,
 * RFC 8200 section 4.5), during one ingest.
 *
 * A datagram is keyed by (IP version, source, destination, protocol,
 * identification), as RFC 791 and RFC 8200 key it. Its fragments may come
 * in any order; the one that fills the last hole completes it, and the
 * caller decodes the whole datagram at that fragment's frame, as tshark
 * reports it.
 *
 * Memory is bounded, as Linux bounds it (net.ipv4.ipfrag_high_thresh and
 * ipfrag_time): at most max_bytes of payload and max_datagrams datagrams
 * held at once, the oldest given up first when a new one would pass
 * either; and a datagram not complete timeout_ns of capture time after its
 * first fragment is given up. Given-up datagrams are counted incomplete.
 *
 * Overlaps: the first copy of each byte wins; a later fragment only fills
 * holes, and the first last fragment fixes the datagram's length. Such a
 * datagram is still reassembled, and counted overlapping. Linux (since
 * 4.19, and RFC 5722 for IPv6) drops such datagrams instead; we keep them,
 * because a capture tool shows what the wire carried, and docs/analysis.md
 * says why. No I/O; the caller owns the table. */
#ifndef TCPLADDER_DEFRAG_H
#define TCPLADDER_DEFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

struct defrag_limits {
	size_t max_bytes;       /* payload held at once, all datagrams */
	size_t max_datagrams;   /* datagrams held at once */
	int64_t timeout_ns[2];  /* IPv4's, IPv6's: after the first fragment */
};

#define DEFRAG_DEFAULT_MAX_BYTES ((size_t)4 << 20) /* Linux's high_thresh */
#define DEFRAG_DEFAULT_MAX_DATAGRAMS 4096
#define DEFRAG_IPV4_TIMEOUT_NS (30 * 1000000000LL) /* Linux's ipfrag_time */
#define DEFRAG_IPV6_TIMEOUT_NS (60 * 1000000000LL) /* RFC 8200 section 4.5 */

struct defrag_counts {
	uint64_t reassembled; /* datagrams completed */
	uint64_t incomplete;  /* given up (timeout, memory) or still held */
	uint64_t overlapping; /* completed or not, with overlapping fragments */
};

struct defrag;

void defrag_default_limits(struct defrag_limits *limits);

/* NULL when out of memory. hash_seed as for flow_table_new. */
struct defrag *defrag_new(const struct defrag_limits *limits, uint64_t hash_seed);
void defrag_free(struct defrag *d);

/* Add one fragment seen at capture time now_ns (the latest stamp so far).
 * When it completes its datagram, returns true with *datagram pointing at
 * the whole datagram: a plain IPv4 or IPv6 header (no options, no
 * extension headers; protocol, addresses and lengths of the original)
 * then the payload. *len is its length, *captured how much of it from the
 * start the capture holds (less when fragments were cut by the snap
 * length). It stays valid until the next call. */
bool defrag_add(struct defrag *d, const struct ip_fragment *frag, int64_t now_ns,
                const uint8_t **datagram, uint32_t *captured, uint32_t *len);

/* Give up the datagrams whose time is up at now_ns. */
void defrag_expire(struct defrag *d, int64_t now_ns);

/* The counts so far; datagrams still held count as incomplete. */
void defrag_counts(const struct defrag *d, struct defrag_counts *counts);

#endif
