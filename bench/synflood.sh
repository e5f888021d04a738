#!/bin/bash
# bench/synflood.sh (make bench-synflood): issue 12's SYN flood. bench/gen -y
# writes SYN_FLOOD_CONNS (default 1,000,000) lone SYNs from distinct
# addresses, 37 us apart (37 s of capture time, inside the 300 s idle
# timeout, so nothing leaves the table by age); tcpladder ingests it with
# the default --max-flows (1,000,000: every SYN held until the end) and
# with smaller limits, each run under /usr/bin/time -v. One line per run:
# the limit, wall time, peak RSS, and the connections written (each SYN
# must be one, whatever the limit).
#
#   SYN_FLOOD_CONNS=N     SYNs in the capture
#   SYN_FLOOD_LIMITS="…"  the --max-flows values to try (default
#                         "1000000 100000 10000")
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${SYN_FLOOD_CONNS:-1000000}
LIMITS=${SYN_FLOOD_LIMITS:-1000000 100000 10000}
[[ $CONNS =~ ^[1-9][0-9]*$ ]] || { echo "synflood: SYN_FLOOD_CONNS must be a count" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tcpladder-synflood.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

make -s tcpladder build/bench/gen >&2
cp tcpladder "$WORK/tcpladder"
build/bench/gen -y -c "$CONNS" "$WORK/flood.pcap" >&2
size=$(stat -c %s "$WORK/flood.pcap")
echo "SYN flood: $CONNS SYNs, $size bytes ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
printf '%-12s %10s %14s %12s\n' max-flows wall_s peak_rss_MiB connections
for limit in $LIMITS; do
	rm -f "$WORK"/t.db*
	/usr/bin/time -v -o "$WORK/time" "$WORK/tcpladder" ingest -q -d "$WORK/t.db" \
		--max-flows "$limit" "$WORK/flood.pcap"
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
	        for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$WORK/time")
	rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$WORK/time")
	flows=$(sqlite3 "$WORK/t.db" "SELECT count(*) FROM flows")
	[ "$flows" = "$CONNS" ] || { echo "synflood: $flows connections, not $CONNS" >&2; exit 1; }
	printf '%-12s %10s %14s %12s\n' "$limit" "$wall" "$rss" "$flows"
done
