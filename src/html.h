/* html: pages built with libxml2's tree API from the templates in
 * templates/ (embedded in the binary at build time), so that every string
 * from a capture, a path or the database is escaped by construction: text
 * goes in as text nodes and attribute values, never as markup.
 *
 * A template is an XHTML skeleton, read with libxml2's HTML parser and
 * written with its HTML serializer, so that void elements, <script> and
 * <style> come out as browsers parse them. Elements with an id are where
 * a page puts its content (html_find). The shared stylesheet
 * templates/style.css (every page's look, the flow page's and its SVG's
 * classes) takes the place of the template's <style id="tcpladder-style">:
 * as a <link> to the report folder's one copy of it, or inlined for a page
 * that must stand alone; a template may carry its own further <style>.
 * Inline SVG is built in the same tree (no namespaces: an HTML parser puts
 * <svg> in the SVG namespace itself). */
#ifndef TCPLADDER_HTML_H
#define TCPLADDER_HTML_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A new page from templates/NAME (e.g. "flow.xhtml"), linking the shared
 * stylesheet at style_href (relative to the page), or with it inlined
 * when style_href is NULL. NULL with err filled if the template is missing
 * or not well-formed. The caller frees it with xmlFreeDoc. */
xmlDocPtr html_page(const char *name, const char *style_href, char *err, size_t errlen);

/* The shared stylesheet's text (templates/style.css), which a report
 * writes once into its folder for its pages to link. */
const char *html_stylesheet(void);

/* A copy of a page made by html_page, to fill: parsing a template once and
 * copying it is several times cheaper than parsing it for every page.
 * NULL with err filled when out of memory; the caller frees it. */
xmlDocPtr html_copy(xmlDocPtr page, char *err, size_t errlen);

/* A page filled again and again (one parse for many pages, as a flow
 * page writer does): the element with an id where each page appends its
 * content, and the template's own last child there, which stays. */
struct html_slot {
	xmlNodePtr node; /* NULL when the template has no such id */
	xmlNodePtr keep; /* the template's last child in it, or NULL */
};
struct html_slot html_slot(xmlDocPtr doc, const char *id);

/* Each page is built over the last one's nodes: between
 * html_rebuild_begin and html_rebuild_end, html_add, html_set and
 * html_text into the slots take the element, attribute or text node the
 * last page had at the same place when it has the same name, and set its
 * value, rather than make a new one; html_rebuild_end removes what this
 * page did not use. The tree is the one a new build would make; consecutive
 * pages of one shape cost no allocation. Anything else that adds to a slot
 * (xmlAddChild, ...) is not allowed in between. 0, or -1 when out of
 * memory (the slots are then emptied and built anew). */
int html_rebuild_begin(xmlDocPtr doc, const struct html_slot *slots, size_t n);
void html_rebuild_end(xmlDocPtr doc);
/* What html_rebuild_begin keeps, freed; before xmlFreeDoc. */
void html_rebuild_free(xmlDocPtr doc);
/* Does node have no child yet? While a page is rebuilt, its children
 * include the last page's, so node->children does not tell. */
bool html_empty(xmlNodePtr node);

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

/* v as printf's "%.1f" writes it, into buf (HTML_NUM_LEN bytes), which
 * it returns: the same digits and rounding (ties to even, on v's exact
 * value), without printf's cost, since coordinates are most of what an
 * SVG holds. */
#define HTML_NUM_LEN 320 /* "%.3f" of the largest double fits */
const char *html_num(char *buf, double v);
/* The same for "%.*f" with `decimals` (printf's own for more than 3). */
const char *html_fixed(char *buf, double v, int decimals);
/* v in decimal as printf's "%" PRId64 writes it, into buf (HTML_INT_LEN
 * bytes), which it returns: frame numbers and offsets fill a page, and
 * printf was most of what writing them cost. */
#define HTML_INT_LEN 21
const char *html_int(char *buf, int64_t v);
/* A coordinate as a drawing writes it: one decimal, without a trailing
 * ".0" (most are whole), into buf (HTML_NUM_LEN bytes); and set as an
 * attribute. */
const char *html_coord(char *buf, double v);
void html_set_coord(xmlNodePtr node, const char *attr, double v);

/* An <svg> element appended to parent, width x height user units, with
 * its xmlns (for those who save it alone) and a viewBox. */
xmlNodePtr html_svg(xmlNodePtr parent, const char *cls, double width,
                    double height);
/* The same <svg> sized anew, its attributes where they were: a drawing
 * whose frame is made once and whose content changes with each page. */
void html_svg_size(xmlNodePtr svg, double width, double height);

/* Write the page to path (created or truncated) in one write; 0, or -1
 * with err filled. */
int html_save(xmlDocPtr doc, const char *path, char *err, size_t errlen);

/* The same for many pages: the memory a page is serialized into is kept
 * for the next. NULL when out of memory. */
struct html_out;
struct html_out *html_out_new(void);
int html_out_save(struct html_out *out, xmlDocPtr doc, const char *path, char *err,
                  size_t errlen);
void html_out_free(struct html_out *out);
/* The bytes html_out_save would write (valid until out's next use), from
 * our serializer, or from libxml2's when `libxml2` (which the tests
 * compare it with). 0, or -1 when out of memory. */
int html_out_text(struct html_out *out, xmlDocPtr doc, bool libxml2, const char **text,
                  size_t *len);

#endif
