/* fuzz_seeds: writes fuzz_decode's seed corpus, each frame of the captures
 * given as one file in fuzz_decode's input form (link type index, wire
 * length mode 0, the frame), read through capture.c as ingest reads them,
 * so pcapng and gzip captures give their frames too. At most
 * FRAMES_PER_CAPTURE frames a capture: the corpus' big captures repeat
 * themselves, and libFuzzer's start-up reads every seed.
 *
 *   fuzz_seeds OUTDIR CAPTURE...
 *
 * Built with the fuzz targets' objects; prints how many seeds it wrote. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "fuzz_link_types.h"

enum { FRAMES_PER_CAPTURE = 64 };

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: fuzz_seeds OUTDIR CAPTURE...\n");
		return 2;
	}
	unsigned long written = 0;
	for (int i = 2; i < argc; i++) {
		char err[512];
		struct capture *cap = capture_open(argv[i], false, err, sizeof err);
		if (!cap)
			continue; /* the corpus' unreadable files seed fuzz_ingest only */
		const char *base = strrchr(argv[i], '/');
		base = base ? base + 1 : argv[i];
		struct capture_packet pkt;
		int kept = 0;
		while (kept < FRAMES_PER_CAPTURE && capture_next(cap, &pkt) == 1) {
			int index = fuzz_link_index(pkt.dlt);
			if (index < 0)
				continue;
			char path[4096];
			snprintf(path, sizeof path, "%s/%s.%llu", argv[1], base,
			         (unsigned long long)pkt.frame);
			FILE *out = fopen(path, "wb");
			if (!out) {
				perror(path);
				capture_close(cap);
				return 1;
			}
			unsigned char head[2] = {(unsigned char)index, 0};
			fwrite(head, 1, 2, out);
			fwrite(pkt.data, 1, pkt.caplen, out);
			if (fclose(out) != 0) {
				perror(path);
				capture_close(cap);
				return 1;
			}
			kept++;
			written++;
		}
		capture_close(cap);
	}
	printf("%lu frames\n", written);
	return 0;
}
