/* tunnel_frames: crafted frames decoded with decode_packet, for what the
 * real captures of ../shared/corpus-tunnels lack (src/decode_link.c,
 * src/decode_tunnel.c). The frames are built in tunnel_frames.c; this file
 * owns what their decodes must give.
 *
 *  - crafted frames, byte by byte (ERSPAN I and III, VXLAN-GPE, Teredo's
 *    indications, 6in4 and 4in6, EtherIP, MPLS in IP, AH, 802.11 without
 *    radiotap, IPoIB, PPP's framings, GTP-U's extension headers, ...): the
 *    status, the inner segment and the tunnel path, and the path's text;
 *  - hostile input: nesting bounds (IP in IP, GRE in GRE, Ethernet
 *    chains), option lengths past the capture, each frame of tf_builders
 *    cut at every byte and mutated byte by byte (run it under ASan: every
 *    frame is decoded from a buffer of exactly its captured length).
 *
 * The tunnels suite (test_tunnels.c) has the real captures and the tests
 * of the binary end to end. */
#include <check.h>
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "suites.h"
#include "tunnel_frames.h"
#include "../fuzz/fuzz_link_types.h"

/* The status a decode gave, by name when it is not the one wanted. */
#define ck_assert_status(got, want)                                               \
	do {                                                                      \
		enum decode_status got_ = (got), want_ = (want);                  \
		ck_assert_msg(got_ == want_, "status \"%s\" (%d), want \"%s\"",   \
		              decode_status_name(got_), (int)got_,                \
		              decode_status_name(want_));                         \
	} while (0)

/* ---- the crafted frames ------------------------------------------------------- */

START_TEST(erspan_type3)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_erspan3(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_ERSPAN, 4, TF_O4_SRC, TF_O4_DST, true, 291);
	tf_assert_path(&info, "ERSPAN 192.0.2.1>198.51.100.7 session 291");
}
END_TEST

START_TEST(erspan_type3_platform_subheader)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_erspan3_platform(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_ERSPAN, 4, TF_O4_SRC, TF_O4_DST, true, 291);
	tf_assert_path(&info, "ERSPAN 192.0.2.1>198.51.100.7 session 291");
	/* Frame type 2: the mirrored packet is IP, no Ethernet header. */
	struct tf_frame g = { 0 };
	ck_assert_status(tf_decode(tf_b_erspan3_ip(&g), &g, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	tf_assert_path(&info, "ERSPAN 192.0.2.1>198.51.100.7 session 291");
}
END_TEST

START_TEST(erspan_type1)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_erspan1(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_ERSPAN, 4, TF_O4_SRC, TF_O4_DST, false, 0);
	tf_assert_path(&info, "ERSPAN 192.0.2.1>198.51.100.7");
}
END_TEST

START_TEST(vxlan_gpe_ipv4)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_vxlan_gpe(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_VXLAN_GPE, 4, TF_O4_SRC, TF_O4_DST, true, 0xabcdef);
	tf_assert_path(&info, "VXLAN-GPE 192.0.2.1>198.51.100.7 vni 11259375");
	/* Next protocol 4 (NSH): named by its port, not decoded. */
	f.b[14 + 20 + 8 + 3] = 4;
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_UDP_PORT);
	ck_assert_uint_eq(info.undecoded_value, 4790);
	char name[64];
	decode_encap_text(info.undecoded, info.undecoded_value, name, sizeof name);
	ck_assert_str_eq(name, "UDP port 4790 (VXLAN-GPE)");
}
END_TEST

START_TEST(teredo_origin_indication)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_teredo_origin(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 6);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_TEREDO, 4, TF_O4_SRC, TF_O4_DST, false, 0);
	tf_assert_path(&info, "Teredo 192.0.2.1>198.51.100.7");
}
END_TEST

START_TEST(teredo_authentication_indication)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_teredo_auth(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 6);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_TEREDO, 4, TF_O4_SRC, TF_O4_DST, false, 0);
	tf_assert_path(&info, "Teredo 192.0.2.1>198.51.100.7");
	struct tf_frame g = { 0 };
	ck_assert_status(tf_decode(tf_b_teredo_auth_origin(&g), &g, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 6);
	tf_assert_path(&info, "Teredo 192.0.2.1>198.51.100.7");
}
END_TEST

