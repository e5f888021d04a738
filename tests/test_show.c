/* show: `tcpladder show FLOW`, the ladder in a terminal. The layout
 * (show_ladder.c) from rows made here: where arrows, labels and states
 * go, how arrows scale with the width, colour only when asked. The
 * command: its output for the seed, a simultaneous close, a reset and two
 * collapsed long flows, byte for byte against tests/data/show/ (made with
 * `tcpladder show --color=never --width 100`, and read line by line
 * against the captures' tcpdump output and DESIGN.md's transitions when
 * they were made); colour on a terminal and NO_COLOR; the terminal's
 * width; exit statuses. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_show.h"
#include "seg_label.h"
#include "show_ladder.h"
#include "suites.h"
#include "testutil.h"

#define BIN    "../tcpladder"
#define GOLDEN "data/show"
#define CORPUS "../../shared/corpus"

/* ---- the layout, from rows made here -------------------------------------- */

static struct db_flow_info flow_row(void)
{
	return (struct db_flow_info){
	        .id = 7,
	        .client = "10.0.0.1:40000",
	        .server = "10.0.0.2:80",
	        .first_ts_ns = 1000000000,
	        .last_ts_ns = 1012000000,
	        .first_frame = 1,
	        .last_frame = 9,
	        .packets = 9,
	        .client_state = "TIME_WAIT",
	        .server_state = "TIME_WAIT",
	        .analysis_names = "",
	};
}

static struct db_segment_info seg_row(int64_t frame, bool from_client, const char *flags,
                                      int64_t rel_seq, int64_t rel_ack, int64_t len)
{
	int bits = 0;
	for (const char *f = flags; *f; f++)
		bits |= *f == 'F' ? 1 : *f == 'S' ? 2 : *f == 'R' ? 4 : *f == '.' ? 16 : 0;
	return (struct db_segment_info){
	        .frame = frame,
	        .ts_ns = 1000000000 + frame * 1000000,
	        .from_client = from_client,
	        .flags = bits,
	        .flags_text = flags,
	        .rel_seq = rel_seq,
	        .has_ack = strchr(flags, '.') != NULL,
	        .rel_ack = rel_ack,
	        .len = len,
	        .win = 502,
	        .analysis_names = "",
	};
}

static void add_change(struct show_ladder *ld, int64_t frame, int64_t seen, bool client,
                       const char *from, const char *to)
{
	struct db_transition_info t = {.frame = frame,
	                               .seen_frame = seen,
	                               .endpoint = client ? "client" : "server",
	                               .from_state = from,
	                               .to_state = to};
	ck_assert_int_eq(show_ladder_add_transition(ld, &t), 0);
}

/* The ladder's text for segs, head first; the head's lines are counted
 * into *head_lines. */
static char *render(const struct show_options *opt, void (*changes)(struct show_ladder *),
                    const struct db_segment_info *segs, size_t n, int *head_lines)
{
	struct db_flow_info f = flow_row();
	struct show_ladder *ld = show_ladder_new(&f, opt);
	ck_assert_ptr_nonnull(ld);
	if (changes)
		changes(ld);
	struct show_text out = {0};
	show_ladder_head(ld, &out);
	int lines = 0;
	for (size_t i = 0; i < out.len; i++)
		lines += out.p[i] == '\n';
	if (head_lines)
		*head_lines = lines;
	for (size_t i = 0; i < n; i++)
		show_ladder_segment(ld, &segs[i], &out);
	ck_assert(!out.oom);
	show_ladder_free(ld);
	return out.p;
}

