#!/bin/sh
# queries-expected.sh: rewrites the expected-output blocks of
# docs/queries.md from the current build (`make queries-expected` runs it).
#
#   tests/queries-expected.sh [TCPLADDER [DOC [EXAMPLES]]]
#
# Ingests EXAMPLES (default examples/) with TCPLADDER (default ./tcpladder)
# into a scratch database, runs each ```sql block of DOC (default
# docs/queries.md) with the sqlite3 shell, and replaces the ```expected
# block that follows it with what the query printed: the column names, then
# one line per row, fields joined by '|', NULL as an empty field: the form
# tests/test_queries.c compares with. The column names come from a temporary
# view over the query, so a query that returns no rows still shows them.
#
# It changes only the expected blocks; read `git diff docs/queries.md`
# afterwards: every changed block is a changed answer, to be explained.
# A ```sql block without an ```expected block after it is an error (write
# an empty one, ```expected then ```, and run this).
set -eu
bin=${1:-./tcpladder}
doc=${2:-docs/queries.md}
examples=${3:-examples}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" ingest -q -d "$tmp/ex.db" "$examples"

awk -v db="$tmp/ex.db" -v tmp="$tmp" '
function fail(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; failed = 1; exit 1 }
# The query'"'"'s output, header first, into the document being written.
function run(sql,    view, f, cmd, line, status) {
	view = sql
	sub(/[ \t\n]*;[ \t\n]*$/, "", view)
	f = tmp "/q.sql"
	printf "CREATE TEMP VIEW recipe AS\n%s;\n", view > f
	printf "SELECT group_concat(name, %s) FROM (SELECT name FROM pragma_table_info(%s) ORDER BY cid);\n", "'"'"'|'"'"'", "'"'"'recipe'"'"'" >> f
	printf ".nullvalue %s\n%s", "\"\"", sql >> f
	close(f)
	cmd = "sqlite3 -batch -bail -list " db " < " f " 2>" tmp "/err; echo \"status $?\""
	while ((cmd | getline line) > 0) {
		if (line ~ /^status [0-9]+$/) { status = substr(line, 8) + 0; continue }
		out = out line "\n"
	}
	close(cmd)
	if (status != 0) {
		getline line < (tmp "/err")
		fail("query failed: " line)
	}
}
BEGIN { state = 0 }
state == 0 && /^```sql$/ { state = 1; sql = ""; print; next }
state == 0 && /^```expected$/ { fail("an expected block with no sql block before it") }
state == 0 { print; next }
state == 1 && /^```$/ { state = 2; print; next }
state == 1 { sql = sql $0 "\n"; print; next }
state == 2 && /^```expected$/ { out = ""; run(sql); print; printf "%s", out; state = 3; next }
state == 2 && /^```/ { fail("a sql block not followed by an expected block") }
state == 2 { print; next }
state == 3 && /^```$/ { state = 0; print; next }
state == 3 { next }
END {
	if (failed) exit 1
	if (state != 0) fail("the document ends inside a block")
}
' "$doc" > "$tmp/doc.md"
cp "$tmp/doc.md" "$doc"
echo "$doc: $(grep -c '^```sql$' "$doc") queries, expected outputs rewritten"
