/* diff_tshark: tcpladder's analysis flags and connections against tshark's,
 * capture by capture, segment by segment.
 *
 *   diff_tshark [-v] TCPLADDER DIR...
 *
 * Ingests every capture under the DIRs (a DIR that does not exist is
 * skipped with a message) with the TCPLADDER binary into a scratch
 * database, runs tshark on each capture, and joins tshark's frame number,
 * tcp.stream and tcp.analysis.* fields with our segments by frame. For
 * each flag it prints the segments flagged by both tools, by tshark only
 * and by us only, and the agreement: both / (both + tshark only + us
 * only), the share of flagged segments on which the tools agree (segments
 * neither flags would make every flag look perfect). A disagreement on a
 * segment tshark marks malformed (it gave up on it part way, perhaps before
 * its analysis) is counted apart; so are disagreements in a flow that goes
 * on after one of our explained splits (close delay, idle timeout), "after
 * split", since tshark's flags there come from history the split left behind;
 * -v lists both. It then compares the
 * connections: tshark's tcp.stream count against our flows, explaining
 * each difference by the classes docs/analysis.md documents (IP fragments,
 * packets we reject as malformed, our close-delay and idle-timeout splits,
 * tshark's split at any SYN with a new ISN). Flags tshark alone sets in a
 * stream from a SYN with a new ISN on (its reused_ports SYN,ACK), where it
 * goes on from the old numbers and tcpladder starts from the new ISN
 * (docs/analysis.md, "A SYN's number is a fresh ISN"), are counted apart
 * and left out of the agreement.
 *
 * Exit status: 0 when the agreement on retransmission, duplicate ACK, zero
 * window, keep-alive and window update is at least 99% and every
 * connection-count difference is explained; 1 otherwise; 2 on usage or
 * when it cannot run (no tshark: the Makefile only calls it when tshark is
 * installed). -v lists every disagreement (capture, frame, flag, who set
 * it), which is what docs/analysis.md's examples come from. */
#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The flags compared, in the order of their bits in analysis_flags; the
 * gated ones are the five. */
static const struct {
	const char *name;
	uint32_t bit;
	bool gated;
} flags[] = {
	{"retransmission", 1, true},
	{"fast_retransmission", 2, false},
	{"spurious_retransmission", 4, false},
	{"out_of_order", 8, false},
	{"lost_segment", 16, false},
	{"duplicate_ack", 32, true},
	{"ack_lost_segment", 64, false},
	{"zero_window", 128, true},
	{"zero_window_probe", 256, false},
	{"window_full", 512, false},
	{"window_update", 1024, true},
	{"keep_alive", 2048, true},
	{"keep_alive_ack", 4096, false},
	{"reused_ports", 8192, false},
	{"zero_window_probe_ack", 16384, false},
};
enum { NFLAGS = sizeof flags / sizeof flags[0], REUSED_PORTS = 13 };
#define GATE_PERCENT 99.0
/* tcpladder's defaults (flow.h): a finished connection leaves memory this
 * long after its last segment, any other after the idle timeout. */
#define CLOSE_DELAY_NS (5 * 1000000000LL)
#define IDLE_TIMEOUT_NS (300 * 1000000000LL)

/* Columns asked of tshark, in this order, then one per flag. */
enum { T_FRAME, T_STREAM, T_DUPNUM, T_FRAG4, T_MF, T_FRAG6, T_TCPFLAGS, T_MALFORMED, T_FLAGS0 };

struct ours {
	bool present;
	int64_t flow;
	uint32_t analysis;
	int64_t dupack;
};

struct flowinfo {
	int64_t id, first_ns, last_ns;
	bool finished;
};

struct pair {
	int64_t stream, flow;
	long long first_frame; /* the pair's first joined frame */
};

struct totals {
	long long both[NFLAGS], tshark_only[NFLAGS], us_only[NFLAGS];
	/* Disagreements in a flow that continues a tshark stream after one of
	 * the splits docs/analysis.md explains: tshark's flags there come from
	 * history the split left behind. Counted apart, not as misses. */
	long long after_split[NFLAGS];
	long long after_new_isn[NFLAGS]; /* tshark only, after a new ISN */
	long long dup_equal, dup_differ, joined, tshark_frames_only, ours_only;
	long long streams, flows;
	long long tshark_malformed_frames; /* joined, that tshark marks malformed */
	long long on_malformed[NFLAGS]; /* disagreements on those */
	long long fragment_streams, malformed_streams, close_delay_splits,
		idle_splits, new_isn_splits, unexplained;
};

