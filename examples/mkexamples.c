/*
 * mkexamples: writes the example captures of examples/ (see README.md
 * there) into the directory named on the command line, overwriting them.
 *
 * Each capture is one const table of segments below, in the order they
 * appear on the wire, with absolute sequence numbers, so that a reader sees
 * the conversation here as tcpdump -S would print it. The code after the
 * tables only turns a row into bytes: Ethernet, IPv4 or IPv6, TCP with its
 * options and a printable payload, with correct IPv4 header and TCP
 * checksums, and hands the frame to libpcap, which writes a classic
 * microsecond pcap file. The program prints nothing on success; on failure
 * it says why on stderr and exits 1. It must never depend on the rest of
 * tcpladder: the examples are the input the tests check tcpladder against.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MS(x) ((x) * 1000u) /* a row's time is in microseconds */

/* TCP flag bits, in header order. */
enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

/* The endpoints a row can name: client, server, and a second client. */
enum host { C, S, C2, NHOSTS };

/* One TCP option, as a list item; END closes a list. */
enum optkind { END, EOL, NOP, MSS_, WSCALE_, SACKOK_, TS_ };
struct tcpopt {
	enum optkind kind;
	uint16_t val; /* MSS or window-scale shift; the TS values are per row */
};
#define MSS(v) { MSS_, (v) }
#define WSCALE(v) { WSCALE_, (v) }
#define SACKOK { SACKOK_, 0 }
#define TS { TS_, 0 }
#define OPT_NOP { NOP, 0 }
#define OPT_EOL { EOL, 0 }
#define OPT_END { END, 0 }

/* One segment on the wire. */
struct seg {
	uint32_t t_us;          /* after the capture's t0 */
	enum host from, to;
	uint8_t flags;
	uint32_t seq, ack;      /* absolute; ack is sent even without ACK */
	uint16_t win;           /* as in the header, unscaled */
	uint16_t len;           /* payload bytes */
	const struct tcpopt *opts; /* NULL: no options */
	uint32_t tsval, tsecr;  /* used by a TS option in opts */
};

struct endpoint {
	const char *addr; /* IPv4 or IPv6 text; NULL: not in this capture */
	uint16_t port;
};

struct capture {
	const char *file;
	int64_t t0; /* Unix seconds */
	struct endpoint hosts[NHOSTS];
	const struct seg *segs;
	size_t nsegs;
	/* IPv6 only: the 1-based frame that carries a Destination Options
	 * header, so that decoders must skip an extension header. */
	size_t dstopts_frame;
};

/* ---- Option layouts --------------------------------------------------- */

/* A macOS SYN, as in the seed; 23 bytes, so one zero byte of padding
 * follows the EOL (tcpdump stops printing at the EOL). */
static const struct tcpopt syn_mac[] = {
	MSS(1460), OPT_NOP, WSCALE(5), OPT_NOP, OPT_NOP, TS, SACKOK, OPT_EOL,
	OPT_END,
};
/* A Linux SYN or SYN,ACK. */
static const struct tcpopt syn_linux[] = {
	MSS(1460), SACKOK, TS, OPT_NOP, WSCALE(7), OPT_END,
};
/* The same over IPv6: 20 bytes less header room. */
static const struct tcpopt syn_linux6[] = {
	MSS(1440), SACKOK, TS, OPT_NOP, WSCALE(7), OPT_END,
};
/* Every later segment of a connection that agreed on timestamps. */
static const struct tcpopt ts[] = { OPT_NOP, OPT_NOP, TS, OPT_END };

/* ---- The captures ----------------------------------------------------- */

