/* extract: see extract.h. The work is in three steps over a list of
 * sources (one per file a selected frame is in): check each (check_source,
 * with find_moved for those missing or changed), decide the output's form
 * from what the checks saw, then copy (copy_source) into a temporary file
 * beside the output, renamed over it at the end. */
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pcap/dlt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "db_extract.h"
#include "savefile.h"
#include "walk.h"
#include "extract_internal.h"

#define LINKTYPE_RAW 101

/* A file's link type as files write it: DLT_RAW is 12 or 14 by OS in
 * libpcap's API and 101 in files; the other link types a flow can come
 * from (decode_link.c's) have one number in both. */
int extract_file_linktype(int dlt)
{
	return dlt == DLT_RAW ? LINKTYPE_RAW : dlt;
}

/* Does an if_tsresol byte count finer than microseconds (or in powers of
 * two, which microseconds do not hold exactly)? */
static bool finer_than_usec(uint8_t tsresol)
{
	return (tsresol & 0x80) ? (tsresol & 0x7f) > 0 : tsresol > 6;
}

static bool from_stdin(const struct extract_source *s)
{
	/* ingest stores a capture read from stdin as stdin-<sha256 prefix>
	 * (or its --name, which looks like any path). */
	return s->file->file_number == 0 && strncmp(s->path, "stdin-", 6) == 0 &&
	       strncmp(s->path + 6, s->capture->sha256, 12) == 0 && s->path[18] == '\0';
}

/* --- checking a source ------------------------------------------------- */

/* Reads the whole file once: its hash, and the frames wanted (present,
 * unbroken, their link types and precision). 0 when it is the file
 * ingested; 1 when it is missing or its content has changed (s->lost);
 * -1 with the error filled when it is the file but cannot be cut. */
