/* decode_tunnel: what IP carries besides TCP, and the tunnels among it.
 *
 * Owns the tunnels inside IP: GRE (RFC 2784/2890, and PPTP's, RFC 2637),
 * ERSPAN type I, II and III over GRE, IP-in-IP (4in4, 6in4, 4in6, 6in6),
 * EtherIP, MPLS in IP, and the UDP tunnels VXLAN and VXLAN-GPE, Geneve,
 * GTP-U, Teredo, L2TPv2, AYIYA, GRE-in-UDP and CAPWAP data, each on its
 * well-known port (either port of the datagram, as Zeek and Suricata take
 * them) or one a capture's user names (decode_config). Each tunnel is
 * recorded in the packet's path (decode_info.tunnel) with the outer IP
 * header's addresses, then what it carries goes back to dec_ip or
 * dec_ether_frame. Everything else is "not TCP", except the encapsulations
 * this file knows and does not open (ESP, WireGuard, ...), which are named
 * so that a capture's summary can say what it did not decode.
 * Pure: no I/O, no allocation, no state. */
#include "decode_layers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	IPPROTO_AH_ = 51,
	IPPROTO_ESP_ = 50,
	IPPROTO_ETHERIP_ = 97,
	IPPROTO_L2TPV3_ = 115,
	IPPROTO_MPLS_ = 137,
	UDP_HDR_LEN = 8,
};

/* Record one tunnel, its outer addresses being the IP header just
 * decoded (still in c->out). */
static enum decode_status push(struct dctx *c, enum tunnel_kind kind, bool has_id,
                               uint32_t id, uint32_t id2)
{
	struct decode_info *info = c->info;
	if (info->tunnels == DECODE_MAX_TUNNELS)
		return DECODE_TOO_DEEP;
	struct decode_tunnel *t = &info->tunnel[info->tunnels++];
	t->kind = (uint8_t)kind;
	t->ip_version = c->out->ip_version;
	t->has_id = has_id;
	memcpy(t->src_addr, c->out->src_addr, sizeof t->src_addr);
	memcpy(t->dst_addr, c->out->dst_addr, sizeof t->dst_addr);
	t->id = id;
	t->id2 = id2;
	return DECODE_OK;
}


/* ---- GRE and ERSPAN -------------------------------------------------------- */

enum {
	GRE_C = 0x8000, GRE_R = 0x4000, GRE_K = 0x2000, GRE_S = 0x1000,
	GRE_A = 0x0080, /* PPTP's acknowledgement number present */
	GRE_VERSION = 0x0007,
	GRE_PROTO_ERSPAN2 = 0x88be, /* type I without a sequence number */
	GRE_PROTO_ERSPAN3 = 0x22eb,
	GRE_PROTO_WCCP = 0x883e,
	ERSPAN2_HDR_LEN = 8,
	ERSPAN3_HDR_LEN = 12,
	ERSPAN3_PLATFORM_LEN = 8,
	WCCP_REDIRECT_LEN = 4,
};

/* ERSPAN's own header (Cisco's draft-foschiano-erspan): type II's 8
 * bytes, type III's 12 and an optional platform sub-header; type I has
 * none. The session id is 10 bits of the second 16. */
static enum decode_status dec_erspan(struct dctx *c, uint16_t proto, bool seq,
                                     const struct rd *r, size_t wire)
{
	bool ok = true;
	size_t hdr = 0;
	uint32_t session = 0;
	bool frame_is_ip = false;
	if (proto == GRE_PROTO_ERSPAN3) {
		session = rd_be16(r, 2, &ok) & 0x3ff;
		uint8_t b10 = rd_u8(r, 10, &ok), b11 = rd_u8(r, 11, &ok);
		hdr = ERSPAN3_HDR_LEN + ((b11 & 1) ? ERSPAN3_PLATFORM_LEN : 0);
		frame_is_ip = ((b10 >> 2) & 0x1f) == 2; /* frame type 2: IP */
	} else if (seq) {
		session = rd_be16(r, 2, &ok) & 0x3ff;
		hdr = ERSPAN2_HDR_LEN;
	}
	if (!ok || !rd_has(r, 0, hdr))
		return DECODE_TRUNCATED_TUNNEL;
	enum decode_status st = push(c, TUNNEL_ERSPAN, hdr > 0, session, 0);
	if (st != DECODE_OK)
		return st;
	struct rd p = dec_tail(r, hdr, &wire);
	return frame_is_ip ? dec_ip(c, 0, &p, wire) : dec_ether_frame(c, &p, wire);
}

