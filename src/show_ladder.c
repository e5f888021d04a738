/* show_ladder: a flow's ladder as terminal text (show_ladder.h).
 *
 * A line is, left to right: the frame, the time since the flow's first
 * segment (as tcpdump's -ttttt prints it, and the page), the client's
 * state, the client's rail '|', the arrow, the server's rail, the
 * server's state. The frame and time columns are as wide as the flow's
 * last frame and time need, each state column as wide as its endpoint's
 * longest state; the arrow takes the rest of the width. What does not
 * fit on an arrow (a long label, anomaly names) goes on, cut at spaces,
 * on lines below it between the rails: a narrow terminal keeps its
 * width, and no word is cut. Every text here
 * is ASCII (numbers, flags, state and analysis names, addresses), so a
 * byte is a column; colour escapes are counted apart.
 *
 * States follow DESIGN.md, "TCP states", as the page's ladder does: a
 * change is written on the line of its seen_frame, the segment that
 * proves it (a received SYN or FIN shows where the capture proves it
 * arrived, so crossing FINs read as crossing); a second change of one
 * endpoint at the same segment (CLOSING then TIME_WAIT) goes on a line of
 * its own below, as the page pushes its labels down the rail. Each
 * endpoint's first state heads its rail. Changes proven in a collapsed
 * middle are summed up on the gap's line as the state reached there. */
#include "show_ladder.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seg_label.h"

/* Colours of the page's stylesheet, the nearest of the eight. */
#define C_RESET   "\033[0m"
#define C_SYN     "\033[32m"
#define C_FIN     "\033[31m"
#define C_RST     "\033[35m"
#define C_ANOMALY "\033[33m"
#define C_STATE   "\033[1;34m"
#define C_DIM     "\033[2m"
#define C_BOLD    "\033[1m"

/* TCP flag bits as the segments table stores them. */
#define FLAG_FIN 0x01
#define FLAG_SYN 0x02
#define FLAG_RST 0x04

/* Room for a state's name: the longest is SYN_RECEIVED. */
#define STATE_LEN 24
/* The least arrow: a head, a shaft, and a short label's start. */
#define MIN_ARROW 16

/* A state change as the ladder writes it: where, whose, to what. */
struct change {
	int64_t seen_frame;
	size_t step; /* the order it came in, to keep ties in step order */
	bool client;
	char to[STATE_LEN];
};

struct show_ladder {
	struct show_options opt;
	int64_t id, packets, first_ts_ns, last_ts_ns, last_frame, rtt_ns;
	bool has_rtt, mid_stream;
	char *client, *server, *client_final, *server_final, *conn_state, *history,
	        *anomalies;
	bool oom;

	struct change *ch; /* sorted by seen_frame at the head */
	size_t n_ch, cap_ch, next;
	char client_first[STATE_LEN], server_first[STATE_LEN];
	bool has_client_first, has_server_first;

	/* Column widths, set at the head. */
	int frame_w, time_w, cstate_w, sstate_w, arrow_w;
};

/* ---- text ---------------------------------------------------------------- */

void show_text_free(struct show_text *t)
{
	free(t->p);
	*t = (struct show_text){0};
}

