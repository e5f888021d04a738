/* pair_clock: the offset and skew between two taps' clocks from the
 * segments both saw (pair.h; VANTAGE.md "The clock"). Skew: each
 * direction's lower envelope, the edge of the samples' lower convex hull
 * over their mean time (Moon, Skelly and Towsley's linear programme has
 * that edge as its optimum); offset: the middle of what the smallest
 * delays of the two directions allow (NTP's assumption: equal both
 * ways), with those bounds kept. */
#include "pair.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *pair_quality_name(enum pair_quality q)
{
	switch (q) {
	case PAIR_OK: return "ok";
	case PAIR_ONE_DIRECTION: return "one-direction";
	case PAIR_INCONSISTENT: return "inconsistent";
	case PAIR_GIVEN: return "given";
	}
	return "?";
}

/* The skew is trusted only with this many samples each way. */
enum { MIN_SKEW_SAMPLES = 30 };

int pair_clock_init(struct pair_clock *c, int64_t ref_ts_ns, int64_t last_ts_ns)
{
	memset(c, 0, sizeof *c);
	c->ref_ts_ns = ref_ts_ns;
	int64_t range = last_ts_ns > ref_ts_ns ? last_ts_ns - ref_ts_ns : 0;
	c->span_ns = range / PAIR_CLOCK_BUCKETS + 1;
	for (int d = 0; d < 2; d++) {
		c->t[d] = malloc(PAIR_CLOCK_BUCKETS * sizeof *c->t[d]);
		c->d[d] = malloc(PAIR_CLOCK_BUCKETS * sizeof *c->d[d]);
		if (!c->t[d] || !c->d[d]) {
			pair_clock_free(c);
			return -1;
		}
		for (int i = 0; i < PAIR_CLOCK_BUCKETS; i++)
			c->d[d][i] = INT64_MAX;
	}
	return 0;
}

void pair_clock_free(struct pair_clock *c)
{
	for (int d = 0; d < 2; d++) {
		free(c->t[d]);
		free(c->d[d]);
		c->t[d] = c->d[d] = NULL;
	}
}

void pair_clock_add(struct pair_clock *c, bool forward, int64_t t_a, int64_t t_b)
{
	int d = forward ? 0 : 1;
	int64_t v = forward ? t_b - t_a : t_a - t_b;
	int64_t rel = t_a - c->ref_ts_ns;
	int64_t bucket = rel < 0 ? 0 : rel / c->span_ns;
	if (bucket >= PAIR_CLOCK_BUCKETS)
		bucket = PAIR_CLOCK_BUCKETS - 1;
	c->n[d]++;
	c->sum_t[d] += (double)rel;
	if (v < c->d[d][bucket]) {
		c->d[d][bucket] = v;
		c->t[d][bucket] = t_a;
	}
}

/* Cross product sign of o->p, o->q (in doubles: ns times and delays are
 * far below 2^53 apart). */
static double cross(double ox, double oy, double px, double py, double qx, double qy)
{
	return (px - ox) * (qy - oy) - (py - oy) * (qx - ox);
}

/* The slope (ns per ns) of direction d's lower envelope at its samples'
 * mean time; false when it has fewer than two distinct times. */
static bool envelope_slope(const struct pair_clock *c, int d, double *slope)
{
	double *hx = malloc(PAIR_CLOCK_BUCKETS * sizeof *hx);
	double *hy = malloc(PAIR_CLOCK_BUCKETS * sizeof *hy);
	bool ok = false;
	if (!hx || !hy)
		goto done;
	size_t n = 0;
	/* Buckets are in time order: Andrew's monotone chain, lower hull. */
	for (int i = 0; i < PAIR_CLOCK_BUCKETS; i++) {
		if (c->d[d][i] == INT64_MAX)
			continue;
		double x = (double)(c->t[d][i] - c->ref_ts_ns), y = (double)c->d[d][i];
		if (n > 0 && hx[n - 1] == x) {
			if (y >= hy[n - 1])
				continue;
			n--;
		}
		while (n >= 2 && cross(hx[n - 2], hy[n - 2], hx[n - 1], hy[n - 1], x, y) <= 0)
			n--;
		hx[n] = x;
		hy[n] = y;
		n++;
	}
	if (n < 2)
		goto done;
	double mean = c->sum_t[d] / (double)c->n[d];
	size_t k = 0;
	while (k + 2 < n && hx[k + 1] < mean)
		k++;
	*slope = (hy[k + 1] - hy[k]) / (hx[k + 1] - hx[k]);
	ok = true;
done:
	free(hx);
	free(hy);
	return ok;
}