START_TEST(ipv6_in_ipv4_and_ipv4_in_ipv6)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_6in4(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 6);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_IPIP, 4, TF_O4_SRC, TF_O4_DST, false, 0);
	tf_assert_path(&info, "IP-in-IP 192.0.2.1>198.51.100.7");

	struct tf_frame g = { 0 };
	ck_assert_status(tf_decode(tf_b_4in6(&g), &g, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_IPIP, 6, TF_O6_SRC, TF_O6_DST, false, 0);
	tf_assert_path(&info, "IP-in-IP 2001:db8::1>2001:db8::ab02");
	/* An IPv4 address uses the first 4 bytes and the rest are zero
	 * (decode.h), even where an outer IPv6 header was decoded into
	 * the same segment before it. */
	static const uint8_t zero12[12];
	ck_assert_mem_eq(seg.src_addr + 4, zero12, 12);
	ck_assert_mem_eq(seg.dst_addr + 4, zero12, 12);
}
END_TEST

START_TEST(etherip)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_etherip(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_ETHERIP, 4, TF_O4_SRC, TF_O4_DST, false, 0);
	tf_assert_path(&info, "EtherIP 192.0.2.1>198.51.100.7");
}
END_TEST

START_TEST(mpls_in_ip)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_mpls_in_ip(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_MPLS_IP, 4, TF_O4_SRC, TF_O4_DST, false, 0);
	tf_assert_path(&info, "MPLS-in-IP 192.0.2.1>198.51.100.7");
}
END_TEST

START_TEST(ipv4_ah_before_tcp)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_ah(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4); /* payload 10: AH's 24 bytes not counted */
	ck_assert_uint_eq(info.tunnels, 0);
	tf_assert_path(&info, "");
	/* AH's length past the datagram. */
	f.b[14 + 20 + 1] = 200;
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_TRUNCATED_IP);
}
END_TEST

START_TEST(ieee80211_qos_addr4_htc)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_80211_qos(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
	/* Without Order, no HT control: the same bytes misread. */
	f.b[1] &= (uint8_t)~0x80;
	ck_assert_int_ne(tf_decode(DLT_IEEE802_11, &f, &seg, &info), DECODE_OK);
	/* A null data frame (subtype 12): nothing to decode. */
	f.b[1] |= 0x80;
	f.b[0] = 0xc8;
	ck_assert_status(tf_decode(DLT_IEEE802_11, &f, &seg, &info), DECODE_NOT_IP);
}
END_TEST

START_TEST(ieee80211_protected_undecoded)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_80211_protected(&f), &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_80211_PROTECTED);
	char name[64];
	decode_encap_text(info.undecoded, info.undecoded_value, name, sizeof name);
	ck_assert_str_eq(name, "802.11 protected frame");
	ck_assert(!decode_status_is_error(DECODE_UNDECODED));
}
END_TEST

START_TEST(ipoib)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_ipoib(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
	ck_assert(decode_link_supported(DLT_IPOIB));
}
END_TEST

START_TEST(ppp_serial_chdlc_and_ff03)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_ppp_serial_chdlc(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
	struct tf_frame g = { 0 };
	ck_assert_status(tf_decode(tf_b_ppp_serial_ff03(&g), &g, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
	/* LCP (0xc021) on the same link: not IP. */
	g.b[2] = 0xc0;
	ck_assert_status(tf_decode(DLT_PPP_SERIAL, &g, &seg, &info), DECODE_NOT_IP);
}
END_TEST

START_TEST(ppp_compressed_protocol_field)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_ppp_1byte(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	struct tf_frame g = { 0 };
	ck_assert_status(tf_decode(tf_b_ppp_ff03_1byte_v6(&g), &g, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 6);
	ck_assert_uint_eq(info.tunnels, 0);
}
END_TEST

START_TEST(gtp_u_extension_chain)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_gtp_ext(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_GTP_U, 4, TF_O4_SRC, TF_O4_DST, true, 0x11223344);
	tf_assert_path(&info, "GTP-U 192.0.2.1>198.51.100.7 teid 0x11223344");
	/* The second extension's length 0: no chain can be walked. */
	size_t ext2 = 14 + 20 + 8 + 12 + 4;
	ck_assert_uint_eq(f.b[ext2], 2);
	f.b[ext2] = 0;
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_BAD_TUNNEL);
	/* Its length past the datagram. */
	f.b[ext2] = 200;
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_TRUNCATED_TUNNEL);
}
END_TEST

