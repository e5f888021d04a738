/* db_pair: see db_pair.h. */
#include "db_pair.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_report.h"
#include "vantage.h"

int db_insert_segment_keys(struct db *db, const struct db_segment_keys *k)
{
	sqlite3_stmt *st = db->stmt[ST_INSERT_SEGMENT_KEYS];
	sqlite3_bind_int64(st, 1, k->flow_id);
	sqlite3_bind_int64(st, 2, (int64_t)k->frame);
	if (k->has_ip_id)
		sqlite3_bind_int(st, 3, k->ip_id);
	sqlite3_bind_int(st, 4, k->ttl);
	if (k->has_ts) {
		sqlite3_bind_int64(st, 5, k->tsval);
		sqlite3_bind_int64(st, 6, k->tsecr);
	}
	if (k->has_hash)
		sqlite3_bind_int64(st, 7, (int64_t)k->hash);
	sqlite3_bind_int64(st, 8, k->hashed);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "writing segment keys");
}

int db_capture_set_vantage(struct db *db, int64_t id, const char *vantage)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE captures SET vantage = ?2 WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (vantage)
		sqlite3_bind_text(st, 2, vantage, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "tagging a capture");
}

int db_capture_vantage(struct db *db, int64_t id, char *buf, size_t len, bool *tagged)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT vantage FROM captures WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*tagged = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	snprintf(buf, len, "%s", *tagged ? (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(db, "reading a capture's vantage");
}

void db_pair_set_error(struct db *db, const char *why)
{
	snprintf(db->error, sizeof db->error, "%s", why);
}

/* ---- pair: reading */

int db_pair_captures(struct db *db, const char *vantage, struct db_pair_capture **out,
                     size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT id, first_ts_ns, last_ts_ns, path FROM captures"
	                               " WHERE vantage = ?1 AND status != 'failed' ORDER BY id");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, vantage, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct db_pair_capture *grown = realloc(*out, cap * sizeof *grown);
			if (!grown) {
				sqlite3_finalize(st);
				snprintf(db->error, sizeof db->error, "out of memory");
				return -1;
			}
			*out = grown;
		}
		struct db_pair_capture *c = &(*out)[(*n)++];
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(st, 0);
		c->has_ts = sqlite3_column_type(st, 1) != SQLITE_NULL;
		c->first_ts_ns = sqlite3_column_int64(st, 1);
		c->last_ts_ns = sqlite3_column_int64(st, 2);
		snprintf(c->path, sizeof c->path, "%s", (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading captures");
}

int db_pair_flows(struct db *db, int64_t capture_id, struct db_pair_flow **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT id, first_ts_ns, client_ip, client_port, server_ip,"
	                               " server_port FROM flows WHERE capture_id = ?1 ORDER BY id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, capture_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct db_pair_flow *grown = realloc(*out, cap * sizeof *grown);
			if (!grown) {
				sqlite3_finalize(st);
				snprintf(db->error, sizeof db->error, "out of memory");
				return -1;
			}
			*out = grown;
		}
		struct db_pair_flow *f = &(*out)[(*n)++];
		f->id = sqlite3_column_int64(st, 0);
		f->first_ts_ns = sqlite3_column_int64(st, 1);
		char ep[160];
		snprintf(ep, sizeof ep, "%s:%d %s:%d", (const char *)sqlite3_column_text(st, 2),
		         sqlite3_column_int(st, 3), (const char *)sqlite3_column_text(st, 4),
		         sqlite3_column_int(st, 5));
		f->endpoints = pair_payload_hash((const uint8_t *)ep, (uint32_t)strlen(ep));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading flows");
}

/* segments' columns computed as segments_view computes them, the flow
 * read once by the join rather than per row. */
