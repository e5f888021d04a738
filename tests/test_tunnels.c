/* tunnels: TCP inside tunnels, encapsulations and uncommon link types
 * (src/decode_link.c, src/decode_tunnel.c), with real values.
 *
 *  - real captures: every file of ../shared/corpus-tunnels ingested by the
 *    binary, its segments equal to tshark's TCP frames, its connections,
 *    and the tunnel path of a connection as text, checked against tshark's
 *    view of the outer headers (not just recorded from our output);
 *  - crafted frames, byte by byte, for what the corpus lacks (ERSPAN I and
 *    III, VXLAN-GPE, Teredo's indications, 6in4 and 4in6, EtherIP, MPLS in
 *    IP, AH, 802.11 without radiotap, IPoIB, PPP's framings, GTP-U's
 *    extension headers, ...), decoded with decode_packet: the status, the
 *    inner segment and the tunnel path;
 *  - hostile input: nesting bounds, option lengths past the capture, each
 *    frame cut at every byte and mutated byte by byte (run it under ASan:
 *    every frame is decoded from a buffer of exactly its captured length);
 *  - never silent: an encapsulation not decoded is counted, named in
 *    capture_undecoded and on stderr, and decoded once its port is named;
 *  - flows.tunnel_changes: the identifiers that differ by direction are no
 *    change, another outer address pair or no tunnel is.
 *
 * The corpus tests are not registered (and say so) when the corpus is
 * absent; they need no tshark: its counts are written below. */
#include <check.h>
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capwrite.h"
#include "decode.h"
#include "suites.h"
#include "testutil.h"

#define TUNNELS "../../shared/corpus-tunnels"
#define BIN "../tcpladder"

/* ---- real captures --------------------------------------------------------- */

/* One file of corpus-tunnels and what ingesting it alone gives.
 *
 * segments: `tshark -r F -Y tcp | wc -l` (tshark 4.x), which our segment
 * count equals for every file. tunnel / first: the flows.tunnel text of
 * the first flow (by id) that has one, and of the first flow by id (""
 * for NULL). Each tunnel text was checked against tshark's fields of that
 * flow's first frame (`-T fields -E occurrence=a -e ip.src -e ip.dst -e
 * ipv6.src -e ipv6.dst -e gre.key -e vxlan.vni -e geneve.vni -e gtp.teid
 * -e erspan.spanid -e l2tp.tunnel -e l2tp.session`): the addresses are the
 * outer header's of each tunnel, outermost first, the ids tshark's (GRE
 * key 0x12345602 = 305419778, 0xfde8 = 65000; Geneve VNI 0x1092 = 4242,
 * 0x0b = 11). ERSPAN over GRE is one tunnel, ERSPAN, as Zeek names it.
 *
 * flows differs from tshark's tcp.stream count where tcpladder's
 * connection rules split a 4-tuple: zeek__llc (1333 RSTs of one stalled
 * connection, each ending it), jnetpcap__test-l2tp (ACK then RST, again
 * and again, on 2 streams: 6 connections), pcapplusplus__Ftp (a FTP data
 * connection seen only by one ACK plus a 6to4 pair: 4), suricata-verify
 * bug-5437-02 (repeated FINs after the close reopen a connection: 11). */
struct corpus_case {
	const char *file;
	int linktype;
	long long segments;
	long long flows;
	long long tunnelled;      /* flows with a tunnel */
	long long changes;        /* sum of flows.tunnel_changes */
	const char *tunnel;
	const char *first;
	long long undecoded;      /* captures.undecoded_packets */
	const char *undecoded_rows; /* capture_undecoded: encapsulation|packets|first_frame */
};

#define SAME NULL /* first: the same as tunnel */

static const struct corpus_case corpus_cases[] = {
	{ "zeek__tunnels_gre-over-udp-4754.pcap", 1, 10, 1, 1, 0,
	  "GRE 192.168.0.107>192.168.5.1", SAME, 0, "" },
	{ "tcpdump__wccp_redirect_gre.pcap", 1, 1, 1, 1, 0,
	  "GRE 10.254.127.194>10.254.214.82", SAME, 0, "" },
	{ "suricata-verify__bug-6402-01_input.pcap", 1, 12, 1, 1, 0,
	  "Geneve 10.0.10.74>10.0.8.64 vni 0; GRE 10.0.1.72>10.0.2.31", SAME, 0, "" },
	{ "pcapplusplus__GrePackets.pcap", 1, 1, 1, 1, 0,
	  "GRE 1.2.3.4>4.3.2.1 key 65000", SAME, 0, "" },
	{ "packetnet__gre_nvgre.pcap", 1, 1, 1, 1, 0,
	  "GRE 100.0.17.1>100.0.17.2 key 305419778", SAME, 0, "" },
	{ "suricata-verify__bug-2576-02_temp1.pcap", 1, 17, 1, 1, 0,
	  "GRE 192.168.0.23>192.168.0.20", SAME, 0, "" },
	/* Frames 57 and 59 of one connection come from another mirror
	 * (outer source 60.95.207.235, session 2): two changes. */
	{ "suricata-verify__bug-5437-02_input.pcap", 1, 60, 11, 11, 2,
	  "ERSPAN 230.47.210.140>0.235.239.74 session 5", SAME, 0, "" },
	{ "ndpi__vxlan.pcap", 1, 119, 2, 2, 0,
	  "VXLAN 192.168.22.4>192.168.22.5 vni 1111", SAME, 0, "" },
	{ "zeek__tunnels_vxlan-encapsulated-http.pcap", 1, 12, 1, 1, 0,
	  "VXLAN 10.1.200.131>10.1.1.172 vni 1", SAME, 0, "" },
	{ "zeek__tunnels_geneve-47101.pcap", 1, 24, 1, 1, 0,
	  "Geneve 127.0.0.1>127.0.0.1 vni 4242", SAME, 0, "" },
	{ "tcpdump__geneve.pcap", 1, 33, 1, 1, 0,
	  "Geneve 20.0.0.2>20.0.0.1 vni 11", SAME, 0, "" },
	{ "zeek__tunnels_gtp_gtp2_different_udp_port.pcap", 1, 78, 1, 1, 0,
	  "GTP-U 167.55.105.244>207.233.125.40 teid 0x9e40ba4f", SAME, 0, "" },
	{ "zeek__tunnels_gtp_gtp1_gn_normal_incl_fragmentation.pcap", 1, 68, 1, 1, 0,
	  "GTP-U 239.114.155.111>63.94.149.181 teid 0x8c61be36", SAME, 0, "" },
	/* Plain TCP first, then two connections inside GTP-U. */
	{ "ndpi__rtmp.pcap", 1, 60, 3, 2, 0,
	  "GTP-U 10.134.25.76>10.132.15.176 teid 0x014cc10c", "", 0, "" },
	{ "ndpi__4in6tunnel.pcap", 1, 4, 1, 1, 0,
	  "IP-in-IP 22e0:1685:eda7:38cc:58bd:f3f1:aa3f:22d8>344a:ba94:152a:ac34::2a", SAME,
	  0, "" },
	{ "suricata-verify__bug-4571-01_ipv4_over_ipv4.pcap", 1, 1, 1, 1, 0,
	  "IP-in-IP 10.1.0.1>10.1.0.2", SAME, 0, "" },
	{ "suricata-verify__bug-4571-03_ipv6_over_ipv6.pcap", 1, 1, 1, 1, 0,
	  "IP-in-IP 2001:db8:85a3::8a2e:370:7334>2001:db8:85a3::8a2e:370:7335", SAME, 0, "" },
	{ "suricata-verify__bug-4571-04_ipv6_over_ipv4.pcap", 1, 1, 1, 1, 0,
	  "IP-in-IP 10.1.0.1>10.1.0.2", SAME, 0, "" },
	{ "jnetpcap__test-l2tp.pcap", 1, 38, 6, 6, 0,
	  "L2TP 192.168.98.222>192.168.101.233 tunnel 2 session 1", SAME, 0, "" },
	/* MPLS, PPPoE, LLC, PBB, FabricPath and the link types are no
	 * tunnels: flows.tunnel stays NULL. */
	{ "packetlife__EoMPLS.cap", 1, 10, 1, 0, 0, "", SAME, 0, "" },
	{ "zeek__mpls-in-vlan.pcap", 1, 3, 3, 0, 0, "", SAME, 0, "" },
	{ "suricata-verify__bug-4810_pppoe-session-http.pcap", 1, 30, 1, 0, 0, "", SAME, 0,
	  "" },
	{ "zeek__llc.pcap", 10, 1333, 1333, 0, 0, "", SAME, 0, "" },
	/* 33 Van Jacobson compressed frames, the first at frame 4, and 6
	 * plain TCP ones. */
	{ "packetlife__PPP_TCP_compression.cap", 9, 6, 1, 0, 0, "", SAME, 33,
	  "PPP protocol 0x002d (Van Jacobson compressed TCP)|33|4\n" },
	{ "tcpdump__lspping-fec-ldp.pcap", 9, 3, 2, 0, 0, "", SAME, 0, "" },
	{ "packetlife__4-byte_AS_numbers_Full_Support.cap", 104, 9, 2, 0, 0, "", SAME, 0,
	  "" },
	{ "ndpi__BGP_redist.pcap", 104, 2, 2, 0, 0, "", SAME, 0, "" },
	{ "arkime__nflog.pcap", 239, 10, 1, 0, 0, "", SAME, 0, "" },
	{ "packetnet__80211_qos_data_frame_ipv4_tcp.pcap", 127, 1, 1, 0, 0, "", SAME, 0,
	  "" },
	{ "ndpi__capwap_data.pcapng", 1, 14, 1, 1, 0,
	  "CAPWAP 172.50.100.155>172.16.100.87", SAME, 0, "" },
	{ "zeek__tunnels_ayiya3.pcap", 1, 21, 1, 1, 0,
	  "AYIYA 192.168.3.101>216.14.98.22", SAME, 0, "" },
	{ "arkime__gre-erspan-vxlan.pcap", 1, 7, 1, 1, 0,
	  "ERSPAN 100.20.9.2>100.20.9.1 session 20; VXLAN 172.16.27.131>172.16.27.121 vni 0",
	  SAME, 0, "" },
	{ "zeek__pbb.pcap", 1, 8, 1, 0, 0, "", SAME, 0, "" },
	{ "zeek__cisco-fabric-path.pcap", 1, 32, 16, 0, 0, "", SAME, 0, "" },
	/* Frame 2 of the 6to4 connection comes through another relay
	 * (outer 139.18.25.33): one change. */
	{ "pcapplusplus__Ftp.pcap", 1, 10, 4, 1, 1,
	  "IP-in-IP 81.131.67.131>192.88.99.1", SAME, 0, "" },
};

