/* savefile: see savefile.h. One growable buffer holds the block being
 * built, so a block goes out in one write; the sink is stdio or zlib. */
#include "savefile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define BT_SHB 0x0A0D0D0AU
#define BT_IDB 0x00000001U
#define BT_EPB 0x00000006U

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_TSRESOL 9

/* Custom options (pcapng section 3.5.1): a Private Enterprise Number,
 * 32 bits in the section's byte order, then bytes. */
#define OPT_CUSTOM_STR 2988
#define OPT_CUSTOM_BIN 2989
#define OPT_CUSTOM_STR_NOCOPY 19372
#define OPT_CUSTOM_BIN_NOCOPY 19373

struct savefile {
	FILE *file;   /* one of these two */
	gzFile gz;
	uint8_t *buf; /* the block being built */
	size_t len, cap;
	bool nano;    /* pcap: the header said nanoseconds */
	bool failed;
	char error[256];
};

bool savefile_format_of(const char *path, enum savefile_format *format, bool *gz)
{
	size_t n = strlen(path);
	*gz = n > 3 && strcmp(path + n - 3, ".gz") == 0;
	if (*gz)
		n -= 3;
	if (n > 5 && strncmp(path + n - 5, ".pcap", 5) == 0) {
		*format = SAVEFILE_PCAP;
		return true;
	}
	if (n > 7 && strncmp(path + n - 7, ".pcapng", 7) == 0) {
		*format = SAVEFILE_PCAPNG;
		return true;
	}
	return false;
}

struct savefile *savefile_open_fd(int fd, bool gz, char *err, size_t errlen)
{
	struct savefile *sf = calloc(1, sizeof *sf);
	if (!sf) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (gz)
		sf->gz = gzdopen(fd, "wb6");
	else
		sf->file = fdopen(fd, "wb");
	if (!sf->gz && !sf->file) {
		snprintf(err, errlen, "%s", gz ? "out of memory for zlib" : strerror(errno));
		close(fd);
		free(sf);
		return NULL;
	}
	return sf;
}

/* --- the block buffer --------------------------------------------------- */

static bool reserve(struct savefile *sf, size_t more)
{
	if (sf->failed)
		return false;
	if (sf->cap - sf->len >= more)
		return true;
	size_t want = sf->cap ? sf->cap : 4096;
	while (want - sf->len < more)
		want *= 2;
	uint8_t *nb = realloc(sf->buf, want);
	if (!nb) {
		sf->failed = true;
		snprintf(sf->error, sizeof sf->error, "out of memory for a %zu-byte block",
		         sf->len + more);
		return false;
	}
	sf->buf = nb;
	sf->cap = want;
	return true;
}

static void put(struct savefile *sf, const void *p, size_t n)
{
	if (n && reserve(sf, n)) {
		memcpy(sf->buf + sf->len, p, n);
		sf->len += n;
	}
}

static void put16(struct savefile *sf, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	put(sf, b, 2);
}

static void put32(struct savefile *sf, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	put(sf, b, 4);
}

static void pad32(struct savefile *sf)
{
	static const uint8_t zeros[4] = {0};
	put(sf, zeros, (4 - sf->len % 4) % 4);
}

static void set32(struct savefile *sf, size_t at, uint32_t v)
{
	if (sf->failed || at + 4 > sf->len)
		return;
	sf->buf[at] = (uint8_t)v;
	sf->buf[at + 1] = (uint8_t)(v >> 8);
	sf->buf[at + 2] = (uint8_t)(v >> 16);
	sf->buf[at + 3] = (uint8_t)(v >> 24);
}

/* Writes the buffer out and empties it. */
static int flush_block(struct savefile *sf)
{
	if (sf->failed)
		return -1;
	size_t n = sf->len;
	sf->len = 0;
	bool ok = sf->gz ? n == 0 || gzwrite(sf->gz, sf->buf, (unsigned)n) == (int)n
	                 : fwrite(sf->buf, 1, n, sf->file) == n;
	if (!ok) {
		sf->failed = true;
		int zerr = Z_OK;
		const char *msg = sf->gz ? gzerror(sf->gz, &zerr) : NULL;
		snprintf(sf->error, sizeof sf->error, "writing: %s",
		         sf->gz && zerr != Z_ERRNO ? msg : strerror(errno));
		return -1;
	}
	return 0;
}

