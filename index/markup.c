/*
 * markup.c: marked text to plain text and to HTML; see markup.h.
 */
#include <stdlib.h>
#include <string.h>

#include "markup.h"

char *
markup_plain(const char *marked)
{
	char *plain = malloc(strlen(marked) + 1), *p = plain;

	if (plain == NULL)
		return NULL;
	for (; *marked; marked++)
		if (*marked != MARK_OPEN[0] && *marked != MARK_CLOSE[0])
			*p++ = *marked;
	*p = '\0';
	return plain;
}

/* What one byte becomes in HTML. */
static const char *
markup_escape(char c, int *open)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '\x01':
		if (*open)
			return "";
		*open = 1;
		return "<mark>";
	case '\x02':
		if (!*open)
			return "";
		*open = 0;
		return "</mark>";
	default:
		return NULL;
	}
}

char *
markup_html(const char *marked)
{
	/* "</mark>" is the longest thing a byte becomes: 7 bytes. */
	char *html = malloc(strlen(marked) * 7 + 8), *p = html;
	const char *rep;
	int open = 0;

	if (html == NULL)
		return NULL;
	for (; *marked; marked++) {
		rep = markup_escape(*marked, &open);
		if (rep == NULL) {
			*p++ = *marked;
			continue;
		}
		memcpy(p, rep, strlen(rep));
		p += strlen(rep);
	}
	if (open)
		p = stpcpy(p, "</mark>");
	*p = '\0';
	return html;
}
