/* decode_link: link types, and what Ethernet and its kin carry, down to IP.
 *
 * Owns the link headers of every link type tcpladder takes (Ethernet,
 * Linux cooked SLL and SLL2, BSD loopback, raw IP, PPP, Cisco HDLC, NFLOG,
 * 802.11 with or without radiotap, FDDI, IP over InfiniBand) and the
 * layers between a link header and IP: 802.1Q/QinQ tags, 802.2 LLC and
 * SNAP, MPLS label stacks and Ethernet pseudowires, PPPoE and PPP, 802.1ah
 * provider backbone bridging and Cisco FabricPath. Each reads through the
 * bounded readers of decode_rd.h and hands the rest to dec_ip (or, for an
 * inner Ethernet frame, to dec_ether_frame again, one layer deeper).
 * Pure: no I/O, no allocation, no state. */
#include "decode_layers.h"

#include <pcap/dlt.h>

/* LINKTYPE_RAW as written in a file header. libpcap maps it to DLT_RAW
 * (12 or 14 depending on the platform), but a caller that reads the file
 * header itself may hand us the LINKTYPE value. */
#define LINKTYPE_RAW 101

enum {
	ETHERTYPE_8021Q = 0x8100,  /* IEEE 802.1Q C-tag */
	ETHERTYPE_8021AD = 0x88a8, /* IEEE 802.1ad S-tag (QinQ) */
	ETHERTYPE_QINQ_OLD = 0x9100, /* pre-802.1ad QinQ, still seen */
	ETHERTYPE_PPPOE_SESSION = 0x8864, /* RFC 2516 */
	ETHERTYPE_PBB = 0x88e7,    /* IEEE 802.1ah I-TAG */
	ETHERTYPE_FABRICPATH = 0x8903, /* Cisco FabricPath */
	ETHERTYPE_MAX_LENGTH = 1500, /* at most: an IEEE 802.3 length, then LLC */
	PPPOE_HDR_LEN = 6,
	PBB_ITAG_LEN = 4,
	FABRICPATH_TAG_LEN = 2,    /* FTag and TTL after its EtherType */
	ETH_ADDRS_LEN = 12,
	VLAN_TAG_LEN = 4,
	/* Real networks stack two tags, rarely three; the bound only keeps a
	 * frame of repeated 0x8100s from being walked byte by byte. */
	MAX_VLAN_TAGS = 8,
	/* RFC 3032 sets no bound; real stacks have 1 to 4 labels. */
	MAX_MPLS_LABELS = 16,
	MPLS_LABEL_LEN = 4,
	MPLS_PW_CW_LEN = 4,        /* RFC 4448's control word */
	SLL_HDR_LEN = 16,
	SLL2_HDR_LEN = 20,
	SLL_P_802_2 = 0x0004,      /* Linux's "the payload is LLC" */
	NULL_HDR_LEN = 4,
	CHDLC_HDR_LEN = 4,         /* address, control, then an EtherType */
	FDDI_HDR_LEN = 13,         /* frame control, two addresses */
	IPOIB_HDR_LEN = 4,         /* RFC 4391: an EtherType, 2 reserved */
	NFLOG_HDR_LEN = 4,
	NFLOG_TLV_PAYLOAD = 9,     /* NFULA_PAYLOAD: the packet itself */
	RADIOTAP_FLAGS_FCS = 0x10, /* the frame ends in its 4-byte FCS */
	FCS_LEN = 4,
};

/* PPP protocol numbers (RFC 1661 and the IANA registry). */
enum {
	PPP_IPV4 = 0x0021,      /* RFC 1332 */
	PPP_VJ_COMP = 0x002d,   /* RFC 1144, compressed TCP/IP */
	PPP_VJ_UNCOMP = 0x002f,
	PPP_IPV6 = 0x0057,      /* RFC 5072 */
	PPP_MPLS = 0x0281,      /* RFC 3032 */
	PPP_MPLS_MC = 0x0283,
	PPP_ENCRYPTED = 0x0053, /* RFC 1968 */
	PPP_COMPRESSED = 0x00fd, /* RFC 1962 */
};