enum { CORPUS_CASES = sizeof corpus_cases / sizeof corpus_cases[0] };

/* The first row of sql, its trailing newline removed (malloc'd). */
static char *query_line(const char *db, const char *sql)
{
	char *text = tu_query(db, sql);
	char *nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	return text;
}

static void assert_query_str(const char *db, const char *sql, const char *want,
                             const char *file)
{
	char *got = query_line(db, sql);
	ck_assert_msg(strcmp(got, want) == 0, "%s: %s gave '%s', want '%s'", file, sql, got,
	              want);
	free(got);
}

static void assert_query_int(const char *db, const char *sql, long long want,
                             const char *file)
{
	long long got = tu_query_int(db, sql);
	ck_assert_msg(got == want, "%s: %s gave %lld, want %lld", file, sql, got, want);
}

START_TEST(corpus_file_decodes)
{
	const struct corpus_case *c = &corpus_cases[_i];
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	int rc = tu_sh(BIN " ingest -q -d %s '" TUNNELS "/%s' 2>/dev/null", db, c->file);
	ck_assert_msg(rc == 0, "%s: ingest exited %d", c->file, rc);

	assert_query_int(db, "SELECT count(*) FROM captures WHERE status = 'ok'", 1, c->file);
	assert_query_int(db, "SELECT linktype FROM captures", c->linktype, c->file);
	assert_query_int(db, "SELECT count(*) FROM segments", c->segments, c->file);
	assert_query_int(db, "SELECT tcp_packets FROM captures", c->segments, c->file);
	assert_query_int(db, "SELECT count(*) FROM flows", c->flows, c->file);
	assert_query_int(db, "SELECT count(*) FROM flows WHERE tunnel IS NOT NULL",
	                 c->tunnelled, c->file);
	assert_query_int(db, "SELECT coalesce(sum(tunnel_changes), 0) FROM flows", c->changes, c->file);
	assert_query_str(db, "SELECT coalesce((SELECT tunnel FROM flows WHERE tunnel IS NOT NULL"
	                     " ORDER BY id LIMIT 1), '')", c->tunnel, c->file);
	assert_query_str(db, "SELECT coalesce(tunnel, '') FROM flows ORDER BY id LIMIT 1",
	                 c->first ? c->first : c->tunnel, c->file);
	assert_query_int(db, "SELECT undecoded_packets FROM captures", c->undecoded, c->file);
	char *rows = tu_query(db, "SELECT encapsulation, packets, first_frame"
	                          " FROM capture_undecoded ORDER BY encapsulation");
	ck_assert_msg(strcmp(rows, c->undecoded_rows) == 0, "%s: capture_undecoded '%s'",
	              c->file, rows);
	free(rows);
	/* Every packet is counted once, by why it is or is not a segment. */
	assert_query_int(db, "SELECT packets - tcp_packets - not_ip_packets - not_tcp_packets"
	                     " - undecoded_packets - fragment_packets - bad_packets"
	                     " FROM captures", 0, c->file);
	tu_sh("rm -rf '%s'", dir);
}
END_TEST

/* The one file with undecoded packets says so on stderr without -v. */
START_TEST(corpus_vj_compression_named_on_stderr)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s/t.db " TUNNELS
	                       "/packetlife__PPP_TCP_compression.cap 2> %s/err", dir, dir), 0);
	ck_assert_int_eq(tu_sh("grep -qF 'packetlife__PPP_TCP_compression.cap: 33 packets in an"
	                       " encapsulation tcpladder does not decode, first frame 4: PPP"
	                       " protocol 0x002d (Van Jacobson compressed TCP)' %s/err", dir), 0);
	/* It has TCP: no "no TCP" line. */
	ck_assert_int_ne(tu_sh("grep -q 'no TCP in' %s/err", dir), 0);
	tu_sh("rm -rf '%s'", dir);
}
END_TEST

/* ---- frame builder ----------------------------------------------------------- */

/* A frame, and the length fields seal() fills once everything inside them
 * is built (each counts to the frame's end). */
enum { FIX_IP4 = 1, FIX_IP6, FIX_UDP, FIX_GTP, FIX_8023 };

struct frame {
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

static const uint8_t MAC_DST[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t MAC_SRC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
/* A pseudowire's inner MAC must not start with the nibble 0 (a control
 * word) or 4/6 (IP): QEMU's 52:54:00 prefix. */
static const uint8_t MAC_PW[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t O4_SRC[4] = { 192, 0, 2, 1 };
static const uint8_t O4_DST[4] = { 198, 51, 100, 7 };
static const uint8_t IN4_SRC[4] = { 10, 0, 0, 1 };
static const uint8_t IN4_DST[4] = { 10, 0, 0, 2 };
static const uint8_t O6_SRC[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t O6_DST[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 0x02 };
static const uint8_t IN6_SRC[16] = { 0xfd, 0x00, [15] = 0x01 };
static const uint8_t IN6_DST[16] = { 0xfd, 0x00, [15] = 0x02 };

enum {
	SPORT = 40000,
	DPORT = 80,
	SEQ = 0x01020304,
	ACK = 0xa0b0c0d0,
	PAYLOAD = 10,
	TCPH = 20,
};

static void put8(struct frame *f, uint8_t v)
{
	ck_assert_uint_lt(f->n, sizeof f->b);
	f->b[f->n++] = v;
}

static void put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void putn(struct frame *f, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, s[i]);
}

static void fill(struct frame *f, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, v);
}

static void mark(struct frame *f, uint8_t what)
{
	ck_assert_uint_lt(f->nfix, sizeof f->fix / sizeof f->fix[0]);
	f->fix[f->nfix].off = f->n;
	f->fix[f->nfix].what = what;
	f->nfix++;
}

static void set16(struct frame *f, size_t off, size_t v)
{
	ck_assert_uint_le(off + 2, f->n);
	ck_assert_uint_le(v, 0xffff);
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

static void seal(struct frame *f)
{
	size_t end = f->n - f->trailer;
	for (unsigned i = 0; i < f->nfix; i++) {
		size_t off = f->fix[i].off;
		switch (f->fix[i].what) {
		case FIX_IP4: set16(f, off + 2, end - off); break;
		case FIX_IP6: set16(f, off + 4, end - off - 40); break;
		case FIX_UDP: set16(f, off + 4, end - off); break;
		case FIX_GTP: set16(f, off + 2, end - off - 8); break;
		case FIX_8023: set16(f, off, end - off - 2); break;
		}
	}
}

static void eth_to(struct frame *f, const uint8_t dst[6], uint16_t type)
{
	putn(f, dst, 6);
	putn(f, MAC_SRC, 6);
	put16(f, type);
}

static void eth(struct frame *f, uint16_t type)
{
	eth_to(f, MAC_DST, type);
}

static void ip4(struct frame *f, uint8_t proto, const uint8_t src[4], const uint8_t dst[4])
{
	mark(f, FIX_IP4);
	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0);      /* total length: seal() */
	put16(f, 0x1234); /* id */
	put16(f, 0x4000); /* DF */
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);      /* checksum: not checked */
	putn(f, src, 4);
	putn(f, dst, 4);
}

static void ip6(struct frame *f, uint8_t nh, const uint8_t src[16], const uint8_t dst[16])
{
	mark(f, FIX_IP6);
	put32(f, 0x60000000);
	put16(f, 0);      /* payload length: seal() */
	put8(f, nh);
	put8(f, 64);
	putn(f, src, 16);
	putn(f, dst, 16);
}

static void udp(struct frame *f, uint16_t sport, uint16_t dport)
{
	mark(f, FIX_UDP);
	put16(f, sport);
	put16(f, dport);
	put16(f, 0);      /* length: seal() */
	put16(f, 0);      /* checksum: none */
}

static void tcp_hdr(struct frame *f, uint16_t sport, uint16_t dport, uint32_t seq,
                    uint32_t ack, uint8_t flags, size_t payload)
{
	f->tcp_off = f->n;
	put16(f, sport);
	put16(f, dport);
	put32(f, seq);
	put32(f, ack);
	put8(f, 5 << 4);
	put8(f, flags);
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
	fill(f, 'x', payload);
}

static void tcp_seg(struct frame *f)
{
	tcp_hdr(f, SPORT, DPORT, SEQ, ACK, TCP_ACK | TCP_PSH, PAYLOAD);
}

/* The inner packets: IPv4 or IPv6 with a TCP segment, alone or in an
 * Ethernet frame. */
static void in4(struct frame *f)
{
	ip4(f, 6, IN4_SRC, IN4_DST);
	tcp_seg(f);
}

static void in6(struct frame *f)
{
	ip6(f, 6, IN6_SRC, IN6_DST);
	tcp_seg(f);
}

static void eth_in4(struct frame *f)
{
	eth(f, 0x0800);
	in4(f);
}

/* Decode f (sealed first) from a buffer of exactly its length, so that
 * ASan sees any read past it. */
static enum decode_status decode(int dlt, struct frame *f, struct tcp_segment *s,
                                 struct decode_info *info)
{
	seal(f);
	uint8_t *copy = malloc(f->n);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, f->b, f->n);
	memset(info, 0, sizeof *info);
	enum decode_status st = decode_packet(dlt, copy, (uint32_t)f->n, (uint32_t)f->n, s,
	                                      info);
	free(copy);
	return st;
}

