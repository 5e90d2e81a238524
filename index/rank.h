/*
 * rank.h: an FTS5 auxiliary function that tells how well a moment's own
 * words fit the query, beyond what bm25 sees: how many of the phrases are
 * in its text column, and whether they stand there in the query's order.
 */
#ifndef EPSEARCH_RANK_H
#define EPSEARCH_RANK_H

#include <sqlite3.h>

/*
 * Registers epsearch_fit(fts_table, n) on db: a number from 0 to 2, the
 * share of the expression's first n phrases (the query's own) found in
 * column 0, plus 1 when all n stand there one after another in order. Returns
 * 0, -ENOSYS when db has no FTS5, or -ENOMEM.
 */
int rank_register(sqlite3 *db);

#endif
