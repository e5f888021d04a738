/* cli_db: what the commands tell a user whose -d names no usable
 * database. The library's errors say what SQLite said ("unable to open
 * database file", "file is not a database"); these checks, made on the
 * path before the database is opened, say which of the likely mistakes it
 * is and what to type instead, on one line. */
#ifndef TCPLADDER_CLI_DB_H
#define TCPLADDER_CLI_DB_H

#include <stdbool.h>
#include <stdio.h>

/* A database the command only reads (report, export): true when path is
 * a readable file that starts as SQLite files start; otherwise false,
 * after one line on out naming the problem and the fix. who prefixes
 * the line ("tcpladder report"). */
bool cli_db_readable(const char *who, const char *path, FILE *out);

/* A database the command writes, created if missing (ingest, merge): true
 * when path does not exist yet or passes cli_db_readable; otherwise false
 * after the line. */
bool cli_db_writable(const char *who, const char *path, FILE *out);

/* After db_open failed with err: one line saying so, with the likely
 * cause (a missing or read-only folder) and its fix. */
void cli_db_open_failed(const char *who, const char *path, const char *err, FILE *out);

#endif
