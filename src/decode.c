/* decode: the decoder's entry points, and the names it gives to what it
 * found.
 *
 * decode_packet starts a frame at its link type (decode_link.c), which
 * hands it down layer by layer, through IP (decode_ip.c) and any tunnels
 * (decode_tunnel.c), to TCP (decode_tcp.c); decode_layers.h draws the
 * dispatch. Every read of packet memory goes through the bounded readers
 * of decode_rd.h. This file must stay pure: no I/O, no allocation, no
 * state between calls (only const tables). */
#include "decode.h"

#include <arpa/inet.h>
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode_layers.h"

/* ---- status names -------------------------------------------------------- */

static const char *const status_names[DECODE_STATUS_COUNT] = {
	[DECODE_OK] = "ok",
	[DECODE_NOT_IP] = "not IP",
	[DECODE_NOT_TCP] = "not TCP",
	[DECODE_IP_FRAGMENT] = "IP fragment",
	[DECODE_UNSUPPORTED_LINK] = "unsupported link type",
	[DECODE_TRUNCATED_LINK] = "truncated link header",
	[DECODE_TRUNCATED_IP] = "truncated IP header",
	[DECODE_BAD_IP_VERSION] = "bad IP version",
	[DECODE_BAD_IP_HEADER_LEN] = "bad IPv4 header length",
	[DECODE_BAD_IP_TOTAL_LEN] = "bad IP total length",
	[DECODE_BAD_IPV6_EXT] = "bad IPv6 extension header",
	[DECODE_TRUNCATED_TCP] = "truncated TCP header",
	[DECODE_BAD_TCP_OFFSET] = "bad TCP data offset",
	[DECODE_BAD_FRAGMENT] = "bad IP fragment",
	[DECODE_UNDECODED] = "encapsulation not decoded",
	[DECODE_TRUNCATED_TUNNEL] = "truncated tunnel header",
	[DECODE_BAD_TUNNEL] = "bad tunnel header",
	[DECODE_TOO_DEEP] = "encapsulations nested too deep",
};

const char *decode_status_name(enum decode_status status)
{
	if ((unsigned)status >= DECODE_STATUS_COUNT)
		return "unknown decode status";
	return status_names[status];
}

bool decode_status_is_error(enum decode_status status)
{
	switch (status) {
	case DECODE_OK:
	case DECODE_NOT_IP:
	case DECODE_NOT_TCP:
	case DECODE_IP_FRAGMENT:
	case DECODE_UNDECODED:
	/* A whole capture has one link type: an unknown one is reported once
	 * for the file, not counted as a malformed packet per frame. */
	case DECODE_UNSUPPORTED_LINK:
	case DECODE_STATUS_COUNT:
		return false;
	default:
		return true;
	}
}

/* ---- entry points -------------------------------------------------------- */

enum decode_status decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                uint32_t wirelen, struct tcp_segment *out)
{
	return decode_packet(dlt, data, caplen, wirelen, out, NULL);
}

enum decode_status decode_packet(int dlt, const uint8_t *data, uint32_t caplen,
                                 uint32_t wirelen, struct tcp_segment *out,
                                 struct decode_info *info)
{
	struct decode_info scratch;
	if (!info) {
		scratch.config = NULL;
		scratch.frag = NULL;
		info = &scratch;
	}
	memset(out, 0, sizeof *out);
	info->tunnels = 0;
	info->undecoded = ENCAP_NONE;
	info->layers = 0;

	struct rd frame = { .p = data, .len = data != NULL ? caplen : 0 };
	/* A frame is never shorter on the wire than in the capture; a file
	 * that says so is believed for its captured bytes. */
	size_t wire = wirelen > frame.len ? wirelen : frame.len;
	struct dctx c = { .out = out, .info = info };
	/* The common case first: untagged Ethernet carrying IP. */
	if (dlt == DLT_EN10MB && frame.len >= ETH_FRAME_HDR_LEN) {
		uint16_t type = (uint16_t)(frame.p[12] << 8 | frame.p[13]);
		if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6) {
			struct rd ip = rd_tail(&frame, ETH_FRAME_HDR_LEN);
			return dec_ip(&c, type == ETHERTYPE_IPV4 ? 4 : 6, &ip,
			              wire - ETH_FRAME_HDR_LEN);
		}
	}
	enum decode_status st = dec_link(&c, dlt, &frame, wire);
	if (st == DECODE_UNDECODED && info->undecoded == ENCAP_LINK_TYPE)
		st = DECODE_UNSUPPORTED_LINK;
	return st;
}

enum decode_status decode_datagram(const uint8_t *data, uint32_t captured,
                                   uint32_t len, struct tcp_segment *out,
                                   struct decode_info *info)
{
	memset(out, 0, sizeof *out);
	info->undecoded = ENCAP_NONE;
	struct rd ip = { .p = data, .len = data != NULL ? captured : 0 };
	size_t wire = len > ip.len ? len : ip.len;
	struct dctx c = { .out = out, .info = info };
	return dec_ip(&c, 0, &ip, wire);
}

/* ---- names ----------------------------------------------------------------- */

static const char *const tunnel_names[TUNNEL_KIND_COUNT] = {
	[TUNNEL_GRE] = "GRE",         [TUNNEL_ERSPAN] = "ERSPAN",
	[TUNNEL_VXLAN] = "VXLAN",     [TUNNEL_VXLAN_GPE] = "VXLAN-GPE",
	[TUNNEL_GENEVE] = "Geneve",   [TUNNEL_GTP_U] = "GTP-U",
	[TUNNEL_IPIP] = "IP-in-IP",   [TUNNEL_TEREDO] = "Teredo",
	[TUNNEL_L2TP] = "L2TP",       [TUNNEL_AYIYA] = "AYIYA",
	[TUNNEL_CAPWAP] = "CAPWAP",   [TUNNEL_ETHERIP] = "EtherIP",
	[TUNNEL_MPLS_IP] = "MPLS-in-IP",
};

