/* cmd_ingest: `tcpladder ingest`. Parses options, walks the paths given
 * (directories recursively, in name order, capture files only; `-` for
 * stdin), ingests each capture and tells the user what happened: errors
 * always, a progress line when stderr is a terminal, a summary unless -q. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_db.h"
#include "cli_ingest_progress.h"
#include "cmd.h"
#include "vantage.h"
#include "db.h"
#include "db_merge.h"
#include "ingest.h"
#include "walk.h"

const char cmd_ingest_usage[] =
	"usage: tcpladder ingest [-d DB] [-f FILTER] [-j N] [-q|-v] [--replace]\n"
	"                        [--name LABEL] [--vantage NAME] [--idle-timeout S]\n"
	"                        [--max-flows N]\n"
	"                        [--tunnel-port KIND=PORT] PATH...\n"
	"       tcpladder ingest --join [options] PATH...\n"
	"\n"
	"Reads captures (pcap, pcapng, gzip-compressed either; directories\n"
	"recursively; - for stdin) into the database, one transaction each.\n"
	"A capture whose content is already in the database, read with the same\n"
	"filter, is skipped; read with another filter (or none), it is an error.\n"
	"\n"
	"  -d, --db DB          database file (default tcpladder.db)\n"
	"  -f, --filter FILTER  tcpdump filter expression, e.g. 'port 443'\n"
	"  -j, --jobs N         N captures at once, each worker into a shard of\n"
	"                       its own, merged into DB at the end (default 1)\n"
	"  -q, --quiet          only errors: no summary line, no notes on what\n"
	"                       was not TCP or was replaced\n"
	"  -v, --verbose        a line per capture, and every file a folder\n"
	"                       holds that was passed over, with why\n"
	"  --join               the PATHs (files, or a folder's files) are one\n"
	"                       capture written as a ring of files (tcpdump's\n"
	"                       rotated files, editcap's splits): read in order\n"
	"                       of their first timestamps, connections carried\n"
	"                       across the files\n"
	"  --name LABEL         the path stored for a capture read from stdin (-)\n"
	"                       or joined (default stdin-<sha256 prefix>; the\n"
	"                       first file's path)\n"
	"  --replace            a stored capture of the same path, or of the same\n"
	"                       content read with another filter, is replaced by\n"
	"                       this reading\n"
	"  --vantage NAME       the vantage point the captures were taken at\n"
	"                       (client, server, fw-outside: letters, digits,\n"
	"                       -_.), stored with each for tcpladder pair; the\n"
	"                       same content stored under another name: an error\n"
	"  --idle-timeout S     capture seconds before an idle connection is\n"
	"                       closed out (default 300)\n"
	"  --max-flows N        connections tracked at once (default 1000000)\n"
	"  --tunnel-port KIND=PORT  a UDP port that carries a tunnel, besides the\n"
	"                       well-known ones; KIND: vxlan, vxlan-gpe, geneve,\n"
	"                       gtp-u, teredo, l2tp, ayiya, gre, capwap (repeatable;\n"
	"                       e.g. vxlan=8472 for Linux's VXLAN default)\n"
	"\n"
	"Exit status: 0 all read, 1 some failed or were only partly read, 2 usage.\n";

struct totals {
	unsigned captures, duplicates, partial, failed;
	unsigned long long packets, tcp_packets, flows;
	bool fatal;
};

struct ingest_cli {
	struct db *db;
	struct ingest_options opt;
	int verbosity;        /* 0 quiet, 1 normal, 2 verbose */
	int worker, workers;  /* with -j: this worker takes every workers-th */
	unsigned long long inputs_seen;
	/* The progress line (stderr a terminal, not -q): watch.tally NULL
	 * when there is none. */
	struct ingest_watch watch;
	struct progress_meter meter;
	struct totals totals;
};

/* stderr, for a message: the progress line makes way first. */
static FILE *say(struct ingest_cli *cli)
{
	ingest_watch_clear(&cli->watch);
	return stderr;
}

