/* Unit tests for decode.c: hand-built frames, byte by byte, for every link
 * type and header layout decode_frame() claims to take, each with the exact
 * fields it must yield; malformed variants of them with the exact status;
 * and a fixed-seed random and mutation run asserting only that nothing
 * crashes and the invariants of a decoded segment hold (run it under ASan:
 * `make check SANITIZE=1`).
 *
 * Frames are assembled with the small builder below (link header, IP header,
 * TCP header with options, payload) and then patched where a test needs a
 * lie; seal() fills the IP length fields from what was built. */
#include <stdint.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode.h"
#include "suites.h"

/* ---- frame builder ------------------------------------------------------- */

struct pkt {
	uint8_t b[1024];
	size_t n;
	size_t ip_off;  /* where the IP header starts */
	int ip_ver;     /* 4 or 6, which length field seal() fills */
	size_t tcp_off; /* where the TCP header starts */
};

static const uint8_t MAC_DST[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t MAC_SRC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t V4_SRC[4] = { 192, 0, 2, 1 };
static const uint8_t V4_DST[4] = { 198, 51, 100, 7 };
static const uint8_t V6_SRC[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t V6_DST[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab,
	                            [15] = 0x02 };
static const uint8_t ZERO16[16];

enum {
	SPORT = 40000,
	DPORT = 80,
	SEQ = 0x01020304,
	ACK = 0xa0b0c0d0,
	WIN = 64240,
	URG = 0x0102,
	ETH = 14,
	IP4 = 20,
	IP6 = 40,
	TCPH = 20,
};

/* A Linux SYN's options: MSS 1460, SACK permitted, timestamps, NOP,
 * window scale 7 (20 bytes, so a 40-byte header). */
static const uint8_t SYN_OPTS[20] = {
	2, 4, 0x05, 0xb4,                         /* MSS 1460 */
	4, 2,                                     /* SACK permitted */
	8, 10, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, /* TS val, ecr 0 */
	1,                                        /* NOP */
	3, 3, 7,                                  /* window scale 7 */
};

static void put8(struct pkt *p, uint8_t v)
{
	ck_assert_uint_lt(p->n, sizeof p->b);
	p->b[p->n++] = v;
}

static void put16(struct pkt *p, uint16_t v)
{
	put8(p, (uint8_t)(v >> 8));
	put8(p, (uint8_t)v);
}

static void put32(struct pkt *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p, (uint16_t)v);
}

static void putn(struct pkt *p, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(p, s[i]);
}

static void set16(struct pkt *p, size_t off, uint16_t v)
{
	ck_assert_uint_le(off + 2, p->n);
	p->b[off] = (uint8_t)(v >> 8);
	p->b[off + 1] = (uint8_t)v;
}

static void eth(struct pkt *p, uint16_t type)
{
	putn(p, MAC_DST, 6);
	putn(p, MAC_SRC, 6);
	put16(p, type);
}

/* The rest of an 802.1Q/802.1ad tag after its TPID: TCI, next type. */
static void vlan(struct pkt *p, uint16_t tci, uint16_t type)
{
	put16(p, tci);
	put16(p, type);
}

static void sll(struct pkt *p, uint16_t proto)
{
	put16(p, 0);      /* packet type: to us */
	put16(p, 1);      /* ARPHRD_ETHER */
	put16(p, 6);      /* address length */
	putn(p, MAC_SRC, 6);
	put16(p, 0);      /* address padding to 8 */
	put16(p, proto);
}

static void sll2(struct pkt *p, uint16_t proto)
{
	put16(p, proto);
	put16(p, 0);      /* reserved */
	put32(p, 3);      /* interface index */
	put16(p, 1);      /* ARPHRD_ETHER */
	put8(p, 0);       /* packet type */
	put8(p, 6);       /* address length */
	putn(p, MAC_SRC, 6);
	put16(p, 0);
}

/* IPv4 header, IHL 5 plus optlen bytes of NOP options (a multiple of 4);
 * total length left for seal(). */
static void ipv4_opts(struct pkt *p, uint8_t proto, size_t optlen)
{
	p->ip_off = p->n;
	p->ip_ver = 4;
	put8(p, (uint8_t)(0x40 | (5 + optlen / 4)));
	put8(p, 0);          /* DSCP, ECN */
	put16(p, 0);         /* total length, see seal() */
	put16(p, 0x1234);    /* id */
	put16(p, 0x4000);    /* DF, offset 0 */
	put8(p, 64);         /* TTL */
	put8(p, proto);
	put16(p, 0);         /* checksum: not checked by decode */
	putn(p, V4_SRC, 4);
	putn(p, V4_DST, 4);
	for (size_t i = 0; i < optlen; i++)
		put8(p, 1); /* IPOPT_NOP */
}

static void ipv4(struct pkt *p, uint8_t proto)
{
	ipv4_opts(p, proto, 0);
}

static void ipv6(struct pkt *p, uint8_t nh)
{
	p->ip_off = p->n;
	p->ip_ver = 6;
	put32(p, 0x60000000); /* version 6, class 0, flow 0 */
	put16(p, 0);          /* payload length, see seal() */
	put8(p, nh);
	put8(p, 64);          /* hop limit */
	putn(p, V6_SRC, 16);
	putn(p, V6_DST, 16);
}

/* An extension header of (len8 + 1) * 8 bytes whose options area is one
 * PadN option (RFC 8200 section 4.2), valid for hop-by-hop and
 * destination options. */
static void ext_padn(struct pkt *p, uint8_t nh, uint8_t len8)
{
	size_t size = ((size_t)len8 + 1) * 8;
	put8(p, nh);
	put8(p, len8);
	put8(p, 1);                  /* PadN */
	put8(p, (uint8_t)(size - 4)); /* its data length */
	for (size_t i = 4; i < size; i++)
		put8(p, 0);
}

static void frag6(struct pkt *p, uint8_t nh, uint16_t offset_m)
{
	put8(p, nh);
	put8(p, 0);
	put16(p, offset_m);
	put32(p, 0xdeadbeef);
}

/* TCP header with options (padded with EOL to a multiple of 4) and payload
 * bytes 'x'. */
static void tcp(struct pkt *p, uint8_t flags, const uint8_t *opts,
                size_t optlen, size_t payload)
{
	size_t hl = TCPH + (optlen + 3) / 4 * 4;
	p->tcp_off = p->n;
	put16(p, SPORT);
	put16(p, DPORT);
	put32(p, SEQ);
	put32(p, ACK);
	put8(p, (uint8_t)(hl / 4 << 4));
	put8(p, flags);
	put16(p, WIN);
	put16(p, 0); /* checksum */
	put16(p, URG);
	putn(p, opts, optlen);
	for (size_t i = optlen; i < hl - TCPH; i++)
		put8(p, 0);
	for (size_t i = 0; i < payload; i++)
		put8(p, 'x');
}

/* Fill the IP length field from the bytes built after the IP header. */
static void seal(struct pkt *p)
{
	if (p->ip_ver == 4)
		set16(p, p->ip_off + 2, (uint16_t)(p->n - p->ip_off));
	else
		set16(p, p->ip_off + 4, (uint16_t)(p->n - p->ip_off - IP6));
}

/* The link header dlt wants in front of an IP packet of version ver. */
static void link_hdr(struct pkt *p, int dlt, int ver)
{
	uint16_t etype = ver == 4 ? 0x0800 : 0x86dd;
	uint8_t af = ver == 4 ? 2 : 30;
	switch (dlt) {
	case DLT_EN10MB:
		eth(p, etype);
		break;
	case DLT_LINUX_SLL:
		sll(p, etype);
		break;
	case DLT_LINUX_SLL2:
		sll2(p, etype);
		break;
	case DLT_NULL: /* written on a little-endian host */
		put32(p, (uint32_t)af << 24);
		break;
	case DLT_LOOP:
		put32(p, af);
		break;
	default: /* raw IP */
		break;
	}
}

/* A segment over any link: ACK|PSH with the SYN options and payload. */
static void std_frame(struct pkt *p, int dlt, int ver, size_t payload)
{
	link_hdr(p, dlt, ver);
	if (ver == 4)
		ipv4(p, 6);
	else
		ipv6(p, 6);
	tcp(p, TCP_ACK | TCP_PSH, SYN_OPTS, sizeof SYN_OPTS, payload);
	seal(p);
}

static enum decode_status dec(int dlt, const struct pkt *p,
                              struct tcp_segment *s)
{
	return decode_frame(dlt, p->b, (uint32_t)p->n, (uint32_t)p->n, s);
}

#define ck_assert_status(got, want)                                      \
	do {                                                             \
		enum decode_status got_ = (got), want_ = (want);         \
		ck_assert_msg(got_ == want_,                             \
		              "status \"%s\" (%d), want \"%s\"",           \
		              decode_status_name(got_), (int)got_,       \
		              decode_status_name(want_));                \
	} while (0)

/* The fields std_frame() and tcp() put in, for a segment of ip version
 * ver. */
static void assert_std_fields(const struct tcp_segment *s, int ver)
{
	ck_assert_uint_eq(s->ip_version, ver);
	if (ver == 4) {
		ck_assert_mem_eq(s->src_addr, V4_SRC, 4);
		ck_assert_mem_eq(s->dst_addr, V4_DST, 4);
		ck_assert_mem_eq(s->src_addr + 4, ZERO16, 12);
		ck_assert_mem_eq(s->dst_addr + 4, ZERO16, 12);
	} else {
		ck_assert_mem_eq(s->src_addr, V6_SRC, 16);
		ck_assert_mem_eq(s->dst_addr, V6_DST, 16);
	}
	ck_assert_uint_eq(s->src_port, SPORT);
	ck_assert_uint_eq(s->dst_port, DPORT);
	ck_assert_uint_eq(s->seq, SEQ);
	ck_assert_uint_eq(s->ack, ACK);
	ck_assert_uint_eq(s->win, WIN);
	ck_assert_uint_eq(s->urg_ptr, URG);
}

/* The options SYN_OPTS carries. */
static void assert_syn_opts(const struct tcp_options *o)
{
	ck_assert(o->has_mss);
	ck_assert_uint_eq(o->mss, 1460);
	ck_assert(o->sack_permitted);
	ck_assert(o->has_timestamps);
	ck_assert_uint_eq(o->ts_val, 0x11223344);
	ck_assert_uint_eq(o->ts_ecr, 0);
	ck_assert(o->has_wscale);
	ck_assert_uint_eq(o->wscale, 7);
	ck_assert_uint_eq(o->sack_blocks, 0);
	ck_assert(!o->truncated);
	ck_assert(!o->malformed);
}

/* ---- Ethernet IPv4, all fields ------------------------------------------- */

START_TEST(test_eth_ipv4_syn_all_fields)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_SYN, SYN_OPTS, sizeof SYN_OPTS, 0);
	seal(&p);
	ck_assert_uint_eq(p.n, ETH + IP4 + 40);

	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	assert_std_fields(&s, 4);
	ck_assert_uint_eq(s.flags, TCP_SYN);
	ck_assert_uint_eq(s.header_len, 40);
	ck_assert_uint_eq(s.payload_len, 0);
	ck_assert_uint_eq(s.payload_captured, 0);
	ck_assert(!s.ip_len_from_frame);
	assert_syn_opts(&s.opt);
}
END_TEST

