/*
 * render.h: epsearchd's JSON answers turned into text for people. It only
 * prints what it is given; fetching is http.c's job, and the choice of exit
 * status is main.c's.
 */
#ifndef EPSEARCH_CLIENT_RENDER_H
#define EPSEARCH_CLIENT_RENDER_H

#include <jansson.h>
#include <stdio.h>

/* Line width used when standard output is not a terminal. */
#define RENDER_DEFAULT_WIDTH 100

/* Returns the number of hits in a search answer, or -EPROTO if it has none. */
int render_hit_count(const json_t *answer);

/*
 * Prints a search answer: each hit's episode line, then its moments, at
 * most width columns wide where text can be cut, hits apart by a blank
 * line. Prints nothing when there are no hits. Returns the number of hits
 * printed, or a negative code (-EPROTO for an answer of the wrong shape,
 * -ENOMEM) with *error set (the caller frees it).
 */
/* How hits are printed: the line width, and matched words in bold. */
struct render_style {
	int width;
	int bold;
};

int render_search(FILE *out, const json_t *answer,
		  const struct render_style *style, char **error);

/* Says nothing matched query, and offers the daemon's suggestions. */
void render_no_hits(FILE *out, const json_t *answer, const char *query);

/*
 * Prints a status answer: the counts, whether indexing is running, then
 * each indexing error as "path:line: message". Fields it does not know are
 * skipped. Returns 0, or -EPROTO with *error set (the caller frees it).
 */
int render_status(FILE *out, const json_t *answer, char **error);

#endif
