/* vantage_checks: VANTAGE.md's checks over a paired database holding its
 * truth (vantage_checks.c says how). */
#ifndef TCPLADDER_VANTAGE_CHECKS_H
#define TCPLADDER_VANTAGE_CHECKS_H

#include <stdbool.h>

#define VT_BIN "../tcpladder"
#define VT_DATA "data/vantage"

/* Scenario `name` of VT_DATA ingested at both vantages (client, server)
 * and paired, into dir/t.db (dir a new scratch folder). */
void vt_paired(const char *name, char dir[64], char db[128]);
/* The routed scenario's client capture paired with a copy of itself
 * (vantages a and b), likewise. */
void vt_self_paired(char dir[64], char db[128]);
/* dir/truth.csv and dir/clock.csv into db's tables truth and clock. */
void vt_load_truth(const char *dir, const char *db);
/* One integer from sql over db. */
long long vt_q(const char *db, const char *sql);
/* 1 and 2: pairs, losses, wholes; one flow pair per connection, A the
 * client's side. */
void vt_check_pairing(const char *db);
/* 3: the true offset within the bounds, the estimate within 0.5 ms of the
 * symmetric one. */
void vt_check_clock(const char *db);
/* 4: delays within 0.5 ms of the truth (symmetric path), or of it less
 * each direction's minimum. */
void vt_check_delays(const char *db, bool symmetric);
/* 5: states at each endpoint's own tap. */
void vt_check_states(const char *db);
/* A segment (flags) lost between whose retransmission moved endpoint to
 * state `to` where it arrived. */
void vt_check_moved_at_retransmission(const char *db, int flags, int endpoint, int to);

/* 6: the report's page of each pair (written into dir/ladders), drawn
 * whole: one g.seg.lost-between per segment lost between, every sighting
 * with its frames and delay, every paired arrow slanting down, every
 * state label naming its tap. */
void vt_check_ladder(const char *db, const char *dir);

/* A report's page, parsed (the test fails when it cannot be), and how
 * many nodes an XPath expression selects in it. */
#include <libxml/tree.h>
xmlDocPtr vt_read_page(const char *path);
int vt_count(xmlDocPtr doc, const char *expr);

/* The programmatic captures' tests (test_vantage_sim.c), into tc. */
#include <check.h>
void vantage_sim_tests(TCase *tc);

#endif
