/* community_id: see community_id.h. The hashed bytes, as the spec lays
 * them out: seed (2 bytes, network order), the two addresses, the
 * protocol (1 byte), one byte of padding (0), the two ports (2 bytes
 * each, network order). The endpoint whose address is smaller goes first
 * (bytes compared in network order); with equal addresses, the smaller
 * port. The reference implementation and tshark's communityid dissector
 * order the same way; tests/test_exports.c checks us against tshark. */
#include "community_id.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <string.h>

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int community_id_v1(uint16_t seed, uint8_t proto, int ip_version,
                    const uint8_t *addr_a, uint16_t port_a,
                    const uint8_t *addr_b, uint16_t port_b,
                    char out[COMMUNITY_ID_SIZE])
{
	out[0] = '\0';
	size_t alen = ip_version == 4 ? 4 : ip_version == 6 ? 16 : 0;
	if (!alen)
		return -1;
	int cmp = memcmp(addr_a, addr_b, alen);
	bool a_first = cmp < 0 || (cmp == 0 && port_a <= port_b);
	const uint8_t *src = a_first ? addr_a : addr_b, *dst = a_first ? addr_b : addr_a;
	uint16_t sport = a_first ? port_a : port_b, dport = a_first ? port_b : port_a;

	uint8_t buf[2 + 16 + 16 + 2 + 4];
	size_t n = 0;
	put_be16(buf + n, seed);
	n += 2;
	memcpy(buf + n, src, alen);
	n += alen;
	memcpy(buf + n, dst, alen);
	n += alen;
	buf[n++] = proto;
	buf[n++] = 0;
	put_be16(buf + n, sport);
	n += 2;
	put_be16(buf + n, dport);
	n += 2;

	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!EVP_Digest(buf, n, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
		return -1;
	memcpy(out, "1:", 2);
	/* 20 bytes are 28 characters of base64, with one '=' of padding. */
	if (EVP_EncodeBlock((unsigned char *)out + 2, md, (int)mdlen) != 28) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
