/* defrag: IP fragments into whole datagrams: order, overlaps (the first
 * copy of each byte wins), the snap length, and the bounds on time, count
 * and bytes, each with the exact datagram or counts it must give. */
#include <check.h>
#include <string.h>

#include "defrag.h"
#include "suites.h"

#define SEC 1000000000LL

static const uint8_t SRC[16] = {192, 0, 2, 1}, DST[16] = {192, 0, 2, 2};

/* A fragment of datagram id: payload [offset, offset + len) of `fill`
 * bytes, `captured` of them in the capture (len when 0). */
static struct ip_fragment frag(int version, uint32_t id, uint32_t offset, uint32_t len,
                               bool more, const uint8_t *data)
{
	struct ip_fragment f = {.ip_version = (uint8_t)version, .proto = 6, .id = id,
	                        .offset = offset, .len = len, .more = more,
	                        .data = data, .captured = len};
	memcpy(f.src_addr, SRC, 16);
	memcpy(f.dst_addr, DST, 16);
	return f;
}

static struct defrag *table(size_t max_bytes, size_t max_datagrams)
{
	struct defrag_limits l;
	defrag_default_limits(&l);
	if (max_bytes)
		l.max_bytes = max_bytes;
	if (max_datagrams)
		l.max_datagrams = max_datagrams;
	struct defrag *d = defrag_new(&l, 42);
	ck_assert_ptr_nonnull(d);
	return d;
}

static void assert_counts(struct defrag *d, uint64_t reassembled, uint64_t incomplete,
                          uint64_t overlapping)
{
	struct defrag_counts c;
	defrag_counts(d, &c);
	ck_assert_uint_eq(c.reassembled, reassembled);
	ck_assert_uint_eq(c.incomplete, incomplete);
	ck_assert_uint_eq(c.overlapping, overlapping);
}

/* Adds f; true when it completed a datagram (then in *out). */
struct whole {
	const uint8_t *p;
	uint32_t captured, len;
};
static bool add(struct defrag *d, struct ip_fragment f, int64_t now, struct whole *out)
{
	return defrag_add(d, &f, now, &out->p, &out->captured, &out->len);
}

START_TEST(fragments_in_any_order_make_the_datagram)
{
	uint8_t a[16], b[16], c[5];
	memset(a, 'a', sizeof a);
	memset(b, 'b', sizeof b);
	memset(c, 'c', sizeof c);
	/* The same datagram in order, and last-first-middle. */
	static const int orders[2][3] = {{0, 1, 2}, {2, 0, 1}};
	for (int o = 0; o < 2; o++) {
		struct defrag *d = table(0, 0);
		struct ip_fragment parts[3] = {frag(4, 7, 0, 16, true, a),
		                               frag(4, 7, 16, 16, true, b),
		                               frag(4, 7, 32, 5, false, c)};
		struct whole w;
		ck_assert(!add(d, parts[orders[o][0]], 0, &w));
		ck_assert(!add(d, parts[orders[o][1]], 0, &w));
		ck_assert(add(d, parts[orders[o][2]], 0, &w));
		/* A plain IPv4 header, then the payload in place. */
		ck_assert_uint_eq(w.len, 20 + 37);
		ck_assert_uint_eq(w.captured, w.len);
		ck_assert_uint_eq(w.p[0], 0x45);
		ck_assert_uint_eq((w.p[2] << 8) | w.p[3], 57);
		ck_assert_uint_eq((w.p[6] << 8) | w.p[7], 0); /* not a fragment now */
		ck_assert_uint_eq(w.p[9], 6);
		ck_assert_mem_eq(w.p + 12, SRC, 4);
		ck_assert_mem_eq(w.p + 16, DST, 4);
		ck_assert_mem_eq(w.p + 20, a, 16);
		ck_assert_mem_eq(w.p + 36, b, 16);
		ck_assert_mem_eq(w.p + 52, c, 5);
		assert_counts(d, 1, 0, 0);
		defrag_free(d);
	}
}
END_TEST