START_TEST(test_eth_ipv4_with_ip_options)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4_opts(&p, 6, 8);
	tcp(&p, TCP_ACK, NULL, 0, 5);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	assert_std_fields(&s, 4);
	ck_assert_uint_eq(s.header_len, 20);
	ck_assert_uint_eq(s.payload_len, 5);
	ck_assert_uint_eq(s.payload_captured, 5);
}
END_TEST

/* All eight flag bits come through; byte 12's low nibble (reserved, AE)
 * does not leak into them. */
START_TEST(test_flags_all_eight_bits_ae_ignored)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, 0xff, NULL, 0, 0);
	seal(&p);
	p.b[p.tcp_off + 12] |= 0x0f;
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert_uint_eq(s.flags, 0xff);
	ck_assert_uint_eq(s.header_len, 20);
}
END_TEST

/* ---- link types ---------------------------------------------------------- */

START_TEST(test_vlan_8021q)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x8100);
	vlan(&p, 0x0064, 0x0800); /* VLAN 100 */
	ipv4(&p, 6);
	tcp(&p, TCP_ACK, NULL, 0, 7);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	assert_std_fields(&s, 4);
	ck_assert_uint_eq(s.payload_len, 7);
	ck_assert_uint_eq(s.payload_captured, 7);
}
END_TEST

/* Options as tcpdump prints them, and what counts as notable. */
START_TEST(test_options_text)
{
	struct tcp_options o = { 0 };
	char buf[128];
	o.has_timestamps = true;
	o.ts_val = 7;
	o.ts_ecr = 9;
	ck_assert(!decode_options_notable(&o));
	o.has_mss = true;
	o.mss = 1460;
	o.sack_permitted = true;
	o.sack_blocks = 2;
	o.sack[0][0] = 100, o.sack[0][1] = 200;
	o.sack[1][0] = 300, o.sack[1][1] = 400;
	ck_assert(decode_options_notable(&o));
	int need = decode_options_text(&o, buf, sizeof buf);
	ck_assert_str_eq(buf, "mss 1460,sackOK,TS val 7 ecr 9,sack 2 {100:200}{300:400}");
	ck_assert_int_eq(need, (int)strlen(buf));
	char small[10];
	need = decode_options_text(&o, small, sizeof small);
	ck_assert_int_eq(need, (int)strlen(buf));
	ck_assert_str_eq(small, "mss 1460,");
}
END_TEST

/* PPPoE session (RFC 2516) inside two VLAN tags, as in the corpus'
 * PcapPlusPlus one_http_stream_rst.pcap: PPP protocol 0x0021 is IPv4,
 * 0x0057 IPv6; anything else (LCP, 0xc021) is not IP. */
START_TEST(test_pppoe_session)
{
	static const uint16_t ppp[] = { 0x0021, 0x0057, 0xc021 };
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x8100);
	vlan(&p, 939, 0x8100);
	vlan(&p, 744, 0x8864);
	put8(&p, 0x11);   /* version 1, type 1 */
	put8(&p, 0);      /* code: session data */
	put16(&p, 0xdde5); /* session id */
	put16(&p, 0);     /* length, not trusted */
	put16(&p, ppp[_i]);
	if (ppp[_i] == 0x0057)
		ipv6(&p, 6);
	else
		ipv4(&p, 6);
	tcp(&p, TCP_ACK, NULL, 0, 5);
	seal(&p);
	if (ppp[_i] == 0xc021) {
		ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_NOT_IP);
		return;
	}
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	assert_std_fields(&s, ppp[_i] == 0x0057 ? 6 : 4);
	ck_assert_uint_eq(s.payload_len, 5);
}
END_TEST

/* 802.1ad S-tag over a C-tag, and the older 0x9100 S-tag, over IPv6. */
START_TEST(test_qinq)
{
	static const uint16_t outer[] = { 0x88a8, 0x9100, 0x8100 };
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, outer[_i]);
	vlan(&p, 0x00c8, 0x8100);
	vlan(&p, 0x0064, 0x86dd);
	ipv6(&p, 6);
	tcp(&p, TCP_ACK, NULL, 0, 3);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	assert_std_fields(&s, 6);
	ck_assert_uint_eq(s.payload_len, 3);
}
END_TEST

/* 41 stacked tags: no network has them; past 8 the frame is counted
 * malformed (nested too deep), not walked on. */
START_TEST(test_vlan_too_many_tags_too_deep)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x8100);
	for (int i = 0; i < 40; i++)
		vlan(&p, 1, 0x8100);
	vlan(&p, 1, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_ACK, NULL, 0, 0);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_TOO_DEEP);
	ck_assert(decode_status_is_error(DECODE_TOO_DEEP));
}
END_TEST

