/* cmd_pair: `tcpladder pair A B`, two vantage points' captures of the same
 * connections paired (VANTAGE.md). For each capture of A and each of B
 * whose times overlap (within --max-offset): their connections paired by
 * key, then each connection pair's segments twice: once for the clock's
 * samples, once, with the fit, for the rows. Memory follows the largest
 * connection and the flows of two captures, not the captures' size. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_db.h"
#include "cmd.h"
#include "db.h"
#include "db_pair.h"
#include "pair.h"
#include "tcpstate.h"
#include "vantage.h"

const char cmd_pair_usage[] =
	"usage: tcpladder pair [-d DB] [-q] A B [--offset NS[,PPM] | --synced]\n"
	"                      [--max-offset DUR]\n"
	"\n"
	"Pairs the captures ingested as vantage A (ingest's vantage option) with\n"
	"those of vantage B: the same connections seen at two points of their\n"
	"path. Every segment\n"
	"gets a send and a receive time and a one-way delay, or is found lost or\n"
	"made between the taps; the two clocks' offset and skew are estimated,\n"
	"with their error. A's clock is the reference. Pairing the same captures\n"
	"again replaces the earlier pairing.\n"
	"\n"
	"  -d, --db DB          database file (default tcpladder.db)\n"
	"  -q, --quiet          no summary line\n"
	"  --offset NS[,PPM]    the clock error given, not estimated: B's clock\n"
	"                       reads NS ns ahead of A's at A's first packet and\n"
	"                       gains PPM parts per million\n"
	"  --synced             the clocks agree (--offset 0,0)\n"
	"  --max-offset DUR     captures whose times are further apart are not\n"
	"                       paired (default 600s; units ns, us, ms, s, m, h)\n"
	"\n"
	"Exit status: 0 paired, 1 no connection paired or a clock fit\n"
	"inconsistent, 2 usage.\n";

struct pair_cli {
	bool given;
	double offset_ns, skew_ppm;
	int64_t max_offset_ns;
	int verbosity;
};

struct totals {
	unsigned fits, inconsistent;
	uint64_t pairs, alone_a, alone_b, lost, appeared;
};

/* "600", "600s", "250ms", "2m": ns, or -1. */
static int64_t parse_duration(const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	double unit = 1e9;
	if (*end == '\0' || strcmp(end, "s") == 0)
		unit = 1e9;
	else if (strcmp(end, "ms") == 0)
		unit = 1e6;
	else if (strcmp(end, "us") == 0)
		unit = 1e3;
	else if (strcmp(end, "ns") == 0)
		unit = 1;
	else if (strcmp(end, "m") == 0)
		unit = 60e9;
	else if (strcmp(end, "h") == 0)
		unit = 3600e9;
	else
		return -1;
	double ns = v * unit;
	return ns > 9e18 ? -1 : (int64_t)ns;
}

static bool parse_offset(const char *s, double *ns, double *ppm)
{
	char *end;
	errno = 0;
	*ns = strtod(s, &end);
	if (errno || end == s)
		return false;
	*ppm = 0;
	if (*end == ',') {
		const char *p = end + 1;
		*ppm = strtod(p, &end);
		if (errno || end == p)
			return false;
	}
	return *end == '\0' && fabs(*ppm) < 1e5;
}

/* Gathers each flow's connection keys from a capture's segments, which
 * come in flow order. */
struct gather {
	const struct db_pair_flow *flows;
	struct pair_conn *conns;
	size_t n, at;
};

static int gather_one(void *user, int64_t flow_id, const struct pair_seg *s)
{
	struct gather *g = user;
	while (g->at < g->n && g->flows[g->at].id < flow_id)
		g->at++;
	if (g->at < g->n && g->flows[g->at].id == flow_id)
		pair_conn_note(&g->conns[g->at], s);
	return 0;
}

static int load_conns(struct db *db, int64_t capture_id, struct db_pair_flow **flows,
                      size_t *n, struct pair_conn **conns)
{
	*conns = NULL;
	if (db_pair_flows(db, capture_id, flows, n))
		return -1;
	*conns = malloc((*n + 1) * sizeof **conns);
	if (!*conns)
		return -1;
	for (size_t i = 0; i < *n; i++)
		pair_conn_init(&(*conns)[i], (*flows)[i].id, (*flows)[i].first_ts_ns);
	struct gather g = {*flows, *conns, *n, 0};
	return db_pair_capture_segments(db, capture_id, gather_one, &g) ? -1 : 0;
}

