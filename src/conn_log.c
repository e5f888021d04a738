/* conn_log: see conn_log.h. Zeek's ASCII writer (logging/writers/ascii)
 * writes times and intervals with six decimals, counts and ports as
 * integers, and escapes a byte that is not printable, the separator or a
 * backslash as \xNN, and a string that reads as the unset or empty
 * field's marker the same way. Zeek fills duration, orig_bytes and
 * resp_bytes only for a connection that lasted (duration above 0:
 * base/protocols/conn/main.zeek, set_conn), and so do we. */
#include "conn_log.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <string.h>

static const char fields[] =
	"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration"
	"\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes"
	"\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents"
	"\tcommunity_id";
static const char types[] =
	"time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval"
	"\tcount\tcount\tstring\tbool\tbool\tcount"
	"\tstring\tcount\tcount\tcount\tcount\tset[string]"
	"\tstring";

static const char base62[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* v in base 62, most significant digit first, no leading zeros. */
static size_t put_base62(char *out, uint64_t v)
{
	char rev[12];
	size_t n = 0;
	do {
		rev[n++] = base62[v % 62];
		v /= 62;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	return n;
}

int conn_log_uid(const char *capture_sha256, int64_t first_frame,
                 char uid[CONN_LOG_UID_SIZE])
{
	char key[160];
	int len = snprintf(key, sizeof key, "%s:%" PRId64, capture_sha256 ? capture_sha256 : "",
	                   first_frame);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	uid[0] = '\0';
	if (len < 0 || (size_t)len >= sizeof key ||
	    !EVP_Digest(key, (size_t)len, md, &mdlen, EVP_sha1(), NULL) || mdlen < 12)
		return -1;
	/* Zeek's 96 bits are a 64-bit and a 32-bit word, each in base 62. */
	uint64_t hi = 0, lo = 0;
	for (int i = 0; i < 8; i++)
		hi = hi << 8 | md[i];
	for (int i = 8; i < 12; i++)
		lo = lo << 8 | md[i];
	size_t n = 0;
	uid[n++] = 'C';
	n += put_base62(uid + n, hi);
	n += put_base62(uid + n, lo);
	uid[n] = '\0';
	return 0;
}

static void stamp(FILE *out, const char *what, time_t t)
{
	struct tm tm;
	char text[32];
	localtime_r(&t, &tm);
	strftime(text, sizeof text, "%Y-%m-%d-%H-%M-%S", &tm);
	fprintf(out, "#%s\t%s\n", what, text);
}

void conn_log_head(FILE *out, time_t opened)
{
	fputs("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
	      "#unset_field\t-\n#path\tconn\n", out);
	stamp(out, "open", opened);
	fprintf(out, "#fields\t%s\n#types\t%s\n", fields, types);
}

void conn_log_close(FILE *out, time_t closed)
{
	stamp(out, "close", closed);
}

/* A string field: unset, empty, or escaped as Zeek's writer escapes. */
static void put_string(FILE *out, const char *s)
{
	fputc('\t', out);
	if (!s) {
		fputc('-', out);
		return;
	}
	if (!*s) {
		fputs("(empty)", out);
		return;
	}
	bool marker = strcmp(s, "-") == 0 || strcmp(s, "(empty)") == 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c < 0x20 || *c >= 0x7f || *c == '\\' || (marker && c == (const unsigned char *)s))
			fprintf(out, "\\x%02x", *c);
		else
			fputc(*c, out);
	}
}

/* Seconds with six decimals, rounded to the microsecond, from ns; floor
 * division, so a time before 1970 reads as Zeek's %.6f of it. */
static void put_seconds(FILE *out, int64_t ns, bool tab)
{
	int64_t half_up = ns + 500;
	int64_t us = half_up / 1000 - (half_up % 1000 < 0);
	int64_t s = us / 1000000 - (us % 1000000 < 0);
	int64_t frac = us - s * 1000000;
	fprintf(out, "%s%" PRId64 ".%06" PRId64, tab ? "\t" : "", s, frac);
}

int conn_log_row(FILE *out, const struct db_conn_row *r)
{
	char uid[CONN_LOG_UID_SIZE];
	if (conn_log_uid(r->capture_sha256, r->first_frame, uid))
		return -1;
	put_seconds(out, r->ts_ns, false);
	fprintf(out, "\t%s", uid);
	put_string(out, r->client_ip);
	fprintf(out, "\t%d", r->client_port);
	put_string(out, r->server_ip);
	fprintf(out, "\t%d\ttcp\t-", r->server_port);
	if (r->duration_ns > 0) {
		put_seconds(out, r->duration_ns, true);
		fprintf(out, "\t%" PRId64 "\t%" PRId64, r->client_bytes, r->server_bytes);
	} else {
		fputs("\t-\t-\t-", out);
	}
	put_string(out, r->conn_state);
	fputs("\t-\t-\t-", out); /* local_orig, local_resp, missed_bytes */
	/* Zeek leaves an empty history unset. */
	put_string(out, r->history && *r->history ? r->history : NULL);
	fprintf(out, "\t%" PRId64 "\t-\t%" PRId64 "\t-\t-", r->client_packets, r->server_packets);
	put_string(out, r->community_id);
	fputc('\n', out);
	return 0;
}
