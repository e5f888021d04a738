/* tunnel_frames: the byte-level frame builder of the tunnel tests, the
 * checks of a decode against what it wrote, and the crafted frames built
 * with it (see tunnel_frames.h): the tf_b_* builders, one per
 * encapsulation or link type the real-capture corpus lacks, and
 * tf_builders, their table. The frames' bytes are what
 * test_tunnel_frames.c's expectations are about: a change here is a
 * change of them. */
#include <check.h>
#include <pcap/dlt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "tunnel_frames.h"

/* ---- frame builder ----------------------------------------------------------- */

const uint8_t TF_MAC_DST[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
const uint8_t TF_MAC_SRC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
const uint8_t TF_MAC_PW[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
const uint8_t TF_O4_SRC[4] = { 192, 0, 2, 1 };
const uint8_t TF_O4_DST[4] = { 198, 51, 100, 7 };
const uint8_t TF_IN4_SRC[4] = { 10, 0, 0, 1 };
const uint8_t TF_IN4_DST[4] = { 10, 0, 0, 2 };
const uint8_t TF_O6_SRC[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
const uint8_t TF_O6_DST[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 0x02 };
const uint8_t TF_IN6_SRC[16] = { 0xfd, 0x00, [15] = 0x01 };
const uint8_t TF_IN6_DST[16] = { 0xfd, 0x00, [15] = 0x02 };

void tf_put8(struct tf_frame *f, uint8_t v)
{
	ck_assert_uint_lt(f->n, sizeof f->b);
	f->b[f->n++] = v;
}

void tf_put16(struct tf_frame *f, uint16_t v)
{
	tf_put8(f, (uint8_t)(v >> 8));
	tf_put8(f, (uint8_t)v);
}

void tf_put32(struct tf_frame *f, uint32_t v)
{
	tf_put16(f, (uint16_t)(v >> 16));
	tf_put16(f, (uint16_t)v);
}

void tf_putn(struct tf_frame *f, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tf_put8(f, s[i]);
}

void tf_fill(struct tf_frame *f, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tf_put8(f, v);
}

void tf_mark(struct tf_frame *f, uint8_t what)
{
	ck_assert_uint_lt(f->nfix, sizeof f->fix / sizeof f->fix[0]);
	f->fix[f->nfix].off = f->n;
	f->fix[f->nfix].what = what;
	f->nfix++;
}

void tf_set16(struct tf_frame *f, size_t off, size_t v)
{
	ck_assert_uint_le(off + 2, f->n);
	ck_assert_uint_le(v, 0xffff);
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

void tf_seal(struct tf_frame *f)
{
	size_t end = f->n - f->trailer;
	for (unsigned i = 0; i < f->nfix; i++) {
		size_t off = f->fix[i].off;
		switch (f->fix[i].what) {
		case TF_FIX_IP4: tf_set16(f, off + 2, end - off); break;
		case TF_FIX_IP6: tf_set16(f, off + 4, end - off - 40); break;
		case TF_FIX_UDP: tf_set16(f, off + 4, end - off); break;
		case TF_FIX_GTP: tf_set16(f, off + 2, end - off - 8); break;
		case TF_FIX_8023: tf_set16(f, off, end - off - 2); break;
		}
	}
}

void tf_eth_to(struct tf_frame *f, const uint8_t dst[6], uint16_t type)
{
	tf_putn(f, dst, 6);
	tf_putn(f, TF_MAC_SRC, 6);
	tf_put16(f, type);
}

void tf_eth(struct tf_frame *f, uint16_t type)
{
	tf_eth_to(f, TF_MAC_DST, type);
}

void tf_ip4(struct tf_frame *f, uint8_t proto, const uint8_t src[4], const uint8_t dst[4])
{
	tf_mark(f, TF_FIX_IP4);
	tf_put8(f, 0x45);
	tf_put8(f, 0);
	tf_put16(f, 0);      /* total length: tf_seal() */
	tf_put16(f, 0x1234); /* id */
	tf_put16(f, 0x4000); /* DF */
	tf_put8(f, 64);
	tf_put8(f, proto);
	tf_put16(f, 0);      /* checksum: not checked */
	tf_putn(f, src, 4);
	tf_putn(f, dst, 4);
}

void tf_ip6(struct tf_frame *f, uint8_t nh, const uint8_t src[16], const uint8_t dst[16])
{
	tf_mark(f, TF_FIX_IP6);
	tf_put32(f, 0x60000000);
	tf_put16(f, 0);      /* payload length: tf_seal() */
	tf_put8(f, nh);
	tf_put8(f, 64);
	tf_putn(f, src, 16);
	tf_putn(f, dst, 16);
}

void tf_udp(struct tf_frame *f, uint16_t sport, uint16_t dport)
{
	tf_mark(f, TF_FIX_UDP);
	tf_put16(f, sport);
	tf_put16(f, dport);
	tf_put16(f, 0);      /* length: tf_seal() */
	tf_put16(f, 0);      /* checksum: none */
}

void tf_tcp_hdr(struct tf_frame *f, uint16_t sport, uint16_t dport, uint32_t seq,
                uint32_t ack, uint8_t flags, size_t payload)
{
	f->tcp_off = f->n;
	tf_put16(f, sport);
	tf_put16(f, dport);
	tf_put32(f, seq);
	tf_put32(f, ack);
	tf_put8(f, 5 << 4);
	tf_put8(f, flags);
	tf_put16(f, 65535);
	tf_put16(f, 0);
	tf_put16(f, 0);
	tf_fill(f, 'x', payload);
}

void tf_tcp_seg(struct tf_frame *f)
{
	tf_tcp_hdr(f, TF_SPORT, TF_DPORT, TF_SEQ, TF_ACK, TCP_ACK | TCP_PSH, TF_PAYLOAD);
}

/* The inner packets: IPv4 or IPv6 with a TCP segment, alone or in an
 * Ethernet frame. */
void tf_in4(struct tf_frame *f)
{
	tf_ip4(f, 6, TF_IN4_SRC, TF_IN4_DST);
	tf_tcp_seg(f);
}

void tf_in6(struct tf_frame *f)
{
	tf_ip6(f, 6, TF_IN6_SRC, TF_IN6_DST);
	tf_tcp_seg(f);
}

void tf_eth_in4(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_in4(f);
}

/* Decode f (sealed first) from a buffer of exactly its length, so that
 * ASan sees any read past it. */
enum decode_status tf_decode(int dlt, struct tf_frame *f, struct tcp_segment *s,
                             struct decode_info *info)
{
	tf_seal(f);
	uint8_t *copy = malloc(f->n);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, f->b, f->n);
	memset(info, 0, sizeof *info);
	enum decode_status st = decode_packet(dlt, copy, (uint32_t)f->n, (uint32_t)f->n, s,
	                                      info);
	free(copy);
	return st;
}

/* ---- what a decode of these frames gives ------------------------------------ */

/* The segment tf_tcp_seg() built, inside an IPv4 or IPv6 header of
 * tf_in4() or tf_in6(). */
void tf_assert_inner(const struct tcp_segment *s, int ver)
{
	ck_assert_uint_eq(s->ip_version, ver);
	if (ver == 4) {
		ck_assert_mem_eq(s->src_addr, TF_IN4_SRC, 4);
		ck_assert_mem_eq(s->dst_addr, TF_IN4_DST, 4);
	} else {
		ck_assert_mem_eq(s->src_addr, TF_IN6_SRC, 16);
		ck_assert_mem_eq(s->dst_addr, TF_IN6_DST, 16);
	}
	ck_assert_uint_eq(s->src_port, TF_SPORT);
	ck_assert_uint_eq(s->dst_port, TF_DPORT);
	ck_assert_uint_eq(s->seq, TF_SEQ);
	ck_assert_uint_eq(s->ack, TF_ACK);
	ck_assert_uint_eq(s->flags, TCP_ACK | TCP_PSH);
	ck_assert_uint_eq(s->header_len, TF_TCPH);
	ck_assert_uint_eq(s->payload_len, TF_PAYLOAD);
	ck_assert_uint_eq(s->payload_captured, TF_PAYLOAD);
	ck_assert(!s->ip_len_from_frame);
}

/* Tunnel i of the path: its kind, outer addresses and id. */
void tf_assert_tunnel(const struct decode_info *info, unsigned i, enum tunnel_kind kind,
                      int ver, const uint8_t *src, const uint8_t *dst, bool has_id,
                      uint32_t id)
{
	ck_assert_uint_lt(i, info->tunnels);
	const struct decode_tunnel *t = &info->tunnel[i];
	ck_assert_uint_eq(t->kind, kind);
	ck_assert_uint_eq(t->ip_version, ver);
	ck_assert_mem_eq(t->src_addr, src, ver == 4 ? 4 : 16);
	ck_assert_mem_eq(t->dst_addr, dst, ver == 4 ? 4 : 16);
	ck_assert_int_eq(t->has_id, has_id);
	if (has_id)
		ck_assert_uint_eq(t->id, id);
}

void tf_assert_path(const struct decode_info *info, const char *want)
{
	char text[1024];
	int need = decode_tunnel_path_text(info->tunnel, info->tunnels, text, sizeof text);
	ck_assert_str_eq(text, want);
	ck_assert_int_eq(need, (int)strlen(want));
}

/* ---- the crafted frames ------------------------------------------------------- */

/* ERSPAN type III (GRE 0x22eb, sequence number): version 2, VLAN 0;
 * COS/BSO/T 0 and session 0x123; timestamp; SGT; P, frame type (0
 * Ethernet, 2 IP) and hardware id; D, granularity and O (the 8-byte
 * platform sub-header follows). */
static void erspan3(struct tf_frame *f, bool platform, bool ip)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 47, TF_O4_SRC, TF_O4_DST);
	tf_put16(f, 0x1000); /* S */
	tf_put16(f, 0x22eb);
	tf_put32(f, 7);      /* sequence number */
	tf_put16(f, 0x2000); /* version 2 */
	tf_put16(f, 0x0123); /* session 291 */
	tf_put32(f, 0x01020304);
	tf_put16(f, 0);      /* SGT */
	tf_put8(f, ip ? 2 << 2 : 0);
	tf_put8(f, platform ? 0x01 : 0x00);
	if (platform) {
		tf_put32(f, 0x0c000000); /* platform id 3, ... */
		tf_put32(f, 0x55667788);
	}
	if (ip)
		tf_in4(f);
	else
		tf_eth_in4(f);
}

int tf_b_erspan3(struct tf_frame *f)
{
	erspan3(f, false, false);
	return DLT_EN10MB;
}

int tf_b_erspan3_platform(struct tf_frame *f)
{
	erspan3(f, true, false);
	return DLT_EN10MB;
}

int tf_b_erspan3_ip(struct tf_frame *f)
{
	erspan3(f, true, true);
	return DLT_EN10MB;
}

/* ERSPAN type I: GRE 0x88be without a sequence number, no header of its
 * own: the mirrored Ethernet frame at once. */
int tf_b_erspan1(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 47, TF_O4_SRC, TF_O4_DST);
	tf_put16(f, 0);
	tf_put16(f, 0x88be);
	tf_eth_in4(f);
	return DLT_EN10MB;
}