/* RFC 2784 with RFC 2890's key and sequence number, and PPTP's enhanced
 * GRE (version 1, RFC 2637: key field holds payload length and call id).
 * The protocol type is an EtherType. */
static enum decode_status dec_gre(struct dctx *c, const struct rd *r, size_t wire)
{
	bool ok = true;
	uint16_t flags = rd_be16(r, 0, &ok);
	uint16_t proto = rd_be16(r, 2, &ok);
	if (!ok)
		return DECODE_TRUNCATED_TUNNEL;
	size_t off = 4;
	uint32_t key = 0;
	switch (flags & GRE_VERSION) {
	case 0:
		if (flags & (GRE_C | GRE_R))
			off += 4; /* checksum and offset (RFC 1701) */
		if (flags & GRE_K) {
			key = rd_be32(r, off, &ok);
			off += 4;
		}
		if (flags & GRE_S)
			off += 4;
		if (flags & GRE_R)
			return dec_undecoded(c, ENCAP_GRE_ROUTING, proto);
		break;
	case 1:
		if (!(flags & GRE_K) || proto != ETHERTYPE_PPP)
			return DECODE_BAD_TUNNEL;
		key = rd_be16(r, 6, &ok); /* the call id */
		off += 4;
		if (flags & GRE_S)
			off += 4;
		if (flags & GRE_A)
			off += 4;
		if (rd_be16(r, 4, &ok) == 0 && ok)
			return DECODE_NOT_TCP; /* an acknowledgement alone */
		break;
	default:
		return DECODE_BAD_TUNNEL;
	}
	if (!ok || !rd_has(r, 0, off))
		return DECODE_TRUNCATED_TUNNEL;
	struct rd p = dec_tail(r, off, &wire);

	if (proto == GRE_PROTO_ERSPAN2 || proto == GRE_PROTO_ERSPAN3)
		return dec_erspan(c, proto, (flags & GRE_S) != 0, &p, wire);
	switch (proto) {
	case 0:
		return DECODE_NOT_TCP; /* a keepalive (Cisco's, inside GRE) */
	case ETHERTYPE_IPV4:
	case ETHERTYPE_IPV6:
	case ETHERTYPE_TEB:
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
	case ETHERTYPE_PPP:
	case GRE_PROTO_WCCP:
		break;
	default:
		return dec_undecoded(c, ENCAP_GRE_PROTO, proto);
	}
	enum decode_status st = push(c, TUNNEL_GRE, (flags & GRE_K) != 0, key, 0);
	if (st != DECODE_OK)
		return st;
	if (proto == GRE_PROTO_WCCP) {
		/* WCCPv2's redirect header, unless the IPv4 header follows
		 * at once (WCCPv1), as tcpdump and Wireshark tell them. */
		uint8_t first = rd_u8(&p, 0, &ok);
		if (!ok)
			return DECODE_TRUNCATED_TUNNEL;
		if (first >> 4 != 4)
			p = dec_tail(&p, WCCP_REDIRECT_LEN, &wire);
		return dec_ip(c, 4, &p, wire);
	}
	return dec_ethertype(c, proto, &p, wire);
}

/* ---- UDP tunnels --------------------------------------------------------- */

/* The well-known ports (IANA's, as Zeek, Suricata and Wireshark default
 * to them). */
