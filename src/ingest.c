/* ingest: see ingest.h. One capture file (or stdin): what is stored
 * already decides first (a duplicate, a clash, a capture to replace),
 * then the file is read through the run (ingest_run.c) and stored in one
 * transaction; the same rules again once the content's hash is known,
 * when it was computed while reading. */
#include "ingest.h"
#include "ingest_internal.h"

#include "db_pair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

/* Files at least this big are hashed on a thread of their own while being
 * read (dedup.h); starting it costs about half a millisecond. */
enum { HASH_ALONGSIDE_BYTES = 4 << 20 };

void ingest_default_options(struct ingest_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->limits.close_delay_ns = FLOW_DEFAULT_CLOSE_DELAY_NS;
	opt->limits.idle_timeout_ns = FLOW_DEFAULT_IDLE_TIMEOUT_NS;
	opt->limits.max_flows = FLOW_DEFAULT_MAX_FLOWS;
	defrag_default_limits(&opt->defrag);
}

static bool fatal(struct db *db, struct ingest_result *r)
{
	r->outcome = INGEST_FATAL;
	snprintf(r->error, sizeof r->error, "database: %s", db_error(db));
	return true;
}

static bool same_filter(const struct db_stored_capture *c, const char *bpf)
{
	return c->has_filter ? bpf && strcmp(c->filter, bpf) == 0 : bpf == NULL;
}

static void describe_filter(char *buf, size_t len, bool has, const char *filter)
{
	if (has)
		snprintf(buf, len, "with the filter '%.120s'", filter);
	else
		snprintf(buf, len, "without a filter");
}

/* Stored with another filter: the stored rows hold other packets of the
 * same content, and neither reading is what the user asked for twice. */
static bool refuse_other_filter(const struct db_stored_capture *c, const char *bpf,
                                struct ingest_result *r)
{
	char stored[190], asked[190];
	describe_filter(stored, sizeof stored, c->has_filter, c->filter);
	describe_filter(asked, sizeof asked, bpf != NULL, bpf);
	r->outcome = INGEST_REFUSED;
	r->capture_id = c->id;
	snprintf(r->error, sizeof r->error,
	         "this content is capture %lld already, read %s; this ingest reads it %s;"
	         " ingest --replace reads it again this way in its place",
	         (long long)c->id, stored, asked);
	return true;
}

bool settled_by_store(struct db *db, const struct ingest_options *opt, const char *sha,
                      struct ingest_result *r, struct run *run)
{
	enum db_capture_known known;
	int64_t id;
	if (db_capture_known(db, sha, &known, &id))
		return fatal(db, r);
	if (known == DB_CAPTURE_FAILED)
		return db_capture_forget(db, id) ? fatal(db, r) : false;
	if (known == DB_CAPTURE_PRESENT) {
		struct db_stored_capture c;
		bool found;
		if (db_capture_get(db, id, &c, &found))
			return fatal(db, r);
		if (opt->replace)
			return run && run_replaces(run, id) ? fatal(db, r) : false;
		if (!same_filter(&c, opt->bpf))
			return refuse_other_filter(&c, opt->bpf, r);
		if (opt->vantage) {
			/* The same packets cannot have passed two taps' clocks
			 * (VANTAGE.md): another name is a mistake, said, and
			 * nothing changes. */
			char stored[256];
			bool tagged;
			if (db_capture_vantage(db, id, stored, sizeof stored, &tagged))
				return fatal(db, r);
			if (!tagged || strcmp(stored, opt->vantage) != 0) {
				r->outcome = INGEST_REFUSED;
				r->capture_id = id;
				if (tagged)
					snprintf(r->error, sizeof r->error,
					         "this content is capture %lld already, at vantage '%.100s';"
					         " this ingest names it '%.100s'", (long long)id,
					         stored, opt->vantage);
				else
					snprintf(r->error, sizeof r->error,
					         "this content is capture %lld already, with no vantage;"
					         " ingest --replace --vantage %.100s reads it again with one",
					         (long long)id, opt->vantage);
				return true;
			}
		}
		r->outcome = INGEST_DUPLICATE;
		r->capture_id = id;
		return true;
	}
	/* A file read before as part of a ring holds the same packets. */
	int64_t owner, number;
	bool found;
	if (db_capture_file_owner(db, sha, &owner, &number, &found))
		return fatal(db, r);
	if (!found)
		return false;
	if (opt->replace)
		return run && run_replaces(run, owner) ? fatal(db, r) : false;
	r->outcome = INGEST_REFUSED;
	r->capture_id = owner;
	snprintf(r->error, sizeof r->error,
	         "this content is file %lld of capture %lld, joined from a ring of files;"
	         " ingest --replace reads it alone in that capture's place, or"
	         " tcpladder forget %lld removes that capture", (long long)number,
	         (long long)owner, (long long)owner);
	return true;
}

/* Record a capture nothing could be read from, so that the database says
 * what was tried and why it failed. */
static void record_failure(struct db *db, const struct ingest_options *opt,
                           const char *path, const char *sha, struct ingest_result *r)
{
	r->outcome = INGEST_FAILED;
	if (!sha)
		return; /* stdin that could not be opened: nothing to key it by */
	int64_t capture_id, flow_id;
	struct db_capture_row row = {.path = path, .sha256_hex = sha,
	                             .linktype = -1, .status = "failed",
	                             .error = r->error, .filter = opt->bpf};
	if (db_begin(db) || db_next_ids(db, &capture_id, &flow_id))
		goto fatal;
	row.id = capture_id;
	if (db_insert_capture(db, &row) || db_commit(db))
		goto fatal;
	r->capture_id = capture_id;
	return;
fatal:
	db_rollback(db);
	fatal(db, r);
}

