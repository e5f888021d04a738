/* walk: what `ingest` reads of a folder and what it passes over, and why:
 * links to files are read, links to folders, loops of links and broken
 * links are not; empty, unreadable and non-capture files are skipped, and
 * `ingest -v` names each. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "testutil.h"
#include "walk.h"

#define BIN "../tcpladder"

/* What the walk handed over, one line per entry: "KIND NAME: why", NAME
 * the path less the folder walked. */
struct seen {
	const char *root;
	char text[4096];
	size_t len;
};

static bool note(const struct walk_entry *e, void *user)
{
	struct seen *s = user;
	static const char *const kinds[] = {"capture", "error", "skipped"};
	const char *name = e->path + strlen(s->root);
	s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "%s %s%s%s\n",
	                           kinds[e->kind], name, e->why ? ": " : "",
	                           e->why ? e->why : "");
	ck_assert_uint_lt(s->len, sizeof s->text);
	return true;
}

/* A folder with one of each kind of thing, and, when the test can make
 * one (not as root, who reads any file), an unreadable capture. Returns
 * whether it made that one. */
static bool make_tree(const char *dir)
{
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(tu_sh("cd %s && mkdir -p tree/sub elsewhere"
	                       " && cp %s/../examples/seed.pcap tree/a.pcap"
	                       " && cp %s/../examples/seed.pcap elsewhere/x.pcap"
	                       " && ln -s ../elsewhere/x.pcap tree/b-file-link"
	                       " && ln -s ../elsewhere tree/c-folder-link"
	                       " && ln -s d-loop2 tree/d-loop1 && ln -s d-loop1 tree/d-loop2"
	                       " && ln -s no-such-file tree/e-broken"
	                       " && : > tree/f-empty && echo notes > tree/g-notes.txt"
	                       " && ln -s .. tree/sub/up && cp tree/a.pcap tree/sub/s.pcap"
	                       " && cp tree/a.pcap tree/h-locked.pcap && chmod 000 tree/h-locked.pcap",
	                       dir, cwd, cwd), 0);
	char locked[128];
	snprintf(locked, sizeof locked, "%s/tree/h-locked.pcap", dir);
	int fd = open(locked, O_RDONLY);
	if (fd < 0)
		return true;
	/* Root reads a file of mode 000: no unreadable file can be made. */
	close(fd);
	ck_assert_int_eq(unlink(locked), 0);
	fprintf(stderr, "walk: running as root, where every file is readable: the"
	                " unreadable-file case is not tested\n");
	return false;
}

#define LINK_TO_FOLDER "a link to a folder (not followed: name the folder itself to read it)"
#define NOT_A_CAPTURE "not a capture (neither pcap nor pcapng, plain or gzip-compressed)"

START_TEST(links_to_files_are_read_and_the_rest_is_said_why)
{
	char dir[64], root[80];
	tu_scratch_dir(dir);
	bool locked = make_tree(dir);
	snprintf(root, sizeof root, "%s/tree", dir);
	struct seen s = {.root = root};
	ck_assert_int_eq(walk_folder(root, note, &s), 3);
	char want[2048];
	snprintf(want, sizeof want,
	         "capture /a.pcap\n"
	         "capture /b-file-link\n"
	         "skipped /c-folder-link: " LINK_TO_FOLDER "\n"
	         "skipped /d-loop1: a loop of links\n"
	         "skipped /d-loop2: a loop of links\n"
	         "skipped /e-broken: a broken link (what it names does not exist)\n"
	         "skipped /f-empty: empty\n"
	         "skipped /g-notes.txt: " NOT_A_CAPTURE "\n"
	         "%s"
	         "capture /sub/s.pcap\n"
	         "skipped /sub/up: " LINK_TO_FOLDER "\n",
	         locked ? "skipped /h-locked.pcap: unreadable: Permission denied\n" : "");
	ck_assert_str_eq(s.text, want);
}
END_TEST

/* Stopping: the walk ends at the first false. */
static bool first_only(const struct walk_entry *e, void *user)
{
	(void)e;
	(*(int *)user)++;
	return false;
}

START_TEST(walk_stops_when_told)
{
	char dir[64], root[80];
	tu_scratch_dir(dir);
	make_tree(dir);
	snprintf(root, sizeof root, "%s/tree", dir);
	int calls = 0;
	ck_assert_int_eq(walk_folder(root, first_only, &calls), 1);
	ck_assert_int_eq(calls, 1);
}
END_TEST

/* The command: the link to a file is read (its content is the same as
 * a.pcap's, so it is "already there"), the exit status is 0 (a skipped
 * file is no failed input), and -v names every file passed over. */
