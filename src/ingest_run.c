/* ingest_run: the pipeline of one capture's packets (ingest_internal.h),
 * from whichever files it is read. Per packet: decode, find or start its
 * connection, place its numbers relative to each direction's ISN, run the
 * state machine, write the segment and the state changes it proves, then
 * let connections whose time is up leave memory (their flow rows
 * written). Per-packet work is constant time and allocates nothing but a
 * new connection and, at its second segment (or its first, unless a lone
 * SYN), its state. At the end, the captures row and the commit. */
#include "ingest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "db_pair.h"
#include "defrag.h"
#include "flow_state.h"
#include "vantage.h"
#include "seqnum.h"
#include "tcpstate.h"
#include "zeek.h"

enum { PROGRESS_EVERY = 1 << 14 };

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
	if (run->opt->vantage) {
		uint32_t hashed = seg->payload_captured < PAIR_HASH_BYTES
		                  ? seg->payload_captured : PAIR_HASH_BYTES;
		struct db_segment_keys keys = {
			.flow_id = f->id, .frame = frame,
			.has_ip_id = seg->has_ip_id, .ip_id = seg->ip_id, .ttl = seg->ttl,
			.has_ts = seg->opt.has_timestamps,
			.tsval = seg->opt.ts_val, .tsecr = seg->opt.ts_ecr,
			.has_hash = hashed > 0,
			.hash = hashed ? pair_payload_hash(seg->payload, hashed) : 0,
			.hashed = hashed,
		};
		writer_keys(run->writer, &keys);
	}
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

bool run_read(struct run *run, struct capture *cap, const char *path,
              uint64_t frame_base)
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
		pkt.frame += frame_base;
		if (!run->saw_packet || pkt.ts_ns < run->first_ts_ns)
			run->first_ts_ns = pkt.ts_ns;
		if (!run->saw_packet || pkt.ts_ns > run->now_ns)
			run->now_ns = pkt.ts_ns;
		run->saw_packet = true;
		if (run->opt->progress && pkt.frame % PROGRESS_EVERY == 0) {
			struct ingest_progress p = {.path = path, .packets = pkt.frame,
			                            .bytes_read = capture_bytes_read(cap)};
			run->opt->progress(&p, run->opt->progress_user);
		}
		/* A capture found to be in already is abandoned early: once
		 * the hash is ready, the writer looks it up. */
		if (run->dedup && !run->opt->replace && pkt.frame % 4096 == 0) {
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
	r->packets += capture_frames(cap);
	if (rc < 0) {
		snprintf(r->error, sizeof r->error, "%s", capture_error(cap));
		return false;
	}
	return true;
}


int run_start(struct run *run, struct db *db, const struct ingest_options *opt,
              struct ingest_result *result, uint64_t hash_seed)
{
	run->db = db;
	run->opt = opt;
	run->result = result;
	run->flows = flow_table_new(&opt->limits, hash_seed);
	run->defrag = defrag_new(&opt->defrag, hash_seed);
	if (!run->flows || !run->defrag) {
		snprintf(result->error, sizeof result->error, "out of memory");
		result->outcome = INGEST_FATAL;
		return -1;
	}
	if (db_begin_load(db)) {
		db_failure(run);
		result->outcome = INGEST_FATAL;
		return -1;
	}
	if (db_next_ids(db, &run->capture_id, &run->next_flow_id)) {
		db_failure(run);
		run_abandon(run);
		result->outcome = INGEST_FATAL;
		return -1;
	}
	run->writer = writer_start(db);
	if (!run->writer) {
		snprintf(result->error, sizeof result->error, "cannot start the writer thread");
		run_abandon(run);
		result->outcome = INGEST_FATAL;
		return -1;
	}
	return 0;
}

int run_drain(struct run *run)
{
	defrag_counts(run->defrag, &run->result->frags);
	struct flow *f;
	while ((f = flow_table_take_any(run->flows)))
		retire(run, f);
	/* The writer is done with the connection: the rest is this thread's. */
	char werr[512];
	int rc = writer_finish(run->writer, werr, sizeof werr);
	run->writer = NULL;
	if (rc) {
		snprintf(run->result->error, sizeof run->result->error, "database: %.480s", werr);
		run->db_failed = true;
	}
	return run->db_failed ? -1 : 0;
}