static bool verbose;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "diff_tshark: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("%s", "out of memory");
	return p;
}

/* Run argv with stdout to a pipe and stderr to /dev/null. */
static FILE *spawn(char *const argv[], pid_t *pid)
{
	int fd[2];
	if (pipe(fd))
		die("pipe: %s", strerror(errno));
	*pid = fork();
	if (*pid < 0)
		die("fork: %s", strerror(errno));
	if (*pid == 0) {
		dup2(fd[1], 1);
		FILE *null = freopen("/dev/null", "w", stderr);
		(void)null;
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	return fdopen(fd[0], "r");
}

static int finish(FILE *f, pid_t pid)
{
	fclose(f);
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Split a tab-separated line in place; returns the number of fields. */
static int split_tabs(char *line, char **field, int max)
{
	int n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		field[n++] = line;
		char *tab = strchr(line, '\t');
		if (!tab)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("%s", sqlite3_errmsg(db));
	return st;
}

static struct ours *load_ours(sqlite3 *db, int64_t capture, long long frames)
{
	struct ours *o = xcalloc((size_t)frames + 1, sizeof *o);
	sqlite3_stmt *st = prepare(db,
		"SELECT s.frame, s.flow_id, s.analysis, IFNULL(s.dupack_num, 0)"
		" FROM segments s JOIN flows f ON f.id = s.flow_id WHERE f.capture_id = ?1");
	sqlite3_bind_int64(st, 1, capture);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long frame = sqlite3_column_int64(st, 0);
		if (frame < 1 || frame > frames)
			continue;
		o[frame] = (struct ours){true, sqlite3_column_int64(st, 1),
		                         (uint32_t)sqlite3_column_int64(st, 2),
		                         sqlite3_column_int64(st, 3)};
	}
	sqlite3_finalize(st);
	return o;
}

/* A flow is finished (and so leaves memory after the close delay) when it
 * was reset, an endpoint ended CLOSED or TIME_WAIT, or both sent a FIN:
 * tcpst_is_finished's rule, read back from the database. */
static struct flowinfo *load_flows(sqlite3 *db, int64_t capture, int *n)
{
	sqlite3_stmt *st = prepare(db,
		"SELECT f.id, f.first_ts_ns, f.last_ts_ns,"
		" EXISTS (SELECT 1 FROM segments s WHERE s.flow_id = f.id AND s.flags & 4)"
		" OR f.client_state IN (1, 11) OR f.server_state IN (1, 11)"
		" OR ((SELECT count(DISTINCT from_client) FROM segments s"
		"      WHERE s.flow_id = f.id AND s.flags & 1) = 2)"
		" FROM flows f WHERE f.capture_id = ?1 ORDER BY f.id");
	sqlite3_bind_int64(st, 1, capture);
	int cap = 16;
	struct flowinfo *v = xcalloc((size_t)cap, sizeof *v);
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap *= 2;
			v = realloc(v, (size_t)cap * sizeof *v);
			if (!v)
				die("%s", "out of memory");
		}
		v[(*n)++] = (struct flowinfo){sqlite3_column_int64(st, 0),
		                              sqlite3_column_int64(st, 1),
		                              sqlite3_column_int64(st, 2),
		                              sqlite3_column_int(st, 3) != 0};
	}
	sqlite3_finalize(st);
	return v;
}

static const struct flowinfo *find_flow(const struct flowinfo *v, int n, int64_t id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (v[mid].id == id)
			return &v[mid];
		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static int by_stream(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->stream != y->stream)
		return x->stream < y->stream ? -1 : 1;
	return (x->first_frame > y->first_frame) - (x->first_frame < y->first_frame);
}

static int by_flow(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->flow != y->flow)
		return x->flow < y->flow ? -1 : 1;
	return (x->first_frame > y->first_frame) - (x->first_frame < y->first_frame);
}

/* Per stream seen in tshark's output: did any of its frames join ours,
 * and were its other frames fragments? */
