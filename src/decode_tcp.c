/* decode_tcp: the TCP header (RFC 9293 section 3.1) and its options, and
 * the options as tcpdump prints them.
 *
 * Owns the last layer of every packet: ports, numbers, flags, window, the
 * data offset checked against what IP says the segment holds, and the
 * options walked with the remaining length checked before every step
 * (Suricata's decode-tcp.c). The payload length is IP's, not the
 * capture's: a frame cut by the snap length still has its segment's
 * length. Pure: no I/O, no allocation, no state. */
#include "decode_layers.h"

#include <assert.h>
#include <stdio.h>

/* ---- TCP ----------------------------------------------------------------- */

enum {
	TCP_MIN_HDR = 20,
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,       /* RFC 9293 section 3.2 */
	TCPOPT_WSCALE = 3,    /* RFC 7323 section 2 */
	TCPOPT_SACK_PERM = 4, /* RFC 2018 */
	TCPOPT_SACK = 5,      /* RFC 2018 */
	TCPOPT_TIMESTAMP = 8, /* RFC 7323 section 3 */
};

/* One option whose kind and length bytes have been read and whose len bytes
 * are all in o. A known kind with the wrong length is not believed: it is
 * marked malformed and skipped, its length still framing it. */
static void tcp_option(uint8_t kind, const struct rd *o,
                       struct tcp_options *opt)
{
	bool ok = true;
	size_t len = o->len;

	switch (kind) {
	case TCPOPT_MSS:
		if (len != 4)
			goto bad_len;
		opt->has_mss = true;
		opt->mss = rd_be16(o, 2, &ok);
		break;
	case TCPOPT_WSCALE:
		if (len != 3)
			goto bad_len;
		opt->has_wscale = true;
		opt->wscale = rd_u8(o, 2, &ok);
		break;
	case TCPOPT_SACK_PERM:
		if (len != 2)
			goto bad_len;
		opt->sack_permitted = true;
		break;
	case TCPOPT_SACK:
		/* 2 + 8n bytes, n >= 1; 40 bytes of option space fit 4. */
		if (len < 10 || (len - 2) % 8 != 0)
			goto bad_len;
		opt->sack_blocks = 0;
		for (size_t i = 0; i < (len - 2) / 8 && i < TCP_MAX_SACK_BLOCKS;
		     i++) {
			opt->sack[i][0] = rd_be32(o, 2 + 8 * i, &ok);
			opt->sack[i][1] = rd_be32(o, 6 + 8 * i, &ok);
			opt->sack_blocks = (uint8_t)(i + 1);
		}
		break;
	case TCPOPT_TIMESTAMP:
		if (len != 10)
			goto bad_len;
		opt->has_timestamps = true;
		opt->ts_val = rd_be32(o, 2, &ok);
		opt->ts_ecr = rd_be32(o, 6, &ok);
		break;
	default:
		break; /* unknown kinds are skipped by their length */
	}
	assert(ok);
	return;
bad_len:
	opt->malformed = true;
}

/* Walk the options area of a TCP header of hl bytes, of which h holds the
 * captured ones (h->len <= hl). "Past the header" and "past the capture"
 * are told apart: the first is a malformed option, the second only a short
 * snap length. */
