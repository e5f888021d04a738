#!/bin/sh
# readme-expected.sh: rewrites what README.md shows under its command
# lines from the current build (`make readme-expected` runs it).
#
#   tests/readme-expected.sh [TCPLADDER [README [EXAMPLES]]]
#
# Runs each "$ " line of README's ```sh blocks, one after the other, in a
# scratch folder where ./tcpladder is TCPLADDER (default ./tcpladder) and
# examples/ is EXAMPLES (default examples/), as tests/test_docs.c does, and
# replaces the lines under it with what it printed on stdout (trailing
# blanks and CRLF's \r dropped, as the test compares them). A command that
# fails stops the script and leaves README as it was. Read `git diff
# README.md` afterwards: the prose around an output may need to change
# with it.
set -eu
bin=$(realpath "${1:-./tcpladder}")
readme=${2:-README.md}
examples=$(realpath "${3:-examples}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/run"
ln -s "$bin" "$tmp/run/tcpladder"
ln -s "$examples" "$tmp/run/examples"

awk -v run="$tmp/run" -v tmp="$tmp" '
function fail(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; failed = 1; exit 1 }
# The command in cmd, run; its stdout printed into the new README.
function execute(    f, line, status) {
	f = tmp "/cmd.sh"
	printf "%s\n", cmd > f
	close(f)
	status = system("cd " run " && sh " f " > " tmp "/out 2> " tmp "/err")
	if (status != 0)
		fail("`" cmd "` exited " status)
	while ((getline line < (tmp "/out")) > 0) {
		sub(/[ \t\r]+$/, "", line)
		print line
	}
	close(tmp "/out")
}
BEGIN { state = 0 }
state == 0 && /^```sh$/ { state = 1; print; next }
state == 0 { print; next }
# In a ```sh block: a command (maybe continued), its old output skipped.
state == 1 && continued { cmd = cmd "\n" $0; print; continued = /\\$/; if (!continued) execute(); next }
state == 1 && /^```/ { state = 0; print; next }
state == 1 && /^\$ / { cmd = substr($0, 3); print; continued = /\\$/; if (!continued) execute(); next }
state == 1 { next }
END { if (failed) exit 1 }
' "$readme" > "$tmp/README.md"
cp "$tmp/README.md" "$readme"
echo "$readme: $(grep -c '^\$ ' "$readme") command lines run, their outputs rewritten"
