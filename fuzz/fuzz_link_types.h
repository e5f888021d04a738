/* fuzz_link_types: the link types fuzz_decode tries, by the index its
 * input's first byte picks. fuzz_seeds, and the tunnel tests that keep
 * fuzz/seeds/decode/ (one crafted frame of each encapsulation the corpora
 * lack), write seeds with the same index, so the table lives here once.
 * The last entry is a link type tcpladder does not take: the decoder must
 * say so, not read the frame. */
#ifndef TCPLADDER_FUZZ_LINK_TYPES_H
#define TCPLADDER_FUZZ_LINK_TYPES_H

#include <pcap/dlt.h>
#include <stddef.h>

static const int fuzz_link_types[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
	DLT_RAW,    101 /* LINKTYPE_RAW */,         DLT_IPV4, DLT_IPV6,
	DLT_PPP,    DLT_PPP_SERIAL, DLT_PPP_ETHER,  DLT_C_HDLC, DLT_NFLOG,
	DLT_IEEE802_11, DLT_IEEE802_11_RADIO,       DLT_FDDI, DLT_IPOIB,
	DLT_ARCNET,
};
enum { FUZZ_LINK_TYPES = sizeof fuzz_link_types / sizeof fuzz_link_types[0] };

/* dlt's index in the table, or -1. */
static inline int fuzz_link_index(int dlt)
{
	for (size_t i = 0; i < FUZZ_LINK_TYPES; i++) {
		if (fuzz_link_types[i] == dlt)
			return (int)i;
	}
	return -1;
}

#endif
