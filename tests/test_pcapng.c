/* Unit tests for pcapng.c: pcapng files built byte by byte in memory, in
 * either byte order, read back through fmemopen() with the exact values
 * each packet must carry; malformed files with the exact error; and the
 * pcapng files of the shared corpus that libpcap 1.10 refuses (mixed link
 * types), with the packet counts and some frames as tshark reads them.
 *
 * The builder writes whole blocks: blk_begin() puts the type and a
 * placeholder length, blk_end() pads the body to 32 bits, appends the
 * trailing length and patches the leading one. Tests that need a lie patch
 * the bytes afterwards. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pcap/dlt.h>

#include "pcapng.h"

/* ---- file builder -------------------------------------------------------- */

struct file {
	uint8_t b[4096];
	size_t n;
	bool be; /* byte order of the section being written */
};

static void put8(struct file *f, uint8_t v)
{
	ck_assert_uint_lt(f->n, sizeof f->b);
	f->b[f->n++] = v;
}

static void put16(struct file *f, uint16_t v)
{
	for (int i = 0; i < 2; i++)
		put8(f, (uint8_t)(v >> (f->be ? 8 - 8 * i : 8 * i)));
}

static void put32(struct file *f, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		put8(f, (uint8_t)(v >> (f->be ? 24 - 8 * i : 8 * i)));
}

static void put64(struct file *f, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		put8(f, (uint8_t)(v >> (f->be ? 56 - 8 * i : 8 * i)));
}

static void put_bytes(struct file *f, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, ((const uint8_t *)p)[i]);
}

static void pad4(struct file *f, size_t from)
{
	while ((f->n - from) % 4 != 0)
		put8(f, 0);
}

/* Overwrites the 32-bit value at `at`, in the file's current byte order. */
static void patch32(struct file *f, size_t at, uint32_t v)
{
	size_t n = f->n;
	f->n = at;
	put32(f, v);
	f->n = n;
}

static size_t blk_begin(struct file *f, uint32_t type)
{
	size_t at = f->n;
	put32(f, type);
	put32(f, 0); /* total length, patched by blk_end */
	return at;
}

static void blk_end(struct file *f, size_t at)
{
	pad4(f, at);
	uint32_t len = (uint32_t)(f->n - at + 4);
	put32(f, len);
	patch32(f, at + 4, len);
}

static void shb(struct file *f, bool be)
{
	f->be = be;
	size_t at = blk_begin(f, 0x0A0D0D0A);
	put32(f, 0x1A2B3C4D); /* written in the section's order: the tell */
	put16(f, 1);
	put16(f, 0);
	put64(f, UINT64_MAX); /* section length unknown */
	blk_end(f, at);
}

#define NO_TSRESOL (-1)

/* An IDB with if_tsresol (unless NO_TSRESOL) and, if nonzero, if_tsoffset. */
static void idb_opts(struct file *f, uint16_t linktype, uint32_t snaplen, int tsresol,
                     int64_t tsoffset)
{
	size_t at = blk_begin(f, 1);
	put16(f, linktype);
	put16(f, 0);
	put32(f, snaplen);
	if (tsresol != NO_TSRESOL) {
		put16(f, 9);
		put16(f, 1);
		put8(f, (uint8_t)tsresol);
		pad4(f, at);
	}
	if (tsoffset != 0) {
		put16(f, 14);
		put16(f, 8);
		put64(f, (uint64_t)tsoffset);
	}
	put16(f, 0); /* opt_endofopt */
	put16(f, 0);
	blk_end(f, at);
}

static void idb(struct file *f, uint16_t linktype)
{
	idb_opts(f, linktype, 262144, NO_TSRESOL, 0);
}

/* An EPB with caplen bytes of data, len on the wire; returns its offset. */
static size_t epb(struct file *f, uint32_t ifid, uint64_t units, const void *data,
                  uint32_t caplen, uint32_t len)
{
	size_t at = blk_begin(f, 6);
	put32(f, ifid);
	put32(f, (uint32_t)(units >> 32));
	put32(f, (uint32_t)units);
	put32(f, caplen);
	put32(f, len);
	put_bytes(f, data, caplen);
	blk_end(f, at);
	return at;
}

