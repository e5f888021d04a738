/* pcapng: a strict, streaming reader of pcapng capture files.
 *
 * libpcap 1.10 refuses a pcapng file whose interfaces have different link
 * types (its API has one datalink per handle), and such files are common:
 * "any" captures, Wireshark's multi-interface captures. So pcapng is read
 * here and only classic pcap goes through libpcap. The reader owns the
 * block framing of draft-ietf-opsawg-pcapng: sections of either byte order,
 * interfaces and their timestamp options, and the three packet block types
 * (Enhanced, Simple, obsolete Packet). Every other block is skipped by its
 * length. It decodes no packet contents.
 *
 * Every byte of the file is untrusted: a malformed block stops the reader
 * with a message naming what is wrong, never with a huge allocation or a
 * read past the block. Reading is sequential (stdin and gzip streams work);
 * one buffer, grown only as bytes actually arrive, holds the current block. */
#ifndef TCPLADDER_PCAPNG_H
#define TCPLADDER_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcapng_reader;

struct pcapng_packet {
	/* The interface's link type as a pcap DLT_* value (LINKTYPE_RAW 101
	 * becomes DLT_RAW; the link types tcpladder decodes are otherwise
	 * equal in both numberings, so the rest pass through). */
	int dlt;
	uint32_t interface_id; /* index of the IDB within its section */
	/* Nanoseconds since the epoch, after if_tsresol and if_tsoffset; 0 for
	 * a Simple Packet Block, which has no timestamp. The file's 64-bit
	 * count is read as signed (see units_to_ns: corrupt counts of 2^63 and
	 * more come out before 1970, spaced as written); a result beyond the
	 * int64 range is clamped to INT64_MAX or INT64_MIN. */
	int64_t ts_ns;
	uint32_t caplen, len; /* bytes in data; bytes on the wire */
	/* The number tshark (4.0) gives this packet. Usually 1, 2, 3, ... as
	 * the packets come, but tshark also numbers Custom Blocks, systemd
	 * Journal Export blocks and Sysdig event blocks as frames, and so does
	 * this counter, so frame numbers agree with tshark's in every file. */
	uint64_t frame;
	const uint8_t *data; /* caplen bytes, owned by the reader, valid until
	                        the next pcapng_next or pcapng_close */
	/* The packet as its block wrote it, for copying it out unchanged
	 * (extract): the section it is in (1, 2, ...: interface_id counts
	 * from 0 in each), its interface's if_tsresol byte (0x06 when the
	 * IDB has none), the timestamp in those units before if_tsoffset (0
	 * for a Simple Packet Block), and the block's options after the data,
	 * as written (in the section's byte order: big_endian), none for a
	 * Simple Packet Block. options points into the block like data. */
	uint32_t section;
	uint8_t tsresol;
	bool big_endian;
	uint64_t ts_units;
	const uint8_t *options;
	uint32_t options_len;
};

/* Reads the Section Header Block at the start of `in` (not owned: the
 * caller closes it, after pcapng_close). NULL with err filled when the
 * stream is not pcapng, the SHB is malformed or of an unsupported major
 * version, or memory runs out. */
struct pcapng_reader *pcapng_open(FILE *in, char *err, size_t errlen);

/* The next packet: 1 with *pkt filled; 0 at a clean end of file (the file
 * ends exactly at a block boundary); -1 on a malformed or truncated block or
 * a read error, message in pcapng_error(). After -1 or 0, every further call
 * returns the same. */
int pcapng_next(struct pcapng_reader *r, struct pcapng_packet *pkt);

/* Why the last call failed; "" if nothing has. Owned by the reader. */
const char *pcapng_error(const struct pcapng_reader *r);

/* Keep every Interface Description Block of the current section as
 * written, for pcapng_interface_block (extract copies them out). Off by
 * default: ingest has no use for them. Call before pcapng_next. */
void pcapng_keep_interface_blocks(struct pcapng_reader *r);

/* The Interface Description Block of interface id in the current section
 * (the section of the packet last returned): its body between the block
 * length and the trailing length (link type, reserved, snaplen,
 * options), in the section's byte order (*big_endian). 0 with *body and
 * *len set, owned by the reader until the next section starts or it is
 * closed; -1 when there is no such interface or blocks are not kept. */
int pcapng_interface_block(const struct pcapng_reader *r, uint32_t id, const uint8_t **body,
                           size_t *len, bool *big_endian);

/* Frees the reader and its buffer, not the FILE. NULL is allowed. */
void pcapng_close(struct pcapng_reader *r);

/* Do these first four bytes of a file start a pcapng file (the SHB block
 * type 0x0A0D0D0A, the same in either byte order)? */
bool pcapng_magic(const uint8_t first4[4]);

#endif
