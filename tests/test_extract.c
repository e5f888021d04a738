/* extract: a flow's packets cut from its capture equal, packet for packet
 * (link type, interface, time to the nanosecond, lengths, bytes), what
 * tshark writes for the same frames (`tshark -r SRC -Y 'frame.number in
 * {...}' -w REF`), on real captures of ../shared/corpus (pcap of either
 * precision, pcapng of several link types and interfaces, IPv6, tunnels,
 * gzip in and out, a joined ring); both files are read back through
 * tcpladder's reader (libpcap for pcap) and printed by tshark, and both
 * must agree. Then what it must refuse: a capture changed since ingest,
 * one read from stdin, one moved (found again with --search), link types
 * one pcap cannot hold, and a database whose frames the file lacks. The
 * corpus tests pass over (and say so) when the corpus or tshark is absent. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "capwrite.h"
#include "suites.h"
#include "testutil.h"

#define BIN "../tcpladder"
#define CORPUS "../../shared/corpus"
#define TUNNELS "../../shared/corpus-tunnels"

static bool present(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && tu_have("tshark"))
		return true;
	fprintf(stderr, "extract: %s or tshark absent: test passed over\n", path);
	return false;
}

struct packet {
	int dlt;
	uint32_t iface; /* pcapng: the interface in the file */
	int64_t ts_ns;
	uint32_t caplen, len;
	uint8_t *data;
	bool commented; /* pcapng: carries "tcpladder flow" */
};

/* Every packet of a capture file, through capture.c as ingest reads. */
static struct packet *read_all(const char *path, size_t *n)
{
	char err[512];
	struct capture *cap = capture_open(path, false, err, sizeof err);
	ck_assert_msg(cap != NULL, "%s: %s", path, err);
	struct packet *out = NULL;
	size_t len = 0;
	struct capture_packet p;
	int rc;
	while ((rc = capture_next(cap, &p)) == 1) {
		out = realloc(out, (len + 1) * sizeof *out);
		ck_assert_ptr_nonnull(out);
		const struct pcapng_packet *ng = capture_pcapng_packet(cap);
		struct packet *k = &out[len++];
		*k = (struct packet){.dlt = p.dlt, .iface = ng ? ng->interface_id : 0,
		                     .ts_ns = p.ts_ns, .caplen = p.caplen, .len = p.len,
		                     .data = malloc(p.caplen + 1)};
		memcpy(k->data, p.data, p.caplen);
		if (ng && ng->options)
			k->commented = memmem(ng->options, ng->options_len, "tcpladder flow", 14);
	}
	ck_assert_msg(rc == 0, "%s: %s", path, capture_error(cap));
	capture_close(cap);
	*n = len;
	return out;
}

static void free_all(struct packet *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].data);
	free(p);
}

/* ours and ref hold the same packets; ours names a flow in each when
 * it is pcapng. Also as tshark prints them, time as seconds since the
 * epoch, the hex of every byte included. */
static void assert_same_packets(const char *ours, const char *ref, size_t want, bool pcapng)
{
	size_t n1, n2;
	struct packet *a = read_all(ours, &n1), *b = read_all(ref, &n2);
	ck_assert_msg(n1 == n2, "%s has %zu packets, tshark's %s %zu", ours, n1, ref, n2);
	ck_assert_uint_eq(n1, want);
	for (size_t i = 0; i < n1; i++) {
		ck_assert_msg(a[i].dlt == b[i].dlt, "%s packet %zu: link type %d, tshark's %d", ours,
		              i + 1, a[i].dlt, b[i].dlt);
		ck_assert_msg(a[i].ts_ns == b[i].ts_ns, "%s packet %zu: time %lld, tshark's %lld",
		              ours, i + 1, (long long)a[i].ts_ns, (long long)b[i].ts_ns);
		ck_assert_msg(a[i].caplen == b[i].caplen && a[i].len == b[i].len,
		              "%s packet %zu: lengths %u/%u, tshark's %u/%u", ours, i + 1,
		              a[i].caplen, a[i].len, b[i].caplen, b[i].len);
		ck_assert_msg(memcmp(a[i].data, b[i].data, a[i].caplen) == 0,
		              "%s packet %zu: bytes differ", ours, i + 1);
		if (pcapng) {
			ck_assert_msg(a[i].iface == b[i].iface, "%s packet %zu: interface %u, tshark's %u",
			              ours, i + 1, a[i].iface, b[i].iface);
			ck_assert_msg(a[i].commented, "%s packet %zu names no flow", ours, i + 1);
		}
	}
	free_all(a, n1);
	free_all(b, n2);
	ck_assert_int_eq(tu_sh("tshark -r %s -t e -x > %s.txt 2>/dev/null && "
	                       "tshark -r %s -t e -x > %s.txt 2>/dev/null && cmp -s %s.txt %s.txt",
	                       ours, ours, ref, ref, ours, ref),
	                 0);
}