#define ck_assert_status(got, want)                                               \
	do {                                                                      \
		enum decode_status got_ = (got), want_ = (want);                  \
		ck_assert_msg(got_ == want_, "status \"%s\" (%d), want \"%s\"",   \
		              decode_status_name(got_), (int)got_,                \
		              decode_status_name(want_));                         \
	} while (0)

/* The segment tcp_seg() built, inside an IPv4 or IPv6 header of in4() or
 * in6(). */
static void assert_inner(const struct tcp_segment *s, int ver)
{
	ck_assert_uint_eq(s->ip_version, ver);
	if (ver == 4) {
		ck_assert_mem_eq(s->src_addr, IN4_SRC, 4);
		ck_assert_mem_eq(s->dst_addr, IN4_DST, 4);
	} else {
		ck_assert_mem_eq(s->src_addr, IN6_SRC, 16);
		ck_assert_mem_eq(s->dst_addr, IN6_DST, 16);
	}
	ck_assert_uint_eq(s->src_port, SPORT);
	ck_assert_uint_eq(s->dst_port, DPORT);
	ck_assert_uint_eq(s->seq, SEQ);
	ck_assert_uint_eq(s->ack, ACK);
	ck_assert_uint_eq(s->flags, TCP_ACK | TCP_PSH);
	ck_assert_uint_eq(s->header_len, TCPH);
	ck_assert_uint_eq(s->payload_len, PAYLOAD);
	ck_assert_uint_eq(s->payload_captured, PAYLOAD);
	ck_assert(!s->ip_len_from_frame);
}

/* Tunnel i of the path: its kind, outer addresses and id. */
static void assert_tunnel(const struct decode_info *info, unsigned i, enum tunnel_kind kind,
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

static void assert_path(const struct decode_info *info, const char *want)
{
	char text[1024];
	int need = decode_tunnel_path_text(info->tunnel, info->tunnels, text, sizeof text);
	ck_assert_str_eq(text, want);
	ck_assert_int_eq(need, (int)strlen(want));
}

/* ---- the crafted frames ------------------------------------------------------- */

/* Each builder writes its frame and returns the link type. */

/* ERSPAN type III (GRE 0x22eb, sequence number): version 2, VLAN 0;
 * COS/BSO/T 0 and session 0x123; timestamp; SGT; P, frame type (0
 * Ethernet, 2 IP) and hardware id; D, granularity and O (the 8-byte
 * platform sub-header follows). */
static void erspan3(struct frame *f, bool platform, bool ip)
{
	eth(f, 0x0800);
	ip4(f, 47, O4_SRC, O4_DST);
	put16(f, 0x1000); /* S */
	put16(f, 0x22eb);
	put32(f, 7);      /* sequence number */
	put16(f, 0x2000); /* version 2 */
	put16(f, 0x0123); /* session 291 */
	put32(f, 0x01020304);
	put16(f, 0);      /* SGT */
	put8(f, ip ? 2 << 2 : 0);
	put8(f, platform ? 0x01 : 0x00);
	if (platform) {
		put32(f, 0x0c000000); /* platform id 3, ... */
		put32(f, 0x55667788);
	}
	if (ip)
		in4(f);
	else
		eth_in4(f);
}

static int b_erspan3(struct frame *f)
{
	erspan3(f, false, false);
	return DLT_EN10MB;
}

static int b_erspan3_platform(struct frame *f)
{
	erspan3(f, true, false);
	return DLT_EN10MB;
}

static int b_erspan3_ip(struct frame *f)
{
	erspan3(f, true, true);
	return DLT_EN10MB;
}

/* ERSPAN type I: GRE 0x88be without a sequence number, no header of its
 * own: the mirrored Ethernet frame at once. */
static int b_erspan1(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 47, O4_SRC, O4_DST);
	put16(f, 0);
	put16(f, 0x88be);
	eth_in4(f);
	return DLT_EN10MB;
}

/* VXLAN-GPE (UDP 4790): flags I and P, next protocol 1 (IPv4), VNI. */
static int b_vxlan_gpe(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 17, O4_SRC, O4_DST);
	udp(f, 50000, 4790);
	put8(f, 0x0c);
	put8(f, 0);
	put8(f, 0);
	put8(f, 1);
	put32(f, 0xabcdefu << 8);
	in4(f);
	return DLT_EN10MB;
}

/* Teredo (UDP 3544): RFC 4380 5.1.1's authentication indication (type 1,
 * id and value lengths, client id, value, nonce, confirmation) and origin
 * indication (type 0, obfuscated port and address), before the IPv6
 * packet. */
static void teredo(struct frame *f, bool auth, bool origin)
{
	eth(f, 0x0800);
	ip4(f, 17, O4_SRC, O4_DST);
	udp(f, 3544, 50000);
	if (auth) {
		put16(f, 0x0001);
		put8(f, 4);            /* client id length */
		put8(f, 8);            /* authentication value length */
		put32(f, 0x11111111);  /* client id */
		fill(f, 0xaa, 8);      /* value */
		fill(f, 0x5a, 8);      /* nonce */
		put8(f, 0);            /* confirmation */
	}
	if (origin) {
		put16(f, 0x0000);
		put16(f, (uint16_t)~3544);
		put32(f, ~0xc0000201u);
	}
	in6(f);
}

static int b_teredo_origin(struct frame *f)
{
	teredo(f, false, true);
	return DLT_EN10MB;
}

static int b_teredo_auth(struct frame *f)
{
	teredo(f, true, false);
	return DLT_EN10MB;
}

static int b_teredo_auth_origin(struct frame *f)
{
	teredo(f, true, true);
	return DLT_EN10MB;
}

/* IPv6 in IPv4 (protocol 41) and IPv4 in IPv6 (next header 4). */
static int b_6in4(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 41, O4_SRC, O4_DST);
	in6(f);
	return DLT_EN10MB;
}

static int b_4in6(struct frame *f)
{
	eth(f, 0x86dd);
	ip6(f, 4, O6_SRC, O6_DST);
	in4(f);
	return DLT_EN10MB;
}

/* EtherIP (IP protocol 97): version 3, 12 reserved bits, a frame. */
static int b_etherip(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 97, O4_SRC, O4_DST);
	put16(f, 0x3000);
	eth_in4(f);
	return DLT_EN10MB;
}

/* MPLS in IP (protocol 137): label 1000, bottom of stack, TTL 64. */
static int b_mpls_in_ip(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 137, O4_SRC, O4_DST);
	put32(f, 1000 << 12 | 0x100 | 64);
	in4(f);
	return DLT_EN10MB;
}

/* IPv4's AH before TCP: next header 6, length 4 (24 bytes: 12 fixed, a
 * 12-byte ICV). */
static int b_ah(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 51, IN4_SRC, IN4_DST);
	put8(f, 6);
	put8(f, 4);
	put16(f, 0);
	put32(f, 0x1000); /* SPI */
	put32(f, 1);      /* sequence number */
	fill(f, 0xcc, 12);
	tcp_seg(f);
	return DLT_EN10MB;
}

/* DLT_IEEE802_11 (105), no radiotap: a QoS data frame (type 2, subtype 8)
 * from DS to DS (a fourth address) with Order set (HT control, 4 bytes):
 * a 36-byte header, then LLC/SNAP. */