START_TEST(ingest_v_names_every_file_skipped)
{
	char dir[64], path[128], cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	tu_scratch_dir(dir);
	bool locked = make_tree(dir);
	ck_assert_int_eq(tu_sh("cd %s && %s/" BIN " ingest -v -d t.db tree 2> err", dir,
	                       cwd), 0);
	snprintf(path, sizeof path, "%s/err", dir);
	char *err = tu_slurp(path);
	static const char *const lines[] = {
		"tcpladder: tree/a.pcap: capture 1, 13 packets, 13 TCP, 1 connections\n",
		"tcpladder: tree/b-file-link: already in the database as capture 1\n",
		"tcpladder: tree/c-folder-link: skipped: " LINK_TO_FOLDER "\n",
		"tcpladder: tree/d-loop1: skipped: a loop of links\n",
		"tcpladder: tree/d-loop2: skipped: a loop of links\n",
		"tcpladder: tree/e-broken: skipped: a broken link (what it names does not exist)\n",
		"tcpladder: tree/f-empty: skipped: empty\n",
		"tcpladder: tree/g-notes.txt: skipped: " NOT_A_CAPTURE "\n",
		"tcpladder: tree/sub/up: skipped: " LINK_TO_FOLDER "\n",
		NULL,
	};
	for (const char *const *l = lines; *l; l++)
		ck_assert_msg(strstr(err, *l), "\"%s\" is not in:\n%s", *l, err);
	if (locked)
		ck_assert_msg(strstr(err, "tcpladder: tree/h-locked.pcap: skipped: unreadable:"
		                          " Permission denied\n"), "%s", err);
	free(err);
	/* Without -v, nothing is said of them. */
	ck_assert_int_eq(tu_sh("cd %s && %s/" BIN " ingest -d t2.db tree 2> err", dir,
	                       cwd), 0);
	err = tu_slurp(path);
	ck_assert_msg(!strstr(err, "skipped"), "%s", err);
	free(err);
	/* The link to a file outside the tree was read: by itself, it is a
	 * capture of its own. */
	ck_assert_int_eq(tu_sh("cd %s && rm tree/a.pcap tree/sub/s.pcap && %s/" BIN
	                       " ingest -q -d t3.db tree", dir, cwd), 0);
	snprintf(path, sizeof path, "%s/t3.db", dir);
	char *row = tu_query(path, "SELECT path FROM captures");
	ck_assert_str_eq(row, "tree/b-file-link\n");
	free(row);
}
END_TEST

/* A capture its reader may not read is named, with why, and the rest is
 * read. As root, who reads any file, the reader is the unprivileged user
 * nobody (the folder and database are theirs to write); as anyone else,
 * the file is unreadable to them already. */
START_TEST(unreadable_capture_is_named_for_any_user)
{
	char dir[64], cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh("cd %s && mkdir tree out && chmod 755 . tree && chmod 777 out"
	                       " && cp %s/../examples/seed.pcap tree/a.pcap && chmod 644 tree/a.pcap"
	                       " && cp tree/a.pcap tree/h-locked.pcap && chmod 000 tree/h-locked.pcap",
	                       dir, cwd), 0);
	const char *as = geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups" : "";
	ck_assert_int_eq(tu_sh("cd %s && %s %s/" BIN " ingest -v -d out/t.db tree 2> out/err", dir,
	                       as, cwd), 0);
	char path[128];
	snprintf(path, sizeof path, "%s/out/err", dir);
	char *err = tu_slurp(path);
	ck_assert_msg(strstr(err, "tcpladder: tree/h-locked.pcap: skipped: unreadable:"
	                          " Permission denied\n"), "%s", err);
	ck_assert_msg(strstr(err, "tcpladder: tree/a.pcap: capture 1, 13 packets"), "%s", err);
	free(err);
	snprintf(path, sizeof path, "%s/out/t.db", dir);
	ck_assert_int_eq(tu_query_int(path, "SELECT count(*) FROM captures"), 1);
}
END_TEST

Suite *walk_suite(void)
{
	Suite *s = suite_create("walk");
	TCase *tc = tcase_create("folder");
	tcase_add_test(tc, links_to_files_are_read_and_the_rest_is_said_why);
	tcase_add_test(tc, walk_stops_when_told);
	tcase_add_test(tc, ingest_v_names_every_file_skipped);
	tcase_add_test(tc, unreadable_capture_is_named_for_any_user);
	suite_add_tcase(s, tc);
	return s;
}