START_TEST(ipv6_datagram_gets_a_plain_ipv6_header)
{
	uint8_t a[8] = "abcdefgh", b[3] = "xyz";
	struct defrag *d = table(0, 0);
	struct whole w;
	ck_assert(!add(d, frag(6, 0xdeadbeef, 8, 3, false, b), 0, &w));
	ck_assert(add(d, frag(6, 0xdeadbeef, 0, 8, true, a), 0, &w));
	ck_assert_uint_eq(w.len, 40 + 11);
	ck_assert_uint_eq(w.p[0] >> 4, 6);
	ck_assert_uint_eq((w.p[4] << 8) | w.p[5], 11); /* payload length */
	ck_assert_uint_eq(w.p[6], 6);                   /* next header: TCP */
	ck_assert_mem_eq(w.p + 8, SRC, 16);
	ck_assert_mem_eq(w.p + 24, DST, 16);
	ck_assert_mem_eq(w.p + 40, "abcdefghxyz", 11);
	defrag_free(d);
}
END_TEST

/* Datagrams are told apart by every part of the key. */
START_TEST(key_is_addresses_protocol_and_id)
{
	uint8_t a[8] = "AAAAAAAA", b[8] = "BBBBBBBB";
	struct defrag *d = table(0, 0);
	struct whole w;
	struct ip_fragment other_src = frag(4, 1, 8, 8, false, b);
	other_src.src_addr[3] = 9;
	struct ip_fragment other_proto = frag(4, 1, 8, 8, false, b);
	other_proto.proto = 17;
	ck_assert(!add(d, frag(4, 1, 0, 8, true, a), 0, &w));
	ck_assert(!add(d, other_src, 0, &w));
	ck_assert(!add(d, other_proto, 0, &w));
	ck_assert(!add(d, frag(4, 2, 8, 8, false, b), 0, &w));
	ck_assert(!add(d, frag(6, 1, 8, 8, false, b), 0, &w));
	ck_assert(add(d, frag(4, 1, 8, 8, false, b), 0, &w));
	assert_counts(d, 1, 4, 0);
	defrag_free(d);
}
END_TEST

/* Overlaps: the bytes that came first stay; a second last fragment
 * claiming another length is ignored; both count the datagram once. */
START_TEST(first_copy_of_each_byte_wins)
{
	uint8_t a[16], b[24];
	memset(a, 'a', sizeof a);
	memset(b, 'b', sizeof b);
	struct defrag *d = table(0, 0);
	struct whole w;
	ck_assert(!add(d, frag(4, 3, 0, 16, true, a), 0, &w));
	ck_assert(!add(d, frag(4, 3, 32, 8, false, b), 0, &w));
	ck_assert(!add(d, frag(4, 3, 40, 8, false, b), 0, &w)); /* another end */
	ck_assert(add(d, frag(4, 3, 8, 24, true, b), 0, &w));   /* covers 8..16 again */
	ck_assert_uint_eq(w.len, 20 + 40);
	ck_assert_mem_eq(w.p + 20, a, 16);
	ck_assert_mem_eq(w.p + 36, b, 16);
	assert_counts(d, 1, 0, 1);

	/* A fragment sent twice, the same bytes: an overlap too. */
	ck_assert(!add(d, frag(4, 4, 0, 16, true, a), 0, &w));
	ck_assert(!add(d, frag(4, 4, 0, 16, true, b), 0, &w));
	ck_assert(add(d, frag(4, 4, 16, 1, false, b), 0, &w));
	ck_assert_mem_eq(w.p + 20, a, 16);
	assert_counts(d, 2, 0, 2);
	defrag_free(d);
}
END_TEST

/* Cut by the snap length: the datagram is whole, the capture holds its
 * start up to the first byte it lacks. */
START_TEST(snap_length_leaves_a_captured_prefix)
{
	uint8_t a[16], b[16];
	memset(a, 'a', sizeof a);
	memset(b, 'b', sizeof b);
	struct defrag *d = table(0, 0);
	struct whole w;
	struct ip_fragment first = frag(4, 5, 0, 16, true, a);
	first.captured = 10;
	ck_assert(!add(d, first, 0, &w));
	ck_assert(add(d, frag(4, 5, 16, 16, false, b), 0, &w));
	ck_assert_uint_eq(w.len, 20 + 32);
	ck_assert_uint_eq(w.captured, 20 + 10);
	ck_assert_mem_eq(w.p + 20, a, 10);
	defrag_free(d);
}
END_TEST

/* IPv4 gives up 30 s after the first fragment (Linux's ipfrag_time), IPv6
 * after 60 s (RFC 8200); the rest arriving later starts over. */
