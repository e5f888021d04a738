/* testutil: see testutil.h. */
#include "testutil.h"

#include <check.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void tu_scratch_dir(char dir[64])
{
	snprintf(dir, 64, "/tmp/tcpladder-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

char *tu_query(const char *db_path, const char *sql)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	/* A writer may be switching the file to WAL or checkpointing. */
	sqlite3_busy_timeout(db, 10000);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	out[0] = '\0';
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			size_t need = len + (v ? strlen(v) : 0) + 3;
			if (need > cap) {
				cap = need * 2;
				out = realloc(out, cap);
			}
			len += (size_t)sprintf(out + len, "%s%s", i ? "|" : "", v ? v : "");
		}
		out[len++] = '\n';
		out[len] = '\0';
	}
	ck_assert_msg(rc == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

long long tu_query_int(const char *db_path, const char *sql)
{
	char *text = tu_query(db_path, sql);
	long long v = atoll(text);
	free(text);
	return v;
}

void tu_ingest(const char *db_path, const char *path, const char *bpf,
               struct ingest_result *result)
{
	char err[256];
	struct db *db = db_open(db_path, err, sizeof err);
	ck_assert_msg(db != NULL, "%s: %s", db_path, err);
	struct ingest_options opt;
	ingest_default_options(&opt);
	opt.bpf = bpf;
	ingest_capture(db, &opt, path, result);
	db_close(db);
}

int tu_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return rc == -1 || !WIFEXITED(rc) ? -1 : WEXITSTATUS(rc);
}

bool tu_have(const char *program)
{
	return tu_sh("command -v %s >/dev/null 2>&1", program) == 0;
}

char *tu_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}