static const char *ip_proto_name(uint32_t proto)
{
	switch (proto) {
	case 50: return " (ESP)";
	case 115: return " (L2TPv3)";
	default: return "";
	}
}

static const char *udp_port_name(uint32_t port)
{
	switch (port) {
	case 8472: return " (Linux VXLAN)";
	case 4341: return " (LISP)";
	case 4500: return " (IPsec NAT-T)";
	case 1194: return " (OpenVPN)";
	case 51820: return " (WireGuard)";
	case 5247: return " (CAPWAP)";
	case 4790: return " (VXLAN-GPE)";
	default: return "";
	}
}

void decode_encap_text(uint8_t encap, uint32_t value, char *buf, size_t len)
{
	switch (encap) {
	case ENCAP_LINK_TYPE:
		snprintf(buf, len, "link type %" PRIu32, value);
		break;
	case ENCAP_ETHERTYPE:
		snprintf(buf, len, "EtherType 0x%04" PRIx32, value);
		break;
	case ENCAP_IP_PROTO:
		snprintf(buf, len, "IP protocol %" PRIu32 "%s", value, ip_proto_name(value));
		break;
	case ENCAP_UDP_PORT:
		snprintf(buf, len, "UDP port %" PRIu32 "%s", value, udp_port_name(value));
		break;
	case ENCAP_GRE_PROTO:
		snprintf(buf, len, "GRE protocol 0x%04" PRIx32, value);
		break;
	case ENCAP_PPP_PROTO:
		snprintf(buf, len, "PPP protocol 0x%04" PRIx32 "%s", value,
		         value == 0x2d || value == 0x2f ? " (Van Jacobson compressed TCP)" : "");
		break;
	case ENCAP_80211_PROTECTED:
		snprintf(buf, len, "802.11 protected frame");
		break;
	case ENCAP_L2TP_VERSION:
		snprintf(buf, len, "L2TP version %" PRIu32, value);
		break;
	case ENCAP_GTP_VERSION:
		snprintf(buf, len, "GTP version %" PRIu32, value);
		break;
	case ENCAP_GRE_ROUTING:
		snprintf(buf, len, "GRE with source routing");
		break;
	default:
		snprintf(buf, len, "unknown encapsulation");
		break;
	}
}

int decode_tunnel_text(const struct decode_tunnel *t, char *buf, size_t len)
{
	/* As flows' own addresses are written (db.c). */
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], id[48] = "";
	int af = t->ip_version == 4 ? AF_INET : AF_INET6;
	if (!inet_ntop(af, t->src_addr, src, sizeof src))
		src[0] = '\0';
	if (!inet_ntop(af, t->dst_addr, dst, sizeof dst))
		dst[0] = '\0';
	if (t->has_id) {
		switch (t->kind) {
		case TUNNEL_GRE:
			snprintf(id, sizeof id, " key %" PRIu32, t->id);
			break;
		case TUNNEL_VXLAN:
		case TUNNEL_VXLAN_GPE:
		case TUNNEL_GENEVE:
			snprintf(id, sizeof id, " vni %" PRIu32, t->id);
			break;
		case TUNNEL_GTP_U:
			snprintf(id, sizeof id, " teid 0x%08" PRIx32, t->id);
			break;
		case TUNNEL_ERSPAN:
			snprintf(id, sizeof id, " session %" PRIu32, t->id);
			break;
		case TUNNEL_L2TP:
			snprintf(id, sizeof id, " tunnel %" PRIu32 " session %" PRIu32, t->id,
			         t->id2);
			break;
		default:
			break;
		}
	}
	const char *name = t->kind < TUNNEL_KIND_COUNT && tunnel_names[t->kind]
	                       ? tunnel_names[t->kind] : "tunnel";
	return snprintf(buf, len, "%s %s>%s%s", name, src, dst, id);
}

int decode_tunnel_path_text(const struct decode_tunnel *t, unsigned n, char *buf,
                            size_t len)
{
	assert(len > 0);
	buf[0] = '\0';
	size_t used = 0;
	int need = 0;
	for (unsigned i = 0; i < n; i++) {
		char one[160];
		decode_tunnel_text(&t[i], one, sizeof one);
		int k = snprintf(buf + used, len - used, "%s%s", i ? "; " : "", one);
		need += k;
		used += (size_t)k;
		if (used >= len)
			used = len - 1;
	}
	return need;
}

/* FNV-1a, over bytes that are the same whichever way the connection's
 * segment went: each layer's kind and its two addresses in a fixed
 * order. */
uint64_t decode_tunnel_path_hash(const struct decode_tunnel *t, unsigned n)
{
	if (n == 0)
		return 0;
	uint64_t h = 1469598103934665603ULL;
	for (unsigned i = 0; i < n; i++) {
		size_t alen = t[i].ip_version == 4 ? 4 : 16;
		const uint8_t *lo = t[i].src_addr, *hi = t[i].dst_addr;
		if (memcmp(lo, hi, alen) > 0) {
			lo = t[i].dst_addr;
			hi = t[i].src_addr;
		}
		uint8_t head[2] = { t[i].kind, t[i].ip_version };
		const uint8_t *parts[3] = { head, lo, hi };
		size_t lens[3] = { 2, alen, alen };
		for (int p = 0; p < 3; p++) {
			for (size_t k = 0; k < lens[p]; k++) {
				h ^= parts[p][k];
				h *= 1099511628211ULL;
			}
		}
	}
	return h ? h : 1;
}
