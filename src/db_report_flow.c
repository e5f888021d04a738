/* db_report_flow: the per-flow half of db_report (db_report.h): one
 * flow's segments (whole, its head and tail, the gap between), the plot's
 * reading of every segment, and its state transitions in step order; and
 * the transitions of a selection, flow by flow. Each statement binds the
 * flow's id with = and reads that flow's rows only. The SQL is
 * db_report.c's query_sql, reached through rq_query (db_report_internal.h). */
#include "db_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_internal.h"
#include "db_report_internal.h"

/* flags_text as segments_view writes it: tcpdump's order (print-tcp.c
 * tcp_flag_values) F S R P . U E W, "none" without any. */
static const char *flags_text(int flags, char buf[16])
{
	static const char letters[] = "FSRP.UEW";
	size_t n = 0;
	for (int bit = 0; bit < 8; bit++) {
		if (flags & (1 << bit))
			buf[n++] = letters[bit];
	}
	buf[n] = '\0';
	return n ? buf : "none";
}

/* --- segments ---------------------------------------------------------- */

struct segment_ctx {
	db_segment_fn fn;
	void *user;
	int64_t last_frame, rows;
};

static int segment_row(sqlite3_stmt *st, void *p)
{
	struct segment_ctx *ctx = p;
	char flags[16];
	struct db_segment_info s = {
		.frame = sqlite3_column_int64(st, 0),
		.ts_ns = sqlite3_column_int64(st, 1),
		.from_client = sqlite3_column_int(st, 2) != 0,
		.flags = sqlite3_column_int(st, 3),
		.flags_text = flags_text(sqlite3_column_int(st, 3), flags),
		.seq = sqlite3_column_int64(st, 4),
		.ack = sqlite3_column_int64(st, 5),
		.rel_seq = sqlite3_column_int64(st, 6),
		.has_ack = !rq_is_null(st, 7),
		.rel_ack = sqlite3_column_int64(st, 7),
		.len = sqlite3_column_int64(st, 8),
		.win = sqlite3_column_int64(st, 9),
		.client_state = rq_text(st, 10),
		.server_state = rq_text(st, 11),
		.analysis = sqlite3_column_int64(st, 12),
		.analysis_names = rq_text(st, 13),
		.options = rq_text(st, 14),
	};
	ctx->last_frame = s.frame;
	ctx->rows++;
	return ctx->fn(&s, ctx->user);
}

int db_each_segment(struct db *db, int64_t flow_id, int64_t head, int64_t tail,
                    db_segment_fn fn, void *user)
{
	struct segment_ctx ctx = {fn, user, 0, 0};
	sqlite3_stmt *st = rq_query(db, head < 0 ? RQ_SEGMENTS_ALL : RQ_SEGMENTS_HEAD);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, flow_id);
	if (head >= 0)
		sqlite3_bind_int64(st, 2, head);
	int rc = rq_each(db, st, segment_row, &ctx);
	/* A head that ran short was the whole flow: no tail to look for. */
	if (rc || head < 0 || tail <= 0 || ctx.rows < head)
		return rc;
	st = rq_query(db, RQ_SEGMENTS_TAIL);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, flow_id);
	sqlite3_bind_int64(st, 2, tail);
	sqlite3_bind_int64(st, 3, ctx.last_frame);
	return rq_each(db, st, segment_row, &ctx);
}

static int gap_row(sqlite3_stmt *st, void *p)
{
	struct db_segment_gap *gap = p;
	gap->segments = sqlite3_column_int64(st, 0);
	gap->bytes = sqlite3_column_int64(st, 1);
	gap->first_frame = sqlite3_column_int64(st, 2);
	gap->last_frame = sqlite3_column_int64(st, 3);
	gap->first_ts_ns = sqlite3_column_int64(st, 4);
	gap->last_ts_ns = sqlite3_column_int64(st, 5);
	return 0;
}

