/* html: pages built with libxml2's tree API from the templates in
 * templates/ (embedded in the binary at build time), so that every string
 * from a capture, a path or the database is escaped by construction: text
 * goes in as text nodes and attribute values, never as markup.
 *
 * A template is an XHTML skeleton, read with libxml2's HTML parser and
 * written with its HTML serializer, so that void elements, <script> and
 * <style> come out as browsers parse them. Elements with an id are where
 * a page puts its content (html_find). The shared stylesheet
 * templates/style.css is inlined into the template's
 * <style id="tcpladder-style">, so a page needs no other file; a template
 * may carry its own further <style>. Inline SVG is built in the same tree
 * (no namespaces: an HTML parser puts <svg> in the SVG namespace itself). */
#ifndef TCPLADDER_HTML_H
#define TCPLADDER_HTML_H

#include <libxml/tree.h>
#include <stddef.h>

/* A new page from templates/NAME (e.g. "flow.xhtml"), stylesheets inlined.
 * NULL with err filled if the template is missing or not well-formed. The
 * caller frees it with xmlFreeDoc. */
xmlDocPtr html_page(const char *name, char *err, size_t errlen);

/* The text of a built-in template file (such as a script to inline), or
 * NULL. */
const char *html_template_text(const char *name);

/* The element with this id attribute, or NULL. */
xmlNodePtr html_find(xmlDocPtr doc, const char *id);

/* A new element `tag` appended to parent, with a class (NULL for none)
 * and text content (NULL for none; escaped on output). */
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

/* An <svg> element appended to parent, width x height user units, with
 * its xmlns (for those who save it alone) and a viewBox. */
xmlNodePtr html_svg(xmlNodePtr parent, const char *cls, double width,
                    double height);

/* Write the page; 0, or -1 with err filled. */
int html_save(xmlDocPtr doc, const char *path, char *err, size_t errlen);

#endif