/* What to do about a capture that could not be read at all, after its
 * error on the same line: "" when the error says all there is. The error
 * itself is what the captures table records; the advice is for the person
 * at the terminal. */
static const char *failure_hint(const char *path, const char *error)
{
	struct stat st;
	if (strcmp(path, "-") != 0 && stat(path, &st) != 0)
		return errno == ENOENT ? "; check the path (a folder is read whole, - reads stdin)"
		                       : "";
	if (strncmp(error, "unsupported link type", 21) == 0)
		return "; tcpladder decodes Ethernet, Linux cooked (SLL, SLL2), raw IP and BSD"
		       " loopback: capture on such an interface (tcpdump -i any writes Linux"
		       " cooked)";
	if (access(path, R_OK) != 0 && strcmp(path, "-") != 0)
		return "; check its permissions";
	if (strcmp(error, "empty file") == 0)
		return "";
	if (strcmp(path, "-") == 0 || !capture_file_looks_like_capture(path))
		return "; not a pcap or pcapng file: tcpladder reads those, plain or"
		       " gzip-compressed (editcap -F pcap converts other formats)";
	return "";
}

/* Never silent: what a capture held that did not become TCP segments, said
 * without -v when it is an encapsulation tcpladder does not decode, or
 * when nothing at all was TCP. */
static void say_what_was_not_tcp(struct ingest_cli *cli, const char *shown, const struct ingest_result *r)
{
	char a[32], b[32], c[32], d[32], e[32];
	if (r->undecoded_packets) {
		const struct db_undecoded *u = &r->undecoded[0];
		char name[96];
		decode_encap_text(u->encap, u->value, name, sizeof name);
		char more[96] = "";
		if (r->undecoded_kinds > 1)
			snprintf(more, sizeof more, " (and %u other kind%s: captures and"
			         " capture_undecoded say which)", r->undecoded_kinds - 1,
			         r->undecoded_kinds == 2 ? "" : "s");
		fprintf(say(cli), "tcpladder: %s: %s packet%s in an encapsulation tcpladder"
		        " does not decode, first frame %llu: %s%s\n", shown,
		        progress_grouped(r->undecoded_packets, a, sizeof a),
		        r->undecoded_packets == 1 ? "" : "s",
		        (unsigned long long)u->first_frame, name, more);
	}
	if (r->tcp_packets == 0 && r->packets > 0) {
		fprintf(say(cli), "tcpladder: %s: no TCP in %s packet%s (%s not IP, %s IP but"
		        " not TCP, %s undecoded, %s malformed)\n", shown,
		        progress_grouped(r->packets, a, sizeof a), r->packets == 1 ? "" : "s",
		        progress_grouped(r->not_ip_packets, b, sizeof b),
		        progress_grouped(r->not_tcp_packets + r->fragment_packets, c, sizeof c),
		        progress_grouped(r->undecoded_packets, d, sizeof d),
		        progress_grouped(r->bad_packets, e, sizeof e));
	}
}

/* A capture that took others' place says so: their rows are gone. */
static void say_what_was_replaced(struct ingest_cli *cli, const char *shown, const struct ingest_result *r)
{
	char ids[128] = "";
	size_t at = 0;
	unsigned listed = r->replaced < 8 ? r->replaced : 8;
	for (unsigned i = 0; i < listed && at < sizeof ids; i++)
		at += (size_t)snprintf(ids + at, sizeof ids - at, "%s%lld", i ? ", " : "",
		                       (long long)r->replaced_id[i]);
	fprintf(say(cli), "tcpladder: %s: capture %lld replaces %s %s%s (%llu connections)%s\n",
	        shown, (long long)r->capture_id, r->replaced == 1 ? "capture" : "captures", ids,
	        r->replaced > listed ? " and more" : "", (unsigned long long)r->replaced_flows,
	        r->replaced_partial ? ", stored partial, now read whole" : "");
}

static void tell(struct ingest_cli *cli, const char *path, const struct ingest_result *r);