static void put_n(struct show_text *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

/* A line being built: its text, and its width on the screen so far
 * (escapes take none). */
struct line {
	struct show_text t;
	int col;
	bool color;
};

static void l_str(struct line *l, const char *s)
{
	size_t n = strlen(s);
	put_n(&l->t, s, n);
	l->col += (int)n;
}

static void l_chars(struct line *l, char c, int n)
{
	for (int i = 0; i < n; i++)
		put_n(&l->t, &c, 1);
	l->col += n > 0 ? n : 0;
}

/* Spaces up to column col (none when past it). */
static void l_to(struct line *l, int col)
{
	l_chars(l, ' ', col - l->col);
}

/* s right-aligned in w columns. */
static void l_right(struct line *l, const char *s, int w)
{
	l_chars(l, ' ', w - (int)strlen(s));
	l_str(l, s);
}

static void l_color(struct line *l, const char *code)
{
	if (l->color && code)
		put_n(&l->t, code, strlen(code));
}

/* s in colour code (NULL: none). */
static void l_painted(struct line *l, const char *code, const char *s)
{
	if (!*s)
		return;
	l_color(l, code);
	l_str(l, s);
	if (code)
		l_color(l, C_RESET);
}

/* The line onto out without its trailing spaces, then a newline; the line
 * emptied for the next. */
static void l_end(struct line *l, struct show_text *out)
{
	size_t n = l->t.len;
	while (n > 0 && l->t.p[n - 1] == ' ')
		n--;
	if (n)
		put_n(out, l->t.p, n);
	put_n(out, "\n", 1);
	out->oom |= l->t.oom;
	l->t.len = 0;
	if (l->t.p)
		l->t.p[0] = '\0';
	l->t.oom = false;
	l->col = 0;
}

/* ---- numbers ------------------------------------------------------------- */

/* Seconds to the microsecond, as the page's times (text_rel). */
static void rel_time(char *buf, size_t len, int64_t ns)
{
	uint64_t mag = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
	snprintf(buf, len, "%s%" PRIu64 ".%06" PRIu64, ns < 0 ? "-" : "", mag / 1000000000,
	         mag % 1000000000 / 1000);
}

/* A span as the page's facts say it: seconds from one second up, else
 * milliseconds. */
static void span(char *buf, size_t len, int64_t ns)
{
	bool s = ns >= 1000000000;
	snprintf(buf, len, "%.3f %s", s ? (double)ns / 1e9 : (double)ns / 1e6, s ? "s" : "ms");
}

static int digits(int64_t v)
{
	char buf[24];
	return snprintf(buf, sizeof buf, "%" PRId64, v);
}

/* ---- the ladder ---------------------------------------------------------- */

static char *dup_or_null(const char *s, bool *oom)
{
	if (!s || !*s)
		return NULL;
	char *d = strdup(s);
	*oom |= !d;
	return d;
}

struct show_ladder *show_ladder_new(const struct db_flow_info *f,
                                    const struct show_options *opt)
{
	struct show_ladder *ld = calloc(1, sizeof *ld);
	if (!ld)
		return NULL;
	ld->opt = *opt;
	ld->id = f->id;
	ld->packets = f->packets;
	ld->first_ts_ns = f->first_ts_ns;
	ld->last_ts_ns = f->last_ts_ns;
	ld->last_frame = f->last_frame;
	ld->has_rtt = f->has_rtt;
	ld->rtt_ns = f->handshake_rtt_ns;
	ld->mid_stream = f->mid_stream;
	ld->client = dup_or_null(f->client, &ld->oom);
	ld->server = dup_or_null(f->server, &ld->oom);
	ld->client_final = dup_or_null(f->client_state, &ld->oom);
	ld->server_final = dup_or_null(f->server_state, &ld->oom);
	ld->conn_state = dup_or_null(f->conn_state, &ld->oom);
	ld->history = dup_or_null(f->history, &ld->oom);
	ld->anomalies = dup_or_null(f->analysis_names, &ld->oom);
	if (ld->oom) {
		show_ladder_free(ld);
		return NULL;
	}
	return ld;
}

void show_ladder_free(struct show_ladder *ld)
{
	if (!ld)
		return;
	free(ld->client);
	free(ld->server);
	free(ld->client_final);
	free(ld->server_final);
	free(ld->conn_state);
	free(ld->history);
	free(ld->anomalies);
	free(ld->ch);
	free(ld);
}

int show_ladder_add_transition(struct show_ladder *ld, const struct db_transition_info *t)
{
	if (ld->n_ch == ld->cap_ch) {
		size_t cap = ld->cap_ch ? ld->cap_ch * 2 : 16;
		struct change *p = realloc(ld->ch, cap * sizeof *p);
		if (!p)
			return -1;
		ld->ch = p;
		ld->cap_ch = cap;
	}
	bool client = t->endpoint && strcmp(t->endpoint, "client") == 0;
	struct change *c = &ld->ch[ld->n_ch];
	*c = (struct change){.seen_frame = t->seen_frame, .step = ld->n_ch, .client = client};
	snprintf(c->to, sizeof c->to, "%s", t->to_state ? t->to_state : "?");
	ld->n_ch++;
	/* An endpoint starts in the state its first change leaves. */
	bool *has = client ? &ld->has_client_first : &ld->has_server_first;
	if (!*has) {
		snprintf(client ? ld->client_first : ld->server_first, STATE_LEN, "%s",
		         t->from_state ? t->from_state : "?");
		*has = true;
	}
	return 0;
}

static int by_seen_frame(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	if (x->seen_frame != y->seen_frame)
		return x->seen_frame < y->seen_frame ? -1 : 1;
	return x->step < y->step ? -1 : x->step > y->step;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* The first states (an endpoint that never changes is in its final one
 * throughout, as a refusing server stays CLOSED), the changes in the
 * order the ladder meets them, and the columns. */
static void lay_out(struct show_ladder *ld)
{
	if (!ld->has_client_first)
		snprintf(ld->client_first, STATE_LEN, "%s",
		         ld->client_final ? ld->client_final : "?");
	if (!ld->has_server_first)
		snprintf(ld->server_first, STATE_LEN, "%s",
		         ld->server_final ? ld->server_final : "?");
	if (ld->n_ch)
		qsort(ld->ch, ld->n_ch, sizeof *ld->ch, by_seen_frame);
	ld->next = 0;

	char t[48];
	rel_time(t, sizeof t, ld->last_ts_ns - ld->first_ts_ns);
	ld->frame_w = max_int((int)strlen("frame"), digits(ld->last_frame));
	ld->time_w = max_int((int)strlen("time (s)"), (int)strlen(t));
	ld->cstate_w = (int)strlen(ld->client_first);
	ld->sstate_w = (int)strlen(ld->server_first);
	for (size_t i = 0; i < ld->n_ch; i++) {
		int *w = ld->ch[i].client ? &ld->cstate_w : &ld->sstate_w;
		*w = max_int(*w, (int)strlen(ld->ch[i].to));
	}
	/* frame, 2, time, 2, client state, 1, rail, arrow, rail, 1, server
	 * state */
	int fixed = ld->frame_w + 2 + ld->time_w + 2 + ld->cstate_w + 1 + 1 + 1 + 1 +
	            ld->sstate_w;
	ld->arrow_w = max_int(MIN_ARROW, ld->opt.width - fixed);
}

/* Columns of the client's and the server's rail. */
static int client_rail(const struct show_ladder *ld)
{
	return ld->frame_w + 2 + ld->time_w + 2 + ld->cstate_w + 1;
}

static int server_rail(const struct show_ladder *ld)
{
	return client_rail(ld) + 1 + ld->arrow_w;
}

/* text centred on column at, kept within the width and starting no
 * further left than column from. */
static void l_centred(struct line *l, const char *code, const char *text, int at, int width,
                      int from)
{
	int n = (int)strlen(text);
	int start = at - n / 2;
	if (start + n > width)
		start = width - n;
	start = max_int(start, max_int(from, l->col));
	l_to(l, start);
	l_painted(l, code, text);
}

/* A text cut at spaces into pieces of at most room columns each (a word
 * longer than that is a piece of its own, and wider). */
#define MAX_PIECES 24
struct pieces {
	char text[1024];
	int start[MAX_PIECES], len[MAX_PIECES];
	int n;
};

static void wrap(struct pieces *p, const char *s, int room)
{
	size_t off = strlen(p->text);
	snprintf(p->text + off, sizeof p->text - off, "%s", s);
	const char *t = p->text;
	int i = (int)off, end = (int)strlen(t);
	while (i < end && p->n < MAX_PIECES) {
		while (t[i] == ' ')
			i++;
		int start = i, last = -1;
		for (int j = i; j <= end && j - start <= room; j++) {
			if (t[j] == ' ' || t[j] == '\0')
				last = j;
		}
		if (last < 0) /* one long word */
			last = start + (int)strcspn(t + start, " ");
		if (last > start) {
			p->start[p->n] = start;
			p->len[p->n++] = last - start;
		}
		i = last;
	}
}

/* Piece k of p, into buf. */
static const char *piece(const struct pieces *p, int k, char *buf, size_t cap)
{
	snprintf(buf, cap, "%.*s", p->len[k], p->text + p->start[k]);
	return buf;
}

/* Names read better with a space after each comma, as on the page. */
static char *spaced_names(const char *names)
{
	if (!names || !*names)
		return NULL;
	size_t commas = 0;
	for (const char *c = names; *c; c++)
		commas += *c == ',';
	char *out = malloc(strlen(names) + commas + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *c = names; *c; c++) {
		*o++ = *c;
		if (*c == ',')
			*o++ = ' ';
	}
	*o = '\0';
	return out;
}

/* One fact of a header line: after a comma, or on a line of its own when
 * it would pass the width. */
static void l_fact(struct line *l, struct show_text *out, int width, const char *code,
                   const char *text)
{
	if (l->col > 0) {
		l_str(l, ",");
		if (l->col + 1 + (int)strlen(text) > width)
			l_end(l, out);
		else
			l_str(l, " ");
	}
	l_painted(l, code, text);
}

/* text from the line's column on, cut at spaces to keep within the
 * width, the lines after the first starting at the same column; ends the
 * line. */
static void l_wrapped(struct line *l, struct show_text *out, int width, const char *code,
                      const char *text)
{
	struct pieces p = {.n = 0};
	int indent = l->col;
	wrap(&p, text, max_int(width - indent, 20));
	char buf[1024];
	for (int k = 0; k < p.n; k++) {
		l_to(l, indent);
		l_painted(l, code, piece(&p, k, buf, sizeof buf));
		l_end(l, out);
	}
	if (p.n == 0)
		l_end(l, out);
}

void show_ladder_head(struct show_ladder *ld, struct show_text *out)
{
	lay_out(ld);
	struct line l = {.color = ld->opt.color};
	char a[64], b[64];
	const char *client = ld->client ? ld->client : "?";
	const char *server = ld->server ? ld->server : "?";

	/* The facts the page's header gives, less the capture's path. */
	int width = ld->opt.width;
	char fact[512];
	snprintf(fact, sizeof fact, "flow %" PRId64 ": %s > %s", ld->id, client, server);
	l_fact(&l, out, width, C_BOLD, fact);
	span(a, sizeof a, ld->last_ts_ns - ld->first_ts_ns);
	snprintf(fact, sizeof fact, "%" PRId64 " segment%s in %s", ld->packets,
	         ld->packets == 1 ? "" : "s", a);
	l_fact(&l, out, width, NULL, fact);
	l_end(&l, out);
	snprintf(fact, sizeof fact, "final %s / %s", ld->client_final ? ld->client_final : "?",
	         ld->server_final ? ld->server_final : "?");
	l_fact(&l, out, width, NULL, fact);
	if (ld->conn_state) {
		snprintf(fact, sizeof fact, "conn_state %s", ld->conn_state);
		l_fact(&l, out, width, NULL, fact);
	}
	if (ld->history) {
		snprintf(fact, sizeof fact, "history %s", ld->history);
		l_fact(&l, out, width, NULL, fact);
	}
	if (ld->has_rtt) {
		span(b, sizeof b, ld->rtt_ns);
		snprintf(fact, sizeof fact, "handshake RTT %s", b);
		l_fact(&l, out, width, NULL, fact);
	}
	l_end(&l, out);
	if (ld->anomalies) {
		char *names = spaced_names(ld->anomalies);
		out->oom |= !names;
		l_str(&l, "anomalies: ");
		l_wrapped(&l, out, width, C_ANOMALY, names ? names : "");
		free(names);
	}
	if (ld->mid_stream)
		l_wrapped(&l, out, width, NULL,
		          "mid-stream: no handshake seen; each direction counts from its first "
		          "byte (offset 1)");
	l_end(&l, out);

	/* Each rail's role and address over it, as the page heads them. */
	int cr = client_rail(ld), sr = server_rail(ld);
	width = max_int(sr + 2 + ld->sstate_w, width);
	l_centred(&l, NULL, "client", cr, width, 0);
	l_centred(&l, NULL, "server", sr, width, l.col + 2);
	l_end(&l, out);
	l_centred(&l, NULL, client, cr, width, 0);
	l_centred(&l, NULL, server, sr, width, l.col + 2);
	l_end(&l, out);

	/* The columns' heads, and the states the endpoints start in. */
	l_right(&l, "frame", ld->frame_w);
	l_str(&l, "  ");
	l_right(&l, "time (s)", ld->time_w);
	l_str(&l, "  ");
	l_chars(&l, ' ', ld->cstate_w - (int)strlen(ld->client_first));
	l_painted(&l, C_STATE, ld->client_first);
	l_str(&l, " |");
	l_chars(&l, ' ', ld->arrow_w);
	l_str(&l, "| ");
	l_painted(&l, C_STATE, ld->server_first);
	l_end(&l, out);
	show_text_free(&l.t);
}

/* The arrow's colour, as the page's stylesheet picks it: RST over FIN
 * over SYN over an anomaly. */
static const char *arrow_color(const struct db_segment_info *s)
{
	return s->flags & FLAG_RST   ? C_RST
	       : s->flags & FLAG_FIN ? C_FIN
	       : s->flags & FLAG_SYN ? C_SYN
	       : s->analysis         ? C_ANOMALY
	                             : NULL;
}

/* The arrow between the rails, arrow_w wide: a shaft of '-' with its head
 * on the receiver's rail and text centred on it, in colour code. Text too
 * wide for a shaft lies against the tail, and past the rail if it must. */
static void draw_arrow(struct line *l, const struct show_ladder *ld, bool right,
                       const char *code, const char *text, const char *names)
{
	int a = ld->arrow_w;
	int tw = (int)strlen(text) + (names ? 2 + (int)strlen(names) : 0);
	l_color(l, code);
	if (!right)
		l_str(l, "<");
	if (tw + 4 <= a) {
		/* Shaft before the text and after it, heads included. */
		int before = (a - tw) / 2 - 1, after = a - tw - 2 - before;
		l_chars(l, '-', before - !right);
		l_str(l, " ");
		l_str(l, text);
		if (names) {
			l_color(l, C_RESET);
			l_str(l, "  ");
			l_painted(l, C_ANOMALY, names);
			l_color(l, code);
		}
		l_str(l, " ");
		l_chars(l, '-', after - right);
	} else {
		l_str(l, text);
		l_chars(l, '-', a - tw - 1);
	}
	if (right)
		l_str(l, ">");
	if (code)
		l_color(l, C_RESET);
}

/* The k-th change of one endpoint among ch[from, to), or "". */
static const char *kth_change(const struct show_ladder *ld, size_t from, size_t to,
                              bool client, size_t k)
{
	for (size_t i = from; i < to; i++) {
		if (ld->ch[i].client == client && k-- == 0)
			return ld->ch[i].to;
	}
	return "";
}

/* The changes proven at frame: ch[*from, *to). Those proven before it
 * and not yet shown were at rows not drawn (and no gap given for them). */
static void changes_at(struct show_ladder *ld, int64_t frame, size_t *from, size_t *to)
{
	while (ld->next < ld->n_ch && ld->ch[ld->next].seen_frame < frame)
		ld->next++;
	*from = ld->next;
	while (ld->next < ld->n_ch && ld->ch[ld->next].seen_frame == frame)
		ld->next++;
	*to = ld->next;
}

/* The changes proven up to frame: ch[*from, *to). */
static void changes_upto(struct show_ladder *ld, int64_t frame, size_t *from, size_t *to)
{
	*from = ld->next;
	while (ld->next < ld->n_ch && ld->ch[ld->next].seen_frame <= frame)
		ld->next++;
	*to = ld->next;
}

/* A line's left part: frame and time (either may be ""), the client's
 * state, its rail. */
static void l_left(struct line *l, const struct show_ladder *ld, const char *frame,
                   const char *time, const char *cstate, const char *rail)
{
	l_right(l, frame, ld->frame_w);
	l_str(l, "  ");
	l_right(l, time, ld->time_w);
	l_str(l, "  ");
	l_chars(l, ' ', ld->cstate_w - (int)strlen(cstate));
	l_painted(l, C_STATE, cstate);
	l_str(l, " ");
	l_str(l, rail);
}

/* A line's right part: the server's rail and state. */
static void l_rightpart(struct line *l, const char *rail, const char *sstate)
{
	l_str(l, rail);
	if (*sstate) {
		l_str(l, " ");
		l_painted(l, C_STATE, sstate);
	}
}

void show_ladder_segment(struct show_ladder *ld, const struct db_segment_info *s,
                         struct show_text *out)
{
	struct line l = {.color = ld->opt.color};
	size_t from, to;
	changes_at(ld, s->frame, &from, &to);
	char frame[24], time[48], label[160], buf[1024];
	snprintf(frame, sizeof frame, "%" PRId64, s->frame);
	rel_time(time, sizeof time, s->ts_ns - ld->first_ts_ns);
	seg_label(label, sizeof label, s->flags_text ? s->flags_text : "?", s->rel_seq, s->len,
	          s->has_ack, s->rel_ack, s->win);
	char *names = spaced_names(s->analysis_names);
	if (s->analysis_names && *s->analysis_names && !names)
		out->oom = true;
	const char *code = arrow_color(s);

	/* The label on its arrow, with the anomaly names after it when both
	 * fit; else the label cut at spaces to fit the shaft, its rest and the
	 * names on lines of their own below (a narrow terminal keeps its
	 * width, and nothing is cut off). */
	int room = ld->arrow_w - 4, lw = (int)strlen(label);
	bool names_inline = names && lw + 2 + (int)strlen(names) <= room;
	struct pieces p = {.n = 0};
	wrap(&p, label, room);
	int label_pieces = p.n;
	if (names && !names_inline)
		wrap(&p, names, ld->arrow_w - 2);

	l_left(&l, ld, frame, time, kth_change(ld, from, to, true, 0), "|");
	draw_arrow(&l, ld, s->from_client, code, piece(&p, 0, buf, sizeof buf),
	           names_inline ? names : NULL);
	l_rightpart(&l, "|", kth_change(ld, from, to, false, 0));
	l_end(&l, out);
	/* Below it: what did not fit, and further changes. */
	for (int k = 1;; k++) {
		const char *c = kth_change(ld, from, to, true, (size_t)k);
		const char *v = kth_change(ld, from, to, false, (size_t)k);
		if (!*c && !*v && k >= p.n)
			break;
		l_left(&l, ld, "", "", c, "|");
		int rail = l.col;
		if (k < p.n)
			l_centred(&l, k < label_pieces ? code : C_ANOMALY, piece(&p, k, buf, sizeof buf),
			          rail + ld->arrow_w / 2, rail + ld->arrow_w, rail);
		l_to(&l, rail + ld->arrow_w);
		l_rightpart(&l, "|", v);
		l_end(&l, out);
	}
	free(names);
	show_text_free(&l.t);
}

void show_ladder_gap(struct show_ladder *ld, const struct db_segment_gap *gap,
                     struct show_text *out)
{
	struct line l = {.color = ld->opt.color};
	size_t from, to;
	changes_upto(ld, gap->last_frame, &from, &to);
	/* The state each endpoint reached in the gap: its last change there. */
	const char *reached[2] = {"", ""};
	for (size_t i = from; i < to; i++)
		reached[ld->ch[i].client] = ld->ch[i].to;

	char count[160], detail[160], when[48];
	snprintf(count, sizeof count,
	         "%" PRId64 " segment%s not drawn: frames %" PRId64 " to %" PRId64,
	         gap->segments, gap->segments == 1 ? "" : "s", gap->first_frame,
	         gap->last_frame);
	span(when, sizeof when, gap->last_ts_ns - gap->first_ts_ns);
	snprintf(detail, sizeof detail, "%" PRId64 " payload bytes over %s", gap->bytes, when);
	/* The rails break off (':') for the lines the gap takes. */
	struct pieces p = {.n = 0};
	wrap(&p, count, ld->arrow_w - 2);
	wrap(&p, detail, ld->arrow_w - 2);
	char buf[1024];
	for (int k = 0; k < p.n; k++) {
		l_left(&l, ld, k == 0 ? "..." : "", "", reached[1], ":");
		int rail = l.col;
		l_centred(&l, C_DIM, piece(&p, k, buf, sizeof buf), rail + ld->arrow_w / 2,
		          rail + ld->arrow_w, rail);
		l_to(&l, rail + ld->arrow_w);
		l_rightpart(&l, ":", reached[0]);
		reached[0] = reached[1] = "";
		l_end(&l, out);
	}
	show_text_free(&l.t);
}
