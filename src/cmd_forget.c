/* cmd_forget: `tcpladder forget CAPTURE...`. Removes captures, named by
 * id, path or sha256, and everything that came from them, in one
 * transaction: all named go, or none. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_db.h"
#include "cmd.h"
#include "db.h"
#include "db_capture.h"

const char cmd_forget_usage[] =
	"usage: tcpladder forget [-d DB] [-q] CAPTURE...\n"
	"\n"
	"Removes each capture named, with its connections, segments, state\n"
	"changes and counts, all in one transaction. CAPTURE is a capture's id\n"
	"(captures.id), its path as stored (captures.path, or one of the files of\n"
	"a joined capture), or its sha256 (whole, or its first\n"
	"12 or more hex digits). A path stored more than once names them all.\n"
	"\n"
	"  -d, --db DB  the database (default tcpladder.db)\n"
	"  -q, --quiet  only errors\n"
	"\n"
	"Exit status: 0 all forgotten, 1 a CAPTURE named none (nothing is\n"
	"removed then) or the database failed, 2 usage.\n";

enum { MAX_PER_KEY = 4096 }; /* captures one name may stand for */

int cmd_forget(int argc, char **argv)
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
		case 'h': fputs(cmd_forget_usage, stdout); return EXIT_OK;
		default: fputs("Try 'tcpladder forget --help' for its options.\n", stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "tcpladder forget: no capture given\n");
		fputs("Try 'tcpladder forget --help' for its options.\n", stderr);
		return EXIT_USAGE;
	}
	if (!cli_db_readable("tcpladder forget", db_path, stderr))
		return EXIT_SOME_FAILED;
	char err[512];
	struct db *db = db_open(db_path, err, sizeof err);
	if (!db) {
		cli_db_open_failed("tcpladder forget", db_path, err, stderr);
		return EXIT_SOME_FAILED;
	}
	/* Every name is resolved before anything goes: one that names no
	 * capture leaves the database as it was. */
	size_t cap = (size_t)(argc - optind) * MAX_PER_KEY;
	int64_t *ids = malloc(cap * sizeof *ids);
	size_t nids = 0;
	int status = EXIT_OK;
	long long captures = 0, flows_gone = 0;
	if (!ids || db_begin(db)) {
		fprintf(stderr, "tcpladder forget: %s: %s\n", db_path,
		        ids ? db_error(db) : "out of memory");
		free(ids);
		db_close(db);
		return EXIT_SOME_FAILED;
	}
	for (int i = optind; i < argc && status == EXIT_OK; i++) {
		size_t n;
		if (db_captures_matching(db, argv[i], ids + nids, MAX_PER_KEY, &n)) {
			fprintf(stderr, "tcpladder forget: %s: %s\n", db_path, db_error(db));
			status = EXIT_SOME_FAILED;
		} else if (n == 0) {
			fprintf(stderr, "tcpladder forget: %s: no such capture in %s (give an id, a"
			                " path as stored, or a sha256 of 12 or more hex digits;"
			                " nothing was removed)\n", argv[i], db_path);
			status = EXIT_SOME_FAILED;
		}
		nids += n;
	}
	for (size_t k = 0; k < nids && status == EXIT_OK; k++) {
		struct db_stored_capture c;
		bool found;
		int64_t flows;
		if (db_capture_get(db, ids[k], &c, &found) ||
		    (found && db_capture_forget_all(db, ids[k], &flows))) {
			fprintf(stderr, "tcpladder forget: %s: %s\n", db_path, db_error(db));
			status = EXIT_SOME_FAILED;
		} else if (found) { /* else named twice: gone already */
			captures++;
			flows_gone += flows;
			if (!quiet)
				fprintf(stderr, "tcpladder: forgot capture %lld (%s, %lld connections)\n",
				        (long long)c.id, c.path, (long long)flows);
		}
	}
	if (status == EXIT_OK && db_commit(db)) {
		fprintf(stderr, "tcpladder forget: %s: %s\n", db_path, db_error(db));
		status = EXIT_SOME_FAILED;
	}
	if (status != EXIT_OK)
		db_rollback(db);
	else if (!quiet)
		fprintf(stderr, "tcpladder: %lld captures (%lld connections) removed from %s\n",
		        captures, flows_gone, db_path);
	free(ids);
	db_leave_readable(db);
	db_close(db);
	return status;
}
