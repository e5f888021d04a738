/* docs: what the documentation says the program does, it does. Each
 * command's --help and the man page (docs/tcpladder.1) name the same
 * options, in the synopsis and in the command's section; every option a
 * --help names is one the command takes; the commands `tcpladder --help`
 * lists are the man page's. And README.md's command lines run, printing
 * what README shows under them. */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"
#define MAN "../docs/tcpladder.1"
#define README "../README.md"

static const char *const commands[] = {"ingest", "report", "export", "run", "merge", "forget",
                                       "show", "extract", "pair"};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

/* Output of a command line (stdout), which must exit 0. */
static char *output_of(const char *dir, const char *cmdline)
{
	char out[160];
	snprintf(out, sizeof out, "%s/out", dir);
	ck_assert_msg(tu_sh("%s > %s", cmdline, out) == 0, "%s: not exit 0", cmdline);
	return tu_slurp(out);
}

/* The man page's text as a reader sees it, near enough: "\-" as "-",
 * font changes and zero-width escapes gone. */
static void man_to_text(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] == '-') {
			*w++ = '-';
			r += 2;
		} else if (r[0] == '\\' && r[1] == 'f' && r[2]) {
			r += 3;
		} else if (r[0] == '\\' && r[1] == '&') {
			r += 2;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* The options text names, as a sorted, newline-separated list without
 * repeats: a '-' or "--" starting a word (after a space, '[', '|', ',',
 * '(' or a line's start) and followed by a letter. "read-only" and
 * "- for stdin" are not options. */
static void options_in(const char *text, size_t len, char *out, size_t cap)
{
	char found[64][32];
	int n = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '-' || (i > 0 && !strchr(" \t\n[|,(", text[i - 1])))
			continue;
		size_t j = i + 1;
		if (j < len && text[j] == '-')
			j++;
		if (j >= len || !islower((unsigned char)text[j]))
			continue;
		while (j < len && (islower((unsigned char)text[j]) || text[j] == '-'))
			j++;
		char opt[32];
		snprintf(opt, sizeof opt, "%.*s", (int)(j - i), text + i);
		bool seen = false;
		for (int k = 0; k < n && !seen; k++)
			seen = strcmp(found[k], opt) == 0;
		if (!seen && n < 64)
			snprintf(found[n++], sizeof found[0], "%s", opt);
		i = j - 1;
	}
	qsort(found, (size_t)n, sizeof found[0], (int (*)(const void *, const void *))strcmp);
	out[0] = '\0';
	for (int k = 0; k < n; k++)
		snprintf(out + strlen(out), cap - strlen(out), "%s\n", found[k]);
}

/* The part of text from the line starting with start up to the next line
 * starting with any of the ends (or the end); NULL when start is not found. */
static const char *part(const char *text, const char *start, const char *const *ends,
                        size_t *len)
{
	const char *p = strstr(text, start);
	while (p && p != text && p[-1] != '\n')
		p = strstr(p + 1, start);
	if (!p)
		return NULL;
	const char *end = p + strlen(p);
	for (const char *const *e = ends; *e; e++) {
		const char *q = p + 1;
		while ((q = strstr(q, *e)) && q[-1] != '\n')
			q++;
		if (q && q < end)
			end = q;
	}
	*len = (size_t)(end - p);
	return p;
}