/* 1. The seed post's 13 packets, exactly (server 192.168.1.104:9999). */
static const struct seg seed[] = {
/*	time     from to flags      seq         ack         win    len opts       TSval       TSecr */
	{ 542060,  C, S, SYN,       107490516,  0,          65535, 0,  syn_mac,   1508416415, 0 },
	{ 542277,  S, C, SYN | ACK, 2963356419, 107490517,  28960, 0,  syn_linux, 1833338,    1508416415 },
	{ 542315,  C, S, ACK,       107490517,  2963356420, 4117,  0,  ts,        1508416415, 1833338 },
	{ 542616,  S, C, PSH | ACK, 2963356420, 107490517,  227,   5,  ts,        1833338,    1508416415 },
	{ 542661,  C, S, ACK,       107490517,  2963356425, 4117,  0,  ts,        1508416415, 1833338 },
	{ 1677798, C, S, PSH | ACK, 107490517,  2963356425, 4117,  2,  ts,        1508417548, 1833338 },
	{ 1677990, S, C, ACK,       2963356425, 107490519,  227,   0,  ts,        1834473,    1508417548 },
	{ 5171574, C, S, PSH | ACK, 107490519,  2963356425, 4117,  11, ts,        1508421036, 1834473 },
	{ 5171797, S, C, ACK,       2963356425, 107490530,  227,   0,  ts,        1837967,    1508421036 },
	{ 7469414, S, C, FIN | ACK, 2963356425, 107490530,  227,   0,  ts,        1840264,    1508421036 },
	{ 7469473, C, S, ACK,       107490530,  2963356426, 4117,  0,  ts,        1508423330, 1840264 },
	{ 7469603, C, S, FIN | ACK, 107490530,  2963356426, 4117,  0,  ts,        1508423330, 1840264 },
	{ 7470063, S, C, ACK,       2963356426, 107490531,  227,   0,  ts,        1840265,    1508423330 },
};

/* 2. Simultaneous close: the FINs of frames 6 and 7 cross, so the server's
 * FIN does not acknowledge the client's, and each side acks the other's FIN
 * from CLOSING. */
#define SC_C 1234567890u /* client ISN */
#define SC_S 3456789012u /* server ISN */
static const struct seg simultaneous_close[] = {
/*	time     from to flags      seq        ack        win    len opts       TSval   TSecr */
	{ MS(0),   C, S, SYN,       SC_C,      0,         64240, 0,  syn_linux, 100000, 0 },
	{ MS(1),   S, C, SYN | ACK, SC_S,      SC_C + 1,  65160, 0,  syn_linux, 700001, 100000 },
	{ MS(2),   C, S, ACK,       SC_C + 1,  SC_S + 1,  502,   0,  ts,        100002, 700001 },
	{ MS(5),   C, S, PSH | ACK, SC_C + 1,  SC_S + 1,  502,   10, ts,        100005, 700001 },
	{ MS(6),   S, C, ACK,       SC_S + 1,  SC_C + 11, 509,   0,  ts,        700006, 100005 },
	{ MS(10),  C, S, FIN | ACK, SC_C + 11, SC_S + 1,  502,   0,  ts,        100010, 700006 },
	{ MS(11),  S, C, FIN | ACK, SC_S + 1,  SC_C + 11, 509,   0,  ts,        700011, 100005 },
	{ MS(12),  C, S, ACK,       SC_C + 12, SC_S + 2,  502,   0,  ts,        100012, 700011 },
	{ MS(13),  S, C, ACK,       SC_S + 2,  SC_C + 12, 509,   0,  ts,        700013, 100010 },
};

/* 3. Connection refused: a closed port answers the SYN with RST,ACK, as
 * Linux does, with sequence 0, window 0 and no options. */
#define RF_C 2868385280u
static const struct seg refused[] = {
/*	time     from to flags      seq   ack       win    len opts       TSval   TSecr */
	{ MS(0),   C, S, SYN,       RF_C, 0,        64240, 0,  syn_linux, 100000, 0 },
	{ MS(1),   S, C, RST | ACK, 0,    RF_C + 1, 0,     0,  NULL,      0,      0 },
};

/* 4. The client aborts (SO_LINGER 0) after its data was acknowledged. */
#define RA_C 3141592653u
#define RA_S 2718281828u
static const struct seg rst_abort[] = {
/*	time     from to flags      seq        ack        win    len opts       TSval   TSecr */
	{ MS(0),   C, S, SYN,       RA_C,      0,         64240, 0,  syn_linux, 100000, 0 },
	{ MS(1),   S, C, SYN | ACK, RA_S,      RA_C + 1,  65160, 0,  syn_linux, 700001, 100000 },
	{ MS(2),   C, S, ACK,       RA_C + 1,  RA_S + 1,  502,   0,  ts,        100002, 700001 },
	{ MS(5),   C, S, PSH | ACK, RA_C + 1,  RA_S + 1,  502,   20, ts,        100005, 700001 },
	{ MS(6),   S, C, ACK,       RA_S + 1,  RA_C + 21, 509,   0,  ts,        700006, 100005 },
	{ MS(10),  C, S, RST | ACK, RA_C + 21, RA_S + 1,  502,   0,  ts,        100010, 700006 },
};

