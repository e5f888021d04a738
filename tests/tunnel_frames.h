/* tunnel_frames: frames built byte by byte for the tunnel tests, so that
 * every header field is the test's own choice. It owns the frame builder
 * (tf_put*, the headers tf_eth ... tf_tcp_hdr, the length fields tf_seal
 * fills), the addresses and TCP numbers the frames carry, tf_decode (a
 * frame decoded from a buffer of exactly its length, for ASan), and the
 * crafted frames themselves: the tf_b_* builders, and tf_builders, the
 * table of them that the every-truncation and every-byte tests walk; and
 * the checks of a decode against the values the builder wrote
 * (tf_assert_*). Which status and path each frame must decode to is
 * test_tunnel_frames.c's. */
#ifndef TCPLADDER_TUNNEL_FRAMES_H
#define TCPLADDER_TUNNEL_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* ---- frame builder ----------------------------------------------------------- */

/* A frame, and the length fields tf_seal() fills once everything inside
 * them is built (each counts to the frame's end). */
enum { TF_FIX_IP4 = 1, TF_FIX_IP6, TF_FIX_UDP, TF_FIX_GTP, TF_FIX_8023 };

struct tf_frame {
	uint8_t b[4096];
	size_t n;
	size_t tcp_off; /* the innermost TCP header; 0: none */
	size_t trailer; /* bytes at the end no length field counts (an FCS) */
	unsigned nfix;
	struct {
		size_t off;
		uint8_t what;
	} fix[128];
};

extern const uint8_t TF_MAC_DST[6];
extern const uint8_t TF_MAC_SRC[6];
/* A pseudowire's inner MAC must not start with the nibble 0 (a control
 * word) or 4/6 (IP): QEMU's 52:54:00 prefix. */
extern const uint8_t TF_MAC_PW[6];
/* Outer (tunnel) and inner (segment) addresses. */
extern const uint8_t TF_O4_SRC[4];
extern const uint8_t TF_O4_DST[4];
extern const uint8_t TF_IN4_SRC[4];
extern const uint8_t TF_IN4_DST[4];
extern const uint8_t TF_O6_SRC[16];
extern const uint8_t TF_O6_DST[16];
extern const uint8_t TF_IN6_SRC[16];
extern const uint8_t TF_IN6_DST[16];

/* The segment tf_tcp_seg() writes. */
enum {
	TF_SPORT = 40000,
	TF_DPORT = 80,
	TF_SEQ = 0x01020304,
	TF_ACK = 0xa0b0c0d0,
	TF_PAYLOAD = 10,
	TF_TCPH = 20,
};

void tf_put8(struct tf_frame *f, uint8_t v);
void tf_put16(struct tf_frame *f, uint16_t v);
void tf_put32(struct tf_frame *f, uint32_t v);
void tf_putn(struct tf_frame *f, const uint8_t *s, size_t n);
void tf_fill(struct tf_frame *f, uint8_t v, size_t n);
/* A length field of kind what (TF_FIX_*) starts here: tf_seal() fills it. */
void tf_mark(struct tf_frame *f, uint8_t what);
/* The 16-bit field at off of what is built so far set to v. */
void tf_set16(struct tf_frame *f, size_t off, size_t v);
void tf_seal(struct tf_frame *f);

void tf_eth_to(struct tf_frame *f, const uint8_t dst[6], uint16_t type);
void tf_eth(struct tf_frame *f, uint16_t type);
void tf_ip4(struct tf_frame *f, uint8_t proto, const uint8_t src[4], const uint8_t dst[4]);
void tf_ip6(struct tf_frame *f, uint8_t nh, const uint8_t src[16], const uint8_t dst[16]);
void tf_udp(struct tf_frame *f, uint16_t sport, uint16_t dport);
void tf_tcp_hdr(struct tf_frame *f, uint16_t sport, uint16_t dport, uint32_t seq,
                uint32_t ack, uint8_t flags, size_t payload);