START_TEST(test_linux_sll)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_LINUX_SLL, 4, 11);
	ck_assert_uint_eq(p.ip_off, 16);
	ck_assert_status(dec(DLT_LINUX_SLL, &p, &s), DECODE_OK);
	assert_std_fields(&s, 4);
	ck_assert_uint_eq(s.flags, TCP_ACK | TCP_PSH);
	ck_assert_uint_eq(s.header_len, 40);
	ck_assert_uint_eq(s.payload_len, 11);
	assert_syn_opts(&s.opt);
}
END_TEST

/* An SLL capture whose kernel did not strip the 802.1Q tag. */
START_TEST(test_linux_sll_vlan)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	sll(&p, 0x8100);
	vlan(&p, 0x0064, 0x86dd);
	ipv6(&p, 6);
	tcp(&p, TCP_ACK, NULL, 0, 2);
	seal(&p);
	ck_assert_status(dec(DLT_LINUX_SLL, &p, &s), DECODE_OK);
	assert_std_fields(&s, 6);
	ck_assert_uint_eq(s.payload_len, 2);
}
END_TEST

START_TEST(test_linux_sll2)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_LINUX_SLL2, 6, 9);
	ck_assert_uint_eq(p.ip_off, 20);
	ck_assert_status(dec(DLT_LINUX_SLL2, &p, &s), DECODE_OK);
	assert_std_fields(&s, 6);
	ck_assert_uint_eq(s.header_len, 40);
	ck_assert_uint_eq(s.payload_len, 9);
	assert_syn_opts(&s.opt);
}
END_TEST

/* Raw IP under every name it goes by, IPv4 and IPv6. */
static const struct {
	int dlt, ver;
} raw_cases[] = {
	{ DLT_RAW, 4 }, { DLT_RAW, 6 }, { 101, 4 }, { 101, 6 },
	{ DLT_IPV4, 4 }, { DLT_IPV6, 6 },
};

START_TEST(test_raw_ip)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, raw_cases[_i].dlt, raw_cases[_i].ver, 4);
	ck_assert_uint_eq(p.ip_off, 0);
	ck_assert_status(dec(raw_cases[_i].dlt, &p, &s), DECODE_OK);
	assert_std_fields(&s, raw_cases[_i].ver);
	ck_assert_uint_eq(s.payload_len, 4);
	ck_assert_uint_eq(s.payload_captured, 4);
}
END_TEST

/* BSD loopback: DLT_NULL in either byte order, DLT_LOOP big-endian, and
 * the three IPv6 family values. */
static const struct {
	int dlt;
	uint8_t hdr[4];
	enum decode_status want;
	int ver;
} null_cases[] = {
	{ DLT_NULL, { 2, 0, 0, 0 }, DECODE_OK, 4 },   /* little-endian writer */
	{ DLT_NULL, { 0, 0, 0, 2 }, DECODE_OK, 4 },   /* big-endian writer */
	{ DLT_NULL, { 24, 0, 0, 0 }, DECODE_OK, 6 },  /* NetBSD, OpenBSD */
	{ DLT_NULL, { 0, 0, 0, 28 }, DECODE_OK, 6 },  /* FreeBSD */
	{ DLT_NULL, { 30, 0, 0, 0 }, DECODE_OK, 6 },  /* Darwin */
	{ DLT_NULL, { 7, 0, 0, 0 }, DECODE_NOT_IP, 4 },
	{ DLT_LOOP, { 0, 0, 0, 2 }, DECODE_OK, 4 },
	{ DLT_LOOP, { 0, 0, 0, 24 }, DECODE_OK, 6 },
	/* LOOP is always network order: a little-endian 2 is not AF_INET */
	{ DLT_LOOP, { 2, 0, 0, 0 }, DECODE_NOT_IP, 4 },
};

START_TEST(test_null_and_loop_family)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	putn(&p, null_cases[_i].hdr, 4);
	if (null_cases[_i].ver == 4)
		ipv4(&p, 6);
	else
		ipv6(&p, 6);
	tcp(&p, TCP_ACK, NULL, 0, 6);
	seal(&p);
	ck_assert_status(dec(null_cases[_i].dlt, &p, &s), null_cases[_i].want);
	if (null_cases[_i].want == DECODE_OK) {
		assert_std_fields(&s, null_cases[_i].ver);
		ck_assert_uint_eq(s.payload_len, 6);
	}
}
END_TEST

START_TEST(test_unknown_link_type)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 0);
	ck_assert_status(dec(147 /* DLT_USER0 */, &p, &s),
	                 DECODE_UNSUPPORTED_LINK);
	ck_assert(!decode_link_supported(147));
	ck_assert(!decode_link_supported(-1));
	ck_assert(!decode_status_is_error(DECODE_UNSUPPORTED_LINK));
}
END_TEST

START_TEST(test_link_supported)
{
	static const int known[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
		                     DLT_RAW,    101,           DLT_IPV4,
		                     DLT_IPV6,   DLT_NULL,      DLT_LOOP };
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		ck_assert_msg(decode_link_supported(known[i]), "dlt %d",
		              known[i]);
	/* ARCNET: a link type no capture of TCP has come in. */
	ck_assert(!decode_link_supported(7));
}
END_TEST

START_TEST(test_arp_not_ip)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0806);
	for (int i = 0; i < 28; i++)
		put8(&p, 0);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_NOT_IP);
	ck_assert(!decode_status_is_error(DECODE_NOT_IP));
}
END_TEST

/* An EtherType of 1500 or less is an 802.3 length: LLC follows, not IP,
 * even when the bytes after it would parse as IPv4. */
START_TEST(test_8023_length_not_ip)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_ACK, NULL, 0, 0);
	seal(&p);
	set16(&p, 12, (uint16_t)(p.n - ETH));
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_NOT_IP);
}
END_TEST

/* Each link header one byte short, and a VLAN tag cut in half. */
static const struct {
	int dlt;
	size_t len;
} short_link[] = {
	{ DLT_EN10MB, 0 },  { DLT_EN10MB, 13 },    { DLT_LINUX_SLL, 15 },
	{ DLT_LINUX_SLL2, 19 }, { DLT_NULL, 3 },   { DLT_LOOP, 3 },
	{ DLT_EN10MB, 16 }, /* 0x8100 with 2 of the tag's 4 bytes */
};

START_TEST(test_truncated_link_header)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	if (short_link[_i].dlt == DLT_EN10MB) {
		eth(&p, 0x8100);
		vlan(&p, 1, 0x0800);
	} else {
		link_hdr(&p, short_link[_i].dlt, 4);
	}
	ipv4(&p, 6);
	tcp(&p, TCP_ACK, NULL, 0, 0);
	seal(&p);
	ck_assert_status(decode_frame(short_link[_i].dlt, p.b,
	                              (uint32_t)short_link[_i].len,
	                              (uint32_t)p.n, &s),
	                 DECODE_TRUNCATED_LINK);
}
END_TEST

START_TEST(test_null_data_pointer)
{
	struct tcp_segment s;
	ck_assert_status(decode_frame(DLT_EN10MB, NULL, 0, 0, &s),
	                 DECODE_TRUNCATED_LINK);
	ck_assert_status(decode_frame(DLT_RAW, NULL, 0, 60, &s),
	                 DECODE_TRUNCATED_IP);
}
END_TEST

/* ---- IP ------------------------------------------------------------------ */

START_TEST(test_udp_not_tcp)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 17);
	put16(&p, 53);
	put16(&p, 53);
	put16(&p, 8);
	put16(&p, 0);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_NOT_TCP);
	ck_assert(!decode_status_is_error(DECODE_NOT_TCP));
}
END_TEST

/* The link type (or raw DLT) and the version nibble disagree. */
static const struct {
	int dlt, built_ver;
	uint8_t first_byte; /* 0: leave as built */
} version_cases[] = {
	{ DLT_EN10MB, 6, 0 },  /* EtherType 0x0800 carrying IPv6 */
	{ DLT_IPV6, 4, 0 },
	{ DLT_IPV4, 6, 0 },
	{ DLT_RAW, 4, 0x55 },  /* version 5 */
	{ DLT_RAW, 4, 0x05 },  /* version 0 */
};