struct stream_seen {
	bool joined, any_fragment, any_other;
	unsigned first_tcpflags;
	bool new_isn; /* tshark flagged a SYN of it reused_ports */
};

static void note(const char *capture, const char *what, long long frame,
                 const char *detail)
{
	if (verbose)
		printf("  %s frame %lld: %s%s%s\n", capture, frame, what,
		       detail ? ": " : "", detail ? detail : "");
}

static void compare_capture(sqlite3 *db, int64_t capture, const char *path,
                            long long frames, long long bad_packets,
                            struct totals *t)
{
	const char *name = base_name(path);
	struct ours *o = load_ours(db, capture, frames);
	int nflows;
	struct flowinfo *fl = load_flows(db, capture, &nflows);

	char *argv[64];
	int a = 0;
	argv[a++] = "tshark";
	argv[a++] = "-n";
	argv[a++] = "-r";
	argv[a++] = (char *)path;
	argv[a++] = "-Y";
	argv[a++] = "tcp";
	argv[a++] = "-T";
	argv[a++] = "fields";
	argv[a++] = "-E";
	argv[a++] = "separator=/t";
	argv[a++] = "-E";
	argv[a++] = "occurrence=f";
	static const char *const cols[] = {
		"frame.number", "tcp.stream", "tcp.analysis.duplicate_ack_num",
		"ip.frag_offset", "ip.flags.mf", "ipv6.fraghdr.ident", "tcp.flags",
		"_ws.malformed",
	};
	static char fieldnames[NFLAGS][64];
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		argv[a++] = "-e";
		argv[a++] = (char *)cols[i];
	}
	for (int i = 0; i < NFLAGS; i++) {
		snprintf(fieldnames[i], sizeof fieldnames[i], "tcp.analysis.%s", flags[i].name);
		argv[a++] = "-e";
		argv[a++] = fieldnames[i];
	}
	argv[a] = NULL;

	pid_t pid;
	FILE *in = spawn(argv, &pid);
	size_t npairs = 0, cap_pairs = 64, nstreams = 0;
	struct pair *pairs = xcalloc(cap_pairs, sizeof *pairs);
	struct stream_seen *streams = NULL;
	bool *listed = xcalloc((size_t)frames + 1, sizeof *listed);
	struct disagreement {
		long long frame;
		int64_t flow;
		int flag;
		bool theirs;
		bool after_new_isn; /* tshark's, in its stream after a new ISN */
		bool tshark_malformed; /* on a segment tshark gave up on */
	} *dis = NULL;
	size_t ndis = 0, cap_dis = 0;
	char line[4096];
	while (fgets(line, sizeof line, in)) {
		char *f[T_FLAGS0 + NFLAGS];
		if (split_tabs(line, f, T_FLAGS0 + NFLAGS) < T_FLAGS0 + NFLAGS || !*f[T_STREAM])
			continue; /* a TCP header tshark did not analyse */
		long long frame = atoll(f[T_FRAME]);
		int64_t stream = atoll(f[T_STREAM]);
		if (frame >= 1 && frame <= frames)
			listed[frame] = true;
		if (stream < 0 || stream > 10000000)
			continue;
		if ((size_t)stream >= nstreams) {
			size_t n = (size_t)stream + 1;
			streams = realloc(streams, n * sizeof *streams);
			if (!streams)
				die("%s", "out of memory");
			memset(streams + nstreams, 0, (n - nstreams) * sizeof *streams);
			for (size_t i = nstreams; i < n; i++)
				streams[i].first_tcpflags = ~0u;
			nstreams = n;
		}
		struct stream_seen *ss = &streams[stream];
		if (ss->first_tcpflags == ~0u)
			ss->first_tcpflags = (unsigned)strtoul(f[T_TCPFLAGS], NULL, 16);
		bool fragment = (*f[T_FRAG4] && atoll(f[T_FRAG4]) > 0) ||
		                (*f[T_MF] && atoi(f[T_MF]) != 0) || *f[T_FRAG6];
		const struct ours *x = frame >= 1 && frame <= frames ? &o[frame] : NULL;
		if (!x || !x->present) {
			t->tshark_frames_only++;
			if (fragment)
				ss->any_fragment = true;
			else
				ss->any_other = true;
			note(name, "only tshark has this TCP segment", frame,
			     fragment ? "IP fragment" : NULL);
			continue;
		}
		ss->joined = true;
		t->joined++;
		/* A segment tshark gave up on part way (its header cut short
		 * in tshark's reading, an exception) may lack the analysis
		 * tshark would have given it: a disagreement there is counted
		 * apart. */
		bool tshark_gave_up = *f[T_MALFORMED] != '\0';
		if (tshark_gave_up)
			t->tshark_malformed_frames++;
		if ((strtoul(f[T_TCPFLAGS], NULL, 16) & 0x02) && *f[T_FLAGS0 + REUSED_PORTS])
			ss->new_isn = true;
		for (int i = 0; i < NFLAGS; i++) {
			bool theirs = *f[T_FLAGS0 + i] != '\0';
			bool mine = x->analysis & flags[i].bit;
			if (theirs && mine) {
				t->both[i]++;
			} else if (theirs || mine) {
				if (ndis == cap_dis) {
					cap_dis = cap_dis ? 2 * cap_dis : 16;
					dis = realloc(dis, cap_dis * sizeof *dis);
					if (!dis)
						die("%s", "out of memory");
				}
				dis[ndis++] = (struct disagreement){frame, x->flow, i, theirs,
				                                    theirs && ss->new_isn,
				                                    tshark_gave_up};
			}
		}
		if (*f[T_DUPNUM] && (x->analysis & 32)) {
			if (atoll(f[T_DUPNUM]) == x->dupack)
				t->dup_equal++;
			else {
				t->dup_differ++;
				note(name, "duplicate_ack number", frame, f[T_DUPNUM]);
			}
		}
		/* One pair per (stream, flow), with its first frame. */
		size_t k;
		for (k = npairs; k > 0; k--)
			if (pairs[k - 1].stream == stream && pairs[k - 1].flow == x->flow)
				break;
		if (k == 0) {
			if (npairs == cap_pairs) {
				cap_pairs *= 2;
				pairs = realloc(pairs, cap_pairs * sizeof *pairs);
				if (!pairs)
					die("%s", "out of memory");
			}
			pairs[npairs++] = (struct pair){stream, x->flow, frame};
		}
	}
	/* tshark exits non-zero on the corpus's damaged files after
	 * printing what it read; without any line it did not run at all. */
	int status = finish(in, pid);
	if (status < 0 || status == 127)
		die("cannot run tshark on %s", path);

	/* Connections. Streams none of whose frames we have. */
	long long streams_here = 0;
	for (size_t s = 0; s < nstreams; s++) {
		const struct stream_seen *ss = &streams[s];
		if (!ss->joined && !ss->any_fragment && !ss->any_other)
			continue; /* an index tshark skipped */
		streams_here++;
		if (ss->joined)
			continue;
		if (ss->any_fragment && !ss->any_other) {
			t->fragment_streams++;
			printf("  %s: tshark stream %zu is IP fragments only, of datagrams"
			       " tcpladder gave up (captures.frag_incomplete)\n", name, s);
		} else if (bad_packets > 0) {
			t->malformed_streams++;
			printf("  %s: tshark stream %zu is packets tcpladder counts as"
			       " malformed\n", name, s);
		} else {
			t->unexplained++;
			printf("  %s: tshark stream %zu: none of its segments is ours"
			       " (unexplained)\n", name, s);
		}
	}
	/* One stream, several of our flows: we split it. */
	qsort(pairs, npairs, sizeof *pairs, by_stream);
	for (size_t i = 1; i < npairs; i++) {
		if (pairs[i].stream != pairs[i - 1].stream)
			continue;
		const struct flowinfo *prev = find_flow(fl, nflows, pairs[i - 1].flow);
		const struct flowinfo *next = find_flow(fl, nflows, pairs[i].flow);
		int64_t quiet = prev && next ? next->first_ns - prev->last_ns : 0;
		const char *why;
		bool explained = true;
		if (prev && prev->finished && quiet >= CLOSE_DELAY_NS) {
			t->close_delay_splits++;
			why = "after the close delay";
		} else if (quiet >= IDLE_TIMEOUT_NS) {
			t->idle_splits++;
			why = "after the idle timeout";
		} else {
			t->unexplained++;
			why = "unexplained";
			explained = false;
		}
		/* The flags of the flow that goes on after an explained
		 * split are its own history's. */
		for (size_t d = 0; d < ndis && explained; d++)
			if (dis[d].flow == pairs[i].flow)
				dis[d].flow = -1 - dis[d].flow;
		printf("  %s: tshark stream %lld is tcpladder flows %lld and %lld"
		       " (split at frame %lld, %.1f s later: %s)\n", name,
		       (long long)pairs[i].stream, (long long)pairs[i - 1].flow,
		       (long long)pairs[i].flow, pairs[i].first_frame, quiet / 1e9, why);
	}
	for (size_t d = 0; d < ndis; d++) {
		int i = dis[d].flag;
		const char *who = dis[d].theirs ? "tshark only" : "tcpladder only";
		if (dis[d].flow < 0) {
			t->after_split[i]++;
			char detail[64];
			snprintf(detail, sizeof detail, "%s, in a flow after a split", who);
			note(name, flags[i].name, dis[d].frame, detail);
		} else if (dis[d].tshark_malformed) {
			t->on_malformed[i]++;
			char detail[80];
			snprintf(detail, sizeof detail, "%s, on a segment tshark marks malformed", who);
			note(name, flags[i].name, dis[d].frame, detail);
		} else if (dis[d].after_new_isn) {
			t->after_new_isn[i]++;
			note(name, flags[i].name, dis[d].frame, "tshark only, after a new ISN");
		} else if (dis[d].theirs) {
			t->tshark_only[i]++;
			note(name, flags[i].name, dis[d].frame, who);
		} else {
			t->us_only[i]++;
			note(name, flags[i].name, dis[d].frame, who);
		}
	}
	free(dis);
	/* One flow, several streams: tshark split it. */
	qsort(pairs, npairs, sizeof *pairs, by_flow);
	for (size_t i = 1; i < npairs; i++) {
		if (pairs[i].flow != pairs[i - 1].flow)
			continue;
		unsigned fl0 = streams[pairs[i].stream].first_tcpflags;
		bool bare_syn = (fl0 & 0x12) == 0x02;
		if (bare_syn)
			t->new_isn_splits++;
		else
			t->unexplained++;
		printf("  %s: tcpladder flow %lld is tshark streams %lld and %lld"
		       " (split at frame %lld: %s)\n", name, (long long)pairs[i].flow,
		       (long long)pairs[i - 1].stream, (long long)pairs[i].stream,
		       pairs[i].first_frame,
		       bare_syn ? "a SYN with a new ISN in a connection still open"
		                : "unexplained");
	}
	/* Segments of ours tshark did not list as TCP. */
	for (long long fr = 1; fr <= frames; fr++) {
		if (o[fr].present && !listed[fr]) {
			t->ours_only++;
			note(name, "only tcpladder has this TCP segment", fr, NULL);
		}
	}
	free(listed);
	t->streams += streams_here;
	t->flows += nflows;
	free(pairs);
	free(streams);
	free(fl);
	free(o);
}

