/* ingest: see ingest.h. Per packet: decode, find or start its connection,
 * place its numbers relative to each direction's ISN, run the state
 * machine, write the segment and the state changes it proves, then let connections
 * whose time is up leave memory (their flow rows written). Per-packet work
 * is constant time and allocates nothing but a new connection and, at its
 * second segment (or its first, unless a lone SYN), its state. */
#include "ingest.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "analysis.h"
#include "dedup.h"
#include "defrag.h"
#include "flow_state.h"
#include "seqnum.h"
#include "tcpstate.h"
#include "writer.h"
#include "zeek.h"

enum { PROGRESS_EVERY = 1 << 16 };
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

/* One capture being ingested. */
struct run {
	struct db *db;
	const struct ingest_options *opt;
	struct ingest_result *result;
	struct flow_table *flows;
	struct defrag *defrag; /* IP datagrams being reassembled */
	struct writer *writer;  /* writes the rows on the second core */
	int64_t capture_id;
	int64_t next_flow_id;
	bool saw_packet;
	int64_t first_ts_ns;  /* earliest capture time seen */
	int64_t now_ns;       /* latest capture time seen */
	bool db_failed;
	struct dedup *dedup;  /* the content's hash, being computed; or NULL */
	bool looked_up;       /* the writer was asked for it (writer_look_up) */
};

static void db_failure(struct run *run)
{
	if (!run->db_failed)
		snprintf(run->result->error, sizeof run->result->error, "database: %s",
		         db_error(run->db));
	run->db_failed = true;
}

/* A connection leaves memory: its final row (the writer frees it). */
static void retire(struct run *run, struct flow *f)
{
	writer_flow(run->writer, run->capture_id, f);
	run->result->flows++;
}

static void on_segment(struct run *run, const struct tcp_segment *seg,
                       const struct decode_info *info, uint64_t frame, int64_t ts_ns)
{
	uint32_t analysis = 0;
	bool from_client;
	struct flow *f = flow_table_find(run->flows, seg, &from_client);
	if (f && flow_is_reused_by(f, seg, from_client)) {
		flow_table_remove(run->flows, f);
		retire(run, f);
		f = NULL;
		analysis |= AN_REUSED_PORTS;
	}
	if (!f) {
		f = flow_table_add(run->flows, seg, run->next_flow_id, &from_client);
		if (!f) {
			snprintf(run->result->error, sizeof run->result->error,
			         "packet %llu: out of memory for a new connection",
			         (unsigned long long)frame);
			run->db_failed = true;
			return;
		}
		run->next_flow_id++;
	}
	if (flow_note_tunnel(f, info->tunnel, info->tunnels)) {
		snprintf(run->result->error, sizeof run->result->error,
		         "packet %llu: out of memory for a tunnel's name",
		         (unsigned long long)frame);
		run->db_failed = true;
		return;
	}

	/* The state machines' own state, out of line but for a lone SYN's
	 * (flow_state.h): f's, or a first segment's on the stack. */
	struct flow_state scratch;
	struct flow_state *st = flow_state_begin(f, &scratch);
	if (!st) {
		snprintf(run->result->error, sizeof run->result->error,
		         "packet %llu: out of memory for a connection's state",
		         (unsigned long long)frame);
		run->db_failed = true;
		return;
	}
	struct flow_step step;
	flow_step(f, st, seg, from_client, frame, ts_ns, &step);
	analysis |= step.analysis;
	flow_note_close(f, &step.res);
	if (flow_count_analysis(f, from_client, analysis, seg->payload_len)) {
		snprintf(run->result->error, sizeof run->result->error,
		         "packet %llu: out of memory for a connection's counts",
		         (unsigned long long)frame);
		run->db_failed = true;
		return;
	}

	if (step.res.refused_now)
		writer_server_closed(run->writer, f->id, frame);

	/* Before the row: it stores its time as an offset from the flow's
	 * first, which the first segment sets. */
	flow_record(run->flows, f, st, seg, from_client, frame, ts_ns, run->now_ns);
	int dir = from_client ? TCPST_CLIENT : TCPST_SERVER;
	struct db_segment_row row = {
		.flow_id = f->id,
		.frame = frame,
		.ts_ns = ts_ns,
		.flow_first_ts_ns = f->first_ts_ns,
		.seq_base = st->space[dir].first_base,
		.ack_base = st->space[!dir].first_base,
		.from_client = from_client,
		.flags = seg->flags,
		.seq = seg->seq,
		.ack = seg->ack,
		.rel_seq = step.ts.rel_seq,
		.rel_ack = step.ts.rel_ack,
		.has_ack = seg->flags & TCP_ACK,
		.len = seg->payload_len,
		.win = seg->win,
		.client_state = st->tcp.ep[TCPST_CLIENT].state,
		.server_state = st->tcp.ep[TCPST_SERVER].state,
		.analysis = analysis,
		.dupack_num = step.dupack_num,
		.changes = step.res.change,
		.nchanges = step.res.count,
	};
	writer_segment(run->writer, &row);
	if (flow_state_end(f, st, seg)) {
		snprintf(run->result->error, sizeof run->result->error,
		         "packet %llu: out of memory for a connection's state",
		         (unsigned long long)frame);
		run->db_failed = true;
		return;
	}
	if (decode_options_notable(&seg->opt)) {
		char text[512];
		decode_options_text(&seg->opt, text, sizeof text);
		writer_options(run->writer, f->id, frame, text);
	}
}

