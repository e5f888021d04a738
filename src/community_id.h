/* community_id: Corelight's Community ID flow hash, version 1
 * (github.com/corelight/community-id-spec), which Zeek, Suricata and
 * Wireshark put beside a connection so that their logs join on it.
 *
 * Pure: two endpoints in, the text "1:" + base64 of the SHA-1 out, the
 * same whichever endpoint is given first. SHA-1 and base64 are
 * libcrypto's. */
#ifndef TCPLADDER_COMMUNITY_ID_H
#define TCPLADDER_COMMUNITY_ID_H

#include <stdint.h>

/* "1:" + 28 base64 characters + NUL. */
#define COMMUNITY_ID_SIZE 31

/* The version 1 id of a flow of IP protocol proto (6 for TCP) between
 * (addr_a, port_a) and (addr_b, port_b), addresses in network order, 4
 * bytes for ip_version 4 and 16 for 6; seed 0 is the default every tool
 * uses. Returns 0, or -1 (out empty) for another ip_version or when
 * libcrypto fails. */
int community_id_v1(uint16_t seed, uint8_t proto, int ip_version,
                    const uint8_t *addr_a, uint16_t port_a,
                    const uint8_t *addr_b, uint16_t port_b,
                    char out[COMMUNITY_ID_SIZE]);

#endif
