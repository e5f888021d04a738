/* cli_ingest_progress: ingest's progress line, as `tcpladder ingest` shows
 * it on a terminal: the share of the inputs' bytes read, the time left,
 * captures and packets so far ("ingest: 412 MB of 1.1 GB (36%), 0:08 left;
 * 3 captures, 1,234,567 packets; a.pcap").
 *
 * The counts live in an ingest_tally, in memory shared with the workers of
 * -j forked after it is made: each worker counts what it reads into it and
 * the parent shows the line; without -j the one process does both. The
 * line itself is progress.h's. */
#ifndef TCPLADDER_CLI_INGEST_PROGRESS_H
#define TCPLADDER_CLI_INGEST_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "ingest.h"
#include "progress.h"

/* What every process has read so far, summed (atomic adds). */
struct ingest_tally {
	uint64_t bytes, packets, captures;
	uint64_t total;  /* the inputs' bytes; 0: not known (stdin among them) */
	bool line;       /* the parent shows a line: a worker clears it first */
};

/* One process's view: its tally, the capture it reads, and (in the process
 * that shows the line) the meter. */
struct ingest_watch {
	struct ingest_tally *tally;
	struct progress_meter *meter; /* NULL in a worker: it counts only */
	int workers;                  /* > 1: the line says how many */
	/* The file being read, and what of it is in the tally already: one
	 * capture may be many files (--join), its packets counted on. */
	char path[4096];
	uint64_t size, bytes, packets;
};

/* The bytes of the inputs ingest will read (files as named, the capture
 * files a folder's walk finds); 0 when one is stdin. */
uint64_t ingest_input_bytes(char *const *paths, int n);

/* A tally shared with processes forked after; NULL when no memory. */
struct ingest_tally *ingest_tally_new(uint64_t total);
void ingest_tally_free(struct ingest_tally *t);

/* A capture starts (path "-" for stdin): shown, if it is time. */
void ingest_watch_begin(struct ingest_watch *w, const char *path);

/* ingest_options.progress: counts, and shows if it is time. */
void ingest_watch_progress(const struct ingest_progress *p, void *watch);

/* The capture is done, as r says: what was not counted yet of its bytes
 * and packets is (a file skipped or failed counts as read). */
void ingest_watch_end(struct ingest_watch *w, const struct ingest_result *r);

/* Before a message on stderr: the line goes (the next shows again). */
void ingest_watch_clear(struct ingest_watch *w);

/* The parent of -j: shows the line every ~200 ms until fd (a pipe whose
 * writing ends the workers hold) is closed by them all. */
void ingest_watch_until_closed(struct ingest_watch *w, int fd);

#endif
