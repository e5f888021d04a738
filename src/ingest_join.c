/* ingest_join: a ring of files read as one capture (ingest --join), as
 * tcpdump -C/-G/-W and editcap -c leave a long capture. First every file
 * is looked at (its hash, link type and first timestamp), the files put
 * in order of their first timestamps, and the set checked: one link type,
 * no file twice, none stored already as part of another capture. Then
 * the files are read one after another through one run, so connections
 * carry across the files' boundaries and frames count on from one file to
 * the next (as mergecap -a numbers them); a file that starts before the
 * ones read so far have ended overlaps them, and the whole is refused. */
#include "ingest.h"
#include "ingest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* One file of the ring. */
struct member {
	const char *path;
	char sha[CAPTURE_SHA256_HEX];
	int linktype;        /* the file's, or its first packet's (pcapng) */
	bool has_ts;         /* holds a packet */
	int64_t first_ts_ns;
	unsigned given;      /* its place on the command line */
};

static int by_first_packet(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	/* Files without a packet go last: they add nothing but their name. */
	if (x->has_ts != y->has_ts)
		return x->has_ts ? -1 : 1;
	if (x->has_ts && x->first_ts_ns != y->first_ts_ns)
		return x->first_ts_ns < y->first_ts_ns ? -1 : 1;
	return x->given < y->given ? -1 : x->given > y->given;
}

static bool failed(struct ingest_result *r, enum ingest_outcome outcome,
                   const char *fmt_path, const char *why)
{
	r->outcome = outcome;
	snprintf(r->error, sizeof r->error, "%.300s: %.150s", fmt_path, why);
	return false;
}

/* Hash, link type and first stamp of one file. */
static bool look_at(struct member *m, struct ingest_result *r)
{
	char err[PCAP_ERRBUF_SIZE + 64];
	if (capture_hash_file(m->path, m->sha, err, sizeof err))
		return failed(r, INGEST_FAILED, m->path, err);
	struct capture *cap = capture_open(m->path, false, err, sizeof err);
	if (!cap)
		return failed(r, INGEST_FAILED, m->path, err);
	struct capture_packet pkt;
	int rc = capture_next(cap, &pkt);
	m->linktype = capture_linktype(cap);
	if (rc == 1) {
		m->has_ts = true;
		m->first_ts_ns = pkt.ts_ns;
		if (m->linktype < 0)
			m->linktype = pkt.dlt;
	} else if (rc < 0) {
		snprintf(err, sizeof err, "%s", capture_error(cap));
		capture_close(cap);
		return failed(r, INGEST_FAILED, m->path, err);
	}
	capture_close(cap);
	if (m->linktype >= 0 && !decode_link_supported(m->linktype)) {
		const char *name = pcap_datalink_val_to_name(m->linktype);
		snprintf(err, sizeof err, "unsupported link type %d (%s)", m->linktype,
		         name ? name : "unknown");
		return failed(r, INGEST_FAILED, m->path, err);
	}
	return true;
}

static const char *dlt_name(int dlt)
{
	const char *name = dlt >= 0 ? pcap_datalink_val_to_name(dlt) : NULL;
	return name ? name : "unknown";
}

/* One link type, no content twice. */
static bool set_is_one_ring(const struct member *m, unsigned n, struct ingest_result *r)
{
	for (unsigned i = 1; i < n; i++) {
		if (m[i].linktype >= 0 && m[0].linktype >= 0 && m[i].linktype != m[0].linktype) {
			r->outcome = INGEST_REFUSED;
			snprintf(r->error, sizeof r->error,
			         "--join: %.120s has link type %.30s, %.120s has %.30s: not one ring of"
			         " files; mergecap -w merged.pcapng FILES merges them (pcapng keeps"
			         " both link types), then ingest merged.pcapng",
			         m[0].path, dlt_name(m[0].linktype), m[i].path, dlt_name(m[i].linktype));
			return false;
		}
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = i + 1; k < n; k++)
			if (strcmp(m[i].sha, m[k].sha) == 0) {
				r->outcome = INGEST_REFUSED;
				snprintf(r->error, sizeof r->error,
				         "--join: %.150s and %.150s hold the same content; join each"
				         " file once", m[i].path, m[k].path);
				return false;
			}
	return true;
}

/* A file stored already, alone or in another ring, shares its packets
 * with this capture. Refused, unless --replace, which replaces those
 * captures (run is NULL before the read: only checked), or the capture is
 * a partial copy of this one at the same path, which a whole reading
 * replaces. */
static bool members_are_new(struct db *db, const struct ingest_options *opt,
                            const struct member *m, unsigned n, const char *stored,
                            struct ingest_result *r, struct run *run)
{
	for (unsigned i = 0; i < n; i++) {
		enum db_capture_known known;
		int64_t id = 0, number = 0;
		bool in_ring = false;
		if (db_capture_known(db, m[i].sha, &known, &id))
			goto fatal;
		if (known == DB_CAPTURE_NEW &&
		    db_capture_file_owner(db, m[i].sha, &id, &number, &in_ring))
			goto fatal;
		if (known == DB_CAPTURE_NEW && !in_ring)
			continue;
		struct db_stored_capture c;
		bool found;
		if (db_capture_get(db, id, &c, &found))
			goto fatal;
		bool partial_here = found && strcmp(c.status, "partial") == 0 &&
		                    strcmp(c.path, stored) == 0;
		if (opt->replace || known == DB_CAPTURE_FAILED || partial_here) {
			if (run && run_replaces(run, id))
				goto fatal;
			continue;
		}
		r->outcome = INGEST_REFUSED;
		r->capture_id = id;
		if (in_ring)
			snprintf(r->error, sizeof r->error,
			         "--join: %.150s is file %lld of capture %lld already; ingest"
			         " --replace --join reads this ring in its place, or tcpladder"
			         " forget %lld removes it", m[i].path, (long long)number,
			         (long long)id, (long long)id);
		else
			snprintf(r->error, sizeof r->error,
			         "--join: %.150s is capture %lld already; ingest --replace --join"
			         " reads this ring in its place, or tcpladder forget %lld removes it",
			         m[i].path, (long long)id, (long long)id);
		return false;
	}
	return true;
fatal:
	r->outcome = INGEST_FATAL;
	snprintf(r->error, sizeof r->error, "database: %s", db_error(db));
	return false;
}

