/* decode_layers: how the decoder's layer files hand a packet to each other.
 *
 * Internal to src/decode*.c. Each layer function takes the bytes that
 * remain as a window (`struct rd`, decode_rd.h) and `wire`, how many bytes
 * the rest of the packet had on the wire (at least what was captured); it
 * strips its own header and calls the next layer, or returns why the
 * packet is not a TCP segment. The dispatch a reader follows:
 *
 *   decode_packet (decode.c)
 *     -> dec_link: the link type (decode_link.c)
 *       -> dec_ethertype / dec_ether_frame / dec_ppp / dec_llc / dec_mpls /
 *          dec_80211 (decode_link.c)
 *         -> dec_ip: IPv4, IPv6, fragments (decode_ip.c)
 *           -> dec_tcp: TCP and options (decode_tcp.c)
 *           -> dec_ip_payload's tunnels: GRE, ERSPAN, UDP tunnels,
 *              IP-in-IP (decode_tunnel.c), back into dec_ip or
 *              dec_ether_frame for what they carry
 *
 * Recursion is bounded twice: by DECODE_MAX_TUNNELS tunnels, and by
 * DECODE_MAX_LAYERS layers of any kind entered (each dec_* that may lead
 * back to itself counts one), so no packet can make the stack grow past a
 * few dozen frames. */
#ifndef TCPLADDER_DECODE_LAYERS_H
#define TCPLADDER_DECODE_LAYERS_H

#include "decode.h"
#include "decode_rd.h"

enum { DECODE_MAX_LAYERS = 32 };

struct dctx {
	struct tcp_segment *out;
	struct decode_info *info;
	/* The next IPv4 header is Van Jacobson's "uncompressed TCP" (RFC
	 * 1144): its protocol byte holds a connection slot, and it is TCP. */
	bool vj_uncompressed;
};

/* Count one more layer; DECODE_TOO_DEEP past the bound. */
static inline enum decode_status dec_enter(struct dctx *c)
{
	return ++c->info->layers > DECODE_MAX_LAYERS ? DECODE_TOO_DEEP : DECODE_OK;
}

/* The window from off to its end, and *wire (what the packet had on the
 * wire from the window's start) cut by as much. */
static inline struct rd dec_tail(const struct rd *r, size_t off, size_t *wire)
{
	*wire = *wire > off ? *wire - off : 0;
	return rd_tail(r, off);
}

/* DECODE_UNDECODED, with what was not decoded. */
static inline enum decode_status dec_undecoded(struct dctx *c, enum decode_encap what,
                                               uint32_t value)
{
	c->info->undecoded = (uint8_t)what;
	c->info->undecoded_value = value;
	return DECODE_UNDECODED;
}

/* Well-known numbers the layers share. */
enum {
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_TEB = 0x6558,   /* transparent Ethernet bridging (RFC 1701) */
	ETHERTYPE_MPLS = 0x8847,
	ETHERTYPE_MPLS_MC = 0x8848,
	ETHERTYPE_PPP = 0x880b,
	ETH_FRAME_HDR_LEN = 14,   /* two addresses and the EtherType */
	IPPROTO_IPIP_ = 4,        /* the underscores keep clear of <netinet/in.h> */
	IPPROTO_TCP_ = 6,
	IPPROTO_UDP_ = 17,
	IPPROTO_IPV6_ = 41,
	IPPROTO_GRE_ = 47,
};

/* decode_link.c */
enum decode_status dec_link(struct dctx *c, int dlt, const struct rd *frame, size_t wire);
/* An Ethernet frame: addresses, then the EtherType. */
enum decode_status dec_ether_frame(struct dctx *c, const struct rd *r, size_t wire);
/* What follows an EtherType (VLAN tags walked); GRE, Geneve and Cisco
 * HDLC name their payload in the same numbers. */
enum decode_status dec_ethertype(struct dctx *c, uint16_t type, const struct rd *r,
                                 size_t wire);
/* PPP from its protocol field, with or without HDLC's 0xff 0x03 first. */
enum decode_status dec_ppp(struct dctx *c, const struct rd *r, size_t wire);
/* An MPLS label stack and what its bottom label carries. */
enum decode_status dec_mpls(struct dctx *c, const struct rd *r, size_t wire);
/* An 802.11 frame (no radiotap): data frames' LLC payload. */
enum decode_status dec_80211(struct dctx *c, const struct rd *r, size_t wire);

/* decode_ip.c: an IP header (version 4 or 6; 0 for "the nibble says")
 * and on to what it carries. */
enum decode_status dec_ip(struct dctx *c, int version, const struct rd *r, size_t wire);

/* decode_tunnel.c: an IP payload other than TCP (l4: what was captured
 * of it; l4_len: its length per the IP header). */
enum decode_status dec_ip_tunnel(struct dctx *c, uint8_t proto, const struct rd *l4,
                                 size_t l4_len);

/* decode_tcp.c */
enum decode_status dec_tcp(struct dctx *c, const struct rd *l4, size_t l4_len);

#endif
