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
	 "flows, segments or transitions as CSV or JSON Lines; Zeek's conn.log"},
	{"run", cmd_run, cmd_run_usage, "ingest, then report: the one-shot path"},
	{"merge", cmd_merge, cmd_merge_usage,
	 "combine shard databases ingested apart into one"},
	{"forget", cmd_forget, cmd_forget_usage,
	 "remove captures and everything read from them"},
	{"show", cmd_show, cmd_show_usage, "a flow's ladder in the terminal"},
	{"extract", cmd_extract, cmd_extract_usage,
	 "the packets of flows, cut from their captures, as pcap or pcapng"},
	{"pair", cmd_pair, cmd_pair_usage,
	 "pair two vantage points' captures of the same connections"},
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

/* The edit distance between a and b (insertions, deletions,
 * substitutions, and transpositions of neighbours), at most 9: enough to
 * tell a typo from another word. */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 16 || lb > 16)
		return 9;
	int d[17][17];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb] < 9 ? d[la][lb] : 9;
}

/* One line for a name that is no command: the closest command when it
 * looks like a typo of one, and where the list is. */
static void no_such_command(const char *name)
{
	const char *closest = NULL;
	int best = 3; /* two edits at most */
	for (int i = 0; i < COMMAND_COUNT; i++) {
		int d = distance(name, commands[i].name);
		if (d < best) {
			best = d;
			closest = commands[i].name;
		}
	}
	if (closest)
		fprintf(stderr, "tcpladder: no command '%s'; did you mean '%s'? (tcpladder --help"
		                " lists the commands)\n", name, closest);
	else {
		/* The list from the table, so that a new command cannot be left out. */
		fprintf(stderr, "tcpladder: no command '%s'; the commands are", name);
		for (int i = 0; i < COMMAND_COUNT; i++)
			fprintf(stderr, "%s %s", i == 0 ? "" : i == COMMAND_COUNT - 1 ? " and" : ",",
			        commands[i].name);
		fprintf(stderr, " (tcpladder --help says what each does)\n");
	}
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
			no_such_command(argv[2]);
			return EXIT_USAGE;
		}
		fputs(c->usage, stdout);
		return EXIT_OK;
	}
	const struct command *c = find(name);
	if (!c) {
		no_such_command(name);
		return EXIT_USAGE;
	}
	/* getopt names the program by argv[0] in its messages ("unrecognized
	 * option"): the command's, as the user typed it. */
	char prog[32];
	snprintf(prog, sizeof prog, "tcpladder %s", c->name);
	argv[1] = prog;
	return c->run(argc - 1, argv + 1);
}
