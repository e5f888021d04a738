/* pcapng: reads the blocks of a pcapng file and hands out its packets.
 *
 * The file is a run of blocks, each framed as type, total length, body,
 * and the total length again (draft-ietf-opsawg-pcapng section 3.1). A
 * Section Header Block starts each section and fixes its byte order; the
 * Interface Description Blocks after it are numbered 0, 1, 2 within the
 * section and give each packet its link type and timestamp units. This
 * file owns that framing and nothing else: it never looks inside a packet,
 * never prints, and keeps all its state in the reader, so two readers never
 * share anything.
 *
 * One buffer holds the current block, read whole so that the trailing
 * length can be checked before anything in the block is believed. The
 * buffer grows only as bytes arrive, so a block that claims 16 MiB in a
 * 100-byte file costs a truncation error, not a 16 MiB allocation. Fields
 * are copied out through a bounds-checked cursor; nothing is cast. */
#include "pcapng.h"

#include <pcap/dlt.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef __SIZEOF_INT128__
#error "pcapng.c needs a compiler with __int128 for exact timestamp scaling"
#endif

#define BT_SHB 0x0A0D0D0AU /* the same in either byte order, on purpose */
#define BT_IDB 0x00000001U
#define BT_PB 0x00000002U /* obsolete Packet Block, still written by old tools */
#define BT_SPB 0x00000003U
#define BT_EPB 0x00000006U

/* Not packets, but tshark 4.0 shows each as a frame and numbers it, so the
 * frame counter counts them too (checked against tshark 4.0.17; Sysdig's
 * "event with flags" blocks 0x208, 0x217 and 0x222 it skips). */
#define BT_SYSTEMD_JOURNAL 0x00000009U
#define BT_SYSDIG_EVENT 0x00000204U
#define BT_SYSDIG_EVENT_V2 0x00000216U
#define BT_SYSDIG_EVENT_V2_LARGE 0x00000221U
#define BT_CUSTOM_COPY 0x00000BADU
#define BT_CUSTOM_NO_COPY 0x40000BADU

#define BYTE_ORDER_MAGIC 0x1A2B3C4DU

/* Smallest block: type, length and the trailing length. An SHB adds the
 * byte-order magic, two versions and the 64-bit section length. */
#define MIN_BLOCK 12U
#define MIN_SHB 28U
/* libpcap's limit too (sf-pcapng.c): generous for any real packet, and it
 * bounds what a corrupt length can make us allocate. */
#define MAX_BLOCK (16U * 1024 * 1024)

#define OPT_ENDOFOPT 0
#define IF_TSRESOL 9
#define IF_TSOFFSET 14

#define LINKTYPE_RAW 101

#define NS_PER_SEC 1000000000LL
#define FIRST_BUFFER (64U * 1024)

struct iface {
	int dlt;
	uint8_t tsresol;  /* the if_tsresol byte as written (6 when absent) */
	uint8_t *block;   /* the IDB's body as written, when blocks are kept */
	size_t block_len;
	uint32_t snaplen; /* 0: no limit */
	bool res_pow2;    /* if_tsresol: units of 2^-res_exp s, else 10^-res_exp s */
	uint8_t res_exp;
	int64_t tsoffset; /* if_tsoffset, seconds added to every timestamp */
};

enum reader_state { READING, AT_END, FAILED };

struct pcapng_reader {
	FILE *in;
	enum reader_state state;
	bool started; /* the first SHB has been read */
	bool be;      /* the current section is big-endian */
	uint64_t offset;    /* bytes consumed from the stream */
	uint64_t block_off; /* where the current block starts, for messages */
	uint64_t frames;    /* tshark's frame number of the last frame */
	uint32_t section;   /* sections begun: 1 in the first */
	bool keep_blocks;   /* copy each IDB's body (pcapng_keep_interface_blocks) */
	uint32_t type, blen; /* the current block, whole in buf[0 .. blen) */
	uint8_t *buf;
	size_t cap;
	struct iface *ifaces; /* the current section's interfaces */
	size_t nifaces, ifaces_cap;
	char err[256];
};

/* --- byte readers ------------------------------------------------------ */