/* Line k (from 0) of text, into buf. */
static const char *line_of(const char *text, int k, char *buf, size_t cap)
{
	const char *p = text;
	for (int i = 0; i < k && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	ck_assert_msg(p && *p, "no line %d in\n%s", k, text);
	size_t n = strcspn(p, "\n");
	snprintf(buf, cap, "%.*s", (int)n, p);
	return buf;
}

static void handshake(struct show_ladder *ld)
{
	add_change(ld, 1, 1, true, "CLOSED", "SYN_SENT");
	add_change(ld, 1, 2, false, "LISTEN", "SYN_RECEIVED");
	add_change(ld, 2, 3, true, "SYN_SENT", "ESTABLISHED");
	add_change(ld, 3, 3, false, "SYN_RECEIVED", "ESTABLISHED");
}

START_TEST(seg_label_is_tcpdumps_with_relative_numbers)
{
	char buf[160];
	ck_assert_uint_eq(seg_label(buf, sizeof buf, "S", 0, 0, false, 0, 65535), 19);
	ck_assert_str_eq(buf, "[S] seq 0 win 65535");
	seg_label(buf, sizeof buf, "P.", 1, 5, true, 1, 227);
	ck_assert_str_eq(buf, "[P.] seq 1:6 ack 1 win 227 len 5");
	/* Offsets never wrap: past 2^32 they go on counting. */
	seg_label(buf, sizeof buf, ".", 4294967296, 1448, true, 1, 501);
	ck_assert_str_eq(buf, "[.] seq 4294967296:4294968744 ack 1 win 501 len 1448");
	/* Cut, never overrun. */
	char small[8];
	ck_assert_uint_eq(seg_label(small, sizeof small, "P.", 1, 5, true, 1, 227), 7);
	ck_assert_str_eq(small, "[P.] se");
}
END_TEST

/* A row: frame, time, the client's rail, an arrow whose head touches the
 * receiver's rail, the server's rail, as wide as asked. */
START_TEST(arrow_runs_rail_to_rail_with_its_head_at_the_receiver)
{
	struct show_options opt = {.width = 100};
	struct db_segment_info segs[] = {seg_row(1, true, "S", 0, 0, 0),
	                                 seg_row(2, false, "S.", 0, 1, 0)};
	int head;
	char *text = render(&opt, handshake, segs, 2, &head);
	char a[256], b[256];
	line_of(text, head, a, sizeof a);
	line_of(text, head + 1, b, sizeof b);
	/* frame 5, time 8 (the heads' widths), client states 11 wide. */
	int cr = 5 + 2 + 8 + 2 + 11 + 1;
	ck_assert_msg(strncmp(a, "    1  0.001000     SYN_SENT |-", (size_t)cr + 2) == 0, "%s", a);
	const char *head_at = strchr(a, '>');
	ck_assert_ptr_nonnull(head_at);
	ck_assert_str_eq(head_at, ">|");
	int sr = (int)(head_at - a) + 1;
	/* The server's states (SYN_RECEIVED is the longest) end at the width. */
	ck_assert_int_eq(sr + 2 + (int)strlen("SYN_RECEIVED"), 100);
	ck_assert_msg(strstr(a, " [S] seq 0 win 502 ") != NULL, "%s", a);
	/* The other way: the head on the client's rail. */
	ck_assert_msg(b[cr] == '|' && b[cr + 1] == '<' && b[sr] == '|', "%s", b);
	ck_assert_str_eq(b + sr, "| SYN_RECEIVED");
	ck_assert_int_eq((int)strlen(b), 100);
	free(text);
}
END_TEST

/* The label sits in the middle of its arrow: the shafts either side
 * differ by one at most. */
START_TEST(label_is_centred_on_its_arrow)
{
	for (int width = 90; width <= 130; width += 7) {
		struct show_options opt = {.width = width};
		struct db_segment_info s = seg_row(4, true, "P.", 1, 1, 10);
		int head;
		char *text = render(&opt, handshake, &s, 1, &head);
		char a[512];
		line_of(text, head, a, sizeof a);
		const char *open = strchr(a, '|'), *close = strrchr(a, '|');
		const char *label = strstr(a, " [P.]"), *end = strstr(a, "len 10 ");
		ck_assert_msg(open && close && label && end, "%s", a);
		end += strlen("len 10 ");
		long left = label - open - 1, right = close - end;
		ck_assert_msg(labs(left - right) <= 1, "width %d: %ld and %ld: %s", width, left,
		              right, a);
		free(text);
	}
}
END_TEST

/* --width stretches the arrows, not the columns. */
START_TEST(arrows_scale_with_the_width)
{
	struct db_segment_info s = seg_row(3, true, ".", 1, 1, 0);
	char a[512], b[512];
	struct show_options narrow = {.width = 80}, wide = {.width = 140};
	int head;
	char *t1 = render(&narrow, handshake, &s, 1, &head);
	char *t2 = render(&wide, handshake, &s, 1, &head);
	line_of(t1, head, a, sizeof a);
	line_of(t2, head, b, sizeof b);
	ck_assert_int_eq((int)strlen(b) - (int)strlen(a), 60);
	ck_assert_int_eq((int)(strchr(a, '|') - a), (int)(strchr(b, '|') - b));
	ck_assert_int_eq((int)strspn(strchr(b, '|') + 1, "-") - (int)strspn(strchr(a, '|') + 1, "-"),
	                 30);
	free(t1);
	free(t2);
}
END_TEST

/* A change is written on the row of its seen_frame, beside its own rail:
 * the server's receipt of the SYN at frame 2, not at 1. */
START_TEST(state_changes_show_where_the_capture_proves_them)
{
	struct show_options opt = {.width = 100};
	struct db_segment_info segs[] = {seg_row(1, true, "S", 0, 0, 0),
	                                 seg_row(2, false, "S.", 0, 1, 0),
	                                 seg_row(3, true, ".", 1, 1, 0)};
	int head;
	char *text = render(&opt, handshake, segs, 3, &head);
	char l[256];
	/* The first states head the rails. */
	line_of(text, head - 1, l, sizeof l);
	ck_assert_msg(strstr(l, "frame  time (s)       CLOSED |") == l, "%s", l);
	ck_assert_msg(strstr(l, "| LISTEN") && l[strlen(l) - 1] == 'N', "%s", l);
	line_of(text, head, l, sizeof l);
	ck_assert_msg(strstr(l, "SYN_SENT |") && strrchr(l, '|')[1] == '\0', "%s", l);
	line_of(text, head + 1, l, sizeof l);
	ck_assert_msg(!strstr(l, "SYN_SENT") && strstr(l, "| SYN_RECEIVED"), "%s", l);
	line_of(text, head + 2, l, sizeof l);
	ck_assert_msg(strstr(l, "ESTABLISHED |") && strstr(l, "| ESTABLISHED"), "%s", l);
	free(text);
}
END_TEST

static void crossing_fins(struct show_ladder *ld)
{
	handshake(ld);
	add_change(ld, 6, 6, true, "ESTABLISHED", "FIN_WAIT_1");
	add_change(ld, 7, 7, false, "ESTABLISHED", "FIN_WAIT_1");
	add_change(ld, 7, 8, true, "FIN_WAIT_1", "CLOSING");
	add_change(ld, 6, 8, false, "FIN_WAIT_1", "CLOSING");
	add_change(ld, 8, 8, false, "CLOSING", "TIME_WAIT");
}

/* Two changes of one endpoint at one segment: the second on a line of
 * its own below, rails drawn through, as the page stacks them. */
START_TEST(second_change_at_one_segment_goes_below)
{
	struct show_options opt = {.width = 100};
	struct db_segment_info segs[] = {seg_row(8, true, ".", 12, 2, 0),
	                                 seg_row(9, false, ".", 2, 12, 0)};
	int head;
	char *text = render(&opt, crossing_fins, segs, 2, &head);
	char l[256], m[256];
	line_of(text, head, l, sizeof l);
	line_of(text, head + 1, m, sizeof m);
	ck_assert_msg(strstr(l, "CLOSING |") && strstr(l, ">| CLOSING"), "%s", l);
	/* Blank but for the rails and TIME_WAIT, each rail where the row has it. */
	ck_assert_int_eq((int)(strchr(m, '|') - m), (int)(strchr(l, '|') - l));
	ck_assert_int_eq((int)(strrchr(m, '|') - m), (int)(strrchr(l, '|') - l));
	ck_assert_msg(strspn(m, " ") == (size_t)(strchr(m, '|') - m), "%s", m);
	ck_assert_str_eq(strrchr(m, '|'), "| TIME_WAIT");
	line_of(text, head + 2, l, sizeof l);
	ck_assert_msg(strncmp(l, "    9", 5) == 0, "%s", l);
	free(text);
}
END_TEST

/* The words between the rails of lines first..last of text, joined by
 * one space: what a reader reads off an arrow and the lines below it. */
static void arrow_words(const char *text, int first, int last, char *out, size_t cap)
{
	out[0] = '\0';
	for (int k = first; k <= last; k++) {
		char l[512];
		line_of(text, k, l, sizeof l);
		char *open = strchr(l, '|'), *close = strrchr(l, '|');
		ck_assert_msg(open && close > open, "%s", l);
		*close = '\0';
		for (char *w = strtok(open + 1, " "); w; w = strtok(NULL, " ")) {
			w += strspn(w, "<-");
			w[strcspn(w, ">")] = '\0';
			if (*w && strspn(w, "-") != strlen(w))
				snprintf(out + strlen(out), cap - strlen(out), "%s%s", *out ? " " : "", w);
		}
	}
}

/* Anomaly names follow the label on its arrow, or take lines below when
 * they would not fit; a label too wide for its arrow goes on below it,
 * cut at spaces: the width holds, and no word is cut off. */
START_TEST(anomaly_names_beside_or_below_labels_never_cut)
{
	struct db_segment_info s = seg_row(4, true, "P.", 1, 1, 10);
	s.analysis = 1;
	s.analysis_names = "retransmission,lost_segment";
	struct show_options wide = {.width = 120}, narrow = {.width = 60};
	int head;
	char *t = render(&wide, NULL, &s, 1, &head);
	char l[512], words[1024];
	line_of(t, head, l, sizeof l);
	ck_assert_msg(strstr(l, " [P.] seq 1:11 ack 1 win 502 len 10  retransmission, lost_segment -"),
	              "%s", l);
	ck_assert_msg(!strchr(strstr(t, l) + strlen(l) + 1, '|'), "one line only:\n%s", t);
	free(t);

	t = render(&narrow, NULL, &s, 1, &head);
	line_of(t, head, l, sizeof l);
	ck_assert_msg(l[strlen(l) - 2] == '>' && strstr(l, "|-"), "an arrow still: %s", l);
	int lines = 0;
	for (const char *c = strstr(t, l); *c; c++)
		lines += *c == '\n';
	ck_assert_int_ge(lines, 3);
	arrow_words(t, head, head + lines - 1, words, sizeof words);
	ck_assert_str_eq(words, "[P.] seq 1:11 ack 1 win 502 len 10 retransmission, lost_segment");
	for (int k = head; k < head + lines; k++)
		ck_assert_int_le((int)strlen(line_of(t, k, l, sizeof l)), 60);
	free(t);

	/* A word wider than any arrow: whole, its line longer. */
	struct db_segment_info big = seg_row(5, false, "P.", 4294967296000, 4294967296000, 1448);
	struct show_options least = {.width = SHOW_MIN_WIDTH};
	t = render(&least, NULL, &big, 1, &head);
	lines = 0;
	for (const char *c = strstr(t, line_of(t, head, l, sizeof l)); *c; c++)
		lines += *c == '\n';
	arrow_words(t, head, head + lines - 1, words, sizeof words);
	ck_assert_str_eq(words, "[P.] seq 4294967296000:4294967297448 ack 4294967296000 win 502"
	                        " len 1448");
	free(t);
}
END_TEST

/* Colour only when asked, in the page's colours. */
START_TEST(colour_only_when_asked)
{
	struct db_segment_info segs[] = {seg_row(1, true, "S", 0, 0, 0),
	                                 seg_row(2, false, "R.", 0, 1, 0)};
	segs[0].analysis = 1;
	segs[0].analysis_names = "retransmission";
	struct show_options plain = {.width = 100}, colour = {.width = 100, .color = true};
	char *t = render(&plain, handshake, segs, 2, NULL);
	ck_assert_msg(!strchr(t, '\033'), "%s", t);
	char *c = render(&colour, handshake, segs, 2, NULL);
	ck_assert_msg(strstr(c, "\033[32m") && strstr(c, "\033[35m<") &&
	                      strstr(c, "\033[33mretransmission") &&
	                      strstr(c, "\033[1;34mSYN_SENT\033[0m"),
	              "%s", c);
	/* The same text once the escapes are taken out. */
	char *w = c;
	for (char *r = c; *r;) {
		if (*r == '\033')
			r += strcspn(r, "m") + 1;
		else
			*w++ = *r++;
	}
	*w = '\0';
	ck_assert_str_eq(c, t);
	free(t);
	free(c);
}
END_TEST

/* The gap: its counts as the page words them, the rails broken, and the
 * states the endpoints reached inside it. */
START_TEST(gap_counts_and_states_reached_inside)
{
	struct db_flow_info f = flow_row();
	struct show_options opt = {.width = 100};
	struct show_ladder *ld = show_ladder_new(&f, &opt);
	handshake(ld);
	add_change(ld, 5, 5, false, "ESTABLISHED", "FIN_WAIT_1");
	add_change(ld, 5, 6, true, "ESTABLISHED", "CLOSE_WAIT");
	add_change(ld, 6, 6, false, "FIN_WAIT_1", "FIN_WAIT_2");
	struct show_text out = {0};
	show_ladder_head(ld, &out);
	struct db_segment_info s = seg_row(3, true, ".", 1, 1, 0);
	show_ladder_segment(ld, &s, &out);
	size_t before = out.len;
	struct db_segment_gap gap = {.segments = 3, .bytes = 1234, .first_frame = 4,
	                             .last_frame = 6, .first_ts_ns = 0,
	                             .last_ts_ns = 2500000000};
	show_ladder_gap(ld, &gap, &out);
	char l[256];
	line_of(out.p + before, 0, l, sizeof l);
	ck_assert_msg(strncmp(l, "  ...", 5) == 0 && strstr(l, " CLOSE_WAIT :") &&
	                      strstr(l, "3 segments not drawn: frames 4 to 6") &&
	                      strstr(l, ": FIN_WAIT_2"),
	              "%s", l);
	line_of(out.p + before, 1, l, sizeof l);
	ck_assert_msg(strstr(l, "1234 payload bytes over 2.500 s") && strrchr(l, ':')[1] == '\0',
	              "%s", l);
	show_text_free(&out);
	show_ladder_free(ld);
}
END_TEST

/* ---- the command ------------------------------------------------------------ */

struct golden {
	const char *capture; /* under ../examples/, or CORPUS when corpus */
	bool corpus;
	const char *options;
	const char *file;
};

static const struct golden goldens[] = {
	/* The post's connection: the server closes first. */
	{"seed.pcap", false, "", "seed.txt"},
	/* Crossing FINs: both FIN_WAIT_1, then CLOSING, then TIME_WAIT. */
	{"simultaneous-close.pcap", false, "", "simultaneous-close.txt"},
	{"rst-abort.pcap", false, "", "rst-abort.txt"},
	/* Long flows collapsed: an example's 20 segments kept 4 and 4, and a
	 * real one's 117 (retransmissions, a FIN over data, states reached
	 * in the gap) kept 12 and 12. */
	{"seq-wrap.pcap", false, "--max-segments 4", "seq-wrap-collapsed.txt"},
	{"zeek__tcp_reassembly.pcap", true, "--max-segments 12", "reassembly-collapsed.txt"},
};

/* A database of one capture; false when it is not there (the corpus). */
static bool ingest_one(const char *dir, const struct golden *g, char *db, size_t cap)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", g->corpus ? CORPUS : "../examples", g->capture);
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	fclose(f);
	snprintf(db, cap, "%s/%s.db", dir, g->capture);
	ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s %s", db, path), 0);
	return true;
}

