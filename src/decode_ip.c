/* decode_ip: IPv4 and IPv6 headers, IPv6 extension headers, and fragments.
 *
 * Owns what RFC 791 and RFC 8200 say of a datagram: where its payload
 * starts and how long it is, which protocol it carries, and whether it is
 * a fragment (described for defrag.c, which rebuilds the datagram; the
 * decoder itself keeps nothing). The IP length says how long the datagram
 * was on the wire, the capture how much of it may be read, and the two are
 * kept apart (payload_len vs payload_captured). TCP goes to decode_tcp.c,
 * everything else to decode_tunnel.c, which opens the tunnels and names
 * the rest. Pure: no I/O, no allocation, no state. */
#include "decode_layers.h"

#include <assert.h>

/* ---- IPv4 ---------------------------------------------------------------- */

enum {
	IPV4_MIN_HDR = 20,
	IPV4_MF = 0x2000,
	IPV4_OFFSET_MASK = 0x1fff,
};

enum {
	MAX_DATAGRAM = 65535, /* IPv4's total length, IPv6's payload length
	                         (a jumbogram is never fragmented: RFC 2675) */
	FRAGMENT_UNIT = 8,
};

/* A fragment of the datagram whose IP header out describes (version and
 * addresses): where its payload goes and whether that is possible. A
 * fragment reaching past the most a datagram can hold, max_payload (the
 * "ping of death"), or, not being the last, not a multiple of 8 bytes long
 * can be no part of a datagram. */
static enum decode_status fragment(const struct tcp_segment *out,
                                   struct ip_fragment *frag, size_t max_payload,
                                   uint8_t proto, uint32_t id, size_t offset,
                                   bool more, const struct rd *payload, size_t len)
{
	if (offset + len > max_payload || (more && len % FRAGMENT_UNIT))
		return DECODE_BAD_FRAGMENT;
	if (frag) {
		frag->ip_version = out->ip_version;
		memcpy(frag->src_addr, out->src_addr, sizeof frag->src_addr);
		memcpy(frag->dst_addr, out->dst_addr, sizeof frag->dst_addr);
		frag->proto = proto;
		frag->id = id;
		frag->offset = (uint32_t)offset;
		frag->len = (uint32_t)len;
		frag->more = more;
		frag->data = payload->p;
		frag->captured = (uint32_t)payload->len;
	}
	return DECODE_IP_FRAGMENT;
}

/* Decode the IPv4 header at the start of ip. wire_len is how many bytes the
 * datagram had on the wire at most (the frame minus its link header). On
 * success *l4 is the captured part of the IP payload (Ethernet padding and
 * anything else past the IP length cut off) and *l4_len its length per the
 * IP header. A fragment is DECODE_IP_FRAGMENT, described in *frag if that
 * is not NULL. */
static enum decode_status decode_ipv4(const struct rd *ip, size_t wire_len,
                                      struct tcp_segment *out, struct rd *l4,
                                      size_t *l4_len, uint8_t *l4_proto,
                                      struct ip_fragment *frag)
{
	bool ok = true;
	uint8_t vihl = rd_u8(ip, 0, &ok);
	size_t hl = (size_t)(vihl & 0x0f) * 4;

	/* RFC 791: IHL counts 32-bit words and is at least 5. */
	if (!ok)
		return DECODE_TRUNCATED_IP;
	if (hl < IPV4_MIN_HDR)
		return DECODE_BAD_IP_HEADER_LEN;
	if (!rd_has(ip, 0, IPV4_MIN_HDR))
		return DECODE_TRUNCATED_IP;

	uint16_t tot_len = rd_be16(ip, 2, &ok);
	uint16_t id = rd_be16(ip, 4, &ok);
	uint16_t frag_field = rd_be16(ip, 6, &ok);
	uint8_t proto = rd_u8(ip, 9, &ok);
	out->has_ip_id = true;
	out->ip_id = id;
	out->ttl = rd_u8(ip, 8, &ok);
	/* The 12 bytes after an IPv4 address are zero (decode.h), also
	 * where an outer IPv6 header was decoded into out before. */
	memset(out->src_addr, 0, sizeof out->src_addr);
	memset(out->dst_addr, 0, sizeof out->dst_addr);
	rd_copy(ip, 12, out->src_addr, 4, &ok);
	rd_copy(ip, 16, out->dst_addr, 4, &ok);
	assert(ok); /* all inside the 20 bytes checked above */