/* VXLAN-GPE (UDP 4790): flags I and P, next protocol 1 (IPv4), VNI. */
int tf_b_vxlan_gpe(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 17, TF_O4_SRC, TF_O4_DST);
	tf_udp(f, 50000, 4790);
	tf_put8(f, 0x0c);
	tf_put8(f, 0);
	tf_put8(f, 0);
	tf_put8(f, 1);
	tf_put32(f, 0xabcdefu << 8);
	tf_in4(f);
	return DLT_EN10MB;
}

/* Teredo (UDP 3544): RFC 4380 5.1.1's authentication indication (type 1,
 * id and value lengths, client id, value, nonce, confirmation) and origin
 * indication (type 0, obfuscated port and address), before the IPv6
 * packet. */
static void teredo(struct tf_frame *f, bool auth, bool origin)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 17, TF_O4_SRC, TF_O4_DST);
	tf_udp(f, 3544, 50000);
	if (auth) {
		tf_put16(f, 0x0001);
		tf_put8(f, 4);            /* client id length */
		tf_put8(f, 8);            /* authentication value length */
		tf_put32(f, 0x11111111);  /* client id */
		tf_fill(f, 0xaa, 8);      /* value */
		tf_fill(f, 0x5a, 8);      /* nonce */
		tf_put8(f, 0);            /* confirmation */
	}
	if (origin) {
		tf_put16(f, 0x0000);
		tf_put16(f, (uint16_t)~3544);
		tf_put32(f, ~0xc0000201u);
	}
	tf_in6(f);
}