START_TEST(test_ip_version_mismatch)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	int dlt = version_cases[_i].dlt;
	if (dlt == DLT_EN10MB)
		eth(&p, 0x0800);
	if (version_cases[_i].built_ver == 4)
		ipv4(&p, 6);
	else
		ipv6(&p, 6);
	tcp(&p, TCP_ACK, NULL, 0, 0);
	seal(&p);
	if (version_cases[_i].first_byte)
		p.b[p.ip_off] = version_cases[_i].first_byte;
	ck_assert_status(dec(dlt, &p, &s), DECODE_BAD_IP_VERSION);
	ck_assert(decode_status_is_error(DECODE_BAD_IP_VERSION));
}
END_TEST

/* RFC 791: MF set, or a non-zero offset (with and without MF). */
static const uint16_t v4_frag_fields[] = { 0x2000, 0x00b9, 0x20b9, 0x6000 };

/* A frame whose IPv4 payload (TCP header and payload) is 8-byte aligned,
 * as every fragment but the last must be. */
static void aligned_v4_frame(struct pkt *p)
{
	for (size_t payload = 10;; payload++) {
		*p = (struct pkt){ 0 };
		std_frame(p, DLT_EN10MB, 4, payload);
		if ((p->n - p->ip_off - 20) % 8 == 0)
			return;
	}
}

START_TEST(test_ipv4_fragment)
{
	struct pkt p;
	struct tcp_segment s;
	struct ip_fragment f;
	aligned_v4_frame(&p);
	uint16_t field = v4_frag_fields[_i];
	set16(&p, p.ip_off + 6, field);
	struct decode_info info = {.frag = &f};
	ck_assert_status(decode_packet(DLT_EN10MB, p.b, (uint32_t)p.n, (uint32_t)p.n,
	                               &s, &info), DECODE_IP_FRAGMENT);
	ck_assert(!decode_status_is_error(DECODE_IP_FRAGMENT));
	/* What reassembly needs: key, place, and the payload as captured. */
	ck_assert_int_eq(f.ip_version, 4);
	ck_assert_int_eq(f.proto, 6);
	ck_assert_uint_eq(f.id, 0x1234);
	ck_assert_mem_eq(f.src_addr, V4_SRC, 4);
	ck_assert_uint_eq(f.offset, (field & 0x1fffu) * 8);
	ck_assert_int_eq(f.more, (field & 0x2000) != 0);
	ck_assert_uint_eq(f.len, p.n - p.ip_off - 20);
	ck_assert_uint_eq(f.captured, f.len);
	ck_assert_ptr_eq(f.data, p.b + p.ip_off + 20);
}
END_TEST

/* A fragment reaching past 65,535 bytes (the "ping of death"), or one
 * followed by more whose length is not a multiple of 8: no datagram can
 * hold it, and it is counted malformed. */
START_TEST(test_ipv4_bad_fragment)
{
	struct pkt p;
	struct tcp_segment s;
	aligned_v4_frame(&p);
	set16(&p, p.ip_off + 6, 0x1fff); /* offset 65528, last */
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_BAD_FRAGMENT);
	ck_assert(decode_status_is_error(DECODE_BAD_FRAGMENT));
	ck_assert_str_eq(decode_status_name(DECODE_BAD_FRAGMENT), "bad IP fragment");

	p = (struct pkt){ 0 };
	std_frame(&p, DLT_EN10MB, 4, 10);
	size_t l4 = p.n - p.ip_off - 20;
	if (l4 % 8 == 0) { /* make it unaligned */
		p = (struct pkt){ 0 };
		std_frame(&p, DLT_EN10MB, 4, 11);
	}
	set16(&p, p.ip_off + 6, 0x2000); /* MF */
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_BAD_FRAGMENT);
	set16(&p, p.ip_off + 6, 0x0010); /* the last may end anywhere */
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_IP_FRAGMENT);
}
END_TEST

START_TEST(test_ipv4_ihl_lies_past_capture)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 0);
	p.b[p.ip_off] = 0x4f; /* IHL 15: 60 bytes, but there are 20 + 40 */
	set16(&p, p.ip_off + 2, 40);
	p.n = ETH + 40;
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_BAD_IP_HEADER_LEN);

	/* The same with only the 20 bytes of IP header in the frame. */
	p.n = ETH + IP4;
	set16(&p, p.ip_off + 2, 0);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_BAD_IP_HEADER_LEN);
}
END_TEST

/* IP options within the IP length but past the snap length: truncated,
 * not lying. */
START_TEST(test_ipv4_options_cut_by_snaplen)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4_opts(&p, 6, 8);
	tcp(&p, TCP_ACK, NULL, 0, 0);
	seal(&p);
	ck_assert_status(decode_frame(DLT_EN10MB, p.b, ETH + IP4 + 4,
	                              (uint32_t)p.n, &s),
	                 DECODE_TRUNCATED_IP);
}
END_TEST

START_TEST(test_ipv4_ihl_below_5)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 0);
	p.b[p.ip_off] = (uint8_t)(0x40 | _i); /* IHL 0 .. 4 */
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_BAD_IP_HEADER_LEN);
}
END_TEST

START_TEST(test_ipv4_total_len_below_header)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 0);
	set16(&p, p.ip_off + 2, 19);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_BAD_IP_TOTAL_LEN);
}
END_TEST

/* Linux TSO/GSO and IPv4 BIG TCP: total length 0; the frame says how long
 * the datagram is. */
START_TEST(test_ipv4_total_len_zero_tso)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 300);
	set16(&p, p.ip_off + 2, 0);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert(s.ip_len_from_frame);
	ck_assert_uint_eq(s.header_len, 40);
	ck_assert_uint_eq(s.payload_len, 300);
	ck_assert_uint_eq(s.payload_captured, 300);
}
END_TEST

/* A TSO super-packet cut by the snap length: the length comes from the
 * frame's wire length, beyond 64 KiB. */
START_TEST(test_ipv4_tso_snaplen_uses_wirelen)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 100);
	set16(&p, p.ip_off + 2, 0);
	uint32_t wire = 200000;
	ck_assert_status(decode_frame(DLT_EN10MB, p.b, (uint32_t)p.n, wire, &s),
	                 DECODE_OK);
	ck_assert(s.ip_len_from_frame);
	ck_assert_uint_eq(s.payload_len, wire - ETH - IP4 - 40);
	ck_assert_uint_eq(s.payload_captured, 100);
}
END_TEST

START_TEST(test_ipv4_total_len_past_frame)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 50);
	set16(&p, p.ip_off + 2, 9000);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert(s.ip_len_from_frame);
	ck_assert_uint_eq(s.payload_len, 50);
	ck_assert_uint_eq(s.payload_captured, 50);
}
END_TEST

/* Ethernet pads short frames to 60 bytes: the padding is not payload. */
START_TEST(test_eth_padding_ignored)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_ACK | TCP_PSH, NULL, 0, 2);
	seal(&p);
	while (p.n < 60)
		put8(&p, 0xee);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert(!s.ip_len_from_frame);
	ck_assert_uint_eq(s.payload_len, 2);
	ck_assert_uint_eq(s.payload_captured, 2);
}
END_TEST

START_TEST(test_snaplen_truncated_payload)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 600);
	uint32_t caplen = ETH + IP4 + 40 + 100;
	ck_assert_status(decode_frame(DLT_EN10MB, p.b, caplen, (uint32_t)p.n,
	                              &s),
	                 DECODE_OK);
	assert_std_fields(&s, 4);
	ck_assert(!s.ip_len_from_frame);
	ck_assert_uint_eq(s.payload_len, 600);
	ck_assert_uint_eq(s.payload_captured, 100);
	assert_syn_opts(&s.opt);
}
END_TEST

/* ---- IPv6 ---------------------------------------------------------------- */