/* An SPB for a packet of `len` bytes with `room` bytes of data space. */
static void spb(struct file *f, uint32_t len, size_t room)
{
	size_t at = blk_begin(f, 3);
	put32(f, len);
	for (size_t i = 0; i < room; i++)
		put8(f, (uint8_t)i);
	blk_end(f, at);
}

/* A block the reader has no use for, with a few bytes of body. */
static void other_block(struct file *f, uint32_t type)
{
	size_t at = blk_begin(f, type);
	put32(f, 32473); /* for a custom block, the PEN; for others, filler */
	put_bytes(f, "xyz", 3);
	blk_end(f, at);
}

static const uint8_t PAYLOAD[] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03};

/* ---- reading helpers ----------------------------------------------------- */

struct opened {
	FILE *in;
	struct pcapng_reader *r;
	char err[256];
};

static struct opened open_file(struct file *f)
{
	struct opened o = {.in = fmemopen(f->b, f->n, "rb")};
	ck_assert_ptr_nonnull(o.in);
	o.r = pcapng_open(o.in, o.err, sizeof o.err);
	return o;
}

static struct pcapng_reader *open_ok(struct opened *o, struct file *f)
{
	*o = open_file(f);
	ck_assert_msg(o->r != NULL, "pcapng_open failed: %s", o->err);
	return o->r;
}

static void done(struct opened *o)
{
	pcapng_close(o->r);
	fclose(o->in);
}

static void next_ok(struct pcapng_reader *r, struct pcapng_packet *p)
{
	int rc = pcapng_next(r, p);
	ck_assert_msg(rc == 1, "pcapng_next returned %d: %s", rc, pcapng_error(r));
}

/* The reader stops with -1, says `what`, and stays stopped. */
static void next_fails_with(struct pcapng_reader *r, const char *what)
{
	struct pcapng_packet p;
	ck_assert_int_eq(pcapng_next(r, &p), -1);
	ck_assert_msg(strstr(pcapng_error(r), what) != NULL, "error \"%s\" does not say \"%s\"",
	              pcapng_error(r), what);
	ck_assert_int_eq(pcapng_next(r, &p), -1);
}

static void next_is_end(struct pcapng_reader *r)
{
	struct pcapng_packet p;
	ck_assert_msg(pcapng_next(r, &p) == 0, "no clean end: %s", pcapng_error(r));
	ck_assert_int_eq(pcapng_next(r, &p), 0);
}

static void open_fails_with(struct file *f, const char *what)
{
	struct opened o = open_file(f);
	ck_assert_ptr_null(o.r);
	ck_assert_msg(strstr(o.err, what) != NULL, "error \"%s\" does not say \"%s\"", o.err, what);
	fclose(o.in);
}

/* ---- well-formed files --------------------------------------------------- */

START_TEST(test_mixed_link_types_each_packet_has_its_interface_dlt)
{
	struct file f = {0};
	shb(&f, false);
	idb(&f, DLT_EN10MB);
	idb(&f, 101); /* LINKTYPE_RAW */
	idb(&f, DLT_LINUX_SLL);
	epb(&f, 1, 1, PAYLOAD, 7, 60);
	epb(&f, 0, 2, PAYLOAD, 4, 4);
	epb(&f, 2, 3, PAYLOAD, 5, 5);
	epb(&f, 1, 4, PAYLOAD, 0, 0);

	struct opened o;
	struct pcapng_reader *r = open_ok(&o, &f);
	struct pcapng_packet p;
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_RAW);
	ck_assert_uint_eq(p.interface_id, 1);
	ck_assert_uint_eq(p.caplen, 7);
	ck_assert_uint_eq(p.len, 60);
	ck_assert_uint_eq(p.frame, 1);
	ck_assert_mem_eq(p.data, PAYLOAD, 7);
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_EN10MB);
	ck_assert_uint_eq(p.interface_id, 0);
	ck_assert_uint_eq(p.caplen, 4);
	ck_assert_uint_eq(p.frame, 2);
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_LINUX_SLL);
	ck_assert_uint_eq(p.interface_id, 2);
	ck_assert_uint_eq(p.frame, 3);
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_RAW);
	ck_assert_uint_eq(p.caplen, 0);
	ck_assert_int_eq(p.ts_ns, 4000); /* default resolution: microseconds */
	next_is_end(r);
	done(&o);
}
END_TEST