/* The frames of the flows a condition chooses, "1,2,3", and how many. */
static char *frames_of(const char *db, const char *where, long long *count)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT group_concat(frame, ',') FROM (SELECT DISTINCT frame FROM segment_rows"
	         " WHERE flow_id IN (SELECT id FROM flows_view WHERE %s) ORDER BY frame)", where);
	char *s = tu_query(db, sql);
	s[strcspn(s, "\n")] = '\0';
	snprintf(sql, sizeof sql,
	         "SELECT count(DISTINCT frame) FROM segment_rows"
	         " WHERE flow_id IN (SELECT id FROM flows_view WHERE %s)", where);
	*count = tu_query_int(db, sql);
	return s;
}

struct corpus_case {
	const char *file;     /* under CORPUS or TUNNELS */
	bool tunnels;
	const char *where;    /* the flows, of its flows_view */
	const char *out;      /* our file's name: its extension says the format */
	const char *tshark_format; /* tshark's -F for the reference */
	bool gzip_source;     /* ingested as a .gz copy */
};

static const struct corpus_case cases[] = {
	/* Classic pcap, microseconds, one flow of 54 packets. */
	{"tcpdump__ssh.pcap", false, "1", "ssh.pcap", "pcap", false},
	/* Nanosecond pcap stays nanosecond. */
	{"zeek__http_get-to-ssh-server.pcap", false, "1", "ns.pcap", "nsecpcap", false},
	/* pcapng: two interfaces of two link types, nanosecond stamps;
	 * a few flows of the ones it holds. */
	{"pcapplusplus__pcapng-example.pcapng", false, "id % 3 = 1", "ex.pcapng", "pcapng",
	 false},
	/* pcapng with eleven interfaces, its flows on later ones. */
	{"pcapplusplus__many_interfaces-1.pcapng", false, "1", "many.pcapng", "pcapng", false},
	/* IPv6, read from gzip, written as pcapng. */
	{"zeek__port4242.pcap", false, "1", "v6.pcapng", "pcapng", true},
	/* Retransmissions and losses: every frame, written through gzip. */
	{"zeek__tcp_reassembly.pcap", false, "1", "re.pcap.gz", "pcap", false},
	/* Tunnels: the outer frames, whole. */
	{"zeek__tunnels_vxlan-encapsulated-http.pcap", true, "1", "vxlan.pcap", "pcap", false},
	{"suricata-verify__bug-4571-03_ipv6_over_ipv6.pcap", true, "1", "6in6.pcapng", "pcapng",
	 false},
	/* A capture whose end is damaged: its flows' frames come before. */
	{"suricata-verify__bug-1450-04_tls_DER-incomplete-header.pcap", false, "1", "cut.pcap",
	 "pcap", false},
};