static int ingest(const char *tcpladder, const char *db, char **dirs, int ndirs)
{
	char *argv[64];
	int a = 0;
	argv[a++] = (char *)tcpladder;
	argv[a++] = "ingest";
	argv[a++] = "-q";
	argv[a++] = "-d";
	argv[a++] = (char *)db;
	for (int i = 0; i < ndirs && a < 62; i++)
		argv[a++] = dirs[i];
	argv[a] = NULL;
	pid_t pid;
	FILE *out = spawn(argv, &pid);
	char buf[512];
	while (fgets(buf, sizeof buf, out))
		;
	/* 1: some captures are broken on purpose. */
	return finish(out, pid);
}

static double percent(long long agree, long long total)
{
	return total ? 100.0 * (double)agree / (double)total : 100.0;
}

int main(int argc, char **argv)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "-v") == 0) {
		verbose = true;
		i++;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: diff_tshark [-v] TCPLADDER DIR...\n");
		return 2;
	}
	const char *tcpladder = argv[i++];
	char *dirs[64];
	int ndirs = 0;
	for (; i < argc && ndirs < 64; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			printf("diff_tshark: %s not found; its captures are not compared\n", argv[i]);
			continue;
		}
		dirs[ndirs++] = argv[i];
	}
	if (ndirs == 0)
		die("%s", "nothing to compare");

	char dir[] = "/tmp/tcpladder-diff.XXXXXX", db_path[64];
	if (!mkdtemp(dir))
		die("mkdtemp: %s", strerror(errno));
	snprintf(db_path, sizeof db_path, "%s/diff.db", dir);
	int rc = ingest(tcpladder, db_path, dirs, ndirs);
	if (rc != 0 && rc != 1)
		die("%s ingest failed", tcpladder);

	sqlite3 *db;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("cannot open %s", db_path);
	struct totals t = {0};
	long long captures = 0;
	if (verbose)
		printf("Disagreements and segments only one tool has:\n");
	sqlite3_stmt *caps = prepare(db, "SELECT id, path, packets, bad_packets FROM captures"
	                                 " WHERE status != 'failed' ORDER BY path");
	while (sqlite3_step(caps) == SQLITE_ROW) {
		captures++;
		compare_capture(db, sqlite3_column_int64(caps, 0),
		                (const char *)sqlite3_column_text(caps, 1),
		                sqlite3_column_int64(caps, 2), sqlite3_column_int64(caps, 3), &t);
	}
	sqlite3_finalize(caps);
	sqlite3_close(db);
	unlink(db_path);
	char wal[80];
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", db_path);
	unlink(wal);
	rmdir(dir);

	printf("\ntcpladder against tshark: %lld captures, %lld TCP segments joined by frame"
	       " (%lld only tshark's, %lld only ours; %lld that tshark marks malformed)\n",
	       captures, t.joined, t.tshark_frames_only, t.ours_only, t.tshark_malformed_frames);
	printf("%-24s %7s %12s %8s %10s %12s\n", "flag", "both", "tshark only", "us only",
	       "agreement", "after split");
	bool ok = true;
	for (int k = 0; k < NFLAGS; k++) {
		long long total = t.both[k] + t.tshark_only[k] + t.us_only[k];
		double p = percent(t.both[k], total);
		bool fail = flags[k].gated && p < GATE_PERCENT;
		ok = ok && !fail;
		printf("%-24s %7lld %12lld %8lld %9.2f%% %12lld%s\n", flags[k].name, t.both[k],
		       t.tshark_only[k], t.us_only[k], p, t.after_split[k],
		       fail ? "  BELOW 99%" : flags[k].gated ? "  (gated at 99%)" : "");
	}
	long long after = 0;
	for (int k = 0; k < NFLAGS; k++)
		after += t.after_new_isn[k];
	printf("tshark only, after a SYN with a new ISN (apart from the above):");
	for (int k = 0; k < NFLAGS; k++)
		if (t.after_new_isn[k])
			printf(" %s %lld", flags[k].name, t.after_new_isn[k]);
	printf("%s\n", after ? "" : " none");
	long long malformed = 0;
	for (int k = 0; k < NFLAGS; k++)
		malformed += t.on_malformed[k];
	printf("on a segment tshark marks malformed (apart from the above):");
	for (int k = 0; k < NFLAGS; k++)
		if (t.on_malformed[k])
			printf(" %s %lld", flags[k].name, t.on_malformed[k]);
	printf("%s\n", malformed ? "" : " none");
	printf("duplicate_ack numbers: %lld equal, %lld differ\n", t.dup_equal, t.dup_differ);
	long long explained = t.fragment_streams + t.malformed_streams - t.close_delay_splits -
	                      t.idle_splits + t.new_isn_splits;
	printf("connections: %lld tshark tcp.stream, %lld tcpladder flows; explained"
	       " difference %+lld = %lld fragment-only streams + %lld malformed-only streams"
	       " - %lld close-delay splits - %lld idle-timeout splits + %lld tshark new-ISN"
	       " splits; %lld unexplained\n",
	       t.streams, t.flows, explained, t.fragment_streams, t.malformed_streams,
	       t.close_delay_splits, t.idle_splits, t.new_isn_splits, t.unexplained);
	if (t.unexplained || t.streams - t.flows != explained || t.joined == 0)
		ok = false;
	printf("%s\n", ok ? "diff_tshark: ok" : "diff_tshark: FAILED");
	return ok ? 0 : 1;
}
