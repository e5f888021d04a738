/* The subcommands: each parses its own arguments and returns the process's
 * exit status (DESIGN.md: 0 all done, 1 some inputs failed or were only
 * partly read, 2 usage). main.c dispatches and is the only caller of
 * exit(). */
#ifndef TCPLADDER_CMD_H
#define TCPLADDER_CMD_H

enum { EXIT_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

int cmd_ingest(int argc, char **argv);
extern const char cmd_ingest_usage[];
int cmd_report(int argc, char **argv);
extern const char cmd_report_usage[];
int cmd_export(int argc, char **argv);
extern const char cmd_export_usage[];
int cmd_run(int argc, char **argv);
extern const char cmd_run_usage[];
int cmd_merge(int argc, char **argv);
extern const char cmd_merge_usage[];
int cmd_forget(int argc, char **argv);
extern const char cmd_forget_usage[];
int cmd_show(int argc, char **argv);
extern const char cmd_show_usage[];
int cmd_extract(int argc, char **argv);
extern const char cmd_extract_usage[];
int cmd_pair(int argc, char **argv);
extern const char cmd_pair_usage[];

#endif
