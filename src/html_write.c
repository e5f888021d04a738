/* html_write: a page's tree into a file (html.h: html_save, html_out_*).
 *
 * The tree is serialized here, several times faster than libxml2's HTML
 * serializer (htmlDocContentDumpFormatOutput) and in fewer bytes, as
 * HTML5 allows: libxml2 copies every attribute value into a new string to
 * escape it, escapes every text into another, and looks each element up
 * in its table of HTML elements by comparing names one by one, which for
 * the SVG a page is mostly made of always fails. What an element is (void,
 * end tag optional) and which attributes are boolean or URIs still come
 * from libxml2 (htmlTagLookup, htmlIsBooleanAttr, xmlURIEscapeStr), looked
 * up once per name; this file walks and escapes, as xmlEncodeEntities and
 * xmlBufWriteQuotedString do for an HTML document. Where libxml2 writes
 * more than a parser needs, the bytes are left out (HTML5, 13.1.2 and
 * 13.1.2.4): a plain attribute value of letters, digits and ._:#- goes
 * unquoted; the end tag of a td, th, tr, li or tbody that its next
 * sibling (or its parent's end) closes is left to the parser; an empty
 * SVG element closes itself (<path d="..."/>). A page is a fifth to a
 * tenth smaller for it. A tree holding what our pages never hold
 * (namespaces, entity references, processing instructions) goes to
 * libxml2's serializer instead. The tests parse both writings of every
 * page of the examples, and of hostile text, and compare the trees.
 *
 * A page is written with one write(2) from memory kept for the next page.
 * No fsync: a lost report is written again, not recovered. */
#include "html.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <unistd.h>

/* What the serializer knows of a name, remembered by the name's address:
 * the names of a page's nodes come from its document's dictionary, so a
 * page holds a few dozen distinct addresses, each met hundreds of times.
 * A hit is checked against the remembered text too, since a name that is
 * not in a dictionary may be freed and its address given to another. */
#define NAME_SLOTS 512
#define NAME_MAX_LEN 16

/* What libxml2 does with an attribute, by its name (and, for "name",
 * its element's): a boolean one is written without its value; a URI's
 * value is %-escaped too. */
enum attr_kind { ATTR_PLAIN, ATTR_BOOLEAN, ATTR_URI };

struct name_slot {
	const xmlChar *addr; /* NULL: free */
	char text[NAME_MAX_LEN];
	size_t len;
	bool is_attr;
	const htmlElemDesc *info; /* an element's (htmlTagLookup) */
	enum attr_kind kind;      /* an attribute's */
};

struct html_out {
	char *text;
	size_t len, cap;
	bool oom;
	bool foreign; /* met a node only libxml2 writes */
	int svg_depth; /* inside this many <svg>: foreign content, where an
	                  empty element may close itself */
	bool unquoted; /* the last attribute's value went unquoted */
	struct name_slot names[NAME_SLOTS];
};

/* ---- the buffer ---------------------------------------------------------- */

static bool grow(struct html_out *o, size_t n)
{
	if (o->oom)
		return false;
	size_t cap = o->cap ? o->cap : 1 << 15;
	while (cap < o->len + n)
		cap *= 2;
	char *text = realloc(o->text, cap);
	if (!text) {
		o->oom = true;
		return false;
	}
	o->text = text;
	o->cap = cap;
	return true;
}

static inline void put(struct html_out *o, const void *bytes, size_t n)
{
	if (o->len + n > o->cap && !grow(o, n))
		return;
	memcpy(o->text + o->len, bytes, n);
	o->len += n;
}

