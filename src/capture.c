/* capture: see capture.h. */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "pcapng.h"

/* A filter compiled for one link type. */
struct compiled_filter {
	int dlt;
	struct bpf_program prog;
};

enum { MAX_FILTER_LINKTYPES = 16 };

struct capture {
	FILE *stream;        /* the cookie stream over gz */
	gzFile gz;           /* closed through the cookie */
	EVP_MD_CTX *sha;     /* NULL unless hashing while reading */
	/* The first bytes, read to tell pcap from pcapng, served again to
	 * whichever reader takes the stream. */
	unsigned char prefix[4];
	size_t prefix_len, prefix_pos;
	bool read_error;
	char gz_error[128];

	pcap_t *pcap;        /* classic pcap, or NULL */
	struct pcapng_reader *pcapng;
	struct pcapng_packet ng; /* the last pcapng packet */
	uint64_t frames;     /* the last frame number returned */
	int linktype;

	const char *filter_text;
	struct compiled_filter filters[MAX_FILTER_LINKTYPES];
	int nfilters;
	char error[PCAP_ERRBUF_SIZE + 128];
};

static void hex_digest(EVP_MD_CTX *sha, char hex[CAPTURE_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_DigestFinal_ex(sha, md, &n);
	for (unsigned int i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = '\0';
}

void capture_hash_bytes(const void *data, size_t len, char hex[CAPTURE_SHA256_HEX])
{
	EVP_MD_CTX *sha = EVP_MD_CTX_new();
	if (sha && EVP_DigestInit_ex(sha, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(sha, data, len)) {
		hex_digest(sha, hex);
	} else {
		hex[0] = '\0';
	}
	EVP_MD_CTX_free(sha);
}

static gzFile open_gz(const char *path, char *err, size_t errlen)
{
	int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO)
	                                : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	gzFile gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	gzbuffer(gz, 256 * 1024);
	return gz;
}

int capture_hash_file(const char *path, char hex[CAPTURE_SHA256_HEX],
                      char *err, size_t errlen)
{
	gzFile gz = open_gz(path, err, errlen);
	if (!gz)
		return -1;
	EVP_MD_CTX *sha = EVP_MD_CTX_new();
	if (!sha || !EVP_DigestInit_ex(sha, EVP_sha256(), NULL)) {
		snprintf(err, errlen, "cannot start SHA-256");
		EVP_MD_CTX_free(sha);
		gzclose(gz);
		return -1;
	}
	static const size_t chunk = 256 * 1024;
	unsigned char *buf = malloc(chunk);
	int n = 0;
	while (buf && (n = gzread(gz, buf, chunk)) > 0)
		EVP_DigestUpdate(sha, buf, (size_t)n);
	int rc = 0;
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	} else if (n < 0) {
		/* A gzip stream cut short or corrupt still hashes what it held:
		 * the file is damaged, not absent, and ingest keeps what can be
		 * read. A read error of the file itself is a failure. */
		int zerr;
		const char *msg = gzerror(gz, &zerr);
		if (zerr == Z_ERRNO) {
			snprintf(err, errlen, "%s", strerror(errno));
			rc = -1;
		} else if (zerr != Z_BUF_ERROR && zerr != Z_DATA_ERROR) {
			snprintf(err, errlen, "%s", msg);
			rc = -1;
		}
	}
	if (rc == 0)
		hex_digest(sha, hex);
	free(buf);
	EVP_MD_CTX_free(sha);
	gzclose(gz);
	return rc;
}

/* stdio cookie: libpcap reads, zlib inflates (or copies), SHA-256 sees. */
static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
	struct capture *cap = cookie;
	if (cap->prefix_pos < cap->prefix_len) {
		size_t n = cap->prefix_len - cap->prefix_pos;
		if (n > size)
			n = size;
		memcpy(buf, cap->prefix + cap->prefix_pos, n);
		cap->prefix_pos += n;
		return (ssize_t)n;
	}
	if (size > (1u << 30))
		size = 1u << 30;
	int n = gzread(cap->gz, buf, (unsigned)size);
	if (n <= 0) {
		/* A gzip stream cut short ends with 0 and Z_BUF_ERROR, not -1. */
		int zerr = Z_OK;
		const char *msg = gzerror(cap->gz, &zerr);
		if (n == 0 && zerr == Z_OK)
			return 0; /* the end */
		/* zlib names the stream "<fd:N>: " first: no name for a user. */
		const char *named = strncmp(msg, "<fd:", 4) == 0 ? strstr(msg, ">: ") : NULL;
		snprintf(cap->gz_error, sizeof cap->gz_error, "%s", named ? named + 3 : msg);
		cap->read_error = true;
		/* What was inflated before the damage is still good: report an
		 * end of file, and libpcap says where its record was cut. */
		return 0;
	}
	if (cap->sha && n > 0)
		EVP_DigestUpdate(cap->sha, buf, (size_t)n);
	return n;
}

