/* walk: see walk.h. The tree is read with fts(3), entries sorted by name so
 * that a folder is ingested in the same order on every system and every
 * run (capture ids follow it). */
#include "walk.h"

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"

static int by_name(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

/* Why a file (or what a link leads to) is not read, or NULL when it is a
 * capture to read. st is the file's own stat, through any link. */
static const char *why_not(const char *path, const struct stat *st, char *buf, size_t len)
{
	if (S_ISDIR(st->st_mode))
		return "a link to a folder (not followed: name the folder itself to read it)";
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (st->st_size == 0)
		return "empty";
	/* Opened here, not only by the sniff below, to tell a file that
	 * cannot be read from one that is not a capture. O_NONBLOCK: a FIFO
	 * swapped in since the stat must not hang the walk. */
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(buf, len, "unreadable: %s", strerror(errno));
		return buf;
	}
	close(fd);
	if (!capture_file_looks_like_capture(path))
		return "not a capture (neither pcap nor pcapng, plain or gzip-compressed)";
	return NULL;
}

/* A link inside the tree: what it leads to, followed through further
 * links by stat(2), which stops a loop with ELOOP. */
static const char *why_not_link(const char *path, char *buf, size_t len)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return why_not(path, &st, buf, len);
	if (errno == ENOENT || errno == ENOTDIR)
		return "a broken link (what it names does not exist)";
	if (errno == ELOOP)
		return "a loop of links";
	snprintf(buf, len, "a link that cannot be followed: %s", strerror(errno));
	return buf;
}

long long walk_folder(const char *dir, walk_visit_fn visit, void *user)
{
	char *roots[] = {(char *)dir, NULL};
	/* FTS_COMFOLLOW: a folder named through a symlink (an archive mounted
	 * elsewhere and linked in) is walked as find -H walks it. Links met
	 * inside the tree are not descended (FTS_PHYSICAL): those to files
	 * are read (why_not_link), those to folders are not, so a link back
	 * up the tree cannot walk forever nor read a file twice. */
	FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_COMFOLLOW | FTS_NOCHDIR, by_name);
	if (!fts)
		return -1;
	FTSENT *e;
	long long found = 0;
	bool go_on = true;
	char buf[256];
	while (go_on && (e = fts_read(fts))) {
		struct walk_entry w = {.kind = WALK_SKIPPED, .path = e->fts_path};
		switch (e->fts_info) {
		case FTS_D:
		case FTS_DP:
			continue;
		case FTS_DNR:
		case FTS_ERR:
			w.kind = WALK_ERROR;
			w.err = e->fts_errno;
			break;
		case FTS_DC:
			w.why = "a folder inside itself (a bind mount?), not walked again";
			break;
		case FTS_NS:
			snprintf(buf, sizeof buf, "unreadable: %s", strerror(e->fts_errno));
			w.why = buf;
			break;
		case FTS_SL:
		case FTS_SLNONE:
			w.why = why_not_link(e->fts_accpath, buf, sizeof buf);
			break;
		default: /* FTS_F, FTS_DEFAULT */
			w.why = why_not(e->fts_accpath, e->fts_statp, buf, sizeof buf);
			break;
		}
		if (w.kind == WALK_SKIPPED && !w.why) {
			w.kind = WALK_CAPTURE;
			found++;
		}
		go_on = visit(&w, user);
	}
	int keep = errno;
	fts_close(fts);
	errno = keep;
	return found;
}