static enum tunnel_kind well_known_port(uint16_t port)
{
	switch (port) {
	case 4789: return TUNNEL_VXLAN;
	case 4790: return TUNNEL_VXLAN_GPE;
	case 6081: return TUNNEL_GENEVE;
	case 2152: return TUNNEL_GTP_U;
	case 3544: return TUNNEL_TEREDO;
	case 1701: return TUNNEL_L2TP;
	case 5072: return TUNNEL_AYIYA;
	case 4754: return TUNNEL_GRE;
	case 5247: return TUNNEL_CAPWAP;
	default: return 0;
	}
}

/* UDP ports of encapsulations tcpladder does not open, named so that their
 * packets are counted as such: Linux's VXLAN default (add it with
 * --tunnel-port vxlan=8472 where it is VXLAN), LISP, and the encrypted
 * tunnels, IPsec NAT traversal, OpenVPN and WireGuard. */
static bool port_is_encapsulation(uint16_t port)
{
	return port == 8472 || port == 4341 || port == 4500 || port == 1194 ||
	       port == 51820;
}

static enum tunnel_kind port_kind(const struct decode_config *cfg, uint16_t port)
{
	if (cfg) {
		for (unsigned i = 0; i < cfg->extra_ports; i++)
			if (cfg->extra[i].port == port)
				return cfg->extra[i].kind;
	}
	return well_known_port(port);
}

/* RFC 7348: flags (I: the VNI is valid), 24 reserved bits, the VNI, 8
 * more; then an Ethernet frame. VXLAN-GPE's P flag adds a next protocol
 * in the last reserved byte of the first word. */
static enum decode_status dec_vxlan(struct dctx *c, bool gpe, const struct rd *r,
                                    size_t wire)
{
	bool ok = true;
	uint8_t flags = rd_u8(r, 0, &ok);
	uint8_t next = rd_u8(r, 3, &ok);
	uint32_t vni = rd_be32(r, 4, &ok) >> 8;
	if (!ok)
		return DECODE_TRUNCATED_TUNNEL;
	enum decode_status st = push(c, gpe ? TUNNEL_VXLAN_GPE : TUNNEL_VXLAN,
	                             (flags & 0x08) != 0, vni, 0);
	if (st != DECODE_OK)
		return st;
	struct rd p = dec_tail(r, 8, &wire);
	if (!gpe || !(flags & 0x04) || next == 3)
		return dec_ether_frame(c, &p, wire);
	switch (next) {
	case 1: return dec_ip(c, 4, &p, wire);
	case 2: return dec_ip(c, 6, &p, wire);
	case 5: return dec_mpls(c, &p, wire);
	default: return dec_undecoded(c, ENCAP_UDP_PORT, 4790);
	}
}

/* RFC 8926: version and option length (in 4-byte words), flags, an
 * EtherType, the VNI; the options are skipped by their length. */
static enum decode_status dec_geneve(struct dctx *c, const struct rd *r, size_t wire)
{
	bool ok = true;
	uint8_t b0 = rd_u8(r, 0, &ok);
	uint16_t proto = rd_be16(r, 2, &ok);
	uint32_t vni = rd_be32(r, 4, &ok) >> 8;
	if (!ok)
		return DECODE_TRUNCATED_TUNNEL;
	if (b0 >> 6 != 0)
		return DECODE_BAD_TUNNEL; /* only version 0 exists */
	size_t hdr = 8 + (size_t)(b0 & 0x3f) * 4;
	if (!rd_has(r, 0, hdr))
		return DECODE_TRUNCATED_TUNNEL;
	enum decode_status st = push(c, TUNNEL_GENEVE, true, vni, 0);
	if (st != DECODE_OK)
		return st;
	struct rd p = dec_tail(r, hdr, &wire);
	return dec_ethertype(c, proto, &p, wire);
}

enum {
	GTP_E = 0x04, GTP_S = 0x02, GTP_PN = 0x01,
	GTP_TPDU = 0xff,         /* G-PDU: a user's packet */
	GTP_MAX_EXTENSIONS = 16, /* 3GPP defines a handful */
};