START_TEST(test_ipv6_hbh_and_dstopts)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x86dd);
	ipv6(&p, 0);
	ext_padn(&p, 60, 0);  /* hop-by-hop, 8 bytes */
	ext_padn(&p, 6, 1);   /* destination options, 16 bytes */
	tcp(&p, TCP_ACK, NULL, 0, 10);
	seal(&p);
	ck_assert_uint_eq(p.tcp_off, ETH + IP6 + 24);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	assert_std_fields(&s, 6);
	ck_assert_uint_eq(s.flags, TCP_ACK);
	ck_assert_uint_eq(s.header_len, 20);
	ck_assert_uint_eq(s.payload_len, 10);
	ck_assert_uint_eq(s.payload_captured, 10);
	ck_assert(!s.ip_len_from_frame);
}
END_TEST

/* Routing (43) and AH (51, length in 32-bit words minus 2). */
START_TEST(test_ipv6_routing_and_ah)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x86dd);
	ipv6(&p, 43);
	put8(&p, 51); /* routing: next AH, 8 bytes, type 4, 0 left */
	put8(&p, 0);
	put8(&p, 4);
	put8(&p, 0);
	put32(&p, 0);
	put8(&p, 6); /* AH: next TCP, len 4 -> (4 + 2) * 4 = 24 bytes */
	put8(&p, 4);
	for (int i = 0; i < 22; i++)
		put8(&p, 0);
	tcp(&p, TCP_ACK, NULL, 0, 1);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	assert_std_fields(&s, 6);
	ck_assert_uint_eq(s.payload_len, 1);
}
END_TEST

/* RFC 6946: offset 0 with M clear is a whole datagram. */
START_TEST(test_ipv6_atomic_fragment_decoded)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x86dd);
	ipv6(&p, 44);
	frag6(&p, 6, 0x0000);
	tcp(&p, TCP_SYN, SYN_OPTS, sizeof SYN_OPTS, 0);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	assert_std_fields(&s, 6);
	ck_assert_uint_eq(s.flags, TCP_SYN);
	ck_assert_uint_eq(s.header_len, 40);
	ck_assert_uint_eq(s.payload_len, 0);
	assert_syn_opts(&s.opt);
}
END_TEST

/* First fragment (M set), a middle one, and the last (offset, no M). */
static const uint16_t v6_frag_fields[] = { 0x0001, 0x05a9, 0x05a8 };

START_TEST(test_ipv6_fragment)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x86dd);
	ipv6(&p, 44);
	frag6(&p, 6, v6_frag_fields[_i]);
	tcp(&p, TCP_ACK, NULL, 0, 100);
	seal(&p);
	struct ip_fragment f;
	struct decode_info info = {.frag = &f};
	ck_assert_status(decode_packet(DLT_EN10MB, p.b, (uint32_t)p.n, (uint32_t)p.n,
	                               &s, &info), DECODE_IP_FRAGMENT);
	/* The fragmentable part starts after the Fragment header, whose
	 * next header is the datagram's protocol. */
	ck_assert_int_eq(f.ip_version, 6);
	ck_assert_int_eq(f.proto, 6);
	ck_assert_uint_eq(f.id, 0xdeadbeef);
	ck_assert_mem_eq(f.dst_addr, V6_DST, 16);
	ck_assert_uint_eq(f.offset, (v6_frag_fields[_i] >> 3) * 8u);
	ck_assert_int_eq(f.more, v6_frag_fields[_i] & 1);
	ck_assert_uint_eq(f.len, 120);
	ck_assert_ptr_eq(f.data, p.b + p.ip_off + 40 + 8);
}
END_TEST

/* ESP hides the rest (an encapsulation not decoded, named), 59 is "no
 * next header", 58 is ICMPv6, 17 UDP; and ESP after a hop-by-hop header. */
START_TEST(test_ipv6_not_tcp)
{
	static const uint8_t nh[] = { 50, 59, 58, 17 };
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x86dd);
	if (_i < 4) {
		ipv6(&p, nh[_i]);
	} else {
		ipv6(&p, 0);
		ext_padn(&p, 50, 0);
	}
	for (int i = 0; i < 24; i++)
		put8(&p, 0);
	seal(&p);
	bool esp = _i == 0 || _i == 4;
	ck_assert_status(dec(DLT_EN10MB, &p, &s), esp ? DECODE_UNDECODED : DECODE_NOT_TCP);
}
END_TEST

START_TEST(test_ipv6_ext_past_capture)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x86dd);
	ipv6(&p, 60);
	ext_padn(&p, 6, 5); /* 48 bytes */
	tcp(&p, TCP_ACK, NULL, 0, 0);
	seal(&p);
	/* Whole frame is fine ... */
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	/* ... cut inside the extension header it is not, nor with only its
	 * first byte. */
	ck_assert_status(decode_frame(DLT_EN10MB, p.b, ETH + IP6 + 40,
	                              (uint32_t)p.n, &s),
	                 DECODE_BAD_IPV6_EXT);
	ck_assert_status(decode_frame(DLT_EN10MB, p.b, ETH + IP6 + 1,
	                              (uint32_t)p.n, &s),
	                 DECODE_BAD_IPV6_EXT);
	ck_assert(decode_status_is_error(DECODE_BAD_IPV6_EXT));
}
END_TEST

START_TEST(test_ipv6_ext_chain_too_long)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x86dd);
	ipv6(&p, 60);
	for (int i = 0; i < 20; i++)
		ext_padn(&p, i < 19 ? 60 : 6, 0);
	tcp(&p, TCP_ACK, NULL, 0, 0);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_BAD_IPV6_EXT);
}
END_TEST

/* Extension headers longer than the payload length that contains them. */
START_TEST(test_ipv6_ext_past_payload_len)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x86dd);
	ipv6(&p, 60);
	ext_padn(&p, 6, 1);
	tcp(&p, TCP_ACK, NULL, 0, 0);
	seal(&p);
	set16(&p, p.ip_off + 4, 8);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_BAD_IP_TOTAL_LEN);
}
END_TEST

/* Payload length 0 and no jumbo option: GSO / BIG TCP, length from the
 * frame. */
START_TEST(test_ipv6_payload_len_zero_from_frame)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 6, 77);
	set16(&p, p.ip_off + 4, 0);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert(s.ip_len_from_frame);
	ck_assert_uint_eq(s.payload_len, 77);
	ck_assert_uint_eq(s.payload_captured, 77);
}
END_TEST

/* RFC 2675 jumbogram, cut by the snap length: the hop-by-hop Jumbo Payload
 * option gives the length. */
START_TEST(test_ipv6_jumbo_option)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	uint32_t payload = 70000;
	eth(&p, 0x86dd);
	ipv6(&p, 0);
	put8(&p, 6); /* hop-by-hop: next TCP, 16 bytes */
	put8(&p, 1);
	put32(&p, 0);   /* four Pad1, so the option sits at 4n+2 */
	put8(&p, 0xc2); /* Jumbo Payload, 4 bytes */
	put8(&p, 4);
	put32(&p, 16 + TCPH + payload);
	put8(&p, 1);    /* PadN, 2 bytes of padding */
	put8(&p, 2);
	put16(&p, 0);
	tcp(&p, TCP_ACK, NULL, 0, 30);
	/* payload length stays 0, as RFC 2675 requires */
	uint32_t wire = ETH + IP6 + 16 + TCPH + payload;
	ck_assert_status(decode_frame(DLT_EN10MB, p.b, (uint32_t)p.n, wire, &s),
	                 DECODE_OK);
	assert_std_fields(&s, 6);
	ck_assert(!s.ip_len_from_frame);
	ck_assert_uint_eq(s.payload_len, payload);
	ck_assert_uint_eq(s.payload_captured, 30);
}
END_TEST

/* ---- TCP ----------------------------------------------------------------- */

START_TEST(test_tcp_header_19_bytes_truncated)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 0);
	ck_assert_status(decode_frame(DLT_EN10MB, p.b, ETH + IP4 + 19,
	                              (uint32_t)p.n, &s),
	                 DECODE_TRUNCATED_TCP);
	ck_assert(decode_status_is_error(DECODE_TRUNCATED_TCP));
}
END_TEST

/* An IP length that leaves less than a TCP header is the same: fewer than
 * 20 bytes of TCP header, even with more bytes (padding) in the frame. */
