/* walk: the capture files under a folder, as `ingest` reads a folder it is
 * given. walk.c owns how a tree is walked (order, which links are followed,
 * what counts as a capture); it never prints and never ingests: it hands
 * each entry to the caller's function, which decides what the user sees. */
#ifndef TCPLADDER_WALK_H
#define TCPLADDER_WALK_H

#include <stdbool.h>

enum walk_kind {
	WALK_CAPTURE, /* a capture file to read */
	WALK_ERROR,   /* a folder that could not be read; err is its errno */
	WALK_SKIPPED, /* a file passed over; why says why */
};

struct walk_entry {
	enum walk_kind kind;
	const char *path; /* as reached from the folder named, valid during the call */
	int err;          /* WALK_ERROR: the errno */
	const char *why;  /* WALK_SKIPPED: "empty", "not a capture", "a broken
	                   * link", ...; valid during the call */
};

/* Called for each entry, in name order; returns false to stop the walk. */
typedef bool (*walk_visit_fn)(const struct walk_entry *e, void *user);

/* Walks dir (recursively, in name order). A symbolic link inside it is
 * read when it leads to a file, and skipped when it leads to a folder (so
 * no loop of links can walk forever), nowhere, or round in a loop. Returns the number of captures
 * handed to visit, or -1 with errno set when dir cannot be walked at all. */
long long walk_folder(const char *dir, walk_visit_fn visit, void *user);

#endif