/* 5. Mid-stream: no handshake, and the server speaks first, so only the
 * port rule (443 < 1024) says who the server is. MD_C and MD_S are the
 * next sequence numbers each side sends when the capture starts. */
#define MD_C 123456789u
#define MD_S 3000000000u
static const struct seg midstream[] = {
/*	time     from to flags      seq         ack         win  len  opts TSval   TSecr */
	{ MS(0),   S, C, PSH | ACK, MD_S,       MD_C,       509, 50,  ts,  700000, 100000 },
	{ MS(1),   C, S, ACK,       MD_C,       MD_S + 50,  502, 0,   ts,  100001, 700000 },
	{ MS(5),   C, S, PSH | ACK, MD_C,       MD_S + 50,  502, 100, ts,  100005, 700000 },
	{ MS(6),   S, C, ACK,       MD_S + 50,  MD_C + 100, 509, 0,   ts,  700006, 100005 },
	{ MS(10),  C, S, FIN | ACK, MD_C + 100, MD_S + 50,  502, 0,   ts,  100010, 700006 },
	{ MS(11),  S, C, FIN | ACK, MD_S + 50,  MD_C + 101, 509, 0,   ts,  700011, 100010 },
	{ MS(12),  C, S, ACK,       MD_C + 101, MD_S + 51,  502, 0,   ts,  100012, 700011 },
};

/* 6. Port reuse: connection A (frames 1-7) with a retransmitted SYN (same
 * ISN, not a new connection); connection B (8-11) on the same 4-tuple with
 * a new ISN after A closed; then a second client whose unanswered SYNs use
 * two ISNs, which makes two connections (12 and 13). */
#define PA_C 1000u       /* connection A */
#define PA_S 2000000000u
#define PB_C 500000u     /* connection B */
#define PB_S 2100000000u
static const struct seg port_reuse[] = {
/*	time       from to flags      seq       ack       win    len opts       TSval   TSecr */
	{ MS(0),     C, S, SYN,       PA_C,     0,        64240, 0,  syn_linux, 100000, 0 },
	{ MS(1000),  C, S, SYN,       PA_C,     0,        64240, 0,  syn_linux, 101000, 0 },
	{ MS(1001),  S, C, SYN | ACK, PA_S,     PA_C + 1, 65160, 0,  syn_linux, 700001, 101000 },
	{ MS(1002),  C, S, ACK,       PA_C + 1, PA_S + 1, 502,   0,  ts,        101002, 700001 },
	{ MS(1010),  C, S, FIN | ACK, PA_C + 1, PA_S + 1, 502,   0,  ts,        101010, 700001 },
	{ MS(1011),  S, C, FIN | ACK, PA_S + 1, PA_C + 2, 509,   0,  ts,        700011, 101010 },
	{ MS(1012),  C, S, ACK,       PA_C + 2, PA_S + 2, 502,   0,  ts,        101012, 700011 },
	{ MS(3012),  C, S, SYN,       PB_C,     0,        64240, 0,  syn_linux, 103012, 0 },
	{ MS(3013),  S, C, SYN | ACK, PB_S,     PB_C + 1, 65160, 0,  syn_linux, 702013, 103012 },
	{ MS(3014),  C, S, ACK,       PB_C + 1, PB_S + 1, 502,   0,  ts,        103014, 702013 },
	{ MS(3020),  C, S, RST | ACK, PB_C + 1, PB_S + 1, 502,   0,  ts,        103020, 702013 },
	{ MS(4000),  C2, S, SYN,      7000,     0,        64240, 0,  syn_linux, 200000, 0 },
	{ MS(5000),  C2, S, SYN,      9000,     0,        64240, 0,  syn_linux, 201000, 0 },
};

