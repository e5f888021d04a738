/* report_csv: DIR/transitions.csv, DESIGN.md's columns in DESIGN.md's
 * order, one row per state change of one endpoint, RFC 4180 through csv.c.
 * The rows come from db_each_transition, or from the flow pages, which
 * read each flow's transitions anyway (report_csv_add); this file only
 * chooses how each value is written. It never runs SQL and never prints:
 * a failure is -1 with err naming the file, and no half-written regular
 * file is left behind (a device such as /dev/full or a pipe is never
 * removed). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "report.h"

static const char *const columns[] = {
	"flow_id", "frame", "time", "endpoint", "address", "from_state",
	"to_state", "event", "flags", "rel_seq", "rel_ack", "len",
};

/* DESIGN.md: microseconds, nanoseconds where the capture has them. Whether
 * a capture had nanosecond resolution is not in the row, so a time whose
 * last three digits are zero is taken as microseconds: a microsecond
 * capture always looks so, and a nanosecond one only one time in a
 * thousand, when the shorter form is still the exact instant. Anything
 * not shaped as ".nnnnnnnnnZ" at the end is written as it came. */
static void write_time(FILE *out, const char *iso)
{
	size_t n = iso ? strlen(iso) : 0;
	char buf[64];
	if (n >= 11 && n < sizeof buf && iso[n - 11] == '.' && iso[n - 1] == 'Z' &&
	    strspn(iso + n - 10, "0123456789") == 9 &&
	    memcmp(iso + n - 4, "000", 3) == 0) {
		memcpy(buf, iso, n - 4);
		memcpy(buf + n - 4, "Z", 2);
		iso = buf;
	}
	csv_field(out, iso, 0);
}

struct report_csv {
	FILE *out;
	char *path;
	bool regular;      /* a file we may remove when it fails */
	int write_errno;   /* the first write error's errno, 0 while none */
	char error[512];
};

struct report_csv *report_csv_open(const char *path, bool header, char *err,
                                   size_t errlen)
{
	struct report_csv *w = calloc(1, sizeof *w);
	if (!w || !(w->path = strdup(path))) {
		free(w);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	w->out = fopen(path, "wb");
	if (!w->out) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(w->path);
		free(w);
		return NULL;
	}
	struct stat st;
	w->regular = fstat(fileno(w->out), &st) == 0 && S_ISREG(st.st_mode);
	/* Rows are many and short: a large buffer means few writes. */
	setvbuf(w->out, NULL, _IOFBF, 1 << 16);
	if (header) {
		for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
			csv_field(w->out, columns[i], i == 0);
		csv_end(w->out);
		if (ferror(w->out))
			w->write_errno = errno ? errno : EIO;
	}
	return w;
}

int report_csv_add(struct report_csv *w, const struct db_transition_info *t)
{
	if (w->write_errno)
		return -1;
	FILE *out = w->out;
	csv_int(out, t->flow_id, 1);
	csv_int(out, t->frame, 0);
	write_time(out, t->time);
	csv_field(out, t->endpoint, 0);
	csv_field(out, t->address, 0);
	csv_field(out, t->from_state, 0);
	csv_field(out, t->to_state, 0);
	csv_field(out, t->event, 0);
	csv_field(out, t->flags, 0);
	/* An empty field is SQL's NULL: rel_ack without the ACK flag. */
	if (t->has_rel_seq)
		csv_int(out, t->rel_seq, 0);
	else
		csv_field(out, NULL, 0);
	if (t->has_rel_ack)
		csv_int(out, t->rel_ack, 0);
	else
		csv_field(out, NULL, 0);
	csv_int(out, t->len, 0);
	csv_end(out);
	/* Stop at the first write error (a full disk) rather than format the
	 * rest of a large archive into a stream that drops it. errno is read
	 * here, right after the failed write, before SQLite can change it. */
	if (ferror(out)) {
		w->write_errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

const char *report_csv_error(struct report_csv *w)
{
	snprintf(w->error, sizeof w->error, "%s: %s", w->path,
	         strerror(w->write_errno ? w->write_errno : EIO));
	return w->error;
}

int report_csv_close(struct report_csv *w, bool keep, char *err, size_t errlen)
{
	if (!w)
		return 0;
	int rc = 0;
	if (w->write_errno) {
		snprintf(err, errlen, "%s", report_csv_error(w));
		rc = -1;
	}
	/* fclose flushes: its failure is a write failure too. */
	if (fclose(w->out) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", w->path, strerror(errno));
		rc = -1;
	}
	if ((rc != 0 || !keep) && w->regular)
		remove(w->path);
	free(w->path);
	free(w);
	return rc;
}

static int add_row(const struct db_transition_info *t, void *user)
{
	return report_csv_add(user, t) != 0;
}

int report_transitions_csv(struct db *db, const struct db_selection *sel,
                           const char *path, char *err, size_t errlen)
{
	struct report_csv *w = report_csv_open(path, true, err, errlen);
	if (!w)
		return -1;
	/* > 0: a write failed, which closing reports. */
	int rc = db_each_transition(db, sel, add_row, w);
	if (rc < 0)
		snprintf(err, errlen, "%s: reading transitions: %s", path, db_error(db));
	char close_err[512];
	int closed = report_csv_close(w, rc == 0, close_err, sizeof close_err);
	if (rc >= 0 && closed != 0)
		snprintf(err, errlen, "%s", close_err);
	return rc == 0 && closed == 0 ? 0 : -1;
}