START_TEST(test_tcp_header_past_ip_len_truncated)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 0);
	set16(&p, p.ip_off + 2, IP4 + 12);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_TRUNCATED_TCP);
}
END_TEST

START_TEST(test_tcp_offset_below_5)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 10);
	p.b[p.tcp_off + 12] = (uint8_t)(_i << 4); /* data offset 0 .. 4 */
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_BAD_TCP_OFFSET);
	ck_assert(decode_status_is_error(DECODE_BAD_TCP_OFFSET));
}
END_TEST

START_TEST(test_tcp_offset_past_ip_payload)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 1, 1, 1, 1 };
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_ACK, opts, sizeof opts, 0); /* 28-byte header */
	seal(&p);
	p.b[p.tcp_off + 12] = 8 << 4;     /* claims 32 */
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_BAD_TCP_OFFSET);
	p.b[p.tcp_off + 12] = 7 << 4;     /* 28: exactly the IP payload */
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert_uint_eq(s.payload_len, 0);
}
END_TEST

START_TEST(test_sack_two_blocks)
{
	static const uint8_t opts[] = {
		1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8, /* NOP NOP TS 9 8 */
		1, 1, 5, 18,                         /* NOP NOP SACK 2 blocks */
		0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, /* 1000-2000 */
		0xff, 0xff, 0xff, 0xf0, 0x00, 0x00, 0x00, 0x10, /* wraps 2^32 */
	};
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_ACK, opts, sizeof opts, 0);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert_uint_eq(s.header_len, 52);
	ck_assert_uint_eq(s.opt.sack_blocks, 2);
	ck_assert_uint_eq(s.opt.sack[0][0], 1000);
	ck_assert_uint_eq(s.opt.sack[0][1], 2000);
	ck_assert_uint_eq(s.opt.sack[1][0], 0xfffffff0u);
	ck_assert_uint_eq(s.opt.sack[1][1], 0x10);
	ck_assert(s.opt.has_timestamps);
	ck_assert_uint_eq(s.opt.ts_val, 9);
	ck_assert_uint_eq(s.opt.ts_ecr, 8);
	ck_assert(!s.opt.has_mss);
	ck_assert(!s.opt.malformed);
	ck_assert(!s.opt.truncated);
}
END_TEST

START_TEST(test_sack_four_blocks)
{
	uint8_t opts[2 + 4 * 8] = { 5, 34 };
	for (int i = 0; i < 8; i++)
		opts[2 + 4 * i + 3] = (uint8_t)(i + 1);
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_ACK, opts, sizeof opts, 0);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert_uint_eq(s.opt.sack_blocks, 4);
	for (int i = 0; i < 4; i++) {
		ck_assert_uint_eq(s.opt.sack[i][0], 2 * i + 1);
		ck_assert_uint_eq(s.opt.sack[i][1], 2 * i + 2);
	}
}
END_TEST

/* Length 0 or 1 cannot advance the walk: malformed, the walk stops, what
 * came before it stays, and the segment still decodes. */
START_TEST(test_option_len_below_2_malformed)
{
	uint8_t opts[] = { 2, 4, 0x05, 0xb4, 30, (uint8_t)_i, 3, 3, 7 };
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_SYN, opts, sizeof opts, 0);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert(s.opt.malformed);
	ck_assert(!s.opt.truncated);
	ck_assert(s.opt.has_mss);
	ck_assert_uint_eq(s.opt.mss, 1460);
	ck_assert(!s.opt.has_wscale);
}
END_TEST

START_TEST(test_option_past_header_malformed)
{
	/* A timestamp option claiming 10 bytes in a 4-byte options area. */
	uint8_t opts[] = { 1, 1, 8, 10 };
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_ACK, opts, sizeof opts, 20);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert(s.opt.malformed);
	ck_assert(!s.opt.has_timestamps);
	ck_assert_uint_eq(s.header_len, 24);
	ck_assert_uint_eq(s.payload_len, 20);
}
END_TEST

START_TEST(test_option_kind_in_last_byte_malformed)
{
	/* MSS kind in the last byte, no room for its length */
	uint8_t opts[] = { 1, 1, 1, 2 };
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_ACK, opts, sizeof opts, 4);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert(s.opt.malformed);
	ck_assert(!s.opt.has_mss);
}
END_TEST

/* A known kind with the wrong length is not believed, but its length still
 * frames it, so the walk goes on. */
START_TEST(test_option_known_kind_wrong_length)
{
	uint8_t opts[] = { 2, 3, 0x05, 3, 3, 9 };
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_SYN, opts, sizeof opts, 0);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert(s.opt.malformed);
	ck_assert(!s.opt.has_mss);
	ck_assert(s.opt.has_wscale);
	ck_assert_uint_eq(s.opt.wscale, 9);
}
END_TEST

START_TEST(test_option_unknown_kind_skipped)
{
	uint8_t opts[] = { 30, 6, 0xaa, 0xbb, 0xcc, 0xdd, 3, 3, 14 };
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_SYN, opts, sizeof opts, 0);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert(!s.opt.malformed);
	ck_assert(s.opt.has_wscale);
	ck_assert_uint_eq(s.opt.wscale, 14);
}
END_TEST

START_TEST(test_option_eol_ends_walk)
{
	uint8_t opts[] = { 0, 2, 4, 0x05, 0xb4, 1, 1, 1 };
	struct pkt p = { 0 };
	struct tcp_segment s;
	eth(&p, 0x0800);
	ipv4(&p, 6);
	tcp(&p, TCP_SYN, opts, sizeof opts, 0);
	seal(&p);
	ck_assert_status(dec(DLT_EN10MB, &p, &s), DECODE_OK);
	ck_assert(!s.opt.has_mss);
	ck_assert(!s.opt.malformed);
}
END_TEST

/* Snap length inside the options: what was captured is decoded, the rest
 * flagged, nothing called malformed. */
START_TEST(test_options_truncated_by_capture)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 0);
	/* MSS and SACK-permitted, and 4 of the timestamp's 10 bytes */
	uint32_t caplen = ETH + IP4 + TCPH + 10;
	ck_assert_status(decode_frame(DLT_EN10MB, p.b, caplen, (uint32_t)p.n,
	                              &s),
	                 DECODE_OK);
	ck_assert_uint_eq(s.header_len, 40);
	ck_assert_uint_eq(s.payload_len, 0);
	ck_assert_uint_eq(s.payload_captured, 0);
	ck_assert(s.opt.truncated);
	ck_assert(!s.opt.malformed);
	ck_assert(s.opt.has_mss);
	ck_assert_uint_eq(s.opt.mss, 1460);
	ck_assert(s.opt.sack_permitted);
	ck_assert(!s.opt.has_timestamps);
	ck_assert(!s.opt.has_wscale);
}
END_TEST

/* ---- every truncation point ---------------------------------------------- */

/* std_frame(EN10MB, 4, 10): 14 + 20 + 40 + 10 bytes. */
#define TRUNC_V4_LEN (ETH + IP4 + 40 + 10)

START_TEST(test_every_truncation_point_ipv4)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	std_frame(&p, DLT_EN10MB, 4, 10);
	ck_assert_uint_eq(p.n, TRUNC_V4_LEN);
	size_t caplen = (size_t)_i;
	enum decode_status st = decode_frame(DLT_EN10MB, p.b, (uint32_t)caplen,
	                                     (uint32_t)p.n, &s);
	if (caplen >= ETH + IP4 + TCPH) {
		ck_assert_status(st, DECODE_OK);
		assert_std_fields(&s, 4);
		ck_assert_uint_eq(s.header_len, 40);
		ck_assert_uint_eq(s.payload_len, 10);
		size_t hdrs = ETH + IP4 + 40;
		ck_assert_uint_eq(s.payload_captured,
		                  caplen > hdrs ? caplen - hdrs : 0);
		ck_assert(s.opt.truncated == (caplen < ETH + IP4 + 40));
		ck_assert(!s.opt.malformed);
	} else {
		ck_assert_msg(decode_status_is_error(st),
		              "caplen %zu: status \"%s\" is not an error",
		              caplen, decode_status_name(st));
		enum decode_status want = DECODE_TRUNCATED_TCP;
		if (caplen < ETH)
			want = DECODE_TRUNCATED_LINK;
		else if (caplen < ETH + IP4)
			want = DECODE_TRUNCATED_IP;
		ck_assert_status(st, want);
	}
}
END_TEST