/* The segments of one connection pair at both taps, paired. */
struct flow_work {
	struct pair_seg *a, *b;
	size_t na, nb, cap_a, cap_b;
	struct pair_flow_result r;
};

static int pair_one(struct db_pair_session *ses, const struct db_pair_flow *fa,
                    const struct db_pair_flow *fb, const struct pair_conn_match *m,
                    const struct pair_fit *fit, struct flow_work *w)
{
	if (db_pair_flow_segments(ses, fa->id, &w->a, &w->na, &w->cap_a) ||
	    db_pair_flow_segments(ses, fb->id, &w->b, &w->nb, &w->cap_b))
		return -1;
	return pair_segments(w->a, w->na, w->b, w->nb, m->has_delta_c2s ? m->delta_c2s : 0,
	                     m->has_delta_s2c ? m->delta_s2c : 0, fit, &w->r);
}

/* Whether the row went from A's tap to B's. */
static bool a_sends(const struct pair_flow_result *r, const struct pair_sighting *s)
{
	return s->from_client == r->a_is_client;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

struct row {
	struct db_sighting s;
	int64_t order;
	size_t index;
};

static int row_cmp(const void *x, const void *y)
{
	const struct row *p = x, *q = y;
	if (p->order != q->order)
		return p->order < q->order ? -1 : 1;
	if (p->s.rel_seq != q->s.rel_seq)
		return p->s.rel_seq < q->s.rel_seq ? -1 : 1;
	return p->index < q->index ? -1 : p->index > q->index;
}

/* Writes one connection pair: its rows in order of time, its states, its
 * figures. */
static int write_pair(struct db *db, struct db_pair_session *ses, int64_t fit_id,
                      const struct pair_fit *fit, const struct db_pair_flow *fa,
                      const struct db_pair_flow *fb, const struct pair_conn_match *m,
                      struct flow_work *w, struct totals *t)
{
	const struct pair_flow_result *r = &w->r;
	bool delays = pair_clock_delays_ok(fit);
	struct row *rows = malloc((r->n + 1) * sizeof *rows);
	size_t *pos = malloc((r->n + 1) * sizeof *pos);
	int64_t *owd[2] = {malloc((r->n + 1) * sizeof(int64_t)), malloc((r->n + 1) * sizeof(int64_t))};
	struct pair_transition *tr = NULL;
	int rc = -1;
	if (!rows || !pos || !owd[0] || !owd[1]) {
		db_pair_set_error(db, "out of memory");
		goto done;
	}
	struct db_flow_pair fp = {
		.fit_id = fit_id, .flow_a = fa->id, .flow_b = fb->id, .a_is_client = r->a_is_client,
		.nat = fa->endpoints != fb->endpoints,
		.by = m->by, .delta_c2s = m->has_delta_c2s ? m->delta_c2s : 0,
		.delta_s2c = m->has_delta_s2c ? m->delta_s2c : 0,
	};
	size_t nowd[2] = {0, 0};
	for (size_t i = 0; i < r->n; i++) {
		const struct pair_sighting *s = &r->s[i];
		struct db_sighting *d = &rows[i].s;
		memset(d, 0, sizeof *d);
		d->has_frame_a = s->ia >= 0;
		d->has_frame_b = s->ib >= 0;
		int64_t ta = 0, tb = 0;
		if (d->has_frame_a) {
			d->frame_a = w->a[s->ia].frame;
			ta = w->a[s->ia].ts_ns;
		}
		if (d->has_frame_b) {
			d->frame_b = w->b[s->ib].frame;
			tb = pair_clock_to_a(fit, w->b[s->ib].ts_ns);
		}
		bool from_a = a_sends(r, s);
		d->has_send = from_a ? d->has_frame_a : d->has_frame_b;
		d->has_recv = from_a ? d->has_frame_b : d->has_frame_a;
		d->send_ts_ns = from_a ? ta : tb;
		d->recv_ts_ns = from_a ? tb : ta;
		d->has_owd = delays && d->has_send && d->has_recv;
		d->owd_ns = d->recv_ts_ns - d->send_ts_ns;
		d->from_client = s->from_client;
		d->rel_seq = s->rel_seq;
		d->len = s->len;
		d->flags = s->flags;
		d->fate = s->fate;
		d->whole = s->whole;
		d->ambiguous = s->ambiguous;
		rows[i].order = d->has_send ? d->send_ts_ns : d->recv_ts_ns;
		rows[i].index = i;
		int dir = s->from_client ? 0 : 1;
		if (s->fate == PAIR_PAIRED)
			fp.paired++;
		else if (s->fate == PAIR_LOST_BETWEEN)
			*(dir ? &fp.lost_s2c : &fp.lost_c2s) += 1;
		else
			fp.appeared++;
		if (d->has_owd)
			owd[dir][nowd[dir]++] = d->owd_ns;
	}
	for (int dir = 0; dir < 2; dir++) {
		if (!nowd[dir])
			continue;
		qsort(owd[dir], nowd[dir], sizeof(int64_t), cmp_i64);
		fp.has_owd[dir] = true;
		fp.owd_min[dir] = owd[dir][0];
		fp.owd_median[dir] = owd[dir][nowd[dir] / 2];
		fp.owd_max[dir] = owd[dir][nowd[dir] - 1];
	}
	int64_t pair_id;
	if (db_pair_insert_flow_pair(ses, &fp, &pair_id))
		goto done;
	long ntr = pair_states(w->a, w->na, w->b, w->nb, r, &tr);
	if (ntr < 0) {
		db_pair_set_error(db, "out of memory");
		goto done;
	}
	qsort(rows, r->n, sizeof *rows, row_cmp);
	for (size_t k = 0; k < r->n; k++) {
		pos[rows[k].index] = k;
		rows[k].s.pair_id = pair_id;
		rows[k].s.seq_no = (int64_t)k;
		if (db_pair_insert_sighting(ses, &rows[k].s))
			goto done;
	}
	int64_t step[2] = {0, 0};
	for (long k = 0; k < ntr; k++) {
		const struct pair_transition *x = &tr[k];
		const struct db_sighting *s = &rows[pos[x->sighting]].s;
		bool tap_a = (x->endpoint == TCPST_CLIENT) == r->a_is_client;
		/* The time at that endpoint's own tap: the send sighting's when
		 * its tap is the sender's, else the receive sighting's. */
		bool tap_sends = tap_a == a_sends(r, &r->s[x->sighting]);
		struct db_pair_transition row = {
			.pair_id = pair_id, .step = step[x->endpoint]++, .endpoint = x->endpoint,
			.has_frame_a = s->has_frame_a, .has_frame_b = s->has_frame_b,
			.frame_a = s->frame_a, .frame_b = s->frame_b,
			.ts_ns = tap_sends ? s->send_ts_ns : s->recv_ts_ns,
			.from = x->from, .to = x->to, .event = x->event, .appeared = x->appeared,
		};
		if (db_pair_insert_transition(ses, &row))
			goto done;
	}
	t->pairs++;
	t->lost += (uint64_t)(fp.lost_c2s + fp.lost_s2c);
	t->appeared += (uint64_t)fp.appeared;
	rc = 0;
done:
	free(rows);
	free(pos);
	free(owd[0]);
	free(owd[1]);
	free(tr);
	return rc;
}

static void say_fit(const char *va, const char *vb, const struct db_pair_capture *ca,
                    const struct db_pair_capture *cb, const struct pair_fit *fit, long pairs)
{
	fprintf(stderr, "tcpladder pair: %s (capture %lld) and %s (capture %lld): %ld connections;"
	        " %s = %s %+.3f ms", va, (long long)ca->id, vb, (long long)cb->id, pairs, vb, va,
	        fit->offset_ns / 1e6);
	if (fit->quality == PAIR_OK && fit->has_rtt)
		fprintf(stderr, " +- %.3f ms", fit->min_rtt_between_ns / 2e6);
	if (fit->skew_fitted || fit->given)
		fprintf(stderr, ", skew %+.1f ppm", fit->skew_ppm);
	fprintf(stderr, " (%s, %llu/%llu samples)\n", pair_quality_name(fit->quality),
	        (unsigned long long)fit->samples_fwd, (unsigned long long)fit->samples_rev);
}

static int pair_captures(struct db *db, const struct pair_cli *cli, const char *va,
                         const char *vb, const struct db_pair_capture *ca,
                         const struct db_pair_capture *cb, struct totals *t)
{
	struct db_pair_flow *fa = NULL, *fb = NULL;
	struct pair_conn *conn_a = NULL, *conn_b = NULL;
	struct pair_conn_match *m = NULL;
	struct db_pair_session *ses = NULL;
	struct flow_work w = {0};
	struct pair_clock clock = {0};
	size_t na = 0, nb = 0;
	int rc = -1;
	if (load_conns(db, ca->id, &fa, &na, &conn_a) || load_conns(db, cb->id, &fb, &nb, &conn_b))
		goto done;
	long nm = pair_connections(conn_a, na, conn_b, nb, &m);
	if (nm < 0)
		goto done;
	if (nm == 0) {
		if (cli->verbosity > 0)
			fprintf(stderr, "tcpladder pair: %s (capture %lld) and %s (capture %lld):"
			        " no connection seen at both\n", va, (long long)ca->id, vb,
			        (long long)cb->id);
		t->alone_a += na;
		t->alone_b += nb;
		rc = 0;
		goto done;
	}
	ses = db_pair_session_open(db);
	if (!ses || pair_clock_init(&clock, ca->first_ts_ns, ca->last_ts_ns))
		goto done;
	/* First pass: the clock's samples, from unambiguous whole pairs. */
	for (long k = 0; k < nm; k++) {
		if (pair_one(ses, &fa[m[k].ia], &fb[m[k].ib], &m[k], NULL, &w))
			goto done;
		for (size_t i = 0; i < w.r.n; i++) {
			const struct pair_sighting *s = &w.r.s[i];
			if (s->fate != PAIR_PAIRED || s->ambiguous || s->whole)
				continue;
			pair_clock_add(&clock, a_sends(&w.r, s), w.a[s->ia].ts_ns, w.b[s->ib].ts_ns);
		}
		pair_flow_result_free(&w.r);
	}
	struct pair_fit fit = {.offset_ns = cli->offset_ns, .skew_ppm = cli->skew_ppm};
	pair_clock_fit(&clock, cli->given, &fit);
	int64_t fit_id;
	if (db_pair_forget(db, ca->id, cb->id) || db_pair_insert_fit(db, ca->id, cb->id, &fit, &fit_id))
		goto done;
	for (long k = 0; k < nm; k++) {
		if (pair_one(ses, &fa[m[k].ia], &fb[m[k].ib], &m[k], &fit, &w) ||
		    write_pair(db, ses, fit_id, &fit, &fa[m[k].ia], &fb[m[k].ib], &m[k], &w, t))
			goto done;
		pair_flow_result_free(&w.r);
	}
	t->fits++;
	t->inconsistent += fit.quality == PAIR_INCONSISTENT;
	t->alone_a += na - (size_t)nm;
	t->alone_b += nb - (size_t)nm;
	if (cli->verbosity > 0)
		say_fit(va, vb, ca, cb, &fit, nm);
	rc = 0;
done:
	pair_flow_result_free(&w.r);
	free(w.a);
	free(w.b);
	pair_clock_free(&clock);
	db_pair_session_close(ses);
	free(m);
	free(fa);
	free(fb);
	free(conn_a);
	free(conn_b);
	return rc;
}

/* Two captures are paired when their times overlap, allowing for a clock
 * error of up to max. */
static bool overlap(const struct db_pair_capture *a, const struct db_pair_capture *b,
                    int64_t max)
{
	if (!a->has_ts || !b->has_ts)
		return false;
	return a->first_ts_ns <= b->last_ts_ns + max && b->first_ts_ns <= a->last_ts_ns + max;
}

int cmd_pair(int argc, char **argv)
{
	enum { OPT_OFFSET = 256, OPT_SYNCED, OPT_MAX_OFFSET };
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"quiet", no_argument, NULL, 'q'},
		{"offset", required_argument, NULL, OPT_OFFSET},
		{"synced", no_argument, NULL, OPT_SYNCED},
		{"max-offset", required_argument, NULL, OPT_MAX_OFFSET},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pair_cli cli = {.max_offset_ns = 600 * 1000000000LL, .verbosity = 1};
	const char *db_path = "tcpladder.db";
	bool offset_set = false, synced = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db_path = optarg; break;
		case 'q': cli.verbosity = 0; break;
		case 'h': fputs(cmd_pair_usage, stdout); return EXIT_OK;
		case OPT_OFFSET:
			if (!parse_offset(optarg, &cli.offset_ns, &cli.skew_ppm)) {
				fprintf(stderr, "tcpladder pair: --offset wants NS[,PPM] (B's clock ahead of"
				                " A's in ns, its gain in ppm), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			offset_set = true;
			break;
		case OPT_SYNCED: synced = true; break;
		case OPT_MAX_OFFSET:
			cli.max_offset_ns = parse_duration(optarg);
			if (cli.max_offset_ns < 0) {
				fprintf(stderr, "tcpladder pair: --max-offset wants a duration (600s, 250ms),"
				                " not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			fputs("Try 'tcpladder pair --help' for its options.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (offset_set && synced) {
		fprintf(stderr, "tcpladder pair: --offset and --synced both give the clock error;"
		                " one of them\n");
		return EXIT_USAGE;
	}
	cli.given = offset_set || synced;
	if (argc - optind != 2) {
		fprintf(stderr, "tcpladder pair: two vantages wanted (tcpladder pair client server)\n");
		fputs("Try 'tcpladder pair --help' for its options.\n", stderr);
		return EXIT_USAGE;
	}
	const char *va = argv[optind], *vb = argv[optind + 1];
	if (!vantage_name_ok(va) || !vantage_name_ok(vb) || strcmp(va, vb) == 0) {
		fprintf(stderr, "tcpladder pair: two different vantage names wanted (letters, digits,"
		                " '-', '_', '.'), not '%s' and '%s'\n", va, vb);
		return EXIT_USAGE;
	}
	if (!cli_db_readable("tcpladder pair", db_path, stderr))
		return EXIT_SOME_FAILED;
	char err[512];
	struct db *db = db_open(db_path, err, sizeof err);
	if (!db) {
		cli_db_open_failed("tcpladder pair", db_path, err, stderr);
		return EXIT_SOME_FAILED;
	}
	struct db_pair_capture *ca = NULL, *cb = NULL;
	size_t nca = 0, ncb = 0;
	struct totals t = {0};
	int status = EXIT_SOME_FAILED;
	if (db_pair_captures(db, va, &ca, &nca) || db_pair_captures(db, vb, &cb, &ncb)) {
		fprintf(stderr, "tcpladder pair: %s\n", db_error(db));
		goto done;
	}
	if (!nca || !ncb) {
		fprintf(stderr, "tcpladder pair: no capture of vantage '%s' in %s (ingest --vantage %s"
		                " stores one)\n", nca ? vb : va, db_path, nca ? vb : va);
		goto done;
	}
	if (db_begin(db)) {
		fprintf(stderr, "tcpladder pair: %s\n", db_error(db));
		goto done;
	}
	for (size_t i = 0; i < nca; i++)
		for (size_t j = 0; j < ncb; j++) {
			if (!overlap(&ca[i], &cb[j], cli.max_offset_ns))
				continue;
			if (pair_captures(db, &cli, va, vb, &ca[i], &cb[j], &t)) {
				fprintf(stderr, "tcpladder pair: %s\n", db_error(db));
				db_rollback(db);
				goto done;
			}
		}
	if (db_commit(db)) {
		fprintf(stderr, "tcpladder pair: %s\n", db_error(db));
		goto done;
	}
	if (cli.verbosity > 0)
		fprintf(stderr, "tcpladder pair: %llu connections paired; %llu of %s and %llu of %s"
		        " without a partner; %llu segments lost between the taps, %llu appeared"
		        " between\n", (unsigned long long)t.pairs, (unsigned long long)t.alone_a, va,
		        (unsigned long long)t.alone_b, vb, (unsigned long long)t.lost,
		        (unsigned long long)t.appeared);
	if (t.inconsistent)
		fprintf(stderr, "tcpladder pair: %u clock %s inconsistent (a connection paired"
		        " wrongly, or a clock stepped): delays not stored\n", t.inconsistent,
		        t.inconsistent == 1 ? "fit is" : "fits are");
	status = t.pairs > 0 && t.inconsistent == 0 ? EXIT_OK : EXIT_SOME_FAILED;
	if (t.pairs == 0)
		fprintf(stderr, "tcpladder pair: no connection of %s seen at %s\n", va, vb);
done:
	free(ca);
	free(cb);
	db_close(db);
	return status;
}
