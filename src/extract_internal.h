/* extract_internal: what extract.c and extract_each.c share: the
 * sources a selection's frames are in, checked once, and the helpers both
 * writers use. Nothing else includes it. */
#ifndef TCPLADDER_EXTRACT_INTERNAL_H
#define TCPLADDER_EXTRACT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "db_extract.h"

#define DEFAULT_SNAPLEN 262144

/* One file to read: the whole of a capture, or one file of a ring. */
struct extract_source {
	const struct db_extract_capture *capture;
	const struct db_extract_file *file;
	char *path;            /* where its bytes are: the stored path or a found one */
	bool found_elsewhere;  /* path came from --search */
	const struct db_extract_frame *frames; /* its frames, in the capture's numbering */
	size_t nframes;
	uint64_t base;         /* the file's frame = the capture's frame - base */
	/* What check_source saw. */
	bool checked;          /* its content is the one ingested */
	bool lost;             /* missing or changed: for find_moved */
	bool pcapng;
	bool nano;             /* a frame wanted needs nanoseconds */
	int linktype;          /* of the frames wanted (LINKTYPE_); -1: several */
	uint32_t snaplen, max_caplen;
};

/* pcapng output: an interface of a source written as the output's n-th. */
struct iface_map {
	size_t source;
	uint32_t section, id;
};

struct extract_job {
	struct extract_source *src;
	size_t nsrc;
	struct iface_map *ifaces;
	size_t nifaces, ifaces_cap;
	char *err;
	size_t errlen;
};

/* A DLT_ value as files write it (LINKTYPE_). */
int extract_file_linktype(int dlt);

/* One source per file holding a frame of frames[0 .. nframes) (sorted as
 * db_extract_frames sorts them), into job->src; the captures they are of
 * into *caps (malloc'd). -1 with job->err filled. */
int extract_plan(struct db *db, struct extract_job *job, const struct db_extract_frame *frames,
                 size_t nframes, struct db_extract_capture **caps, size_t *ncaps);

/* Checks every source (its hash, the frames it must hold), finding the
 * lost ones under search_dir when given. -1 with job->err naming the
 * first that cannot be cut. */
int extract_check_all(struct extract_job *job, const char *search_dir);

/* What both ways of extracting start with: the flows' frames read
 * (*frames, *nframes, the caller's to free), planned into their sources
 * (extract_plan) and every source checked (extract_check_all). -1 with
 * job->err filled. */
int extract_prepare(struct db *db, struct extract_job *job, const int64_t *ids, size_t n,
                    const char *search_dir, struct db_extract_frame **frames,
                    size_t *nframes, struct db_extract_capture **caps, size_t *ncaps);

/* A temporary file beside path, to rename over it: its fd, its name in
 * *tmp (malloc'd). -1 with err filled. */
int extract_open_temp(const char *path, char **tmp, char *err, size_t errlen);

void extract_job_free(struct extract_job *job, struct db_extract_capture *caps, size_t ncaps);

#endif
