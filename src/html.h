/* html: pages built with libxml2's tree API from the templates in
 * templates/ (embedded in the binary at build time), so that every string
 * from a capture, a path or the database is escaped by construction: text
 * goes in as text nodes and attribute values, never as markup.
 *
 * A template is an XHTML file; elements with an id are where a page puts
 * its content (html_find). The stylesheets named in the template's
 * <style data-inline="a.css b.css"> are inlined there, so a page needs no
 * other file. Pages are saved as HTML5 that browsers parse (XHTML
 * serialization: no self-closed <div/>), UTF-8, with <!DOCTYPE html>. */
#ifndef TCPLADDER_HTML_H
#define TCPLADDER_HTML_H

#include <libxml/tree.h>
#include <stddef.h>

#define HTML_NS "http://www.w3.org/1999/xhtml"
#define SVG_NS "http://www.w3.org/2000/svg"

/* A new page from templates/NAME (e.g. "flow.xhtml"), stylesheets inlined.
 * NULL with err filled if the template is missing or not well-formed. The
 * caller frees it with xmlFreeDoc. */
xmlDocPtr html_page(const char *name, char *err, size_t errlen);

/* The element with this id attribute, or NULL. */
xmlNodePtr html_find(xmlDocPtr doc, const char *id);

/* A new element `tag` appended to parent, in parent's namespace, with a
 * class (NULL for none) and text content (NULL for none; escaped). */
xmlNodePtr html_add(xmlNodePtr parent, const char *tag, const char *cls,
                    const char *text);
/* The same with printf-style text. */
xmlNodePtr html_addf(xmlNodePtr parent, const char *tag, const char *cls,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Append text (escaped) to an element. */
void html_text(xmlNodePtr parent, const char *text);
void html_textf(xmlNodePtr parent, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set an attribute (the value is escaped on output). */
void html_set(xmlNodePtr node, const char *attr, const char *value);
void html_setf(xmlNodePtr node, const char *attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An <svg> element in the SVG namespace appended to parent, with a
 * viewBox of width x height. Children added with html_add() inherit the
 * SVG namespace. */
xmlNodePtr html_svg(xmlNodePtr parent, const char *cls, double width,
                    double height);

/* Write the page; 0, or -1 with err filled. */
int html_save(xmlDocPtr doc, const char *path, char *err, size_t errlen);

#endif