int tf_b_teredo_origin(struct tf_frame *f)
{
	teredo(f, false, true);
	return DLT_EN10MB;
}

int tf_b_teredo_auth(struct tf_frame *f)
{
	teredo(f, true, false);
	return DLT_EN10MB;
}

int tf_b_teredo_auth_origin(struct tf_frame *f)
{
	teredo(f, true, true);
	return DLT_EN10MB;
}

/* IPv6 in IPv4 (protocol 41) and IPv4 in IPv6 (next header 4). */
int tf_b_6in4(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 41, TF_O4_SRC, TF_O4_DST);
	tf_in6(f);
	return DLT_EN10MB;
}

int tf_b_4in6(struct tf_frame *f)
{
	tf_eth(f, 0x86dd);
	tf_ip6(f, 4, TF_O6_SRC, TF_O6_DST);
	tf_in4(f);
	return DLT_EN10MB;
}

/* EtherIP (IP protocol 97): version 3, 12 reserved bits, a frame. */
int tf_b_etherip(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 97, TF_O4_SRC, TF_O4_DST);
	tf_put16(f, 0x3000);
	tf_eth_in4(f);
	return DLT_EN10MB;
}

/* MPLS in IP (protocol 137): label 1000, bottom of stack, TTL 64. */
int tf_b_mpls_in_ip(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 137, TF_O4_SRC, TF_O4_DST);
	tf_put32(f, 1000 << 12 | 0x100 | 64);
	tf_in4(f);
	return DLT_EN10MB;
}

