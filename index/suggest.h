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

/*
 * For typo tolerance: returns a new FTS5 group "(\"term\" OR \"alt\" ...)"
 * of term and the index's stems one edit away (two from 9 letters; none
 * under 5), or NULL when there are none. term is a bare token, as in
 * query.terms; prefix keeps it a prefix.
 */
char *suggest_spellings(sqlite3 *db, const char *term, int prefix);

#endif
