/* html: see html.h. */
#include "html.h"

#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <stdarg.h>
#include <stdio.h>
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

static xmlNodePtr find_id(xmlNodePtr node, const char *id)
{
	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *v = xmlGetProp(node, BAD_CAST "id");
		bool match = v && strcmp((const char *)v, id) == 0;
		xmlFree(v);
		if (match)
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
	return doc;
}

xmlNodePtr html_add(xmlNodePtr parent, const char *tag, const char *cls,
                    const char *text)
{
	/* xmlNewTextChild escapes its content; xmlNewChild would not. */
	xmlNodePtr node = xmlNewTextChild(parent, NULL, BAD_CAST tag, BAD_CAST text);
	if (node && cls)
		xmlSetProp(node, BAD_CAST "class", BAD_CAST cls);
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
	xmlAddChild(parent, xmlNewText(BAD_CAST text));
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
	xmlSetProp(node, BAD_CAST attr, BAD_CAST value);
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

xmlNodePtr html_svg(xmlNodePtr parent, const char *cls, double width,
                    double height)
{
	xmlNodePtr svg = html_add(parent, "svg", cls, NULL);
	html_set(svg, "xmlns", "http://www.w3.org/2000/svg");
	html_setf(svg, "viewBox", "0 0 %.0f %.0f", width, height);
	html_setf(svg, "width", "%.0f", width);
	html_setf(svg, "height", "%.0f", height);
	return svg;
}

int html_save(xmlDocPtr doc, const char *path, char *err, size_t errlen)
{
	errno = 0;
	if (htmlSaveFileFormat(path, doc, "UTF-8", 0) < 0) {
		snprintf(err, errlen, "%s: %s", path, errno ? strerror(errno) : "cannot write");
		return -1;
	}
	return 0;
}
