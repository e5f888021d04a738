/* html: see html.h. */
#include "html.h"

#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/dict.h>
#include <libxml/parserInternals.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Generated from templates/ by the Makefile. */
struct html_template {
	const char *name;
	const char *text;
};
extern const struct html_template html_templates[];

const char *html_template_text(const char *name)
{
	for (const struct html_template *t = html_templates; t->name; t++) {
		if (strcmp(t->name, name) == 0)
			return t->text;
	}
	return NULL;
}

/* The value of node's attribute `name` when it is plain text, else NULL:
 * no copy, since html_find runs several times for every page. */
static const char *plain_attr(xmlNodePtr node, const char *name)
{
	for (xmlAttrPtr a = node->properties; a; a = a->next) {
		if (strcmp((const char *)a->name, name) == 0)
			return a->children && a->children->type == XML_TEXT_NODE && !a->children->next
			               ? (const char *)a->children->content
			               : NULL;
	}
	return NULL;
}

static xmlNodePtr find_id(xmlNodePtr node, const char *id)
{
	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		const char *v = plain_attr(node, "id");
		if (v && strcmp(v, id) == 0)
			return node;
		xmlNodePtr inner = find_id(node->children, id);
		if (inner)
			return inner;
	}
	return NULL;
}

xmlNodePtr html_find(xmlDocPtr doc, const char *id)
{
	return find_id(doc->children, id);
}

struct html_slot html_slot(xmlDocPtr doc, const char *id)
{
	struct html_slot slot = {html_find(doc, id), NULL};
	if (slot.node)
		slot.keep = slot.node->last;
	return slot;
}

static void free_after(xmlNodePtr parent, xmlNodePtr keep)
{
	while (parent->last && parent->last != keep) {
		xmlNodePtr added = parent->last;
		xmlUnlinkNode(added);
		xmlFreeNode(added);
	}
}

xmlDocPtr html_page(const char *name, const char *style_href, char *err, size_t errlen)
{
	const char *text = html_template_text(name);
	const char *css = html_template_text("style.css");
	if (!text || !css) {
		snprintf(err, errlen, "template %s is not built in", text ? "style.css" : name);
		return NULL;
	}
	xmlDocPtr doc = htmlReadMemory(text, (int)strlen(text), name, "UTF-8",
	                               HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	                                       HTML_PARSE_NOWARNING);
	xmlNodePtr style = doc ? html_find(doc, "tcpladder-style") : NULL;
	if (!style) {
		snprintf(err, errlen, "template %s: %s", name,
		         doc ? "no <style id=\"tcpladder-style\">" : "cannot be parsed");
		xmlFreeDoc(doc);
		return NULL;
	}
	/* libxml2's HTML parser leaves a document without a dictionary, and
	 * then every element and attribute made for a page gets (and frees)
	 * its own copy of its name; with one, a name is stored once, and the
	 * serializer knows it again by its address. xmlFreeDoc frees it. */
	if (!doc->dict)
		doc->dict = xmlDictCreate();
	if (style_href) {
		/* The report folder's one stylesheet, linked: written once, it
		 * was a fifth of every page. */
		xmlNodePtr link = xmlNewDocNode(doc, NULL, BAD_CAST "link", NULL);
		if (!link) {
			snprintf(err, errlen, "template %s: out of memory", name);
			xmlFreeDoc(doc);
			return NULL;
		}
		xmlReplaceNode(style, link);
		xmlFreeNode(style);
		html_set(link, "rel", "stylesheet");
		html_set(link, "href", style_href);
	} else {
		xmlUnsetProp(style, BAD_CAST "id");
		xmlNodeAddContent(style, BAD_CAST css);
	}
	/* No http-equiv <meta> added (htmlSetMetaEncoding): the template's
	 * <meta charset> says it, and our serializer writes the tree as it
	 * is. */
	return doc;
}

const char *html_stylesheet(void)
{
	return html_template_text("style.css");
}

xmlDocPtr html_copy(xmlDocPtr page, char *err, size_t errlen)
{
	xmlDocPtr doc = xmlCopyDoc(page, 1);
	if (!doc) {
		snprintf(err, errlen, "copying a page template: out of memory");
		return NULL;
	}
	/* The copy's own nodes own their names; what the page adds takes its
	 * names from the template's dictionary (see html_page). */
	if (!doc->dict && page->dict) {
		doc->dict = page->dict;
		xmlDictReference(doc->dict);
	}
	return doc;
}

