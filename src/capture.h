/* capture: the bytes of one capture file, through libpcap.
 *
 * Owns opening a path or stdin ("-"), gzip (zlib reads plain files through
 * the same call, so one path serves both), the content hash (SHA-256 of the
 * bytes libpcap reads, after gunzip) and telling capture files from other
 * files in a directory. It reads packets; it decodes none.
 *
 * Classic pcap is read by libpcap; pcapng by pcapng.c, because libpcap
 * refuses a pcapng file whose interfaces have different link types. Both
 * read through a stdio stream made with fopencookie(), so gzip and hashing
 * need no temporary file and stdin streams. */
#ifndef TCPLADDER_CAPTURE_H
#define TCPLADDER_CAPTURE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAPTURE_SHA256_HEX 65 /* 64 hex digits and NUL */

#include "pcapng.h"

struct capture;

/* SHA-256 of the file's content after gunzip, read in one pass before
 * ingesting (cheap next to ingest, and lets a known capture be skipped
 * without decoding it). 0 on success; -1 with err filled. */
int capture_hash_file(const char *path, char hex[CAPTURE_SHA256_HEX],
                      char *err, size_t errlen);

/* The SHA-256 of len bytes, as hex ("" only when libcrypto fails). */
void capture_hash_bytes(const void *data, size_t len, char hex[CAPTURE_SHA256_HEX]);

/* Opens path ("-" for stdin) for reading with libpcap, timestamps in
 * nanoseconds. With hash_while_reading, the content hash is computed as the
 * bytes go by (for stdin, which cannot be read twice). NULL on failure with
 * err filled (libpcap's reason, or the system's). */
struct capture *capture_open(const char *path, bool hash_while_reading,
                             char *err, size_t errlen);

/* Does a tcpdump filter expression compile (for Ethernet)? err says why
 * not. */
bool capture_filter_is_valid(const char *bpf, char *err, size_t errlen);

/* Keep only packets matching a tcpdump filter expression (compiled for
 * each link type as it appears). Frame numbers still count every packet.
 * -1 with err filled when it does not compile. */
int capture_set_filter(struct capture *cap, const char *bpf, char *err,
                       size_t errlen);

struct capture_packet {
	uint64_t frame;        /* 1-based, as tcpdump and tshark number it */
	int dlt;               /* its link type (pcapng: its interface's) */
	int64_t ts_ns;
	uint32_t caplen, len;  /* bytes in data; bytes on the wire */
	const uint8_t *data;   /* valid until the next call */
};

/* The next packet (that passes the filter): 1 with *pkt filled, 0 at the
 * end, -1 when the file is damaged (capture_error() says how; the packets
 * before were good). */
int capture_next(struct capture *cap, struct capture_packet *pkt);
const char *capture_error(const struct capture *cap);

/* Frames read so far, those a filter passed over included. */
uint64_t capture_frames(const struct capture *cap);

/* How far into the file reading has come, in the file's own bytes (a
 * gzip file's compressed ones, a little ahead of the packets returned:
 * zlib and stdio read ahead), to set against its size; 0 when not known
 * (stdin from a pipe). */
uint64_t capture_bytes_read(const struct capture *cap);

/* The file's link type: pcap's header, or pcapng's first packet's
 * interface (-1 before it). */
int capture_linktype(const struct capture *cap);

/* The hash of everything the stream held: reads what libpcap left unread,
 * then finishes. Only for captures opened with hash_while_reading. */
int capture_finish_hash(struct capture *cap, char hex[CAPTURE_SHA256_HEX],
                        char *err, size_t errlen);

/* What extract needs to copy packets out as the file wrote them. For
 * classic pcap: whether the file's timestamps are nanoseconds (its magic)
 * and its snapshot length. For pcapng: the reader (NULL for classic pcap),
 * to keep interface blocks, and the block details of the packet last
 * returned (pcapng.h), valid until the next call. */
bool capture_pcap_nanosecond(const struct capture *cap);
int capture_pcap_snaplen(const struct capture *cap);
struct pcapng_reader *capture_pcapng(struct capture *cap);
const struct pcapng_packet *capture_pcapng_packet(const struct capture *cap);

void capture_close(struct capture *cap);

/* Does the file start like a capture (pcap either byte order and
 * resolution, pcapng, or gzip of either)? For directory walks. */
bool capture_file_looks_like_capture(const char *path);

#endif
