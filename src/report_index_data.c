/* report_index_data: DIR/flows.js, every selected flow's summary in one
 * file beside the index, so that the index's script searches and sorts
 * the whole report rather than the page it is on. A .js file, not .json:
 * a page opened from file:// may load a script but not fetch a file. It
 * calls tcpladder_flows(HEAD, CHUNKS): HEAD an object, CHUNKS string
 * literals each holding the JSON of some flows' columns (which the page
 * parses with JSON.parse, much faster than a literal of the script), all
 * made by SQLite's JSON functions (db_report.h says what they hold):
 * nothing here escapes text. Chunks stream from the query to the file,
 * one at a time (the ids cut into ranges, each found through the key); the file is
 * written beside its name and renamed over it, so that a page never
 * reads half of it. */
#include "report.h"
#include "report_index.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Flows a chunk holds: one JSON.parse of ~0.5 MB each in the page, and a
 * chunk's text all the writer holds at once. */
enum { CHUNK_FLOWS = 5000 };

struct data_out {
	FILE *f;
	size_t chunks;
};

static int put_head(const char *json, size_t len, void *user)
{
	struct data_out *o = user;
	fputs("/* written by tcpladder report: the flows of this report, which"
	      " index.html's script searches and sorts */\ntcpladder_flows(",
	      o->f);
	fwrite(json, 1, len, o->f);
	fputs(", [\n", o->f);
	return 0;
}

static int put_chunk(const char *json, size_t len, void *user)
{
	struct data_out *o = user;
	if (o->chunks++)
		fputs(",\n", o->f);
	fwrite(json, 1, len, o->f);
	return ferror(o->f) ? 1 : 0;
}

/* DIR/name holding len bytes of text, written beside its name and
 * renamed over it. */
static int write_beside(const char *dir, const char *name, const char *text, size_t len,
                        char *err, size_t errlen)
{
	char path[4200], tmp[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
	FILE *f = fopen(tmp, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno ? errno : EIO));
		if (f)
			fclose(f);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

const char *report_index_style(size_t *len)
{
	static const char open_tag[] = "<style id=\"index-style\">";
	const char *page = html_template_text("index.xhtml");
	const char *css = page ? strstr(page, open_tag) : NULL;
	const char *end = css ? strstr(css, "</style>") : NULL;
	if (!end)
		return NULL;
	css += sizeof open_tag - 1;
	*len = (size_t)(end - css);
	return css;
}

/* The index pages' script (templates/index.js), once for all the pages. */
static int write_index_files(const char *dir, char *err, size_t errlen)
{
	const char *js = html_template_text("index.js");
	if (!js) {
		snprintf(err, errlen, "template index.js is not built in");
		return -1;
	}
	return write_beside(dir, RI_SCRIPT_FILE, js, strlen(js), err, errlen);
}

int report_index_data(struct db *db, const struct db_selection *sel,
                      const struct report_options *opt, const int64_t *ids, size_t n,
                      const char *dir, char *err, size_t errlen)
{
	if (write_index_files(dir, err, errlen) != 0)
		return -1;
	char path[4200], tmp[4200];
	snprintf(path, sizeof path, "%s/" REPORT_DATA_HREF, dir);
	snprintf(tmp, sizeof tmp, "%s/." REPORT_DATA_HREF ".tmp", dir);
	struct data_out o = {fopen(tmp, "w"), 0};
	if (!o.f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	/* Large writes: the file is megabytes. Without the buffer, stdio's own. */
	char *buf = malloc(1 << 16);
	if (buf)
		setvbuf(o.f, buf, _IOFBF, 1 << 16);
	int64_t base_ns;
	bool notable_only = opt && opt->notable_pages_only;
	int rc = db_flows_json_head(db, sel, notable_only, put_head, &o, &base_ns);
	for (size_t k = 0; k < n && rc == 0; k += CHUNK_FLOWS) {
		size_t last = k + CHUNK_FLOWS < n ? k + CHUNK_FLOWS : n;
		rc = db_flows_json_rows(db, sel, base_ns, ids[k], ids[last - 1], put_chunk, &o);
	}
	if (rc < 0)
		snprintf(err, errlen, "flows: %s", db_error(db));
	else if (rc > 0)
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno ? errno : EIO));
	if (rc == 0)
		fputs("\n]);\n", o.f);
	if (fclose(o.f) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		rc = -1;
	}
	free(buf);
	if (rc == 0 && rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(tmp);
	return rc == 0 ? 0 : -1;
}