static void wlan_qos(struct frame *f, bool protected)
{
	put8(f, 0x88);
	put8(f, 0x83 | (protected ? 0x40 : 0));
	put16(f, 0);               /* duration */
	putn(f, MAC_DST, 6);       /* addr1 */
	putn(f, MAC_SRC, 6);       /* addr2 */
	putn(f, MAC_DST, 6);       /* addr3 */
	put16(f, 0x0010);          /* sequence control */
	putn(f, MAC_SRC, 6);       /* addr4 */
	put16(f, 0x0005);          /* QoS control: TID 5 */
	put32(f, 0x0000000f);      /* HT control */
	if (protected) {
		put32(f, 0x01000020); /* CCMP header ... */
		put32(f, 0);
		fill(f, 0xe5, 64);    /* ... and ciphertext */
		return;
	}
	putn(f, (const uint8_t[]){ 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 }, 8);
	in4(f);
}

static int b_80211_qos(struct frame *f)
{
	wlan_qos(f, false);
	return DLT_IEEE802_11;
}

static int b_80211_protected(struct frame *f)
{
	wlan_qos(f, true);
	return DLT_IEEE802_11;
}

/* DLT_IPOIB: RFC 4391's 4 bytes, an EtherType and 2 reserved. */
static int b_ipoib(struct frame *f)
{
	put16(f, 0x0800);
	put16(f, 0);
	in4(f);
	return DLT_IPOIB;
}

/* DLT_PPP_SERIAL with Cisco HDLC's framing (address 0x0f, control 0, an
 * EtherType) and with RFC 1662's (0xff 0x03, protocol 0x0021). */
static int b_ppp_serial_chdlc(struct frame *f)
{
	put8(f, 0x0f);
	put8(f, 0x00);
	put16(f, 0x0800);
	in4(f);
	return DLT_PPP_SERIAL;
}

static int b_ppp_serial_ff03(struct frame *f)
{
	put8(f, 0xff);
	put8(f, 0x03);
	put16(f, 0x0021);
	in4(f);
	return DLT_PPP_SERIAL;
}

/* DLT_PPP with address/control and protocol field compression: the
 * protocol as one odd byte (0x21 IPv4), and 0xff 0x03 then 0x57 (IPv6). */
static int b_ppp_1byte(struct frame *f)
{
	put8(f, 0x21);
	in4(f);
	return DLT_PPP;
}

static int b_ppp_ff03_1byte_v6(struct frame *f)
{
	put8(f, 0xff);
	put8(f, 0x03);
	put8(f, 0x57);
	in6(f);
	return DLT_PPP;
}

/* GTP-U (UDP 2152): flags version 1, PT, E; G-PDU; TEID; sequence, N-PDU,
 * next extension 0x85 (PDU session container, 1 word) naming 0x40 (2
 * words) naming none. */
static int b_gtp_ext(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 17, O4_SRC, O4_DST);
	udp(f, 2152, 2152);
	mark(f, FIX_GTP);
	put8(f, 0x34);
	put8(f, 0xff);
	put16(f, 0);            /* length: seal() */
	put32(f, 0x11223344);   /* TEID */
	put16(f, 0);            /* sequence */
	put8(f, 0);             /* N-PDU */
	put8(f, 0x85);
	put8(f, 1);
	put16(f, 0x0009);       /* QFI 9 */
	put8(f, 0x40);
	put8(f, 2);
	fill(f, 0, 6);
	put8(f, 0);
	in4(f);
	return DLT_EN10MB;
}

/* GTP-U echo request (message type 1, S set): no user packet. */
static int b_gtp_echo(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 17, O4_SRC, O4_DST);
	udp(f, 2152, 2152);
	mark(f, FIX_GTP);
	put8(f, 0x32);
	put8(f, 1);
	put16(f, 0);
	put32(f, 0);
	put16(f, 1);
	put8(f, 0);
	put8(f, 0);
	return DLT_EN10MB;
}

/* L2TPv2 control message (T, L, S; SCCRQ's message type AVP). */
static int b_l2tp_control(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 17, O4_SRC, O4_DST);
	udp(f, 1701, 1701);
	put16(f, 0xc802);
	put16(f, 20);     /* length */
	put16(f, 0);      /* tunnel id */
	put16(f, 0);      /* session id */
	put16(f, 0);      /* Ns */
	put16(f, 0);      /* Nr */
	put16(f, 0x8008); /* AVP: mandatory, length 8 */
	put16(f, 0);      /* IETF */
	put16(f, 0);      /* message type */
	put16(f, 1);      /* SCCRQ */
	return DLT_EN10MB;
}

/* MPLS (label 16, bottom) carrying an Ethernet pseudowire, without and
 * with RFC 4448's control word. */
static int b_mpls_pw_nocw(struct frame *f)
{
	eth(f, 0x8847);
	put32(f, 16 << 12 | 0x100 | 255);
	eth_to(f, MAC_PW, 0x0800);
	in4(f);
	return DLT_EN10MB;
}

static int b_mpls_pw_cw(struct frame *f)
{
	eth(f, 0x8847);
	put32(f, 16 << 12 | 0x100 | 255);
	put32(f, 0x00000001); /* control word: sequence 1 */
	eth_to(f, MAC_DST, 0x0800);
	in4(f);
	return DLT_EN10MB;
}

/* IEEE 802.3 with a length, LLC with IP's own SAP 0x06 (UI frame). */
static int b_llc_sap06(struct frame *f)
{
	putn(f, MAC_DST, 6);
	putn(f, MAC_SRC, 6);
	mark(f, FIX_8023);
	put16(f, 0);
	put8(f, 0x06);
	put8(f, 0x06);
	put8(f, 0x03);
	in4(f);
	return DLT_EN10MB;
}

/* GRE with checksum, key and sequence number (RFC 2890). */
static int b_gre_cks_key_seq(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 47, O4_SRC, O4_DST);
	put16(f, 0xb000);
	put16(f, 0x0800);
	put16(f, 0xbeef); /* checksum: not checked */
	put16(f, 0);
	put32(f, 0xdeadbeef);
	put32(f, 5);
	in4(f);
	return DLT_EN10MB;
}

/* PPTP's GRE (version 1, K and S): payload length, call id 0x1234,
 * sequence; then PPP in HDLC framing. */
static int b_pptp(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 47, O4_SRC, O4_DST);
	put16(f, 0x3001);
	put16(f, 0x880b);
	put16(f, 4 + 20 + TCPH + PAYLOAD);
	put16(f, 0x1234);
	put32(f, 1);
	put8(f, 0xff);
	put8(f, 0x03);
	put16(f, 0x0021);
	in4(f);
	return DLT_EN10MB;
}

/* L2TPv2 data (L, S, O set): length, tunnel 5, session 9, Ns, Nr, an
 * offset of 2 padding bytes; then PPP. */
static int b_l2tp_data_offset(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 17, O4_SRC, O4_DST);
	udp(f, 1701, 1701);
	put16(f, 0x4a02);
	put16(f, 16 + 4 + 20 + TCPH + PAYLOAD);
	put16(f, 5);
	put16(f, 9);
	put16(f, 1);
	put16(f, 2);
	put16(f, 2);      /* offset size */
	put16(f, 0);      /* offset pad */
	put8(f, 0xff);
	put8(f, 0x03);
	put16(f, 0x0021);
	in4(f);
	return DLT_EN10MB;
}

/* CAPWAP data (UDP 5247), no DTLS: HLEN 2 words, WBID 1, T clear (the
 * frame is 802.3, not the binding's native 802.11). */
static int b_capwap_8023(struct frame *f)
{
	eth(f, 0x0800);
	ip4(f, 17, O4_SRC, O4_DST);
	udp(f, 12345, 5247);
	put8(f, 0);
	put8(f, 2 << 3);
	put8(f, 1 << 1);
	put8(f, 0);
	put32(f, 0);
	eth_in4(f);
	return DLT_EN10MB;
}

/* DLT_PPP_ETHER: a PPPoE session header without Ethernet, then PPP's
 * protocol. */
static int b_ppp_ether(struct frame *f)
{
	put8(f, 0x11);
	put8(f, 0);
	put16(f, 0x0042);
	put16(f, 2 + 20 + TCPH + PAYLOAD);
	put16(f, 0x0021);
	in4(f);
	return DLT_PPP_ETHER;
}

/* Radiotap (127) with an extended presence bitmap, TSFT (8-aligned) and
 * Flags saying the 802.11 frame ends in its FCS; a plain data frame
 * (24-byte header) then LLC/SNAP; the FCS after the datagram. */