/* 17 extension headers, each naming another: past the bound. */
START_TEST(gtp_u_extension_chain_too_long)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	tf_eth(&f, 0x0800);
	tf_ip4(&f, 17, TF_O4_SRC, TF_O4_DST);
	tf_udp(&f, 2152, 2152);
	tf_mark(&f, TF_FIX_GTP);
	tf_put8(&f, 0x34);
	tf_put8(&f, 0xff);
	tf_put16(&f, 0);
	tf_put32(&f, 1);
	tf_put16(&f, 0);
	tf_put8(&f, 0);
	tf_put8(&f, 0x85);
	for (int i = 0; i < 17; i++)
		tf_put32(&f, 0x01000085);
	tf_in4(&f);
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_BAD_TUNNEL);
}
END_TEST

START_TEST(gtp_u_echo_not_tcp)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_gtp_echo(&f), &f, &seg, &info), DECODE_NOT_TCP);
	ck_assert_uint_eq(info.tunnels, 0);
	/* GTP' (protocol type 0): named, not decoded. */
	f.b[14 + 20 + 8] = 0x22;
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_GTP_VERSION);
}
END_TEST

START_TEST(l2tp_control_not_tcp)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_l2tp_control(&f), &f, &seg, &info), DECODE_NOT_TCP);
	ck_assert_uint_eq(info.tunnels, 0);
	/* L2TPv3 over UDP (version 3): named, not decoded. */
	f.b[14 + 20 + 8 + 1] = 0x03;
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_L2TP_VERSION);
	ck_assert_uint_eq(info.undecoded_value, 3);
}
END_TEST

START_TEST(mpls_pseudowire_without_control_word)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_mpls_pw_nocw(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
	struct tf_frame g = { 0 };
	ck_assert_status(tf_decode(tf_b_mpls_pw_cw(&g), &g, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
}
END_TEST

START_TEST(llc_sap_06)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_llc_sap06(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	/* Another SAP (NetBIOS, 0xf0): not IP. */
	f.b[14] = f.b[15] = 0xf0;
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_NOT_IP);
}
END_TEST

START_TEST(gre_checksum_key_sequence_and_pptp)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_gre_cks_key_seq(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	tf_assert_tunnel(&info, 0, TUNNEL_GRE, 4, TF_O4_SRC, TF_O4_DST, true, 0xdeadbeef);
	tf_assert_path(&info, "GRE 192.0.2.1>198.51.100.7 key 3735928559");
	struct tf_frame g = { 0 };
	ck_assert_status(tf_decode(tf_b_pptp(&g), &g, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	tf_assert_tunnel(&info, 0, TUNNEL_GRE, 4, TF_O4_SRC, TF_O4_DST, true, 0x1234);
	tf_assert_path(&info, "GRE 192.0.2.1>198.51.100.7 key 4660");
	/* GRE carrying what tcpladder does not open: named. */
	tf_set16(&f, 14 + 20 + 2, 0x88b5);
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_GRE_PROTO);
	ck_assert_uint_eq(info.undecoded_value, 0x88b5);
}
END_TEST

START_TEST(l2tp_data_with_offset)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_l2tp_data_offset(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_L2TP, 4, TF_O4_SRC, TF_O4_DST, true, 5);
	ck_assert_uint_eq(info.tunnel[0].id2, 9);
	tf_assert_path(&info, "L2TP 192.0.2.1>198.51.100.7 tunnel 5 session 9");
}
END_TEST

START_TEST(capwap_8023_and_keepalive)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_capwap_8023(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_CAPWAP, 4, TF_O4_SRC, TF_O4_DST, false, 0);
	tf_assert_path(&info, "CAPWAP 192.0.2.1>198.51.100.7");
	/* K: a keep-alive. */
	f.b[14 + 20 + 8 + 3] = 0x08;
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_NOT_TCP);
	/* A DTLS preamble: named, not decoded. */
	f.b[14 + 20 + 8 + 3] = 0;
	f.b[14 + 20 + 8] = 0x01;
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_UDP_PORT);
	ck_assert_uint_eq(info.undecoded_value, 5247);
}
END_TEST

START_TEST(ppp_ether)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_ppp_ether(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
}
END_TEST