/* 3GPP TS 29.281 section 5: flags (version 1, protocol type 1), message
 * type, length, TEID; a sequence number, N-PDU number and next extension
 * type when any of E, S, PN is set; extension headers each counting its
 * length in 4-byte units and naming the next in its last byte. */
static enum decode_status dec_gtp_u(struct dctx *c, const struct rd *r, size_t wire)
{
	bool ok = true;
	uint8_t flags = rd_u8(r, 0, &ok);
	uint8_t type = rd_u8(r, 1, &ok);
	uint32_t teid = rd_be32(r, 4, &ok);
	if (!ok)
		return DECODE_TRUNCATED_TUNNEL;
	if (flags >> 5 != 1 || !(flags & 0x10))
		return dec_undecoded(c, ENCAP_GTP_VERSION, flags >> 5); /* GTP' */
	if (type != GTP_TPDU)
		return DECODE_NOT_TCP; /* echo, error indication, end marker */
	size_t off = 8;
	if (flags & (GTP_E | GTP_S | GTP_PN)) {
		uint8_t next = rd_u8(r, 11, &ok);
		off = 12;
		for (int n = 0; (flags & GTP_E) && next != 0; n++) {
			if (n == GTP_MAX_EXTENSIONS)
				return DECODE_BAD_TUNNEL;
			size_t len = (size_t)rd_u8(r, off, &ok) * 4;
			if (!ok)
				return DECODE_TRUNCATED_TUNNEL;
			if (len == 0)
				return DECODE_BAD_TUNNEL;
			next = rd_u8(r, off + len - 1, &ok);
			off += len;
		}
	}
	if (!ok || !rd_has(r, 0, off))
		return DECODE_TRUNCATED_TUNNEL;
	enum decode_status st = push(c, TUNNEL_GTP_U, true, teid, 0);
	if (st != DECODE_OK)
		return st;
	struct rd p = dec_tail(r, off, &wire);
	return dec_ip(c, 0, &p, wire);
}

/* RFC 4380 section 5.1.1: an IPv6 packet, after an authentication
 * indication (0x0001, id and value lengths, id, value, nonce,
 * confirmation) and an origin indication (0x0000, port, address), each
 * there or not, in that order. Anything else on the port is not Teredo. */
static enum decode_status dec_teredo(struct dctx *c, const struct rd *r, size_t wire)
{
	bool ok = true;
	size_t off = 0;
	if (rd_be16(r, off, &ok) == 0x0001 && ok) {
		size_t id_len = rd_u8(r, off + 2, &ok);
		size_t auth_len = rd_u8(r, off + 3, &ok);
		off += 4 + id_len + auth_len + 8 + 1;
	}
	if (rd_be16(r, off, &ok) == 0x0000 && ok)
		off += 8;
	if (!ok || rd_u8(r, off, &ok) >> 4 != 6 || !ok)
		return DECODE_NOT_TCP; /* a bubble, or not Teredo at all */
	enum decode_status st = push(c, TUNNEL_TEREDO, false, 0, 0);
	if (st != DECODE_OK)
		return st;
	struct rd p = dec_tail(r, off, &wire);
	return dec_ip(c, 6, &p, wire);
}

enum {
	L2TP_T = 0x8000, L2TP_L = 0x4000, L2TP_S = 0x0800, L2TP_O = 0x0200,
	L2TP_VERSION = 0x000f,
};

/* RFC 2661 section 3.1: flags and version, an optional length, tunnel
 * and session ids, optional Ns/Nr and offset; data messages carry PPP. */
