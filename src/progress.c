/* progress: see progress.h. */
#include "progress.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Lines come no oftener: faster is flicker, and costs the terminal. */
#define PROGRESS_EVERY_MS 200

const char *progress_grouped(uint64_t n, char *buf, size_t len)
{
	char digits[32];
	int k = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
	size_t o = 0;
	for (int i = 0; i < k && o + 2 < len; i++) {
		if (i > 0 && (k - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	if (len > 0)
		buf[o < len ? o : len - 1] = '\0';
	return buf;
}

/* 1234567890 as "1.2 GB": two figures are all a glance takes in. */
static const char *sized(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
	double v = (double)bytes;
	unsigned u = 0;
	while (v >= 1000 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else if (v < 9.95)
		snprintf(buf, len, "%.1f %s", v, units[u]);
	else
		snprintf(buf, len, "%.0f %s", v, units[u]);
	return buf;
}

double progress_seconds_left(uint64_t done, uint64_t total, double elapsed_s)
{
	if (total == 0 || done == 0 || elapsed_s <= 0)
		return -1;
	if (done >= total)
		return 0;
	/* Before a second and a twentieth, the rate is mostly start-up. */
	if (elapsed_s < 1.0 && done < total / 20)
		return -1;
	return elapsed_s * (double)(total - done) / (double)done;
}

/* Appends to buf at *at; what does not fit is cut (and *at stays inside). */
static void add(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	if (*at + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += (size_t)n < len - *at ? (size_t)n : len - *at - 1;
}

size_t progress_format(char *buf, size_t len, const struct progress_view *v)
{
	if (len == 0)
		return 0;
	buf[0] = '\0';
	size_t at = 0;
	add(buf, len, &at, "%s: ", v->what);
	char a[32], b[32];
	const char *sep = "";
	if (v->unit == PROGRESS_COUNT) {
		add(buf, len, &at, "%s", progress_grouped(v->done, a, sizeof a));
		if (v->total)
			add(buf, len, &at, " of %s", progress_grouped(v->total, b, sizeof b));
		add(buf, len, &at, " %s", v->noun ? v->noun : "");
		sep = ", ";
	} else if (v->total) {
		/* Bytes of an unknown total say nothing a reader can use. */
		add(buf, len, &at, "%s of %s", sized(v->done, a, sizeof a),
		    sized(v->total, b, sizeof b));
		sep = ", ";
	}
	if (v->total) {
		uint64_t done = v->done < v->total ? v->done : v->total;
		uint64_t share = v->total > UINT64_MAX / 100 ? done / (v->total / 100)
		                                             : done * 100 / v->total;
		add(buf, len, &at, " (%llu%%)", (unsigned long long)share);
		double left = progress_seconds_left(v->done, v->total, v->elapsed_s);
		if (left >= 0) {
			unsigned long long s = (unsigned long long)ceil(left);
			if (s >= 3600)
				add(buf, len, &at, ", %llu:%02llu:%02llu left", s / 3600, s / 60 % 60,
				    s % 60);
			else
				add(buf, len, &at, ", %llu:%02llu left", s / 60, s % 60);
		}
	}
	if (v->detail && v->detail[0])
		add(buf, len, &at, "%s%s", *sep ? "; " : "", v->detail);
	if (v->width > 1 && at > v->width - 1) {
		at = v->width - 1;
		buf[at] = '\0';
	}
	return at;
}

void progress_start(struct progress_meter *m, FILE *out)
{
	*m = (struct progress_meter){.out = out, .width = 80, .tenth = 0};
	struct winsize ws;
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		m->width = ws.ws_col;
	clock_gettime(CLOCK_MONOTONIC, &m->start);
	m->last = m->start;
}

static long long ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000LL + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Which tenth of total done is in: 0 to 10; -1 when the total is unknown. */
static int tenth_of(uint64_t done, uint64_t total)
{
	if (total == 0)
		return -1;
	if (done >= total)
		return 10;
	return (int)((long double)done * 10 / (long double)total);
}

bool progress_due(const struct progress_meter *m, uint64_t done, uint64_t total)
{
	return ms_since(&m->last) >= PROGRESS_EVERY_MS || tenth_of(done, total) > m->tenth;
}

double progress_elapsed(const struct progress_meter *m)
{
	return (double)ms_since(&m->start) / 1000.0;
}

void progress_show(struct progress_meter *m, struct progress_view v)
{
	char line[512];
	v.elapsed_s = progress_elapsed(m);
	v.width = m->width;
	progress_format(line, sizeof line, &v);
	m->tenth = tenth_of(v.done, v.total);
	fprintf(m->out, "\r\033[K%s", line);
	fflush(m->out);
	clock_gettime(CLOCK_MONOTONIC, &m->last);
	m->shown = true;
}

void progress_clear(struct progress_meter *m)
{
	if (!m->shown)
		return;
	fputs("\r\033[K", m->out);
	fflush(m->out);
	m->shown = false;
}