#define SEGMENT_COLUMNS_SQL                                                     \
	"SELECT s.flow_id, s.frame, f.first_ts_ns + s.ts_offset_ns, s.rel_seq,"        \
	" IFNULL(s.rel_ack, 0),"                                                       \
	" IFNULL(s.seq_stored, (s.rel_seq + CASE WHEN (s.packed >> 8) & 1"             \
	"  THEN IFNULL(f.client_seq_base, f.client_isn)"                               \
	"  ELSE IFNULL(f.server_seq_base, f.server_isn) END) & 4294967295),"           \
	" IFNULL(s.ack_stored, CASE WHEN s.rel_ack IS NULL THEN 0 ELSE"                \
	"  (s.rel_ack + CASE WHEN (s.packed >> 8) & 1"                                 \
	"  THEN IFNULL(f.server_seq_base, f.server_isn)"                               \
	"  ELSE IFNULL(f.client_seq_base, f.client_isn) END) & 4294967295 END),"       \
	" s.len, s.win, s.packed & 255, (s.packed >> 8) & 1, k.ip_id, IFNULL(k.ttl, 0)," \
	" k.tsval, k.tsecr, k.payload_hash, IFNULL(k.payload_hashed, 0)"               \
	" FROM flows f JOIN segment_rows s ON s.flow_id = f.id LEFT JOIN segment_keys k" \
	" ON k.flow_id = s.flow_id AND k.frame = s.frame"

static void read_segment(sqlite3_stmt *st, struct pair_seg *p)
{
	memset(p, 0, sizeof *p);
	p->frame = (uint64_t)sqlite3_column_int64(st, 1);
	p->ts_ns = sqlite3_column_int64(st, 2);
	p->rel_seq = sqlite3_column_int64(st, 3);
	p->rel_ack = sqlite3_column_int64(st, 4);
	p->seq = (uint32_t)sqlite3_column_int64(st, 5);
	p->ack = (uint32_t)sqlite3_column_int64(st, 6);
	p->len = (uint32_t)sqlite3_column_int64(st, 7);
	p->win = (uint32_t)sqlite3_column_int64(st, 8);
	p->flags = (uint8_t)sqlite3_column_int(st, 9);
	p->from_client = sqlite3_column_int(st, 10) != 0;
	p->has_ip_id = sqlite3_column_type(st, 11) != SQLITE_NULL;
	p->ip_id = (uint16_t)sqlite3_column_int(st, 11);
	p->ttl = (uint8_t)sqlite3_column_int(st, 12);
	p->has_ts = sqlite3_column_type(st, 13) != SQLITE_NULL;
	p->tsval = (uint32_t)sqlite3_column_int64(st, 13);
	p->tsecr = (uint32_t)sqlite3_column_int64(st, 14);
	p->hash = (uint64_t)sqlite3_column_int64(st, 15);
	p->hashed = (uint8_t)sqlite3_column_int(st, 16);
}

int db_pair_capture_segments(struct db *db, int64_t capture_id,
                             int (*fn)(void *user, int64_t flow_id, const struct pair_seg *s),
                             void *user)
{
	sqlite3_stmt *st = db_prepare(db, SEGMENT_COLUMNS_SQL " WHERE f.capture_id = ?1"
	                           " ORDER BY f.id, s.frame");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, capture_id);
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pair_seg p;
		read_segment(st, &p);
		stop = fn(user, sqlite3_column_int64(st, 0), &p);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading segments");
}

enum { PS_SEGMENTS, PS_FLOW_PAIR, PS_SIGHTING, PS_TRANSITION, PS_COUNT };

struct db_pair_session {
	struct db *db;
	sqlite3_stmt *st[PS_COUNT];
};

static const char *const session_sql[PS_COUNT] = {
	[PS_SEGMENTS] = SEGMENT_COLUMNS_SQL " WHERE f.id = ?1 ORDER BY s.frame",
	[PS_FLOW_PAIR] =
		"INSERT INTO flow_pairs (fit_id, flow_a, flow_b, a_side, matched_by, nat,"
		" seq_delta_c2s, seq_delta_s2c, paired, lost_c2s, lost_s2c, appeared,"
		" owd_min_c2s_ns, owd_median_c2s_ns, owd_max_c2s_ns, owd_min_s2c_ns,"
		" owd_median_s2c_ns, owd_max_s2c_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		" ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	[PS_SIGHTING] =
		"INSERT INTO sightings (pair_id, seq_no, frame_a, frame_b, from_client, rel_seq,"
		" len, flags, send_ts_ns, recv_ts_ns, owd_ns, fate, whole, ambiguous)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[PS_TRANSITION] =
		"INSERT INTO pair_transitions (pair_id, step, endpoint, frame_a, frame_b, ts_ns,"
		" from_state, to_state, event, appeared) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		" ?9, ?10)",
};