START_TEST(extract_equals_tshark_on_the_corpus)
{
	const struct corpus_case *c = &cases[_i];
	char src[256], dir[64], db[128], ours[256], ref[256], in[512];
	snprintf(src, sizeof src, "%s/%s", c->tunnels ? TUNNELS : CORPUS, c->file);
	if (!present(src))
		return;
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(in, sizeof in, "%s", src);
	if (c->gzip_source) {
		snprintf(in, sizeof in, "%s/%s.gz", dir, c->file);
		ck_assert_int_eq(tu_sh("gzip -c %s > %s", src, in), 0);
	}
	int rc = tu_sh(BIN " ingest -q -d %s %s 2>/dev/null", db, in);
	ck_assert_msg(rc == 0 || rc == 1, "ingest %s exited %d", in, rc);
	long long count;
	char *frames = frames_of(db, c->where, &count);
	ck_assert_msg(count > 0, "%s: no flow chosen by %s", c->file, c->where);
	snprintf(ours, sizeof ours, "%s/%s", dir, c->out);
	ck_assert_int_eq(tu_sh(BIN " extract -q -d %s --where '%s' -o %s", db, c->where, ours), 0);
	snprintf(ref, sizeof ref, "%s/ref.%s", dir, c->tshark_format);
	/* tshark says 2 for a damaged capture, having written what it read. */
	rc = tu_sh("tshark -r %s -Y 'frame.number in {%s}' -F %s -w %s 2>/dev/null", src, frames,
	           c->tshark_format, ref);
	ck_assert_msg(rc == 0 || (rc == 2 && strstr(c->out, "cut")), "tshark exited %d", rc);
	if (strstr(c->out, ".gz")) {
		/* Written through gzip: gunzip's copy is the capture. */
		ck_assert_int_eq(tu_sh("gzip -t %s", ours), 0);
		ck_assert_int_eq(tu_sh("gunzip -c %s > %s/plain.pcap", ours, dir), 0);
		snprintf(ours, sizeof ours, "%s/plain.pcap", dir);
	}
	assert_same_packets(ours, ref, (size_t)count, strstr(c->out, ".pcapng") != NULL);
	free(frames);
}
END_TEST

/* A ring of files ingested with --join is cut across its files: the flow
 * spans three, and comes out as from the one file they were split from. */