int db_segment_gap(struct db *db, int64_t flow_id, int64_t head, int64_t tail,
                   struct db_segment_gap *gap)
{
	memset(gap, 0, sizeof *gap);
	sqlite3_stmt *st = rq_query(db, RQ_SEGMENT_GAP);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, flow_id);
	sqlite3_bind_int64(st, 2, head < 0 ? 0 : head);
	sqlite3_bind_int64(st, 3, tail < 0 ? 0 : tail);
	return rq_each(db, st, gap_row, gap);
}

/* A flow's segments with their options merged in by frame: both
 * statements step in frame order, the options one only past the frames
 * it holds. */
int db_each_plot_segment(struct db *db, const struct db_flow_info *f,
                         db_plot_segment_fn fn, void *user)
{
	sqlite3_stmt *opt = rq_query(db, RQ_PLOT_OPTIONS);
	if (!opt)
		return -1;
	sqlite3_bind_int64(opt, 1, f->id);
	int orc = sqlite3_step(opt);
	sqlite3_stmt *st = rq_query(db, RQ_PLOT_SEGMENTS);
	if (!st) {
		sqlite3_reset(opt);
		return -1;
	}
	sqlite3_bind_int64(st, 1, f->id);
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t frame = sqlite3_column_int64(st, 0);
		while (orc == SQLITE_ROW && sqlite3_column_int64(opt, 0) < frame)
			orc = sqlite3_step(opt);
		bool has_opt = orc == SQLITE_ROW && sqlite3_column_int64(opt, 0) == frame;
		int packed = sqlite3_column_int(st, 2);
		struct db_plot_segment s = {
			.ts_ns = f->first_ts_ns + sqlite3_column_int64(st, 1),
			.from_client = (packed >> 8) & 1,
			.flags = packed & 255,
			.rel_seq = sqlite3_column_int64(st, 3),
			.has_ack = !rq_is_null(st, 4),
			.rel_ack = sqlite3_column_int64(st, 4),
			.len = sqlite3_column_int64(st, 5),
			.win = sqlite3_column_int64(st, 6),
			.analysis = sqlite3_column_int64(st, 7),
			.options = has_opt ? rq_text(opt, 1) : NULL,
			.ack = has_opt ? sqlite3_column_int64(opt, 2) : 0,
		};
		stop = fn(&s, user);
	}
	int result = stop                                      ? stop
	             : rc != SQLITE_DONE                       ? db_fail(db, "reading the database")
	             : orc != SQLITE_ROW && orc != SQLITE_DONE ? db_fail(db, "reading the database")
	                                                       : 0;
	sqlite3_reset(st);
	sqlite3_reset(opt);
	return result;
}

/* --- transitions ------------------------------------------------------- */

struct transition_ctx {
	db_transition_fn fn;
	void *user;
};

/* time as the views write it: strftime's seconds, then printf('.%09dZ')
 * of the remainder, both of floor division, so that a time before 1970
 * is the second it falls in with a fraction from 0 (C's / and %, as
 * SQLite's, truncate toward zero). */
static const char *iso_time(int64_t ts_ns, char buf[64])
{
	int64_t frac = ts_ns % 1000000000;
	time_t sec = (time_t)(ts_ns / 1000000000 - (frac < 0));
	frac += frac < 0 ? 1000000000 : 0;
	struct tm tm;
	size_t n = gmtime_r(&sec, &tm) ? strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm) : 0;
	snprintf(buf + n, 64 - n, ".%09" PRId64 "Z", frac);
	return buf;
}

static int transition_row(sqlite3_stmt *st, void *p)
{
	struct transition_ctx *ctx = p;
	char flags[16], time[64];
	int64_t ts_ns = sqlite3_column_int64(st, 4);
	struct db_transition_info t = {
		.flow_id = sqlite3_column_int64(st, 0),
		.step = sqlite3_column_int64(st, 1),
		.frame = sqlite3_column_int64(st, 2),
		.seen_frame = sqlite3_column_int64(st, 3),
		.ts_ns = ts_ns,
		.time = iso_time(ts_ns, time),
		.endpoint = rq_text(st, 5),
		.address = rq_text(st, 6),
		.from_state = rq_text(st, 7),
		.to_state = rq_text(st, 8),
		.event = rq_text(st, 9),
		.flags = rq_is_null(st, 10) ? NULL : flags_text(sqlite3_column_int(st, 10), flags),
		.has_rel_seq = !rq_is_null(st, 11),
		.rel_seq = sqlite3_column_int64(st, 11),
		.has_rel_ack = !rq_is_null(st, 12),
		.rel_ack = sqlite3_column_int64(st, 12),
		.len = sqlite3_column_int64(st, 13),
	};
	return ctx->fn(&t, ctx->user);
}

