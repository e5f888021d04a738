/* report_index_pairs: the index's table of flow pairs (report_pair.h),
 * the connections seen at two taps: one row per pair, linking its page,
 * with what pairing found (losses between the taps, median one-way delay
 * each way, the clock's quality). Nothing when the report holds no pair. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "report_flow_page.h"
#include "report_pair.h"

/* The table lists this many pairs, as an index page lists its flows;
 * the rest are counted (sightings_view and export sightings have all). */
#define MAX_ROWS 500

struct table {
	xmlNodePtr parent, section, tbody;
	int64_t rows;
};

static void num_cell(xmlNodePtr tr, int64_t v)
{
	char buf[48];
	text_count(buf, sizeof buf, v);
	html_add(tr, "td", "num", buf);
}

static void owd_cell(xmlNodePtr tr, const struct db_pair_info *p, int dir)
{
	char buf[48];
	if (!p->has_owd[dir]) {
		html_add(tr, "td", "num muted", EN_DASH);
		return;
	}
	text_span(buf, sizeof buf, p->owd_median[dir]);
	html_add(tr, "td", "num", buf);
}

static xmlNodePtr start(struct table *t)
{
	xmlNodePtr section = t->section = html_add(t->parent, "section", "pairs", NULL);
	html_set(section, "id", "pairs");
	html_add(section, "h2", NULL, "Flow pairs: connections seen at two taps");
	xmlNodePtr wrap = html_add(section, "div", "table-wrap", NULL);
	xmlNodePtr table = html_add(wrap, "table", "data pairs", NULL);
	html_set(table, "id", "pair-table");
	xmlNodePtr tr = html_add(html_add(table, "thead", NULL, NULL), "tr", NULL, NULL);
	static const char *const heads[] = {
	        "Pair", "Taps", "Client", "Server", "Matched by", "Paired",
	        "Lost c" ARROW "s", "Lost s" ARROW "c", "Appeared",
	        "Delay c" ARROW "s (median)", "Delay s" ARROW "c (median)", "Clock"};
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
		html_add(tr, "th", NULL, heads[i]);
	return html_add(table, "tbody", NULL, NULL);
}

static int pair_row(const struct db_pair_info *p, void *user)
{
	struct table *t = user;
	if (!t->tbody && !(t->tbody = start(t)))
		return 1;
	if (t->rows++ >= MAX_ROWS)
		return 0;
	xmlNodePtr tr = html_add(t->tbody, "tr", NULL, NULL);
	char buf[600];
	snprintf(buf, sizeof buf, REPORT_PAIR_HREF_FMT, (long long)p->id);
	xmlNodePtr td = html_add(tr, "td", "num", NULL);
	char id[32];
	snprintf(id, sizeof id, "%" PRId64, p->id);
	html_set(html_add(td, "a", NULL, id), "href", buf);
	snprintf(buf, sizeof buf, "%s / %s", pair_side_vantage(p, true), pair_side_vantage(p, false));
	html_add(tr, "td", NULL, buf);
	/* Each end as the tap beside it saw it. */
	const char *client = p->a_is_client ? p->client_a : p->client_b;
	const char *server = p->a_is_client ? p->server_b : p->server_a;
	html_add(tr, "td", "addr", client ? client : "?");
	html_add(tr, "td", "addr", server ? server : "?");
	snprintf(buf, sizeof buf, "%s%s", p->matched_by ? p->matched_by : "?", p->nat ? ", NAT" : "");
	html_add(tr, "td", NULL, buf);
	num_cell(tr, p->paired);
	num_cell(tr, p->lost[PAIR_C2S]);
	num_cell(tr, p->lost[PAIR_S2C]);
	num_cell(tr, p->appeared);
	owd_cell(tr, p, PAIR_C2S);
	owd_cell(tr, p, PAIR_S2C);
	html_add(tr, "td", NULL, p->quality ? p->quality : "?");
	return 0;
}

int pair_index_table(xmlNodePtr parent, struct db *db, const struct db_selection *sel,
                     char *err, size_t errlen)
{
	struct table t = {.parent = parent};
	int rc = db_each_pair(db, sel, pair_row, &t);
	if (rc != 0) {
		snprintf(err, errlen, "flow pairs: %s", rc < 0 ? db_error(db) : "out of memory");
		return -1;
	}
	if (t.rows > MAX_ROWS) {
		char n[48];
		text_count(n, sizeof n, t.rows - MAX_ROWS);
		html_addf(t.section, "p", "muted", "%s more pairs: export sightings, or"
		          " sightings_view in SQL, has every one.", n);
	}
	return 0;
}
