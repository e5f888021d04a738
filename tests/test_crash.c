/* crash: the database a user already has survives whatever happens to an
 * ingest, through the built binary (../tcpladder) as users run it:
 *
 *  - kill -9 in the middle of a large capture, then the same command
 *    again: the database equals one made by a clean run, row for row;
 *  - two ingests into one database at once: both finish, nothing lost,
 *    PRAGMA integrity_check says ok;
 *  - a missing or read-only database directory, a full disk: a clear
 *    error naming the database, and the database as it was.
 *
 * Each waits on what it can observe (a journal appearing, the database
 * file growing, a process ending), never on a guessed sleep. Tests run as
 * root here, where permissions do not stop writes: a read-only or full
 * filesystem is a small tmpfs when mount works, else the test falls back
 * to what an unprivileged user can do (chmod, ulimit -f) and still
 * asserts the same outcome. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capwrite.h"
#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"

/* Every row of every table, a line each ("table|col|col..."), sorted,
 * leaving out captures.ingested_at (the clock, not the capture). Two
 * databases with the same rows give the same text. */
static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *all_rows(const char *path)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	sqlite3_stmt *tables;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type ="
	                                        " 'table' ORDER BY name", -1, &tables, NULL),
	                 SQLITE_OK);
	size_t nlines = 0, cap = 1024, bytes = 1;
	char **lines = malloc(cap * sizeof *lines);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(tables, 0);
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", table);
		sqlite3_stmt *st;
		ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			size_t len = strlen(table) + 2, used;
			for (int i = 0; i < sqlite3_column_count(st); i++)
				len += (size_t)sqlite3_column_bytes(st, i) + 1;
			char *line = malloc(len);
			used = (size_t)sprintf(line, "%s", table);
			for (int i = 0; i < sqlite3_column_count(st); i++) {
				if (strcmp(table, "captures") == 0 &&
				    strcmp(sqlite3_column_name(st, i), "ingested_at") == 0)
					continue;
				const char *v = (const char *)sqlite3_column_text(st, i);
				used += (size_t)sprintf(line + used, "|%s", v ? v : "");
			}
			if (nlines == cap)
				lines = realloc(lines, (cap *= 2) * sizeof *lines);
			lines[nlines++] = line;
			bytes += used + 1;
		}
		sqlite3_finalize(st);
	}
	sqlite3_finalize(tables);
	sqlite3_close(db);
	qsort(lines, nlines, sizeof *lines, by_line);
	char *out = malloc(bytes), *p = out;
	for (size_t i = 0; i < nlines; i++) {
		p += sprintf(p, "%s\n", lines[i]);
		free(lines[i]);
	}
	*p = '\0';
	free(lines);
	return out;
}

/* The rows of a and b are the same (the first differing line if not). */
static void assert_same_rows(const char *a, const char *b)
{
	char *ra = all_rows(a), *rb = all_rows(b);
	if (strcmp(ra, rb) != 0) {
		size_t i = 0;
		while (ra[i] && ra[i] == rb[i])
			i++;
		while (i > 0 && ra[i - 1] != '\n')
			i--;
		ck_abort_msg("%s and %s differ at\n%.200s\nand\n%.200s", a, b, ra + i, rb + i);
	}
	free(ra);
	free(rb);
}

static void assert_integrity_ok(const char *db)
{
	char *ok = tu_query(db, "PRAGMA integrity_check");
	ck_assert_str_eq(ok, "ok\n");
	free(ok);
}

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void pause_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&t, NULL);
}

/* Starts BIN with argv (NULL-terminated after "tcpladder"), stderr to
 * err_path; its pid. */
static pid_t start(const char *err_path, const char *const *args)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (err_path && !freopen(err_path, "w", stderr))
			_exit(126);
		execv(BIN, (char *const *)args);
		_exit(127);
	}
	return pid;
}

static int exit_status(pid_t pid)
{
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "tcpladder ended by signal %d",
	              WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WEXITSTATUS(status);
}

/* ---- kill -9 --------------------------------------------------------------- */

/* A database holding the seed capture; the large capture (40,000
 * connections, 360,000 packets, about 36 MB) and `tcpladder ingest -d DB
 * big.pcap refused.pcap` killed with SIGKILL once its transaction has
 * outgrown SQLite's 16 MiB page cache, so that its pages are in the
 * database file already and only the journal can take them back. The
 * killed database holds exactly the seed's rows; the same command run
 * again exits 0 and leaves the database equal, row for row, to one where
 * the command ran once without a kill. */
