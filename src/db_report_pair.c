/* db_report_pair: see db_report_pair.h. Every statement a report runs on
 * the pairing tables is here, prepared on first use and kept with the
 * connection's other report queries (rq_query_sql). */
#include "db_report_pair.h"

#include <stdio.h>
#include <string.h>

#include "db_report_internal.h"

/* An endpoint as pair_transitions_view and sightings_view write it. */
#define ENDPOINT(f, side)                                                             \
	"CASE " f ".ip_version WHEN 6 THEN '[' || " f "." side "_ip || ']:' || " f "." side \
	"_port ELSE " f "." side "_ip || ':' || " f "." side "_port END"

static const char pairs_sql[] =
	"SELECT p.id, p.flow_a, p.flow_b, p.a_side = 'client', p.matched_by, p.nat,"
	" p.seq_delta_c2s, p.seq_delta_s2c, p.lost_c2s, p.lost_s2c, p.paired, p.appeared,"
	" p.owd_min_c2s_ns, p.owd_median_c2s_ns, p.owd_max_c2s_ns,"
	" p.owd_min_s2c_ns, p.owd_median_s2c_ns, p.owd_max_s2c_ns,"
	" ca.vantage, cb.vantage, ca.path, cb.path, " ENDPOINT("fa", "client") ", "
	ENDPOINT("fa", "server") ", " ENDPOINT("fb", "client") ", " ENDPOINT("fb", "server") ","
	" c.method, c.quality, c.offset_ns, c.offset_lo_ns, c.offset_hi_ns, c.skew_ppm,"
	" c.skew_err_ppm, c.skew_estimate_ppm, c.skew_fitted, c.samples_fwd, c.samples_rev,"
	" c.min_rtt_between_ns"
	" FROM flow_pairs p JOIN clock_fits c ON c.id = p.fit_id"
	" JOIN flows fa ON fa.id = p.flow_a JOIN flows fb ON fb.id = p.flow_b"
	" JOIN captures ca ON ca.id = fa.capture_id JOIN captures cb ON cb.id = fb.capture_id"
	" WHERE p.flow_a IN " SEL " OR p.flow_b IN " SEL " ORDER BY p.id";

/* The columns of one sighting; ?1 the pair. */
#define SIGHTING_COLUMNS                                                              \
	"SELECT s.seq_no, s.frame_a, s.frame_b, s.send_ts_ns, s.recv_ts_ns, s.owd_ns,"   \
	" s.from_client, s.ambiguous, s.rel_seq, s.len, IFNULL(ra.rel_ack, rb.rel_ack),"  \
	" IFNULL(ra.win, rb.win), s.flags, s.flags_text, s.fate, s.whole"               \
	" FROM sightings_view s"                                                        \
	" LEFT JOIN segment_rows ra ON ra.flow_id = s.flow_a AND ra.frame = s.frame_a"  \
	" LEFT JOIN segment_rows rb ON rb.flow_id = s.flow_b AND rb.frame = s.frame_b"  \
	" WHERE s.pair_id = ?1"

static const char sightings_all_sql[] = SIGHTING_COLUMNS " ORDER BY s.seq_no";
static const char sightings_head_sql[] = SIGHTING_COLUMNS " ORDER BY s.seq_no LIMIT ?2";
/* The last ?2 rows after row ?3. */
static const char sightings_tail_sql[] =
	"SELECT * FROM (" SIGHTING_COLUMNS " AND s.seq_no > ?3 ORDER BY s.seq_no DESC LIMIT ?2)"
	" ORDER BY 1";

static const char gap_sql[] =
	"WITH numbered AS (SELECT seq_no, len, IFNULL(send_ts_ns, recv_ts_ns) AS t,"
	" row_number() OVER (ORDER BY seq_no) AS n, count(*) OVER () AS total"
	" FROM sightings WHERE pair_id = ?1)"
	" SELECT count(*), IFNULL(sum(len), 0), min(seq_no), max(seq_no), min(t), max(t)"
	" FROM numbered WHERE n > ?2 AND n <= total - ?3";

static const char transitions_sql[] =
	"SELECT endpoint = 'client', vantage, frame_a, frame_b, ts_ns, from_state, to_state,"
	" event, appeared FROM pair_transitions_view WHERE pair_id = ?1"
	" ORDER BY ts_ns, endpoint, step";