static void ingest_one(struct ingest_cli *cli, const char *path)
{
	if (cli->workers > 1 && cli->inputs_seen++ % (unsigned)cli->workers != (unsigned)cli->worker)
		return; /* another worker's */
	struct ingest_result r;
	ingest_watch_begin(&cli->watch, path);
	ingest_capture(cli->db, &cli->opt, path, &r);
	ingest_watch_end(&cli->watch, &r);
	tell(cli, path, &r);
}

/* What became of one capture, on stderr, and into the totals. */
static void tell(struct ingest_cli *cli, const char *path, const struct ingest_result *r)
{
	const char *shown = strcmp(path, "-") == 0 ? "(stdin)" : path;
	struct totals *t = &cli->totals;
	switch (r->outcome) {
	case INGEST_OK:
		t->captures++;
		if (r->bad_packets && cli->verbosity > 0)
			fprintf(say(cli), "tcpladder: %s: %s\n", shown, r->error);
		break;
	case INGEST_PARTIAL:
		t->captures++;
		t->partial++;
		fprintf(say(cli), "tcpladder: %s: partly read (%llu packets kept): %s\n",
		        shown, (unsigned long long)r->packets, r->error);
		break;
	case INGEST_FAILED:
		t->failed++;
		fprintf(say(cli), "tcpladder: %s: %s%s\n", shown, r->error,
		        failure_hint(path, r->error));
		break;
	case INGEST_DUPLICATE:
		t->duplicates++;
		if (cli->verbosity > 1)
			fprintf(say(cli), "tcpladder: %s: already in the database as capture %lld\n",
			        shown, (long long)r->capture_id);
		return;
	case INGEST_REFUSED:
		t->failed++;
		fprintf(say(cli), "tcpladder: %s: %s\n", shown, r->error);
		return;
	case INGEST_FATAL:
		t->fatal = true;
		fprintf(say(cli), "tcpladder: %s: %s\n", shown, r->error);
		return;
	}
	if (r->replaced && cli->verbosity > 0)
		say_what_was_replaced(cli, shown, r);
	if (cli->verbosity > 0)
		say_what_was_not_tcp(cli, shown, r);
	t->packets += r->packets;
	t->tcp_packets += r->tcp_packets;
	t->flows += r->flows;
	if (cli->verbosity > 1 && r->outcome != INGEST_FAILED) {
		char frags[128] = "";
		const struct defrag_counts *d = &r->frags;
		if (d->reassembled || d->incomplete)
			snprintf(frags, sizeof frags, "; IP datagrams from fragments: %llu"
			         " reassembled, %llu incomplete, %llu overlapping",
			         (unsigned long long)d->reassembled, (unsigned long long)d->incomplete,
			         (unsigned long long)d->overlapping);
		fprintf(say(cli), "tcpladder: %s: capture %lld, %llu packets, %llu TCP, %llu connections%s\n",
		        shown, (long long)r->capture_id, (unsigned long long)r->packets,
		        (unsigned long long)r->tcp_packets, (unsigned long long)r->flows, frags);
	}
}

/* One entry of a folder's walk (walk.c): read it, or say why not. */
static bool ingest_walked(const struct walk_entry *e, void *user)
{
	struct ingest_cli *cli = user;
	switch (e->kind) {
	case WALK_CAPTURE:
		ingest_one(cli, e->path);
		break;
	case WALK_ERROR:
		fprintf(say(cli), "tcpladder: %s: %s\n", e->path, strerror(e->err));
		cli->totals.failed++;
		break;
	case WALK_SKIPPED:
		/* Under -v every file passed over is named, once (every
		 * worker of -j walks the same tree). */
		if (cli->verbosity > 1 && cli->worker == 0)
			fprintf(say(cli), "tcpladder: %s: skipped: %s\n", e->path, e->why);
		break;
	}
	return !cli->totals.fatal;
}