/* TF_SPORT -> TF_DPORT, TF_SEQ, TF_ACK, ACK|PSH, TF_PAYLOAD bytes. */
void tf_tcp_seg(struct tf_frame *f);
/* The inner packets: IPv4 or IPv6 with tf_tcp_seg()'s segment, alone or
 * in an Ethernet frame. */
void tf_in4(struct tf_frame *f);
void tf_in6(struct tf_frame *f);
void tf_eth_in4(struct tf_frame *f);

/* Decode f (sealed first) from a malloc'd buffer of exactly its length,
 * so that ASan sees any read past it; info is zeroed first. */
enum decode_status tf_decode(int dlt, struct tf_frame *f, struct tcp_segment *s,
                             struct decode_info *info);

/* ---- what a decode of these frames gives ------------------------------------ */

/* The segment tf_tcp_seg() built, inside an IPv4 or IPv6 header of
 * tf_in4() or tf_in6(). */
void tf_assert_inner(const struct tcp_segment *s, int ver);
/* Tunnel i of the path: its kind, outer addresses and id. */
void tf_assert_tunnel(const struct decode_info *info, unsigned i, enum tunnel_kind kind,
                      int ver, const uint8_t *src, const uint8_t *dst, bool has_id,
                      uint32_t id);
/* The path as text, and the length decode_tunnel_path_text() said. */
void tf_assert_path(const struct decode_info *info, const char *want);

/* ---- the crafted frames ------------------------------------------------------- */

/* Each builder writes its whole frame and returns the link type. */
int tf_b_erspan3(struct tf_frame *f);
int tf_b_erspan3_platform(struct tf_frame *f);
int tf_b_erspan3_ip(struct tf_frame *f);
int tf_b_erspan1(struct tf_frame *f);
int tf_b_vxlan_gpe(struct tf_frame *f);
int tf_b_teredo_origin(struct tf_frame *f);
int tf_b_teredo_auth(struct tf_frame *f);
int tf_b_teredo_auth_origin(struct tf_frame *f);
int tf_b_6in4(struct tf_frame *f);
int tf_b_4in6(struct tf_frame *f);
int tf_b_etherip(struct tf_frame *f);
int tf_b_mpls_in_ip(struct tf_frame *f);
int tf_b_ah(struct tf_frame *f);
int tf_b_80211_qos(struct tf_frame *f);
int tf_b_80211_protected(struct tf_frame *f);
int tf_b_ipoib(struct tf_frame *f);
int tf_b_ppp_serial_chdlc(struct tf_frame *f);
int tf_b_ppp_serial_ff03(struct tf_frame *f);
int tf_b_ppp_1byte(struct tf_frame *f);
int tf_b_ppp_ff03_1byte_v6(struct tf_frame *f);
int tf_b_gtp_ext(struct tf_frame *f);
int tf_b_gtp_echo(struct tf_frame *f);
int tf_b_l2tp_control(struct tf_frame *f);
int tf_b_mpls_pw_nocw(struct tf_frame *f);
int tf_b_mpls_pw_cw(struct tf_frame *f);
int tf_b_llc_sap06(struct tf_frame *f);
int tf_b_gre_cks_key_seq(struct tf_frame *f);
int tf_b_pptp(struct tf_frame *f);
int tf_b_l2tp_data_offset(struct tf_frame *f);
int tf_b_capwap_8023(struct tf_frame *f);
int tf_b_ppp_ether(struct tf_frame *f);
int tf_b_radiotap_fcs(struct tf_frame *f);
int tf_b_vxlan_v6(struct tf_frame *f);

/* Nesting: depth IPv4 headers of protocol 4, or depth IPv4+GRE (key i +
 * 1), around the segment's. */
int tf_b_ipip_nest(struct tf_frame *f, int depth);
int tf_b_gre_chain(struct tf_frame *f, int depth);

/* ---- the table the truncation and mutation tests walk ------------------------ */

struct tf_builder {
	const char *name;
	int (*build)(struct tf_frame *f);
};

extern const struct tf_builder tf_builders[];
/* How many rows tf_builders has. */
int tf_builder_count(void);

#endif