static enum decode_status dec_l2tp(struct dctx *c, const struct rd *r, size_t wire)
{
	bool ok = true;
	uint16_t flags = rd_be16(r, 0, &ok);
	if (!ok)
		return DECODE_TRUNCATED_TUNNEL;
	if ((flags & L2TP_VERSION) != 2)
		return dec_undecoded(c, ENCAP_L2TP_VERSION, flags & L2TP_VERSION);
	if (flags & L2TP_T)
		return DECODE_NOT_TCP; /* a control message */
	size_t off = 2 + ((flags & L2TP_L) ? 2 : 0);
	uint16_t tunnel = rd_be16(r, off, &ok);
	uint16_t session = rd_be16(r, off + 2, &ok);
	off += 4 + ((flags & L2TP_S) ? 4 : 0);
	if (flags & L2TP_O)
		off += 2 + (size_t)rd_be16(r, off, &ok);
	if (!ok || !rd_has(r, 0, off))
		return DECODE_TRUNCATED_TUNNEL;
	enum decode_status st = push(c, TUNNEL_L2TP, true, tunnel, session);
	if (st != DECODE_OK)
		return st;
	struct rd p = dec_tail(r, off, &wire);
	return dec_ppp(c, &p, wire);
}

/* AYIYA (SixXS's draft-massar-v6ops-ayiya): identity length (a power of
 * two) and type, signature length (4-byte words) and hash, authentication
 * and opcode, next header; an epoch; the identity and signature. Opcode 1
 * forwards a packet. */
static enum decode_status dec_ayiya(struct dctx *c, const struct rd *r, size_t wire)
{
	bool ok = true;
	uint8_t b0 = rd_u8(r, 0, &ok), b1 = rd_u8(r, 1, &ok), b2 = rd_u8(r, 2, &ok);
	uint8_t next = rd_u8(r, 3, &ok);
	if (!ok)
		return DECODE_TRUNCATED_TUNNEL;
	if ((b2 & 0x0f) != 1)
		return DECODE_NOT_TCP;
	size_t off = 8 + ((size_t)1 << (b0 >> 4)) + (size_t)(b1 >> 4) * 4;
	if (!rd_has(r, 0, off))
		return DECODE_TRUNCATED_TUNNEL;
	if (next != IPPROTO_IPV6_ && next != IPPROTO_IPIP_)
		return DECODE_NOT_TCP;
	enum decode_status st = push(c, TUNNEL_AYIYA, false, 0, 0);
	if (st != DECODE_OK)
		return st;
	struct rd p = dec_tail(r, off, &wire);
	return dec_ip(c, next == IPPROTO_IPV6_ ? 6 : 4, &p, wire);
}

/* RFC 5415 section 4.3: a preamble (type 0: no DTLS), the header length
 * in 4-byte words, radio and binding ids, and flags: T says the frame is
 * the binding's native one (802.11 for binding 1), else 802.3; F a
 * fragment, K a keep-alive. */
static enum decode_status dec_capwap(struct dctx *c, const struct rd *r, size_t wire,
                                     uint16_t port)
{
	bool ok = true;
	uint8_t b0 = rd_u8(r, 0, &ok), b1 = rd_u8(r, 1, &ok);
	uint8_t b2 = rd_u8(r, 2, &ok), b3 = rd_u8(r, 3, &ok);
	if (!ok)
		return DECODE_TRUNCATED_TUNNEL;
	if (b0 != 0)
		return dec_undecoded(c, ENCAP_UDP_PORT, port); /* DTLS */
	if (b3 & 0x08)
		return DECODE_NOT_TCP; /* keep-alive */
	if (b3 & 0x80)
		return dec_undecoded(c, ENCAP_UDP_PORT, port); /* a fragment */
	size_t hlen = (size_t)(b1 >> 3) * 4;
	bool native = b2 & 1;
	uint8_t wbid = (b2 >> 1) & 0x1f;
	if (hlen < 8 || !rd_has(r, 0, hlen))
		return DECODE_TRUNCATED_TUNNEL;
	enum decode_status st = push(c, TUNNEL_CAPWAP, false, 0, 0);
	if (st != DECODE_OK)
		return st;
	struct rd p = dec_tail(r, hlen, &wire);
	if (!native)
		return dec_ether_frame(c, &p, wire);
	if (wbid == 1)
		return dec_80211(c, &p, wire);
	return dec_undecoded(c, ENCAP_UDP_PORT, port);
}

