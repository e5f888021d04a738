/* html: see html.h. */
#include "html.h"

#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/dict.h>
#include <math.h>
#include <stdarg.h>
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

void html_slot_empty(struct html_slot slot)
{
	if (!slot.node)
		return;
	while (slot.node->last && slot.node->last != slot.keep) {
		xmlNodePtr added = slot.node->last;
		xmlUnlinkNode(added);
		xmlFreeNode(added);
	}
}

xmlDocPtr html_page(const char *name, char *err, size_t errlen)
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
	xmlNodeAddContent(style, BAD_CAST css);
	/* libxml2's HTML parser leaves a document without a dictionary, and
	 * then every element and attribute made for a page gets (and frees)
	 * its own copy of its name; with one, a name is stored once, and the
	 * serializer knows it again by its address. xmlFreeDoc frees it. */
	if (!doc->dict)
		doc->dict = xmlDictCreate();
	/* What htmlSaveFileFormat(..., "UTF-8") did to every page before it
	 * wrote it; done once here, so html_save writes the same bytes. */
	htmlSetMetaEncoding(doc, BAD_CAST "UTF-8");
	return doc;
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

xmlNodePtr html_add(xmlNodePtr parent, const char *tag, const char *cls,
                    const char *text)
{
	/* The element's name comes from the document's dictionary; the text
	 * is a text node, which the serializer escapes. */
	xmlNodePtr node = xmlNewDocNode(parent->doc, NULL, BAD_CAST tag, NULL);
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
	/* 10v is exact in a long double (64 significant bits hold a double's
	 * 53 times 10's 3), so rounding it to an integer in the current mode
	 * is what printf does to the decimal expansion of v. */
	if (!isfinite(v) || fabs(v) >= 1e15) {
		snprintf(buf, HTML_NUM_LEN, "%.1f", v);
		return buf;
	}
	long double tenths = rintl((long double)v * 10.0L);
	unsigned long long n = (unsigned long long)fabsl(tenths);
	char digits[24];
	size_t len = 0;
	digits[len++] = (char)('0' + n % 10);
	digits[len++] = '.';
	n /= 10;
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
	html_setf(svg, "viewBox", "0 0 %.0f %.0f", width, height);
	html_setf(svg, "width", "%.0f", width);
	html_setf(svg, "height", "%.0f", height);
}