/* A directory: every capture file under it, in name order (walk.c). */
static void ingest_tree(struct ingest_cli *cli, const char *dir)
{
	long long found = walk_folder(dir, ingest_walked, cli);
	if (found < 0) {
		fprintf(say(cli), "tcpladder: %s: %s\n", dir, strerror(errno));
		cli->totals.failed++;
		return;
	}
	/* A folder the user named that yields nothing is an input that
	 * failed, not a quiet success: a wrong folder would otherwise look
	 * like an empty archive. One worker says so for all. */
	if (found == 0 && !cli->totals.fatal) {
		cli->totals.failed++;
		if (cli->worker == 0)
			fprintf(say(cli), "tcpladder: %s: no capture files in this folder (pcap or"
			                " pcapng, plain or gzip-compressed, are found by their"
			                " content, not their names)\n", dir);
	}
}

static void ingest_inputs(struct ingest_cli *cli, int first, int argc, char **argv)
{
	for (int i = first; i < argc && !cli->totals.fatal; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 &&
		    S_ISDIR(st.st_mode))
			ingest_tree(cli, argv[i]);
		else
			ingest_one(cli, argv[i]);
	}
}

/* The files of a joined capture, as named or found. */
struct join_list {
	char **paths;
	size_t n, cap;
};

static int join_list_add(struct join_list *l, const char *path)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **more = realloc(l->paths, cap * sizeof *more);
		if (!more)
			return -1;
		l->paths = more;
		l->cap = cap;
	}
	if (!(l->paths[l->n] = strdup(path)))
		return -1;
	l->n++;
	return 0;
}

static void join_list_free(struct join_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
}

/* A folder's capture files, at any depth, as walk.c finds them (links to
 * files read, the rest passed over and named under -v). */
struct join_walk {
	struct join_list *l;
	int verbosity;
	int rc;
};

static bool join_walked(const struct walk_entry *e, void *user)
{
	struct join_walk *j = user;
	switch (e->kind) {
	case WALK_CAPTURE:
		j->rc = join_list_add(j->l, e->path);
		break;
	case WALK_ERROR:
		fprintf(stderr, "tcpladder: %s: %s\n", e->path, strerror(e->err));
		j->rc = -1;
		break;
	case WALK_SKIPPED:
		if (j->verbosity > 1)
			fprintf(stderr, "tcpladder: %s: skipped: %s\n", e->path, e->why);
		break;
	}
	return j->rc == 0;
}

static int join_list_folder(struct join_list *l, const char *dir, int verbosity)
{
	struct join_walk j = {l, verbosity, 0};
	if (walk_folder(dir, join_walked, &j) < 0) {
		fprintf(stderr, "tcpladder: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return j.rc;
}

/* An older database is brought to this version on open: said once, as
 * the file changed under its owner's eyes. */
static void say_upgrade(const struct ingest_cli *cli, const char *db_path)
{
	int from = db_upgraded_from(cli->db);
	if (from > 0 && from < DB_SCHEMA_VERSION && cli->verbosity > 0)
		fprintf(stderr, "tcpladder: %s: database schema upgraded from version %d to %d\n",
		        db_path, from, DB_SCHEMA_VERSION);
}

/* --join: the files named, and each folder's capture files, read as one
 * capture. */
static void ingest_joined(struct ingest_cli *cli, int first, int argc, char **argv)
{
	struct join_list files = {0};
	for (int i = first; i < argc; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") == 0) {
			fprintf(stderr, "tcpladder ingest: --join reads files, not stdin\n");
			cli->totals.failed++;
			goto out;
		}
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (join_list_folder(&files, argv[i], cli->verbosity)) {
				cli->totals.failed++;
				goto out;
			}
			/* A ring in a folder of its own is known by the folder. */
			if (!cli->opt.name && argc - first == 1)
				cli->opt.name = argv[i];
		} else if (join_list_add(&files, argv[i])) {
			cli->totals.fatal = true;
			goto out;
		}
	}
	if (files.n == 0) {
		fprintf(stderr, "tcpladder ingest: --join: no capture files in %s\n", argv[first]);
		cli->totals.failed++;
		goto out;
	}
	struct ingest_result r;
	/* Its files are read in their time order: each counted as it comes. */
	ingest_watch_begin(&cli->watch, "");
	ingest_join(cli->db, &cli->opt, (const char *const *)files.paths, (unsigned)files.n, &r);
	ingest_watch_end(&cli->watch, &r);
	tell(cli, cli->opt.name ? cli->opt.name : files.paths[0], &r);
out:
	join_list_free(&files);
}

