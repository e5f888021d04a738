/* ingest: one capture file into the database, in one transaction.
 *
 * The pipeline of DESIGN.md: capture -> decode -> flow -> tcpstate -> db.
 * It keeps nothing between captures but what the caller passes in the
 * context, so two ingests (tests, workers) never share hidden state. It
 * prints nothing: each capture's outcome comes back in a struct for the
 * command to report. */
#ifndef TCPLADDER_INGEST_H
#define TCPLADDER_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "db.h"
#include "decode.h"
#include "defrag.h"
#include "flow.h"

struct ingest_progress {
	const char *path;
	uint64_t packets;
	uint64_t bytes_read; /* not known for every input: 0 then */
};

struct ingest_options {
	const char *bpf;            /* tcpdump filter expression, or NULL */
	struct flow_limits limits;
	struct defrag_limits defrag; /* IP reassembly's bounds */
	struct decode_config decode; /* UDP ports of tunnels, beyond the usual */
	/* Stored as the path of a capture read from stdin, or of a joined
	 * one (--name); NULL: stdin's is "stdin-" and the first 12 hex digits
	 * of its sha256, a joined one's its first file's path. */
	const char *name;
	/* --replace: a stored capture of the same path (or the same content,
	 * or sharing files with a joined one) is replaced by this reading. */
	bool replace;
	/* --vantage: the vantage point its captures were taken at (VANTAGE.md),
	 * stored with each, with what pairing compares of every segment; NULL
	 * when untagged. */
	const char *vantage;
	/* Called every few thousand packets, if set. */
	void (*progress)(const struct ingest_progress *p, void *user);
	void *progress_user;
};

void ingest_default_options(struct ingest_options *opt);

enum ingest_outcome {
	INGEST_OK,        /* read to the end (malformed packets counted) */
	INGEST_PARTIAL,   /* damaged: what came before the damage is kept */
	INGEST_FAILED,    /* nothing could be read */
	INGEST_DUPLICATE, /* this content is already in the database */
	INGEST_REFUSED,   /* it clashes with a stored capture: error says how */
	INGEST_FATAL,     /* the database failed: stop the run */
};

/* Kinds of undecoded encapsulation named one by one; more are counted in
 * undecoded_packets only. */
#define INGEST_UNDECODED_KINDS 16

struct ingest_result {
	enum ingest_outcome outcome;
	int64_t capture_id;
	uint64_t packets, tcp_packets, bad_packets, flows;
	/* Every packet that is not a TCP segment, by why (besides the bad
	 * ones): not IP; IP but not TCP; in an encapsulation not decoded;
	 * a fragment that completed no TCP segment at its frame. */
	uint64_t not_ip_packets, not_tcp_packets, undecoded_packets, fragment_packets;
	struct db_undecoded undecoded[INGEST_UNDECODED_KINDS];
	unsigned undecoded_kinds;
	uint64_t first_bad_frame;
	enum decode_status first_bad_status;
	struct defrag_counts frags; /* IP reassembly's */
	/* Stored captures this one replaced (--replace, or a partial copy at
	 * the same path now read whole): how many, the first few ids, their
	 * connections, and whether only partial copies went. */
	unsigned replaced;
	int64_t replaced_id[8];
	uint64_t replaced_flows;
	bool replaced_partial;
	char stored_path[4096]; /* the path its captures row holds */
	char error[512];  /* why partial, failed or fatal */
};

/* Ingest path ("-" for stdin) into db. */
void ingest_capture(struct db *db, const struct ingest_options *opt,
                    const char *path, struct ingest_result *result);

/* Ingest n files as one capture (ingest --join): a ring of files written
 * one after another (tcpdump -C/-G/-W, editcap -c), read in order of
 * their first timestamps, connections carried across the files, frames
 * counted on from one to the next. Files that overlap in time or differ
 * in link type are refused (mergecap merges those). */
void ingest_join(struct db *db, const struct ingest_options *opt,
                 const char *const *paths, unsigned n, struct ingest_result *result);

#endif
