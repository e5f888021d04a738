/* decode: one captured frame's bytes into a TCP segment, or a named reason
 * why not.
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

/* decode_frame, and when the frame is a fragment (DECODE_IP_FRAGMENT) and
 * frag is not NULL, the fragment in *frag. */
enum decode_status decode_packet(int dlt, const uint8_t *data, uint32_t caplen,
                                 uint32_t wirelen, struct tcp_segment *out,
                                 struct ip_fragment *frag);

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