START_TEST(help_and_man_page_name_the_same_options)
{
	char dir[64];
	tu_scratch_dir(dir);
	char *man = tu_slurp(MAN);
	man_to_text(man);
	const char *cmd = commands[_i];
	char line[256];
	snprintf(line, sizeof line, BIN " %s --help", cmd);
	char *help = output_of(dir, line);
	snprintf(line, sizeof line, BIN " help %s", cmd);
	char *help2 = output_of(dir, line);
	ck_assert_str_eq(help, help2);
	free(help2);

	/* The usage lines (up to the first blank line) against the synopsis. */
	char want[2048], got[2048];
	const char *usage_end = strstr(help, "\n\n");
	ck_assert_ptr_nonnull(usage_end);
	options_in(help, (size_t)(usage_end - help), want, sizeof want);
	char start[64];
	snprintf(start, sizeof start, ".B tcpladder %s", cmd);
	size_t len;
	const char *synopsis = part(man, start, (const char *const[]){".br", ".SH", NULL}, &len);
	ck_assert_msg(synopsis != NULL, "the man page's synopsis has no %s", start);
	options_in(synopsis, len, got, sizeof got);
	ck_assert_msg(strcmp(want, got) == 0,
	              "%s: --help's usage names\n%sthe man page's synopsis names\n%s", cmd, want,
	              got);

	/* The whole help against the command's section. */
	options_in(help, strlen(help), want, sizeof want);
	snprintf(start, sizeof start, ".SS %s", cmd);
	const char *section = part(man, start, (const char *const[]){".SS", ".SH", NULL}, &len);
	ck_assert_msg(section != NULL, "the man page has no section %s", start);
	options_in(section, len, got, sizeof got);
	ck_assert_msg(strcmp(want, got) == 0,
	              "%s: --help names\n%sthe man page's section names\n%s", cmd, want, got);
	free(help);
	free(man);
}
END_TEST

/* Whether the option list of help (its lines starting "  -") shows opt
 * with a value: "  -d, --db DB" gives -d and --db the value DB, "  -q,
 * --quiet" none. */
static bool takes_value(const char *help, const char *opt)
{
	for (const char *line = strstr(help, "\n  -"); line; line = strstr(line + 1, "\n  -")) {
		const char *p = line + 3;
		bool named = false;
		for (;;) {
			size_t len = strspn(p, "-abcdefghijklmnopqrstuvwxyz");
			named = named || (len == strlen(opt) && strncmp(p, opt, len) == 0);
			p += len;
			if (strncmp(p, ", -", 3) != 0)
				break;
			p += 2;
		}
		if (named)
			return p[0] == ' ' && isupper((unsigned char)p[1]);
	}
	return false;
}

/* Each option a --help names is taken: given before --help (with a value
 * when the help shows one, "-d DB"), the command still prints its help
 * and exits 0, where an unknown option would exit 2. */
START_TEST(every_option_in_help_is_accepted)
{
	char dir[64];
	tu_scratch_dir(dir);
	const char *cmd = commands[_i];
	char line[256];
	snprintf(line, sizeof line, BIN " %s --help", cmd);
	char *help = output_of(dir, line);
	char opts[2048];
	options_in(help, strlen(help), opts, sizeof opts);
	int tried = 0;
	for (char *o = strtok(opts, "\n"); o; o = strtok(NULL, "\n")) {
		/* A value of the form the help shows: a number, but KIND=PORT
		 * where it says so. */
		const char *value = !takes_value(help, o) ? ""
		                    : strcmp(o, "--tunnel-port") == 0 ? "vxlan=8472" : "1";
		ck_assert_msg(tu_sh(BIN " %s %s %s --help > /dev/null 2>&1", cmd, o, value) == 0,
		              "tcpladder %s does not take %s %s, which its --help names", cmd, o,
		              value);
		tried++;
	}
	ck_assert_int_ge(tried, 2);
	/* The check above can fail: an option no command has. */
	ck_assert_int_eq(tu_sh(BIN " %s --no-such-option --help > /dev/null 2>&1", cmd), 2);
	free(help);
}
END_TEST

/* `tcpladder --help` lists the commands the man page documents, each with
 * a synopsis line and a section. */
START_TEST(commands_in_help_are_the_man_pages)
{
	char dir[64];
	tu_scratch_dir(dir);
	char *help = output_of(dir, BIN " --help");
	char *man = tu_slurp(MAN);
	man_to_text(man);
	char listed[256] = "";
	const char *p = strstr(help, "commands:\n");
	ck_assert_ptr_nonnull(p);
	for (p = strchr(p, '\n') + 1; *p == ' '; p = strchr(p, '\n') + 1) {
		char name[32];
		ck_assert_int_eq(sscanf(p, "%31s", name), 1);
		snprintf(listed + strlen(listed), sizeof listed - strlen(listed), "%s ", name);
		char want[64];
		snprintf(want, sizeof want, "\n.B tcpladder %s\n", name);
		ck_assert_msg(strstr(man, want) != NULL, "the man page's synopsis lacks %s", name);
		if (strcmp(name, "help") != 0) {
			snprintf(want, sizeof want, "\n.SS %s\n", name);
			ck_assert_msg(strstr(man, want) != NULL, "the man page has no section %s",
			              name);
		}
	}
	ck_assert_str_eq(listed, "ingest report export run merge forget show extract pair help ");
	for (int i = 0; i < NCOMMANDS; i++)
		ck_assert_msg(strstr(listed, commands[i]) != NULL, "%s", commands[i]);
	free(man);
	free(help);
}
END_TEST