static int b_radiotap_fcs(struct frame *f)
{
	put8(f, 0);
	put8(f, 0);
	put8(f, 25);       /* length, little-endian */
	put8(f, 0);
	put32(f, 0x03000080); /* present: TSFT, Flags, ext (little-endian) */
	put32(f, 0);          /* second presence word */
	put32(f, 0);          /* padding to 8 */
	fill(f, 0x77, 8);     /* TSFT */
	put8(f, 0x10);        /* Flags: FCS at end */
	put8(f, 0x08);
	put8(f, 0x01);        /* to DS */
	put16(f, 0);
	putn(f, MAC_DST, 6);
	putn(f, MAC_SRC, 6);
	putn(f, MAC_DST, 6);
	put16(f, 0);
	putn(f, (const uint8_t[]){ 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 }, 8);
	in4(f);
	put32(f, 0xfc5fc5fc); /* FCS */
	f->trailer = 4;
	return DLT_IEEE802_11_RADIO;
}

/* VXLAN over IPv6. */
static int b_vxlan_v6(struct frame *f)
{
	eth(f, 0x86dd);
	ip6(f, 17, O6_SRC, O6_DST);
	udp(f, 50000, 4789);
	put32(f, 0x08000000);
	put32(f, 4096u << 8);
	eth_in4(f);
	return DLT_EN10MB;
}

static struct decode_info info;
static struct tcp_segment seg;

START_TEST(erspan_type3)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_erspan3(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_ERSPAN, 4, O4_SRC, O4_DST, true, 291);
	assert_path(&info, "ERSPAN 192.0.2.1>198.51.100.7 session 291");
}
END_TEST

START_TEST(erspan_type3_platform_subheader)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_erspan3_platform(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_ERSPAN, 4, O4_SRC, O4_DST, true, 291);
	assert_path(&info, "ERSPAN 192.0.2.1>198.51.100.7 session 291");
	/* Frame type 2: the mirrored packet is IP, no Ethernet header. */
	struct frame g = { 0 };
	ck_assert_status(decode(b_erspan3_ip(&g), &g, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	assert_path(&info, "ERSPAN 192.0.2.1>198.51.100.7 session 291");
}
END_TEST

START_TEST(erspan_type1)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_erspan1(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_ERSPAN, 4, O4_SRC, O4_DST, false, 0);
	assert_path(&info, "ERSPAN 192.0.2.1>198.51.100.7");
}
END_TEST

START_TEST(vxlan_gpe_ipv4)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_vxlan_gpe(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_VXLAN_GPE, 4, O4_SRC, O4_DST, true, 0xabcdef);
	assert_path(&info, "VXLAN-GPE 192.0.2.1>198.51.100.7 vni 11259375");
	/* Next protocol 4 (NSH): named by its port, not decoded. */
	f.b[14 + 20 + 8 + 3] = 4;
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_UDP_PORT);
	ck_assert_uint_eq(info.undecoded_value, 4790);
	char name[64];
	decode_encap_text(info.undecoded, info.undecoded_value, name, sizeof name);
	ck_assert_str_eq(name, "UDP port 4790 (VXLAN-GPE)");
}
END_TEST

START_TEST(teredo_origin_indication)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_teredo_origin(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 6);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_TEREDO, 4, O4_SRC, O4_DST, false, 0);
	assert_path(&info, "Teredo 192.0.2.1>198.51.100.7");
}
END_TEST

START_TEST(teredo_authentication_indication)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_teredo_auth(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 6);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_TEREDO, 4, O4_SRC, O4_DST, false, 0);
	assert_path(&info, "Teredo 192.0.2.1>198.51.100.7");
	struct frame g = { 0 };
	ck_assert_status(decode(b_teredo_auth_origin(&g), &g, &seg, &info), DECODE_OK);
	assert_inner(&seg, 6);
	assert_path(&info, "Teredo 192.0.2.1>198.51.100.7");
}
END_TEST

START_TEST(ipv6_in_ipv4_and_ipv4_in_ipv6)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_6in4(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 6);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_IPIP, 4, O4_SRC, O4_DST, false, 0);
	assert_path(&info, "IP-in-IP 192.0.2.1>198.51.100.7");

	struct frame g = { 0 };
	ck_assert_status(decode(b_4in6(&g), &g, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_IPIP, 6, O6_SRC, O6_DST, false, 0);
	assert_path(&info, "IP-in-IP 2001:db8::1>2001:db8::ab02");
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
	struct frame f = { 0 };
	ck_assert_status(decode(b_etherip(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_ETHERIP, 4, O4_SRC, O4_DST, false, 0);
	assert_path(&info, "EtherIP 192.0.2.1>198.51.100.7");
}
END_TEST

START_TEST(mpls_in_ip)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_mpls_in_ip(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_MPLS_IP, 4, O4_SRC, O4_DST, false, 0);
	assert_path(&info, "MPLS-in-IP 192.0.2.1>198.51.100.7");
}
END_TEST

START_TEST(ipv4_ah_before_tcp)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_ah(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4); /* payload 10: AH's 24 bytes not counted */
	ck_assert_uint_eq(info.tunnels, 0);
	assert_path(&info, "");
	/* AH's length past the datagram. */
	f.b[14 + 20 + 1] = 200;
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_TRUNCATED_IP);
}
END_TEST

START_TEST(ieee80211_qos_addr4_htc)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_80211_qos(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
	/* Without Order, no HT control: the same bytes misread. */
	f.b[1] &= (uint8_t)~0x80;
	ck_assert_int_ne(decode(DLT_IEEE802_11, &f, &seg, &info), DECODE_OK);
	/* A null data frame (subtype 12): nothing to decode. */
	f.b[1] |= 0x80;
	f.b[0] = 0xc8;
	ck_assert_status(decode(DLT_IEEE802_11, &f, &seg, &info), DECODE_NOT_IP);
}
END_TEST

START_TEST(ieee80211_protected_undecoded)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_80211_protected(&f), &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_80211_PROTECTED);
	char name[64];
	decode_encap_text(info.undecoded, info.undecoded_value, name, sizeof name);
	ck_assert_str_eq(name, "802.11 protected frame");
	ck_assert(!decode_status_is_error(DECODE_UNDECODED));
}
END_TEST

START_TEST(ipoib)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_ipoib(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
	ck_assert(decode_link_supported(DLT_IPOIB));
}
END_TEST

START_TEST(ppp_serial_chdlc_and_ff03)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_ppp_serial_chdlc(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
	struct frame g = { 0 };
	ck_assert_status(decode(b_ppp_serial_ff03(&g), &g, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
	/* LCP (0xc021) on the same link: not IP. */
	g.b[2] = 0xc0;
	ck_assert_status(decode(DLT_PPP_SERIAL, &g, &seg, &info), DECODE_NOT_IP);
}
END_TEST

START_TEST(ppp_compressed_protocol_field)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_ppp_1byte(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	struct frame g = { 0 };
	ck_assert_status(decode(b_ppp_ff03_1byte_v6(&g), &g, &seg, &info), DECODE_OK);
	assert_inner(&seg, 6);
	ck_assert_uint_eq(info.tunnels, 0);
}
END_TEST

START_TEST(gtp_u_extension_chain)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_gtp_ext(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_GTP_U, 4, O4_SRC, O4_DST, true, 0x11223344);
	assert_path(&info, "GTP-U 192.0.2.1>198.51.100.7 teid 0x11223344");
	/* The second extension's length 0: no chain can be walked. */
	size_t ext2 = 14 + 20 + 8 + 12 + 4;
	ck_assert_uint_eq(f.b[ext2], 2);
	f.b[ext2] = 0;
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_BAD_TUNNEL);
	/* Its length past the datagram. */
	f.b[ext2] = 200;
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_TRUNCATED_TUNNEL);
}
END_TEST

/* 17 extension headers, each naming another: past the bound. */
START_TEST(gtp_u_extension_chain_too_long)
{
	struct frame f = { 0 };
	eth(&f, 0x0800);
	ip4(&f, 17, O4_SRC, O4_DST);
	udp(&f, 2152, 2152);
	mark(&f, FIX_GTP);
	put8(&f, 0x34);
	put8(&f, 0xff);
	put16(&f, 0);
	put32(&f, 1);
	put16(&f, 0);
	put8(&f, 0);
	put8(&f, 0x85);
	for (int i = 0; i < 17; i++)
		put32(&f, 0x01000085);
	in4(&f);
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_BAD_TUNNEL);
}
END_TEST

START_TEST(gtp_u_echo_not_tcp)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_gtp_echo(&f), &f, &seg, &info), DECODE_NOT_TCP);
	ck_assert_uint_eq(info.tunnels, 0);
	/* GTP' (protocol type 0): named, not decoded. */
	f.b[14 + 20 + 8] = 0x22;
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_GTP_VERSION);
}
END_TEST

START_TEST(l2tp_control_not_tcp)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_l2tp_control(&f), &f, &seg, &info), DECODE_NOT_TCP);
	ck_assert_uint_eq(info.tunnels, 0);
	/* L2TPv3 over UDP (version 3): named, not decoded. */
	f.b[14 + 20 + 8 + 1] = 0x03;
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_L2TP_VERSION);
	ck_assert_uint_eq(info.undecoded_value, 3);
}
END_TEST