/* EtherTypes that carry other frames, which tcpladder does not open: their
 * packets are counted undecoded by name, not taken for "not IP". */
static bool ethertype_is_encapsulation(uint16_t type)
{
	switch (type) {
	case 0x88e5: /* MACsec (802.1AE): encrypted */
	case 0x22f3: /* TRILL */
	case 0x894f: /* NSH */
	case 0x88be: /* ERSPAN without GRE */
	case 0x22eb:
		return true;
	default:
		return false;
	}
}

/* ---- Ethernet and what an EtherType names --------------------------------- */

static enum decode_status dec_llc(struct dctx *c, const struct rd *r, size_t wire);
static enum decode_status dec_pppoe(struct dctx *c, const struct rd *r, size_t wire);


enum decode_status dec_ethertype(struct dctx *c, uint16_t type, const struct rd *r,
                                 size_t wire)
{
	bool ok = true;
	struct rd p = *r;
	/* A tag: 16-bit TCI (priority, DEI, VLAN id), then the next
	 * EtherType. */
	for (int tags = 0; type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD ||
	                   type == ETHERTYPE_QINQ_OLD;
	     tags++) {
		if (tags == MAX_VLAN_TAGS)
			return DECODE_TOO_DEEP;
		type = rd_be16(&p, 2, &ok);
		if (!ok)
			return DECODE_TRUNCATED_LINK;
		p = dec_tail(&p, VLAN_TAG_LEN, &wire);
	}

	switch (type) {
	case ETHERTYPE_IPV4:
		return dec_ip(c, 4, &p, wire);
	case ETHERTYPE_IPV6:
		return dec_ip(c, 6, &p, wire);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return dec_mpls(c, &p, wire);
	case ETHERTYPE_PPPOE_SESSION:
		return dec_pppoe(c, &p, wire);
	case ETHERTYPE_PPP:
		return dec_ppp(c, &p, wire);
	case ETHERTYPE_TEB:
		return dec_ether_frame(c, &p, wire);
	case ETHERTYPE_PBB:
		/* 802.1ah: the I-TAG (priority, flags, 24-bit I-SID), then
		 * the customer's whole frame. */
		if (!rd_has(&p, 0, PBB_ITAG_LEN))
			return DECODE_TRUNCATED_LINK;
		p = dec_tail(&p, PBB_ITAG_LEN, &wire);
		return dec_ether_frame(c, &p, wire);
	case ETHERTYPE_FABRICPATH:
		/* The outer addresses are switch ids; the FTag and TTL
		 * follow the EtherType, then the original frame whole. */
		if (!rd_has(&p, 0, FABRICPATH_TAG_LEN))
			return DECODE_TRUNCATED_LINK;
		p = dec_tail(&p, FABRICPATH_TAG_LEN, &wire);
		return dec_ether_frame(c, &p, wire);
	default:
		if (ethertype_is_encapsulation(type))
			return dec_undecoded(c, ENCAP_ETHERTYPE, type);
		/* ARP, LLDP, ...; and in SLL, Linux's LINUX_SLL_P_*
		 * pseudo-protocols, also not IP. */
		return DECODE_NOT_IP;
	}
}

enum decode_status dec_ether_frame(struct dctx *c, const struct rd *r, size_t wire)
{
	enum decode_status st = dec_enter(c);
	if (st != DECODE_OK)
		return st;
	bool ok = true;
	uint16_t type = rd_be16(r, ETH_ADDRS_LEN, &ok);
	if (!ok)
		return DECODE_TRUNCATED_LINK;
	struct rd p = dec_tail(r, ETH_ADDRS_LEN + 2, &wire);
	/* Up to 1500 it is an IEEE 802.3 length followed by LLC, not an
	 * EtherType (IEEE 802.3 clause 3.2.6). */
	if (type <= ETHERTYPE_MAX_LENGTH)
		return dec_llc(c, &p, wire);
	return dec_ethertype(c, type, &p, wire);
}