/* The extraction the tests above rely on. */
START_TEST(options_are_told_from_words_with_dashes)
{
	const char text[] = "usage: x [-d DB] [-q|-v] --flow ID[,ID...]\n  -q, -v  read-only\n"
	                    "- for stdin, (-j N) 1.2-2.0 --flows-per-page";
	char got[256];
	options_in(text, strlen(text), got, sizeof got);
	ck_assert_str_eq(got, "--flow\n--flows-per-page\n-d\n-j\n-q\n-v\n");
	const char help[] = "usage\n\n  -d, --db DB  x\n  -q, --quiet  y\n  --flow ID[,ID]  z\n";
	ck_assert(takes_value(help, "-d") && takes_value(help, "--db"));
	ck_assert(!takes_value(help, "-q") && !takes_value(help, "--quiet"));
	ck_assert(takes_value(help, "--flow") && !takes_value(help, "--fl"));
	char man[] = ".BR \\-d \" \\fIDB\\fR\" \\&.";
	man_to_text(man);
	ck_assert_str_eq(man, ".BR -d \" DB\" .");
}
END_TEST

/* README.md's command lines. In a ```sh block, a line starting with "$ "
 * is a command (a trailing backslash continues it on the next line), and
 * the lines after it, up to the next command or the block's end, are what
 * it prints on stdout (compared line by line with trailing blanks and the
 * CSV's \r dropped, since editors drop them too). They run one after the
 * other in a scratch folder where ./tcpladder is the built binary and
 * examples/ the examples, as in the clone's top folder; each must exit 0.
 * A ```sh skip-test block holds command lines no test can run (make demo
 * runs this suite; sudo make install): they are counted, so that adding
 * one is a decision. A "$ " line in any other block is an error: it would
 * look tested and not be. */
struct readme_cmd {
	char *cmd, *expected;
	int line;
};

static int readme_commands(char *text, struct readme_cmd *cmds, int max, int *skipped)
{
	enum { TEXT, SH, SKIP, OTHER } state = TEXT;
	int n = 0, lineno = 0;
	*skipped = 0;
	struct readme_cmd *cur = NULL;
	bool continued = false;
	for (char *line = text, *next; line && *line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "```", 3) == 0) {
			if (state != TEXT) {
				state = TEXT;
				cur = NULL;
			} else if (strcmp(line, "```sh") == 0) {
				state = SH;
			} else if (strcmp(line, "```sh skip-test") == 0) {
				state = SKIP;
			} else {
				state = OTHER;
			}
			continue;
		}
		if (state == SKIP) {
			*skipped += line[0] != '\0';
		} else if (state == OTHER || state == TEXT) {
			ck_assert_msg(strncmp(line, "$ ", 2) != 0 || state == TEXT,
			              README ":%d: a command line outside a ```sh block", lineno);
		} else if (continued) {
			size_t len = strlen(cur->cmd);
			cur->cmd = realloc(cur->cmd, len + strlen(line) + 2);
			sprintf(cur->cmd + len, "\n%s", line);
			continued = line[0] && line[strlen(line) - 1] == '\\';
		} else if (strncmp(line, "$ ", 2) == 0) {
			ck_assert_msg(n < max, "more than %d commands", max);
			cur = &cmds[n++];
			cur->cmd = strdup(line + 2);
			cur->expected = strdup("");
			cur->line = lineno;
			continued = line[strlen(line) - 1] == '\\';
		} else {
			ck_assert_msg(cur != NULL, README ":%d: output before any command", lineno);
			size_t len = strlen(cur->expected);
			cur->expected = realloc(cur->expected, len + strlen(line) + 2);
			sprintf(cur->expected + len, "%s\n", line);
		}
	}
	return n;
}