static int check_source(struct extract_job *job, struct extract_source *s)
{
	struct stat st;
	if (stat(s->path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
		s->lost = true;
		return 1;
	}
	char err[PCAP_ERRBUF_SIZE + 300];
	struct capture *cap = capture_open(s->path, true, err, sizeof err);
	if (!cap) {
		/* A file that no longer opens as a capture has changed, unless
		 * its bytes are still those ingested. */
		char hex[CAPTURE_SHA256_HEX], herr[256];
		if (capture_hash_file(s->path, hex, herr, sizeof herr) == 0 &&
		    strcmp(hex, s->file->sha256) != 0) {
			s->lost = true;
			return 1;
		}
		snprintf(job->err, job->errlen, "%s: %s", s->path, err);
		return -1;
	}
	s->pcapng = capture_pcapng(cap) != NULL;
	s->snaplen = (uint32_t)capture_pcap_snaplen(cap);
	s->nano = capture_pcap_nanosecond(cap);
	s->linktype = -2; /* none yet */
	s->max_caplen = 0;
	size_t next = 0;
	char broken[PCAP_ERRBUF_SIZE + 300] = "";
	struct capture_packet pkt;
	int rc = 0;
	while (next < s->nframes && (rc = capture_next(cap, &pkt)) == 1) {
		uint64_t want = s->frames[next].frame - s->base;
		if (pkt.frame < want)
			continue;
		if (pkt.frame == want) {
			int lt = extract_file_linktype(pkt.dlt);
			s->linktype = s->linktype == -2 || s->linktype == lt ? lt : -1;
			if (pkt.caplen > s->max_caplen)
				s->max_caplen = pkt.caplen;
			const struct pcapng_packet *ng = capture_pcapng_packet(cap);
			if (ng && finer_than_usec(ng->tsresol))
				s->nano = true;
		}
		/* Past it too: tshark's frame numbers skip no packet, but a
		 * block that is no packet can hold a number (pcapng.h). */
		while (next < s->nframes && s->frames[next].frame - s->base <= pkt.frame)
			next++;
	}
	if (next < s->nframes && rc < 0)
		snprintf(broken, sizeof broken, "%s", capture_error(cap));
	char hex[CAPTURE_SHA256_HEX];
	int hashed = capture_finish_hash(cap, hex, err, sizeof err);
	uint64_t frames = capture_frames(cap);
	capture_close(cap);
	if (hashed != 0) {
		snprintf(job->err, job->errlen, "%s: %s", s->path, err);
		return -1;
	}
	if (strcmp(hex, s->file->sha256) != 0) {
		s->lost = true;
		return 1;
	}
	if (broken[0]) {
		/* The file is as ingested (damaged then too), but the damage
		 * comes before a frame wanted. */
		snprintf(job->err, job->errlen, "%s: %s (flow %" PRId64 " wants frame %" PRIu64 ")",
		         s->path, broken, s->frames[next].flow_id, s->frames[next].frame);
		return -1;
	}
	if (next < s->nframes) {
		snprintf(job->err, job->errlen,
		         "%s: holds %" PRIu64 " frames, but flow %" PRId64 " has frame %" PRIu64
		         " in it: the database does not describe this file",
		         s->path, frames, s->frames[next].flow_id, s->frames[next].frame - s->base);
		return -1;
	}
	s->checked = true;
	s->lost = false;
	return 0;
}

/* --- finding moved files ----------------------------------------------- */

struct search {
	struct extract_job *job;
	size_t missing;
	char err[256];
};

static bool visit_candidate(const struct walk_entry *e, void *user)
{
	struct search *sr = user;
	if (e->kind != WALK_CAPTURE)
		return true;
	char hex[CAPTURE_SHA256_HEX];
	if (capture_hash_file(e->path, hex, sr->err, sizeof sr->err) != 0)
		return true; /* unreadable: not the one */
	for (size_t i = 0; i < sr->job->nsrc; i++) {
		struct extract_source *s = &sr->job->src[i];
		if (!s->lost || s->found_elsewhere || strcmp(hex, s->file->sha256) != 0)
			continue;
		char *p = strdup(e->path);
		if (!p)
			return false;
		free(s->path);
		s->path = p;
		s->found_elsewhere = true;
		sr->missing--;
	}
	return sr->missing > 0;
}

/* Looks for every lost source under dir, hashing each capture file there
 * once. 0, or -1 when dir cannot be walked. */
static int find_moved(struct extract_job *job, const char *dir)
{
	struct search sr = {.job = job};
	for (size_t i = 0; i < job->nsrc; i++)
		sr.missing += job->src[i].lost;
	if (sr.missing == 0)
		return 0;
	if (walk_folder(dir, visit_candidate, &sr) < 0) {
		snprintf(job->err, job->errlen, "--search %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* The error for a source still lost after any search. */
static void say_lost(struct extract_job *job, const struct extract_source *s, const char *search_dir)
{
	struct stat st;
	bool exists = stat(s->path, &st) == 0;
	char where[64] = "";
	if (s->file->file_number > 0)
		snprintf(where, sizeof where, " (file %" PRId64 " of joined capture %" PRId64 ")",
		         s->file->file_number, s->capture->id);
	else
		snprintf(where, sizeof where, " (capture %" PRId64 ")", s->capture->id);
	char hint[600];
	if (search_dir)
		snprintf(hint, sizeof hint, "no file under %.400s has its content (sha256 %.12s...)",
		         search_dir, s->file->sha256);
	else
		snprintf(hint, sizeof hint, "--search DIR finds it by its content (sha256 %.12s...)",
		         s->file->sha256);
	if (from_stdin(s))
		snprintf(job->err, job->errlen,
		         "%s%s was read from stdin: its packets cannot be cut from a stream"
		         " that is gone; %s",
		         s->path, where, search_dir ? hint : "--search DIR finds the file if it was kept");
	else if (exists)
		snprintf(job->err, job->errlen,
		         "%s%s has changed since it was ingested (its sha256 differs), so its frame"
		         " numbers no longer name the flow's packets; %s",
		         s->path, where, hint);
	else
		snprintf(job->err, job->errlen, "%s%s is not there any more (moved or removed); %s",
		         s->path, where, hint);
}

/* --- writing ------------------------------------------------------------ */

/* Room for one more interface in the output; -1 out of memory. */
static int iface_room(struct extract_job *job)
{
	if (job->nifaces < job->ifaces_cap)
		return 0;
	size_t ncap = job->ifaces_cap ? 2 * job->ifaces_cap : 8;
	struct iface_map *more = realloc(job->ifaces, ncap * sizeof *more);
	if (!more) {
		snprintf(job->err, job->errlen, "out of memory");
		return -1;
	}
	job->ifaces = more;
	job->ifaces_cap = ncap;
	return 0;
}

/* The output's interface for a pcapng source's (section, id), writing
 * its IDB, and those of the section before it not written yet, first (so
 * a lone section's interfaces keep their numbers). -1 on failure. */
static int64_t ng_interface(struct extract_job *job, struct savefile *sf, size_t si,
                            struct capture *cap, const struct pcapng_packet *ng)
{
	for (size_t i = 0; i < job->nifaces; i++) {
		const struct iface_map *m = &job->ifaces[i];
		if (m->source == si && m->section == ng->section && m->id == ng->interface_id)
			return (int64_t)i;
	}
	uint32_t from = 0;
	for (size_t i = 0; i < job->nifaces; i++) {
		const struct iface_map *m = &job->ifaces[i];
		if (m->source == si && m->section == ng->section && m->id >= from)
			from = m->id + 1;
	}
	for (uint32_t id = from; id <= ng->interface_id; id++) {
		const uint8_t *body;
		size_t len;
		bool be;
		if (pcapng_interface_block(capture_pcapng(cap), id, &body, &len, &be) != 0) {
			snprintf(job->err, job->errlen, "%s: frame %" PRIu64 ": interface %u is unknown",
			         job->src[si].path, ng->frame, id);
			return -1;
		}
		if (iface_room(job) != 0)
			return -1;
		if (savefile_pcapng_idb_copy(sf, body, len, be) != 0)
			return -1;
		job->ifaces[job->nifaces++] = (struct iface_map){si, ng->section, id};
	}
	return (int64_t)job->nifaces - 1;
}

/* A classic pcap source in pcapng output: one interface made for it. */
static int64_t pcap_interface(struct extract_job *job, struct savefile *sf, size_t si, int dlt)
{
	for (size_t i = 0; i < job->nifaces; i++)
		if (job->ifaces[i].source == si)
			return (int64_t)i;
	if (iface_room(job) != 0)
		return -1;
	const struct extract_source *s = &job->src[si];
	if (savefile_pcapng_idb(sf, (uint16_t)extract_file_linktype(dlt),
	                        s->snaplen ? s->snaplen : DEFAULT_SNAPLEN, s->nano ? 9 : 6) != 0)
		return -1;
	job->ifaces[job->nifaces++] = (struct iface_map){.source = si};
	return (int64_t)job->nifaces - 1;
}

/* "tcpladder flow 7", or "tcpladder flows 7, 9" for a frame in several. */
static void flow_comment(const struct db_extract_frame *f, size_t n, char *buf, size_t len)
{
	int at = snprintf(buf, len, "tcpladder flow%s %" PRId64, n > 1 ? "s" : "", f[0].flow_id);
	for (size_t i = 1; i < n && at > 0 && (size_t)at < len; i++)
		at += snprintf(buf + at, len - (size_t)at, ", %" PRId64, f[i].flow_id);
}

/* Copies a checked source's frames into sf. 0, or -1 with the error. */
static int copy_source(struct extract_job *job, struct savefile *sf, size_t si, bool pcapng_out,
                       uint64_t *written)
{
	struct extract_source *s = &job->src[si];
	char err[PCAP_ERRBUF_SIZE + 300];
	struct capture *cap = capture_open(s->path, false, err, sizeof err);
	if (!cap) {
		snprintf(job->err, job->errlen, "%s: %s", s->path, err);
		return -1;
	}
	if (capture_pcapng(cap))
		pcapng_keep_interface_blocks(capture_pcapng(cap));
	size_t next = 0;
	struct capture_packet pkt;
	int rc = 0;
	char comment[256];
	while (next < s->nframes && (rc = capture_next(cap, &pkt)) == 1) {
		uint64_t want = s->frames[next].frame - s->base;
		if (pkt.frame < want)
			continue;
		size_t n = 0;
		while (next + n < s->nframes && s->frames[next + n].frame - s->base == pkt.frame)
			n++;
		if (n > 0) {
			int w;
			if (!pcapng_out) {
				w = savefile_pcap_packet(sf, pkt.ts_ns, pkt.caplen, pkt.len, pkt.data);
			} else {
				const struct pcapng_packet *ng = capture_pcapng_packet(cap);
				int64_t iface = ng ? ng_interface(job, sf, si, cap, ng)
				                   : pcap_interface(job, sf, si, pkt.dlt);
				if (iface < 0) {
					rc = -2;
					break;
				}
				flow_comment(&s->frames[next], n, comment, sizeof comment);
				struct savefile_epb epb = {
					.iface = (uint32_t)iface,
					.ts_units = ng ? ng->ts_units
					               : (uint64_t)(s->nano ? pkt.ts_ns : pkt.ts_ns / 1000),
					.caplen = pkt.caplen,
					.len = pkt.len,
					.data = pkt.data,
					.options = ng ? ng->options : NULL,
					.options_len = ng ? ng->options_len : 0,
					.options_big_endian = ng && ng->big_endian,
					.comment = comment};
				w = savefile_pcapng_epb(sf, &epb);
			}
			if (w != 0) {
				rc = -2;
				break;
			}
			(*written)++;
		}
		while (next < s->nframes && s->frames[next].frame - s->base <= pkt.frame)
			next++;
	}
	if (rc == -1 || (rc == 0 && next < s->nframes)) {
		/* Checked a moment ago: the file changed under us. */
		snprintf(job->err, job->errlen, "%s: %s", s->path,
		         rc == -1 ? capture_error(cap) : "ended early: it changed while being read");
	}
	capture_close(cap);
	return rc == -1 || (rc == 0 && next < s->nframes) || rc == -2 ? -1 : 0;
}

/* --- the plan ----------------------------------------------------------- */

/* One source per file holding a frame wanted, in capture and file order. */
int extract_plan(struct db *db, struct extract_job *job, const struct db_extract_frame *frames,
                        size_t nframes, struct db_extract_capture **caps, size_t *ncaps)
{
	*caps = NULL;
	*ncaps = 0;
	size_t ncapture = 0;
	for (size_t i = 0; i < nframes; i++)
		ncapture += i == 0 || frames[i].capture_id != frames[i - 1].capture_id;
	*caps = calloc(ncapture ? ncapture : 1, sizeof **caps);
	if (!*caps) {
		snprintf(job->err, job->errlen, "out of memory");
		return -1;
	}
	size_t i = 0;
	while (i < nframes) {
		size_t end = i;
		while (end < nframes && frames[end].capture_id == frames[i].capture_id)
			end++;
		struct db_extract_capture *c = &(*caps)[*ncaps];
		if (db_extract_capture(db, frames[i].capture_id, c) != 0) {
			snprintf(job->err, job->errlen, "%s", db_error(db));
			return -1;
		}
		(*ncaps)++;
		for (size_t k = 0; k < c->nfiles && i < end; k++) {
			const struct db_extract_file *f = &c->files[k];
			if (frames[i].frame < f->first_frame)
				break; /* before this file: no file holds it */
			size_t j = i;
			while (j < end && (f->packets == 0 || frames[j].frame < f->first_frame + f->packets))
				j++;
			if (j == i)
				continue;
			struct extract_source *more = realloc(job->src, (job->nsrc + 1) * sizeof *more);
			if (!more) {
				snprintf(job->err, job->errlen, "out of memory");
				return -1;
			}
			job->src = more;
			job->src[job->nsrc++] = (struct extract_source){
				.capture = c, .file = f, .path = strdup(f->path),
				.frames = &frames[i], .nframes = j - i, .base = f->first_frame - 1};
			if (!job->src[job->nsrc - 1].path) {
				snprintf(job->err, job->errlen, "out of memory");
				return -1;
			}
			i = j;
		}
		if (i < end) {
			snprintf(job->err, job->errlen,
			         "flow %" PRId64 " has frame %" PRIu64 " of capture %" PRId64
			         ", which none of its files holds: the database is inconsistent",
			         frames[i].flow_id, frames[i].frame, c->id);
			return -1;
		}
	}
	return 0;
}

int extract_check_all(struct extract_job *job, const char *search_dir)
{
	for (size_t i = 0; i < job->nsrc; i++)
		if (check_source(job, &job->src[i]) < 0)
			return -1;
	if (search_dir) {
		if (find_moved(job, search_dir) != 0)
			return -1;
		for (size_t i = 0; i < job->nsrc; i++) {
			struct extract_source *s = &job->src[i];
			if (s->found_elsewhere && !s->checked && check_source(job, s) < 0)
				return -1;
		}
	}
	for (size_t i = 0; i < job->nsrc; i++) {
		if (!job->src[i].checked) {
			say_lost(job, &job->src[i], search_dir);
			return -1;
		}
	}
	return 0;
}

int extract_prepare(struct db *db, struct extract_job *job, const int64_t *ids, size_t n,
                    const char *search_dir, struct db_extract_frame **frames,
                    size_t *nframes, struct db_extract_capture **caps, size_t *ncaps)
{
	if (db_extract_frames(db, ids, n, frames, nframes) != 0) {
		snprintf(job->err, job->errlen, "%s", db_error(db));
		return -1;
	}
	return extract_plan(db, job, *frames, *nframes, caps, ncaps) != 0 ||
	                       extract_check_all(job, search_dir) != 0
	               ? -1
	               : 0;
}

/* Classic pcap holds one link type: the one of every frame wanted. */
static int pcap_form(struct extract_job *job, int *linktype, uint32_t *snaplen, bool *nano)
{
	*linktype = -2;
	*snaplen = 0;
	*nano = false;
	const struct extract_source *first = NULL;
	for (size_t i = 0; i < job->nsrc; i++) {
		const struct extract_source *s = &job->src[i];
		if (s->linktype == -1 || (*linktype >= 0 && s->linktype != *linktype)) {
			const struct extract_source *other = s->linktype == -1 ? s : first;
			snprintf(job->err, job->errlen,
			         "the packets are of more than one link type (%s%s%s): one pcap file"
			         " holds one; write .pcapng instead, which keeps each packet's interface",
			         s->path, other != s ? " and " : "", other != s ? other->path : "");
			return -1;
		}
		if (*linktype < 0) {
			*linktype = s->linktype;
			first = s;
		}
		*nano |= s->nano;
		uint32_t want = s->snaplen > s->max_caplen ? s->snaplen : s->max_caplen;
		if (s->pcapng && want < DEFAULT_SNAPLEN)
			want = DEFAULT_SNAPLEN;
		if (want > *snaplen)
			*snaplen = want;
	}
	return 0;
}

/* A temporary file beside path, to be renamed over it: fd, and its name
 * in tmp (malloc'd). */
int extract_open_temp(const char *path, char **tmp, char *err, size_t errlen)
{
	size_t n = strlen(path);
	*tmp = malloc(n + 16);
	if (!*tmp) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(*tmp, n + 16, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(*tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	fchmod(fd, 0644);
	return fd;
}

static int write_output(struct extract_job *job, const char *out_path, struct extract_stats *stats)
{
	enum savefile_format format;
	bool gz;
	if (!savefile_format_of(out_path, &format, &gz)) {
		snprintf(job->err, job->errlen, "%s: the name must end in .pcap or .pcapng", out_path);
		return -1;
	}
	/* Renamed over a capture it is cut from, the output would leave the
	 * database naming bytes that are gone. */
	char *out_real = realpath(out_path, NULL);
	for (size_t i = 0; out_real && i < job->nsrc; i++) {
		char *src_real = realpath(job->src[i].path, NULL);
		bool same = src_real && strcmp(src_real, out_real) == 0;
		free(src_real);
		if (same) {
			snprintf(job->err, job->errlen, "%s is a capture the flows are cut from;"
			         " write them to another file", out_path);
			free(out_real);
			return -1;
		}
	}
	free(out_real);
	int linktype = 0;
	uint32_t snaplen = 0;
	bool nano = false;
	if (format == SAVEFILE_PCAP && pcap_form(job, &linktype, &snaplen, &nano) != 0)
		return -1;
	char *tmp;
	int fd = extract_open_temp(out_path, &tmp, job->err, job->errlen);
	if (fd < 0)
		return -1;
	struct savefile *sf = savefile_open_fd(fd, gz, job->err, job->errlen);
	int rc = sf ? 0 : -1;
	if (rc == 0) {
		rc = format == SAVEFILE_PCAP
		             ? savefile_pcap_header(sf, (uint32_t)linktype, snaplen, nano)
		             : savefile_pcapng_shb(sf, "tcpladder extract");
	}
	for (size_t i = 0; rc == 0 && i < job->nsrc; i++)
		rc = copy_source(job, sf, i, format == SAVEFILE_PCAPNG, &stats->packets);
	char err[300] = "";
	if (savefile_close(sf, err, sizeof err) != 0 && rc == 0) {
		snprintf(job->err, job->errlen, "%s: %s", out_path, err);
		rc = -1;
	} else if (rc != 0 && !job->err[0]) {
		snprintf(job->err, job->errlen, "%s: writing failed", out_path);
	}
	if (rc == 0 && rename(tmp, out_path) != 0) {
		snprintf(job->err, job->errlen, "%s: %s", out_path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int extract_write(struct db *db, const int64_t *ids, size_t n, const char *out_path,
                  const struct extract_options *opt, struct extract_stats *stats, char *err,
                  size_t errlen)
{
	memset(stats, 0, sizeof *stats);
	err[0] = '\0';
	struct extract_job job = {.err = err, .errlen = errlen};
	struct db_extract_frame *frames = NULL;
	size_t nframes = 0;
	struct db_extract_capture *caps = NULL;
	size_t ncaps = 0;
	int rc = -1;
	if (extract_prepare(db, &job, ids, n, opt->search_dir, &frames, &nframes, &caps,
	                    &ncaps) != 0)
		goto out;
	stats->captures = ncaps;
	rc = write_output(&job, out_path, stats);
out:
	extract_job_free(&job, caps, ncaps);
	free(frames);
	return rc;
}

void extract_job_free(struct extract_job *job, struct db_extract_capture *caps, size_t ncaps)
{
	for (size_t i = 0; i < job->nsrc; i++)
		free(job->src[i].path);
	free(job->src);
	free(job->ifaces);
	for (size_t i = 0; i < ncaps; i++)
		db_extract_capture_free(&caps[i]);
	free(caps);
}