/* 7. Both sequence spaces wrap: the client's sixth 100-byte segment and
 * the server's 50-byte segment cross 2^32 (unsigned arithmetic wraps the
 * macros below just as TCP does). */
#define SW_C 0xFFFFFE00u
#define SW_S 0xFFFFFFF0u
static const struct seg seq_wrap[] = {
/*	time     from to flags      seq         ack         win    len opts       TSval   TSecr */
	{ MS(0),   C, S, SYN,       SW_C,       0,          64240, 0,  syn_linux, 100000, 0 },
	{ MS(1),   S, C, SYN | ACK, SW_S,       SW_C + 1,   65160, 0,  syn_linux, 700001, 100000 },
	{ MS(2),   C, S, ACK,       SW_C + 1,   SW_S + 1,   502,   0,  ts,        100002, 700001 },
	{ MS(5),   C, S, PSH | ACK, SW_C + 1,   SW_S + 1,   502,   100, ts,       100005, 700001 },
	{ MS(6),   S, C, ACK,       SW_S + 1,   SW_C + 101, 509,   0,  ts,        700006, 100005 },
	{ MS(7),   C, S, PSH | ACK, SW_C + 101, SW_S + 1,   502,   100, ts,       100007, 700006 },
	{ MS(8),   S, C, ACK,       SW_S + 1,   SW_C + 201, 509,   0,  ts,        700008, 100007 },
	{ MS(9),   C, S, PSH | ACK, SW_C + 201, SW_S + 1,   502,   100, ts,       100009, 700008 },
	{ MS(10),  S, C, ACK,       SW_S + 1,   SW_C + 301, 509,   0,  ts,        700010, 100009 },
	{ MS(11),  C, S, PSH | ACK, SW_C + 301, SW_S + 1,   502,   100, ts,       100011, 700010 },
	{ MS(12),  S, C, ACK,       SW_S + 1,   SW_C + 401, 509,   0,  ts,        700012, 100011 },
	{ MS(13),  C, S, PSH | ACK, SW_C + 401, SW_S + 1,   502,   100, ts,       100013, 700012 },
	{ MS(14),  S, C, ACK,       SW_S + 1,   SW_C + 501, 509,   0,  ts,        700014, 100013 },
	{ MS(15),  C, S, PSH | ACK, SW_C + 501, SW_S + 1,   502,   100, ts,       100015, 700014 },
	{ MS(16),  S, C, ACK,       SW_S + 1,   SW_C + 601, 509,   0,  ts,        700016, 100015 },
	{ MS(20),  S, C, PSH | ACK, SW_S + 1,   SW_C + 601, 509,   50, ts,        700020, 100015 },
	{ MS(21),  C, S, ACK,       SW_C + 601, SW_S + 51,  502,   0,  ts,        100021, 700020 },
	{ MS(25),  C, S, FIN | ACK, SW_C + 601, SW_S + 51,  502,   0,  ts,        100025, 700020 },
	{ MS(26),  S, C, FIN | ACK, SW_S + 51,  SW_C + 602, 509,   0,  ts,        700026, 100025 },
	{ MS(27),  C, S, ACK,       SW_C + 602, SW_S + 52,  502,   0,  ts,        100027, 700026 },
};

/* 8. IPv6, with a Destination Options header on the client's data
 * (frame 4, see dstopts_frame below). */
#define V6_C 4000000000u
#define V6_S 12345u
static const struct seg ipv6[] = {
/*	time     from to flags      seq        ack        win    len opts        TSval   TSecr */
	{ MS(0),   C, S, SYN,       V6_C,      0,         64800, 0,  syn_linux6, 100000, 0 },
	{ MS(1),   S, C, SYN | ACK, V6_S,      V6_C + 1,  64260, 0,  syn_linux6, 700001, 100000 },
	{ MS(2),   C, S, ACK,       V6_C + 1,  V6_S + 1,  507,   0,  ts,         100002, 700001 },
	{ MS(5),   C, S, PSH | ACK, V6_C + 1,  V6_S + 1,  507,   30, ts,         100005, 700001 },
	{ MS(6),   S, C, ACK,       V6_S + 1,  V6_C + 31, 502,   0,  ts,         700006, 100005 },
	{ MS(8),   S, C, PSH | ACK, V6_S + 1,  V6_C + 31, 502,   40, ts,         700008, 100005 },
	{ MS(9),   C, S, ACK,       V6_C + 31, V6_S + 41, 507,   0,  ts,         100009, 700008 },
	{ MS(15),  C, S, FIN | ACK, V6_C + 31, V6_S + 41, 507,   0,  ts,         100015, 700008 },
	{ MS(16),  S, C, FIN | ACK, V6_S + 41, V6_C + 32, 502,   0,  ts,         700016, 100015 },
	{ MS(17),  C, S, ACK,       V6_C + 32, V6_S + 42, 507,   0,  ts,         100017, 700016 },
};