START_TEST(extract_cuts_a_joined_ring_across_its_files)
{
	const char *src = CORPUS "/tcpdump__ssh.pcap";
	if (!present(src) || !tu_have("editcap"))
		return;
	char dir[64], db[128], ours[128], ref[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh("mkdir %s/ring && editcap -c 20 %s %s/ring/part.pcap", dir, src, dir),
	                 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q --join -d %s %s/ring/*", db, dir), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM capture_files"), 3);
	snprintf(ours, sizeof ours, "%s/ring.pcap", dir);
	snprintf(ref, sizeof ref, "%s/ref.pcap", dir);
	ck_assert_int_eq(tu_sh(BIN " extract -q -d %s --flow 1 -o %s", db, ours), 0);
	ck_assert_int_eq(tu_sh("tshark -r %s -F pcap -w %s 2>/dev/null", src, ref), 0);
	assert_same_packets(ours, ref, 54, false);
}
END_TEST

/* A one-flow scratch archive of the ssh capture, copied to dir/src. */
static void ingest_copy(const char *dir, char db[128], char copy[128])
{
	snprintf(db, 128, "%s/t.db", dir);
	snprintf(copy, 128, "%s/src/ssh.pcap", dir);
	ck_assert_int_eq(tu_sh("mkdir -p %s/src && cp " CORPUS "/tcpdump__ssh.pcap %s", dir, copy),
	                 0);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s", db, copy), 0);
}

START_TEST(extract_finds_a_moved_capture_by_its_content)
{
	if (!present(CORPUS "/tcpdump__ssh.pcap"))
		return;
	char dir[64], db[128], copy[128];
	tu_scratch_dir(dir);
	ingest_copy(dir, db, copy);
	ck_assert_int_eq(tu_sh("mkdir -p %s/else/deeper && mv %s %s/else/deeper/renamed.pcap &&"
	                       " echo junk > %s/else/other.pcap",
	                       dir, copy, dir, dir),
	                 0);
	/* Gone: named, with the way to find it, and no file written. */
	ck_assert_int_eq(tu_sh(BIN " extract -d %s --flow 1 -o %s/out.pcap 2>%s/err", db, dir, dir),
	                 1);
	ck_assert_int_eq(tu_sh("grep -q 'src/ssh.pcap (capture 1) is not there any more.*--search'"
	                       " %s/err",
	                       dir),
	                 0);
	ck_assert_int_eq(tu_sh("test ! -e %s/out.pcap && ! ls %s/out.pcap.tmp-* 2>/dev/null", dir,
	                       dir),
	                 0);
	/* Found under --search, recursively, whatever its name. */
	ck_assert_int_eq(tu_sh(BIN " extract -q -d %s --flow 1 -o %s/out.pcap --search %s/else", db,
	                       dir, dir),
	                 0);
	ck_assert_int_eq(tu_sh("cmp -s %s/out.pcap %s/else/deeper/renamed.pcap", dir, dir), 0);
}
END_TEST

START_TEST(extract_refuses_a_capture_changed_since_ingest)
{
	if (!present(CORPUS "/tcpdump__ssh.pcap"))
		return;
	char dir[64], db[128], copy[128];
	tu_scratch_dir(dir);
	ingest_copy(dir, db, copy);
	/* One byte of one packet changed: the frames are all there still. */
	ck_assert_int_eq(tu_sh("printf 'X' | dd of=%s bs=1 seek=100 conv=notrunc 2>/dev/null", copy),
	                 0);
	ck_assert_int_eq(tu_sh(BIN " extract -d %s --flow 1 -o %s/out.pcapng 2>%s/err", db, dir,
	                       dir),
	                 1);
	ck_assert_int_eq(tu_sh("grep -q '%s (capture 1) has changed since it was ingested' %s/err",
	                       copy, dir),
	                 0);
	ck_assert_int_eq(tu_sh("test ! -e %s/out.pcapng", dir), 0);
	/* --search does not take a file of other content either. */
	ck_assert_int_eq(tu_sh(BIN " extract -d %s --flow 1 -o %s/out.pcapng --search %s/src"
	                       " 2>%s/err",
	                       db, dir, dir, dir),
	                 1);
	ck_assert_int_eq(tu_sh("grep -q 'no file under %s/src has its content' %s/err", dir, dir),
	                 0);
}
END_TEST

START_TEST(extract_refuses_a_capture_read_from_stdin)
{
	if (!present(CORPUS "/tcpdump__ssh.pcap"))
		return;
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	char here[4096];
	ck_assert_ptr_nonnull(getcwd(here, sizeof here));
	ck_assert_int_eq(tu_sh("cd %s && %s/" BIN " ingest -q -d t.db - < %s/" CORPUS
	                       "/tcpdump__ssh.pcap",
	                       dir, here, here),
	                 0);
	ck_assert_int_eq(tu_sh("cd %s && %s/" BIN " extract -d t.db --flow 1 -o out.pcap 2>err", dir,
	                       here),
	                 1);
	ck_assert_int_eq(tu_sh("grep -q 'stdin-[0-9a-f]* (capture 1) was read from stdin: its"
	                       " packets cannot be cut' %s/err",
	                       dir),
	                 0);
}
END_TEST

START_TEST(extract_to_pcap_refuses_two_link_types)
{
	const char *src = CORPUS "/pcapplusplus__pcapng-example.pcapng";
	if (!present(src))
		return;
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s", db, src), 0);
	/* Flows on its Ethernet and on its Linux cooked interface. */
	ck_assert_int_eq(tu_sh(BIN " extract -d %s --where 1 -o %s/out.pcap 2>%s/err", db, dir, dir),
	                 1);
	ck_assert_int_eq(tu_sh("grep -q 'more than one link type.*write .pcapng instead' %s/err",
	                       dir),
	                 0);
	ck_assert_int_eq(tu_sh(BIN " extract -q -d %s --where 1 -o %s/out.pcapng", db, dir), 0);
}
END_TEST

START_TEST(extract_refuses_frames_the_file_lacks)
{
	if (!present(CORPUS "/tcpdump__ssh.pcap"))
		return;
	char dir[64], db[128], copy[128];
	tu_scratch_dir(dir);
	ingest_copy(dir, db, copy);
	ck_assert_int_eq(tu_sh("sqlite3 %s 'UPDATE segment_rows SET frame = 999 WHERE frame = 54'",
	                       db),
	                 0);
	ck_assert_int_eq(tu_sh(BIN " extract -d %s --flow 1 -o %s/out.pcap 2>%s/err", db, dir, dir),
	                 1);
	ck_assert_int_eq(tu_sh("grep -q 'holds 54 frames, but flow 1 has frame 999' %s/err", dir), 0);
}
END_TEST

/* --- a big-endian pcapng, written here --------------------------------- */

struct blk {
	uint8_t b[4096];
	size_t n;
};

static void be16(struct blk *k, uint16_t v)
{
	k->b[k->n++] = (uint8_t)(v >> 8);
	k->b[k->n++] = (uint8_t)v;
}

static void be32(struct blk *k, uint32_t v)
{
	be16(k, (uint16_t)(v >> 16));
	be16(k, (uint16_t)v);
}

static void bytes(struct blk *k, const void *p, size_t n)
{
	if (n)
		memcpy(k->b + k->n, p, n);
	k->n += n;
	while (k->n % 4)
		k->b[k->n++] = 0;
}

static void option(struct blk *k, uint16_t code, const void *p, uint16_t n)
{
	be16(k, code);
	be16(k, n);
	bytes(k, p, n);
}

/* A block: type, length, body, length. */
static void block(FILE *f, uint32_t type, const struct blk *body)
{
	struct blk k = {.n = 0};
	be32(&k, type);
	be32(&k, (uint32_t)body->n + 12);
	memcpy(k.b + k.n, body->b, body->n);
	k.n += body->n;
	be32(&k, (uint32_t)body->n + 12);
	ck_assert_uint_eq(fwrite(k.b, 1, k.n, f), k.n);
}

/* A handshake on interface 1 ("eth9", nanoseconds, if_tsoffset 100 s,
 * if_speed) of a big-endian section, each packet with epb_flags
 * (inbound) and a comment of its own. */
static void write_big_endian_pcapng(const char *path)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	struct blk shb = {.n = 0};
	be32(&shb, 0x1A2B3C4D);
	be16(&shb, 1);
	be16(&shb, 0);
	be32(&shb, 0xFFFFFFFF);
	be32(&shb, 0xFFFFFFFF);
	block(f, 0x0A0D0D0A, &shb);
	for (int i = 0; i < 2; i++) {
		struct blk idb = {.n = 0};
		be16(&idb, 1);
		be16(&idb, 0);
		be32(&idb, 65535);
		if (i == 1) {
			uint8_t resol = 9, off[8] = {0, 0, 0, 0, 0, 0, 0, 100},
			        speed[8] = {0, 0, 0, 0, 0x3b, 0x9a, 0xca, 0};
			option(&idb, 2, "eth9", 4);
			option(&idb, 9, &resol, 1);
			option(&idb, 14, off, 8);
			option(&idb, 8, speed, 8);
			option(&idb, 0, NULL, 0);
		}
		block(f, 1, &idb);
	}
	const uint8_t flags[][2] = {{2, 0}, {2 | 16, 0}, {16, 0}};
	for (int i = 0; i < 3; i++) {
		uint8_t frame[128];
		bool back = i == 1;
		struct cw_tcp t = {.src = back ? 0x0a000002 : 0x0a000001,
		                   .dst = back ? 0x0a000001 : 0x0a000002,
		                   .sport = back ? 80 : 40000, .dport = back ? 40000 : 80,
		                   .seq = back ? 5000 : 1000 + (i == 2), .ack = i == 0 ? 0 : back ? 1001 : 5001,
		                   .flags = flags[i][0]};
		uint32_t len = cw_tcp_frame(frame, &t, 0);
		struct blk epb = {.n = 0};
		be32(&epb, 1);
		uint64_t units = 1700000000000000000ULL + 123456789ULL * (uint64_t)i;
		be32(&epb, (uint32_t)(units >> 32));
		be32(&epb, (uint32_t)units);
		be32(&epb, len);
		be32(&epb, len);
		bytes(&epb, frame, len);
		uint8_t inbound[4] = {0, 0, 0, 1};
		option(&epb, 2, inbound, 4);
		option(&epb, 1, "source note", 11);
		option(&epb, 0, NULL, 0);
		block(f, 6, &epb);
	}
	fclose(f);
}

/* The byte order of a section is the source's business: its interface's
 * name, resolution, offset and speed, and each packet's flags and
 * comment, read the same from ours (little-endian) as from it. */
START_TEST(extract_turns_a_big_endian_pcapng_around)
{
	if (!tu_have("tshark"))
		return;
	char dir[64], db[128], src[128], ours[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(src, sizeof src, "%s/be.pcapng", dir);
	snprintf(ours, sizeof ours, "%s/out.pcapng", dir);
	write_big_endian_pcapng(src);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s", db, src), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT packets FROM flows"), 3);
	ck_assert_int_eq(tu_sh(BIN " extract -q -d %s --flow 1 -o %s", db, ours), 0);
	const char *fields = "-e frame.interface_id -e frame.interface_name -e frame.time_epoch"
	                     " -e frame.len -e frame.packet_flags_direction";
	ck_assert_int_eq(tu_sh("tshark -r %s -T fields %s > %s.f 2>/dev/null && tshark -r %s"
	                       " -T fields %s > %s.f 2>/dev/null && cmp -s %s.f %s.f",
	                       src, fields, src, ours, fields, ours, src, ours),
	                 0);
	char path[160];
	snprintf(path, sizeof path, "%s.f", ours);
	char *got = tu_slurp(path);
	ck_assert_msg(strstr(got, "1\teth9\t1700000100.123456789\t") != NULL, "%s", got);
	free(got);
	ck_assert_int_eq(tu_sh("test \"$(tshark -r %s -T fields -e frame.comment 2>/dev/null |"
	                       " sort -u)\" = 'source note,tcpladder flow 1'",
	                       ours),
	                 0);
	ck_assert_int_eq(tu_sh("capinfos %s | grep -q 'Speed = 1000000000'", ours), 0);
}
END_TEST

