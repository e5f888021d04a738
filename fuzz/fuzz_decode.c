/* fuzz_decode: libFuzzer target for the packet decoder (src/decode*.c).
 *
 * One link-layer frame in, a decoded segment or a named, counted error
 * out. The input's first byte picks the link type (an index into every
 * type decode_link_supported() takes, plus one it does not), its second
 * how the wire length relates to the captured one (equal, a snap length
 * cut, a TSO super-frame, a broken file's wire length shorter than its
 * capture); the rest is the frame. fuzz_seeds writes real frames in this
 * form from examples/ and ../shared/corpus.
 *
 * Beyond ASan and UBSan, it checks what ingest relies on: a status in
 * range with a name, and on success a header inside the frame and payload
 * lengths that agree (the same invariants as tests/test_decode.c's
 * random and mutated frames). A broken invariant aborts, which libFuzzer
 * reports as a crash. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "fuzz_link_types.h"

static void fail(const char *what, int dlt)
{
	fprintf(stderr, "fuzz_decode: dlt %d: %s\n", dlt, what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int dlt = fuzz_link_types[data[0] % FUZZ_LINK_TYPES];
	uint8_t mode = data[1];
	const uint8_t *frame = data + 2;
	size_t n = size - 2;
	if (n > 262144)
		return 0; /* past libpcap's largest snap length: never handed in */
	uint32_t caplen = (uint32_t)n, wirelen = caplen;
	switch (mode & 3) {
	case 1: /* cut by a snap length: more on the wire */
		wirelen = caplen + ((uint32_t)mode << 6);
		break;
	case 2: /* a TSO or BIG TCP frame, 64 KiB and more on the wire */
		wirelen = caplen + 65536u * (mode >> 2);
		break;
	case 3: /* a broken file: less on the wire than captured */
		wirelen = caplen > (mode >> 2) ? caplen - (mode >> 2) : 0;
		break;
	default:
		break;
	}
	/* A private copy of exactly caplen bytes, so that ASan sees any read
	 * past the frame (libFuzzer's buffer would hide one into the mode
	 * bytes' neighbour). */
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	memcpy(copy, frame, n);

	/* A user's tunnel port too, so that its lookup is fuzzed with the
	 * well-known ones. */
	struct decode_config config = {0};
	char err[128];
	if (decode_config_add_port(&config, "vxlan=8472", err, sizeof err))
		fail(err, 0);
	struct tcp_segment seg;
	struct ip_fragment frag;
	struct decode_info info = {.config = &config, .frag = &frag};
	enum decode_status st = decode_packet(dlt, n ? copy : NULL, caplen, wirelen, &seg,
	                                      &info);
	if (info.tunnels > DECODE_MAX_TUNNELS)
		fail("more tunnels than the bound", dlt);
	if (st == DECODE_UNDECODED && (info.undecoded == ENCAP_NONE ||
	                               info.undecoded >= ENCAP_KIND_COUNT))
		fail("an undecoded encapsulation without a name", dlt);
	if (st == DECODE_IP_FRAGMENT && frag.captured > frag.len)
		fail("more of a fragment captured than it holds", dlt);
	if (st == DECODE_OK || st == DECODE_IP_FRAGMENT) {
		char text[1024];
		int need = decode_tunnel_path_text(info.tunnel, info.tunnels, text, sizeof text);
		if (need < 0 || strlen(text) >= sizeof text)
			fail("tunnel text", dlt);
	}
	if ((unsigned)st >= DECODE_STATUS_COUNT)
		fail("status out of range", dlt);
	const char *name = decode_status_name(st);
	if (!name || !name[0])
		fail("status without a name", dlt);
	(void)decode_status_is_error(st);
	if (st == DECODE_OK) {
		if (!decode_link_supported(dlt))
			fail("decoded a link type it does not support", dlt);
		if (seg.ip_version != 4 && seg.ip_version != 6)
			fail("ip_version neither 4 nor 6", dlt);
		if (seg.header_len < 20 || seg.header_len % 4 || seg.header_len > 60)
			fail("TCP header length out of range", dlt);
		if (seg.payload_captured > seg.payload_len)
			fail("more payload captured than sent", dlt);
		if (seg.opt.truncated ? seg.payload_captured != 0
		                      : seg.payload_captured + seg.header_len > caplen)
			fail("header and payload past the frame", dlt);
		if (seg.opt.sack_blocks > TCP_MAX_SACK_BLOCKS)
			fail("too many SACK blocks", dlt);
		/* What ingest stores for the segment: the options as text. */
		char text[512];
		int need = decode_options_text(&seg.opt, text, sizeof text);
		if (need < 0 || strlen(text) >= sizeof text ||
		    (size_t)need < strlen(text))
			fail("options text", dlt);
		(void)decode_options_notable(&seg.opt);
	}
	free(copy);
	return 0;
}