static const char span_sql[] =
	"SELECT min(min(IFNULL(send_ts_ns, recv_ts_ns), IFNULL(recv_ts_ns, send_ts_ns))),"
	" max(max(IFNULL(send_ts_ns, recv_ts_ns), IFNULL(recv_ts_ns, send_ts_ns)))"
	" FROM sightings WHERE pair_id = ?1";

static const char has_pairs_sql[] = "SELECT EXISTS (SELECT 1 FROM flow_pairs)";

/* Through the indexes flow_pairs_a and flow_pairs_b. */
static const char pair_of_flow_sql[] =
	"SELECT p.id, p.flow_b, c.vantage FROM flow_pairs p JOIN flows f ON f.id = p.flow_b"
	" JOIN captures c ON c.id = f.capture_id WHERE p.flow_a = ?1"
	" UNION ALL SELECT p.id, p.flow_a, c.vantage FROM flow_pairs p"
	" JOIN flows f ON f.id = p.flow_a JOIN captures c ON c.id = f.capture_id"
	" WHERE p.flow_b = ?1 LIMIT 1";

/* ?2 the first time, ?3 the span, ?4 the columns. */
static const char owd_bins_sql[] =
	"SELECT NOT from_client,"
	" min(?4 - 1, max(0, (IFNULL(send_ts_ns, recv_ts_ns) - ?2) * ?4 / ?3)) AS col,"
	" count(owd_ns), sum(fate = 'lost_between'), min(owd_ns), max(owd_ns)"
	" FROM sightings WHERE pair_id = ?1 GROUP BY 1, 2 ORDER BY 1, 2";

static bool opt_int(sqlite3_stmt *st, int col, int64_t *v)
{
	if (rq_is_null(st, col))
		return false;
	*v = sqlite3_column_int64(st, col);
	return true;
}

static bool opt_real(sqlite3_stmt *st, int col, double *v)
{
	if (rq_is_null(st, col))
		return false;
	*v = sqlite3_column_double(st, col);
	return true;
}

/* ---- flow pairs ---------------------------------------------------------- */

struct pair_ctx {
	db_pair_fn fn;
	void *user;
};

static int pair_row(sqlite3_stmt *st, void *p)
{
	struct pair_ctx *ctx = p;
	struct db_pair_info f = {
	        .id = sqlite3_column_int64(st, 0),
	        .flow_a = sqlite3_column_int64(st, 1),
	        .flow_b = sqlite3_column_int64(st, 2),
	        .a_is_client = sqlite3_column_int(st, 3) != 0,
	        .matched_by = rq_text(st, 4),
	        .nat = sqlite3_column_int(st, 5) != 0,
	        .seq_delta = {sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7)},
	        .lost = {sqlite3_column_int64(st, 8), sqlite3_column_int64(st, 9)},
	        .paired = sqlite3_column_int64(st, 10),
	        .appeared = sqlite3_column_int64(st, 11),
	        .vantage_a = rq_text(st, 18),
	        .vantage_b = rq_text(st, 19),
	        .file_a = rq_text(st, 20),
	        .file_b = rq_text(st, 21),
	        .client_a = rq_text(st, 22),
	        .server_a = rq_text(st, 23),
	        .client_b = rq_text(st, 24),
	        .server_b = rq_text(st, 25),
	        .method = rq_text(st, 26),
	        .quality = rq_text(st, 27),
	        .skew_ppm = sqlite3_column_double(st, 31),
	        .skew_fitted = sqlite3_column_int(st, 34) != 0,
	        .samples_fwd = sqlite3_column_int64(st, 35),
	        .samples_rev = sqlite3_column_int64(st, 36),
	};
	for (int d = 0; d < 2; d++) {
		f.has_owd[d] = opt_int(st, 12 + 3 * d, &f.owd_min[d]);
		opt_int(st, 13 + 3 * d, &f.owd_median[d]);
		opt_int(st, 14 + 3 * d, &f.owd_max[d]);
	}
	f.has_offset = opt_int(st, 28, &f.offset_ns);
	f.has_lo = opt_int(st, 29, &f.offset_lo_ns);
	f.has_hi = opt_int(st, 30, &f.offset_hi_ns);
	f.has_skew_err = opt_real(st, 32, &f.skew_err_ppm);
	f.has_skew_estimate = opt_real(st, 33, &f.skew_estimate_ppm);
	f.has_min_rtt = opt_int(st, 37, &f.min_rtt_between_ns);
	return ctx->fn(&f, ctx->user);
}