/* 9. A server that stalls, for the SQL recipes of docs/queries.md. First
 * connection: the server's buffer fills (a zero window, frame 5) and opens
 * again (a window update, 6); the client then closes, the server
 * acknowledges the FIN and never sends its own, so the capture ends with
 * the client in FIN_WAIT_2 and the server in CLOSE_WAIT, the mark of an
 * application that does not close its sockets. Second connection (C2):
 * the client's data is retransmitted after 210 ms (15) and the connection
 * is still open when the capture ends. */
#define ST_C 2222222222u
#define ST_S 3333333333u
#define ST_C2 444444444u
#define ST_S2 555555555u
static const struct seg stalled[] = {
/*	time       from to  flags      seq          ack          win    len   opts       TSval   TSecr */
	{ MS(0),     C,  S, SYN,       ST_C,        0,           64240, 0,    syn_linux, 100000, 0 },
	{ MS(1),     S,  C, SYN | ACK, ST_S,        ST_C + 1,    65160, 0,    syn_linux, 700001, 100000 },
	{ MS(2),     C,  S, ACK,       ST_C + 1,    ST_S + 1,    502,   0,    ts,        100002, 700001 },
	{ MS(5),     C,  S, PSH | ACK, ST_C + 1,    ST_S + 1,    502,   1000, ts,        100005, 700001 },
	{ MS(6),     S,  C, ACK,       ST_S + 1,    ST_C + 1001, 0,     0,    ts,        700006, 100005 },
	{ MS(300),   S,  C, ACK,       ST_S + 1,    ST_C + 1001, 509,   0,    ts,        700300, 100005 },
	{ MS(305),   C,  S, PSH | ACK, ST_C + 1001, ST_S + 1,    502,   500,  ts,        100305, 700300 },
	{ MS(306),   S,  C, ACK,       ST_S + 1,    ST_C + 1501, 509,   0,    ts,        700306, 100305 },
	{ MS(310),   C,  S, FIN | ACK, ST_C + 1501, ST_S + 1,    502,   0,    ts,        100310, 700306 },
	{ MS(311),   S,  C, ACK,       ST_S + 1,    ST_C + 1502, 509,   0,    ts,        700311, 100310 },
	{ MS(1000),  C2, S, SYN,       ST_C2,       0,           64240, 0,    syn_linux, 200000, 0 },
	{ MS(1003),  S, C2, SYN | ACK, ST_S2,       ST_C2 + 1,   65160, 0,    syn_linux, 701003, 200000 },
	{ MS(1004),  C2, S, ACK,       ST_C2 + 1,   ST_S2 + 1,   502,   0,    ts,        200004, 701003 },
	{ MS(1010),  C2, S, PSH | ACK, ST_C2 + 1,   ST_S2 + 1,   502,   100,  ts,        200010, 701003 },
	{ MS(1220),  C2, S, PSH | ACK, ST_C2 + 1,   ST_S2 + 1,   502,   100,  ts,        200220, 701003 },
	{ MS(1221),  S, C2, ACK,       ST_S2 + 1,   ST_C2 + 101, 509,   0,    ts,        701221, 200220 },
};

#define T2016 INT64_C(1478563160) /* 2016-11-07T23:59:20Z, the seed's */
#define T2024 INT64_C(1704067200) /* 2024-01-01T00:00:00Z */
#define SEGS(a) .segs = (a), .nsegs = ARRAY_LEN(a)