START_TEST(kill_9_during_a_large_capture_then_rerun_equals_clean_run)
{
	char dir[64], big[128], db[128], clean[128], before[128], journal[160];
	tu_scratch_dir(dir);
	snprintf(big, sizeof big, "%s/big.pcap", dir);
	snprintf(db, sizeof db, "%s/killed.db", dir);
	snprintf(clean, sizeof clean, "%s/clean.db", dir);
	snprintf(before, sizeof before, "%s/before.db", dir);
	snprintf(journal, sizeof journal, "%s-journal", db);
	cw_write_connections(big, 40000, 1);
	const char *cmd[] = {"tcpladder", "ingest", "-q", "-d", NULL, big,
	                     "../examples/refused.pcap", NULL};

	/* The clean run, and the database as it was before the command. */
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", before), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", clean), 0);
	cmd[4] = clean;
	ck_assert_int_eq(exit_status(start(NULL, cmd)), 0);
	ck_assert_int_eq(tu_query_int(clean, "SELECT count(*) FROM captures"), 3);

	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", db), 0);
	off_t size0 = file_size(db);
	ck_assert_int_gt(size0, 0);
	cmd[4] = db;
	pid_t pid = start(NULL, cmd);
	/* The journal exists only inside the load's transaction (the
	 * database is in WAL mode between loads); then wait for the file to
	 * grow by 4 MiB: the cache has spilled. */
	bool spilled = false, ended = false;
	for (int i = 0; i < 120000 && !spilled && !ended; i++) {
		spilled = file_size(journal) >= 0 && file_size(db) > size0 + (4 << 20);
		ended = waitpid(pid, NULL, WNOHANG) == pid;
		if (!spilled && !ended)
			pause_ms(1);
	}
	ck_assert_msg(!ended, "the ingest ended before its transaction spilled");
	ck_assert(spilled);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* Killed inside the transaction: its journal is hot. */
	ck_assert_int_gt(file_size(journal), 0);

	/* The first read-write open rolls the journal back (tu_query's
	 * read-only connection cannot): what the next command will see. */
	sqlite3 *conn;
	ck_assert_int_eq(sqlite3_open_v2(db, &conn, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(conn, "SELECT count(*) FROM captures", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(conn);
	assert_same_rows(db, before);
	assert_integrity_ok(db);

	ck_assert_int_eq(exit_status(start(NULL, cmd)), 0);
	assert_same_rows(db, clean);
	assert_integrity_ok(db);
	unlink(big);
}
END_TEST

/* ---- two ingests at once ------------------------------------------------- */

/* Two `tcpladder ingest` processes, each with a capture of its own (9,000
 * connections, 81,000 packets), started together on one database: a new
 * one (_i = 0, both create the schema) or one that holds a capture already
 * (_i = 1). Both exit 0; each capture's rows are exactly those it has
 * when ingested alone; the file passes PRAGMA integrity_check. */
START_TEST(two_ingests_at_once_lose_nothing)
{
	char dir[64], db[128], cap[2][128], alone[2][128], err[2][128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/shared.db", dir);
	for (int k = 0; k < 2; k++) {
		snprintf(cap[k], sizeof cap[k], "%s/c%d.pcap", dir, k);
		snprintf(alone[k], sizeof alone[k], "%s/alone%d.db", dir, k);
		snprintf(err[k], sizeof err[k], "%s/err%d", dir, k);
		cw_write_connections(cap[k], 9000, 10 + (uint32_t)k);
		ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s", alone[k], cap[k]), 0);
	}
	if (_i == 1)
		ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", db), 0);
	pid_t pid[2];
	for (int k = 0; k < 2; k++) {
		const char *cmd[] = {"tcpladder", "ingest", "-q", "-d", db, cap[k], NULL};
		pid[k] = start(err[k], cmd);
	}
	for (int k = 0; k < 2; k++) {
		int rc = exit_status(pid[k]);
		char *msg = tu_slurp(err[k]);
		ck_assert_msg(rc == 0, "ingest %d exited %d: %s", k, rc, msg);
		ck_assert_str_eq(msg, "");
		free(msg);
	}
	assert_integrity_ok(db);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 2 + _i);
	/* Per capture (by content): its flows, segments and state changes,
	 * and a digest of their values, as when it was ingested alone. */
	static const char per_capture[] =
		"SELECT c.sha256, c.status, c.packets,"
		" (SELECT count(*) FROM flows f WHERE f.capture_id = c.id),"
		" (SELECT count(*) || ':' || total(s.frame * 7 + s.rel_seq * 3 + s.rel_ack"
		"   + s.client_state * 11 + s.server_state * 13 + s.analysis)"
		"   FROM segments s JOIN flows f ON f.id = s.flow_id WHERE f.capture_id = c.id),"
		" (SELECT count(*) FROM transitions t JOIN flows f ON f.id = t.flow_id"
		"   WHERE f.capture_id = c.id)"
		" FROM captures c WHERE c.sha256 = '%s'";
	for (int k = 0; k < 2; k++) {
		char *sha = tu_query(alone[k], "SELECT sha256 FROM captures");
		sha[strlen(sha) - 1] = '\0';
		char sql[1024];
		snprintf(sql, sizeof sql, per_capture, sha);
		char *want = tu_query(alone[k], sql), *got = tu_query(db, sql);
		ck_assert_str_eq(got, want);
		free(got);
		free(want);
		free(sha);
	}
}
END_TEST

/* ---- missing, read-only and full ----------------------------------------- */

/* Does `mount` work here (root with CAP_SYS_ADMIN)? Mounts a tmpfs of
 * size_kib at dir when it does. */
static bool mount_tmpfs(const char *dir, int size_kib)
{
	return geteuid() == 0 &&
	       tu_sh("mount -t tmpfs -o size=%dk tcpladder-test %s 2>/dev/null", size_kib, dir) ==
	               0;
}

/* A database directory that does not exist: exit 1, the path and the
 * reason on stderr, and nothing created. */
START_TEST(missing_database_directory_is_a_clear_error)
{
	char dir[64], err[128];
	tu_scratch_dir(dir);
	snprintf(err, sizeof err, "%s/err", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s/no/such/dir/t.db ../examples/seed.pcap"
	                       " 2> %s", dir, err), 1);
	char *msg = tu_slurp(err);
	char want[512];
	snprintf(want, sizeof want,
	         "tcpladder ingest: cannot create the database %s/no/such/dir/t.db: the folder"
	         " %s/no/such/dir does not exist; create it first\n", dir, dir);
	ck_assert_str_eq(msg, want);
	free(msg);
	ck_assert_int_eq(tu_sh("test -e %s/no", dir), 1);
}
END_TEST

/* A database in a directory that turned read-only: the ingest fails with
 * exit 1 and a message naming the database; the database file is
 * byte for byte what it was. The directory is a tmpfs remounted
 * read-only where mount works (root ignores permissions), chmod 0555
 * for anyone else; as root without mount, a directory that is a file
 * (ENOTDIR) is the only unwritable place left, and the error must still
 * be clear. */
START_TEST(read_only_database_directory_is_a_clear_error)
{
	char dir[64], ro[128], db[160], err[128];
	tu_scratch_dir(dir);
	snprintf(ro, sizeof ro, "%s/ro", dir);
	snprintf(db, sizeof db, "%s/t.db", ro);
	snprintf(err, sizeof err, "%s/err", dir);
	ck_assert_int_eq(mkdir(ro, 0755), 0);
	bool mounted = mount_tmpfs(ro, 8192);
	if (!mounted && geteuid() == 0) {
		ck_assert_int_eq(rmdir(ro), 0);
		ck_assert_int_eq(tu_sh("echo a file > %s", ro), 0);
		ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap 2> %s", db, err),
		                 1);
		char *msg = tu_slurp(err);
		char want[512];
		snprintf(want, sizeof want, "tcpladder ingest: cannot create the database %s:"
		         " %s is a file, not a folder; give -d a path in a folder\n", db, ro);
		ck_assert_str_eq(msg, want);
		free(msg);
		return;
	}
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", db), 0);
	char copy[128];
	snprintf(copy, sizeof copy, "%s/copy.db", dir);
	ck_assert_int_eq(tu_sh("cp %s %s", db, copy), 0);
	if (mounted)
		ck_assert_int_eq(tu_sh("mount -o remount,ro %s", ro), 0);
	else
		ck_assert_int_eq(chmod(ro, 0555), 0);
	int rc = tu_sh(BIN " ingest -q -d %s ../examples/refused.pcap 2> %s", db, err);
	char *msg = tu_slurp(err);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, msg);
	/* SQLite's words between them depend on the journal the file was
	 * left with ("unable to open database file", "attempt to write a
	 * readonly database"); the folder and the fix are tcpladder's. */
	char head[256], tail[256];
	snprintf(head, sizeof head, "tcpladder ingest: cannot open the database %s: ", db);
	snprintf(tail, sizeof tail, " (directory %s: %s); check that it and its folder are"
	         " writable\n", ro, mounted ? "Read-only file system" : "Permission denied");
	ck_assert_msg(strncmp(msg, head, strlen(head)) == 0 && strlen(msg) > strlen(tail) &&
	              strcmp(msg + strlen(msg) - strlen(tail), tail) == 0 &&
	              strchr(msg, '\n') == msg + strlen(msg) - 1, "%s", msg);
	free(msg);
	ck_assert_int_eq(tu_sh("cmp -s %s %s", db, copy), 0);
	ck_assert_int_eq(tu_query_int(copy, "SELECT count(*) FROM captures"), 1);
	if (mounted)
		ck_assert_int_eq(tu_sh("umount %s", ro), 0);
	else
		chmod(ro, 0755);
}
END_TEST