int db_each_pair(struct db *db, const struct db_selection *sel, db_pair_fn fn, void *user)
{
	sqlite3_stmt *st = rq_query_sql(db, RQ_PAIRS, pairs_sql);
	if (!st || rq_bind_selection(db, st, sel))
		return -1;
	struct pair_ctx ctx = {fn, user};
	return rq_each(db, st, pair_row, &ctx);
}

static int span_row(sqlite3_stmt *st, void *p)
{
	int64_t *span = p;
	span[0] = sqlite3_column_int64(st, 0);
	span[1] = sqlite3_column_int64(st, 1);
	return 0;
}

int db_pair_span(struct db *db, int64_t pair_id, int64_t *first_ts_ns, int64_t *last_ts_ns)
{
	sqlite3_stmt *st = rq_query_sql(db, RQ_PAIR_SPAN, span_sql);
	int64_t span[2] = {0, 0};
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, pair_id);
	if (rq_each(db, st, span_row, span) != 0)
		return -1;
	*first_ts_ns = span[0];
	*last_ts_ns = span[1];
	return 0;
}

/* ---- sightings ----------------------------------------------------------- */

struct sighting_ctx {
	db_sighting_fn fn;
	void *user;
	int64_t rows, last_seq_no;
};

static int sighting_row(sqlite3_stmt *st, void *p)
{
	struct sighting_ctx *ctx = p;
	const char *whole = rq_text(st, 15);
	struct db_sighting_info s = {
	        .seq_no = sqlite3_column_int64(st, 0),
	        .from_client = sqlite3_column_int(st, 6) != 0,
	        .ambiguous = sqlite3_column_int(st, 7) != 0,
	        .rel_seq = sqlite3_column_int64(st, 8),
	        .len = sqlite3_column_int64(st, 9),
	        .win = sqlite3_column_int64(st, 11),
	        .flags = sqlite3_column_int(st, 12),
	        .flags_text = rq_text(st, 13),
	        .fate = rq_text(st, 14),
	        .whole = whole ? whole[0] : 0,
	};
	s.has_frame_a = opt_int(st, 1, &s.frame_a);
	s.has_frame_b = opt_int(st, 2, &s.frame_b);
	s.has_send = opt_int(st, 3, &s.send_ts_ns);
	s.has_recv = opt_int(st, 4, &s.recv_ts_ns);
	s.has_owd = opt_int(st, 5, &s.owd_ns);
	s.has_ack = opt_int(st, 10, &s.rel_ack);
	ctx->rows++;
	ctx->last_seq_no = s.seq_no;
	return ctx->fn(&s, ctx->user);
}

int db_each_sighting(struct db *db, int64_t pair_id, int64_t head, int64_t tail,
                     db_sighting_fn fn, void *user)
{
	struct sighting_ctx ctx = {fn, user, 0, -1};
	sqlite3_stmt *st = head < 0 ? rq_query_sql(db, RQ_SIGHTINGS_ALL, sightings_all_sql)
	                            : rq_query_sql(db, RQ_SIGHTINGS_HEAD, sightings_head_sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, pair_id);
	if (head >= 0)
		sqlite3_bind_int64(st, 2, head);
	int rc = rq_each(db, st, sighting_row, &ctx);
	/* A head that ran short was the whole pair: no tail to look for. */
	if (rc || head < 0 || tail <= 0 || ctx.rows < head)
		return rc;
	if (!(st = rq_query_sql(db, RQ_SIGHTINGS_TAIL, sightings_tail_sql)))
		return -1;
	sqlite3_bind_int64(st, 1, pair_id);
	sqlite3_bind_int64(st, 2, tail);
	sqlite3_bind_int64(st, 3, ctx.last_seq_no);
	return rq_each(db, st, sighting_row, &ctx);
}

static int gap_row(sqlite3_stmt *st, void *p)
{
	struct db_sighting_gap *gap = p;
	gap->rows = sqlite3_column_int64(st, 0);
	gap->bytes = sqlite3_column_int64(st, 1);
	gap->first_seq_no = sqlite3_column_int64(st, 2);
	gap->last_seq_no = sqlite3_column_int64(st, 3);
	gap->first_ts_ns = sqlite3_column_int64(st, 4);
	gap->last_ts_ns = sqlite3_column_int64(st, 5);
	return 0;
}

int db_sighting_gap(struct db *db, int64_t pair_id, int64_t head, int64_t tail,
                    struct db_sighting_gap *gap)
{
	memset(gap, 0, sizeof *gap);
	sqlite3_stmt *st = rq_query_sql(db, RQ_SIGHTING_GAP, gap_sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, pair_id);
	sqlite3_bind_int64(st, 2, head < 0 ? 0 : head);
	sqlite3_bind_int64(st, 3, tail < 0 ? 0 : tail);
	return rq_each(db, st, gap_row, gap);
}