static const struct capture captures[] = {
	{ .file = "seed.pcap", .t0 = T2016, SEGS(seed),
	  .hosts = { [C] = { "192.168.1.103", 59850 },
		     [S] = { "192.168.1.104", 9999 } } },
	{ .file = "simultaneous-close.pcap", .t0 = T2024, SEGS(simultaneous_close),
	  .hosts = { [C] = { "10.0.0.1", 40000 }, [S] = { "10.0.0.2", 80 } } },
	{ .file = "refused.pcap", .t0 = T2024, SEGS(refused),
	  .hosts = { [C] = { "10.0.0.1", 40000 }, [S] = { "10.0.0.2", 80 } } },
	{ .file = "rst-abort.pcap", .t0 = T2024, SEGS(rst_abort),
	  .hosts = { [C] = { "10.0.0.1", 40000 }, [S] = { "10.0.0.2", 80 } } },
	{ .file = "midstream.pcap", .t0 = T2024, SEGS(midstream),
	  .hosts = { [C] = { "10.0.0.1", 51000 }, [S] = { "10.0.0.2", 443 } } },
	{ .file = "port-reuse.pcap", .t0 = T2024, SEGS(port_reuse),
	  .hosts = { [C] = { "10.0.0.1", 40000 }, [S] = { "10.0.0.2", 80 },
		     [C2] = { "10.0.0.3", 40001 } } },
	{ .file = "seq-wrap.pcap", .t0 = T2024, SEGS(seq_wrap),
	  .hosts = { [C] = { "10.0.0.1", 40000 }, [S] = { "10.0.0.2", 80 } } },
	{ .file = "ipv6.pcap", .t0 = T2024, SEGS(ipv6), .dstopts_frame = 4,
	  .hosts = { [C] = { "2001:db8::1", 40000 }, [S] = { "2001:db8::2", 22 } } },
	{ .file = "stalled.pcap", .t0 = T2024, SEGS(stalled),
	  .hosts = { [C] = { "10.0.0.1", 40000 }, [S] = { "10.0.0.2", 80 },
		     [C2] = { "10.0.0.3", 40001 } } },
};

/* ---- The packet builder ----------------------------------------------- */

#define ETH_LEN 14
#define IP4_LEN 20
#define IP6_LEN 40
#define DSTOPTS_LEN 8
#define TCP_LEN 20
#define TCP_OPT_MAX 40
#define PAYLOAD_MAX 1400
#define FRAME_MAX (ETH_LEN + IP6_LEN + DSTOPTS_LEN + TCP_LEN + TCP_OPT_MAX + PAYLOAD_MAX)
#define PROTO_TCP 6
#define PROTO_DSTOPTS 60

/* An endpoint's parsed address. */
struct addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t ip[16]; /* 4 bytes used for IPv4 */
};

/* What writing one capture needs; nothing outlives write_capture(). */
struct writer {
	const struct capture *cap;
	struct addr addrs[NHOSTS];
	uint16_t ipid[NHOSTS]; /* each host's next IPv4 ID */
	uint8_t frame[FRAME_MAX];
	char *err;
	size_t errlen;
};

static int fail(struct writer *w, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(w->err, w->errlen, "%s: ", w->cap->file);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < w->errlen)
		vsnprintf(w->err + n, w->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* RFC 1071: the one's-complement sum of 16-bit words; an odd last byte is
 * padded with zero. Callers chain it over even-length pieces only. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n % 2)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Writes the options of s into p, padded with zeros (EOL) to a multiple of
 * four bytes as the data offset requires; returns their length or -1. */
static int put_options(struct writer *w, const struct seg *s, uint8_t *p)
{
	size_t n = 0;

	for (const struct tcpopt *o = s->opts; o && o->kind != END; o++) {
		uint8_t b[10]; /* kind, length, value: RFC 9293 3.1, RFC 7323 */
		size_t k = 0;

		switch (o->kind) {
		case END:
			break;
		case EOL:
			b[0] = 0;
			k = 1;
			break;
		case NOP:
			b[0] = 1;
			k = 1;
			break;
		case MSS_:
			b[0] = 2;
			b[1] = 4;
			put16(b + 2, o->val);
			k = 4;
			break;
		case WSCALE_:
			b[0] = 3;
			b[1] = 3;
			b[2] = (uint8_t)o->val;
			k = 3;
			break;
		case SACKOK_:
			b[0] = 4;
			b[1] = 2;
			k = 2;
			break;
		case TS_:
			b[0] = 8;
			b[1] = 10;
			put32(b + 2, s->tsval);
			put32(b + 6, s->tsecr);
			k = 10;
			break;
		}
		if (n + k > TCP_OPT_MAX)
			return fail(w, "options longer than %d bytes", TCP_OPT_MAX);
		memcpy(p + n, b, k);
		n += k;
	}
	/* Zeros are EOLs: padding that any reader stops at. */
	while (n % 4)
		p[n++] = 0;
	return (int)n;
}