struct db_pair_session *db_pair_session_open(struct db *db)
{
	struct db_pair_session *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(db->error, sizeof db->error, "out of memory");
		return NULL;
	}
	s->db = db;
	for (int i = 0; i < PS_COUNT; i++)
		if (sqlite3_prepare_v3(db->conn, session_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		                       &s->st[i], NULL) != SQLITE_OK) {
			db_fail(db, "preparing pairing statements");
			db_pair_session_close(s);
			return NULL;
		}
	return s;
}

void db_pair_session_close(struct db_pair_session *s)
{
	if (!s)
		return;
	for (int i = 0; i < PS_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	free(s);
}

int db_pair_flow_segments(struct db_pair_session *s, int64_t flow_id, struct pair_seg **segs,
                          size_t *n, size_t *cap)
{
	sqlite3_stmt *st = s->st[PS_SEGMENTS];
	sqlite3_bind_int64(st, 1, flow_id);
	*n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 256;
			struct pair_seg *grown = realloc(*segs, c * sizeof *grown);
			if (!grown) {
				sqlite3_reset(st);
				snprintf(s->db->error, sizeof s->db->error, "out of memory");
				return -1;
			}
			*segs = grown;
			*cap = c;
		}
		read_segment(st, &(*segs)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s->db, "reading a flow's segments");
}

/* ---- pair: writing */

int db_pair_forget(struct db *db, int64_t capture_a, int64_t capture_b)
{
	static const char *const sql[] = {
		("DELETE FROM pair_transitions WHERE pair_id IN (SELECT p.id FROM flow_pairs p"
		 " JOIN clock_fits c ON c.id = p.fit_id WHERE (c.capture_a, c.capture_b) IN"
		 " (VALUES (?1, ?2), (?2, ?1)))"),
		("DELETE FROM sightings WHERE pair_id IN (SELECT p.id FROM flow_pairs p"
		 " JOIN clock_fits c ON c.id = p.fit_id WHERE (c.capture_a, c.capture_b) IN"
		 " (VALUES (?1, ?2), (?2, ?1)))"),
		("DELETE FROM flow_pairs WHERE fit_id IN (SELECT id FROM clock_fits"
		 " WHERE (capture_a, capture_b) IN (VALUES (?1, ?2), (?2, ?1)))"),
		"DELETE FROM clock_fits WHERE (capture_a, capture_b) IN (VALUES (?1, ?2), (?2, ?1))",
	};
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		sqlite3_stmt *st = db_prepare(db, sql[i]);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, capture_a);
		sqlite3_bind_int64(st, 2, capture_b);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, "forgetting an earlier pairing");
	}
	return 0;
}

int db_pair_insert_fit(struct db *db, int64_t capture_a, int64_t capture_b,
                       const struct pair_fit *fit, int64_t *id)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO clock_fits (capture_a, capture_b, ref_ts_ns, offset_ns, offset_lo_ns,"
		" offset_hi_ns, skew_ppm, skew_err_ppm, skew_estimate_ppm, skew_fitted, method,"
		" quality, samples_fwd, samples_rev, min_rtt_between_ns)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, capture_a);
	sqlite3_bind_int64(st, 2, capture_b);
	sqlite3_bind_int64(st, 3, fit->ref_ts_ns);
	sqlite3_bind_int64(st, 4, (int64_t)llround(fit->offset_ns));
	if (fit->has_lo)
		sqlite3_bind_int64(st, 5, fit->offset_lo_ns);
	if (fit->has_hi)
		sqlite3_bind_int64(st, 6, fit->offset_hi_ns);
	sqlite3_bind_double(st, 7, fit->skew_ppm);
	if (fit->has_skew_err) {
		sqlite3_bind_double(st, 8, fit->skew_err_ppm);
		sqlite3_bind_double(st, 9, fit->skew_estimate_ppm);
	}
	sqlite3_bind_int(st, 10, fit->skew_fitted);
	sqlite3_bind_text(st, 11, fit->given ? "given" : "symmetric-min", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, pair_quality_name(fit->quality), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, (int64_t)fit->samples_fwd);
	sqlite3_bind_int64(st, 14, (int64_t)fit->samples_rev);
	if (fit->has_rtt)
		sqlite3_bind_int64(st, 15, fit->min_rtt_between_ns);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(db->conn);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "writing a clock fit");
}