/* --- pcap --------------------------------------------------------------- */

int savefile_pcap_header(struct savefile *sf, uint32_t linktype, uint32_t snaplen, bool nano)
{
	put32(sf, nano ? 0xa1b23c4dU : 0xa1b2c3d4U);
	put16(sf, 2);
	put16(sf, 4);
	put32(sf, 0); /* thiszone */
	put32(sf, 0); /* sigfigs */
	put32(sf, snaplen);
	put32(sf, linktype);
	sf->nano = nano;
	return flush_block(sf);
}

int savefile_pcap_packet(struct savefile *sf, int64_t ts_ns, uint32_t caplen, uint32_t len,
                         const uint8_t *data)
{
	/* Seconds round down, so the fraction is never negative (a time
	 * before 1970 is a negative second and a positive fraction, as
	 * libpcap reads it back). */
	int64_t sec = ts_ns / 1000000000, frac = ts_ns % 1000000000;
	if (frac < 0) {
		sec--;
		frac += 1000000000;
	}
	put32(sf, (uint32_t)sec);
	put32(sf, (uint32_t)(sf->nano ? frac : frac / 1000));
	put32(sf, caplen);
	put32(sf, len);
	put(sf, data, caplen);
	return flush_block(sf);
}

/* --- pcapng ------------------------------------------------------------- */

/* Starts a block: type and a length filled in by end_block. */
static size_t begin_block(struct savefile *sf, uint32_t type)
{
	size_t at = sf->len;
	put32(sf, type);
	put32(sf, 0);
	return at;
}

static int end_block(struct savefile *sf, size_t at)
{
	pad32(sf);
	uint32_t total = (uint32_t)(sf->len - at + 4);
	put32(sf, total);
	set32(sf, at + 4, total);
	return flush_block(sf);
}

static void put_option(struct savefile *sf, uint16_t code, const void *val, size_t n)
{
	put16(sf, code);
	put16(sf, (uint16_t)n);
	put(sf, val, n);
	pad32(sf);
}

enum block_kind { KIND_IDB, KIND_EPB };

/* The width of a numeric option that must be turned to little-endian,
 * 0 for a byte string (pcapng section 4.2, 4.3). */
static unsigned numeric_width(enum block_kind kind, uint16_t code)
{
	if (kind == KIND_IDB) {
		switch (code) {
		case 8:  /* if_speed */
		case 14: /* if_tsoffset */
		case 16: /* if_txspeed */
		case 17: /* if_rxspeed */ return 8;
		case 10: /* if_tzone */ return 4;
		default: return 0;
		}
	}
	switch (code) {
	case 2: /* epb_flags */
	case 6: /* epb_queue */ return 4;
	case 4: /* epb_dropcount */
	case 5: /* epb_packetid */ return 8;
	default: return 0;
	}
}

static uint16_t get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Copies a source block's options, up to its opt_endofopt, into the
 * buffer in little-endian order, leaving the end-of-options out (the
 * caller adds its own and ends the list). */
static void copy_options(struct savefile *sf, enum block_kind kind, const uint8_t *p,
                         size_t left, bool be)
{
	while (left >= 4) {
		uint16_t code = get16(p, be), olen = get16(p + 2, be);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;
		if (code == OPT_ENDOFOPT || padded > left - 4)
			return;
		const uint8_t *val = p + 4;
		uint8_t swapped[8];
		unsigned width = numeric_width(kind, code);
		bool custom = code == OPT_CUSTOM_STR || code == OPT_CUSTOM_BIN ||
		              code == OPT_CUSTOM_STR_NOCOPY || code == OPT_CUSTOM_BIN_NOCOPY;
		put16(sf, code);
		put16(sf, olen);
		if (be && width && olen == width) {
			for (unsigned i = 0; i < width; i++)
				swapped[i] = val[width - 1 - i];
			put(sf, swapped, width);
		} else if (be && custom && olen >= 4) {
			uint8_t pen[4] = {val[3], val[2], val[1], val[0]};
			put(sf, pen, 4);
			put(sf, val + 4, olen - 4u);
		} else {
			put(sf, val, olen);
		}
		pad32(sf);
		p += 4 + padded;
		left -= 4 + padded;
	}
}