START_TEST(test_default_resolution_is_microseconds)
{
	struct file f = {0};
	shb(&f, false);
	idb(&f, DLT_EN10MB);
	epb(&f, 0, 1700000000123456ULL, PAYLOAD, 7, 7);
	struct opened o;
	struct pcapng_packet p;
	next_ok(open_ok(&o, &f), &p);
	ck_assert_int_eq(p.ts_ns, 1700000000123456000LL);
	done(&o);
}
END_TEST

START_TEST(test_tsresol_nanoseconds)
{
	struct file f = {0};
	shb(&f, false);
	idb_opts(&f, DLT_EN10MB, 0, 9, 0);
	epb(&f, 0, 1700000000123456789ULL, PAYLOAD, 7, 7);
	struct opened o;
	struct pcapng_packet p;
	next_ok(open_ok(&o, &f), &p);
	ck_assert_int_eq(p.ts_ns, 1700000000123456789LL);
	done(&o);
}
END_TEST

/* 10^-12 s units: three digits finer than we keep, truncated. */
START_TEST(test_tsresol_picoseconds_truncate)
{
	struct file f = {0};
	shb(&f, false);
	idb_opts(&f, DLT_EN10MB, 0, 12, 0);
	epb(&f, 0, 1700000000123456789ULL, PAYLOAD, 7, 7);
	struct opened o;
	struct pcapng_packet p;
	next_ok(open_ok(&o, &f), &p);
	ck_assert_int_eq(p.ts_ns, 1700000000123456LL);
	done(&o);
}
END_TEST


/* 2^-20 s units: half a second exactly, then one unit past a second,
 * 953.67 ns, truncated to 953. */
START_TEST(test_tsresol_power_of_two)
{
	struct file f = {0};
	shb(&f, false);
	idb_opts(&f, DLT_EN10MB, 0, 0x80 | 20, 0);
	epb(&f, 0, (1700000000ULL << 20) + (1U << 19), PAYLOAD, 7, 7);
	epb(&f, 0, (1ULL << 20) + 1, PAYLOAD, 7, 7);
	struct opened o;
	struct pcapng_reader *r = open_ok(&o, &f);
	struct pcapng_packet p;
	next_ok(r, &p);
	ck_assert_int_eq(p.ts_ns, 1700000000500000000LL);
	next_ok(r, &p);
	ck_assert_int_eq(p.ts_ns, 1000000953LL);
	next_is_end(r);
	done(&o);
}
END_TEST

START_TEST(test_tsoffset_adds_seconds_either_sign)
{
	struct file f = {0};
	shb(&f, false);
	idb_opts(&f, DLT_EN10MB, 0, NO_TSRESOL, 1700000000);
	idb_opts(&f, DLT_EN10MB, 0, 9, -10);
	epb(&f, 0, 5, PAYLOAD, 7, 7);
	epb(&f, 1, 3000000001ULL, PAYLOAD, 7, 7);
	struct opened o;
	struct pcapng_reader *r = open_ok(&o, &f);
	struct pcapng_packet p;
	next_ok(r, &p);
	ck_assert_int_eq(p.ts_ns, 1700000000000005000LL);
	next_ok(r, &p);
	ck_assert_int_eq(p.ts_ns, -6999999999LL);
	done(&o);
}
END_TEST

START_TEST(test_big_endian_section)
{
	struct file f = {0};
	shb(&f, true);
	idb_opts(&f, 101, 65535, 9, 0);
	epb(&f, 0, 0x0102030405060708ULL, PAYLOAD, 7, 1500);
	ck_assert_uint_eq(f.b[8], 0x1a); /* really written big-endian */
	struct opened o;
	struct pcapng_reader *r = open_ok(&o, &f);
	struct pcapng_packet p;
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_RAW);
	ck_assert_uint_eq(p.interface_id, 0);
	ck_assert_int_eq(p.ts_ns, 0x0102030405060708LL);
	ck_assert_uint_eq(p.caplen, 7);
	ck_assert_uint_eq(p.len, 1500);
	ck_assert_mem_eq(p.data, PAYLOAD, 7);
	next_is_end(r);
	done(&o);
}
END_TEST

