/* extract_each: a pcap file per flow (extract.h, extract_write_each).
 * The sources are planned and checked as for one output file
 * (extract_internal.h); then each is read once, and every packet wanted
 * goes to the file of each flow that has it. A flow's file is opened at
 * its first packet and closed (renamed into place) at its last. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "extract.h"
#include "extract_internal.h"
#include "savefile.h"

struct flow_file {
	int64_t id;
	size_t last_source;  /* where its last frame is */
	uint64_t last_frame;
	struct savefile *sf; /* open while in progress */
	char *tmp;
	int dlt;
	bool done;
};

struct each {
	struct extract_job *job;
	struct flow_file *flows; /* by id, ascending */
	size_t nflows;
	const char *dir;
	uint64_t packets;
};

static int by_id(const void *a, const void *b)
{
	const struct flow_file *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static struct flow_file *flow_of(struct each *e, int64_t id)
{
	struct flow_file key = {.id = id};
	return bsearch(&key, e->flows, e->nflows, sizeof key, by_id);
}

static void final_path(const struct each *e, int64_t id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%" PRId64 ".pcap", e->dir, id);
}

/* Closes a flow's file and puts it in place. */
static int finish(struct each *e, struct flow_file *f)
{
	char err[300], path[4200];
	final_path(e, f->id, path, sizeof path);
	int rc = savefile_close(f->sf, err, sizeof err);
	f->sf = NULL;
	if (rc != 0)
		snprintf(e->job->err, e->job->errlen, "%s: %s", path, err);
	else if (rename(f->tmp, path) != 0) {
		snprintf(e->job->err, e->job->errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(f->tmp);
	free(f->tmp);
	f->tmp = NULL;
	f->done = true;
	return rc;
}

static int write_packet(struct each *e, size_t si, struct flow_file *f,
                        const struct capture_packet *pkt)
{
	const struct extract_source *s = &e->job->src[si];
	if (!f->sf) {
		char path[4200];
		final_path(e, f->id, path, sizeof path);
		int fd = extract_open_temp(path, &f->tmp, e->job->err, e->job->errlen);
		if (fd < 0)
			return -1;
		f->sf = savefile_open_fd(fd, false, e->job->err, e->job->errlen);
		if (!f->sf)
			return -1;
		uint32_t snaplen = s->snaplen > s->max_caplen ? s->snaplen : s->max_caplen;
		if (s->pcapng && snaplen < DEFAULT_SNAPLEN)
			snaplen = DEFAULT_SNAPLEN; /* as extract_write's pcap_form */
		f->dlt = pkt->dlt;
		if (savefile_pcap_header(f->sf, (uint32_t)extract_file_linktype(pkt->dlt), snaplen,
		                         s->nano) != 0)
			return -1;
	}
	if (pkt->dlt != f->dlt) {
		snprintf(e->job->err, e->job->errlen,
		         "flow %" PRId64 " has packets of two link types (%s frame %" PRIu64
		         "): one pcap file holds one; tcpladder extract --flow %" PRId64
		         " -o FILE.pcapng writes them",
		         f->id, s->path, pkt->frame, f->id);
		return -1;
	}
	if (savefile_pcap_packet(f->sf, pkt->ts_ns, pkt->caplen, pkt->len, pkt->data) != 0)
		return -1;
	e->packets++;
	return 0;
}

static int copy_each(struct each *e, size_t si)
{
	struct extract_source *s = &e->job->src[si];
	char err[PCAP_ERRBUF_SIZE + 300];
	struct capture *cap = capture_open(s->path, false, err, sizeof err);
	if (!cap) {
		snprintf(e->job->err, e->job->errlen, "%s: %s", s->path, err);
		return -1;
	}
	size_t next = 0;
	struct capture_packet pkt;
	int rc = 0;
	while (rc == 0 && next < s->nframes && (rc = capture_next(cap, &pkt)) == 1) {
		rc = 0;
		while (rc == 0 && next < s->nframes && s->frames[next].frame - s->base <= pkt.frame) {
			const struct db_extract_frame *fr = &s->frames[next++];
			if (fr->frame - s->base != pkt.frame)
				continue;
			struct flow_file *f = flow_of(e, fr->flow_id);
			rc = write_packet(e, si, f, &pkt);
			if (rc == 0 && f->last_source == si && f->last_frame == fr->frame)
				rc = finish(e, f);
		}
	}
	if (rc == -1 && !e->job->err[0])
		snprintf(e->job->err, e->job->errlen, "%s: %s", s->path, capture_error(cap));
	else if (rc == 0 && next < s->nframes)
		snprintf(e->job->err, e->job->errlen, "%s: ended early: it changed while being read",
		         s->path);
	capture_close(cap);
	return rc != 0 || next < s->nframes ? -1 : 0;
}

int extract_write_each(struct db *db, const int64_t *ids, size_t n, const char *dir,
                       const struct extract_options *opt, struct extract_stats *stats,
                       char *err, size_t errlen)
{
	memset(stats, 0, sizeof *stats);
	err[0] = '\0';
	struct extract_job job = {.err = err, .errlen = errlen};
	struct each e = {.job = &job, .dir = dir};
	struct db_extract_frame *frames = NULL;
	size_t nframes = 0, ncaps = 0;
	struct db_extract_capture *caps = NULL;
	int rc = -1;
	if (extract_prepare(db, &job, ids, n, opt->search_dir, &frames, &nframes, &caps,
	                    &ncaps) != 0)
		goto out;
	e.flows = calloc(n ? n : 1, sizeof *e.flows);
	if (!e.flows) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		e.flows[i].id = ids[i];
	qsort(e.flows, n, sizeof *e.flows, by_id);
	for (size_t i = 0; i < n; i++)
		if (e.nflows == 0 || e.flows[e.nflows - 1].id != e.flows[i].id)
			e.flows[e.nflows++] = e.flows[i];
	/* Sources go in capture and frame order: the last seen is the last. */
	for (size_t si = 0; si < job.nsrc; si++) {
		for (size_t k = 0; k < job.src[si].nframes; k++) {
			struct flow_file *f = flow_of(&e, job.src[si].frames[k].flow_id);
			f->last_source = si;
			f->last_frame = job.src[si].frames[k].frame;
		}
	}
	rc = 0;
	for (size_t si = 0; rc == 0 && si < job.nsrc; si++)
		rc = copy_each(&e, si);
	stats->packets = e.packets;
	stats->captures = ncaps;
out:
	for (size_t i = 0; i < e.nflows; i++) {
		if (e.flows[i].sf) {
			char ignored[300];
			savefile_close(e.flows[i].sf, ignored, sizeof ignored);
			unlink(e.flows[i].tmp);
		}
		free(e.flows[i].tmp);
	}
	free(e.flows);
	extract_job_free(&job, caps, ncaps);
	free(frames);
	return rc;
}
