/* decode: one captured frame into a struct tcp_segment, or the reason it is
 * not one.
 *
 * The frame goes link layer -> IPv4 or IPv6 (extension headers skipped) ->
 * TCP header and options, each layer handed a cursor over the bytes that
 * remain. Every read of packet memory goes through the rd_* readers below,
 * which check the offset against the cursor's length and, on a short read,
 * return 0 and clear a caller's `ok` flag; a layer does its reads and then
 * tests `ok` once, the way tcpdump's GET_BE_U_2 macros jump to a single
 * "truncated" exit. Packet memory is never cast to a struct, header length
 * fields are compared against what remains before they are used, and no
 * length is subtracted before it is known to be the smaller one.
 *
 * This file must stay pure: no I/O, no allocation, no state between calls
 * (only const tables). It never trusts caplen-independent claims: the IP
 * length says how long the datagram was on the wire, the capture says how
 * much of it we may read, and the two are kept apart (payload_len vs
 * payload_captured). */
#include "decode.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

#include <pcap/dlt.h>
#include <stdio.h>

/* ---- bounds-checked byte readers ---------------------------------------- */

/* A window on packet memory: p[0 .. len-1] may be read, nothing else. */
struct rd {
	const uint8_t *p;
	size_t len;
};

/* True if n bytes at off lie inside the window (written so that off + n
 * cannot overflow). */
static inline bool rd_has(const struct rd *r, size_t off, size_t n)
{
	return off <= r->len && n <= r->len - off;
}

static inline uint8_t rd_u8(const struct rd *r, size_t off, bool *ok)
{
	if (!rd_has(r, off, 1)) {
		*ok = false;
		return 0;
	}
	return r->p[off];
}

static inline uint16_t rd_be16(const struct rd *r, size_t off, bool *ok)
{
	if (!rd_has(r, off, 2)) {
		*ok = false;
		return 0;
	}
	return (uint16_t)(r->p[off] << 8 | r->p[off + 1]);
}

static inline uint32_t rd_be32(const struct rd *r, size_t off, bool *ok)
{
	if (!rd_has(r, off, 4)) {
		*ok = false;
		return 0;
	}
	return (uint32_t)r->p[off] << 24 | (uint32_t)r->p[off + 1] << 16 |
	       (uint32_t)r->p[off + 2] << 8 | (uint32_t)r->p[off + 3];
}

static inline uint32_t rd_le32(const struct rd *r, size_t off, bool *ok)
{
	if (!rd_has(r, off, 4)) {
		*ok = false;
		return 0;
	}
	return (uint32_t)r->p[off + 3] << 24 | (uint32_t)r->p[off + 2] << 16 |
	       (uint32_t)r->p[off + 1] << 8 | (uint32_t)r->p[off];
}

/* Copy n bytes at off into dst; on a short read dst is zeroed. */
static inline void rd_copy(const struct rd *r, size_t off, uint8_t *dst,
                           size_t n, bool *ok)
{
	if (!rd_has(r, off, n)) {
		memset(dst, 0, n);
		*ok = false;
		return;
	}
	memcpy(dst, r->p + off, n);
}

/* The window from off to its end (empty if off is past it). */
static inline struct rd rd_tail(const struct rd *r, size_t off)
{
	if (off >= r->len)
		return (struct rd){ .p = r->p, .len = 0 };
	return (struct rd){ .p = r->p + off, .len = r->len - off };
}

/* The same window, cut to at most n bytes. */
static inline struct rd rd_clamp(struct rd r, size_t n)
{
	if (r.len > n)
		r.len = n;
	return r;
}

/* The n bytes at off, as a window of their own (the caller has checked
 * rd_has; a short window is cut to what exists). */
static inline struct rd rd_sub(const struct rd *r, size_t off, size_t n)
{
	return rd_clamp(rd_tail(r, off), n);
}

/* ---- status names -------------------------------------------------------- */

