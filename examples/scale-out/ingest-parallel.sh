#!/bin/sh
# Ingest captures in parallel with GNU parallel, one shard database per job
# slot, then merge the shards into one database.
#
#   ingest-parallel.sh DB CAPTURE...
#
# JOBS       jobs at once (default: the number of cores)
# TCPLADDER  the tcpladder binary (default: tcpladder on PATH)
#
# Exit status: 0 all read and merged, 1 some capture failed or was partly
# read (the rest is merged; stderr says which), 2 usage.
set -u
[ $# -ge 2 ] || { echo "usage: $0 DB CAPTURE..." >&2; exit 2; }
db=$1
shift
tl=${TCPLADDER:-tcpladder}
shards=$(mktemp -d "${TMPDIR:-/tmp}/tcpladder-shards.XXXXXX") || exit 1
trap 'rm -rf "$shards"' EXIT
status=0
# {%} is the job slot: jobs of one slot run one after another, so each
# shard has one writer at a time. parallel's status counts failed jobs.
printf '%s\n' "$@" |
	parallel --will-cite -j "${JOBS:-$(nproc)}" "$tl" ingest -q -d "$shards/shard-{%}.db" {} ||
	status=1
"$tl" merge -q -d "$db" "$shards"/shard-*.db || status=1
exit $status
