/* ingest_internal: what ingest.c (one capture file) and ingest_join.c (a
 * ring of files read as one capture) share: the run that carries the
 * connections from packet to packet and file to file, and the rules that
 * say whether what is stored already settles a capture. Nothing else
 * includes it. */
#ifndef TCPLADDER_INGEST_INTERNAL_H
#define TCPLADDER_INGEST_INTERNAL_H

#include "db_capture.h"
#include "dedup.h"
#include "ingest.h"
#include "writer.h"

/* One capture being ingested, from one file or several. */
struct run {
	struct db *db;
	const struct ingest_options *opt;
	struct ingest_result *result;
	struct flow_table *flows;
	struct defrag *defrag; /* IP datagrams being reassembled */
	struct writer *writer;  /* writes the rows on the second core */
	int64_t capture_id;
	int64_t next_flow_id;
	bool saw_packet;
	int64_t first_ts_ns;  /* earliest capture time seen */
	int64_t now_ns;       /* latest capture time seen */
	bool db_failed;
	struct dedup *dedup;  /* the content's hash, being computed; or NULL */
	bool looked_up;       /* the writer was asked for it (writer_look_up) */
	/* Stored captures this one replaces, forgotten in its transaction. */
	int64_t *replaces;
	size_t nreplaces, replaces_cap;
};

/* Sets up the run and begins the capture's transaction. -1 with result's
 * outcome INGEST_FATAL and error filled. */
int run_start(struct run *run, struct db *db, const struct ingest_options *opt,
              struct ingest_result *result, uint64_t hash_seed);

/* Reads every packet of cap, its frames numbered on from frame_base (the
 * frames of the files before it in a joined capture). False when the file
 * was cut short or damaged (result->error says where and why). */
bool run_read(struct run *run, struct capture *cap, const char *path,
              uint64_t frame_base);

/* The capture is read: every connection still open leaves memory with
 * its row, and the writer is finished. -1 when the database failed
 * (result->error says how). */
int run_drain(struct run *run);

/* Another stored capture this one replaces. -1 when out of memory. */
int run_replaces(struct run *run, int64_t id);

/* What the captures row says of the capture read. */
struct run_store {
	const char *path;
	const char *sha256_hex;
	int linktype;
	bool whole;
	const struct db_capture_file *files; /* a joined capture's; else NULL */
	unsigned nfiles;
};

/* Sets the outcome (ok or partial, with the malformed packets said),
 * forgets the captures replaced (those found before, and those stored at
 * this path that it replaces: all with --replace, partial ones when this
 * reading is whole), writes the captures row (and files) and commits. -1
 * when the database failed (result says so, rolled back). */
int run_store(struct run *run, const struct run_store *store);

/* Rolls the capture's transaction back, as when nothing was read. */
void run_abandon(struct run *run);

void run_free(struct run *run);

/* Does what is stored settle this content (sha256_hex, with path as it
 * would be stored) before or after reading it? True when the ingest stops
 * here, with result's outcome saying why: a duplicate (the same content
 * read with the same filter), refused (another filter; a file of a joined
 * capture), or fatal. A failed earlier attempt is forgotten so that this
 * one can try again. With --replace nothing is refused: the captures in
 * the way are added to run's replaces (run may be NULL before reading:
 * they are found again after). */
bool settled_by_store(struct db *db, const struct ingest_options *opt,
                      const char *sha256_hex, struct ingest_result *result,
                      struct run *run);

#endif