/* IPv6 with a destination options header over SLL2: 20 + 40 + 16 + 40 +
 * 5 bytes. */
#define TRUNC_V6_LEN (20 + IP6 + 16 + 40 + 5)

START_TEST(test_every_truncation_point_ipv6)
{
	struct pkt p = { 0 };
	struct tcp_segment s;
	sll2(&p, 0x86dd);
	ipv6(&p, 60);
	ext_padn(&p, 6, 1);
	tcp(&p, TCP_SYN, SYN_OPTS, sizeof SYN_OPTS, 5);
	seal(&p);
	ck_assert_uint_eq(p.n, TRUNC_V6_LEN);
	size_t caplen = (size_t)_i;
	size_t tcp_at = 20 + IP6 + 16;
	enum decode_status st = decode_frame(DLT_LINUX_SLL2, p.b,
	                                     (uint32_t)caplen, (uint32_t)p.n,
	                                     &s);
	if (caplen >= tcp_at + TCPH) {
		ck_assert_status(st, DECODE_OK);
		assert_std_fields(&s, 6);
		ck_assert_uint_eq(s.payload_len, 5);
		size_t hdrs = tcp_at + 40;
		ck_assert_uint_eq(s.payload_captured,
		                  caplen > hdrs ? caplen - hdrs : 0);
		ck_assert(s.opt.truncated == (caplen < tcp_at + 40));
	} else {
		ck_assert_msg(decode_status_is_error(st),
		              "caplen %zu: status \"%s\" is not an error",
		              caplen, decode_status_name(st));
		enum decode_status want = DECODE_TRUNCATED_TCP;
		if (caplen < 20)
			want = DECODE_TRUNCATED_LINK;
		else if (caplen < 20 + IP6)
			want = DECODE_TRUNCATED_IP;
		else if (caplen < tcp_at)
			want = DECODE_BAD_IPV6_EXT; /* in the options header */
		ck_assert_status(st, want);
	}
}
END_TEST

/* ---- status names -------------------------------------------------------- */

START_TEST(test_status_names)
{
	ck_assert_str_eq(decode_status_name(DECODE_OK), "ok");
	ck_assert_str_eq(decode_status_name(DECODE_NOT_IP), "not IP");
	ck_assert_str_eq(decode_status_name(DECODE_NOT_TCP), "not TCP");
	ck_assert_str_eq(decode_status_name(DECODE_IP_FRAGMENT), "IP fragment");
	ck_assert_str_eq(decode_status_name(DECODE_UNSUPPORTED_LINK),
	                 "unsupported link type");
	ck_assert_str_eq(decode_status_name(DECODE_TRUNCATED_LINK),
	                 "truncated link header");
	ck_assert_str_eq(decode_status_name(DECODE_TRUNCATED_IP),
	                 "truncated IP header");
	ck_assert_str_eq(decode_status_name(DECODE_BAD_IP_VERSION),
	                 "bad IP version");
	ck_assert_str_eq(decode_status_name(DECODE_BAD_IP_HEADER_LEN),
	                 "bad IPv4 header length");
	ck_assert_str_eq(decode_status_name(DECODE_BAD_IP_TOTAL_LEN),
	                 "bad IP total length");
	ck_assert_str_eq(decode_status_name(DECODE_BAD_IPV6_EXT),
	                 "bad IPv6 extension header");
	ck_assert_str_eq(decode_status_name(DECODE_TRUNCATED_TCP),
	                 "truncated TCP header");
	ck_assert_str_eq(decode_status_name(DECODE_BAD_TCP_OFFSET),
	                 "bad TCP data offset");
	ck_assert_ptr_nonnull(decode_status_name(DECODE_STATUS_COUNT));
	ck_assert_ptr_nonnull(decode_status_name((enum decode_status)-1));
}
END_TEST

START_TEST(test_status_is_error)
{
	for (int st = 0; st < DECODE_STATUS_COUNT; st++) {
		bool want = st != DECODE_OK && st != DECODE_NOT_IP &&
		            st != DECODE_NOT_TCP && st != DECODE_IP_FRAGMENT &&
		            st != DECODE_UNSUPPORTED_LINK && st != DECODE_UNDECODED;
		ck_assert_msg(decode_status_is_error((enum decode_status)st) ==
		                      want,
		              "%s", decode_status_name((enum decode_status)st));
	}
}
END_TEST

/* ---- robustness ---------------------------------------------------------- */

static const int fuzz_dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
	                         DLT_NULL,   DLT_LOOP,      DLT_RAW,
	                         101,        DLT_IPV4,      DLT_IPV6 };
#define N_FUZZ_DLTS ((int)(sizeof fuzz_dlts / sizeof fuzz_dlts[0]))
#define FUZZ_ROUNDS 100000

/* xorshift64*: fixed seed, so a failure reproduces. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static void assert_invariants(enum decode_status st,
                              const struct tcp_segment *s, uint32_t caplen,
                              int dlt, unsigned round)
{
	ck_assert_msg((unsigned)st < DECODE_STATUS_COUNT,
	              "dlt %d round %u: status %d", dlt, round, (int)st);
	if (st != DECODE_OK)
		return;
	ck_assert_msg(s->header_len >= 20 && s->header_len % 4 == 0,
	              "dlt %d round %u: header_len %u", dlt, round,
	              s->header_len);
	ck_assert_msg(s->payload_captured <= s->payload_len,
	              "dlt %d round %u: captured %u > len %u", dlt, round,
	              s->payload_captured, s->payload_len);
	/* The header is all in the frame unless its options were cut, and
	 * then no payload is. */
	ck_assert_msg(s->opt.truncated ? s->payload_captured == 0
	                               : s->payload_captured + s->header_len <=
	                                         caplen,
	              "dlt %d round %u: more captured than the frame", dlt,
	              round);
	ck_assert_msg(s->ip_version == 4 || s->ip_version == 6,
	              "dlt %d round %u: ip_version %u", dlt, round,
	              s->ip_version);
	ck_assert_uint_le(s->opt.sack_blocks, TCP_MAX_SACK_BLOCKS);
}

/* Random bytes of random length. Most die at the link or IP header; the
 * version nibble is forced half the time so that some reach further. */
START_TEST(test_random_frames)
{
	int dlt = fuzz_dlts[_i];
	uint64_t rng = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;
	uint8_t buf[256];
	struct tcp_segment s;
	for (unsigned r = 0; r < FUZZ_ROUNDS; r++) {
		uint32_t caplen = (uint32_t)(rng_next(&rng) % (sizeof buf + 1));
		for (uint32_t i = 0; i < caplen; i++)
			buf[i] = (uint8_t)rng_next(&rng);
		uint64_t x = rng_next(&rng);
		/* a quarter of them cut by a snap length up to 16 MiB */
		uint32_t extra = x % 4 == 0 ? (uint32_t)(x >> 40) : 0;
		uint32_t wirelen = caplen + extra;
		if ((x & 0x100) && caplen > 0) {
			size_t at = dlt == DLT_EN10MB      ? 14
			            : dlt == DLT_LINUX_SLL  ? 16
			            : dlt == DLT_LINUX_SLL2 ? 20
			            : dlt == DLT_NULL || dlt == DLT_LOOP ? 4
			                                                 : 0;
			if (at < caplen)
				buf[at] = (uint8_t)((x & 0x200 ? 0x40 : 0x60) |
				                    (buf[at] & 0x0f));
		}
		enum decode_status st = decode_frame(dlt, caplen ? buf : NULL,
		                                     caplen, wirelen, &s);
		assert_invariants(st, &s, caplen, dlt, r);
	}
}
END_TEST

/* A valid frame with a few bytes overwritten, cut at a random length,
 * with a random wire length: reaches every layer, which random bytes
 * rarely do. */