static int cookie_close(void *cookie)
{
	struct capture *cap = cookie;
	int rc = cap->gz ? gzclose(cap->gz) : Z_OK;
	cap->gz = NULL;
	return rc == Z_OK ? 0 : -1;
}

/* The raw read, before the cookie: the magic bytes are hashed here too. */
static size_t read_prefix(struct capture *cap)
{
	int n = gzread(cap->gz, cap->prefix, sizeof cap->prefix);
	cap->prefix_len = n > 0 ? (size_t)n : 0;
	if (cap->sha && cap->prefix_len)
		EVP_DigestUpdate(cap->sha, cap->prefix, cap->prefix_len);
	return cap->prefix_len;
}

struct capture *capture_open(const char *path, bool hash_while_reading,
                             char *err, size_t errlen)
{
	struct capture *cap = calloc(1, sizeof *cap);
	if (!cap) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cap->linktype = -1;
	if (hash_while_reading) {
		cap->sha = EVP_MD_CTX_new();
		if (!cap->sha || !EVP_DigestInit_ex(cap->sha, EVP_sha256(), NULL)) {
			snprintf(err, errlen, "cannot start SHA-256");
			goto failed;
		}
	}
	cap->gz = open_gz(path, err, errlen);
	if (!cap->gz)
		goto failed;
	read_prefix(cap);
	cookie_io_functions_t io = {.read = cookie_read, .close = cookie_close};
	cap->stream = fopencookie(cap, "rb", io);
	if (!cap->stream) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto failed;
	}
	if (cap->prefix_len == 4 && pcapng_magic(cap->prefix)) {
		cap->pcapng = pcapng_open(cap->stream, err, errlen);
		if (!cap->pcapng)
			goto failed;
		return cap;
	}
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	cap->pcap = pcap_fopen_offline_with_tstamp_precision(
		cap->stream, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!cap->pcap) {
		if (cap->read_error)
			snprintf(err, errlen, "%s", cap->gz_error);
		else if (cap->prefix_len == 0)
			snprintf(err, errlen, "empty file");
		else
			snprintf(err, errlen, "%s", pcap_err[0] ? pcap_err
			                                        : "not a capture file");
		goto failed;
	}
	cap->stream = NULL; /* libpcap owns it now, and closes it */
	cap->linktype = pcap_datalink(cap->pcap);
	return cap;
failed:
	capture_close(cap);
	return NULL;
}

bool capture_filter_is_valid(const char *bpf, char *err, size_t errlen)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
	struct bpf_program prog;
	int rc = dead ? pcap_compile(dead, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) : -1;
	if (rc == 0)
		pcap_freecode(&prog);
	else
		snprintf(err, errlen, "%s", dead ? pcap_geterr(dead) : "out of memory");
	if (dead)
		pcap_close(dead);
	return rc == 0;
}

int capture_set_filter(struct capture *cap, const char *bpf, char *err,
                       size_t errlen)
{
	if (!capture_filter_is_valid(bpf, err, errlen))
		return -1;
	cap->filter_text = bpf;
	return 0;
}

/* The filter for dlt, compiled on first use; NULL if it cannot be (a link
 * type libpcap cannot filter): then the packet is kept. */
static const struct bpf_program *filter_for(struct capture *cap, int dlt)
{
	for (int i = 0; i < cap->nfilters; i++) {
		if (cap->filters[i].dlt == dlt)
			return &cap->filters[i].prog;
	}
	if (cap->nfilters == MAX_FILTER_LINKTYPES)
		return NULL;
	pcap_t *dead = pcap_open_dead(dlt, 262144);
	if (!dead)
		return NULL;
	struct compiled_filter *f = &cap->filters[cap->nfilters];
	int rc = pcap_compile(dead, &f->prog, cap->filter_text, 1,
	                      PCAP_NETMASK_UNKNOWN);
	pcap_close(dead);
	if (rc != 0)
		return NULL;
	f->dlt = dlt;
	return &cap->filters[cap->nfilters++].prog;
}

/* The end of the stream: clean, or a gzip stream cut short or corrupt
 * (cookie_read reports those as an end of file, so that what was inflated
 * before is read): then the file is damaged even when the cut fell
 * between two packets. 0, or -1 with the error set. */
static int end_of_stream(struct capture *cap)
{
	if (!cap->read_error)
		return 0;
	snprintf(cap->error, sizeof cap->error, "reading packet %llu: %s",
	         (unsigned long long)cap->frames + 1, cap->gz_error);
	return -1;
}