/* IPv4's AH before TCP: next header 6, length 4 (24 bytes: 12 fixed, a
 * 12-byte ICV). */
int tf_b_ah(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 51, TF_IN4_SRC, TF_IN4_DST);
	tf_put8(f, 6);
	tf_put8(f, 4);
	tf_put16(f, 0);
	tf_put32(f, 0x1000); /* SPI */
	tf_put32(f, 1);      /* sequence number */
	tf_fill(f, 0xcc, 12);
	tf_tcp_seg(f);
	return DLT_EN10MB;
}

/* DLT_IEEE802_11 (105), no radiotap: a QoS data frame (type 2, subtype 8)
 * from DS to DS (a fourth address) with Order set (HT control, 4 bytes):
 * a 36-byte header, then LLC/SNAP. */
static void wlan_qos(struct tf_frame *f, bool protected)
{
	tf_put8(f, 0x88);
	tf_put8(f, 0x83 | (protected ? 0x40 : 0));
	tf_put16(f, 0);               /* duration */
	tf_putn(f, TF_MAC_DST, 6);       /* addr1 */
	tf_putn(f, TF_MAC_SRC, 6);       /* addr2 */
	tf_putn(f, TF_MAC_DST, 6);       /* addr3 */
	tf_put16(f, 0x0010);          /* sequence control */
	tf_putn(f, TF_MAC_SRC, 6);       /* addr4 */
	tf_put16(f, 0x0005);          /* QoS control: TID 5 */
	tf_put32(f, 0x0000000f);      /* HT control */
	if (protected) {
		tf_put32(f, 0x01000020); /* CCMP header ... */
		tf_put32(f, 0);
		tf_fill(f, 0xe5, 64);    /* ... and ciphertext */
		return;
	}
	tf_putn(f, (const uint8_t[]){ 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 }, 8);
	tf_in4(f);
}

int tf_b_80211_qos(struct tf_frame *f)
{
	wlan_qos(f, false);
	return DLT_IEEE802_11;
}

int tf_b_80211_protected(struct tf_frame *f)
{
	wlan_qos(f, true);
	return DLT_IEEE802_11;
}

/* DLT_IPOIB: RFC 4391's 4 bytes, an EtherType and 2 reserved. */
int tf_b_ipoib(struct tf_frame *f)
{
	tf_put16(f, 0x0800);
	tf_put16(f, 0);
	tf_in4(f);
	return DLT_IPOIB;
}

/* DLT_PPP_SERIAL with Cisco HDLC's framing (address 0x0f, control 0, an
 * EtherType) and with RFC 1662's (0xff 0x03, protocol 0x0021). */
int tf_b_ppp_serial_chdlc(struct tf_frame *f)
{
	tf_put8(f, 0x0f);
	tf_put8(f, 0x00);
	tf_put16(f, 0x0800);
	tf_in4(f);
	return DLT_PPP_SERIAL;
}