/* A text node holding s. A string shorter than two pointers is kept in
 * the node itself, where libxml2's own parser keeps short texts
 * (XML_PARSE_COMPACT) and where xmlFreeNode, xmlNodeSetContent and
 * xmlNodeAddContent look for it: most attribute values are a few digits,
 * and a malloc and free for each was a tenth of a page's cost. */
static xmlNodePtr new_text(xmlDocPtr doc, const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 * sizeof(void *))
		return xmlNewDocText(doc, BAD_CAST s);
	xmlNodePtr t = xmlNewDocText(doc, NULL);
	if (t) {
		/* properties and nsDef, unused by a text node, side by side. */
		xmlChar *inside = (xmlChar *)&t->properties;
		memcpy(inside, s, n + 1);
		t->content = inside;
	}
	return t;
}

/* A text node's content replaced by s, kept inside it when short (as
 * new_text does). */
static void text_set(xmlNodePtr t, const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 * sizeof(void *)) {
		xmlNodeSetContent(t, BAD_CAST s);
		return;
	}
	xmlChar *inside = (xmlChar *)&t->properties;
	if (t->content != inside)
		xmlNodeSetContent(t, NULL);
	memcpy(inside, s, n + 1);
	t->content = inside;
}

/* ---- building over the last page's nodes --------------------------------- */

/* An element being rebuilt: its children and attributes are the last
 * page's, up to `placed` and `placed_attr`, the last this page has used
 * (NULL: none yet; for a slot, its template's own last child). Those
 * after are the last page's, not yet used. Once a call asks for something
 * else than the next one (`fresh`), the rest is removed and what follows
 * is appended as to a new element. */
struct rebuilt {
	xmlNodePtr node; /* NULL: a free entry */
	xmlNodePtr placed;
	xmlAttrPtr placed_attr;
	bool fresh, attrs_fresh;
};

/* The elements being rebuilt, by address (open addressing); hangs off
 * the document's _private, which libxml2 leaves to its user. */
struct html_rebuild {
	struct rebuilt *map;
	size_t cap, n; /* cap: 0 or a power of two */
	bool active;
};