static int step_reset(struct db_pair_session *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s->db, what);
}

int db_pair_insert_flow_pair(struct db_pair_session *s, const struct db_flow_pair *p,
                             int64_t *id)
{
	sqlite3_stmt *st = s->st[PS_FLOW_PAIR];
	sqlite3_bind_int64(st, 1, p->fit_id);
	sqlite3_bind_int64(st, 2, p->flow_a);
	sqlite3_bind_int64(st, 3, p->flow_b);
	sqlite3_bind_text(st, 4, p->a_is_client ? "client" : "server", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, pair_match_name(p->by), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, p->nat);
	sqlite3_bind_int64(st, 7, p->delta_c2s);
	sqlite3_bind_int64(st, 8, p->delta_s2c);
	sqlite3_bind_int64(st, 9, p->paired);
	sqlite3_bind_int64(st, 10, p->lost_c2s);
	sqlite3_bind_int64(st, 11, p->lost_s2c);
	sqlite3_bind_int64(st, 12, p->appeared);
	for (int d = 0; d < 2; d++)
		if (p->has_owd[d]) {
			sqlite3_bind_int64(st, 13 + 3 * d, p->owd_min[d]);
			sqlite3_bind_int64(st, 14 + 3 * d, p->owd_median[d]);
			sqlite3_bind_int64(st, 15 + 3 * d, p->owd_max[d]);
		}
	if (step_reset(s, st, "writing a flow pair"))
		return -1;
	*id = sqlite3_last_insert_rowid(s->db->conn);
	return 0;
}

int db_pair_insert_sighting(struct db_pair_session *s, const struct db_sighting *r)
{
	sqlite3_stmt *st = s->st[PS_SIGHTING];
	sqlite3_bind_int64(st, 1, r->pair_id);
	sqlite3_bind_int64(st, 2, r->seq_no);
	if (r->has_frame_a)
		sqlite3_bind_int64(st, 3, (int64_t)r->frame_a);
	if (r->has_frame_b)
		sqlite3_bind_int64(st, 4, (int64_t)r->frame_b);
	sqlite3_bind_int(st, 5, r->from_client);
	sqlite3_bind_int64(st, 6, r->rel_seq);
	sqlite3_bind_int64(st, 7, r->len);
	sqlite3_bind_int(st, 8, r->flags);
	if (r->has_send)
		sqlite3_bind_int64(st, 9, r->send_ts_ns);
	if (r->has_recv)
		sqlite3_bind_int64(st, 10, r->recv_ts_ns);
	if (r->has_owd)
		sqlite3_bind_int64(st, 11, r->owd_ns);
	sqlite3_bind_text(st, 12, pair_fate_name(r->fate), -1, SQLITE_STATIC);
	if (r->whole)
		sqlite3_bind_text(st, 13, r->whole == 'a' ? "a" : "b", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 14, r->ambiguous);
	return step_reset(s, st, "writing a sighting");
}

int db_pair_insert_transition(struct db_pair_session *s, const struct db_pair_transition *t)
{
	sqlite3_stmt *st = s->st[PS_TRANSITION];
	sqlite3_bind_int64(st, 1, t->pair_id);
	sqlite3_bind_int64(st, 2, t->step);
	sqlite3_bind_int(st, 3, t->endpoint);
	if (t->has_frame_a)
		sqlite3_bind_int64(st, 4, (int64_t)t->frame_a);
	if (t->has_frame_b)
		sqlite3_bind_int64(st, 5, (int64_t)t->frame_b);
	sqlite3_bind_int64(st, 6, t->ts_ns);
	sqlite3_bind_int(st, 7, t->from);
	sqlite3_bind_int(st, 8, t->to);
	sqlite3_bind_int(st, 9, t->event);
	sqlite3_bind_int(st, 10, t->appeared);
	return step_reset(s, st, "writing a pair transition");
}

/* ---- export sightings|clock */

/* ?1 the selected flows, ?2 the selected captures, as JSON arrays (NULL:
 * no selection of that kind). */
#define PAIR_FLOW_SEL(flow)                                                     \
	"(?1 IS NULL OR " flow " IN (SELECT value FROM json_each(?1)))"