static int next_raw(struct capture *cap, struct capture_packet *pkt)
{
	if (cap->pcapng) {
		const struct pcapng_packet *ng = &cap->ng;
		int rc = pcapng_next(cap->pcapng, &cap->ng);
		if (rc == 0)
			return end_of_stream(cap);
		if (rc != 1) {
			if (rc < 0)
				snprintf(cap->error, sizeof cap->error, "reading packet %llu: %s",
				         (unsigned long long)cap->frames + 1,
				         pcapng_error(cap->pcapng));
			return rc;
		}
		cap->frames = ng->frame;
		*pkt = (struct capture_packet){.frame = ng->frame, .dlt = ng->dlt,
		                               .ts_ns = ng->ts_ns, .caplen = ng->caplen,
		                               .len = ng->len, .data = ng->data};
		if (cap->linktype < 0)
			cap->linktype = ng->dlt;
		return 1;
	}
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int rc = pcap_next_ex(cap->pcap, &hdr, &data);
	if (rc == 1) {
		*pkt = (struct capture_packet){
			.frame = ++cap->frames,
			.dlt = cap->linktype,
			/* Nanosecond precision asked at open: tv_usec holds ns. */
			.ts_ns = (int64_t)hdr->ts.tv_sec * 1000000000 + hdr->ts.tv_usec,
			.caplen = hdr->caplen,
			.len = hdr->len,
			.data = data,
		};
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return end_of_stream(cap);
	snprintf(cap->error, sizeof cap->error, "reading packet %llu: %s",
	         (unsigned long long)cap->frames + 1,
	         cap->read_error ? cap->gz_error : pcap_geterr(cap->pcap));
	return -1;
}

int capture_next(struct capture *cap, struct capture_packet *pkt)
{
	for (;;) {
		int rc = next_raw(cap, pkt);
		if (rc != 1 || !cap->filter_text)
			return rc;
		struct pcap_pkthdr hdr = {.caplen = pkt->caplen, .len = pkt->len};
		const struct bpf_program *prog = filter_for(cap, pkt->dlt);
		if (!prog || pcap_offline_filter(prog, &hdr, pkt->data))
			return 1;
	}
}

const char *capture_error(const struct capture *cap)
{
	return cap->error;
}

uint64_t capture_frames(const struct capture *cap)
{
	return cap->frames;
}

uint64_t capture_bytes_read(const struct capture *cap)
{
	/* gzoffset is the descriptor's position less what zlib holds unread,
	 * for plain files read through zlib too; -1 where the descriptor does
	 * not seek (a pipe). */
	z_off_t at = cap->gz ? gzoffset(cap->gz) : -1;
	return at > 0 ? (uint64_t)at : 0;
}

int capture_linktype(const struct capture *cap)
{
	return cap->linktype;
}

int capture_finish_hash(struct capture *cap, char hex[CAPTURE_SHA256_HEX],
                        char *err, size_t errlen)
{
	if (!cap->sha || !cap->gz) {
		snprintf(err, errlen, "no hash was kept");
		return -1;
	}
	/* What the reader's stdio buffer holds was hashed when it was read. */
	char buf[65536];
	int n;
	while ((n = gzread(cap->gz, buf, sizeof buf)) > 0)
		EVP_DigestUpdate(cap->sha, buf, (size_t)n);
	hex_digest(cap->sha, hex);
	return 0;
}

bool capture_pcap_nanosecond(const struct capture *cap)
{
	static const unsigned char le[4] = {0x4d, 0x3c, 0xb2, 0xa1},
	                           be[4] = {0xa1, 0xb2, 0x3c, 0x4d};
	return cap->pcap && cap->prefix_len == 4 &&
	       (memcmp(cap->prefix, le, 4) == 0 || memcmp(cap->prefix, be, 4) == 0);
}

int capture_pcap_snaplen(const struct capture *cap)
{
	return cap->pcap ? pcap_snapshot(cap->pcap) : 0;
}

struct pcapng_reader *capture_pcapng(struct capture *cap)
{
	return cap->pcapng;
}

const struct pcapng_packet *capture_pcapng_packet(const struct capture *cap)
{
	return cap->pcapng ? &cap->ng : NULL;
}

void capture_close(struct capture *cap)
{
	if (!cap)
		return;
	pcapng_close(cap->pcapng);
	if (cap->pcap)
		pcap_close(cap->pcap); /* fclose: the cookie closes the gzFile */
	else if (cap->stream)
		fclose(cap->stream);
	else if (cap->gz)
		gzclose(cap->gz);
	for (int i = 0; i < cap->nfilters; i++)
		pcap_freecode(&cap->filters[i].prog);
	EVP_MD_CTX_free(cap->sha);
	free(cap);
}

static bool magic_is_capture(const unsigned char m[4])
{
	static const unsigned char magics[][4] = {
		{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, /* pcap usec */
		{0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d}, /* pcap nsec */
		{0x0a, 0x0d, 0x0d, 0x0a},                           /* pcapng SHB */
	};
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
		if (memcmp(m, magics[i], 4) == 0)
			return true;
	}
	return false;
}

bool capture_file_looks_like_capture(const char *path)
{
	char err[128];
	gzFile gz = open_gz(path, err, sizeof err);
	if (!gz)
		return false;
	unsigned char m[4];
	bool yes = gzread(gz, m, 4) == 4 && magic_is_capture(m);
	gzclose(gz);
	return yes;
}