static const char *const status_names[DECODE_STATUS_COUNT] = {
	[DECODE_OK] = "ok",
	[DECODE_NOT_IP] = "not IP",
	[DECODE_NOT_TCP] = "not TCP",
	[DECODE_IP_FRAGMENT] = "IP fragment",
	[DECODE_UNSUPPORTED_LINK] = "unsupported link type",
	[DECODE_TRUNCATED_LINK] = "truncated link header",
	[DECODE_TRUNCATED_IP] = "truncated IP header",
	[DECODE_BAD_IP_VERSION] = "bad IP version",
	[DECODE_BAD_IP_HEADER_LEN] = "bad IPv4 header length",
	[DECODE_BAD_IP_TOTAL_LEN] = "bad IP total length",
	[DECODE_BAD_IPV6_EXT] = "bad IPv6 extension header",
	[DECODE_TRUNCATED_TCP] = "truncated TCP header",
	[DECODE_BAD_TCP_OFFSET] = "bad TCP data offset",
	[DECODE_BAD_FRAGMENT] = "bad IP fragment",
};

const char *decode_status_name(enum decode_status status)
{
	if ((unsigned)status >= DECODE_STATUS_COUNT)
		return "unknown decode status";
	return status_names[status];
}

bool decode_status_is_error(enum decode_status status)
{
	switch (status) {
	case DECODE_OK:
	case DECODE_NOT_IP:
	case DECODE_NOT_TCP:
	case DECODE_IP_FRAGMENT:
	/* A whole capture has one link type: an unknown one is reported once
	 * for the file, not counted as a malformed packet per frame. */
	case DECODE_UNSUPPORTED_LINK:
	case DECODE_STATUS_COUNT:
		return false;
	default:
		return true;
	}
}

/* ---- link layer ---------------------------------------------------------- */

/* LINKTYPE_RAW as written in a file header. libpcap maps it to DLT_RAW
 * (12 or 14 depending on the platform), but a caller that reads the file
 * header itself may hand us the LINKTYPE value. */
#define LINKTYPE_RAW 101

/* What the link header says the network layer is. */
enum l3_kind {
	L3_IPV4,
	L3_IPV6,
	L3_ANY_IP, /* raw IP: the version nibble decides */
};

enum {
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_8021Q = 0x8100,  /* IEEE 802.1Q C-tag */
	ETHERTYPE_8021AD = 0x88a8, /* IEEE 802.1ad S-tag (QinQ) */
	ETHERTYPE_QINQ_OLD = 0x9100, /* pre-802.1ad QinQ, still seen */
	ETHERTYPE_PPPOE_SESSION = 0x8864, /* RFC 2516 */
	PPPOE_HDR_LEN = 8,  /* 6 bytes of PPPoE, then PPP's 2-byte protocol */
	PPP_IPV4 = 0x0021,  /* RFC 1332 */
	PPP_IPV6 = 0x0057,  /* RFC 5072 */
	ETH_HDR_LEN = 14,
	VLAN_TAG_LEN = 4,
	/* Real networks stack two tags, rarely three; the bound only keeps a
	 * frame of repeated 0x8100s from being walked byte by byte. */
	MAX_VLAN_TAGS = 8,
	SLL_HDR_LEN = 16,
	SLL2_HDR_LEN = 20,
	NULL_HDR_LEN = 4,
};

/* BSD address families in DLT_NULL / DLT_LOOP headers. IPv6's value differs
 * between BSDs (24 NetBSD/OpenBSD, 28 FreeBSD, 30 Darwin), and a capture
 * may come from any of them. */
static bool bsd_af_inet6(uint32_t af)
{
	return af == 24 || af == 28 || af == 30;
}

/* Map an EtherType found at type_off to the network layer, skipping VLAN
 * tags. A tag's TCI and inner EtherType sit where the payload would start
 * (payload_off), so the same walk serves Ethernet (type at 12, payload at
 * 14) and the Linux cooked headers, whose protocol field may also be a tag
 * when the kernel did not strip it. On success *hdr_len is where the IP
 * header starts. */
