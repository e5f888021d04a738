/* decode: one captured frame's bytes into a TCP segment, or a named reason
 * why not; and the tunnels the segment came through.
 *
 * The decoder is split by layer family, as Suricata's decode-*.c: link
 * types and what Ethernet carries (decode_link.c), IP and fragments
 * (decode_ip.c), tunnels inside IP (decode_tunnel.c), TCP and its options
 * (decode_tcp.c); decode.c holds the entry points and the names. A reader
 * follows one dispatch from the link type down to TCP.
 *
 * Pure: no I/O, no allocation, no state between calls. Every read of packet
 * memory is bounds-checked against what was captured (caplen); header length
 * fields are believed only after checking them against what remains. A frame
 * cut short by the snap length still decodes when the fixed 20-byte TCP
 * header is present: its payload length then comes from the IP header, as
 * tcpdump and tshark report it. */
#ifndef TCPLADDER_DECODE_H
#define TCPLADDER_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a frame is not a TCP segment. DECODE_OK first; the "not for us"
 * reasons (not IP, not TCP, a fragment) are ordinary traffic, the rest are
 * malformed packets that a capture's summary counts and names. */
enum decode_status {
	DECODE_OK = 0,
	DECODE_NOT_IP,          /* ARP, LLDP, ... */
	DECODE_NOT_TCP,         /* UDP, ICMP, ESP, ... */
	DECODE_IP_FRAGMENT,     /* part of a fragmented datagram (not atomic) */
	DECODE_UNSUPPORTED_LINK,
	DECODE_TRUNCATED_LINK,  /* link header cut short */
	DECODE_TRUNCATED_IP,    /* IP header cut short */
	DECODE_BAD_IP_VERSION,  /* version nibble disagrees with the link type */
	DECODE_BAD_IP_HEADER_LEN, /* IPv4 IHL < 5, or past the capture */
	DECODE_BAD_IP_TOTAL_LEN,  /* IP length shorter than its own headers */
	DECODE_BAD_IPV6_EXT,      /* extension header runs past the capture */
	DECODE_TRUNCATED_TCP,     /* fewer than 20 bytes of TCP header */
	DECODE_BAD_TCP_OFFSET,    /* data offset < 5, or past the IP payload */
	DECODE_BAD_FRAGMENT,      /* past 64 KiB, or not the last and not a
	                             multiple of 8 bytes long */
	DECODE_UNDECODED,         /* inside an encapsulation tcpladder does not
	                             decode: info->undecoded names it */
	DECODE_TRUNCATED_TUNNEL,  /* a tunnel or encapsulation header cut short */
	DECODE_BAD_TUNNEL,        /* a tunnel header's lengths contradict it */
	DECODE_TOO_DEEP,          /* encapsulations nested past the bounds */
	DECODE_STATUS_COUNT
};

/* A short, stable, human-readable name ("truncated TCP header"). */
const char *decode_status_name(enum decode_status status);
/* True for the malformed kinds (counted as bad packets, not just skipped). */
bool decode_status_is_error(enum decode_status status);

/* TCP flag bits, in header order (DESIGN.md: FIN 1 ... CWR 128). */
enum {
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
	TCP_URG = 0x20,
	TCP_ECE = 0x40,
	TCP_CWR = 0x80,
};

#define TCP_MAX_SACK_BLOCKS 4

struct tcp_options {
	bool has_mss, has_wscale, sack_permitted, has_timestamps;
	uint16_t mss;
	uint8_t wscale;         /* as sent; RFC 7323 caps its use at 14 */
	uint32_t ts_val, ts_ecr;
	uint8_t sack_blocks;    /* number of valid entries in sack[] */
	uint32_t sack[TCP_MAX_SACK_BLOCKS][2]; /* left, right edges */
	bool truncated;         /* options cut short by the snap length */
	bool malformed;         /* an option's length is invalid */
};

