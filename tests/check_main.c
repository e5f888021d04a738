/* The test runner: all suites in one SRunner, one summary line. Tests run
 * from the tests/ directory (the Makefile cd's there), so fixtures are
 * ../examples/... and the shared corpus is ../../shared/corpus. */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *runner = srunner_create(decode_suite());
	srunner_add_suite(runner, defrag_suite());
	srunner_add_suite(runner, pcapng_suite());
	srunner_add_suite(runner, seqnum_suite());
	srunner_add_suite(runner, tcpstate_suite());
	srunner_add_suite(runner, flow_suite());
	srunner_add_suite(runner, ingest_suite());
	srunner_add_suite(runner, examples_suite());
	srunner_add_suite(runner, corpus_suite());
	srunner_add_suite(runner, cli_suite());
	srunner_add_suite(runner, db_report_suite());
	srunner_add_suite(runner, csv_suite());
	srunner_add_suite(runner, report_flow_suite());
	srunner_add_suite(runner, report_plot_suite());
	srunner_add_suite(runner, report_index_suite());
	srunner_add_suite(runner, index_data_suite());
	srunner_add_suite(runner, report_suite());
	srunner_add_suite(runner, report_lean_suite());
	srunner_add_suite(runner, browser_suite());
	srunner_add_suite(runner, merge_suite());
	srunner_add_suite(runner, query_plan_suite());
	srunner_add_suite(runner, analysis_suite());
	srunner_add_suite(runner, fidelity_suite());
	srunner_add_suite(runner, queries_suite());
	srunner_add_suite(runner, install_suite());
	srunner_add_suite(runner, docs_suite());
	srunner_add_suite(runner, errors_suite());
	srunner_add_suite(runner, hostile_suite());
	srunner_add_suite(runner, crash_suite());
	srunner_add_suite(runner, tunnels_suite());
	srunner_add_suite(runner, tunnel_frames_suite());
	srunner_add_suite(runner, archive_suite());
	srunner_add_suite(runner, select_suite());
	srunner_add_suite(runner, notability_suite());
	srunner_add_suite(runner, walk_suite());
	srunner_add_suite(runner, time_suite());
	srunner_add_suite(runner, progress_suite());
	srunner_add_suite(runner, show_suite());
	srunner_add_suite(runner, extract_suite());
	srunner_add_suite(runner, exports_suite());
	srunner_add_suite(runner, vantage_suite());
	srunner_add_suite(runner, report_pair_suite());

	srunner_run_all(runner, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