static uint16_t get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t get32(const uint8_t *p, bool be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* A 64-bit option value is one integer in the section's byte order. */
static uint64_t get64(const uint8_t *p, bool be)
{
	uint64_t a = get32(p, be), b = get32(p + 4, be);
	return be ? a << 32 | b : b << 32 | a;
}

/* A block body being read: every take checks what is left first. */
struct cur {
	const uint8_t *p;
	size_t left;
	bool be;
};

static bool cur_take(struct cur *c, size_t n, const uint8_t **out)
{
	if (c->left < n)
		return false;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

static bool cur_u16(struct cur *c, uint16_t *v)
{
	const uint8_t *p;
	if (!cur_take(c, 2, &p))
		return false;
	*v = get16(p, c->be);
	return true;
}

static bool cur_u32(struct cur *c, uint32_t *v)
{
	const uint8_t *p;
	if (!cur_take(c, 4, &p))
		return false;
	*v = get32(p, c->be);
	return true;
}

/* The body of the current block: between the 8-byte header and the
 * trailing length. read_block has checked blen >= 12. */
static struct cur block_body(const struct pcapng_reader *r)
{
	return (struct cur){.p = r->buf + 8, .left = r->blen - MIN_BLOCK, .be = r->be};
}

/* --- errors ------------------------------------------------------------- */

static const char *block_name(uint32_t type)
{
	switch (type) {
	case BT_SHB: return "section header block";
	case BT_IDB: return "interface description block";
	case BT_PB: return "packet block";
	case BT_SPB: return "simple packet block";
	case BT_EPB: return "enhanced packet block";
	default: return "block";
	}
}

/* Records why reading stopped, with where the offending block starts (what
 * a user needs to look at the file with a hex dump), and makes the reader
 * fail from now on. Returns -1 for `return fail(...)`. */
__attribute__((format(printf, 2, 3))) static int fail(struct pcapng_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof r->err)
		snprintf(r->err + n, sizeof r->err - (size_t)n, " (block at offset %llu)",
		         (unsigned long long)r->block_off);
	r->state = FAILED;
	return -1;
}

/* --- reading blocks ----------------------------------------------------- */

/* Reads n bytes into buf[at ..), growing the buffer only when the bytes
 * read so far have filled it. false on a short read, with *got the number
 * of bytes that did arrive and r->err set if the cause was not EOF. */
static bool read_exact(struct pcapng_reader *r, size_t at, size_t n, size_t *got)
{
	size_t done = 0;
	*got = 0;
	while (done < n) {
		size_t pos = at + done;
		if (pos == r->cap) {
			size_t want = r->cap * 2 < at + n ? r->cap * 2 : at + n;
			uint8_t *nb = realloc(r->buf, want);
			if (!nb) {
				fail(r, "out of memory for a %zu-byte block", at + n);
				return false;
			}
			r->buf = nb;
			r->cap = want;
		}
		size_t want = r->cap - pos < n - done ? r->cap - pos : n - done;
		size_t k = fread(r->buf + pos, 1, want, r->in);
		done += k;
		*got = done;
		r->offset += k;
		if (k < want) {
			if (ferror(r->in))
				fail(r, "read error: %s", strerror(errno));
			return false;
		}
	}
	return true;
}

/* Reads the next block whole into buf and checks its framing. 1 with
 * r->type and r->blen set; 0 at end of file on a block boundary; -1. */
static int read_block(struct pcapng_reader *r)
{
	size_t got;
	r->block_off = r->offset;
	if (!read_exact(r, 0, 8, &got)) {
		if (r->state == FAILED)
			return -1;
		if (!r->started)
			return got < 4 || !pcapng_magic(r->buf)
			           ? fail(r, "not a pcapng file: %s", got == 0 ? "empty" : "too short")
			           : fail(r, "truncated section header block: wanted 8 bytes, got %zu",
			                  got);
		if (got == 0) {
			r->state = AT_END;
			return 0;
		}
		return fail(r, "truncated block header: wanted 8 bytes, got %zu", got);
	}
	if (!r->started && !pcapng_magic(r->buf))
		return fail(r, "not a pcapng file: it starts with %02x %02x %02x %02x, not 0a 0d 0d 0a",
		            r->buf[0], r->buf[1], r->buf[2], r->buf[3]);

	size_t have = 8;
	uint32_t type = get32(r->buf, r->be);
	if (type == BT_SHB) {
		/* The byte-order magic says how to read everything after the
		 * block type, this block's length included. */
		if (!read_exact(r, 8, 4, &got))
			return r->state == FAILED
			           ? -1
			           : fail(r, "truncated section header block: wanted 12 bytes, got %zu",
			                  8 + got);
		uint32_t bom = get32(r->buf + 8, false);
		if (bom == BYTE_ORDER_MAGIC)
			r->be = false;
		else if (bom == 0x4D3C2B1AU)
			r->be = true;
		else
			return fail(r, "section header block has byte-order magic %02x %02x %02x %02x, "
			               "not 1a2b3c4d in either byte order",
			            r->buf[8], r->buf[9], r->buf[10], r->buf[11]);
		have = 12;
	}

	uint32_t len = get32(r->buf + 4, r->be);
	uint32_t min = type == BT_SHB ? MIN_SHB : MIN_BLOCK;
	if (len < min)
		return fail(r, "%s total length %u is less than the minimum %u", block_name(type), len,
		            min);
	if (len % 4 != 0)
		return fail(r, "%s total length %u is not a multiple of 4", block_name(type), len);
	if (len > MAX_BLOCK)
		return fail(r, "%s total length %u exceeds the %u-byte limit", block_name(type), len,
		            MAX_BLOCK);
	if (!read_exact(r, have, len - have, &got))
		return r->state == FAILED
		           ? -1
		           : fail(r, "truncated %s: wanted %u bytes, got %zu", block_name(type), len,
		                  have + got);
	uint32_t trailer = get32(r->buf + len - 4, r->be);
	if (trailer != len)
		return fail(r, "%s trailing total length %u does not match the leading %u",
		            block_name(type), trailer, len);
	r->type = type;
	r->blen = len;
	return 1;
}

/* Steps to the next option of an SHB or IDB: 1 with code and value set, 0
 * at opt_endofopt or the end of the block (the spec lets the end-of-options
 * option be left out), -1 when an option would overrun the block. */
static int next_option(struct pcapng_reader *r, struct cur *c, uint16_t *code, uint16_t *olen,
                       const uint8_t **val)
{
	if (c->left == 0)
		return 0;
	size_t left = c->left;
	if (!cur_u16(c, code) || !cur_u16(c, olen))
		return fail(r, "%s option header truncated: %zu bytes left", block_name(r->type), left);
	if (*code == OPT_ENDOFOPT)
		return 0;
	size_t padded = ((size_t)*olen + 3) & ~(size_t)3; /* values pad to 32 bits */
	if (!cur_take(c, padded, val))
		return fail(r, "%s option %u of length %u overruns the block (%zu bytes left)",
		            block_name(r->type), *code, *olen, c->left);
	return 1;
}

/* Forgets the current section's interfaces (a new section numbers its own
 * from 0). */
static void free_interfaces(struct pcapng_reader *r)
{
	for (size_t i = 0; i < r->nifaces; i++)
		free(r->ifaces[i].block);
	r->nifaces = 0;
}

/* A new section: its own byte order (already set by read_block) and its own
 * interfaces, numbered from 0 again. */
static int parse_shb(struct pcapng_reader *r)
{
	struct cur c = block_body(r);
	const uint8_t *skip;
	uint16_t major, minor;
	/* MIN_SHB guarantees the 16 fixed bytes. */
	if (!cur_take(&c, 4, &skip) || !cur_u16(&c, &major) || !cur_u16(&c, &minor) ||
	    !cur_take(&c, 8, &skip))
		return fail(r, "section header block too short");
	/* A new major version would mean a format we cannot read; minor
	 * versions are backward compatible (libpcap also takes 1.2). */
	if (major != 1)
		return fail(r, "unsupported pcapng version %u.%u", major, minor);
	uint16_t code = 0, olen = 0; /* set by next_option; gcc -O3 cannot tell */
	const uint8_t *val = NULL;
	int rc;
	while ((rc = next_option(r, &c, &code, &olen, &val)) == 1)
		; /* nothing in the SHB's options matters to us; walked to check them */
	if (rc < 0)
		return -1;
	r->started = true;
	free_interfaces(r);
	r->section++;
	return 0;
}

/* LINKTYPE_ values as written in files to the DLT_ values libpcap's API
 * (and decode.c) speaks. They differ only where a DLT_ number is not the
 * same on every OS; of the link types tcpladder decodes, only RAW. */
static int linktype_to_dlt(uint16_t linktype)
{
	return linktype == LINKTYPE_RAW ? DLT_RAW : linktype;
}

static int parse_idb(struct pcapng_reader *r)
{
	struct cur c = block_body(r);
	uint16_t linktype, reserved;
	uint32_t snaplen;
	if (!cur_u16(&c, &linktype) || !cur_u16(&c, &reserved) || !cur_u32(&c, &snaplen))
		return fail(r, "interface description block too short: total length %u, need at least 20",
		            r->blen);
	/* The spec's default resolution is microseconds. */
	struct iface ifc = {.dlt = linktype_to_dlt(linktype), .snaplen = snaplen, .res_exp = 6,
	                    .tsresol = 6};
	bool seen_resol = false, seen_offset = false;
	uint16_t code = 0, olen = 0; /* set by next_option; gcc -O3 cannot tell */
	const uint8_t *val = NULL;
	int rc;
	while ((rc = next_option(r, &c, &code, &olen, &val)) == 1) {
		if (code == IF_TSRESOL) {
			if (olen != 1)
				return fail(r, "if_tsresol option has length %u, not 1", olen);
			if (seen_resol)
				return fail(r, "interface has more than one if_tsresol option");
			seen_resol = true;
			ifc.tsresol = val[0];
			ifc.res_pow2 = val[0] & 0x80;
			ifc.res_exp = val[0] & 0x7f;
			/* As libpcap: 10^-19 and 2^-63 s are the finest units
			 * of which one second's count fits 64 bits. */
			if (ifc.res_exp > (ifc.res_pow2 ? 63 : 19))
				return fail(r, "if_tsresol 0x%02x (%s^-%u s) is finer than 64-bit timestamps allow",
				            val[0], ifc.res_pow2 ? "2" : "10", ifc.res_exp);
		} else if (code == IF_TSOFFSET) {
			if (olen != 8)
				return fail(r, "if_tsoffset option has length %u, not 8", olen);
			if (seen_offset)
				return fail(r, "interface has more than one if_tsoffset option");
			seen_offset = true;
			ifc.tsoffset = (int64_t)get64(val, r->be);
		}
	}
	if (rc < 0)
		return -1;

	if (r->nifaces == r->ifaces_cap) {
		size_t ncap = r->ifaces_cap ? r->ifaces_cap * 2 : 8;
		struct iface *n = reallocarray(r->ifaces, ncap, sizeof *n);
		if (!n)
			return fail(r, "out of memory for %zu interfaces", ncap);
		r->ifaces = n;
		r->ifaces_cap = ncap;
	}
	if (r->keep_blocks) {
		/* The body is bounded by MAX_BLOCK and was read whole already:
		 * its copy costs no more than the file holds. */
		ifc.block_len = r->blen - MIN_BLOCK;
		ifc.block = malloc(ifc.block_len);
		if (!ifc.block)
			return fail(r, "out of memory for an interface block of %zu bytes",
			            ifc.block_len);
		memcpy(ifc.block, r->buf + 8, ifc.block_len);
	}
	r->ifaces[r->nifaces++] = ifc;
	return 0;
}

/* Timestamp units to nanoseconds since the epoch. The spec makes the
 * 64-bit count unsigned, but it is read as signed: every count below 2^63
 * (the year 2262 in nanoseconds, far later in coarser units) means the same
 * either way, and the larger ones are written by tools that stored a
 * negative time (PcapPlusPlus's pcapng-example has 100 such packets, 505 s
 * before the epoch). Read as negative they keep their spacing, which flow
 * timing needs; read as unsigned they fit no int64 and would all clamp to
 * one value. In 128 bits no product can overflow (2^63 units times 10^9);
 * a result outside the int64 range is clamped. Division truncates toward
 * zero, so sub-nanosecond units are cut as tshark cuts them. */
static int64_t units_to_ns(const struct iface *ifc, int64_t units)
{
	static const int64_t pow10[] = {1,         10,         100,         1000,
	                                10000,     100000,     1000000,     10000000,
	                                100000000, 1000000000, 10000000000LL};
	__int128 ns;
	if (ifc->res_pow2)
		ns = (__int128)units * NS_PER_SEC / ((__int128)1 << ifc->res_exp);
	else if (ifc->res_exp <= 9)
		ns = (__int128)units * pow10[9 - ifc->res_exp];
	else
		ns = units / pow10[ifc->res_exp - 9];
	ns += (__int128)ifc->tsoffset * NS_PER_SEC;
	if (ns > INT64_MAX)
		return INT64_MAX;
	if (ns < INT64_MIN)
		return INT64_MIN;
	return (int64_t)ns;
}

static const struct iface *lookup_iface(struct pcapng_reader *r, uint32_t id)
{
	if (id >= r->nifaces) {
		fail(r, "packet for unknown interface %u (the section has %zu)", id, r->nifaces);
		return NULL;
	}
	return &r->ifaces[id];
}

/* The tail shared by EPB and PB: caplen bytes of data must fit in what is
 * left of the block (its padding and options follow). */
static int emit(struct pcapng_reader *r, struct cur *c, const struct iface *ifc, uint32_t id,
                int64_t units, uint32_t caplen, uint32_t len, struct pcapng_packet *pkt)
{
	const uint8_t *data;
	if (!cur_take(c, caplen, &data))
		return fail(r, "captured length %u does not fit in the %s (%zu bytes of room)", caplen,
		            block_name(r->type), c->left);
	/* The options follow the data padded to 32 bits; a block whose
	 * padding is cut short has none. */
	size_t pad = (4 - caplen % 4) % 4;
	const uint8_t *skip;
	bool padded = cur_take(c, pad, &skip);
	*pkt = (struct pcapng_packet){
	        .dlt = ifc->dlt,
	        .interface_id = id,
	        .ts_ns = units_to_ns(ifc, units),
	        .caplen = caplen,
	        .len = len,
	        .frame = ++r->frames,
	        .data = data,
	        .section = r->section,
	        .tsresol = ifc->tsresol,
	        .big_endian = r->be,
	        .ts_units = (uint64_t)units,
	        .options = padded ? c->p : NULL,
	        .options_len = padded ? (uint32_t)c->left : 0,
	};
	return 1;
}

/* Enhanced Packet Block: interface, timestamp, lengths, data, options. */
static int parse_epb(struct pcapng_reader *r, struct pcapng_packet *pkt)
{
	struct cur c = block_body(r);
	uint32_t id, hi, lo, caplen, len;
	if (!cur_u32(&c, &id) || !cur_u32(&c, &hi) || !cur_u32(&c, &lo) || !cur_u32(&c, &caplen) ||
	    !cur_u32(&c, &len))
		return fail(r, "enhanced packet block too short: total length %u, need at least 32",
		            r->blen);
	const struct iface *ifc = lookup_iface(r, id);
	if (!ifc)
		return -1;
	return emit(r, &c, ifc, id, (int64_t)((uint64_t)hi << 32 | lo), caplen, len, pkt);
}

/* The obsolete Packet Block: like the EPB with a 16-bit interface id and a
 * drops count we have no use for. */
static int parse_pb(struct pcapng_reader *r, struct pcapng_packet *pkt)
{
	struct cur c = block_body(r);
	uint16_t id, drops;
	uint32_t hi, lo, caplen, len;
	if (!cur_u16(&c, &id) || !cur_u16(&c, &drops) || !cur_u32(&c, &hi) || !cur_u32(&c, &lo) ||
	    !cur_u32(&c, &caplen) || !cur_u32(&c, &len))
		return fail(r, "packet block too short: total length %u, need at least 32", r->blen);
	const struct iface *ifc = lookup_iface(r, id);
	if (!ifc)
		return -1;
	return emit(r, &c, ifc, id, (int64_t)((uint64_t)hi << 32 | lo), caplen, len, pkt);
}

/* Simple Packet Block: always interface 0, no timestamp, no captured
 * length: what was captured is the original length cut to the snaplen and
 * to the room in the block (spec section 4.4). */
static int parse_spb(struct pcapng_reader *r, struct pcapng_packet *pkt)
{
	struct cur c = block_body(r);
	uint32_t len;
	if (!cur_u32(&c, &len))
		return fail(r, "simple packet block too short: total length %u, need at least 16",
		            r->blen);
	if (r->nifaces == 0)
		return fail(r, "simple packet block but the section has no interface");
	const struct iface *ifc = &r->ifaces[0];
	uint32_t caplen = len;
	if (ifc->snaplen != 0 && caplen > ifc->snaplen)
		caplen = ifc->snaplen;
	if (caplen > c.left)
		caplen = (uint32_t)c.left; /* < MAX_BLOCK, fits */
	*pkt = (struct pcapng_packet){
	        .dlt = ifc->dlt,
	        .interface_id = 0,
	        .ts_ns = 0,
	        .caplen = caplen,
	        .len = len,
	        .frame = ++r->frames,
	        .data = c.p,
	        .section = r->section,
	        .tsresol = ifc->tsresol,
	        .big_endian = r->be,
	};
	return 1;
}

static bool tshark_shows_as_frame(uint32_t type)
{
	switch (type) {
	case BT_SYSTEMD_JOURNAL:
	case BT_SYSDIG_EVENT:
	case BT_SYSDIG_EVENT_V2:
	case BT_SYSDIG_EVENT_V2_LARGE:
	case BT_CUSTOM_COPY:
	case BT_CUSTOM_NO_COPY: return true;
	default: return false;
	}
}

/* --- API ---------------------------------------------------------------- */

bool pcapng_magic(const uint8_t first4[4])
{
	return first4[0] == 0x0A && first4[1] == 0x0D && first4[2] == 0x0D && first4[3] == 0x0A;
}

struct pcapng_reader *pcapng_open(FILE *in, char *err, size_t errlen)
{
	struct pcapng_reader *r = calloc(1, sizeof *r);
	if (r)
		r->buf = malloc(FIRST_BUFFER);
	if (!r || !r->buf) {
		snprintf(err, errlen, "out of memory");
		if (r)
			free(r);
		return NULL;
	}
	r->in = in;
	r->cap = FIRST_BUFFER;
	/* read_block refuses a first block that is not an SHB. */
	if (read_block(r) != 1 || parse_shb(r) != 0) {
		snprintf(err, errlen, "%s", r->err);
		pcapng_close(r);
		return NULL;
	}
	return r;
}

int pcapng_next(struct pcapng_reader *r, struct pcapng_packet *pkt)
{
	for (;;) {
		if (r->state != READING)
			return r->state == AT_END ? 0 : -1;
		int rc = read_block(r);
		if (rc <= 0)
			return rc;
		switch (r->type) {
		case BT_SHB:
			if (parse_shb(r) != 0)
				return -1;
			break;
		case BT_IDB:
			if (parse_idb(r) != 0)
				return -1;
			break;
		case BT_EPB: return parse_epb(r, pkt);
		case BT_SPB: return parse_spb(r, pkt);
		case BT_PB: return parse_pb(r, pkt);
		default:
			/* NRB, ISB, DSB, custom and unknown blocks: nothing
			 * for us, and the framing is already checked. */
			if (tshark_shows_as_frame(r->type))
				r->frames++;
			break;
		}
	}
}

void pcapng_keep_interface_blocks(struct pcapng_reader *r)
{
	r->keep_blocks = true;
}

int pcapng_interface_block(const struct pcapng_reader *r, uint32_t id, const uint8_t **body,
                           size_t *len, bool *big_endian)
{
	if (id >= r->nifaces || !r->ifaces[id].block)
		return -1;
	*body = r->ifaces[id].block;
	*len = r->ifaces[id].block_len;
	*big_endian = r->be;
	return 0;
}

const char *pcapng_error(const struct pcapng_reader *r)
{
	return r->err;
}

void pcapng_close(struct pcapng_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free_interfaces(r);
	free(r->ifaces);
	free(r);
}