/* IEEE 802.2 LLC: SNAP (0xaa 0xaa 0x03, an OUI and an EtherType) as RFC
 * 1042 puts IP in it, or the old IP SAP 0x06. */
static enum decode_status dec_llc(struct dctx *c, const struct rd *r, size_t wire)
{
	enum decode_status st = dec_enter(c);
	if (st != DECODE_OK)
		return st;
	bool ok = true;
	uint8_t dsap = rd_u8(r, 0, &ok);
	uint8_t ssap = rd_u8(r, 1, &ok);
	uint8_t control = rd_u8(r, 2, &ok);
	if (!ok)
		return DECODE_TRUNCATED_LINK;
	/* U-format control fields are one byte (low bits 11), I and S
	 * formats two. */
	size_t llc_len = (control & 3) == 3 ? 3 : 4;
	if (dsap == 0xaa && ssap == 0xaa && llc_len == 3) {
		uint32_t oui = (uint32_t)rd_u8(r, 3, &ok) << 16 |
		               (uint32_t)rd_be16(r, 4, &ok);
		uint16_t type = rd_be16(r, 6, &ok);
		if (!ok)
			return DECODE_TRUNCATED_LINK;
		struct rd p = dec_tail(r, 8, &wire);
		/* OUI 0: an EtherType (RFC 1042); 0x0000f8: the same, as
		 * Cisco bridges write it (802.1H). */
		if (oui == 0 || oui == 0x0000f8)
			return dec_ethertype(c, type, &p, wire);
		return DECODE_NOT_IP;
	}
	if (dsap == 0x06 && ssap == 0x06) {
		struct rd p = dec_tail(r, llc_len, &wire);
		return dec_ip(c, 4, &p, wire);
	}
	return DECODE_NOT_IP; /* STP, NetBIOS, IPX, ... */
}

/* RFC 3032 label stack entries: label, traffic class, bottom-of-stack,
 * TTL. Below the bottom one, nothing says what comes: IP by its version
 * nibble, as Wireshark, tcpdump and Zeek guess it, or an Ethernet
 * pseudowire (RFC 4448), whose control word starts with the nibble 0. */
enum decode_status dec_mpls(struct dctx *c, const struct rd *r, size_t wire)
{
	enum decode_status st = dec_enter(c);
	if (st != DECODE_OK)
		return st;
	bool ok = true;
	size_t off = 0;
	for (int n = 0;; n++) {
		if (n == MAX_MPLS_LABELS)
			return DECODE_TOO_DEEP;
		uint32_t entry = rd_be32(r, off, &ok);
		if (!ok)
			return DECODE_TRUNCATED_LINK;
		off += MPLS_LABEL_LEN;
		if (entry & 0x100)
			break;
	}
	struct rd p = dec_tail(r, off, &wire);
	uint8_t nibble = rd_u8(&p, 0, &ok) >> 4;
	if (!ok)
		return DECODE_TRUNCATED_LINK;
	switch (nibble) {
	case 4:
		return dec_ip(c, 4, &p, wire);
	case 6:
		return dec_ip(c, 6, &p, wire);
	case 0:
		p = dec_tail(&p, MPLS_PW_CW_LEN, &wire);
		return dec_ether_frame(c, &p, wire);
	case 1:
		return DECODE_NOT_IP; /* RFC 4385's associated channel */
	default:
		return dec_ether_frame(c, &p, wire); /* a pseudowire, no CW */
	}
}

/* ---- PPP ------------------------------------------------------------------ */

