/* seqnum: relative offsets from the ISN, unwrapped to 64 bits. */
#include <check.h>

#include "seqnum.h"
#include "suites.h"

START_TEST(offsets_count_from_the_isn)
{
	struct seq_space sp = {0};
	seq_set_base(&sp, 107490516, true);
	ck_assert_int_eq(seq_unwrap(&sp, 107490516), 0);
	ck_assert_int_eq(seq_unwrap(&sp, 107490517), 1);
	ck_assert_int_eq(seq_unwrap(&sp, 107490530), 14);
	ck_assert_int_eq(seq_unwrap(&sp, 107490531), 15);
}
END_TEST

START_TEST(absolute_wrap_keeps_offsets_small)
{
	struct seq_space sp = {0};
	seq_set_base(&sp, 0xFFFFFE00u, true);
	ck_assert_int_eq(seq_unwrap(&sp, 0xFFFFFE01u), 1);
	ck_assert_int_eq(seq_unwrap(&sp, 0x00000065u), 0x265);
}
END_TEST

/* A transfer of 10 GiB in 64 KiB steps: the offset keeps counting up past
 * 2^32 and 2^33, and a retransmission 1 MiB back lands where it belongs. */
START_TEST(offsets_unwrap_past_two_to_the_32)
{
	struct seq_space sp = {0};
	uint32_t isn = 0x89abcdefu;
	seq_set_base(&sp, isn, true);
	int64_t step = 65536, total = INT64_C(10) << 30;
	for (int64_t off = 1; off <= total; off += step)
		ck_assert_int_eq(seq_unwrap(&sp, isn + (uint32_t)off), off);
	int64_t last = 1 + ((total - 1) / step) * step;
	ck_assert_int_gt(last, INT64_C(1) << 33);
	ck_assert_int_eq(seq_unwrap(&sp, isn + (uint32_t)(last - (1 << 20))),
	                 last - (1 << 20));
}
END_TEST

START_TEST(number_before_the_base_is_a_lap_ahead_as_tshark_shows)
{
	struct seq_space sp = {0};
	seq_set_base(&sp, 561364818u, true);
	/* A challenge ACK's stray number, as in the corpus' TLS capture. */
	ck_assert_int_eq(seq_unwrap(&sp, 3058576675u), 2497211857);
	/* ... which does not drag the space along: */
	ck_assert_int_eq(seq_unwrap(&sp, 561364819u), 1);
	ck_assert_int_eq(seq_unwrap(&sp, 561364818u - 10), 4294967286);
}
END_TEST

START_TEST(isn_replaces_a_guessed_base_but_not_the_reverse)
{
	struct seq_space sp = {0};
	seq_set_base(&sp, 999, false); /* guessed from a segment */
	ck_assert_int_eq(seq_unwrap(&sp, 1000), 1);
	seq_set_base(&sp, 5000, true); /* a SYN shows the ISN */
	ck_assert_int_eq(seq_unwrap(&sp, 5001), 1);
	seq_set_base(&sp, 7000, false);
	seq_set_base(&sp, 8000, true); /* only the first ISN counts */
	ck_assert_int_eq(seq_unwrap(&sp, 5000), 0);
}
END_TEST

Suite *seqnum_suite(void)
{
	Suite *s = suite_create("seqnum");
	TCase *tc = tcase_create("unwrap");
	tcase_add_test(tc, offsets_count_from_the_isn);
	tcase_add_test(tc, absolute_wrap_keeps_offsets_small);
	tcase_add_test(tc, offsets_unwrap_past_two_to_the_32);
	tcase_add_test(tc, number_before_the_base_is_a_lap_ahead_as_tshark_shows);
	tcase_add_test(tc, isn_replaces_a_guessed_base_but_not_the_reverse);
	suite_add_tcase(s, tc);
	return s;
}