/* The progress line, when stderr is a terminal and not -q; the inputs'
 * sizes are taken first, for its share. */
static void watch_start(struct ingest_cli *cli, int jobs, char *const *paths, int n)
{
	if (cli->verbosity == 0 || !isatty(STDERR_FILENO))
		return;
	cli->watch.tally = ingest_tally_new(ingest_input_bytes(paths, n));
	if (!cli->watch.tally)
		return;
	cli->watch.tally->line = true;
	cli->watch.workers = jobs;
	progress_start(&cli->meter, stderr);
	cli->watch.meter = &cli->meter;
	cli->opt.progress = ingest_watch_progress;
	cli->opt.progress_user = &cli->watch;
}

static int status_of(const struct totals *t)
{
	return t->fatal || t->partial || t->failed ? EXIT_SOME_FAILED : EXIT_OK;
}

static void remove_database(const char *path)
{
	char side[4200];
	unlink(path);
	snprintf(side, sizeof side, "%.4096s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%.4096s-shm", path);
	unlink(side);
	snprintf(side, sizeof side, "%.4096s-journal", path);
	unlink(side);
}

/* -j N: N worker processes, each walking the same inputs and taking every
 * N-th. SQLite has one writer per database, so worker 0 writes into DB and
 * the others each into a scratch shard of their own (db_make_scratch),
 * merged into DB at the end, one transaction each. A worker is a process,
 * not a thread: a crash or a leak in one stays there, and each has its own
 * writer thread (writer.c).
 *
 * When DB does not exist yet, worker 0 writes a scratch shard too: the
 * others are merged into it while it has no index of flows, the indexes
 * are built once (db_finish_scratch), and only then does it take DB's name
 * (rename is atomic: a run killed before leaves shards, never a DB without
 * its indexes). Keeping flows' five indexes up to date was most of the
 * cost of a merge. */