static size_t rb_hash(const void *p, size_t cap)
{
	return (size_t)(((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15u) >> 32) & (cap - 1);
}

static struct rebuilt *rb_find(xmlNodePtr node)
{
	struct html_rebuild *r = node->doc ? node->doc->_private : NULL;
	if (!r || !r->active || !r->n)
		return NULL;
	for (size_t i = rb_hash(node, r->cap);; i = (i + 1) & (r->cap - 1)) {
		if (r->map[i].node == node)
			return &r->map[i];
		if (!r->map[i].node)
			return NULL;
	}
}

/* A new entry for node (its children and attributes the last page's);
 * NULL when out of memory. Moves the other entries. */
static struct rebuilt *rb_add(struct html_rebuild *r, xmlNodePtr node)
{
	if ((r->n + 1) * 2 > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		struct rebuilt *map = calloc(cap, sizeof *map);
		if (!map)
			return NULL;
		for (size_t i = 0; i < r->cap; i++) {
			if (!r->map[i].node)
				continue;
			size_t k = rb_hash(r->map[i].node, cap);
			while (map[k].node)
				k = (k + 1) & (cap - 1);
			map[k] = r->map[i];
		}
		free(r->map);
		r->map = map;
		r->cap = cap;
	}
	size_t i = rb_hash(node, r->cap);
	while (r->map[i].node && r->map[i].node != node)
		i = (i + 1) & (r->cap - 1);
	if (!r->map[i].node)
		r->n++;
	r->map[i] = (struct rebuilt){.node = node};
	return &r->map[i];
}

static xmlNodePtr next_child(const struct rebuilt *e)
{
	return e->placed ? e->placed->next : e->node->children;
}

/* The last page's children not used, removed; what follows is new. */
static void drop_children(struct rebuilt *e)
{
	free_after(e->node, e->placed);
	e->fresh = true;
}

static void drop_attrs(struct rebuilt *e)
{
	xmlAttrPtr a = e->placed_attr ? e->placed_attr->next : e->node->properties;
	while (a) {
		xmlAttrPtr next = a->next;
		xmlRemoveProp(a);
		a = next;
	}
	e->attrs_fresh = true;
}

int html_rebuild_begin(xmlDocPtr doc, const struct html_slot *slots, size_t n)
{
	struct html_rebuild *r = doc->_private;
	html_rebuild_end(doc); /* a page that failed half-way */
	if (!r && (r = calloc(1, sizeof *r)))
		doc->_private = r;
	for (size_t i = 0; r && i < n; i++) {
		struct rebuilt *e = slots[i].node ? rb_add(r, slots[i].node) : NULL;
		if (slots[i].node && !e) {
			r->active = true;
			html_rebuild_end(doc);
			r = NULL;
			break;
		}
		if (e) {
			e->placed = slots[i].keep;
			e->attrs_fresh = true; /* a slot's own are set as usual */
		}
	}
	if (r) {
		r->active = true;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (slots[i].node)
			free_after(slots[i].node, slots[i].keep);
	}
	return -1;
}

void html_rebuild_end(xmlDocPtr doc)
{
	struct html_rebuild *r = doc->_private;
	if (!r || !r->active)
		return;
	/* No entry's element is among what this removes: an element is
	 * entered when it is used, and what is used is never removed. */
	for (size_t i = 0; i < r->cap; i++) {
		struct rebuilt *e = &r->map[i];
		if (!e->node)
			continue;
		if (!e->fresh)
			drop_children(e);
		if (!e->attrs_fresh)
			drop_attrs(e);
	}
	/* The table of one very long flow's page is not kept for the next. */
	if (r->cap > 8192) {
		free(r->map);
		r->map = NULL;
		r->cap = 0;
	} else if (r->map) {
		memset(r->map, 0, r->cap * sizeof *r->map);
	}
	r->n = 0;
	r->active = false;
}

void html_rebuild_free(xmlDocPtr doc)
{
	struct html_rebuild *r = doc ? doc->_private : NULL;
	if (r) {
		free(r->map);
		free(r);
		doc->_private = NULL;
	}
}

bool html_empty(xmlNodePtr node)
{
	const struct rebuilt *e = rb_find(node);
	return e && !e->fresh ? !e->placed : !node->children;
}

/* ---- adding to a page ---------------------------------------------------- */

/* An element the last page had at this place with this name, its content
 * now to be rebuilt, or NULL (then parent's unused rest is gone). */
static xmlNodePtr reuse_element(xmlNodePtr parent, const char *tag)
{
	struct rebuilt *e = rb_find(parent);
	if (!e || e->fresh)
		return NULL;
	xmlNodePtr c = next_child(e);
	if (c && c->type == XML_ELEMENT_NODE && !c->ns &&
	    strcmp((const char *)c->name, tag) == 0) {
		e->placed = c; /* before rb_add, which moves e */
		if (rb_add(parent->doc->_private, c))
			return c;
		/* Out of memory: reused as an empty element. */
		free_after(c, NULL);
		while (c->properties)
			xmlRemoveProp(c->properties);
		return c;
	}
	drop_children(e);
	return NULL;
}

xmlNodePtr html_add(xmlNodePtr parent, const char *tag, const char *cls,
                    const char *text)
{
	xmlNodePtr node = reuse_element(parent, tag);
	if (node) {
		if (text)
			html_text(node, text);
		if (cls)
			html_set(node, "class", cls);
		return node;
	}
	/* The element's name comes from the document's dictionary; the text
	 * is a text node, which the serializer escapes. */
	node = xmlNewDocNode(parent->doc, NULL, BAD_CAST tag, NULL);
	if (!node)
		return NULL;
	xmlAddChild(parent, node);
	if (text)
		xmlAddChild(node, new_text(parent->doc, text));
	if (cls)
		html_set(node, "class", cls);
	return node;
}

xmlNodePtr html_addf(xmlNodePtr parent, const char *tag, const char *cls,
                     const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return html_add(parent, tag, cls, buf);
}

void html_text(xmlNodePtr parent, const char *text)
{
	struct rebuilt *e = rb_find(parent);
	if (e && !e->fresh) {
		xmlNodePtr c = next_child(e);
		/* After a text, xmlAddChild would have merged them. */
		if (e->placed && e->placed->type == XML_TEXT_NODE) {
			xmlNodeAddContent(e->placed, BAD_CAST text);
			return;
		}
		if (c && c->type == XML_TEXT_NODE && c->name == xmlStringText) {
			text_set(c, text);
			e->placed = c;
			return;
		}
		drop_children(e);
	}
	/* A text node holds the string as it is; the serializer escapes it. */
	xmlAddChild(parent, new_text(parent->doc, text));
}

void html_textf(xmlNodePtr parent, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	html_text(parent, buf);
}

void html_set(xmlNodePtr node, const char *attr, const char *value)
{
	struct rebuilt *e = rb_find(node);
	if (e && !e->attrs_fresh) {
		xmlAttrPtr c = e->placed_attr ? e->placed_attr->next : node->properties;
		if (c && value && !c->ns && strcmp((const char *)c->name, attr) == 0 &&
		    c->children && !c->children->next && c->children->type == XML_TEXT_NODE) {
			text_set(c->children, value);
			e->placed_attr = c;
			return;
		}
		drop_attrs(e);
	}
	/* Made (or emptied) without a value, which is then added as a text
	 * node of its own, as xmlSetProp would add it. */
	xmlAttrPtr a = xmlSetProp(node, BAD_CAST attr, NULL);
	if (a && value)
		xmlAddChild((xmlNodePtr)a, new_text(node->doc, value));
}

void html_setf(xmlNodePtr node, const char *attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	html_set(node, attr, buf);
}

const char *html_num(char *buf, double v)
{
	return html_fixed(buf, v, 1);
}

const char *html_fixed(char *buf, double v, int decimals)
{
	/* v times 10, 100 or 1000 is exact in a long double (64 significant
	 * bits hold a double's 53 and 1000's 10), so rounding it to an
	 * integer in the current mode is what printf does to the decimal
	 * expansion of v. */
	static const long double scale[] = {1.0L, 10.0L, 100.0L, 1000.0L};
	if (decimals < 0 || decimals > 3 || !isfinite(v) || fabs(v) >= 1e15) {
		snprintf(buf, HTML_NUM_LEN, "%.*f", decimals, v);
		return buf;
	}
	/* A whole number (most coordinates) needs no rounding. */
	if (v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
		size_t o = strlen(html_int(buf, (int64_t)v));
		if (decimals) {
			buf[o++] = '.';
			for (int i = 0; i < decimals; i++)
				buf[o++] = '0';
		}
		buf[o] = '\0';
		return buf;
	}
	unsigned long long n =
	        (unsigned long long)fabsl(rintl((long double)v * scale[decimals]));
	char digits[32];
	size_t len = 0;
	for (int i = 0; i < decimals; i++) {
		digits[len++] = (char)('0' + n % 10);
		n /= 10;
	}
	if (decimals)
		digits[len++] = '.';
	do {
		digits[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	size_t o = 0;
	/* printf keeps the sign of a negative that rounds to zero: -0.0. */
	if (signbit(v))
		buf[o++] = '-';
	while (len)
		buf[o++] = digits[--len];
	buf[o] = '\0';
	return buf;
}

const char *html_int(char *buf, int64_t v)
{
	/* The magnitude as unsigned, so that INT64_MIN has one too. */
	uint64_t n = v < 0 ? -(uint64_t)v : (uint64_t)v;
	char digits[HTML_INT_LEN];
	size_t len = 0, o = 0;
	do {
		digits[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	if (v < 0)
		buf[o++] = '-';
	while (len)
		buf[o++] = digits[--len];
	buf[o] = '\0';
	return buf;
}

const char *html_coord(char *buf, double v)
{
	/* Most are whole: their digits without formatting a fraction. */
	if (fabs(v) < 1e15 && v == (double)(int64_t)v && !(v == 0 && signbit(v)))
		return html_int(buf, (int64_t)v);
	html_num(buf, v);
	size_t n = strlen(buf);
	if (n > 2 && strcmp(buf + n - 2, ".0") == 0)
		buf[n - 2] = '\0';
	return buf;
}

void html_set_coord(xmlNodePtr node, const char *attr, double v)
{
	char buf[HTML_NUM_LEN];
	html_set(node, attr, html_coord(buf, v));
}

xmlNodePtr html_svg(xmlNodePtr parent, const char *cls, double width,
                    double height)
{
	xmlNodePtr svg = html_add(parent, "svg", cls, NULL);
	if (svg) {
		html_set(svg, "xmlns", "http://www.w3.org/2000/svg");
		html_svg_size(svg, width, height);
	}
	return svg;
}

void html_svg_size(xmlNodePtr svg, double width, double height)
{
	char w[HTML_NUM_LEN], h[HTML_NUM_LEN], box[2 * HTML_NUM_LEN + 8];
	html_fixed(w, width, 0);
	html_fixed(h, height, 0);
	snprintf(box, sizeof box, "0 0 %s %s", w, h);
	html_set(svg, "viewBox", box);
	html_set(svg, "width", w);
	html_set(svg, "height", h);
}
