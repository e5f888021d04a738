/* vantage: what ingest --vantage needs of two-vantage pairing
 * (VANTAGE.md): the rule for a vantage's name, and the payload hash
 * pairing compares, computed at ingest for captures tagged with a vantage. FNV-1a (64 bits)
 * over the first PAIR_HASH_BYTES bytes of the payload the capture kept at
 * most: two captures whose snap lengths keep that much hash the same
 * bytes. */
#ifndef TCPLADDER_VANTAGE_H
#define TCPLADDER_VANTAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum { PAIR_HASH_BYTES = 64 };

static inline uint64_t pair_payload_hash(const uint8_t *p, uint32_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (uint32_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A vantage's name: 1 to 64 letters, digits and '-', '_', '.' ("client",
 * "fw-outside"), so that it reads the same on a page, in a path and in
 * SQL. */
static inline bool vantage_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

#endif
