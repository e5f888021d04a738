/* tunnels: TCP inside tunnels, encapsulations and uncommon link types
 * (src/decode_link.c, src/decode_tunnel.c), with real values, through the
 * binary.
 *
 *  - real captures: every file of ../shared/corpus-tunnels ingested by the
 *    binary, its segments equal to tshark's TCP frames, its connections,
 *    and the tunnel path of a connection as text, checked against tshark's
 *    view of the outer headers (not just recorded from our output);
 *  - never silent: an encapsulation not decoded is counted, named in
 *    capture_undecoded and on stderr, and decoded once its port is named
 *    (--tunnel-port, and decode_config_add_port behind it);
 *  - flows.tunnel_changes: the identifiers that differ by direction are no
 *    change, another outer address pair or no tunnel is.
 *
 * Crafted frames decoded one by one, and the hostile ones (nesting bounds,
 * every truncation, every byte mutated), are the tunnel_frames suite
 * (test_tunnel_frames.c); the frames written here come from the same
 * builder (tunnel_frames.h).
 *
 * The corpus tests are not registered (and say so) when the corpus is
 * absent; they need no tshark: its counts are written below. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capwrite.h"
#include "decode.h"
#include "suites.h"
#include "testutil.h"
#include "tunnel_frames.h"

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

static void inner_segment(struct tf_frame *f, const struct hop *h)
{
	tf_ip4(f, 6, h->from_server ? TF_IN4_DST : TF_IN4_SRC,
	       h->from_server ? TF_IN4_SRC : TF_IN4_DST);
	tf_tcp_hdr(f, h->from_server ? TF_DPORT : TF_SPORT, h->from_server ? TF_SPORT : TF_DPORT,
	           h->seq, h->ack, h->flags, 0);
}

static const struct hop handshake[] = {
	{ false, TCP_SYN, 100, 0 },
	{ true, TCP_SYN | TCP_ACK, 500, 101 },
	{ false, TCP_ACK, 101, 501 },
	{ false, TCP_ACK | TCP_FIN, 101, 501 },
};

static void write_frame(FILE *out, uint64_t ts, struct tf_frame *f)
{
	tf_seal(f);
	cw_pcap_record(out, ts, f->b, (uint32_t)f->n, (uint32_t)f->n);
}

/* Frame 1 an ARP, frames 2-4 the handshake in VXLAN (VNI 42) on UDP 8472,
 * Linux's default, outer addresses A and B each way. */
static void write_vxlan_8472(const char *path)
{
	FILE *out = cw_pcap_create(path, 1, 65535);
	struct tf_frame arp = { 0 };
	tf_eth(&arp, 0x0806);
	tf_fill(&arp, 0, 28);
	write_frame(out, 0, &arp);
	for (int i = 0; i < 3; i++) {
		const struct hop *h = &handshake[i];
		struct tf_frame f = { 0 };
		tf_eth(&f, 0x0800);
		tf_ip4(&f, 17, h->from_server ? TUN_B : TUN_A, h->from_server ? TUN_A : TUN_B);
		tf_udp(&f, (uint16_t)(51000 + i), 8472);
		tf_put32(&f, 0x08000000);
		tf_put32(&f, 42 << 8);
		tf_eth(&f, 0x0800);
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
		struct tf_frame f = { 0 };
		tf_eth(&f, 0x0800);
		if (ways[i].gre) {
			const uint8_t *c = ways[i].outer_client;
			tf_ip4(&f, 47, h->from_server ? TUN_B : c, h->from_server ? c : TUN_B);
			tf_put16(&f, 0x2000);
			tf_put16(&f, 0x0800);
			tf_put32(&f, ways[i].key);
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

	TCase *tc = tcase_create("ports");
	tcase_add_test(tc, config_add_port);
	suite_add_tcase(s, tc);

	tc = tcase_create("end_to_end");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, vxlan_8472_named_then_decoded);
	tcase_add_test(tc, tunnel_port_usage_errors);
	tcase_add_test(tc, tunnel_changes_by_direction_and_way);
	suite_add_tcase(s, tc);
	return s;
}
