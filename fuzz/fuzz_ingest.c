/* fuzz_ingest: libFuzzer target for a whole capture's ingest, from memory
 * into an in-memory database.
 *
 * The input is a capture file's bytes (pcap, pcapng, gzip of either, or
 * anything else). They go into a memfd, which ingest opens by its
 * /proc/self/fd path exactly as it opens a user's file (hash, gzip,
 * pcap or pcapng, decode, flows, state machine, the writer thread, SQL),
 * so no entry point exists only for fuzzing. The database is ":memory:",
 * made anew for each input so that a crash reproduces from its input
 * alone. max_flows is small so that eviction runs too.
 *
 * Beyond ASan and UBSan it checks the outcome ingest promises: never
 * FATAL (the database is fine; only the capture is bad), a reason for
 * every partial or failed read, and counts that agree with each other. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "ingest.h"

static void fail(const char *what, const struct ingest_result *r)
{
	fprintf(stderr, "fuzz_ingest: %s (outcome %d, error '%s')\n", what,
	        (int)r->outcome, r->error);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("capture", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0) {
			close(fd);
			return 0;
		}
		off += (size_t)n;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	char err[512];
	struct db *db = db_open(":memory:", err, sizeof err);
	if (!db) {
		fprintf(stderr, "fuzz_ingest: db_open: %s\n", err);
		abort();
	}
	struct ingest_options opt;
	ingest_default_options(&opt);
	opt.limits.max_flows = 8;
	struct ingest_result r;
	ingest_capture(db, &opt, path, &r);

	switch (r.outcome) {
	case INGEST_OK:
		if (r.bad_packets && !r.error[0])
			fail("malformed packets without a summary", &r);
		/* fall through */
	case INGEST_PARTIAL:
		if (r.outcome == INGEST_PARTIAL && !r.error[0])
			fail("partial without a reason", &r);
		if (r.tcp_packets + r.bad_packets > r.packets)
			fail("more TCP and bad packets than packets", &r);
		if (r.flows > r.tcp_packets)
			fail("more connections than TCP packets", &r);
		if (r.capture_id != 1)
			fail("capture id not 1 in a new database", &r);
		break;
	case INGEST_FAILED:
		if (!r.error[0])
			fail("failed without a reason", &r);
		break;
	case INGEST_DUPLICATE:
		fail("duplicate in an empty database", &r);
		break;
	case INGEST_REFUSED:
		fail("refused in an empty database", &r);
		break;
	case INGEST_FATAL:
		fail("fatal: the database failed on a capture", &r);
		break;
	}
	db_close(db);
	close(fd);
	return 0;
}