/* Each line without trailing blanks (and the \r of CRLF). */
static void trim_lines(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		char *eol = strchr(r, '\n');
		size_t len = eol ? (size_t)(eol - r) : strlen(r);
		size_t keep = len;
		while (keep > 0 && (r[keep - 1] == ' ' || r[keep - 1] == '\r' || r[keep - 1] == '\t'))
			keep--;
		memmove(w, r, keep);
		w += keep;
		if (eol)
			*w++ = '\n';
		r += len + (eol ? 1 : 0);
	}
	*w = '\0';
}

START_TEST(readme_command_lines_run_and_print_what_readme_shows)
{
	char dir[64], cwd[4096];
	tu_scratch_dir(dir);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(tu_sh("ln -s %s/../tcpladder %s/tcpladder && ln -s %s/../examples %s/examples",
	                       cwd, dir, cwd, dir), 0);
	char *text = tu_slurp(README);
	static struct readme_cmd cmds[128];
	int skipped;
	int n = readme_commands(text, cmds, 128, &skipped);
	/* The walk-through, export, the archive and merge sections. */
	ck_assert_int_ge(n, 15);
	/* make demo, make check; make && sudo make install, make install
	 * PREFIX=..., sudo make uninstall, man tcpladder. */
	ck_assert_msg(skipped == 6, "%d command lines marked skip-test, not 6", skipped);
	for (int i = 0; i < n; i++) {
		char script[128], out[128];
		snprintf(script, sizeof script, "%s/cmd.sh", dir);
		snprintf(out, sizeof out, "%s/stdout", dir);
		FILE *f = fopen(script, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "%s\n", cmds[i].cmd);
		fclose(f);
		int status = tu_sh("cd %s && sh cmd.sh > stdout 2> stderr", dir);
		char *got = tu_slurp(out);
		ck_assert_msg(status == 0, README ":%d: `%s` exited %d", cmds[i].line, cmds[i].cmd,
		              status);
		trim_lines(got);
		trim_lines(cmds[i].expected);
		ck_assert_msg(strcmp(got, cmds[i].expected) == 0,
		              README ":%d: `%s` printed\n%s\nwhere README shows\n%s", cmds[i].line,
		              cmds[i].cmd, got, cmds[i].expected);
		free(got);
		free(cmds[i].cmd);
		free(cmds[i].expected);
	}
	free(text);
}
END_TEST

/* The parser itself: commands, continued lines, outputs, skip-test. */
START_TEST(readme_parser_tells_commands_from_output)
{
	char text[] = "intro $ not a command\n\n```sh\n$ echo a \\\n  b\na b\n\n$ true\n```\n"
	              "```sh skip-test\nmake demo\n\nmake check\n```\n```\nplain\n```\n";
	struct readme_cmd cmds[4];
	int skipped;
	ck_assert_int_eq(readme_commands(text, cmds, 4, &skipped), 2);
	ck_assert_int_eq(skipped, 2);
	ck_assert_str_eq(cmds[0].cmd, "echo a \\\n  b");
	ck_assert_str_eq(cmds[0].expected, "a b\n\n"); /* a blank line is output too */
	ck_assert_int_eq(cmds[0].line, 4);
	ck_assert_str_eq(cmds[1].cmd, "true");
	ck_assert_str_eq(cmds[1].expected, "");
	ck_assert_int_eq(cmds[1].line, 8);
	for (int i = 0; i < 2; i++) {
		free(cmds[i].cmd);
		free(cmds[i].expected);
	}
	char trailing[] = "a  \r\nb\t\n";
	trim_lines(trailing);
	ck_assert_str_eq(trailing, "a\nb\n");
}
END_TEST

Suite *docs_suite(void)
{
	Suite *s = suite_create("docs");
	TCase *tc = tcase_create("help_and_man_page");
	tcase_add_loop_test(tc, help_and_man_page_name_the_same_options, 0, NCOMMANDS);
	tcase_add_loop_test(tc, every_option_in_help_is_accepted, 0, NCOMMANDS);
	tcase_add_test(tc, commands_in_help_are_the_man_pages);
	tcase_add_test(tc, options_are_told_from_words_with_dashes);
	tcase_add_test(tc, readme_command_lines_run_and_print_what_readme_shows);
	tcase_add_test(tc, readme_parser_tells_commands_from_output);
	suite_add_tcase(s, tc);
	return s;
}