START_TEST(output_matches_golden_file)
{
	const struct golden *g = &goldens[_i];
	char dir[64], db[160];
	tu_scratch_dir(dir);
	if (!ingest_one(dir, g, db, sizeof db)) {
		fprintf(stderr, "show: %s absent, golden %s not compared\n", g->capture, g->file);
		return;
	}
	ck_assert_int_eq(tu_sh(BIN " show --color=never --width 100 %s -d %s 1 > %s/out", g->options,
	                       db, dir),
	                 0);
	char out[128];
	snprintf(out, sizeof out, "%s/out", dir);
	char *got = tu_slurp(out);
	char want_path[128];
	snprintf(want_path, sizeof want_path, GOLDEN "/%s", g->file);
	char *want = tu_slurp(want_path);
	if (strcmp(got, want) != 0)
		tu_sh("diff -u %s %s >&2", want_path, out);
	ck_assert_msg(strcmp(got, want) == 0, "%s differs from %s (diff above)", out, want_path);
	free(got);
	free(want);
}
END_TEST

/* The seed's ladder from the database made once per test. */
static char seed_db[160], seed_dir[64];

static void seed_setup(void)
{
	tu_scratch_dir(seed_dir);
	ck_assert(ingest_one(seed_dir, &goldens[0], seed_db, sizeof seed_db));
}

