/* writer: see writer.h. Rows travel in batches of BATCH_OPS: the producer
 * fills one while the thread writes others, so the lock is taken once per
 * batch, not per row, and a fixed set of batches bounds the memory. */
#include "writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "db_pair.h"

enum { BATCH_OPS = 512, BATCHES = 8, INLINE_CHANGES = 4 };

enum op_kind { OP_SEGMENT, OP_OPTIONS, OP_KEYS, OP_SERVER_CLOSED, OP_FLOW, OP_LOOK_UP };

struct op {
	enum op_kind kind;
	union {
		struct {
			struct db_segment_row row;
			struct tcpst_change changes[INLINE_CHANGES];
			struct tcpst_change *more; /* when they do not fit inline */
		} seg;
		struct {
			int64_t flow_id;
			uint64_t frame;
			char *text;
		} options;
		struct db_segment_keys keys;
		struct {
			int64_t flow_id;
			uint64_t frame;
		} closed;
		struct {
			int64_t capture_id;
			struct flow *flow;
		} flow;
		char sha256_hex[CAPTURE_SHA256_HEX];
	} u;
};

struct batch {
	int n;
	struct op ops[BATCH_OPS];
};

struct writer {
	struct db *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* Under lock: full batches in order, free ones, and the state. */
	struct batch *full[BATCHES];
	int full_head, full_count;
	struct batch *spare[BATCHES];
	int nspare;
	bool done;
	bool failed;
	bool content_known;
	char error[512];
	/* The producer's own. */
	struct batch *filling;
	bool failed_seen;
	struct batch *all[BATCHES];
	/* The writer's own: a batch's segment rows side by side. */
	struct db_segment_row run[BATCH_OPS];
};

static void note_failure(struct writer *w)
{
	if (w->failed)
		return;
	/* Only this thread writes error and failed; the producer reads
	 * failed under the lock and error after the join. */
	snprintf(w->error, sizeof w->error, "%s", db_error(w->db));
	pthread_mutex_lock(&w->lock);
	w->failed = true;
	pthread_mutex_unlock(&w->lock);
}

/* Carry out one op other than a segment (or, after a failure, only
 * release what it holds). */
static void apply(struct writer *w, struct op *op)
{
	int rc = 0;
	switch (op->kind) {
	case OP_SEGMENT:
		break; /* written by write_batch */
	case OP_OPTIONS:
		if (!w->failed)
			rc = db_insert_segment_options(w->db, op->u.options.flow_id,
			                               op->u.options.frame, op->u.options.text);
		free(op->u.options.text);
		break;
	case OP_KEYS:
		if (!w->failed)
			rc = db_insert_segment_keys(w->db, &op->u.keys);
		break;
	case OP_SERVER_CLOSED:
		if (!w->failed)
			rc = db_mark_server_closed(w->db, op->u.closed.flow_id, op->u.closed.frame);
		break;
	case OP_FLOW:
		if (!w->failed)
			rc = db_insert_flow(w->db, op->u.flow.capture_id, op->u.flow.flow);
		flow_free(op->u.flow.flow);
		break;
	case OP_LOOK_UP: {
		enum db_capture_known known;
		int64_t id;
		if (!w->failed)
			rc = db_capture_known(w->db, op->u.sha256_hex, &known, &id);
		if (!w->failed && !rc && known == DB_CAPTURE_PRESENT) {
			pthread_mutex_lock(&w->lock);
			w->content_known = true;
			pthread_mutex_unlock(&w->lock);
		}
		break;
	}
	}
	if (rc)
		note_failure(w);
}

/* Write a batch in order; runs of segments go to the database together,
 * which lets it insert many rows per statement. */
static void write_batch(struct writer *w, struct batch *b, struct db_segment_row *run)
{
	int n = 0;
	for (int i = 0; i <= b->n; i++) {
		struct op *op = i < b->n ? &b->ops[i] : NULL;
		if (op && op->kind == OP_SEGMENT) {
			run[n++] = op->u.seg.row;
			continue;
		}
		/* Keys go to a table of their own: written at once, they leave
		 * the run of segments whole. */
		if (op && op->kind == OP_KEYS) {
			apply(w, op);
			continue;
		}
		if (n && !w->failed && db_insert_segments(w->db, run, n))
			note_failure(w);
		n = 0;
		if (op)
			apply(w, op);
	}
	for (int i = 0; i < b->n; i++) {
		if (b->ops[i].kind == OP_SEGMENT)
			free(b->ops[i].u.seg.more);
	}
}

