/*
 * markup.h: text with matched words marked, as SQLite's highlight() and
 * snippet() give it back when asked to mark with two control characters
 * that indexed text never holds (text_normalize turns them into spaces).
 */
#ifndef EPSEARCH_MARKUP_H
#define EPSEARCH_MARKUP_H

#define MARK_OPEN "\x01"
#define MARK_CLOSE "\x02"

/* A new copy of marked without its marks; NULL on ENOMEM. */
char *markup_plain(const char *marked);

/*
 * A new HTML-escaped copy of marked, each marked run inside <mark> and
 * </mark>, every mark closed; NULL on ENOMEM.
 */
char *markup_html(const char *marked);

#endif
