/* queries: every SQL recipe of docs/queries.md, run against a database of
 * examples/, prints exactly the expected block written under it. A recipe
 * is a ```sql block; the next fenced block must be ```expected: the
 * column names, then one line per row, fields joined by '|', NULL as an
 * empty field (tests/queries-expected.sh writes the same form with the
 * sqlite3 shell, which is how the blocks are regenerated). A document
 * whose recipes the parser cannot pair fails too: a recipe nobody checks
 * is what this test exists to prevent. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

#define DOC "../docs/queries.md"

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		ck_assert_ptr_nonnull(b->s);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* One recipe: its title (the last heading before it), its SQL, the
 * expected block, and the line of the document where its SQL starts. */
struct recipe {
	char title[128];
	struct buf sql, expected;
	int line;
};

/* Splits the document into recipes; returns how many (at most max). A
 * ```sql block not followed by an ```expected block, or an expected block
 * without a query, fails the test with its line number. */
static int parse_doc(char *doc, struct recipe *r, int max)
{
	enum { TEXT, SQL, AFTER_SQL, EXPECTED } state = TEXT;
	char title[128] = "";
	int n = 0, lineno = 0;
	for (char *line = doc, *next; line && *line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		size_t len = next ? (size_t)(next - line) : strlen(line);
		if (next)
			next++;
		bool fence = len >= 3 && strncmp(line, "```", 3) == 0;
		switch (state) {
		case TEXT:
			if (len > 3 && strncmp(line, "## ", 3) == 0)
				snprintf(title, sizeof title, "%.*s", (int)(len - 3), line + 3);
			if (fence && len == 6 && strncmp(line, "```sql", 6) == 0) {
				ck_assert_msg(n < max, "more than %d recipes", max);
				memset(&r[n], 0, sizeof r[n]);
				snprintf(r[n].title, sizeof r[n].title, "%s", title);
				r[n].line = lineno + 1;
				state = SQL;
			}
			ck_assert_msg(!(fence && len == 11 && strncmp(line, "```expected", 11) == 0),
			              DOC ":%d: an expected block with no query before it", lineno);
			break;
		case SQL:
			if (fence)
				state = AFTER_SQL;
			else
				buf_add(&r[n].sql, line, next ? len + 1 : len);
			break;
		case AFTER_SQL:
			if (fence) {
				ck_assert_msg(len == 11 && strncmp(line, "```expected", 11) == 0,
				              DOC ":%d: the query of line %d is not followed by"
				                  " an ```expected block",
				              lineno, r[n].line);
				buf_str(&r[n].expected, "");
				state = EXPECTED;
			}
			break;
		case EXPECTED:
			if (fence) {
				n++;
				state = TEXT;
			} else {
				buf_add(&r[n].expected, line, len);
				buf_str(&r[n].expected, "\n");
			}
			break;
		}
	}
	ck_assert_msg(state == TEXT, DOC ": ends inside a block");
	return n;
}

/* What the query prints, in the expected block's form; on an SQL error,
 * the error. */