/* The smallest sample of direction d with the skew taken off. */
static bool min_delay(const struct pair_clock *c, int d, double skew, double *min)
{
	bool any = false;
	for (int i = 0; i < PAIR_CLOCK_BUCKETS; i++) {
		if (c->d[d][i] == INT64_MAX)
			continue;
		double rel = (double)(c->t[d][i] - c->ref_ts_ns);
		double v = (double)c->d[d][i] + (d == 0 ? -skew * rel : skew * rel);
		if (!any || v < *min)
			*min = v;
		any = true;
	}
	return any;
}

void pair_clock_fit(const struct pair_clock *c, bool given, struct pair_fit *fit)
{
	double offset = fit->offset_ns, skew_ppm = fit->skew_ppm;
	memset(fit, 0, sizeof *fit);
	fit->ref_ts_ns = c->ref_ts_ns;
	fit->samples_fwd = c->n[0];
	fit->samples_rev = c->n[1];
	fit->given = given;
	double sf, sr;
	bool have_f = c->n[0] && envelope_slope(c, 0, &sf);
	bool have_r = c->n[1] && envelope_slope(c, 1, &sr);
	double skew = 0; /* ns per ns */
	if (given) {
		skew = skew_ppm * 1e-6;
	} else if (have_f && have_r) {
		double s = (sf - sr) / 2, err = fabs(sf + sr);
		fit->has_skew_err = true;
		fit->skew_err_ppm = err * 1e6;
		if (fabs(s) > err && c->n[0] >= MIN_SKEW_SAMPLES && c->n[1] >= MIN_SKEW_SAMPLES) {
			skew = s;
			fit->skew_fitted = true;
		}
		/* Said even when not applied: the page states it. */
		skew_ppm = s * 1e6;
	}
	double mf = 0, mr = 0;
	bool has_f = min_delay(c, 0, skew, &mf), has_r = min_delay(c, 1, skew, &mr);
	fit->has_hi = has_f;
	fit->has_lo = has_r;
	fit->offset_hi_ns = (int64_t)llround(mf);
	fit->offset_lo_ns = (int64_t)llround(-mr);
	fit->skew_ppm = fit->skew_fitted || given ? skew * 1e6 : 0;
	fit->skew_estimate_ppm = fit->has_skew_err ? skew_ppm : fit->skew_ppm;
	if (has_f && has_r) {
		fit->has_rtt = true;
		fit->min_rtt_between_ns = (int64_t)llround(mf + mr);
	}
	if (given) {
		fit->offset_ns = offset;
		fit->quality = PAIR_GIVEN;
		return;
	}
	if (has_f && has_r) {
		fit->offset_ns = (mf - mr) / 2;
		fit->quality = mf + mr < 0 ? PAIR_INCONSISTENT : PAIR_OK;
	} else {
		/* One way only: the offset is bounded on one side; delays are
		 * not stored, and the bound stands in for the offset. */
		fit->offset_ns = has_f ? mf : has_r ? -mr : 0;
		fit->quality = PAIR_ONE_DIRECTION;
	}
}

int64_t pair_clock_to_a(const struct pair_fit *fit, int64_t t_b)
{
	double rel = (double)(t_b - fit->ref_ts_ns) - fit->offset_ns;
	return fit->ref_ts_ns + (int64_t)llround(rel / (1 + fit->skew_ppm * 1e-6));
}

bool pair_clock_delays_ok(const struct pair_fit *fit)
{
	return fit->quality == PAIR_OK || fit->quality == PAIR_GIVEN;
}