static enum decode_status dec_udp(struct dctx *c, const struct rd *l4, size_t l4_len)
{
	bool ok = true;
	uint16_t sport = rd_be16(l4, 0, &ok);
	uint16_t dport = rd_be16(l4, 2, &ok);
	uint16_t ulen = rd_be16(l4, 4, &ok);
	if (!ok || !rd_has(l4, 0, UDP_HDR_LEN))
		return DECODE_NOT_TCP; /* UDP cut short: no tunnel to tell */
	/* Either port may be the tunnel's (replies come from it, and some
	 * senders use it on both ends); the lower first when both are, as
	 * Wireshark tries them. */
	const struct decode_config *cfg = c->info->config;
	uint16_t port = sport < dport ? sport : dport;
	enum tunnel_kind kind = port_kind(cfg, port);
	if (!kind) {
		port = sport < dport ? dport : sport;
		kind = port_kind(cfg, port);
	}
	if (!kind) {
		if (port_is_encapsulation(dport) || port_is_encapsulation(sport))
			return dec_undecoded(c, ENCAP_UDP_PORT,
			                     port_is_encapsulation(dport) ? dport : sport);
		return DECODE_NOT_TCP;
	}
	/* The UDP length bounds the payload when it is sane; 0 is what
	 * RFC 2675's jumbograms and some offloads leave. */
	size_t wire = l4_len > UDP_HDR_LEN ? l4_len - UDP_HDR_LEN : 0;
	if (ulen >= UDP_HDR_LEN && ulen <= l4_len)
		wire = (size_t)ulen - UDP_HDR_LEN;
	struct rd p = rd_sub(l4, UDP_HDR_LEN, wire);
	switch (kind) {
	case TUNNEL_VXLAN: return dec_vxlan(c, false, &p, wire);
	case TUNNEL_VXLAN_GPE: return dec_vxlan(c, true, &p, wire);
	case TUNNEL_GENEVE: return dec_geneve(c, &p, wire);
	case TUNNEL_GTP_U: return dec_gtp_u(c, &p, wire);
	case TUNNEL_TEREDO: return dec_teredo(c, &p, wire);
	case TUNNEL_L2TP: return dec_l2tp(c, &p, wire);
	case TUNNEL_AYIYA: return dec_ayiya(c, &p, wire);
	case TUNNEL_GRE: return dec_gre(c, &p, wire);
	case TUNNEL_CAPWAP: return dec_capwap(c, &p, wire, port);
	default: return DECODE_NOT_TCP;
	}
}

/* ---- the IP payload ------------------------------------------------------- */

enum decode_status dec_ip_tunnel(struct dctx *c, uint8_t proto, const struct rd *l4,
                                 size_t l4_len)
{
	enum decode_status st;
	bool ok = true;
	struct rd p;
	size_t wire = l4_len;
	switch (proto) {
	case IPPROTO_UDP_:
		return dec_udp(c, l4, l4_len);
	case IPPROTO_GRE_:
		return dec_gre(c, l4, l4_len);
	case IPPROTO_IPIP_:
	case IPPROTO_IPV6_:
		st = push(c, TUNNEL_IPIP, false, 0, 0);
		return st != DECODE_OK ? st
		                       : dec_ip(c, proto == IPPROTO_IPIP_ ? 4 : 6, l4, l4_len);
	case IPPROTO_ETHERIP_:
		/* RFC 3378: 4 bits of version (3), 12 reserved. */
		if (!rd_has(l4, 0, 2))
			return DECODE_TRUNCATED_TUNNEL;
		st = push(c, TUNNEL_ETHERIP, false, 0, 0);
		if (st != DECODE_OK)
			return st;
		p = dec_tail(l4, 2, &wire);
		return dec_ether_frame(c, &p, wire);
	case IPPROTO_MPLS_:
		st = push(c, TUNNEL_MPLS_IP, false, 0, 0);
		return st != DECODE_OK ? st : dec_mpls(c, l4, l4_len);
	case IPPROTO_AH_: {
		/* IPv4's AH (RFC 4302): not a tunnel, a header to skip, its
		 * length in 4-byte words minus 2. (IPv6 walks it with its
		 * extension headers.) */
		st = dec_enter(c);
		if (st != DECODE_OK)
			return st;
		uint8_t next = rd_u8(l4, 0, &ok);
		size_t size = ((size_t)rd_u8(l4, 1, &ok) + 2) * 4;
		if (!ok || !rd_has(l4, 0, size))
			return DECODE_TRUNCATED_IP;
		p = dec_tail(l4, size, &wire);
		p = rd_clamp(p, wire);
		if (next == IPPROTO_TCP_)
			return dec_tcp(c, &p, wire);
		return dec_ip_tunnel(c, next, &p, wire);
	}
	case IPPROTO_ESP_:
	case IPPROTO_L2TPV3_:
		return dec_undecoded(c, ENCAP_IP_PROTO, proto);
	default:
		return DECODE_NOT_TCP;
	}
}