int tf_b_ppp_serial_ff03(struct tf_frame *f)
{
	tf_put8(f, 0xff);
	tf_put8(f, 0x03);
	tf_put16(f, 0x0021);
	tf_in4(f);
	return DLT_PPP_SERIAL;
}

/* DLT_PPP with address/control and protocol field compression: the
 * protocol as one odd byte (0x21 IPv4), and 0xff 0x03 then 0x57 (IPv6). */
int tf_b_ppp_1byte(struct tf_frame *f)
{
	tf_put8(f, 0x21);
	tf_in4(f);
	return DLT_PPP;
}

int tf_b_ppp_ff03_1byte_v6(struct tf_frame *f)
{
	tf_put8(f, 0xff);
	tf_put8(f, 0x03);
	tf_put8(f, 0x57);
	tf_in6(f);
	return DLT_PPP;
}

/* GTP-U (UDP 2152): flags version 1, PT, E; G-PDU; TEID; sequence, N-PDU,
 * next extension 0x85 (PDU session container, 1 word) naming 0x40 (2
 * words) naming none. */
int tf_b_gtp_ext(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 17, TF_O4_SRC, TF_O4_DST);
	tf_udp(f, 2152, 2152);
	tf_mark(f, TF_FIX_GTP);
	tf_put8(f, 0x34);
	tf_put8(f, 0xff);
	tf_put16(f, 0);            /* length: tf_seal() */
	tf_put32(f, 0x11223344);   /* TEID */
	tf_put16(f, 0);            /* sequence */
	tf_put8(f, 0);             /* N-PDU */
	tf_put8(f, 0x85);
	tf_put8(f, 1);
	tf_put16(f, 0x0009);       /* QFI 9 */
	tf_put8(f, 0x40);
	tf_put8(f, 2);
	tf_fill(f, 0, 6);
	tf_put8(f, 0);
	tf_in4(f);
	return DLT_EN10MB;
}

/* GTP-U echo request (message type 1, S set): no user packet. */
int tf_b_gtp_echo(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 17, TF_O4_SRC, TF_O4_DST);
	tf_udp(f, 2152, 2152);
	tf_mark(f, TF_FIX_GTP);
	tf_put8(f, 0x32);
	tf_put8(f, 1);
	tf_put16(f, 0);
	tf_put32(f, 0);
	tf_put16(f, 1);
	tf_put8(f, 0);
	tf_put8(f, 0);
	return DLT_EN10MB;
}

/* L2TPv2 control message (T, L, S; SCCRQ's message type AVP). */
int tf_b_l2tp_control(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 17, TF_O4_SRC, TF_O4_DST);
	tf_udp(f, 1701, 1701);
	tf_put16(f, 0xc802);
	tf_put16(f, 20);     /* length */
	tf_put16(f, 0);      /* tunnel id */
	tf_put16(f, 0);      /* session id */
	tf_put16(f, 0);      /* Ns */
	tf_put16(f, 0);      /* Nr */
	tf_put16(f, 0x8008); /* AVP: mandatory, length 8 */
	tf_put16(f, 0);      /* IETF */
	tf_put16(f, 0);      /* message type */
	tf_put16(f, 1);      /* SCCRQ */
	return DLT_EN10MB;
}

/* MPLS (label 16, bottom) carrying an Ethernet pseudowire, without and
 * with RFC 4448's control word. */
int tf_b_mpls_pw_nocw(struct tf_frame *f)
{
	tf_eth(f, 0x8847);
	tf_put32(f, 16 << 12 | 0x100 | 255);
	tf_eth_to(f, TF_MAC_PW, 0x0800);
	tf_in4(f);
	return DLT_EN10MB;
}

int tf_b_mpls_pw_cw(struct tf_frame *f)
{
	tf_eth(f, 0x8847);
	tf_put32(f, 16 << 12 | 0x100 | 255);
	tf_put32(f, 0x00000001); /* control word: sequence 1 */
	tf_eth_to(f, TF_MAC_DST, 0x0800);
	tf_in4(f);
	return DLT_EN10MB;
}

/* IEEE 802.3 with a length, LLC with IP's own SAP 0x06 (UI frame). */
int tf_b_llc_sap06(struct tf_frame *f)
{
	tf_putn(f, TF_MAC_DST, 6);
	tf_putn(f, TF_MAC_SRC, 6);
	tf_mark(f, TF_FIX_8023);
	tf_put16(f, 0);
	tf_put8(f, 0x06);
	tf_put8(f, 0x06);
	tf_put8(f, 0x03);
	tf_in4(f);
	return DLT_EN10MB;
}

