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

struct capture {
	pcap_t *pcap;
	gzFile gz;          /* closed by pcap_close through the cookie */
	EVP_MD_CTX *sha;    /* NULL unless hashing while reading */
	bool read_error;
	char gz_error[128];
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
	if (size > (1u << 30))
		size = 1u << 30;
	int n = gzread(cap->gz, buf, (unsigned)size);
	if (n < 0) {
		int zerr;
		snprintf(cap->gz_error, sizeof cap->gz_error, "%s",
		         gzerror(cap->gz, &zerr));
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

struct capture *capture_open(const char *path, bool hash_while_reading,
                             char *err, size_t errlen)
{
	struct capture *cap = calloc(1, sizeof *cap);
	if (!cap) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
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
	cookie_io_functions_t io = {.read = cookie_read, .close = cookie_close};
	FILE *stream = fopencookie(cap, "rb", io);
	if (!stream) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto failed;
	}
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	cap->pcap = pcap_fopen_offline_with_tstamp_precision(
		stream, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!cap->pcap) {
		if (cap->read_error)
			snprintf(err, errlen, "%s", cap->gz_error);
		else
			snprintf(err, errlen, "%s", pcap_err[0] ? pcap_err
			                                        : "not a capture file");
		fclose(stream);
		goto failed;
	}
	return cap;
failed:
	if (cap->gz)
		gzclose(cap->gz);
	EVP_MD_CTX_free(cap->sha);
	free(cap);
	return NULL;
}

pcap_t *capture_pcap(struct capture *cap)
{
	return cap->pcap;
}

int capture_finish_hash(struct capture *cap, char hex[CAPTURE_SHA256_HEX],
                        char *err, size_t errlen)
{
	if (!cap->sha || !cap->gz) {
		snprintf(err, errlen, "no hash was kept");
		return -1;
	}
	char buf[65536];
	int n;
	while ((n = gzread(cap->gz, buf, sizeof buf)) > 0)
		EVP_DigestUpdate(cap->sha, buf, (size_t)n);
	hex_digest(cap->sha, hex);
	return 0;
}

void capture_close(struct capture *cap)
{
	if (!cap)
		return;
	if (cap->pcap)
		pcap_close(cap->pcap); /* fclose: the cookie closes the gzFile */
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