/* Any printable text will do; a recognisable one helps in a hex dump. */
static void put_payload(uint8_t *p, size_t len)
{
	static const char text[] = "tcpladder example payload. ";

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)text[i % (sizeof text - 1)];
}

/* Builds frame number `frame` (1-based) from row s into w->frame; returns
 * its length or -1. */
static int build_frame(struct writer *w, const struct seg *s, size_t frame)
{
	const struct addr *src, *dst;
	const struct endpoint *sp, *dp;
	uint8_t opts[TCP_OPT_MAX];
	uint8_t *p = w->frame;
	uint8_t pseudo[40];
	size_t tcplen, pseudolen;
	int optlen;
	uint32_t sum;

	if (s->from >= NHOSTS || s->to >= NHOSTS || s->from == s->to ||
	    !w->cap->hosts[s->from].addr || !w->cap->hosts[s->to].addr)
		return fail(w, "frame %zu: bad endpoints", frame);
	src = &w->addrs[s->from];
	dst = &w->addrs[s->to];
	sp = &w->cap->hosts[s->from];
	dp = &w->cap->hosts[s->to];
	if (s->len > PAYLOAD_MAX)
		return fail(w, "frame %zu: payload over %d bytes", frame, PAYLOAD_MAX);
	optlen = put_options(w, s, opts);
	if (optlen < 0)
		return -1;
	tcplen = TCP_LEN + (size_t)optlen + s->len;

	/* Ethernet: locally administered MACs that name the host. */
	static const uint8_t mac[] = { 0x02, 0x00, 0x00, 0x00, 0x00 };
	memcpy(p, mac, sizeof mac);
	p[5] = (uint8_t)(s->to + 1);
	memcpy(p + 6, mac, sizeof mac);
	p[11] = (uint8_t)(s->from + 1);
	put16(p + 12, src->family == AF_INET ? 0x0800 : 0x86dd);
	p += ETH_LEN;

	if (src->family == AF_INET) {
		p[0] = 0x45; /* version 4, 5 words */
		p[1] = 0;
		put16(p + 2, (uint16_t)(IP4_LEN + tcplen));
		put16(p + 4, w->ipid[s->from]++);
		put16(p + 6, 0x4000); /* DF: these hosts do path MTU discovery */
		p[8] = 64;
		p[9] = PROTO_TCP;
		put16(p + 10, 0);
		memcpy(p + 12, src->ip, 4);
		memcpy(p + 16, dst->ip, 4);
		put16(p + 10, cksum_fold(sum16(0, p, IP4_LEN)));
		p += IP4_LEN;

		/* RFC 9293 3.1: the pseudo-header. */
		memcpy(pseudo, src->ip, 4);
		memcpy(pseudo + 4, dst->ip, 4);
		pseudo[8] = 0;
		pseudo[9] = PROTO_TCP;
		put16(pseudo + 10, (uint16_t)tcplen);
		pseudolen = 12;
	} else {
		int ext = frame == w->cap->dstopts_frame;

		put32(p, 0x60000000); /* version 6, no class, no flow label */
		put16(p + 4, (uint16_t)((ext ? DSTOPTS_LEN : 0) + tcplen));
		p[6] = ext ? PROTO_DSTOPTS : PROTO_TCP;
		p[7] = 64;
		memcpy(p + 8, src->ip, 16);
		memcpy(p + 24, dst->ip, 16);
		p += IP6_LEN;
		if (ext) {
			/* RFC 8200 4.6: next header, length in 8-byte units
			 * beyond the first, then PadN filling the rest. */
			static const uint8_t dstopts[DSTOPTS_LEN] = {
				PROTO_TCP, 0, 1, 4, 0, 0, 0, 0,
			};
			memcpy(p, dstopts, DSTOPTS_LEN);
			p += DSTOPTS_LEN;
		}

		/* RFC 8200 8.1: the pseudo-header names the upper layer,
		 * not the extension header that precedes it. */
		memcpy(pseudo, src->ip, 16);
		memcpy(pseudo + 16, dst->ip, 16);
		put32(pseudo + 32, (uint32_t)tcplen);
		put32(pseudo + 36, PROTO_TCP);
		pseudolen = 40;
	}

	put16(p, sp->port);
	put16(p + 2, dp->port);
	put32(p + 4, s->seq);
	put32(p + 8, s->ack);
	p[12] = (uint8_t)(((TCP_LEN + optlen) / 4) << 4);
	p[13] = s->flags;
	put16(p + 14, s->win);
	put16(p + 16, 0);
	put16(p + 18, 0); /* urgent pointer */
	memcpy(p + TCP_LEN, opts, (size_t)optlen);
	put_payload(p + TCP_LEN + optlen, s->len);
	sum = sum16(0, pseudo, pseudolen);
	put16(p + 16, cksum_fold(sum16(sum, p, tcplen)));
	return (int)(p + tcplen - w->frame);
}

