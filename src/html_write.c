/* html_write: a page's tree into a file (html.h: html_save, html_out_*).
 *
 * The tree is serialized here, byte for byte as libxml2's HTML serializer
 * (htmlDocContentDumpFormatOutput, unformatted) writes it, but several
 * times faster: libxml2 copies every attribute value into a new string to
 * escape it, escapes every text into another, and looks each element up
 * in its table of HTML elements by comparing names one by one, which for
 * the SVG a page is mostly made of always fails. What an element is (void,
 * end tag optional) and which attributes are boolean or URIs still come
 * from libxml2 (htmlTagLookup, htmlIsBooleanAttr, xmlURIEscapeStr), looked
 * up once per name; this file walks and escapes, as xmlEncodeEntities and
 * xmlBufWriteQuotedString do for an HTML document. A tree holding what our
 * pages never hold (namespaces, entity references, processing
 * instructions) goes to libxml2's serializer instead. The tests
 * compare both on every page of the examples and on hostile text.
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
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <unistd.h>

/* Element and attribute names looked up in libxml2's tables, remembered
 * by hash of the name. */
#define TAG_SLOTS 256
#define TAG_NAME 16

struct html_out {
	char *text;
	size_t len, cap;
	bool oom;
	struct tag {
		char name[TAG_NAME];
		const htmlElemDesc *info;
	} tags[TAG_SLOTS];
	struct attr_slot {
		char name[TAG_NAME];
		int kind; /* enum attr_kind */
	} attrs[TAG_SLOTS];
	bool foreign; /* met a node only libxml2 writes */
};

/* ---- the buffer ---------------------------------------------------------- */

static void put(struct html_out *o, const void *bytes, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 1 << 15;
		while (cap < o->len + n)
			cap *= 2;
		char *text = realloc(o->text, cap);
		if (!text) {
			o->oom = true;
			return;
		}
		o->text = text;
		o->cap = cap;
	}
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
 * long builds one on every call). */
static const bool special[256] = {
	[1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1,
	[11] = 1, [12] = 1, [14] = 1, [15] = 1, [16] = 1, [17] = 1, [18] = 1, [19] = 1,
	[20] = 1, [21] = 1, [22] = 1, [23] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1,
	[28] = 1, [29] = 1, [30] = 1, [31] = 1, ['<'] = 1, ['>'] = 1, ['&'] = 1,
};

/* xmlEncodeEntitiesReentrant (attr false) or xmlEncodeAttributeEntities
 * (attr true): <, > and & as entities, except that an attribute's "&{...}"
 * stays as it is (HTML 4 B.7.1); bytes from 0x80 up, tab, newline and
 * carriage return as they are; other control characters dropped. */
static void put_escaped(struct html_out *o, const xmlChar *s, bool attr)
{
	const xmlChar *run = s, *p = s;
	for (;;) {
		while (*p && !special[*p])
			p++;
		if (!*p)
			break;
		if (*p == '&' && attr && p[1] == '{' && strchr((const char *)p, '}')) {
			p = (const xmlChar *)strchr((const char *)p, '}') + 1;
			continue;
		}
		put(o, run, (size_t)(p - run));
		put_str(o, *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" : "");
		run = ++p;
	}
	put(o, run, (size_t)(p - run));
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

/* What libxml2 does with an attribute, by its name (and, for "name",
 * its element's): a boolean one is written without its value; a URI's
 * value is %-escaped too. */
enum attr_kind { ATTR_PLAIN, ATTR_BOOLEAN, ATTR_URI };

static enum attr_kind attr_kind(struct html_out *o, const xmlAttr *a)
{
	const char *name = (const char *)a->name;
	if ((*name == 'n' || *name == 'N') && strcasecmp(name, "name") == 0)
		return strcasecmp((const char *)a->parent->name, "a") == 0 ? ATTR_URI
		                                                           : ATTR_PLAIN;
	size_t n = strlen(name);
	unsigned h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	struct attr_slot *slot = NULL;
	for (unsigned probe = 0; n < TAG_NAME && probe < 8 && !slot; probe++) {
		struct attr_slot *s = &o->attrs[(h + probe) % TAG_SLOTS];
		if (!s->name[0] || strcmp(s->name, name) == 0)
			slot = s;
	}
	if (slot && slot->name[0])
		return slot->kind;
	enum attr_kind kind = htmlIsBooleanAttr(a->name)          ? ATTR_BOOLEAN
	                      : strcasecmp(name, "href") == 0 ||
	                                strcasecmp(name, "action") == 0 ||
	                                strcasecmp(name, "src") == 0
	                              ? ATTR_URI
	                              : ATTR_PLAIN;
	if (slot) {
		memcpy(slot->name, name, n + 1);
		slot->kind = kind;
	}
	return kind;
}

/* htmlAttrDumpOutput. The value is escaped straight into the buffer after
 * an opening double quote, which is what almost every value needs; one
 * holding a double quote, or a URI, is taken back out and written again
 * as libxml2 would. */
static void put_attr(struct html_out *o, const xmlAttr *a)
{
	put(o, " ", 1);
	put_str(o, (const char *)a->name);
	enum attr_kind kind = a->children ? attr_kind(o, a) : ATTR_BOOLEAN;
	if (kind == ATTR_BOOLEAN)
		return;
	put(o, "=\"", 2);
	size_t start = o->len;
	for (const xmlNode *t = a->children; t; t = t->next) {
		if (t->type != XML_TEXT_NODE)
			o->foreign = true;
		else if (t->content)
			put_escaped(o, t->content, true);
	}
	if (o->oom)
		return;
	size_t n = o->len - start;
	if (kind == ATTR_PLAIN && !memchr(o->text + start, '"', n)) {
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

/* htmlTagLookup, remembered by name. */
static const htmlElemDesc *tag_info(struct html_out *o, const xmlChar *name)
{
	size_t n = strlen((const char *)name);
	if (n >= TAG_NAME)
		return htmlTagLookup(name);
	unsigned h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ name[i]) * 16777619u;
	for (unsigned probe = 0; probe < 8; probe++) {
		struct tag *t = &o->tags[(h + probe) % TAG_SLOTS];
		if (!t->name[0]) {
			memcpy(t->name, name, n + 1);
			t->info = htmlTagLookup(name);
			return t->info;
		}
		if (strcmp(t->name, (const char *)name) == 0)
			return t->info;
	}
	return htmlTagLookup(name);
}

static bool is_raw_parent(const xmlNode *parent)
{
	const char *name = parent ? (const char *)parent->name : NULL;
	return name && (*name == 's' || *name == 'S') &&
	       (strcasecmp(name, "script") == 0 || strcasecmp(name, "style") == 0);
}

static void put_node(struct html_out *o, const xmlNode *n);

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
	const htmlElemDesc *info = tag_info(o, n->name);
	put(o, "<", 1);
	put_str(o, (const char *)n->name);
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns)
			o->foreign = true;
		put_attr(o, a);
	}
	if (info && info->empty) {
		put(o, ">", 1); /* a void element: its children are not written */
		return;
	}
	if (!n->children) {
		if (info && info->saveEndTag && strcmp(info->name, "html") != 0 &&
		    strcmp(info->name, "body") != 0) {
			put(o, ">", 1);
			return;
		}
		put(o, "></", 3);
		put_str(o, (const char *)n->name);
		put(o, ">", 1);
		return;
	}
	put(o, ">", 1);
	put_children(o, n->children);
	put(o, "</", 2);
	put_str(o, (const char *)n->name);
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