/* Little-, big-, then little-endian sections: each SHB sets the byte order
 * of what follows and starts the interface numbering again. */
START_TEST(test_sections_change_byte_order)
{
	struct file f = {0};
	shb(&f, false);
	idb_opts(&f, DLT_EN10MB, 0, 9, 0);
	epb(&f, 0, 1000000001, PAYLOAD, 7, 7);
	shb(&f, true);
	idb(&f, DLT_NULL);
	idb_opts(&f, 101, 0, 3, 0); /* milliseconds */
	epb(&f, 1, 1700000000123ULL, PAYLOAD, 3, 3);
	epb(&f, 0, 2, PAYLOAD, 4, 4);
	shb(&f, false);
	idb(&f, DLT_LINUX_SLL2);
	epb(&f, 0, 7, PAYLOAD, 5, 5);

	struct opened o;
	struct pcapng_reader *r = open_ok(&o, &f);
	struct pcapng_packet p;
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_EN10MB);
	ck_assert_int_eq(p.ts_ns, 1000000001LL);
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_RAW);
	ck_assert_uint_eq(p.interface_id, 1);
	ck_assert_int_eq(p.ts_ns, 1700000000123000000LL);
	ck_assert_uint_eq(p.caplen, 3);
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_NULL);
	ck_assert_uint_eq(p.interface_id, 0);
	ck_assert_int_eq(p.ts_ns, 2000);
	ck_assert_uint_eq(p.caplen, 4);
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_LINUX_SLL2);
	ck_assert_int_eq(p.ts_ns, 7000);
	ck_assert_uint_eq(p.frame, 4);
	next_is_end(r);
	done(&o);
}
END_TEST

START_TEST(test_new_section_forgets_interfaces)
{
	struct file f = {0};
	shb(&f, false);
	idb(&f, DLT_EN10MB);
	idb(&f, DLT_EN10MB);
	epb(&f, 1, 1, PAYLOAD, 7, 7);
	shb(&f, false);
	idb(&f, DLT_EN10MB);
	epb(&f, 1, 1, PAYLOAD, 7, 7);
	struct opened o;
	struct pcapng_reader *r = open_ok(&o, &f);
	struct pcapng_packet p;
	next_ok(r, &p);
	next_fails_with(r, "packet for unknown interface 1 (the section has 1)");
	done(&o);
}
END_TEST

/* An SPB's captured length is the smallest of the original length, the
 * interface's snaplen and the room in the block. */
START_TEST(test_simple_packet_block_caplen)
{
	struct file f = {0};
	shb(&f, false);
	idb_opts(&f, DLT_EN10MB, 64, 9, 0);
	spb(&f, 100, 80); /* cut by snaplen */
	spb(&f, 100, 32); /* cut by the block */
	spb(&f, 10, 12);  /* all of it, padding not included */
	struct opened o;
	struct pcapng_reader *r = open_ok(&o, &f);
	struct pcapng_packet p;
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_EN10MB);
	ck_assert_uint_eq(p.interface_id, 0);
	ck_assert_int_eq(p.ts_ns, 0);
	ck_assert_uint_eq(p.caplen, 64);
	ck_assert_uint_eq(p.len, 100);
	ck_assert_uint_eq(p.data[63], 63);
	next_ok(r, &p);
	ck_assert_uint_eq(p.caplen, 32);
	ck_assert_uint_eq(p.len, 100);
	next_ok(r, &p);
	ck_assert_uint_eq(p.caplen, 10);
	ck_assert_uint_eq(p.len, 10);
	ck_assert_uint_eq(p.frame, 3);
	next_is_end(r);
	done(&o);
}
END_TEST

