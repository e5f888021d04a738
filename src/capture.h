/* capture: the bytes of one capture file, through libpcap.
 *
 * Owns opening a path or stdin ("-"), gzip (zlib reads plain files through
 * the same call, so one path serves both), the content hash (SHA-256 of the
 * bytes libpcap reads, after gunzip) and telling capture files from other
 * files in a directory. It reads packets; it decodes none.
 *
 * libpcap reads through a stdio stream made with fopencookie(), so gzip and
 * hashing need no temporary file and stdin streams. */
#ifndef TCPLADDER_CAPTURE_H
#define TCPLADDER_CAPTURE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAPTURE_SHA256_HEX 65 /* 64 hex digits and NUL */

struct capture;

/* SHA-256 of the file's content after gunzip, read in one pass before
 * ingesting (cheap next to ingest, and lets a known capture be skipped
 * without decoding it). 0 on success; -1 with err filled. */
int capture_hash_file(const char *path, char hex[CAPTURE_SHA256_HEX],
                      char *err, size_t errlen);

/* Opens path ("-" for stdin) for reading with libpcap, timestamps in
 * nanoseconds. With hash_while_reading, the content hash is computed as the
 * bytes go by (for stdin, which cannot be read twice). NULL on failure with
 * err filled (libpcap's reason, or the system's). */
struct capture *capture_open(const char *path, bool hash_while_reading,
                             char *err, size_t errlen);

pcap_t *capture_pcap(struct capture *cap);

/* The hash of everything the stream held: reads what libpcap left unread,
 * then finishes. Only for captures opened with hash_while_reading. */
int capture_finish_hash(struct capture *cap, char hex[CAPTURE_SHA256_HEX],
                        char *err, size_t errlen);

void capture_close(struct capture *cap);

/* Does the file start like a capture (pcap either byte order and
 * resolution, pcapng, or gzip of either)? For directory walks. */
bool capture_file_looks_like_capture(const char *path);

#endif
