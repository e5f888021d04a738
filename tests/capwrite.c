/* capwrite: see capwrite.h. */
#include "capwrite.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static const uint64_t BASE_SEC = 1704067200; /* 2024-01-01T00:00:00Z */

uint8_t *cw_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	uint8_t *buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void cw_write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "%s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int cw_pcap_record_ends(const uint8_t *file, size_t len, uint64_t *ends, int max)
{
	size_t off = 24;
	int n = 0;
	while (n < max && off + 16 <= len) {
		uint64_t end = off + 16 + (uint64_t)le32(file + off + 8);
		if (end > len)
			break;
		ends[n++] = end;
		off = (size_t)end;
	}
	return n;
}

static void put_le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	fwrite(b, 1, 4, f);
}

static void put_le16(FILE *f, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	fwrite(b, 1, 2, f);
}

FILE *cw_pcap_create(const char *path, uint32_t linktype, uint32_t snaplen)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "%s", path);
	put_le32(f, 0xa1b2c3d4);
	put_le16(f, 2);
	put_le16(f, 4);
	put_le32(f, 0); /* thiszone */
	put_le32(f, 0); /* sigfigs */
	put_le32(f, snaplen);
	put_le32(f, linktype);
	return f;
}

void cw_pcap_record_header(FILE *f, uint64_t ts_us, uint32_t caplen, uint32_t len)
{
	put_le32(f, (uint32_t)(BASE_SEC + ts_us / 1000000));
	put_le32(f, (uint32_t)(ts_us % 1000000));
	put_le32(f, caplen);
	put_le32(f, len);
}

void cw_pcap_record_at(FILE *f, int32_t sec, uint32_t usec, const uint8_t *data,
                       uint32_t caplen)
{
	put_le32(f, (uint32_t)sec);
	put_le32(f, usec);
	put_le32(f, caplen);
	put_le32(f, caplen);
	fwrite(data, 1, caplen, f);
}

void cw_pcap_record(FILE *f, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
                    uint32_t len)
{
	cw_pcap_record_header(f, ts_us, caplen, len);
	if (caplen)
		fwrite(data, 1, caplen, f);
}

void cw_pcapng_header(FILE *f, uint32_t shb_len)
{
	put_le32(f, 0x0a0d0d0a);
	put_le32(f, shb_len);
	put_le32(f, 0x1a2b3c4d);
	put_le16(f, 1);
	put_le16(f, 0);
	put_le32(f, 0xffffffff); /* section length unknown */
	put_le32(f, 0xffffffff);
	put_le32(f, shb_len);
	/* Interface 0: Ethernet, no snap length. */
	put_le32(f, 1);
	put_le32(f, 20);
	put_le16(f, 1);
	put_le16(f, 0);
	put_le32(f, 0);
	put_le32(f, 20);
}

void cw_pcapng_packet(FILE *f, const uint8_t *data, uint32_t len, uint32_t caplen,
                      uint32_t block_len)
{
	uint32_t padded = (len + 3) & ~3u;
	uint32_t total = block_len ? block_len : 32 + padded;
	uint64_t ts = BASE_SEC * 1000000; /* pcapng's default resolution */
	put_le32(f, 6);
	put_le32(f, total);
	put_le32(f, 0);
	put_le32(f, (uint32_t)(ts >> 32));
	put_le32(f, (uint32_t)ts);
	put_le32(f, caplen);
	put_le32(f, len);
	fwrite(data, 1, len, f);
	static const uint8_t zero[4];
	fwrite(zero, 1, padded - len, f);
	put_le32(f, total);
}

static void be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v);
}

uint32_t cw_tcp_frame(uint8_t *buf, const struct cw_tcp *t, uint32_t payload)
{
	static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 1}, mac_b[6] = {2, 0, 0, 0, 0, 2};
	uint8_t *ip = buf + 14, *tcp = ip + 20;
	uint32_t hl = 20 + t->opts_len;
	memcpy(buf, mac_b, 6);
	memcpy(buf + 6, mac_a, 6);
	be16(buf + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	be16(ip + 2, 20 + hl + payload);
	be16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	be32(ip + 12, t->src);
	be32(ip + 16, t->dst);
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	be16(ip + 10, ~sum & 0xffff);
	memset(tcp, 0, 20);
	be16(tcp, t->sport);
	be16(tcp + 2, t->dport);
	be32(tcp + 4, t->seq);
	be32(tcp + 8, t->ack);
	tcp[12] = (uint8_t)((hl / 4) << 4);
	tcp[13] = t->flags;
	be16(tcp + 14, 65535);
	if (t->opts_len)
		memcpy(tcp + 20, t->opts, t->opts_len);
	memset(tcp + hl, 'x', payload);
	return 14 + 20 + hl + payload;
}

void cw_write_syn_flood(const char *path, uint32_t n)
{
	FILE *f = cw_pcap_create(path, 1, 65535);
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	uint8_t buf[128];
	for (uint32_t i = 0; i < n; i++) {
		struct cw_tcp t = {.src = 0x0a000000 + i / 50000, .dst = 0xc0a80001,
		                   .sport = (uint16_t)(10000 + i % 50000), .dport = 80,
		                   .seq = i * 2654435761u, .flags = TCP_SYN};
		uint32_t len = cw_tcp_frame(buf, &t, 0);
		cw_pcap_record(f, i, buf, len, len);
	}
	ck_assert_int_eq(fclose(f), 0);
}