/* One flow's transitions held to be put in step order: the view yields
 * them as they are stored (a segment's first changes, then its second
 * ones, then the rare extra ones), and an ORDER BY would open a sorter,
 * and allocate its page, for every flow of a report. A flow has a few;
 * they are kept on the stack up to HELD_ROWS, on the heap past that. */
#define HELD_ROWS 64
#define HELD_TEXT 6144
enum { H_ENDPOINT, H_FROM, H_TO, H_EVENT, H_TEXTS };

struct held_row {
	int64_t flow_id, step, frame, seen_frame, ts_ns, rel_seq, rel_ack, len;
	int flags;
	bool has_flags, has_rel_seq, has_rel_ack;
	size_t text[H_TEXTS]; /* offsets into held.text; SIZE_MAX for NULL */
};

struct held {
	struct held_row *rows;
	size_t n, cap;
	char *text;
	size_t len, cap_text;
	struct held_row stack_rows[HELD_ROWS];
	char stack_text[HELD_TEXT];
	bool oom;
};

static bool held_grow(struct held *h, size_t rows, size_t text)
{
	if (h->n + rows > h->cap) {
		size_t cap = h->cap * 2;
		struct held_row *r = h->rows == h->stack_rows ? malloc(cap * sizeof *r)
		                                              : realloc(h->rows, cap * sizeof *r);
		if (!r)
			return false;
		if (h->rows == h->stack_rows)
			memcpy(r, h->stack_rows, h->n * sizeof *r);
		h->rows = r;
		h->cap = cap;
	}
	if (h->len + text > h->cap_text) {
		size_t cap = h->cap_text * 2;
		while (cap < h->len + text)
			cap *= 2;
		char *t = h->text == h->stack_text ? malloc(cap) : realloc(h->text, cap);
		if (!t)
			return false;
		if (h->text == h->stack_text)
			memcpy(t, h->stack_text, h->len);
		h->text = t;
		h->cap_text = cap;
	}
	return true;
}

static int hold_row(sqlite3_stmt *st, void *p)
{
	struct held *h = p;
	static const int text_col[H_TEXTS] = {5, 7, 8, 9}; /* 6: the address */
	size_t need = 0;
	for (int i = 0; i < H_TEXTS; i++)
		need += (size_t)sqlite3_column_bytes(st, text_col[i]) + 1;
	if (!held_grow(h, 1, need)) {
		h->oom = true;
		return 1;
	}
	struct held_row *r = &h->rows[h->n++];
	*r = (struct held_row){
		.flow_id = sqlite3_column_int64(st, 0),
		.step = sqlite3_column_int64(st, 1),
		.frame = sqlite3_column_int64(st, 2),
		.seen_frame = sqlite3_column_int64(st, 3),
		.ts_ns = sqlite3_column_int64(st, 4),
		.has_flags = !rq_is_null(st, 10),
		.flags = sqlite3_column_int(st, 10),
		.has_rel_seq = !rq_is_null(st, 11),
		.rel_seq = sqlite3_column_int64(st, 11),
		.has_rel_ack = !rq_is_null(st, 12),
		.rel_ack = sqlite3_column_int64(st, 12),
		.len = sqlite3_column_int64(st, 13),
	};
	for (int i = 0; i < H_TEXTS; i++) {
		const char *t = rq_text(st, text_col[i]);
		if (!t) {
			r->text[i] = SIZE_MAX;
			continue;
		}
		size_t n = strlen(t) + 1;
		memcpy(h->text + h->len, t, n);
		r->text[i] = h->len;
		h->len += n;
	}
	return 0;
}

