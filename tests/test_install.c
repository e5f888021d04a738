/* install: `make install` lays out the binary, the man page, the bash
 * completion, the schema and the templates under DESTDIR and PREFIX; the
 * installed binary does `make demo`'s job from there; `make uninstall`
 * takes exactly those files away. And the completion file, sourced in
 * bash, completes commands and options from the binary's own help. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "testutil.h"

/* make in the source tree, as a user types it. The outer make's
 * MAKEFLAGS (jobserver descriptors this process does not hold, and
 * SANITIZE=1 under `make check SANITIZE=1`) stay out of it, and -o
 * tcpladder installs the binary the suite runs instead of rebuilding it
 * under other flags while other tests use it. */
#define MAKE "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C .. -o tcpladder"

static const char expected_files[] =
	"/usr/bin/tcpladder\n"
	"/usr/share/bash-completion/completions/tcpladder\n"
	"/usr/share/man/man1/tcpladder.1\n"
	"/usr/share/tcpladder/schema/001_tables.sql\n"
	"/usr/share/tcpladder/schema/002_views.sql\n"
	"/usr/share/tcpladder/schema/003_indexes.sql\n"
	"/usr/share/tcpladder/schema/004_vantage.sql\n"
	"/usr/share/tcpladder/schema/005_vantage_views.sql\n"
	"/usr/share/tcpladder/schema/upgrade/2.sql\n"
	"/usr/share/tcpladder/schema/upgrade/3.sql\n"
	"/usr/share/tcpladder/schema/upgrade/4.sql\n"
	"/usr/share/tcpladder/schema/upgrade/5.sql\n"
	"/usr/share/tcpladder/schema/upgrade/6.sql\n"
	"/usr/share/tcpladder/schema/upgrade/7.sql\n"
	"/usr/share/tcpladder/schema/upgrade/8.sql\n"
	"/usr/share/tcpladder/schema/upgrade/9.sql\n"
	"/usr/share/tcpladder/templates/flow.xhtml\n"
	"/usr/share/tcpladder/templates/index.js\n"
	"/usr/share/tcpladder/templates/index.xhtml\n"
	"/usr/share/tcpladder/templates/pair.xhtml\n"
	"/usr/share/tcpladder/templates/style.css\n";

/* tests/, where the suite runs: the absolute path, for commands run
 * from a scratch folder. */
static const char *tests_dir(void)
{
	static char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	return cwd;
}

/* The files under root, one per line, relative to it, sorted. */
static char *files_under(const char *dir, const char *root)
{
	char list[160];
	snprintf(list, sizeof list, "%s/files", dir);
	ck_assert_int_eq(tu_sh("cd %s && find . -type f | sed 's/^\\.//' | LC_ALL=C sort > %s",
	                       root, list),
	                 0);
	return tu_slurp(list);
}

START_TEST(install_lays_out_files_and_the_binary_runs_from_there)
{
	char dir[64], root[96];
	tu_scratch_dir(dir);
	snprintf(root, sizeof root, "%s/root", dir);
	ck_assert_int_eq(tu_sh(MAKE " install DESTDIR=%s PREFIX=/usr > %s/log 2>&1", root, dir), 0);
	char *files = files_under(dir, root);
	ck_assert_str_eq(files, expected_files);
	free(files);
	/* Installed as they are in the tree, modes as packages want them. */
	ck_assert_int_eq(tu_sh("cmp ../tcpladder %s/usr/bin/tcpladder", root), 0);
	ck_assert_int_eq(tu_sh("cmp ../schema/002_views.sql %s/usr/share/tcpladder/schema/002_views.sql",
	                       root), 0);
	ck_assert_int_eq(tu_sh("test \"$(stat -c %%a %s/usr/bin/tcpladder)\" = 755 &&"
	                       " test \"$(stat -c %%a %s/usr/share/man/man1/tcpladder.1)\" = 644",
	                       root, root), 0);
	/* make demo's job, by the installed binary, from another folder. */
	ck_assert_int_eq(tu_sh("cd %s && %s/usr/bin/tcpladder run -q -o demo %s/../examples"
	                       " && test -s demo/index.html && test -s demo/flows/9.html"
	                       " && test -s demo/transitions.csv",
	                       dir, root, tests_dir()), 0);
	char db[160];
	snprintf(db, sizeof db, "%s/demo/tcpladder.db", dir);
	char *seed = tu_query(db, "SELECT count(*) FROM transitions_view t JOIN flows_view f"
	                          " ON f.id = t.flow_id WHERE f.server = '192.168.1.104:9999'");
	ck_assert_str_eq(seed, "10\n");
	free(seed);
	/* The man page is one man(1) renders. */
	if (tu_have("man"))
		ck_assert_int_eq(tu_sh("MANWIDTH=80 man -l %s/usr/share/man/man1/tcpladder.1 2>&1"
		                       " | grep -q 'tcpladder ingest'", root), 0);

	/* Uninstall: nothing of ours is left, and a file of someone else's
	 * beside ours stays. */
	ck_assert_int_eq(tu_sh("touch %s/usr/bin/other", root), 0);
	ck_assert_int_eq(tu_sh(MAKE " uninstall DESTDIR=%s PREFIX=/usr > %s/log 2>&1", root, dir), 0);
	files = files_under(dir, root);
	ck_assert_str_eq(files, "/usr/bin/other\n");
	free(files);
	ck_assert_int_eq(tu_sh("test ! -e %s/usr/share/tcpladder", root), 0);
}
END_TEST