/* GRE with checksum, key and sequence number (RFC 2890). */
int tf_b_gre_cks_key_seq(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 47, TF_O4_SRC, TF_O4_DST);
	tf_put16(f, 0xb000);
	tf_put16(f, 0x0800);
	tf_put16(f, 0xbeef); /* checksum: not checked */
	tf_put16(f, 0);
	tf_put32(f, 0xdeadbeef);
	tf_put32(f, 5);
	tf_in4(f);
	return DLT_EN10MB;
}

/* PPTP's GRE (version 1, K and S): payload length, call id 0x1234,
 * sequence; then PPP in HDLC framing. */
int tf_b_pptp(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 47, TF_O4_SRC, TF_O4_DST);
	tf_put16(f, 0x3001);
	tf_put16(f, 0x880b);
	tf_put16(f, 4 + 20 + TF_TCPH + TF_PAYLOAD);
	tf_put16(f, 0x1234);
	tf_put32(f, 1);
	tf_put8(f, 0xff);
	tf_put8(f, 0x03);
	tf_put16(f, 0x0021);
	tf_in4(f);
	return DLT_EN10MB;
}

/* L2TPv2 data (L, S, O set): length, tunnel 5, session 9, Ns, Nr, an
 * offset of 2 padding bytes; then PPP. */
int tf_b_l2tp_data_offset(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 17, TF_O4_SRC, TF_O4_DST);
	tf_udp(f, 1701, 1701);
	tf_put16(f, 0x4a02);
	tf_put16(f, 16 + 4 + 20 + TF_TCPH + TF_PAYLOAD);
	tf_put16(f, 5);
	tf_put16(f, 9);
	tf_put16(f, 1);
	tf_put16(f, 2);
	tf_put16(f, 2);      /* offset size */
	tf_put16(f, 0);      /* offset pad */
	tf_put8(f, 0xff);
	tf_put8(f, 0x03);
	tf_put16(f, 0x0021);
	tf_in4(f);
	return DLT_EN10MB;
}

/* CAPWAP data (UDP 5247), no DTLS: HLEN 2 words, WBID 1, T clear (the
 * frame is 802.3, not the binding's native 802.11). */
int tf_b_capwap_8023(struct tf_frame *f)
{
	tf_eth(f, 0x0800);
	tf_ip4(f, 17, TF_O4_SRC, TF_O4_DST);
	tf_udp(f, 12345, 5247);
	tf_put8(f, 0);
	tf_put8(f, 2 << 3);
	tf_put8(f, 1 << 1);
	tf_put8(f, 0);
	tf_put32(f, 0);
	tf_eth_in4(f);
	return DLT_EN10MB;
}

/* DLT_PPP_ETHER: a PPPoE session header without Ethernet, then PPP's
 * protocol. */
int tf_b_ppp_ether(struct tf_frame *f)
{
	tf_put8(f, 0x11);
	tf_put8(f, 0);
	tf_put16(f, 0x0042);
	tf_put16(f, 2 + 20 + TF_TCPH + TF_PAYLOAD);
	tf_put16(f, 0x0021);
	tf_in4(f);
	return DLT_PPP_ETHER;
}

/* Radiotap (127) with an extended presence bitmap, TSFT (8-aligned) and
 * Flags saying the 802.11 frame ends in its FCS; a plain data frame
 * (24-byte header) then LLC/SNAP; the FCS after the datagram. */
int tf_b_radiotap_fcs(struct tf_frame *f)
{
	tf_put8(f, 0);
	tf_put8(f, 0);
	tf_put8(f, 25);       /* length, little-endian */
	tf_put8(f, 0);
	tf_put32(f, 0x03000080); /* present: TSFT, Flags, ext (little-endian) */
	tf_put32(f, 0);          /* second presence word */
	tf_put32(f, 0);          /* padding to 8 */
	tf_fill(f, 0x77, 8);     /* TSFT */
	tf_put8(f, 0x10);        /* Flags: FCS at end */
	tf_put8(f, 0x08);
	tf_put8(f, 0x01);        /* to DS */
	tf_put16(f, 0);
	tf_putn(f, TF_MAC_DST, 6);
	tf_putn(f, TF_MAC_SRC, 6);
	tf_putn(f, TF_MAC_DST, 6);
	tf_put16(f, 0);
	tf_putn(f, (const uint8_t[]){ 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 }, 8);
	tf_in4(f);
	tf_put32(f, 0xfc5fc5fc); /* FCS */
	f->trailer = 4;
	return DLT_IEEE802_11_RADIO;
}