static int by_step(const void *a, const void *b)
{
	const struct held_row *x = a, *y = b;
	return x->step < y->step ? -1 : x->step > y->step;
}

int db_each_flow_transition(struct db *db, const struct db_flow_info *f,
                            db_transition_fn fn, void *user)
{
	sqlite3_stmt *st = rq_query(db, RQ_TRANSITIONS_FLOW);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, f->id);
	/* About 13 KB, on the stack: a malloc this large would make glibc
	 * merge its free lists, for every flow. */
	struct held held, *h = &held;
	h->rows = h->stack_rows;
	h->cap = HELD_ROWS;
	h->text = h->stack_text;
	h->cap_text = HELD_TEXT;
	h->n = h->len = 0;
	h->oom = false;
	int rc = rq_each(db, st, hold_row, h);
	if (h->oom) {
		snprintf(db->error, sizeof db->error, "out of memory");
		rc = -1;
	}
	if (rc == 0)
		qsort(h->rows, h->n, sizeof *h->rows, by_step);
	for (size_t i = 0; i < h->n && rc == 0; i++) {
		const struct held_row *r = &h->rows[i];
		const char *s[H_TEXTS];
		for (int k = 0; k < H_TEXTS; k++)
			s[k] = r->text[k] == SIZE_MAX ? NULL : h->text + r->text[k];
		char flags[16], time[64];
		struct db_transition_info t = {
			.flow_id = r->flow_id,
			.step = r->step,
			.frame = r->frame,
			.seen_frame = r->seen_frame,
			.ts_ns = r->ts_ns,
			.time = iso_time(r->ts_ns, time),
			.endpoint = s[H_ENDPOINT],
			.address = s[H_ENDPOINT] && strcmp(s[H_ENDPOINT], "client") == 0
			                   ? f->client
			                   : f->server,
			.from_state = s[H_FROM],
			.to_state = s[H_TO],
			.event = s[H_EVENT],
			.flags = r->has_flags ? flags_text(r->flags, flags) : NULL,
			.has_rel_seq = r->has_rel_seq,
			.rel_seq = r->rel_seq,
			.has_rel_ack = r->has_rel_ack,
			.rel_ack = r->rel_ack,
			.len = r->len,
		};
		rc = fn(&t, user);
	}
	if (h->rows != h->stack_rows)
		free(h->rows);
	if (h->text != h->stack_text)
		free(h->text);
	return rc;
}

/* A selected flow's transitions, once its row is read. */
struct flow_transitions {
	struct db *db;
	db_transition_fn fn;
	void *user;
	int rc;
};

static int flow_transitions(const struct db_flow_info *f, void *p)
{
	struct flow_transitions *ft = p;
	ft->rc = db_each_flow_transition(ft->db, f, ft->fn, ft->user);
	return ft->rc;
}

int db_each_transition(struct db *db, const struct db_selection *sel,
                       db_transition_fn fn, void *user)
{
	struct transition_ctx ctx = {fn, user};
	bool everything = !sel || (!sel->n_flow_ids && !sel->n_capture_ids && !sel->only_notable);
	if (everything) {
		/* One pass over every flow's changes. */
		sqlite3_stmt *st = rq_query(db, RQ_TRANSITIONS);
		if (!st || rq_bind_selection(db, st, sel))
			return -1;
		return rq_each(db, st, transition_row, &ctx);
	}
	/* Some flows: one by one, each read through its own segments (an IN
	 * over the selection would unpack every flow's changes first). */
	int64_t *ids;
	size_t n;
	if (db_selected_ids(db, sel, &ids, &n))
		return -1;
	struct flow_transitions ft = {db, fn, user, 0};
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0 && ft.rc == 0; i++)
		rc = db_get_flow(db, ids[i], flow_transitions, &ft) < 0 ? -1 : 0;
	free(ids);
	return rc ? rc : ft.rc;
}