struct tcp_segment {
	uint8_t ip_version;     /* 4 or 6 */
	uint8_t src_addr[16];   /* IPv4 uses the first 4 bytes */
	uint8_t dst_addr[16];
	uint16_t src_port, dst_port;
	uint32_t seq, ack;
	uint8_t flags;          /* the 8 low flag bits, TCP_FIN ... TCP_CWR */
	uint8_t header_len;     /* TCP data offset in bytes */
	uint16_t win;           /* raw, unscaled */
	uint16_t urg_ptr;
	uint32_t payload_len;   /* from the IP header, not the capture */
	uint32_t payload_captured; /* bytes of payload actually in the frame */
	bool ip_len_from_frame; /* IP length 0 or past the frame (TSO, jumbo):
	                           payload length taken from the frame */
	bool has_ip_id;         /* IPv4's identification; IPv6 has none */
	uint16_t ip_id;
	uint8_t ttl;            /* IPv4's TTL, IPv6's hop limit */
	/* The payload_captured bytes of payload, pointing into the frame
	 * given to the decoder: valid only while it is. */
	const uint8_t *payload;
	struct tcp_options opt;
};

/* One fragment of an IP datagram (RFC 791 section 3.2, RFC 8200 section
 * 4.5): what reassembly (defrag.h) needs of it. */
struct ip_fragment {
	uint8_t ip_version;     /* 4 or 6 */
	uint8_t proto;          /* the datagram's upper layer (IPv6: the
	                           Fragment header's next header) */
	uint8_t src_addr[16];   /* IPv4 uses the first 4 bytes */
	uint8_t dst_addr[16];
	uint32_t id;            /* IPv4's 16 bits, IPv6's 32 */
	uint32_t offset;        /* of its payload in the datagram's, in bytes */
	uint32_t len;           /* its payload's length, per the IP header */
	bool more;              /* MF, or IPv6's M: more fragments follow */
	const uint8_t *data;    /* its payload as captured ... */
	uint32_t captured;      /* ... this many bytes of it (<= len) */
};

/* Tunnels: at most this many nested in one packet (a hostile capture must
 * not make the decoder recurse without end); past it, DECODE_TOO_DEEP. */
#define DECODE_MAX_TUNNELS 8

enum tunnel_kind {
	TUNNEL_GRE = 1,   /* RFC 2784/2890, GRE-in-UDP (RFC 8086), PPTP's */
	TUNNEL_ERSPAN,    /* Cisco's ERSPAN type I, II and III, over GRE */
	TUNNEL_VXLAN,     /* RFC 7348 */
	TUNNEL_VXLAN_GPE, /* draft-ietf-nvo3-vxlan-gpe */
	TUNNEL_GENEVE,    /* RFC 8926 */
	TUNNEL_GTP_U,     /* 3GPP TS 29.281 */
	TUNNEL_IPIP,      /* IPv4 or IPv6 straight inside IPv4 or IPv6 */
	TUNNEL_TEREDO,    /* RFC 4380 */
	TUNNEL_L2TP,      /* RFC 2661, version 2, carrying PPP */
	TUNNEL_AYIYA,     /* Anything In Anything (SixXS) */
	TUNNEL_CAPWAP,    /* RFC 5415's data channel */
	TUNNEL_ETHERIP,   /* RFC 3378 */
	TUNNEL_MPLS_IP,   /* RFC 4023: MPLS inside IP */
	TUNNEL_KIND_COUNT
};

/* One tunnel a segment came through: the outer IP header's addresses and
 * the tunnel's own identifier where it has one. */
struct decode_tunnel {
	uint8_t kind;           /* enum tunnel_kind */
	uint8_t ip_version;     /* of the outer IP header: 4 or 6 */
	bool has_id;
	uint8_t src_addr[16];   /* IPv4 uses the first 4 bytes */
	uint8_t dst_addr[16];
	uint32_t id;            /* GRE key, VNI, TEID, ERSPAN session, L2TP
	                           tunnel id */
	uint32_t id2;           /* L2TP's session id */
};

/* What an undecoded encapsulation is, as the count and the message name
 * it: "UDP port 8472", "EtherType 0x88e7", "link type 127". */
enum decode_encap {
	ENCAP_NONE = 0,
	ENCAP_LINK_TYPE,
	ENCAP_ETHERTYPE,
	ENCAP_IP_PROTO,
	ENCAP_UDP_PORT,
	ENCAP_GRE_PROTO,
	ENCAP_PPP_PROTO,
	ENCAP_80211_PROTECTED, /* an encrypted 802.11 data frame */
	ENCAP_L2TP_VERSION,
	ENCAP_GTP_VERSION,
	ENCAP_GRE_ROUTING,     /* RFC 1701's source routing */
	ENCAP_KIND_COUNT
};

