/* report_text: how numbers and times read on a flow page, in its header
 * and on its ladder alike (report_flow_page.h). Pure: a value in, text in
 * the caller's buffer out. What does not fit a buffer is cut. And the one
 * shape every fact of a page's header takes. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "report_flow_page.h"

void text_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

void text_count(char *buf, size_t len, int64_t v)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%" PRId64, v);
	const char *d = digits;
	size_t o = 0, n;
	if (*d == '-')
		buf[o++] = *d++;
	n = strlen(d);
	for (size_t i = 0; i < n && o + sizeof DIGIT_GROUP < len; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			memcpy(buf + o, DIGIT_GROUP, sizeof DIGIT_GROUP - 1);
			o += sizeof DIGIT_GROUP - 1;
		}
		buf[o++] = d[i];
	}
	buf[o] = '\0';
}

/* Seconds from one second up, else milliseconds (to the microsecond, as
 * RTTs are usually read). */
void text_span(char *buf, size_t len, int64_t ns)
{
	char num[HTML_NUM_LEN];
	bool s = ns >= 1000000000;
	snprintf(buf, len, "%s %s", html_fixed(num, s ? (double)ns / 1e9 : (double)ns / 1e6, 3),
	         s ? "s" : "ms");
}

/* As tcpdump's -ttttt prints them. */
void text_rel(char *buf, size_t len, int64_t ns)
{
	struct text_line l = text_line(buf, len);
	int64_t mag = ns < 0 ? -ns : ns, us = mag % 1000000000 / 1000;
	char six[8] = "000000";
	for (int i = 5; i >= 0; i--, us /= 10)
		six[i] = (char)('0' + us % 10);
	if (ns < 0)
		text_str(&l, "-");
	text_int(&l, mag / 1000000000);
	text_str(&l, ".");
	text_str(&l, six);
}

void text_delta(char *buf, size_t len, int64_t ns)
{
	bool s = ns >= 1000000000 || ns <= -1000000000;
	double v = s ? (double)ns / 1e9 : (double)ns / 1e6;
	char num[HTML_NUM_LEN];
	struct text_line l = text_line(buf, len);
	if (!signbit(v))
		text_str(&l, "+");
	text_str(&l, html_fixed(num, v, 3));
	text_str(&l, s ? " s" : " ms");
}

void text_utc(char *buf, size_t len, int64_t ns, bool date, struct utc_second *last)
{
	int64_t s = ns / 1000000000, frac = ns % 1000000000;
	if (frac < 0) {
		s -= 1;
		frac += 1000000000;
	}
	if (!last->valid || last->s != s) {
		time_t t = (time_t)s;
		struct tm tm;
		snprintf(last->day, sizeof last->day, "?");
		if (gmtime_r(&t, &tm))
			strftime(last->day, sizeof last->day, "%Y-%m-%d %H:%M:%S", &tm);
		last->s = s;
		last->valid = true;
	}
	/* "YYYY-MM-DD " is 11 bytes. */
	const char *day = !date && strlen(last->day) > 11 ? last->day + 11 : last->day;
	if (frac % 1000)
		snprintf(buf, len, "%s.%09" PRId64 " UTC", day, frac);
	else
		snprintf(buf, len, "%s.%06" PRId64 " UTC", day, frac / 1000);
}

void page_fact(xmlNodePtr line, const char *label, const char *value)
{
	if (!html_empty(line))
		html_text(line, MIDDOT);
	if (label) {
		html_text(line, label);
		html_text(line, " ");
	}
	html_add(line, "b", NULL, value);
}
