/* extract: cuts flows' packets out of the captures they were read from,
 * by frame number, into one capture file (tcpladder extract, report
 * --pcap).
 *
 * Each capture is read from the path it was ingested from (a joined
 * capture from each of its files), after its content is checked against
 * the sha256 stored then: frame numbers mean nothing in other bytes. A
 * file missing or changed can be found again by content under a folder
 * (--search). Every source is read once to check it (its hash, that it
 * holds the frames asked for, unbroken, and the link types and timestamp
 * precision they need), and only then is the output written, by a second
 * read that stops after the last frame wanted: a capture that fails the
 * check leaves no output file behind.
 *
 * The packets go out as the source wrote them: the same link type, bytes
 * and time. Classic pcap output has one link type (flows from captures of
 * different ones need pcapng), and nanosecond timestamps when any source
 * had finer than microseconds. pcapng output copies each packet's
 * interface (its IDB, options and all) and its block's options, writes its
 * timestamp in the interface's own units, and adds a comment naming the
 * flow. Captures go out one after another, each in frame order. */
#ifndef TCPLADDER_EXTRACT_H
#define TCPLADDER_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct extract_options {
	const char *search_dir; /* where to look for a moved capture; NULL: nowhere */
};

struct extract_stats {
	uint64_t packets;   /* written */
	size_t captures;    /* they came from */
};

/* Writes the packets of flows ids[0 .. n) to out_path, a .pcap or .pcapng
 * (either may end in .gz) file, replaced whole or not at all. 0 on
 * success; -1 with err saying what failed, naming the capture file and
 * the packet when a source is at fault. */
int extract_write(struct db *db, const int64_t *ids, size_t n, const char *out_path,
                  const struct extract_options *opt, struct extract_stats *stats, char *err,
                  size_t errlen);

/* Each flow's packets in a classic pcap file of its own, dir/ID.pcap
 * (report --pcap), from one read of each capture (checked as above) for
 * them all. A flow is written when its last frame has been read, so the
 * files open at once are those of the flows in progress. A flow whose
 * packets are of two link types cannot be one pcap file: an error naming
 * it. 0, or -1 with err filled (the files of flows already finished
 * stay). */
int extract_write_each(struct db *db, const int64_t *ids, size_t n, const char *dir,
                       const struct extract_options *opt, struct extract_stats *stats,
                       char *err, size_t errlen);

#endif