/* UDP ports that carry a tunnel. The well-known ones are always taken (as
 * in Zeek and Suricata, on either port of the datagram); a capture's own
 * are added with decode_config_add_port (ingest --tunnel-port). */
#define DECODE_MAX_EXTRA_PORTS 16
struct decode_config {
	unsigned extra_ports;
	struct {
		uint16_t port;
		uint8_t kind;           /* enum tunnel_kind */
	} extra[DECODE_MAX_EXTRA_PORTS];
};

/* Parses "KIND=PORT" (KIND one of decode_tunnel_port_kinds' names) into
 * config. Returns 0, or -1 with a reason in err. */
int decode_config_add_port(struct decode_config *config, const char *spec,
                           char *err, size_t errlen);
/* The names --tunnel-port takes, comma-separated ("vxlan,vxlan-gpe,..."). */
const char *decode_tunnel_port_kinds(void);

/* What decode_packet says besides the segment. The caller sets config
 * (NULL: the well-known ports only) and frag (NULL: fragments are not
 * described); the decoder fills the rest. */
struct decode_info {
	const struct decode_config *config;
	struct ip_fragment *frag;   /* the fragment, on DECODE_IP_FRAGMENT */
	uint8_t tunnels;            /* entries in tunnel[], outermost first */
	struct decode_tunnel tunnel[DECODE_MAX_TUNNELS];
	uint8_t undecoded;          /* enum decode_encap, on DECODE_UNDECODED */
	uint32_t undecoded_value;   /* its EtherType, port, protocol, ... */
	uint32_t layers;            /* layers entered; bounded (internal) */
};

/* decode_frame, with what info asks for: the tunnels the segment came
 * through (or the fragment came through, on DECODE_IP_FRAGMENT), and the
 * encapsulation not decoded on DECODE_UNDECODED. */
enum decode_status decode_packet(int dlt, const uint8_t *data, uint32_t caplen,
                                 uint32_t wirelen, struct tcp_segment *out,
                                 struct decode_info *info);

/* A datagram rebuilt from fragments (defrag.h's: an IPv4 or IPv6 header
 * then the payload), decoded as the rest of the packet whose fragment
 * completed it: info's tunnels so far are kept, and more appended. */
enum decode_status decode_datagram(const uint8_t *data, uint32_t captured,
                                   uint32_t len, struct tcp_segment *out,
                                   struct decode_info *info);

/* True when a fragment of an IP datagram of this protocol is worth
 * reassembling: TCP, or what may carry TCP (UDP, GRE, IP-in-IP). */
bool decode_proto_may_carry_tcp(uint8_t proto);

/* The encapsulation's name, "UDP port 8472", into buf (always
 * terminated). */
void decode_encap_text(uint8_t encap, uint32_t value, char *buf, size_t len);

/* One tunnel as text: "VXLAN 10.0.0.1>10.0.0.2 vni 42". And a whole path,
 * outermost first, joined by "; ". Return the length needed, as snprintf. */
int decode_tunnel_text(const struct decode_tunnel *t, char *buf, size_t len);
int decode_tunnel_path_text(const struct decode_tunnel *t, unsigned n,
                            char *buf, size_t len);
/* A hash of the path that both directions of a connection share: kinds and
 * outer address pairs, without the identifiers that real captures change
 * by direction (GRE keys, TEIDs, even VNIs), as Zeek compares them. 0 for
 * no tunnel. */
uint64_t decode_tunnel_path_hash(const struct decode_tunnel *t, unsigned n);

/* Decode one frame of link type dlt (pcap's DLT_* value, as
 * pcap_datalink() returns it). caplen is how many bytes data holds; wirelen
 * is the frame's length on the wire (pcap's len). On DECODE_OK all of *out
 * is filled; otherwise *out is unspecified. */
enum decode_status decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                uint32_t wirelen, struct tcp_segment *out);

/* The options as tcpdump prints them ("mss 1460,wscale 7,sackOK,TS val 1
 * ecr 0", SACK blocks as "sack 1 {a:b}"), into buf (always terminated).
 * Returns the length it needed, as snprintf does. */
int decode_options_text(const struct tcp_options *opt, char *buf, size_t len);

/* Options worth keeping per segment: everything but timestamps alone
 * (which most segments of a modern stack carry, and which would double
 * the per-segment storage for little news). */
bool decode_options_notable(const struct tcp_options *opt);

/* True if decode_frame knows the link type. */
bool decode_link_supported(int dlt);

#endif
