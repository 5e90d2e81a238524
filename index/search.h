/*
 * search.h: runs one search on a read connection and builds the JSON body
 * the HTTP API returns. Hits are episodes, best first; each carries its
 * matching moments, best first.
 */
#ifndef EPSEARCH_SEARCH_H
#define EPSEARCH_SEARCH_H

#include <jansson.h>

#include "store.h"

#define SEARCH_DEFAULT_LIMIT 10
#define SEARCH_MAX_LIMIT 100
#define SEARCH_MAX_MOMENTS 20

struct search_request {
	const char *query;
	int limit;
	int offset;
};

/*
 * Returns 0 and *out, a new JSON object {query, total, hits}, or a
 * negative code with *errmsg set (the caller frees it).
 */
int search_run(struct store *st, const struct search_request *req,
	       json_t **out, char **errmsg);

#endif