/* ---- transitions --------------------------------------------------------- */

struct transition_ctx {
	db_pair_transition_fn fn;
	void *user;
};

static int transition_row(sqlite3_stmt *st, void *p)
{
	struct transition_ctx *ctx = p;
	struct db_pair_transition_info t = {
	        .client = sqlite3_column_int(st, 0) != 0,
	        .vantage = rq_text(st, 1),
	        .ts_ns = sqlite3_column_int64(st, 4),
	        .from_state = rq_text(st, 5),
	        .to_state = rq_text(st, 6),
	        .event = rq_text(st, 7),
	        .appeared = sqlite3_column_int(st, 8) != 0,
	};
	t.has_frame_a = opt_int(st, 2, &t.frame_a);
	t.has_frame_b = opt_int(st, 3, &t.frame_b);
	return ctx->fn(&t, ctx->user);
}

int db_each_pair_transition(struct db *db, int64_t pair_id, db_pair_transition_fn fn,
                            void *user)
{
	sqlite3_stmt *st = rq_query_sql(db, RQ_PAIR_TRANSITIONS, transitions_sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, pair_id);
	struct transition_ctx ctx = {fn, user};
	return rq_each(db, st, transition_row, &ctx);
}

/* ---- one-way delays, binned ---------------------------------------------- */

struct bin_ctx {
	db_owd_bin_fn fn;
	void *user;
};

static int bin_row(sqlite3_stmt *st, void *p)
{
	struct bin_ctx *ctx = p;
	struct db_owd_bin b = {
	        .dir = sqlite3_column_int(st, 0) ? PAIR_S2C : PAIR_C2S,
	        .column = sqlite3_column_int64(st, 1),
	        .samples = sqlite3_column_int64(st, 2),
	        .lost = sqlite3_column_int64(st, 3),
	        .min_ns = sqlite3_column_int64(st, 4),
	        .max_ns = sqlite3_column_int64(st, 5),
	};
	return ctx->fn(&b, ctx->user);
}

int db_each_owd_bin(struct db *db, int64_t pair_id, int64_t first_ts_ns, int64_t span_ns,
                    int columns, db_owd_bin_fn fn, void *user)
{
	sqlite3_stmt *st = rq_query_sql(db, RQ_OWD_BINS, owd_bins_sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, pair_id);
	sqlite3_bind_int64(st, 2, first_ts_ns);
	sqlite3_bind_int64(st, 3, span_ns > 0 ? span_ns : 1);
	sqlite3_bind_int(st, 4, columns > 0 ? columns : 1);
	struct bin_ctx ctx = {fn, user};
	return rq_each(db, st, bin_row, &ctx);
}

/* ---- a flow's pair --------------------------------------------------------- */

static int int_row(sqlite3_stmt *st, void *p)
{
	*(int64_t *)p = sqlite3_column_int64(st, 0);
	return 0;
}

int db_has_pairs(struct db *db)
{
	sqlite3_stmt *st = rq_query_sql(db, RQ_HAS_PAIRS, has_pairs_sql);
	int64_t any = 0;
	if (!st || rq_each(db, st, int_row, &any) != 0)
		return -1;
	return any != 0;
}

struct pair_of_flow {
	int64_t pair_id, other;
	char *vantage;
	size_t len;
	bool found;
};

static int pair_of_flow_row(sqlite3_stmt *st, void *p)
{
	struct pair_of_flow *o = p;
	o->pair_id = sqlite3_column_int64(st, 0);
	o->other = sqlite3_column_int64(st, 1);
	const char *v = rq_text(st, 2);
	snprintf(o->vantage, o->len, "%s", v ? v : "?");
	o->found = true;
	return 0;
}

int db_pair_of_flow(struct db *db, int64_t flow_id, int64_t *pair_id, int64_t *other_flow,
                    char *vantage, size_t len)
{
	sqlite3_stmt *st = rq_query_sql(db, RQ_PAIR_OF_FLOW, pair_of_flow_sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, flow_id);
	struct pair_of_flow o = {.vantage = vantage, .len = len};
	if (rq_each(db, st, pair_of_flow_row, &o) != 0)
		return -1;
	*pair_id = o.pair_id;
	*other_flow = o.other;
	return o.found;
}