static enum decode_status ethertype_walk(const struct rd *f, size_t type_off,
                                         size_t payload_off, size_t *hdr_len,
                                         enum l3_kind *kind)
{
	bool ok = true;
	uint16_t type = rd_be16(f, type_off, &ok);
	if (!ok || !rd_has(f, 0, payload_off))
		return DECODE_TRUNCATED_LINK;
	for (int tags = 0; type == ETHERTYPE_8021Q ||
	                   type == ETHERTYPE_8021AD ||
	                   type == ETHERTYPE_QINQ_OLD;
	     tags++) {
		if (tags == MAX_VLAN_TAGS)
			return DECODE_NOT_IP;
		/* Tag: 16-bit TCI (priority, DEI, VLAN id), then the next
		 * EtherType. */
		type = rd_be16(f, payload_off + 2, &ok);
		if (!ok)
			return DECODE_TRUNCATED_LINK;
		payload_off += VLAN_TAG_LEN;
	}
	if (type == ETHERTYPE_PPPOE_SESSION) {
		/* DSL links: the PPP protocol field says what follows. */
		uint16_t proto = rd_be16(f, payload_off + 6, &ok);
		if (!ok)
			return DECODE_TRUNCATED_LINK;
		payload_off += PPPOE_HDR_LEN;
		type = proto == PPP_IPV4   ? ETHERTYPE_IPV4
		       : proto == PPP_IPV6 ? ETHERTYPE_IPV6
		                           : 0;
	}
	*hdr_len = payload_off;
	switch (type) {
	case ETHERTYPE_IPV4:
		*kind = L3_IPV4;
		return DECODE_OK;
	case ETHERTYPE_IPV6:
		*kind = L3_IPV6;
		return DECODE_OK;
	default:
		/* ARP, LLDP, ...; and values <= 1500, which in an Ethernet
		 * frame are an IEEE 802.3 length followed by LLC, not an
		 * EtherType (IEEE 802.3 clause 3.2.6). In SLL they are
		 * Linux's LINUX_SLL_P_* pseudo-protocols, also not IP. */
		return DECODE_NOT_IP;
	}
}

/* BSD loopback: a 4-byte address family instead of an EtherType. */
static enum decode_status bsd_family(uint32_t af, enum l3_kind *kind)
{
	if (af == 2) {
		*kind = L3_IPV4;
		return DECODE_OK;
	}
	if (bsd_af_inet6(af)) {
		*kind = L3_IPV6;
		return DECODE_OK;
	}
	return DECODE_NOT_IP;
}

/* Strip the link header of frame f: where the IP header starts and what it
 * should be. */
static enum decode_status link_strip(int dlt, const struct rd *f,
                                     size_t *hdr_len, enum l3_kind *kind)
{
	bool ok = true;
	uint32_t af;

	switch (dlt) {
	case DLT_EN10MB:
		return ethertype_walk(f, 12, ETH_HDR_LEN, hdr_len, kind);
	case DLT_LINUX_SLL:
		/* packet type 2, ARPHRD 2, addr len 2, addr 8, protocol 2 */
		return ethertype_walk(f, 14, SLL_HDR_LEN, hdr_len, kind);
	case DLT_LINUX_SLL2:
		/* protocol 2, reserved 2, ifindex 4, ARPHRD 2, packet type 1,
		 * addr len 1, addr 8 */
		return ethertype_walk(f, 0, SLL2_HDR_LEN, hdr_len, kind);
	case DLT_NULL:
		/* The family is in the byte order of the host that wrote the
		 * capture, which we do not know. All families are small, so a
		 * value with bits in the high half was written the other way
		 * round (tcpdump's null_if_print does the same). */
		af = rd_le32(f, 0, &ok);
		if (!ok)
			return DECODE_TRUNCATED_LINK;
		if (af & 0xffff0000u)
			af = rd_be32(f, 0, &ok);
		*hdr_len = NULL_HDR_LEN;
		return bsd_family(af, kind);
	case DLT_LOOP:
		/* OpenBSD's loopback: the same header, always big-endian. */
		af = rd_be32(f, 0, &ok);
		if (!ok)
			return DECODE_TRUNCATED_LINK;
		*hdr_len = NULL_HDR_LEN;
		return bsd_family(af, kind);
	case DLT_RAW:
#if DLT_RAW != LINKTYPE_RAW
	case LINKTYPE_RAW:
#endif
		*hdr_len = 0;
		*kind = L3_ANY_IP;
		return DECODE_OK;
	case DLT_IPV4:
		*hdr_len = 0;
		*kind = L3_IPV4;
		return DECODE_OK;
	case DLT_IPV6:
		*hdr_len = 0;
		*kind = L3_IPV6;
		return DECODE_OK;
	default:
		return DECODE_UNSUPPORTED_LINK;
	}
}