START_TEST(mpls_pseudowire_without_control_word)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_mpls_pw_nocw(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
	struct frame g = { 0 };
	ck_assert_status(decode(b_mpls_pw_cw(&g), &g, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
}
END_TEST

START_TEST(llc_sap_06)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_llc_sap06(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	/* Another SAP (NetBIOS, 0xf0): not IP. */
	f.b[14] = f.b[15] = 0xf0;
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_NOT_IP);
}
END_TEST

START_TEST(gre_checksum_key_sequence_and_pptp)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_gre_cks_key_seq(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	assert_tunnel(&info, 0, TUNNEL_GRE, 4, O4_SRC, O4_DST, true, 0xdeadbeef);
	assert_path(&info, "GRE 192.0.2.1>198.51.100.7 key 3735928559");
	struct frame g = { 0 };
	ck_assert_status(decode(b_pptp(&g), &g, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	assert_tunnel(&info, 0, TUNNEL_GRE, 4, O4_SRC, O4_DST, true, 0x1234);
	assert_path(&info, "GRE 192.0.2.1>198.51.100.7 key 4660");
	/* GRE carrying what tcpladder does not open: named. */
	set16(&f, 14 + 20 + 2, 0x88b5);
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_GRE_PROTO);
	ck_assert_uint_eq(info.undecoded_value, 0x88b5);
}
END_TEST

START_TEST(l2tp_data_with_offset)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_l2tp_data_offset(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_L2TP, 4, O4_SRC, O4_DST, true, 5);
	ck_assert_uint_eq(info.tunnel[0].id2, 9);
	assert_path(&info, "L2TP 192.0.2.1>198.51.100.7 tunnel 5 session 9");
}
END_TEST

START_TEST(capwap_8023_and_keepalive)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_capwap_8023(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_CAPWAP, 4, O4_SRC, O4_DST, false, 0);
	assert_path(&info, "CAPWAP 192.0.2.1>198.51.100.7");
	/* K: a keep-alive. */
	f.b[14 + 20 + 8 + 3] = 0x08;
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_NOT_TCP);
	/* A DTLS preamble: named, not decoded. */
	f.b[14 + 20 + 8 + 3] = 0;
	f.b[14 + 20 + 8] = 0x01;
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_UNDECODED);
	ck_assert_uint_eq(info.undecoded, ENCAP_UDP_PORT);
	ck_assert_uint_eq(info.undecoded_value, 5247);
}
END_TEST

START_TEST(ppp_ether)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_ppp_ether(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 0);
}
END_TEST

START_TEST(radiotap_fcs_extended_presence)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_radiotap_fcs(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	/* IP total length 0 (TSO): the payload is what the frame holds,
	 * the FCS not counted. */
	size_t ip = 25 + 24 + 8;
	f.nfix = 0;
	f.b[ip + 2] = f.b[ip + 3] = 0;
	ck_assert_status(decode(DLT_IEEE802_11_RADIO, &f, &seg, &info), DECODE_OK);
	ck_assert(seg.ip_len_from_frame);
	ck_assert_uint_eq(seg.payload_len, PAYLOAD);
	ck_assert_uint_eq(seg.payload_captured, PAYLOAD);
}
END_TEST

START_TEST(vxlan_over_ipv6)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_vxlan_v6(&f), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 1);
	assert_tunnel(&info, 0, TUNNEL_VXLAN, 6, O6_SRC, O6_DST, true, 4096);
	assert_path(&info, "VXLAN 2001:db8::1>2001:db8::ab02 vni 4096");
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

/* depth IPv4 headers of protocol 4 around the segment's. */
static int b_ipip_nest(struct frame *f, int depth)
{
	eth(f, 0x0800);
	for (int i = 0; i < depth; i++)
		ip4(f, 4, (const uint8_t[]){ 10, 1, (uint8_t)i, 1 },
		    (const uint8_t[]){ 10, 1, (uint8_t)i, 2 });
	in4(f);
	return DLT_EN10MB;
}

/* depth IPv4+GRE (key i + 1) around the segment's. */
static int b_gre_chain(struct frame *f, int depth)
{
	eth(f, 0x0800);
	for (int i = 0; i < depth; i++) {
		ip4(f, 47, (const uint8_t[]){ 10, 2, (uint8_t)i, 1 },
		    (const uint8_t[]){ 10, 2, (uint8_t)i, 2 });
		put16(f, 0x2000);
		put16(f, 0x0800);
		put32(f, (uint32_t)i + 1);
	}
	in4(f);
	return DLT_EN10MB;
}

START_TEST(ipip_nesting_bound)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_ipip_nest(&f, 8), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, DECODE_MAX_TUNNELS);
	assert_tunnel(&info, 0, TUNNEL_IPIP, 4, (const uint8_t[]){ 10, 1, 0, 1 },
	              (const uint8_t[]){ 10, 1, 0, 2 }, false, 0);
	assert_tunnel(&info, 7, TUNNEL_IPIP, 4, (const uint8_t[]){ 10, 1, 7, 1 },
	              (const uint8_t[]){ 10, 1, 7, 2 }, false, 0);
	struct frame g = { 0 };
	ck_assert_status(decode(b_ipip_nest(&g, 9), &g, &seg, &info), DECODE_TOO_DEEP);
	ck_assert(decode_status_is_error(DECODE_TOO_DEEP));
}
END_TEST

START_TEST(gre_in_gre_chain)
{
	struct frame f = { 0 };
	ck_assert_status(decode(b_gre_chain(&f, 8), &f, &seg, &info), DECODE_OK);
	assert_inner(&seg, 4);
	ck_assert_uint_eq(info.tunnels, 8);
	assert_path(&info, "GRE 10.2.0.1>10.2.0.2 key 1; GRE 10.2.1.1>10.2.1.2 key 2; "
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
		struct frame g = { 0 };
		ck_assert_status(decode(b_gre_chain(&g, depth), &g, &seg, &info), DECODE_TOO_DEEP);
		ck_assert_uint_le(info.tunnels, DECODE_MAX_TUNNELS);
	}
}
END_TEST

/* Encapsulations that are no tunnel (Ethernet in Ethernet by 0x6558,
 * 802.1ah, FabricPath) nest without a tunnel to count: the layer bound
 * stops them. */
