/* walk: see walk.h. The tree is read with fts(3), entries sorted by name so
 * that a folder is ingested in the same order on every system and every
 * run (capture ids follow it). */
#include "walk.h"

#include <errno.h>
#include <fts.h>
#include <string.h>

#include "capture.h"

static int by_name(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

/* Other files than captures are passed over (an archive holds notes and
 * checksums too); unreadable folders are errors. */
long long walk_folder(const char *dir, walk_visit_fn visit, void *user)
{
	char *roots[] = {(char *)dir, NULL};
	/* FTS_COMFOLLOW: a folder named through a symlink (an archive mounted
	 * elsewhere and linked in) is walked as find -H walks it; links met
	 * inside the tree are not followed, so a loop cannot walk forever. */
	FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_COMFOLLOW | FTS_NOCHDIR, by_name);
	if (!fts)
		return -1;
	FTSENT *e;
	long long found = 0;
	bool go_on = true;
	while (go_on && (e = fts_read(fts))) {
		if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR) {
			go_on = visit(&(struct walk_entry){.kind = WALK_ERROR,
			                                   .path = e->fts_path,
			                                   .err = e->fts_errno},
			              user);
		} else if (e->fts_info == FTS_F &&
		           capture_file_looks_like_capture(e->fts_path)) {
			found++;
			go_on = visit(&(struct walk_entry){.kind = WALK_CAPTURE, .path = e->fts_path},
			              user);
		}
	}
	int keep = errno;
	fts_close(fts);
	errno = keep;
	return found;
}