/* PREFIX alone (no DESTDIR) is where the files go. */
START_TEST(install_honours_prefix)
{
	char dir[64];
	tu_scratch_dir(dir);
	ck_assert_int_eq(tu_sh(MAKE " install PREFIX=%s/opt > %s/log 2>&1", dir, dir), 0);
	ck_assert_int_eq(tu_sh("%s/opt/bin/tcpladder --version | grep -q '^tcpladder '", dir), 0);
	ck_assert_int_eq(tu_sh("test -f %s/opt/share/man/man1/tcpladder.1 &&"
	                       " test -f %s/opt/share/tcpladder/templates/style.css",
	                       dir, dir), 0);
	ck_assert_int_eq(tu_sh(MAKE " uninstall PREFIX=%s/opt > %s/log 2>&1", dir, dir), 0);
	ck_assert_int_eq(tu_sh("test -z \"$(find %s/opt -type f)\"", dir), 0);
}
END_TEST

/* What bash completes for the words, through the completion file. */
static char *complete(const char *dir, const char *words, int cword)
{
	char out[160];
	snprintf(out, sizeof out, "%s/completion", dir);
	ck_assert_int_eq(tu_sh("cd %s && bash -c '. %s/../completions/tcpladder.bash;"
	                       " COMP_WORDS=(%s); COMP_CWORD=%d; _tcpladder;"
	                       " printf \"%%s\\n\" \"${COMPREPLY[@]}\" | LC_ALL=C sort' > %s",
	                       dir, tests_dir(), words, cword, out),
	                 0);
	return tu_slurp(out);
}

START_TEST(bash_completion_offers_commands_options_and_tables)
{
	if (!tu_have("bash"))
		return;
	char dir[64], bin[4200];
	tu_scratch_dir(dir);
	snprintf(bin, sizeof bin, "%s/../tcpladder", tests_dir());
	char words[4400];
	snprintf(words, sizeof words, "%s \"\"", bin);
	char *got = complete(dir, words, 1);
	ck_assert_str_eq(got, "export\nextract\nforget\nhelp\ningest\nmerge\npair\nreport\nrun\nshow\n");
	free(got);
	snprintf(words, sizeof words, "%s report --f", bin);
	got = complete(dir, words, 2);
	ck_assert_str_eq(got, "--flow\n--flow-file\n--flows-per-page\n");
	free(got);
	snprintf(words, sizeof words, "%s ingest -", bin);
	got = complete(dir, words, 2);
	ck_assert_str_eq(got, "--db\n--filter\n--help\n--idle-timeout\n--jobs\n--join\n--max-flows\n"
	                      "--name\n--quiet\n--replace\n--tunnel-port\n--vantage\n--verbose\n-d\n-f\n"
	                      "-j\n-q\n-v\n");
	free(got);
	/* --help after any command, though no command's help lists it. */
	snprintf(words, sizeof words, "%s extract --he", bin);
	got = complete(dir, words, 2);
	ck_assert_str_eq(got, "--help\n");
	free(got);
	snprintf(words, sizeof words, "%s ingest --tunnel-port v", bin);
	got = complete(dir, words, 3);
	ck_assert_str_eq(got, "vxlan-gpe=\nvxlan=\n");
	free(got);
	snprintf(words, sizeof words, "%s show --color a", bin);
	got = complete(dir, words, 3);
	ck_assert_str_eq(got, "always\nauto\n");
	free(got);
	snprintf(words, sizeof words, "%s export -d x.db t", bin);
	got = complete(dir, words, 4);
	ck_assert_str_eq(got, "transitions\n");
	free(got);
	/* -d wants a database: the .db files and folders, not captures. */
	ck_assert_int_eq(tu_sh("cd %s && touch a.db b.pcap && mkdir sub", dir), 0);
	snprintf(words, sizeof words, "%s report -d \"\"", bin);
	got = complete(dir, words, 3);
	ck_assert_str_eq(got, "a.db\nsub\n");
	free(got);
}
END_TEST

Suite *install_suite(void)
{
	Suite *s = suite_create("install");
	TCase *tc = tcase_create("make_install");
	tcase_add_test(tc, install_lays_out_files_and_the_binary_runs_from_there);
	tcase_add_test(tc, install_honours_prefix);
	tcase_add_test(tc, bash_completion_offers_commands_options_and_tables);
	suite_add_tcase(s, tc);
	return s;
}