/* One connection's next segment: 0 SYN, 1 SYN,ACK, 2 ACK, 3 request,
 * 4 response, 5 ACK, 6 client FIN, 7 server FIN, 8 last ACK. */
static uint32_t connection_step(uint8_t *buf, uint32_t id, uint32_t seed, int step)
{
	uint32_t c = 0x0a000000 + (id / 50000) + (seed << 16), s = 0xc0a80001;
	uint16_t cp = (uint16_t)(10000 + id % 50000);
	uint32_t ci = id * 2654435761u + seed, si = ci ^ 0x5bd1e995;
	static const struct {
		bool from_client;
		uint8_t flags;
		uint32_t seq, ack, len; /* relative */
	} plan[9] = {
		{true, TCP_SYN, 0, 0, 0},
		{false, TCP_SYN | TCP_ACK, 0, 1, 0},
		{true, TCP_ACK, 1, 1, 0},
		{true, TCP_ACK | TCP_PSH, 1, 1, 100},
		{false, TCP_ACK | TCP_PSH, 1, 101, 100},
		{true, TCP_ACK, 101, 101, 0},
		{true, TCP_ACK | TCP_FIN, 101, 101, 0},
		{false, TCP_ACK | TCP_FIN, 101, 102, 0},
		{true, TCP_ACK, 102, 102, 0},
	};
	bool fc = plan[step].from_client;
	struct cw_tcp t = {.src = fc ? c : s, .dst = fc ? s : c, .sport = fc ? cp : 80,
	                   .dport = fc ? 80 : cp, .seq = (fc ? ci : si) + plan[step].seq,
	                   .ack = step ? (fc ? si : ci) + plan[step].ack : 0,
	                   .flags = plan[step].flags};
	return cw_tcp_frame(buf, &t, plan[step].len);
}

void cw_write_connections(const char *path, uint32_t n, uint32_t seed)
{
	FILE *f = cw_pcap_create(path, 1, 65535);
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	uint8_t buf[256];
	uint64_t ts = 0;
	enum { OPEN = 16 };
	for (uint32_t first = 0; first < n; first += OPEN) {
		uint32_t last = first + OPEN < n ? first + OPEN : n;
		for (int step = 0; step < 9; step++) {
			for (uint32_t id = first; id < last; id++) {
				uint32_t len = connection_step(buf, id, seed, step);
				cw_pcap_record(f, ts, buf, len, len);
				ts += 10;
			}
		}
	}
	ck_assert_int_eq(fclose(f), 0);
}

FILE *cw_pcap_create_ns(const char *path, uint32_t linktype, uint32_t snaplen)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "%s", path);
	put_le32(f, 0xa1b23c4d);
	put_le16(f, 2);
	put_le16(f, 4);
	put_le32(f, 0);
	put_le32(f, 0);
	put_le32(f, snaplen);
	put_le32(f, linktype);
	return f;
}

void cw_pcap_record_ns(FILE *f, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                       uint32_t len)
{
	put_le32(f, (uint32_t)(ts_ns / 1000000000));
	put_le32(f, (uint32_t)(ts_ns % 1000000000));
	put_le32(f, caplen);
	put_le32(f, len);
	fwrite(data, 1, caplen, f);
}

uint32_t cw_seg_frame(uint8_t *buf, const struct cw_seg *s)
{
	static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 1}, mac_b[6] = {2, 0, 0, 0, 0, 2};
	uint32_t iphl = s->v6 ? 40 : 20, thl = s->ts ? 32 : 20;
	uint8_t *ip = buf + 14, *tcp = ip + iphl;
	memcpy(buf, mac_b, 6);
	memcpy(buf + 6, mac_a, 6);
	be16(buf + 12, s->v6 ? 0x86dd : 0x0800);
	if (s->v6) {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		be16(ip + 4, thl + s->len);
		ip[6] = 6;
		ip[7] = s->ttl;
		memcpy(ip + 8, s->src, 16);
		memcpy(ip + 24, s->dst, 16);
	} else {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		be16(ip + 2, iphl + thl + s->len);
		be16(ip + 4, s->ip_id);
		be16(ip + 6, 0x4000);
		ip[8] = s->ttl;
		ip[9] = 6;
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, s->dst, 4);
		uint32_t sum = 0;
		for (int i = 0; i < 20; i += 2)
			sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		be16(ip + 10, ~sum & 0xffff);
	}
	memset(tcp, 0, thl);
	be16(tcp, s->sport);
	be16(tcp + 2, s->dport);
	be32(tcp + 4, s->seq);
	be32(tcp + 8, s->ack);
	tcp[12] = (uint8_t)((thl / 4) << 4);
	tcp[13] = s->flags;
	be16(tcp + 14, s->win);
	if (s->ts) { /* NOP NOP TS */
		tcp[20] = 1;
		tcp[21] = 1;
		tcp[22] = 8;
		tcp[23] = 10;
		be32(tcp + 24, s->tsval);
		be32(tcp + 28, s->tsecr);
	}
	if (s->payload)
		memcpy(tcp + thl, s->payload, s->len);
	else
		memset(tcp + thl, 'x', s->len);
	return 14 + iphl + thl + s->len;
}
