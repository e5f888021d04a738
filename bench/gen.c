/* gen: the benchmark's capture generator. It writes a synthetic Ethernet
 * capture with libpcap's pcap_dump: CONNS TCP connections, each a handshake,
 * a request, its ACK, a response of one or more data segments, their ACK
 * and a FIN close (SEGS segments; 10 is the shortest, each one more is one
 * more response segment), ACTIVE of them open at once and interleaved one
 * segment per open connection per round, as ../shared/bench/gen.c does:
 * `gen -c 200000 -a 1000 big.pcap` has the shape of that generator's
 * `gen big.pcap 200000 1000` (2,000,000 packets). With -l a fraction of the
 * data segments is sent twice, the copy on that connection's next turn, a
 * round of the other open connections later: a retransmission as tshark
 * and tcpladder flag it. Everything comes from one seeded generator, so the
 * same arguments write the same bytes. Headers are well-formed IPv4/TCP
 * (IP checksum included); TCP checksums are left zero, as nobody here
 * checks them. Prints "PACKETS packets CONNS connections RETRANS
 * retransmissions" on stdout.
 *
 * With -y it writes a SYN flood instead (bench/synflood.sh): CONNS SYNs,
 * each from its own address (10.0.0.0/8 counted up) and a random port and
 * ISN, none answered: every one a connection of one segment, which is
 * what a table of connections must survive without holding memory for
 * all of them. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	HDR_LEN = 14 + 20 + 20,   /* Ethernet, IPv4, TCP without options */
	MAX_PAYLOAD = 1500 - 40,  /* an Ethernet MTU */
	MIN_SEGS = 10,
	TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_PSH = 0x08, TCP_ACK = 0x10,
};

/* One open connection: what it sends next, and a retransmission owed. */
struct conn {
	uint32_t cip, sip;
	uint16_t cport, sport;
	uint32_t cisn, sisn;
	int step;            /* next segment, 0-based; -1: slot free */
	int retx;            /* 1: the next turn resends the last data segment */
	int retx_from_client;
	uint8_t retx_flags;
	uint32_t retx_seq, retx_ack, retx_len;
};

struct gen {
	pcap_dumper_t *out;
	struct pcap_pkthdr hdr;  /* the running clock lives in hdr.ts */
	uint16_t ip_id;
	uint64_t rng;
	double loss;
	uint32_t req_len, resp_len;
	int segs;
	long packets, retrans;
	unsigned char pkt[HDR_LEN + MAX_PAYLOAD];
};

/* splitmix64: small, fast, and the same sequence on every libc. */
static uint64_t rnd(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double rnd_unit(struct gen *g)
{
	return (double)(rnd(g) >> 11) / (double)(1ull << 53);
}

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint16_t ip_checksum(const unsigned char *p, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Writes one segment; the payload bytes are filled once in main. */
static void emit(struct gen *g, const struct conn *c, int from_client,
                 uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	unsigned char *eth = g->pkt, *ip = eth + 14, *tcp = ip + 20;
	static const unsigned char mac_c[6] = {0x02, 0, 0, 0, 0, 1};
	static const unsigned char mac_s[6] = {0x02, 0, 0, 0, 0, 2};

	memcpy(eth, from_client ? mac_s : mac_c, 6);
	memcpy(eth + 6, from_client ? mac_c : mac_s, 6);
	put16(eth + 12, 0x0800);

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, 40 + len);
	put16(ip + 4, g->ip_id++);
	put16(ip + 6, 0x4000);   /* don't fragment */
	ip[8] = 64;
	ip[9] = 6;
	put16(ip + 10, 0);
	put32(ip + 12, from_client ? c->cip : c->sip);
	put32(ip + 16, from_client ? c->sip : c->cip);
	put16(ip + 10, ip_checksum(ip, 20));

	put16(tcp, from_client ? c->cport : c->sport);
	put16(tcp + 2, from_client ? c->sport : c->cport);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	put16(tcp + 14, 65535);
	put32(tcp + 16, 0);      /* checksum, urgent pointer */

	g->hdr.caplen = g->hdr.len = HDR_LEN + len;
	pcap_dump((u_char *)g->out, &g->hdr, g->pkt);
	g->packets++;
	g->hdr.ts.tv_usec += 37;
	if (g->hdr.ts.tv_usec >= 1000000) {
		g->hdr.ts.tv_usec -= 1000000;
		g->hdr.ts.tv_sec++;
	}
}

/* A data segment, owed once more with probability loss. */
static void emit_data(struct gen *g, struct conn *c, int from_client,
                      uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	emit(g, c, from_client, flags, seq, ack, len);
	if (g->loss > 0 && rnd_unit(g) < g->loss) {
		c->retx = 1;
		c->retx_from_client = from_client;
		c->retx_flags = flags;
		c->retx_seq = seq;
		c->retx_ack = ack;
		c->retx_len = len;
	}
}

static void conn_start(struct gen *g, struct conn *c)
{
	uint64_t r = rnd(g);
	c->cip = 0x0a000000 | (uint32_t)(r & 0xffffff);        /* 10/8 */
	c->sip = 0xc0a80000 | (uint32_t)(r >> 24 & 0xff);      /* 192.168.0/24 */
	c->cport = 1024 + (r >> 32) % 64000;
	c->sport = r >> 63 ? 443 : 80;
	r = rnd(g);
	c->cisn = (uint32_t)r;
	c->sisn = (uint32_t)(r >> 32);
	c->step = 0;
	c->retx = 0;
}

/* Sends the connection's next segment; returns 1 when it has closed. */
static int conn_step(struct gen *g, struct conn *c)
{
	uint32_t q = g->req_len, r = g->resp_len;
	int nresp = g->segs - MIN_SEGS + 1;       /* response segments */
	uint32_t cs = c->cisn + 1, ss = c->sisn + 1;  /* first data bytes */
	uint32_t cend = cs + q, send = ss + (uint32_t)nresp * r;
	int s = c->step;

	if (c->retx) {
		c->retx = 0;
		g->retrans++;
		emit(g, c, c->retx_from_client, c->retx_flags, c->retx_seq,
		     c->retx_ack, c->retx_len);
		return 0;
	}
	if (s == 0)
		emit(g, c, 1, TCP_SYN, c->cisn, 0, 0);
	else if (s == 1)
		emit(g, c, 0, TCP_SYN | TCP_ACK, c->sisn, cs, 0);
	else if (s == 2)
		emit(g, c, 1, TCP_ACK, cs, ss, 0);
	else if (s == 3)
		emit_data(g, c, 1, TCP_PSH | TCP_ACK, cs, ss, q);
	else if (s == 4)
		emit(g, c, 0, TCP_ACK, ss, cend, 0);
	else if (s < 5 + nresp) {
		int i = s - 5;
		emit_data(g, c, 0, TCP_ACK | (i == nresp - 1 ? TCP_PSH : 0),
		          ss + (uint32_t)i * r, cend, r);
	} else if (s == 5 + nresp)
		emit(g, c, 1, TCP_ACK, cend, send, 0);
	else if (s == 6 + nresp)
		emit(g, c, 1, TCP_FIN | TCP_ACK, cend, send, 0);
	else if (s == 7 + nresp)
		emit(g, c, 0, TCP_FIN | TCP_ACK, send, cend + 1, 0);
	else
		emit(g, c, 1, TCP_ACK, cend + 1, send + 1, 0);
	/* The last segment is an ACK, so no retransmission is owed here. */
	return ++c->step == g->segs;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: gen [-c CONNS] [-s SEGS] [-a ACTIVE] [-q REQ] [-r RESP]\n"
	        "           [-l LOSS] [-S SEED] OUT.pcap\n"
	        "  -c CONNS   connections (default 200000)\n"
	        "  -s SEGS    segments per connection, at least 10 (default 10)\n"
	        "  -a ACTIVE  connections open at once (default 1000)\n"
	        "  -q REQ     request payload bytes, 1-1460 (default 200)\n"
	        "  -r RESP    bytes per response segment, 1-1460 (default 1400)\n"
	        "  -l LOSS    fraction of data segments sent twice (default 0)\n"
	        "  -S SEED    random seed (default 7)\n"
	        "  -y         a SYN flood: CONNS lone SYNs from distinct addresses\n");
	exit(2);
}

