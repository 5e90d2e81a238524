/*
 * search.h: runs one search on a read connection and builds the JSON body
 * the HTTP API returns. Hits are episodes, best first; each carries its
 * matching moments, best first, with the matched words marked.
 */
#ifndef EPSEARCH_SEARCH_H
#define EPSEARCH_SEARCH_H

#include <jansson.h>

#include "query.h"
#include "store.h"

#define SEARCH_DEFAULT_LIMIT 10
#define SEARCH_MAX_LIMIT 100
#define SEARCH_MAX_OFFSET 10000
#define SEARCH_MAX_MOMENTS 20
/* Moments of one episode closer than this are one moment, said once. */
#define SEARCH_FOLD_SECONDS 5

struct search_request {
	const char *query;
	int limit;
	int offset;
	int prefix; /* the last word is a prefix: as-you-type */
	int exact;  /* no loose matching when nothing has every word */
	/* Filters given as parameters; NULL where absent. A parameter
	 * overrides the same filter written in the query. */
	const char *show;
	const char *tech;
	const char *guest;
	const char *after;
	const char *before;
};

/*
 * Readies a read connection for searches (ranking and folding functions).
 * Call once per connection. Returns 0 or a negative code.
 */
int search_attach(struct store *st);

/*
 * Returns 0 and *out, a new JSON object {query, total, hits[,
 * suggestions]}, or a negative code with *errmsg set (the caller frees
 * it): -EINVAL and -E2BIG mean the request is at fault and *errmsg names
 * the parameter.
 */
int search_run(struct store *st, const struct search_request *req, json_t **out,
	       char **errmsg);

#endif