static void *run_writer(void *arg)
{
	struct writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->full_count == 0 && !w->done)
			pthread_cond_wait(&w->changed, &w->lock);
		if (w->full_count == 0)
			break; /* done, and nothing left */
		struct batch *b = w->full[w->full_head];
		w->full_head = (w->full_head + 1) % BATCHES;
		w->full_count--;
		pthread_mutex_unlock(&w->lock);
		write_batch(w, b, w->run);
		b->n = 0;
		pthread_mutex_lock(&w->lock);
		w->spare[w->nspare++] = b;
		pthread_cond_broadcast(&w->changed);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct writer *writer_start(struct db *db)
{
	struct writer *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->db = db;
	for (int i = 0; i < BATCHES; i++) {
		w->all[i] = calloc(1, sizeof *w->all[i]);
		if (!w->all[i])
			goto failed;
	}
	w->filling = w->all[0];
	for (int i = 1; i < BATCHES; i++)
		w->spare[w->nspare++] = w->all[i];
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->changed, NULL);
	if (pthread_create(&w->thread, NULL, run_writer, w) != 0) {
		pthread_cond_destroy(&w->changed);
		pthread_mutex_destroy(&w->lock);
		goto failed;
	}
	return w;
failed:
	for (int i = 0; i < BATCHES; i++)
		free(w->all[i]);
	free(w);
	return NULL;
}

/* Hand the filled batch over; take a spare one (waiting for the thread to
 * free one if all are full). */
static void hand_over(struct writer *w, bool take_another)
{
	pthread_mutex_lock(&w->lock);
	w->full[(w->full_head + w->full_count) % BATCHES] = w->filling;
	w->full_count++;
	w->filling = NULL;
	pthread_cond_broadcast(&w->changed);
	if (take_another) {
		while (w->nspare == 0)
			pthread_cond_wait(&w->changed, &w->lock);
		w->filling = w->spare[--w->nspare];
	}
	w->failed_seen = w->failed;
	pthread_mutex_unlock(&w->lock);
}

static struct op *next_op(struct writer *w, enum op_kind kind)
{
	if (w->filling->n == BATCH_OPS)
		hand_over(w, true);
	struct op *op = &w->filling->ops[w->filling->n++];
	op->kind = kind;
	return op;
}

void writer_segment(struct writer *w, const struct db_segment_row *row)
{
	struct op *op = next_op(w, OP_SEGMENT);
	op->u.seg.row = *row;
	op->u.seg.more = NULL;
	size_t n = row->nchanges > 0 ? (size_t)row->nchanges : 0;
	struct tcpst_change *dst = op->u.seg.changes;
	if (n > INLINE_CHANGES) {
		dst = op->u.seg.more = malloc(n * sizeof *dst);
		if (!dst) {
			/* Out of memory for a rare long list: keep what fits. */
			dst = op->u.seg.changes;
			n = INLINE_CHANGES;
			op->u.seg.row.nchanges = INLINE_CHANGES;
		}
	}
	if (n)
		memcpy(dst, row->changes, n * sizeof *dst);
	op->u.seg.row.changes = dst;
}

void writer_options(struct writer *w, int64_t flow_id, uint64_t frame,
                    const char *options)
{
	char *text = strdup(options);
	if (!text)
		return; /* options are a nicety; a row without them is still right */
	struct op *op = next_op(w, OP_OPTIONS);
	op->u.options.flow_id = flow_id;
	op->u.options.frame = frame;
	op->u.options.text = text;
}

void writer_keys(struct writer *w, const struct db_segment_keys *keys)
{
	struct op *op = next_op(w, OP_KEYS);
	op->u.keys = *keys;
}

void writer_server_closed(struct writer *w, int64_t flow_id, uint64_t before_frame)
{
	struct op *op = next_op(w, OP_SERVER_CLOSED);
	op->u.closed.flow_id = flow_id;
	op->u.closed.frame = before_frame;
}

void writer_flow(struct writer *w, int64_t capture_id, struct flow *f)
{
	struct op *op = next_op(w, OP_FLOW);
	op->u.flow.capture_id = capture_id;
	op->u.flow.flow = f;
}

bool writer_failed(struct writer *w)
{
	return w->failed_seen;
}

void writer_look_up(struct writer *w, const char *sha256_hex)
{
	struct op *op = next_op(w, OP_LOOK_UP);
	snprintf(op->u.sha256_hex, sizeof op->u.sha256_hex, "%s", sha256_hex);
	hand_over(w, true); /* asked now, not when the batch is full */
}

bool writer_content_known(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	bool known = w->content_known;
	pthread_mutex_unlock(&w->lock);
	return known;
}

int writer_finish(struct writer *w, char *err, size_t errlen)
{
	hand_over(w, false);
	pthread_mutex_lock(&w->lock);
	w->done = true;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	int rc = 0;
	if (w->failed) {
		snprintf(err, errlen, "%s", w->error);
		rc = -1;
	}
	pthread_cond_destroy(&w->changed);
	pthread_mutex_destroy(&w->lock);
	for (int i = 0; i < BATCHES; i++)
		free(w->all[i]);
	free(w);
	return rc;
}