/* VXLAN over IPv6. */
int tf_b_vxlan_v6(struct tf_frame *f)
{
	tf_eth(f, 0x86dd);
	tf_ip6(f, 17, TF_O6_SRC, TF_O6_DST);
	tf_udp(f, 50000, 4789);
	tf_put32(f, 0x08000000);
	tf_put32(f, 4096u << 8);
	tf_eth_in4(f);
	return DLT_EN10MB;
}

/* ---- nesting -------------------------------------------------------------- */

/* depth IPv4 headers of protocol 4 around the segment's. */
int tf_b_ipip_nest(struct tf_frame *f, int depth)
{
	tf_eth(f, 0x0800);
	for (int i = 0; i < depth; i++)
		tf_ip4(f, 4, (const uint8_t[]){ 10, 1, (uint8_t)i, 1 },
		       (const uint8_t[]){ 10, 1, (uint8_t)i, 2 });
	tf_in4(f);
	return DLT_EN10MB;
}

/* depth IPv4+GRE (key i + 1) around the segment's. */
int tf_b_gre_chain(struct tf_frame *f, int depth)
{
	tf_eth(f, 0x0800);
	for (int i = 0; i < depth; i++) {
		tf_ip4(f, 47, (const uint8_t[]){ 10, 2, (uint8_t)i, 1 },
		       (const uint8_t[]){ 10, 2, (uint8_t)i, 2 });
		tf_put16(f, 0x2000);
		tf_put16(f, 0x0800);
		tf_put32(f, (uint32_t)i + 1);
	}
	tf_in4(f);
	return DLT_EN10MB;
}

/* ---- the table the truncation and mutation tests walk ------------------------ */

const struct tf_builder tf_builders[] = {
	{ "erspan3", tf_b_erspan3 },
	{ "erspan3_platform", tf_b_erspan3_platform },
	{ "erspan3_ip", tf_b_erspan3_ip },
	{ "erspan1", tf_b_erspan1 },
	{ "vxlan_gpe", tf_b_vxlan_gpe },
	{ "teredo_origin", tf_b_teredo_origin },
	{ "teredo_auth", tf_b_teredo_auth },
	{ "teredo_auth_origin", tf_b_teredo_auth_origin },
	{ "6in4", tf_b_6in4 },
	{ "4in6", tf_b_4in6 },
	{ "etherip", tf_b_etherip },
	{ "mpls_in_ip", tf_b_mpls_in_ip },
	{ "ah", tf_b_ah },
	{ "80211_qos", tf_b_80211_qos },
	{ "80211_protected", tf_b_80211_protected },
	{ "ipoib", tf_b_ipoib },
	{ "ppp_serial_chdlc", tf_b_ppp_serial_chdlc },
	{ "ppp_serial_ff03", tf_b_ppp_serial_ff03 },
	{ "ppp_1byte", tf_b_ppp_1byte },
	{ "ppp_ff03_1byte_v6", tf_b_ppp_ff03_1byte_v6 },
	{ "gtp_ext", tf_b_gtp_ext },
	{ "gtp_echo", tf_b_gtp_echo },
	{ "l2tp_control", tf_b_l2tp_control },
	{ "mpls_pw_nocw", tf_b_mpls_pw_nocw },
	{ "mpls_pw_cw", tf_b_mpls_pw_cw },
	{ "llc_sap06", tf_b_llc_sap06 },
	{ "gre_cks_key_seq", tf_b_gre_cks_key_seq },
	{ "pptp", tf_b_pptp },
	{ "l2tp_data_offset", tf_b_l2tp_data_offset },
	{ "capwap_8023", tf_b_capwap_8023 },
	{ "ppp_ether", tf_b_ppp_ether },
	{ "radiotap_fcs", tf_b_radiotap_fcs },
	{ "vxlan_v6", tf_b_vxlan_v6 },
};

int tf_builder_count(void)
{
	return (int)(sizeof tf_builders / sizeof tf_builders[0]);
}
