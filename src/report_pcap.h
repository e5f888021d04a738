/* report_pcap: report --pcap. Beside each flow page a report drew
 * (DIR/flows/ID.html), the flow's packets cut from its capture as
 * DIR/flows/ID.pcap (extract.h), so a report handed on carries them. A
 * pass of its own after report_write: the pages say which flows were
 * drawn, and the captures are read once for them all. */
#ifndef TCPLADDER_REPORT_PCAP_H
#define TCPLADDER_REPORT_PCAP_H

#include <stddef.h>
#include <stdint.h>

/* 0 with *files and *packets written; -1 with err saying why (a capture
 * missing, changed or damaged; the files of flows finished before stay). */
int report_pcap_write(const char *db_path, const char *dir, uint64_t *files, uint64_t *packets,
                      char *err, size_t errlen);

#endif