static void tcp_options(const struct rd *h, size_t hl, struct tcp_options *opt)
{
	size_t off = TCP_MIN_HDR;

	assert(h->len <= hl);
	if (h->len < hl)
		opt->truncated = true;
	while (off < hl) {
		bool ok = true;
		if (off >= h->len)
			break; /* the rest was not captured */
		uint8_t kind = rd_u8(h, off, &ok);
		if (kind == TCPOPT_EOL)
			break; /* RFC 9293: the rest is padding */
		if (kind == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (hl - off < 2) {
			opt->malformed = true; /* no room for a length byte */
			break;
		}
		uint8_t len = rd_u8(h, off + 1, &ok);
		if (!ok)
			break; /* length byte not captured */
		if (len < 2 || len > hl - off) {
			/* Length < 2 cannot advance the walk; past the header
			 * it would read payload as options. */
			opt->malformed = true;
			break;
		}
		if (!rd_has(h, off, len))
			break; /* cut by the capture */
		struct rd o = rd_sub(h, off, len);
		tcp_option(kind, &o, opt);
		off += len;
	}
}

/* Decode the TCP header at the start of l4 (the captured part of the IP
 * payload, at most l4_len bytes; l4_len the payload length per IP). */
enum decode_status dec_tcp(struct dctx *c, const struct rd *l4, size_t l4_len)
{
	struct tcp_segment *out = c->out;
	bool ok = true;

	assert(l4->len <= l4_len);
	if (!rd_has(l4, 0, TCP_MIN_HDR))
		return DECODE_TRUNCATED_TCP;

	out->src_port = rd_be16(l4, 0, &ok);
	out->dst_port = rd_be16(l4, 2, &ok);
	out->seq = rd_be32(l4, 4, &ok);
	out->ack = rd_be32(l4, 8, &ok);
	size_t hl = (size_t)(rd_u8(l4, 12, &ok) >> 4) * 4;
	/* Byte 12's low bits are reserved and AE (RFC 9293, RFC 9768); the
	 * eight classic flags are byte 13. */
	out->flags = rd_u8(l4, 13, &ok);
	out->win = rd_be16(l4, 14, &ok);
	out->urg_ptr = rd_be16(l4, 18, &ok);
	assert(ok);

	if (hl < TCP_MIN_HDR || hl > l4_len)
		return DECODE_BAD_TCP_OFFSET;
	out->header_len = (uint8_t)hl;
	/* Both fit: l4_len comes from a 32-bit wire length at most. */
	out->payload_len = (uint32_t)(l4_len - hl);
	out->payload_captured = l4->len > hl ? (uint32_t)(l4->len - hl) : 0;
	out->payload = out->payload_captured ? l4->p + hl : NULL;

	struct rd h = rd_clamp(*l4, hl);
	tcp_options(&h, hl, &out->opt);
	return DECODE_OK;
}

bool decode_options_notable(const struct tcp_options *opt)
{
	return opt->has_mss || opt->has_wscale || opt->sack_permitted ||
	       opt->sack_blocks || opt->malformed || opt->truncated;
}

int decode_options_text(const struct tcp_options *opt, char *buf, size_t len)
{
	/* The items first, then joined: each is short and bounded. */
	char item[5 + TCP_MAX_SACK_BLOCKS][96];
	int count = 0;
	if (opt->has_mss)
		snprintf(item[count++], sizeof item[0], "mss %u", opt->mss);
	if (opt->has_wscale)
		snprintf(item[count++], sizeof item[0], "wscale %u", opt->wscale);
	if (opt->sack_permitted)
		snprintf(item[count++], sizeof item[0], "sackOK");
	if (opt->has_timestamps)
		snprintf(item[count++], sizeof item[0], "TS val %u ecr %u",
		         opt->ts_val, opt->ts_ecr);
	if (opt->sack_blocks) {
		size_t n = (size_t)snprintf(item[count], sizeof item[0], "sack %u ",
		                            opt->sack_blocks);
		for (unsigned i = 0; i < opt->sack_blocks && n < sizeof item[0]; i++)
			n += (size_t)snprintf(item[count] + n, sizeof item[0] - n, "{%u:%u}",
			                      opt->sack[i][0], opt->sack[i][1]);
		count++;
	}
	if (opt->malformed)
		snprintf(item[count++], sizeof item[0], "malformed");
	if (opt->truncated)
		snprintf(item[count++], sizeof item[0], "truncated");

	assert(len > 0);
	buf[0] = '\0';
	size_t used = 0;
	int need = 0;
	for (int i = 0; i < count; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? "," : "", item[i]);
		need += n;
		used += (size_t)n;
		if (used >= len)
			used = len - 1;
	}
	return need;
}