static void put_str(struct html_out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* libxml2's serializer writes into an xmlOutputBuffer: the fallback. */
static int put_callback(void *ctx, const char *bytes, int n)
{
	struct html_out *o = ctx;
	put(o, bytes, n < 0 ? 0 : (size_t)n);
	return o->oom || n < 0 ? -1 : n;
}

/* ---- escaping, as libxml2 does it in an HTML document -------------------- */

/* The bytes put_escaped must look at: markup characters, and controls
 * but tab, newline and carriage return (a table: strcspn with a set this
 * long builds one on every call); and the double quote, which is written
 * as it is but decides how an attribute's value is quoted. */
static const bool special[256] = {
	[1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1,
	[11] = 1, [12] = 1, [14] = 1, [15] = 1, [16] = 1, [17] = 1, [18] = 1, [19] = 1,
	[20] = 1, [21] = 1, [22] = 1, [23] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1,
	[28] = 1, [29] = 1, [30] = 1, [31] = 1, ['<'] = 1, ['>'] = 1, ['&'] = 1, ['"'] = 1,
};

/* xmlEncodeEntitiesReentrant (attr false) or xmlEncodeAttributeEntities
 * (attr true): <, > and & as entities, except that an attribute's "&{...}"
 * stays as it is (HTML 4 B.7.1); bytes from 0x80 up, tab, newline and
 * carriage return as they are; other control characters dropped. True
 * when s holds a double quote. */
static bool put_escaped(struct html_out *o, const xmlChar *s, bool attr)
{
	const xmlChar *run = s, *p = s;
	bool quote = false;
	for (;;) {
		while (*p && !special[*p])
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			quote = true;
			p++;
			continue;
		}
		if (*p == '&' && attr && p[1] == '{' && strchr((const char *)p, '}')) {
			const xmlChar *end = (const xmlChar *)strchr((const char *)p, '}') + 1;
			quote |= memchr(p, '"', (size_t)(end - p)) != NULL;
			p = end;
			continue;
		}
		put(o, run, (size_t)(p - run));
		put_str(o, *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" : "");
		run = ++p;
	}
	put(o, run, (size_t)(p - run));
	return quote;
}

/* xmlBufWriteQuotedString: in double quotes, or single ones when the value
 * holds a double quote, or double ones with &quot; when it holds both. */
static void put_quoted(struct html_out *o, const char *v, size_t n)
{
	if (!memchr(v, '"', n)) {
		put(o, "\"", 1);
		put(o, v, n);
		put(o, "\"", 1);
	} else if (!memchr(v, '\'', n)) {
		put(o, "'", 1);
		put(o, v, n);
		put(o, "'", 1);
	} else {
		put(o, "\"", 1);
		for (size_t i = 0; i < n; i++) {
			if (v[i] == '"')
				put_str(o, "&quot;");
			else
				put(o, v + i, 1);
		}
		put(o, "\"", 1);
	}
}

static enum attr_kind attr_kind_of(const xmlChar *name)
{
	const char *n = (const char *)name;
	return htmlIsBooleanAttr(name) ? ATTR_BOOLEAN
	       : strcasecmp(n, "href") == 0 || strcasecmp(n, "action") == 0 ||
	                       strcasecmp(n, "src") == 0
	               ? ATTR_URI
	               : ATTR_PLAIN;
}

/* strcmp(a, b) == 0 for names of a few letters, without a call. */
static bool same_name(const char *a, const xmlChar *b)
{
	while (*a && *a == (char)*b)
		a++, b++;
	return *a == (char)*b;
}

/* The remembered facts of an element's (is_attr false) or an attribute's
 * name, found or made; NULL for a name too long to remember. When its
 * slots are taken, a name displaces the first: names not from a
 * dictionary (a template's, copied for each page) come and go. */
static const struct name_slot *name_info(struct html_out *o, const xmlChar *name,
                                         bool is_attr)
{
	/* Fibonacci hashing: a dictionary packs its strings bytes apart. */
	uint64_t h = ((uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15u) >> 55;
	h ^= is_attr;
	struct name_slot *s = NULL;
	for (unsigned probe = 0; probe < 8; probe++) {
		s = &o->names[(h + probe) % NAME_SLOTS];
		if (s->addr == name && s->is_attr == is_attr && same_name(s->text, name))
			return s;
		if (!s->addr)
			break;
	}
	if (s->addr)
		s = &o->names[h % NAME_SLOTS];
	size_t len = strlen((const char *)name);
	if (len >= NAME_MAX_LEN)
		return NULL;
	*s = (struct name_slot){.addr = name, .len = len, .is_attr = is_attr};
	memcpy(s->text, name, len + 1);
	if (is_attr)
		s->kind = attr_kind_of(name);
	else
		s->info = htmlTagLookup(name);
	return s;
}

/* slot: the name's remembered facts, or NULL. */
static enum attr_kind attr_kind(const xmlAttr *a, const struct name_slot *slot)
{
	const char *name = (const char *)a->name;
	if ((*name == 'n' || *name == 'N') && strcasecmp(name, "name") == 0)
		return strcasecmp((const char *)a->parent->name, "a") == 0 ? ATTR_URI
		                                                           : ATTR_PLAIN;
	return slot ? slot->kind : attr_kind_of(a->name);
}

/* Can an attribute's (escaped) value go without quotes? HTML5 allows any
 * but space, quotes, =, <, >, ` there; only the bytes of numbers, names
 * and ids are let through, not '/' (before a self-closing "/>" it would
 * be read as the value's) nor '&' (escaped values keep their quotes). */
static bool bare_value(const char *v, size_t n)
{
	static const bool bare[256] = {
		['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
		['7'] = 1, ['8'] = 1, ['9'] = 1, ['.'] = 1, ['-'] = 1, ['_'] = 1, [':'] = 1,
		['#'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
		['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1,
		['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
		['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['A'] = 1,
		['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
		['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1,
		['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
		['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	};
	for (size_t i = 0; i < n; i++) {
		if (!bare[(unsigned char)v[i]])
			return false;
	}
	return true;
}

/* htmlAttrDumpOutput. The value is escaped straight into the buffer after
 * an opening double quote, which is what almost every value needs; one
 * holding a double quote, or a URI, is taken back out and written again
 * as libxml2 would. */
static void put_attr(struct html_out *o, const xmlAttr *a)
{
	const struct name_slot *slot = name_info(o, a->name, true);
	o->unquoted = false;
	put(o, " ", 1);
	if (slot)
		put(o, a->name, slot->len);
	else
		put_str(o, (const char *)a->name);
	enum attr_kind kind = a->children ? attr_kind(a, slot) : ATTR_BOOLEAN;
	if (kind == ATTR_BOOLEAN)
		return;
	put(o, "=\"", 2);
	size_t start = o->len;
	bool quote = false;
	for (const xmlNode *t = a->children; t; t = t->next) {
		if (t->type != XML_TEXT_NODE)
			o->foreign = true;
		else if (t->content)
			quote |= put_escaped(o, t->content, true);
	}
	if (o->oom)
		return;
	size_t n = o->len - start;
	if (kind == ATTR_PLAIN && !quote) {
		if (n > 0 && bare_value(o->text + start, n)) {
			/* The opening quote out again: the value needs none. */
			memmove(o->text + start - 1, o->text + start, n);
			o->len--;
			o->unquoted = true;
			return;
		}
		put(o, "\"", 1);
		return;
	}
	char *value = malloc(n + 1);
	if (!value) {
		o->oom = true;
		return;
	}
	memcpy(value, o->text + start, n);
	value[n] = '\0';
	o->len = start - 1; /* the opening quote too */
	if (kind == ATTR_URI) {
		const char *v = value;
		while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
			v++;
		xmlChar *uri = xmlURIEscapeStr(BAD_CAST v, BAD_CAST "@/:=?;#%&,+<>");
		if (uri)
			put_quoted(o, (const char *)uri, strlen((const char *)uri));
		else
			put_quoted(o, value, n);
		xmlFree(uri);
	} else {
		put_quoted(o, value, n);
	}
	free(value);
}

/* ---- the tree ------------------------------------------------------------ */

static bool is_raw_parent(const xmlNode *parent)
{
	const char *name = parent ? (const char *)parent->name : NULL;
	return name && (*name == 's' || *name == 'S') &&
	       (strcasecmp(name, "script") == 0 || strcasecmp(name, "style") == 0);
}

static void put_node(struct html_out *o, const xmlNode *n);

/* Does what follows n close it, so that its end tag may be left out
 * (HTML5 13.1.2.4)? A td or th before a td or th, a tr before a tr, an
 * li before an li, a tbody before a tbody, each also as its parent's last
 * child; nothing between (a text node would have to go into it). */
static bool end_tag_implied(const char *name, const xmlNode *n)
{
	static const struct {
		const char *name, *next[2];
	} rules[] = {{"td", {"td", "th"}}, {"th", {"td", "th"}}, {"tr", {"tr", NULL}},
	             {"li", {"li", NULL}}, {"tbody", {"tbody", NULL}}};
	for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
		if (strcmp(name, rules[r].name) != 0)
			continue;
		const xmlNode *next = n->next;
		if (!next)
			return n->parent && n->parent->type == XML_ELEMENT_NODE;
		if (next->type != XML_ELEMENT_NODE)
			return false;
		for (int k = 0; k < 2; k++) {
			if (rules[r].next[k] && strcasecmp(rules[r].next[k], (const char *)next->name) == 0)
				return true;
		}
		return false;
	}
	return false;
}

static void put_children(struct html_out *o, const xmlNode *n)
{
	for (; n; n = n->next)
		put_node(o, n);
}

static void put_node(struct html_out *o, const xmlNode *n)
{
	switch (n->type) {
	case XML_TEXT_NODE:
		if (!n->content)
			return;
		if (n->name == xmlStringTextNoenc || is_raw_parent(n->parent))
			put_str(o, (const char *)n->content);
		else
			put_escaped(o, n->content, false);
		return;
	case XML_CDATA_SECTION_NODE:
		/* HTML_PRESERVE_NODE: what the parser read in <style> and
		 * <script>, written as it is. */
		if (n->content)
			put_str(o, (const char *)n->content);
		return;
	case XML_COMMENT_NODE:
		if (n->content) {
			put_str(o, "<!--");
			put_str(o, (const char *)n->content);
			put_str(o, "-->");
		}
		return;
	case XML_ELEMENT_NODE:
		break;
	case XML_DTD_NODE: /* written before the document's children */
		return;
	default:
		o->foreign = true;
		return;
	}
	if (n->ns || n->nsDef)
		o->foreign = true;
	const struct name_slot *name = name_info(o, n->name, false);
	const htmlElemDesc *info = name ? name->info : htmlTagLookup(n->name);
	size_t name_len = name ? name->len : strlen((const char *)n->name);
	put(o, "<", 1);
	put(o, n->name, name_len);
	o->unquoted = false;
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns)
			o->foreign = true;
		put_attr(o, a);
	}
	if (info && info->empty) {
		put(o, ">", 1); /* a void element: its children are not written */
		return;
	}
	bool svg = !info && same_name("svg", n->name);
	if (!n->children && !info && o->svg_depth > 0) {
		put_str(o, o->unquoted ? " />" : "/>");
		return;
	}
	/* An empty element libxml2 writes without its end tag. */
	if (!n->children && info && info->saveEndTag && strcmp(info->name, "html") != 0 &&
	    strcmp(info->name, "body") != 0) {
		put(o, ">", 1);
		return;
	}
	put(o, ">", 1);
	o->svg_depth += svg;
	put_children(o, n->children);
	o->svg_depth -= svg;
	if (info && end_tag_implied(info->name, n))
		return;
	put(o, "</", 2);
	put(o, n->name, name_len);
	put(o, ">", 1);
}

/* The document as htmlDocContentDumpFormatOutput(..., 0) writes it:
 * false when it holds something only libxml2 writes. */
static bool put_document(struct html_out *o, const xmlDoc *doc)
{
	const xmlDtd *dtd = doc->intSubset;
	if (dtd && (dtd->ExternalID || dtd->SystemID))
		return false;
	o->foreign = false;
	o->svg_depth = 0;
	if (dtd) {
		put_str(o, "<!DOCTYPE ");
		put_str(o, (const char *)dtd->name);
		put_str(o, ">\n");
	}
	put_children(o, doc->children);
	put(o, "\n", 1);
	return !o->foreign;
}

/* ---- files --------------------------------------------------------------- */

/* All of text into a new (or truncated) file; 0, or -1 with errno set. */
static int write_file(const char *path, const char *text, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, text + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = n < 0 ? errno : EIO;
			close(fd);
			errno = saved;
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

struct html_out *html_out_new(void)
{
	return calloc(1, sizeof(struct html_out));
}

void html_out_free(struct html_out *out)
{
	if (out) {
		free(out->text);
		free(out);
	}
}

int html_out_text(struct html_out *out, xmlDocPtr doc, bool libxml2, const char **text,
                  size_t *len)
{
	out->len = 0;
	out->oom = false;
	if (libxml2 || !put_document(out, doc)) {
		out->len = 0;
		xmlOutputBufferPtr buf = xmlOutputBufferCreateIO(put_callback, NULL, out, NULL);
		if (!buf)
			return -1;
		htmlDocContentDumpFormatOutput(buf, doc, NULL, 0);
		if (xmlOutputBufferClose(buf) < 0)
			out->oom = true;
	}
	*text = out->text;
	*len = out->len;
	return out->oom ? -1 : 0;
}

int html_out_save(struct html_out *out, xmlDocPtr doc, const char *path, char *err,
                  size_t errlen)
{
	const char *text;
	size_t len;
	if (html_out_text(out, doc, false, &text, &len) != 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (write_file(path, text, len) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int html_save(xmlDocPtr doc, const char *path, char *err, size_t errlen)
{
	struct html_out *out = html_out_new();
	if (!out) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	int rc = html_out_save(out, doc, path, err, errlen);
	html_out_free(out);
	return rc;
}
