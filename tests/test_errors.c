/* errors: the messages a user meets first, as the user meets them: the
 * command's exit status (DESIGN.md: 1 an input failed, 2 usage), and on
 * stderr one line that names what went wrong and where (the file, the
 * command, the filter) and says what to do. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"

/* Runs `tcpladder ARGS` from dir, expecting status; returns its stderr,
 * which must be exactly one line. */
static char *run_error(const char *dir, int status, const char *args)
{
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	int got = tu_sh("cd %s && %s/" BIN " %s > out 2> err", dir, cwd, args);
	char path[128];
	snprintf(path, sizeof path, "%s/err", dir);
	char *err = tu_slurp(path);
	ck_assert_msg(got == status, "tcpladder %s: exit %d, not %d; stderr:\n%s", args, got, status,
	              err);
	/* ingest's summary line follows, unless -q: not part of the message. */
	char *summary = strstr(err, "\ntcpladder: 0 captures ");
	if (summary)
		summary[1] = '\0';
	size_t len = strlen(err);
	ck_assert_msg(len > 0 && err[len - 1] == '\n' && strchr(err, '\n') == err + len - 1,
	              "tcpladder %s: not one line on stderr:\n%s", args, err);
	return err;
}

/* Each of the needles is in the message. */
static void says(const char *err, const char *const *needles)
{
	for (const char *const *n = needles; *n; n++)
		ck_assert_msg(strstr(err, *n) != NULL, "\"%s\" is not in:\n%s", *n, err);
}

#define SAYS(err, ...) says((err), (const char *const[]){__VA_ARGS__, NULL})

START_TEST(unknown_command_suggests_the_closest)
{
	char dir[64];
	tu_scratch_dir(dir);
	char *err = run_error(dir, 2, "ingets x.pcap");
	SAYS(err, "no command 'ingets'", "did you mean 'ingest'?", "tcpladder --help");
	free(err);
	err = run_error(dir, 2, "frobnicate");
	SAYS(err, "no command 'frobnicate'", "ingest, report, export, run, merge, forget, show, extract and pair");
	free(err);
	err = run_error(dir, 2, "help rport");
	SAYS(err, "no command 'rport'", "did you mean 'report'?");
	free(err);
}
END_TEST

/* An option no command has: getopt's line, named after the command as
 * typed, and where the options are; not the whole help (two lines, as
 * GNU tools do). */
START_TEST(unknown_option_names_the_command_and_its_help)
{
	char dir[64], path[128];
	tu_scratch_dir(dir);
	snprintf(path, sizeof path, "%s/err", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest --bogus x.pcap 2> %s", path), 2);
	char *err = tu_slurp(path);
	ck_assert_str_eq(err, "tcpladder ingest: unrecognized option '--bogus'\n"
	                      "Try 'tcpladder ingest --help' for its options.\n");
	free(err);
	/* A missing value, the same way. */
	ck_assert_int_eq(tu_sh(BIN " report -d 2> %s", path), 2);
	err = tu_slurp(path);
	ck_assert_str_eq(err, "tcpladder report: option requires an argument -- 'd'\n"
	                      "Try 'tcpladder report --help' for its options.\n");
	free(err);
}
END_TEST

START_TEST(missing_capture_says_check_the_path)
{
	char dir[64];
	tu_scratch_dir(dir);
	char *err = run_error(dir, 1, "ingest -d t.db no-such.pcap");
	SAYS(err, "no-such.pcap", "No such file or directory", "check the path");
	free(err);
}
END_TEST

START_TEST(not_a_capture_says_which_formats)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh("echo 'just some notes' > %s/notes.pcap", dir), 0);
	char *err = run_error(dir, 1, "ingest -d t.db notes.pcap");
	SAYS(err, "tcpladder: notes.pcap:", "not a pcap or pcapng file", "gzip",
	     "editcap -F pcap");
	free(err);
	/* The capture is recorded as failed, with libpcap's reason. */
	char db[128];
	snprintf(db, sizeof db, "%s/t.db", dir);
	char *row = tu_query(db, "SELECT status, error FROM captures");
	ck_assert_str_eq(row, "failed|unknown file format\n");
	free(row);
}
END_TEST

START_TEST(unsupported_link_type_names_it_and_the_supported_ones)
{
	char dir[64], path[128];
	tu_scratch_dir(dir);
	snprintf(path, sizeof path, "%s/user0.pcap", dir);
	/* A classic pcap header of link type 147 (USER0), and one packet. */
	static const unsigned char file[] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0, 0, 147, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 'a', 'b', 'c', 'd',
	};
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(file, 1, sizeof file, f), sizeof file);
	fclose(f);
	char *err = run_error(dir, 1, "ingest -d t.db user0.pcap");
	SAYS(err, "user0.pcap", "unsupported link type 147", "Ethernet", "Linux cooked",
	     "tcpdump -i any");
	free(err);
}
END_TEST

