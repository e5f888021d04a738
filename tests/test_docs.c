/* docs: what the documentation says the program does, it does. Each
 * command's --help and the man page (docs/tcpladder.1) name the same
 * options, in the synopsis and in the command's section; every option a
 * --help names is one the command takes; the commands `tcpladder --help`
 * lists are the man page's. */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"
#define MAN "../docs/tcpladder.1"

static const char *const commands[] = {"ingest", "report", "export", "run", "merge"};
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
		/* Its value: the word after its first mention in the option
		 * list, when that word is in capitals (DB, N, ID[,ID...]). */
		bool value = false;
		char needle[40];
		snprintf(needle, sizeof needle, "\n  %s ", o);
		const char *at = strstr(help, needle);
		if (at) {
			const char *v = at + strlen(needle);
			value = isupper((unsigned char)*v);
		}
		ck_assert_msg(tu_sh(BIN " %s %s %s --help > /dev/null 2>&1", cmd, o,
		                    value ? "1" : "") == 0,
		              "tcpladder %s does not take %s%s, which its --help names", cmd, o,
		              value ? " 1" : "");
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
	ck_assert_str_eq(listed, "ingest report export run merge help ");
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
	char man[] = ".BR \\-d \" \\fIDB\\fR\" \\&.";
	man_to_text(man);
	ck_assert_str_eq(man, ".BR -d \" DB\" .");
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
	suite_add_tcase(s, tc);
	return s;
}