START_TEST(test_obsolete_packet_block)
{
	struct file f = {0};
	shb(&f, true);
	idb(&f, DLT_NULL);
	idb_opts(&f, DLT_EN10MB, 0, 9, 0);
	size_t at = blk_begin(&f, 2);
	put16(&f, 1); /* interface */
	put16(&f, 0); /* drops */
	put32(&f, 1);
	put32(&f, 2);
	put32(&f, 5);
	put32(&f, 90);
	put_bytes(&f, PAYLOAD, 5);
	blk_end(&f, at);
	struct opened o;
	struct pcapng_reader *r = open_ok(&o, &f);
	struct pcapng_packet p;
	next_ok(r, &p);
	ck_assert_int_eq(p.dlt, DLT_EN10MB);
	ck_assert_uint_eq(p.interface_id, 1);
	ck_assert_int_eq(p.ts_ns, (1LL << 32) + 2);
	ck_assert_uint_eq(p.caplen, 5);
	ck_assert_uint_eq(p.len, 90);
	ck_assert_mem_eq(p.data, PAYLOAD, 5);
	next_is_end(r);
	done(&o);
}
END_TEST

/* NRB, ISB, an unknown type and custom blocks are skipped; tshark numbers
 * the custom blocks as frames, so the frame numbers count them too. */
START_TEST(test_other_blocks_skipped_custom_blocks_numbered)
{
	struct file f = {0};
	shb(&f, false);
	idb(&f, DLT_EN10MB);
	other_block(&f, 4);          /* Name Resolution Block */
	epb(&f, 0, 1, PAYLOAD, 7, 7);
	other_block(&f, 0x00000BAD); /* Custom Block */
	other_block(&f, 5);          /* Interface Statistics Block */
	other_block(&f, 0x12345678); /* nobody's */
	other_block(&f, 0x40000BAD); /* Custom Block, not to be copied */
	epb(&f, 0, 2, PAYLOAD, 7, 7);
	other_block(&f, 0x00000BAD);
	struct opened o;
	struct pcapng_reader *r = open_ok(&o, &f);
	struct pcapng_packet p;
	next_ok(r, &p);
	ck_assert_uint_eq(p.frame, 1);
	ck_assert_int_eq(p.ts_ns, 1000);
	next_ok(r, &p);
	ck_assert_uint_eq(p.frame, 4);
	ck_assert_int_eq(p.ts_ns, 2000);
	next_is_end(r);
	done(&o);
}
END_TEST

START_TEST(test_section_header_only_is_a_clean_end)
{
	struct file f = {0};
	shb(&f, true);
	struct opened o;
	next_is_end(open_ok(&o, &f));
	done(&o);
}
END_TEST

START_TEST(test_magic)
{
	ck_assert(pcapng_magic((const uint8_t[4]){0x0a, 0x0d, 0x0d, 0x0a}));
	ck_assert(!pcapng_magic((const uint8_t[4]){0xd4, 0xc3, 0xb2, 0xa1}));
	ck_assert(!pcapng_magic((const uint8_t[4]){0x0a, 0x0d, 0x0d, 0x0b}));
}
END_TEST

/* ---- malformed files ----------------------------------------------------- */

/* A good file with two packets, the third block for the test to break. */
static size_t two_good_then(struct file *f)
{
	shb(f, false);
	idb(f, DLT_EN10MB);
	idb(f, DLT_EN10MB);
	epb(f, 0, 1, PAYLOAD, 7, 7);
	epb(f, 1, 2, PAYLOAD, 7, 7);
	return epb(f, 0, 3, PAYLOAD, 7, 7); /* 40 bytes */
}

static struct pcapng_reader *past_two_good(struct opened *o, struct file *f)
{
	struct pcapng_reader *r = open_ok(o, f);
	struct pcapng_packet p;
	next_ok(r, &p);
	next_ok(r, &p);
	ck_assert_uint_eq(p.frame, 2);
	return r;
}

START_TEST(test_truncated_mid_block)
{
	struct file f = {0};
	f.n = two_good_then(&f) + 17;
	struct opened o;
	next_fails_with(past_two_good(&o, &f),
	                "truncated enhanced packet block: wanted 40 bytes, got 17");
	done(&o);
}
END_TEST

START_TEST(test_truncated_block_header)
{
	struct file f = {0};
	f.n = two_good_then(&f) + 3;
	struct opened o;
	next_fails_with(past_two_good(&o, &f), "truncated block header: wanted 8 bytes, got 3");
	done(&o);
}
END_TEST

START_TEST(test_block_length_not_multiple_of_4)
{
	struct file f = {0};
	size_t at = two_good_then(&f);
	patch32(&f, at + 4, 38);
	struct opened o;
	next_fails_with(past_two_good(&o, &f),
	                "enhanced packet block total length 38 is not a multiple of 4");
	done(&o);
}
END_TEST

