/* csv: the RFC 4180 writer behind transitions.csv and `tcpladder export`.
 * It owns only the bytes of a field and a record end; it never opens,
 * closes or checks a stream: write errors stick in the FILE and the caller
 * asks ferror() once at the end, so a record is not littered with checks.
 * Text is written byte for byte (UTF-8 and leading spaces stay as they
 * are): RFC 4180 says spaces are part of a field, and any recoding would
 * make a round trip lossy. */
#include "csv.h"

#include <inttypes.h>
#include <string.h>

/* RFC 4180 section 2, rule 6: a field holding a comma, a double quote or
 * a line break must be quoted. A bare CR counts as a line break: readers
 * that accept lone CR as a record end would split the field otherwise. */
static int needs_quotes(const char *text)
{
	return text[strcspn(text, ",\"\r\n")] != '\0';
}

void csv_field(FILE *out, const char *text, int first)
{
	if (!first)
		putc(',', out);
	if (!text)
		return;
	if (!needs_quotes(text)) {
		fputs(text, out);
		return;
	}
	/* Rule 7: a quote inside a quoted field is written twice. */
	putc('"', out);
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			putc('"', out);
		putc(*p, out);
	}
	putc('"', out);
}

void csv_int(FILE *out, int64_t value, int first)
{
	if (!first)
		putc(',', out);
	fprintf(out, "%" PRId64, value);
}

/* Rule 1: records end with CRLF, whatever the platform's newline. */
void csv_end(FILE *out)
{
	fputs("\r\n", out);
}
