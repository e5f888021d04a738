/* Every Check suite of the project, one per module or behaviour; the runner
 * in check_main.c runs them all in one SRunner so that `make check` ends
 * with Check's own summary line. */
#ifndef TCPLADDER_TEST_SUITES_H
#define TCPLADDER_TEST_SUITES_H

#include <check.h>

Suite *decode_suite(void);
Suite *pcapng_suite(void);
Suite *seqnum_suite(void);
Suite *tcpstate_suite(void);
Suite *flow_suite(void);
Suite *ingest_suite(void);
Suite *examples_suite(void);
Suite *corpus_suite(void);
Suite *cli_suite(void);
Suite *db_report_suite(void);
Suite *csv_suite(void);
Suite *report_flow_suite(void);
Suite *report_plot_suite(void);
Suite *report_index_suite(void);
Suite *index_data_suite(void);
Suite *report_suite(void);
Suite *report_lean_suite(void);
Suite *browser_suite(void);
Suite *merge_suite(void);
Suite *query_plan_suite(void);
Suite *analysis_suite(void);
Suite *fidelity_suite(void);
Suite *defrag_suite(void);
Suite *queries_suite(void);
Suite *install_suite(void);
Suite *docs_suite(void);
Suite *errors_suite(void);
Suite *hostile_suite(void);
Suite *crash_suite(void);
Suite *tunnels_suite(void);
Suite *tunnel_frames_suite(void);
Suite *archive_suite(void);
Suite *select_suite(void);
Suite *notability_suite(void);
Suite *walk_suite(void);
Suite *time_suite(void);
Suite *progress_suite(void);
Suite *show_suite(void);
Suite *extract_suite(void);
Suite *exports_suite(void);
Suite *vantage_suite(void);
Suite *report_pair_suite(void);


#endif
