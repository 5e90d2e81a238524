/*
 * suggest.h: corrected queries built from the index's own vocabulary, for
 * a search that found nothing ("kubernets" -> "kubernetes").
 */
#ifndef EPSEARCH_SUGGEST_H
#define EPSEARCH_SUGGEST_H

#include <jansson.h>
#include <sqlite3.h>

#include "query.h"

/*
 * Sets *out to a new JSON array of at most 3 queries, as a user would type
 * them, each of which finds something; empty when there is none. Returns
 * 0, -ENOSYS without FTS5, or -ENOMEM.
 */
int suggest_queries(sqlite3 *db, const struct query *q, json_t **out);

#endif