enum decode_status dec_ppp(struct dctx *c, const struct rd *r, size_t wire)
{
	enum decode_status st = dec_enter(c);
	if (st != DECODE_OK)
		return st;
	bool ok = true;
	struct rd p = *r;
	/* RFC 1662's HDLC-like framing puts 0xff 0x03 first, unless address
	 * and control field compression left them out. */
	if (rd_u8(&p, 0, &ok) == 0xff && rd_u8(&p, 1, &ok) == 0x03)
		p = dec_tail(&p, 2, &wire);
	/* RFC 1661: an odd first byte is a protocol field compressed to
	 * one byte. */
	uint16_t proto = rd_u8(&p, 0, &ok);
	size_t len = 1;
	if (!(proto & 1)) {
		proto = rd_be16(&p, 0, &ok);
		len = 2;
	}
	if (!ok)
		return DECODE_TRUNCATED_LINK;
	p = dec_tail(&p, len, &wire);
	switch (proto) {
	case PPP_IPV4:
		return dec_ip(c, 4, &p, wire);
	case PPP_IPV6:
		return dec_ip(c, 6, &p, wire);
	case PPP_MPLS:
	case PPP_MPLS_MC:
		return dec_mpls(c, &p, wire);
	case PPP_VJ_UNCOMP:
		c->vj_uncompressed = true;
		return dec_ip(c, 4, &p, wire);
	case PPP_VJ_COMP: /* the headers left out are in the peers' state */
	case PPP_ENCRYPTED:
	case PPP_COMPRESSED:
		return dec_undecoded(c, ENCAP_PPP_PROTO, proto);
	default:
		return DECODE_NOT_IP; /* LCP, IPCP, PAP, CHAP, ... */
	}
}

/* RFC 2516: version and type, code, session id, length, then PPP's
 * protocol field. */
static enum decode_status dec_pppoe(struct dctx *c, const struct rd *r, size_t wire)
{
	if (!rd_has(r, 0, PPPOE_HDR_LEN))
		return DECODE_TRUNCATED_LINK;
	struct rd p = dec_tail(r, PPPOE_HDR_LEN, &wire);
	return dec_ppp(c, &p, wire);
}

/* ---- 802.11 --------------------------------------------------------------- */

enum {
	WLAN_HDR_LEN = 24,
	WLAN_ADDR4_LEN = 6,
	WLAN_QOS_LEN = 2,
	WLAN_HTC_LEN = 4,
	WLAN_TYPE_DATA = 2,
	WLAN_FC1_TODS_FROMDS = 0x03,
	WLAN_FC1_PROTECTED = 0x40,
	WLAN_FC1_ORDER = 0x80,
	WLAN_SUBTYPE_NODATA = 0x4,
	WLAN_SUBTYPE_QOS = 0x8,
};

/* IEEE 802.11-2020 section 9.2: the frame control's type, subtype and
 * flags say how long the header is; a data frame's body is LLC/SNAP. */
enum decode_status dec_80211(struct dctx *c, const struct rd *r, size_t wire)
{
	bool ok = true;
	uint8_t fc0 = rd_u8(r, 0, &ok);
	uint8_t fc1 = rd_u8(r, 1, &ok);
	if (!ok)
		return DECODE_TRUNCATED_LINK;
	/* Cisco's CAPWAP access points send the frame control's two bytes
	 * swapped (Wireshark swaps them by default there); the protocol
	 * version, 0 in the low bits of the first byte, tells which. */
	if ((fc0 & 3) != 0 && (fc1 & 3) == 0) {
		uint8_t t = fc0;
		fc0 = fc1;
		fc1 = t;
	}
	uint8_t type = (fc0 >> 2) & 3, subtype = fc0 >> 4;
	if (type != WLAN_TYPE_DATA || (subtype & WLAN_SUBTYPE_NODATA))
		return DECODE_NOT_IP; /* management, control, null data */
	size_t hdr = WLAN_HDR_LEN;
	if ((fc1 & WLAN_FC1_TODS_FROMDS) == WLAN_FC1_TODS_FROMDS)
		hdr += WLAN_ADDR4_LEN; /* a mesh or WDS frame's fourth address */
	if (subtype & WLAN_SUBTYPE_QOS) {
		hdr += WLAN_QOS_LEN;
		if (fc1 & WLAN_FC1_ORDER)
			hdr += WLAN_HTC_LEN;
	}
	if (!rd_has(r, 0, hdr))
		return DECODE_TRUNCATED_LINK;
	if (fc1 & WLAN_FC1_PROTECTED)
		return dec_undecoded(c, ENCAP_80211_PROTECTED, 0);
	struct rd p = dec_tail(r, hdr, &wire);
	return dec_llc(c, &p, wire);
}