/* report --pcap: beside each page drawn, the flow's packets, as extract
 * writes them for that flow alone. */
START_TEST(report_pcap_puts_each_flows_packets_beside_its_page)
{
	const char *a = CORPUS "/pcapplusplus__pcapng-example.pcapng", *b = CORPUS "/tcpdump__ssh.pcap";
	if (!present(a) || !present(b))
		return;
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s %s", db, a, b), 0);
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s/r --pcap", db, dir), 0);
	long long flows = tu_query_int(db, "SELECT count(*) FROM flows");
	ck_assert_int_gt(flows, 10);
	for (long long id = 1; id <= flows; id++) {
		char page[160], file[160], alone[160];
		snprintf(page, sizeof page, "%s/r/flows/%lld.html", dir, id);
		snprintf(file, sizeof file, "%s/r/flows/%lld.pcap", dir, id);
		snprintf(alone, sizeof alone, "%s/alone-%lld.pcap", dir, id);
		ck_assert_int_eq(tu_sh("test -f %s", page), 0);
		/* The page links its packets, by the name beside it. */
		ck_assert_int_eq(tu_sh("grep -q '<a id=pcap href=\"%lld.pcap\">' %s", id, page), 0);
		ck_assert_int_eq(tu_sh(BIN " extract -q -d %s --flow %lld -o %s", db, id, alone), 0);
		/* The same packets (the file may be in nanoseconds where the
		 * flow alone needs only microseconds: its capture has both). */
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT packets FROM flows WHERE id = %lld", id);
		size_t n, n2;
		struct packet *p = read_all(file, &n), *q = read_all(alone, &n2);
		ck_assert_uint_eq(n, (size_t)tu_query_int(db, sql));
		ck_assert_uint_eq(n, n2);
		for (size_t k = 0; k < n; k++)
			ck_assert_msg(p[k].ts_ns == q[k].ts_ns && p[k].caplen == q[k].caplen &&
			                      p[k].len == q[k].len && p[k].dlt == q[k].dlt &&
			                      memcmp(p[k].data, q[k].data, p[k].caplen) == 0,
			              "flow %lld packet %zu differs", id, k + 1);
		free_all(p, n);
		free_all(q, n2);
	}
	ck_assert_int_eq(tu_sh("ls %s/r/flows/*.tmp-* 2>/dev/null", dir), 2);
	/* Without --pcap, no link to packets that are not there. */
	ck_assert_int_eq(tu_sh(BIN " report -q -d %s -o %s/plain --flow 1", db, dir), 0);
	ck_assert_int_eq(tu_sh("grep -q 'id=pcap' %s/plain/flows/1.html", dir), 1);
	/* With --standalone there is no folder to put them in. */
	ck_assert_int_eq(tu_sh(BIN " report -d %s --standalone --flow 1 -o %s/x.html --pcap"
	                       " 2>/dev/null",
	                       db, dir),
	                 2);
}
END_TEST