START_TEST(radiotap_fcs_extended_presence)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_radiotap_fcs(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	/* IP total length 0 (TSO): the payload is what the frame holds,
	 * the FCS not counted. */
	size_t ip = 25 + 24 + 8;
	f.nfix = 0;
	f.b[ip + 2] = f.b[ip + 3] = 0;
	ck_assert_status(tf_decode(DLT_IEEE802_11_RADIO, &f, &seg, &info), DECODE_OK);
	ck_assert(seg.ip_len_from_frame);
	ck_assert_uint_eq(seg.payload_len, TF_PAYLOAD);
	ck_assert_uint_eq(seg.payload_captured, TF_PAYLOAD);
}
END_TEST

START_TEST(vxlan_over_ipv6)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_vxlan_v6(&f), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	tf_assert_tunnel(&info, 0, TUNNEL_VXLAN, 6, TF_O6_SRC, TF_O6_DST, true, 4096);
	tf_assert_path(&info, "VXLAN 2001:db8::1>2001:db8::ab02 vni 4096");
	static const uint8_t zero12[12];
	ck_assert_mem_eq(seg.src_addr + 4, zero12, 12);
}
END_TEST

/* RFC 5952's text in the path: the longest run of zero groups (the first
 * of equal ones, never a single group) as "::", lower case, no leading
 * zeros. */
START_TEST(tunnel_text_ipv6_forms)
{
	static const struct {
		uint8_t a[16];
		const char *text;
	} forms[] = {
		{ { [15] = 1 }, "::1" },
		{ { 0 }, "::" },
		{ { 0x20, 0x01, 0x0d, 0xb8 }, "2001:db8::" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 },
		  "2001:db8:0:1:1:1:1:1" },
		{ { 0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 }, "2001:0:0:1::1" },
		{ { 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4 }, "1::2:0:0:3:4" },
		{ { 0xfe, 0x80, [8] = 0xab, 0xcd, [15] = 0x0e }, "fe80::abcd:0:0:e" },
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		struct decode_tunnel t = { .kind = TUNNEL_IPIP, .ip_version = 6 };
		memcpy(t.src_addr, forms[i].a, 16);
		memcpy(t.dst_addr, forms[i].a, 16);
		char want[128], got[128];
		snprintf(want, sizeof want, "IP-in-IP %s>%s", forms[i].text, forms[i].text);
		int need = decode_tunnel_text(&t, got, sizeof got);
		ck_assert_str_eq(got, want);
		ck_assert_int_eq(need, (int)strlen(want));
	}
}
END_TEST

/* ---- nesting bounds and hostile lengths ---------------------------------- */

START_TEST(ipip_nesting_bound)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_ipip_nest(&f, 8), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, DECODE_MAX_TUNNELS);
	tf_assert_tunnel(&info, 0, TUNNEL_IPIP, 4, (const uint8_t[]){ 10, 1, 0, 1 },
	                 (const uint8_t[]){ 10, 1, 0, 2 }, false, 0);
	tf_assert_tunnel(&info, 7, TUNNEL_IPIP, 4, (const uint8_t[]){ 10, 1, 7, 1 },
	                 (const uint8_t[]){ 10, 1, 7, 2 }, false, 0);
	struct tf_frame g = { 0 };
	ck_assert_status(tf_decode(tf_b_ipip_nest(&g, 9), &g, &seg, &info), DECODE_TOO_DEEP);
	ck_assert(decode_status_is_error(DECODE_TOO_DEEP));
}
END_TEST

START_TEST(gre_in_gre_chain)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	ck_assert_status(tf_decode(tf_b_gre_chain(&f, 8), &f, &seg, &info), DECODE_OK);
	tf_assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 8);
	tf_assert_path(&info, "GRE 10.2.0.1>10.2.0.2 key 1; GRE 10.2.1.1>10.2.1.2 key 2; "
	                   "GRE 10.2.2.1>10.2.2.2 key 3; GRE 10.2.3.1>10.2.3.2 key 4; "
	                   "GRE 10.2.4.1>10.2.4.2 key 5; GRE 10.2.5.1>10.2.5.2 key 6; "
	                   "GRE 10.2.6.1>10.2.6.2 key 7; GRE 10.2.7.1>10.2.7.2 key 8");
	/* The path text cut to a small buffer: terminated, the length it
	 * needed returned. */
	char small[16];
	int need = decode_tunnel_path_text(info.tunnel, info.tunnels, small, sizeof small);
	ck_assert_int_eq(need, 8 * 27 + 7 * 2);
	ck_assert_str_eq(small, "GRE 10.2.0.1>10");
	for (int depth = 9; depth <= 100; depth += 13) {
		struct tf_frame g = { 0 };
		ck_assert_status(tf_decode(tf_b_gre_chain(&g, depth), &g, &seg, &info),
		                 DECODE_TOO_DEEP);
		ck_assert_uint_le(info.tunnels, DECODE_MAX_TUNNELS);
	}
}
END_TEST