static void run_query(sqlite3 *db, const char *sql, struct buf *out)
{
	sqlite3_stmt *st;
	const char *tail;
	if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
		buf_str(out, "error: ");
		buf_str(out, sqlite3_errmsg(db));
		return;
	}
	/* One statement per recipe: a second would go unchecked. */
	if (strspn(tail, " \t\n") != strlen(tail)) {
		buf_str(out, "error: more than one statement");
		sqlite3_finalize(st);
		return;
	}
	int ncol = sqlite3_column_count(st);
	for (int i = 0; i < ncol; i++) {
		buf_str(out, i ? "|" : "");
		buf_str(out, sqlite3_column_name(st, i));
	}
	buf_str(out, "\n");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncol; i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			buf_str(out, i ? "|" : "");
			buf_str(out, v ? v : "");
		}
		buf_str(out, "\n");
	}
	if (rc != SQLITE_DONE) {
		buf_str(out, "error: ");
		buf_str(out, sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
}

START_TEST(every_recipe_prints_its_expected_output)
{
	char dir[64], path[128];
	tu_scratch_dir(dir);
	snprintf(path, sizeof path, "%s/ex.db", dir);
	ck_assert_int_eq(tu_sh("../tcpladder ingest -q -d %s ../examples", path), 0);
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);

	char *doc = tu_slurp(DOC);
	static struct recipe recipes[64];
	int n = parse_doc(doc, recipes, 64);
	/* The issue asks for at least 15; the document has 22. */
	ck_assert_int_ge(n, 15);

	struct buf report = {0};
	int failed = 0;
	for (int i = 0; i < n; i++) {
		struct buf got = {0};
		run_query(db, recipes[i].sql.s, &got);
		if (strcmp(got.s, recipes[i].expected.s) != 0) {
			failed++;
			char head[256];
			snprintf(head, sizeof head, "\n" DOC ":%d: \"%.120s\"\n--- expected\n",
			         recipes[i].line, recipes[i].title);
			buf_str(&report, head);
			buf_str(&report, recipes[i].expected.s);
			buf_str(&report, "--- got\n");
			buf_str(&report, got.s);
		}
		free(got.s);
		free(recipes[i].sql.s);
		free(recipes[i].expected.s);
	}
	sqlite3_close(db);
	free(doc);
	/* Check carries a failure's message through a pipe of limited size:
	 * the first few thousand characters say enough. */
	if (report.s && report.len > 6000)
		strcpy(report.s + 5980, "\n[...]\n");
	ck_assert_msg(failed == 0,
	              "%d of %d recipes print something else (make queries-expected rewrites"
	              " the blocks; read the diff):%s",
	              failed, n, report.s);
	free(report.s);
}
END_TEST

/* The checker itself: a wrong expected block, a recipe without one and a
 * broken query are each caught, so that the test above cannot pass by
 * reading nothing. */
START_TEST(a_wrong_or_missing_expected_block_is_caught)
{
	char doc[] = "## one\n\n```sql\nSELECT 1 AS a, NULL AS b;\n```\n\nprose\n\n"
	             "```expected\na|b\n1|\n```\n"
	             "## two\n```sql\nSELECT 'x' AS c WHERE 0;\n```\n```expected\nc\n```\n";
	static struct recipe r[4];
	ck_assert_int_eq(parse_doc(doc, r, 4), 2);
	ck_assert_str_eq(r[0].title, "one");
	ck_assert_str_eq(r[0].sql.s, "SELECT 1 AS a, NULL AS b;\n");
	ck_assert_str_eq(r[0].expected.s, "a|b\n1|\n");
	ck_assert_str_eq(r[1].expected.s, "c\n");
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	struct buf got = {0};
	run_query(db, r[0].sql.s, &got);
	ck_assert_str_eq(got.s, "a|b\n1|\n");
	free(got.s);
	got = (struct buf){0};
	run_query(db, r[1].sql.s, &got);
	ck_assert_str_eq(got.s, "c\n");
	free(got.s);
	got = (struct buf){0};
	run_query(db, "SELECT nope FROM absent;", &got);
	ck_assert_str_eq(got.s, "error: no such table: absent");
	free(got.s);
	got = (struct buf){0};
	run_query(db, "SELECT 1; SELECT 2;", &got);
	ck_assert_str_eq(got.s, "error: more than one statement");
	free(got.s);
	sqlite3_close(db);
	for (int i = 0; i < 2; i++) {
		free(r[i].sql.s);
		free(r[i].expected.s);
	}
}
END_TEST

Suite *queries_suite(void)
{
	Suite *s = suite_create("queries");
	TCase *tc = tcase_create("docs_queries_md");
	tcase_add_test(tc, every_recipe_prints_its_expected_output);
	tcase_add_test(tc, a_wrong_or_missing_expected_block_is_caught);
	suite_add_tcase(s, tc);
	return s;
}
