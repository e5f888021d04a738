/* savefile: writes capture files, classic pcap or pcapng, plain or
 * gzip-compressed, for extract.
 *
 * libpcap 1.10 writes classic pcap only (and through a pcap_t whose one
 * link type and precision must be known before the first packet), so both
 * formats are written here, by hand: a pcap file header and 16-byte
 * records; a pcapng Section Header Block, Interface Description Blocks and
 * Enhanced Packet Blocks (draft-ietf-opsawg-pcapng). Everything is written
 * little-endian whatever the host, so the same input makes the same bytes
 * everywhere. The writer copies what it is given: it never reads a
 * packet's contents, and decides no link type or precision itself.
 *
 * Blocks and options copied from a source (an IDB, an EPB's options) may
 * be in either byte order: the known numeric options are turned to
 * little-endian, the rest are byte strings and copied as they are; an
 * option that overruns what it was given ends the copy there, so a hostile
 * source can make an option go missing, never a malformed block. */
#ifndef TCPLADDER_SAVEFILE_H
#define TCPLADDER_SAVEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum savefile_format { SAVEFILE_PCAP, SAVEFILE_PCAPNG };

/* The format a file name asks for: .pcap, .pcapng, or either with .gz
 * after it (*gz). false when it ends otherwise. */
bool savefile_format_of(const char *path, enum savefile_format *format, bool *gz);

struct savefile;

/* Writes to fd (owned from now on: savefile_close closes it), through
 * gzip when gz. NULL with err filled when memory or zlib fails. Which
 * format is whichever the first call below writes. */
struct savefile *savefile_open_fd(int fd, bool gz, char *err, size_t errlen);

/* pcap: the file header (once, first), then records. linktype is a
 * LINKTYPE_ value as files carry it (not a DLT_); nano picks the
 * nanosecond magic (a1b23c4d), else microseconds. A time is cut to the
 * header's precision. */
int savefile_pcap_header(struct savefile *sf, uint32_t linktype, uint32_t snaplen, bool nano);
int savefile_pcap_packet(struct savefile *sf, int64_t ts_ns, uint32_t caplen, uint32_t len,
                         const uint8_t *data);

/* pcapng: the Section Header Block (once, first; shb_userappl names the
 * writer), then interfaces and packets. */
int savefile_pcapng_shb(struct savefile *sf, const char *userappl);
/* An interface copied from a source: body is an IDB's between its length
 * fields (link type, reserved, snaplen, options) in the source section's
 * byte order. */
int savefile_pcapng_idb_copy(struct savefile *sf, const uint8_t *body, size_t len,
                             bool big_endian);
/* An interface made for a classic pcap source: tsresol 9 for nanoseconds
 * (if_tsresol written), 6 for microseconds (the default, not written). */
int savefile_pcapng_idb(struct savefile *sf, uint16_t linktype, uint32_t snaplen,
                        uint8_t tsresol);
/* An Enhanced Packet Block on interface iface (its place among the IDBs
 * written), the timestamp in that interface's units; the source block's
 * options (may be NULL) copied before an opt_comment (NULL for none). */
struct savefile_epb {
	uint32_t iface;
	uint64_t ts_units;
	uint32_t caplen, len;
	const uint8_t *data;
	const uint8_t *options;
	size_t options_len;
	bool options_big_endian;
	const char *comment;
};
int savefile_pcapng_epb(struct savefile *sf, const struct savefile_epb *epb);

/* Every call above returns 0, or -1 once a write has failed (and every
 * call after it fails too); savefile_close says why. */

/* Flushes, closes and frees. 0, or -1 with err saying what failed (a
 * write or the close: a full disk shows here). NULL is allowed. */
int savefile_close(struct savefile *sf, char *err, size_t errlen);

#endif