START_TEST(ethernet_in_ethernet_chain_bounded)
{
	static const uint16_t types[] = { 0x6558, 0x88e7, 0x8903 };
	for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
		for (int depth = 4; depth <= 64; depth *= 4) {
			struct frame f = { 0 };
			for (int i = 0; i < depth; i++) {
				eth(&f, types[t]);
				if (types[t] == 0x88e7)
					put32(&f, 0x00000100 + (uint32_t)i); /* I-TAG */
				else if (types[t] == 0x8903)
					put16(&f, 0x0140);                  /* FTag, TTL */
			}
			eth_in4(&f);
			enum decode_status st = decode(DLT_EN10MB, &f, &seg, &info);
			if (depth <= 16) {
				ck_assert_status(st, DECODE_OK);
				assert_inner(&seg, 4);
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
	struct frame f = { 0 };
	eth(&f, 0x0800);
	ip4(&f, 17, O4_SRC, O4_DST);
	udp(&f, 6081, 6081);
	put8(&f, 0x3f);       /* version 0, 63 words of options */
	put8(&f, 0);
	put16(&f, 0x6558);
	put32(&f, 7 << 8);
	fill(&f, 0, 16);
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_TRUNCATED_TUNNEL);
	ck_assert(decode_status_is_error(DECODE_TRUNCATED_TUNNEL));
	/* The same options length inside a frame long enough, but past the
	 * UDP length: still cut short. */
	struct frame g = { 0 };
	eth(&g, 0x0800);
	ip4(&g, 17, O4_SRC, O4_DST);
	udp(&g, 6081, 6081);
	put8(&g, 0x3f);
	put8(&g, 0);
	put16(&g, 0x6558);
	put32(&g, 7 << 8);
	seal(&g);
	fill(&g, 0, 300);    /* after the UDP length: padding */
	ck_assert_status(decode_packet(DLT_EN10MB, g.b, (uint32_t)g.n, (uint32_t)g.n, &seg,
	                               &info), DECODE_TRUNCATED_TUNNEL);
	/* Version 1 does not exist. */
	f.b[14 + 20 + 8] = 0x40;
	ck_assert_status(decode(DLT_EN10MB, &f, &seg, &info), DECODE_BAD_TUNNEL);
}
END_TEST

/* ---- every truncation and every byte ------------------------------------------ */

static const struct {
	const char *name;
	int (*build)(struct frame *f);
} builders[] = {
	{ "erspan3", b_erspan3 },
	{ "erspan3_platform", b_erspan3_platform },
	{ "erspan3_ip", b_erspan3_ip },
	{ "erspan1", b_erspan1 },
	{ "vxlan_gpe", b_vxlan_gpe },
	{ "teredo_origin", b_teredo_origin },
	{ "teredo_auth", b_teredo_auth },
	{ "teredo_auth_origin", b_teredo_auth_origin },
	{ "6in4", b_6in4 },
	{ "4in6", b_4in6 },
	{ "etherip", b_etherip },
	{ "mpls_in_ip", b_mpls_in_ip },
	{ "ah", b_ah },
	{ "80211_qos", b_80211_qos },
	{ "80211_protected", b_80211_protected },
	{ "ipoib", b_ipoib },
	{ "ppp_serial_chdlc", b_ppp_serial_chdlc },
	{ "ppp_serial_ff03", b_ppp_serial_ff03 },
	{ "ppp_1byte", b_ppp_1byte },
	{ "ppp_ff03_1byte_v6", b_ppp_ff03_1byte_v6 },
	{ "gtp_ext", b_gtp_ext },
	{ "gtp_echo", b_gtp_echo },
	{ "l2tp_control", b_l2tp_control },
	{ "mpls_pw_nocw", b_mpls_pw_nocw },
	{ "mpls_pw_cw", b_mpls_pw_cw },
	{ "llc_sap06", b_llc_sap06 },
	{ "gre_cks_key_seq", b_gre_cks_key_seq },
	{ "pptp", b_pptp },
	{ "l2tp_data_offset", b_l2tp_data_offset },
	{ "capwap_8023", b_capwap_8023 },
	{ "ppp_ether", b_ppp_ether },
	{ "radiotap_fcs", b_radiotap_fcs },
	{ "vxlan_v6", b_vxlan_v6 },
};

enum { BUILDERS = sizeof builders / sizeof builders[0] };

/* What any decode must keep to, whatever the bytes. */
static void assert_sane(enum decode_status st, const struct tcp_segment *s,
                        const struct decode_info *in, size_t caplen, const char *what)
{
	ck_assert_msg((unsigned)st < DECODE_STATUS_COUNT, "%s: status %d", what, (int)st);
	ck_assert_msg(in->tunnels <= DECODE_MAX_TUNNELS, "%s: %u tunnels", what, in->tunnels);
	if (st == DECODE_UNDECODED)
		ck_assert_msg(in->undecoded != ENCAP_NONE, "%s: undecoded, not named", what);
	if (st == DECODE_OK) {
		ck_assert_msg(s->header_len >= TCPH && s->header_len <= 60, "%s: header %u", what,
		              s->header_len);
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
	struct frame f = { 0 };
	int dlt = builders[_i].build(&f);
	seal(&f);
	struct decode_info whole;
	struct tcp_segment ws;
	enum decode_status wst = decode(dlt, &f, &ws, &whole);
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
			snprintf(what, sizeof what, "%s cut at %zu of %zu%s", builders[_i].name, cut,
			         f.n, snap ? " (snap)" : "");
			assert_sane(st, &seg, &info, cut, what);
			bool header_in = f.tcp_off && cut >= f.tcp_off + TCPH;
			if (!header_in) {
				ck_assert_msg(st != DECODE_OK, "%s: decoded", what);
				continue;
			}
			if (!snap || wst != DECODE_OK)
				continue;
			ck_assert_msg(st == DECODE_OK, "%s: \"%s\"", what, decode_status_name(st));
			ck_assert_uint_eq(info.tunnels, whole.tunnels);
			ck_assert_uint_eq(seg.payload_len, PAYLOAD);
			size_t there = cut - f.tcp_off - TCPH;
			ck_assert_uint_eq(seg.payload_captured, there < PAYLOAD ? there : PAYLOAD);
			ck_assert_uint_eq(seg.src_port, SPORT);
			ck_assert_uint_eq(seg.dst_port, DPORT);
		}
	}
}
END_TEST

/* Each byte of each frame set to 0x00, 0xff and its value with one bit
 * flipped: never a crash, a read past the frame or an impossible
 * segment. */
START_TEST(every_byte_of_tunnel_frames_mutated)
{
	struct frame f = { 0 };
	int dlt = builders[_i].build(&f);
	seal(&f);
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
			snprintf(what, sizeof what, "%s byte %zu = 0x%02x", builders[_i].name, i,
			         values[v]);
			assert_sane(st, &seg, &info, f.n, what);
		}
	}
	free(copy);
}
END_TEST

/* ---- ports a user names ------------------------------------------------------- */

START_TEST(config_add_port)
{
	struct decode_config cfg = { 0 };
	char err[256];
	ck_assert_int_eq(decode_config_add_port(&cfg, "vxlan=8472", err, sizeof err), 0);
	ck_assert_uint_eq(cfg.extra_ports, 1);
	ck_assert_uint_eq(cfg.extra[0].port, 8472);
	ck_assert_uint_eq(cfg.extra[0].kind, TUNNEL_VXLAN);
	/* The same port again: its kind replaced, no second entry. */
	ck_assert_int_eq(decode_config_add_port(&cfg, "geneve=8472", err, sizeof err), 0);
	ck_assert_uint_eq(cfg.extra_ports, 1);
	ck_assert_uint_eq(cfg.extra[0].kind, TUNNEL_GENEVE);
	ck_assert_int_eq(decode_config_add_port(&cfg, "bogus=1", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "'bogus' is no tunnel"));
	ck_assert_int_eq(decode_config_add_port(&cfg, "vxlan=0", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "'0' is not a UDP port"));
	ck_assert_int_eq(decode_config_add_port(&cfg, "vxlan=65536", err, sizeof err), -1);
	ck_assert_int_eq(decode_config_add_port(&cfg, "vxlan=", err, sizeof err), -1);
	ck_assert_int_eq(decode_config_add_port(&cfg, "vxlan=12x", err, sizeof err), -1);
	ck_assert_int_eq(decode_config_add_port(&cfg, "vxlan", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "is not KIND=PORT"));
	ck_assert_int_eq(decode_config_add_port(&cfg, "vx=1", err, sizeof err), -1);
	ck_assert_uint_eq(cfg.extra_ports, 1);
	for (unsigned p = 1; cfg.extra_ports < DECODE_MAX_EXTRA_PORTS; p++) {
		char spec[32];
		snprintf(spec, sizeof spec, "gtp-u=%u", 10000 + p);
		ck_assert_int_eq(decode_config_add_port(&cfg, spec, err, sizeof err), 0);
	}
	ck_assert_int_eq(decode_config_add_port(&cfg, "capwap=9999", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "at most 16"));
}
END_TEST

/* ---- never silent, end to end ---------------------------------------------- */

static const uint8_t TUN_A[4] = { 192, 0, 2, 1 };
static const uint8_t TUN_A2[4] = { 192, 0, 2, 99 };
static const uint8_t TUN_B[4] = { 198, 51, 100, 7 };

/* One segment of the connection 10.0.0.1:40000 -> 10.0.0.2:80: from the
 * client (or the server), with these flags and numbers. */
struct hop {
	bool from_server;
	uint8_t flags;
	uint32_t seq, ack;
};

static void inner_segment(struct frame *f, const struct hop *h)
{
	ip4(f, 6, h->from_server ? IN4_DST : IN4_SRC, h->from_server ? IN4_SRC : IN4_DST);
	tcp_hdr(f, h->from_server ? DPORT : SPORT, h->from_server ? SPORT : DPORT, h->seq,
	        h->ack, h->flags, 0);
}

static const struct hop handshake[] = {
	{ false, TCP_SYN, 100, 0 },
	{ true, TCP_SYN | TCP_ACK, 500, 101 },
	{ false, TCP_ACK, 101, 501 },
	{ false, TCP_ACK | TCP_FIN, 101, 501 },
};

static void write_frame(FILE *out, uint64_t ts, struct frame *f)
{
	seal(f);
	cw_pcap_record(out, ts, f->b, (uint32_t)f->n, (uint32_t)f->n);
}

/* Frame 1 an ARP, frames 2-4 the handshake in VXLAN (VNI 42) on UDP 8472,
 * Linux's default, outer addresses A and B each way. */
static void write_vxlan_8472(const char *path)
{
	FILE *out = cw_pcap_create(path, 1, 65535);
	struct frame arp = { 0 };
	eth(&arp, 0x0806);
	fill(&arp, 0, 28);
	write_frame(out, 0, &arp);
	for (int i = 0; i < 3; i++) {
		const struct hop *h = &handshake[i];
		struct frame f = { 0 };
		eth(&f, 0x0800);
		ip4(&f, 17, h->from_server ? TUN_B : TUN_A, h->from_server ? TUN_A : TUN_B);
		udp(&f, (uint16_t)(51000 + i), 8472);
		put32(&f, 0x08000000);
		put32(&f, 42 << 8);
		eth(&f, 0x0800);
		inner_segment(&f, h);
		write_frame(out, 1000 * (uint64_t)(i + 1), &f);
	}
	ck_assert_int_eq(fclose(out), 0);
}

