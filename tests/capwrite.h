/* capwrite: captures written byte by byte for the hostile-input and crash
 * tests, so that every header field, sound or broken, is the test's own
 * choice: classic pcap (little-endian, microseconds), a minimal pcapng,
 * Ethernet/IPv4/TCP frames, and generated traffic (a SYN flood, many
 * whole connections). Files only; nothing here decodes. */
#ifndef TCPLADDER_CAPWRITE_H
#define TCPLADDER_CAPWRITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A whole file into a malloc'd buffer (the test fails if it cannot). */
uint8_t *cw_read_file(const char *path, size_t *len);
/* The first len bytes of data as the file path. */
void cw_write_file(const char *path, const uint8_t *data, size_t len);

/* The offset just past each record of a classic little-endian pcap file
 * (at most max); how many whole records there are. */
int cw_pcap_record_ends(const uint8_t *file, size_t len, uint64_t *ends, int max);

/* A pcap file header; the stream is positioned after it. */
FILE *cw_pcap_create(const char *path, uint32_t linktype, uint32_t snaplen);
/* A record header stamped ts_us microseconds after 2024-01-01, then (for
 * cw_pcap_record) the caplen bytes of data. */
void cw_pcap_record_header(FILE *f, uint64_t ts_us, uint32_t caplen, uint32_t len);
void cw_pcap_record(FILE *f, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
                    uint32_t len);
/* A whole record stamped at sec.usec since 1970, sec negative before it
 * (the format's seconds field is signed, as libpcap reads it). */
void cw_pcap_record_at(FILE *f, int32_t sec, uint32_t usec, const uint8_t *data,
                       uint32_t caplen);

/* pcapng: a section header block of shb_len bytes as its length field
 * says (28 is right) and one Ethernet interface; then enhanced packet
 * blocks of interface 0, caplen as the block says (may differ from the
 * bytes given), block length block_len, or the right one when 0. */
void cw_pcapng_header(FILE *f, uint32_t shb_len);
void cw_pcapng_packet(FILE *f, const uint8_t *data, uint32_t len, uint32_t caplen,
                      uint32_t block_len);

/* An Ethernet/IPv4/TCP frame with a 20-byte header plus options, payload
 * bytes of 'x', lengths and IPv4 checksum right (TCP checksum 0). */
struct cw_tcp {
	uint32_t src, dst; /* host order */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	const uint8_t *opts; /* a multiple of 4 bytes */
	uint32_t opts_len;
};
uint32_t cw_tcp_frame(uint8_t *buf, const struct cw_tcp *t, uint32_t payload);

/* A nanosecond pcap (magic a1b23c4d) and its records, stamped ts_ns
 * since the epoch. */
FILE *cw_pcap_create_ns(const char *path, uint32_t linktype, uint32_t snaplen);
void cw_pcap_record_ns(FILE *f, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                       uint32_t len);

/* An Ethernet/IPv4 or IPv6/TCP frame with every field the test's: IP ID
 * and TTL (hop limit), the timestamp option when ts, payload bytes (NULL:
 * 'x'). Returns its length; buf must hold 14 + 40 + 32 + len. */
struct cw_seg {
	bool v6;
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win, ip_id;
	uint8_t ttl;
	bool ts;
	uint32_t tsval, tsecr;
	const uint8_t *payload;
	uint32_t len;
};
uint32_t cw_seg_frame(uint8_t *buf, const struct cw_seg *s);

/* n SYNs, each from its own address and port to 192.168.0.1:80, 1 us
 * apart. */
void cw_write_syn_flood(const char *path, uint32_t n);
/* n whole connections (handshake, 100 bytes each way, FIN close: 9
 * segments), 16 open at once, interleaved, 10 us apart; the seed
 * varies the addresses and ISNs. */
void cw_write_connections(const char *path, uint32_t n, uint32_t seed);

#endif