/* Encapsulations that are no tunnel (Ethernet in Ethernet by 0x6558,
 * 802.1ah, FabricPath) nest without a tunnel to count: the layer bound
 * stops them. */
START_TEST(ethernet_in_ethernet_chain_bounded)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	static const uint16_t types[] = { 0x6558, 0x88e7, 0x8903 };
	for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
		for (int depth = 4; depth <= 64; depth *= 4) {
			struct tf_frame f = { 0 };
			for (int i = 0; i < depth; i++) {
				tf_eth(&f, types[t]);
				if (types[t] == 0x88e7)
					tf_put32(&f, 0x00000100 + (uint32_t)i); /* I-TAG */
				else if (types[t] == 0x8903)
					tf_put16(&f, 0x0140);                  /* FTag, TTL */
			}
			tf_eth_in4(&f);
			enum decode_status st = tf_decode(DLT_EN10MB, &f, &seg, &info);
			if (depth <= 16) {
				ck_assert_status(st, DECODE_OK);
				tf_assert_inner(&seg, 4);
			} else {
				ck_assert_status(st, DECODE_TOO_DEEP);
			}
			ck_assert_uint_eq(info.tunnels, 0);
		}
	}
}
END_TEST

START_TEST(geneve_options_past_capture)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	tf_eth(&f, 0x0800);
	tf_ip4(&f, 17, TF_O4_SRC, TF_O4_DST);
	tf_udp(&f, 6081, 6081);
	tf_put8(&f, 0x3f);       /* version 0, 63 words of options */
	tf_put8(&f, 0);
	tf_put16(&f, 0x6558);
	tf_put32(&f, 7 << 8);
	tf_fill(&f, 0, 16);
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_TRUNCATED_TUNNEL);
	ck_assert(decode_status_is_error(DECODE_TRUNCATED_TUNNEL));
	/* The same options length inside a frame long enough, but past the
	 * UDP length: still cut short. */
	struct tf_frame g = { 0 };
	tf_eth(&g, 0x0800);
	tf_ip4(&g, 17, TF_O4_SRC, TF_O4_DST);
	tf_udp(&g, 6081, 6081);
	tf_put8(&g, 0x3f);
	tf_put8(&g, 0);
	tf_put16(&g, 0x6558);
	tf_put32(&g, 7 << 8);
	tf_seal(&g);
	tf_fill(&g, 0, 300);    /* after the UDP length: padding */
	ck_assert_status(decode_packet(DLT_EN10MB, g.b, (uint32_t)g.n, (uint32_t)g.n, &seg,
	                               &info), DECODE_TRUNCATED_TUNNEL);
	/* Version 1 does not exist. */
	f.b[14 + 20 + 8] = 0x40;
	ck_assert_status(tf_decode(DLT_EN10MB, &f, &seg, &info), DECODE_BAD_TUNNEL);
}
END_TEST

/* ---- every truncation and every byte ------------------------------------------ */

/* What any decode must keep to, whatever the bytes. */
static void assert_sane(enum decode_status st, const struct tcp_segment *s,
                        const struct decode_info *in, size_t caplen, const char *what)
{
	ck_assert_msg((unsigned)st < DECODE_STATUS_COUNT, "%s: status %d", what, (int)st);
	ck_assert_msg(in->tunnels <= DECODE_MAX_TUNNELS, "%s: %u tunnels", what, in->tunnels);
	if (st == DECODE_UNDECODED)
		ck_assert_msg(in->undecoded != ENCAP_NONE, "%s: undecoded, not named", what);
	if (st == DECODE_OK) {
		ck_assert_msg(s->header_len >= TF_TCPH && s->header_len <= 60, "%s: header %u",
		              what, s->header_len);
		ck_assert_msg(s->payload_captured <= caplen, "%s: payload %u of %zu", what,
		              s->payload_captured, caplen);
		ck_assert_msg(s->ip_version == 4 || s->ip_version == 6, "%s", what);
	}
	char text[2048];
	int need = decode_tunnel_path_text(in->tunnel, in->tunnels, text, sizeof text);
	ck_assert_int_ge(need, 0);
}

