/* tcpladder: TCP captures into a SQLite database of connections, segments
 * and both endpoints' TCP states. main() only dispatches to a subcommand
 * (cmd_*.c) and turns its result into the exit status. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#ifndef TCPLADDER_VERSION
#define TCPLADDER_VERSION "0.1.0"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct command commands[] = {
	{"ingest", cmd_ingest, cmd_ingest_usage,
	 "read captures into the database"},
	{"report", cmd_report, cmd_report_usage,
	 "write HTML pages and transitions.csv from the database"},
	{"export", cmd_export, cmd_export_usage,
	 "flows, segments or transitions as CSV"},
	{"run", cmd_run, cmd_run_usage, "ingest, then report: the one-shot path"},
	{"merge", cmd_merge, cmd_merge_usage,
	 "combine shard databases ingested apart into one"},
};

enum { COMMAND_COUNT = sizeof commands / sizeof commands[0] };

static void usage(FILE *out)
{
	fprintf(out, "usage: tcpladder COMMAND [OPTIONS] ...\n\ncommands:\n");
	for (int i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-8s %s\n", "help", "help COMMAND: a command's options");
	fprintf(out, "\n  --help, --version\n");
}

static const struct command *find(const char *name)
{
	for (int i = 0; i < COMMAND_COUNT; i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(name, "--version") == 0) {
		printf("tcpladder %s\n", TCPLADDER_VERSION);
		return EXIT_OK;
	}
	if (strcmp(name, "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return EXIT_OK;
		}
		const struct command *c = find(argv[2]);
		if (!c) {
			fprintf(stderr, "tcpladder: no command '%s'\n", argv[2]);
			return EXIT_USAGE;
		}
		fputs(c->usage, stdout);
		return EXIT_OK;
	}
	const struct command *c = find(name);
	if (!c) {
		fprintf(stderr, "tcpladder: no command '%s'\n", name);
		usage(stderr);
		return EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}