/* Radiotap (radiotap.org): a little-endian length to skip, and in its
 * Flags field whether the frame ends in an FCS. The Flags field is the
 * second, after a TSFT aligned to 8 bytes, past any extended presence
 * words (bit 31 of each says another follows). */
static enum decode_status dec_radiotap(struct dctx *c, const struct rd *r, size_t wire)
{
	bool ok = true;
	uint16_t len = rd_le16(r, 2, &ok);
	uint32_t present = rd_le32(r, 4, &ok);
	if (!ok)
		return DECODE_TRUNCATED_LINK;
	if (len < 8 || !rd_has(r, 0, len))
		return DECODE_TRUNCATED_LINK;
	struct rd hdr = rd_sub(r, 0, len);
	size_t off = 8;
	for (uint32_t word = present; (word & 0x80000000u) && ok; off += 4)
		word = rd_le32(&hdr, off, &ok);
	bool fcs = false;
	if (ok && (present & 2)) {
		if (present & 1)
			off = ((off + 7) & ~(size_t)7) + 8;
		fcs = (rd_u8(&hdr, off, &ok) & RADIOTAP_FLAGS_FCS) && ok;
	}
	struct rd p = dec_tail(r, len, &wire);
	/* The FCS is the frame's last 4 bytes on the wire: a frame cut by
	 * the snap length lost it, not 4 bytes of its own. */
	if (fcs && wire >= FCS_LEN) {
		wire -= FCS_LEN;
		p = rd_clamp(p, wire);
	}
	return dec_80211(c, &p, wire);
}

/* ---- link types ----------------------------------------------------------- */

/* BSD address families in DLT_NULL / DLT_LOOP headers. IPv6's value differs
 * between BSDs (24 NetBSD/OpenBSD, 28 FreeBSD, 30 Darwin), and a capture
 * may come from any of them. */
static enum decode_status dec_bsd_family(struct dctx *c, uint32_t af, const struct rd *r,
                                         size_t wire)
{
	struct rd p = dec_tail(r, NULL_HDR_LEN, &wire);
	if (af == 2)
		return dec_ip(c, 4, &p, wire);
	if (af == 24 || af == 28 || af == 30)
		return dec_ip(c, 6, &p, wire);
	return DECODE_NOT_IP;
}

/* Linux NFLOG (netfilter's log, libpcap's LINKTYPE_NFLOG): an address
 * family, then type-length-value attributes, their lengths and types in
 * the capturing host's byte order (libpcap swaps them for a file of the
 * other order), each padded to 4 bytes; the payload attribute holds the
 * IP packet. */
static enum decode_status dec_nflog(struct dctx *c, const struct rd *r)
{
	bool ok = true;
	uint8_t family = rd_u8(r, 0, &ok);
	if (!ok || !rd_has(r, 0, NFLOG_HDR_LEN))
		return DECODE_TRUNCATED_LINK;
	size_t off = NFLOG_HDR_LEN;
	while (rd_has(r, off, 4)) {
		uint16_t tlv_len, tlv_type;
		memcpy(&tlv_len, r->p + off, 2);
		memcpy(&tlv_type, r->p + off + 2, 2);
		if (tlv_len < 4)
			return DECODE_TRUNCATED_LINK;
		if (tlv_type == NFLOG_TLV_PAYLOAD) {
			size_t plen = (size_t)tlv_len - 4;
			struct rd p = rd_sub(r, off + 4, plen);
			size_t wire = plen > p.len ? plen : p.len;
			return dec_ip(c, family == 2 ? 4 : family == 10 ? 6 : 0, &p, wire);
		}
		off += ((size_t)tlv_len + 3) & ~(size_t)3;
	}
	return DECODE_NOT_IP; /* no payload attribute captured */
}

enum decode_status dec_link(struct dctx *c, int dlt, const struct rd *f, size_t wire)
{
	bool ok = true;
	uint32_t af;
	struct rd p;