START_TEST(incomplete_datagrams_time_out)
{
	uint8_t a[8] = "aaaaaaaa";
	struct defrag *d = table(0, 0);
	struct whole w;
	ck_assert(!add(d, frag(4, 6, 0, 8, true, a), 0, &w));
	ck_assert(!add(d, frag(6, 6, 0, 8, true, a), 0, &w));
	defrag_expire(d, 30 * SEC - 1);
	assert_counts(d, 0, 2, 0); /* both held: incomplete so far */
	ck_assert(add(d, frag(4, 6, 8, 8, false, a), 30 * SEC - 1, &w)); /* not yet due */
	assert_counts(d, 1, 1, 0);
	defrag_free(d);

	d = table(0, 0);
	ck_assert(!add(d, frag(4, 6, 0, 8, true, a), 0, &w));
	ck_assert(!add(d, frag(6, 6, 0, 8, true, a), 0, &w));
	defrag_expire(d, 30 * SEC); /* due at the deadline itself */
	ck_assert(!add(d, frag(4, 6, 8, 8, false, a), 30 * SEC, &w));
	ck_assert(add(d, frag(6, 6, 8, 8, false, a), 30 * SEC, &w));
	defrag_expire(d, 60 * SEC);
	/* v4's first given up, its last now waits alone; v6 made it. */
	assert_counts(d, 1, 2, 0);
	defrag_free(d);
}
END_TEST

/* At most max_datagrams at once, and max_bytes of payload: the oldest
 * gives way and counts incomplete. */
START_TEST(memory_is_bounded_oldest_first)
{
	uint8_t a[8] = "aaaaaaaa";
	struct defrag *d = table(0, 2);
	struct whole w;
	ck_assert(!add(d, frag(4, 1, 0, 8, true, a), 0, &w));
	ck_assert(!add(d, frag(4, 2, 0, 8, true, a), 1, &w));
	ck_assert(!add(d, frag(4, 3, 0, 8, true, a), 2, &w)); /* 1 gives way */
	ck_assert(!add(d, frag(4, 1, 8, 8, false, a), 3, &w)); /* 2 gives way */
	ck_assert(add(d, frag(4, 3, 8, 8, false, a), 4, &w));
	assert_counts(d, 1, 3, 0); /* 1 and 2 given up, the new 1 held */
	defrag_free(d);

	/* Buffers grow by 2 KiB: a 4 KiB budget holds two datagrams. */
	static uint8_t big[2048];
	d = table(4096, 0);
	ck_assert(!add(d, frag(4, 1, 0, 2048, true, big), 0, &w));
	ck_assert(!add(d, frag(4, 2, 0, 2048, true, big), 1, &w));
	ck_assert(!add(d, frag(4, 3, 0, 2048, true, big), 2, &w)); /* 1 gives way */
	ck_assert(add(d, frag(4, 2, 2048, 8, false, a), 3, &w));  /* 3 gives way */
	ck_assert_uint_eq(w.len, 20 + 2056);
	assert_counts(d, 1, 2, 0);
	defrag_free(d);
}
END_TEST

/* A datagram in more pieces than the table keeps apart is given up. */
START_TEST(too_many_holes_give_up)
{
	uint8_t a[8] = "aaaaaaaa";
	struct defrag *d = table(0, 0);
	struct whole w;
	for (uint32_t i = 0; i < 32; i++)
		ck_assert(!add(d, frag(4, 9, i * 16, 8, true, a), 0, &w));
	assert_counts(d, 0, 1, 0);
	ck_assert(!add(d, frag(4, 9, 32 * 16, 8, true, a), 0, &w));
	assert_counts(d, 0, 1, 0); /* given up, and no longer held: */
	ck_assert(!add(d, frag(4, 9, 8, 8, true, a), 0, &w));
	assert_counts(d, 0, 2, 0); /* this one starts a new datagram */
	defrag_free(d);
}
END_TEST

Suite *defrag_suite(void)
{
	Suite *s = suite_create("defrag");
	TCase *tc = tcase_create("reassembly");
	tcase_add_test(tc, fragments_in_any_order_make_the_datagram);
	tcase_add_test(tc, ipv6_datagram_gets_a_plain_ipv6_header);
	tcase_add_test(tc, key_is_addresses_protocol_and_id);
	tcase_add_test(tc, first_copy_of_each_byte_wins);
	tcase_add_test(tc, snap_length_leaves_a_captured_prefix);
	tcase_add_test(tc, incomplete_datagrams_time_out);
	tcase_add_test(tc, memory_is_bounded_oldest_first);
	tcase_add_test(tc, too_many_holes_give_up);
	suite_add_tcase(s, tc);
	return s;
}