START_TEST(extract_usage_errors)
{
	char dir[64], db[128];
	tu_scratch_dir(dir);
	snprintf(db, sizeof db, "%s/t.db", dir);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s ../examples/seed.pcap", db), 0);
	/* The name says the format. */
	ck_assert_int_eq(tu_sh(BIN " extract -d %s --flow 1 -o %s/out.cap 2>/dev/null", db, dir), 2);
	ck_assert_int_eq(tu_sh(BIN " extract -d %s -o %s/out.pcap 2>/dev/null", db, dir), 2);
	ck_assert_int_eq(tu_sh(BIN " extract -d %s --flow 1 2>/dev/null", db), 2);
	ck_assert_int_eq(tu_sh(BIN " extract -d %s --flow 0 -o %s/o.pcap 2>/dev/null", db, dir), 2);
	/* A flow the database lacks is named. */
	ck_assert_int_eq(tu_sh(BIN " extract -d %s --flow 77 -o %s/o.pcap 2>%s/err", db, dir, dir),
	                 1);
	ck_assert_int_eq(tu_sh("grep -q 'no flow 77 in the database' %s/err", dir), 0);
	ck_assert_int_eq(tu_sh(BIN " extract -d %s --where 'id > 100' -o %s/o.pcap 2>/dev/null", db,
	                       dir),
	                 1);
	/* Not over the capture it is cut from. */
	ck_assert_int_eq(tu_sh("cp ../examples/seed.pcap %s/seed.pcap && " BIN " ingest -q -d %s/s.db"
	                       " %s/seed.pcap && " BIN " extract -d %s/s.db --flow 1 -o %s/seed.pcap"
	                       " 2>%s/err",
	                       dir, dir, dir, dir, dir, dir),
	                 1);
	ck_assert_int_eq(tu_sh("grep -q 'seed.pcap is a capture the flows are cut from' %s/err &&"
	                       " cmp -s %s/seed.pcap ../examples/seed.pcap",
	                       dir, dir),
	                 0);
	/* seed.pcap's one flow, whole. */
	ck_assert_int_eq(tu_sh(BIN " extract -q -d %s --flow 1 -o %s/o.pcap", db, dir), 0);
	ck_assert_int_eq(tu_sh("cmp -s %s/o.pcap ../examples/seed.pcap", dir), 0);
}
END_TEST

Suite *extract_suite(void)
{
	Suite *s = suite_create("extract");
	TCase *tc = tcase_create("extract");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, extract_equals_tshark_on_the_corpus, 0,
	                    sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, extract_cuts_a_joined_ring_across_its_files);
	tcase_add_test(tc, extract_finds_a_moved_capture_by_its_content);
	tcase_add_test(tc, extract_refuses_a_capture_changed_since_ingest);
	tcase_add_test(tc, extract_refuses_a_capture_read_from_stdin);
	tcase_add_test(tc, extract_to_pcap_refuses_two_link_types);
	tcase_add_test(tc, extract_refuses_frames_the_file_lacks);
	tcase_add_test(tc, extract_turns_a_big_endian_pcapng_around);
	tcase_add_test(tc, report_pcap_puts_each_flows_packets_beside_its_page);
	tcase_add_test(tc, extract_usage_errors);
	suite_add_tcase(s, tc);
	return s;
}