START_TEST(test_block_length_below_minimum)
{
	struct file f = {0};
	size_t at = two_good_then(&f);
	patch32(&f, at + 4, 8);
	struct opened o;
	next_fails_with(past_two_good(&o, &f), "total length 8 is less than the minimum 12");
	done(&o);
}
END_TEST

/* Refused before any allocation: the file is far shorter than claimed. */
START_TEST(test_block_length_over_limit)
{
	struct file f = {0};
	size_t at = two_good_then(&f);
	patch32(&f, at + 4, 0xfffffff0U);
	struct opened o;
	next_fails_with(past_two_good(&o, &f), "total length 4294967280 exceeds the 16777216-byte limit");
	done(&o);
}
END_TEST

START_TEST(test_trailing_length_mismatch)
{
	struct file f = {0};
	size_t at = two_good_then(&f);
	patch32(&f, at + 36, 44);
	struct opened o;
	next_fails_with(past_two_good(&o, &f),
	                "enhanced packet block trailing total length 44 does not match the leading 40");
	done(&o);
}
END_TEST

START_TEST(test_caplen_larger_than_block)
{
	struct file f = {0};
	size_t at = two_good_then(&f);
	patch32(&f, at + 20, 1000);
	struct opened o;
	next_fails_with(past_two_good(&o, &f),
	                "captured length 1000 does not fit in the enhanced packet block (8 bytes of room)");
	done(&o);
}
END_TEST

START_TEST(test_packet_for_unknown_interface)
{
	struct file f = {0};
	size_t at = two_good_then(&f);
	patch32(&f, at + 8, 3);
	struct opened o;
	next_fails_with(past_two_good(&o, &f), "packet for unknown interface 3 (the section has 2)");
	done(&o);
}
END_TEST

START_TEST(test_packet_before_any_interface)
{
	struct file f = {0};
	shb(&f, false);
	spb(&f, 4, 4);
	struct opened o;
	next_fails_with(open_ok(&o, &f), "simple packet block but the section has no interface");
	done(&o);
}
END_TEST

/* The option claims 200 bytes; 8 are left in the block. */
START_TEST(test_option_overruns_block)
{
	struct file f = {0};
	shb(&f, false);
	size_t at = blk_begin(&f, 1);
	put16(&f, DLT_EN10MB);
	put16(&f, 0);
	put32(&f, 0);
	put16(&f, 2); /* if_name */
	put16(&f, 200);
	put_bytes(&f, "eth0", 4);
	put32(&f, 0);
	blk_end(&f, at);
	struct opened o;
	next_fails_with(open_ok(&o, &f),
	                "interface description block option 2 of length 200 overruns the block (8 bytes left)");
	done(&o);
}
END_TEST

START_TEST(test_tsresol_too_fine)
{
	struct file f = {0};
	shb(&f, false);
	idb_opts(&f, DLT_EN10MB, 0, 20, 0);
	struct opened o;
	next_fails_with(open_ok(&o, &f), "if_tsresol 0x14 (10^-20 s) is finer than");
	done(&o);
}
END_TEST

START_TEST(test_tsresol_twice)
{
	struct file f = {0};
	shb(&f, false);
	size_t at = blk_begin(&f, 1);
	put16(&f, DLT_EN10MB);
	put16(&f, 0);
	put32(&f, 0);
	for (int i = 0; i < 2; i++) {
		put16(&f, 9);
		put16(&f, 1);
		put32(&f, 6);
	}
	blk_end(&f, at);
	struct opened o;
	next_fails_with(open_ok(&o, &f), "more than one if_tsresol option");
	done(&o);
}
END_TEST

/* ---- opening ------------------------------------------------------------- */

START_TEST(test_open_empty_file_fails)
{
	FILE *in = tmpfile();
	ck_assert_ptr_nonnull(in);
	char err[256];
	ck_assert_ptr_null(pcapng_open(in, err, sizeof err));
	ck_assert_str_eq(err, "not a pcapng file: empty (block at offset 0)");
	fclose(in);
}
END_TEST

