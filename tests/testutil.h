/* Helpers the end-to-end tests share: a scratch directory, SQL over a
 * database as text, running the binary. */
#ifndef TCPLADDER_TESTUTIL_H
#define TCPLADDER_TESTUTIL_H

#include <stdbool.h>

#include "ingest.h"

/* A fresh directory under /tmp; the path is static storage per call site's
 * buffer: pass a char[64]. */
void tu_scratch_dir(char dir[64]);

/* Rows of sql over the database at db_path, columns joined by '|', rows
 * ended by '\n' (NULL prints as empty). Returns a malloc'd string. */
char *tu_query(const char *db_path, const char *sql);

/* One integer from sql. */
long long tu_query_int(const char *db_path, const char *sql);

/* Ingest path into db_path through the library, as the command does. */
void tu_ingest(const char *db_path, const char *path, const char *bpf,
               struct ingest_result *result);

/* Run a shell command line; its exit status (or -1). */
int tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A whole file as a malloc'd string (the test fails if it cannot be read). */
char *tu_slurp(const char *path);

/* Is a program on PATH? */
bool tu_have(const char *program);

#endif