/* The content's hash, from wherever it is being computed: the dedup
 * thread, the stdin stream as read, or (without a thread) the pass made
 * before opening. 0, or -1 with err filled. */
struct content {
	bool from_stdin;
	struct dedup *dedup;    /* NULL once finished, or when never started */
	char sha[CAPTURE_SHA256_HEX];
};

static int content_hash(struct content *c, struct capture *cap, char *err,
                        size_t errlen)
{
	if (c->dedup) {
		struct dedup *d = c->dedup;
		c->dedup = NULL;
		return dedup_finish(d, c->sha, err, errlen);
	}
	if (c->from_stdin)
		return cap ? capture_finish_hash(cap, c->sha, err, errlen) : -1;
	return c->sha[0] ? 0 : -1;
}

/* The path a capture is stored under: stdin's is its --name, else
 * "stdin-" and the first 12 hex digits of its content's hash. */
static const char *stored_path(const struct ingest_options *opt, const char *path,
                               const struct content *c, char *buf, size_t len)
{
	if (!c->from_stdin)
		return path;
	if (opt->name)
		return opt->name;
	snprintf(buf, len, "stdin-%.12s", c->sha);
	return buf;
}

/* A capture that could not be read: recorded under its hash unless its
 * content is in already (or it has no hash: unreadable, or stdin that
 * never opened). */
static void give_up(struct db *db, const struct ingest_options *opt, const char *path,
                    struct content *c, struct capture *cap, struct ingest_result *r)
{
	char err[256], name[64];
	if (content_hash(c, cap, err, sizeof err)) {
		if (!c->from_stdin && cap == NULL)
			snprintf(r->error, sizeof r->error, "%s", err);
		r->outcome = INGEST_FAILED;
		return;
	}
	struct ingest_result seen = {0};
	if (settled_by_store(db, opt, c->sha, &seen, NULL)) {
		*r = seen;
		return;
	}
	record_failure(db, opt, stored_path(opt, path, c, name, sizeof name), c->sha, r);
}

void ingest_capture(struct db *db, const struct ingest_options *opt,
                    const char *path, struct ingest_result *result)
{
	memset(result, 0, sizeof *result);
	struct content content = {.from_stdin = strcmp(path, "-") == 0};
	bool from_stdin = content.from_stdin;
	char *sha = content.sha;
	char err[PCAP_ERRBUF_SIZE + 64];

	if (!from_stdin) {
		/* A thread pays for itself on a big file only; a small one is
		 * hashed first, which also spares ingesting it when it is in. */
		struct stat st;
		if (stat(path, &st) == 0 && st.st_size >= HASH_ALONGSIDE_BYTES)
			content.dedup = dedup_start(path);
		if (!content.dedup) {
			if (capture_hash_file(path, sha, err, sizeof err)) {
				snprintf(result->error, sizeof result->error, "%s", err);
				result->outcome = INGEST_FAILED;
				return; /* unreadable: no content to record it by */
			}
			if (settled_by_store(db, opt, sha, result, NULL))
				return;
		}
	}
	struct capture *cap = capture_open(path, from_stdin, err, sizeof err);
	if (!cap) {
		snprintf(result->error, sizeof result->error, "%s", err);
		give_up(db, opt, path, &content, NULL, result);
		return;
	}
	/* Classic pcap has one link type; pcapng's are per interface, and a
	 * packet of a type we cannot decode is passed over like ARP. */
	int dlt = capture_linktype(cap);
	if (dlt >= 0 && !decode_link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(result->error, sizeof result->error,
		         "unsupported link type %d (%s)", dlt, name ? name : "unknown");
		give_up(db, opt, path, &content, cap, result);
		capture_close(cap);
		return;
	}
	if (opt->bpf && capture_set_filter(cap, opt->bpf, err, sizeof err)) {
		snprintf(result->error, sizeof result->error, "filter: %s", err);
		content_hash(&content, cap, err, sizeof err);
		capture_close(cap);
		result->outcome = INGEST_FAILED;
		return;
	}

	uint64_t seed = 0x5eed;
	if (getrandom(&seed, sizeof seed, 0) != sizeof seed)
		seed ^= (uint64_t)(uintptr_t)result;
	struct run run = {.dedup = content.dedup};
	if (run_start(&run, db, opt, result, seed))
		goto out;
	bool whole = run_read(&run, cap, path, 0);
	if (run_drain(&run)) {
		run_abandon(&run);
		result->outcome = INGEST_FATAL;
		goto out;
	}

	/* Only now is the content known for certain (hashed alongside, or as
	 * stdin streamed by); the rows go if it is settled already. The
	 * captures it replaces are found again, inside this transaction. */
	if (content_hash(&content, cap, err, sizeof err)) {
		snprintf(result->error, sizeof result->error, "%s", err);
		run_abandon(&run);
		result->outcome = INGEST_FAILED;
		goto out;
	}
	if (settled_by_store(db, opt, sha, result, &run)) {
		run_abandon(&run);
		if (result->outcome == INGEST_DUPLICATE || result->outcome == INGEST_REFUSED) {
			/* nothing of this reading stays but why */
			struct ingest_result why = {.outcome = result->outcome,
			                            .capture_id = result->capture_id};
			memcpy(why.error, result->error, sizeof why.error);
			*result = why;
		}
		goto out;
	}
	char name[64];
	const char *stored = stored_path(opt, path, &content, name, sizeof name);
	struct run_store store = {.path = stored, .sha256_hex = sha,
	                          .linktype = capture_linktype(cap), .whole = whole};
	run_store(&run, &store);
out:
	if (content.dedup)
		content_hash(&content, cap, err, sizeof err);
	run_free(&run);
	capture_close(cap);
}
