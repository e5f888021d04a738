/* dedup: see dedup.h. */
#include "dedup.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dedup {
	pthread_t thread;
	char *capture_path;
	/* Written by the thread before it sets hashed (release), read after
	 * seeing it set (acquire) or after the join. */
	int rc;
	char hex[CAPTURE_SHA256_HEX];
	char err[256];
	atomic_bool hashed;
};

static void *run_dedup(void *arg)
{
	struct dedup *d = arg;
	d->rc = capture_hash_file(d->capture_path, d->hex, d->err, sizeof d->err);
	atomic_store_explicit(&d->hashed, true, memory_order_release);
	return NULL;
}

struct dedup *dedup_start(const char *capture_path)
{
	struct dedup *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->capture_path = strdup(capture_path);
	atomic_init(&d->hashed, false);
	if (!d->capture_path || pthread_create(&d->thread, NULL, run_dedup, d) != 0) {
		free(d->capture_path);
		free(d);
		return NULL;
	}
	return d;
}

bool dedup_peek(struct dedup *d, char hex[CAPTURE_SHA256_HEX])
{
	if (!atomic_load_explicit(&d->hashed, memory_order_acquire) || d->rc != 0)
		return false;
	memcpy(hex, d->hex, CAPTURE_SHA256_HEX);
	return true;
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
	free(d);
	return rc;
}