START_TEST(test_mutated_frames)
{
	int dlt = fuzz_dlts[_i];
	uint64_t rng = 0x2545f4914f6cdd1dULL + (uint64_t)_i;
	struct pkt base[2];
	memset(base, 0, sizeof base);
	std_frame(&base[0], dlt, dlt == DLT_IPV6 ? 6 : 4, 12);
	link_hdr(&base[1], dlt, dlt == DLT_IPV4 ? 4 : 6);
	if (dlt == DLT_IPV4) {
		ipv4_opts(&base[1], 6, 4);
	} else {
		ipv6(&base[1], 0);
		ext_padn(&base[1], 44, 0);
		frag6(&base[1], 6, 0);
	}
	tcp(&base[1], TCP_ACK, (const uint8_t[]){ 1, 1, 5, 10, 0, 0, 0, 1, 0,
	                                         0, 0, 2 },
	    12, 8);
	seal(&base[1]);

	struct tcp_segment s;
	ck_assert_status(dec(dlt, &base[0], &s), DECODE_OK);
	ck_assert_status(dec(dlt, &base[1], &s), DECODE_OK);

	uint8_t buf[sizeof base[0].b];
	for (unsigned r = 0; r < FUZZ_ROUNDS; r++) {
		const struct pkt *b = &base[r & 1];
		memcpy(buf, b->b, b->n);
		unsigned flips = 1 + (unsigned)(rng_next(&rng) % 6);
		for (unsigned k = 0; k < flips; k++) {
			uint64_t x = rng_next(&rng);
			/* mostly in the headers, where the lengths are */
			size_t span = (x & 0x10000) || b->n < 96 ? b->n : 96;
			size_t at = (size_t)(x % span);
			uint8_t v = (uint8_t)(x >> 32);
			if (x & 0x20000)
				buf[at] = v; /* a new byte */
			else
				buf[at] ^= (uint8_t)(1u << (v & 7)); /* a bit */
		}
		uint64_t y = rng_next(&rng);
		uint32_t caplen = (y & 1) ? (uint32_t)b->n
		                          : (uint32_t)((y >> 8) % (b->n + 1));
		uint32_t wirelen = caplen;
		switch ((y >> 4) & 3) {
		case 0: /* snap length */
			wirelen = (uint32_t)b->n;
			break;
		case 1: /* TSO-sized */
			wirelen = caplen + (uint32_t)((y >> 32) & 0xffff);
			break;
		case 2: /* a broken file: shorter on the wire than captured */
			wirelen = caplen ? caplen - 1 : 0;
			break;
		default:
			break;
		}
		enum decode_status st =
		        decode_frame(dlt, buf, caplen, wirelen, &s);
		assert_invariants(st, &s, caplen, dlt, r);
	}
}
END_TEST

/* ---- suite --------------------------------------------------------------- */

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *decode_suite(void)
{
	Suite *suite = suite_create("decode");
	TCase *tc;

	tc = tcase_create("ethernet ipv4");
	tcase_add_test(tc, test_eth_ipv4_syn_all_fields);
	tcase_add_test(tc, test_eth_ipv4_with_ip_options);
	tcase_add_test(tc, test_flags_all_eight_bits_ae_ignored);
	suite_add_tcase(suite, tc);

	tc = tcase_create("link types");
	tcase_add_test(tc, test_vlan_8021q);
	tcase_add_test(tc, test_options_text);
	tcase_add_loop_test(tc, test_pppoe_session, 0, 3);
	tcase_add_loop_test(tc, test_qinq, 0, 3);
	tcase_add_test(tc, test_vlan_too_many_tags_too_deep);
	tcase_add_test(tc, test_linux_sll);
	tcase_add_test(tc, test_linux_sll_vlan);
	tcase_add_test(tc, test_linux_sll2);
	tcase_add_loop_test(tc, test_raw_ip, 0, N(raw_cases));
	tcase_add_loop_test(tc, test_null_and_loop_family, 0, N(null_cases));
	tcase_add_test(tc, test_unknown_link_type);
	tcase_add_test(tc, test_link_supported);
	tcase_add_test(tc, test_arp_not_ip);
	tcase_add_test(tc, test_8023_length_not_ip);
	tcase_add_loop_test(tc, test_truncated_link_header, 0, N(short_link));
	tcase_add_test(tc, test_null_data_pointer);
	suite_add_tcase(suite, tc);

	tc = tcase_create("ipv4");
	tcase_add_test(tc, test_udp_not_tcp);
	tcase_add_loop_test(tc, test_ip_version_mismatch, 0, N(version_cases));
	tcase_add_loop_test(tc, test_ipv4_fragment, 0, N(v4_frag_fields));
	tcase_add_test(tc, test_ipv4_bad_fragment);
	tcase_add_test(tc, test_ipv4_ihl_lies_past_capture);
	tcase_add_test(tc, test_ipv4_options_cut_by_snaplen);
	tcase_add_loop_test(tc, test_ipv4_ihl_below_5, 0, 5);
	tcase_add_test(tc, test_ipv4_total_len_below_header);
	tcase_add_test(tc, test_ipv4_total_len_zero_tso);
	tcase_add_test(tc, test_ipv4_tso_snaplen_uses_wirelen);
	tcase_add_test(tc, test_ipv4_total_len_past_frame);
	tcase_add_test(tc, test_eth_padding_ignored);
	tcase_add_test(tc, test_snaplen_truncated_payload);
	suite_add_tcase(suite, tc);

	tc = tcase_create("ipv6");
	tcase_add_test(tc, test_ipv6_hbh_and_dstopts);
	tcase_add_test(tc, test_ipv6_routing_and_ah);
	tcase_add_test(tc, test_ipv6_atomic_fragment_decoded);
	tcase_add_loop_test(tc, test_ipv6_fragment, 0, N(v6_frag_fields));
	tcase_add_loop_test(tc, test_ipv6_not_tcp, 0, 5);
	tcase_add_test(tc, test_ipv6_ext_past_capture);
	tcase_add_test(tc, test_ipv6_ext_chain_too_long);
	tcase_add_test(tc, test_ipv6_ext_past_payload_len);
	tcase_add_test(tc, test_ipv6_payload_len_zero_from_frame);
	tcase_add_test(tc, test_ipv6_jumbo_option);
	suite_add_tcase(suite, tc);

	tc = tcase_create("tcp");
	tcase_add_test(tc, test_tcp_header_19_bytes_truncated);
	tcase_add_test(tc, test_tcp_header_past_ip_len_truncated);
	tcase_add_loop_test(tc, test_tcp_offset_below_5, 0, 5);
	tcase_add_test(tc, test_tcp_offset_past_ip_payload);
	tcase_add_test(tc, test_sack_two_blocks);
	tcase_add_test(tc, test_sack_four_blocks);
	tcase_add_loop_test(tc, test_option_len_below_2_malformed, 0, 2);
	tcase_add_test(tc, test_option_past_header_malformed);
	tcase_add_test(tc, test_option_kind_in_last_byte_malformed);
	tcase_add_test(tc, test_option_known_kind_wrong_length);
	tcase_add_test(tc, test_option_unknown_kind_skipped);
	tcase_add_test(tc, test_option_eol_ends_walk);
	tcase_add_test(tc, test_options_truncated_by_capture);
	suite_add_tcase(suite, tc);

	tc = tcase_create("truncation");
	tcase_add_loop_test(tc, test_every_truncation_point_ipv4, 0,
	                    TRUNC_V4_LEN);
	tcase_add_loop_test(tc, test_every_truncation_point_ipv6, 0,
	                    TRUNC_V6_LEN);
	suite_add_tcase(suite, tc);

	tc = tcase_create("status");
	tcase_add_test(tc, test_status_names);
	tcase_add_test(tc, test_status_is_error);
	suite_add_tcase(suite, tc);

	tc = tcase_create("robustness");
	/* 2 x 100000 frames per link type; generous for ASan builds. */
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_random_frames, 0, N_FUZZ_DLTS);
	tcase_add_loop_test(tc, test_mutated_frames, 0, N_FUZZ_DLTS);
	suite_add_tcase(suite, tc);

	return suite;
}