START_TEST(test_open_pcap_file_fails)
{
	struct file f = {0};
	put32(&f, 0xa1b2c3d4);
	put16(&f, 2);
	put16(&f, 4);
	for (int i = 0; i < 4; i++)
		put32(&f, 0);
	open_fails_with(&f, "not a pcapng file: it starts with d4 c3 b2 a1");
}
END_TEST

START_TEST(test_open_unsupported_major_version_fails)
{
	struct file f = {0};
	shb(&f, false);
	f.b[12] = 2;
	open_fails_with(&f, "unsupported pcapng version 2.0");
}
END_TEST

START_TEST(test_open_bad_byte_order_magic_fails)
{
	struct file f = {0};
	shb(&f, false);
	f.b[8] = 0x4e;
	open_fails_with(&f, "byte-order magic 4e 3c 2b 1a");
}
END_TEST

START_TEST(test_open_truncated_section_header_fails)
{
	struct file f = {0};
	shb(&f, false);
	f.n = 20;
	open_fails_with(&f, "truncated section header block: wanted 28 bytes, got 20");
}
END_TEST

/* ---- the shared corpus --------------------------------------------------- */

struct known_frame {
	uint64_t frame;
	uint32_t interface_id;
	int dlt;
	int64_t ts_ns;
	uint32_t caplen, len;
};

struct corpus_file {
	const char *name;
	unsigned packets;        /* EPB, SPB and PB blocks in the file */
	uint64_t tshark_frames;  /* `tshark -r FILE -T fields -e frame.number | wc -l`, 4.0.17 */
	struct known_frame known[4]; /* from tshark -e frame.interface_id,time_epoch,... */
};

/* Files libpcap 1.10 refuses or stops in (mixed link types). The counts are
 * tshark's; test202's three Custom Blocks are frames 1, 7 and 10 to tshark
 * but not packets. pcapng-example's interface 1 holds timestamps of about
 * 2^64 - 5.05e8 microseconds, which tshark shows as 18446744073204.126329 s
 * and the reader reads as signed: 505.4 s before the epoch, spaced as
 * tshark spaces them (frame 61 is 9 us after frame 60 in both). */
static const struct corpus_file CORPUS[] = {
	{"pcapplusplus__many_interfaces-1.pcapng", 64, 64,
	 {{1, 0, DLT_EN10MB, 1439753725701607000LL, 178, 178},
	  {3, 10, DLT_NULL, 1439753725701568000LL, 168, 168},
	  {4, 10, DLT_NULL, 1439753725701822000LL, 168, 168},
	  {64, 0, DLT_EN10MB, 1439753728292345000LL, 195, 195}}},
	{"pcapplusplus__pcapng-example.pcapng", 159, 159,
	 {{1, 0, DLT_EN10MB, 1422527998578402281LL, 74, 74},
	  {59, 0, DLT_EN10MB, 1422528033092194163LL, 66, 66},
	  {60, 1, DLT_LINUX_SLL, -505425287000LL, 68, 68},
	  {61, 1, DLT_LINUX_SLL, -505425278000LL, 128, 1444}}},
	{"pcapng-test-generator__be_difficult_test202.pcapng", 8, 11,
	 {{2, 0, DLT_EN10MB, 1340954905298858000LL, 96, 314},
	  {4, 1, DLT_NULL, 1340954905301858000LL, 168, 168},
	  {5, 0, DLT_EN10MB, 0, 128, 314}, /* a Simple Packet Block */
	  {11, 1, DLT_NULL, 1340954905301858000LL, 168, 168}}},
};

#define CORPUS_DIR "../../shared/corpus/"