static void expire(struct run *run)
{
	struct flow *f;
	while ((f = flow_table_take_expired(run->flows, run->now_ns)))
		retire(run, f);
	defrag_expire(run->defrag, run->now_ns);
}

/* A fragment of a datagram that may hold TCP: the segment, when it
 * completes one (at this frame, as tshark numbers it), decoded on from
 * the tunnels the fragment came through (an outer fragment of a tunnel is
 * reassembled before the tunnel is opened); DECODE_IP_FRAGMENT until
 * then. */
static enum decode_status reassemble(struct run *run, struct decode_info *info,
                                     struct tcp_segment *seg)
{
	const uint8_t *datagram;
	uint32_t captured, len;
	if (!defrag_add(run->defrag, info->frag, run->now_ns, &datagram, &captured, &len))
		return DECODE_IP_FRAGMENT;
	return decode_datagram(datagram, captured, len, seg, info);
}

/* Count a packet that is not a TCP segment by why. */
static void note_not_tcp(struct ingest_result *r, uint64_t frame,
                         enum decode_status status, const struct decode_info *info)
{
	switch (status) {
	case DECODE_NOT_IP:
		r->not_ip_packets++;
		return;
	case DECODE_NOT_TCP:
		r->not_tcp_packets++;
		return;
	case DECODE_IP_FRAGMENT:
		r->fragment_packets++;
		return;
	case DECODE_UNDECODED:
	case DECODE_UNSUPPORTED_LINK:
		break;
	default:
		return;
	}
	r->undecoded_packets++;
	for (unsigned i = 0; i < r->undecoded_kinds; i++) {
		struct db_undecoded *u = &r->undecoded[i];
		if (u->encap == info->undecoded && u->value == info->undecoded_value) {
			u->packets++;
			return;
		}
	}
	if (r->undecoded_kinds < INGEST_UNDECODED_KINDS)
		r->undecoded[r->undecoded_kinds++] = (struct db_undecoded){
			.encap = info->undecoded, .value = info->undecoded_value,
			.packets = 1, .first_frame = frame};
}

static void note_bad_packet(struct ingest_result *r, uint64_t frame,
                            enum decode_status status)
{
	if (r->bad_packets++ == 0) {
		r->first_bad_frame = frame;
		r->first_bad_status = status;
	}
}

/* Reads every packet; returns false when the file was cut short or damaged
 * (result->error says where and why). */
