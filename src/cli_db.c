/* cli_db: see cli_db.h. It reads a path's first bytes and its metadata;
 * it never opens the database, which is db.c's job. */
#include "cli_db.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* Every SQLite database file starts with these 16 bytes (the file format
 * document, section 1.3.1). An empty file is one too, to SQLite, but not
 * one tcpladder wrote. */
static const char sqlite_magic[16] = "SQLite format 3";

/* Whether head (n bytes) starts as a capture file does: pcap in either
 * byte order, micro- or nanosecond; pcapng; gzip (of either, likely). */
static bool looks_like_capture(const char *head, size_t n)
{
	static const char *const magic[] = {"\xd4\xc3\xb2\xa1", "\xa1\xb2\xc3\xd4",
	                                    "\x4d\x3c\xb2\xa1", "\xa1\xb2\x3c\x4d",
	                                    "\x0a\x0d\x0d\x0a"};
	for (size_t i = 0; i < sizeof magic / sizeof magic[0]; i++) {
		if (n >= 4 && memcmp(head, magic[i], 4) == 0)
			return true;
	}
	return n >= 2 && memcmp(head, "\x1f\x8b", 2) == 0;
}

/* The checks of both functions below; writing says which one asks. */
static bool usable(const char *who, const char *path, bool writing, FILE *out)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			fprintf(out, "%s: no database at %s; make one with `tcpladder ingest -d %s"
			             " CAPTURE...`, or name yours with -d\n", who, path, path);
		else
			fprintf(out, "%s: %s: %s\n", who, path, strerror(errno));
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(out, "%s: %s is a folder; -d names the database file (a run's folder"
		             " holds it as %s/tcpladder.db)\n", who, path, path);
		return false;
	}
	if (writing && S_ISREG(st.st_mode) && st.st_size == 0)
		return true; /* mktemp's file, say: SQLite makes it a database */
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(out, "%s: cannot read the database %s: %s; check its permissions\n", who,
		        path, strerror(errno));
		return false;
	}
	char head[16];
	size_t n = fread(head, 1, sizeof head, f);
	fclose(f);
	if (n != sizeof head || memcmp(head, sqlite_magic, sizeof head) != 0) {
		bool capture = looks_like_capture(head, n);
		if (writing)
			fprintf(out, "%s: %s is not a tcpladder database (not an SQLite file) and is"
			             " not overwritten; give -d a new file name%s\n", who, path,
			        capture ? " (this one is a capture: -d DB comes before the captures)"
			                : "");
		else
			fprintf(out, "%s: %s is not a tcpladder database (not an SQLite file); -d"
			             " names the file `tcpladder ingest -d` wrote%s\n", who, path,
			        capture ? " (this one is a capture: ingest it, or run it)" : "");
		return false;
	}
	return true;
}

bool cli_db_readable(const char *who, const char *path, FILE *out)
{
	return usable(who, path, false, out);
}

bool cli_db_writable(const char *who, const char *path, FILE *out)
{
	struct stat st;
	if (stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
		return true; /* ingest and merge create it, or say why they cannot */
	return usable(who, path, true, out);
}

void cli_db_open_failed(const char *who, const char *path, const char *err, FILE *out)
{
	/* The folder a new database would go into. */
	char dir[4096];
	const char *slash = strrchr(path, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
	         slash ? path : ".");
	struct stat st;
	if (stat(dir, &st) != 0)
		fprintf(out, "%s: cannot create the database %s: the folder %s does not exist;"
		             " create it first\n", who, path, dir);
	else if (!S_ISDIR(st.st_mode))
		fprintf(out, "%s: cannot create the database %s: %s is a file, not a folder;"
		             " give -d a path in a folder\n", who, path, dir);
	else
		fprintf(out, "%s: cannot open the database %s: %s; check that it and its folder"
		             " are writable\n", who, path, err);
}