START_TEST(vxlan_8472_named_then_decoded)
{
	char dir[64], db[128], db2[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/plain.db", dir);
	snprintf(db2, sizeof db2, "%s/port.db", dir);
	char cap[128];
	snprintf(cap, sizeof cap, "%s/vxlan8472.pcap", dir);
	write_vxlan_8472(cap);

	/* Plain: nothing decoded, exit 0, and said without -v. */
	ck_assert_int_eq(tu_sh(BIN " ingest -d %s %s 2> %s/err", db, cap, dir), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM flows"), 0);
	char *row = tu_query(db, "SELECT packets, tcp_packets, not_ip_packets, not_tcp_packets,"
	                         " undecoded_packets, fragment_packets, bad_packets FROM captures");
	ck_assert_str_eq(row, "4|0|1|0|3|0|0\n");
	free(row);
	row = tu_query(db, "SELECT encapsulation, packets, first_frame FROM capture_undecoded");
	ck_assert_str_eq(row, "UDP port 8472 (Linux VXLAN)|3|2\n");
	free(row);
	char *err = NULL;
	{
		char p[160];
		snprintf(p, sizeof p, "%s/err", dir);
		err = tu_slurp(p);
	}
	ck_assert_msg(strstr(err, "vxlan8472.pcap: 3 packets in an encapsulation tcpladder does"
	                          " not decode, first frame 2: UDP port 8472 (Linux VXLAN)\n"),
	              "stderr: %s", err);
	ck_assert_msg(strstr(err, "vxlan8472.pcap: no TCP in 4 packets (1 not IP, 0 IP but not"
	                          " TCP, 3 undecoded, 0 malformed)\n"), "stderr: %s", err);
	free(err);

	/* Its port named: the connection, with its tunnel. */
	ck_assert_int_eq(tu_sh(BIN " ingest --tunnel-port vxlan=8472 -d %s %s 2> %s/err2", db2,
	                       cap, dir), 0);
	row = tu_query(db2, "SELECT count(*), tunnel, tunnel_changes FROM flows");
	ck_assert_str_eq(row, "1|VXLAN 192.0.2.1>198.51.100.7 vni 42|0\n");
	free(row);
	row = tu_query(db2, "SELECT packets, tcp_packets, not_ip_packets, undecoded_packets"
	                    " FROM captures");
	ck_assert_str_eq(row, "4|3|1|0\n");
	free(row);
	ck_assert_int_eq(tu_query_int(db2, "SELECT count(*) FROM segments"), 3);
	ck_assert_int_eq(tu_query_int(db2, "SELECT count(*) FROM capture_undecoded"), 0);
	ck_assert_int_ne(tu_sh("grep -q 'does not decode\\|no TCP' %s/err2", dir), 0);
	tu_sh("rm -rf '%s'", dir);
}
END_TEST

START_TEST(tunnel_port_usage_errors)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh(BIN " ingest --tunnel-port bogus=1 -d %s/x.db"
	                       " ../examples/seed.pcap 2> %s/err", dir, dir), 2);
	ck_assert_int_eq(tu_sh("grep -qF \"tcpladder ingest: --tunnel-port: 'bogus' is no tunnel"
	                       " tcpladder decodes on a UDP port (vxlan, vxlan-gpe, geneve, gtp-u,"
	                       " teredo, l2tp, ayiya, gre, capwap)\" %s/err", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest --tunnel-port vxlan=0 -d %s/x.db"
	                       " ../examples/seed.pcap 2> %s/err", dir, dir), 2);
	ck_assert_int_eq(tu_sh("grep -qF \"tcpladder ingest: --tunnel-port: '0' is not a UDP port"
	                       " (1 to 65535)\" %s/err", dir), 0);
	/* Nothing was read: no database made. */
	ck_assert_int_ne(tu_sh("test -e %s/x.db", dir), 0);
	tu_sh("rm -rf '%s'", dir);
}
END_TEST

/* ---- tunnel_changes ------------------------------------------------------------ */

/* How a hop of the connection travels: in GRE with a key between outer
 * addresses (reversed for the server's), or plain. */
struct way {
	bool gre;
	const uint8_t *outer_client; /* the client side's outer address */
	uint32_t key;
};

static void write_connection(const char *path, const struct way *ways, int n)
{
	FILE *out = cw_pcap_create(path, 1, 65535);
	for (int i = 0; i < n; i++) {
		const struct hop *h = &handshake[i];
		struct frame f = { 0 };
		eth(&f, 0x0800);
		if (ways[i].gre) {
			const uint8_t *c = ways[i].outer_client;
			ip4(&f, 47, h->from_server ? TUN_B : c, h->from_server ? c : TUN_B);
			put16(&f, 0x2000);
			put16(&f, 0x0800);
			put32(&f, ways[i].key);
		}
		inner_segment(&f, h);
		write_frame(out, 1000 * (uint64_t)(i + 1), &f);
	}
	ck_assert_int_eq(fclose(out), 0);
}

/* The single connection's tunnel|tunnel_changes|segments. */
static char *connection_row(const char *dir, const char *name, const struct way *ways, int n)
{
	char cap[160], db[160];
	snprintf(cap, sizeof cap, "%s/%s.pcap", dir, name);
	snprintf(db, sizeof db, "%s/%s.db", dir, name);
	write_connection(cap, ways, n);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s", db, cap), 0);
	return tu_query(db, "SELECT coalesce(tunnel, 'NULL'), tunnel_changes,"
	                    " (SELECT count(*) FROM segments) FROM flows");
}

START_TEST(tunnel_changes_by_direction_and_way)
{
	char dir[64];
	tu_scratch_dir(dir);
	/* GRE key 1 one way, key 2 the other, the outer pair reversed: the
	 * same tunnel. */
	const struct way keyed[] = { { true, TUN_A, 1 }, { true, TUN_A, 2 }, { true, TUN_A, 1 },
		                     { true, TUN_A, 1 } };
	char *row = connection_row(dir, "keys", keyed, 4);
	ck_assert_str_eq(row, "GRE 192.0.2.1>198.51.100.7 key 1|0|4\n");
	free(row);
	/* The third segment without a tunnel: one change. */
	const struct way unwrapped[] = { { true, TUN_A, 1 }, { true, TUN_A, 2 },
		                         { false, NULL, 0 }, { true, TUN_A, 1 } };
	row = connection_row(dir, "plain", unwrapped, 4);
	ck_assert_str_eq(row, "GRE 192.0.2.1>198.51.100.7 key 1|1|4\n");
	free(row);
	/* The third from another outer address: one change. */
	const struct way moved[] = { { true, TUN_A, 1 }, { true, TUN_A, 2 },
		                     { true, TUN_A2, 1 }, { true, TUN_A, 1 } };
	row = connection_row(dir, "moved", moved, 4);
	ck_assert_str_eq(row, "GRE 192.0.2.1>198.51.100.7 key 1|1|4\n");
	free(row);
	/* Plain first, then a tunnel: NULL, and the tunnelled one counted. */
	const struct way later[] = { { false, NULL, 0 }, { true, TUN_A, 2 }, { false, NULL, 0 },
		                     { false, NULL, 0 } };
	row = connection_row(dir, "later", later, 4);
	ck_assert_str_eq(row, "NULL|1|4\n");
	free(row);
	/* The hash behind it: ids aside, direction-free; another outer pair
	 * or no tunnel differs. */
	struct decode_tunnel a = { .kind = TUNNEL_GRE, .ip_version = 4, .has_id = true, .id = 1 };
	memcpy(a.src_addr, TUN_A, 4);
	memcpy(a.dst_addr, TUN_B, 4);
	struct decode_tunnel b = a;
	memcpy(b.src_addr, TUN_B, 4);
	memcpy(b.dst_addr, TUN_A, 4);
	b.id = 2;
	ck_assert_uint_eq(decode_tunnel_path_hash(&a, 1), decode_tunnel_path_hash(&b, 1));
	ck_assert_uint_ne(decode_tunnel_path_hash(&a, 1), 0);
	ck_assert_uint_eq(decode_tunnel_path_hash(&a, 0), 0);
	b.kind = TUNNEL_VXLAN;
	ck_assert_uint_ne(decode_tunnel_path_hash(&a, 1), decode_tunnel_path_hash(&b, 1));
	tu_sh("rm -rf '%s'", dir);
}
END_TEST

Suite *tunnels_suite(void)
{
	Suite *s = suite_create("tunnels");

	struct stat st;
	if (stat(TUNNELS "/MANIFEST.tsv", &st) == 0) {
		TCase *tc = tcase_create("corpus_tunnels");
		tcase_set_timeout(tc, 120);
		tcase_add_loop_test(tc, corpus_file_decodes, 0, CORPUS_CASES);
		tcase_add_test(tc, corpus_vj_compression_named_on_stderr);
		suite_add_tcase(s, tc);
	} else {
		fprintf(stderr, "tunnels: %s not found; its real-capture tests are not run\n",
		        TUNNELS);
	}

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
	tcase_add_test(tc, config_add_port);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ipip_nesting_bound);
	tcase_add_test(tc, gre_in_gre_chain);
	tcase_add_test(tc, ethernet_in_ethernet_chain_bounded);
	tcase_add_test(tc, geneve_options_past_capture);
	tcase_add_loop_test(tc, every_truncation_of_tunnel_frames, 0, BUILDERS);
	tcase_add_loop_test(tc, every_byte_of_tunnel_frames_mutated, 0, BUILDERS);
	suite_add_tcase(s, tc);

	tc = tcase_create("end_to_end");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, vxlan_8472_named_then_decoded);
	tcase_add_test(tc, tunnel_port_usage_errors);
	tcase_add_test(tc, tunnel_changes_by_direction_and_way);
	suite_add_tcase(s, tc);
	return s;
}