/* Each frame cut at every byte offset, both as a snap length would cut
 * it (the wire length whole) and as a frame that really ended there:
 * never a crash or a read past the cut (ASan), never DECODE_OK unless the
 * 20-byte TCP header is inside the cut; with the wire length whole and
 * the header inside, always DECODE_OK with the same tunnels, the payload
 * length from the IP header and what is there of it captured. */
START_TEST(every_truncation_of_tunnel_frames)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	int dlt = tf_builders[_i].build(&f);
	tf_seal(&f);
	struct decode_info whole;
	struct tcp_segment ws;
	enum decode_status wst = tf_decode(dlt, &f, &ws, &whole);
	for (size_t cut = 0; cut < f.n; cut++) {
		for (int snap = 0; snap < 2; snap++) {
			uint8_t *copy = cut ? malloc(cut) : NULL;
			if (cut)
				memcpy(copy, f.b, cut);
			memset(&info, 0, sizeof info);
			uint32_t wire = snap ? (uint32_t)f.n : (uint32_t)cut;
			enum decode_status st = decode_packet(dlt, copy, (uint32_t)cut, wire, &seg,
			                                      &info);
			free(copy);
			char what[96];
			snprintf(what, sizeof what, "%s cut at %zu of %zu%s", tf_builders[_i].name,
			         cut, f.n, snap ? " (snap)" : "");
			assert_sane(st, &seg, &info, cut, what);
			bool header_in = f.tcp_off && cut >= f.tcp_off + TF_TCPH;
			if (!header_in) {
				ck_assert_msg(st != DECODE_OK, "%s: decoded", what);
				continue;
			}
			if (!snap || wst != DECODE_OK)
				continue;
			ck_assert_msg(st == DECODE_OK, "%s: \"%s\"", what, decode_status_name(st));
			ck_assert_uint_eq(info.tunnels, whole.tunnels);
			ck_assert_uint_eq(seg.payload_len, TF_PAYLOAD);
			size_t there = cut - f.tcp_off - TF_TCPH;
			ck_assert_uint_eq(seg.payload_captured,
			                  there < TF_PAYLOAD ? there : TF_PAYLOAD);
			ck_assert_uint_eq(seg.src_port, TF_SPORT);
			ck_assert_uint_eq(seg.dst_port, TF_DPORT);
		}
	}
}
END_TEST

/* Each byte of each frame set to 0x00, 0xff and its value with one bit
 * flipped: never a crash, a read past the frame or an impossible
 * segment. */
START_TEST(every_byte_of_tunnel_frames_mutated)
{
	struct decode_info info = { 0 };
	struct tcp_segment seg = { 0 };
	struct tf_frame f = { 0 };
	int dlt = tf_builders[_i].build(&f);
	tf_seal(&f);
	uint8_t *copy = malloc(f.n);
	ck_assert_ptr_nonnull(copy);
	for (size_t i = 0; i < f.n; i++) {
		const uint8_t values[] = { 0x00, 0xff, (uint8_t)(f.b[i] ^ 0x01),
			                   (uint8_t)(f.b[i] ^ 0x80), (uint8_t)(f.b[i] ^ 0x10) };
		for (size_t v = 0; v < sizeof values; v++) {
			memcpy(copy, f.b, f.n);
			copy[i] = values[v];
			memset(&info, 0, sizeof info);
			enum decode_status st = decode_packet(dlt, copy, (uint32_t)f.n, (uint32_t)f.n,
			                                      &seg, &info);
			char what[96];
			snprintf(what, sizeof what, "%s byte %zu = 0x%02x", tf_builders[_i].name, i,
			         values[v]);
			assert_sane(st, &seg, &info, f.n, what);
		}
	}
	free(copy);
}
END_TEST

/* The fuzz targets' seeds hold one of each encapsulation: the corpora
 * have most, and these crafted frames the rest (ERSPAN I and III, Teredo,
 * VXLAN-GPE, EtherIP, 802.11 without radiotap, IPoIB, ...). Each is kept
 * in fuzz/seeds/decode/ in fuzz_decode's input form (link type index,
 * mode 0, the frame), and must stay what its builder makes: after changing
 * a builder, TCPLADDER_WRITE_SEEDS=1 makes this test write them anew. */