/* The output of a shell line, \r dropped (a pty's line ends). */
static char *output_of(const char *cmdline, int *status)
{
	char out[128];
	snprintf(out, sizeof out, "%s/out", seed_dir);
	*status = tu_sh("%s > %s 2>&1", cmdline, out);
	char *text = tu_slurp(out);
	char *w = text;
	for (char *r = text; *r; r++) {
		if (*r != '\r')
			*w++ = *r;
	}
	*w = '\0';
	return text;
}

/* Run show in a pseudo-terminal (script(1)), columns wide, with env set
 * before it. */
static char *on_terminal(const char *env, int columns, const char *args)
{
	char line[1024];
	snprintf(line, sizeof line,
	         "script -qec 'stty cols %d rows 50; %s " BIN " show -d %s %s 1' /dev/null", columns,
	         env, seed_db, args);
	int status;
	char *text = output_of(line, &status);
	ck_assert_msg(status == 0, "%s: exit %d\n%s", line, status, text);
	return text;
}

START_TEST(colour_on_a_terminal_unless_no_color)
{
	if (!tu_have("script")) {
		fprintf(stderr, "show: script(1) absent, colour on a terminal not checked\n");
		return;
	}
	char *t = on_terminal("TERM=xterm", 100, "");
	ck_assert_msg(strstr(t, "\033[32m") && strstr(t, "\033[1;34mSYN_SENT"), "%s", t);
	free(t);
	t = on_terminal("TERM=xterm NO_COLOR=1", 100, "");
	ck_assert_msg(!strchr(t, '\033') && strstr(t, "SYN_SENT"), "%s", t);
	free(t);
	t = on_terminal("TERM=dumb", 100, "");
	ck_assert_msg(!strchr(t, '\033'), "%s", t);
	free(t);
	t = on_terminal("TERM=xterm", 100, "--color=never");
	ck_assert_msg(!strchr(t, '\033'), "%s", t);
	free(t);
	/* Asked for by name, colour wins over NO_COLOR (no-color.org). */
	t = on_terminal("TERM=xterm NO_COLOR=1", 100, "--color=always");
	ck_assert_msg(strstr(t, "\033[32m"), "%s", t);
	free(t);
}
END_TEST

