/*
 * highlight.h: marks the words of a text that a query matched, the way
 * the index matched them (same tokenizer, same stems), without asking the
 * index again: a moment's text is marked in microseconds, where SQLite's
 * highlight() would run the whole query once per moment.
 */
#ifndef EPSEARCH_HIGHLIGHT_H
#define EPSEARCH_HIGHLIGHT_H

#include <stddef.h>

#include <sqlite3.h>

#include "query.h"
#include "tokenizer.h"

struct highlighter {
	struct tokenizer stems;
	char **stems_wanted; /* the query's stems */
	int *prefix;	     /* stems_wanted[i] matches as a beginning */
	size_t count;
};

/* Learns the stems of q. 0 or a negative code; close it either way. */
int highlighter_open(struct highlighter *h, sqlite3 *db,
		     const struct query *q);

/*
 * Returns a new copy of text with each matched word between MARK_OPEN and
 * MARK_CLOSE (markup.h); NULL on ENOMEM.
 */
char *highlighter_mark(struct highlighter *h, const char *text);

/*
 * Returns about max_bytes of text around its first matched word, marked,
 * white space squeezed, "…" where it was cut; NULL on ENOMEM.
 */
char *highlighter_snippet(struct highlighter *h, const char *text,
			  size_t max_bytes);

void highlighter_close(struct highlighter *h);

#endif