	/* Total length 0 is what Linux shows for TSO/GSO super-packets and
	 * IPv4 BIG TCP (> 64 KiB); a length past the frame is a capture of
	 * an offloaded send whose header was not rewritten. In both the frame
	 * is the better witness, as in Wireshark's "reported as 0, presumed
	 * to be because of TCP segmentation offload". */
	size_t ip_len = tot_len;
	if (tot_len == 0 || tot_len > wire_len) {
		ip_len = wire_len;
		out->ip_len_from_frame = true;
	}

	if (hl > ip->len) {
		/* The options are missing from the capture. Inside the IP
		 * length (which fits on the wire) that is the snap length's
		 * doing; past it, the IHL lies. */
		return hl <= ip_len ? DECODE_TRUNCATED_IP
		                    : DECODE_BAD_IP_HEADER_LEN;
	}
	if (ip_len < hl)
		return DECODE_BAD_IP_TOTAL_LEN;

	out->ip_version = 4;
	*l4_len = ip_len - hl;
	*l4 = rd_sub(ip, hl, *l4_len);
	/* RFC 791: a fragment has MF set or a non-zero offset (in 8-byte
	 * units). */
	if ((frag_field & IPV4_MF) || (frag_field & IPV4_OFFSET_MASK)) {
		/* The IPv4 total length counts the header (RFC 791). */
		return fragment(out, frag, MAX_DATAGRAM - hl, proto, id,
		                (size_t)(frag_field & IPV4_OFFSET_MASK) * FRAGMENT_UNIT,
		                (frag_field & IPV4_MF) != 0, l4, *l4_len);
	}
	*l4_proto = proto;
	return DECODE_OK;
}

/* ---- IPv6 ---------------------------------------------------------------- */

enum {
	IPV6_HDR_LEN = 40,
	IP6_HOPOPTS = 0,
	IP6_ROUTING = 43,
	IP6_FRAGMENT = 44,
	IP6_AH = 51,
	IP6_DSTOPTS = 60,
	IP6_FRAG_HDR_LEN = 8,
	/* RFC 8200 allows each header once (destination options twice);
	 * anything longer than this is an attack or garbage. */
	MAX_IPV6_EXT = 16,
	IP6OPT_PAD1 = 0x00,
	IP6OPT_JUMBO = 0xc2, /* RFC 2675 Jumbo Payload */
};

/* Look for a Jumbo Payload option in a hop-by-hop header (h covers exactly
 * the header). The options area is TLVs after the 2-byte header, Pad1
 * being the only one without a length (RFC 8200 section 4.2). A malformed
 * area just ends the search: these options are not ours to judge. */
static bool find_jumbo(const struct rd *h, uint32_t *jumbo)
{
	size_t off = 2;
	while (off < h->len) {
		bool ok = true;
		uint8_t type = rd_u8(h, off, &ok);
		if (type == IP6OPT_PAD1) {
			off++;
			continue;
		}
		uint8_t len = rd_u8(h, off + 1, &ok);
		if (!ok || !rd_has(h, off + 2, len))
			return false;
		if (type == IP6OPT_JUMBO && len == 4) {
			*jumbo = rd_be32(h, off + 2, &ok);
			return ok;
		}
		off += 2 + (size_t)len;
	}
	return false;
}

/* Decode the IPv6 header at the start of ip and walk its extension headers
 * (RFC 8200 section 4) up to TCP, or up to a Fragment header. Arguments as
 * for decode_ipv4. */
static enum decode_status decode_ipv6(const struct rd *ip, size_t wire_len,
                                      struct tcp_segment *out, struct rd *l4,
                                      size_t *l4_len, uint8_t *l4_proto,
                                      struct ip_fragment *frag)
{
	bool ok = true;
	if (!rd_has(ip, 0, IPV6_HDR_LEN))
		return DECODE_TRUNCATED_IP;
	uint16_t plen = rd_be16(ip, 4, &ok);
	uint8_t nh = rd_u8(ip, 6, &ok);
	out->has_ip_id = false;
	out->ttl = rd_u8(ip, 7, &ok);
	rd_copy(ip, 8, out->src_addr, 16, &ok);
	rd_copy(ip, 24, out->dst_addr, 16, &ok);
	assert(ok);