/* The disk fills in the middle of a capture's load: exit 1, stderr says
 * the database is full, and the database holds what it held, intact;
 * with room again, the same command finishes the job. The disk is an 8
 * MiB tmpfs where mount works, else `ulimit -f` (the file size limit, with
 * SIGXFSZ ignored so that the write fails instead of killing). */
START_TEST(full_disk_keeps_the_database)
{
	char dir[64], fs[128], db[160], before[160], big[128], err[128];
	tu_scratch_dir(dir);
	snprintf(fs, sizeof fs, "%s/fs", dir);
	snprintf(db, sizeof db, "%s/t.db", fs);
	snprintf(before, sizeof before, "%s/before.db", dir);
	snprintf(big, sizeof big, "%s/big.pcap", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	ck_assert_int_eq(mkdir(fs, 0755), 0);
	bool mounted = _i == 1 && mount_tmpfs(fs, 8192);
	/* 20,000 connections: 180,000 segments, well over 8 MiB of rows. */
	cw_write_connections(big, 20000, 5);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", db), 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", before), 0);
	off_t size0 = file_size(db);
	int rc;
	if (mounted)
		rc = tu_sh(BIN " ingest -q -d %s %s 2> %s", db, big, err);
	else /* dash counts ulimit -f in 512-byte blocks: 8 MiB */
		rc = tu_sh("sh -c 'trap \"\" XFSZ; ulimit -f 16384; exec " BIN
		           " ingest -q -d %s %s' 2> %s", db, big, err);
	char *msg = tu_slurp(err);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, msg);
	char want[512];
	snprintf(want, sizeof want, "tcpladder: %s: database: ", big);
	ck_assert_msg(strncmp(msg, want, strlen(want)) == 0 &&
	                      (strstr(msg, "full") || strstr(msg, "I/O error")),
	              "message: %s", msg);
	free(msg);
	assert_same_rows(db, before);
	assert_integrity_ok(db);
	ck_assert_int_eq(file_size(db), size0);
	if (mounted) {
		ck_assert_int_eq(tu_sh("mount -o remount,size=256m %s", fs), 0);
		ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s", db, big), 0);
		ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 2);
		ck_assert_int_eq(tu_sh("umount %s", fs), 0);
	} else {
		ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s", db, big), 0);
		ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 2);
	}
	unlink(big);
}
END_TEST

Suite *crash_suite(void)
{
	Suite *s = suite_create("crash");
	TCase *tc = tcase_create("kill");
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, kill_9_during_a_large_capture_then_rerun_equals_clean_run);
	suite_add_tcase(s, tc);
	tc = tcase_create("concurrent");
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, two_ingests_at_once_lose_nothing, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("disk");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, missing_database_directory_is_a_clear_error);
	tcase_add_test(tc, read_only_database_directory_is_a_clear_error);
	tcase_add_loop_test(tc, full_disk_keeps_the_database, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