static int parse_hosts(struct writer *w)
{
	for (size_t i = 0; i < NHOSTS; i++) {
		const char *text = w->cap->hosts[i].addr;
		struct addr *a = &w->addrs[i];

		if (!text)
			continue;
		if (inet_pton(AF_INET, text, a->ip) == 1) {
			a->family = AF_INET;
		} else if (inet_pton(AF_INET6, text, a->ip) == 1) {
			a->family = AF_INET6;
		} else {
			return fail(w, "bad address %s", text);
		}
		if (a->family != w->addrs[C].family)
			return fail(w, "hosts mix IPv4 and IPv6");
		/* Distinct per host so that a reader can tell them apart. */
		w->ipid[i] = (uint16_t)(0x1000 * (i + 1));
	}
	return 0;
}

static int write_capture(const struct capture *cap, const char *dir, char *err,
			 size_t errlen)
{
	struct writer w = { .cap = cap, .err = err, .errlen = errlen };
	char path[4096];
	pcap_t *pd;
	pcap_dumper_t *out;
	int rc = 0;

	if (parse_hosts(&w) < 0)
		return -1;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, cap->file) >= sizeof path)
		return fail(&w, "path too long");
	/* Ethernet at the usual 262144-byte snap length, microseconds. */
	pd = pcap_open_dead(DLT_EN10MB, 262144);
	if (!pd)
		return fail(&w, "pcap_open_dead failed");
	out = pcap_dump_open(pd, path);
	if (!out) {
		fail(&w, "%s", pcap_geterr(pd));
		pcap_close(pd);
		return -1;
	}
	for (size_t i = 0; i < cap->nsegs && rc == 0; i++) {
		const struct seg *s = &cap->segs[i];
		struct pcap_pkthdr h;
		int n = build_frame(&w, s, i + 1);

		if (n < 0) {
			rc = -1;
			break;
		}
		h.ts.tv_sec = (time_t)(cap->t0 + s->t_us / 1000000);
		h.ts.tv_usec = (suseconds_t)(s->t_us % 1000000);
		h.caplen = h.len = (bpf_u_int32)n;
		pcap_dump((u_char *)out, &h, w.frame);
	}
	if (pcap_dump_flush(out) != 0 && rc == 0)
		rc = fail(&w, "write: %s", strerror(errno));
	pcap_dump_close(out);
	pcap_close(pd);
	if (rc != 0)
		unlink(path); /* no half-written example left behind */
	return rc;
}

int main(int argc, char **argv)
{
	char err[512];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 1;
	}
	for (size_t i = 0; i < ARRAY_LEN(captures); i++) {
		if (write_capture(&captures[i], argv[1], err, sizeof err) < 0) {
			fprintf(stderr, "mkexamples: %s\n", err);
			return 1;
		}
	}
	return 0;
}