bool decode_proto_may_carry_tcp(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP_:
	case IPPROTO_UDP_:
	case IPPROTO_GRE_:
	case IPPROTO_IPIP_:
	case IPPROTO_IPV6_:
	case IPPROTO_ETHERIP_:
	case IPPROTO_MPLS_:
	case IPPROTO_AH_:
		return true;
	default:
		return false;
	}
}

/* ---- ports a user adds ---------------------------------------------------- */

static const struct {
	const char *name;
	enum tunnel_kind kind;
} port_kinds[] = {
	{"vxlan", TUNNEL_VXLAN},   {"vxlan-gpe", TUNNEL_VXLAN_GPE},
	{"geneve", TUNNEL_GENEVE}, {"gtp-u", TUNNEL_GTP_U},
	{"teredo", TUNNEL_TEREDO}, {"l2tp", TUNNEL_L2TP},
	{"ayiya", TUNNEL_AYIYA},   {"gre", TUNNEL_GRE},
	{"capwap", TUNNEL_CAPWAP},
};

const char *decode_tunnel_port_kinds(void)
{
	return "vxlan, vxlan-gpe, geneve, gtp-u, teredo, l2tp, ayiya, gre, capwap";
}

int decode_config_add_port(struct decode_config *config, const char *spec,
                           char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	if (!eq) {
		snprintf(err, errlen, "'%s' is not KIND=PORT (KIND: %s)", spec,
		         decode_tunnel_port_kinds());
		return -1;
	}
	enum tunnel_kind kind = 0;
	for (size_t i = 0; i < sizeof port_kinds / sizeof port_kinds[0]; i++)
		if (strlen(port_kinds[i].name) == (size_t)(eq - spec) &&
		    strncmp(spec, port_kinds[i].name, (size_t)(eq - spec)) == 0)
			kind = port_kinds[i].kind;
	if (!kind) {
		snprintf(err, errlen, "'%.*s' is no tunnel tcpladder decodes on a UDP port (%s)",
		         (int)(eq - spec), spec, decode_tunnel_port_kinds());
		return -1;
	}
	char *end;
	unsigned long port = strtoul(eq + 1, &end, 10);
	if (eq[1] == '\0' || *end != '\0' || port == 0 || port > 65535) {
		snprintf(err, errlen, "'%s' is not a UDP port (1 to 65535)", eq + 1);
		return -1;
	}
	for (unsigned i = 0; i < config->extra_ports; i++) {
		if (config->extra[i].port == port) {
			config->extra[i].kind = (uint8_t)kind;
			return 0;
		}
	}
	if (config->extra_ports == DECODE_MAX_EXTRA_PORTS) {
		snprintf(err, errlen, "at most %d tunnel ports can be added",
		         DECODE_MAX_EXTRA_PORTS);
		return -1;
	}
	config->extra[config->extra_ports].port = (uint16_t)port;
	config->extra[config->extra_ports].kind = (uint8_t)kind;
	config->extra_ports++;
	return 0;
}