static bool read_packets(struct run *run, struct capture *cap, const char *path)
{
	struct ingest_result *r = run->result;
	struct capture_packet pkt;
	int rc;
	/* Set up once: decode_packet starts each packet's path afresh. */
	struct ip_fragment frag;
	struct decode_info info;
	info.config = &run->opt->decode;
	info.frag = &frag;
	while (!run->db_failed && !writer_failed(run->writer) &&
	       (rc = capture_next(cap, &pkt)) == 1) {
		if (!run->saw_packet || pkt.ts_ns < run->first_ts_ns)
			run->first_ts_ns = pkt.ts_ns;
		if (!run->saw_packet || pkt.ts_ns > run->now_ns)
			run->now_ns = pkt.ts_ns;
		run->saw_packet = true;
		if (run->opt->progress && pkt.frame % PROGRESS_EVERY == 0) {
			struct ingest_progress p = {.path = path, .packets = pkt.frame};
			run->opt->progress(&p, run->opt->progress_user);
		}
		/* A capture found to be in already is abandoned early: once
		 * the hash is ready, the writer looks it up. */
		if (run->dedup && pkt.frame % 4096 == 0) {
			char hex[CAPTURE_SHA256_HEX];
			if (!run->looked_up && dedup_peek(run->dedup, hex)) {
				writer_look_up(run->writer, hex);
				run->looked_up = true;
			}
			if (writer_content_known(run->writer))
				break;
		}
		/* Time is up before the packet that moves the clock is seen,
		 * as Zeek's timers fire: whether a connection is split then
		 * depends on its own idleness alone, not on whether other
		 * traffic happened to come in between. The max_flows bound is
		 * kept here too: a table one over it since the last packet
		 * gives up its least recently active flow before this one. */
		expire(run);
		struct tcp_segment seg;
		enum decode_status st = decode_packet(pkt.dlt, pkt.data, pkt.caplen,
		                                      pkt.len, &seg, &info);
		if (st == DECODE_IP_FRAGMENT && decode_proto_may_carry_tcp(frag.proto))
			st = reassemble(run, &info, &seg);
		if (st == DECODE_OK) {
			r->tcp_packets++;
			on_segment(run, &seg, &info, pkt.frame, pkt.ts_ns);
		} else if (decode_status_is_error(st)) {
			note_bad_packet(r, pkt.frame, st);
		} else {
			note_not_tcp(r, pkt.frame, st, &info);
		}
	}
	if (run->db_failed || writer_failed(run->writer))
		return true; /* the caller reports the database's error */
	/* Packets a filter passed over count too: the file's own count. */
	r->packets = capture_frames(cap);
	if (rc < 0) {
		snprintf(r->error, sizeof r->error, "%s", capture_error(cap));
		return false;
	}
	return true;
}

static void bad_packets_summary(struct ingest_result *r)
{
	if (r->bad_packets == 0 || r->error[0])
		return;
	snprintf(r->error, sizeof r->error,
	         "%llu malformed packet%s skipped, the first packet %llu: %s",
	         (unsigned long long)r->bad_packets, r->bad_packets == 1 ? "" : "s",
	         (unsigned long long)r->first_bad_frame,
	         decode_status_name(r->first_bad_status));
}

/* Record a capture nothing could be read from, so that the database says
 * what was tried and why it failed. */
static void record_failure(struct db *db, const char *path, const char *sha,
                           struct ingest_result *r)
{
	r->outcome = INGEST_FAILED;
	if (!sha)
		return; /* stdin that could not be opened: nothing to key it by */
	int64_t capture_id, flow_id;
	struct db_capture_row row = {.path = path, .sha256_hex = sha,
	                             .linktype = -1, .status = "failed",
	                             .error = r->error};
	if (db_begin(db) || db_next_ids(db, &capture_id, &flow_id))
		goto fatal;
	row.id = capture_id;
	if (db_insert_capture(db, &row) || db_commit(db))
		goto fatal;
	r->capture_id = capture_id;
	return;
fatal:
	db_rollback(db);
	r->outcome = INGEST_FATAL;
	snprintf(r->error, sizeof r->error, "database: %s", db_error(db));
}

/* Is this content already in? A failed earlier attempt is forgotten so
 * that this one can try again. */