START_TEST(a_folder_without_captures_is_a_failed_input)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh("mkdir %s/empty && echo notes > %s/empty/README", dir, dir), 0);
	char *err = run_error(dir, 1, "ingest -d t.db empty");
	SAYS(err, "empty: no capture files in this folder", "found by their content");
	free(err);
	err = run_error(dir, 1, "ingest -j 2 -d t2.db empty");
	SAYS(err, "empty: no capture files in this folder");
	free(err);
}
END_TEST

/* A folder named through a symlink is walked (it used to be passed over
 * in silence, exit 0, an empty database): the captures under it are read. */
START_TEST(a_folder_named_through_a_symlink_is_walked)
{
	char dir[64], cwd[4096], db[128];
	tu_scratch_dir(dir);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(tu_sh("ln -s %s/../examples %s/linked", cwd, dir), 0);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s/linked", db, dir), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM captures"), 9);
}
END_TEST

START_TEST(missing_or_wrong_database_says_what_to_give_d)
{
	char dir[64];
	tu_scratch_dir(dir);
	char *err = run_error(dir, 1, "report -d none.db -o r");
	SAYS(err, "tcpladder report: no database at none.db",
	     "tcpladder ingest -d none.db CAPTURE...");
	free(err);
	/* No empty report folder is left behind. */
	ck_assert_int_eq(tu_sh("test ! -e %s/r", dir), 0);
	err = run_error(dir, 1, "export flows -d none.db");
	SAYS(err, "tcpladder export: no database at none.db");
	free(err);

	ck_assert_int_eq(tu_sh("cp ../examples/seed.pcap %s/seed.pcap && mkdir %s/run"
	                       " && echo text > %s/notes.txt", dir, dir, dir), 0);
	err = run_error(dir, 1, "report -d seed.pcap");
	SAYS(err, "seed.pcap is not a tcpladder database", "this one is a capture");
	free(err);
	err = run_error(dir, 1, "export flows -d run");
	SAYS(err, "run is a folder", "run/tcpladder.db");
	free(err);
	err = run_error(dir, 1, "ingest -d notes.txt seed.pcap");
	SAYS(err, "notes.txt is not a tcpladder database", "not overwritten",
	     "give -d a new file name");
	free(err);
	ck_assert_int_eq(tu_sh("grep -qx text %s/notes.txt", dir), 0);
	err = run_error(dir, 1, "merge -d seed.pcap x.db");
	SAYS(err, "tcpladder merge: seed.pcap is not a tcpladder database",
	     "-d DB comes before the captures");
	free(err);
	err = run_error(dir, 1, "ingest -d no-folder/t.db seed.pcap");
	SAYS(err, "cannot create the database no-folder/t.db",
	     "the folder no-folder does not exist", "create it first");
	free(err);
	/* An empty file is a database to be (mktemp's): ingest fills it. */
	ck_assert_int_eq(tu_sh(": > %s/empty.db && " BIN " ingest -q -d %s/empty.db %s/seed.pcap",
	                       dir, dir, dir), 0);
}
END_TEST

START_TEST(unreadable_database_says_check_permissions)
{
	if (geteuid() == 0)
		return; /* root reads a file of mode 000 */
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s/t.db ../examples/seed.pcap && chmod 000 %s/t.db",
	                       dir, dir), 0);
	char *err = run_error(dir, 1, "report -d t.db");
	SAYS(err, "cannot read the database t.db", "Permission denied", "check its permissions");
	free(err);
}
END_TEST

START_TEST(filter_syntax_error_shows_the_filter_and_the_syntax)
{
	char dir[64];
	tu_scratch_dir(dir);
	char *err = run_error(dir, 2, "ingest -d t.db -f 'hots 10.0.0.1' x.pcap");
	SAYS(err, "tcpladder ingest: bad filter -f 'hots 10.0.0.1'", "syntax error",
	     "man 7 pcap-filter", "-f 'tcp port 443'");
	free(err);
	/* run passes the filter to ingest, which says the same. */
	err = run_error(dir, 2, "run -f 'port nonsense(' -o r x.pcap");
	SAYS(err, "bad filter -f 'port nonsense('", "pcap-filter");
	free(err);
	/* Nothing was created for a command that could not start. */
	ck_assert_int_eq(tu_sh("test ! -e %s/t.db", dir), 0);
}
END_TEST

Suite *errors_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("first_messages");
	tcase_add_test(tc, unknown_command_suggests_the_closest);
	tcase_add_test(tc, unknown_option_names_the_command_and_its_help);
	tcase_add_test(tc, missing_capture_says_check_the_path);
	tcase_add_test(tc, not_a_capture_says_which_formats);
	tcase_add_test(tc, unsupported_link_type_names_it_and_the_supported_ones);
	tcase_add_test(tc, a_folder_without_captures_is_a_failed_input);
	tcase_add_test(tc, a_folder_named_through_a_symlink_is_walked);
	tcase_add_test(tc, missing_or_wrong_database_says_what_to_give_d);
	tcase_add_test(tc, unreadable_database_says_check_permissions);
	tcase_add_test(tc, filter_syntax_error_shows_the_filter_and_the_syntax);
	suite_add_tcase(s, tc);
	return s;
}