START_TEST(test_corpus_file_reads_like_tshark)
{
	const struct corpus_file *cf = &CORPUS[_i];
	char path[256];
	snprintf(path, sizeof path, CORPUS_DIR "%s", cf->name);
	FILE *in = fopen(path, "rb");
	ck_assert_msg(in != NULL, "%s: cannot open", path);
	char err[256];
	struct pcapng_reader *r = pcapng_open(in, err, sizeof err);
	ck_assert_msg(r != NULL, "%s: %s", cf->name, err);

	struct pcapng_packet p;
	unsigned packets = 0, known_seen = 0;
	uint64_t last_frame = 0;
	int rc;
	while ((rc = pcapng_next(r, &p)) == 1) {
		packets++;
		ck_assert_msg(p.frame > last_frame, "%s: frame %llu after %llu", cf->name,
		              (unsigned long long)p.frame, (unsigned long long)last_frame);
		last_frame = p.frame;
		for (size_t k = 0; k < sizeof cf->known / sizeof cf->known[0]; k++) {
			const struct known_frame *kf = &cf->known[k];
			if (kf->frame != p.frame)
				continue;
			known_seen++;
			ck_assert_msg(p.interface_id == kf->interface_id && p.dlt == kf->dlt &&
			                      p.ts_ns == kf->ts_ns && p.caplen == kf->caplen &&
			                      p.len == kf->len,
			              "%s frame %llu: interface %u dlt %d ts %lld caplen %u len %u, "
			              "want %u %d %lld %u %u",
			              cf->name, (unsigned long long)p.frame, p.interface_id, p.dlt,
			              (long long)p.ts_ns, p.caplen, p.len, kf->interface_id, kf->dlt,
			              (long long)kf->ts_ns, kf->caplen, kf->len);
		}
	}
	ck_assert_msg(rc == 0, "%s: %s", cf->name, pcapng_error(r));
	ck_assert_uint_eq(packets, cf->packets);
	ck_assert_uint_eq(last_frame, cf->tshark_frames);
	ck_assert_uint_eq(known_seen, 4);
	pcapng_close(r);
	fclose(in);
}
END_TEST

Suite *pcapng_suite(void)
{
	Suite *s = suite_create("pcapng");

	TCase *tc = tcase_create("well-formed");
	tcase_add_test(tc, test_mixed_link_types_each_packet_has_its_interface_dlt);
	tcase_add_test(tc, test_default_resolution_is_microseconds);
	tcase_add_test(tc, test_tsresol_nanoseconds);
	tcase_add_test(tc, test_tsresol_picoseconds_truncate);
	tcase_add_test(tc, test_tsresol_power_of_two);
	tcase_add_test(tc, test_tsoffset_adds_seconds_either_sign);
	tcase_add_test(tc, test_big_endian_section);
	tcase_add_test(tc, test_sections_change_byte_order);
	tcase_add_test(tc, test_new_section_forgets_interfaces);
	tcase_add_test(tc, test_simple_packet_block_caplen);
	tcase_add_test(tc, test_obsolete_packet_block);
	tcase_add_test(tc, test_other_blocks_skipped_custom_blocks_numbered);
	tcase_add_test(tc, test_section_header_only_is_a_clean_end);
	tcase_add_test(tc, test_magic);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_truncated_mid_block);
	tcase_add_test(tc, test_truncated_block_header);
	tcase_add_test(tc, test_block_length_not_multiple_of_4);
	tcase_add_test(tc, test_block_length_below_minimum);
	tcase_add_test(tc, test_block_length_over_limit);
	tcase_add_test(tc, test_trailing_length_mismatch);
	tcase_add_test(tc, test_caplen_larger_than_block);
	tcase_add_test(tc, test_packet_for_unknown_interface);
	tcase_add_test(tc, test_packet_before_any_interface);
	tcase_add_test(tc, test_option_overruns_block);
	tcase_add_test(tc, test_tsresol_too_fine);
	tcase_add_test(tc, test_tsresol_twice);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_test(tc, test_open_empty_file_fails);
	tcase_add_test(tc, test_open_pcap_file_fails);
	tcase_add_test(tc, test_open_unsupported_major_version_fails);
	tcase_add_test(tc, test_open_bad_byte_order_magic_fails);
	tcase_add_test(tc, test_open_truncated_section_header_fails);
	suite_add_tcase(s, tc);

	/* Only the corpus files present: the corpus is shared, not ours. */
	tc = tcase_create("corpus");
	for (int i = 0; i < (int)(sizeof CORPUS / sizeof CORPUS[0]); i++) {
		char path[256];
		snprintf(path, sizeof path, CORPUS_DIR "%s", CORPUS[i].name);
		if (access(path, R_OK) == 0)
			tcase_add_loop_test(tc, test_corpus_file_reads_like_tshark, i, i + 1);
	}
	suite_add_tcase(s, tc);
	return s;
}