bool decode_link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_RAW:
#if DLT_RAW != LINKTYPE_RAW
	case LINKTYPE_RAW:
#endif
	case DLT_IPV4:
	case DLT_IPV6:
		return true;
	default:
		return false;
	}
}

/* ---- IPv4 ---------------------------------------------------------------- */

enum {
	IPPROTO_TCP_ = 6, /* the underscore keeps clear of <netinet/in.h> */
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
                                      size_t *l4_len, struct ip_fragment *frag)
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
	if (proto != IPPROTO_TCP_)
		return DECODE_NOT_TCP;
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
                                      size_t *l4_len, struct ip_fragment *frag)
{
	bool ok = true;
	if (!rd_has(ip, 0, IPV6_HDR_LEN))
		return DECODE_TRUNCATED_IP;
	uint16_t plen = rd_be16(ip, 4, &ok);
	uint8_t nh = rd_u8(ip, 6, &ok);
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
	for (int n = 0; nh != IPPROTO_TCP_ && !fragmented; n++) {
		size_t size;
		if (nh != IP6_HOPOPTS && nh != IP6_ROUTING &&
		    nh != IP6_FRAGMENT && nh != IP6_AH && nh != IP6_DSTOPTS) {
			/* ESP (50) hides what follows, 59 says nothing follows,
			 * the rest are upper layers other than TCP. */
			return DECODE_NOT_TCP;
		}
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
	return DECODE_OK;
}

/* ---- TCP ----------------------------------------------------------------- */

enum {
	TCP_MIN_HDR = 20,
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,       /* RFC 9293 section 3.2 */
	TCPOPT_WSCALE = 3,    /* RFC 7323 section 2 */
	TCPOPT_SACK_PERM = 4, /* RFC 2018 */
	TCPOPT_SACK = 5,      /* RFC 2018 */
	TCPOPT_TIMESTAMP = 8, /* RFC 7323 section 3 */
};

/* One option whose kind and length bytes have been read and whose len bytes
 * are all in o. A known kind with the wrong length is not believed: it is
 * marked malformed and skipped, its length still framing it. */
static void tcp_option(uint8_t kind, const struct rd *o,
                       struct tcp_options *opt)
{
	bool ok = true;
	size_t len = o->len;

	switch (kind) {
	case TCPOPT_MSS:
		if (len != 4)
			goto bad_len;
		opt->has_mss = true;
		opt->mss = rd_be16(o, 2, &ok);
		break;
	case TCPOPT_WSCALE:
		if (len != 3)
			goto bad_len;
		opt->has_wscale = true;
		opt->wscale = rd_u8(o, 2, &ok);
		break;
	case TCPOPT_SACK_PERM:
		if (len != 2)
			goto bad_len;
		opt->sack_permitted = true;
		break;
	case TCPOPT_SACK:
		/* 2 + 8n bytes, n >= 1; 40 bytes of option space fit 4. */
		if (len < 10 || (len - 2) % 8 != 0)
			goto bad_len;
		opt->sack_blocks = 0;
		for (size_t i = 0; i < (len - 2) / 8 && i < TCP_MAX_SACK_BLOCKS;
		     i++) {
			opt->sack[i][0] = rd_be32(o, 2 + 8 * i, &ok);
			opt->sack[i][1] = rd_be32(o, 6 + 8 * i, &ok);
			opt->sack_blocks = (uint8_t)(i + 1);
		}
		break;
	case TCPOPT_TIMESTAMP:
		if (len != 10)
			goto bad_len;
		opt->has_timestamps = true;
		opt->ts_val = rd_be32(o, 2, &ok);
		opt->ts_ecr = rd_be32(o, 6, &ok);
		break;
	default:
		break; /* unknown kinds are skipped by their length */
	}
	assert(ok);
	return;
bad_len:
	opt->malformed = true;
}

/* Walk the options area of a TCP header of hl bytes, of which h holds the
 * captured ones (h->len <= hl). "Past the header" and "past the capture"
 * are told apart: the first is a malformed option, the second only a short
 * snap length. */
static void tcp_options(const struct rd *h, size_t hl, struct tcp_options *opt)
{
	size_t off = TCP_MIN_HDR;

	assert(h->len <= hl);
	if (h->len < hl)
		opt->truncated = true;
	while (off < hl) {
		bool ok = true;
		if (off >= h->len)
			break; /* the rest was not captured */
		uint8_t kind = rd_u8(h, off, &ok);
		if (kind == TCPOPT_EOL)
			break; /* RFC 9293: the rest is padding */
		if (kind == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (hl - off < 2) {
			opt->malformed = true; /* no room for a length byte */
			break;
		}
		uint8_t len = rd_u8(h, off + 1, &ok);
		if (!ok)
			break; /* length byte not captured */
		if (len < 2 || len > hl - off) {
			/* Length < 2 cannot advance the walk; past the header
			 * it would read payload as options. */
			opt->malformed = true;
			break;
		}
		if (!rd_has(h, off, len))
			break; /* cut by the capture */
		struct rd o = rd_sub(h, off, len);
		tcp_option(kind, &o, opt);
		off += len;
	}
}

/* Decode the TCP header at the start of l4 (the captured part of the IP
 * payload, at most l4_len bytes; l4_len the payload length per IP). */
static enum decode_status decode_tcp(const struct rd *l4, size_t l4_len,
                                     struct tcp_segment *out)
{
	bool ok = true;

	assert(l4->len <= l4_len);
	if (!rd_has(l4, 0, TCP_MIN_HDR))
		return DECODE_TRUNCATED_TCP;

	out->src_port = rd_be16(l4, 0, &ok);
	out->dst_port = rd_be16(l4, 2, &ok);
	out->seq = rd_be32(l4, 4, &ok);
	out->ack = rd_be32(l4, 8, &ok);
	size_t hl = (size_t)(rd_u8(l4, 12, &ok) >> 4) * 4;
	/* Byte 12's low bits are reserved and AE (RFC 9293, RFC 9768); the
	 * eight classic flags are byte 13. */
	out->flags = rd_u8(l4, 13, &ok);
	out->win = rd_be16(l4, 14, &ok);
	out->urg_ptr = rd_be16(l4, 18, &ok);
	assert(ok);

	if (hl < TCP_MIN_HDR || hl > l4_len)
		return DECODE_BAD_TCP_OFFSET;
	out->header_len = (uint8_t)hl;
	/* Both fit: l4_len comes from a 32-bit wire length at most. */
	out->payload_len = (uint32_t)(l4_len - hl);
	out->payload_captured = l4->len > hl ? (uint32_t)(l4->len - hl) : 0;

	struct rd h = rd_clamp(*l4, hl);
	tcp_options(&h, hl, &out->opt);
	return DECODE_OK;
}

/* ---- the frame ----------------------------------------------------------- */

enum decode_status decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                uint32_t wirelen, struct tcp_segment *out)
{
	return decode_packet(dlt, data, caplen, wirelen, out, NULL);
}

enum decode_status decode_packet(int dlt, const uint8_t *data, uint32_t caplen,
                                 uint32_t wirelen, struct tcp_segment *out,
                                 struct ip_fragment *frag)
{
	memset(out, 0, sizeof *out);

	struct rd frame = { .p = data, .len = data != NULL ? caplen : 0 };
	size_t link_len = 0;
	enum l3_kind kind = L3_ANY_IP;
	enum decode_status st = link_strip(dlt, &frame, &link_len, &kind);
	if (st != DECODE_OK)
		return st;
	assert(link_len <= frame.len);

	/* A frame is never shorter on the wire than in the capture; a file
	 * that says so is believed for its captured bytes. */
	size_t wire = wirelen > frame.len ? wirelen : frame.len;
	size_t wire_net = wire - link_len;
	struct rd ip = rd_tail(&frame, link_len);

	bool ok = true;
	uint8_t version = rd_u8(&ip, 0, &ok) >> 4;
	if (!ok)
		return DECODE_TRUNCATED_IP;
	if (kind == L3_ANY_IP && (version == 4 || version == 6))
		kind = version == 4 ? L3_IPV4 : L3_IPV6;
	if ((kind == L3_IPV4 && version != 4) ||
	    (kind == L3_IPV6 && version != 6) || kind == L3_ANY_IP)
		return DECODE_BAD_IP_VERSION;

	struct rd l4 = { .p = NULL, .len = 0 };
	size_t l4_len = 0;
	if (kind == L3_IPV4)
		st = decode_ipv4(&ip, wire_net, out, &l4, &l4_len, frag);
	else
		st = decode_ipv6(&ip, wire_net, out, &l4, &l4_len, frag);
	if (st != DECODE_OK)
		return st;
	return decode_tcp(&l4, l4_len, out);
}

bool decode_options_notable(const struct tcp_options *opt)
{
	return opt->has_mss || opt->has_wscale || opt->sack_permitted ||
	       opt->sack_blocks || opt->malformed || opt->truncated;
}

int decode_options_text(const struct tcp_options *opt, char *buf, size_t len)
{
	/* The items first, then joined: each is short and bounded. */
	char item[5 + TCP_MAX_SACK_BLOCKS][96];
	int count = 0;
	if (opt->has_mss)
		snprintf(item[count++], sizeof item[0], "mss %u", opt->mss);
	if (opt->has_wscale)
		snprintf(item[count++], sizeof item[0], "wscale %u", opt->wscale);
	if (opt->sack_permitted)
		snprintf(item[count++], sizeof item[0], "sackOK");
	if (opt->has_timestamps)
		snprintf(item[count++], sizeof item[0], "TS val %u ecr %u",
		         opt->ts_val, opt->ts_ecr);
	if (opt->sack_blocks) {
		size_t n = (size_t)snprintf(item[count], sizeof item[0], "sack %u ",
		                            opt->sack_blocks);
		for (unsigned i = 0; i < opt->sack_blocks && n < sizeof item[0]; i++)
			n += (size_t)snprintf(item[count] + n, sizeof item[0] - n, "{%u:%u}",
			                      opt->sack[i][0], opt->sack[i][1]);
		count++;
	}
	if (opt->malformed)
		snprintf(item[count++], sizeof item[0], "malformed");
	if (opt->truncated)
		snprintf(item[count++], sizeof item[0], "truncated");

	assert(len > 0);
	buf[0] = '\0';
	size_t used = 0;
	int need = 0;
	for (int i = 0; i < count; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? "," : "", item[i]);
		need += n;
		used += (size_t)n;
		if (used >= len)
			used = len - 1;
	}
	return need;
}
