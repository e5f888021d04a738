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

/* Part k of n: 0, or -1 with err filled. */
typedef int (*report_worker_fn)(int k, int n, void *arg, char *err, size_t errlen);

/* Runs fn(k, n, arg, ...) for k = 0 .. n-1, each in a child process, and
 * waits for them all. The caller must hold no open database connection.
 * 0 when every part returned 0; else -1 with err saying which part failed
 * and why (the first such). */
int report_workers_run(int n, report_worker_fn fn, void *arg, char *err, size_t errlen);

#endif
