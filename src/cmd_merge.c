/* cmd_merge: `tcpladder merge -d DB SHARD...`. Shards ingested apart (by
 * cores, hosts or a batch engine) into one database. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_db.h"
#include "cmd.h"
#include "db.h"
#include "db_merge.h"

const char cmd_merge_usage[] =
	"usage: tcpladder merge [-d DB] [-q] SHARD.db...\n"
	"\n"
	"Adds each shard database (written by `tcpladder ingest -d SHARD.db`) to\n"
	"DB: ids are renumbered, captures DB already holds (same content) are\n"
	"skipped with their flows, one transaction per shard. Shards are only\n"
	"read: a missing one is an error (never created), DB itself is refused,\n"
	"and one of an older tcpladder is upgraded in a temporary copy.\n"
	"\n"
	"  -d, --db DB  the database to merge into (default tcpladder.db), created\n"
	"               if needed\n"
	"  -q, --quiet  only errors\n"
	"\n"
	"Exit status: 0 all merged, 1 some shard could not be, 2 usage.\n";

int cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db_path = "tcpladder.db";
	bool quiet = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db_path = optarg; break;
		case 'q': quiet = true; break;
		case 'h': fputs(cmd_merge_usage, stdout); return EXIT_OK;
		default: fputs("Try 'tcpladder merge --help' for its options.\n", stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "tcpladder merge: no shard given\n");
		fputs("Try 'tcpladder merge --help' for its options.\n", stderr);
		return EXIT_USAGE;
	}
	if (!cli_db_writable("tcpladder merge", db_path, stderr))
		return EXIT_SOME_FAILED;
	char err[512];
	struct db *db = db_open(db_path, err, sizeof err);
	if (!db) {
		cli_db_open_failed("tcpladder merge", db_path, err, stderr);
		return EXIT_SOME_FAILED;
	}
	int status = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		struct db_merge_result r;
		if (db_merge(db, argv[i], &r)) {
			fprintf(stderr, "tcpladder: %s: %s\n", argv[i], db_error(db));
			status = EXIT_SOME_FAILED;
			continue;
		}
		/* An upgrade is said even under -q: the user should know that
		 * the shard is of an older tcpladder, and that it was left as
		 * it was. */
		if (r.upgraded_from)
			fprintf(stderr, "tcpladder: %s: schema version %d, an older tcpladder's:"
			                " merged from an upgraded temporary copy (the shard itself"
			                " is unchanged)\n", argv[i], r.upgraded_from);
		if (!quiet)
			fprintf(stderr, "tcpladder: %s: %lld captures (%lld flows, %lld segments)"
			                " merged, %lld already there\n",
			        argv[i], (long long)r.captures, (long long)r.flows,
			        (long long)r.segments, (long long)r.skipped);
	}
	db_leave_readable(db);
	db_close(db);
	return status;
}