static int ingest_parallel(struct ingest_cli *cli, const char *db_path, int jobs,
                           int first, int argc, char **argv)
{
	char shard[64][4200];
	pid_t pid[64];
	int status = EXIT_OK;
	bool fresh = access(db_path, F_OK) != 0 && errno == ENOENT;
	/* The workers hold its writing end: it closes when the last ends,
	 * while this process shows their progress. */
	int ended[2] = {-1, -1};
	if (cli->watch.tally && pipe2(ended, O_CLOEXEC) != 0)
		ended[0] = ended[1] = -1;
	for (int k = 0; k < jobs; k++) {
		if (k == 0 && !fresh)
			snprintf(shard[k], sizeof shard[k], "%.4096s", db_path);
		else
			snprintf(shard[k], sizeof shard[k], "%.4096s.j%d", db_path, k);
		if (k > 0 || fresh)
			remove_database(shard[k]);
		fflush(stderr);
		pid[k] = fork();
		if (pid[k] < 0) {
			fprintf(stderr, "tcpladder: cannot start worker %d: %s\n", k, strerror(errno));
			status = EXIT_SOME_FAILED;
			jobs = k;
			break;
		}
		if (pid[k] == 0) {
			/* The worker: the one place besides main() that ends the
			 * process, as a process of its own must. */
			char err[512];
			cli->worker = k;
			cli->workers = jobs;
			cli->watch.meter = NULL; /* it counts; the parent shows */
			if (ended[0] >= 0)
				close(ended[0]);
			cli->db = db_open(shard[k], err, sizeof err);
			if (cli->db && (k > 0 || fresh) && db_make_scratch(cli->db)) {
				snprintf(err, sizeof err, "%s", db_error(cli->db));
				db_close(cli->db);
				cli->db = NULL;
			}
			if (!cli->db) {
				fprintf(stderr, "tcpladder: %s: %s\n", shard[k], err);
				_exit(EXIT_SOME_FAILED);
			}
			ingest_inputs(cli, first, argc, argv);
			db_close(cli->db);
			fflush(stderr);
			_exit(status_of(&cli->totals));
		}
	}
	if (ended[0] >= 0) {
		close(ended[1]);
		ingest_watch_until_closed(&cli->watch, ended[0]);
		close(ended[0]);
	}
	ingest_watch_clear(&cli->watch);
	for (int k = 0; k < jobs; k++) {
		int ws;
		if (waitpid(pid[k], &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
			status = EXIT_SOME_FAILED;
	}
	char err[512];
	struct db *db = db_open(shard[0], err, sizeof err);
	if (!db) {
		fprintf(stderr, "tcpladder: %s: %s\n", shard[0], err);
		return EXIT_SOME_FAILED;
	}
	long long captures = 0, skipped = 0, flows = 0;
	for (int k = 1; k < jobs; k++) {
		struct db_merge_result r;
		if (access(shard[k], F_OK) != 0)
			continue;
		if (db_merge(db, shard[k], &r)) {
			fprintf(stderr, "tcpladder: merging %s: %s (the shard is kept)\n", shard[k],
			        db_error(db));
			status = EXIT_SOME_FAILED;
			continue;
		}
		captures += r.captures, skipped += r.skipped, flows += r.flows;
		remove_database(shard[k]);
	}
	if (fresh) {
		/* DB's open after the rename makes the journal WAL again. */
		if (db_finish_scratch(db)) {
			fprintf(stderr, "tcpladder: %s: %s (the shards are kept)\n", shard[0],
			        db_error(db));
			db_close(db);
			return EXIT_SOME_FAILED;
		}
		db_close(db);
		if (rename(shard[0], db_path) != 0) {
			fprintf(stderr, "tcpladder: %s: cannot become %s: %s\n", shard[0], db_path,
			        strerror(errno));
			return EXIT_SOME_FAILED;
		}
		db = db_open(db_path, err, sizeof err);
		if (!db) {
			fprintf(stderr, "tcpladder: %s: %s\n", db_path, err);
			return EXIT_SOME_FAILED;
		}
	}
	db_leave_readable(db);
	db_close(db);
	if (cli->verbosity > 0)
		fprintf(stderr, "tcpladder: %lld captures (%lld connections) merged into %s from"
		                " %d workers' shards; %lld already there\n", captures, flows, db_path,
		        jobs - 1, skipped);
	return status;
}

static bool parse_count(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return false;
	*out = v;
	return true;
}

int cmd_ingest(int argc, char **argv)
{
	enum { OPT_IDLE = 256, OPT_MAX_FLOWS, OPT_TUNNEL_PORT, OPT_JOIN, OPT_NAME,
	       OPT_REPLACE, OPT_VANTAGE };
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"filter", required_argument, NULL, 'f'},
		{"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"idle-timeout", required_argument, NULL, OPT_IDLE},
		{"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
		{"tunnel-port", required_argument, NULL, OPT_TUNNEL_PORT},
		{"join", no_argument, NULL, OPT_JOIN},
		{"name", required_argument, NULL, OPT_NAME},
		{"replace", no_argument, NULL, OPT_REPLACE},
		{"vantage", required_argument, NULL, OPT_VANTAGE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct ingest_cli cli = {.verbosity = 1};
	ingest_default_options(&cli.opt);
	const char *db_path = "tcpladder.db";
	unsigned long long n;
	int c;
	optind = 1;
	int jobs = 1;
	bool join = false;
	while ((c = getopt_long(argc, argv, "d:f:j:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db_path = optarg; break;
		case 'f': cli.opt.bpf = optarg; break;
		case 'j':
			if (!parse_count(optarg, &n) || n == 0 || n > 64) {
				fprintf(stderr, "tcpladder ingest: -j wants 1 to 64 workers, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			jobs = (int)n;
			break;
		case 'q': cli.verbosity = 0; break;
		case 'v': cli.verbosity = 2; break;
		case 'h': fputs(cmd_ingest_usage, stdout); return EXIT_OK;
		case OPT_IDLE:
			if (!parse_count(optarg, &n) || n == 0 || n > 1000000000ULL) {
				fprintf(stderr, "tcpladder ingest: --idle-timeout wants seconds, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			cli.opt.limits.idle_timeout_ns = (int64_t)n * 1000000000LL;
			break;
		case OPT_MAX_FLOWS:
			if (!parse_count(optarg, &n) || n == 0) {
				fprintf(stderr, "tcpladder ingest: --max-flows wants a positive count, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			cli.opt.limits.max_flows = (size_t)n;
			break;
		case OPT_TUNNEL_PORT: {
			char why[256];
			if (decode_config_add_port(&cli.opt.decode, optarg, why, sizeof why)) {
				fprintf(stderr, "tcpladder ingest: --tunnel-port: %s\n", why);
				return EXIT_USAGE;
			}
			break;
		}
		case OPT_JOIN: join = true; break;
		case OPT_NAME:
			if (!optarg[0]) {
				fprintf(stderr, "tcpladder ingest: --name wants a label\n");
				return EXIT_USAGE;
			}
			cli.opt.name = optarg;
			break;
		case OPT_REPLACE: cli.opt.replace = true; break;
		case OPT_VANTAGE:
			if (!vantage_name_ok(optarg)) {
				fprintf(stderr, "tcpladder ingest: --vantage wants a name of letters,"
				                " digits, '-', '_' and '.' (at most 64), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			cli.opt.vantage = optarg;
			break;
		default:
			fputs("Try 'tcpladder ingest --help' for its options.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (join && jobs > 1) {
		fprintf(stderr, "tcpladder ingest: --join reads one capture, which -j cannot share"
		                " among workers\n");
		return EXIT_USAGE;
	}
	/* One label names one capture: stdin's, or the joined ring's. */
	if (cli.opt.name && !join && (argc - optind != 1 || strcmp(argv[optind], "-") != 0)) {
		fprintf(stderr, "tcpladder ingest: --name labels the capture read from stdin"
		                " (ingest --name LABEL -) or a joined one (--join)\n");
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "tcpladder ingest: no capture given\n");
		fputs("Try 'tcpladder ingest --help' for its options.\n", stderr);
		return EXIT_USAGE;
	}
	char err[512];
	if (cli.opt.bpf && !capture_filter_is_valid(cli.opt.bpf, err, sizeof err)) {
		fprintf(stderr, "tcpladder ingest: bad filter -f '%s': %s; the syntax is tcpdump's"
		                " (man 7 pcap-filter), e.g. -f 'tcp port 443'\n", cli.opt.bpf, err);
		return EXIT_USAGE;
	}
	if (!cli_db_writable("tcpladder ingest", db_path, stderr))
		return EXIT_SOME_FAILED;
	if (jobs > 1) {
		watch_start(&cli, jobs, argv + optind, argc - optind);
		int status = ingest_parallel(&cli, db_path, jobs, optind, argc, argv);
		ingest_tally_free(cli.watch.tally);
		return status;
	}
	cli.db = db_open(db_path, err, sizeof err);
	if (!cli.db) {
		cli_db_open_failed("tcpladder ingest", db_path, err, stderr);
		return EXIT_SOME_FAILED;
	}
	watch_start(&cli, 1, argv + optind, argc - optind);
	say_upgrade(&cli, db_path);
	if (join)
		ingest_joined(&cli, optind, argc, argv);
	else
		ingest_inputs(&cli, optind, argc, argv);
	db_leave_readable(cli.db);
	db_close(cli.db);
	ingest_watch_clear(&cli.watch);
	ingest_tally_free(cli.watch.tally);

	/* The summary goes to cron's mail and CI's logs too: -q silences it. */
	struct totals *t = &cli.totals;
	if (cli.verbosity > 0)
		fprintf(stderr,
		        "tcpladder: %u captures read into %s (%llu packets, %llu TCP, "
		        "%llu connections); %u already there, %u partly read, %u failed\n",
		        t->captures, db_path, t->packets, t->tcp_packets, t->flows,
		        t->duplicates, t->partial, t->failed);
	return status_of(t);
}