#define PAIR_CAPTURE_SEL(capture)                                               \
	"(?2 IS NULL OR " capture " IN (SELECT value FROM json_each(?2)))"

static const char *const export_sql[] = {
	[DB_PAIR_SIGHTINGS] =
		"SELECT v.* FROM sightings_view v JOIN flows fa ON fa.id = v.flow_a"
		" JOIN flows fb ON fb.id = v.flow_b"
		" WHERE (" PAIR_FLOW_SEL("v.flow_a") " OR " PAIR_FLOW_SEL("v.flow_b") ")"
		" AND (" PAIR_CAPTURE_SEL("fa.capture_id") " OR " PAIR_CAPTURE_SEL("fb.capture_id") ")"
		" ORDER BY v.pair_id, v.seq_no",
	[DB_PAIR_CLOCK] =
		"SELECT c.id, c.capture_a, c.capture_b, ca.vantage AS vantage_a,"
		" cb.vantage AS vantage_b, ca.path AS file_a, cb.path AS file_b, c.ref_ts_ns,"
		" c.offset_ns, c.offset_lo_ns, c.offset_hi_ns, c.skew_ppm, c.skew_err_ppm,"
		" c.skew_estimate_ppm, c.skew_fitted, c.method, c.quality, c.samples_fwd,"
		" c.samples_rev, c.min_rtt_between_ns,"
		" (SELECT count(*) FROM flow_pairs p WHERE p.fit_id = c.id) AS flow_pairs"
		" FROM clock_fits c JOIN captures ca ON ca.id = c.capture_a"
		" JOIN captures cb ON cb.id = c.capture_b"
		" WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM flow_pairs p WHERE p.fit_id = c.id AND"
		" (p.flow_a IN (SELECT value FROM json_each(?1))"
		" OR p.flow_b IN (SELECT value FROM json_each(?1)))))"
		" AND (" PAIR_CAPTURE_SEL("c.capture_a") " OR " PAIR_CAPTURE_SEL("c.capture_b") ")"
		" ORDER BY c.id",
};

/* ids as a JSON array; NULL when there are none (or no memory: *failed). */
static char *json_ids(const int64_t *ids, size_t n, bool *failed)
{
	if (!n)
		return NULL;
	char *s = sqlite3_mprintf("[");
	for (size_t i = 0; s && i < n; i++)
		s = sqlite3_mprintf("%z%s%lld", s, i ? "," : "", (long long)ids[i]);
	s = s ? sqlite3_mprintf("%z]", s) : NULL;
	*failed = *failed || !s;
	return s;
}

int db_pair_each_row(struct db *db, enum db_pair_table table, const struct db_selection *sel,
                     int (*fn)(int ncols, const char *const *names,
                               const char *const *values, void *user),
                     void *user)
{
	sqlite3_stmt *st = db_prepare(db, export_sql[table]);
	if (!st)
		return -1;
	bool failed = false;
	char *flows = sel ? json_ids(sel->flow_ids, sel->n_flow_ids, &failed) : NULL;
	char *caps = sel ? json_ids(sel->capture_ids, sel->n_capture_ids, &failed) : NULL;
	if (failed) {
		sqlite3_free(flows);
		sqlite3_free(caps);
		sqlite3_finalize(st);
		db_pair_set_error(db, "out of memory");
		return -1;
	}
	if (flows)
		sqlite3_bind_text(st, 1, flows, -1, sqlite3_free);
	if (caps)
		sqlite3_bind_text(st, 2, caps, -1, sqlite3_free);
	int ncols = sqlite3_column_count(st);
	const char **names = calloc((size_t)ncols + 1, sizeof *names);
	const char **values = calloc((size_t)ncols + 1, sizeof *values);
	int rc = -1;
	if (!names || !values) {
		db_pair_set_error(db, "out of memory");
		goto done;
	}
	for (int i = 0; i < ncols; i++)
		names[i] = sqlite3_column_name(st, i);
	rc = fn(ncols, names, NULL, user);
	int step;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++)
			values[i] = (const char *)sqlite3_column_text(st, i);
		rc = fn(ncols, names, values, user);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_fail(db, "reading rows");
done:
	free(names);
	free(values);
	sqlite3_finalize(st);
	return rc;
}