static bool already_ingested(struct db *db, const char *sha,
                             struct ingest_result *r)
{
	enum db_capture_known known;
	int64_t id;
	if (db_capture_known(db, sha, &known, &id)) {
		r->outcome = INGEST_FATAL;
		snprintf(r->error, sizeof r->error, "database: %s", db_error(db));
		return true;
	}
	if (known == DB_CAPTURE_PRESENT) {
		r->outcome = INGEST_DUPLICATE;
		r->capture_id = id;
		return true;
	}
	if (known == DB_CAPTURE_FAILED && db_capture_forget(db, id)) {
		r->outcome = INGEST_FATAL;
		snprintf(r->error, sizeof r->error, "database: %s", db_error(db));
		return true;
	}
	return false;
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

/* A capture that could not be read: recorded under its hash unless its
 * content is in already (or it has no hash: unreadable, or stdin that
 * never opened). */
static void give_up(struct db *db, const char *path, struct content *c,
                    struct capture *cap, struct ingest_result *r)
{
	char err[256];
	if (content_hash(c, cap, err, sizeof err)) {
		if (!c->from_stdin && cap == NULL)
			snprintf(r->error, sizeof r->error, "%s", err);
		r->outcome = INGEST_FAILED;
		return;
	}
	if (!already_ingested(db, c->sha, r))
		record_failure(db, path, c->sha, r);
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
			if (already_ingested(db, sha, result))
				return;
		}
	}
	struct capture *cap = capture_open(path, from_stdin, err, sizeof err);
	if (!cap) {
		snprintf(result->error, sizeof result->error, "%s", err);
		give_up(db, path, &content, NULL, result);
		return;
	}
	/* Classic pcap has one link type; pcapng's are per interface, and a
	 * packet of a type we cannot decode is passed over like ARP. */
	int dlt = capture_linktype(cap);
	if (dlt >= 0 && !decode_link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(result->error, sizeof result->error,
		         "unsupported link type %d (%s)", dlt, name ? name : "unknown");
		give_up(db, path, &content, cap, result);
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
	struct run run = {.db = db, .opt = opt, .result = result,
	                  .dedup = content.dedup};
	run.flows = flow_table_new(&opt->limits, seed);
	run.defrag = defrag_new(&opt->defrag, seed);
	if (!run.flows || !run.defrag) {
		snprintf(result->error, sizeof result->error, "out of memory");
		result->outcome = INGEST_FATAL;
		goto out;
	}
	if (db_begin_load(db) ||
	    db_next_ids(db, &run.capture_id, &run.next_flow_id)) {
		db_failure(&run);
		goto fatal;
	}
	run.writer = writer_start(db);
	if (!run.writer) {
		snprintf(result->error, sizeof result->error, "cannot start the writer thread");
		goto fatal;
	}
	bool whole = read_packets(&run, cap, path);
	struct defrag_counts *frags = &result->frags;
	defrag_counts(run.defrag, frags);
	struct flow *f;
	while ((f = flow_table_take_any(run.flows)))
		retire(&run, f);
	/* The writer is done with the connection: the rest is this thread's. */
	char werr[512];
	if (writer_finish(run.writer, werr, sizeof werr)) {
		snprintf(result->error, sizeof result->error, "database: %.480s", werr);
		run.db_failed = true;
	}
	if (run.db_failed)
		goto fatal;

	/* Only now is the content known for certain (hashed alongside, or as
	 * stdin streamed by); the rows go if it is in already. */
	if (content_hash(&content, cap, err, sizeof err)) {
		snprintf(result->error, sizeof result->error, "%s", err);
		db_rollback(db);
		result->outcome = INGEST_FAILED;
		goto out;
	}
	if (already_ingested(db, sha, result)) {
		db_rollback(db);
		if (result->outcome == INGEST_DUPLICATE) /* nothing of this reading stays */
			*result = (struct ingest_result){.outcome = INGEST_DUPLICATE,
			                                 .capture_id = result->capture_id};
		goto out;
	}

	result->capture_id = run.capture_id;
	result->outcome = whole ? INGEST_OK : INGEST_PARTIAL;
	bad_packets_summary(result);
	dlt = capture_linktype(cap);
	const char *name = dlt >= 0 ? pcap_datalink_val_to_name(dlt) : NULL;
	struct db_capture_row row = {
		.id = run.capture_id,
		.path = path,
		.sha256_hex = sha,
		.linktype = dlt,
		.linktype_name = name,
		.packets = result->packets,
		.tcp_packets = result->tcp_packets,
		.bad_packets = result->bad_packets,
		.frag_reassembled = frags->reassembled,
		.frag_incomplete = frags->incomplete,
		.frag_overlapping = frags->overlapping,
		.not_ip_packets = result->not_ip_packets,
		.not_tcp_packets = result->not_tcp_packets,
		.undecoded_packets = result->undecoded_packets,
		.fragment_packets = result->fragment_packets,
		.undecoded = result->undecoded,
		.undecoded_kinds = result->undecoded_kinds,
		.has_ts = run.saw_packet,
		.status = whole ? "ok" : "partial",
		.error = result->error[0] ? result->error : NULL,
	};
	/* The earliest and latest stamps, whatever their order in the file. */
	row.first_ts_ns = run.first_ts_ns;
	row.last_ts_ns = run.now_ns;
	if (db_insert_capture(db, &row) || db_commit(db)) {
		db_failure(&run);
		goto fatal;
	}
	goto out;
fatal:
	db_rollback(db);
	result->outcome = INGEST_FATAL;
out:
	if (content.dedup)
		content_hash(&content, cap, err, sizeof err);
	flow_table_free(run.flows);
	defrag_free(run.defrag);
	capture_close(cap);
}
