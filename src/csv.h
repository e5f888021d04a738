/* csv: an RFC 4180 writer. A field is quoted when it holds a comma, a
 * double quote, CR or LF (quotes doubled inside); records end with CRLF as
 * the RFC says. Leading spaces and everything else are kept as they are. */
#ifndef TCPLADDER_CSV_H
#define TCPLADDER_CSV_H

#include <stdint.h>
#include <stdio.h>

/* One field; `first` says whether it starts a record (no comma before).
 * NULL writes an empty field. */
void csv_field(FILE *out, const char *text, int first);
void csv_int(FILE *out, int64_t value, int first);
void csv_end(FILE *out);

#endif