START_TEST(crafted_frames_are_fuzz_seeds)
{
	struct tf_frame f = { 0 };
	int dlt = tf_builders[_i].build(&f);
	tf_seal(&f);
	int index = fuzz_link_index(dlt);
	ck_assert_msg(index >= 0, "%s: link type %d is not in fuzz_decode's table",
	              tf_builders[_i].name, dlt);
	size_t n = f.n + 2;
	uint8_t *seed = malloc(n);
	ck_assert_ptr_nonnull(seed);
	seed[0] = (uint8_t)index;
	seed[1] = 0; /* the wire length is the captured one */
	memcpy(seed + 2, f.b, f.n);
	char path[256];
	snprintf(path, sizeof path, "../fuzz/seeds/decode/%s", tf_builders[_i].name);
	const char *write = getenv("TCPLADDER_WRITE_SEEDS");
	if (write && strcmp(write, "1") == 0) {
		FILE *out = fopen(path, "wb");
		ck_assert_msg(out != NULL, "%s: cannot write", path);
		ck_assert_int_eq(fwrite(seed, 1, n, out), n);
		ck_assert_int_eq(fclose(out), 0);
	}
	FILE *in = fopen(path, "rb");
	ck_assert_msg(in != NULL, "%s is missing: run this test with TCPLADDER_WRITE_SEEDS=1",
	              path);
	uint8_t *kept = malloc(n + 1);
	ck_assert_ptr_nonnull(kept);
	size_t got = fread(kept, 1, n + 1, in);
	fclose(in);
	ck_assert_msg(got == n && memcmp(kept, seed, n) == 0,
	              "%s differs from what tf_b_%s builds: run this test with"
	              " TCPLADDER_WRITE_SEEDS=1", path, tf_builders[_i].name);
	free(kept);
	free(seed);
}
END_TEST

Suite *tunnel_frames_suite(void)
{
	Suite *s = suite_create("tunnel_frames");

	TCase *tc = tcase_create("crafted");
	tcase_add_test(tc, erspan_type3);
	tcase_add_test(tc, erspan_type3_platform_subheader);
	tcase_add_test(tc, erspan_type1);
	tcase_add_test(tc, vxlan_gpe_ipv4);
	tcase_add_test(tc, teredo_origin_indication);
	tcase_add_test(tc, teredo_authentication_indication);
	tcase_add_test(tc, ipv6_in_ipv4_and_ipv4_in_ipv6);
	tcase_add_test(tc, etherip);
	tcase_add_test(tc, mpls_in_ip);
	tcase_add_test(tc, ipv4_ah_before_tcp);
	tcase_add_test(tc, ieee80211_qos_addr4_htc);
	tcase_add_test(tc, ieee80211_protected_undecoded);
	tcase_add_test(tc, ipoib);
	tcase_add_test(tc, ppp_serial_chdlc_and_ff03);
	tcase_add_test(tc, ppp_compressed_protocol_field);
	tcase_add_test(tc, gtp_u_extension_chain);
	tcase_add_test(tc, gtp_u_extension_chain_too_long);
	tcase_add_test(tc, gtp_u_echo_not_tcp);
	tcase_add_test(tc, l2tp_control_not_tcp);
	tcase_add_test(tc, mpls_pseudowire_without_control_word);
	tcase_add_test(tc, llc_sap_06);
	tcase_add_test(tc, gre_checksum_key_sequence_and_pptp);
	tcase_add_test(tc, l2tp_data_with_offset);
	tcase_add_test(tc, capwap_8023_and_keepalive);
	tcase_add_test(tc, ppp_ether);
	tcase_add_test(tc, radiotap_fcs_extended_presence);
	tcase_add_test(tc, vxlan_over_ipv6);
	tcase_add_test(tc, tunnel_text_ipv6_forms);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ipip_nesting_bound);
	tcase_add_test(tc, gre_in_gre_chain);
	tcase_add_test(tc, ethernet_in_ethernet_chain_bounded);
	tcase_add_test(tc, geneve_options_past_capture);
	tcase_add_loop_test(tc, every_truncation_of_tunnel_frames, 0, tf_builder_count());
	tcase_add_loop_test(tc, every_byte_of_tunnel_frames_mutated, 0, tf_builder_count());
	tcase_add_loop_test(tc, crafted_frames_are_fuzz_seeds, 0, tf_builder_count());
	suite_add_tcase(s, tc);

	return s;
}