/* The ring's own digest: of its files' digests, in order, a hex line
 * each. The same files joined again give the same digest. */
static void ring_digest(const struct member *m, unsigned n, char hex[CAPTURE_SHA256_HEX])
{
	size_t len = (size_t)n * CAPTURE_SHA256_HEX;
	char *text = malloc(len + 1);
	if (!text) {
		hex[0] = '\0';
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		memcpy(text + (size_t)i * CAPTURE_SHA256_HEX, m[i].sha, CAPTURE_SHA256_HEX - 1);
		text[(size_t)i * CAPTURE_SHA256_HEX + CAPTURE_SHA256_HEX - 1] = '\n';
	}
	capture_hash_bytes(text, len, hex);
	free(text);
}

/* Reads the files in order through run; false when refused or fatal
 * (result says why). *whole false when a file was damaged. */
static bool read_ring(struct run *run, const struct member *m, unsigned n,
                      struct db_capture_file *files, bool *whole)
{
	struct ingest_result *r = run->result;
	char err[PCAP_ERRBUF_SIZE + 64];
	*whole = true;
	for (unsigned i = 0; i < n; i++) {
		if (m[i].has_ts && run->saw_packet && m[i].first_ts_ns < run->now_ns) {
			r->outcome = INGEST_REFUSED;
			snprintf(r->error, sizeof r->error,
			         "--join: %.150s starts before %.150s ends: the files overlap in"
			         " time, so they are not one ring of files; mergecap -w merged.pcap"
			         " FILES merges them by time, then ingest merged.pcap",
			         m[i].path, m[i - 1].path);
			return false;
		}
		struct capture *cap = capture_open(m[i].path, false, err, sizeof err);
		if (!cap) {
			failed(r, INGEST_FAILED, m[i].path, err);
			return false;
		}
		if (run->opt->bpf && capture_set_filter(cap, run->opt->bpf, err, sizeof err)) {
			capture_close(cap);
			failed(r, INGEST_FAILED, m[i].path, err);
			return false;
		}
		uint64_t base = r->packets;
		bool file_whole = run_read(run, cap, m[i].path, base);
		files[i] = (struct db_capture_file){
			.file_number = i + 1, .path = m[i].path, .sha256_hex = m[i].sha,
			.first_frame = base + 1, .packets = capture_frames(cap),
			.has_ts = m[i].has_ts, .first_ts_ns = m[i].first_ts_ns,
			.last_ts_ns = run->now_ns};
		capture_close(cap);
		if (run->db_failed)
			return false;
		if (!file_whole) {
			/* Later files are read still: a ring's damage is where
			 * it is, and its connections go on. The first said. */
			if (*whole) {
				char why[sizeof r->error];
				memcpy(why, r->error, sizeof why);
				snprintf(r->error, sizeof r->error, "%.150s: %.280s", m[i].path, why);
			}
			*whole = false;
		}
	}
	return true;
}

void ingest_join(struct db *db, const struct ingest_options *opt,
                 const char *const *paths, unsigned n, struct ingest_result *result)
{
	memset(result, 0, sizeof *result);
	struct member *m = calloc(n, sizeof *m);
	struct db_capture_file *files = calloc(n, sizeof *files);
	struct run run = {0};
	if (!m || !files) {
		result->outcome = INGEST_FATAL;
		snprintf(result->error, sizeof result->error, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		m[i].path = paths[i];
		m[i].given = i;
		if (!look_at(&m[i], result))
			goto out;
	}
	qsort(m, n, sizeof *m, by_first_packet);
	if (!set_is_one_ring(m, n, result))
		goto out;
	char sha[CAPTURE_SHA256_HEX];
	ring_digest(m, n, sha);
	const char *stored = opt->name ? opt->name : m[0].path;
	if (settled_by_store(db, opt, sha, result, NULL) ||
	    !members_are_new(db, opt, m, n, stored, result, NULL))
		goto out;

	uint64_t seed = 0x5eed;
	if (getrandom(&seed, sizeof seed, 0) != sizeof seed)
		seed ^= (uint64_t)(uintptr_t)result;
	if (run_start(&run, db, opt, result, seed))
		goto out;
	bool whole;
	bool read = read_ring(&run, m, n, files, &whole);
	if (run_drain(&run) || !read) {
		if (run.db_failed)
			result->outcome = INGEST_FATAL;
		run_abandon(&run);
		goto out;
	}
	/* Inside the transaction, the captures replaced are found again. */
	if (settled_by_store(db, opt, sha, result, &run) ||
	    !members_are_new(db, opt, m, n, stored, result, &run)) {
		run_abandon(&run);
		goto out;
	}
	struct run_store store = {.path = stored, .sha256_hex = sha,
	                          .linktype = m[0].linktype, .whole = whole,
	                          .files = files, .nfiles = n};
	run_store(&run, &store);
out:
	run_free(&run);
	free(files);
	free(m);
}
