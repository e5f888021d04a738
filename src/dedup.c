/* dedup: see dedup.h. */
#include "dedup.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

struct dedup {
	pthread_t thread;
	char *capture_path;
	char *db_path;            /* NULL: no lookup */
	atomic_bool known;        /* set by the thread, read by ingest */
	/* Written by the thread, read after the join. */
	int rc;
	char hex[CAPTURE_SHA256_HEX];
	char err[256];
};

static void *run_dedup(void *arg)
{
	struct dedup *d = arg;
	d->rc = capture_hash_file(d->capture_path, d->hex, d->err, sizeof d->err);
	bool known = false;
	/* A failed lookup only means ingest finds out at the end. */
	if (d->rc == 0 && d->db_path &&
	    db_lookup_capture(d->db_path, d->hex, &known) == 0 && known)
		atomic_store(&d->known, true);
	return NULL;
}

struct dedup *dedup_start(const char *capture_path, const char *db_path)
{
	struct dedup *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->capture_path = strdup(capture_path);
	if (db_path && db_path[0])
		d->db_path = strdup(db_path);
	atomic_init(&d->known, false);
	if (!d->capture_path || (db_path && db_path[0] && !d->db_path) ||
	    pthread_create(&d->thread, NULL, run_dedup, d) != 0) {
		free(d->capture_path);
		free(d->db_path);
		free(d);
		return NULL;
	}
	return d;
}

bool dedup_known(struct dedup *d)
{
	return atomic_load_explicit(&d->known, memory_order_relaxed);
}

int dedup_finish(struct dedup *d, char hex[CAPTURE_SHA256_HEX], char *err,
                 size_t errlen)
{
	pthread_join(d->thread, NULL);
	int rc = d->rc;
	if (rc == 0)
		memcpy(hex, d->hex, CAPTURE_SHA256_HEX);
	else
		snprintf(err, errlen, "%s", d->err);
	free(d->capture_path);
	free(d->db_path);
	free(d);
	return rc;
}
