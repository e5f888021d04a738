/* report_workers: a report's work spread over processes. Rendering pages
 * is CPU work that parts cleanly (each page is a file of its own), so a
 * report forks one worker per part; each opens its own connection (an
 * SQLite connection must not cross a fork) and writes its own files.
 *
 * A worker is a process, not a thread, as ingest's are: libxml2's
 * dictionaries and SQLite's page cache are then never shared, and a crash
 * stays in its worker. */
#ifndef TCPLADDER_REPORT_WORKERS_H
#define TCPLADDER_REPORT_WORKERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Part k of n: 0, or -1 with err filled. */
typedef int (*report_worker_fn)(int k, int n, void *arg, char *err, size_t errlen);

/* Runs fn(k, n, arg, ...) for k = 0 .. n-1, each in a child process, and
 * waits for them all, calling tick(tick_arg) in this process at least every
 * ~200 ms meanwhile (unless tick is NULL). The caller must hold no open
 * database connection. 0 when every part returned 0; else -1 with err
 * saying which part failed and why (the first such). */
int report_workers_run(int n, report_worker_fn fn, void *arg, void (*tick)(void *),
                       void *tick_arg, char *err, size_t errlen);

/* --- progress: pages written, counted by every worker, shown by one --- */

/* Lives in memory shared with the workers forked after it is made: they
 * count into it, the process that made it shows the line (progress.h). */
struct report_progress;

/* Starts counting towards total pages, the line going to out. NULL when
 * the shared memory cannot be had: the report goes on without a line. */
struct report_progress *report_progress_new(uint64_t total, FILE *out);

/* A page more is written (any process; rp may be NULL); in the process
 * that made rp, the line too if it is time. */
void report_progress_page(void *rp);

/* In the process that made it: the line, if ~200 ms passed since the last
 * (a report_workers_run tick). */
void report_progress_tick(void *rp);

/* Clears the line and frees it (NULL: nothing). */
void report_progress_free(struct report_progress *rp);

#endif
