/* ceiling: the least an ingest into SQLite can do, whose wall time is what
 * tcpladder's ingest is measured against (issue 6). It reads a capture with
 * libpcap, decodes Ethernet/IPv4/TCP with no checks beyond the length of
 * the three headers, finds the connection in an open-addressing hash
 * table, and inserts one 14-column row per segment with one prepared
 * statement inside one transaction (WAL, synchronous=NORMAL), then indexes
 * (flow_id, frame). No states, no analysis, no validation. It is our own
 * copy of the loop of ../shared/bench/ceiling.c, the project's reference,
 * with the same rows and pragmas; unlike it, it checks SQLite's answers,
 * grows its table, and closes the database (so no -wal file stays).
 * Usage: ceiling IN.pcap OUT.db; prints "FRAMES frames FLOWS flows". */
#include <pcap/pcap.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A connection's key with the lower (address, port) first, so both
 * directions find the same entry. */
struct key {
	uint32_t a, b;
	uint16_t pa, pb;
};

struct entry {
	struct key k;
	int64_t id;        /* 0: slot empty */
	uint32_t isn[2];   /* per direction, 0 = a to b */
};

struct table {
	struct entry *e;
	size_t mask, used;
};

static sqlite3 *db;

static void die(const char *what)
{
	fprintf(stderr, "ceiling: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
	exit(1);
}

static size_t key_hash(const struct key *k)
{
	uint64_t x = (uint64_t)k->a * 0x9e3779b97f4a7c15ull ^
	             (uint64_t)k->b * 0xc2b2ae3d27d4eb4full ^
	             ((uint64_t)k->pa << 16 | k->pb) * 0x165667b19e3779f9ull;
	return (size_t)(x >> 32);
}

static struct entry *slot(struct table *t, const struct key *k)
{
	size_t i = key_hash(k) & t->mask;
	while (t->e[i].id && memcmp(&t->e[i].k, k, sizeof *k))
		i = (i + 1) & t->mask;
	return &t->e[i];
}

/* Doubles the table at half full, so probes stay short. */
static void grow(struct table *t)
{
	struct table n = {calloc(2 * (t->mask + 1), sizeof *n.e), 2 * t->mask + 1, t->used};
	if (!n.e)
		die("out of memory");
	for (size_t i = 0; i <= t->mask; i++)
		if (t->e[i].id)
			*slot(&n, &t->e[i].k) = t->e[i];
	free(t->e);
	*t = n;
}

static void exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
}

static void step(sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die("insert");
	sqlite3_reset(st);
}

static uint32_t be32(const u_char *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	if (argc != 3) {
		fprintf(stderr, "usage: ceiling IN.pcap OUT.db\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "ceiling: %s\n", err);
		return 1;
	}
	unlink(argv[2]);
	if (sqlite3_open(argv[2], &db) != SQLITE_OK)
		die(argv[2]);
	exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	     "CREATE TABLE flows(flow_id INTEGER PRIMARY KEY, client_ip TEXT,"
	     " client_port INT, server_ip TEXT, server_port INT, first_frame INT);"
	     "CREATE TABLE segments(flow_id INT, frame INT, ts_ns INT,"
	     " from_client INT, flags INT, seq INT, ack INT, rel_seq INT,"
	     " rel_ack INT, len INT, win INT, client_state TEXT,"
	     " server_state TEXT, analysis INT);"
	     "BEGIN;");
	sqlite3_stmt *seg, *flow;
	if (sqlite3_prepare_v2(db, "INSERT INTO segments VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	                       -1, &seg, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO flows VALUES(?,?,?,?,?,?)", -1, &flow,
	                       NULL) != SQLITE_OK)
		die("prepare");

	struct table t = {calloc(1024, sizeof *t.e), 1023, 0};
	if (!t.e)
		die("out of memory");
	struct pcap_pkthdr *h;
	const u_char *d;
	int64_t frame = 0, flows = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		frame++;
		if (h->caplen < 54 || d[12] != 0x08 || d[13] != 0x00 || d[23] != 6)
			continue;
		const u_char *ip = d + 14, *tcp = ip + (ip[0] & 15) * 4;
		if (tcp + 20 > d + h->caplen)
			continue;
		uint32_t src = be32(ip + 12), dst = be32(ip + 16);
		uint16_t sport = tcp[0] << 8 | tcp[1], dport = tcp[2] << 8 | tcp[3];
		int dir = !(src < dst || (src == dst && sport < dport));
		struct key k = dir ? (struct key){dst, src, dport, sport}
		                   : (struct key){src, dst, sport, dport};
		uint32_t seq = be32(tcp + 4), ack = be32(tcp + 8);

		struct entry *e = slot(&t, &k);
		if (!e->id) {
			if (2 * (t.used + 1) > t.mask + 1) {
				grow(&t);
				e = slot(&t, &k);
			}
			t.used++;
			e->k = k;
			e->id = ++flows;
			e->isn[dir] = seq;
			e->isn[!dir] = ack - 1;
			char a[16], b[16];
			snprintf(a, sizeof a, "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
			snprintf(b, sizeof b, "%u.%u.%u.%u", ip[16], ip[17], ip[18], ip[19]);
			sqlite3_bind_int64(flow, 1, e->id);
			sqlite3_bind_text(flow, 2, a, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(flow, 3, sport);
			sqlite3_bind_text(flow, 4, b, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(flow, 5, dport);
			sqlite3_bind_int64(flow, 6, frame);
			step(flow);
		}
		int len = (ip[2] << 8 | ip[3]) - (int)(tcp - ip) - (tcp[12] >> 4) * 4;
		sqlite3_bind_int64(seg, 1, e->id);
		sqlite3_bind_int64(seg, 2, frame);
		sqlite3_bind_int64(seg, 3, (int64_t)h->ts.tv_sec * 1000000000 +
		                               (int64_t)h->ts.tv_usec * 1000);
		sqlite3_bind_int(seg, 4, dir == 0);
		sqlite3_bind_int(seg, 5, tcp[13]);
		sqlite3_bind_int64(seg, 6, seq);
		sqlite3_bind_int64(seg, 7, ack);
		sqlite3_bind_int64(seg, 8, (uint32_t)(seq - e->isn[dir]));
		sqlite3_bind_int64(seg, 9, (uint32_t)(ack - e->isn[!dir]));
		sqlite3_bind_int(seg, 10, len);
		sqlite3_bind_int(seg, 11, tcp[14] << 8 | tcp[15]);
		sqlite3_bind_text(seg, 12, "ESTABLISHED", -1, SQLITE_STATIC);
		sqlite3_bind_text(seg, 13, "ESTABLISHED", -1, SQLITE_STATIC);
		sqlite3_bind_int(seg, 14, 0);
		step(seg);
	}
	exec("COMMIT;");
	exec("CREATE INDEX seg_flow ON segments(flow_id, frame);");
	sqlite3_finalize(seg);
	sqlite3_finalize(flow);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close");
	pcap_close(p);
	free(t.e);
	printf("%lld frames %lld flows\n", (long long)frame, (long long)flows);
	return 0;
}