static long arg_long(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static struct gen g;
	long nconns = 200000, active = 1000;
	int opt, flood = 0;

	g.segs = MIN_SEGS;
	g.req_len = 200;
	g.resp_len = 1400;
	g.rng = 7;
	while ((opt = getopt(argc, argv, "c:s:a:q:r:l:S:y")) != -1) {
		char *end;
		switch (opt) {
		case 'c': nconns = arg_long(optarg, 1, 1L << 40); break;
		case 's': g.segs = arg_long(optarg, MIN_SEGS, 1 << 20); break;
		case 'a': active = arg_long(optarg, 1, 1 << 24); break;
		case 'q': g.req_len = arg_long(optarg, 1, MAX_PAYLOAD); break;
		case 'r': g.resp_len = arg_long(optarg, 1, MAX_PAYLOAD); break;
		case 'S': g.rng = arg_long(optarg, 0, 1L << 62); break;
		case 'y': flood = 1; break;
		case 'l':
			g.loss = strtod(optarg, &end);
			if (*end != '\0' || !(g.loss >= 0 && g.loss <= 1))
				usage();
			break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	if (active > nconns)
		active = nconns;

	FILE *f = fopen(argv[optind], "wb");
	if (!f) {
		fprintf(stderr, "gen: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	g.out = dead ? pcap_dump_fopen(dead, f) : NULL;
	struct conn *conns = calloc(active, sizeof *conns);
	if (!g.out || !conns) {
		fprintf(stderr, "gen: %s\n", dead ? pcap_geterr(dead) : "out of memory");
		return 1;
	}
	memset(g.pkt + HDR_LEN, 'x', MAX_PAYLOAD);
	g.hdr.ts.tv_sec = 1700000000;

	if (flood) {
		if (nconns > 1L << 24)
			usage(); /* one address each in 10.0.0.0/8 */
		struct conn c;
		for (long i = 0; i < nconns; i++) {
			conn_start(&g, &c);
			c.cip = 0x0a000000 | (uint32_t)i;
			emit(&g, &c, 1, TCP_SYN, c.cisn, 0, 0);
		}
	}
	long started = 0, done = 0;
	for (long i = 0; i < active; i++)
		conns[i].step = -1;
	while (!flood && done < nconns) {
		for (long i = 0; i < active; i++) {
			struct conn *c = &conns[i];
			if (c->step < 0) {
				if (started == nconns)
					continue;
				started++;
				conn_start(&g, c);
			}
			if (conn_step(&g, c)) {
				c->step = -1;
				done++;
			}
		}
	}
	pcap_dump_flush(g.out);
	int bad = ferror(f);
	pcap_dump_close(g.out);
	pcap_close(dead);
	free(conns);
	if (bad) {
		fprintf(stderr, "gen: %s: write error\n", argv[optind]);
		return 1;
	}
	printf("%ld packets %ld connections %ld retransmissions\n", g.packets,
	       nconns, g.retrans);
	return 0;
}
