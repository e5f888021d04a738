/* progress: the line a long command keeps rewriting on a terminal ("report:
 * 12,345 of 200,401 pages (6%), 0:25 left"), for ingest and report alike.
 *
 * progress_format is pure: the line from what is done, of how much, and
 * the time it took so far; the estimate of the time left lives there, so
 * it is tested without a clock or a terminal. A progress_meter is the edge:
 * the clock, the ~200 ms between two lines, the writing and the clearing.
 * It is the caller's (no state of its own here) and is used by one process
 * only: workers count, their parent shows. */
#ifndef TCPLADDER_PROGRESS_H
#define TCPLADDER_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum progress_unit {
	PROGRESS_COUNT, /* done and total are things, named by noun: "12,345" */
	PROGRESS_BYTES, /* done and total are bytes: "1.2 GB" */
};

struct progress_view {
	const char *what;        /* the command: "report", "ingest" */
	enum progress_unit unit;
	const char *noun;        /* PROGRESS_COUNT: "pages" */
	uint64_t done, total;    /* total 0: not known (no share, no time left) */
	double elapsed_s;        /* since the work began */
	const char *detail;      /* said after the rest ("3 captures, ..."), or NULL */
	unsigned width;          /* the terminal's columns; 0: no limit */
};

/* The line, without the "\r\033[K" that starts it on a terminal, cut to
 * width - 1 characters (a line that wraps could not be rewritten in
 * place). The share and the time left appear only when total is known;
 * the time left once a second or a twentieth of the work has passed
 * (before, the rate says little). Returns the line's length. */
size_t progress_format(char *buf, size_t len, const struct progress_view *v);

/* The seconds left at the rate so far; -1 when there is no telling yet. */
double progress_seconds_left(uint64_t done, uint64_t total, double elapsed_s);

/* 1234567 as "1,234,567", as tcpladder's summary lines write counts. */
const char *progress_grouped(uint64_t n, char *buf, size_t len);

/* --- the edge: a terminal's line --- */

struct progress_meter {
	FILE *out;
	struct timespec start, last;
	unsigned width;
	bool shown;     /* a line is on the terminal, to clear */
	int tenth;      /* the tenth of the work the last line showed, -1 none */
};

/* Starts the clock; out is where lines go (stderr, a terminal). */
void progress_start(struct progress_meter *m, FILE *out);

/* Has ~200 ms passed since the last line (or the start), or has the work
 * reached a tenth of its total (done of total; total 0: unknown) that no
 * line showed yet? The tenths give a short run its lines too, whatever
 * the machine's speed. */
bool progress_due(const struct progress_meter *m, uint64_t done, uint64_t total);

double progress_elapsed(const struct progress_meter *m);

/* Writes v as the line, in place of the one before (v's elapsed_s and
 * width are the meter's). */
void progress_show(struct progress_meter *m, struct progress_view v);

/* Clears the line, if one is shown, before the summary. */
void progress_clear(struct progress_meter *m);

#endif