	switch (dlt) {
	case DLT_EN10MB:
		return dec_ether_frame(c, f, wire);
	case DLT_LINUX_SLL: {
		/* packet type 2, ARPHRD 2, addr len 2, addr 8, protocol 2;
		 * the protocol may be a VLAN tag the kernel did not strip. */
		uint16_t proto = rd_be16(f, 14, &ok);
		if (!ok || !rd_has(f, 0, SLL_HDR_LEN))
			return DECODE_TRUNCATED_LINK;
		p = dec_tail(f, SLL_HDR_LEN, &wire);
		if (proto == SLL_P_802_2)
			return dec_llc(c, &p, wire);
		return dec_ethertype(c, proto, &p, wire);
	}
	case DLT_LINUX_SLL2: {
		/* protocol 2, reserved 2, ifindex 4, ARPHRD 2, packet type 1,
		 * addr len 1, addr 8 */
		uint16_t proto = rd_be16(f, 0, &ok);
		if (!ok || !rd_has(f, 0, SLL2_HDR_LEN))
			return DECODE_TRUNCATED_LINK;
		p = dec_tail(f, SLL2_HDR_LEN, &wire);
		if (proto == SLL_P_802_2)
			return dec_llc(c, &p, wire);
		return dec_ethertype(c, proto, &p, wire);
	}
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
		return dec_bsd_family(c, af, f, wire);
	case DLT_LOOP:
		/* OpenBSD's loopback: the same header, always big-endian. */
		af = rd_be32(f, 0, &ok);
		if (!ok)
			return DECODE_TRUNCATED_LINK;
		return dec_bsd_family(c, af, f, wire);
	case DLT_RAW:
#if DLT_RAW != LINKTYPE_RAW
	case LINKTYPE_RAW:
#endif
		return dec_ip(c, 0, f, wire);
	case DLT_IPV4:
		return dec_ip(c, 4, f, wire);
	case DLT_IPV6:
		return dec_ip(c, 6, f, wire);
	case DLT_PPP:
		return dec_ppp(c, f, wire);
	case DLT_PPP_SERIAL:
		/* RFC 1662 framing, or Cisco HDLC on the same link type
		 * (tcpdump's ppp_hdlc_if_print tells them by the address). */
		if (rd_u8(f, 0, &ok) == 0xff || !ok)
			return dec_ppp(c, f, wire);
		/* fall through */
	case DLT_C_HDLC: {
		/* address (0x0f unicast, 0x8f broadcast), control, then an
		 * EtherType. */
		uint16_t type = rd_be16(f, 2, &ok);
		if (!ok)
			return DECODE_TRUNCATED_LINK;
		p = dec_tail(f, CHDLC_HDR_LEN, &wire);
		return dec_ethertype(c, type, &p, wire);
	}
	case DLT_PPP_ETHER:
		return dec_pppoe(c, f, wire);
	case DLT_NFLOG:
		return dec_nflog(c, f);
	case DLT_IEEE802_11:
		return dec_80211(c, f, wire);
	case DLT_IEEE802_11_RADIO:
		return dec_radiotap(c, f, wire);
	case DLT_FDDI:
		if (!rd_has(f, 0, FDDI_HDR_LEN))
			return DECODE_TRUNCATED_LINK;
		p = dec_tail(f, FDDI_HDR_LEN, &wire);
		return dec_llc(c, &p, wire);
	case DLT_IPOIB: {
		uint16_t type = rd_be16(f, 0, &ok);
		if (!ok || !rd_has(f, 0, IPOIB_HDR_LEN))
			return DECODE_TRUNCATED_LINK;
		p = dec_tail(f, IPOIB_HDR_LEN, &wire);
		return dec_ethertype(c, type, &p, wire);
	}
	default:
		return dec_undecoded(c, ENCAP_LINK_TYPE, (uint32_t)dlt);
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
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_C_HDLC:
	case DLT_PPP_ETHER:
	case DLT_NFLOG:
	case DLT_IEEE802_11:
	case DLT_IEEE802_11_RADIO:
	case DLT_FDDI:
	case DLT_IPOIB:
		return true;
	default:
		return false;
	}
}