	/* ext: the captured bytes after the fixed header; off: where the
	 * current extension header starts in it. */
	struct rd ext = rd_tail(ip, IPV6_HDR_LEN);
	size_t off = 0;
	bool have_jumbo = false;
	uint32_t jumbo = 0;
	bool fragmented = false;
	uint16_t offm = 0;
	uint32_t id = 0;
	/* Up to the first header that is not an extension header: TCP, a
	 * tunnel, ESP (50, which hides what follows), 59 (nothing follows),
	 * another upper layer. */
	for (int n = 0; (nh == IP6_HOPOPTS || nh == IP6_ROUTING || nh == IP6_FRAGMENT ||
	                 nh == IP6_AH || nh == IP6_DSTOPTS) && !fragmented;
	     n++) {
		size_t size;
		if (n == MAX_IPV6_EXT)
			return DECODE_BAD_IPV6_EXT;
		uint8_t next = rd_u8(&ext, off, &ok);
		uint8_t hlen = rd_u8(&ext, off + 1, &ok);
		if (!ok)
			return DECODE_BAD_IPV6_EXT;
		/* Fragment: fixed size, its length byte is reserved. AH (RFC
		 * 4302): 32-bit words minus 2. The rest (RFC 8200): 8-octet
		 * units not counting the first. */
		if (nh == IP6_FRAGMENT)
			size = IP6_FRAG_HDR_LEN;
		else if (nh == IP6_AH)
			size = ((size_t)hlen + 2) * 4;
		else
			size = ((size_t)hlen + 1) * 8;
		if (!rd_has(&ext, off, size))
			return DECODE_BAD_IPV6_EXT;

		if (nh == IP6_FRAGMENT) {
			/* RFC 8200 section 4.5: offset in the top 13 bits, M
			 * in bit 0. RFC 6946: offset 0 with M clear is an
			 * "atomic fragment", a whole datagram to be processed
			 * as such. */
			offm = rd_be16(&ext, off + 2, &ok);
			id = rd_be32(&ext, off + 4, &ok);
			assert(ok);
			fragmented = (offm >> 3) != 0 || (offm & 1);
		} else if (nh == IP6_HOPOPTS && off == 0 && plen == 0) {
			/* RFC 2675: payload length 0 plus a Jumbo Payload
			 * option in the hop-by-hop header (which must come
			 * first). */
			struct rd h = rd_sub(&ext, off, size);
			have_jumbo = find_jumbo(&h, &jumbo);
		}
		nh = next;
		off += size;
	}

	/* The payload length counts everything after the fixed header,
	 * extension headers included (RFC 8200 section 3; RFC 2675 for the
	 * jumbo length). wire_len >= ip->len >= 40 here. */
	size_t wire_payload = wire_len - IPV6_HDR_LEN;
	size_t pl = plen;
	if (plen == 0 && have_jumbo)
		pl = jumbo;
	if (pl == 0 || pl > wire_payload) {
		/* 0 without a jumbo option: Linux GSO and IPv6 BIG TCP leave
		 * it so in captures. */
		pl = wire_payload;
		out->ip_len_from_frame = true;
	}
	if (off > pl)
		return DECODE_BAD_IP_TOTAL_LEN;

	out->ip_version = 6;
	*l4_len = pl - off;
	*l4 = rd_sub(&ext, off, *l4_len);
	if (fragmented) {
		/* The fragmentable part follows the Fragment header; nh is
		 * the next header it names. */
		return fragment(out, frag, MAX_DATAGRAM, nh, id, (size_t)(offm >> 3) * FRAGMENT_UNIT,
		                (offm & 1) != 0, l4, *l4_len);
	}
	*l4_proto = nh;
	return DECODE_OK;
}

/* ---- the datagram -------------------------------------------------------- */

enum decode_status dec_ip(struct dctx *c, int version, const struct rd *ip, size_t wire)
{
	enum decode_status st = dec_enter(c);
	if (st != DECODE_OK)
		return st;
	bool ok = true;
	uint8_t nibble = rd_u8(ip, 0, &ok) >> 4;
	if (!ok)
		return DECODE_TRUNCATED_IP;
	if (version == 0 && (nibble == 4 || nibble == 6))
		version = nibble;
	if (version != nibble || (version != 4 && version != 6))
		return DECODE_BAD_IP_VERSION;

	struct tcp_segment *out = c->out;
	/* An inner header's lengths are its own: what an outer one said of
	 * TSO does not carry in. */
	out->ip_len_from_frame = false;
	struct rd l4 = { .p = NULL, .len = 0 };
	size_t l4_len = 0;
	uint8_t proto = 0;
	if (version == 4)
		st = decode_ipv4(ip, wire, out, &l4, &l4_len, &proto, c->info->frag);
	else
		st = decode_ipv6(ip, wire, out, &l4, &l4_len, &proto, c->info->frag);
	if (st != DECODE_OK)
		return st;
	if (c->vj_uncompressed) {
		c->vj_uncompressed = false;
		proto = IPPROTO_TCP_;
	}
	if (proto == IPPROTO_TCP_)
		return dec_tcp(c, &l4, l4_len);
	return dec_ip_tunnel(c, proto, &l4, l4_len);
}