int run_replaces(struct run *run, int64_t id)
{
	for (size_t i = 0; i < run->nreplaces; i++)
		if (run->replaces[i] == id)
			return 0;
	if (run->nreplaces == run->replaces_cap) {
		size_t cap = run->replaces_cap ? 2 * run->replaces_cap : 8;
		int64_t *more = realloc(run->replaces, cap * sizeof *more);
		if (!more)
			return -1;
		run->replaces = more;
		run->replaces_cap = cap;
	}
	run->replaces[run->nreplaces++] = id;
	return 0;
}

/* The stored captures in the way go in this capture's transaction: a
 * reading that fails leaves them as they were. */
static int forget_replaced(struct run *run)
{
	struct ingest_result *r = run->result;
	r->replaced_partial = run->nreplaces > 0;
	for (size_t i = 0; i < run->nreplaces; i++) {
		struct db_stored_capture old;
		bool found;
		int64_t flows;
		if (db_capture_get(run->db, run->replaces[i], &old, &found))
			return -1;
		if (!found)
			continue;
		if (strcmp(old.status, "partial") != 0)
			r->replaced_partial = false;
		if (db_capture_forget_all(run->db, old.id, &flows))
			return -1;
		if (r->replaced < sizeof r->replaced_id / sizeof r->replaced_id[0])
			r->replaced_id[r->replaced] = old.id;
		r->replaced++;
		r->replaced_flows += (uint64_t)flows;
	}
	return 0;
}

/* The stored captures of this path that this reading replaces: all of
 * them with --replace; else partial ones when this reading is whole (a
 * capture copied in part, then whole). */
static int replaces_at_path(struct run *run, const char *path, bool whole)
{
	int64_t ids[64];
	size_t n;
	if (!run->opt->replace && !whole)
		return 0;
	if (db_captures_at_path(run->db, path, ids, sizeof ids / sizeof ids[0], &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct db_stored_capture c;
		bool found;
		if (db_capture_get(run->db, ids[i], &c, &found))
			return -1;
		if (found && (run->opt->replace || strcmp(c.status, "partial") == 0) &&
		    run_replaces(run, ids[i]))
			return -1;
	}
	return 0;
}

/* A capture read with malformed packets says how many and where the
 * first was, unless a worse error (the file's damage) is said already. */
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

int run_store(struct run *run, const struct run_store *store)
{
	struct ingest_result *result = run->result;
	if (replaces_at_path(run, store->path, store->whole)) {
		db_failure(run);
		run_abandon(run);
		result->outcome = INGEST_FATAL;
		return -1;
	}
	result->outcome = store->whole ? INGEST_OK : INGEST_PARTIAL;
	bad_packets_summary(result);
	const struct defrag_counts *frags = &result->frags;
	const char *name = store->linktype >= 0 ? pcap_datalink_val_to_name(store->linktype)
	                                        : NULL;
	struct db_capture_row row = {
		.id = run->capture_id,
		.path = store->path,
		.sha256_hex = store->sha256_hex,
		.linktype = store->linktype,
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
		.has_ts = run->saw_packet,
		/* The earliest and latest stamps, whatever their order. */
		.first_ts_ns = run->first_ts_ns,
		.last_ts_ns = run->now_ns,
		.status = store->whole ? "ok" : "partial",
		.error = result->error[0] ? result->error : NULL,
		.filter = run->opt->bpf,
	};
	int rc = forget_replaced(run) || db_insert_capture(run->db, &row) ? -1 : 0;
	if (rc == 0 && run->opt->vantage)
		rc = db_capture_set_vantage(run->db, run->capture_id, run->opt->vantage);
	for (unsigned i = 0; rc == 0 && i < store->nfiles; i++)
		rc = db_insert_capture_file(run->db, run->capture_id, &store->files[i]);
	if (rc == 0)
		rc = db_commit(run->db);
	if (rc) {
		db_failure(run);
		db_rollback(run->db);
		result->outcome = INGEST_FATAL;
		return -1;
	}
	result->capture_id = run->capture_id;
	snprintf(result->stored_path, sizeof result->stored_path, "%s", store->path);
	return 0;
}

void run_abandon(struct run *run)
{
	if (run->writer) {
		char werr[512];
		writer_finish(run->writer, werr, sizeof werr);
		run->writer = NULL;
	}
	db_rollback(run->db);
}

void run_free(struct run *run)
{
	flow_table_free(run->flows);
	defrag_free(run->defrag);
	free(run->replaces);
}