int savefile_pcapng_shb(struct savefile *sf, const char *userappl)
{
	size_t at = begin_block(sf, BT_SHB);
	put32(sf, 0x1A2B3C4DU);
	put16(sf, 1);
	put16(sf, 0);
	put32(sf, 0xFFFFFFFFU); /* section length: not given */
	put32(sf, 0xFFFFFFFFU);
	if (userappl) {
		put_option(sf, SHB_USERAPPL, userappl, strlen(userappl));
		put_option(sf, OPT_ENDOFOPT, NULL, 0);
	}
	return end_block(sf, at);
}

int savefile_pcapng_idb_copy(struct savefile *sf, const uint8_t *body, size_t len,
                             bool big_endian)
{
	if (len < 8) {
		sf->failed = true;
		snprintf(sf->error, sizeof sf->error, "interface block of %zu bytes", len);
		return -1;
	}
	size_t at = begin_block(sf, BT_IDB);
	put16(sf, get16(body, big_endian)); /* link type */
	put16(sf, 0);
	uint32_t snaplen = big_endian ? (uint32_t)body[4] << 24 | (uint32_t)body[5] << 16 |
	                                        (uint32_t)body[6] << 8 | body[7]
	                              : (uint32_t)body[7] << 24 | (uint32_t)body[6] << 16 |
	                                        (uint32_t)body[5] << 8 | body[4];
	put32(sf, snaplen);
	size_t opts_at = sf->len;
	copy_options(sf, KIND_IDB, body + 8, len - 8, big_endian);
	if (sf->len != opts_at)
		put_option(sf, OPT_ENDOFOPT, NULL, 0);
	return end_block(sf, at);
}

int savefile_pcapng_idb(struct savefile *sf, uint16_t linktype, uint32_t snaplen,
                        uint8_t tsresol)
{
	size_t at = begin_block(sf, BT_IDB);
	put16(sf, linktype);
	put16(sf, 0);
	put32(sf, snaplen);
	if (tsresol != 6) {
		put_option(sf, IF_TSRESOL, &tsresol, 1);
		put_option(sf, OPT_ENDOFOPT, NULL, 0);
	}
	return end_block(sf, at);
}

int savefile_pcapng_epb(struct savefile *sf, const struct savefile_epb *e)
{
	size_t at = begin_block(sf, BT_EPB);
	put32(sf, e->iface);
	put32(sf, (uint32_t)(e->ts_units >> 32));
	put32(sf, (uint32_t)e->ts_units);
	put32(sf, e->caplen);
	put32(sf, e->len);
	put(sf, e->data, e->caplen);
	pad32(sf);
	size_t opts_at = sf->len;
	if (e->options)
		copy_options(sf, KIND_EPB, e->options, e->options_len, e->options_big_endian);
	if (e->comment)
		put_option(sf, OPT_COMMENT, e->comment, strlen(e->comment));
	if (sf->len != opts_at)
		put_option(sf, OPT_ENDOFOPT, NULL, 0);
	return end_block(sf, at);
}

int savefile_close(struct savefile *sf, char *err, size_t errlen)
{
	if (!sf)
		return 0;
	int rc = sf->failed ? -1 : 0;
	if (rc)
		snprintf(err, errlen, "%s", sf->error);
	if (sf->gz) {
		int zrc = gzclose(sf->gz);
		if (zrc != Z_OK && rc == 0) {
			snprintf(err, errlen, "closing: %s",
			         zrc == Z_ERRNO ? strerror(errno) : "zlib failed");
			rc = -1;
		}
	} else if (sf->file) {
		bool bad = ferror(sf->file);
		if ((fclose(sf->file) != 0 || bad) && rc == 0) {
			snprintf(err, errlen, "closing: %s", strerror(errno));
			rc = -1;
		}
	}
	free(sf->buf);
	free(sf);
	return rc;
}
