/* writefiles: the bare loop a report is measured against (issue 6). It
 * writes COUNT files of SIZE bytes each into DIR (created if needed), named
 * 1.html, 2.html, ... as a report names its flow pages, with nothing but
 * open, write and close: the speed of the file system, which a report that
 * renders well should approach. Usage: writefiles DIR COUNT SIZE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: writefiles DIR COUNT SIZE\n");
		return 2;
	}
	const char *dir = argv[1];
	long count = atol(argv[2]), size = atol(argv[3]);
	if (count < 0 || size < 0) {
		fprintf(stderr, "writefiles: COUNT and SIZE are byte counts\n");
		return 2;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "writefiles: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	char *buf = malloc(size ? size : 1);
	if (!buf) {
		fprintf(stderr, "writefiles: out of memory\n");
		return 1;
	}
	memset(buf, 'x', size);
	for (long i = 1; i <= count; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%ld.html", dir, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd < 0 || write(fd, buf, size) != size || close(fd) != 0) {
			fprintf(stderr, "writefiles: %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	free(buf);
	return 0;
}