START_TEST(colour_in_a_pipe_only_when_always)
{
	int status;
	char line[512];
	snprintf(line, sizeof line, "TERM=xterm " BIN " show -d %s 1", seed_db);
	char *t = output_of(line, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_msg(!strchr(t, '\033'), "%s", t);
	free(t);
	snprintf(line, sizeof line, "NO_COLOR= TERM=dumb " BIN " show --color always -d %s 1",
	         seed_db);
	t = output_of(line, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_msg(strstr(t, "\033[31m<") && strstr(t, "\033[1;34mTIME_WAIT\033[0m"), "%s", t);
	free(t);
}
END_TEST

/* Longest line of text. */
static int widest(const char *text)
{
	int best = 0;
	for (const char *p = text; *p;) {
		int n = (int)strcspn(p, "\n");
		best = n > best ? n : best;
		p += n + (p[n] == '\n');
	}
	return best;
}

/* The width is the terminal's, else 100: the seed's widest line (the
 * server's SYN_RECEIVED) ends at it. */
START_TEST(width_is_the_terminals_else_100)
{
	int status;
	char line[512];
	snprintf(line, sizeof line, BIN " show -d %s 1", seed_db);
	char *piped = output_of(line, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(widest(piped), 100);
	char *want = tu_slurp(GOLDEN "/seed.txt");
	ck_assert_str_eq(piped, want);
	free(want);
	free(piped);
	if (!tu_have("script"))
		return;
	char *t = on_terminal("TERM=dumb", 132, "");
	ck_assert_int_eq(widest(t), 132);
	free(t);
	t = on_terminal("TERM=dumb", 132, "--width 72");
	ck_assert_int_eq(widest(t), 72);
	free(t);
}
END_TEST

START_TEST(all_prints_every_segment)
{
	char dir[64], db[160];
	tu_scratch_dir(dir);
	ck_assert(ingest_one(dir, &goldens[3], db, sizeof db));
	char out[128];
	snprintf(out, sizeof out, "%s/out", dir);
	ck_assert_int_eq(tu_sh(BIN " show --all --max-segments 4 -d %s 1 > %s", db, out), 0);
	char *t = tu_slurp(out);
	ck_assert_msg(!strstr(t, "not drawn"), "%s", t);
	for (int frame = 1; frame <= 20; frame++) {
		char row[16];
		snprintf(row, sizeof row, "\n%5d  ", frame);
		ck_assert_msg(strstr(t, row), "no row for frame %d in\n%s", frame, t);
	}
	free(t);
	/* The default keeps 200 at each end: 20 are whole. */
	ck_assert_int_eq(tu_sh(BIN " show -d %s 1 | grep -cE '^ *[0-9]+  [0-9]+[.][0-9]{6} ' | grep -qx 20", db), 0);
}
END_TEST

START_TEST(unknown_flow_exits_1_usage_errors_2)
{
	int status;
	char line[512];
	snprintf(line, sizeof line, BIN " show -d %s 99", seed_db);
	char *t = output_of(line, &status);
	ck_assert_int_eq(status, 1);
	ck_assert_msg(strstr(t, "no flow 99 in ") && strstr(t, seed_db), "%s", t);
	free(t);
	static const char *const usage[] = {
		"",           "abc",         "1 2",       "1x",
		"--color=sometimes 1", "--width 10 1", "--width x 1", "--max-segments 0 1",
		"--no-such 1",
	};
	for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++) {
		snprintf(line, sizeof line, BIN " show -d %s %s", seed_db, usage[i]);
		t = output_of(line, &status);
		ck_assert_msg(status == 2, "show %s: exit %d, %s", usage[i], status, t);
		ck_assert_msg(strstr(t, "tcpladder show"), "show %s: %s", usage[i], t);
		free(t);
	}
	snprintf(line, sizeof line, BIN " show -d %s/none.db 1", seed_dir);
	t = output_of(line, &status);
	ck_assert_int_eq(status, 1);
	ck_assert_msg(strstr(t, "no database at"), "%s", t);
	free(t);
}
END_TEST

/* A flow's fields as one line, the ones show reads. */
static int flow_fields(const struct db_flow_info *f, void *user)
{
	snprintf(user, 512, "%lld %s %s %lld %lld %lld %lld %lld %s %s %s %s %d %lld %d %lld %s",
	         (long long)f->id, f->client, f->server, (long long)f->first_ts_ns,
	         (long long)f->last_ts_ns, (long long)f->first_frame, (long long)f->last_frame,
	         (long long)f->packets, f->client_state, f->server_state,
	         f->conn_state ? f->conn_state : "-", f->history ? f->history : "-", f->has_rtt,
	         (long long)f->handshake_rtt_ns, f->mid_stream, (long long)f->analysis,
	         f->analysis_names);
	return 0;
}

/* db_show_flow reads what db_get_flow does, for every field show uses:
 * the corpus's flows when it is there (anomalies, mid-stream, IPv6), the
 * seed's else; and an id no flow has is 0. */
START_TEST(show_flow_row_is_db_get_flows)
{
	char dir[64], db_path[160];
	tu_scratch_dir(dir);
	char path[256];
	snprintf(path, sizeof path, "%s/MANIFEST.tsv", CORPUS);
	FILE *m = fopen(path, "r");
	if (m) {
		fclose(m);
		snprintf(db_path, sizeof db_path, "%s/corpus.db", dir);
		ck_assert_int_eq(tu_sh(BIN " ingest -q -d %s " CORPUS " 2>/dev/null; test -s %s", db_path,
		                       db_path),
		                 0);
	} else {
		ck_assert(ingest_one(dir, &goldens[0], db_path, sizeof db_path));
	}
	char err[256];
	struct db *db = db_open_readonly(db_path, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	long long n = tu_query_int(db_path, "SELECT max(id) FROM flows");
	ck_assert_int_ge(n, 1);
	for (long long id = 1; id <= n; id++) {
		char a[512] = "", b[512] = "";
		ck_assert_int_eq(db_get_flow(db, id, flow_fields, a), 1);
		ck_assert_int_eq(db_show_flow(db, id, flow_fields, b), 1);
		ck_assert_str_eq(b, a);
	}
	char none[512];
	ck_assert_int_eq(db_show_flow(db, n + 1, flow_fields, none), 0);
	db_close(db);
}
END_TEST

Suite *show_suite(void)
{
	Suite *s = suite_create("show");
	TCase *tc = tcase_create("layout");
	tcase_add_test(tc, seg_label_is_tcpdumps_with_relative_numbers);
	tcase_add_test(tc, arrow_runs_rail_to_rail_with_its_head_at_the_receiver);
	tcase_add_test(tc, label_is_centred_on_its_arrow);
	tcase_add_test(tc, arrows_scale_with_the_width);
	tcase_add_test(tc, state_changes_show_where_the_capture_proves_them);
	tcase_add_test(tc, second_change_at_one_segment_goes_below);
	tcase_add_test(tc, anomaly_names_beside_or_below_labels_never_cut);
	tcase_add_test(tc, colour_only_when_asked);
	tcase_add_test(tc, gap_counts_and_states_reached_inside);
	suite_add_tcase(s, tc);

	tc = tcase_create("golden");
	tcase_add_loop_test(tc, output_matches_golden_file, 0,
	                    (int)(sizeof goldens / sizeof goldens[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("command");
	tcase_add_checked_fixture(tc, seed_setup, NULL);
	tcase_add_test(tc, colour_on_a_terminal_unless_no_color);
	tcase_add_test(tc, colour_in_a_pipe_only_when_always);
	tcase_add_test(tc, width_is_the_terminals_else_100);
	tcase_add_test(tc, all_prints_every_segment);
	tcase_add_test(tc, unknown_flow_exits_1_usage_errors_2);
	tcase_add_test(tc, show_flow_row_is_db_get_flows);
	suite_add_tcase(s, tc);
	return s;
}
